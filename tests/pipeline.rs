//! The shift plan and the roster decided together: a plan the agents cannot fill is made again.

use assert_cmd::Command;
use std::path::Path;

/// One day open 08:00–20:00 needing one agent throughout; a morning and an afternoon shift (6 h, 6 each)
/// are cheaper than one long shift (12 h, 20). Of the two agents, B1 is away 12:00–16:00, so by hand:
/// B1 can work no shift at all, A1 one shift a day, and only the long shift covers the day with one
/// agent. The integer program sees two agents present all day (part-day absence is the roster's) and
/// plans morning + afternoon; the roster leaves one open; the plan made again with that template-day
/// capped takes the long shift, which A1 works.
#[test]
fn a_shift_the_agents_cannot_fill_is_planned_again_as_one_they_can() {
    let dir = tempfile::tempdir().expect("temp");
    let d = dir.path();
    let shift = |name: &str, length: &str, start: &str, cost: u32| {
        format!(
            "[[shift]]\nname = \"{name}\"\nlength = \"{length}\"\nstart = \"{start}-{start}\"\n\
             days = \"every_day\"\nchannels = [\"voice\"]\ncost_per_shift = {cost}\n\n"
        )
    };
    let model = format!(
        "name = \"Replan\"\n\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"15m\"\n\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"5m\"\nmin_agents = 1\n\
         target = {{ service_level = \"80%\", threshold = \"20s\" }}\n\
         hours = {{ every_day = \"08:00-20:00\" }}\n\n{}{}{}",
        shift("morning", "6h", "08:00", 6),
        shift("afternoon", "6h", "14:00", 6),
        shift("long", "12h", "08:00", 20),
    );
    let mut forecast = String::from("channel,start,volume\n");
    for q in 0..96 {
        let (h, m) = (q * 15 / 60, q * 15 % 60);
        // 0.2 calls of 5 min per quarter hour: one agent answers 94 % within 20 s.
        let volume = if (8..20).contains(&h) { 0.2 } else { 0.0 };
        forecast.push_str(&format!("voice,2026-11-30T{h:02}:{m:02},{volume}\n"));
    }
    std::fs::write(d.join("m.toml"), model).expect("model");
    std::fs::write(d.join("f.csv"), forecast).expect("forecast");
    std::fs::write(
        d.join("a.csv"),
        "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
         A1,Aino,voice,40,0,48,5\nB1,Bertta,voice,40,0,48,5\n",
    )
    .expect("agents");
    std::fs::write(
        d.join("v.csv"),
        "agent_id,date,from,to,kind\nB1,2026-11-30,12:00,16:00,unavailable\n",
    )
    .expect("availability");
    let out = Command::cargo_bin("vuoro")
        .expect("binary")
        .current_dir(d)
        .args([
            "plan",
            "--model",
            "m.toml",
            "--forecast",
            "f.csv",
            "--agents",
            "a.csv",
            "--availability",
            "v.csv",
            "--out",
            "out",
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0 open"), "{stdout}");
    assert!(stdout.contains("plan was made again 1 time"), "{stdout}");
    let shifts = std::fs::read_to_string(Path::new(d).join("out/shifts.csv")).expect("shifts");
    let planned: Vec<&str> = shifts
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap_or(""))
        .collect();
    assert_eq!(planned, vec!["long"], "{shifts}");
    let roster = std::fs::read_to_string(Path::new(d).join("out/roster.csv")).expect("roster");
    assert!(
        roster.lines().skip(1).all(|l| l.starts_with("A1,")),
        "{roster}"
    );
}

/// A plan whose shifts the roster moved: its shortfalls and evaluation follow the shifts where they
/// are, not where the solver left them. One day, 08:00–20:00, one agent needed throughout (as above);
/// the solved plan (morning + afternoon) has no shortfall. Placed as the morning alone, 14:00–20:00 is
/// one agent short (24 quarter hours, worked by hand); placed back, no shortfall again.
#[test]
fn a_plan_placed_as_moved_shifts_reports_their_shortfalls() {
    use vuoro::forecast::{read_forecast, Period};
    use vuoro::model::Model;
    use vuoro::requirements::{compute, demand::Demand};
    use vuoro::schedule::{schedule, Goal, SolverChoice};
    use vuoro::staffing::Staffing;
    let text = "name = \"Placed\"\n\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"15m\"\n\n\
        [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"5m\"\nmin_agents = 1\n\
        target = { service_level = \"80%\", threshold = \"20s\" }\nhours = { every_day = \"08:00-20:00\" }\n\n\
        [[shift]]\nname = \"morning\"\nlength = \"6h\"\nstart = \"08:00-08:00\"\ndays = \"every_day\"\nchannels = [\"voice\"]\n\n\
        [[shift]]\nname = \"afternoon\"\nlength = \"6h\"\nstart = \"14:00-14:00\"\ndays = \"every_day\"\nchannels = [\"voice\"]\n";
    let model = Model::from_toml(Path::new("m.toml"), text).expect("model");
    let mut forecast = String::from("channel,start,volume\n");
    for q in 0..96 {
        let (h, m) = (q * 15 / 60, q * 15 % 60);
        let volume = if (8..20).contains(&h) { 0.2 } else { 0.0 };
        forecast.push_str(&format!("voice,2026-11-30T{h:02}:{m:02},{volume}\n"));
    }
    let read =
        read_forecast(Path::new("f.csv"), &forecast, &model, Period::default()).expect("forecast");
    let req = compute(&model, &read.forecast).expect("requirements");
    let demand = Demand::from_requirements(&model, &req);
    let mut plan = schedule(
        &model,
        &demand,
        Goal::Interval,
        &SolverChoice::default(),
        &mut |_| {},
    )
    .expect("plan");
    assert!(plan.shortfalls.is_empty());
    let solved = plan.staffing.clone();
    let morning: Vec<_> = solved
        .spans
        .iter()
        .filter(|s| s.template_name(&model) == "morning")
        .cloned()
        .collect();
    assert_eq!(morning.len(), 1);
    plan.placed_as(&model, &demand, Staffing::new(morning));
    assert_eq!(plan.shortfalls.len(), 1, "{:?}", plan.shortfalls);
    let s = &plan.shortfalls[0];
    assert_eq!((s.to - s.from).num_minutes(), 6 * 60);
    assert!((s.agents - 1.0).abs() < 1e-9);
    let short: usize = plan.evaluation.channels[0]
        .intervals
        .iter()
        .filter(|i| i.scheduled < 1.0 - 1e-9 && i.required > 0.0)
        .count();
    assert_eq!(short, 24);
    plan.placed_as(&model, &demand, solved);
    assert!(plan.shortfalls.is_empty());
}

//! The shift scheduler on tiny instances solvable by hand, one per constraint family, plus goals,
//! determinism and the CLI.

use assert_cmd::Command;
use std::path::Path;
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::report::schedule::{coverage_csv, schedule_summary, shifts_csv};
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::schedule::{schedule, Goal, ScheduleError, ShiftPlan, SolverChoice};

/// A one-channel model at hourly intervals, open 08–20 on weekdays, with the given shift tables.
fn model(shifts: &str) -> Model {
    let text = format!(
        "[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\n\
         target = {{ service_level = \"80%\" }}\nhours = {{ weekdays = \"08:00-20:00\" }}\n\n{shifts}"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Requirements CSV for Monday 2026-11-23: `(hour, agents)` pairs, 0 elsewhere.
fn demand(model: &Model, hours: &[(u32, u32)]) -> Demand {
    let mut csv = String::from("channel,start,required\n");
    for h in 0..24 {
        let r = hours.iter().find(|(hh, _)| *hh == h).map_or(0, |(_, r)| *r);
        csv.push_str(&format!("voice,2026-11-23T{h:02}:00,{r}\n"));
    }
    Demand::from_csv(Path::new("r.csv"), &csv, model).unwrap_or_else(|e| panic!("{e}"))
}

fn solve(model: &Model, demand: &Demand) -> ShiftPlan {
    schedule(
        model,
        demand,
        Goal::Interval,
        &SolverChoice::default(),
        &mut |_| {},
    )
    .expect("solves")
}

fn shift_rows(model: &Model, plan: &ShiftPlan) -> Vec<String> {
    shifts_csv(model, &plan.staffing)
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn covers_a_block_with_the_cheapest_shifts() {
    // 2 agents 09–17: by hand, two 8-hour shifts starting 09:00 (16 paid hours), nothing else.
    let m = model("[[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"08:00-10:00\"\nstart_step = \"1h\"\n");
    let plan = solve(
        &m,
        &demand(&m, &(9..17).map(|h| (h, 2)).collect::<Vec<_>>()),
    );
    assert_eq!(
        shift_rows(&m, &plan),
        ["2026-11-23,day,2026-11-23T09:00+02:00,2026-11-23T17:00+02:00,,2,8,voice"]
    );
    assert!((plan.paid_hours() - 16.0).abs() < 1e-9);
    assert!(plan.shortfalls.is_empty());
    assert!(plan.solver.gap < 1e-6, "{:?}", plan.solver);
    assert!((plan.solver.lp_bound - 16.0).abs() < 1e-6);
}

#[test]
fn an_agent_on_break_is_absent_and_the_break_goes_where_it_hurts_least() {
    // 1 agent 09–14 except 12:00–13:00, a 4-hour shift (5 h on site with a 1-hour unpaid lunch that may
    // start 1–3 h after the start). By hand: one shift 09:00–14:00 with lunch 12:00–13:00.
    let shifts = "[[shift]]\nname = \"half\"\nlength = \"4h\"\nstart = \"08:00-10:00\"\nstart_step = \"1h\"\n\
                  breaks = [ { name = \"lunch\", length = \"1h\", paid = false, window = \"1h-3h\" } ]\n";
    let m = model(shifts);
    let plan = solve(&m, &demand(&m, &[(9, 1), (10, 1), (11, 1), (13, 1)]));
    assert_eq!(
        shift_rows(&m, &plan),
        ["2026-11-23,half,2026-11-23T09:00+02:00,2026-11-23T14:00+02:00,12:00-13:00 lunch (unpaid),1,4,voice"]
    );
    // Needing someone in 12:00 too: the one agent on lunch does not count, so a second shift covers it.
    let plan = solve(
        &m,
        &demand(&m, &[(9, 1), (10, 1), (11, 1), (12, 1), (13, 1)]),
    );
    let coverage = coverage_csv(&plan.evaluation, &m);
    let noon = coverage
        .lines()
        .find(|l| l.starts_with("voice,2026-11-23T12:00"))
        .expect("row");
    assert!(
        noon.starts_with("voice,2026-11-23T12:00+02:00,true,1,1,"),
        "{noon}"
    );
    assert_eq!(plan.staffing.shift_count(), 2);
    assert!(plan.shortfalls.is_empty());
}

#[test]
fn midnight_crossing_shift_keeps_its_start_date() {
    let text = "[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
                [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
                [[shift]]\nname = \"night\"\nlength = \"6h\"\nstart = \"21:00-23:00\"\nstart_step = \"1h\"\n";
    let m = Model::from_toml(Path::new("m.toml"), text).expect("valid");
    let mut csv = String::from("channel,start,required\n");
    for (day, h) in [(23, 22), (23, 23), (24, 0), (24, 1), (24, 2), (24, 3)] {
        csv.push_str(&format!("voice,2026-11-{day:02}T{h:02}:00,1\n"));
    }
    let d = Demand::from_csv(Path::new("r.csv"), &csv, &m).expect("valid");
    let plan = solve(&m, &d);
    assert_eq!(
        shift_rows(&m, &plan),
        ["2026-11-23,night,2026-11-23T22:00+02:00,2026-11-24T04:00+02:00,,1,6,voice"]
    );
}

#[test]
fn closed_hours_are_not_staffed_and_uncoverable_intervals_are_named() {
    // Templates end by 18:00 at the latest; the requirement runs to 20:00.
    let m = model("[[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"08:00-10:00\"\nstart_step = \"1h\"\n");
    let plan = solve(&m, &demand(&m, &[(16, 1), (17, 1), (18, 1), (19, 1)]));
    let described: Vec<String> = plan.shortfalls.iter().map(|s| s.describe(&m)).collect();
    assert_eq!(described, ["Mon 23.11. 18:00–20:00 voice: 1 agent short; no template ends late enough (latest end 18:00)"]);
    // 16–18 covered by one shift; nobody is placed in closed hours.
    assert_eq!(plan.staffing.shift_count(), 1);
}

#[test]
fn per_day_maximum_is_a_hard_limit() {
    let m = model(
        "[[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"09:00-09:00\"\nmax_per_day = 1\n",
    );
    let plan = solve(
        &m,
        &demand(&m, &(9..17).map(|h| (h, 3)).collect::<Vec<_>>()),
    );
    assert_eq!(plan.staffing.shift_count(), 1);
    assert_eq!(plan.shortfalls.len(), 1);
    assert!((plan.shortfalls[0].agents - 2.0).abs() < 1e-9);
}

#[test]
fn a_multi_skilled_agent_counts_once() {
    let text = "[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
                [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
                [[channel]]\nname = \"chat\"\nkind = \"immediate\"\naht = \"5m\"\ntarget = { service_level = \"80%\" }\n\
                [[shift]]\nname = \"blended\"\nlength = \"4h\"\nstart = \"09:00-09:00\"\nchannels = [\"voice\", \"chat\"]\n";
    let m = Model::from_toml(Path::new("m.toml"), text).expect("valid");
    let mut csv = String::from("channel,start,required\n");
    for h in 9..13 {
        csv.push_str(&format!(
            "voice,2026-11-23T{h:02}:00,1\nchat,2026-11-23T{h:02}:00,1\n"
        ));
    }
    let plan = solve(
        &m,
        &Demand::from_csv(Path::new("r.csv"), &csv, &m).expect("valid"),
    );
    // By hand: one agent cannot serve voice and chat in the same hour, so two shifts.
    assert_eq!(plan.staffing.shift_count(), 2);
    for ch in &plan.evaluation.channels {
        for r in ch.intervals.iter().filter(|r| r.required > 0.0) {
            assert!((r.scheduled - 1.0).abs() < 1e-9);
        }
    }
}

#[test]
fn template_validation_names_the_problem() {
    let bad = "[[shift]]\nname = \"day\"\nlength = \"4h\"\nstart = \"08:00-10:00\"\nchannels = [\"fax\"]\n\
               breaks = [ { length = \"30m\", window = \"3h30m-4h30m\" } ]\n";
    let text = format!(
        "[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = {{ service_level = \"80%\" }}\n{bad}"
    );
    let errors: Vec<String> = Model::from_toml(Path::new("m.toml"), &text)
        .expect_err("invalid")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors, ["m.toml:13:13: shift 'day': channels: expected a channel of this model (voice), found 'fax'"]);
    let text = text.replace("channels = [\"fax\"]\n", "");
    let errors: Vec<String> = Model::from_toml(Path::new("m.toml"), &text)
        .expect_err("invalid")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    // 4 h paid + a 30-minute unpaid break = 4 h 30 min on site, but the break may start 4 h 30 min in.
    assert_eq!(errors, ["m.toml:10:8: shift 'day': breaks: expected every break to end within the 4h30m shift, but 'break 1' may end 5h after its start"]);
}

fn shipped(goal: Goal, from: &str, to: &str) -> (Model, ShiftPlan) {
    shipped_with(goal, from, to, |t| t)
}

/// The shipped example with its model text edited by `edit`.
fn shipped_with(
    goal: Goal,
    from: &str,
    to: &str,
    edit: impl Fn(String) -> String,
) -> (Model, ShiftPlan) {
    let text = edit(std::fs::read_to_string("models/helsinki-multichannel.toml").expect("model"));
    let m = Model::from_toml(Path::new("models/helsinki-multichannel.toml"), &text).expect("valid");
    let f = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("forecast");
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let read = read_forecast(
        Path::new("f.csv"),
        &f,
        &m,
        Period {
            from: day(from),
            to: day(to),
        },
    )
    .expect("valid");
    let req = compute(&m, &read.forecast).expect("requirements");
    let d = Demand::from_requirements(&m, &req);
    // The default safety stop: the move budget, not the clock, ends the search (determinism).
    let plan = schedule(&m, &d, goal, &SolverChoice::default(), &mut |_| {}).expect("solves");
    (m, plan)
}

#[test]
fn daily_goal_needs_fewer_paid_hours_and_still_meets_the_day() {
    // One Tuesday of the shipped example: covering every interval vs meeting the day's service level.
    let (m, interval) = shipped(Goal::Interval, "2026-11-24", "2026-11-24");
    let (_, daily) = shipped(Goal::Daily, "2026-11-24", "2026-11-24");
    assert!(interval.shortfalls.is_empty(), "{:?}", interval.shortfalls);
    assert!(
        daily.paid_hours() < interval.paid_hours(),
        "{} vs {}",
        daily.paid_hours(),
        interval.paid_hours()
    );
    // The evaluator, not the linearisation, judges the day.
    assert!(daily.goal_misses().is_empty(), "{:?}", daily.goal_misses());
    for ch in &daily.evaluation.channels {
        for (_, day) in &ch.days {
            if let (Some(sl), Some(target)) = (day.service_level(), ch.targets.service_level) {
                assert!(sl >= target - 1e-9, "{}: {sl} < {target}", ch.name);
            }
        }
    }
    let voice = m.channel_index("voice").expect("voice");
    let abandon = daily.evaluation.channels[voice].days[0].1.p_abandon();
    assert!(abandon.expect("measured") <= 0.05 + 1e-9);
    // The summary says the goal is met and what it leaves below the interval requirement, in figures,
    // rather than "every interval has its requirement".
    let summary = schedule_summary(&m, &daily);
    assert!(
        summary
            .contains("daily goal:\n  every day meets its service-level and abandonment targets"),
        "{summary}"
    );
    let voice = &daily.evaluation.channels[voice].period;
    assert!(voice.short_intervals > 0, "the goal trades intervals");
    assert!(
        summary.contains(&format!(
            "voice: {} intervals below the interval requirement ({:.0} agent-intervals); lowest interval",
            voice.short_intervals, voice.under
        )),
        "{summary}"
    );
    assert!(!summary.contains("every interval has its requirement"));
    assert!(summary.contains("no shortfalls: every interval has at least its floor"));
    // Deterministic: the same inputs give the same files.
    let (_, again) = shipped(Goal::Daily, "2026-11-24", "2026-11-24");
    assert_eq!(
        shifts_csv(&m, &daily.staffing),
        shifts_csv(&m, &again.staffing)
    );
    assert_eq!(
        coverage_csv(&daily.evaluation, &m),
        coverage_csv(&again.evaluation, &m)
    );
}

#[test]
fn cli_schedule_writes_all_files_and_reads_its_own_requirements() {
    let dir = tempfile::tempdir().expect("temp");
    let req = dir.path().join("req.csv");
    let run = |args: &[&str]| {
        Command::cargo_bin("vuoro")
            .expect("binary")
            .args(args)
            .output()
            .expect("runs")
    };
    let r = run(&[
        "requirements",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-24",
        "--out",
        req.to_str().expect("utf-8"),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    let out = run(&[
        "schedule",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-24",
        "--out",
        a.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("solver microlp")
            && summary.contains("LP bound")
            && summary.contains("paid hours"),
        "{summary}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("vuoro schedule: model:"),
        "progress on stderr"
    );
    for file in ["shifts.csv", "coverage.csv", "coverage.svg"] {
        assert!(a.join(file).exists(), "{file}");
    }
    let out = run(&[
        "schedule",
        "--model",
        "models/helsinki-multichannel.toml",
        "--requirements",
        req.to_str().expect("utf-8"),
        "--out",
        b.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The requirements CSV carries what the scheduler covers: the same plan either way.
    assert_eq!(
        std::fs::read(a.join("shifts.csv")).expect("a"),
        std::fs::read(b.join("shifts.csv")).expect("b")
    );
}

#[test]
fn contradictory_day_limits_are_explained_by_family_not_solved() {
    // The template must start at least 2 shifts a day but at most 1 agent may work a day.
    let m = model(
        "[schedule]\nmax_agents_per_day = 1\n\
         [[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"08:00-10:00\"\nmin_per_day = 2\n",
    );
    let err = schedule(
        &m,
        &demand(&m, &[(9, 1)]),
        Goal::Interval,
        &SolverChoice::default(),
        &mut |_| {},
    )
    .expect_err("infeasible");
    assert!(matches!(err, ScheduleError::Infeasible(_)));
    assert_eq!(
        err.to_string(),
        "the model cannot be solved: template_day_limits vs daily_agent_limit on Mon 23.11.: the templates' min_per_day need at least 2 shifts, max_agents_per_day allows 1"
    );
}

#[test]
fn a_shortfall_the_daily_limit_causes_says_so() {
    // Two agents needed 09–11 but at most one agent a day: one agent short, and why.
    let m = model(
        "[schedule]\nmax_agents_per_day = 1\n\
         [[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"08:00-10:00\"\n",
    );
    let plan = solve(&m, &demand(&m, &[(9, 2), (10, 2)]));
    let described: Vec<String> = plan.shortfalls.iter().map(|s| s.describe(&m)).collect();
    assert_eq!(
        described,
        ["Mon 23.11. 09:00–11:00 voice: 1 agent short; the day's limit of 1 agent (max_agents_per_day) is reached"]
    );
}

#[test]
fn a_zero_interval_floor_does_not_collapse_the_goal() {
    // Regression guard: with min_interval_service_level = 0 % the floor is where the service level turns
    // concave in agents (`queueing::concave_from`; below it the goal's linearisation would be wrong), and
    // the day's goal is still met by the evaluator's figures with a plan of ordinary size.
    let zero = |t: String| {
        t.replace(
            "min_interval_service_level = \"50%\"",
            "min_interval_service_level = \"0%\"",
        )
    };
    let (m, plan) = shipped_with(Goal::Daily, "2026-11-24", "2026-11-24", zero);
    assert!(plan.goal_misses().is_empty(), "{:?}", plan.goal_misses());
    let voice = m.channel_index("voice").expect("voice");
    let sl = plan.evaluation.channels[voice].days[0].1.service_level();
    assert!(sl.expect("measured") >= 0.8 - 1e-9);
    let (_, fifty) = shipped(Goal::Daily, "2026-11-24", "2026-11-24");
    assert!(
        plan.paid_hours() > 0.8 * fifty.paid_hours(),
        "{} vs {}",
        plan.paid_hours(),
        fifty.paid_hours()
    );
}

//! The discrete-event simulator against the formulas at constant load (where the steady state is the
//! truth), against a carry-over instance worked by hand, and for determinism across thread counts.

use chrono::{Duration, TimeZone, Utc};
use std::path::Path;
use vuoro::model::Model;
use vuoro::queueing::Queue;
use vuoro::requirements::demand::Demand;
use vuoro::simulate::{simulate, SimOptions, SimPeriod};
use vuoro::staffing::{ChannelId, Span, Staffing, TemplateId};

/// Voice open around the clock at 30-minute intervals, AHT 3 min, no shrinkage.
fn model(patience: &str) -> Model {
    let text = format!(
        "name = \"T\"\n[planning]\ntime_zone = \"UTC\"\ninterval = \"30m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\n{patience}\
         target = {{ service_level = \"80%\", threshold = \"20s\" }}\n\
         [[shift]]\nname = \"all\"\nlength = \"8h\"\nstart = \"00:00-16:00\"\nchannels = [\"voice\"]\n"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// `volumes[i]` calls in the i-th half hour of 2026-11-23 (UTC).
fn demand(m: &Model, volumes: &[f64]) -> Demand {
    let mut csv = String::from("channel,start,required,volume,aht_s\n");
    for (i, v) in volumes.iter().enumerate() {
        let t = Utc
            .with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
            .single()
            .expect("t")
            + Duration::minutes(30 * i as i64);
        csv.push_str(&format!("voice,{},0,{v},180\n", t.format("%Y-%m-%dT%H:%M")));
    }
    Demand::from_csv(Path::new("r.csv"), &csv, m).unwrap_or_else(|e| panic!("{e}"))
}

/// `agents` on voice from half hour `from` to half hour `to` (exclusive).
fn staffing(agents: u32, from: i64, to: i64) -> Staffing {
    let t0 = Utc
        .with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .expect("t");
    Staffing::new(vec![Span {
        agent: None,
        template: TemplateId(0),
        date: t0.date_naive(),
        start: t0 + Duration::minutes(30 * from),
        end: t0 + Duration::minutes(30 * to),
        breaks: Vec::new(),
        channels: vec![ChannelId(0)],
        count: agents,
        paid_minutes: 480,
        cost: 0.0,
    }])
}

/// The day's simulated service level of voice, with its interval.
fn day_service_level(sim: &vuoro::simulate::Simulation) -> vuoro::simulate::Estimate {
    let (period, figures) = &sim.channels[0].periods[0];
    assert!(matches!(period, SimPeriod::Day(_)));
    figures.service_level.expect("calls offered")
}

#[test]
fn at_constant_load_the_simulation_reproduces_erlang_c_and_erlang_a() {
    // 100 calls per half hour (10 Erlangs) for 12 hours with 12 agents: the steady state of Erlang C and
    // of Erlang A (patience 2 min), as the queueing core computes them, must lie in the simulation's 95 %
    // interval. (Starting empty biases the first minutes only: 24 half hours make it negligible.)
    for (patience, queue) in [
        ("", Queue::new(100.0, 1800.0, 180.0).expect("q")),
        (
            "patience = \"2m\"\n",
            Queue::new(100.0, 1800.0, 180.0)
                .and_then(|q| q.with_patience(120.0))
                .expect("q"),
        ),
    ] {
        let m = model(patience);
        let d = demand(&m, &[100.0; 24]);
        let options = SimOptions {
            replications: 40,
            ..SimOptions::default()
        };
        let sim = simulate(&m, &d, &staffing(12, 0, 24), &options);
        let want = queue.evaluate(12, 20.0);
        let sl = day_service_level(&sim);
        let widen = 0.002; // the empty start and the normal approximation
        assert!(
            sl.low - widen <= want.service_level.offered
                && want.service_level.offered <= sl.high + widen,
            "{patience:?}: formula {} outside [{}, {}]",
            want.service_level.offered,
            sl.low,
            sl.high
        );
        let abandon = sim.channels[0].periods[0].1.p_abandon.expect("measured");
        assert!(
            abandon.low - widen <= want.p_abandon && want.p_abandon <= abandon.high + widen,
            "{patience:?}: abandonment {} outside [{}, {}]",
            want.p_abandon,
            abandon.low,
            abandon.high
        );
    }
}

#[test]
fn a_queue_carries_over_into_the_next_interval() {
    // By hand: 30 calls arrive in 00:00–00:30 with nobody staffed; 40 agents come at 00:30 and answer
    // every waiting call at once. A call arriving at u waits 1800 − u seconds, u uniform: the interval's
    // ASA is 900 s and its service level P(1800 − u ≤ 20 s) = 20 / 1800 = 1.1 %.
    let m = model("");
    let d = demand(&m, &[30.0, 0.0]);
    let options = SimOptions {
        replications: 400,
        ..SimOptions::default()
    };
    let sim = simulate(&m, &d, &staffing(40, 1, 2), &options);
    let first = &sim.channels[0].intervals[0];
    let asa = first.asa_s.expect("answered");
    assert!(asa.low - 5.0 <= 900.0 && 900.0 <= asa.high + 5.0, "{asa:?}");
    let sl = first.service_level.expect("offered");
    assert!(
        sl.low <= 20.0 / 1800.0 && 20.0 / 1800.0 <= sl.high,
        "{sl:?}"
    );
    // The formula, blind to the carry-over, sees an empty second interval and an unstaffed first one.
    assert!(
        sim.evaluation.channels[0].intervals[0]
            .kpis
            .expect("k")
            .service_level
            < 1e-9
    );
}

#[test]
fn the_same_seed_gives_the_same_result_whatever_the_threads() {
    let m = model("patience = \"2m\"\n");
    let d = demand(&m, &[80.0, 120.0, 60.0, 100.0]);
    let run = |threads: usize, seed: u64| {
        simulate(
            &m,
            &d,
            &staffing(11, 0, 4),
            &SimOptions {
                replications: 30,
                seed,
                threads,
                ..SimOptions::default()
            },
        )
    };
    let one = run(1, 7);
    assert_eq!(one, run(3, 7));
    assert_eq!(one, run(8, 7));
    assert_ne!(one, run(1, 8));
}

#[test]
fn simulate_replays_a_plan_folder_into_csv_files() {
    // A shift plan of the model above for one day, then 20 replications of it, twice: same files.
    let tmp = tempfile::tempdir().expect("temp");
    let model_path = tmp.path().join("m.toml");
    let text = "name = \"T\"\n[planning]\ntime_zone = \"UTC\"\ninterval = \"30m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\npatience = \"2m\"\n\
         target = { service_level = \"80%\", threshold = \"20s\" }\nhours = { every_day = \"08:00-16:00\" }\n\
         [[shift]]\nname = \"all\"\nlength = \"8h\"\nstart = \"08:00-08:00\"\nchannels = [\"voice\"]\n";
    std::fs::write(&model_path, text).expect("model");
    let mut forecast = String::from("channel,start,volume\n");
    for h in 8..16 {
        for m in [0, 30] {
            forecast.push_str(&format!("voice,2026-11-23T{h:02}:{m:02},60\n"));
        }
    }
    let forecast_path = tmp.path().join("f.csv");
    std::fs::write(&forecast_path, forecast).expect("forecast");
    let vuoro = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_vuoro"))
            .args(args)
            .output()
            .expect("runs")
    };
    let (m, f) = (model_path.as_os_str(), forecast_path.as_os_str());
    let plan = tmp.path().join("plan");
    let out = vuoro(&[
        "schedule".as_ref(),
        "--model".as_ref(),
        m,
        "--forecast".as_ref(),
        f,
        "--out".as_ref(),
        plan.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files = Vec::new();
    for run in ["a", "b"] {
        let dir = tmp.path().join(run);
        let out = vuoro(&[
            "simulate".as_ref(),
            "--model".as_ref(),
            m,
            "--forecast".as_ref(),
            f,
            "--plan".as_ref(),
            plan.as_os_str(),
            "--replications".as_ref(),
            "20".as_ref(),
            "--threads".as_ref(),
            if run == "a" { "1" } else { "3" }.as_ref(),
            "--out".as_ref(),
            dir.as_os_str(),
        ]);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let summary = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            summary.contains("\nweek       voice") && summary.contains("simulated SL"),
            "{summary}"
        );
        let csv = std::fs::read_to_string(dir.join("simulation.csv")).expect("simulation.csv");
        assert!(csv.starts_with("channel,start,offered,service_level,service_level_low,service_level_high,asa_s,p_abandon,occupancy,predicted_service_level,at_risk\n"));
        assert_eq!(csv.lines().count(), 1 + 16);
        let days = std::fs::read_to_string(dir.join("simulation_days.csv")).expect("days");
        let periods: Vec<&str> = days
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(periods, ["2026-11-23", "week"]);
        files.push((
            csv,
            std::fs::read_to_string(dir.join("simulation_days.csv")).expect("days"),
        ));
    }
    assert_eq!(files[0], files[1], "the thread count changes nothing");
}

#[test]
fn simulate_refuses_what_it_cannot_judge() {
    let tmp = tempfile::tempdir().expect("temp");
    let run = |plan: &std::path::Path, replications: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vuoro"))
            .args([
                "simulate",
                "--model",
                "models/helsinki-multichannel.toml",
                "--forecast",
                "forecasts/helsinki-week-48.csv",
                "--replications",
                replications,
                "--out",
            ])
            .arg(tmp.path().join("out"))
            .arg("--plan")
            .arg(plan)
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A plan without shifts.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    std::fs::write(
        empty.join("shifts.csv"),
        "date,template,start,end,breaks,count,paid_hours,channels\n",
    )
    .expect("w");
    let (code, stderr) = run(&empty, "10");
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("expected at least one shift, found none"),
        "{stderr}"
    );
    // One replication has no spread for an interval.
    let (code, stderr) = run(&empty, "1");
    assert_eq!(
        (
            code,
            stderr.contains("--replications: expected 2 to 100000, found '1'")
        ),
        (Some(2), true),
        "{stderr}"
    );
    // A roster of another time zone.
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(
        other.join("roster.json"),
        r#"{"time_zone": "America/New_York", "agents": []}"#,
    )
    .expect("w");
    let (code, stderr) = run(&other, "10");
    assert_eq!(code, Some(2));
    assert!(
        stderr
            .contains("time_zone: expected the model's Europe/Helsinki, found 'America/New_York'"),
        "{stderr}"
    );
    assert!(!tmp.path().join("out").exists());
}

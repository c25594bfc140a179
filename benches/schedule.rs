//! `cargo bench --bench schedule`: the shift scheduler on the shipped example.
//!
//! Cases: voice alone for one week; the four channels for one week; the four channels for four weeks
//! (the shipped week repeated); and the week of issue 10 (one voice channel, breaks inside the shifts,
//! part-time lengths: `tests/data/week-breaks.*`). Each with `--goal interval` and `--goal weekly`, gap
//! 0.5 %, safety stop 600 s (the deterministic move and node budgets end the search).
//! Prints build and solve time, status, paid hours, objective, LP bound, gap, the service level per
//! immediate channel, and the process's peak memory. Goals (read off, not asserted): one channel, one
//! week within 0.5 % of the LP bound in ≤ 2 s; four channels × four weeks in ≤ 60 s with ≤ 2 GiB.
//! `cargo bench --bench schedule -- quick` runs the one-week cases only, `-- breaks` the week of issue 10,
//! `-- scaled` that week with every volume ×0.6 and ×1.5; `VUORO_SOLVER=cbc` (or `highs`)
//! with `--features cbc` (or `highs`) measures another back end. `VUORO_BENCH_SCALE=0.6` runs the
//! issue's week at that scale alone, `VUORO_BENCH_GOAL=interval` (or `weekly`) one goal only. Each line
//! shows the process's CPU seconds beside the wall clock (all threads): on the shared machine the
//! steadier figure.

use std::path::Path;
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::schedule::{schedule, Backend, Goal, SolverChoice};

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|k| k.parse::<f64>().ok())
            })
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

/// CPU seconds this process has spent (all threads, user and system), from `/proc/self/stat` at the
/// kernel's 100 ticks per second: steadier than the wall clock on a shared machine.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return f64::NAN;
    };
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// The shipped week repeated `weeks` times, one week later each time.
fn weeks(text: &str, weeks: i64) -> String {
    let mut out = String::from("channel,start,volume\n");
    for w in 0..weeks {
        for line in text.lines().skip(1) {
            let mut parts = line.split(',');
            let (Some(channel), Some(start), Some(volume)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let t = chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%dT%H:%M")
                .expect("shipped format");
            let t = t + chrono::Duration::days(7 * w);
            out.push_str(&format!(
                "{channel},{},{volume}\n",
                t.format("%Y-%m-%dT%H:%M")
            ));
        }
    }
    out
}

fn voice_only(model: &Model) -> Model {
    let voice = model.channel_index("voice").expect("voice channel");
    let mut m = model.clone();
    m.channels = vec![model.channels[voice].clone()];
    m.shifts = model
        .shifts
        .iter()
        .filter(|s| s.channels == [voice])
        .cloned()
        .map(|mut s| {
            s.channels = vec![0];
            s
        })
        .collect();
    m
}

fn run(label: &str, model: &Model, forecast: &str) {
    let read = read_forecast(Path::new("bench.csv"), forecast, model, Period::default())
        .expect("valid forecast");
    let req = compute(model, &read.forecast).expect("requirements");
    let demand = Demand::from_requirements(model, &req);
    for goal in [Goal::Interval, Goal::Weekly] {
        if std::env::var("VUORO_BENCH_GOAL").is_ok_and(|g| g != goal.to_string()) {
            continue;
        }
        let choice = SolverChoice {
            time_limit_s: 600.0,
            mip_gap: 0.005,
            backend: backend(),
            threads: 2,
            ..SolverChoice::default()
        };
        let began = std::time::Instant::now();
        let cpu = cpu_seconds();
        let plan = schedule(model, &demand, goal, &choice, &mut |m| {
            if std::env::var("VUORO_DEBUG").is_ok() {
                eprintln!("[{:6.2} s] {m}", began.elapsed().as_secs_f64())
            }
        })
        .expect("solves");
        let cpu = cpu_seconds() - cpu;
        let s = &plan.solver;
        let sl: Vec<String> = plan
            .evaluation
            .channels
            .iter()
            .filter_map(|c| {
                c.period
                    .service_level()
                    .map(|v| format!("{} {:.1}%", c.name, 100.0 * v))
            })
            .collect();
        println!(
            "{label:<22} {goal:<8} build {:>5.2} s  solve {:>6.2} s  cpu {cpu:>6.2} s  {:<16} paid h {:>8.1}  obj {:>9.2}  LP {:>9.2}  gap {:>5.2}%  moves {}  {}  misses {}",
            s.build_seconds,
            s.solve_seconds,
            s.status.to_string(),
            plan.paid_hours(),
            s.objective,
            s.lp_bound,
            100.0 * s.gap,
            s.evaluations,
            sl.join(", "),
            plan.goal_misses().len() + plan.shortfalls.len()
        );
    }
}

fn backend() -> Backend {
    match std::env::var("VUORO_SOLVER").as_deref() {
        #[cfg(feature = "cbc")]
        Ok("cbc") => Backend::Cbc,
        #[cfg(feature = "highs")]
        Ok("highs") => Backend::Highs,
        _ => Backend::Microlp,
    }
}

/// The week of issue 10: one voice channel, 21 800 calls, breaks inside 8 h shifts, part-time 6 h / 4 h.
fn breaks_week() {
    let path = "tests/data/week-breaks.toml";
    let text = std::fs::read_to_string(path).expect("bench model");
    let model = Model::from_toml(Path::new(path), &text).expect("valid model");
    let week = std::fs::read_to_string("tests/data/week-breaks.csv").expect("bench forecast");
    run("voice+breaks, 1 week", &model, &week);
}

/// The week of issue 10 with every volume scaled: the same model on weeks it was not tuned on.
fn breaks_week_scaled(factor: f64) {
    let path = "tests/data/week-breaks.toml";
    let text = std::fs::read_to_string(path).expect("bench model");
    let model = Model::from_toml(Path::new(path), &text).expect("valid model");
    let week = std::fs::read_to_string("tests/data/week-breaks.csv").expect("bench forecast");
    let mut scaled = String::from("channel,start,volume\n");
    for line in week.lines().skip(1) {
        let mut parts = line.rsplitn(2, ',');
        let (Some(volume), Some(rest)) = (parts.next(), parts.next()) else {
            continue;
        };
        let v: f64 = volume.parse().expect("shipped format");
        scaled.push_str(&format!("{rest},{:.1}\n", v * factor));
    }
    run(&format!("voice+breaks ×{factor}"), &model, &scaled);
}

fn main() {
    if let Some(f) = std::env::var("VUORO_BENCH_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        breaks_week_scaled(f);
        return;
    }
    let quick = std::env::args().any(|a| a == "quick");
    if std::env::args().any(|a| a == "scaled") {
        breaks_week_scaled(0.6);
        breaks_week_scaled(1.5);
        println!("peak memory {:.0} MiB", peak_rss_mib());
        return;
    }
    if std::env::args().any(|a| a == "long") {
        long();
        println!("peak memory {:.0} MiB", peak_rss_mib());
        return;
    }
    if std::env::args().any(|a| a == "breaks") {
        breaks_week();
        println!("peak memory {:.0} MiB", peak_rss_mib());
        return;
    }
    let text = std::fs::read_to_string("models/helsinki-multichannel.toml").expect("shipped model");
    let model = Model::from_toml(Path::new("models/helsinki-multichannel.toml"), &text)
        .expect("valid model");
    let week = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("shipped forecast");
    println!(
        "shift scheduler, {}, safety stop 600 s, gap 0.5 %",
        backend()
    );
    let voice_rows: String = week
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.starts_with("voice,"))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    if std::env::args().any(|a| a == "workforce") {
        workforce_week(&model, &week);
        println!("peak memory {:.0} MiB", peak_rss_mib());
        return;
    }
    if std::env::args().any(|a| a == "shipped") {
        run("4 channels, 1 week", &model, &week);
        println!("peak memory {:.0} MiB", peak_rss_mib());
        return;
    }
    breaks_week();
    run("voice, 1 week", &voice_only(&model), &voice_rows);
    run("4 channels, 1 week", &model, &week);
    if !quick {
        run("4 channels, 4 weeks", &model, &weeks(&week, 4));
    }
    println!("peak memory {:.0} MiB", peak_rss_mib());
}

/// `-- long`: the four-week case alone.
fn long() {
    let text = std::fs::read_to_string("models/helsinki-multichannel.toml").expect("shipped model");
    let model = Model::from_toml(Path::new("models/helsinki-multichannel.toml"), &text)
        .expect("valid model");
    let week = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("shipped forecast");
    run("4 channels, 4 weeks", &model, &weeks(&week, 4));
}

/// `-- workforce`: the shipped week planned for the shipped agents (issue 9's plan half): status, gap,
/// channel-intervals below the requirement in the plan, surplus hours, time.
fn workforce_week(model: &Model, week: &str) {
    use vuoro::agents::{read_agents, read_availability};
    use vuoro::schedule::{schedule_for, Workforce};
    let agents_text = std::fs::read_to_string("models/helsinki-agents.csv").expect("agents");
    let agents = read_agents(Path::new("agents.csv"), &agents_text, model).expect("agents");
    let windows_text =
        std::fs::read_to_string("models/helsinki-availability.csv").expect("availability");
    let windows =
        read_availability(Path::new("v.csv"), &windows_text, &agents).expect("availability");
    let read = read_forecast(Path::new("f.csv"), week, model, Period::default()).expect("valid");
    let demand = Demand::from_requirements(model, &compute(model, &read.forecast).expect("req"));
    let workforce = Workforce::new(model, &agents, &windows);
    let began = std::time::Instant::now();
    let choice = SolverChoice {
        backend: backend(),
        ..SolverChoice::default()
    };
    let plan = schedule_for(
        model,
        &demand,
        Goal::Interval,
        &choice,
        Some(&workforce),
        &mut |m| {
            if std::env::var("VUORO_DEBUG").is_ok() {
                eprintln!("[{:6.2} s] {m}", began.elapsed().as_secs_f64())
            }
        },
    )
    .expect("plan");
    let s = &plan.solver;
    println!(
        "workforce, 1 week      interval {:>6.2} s  {}  paid h {:.1}  obj {:.2}  LP {:.2}  gap {:.2}%  below requirement {}  {}",
        began.elapsed().as_secs_f64(),
        s.status,
        plan.paid_hours(),
        s.objective,
        s.lp_bound,
        100.0 * s.gap,
        plan.unmet(&plan.evaluation).below_minimum,
        plan.surplus.as_ref().map_or(String::new(), |x| x.describe()),
    );
}

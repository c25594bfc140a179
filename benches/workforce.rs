//! `cargo bench --bench workforce`: the workforce-aware plan and roster against issue 9's targets.
//!
//! 1. The shipped week (`vuoro plan` on the README's files, done through the library): agents below
//!    their minimum hours, open shifts, intervals short, soft rules broken, time; then the same run again
//!    to show the roster is byte-identical (the search's budget is counted in moves, not seconds).
//! 2. `VUORO_BENCH_LARGE=1`: 9× the shipped workforce (1 026 agents) on four weeks of the shipped
//!    forecast at 9× the volume — the large case; time and peak memory, and whether the plan's
//!    120 s wall-clock safety stop fired. `VUORO_DEBUG=1` prints the solver's progress with
//!    timestamps (where the time goes: wall and CPU seconds) and the open shifts and agents below
//!    minimum. The CPU seconds (all threads) are the fair figure on a shared machine.
//! 3. `VUORO_BENCH_PLAN_CACHE=FILE` with `VUORO_BENCH_LARGE=1`: the first run writes the large case's
//!    plan as solved to FILE (`shifts.csv`'s format); later runs roster that plan alone (the shipped
//!    week skipped), printing the roster's seconds and a fingerprint of its spans — to profile and
//!    compare the roster without the plan's minutes.
//!
//! Figures are printed, never asserted.

use std::path::Path;
use std::time::Instant;
use vuoro::agents::{read_agents, read_availability, Agent, Window};
use vuoro::evaluate::evaluate;
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::pipeline;
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::roster::{assign_with, Options, Roster};
use vuoro::rules::Rule;
use vuoro::schedule::{Goal, ShiftPlan, SolverChoice, SolverStatus};
use vuoro::staffing::Staffing;

fn model() -> Model {
    let path = Path::new("models/helsinki-multichannel.toml");
    let text = std::fs::read_to_string(path).expect("model");
    Model::from_toml(path, &text).expect("valid")
}

/// CPU seconds used so far by this process, all threads (Linux `/proc/self/stat`, fields 14–15, in
/// clock ticks of 10 ms): the fair figure on a shared machine, where wall seconds depend on the load.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let ticks: u64 = after_name
        .split(' ')
        .skip(11)
        .take(2)
        .map(|f| f.parse::<u64>().unwrap_or(0))
        .sum();
    Some(ticks as f64 / 100.0)
}

/// Peak resident memory of this process, MiB (Linux), if known.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The plan for the workforce and its roster, as `vuoro plan` makes them (`pipeline::plan_and_roster`:
/// planned again when the roster leaves shifts open), with the seconds it took and the plans made again.
fn plan_and_roster(
    model: &Model,
    forecast: &str,
    agents: &[Agent],
    windows: &[Window],
    choice: &SolverChoice,
) -> (Demand, ShiftPlan, Roster, f64, u32, Staffing) {
    let read =
        read_forecast(Path::new("f.csv"), forecast, model, Period::default()).expect("valid");
    let req = compute(model, &read.forecast).expect("req");
    let start = Instant::now();
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let planned = pipeline::plan_and_roster(
        model,
        &req,
        Goal::Interval,
        choice,
        agents,
        windows,
        &Options::default(),
        &mut |line| {
            if std::env::var_os("VUORO_DEBUG").is_some() {
                let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
                eprintln!(
                    "[{:7.1} s, cpu {cpu:7.1} s] {line}",
                    start.elapsed().as_secs_f64()
                );
            }
        },
    )
    .expect("plan");
    let seconds = start.elapsed().as_secs_f64();
    (
        planned.demand,
        planned.plan,
        planned.roster,
        seconds,
        planned.replans,
        planned.solved,
    )
}

fn report(label: &str, model: &Model, run: &(Demand, ShiftPlan, Roster, f64, u32, Staffing)) {
    let (demand, plan, roster, seconds, replans, _) = run;
    let evaluation = evaluate(model, demand, &roster.staffing);
    let short: usize = evaluation
        .channels
        .iter()
        .flat_map(|c| &c.intervals)
        .filter(|r| r.under() > 1e-9)
        .count();
    let (below, soft) = below_and_soft(model, roster);
    let hard = roster.hard_breaches(model);
    println!("{label}: {} agents", roster.agents.len());
    println!(
        "  plan     {:.0} paid h, {} agent-shifts; LP bound {:.1}, objective {:.1} (gap {:.2} %); plan and roster {seconds:.1} s, planned again {replans} time(s)",
        plan.paid_hours(),
        plan.staffing.shift_count(),
        plan.solver.lp_bound,
        plan.solver.objective,
        100.0 * plan.solver.gap
    );
    println!(
        "  solver   {}; {} of {} local-search evaluations; wall-clock safety stop {}",
        plan.solver.status,
        plan.solver.evaluations,
        plan.solver.move_budget,
        if plan.solver.status == SolverStatus::TimeLimit {
            "FIRED (the plan depends on load)"
        } else {
            "not fired"
        }
    );
    println!(
        "  roster   {} agents below minimum, {} open agent-shifts, {short} channel-intervals short, {soft} soft rules broken, {hard} hard; {} moves, {} chains of trades to the minimum",
        below,
        roster.open_count(),
        roster.search.moves,
        roster.search.chains
    );
    if std::env::var_os("VUORO_DEBUG").is_some() {
        for o in &roster.open {
            let blocked: String = o.blocked.chars().take(300).collect();
            eprintln!(
                "open: {} {} {} ×{} {:?} {blocked}",
                model.shifts[o.span.template.0].name,
                o.span.date,
                o.span.start.format("%H:%M"),
                o.span.count,
                o.turned_away
            );
        }
        for v in roster
            .violations
            .iter()
            .filter(|v| v.rule == Rule::MinHours)
            .take(5)
        {
            eprintln!("below minimum: {v:?}");
        }
    }
    println!(
        "  objective  plan cost {:.1} against its LP bound {:.1}; roster {} open, {:.1} h below minimum, soft-rule penalty {:.1} (bound 0)",
        plan.solver.objective,
        plan.solver.lp_bound,
        roster.open_count(),
        roster.search.short_hours,
        roster.search.soft_penalty
    );
}

fn main() {
    let model = model();
    let forecast = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("forecast");
    let agents_text = std::fs::read_to_string("models/helsinki-agents.csv").expect("agents");
    let agents = read_agents(Path::new("agents.csv"), &agents_text, &model).expect("agents");
    let windows_text =
        std::fs::read_to_string("models/helsinki-availability.csv").expect("availability");
    let windows =
        read_availability(Path::new("v.csv"), &windows_text, &agents).expect("availability");
    // The plan's own budget is the README's default; it is wall-clock until the scheduler counts nodes.
    let choice = SolverChoice::default();
    let cached = std::env::var_os("VUORO_BENCH_PLAN_CACHE").is_some_and(|p| Path::new(&p).exists());
    if cached {
        // The roster of the cached large plan alone.
        large(&model, &forecast, &agents_text);
        return;
    }
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let first = plan_and_roster(&model, &forecast, &agents, &windows, &choice);
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
    report("shipped week", &model, &first);
    println!(
        "  plan and roster {cpu:.1} CPU s; roster {}",
        fingerprint(&first.2)
    );
    // The roster alone, again on the same plan: the same spans, whatever the load.
    let period = (
        first.0.grid.first().expect("grid"),
        first.0.grid.end().expect("grid"),
    );
    // The plan as solved, with the demand: the roster moves the same shifts again.
    let again = assign_with(
        &model,
        &model.rules,
        &first.5,
        agents.clone(),
        &windows,
        period,
        &Options {
            demand: Some(first.0.clone()),
            ..Options::default()
        },
    );
    println!(
        "  the same plan rostered again: {}",
        if again.staffing == first.2.staffing {
            "identical roster"
        } else {
            "DIFFERENT roster"
        }
    );
    if std::env::var_os("VUORO_BENCH_LARGE").is_some() {
        large(&model, &forecast, &agents_text);
    }
    if let Some(mib) = peak_mib() {
        println!("peak memory {mib:.0} MiB");
    }
}

/// 1 026 agents (the shipped 114, nine times) on four weeks of the shipped forecast at 9× the volume.
fn large(model: &Model, week: &str, agents_text: &str) {
    let mut forecast = String::from("channel,start,volume\n");
    for w in 0..4i64 {
        for line in week.lines().skip(1) {
            let mut f = line.split(',');
            let (Some(c), Some(t), Some(v)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            let start = chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").expect("time")
                + chrono::Duration::days(7 * w);
            let volume: f64 = v.parse().expect("volume");
            forecast.push_str(&format!(
                "{c},{},{}\n",
                start.format("%Y-%m-%dT%H:%M"),
                volume * 9.0
            ));
        }
    }
    let mut lines = agents_text.lines();
    let header = lines.next().expect("header");
    let rows: Vec<&str> = lines.collect();
    let mut csv = format!("{header}\n");
    for copy in 0..9 {
        for row in &rows {
            let (id, rest) = row.split_once(',').expect("id");
            csv.push_str(&format!("{id}x{copy},{rest}\n"));
        }
    }
    let agents = read_agents(Path::new("agents.csv"), &csv, model).expect("agents");
    // `VUORO_BENCH_BY_WEEK=1`: each ISO week solved apart (`SolverChoice::by_week`).
    let choice = SolverChoice {
        time_limit_s: 120.0,
        by_week: std::env::var_os("VUORO_BENCH_BY_WEEK").is_some(),
        ..SolverChoice::default()
    };
    if let Some(cache) = std::env::var_os("VUORO_BENCH_PLAN_CACHE") {
        if let Ok(text) = std::fs::read_to_string(&cache) {
            roster_only(model, &forecast, agents, &text);
            return;
        }
    }
    let start = Instant::now();
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let run = plan_and_roster(model, &forecast, &agents, &[], &choice);
    report("1 026 agents × 4 channels × 4 weeks", model, &run);
    println!(
        "  total {:.1} s, {:.1} CPU s; roster {}",
        start.elapsed().as_secs_f64(),
        cpu_seconds().unwrap_or(0.0) - cpu0,
        fingerprint(&run.2)
    );
    if let Some(cache) = std::env::var_os("VUORO_BENCH_PLAN_CACHE") {
        let text = vuoro::report::schedule::shifts_csv(model, &run.5);
        std::fs::write(&cache, text).expect("plan cache");
    }
}

/// A fingerprint of a roster's spans, to tell two runs' rosters apart at a glance.
/// Agents below their minimum hours and soft rules broken, as the summary counts them.
fn below_and_soft(model: &Model, roster: &Roster) -> (usize, usize) {
    let below = roster
        .violations
        .iter()
        .filter(|v| v.rule == Rule::MinHours)
        .count();
    let soft = roster
        .violations
        .iter()
        .filter(|v| !model.rules.is_hard(v.rule))
        .count();
    (below, soft)
}

fn fingerprint(roster: &Roster) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{:?}", roster.staffing.spans).hash(&mut h);
    format!("{:016x}", h.finish())
}

/// `VUORO_BENCH_PLAN_CACHE=FILE`: the large case's plan as solved, written by an earlier run
/// (`shifts.csv`'s format), rostered again alone — the roster's time without the plan's.
fn roster_only(model: &Model, forecast: &str, agents: Vec<Agent>, plan_text: &str) {
    let read =
        read_forecast(Path::new("f.csv"), forecast, model, Period::default()).expect("valid");
    let req = compute(model, &read.forecast).expect("req");
    let demand = Demand::from_requirements(model, &req);
    let plan = vuoro::roster::plan_file::read_shifts(Path::new("cache.csv"), plan_text, model)
        .expect("plan");
    let period = (
        demand.grid.first().expect("grid"),
        demand.grid.end().expect("grid"),
    );
    let start = Instant::now();
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let roster = assign_with(
        model,
        &model.rules,
        &plan,
        agents,
        &[],
        period,
        &Options {
            demand: Some(demand),
            ..Options::default()
        },
    );
    let (below, soft) = below_and_soft(model, &roster);
    println!(
        "roster of the cached plan: {} open, {below} below minimum, {} hard, {soft} soft; {} moves, {} chains, {} retimed; {:.1} s, {:.1} CPU s; roster {}",
        roster.open_count(),
        roster.hard_breaches(model),
        roster.search.moves,
        roster.search.chains,
        roster.search.retimed,
        start.elapsed().as_secs_f64(),
        cpu_seconds().unwrap_or(0.0) - cpu0,
        fingerprint(&roster)
    );
}

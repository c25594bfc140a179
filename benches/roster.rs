//! `cargo bench --bench roster`: rostering 500 named agents to one week of shifts.
//!
//! The shift plan of the shipped week (four channels) is scaled to five times its volume (every shift
//! count × 5, about 2 560 agent-shifts) and 500 agents are generated with the shipped skill mix. Prints the
//! median time of `assign` and of all exports, with the open shifts and rule violations. The goal (≤ 60 s)
//! is read off, not asserted.

use std::path::Path;
use std::time::Instant;
use vuoro::agents::read_agents;
use vuoro::evaluate::evaluate;
use vuoro::export::{calendars, roster_csv, roster_json, roster_xlsx};
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::roster::assign;
use vuoro::schedule::{schedule, Goal, SolverChoice};
use vuoro::staffing::Staffing;

fn main() {
    let text = std::fs::read_to_string("models/helsinki-multichannel.toml").expect("model");
    let model =
        Model::from_toml(Path::new("models/helsinki-multichannel.toml"), &text).expect("valid");
    let forecast = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("forecast");
    let read =
        read_forecast(Path::new("f.csv"), &forecast, &model, Period::default()).expect("valid");
    let req = compute(&model, &read.forecast).expect("requirements");
    let demand = Demand::from_requirements(&model, &req);
    let plan = schedule(
        &model,
        &demand,
        Goal::Interval,
        &SolverChoice::default(),
        &mut |_| {},
    )
    .expect("plan");
    let shifts = Staffing::new(
        plan.spans()
            .iter()
            .map(|s| s.anonymous(s.count * 5))
            .collect(),
    );
    let mut csv = String::from("id,name,team,skills,contract_hours\n");
    for i in 0..500 {
        let (team, skills, hours) = match i % 10 {
            0..=4 => ("Phone", "voice", 37.5),
            5 => ("Phone part-time", "voice", 25.0),
            6..=8 => ("Digital", "chat;email;social", 37.5),
            _ => ("Blended", "voice;chat;email;social", 37.5),
        };
        csv.push_str(&format!("A{i:04},Agent {i},{team},{skills},{hours}\n"));
    }
    let agents = read_agents(Path::new("agents.csv"), &csv, &model).expect("valid agents");
    let period = (
        demand.grid.first().expect("grid"),
        demand.grid.end().expect("grid"),
    );
    let total = shifts.shift_count();
    let mut times = Vec::new();
    let mut roster = None;
    for _ in 0..5 {
        let start = Instant::now();
        roster = Some(assign(
            &model,
            &model.rules,
            &shifts,
            agents.clone(),
            &[],
            period,
        ));
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let roster = roster.expect("ran");
    let start = Instant::now();
    let files = calendars(&model, &roster, period.0).len();
    let bytes = roster_csv(&model, &roster).len()
        + roster_json(&model, &roster).len()
        + roster_xlsx(&model, &roster).map_or(0, |b| b.len());
    let export = start.elapsed().as_secs_f64();
    println!("roster: 500 agents, {total} agent-shifts in one week");
    println!(
        "  assign   median {:.3} s (5 runs); {} filled, {} open, {} rule notes",
        times[2],
        roster.spans().len(),
        roster.open_count(),
        roster.violations.len()
    );
    println!("  exports  {export:.3} s ({files} calendars, {bytes} bytes of CSV, JSON and XLSX)");
    // The evaluator on the roster: allocation and KPIs of 2 688 channel-intervals, day/week/period sums.
    let mut eval_times = Vec::new();
    for _ in 0..11 {
        let start = Instant::now();
        let ev = evaluate(&model, &demand, &roster.staffing);
        eval_times.push(start.elapsed().as_secs_f64());
        std::hint::black_box(ev);
    }
    eval_times.sort_by(f64::total_cmp);
    println!(
        "  evaluate median {:.1} ms (11 runs; {} spans, {} channel-intervals)",
        1e3 * eval_times[5],
        roster.spans().len(),
        demand.channels.len() * demand.grid.len()
    );
}

//! Helpers the workforce-row tests share.

use std::path::Path;
use vuoro::model::Model;
use vuoro::requirements::demand::Demand;
use vuoro::schedule::{schedule_for, Goal, ShiftPlan, SolverChoice, Workforce};

/// The interval goal's plan of `demand` for the agents of `agents_csv` (an agents file's text),
/// made with the workforce rows and the default solver.
pub fn plan_for_agents(m: &Model, demand: &Demand, agents_csv: &str) -> ShiftPlan {
    let agents = vuoro::agents::read_agents(Path::new("a.csv"), agents_csv, m)
        .unwrap_or_else(|e| panic!("{e}"));
    let workforce = Workforce::new(m, &agents, &[]);
    schedule_for(
        m,
        demand,
        Goal::Interval,
        &SolverChoice::default(),
        Some(&workforce),
        &mut |_| {},
    )
    .expect("solves")
}

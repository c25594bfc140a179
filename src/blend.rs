//! Shift plans for models with blended pools: plan, then place the pools' deferred work on the plan's
//! spare agents and plan again, keeping the cheapest plan.
//!
//! A pool's deferred work may move within its response window; the integer program sees one requirement
//! row per channel and cannot move it. Refitting closes part of that gap: a plan's coverage shows where
//! shifts already leave agents idle, [`refit_pools`] puts deferred work there first, and the next plan
//! covers a requirement the previous plan already met almost everywhere, with lower peaks. Every plan
//! meets its own requirement (deadlines included); the cheapest is kept, and refitting stops at the
//! first round that does not lower the cost (at most [`REFITS`] rounds), so the result is never worse
//! than a single pass. Deterministic: the same solves with the same budgets.

use crate::model::Model;
use crate::requirements::demand::Demand;
use crate::requirements::pool::refit_pools;
use crate::requirements::Requirements;
use crate::schedule::{schedule_for, Goal, ScheduleError, ShiftPlan, SolverChoice, Workforce};

/// The shift plan of `req` (see the module docs) and the demand it covers.
pub fn plan_with_pools(
    model: &Model,
    req: &Requirements,
    goal: Goal,
    choice: &SolverChoice,
    workforce: Option<&Workforce>,
    progress: &mut dyn FnMut(&str),
) -> Result<(Demand, ShiftPlan), ScheduleError> {
    let demand = Demand::from_requirements(model, req);
    let plan = schedule_for(model, &demand, goal, choice, workforce, progress)?;
    if model.pools.is_empty() {
        return Ok((demand, plan));
    }
    let mut best = (demand, plan);
    for round in 1..=REFITS {
        let productive: Vec<Vec<f64>> = best
            .1
            .evaluation
            .channels
            .iter()
            .map(|ch| ch.intervals.iter().map(|r| r.productive).collect())
            .collect();
        let mut refit = req.clone();
        refit_pools(model, &mut refit, &productive);
        progress(&format!(
            "pools: deferred work moved onto the plan's spare agents; planning again ({round} of {REFITS})"
        ));
        let demand = Demand::from_requirements(model, &refit);
        let plan = schedule_for(model, &demand, goal, choice, workforce, progress)?;
        if plan.cost() < best.1.cost() - 1e-9 {
            best = (demand, plan);
        } else {
            break;
        }
    }
    Ok(best)
}

/// Refits at most: each costs one more solve; the second and third gain less than the first.
const REFITS: u32 = 3;

//! The solve, start to end: LP relaxation (the bound), a start from it (or from an external back end's
//! branch and bound), rounding with repair, then local search on the true objective within a
//! deterministic budget of trial evaluations.
//!
//! A daily/weekly goal first makes the interval-goal plan, then improves it under the goal's own
//! objective (and tries the goal's rounded LP as a second start): the goal's plan can never be worse, by
//! its objective, than the interval plan.

use super::budget::Budget;
use super::formulation::{formulate, Formulation};
use super::ilp::{self, Relaxation};
use super::improve::{Agent, Search};
use super::score::Scorer;
use super::{Backend, Goal, SolverChoice, SolverStatus};
use crate::model::Model;
use crate::requirements::demand::Demand;
use crate::rules::family::Family;
use std::time::{Duration, Instant};

/// Values of the decision variables the caller needs, and how the solve went.
#[derive(Debug, Clone)]
pub(crate) struct RawSolution {
    pub shifts: Vec<f64>,
    pub breaks: Vec<Vec<f64>>,
    pub objective: f64,
    pub lp_bound: f64,
    pub status: SolverStatus,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
    pub families: Vec<(Family, usize)>,
    pub build_seconds: f64,
    pub solve_seconds: f64,
    /// Trial evaluations the local search spent, and its budget.
    pub evaluations: u64,
    pub budget: u64,
    /// Under a daily/weekly goal: paid hours of the interval-goal plan it started from.
    pub interval_paid_hours: Option<f64>,
}

/// A finished search: its agents and objective.
struct Finished {
    agents: Vec<Agent>,
    objective: f64,
}

/// Reports incumbent, bound and gap in plain words.
fn report(progress: &mut dyn FnMut(&str), what: &str, incumbent: f64, bound: f64, since: Instant) {
    let gap = if incumbent.abs() > 1e-9 {
        100.0 * (incumbent - bound) / incumbent
    } else {
        0.0
    };
    progress(&format!(
        "{what}: best plan so far costs {incumbent:.2}, no plan can cost less than {bound:.2} (gap {gap:.2} %), {:.1} s",
        since.elapsed().as_secs_f64()
    ));
}

/// The start values: the LP's, or an external back end's branch and bound.
fn start_values(
    f: &Formulation<'_>,
    lp: &Relaxation,
    choice: &SolverChoice,
    progress: &mut dyn FnMut(&str),
) -> Vec<f64> {
    if choice.backend == Backend::Microlp {
        return lp.shifts.clone();
    }
    match ilp::branch_and_bound(f, choice) {
        Ok((values, status)) => {
            progress(&format!(
                "{}: {status}; its values are rounded, repaired and checked like any start",
                choice.backend
            ));
            values
        }
        Err(e) => {
            progress(&format!(
                "{}: {e}; starting from the LP relaxation",
                choice.backend
            ));
            lp.shifts.clone()
        }
    }
}

/// Local search from `agents` (or from rounding `lp`) under `f`'s objective for `goal`.
#[allow(clippy::too_many_arguments)]
fn search_from(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    agents: Option<&[Agent]>,
    lp: &[f64],
    budget: &mut Budget,
    used: &mut u64,
) -> Finished {
    let mut search = Search::new(f, Scorer::new(model, demand, f, goal));
    search.scorer.evaluations = *used;
    match agents {
        Some(agents) => {
            for a in agents {
                search.insert(a.clone());
            }
        }
        None => search.round_up(lp),
    }
    search.local_search(budget);
    *used = search.scorer.evaluations;
    // The objective from scratch, in a fixed order: no drift from the moves' running sums.
    let mut fresh = Search::new(f, Scorer::new(model, demand, f, goal));
    let mut agents = search.agents;
    agents.sort_by(|a, b| a.cand.cmp(&b.cand).then(a.slots.cmp(&b.slots)));
    for a in &agents {
        fresh.insert(a.clone());
    }
    Finished {
        objective: fresh.scorer.objective(),
        agents,
    }
}

/// Agents per candidate and break-slot counts of a finished plan.
fn solution_of(f: &Formulation<'_>, model: &Model, demand: &Demand, finished: &Finished) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut search = Search::new(f, Scorer::new(model, demand, f, Goal::Interval));
    for a in &finished.agents {
        search.insert(a.clone());
    }
    search.solution()
}

fn paid_hours(f: &Formulation<'_>, agents: &[Agent]) -> f64 {
    agents
        .iter()
        .map(|a| f64::from(f.templates[f.candidates[a.cand].template].paid_minutes) / 60.0)
        .sum()
}

/// Trial evaluations the local search may spend: proportional to the candidates (each sweep judges
/// every candidate and every agent's neighbours), within fixed bounds.
fn default_budget(f: &Formulation<'_>, choice: &SolverChoice) -> u64 {
    if choice.move_budget > 0 {
        return choice.move_budget;
    }
    (f.candidates.len() as u64 * 400).clamp(200_000, 20_000_000)
}

/// Solves `f` (the program for `goal`): see the module docs.
pub(crate) fn solve(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    choice: &SolverChoice,
    progress: &mut dyn FnMut(&str),
) -> Result<RawSolution, String> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(choice.time_limit_s.clamp(0.001, 1e6));
    let interval_f;
    let fi: &Formulation<'_> = if goal == Goal::Interval {
        f
    } else {
        interval_f = formulate(model, demand, Goal::Interval);
        &interval_f
    };
    progress(&format!(
        "{} candidate shifts; solving the LP relaxation",
        f.candidates.len()
    ));
    let lp_i = ilp::relaxation(fi, choice)?;
    let budget_units = default_budget(f, choice);
    let mut budget = Budget::new(budget_units, deadline);
    let mut used = 0;
    report(progress, "LP relaxation (interval goal)", f64::NAN, lp_i.bound, started);
    let start = start_values(fi, &lp_i, choice, progress);
    let interval = search_from(
        model,
        demand,
        fi,
        Goal::Interval,
        None,
        &start,
        &mut budget,
        &mut used,
    );
    report(progress, "interval goal", interval.objective, lp_i.bound, started);
    let (finished, lp, interval_paid_hours) = if goal == Goal::Interval {
        (interval, lp_i, None)
    } else {
        let lp_g = ilp::relaxation(f, choice)?;
        let from_interval = search_from(
            model,
            demand,
            f,
            goal,
            Some(&interval.agents),
            &[],
            &mut budget,
            &mut used,
        );
        report(progress, &format!("{goal} goal, from the interval plan"), from_interval.objective, lp_g.bound, started);
        let from_lp = search_from(model, demand, f, goal, None, &lp_g.shifts, &mut budget, &mut used);
        report(progress, &format!("{goal} goal, from its own LP"), from_lp.objective, lp_g.bound, started);
        let best = if from_lp.objective < from_interval.objective - 1e-7 {
            from_lp
        } else {
            from_interval
        };
        (best, lp_g, Some(paid_hours(fi, &interval.agents)))
    };
    let (shifts, breaks) = solution_of(f, model, demand, &finished);
    let status = if budget.clock_stopped {
        SolverStatus::TimeLimit
    } else if used >= budget.limit() {
        SolverStatus::MoveBudget
    } else {
        SolverStatus::LocalOptimum
    };
    Ok(RawSolution {
        shifts,
        breaks,
        objective: finished.objective,
        lp_bound: lp.bound,
        status,
        variables: lp.variables,
        integer_variables: f.candidates.len(),
        constraints: lp.constraints,
        families: lp.families,
        build_seconds: lp.build_seconds,
        solve_seconds: started.elapsed().as_secs_f64() - lp.build_seconds,
        evaluations: used,
        budget: budget_units,
        interval_paid_hours,
    })
}

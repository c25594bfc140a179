//! Shift scheduling: choose how many agents start which shift on which day, with breaks placed, to cover
//! the requirement at least cost — or to meet a daily/weekly service-level goal with fewer agents.
//!
//! The program itself lives in [`ilp`] (the only module that names `good_lp`); [`formulation`] prepares it
//! in planner's terms (candidate shifts, break slots, channel groups, service-level curves). [`solve`]
//! runs the LP relaxation and the primal heuristics around branch and bound: an LP dive, rounding, and
//! the local search of [`improve`] judged by the true objective ([`score`]) within deterministic budgets
//! ([`budget`]). [`extract`] turns the integer plan into anonymous [`Span`]s, the plan is then measured
//! by the evaluator like any other staffing, and [`shortfall`] explains what stays short, in words.

mod budget;
mod candidates;
mod days_off;
mod extract;
mod formulation;
mod ilp;
mod improve;
mod neighbourhood;
mod score;
mod service;
pub mod shortfall;
mod solve;
mod surplus;
mod tiers;
mod weekly;
pub mod workforce;

use crate::evaluate::{evaluate, Evaluation, Miss, Scope};
use crate::model::Model;
use crate::requirements::demand::Demand;
use crate::rules::family::Family;
use crate::staffing::{Span, Staffing};
pub use shortfall::{describe_stretch, Shortfall};
use std::fmt;
pub use surplus::Surplus;
pub use workforce::Workforce;

/// What the schedule optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Goal {
    /// Cover every interval's requirement (understaffing only at a penalty).
    #[default]
    Interval,
    /// Meet each channel's service-level (and abandonment) target over each day.
    Daily,
    /// … over each ISO week.
    Weekly,
}

impl fmt::Display for Goal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Goal::Interval => "interval",
            Goal::Daily => "daily",
            Goal::Weekly => "weekly",
        })
    }
}

/// The MILP back end. `microlp` (pure Rust) is always available; the others are cargo features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Backend {
    #[default]
    Microlp,
    #[cfg(feature = "highs")]
    Highs,
    #[cfg(feature = "cbc")]
    Cbc,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Microlp => "microlp",
            #[cfg(feature = "highs")]
            Backend::Highs => "highs",
            #[cfg(feature = "cbc")]
            Backend::Cbc => "cbc",
        })
    }
}

/// Solver settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverChoice {
    pub backend: Backend,
    /// Wall-clock safety stop; the deterministic limit is [`SolverChoice::move_budget`].
    pub time_limit_s: f64,
    /// Relative MIP gap at which branch and bound may stop.
    pub mip_gap: f64,
    /// Threads: HiGHS's and CBC's, and vuoro's own (see [`SolverChoice::own_threads`]); 0 leaves the
    /// choice to vuoro (1 for HiGHS and CBC). Plans do not depend on it.
    pub threads: u32,
    /// Trial evaluations the local search may spend (0: in proportion to the candidate shifts). The
    /// deterministic budget: the time limit is only a safety stop.
    pub move_budget: u64,
    /// Branch-and-bound nodes microlp may spend (0: the default); deterministic, unlike the time limit.
    pub node_limit: u64,
    /// With a workforce, solve each ISO week apart when the program separates by week (see
    /// `weekly`): the same LP bound, a plan in about half the time on issue 9's large case, but a
    /// different plan, which the roster filled less well there (README, issue 9); off by default.
    pub by_week: bool,
}

impl SolverChoice {
    /// Threads HiGHS or CBC get.
    pub fn backend_threads(&self) -> u32 {
        self.threads.max(1)
    }

    /// Threads vuoro's own work may run on at once (the goal's search beside the interval plan, days
    /// re-solved side by side): `threads`, or the machine's cores when it is 0. The work is split the
    /// same way whatever this is, so the plan does not depend on it.
    pub fn own_threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            n => n as usize,
        }
    }
}

impl Default for SolverChoice {
    fn default() -> Self {
        SolverChoice {
            backend: Backend::default(),
            time_limit_s: 300.0,
            mip_gap: 0.005,
            threads: 0,
            move_budget: 0,
            node_limit: 0,
            by_week: false,
        }
    }
}

/// How the solve ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolverStatus {
    Optimal,
    /// Stopped within the requested gap.
    WithinGap,
    /// Stopped at the time limit with a plan.
    TimeLimit,
    /// Branch and bound found no plan in time; the LP solution rounded up.
    RoundedRelaxation,
    /// Branch and bound stopped at its node limit (deterministic) with a plan.
    NodeLimit,
    /// LP rounding and local search: no move improves the plan.
    LocalOptimum,
    /// LP rounding and local search: the move budget is spent.
    MoveBudget,
}

impl fmt::Display for SolverStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SolverStatus::Optimal => "optimal",
            SolverStatus::WithinGap => "stopped within the requested gap",
            SolverStatus::TimeLimit => {
                "time limit reached (safety stop: the plan may depend on machine load)"
            }
            SolverStatus::RoundedRelaxation => "LP rounded up (no branch-and-bound plan in time)",
            SolverStatus::NodeLimit => {
                "branch and bound's node limit reached; start and break moves polished its plan"
            }
            SolverStatus::LocalOptimum => "LP rounding and local search, no move improves",
            SolverStatus::MoveBudget => "LP rounding and local search, move budget spent",
        })
    }
}

/// How far from optimal the plan can be.
#[derive(Debug, Clone, PartialEq)]
pub struct SolverReport {
    pub backend: Backend,
    pub status: SolverStatus,
    pub objective: f64,
    /// Objective of the LP relaxation: no plan can cost less.
    pub lp_bound: f64,
    /// `(objective − bound) / objective`.
    pub gap: f64,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
    /// Rows per constraint family.
    pub families: Vec<(Family, usize)>,
    pub build_seconds: f64,
    pub solve_seconds: f64,
    /// Trial evaluations the local search spent, and its budget.
    pub evaluations: u64,
    pub move_budget: u64,
    /// Shift and break moves that put the plan's spare cover where it serves most, at no cost, and
    /// the contacts they serve within target beyond the plan before them (the evaluator's figures).
    pub spare_moves: usize,
    pub spare_contacts: f64,
}

impl SolverReport {
    /// The summary line on the spare cover's placement; `None` when nothing moved.
    pub fn describe_spare(&self) -> Option<String> {
        (self.spare_moves > 0).then(|| {
            format!(
                "spare cover: {} shift or break move(s), at no cost, put the cover the targets do not need where it \
                 serves most: the plan answers {:.1} more contacts within target",
                self.spare_moves, self.spare_contacts
            )
        })
    }
}

/// The result of scheduling: anonymous spans, measured by the evaluator.
#[derive(Debug, Clone)]
pub struct ShiftPlan {
    pub goal: Goal,
    pub staffing: Staffing,
    pub evaluation: Evaluation,
    /// Per channel and interval, what the plan must not go below: the requirement, or under a
    /// daily/weekly goal the interval's floor (minimum service level and minimum staffing).
    pub minimum: Vec<Vec<f64>>,
    /// Stretches below that minimum.
    pub shortfalls: Vec<Shortfall>,
    pub solver: SolverReport,
    /// Under a daily/weekly goal: paid hours of the interval-goal plan the goal started from.
    pub interval_goal_paid_hours: Option<f64>,
    /// With a workforce: the paid hours its contracts add beyond what the demand alone needs.
    pub surplus: Option<Surplus>,
}

impl ShiftPlan {
    /// The plan with its shifts placed as `staffing` (the roster moved some within their start
    /// windows to fit their agents): the evaluation and the shortfalls follow the shifts; the solver's
    /// report stays the solved plan's.
    pub fn placed_as(&mut self, model: &Model, demand: &Demand, staffing: Staffing) {
        let f = formulation::formulate(model, demand, self.goal, None);
        self.evaluation = evaluate(model, demand, &staffing);
        self.shortfalls = shortfall::shortfalls(model, &f, &staffing, &self.evaluation);
        self.staffing = staffing;
    }

    pub fn spans(&self) -> &[Span] {
        &self.staffing.spans
    }

    pub fn paid_hours(&self) -> f64 {
        self.staffing.paid_hours()
    }

    pub fn cost(&self) -> f64 {
        self.staffing.cost()
    }

    /// Service-level and abandonment targets the plan misses over its goal's periods (for the interval
    /// goal: over the whole period, as a report; the interval goal itself is judged by shortfalls).
    pub fn goal_misses(&self) -> Vec<Miss> {
        self.evaluation.misses(self.goal.scope())
    }

    /// What a staffing of this plan (the plan itself, or a roster filling it) leaves unmet, measured by
    /// `evaluation`: intervals at least half an agent below the plan's minimum, and goal misses.
    pub fn unmet(&self, evaluation: &Evaluation) -> Unmet {
        let below_minimum = evaluation
            .channels
            .iter()
            .zip(&self.minimum)
            .map(|(ch, minimum)| {
                ch.intervals
                    .iter()
                    .zip(minimum)
                    .filter(|(r, m)| **m - r.scheduled >= 0.5)
                    .count()
            })
            .sum();
        Unmet {
            below_minimum,
            misses: evaluation.misses(self.goal.scope()),
        }
    }
}

/// What a staffing leaves unmet against a plan's goal.
#[derive(Debug, Clone, PartialEq)]
pub struct Unmet {
    /// Channel-intervals at least half an agent below the minimum (requirement, or a goal's floor).
    pub below_minimum: usize,
    pub misses: Vec<Miss>,
}

impl Unmet {
    pub fn is_empty(&self) -> bool {
        self.below_minimum == 0 && self.misses.is_empty()
    }
}

impl Goal {
    /// The summaries a goal is held over.
    pub fn scope(self) -> Scope {
        match self {
            Goal::Interval => Scope::Period,
            Goal::Daily => Scope::Day,
            Goal::Weekly => Scope::Week,
        }
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the model has no [[shift]] templates; add at least one (see models/README.md)")]
    NoTemplates,
    #[error("the requirements' {found}-minute intervals do not match the model's {expected}-minute planning interval")]
    IntervalMismatch { expected: u32, found: u32 },
    #[error("the requirements are empty")]
    Empty,
    #[error("the model cannot be solved: {}", .0.join("; "))]
    Infeasible(Vec<String>),
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// Schedules shifts for `demand` under `model`'s templates and rules, for any number of agents.
pub fn schedule(
    model: &Model,
    demand: &Demand,
    goal: Goal,
    choice: &SolverChoice,
    progress: &mut dyn FnMut(&str),
) -> Result<ShiftPlan, ScheduleError> {
    schedule_for(model, demand, goal, choice, None, progress)
}

/// [`schedule`], for the agents of `workforce` when given: shifts their skills and contracts allow, no
/// more a day or a week than they can work, and their weekly hours within their contracts.
pub fn schedule_for(
    model: &Model,
    demand: &Demand,
    goal: Goal,
    choice: &SolverChoice,
    workforce: Option<&Workforce>,
    progress: &mut dyn FnMut(&str),
) -> Result<ShiftPlan, ScheduleError> {
    if model.shifts.is_empty() {
        return Err(ScheduleError::NoTemplates);
    }
    if demand.grid.interval_minutes() != model.interval_minutes {
        return Err(ScheduleError::IntervalMismatch {
            expected: model.interval_minutes,
            found: demand.grid.interval_minutes(),
        });
    }
    let Some(grid_start) = demand.grid.first() else {
        return Err(ScheduleError::Empty);
    };
    // A workforce's weeks apart when asked and nothing couples them (see `weekly`).
    let apart = workforce.filter(|_| choice.by_week);
    if let Some(weeks) = apart.and_then(|_| weekly::weeks(model, demand)) {
        return weekly::schedule_by_week(model, demand, goal, choice, workforce, weeks, progress);
    }
    let f = formulation::formulate(model, demand, goal, workforce);
    let conflicts = formulation::conflicts(&f);
    if !conflicts.is_empty() {
        return Err(ScheduleError::Infeasible(conflicts));
    }
    let raw =
        solve::solve(model, demand, &f, goal, choice, progress).map_err(ScheduleError::Solver)?;
    let staffing = extract::spans(model, &f, grid_start, &raw.shifts, &raw.breaks);
    let evaluation = evaluate(model, demand, &staffing);
    let surplus = workforce
        .and_then(|w| surplus::surplus(model, demand, goal, choice, w, staffing.paid_hours()));
    if let Some(s) = &surplus {
        progress(&s.describe());
    }
    let shortfalls = shortfall::shortfalls(model, &f, &staffing, &evaluation);
    let minimum = f
        .channels
        .iter()
        .map(|ch| (0..f.intervals).map(|t| ch.minimum(t)).collect())
        .collect();
    let gap = if raw.objective.abs() > 1e-9 {
        ((raw.objective - raw.lp_bound) / raw.objective).max(0.0)
    } else {
        0.0
    };
    Ok(ShiftPlan {
        goal,
        staffing,
        evaluation,
        minimum,
        shortfalls,
        solver: SolverReport {
            backend: choice.backend,
            status: raw.status,
            objective: raw.objective,
            lp_bound: raw.lp_bound,
            gap,
            variables: raw.variables,
            integer_variables: raw.integer_variables,
            constraints: raw.constraints,
            families: raw.families,
            build_seconds: raw.build_seconds,
            solve_seconds: raw.solve_seconds,
            evaluations: raw.evaluations,
            move_budget: raw.budget,
            spare_moves: raw.spare_moves,
            spare_contacts: raw.spare_contacts,
        },
        interval_goal_paid_hours: raw.interval_paid_hours,
        surplus,
    })
}

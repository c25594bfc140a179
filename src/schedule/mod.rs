//! Shift scheduling: choose how many agents start which shift on which day, with breaks placed, to cover
//! the requirement at least cost — or to meet a daily/weekly service-level goal with fewer agents.
//!
//! The program itself lives in [`ilp`] (the only module that names `good_lp`); this module prepares it in
//! planner's terms (candidate shifts, break slots, channel groups, service-level curves), and turns the
//! solver's numbers back into shifts with break times, coverage per channel and interval, and shortfalls
//! explained in words.

// Parallel arrays indexed by interval read more plainly with index loops.
#![allow(clippy::needless_range_loop)]

mod allocate;
mod candidates;
mod ilp;

use crate::forecast::local_iso;
use crate::model::shifts::ShiftTemplate;
use crate::model::{ChannelKind, Model};
use crate::queueing::{required_agents, Concurrency, Kpis, Queue, SlConvention, Targets};
use crate::requirements::demand::{self, Demand};
use candidates::{enumerate, BreakSet, Candidate};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::BTreeMap;
use std::fmt;

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
    pub time_limit_s: f64,
    /// Relative MIP gap at which branch and bound may stop.
    pub mip_gap: f64,
    /// Threads (HiGHS and CBC; microlp is single-threaded).
    pub threads: u32,
}

impl Default for SolverChoice {
    fn default() -> Self {
        SolverChoice {
            backend: Backend::default(),
            time_limit_s: 30.0,
            mip_gap: 0.005,
            threads: 1,
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
}

impl fmt::Display for SolverStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SolverStatus::Optimal => "optimal",
            SolverStatus::WithinGap => "within the gap",
            SolverStatus::TimeLimit => "time limit reached",
            SolverStatus::RoundedRelaxation => "LP rounded up (no branch-and-bound plan in time)",
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
    pub build_seconds: f64,
    pub solve_seconds: f64,
}

/// A scheduled break of a shift.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlannedBreak {
    pub start: DateTime<Utc>,
    pub minutes: u32,
    pub paid: bool,
    pub name: String,
}

/// One distinct shift of the plan (with its break placement) and how many agents work it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedShift {
    /// Local date the shift belongs to (its start date, also when it ends after midnight).
    pub date: NaiveDate,
    pub template: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub breaks: Vec<PlannedBreak>,
    pub count: u32,
    /// Paid hours per agent.
    pub paid_hours: f64,
    pub cost_per_agent: f64,
    pub channels: Vec<String>,
}

/// One channel in one interval under the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageInterval {
    pub open: bool,
    /// Agents needed on shift and off break to cover the interval on its own.
    pub required: f64,
    /// Agents the plan must not go below: the requirement, or under a daily/weekly goal the interval's
    /// floor (minimum service level and minimum staffing); shortfalls are measured against it.
    pub minimum: f64,
    /// Agents on shift, off break, working this channel.
    pub scheduled: f64,
    pub volume: Option<f64>,
    /// Predicted at the scheduled staffing (immediate channels with a known load).
    pub kpis: Option<Kpis>,
}

/// A stretch of consecutive intervals where a channel is short, in planner's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    pub channel: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Most agents short in the stretch.
    pub agents: f64,
    /// Why, when no template can cover it.
    pub reason: Option<String>,
}

/// Weekly (or period) service figures of a channel under the plan, volume-weighted.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelOutcome {
    pub channel: String,
    pub volume: f64,
    pub service_level: Option<f64>,
    pub asa_s: Option<f64>,
    pub p_abandon: Option<f64>,
    /// The goal's target, if the channel has one.
    pub target_service_level: Option<f64>,
}

/// The result of scheduling.
#[derive(Debug, Clone)]
pub struct ShiftPlan {
    pub goal: Goal,
    pub starts: Vec<DateTime<Utc>>,
    pub interval_minutes: u32,
    pub shifts: Vec<PlannedShift>,
    /// Indexed like `Model::channels`.
    pub coverage: Vec<Vec<CoverageInterval>>,
    pub shortfalls: Vec<Shortfall>,
    pub outcomes: Vec<ChannelOutcome>,
    pub solver: SolverReport,
}

impl ShiftPlan {
    pub fn paid_hours(&self) -> f64 {
        self.shifts
            .iter()
            .map(|s| s.paid_hours * f64::from(s.count))
            .sum()
    }

    pub fn cost(&self) -> f64 {
        self.shifts
            .iter()
            .map(|s| s.cost_per_agent * f64::from(s.count))
            .sum()
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the model has no [[shift]] templates; add at least one (see models/README.md)")]
    NoTemplates,
    #[error("the requirements' {found}-minute intervals do not match the model's {expected}-minute planning interval")]
    IntervalMismatch { expected: u32, found: u32 },
    #[error("the solver failed: {0}")]
    Solver(String),
}

// ---- formulation ----------------------------------------------------------------------------------

/// Contacts answered within the threshold and abandoned, per extra agent above an interval's floor.
#[derive(Debug, Clone)]
pub(crate) struct Curve {
    /// Agents (on shift, off break) the interval needs at least.
    pub floor: f64,
    /// Increments of answered-within-threshold contacts for agents floor+1, floor+2, … (non-increasing).
    pub answered: Vec<f64>,
    /// Decrements of abandoned contacts for the same agents (non-increasing).
    pub abandoned: Vec<f64>,
}

pub(crate) struct ChannelRows {
    pub required: Vec<f64>,
    /// What "enough" means for overstaffing: the interval requirement.
    pub reference: Vec<f64>,
    pub curves: Vec<Option<Curve>>,
}

impl ChannelRows {
    pub fn needs(&self, t: usize) -> bool {
        self.required[t] > 0.0 || self.curves[t].is_some()
    }
}

pub(crate) struct GoalRow {
    pub channel: usize,
    pub intervals: Vec<usize>,
    /// Contacts the increments must add to "answered within the threshold".
    pub answered_needed: f64,
    /// Abandoned contacts the increments must save, if the channel caps abandonment.
    pub abandon_reduction_needed: Option<f64>,
}

pub(crate) struct Limit {
    pub shifts: Vec<usize>,
    pub min: f64,
    pub max: Option<f64>,
}

/// Everything the program needs, in solver-neutral form.
pub(crate) struct Formulation<'a> {
    pub templates: &'a [ShiftTemplate],
    pub intervals: usize,
    pub candidates: Vec<Candidate>,
    pub break_sets: Vec<BreakSet>,
    /// Distinct channel sets of the templates, and which one each template has.
    pub groups: Vec<Vec<usize>>,
    pub group_of_template: Vec<usize>,
    pub channels: Vec<ChannelRows>,
    pub goals: Vec<GoalRow>,
    pub limits: Vec<Limit>,
    pub under_penalty: f64,
    pub over_penalty: f64,
    pub goal_penalty: f64,
}

/// The queue of a channel in an interval, for predictions.
fn interval_queue(
    model: &Model,
    c: usize,
    load: demand::Load,
    interval_s: f64,
) -> Option<(Queue, Targets)> {
    let ChannelKind::Immediate {
        patience_s,
        targets,
        concurrency,
    } = &model.channels[c].kind
    else {
        return None;
    };
    let mut q = Queue::new(load.volume, interval_s, load.handle_s).ok()?;
    if let Some(p) = patience_s {
        q = q.with_patience(*p).ok()?;
    }
    if let Some((k, f)) = concurrency {
        q = q.with_concurrency(Concurrency::linear(*k, load.handle_s, *f).ok()?);
    }
    Some((q, *targets))
}

/// Service level and abandonment at a fractional productive staffing, interpolated linearly between
/// whole agents (shrinkage makes staffing fractional; the queue is evaluated at whole agents only).
fn service_level_at(
    queue: &Queue,
    threshold_s: f64,
    convention: SlConvention,
    productive: f64,
) -> (f64, f64) {
    let lo = productive.floor().max(0.0);
    let w = productive - lo;
    let a = queue.evaluate(lo as u64, threshold_s);
    if w <= 1e-12 {
        return (a.service_level.get(convention), a.p_abandon);
    }
    let b = queue.evaluate(lo as u64 + 1, threshold_s);
    (
        a.service_level.get(convention)
            + w * (b.service_level.get(convention) - a.service_level.get(convention)),
        a.p_abandon + w * (b.p_abandon - a.p_abandon),
    )
}

/// The service-level curve of one interval for daily/weekly goals.
fn curve(
    queue: &Queue,
    targets: &Targets,
    share: f64,
    min_sl: f64,
    min_agents: u32,
    required: f64,
    volume: f64,
) -> Curve {
    // Floor: the interval's own minimum service level and minimum staffing, in agents on shift.
    let floor_targets = Targets {
        service_level: Some(min_sl.clamp(1e-9, 0.999_999)),
        max_asa_s: None,
        max_abandon: None,
        max_occupancy: None,
        ..*targets
    };
    let floor_productive = (min_sl > 0.0)
        .then(|| required_agents(queue, &floor_targets).ok())
        .flatten()
        .map_or(1, |s| s.productive_agents)
        .max(u64::from(min_agents));
    let floor = (floor_productive as f64 / share - 1e-9).ceil().max(1.0);
    // Increments up to one agent above the interval requirement: enough room for the goal to trade
    // staffing between intervals, few enough variables to keep the program small.
    let top = required.max(floor) + 1.0;
    let steps = (top - floor).max(1.0) as usize;
    let mut answered = Vec::with_capacity(steps);
    let mut abandoned = Vec::with_capacity(steps);
    let (mut sl_prev, mut ab_prev) = service_level_at(
        queue,
        targets.threshold_s,
        targets.convention,
        floor * share,
    );
    let (mut min_gain, mut min_save) = (f64::INFINITY, f64::INFINITY);
    for k in 1..=steps {
        let (sl, ab) = service_level_at(
            queue,
            targets.threshold_s,
            targets.convention,
            (floor + k as f64) * share,
        );
        // Running minima keep the increments non-increasing: a concave under-estimate.
        min_gain = min_gain.min((sl - sl_prev).max(0.0) * volume);
        min_save = min_save.min((ab_prev - ab).max(0.0) * volume);
        answered.push(min_gain);
        abandoned.push(min_save);
        sl_prev = sl;
        ab_prev = ab;
    }
    Curve {
        floor,
        answered,
        abandoned,
    }
}

/// Schedules shifts for `demand` under `model`'s templates and rules.
pub fn schedule(
    model: &Model,
    demand: &Demand,
    goal: Goal,
    choice: &SolverChoice,
    progress: &mut dyn FnMut(&str),
) -> Result<ShiftPlan, ScheduleError> {
    if model.shifts.is_empty() {
        return Err(ScheduleError::NoTemplates);
    }
    if demand.interval_minutes != model.interval_minutes {
        return Err(ScheduleError::IntervalMismatch {
            expected: model.interval_minutes,
            found: demand.interval_minutes,
        });
    }
    let n = demand.starts.len();
    let Some(&grid_start) = demand.starts.first() else {
        return Err(ScheduleError::Solver(
            "the requirements are empty".to_string(),
        ));
    };
    let interval_s = model.interval_s();
    let (candidates, break_sets) = enumerate(model, grid_start, n);

    let mut groups: Vec<Vec<usize>> = Vec::new();
    let group_of_template: Vec<usize> = model
        .shifts
        .iter()
        .map(|t| {
            let mut set = t.channels.clone();
            set.sort_unstable();
            match groups.iter().position(|g| *g == set) {
                Some(i) => i,
                None => {
                    groups.push(set);
                    groups.len() - 1
                }
            }
        })
        .collect();

    // Per channel: interval rows, or service-level curves for daily/weekly goals.
    let tz = model.time_zone;
    let mut channels = Vec::new();
    let mut goals = Vec::new();
    for (c, ch) in demand.channels.iter().enumerate() {
        let channel = &model.channels[c];
        let mut curves: Vec<Option<Curve>> = vec![None; n];
        let aggregated = goal != Goal::Interval;
        if let (true, ChannelKind::Immediate { targets, .. }) = (aggregated, &channel.kind) {
            if targets.service_level.is_some() || targets.max_abandon.is_some() {
                let mut periods: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
                for t in 0..n {
                    let Some(load) = ch.load[t] else { continue };
                    if !ch.open[t] {
                        continue;
                    }
                    let Some((queue, targets)) = interval_queue(model, c, load, interval_s) else {
                        continue;
                    };
                    curves[t] = Some(curve(
                        &queue,
                        &targets,
                        ch.productive_share,
                        model.schedule.min_interval_service_level,
                        channel.min_agents,
                        ch.required[t],
                        load.volume,
                    ));
                    let local = demand.starts[t].with_timezone(&tz).date_naive();
                    let key = match goal {
                        Goal::Daily => (local.year(), local.ordinal()),
                        _ => (local.iso_week().year(), local.iso_week().week()),
                    };
                    periods.entry(key).or_default().push(t);
                }
                for intervals in periods.into_values() {
                    let mut volume = 0.0;
                    let mut base_answered = 0.0;
                    let mut base_abandoned = 0.0;
                    for &t in &intervals {
                        let load = ch.load[t].map_or(0.0, |l| l.volume);
                        let (queue, targets) = match ch.load[t]
                            .and_then(|l| interval_queue(model, c, l, interval_s))
                        {
                            Some(q) => q,
                            None => continue,
                        };
                        let floor = curves[t].as_ref().map_or(0.0, |cv| cv.floor);
                        let (sl, ab) = service_level_at(
                            &queue,
                            targets.threshold_s,
                            targets.convention,
                            floor * ch.productive_share,
                        );
                        volume += load;
                        base_answered += sl * load;
                        base_abandoned += ab * load;
                    }
                    goals.push(GoalRow {
                        channel: c,
                        answered_needed: targets
                            .service_level
                            .map_or(0.0, |s| (s * volume - base_answered).max(0.0)),
                        abandon_reduction_needed: targets
                            .max_abandon
                            .map(|m| (base_abandoned - m * volume).max(0.0)),
                        intervals,
                    });
                }
            }
        }
        channels.push(ChannelRows {
            required: (0..n)
                .map(|t| {
                    if curves[t].is_some() {
                        0.0
                    } else {
                        ch.required[t]
                    }
                })
                .collect(),
            reference: ch.required.clone(),
            curves,
        });
    }

    // Limits per template-day and per day.
    let mut limits = Vec::new();
    let mut by_template_day: BTreeMap<(usize, NaiveDate), Vec<usize>> = BTreeMap::new();
    let mut by_day: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
    for (j, cand) in candidates.iter().enumerate() {
        by_template_day
            .entry((cand.template, cand.day))
            .or_default()
            .push(j);
        by_day.entry(cand.day).or_default().push(j);
    }
    for ((ti, _), shifts) in by_template_day {
        let t = &model.shifts[ti];
        if t.min_per_day > 0 || t.max_per_day.is_some() {
            limits.push(Limit {
                shifts,
                min: f64::from(t.min_per_day),
                max: t.max_per_day.map(f64::from),
            });
        }
    }
    if let Some(max) = model.schedule.max_agents_per_day {
        for shifts in by_day.into_values() {
            limits.push(Limit {
                shifts,
                min: 0.0,
                max: Some(f64::from(max)),
            });
        }
    }
    let formulation = Formulation {
        templates: &model.shifts,
        intervals: n,
        candidates,
        break_sets,
        groups,
        group_of_template,
        channels,
        goals,
        limits,
        under_penalty: model.schedule.under_penalty,
        over_penalty: model.schedule.over_penalty,
        goal_penalty: model.schedule.under_penalty,
    };
    let raw = ilp::solve(&formulation, choice, progress).map_err(ScheduleError::Solver)?;
    Ok(extract(
        model,
        demand,
        goal,
        &formulation,
        raw,
        choice.backend,
    ))
}

// ---- from solver values to a plan ------------------------------------------------------------------

/// Rounds slot counts so that every prefix sum is rounded: totals stay whole and the forward/backward
/// break constraints, whose right-hand sides are whole, stay satisfied.
fn round_cumulative(values: &[f64]) -> Vec<u32> {
    let mut out = Vec::with_capacity(values.len());
    let (mut running, mut emitted) = (0.0f64, 0i64);
    for v in values {
        running += v.max(0.0);
        let target = running.round() as i64;
        out.push((target - emitted).max(0) as u32);
        emitted = emitted.max(target);
    }
    out
}

fn extract(
    model: &Model,
    demand: &Demand,
    goal: Goal,
    f: &Formulation<'_>,
    raw: ilp::RawSolution,
    backend: Backend,
) -> ShiftPlan {
    let n = f.intervals;
    let interval = i64::from(model.interval_minutes);
    let grid_start = demand.starts[0];
    let counts: Vec<u32> = raw
        .shifts
        .iter()
        .map(|v| v.round().max(0.0) as u32)
        .collect();

    // Each agent of each shift gets a slot per break rule: shifts in start order take the earliest free
    // slot inside their window (succeeds whenever the forward/backward constraints hold).
    let mut agent_breaks: Vec<Vec<Vec<(usize, usize)>>> =
        f.candidates.iter().map(|_| Vec::new()).collect();
    for (j, &count) in counts.iter().enumerate() {
        agent_breaks[j] = vec![Vec::new(); count as usize];
    }
    for (k, set) in f.break_sets.iter().enumerate() {
        let mut free = round_cumulative(&raw.breaks[k]);
        let total_free: u32 = free.iter().sum();
        let total_agents: u32 = set.shifts.iter().map(|&j| counts[j]).sum();
        if total_free < total_agents {
            // Rounding of shifts added agents: give the extra ones the latest slot of their windows.
            if let Some(last) = free.last_mut() {
                *last += total_agents - total_free;
            }
        }
        for (i, &j) in set.shifts.iter().enumerate() {
            let (first, last) = set.windows[i];
            for agent in 0..counts[j] as usize {
                let slot = (first..=last).find(|&s| free[s] > 0).unwrap_or(last);
                if free[slot] > 0 {
                    free[slot] -= 1;
                }
                agent_breaks[j][agent].push((k, slot));
            }
        }
    }

    // Distinct shifts with their break placement, and presence per group and interval.
    let mut present = vec![vec![0.0f64; n]; f.groups.len()];
    let mut distinct: BTreeMap<(usize, Vec<(usize, usize)>), u32> = BTreeMap::new();
    for (j, cand) in f.candidates.iter().enumerate() {
        let g = f.group_of_template[cand.template];
        for placement in &agent_breaks[j] {
            *distinct.entry((j, placement.clone())).or_default() += 1;
            for &(t, share) in &cand.cover {
                present[g][t] += share;
            }
            for &(k, slot) in placement {
                for &(t, share) in &f.break_sets[k].slot_cover[slot] {
                    present[g][t] -= share;
                }
            }
        }
    }
    let at = |minutes: i64| grid_start + Duration::minutes(minutes);
    let shifts: Vec<PlannedShift> = distinct
        .into_iter()
        .map(|((j, placement), count)| {
            let cand = &f.candidates[j];
            let template = &model.shifts[cand.template];
            let mut breaks: Vec<PlannedBreak> = placement
                .iter()
                .map(|&(k, slot)| {
                    let set = &f.break_sets[k];
                    let rule = &template.breaks[set.rule];
                    PlannedBreak {
                        start: at(set.slots[slot]),
                        minutes: rule.minutes,
                        paid: rule.paid,
                        name: rule.name.clone(),
                    }
                })
                .collect();
            breaks.sort();
            PlannedShift {
                date: cand.day,
                template: template.name.clone(),
                start: at(cand.start_min),
                end: at(cand.start_min + i64::from(template.span_minutes())),
                breaks,
                count,
                paid_hours: f64::from(template.paid_minutes) / 60.0,
                cost_per_agent: template.cost,
                channels: template
                    .channels
                    .iter()
                    .map(|&c| model.channels[c].name.clone())
                    .collect(),
            }
        })
        .collect();

    let minimum: Vec<Vec<f64>> = f
        .channels
        .iter()
        .map(|ch| {
            (0..n)
                .map(|t| match &ch.curves[t] {
                    Some(curve) => curve.floor,
                    None => ch.required[t],
                })
                .collect()
        })
        .collect();
    let (coverage, outcomes) = coverage_of(model, demand, &f.groups, &present, &minimum);

    let shortfalls = shortfalls(model, demand, f, &coverage, interval);
    let gap = if raw.objective.abs() > 1e-9 {
        ((raw.objective - raw.lp_bound) / raw.objective).max(0.0)
    } else {
        0.0
    };
    ShiftPlan {
        goal,
        starts: demand.starts.clone(),
        interval_minutes: demand.interval_minutes,
        shifts,
        coverage,
        shortfalls,
        outcomes,
        solver: SolverReport {
            backend,
            status: raw.status,
            objective: raw.objective,
            lp_bound: raw.lp_bound,
            gap,
            variables: raw.variables,
            integer_variables: raw.integer_variables,
            constraints: raw.constraints,
            build_seconds: raw.build_seconds,
            solve_seconds: raw.solve_seconds,
        },
    }
}

/// Coverage per channel and interval, and the period outcome per channel, from the agents present per
/// channel group and interval: allocation by maximum flow (see `allocate`), figures predicted by the
/// queueing core at the staffing each channel gets. `minimum[c][t]` is what a channel must get first.
pub(crate) fn coverage_of(
    model: &Model,
    demand: &Demand,
    groups: &[Vec<usize>],
    present: &[Vec<f64>],
    minimum: &[Vec<f64>],
) -> (Vec<Vec<CoverageInterval>>, Vec<ChannelOutcome>) {
    let n = demand.starts.len();
    let nc = model.channels.len();
    let mut scheduled = vec![vec![0.0f64; n]; nc];
    for t in 0..n {
        let present_t: Vec<f64> = present.iter().map(|p| p[t]).collect();
        let minimum_t: Vec<f64> = (0..nc).map(|c| minimum[c][t]).collect();
        let required_t: Vec<f64> = (0..nc)
            .map(|c| demand.channels[c].required[t].max(minimum_t[c]))
            .collect();
        let working = allocate::allocate(&present_t, groups, &minimum_t, &required_t);
        for c in 0..nc {
            scheduled[c][t] = working[c];
        }
    }
    let interval_s = model.interval_s();
    let mut coverage = Vec::new();
    let mut outcomes = Vec::new();
    for (c, ch) in demand.channels.iter().enumerate() {
        let mut rows = Vec::with_capacity(n);
        let (mut volume, mut answered, mut abandoned, mut waited) = (0.0, 0.0, 0.0, 0.0);
        let mut measured = false;
        for t in 0..n {
            let staffed = (scheduled[c][t] * 1e6).round() / 1e6;
            volume += ch.load[t].map_or(0.0, |l| l.volume);
            let kpis = ch.load[t].filter(|_| ch.open[t]).and_then(|load| {
                let (queue, targets) = interval_queue(model, c, load, interval_s)?;
                let productive = staffed * ch.productive_share;
                let (sl, ab) =
                    service_level_at(&queue, targets.threshold_s, targets.convention, productive);
                let k = queue.evaluate(productive.floor() as u64, targets.threshold_s);
                answered += sl * load.volume;
                abandoned += ab * load.volume;
                waited += k.asa_answered_s.min(1e9) * load.volume;
                measured = true;
                Some(k)
            });
            rows.push(CoverageInterval {
                open: ch.open[t],
                required: ch.required[t],
                minimum: minimum[c][t],
                scheduled: staffed,
                volume: ch.load[t].map(|l| l.volume),
                kpis,
            });
        }
        let target = match &model.channels[c].kind {
            ChannelKind::Immediate { targets, .. } => targets.service_level,
            ChannelKind::Deferred { .. } => None,
        };
        outcomes.push(ChannelOutcome {
            channel: model.channels[c].name.clone(),
            volume,
            service_level: measured.then(|| answered / volume.max(1e-12)),
            asa_s: measured.then(|| waited / volume.max(1e-12)),
            p_abandon: measured.then(|| abandoned / volume.max(1e-12)),
            target_service_level: target,
        });
        coverage.push(rows);
    }
    (coverage, outcomes)
}

/// Agents present per channel group (distinct channel sets of the templates) and interval, for a list of
/// shifts with their breaks — how any roster or plan is evaluated.
pub fn presence(
    model: &Model,
    demand: &Demand,
    shifts: &[PlannedShift],
) -> (Vec<Vec<usize>>, Vec<Vec<f64>>) {
    let n = demand.starts.len();
    let interval = i64::from(model.interval_minutes);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut present: Vec<Vec<f64>> = Vec::new();
    let Some(&grid_start) = demand.starts.first() else {
        return (groups, present);
    };
    for shift in shifts {
        let mut set: Vec<usize> = shift
            .channels
            .iter()
            .filter_map(|c| model.channel_index(c))
            .collect();
        set.sort_unstable();
        let g = match groups.iter().position(|x| *x == set) {
            Some(g) => g,
            None => {
                groups.push(set);
                present.push(vec![0.0; n]);
                groups.len() - 1
            }
        };
        let minutes = |t: DateTime<Utc>| (t - grid_start).num_minutes();
        let count = f64::from(shift.count);
        for (t, share) in candidates::cover(
            minutes(shift.start),
            (shift.end - shift.start).num_minutes(),
            interval,
            n,
        ) {
            present[g][t] += share * count;
        }
        for b in &shift.breaks {
            for (t, share) in candidates::cover(minutes(b.start), i64::from(b.minutes), interval, n)
            {
                present[g][t] -= share * count;
            }
        }
    }
    (groups, present)
}

/// Coverage and outcomes of any list of shifts (a roster, an edited plan) against the demand.
pub fn evaluate_shifts(
    model: &Model,
    demand: &Demand,
    shifts: &[PlannedShift],
) -> (Vec<Vec<CoverageInterval>>, Vec<ChannelOutcome>) {
    let (groups, present) = presence(model, demand, shifts);
    let minimum: Vec<Vec<f64>> = demand
        .channels
        .iter()
        .map(|ch| ch.required.clone())
        .collect();
    coverage_of(model, demand, &groups, &present, &minimum)
}

/// Stretches of intervals where a channel has fewer agents than required, with the reason when no
/// template can cover them at all.
fn shortfalls(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    coverage: &[Vec<CoverageInterval>],
    interval: i64,
) -> Vec<Shortfall> {
    let n = f.intervals;
    let mut out = Vec::new();
    for (c, rows) in coverage.iter().enumerate() {
        // Can any candidate of a template working this channel be present in interval t?
        let mut coverable = vec![false; n];
        for cand in &f.candidates {
            if model.shifts[cand.template].channels.contains(&c) {
                for &(t, _) in &cand.cover {
                    coverable[t] = true;
                }
            }
        }
        let mut t = 0;
        while t < n {
            let short = rows[t].minimum - rows[t].scheduled;
            if short < 0.5 {
                t += 1;
                continue;
            }
            let uncoverable = !coverable[t];
            let start = t;
            let mut most = short;
            while t < n && rows[t].minimum - rows[t].scheduled >= 0.5 && coverable[t] != uncoverable
            {
                most = most.max(rows[t].minimum - rows[t].scheduled);
                t += 1;
            }
            let from = demand.starts[start];
            let to = demand.starts[t - 1] + Duration::minutes(interval);
            let reason = uncoverable.then(|| explain(model, c, from));
            out.push(Shortfall {
                channel: model.channels[c].name.clone(),
                from,
                to,
                agents: most.ceil(),
                reason,
            });
        }
    }
    out
}

/// Why no template covers a channel at an instant.
fn explain(model: &Model, c: usize, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&model.time_zone);
    let minute = i64::from(chrono::Timelike::hour(&local) * 60 + chrono::Timelike::minute(&local));
    let templates: Vec<&ShiftTemplate> = model
        .shifts
        .iter()
        .filter(|t| t.channels.contains(&c))
        .collect();
    if templates.is_empty() {
        return format!("no shift template works {}", model.channels[c].name);
    }
    let today: Vec<&&ShiftTemplate> = templates
        .iter()
        .filter(|t| t.works_on(local.weekday()))
        .collect();
    if today.is_empty() {
        return format!(
            "no shift template for {} works on {}",
            model.channels[c].name,
            local.weekday()
        );
    }
    let earliest = today
        .iter()
        .map(|t| i64::from(t.earliest_start))
        .min()
        .unwrap_or(0);
    if minute < earliest {
        return format!(
            "no template starts early enough (earliest start {:02}:{:02})",
            earliest / 60,
            earliest % 60
        );
    }
    let latest_end = today
        .iter()
        .map(|t| i64::from(t.latest_start + t.span_minutes()))
        .max()
        .unwrap_or(0);
    format!(
        "no template ends late enough (latest end {:02}:{:02})",
        (latest_end / 60) % 24,
        latest_end % 60
    )
}

/// `Mon 23.11. 10:30–11:00` for a stretch of intervals.
pub fn describe_stretch(model: &Model, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let a = from.with_timezone(&model.time_zone);
    let b = to.with_timezone(&model.time_zone);
    format!(
        "{} {:02}.{:02}. {}–{}",
        a.weekday(),
        a.day(),
        a.month(),
        a.format("%H:%M"),
        b.format("%H:%M")
    )
}

impl Shortfall {
    /// `Mon 23.11. 10:30–11:00 voice: 3 agents short; no template starts early enough`.
    pub fn describe(&self, model: &Model) -> String {
        let mut s = format!(
            "{} {}: {} agent{} short",
            describe_stretch(model, self.from, self.to),
            self.channel,
            self.agents,
            if (self.agents - 1.0).abs() < 1e-9 {
                ""
            } else {
                "s"
            }
        );
        if let Some(r) = &self.reason {
            s.push_str("; ");
            s.push_str(r);
        }
        s
    }
}

/// Local ISO label of an instant (re-exported for reports).
pub fn label(model: &Model, t: DateTime<Utc>) -> String {
    local_iso(model, t)
}

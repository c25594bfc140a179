//! The integer program in planner's terms, free of any solver: candidate shifts, break slots, channel
//! groups, what each channel must get per interval, service-level goals and limits. [`super::ilp`] turns
//! it into rows.

use super::candidates::{enumerate, BreakSet, Candidate};
use super::days_off::DaysOff;
use super::tiers::Tiers;
use super::workforce::{whole_weeks, Workforce};
use super::Goal;
use crate::evaluate::mixed;
use crate::grid::iso_week;
use crate::model::shifts::ShiftTemplate;
use crate::model::{ChannelKind, Model};
use crate::queueing::{Queue, Targets};
use crate::requirements::demand::{ChannelDemand, Demand};
use crate::requirements::queue_of;
use crate::rules::family::Family;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

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

#[derive(Clone)]
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

    /// What the plan must not go below in interval `t`: the requirement, or under a goal the floor.
    pub fn minimum(&self, t: usize) -> f64 {
        match &self.curves[t] {
            Some(curve) => curve.floor,
            None => self.required[t],
        }
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

#[derive(Clone)]
pub(crate) struct Limit {
    pub family: Family,
    pub day: NaiveDate,
    pub shifts: Vec<usize>,
    pub min: f64,
    pub max: Option<f64>,
}

/// The workforce rows: groups, and the candidates of each template-day.
pub(crate) struct WorkforceRows {
    pub workforce: Workforce,
    /// (template, date, candidate indices) for every template-day with candidates.
    pub template_days: Vec<(usize, NaiveDate, Vec<usize>)>,
    /// ISO weeks the plan covers whole: only they are held to the weekly hours band.
    pub whole_weeks: Vec<crate::grid::IsoWeek>,
    /// Each candidate's start tier per group (see [`super::tiers`]).
    pub tiers: Tiers,
    /// Each group's days-off patterns (see [`super::days_off`]).
    pub days_off: DaysOff,
}

impl WorkforceRows {
    fn new(
        workforce: &Workforce,
        candidates: &[Candidate],
        demand: &Demand,
        model: &Model,
    ) -> Self {
        let mut by: BTreeMap<(usize, NaiveDate), Vec<usize>> = BTreeMap::new();
        for (j, c) in candidates.iter().enumerate() {
            by.entry((c.template, c.day)).or_default().push(j);
        }
        let tz = model.time_zone;
        let dates: Vec<NaiveDate> = match (demand.grid.first(), demand.grid.end()) {
            (Some(first), Some(end)) => {
                let d0 = first.with_timezone(&tz).date_naive();
                d0.iter_days()
                    .take_while(|d| {
                        crate::grid::start_of_day(tz, d.succ_opt().unwrap_or(*d)) <= end
                    })
                    .filter(|d| crate::grid::start_of_day(tz, *d) >= first)
                    .collect()
            }
            _ => Vec::new(),
        };
        // Beyond a week the tier rows made microlp's LP of issue 9's large case (1 026 agents, 4
        // weeks) take over five minutes, pooled by week too: they stay off there for now.
        let (tiers, days_off) = if dates.len() <= 7 {
            let longest = |g: &super::workforce::Group| {
                g.templates
                    .iter()
                    .map(|&t| model.shifts[t].paid_minutes)
                    .max()
            };
            (
                Tiers::new(model, demand, candidates, workforce),
                DaysOff::new(model, workforce, candidates, &dates, longest),
            )
        } else {
            let groups = workforce.groups.len();
            (Tiers::off(candidates.len(), groups), DaysOff::off(groups))
        };
        WorkforceRows {
            workforce: workforce.clone(),
            template_days: by.into_iter().map(|((t, d), js)| (t, d, js)).collect(),
            whole_weeks: whole_weeks(&dates),
            tiers,
            days_off,
        }
    }
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
    /// The agents the plan is for, when known.
    pub workforce: Option<WorkforceRows>,
    pub under_penalty: f64,
    pub over_penalty: f64,
    pub goal_penalty: f64,
    /// `[g][t]`: agents of group `g` present in interval `t` whose shifts are not in the program (a
    /// neighbourhood's fixed part, see [`super::neighbourhood`]); empty for a whole plan.
    pub fixed: Vec<Vec<f64>>,
    /// Break-slot counts integer too in branch and bound (else only the shifts are, and rounding the
    /// breaks afterwards may leave intervals short).
    pub whole_breaks: bool,
}

/// Builds the formulation of `demand` under `model`'s templates for `goal`.
pub(crate) fn formulate<'m>(
    model: &'m Model,
    demand: &Demand,
    goal: Goal,
    workforce: Option<&Workforce>,
) -> Formulation<'m> {
    let n = demand.grid.len();
    let grid_start = demand.grid.first().unwrap_or_default();
    let (candidates, break_sets) = enumerate(model, grid_start, n);
    let (groups, group_of_template) = channel_groups(model);
    let mut channels = Vec::new();
    let mut goals = Vec::new();
    for (c, ch) in demand.channels.iter().enumerate() {
        let curves = if goal == Goal::Interval {
            vec![None; n]
        } else {
            curves(model, c, ch)
        };
        goals.extend(goal_rows(model, demand, goal, c, &curves));
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
    let limits = limits(model, &candidates);
    let workforce = workforce.map(|w| WorkforceRows::new(w, &candidates, demand, model));
    Formulation {
        workforce,
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
        fixed: Vec::new(),
        whole_breaks: false,
    }
}

/// Distinct channel sets of the templates (an agent of a set works one of its channels at a time).
fn channel_groups(model: &Model) -> (Vec<Vec<usize>>, Vec<usize>) {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let of_template = model
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
    (groups, of_template)
}

/// The channel's queue and targets when it has a daily/weekly goal to meet in interval `t`.
fn goal_queue(model: &Model, c: usize, ch: &ChannelDemand, t: usize) -> Option<(Queue, Targets)> {
    let channel = &model.channels[c];
    let ChannelKind::Immediate { targets, .. } = &channel.kind else {
        return None;
    };
    if targets.service_level.is_none() && targets.max_abandon.is_none() || !ch.open[t] {
        return None;
    }
    queue_of(channel, ch.load[t]?, model.interval_s())
}

/// Service-level curves of every goal interval of a channel.
fn curves(model: &Model, c: usize, ch: &ChannelDemand) -> Vec<Option<Curve>> {
    (0..ch.required.len())
        .map(|t| {
            let (queue, targets) = goal_queue(model, c, ch, t)?;
            let load = ch.load[t]?;
            Some(curve(
                &queue,
                &targets,
                ch.productive_share,
                ch.floor[t],
                ch.required[t],
                load.volume,
            ))
        })
        .collect()
}

/// The contacts a goal period still needs above its intervals' floors, per day or ISO week.
fn goal_rows(
    model: &Model,
    demand: &Demand,
    goal: Goal,
    c: usize,
    curves: &[Option<Curve>],
) -> Vec<GoalRow> {
    let ch = &demand.channels[c];
    let mut periods: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for (t, curve) in curves.iter().enumerate() {
        if curve.is_some() {
            let date = demand.grid.date_of(t);
            let key = match goal {
                Goal::Daily => (date.year(), date.ordinal()),
                _ => iso_week(date),
            };
            periods.entry(key).or_default().push(t);
        }
    }
    periods
        .into_values()
        .filter_map(|intervals| {
            let (mut volume, mut answered, mut abandoned) = (0.0, 0.0, 0.0);
            let mut targets = None;
            for &t in &intervals {
                let Some((queue, tg)) = goal_queue(model, c, ch, t) else {
                    continue;
                };
                let load = ch.load[t].map_or(0.0, |l| l.volume);
                let floor = curves[t].as_ref().map_or(0.0, |cv| cv.floor);
                let k = mixed(
                    &queue,
                    tg.threshold_s,
                    tg.convention,
                    floor * ch.productive_share,
                );
                volume += load;
                answered += k.service_level * load;
                abandoned += k.p_abandon * load;
                targets = Some(tg);
            }
            let targets = targets?;
            Some(GoalRow {
                channel: c,
                answered_needed: targets
                    .service_level
                    .map_or(0.0, |s| (s * volume - answered).max(0.0)),
                abandon_reduction_needed: targets
                    .max_abandon
                    .map(|m| (abandoned - m * volume).max(0.0)),
                intervals,
            })
        })
        .collect()
}

/// The service-level curve of one interval for daily/weekly goals, valued with the evaluator's
/// productive-agent mix ([`mixed`]), so the linearisation never overstates what the evaluator reports.
///
/// `floor` is the interval's own minimum (see [`ChannelDemand::floor`]).
fn curve(
    queue: &Queue,
    targets: &Targets,
    share: f64,
    floor: f64,
    required: f64,
    volume: f64,
) -> Curve {
    // Increments up to one agent above the interval requirement: enough room for the goal to trade
    // staffing between intervals, few enough variables to keep the program small.
    let top = required.max(floor) + 1.0;
    let steps = (top - floor).max(1.0) as usize;
    let at = |agents: f64| {
        mixed(
            queue,
            targets.threshold_s,
            targets.convention,
            agents * share,
        )
    };
    let mut answered = Vec::with_capacity(steps);
    let mut abandoned = Vec::with_capacity(steps);
    let mut previous = at(floor);
    let (mut min_gain, mut min_save) = (f64::INFINITY, f64::INFINITY);
    for k in 1..=steps {
        let next = at(floor + k as f64);
        // Running minima keep the increments non-increasing: a concave under-estimate.
        min_gain = min_gain.min((next.service_level - previous.service_level).max(0.0) * volume);
        min_save = min_save.min((previous.p_abandon - next.p_abandon).max(0.0) * volume);
        answered.push(min_gain);
        abandoned.push(min_save);
        previous = next;
    }
    Curve {
        floor,
        answered,
        abandoned,
    }
}

/// Hard limits per template-day (`min_per_day`, `max_per_day`) and per day (`max_agents_per_day`).
fn limits(model: &Model, candidates: &[Candidate]) -> Vec<Limit> {
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
    for ((ti, day), shifts) in by_template_day {
        let t = &model.shifts[ti];
        if t.min_per_day > 0 || t.max_per_day.is_some() {
            limits.push(Limit {
                family: Family::TemplateDayLimits,
                day,
                shifts,
                min: f64::from(t.min_per_day),
                max: t.max_per_day.map(f64::from),
            });
        }
    }
    if let Some(max) = model.schedule.max_agents_per_day {
        for (day, shifts) in by_day {
            limits.push(Limit {
                family: Family::DailyAgentLimit,
                day,
                shifts,
                min: 0.0,
                max: Some(f64::from(max)),
            });
        }
    }
    limits
}

/// Hard families that contradict each other, in planner's words: the program would be infeasible.
/// Only the day limits can conflict (every other hard family can always be met).
pub(crate) fn conflicts(f: &Formulation<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for daily in f
        .limits
        .iter()
        .filter(|l| l.family == Family::DailyAgentLimit)
    {
        let Some(max) = daily.max else { continue };
        let least: f64 = f
            .limits
            .iter()
            .filter(|l| l.family == Family::TemplateDayLimits && l.day == daily.day)
            .map(|l| l.min)
            .sum();
        if least > max + 1e-9 {
            out.push(format!(
                "{} vs {} on {} {}: the templates' min_per_day need at least {least:.0} shifts, max_agents_per_day allows {max:.0}",
                Family::TemplateDayLimits.code(),
                Family::DailyAgentLimit.code(),
                daily.day.weekday(),
                daily.day.format("%d.%m.")
            ));
        }
    }
    out
}

//! The one place service is measured: any [`Staffing`] against a [`Demand`] gives service level (under
//! each channel's own convention), speed of answer, abandonment, occupancy and under/over staffing per
//! interval, local day, ISO week and the whole period. `coverage.csv`, every summary line and every
//! report read an [`Evaluation`]; nothing else computes these figures, so they cannot disagree.
//!
//! # Productive agents
//! Agents on shift and off break are allocated to channels by maximum flow ([`allocate`]): first up to
//! every channel's floor (see [`ChannelDemand::floor`](crate::requirements::demand::ChannelDemand)),
//! then up to its requirement, spare agents in proportion to the requirements; a channel's
//! productive staffing is then `p = working × (1 − shrinkage other than breaks)`, usually fractional.
//! Shrinkage is a share of time, so within the interval `p` means `⌊p⌋` agents for a share
//! `1 − (p − ⌊p⌋)` of the time and `⌈p⌉` for the rest: every figure is that time-weighted mix of the two
//! whole-agent queues (linear interpolation between whole agents). This is also the curve the scheduler's
//! daily/weekly goal linearises, so a goal the scheduler meets is met here.
//!
//! # Aggregates
//! Over a day, week or period: service level and abandonment weighted by offered contacts, ASA weighted
//! by answered contacts. An interval whose queue is unstable (Erlang C with load ≥ `⌊p⌋` agents: the
//! wait grows without bound) counts with its mixed service level (0 for the `⌊p⌋` part) and is *named*,
//! never averaged into an ASA.

pub(crate) mod allocate;
mod summary;

use crate::grid::{iso_week, IsoWeek, TimeGrid};
use crate::model::{ChannelKind, Model};
pub use crate::queueing::IntervalKpis;
use crate::queueing::{at_fractional, Queue, SlConvention};
use crate::requirements::demand::{Demand, Load};
use crate::requirements::queue_of;
use crate::staffing::{ChannelId, Staffing};
use chrono::NaiveDate;
pub use summary::{Miss, Missed, Period, Summary};

/// Figures of one channel in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalFigures {
    pub open: bool,
    /// Agents needed on shift and off break.
    pub required: f64,
    /// Agents on shift, off break, working this channel.
    pub scheduled: f64,
    /// `scheduled × productive share`.
    pub productive: f64,
    /// Contacts offered (0 when none are forecast).
    pub volume: f64,
    /// Immediate channels with contacts, while open.
    pub kpis: Option<IntervalKpis>,
}

impl IntervalFigures {
    /// Agents short of the requirement (0 when covered).
    pub fn under(&self) -> f64 {
        (self.required - self.scheduled).max(0.0)
    }

    /// Agents beyond the requirement.
    pub fn over(&self) -> f64 {
        (self.scheduled - self.required).max(0.0)
    }
}

/// A channel's targets, as the evaluation checks them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ChannelTargets {
    pub service_level: Option<f64>,
    pub threshold_s: f64,
    pub max_abandon: Option<f64>,
    pub max_asa_s: Option<f64>,
}

/// One channel under a staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelEvaluation {
    pub channel: ChannelId,
    pub name: String,
    /// Immediate channels: the service-level convention their figures use.
    pub convention: Option<SlConvention>,
    /// Whether contacts may give up (the channel has a patience); without one abandonment is not shown.
    pub abandons: bool,
    pub targets: ChannelTargets,
    pub intervals: Vec<IntervalFigures>,
    /// Per local day, in order.
    pub days: Vec<(NaiveDate, Summary)>,
    /// Per ISO week, in order.
    pub weeks: Vec<(IsoWeek, Summary)>,
    pub period: Summary,
}

impl ChannelEvaluation {
    pub fn is_immediate(&self) -> bool {
        self.convention.is_some()
    }

    /// Every summary of a scope, labelled.
    pub fn summaries(&self, scope: Scope) -> Vec<(Period, &Summary)> {
        match scope {
            Scope::Day => self
                .days
                .iter()
                .map(|(d, s)| (Period::Day(*d), s))
                .collect(),
            Scope::Week => self
                .weeks
                .iter()
                .map(|(w, s)| (Period::Week(*w), s))
                .collect(),
            Scope::Period => vec![(Period::All, &self.period)],
        }
    }

    /// Service-level and abandonment targets missed over each summary of `scope`.
    pub fn misses(&self, scope: Scope) -> Vec<Miss> {
        self.summaries(scope)
            .into_iter()
            .flat_map(|(period, s)| s.misses(&self.name, period, &self.targets))
            .collect()
    }
}

/// Which summaries a target is held over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Day,
    Week,
    Period,
}

/// A staffing measured against a demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub grid: TimeGrid,
    /// Indexed like `Model::channels`.
    pub channels: Vec<ChannelEvaluation>,
}

impl Evaluation {
    /// Agent-intervals short of the requirement, all channels.
    pub fn under(&self) -> f64 {
        self.channels.iter().map(|c| c.period.under).sum()
    }

    /// Whether any open interval is at least half an agent short of its requirement.
    pub fn any_short(&self) -> bool {
        self.channels
            .iter()
            .flat_map(|c| &c.intervals)
            .any(|r| r.under() >= 0.5)
    }

    /// Every target missed over `scope`, all channels.
    pub fn misses(&self, scope: Scope) -> Vec<Miss> {
        self.channels.iter().flat_map(|c| c.misses(scope)).collect()
    }
}

/// Evaluates `staffing` against `demand`: allocation to channels, then [`evaluate_working`].
pub fn evaluate(model: &Model, demand: &Demand, staffing: &Staffing) -> Evaluation {
    let presence = staffing.presence(&demand.grid);
    let groups: Vec<Vec<usize>> = presence
        .groups
        .iter()
        .map(|g| g.iter().map(|c| c.0).collect())
        .collect();
    let n = demand.grid.len();
    let nc = demand.channels.len();
    let mut working = vec![vec![0.0f64; n]; nc];
    for t in 0..n {
        let present: Vec<f64> = presence.present.iter().map(|p| p[t]).collect();
        for (c, x) in working_in(demand, &groups, &present, t)
            .into_iter()
            .enumerate()
        {
            working[c][t] = x;
        }
    }
    evaluate_working(model, demand, &working)
}

/// Agents working each channel in interval `t`, from the agents present per channel group
/// (`groups[g]` its channel indices): the allocation every figure of [`evaluate`] reads, also used by
/// the roster to keep coverage when it moves a shift.
pub(crate) fn working_in(
    demand: &Demand,
    groups: &[Vec<usize>],
    present: &[f64],
    t: usize,
) -> Vec<f64> {
    // Floors first, then requirements: when agents are scarce every channel keeps its floor.
    let floor: Vec<f64> = demand.channels.iter().map(|c| c.floor[t]).collect();
    let required: Vec<f64> = demand
        .channels
        .iter()
        .map(|c| c.required[t].max(c.floor[t]))
        .collect();
    let open: Vec<bool> = demand.channels.iter().map(|c| c.open[t]).collect();
    allocate::allocate(present, groups, &floor, &required, &open)
        .into_iter()
        // Whole agents stay whole: sums of shift fractions carry float noise.
        .map(|x| (x * 1e6).round() / 1e6)
        .collect()
}

/// Evaluates agents working each channel per interval (`working[c][t]`, on shift and off break).
pub fn evaluate_working(model: &Model, demand: &Demand, working: &[Vec<f64>]) -> Evaluation {
    let mut channels: Vec<Vec<IntervalFigures>> = demand
        .channels
        .iter()
        .enumerate()
        .map(|(c, ch)| {
            (0..demand.grid.len())
                .map(|t| IntervalFigures {
                    open: ch.open[t],
                    required: ch.required[t],
                    scheduled: working[c][t],
                    productive: working[c][t] * ch.productive_share,
                    volume: ch.load[t].map_or(0.0, |l| l.volume),
                    kpis: ch.load[t].filter(|_| ch.open[t]).and_then(|load| {
                        interval_kpis(model, c, load, working[c][t] * ch.productive_share)
                    }),
                })
                .collect()
        })
        .collect();
    pooled(model, demand, &mut channels);
    Evaluation {
        grid: demand.grid.clone(),
        channels: channels
            .into_iter()
            .enumerate()
            .map(|(c, intervals)| channel_evaluation(model, &demand.grid, c, intervals))
            .collect(),
    }
}

/// A blended pool's live channel is judged with the pool's agents and the deferred work they take
/// ([`crate::requirements::pool::pooled_live_kpis`]), not as if every pool agent only took calls.
fn pooled(model: &Model, demand: &Demand, channels: &mut [Vec<IntervalFigures>]) {
    for pool in &model.pools {
        let productive: Vec<f64> = (0..demand.grid.len())
            .map(|t| pool.channels().map(|c| channels[c][t].productive).sum())
            .collect();
        let kpis = crate::requirements::pool::pooled_live_kpis(model, pool, demand, &productive);
        for (row, k) in channels[pool.live].iter_mut().zip(kpis) {
            if let (Some(_), Some(k)) = (row.kpis, k) {
                row.kpis = Some(k);
            }
        }
    }
}

fn channel_evaluation(
    model: &Model,
    grid: &TimeGrid,
    c: usize,
    intervals: Vec<IntervalFigures>,
) -> ChannelEvaluation {
    let channel = &model.channels[c];
    let abandons = matches!(
        &channel.kind,
        ChannelKind::Immediate {
            patience_s: Some(_),
            ..
        }
    );
    let (convention, targets) = match &channel.kind {
        ChannelKind::Immediate { targets, .. } => (
            Some(targets.convention),
            ChannelTargets {
                service_level: targets.service_level,
                threshold_s: targets.threshold_s,
                max_abandon: targets.max_abandon,
                max_asa_s: targets.max_asa_s,
            },
        ),
        ChannelKind::Deferred { .. } => (None, ChannelTargets::default()),
    };
    let hours = grid.interval_hours();
    let mut days: Vec<(NaiveDate, Summary)> = Vec::new();
    let mut weeks: Vec<(IsoWeek, Summary)> = Vec::new();
    let mut period = Summary::default();
    for (t, r) in intervals.iter().enumerate() {
        let date = grid.date_of(t);
        if days.last().is_none_or(|(d, _)| *d != date) {
            days.push((date, Summary::default()));
        }
        let week = iso_week(date);
        if weeks.last().is_none_or(|(w, _)| *w != week) {
            weeks.push((week, Summary::default()));
        }
        for s in [
            days.last_mut().map(|x| &mut x.1),
            weeks.last_mut().map(|x| &mut x.1),
            Some(&mut period),
        ]
        .into_iter()
        .flatten()
        {
            s.add(t, r, hours);
        }
    }
    ChannelEvaluation {
        channel: ChannelId(c),
        name: channel.name.clone(),
        convention,
        abandons,
        targets,
        intervals,
        days,
        weeks,
        period,
    }
}

/// Figures of an immediate channel's interval at `productive` agents (`None` for deferred channels or
/// a load the queueing core cannot take).
fn interval_kpis(model: &Model, c: usize, load: Load, productive: f64) -> Option<IntervalKpis> {
    let (queue, targets) = queue_of(&model.channels[c], load, model.interval_s())?;
    Some(mixed(
        &queue,
        targets.threshold_s,
        targets.convention,
        productive,
    ))
}

/// The queue's figures at a fractional productive staffing (the convention of
/// [`crate::queueing::at_fractional`]).
pub fn mixed(
    queue: &Queue,
    threshold_s: f64,
    convention: SlConvention,
    productive: f64,
) -> IntervalKpis {
    at_fractional(queue, threshold_s, convention, productive)
}

//! Forecast × model → required agents per interval per channel.
//!
//! * Immediate channels: per open interval, the fewest productive agents meeting the channel's targets
//!   under its queueing model ([`crate::queueing`]: Erlang A with a patience, chat with concurrency, else
//!   Erlang C), at least the channel's minimum staffing; then scheduled agents after shrinkage. The
//!   fractional requirement is kept alongside the whole one.
//! * Deferred channels: the least, smoothest processing plan that clears every item within its response
//!   window ([`deferred`]), with the backlog it carries.
//!
//! Handle time per contact is the forecast's `aht` (or the channel's) plus its `acw` (or the channel's).

pub mod deferred;
pub mod demand;
pub mod pool;
mod pool_fill;

use crate::forecast::Forecast;
use crate::model::{Channel, ChannelKind, Model};
use crate::queueing::{
    at_fractional, ceil_tolerant, required_agents, Concurrency, IntervalKpis, Kpis, Queue,
    StaffingError, Targets,
};
use chrono::{DateTime, Utc};
use deferred::{smooth, DeferredInput};
use demand::Load;

/// Requirements of every channel over the planning period.
#[derive(Debug, Clone)]
pub struct Requirements {
    pub starts: Vec<DateTime<Utc>>,
    pub interval_minutes: u32,
    /// Indexed like `Model::channels`.
    pub channels: Vec<ChannelRequirements>,
    /// Blended pools, indexed like `Model::pools`: what their channels' demand rows carry instead.
    pub pools: Vec<pool::PoolRequirements>,
}

#[derive(Debug, Clone)]
pub struct ChannelRequirements {
    pub intervals: Vec<IntervalRequirement>,
    /// Deferred channels: items left unprocessed at the end of the period (due after it).
    pub carried_items: f64,
}

/// One channel in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRequirement {
    pub open: bool,
    pub volume: f64,
    /// Handle time per contact (AHT + ACW), seconds.
    pub handle_s: f64,
    /// Offered workload in Erlangs (`volume × handle / interval`).
    pub traffic_erlangs: f64,
    /// Productive agents before rounding.
    pub productive_fractional: f64,
    pub productive: u64,
    /// Scheduled agents before rounding (fractional productive grossed up by shrinkage).
    pub scheduled_fractional: f64,
    pub scheduled: u64,
    /// Agents needed on shift and not on a scheduled break: productive grossed up by the shrinkage other
    /// than `breaks` (the scheduler places breaks itself). What `vuoro schedule` covers.
    pub on_shift: u64,
    /// Deferred channels: items released but not processed at the end of the interval.
    pub backlog_items: Option<f64>,
    /// Immediate channels with contacts: the figures at `productive` agents.
    pub kpis: Option<Kpis>,
    /// Immediate channels with contacts: the figures once `on_shift` agents are staffed, under the
    /// fractional-productive convention every later stage uses ([`crate::queueing::at_fractional`]) —
    /// what `coverage.csv` shows for a plan that staffs exactly this requirement.
    pub staffed: Option<IntervalKpis>,
}

/// Why requirements could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequirementsError {
    #[error("channel '{channel}' at {start}: {source}")]
    Staffing {
        channel: String,
        start: String,
        source: StaffingError,
    },
}

/// Computes the requirements of every channel in `forecast` under `model`.
pub fn compute(model: &Model, forecast: &Forecast) -> Result<Requirements, RequirementsError> {
    let channels = model
        .channels
        .iter()
        .enumerate()
        .map(|(c, channel)| match &channel.kind {
            ChannelKind::Immediate { .. } => immediate(model, forecast, c, channel),
            ChannelKind::Deferred {
                response_window_s,
                within_window,
                max_occupancy,
            } => Ok(deferred(
                model,
                forecast,
                c,
                channel,
                *response_window_s,
                *within_window,
                *max_occupancy,
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let pools = model
        .pools
        .iter()
        .map(|p| pool::pool_requirements(model, &channels, p, None))
        .collect();
    Ok(Requirements {
        starts: forecast.starts.clone(),
        interval_minutes: forecast.interval_minutes,
        channels,
        pools,
    })
}

/// Share of an agent's time on shift and off break that is productive: `1 − shrinkage other than breaks`.
/// The scheduler places breaks itself, so the `breaks` category must not be counted twice.
pub fn productive_share(channel: &Channel) -> f64 {
    let other: f64 = channel
        .shrinkage
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("breaks"))
        .map(|(_, s)| s)
        .sum();
    1.0 - other
}

/// Agents on shift and off break for `productive` productive agents, without float-noise agents.
pub fn on_shift_requirement(channel: &Channel, productive: u64) -> u64 {
    ceil_tolerant(productive as f64 / productive_share(channel))
}

fn is_open(model: &Model, channel: &Channel, t: DateTime<Utc>) -> bool {
    channel
        .hours
        .is_open(t.with_timezone(&model.time_zone).naive_local())
}

fn handle_time(forecast: &Forecast, c: usize, channel: &Channel, i: usize) -> f64 {
    let s = &forecast.series[c];
    s.aht_s[i].unwrap_or(channel.aht_s) + s.acw_s[i].unwrap_or(channel.acw_s)
}

fn immediate(
    model: &Model,
    forecast: &Forecast,
    c: usize,
    channel: &Channel,
) -> Result<ChannelRequirements, RequirementsError> {
    let ChannelKind::Immediate { targets, .. } = &channel.kind else {
        unreachable!("called for immediate channels only");
    };
    let interval_s = model.interval_s();
    let shrinkage = channel.total_shrinkage();
    let min = u64::from(channel.min_agents);
    let mut intervals = Vec::with_capacity(forecast.starts.len());
    for (i, &start) in forecast.starts.iter().enumerate() {
        let volume = forecast.series[c].volume[i].unwrap_or(0.0);
        let handle_s = handle_time(forecast, c, channel, i);
        let traffic_erlangs = volume * handle_s / interval_s;
        let open = is_open(model, channel, start);
        let (productive_fractional, productive, kpis) = if !open {
            (0.0, 0, None)
        } else if volume <= 0.0 {
            (min as f64, min, None)
        } else {
            let fail = |source: StaffingError| RequirementsError::Staffing {
                channel: channel.name.clone(),
                start: crate::forecast::local_iso(model, start),
                source,
            };
            let queue = build_queue(channel, Load { volume, handle_s }, interval_s)
                .map_err(|e| fail(StaffingError::Invalid(e)))?;
            let staffing = required_agents(&queue, targets).map_err(fail)?;
            let productive = staffing.productive_agents.max(min);
            let kpis = if productive == staffing.productive_agents {
                staffing.kpis
            } else {
                queue.evaluate(productive, targets.threshold_s)
            };
            let staffed = at_fractional(
                &queue,
                targets.threshold_s,
                targets.convention,
                on_shift_requirement(channel, productive) as f64 * productive_share(channel),
            );
            (
                staffing.fractional_agents.max(min as f64),
                productive,
                Some((kpis, staffed)),
            )
        };
        intervals.push(IntervalRequirement {
            open,
            volume,
            handle_s,
            traffic_erlangs,
            productive_fractional,
            productive,
            scheduled_fractional: shrinkage.gross_up_fractional(productive_fractional),
            scheduled: shrinkage.gross_up(productive),
            on_shift: on_shift_requirement(channel, productive),
            backlog_items: None,
            kpis: kpis.map(|k| k.0),
            staffed: kpis.map(|k| k.1),
        });
    }
    Ok(ChannelRequirements {
        intervals,
        carried_items: 0.0,
    })
}

/// The queue of an immediate channel for one interval's load (`None` for deferred channels or a load
/// the queueing core rejects) — the one place a channel's queueing model is assembled.
pub fn queue_of(channel: &Channel, load: Load, interval_s: f64) -> Option<(Queue, Targets)> {
    let ChannelKind::Immediate { targets, .. } = &channel.kind else {
        return None;
    };
    Some((build_queue(channel, load, interval_s).ok()?, *targets))
}

fn build_queue(
    channel: &Channel,
    load: Load,
    interval_s: f64,
) -> Result<Queue, crate::error::InvalidValue> {
    let mut queue = Queue::new(load.volume, interval_s, load.handle_s)?;
    if let ChannelKind::Immediate {
        patience_s,
        concurrency,
        ..
    } = &channel.kind
    {
        if let Some(p) = patience_s {
            queue = queue.with_patience(*p)?;
        }
        if let Some((k, f)) = concurrency {
            queue = queue.with_concurrency(Concurrency::linear(*k, load.handle_s, *f)?);
        }
    }
    Ok(queue)
}

fn deferred(
    model: &Model,
    forecast: &Forecast,
    c: usize,
    channel: &Channel,
    response_window_s: f64,
    within_window: f64,
    max_occupancy: f64,
) -> ChannelRequirements {
    let interval_s = model.interval_s();
    let shrinkage = channel.total_shrinkage();
    let min = u64::from(channel.min_agents);
    let n = forecast.starts.len();
    let open: Vec<bool> = forecast
        .starts
        .iter()
        .map(|&t| is_open(model, channel, t))
        .collect();
    let volume: Vec<f64> = (0..n)
        .map(|i| forecast.series[c].volume[i].unwrap_or(0.0))
        .collect();
    let handle: Vec<f64> = (0..n)
        .map(|i| handle_time(forecast, c, channel, i))
        .collect();

    // Compress time to open intervals; work arriving while closed is released at the next opening.
    let mut input = DeferredInput::default();
    let (mut pending_work, mut pending_items) = (0.0, 0.0);
    let mut open_slots = Vec::new();
    for i in 0..n {
        if open[i] {
            input.released_at_open.push(pending_work);
            input.released_items_at_open.push(pending_items);
            input.arriving.push(volume[i] * handle[i]);
            input.arriving_items.push(volume[i]);
            open_slots.push(i);
            pending_work = 0.0;
            pending_items = 0.0;
        } else {
            pending_work += volume[i] * handle[i];
            pending_items += volume[i];
        }
    }
    let plan = smooth(&input, response_window_s / interval_s, within_window);

    let mut intervals = Vec::with_capacity(n);
    let mut next_open = 0;
    let mut backlog = 0.0;
    for i in 0..n {
        let traffic_erlangs = volume[i] * handle[i] / interval_s;
        let (productive_fractional, productive) = if open[i] {
            let k = next_open;
            next_open += 1;
            backlog = plan.backlog_items[k];
            let fractional = plan.processed[k] / (interval_s * max_occupancy);
            let whole = ceil_tolerant(fractional).max(min);
            (fractional.max(min as f64), whole)
        } else {
            // Closed: arrivals wait for the next opening.
            backlog += volume[i];
            (0.0, 0)
        };
        intervals.push(IntervalRequirement {
            open: open[i],
            volume: volume[i],
            handle_s: handle[i],
            traffic_erlangs,
            productive_fractional,
            productive,
            scheduled_fractional: shrinkage.gross_up_fractional(productive_fractional),
            scheduled: shrinkage.gross_up(productive),
            on_shift: on_shift_requirement(channel, productive),
            backlog_items: Some(backlog),
            kpis: None,
            staffed: None,
        });
    }
    ChannelRequirements {
        intervals,
        carried_items: backlog,
    }
}

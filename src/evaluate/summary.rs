//! Sums of interval figures over a day, an ISO week or the period, and the targets they miss.

use super::{ChannelTargets, IntervalFigures};
use crate::grid::IsoWeek;
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// What a summary covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day(NaiveDate),
    Week(IsoWeek),
    All,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Day(d) => write!(f, "{} {:02}.{:02}.", d.weekday(), d.day(), d.month()),
            Period::Week(w) => write!(f, "week {}", w.1),
            Period::All => f.write_str("period"),
        }
    }
}

/// Sums over a set of intervals of one channel; the ratios are methods so they are computed one way.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Contacts offered.
    pub volume: f64,
    /// Contacts in intervals with queue figures (immediate channels, open).
    pub measured_volume: f64,
    /// Contacts in the service level's denominator (offered, or answered for `answered`).
    sl_weight: f64,
    answered_within: f64,
    abandoned: f64,
    /// Answered contacts of stable intervals, and their total wait.
    stable_answered: f64,
    waited_s: f64,
    /// Productive agents summed over measured intervals, and the busy part of them.
    productive: f64,
    busy: f64,
    /// Interval indices whose queue is unstable.
    pub unstable: Vec<usize>,
    /// Agent-hours required and scheduled (on shift, off break, on this channel).
    pub required_h: f64,
    pub scheduled_h: f64,
    /// Agent-intervals short of and beyond the requirement.
    pub under: f64,
    pub over: f64,
    /// Intervals at least half an agent short.
    pub short_intervals: usize,
    /// Lowest interval service level and where.
    pub worst_service_level: Option<(usize, f64)>,
}

impl Summary {
    pub fn add(&mut self, t: usize, r: &IntervalFigures, hours: f64) {
        self.volume += r.volume;
        self.required_h += r.required * hours;
        self.scheduled_h += r.scheduled * hours;
        self.under += r.under();
        self.over += r.over();
        self.short_intervals += usize::from(r.under() >= 0.5);
        let Some(k) = r.kpis else { return };
        self.measured_volume += r.volume;
        self.sl_weight += r.volume * k.denominator;
        self.answered_within += r.volume * k.denominator * k.service_level;
        self.abandoned += r.volume * k.p_abandon;
        self.productive += r.productive;
        self.busy += r.productive * k.occupancy;
        if let Some(asa) = k.asa_s {
            let answered = r.volume * (1.0 - k.p_abandon);
            self.stable_answered += answered;
            self.waited_s += answered * asa;
        }
        if !k.stable {
            self.unstable.push(t);
        }
        if self
            .worst_service_level
            .is_none_or(|(_, sl)| k.service_level < sl)
        {
            self.worst_service_level = Some((t, k.service_level));
        }
    }

    /// Service level over the summary: contacts within the threshold over the convention's
    /// denominator (offered contacts, or answered ones for `answered`).
    pub fn service_level(&self) -> Option<f64> {
        (self.measured_volume > 0.0)
            .then(|| self.answered_within / self.sl_weight.max(f64::MIN_POSITIVE))
    }

    /// Share of offered contacts abandoned.
    pub fn p_abandon(&self) -> Option<f64> {
        (self.measured_volume > 0.0).then(|| self.abandoned / self.measured_volume)
    }

    /// ASA of answered contacts over the stable intervals (unstable ones are in [`Summary::unstable`]).
    pub fn asa_s(&self) -> Option<f64> {
        (self.stable_answered > 0.0).then(|| self.waited_s / self.stable_answered)
    }

    /// Occupancy over the summary: busy agent-time over productive agent-time of the measured intervals
    /// (each interval's occupancy weighted by its productive agents).
    pub fn occupancy(&self) -> Option<f64> {
        (self.productive > 0.0).then(|| self.busy / self.productive)
    }

    /// Targets this summary misses.
    pub fn misses(&self, channel: &str, period: Period, targets: &ChannelTargets) -> Vec<Miss> {
        let mut out = Vec::new();
        if let (Some(got), Some(target)) = (self.service_level(), targets.service_level) {
            if got + 1e-9 < target {
                out.push(Miss {
                    channel: channel.to_string(),
                    period,
                    what: Missed::ServiceLevel { got, target },
                });
            }
        }
        if let (Some(got), Some(cap)) = (self.p_abandon(), targets.max_abandon) {
            if got > cap + 1e-9 {
                out.push(Miss {
                    channel: channel.to_string(),
                    period,
                    what: Missed::Abandonment { got, cap },
                });
            }
        }
        out
    }
}

/// A target a summary misses.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub channel: String,
    pub period: Period,
    pub what: Missed,
}

/// Which target, and by how much.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Missed {
    ServiceLevel { got: f64, target: f64 },
    Abandonment { got: f64, cap: f64 },
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.what {
            Missed::ServiceLevel { got, target } => write!(
                f,
                "{} {}: service level {:.1} %, target {:.1} %",
                self.period,
                self.channel,
                100.0 * got,
                100.0 * target
            ),
            Missed::Abandonment { got, cap } => write!(
                f,
                "{} {}: abandonment {:.1} %, at most {:.1} %",
                self.period,
                self.channel,
                100.0 * got,
                100.0 * cap
            ),
        }
    }
}

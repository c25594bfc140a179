//! What planners read: requirement tables (CSV), day summaries and charts. The only module that names
//! `plotters` (in [`plot`]).

pub mod blend;
pub mod html;
pub mod plot;
pub mod roster;
pub mod schedule;
mod service;
pub mod simulation;
pub mod summary_json;

pub use service::service_table;

use crate::calculator::output::{csv_field, format_number};
use crate::evaluate::{IntervalFigures, Summary};
use crate::forecast::local_iso;
use crate::model::Model;
use crate::requirements::Requirements;
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;

/// Columns of the requirements CSV.
pub const REQUIREMENT_COLUMNS: [&str; 17] = [
    "channel",
    "start",
    "open",
    "volume",
    "aht_s",
    "traffic_erlangs",
    "productive_fractional",
    "productive_agents",
    "scheduled_fractional",
    "scheduled_agents",
    "required",
    "backlog",
    "service_level",
    "asa_s",
    "p_abandon",
    "occupancy",
    "model",
];

/// One row per channel × interval, channels in model order, times in local ISO with offset.
///
/// `required` is what `vuoro schedule --requirements` covers: agents on shift and not on a scheduled break
/// (productive grossed up by the shrinkage other than `breaks`), so this file can be fed straight to the
/// scheduler or edited first.
pub fn requirements_csv(model: &Model, req: &Requirements) -> String {
    let mut out = REQUIREMENT_COLUMNS.join(",");
    out.push('\n');
    for (channel, ch) in model.channels.iter().zip(&req.channels) {
        for (t, r) in req.starts.iter().zip(&ch.intervals) {
            let opt = |x: Option<f64>| x.map_or_else(String::new, format_number);
            let k = r.staffed.as_ref();
            let cells = [
                csv_field(&channel.name),
                local_iso(model, *t),
                r.open.to_string(),
                format_number(r.volume),
                format_number(r.handle_s),
                format_number(r.traffic_erlangs),
                format_number(r.productive_fractional),
                r.productive.to_string(),
                format_number(r.scheduled_fractional),
                r.scheduled.to_string(),
                r.on_shift.to_string(),
                opt(r.backlog_items),
                opt(k.map(|k| k.service_level)),
                opt(k.map(|k| k.asa_s.unwrap_or(f64::INFINITY))),
                opt(k.map(|k| k.p_abandon)),
                opt(k.map(|k| k.occupancy)),
                k.map_or_else(String::new, |_| channel.kind.name().to_string()),
            ];
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

/// Figures of one channel on one local day; service figures are the evaluator's [`Summary`].
#[derive(Debug, Clone, Default)]
pub(crate) struct DayFigures {
    pub(crate) workload_h: f64,
    pub(crate) peak_scheduled: u64,
    pub(crate) scheduled_h: f64,
    pub(crate) productive_h: f64,
    pub(crate) max_backlog: f64,
    pub(crate) service: Summary,
}

/// A per-day, per-channel summary table with weekly totals and shrinkage hours by category.
pub fn requirements_summary(model: &Model, req: &Requirements) -> String {
    let mut out = summary_header(model, req);
    for (c, (channel, ch)) in model.channels.iter().zip(&req.channels).enumerate() {
        out.push_str(&channel_days(model, req, channel, ch));
        if c + 1 < model.channels.len() {
            out.push('\n');
        }
    }
    out
}

/// The period, grid and zone, then the column heads.
fn summary_header(model: &Model, req: &Requirements) -> String {
    let mut out = String::new();
    if let (Some(first), Some(last)) = (req.starts.first(), req.starts.last()) {
        let _ = writeln!(
            out,
            "{} · {} – {} · {}-minute intervals · {}\n",
            model.name,
            local_iso(model, *first),
            local_iso(model, *last),
            req.interval_minutes,
            model.time_zone.name()
        );
    }
    let _ = writeln!(
        out,
        "{:<11} {:<9} {:>9} {:>9} {:>6} {:>9} {:>9} {:>8} {:>8} {:>9}",
        "day",
        "channel",
        "contacts",
        "work h",
        "peak",
        "sched h",
        "prod h",
        "SL",
        "abandon",
        "backlog"
    );
    out
}

/// One channel: a line per local day, the period line, shrinkage hours and carried-over work.
fn channel_days(
    model: &Model,
    req: &Requirements,
    channel: &crate::model::Channel,
    ch: &crate::requirements::ChannelRequirements,
) -> String {
    let immediate = !channel.is_deferred();
    let mut out = String::new();
    let (days, week) = channel_figures(model, req, channel, ch);
    for (date, f) in &days {
        let _ = writeln!(
            out,
            "{}",
            day_line(&day_label(*date), &channel.name, f, immediate)
        );
    }
    let _ = writeln!(
        out,
        "{}",
        day_line("period", &channel.name, &week, immediate)
    );
    if !channel.shrinkage.is_empty() {
        let parts: Vec<String> = channel
            .shrinkage
            .iter()
            .map(|(name, share)| format!("{name} {:.1} h", week.scheduled_h * share))
            .collect();
        let _ = writeln!(out, "{:<11} {:<9} shrinkage: {}", "", "", parts.join(", "));
    }
    if ch.carried_items > 0.005 {
        let _ = writeln!(
            out,
            "{:<11} {:<9} {:.1} items arrive too late to be due in this period and are carried over",
            "", "", ch.carried_items
        );
    }
    out
}

/// One channel's figures per local day, and over the period.
pub(crate) fn channel_figures(
    model: &Model,
    req: &Requirements,
    channel: &crate::model::Channel,
    ch: &crate::requirements::ChannelRequirements,
) -> (Vec<(NaiveDate, DayFigures)>, DayFigures) {
    let tz = model.time_zone;
    let hours = f64::from(req.interval_minutes) / 60.0;
    let share = crate::requirements::productive_share(channel);
    let mut days: Vec<(NaiveDate, DayFigures)> = Vec::new();
    let mut period = DayFigures::default();
    for (t, (start, r)) in req.starts.iter().zip(&ch.intervals).enumerate() {
        let date = start.with_timezone(&tz).date_naive();
        if days.last().is_none_or(|(d, _)| *d != date) {
            days.push((date, DayFigures::default()));
        }
        if let Some((_, f)) = days.last_mut() {
            f.add(t, r, hours, share);
        }
        period.add(t, r, hours, share);
    }
    (days, period)
}

impl DayFigures {
    /// Adds interval `t`; its service figures are what staffing the requirement delivers.
    fn add(
        &mut self,
        t: usize,
        r: &crate::requirements::IntervalRequirement,
        hours: f64,
        share: f64,
    ) {
        self.workload_h += r.traffic_erlangs * hours;
        self.peak_scheduled = self.peak_scheduled.max(r.scheduled);
        self.scheduled_h += r.scheduled as f64 * hours;
        self.productive_h += r.productive as f64 * hours;
        self.max_backlog = self.max_backlog.max(r.backlog_items.unwrap_or(0.0));
        let staffed = IntervalFigures {
            open: r.open,
            required: r.on_shift as f64,
            scheduled: r.on_shift as f64,
            productive: r.on_shift as f64 * share,
            volume: r.volume,
            kpis: r.staffed,
        };
        self.service.add(t, &staffed, hours);
    }
}

fn day_label(day: NaiveDate) -> String {
    format!("{} {:02}.{:02}.", day.weekday(), day.day(), day.month())
}

fn day_line(day: &str, channel: &str, f: &DayFigures, immediate: bool) -> String {
    let percent = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.1} %", 100.0 * v));
    let (sl, abandon, backlog) = if immediate {
        (
            percent(f.service.service_level()),
            percent(f.service.p_abandon()),
            "-".to_string(),
        )
    } else {
        (
            "-".to_string(),
            "-".to_string(),
            format!("{:.0}", f.max_backlog),
        )
    };
    format!(
        "{:<11} {:<9} {:>9.0} {:>9.1} {:>6} {:>9.1} {:>9.1} {:>8} {:>8} {:>9}",
        day,
        channel,
        f.service.volume,
        f.workload_h,
        f.peak_scheduled,
        f.scheduled_h,
        f.productive_h,
        sl,
        abandon,
        backlog
    )
}

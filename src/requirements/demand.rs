//! What the scheduler must cover: agents needed on shift and not on a scheduled break, per channel and
//! interval, from the requirements stage or from a requirements CSV written by any tool.

use crate::csv_input::{
    period_window, shown, window_dates, Columns, CsvFile, Fields, Problems, Row, MAX_PERIOD_DAYS,
};
use crate::error::Diagnostics;
use crate::forecast::{describe_run, local_iso, runs};
use crate::grid::TimeGrid;
use crate::model::Model;
use crate::requirements::{productive_share, Requirements};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use std::collections::HashMap;
use std::path::Path;

/// Demand of every channel over the planning grid.
#[derive(Debug, Clone)]
pub struct Demand {
    pub grid: TimeGrid,
    /// Indexed like `Model::channels`.
    pub channels: Vec<ChannelDemand>,
}

/// One channel's demand.
#[derive(Debug, Clone)]
pub struct ChannelDemand {
    /// Agents needed on shift and off break (whole numbers).
    pub required: Vec<f64>,
    pub open: Vec<bool>,
    /// Contacts and handle time per interval, when known (for KPI predictions and service-level goals of
    /// immediate channels, and contact counts of all).
    pub load: Vec<Option<Load>>,
    /// Productive agents per agent on shift and off break: `1 − shrinkage other than breaks`.
    pub productive_share: f64,
    /// Agents an interval keeps first when agents are scarce: for an immediate channel with a
    /// service-level or abandonment target, enough for `min_interval_service_level` and `min_agents`
    /// (the floor a daily/weekly goal never goes below); elsewhere the requirement.
    pub floor: Vec<f64>,
}

impl ChannelDemand {
    /// Fills [`ChannelDemand::floor`] for `channel`.
    fn with_floor(mut self, model: &Model, channel: &crate::model::Channel) -> ChannelDemand {
        self.floor = (0..self.required.len())
            .map(|t| {
                let load = self.load[t].filter(|_| self.open[t]);
                load.and_then(|l| interval_floor(model, channel, l, self.productive_share))
                    .unwrap_or(self.required[t])
            })
            .collect();
        self
    }
}

/// The floor of an open interval of an immediate channel with a service-level or abandonment target:
/// the fewest agents on shift (at least one) whose productive share meets `min_interval_service_level`
/// and the channel's `min_agents`.
pub fn interval_floor(
    model: &Model,
    channel: &crate::model::Channel,
    load: Load,
    share: f64,
) -> Option<f64> {
    let (queue, targets) = super::queue_of(channel, load, model.interval_s())?;
    if targets.service_level.is_none() && targets.max_abandon.is_none() {
        return None;
    }
    let min_sl = model.schedule.min_interval_service_level;
    let floor_targets = crate::queueing::Targets {
        service_level: Some(min_sl.clamp(1e-9, 0.999_999)),
        max_asa_s: None,
        max_abandon: None,
        max_occupancy: None,
        ..targets
    };
    let productive = (min_sl > 0.0)
        .then(|| crate::queueing::required_agents(&queue, &floor_targets).ok())
        .flatten()
        .map_or(1, |s| s.productive_agents)
        .max(u64::from(channel.min_agents));
    // Never below the point where the service level turns concave in agents (see `concave_from`).
    let productive =
        crate::queueing::concave_from(&queue, targets.threshold_s, targets.convention, productive);
    Some((productive as f64 / share - 1e-9).ceil().max(1.0))
}

/// Contacts offered in an interval and their handle time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    pub volume: f64,
    pub handle_s: f64,
}

impl Demand {
    /// From the requirements stage: coverage requirement and the forecast's load per interval.
    pub fn from_requirements(model: &Model, req: &Requirements) -> Demand {
        let channels = model
            .channels
            .iter()
            .zip(&req.channels)
            .map(|(channel, ch)| {
                ChannelDemand {
                    required: ch.intervals.iter().map(|r| r.on_shift as f64).collect(),
                    open: ch.intervals.iter().map(|r| r.open).collect(),
                    load: ch
                        .intervals
                        .iter()
                        .map(|r| {
                            (r.volume > 0.0).then_some(Load {
                                volume: r.volume,
                                handle_s: r.handle_s,
                            })
                        })
                        .collect(),
                    productive_share: productive_share(channel),
                    floor: Vec::new(),
                }
                .with_floor(model, channel)
            })
            .collect();
        let mut demand = Demand {
            grid: TimeGrid::new(req.starts.clone(), req.interval_minutes, model.time_zone),
            channels,
        };
        demand.pool_rows(req);
        demand
    }

    /// A pool's requirement goes on its live channel's row (the shift templates and agents that cover it
    /// are those holding the live channel); its deferred channels' rows need nobody of their own.
    fn pool_rows(&mut self, req: &Requirements) {
        for p in &req.pools {
            let live = &mut self.channels[p.pool.live];
            for (t, row) in p.intervals.iter().enumerate() {
                live.required[t] = row.on_shift as f64;
                live.floor[t] = live.floor[t].min(live.required[t]);
            }
            for &c in &p.pool.deferred {
                let ch = &mut self.channels[c];
                ch.required.iter_mut().for_each(|x| *x = 0.0);
                ch.floor.iter_mut().for_each(|x| *x = 0.0);
            }
        }
    }

    /// From a requirements CSV with at least `channel, start, required` (any other columns are ignored, so
    /// the output of `vuoro requirements` reads back as is). `volume` and `aht_s`, when present, enable KPI
    /// predictions; times are read like forecast starts. The rows span at most [`MAX_PERIOD_DAYS`] days
    /// and, from the first row to the last, every open interval of every channel needs a row (`0` when
    /// nobody is needed): a missing row, a missing channel or rows at a coarser step than the model's
    /// interval are errors, never zeros.
    pub fn from_csv(path: &Path, text: &str, model: &Model) -> Result<Demand, Diagnostics> {
        let columns = Columns::new(&CSV_COLUMNS, &CSV_COLUMNS[..3])
            .others_ignored()
            .missing_together(
                "expected the columns channel, start and required (volume and aht_s optional)",
            )
            .fields(Fields::AsHeader);
        let mut file = CsvFile::open(path, text, &columns)?;
        let entries = read_entries(&mut file, model);
        if entries.is_empty() && file.problems.is_empty() {
            file.problems
                .at(1, None, "expected at least one row, found none");
        }
        check_period(&mut file, model, &entries);
        if !file.problems.is_empty() {
            return Err(file.problems.into_diagnostics());
        }
        let starts = grid(model, &entries);
        let placed = place(&mut file.problems, model, &starts, entries);
        report_missing(&mut file.problems, model, &starts, &placed.listed);
        file.problems
            .finish(build_demand(model, starts, placed.required, placed.load))
    }
}

/// Largest `required` accepted: agents needed in one interval of one channel.
pub const MAX_REQUIRED: f64 = 100_000.0;

/// Largest `volume` accepted per interval, as in forecasts.
const MAX_VOLUME: f64 = 1e7;

/// Largest `aht_s` accepted: a day, as in forecasts.
const MAX_HANDLE_S: f64 = 86_400.0;

/// The columns of a requirements CSV that are read: the first three are required.
const CSV_COLUMNS: [&str; 5] = ["channel", "start", "required", "volume", "aht_s"];

/// A row of a requirements CSV whose channel, start and requirement could be read.
struct Entry {
    line: u64,
    channel: usize,
    start: DateTime<Utc>,
    required: f64,
    load: Option<Load>,
}

/// Reads every record of a requirements CSV, so that all problems of the file are reported at once.
fn read_entries(file: &mut CsvFile, model: &Model) -> Vec<Entry> {
    let mut seen: HashMap<(usize, DateTime<Utc>), u64> = HashMap::new();
    let mut seen_local = HashMap::new();
    file.read_rows(|problems, row| {
        let entry = read_entry(problems, row, model, &mut seen_local)?;
        if let Some(first) = seen.insert((entry.channel, entry.start), row.line) {
            problems.at(
                row.line,
                row.cell("start").map(|(i, _)| i),
                format!("start: listed twice for this channel (first on line {first})"),
            );
            return None;
        }
        Some(entry)
    })
}

/// One record with every wrong cell reported; `None` unless its channel, start and requirement are
/// right (a wrong `volume` or `aht_s` only loses the KPI predictions, and is reported).
fn read_entry(
    problems: &mut Problems,
    row: &Row,
    model: &Model,
    seen_local: &mut HashMap<(usize, NaiveDateTime), u32>,
) -> Option<Entry> {
    let tz = model.time_zone;
    let channel = problems.cell(row, "channel", |name| {
        model.channel_index(name).ok_or_else(|| {
            format!(
                "channel: expected one of the model's channels, found '{}'",
                shown(name)
            )
        })
    });
    let start = problems.cell(row, "start", |v| {
        match channel {
            Some(c) => crate::forecast::parse_instant_in_order(v, tz, c, seen_local),
            None => crate::forecast::parse_instant(v, tz),
        }
        .and_then(|t| {
            let minute = i64::from(chrono::Timelike::minute(&t.with_timezone(&tz)));
            if minute % i64::from(model.interval_minutes) == 0 {
                Ok(t)
            } else {
                Err(format!(
                    "expected an interval start on the {}-minute grid",
                    model.interval_minutes
                ))
            }
        })
        .map_err(|e| format!("start: {e}, found '{v}'"))
    });
    let required = problems.cell(row, "required", parse_required);
    let mut number = |name: &str, max: f64| -> Option<f64> {
        if row.text(name).is_empty() {
            return None;
        }
        problems.cell(row, name, |text| parse_number(text, name, max))
    };
    let load = match (number("volume", MAX_VOLUME), number("aht_s", MAX_HANDLE_S)) {
        (Some(volume), Some(handle_s)) if volume > 0.0 && handle_s > 0.0 => {
            Some(Load { volume, handle_s })
        }
        _ => None,
    };
    Some(Entry {
        line: row.line,
        channel: channel?,
        start: start?,
        required: required?,
        load,
    })
}

/// A `required` cell: agents from 0 to [`MAX_REQUIRED`], rounded up.
fn parse_required(v: &str) -> Result<f64, String> {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=MAX_REQUIRED).contains(&x) => Ok(x.ceil()),
        Ok(x) if x > MAX_REQUIRED => Err(format!(
            "required: expected at most {MAX_REQUIRED} agents, found '{v}'"
        )),
        _ => Err(format!(
            "required: expected a number of agents, 0 or more, found '{v}'"
        )),
    }
}

/// An optional `volume` or `aht_s` cell: a number from 0 to `max`.
fn parse_number(text: &str, name: &str, max: f64) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=max).contains(&x) => Ok(x),
        _ => Err(format!(
            "{name}: expected a number from 0 to {max}, found '{text}'"
        )),
    }
}

/// The interval starts from the first row's to the last's: intervals without a row need nobody.
fn grid(model: &Model, entries: &[Entry]) -> Vec<DateTime<Utc>> {
    let step = Duration::minutes(i64::from(model.interval_minutes));
    let first = entries.iter().map(|e| e.start).min().unwrap_or_default();
    let last = entries.iter().map(|e| e.start).max().unwrap_or_default();
    let mut starts = Vec::new();
    let mut t = first;
    while t <= last {
        starts.push(t);
        t += step;
    }
    starts
}

/// Rows that reach further than [`MAX_PERIOD_DAYS`] from the others, each reported: they would turn
/// the planning period into years of intervals.
fn check_period(file: &mut CsvFile, model: &Model, entries: &[Entry]) {
    let starts: Vec<DateTime<Utc>> = entries.iter().map(|e| e.start).collect();
    let Some(window) = period_window(&starts) else {
        return;
    };
    let dates = window_dates(model.time_zone, window);
    let column = file.header.index("start");
    for e in entries
        .iter()
        .filter(|e| e.start < window.0 || e.start >= window.1)
    {
        file.problems.at(
            e.line,
            column,
            format!(
                "start: expected a time within {MAX_PERIOD_DAYS} days of the other rows ({dates}), found {}",
                local_iso(model, e.start)
            ),
        );
    }
}

/// Requirement, load and whether a row was given, per channel and interval.
struct Placed {
    required: Vec<Vec<f64>>,
    load: Vec<Vec<Option<Load>>>,
    listed: Vec<Vec<bool>>,
}

/// Puts the rows on the grid; a start off the grid of the other rows (an odd offset) is reported.
fn place(
    problems: &mut Problems,
    model: &Model,
    starts: &[DateTime<Utc>],
    entries: Vec<Entry>,
) -> Placed {
    let index: HashMap<DateTime<Utc>, usize> =
        starts.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let channels = model.channels.len();
    let mut placed = Placed {
        required: vec![vec![0.0; starts.len()]; channels],
        load: vec![vec![None; starts.len()]; channels],
        listed: vec![vec![false; starts.len()]; channels],
    };
    for entry in entries {
        let Some(&i) = index.get(&entry.start) else {
            problems.in_file(format!(
                "start {} is not on the {}-minute grid of the other rows",
                local_iso(model, entry.start),
                model.interval_minutes
            ));
            continue;
        };
        placed.required[entry.channel][i] = entry.required;
        placed.load[entry.channel][i] = entry.load;
        placed.listed[entry.channel][i] = true;
    }
    placed
}

/// Reports open intervals without a row, as forecasts do: a channel without any row once, a channel
/// whose rows skip every other interval (a coarser step than the model's) once, other gaps as runs.
fn report_missing(
    problems: &mut Problems,
    model: &Model,
    starts: &[DateTime<Utc>],
    listed: &[Vec<bool>],
) {
    let tz = model.time_zone;
    for (channel, listed) in model.channels.iter().zip(listed) {
        let missing: Vec<bool> = starts
            .iter()
            .zip(listed)
            .map(|(t, l)| !l && channel.hours.is_open(t.with_timezone(&tz).naive_local()))
            .collect();
        let gaps = runs(&missing);
        let (Some(first), Some(last)) = (gaps.first(), gaps.last()) else {
            continue;
        };
        let name = &channel.name;
        let step = row_step(listed);
        if !listed.contains(&true) {
            let open = missing.iter().filter(|m| **m).count();
            let (from, to) = (
                local_iso(model, starts[first.0]),
                local_iso(model, starts[last.1]),
            );
            problems.in_file(format!("channel '{name}' is open in {open} intervals {from} … {to} but the requirements have no row for it; give 0 for intervals that need nobody"));
        } else if step > 1 {
            let minutes = step as u32 * model.interval_minutes;
            problems.in_file(format!("channel '{name}': expected a row every {} minutes (the model's interval), found rows every {minutes} minutes", model.interval_minutes));
        } else {
            for run in gaps {
                let what = describe_run(model, starts, run);
                problems.in_file(format!("channel '{name}' is open but the requirements have no row for {what}; give 0 for intervals that need nobody"));
            }
        }
    }
}

/// The step, in intervals, between a channel's rows: the greatest common divisor of their distances
/// from the first (0 for fewer than two rows).
fn row_step(listed: &[bool]) -> usize {
    let mut given = listed
        .iter()
        .enumerate()
        .filter(|(_, l)| **l)
        .map(|(i, _)| i);
    let Some(first) = given.next() else {
        return 0;
    };
    given.fold(0, |g, i| gcd(g, i - first))
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The one place that makes a [`Demand`] from a requirements CSV, so that a change to its fields touches
/// only this function.
fn build_demand(
    model: &Model,
    starts: Vec<DateTime<Utc>>,
    required: Vec<Vec<f64>>,
    load: Vec<Vec<Option<Load>>>,
) -> Demand {
    let tz = model.time_zone;
    let channels = model
        .channels
        .iter()
        .zip(required.into_iter().zip(load))
        .map(|(channel, (required, load))| {
            ChannelDemand {
                required,
                open: starts
                    .iter()
                    .map(|t| channel.hours.is_open(t.with_timezone(&tz).naive_local()))
                    .collect(),
                load,
                productive_share: productive_share(channel),
                floor: Vec::new(),
            }
            .with_floor(model, channel)
        })
        .collect();
    Demand {
        grid: TimeGrid::new(starts, model.interval_minutes, model.time_zone),
        channels,
    }
}

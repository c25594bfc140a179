//! What the scheduler must cover: agents needed on shift and not on a scheduled break, per channel and
//! interval, from the requirements stage or from a requirements CSV written by any tool.

use crate::csv_input::{Columns, CsvFile, Fields, Problems, Row};
use crate::error::Diagnostics;
use crate::forecast::local_iso;
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
        Demand {
            grid: TimeGrid::new(req.starts.clone(), req.interval_minutes, model.time_zone),
            channels,
        }
    }

    /// From a requirements CSV with at least `channel, start, required` (any other columns are ignored, so
    /// the output of `vuoro requirements` reads back as is). `volume` and `aht_s`, when present, enable KPI
    /// predictions. Missing intervals need nobody; times are read like forecast starts.
    pub fn from_csv(path: &Path, text: &str, model: &Model) -> Result<Demand, Diagnostics> {
        let columns = Columns::new(&CSV_COLUMNS, &CSV_COLUMNS[..3])
            .others_ignored()
            .missing_together(
                "expected the columns channel, start and required (volume and aht_s optional)",
            )
            .fields(Fields::Strict);
        let mut file = CsvFile::open(path, text, &columns)?;
        let entries = read_entries(&mut file, model);
        if entries.is_empty() && file.problems.is_empty() {
            file.problems
                .at(1, None, "expected at least one row, found none");
        }
        if !file.problems.is_empty() {
            return Err(file.problems.into_diagnostics());
        }
        let starts = grid(model, &entries);
        let (required, load) = place(&mut file.problems, model, &starts, entries);
        file.problems
            .finish(build_demand(model, starts, required, load))
    }
}

/// The columns of a requirements CSV that are read: the first three are required.
const CSV_COLUMNS: [&str; 5] = ["channel", "start", "required", "volume", "aht_s"];

/// A row of a requirements CSV whose channel, start and requirement could be read.
struct Entry {
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
        model
            .channel_index(name)
            .ok_or_else(|| format!("channel: expected one of the model's channels, found '{name}'"))
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
    let required = problems.cell(row, "required", |v| match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(x.ceil()),
        _ => Err(format!(
            "required: expected a number of agents, 0 or more, found '{v}'"
        )),
    });
    let mut number = |name: &str| -> Option<f64> {
        if row.text(name).is_empty() {
            return None;
        }
        problems.cell(row, name, |text| match text.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.0..=1e7).contains(&x) => Ok(x),
            _ => Err(format!(
                "{name}: expected a number, 0 or more, found '{text}'"
            )),
        })
    };
    let load = match (number("volume"), number("aht_s")) {
        (Some(volume), Some(handle_s)) if volume > 0.0 && handle_s > 0.0 => {
            Some(Load { volume, handle_s })
        }
        _ => None,
    };
    Some(Entry {
        channel: channel?,
        start: start?,
        required: required?,
        load,
    })
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

/// Puts the rows on the grid: requirement and load per channel and interval; a start off the grid of
/// the other rows (an odd offset) is reported.
fn place(
    problems: &mut Problems,
    model: &Model,
    starts: &[DateTime<Utc>],
    entries: Vec<Entry>,
) -> (Vec<Vec<f64>>, Vec<Vec<Option<Load>>>) {
    let index: HashMap<DateTime<Utc>, usize> =
        starts.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let mut required = vec![vec![0.0; starts.len()]; model.channels.len()];
    let mut load = vec![vec![None; starts.len()]; model.channels.len()];
    for entry in entries {
        let Some(&i) = index.get(&entry.start) else {
            problems.in_file(format!(
                "start {} is not on the {}-minute grid of the other rows",
                local_iso(model, entry.start),
                model.interval_minutes
            ));
            continue;
        };
        required[entry.channel][i] = entry.required;
        load[entry.channel][i] = entry.load;
    }
    (required, load)
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

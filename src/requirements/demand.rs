//! What the scheduler must cover: agents needed on shift and not on a scheduled break, per channel and
//! interval, from the requirements stage or from a requirements CSV written by any tool.

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::forecast::local_iso;
use crate::grid::TimeGrid;
use crate::model::Model;
use crate::requirements::{productive_share, Requirements};
use chrono::{DateTime, Duration, Utc};
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
            .map(|(channel, ch)| ChannelDemand {
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
        let mut errors = Vec::new();
        let at = |line: u64, column: Option<usize>, message: String| Diagnostic {
            location: Location {
                path: path.to_path_buf(),
                line,
                column: column.map(|c| c as u64 + 1),
            },
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(Diagnostics(vec![at(
                    1,
                    None,
                    format!("not valid CSV: {e}"),
                )]))
            }
        };
        let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
        let (Some(c_channel), Some(c_start), Some(c_required)) =
            (col("channel"), col("start"), col("required"))
        else {
            return Err(Diagnostics(vec![at(
                1,
                None,
                "expected the columns channel, start and required (volume and aht_s optional)"
                    .to_string(),
            )]));
        };
        let (c_volume, c_aht) = (col("volume"), col("aht_s"));
        let tz = model.time_zone;
        let mut rows: Vec<(usize, DateTime<Utc>, f64, Option<Load>)> = Vec::new();
        let mut seen: HashMap<(usize, DateTime<Utc>), u64> = HashMap::new();
        let mut seen_local = HashMap::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    errors.push(at(line, None, format!("not valid CSV: {e}")));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let get = |i: usize| record.get(i).unwrap_or_default();
            let channel = match model.channel_index(get(c_channel)) {
                Some(c) => Some(c),
                None => {
                    errors.push(at(
                        line,
                        Some(c_channel),
                        format!(
                            "channel: expected one of the model's channels, found '{}'",
                            get(c_channel)
                        ),
                    ));
                    None
                }
            };
            let start = match channel {
                Some(c) => {
                    crate::forecast::parse_instant_in_order(get(c_start), tz, c, &mut seen_local)
                }
                None => crate::forecast::parse_instant(get(c_start), tz),
            };
            let start = start.and_then(|t| {
                let minute = i64::from(chrono::Timelike::minute(&t.with_timezone(&tz)));
                if minute % i64::from(model.interval_minutes) == 0 {
                    Ok(t)
                } else {
                    Err(format!(
                        "expected an interval start on the {}-minute grid",
                        model.interval_minutes
                    ))
                }
            });
            if let Err(e) = &start {
                errors.push(at(
                    line,
                    Some(c_start),
                    format!("start: {e}, found '{}'", get(c_start)),
                ));
            }
            let required = match get(c_required).parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x.ceil()),
                _ => {
                    errors.push(at(
                        line,
                        Some(c_required),
                        format!(
                            "required: expected a number of agents, 0 or more, found '{}'",
                            get(c_required)
                        ),
                    ));
                    None
                }
            };
            let mut number = |i: Option<usize>, name: &str| -> Option<f64> {
                let i = i?;
                let text = get(i);
                if text.is_empty() {
                    return None;
                }
                match text.parse::<f64>() {
                    Ok(x) if x.is_finite() && (0.0..=1e7).contains(&x) => Some(x),
                    _ => {
                        errors.push(at(
                            line,
                            Some(i),
                            format!("{name}: expected a number, 0 or more, found '{text}'"),
                        ));
                        None
                    }
                }
            };
            let load = match (number(c_volume, "volume"), number(c_aht, "aht_s")) {
                (Some(volume), Some(handle_s)) if volume > 0.0 && handle_s > 0.0 => {
                    Some(Load { volume, handle_s })
                }
                _ => None,
            };
            if let (Some(c), Ok(t), Some(r)) = (channel, start, required) {
                if let Some(first) = seen.insert((c, t), line) {
                    errors.push(at(
                        line,
                        Some(c_start),
                        format!("start: listed twice for this channel (first on line {first})"),
                    ));
                    continue;
                }
                rows.push((c, t, r, load));
            }
        }
        if rows.is_empty() && errors.is_empty() {
            errors.push(at(
                1,
                None,
                "expected at least one row, found none".to_string(),
            ));
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        let step = Duration::minutes(i64::from(model.interval_minutes));
        let first = rows.iter().map(|r| r.1).min().unwrap_or_default();
        let last = rows.iter().map(|r| r.1).max().unwrap_or_default();
        let mut starts = Vec::new();
        let mut t = first;
        while t <= last {
            starts.push(t);
            t += step;
        }
        let index: HashMap<DateTime<Utc>, usize> =
            starts.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let mut channels: Vec<ChannelDemand> = model
            .channels
            .iter()
            .map(|channel| ChannelDemand {
                required: vec![0.0; starts.len()],
                open: starts
                    .iter()
                    .map(|t| channel.hours.is_open(t.with_timezone(&tz).naive_local()))
                    .collect(),
                load: vec![None; starts.len()],
                productive_share: productive_share(channel),
            })
            .collect();
        for (c, t, r, load) in rows {
            let Some(&i) = index.get(&t) else {
                errors.push(Diagnostic {
                    location: Location::file(path),
                    message: format!(
                        "start {} is not on the {}-minute grid of the other rows",
                        local_iso(model, t),
                        model.interval_minutes
                    ),
                });
                continue;
            };
            channels[c].required[i] = r;
            channels[c].load[i] = load;
        }
        if !errors.is_empty() {
            return Err(Diagnostics(errors));
        }
        Ok(Demand {
            grid: TimeGrid::new(starts, model.interval_minutes, model.time_zone),
            channels,
        })
    }
}

//! Simulated service levels of a staffing, per channel and interval and per local day: from a
//! [`Simulation`] in memory, or read back from the `simulation.csv` and `simulation_days.csv` that
//! `vuoro simulate` writes.

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::evaluate::Evaluation;
use crate::forecast::local_iso;
use crate::grid::IsoWeek;
use crate::model::Model;
use crate::simulate::{SimPeriod, Simulation};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::path::Path;

/// Mean simulated service levels, indexed like the evaluation's channels and intervals.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Simulated {
    /// What was simulated, in words (replications, seed, or the file read).
    pub description: String,
    /// `intervals[c][t]`; an empty vector for a channel without figures.
    intervals: Vec<Vec<Option<f64>>>,
    days: Vec<Vec<(NaiveDate, f64)>>,
    /// Per channel: each ISO week's, then the whole period's.
    weeks: Vec<Vec<(IsoWeek, f64)>>,
    period: Vec<Option<f64>>,
}

impl Simulated {
    /// From a simulation of the same grid.
    pub fn from_simulation(sim: &Simulation) -> Simulated {
        Simulated {
            description: format!("{} replications, seed {}", sim.replications, sim.seed),
            intervals: sim
                .channels
                .iter()
                .map(|ch| {
                    ch.intervals
                        .iter()
                        .map(|f| f.service_level.map(|e| e.mean))
                        .collect()
                })
                .collect(),
            days: sim
                .channels
                .iter()
                .map(|ch| {
                    ch.periods
                        .iter()
                        .filter_map(|(p, f)| match p {
                            SimPeriod::Day(d) => Some((*d, f.service_level?.mean)),
                            _ => None,
                        })
                        .collect()
                })
                .collect(),
            weeks: sim
                .channels
                .iter()
                .map(|ch| {
                    ch.periods
                        .iter()
                        .filter_map(|(p, f)| match p {
                            SimPeriod::Week(w) => Some((*w, f.service_level?.mean)),
                            _ => None,
                        })
                        .collect()
                })
                .collect(),
            period: sim
                .channels
                .iter()
                .map(|ch| {
                    ch.periods
                        .iter()
                        .find(|(p, _)| matches!(p, SimPeriod::All))
                        .and_then(|(_, f)| f.service_level.map(|e| e.mean))
                })
                .collect(),
        }
    }

    /// Mean simulated service level of channel `c` over an ISO week (a single week's period figure
    /// when the simulation covered one week).
    pub fn week(&self, c: usize, week: IsoWeek) -> Option<f64> {
        let listed = self.weeks.get(c)?.iter().find(|(w, _)| *w == week);
        match listed {
            Some((_, v)) => Some(*v),
            None if self.weeks.get(c)?.is_empty() => self.whole(c),
            None => None,
        }
    }

    /// Mean simulated service level of channel `c` over the whole simulated period.
    pub fn whole(&self, c: usize) -> Option<f64> {
        *self.period.get(c)?
    }

    /// Whether channel `c` has simulated figures.
    pub fn has_channel(&self, c: usize) -> bool {
        self.intervals
            .get(c)
            .is_some_and(|v| v.iter().any(Option::is_some))
    }

    /// Mean simulated service level of channel `c` in interval `t`.
    pub fn interval(&self, c: usize, t: usize) -> Option<f64> {
        *self.intervals.get(c)?.get(t)?
    }

    /// Mean simulated service level of channel `c` over a local day.
    pub fn day(&self, c: usize, date: NaiveDate) -> Option<f64> {
        self.days
            .get(c)?
            .iter()
            .find(|(d, _)| *d == date)
            .map(|(_, v)| *v)
    }

    /// Reads `simulation.csv` (per channel and interval) and `simulation_days.csv` (per channel and
    /// period; may be absent) onto `evaluation`'s grid. Rows of intervals outside the grid are skipped:
    /// a simulation of more days than the report shows is still the same staffing.
    pub fn read(
        model: &Model,
        evaluation: &Evaluation,
        intervals: (&Path, &str),
        days: Option<(&Path, &str)>,
    ) -> Result<Simulated, Diagnostics> {
        let slot: HashMap<String, usize> = evaluation
            .grid
            .starts()
            .iter()
            .enumerate()
            .map(|(t, s)| (local_iso(model, *s), t))
            .collect();
        let n = evaluation.grid.len();
        let mut out = Simulated {
            description: format!("read from {}", intervals.0.display()),
            intervals: vec![vec![None; n]; model.channels.len()],
            days: vec![Vec::new(); model.channels.len()],
            weeks: vec![Vec::new(); model.channels.len()],
            period: vec![None; model.channels.len()],
        };
        for (line, row) in rows(
            intervals.0,
            intervals.1,
            &["channel", "start", "service_level"],
        )? {
            let c = channel(model, intervals.0, line, &row[0])?;
            if let (Some(&t), Some(sl)) = (slot.get(&row[1]), number(intervals.0, line, &row[2])?) {
                out.intervals[c][t] = Some(sl);
            }
        }
        if let Some((path, text)) = days {
            for (line, row) in rows(path, text, &["channel", "period", "service_level"])? {
                let c = channel(model, path, line, &row[0])?;
                let Some(sl) = number(path, line, &row[2])? else {
                    continue;
                };
                if let Ok(date) = NaiveDate::parse_from_str(&row[1], "%Y-%m-%d") {
                    out.days[c].push((date, sl));
                } else if let Some(week) = iso_week_label(&row[1]) {
                    out.weeks[c].push((week, sl));
                } else if row[1] == "week" {
                    out.period[c] = Some(sl);
                }
            }
        }
        Ok(out)
    }
}

/// `2026-W48` as an ISO week.
fn iso_week_label(text: &str) -> Option<IsoWeek> {
    let (year, week) = text.split_once("-W")?;
    Some((year.parse().ok()?, week.parse().ok()?))
}

fn problem(path: &Path, line: u64, field: &str, message: String) -> Diagnostics {
    Diagnostics(vec![Diagnostic {
        location: Location {
            line,
            ..Location::file(path)
        },
        message: format!("{field}: {message}"),
    }])
}

/// The named columns of every row, with the row's line number.
fn rows(path: &Path, text: &str, columns: &[&str]) -> Result<Vec<(u64, Vec<String>)>, Diagnostics> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| {
            problem(
                path,
                1,
                "header",
                format!("expected a CSV header, found {e}"),
            )
        })?
        .clone();
    let mut index = Vec::new();
    for col in columns {
        let i = header.iter().position(|h| h == *col).ok_or_else(|| {
            problem(
                path,
                1,
                col,
                format!("expected a column '{col}' (a file written by vuoro simulate), found none"),
            )
        })?;
        index.push(i);
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            problem(path, line, "row", format!("expected a CSV row, found {e}"))
        })?;
        let line = record.position().map_or(0, |p| p.line());
        out.push((
            line,
            index
                .iter()
                .map(|&i| record.get(i).unwrap_or("").to_string())
                .collect(),
        ));
    }
    Ok(out)
}

fn channel(model: &Model, path: &Path, line: u64, name: &str) -> Result<usize, Diagnostics> {
    model
        .channels
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| {
            problem(
                path,
                line,
                "channel",
                format!("expected a channel of the model, found '{name}'"),
            )
        })
}

/// An empty cell is no figure; anything else must be a share from 0 to 1.
fn number(path: &Path, line: u64, cell: &str) -> Result<Option<f64>, Diagnostics> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(Some(v)),
        _ => Err(problem(
            path,
            line,
            "service_level",
            format!("expected a share from 0 to 1, found '{cell}'"),
        )),
    }
}

//! The contact-center model: planning grid, time zone and channels (TOML).
//!
//! Raw serde structs (`raw.rs`) mirror the file; [`Model::from_toml`] validates them into types that cannot
//! hold an invalid value, and reports every problem at once with its line and column. The keys are
//! documented in `models/README.md`.

pub mod contract;
pub mod hours;
pub mod pool;
pub mod rules;
pub mod shifts;

mod channel;
mod checker;
mod raw;
mod shift_check;
mod toml_error;

pub use rules::ROSTER_COLUMNS;

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::queueing::{Shrinkage, Targets};
use checker::{line_column, Checker};
use chrono_tz::Tz;
use hours::OpeningHours;
use pool::Pool;
use raw::{RawModel, Value};
use shifts::{ScheduleRules, ShiftTemplate};
use std::path::Path;

/// A validated model.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub time_zone: Tz,
    /// Planning interval in minutes: 15, 30 or 60.
    pub interval_minutes: u32,
    pub channels: Vec<Channel>,
    /// Shift templates for the scheduler (may be empty when only requirements are computed).
    pub shifts: Vec<ShiftTemplate>,
    pub schedule: ScheduleRules,
    pub rules: rules::LabourRules,
    pub export_csv: rules::CsvLayout,
    /// Contract types agents may name (`[[contract]]`).
    pub contracts: Vec<contract::Contract>,
    /// Blended pools (`[[pool]]`); empty when every channel is staffed on its own.
    pub pools: Vec<Pool>,
}

impl Model {
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    /// The contract type of this name.
    pub fn contract(&self, name: &str) -> Option<&contract::Contract> {
        self.contracts.iter().find(|c| c.name == name)
    }

    pub fn interval_s(&self) -> f64 {
        f64::from(self.interval_minutes) * 60.0
    }

    /// The same model with every channel staffed on its own (the pools dropped): today's separate
    /// staffing, for comparison.
    pub fn separate(&self) -> Model {
        Model {
            pools: Vec::new(),
            ..self.clone()
        }
    }

    /// The pool channel `c` belongs to, if any.
    pub fn pool_of(&self, c: usize) -> Option<&Pool> {
        self.pools.iter().find(|p| p.channels().any(|x| x == c))
    }
}

/// One channel (queue) of the contact center.
#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// Default talk/handle time per contact, seconds (the forecast may override per interval).
    pub aht_s: f64,
    /// Default after-contact work per contact, seconds; handle time = aht + acw.
    pub acw_s: f64,
    /// Shrinkage by category (name, share of paid time), in file order; the total is their sum.
    pub shrinkage: Vec<(String, f64)>,
    /// Productive agents an open interval needs even with no contacts.
    pub min_agents: u32,
    pub hours: OpeningHours,
}

impl Channel {
    /// Total shrinkage: the categories' shares of paid time, added.
    pub fn total_shrinkage(&self) -> Shrinkage {
        // Validated at load time to stay below 1.
        Shrinkage::new(self.shrinkage.iter().map(|(_, s)| s).sum()).unwrap_or(Shrinkage::NONE)
    }

    pub fn is_deferred(&self) -> bool {
        matches!(self.kind, ChannelKind::Deferred { .. })
    }
}

/// How contacts are answered.
#[derive(Debug, Clone)]
pub enum ChannelKind {
    /// Answered live (voice, chat, social media): queueing model per interval.
    Immediate {
        /// Mean patience, seconds: Erlang A when given, Erlang C otherwise.
        patience_s: Option<f64>,
        targets: Targets,
        /// Chats per agent and the share of a chat's work that cannot overlap; `None` for one at a time.
        concurrency: Option<(u32, f64)>,
    },
    /// Work to finish within a response window (email, web forms, back office).
    Deferred {
        /// Response window in open time of the channel, seconds.
        response_window_s: f64,
        /// Share of each interval's work that must be done within the window.
        within_window: f64,
        /// Productive agents needed per unit of work rate: 1 / max occupancy.
        max_occupancy: f64,
    },
}

impl ChannelKind {
    pub fn name(&self) -> &'static str {
        match self {
            ChannelKind::Immediate { .. } => "immediate",
            ChannelKind::Deferred { .. } => "deferred",
        }
    }
}

impl Model {
    /// Parses and validates a model file; `path` only names the file in diagnostics.
    pub fn from_toml(path: &Path, text: &str) -> Result<Model, Diagnostics> {
        let raw = parse(path, text)?;
        let mut c = Checker::new(path, text);
        let time_zone = time_zone(&mut c, &raw.planning.time_zone);
        let interval_minutes = interval_minutes(&mut c, &raw.planning.interval);
        // With an invalid interval, grid checks use the finest grid so that only real problems are reported.
        let grid = interval_minutes.unwrap_or(15);
        let (channels, names) = channel::validate_channels(&mut c, &raw.channels, grid);
        let shifts = shift_check::validate_shifts(&mut c, &raw.shifts, &names, grid);
        let pools = pool::validate_pools(&mut c, &raw.pools, &channels, &names);
        let schedule = shift_check::validate_schedule(&mut c, raw.schedule.as_ref());
        let rules = rules::validate_rules(&mut c, raw.rules.as_ref());
        let shortest = shifts.iter().map(ShiftTemplate::span_minutes).min();
        rules::check_weekly_rest(&mut c, raw.rules.as_ref(), &rules, shortest);
        let contracts = contract::validate_contracts(&mut c, &raw.contracts, &shifts);
        let export_csv =
            rules::validate_export(&mut c, raw.export.as_ref().and_then(|e| e.csv.as_ref()));
        let names = raw
            .channels
            .iter()
            .map(|ch| ("channel.name", ch.get_ref().name.clone()))
            .chain(
                raw.shifts
                    .iter()
                    .map(|s| ("shift.name", s.get_ref().name.clone())),
            );
        rules::check_names_encodable(&mut c, &export_csv, names);
        // The name heads every summary and calendar: a line, not a file.
        if raw
            .name
            .as_ref()
            .is_some_and(|n| n.chars().count() > 200 || n.contains('\n'))
        {
            c.report(
                0,
                "name: expected a name of at most 200 characters on one line, found a longer one"
                    .to_string(),
            );
        }
        match (time_zone, interval_minutes, c.problems.is_empty()) {
            (Some(time_zone), Some(interval_minutes), true) => Ok(Model {
                name: raw.name.unwrap_or_else(|| {
                    path.file_stem()
                        .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
                }),
                time_zone,
                interval_minutes,
                channels,
                shifts,
                schedule,
                rules,
                export_csv,
                contracts,
                pools,
            }),
            _ => Err(c.into_diagnostics()),
        }
    }
}

/// Reads the file's structure; a TOML syntax error, unknown key, missing key or value of the wrong type
/// stops here, with its position.
fn parse(path: &Path, text: &str) -> Result<RawModel, Diagnostics> {
    toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        let (line, column) = line_column(text, at);
        Diagnostics(vec![Diagnostic {
            location: Location {
                path: path.to_path_buf(),
                line,
                column: Some(column),
            },
            message: match e.message().trim() {
                // The reader leaves some syntax errors (a key with no value at the end) unworded.
                "" => "expected a value after '=' (a number, text in quotes, an array or a table), found the end of the line".to_string(),
                message => toml_error::translate(text, at, message),
            },
        }])
    })
}

/// `planning.time_zone`: an IANA name, so that local opening hours survive daylight-saving changes.
fn time_zone(c: &mut Checker<'_>, value: &Value) -> Option<Tz> {
    const EXPECTED: &str = "an IANA time zone such as \"Europe/Helsinki\"";
    let name = c.text(value, "planning.time_zone", EXPECTED)?;
    match name.parse::<Tz>() {
        Ok(tz) => Some(tz),
        Err(_) => {
            c.invalid(value, "planning.time_zone", EXPECTED);
            None
        }
    }
}

/// `planning.interval`: 15, 30 or 60 whole minutes, the grid every requirement and shift lies on.
fn interval_minutes(c: &mut Checker<'_>, value: &Value) -> Option<u32> {
    let s = c.duration(value, "planning.interval", true)?;
    let minutes = (s / 60.0).round() as u32;
    if [15, 30, 60].contains(&minutes) && (s - f64::from(minutes) * 60.0).abs() < 1e-9 {
        Some(minutes)
    } else {
        c.invalid(value, "planning.interval", "15m, 30m or 60m");
        None
    }
}

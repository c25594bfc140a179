//! The contact-center model: planning grid, time zone and channels (TOML).
//!
//! Raw serde structs mirror the file; [`Model::from_toml`] validates them into types that cannot hold an
//! invalid value, and reports every problem at once with its line and column. The keys are documented in
//! `models/README.md`.

pub mod hours;
pub mod rules;
pub mod shifts;

use crate::error::{Diagnostic, Diagnostics, InvalidValue, Location};
use crate::queueing::{Concurrency, Shrinkage, SlConvention, Targets, SL_CONVENTION_NAMES};
use crate::units::{parse_duration, parse_share};
use chrono::NaiveDate;
use chrono_tz::Tz;
use hours::{parse_day, OpeningHours, Range};
use serde::Deserialize;
use shifts::{BreakRule, ScheduleRules, ShiftTemplate};
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

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
}

impl Model {
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.channels.iter().position(|c| c.name == name)
    }

    pub fn interval_s(&self) -> f64 {
        f64::from(self.interval_minutes) * 60.0
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

// ---- raw file structure -------------------------------------------------------------------------

/// A duration, share or text as written: a string or a bare number.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Text(t) => write!(f, "'{t}'"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
        }
    }
}

type Value = Spanned<Scalar>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    name: Option<String>,
    planning: RawPlanning,
    #[serde(rename = "channel", default)]
    channels: Vec<Spanned<RawChannel>>,
    #[serde(rename = "shift", default)]
    shifts: Vec<Spanned<RawShift>>,
    schedule: Option<RawSchedule>,
    rules: Option<RawRules>,
    export: Option<RawExport>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    min_rest: Option<Value>,
    weekly_rest: Option<Value>,
    max_consecutive_days: Option<Spanned<i64>>,
    start_spread: Option<Value>,
    paired_days_off: Option<bool>,
    late_after: Option<Value>,
    penalties: Option<BTreeMap<String, Spanned<f64>>>,
    soft: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExport {
    csv: Option<RawCsvLayout>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsvLayout {
    columns: Option<Vec<Spanned<String>>>,
    rename: Option<BTreeMap<String, String>>,
    date_format: Option<String>,
    datetime_format: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShift {
    name: Spanned<String>,
    length: Option<Value>,
    lengths: Option<Vec<Value>>,
    start: Value,
    start_step: Option<Value>,
    days: Option<Spanned<toml::Value>>,
    channels: Option<Vec<Spanned<String>>>,
    cost_per_hour: Option<Spanned<f64>>,
    cost_per_shift: Option<Spanned<f64>>,
    min_per_day: Option<Spanned<i64>>,
    max_per_day: Option<Spanned<i64>>,
    #[serde(default)]
    breaks: Vec<Spanned<RawBreak>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    name: Option<String>,
    length: Value,
    paid: Option<bool>,
    window: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    under_penalty: Option<Spanned<f64>>,
    over_penalty: Option<Spanned<f64>>,
    max_agents_per_day: Option<Spanned<i64>>,
    min_interval_service_level: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlanning {
    time_zone: Value,
    interval: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannel {
    name: Spanned<String>,
    kind: Value,
    aht: Value,
    acw: Option<Value>,
    patience: Option<Value>,
    concurrency: Option<Spanned<i64>>,
    non_overlap: Option<Value>,
    min_agents: Option<Spanned<i64>>,
    /// A share, or a table of shares by category (kept raw: spans do not survive untagged enums).
    shrinkage: Option<Spanned<toml::Value>>,
    #[serde(default)]
    target: RawTarget,
    hours: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    closed_dates: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    service_level: Option<Value>,
    threshold: Option<Value>,
    sl_convention: Option<Value>,
    max_asa: Option<Value>,
    max_abandon: Option<Value>,
    max_occupancy: Option<Value>,
    response_window: Option<Value>,
    within_window: Option<Value>,
}

// ---- validation ---------------------------------------------------------------------------------

/// Gathers problems with their positions in the file.
struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    problems: Vec<Diagnostic>,
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

impl Checker<'_> {
    fn report(&mut self, offset: usize, message: String) {
        let (line, column) = line_column(self.text, offset);
        self.problems.push(Diagnostic {
            location: Location {
                path: self.path.to_path_buf(),
                line,
                column: Some(column),
            },
            message,
        });
    }

    fn invalid(&mut self, value: &Value, field: &str, expected: &str) {
        let e = InvalidValue::new(field, expected, value.get_ref());
        self.report(value.span().start, e.to_string());
    }

    fn text<'v>(&mut self, value: &'v Value, field: &str, expected: &str) -> Option<&'v str> {
        match value.get_ref() {
            Scalar::Text(t) => Some(t),
            _ => {
                self.invalid(value, field, expected);
                None
            }
        }
    }

    /// A duration: `"3m"`, `"1h30m"` or a number of seconds.
    fn duration(&mut self, value: &Value, field: &str, positive: bool) -> Option<f64> {
        let parsed = match value.get_ref() {
            Scalar::Text(t) => parse_duration(t).ok(),
            Scalar::Int(i) => Some(*i as f64).filter(|x| *x >= 0.0),
            Scalar::Float(x) => Some(*x).filter(|x| x.is_finite() && *x >= 0.0),
        };
        match parsed {
            Some(x) if !positive || x > 0.0 => Some(x),
            _ => {
                let expected = if positive {
                    "a positive duration such as \"20s\", \"3m\", \"1h30m\" or seconds"
                } else {
                    "a duration such as \"20s\", \"3m\", \"1h30m\" or seconds"
                };
                self.invalid(value, field, expected);
                None
            }
        }
    }

    /// A share: `"80%"` or `0.8`.
    fn share(&mut self, value: &Value, field: &str) -> Option<f64> {
        let parsed = match value.get_ref() {
            Scalar::Text(t) => parse_share(t).ok(),
            Scalar::Int(i) => Some(*i as f64).filter(|x| (0.0..=1.0).contains(x)),
            Scalar::Float(x) => Some(*x).filter(|x| (0.0..=1.0).contains(x)),
        };
        if parsed.is_none() {
            self.invalid(value, field, "a share such as \"80%\" or 0.8");
        }
        parsed
    }

    fn opt<T>(
        &mut self,
        value: &Option<Value>,
        f: impl FnOnce(&mut Self, &Value) -> Option<T>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(v) => f(self, v).map(Some),
        }
    }
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Model {
    /// Parses and validates a model file; `path` only names the file in diagnostics.
    pub fn from_toml(path: &Path, text: &str) -> Result<Model, Diagnostics> {
        let raw: RawModel = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
            Diagnostics(vec![Diagnostic {
                location: Location {
                    path: path.to_path_buf(),
                    line,
                    column: Some(column),
                },
                message: e.message().to_string(),
            }])
        })?;
        let mut c = Checker {
            path,
            text,
            problems: Vec::new(),
        };
        let time_zone = c
            .text(
                &raw.planning.time_zone,
                "planning.time_zone",
                "an IANA time zone such as \"Europe/Helsinki\"",
            )
            .and_then(|t| match t.parse::<Tz>() {
                Ok(tz) => Some(tz),
                Err(_) => {
                    c.invalid(
                        &raw.planning.time_zone,
                        "planning.time_zone",
                        "an IANA time zone such as \"Europe/Helsinki\"",
                    );
                    None
                }
            });
        let interval_minutes = c
            .duration(&raw.planning.interval, "planning.interval", true)
            .and_then(|s| {
                let minutes = (s / 60.0).round() as u32;
                if [15, 30, 60].contains(&minutes) && (s - f64::from(minutes) * 60.0).abs() < 1e-9 {
                    Some(minutes)
                } else {
                    c.invalid(
                        &raw.planning.interval,
                        "planning.interval",
                        "15m, 30m or 60m",
                    );
                    None
                }
            });
        if raw.channels.is_empty() {
            c.report(
                text.len(),
                "expected at least one [[channel]] table, found none".to_string(),
            );
        }
        let mut channels = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for spanned in &raw.channels {
            let raw_channel = spanned.get_ref();
            let name = raw_channel.name.get_ref().trim().to_string();
            if name.is_empty() || name.contains([',', '"', '\n']) {
                c.report(
                    raw_channel.name.span().start,
                    format!(
                        "name: expected a channel name without commas or quotes, found '{name}'"
                    ),
                );
            } else if names.contains(&name) {
                c.report(
                    raw_channel.name.span().start,
                    format!("name: channel '{name}' is defined twice"),
                );
            }
            names.push(name.clone());
            if let Some(channel) = validate_channel(&mut c, raw_channel, &name) {
                channels.push(channel);
            }
        }
        let mut shifts = Vec::new();
        let mut shift_names: Vec<String> = Vec::new();
        for raw_shift in &raw.shifts {
            let name = raw_shift.get_ref().name.get_ref().trim().to_string();
            if shift_names.contains(&name) {
                c.report(
                    raw_shift.get_ref().name.span().start,
                    format!("name: shift '{name}' is defined twice"),
                );
            }
            shift_names.push(name.clone());
            shifts.extend(validate_shift(
                &mut c,
                raw_shift.get_ref(),
                &name,
                &names,
                interval_minutes.unwrap_or(15),
            ));
        }
        let schedule = validate_schedule(&mut c, raw.schedule.as_ref());
        let rules = validate_rules(&mut c, raw.rules.as_ref());
        let export_csv = validate_export(&mut c, raw.export.as_ref().and_then(|e| e.csv.as_ref()));
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
            }),
            _ => {
                let mut problems = c.problems;
                problems.sort_by(|a, b| a.location.cmp(&b.location));
                Err(Diagnostics(problems))
            }
        }
    }
}

fn validate_channel(c: &mut Checker<'_>, raw: &RawChannel, name: &str) -> Option<Channel> {
    let field = |f: &str| format!("channel '{name}': {f}");
    let kind_text = c.text(&raw.kind, &field("kind"), "\"immediate\" or \"deferred\"");
    let deferred = match kind_text {
        Some("immediate") => Some(false),
        Some("deferred") => Some(true),
        Some(_) => {
            c.invalid(&raw.kind, &field("kind"), "\"immediate\" or \"deferred\"");
            None
        }
        None => None,
    };
    let aht = c.duration(&raw.aht, &field("aht"), true);
    let acw = c.opt(&raw.acw, |c, v| c.duration(v, &field("acw"), false));
    let patience = c.opt(&raw.patience, |c, v| {
        c.duration(v, &field("patience"), true)
    });
    let non_overlap = c.opt(&raw.non_overlap, |c, v| c.share(v, &field("non_overlap")));
    let concurrency = match &raw.concurrency {
        None => Some(None),
        Some(k) if (1..=64).contains(k.get_ref()) => Some(Some(*k.get_ref() as u32)),
        Some(k) => {
            c.report(
                k.span().start,
                InvalidValue::new(
                    field("concurrency"),
                    "a whole number of chats from 1 to 64",
                    k.get_ref(),
                )
                .to_string(),
            );
            None
        }
    };
    let min_agents = match &raw.min_agents {
        None => Some(None),
        Some(m) if (0..=100_000).contains(m.get_ref()) => Some(Some(*m.get_ref() as u32)),
        Some(m) => {
            c.report(
                m.span().start,
                InvalidValue::new(
                    field("min_agents"),
                    "a whole number of agents, 0 or more",
                    m.get_ref(),
                )
                .to_string(),
            );
            None
        }
    };
    let shrinkage = match &raw.shrinkage {
        None => Some(Vec::new()),
        Some(s) => {
            let at = s.span().start;
            let scalar = |v: &toml::Value| match v {
                toml::Value::String(t) => Some(Scalar::Text(t.clone())),
                toml::Value::Integer(i) => Some(Scalar::Int(*i)),
                toml::Value::Float(x) => Some(Scalar::Float(*x)),
                _ => None,
            };
            let parts: Option<Vec<(String, f64)>> = match s.get_ref() {
                toml::Value::Table(map) => {
                    let mut parts = Vec::new();
                    let mut ok = true;
                    // Categories keep the order in which the file lists them.
                    let mut entries: Vec<(&String, &toml::Value)> = map.iter().collect();
                    entries.sort_by_key(|(k, _)| {
                        c.text[s.span()].find(k.as_str()).unwrap_or(usize::MAX)
                    });
                    for (category, v) in entries {
                        let name = field(&format!("shrinkage.{category}"));
                        let share =
                            scalar(v).and_then(|x| c.share(&Spanned::new(s.span(), x), &name));
                        if scalar(v).is_none() {
                            c.report(at, format!("{name}: expected a share such as \"8%\""));
                        }
                        match share {
                            Some(x) => parts.push((category.clone(), x)),
                            None => ok = false,
                        }
                    }
                    ok.then_some(parts)
                }
                other => match scalar(other) {
                    Some(x) => c
                        .share(&Spanned::new(s.span(), x), &field("shrinkage"))
                        .map(|x| vec![("shrinkage".to_string(), x)]),
                    None => {
                        c.report(at, format!("{}: expected a share such as \"30%\" or a table of shares by category", field("shrinkage")));
                        None
                    }
                },
            };
            match parts {
                Some(p) if p.iter().map(|(_, x)| x).sum::<f64>() < 1.0 => Some(p),
                Some(p) => {
                    let total: f64 = p.iter().map(|(_, x)| x).sum();
                    c.report(
                        at,
                        InvalidValue::new(
                            field("shrinkage"),
                            "shares adding up to less than 100%",
                            format!("{:.1}%", 100.0 * total),
                        )
                        .to_string(),
                    );
                    None
                }
                None => None,
            }
        }
    };
    let hours = validate_hours(c, raw, name);
    let t = &raw.target;
    let service_level = c.opt(&t.service_level, |c, v| {
        c.share(v, &field("target.service_level"))
    });
    let threshold = c.opt(&t.threshold, |c, v| {
        c.duration(v, &field("target.threshold"), false)
    });
    let max_asa = c.opt(&t.max_asa, |c, v| {
        c.duration(v, &field("target.max_asa"), true)
    });
    let max_abandon = c.opt(&t.max_abandon, |c, v| {
        c.share(v, &field("target.max_abandon"))
    });
    let max_occupancy = c.opt(&t.max_occupancy, |c, v| {
        c.share(v, &field("target.max_occupancy"))
    });
    let response_window = c.opt(&t.response_window, |c, v| {
        c.duration(v, &field("target.response_window"), true)
    });
    let within_window = c.opt(&t.within_window, |c, v| {
        c.share(v, &field("target.within_window"))
    });
    let convention = c.opt(&t.sl_convention, |c, v| {
        let parsed = c
            .text(v, &field("target.sl_convention"), SL_CONVENTION_NAMES)
            .and_then(|s| s.parse::<SlConvention>().ok());
        if parsed.is_none() {
            c.invalid(v, &field("target.sl_convention"), SL_CONVENTION_NAMES);
        }
        parsed
    });

    // Keys that only make sense for the other kind are errors, not silently ignored.
    if deferred == Some(true) {
        for (v, key) in [
            (&raw.patience, "patience"),
            (&raw.non_overlap, "non_overlap"),
        ] {
            if let Some(v) = v {
                c.report(
                    v.span().start,
                    format!("{}: only immediate channels have it", field(key)),
                );
            }
        }
        if let Some(k) = &raw.concurrency {
            c.report(
                k.span().start,
                format!("{}: only immediate channels have it", field("concurrency")),
            );
        }
    }
    if let (Some(v), None) = (&raw.non_overlap, &raw.concurrency) {
        c.report(
            v.span().start,
            format!(
                "{}: expected together with concurrency",
                field("non_overlap")
            ),
        );
    }
    let kind = match deferred? {
        false => {
            for (v, key) in [
                (&t.response_window, "response_window"),
                (&t.within_window, "within_window"),
            ] {
                if let Some(v) = v {
                    c.report(
                        v.span().start,
                        format!(
                            "{}: only deferred channels have a response window",
                            field(&format!("target.{key}"))
                        ),
                    );
                }
            }
            let targets = Targets {
                service_level: service_level?,
                convention: convention?.unwrap_or_default(),
                threshold_s: threshold?.unwrap_or(20.0),
                max_asa_s: max_asa?,
                max_abandon: max_abandon?,
                max_occupancy: max_occupancy?,
            };
            if let Err(e) = targets.validate() {
                c.report(
                    raw.kind.span().start,
                    InvalidValue {
                        field: field(&format!("target.{}", e.field)),
                        ..e
                    }
                    .to_string(),
                );
            }
            if targets.is_empty() {
                c.report(raw.kind.span().start, format!("{}: expected a service_level, max_asa, max_abandon or max_occupancy for an immediate channel, found none", field("target")));
            }
            let concurrency = concurrency?
                .filter(|k| *k > 1)
                .map(|k| (k, non_overlap.flatten().unwrap_or(0.0)));
            ChannelKind::Immediate {
                patience_s: patience?,
                targets,
                concurrency,
            }
        }
        true => {
            for (v, key) in [
                (&t.service_level, "service_level"),
                (&t.threshold, "threshold"),
                (&t.max_asa, "max_asa"),
                (&t.max_abandon, "max_abandon"),
                (&t.sl_convention, "sl_convention"),
            ] {
                if let Some(v) = v {
                    c.report(v.span().start, format!("{}: deferred channels take response_window, within_window and max_occupancy", field(&format!("target.{key}"))));
                }
            }
            let Some(window) = response_window? else {
                c.report(raw.kind.span().start, format!("{}: expected a response_window (e.g. \"4h\") for a deferred channel, found none", field("target")));
                return None;
            };
            let occupancy = max_occupancy?.unwrap_or(1.0);
            if occupancy <= 0.0 {
                c.report(
                    raw.kind.span().start,
                    format!(
                        "{}: expected a share above 0",
                        field("target.max_occupancy")
                    ),
                );
                return None;
            }
            let share = within_window?.unwrap_or(1.0);
            if share <= 0.0 {
                c.report(
                    raw.kind.span().start,
                    format!(
                        "{}: expected a share above 0",
                        field("target.within_window")
                    ),
                );
                return None;
            }
            ChannelKind::Deferred {
                response_window_s: window,
                within_window: share,
                max_occupancy: occupancy,
            }
        }
    };
    let aht = aht?;
    if let ChannelKind::Immediate {
        concurrency: Some((k, f)),
        ..
    } = &kind
    {
        if let Err(e) = Concurrency::linear(*k, aht, *f) {
            c.report(raw.kind.span().start, e.to_string());
        }
    }
    let min_default = match &kind {
        ChannelKind::Immediate { .. } => 1,
        ChannelKind::Deferred { .. } => 0,
    };
    Some(Channel {
        name: name.to_string(),
        kind,
        aht_s: aht,
        acw_s: acw?.unwrap_or(0.0),
        shrinkage: shrinkage?,
        min_agents: min_agents?.unwrap_or(min_default),
        hours: hours?,
    })
}

fn validate_hours(c: &mut Checker<'_>, raw: &RawChannel, name: &str) -> Option<OpeningHours> {
    let mut closed_dates = Vec::new();
    let mut ok = true;
    for v in &raw.closed_dates {
        match v.get_ref() {
            Scalar::Text(t) => match NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
                Ok(d) => closed_dates.push(d),
                Err(_) => {
                    c.invalid(
                        v,
                        &format!("channel '{name}': closed_dates"),
                        "dates such as \"2026-12-24\"",
                    );
                    ok = false;
                }
            },
            _ => {
                c.invalid(
                    v,
                    &format!("channel '{name}': closed_dates"),
                    "dates such as \"2026-12-24\"",
                );
                ok = false;
            }
        }
    }
    let Some(map) = &raw.hours else {
        return ok.then(|| OpeningHours::new(OpeningHours::every_day_all_day(), closed_dates));
    };
    let mut days: [Option<Vec<Range>>; 7] = Default::default();
    // Shorthands first, then single days override them.
    let mut keys: Vec<(&String, &Value)> = map.iter().collect();
    keys.sort_by_key(|(k, _)| !matches!(k.as_str(), "weekdays" | "weekend" | "every_day"));
    for (key, v) in keys {
        let field = format!("channel '{name}': hours.{key}");
        let targets: Vec<usize> = match key.as_str() {
            "every_day" => (0..7).collect(),
            "weekdays" => (0..5).collect(),
            "weekend" => vec![5, 6],
            k => {
                match WEEKDAYS.iter().position(|d| *d == k) {
                    Some(i) => vec![i],
                    None => {
                        c.report(v.span().start, format!("{field}: expected a day (mon … sun, weekdays, weekend or every_day)"));
                        ok = false;
                        continue;
                    }
                }
            }
        };
        let Some(text) = c.text(v, &field, "opening hours such as \"08:00-20:00\"") else {
            ok = false;
            continue;
        };
        match parse_day(text) {
            Ok(ranges) => {
                for i in targets {
                    days[i] = Some(ranges.clone());
                }
            }
            Err(expected) => {
                c.invalid(v, &field, expected);
                ok = false;
            }
        }
    }
    let days: [Vec<Range>; 7] = std::array::from_fn(|i| days[i].take().unwrap_or_default());
    ok.then(|| OpeningHours::new(days, closed_dates))
}

/// A local clock time `HH:MM` (up to `47:59` for starts past midnight) as minutes.
fn parse_clock_minutes(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 48 && m < 60).then_some(h * 60 + m)
}

/// Whole minutes of a positive duration.
fn whole_minutes(c: &mut Checker<'_>, v: &Value, field: &str) -> Option<u32> {
    let s = c.duration(v, field, true)?;
    let m = (s / 60.0).round() as u32;
    if (s - f64::from(m) * 60.0).abs() > 1e-9 {
        c.invalid(v, field, "whole minutes");
        return None;
    }
    Some(m)
}

fn validate_shift(
    c: &mut Checker<'_>,
    raw: &RawShift,
    name: &str,
    channel_names: &[String],
    interval: u32,
) -> Vec<ShiftTemplate> {
    let field = |f: &str| format!("shift '{name}': {f}");
    let at = raw.name.span().start;
    let mut ok = true;
    let mut lengths = Vec::new();
    match (&raw.length, &raw.lengths) {
        (Some(v), None) => lengths.extend(whole_minutes(c, v, &field("length"))),
        (None, Some(list)) if !list.is_empty() => {
            for v in list {
                lengths.extend(whole_minutes(c, v, &field("lengths")));
            }
        }
        _ => {
            c.report(
                at,
                format!(
                    "{}: expected either length = \"8h\" or lengths = [\"8h\", \"6h\"]",
                    field("length")
                ),
            );
            ok = false;
        }
    }
    const START: &str = "a start range such as \"07:00-12:00\" (\"22:00-25:30\" passes midnight)";
    let start = c.text(&raw.start, &field("start"), START).and_then(|t| {
        let parsed = t
            .split_once('-')
            .and_then(|(a, b)| Some((parse_clock_minutes(a)?, parse_clock_minutes(b)?)));
        match parsed {
            Some((a, b)) if a <= b => Some((a, b)),
            _ => {
                c.invalid(&raw.start, &field("start"), START);
                None
            }
        }
    });
    let step = match &raw.start_step {
        None => Some(interval),
        Some(v) => whole_minutes(c, v, &field("start_step")).and_then(|m| {
            if m % interval == 0 {
                Some(m)
            } else {
                c.invalid(
                    v,
                    &field("start_step"),
                    &format!("a multiple of the {interval}-minute planning interval"),
                );
                None
            }
        }),
    };
    if let Some((a, _)) = start {
        if a % interval != 0 {
            c.invalid(
                &raw.start,
                &field("start"),
                &format!("start times on the {interval}-minute grid"),
            );
            ok = false;
        }
    }
    let mut days = [true; 7];
    if let Some(d) = &raw.days {
        let names: Vec<String> = match d.get_ref() {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(a) => a
                .iter()
                .map(|v| v.as_str().unwrap_or("?").to_string())
                .collect(),
            _ => vec!["?".to_string()],
        };
        days = [false; 7];
        for n in names {
            match n.as_str() {
                "every_day" => days = [true; 7],
                "weekdays" => days[..5].iter_mut().for_each(|d| *d = true),
                "weekend" => days[5..].iter_mut().for_each(|d| *d = true),
                other => match WEEKDAYS.iter().position(|w| *w == other) {
                    Some(i) => days[i] = true,
                    None => {
                        c.report(
                            d.span().start,
                            format!(
                                "{}: expected days such as [\"mon\", \"tue\"], \"weekdays\", \"weekend\" or \"every_day\", found '{other}'",
                                field("days")
                            ),
                        );
                        ok = false;
                    }
                },
            }
        }
    }
    let channels: Vec<usize> = match &raw.channels {
        None => (0..channel_names.len()).collect(),
        Some(list) => {
            let mut idx = Vec::new();
            for n in list {
                match channel_names.iter().position(|c| c == n.get_ref()) {
                    Some(i) if !idx.contains(&i) => idx.push(i),
                    Some(_) => {}
                    None => {
                        c.report(
                            n.span().start,
                            format!(
                                "{}: expected a channel of this model ({}), found '{}'",
                                field("channels"),
                                channel_names.join(", "),
                                n.get_ref()
                            ),
                        );
                        ok = false;
                    }
                }
            }
            idx
        }
    };
    let cost = |c: &mut Checker<'_>, v: &Option<Spanned<f64>>, f: &str| -> Option<Option<f64>> {
        match v {
            None => Some(None),
            Some(x) if x.get_ref().is_finite() && *x.get_ref() >= 0.0 => Some(Some(*x.get_ref())),
            Some(x) => {
                c.report(
                    x.span().start,
                    InvalidValue::new(field(f), "a cost of 0 or more", x.get_ref()).to_string(),
                );
                None
            }
        }
    };
    let per_hour = cost(c, &raw.cost_per_hour, "cost_per_hour");
    let per_shift = cost(c, &raw.cost_per_shift, "cost_per_shift");
    let count = |c: &mut Checker<'_>, v: &Option<Spanned<i64>>, f: &str| -> Option<Option<u32>> {
        match v {
            None => Some(None),
            Some(x) if (0..=1_000_000).contains(x.get_ref()) => Some(Some(*x.get_ref() as u32)),
            Some(x) => {
                c.report(
                    x.span().start,
                    InvalidValue::new(field(f), "a whole number, 0 or more", x.get_ref())
                        .to_string(),
                );
                None
            }
        }
    };
    let min_per_day = count(c, &raw.min_per_day, "min_per_day");
    let max_per_day = count(c, &raw.max_per_day, "max_per_day");
    let mut breaks = Vec::new();
    for (i, b) in raw.breaks.iter().enumerate() {
        let rb = b.get_ref();
        let bname = rb
            .name
            .clone()
            .unwrap_or_else(|| format!("break {}", i + 1));
        let f = format!("breaks[{i}]");
        let len = whole_minutes(c, &rb.length, &field(&format!("{f}.length")));
        const WINDOW: &str = "a window of start offsets such as \"3h30m-5h\", earliest first";
        let window = c
            .text(&rb.window, &field(&format!("{f}.window")), WINDOW)
            .and_then(|t| {
                let parsed = t
                    .split_once('-')
                    .and_then(|(a, b)| Some((parse_duration(a).ok()?, parse_duration(b).ok()?)));
                match parsed {
                    Some((a, b))
                        if a <= b && (a / 60.0).fract() == 0.0 && (b / 60.0).fract() == 0.0 =>
                    {
                        Some(((a / 60.0) as u32, (b / 60.0) as u32))
                    }
                    _ => {
                        c.invalid(&rb.window, &field(&format!("{f}.window")), WINDOW);
                        None
                    }
                }
            });
        match (len, window) {
            (Some(minutes), Some((e, l))) => breaks.push(BreakRule {
                name: bname,
                minutes,
                paid: rb.paid.unwrap_or(false),
                earliest_offset: e,
                latest_offset: l,
            }),
            _ => ok = false,
        }
    }
    for pair in breaks.windows(2) {
        if pair[1].earliest_offset < pair[0].latest_offset + pair[0].minutes {
            c.report(
                at,
                format!(
                    "{}: expected break windows in order without overlap, but '{}' may start before '{}' ends",
                    field("breaks"),
                    pair[1].name,
                    pair[0].name
                ),
            );
            ok = false;
        }
    }
    let (
        Some(start),
        Some(step),
        Some(per_hour),
        Some(per_shift),
        Some(min_per_day),
        Some(max_per_day),
    ) = (start, step, per_hour, per_shift, min_per_day, max_per_day)
    else {
        return Vec::new();
    };
    if let (Some(min), Some(max)) = (min_per_day, max_per_day) {
        if min > max {
            c.report(
                at,
                format!(
                    "{}: expected min_per_day ({min}) at most max_per_day ({max})",
                    field("min_per_day")
                ),
            );
            ok = false;
        }
    }
    if !ok || lengths.is_empty() {
        return Vec::new();
    }
    let unpaid: u32 = breaks.iter().filter(|b| !b.paid).map(|b| b.minutes).sum();
    let mut out = Vec::new();
    for paid in &lengths {
        let span = paid + unpaid;
        if let Some(last) = breaks.last() {
            if last.latest_offset + last.minutes > span {
                c.report(
                    at,
                    format!(
                        "{}: expected every break to end within the {} shift, but '{}' may end {} after its start",
                        field("breaks"),
                        crate::units::format_duration(f64::from(span) * 60.0),
                        last.name,
                        crate::units::format_duration(f64::from(last.latest_offset + last.minutes) * 60.0)
                    ),
                );
                continue;
            }
        }
        let hours = f64::from(*paid) / 60.0;
        out.push(ShiftTemplate {
            name: if lengths.len() > 1 {
                format!(
                    "{name} {}",
                    crate::units::format_duration(f64::from(*paid) * 60.0)
                )
            } else {
                name.to_string()
            },
            paid_minutes: *paid,
            earliest_start: start.0,
            latest_start: start.1,
            start_step: step,
            days,
            channels: channels.clone(),
            cost: per_shift.unwrap_or_else(|| per_hour.unwrap_or(1.0) * hours),
            min_per_day: min_per_day.unwrap_or(0),
            max_per_day,
            breaks: breaks.clone(),
        });
    }
    out
}

fn validate_schedule(c: &mut Checker<'_>, raw: Option<&RawSchedule>) -> ScheduleRules {
    let mut rules = ScheduleRules::default();
    let Some(raw) = raw else { return rules };
    let mut non_negative = |v: &Option<Spanned<f64>>, f: &str, target: &mut f64| {
        if let Some(x) = v {
            if x.get_ref().is_finite() && *x.get_ref() >= 0.0 {
                *target = *x.get_ref();
            } else {
                c.report(
                    x.span().start,
                    InvalidValue::new(format!("schedule.{f}"), "a number, 0 or more", x.get_ref())
                        .to_string(),
                );
            }
        }
    };
    non_negative(
        &raw.under_penalty,
        "under_penalty",
        &mut rules.under_penalty,
    );
    non_negative(&raw.over_penalty, "over_penalty", &mut rules.over_penalty);
    if let Some(x) = &raw.max_agents_per_day {
        if *x.get_ref() > 0 {
            rules.max_agents_per_day = Some(*x.get_ref() as u32);
        } else {
            c.report(
                x.span().start,
                InvalidValue::new(
                    "schedule.max_agents_per_day",
                    "a whole number above 0",
                    x.get_ref(),
                )
                .to_string(),
            );
        }
    }
    if let Some(v) = &raw.min_interval_service_level {
        if let Some(x) = c.share(v, "schedule.min_interval_service_level") {
            rules.min_interval_service_level = x;
        }
    }
    rules
}

fn validate_rules(c: &mut Checker<'_>, raw: Option<&RawRules>) -> rules::LabourRules {
    let mut r = rules::LabourRules::default();
    let Some(raw) = raw else { return r };
    let hours = |c: &mut Checker<'_>, v: &Option<Value>, f: &str, target: &mut f64| {
        if let Some(v) = v {
            if let Some(s) = c.duration(v, &format!("rules.{f}"), false) {
                *target = s / 3600.0;
            }
        }
    };
    hours(c, &raw.min_rest, "min_rest", &mut r.min_rest_h);
    hours(c, &raw.weekly_rest, "weekly_rest", &mut r.weekly_rest_h);
    hours(c, &raw.start_spread, "start_spread", &mut r.start_spread_h);
    if let Some(v) = &raw.late_after {
        match c
            .text(v, "rules.late_after", "a local time such as \"19:00\"")
            .and_then(parse_clock_minutes)
        {
            Some(m) => r.late_after_h = f64::from(m) / 60.0,
            None => c.invalid(v, "rules.late_after", "a local time such as \"19:00\""),
        }
    }
    if let Some(x) = &raw.max_consecutive_days {
        if (1..=31).contains(x.get_ref()) {
            r.max_consecutive_days = *x.get_ref() as u32;
        } else {
            c.report(
                x.span().start,
                InvalidValue::new(
                    "rules.max_consecutive_days",
                    "a whole number of days from 1 to 31",
                    x.get_ref(),
                )
                .to_string(),
            );
        }
    }
    if let Some(p) = raw.paired_days_off {
        r.paired_days_off = p;
    }
    for (key, value) in raw.penalties.iter().flatten() {
        let x = *value.get_ref();
        let slot = match key.as_str() {
            "below_contract_hour" => &mut r.penalties.below_contract_hour,
            "start_spread_hour" => &mut r.penalties.start_spread_hour,
            "weekend_shift" => &mut r.penalties.weekend_shift,
            "late_shift" => &mut r.penalties.late_shift,
            "unpaired_day_off" => &mut r.penalties.unpaired_day_off,
            "preferred" => &mut r.penalties.preferred,
            other => {
                c.report(value.span().start, format!("rules.penalties: expected below_contract_hour, start_spread_hour, weekend_shift, late_shift, unpaired_day_off or preferred, found '{other}'"));
                continue;
            }
        };
        if x.is_finite() && x >= 0.0 {
            *slot = x;
        } else {
            c.report(
                value.span().start,
                InvalidValue::new(format!("rules.penalties.{key}"), "a weight of 0 or more", x)
                    .to_string(),
            );
        }
    }
    const SOFTENABLE: [&str; 5] = [
        "min_rest",
        "weekly_rest",
        "max_consecutive_days",
        "max_hours",
        "max_days",
    ];
    for s in raw.soft.iter().flatten() {
        if SOFTENABLE.contains(&s.get_ref().as_str()) {
            r.soft.push(s.get_ref().clone());
        } else {
            c.report(
                s.span().start,
                format!(
                    "rules.soft: expected rule names from {}, found '{}'",
                    SOFTENABLE.join(", "),
                    s.get_ref()
                ),
            );
        }
    }
    r
}

/// Columns of `roster.csv`, in their default order.
pub const ROSTER_COLUMNS: [&str; 11] = [
    "employee_id",
    "name",
    "team",
    "schedule_date",
    "start",
    "end",
    "timezone",
    "activity",
    "channel",
    "paid",
    "duration_min",
];

fn validate_export(c: &mut Checker<'_>, raw: Option<&RawCsvLayout>) -> rules::CsvLayout {
    let mut layout = rules::CsvLayout::default();
    let Some(raw) = raw else { return layout };
    if let Some(columns) = &raw.columns {
        let mut chosen = Vec::new();
        for col in columns {
            if ROSTER_COLUMNS.contains(&col.get_ref().as_str()) {
                chosen.push(col.get_ref().clone());
            } else {
                c.report(
                    col.span().start,
                    format!(
                        "export.csv.columns: expected columns from {}, found '{}'",
                        ROSTER_COLUMNS.join(", "),
                        col.get_ref()
                    ),
                );
            }
        }
        layout.columns = Some(chosen);
    }
    for (from, to) in raw.rename.iter().flatten() {
        if ROSTER_COLUMNS.contains(&from.as_str()) && !to.trim().is_empty() {
            layout.rename.push((from.clone(), to.clone()));
        } else {
            c.report(c.text.len(), format!("export.csv.rename: expected a roster column renamed to a non-empty header, found '{from}' = '{to}'"));
        }
    }
    for (f, format) in [
        ("date_format", &raw.date_format),
        ("datetime_format", &raw.datetime_format),
    ] {
        if let Some(fmt) = format {
            // Trial-format a sample: a time specifier in a date format must fail here, not in the export.
            let sample = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
                .unwrap_or_default()
                .and_hms_opt(8, 15, 0)
                .unwrap_or_default();
            let mut probe = String::new();
            let ok = chrono::format::StrftimeItems::new(fmt)
                .all(|i| !matches!(i, chrono::format::Item::Error))
                && if f == "date_format" {
                    std::fmt::Write::write_fmt(
                        &mut probe,
                        format_args!("{}", sample.date().format(fmt)),
                    )
                    .is_ok()
                } else {
                    std::fmt::Write::write_fmt(&mut probe, format_args!("{}", sample.format(fmt)))
                        .is_ok()
                };
            if ok {
                if f == "date_format" {
                    layout.date_format = Some(fmt.clone());
                } else {
                    layout.datetime_format = Some(fmt.clone());
                }
            } else {
                c.report(c.text.len(), format!("export.csv.{f}: expected a strftime format such as %d.%m.%Y, found '{fmt}'"));
            }
        }
    }
    layout
}

//! The contact-center model: planning grid, time zone and channels (TOML).
//!
//! Raw serde structs mirror the file; [`Model::from_toml`] validates them into types that cannot hold an
//! invalid value, and reports every problem at once with its line and column. The keys are documented in
//! `models/README.md`.

pub mod hours;

use crate::error::{Diagnostic, Diagnostics, InvalidValue, Location};
use crate::queueing::{Concurrency, Shrinkage, SlConvention, Targets, SL_CONVENTION_NAMES};
use crate::units::{parse_duration, parse_share};
use chrono::NaiveDate;
use chrono_tz::Tz;
use hours::{parse_day, OpeningHours, Range};
use serde::Deserialize;
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
        match (time_zone, interval_minutes, c.problems.is_empty()) {
            (Some(time_zone), Some(interval_minutes), true) => Ok(Model {
                name: raw.name.unwrap_or_else(|| {
                    path.file_stem()
                        .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
                }),
                time_zone,
                interval_minutes,
                channels,
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

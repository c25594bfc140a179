//! Validation of the `[[channel]]` tables: kind, handle times, shrinkage, targets and live-answer options.

use super::checker::Checker;
use super::hours::validate_hours;
use super::raw::{RawChannel, RawTarget, Scalar, Value};
use super::{Channel, ChannelKind};
use crate::error::InvalidValue;
use crate::queueing::{Concurrency, SlConvention, Targets, SL_CONVENTION_NAMES};
use toml::Spanned;

/// How every message about a channel names its field.
fn field(name: &str, key: &str) -> String {
    format!("channel '{name}': {key}")
}

/// Validates the channels in file order; also returns every name as written, for the shift templates.
pub(crate) fn validate_channels(
    c: &mut Checker<'_>,
    raw: &[Spanned<RawChannel>],
    interval: u32,
) -> (Vec<Channel>, Vec<String>) {
    if raw.is_empty() {
        c.report(
            c.text.len(),
            "expected at least one [[channel]] table, found none".to_string(),
        );
    }
    // A contact center has a handful of channels; hundreds are a generated or mangled file.
    const MAX_CHANNELS: usize = 64;
    if let Some(extra) = raw.get(MAX_CHANNELS) {
        c.report(
            extra.span().start,
            format!(
                "[[channel]]: expected at most {MAX_CHANNELS} channels, found {}",
                raw.len()
            ),
        );
        return (Vec::new(), Vec::new());
    }
    let mut channels = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for spanned in raw {
        let raw_channel = spanned.get_ref();
        let name = raw_channel.name.get_ref().trim().to_string();
        if name.is_empty() || name.contains([',', '"', '\n']) {
            c.report(
                raw_channel.name.span().start,
                format!("name: expected a channel name without commas or quotes, found '{name}'"),
            );
        } else if names.contains(&name) {
            c.report(
                raw_channel.name.span().start,
                format!("name: channel '{name}' is defined twice"),
            );
        }
        names.push(name.clone());
        if let Some(channel) = validate_channel(c, raw_channel, &name, interval) {
            channels.push(channel);
        }
    }
    (channels, names)
}

/// One channel; `None` when anything in it is invalid (and reported).
fn validate_channel(
    c: &mut Checker<'_>,
    raw: &RawChannel,
    name: &str,
    interval: u32,
) -> Option<Channel> {
    let deferred = is_deferred(c, raw, name);
    let aht = c.day_duration(&raw.aht, &field(name, "aht"), true);
    let acw = c.opt(&raw.acw, |c, v| {
        c.day_duration(v, &field(name, "acw"), false)
    });
    let live = LiveOptions::read(c, raw, name);
    let min_agents = c.opt(&raw.min_agents, |c, m| {
        let expected = "a whole number of agents, 0 or more";
        c.whole(m, 0..=100_000, &field(name, "min_agents"), expected)
    });
    let shrinkage = shrinkage(c, raw, name);
    let hours = validate_hours(c, raw, name, interval);
    let targets = TargetValues::read(c, &raw.target, name);
    check_live_keys(c, raw, deferred, name);
    let deferred = deferred?;
    check_target_keys(c, &raw.target, deferred, name);
    let kind = match deferred {
        false => immediate(c, raw, targets, live, name)?,
        true => deferred_kind(c, raw, targets, name)?,
    };
    let aht = aht?;
    check_concurrency(c, raw, &kind, aht);
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

/// The kind decides which keys apply: `Some(true)` for deferred, `None` when the kind is invalid.
fn is_deferred(c: &mut Checker<'_>, raw: &RawChannel, name: &str) -> Option<bool> {
    const EXPECTED: &str = "\"immediate\" or \"deferred\"";
    match c.text(&raw.kind, &field(name, "kind"), EXPECTED) {
        Some("immediate") => Some(false),
        Some("deferred") => Some(true),
        Some(_) => {
            c.invalid(&raw.kind, &field(name, "kind"), EXPECTED);
            None
        }
        None => None,
    }
}

/// Options of live answering, read before the kind decides whether they apply (`None`: invalid).
struct LiveOptions {
    patience: Option<Option<f64>>,
    non_overlap: Option<Option<f64>>,
    concurrency: Option<Option<u32>>,
}

impl LiveOptions {
    /// Reads patience, non-overlap and concurrency so that each bad value is reported whatever the kind.
    fn read(c: &mut Checker<'_>, raw: &RawChannel, name: &str) -> LiveOptions {
        LiveOptions {
            patience: c.opt(&raw.patience, |c, v| {
                c.day_duration(v, &field(name, "patience"), true)
            }),
            non_overlap: c.opt(&raw.non_overlap, |c, v| {
                c.share(v, &field(name, "non_overlap"))
            }),
            concurrency: c.opt(&raw.concurrency, |c, k| {
                let expected = "a whole number of chats from 1 to 64";
                c.whole(k, 1..=64, &field(name, "concurrency"), expected)
            }),
        }
    }
}

/// Shrinkage categories in file order, below 100% in total, so that paid time stays above zero.
fn shrinkage(c: &mut Checker<'_>, raw: &RawChannel, name: &str) -> Option<Vec<(String, f64)>> {
    let Some(s) = &raw.shrinkage else {
        return Some(Vec::new());
    };
    let at = s.span().start;
    let parts = match s.get_ref() {
        toml::Value::Table(map) => shrinkage_table(c, s, map, name),
        other => match scalar(other) {
            Some(x) => c
                .share(&Spanned::new(s.span(), x), &field(name, "shrinkage"))
                .map(|x| vec![("shrinkage".to_string(), x)]),
            None => {
                c.report(
                    at,
                    format!(
                        "{}: expected a share such as \"30%\" or a table of shares by category",
                        field(name, "shrinkage")
                    ),
                );
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
                    field(name, "shrinkage"),
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

/// A plain TOML value as a scalar (shrinkage is kept raw, see [`RawChannel::shrinkage`]).
fn scalar(v: &toml::Value) -> Option<Scalar> {
    match v {
        toml::Value::String(t) => Some(Scalar::Text(t.clone())),
        toml::Value::Integer(i) => Some(Scalar::Int(*i)),
        toml::Value::Float(x) => Some(Scalar::Float(*x)),
        _ => None,
    }
}

/// A table of shares by category; categories keep the order in which the file lists them.
fn shrinkage_table(
    c: &mut Checker<'_>,
    s: &Spanned<toml::Value>,
    map: &toml::Table,
    name: &str,
) -> Option<Vec<(String, f64)>> {
    let mut parts = Vec::new();
    let mut ok = true;
    let mut entries: Vec<(&String, &toml::Value)> = map.iter().collect();
    entries.sort_by_key(|(k, _)| c.text[s.span()].find(k.as_str()).unwrap_or(usize::MAX));
    for (category, v) in entries {
        let key = field(name, &format!("shrinkage.{category}"));
        let share = scalar(v).and_then(|x| c.share(&Spanned::new(s.span(), x), &key));
        if scalar(v).is_none() {
            c.report(
                s.span().start,
                format!("{key}: expected a share such as \"8%\""),
            );
        }
        match share {
            Some(x) => parts.push((category.clone(), x)),
            None => ok = false,
        }
    }
    ok.then_some(parts)
}

/// Every target as read, before the kind decides which apply (`None`: invalid).
#[derive(Clone, Copy)]
struct TargetValues {
    service_level: Option<Option<f64>>,
    threshold: Option<Option<f64>>,
    max_asa: Option<Option<f64>>,
    max_abandon: Option<Option<f64>>,
    max_occupancy: Option<Option<f64>>,
    response_window: Option<Option<f64>>,
    within_window: Option<Option<f64>>,
    convention: Option<Option<SlConvention>>,
}

impl TargetValues {
    /// Reads all targets so that each bad value is reported whatever the kind.
    fn read(c: &mut Checker<'_>, t: &RawTarget, name: &str) -> TargetValues {
        let key = |k: &str| field(name, &format!("target.{k}"));
        TargetValues {
            service_level: c.opt(&t.service_level, |c, v| {
                open_share(c, v, &key("service_level"))
            }),
            threshold: c.opt(&t.threshold, |c, v| {
                c.day_duration(v, &key("threshold"), false)
            }),
            max_asa: c.opt(&t.max_asa, |c, v| c.duration(v, &key("max_asa"), true)),
            max_abandon: c.opt(&t.max_abandon, |c, v| open_share(c, v, &key("max_abandon"))),
            max_occupancy: c.opt(&t.max_occupancy, |c, v| {
                share_above_zero(c, v, &key("max_occupancy"))
            }),
            response_window: c.opt(&t.response_window, |c, v| {
                c.duration(v, &key("response_window"), true)
            }),
            within_window: c.opt(&t.within_window, |c, v| {
                share_above_zero(c, v, &key("within_window"))
            }),
            convention: c.opt(&t.sl_convention, |c, v| {
                let parsed = c
                    .text(v, &key("sl_convention"), SL_CONVENTION_NAMES)
                    .and_then(|s| s.parse::<SlConvention>().ok());
                if parsed.is_none() {
                    c.invalid(v, &key("sl_convention"), SL_CONVENTION_NAMES);
                }
                parsed
            }),
        }
    }
}

/// A share strictly between 0 and 1: no staffing reaches a 100% service level, and 0% is no target.
fn open_share(c: &mut Checker<'_>, v: &Value, key: &str) -> Option<f64> {
    let x = c.share(v, key)?;
    if x > 0.0 && x < 1.0 {
        return Some(x);
    }
    c.invalid(
        v,
        key,
        "a share between 0 and 100% (exclusive), e.g. \"80%\" or 0.8",
    );
    None
}

/// A share above 0 and at most 1 (an occupancy or a share of work).
fn share_above_zero(c: &mut Checker<'_>, v: &Value, key: &str) -> Option<f64> {
    let x = c.share(v, key)?;
    if x > 0.0 {
        return Some(x);
    }
    c.invalid(v, key, "a share above 0 and at most 100%, e.g. \"85%\"");
    None
}

/// Live-answer keys on a deferred channel, or `non_overlap` alone, are errors, not silently ignored.
fn check_live_keys(c: &mut Checker<'_>, raw: &RawChannel, deferred: Option<bool>, name: &str) {
    if deferred == Some(true) {
        for (v, key) in [
            (&raw.patience, "patience"),
            (&raw.non_overlap, "non_overlap"),
        ] {
            if let Some(v) = v {
                c.report(
                    v.span().start,
                    format!("{}: only immediate channels have it", field(name, key)),
                );
            }
        }
        if let Some(k) = &raw.concurrency {
            c.report(
                k.span().start,
                format!(
                    "{}: only immediate channels have it",
                    field(name, "concurrency")
                ),
            );
        }
    }
    if let (Some(v), None) = (&raw.non_overlap, &raw.concurrency) {
        c.report(
            v.span().start,
            format!(
                "{}: expected together with concurrency",
                field(name, "non_overlap")
            ),
        );
    }
}

/// Targets of the other kind are errors, not silently ignored.
fn check_target_keys(c: &mut Checker<'_>, rt: &RawTarget, deferred: bool, name: &str) {
    let (keys, message) = if deferred {
        (
            vec![
                (&rt.service_level, "service_level"),
                (&rt.threshold, "threshold"),
                (&rt.max_asa, "max_asa"),
                (&rt.max_abandon, "max_abandon"),
                (&rt.sl_convention, "sl_convention"),
            ],
            "deferred channels take response_window, within_window and max_occupancy",
        )
    } else {
        (
            vec![
                (&rt.response_window, "response_window"),
                (&rt.within_window, "within_window"),
            ],
            "only deferred channels have a response window",
        )
    };
    for (v, key) in keys {
        if let Some(v) = v {
            let key = field(name, &format!("target.{key}"));
            c.report(v.span().start, format!("{key}: {message}"));
        }
    }
}

/// An immediate channel: queueing targets (at least one), patience and concurrency.
fn immediate(
    c: &mut Checker<'_>,
    raw: &RawChannel,
    t: TargetValues,
    live: LiveOptions,
    name: &str,
) -> Option<ChannelKind> {
    let targets = Targets {
        service_level: t.service_level?,
        convention: t.convention?.unwrap_or_default(),
        threshold_s: t.threshold?.unwrap_or(20.0),
        max_asa_s: t.max_asa?,
        max_abandon: t.max_abandon?,
        max_occupancy: t.max_occupancy?,
    };
    let at = raw.kind.span().start;
    // Each value was checked at its own key; this guards the queueing model's own domain.
    debug_assert!(targets.validate().is_ok());
    if targets.is_empty() {
        c.report(at, format!("{}: expected a service_level, max_asa, max_abandon or max_occupancy for an immediate channel, found none", field(name, "target")));
    }
    // Without a patience nobody hangs up: an abandonment cap could never bind, a sign of a missing key.
    if targets.max_abandon.is_some() && matches!(live.patience, Some(None)) {
        c.report(at, format!("{}: expected a patience for a channel with max_abandon (without one nobody abandons), found none", field(name, "target.max_abandon")));
    }
    let concurrency = live
        .concurrency?
        .filter(|k| *k > 1)
        .map(|k| (k, live.non_overlap.flatten().unwrap_or(0.0)));
    Some(ChannelKind::Immediate {
        patience_s: live.patience?,
        targets,
        concurrency,
    })
}

/// A deferred channel: a response window, and shares of work and occupancy above zero.
fn deferred_kind(
    c: &mut Checker<'_>,
    raw: &RawChannel,
    t: TargetValues,
    name: &str,
) -> Option<ChannelKind> {
    let at = raw.kind.span().start;
    let Some(window) = t.response_window? else {
        c.report(
            at,
            format!(
                "{}: expected a response_window (e.g. \"4h\") for a deferred channel, found none",
                field(name, "target")
            ),
        );
        return None;
    };
    let occupancy = t.max_occupancy?.unwrap_or(1.0);
    let share = t.within_window?.unwrap_or(1.0);
    Some(ChannelKind::Deferred {
        response_window_s: window,
        within_window: share,
        max_occupancy: occupancy,
    })
}

/// Concurrent chats must make sense for the handle time (the queueing model's own check).
fn check_concurrency(c: &mut Checker<'_>, raw: &RawChannel, kind: &ChannelKind, aht: f64) {
    if let ChannelKind::Immediate {
        concurrency: Some((k, f)),
        ..
    } = kind
    {
        if let Err(e) = Concurrency::linear(*k, aht, *f) {
            c.report(raw.kind.span().start, e.to_string());
        }
    }
}

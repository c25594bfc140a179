//! Validation of the `[[shift]]` templates and the `[schedule]` options.

use super::checker::Checker;
use super::hours::{day_indices, parse_clock_minutes};
use super::raw::{RawBreak, RawSchedule, RawShift, Value};
use super::shifts::{BreakRule, ScheduleRules, ShiftTemplate};
use crate::units::{format_duration, parse_duration};
use toml::Spanned;

/// Minutes in a day: the longest shift and the span of first starts.
const DAY: u32 = 24 * 60;

/// How every message about a shift template names its field.
fn field(name: &str, key: &str) -> String {
    format!("shift '{name}': {key}")
}

/// Validates the templates in file order; a template with several lengths yields one per length.
pub(crate) fn validate_shifts(
    c: &mut Checker<'_>,
    raw: &[Spanned<RawShift>],
    channel_names: &[String],
    interval: u32,
) -> Vec<ShiftTemplate> {
    // Shift templates are tens at most; thousands are a generated or mangled file.
    const MAX_TEMPLATES: usize = 500;
    if let Some(extra) = raw.get(MAX_TEMPLATES) {
        c.report(
            extra.span().start,
            format!(
                "[[shift]]: expected at most {MAX_TEMPLATES} shift templates, found {}",
                raw.len()
            ),
        );
        return Vec::new();
    }
    let mut shifts = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for raw_shift in raw {
        let name = raw_shift.get_ref().name.get_ref().trim().to_string();
        if names.contains(&name) {
            c.report(
                raw_shift.get_ref().name.span().start,
                format!("name: shift '{name}' is defined twice"),
            );
        }
        names.push(name.clone());
        shifts.extend(validate_shift(
            c,
            raw_shift.get_ref(),
            &name,
            channel_names,
            interval,
        ));
    }
    shifts
}

/// One template; empty when anything in it is invalid (and reported).
fn validate_shift(
    c: &mut Checker<'_>,
    raw: &RawShift,
    name: &str,
    channel_names: &[String],
    interval: u32,
) -> Vec<ShiftTemplate> {
    let at = raw.name.span().start;
    let lengths = lengths(c, raw, name);
    let start = start_range(c, raw, name);
    let step = start_step(c, raw, name, interval);
    let on_grid = start_on_grid(c, raw, name, start, interval);
    let days = days(c, raw, name);
    let channels = channels(c, raw, name, channel_names);
    let per_hour = cost(c, &raw.cost_per_hour, name, "cost_per_hour");
    let per_shift = cost(c, &raw.cost_per_shift, name, "cost_per_shift");
    if let (Some(_), Some(v)) = (&raw.cost_per_hour, &raw.cost_per_shift) {
        // The shift's cost is one or the other; given both, the per-hour one would be silently unused.
        c.report(
            v.span().start,
            format!(
                "{}: expected either cost_per_hour or cost_per_shift, not both, found both",
                field(name, "cost_per_shift")
            ),
        );
    }
    let min_per_day = count(c, &raw.min_per_day, name, "min_per_day");
    let max_per_day = count(c, &raw.max_per_day, name, "max_per_day");
    let max_per_agent = count(c, &raw.max_per_agent, name, "max_per_agent").flatten();
    let breaks = breaks(c, raw, name);
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
    let in_order = per_day_in_order(c, at, name, min_per_day, max_per_day);
    let (Some(lengths), Some(days), Some(channels), Some(breaks)) =
        (lengths, days, channels, breaks)
    else {
        return Vec::new();
    };
    if !on_grid || !in_order || lengths.is_empty() {
        return Vec::new();
    }
    // Everything but the paid length, the name suffix and the cost, which follow from the length.
    let base = ShiftTemplate {
        name: name.to_string(),
        table: name.to_string(),
        paid_minutes: 0,
        earliest_start: start.0,
        latest_start: start.1,
        start_step: step,
        days,
        channels,
        cost: 0.0,
        min_per_day: min_per_day.unwrap_or(0),
        max_per_day,
        max_per_agent,
        breaks,
    };
    let key = if raw.length.is_some() {
        "length"
    } else {
        "lengths"
    };
    templates(c, (at, key), &lengths, &base, per_hour, per_shift)
}

/// Paid lengths (with where each is written) from exactly one of `length` and `lengths`; `None` when
/// neither or both are given.
fn lengths(c: &mut Checker<'_>, raw: &RawShift, name: &str) -> Option<Vec<(u32, usize)>> {
    match (&raw.length, &raw.lengths) {
        (Some(v), None) => Some(
            paid_length(c, v, &field(name, "length"))
                .into_iter()
                .collect(),
        ),
        (None, Some(list)) if !list.is_empty() => {
            let mut read: Vec<(u32, usize)> = Vec::new();
            for v in list {
                let Some((minutes, at)) = paid_length(c, v, &field(name, "lengths")) else {
                    continue;
                };
                if read.iter().any(|(m, _)| *m == minutes) {
                    // Two equal lengths would be one template twice under one name.
                    c.invalid(v, &field(name, "lengths"), "each length once");
                } else {
                    read.push((minutes, at));
                }
            }
            Some(read)
        }
        _ => {
            c.report(
                raw.name.span().start,
                format!(
                    "{}: expected either length = \"8h\" or lengths = [\"8h\", \"6h\"]",
                    field(name, "length")
                ),
            );
            None
        }
    }
}

/// One paid length in whole minutes, at most a day: a shift belongs to the day it starts on.
fn paid_length(c: &mut Checker<'_>, v: &Value, field: &str) -> Option<(u32, usize)> {
    let m = c.whole_minutes(v, field)?;
    if m > DAY {
        c.invalid(v, field, "a paid length of at most 24h");
        return None;
    }
    Some((m, v.span().start))
}

/// First and last start as minutes after midnight: the first within the day, the last after it and less
/// than a day later (it may pass midnight for night shifts).
fn start_range(c: &mut Checker<'_>, raw: &RawShift, name: &str) -> Option<(u32, u32)> {
    const START: &str = "a start range such as \"07:00-12:00\" (\"22:00-25:30\" passes midnight)";
    let f = field(name, "start");
    let t = c.text(&raw.start, &f, START)?;
    let parsed = t
        .split_once('-')
        .and_then(|(a, b)| Some((parse_clock_minutes(a)?, parse_clock_minutes(b)?)));
    let expected = match parsed {
        Some((a, _)) if a >= DAY => {
            "a first start from 00:00 to 23:59 (only the last may pass midnight)"
        }
        Some((a, b)) if b >= a + DAY => "a last start less than 24h after the first",
        Some((a, b)) if a <= b => return Some((a, b)),
        _ => START,
    };
    c.invalid(&raw.start, &f, expected);
    None
}

/// Minutes between starts: the planning interval unless given, and always a multiple of it.
fn start_step(c: &mut Checker<'_>, raw: &RawShift, name: &str, interval: u32) -> Option<u32> {
    let Some(v) = &raw.start_step else {
        return Some(interval);
    };
    c.whole_minutes(v, &field(name, "start_step"))
        .and_then(|m| {
            if m % interval == 0 {
                Some(m)
            } else {
                c.invalid(
                    v,
                    &field(name, "start_step"),
                    &format!("a multiple of the {interval}-minute planning interval"),
                );
                None
            }
        })
}

/// Starts must fall on the planning grid so that shifts line up with the requirement intervals; a start
/// off the grid would silently be dropped.
fn start_on_grid(
    c: &mut Checker<'_>,
    raw: &RawShift,
    name: &str,
    start: Option<(u32, u32)>,
    interval: u32,
) -> bool {
    match start {
        Some((a, b)) if a % interval != 0 || b % interval != 0 => {
            c.invalid(
                &raw.start,
                &field(name, "start"),
                &format!("start times on the {interval}-minute planning grid"),
            );
            false
        }
        _ => true,
    }
}

/// Weekdays on which the template may start: every day unless `days` names some.
fn days(c: &mut Checker<'_>, raw: &RawShift, name: &str) -> Option<[bool; 7]> {
    let Some(d) = &raw.days else {
        return Some([true; 7]);
    };
    let names: Vec<String> = match d.get_ref() {
        toml::Value::String(s) => vec![s.clone()],
        toml::Value::Array(a) => a
            .iter()
            .map(|v| v.as_str().map_or_else(|| describe(v), str::to_string))
            .collect(),
        other => vec![describe(other)],
    };
    let mut days = [false; 7];
    let mut ok = true;
    for n in names {
        match day_indices(&n) {
            Some(indices) => indices.into_iter().for_each(|i| days[i] = true),
            None => {
                c.report(
                    d.span().start,
                    format!(
                        "{}: expected days such as [\"mon\", \"tue\"], \"weekdays\", \"weekend\" or \"every_day\", found '{n}'",
                        field(name, "days")
                    ),
                );
                ok = false;
            }
        }
    }
    if ok && days.iter().all(|d| !d) {
        c.report(
            d.span().start,
            format!(
                "{}: expected at least one day such as [\"mon\", \"tue\"], found none",
                field(name, "days")
            ),
        );
        return None;
    }
    ok.then_some(days)
}

/// A TOML value that is not a day name, as the message shows it.
fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(x) => x.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) => "an array".to_string(),
        toml::Value::Table(_) => "a table".to_string(),
        toml::Value::String(s) => s.clone(),
    }
}

/// Indices of the channels its agents may work: all unless listed; unknown names are errors.
fn channels(
    c: &mut Checker<'_>,
    raw: &RawShift,
    name: &str,
    channel_names: &[String],
) -> Option<Vec<usize>> {
    let Some(list) = &raw.channels else {
        return Some((0..channel_names.len()).collect());
    };
    if list.get_ref().is_empty() {
        let expected = format!(
            "at least one channel of this model ({})",
            channel_names.join(", ")
        );
        c.report(
            list.span().start,
            format!(
                "{}: expected {expected}, found none",
                field(name, "channels")
            ),
        );
        return None;
    }
    let mut idx = Vec::new();
    let mut ok = true;
    for n in list.get_ref() {
        match channel_names.iter().position(|c| c == n.get_ref()) {
            Some(i) if !idx.contains(&i) => idx.push(i),
            Some(_) => {}
            None => {
                c.report(
                    n.span().start,
                    format!(
                        "{}: expected a channel of this model ({}), found '{}'",
                        field(name, "channels"),
                        channel_names.join(", "),
                        n.get_ref()
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(idx)
}

/// An optional cost (per hour or per shift), 0 or more.
fn cost(
    c: &mut Checker<'_>,
    value: &Option<Spanned<f64>>,
    name: &str,
    key: &str,
) -> Option<Option<f64>> {
    c.opt(value, |c, x| {
        c.non_negative(x, &field(name, key), "a cost of 0 or more")
    })
}

/// An optional number of shifts per day, 0 or more.
fn count(
    c: &mut Checker<'_>,
    value: &Option<Spanned<i64>>,
    name: &str,
    key: &str,
) -> Option<Option<u32>> {
    c.opt(value, |c, x| {
        c.whole(
            x,
            0..=1_000_000,
            &field(name, key),
            "a whole number, 0 or more",
        )
    })
}

/// `min_per_day` may not exceed `max_per_day`, or no plan could satisfy both.
fn per_day_in_order(
    c: &mut Checker<'_>,
    at: usize,
    name: &str,
    min_per_day: Option<u32>,
    max_per_day: Option<u32>,
) -> bool {
    match (min_per_day, max_per_day) {
        (Some(min), Some(max)) if min > max => {
            c.report(
                at,
                format!(
                    "{}: expected min_per_day ({min}) at most max_per_day ({max})",
                    field(name, "min_per_day")
                ),
            );
            false
        }
        _ => true,
    }
}

/// Breaks in the order they are taken; `None` when one is invalid or their windows overlap.
fn breaks(c: &mut Checker<'_>, raw: &RawShift, name: &str) -> Option<Vec<BreakRule>> {
    let mut breaks = Vec::new();
    let mut ok = true;
    for (i, b) in raw.breaks.iter().enumerate() {
        match break_rule(c, i, b.get_ref(), name) {
            Some(rule) => breaks.push(rule),
            None => ok = false,
        }
    }
    for pair in breaks.windows(2) {
        if pair[1].earliest_offset < pair[0].latest_offset + pair[0].minutes {
            c.report(
                raw.name.span().start,
                format!(
                    "{}: expected break windows in order without overlap, but '{}' may start before '{}' ends",
                    field(name, "breaks"),
                    pair[1].name,
                    pair[0].name
                ),
            );
            ok = false;
        }
    }
    ok.then_some(breaks)
}

/// One break: its length in whole minutes and the window in which it must start.
fn break_rule(c: &mut Checker<'_>, i: usize, rb: &RawBreak, name: &str) -> Option<BreakRule> {
    let break_name = rb
        .name
        .clone()
        .unwrap_or_else(|| format!("break {}", i + 1));
    let f = format!("breaks[{i}]");
    let length_field = field(name, &format!("{f}.length"));
    let minutes = c.whole_minutes(&rb.length, &length_field).and_then(|m| {
        // A break is a pause inside a shift: over 2 hours it is a split shift or a unit slip.
        if m > 120 {
            c.invalid(&rb.length, &length_field, "a break of at most 2h");
            None
        } else {
            Some(m)
        }
    });
    let window = break_window(c, &rb.window, &field(name, &format!("{f}.window")));
    let (minutes, (earliest_offset, latest_offset)) = (minutes?, window?);
    Some(BreakRule {
        name: break_name,
        minutes,
        paid: rb.paid.unwrap_or(false),
        earliest_offset,
        latest_offset,
    })
}

/// Earliest and latest start of a break, whole minutes after the shift start.
fn break_window(c: &mut Checker<'_>, value: &Value, field: &str) -> Option<(u32, u32)> {
    const WINDOW: &str = "a window of start offsets such as \"3h30m-5h\", earliest first";
    let t = c.text(value, field, WINDOW)?;
    let parsed = t
        .split_once('-')
        .and_then(|(a, b)| Some((parse_duration(a).ok()?, parse_duration(b).ok()?)));
    match parsed {
        Some((a, b)) if a <= b && (a / 60.0).fract() == 0.0 && (b / 60.0).fract() == 0.0 => {
            Some(((a / 60.0) as u32, (b / 60.0) as u32))
        }
        _ => {
            c.invalid(value, field, WINDOW);
            None
        }
    }
}

/// One template per paid length; a length too short to hold its breaks, or too long with its unpaid breaks
/// to fit in a day, is an error.
fn templates(
    c: &mut Checker<'_>,
    (name_at, key): (usize, &str),
    lengths: &[(u32, usize)],
    base: &ShiftTemplate,
    per_hour: Option<f64>,
    per_shift: Option<f64>,
) -> Vec<ShiftTemplate> {
    let mut out = Vec::new();
    for &(paid, at) in lengths {
        let shift = ShiftTemplate {
            name: if lengths.len() > 1 {
                format!("{} {}", base.name, format_duration(f64::from(paid) * 60.0))
            } else {
                base.name.clone()
            },
            paid_minutes: paid,
            cost: per_shift.unwrap_or_else(|| per_hour.unwrap_or(1.0) * f64::from(paid) / 60.0),
            ..base.clone()
        };
        let key = field(&base.name, key);
        if fits_in_a_day(c, &key, at, &shift)
            && breaks_inside(c, name_at, base, shift.span_minutes())
        {
            out.push(shift);
        }
    }
    out
}

/// Paid time plus unpaid breaks must fit in 24 hours.
fn fits_in_a_day(c: &mut Checker<'_>, field: &str, at: usize, shift: &ShiftTemplate) -> bool {
    let span = shift.span_minutes();
    if span <= DAY {
        return true;
    }
    c.report(
        at,
        format!(
            "{field}: expected at most 24h on site (paid length plus unpaid breaks), found {} paid + {} unpaid",
            format_duration(f64::from(shift.paid_minutes) * 60.0),
            format_duration(f64::from(span - shift.paid_minutes) * 60.0),
        ),
    );
    false
}

/// Every break must end within the shift (windows are in order, so the last one decides).
fn breaks_inside(c: &mut Checker<'_>, at: usize, base: &ShiftTemplate, span: u32) -> bool {
    let Some(last) = base.breaks.last() else {
        return true;
    };
    if last.latest_offset + last.minutes <= span {
        return true;
    }
    c.report(
        at,
        format!(
            "{}: expected every break to end within the {} shift, but '{}' may end {} after its start",
            field(&base.name, "breaks"),
            format_duration(f64::from(span) * 60.0),
            last.name,
            format_duration(f64::from(last.latest_offset + last.minutes) * 60.0)
        ),
    );
    false
}

/// The `[schedule]` options; a bad value is reported and its default kept.
pub(crate) fn validate_schedule(c: &mut Checker<'_>, raw: Option<&RawSchedule>) -> ScheduleRules {
    let mut rules = ScheduleRules::default();
    let Some(raw) = raw else { return rules };
    let non_negative = |c: &mut Checker<'_>, v: &Option<Spanned<f64>>, key: &str| {
        let field = format!("schedule.{key}");
        v.as_ref()
            .and_then(|x| c.non_negative(x, &field, "a number, 0 or more"))
    };
    if let Some(x) = non_negative(c, &raw.under_penalty, "under_penalty") {
        rules.under_penalty = x;
    }
    if let Some(x) = non_negative(c, &raw.over_penalty, "over_penalty") {
        rules.over_penalty = x;
    }
    if let Some(x) = &raw.max_agents_per_day {
        let expected = "a whole number above 0";
        if let Some(n) = c.whole(x, 1..=i64::MAX, "schedule.max_agents_per_day", expected) {
            rules.max_agents_per_day = Some(n);
        }
    }
    if let Some(v) = &raw.min_interval_service_level {
        if let Some(x) = c.share(v, "schedule.min_interval_service_level") {
            if x >= 1.0 {
                // No interval can be held at 100 %: every plan would be "short".
                c.invalid(
                    v,
                    "schedule.min_interval_service_level",
                    "a share below 100%",
                );
            }
            rules.min_interval_service_level = x;
        }
    }
    rules
}

//! Opening hours: per-weekday ranges of local wall-clock time, plus closed dates.
//!
//! Written as `"08:00-20:00"`, several ranges as `"08:00-12:00, 13:00-17:00"`, `"closed"`, or
//! `"00:00-24:00"` for around the clock. An interval is open when its local start time is inside a range;
//! being wall-clock, the rule is unaffected by daylight-saving changes. Also reads a channel's `hours` and
//! `closed_dates` keys.

use super::checker::Checker;
use super::raw::{RawChannel, Scalar, Value};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use std::collections::BTreeMap;

/// Day names as the model file writes them, Monday first.
pub(crate) const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Minutes after local midnight, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from_minute: u32,
    pub to_minute: u32,
}

/// When a channel is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    /// Monday first.
    days: [Vec<Range>; 7],
    closed_dates: Vec<NaiveDate>,
}

impl OpeningHours {
    /// Open around the clock, every day.
    pub fn always() -> OpeningHours {
        OpeningHours::new(OpeningHours::every_day_all_day(), Vec::new())
    }

    /// `00:00-24:00` on all seven days.
    pub fn every_day_all_day() -> [Vec<Range>; 7] {
        std::array::from_fn(|_| {
            vec![Range {
                from_minute: 0,
                to_minute: 24 * 60,
            }]
        })
    }

    pub fn new(days: [Vec<Range>; 7], closed_dates: Vec<NaiveDate>) -> OpeningHours {
        OpeningHours { days, closed_dates }
    }

    pub fn ranges(&self, day: Weekday) -> &[Range] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Whether an interval starting at this local time is open.
    pub fn is_open(&self, local: NaiveDateTime) -> bool {
        if self.closed_dates.contains(&local.date()) {
            return false;
        }
        let minute = local.time().hour() * 60 + local.time().minute();
        self.ranges(local.weekday())
            .iter()
            .any(|r| r.from_minute <= minute && minute < r.to_minute)
    }
}

/// Parses `"08:00-20:00"`, `"08:00-12:00, 13:00-17:00"` or `"closed"`.
pub fn parse_day(text: &str) -> Result<Vec<Range>, &'static str> {
    const EXPECTED: &str = "opening hours such as 08:00-20:00, 08:00-12:00, 13:00-17:00 or closed";
    let text = text.trim();
    if text.eq_ignore_ascii_case("closed") {
        return Ok(Vec::new());
    }
    let mut ranges = Vec::new();
    for part in text.split(',') {
        let (from, to) = part.trim().split_once('-').ok_or(EXPECTED)?;
        let from = parse_clock(from).ok_or(EXPECTED)?;
        let to = parse_clock(to).ok_or(EXPECTED)?;
        if to <= from {
            return Err(
                "ranges that end after they start, e.g. 08:00-20:00 (use 00:00-24:00 for all day)",
            );
        }
        if ranges
            .iter()
            .any(|r: &Range| from < r.to_minute && r.from_minute < to)
        {
            return Err("ranges that do not overlap");
        }
        ranges.push(Range {
            from_minute: from,
            to_minute: to,
        });
    }
    ranges.sort_by_key(|r| r.from_minute);
    Ok(ranges)
}

/// `HH:MM` as minutes after midnight; `24:00` is the end of the day.
fn parse_clock(text: &str) -> Option<u32> {
    let text = text.trim();
    if text == "24:00" {
        return Some(24 * 60);
    }
    let time = NaiveTime::parse_from_str(text, "%H:%M").ok()?;
    Some(time.hour() * 60 + time.minute())
}

/// A local clock time `HH:MM` (up to `47:59` for starts past midnight) as minutes.
pub(crate) fn parse_clock_minutes(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 48 && m < 60).then_some(h * 60 + m)
}

/// Weekday indices (Monday 0) a day key names: a single day, `weekdays`, `weekend` or `every_day`.
pub(crate) fn day_indices(key: &str) -> Option<Vec<usize>> {
    match key {
        "every_day" => Some((0..7).collect()),
        "weekdays" => Some((0..5).collect()),
        "weekend" => Some(vec![5, 6]),
        k => WEEKDAYS.iter().position(|d| *d == k).map(|i| vec![i]),
    }
}

/// A channel's opening hours: around the clock unless `hours` says otherwise, minus closed dates.
pub(crate) fn validate_hours(
    c: &mut Checker<'_>,
    raw: &RawChannel,
    name: &str,
    interval: u32,
) -> Option<OpeningHours> {
    let closed_dates = closed_dates(c, &raw.closed_dates, name);
    let days = match &raw.hours {
        None => Some(OpeningHours::every_day_all_day()),
        Some(map) => weekly_hours(c, map, name, interval),
    };
    Some(OpeningHours::new(days?, closed_dates?))
}

/// Dates on which the channel stays closed whatever the weekday says.
fn closed_dates(c: &mut Checker<'_>, dates: &[Value], name: &str) -> Option<Vec<NaiveDate>> {
    let mut closed = Vec::new();
    let mut ok = true;
    for v in dates {
        let date = match v.get_ref() {
            Scalar::Text(t) => NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok(),
            _ => None,
        };
        match date {
            Some(d) => closed.push(d),
            None => {
                c.invalid(
                    v,
                    &format!("channel '{name}': closed_dates"),
                    "dates such as \"2026-12-24\"",
                );
                ok = false;
            }
        }
    }
    ok.then_some(closed)
}

/// Ranges per weekday from the `hours` table; a day left out is closed.
fn weekly_hours(
    c: &mut Checker<'_>,
    map: &BTreeMap<String, Value>,
    name: &str,
    interval: u32,
) -> Option<[Vec<Range>; 7]> {
    let mut days: [Option<Vec<Range>>; 7] = Default::default();
    let mut ok = true;
    // Shorthands first, then single days override them.
    let mut keys: Vec<(&String, &Value)> = map.iter().collect();
    keys.sort_by_key(|(k, _)| !matches!(k.as_str(), "weekdays" | "weekend" | "every_day"));
    for (key, v) in keys {
        let field = format!("channel '{name}': hours.{key}");
        let Some(targets) = day_indices(key) else {
            c.report(
                v.span().start,
                format!("{field}: expected a day (mon … sun, weekdays, weekend or every_day)"),
            );
            ok = false;
            continue;
        };
        let Some(text) = c.text(v, &field, "opening hours such as \"08:00-20:00\"") else {
            ok = false;
            continue;
        };
        match parse_day(text) {
            Ok(ranges) if !on_grid(c, v, &field, &ranges, interval) => ok = false,
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
    ok.then_some(days)
}

/// Every opening and closing time on the planning grid: an interval is open by its start, so a time off
/// the grid would silently open or close a whole interval.
fn on_grid(c: &mut Checker<'_>, v: &Value, field: &str, ranges: &[Range], interval: u32) -> bool {
    let off = ranges
        .iter()
        .flat_map(|r| [r.from_minute, r.to_minute])
        .find(|m| m % interval != 0);
    let Some(m) = off else { return true };
    c.report(
        v.span().start,
        format!(
            "{field}: expected times on the {interval}-minute planning grid, found '{:02}:{:02}'",
            m / 60,
            m % 60
        ),
    );
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_days() {
        assert_eq!(parse_day("closed"), Ok(vec![]));
        assert_eq!(
            parse_day("13:00-17:00, 08:00-12:00"),
            Ok(vec![
                Range {
                    from_minute: 480,
                    to_minute: 720
                },
                Range {
                    from_minute: 780,
                    to_minute: 1020
                }
            ])
        );
        assert_eq!(parse_day("00:00-24:00").map(|r| r[0].to_minute), Ok(1440));
        for bad in [
            "",
            "8-20",
            "20:00-08:00",
            "08:00-12:00,11:00-13:00",
            "25:00-26:00",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn open_by_local_start_and_closed_dates() {
        let mut days: [Vec<Range>; 7] = Default::default();
        days[0] = parse_day("08:00-16:00").expect("valid");
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a Monday");
        let closed = NaiveDate::from_ymd_opt(2026, 11, 30).expect("next Monday");
        let hours = OpeningHours::new(days, vec![closed]);
        let at = |d: NaiveDate, h, m| d.and_hms_opt(h, m, 0).expect("time");
        assert!(!hours.is_open(at(date, 7, 45)));
        assert!(hours.is_open(at(date, 8, 0)));
        assert!(hours.is_open(at(date, 15, 45)));
        assert!(!hours.is_open(at(date, 16, 0)));
        assert!(!hours.is_open(at(closed, 10, 0)));
        assert!(!hours.is_open(at(date.succ_opt().expect("tue"), 10, 0)));
    }
}

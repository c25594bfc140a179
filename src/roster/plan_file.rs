//! Reads a shift plan back from `shifts.csv` (as `vuoro schedule` writes it, or as a planner edited it),
//! so a roster can be made from any plan.
//!
//! Columns: `date, template, start, end, breaks, count, paid_hours, channels` (any order; others ignored).
//! `start`/`end` are local ISO times with or without offset; `breaks` is `HH:MM-HH:MM name (paid|unpaid)`
//! separated by `; `, each placed on the shift's own span (so a break at 01:00 of a 22:00 shift is the next
//! morning) and required to lie inside it without overlapping another; `channels` is `;`-separated; `date`
//! is the start's local date (or the day before, for starts written past midnight).

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::forecast::parse_instant;
use crate::model::Model;
use crate::staffing::{Break, ChannelId, Span, Staffing, TemplateId};
use chrono::{Duration, NaiveDate, NaiveTime};
use std::path::Path;

/// Reads `shifts.csv` for `model`; `path` only names the file in diagnostics.
pub fn read_shifts(path: &Path, text: &str, model: &Model) -> Result<Staffing, Diagnostics> {
    let mut problems = Vec::new();
    let mut at = |line: u64, column: Option<usize>, message: String| {
        problems.push(Diagnostic {
            location: Location {
                path: path.to_path_buf(),
                line,
                column: column.map(|c| c as u64 + 1),
            },
            message,
        })
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            at(1, None, format!("not valid CSV: {e}"));
            return Err(Diagnostics(problems));
        }
    };
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let needed = [
        "date",
        "template",
        "start",
        "end",
        "breaks",
        "count",
        "paid_hours",
        "channels",
    ];
    let index: Vec<Option<usize>> = needed.iter().map(|n| col(n)).collect();
    for (n, i) in needed.iter().zip(&index) {
        if i.is_none() {
            at(1, None, format!("missing column '{n}' (required)"));
        }
    }
    let [Some(c_date), Some(c_template), Some(c_start), Some(c_end), Some(c_breaks), Some(c_count), Some(c_paid), Some(c_channels)] =
        index[..]
    else {
        return Err(Diagnostics(problems));
    };
    let tz = model.time_zone;
    let mut shifts = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                at(
                    e.position().map_or(0, |p| p.line()),
                    None,
                    format!("not valid CSV: {e}"),
                );
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |i: usize| record.get(i).unwrap_or_default();
        let date = NaiveDate::parse_from_str(get(c_date), "%Y-%m-%d").map_err(|_| ());
        if date.is_err() {
            at(
                line,
                Some(c_date),
                format!(
                    "date: expected a date such as 2026-11-23, found '{}'",
                    get(c_date)
                ),
            );
        }
        let mut instant = |i: usize, name: &str| match parse_instant(get(i), tz) {
            Ok(t) => Some(t),
            Err(e) => {
                at(line, Some(i), format!("{name}: {e}, found '{}'", get(i)));
                None
            }
        };
        let (start, end) = (instant(c_start, "start"), instant(c_end, "end"));
        let count = get(c_count).parse::<u32>().ok().filter(|c| *c > 0);
        if count.is_none() {
            at(
                line,
                Some(c_count),
                format!(
                    "count: expected a whole number of agents, 1 or more, found '{}'",
                    get(c_count)
                ),
            );
        }
        let paid = get(c_paid)
            .parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && (0.0..=24.0).contains(h));
        if paid.is_none() {
            at(
                line,
                Some(c_paid),
                format!(
                    "paid_hours: expected hours from 0 to 24, found '{}'",
                    get(c_paid)
                ),
            );
        }
        let channels: Vec<String> = get(c_channels)
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        if channels.is_empty() || channels.iter().any(|c| model.channel_index(c).is_none()) {
            at(
                line,
                Some(c_channels),
                format!(
                    "channels: expected channels of the model separated by ';', found '{}'",
                    get(c_channels)
                ),
            );
        }
        let template = model
            .shifts
            .iter()
            .position(|t| t.name == get(c_template))
            .map(TemplateId);
        if template.is_none() {
            let names: Vec<&str> = model.shifts.iter().map(|t| t.name.as_str()).collect();
            at(
                line,
                Some(c_template),
                format!(
                    "template: expected one of the model's shift templates ({}), found '{}'",
                    names.join(", "),
                    get(c_template)
                ),
            );
        }
        let (Ok(date), Some(start), Some(end), Some(count), Some(paid), Some(template)) =
            (date, start, end, count, paid, template)
        else {
            continue;
        };
        if end <= start {
            at(
                line,
                Some(c_end),
                format!("end: expected a time after start, found '{}'", get(c_end)),
            );
            continue;
        }
        let mut breaks = Vec::new();
        for part in get(c_breaks)
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let parsed = (|| {
                let (times, rest) = part.split_once(' ')?;
                let (from, to) = times.split_once('-')?;
                let (from, to) = (
                    NaiveTime::parse_from_str(from, "%H:%M").ok()?,
                    NaiveTime::parse_from_str(to, "%H:%M").ok()?,
                );
                let paid = rest.trim_end().ends_with("(paid)");
                let name = rest
                    .rsplit_once(" (")
                    .map_or(rest, |(n, _)| n)
                    .trim()
                    .to_string();
                // The first instant at that local time inside the shift.
                let local_start = start.with_timezone(&tz);
                let mut t = local_start.date_naive().and_time(from);
                if t < local_start.naive_local() {
                    t += Duration::days(1);
                }
                let begin =
                    crate::forecast::parse_instant(&t.format("%Y-%m-%dT%H:%M").to_string(), tz)
                        .ok()?;
                let mut minutes = (to - from).num_minutes();
                if minutes < 0 {
                    minutes += 24 * 60; // a break across midnight
                }
                let inside =
                    minutes > 0 && begin >= start && begin + Duration::minutes(minutes) <= end;
                inside.then_some(Break {
                    start: begin,
                    minutes: minutes as u32,
                    paid,
                    name,
                })
            })();
            match parsed {
                Some(b) => breaks.push(b),
                None => at(line, Some(c_breaks), format!("breaks: expected 'HH:MM-HH:MM name (paid|unpaid)' inside the shift, found '{part}'")),
            }
        }
        breaks.sort();
        if breaks
            .windows(2)
            .any(|w| w[0].start + Duration::minutes(i64::from(w[0].minutes)) > w[1].start)
        {
            at(
                line,
                Some(c_breaks),
                "breaks: expected breaks that do not overlap".to_string(),
            );
            continue;
        }
        let start_date = start.with_timezone(&tz).date_naive();
        if date != start_date && date.succ_opt() != Some(start_date) {
            at(
                line,
                Some(c_date),
                format!("date: expected the shift's start date {start_date} (or the day before, for starts past midnight), found {date}"),
            );
            continue;
        }
        shifts.push(Span {
            agent: None,
            template,
            date,
            start,
            end,
            breaks,
            channels: channels
                .iter()
                .filter_map(|c| model.channel_index(c).map(ChannelId))
                .collect(),
            count,
            paid_minutes: (paid * 60.0).round() as u32,
            cost: model.shifts[template.0].cost,
        });
    }
    if problems.is_empty() {
        Ok(Staffing::new(shifts))
    } else {
        Err(Diagnostics(problems))
    }
}

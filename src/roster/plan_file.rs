//! Reads a shift plan back from `shifts.csv` (as `vuoro schedule` writes it, or as a planner edited it),
//! so a roster can be made from any plan.
//!
//! Columns: `date, template, start, end, breaks, count, paid_hours, channels` (any order; others ignored).
//! `start`/`end` are local ISO times with or without offset; `breaks` is `HH:MM-HH:MM name (paid|unpaid)`
//! separated by `; `, each placed on the shift's own span (so a break at 01:00 of a 22:00 shift is the next
//! morning) and required to lie inside it without overlapping another; `channels` is `;`-separated; `date`
//! is the start's local date (or the day before, for starts written past midnight).
//!
//! Limits: `count` at most [`MAX_COUNT`] per row and [`MAX_AGENT_SHIFTS`] in the file (each agent-shift
//! is rostered on its own), `paid_hours` at most the shift's length,
//! `end` at most [`MAX_SHIFT_HOURS`] after `start`, and every shift within
//! [`MAX_PERIOD_DAYS`] days of the others.

use crate::csv_input::{
    period_window, shown, window_dates, Columns, CsvFile, Fields, Problems, Row, MAX_PERIOD_DAYS,
};
use crate::error::Diagnostics;
use crate::forecast::parse_instant;
use crate::model::Model;
use crate::staffing::{ChannelId, Span, Staffing, TemplateId};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use std::num::IntErrorKind;
use std::path::Path;

/// The columns of `shifts.csv`, all required.
const COLUMNS: [&str; 8] = [
    "date",
    "template",
    "start",
    "end",
    "breaks",
    "count",
    "paid_hours",
    "channels",
];

/// Most agents one row may ask for.
pub const MAX_COUNT: u32 = 100_000;

/// Most agent-shifts a plan file may hold in all (the roster offers each to every agent).
pub const MAX_AGENT_SHIFTS: u64 = 1_000_000;

/// Longest shift on site, start to end: two days.
pub const MAX_SHIFT_HOURS: i64 = 48;

/// Reads `shifts.csv` for `model`; `path` only names the file in diagnostics.
pub fn read_shifts(path: &Path, text: &str, model: &Model) -> Result<Staffing, Diagnostics> {
    let columns = Columns::new(&COLUMNS, &COLUMNS)
        .others_ignored()
        .fields(Fields::AsHeader);
    let mut file = CsvFile::open(path, text, &columns)?;
    let shifts =
        file.read_rows(|problems, row| read_shift(problems, row, model).map(|s| (row.line, s)));
    check_plan(&mut file, model, &shifts);
    file.problems
        .finish(Staffing::new(shifts.into_iter().map(|(_, s)| s).collect()))
}

/// The checks across rows: the file's total of agent-shifts (reported at the row that passes it) and
/// its period (every shift outside the [`MAX_PERIOD_DAYS`] days that hold the most is reported).
fn check_plan(file: &mut CsvFile, model: &Model, shifts: &[(u64, Span)]) {
    let mut total = 0u64;
    for (line, span) in shifts {
        total += u64::from(span.count);
        if total > MAX_AGENT_SHIFTS {
            file.problems.at(*line, file.header.index("count"), format!("count: expected at most {MAX_AGENT_SHIFTS} agent-shifts in the file, found {total} by this row"));
            break;
        }
    }
    let starts: Vec<DateTime<Utc>> = shifts.iter().map(|(_, s)| s.start).collect();
    let Some(window) = period_window(&starts) else {
        return;
    };
    let dates = window_dates(model.time_zone, window);
    for (line, span) in shifts
        .iter()
        .filter(|(_, s)| s.start < window.0 || s.start >= window.1)
    {
        file.problems.at(*line, file.header.index("start"), format!("start: expected a shift within {MAX_PERIOD_DAYS} days of the plan's other shifts ({dates}), found {}", crate::forecast::local_iso(model, span.start)));
    }
}

/// The cells of one row as read (`None` where wrong).
struct Cells {
    date: Option<NaiveDate>,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    count: Option<u32>,
    paid_hours: Option<f64>,
    channels: Vec<String>,
}

/// One shift row: each cell checked on its own so that every wrong cell is reported, then the rules
/// across cells (end after start, breaks inside the shift, date of the start).
fn read_shift(problems: &mut Problems, row: &Row, model: &Model) -> Option<Span> {
    let cells = read_cells(problems, row, model);
    let template = problems.cell(row, "template", |v| {
        model
            .shifts
            .iter()
            .position(|t| t.name == v)
            .map(TemplateId)
            .ok_or_else(|| {
                let names: Vec<&str> = model.shifts.iter().map(|t| t.name.as_str()).collect();
                format!(
                    "template: expected one of the model's shift templates ({}), found '{v}'",
                    names.join(", ")
                )
            })
    });
    let (template, date, start, end, count, paid_hours) = (
        template?,
        cells.date?,
        cells.start?,
        cells.end?,
        cells.count?,
        cells.paid_hours?,
    );
    check_length(problems, row, (start, end), paid_hours)?;
    check_template_channels(problems, row, model, template, &cells.channels)?;
    let breaks = read_breaks(problems, row, model.time_zone, start, end)?;
    let start_date = start.with_timezone(&model.time_zone).date_naive();
    if date != start_date && date.succ_opt() != Some(start_date) {
        problems.at(
            row.line,
            row.cell("date").map(|(i, _)| i),
            format!("date: expected the shift's start date {start_date} (or the day before, for starts past midnight), found {date}"),
        );
        return None;
    }
    Some(build_shift(
        model,
        date,
        template,
        (start, end),
        breaks,
        count,
        paid_hours,
        cells.channels,
    ))
}

/// A shift works channels its template works: agents are chosen by the template's skills.
fn check_template_channels(
    problems: &mut Problems,
    row: &Row,
    model: &Model,
    template: TemplateId,
    channels: &[String],
) -> Option<()> {
    let t = &model.shifts[template.0];
    let allowed: Vec<&str> = t
        .channels
        .iter()
        .map(|&c| model.channels[c].name.as_str())
        .collect();
    if let Some(bad) = channels.iter().find(|c| !allowed.contains(&c.as_str())) {
        problems.at(
            row.line,
            row.cell("channels").map(|(i, _)| i),
            format!(
                "channels: expected channels of template '{}' ({}), found '{}'",
                t.name,
                allowed.join(", "),
                shown(bad)
            ),
        );
        return None;
    }
    Some(())
}

/// The shift's length: `end` after `start` by at most [`MAX_SHIFT_HOURS`], `paid_hours` within it.
fn check_length(
    problems: &mut Problems,
    row: &Row,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    paid_hours: f64,
) -> Option<()> {
    if end <= start || end - start > Duration::hours(MAX_SHIFT_HOURS) {
        let (i, text) = row.cell("end")?;
        let expected = if end <= start {
            "a time after start".to_string()
        } else {
            format!("at most {MAX_SHIFT_HOURS} hours after start")
        };
        problems.at(
            row.line,
            Some(i),
            format!("end: expected {expected}, found '{}'", shown(text)),
        );
        return None;
    }
    let length_h = (end - start).num_minutes() as f64 / 60.0;
    if paid_hours > length_h + 1.0 / 60.0 {
        problems.at(
            row.line,
            row.cell("paid_hours").map(|(i, _)| i),
            format!("paid_hours: expected at most the shift's length ({length_h} h), found {paid_hours}"),
        );
        return None;
    }
    Some(())
}

/// Checks each cell of a row on its own, so that every wrong cell of the row is reported.
fn read_cells(problems: &mut Problems, row: &Row, model: &Model) -> Cells {
    let date = problems.cell(row, "date", |v| {
        NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| format!("date: expected a date such as 2026-11-23, found '{v}'"))
    });
    let mut instant = |name: &str| {
        problems.cell(row, name, |v| {
            parse_instant(v, model.time_zone).map_err(|e| format!("{name}: {e}, found '{v}'"))
        })
    };
    let (start, end) = (instant("start"), instant("end"));
    let count = problems.cell(row, "count", parse_count);
    let paid_hours = problems.cell(row, "paid_hours", |v| {
        v.parse::<f64>()
            .ok()
            .filter(|h| h.is_finite() && (0.0..=24.0).contains(h))
            .ok_or_else(|| format!("paid_hours: expected hours from 0 to 24, found '{v}'"))
    });
    // Wrong channels are reported but do not stop the checks across cells.
    let channels: Vec<String> = row
        .text("channels")
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    if channels.is_empty() || channels.iter().any(|c| model.channel_index(c).is_none()) {
        if let Some((i, v)) = row.cell("channels") {
            problems.at(
                row.line,
                Some(i),
                format!(
                    "channels: expected channels of the model separated by ';', found '{}'",
                    shown(v)
                ),
            );
        }
    }
    Cells {
        date,
        start,
        end,
        count,
        paid_hours,
        channels,
    }
}

/// A `count` cell: a whole number of agents from 1 to [`MAX_COUNT`].
fn parse_count(v: &str) -> Result<u32, String> {
    let too_many = match v.parse::<u64>() {
        Ok(c) if (1..=u64::from(MAX_COUNT)).contains(&c) => return Ok(c as u32),
        Ok(c) => c > 0,
        Err(e) => *e.kind() == IntErrorKind::PosOverflow,
    };
    Err(if too_many {
        format!("count: expected at most {MAX_COUNT} agents per row, found '{v}'")
    } else {
        format!("count: expected a whole number of agents, 1 or more, found '{v}'")
    })
}

/// A break as read, kept apart from [`PlannedBreak`] (which [`build_shift`] makes) so that the checks
/// here do not depend on how a plan stores its breaks. Ordered like a plan's breaks: by start first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Break {
    start: DateTime<Utc>,
    minutes: u32,
    paid: bool,
    name: String,
}

/// The `breaks` cell: every break that cannot be placed inside the shift is reported; `None` when
/// breaks overlap (a wrong break is left out, so the other checks of the row still run).
fn read_breaks(
    problems: &mut Problems,
    row: &Row,
    tz: Tz,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Option<Vec<Break>> {
    let (column, text) = row.cell("breaks")?;
    let mut breaks = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match parse_break(part, tz, start, end) {
            Some(b) => breaks.push(b),
            None => problems.at(row.line, Some(column), format!("breaks: expected 'HH:MM-HH:MM name (paid|unpaid)' inside the shift, found '{}'", shown(part))),
        }
    }
    breaks.sort();
    if breaks
        .windows(2)
        .any(|w| w[0].start + Duration::minutes(i64::from(w[0].minutes)) > w[1].start)
    {
        problems.at(
            row.line,
            Some(column),
            "breaks: expected breaks that do not overlap",
        );
        return None;
    }
    Some(breaks)
}

/// One `HH:MM-HH:MM name (paid|unpaid)` break, placed at the first instant of its local start time
/// inside the shift (a break at 01:00 of a 22:00 shift is the next morning); `None` if it is malformed
/// or does not lie inside the shift.
fn parse_break(part: &str, tz: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Break> {
    let (times, rest) = part.split_once(' ')?;
    let (from, to) = times.split_once('-')?;
    let (from, to) = (
        NaiveTime::parse_from_str(from, "%H:%M").ok()?,
        NaiveTime::parse_from_str(to, "%H:%M").ok()?,
    );
    // `name (paid)` or `name (unpaid)`, exactly: a guess would turn paid time into unpaid.
    let (name, kind) = rest.trim_end().rsplit_once(" (")?;
    let paid = match kind {
        "paid)" => true,
        "unpaid)" => false,
        _ => return None,
    };
    let name = name.trim().to_string();
    if name.is_empty() {
        return None;
    }
    let local_start = start.with_timezone(&tz);
    let mut t = local_start.date_naive().and_time(from);
    if t < local_start.naive_local() {
        t += Duration::days(1);
    }
    let begin = parse_instant(&t.format("%Y-%m-%dT%H:%M").to_string(), tz).ok()?;
    let mut minutes = (to - from).num_minutes();
    if minutes < 0 {
        minutes += 24 * 60; // a break across midnight
    }
    let inside = minutes > 0 && begin >= start && begin + Duration::minutes(minutes) <= end;
    inside.then_some(Break {
        start: begin,
        minutes: minutes as u32,
        paid,
        name,
    })
}

/// The one place that makes plan values from a row read without problems.
#[allow(clippy::too_many_arguments)]
fn build_shift(
    model: &Model,
    date: NaiveDate,
    template: TemplateId,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    breaks: Vec<Break>,
    count: u32,
    paid_hours: f64,
    channels: Vec<String>,
) -> Span {
    Span {
        agent: None,
        template,
        date,
        start,
        end,
        breaks: breaks
            .into_iter()
            .map(|b| crate::staffing::Break {
                start: b.start,
                minutes: b.minutes,
                paid: b.paid,
                name: b.name,
            })
            .collect(),
        channels: channels
            .iter()
            .filter_map(|c| model.channel_index(c).map(ChannelId))
            .collect(),
        count,
        paid_minutes: (paid_hours * 60.0).round() as u32,
        cost: model.shifts[template.0].cost,
    }
}

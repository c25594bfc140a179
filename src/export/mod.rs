//! Files HR, payroll and calendar tools import: `roster.csv`, `roster_daily.csv`, `ics/<id>.ics`,
//! `roster.json` and `roster.xlsx`. Every writer returns bytes; the binary writes them atomically. The
//! wire formats are documented for users in `docs/exports.md` (and `roster.json`'s schema there too).
//!
//! # `roster.csv`
//! One row per activity segment: `employee_id, name, team, schedule_date, start, end, timezone,
//! activity, channel, paid, duration_min`. `start`/`end` are local date-times in the model's time zone
//! (`2026-11-23T08:15`), `activity` is `work`, `break` (paid) or `lunch` (unpaid) or the model's code for
//! it, `channel` lists the channels of a work segment (`;`-separated, or `,` where `;` is the delimiter).
//! A shift that crosses midnight keeps its schedule date. The model's `[export.csv]` may select and
//! order columns, rename them, set the date and date-time formats, the delimiter, a byte-order mark,
//! the encoding and the decimal separator ([`csv`]).
//!
//! # `roster_daily.csv`
//! One row per agent and day with a shift: `employee_id, name, schedule_date, paid_min, unpaid_min,
//! contract_min` (contract minutes per working day: weekly contract hours spread over `max_days`).
//!
//! # `ics/<employee_id>.ics`, `roster.json`, `roster.xlsx`
//! See [`calendars`], [`roster_json`] and [`roster_xlsx`].

pub mod csv;
mod ics;
mod json;
mod previous;
mod xlsx;

use self::csv::{Cell, Table};
use crate::agents::Agent;
use crate::model::rules::CsvLayout;
use crate::model::{Model, ROSTER_COLUMNS};
use crate::roster::Roster;
use crate::staffing::Span;
use chrono::{DateTime, Duration, Utc};

pub use ics::{calendars, calendars_after};
pub use json::{roster_json, roster_json_with, SCHEMA_VERSION};
pub use previous::{
    previous_from_ics, previous_from_json, sequences, Previous, PreviousEvent, Sequences,
};
pub use xlsx::roster_xlsx;

/// One row of `roster.csv`.
struct Segment<'a> {
    assignment: &'a Span,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    activity: &'static str,
    paid: bool,
}

/// Work and break segments of a shift, in time order.
fn segments(a: &Span) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut cursor = a.start;
    let mut breaks = a.breaks.clone();
    breaks.sort();
    for b in &breaks {
        let end = b.start + Duration::minutes(i64::from(b.minutes));
        if b.start > cursor {
            out.push(Segment {
                assignment: a,
                start: cursor,
                end: b.start,
                activity: "work",
                paid: true,
            });
        }
        out.push(Segment {
            assignment: a,
            start: b.start,
            end,
            activity: if b.paid { "break" } else { "lunch" },
            paid: b.paid,
        });
        cursor = end;
    }
    if a.end > cursor {
        out.push(Segment {
            assignment: a,
            start: cursor,
            end: a.end,
            activity: "work",
            paid: true,
        });
    }
    out
}

fn local(model: &Model, t: DateTime<Utc>, format: &str) -> String {
    t.with_timezone(&model.time_zone).format(format).to_string()
}

/// `roster.csv` in the model's layout.
pub fn roster_csv(model: &Model, roster: &Roster) -> String {
    let layout = &model.export_csv;
    let columns = roster_columns(layout);
    let formats = CsvFormats {
        date: layout.date_format.as_deref().unwrap_or("%Y-%m-%d"),
        datetime: layout
            .datetime_format
            .as_deref()
            .unwrap_or("%Y-%m-%dT%H:%M"),
    };
    let mut table = Table::new(layout, &csv_header(layout, &columns));
    for a in roster.spans() {
        let Some(agent) = roster.agent_of(a) else {
            continue;
        };
        for s in segments(a) {
            let row: Vec<Cell> = columns
                .iter()
                .map(|c| segment_cell(model, agent, &s, c, &formats))
                .collect();
            table.row(&row);
        }
    }
    table.finish()
}

/// The columns `roster.csv` writes, in order.
fn roster_columns(layout: &CsvLayout) -> Vec<String> {
    layout
        .columns
        .clone()
        .unwrap_or_else(|| ROSTER_COLUMNS.iter().map(|c| c.to_string()).collect())
}

/// The date and date-time formats of `roster.csv` (the layout's, or ISO).
struct CsvFormats<'a> {
    date: &'a str,
    datetime: &'a str,
}

/// The header of `roster.csv`: the chosen columns under the layout's names for them.
fn csv_header(layout: &CsvLayout, columns: &[String]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            layout
                .rename
                .iter()
                .find(|(from, _)| from == c)
                .map_or(c.clone(), |(_, to)| to.clone())
        })
        .collect()
}

/// One cell of `roster.csv`: the segment's value in `column`.
fn segment_cell(
    model: &Model,
    agent: &Agent,
    s: &Segment<'_>,
    column: &str,
    formats: &CsvFormats<'_>,
) -> Cell {
    let layout = &model.export_csv;
    match column {
        "employee_id" => Cell::Text(agent.id.clone()),
        "name" => Cell::Text(agent.name.clone()),
        "team" => Cell::Text(agent.team.clone()),
        "schedule_date" => Cell::Plain(s.assignment.date.format(formats.date).to_string()),
        "start" => Cell::Plain(local(model, s.start, formats.datetime)),
        "end" => Cell::Plain(local(model, s.end, formats.datetime)),
        "timezone" => Cell::Plain(model.time_zone.name().to_string()),
        "activity" => Cell::Text(layout.activity_code(s.activity).to_string()),
        "channel" if s.activity == "work" => Cell::Text(
            s.assignment
                .channel_names(model)
                .join(list_separator(layout)),
        ),
        "paid" => Cell::Plain(s.paid.to_string()),
        "duration_min" => Cell::Number((s.end - s.start).num_minutes() as f64, 0),
        _ => Cell::Empty,
    }
}

/// The separator of a list inside one cell: `;`, or `,` where `;` separates the fields.
fn list_separator(layout: &CsvLayout) -> &'static str {
    if layout.delimiter == ';' {
        ","
    } else {
        ";"
    }
}

/// `roster_daily.csv`: paid, unpaid and contract minutes per agent and day.
pub fn roster_daily_csv(model: &Model, roster: &Roster) -> String {
    let header = [
        "employee_id",
        "name",
        "schedule_date",
        "paid_min",
        "unpaid_min",
        "contract_min",
    ];
    let mut table = Table::new(&model.export_csv, &header);
    let date_format = model
        .export_csv
        .date_format
        .as_deref()
        .unwrap_or("%Y-%m-%d");
    for a in roster.spans() {
        let Some(agent) = roster.agent_of(a) else {
            continue;
        };
        let unpaid = f64::from(a.unpaid_minutes());
        let span = (a.end - a.start).num_minutes() as f64;
        table.row(&[
            Cell::Text(agent.id.clone()),
            Cell::Text(agent.name.clone()),
            Cell::Plain(a.date.format(date_format).to_string()),
            Cell::Number(span - unpaid, 0),
            Cell::Number(unpaid, 0),
            Cell::Number(contract_minutes_per_day(agent), 0),
        ]);
    }
    table.finish()
}

/// Contract minutes per working day: weekly contract hours spread over the agent's `max_days`.
fn contract_minutes_per_day(agent: &Agent) -> f64 {
    (agent.contract_hours * 60.0 / f64::from(agent.max_days.max(1))).round()
}

//! Files HR, payroll and calendar tools import: `roster.csv`, `roster_daily.csv`, `ics/<id>.ics`,
//! `roster.json` and `roster.xlsx`. Every writer returns bytes; the binary writes them atomically.
//!
//! # `roster.csv`
//! One row per activity segment: `employee_id, name, team, schedule_date, start, end, timezone,
//! activity, channel, paid, duration_min`. `start`/`end` are local date-times in the model's time zone
//! (`2026-11-23T08:15`), `activity` is `work`, `break` (paid) or `lunch` (unpaid), `channel` lists the
//! channels of a work segment (`;`-separated). A shift that crosses midnight keeps its schedule date. The
//! model's `[export.csv]` may select and order columns, rename them and set the date and date-time formats.
//!
//! # `roster_daily.csv`
//! One row per agent and day with a shift: `employee_id, name, schedule_date, paid_min, unpaid_min,
//! contract_min` (contract minutes per working day: weekly contract hours spread over `max_days`).
//!
//! # `ics/<employee_id>.ics`
//! RFC 5545 calendars, one per agent: a `VTIMEZONE` with the zone's transitions around the period, one
//! `VEVENT` per shift with `DTSTART;TZID=…`/`DTEND;TZID=…`, a stable `UID` (`<id>-<start>@vuoro`) and a
//! `DTSTAMP` fixed by the plan (its first interval), so the same plan gives byte-identical files. Breaks are
//! listed in the event's `DESCRIPTION`.
//!
//! # `roster.json`
//! `{ "model", "time_zone", "agents": [{ "id", "name", "team", "skills", "contract_hours", "shifts":
//! [{ "date", "template", "start", "end", "paid_hours", "channels", "breaks": [{ "name", "start",
//! "end", "paid" }] }] }], "open_shifts": [{ "date", "template", "start", "end", "missing", "turned_away": { rule code: agents } }],
//! "violations": [{ "employee_id", "rule", "detail" }] }` — times as local ISO with offset.
//!
//! # `roster.xlsx`
//! Sheet `Roster`: agents × days, each cell the shift's local times; sheet `Segments`: `roster.csv`.

mod ics;

use crate::agents::Agent;
use crate::calculator::output::csv_field;
use crate::model::rules::CsvLayout;
use crate::model::{Model, ROSTER_COLUMNS};
use crate::roster::Roster;
use crate::staffing::{AgentId, Span};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use std::collections::BTreeSet;

pub use ics::calendars;

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
    let columns: Vec<String> = layout
        .columns
        .clone()
        .unwrap_or_else(|| ROSTER_COLUMNS.iter().map(|c| c.to_string()).collect());
    let formats = CsvFormats {
        date: layout.date_format.as_deref().unwrap_or("%Y-%m-%d"),
        datetime: layout
            .datetime_format
            .as_deref()
            .unwrap_or("%Y-%m-%dT%H:%M"),
    };
    let mut out = csv_header(layout, &columns);
    for a in roster.spans() {
        let Some(agent) = roster.agent_of(a) else {
            continue;
        };
        for s in segments(a) {
            let row: Vec<String> = columns
                .iter()
                .map(|c| csv_field(&segment_cell(model, agent, &s, c, &formats)))
                .collect();
            out.push_str(&row.join(","));
            out.push('\n');
        }
    }
    out
}

/// The date and date-time formats of `roster.csv` (the layout's, or ISO).
struct CsvFormats<'a> {
    date: &'a str,
    datetime: &'a str,
}

/// The header line of `roster.csv`: the chosen columns under the layout's names for them.
fn csv_header(layout: &CsvLayout, columns: &[String]) -> String {
    let header: Vec<String> = columns
        .iter()
        .map(|c| {
            layout
                .rename
                .iter()
                .find(|(from, _)| from == c)
                .map_or(c.clone(), |(_, to)| to.clone())
        })
        .collect();
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    out
}

/// One cell of `roster.csv`, unquoted: the segment's value in `column`.
fn segment_cell(
    model: &Model,
    agent: &Agent,
    s: &Segment<'_>,
    column: &str,
    formats: &CsvFormats<'_>,
) -> String {
    match column {
        "employee_id" => agent.id.clone(),
        "name" => agent.name.clone(),
        "team" => agent.team.clone(),
        "schedule_date" => s.assignment.date.format(formats.date).to_string(),
        "start" => local(model, s.start, formats.datetime),
        "end" => local(model, s.end, formats.datetime),
        "timezone" => model.time_zone.name().to_string(),
        "activity" => s.activity.to_string(),
        "channel" => {
            if s.activity == "work" {
                s.assignment.channel_names(model).join(";")
            } else {
                String::new()
            }
        }
        "paid" => s.paid.to_string(),
        "duration_min" => (s.end - s.start).num_minutes().to_string(),
        _ => String::new(),
    }
}

/// `roster_daily.csv`: paid, unpaid and contract minutes per agent and day.
pub fn roster_daily_csv(roster: &Roster) -> String {
    let mut out = String::from("employee_id,name,schedule_date,paid_min,unpaid_min,contract_min\n");
    for a in roster.spans() {
        let Some(agent) = roster.agent_of(a) else {
            continue;
        };
        let unpaid = i64::from(a.unpaid_minutes());
        let span = (a.end - a.start).num_minutes();
        let contract =
            (agent.contract_hours * 60.0 / f64::from(agent.max_days.max(1))).round() as i64;
        let row = [
            csv_field(&agent.id),
            csv_field(&agent.name),
            a.date.to_string(),
            (span - unpaid).to_string(),
            unpaid.to_string(),
            contract.to_string(),
        ];
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct JsonRoster<'a> {
    model: &'a str,
    time_zone: &'a str,
    agents: Vec<JsonAgent>,
    open_shifts: Vec<JsonOpen>,
    violations: Vec<JsonViolation>,
}

#[derive(Serialize)]
struct JsonAgent {
    id: String,
    name: String,
    team: String,
    skills: Vec<String>,
    contract_hours: f64,
    shifts: Vec<JsonShift>,
}

#[derive(Serialize)]
struct JsonShift {
    date: String,
    template: String,
    start: String,
    end: String,
    paid_hours: f64,
    channels: Vec<String>,
    breaks: Vec<JsonBreak>,
}

#[derive(Serialize)]
struct JsonBreak {
    name: String,
    start: String,
    end: String,
    paid: bool,
}

#[derive(Serialize)]
struct JsonOpen {
    date: String,
    template: String,
    start: String,
    end: String,
    missing: u32,
    /// Rule code → agents it turned away.
    turned_away: std::collections::BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct JsonViolation {
    employee_id: Option<String>,
    rule: String,
    detail: String,
}

/// `roster.json` (schema in the module docs).
pub fn roster_json(model: &Model, roster: &Roster) -> String {
    let agents = roster
        .agents
        .iter()
        .enumerate()
        .map(|(i, agent)| json_agent(model, roster, AgentId(i), agent))
        .collect();
    let open_shifts = roster
        .open
        .iter()
        .map(|o| JsonOpen {
            date: o.span.date.to_string(),
            template: o.span.template_name(model).to_string(),
            start: iso(model, o.span.start),
            end: iso(model, o.span.end),
            missing: o.span.count,
            turned_away: o.turned_away.iter().map(|(r, n)| (r.code(), *n)).collect(),
        })
        .collect();
    let violations = roster
        .violations
        .iter()
        .map(|v| JsonViolation {
            employee_id: v.agent.map(|a| roster.agents[a].id.clone()),
            rule: v.rule.to_string(),
            detail: v.detail.clone(),
        })
        .collect();
    let doc = JsonRoster {
        model: &model.name,
        time_zone: model.time_zone.name(),
        agents,
        open_shifts,
        violations,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Local ISO date-time with offset, the time form of `roster.json`.
fn iso(model: &Model, t: DateTime<Utc>) -> String {
    crate::forecast::local_iso(model, t)
}

/// An agent of `roster.json` with the agent's shifts.
fn json_agent(model: &Model, roster: &Roster, id: AgentId, agent: &Agent) -> JsonAgent {
    JsonAgent {
        id: agent.id.clone(),
        name: agent.name.clone(),
        team: agent.team.clone(),
        skills: agent
            .skills
            .iter()
            .map(|(c, _)| model.channels[*c].name.clone())
            .collect(),
        contract_hours: agent.contract_hours,
        shifts: roster
            .spans()
            .iter()
            .filter(|a| a.agent == Some(id))
            .map(|a| json_shift(model, a))
            .collect(),
    }
}

/// A shift of `roster.json` with its breaks.
fn json_shift(model: &Model, a: &Span) -> JsonShift {
    JsonShift {
        date: a.date.to_string(),
        template: a.template_name(model).to_string(),
        start: iso(model, a.start),
        end: iso(model, a.end),
        paid_hours: a.paid_hours(),
        channels: a
            .channel_names(model)
            .iter()
            .map(|c| c.to_string())
            .collect(),
        breaks: a
            .breaks
            .iter()
            .map(|b| JsonBreak {
                name: b.name.clone(),
                start: iso(model, b.start),
                end: iso(model, b.start + Duration::minutes(i64::from(b.minutes))),
                paid: b.paid,
            })
            .collect(),
    }
}

/// `roster.xlsx`: an agents × days grid and the segment sheet.
pub fn roster_xlsx(model: &Model, roster: &Roster) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    book.set_properties(&fixed_properties(roster)?);
    let bold = Format::new().set_bold();
    write_grid(book.add_worksheet(), model, roster, &bold)?;
    write_segments(book.add_worksheet(), model, roster, &bold)?;
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// A fixed creation time (the first shift's date), so the same roster gives the same bytes.
fn fixed_properties(roster: &Roster) -> Result<DocProperties, String> {
    let first = roster
        .spans()
        .iter()
        .map(|a| a.date)
        .min()
        .unwrap_or_default();
    let created =
        ExcelDateTime::from_ymd(first.year() as u16, first.month() as u8, first.day() as u8)
            .map_err(|e| e.to_string())?;
    Ok(DocProperties::new().set_creation_datetime(&created))
}

/// A worksheet write's outcome as the export's error type.
fn written(r: Result<&mut Worksheet, XlsxError>) -> Result<(), String> {
    r.map(|_| ()).map_err(|e| e.to_string())
}

/// Sheet `Roster`: one row per agent, one column per day with a shift, each cell the shift's local times.
fn write_grid(
    grid: &mut Worksheet,
    model: &Model,
    roster: &Roster,
    bold: &Format,
) -> Result<(), String> {
    let days: Vec<NaiveDate> = roster
        .spans()
        .iter()
        .map(|a| a.date)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    grid.set_name("Roster").map_err(|e| e.to_string())?;
    written(grid.write_string_with_format(0, 0, "employee_id", bold))?;
    written(grid.write_string_with_format(0, 1, "name", bold))?;
    written(grid.write_string_with_format(0, 2, "team", bold))?;
    for (j, d) in days.iter().enumerate() {
        written(grid.write_string_with_format(
            0,
            3 + j as u16,
            d.format("%a %Y-%m-%d").to_string(),
            bold,
        ))?;
    }
    for (i, agent) in roster.agents.iter().enumerate() {
        let row = 1 + i as u32;
        written(grid.write_string(row, 0, &agent.id))?;
        written(grid.write_string(row, 1, &agent.name))?;
        written(grid.write_string(row, 2, &agent.team))?;
        for a in roster
            .spans()
            .iter()
            .filter(|a| a.agent == Some(AgentId(i)))
        {
            if let Some(j) = days.iter().position(|d| *d == a.date) {
                let text = format!(
                    "{}–{} {}",
                    local(model, a.start, "%H:%M"),
                    local(model, a.end, "%H:%M"),
                    a.template_name(model)
                );
                written(grid.write_string(row, 3 + j as u16, text))?;
            }
        }
    }
    Ok(())
}

/// Sheet `Segments`: `roster.csv` cell by cell, header in bold.
fn write_segments(
    sheet: &mut Worksheet,
    model: &Model,
    roster: &Roster,
    bold: &Format,
) -> Result<(), String> {
    sheet.set_name("Segments").map_err(|e| e.to_string())?;
    let csv = roster_csv(model, roster);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        for (c, value) in record.iter().enumerate() {
            if r == 0 {
                written(sheet.write_string_with_format(r as u32, c as u16, value, bold))?;
            } else {
                written(sheet.write_string(r as u32, c as u16, value))?;
            }
        }
    }
    Ok(())
}

//! `roster.xlsx`: the roster as a planner opens it in Excel. Numbers, dates and times are typed cells with
//! formats (so they sort, sum and filter), every sheet has a frozen header, an autofilter and fitted
//! column widths.
//!
//! Sheets: `Roster` (agents × days, with contract and paid hours per ISO week), `Segments` (`roster.csv`
//! with typed cells), `Broken rules` (rule code and words per agent) and `Open shifts` (with the rules
//! that turned agents away).

use super::json::is_hard;
use super::{roster_columns, segments, Segment};
use crate::agents::Agent;
use crate::model::Model;
use crate::roster::Roster;
use crate::staffing::AgentId;
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::collections::{BTreeMap, BTreeSet};

/// Widest fitted column, in pixels (about 50 characters): long details wrap the view, not the sheet.
const MAX_COLUMN_PIXELS: u32 = 360;

/// The cell formats of the workbook.
struct Formats {
    header: Format,
    date: Format,
    day: Format,
    datetime: Format,
    hours: Format,
    whole: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            day: Format::new().set_bold().set_num_format("ddd yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            hours: Format::new().set_num_format("0.00"),
            whole: Format::new().set_num_format("0"),
        }
    }
}

/// `roster.xlsx` (see the module docs); the same roster gives the same bytes.
pub fn roster_xlsx(model: &Model, roster: &Roster) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    book.set_properties(&fixed_properties(roster)?);
    let f = Formats::new();
    write_grid(book.add_worksheet(), model, roster, &f).map_err(text)?;
    write_segments(book.add_worksheet(), model, roster, &f).map_err(text)?;
    write_broken_rules(book.add_worksheet(), model, roster, &f).map_err(text)?;
    write_open_shifts(book.add_worksheet(), model, roster, &f).map_err(text)?;
    book.save_to_buffer().map_err(text)
}

fn text(e: XlsxError) -> String {
    e.to_string()
}

/// A fixed creation time (the first shift's date), so the same roster gives the same bytes.
fn fixed_properties(roster: &Roster) -> Result<DocProperties, String> {
    let first = roster
        .spans()
        .iter()
        .map(|a| a.date)
        .min()
        .unwrap_or_default();
    Ok(DocProperties::new().set_creation_datetime(&excel_date(first).map_err(text)?))
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

fn excel_datetime(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// A local date-time in the model's time zone.
fn local(model: &Model, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&model.time_zone).naive_local()
}

/// The header row in bold, frozen with the first `frozen_columns`, an autofilter over the
/// `rows` written below it, and widths fitted to the contents.
fn finish_sheet(
    sheet: &mut Worksheet,
    header_columns: u16,
    rows: u32,
    frozen_columns: u16,
) -> Result<(), XlsxError> {
    sheet.set_freeze_panes(1, frozen_columns)?;
    if header_columns > 0 {
        sheet.autofilter(0, 0, rows, header_columns - 1)?;
    }
    sheet.set_autofit_max_width(MAX_COLUMN_PIXELS).autofit();
    Ok(())
}

fn header(sheet: &mut Worksheet, names: &[&str], f: &Formats) -> Result<u16, XlsxError> {
    for (c, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &f.header)?;
    }
    Ok(names.len() as u16)
}

/// The ISO week of a date, as `2026-W48`.
fn iso_week(d: NaiveDate) -> String {
    let w = d.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// Sheet `Roster`: one row per agent — id, name, team, contract hours, paid hours per ISO week — and one
/// column per rostered day holding the shift's local times and template.
fn write_grid(
    sheet: &mut Worksheet,
    model: &Model,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name("Roster")?;
    let days: Vec<NaiveDate> = roster
        .spans()
        .iter()
        .chain(roster.open.iter().map(|o| &o.span))
        .map(|a| a.date)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let weeks: Vec<String> = days
        .iter()
        .map(|d| iso_week(*d))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let week_headers: Vec<String> = weeks.iter().map(|w| format!("paid h {w}")).collect();
    let mut names = vec!["employee_id", "name", "team", "contract h/week"];
    names.extend(week_headers.iter().map(String::as_str));
    let first_day = header(sheet, &names, f)?;
    for (j, d) in days.iter().enumerate() {
        sheet.write_datetime_with_format(0, first_day + j as u16, excel_date(*d)?, &f.day)?;
    }
    for (i, agent) in roster.agents.iter().enumerate() {
        let row = 1 + i as u32;
        agent_cells(sheet, row, agent)?;
        sheet.write_number_with_format(row, 3, agent.contract_hours, &f.hours)?;
        let mut paid: BTreeMap<String, f64> = weeks.iter().map(|w| (w.clone(), 0.0)).collect();
        for a in roster
            .spans()
            .iter()
            .filter(|a| a.agent == Some(AgentId(i)))
        {
            *paid.entry(iso_week(a.date)).or_default() += a.paid_hours();
            if let Some(j) = days.iter().position(|d| *d == a.date) {
                let cell = format!(
                    "{}–{} {}",
                    local(model, a.start).format("%H:%M"),
                    local(model, a.end).format("%H:%M"),
                    a.template_name(model)
                );
                sheet.write_string(row, first_day + j as u16, cell)?;
            }
        }
        for (k, hours) in paid.values().enumerate() {
            sheet.write_number_with_format(row, 4 + k as u16, *hours, &f.hours)?;
        }
    }
    finish_sheet(
        sheet,
        first_day + days.len() as u16,
        roster.agents.len() as u32,
        3,
    )
}

/// Id, name and team in the first three columns.
fn agent_cells(sheet: &mut Worksheet, row: u32, agent: &Agent) -> Result<(), XlsxError> {
    sheet.write_string(row, 0, &agent.id)?;
    sheet.write_string(row, 1, &agent.name)?;
    sheet.write_string(row, 2, &agent.team)?;
    Ok(())
}

/// Sheet `Segments`: `roster.csv`'s columns (as the layout chooses and names them) with typed cells.
fn write_segments(
    sheet: &mut Worksheet,
    model: &Model,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name("Segments")?;
    let layout = &model.export_csv;
    let columns = roster_columns(layout);
    let headers = super::csv_header(layout, &columns);
    let names: Vec<&str> = headers.iter().map(String::as_str).collect();
    let width = header(sheet, &names, f)?;
    let mut row = 0u32;
    for a in roster.spans() {
        let Some(agent) = roster.agent_of(a) else {
            continue;
        };
        for s in segments(a) {
            row += 1;
            for (c, column) in columns.iter().enumerate() {
                segment_cell(sheet, (row, c as u16), model, agent, &s, column, f)?;
            }
        }
    }
    finish_sheet(sheet, width, row, 2)
}

/// One typed cell of the `Segments` sheet.
fn segment_cell(
    sheet: &mut Worksheet,
    (row, col): (u32, u16),
    model: &Model,
    agent: &Agent,
    s: &Segment<'_>,
    column: &str,
    f: &Formats,
) -> Result<(), XlsxError> {
    match column {
        "employee_id" => sheet.write_string(row, col, &agent.id)?,
        "name" => sheet.write_string(row, col, &agent.name)?,
        "team" => sheet.write_string(row, col, &agent.team)?,
        "schedule_date" => {
            sheet.write_datetime_with_format(row, col, excel_date(s.assignment.date)?, &f.date)?
        }
        "start" => sheet.write_datetime_with_format(
            row,
            col,
            excel_datetime(local(model, s.start))?,
            &f.datetime,
        )?,
        "end" => sheet.write_datetime_with_format(
            row,
            col,
            excel_datetime(local(model, s.end))?,
            &f.datetime,
        )?,
        "timezone" => sheet.write_string(row, col, model.time_zone.name())?,
        "activity" => sheet.write_string(row, col, model.export_csv.activity_code(s.activity))?,
        "channel" if s.activity == "work" => {
            sheet.write_string(row, col, s.assignment.channel_names(model).join(";"))?
        }
        "paid" => sheet.write_boolean(row, col, s.paid)?,
        "duration_min" => sheet.write_number_with_format(
            row,
            col,
            (s.end - s.start).num_minutes() as f64,
            &f.whole,
        )?,
        _ => sheet,
    };
    Ok(())
}

/// Sheet `Broken rules`: each broken rule by agent, with its code, the planner's words, whether the
/// model enforces it and the detail.
fn write_broken_rules(
    sheet: &mut Worksheet,
    model: &Model,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name("Broken rules")?;
    let names = [
        "employee_id",
        "name",
        "team",
        "rule",
        "words",
        "kind",
        "detail",
    ];
    let width = header(sheet, &names, f)?;
    for (i, v) in roster.violations.iter().enumerate() {
        let row = 1 + i as u32;
        if let Some(agent) = v.agent.and_then(|a| roster.agents.get(a)) {
            agent_cells(sheet, row, agent)?;
        }
        sheet.write_string(row, 3, v.rule.code())?;
        sheet.write_string(row, 4, v.rule.words())?;
        let kind = if is_hard(model, v.rule) {
            "hard"
        } else {
            "soft"
        };
        sheet.write_string(row, 5, kind)?;
        sheet.write_string(row, 6, &v.detail)?;
    }
    finish_sheet(sheet, width, roster.violations.len() as u32, 2)
}

/// Sheet `Open shifts`: each shift nobody could take, the agents missing, and how many agents each rule
/// turned away (`words (code): agents`).
fn write_open_shifts(
    sheet: &mut Worksheet,
    model: &Model,
    roster: &Roster,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name("Open shifts")?;
    let names = [
        "date",
        "template",
        "start",
        "end",
        "channels",
        "missing",
        "turned away",
        "who and why",
    ];
    let width = header(sheet, &names, f)?;
    for (i, o) in roster.open.iter().enumerate() {
        let row = 1 + i as u32;
        let s = &o.span;
        sheet.write_datetime_with_format(row, 0, excel_date(s.date)?, &f.date)?;
        sheet.write_string(row, 1, s.template_name(model))?;
        sheet.write_datetime_with_format(
            row,
            2,
            excel_datetime(local(model, s.start))?,
            &f.datetime,
        )?;
        sheet.write_datetime_with_format(
            row,
            3,
            excel_datetime(local(model, s.end))?,
            &f.datetime,
        )?;
        sheet.write_string(row, 4, s.channel_names(model).join(";"))?;
        sheet.write_number_with_format(row, 5, f64::from(s.count), &f.whole)?;
        let reasons: Vec<String> = o
            .turned_away
            .iter()
            .map(|(r, n)| format!("{} ({}): {n}", r.words(), r.code()))
            .collect();
        sheet.write_string(row, 6, reasons.join("; "))?;
        sheet.write_string(row, 7, &o.blocked)?;
    }
    finish_sheet(sheet, width, roster.open.len() as u32, 1)
}

//! `vuoro roster`: a shift plan (`shifts.csv`) + agents → roster and its HR files.

use super::plan::{check_exports, roster_report, write_roster_files};
use super::requirements::load_model;
use super::write::emit;
use super::{read_input, Failure};
use clap::Args;
use std::path::PathBuf;
use vuoro::roster::agents::{read_agents, read_availability};
use vuoro::roster::assign;
use vuoro::roster::plan_file::read_shifts;

const EXAMPLES: &str = "\
Example (roster the plan written by `vuoro schedule --out plan`):
  vuoro roster --model models/helsinki-multichannel.toml --shifts plan/shifts.csv \\
      --agents models/helsinki-agents.csv --availability models/helsinki-availability.csv --out roster

Writes roster.csv, roster_daily.csv, ics/<employee_id>.ics, roster.json and roster.xlsx (--export picks)
and prints open shifts and broken rules by agent. Exit code 1 when a shift stays open.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct RosterArgs {
    /// Contact-center model with labour rules (TOML).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Shift plan (shifts.csv from `vuoro schedule`, possibly edited).
    #[arg(long, value_name = "FILE")]
    shifts: PathBuf,
    /// Agents (CSV).
    #[arg(long, value_name = "FILE")]
    agents: PathBuf,
    /// Availability (CSV).
    #[arg(long, value_name = "FILE")]
    availability: Option<PathBuf>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Formats to write: any of csv, ics, json, xlsx.
    #[arg(long, value_delimiter = ',', default_value = "csv,ics,json,xlsx")]
    export: Vec<String>,
}

pub(crate) fn run(args: RosterArgs) -> Result<u8, Failure> {
    check_exports(&args.export)?;
    let model = load_model(&args.model)?;
    let shifts = read_shifts(&args.shifts, &read_input(&args.shifts)?, &model)
        .map_err(|d| Failure::diagnostics(&d))?;
    let agents = read_agents(&args.agents, &read_input(&args.agents)?, &model)
        .map_err(|d| Failure::diagnostics(&d))?;
    let windows = match &args.availability {
        Some(p) => {
            read_availability(p, &read_input(p)?, &agents).map_err(|d| Failure::diagnostics(&d))?
        }
        None => Vec::new(),
    };
    let (Some(first), Some(last)) = (
        shifts.iter().map(|s| s.start).min(),
        shifts.iter().map(|s| s.end).max(),
    ) else {
        return Err(Failure::input(format!(
            "{}: expected at least one shift, found none",
            args.shifts.display()
        )));
    };
    // The roster week: from the first shift's local midnight to the last shift's end.
    let tz = model.time_zone;
    let midnight = first
        .with_timezone(&tz)
        .date_naive()
        .and_time(chrono::NaiveTime::MIN);
    let period_start =
        vuoro::forecast::parse_instant(&midnight.format("%Y-%m-%dT%H:%M").to_string(), tz)
            .unwrap_or(first);
    // … to the local midnight after the last shift's date, so a whole last week is held to the minimum.
    let last_date =
        shifts.iter().map(|s| s.date).max().unwrap_or_default() + chrono::Duration::days(1);
    let end_text = last_date
        .and_time(chrono::NaiveTime::MIN)
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let period_end = vuoro::forecast::parse_instant(&end_text, tz)
        .unwrap_or(last)
        .max(last);
    let roster = assign(
        &model,
        &model.rules,
        &shifts,
        agents,
        &windows,
        (period_start, period_end),
    );
    write_roster_files(
        &model,
        &roster,
        &shifts,
        &args.out,
        &args.export,
        period_start,
        Vec::new(),
    )?;
    let filled = roster.assignments.len();
    let open: u32 = roster.open_shifts.iter().map(|(_, n)| n).sum();
    let mut report = format!(
        "{} · roster: {} agents, {filled} shifts filled ({:.0} paid h), {open} open\n",
        model.name,
        roster.agents.len(),
        roster.assignments.iter().map(|a| a.paid_hours).sum::<f64>()
    );
    report.push_str(&roster_report(&model, &roster, &shifts));
    emit(None, &report)?;
    Ok(if open == 0 { 0 } else { 1 })
}

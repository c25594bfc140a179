//! `vuoro roster`: a shift plan (`shifts.csv`) + agents → roster and its HR files.

use super::commit::commit;
use super::plan::{check_exports, check_writable, roster_files, warn_availability};
use super::previous::{read_previous, read_previous_roster};
use super::progress::Progress;
use super::requirements::load_model;
use super::summary::{print, FormatArgs};
use super::write::check_out_folder;
use super::{read_input, Failure};
use clap::Args;
use std::path::PathBuf;
use vuoro::agents::{read_agents, read_availability};
use vuoro::export::Previous;
use vuoro::report::html::ReportInput;
use vuoro::report::roster::roster_report;
use vuoro::report::summary_json;
use vuoro::requirements::demand::Demand;
use vuoro::roster::plan_file::read_shifts;
use vuoro::roster::{assign_with, period_of, Options};

const EXAMPLES: &str = "\
Example (roster the plan written by `vuoro schedule --out plan`):
  vuoro roster --model models/helsinki-multichannel.toml \\
      --shifts plan/shifts.csv --agents models/helsinki-agents.csv \\
      --availability models/helsinki-availability.csv --out roster

Writes roster.csv, roster_daily.csv, ics/<employee_id>.ics, roster.json and roster.xlsx (--export picks)
and report.html (timeline, contract hours, rules; `vuoro report` adds the service)
and prints open shifts and broken rules by agent. Exit code 1 when a shift stays open or a hard rule
(such as the minimum weekly hours) is broken.
Re-rostering a published week: --previous DIR (the earlier output folder, may be --out) keeps every
agent-day of the earlier roster that is still valid, keeps each calendar event's UID, raises its
SEQUENCE where the shift changed and cancels shifts dropped from a day.";

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
    /// Requirements the shifts cover (coverage.csv of the plan's folder, or `vuoro requirements`
    /// output): shifts may then move within their template's start window to fit their agent, while
    /// every interval stays as covered. Without it the shifts' start times stand.
    #[arg(long, value_name = "FILE")]
    requirements: Option<PathBuf>,
    /// Output folder of an earlier run (may be --out): calendar events keep their UIDs and raise their
    /// SEQUENCE where a shift changed; shifts dropped from a day are published as cancelled.
    #[arg(long, value_name = "DIR")]
    previous: Option<PathBuf>,
    #[command(flatten)]
    format: FormatArgs,
}

pub(crate) fn run(args: RosterArgs) -> Result<u8, Failure> {
    check_exports(&args.export)?;
    let mut inputs = vec![
        args.model.as_path(),
        args.shifts.as_path(),
        args.agents.as_path(),
    ];
    inputs.extend(args.availability.as_deref());
    inputs.extend(args.requirements.as_deref());
    check_out_folder(&args.out, &inputs)?;
    let progress = Progress::new("roster");
    progress.detail("reading the model, shifts and workforce");
    let model = load_model(&args.model)?;
    let previous = match &args.previous {
        Some(dir) => read_previous(dir, &model)?,
        None => Previous::default(),
    };
    let earlier = match &args.previous {
        Some(dir) => read_previous_roster(dir, &model)?,
        None => None,
    };
    let shifts = read_shifts(&args.shifts, &read_input(&args.shifts)?, &model)
        .map_err(|d| Failure::diagnostics(&d))?;
    let agents = read_agents(&args.agents, &read_input(&args.agents)?, &model)
        .map_err(|d| Failure::diagnostics(&d))?;
    check_writable(&model, &agents, &args.agents, &args.export)?;
    let windows = match &args.availability {
        Some(p) => {
            read_availability(p, &read_input(p)?, &agents).map_err(|d| Failure::diagnostics(&d))?
        }
        None => Vec::new(),
    };
    let Some((period_start, period_end)) = period_of(&model, &shifts) else {
        return Err(Failure::input(format!(
            "{}: expected at least one shift, found none",
            args.shifts.display()
        )));
    };
    warn_availability(
        args.availability.as_deref(),
        &windows,
        &model,
        (period_start, period_end),
    );
    let demand = match &args.requirements {
        Some(p) => Some(
            Demand::from_csv(p, &read_input(p)?, &model).map_err(|d| Failure::diagnostics(&d))?,
        ),
        None => None,
    };
    let options = Options {
        moves: None,
        previous: earlier,
        demand,
    };
    progress.stage(&format!(
        "rostering {} agents to {} shifts",
        agents.len(),
        shifts.shift_count()
    ));
    let roster = assign_with(
        &model,
        &model.rules,
        &shifts,
        agents,
        &windows,
        (period_start, period_end),
        &options,
    );
    let mut files = roster_files(&model, &roster, &args.export, period_start, &previous)?;
    files.push(super::report::report_file(&ReportInput {
        model: &model,
        source: "roster",
        evaluation: None,
        staffing: &roster.staffing,
        roster: Some(&roster),
        simulated: None,
        files: &super::report::links(files.iter().map(|(p, _)| p.as_path())),
    })?);
    let open = roster.open_count();
    let summary = args.format.text(
        || {
            let mut report = format!(
                "{} · roster: {} agents, {} shifts filled ({:.0} paid h), {open} open\n",
                model.name,
                roster.agents.len(),
                roster.spans().len(),
                roster.staffing.paid_hours()
            );
            report.push_str(&roster_report(&model, &roster));
            report
        },
        || summary_json::roster(&model, &roster),
    );
    progress.finish();
    commit(&args.out, "roster", &files, || print(summary.as_deref()))?;
    Ok(if open == 0 && roster.hard_breaches(&model) == 0 {
        0
    } else {
        1
    })
}

//! `vuoro plan`: forecast → requirements → shift plan → roster → exports, in one go.

use super::commit::commit;
use super::requirements::{load_model, requirements_of};
use super::write::{check_out_folder, emit};
use super::{read_input, Failure};
use chrono::NaiveDate;
use clap::Args;
use std::path::{Path, PathBuf};
use vuoro::agents::{read_agents, read_availability, Agent, Window};
use vuoro::evaluate::{evaluate, Evaluation};
use vuoro::export::{calendars, roster_csv, roster_daily_csv, roster_json, roster_xlsx};
use vuoro::forecast::Period;
use vuoro::model::Model;
use vuoro::report::plot::{coverage_chart, ImageFormat};
use vuoro::report::roster::plan_summary;
use vuoro::report::schedule::{coverage_csv, shifts_csv};
use vuoro::requirements::demand::Demand;
use vuoro::roster::{assign, Roster};
use vuoro::schedule::{schedule, Goal, ShiftPlan, SolverChoice};

const EXAMPLES: &str = "\
Example (the shipped week, 120 named agents):
  vuoro plan --model models/helsinki-multichannel.toml --forecast forecasts/helsinki-week-48.csv \\
      --agents models/helsinki-agents.csv --availability models/helsinki-availability.csv --out plan

Writes to DIR: shifts.csv, coverage.csv, coverage.svg (the shift plan), roster.csv (one row per work,
break and lunch segment), roster_daily.csv, ics/<employee_id>.ics, roster.json and roster.xlsx; --export
picks among csv, ics, json, xlsx. Prints the roster's service per channel and day, week and period
(required and scheduled agent-hours, service level against the target, ASA, abandonment), open shifts
and broken rules by agent. Exit code 1 when a shift stays open, an interval is below the plan's minimum
or a goal is missed.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct PlanArgs {
    /// Contact-center model with shift templates and labour rules (TOML).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Interval forecast (CSV).
    #[arg(long, value_name = "FILE")]
    forecast: PathBuf,
    /// Agents (CSV: id, name, team, skills, contract_hours, min_hours, max_hours, max_days).
    #[arg(long, value_name = "FILE")]
    agents: PathBuf,
    /// Availability (CSV: agent_id, date, from, to, kind).
    #[arg(long, value_name = "FILE")]
    availability: Option<PathBuf>,
    /// First local day to plan (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last local day to plan, included.
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Roster formats to write: any of csv, ics, json, xlsx.
    #[arg(long, value_delimiter = ',', default_value = "csv,ics,json,xlsx")]
    export: Vec<String>,
    /// What the shift plan optimises: interval, daily or weekly.
    #[arg(long, default_value = "interval")]
    goal: String,
    /// Scheduler safety stop, seconds (its budgets are counted; a plan cut short by the clock says so).
    #[arg(long, default_value_t = 300.0, allow_negative_numbers = true)]
    time_limit: f64,
}

/// `--goal` in the library's terms.
fn goal_of(text: &str) -> Result<Goal, Failure> {
    match text {
        "interval" => Ok(Goal::Interval),
        "daily" => Ok(Goal::Daily),
        "weekly" => Ok(Goal::Weekly),
        other => Err(Failure::input(format!(
            "--goal: expected interval, daily or weekly, found '{other}'"
        ))),
    }
}

/// The agents and their availability, read before the long solve so a typo costs no time.
fn read_workforce(args: &PlanArgs, model: &Model) -> Result<(Vec<Agent>, Vec<Window>), Failure> {
    let agents = read_agents(&args.agents, &read_input(&args.agents)?, model)
        .map_err(|d| Failure::diagnostics(&d))?;
    let windows = match &args.availability {
        Some(p) => {
            read_availability(p, &read_input(p)?, &agents).map_err(|d| Failure::diagnostics(&d))?
        }
        None => Vec::new(),
    };
    Ok((agents, windows))
}

/// The shift plan's file and the roster's coverage files.
fn plan_files(
    model: &Model,
    plan: &ShiftPlan,
    evaluation: &Evaluation,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let chart = coverage_chart(model, evaluation, "roster", ImageFormat::Svg)
        .map_err(|e| Failure::input(e.to_string()))?;
    Ok(vec![
        (
            "shifts.csv".into(),
            shifts_csv(model, &plan.staffing).into_bytes(),
        ),
        (
            "coverage.csv".into(),
            coverage_csv(evaluation, model).into_bytes(),
        ),
        ("coverage.svg".into(), chart),
    ])
}

pub(crate) fn run(args: PlanArgs) -> Result<u8, Failure> {
    check_exports(&args.export)?;
    let goal = goal_of(&args.goal)?;
    if !(1e-3..=1e6).contains(&args.time_limit) {
        return Err(Failure::input(format!(
            "--time-limit: expected seconds from 0.001 to 1000000, found '{}'",
            args.time_limit
        )));
    }
    let mut inputs = vec![
        args.model.as_path(),
        args.forecast.as_path(),
        args.agents.as_path(),
    ];
    inputs.extend(args.availability.as_deref());
    check_out_folder(&args.out, &inputs)?;
    let model = load_model(&args.model)?;
    let (agents, windows) = read_workforce(&args, &model)?;
    let period = Period {
        from: args.from,
        to: args.to,
    };
    let demand =
        Demand::from_requirements(&model, &requirements_of(&model, &args.forecast, period)?);
    let choice = SolverChoice {
        time_limit_s: args.time_limit,
        ..SolverChoice::default()
    };
    let mut progress = |m: &str| eprintln!("vuoro plan: {m}");
    let plan = schedule(&model, &demand, goal, &choice, &mut progress)
        .map_err(|e| Failure::schedule(&args.model, e))?;
    progress(&format!(
        "rostering {} agents to {} shifts",
        agents.len(),
        plan.staffing.shift_count()
    ));
    let (Some(first), Some(period_end)) = (demand.grid.first(), demand.grid.end()) else {
        return Err(Failure::input("the planning period is empty"));
    };
    let rules = &model.rules;
    warn_availability(
        args.availability.as_deref(),
        &windows,
        &model,
        (first, period_end),
    );
    let roster = assign(
        &model,
        rules,
        &plan.staffing,
        agents,
        &windows,
        (first, period_end),
    );
    // What ships is the roster: coverage.csv, the chart and the summary all measure it.
    let evaluation = evaluate(&model, &demand, &roster.staffing);
    let mut files = plan_files(&model, &plan, &evaluation)?;
    files.extend(roster_files(&model, &roster, &args.export, first)?);
    let summary = plan_summary(&model, &plan, &roster, &evaluation);
    commit(&args.out, "plan", &files, || emit(None, &summary))?;
    let met = roster.open.is_empty() && plan.unmet(&evaluation).is_empty();
    Ok(if met { 0 } else { 1 })
}

/// Warns of availability rows dated outside the rostered period: legal, but probably another week's.
pub(crate) fn warn_availability(
    path: Option<&Path>,
    windows: &[Window],
    model: &Model,
    period: (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
) {
    let Some(path) = path else {
        return;
    };
    let tz = model.time_zone;
    let first = period.0.with_timezone(&tz).date_naive();
    let last = (period.1 - chrono::Duration::minutes(1))
        .with_timezone(&tz)
        .date_naive();
    let dates: Vec<NaiveDate> = first.iter_days().take_while(|d| *d <= last).collect();
    if let Some((n, line)) = vuoro::agents::dated_outside(windows, &dates) {
        eprintln!(
            "warning: {}:{line}: {n} availability row(s) dated outside the rostered days {first} – {last} (first on this line); they change nothing",
            path.display()
        );
    }
}

/// Checks `--export` values.
pub(crate) fn check_exports(export: &[String]) -> Result<(), Failure> {
    for format in export {
        if !["csv", "ics", "json", "xlsx"].contains(&format.as_str()) {
            return Err(Failure::input(format!(
                "--export: expected csv, ics, json or xlsx, found '{format}'"
            )));
        }
    }
    Ok(())
}

/// The roster's files in the formats asked for, relative to the output folder.
pub(crate) fn roster_files(
    model: &Model,
    roster: &Roster,
    export: &[String],
    stamp: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let mut files = Vec::new();
    let wants = |f: &str| export.iter().any(|e| e == f);
    if wants("csv") {
        files.push(("roster.csv".into(), roster_csv(model, roster).into_bytes()));
        files.push((
            "roster_daily.csv".into(),
            roster_daily_csv(roster).into_bytes(),
        ));
    }
    if wants("json") {
        files.push((
            "roster.json".into(),
            roster_json(model, roster).into_bytes(),
        ));
    }
    if wants("xlsx") {
        let book =
            roster_xlsx(model, roster).map_err(|e| Failure::input(format!("roster.xlsx: {e}")))?;
        files.push(("roster.xlsx".into(), book));
    }
    if wants("ics") {
        for (name, body) in calendars(model, roster, stamp) {
            files.push((Path::new("ics").join(name), body.into_bytes()));
        }
    }
    Ok(files)
}

//! `vuoro schedule`: requirements → shift plan (shifts.csv, coverage.csv, coverage.svg, summary).

use super::commit::commit;
use super::progress::Progress;
use super::requirements::{load_model, requirements_of};
use super::solver::SolverArgs;
use super::summary::{print, FormatArgs};
use super::write::check_out_folder;
use super::{read_input, Failure};
use chrono::NaiveDate;
use clap::Args;
use std::path::PathBuf;
use vuoro::forecast::Period;
use vuoro::model::Model;
use vuoro::report::html::ReportInput;
use vuoro::report::plot::{coverage_chart, ImageFormat};
use vuoro::report::schedule::{coverage_csv, schedule_summary, shifts_csv};
use vuoro::report::summary_json;
use vuoro::requirements::demand::Demand;
use vuoro::schedule::{schedule, ShiftPlan};

const EXAMPLES: &str = "\
Examples:
  # the shipped example: forecast → requirements → shifts, least paid time
  vuoro schedule --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv --out plan

  # meet the weekly service level with fewer agents than every interval needs
  vuoro schedule --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv --goal weekly --out plan-weekly

  # requirements from another tool (CSV with channel, start, required)
  vuoro schedule --model models/helsinki-multichannel.toml \\
      --requirements requirements.csv --out plan

Writes DIR/shifts.csv, DIR/coverage.csv, DIR/coverage.svg and DIR/report.html (all or none) and prints the summary: the
service per channel and day, week and period, and under a daily/weekly goal what it trades.
Exit code 1 when an interval stays below its minimum (the requirement, or a goal's floor), a service-level
or abandonment target is missed over the goal's days or weeks, or the model cannot be solved; 2 for bad
input.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ScheduleArgs {
    /// Contact-center model with [[shift]] templates (TOML).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Interval forecast (CSV); the requirements stage runs first.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "requirements",
        required_unless_present = "requirements"
    )]
    forecast: Option<PathBuf>,
    /// Requirements CSV (channel, start, required; volume and aht_s optional) instead of a forecast.
    #[arg(long, value_name = "FILE")]
    requirements: Option<PathBuf>,
    /// First local day to plan (YYYY-MM-DD), with --forecast.
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last local day to plan, included, with --forecast.
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Staff every channel on its own, ignoring the model's [[pool]] tables (today's separate staffing).
    #[arg(long)]
    separate: bool,
    #[command(flatten)]
    solver: SolverArgs,
    #[command(flatten)]
    format: FormatArgs,
}

/// What to cover: the requirements stage on a forecast, or a requirements file from any tool.
fn demand_of(args: &ScheduleArgs, model: &Model) -> Result<Demand, Failure> {
    match (&args.forecast, &args.requirements) {
        (Some(path), _) => {
            let period = Period {
                from: args.from,
                to: args.to,
            };
            Ok(Demand::from_requirements(
                model,
                &requirements_of(model, path, period)?,
            ))
        }
        (None, Some(path)) => {
            let text = read_input(path)?;
            Demand::from_csv(path, &text, model).map_err(|d| Failure::diagnostics(&d))
        }
        (None, None) => Err(Failure::input("give --forecast or --requirements")),
    }
}

/// shifts.csv, coverage.csv and the chart, relative to the output folder.
fn plan_files(
    model: &Model,
    plan: &ShiftPlan,
    format: ImageFormat,
    extension: &str,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let what = format!("{} goal", plan.goal);
    let chart = coverage_chart(model, &plan.evaluation, &what, format)
        .map_err(|e| Failure::input(e.to_string()))?;
    Ok(vec![
        (
            "shifts.csv".into(),
            shifts_csv(model, &plan.staffing).into_bytes(),
        ),
        (
            "coverage.csv".into(),
            vuoro::export::csv::encode(&model.export_csv, &coverage_csv(&plan.evaluation, model)),
        ),
        (format!("coverage.{extension}").into(), chart),
    ])
}

pub(crate) fn run(args: ScheduleArgs) -> Result<u8, Failure> {
    let (format, extension) = args.solver.plot_format()?;
    let choice = args.solver.choice()?;
    let mut inputs = vec![args.model.as_path()];
    inputs.extend(args.forecast.as_deref());
    inputs.extend(args.requirements.as_deref());
    check_out_folder(&args.out, &inputs)?;
    let progress = Progress::new("schedule");
    progress.detail("reading the model");
    let model = load_model(&args.model)?;
    let model = if args.separate {
        model.separate()
    } else {
        model
    };
    progress.detail("requirements");
    let demand = demand_of(&args, &model)?;
    let goal = args.solver.goal();
    super::plan::warn_pool_goal(&model, goal);
    let plan = schedule(&model, &demand, goal, &choice, &mut |m| progress.stage(m))
        .map_err(|e| Failure::schedule(&args.model, e))?;
    progress.detail("writing");
    let mut files = plan_files(&model, &plan, format, &extension)?;
    let source = format!("schedule ({} goal)", plan.goal);
    files.push(super::report::report_file(&ReportInput {
        model: &model,
        source: &source,
        evaluation: Some(&plan.evaluation),
        staffing: &plan.staffing,
        roster: None,
        simulated: None,
        files: &super::report::links(files.iter().map(|(p, _)| p.as_path())),
    })?);
    let summary = args.format.text(
        || schedule_summary(&model, &plan),
        || summary_json::schedule(&model, &plan),
    );
    progress.finish();
    commit(&args.out, "schedule", &files, || print(summary.as_deref()))?;
    let met = plan.shortfalls.is_empty() && plan.goal_misses().is_empty();
    Ok(if met { 0 } else { 1 })
}

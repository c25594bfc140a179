//! `vuoro schedule`: requirements → shift plan (shifts.csv, coverage.csv, coverage.svg, summary).

use super::commit::commit;
use super::requirements::{load_model, requirements_of};
use super::write::check_out_folder;
use super::{read_input, Failure};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use vuoro::forecast::Period;
use vuoro::model::Model;
use vuoro::report::plot::{coverage_chart, ImageFormat};
use vuoro::report::schedule::{coverage_csv, schedule_summary, shifts_csv};
use vuoro::requirements::demand::Demand;
use vuoro::schedule::{schedule, Backend, Goal, ShiftPlan, SolverChoice};

const EXAMPLES: &str = "\
Examples:
  # the shipped example: forecast → requirements → shifts, at the least paid time
  vuoro schedule --model models/helsinki-multichannel.toml --forecast forecasts/helsinki-week-48.csv --out plan

  # meet the weekly service level with fewer agents than covering every interval
  vuoro schedule --model models/helsinki-multichannel.toml --forecast forecasts/helsinki-week-48.csv \\
      --goal weekly --out plan-weekly

  # requirements from another tool (CSV with channel, start, required)
  vuoro schedule --model models/helsinki-multichannel.toml --requirements requirements.csv --out plan

Writes DIR/shifts.csv, DIR/coverage.csv and DIR/coverage.svg (all or none) and prints the summary: the
service per channel and day, week and period, and under a daily/weekly goal what it trades.
Exit code 1 when an interval stays below its minimum (the requirement, or a goal's floor), a service-level
or abandonment target is missed over the goal's days or weeks, or the model cannot be solved; 2 for bad
input.";

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum GoalArg {
    /// Cover every interval's requirement.
    Interval,
    /// Meet each channel's service-level target over each day.
    Daily,
    /// Meet it over each week.
    Weekly,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum SolverArg {
    /// Pure Rust, always built.
    Microlp,
    /// HiGHS (cargo feature `highs`).
    Highs,
    /// COIN-OR CBC (cargo feature `cbc`).
    Cbc,
}

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
    /// What to optimise.
    #[arg(long, value_enum, default_value_t = GoalArg::Interval)]
    goal: GoalArg,
    /// MILP back end.
    #[arg(long, value_enum, default_value_t = SolverArg::Microlp)]
    solver: SolverArg,
    /// Safety stop in seconds: the search is bounded by a deterministic move budget, and a plan cut
    /// short by this clock is reported as such (it may then depend on machine load).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 300.0,
        allow_negative_numbers = true
    )]
    time_limit: f64,
    /// Stop when the plan is provably within this relative gap of optimal, e.g. 0.5% or 0.005.
    #[arg(
        long,
        value_name = "GAP",
        default_value = "0.5%",
        allow_hyphen_values = true
    )]
    mip_gap: String,
    /// Solver threads (HiGHS and CBC).
    #[arg(long, value_name = "N", default_value_t = 1)]
    threads: u32,
    /// Chart format of DIR/coverage.*.
    #[arg(long, value_name = "svg|png", default_value = "svg")]
    plot_format: String,
}

fn backend(arg: SolverArg) -> Result<Backend, Failure> {
    match arg {
        SolverArg::Microlp => Ok(Backend::Microlp),
        #[cfg(feature = "highs")]
        SolverArg::Highs => Ok(Backend::Highs),
        #[cfg(feature = "cbc")]
        SolverArg::Cbc => Ok(Backend::Cbc),
        #[allow(unreachable_patterns)]
        other => Err(Failure::input(format!(
            "--solver {}: this build has no such back end; rebuild with `cargo build --release --features {}` (see README)",
            format!("{other:?}").to_lowercase(),
            format!("{other:?}").to_lowercase()
        ))),
    }
}

/// The solver settings from the flags.
fn solver_choice(args: &ScheduleArgs) -> Result<SolverChoice, Failure> {
    if !(1e-3..=1e6).contains(&args.time_limit) {
        return Err(Failure::input(format!(
            "--time-limit: expected seconds from 0.001 to 1000000, found '{}'",
            args.time_limit
        )));
    }
    let mip_gap = vuoro::units::parse_share(&args.mip_gap)
        .ok()
        .filter(|g| (0.0..1.0).contains(g))
        .ok_or_else(|| {
            Failure::input(format!(
                "--mip-gap: expected a share from 0 up to 100% such as 0.5% or 0.005, found '{}'",
                args.mip_gap
            ))
        })?;
    if !(1..=256).contains(&args.threads) {
        return Err(Failure::input(format!(
            "--threads: expected 1 to 256, found '{}'",
            args.threads
        )));
    }
    Ok(SolverChoice {
        backend: backend(args.solver)?,
        time_limit_s: args.time_limit,
        mip_gap,
        threads: args.threads.max(1),
        ..SolverChoice::default()
    })
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
            coverage_csv(&plan.evaluation, model).into_bytes(),
        ),
        (format!("coverage.{extension}").into(), chart),
    ])
}

pub(crate) fn run(args: ScheduleArgs) -> Result<u8, Failure> {
    let format =
        ImageFormat::from_path(Path::new(&format!("x.{}", args.plot_format))).ok_or_else(|| {
            Failure::input(format!(
                "--plot-format: expected svg or png, found '{}'",
                args.plot_format
            ))
        })?;
    let choice = solver_choice(&args)?;
    let mut inputs = vec![args.model.as_path()];
    inputs.extend(args.forecast.as_deref());
    inputs.extend(args.requirements.as_deref());
    check_out_folder(&args.out, &inputs)?;
    let model = load_model(&args.model)?;
    let demand = demand_of(&args, &model)?;
    let goal = match args.goal {
        GoalArg::Interval => Goal::Interval,
        GoalArg::Daily => Goal::Daily,
        GoalArg::Weekly => Goal::Weekly,
    };
    let mut progress = |message: &str| eprintln!("vuoro schedule: {message}");
    let plan = schedule(&model, &demand, goal, &choice, &mut progress)
        .map_err(|e| Failure::schedule(&args.model, e))?;
    let extension = args.plot_format.to_ascii_lowercase();
    let files = plan_files(&model, &plan, format, &extension)?;
    let summary = schedule_summary(&model, &plan);
    commit(&args.out, "schedule", &files, || {
        super::write::emit(None, &summary)
    })?;
    let met = plan.shortfalls.is_empty() && plan.goal_misses().is_empty();
    Ok(if met { 0 } else { 1 })
}

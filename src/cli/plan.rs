//! `vuoro plan`: forecast → requirements → shift plan → roster → exports, in one go.

use super::commit::commit;
use super::previous::{read_previous, read_previous_roster};
use super::progress::Progress;
use super::requirements::{load_model, requirements_of};
use super::solver::SolverArgs;
use super::summary::{print, FormatArgs};
use super::write::check_out_folder;
use super::{read_input, Failure};
use chrono::{Datelike, NaiveDate};
use clap::Args;
use std::path::{Path, PathBuf};
use vuoro::agents::{read_agents, read_availability, Agent, Window};
use vuoro::evaluate::Evaluation;
use vuoro::export::csv::{encode, first_unwritable};
use vuoro::export::{
    calendars_after, roster_csv, roster_daily_csv, roster_json_with, roster_xlsx, sequences,
    Previous,
};
use vuoro::forecast::Period;
use vuoro::model::Model;
use vuoro::pipeline::{plan_and_roster, Planned};
use vuoro::report::blend::{blend_summary, compare_pools, pool_plan_notes};
use vuoro::report::html::ReportInput;
use vuoro::report::plot::{coverage_chart, ImageFormat};
use vuoro::report::roster::plan_summary;
use vuoro::report::schedule::{coverage_csv, shifts_csv};
use vuoro::report::summary_json;
use vuoro::requirements::demand::Demand;
use vuoro::roster::{Options, Roster};
use vuoro::schedule::{schedule_for, Goal, ShiftPlan, Workforce};
use vuoro::simulate::SimOptions;

const EXAMPLES: &str = "\
Example (the shipped week, 114 named agents):
  vuoro plan --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv \\
      --agents models/helsinki-agents.csv \\
      --availability models/helsinki-availability.csv --out plan

Blended (voice and e-mail in one pool), compared with separate staffing of the same files:
  vuoro plan --model models/helsinki-blended.toml \\
      --forecast forecasts/helsinki-week-48.csv \\
      --agents models/helsinki-blended-agents.csv --out blended --compare 200

Writes to DIR: shifts.csv, coverage.csv, coverage.svg (the shift plan), roster.csv (one row per work,
break and lunch segment), roster_daily.csv, ics/<employee_id>.ics, roster.json, roster.xlsx and report.html
(the page to open); --export picks among csv, ics, json, xlsx. Prints the roster's service per channel and day, week and period
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
    /// Output folder of an earlier run (may be --out): calendar events keep their UIDs and raise their
    /// SEQUENCE where a shift changed; shifts dropped from a day are published as cancelled.
    #[arg(long, value_name = "DIR")]
    previous: Option<PathBuf>,
    /// Staff every channel on its own, ignoring the model's [[pool]] tables (today's separate staffing).
    #[arg(long)]
    separate: bool,
    /// With [[pool]] tables: also plan every channel on its own and print both shift plans side by
    /// side, each simulated with N replications (paid hours, agents, live service level, deferred work
    /// within its window).
    #[arg(long, value_name = "N")]
    compare: Option<u32>,
    #[command(flatten)]
    solver: SolverArgs,
    #[command(flatten)]
    format: FormatArgs,
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
    (image, extension): (ImageFormat, &str),
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let chart = coverage_chart(model, evaluation, "roster", image)
        .map_err(|e| Failure::input(e.to_string()))?;
    Ok(vec![
        (
            "shifts.csv".into(),
            shifts_csv(model, &plan.staffing).into_bytes(),
        ),
        (
            "coverage.csv".into(),
            encode(&model.export_csv, &coverage_csv(evaluation, model)),
        ),
        (format!("coverage.{extension}").into(), chart),
    ])
}

pub(crate) fn run(args: PlanArgs) -> Result<u8, Failure> {
    check_exports(&args.export)?;
    let (image, extension) = args.solver.plot_format()?;
    let choice = args.solver.choice()?;
    let goal = args.solver.goal();
    let mut inputs = vec![
        args.model.as_path(),
        args.forecast.as_path(),
        args.agents.as_path(),
    ];
    inputs.extend(args.availability.as_deref());
    check_out_folder(&args.out, &inputs)?;
    let progress = Progress::new("plan");
    progress.detail("reading the model and the workforce");
    let model = load_model(&args.model)?;
    let model = if args.separate {
        model.separate()
    } else {
        model
    };
    let (agents, windows) = read_workforce(&args, &model)?;
    check_writable(&model, &agents, &args.agents, &args.export)?;
    let previous = match &args.previous {
        Some(dir) => read_previous(dir, &model)?,
        None => Previous::default(),
    };
    let earlier = match &args.previous {
        Some(dir) => read_previous_roster(dir, &model)?,
        None => None,
    };
    progress.detail("requirements");
    let period = Period {
        from: args.from,
        to: args.to,
    };
    let req = requirements_of(&model, &args.forecast, period)?;
    warn_pool_goal(&model, goal);
    let options = Options {
        moves: None,
        previous: earlier,
        demand: None, // the pipeline gives each plan's own
    };
    let planned = plan_and_roster(
        &model,
        &req,
        goal,
        &choice,
        &agents,
        &windows,
        &options,
        &mut |m| progress.stage(m),
    )
    .map_err(|e| Failure::schedule(&args.model, e))?;
    let replan_note = planned.replan_note();
    let Planned {
        demand,
        plan,
        roster,
        evaluation,
        ..
    } = planned;
    let (Some(first), Some(period_end)) = (demand.grid.first(), demand.grid.end()) else {
        return Err(Failure::input("the planning period is empty"));
    };
    warn_availability(
        args.availability.as_deref(),
        &windows,
        &model,
        (first, period_end),
    );
    progress.detail("writing");
    let mut files = plan_files(&model, &plan, &evaluation, (image, &extension))?;
    files.extend(roster_files(
        &model,
        &roster,
        &args.export,
        first,
        &previous,
    )?);
    files.push(super::report::report_file(&ReportInput {
        model: &model,
        source: "plan",
        evaluation: Some(&evaluation),
        staffing: &roster.staffing,
        roster: Some(&roster),
        simulated: None,
        files: &super::report::links(files.iter().map(|(p, _)| p.as_path())),
    })?);
    let compared = match args.compare {
        Some(replications) => Some(compare_separate(
            &args,
            &model,
            (&demand, &plan),
            &Workforce::new(&model, &agents, &windows),
            replications,
        )?),
        None => None,
    };
    let summary = args.format.text(
        || {
            let mut text = plan_summary(&model, &plan, &roster, &evaluation);
            text.push_str(&pool_plan_notes(&model));
            text.push_str(&replan_note);
            text.push_str(compared.as_deref().unwrap_or_default());
            text
        },
        || summary_json::plan(&model, &plan, &roster, &evaluation),
    );
    progress.finish();
    commit(&args.out, "plan", &files, || print(summary.as_deref()))?;
    let met = roster.open.is_empty()
        && roster.hard_breaches(&model) == 0
        && plan.unmet(&evaluation).is_empty();
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
        super::progress::warn(format!(
            "{}:{line}: {n} availability row(s) dated outside the rostered days {first} – {last} (first on this line); they change nothing",
            path.display()
        ));
    }
}

/// Refuses, before any work, agents whose id, name or team the model's CSV encoding cannot write (when
/// CSV files are asked for).
pub(crate) fn check_writable(
    model: &Model,
    agents: &[Agent],
    path: &Path,
    export: &[String],
) -> Result<(), Failure> {
    if !export.iter().any(|e| e == "csv") {
        return Ok(());
    }
    match first_unwritable(&model.export_csv, agents) {
        Some((i, field, ch)) => Err(Failure::input(format!(
            "{}: agent {}: {field}: expected characters {} can write ([export.csv] encoding of the model), found '{ch}'; use encoding = \"utf-8\" with bom = true",
            path.display(),
            agents[i].id,
            model.export_csv.encoding.name()
        ))),
        None => Ok(()),
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

/// The roster's files in the formats asked for, relative to the output folder; calendars (and the
/// sequences `roster.json` records) update the `previous` publication.
pub(crate) fn roster_files(
    model: &Model,
    roster: &Roster,
    export: &[String],
    stamp: chrono::DateTime<chrono::Utc>,
    previous: &Previous,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let mut files = Vec::new();
    let wants = |f: &str| export.iter().any(|e| e == f);
    if wants("csv") {
        let layout = &model.export_csv;
        files.push((
            "roster.csv".into(),
            encode(layout, &roster_csv(model, roster)),
        ));
        files.push((
            "roster_daily.csv".into(),
            encode(layout, &roster_daily_csv(model, roster)),
        ));
    }
    if wants("json") {
        let sequences = sequences(model, roster, previous);
        files.push((
            "roster.json".into(),
            roster_json_with(model, roster, &sequences).into_bytes(),
        ));
    }
    if wants("xlsx") {
        let book =
            roster_xlsx(model, roster).map_err(|e| Failure::input(format!("roster.xlsx: {e}")))?;
        files.push(("roster.xlsx".into(), book));
    }
    if wants("ics") {
        for (name, body) in calendars_after(model, roster, stamp, previous) {
            files.push((Path::new("ics").join(name), body.into_bytes()));
        }
    }
    Ok(files)
}

/// A daily or weekly goal credits a pool's live channel with every agent of the pool (the scheduler's
/// service-level curve knows no deferred work): the simulation is then the only check.
pub(crate) fn warn_pool_goal(model: &Model, goal: Goal) {
    if !model.pools.is_empty() && goal != Goal::Interval {
        eprintln!("warning: with [[pool]] tables a daily or weekly goal judges each pool's live channel as if its agents took no deferred work; use --goal interval, or check the plan with `vuoro simulate`");
    }
}

/// `--compare`: the separate shift plan of the same files (the same agents: both plans are
/// workforce-aware), and both plans simulated side by side.
fn compare_separate(
    args: &PlanArgs,
    model: &Model,
    blended: (&Demand, &ShiftPlan),
    workforce: &Workforce,
    replications: u32,
) -> Result<String, Failure> {
    if model.pools.is_empty() {
        return Err(Failure::input(
            "--compare: expected a model with [[pool]] tables (and without --separate), found none",
        ));
    }
    if !(2..=100_000).contains(&replications) {
        return Err(Failure::input(format!(
            "--compare: expected 2 to 100000 replications, found '{replications}'"
        )));
    }
    let apart = model.separate();
    let period = Period {
        from: args.from,
        to: args.to,
    };
    let demand =
        Demand::from_requirements(&apart, &requirements_of(&apart, &args.forecast, period)?);
    let choice = args.solver.choice()?;
    let mut progress = |m: &str| eprintln!("vuoro plan (separate): {m}");
    let plan = schedule_for(
        &apart,
        &demand,
        args.solver.goal(),
        &choice,
        Some(workforce),
        &mut progress,
    )
    .map_err(|e| Failure::schedule(&args.model, e))?;
    let options = SimOptions {
        replications,
        threads: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        ..SimOptions::default()
    };
    eprintln!("vuoro plan: simulating both shift plans, {replications} replications each");
    let comparisons = compare_pools(
        model,
        (&demand, &plan.staffing),
        (blended.0, &blended.1.staffing),
        &options,
    );
    let mut out = String::from("\nshift plans, separate vs blended (before rostering):\n");
    for c in &comparisons {
        out.push_str(&blend_summary(c));
    }
    out.push_str(&contract_note(workforce, &plan, blended.1));
    Ok(out)
}

/// Whether the agents' contracts, not demand, set the paid hours of the two plans: both are planned for
/// the same agents, whose minimum weekly hours are paid whatever the staffing needs.
fn contract_note(workforce: &Workforce, separate: &ShiftPlan, blended: &ShiftPlan) -> String {
    let minimum: f64 = workforce
        .groups
        .iter()
        .map(|g| g.agents.len() as f64 * g.min_hours)
        .sum();
    // Minimum hours hold in whole ISO weeks only.
    let mut days: Vec<chrono::IsoWeek> = separate
        .evaluation
        .channels
        .first()
        .map(|c| c.days.iter().map(|(d, _)| d.iso_week()).collect())
        .unwrap_or_default();
    days.dedup();
    let weeks = days
        .iter()
        .filter(|w| {
            separate.evaluation.channels[0]
                .days
                .iter()
                .filter(|(d, _)| d.iso_week() == **w)
                .count()
                == 7
        })
        .count() as f64;
    let beyond = |p: &ShiftPlan| {
        let hours = p.evaluation.grid.interval_hours();
        p.evaluation
            .channels
            .iter()
            .map(|c| c.period.over * hours)
            .sum::<f64>()
    };
    // What the agents are paid at least: the plan's hours, or their contracts' minimum in whole weeks.
    let floor = if workforce.min_hours_hard {
        minimum * weeks
    } else {
        0.0
    };
    let paid = |p: &ShiftPlan| p.paid_hours().max(floor);
    let (apart, pooled) = (paid(separate), paid(blended));
    let saving = if apart > 0.0 {
        100.0 * (1.0 - pooled / apart)
    } else {
        0.0
    };
    let bound: Vec<&str> = [("separate", separate), ("blended", blended)]
        .into_iter()
        .filter(|(_, p)| p.paid_hours() < floor - 0.5)
        .map(|(name, _)| name)
        .collect();
    let mut out = format!(
        "both plans are for the agents of --agents: their contracts' minimum hours add up to {minimum:.1} h a week ({weeks} whole week(s) in the period); paid at least (plan or contracts' minimum): separate {apart:.1} h, blended {pooled:.1} h — blending saves {saving:.1} % of pay; agent-hours on shift beyond the requirement: separate {:.1}, blended {:.1}\n",
        beyond(separate),
        beyond(blended),
    );
    if !bound.is_empty() {
        out.push_str(&format!(
            "the contracts bind the {} plan: it plans fewer hours than the agents' minimum, so agents are left below it (the roster lists them) or paid for time without work\n",
            bound.join(" and ")
        ));
    }
    out
}

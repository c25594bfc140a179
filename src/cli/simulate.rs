//! `vuoro simulate`: replay a plan or roster with a discrete-event simulation (simulation.csv,
//! simulation_days.csv, summary).

use super::commit::commit;
use super::progress::Progress;
use super::requirements::{load_model, requirements_of};
use super::summary::{print, FormatArgs};
use super::write::check_out_folder;
use super::{read_input, Failure};
use chrono::NaiveDate;
use clap::Args;
use std::path::{Path, PathBuf};
use vuoro::forecast::Period;
use vuoro::model::Model;
use vuoro::report::blend::pool_notes;
use vuoro::report::simulation::{
    misses_target, simulation_csv, simulation_days_csv, simulation_summary,
};
use vuoro::report::summary_json;
use vuoro::requirements::demand::Demand;
use vuoro::roster::plan_file::read_shifts;
use vuoro::roster::roster_file::read_roster_json;
use vuoro::simulate::{simulate, HandleTimes, SimOptions};
use vuoro::staffing::Staffing;

const EXAMPLES: &str = "\
Example (the roster `vuoro plan --out plan` wrote, 200 replications):
  vuoro simulate --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv --plan plan \\
      --replications 200 --out plan-simulated

Reads DIR/roster.json when present (the named roster), else DIR/shifts.csv (the shift plan). Writes
OUT/simulation.csv (per channel and interval) and OUT/simulation_days.csv (per channel and day, then ISO
week), and prints the weeks simulated against the formulas and the intervals at risk (the formulas meet
the target, the simulation does not). Exit code 1 when a week's simulated service level misses its target.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct SimulateArgs {
    /// Contact-center model (TOML).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Interval forecast (CSV).
    #[arg(long, value_name = "FILE")]
    forecast: PathBuf,
    /// Output folder of `vuoro plan`, `vuoro roster` or `vuoro schedule`.
    #[arg(long, value_name = "DIR")]
    plan: PathBuf,
    /// First local day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last local day, included.
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Independent replications.
    #[arg(long, value_name = "N", default_value_t = 100)]
    replications: u32,
    /// Seed of the random streams (the same seed gives the same files).
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Handle times: exponential, or lognormal:CV (e.g. lognormal:0.8).
    #[arg(long, value_name = "DIST", default_value = "exponential")]
    handle_times: String,
    /// Worker threads (the results do not depend on it).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Staff every channel on its own, ignoring the model's [[pool]] tables (today's separate staffing).
    #[arg(long)]
    separate: bool,
    #[command(flatten)]
    format: FormatArgs,
}

/// `--handle-times` in the library's terms.
fn handle_times(text: &str) -> Result<HandleTimes, Failure> {
    let bad = || {
        Failure::input(format!(
            "--handle-times: expected exponential or lognormal:CV with CV from 0.05 to 5, found '{text}'"
        ))
    };
    match text.split_once(':') {
        None if text == "exponential" => Ok(HandleTimes::Exponential),
        Some(("lognormal", cv)) => match cv.parse::<f64>() {
            Ok(cv) if (0.05..=5.0).contains(&cv) => Ok(HandleTimes::Lognormal { cv }),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// The named roster of a plan folder when there is one, else its shift plan.
pub(crate) fn staffing_of(dir: &Path, model: &Model) -> Result<Staffing, Failure> {
    let roster = dir.join("roster.json");
    if roster.exists() {
        let text = read_input(&roster)?;
        return read_roster_json(&roster, &text, model).map_err(|d| Failure::diagnostics(&d));
    }
    let shifts = dir.join("shifts.csv");
    if !shifts.exists() {
        return Err(Failure::input(format!(
            "--plan {}: expected an output folder of vuoro plan, roster or schedule (with roster.json or shifts.csv), found neither",
            dir.display()
        )));
    }
    let text = read_input(&shifts)?;
    read_shifts(&shifts, &text, model).map_err(|d| Failure::diagnostics(&d))
}

/// Warns of simulated days with contacts but no shift of the plan: probably a plan of other days.
fn warn_days_without_shifts(demand: &Demand, staffing: &Staffing) {
    let grid = &demand.grid;
    let with_contacts: Vec<chrono::NaiveDate> = grid
        .dates()
        .into_iter()
        .filter(|d| {
            (0..grid.len()).any(|t| {
                grid.date_of(t) == *d && demand.channels.iter().any(|c| c.load[t].is_some())
            })
        })
        .collect();
    let bare: Vec<String> = with_contacts
        .iter()
        .filter(|d| !staffing.spans.iter().any(|s| s.date == **d))
        .map(|d| d.to_string())
        .collect();
    if !bare.is_empty() {
        super::progress::warn(format!(
            "the plan has no shift on {} of the {} simulated days with contacts ({}); choose them with --from and --to",
            bare.len(),
            with_contacts.len(),
            bare.join(", ")
        ));
    }
}

pub(crate) fn run(args: SimulateArgs) -> Result<u8, Failure> {
    // Two replications at least: a 95 % interval needs a spread.
    if !(2..=100_000).contains(&args.replications) {
        return Err(Failure::input(format!(
            "--replications: expected 2 to 100000, found '{}'",
            args.replications
        )));
    }
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    if !(1..=256).contains(&threads) {
        return Err(Failure::input(format!(
            "--threads: expected 1 to 256, found '{threads}'"
        )));
    }
    let options = SimOptions {
        replications: args.replications,
        seed: args.seed,
        handle_times: handle_times(&args.handle_times)?,
        threads,
    };
    check_out_folder(
        &args.out,
        &[
            args.model.as_path(),
            args.forecast.as_path(),
            args.plan.as_path(),
        ],
    )?;
    let progress = Progress::new("simulate");
    progress.detail("reading the model and the plan");
    let model = load_model(&args.model)?;
    let model = if args.separate {
        model.separate()
    } else {
        model
    };
    let staffing = staffing_of(&args.plan, &model)?;
    if staffing.spans.is_empty() {
        return Err(Failure::input(format!(
            "--plan {}: expected at least one shift, found none",
            args.plan.display()
        )));
    }
    let period = Period {
        from: args.from,
        to: args.to,
    };
    let demand =
        Demand::from_requirements(&model, &requirements_of(&model, &args.forecast, period)?);
    progress.stage(&format!(
        "{} replications of {} agent-shifts on {} threads",
        options.replications,
        staffing.shift_count(),
        threads
    ));
    warn_days_without_shifts(&demand, &staffing);
    let sim = simulate(&model, &demand, &staffing, &options);
    let files = vec![
        (
            PathBuf::from("simulation.csv"),
            simulation_csv(&model, &sim).into_bytes(),
        ),
        (
            PathBuf::from("simulation_days.csv"),
            simulation_days_csv(&sim).into_bytes(),
        ),
    ];
    let summary = args.format.text(
        || {
            let mut text = simulation_summary(&model, &sim);
            text.push_str(&pool_notes(&model));
            text
        },
        || summary_json::simulation(&model, &sim),
    );
    progress.finish();
    commit(&args.out, "simulate", &files, || print(summary.as_deref()))?;
    Ok(if misses_target(&sim) { 1 } else { 0 })
}

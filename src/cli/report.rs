//! `vuoro report DIR`: rebuilds `DIR/report.html` from the folder's `roster.json` or `shifts.csv`, the
//! model and forecast, and `simulation.csv` when a simulation was written into the folder.

use super::requirements::{load_model, requirements_of};
use super::simulate::staffing_of;
use super::write::{emit, write_all_atomically};
use super::{read_input, Failure};
use chrono::NaiveDate;
use clap::Args;
use std::path::{Path, PathBuf};
use vuoro::agents::read_agents;
use vuoro::evaluate::evaluate;
use vuoro::forecast::Period;
use vuoro::report::html::roster_json::read_roster;
use vuoro::report::html::{report_html, ReportInput, Simulated};
use vuoro::requirements::demand::Demand;

const EXAMPLES: &str = "\
Example (after `vuoro plan --out plan` and
`vuoro simulate --plan plan --out plan-simulated`):
  vuoro report plan --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv \\
      --agents models/helsinki-agents.csv --simulation plan-simulated

Reads DIR/roster.json when present (the named roster), else DIR/shifts.csv, and
simulation.csv and simulation_days.csv from --simulation (or DIR, when it holds
them). Writes DIR/report.html (or --out FILE), one self-contained page.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ReportArgs {
    /// Output folder of `vuoro plan`, `vuoro schedule` or `vuoro roster`.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Contact-center model (TOML).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Interval forecast (CSV).
    #[arg(long, value_name = "FILE")]
    forecast: PathBuf,
    /// Agents (CSV), for their contract bands (else contract − 8 to contract + 4 hours).
    #[arg(long, value_name = "FILE")]
    agents: Option<PathBuf>,
    /// First local day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last local day, included.
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Output folder of `vuoro simulate` for this staffing (default: DIR, when it holds simulation.csv).
    #[arg(long, value_name = "SIMDIR")]
    simulation: Option<PathBuf>,
    /// Where to write the page (default DIR/report.html).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// What the page links: the top-level names of an output set (a folder once, as `ics/`), sorted.
pub(crate) fn links<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Vec<String> {
    let mut names: Vec<String> = paths
        .into_iter()
        .filter_map(|p| {
            let mut parts = p.components();
            let first = parts.next()?.as_os_str().to_string_lossy().into_owned();
            Some(if parts.next().is_some() {
                format!("{first}/")
            } else {
                first
            })
        })
        .filter(|n| !n.starts_with('.') && n != "report.html")
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The files of an existing folder, as [`links`] names them.
fn folder_links(dir: &Path) -> Vec<String> {
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    let name = PathBuf::from(e.file_name());
                    if e.path().is_dir() {
                        name.join("x")
                    } else {
                        name
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    links(entries.iter().map(PathBuf::as_path))
}

/// The page's bytes as `report.html` in an output folder.
pub(crate) fn report_file(input: &ReportInput<'_>) -> Result<(PathBuf, Vec<u8>), Failure> {
    let html = report_html(input).map_err(|e| Failure::input(format!("report.html: {e}")))?;
    Ok(("report.html".into(), html.into_bytes()))
}

/// The simulation in `dir`, if `vuoro simulate` wrote one there (required when `explicit`).
fn simulated_of(
    dir: &Path,
    explicit: bool,
    model: &vuoro::model::Model,
    evaluation: &vuoro::evaluate::Evaluation,
) -> Result<Option<Simulated>, Failure> {
    let intervals = dir.join("simulation.csv");
    if !intervals.exists() {
        return if explicit {
            Err(Failure::input(format!(
                "--simulation {}: expected an output folder of vuoro simulate (with simulation.csv), found none",
                dir.display()
            )))
        } else {
            Ok(None)
        };
    }
    let text = read_input(&intervals)?;
    let days_path = dir.join("simulation_days.csv");
    let days = if days_path.exists() {
        Some(read_input(&days_path)?)
    } else {
        None
    };
    Simulated::read(
        model,
        evaluation,
        (&intervals, &text),
        days.as_deref().map(|t| (days_path.as_path(), t)),
    )
    .map(Some)
    .map_err(|d| Failure::diagnostics(&d))
}

pub(crate) fn run(args: ReportArgs) -> Result<u8, Failure> {
    if !args.dir.is_dir() {
        return Err(Failure::input(format!(
            "{}: expected an output folder of vuoro plan, schedule or roster, found {}",
            args.dir.display(),
            if args.dir.exists() {
                "a file"
            } else {
                "nothing"
            }
        )));
    }
    let model = load_model(&args.model)?;
    let known = match &args.agents {
        Some(p) => read_agents(p, &read_input(p)?, &model).map_err(|d| Failure::diagnostics(&d))?,
        None => Vec::new(),
    };
    let staffing = staffing_of(&args.dir, &model)?;
    let roster_path = args.dir.join("roster.json");
    let roster = if roster_path.exists() {
        let text = read_input(&roster_path)?;
        Some(
            read_roster(&roster_path, &text, &model, staffing.clone(), &known)
                .map_err(|d| Failure::diagnostics(&d))?,
        )
    } else {
        None
    };
    let period = Period {
        from: args.from,
        to: args.to,
    };
    let demand =
        Demand::from_requirements(&model, &requirements_of(&model, &args.forecast, period)?);
    let evaluation = evaluate(&model, &demand, &staffing);
    let simulated = match &args.simulation {
        Some(dir) => simulated_of(dir, true, &model, &evaluation)?,
        None => simulated_of(&args.dir, false, &model, &evaluation)?,
    };
    let source = if roster.is_some() {
        "report (roster.json)"
    } else {
        "report (shifts.csv)"
    };
    // Links are relative to the page: the folder's files when it is written there.
    let files = match &args.out {
        Some(out) if out.parent() != Some(args.dir.as_path()) => Vec::new(),
        _ => folder_links(&args.dir),
    };
    let (_, bytes) = report_file(&ReportInput {
        model: &model,
        source,
        evaluation: Some(&evaluation),
        staffing: &staffing,
        roster: roster.as_ref(),
        simulated: simulated.as_ref(),
        files: &files,
    })?;
    let out = args.out.unwrap_or_else(|| args.dir.join("report.html"));
    let note = format!(
        "{}: {} KiB{}\n",
        out.display(),
        bytes.len().div_ceil(1024),
        if simulated.is_some() {
            ", with the simulation"
        } else {
            ""
        }
    );
    write_all_atomically(&[(out.as_path(), bytes.as_slice())], || emit(None, &note))?;
    Ok(0)
}

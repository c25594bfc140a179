//! `vuoro requirements`: model + forecast → required agents per interval per channel.

use super::summary::FormatArgs;
use super::write::{check_apart, emit, write_all_atomically};
use super::{read_input, Failure};
use chrono::NaiveDate;
use clap::Args;
use std::path::{Path, PathBuf};
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::report::plot::{requirements_chart, ImageFormat};
use vuoro::report::{requirements_csv, requirements_summary, summary_json};
use vuoro::requirements::{compute, Requirements};

const EXAMPLES: &str = "\
Examples:
  # the shipped example: four channels, one week at 15-minute intervals
  vuoro requirements --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv \\
      --out requirements.csv --plot requirements.svg

  # only Monday to Wednesday of the forecast, CSV to standard output
  vuoro requirements --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv \\
      --from 2026-11-23 --to 2026-11-25

The CSV has one row per channel and interval; the summary (per day and channel) goes to standard output,
or to standard error when the CSV does.";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct RequirementsArgs {
    /// Contact-center model (TOML), e.g. models/helsinki-multichannel.toml.
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// Interval volume forecast (CSV: channel, start, volume[, aht, acw]).
    #[arg(long, value_name = "FILE")]
    forecast: PathBuf,
    /// First local day to plan (YYYY-MM-DD) [default: the forecast's first interval].
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    /// Last local day to plan, included (YYYY-MM-DD) [default: the forecast's last interval].
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    /// Write the requirements CSV here (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Draw the week per channel to this file (.svg or .png).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    #[command(flatten)]
    format: FormatArgs,
}

pub(crate) fn run(args: RequirementsArgs) -> Result<u8, Failure> {
    let plot_format = match &args.plot {
        None => None,
        Some(p) => Some(ImageFormat::from_path(p).ok_or_else(|| {
            Failure::input(format!(
                "{}: expected a .svg or .png file name for --plot",
                p.display()
            ))
        })?),
    };
    let model = load_model(&args.model)?;
    let req = requirements_of(
        &model,
        &args.forecast,
        Period {
            from: args.from,
            to: args.to,
        },
    )?;
    let csv = requirements_csv(&model, &req);
    let summary = args.format.text(
        || requirements_summary(&model, &req),
        || summary_json::requirements(&model, &req),
    );
    let chart = match (plot_format, &args.plot) {
        (Some(format), Some(path)) => Some((
            path.as_path(),
            requirements_chart(&model, &req, format)
                .map_err(|e| Failure::input(format!("{}: {e}", path.display())))?,
        )),
        _ => None,
    };
    let mut files: Vec<(&Path, &[u8])> = Vec::new();
    if let Some(out) = &args.out {
        files.push((out.as_path(), csv.as_bytes()));
    }
    if let Some((path, bytes)) = &chart {
        files.push((path, bytes.as_slice()));
    }
    let inputs = [args.model.as_path(), args.forecast.as_path()];
    for (path, _) in &files {
        check_apart(path, &inputs)?;
    }
    // Standard output first: if it fails, no file has changed.
    write_all_atomically(&files, || {
        let summary = summary.as_deref().unwrap_or_default();
        if args.out.is_some() {
            emit(None, summary)
        } else {
            emit(None, &csv)?;
            eprint!("{summary}");
            Ok(())
        }
    })?;
    Ok(0)
}

/// Reads a forecast for `model` (warnings to standard error) and computes the requirements.
pub(crate) fn requirements_of(
    model: &Model,
    path: &Path,
    period: Period,
) -> Result<Requirements, Failure> {
    check_period(period)?;
    let text = read_input(path)?;
    let read = read_forecast(path, &text, model, period).map_err(|d| Failure::diagnostics(&d))?;
    for w in &read.warnings {
        super::progress::warn(w);
    }
    compute(model, &read.forecast).map_err(|e| Failure {
        code: 1,
        message: e.to_string(),
    })
}

/// `--from` and `--to`: dates of this era (a two-digit year reads as the first century), in order.
fn check_period(period: Period) -> Result<(), Failure> {
    use chrono::Datelike as _;
    for (flag, date) in [("--from", period.from), ("--to", period.to)] {
        if let Some(d) = date.filter(|d| !(1970..=2200).contains(&d.year())) {
            return Err(Failure::input(format!(
                "{flag}: expected a date from 1970 to 2200 such as 2026-11-23, found {d}"
            )));
        }
    }
    if let (Some(from), Some(to)) = (period.from, period.to) {
        if to < from {
            return Err(Failure::input(format!(
                "--to: expected a date on or after --from ({from}), found {to}"
            )));
        }
    }
    Ok(())
}

pub(crate) fn load_model(path: &Path) -> Result<Model, Failure> {
    let text = read_input(path)?;
    Model::from_toml(path, &text).map_err(|d| Failure::diagnostics(&d))
}

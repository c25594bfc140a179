//! `vuoro erlang`: flags or a batch file → cases → report.

use super::write::emit;
use super::Failure;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use vuoro::calculator::batch::{evaluate_batch, parse_batch};
use vuoro::calculator::output::{
    batch_table, row, to_csv, to_json, to_table, write_batch, BatchFormat, Cell,
};
use vuoro::calculator::{AgentsSpec, Case, CaseText};

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub(crate) enum Format {
    /// Readable report for the terminal.
    #[default]
    Table,
    /// One row per staffing, all inputs and results, full precision.
    Csv,
    /// The same rows as a JSON array of objects.
    Json,
}

const EXAMPLES: &str = "\
Examples:
  # KPIs of 14 agents for 100 calls per 30 minutes, AHT 3 min
  vuoro erlang --volume 100 --interval 30m --aht 3m --threshold 20s \\
      --agents 14

  # the same with callers who hang up after 2 minutes on average (Erlang A)
  vuoro erlang --volume 100 --interval 30m --aht 3m --agents 14 \\
      --patience 2m

  # agents needed for 80/20, ASA at most 15 s, 30 % shrinkage
  vuoro erlang --volume 100 --aht 3m --target-sl 80% --threshold 20s \\
      --target-asa 15s --shrinkage 30%

  # chat, three sessions per agent, 40 % of a chat's work cannot overlap
  vuoro erlang --volume 120 --aht 6m --concurrency 3 --non-overlap 40% \\
      --target-sl 80% --threshold 60s

  # what-if table from 10 to 20 agents, marking the fewest that meet the target
  vuoro erlang --volume 100 --aht 3m --agents 10..20 --target-sl 80%

  # one case per CSV row (columns as the flags, with underscores), as CSV
  vuoro erlang --batch forecasts/monday-intervals.csv --format csv \\
      --out results.csv

Service-level conventions (--sl-convention), relevant with --patience:
  offered              answered within T / offered (default: abandons count against it)
  answered             answered within T / answered
  excl_abandon_within  answered within T / (offered - abandoned within T)
  wait_within          waited at most T, hang-ups within T count as successes
  virtual              virtual wait <= T of a caller who never hangs up";

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct ErlangArgs {
    /// Contacts offered in one interval.
    #[arg(
        long,
        allow_hyphen_values = true,
        value_name = "N",
        required_unless_present = "batch"
    )]
    volume: Option<String>,
    /// Interval length [default: 30m].
    #[arg(long, allow_hyphen_values = true, value_name = "DURATION")]
    interval: Option<String>,
    /// Average handle time (talk + after-call work), e.g. 3m, 180s, 2m30s.
    #[arg(
        long,
        allow_hyphen_values = true,
        value_name = "DURATION",
        required_unless_present = "batch"
    )]
    aht: Option<String>,
    /// Mean patience before a waiting caller hangs up; switches to Erlang A.
    #[arg(long, allow_hyphen_values = true, value_name = "DURATION")]
    patience: Option<String>,
    /// Scheduled agents to evaluate, or a range such as 10..20 for a what-if table.
    #[arg(long, allow_hyphen_values = true, value_name = "N|FROM..TO")]
    agents: Option<String>,
    /// Service-level threshold T [default: 20s].
    #[arg(long, allow_hyphen_values = true, value_name = "DURATION")]
    threshold: Option<String>,
    /// Service-level target, e.g. 80% (answered within --threshold).
    #[arg(long, allow_hyphen_values = true, value_name = "SHARE")]
    target_sl: Option<String>,
    /// Which service-level definition the target and report use [default: offered].
    #[arg(long, allow_hyphen_values = true, value_name = "NAME")]
    sl_convention: Option<String>,
    /// Maximum average speed of answer of answered contacts.
    #[arg(long, allow_hyphen_values = true, value_name = "DURATION")]
    target_asa: Option<String>,
    /// Maximum share of callers who hang up (needs --patience to matter).
    #[arg(long, allow_hyphen_values = true, value_name = "SHARE")]
    max_abandon: Option<String>,
    /// Maximum occupancy, e.g. 85%.
    #[arg(long, allow_hyphen_values = true, value_name = "SHARE")]
    max_occupancy: Option<String>,
    /// Share of scheduled time not spent on contacts (breaks, training, absence), e.g. 30%.
    #[arg(long, allow_hyphen_values = true, value_name = "SHARE")]
    shrinkage: Option<String>,
    /// Chats one agent can handle at once.
    #[arg(long, allow_hyphen_values = true, value_name = "K")]
    concurrency: Option<String>,
    /// Share of a chat's work that cannot overlap with other chats [default: 0].
    #[arg(long, allow_hyphen_values = true, value_name = "SHARE")]
    non_overlap: Option<String>,
    /// Read one case per row from a CSV file instead of the flags above.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["volume", "aht", "agents"])]
    batch: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the output to this file (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

impl ErlangArgs {
    fn case_text(&self) -> CaseText {
        let mut text = CaseText::default();
        let flags = [
            ("volume", &self.volume),
            ("interval", &self.interval),
            ("aht", &self.aht),
            ("patience", &self.patience),
            ("agents", &self.agents),
            ("threshold", &self.threshold),
            ("target_sl", &self.target_sl),
            ("sl_convention", &self.sl_convention),
            ("target_asa", &self.target_asa),
            ("max_abandon", &self.max_abandon),
            ("max_occupancy", &self.max_occupancy),
            ("shrinkage", &self.shrinkage),
            ("concurrency", &self.concurrency),
            ("non_overlap", &self.non_overlap),
        ];
        for (column, value) in flags {
            text.set(column, value.clone());
        }
        text
    }
}

pub(crate) fn run(args: ErlangArgs) -> Result<u8, Failure> {
    match &args.batch {
        Some(path) => run_batch(&args, path),
        None => run_single(&args),
    }
}

fn run_single(args: &ErlangArgs) -> Result<u8, Failure> {
    let text = args.case_text();
    let case = text.parse().map_err(|problems| {
        let lines: Vec<String> = problems
            .iter()
            .map(|p| {
                let e = &p.error;
                format!(
                    "--{}: expected {}, found {}",
                    e.field.replace('_', "-"),
                    e.expected,
                    e.found
                )
            })
            .collect();
        Failure::input(lines.join("\nerror: "))
    })?;
    let evaluations = case.evaluate().map_err(|e| Failure {
        code: 1,
        message: e.to_string(),
    })?;
    let required = match case.agents {
        AgentsSpec::Range(..) => case.required().and_then(Result::ok),
        _ => None,
    };
    let output = match args.format {
        Format::Table => to_table(&text, &case, &evaluations, required),
        Format::Csv => to_csv(&rows(&text, &case, &evaluations)),
        Format::Json => to_json(&rows(&text, &case, &evaluations)),
    };
    emit(args.out.as_deref(), &output)?;
    Ok(exit_code(&evaluations, &case))
}

fn rows<'a>(
    text: &'a CaseText,
    case: &Case,
    evaluations: &[vuoro::calculator::Evaluation],
) -> Vec<Vec<Cell<'a>>> {
    evaluations.iter().map(|e| row(text, case, e)).collect()
}

/// 1 when a single given staffing misses its targets (a range table is a question, not a check).
fn exit_code(evaluations: &[vuoro::calculator::Evaluation], case: &Case) -> u8 {
    match (case.agents, evaluations) {
        (AgentsSpec::Given(_), [e]) if e.meets_targets == Some(false) => 1,
        _ => 0,
    }
}

fn run_batch(args: &ErlangArgs, path: &std::path::Path) -> Result<u8, Failure> {
    if let Some(out) = &args.out {
        super::write::check_apart(out, &[path])?;
    }
    let contents = super::read_input(path)?;
    let cases = parse_batch(path, &contents)
        .map_err(|d| Failure::input(d.to_string().replace('\n', "\nerror: ")))?;
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let output = match args.format {
        Format::Table => evaluate_batch(path, &cases, threads).map(|evaluations| {
            let rows: Vec<_> = cases
                .iter()
                .zip(&evaluations)
                .map(|(c, e)| (c.line, &c.text, &c.case, e))
                .collect();
            batch_table(&rows)
        }),
        Format::Csv => write_batch(path, &cases, BatchFormat::Csv, threads),
        Format::Json => write_batch(path, &cases, BatchFormat::Json, threads),
    }
    .map_err(|mut problems| {
        // The first hundred, then a count: a broken file must not flood the terminal.
        let more = problems.len().saturating_sub(100);
        problems.truncate(100);
        if more > 0 {
            problems.push(format!(
                "{}: … and {more} more problems (the first 100 are listed)",
                path.display()
            ));
        }
        Failure::input(problems.join("\nerror: "))
    })?;
    emit(args.out.as_deref(), &output)?;
    Ok(0)
}

//! Command-line front end: clap arguments → library calls → files and exit codes.
//!
//! Exit codes: 0 success; 1 solved but a target could not be met; 2 bad usage, bad input or I/O error.

mod commit;
mod erlang;
mod generate;
mod plan;
mod previous;
mod progress;
mod report;
mod requirements;
mod roster;
mod schedule;
mod simulate;
mod solver;
mod summary;
mod write;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Each example fits an 80-column terminal; a long command continues with `\` so it pastes as one.
const EXAMPLES: &str = "\
Examples:
  # the whole week: forecast → requirements → shifts → named roster → files
  vuoro plan --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv \\
      --agents models/helsinki-agents.csv \\
      --availability models/helsinki-availability.csv --out plan

  # required agents per channel and interval, with a chart
  vuoro requirements --model models/helsinki-multichannel.toml \\
      --forecast forecasts/helsinki-week-48.csv \\
      --out requirements.csv --plot requirements.svg

  # one interval: KPIs of 14 agents, then the agents 80/20 needs
  vuoro erlang --volume 100 --interval 30m --aht 3m --agents 14
  vuoro erlang --volume 100 --aht 3m --target-sl 80% --threshold 20s

  # one case per CSV row
  vuoro erlang --batch forecasts/monday-intervals.csv --format csv \\
      --out results.csv

  # shell completions and the manual page
  vuoro completions bash > ~/.local/share/bash-completion/completions/vuoro
  vuoro man --out man/

Add --format json for the summary as one JSON document, --quiet for no progress.";

#[derive(Debug, Parser)]
#[command(
    name = "vuoro",
    version,
    about = "Staffing for multichannel contact centers: Erlang B/C/A, requirements, schedules, rosters.",
    after_help = EXAMPLES
)]
struct Cli {
    /// No progress lines and no table summary (files, JSON and errors are unaffected; warnings still
    /// go to standard error).
    #[arg(long, short, global = true, display_order = 1000)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Erlang C / Erlang A / chat calculator: KPIs at a staffing, required agents for targets, what-if tables.
    Erlang(Box<erlang::ErlangArgs>),
    /// Required agents per interval and channel from a model and a forecast (CSV, summary, chart).
    Requirements(requirements::RequirementsArgs),
    /// Shift plan from requirements: an integer program choosing shifts and breaks (shifts.csv, coverage.csv, chart).
    Schedule(Box<schedule::ScheduleArgs>),
    /// Named agents onto a shift plan (shifts.csv) under labour rules → roster CSV, iCalendar, JSON, XLSX.
    Roster(Box<roster::RosterArgs>),
    /// Forecast → requirements → shift plan → named-agent roster → CSV, iCalendar, JSON and XLSX files.
    Plan(Box<plan::PlanArgs>),
    /// Replay a plan or roster with a discrete-event simulation: what it delivers, interval by interval.
    Simulate(Box<simulate::SimulateArgs>),
    /// Shell completions on standard output: bash, zsh, fish, powershell or elvish.
    Completions(generate::CompletionsArgs),
    /// The manual page (roff) on standard output, or one page per command with --out DIR.
    Man(generate::ManArgs),
    /// Rebuild DIR/report.html from an output folder of plan, schedule or roster (and a simulation in it).
    Report(Box<report::ReportArgs>),
}

/// An error that already knows its exit code and message.
#[derive(Debug)]
pub(crate) struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub(crate) fn input(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// A schedule that could not be made: bad input (no templates, mismatched intervals) exits 2; a
    /// model the solver cannot solve is not bad input and exits 1.
    pub(crate) fn schedule(model: &std::path::Path, e: vuoro::schedule::ScheduleError) -> Failure {
        use vuoro::schedule::ScheduleError as E;
        if matches!(e, E::NoTemplates) {
            return Failure::input(format!("{}: {e}", model.display()));
        }
        Failure {
            code: if matches!(e, E::Solver(_) | E::Infeasible(_)) {
                1
            } else {
                2
            },
            message: e.to_string(),
        }
    }

    /// Every problem of an input file, one `error:` line each.
    pub(crate) fn diagnostics(d: &vuoro::error::Diagnostics) -> Failure {
        Failure::input(d.to_string().replace('\n', "\nerror: "))
    }
}

/// Reads an input file as UTF-8 text, naming the file when it cannot.
pub(crate) fn read_input(path: &std::path::Path) -> Result<String, Failure> {
    use std::io::Read as _;
    let cannot =
        |e: std::io::Error| Failure::input(format!("{}: cannot read: {e}", path.display()));
    // Never read more than a contact center could mean (a device such as /dev/zero reports no size).
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(vuoro::MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > vuoro::MAX_INPUT_BYTES {
        return Err(Failure::input(format!(
            "{}: file: expected at most {} bytes (64 MiB), found more",
            path.display(),
            vuoro::MAX_INPUT_BYTES
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        // Name the first byte that is not UTF-8 by its line and column.
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        let byte = e.as_bytes()[valid.len()];
        Failure::input(format!(
            "{}:{line}:{column}: expected UTF-8 text (save the file as UTF-8), found the byte 0x{byte:02x}",
            path.display()
        ))
    })
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    progress::set_quiet(cli.quiet);
    commit::remove_temporaries_on_interrupt();
    let result = match cli.command {
        Command::Erlang(args) => erlang::run(*args),
        Command::Requirements(args) => requirements::run(args),
        Command::Schedule(args) => schedule::run(*args),
        Command::Roster(args) => roster::run(*args),
        Command::Plan(args) => plan::run(*args),
        Command::Simulate(args) => simulate::run(*args),
        Command::Completions(args) => generate::completions(&args),
        Command::Man(args) => generate::man(&args),
        Command::Report(args) => report::run(*args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            // No line of a message may flood the terminal (a flag's value is echoed in it).
            let lines: Vec<String> = failure
                .message
                .lines()
                .map(|l| match l.char_indices().nth(1000) {
                    Some((cut, _)) => format!("{}…", &l[..cut]),
                    None => l.to_string(),
                })
                .collect();
            eprintln!("error: {}", lines.join("\n"));
            ExitCode::from(failure.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::{CommandFactory as _, Parser as _};

    /// The example commands of a help text: `vuoro …` lines joined with their `\` continuations.
    fn examples(help: &str) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        let mut lines = help.lines();
        while let Some(line) = lines.next() {
            if !line.trim_start().starts_with("vuoro ") {
                continue;
            }
            let mut text = vec![line.to_string()];
            let mut command = line.trim().to_string();
            while let Some(head) = command.strip_suffix('\\') {
                let next = lines.next().expect("a continuation line");
                text.push(next.to_string());
                command = format!("{head} {}", next.trim());
            }
            // Shell redirections and pipes are not the command's arguments.
            let words: Vec<String> = command
                .split_whitespace()
                .take_while(|w| !matches!(*w, ">" | "|" | "&&"))
                .map(str::to_string)
                .collect();
            out.push((text.join("\n"), words));
        }
        out
    }

    /// Every example in every `--help` parses as the command it shows and fits an 80-column terminal,
    /// so it pastes whole.
    #[test]
    fn help_examples_parse_and_fit() {
        let mut top = Cli::command();
        top.build();
        let mut helps = vec![top.render_long_help().to_string()];
        for sub in top.get_subcommands_mut() {
            helps.push(sub.render_long_help().to_string());
        }
        let mut count = 0;
        for help in &helps {
            for (text, words) in examples(help) {
                for line in text.lines() {
                    assert!(line.chars().count() <= 80, "too wide:\n{line}");
                }
                if let Err(e) = Cli::try_parse_from(&words) {
                    panic!("{text}\ndoes not parse: {e}");
                }
                count += 1;
            }
        }
        assert!(count >= 15, "{count} examples");
    }
}

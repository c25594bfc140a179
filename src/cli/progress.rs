//! What a long command is doing, on standard error: a live line (`indicatif`) when standard error is a
//! terminal, plain `vuoro <command>: …` lines otherwise (logs, CI), nothing under `--quiet`.
//!
//! Progress never reaches standard output or a file, so outputs stay byte-identical however long a
//! solve takes; wall-clock figures appear only here. Warnings and errors do not pass through this
//! reporter and are printed even under `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static QUIET: AtomicBool = AtomicBool::new(false);

/// The live line being drawn, if any, so that a warning can be printed above it rather than into it.
static LIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Prints `warning: {message}` on standard error (also under `--quiet`), above a live progress line.
pub(crate) fn warn(message: impl std::fmt::Display) {
    let live = LIVE.lock().ok().and_then(|l| l.clone());
    match live {
        Some(bar) => bar.suspend(|| eprintln!("warning: {message}")),
        None => eprintln!("warning: {message}"),
    }
}

/// Set once from the global `--quiet` flag.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` was given: no progress, no table summary.
pub(crate) fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A plain solver line at most this often, unless the incumbent improves.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Where progress goes.
#[derive(Debug)]
enum Sink {
    Silent,
    /// A redrawn spinner line on a terminal.
    Live(ProgressBar),
    /// One line per stage; solver lines when the incumbent improves or every [`PLAIN_EVERY`].
    Plain(Mutex<PlainState>),
}

#[derive(Debug, Default)]
struct PlainState {
    last_line: Option<Instant>,
    last_incumbent: Option<f64>,
}

/// The progress reporter of one command run.
#[derive(Debug)]
pub(crate) struct Progress {
    command: &'static str,
    sink: Sink,
}

impl Progress {
    /// A reporter for `vuoro <command>`: live on a terminal, plain otherwise, silent under `--quiet`.
    pub(crate) fn new(command: &'static str) -> Progress {
        let sink = if quiet() {
            Sink::Silent
        } else if std::io::stderr().is_terminal() {
            let bar = live_bar(command);
            if let Ok(mut live) = LIVE.lock() {
                *live = Some(bar.clone());
            }
            Sink::Live(bar)
        } else {
            Sink::Plain(Mutex::new(PlainState::default()))
        };
        Progress { command, sink }
    }

    /// A new stage: `reading`, `requirements`, `solving`, `rostering`, `writing`, or a library message.
    pub(crate) fn stage(&self, message: &str) {
        match &self.sink {
            Sink::Silent => {}
            Sink::Live(bar) => bar.set_message(message.to_string()),
            Sink::Plain(state) => {
                eprintln!("vuoro {}: {message}", self.command);
                if let Ok(mut s) = state.lock() {
                    s.last_line = Some(Instant::now());
                }
            }
        }
    }

    /// A quick step (reading, requirements, writing): shown on a terminal only, so that off a terminal
    /// stderr holds only the lines of steps that take seconds (and a bad input's error stands alone).
    pub(crate) fn detail(&self, message: &str) {
        if let Sink::Live(bar) = &self.sink {
            bar.set_message(message.to_string());
        }
    }

    /// Branch-and-bound state: the best plan's cost so far (none yet), the proven bound, time spent.
    /// (Called from the scheduler's progress callback.)
    #[allow(dead_code)]
    pub(crate) fn solver(&self, incumbent: Option<f64>, bound: f64, elapsed: Duration) {
        let line = solver_line(incumbent, bound, elapsed);
        match &self.sink {
            Sink::Silent => {}
            Sink::Live(bar) => bar.set_message(line),
            Sink::Plain(state) => {
                let Ok(mut s) = state.lock() else { return };
                let improved = incumbent.is_some_and(|i| {
                    s.last_incumbent
                        .is_none_or(|last| (i - last).abs() > 1e-9 * i.abs().max(1.0))
                });
                let due = s.last_line.is_none_or(|t| t.elapsed() >= PLAIN_EVERY);
                if improved || due {
                    eprintln!("vuoro {}: {line}", self.command);
                    s.last_line = Some(Instant::now());
                    s.last_incumbent = incumbent.or(s.last_incumbent);
                }
            }
        }
    }

    /// Clears the live line (before the summary is printed).
    pub(crate) fn finish(&self) {
        if let Sink::Live(bar) = &self.sink {
            bar.finish_and_clear();
            if let Ok(mut live) = LIVE.lock() {
                *live = None;
            }
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn live_bar(command: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} vuoro {command}: {{wide_msg}} {{elapsed}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// `branch and bound: best 1754.0 · bound 1750.2 · gap 0.22 % · 12.3 s`.
///
/// The gap is `(incumbent − bound) / |incumbent|`, the relative MIP gap solvers report.
fn solver_line(incumbent: Option<f64>, bound: f64, elapsed: Duration) -> String {
    let seconds = elapsed.as_secs_f64();
    match incumbent {
        Some(best) => {
            let gap = (best - bound).max(0.0) / best.abs().max(1e-9);
            format!(
                "branch and bound: best {best:.1} · bound {bound:.1} · gap {:.2} % · {seconds:.1} s",
                100.0 * gap
            )
        }
        None => format!("branch and bound: no plan yet · bound {bound:.1} · {seconds:.1} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solver_line_states_the_relative_gap() {
        // (1010 − 1000) / 1010 = 0.990 %.
        assert_eq!(
            solver_line(Some(1010.0), 1000.0, Duration::from_millis(12_340)),
            "branch and bound: best 1010.0 · bound 1000.0 · gap 0.99 % · 12.3 s"
        );
        assert_eq!(
            solver_line(None, 998.31, Duration::from_secs(2)),
            "branch and bound: no plan yet · bound 998.3 · 2.0 s"
        );
    }
}

//! The shift-plan flags `schedule` and `plan` share (goal, back end, budgets, chart format), validated
//! into the library's [`SolverChoice`] and [`Goal`] once, so both commands accept and refuse the same
//! values with the same words.

use super::Failure;
use clap::{Args, ValueEnum};
use std::path::Path;
use vuoro::report::plot::ImageFormat;
use vuoro::schedule::{Backend, Goal, SolverChoice};

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

/// `--goal`, `--solver`, `--time-limit`, `--mip-gap`, `--threads`, `--plot-format`.
#[derive(Debug, Args)]
pub(crate) struct SolverArgs {
    /// What to optimise.
    #[arg(long, value_enum, default_value_t = GoalArg::Interval)]
    pub goal: GoalArg,
    /// MILP back end.
    #[arg(long, value_enum, default_value_t = SolverArg::Microlp)]
    pub solver: SolverArg,
    /// Safety stop in seconds: the search is bounded by a deterministic move budget, and a plan cut
    /// short by this clock is reported as such (it may then depend on machine load).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 300.0,
        allow_negative_numbers = true
    )]
    pub time_limit: f64,
    /// Stop when the plan is provably within this relative gap of optimal, e.g. 0.5% or 0.005.
    #[arg(
        long,
        value_name = "GAP",
        default_value = "0.5%",
        allow_hyphen_values = true
    )]
    pub mip_gap: String,
    /// Threads the solver may use: HiGHS's and CBC's, and vuoro's own (a daily or weekly goal's search
    /// beside the interval plan, days re-solved two at a time). Unset: 1 for HiGHS and CBC, the
    /// machine's cores for vuoro's own. The plan is the same whatever the number.
    #[arg(long, value_name = "N")]
    pub threads: Option<u32>,
    /// Chart format of DIR/coverage.*.
    #[arg(long, value_name = "svg|png", default_value = "svg")]
    pub plot_format: String,
}

impl SolverArgs {
    /// The goal in the library's terms.
    pub(crate) fn goal(&self) -> Goal {
        match self.goal {
            GoalArg::Interval => Goal::Interval,
            GoalArg::Daily => Goal::Daily,
            GoalArg::Weekly => Goal::Weekly,
        }
    }

    /// The solver settings, every flag checked.
    pub(crate) fn choice(&self) -> Result<SolverChoice, Failure> {
        if !(1e-3..=1e6).contains(&self.time_limit) {
            return Err(Failure::input(format!(
                "--time-limit: expected seconds from 0.001 to 1000000, found '{}'",
                self.time_limit
            )));
        }
        let mip_gap = vuoro::units::parse_share(&self.mip_gap)
            .ok()
            .filter(|g| (0.0..1.0).contains(g))
            .ok_or_else(|| {
                Failure::input(format!(
                    "--mip-gap: expected a share from 0 up to 100% such as 0.5% or 0.005, found '{}'",
                    self.mip_gap
                ))
            })?;
        if let Some(n) = self.threads.filter(|n| !(1..=256).contains(n)) {
            return Err(Failure::input(format!(
                "--threads: expected 1 to 256, found '{n}'"
            )));
        }
        Ok(SolverChoice {
            backend: backend(self.solver)?,
            time_limit_s: self.time_limit,
            mip_gap,
            threads: self.threads.unwrap_or(0),
            ..SolverChoice::default()
        })
    }

    /// The chart format and the file extension it is written with.
    pub(crate) fn plot_format(&self) -> Result<(ImageFormat, String), Failure> {
        let extension = self.plot_format.to_ascii_lowercase();
        let format =
            ImageFormat::from_path(Path::new(&format!("x.{extension}"))).ok_or_else(|| {
                Failure::input(format!(
                    "--plot-format: expected svg or png, found '{}'",
                    self.plot_format
                ))
            })?;
        Ok((format, extension))
    }
}

fn backend(arg: SolverArg) -> Result<Backend, Failure> {
    match arg {
        SolverArg::Microlp => Ok(Backend::Microlp),
        #[cfg(feature = "highs")]
        SolverArg::Highs => Ok(Backend::Highs),
        #[cfg(feature = "cbc")]
        SolverArg::Cbc => Ok(Backend::Cbc),
        #[allow(unreachable_patterns)]
        other => {
            let name = format!("{other:?}").to_lowercase();
            Err(Failure::input(format!(
                "--solver {name}: this build has no such back end; rebuild with `cargo build --release --features {name}` (see README)"
            )))
        }
    }
}

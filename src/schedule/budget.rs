//! How long the local search may run, in deterministic units.
//!
//! The budget counts trial evaluations (one per move judged), so the same inputs give the same plan on any
//! machine under any load. The wall-clock limit is only a safety stop: when it fires the plan is still
//! valid, but the report says so, because then the result depends on the machine.

use std::time::Instant;

/// Trial evaluations a search may spend, and the safety stop.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    limit: u64,
    /// Evaluations counted when the current stage began: each stage (one start's search) gets `limit`.
    stage_start: u64,
    deadline: Instant,
    next_check: u64,
    /// Set once the wall-clock safety stop has fired.
    pub clock_stopped: bool,
    /// An objective at or below this is within the requested gap of the LP bound: the search may stop
    /// there (deterministic, like the count).
    pub good_enough: f64,
}

impl Budget {
    pub fn new(limit: u64, deadline: Instant) -> Budget {
        Budget {
            limit,
            stage_start: 0,
            deadline,
            next_check: 0,
            clock_stopped: false,
            good_enough: f64::NEG_INFINITY,
        }
    }

    /// Whether `used` evaluations exhaust the budget (or the safety stop has fired). The clock is read
    /// only every 4 096 evaluations: it is a backstop, not a timer.
    pub fn exhausted(&mut self, used: u64) -> bool {
        if used.saturating_sub(self.stage_start) >= self.limit || self.clock_stopped {
            return true;
        }
        if used >= self.next_check {
            self.next_check = used + 4096;
            self.clock_stopped = Instant::now() >= self.deadline;
        }
        self.clock_stopped
    }

    /// Starts a stage (one start's search) with a full budget.
    pub fn new_stage(&mut self, used: u64) {
        self.stage_start = used;
    }

    /// Whether the current stage spent its whole budget.
    pub fn stage_spent(&self, used: u64) -> bool {
        used.saturating_sub(self.stage_start) >= self.limit
    }

    /// Seconds left before the safety stop (0 once it has fired): the time limit of a stage that
    /// solves with a clock of its own, such as a day's branch and bound.
    pub fn seconds_left(&self) -> f64 {
        if self.clock_stopped {
            return 0.0;
        }
        self.deadline
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
    }

    /// Records that a stage before the search hit the safety stop.
    pub fn stop_by_clock(&mut self) {
        self.clock_stopped = true;
    }
}

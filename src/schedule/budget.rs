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
    deadline: Instant,
    next_check: u64,
    /// Set once the wall-clock safety stop has fired.
    pub clock_stopped: bool,
}

impl Budget {
    pub fn new(limit: u64, deadline: Instant) -> Budget {
        Budget {
            limit,
            deadline,
            next_check: 0,
            clock_stopped: false,
        }
    }

    /// Whether `used` evaluations exhaust the budget (or the safety stop has fired). The clock is read
    /// only every 4 096 evaluations: it is a backstop, not a timer.
    pub fn exhausted(&mut self, used: u64) -> bool {
        if used >= self.limit || self.clock_stopped {
            return true;
        }
        if used >= self.next_check {
            self.next_check = used + 4096;
            self.clock_stopped = Instant::now() >= self.deadline;
        }
        self.clock_stopped
    }

    pub fn limit(&self) -> u64 {
        self.limit
    }
}

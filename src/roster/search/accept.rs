//! Late acceptance: how much worse than now a move may leave the roster.
//!
//! Keeping only moves that do not raise the cost stops at the first roster no single move improves;
//! on the shipped week that roster still broke 39 soft rules while no give, swap or day trade of two
//! agents lowered its cost. Late acceptance hill climbing (Burke & Bykov 2017, "The late acceptance
//! hill-climbing heuristic", *EJOR* 258) also keeps a move that leaves the cost no higher than it was
//! `L` moves ago, so the search may step up a little to reach a better valley, and it has one
//! parameter and no clock: the same moves give the same roster. The history takes the current cost
//! only when lower (Burke & Bykov's variant that never raises it), a step up is never larger than
//! [`STEP_UP`] (so it never costs an hour below the minimum, [`BREACH`](crate::rules::BREACH) per hour),
//! and the search ends on the best roster it met.

use super::IMPROVES;
use crate::rules::SOFT_BREACH;

/// The largest rise a move may make: two broken soft rules, less than a quarter of an hour below the
/// minimum hours, far less than an open shift.
pub(super) const STEP_UP: f64 = 2.0 * SOFT_BREACH;

/// The history is the budget's 1/`SPAN`: the threshold has time to come down to the best cost, so
/// the search ends descending. Measured on the shipped week and on an unseen workforce of 130 agents
/// (plan and roster, soft rules broken): descent 39 and 56, `SPAN` 50 39 and 52, 20 35 and 52.
const SPAN: u64 = 20;

#[derive(Debug, Default)]
pub(super) struct Acceptance {
    /// The roster's cost now, kept in step with every move.
    pub total: f64,
    /// The largest rise the move being tried may make.
    pub allow: f64,
    history: Vec<f64>,
    step: usize,
    best_total: f64,
    /// The owners of the best roster met, saved when the search first leaves it.
    best: Option<Vec<Option<usize>>>,
    at_best: bool,
}

impl Acceptance {
    /// Pure descent (sideways moves kept) from a roster of cost `total`.
    pub fn descent(total: f64) -> Acceptance {
        Acceptance {
            total,
            allow: IMPROVES,
            best_total: total,
            at_best: true,
            ..Acceptance::default()
        }
    }

    /// Late acceptance over a budget of `moves`; with a budget too small for a history, descent.
    pub fn late(total: f64, moves: u64) -> Acceptance {
        let len = (moves / SPAN) as usize;
        Acceptance {
            history: vec![total; len],
            ..Acceptance::descent(total)
        }
    }

    /// Sets [`allow`](Acceptance::allow) for the next move.
    pub fn next(&mut self) {
        if self.history.is_empty() {
            return;
        }
        let v = self.step % self.history.len();
        self.allow = (self.history[v] - self.total).clamp(IMPROVES, STEP_UP);
    }

    /// After the move: the history learns the cost, and the best roster is noted.
    pub fn moved(&mut self) {
        if !self.history.is_empty() {
            let v = self.step % self.history.len();
            self.history[v] = self.history[v].min(self.total);
            self.step += 1;
        }
        if self.total < self.best_total - 1e-6 {
            self.best_total = self.total;
            self.at_best = true;
            self.best = None;
        }
    }

    /// Before a move of cost change `delta` is made: the roster it leaves, if it is the best met
    /// and the move makes it worse.
    pub fn leaving(&mut self, delta: f64, owner: &[Option<usize>]) {
        if delta > IMPROVES && self.at_best {
            self.best = Some(owner.to_vec());
            self.at_best = false;
        }
    }

    /// The best roster's owners, when the search ended above it.
    pub fn best(&mut self) -> Option<Vec<Option<usize>>> {
        if self.at_best || self.total <= self.best_total + 1e-6 {
            return None;
        }
        self.best.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of 3 (a budget of 60 moves): once the cost fell from 1 000 to 900, the next move may
    /// rise back to the 1 000 of the history; once there, the history's 1 000 and 900 allow no rise; no move ever rises by more than [`STEP_UP`]; a rise taken from the best roster saves
    /// it, and the search hands it back.
    #[test]
    fn a_move_may_rise_to_the_cost_of_l_moves_ago_and_the_best_is_kept() {
        let mut acc = Acceptance::late(1_000.0, 60);
        acc.next();
        assert!(acc.allow <= IMPROVES);
        acc.total = 900.0;
        acc.moved();
        acc.next();
        assert!((acc.allow - 100.0).abs() < 1e-9);
        let best = vec![Some(0), None];
        acc.leaving(100.0, &best);
        acc.total = 1_000.0;
        acc.moved();
        acc.next();
        assert!(acc.allow <= IMPROVES, "slot 2 holds 1 000, the cost now");
        acc.moved();
        acc.next();
        assert!(
            acc.allow <= IMPROVES,
            "slot 0 learnt 900, below the cost now"
        );
        acc.moved();
        assert_eq!(acc.best(), Some(best));

        let mut far = Acceptance::late(10_000.0, 60);
        far.total = 1_000.0;
        far.next();
        assert!((far.allow - STEP_UP).abs() < 1e-9);
        assert_eq!(
            Acceptance::late(1_000.0, 10).history.len(),
            0,
            "too small a budget: descent"
        );
    }
}

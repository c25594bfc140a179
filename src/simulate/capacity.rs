//! Staffing changes inside a replication, shared by the channel and pool simulators: a drop takes idle
//! agents first; if that is not enough, the next agents to finish a contact leave then (the staffing drops
//! as soon as it can without cutting a contact short, as a drop of ⌈p⌉ to ⌊p⌋ inside an interval must,
//! to count as the evaluator does); a rise cancels pending departures first, then seats new agents.

/// An agent's seat as the staffing sees it.
pub(super) trait Seat: Default {
    fn present(&self) -> bool;
    fn leaving(&self) -> bool;
    /// Present with nothing in hand.
    fn idle(&self) -> bool;
    fn set_present(&mut self, present: bool);
    fn set_leaving(&mut self, leaving: bool);
}

/// Sets the working agents to `target`; `to_leave` counts agents who leave when they next finish.
pub(super) fn set_capacity<S: Seat>(agents: &mut Vec<S>, to_leave: &mut u32, target: u32) {
    let working = (agents
        .iter()
        .filter(|a| a.present() && !a.leaving())
        .count() as u32)
        .saturating_sub(*to_leave);
    if working > target {
        let mut excess = working - target;
        for a in agents.iter_mut().rev() {
            if excess > 0 && a.present() && !a.leaving() && a.idle() {
                a.set_present(false);
                excess -= 1;
            }
        }
        *to_leave += excess;
    } else {
        let mut missing = target - working;
        let cancelled = missing.min(*to_leave);
        *to_leave -= cancelled;
        missing -= cancelled;
        for a in agents.iter_mut() {
            if missing > 0 && a.present() && a.leaving() {
                a.set_leaving(false);
                missing -= 1;
            }
        }
        for _ in 0..missing {
            let mut fresh = S::default();
            fresh.set_present(true);
            match agents.iter().position(|a| !a.present()) {
                Some(i) => agents[i] = fresh,
                None => agents.push(fresh),
            }
        }
    }
}

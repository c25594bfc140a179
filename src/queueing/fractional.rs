//! Figures at a fractional number of productive agents — the convention every stage after the
//! requirements uses (the evaluator, the scheduler's service-level goals, the requirements' figures at
//! the staffing they ask for).
//!
//! Shrinkage is a share of time, so `p` productive agents means `⌊p⌋` agents for a share
//! `1 − (p − ⌊p⌋)` of the interval and `⌈p⌉` for the rest. Every count (contacts answered within the
//! threshold, answered, abandoned, waiting time, busy time) is that time-weighted mix of the two
//! whole-agent queues, and each ratio is taken of the mixed counts: a service level whose denominator is
//! not the offered contacts (`answered`, `excl_abandon_within`) is mixed numerator over mixed denominator.

use super::{Kpis, Queue, SlConvention};

/// Queue figures at a fractional productive staffing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalKpis {
    /// Under the channel's convention.
    pub service_level: f64,
    /// The convention's denominator as a share of offered contacts (1 for `offered`, `wait_within` and
    /// `virtual`; the answered share for `answered`): service levels over several intervals are
    /// weighted by `offered × denominator`.
    pub denominator: f64,
    /// Average speed of answer of answered contacts; `None` when the queue is unstable or nobody is
    /// answered (no productive agent).
    pub asa_s: Option<f64>,
    pub p_abandon: f64,
    pub occupancy: f64,
    /// False when `⌊p⌋` agents cannot carry the load (Erlang C or chat without patience): the wait
    /// grows without bound.
    pub stable: bool,
}

/// The convention's denominator as a share of offered contacts.
fn denominator(k: &Kpis, convention: SlConvention) -> f64 {
    match convention {
        SlConvention::Answered => 1.0 - k.p_abandon,
        SlConvention::ExclAbandonWithin => {
            let (offered, excl) = (k.service_level.offered, k.service_level.excl_abandon_within);
            if excl > 0.0 {
                offered / excl
            } else {
                1.0
            }
        }
        SlConvention::Offered | SlConvention::WaitWithin | SlConvention::Virtual => 1.0,
    }
}

/// The queue's figures at `productive` agents (see the module docs).
pub fn at_fractional(
    queue: &Queue,
    threshold_s: f64,
    convention: SlConvention,
    productive: f64,
) -> IntervalKpis {
    let lo = productive.max(0.0).floor();
    let w = productive.max(0.0) - lo;
    let a = queue.evaluate(lo as u64, threshold_s);
    let b = if w > 1e-9 {
        queue.evaluate(lo as u64 + 1, threshold_s)
    } else {
        a
    };
    mix_levels(&a, &b, w, convention)
}

/// The figures of `⌊p⌋` agents (`a`) for part `1 − w` of the interval and `⌊p⌋ + 1` (`b`) for part
/// `w`, mixed as [`at_fractional`] does (also used for a blended pool's live channel).
pub fn mix_levels(a: &Kpis, b: &Kpis, w: f64, convention: SlConvention) -> IntervalKpis {
    let mix = |x: f64, y: f64| x + w * (y - x);
    let (da, db) = (denominator(a, convention), denominator(b, convention));
    let within = mix(
        a.service_level.get(convention) * da,
        b.service_level.get(convention) * db,
    );
    let share = mix(da, db);
    // Waiting time of answered contacts, mixed by answered contacts.
    let (ans_a, ans_b) = ((1.0 - w) * (1.0 - a.p_abandon), w * (1.0 - b.p_abandon));
    // A part where nobody is answered (no agent) adds no waiting time, whatever its ASA reads.
    let part = |answered: f64, asa: f64| if answered > 0.0 { answered * asa } else { 0.0 };
    let waited = part(ans_a, a.asa_answered_s) + part(ans_b, b.asa_answered_s);
    let asa =
        (a.stable && waited.is_finite() && ans_a + ans_b > 0.0).then(|| waited / (ans_a + ans_b));
    IntervalKpis {
        service_level: if share > 0.0 { within / share } else { 0.0 },
        denominator: share,
        asa_s: asa,
        p_abandon: mix(a.p_abandon, b.p_abandon),
        occupancy: mix(a.occupancy, b.occupancy),
        stable: a.stable,
    }
}

/// The fewest whole productive agents, at least `from`, from which each further agent raises the
/// service level by no more than the one before. In agents the service level is S-shaped — convex while
/// the queue is overloaded, concave beyond — and a daily/weekly goal's linearisation (non-increasing
/// increments) is only right on the concave part, so no interval's floor may lie below this point.
pub fn concave_from(queue: &Queue, threshold_s: f64, convention: SlConvention, from: u64) -> u64 {
    let sl = |n: u64| queue.evaluate(n, threshold_s).service_level.get(convention);
    let limit = from + 4 * (queue.offered_load().ceil() as u64) + 100;
    let mut floor = from;
    let (mut previous, mut gain) = (sl(from), None::<f64>);
    while floor < limit {
        let next = sl(floor + 1);
        let step = next - previous;
        if gain.is_some_and(|g| g > 0.0 && step <= g + 1e-15) {
            // The gain of agent `floor` was the largest: from `floor − 1` on, gains only shrink.
            return floor - 1;
        }
        gain = Some(step);
        previous = next;
        floor += 1;
    }
    from
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_agents_are_the_queue_itself_and_fractions_mix_linearly() {
        // 100 calls in 30 minutes, 3-minute handle time: 10 Erlangs (Erlang C).
        let queue = Queue::new(100.0, 1800.0, 180.0).expect("queue");
        let at = |n: u64| queue.evaluate(n, 20.0);
        let whole = at_fractional(&queue, 20.0, SlConvention::Offered, 12.0);
        assert!((whole.service_level - at(12).service_level.offered).abs() < 1e-15);
        assert_eq!(whole.asa_s, Some(at(12).asa_answered_s));
        let quarter = at_fractional(&queue, 20.0, SlConvention::Offered, 12.25);
        let want = 0.75 * at(12).service_level.offered + 0.25 * at(13).service_level.offered;
        assert!((quarter.service_level - want).abs() < 1e-12);
        // Without abandonment every call is answered: the ASA mixes like the rest.
        let want = 0.75 * at(12).asa_answered_s + 0.25 * at(13).asa_answered_s;
        assert!((quarter.asa_s.expect("stable") - want).abs() < 1e-9);
        // 10.5 productive agents: 10 cannot carry 10 Erlangs, so no ASA, whatever the 11th adds.
        let unstable = at_fractional(&queue, 20.0, SlConvention::Offered, 10.5);
        assert!(unstable.asa_s.is_none() && !unstable.stable);
        assert!((unstable.service_level - 0.5 * at(11).service_level.offered).abs() < 1e-12);
    }

    #[test]
    fn answered_convention_is_answered_within_over_answered_of_the_mix() {
        // Erlang A: 100 calls / 30 min, AHT 3 min, patience 1 min, 9.5 productive agents. Counted by hand
        // from the two whole-agent queues: answered within 20 s over answered contacts.
        let queue = Queue::new(100.0, 1800.0, 180.0)
            .and_then(|q| q.with_patience(60.0))
            .expect("queue");
        let (a, b) = (queue.evaluate(9, 20.0), queue.evaluate(10, 20.0));
        let within = 0.5 * a.service_level.offered + 0.5 * b.service_level.offered;
        let answered = 0.5 * (1.0 - a.p_abandon) + 0.5 * (1.0 - b.p_abandon);
        let k = at_fractional(&queue, 20.0, SlConvention::Answered, 9.5);
        assert!((k.service_level - within / answered).abs() < 1e-12);
        assert!((k.denominator - answered).abs() < 1e-12);
        // Whole agents: exactly the queue's own `answered` service level.
        let whole = at_fractional(&queue, 20.0, SlConvention::Answered, 9.0);
        assert!((whole.service_level - a.service_level.answered).abs() < 1e-12);
    }

    #[test]
    fn concave_from_is_where_gains_start_to_shrink() {
        // 10 Erlangs (Erlang C): the gains of agents 11, 12, … rise while the queue is overloaded, then
        // fall. Checked against the gains themselves.
        let queue = Queue::new(100.0, 1800.0, 180.0).expect("queue");
        let sl = |n: u64| queue.evaluate(n, 20.0).service_level.offered;
        let k = concave_from(&queue, 20.0, SlConvention::Offered, 1);
        for n in k + 1..k + 30 {
            assert!(sl(n + 1) - sl(n) <= sl(n) - sl(n - 1) + 1e-15, "agent {n}");
        }
        // …and not from `k − 1`: agent `k + 1` gains more than agent `k`.
        assert!(sl(k + 1) - sl(k) > sl(k) - sl(k - 1));
        assert!((10..=14).contains(&k), "{k}");
        // Already concave: unchanged.
        assert_eq!(concave_from(&queue, 20.0, SlConvention::Offered, 20), 20);
    }

    #[test]
    fn with_patience_no_agent_is_stable_and_has_no_asa() {
        // Erlang A never grows without bound: with 0.5 productive agents half the interval nobody
        // answers; the ASA is that of the half with one agent.
        let queue = Queue::new(100.0, 1800.0, 180.0)
            .and_then(|q| q.with_patience(120.0))
            .expect("queue");
        let k = at_fractional(&queue, 20.0, SlConvention::Offered, 0.5);
        assert!(k.stable);
        let one = queue.evaluate(1, 20.0);
        assert!((k.asa_s.expect("answered half the time") - one.asa_answered_s).abs() < 1e-9);
        assert!(k.p_abandon > 0.5 && k.p_abandon <= 1.0);
        let none = at_fractional(&queue, 20.0, SlConvention::Offered, 0.0);
        assert!(none.stable && none.asa_s.is_none());
    }
}

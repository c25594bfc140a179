//! Required staff: the fewest agents meeting every target at once, and shrinkage gross-up.
//!
//! # Search
//! Service level, ASA, abandonment and occupancy are monotone in the number of agents under every model
//! here (checked by property tests), so the minimum is the first `n` at which all targets hold.
//! * Plain Erlang C starts at the first stable staffing, `⌊a⌋ + 1`, or the occupancy bound `⌈a/ρ_max⌉` if
//!   higher, and walks up one agent at a time with the `O(1)` Erlang-B step: about `√a` cheap steps,
//!   no bracketing error, no "search that adds an agent".
//! * Erlang A and chat may staff *below* the offered load (Erlang A is stable at any load), so they are
//!   searched from `⌈a / capacity per agent⌉` by a safeguarded secant search on log-scaled target margins
//!   (`secant_search`): typically 3–8 evaluations, and the answer is only returned once `n` meets every
//!   target and `n − 1` does not.
//!
//! # Fractional requirement
//! Planners add requirements across channels and intervals; rounding each one first inflates totals. The
//! fractional requirement interpolates linearly between `n − 1` and `n` where each binding target is met
//! exactly (service level and abandonment linearly, ASA through `1/ASA`, which is 0 at instability; Erlang C
//! occupancy exactly `a/ρ_max`). For Erlang C the left end is never below the offered load, where service
//! level and `1/ASA` are 0.
//!
//! # Tolerance
//! Targets are compared with a slack of 1e-12 so that float noise never costs an agent: occupancy 85 % at
//! 8.5 Erlangs needs 10 agents, not 11.

use super::kpi::{Kpis, SlConvention};
use super::queue::Queue;
use crate::error::InvalidValue;
use serde::Serialize;

/// Comparison slack for targets (absolute for probabilities, relative for times).
const TARGET_SLACK: f64 = 1e-12;

/// Largest staffing searched; beyond it the targets are reported unreachable rather than looping on.
pub const MAX_AGENTS: u64 = 50_000_000;

/// What a staffing level must achieve. Every target is optional; all given ones must hold at once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Targets {
    /// Minimum service level (fraction in (0, 1)) within [`Targets::threshold_s`].
    pub service_level: Option<f64>,
    /// Which service-level definition [`Targets::service_level`] refers to.
    pub convention: SlConvention,
    /// Service-level threshold `t` in seconds (also used to report the service level).
    pub threshold_s: f64,
    /// Maximum average speed of answer of answered contacts, seconds.
    pub max_asa_s: Option<f64>,
    /// Maximum share of arrivals who hang up.
    pub max_abandon: Option<f64>,
    /// Maximum occupancy (share of agent time busy).
    pub max_occupancy: Option<f64>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            service_level: None,
            convention: SlConvention::default(),
            threshold_s: 20.0,
            max_asa_s: None,
            max_abandon: None,
            max_occupancy: None,
        }
    }
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        self.service_level.is_none()
            && self.max_asa_s.is_none()
            && self.max_abandon.is_none()
            && self.max_occupancy.is_none()
    }

    /// Checks every value's domain; a target no staffing can reach (100 % service level) is an error.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        let open_share = |field: &str, v: Option<f64>| match v {
            Some(x) if !(x > 0.0 && x < 1.0) => Err(InvalidValue::new(
                field,
                "a share between 0 and 1 (exclusive), e.g. 80% or 0.8",
                x,
            )),
            _ => Ok(()),
        };
        open_share("target_sl", self.service_level)?;
        open_share("max_abandon", self.max_abandon)?;
        if let Some(x) = self.max_occupancy {
            if !(x > 0.0 && x <= 1.0) {
                return Err(InvalidValue::new(
                    "max_occupancy",
                    "a share above 0 and at most 1, e.g. 85%",
                    x,
                ));
            }
        }
        if let Some(x) = self.max_asa_s {
            if !(x.is_finite() && x > 0.0 && x <= 86_400.0) {
                return Err(InvalidValue::new(
                    "target_asa",
                    "a positive duration up to 24h",
                    x,
                ));
            }
        }
        // A day is far beyond any service-level threshold; a longer one is a typo.
        if !(self.threshold_s.is_finite() && (0.0..=86_400.0).contains(&self.threshold_s)) {
            return Err(InvalidValue::new(
                "threshold",
                "a duration from 0 s to 24h",
                self.threshold_s,
            ));
        }
        Ok(())
    }

    /// Whether the figures meet every given target.
    pub fn met_by(&self, kpis: &Kpis) -> bool {
        self.failures(kpis).next().is_none()
    }

    /// The targets the figures miss, by name.
    pub fn failures<'a>(&'a self, kpis: &'a Kpis) -> impl Iterator<Item = &'static str> + 'a {
        let sl = self
            .service_level
            .filter(|t| {
                let sl = kpis.service_level.get(self.convention);
                sl.is_nan() || sl < t - TARGET_SLACK
            })
            .map(|_| "target_sl");
        let asa = self
            .max_asa_s
            .filter(|t| {
                kpis.asa_answered_s.is_nan() || kpis.asa_answered_s > t * (1.0 + TARGET_SLACK)
            })
            .map(|_| "target_asa");
        let abandon = self
            .max_abandon
            .filter(|t| kpis.p_abandon.is_nan() || kpis.p_abandon > t + TARGET_SLACK)
            .map(|_| "max_abandon");
        let occupancy = self
            .max_occupancy
            .filter(|t| kpis.occupancy.is_nan() || kpis.occupancy > t + TARGET_SLACK)
            .map(|_| "max_occupancy");
        // An unstable queue fails every target, including ones its limit figures would pass (abandonment 0).
        let unstable = (!kpis.stable).then_some("stability");
        [unstable, sl, asa, abandon, occupancy]
            .into_iter()
            .flatten()
    }
}

/// The answer of [`required_agents`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Staffing {
    /// Fewest productive agents meeting every target.
    pub productive_agents: u64,
    /// The requirement before rounding (see the module docs); `productive_agents − 1 < f ≤ productive_agents`.
    pub fractional_agents: f64,
    /// Figures at `productive_agents`.
    pub kpis: Kpis,
}

/// Why no staffing could be given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    #[error("no target given: give a service level, ASA, abandonment or occupancy target")]
    NoTargets,
    #[error(transparent)]
    Invalid(#[from] InvalidValue),
    #[error("no staffing up to {0} agents meets the targets")]
    Unreachable(u64),
}

/// Fewest productive agents for `queue` meeting every target in `targets`.
pub fn required_agents(queue: &Queue, targets: &Targets) -> Result<Staffing, StaffingError> {
    targets.validate()?;
    if targets.is_empty() {
        return Err(StaffingError::NoTargets);
    }
    let t = targets.threshold_s;
    let (agents, kpis) = if queue.is_erlang_c() {
        walk_erlang_c(queue, targets)?
    } else {
        let guess = initial_guess(queue);
        let agents = secant_search(guess, |n| {
            let kpis = queue.evaluate(n, t);
            (targets.met_by(&kpis), margin(targets, &kpis))
        })?;
        (agents, queue.evaluate(agents, t))
    };
    let fractional_agents = fractional(queue, targets, agents, &kpis);
    Ok(Staffing {
        productive_agents: agents,
        fractional_agents,
        kpis,
    })
}

fn walk_erlang_c(queue: &Queue, targets: &Targets) -> Result<(u64, Kpis), StaffingError> {
    let load = queue.offered_load();
    if load >= MAX_AGENTS as f64 {
        return Err(StaffingError::Unreachable(MAX_AGENTS));
    }
    let first_stable = load.floor() as u64 + 1;
    let occupancy_bound = targets
        .max_occupancy
        .map_or(0, |rho| ceil_tolerant(load / rho));
    let start = first_stable.max(occupancy_bound);
    if start > MAX_AGENTS {
        return Err(StaffingError::Unreachable(MAX_AGENTS));
    }
    let mut walk = queue.idle_walk(start);
    loop {
        let n = walk.servers();
        let kpis = queue.evaluate_with_idle(n, walk.value(), targets.threshold_s);
        if targets.met_by(&kpis) {
            return Ok((n, kpis));
        }
        if n >= MAX_AGENTS {
            return Err(StaffingError::Unreachable(MAX_AGENTS));
        }
        walk.step();
    }
}

/// Contacts an agent completes per AHT with every slot busy: 1, or `k · AHT / h_k` for chat.
fn capacity_per_agent(queue: &Queue) -> f64 {
    match queue.concurrency() {
        Some(c) => {
            f64::from(c.max_chats()) * queue.aht_s()
                / c.handle_times_s()[c.handle_times_s().len() - 1]
        }
        None => 1.0,
    }
}

/// A staffing close to the answer for models that may staff below the load.
fn initial_guess(queue: &Queue) -> u64 {
    ((queue.offered_load() / capacity_per_agent(queue)).ceil() as u64).clamp(1, MAX_AGENTS)
}

/// How far a staffing is from meeting the targets: `≥ 0` exactly when all hold (up to the slack), and
/// increasing in the agents because every term is. It only guides where to look next; the decision is
/// always [`Targets::met_by`].
fn margin(targets: &Targets, kpis: &Kpis) -> f64 {
    if !kpis.stable {
        return f64::NEG_INFINITY;
    }
    // Log scales: above the load the shortfalls 1 − SL, ASA and abandonment fall roughly exponentially
    // in the agents (Halfin & Whitt 1981), so their logarithms are close to linear and the secant is sharp.
    let mut m = f64::INFINITY;
    if let Some(goal) = targets.service_level {
        let sl = kpis.service_level.get(targets.convention);
        m = m.min((1.0 - goal).ln() - (1.0 - sl).ln());
    }
    if let Some(max) = targets.max_asa_s {
        m = m.min(max.ln() - kpis.asa_answered_s.ln());
    }
    if let Some(max) = targets.max_abandon {
        m = m.min(max.ln() - kpis.p_abandon.ln());
    }
    if let Some(max) = targets.max_occupancy {
        m = m.min(max - kpis.occupancy);
    }
    m
}

/// Smallest `n ≥ 1` at which `probe(n)` reports the targets met, for a monotone problem, starting at
/// `guess`. `probe` returns (met, margin) with the margin of [`margin`].
///
/// Safeguarded secant search on the integers: the next probe is where the margin's secant crosses zero
/// (inside the bracket once one side of the answer is known on each side, extrapolated before), falling back to
/// bisection when the secant stalls. Typically 3–5 evaluations instead of the 12–16 of exponential search
/// plus bisection; the answer is only returned once `n` meets and `n − 1` does not.
fn secant_search(
    guess: u64,
    mut probe: impl FnMut(u64) -> (bool, f64),
) -> Result<u64, StaffingError> {
    let mut low: Option<(u64, f64)> = None; // largest known failing staffing
    let mut high: Option<(u64, f64)> = None; // smallest known meeting staffing
    let mut previous: Option<(u64, f64)> = None;
    let mut stalled = 0u32;
    let mut last_step = 0u64;
    let mut n = guess.clamp(1, MAX_AGENTS);
    loop {
        let (met, g) = probe(n);
        let point = (n, g);
        let moved_low = if met {
            high = Some(point);
            false
        } else {
            low = Some(point);
            true
        };
        let anchor = previous.replace(point);
        n = match (low, high) {
            (_, Some((1, _))) => return Ok(1),
            (Some((l, gl)), Some((h, gh))) => {
                if h - l <= 1 {
                    return Ok(h);
                }
                // Regula falsi stalls when one end keeps moving; bisect after two moves on one side.
                stalled = match anchor {
                    Some((a, _)) if (a <= l) == moved_low => stalled + 1,
                    _ => 0,
                };
                let crossing = l as f64 + (h - l) as f64 * (-gl / (gh - gl));
                let next = if stalled >= 2 || !crossing.is_finite() {
                    stalled = 0;
                    l + (h - l) / 2
                } else {
                    crossing.ceil() as u64
                };
                // Probe the integer just below a meeting estimate too, so a good guess closes at once.
                let next = if previous.map(|(p, _)| p) == Some(next) {
                    next - 1
                } else {
                    next
                };
                next.clamp(l + 1, h - 1)
            }
            (None, Some((h, gh))) => {
                let estimate = anchor.and_then(|a| secant_root(a, (h, gh)));
                last_step =
                    one_sided_step(h, estimate.map(|c| h as f64 - c.ceil() + 1.0), last_step);
                h.saturating_sub(last_step).max(1)
            }
            (Some((l, gl)), None) => {
                if l >= MAX_AGENTS {
                    return Err(StaffingError::Unreachable(MAX_AGENTS));
                }
                let estimate = anchor.and_then(|a| secant_root(a, (l, gl)));
                last_step = one_sided_step(l, estimate.map(|c| c.ceil() - l as f64), last_step);
                (l + last_step).min(MAX_AGENTS)
            }
            (None, None) => unreachable!("a probe always sets one side"),
        };
    }
}

/// Where the line through two (staffing, margin) points crosses zero, if it rises.
fn secant_root((n1, g1): (u64, f64), (n2, g2): (u64, f64)) -> Option<f64> {
    let slope = (g2 - g1) / (n2 as f64 - n1 as f64);
    let root = n2 as f64 - g2 / slope;
    (slope > 0.0 && root.is_finite()).then_some(root)
}

/// A step away from `from` toward the answer: the secant's estimate when it has one (at most half the
/// current staffing plus 8, so a flat secant cannot fling the search away), else double the last step.
fn one_sided_step(from: u64, estimate: Option<f64>, last_step: u64) -> u64 {
    let cap = from / 2 + 8;
    match estimate {
        Some(d) if d >= 1.0 => (d as u64).min(cap),
        _ => (2 * last_step).clamp(1, cap.max(2 * last_step)),
    }
}

/// The requirement before rounding; see the module docs.
fn fractional(queue: &Queue, targets: &Targets, agents: u64, at_n: &Kpis) -> f64 {
    let load = queue.offered_load();
    let below = queue.evaluate(agents - 1, targets.threshold_s);
    // Left end of the interpolation and the figures there. An unstable or unstaffed left end takes the
    // limits: no service level, infinite ASA (1/ASA = 0), everyone abandons (Erlang A), full occupancy.
    let (left_x, sl_l, inv_asa_l, abandon_l, occ_l) = if !below.stable || agents == 1 {
        let left_x = if queue.patience_s().is_none() {
            // Without abandonment the queue is stable only above the load per agent at full capacity.
            ((agents - 1) as f64)
                .max(load / capacity_per_agent(queue))
                .min(agents as f64)
        } else {
            (agents - 1) as f64
        };
        let abandon = if queue.patience_s().is_some() {
            1.0
        } else {
            0.0
        };
        (left_x, 0.0, 0.0, abandon, 1.0)
    } else {
        (
            (agents - 1) as f64,
            below.service_level.get(targets.convention),
            1.0 / below.asa_answered_s,
            below.p_abandon,
            below.occupancy,
        )
    };
    let right_x = agents as f64;
    let at = |good_left: f64, good_right: f64, goal: f64| -> f64 {
        // Linear crossing of a "higher is better" figure; not binding if already met on the left.
        if good_left >= goal - TARGET_SLACK {
            return left_x;
        }
        let span = good_right - good_left;
        let share = if span > 0.0 {
            ((goal - good_left) / span).clamp(0.0, 1.0)
        } else {
            1.0
        };
        left_x + share * (right_x - left_x)
    };
    let mut fractional = left_x;
    if let Some(goal) = targets.service_level {
        let right = at_n.service_level.get(targets.convention);
        fractional = fractional.max(at(sl_l, right, goal));
    }
    if let Some(max_asa) = targets.max_asa_s {
        fractional = fractional.max(at(inv_asa_l, 1.0 / at_n.asa_answered_s, 1.0 / max_asa));
    }
    if let Some(max) = targets.max_abandon {
        fractional = fractional.max(at(-abandon_l, -at_n.p_abandon, -max));
    }
    if let Some(max) = targets.max_occupancy {
        let crossing = if queue.is_erlang_c() {
            (load / max).clamp(left_x, right_x)
        } else {
            at(-occ_l, -at_n.occupancy, -max)
        };
        fractional = fractional.max(crossing);
    }
    fractional.min(right_x)
}

/// `⌈x⌉`, except that a value within 1e-9 (relative) of a whole number is that number: float noise such
/// as `84 / 0.7 = 120.00000000000001` must not cost an agent.
pub fn ceil_tolerant(x: f64) -> u64 {
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    let nearest = x.round();
    if (x - nearest).abs() <= 1e-9 * nearest.max(1.0) {
        nearest as u64
    } else {
        x.ceil() as u64
    }
}

/// Share of paid time agents are not available to handle contacts (breaks, training, absence …).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Shrinkage(f64);

impl Shrinkage {
    pub const NONE: Shrinkage = Shrinkage(0.0);

    /// A share in `[0, 1)`.
    pub fn new(share: f64) -> Result<Shrinkage, InvalidValue> {
        if (0.0..1.0).contains(&share) {
            Ok(Shrinkage(share))
        } else {
            Err(InvalidValue::new(
                "shrinkage",
                "a share from 0 up to (not including) 1, e.g. 30%",
                share,
            ))
        }
    }

    pub fn share(self) -> f64 {
        self.0
    }

    /// Scheduled agents for `productive` productive ones: `⌈n / (1 − s)⌉` without float-noise agents
    /// (84 agents at 30 % shrinkage are 120 scheduled, not 121).
    pub fn gross_up(self, productive: u64) -> u64 {
        ceil_tolerant(productive as f64 / (1.0 - self.0))
    }

    /// The same for a fractional requirement, unrounded.
    pub fn gross_up_fractional(self, productive: f64) -> f64 {
        productive / (1.0 - self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shrinkage_never_adds_a_noise_agent() {
        let s = Shrinkage::new(0.3).expect("valid");
        assert_eq!(s.gross_up(84), 120);
        assert_eq!(s.gross_up(85), 122); // 121.43 → 122
        assert_eq!(Shrinkage::new(0.35).expect("valid").gross_up(13), 20);
        assert_eq!(Shrinkage::NONE.gross_up(17), 17);
        assert!(Shrinkage::new(1.0).is_err());
        assert!(Shrinkage::new(-0.1).is_err());
    }

    #[test]
    fn search_finds_threshold_from_either_side_whatever_the_margin_shape() {
        // Margins that are linear, concave, flat-then-steep and a pure step: the secant guides, the
        // predicate decides, and the answer is exact with few probes.
        let shapes: [fn(f64, f64) -> f64; 4] = [
            |n, t| n - t,
            |n, t| 1.0 - (-(n - t) / 30.0).exp(),
            |n, t| if n < t { -1e-9 } else { 5.0 },
            |n, t| (n - t).powi(3),
        ];
        for shape in shapes {
            for threshold in [1u64, 2, 3, 17, 1_000, 123_457] {
                for guess in [1u64, 5, 999, 200_000] {
                    let mut probes = 0;
                    let found = secant_search(guess, |n| {
                        probes += 1;
                        (n >= threshold, shape(n as f64, threshold as f64 - 0.5))
                    })
                    .expect("reachable");
                    assert_eq!(found, threshold, "guess {guess}");
                    assert!(probes < 80, "{probes} probes for {threshold} from {guess}");
                }
            }
        }
    }
}

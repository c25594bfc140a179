//! The live channel of a blended pool while deferred work waits: the threshold policy's backlog regime.
//!
//! # Model
//! `n` agents, live arrivals at rate `λ` (mean handle `1/μ_l`), deferred items always waiting (mean handle
//! `1/μ_d`). A free agent takes a waiting caller; otherwise it starts a deferred item only while more than
//! `r` agents are idle (Bhulai & Koole 2003, "A queueing model for call blending in call centers", IEEE
//! TAC 48(8)). So at most `r` agents are idle, and while some are idle nobody waits. With every agent busy
//! the next one frees at rate `M = a·μ_l + (n − a)·μ_d` (`a = λ/μ_l` Erlangs on calls, the others on
//! deferred items; the non-preemptive residual of deferred work is what a caller waits for). Taking `M` in
//! every state gives a birth–death chain: `i` idle agents (`1 ≤ i ≤ r`) has mass `ρ^{−i}` relative to
//! "all busy, nobody waiting", `ρ = λ/M`, and the waiting states are those of Erlang A (Erlang C without
//! patience) with full-capacity service rate `M`. The figures are therefore Erlang A's with the idle mass
//! `s = Σ_{i=1..r} ρ^{−i}` (`queueing/erlang_a.rs`), as in Koole's *Call Center Optimization* (2013, on
//! blending), with the abandoning waiting room that keeps the chain's normalisation right.
//!
//! # Accuracy
//! Against the exact policy simulated with deferred work always waiting (calls 8–40 Erlangs, AHT 285 s,
//! patience 3 min, deferred AHT 420 s, reserve 1–6; `src/simulate/pool.rs`, test
//! `the_backlog_regime_is_close`): service level within 4 points (the chain slightly optimistic),
//! abandonment within 1.5 points. Callers see the full backlog regime only while deferred work waits;
//! when it runs dry the pool is the live channel's own queue.

use super::erlang_a;
use super::erlang_c;
use super::kpi::ServiceLevels;
use super::scaled::Scaled;

/// The live channel's figures in the backlog regime.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backlog {
    pub p_wait: f64,
    pub p_abandon: f64,
    pub service_level: ServiceLevels,
    /// Mean wait of answered callers and of all callers (seconds).
    pub asa_answered_s: f64,
    pub asa_all_s: f64,
    /// Mean idle agents.
    pub idle: f64,
    /// Agents on deferred work on average: `n − a (1 − P(abandon)) − idle`.
    pub deferred_agents: f64,
}

/// The backlog regime (see the module docs) of `n` agents with reserve `reserve`: live arrivals `rate`
/// per second with mean handle `live_handle_s`, deferred mean handle `deferred_handle_s`, mean patience
/// (none: callers wait as long as it takes), service-level threshold. `None` when the live load alone
/// fills the agents or the reserve keeps every agent for calls (`reserve ≥ n`: no deferred work starts).
pub fn backlog_regime(
    n: u64,
    reserve: u32,
    live: (f64, f64),
    deferred_handle_s: f64,
    patience_s: Option<f64>,
    threshold_s: f64,
) -> Option<Backlog> {
    let (rate, live_handle_s) = live;
    let a = rate * live_handle_s;
    let agents = n as f64;
    // NaN loads fail every comparison and return `None` too.
    let valid = a < agents && deferred_handle_s > 0.0;
    if !valid || u64::from(reserve) >= n {
        return None;
    }
    let nu = a / live_handle_s + (agents - a) / deferred_handle_s;
    let (idle_mass, idle_mean) = idle(rate / nu, reserve);
    let w = match patience_s {
        Some(p) if p.is_finite() && p > 0.0 => {
            erlang_a::wait_figures(idle_mass, rate, nu, p, threshold_s)
        }
        _ => erlang_c::wait_figures(idle_mass, rate, nu, threshold_s),
    };
    if !w.stable {
        return None;
    }
    let idle = idle_mean * (1.0 - w.p_wait);
    Some(Backlog {
        p_wait: w.p_wait,
        p_abandon: w.p_abandon,
        service_level: w.service_level,
        asa_answered_s: w.asa_answered_s,
        asa_all_s: w.asa_all_s,
        idle,
        deferred_agents: (agents - a * (1.0 - w.p_abandon) - idle).max(0.0),
    })
}

/// The idle states' mass `Σ_{i=1..r} ρ^{−i}` and their mean `Σ i ρ^{−i} / Σ ρ^{−i}` (0 for `r = 0`),
/// summed relative to the largest term so that nothing overflows.
fn idle(rho: f64, reserve: u32) -> (Scaled, f64) {
    if reserve == 0 {
        return (Scaled::new(0.0), 0.0);
    }
    let ln = -rho.ln();
    let top = if ln > 0.0 {
        ln * f64::from(reserve)
    } else {
        ln
    };
    let (mut sum, mut weighted) = (0.0, 0.0);
    for i in 1..=reserve {
        let w = (ln * f64::from(i) - top).exp();
        sum += w;
        weighted += w * f64::from(i);
    }
    (Scaled::exp(top).mul_f64(sum), weighted / sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct solution of the chain of the module docs: idle states, then the waiting room truncated far
    /// out, with answered-within-threshold from the virtual wait of a caller who finds `j` waiting
    /// (stages `Exp(M + kθ)`), integrated with small Euler steps.
    fn direct(n: u64, r: u32, a: f64, h: f64, hd: f64, patience: f64, t: f64) -> (f64, f64, f64) {
        let lambda = a / h;
        let theta = 1.0 / patience;
        let m = a / h + (n as f64 - a) / hd;
        let rho = lambda / m;
        let idle: f64 = (1..=r).map(|i| rho.powi(-(i as i32))).sum();
        let mut q = vec![1.0];
        for k in 1..2000 {
            let last = q[k - 1];
            q.push(last * lambda / (m + k as f64 * theta));
        }
        let waiting: f64 = q.iter().sum();
        let total = idle + waiting;
        let mut p: Vec<f64> = q.iter().map(|x| x / total).collect();
        let (mut served, mut abandoned) = (0.0, 0.0);
        let dt = 0.001;
        for _ in 0..(t / dt) as usize {
            let mut next = p.clone();
            for k in 0..p.len() {
                let ahead = (m + k as f64 * theta) * p[k] * dt;
                next[k] -= ahead + theta * p[k] * dt;
                if k > 0 {
                    next[k - 1] += ahead;
                } else {
                    served += ahead;
                }
            }
            p = next;
        }
        let mut eventually = 0.0;
        for (j, qj) in q.iter().enumerate() {
            let x = m / theta;
            abandoned += qj / total * (1.0 - x / (x + j as f64 + 1.0));
            eventually += qj / total;
        }
        (idle / total + served, abandoned, eventually)
    }

    #[test]
    fn matches_the_chain_solved_directly() {
        for (n, r, a) in [(11, 3, 8.0), (29, 1, 25.0), (32, 4, 25.0), (50, 6, 40.0)] {
            let b = backlog_regime(n, r, (a / 285.0, 285.0), 420.0, Some(180.0), 20.0).expect("ok");
            let (sl, ab, wait) = direct(n, r, a, 285.0, 420.0, 180.0, 20.0);
            assert!(
                (b.service_level.offered - sl).abs() < 2e-3,
                "{n} {r}: {b:?} vs {sl}"
            );
            assert!((b.p_abandon - ab).abs() < 1e-6, "{n} {r}: {b:?} vs {ab}");
            assert!((b.p_wait - wait).abs() < 1e-9, "{n} {r}: {b:?} vs {wait}");
        }
    }

    #[test]
    fn a_larger_reserve_serves_calls_better_and_leaves_less_deferred_work() {
        let at = |r| backlog_regime(32, r, (25.0 / 285.0, 285.0), 420.0, Some(180.0), 20.0);
        let mut last = at(0).expect("ok");
        assert!(
            (last.p_wait - 1.0).abs() < 1e-12,
            "reserve 0: every caller waits"
        );
        for r in 1..32 {
            let b = at(r).expect("ok");
            assert!(b.service_level.offered > last.service_level.offered);
            // Strictly fewer while deferred work still has agents; none once the reserve idles them all.
            assert!(
                b.deferred_agents < last.deferred_agents
                    || (b.deferred_agents <= 0.0 && last.deferred_agents <= 0.0),
                "reserve {r}: {b:?}"
            );
            last = b;
        }
        assert!(
            at(32).is_none(),
            "a reserve of every agent starts no deferred work"
        );
    }
}

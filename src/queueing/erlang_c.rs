//! Erlang C (M/M/n): callers wait as long as it takes.
//!
//! # Formula
//! With `N` servers (or chat slots) busy the queue is served at total rate `ν` (`ν = nμ` for Erlang C)
//! and the waiting states form a geometric tail `π_{N+j} = π_N (λ/ν)^j`, mass `M = ν/(ν − λ)` in units
//! of `π_N`. With the idle mass `s = Σ_{k<N} π_k/π_N` from [`super::erlang_b`]:
//!
//! * `P(wait) = C = M / (s + M)`, which for `ν = nμ` is the classic `C(n, a) = n B / (n − a(1 − B))`;
//! * `P(W > t) = C e^{−(ν − λ) t}`, so the service level is `1 − C e^{−(n − a) t / AHT}`, evaluated as
//!   `(1 − C) + C (1 − e^{−(n − a) t / AHT})` so that no digits cancel;
//! * `ASA = C / (ν − λ) = C · AHT / (n − a)`.
//!
//! Source: A. K. Erlang (1917); L. Kleinrock, *Queueing Systems* vol. 1 (1975), §3.5; R. B. Cooper,
//! *Introduction to Queueing Theory* (1981), §3.4. Domain: `λ < ν` (load below agents); otherwise the queue
//! is unstable and [`WaitFigures::unstable`] is returned.

use super::kpi::ServiceLevels;
use super::scaled::Scaled;

/// Waiting-room figures shared by Erlang C, Erlang A and the chat model (occupancy is model-specific).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct WaitFigures {
    pub stable: bool,
    pub p_wait: f64,
    pub p_abandon: f64,
    pub service_level: ServiceLevels,
    pub asa_answered_s: f64,
    pub asa_all_s: f64,
}

impl WaitFigures {
    pub(crate) fn unstable() -> WaitFigures {
        WaitFigures {
            stable: false,
            p_wait: 1.0,
            p_abandon: 0.0,
            service_level: ServiceLevels::uniform(0.0),
            asa_answered_s: f64::INFINITY,
            asa_all_s: f64::INFINITY,
        }
    }
}

/// Erlang-C waiting figures for arrival rate `lambda`, full-capacity service rate `nu` (both per second),
/// idle mass `idle` and threshold `threshold_s`.
pub(crate) fn wait_figures(idle: Scaled, lambda: f64, nu: f64, threshold_s: f64) -> WaitFigures {
    if lambda >= nu {
        return WaitFigures::unstable();
    }
    let spare = nu - lambda;
    let waiting = Scaled::new(nu / spare);
    let p_wait = waiting.ratio(idle.add(waiting));
    // 1 − C e^{−δ} = (1 − C) + C (1 − e^{−δ}): both parts positive, so a service level near 0 (load just
    // below the agents) keeps its digits.
    let p_no_wait = idle.ratio(idle.add(waiting));
    let served_late_share = -(-spare * threshold_s).exp_m1();
    WaitFigures {
        stable: true,
        p_wait,
        p_abandon: 0.0,
        service_level: ServiceLevels::uniform((p_no_wait + p_wait * served_late_share).min(1.0)),
        asa_answered_s: p_wait / spare,
        asa_all_s: p_wait / spare,
    }
}

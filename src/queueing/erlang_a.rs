//! Erlang A (M/M/n+M, Palm 1943): callers hang up after an exponential patience of mean `1/θ`.
//!
//! # Model
//! A birth–death chain: arrivals at rate `λ`; with `N` servers (or chat slots) busy the queue is served at
//! total rate `ν` and each waiting caller abandons at rate `θ`. With `x = ν/θ` and `y = λ/θ` the waiting
//! states are `π_{N+j} = π_N q_j`, `q_j = y^j / Π_{i=1..j} (x + i)`, so the waiting mass is Kummer's
//! `M(x, y) = Σ_j q_j = ₁F₁(1; x+1; y)` (Garnett, Mandelbaum & Reiman 2002, *M&SOM* 4(3); Mandelbaum &
//! Zeltyn 2007, "Service engineering in action: the Palm/Erlang-A queue"). It is stable for every load.
//!
//! # The exact formulas used here
//! A caller who finds `j` callers waiting ahead has virtual wait (time to reach an agent if it never hung
//! up) `V_j = Σ_{i=0..j} Exp(ν + iθ)`, is answered with probability `E[e^{−θV_j}] = x/(x+j+1)`, and
//! `E[V_j e^{−θV_j}] = x/(x+j+1) · Σ_{i=0..j} 1/(θ(x+i+1))`. By the Rényi representation
//! `P(V_j > t) = I_u(x, j+1)` with `u = e^{−θt}` (regularised incomplete beta), and summing over `j`
//! gives `Σ_j q_j P(V_j > t) = u^x e^{y(1−u)} M(x, yu)` — Mandelbaum & Zeltyn's
//! `γ(x, y e^{−θt}) / γ(x, y)` in a scaled form. Everything then follows from three positive series at
//! `z = y` and `z = yu`, with `c_k = z^k / Π_{i=1..k}(x+i)` and `d_k = 1/(x+k+1)`:
//!
//! * `T = Σ c_k d_k`, `R = Σ c_k (k+1) d_k`, `U = Σ c_k d_k Σ_{i≤k} d_i`, and `M = R + xT`;
//! * with idle mass `s` and normaliser `D = s + M(x, y)`: `P(wait) = M/D`, `P(abandon) = R/D`,
//!   answered `= (s + xT)/D`, `ASA_answered = (x/θ) U / (s + xT)`, `ASA_all = E[min(V, τ)] = R/(θD)`
//!   (which is the identity `P(abandon) = θ · E[wait of all arrivals]`);
//! * with `K = u^x e^{y(1−u)}` and the series at `z = yu`: `P(V > t) = K M'/D`,
//!   answered after `t` `= x u K T'/D`, abandoned after `t` `= u K R'/D`.
//!
//! Every sum has positive terms only, so nothing cancels where it matters (the naive
//! `P(abandon) = 1 − answered` loses all digits when patience is long); sums that leave the `f64` range
//! (heavy overload) are carried by [`Scaled`]. The series stop when a geometric bound on the remaining
//! tail is below 1e-17 of the sum, so the result is exact to rounding.
//!
//! Domain: `λ, ν, θ > 0` finite; `t ≥ 0`.

use super::erlang_c::WaitFigures;
use super::kpi::ServiceLevels;
use super::scaled::Scaled;

/// Relative size of the neglected tail of a series.
const TAIL: f64 = 1e-17;

/// The series `T`, `R`, `U` of the module docs at `(x, z)`, with a common scale.
#[derive(Debug, Clone, Copy)]
struct WaitingSums {
    t: Scaled,
    r: Scaled,
    u: Scaled,
}

fn waiting_sums(x: f64, z: f64) -> WaitingSums {
    let mut c = 1.0;
    let mut one_scale = 0i32;
    let (mut t, mut r, mut u, mut h) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut k = 0.0f64;
    loop {
        let d = 1.0 / (x + k + 1.0);
        h += d;
        let cd = c * d;
        t += cd;
        r += cd * (k + 1.0);
        u += cd * h;
        c *= z * d;
        k += 1.0;
        let next_ratio = z / (x + k + 1.0);
        if !(c.is_finite() && next_ratio.is_finite()) {
            break; // unreachable for validated queues; never loop on a NaN
        }
        if next_ratio < 1.0 {
            // Terms now fall at least geometrically: Σ_{i≥k} c_i ≤ c_k / (1 − ratio), and every weight
            // is at most 1 (R) or 1/(x+1) (T, U).
            let tail = c / (1.0 - next_ratio);
            let scale = x + 1.0;
            if tail <= TAIL * r && tail <= TAIL * scale * t && tail <= TAIL * scale * u {
                break;
            }
        }
        if let Some((factor, bits)) = Scaled::rescale_step(c) {
            c *= factor;
            t *= factor;
            r *= factor;
            u *= factor;
            one_scale += bits;
        }
    }
    WaitingSums {
        t: Scaled::from_parts(t, one_scale),
        r: Scaled::from_parts(r, one_scale),
        u: Scaled::from_parts(u, one_scale),
    }
}

/// Erlang-A waiting figures: arrival rate `lambda`, full-capacity service rate `nu` (per second), mean
/// patience `patience_s`, idle mass `idle`, threshold `threshold_s`.
pub(crate) fn wait_figures(
    idle: Scaled,
    lambda: f64,
    nu: f64,
    patience_s: f64,
    threshold_s: f64,
) -> WaitFigures {
    let x = nu * patience_s;
    let y = lambda * patience_s;
    let sums = waiting_sums(x, y);
    let waiting = sums.r.add(sums.t.mul_f64(x));
    let served_mass = idle.add(sums.t.mul_f64(x));
    let total = idle.add(waiting);

    let p_wait = waiting.ratio(total);
    let p_abandon = sums.r.ratio(total);
    let p_served = served_mass.ratio(total);
    let asa_answered_s = x * patience_s * sums.u.ratio(served_mass);
    let asa_all_s = patience_s * p_abandon;

    // Threshold-dependent parts. `late` = P(V > t), from the same series at z = y e^{-θt} weighted by
    // K = u^x e^{y(1-u)}; `within` and `served_within` = P(0 < V ≤ t) and P(answered, 0 < V ≤ t).
    let p_idle = idle.ratio(total);
    let p_served_waiting = sums.t.mul_f64(x).ratio(total);
    let u = (-threshold_s / patience_s).exp();
    let (p_late, within, served_within) = if threshold_s == 0.0 {
        (p_wait, 0.0, 0.0)
    } else {
        let v = -(-threshold_s / patience_s).exp_m1();
        let later = waiting_sums(x, y * u);
        let k = Scaled::exp(y * v - nu * threshold_s);
        let late_mass = later.r.add(later.t.mul_f64(x));
        let p_late = k.mul(late_mass).ratio(total);
        let served_late = k.mul(later.t).mul_f64(x * u).ratio(total);
        let within = (p_wait - p_late).max(0.0);
        let served_within = (p_served_waiting - served_late).max(0.0);
        // Differences that lost more than two digits are summed again from positive terms.
        let cancelled = within < 1e-2 * p_wait || served_within < 1e-2 * p_served_waiting;
        match cancelled
            .then(|| within_threshold_sums(x, y, u, v, waiting))
            .flatten()
        {
            Some((w, sw)) => (p_late, w.ratio(total), sw.ratio(total)),
            None => (p_late, within, served_within),
        }
    };
    // Every convention as a ratio of positive parts: no service level is formed as 1 − (something).
    let answered_within = p_idle + served_within;
    let virtual_within = p_idle + within;
    WaitFigures {
        stable: true,
        p_wait,
        p_abandon,
        service_level: ServiceLevels {
            offered: answered_within.min(1.0),
            answered: (answered_within / p_served).min(1.0),
            // Offered − abandoned within t = no wait + answered within t + still waiting at t (u·late).
            excl_abandon_within: (answered_within / (answered_within + u * p_late)).min(1.0),
            wait_within: (virtual_within + (1.0 - u) * p_late).min(1.0),
            virtual_wait: virtual_within.min(1.0),
        },
        asa_answered_s,
        asa_all_s,
    }
}

/// `Σ_j q_j P(0 < V_j ≤ t)` and `Σ_j q_j P(answered, 0 < V_j ≤ t)` as sums of positive terms.
///
/// With `v = 1 − u`, `P(V_j ≤ t) = I_v(j+1, x)`, the upper tail of a negative binomial:
/// `I_v(j+1, x) = Σ_{m>j} nb_m(x)`, `nb_m(r) = Γ(r+m)/(Γ(r) m!) v^m u^r`. Tilting each stage by
/// `e^{−θV}` shifts `x` to `x + 1`, so `E[e^{−θV_j}; V_j ≤ t] = x/(x+j+1) · I_v(j+1, x+1)`. Swapping
/// the sums: `Σ_m nb_m(x) Q_m` and `Σ_m nb_m(x+1) P_m` with partial sums `Q_m = Σ_{j<m} q_j` and
/// `P_m = Σ_{j<m} q_j x/(x+j+1)`. Used only where the direct difference cancels; `None` when the
/// negative binomial is too wide to sum (then the difference is kept).
fn within_threshold_sums(
    x: f64,
    y: f64,
    u: f64,
    v: f64,
    waiting: Scaled,
) -> Option<(Scaled, Scaled)> {
    let mean = x * v / u;
    let spread = (x * v).sqrt() / u;
    let width = mean + 12.0 * spread;
    if width.is_nan() || width >= 2.0e6 {
        return None;
    }
    let ln_u = u.ln();
    let (mut nb, mut nb_shifted) = (Scaled::exp(x * ln_u), Scaled::exp((x + 1.0) * ln_u));
    let (mut q, mut partial_q, mut partial_p) =
        (Scaled::new(1.0), Scaled::new(0.0), Scaled::new(0.0));
    let (mut within, mut served_within) = (Scaled::new(0.0), Scaled::new(0.0));
    let mut m = 0.0f64;
    loop {
        m += 1.0;
        // Partial sums up to j = m − 1, then q_m.
        partial_q = partial_q.add(q);
        partial_p = partial_p.add(q.mul_f64(x / (x + m)));
        q = q.mul_f64(y / (x + m));
        nb = nb.mul_f64((x + m - 1.0) * v / m);
        nb_shifted = nb_shifted.mul_f64((x + m) * v / m);
        within = within.add(nb.mul(partial_q));
        served_within = served_within.add(nb_shifted.mul(partial_p));
        if m > mean {
            // Remaining terms: nb falls at least geometrically with ratio ≤ max(next ratio, v), and
            // every partial sum is at most the full waiting mass.
            let ratio = ((x + m + 1.0) * v / (m + 1.0)).max(v);
            if ratio < 1.0 {
                let tail = |n: Scaled| n.mul(waiting).mul_f64(ratio / (1.0 - ratio));
                if tail(nb).ratio(within) <= TAIL && tail(nb_shifted).ratio(served_within) <= TAIL {
                    break;
                }
            }
        }
    }
    Some((within, served_within))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct summation of `M(x, z) = Σ z^k / Π (x+i)` for small arguments.
    fn kummer(x: f64, z: f64) -> f64 {
        let (mut term, mut sum) = (1.0, 1.0);
        for k in 1..10_000 {
            term *= z / (x + k as f64);
            sum += term;
        }
        sum
    }

    #[test]
    fn series_reassemble_kummer_function() {
        for &(x, z) in &[
            (5.0, 2.0),
            (10.0, 10.0),
            (3.0, 40.0),
            (200.0, 180.0),
            (0.5, 0.1),
        ] {
            let s = waiting_sums(x, z);
            let m = s.r.add(s.t.mul_f64(x)).to_f64();
            let want = kummer(x, z);
            assert!((m - want).abs() <= 1e-13 * want, "{x} {z}: {m} vs {want}");
            // M − 1 = z T: the first-term identity that makes "answered after waiting" cancellation-free.
            let zt = s.t.to_f64() * z;
            assert!((zt - (want - 1.0)).abs() <= 1e-12 * (want - 1.0));
        }
    }

    #[test]
    fn overload_far_beyond_f64_is_finite() {
        // 10 agents, 5 000 Erlangs, patience equal to AHT: the waiting mass is about e^4990.
        let idle = super::super::erlang_b::idle_mass(10, 5_000.0);
        let f = wait_figures(idle, 5_000.0 / 180.0, 10.0 / 180.0, 180.0, 20.0);
        assert!((f.p_wait - 1.0).abs() < 1e-12);
        assert!((f.p_abandon - (1.0 - 10.0 / 5_000.0)).abs() < 1e-6);
        assert!(f.asa_answered_s.is_finite() && f.asa_all_s.is_finite());
    }
}

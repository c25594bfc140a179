//! Erlang B and the "idle mass" every Erlang model is built on.
//!
//! # Formula
//! With offered load `a = λ/μ` Erlangs and `n` servers, the loss system M/M/n/n has the truncated Poisson
//! distribution `π_k ∝ a^k / k!`, and the blocking probability is
//! `B(n, a) = (a^n/n!) / Σ_{k≤n} a^k/k!` (Erlang 1917). We carry `s_n = Σ_{k<n} π_k / π_n = 1/B(n, a) − 1`,
//! the probability mass of the states where an arrival finds a free server, measured in units of `π_n`.
//! It obeys the textbook recursion (e.g. Cooper, *Introduction to Queueing Theory*, 3rd ed., §3.3)
//! `s_0 = 0`, `s_k = (k/a) · (1 + s_{k−1})`, which has no factorials or powers to overflow and no
//! cancellation (`s` and not `1/B` is carried, so `1/B − 1` never loses digits when `B ≈ 1`).
//!
//! # Why a window
//! The recursion contracts: an error in `s_{k−1}` is multiplied by `k/a`. Below the load (`k < a`) that
//! factor is less than one, so starting about `9.5√a` below `min(n, a)` from the recursion's local fixed
//! point `s = k₀/(a − k₀)` damps the start-up error by `Π k/a < e^{−45}`, far below `f64` precision
//! (fewer steps when `n` is well below the load, where each step damps more). The cost falls from `O(a)`
//! to `O(√a + n − a)` steps: about 3 000 at 100 000 Erlangs. Above
//! the load the relative error is non-increasing (`ε_k = ε_{k−1} · s_{k−1}/(1 + s_{k−1})`), so the
//! recursion is stable for any `n`. Values past `f64` range are carried by [`Scaled`].
//!
//! # Domain
//! `a > 0` finite, any `n ≥ 0`.

use super::scaled::Scaled;

/// Binary exponent beyond which the idle mass no longer affects any `f64` figure.
pub(crate) const SATURATED_BITS: i32 = 1200;

/// Index at which the windowed recursion starts for `n` servers and load `a`.
///
/// The start-up error is damped by `Π_{j=start..m} j/a` with `m = min(n, a)`. Using
/// `ln(a/j) ≥ c + (m − j)/a` with `c = ln(a/m)`, `L` steps damp by at least `e^{−(Lc + L²/(2a))}`, so
/// `L = 90 / (c + √(c² + 90/a))` steps reach `e^{−45}`. For every `n ≥ a` the start is the same, which
/// keeps walks and fresh evaluations bit-identical above the load.
fn window_start(n: u64, a: f64) -> u64 {
    let m = (n as f64).min(a);
    if m <= 0.0 {
        return 0;
    }
    let c = (a / m).ln();
    let steps = 90.0 / (c + (c * c + 90.0 / a).sqrt());
    let start = m - steps.ceil() - 1.0;
    if start <= 0.0 {
        0
    } else {
        start.floor() as u64
    }
}

/// The Erlang-B recursion for `s_k = 1/B(k, a) − 1`, stepping `k` upward one server at a time.
///
/// Staffing searches use it to walk `n, n + 1, …` in `O(1)` per step; for `k ≥ a` every value it yields
/// is bit-identical to a fresh [`idle_mass`] at the same `k`, because both start at the same window.
#[derive(Debug, Clone)]
pub(crate) struct IdleMass {
    load: f64,
    servers: u64,
    mantissa: f64,
    exponent: i32,
    /// `2^{−exponent}`: the recursion's `+1` in the scaled frame.
    one: f64,
}

impl IdleMass {
    /// Positions the recursion at `servers`, `O(√a + servers − a)` work.
    pub(crate) fn at(servers: u64, load: f64) -> IdleMass {
        let start = window_start(servers, load);
        let initial = if start == 0 {
            0.0
        } else {
            start as f64 / (load - start as f64)
        };
        let mut state = IdleMass {
            load,
            servers: start,
            mantissa: initial,
            exponent: 0,
            one: 1.0,
        };
        while state.servers < servers {
            state.step();
            if state.exponent > SATURATED_BITS {
                // 1/B > 2^1200: every figure derived from it is already exact in f64 (P(wait) underflows
                // to 0), so the remaining steps cannot change an output; skip them (O(1) for n ≫ a).
                state.servers = servers;
            }
        }
        state
    }

    /// Adds one server: `s_{k+1} = ((k+1)/a) (1 + s_k)`.
    #[inline]
    pub(crate) fn step(&mut self) {
        self.servers += 1;
        self.mantissa = (self.servers as f64 / self.load) * (self.mantissa + self.one);
        if let Some((factor, bits)) = Scaled::rescale_step(self.mantissa) {
            self.mantissa *= factor;
            self.one *= factor;
            self.exponent += bits;
        }
    }

    pub(crate) fn servers(&self) -> u64 {
        self.servers
    }

    /// `s_k = Σ_{j<k} π_j / π_k`.
    pub(crate) fn value(&self) -> Scaled {
        Scaled::from_parts(self.mantissa, self.exponent)
    }
}

/// `s_n = 1/B(n, a) − 1` for `n` servers at load `a` (see the module docs).
pub(crate) fn idle_mass(servers: u64, load: f64) -> Scaled {
    IdleMass::at(servers, load).value()
}

/// Erlang B blocking probability `B(n, a)` for `n` servers and offered load `a` Erlangs.
///
/// Callers guarantee `a > 0` finite; the public entry point is [`crate::queueing::erlang_b`].
pub(crate) fn blocking(servers: u64, load: f64) -> f64 {
    let s = idle_mass(servers, load);
    Scaled::new(1.0).ratio(Scaled::new(1.0).add(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full recursion from `B(0) = 1`, written independently in its classic form.
    fn textbook(n: u64, a: f64) -> f64 {
        let mut b = 1.0;
        for k in 1..=n {
            b = a * b / (k as f64 + a * b);
        }
        b
    }

    #[test]
    fn windowed_matches_textbook_recursion() {
        for &a in &[0.3f64, 1.0, 7.5, 99.0, 1_000.0, 12_345.6, 100_000.0] {
            let centre = a as u64;
            let spread = (8.0 * a.sqrt()) as u64 + 5;
            let lo = centre.saturating_sub(3 * spread);
            for n in (lo..centre + spread).step_by(((spread / 7) as usize).max(1)) {
                let want = textbook(n, a);
                let got = blocking(n, a);
                assert!(
                    (got - want).abs() <= 1e-11 * want,
                    "n={n} a={a}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn stepping_is_bit_identical_to_a_fresh_start() {
        let a = 4_321.5;
        let mut walk = IdleMass::at(4_322, a);
        for _ in 0..200 {
            walk.step();
            let fresh = idle_mass(walk.servers(), a);
            assert_eq!(walk.value().parts(), fresh.parts());
        }
    }

    #[test]
    fn far_tail_does_not_overflow() {
        // B(2000, 10) is about 10^2000 / 2000! ≈ 10^-3735: zero in f64, but no NaN or panic.
        assert_eq!(blocking(2_000, 10.0).to_bits(), 0.0f64.to_bits());
        // The idle mass is carried past f64 range, then saturates: beyond 2^1200 no figure changes.
        assert!(idle_mass(2_000, 10.0).ratio(Scaled::new(1.0)).is_infinite());
        // s_300 ≈ 300!/10^300 ≈ 1e313 is past f64 range but carried exactly: s_300 / s_299 = 30 (1 + 1/s).
        let r = idle_mass(300, 10.0).ratio(idle_mass(299, 10.0));
        assert!((r - 30.0).abs() < 1e-12, "{r}");
        // Ten million agents for ten Erlangs is answered at once, and exactly.
        assert_eq!(blocking(10_000_000, 10.0).to_bits(), 0.0f64.to_bits());
    }
}

//! Chat concurrency: one agent serves up to `k` chats at once, more slowly the more are open.
//!
//! # Model
//! Each agent has `k` slots. A chat handled while its agent has `j` chats open takes `h_j` on average, so
//! an agent with `j` open chats completes `g_j = j / h_j` per second. New chats go to the least-loaded
//! agent (balanced routing), so with `m ≤ nk` chats in service the agents hold `⌊m/n⌋` or `⌈m/n⌉` each
//! and the system completes `δ(m) = r (q+1)/h_{q+1} + (n − r) q/h_q` per second (`q = ⌊m/n⌋`,
//! `r = m mod n`). Once all `N = nk` slots are busy, chats queue and are served at `ν = n k / h_k`,
//! with exponential patience if given. The state is the number of chats in the system, a birth–death
//! chain, solved exactly with the same waiting-room formulas as Erlang C / Erlang A. This is the
//! state-dependent-service-rate model of Tezcan & Zhang (2014), "Routing and staffing in customer service
//! chat systems with impatient customers", *Operations Research* 62(4), under balanced routing.
//!
//! Handle times come either per concurrency level (`h_1..h_k`, measured by most chat platforms) or from
//! one AHT `h` and the share `f` of a chat's work that cannot overlap with other chats (the agent typing
//! rather than waiting for the customer): `h_j = h (1 + f (j − 1))`. `f = 0` means perfect overlap (k
//! slots are k agents), `f = 1` means no overlap at all (throughput as with one chat at a time).
//!
//! With `k = 1` the chain is exactly Erlang C / Erlang A with AHT `h_1`.
//!
//! Domain: `k ≥ 1`, every `h_j > 0`; cost `O(nk)` per evaluation.

use super::scaled::Scaled;
use crate::error::InvalidValue;

/// How many chats an agent may hold and how long a chat takes at each level.
#[derive(Debug, Clone, PartialEq)]
pub struct Concurrency {
    /// `handle_times_s[j − 1]` is `h_j`, the mean handle time with `j` chats open.
    handle_times_s: Vec<f64>,
}

impl Concurrency {
    /// `k` concurrent chats; `aht_s` is the handle time of a chat worked alone; `non_overlap` is the
    /// share of its work that cannot overlap with other chats (`0` = perfect overlap).
    pub fn linear(k: u32, aht_s: f64, non_overlap: f64) -> Result<Concurrency, InvalidValue> {
        if k == 0 || k > 64 {
            return Err(InvalidValue::new(
                "concurrency",
                "a whole number of chats from 1 to 64",
                k,
            ));
        }
        if !(0.0..=1.0).contains(&non_overlap) {
            return Err(InvalidValue::new(
                "non_overlap",
                "a share from 0 to 1",
                non_overlap,
            ));
        }
        check_positive("aht", aht_s)?;
        Ok(Concurrency {
            handle_times_s: (0..k)
                .map(|j| aht_s * (1.0 + non_overlap * f64::from(j)))
                .collect(),
        })
    }

    /// Handle time per concurrency level: `handle_times_s[j − 1]` applies with `j` chats open.
    pub fn with_handle_times(handle_times_s: Vec<f64>) -> Result<Concurrency, InvalidValue> {
        if handle_times_s.is_empty() || handle_times_s.len() > 64 {
            return Err(InvalidValue::new(
                "concurrency",
                "1 to 64 handle times",
                handle_times_s.len(),
            ));
        }
        for &h in &handle_times_s {
            check_positive("aht", h)?;
        }
        // More open chats must never mean fewer completions per agent (j / h_j non-decreasing), or more
        // agents could serve worse and "fewest agents meeting the targets" would be ill-defined.
        for j in 1..handle_times_s.len() {
            let (before, after) = (
                j as f64 / handle_times_s[j - 1],
                (j + 1) as f64 / handle_times_s[j],
            );
            if after < before {
                return Err(InvalidValue::new(
                    "aht",
                    "handle times whose throughput j / h_j does not fall as chats are added",
                    format!("{} s with {} chats", handle_times_s[j], j + 1),
                ));
            }
        }
        Ok(Concurrency { handle_times_s })
    }

    pub fn max_chats(&self) -> u32 {
        self.handle_times_s.len() as u32
    }

    pub fn handle_times_s(&self) -> &[f64] {
        &self.handle_times_s
    }

    /// Completion rate of all `agents` when every slot is busy, per second.
    pub(crate) fn full_rate(&self, agents: u64) -> f64 {
        let k = self.handle_times_s.len();
        agents as f64 * k as f64 / self.handle_times_s[k - 1]
    }

    /// Idle mass `Σ_{m<N} π_m / π_N` and busy moment `Σ_{m<N} m π_m / π_N` for `agents` agents.
    pub(crate) fn idle_and_busy(&self, agents: u64, lambda: f64) -> (Scaled, Scaled) {
        let k = self.handle_times_s.len() as u64;
        // per_agent[j] = j / h_j, completions per second of an agent holding j chats.
        let per_agent: Vec<f64> = std::iter::once(0.0)
            .chain(
                self.handle_times_s
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (i + 1) as f64 / h),
            )
            .collect();
        let slots = agents * k;
        let (mut idle, mut busy, mut one) = (0.0f64, 0.0f64, 1.0f64);
        let mut exponent = 0i32;
        for m in 1..=slots {
            let q = (m / agents) as usize;
            let r = (m % agents) as f64;
            let upper = if r > 0.0 { per_agent[q + 1] } else { 0.0 };
            let rate = r * upper + (agents as f64 - r) * per_agent[q];
            let f = rate / lambda;
            // s_m = (δ(m)/λ)(1 + s_{m−1}); b_m = (δ(m)/λ)(b_{m−1} + (m − 1)).
            busy = f * (busy + (m - 1) as f64 * one);
            idle = f * (idle + one);
            if let Some((factor, bits)) = Scaled::rescale_step(idle.max(busy)) {
                idle *= factor;
                busy *= factor;
                one *= factor;
                exponent += bits;
                if exponent > super::erlang_b::SATURATED_BITS {
                    // Beyond f64 resolution of every figure (see erlang_b): all probability sits far
                    // below `m`, so the busy/idle ratio, all occupancy needs, no longer changes.
                    break;
                }
            }
        }
        (
            Scaled::from_parts(idle, exponent),
            Scaled::from_parts(busy, exponent),
        )
    }
}

pub(crate) fn check_positive(field: &'static str, value: f64) -> Result<(), InvalidValue> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(InvalidValue::new(field, "a positive finite number", value))
    }
}

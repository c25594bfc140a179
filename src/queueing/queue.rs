//! A validated contact queue: arrivals, handle time, optional patience and chat concurrency.

use super::chat::{check_positive, Concurrency};
use super::erlang_b::{idle_mass, IdleMass};
use super::kpi::Kpis;
use super::scaled::Scaled;
use super::{erlang_a, erlang_c};
use crate::error::InvalidValue;

/// Largest offered load accepted, Erlangs.
const MAX_LOAD: f64 = 1e7;
/// Largest mean patience accepted, in handle times.
const MAX_PATIENCE_PER_AHT: f64 = 1e4;

/// One queue in one interval. Constructed only through [`Queue::new`], so every instance is valid.
///
/// * no patience, no concurrency → Erlang C;
/// * patience → Erlang A (M/M/n+M);
/// * concurrency → the chat model of [`super::chat`], with or without patience.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    arrival_rate: f64,
    /// `volume · AHT / interval`, rounded once (so 53 calls × 270 s / 1800 s print as 7.95 Erlangs).
    load: f64,
    aht_s: f64,
    patience_s: Option<f64>,
    concurrency: Option<Concurrency>,
}

/// The longest handle time a contact may have.
const MAX_HANDLE_S: f64 = 86_400.0;

impl Queue {
    /// `volume` contacts arriving in an interval of `interval_s` seconds, each taking `aht_s` on average.
    pub fn new(volume: f64, interval_s: f64, aht_s: f64) -> Result<Queue, InvalidValue> {
        check_positive("volume", volume)?;
        check_positive("interval", interval_s)?;
        check_positive("aht", aht_s)?;
        // One contact handled for longer than a day is a typo, and would be blamed on the volume below.
        if aht_s > MAX_HANDLE_S {
            return Err(InvalidValue::new(
                "aht",
                "a handle time of at most 24h",
                aht_s,
            ));
        }
        let arrival_rate = volume / interval_s;
        check_positive("volume", arrival_rate)?;
        let load = volume * aht_s / interval_s;
        if !(load.is_finite() && (1e-12..=MAX_LOAD).contains(&load)) {
            return Err(InvalidValue::new(
                "volume",
                "a workload (volume × aht / interval) from 1e-12 to 10 000 000 Erlangs",
                volume,
            ));
        }
        Ok(Queue {
            arrival_rate,
            load: volume * aht_s / interval_s,
            aht_s,
            patience_s: None,
            concurrency: None,
        })
    }

    /// Callers hang up after an exponential patience with this mean (Erlang A).
    ///
    /// At most 10 000 × AHT: beyond that Erlang A equals Erlang C to every printed digit, while the
    /// waiting-room series of a heavily overloaded queue would need `(λ − ν) · patience` terms.
    pub fn with_patience(mut self, patience_s: f64) -> Result<Queue, InvalidValue> {
        check_positive("patience", patience_s)?;
        if patience_s > MAX_PATIENCE_PER_AHT * self.aht_s {
            return Err(InvalidValue::new(
                "patience",
                "at most 10 000 × the handle time (leave it out for callers who never hang up)",
                patience_s,
            ));
        }
        self.patience_s = Some(patience_s);
        Ok(self)
    }

    /// Agents serve several chats at once (the chat model; with `k = 1` it equals Erlang C / A).
    pub fn with_concurrency(mut self, concurrency: Concurrency) -> Queue {
        self.concurrency = Some(concurrency);
        self
    }

    /// Offered load `a = λ · AHT`, in Erlangs.
    pub fn offered_load(&self) -> f64 {
        self.load
    }

    pub fn arrival_rate_per_s(&self) -> f64 {
        self.arrival_rate
    }

    pub fn aht_s(&self) -> f64 {
        self.aht_s
    }

    pub fn patience_s(&self) -> Option<f64> {
        self.patience_s
    }

    pub fn concurrency(&self) -> Option<&Concurrency> {
        self.concurrency.as_ref()
    }

    /// "Erlang C", "Erlang A", "chat x3 (Erlang C)" …
    pub fn model_name(&self) -> String {
        let base = if self.patience_s.is_some() {
            "Erlang A"
        } else {
            "Erlang C"
        };
        match &self.concurrency {
            Some(c) => format!("chat x{} ({base})", c.max_chats()),
            None => base.to_string(),
        }
    }

    /// Whether agents can be added with the O(1) Erlang-B step (plain Erlang C).
    pub(crate) fn is_erlang_c(&self) -> bool {
        self.patience_s.is_none() && self.concurrency.is_none()
    }

    /// Figures with `agents` productive agents and service-level threshold `threshold_s` (≥ 0).
    ///
    /// With no agents at all Erlang C is unstable, and under Erlang A every caller hangs up (the
    /// "wait within" convention then counts those who hang up within the threshold).
    pub fn evaluate(&self, agents: u64, threshold_s: f64) -> Kpis {
        if agents == 0 {
            return self.evaluate_unstaffed(threshold_s);
        }
        match &self.concurrency {
            None => {
                self.evaluate_with_idle(agents, idle_mass(agents, self.offered_load()), threshold_s)
            }
            Some(chat) => self.evaluate_chat(chat, agents, threshold_s),
        }
    }

    /// Erlang C/A figures when the caller already holds the Erlang-B idle mass (staffing walks).
    pub(crate) fn evaluate_with_idle(&self, agents: u64, idle: Scaled, threshold_s: f64) -> Kpis {
        let load = self.offered_load();
        let nu = agents as f64 / self.aht_s;
        let wait = self.wait_figures(idle, nu, threshold_s);
        let occupancy = if !wait.stable {
            1.0
        } else {
            // Carried load over agents: a · P(answered) / n.
            (load * (1.0 - wait.p_abandon) / agents as f64).min(1.0)
        };
        self.kpis(agents, threshold_s, wait, occupancy)
    }

    fn evaluate_unstaffed(&self, threshold_s: f64) -> Kpis {
        let mut wait = erlang_c::WaitFigures::unstable();
        if let Some(patience) = self.patience_s {
            wait.stable = true;
            wait.p_abandon = 1.0;
            wait.service_level.wait_within = -(-threshold_s / patience).exp_m1();
            wait.asa_all_s = patience;
        }
        self.kpis(0, threshold_s, wait, 1.0)
    }

    fn evaluate_chat(&self, chat: &Concurrency, agents: u64, threshold_s: f64) -> Kpis {
        let (idle, busy) = chat.idle_and_busy(agents, self.arrival_rate);
        let wait = self.wait_figures(idle, chat.full_rate(agents), threshold_s);
        let slots = agents as f64 * f64::from(chat.max_chats());
        let occupancy = if !wait.stable {
            1.0
        } else {
            // E[busy slots] / slots, with busy = min(m, N): (b + N·M)/D = b/s · P(no wait) + N · P(wait).
            let below = busy.ratio(idle) * (1.0 - wait.p_wait);
            ((below + slots * wait.p_wait) / slots).min(1.0)
        };
        self.kpis(agents, threshold_s, wait, occupancy)
    }

    fn wait_figures(&self, idle: Scaled, nu: f64, threshold_s: f64) -> erlang_c::WaitFigures {
        match self.patience_s {
            None => erlang_c::wait_figures(idle, self.arrival_rate, nu, threshold_s),
            Some(p) => erlang_a::wait_figures(idle, self.arrival_rate, nu, p, threshold_s),
        }
    }

    fn kpis(
        &self,
        agents: u64,
        threshold_s: f64,
        wait: erlang_c::WaitFigures,
        occupancy: f64,
    ) -> Kpis {
        Kpis {
            agents,
            threshold_s,
            traffic_erlangs: self.offered_load(),
            stable: wait.stable,
            p_wait: wait.p_wait,
            p_abandon: wait.p_abandon,
            service_level: wait.service_level,
            asa_answered_s: wait.asa_answered_s,
            asa_all_s: wait.asa_all_s,
            occupancy,
        }
    }

    /// An Erlang-B walk positioned at `agents`, for staffing searches over plain Erlang C.
    pub(crate) fn idle_walk(&self, agents: u64) -> IdleMass {
        IdleMass::at(agents, self.offered_load())
    }
}

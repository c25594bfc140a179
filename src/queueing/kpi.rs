//! Performance figures of a queue at a given staffing, and the service-level conventions.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// What "service level" means once callers can hang up.
///
/// Without abandonment (Erlang C) all five coincide with `P(wait ≤ t)`. With abandonment they differ,
/// sometimes by tens of points, so a target must say which one it refers to.
///
/// The default is [`SlConvention::Offered`]: answered within `t` over all offered contacts. It is the
/// plain ACD definition, it reduces to Erlang C's service level, and it is the most conservative — a
/// staffing level that makes callers hang up can never raise it, whereas conventions that discount or
/// reward early hang-ups can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlConvention {
    /// (1) answered within `t` / offered.
    #[default]
    Offered,
    /// (2) answered within `t` / answered.
    Answered,
    /// (3) answered within `t` / (offered − abandoned within `t`): short abandons excluded.
    ExclAbandonWithin,
    /// (4) `P(W ≤ t)` over all offered, where `W = min(V, τ)`: callers who hang up within `t` count as
    /// successes (the usual definition in the Erlang-A literature, e.g. Mandelbaum & Zeltyn 2007).
    WaitWithin,
    /// (5) `P(V ≤ t)`: the virtual wait of a caller who would never hang up (what the best-known
    /// commercial Erlang-A calculator prints).
    Virtual,
}

impl SlConvention {
    pub const ALL: [SlConvention; 5] = [
        SlConvention::Offered,
        SlConvention::Answered,
        SlConvention::ExclAbandonWithin,
        SlConvention::WaitWithin,
        SlConvention::Virtual,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SlConvention::Offered => "offered",
            SlConvention::Answered => "answered",
            SlConvention::ExclAbandonWithin => "excl_abandon_within",
            SlConvention::WaitWithin => "wait_within",
            SlConvention::Virtual => "virtual",
        }
    }

    /// One line for help texts and reports.
    pub fn describe(self) -> &'static str {
        match self {
            SlConvention::Offered => "answered within T / offered",
            SlConvention::Answered => "answered within T / answered",
            SlConvention::ExclAbandonWithin => "answered within T / (offered - abandoned within T)",
            SlConvention::WaitWithin => "waited at most T (hang-ups within T count) / offered",
            SlConvention::Virtual => "virtual wait <= T (a caller who never hangs up)",
        }
    }
}

impl fmt::Display for SlConvention {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The names [`SlConvention::from_str`] accepts, for error messages.
pub const SL_CONVENTION_NAMES: &str =
    "offered, answered, excl_abandon_within, wait_within or virtual";

impl FromStr for SlConvention {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SlConvention::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(s.trim()))
            .ok_or(())
    }
}

/// Service level under each convention, as fractions in `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ServiceLevels {
    pub offered: f64,
    pub answered: f64,
    pub excl_abandon_within: f64,
    pub wait_within: f64,
    #[serde(rename = "virtual")]
    pub virtual_wait: f64,
}

impl ServiceLevels {
    /// All conventions equal to one value (no abandonment).
    pub(crate) fn uniform(value: f64) -> ServiceLevels {
        ServiceLevels {
            offered: value,
            answered: value,
            excl_abandon_within: value,
            wait_within: value,
            virtual_wait: value,
        }
    }

    pub fn get(&self, convention: SlConvention) -> f64 {
        match convention {
            SlConvention::Offered => self.offered,
            SlConvention::Answered => self.answered,
            SlConvention::ExclAbandonWithin => self.excl_abandon_within,
            SlConvention::WaitWithin => self.wait_within,
            SlConvention::Virtual => self.virtual_wait,
        }
    }
}

/// Steady-state figures of one queue at one staffing level.
///
/// Probabilities are fractions, times are seconds; an unstable Erlang-C queue (load ≥ agents) reports
/// `stable = false`, `p_wait = 1`, service levels 0, infinite ASA and occupancy 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kpis {
    /// Productive agents the figures are computed at.
    pub agents: u64,
    /// Service-level threshold `t` in seconds.
    pub threshold_s: f64,
    /// Offered load `a = λ · AHT` in Erlangs.
    pub traffic_erlangs: f64,
    /// False only for Erlang C with load ≥ agents, where the queue grows without bound.
    pub stable: bool,
    /// Probability that an arrival has to wait (finds every agent or chat slot busy).
    pub p_wait: f64,
    /// Probability that an arrival hangs up before being answered (0 without patience).
    pub p_abandon: f64,
    /// Service level within `threshold_s` under every convention.
    pub service_level: ServiceLevels,
    /// Average speed of answer of answered contacts, seconds.
    pub asa_answered_s: f64,
    /// Mean time in queue of all arrivals, answered or not (`min(V, τ)`), seconds.
    pub asa_all_s: f64,
    /// Share of agent (or chat slot) time spent handling contacts.
    pub occupancy: f64,
}

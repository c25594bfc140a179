//! The queueing core: Erlang B, Erlang C, Erlang A and chat concurrency, and required staff for targets.
//!
//! Pure functions, no I/O. Every model is a birth–death chain solved exactly: an "idle mass" below the
//! point where all agents (or chat slots) are busy ([`erlang_b`], [`chat`]) and a waiting room above it
//! ([`erlang_c`] without patience, [`erlang_a`] with exponential patience). Numerically stable from one
//! to millions of agents: no factorials, no powers, no cancelling differences, an extended exponent where
//! sums leave the `f64` range.
//!
//! ```
//! use vuoro::queueing::{Queue, Targets, required_agents};
//! // 100 calls per 30 min, AHT 3 min, 80 % answered within 20 s.
//! let queue = Queue::new(100.0, 1800.0, 180.0).unwrap();
//! let targets = Targets { service_level: Some(0.8), threshold_s: 20.0, ..Targets::default() };
//! let staffing = required_agents(&queue, &targets).unwrap();
//! assert_eq!(staffing.productive_agents, 14);
//! assert!((staffing.kpis.service_level.offered - 0.8884).abs() < 5e-5);
//! // Before rounding: 13.05 agents (planners add these across intervals before rounding).
//! assert!((staffing.fractional_agents - 13.05).abs() < 0.01);
//! ```

pub mod blend;
pub mod chat;
mod erlang_a;
mod erlang_b;
mod erlang_c;
mod fractional;
mod kpi;
mod queue;
mod scaled;
pub mod staffing;

pub use chat::Concurrency;
pub use fractional::{at_fractional, concave_from, mix_levels, IntervalKpis};
pub use kpi::{Kpis, ServiceLevels, SlConvention, SL_CONVENTION_NAMES};
pub use queue::Queue;
pub use staffing::{ceil_tolerant, required_agents, Shrinkage, Staffing, StaffingError, Targets};

use crate::error::InvalidValue;

fn check_load(load: f64) -> Result<(), InvalidValue> {
    chat::check_positive("load", load)
}

/// Erlang B blocking probability `B(n, a)` of `n` servers at `a` Erlangs (M/M/n/n); see [`erlang_b`](self).
///
/// ```
/// // Classic table value: 10 Erlangs on 15 trunks block about 3.65 % of calls.
/// let b = vuoro::queueing::erlang_b(15, 10.0).unwrap();
/// assert!((b - 0.036_496).abs() < 1e-6);
/// ```
pub fn erlang_b(servers: u64, load: f64) -> Result<f64, InvalidValue> {
    check_load(load)?;
    Ok(erlang_b::blocking(servers, load))
}

/// Erlang C probability of waiting `C(n, a)` of `n` agents at `a` Erlangs (M/M/n); 1 when `a ≥ n`.
pub fn erlang_c(servers: u64, load: f64) -> Result<f64, InvalidValue> {
    check_load(load)?;
    let idle = erlang_b::idle_mass(servers, load);
    Ok(erlang_c::wait_figures(idle, load, servers as f64, 0.0).p_wait)
}

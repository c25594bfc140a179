//! vuoro — staffing for multichannel contact centers, from interval forecasts to weekly rosters.
//!
//! The library is pure: it reads from strings and readers and returns typed values and errors; files,
//! exit codes and terminal output belong to the binary.
//!
//! * [`queueing`] — Erlang B / C / A, chat concurrency, required staff for targets, shrinkage.
//! * [`units`] — durations and shares as planners write them (`20s`, `3m`, `1h30m`, `80%`).
//! * [`calculator`] — the `vuoro erlang` cases: one case, what-if tables and CSV batches.
//! * [`error`] — typed errors with file locations.

pub mod agents;
pub mod blend;
pub mod calculator;
mod csv_input;
pub mod error;
pub mod evaluate;
pub mod export;
#[cfg(test)]
mod fixtures;
pub mod forecast;
pub mod grid;
pub mod leave;
pub mod model;
pub mod pipeline;
pub mod queueing;
pub mod report;
pub mod requirements;
pub mod roster;
pub mod rules;
pub mod schedule;
pub mod simulate;
pub mod staffing;
pub mod units;

/// Largest input file vuoro reads (64 MiB): far above any real plan, so a larger file is a mistake and is
/// refused before it is read.
pub const MAX_INPUT_BYTES: u64 = csv_input::MAX_FILE_BYTES as u64;

//! `--format table|json` of every command's summary, and `--quiet`: the table is for a planner and is
//! left out under `--quiet`; the JSON document (see `docs/summary-json.md`) is for programs and is
//! printed whenever it is asked for.

use super::write::emit;
use super::Failure;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub(crate) enum SummaryFormat {
    /// Readable tables for the terminal.
    #[default]
    Table,
    /// One JSON document with a `schema_version` (see docs/summary-json.md).
    Json,
}

/// `--format`, flattened into each command that writes files and prints a summary.
#[derive(Debug, Args)]
pub(crate) struct FormatArgs {
    /// Summary format on standard output.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
    pub format: SummaryFormat,
}

impl FormatArgs {
    /// The summary text to print in the chosen format: `None` for a table under `--quiet`.
    pub(crate) fn text(
        &self,
        table: impl FnOnce() -> String,
        json: impl FnOnce() -> serde_json::Value,
    ) -> Option<String> {
        match self.format {
            SummaryFormat::Table if super::progress::quiet() => None,
            SummaryFormat::Table => Some(table()),
            SummaryFormat::Json => Some(document(&json())),
        }
    }
}

/// Pretty JSON with a final newline.
pub(crate) fn document(value: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Prints a summary on standard output, when there is one to print.
pub(crate) fn print(summary: Option<&str>) -> Result<(), Failure> {
    summary.map_or(Ok(()), |s| emit(None, s))
}

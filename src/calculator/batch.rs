//! Batch cases from CSV: a header row naming [`super::INPUT_COLUMNS`] in any order, one case per row,
//! empty cell = not given. Unknown columns are an error (a misspelt `target_sl` must not be ignored).
//!
//! Every problem in the file is reported at once as `path:line:column: field: expected …, found …`;
//! a row with more or fewer fields than the header is an error, a cell is echoed at most 40 characters
//! long and a file over 64 MiB is refused unread.

use super::{Case, CaseText, INPUT_COLUMNS};
use crate::csv_input::{shorten, Columns, CsvFile};
use crate::error::Diagnostics;
use std::path::Path;

/// The most cases one batch evaluates: a year of 15-minute intervals for ten channels is 350 000; a
/// bigger file is split.
const MAX_CASES: usize = 400_000;

/// One parsed row and the line it came from.
#[derive(Debug, Clone)]
pub struct BatchCase {
    pub line: u64,
    pub text: CaseText,
    pub case: Case,
}

/// Reads every case of a batch file; `path` only names the file in diagnostics.
pub fn parse_batch(path: &Path, contents: &str) -> Result<Vec<BatchCase>, Diagnostics> {
    let columns = Columns::new(&INPUT_COLUMNS, &["volume", "aht"])
        .empty_file(format!(
            "expected a header row naming columns such as {}, found an empty file",
            INPUT_COLUMNS[..3].join(", ")
        ))
        .unknown_expected(format!("one of {}", INPUT_COLUMNS.join(", ")));
    let mut file = CsvFile::open(path, contents, &columns)?;
    let mut rows = 0usize;
    let cases = file.read_rows(|problems, row| {
        rows += 1;
        if rows > MAX_CASES {
            if rows == MAX_CASES + 1 {
                problems.at(
                    row.line,
                    None,
                    format!("expected at most {MAX_CASES} cases in one batch (split the file), found more"),
                );
            }
            return None;
        }
        let mut text = CaseText::default();
        for (column, value) in row.cells() {
            if let Some(column) = column {
                text.set(column, Some(value.to_string()));
            }
        }
        match text.parse() {
            Ok(case) => Some(BatchCase {
                line: row.line,
                text,
                case,
            }),
            Err(case_problems) => {
                for p in case_problems {
                    let cell = p.column.and_then(|c| row.cell(c));
                    let message = p.error.to_string();
                    let message = match cell {
                        Some((_, text)) => shorten(message, text),
                        None => message,
                    };
                    problems.at(row.line, cell.map(|(i, _)| i), message);
                }
                None
            }
        }
    });
    file.problems.finish(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let csv = "aht,volume,agents\n3m,100,14\n3m,-4,x\n";
        let err = parse_batch(Path::new("cases.csv"), csv).expect_err("bad rows");
        let lines: Vec<String> = err.0.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "cases.csv:3:2: volume: expected a positive number of contacts per interval, found '-4'",
                "cases.csv:3:3: agents: expected a whole number of agents (1 or more) or a range such as 10..20, found 'x'",
            ]
        );
    }

    #[test]
    fn unknown_and_missing_columns() {
        let err =
            parse_batch(Path::new("c.csv"), "volume,target_sll\n1,80%\n").expect_err("bad header");
        let lines: Vec<String> = err.0.iter().map(|d| d.to_string()).collect();
        assert!(lines[0].starts_with("c.csv:1:2: unknown column 'target_sll'"));
        assert_eq!(lines[1], "c.csv:1: missing column 'aht' (required)");
    }

    #[test]
    fn order_free_and_blank_cells() {
        let csv = "target_sl,aht,volume,threshold\n80%,180,100,\n";
        let cases = parse_batch(Path::new("c.csv"), csv).expect("valid");
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].line, 2);
        assert_eq!(cases[0].case.targets.service_level, Some(0.8));
    }
}

//! Batch cases from CSV: a header row naming [`super::INPUT_COLUMNS`] in any order, one case per row,
//! empty cell = not given. Unknown columns are an error (a misspelt `target_sl` must not be ignored).
//!
//! Every problem in the file is reported at once as `path:line:column: field: expected …, found …`;
//! a row with more or fewer fields than the header is an error, a cell is echoed at most 40 characters
//! long and a file over 64 MiB is refused unread.

use super::{Case, CaseText, Evaluation, INPUT_COLUMNS};
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
                text.set_str(column, value);
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

/// Evaluates every case at its one staffing, in file order; every case that cannot be evaluated is
/// named as `path:line: …`. Runs on `threads` threads (see [`in_chunks`]).
pub fn evaluate_batch(
    path: &Path,
    cases: &[BatchCase],
    threads: usize,
) -> Result<Vec<Evaluation>, Vec<String>> {
    let parts = in_chunks(cases, &[], threads, |part, _| evaluate_part(path, part));
    let mut evaluations = Vec::with_capacity(cases.len());
    let mut problems = Vec::new();
    for part in parts {
        match part {
            Ok(e) if problems.is_empty() => evaluations.extend(e),
            Ok(_) => {}
            Err(p) => problems.extend(p),
        }
    }
    if problems.is_empty() {
        Ok(evaluations)
    } else {
        Err(problems)
    }
}

/// Fewer rows than this are not worth a thread.
const MIN_CHUNK: usize = 1_000;

/// `f` over consecutive chunks of `cases` (with the matching chunk of `evaluations`, when given) on up
/// to `threads` threads, results in file order. Rows are independent, so the joined result does not
/// depend on the number of threads.
pub(crate) fn in_chunks<T: Send>(
    cases: &[BatchCase],
    evaluations: &[Evaluation],
    threads: usize,
    f: impl Fn(&[BatchCase], &[Evaluation]) -> T + Sync,
) -> Vec<T> {
    let chunk = cases.len().div_ceil(threads.max(1)).max(MIN_CHUNK);
    let evaluations_of = |i: usize, len: usize| {
        evaluations
            .get(i * chunk..(i * chunk + len).min(evaluations.len()))
            .unwrap_or_default()
    };
    if cases.len() <= chunk {
        return vec![f(cases, evaluations_of(0, cases.len()))];
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = cases
            .chunks(chunk)
            .enumerate()
            .map(|(i, part)| {
                let evaluations = evaluations_of(i, part.len());
                scope.spawn(move || f(part, evaluations))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn evaluate_part(path: &Path, cases: &[BatchCase]) -> Result<Vec<Evaluation>, Vec<String>> {
    let mut evaluations = Vec::with_capacity(cases.len());
    let mut problems = Vec::new();
    for c in cases {
        match evaluate_one(path, c) {
            Ok(e) => evaluations.push(e),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(evaluations)
    } else {
        Err(problems)
    }
}

/// A batch row's one staffing, or what stops it as `path:line: …`.
pub(crate) fn evaluate_one(path: &Path, c: &BatchCase) -> Result<Evaluation, String> {
    match c.case.evaluate() {
        Ok(mut e) if e.len() == 1 => Ok(e.remove(0)),
        Ok(_) => Err(format!(
            "{}:{}: agents: expected one staffing per batch row, found a range",
            path.display(),
            c.line
        )),
        Err(e) => Err(format!("{}:{}: {e}", path.display(), c.line)),
    }
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
    fn threads_change_nothing() {
        // 2 500 rows over three chunks: one thread and three give the same evaluations in file order.
        let mut csv = String::from("volume,aht,target_sl,patience\n");
        for i in 0..2_500 {
            csv.push_str(&format!(
                "{},3m,80%,{}\n",
                10 + i % 97,
                if i % 2 == 0 { "" } else { "2m" }
            ));
        }
        let cases = parse_batch(Path::new("c.csv"), &csv).expect("valid");
        let one = evaluate_batch(Path::new("c.csv"), &cases, 1).expect("evaluates");
        let three = evaluate_batch(Path::new("c.csv"), &cases, 3).expect("evaluates");
        assert_eq!(one.len(), 2_500);
        assert_eq!(one, three);
        assert_eq!(
            one[96].agents,
            cases[96].case.evaluate().expect("one")[0].agents
        );
    }

    #[test]
    fn unreachable_rows_are_named_by_line() {
        let csv = "volume,aht,agents,target_sl\n100,3m,,80%\n100,3m,5..6,\n";
        let cases = parse_batch(Path::new("c.csv"), csv).expect("valid");
        let problems = evaluate_batch(Path::new("c.csv"), &cases, 2).expect_err("a range");
        assert_eq!(
            problems,
            ["c.csv:3: agents: expected one staffing per batch row, found a range"]
        );
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

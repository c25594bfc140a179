//! The one reader of vuoro's input CSV files: the header row (names matched ignoring ASCII case, any
//! order, required and optional columns), the records with their line numbers, and every problem found,
//! each as a [`Diagnostic`] at `path:line:column`. Cells are trimmed and echoed at most
//! [`SHOWN_CHARS`] long; a file over [`MAX_FILE_BYTES`] is refused unread. How rows whose field count differs
//! from the header's are treated is chosen per file ([`Fields`]).
//!
//! Readers differ in how they word header problems; [`Columns`] keeps each reader's wording so that
//! every message stays as users and tests know it.

use crate::error::{Diagnostic, Diagnostics, Location};
use chrono::{DateTime, Duration, Utc};
use std::path::Path;
use std::rc::Rc;

/// Largest input file read: 64 MiB, far above any real plan (a year of 15-minute rows for ten channels
/// is about 20 MiB), so that a wrong file is refused before it is parsed.
pub(crate) const MAX_FILE_BYTES: usize = 64 << 20;

/// Characters of a cell echoed in a message; a longer cell is cut and ends in `…`.
pub(crate) const SHOWN_CHARS: usize = 40;

/// Longest planning period an input file may span, in days: 92, the longest calendar quarter (July to
/// September), ample for shift planning while keeping the interval grid small (8 832 quarter hours per
/// channel); a row years away from the others must not turn the period into years.
pub(crate) const MAX_PERIOD_DAYS: i64 = 92;

/// The local dates of a [`period_window`] in `tz`, as `2026-11-23 … 2027-02-22`.
pub(crate) fn window_dates(
    tz: chrono_tz::Tz,
    (begin, _): (DateTime<Utc>, DateTime<Utc>),
) -> String {
    let last = begin + Duration::days(MAX_PERIOD_DAYS) - Duration::seconds(1);
    format!(
        "{} … {}",
        begin.with_timezone(&tz).date_naive(),
        last.with_timezone(&tz).date_naive()
    )
}

/// `text` as echoed in a message: at most [`SHOWN_CHARS`] characters, then `…`.
pub(crate) fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Longest message recorded, in characters: a last guard should a long cell be echoed whole.
const MAX_MESSAGE_CHARS: usize = 1_000;

/// `message` cut to [`MAX_MESSAGE_CHARS`], then `…`.
fn capped(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    }
}

/// `message` with every echo of the long `cell` cut to [`shown`] (messages quote cells whole).
pub(crate) fn shorten(message: String, cell: &str) -> String {
    if cell.chars().count() > SHOWN_CHARS && message.contains(cell) {
        message.replace(cell, &shown(cell))
    } else {
        message
    }
}

/// [`MAX_PERIOD_DAYS`] as a duration, with an hour more for a daylight-saving change inside it.
pub(crate) fn max_period() -> Duration {
    Duration::days(MAX_PERIOD_DAYS) + Duration::hours(1)
}

/// When `starts` span more than [`MAX_PERIOD_DAYS`], the window of that many days holding the most of
/// them (the earliest such), as `[begin, end)`: the starts outside it are the rows to report.
pub(crate) fn period_window(starts: &[DateTime<Utc>]) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let length = max_period();
    let mut sorted = starts.to_vec();
    sorted.sort_unstable();
    let (first, last) = (*sorted.first()?, *sorted.last()?);
    if last - first < length {
        return None;
    }
    let (mut best, mut best_count, mut j) = (first, 0, 0);
    for (i, &begin) in sorted.iter().enumerate() {
        while j < sorted.len() && sorted[j] < begin + length {
            j += 1;
        }
        if j - i > best_count {
            (best, best_count) = (begin, j - i);
        }
    }
    Some((best, best + length))
}

/// How rows whose field count differs from the header's are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fields {
    /// Reported (`expected N fields as in the header, found M`) and skipped; rows of empty cells skipped.
    AsHeader,
    /// Reported by the CSV parser as `not valid CSV: …`; rows of empty cells are read like any other.
    Strict,
}

/// Columns that are not in [`Columns::new`]'s list, or that appear twice.
#[derive(Debug, Clone)]
enum Others {
    /// Reported as `unknown column 'x': expected {expected}` and `column 'x' appears twice`.
    Rejected { expected: String },
    /// Ignored (for files that other tools write); a column vuoro reads may still not appear twice.
    Ignored,
}

/// What a file's header must name, and how each reader words the problems with it.
#[derive(Debug, Clone)]
pub(crate) struct Columns<'a> {
    known: &'a [&'static str],
    required: &'a [&'static str],
    empty_file: Option<String>,
    others: Others,
    missing_together: Option<String>,
    lowercase_names: bool,
    fields: Fields,
}

impl<'a> Columns<'a> {
    /// `known` lists every column in lower case, as documented; `required` those a file must have. By
    /// default other columns are rejected (naming `known` joined by commas), each missing column is
    /// reported on its own, an empty file has an empty header and rows are read [`Fields::AsHeader`].
    pub(crate) fn new(known: &'a [&'static str], required: &'a [&'static str]) -> Self {
        Columns {
            known,
            required,
            empty_file: None,
            others: Others::Rejected {
                expected: known.join(", "),
            },
            missing_together: None,
            lowercase_names: false,
            fields: Fields::AsHeader,
        }
    }

    /// An empty file is reported with `message` rather than as a header without columns.
    pub(crate) fn empty_file(mut self, message: impl Into<String>) -> Self {
        self.empty_file = Some(message.into());
        self
    }

    /// An unknown column is reported as `unknown column 'x': expected {expected}`.
    pub(crate) fn unknown_expected(mut self, expected: impl Into<String>) -> Self {
        self.others = Others::Rejected {
            expected: expected.into(),
        };
        self
    }

    /// Unknown columns are ignored; a known column given twice is still an error.
    pub(crate) fn others_ignored(mut self) -> Self {
        self.others = Others::Ignored;
        self
    }

    /// Missing required columns are reported once, with `message`, rather than one by one.
    pub(crate) fn missing_together(mut self, message: impl Into<String>) -> Self {
        self.missing_together = Some(message.into());
        self
    }

    /// Header names are trimmed of any whitespace and quoted in lower case in messages.
    pub(crate) fn lowercase_names(mut self) -> Self {
        self.lowercase_names = true;
        self
    }

    /// How rows whose field count differs from the header's are read.
    pub(crate) fn fields(mut self, fields: Fields) -> Self {
        self.fields = fields;
        self
    }
}

/// The problems found in one file, in the order they were found.
#[derive(Debug)]
pub(crate) struct Problems<'a> {
    path: &'a Path,
    list: Vec<Diagnostic>,
    /// Problems beyond [`MAX_REPORTED`], counted, not kept: a broken file must not cost memory or
    /// screens in proportion to its size.
    more: usize,
}

/// The most problems of one file reported one by one.
pub(crate) const MAX_REPORTED: usize = 100;

impl<'a> Problems<'a> {
    pub(crate) fn new(path: &'a Path) -> Self {
        Problems {
            path,
            list: Vec::new(),
            more: 0,
        }
    }

    /// A diagnostic at `line` and the 0-based field index `column` (printed 1-based).
    pub(crate) fn diagnostic(
        &self,
        line: u64,
        column: Option<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            location: Location {
                path: self.path.to_path_buf(),
                line,
                column: column.map(|c| c as u64 + 1),
            },
            message: capped(message.into()),
        }
    }

    /// Records a problem at `line` and the 0-based field index `column`.
    pub(crate) fn at(&mut self, line: u64, column: Option<usize>, message: impl Into<String>) {
        if self.list.len() >= MAX_REPORTED {
            self.more += 1;
            return;
        }
        let diagnostic = self.diagnostic(line, column, message);
        self.list.push(diagnostic);
    }

    /// Records a problem of the file as a whole (printed as the bare path).
    pub(crate) fn in_file(&mut self, message: impl Into<String>) {
        if self.list.len() >= MAX_REPORTED {
            self.more += 1;
            return;
        }
        self.list.push(Diagnostic {
            location: Location::file(self.path),
            message: capped(message.into()),
        });
    }

    /// The problems kept, and a last line counting those beyond [`MAX_REPORTED`].
    fn all(mut self) -> Vec<Diagnostic> {
        if self.more > 0 {
            self.list.push(Diagnostic {
                location: Location::file(self.path),
                message: format!(
                    "… and {} more problems (the first {MAX_REPORTED} are listed)",
                    self.more
                ),
            });
        }
        self.list
    }

    /// The cell of `column` in `row` as `parse` reads it; `None` when the file has no such column or
    /// `parse` fails, whose message is then recorded at the cell.
    pub(crate) fn cell<T>(
        &mut self,
        row: &Row,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let (i, text) = row.cell(column)?;
        parse(text)
            .map_err(|m| self.at(row.line, Some(i), shorten(m, text)))
            .ok()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many problems have been recorded so far.
    pub(crate) fn len(&self) -> usize {
        self.list.len() + self.more
    }

    /// `value` if no problem was recorded, else every problem.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.list.is_empty() {
            Ok(value)
        } else {
            Err(Diagnostics(self.all()))
        }
    }

    /// Every problem recorded (the caller has found the file unusable).
    pub(crate) fn into_diagnostics(self) -> Diagnostics {
        Diagnostics(self.all())
    }
}

/// The known column at each position of the header row (`None` for an ignored one).
#[derive(Debug, Clone)]
pub(crate) struct Header {
    columns: Rc<[Option<&'static str>]>,
}

impl Header {
    /// The 0-based field index of `column` (the first, if given twice), if the file has it.
    pub(crate) fn index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(column))
    }

    /// How many fields the header row has.
    pub(crate) fn len(&self) -> usize {
        self.columns.len()
    }
}

/// One record of the file after the header, with the line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) line: u64,
    record: csv::StringRecord,
    header: Header,
}

impl Row {
    /// The 0-based field index and the text of `column`, if the file has the column (a cell past the end
    /// of a short row reads as empty).
    pub(crate) fn cell(&self, column: &str) -> Option<(usize, &str)> {
        let i = self.header.index(column)?;
        Some((i, self.record.get(i).unwrap_or_default()))
    }

    /// The text of `column`; empty when the file has no such column.
    pub(crate) fn text(&self, column: &str) -> &str {
        self.cell(column).map_or("", |(_, text)| text)
    }

    /// Each cell with the known column it is in (`None` for ignored columns).
    pub(crate) fn cells(&self) -> impl Iterator<Item = (Option<&'static str>, &str)> {
        self.header.columns.iter().copied().zip(self.record.iter())
    }
}

/// An input CSV file being read: its header, the problems found so far, and the records still to read.
pub(crate) struct CsvFile<'a> {
    pub(crate) header: Header,
    pub(crate) problems: Problems<'a>,
    records: csv::StringRecordsIntoIter<&'a [u8]>,
    fields: Fields,
}

impl std::fmt::Debug for CsvFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvFile")
            .field("header", &self.header)
            .field("problems", &self.problems)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl<'a> CsvFile<'a> {
    /// Reads the header row of `text` (`path` only names the file in diagnostics); every problem with
    /// the header is returned at once, since no row can be read without it.
    pub(crate) fn open(
        path: &'a Path,
        text: &'a str,
        columns: &Columns<'_>,
    ) -> Result<Self, Diagnostics> {
        let mut problems = Problems::new(path);
        if text.len() > MAX_FILE_BYTES {
            problems.in_file(format!(
                "file: expected at most {MAX_FILE_BYTES} bytes (64 MiB), found {} bytes",
                text.len()
            ));
            return Err(problems.into_diagnostics());
        }
        let mut records = reader(text, columns.fields != Fields::Strict).into_records();
        let names = match (records.next(), &columns.empty_file) {
            (Some(Ok(record)), _) => record,
            (Some(Err(e)), _) => {
                problems.at(1, None, format!("not valid CSV: {e}"));
                return Err(problems.into_diagnostics());
            }
            (None, Some(message)) => {
                problems.at(1, None, message.clone());
                return Err(problems.into_diagnostics());
            }
            (None, None) => csv::StringRecord::new(),
        };
        let header = header(&mut problems, &names, columns);
        if !problems.is_empty() {
            return Err(problems.into_diagnostics());
        }
        Ok(CsvFile {
            header,
            problems,
            records,
            fields: columns.fields,
        })
    }

    /// The next record to read, recording the ones that cannot be (invalid CSV, wrong field count).
    fn next_row(&mut self) -> Option<Row> {
        loop {
            let record = match self.records.next()? {
                Ok(record) => record,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    self.problems.at(line, None, format!("not valid CSV: {e}"));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            if self.fields != Fields::Strict && record.iter().all(str::is_empty) {
                continue;
            }
            if self.fields == Fields::AsHeader && record.len() != self.header.len() {
                self.problems.at(
                    line,
                    None,
                    format!(
                        "expected {} fields as in the header, found {}",
                        self.header.len(),
                        record.len()
                    ),
                );
                continue;
            }
            return Some(Row {
                line,
                record,
                header: self.header.clone(),
            });
        }
    }

    /// Reads every remaining record with `read`, which reports its problems and makes a value of a row
    /// without any; the values in file order.
    pub(crate) fn read_rows<T>(
        &mut self,
        mut read: impl FnMut(&mut Problems<'a>, &Row) -> Option<T>,
    ) -> Vec<T> {
        let mut values = Vec::new();
        while let Some(row) = self.next_row() {
            values.extend(read(&mut self.problems, &row));
        }
        values
    }
}

/// A reader over `text` with the shared settings of vuoro's input files: no header ([`CsvFile::open`]
/// reads the first record as one, so that its line and columns can be reported), cells trimmed, and
/// ragged rows kept unless `flexible` is false.
fn reader(text: &str, flexible: bool) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(flexible)
        .from_reader(text.as_bytes())
}

/// Matches the header row's names to the known columns, recording unknown, repeated and missing ones.
fn header(problems: &mut Problems, names: &csv::StringRecord, columns: &Columns) -> Header {
    let mut found: Vec<Option<&'static str>> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let name = if columns.lowercase_names {
            name.trim().to_ascii_lowercase()
        } else {
            name.to_string()
        };
        let known = columns
            .known
            .iter()
            .copied()
            .find(|c| c.eq_ignore_ascii_case(&name));
        if let Others::Rejected { expected } = &columns.others {
            if known.is_none() {
                problems.at(
                    1,
                    Some(i),
                    format!("unknown column '{}': expected {expected}", shown(&name)),
                );
            }
        }
        // A column vuoro reads, given twice, is ambiguous whatever the file's other columns.
        if known.is_some() && found.contains(&known) {
            problems.at(
                1,
                Some(i),
                format!("column '{}' appears twice", shown(&name)),
            );
        }
        found.push(known);
    }
    let missing = columns
        .required
        .iter()
        .filter(|r| !found.contains(&Some(**r)));
    match &columns.missing_together {
        Some(message) => {
            if missing.count() > 0 {
                problems.at(1, None, message.clone());
            }
        }
        None => {
            for r in missing {
                problems.at(1, None, format!("missing column '{r}' (required)"));
            }
        }
    }
    Header {
        columns: found.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 3] = ["id", "name", "note"];

    fn open(text: &str, columns: &Columns) -> Result<CsvFile<'static>, Vec<String>> {
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        CsvFile::open(Path::new("f.csv"), text, columns)
            .map_err(|d| d.0.iter().map(ToString::to_string).collect())
    }

    fn rows(mut file: CsvFile) -> (Vec<(u64, String, String)>, Vec<String>) {
        let mut rows = Vec::new();
        while let Some(row) = file.next_row() {
            rows.push((
                row.line,
                row.text("id").to_string(),
                row.text("note").to_string(),
            ));
        }
        let problems = file.problems.list.iter().map(ToString::to_string).collect();
        (rows, problems)
    }

    #[test]
    fn header_names_ignore_case_and_order() {
        let file = open("NOTE, Id ,name\n", &Columns::new(&KNOWN, &["id"])).expect("valid");
        assert_eq!(file.header.index("id"), Some(1));
        assert_eq!(file.header.index("note"), Some(0));
        assert_eq!(file.header.index("other"), None);
        assert_eq!(file.header.len(), 3);
    }

    #[test]
    fn header_problems_are_all_reported_in_column_order() {
        let errors = open("Nmae,id,ID,note\n", &Columns::new(&KNOWN, &["id", "name"]))
            .expect_err("bad header");
        assert_eq!(
            errors,
            [
                "f.csv:1:1: unknown column 'Nmae': expected id, name, note",
                "f.csv:1:3: column 'ID' appears twice",
                "f.csv:1: missing column 'name' (required)",
            ]
        );
    }

    #[test]
    fn wording_of_header_problems_is_the_readers() {
        let columns = Columns::new(&KNOWN, &["id"])
            .unknown_expected("one of id or name")
            .lowercase_names();
        let errors = open("\u{a0}ID,Bogus,id\n", &columns).expect_err("bad header");
        assert_eq!(
            errors,
            [
                "f.csv:1:2: unknown column 'bogus': expected one of id or name",
                "f.csv:1:3: column 'id' appears twice",
            ]
        );
        let together = Columns::new(&KNOWN, &["id", "name"]).missing_together("need id and name");
        assert_eq!(
            open("note\n", &together).expect_err("missing"),
            ["f.csv:1: need id and name"]
        );
    }

    #[test]
    fn ignored_columns_but_not_a_known_one_twice() {
        let columns = Columns::new(&KNOWN, &["id"]).others_ignored();
        let file = open("x,id\n,a\n", &columns).expect("valid");
        let (rows, problems) = rows(file);
        assert_eq!(rows, [(2, "a".to_string(), String::new())]);
        assert!(problems.is_empty());
        assert_eq!(
            open("x,id,ID\n,a,b\n", &columns).expect_err("twice"),
            ["f.csv:1:3: column 'ID' appears twice"]
        );
    }

    #[test]
    fn empty_file() {
        let columns = Columns::new(&KNOWN, &["id"]);
        assert_eq!(
            open("", &columns).expect_err("no header"),
            ["f.csv:1: missing column 'id' (required)"]
        );
        assert_eq!(
            open("", &columns.clone().empty_file("expected a header row")).expect_err("no header"),
            ["f.csv:1: expected a header row"]
        );
    }

    #[test]
    fn rows_as_header_report_wrong_field_counts_and_skip_blank_rows() {
        let file = open(
            "id,note\n a , x \n\n,\nb\nc,y,z\nd,w\n",
            &Columns::new(&KNOWN, &["id"]),
        )
        .expect("valid");
        let (rows, problems) = rows(file);
        assert_eq!(
            rows,
            [
                (2, "a".to_string(), "x".to_string()),
                (7, "d".to_string(), "w".to_string())
            ]
        );
        assert_eq!(
            problems,
            [
                "f.csv:5: expected 2 fields as in the header, found 1",
                "f.csv:6: expected 2 fields as in the header, found 3",
            ]
        );
    }

    #[test]
    fn strict_rows_are_checked_by_the_parser_and_blank_rows_read() {
        let columns = Columns::new(&KNOWN, &["id"]).fields(Fields::Strict);
        let (rows, problems) = rows(open("id,note\na\n,\n", &columns).expect("valid"));
        assert_eq!(rows, [(3, String::new(), String::new())]);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("f.csv:2: not valid CSV: ")
                && problems[0].contains("found record with 1 fields"),
            "{problems:?}"
        );
    }

    #[test]
    fn cells_are_parsed_and_their_problems_located() {
        let mut file = open("note,id\nx,7\ny,z\n", &Columns::new(&KNOWN, &["id"])).expect("valid");
        let mut values = Vec::new();
        while let Some(row) = file.next_row() {
            let parse = |t: &str| t.parse::<u32>().map_err(|_| format!("id: found '{t}'"));
            values.push(file.problems.cell(&row, "id", parse));
            assert_eq!(file.problems.cell(&row, "name", |_| Ok(())), None);
            assert_eq!(row.cells().next(), Some((Some("note"), row.text("note"))));
        }
        assert_eq!(values, [Some(7), None]);
        assert_eq!(file.problems.len(), 1);
        file.problems.in_file("whole file");
        let errors: Vec<String> = file
            .problems
            .finish(())
            .expect_err("problems")
            .0
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors, ["f.csv:3:2: id: found 'z'", "f.csv: whole file"]);
    }
}

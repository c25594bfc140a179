//! Result rows of the calculator and their CSV, JSON and terminal-table forms.
//!
//! CSV and JSON carry full precision (shortest round-trip decimals), probabilities as fractions, times in
//! seconds; an infinite value (unstable Erlang C) is `inf` in CSV and `null` in JSON. The column set is
//! the same for every row and model, so a batch file always yields one rectangular table.

use super::batch::{evaluate_one, in_chunks, BatchCase};
use super::{Case, CaseText, Evaluation, INPUT_COLUMNS};
use crate::queueing::{Kpis, SlConvention};
use crate::units::format_duration;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

/// Result columns after the echoed inputs, in order.
pub const RESULT_COLUMNS: [&str; 19] = [
    "model",
    "agents",
    "productive_agents",
    "fractional_agents",
    "fractional_productive_agents",
    "meets_targets",
    "traffic_erlangs",
    "p_wait",
    "service_level",
    "asa_s",
    "occupancy",
    "p_abandon",
    "sl_offered",
    "sl_answered",
    "sl_excl_abandon_within",
    "sl_wait_within",
    "sl_virtual",
    "asa_answered_s",
    "asa_all_s",
];

/// One output cell; text borrows the case's own cells so a batch row costs no copies.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Int(u64),
    Num(f64),
    Bool(bool),
}

impl Cell<'_> {
    /// Appends the cell as a CSV field (numbers and booleans never need quotes).
    fn write_csv(&self, out: &mut String) {
        match self {
            Cell::Empty => {}
            Cell::Text(t) => push_csv_field(out, t),
            Cell::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Cell::Num(x) => push_number(out, *x),
            Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        }
    }

    /// Appends the cell as a JSON value.
    fn write_json(&self, out: &mut String) {
        match self {
            Cell::Text(t) => out.push_str(&serde_json::Value::String(t.to_string()).to_string()),
            Cell::Num(x) if !x.is_finite() => out.push_str("null"),
            Cell::Empty => out.push_str("null"),
            other => other.write_csv(out),
        }
    }
}

/// Shortest decimal that reads back as the same `f64`; `inf` for infinity.
pub fn format_number(x: f64) -> String {
    let mut out = String::new();
    push_number(&mut out, x);
    out
}

/// [`format_number`] appended to `out` (a batch writes hundreds of thousands of numbers).
///
/// The shortest round-trip digits come from Ryū (Adams 2018, "Ryū: fast float-to-string conversion",
/// PLDI), faster than the standard library's Grisu with its Dragon4 fallback. Both give the shortest
/// digits that read back as `x` and, among those, the closest to `x`; they differ only on an exact tie
/// between two closest (Ryū rounds it to even, the standard library up), so a value that can tie
/// ([`may_tie`]) is left to the standard library, as are exponent forms. From 1e-5 to 1e16 Ryū lays
/// digits out as plain decimals like `{}` does, but for a `.0` after whole numbers (which [`may_tie`]
/// leaves to the standard library anyway). A test checks the text against the standard library's over
/// hundreds of thousands of values.
pub fn push_number(out: &mut String, x: f64) {
    let magnitude = x.abs();
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    } else if x == 0.0 {
        out.push('0');
    } else if (1e-5..1e16).contains(&magnitude) && !may_tie(x) {
        let mut buffer = ryu::Buffer::new();
        let text = buffer.format_finite(x);
        out.push_str(text.strip_suffix(".0").unwrap_or(text));
    } else if !(1e-6..1e16).contains(&magnitude) {
        // Shortest round-trip digits in exponent form: 1e-300, not 300 zeros.
        let _ = write!(out, "{x:e}");
    } else {
        let _ = write!(out, "{x}");
    }
}

/// Whether `x` could lie exactly halfway between two shortest candidates. The shortest digits are at
/// most 17, so a tie needs an exact decimal value of at most 18 significant digits. `x = m·2^e` with `m`
/// odd: for `e ≥ 0` it is a whole number (may tie); for `e = −k` it is `m·5^k / 10^k`, whose digits are
/// at least those of `5^k`, and `5^26 ≈ 1.5·10^18` has 19 — so only `k ≤ 25` may tie.
fn may_tie(x: f64) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    exponent + mantissa.trailing_zeros() as i32 >= -25
}

/// Input echo plus results, one cell per column of [`INPUT_COLUMNS`] (but `agents`) then [`RESULT_COLUMNS`].
pub fn row<'a>(text: &'a CaseText, case: &Case, evaluation: &Evaluation) -> Vec<Cell<'a>> {
    let mut cells = Vec::with_capacity(COLUMN_COUNT);
    fill_row(&mut cells, text, case, evaluation);
    cells
}

/// Columns of every row: the inputs but `agents`, then the results.
const COLUMN_COUNT: usize = INPUT_COLUMNS.len() - 1 + RESULT_COLUMNS.len();

/// [`row`] into a buffer the caller reuses.
fn fill_row<'a>(
    cells: &mut Vec<Cell<'a>>,
    text: &'a CaseText,
    case: &Case,
    evaluation: &Evaluation,
) {
    cells.clear();
    cells.extend(
        INPUT_COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, column)| **column != "agents")
            .map(|(i, _)| {
                text.cell(i)
                    .map_or(Cell::Empty, |t| Cell::Text(Cow::Borrowed(t)))
            }),
    );
    let k = &evaluation.kpis;
    let sl = &k.service_level;
    let (fractional_scheduled, fractional_productive) = match evaluation.fractional {
        Some((productive, scheduled)) => (Cell::Num(scheduled), Cell::Num(productive)),
        None => (Cell::Empty, Cell::Empty),
    };
    cells.extend([
        Cell::Text(Cow::Owned(case.queue.model_name())),
        Cell::Int(evaluation.agents),
        Cell::Int(evaluation.productive_agents),
        fractional_scheduled,
        fractional_productive,
        evaluation.meets_targets.map_or(Cell::Empty, Cell::Bool),
        Cell::Num(k.traffic_erlangs),
        Cell::Num(k.p_wait),
        Cell::Num(sl.get(case.targets.convention)),
        Cell::Num(k.asa_answered_s),
        Cell::Num(k.occupancy),
        Cell::Num(k.p_abandon),
        Cell::Num(sl.offered),
        Cell::Num(sl.answered),
        Cell::Num(sl.excl_abandon_within),
        Cell::Num(sl.wait_within),
        Cell::Num(sl.virtual_wait),
        Cell::Num(k.asa_answered_s),
        Cell::Num(k.asa_all_s),
    ]);
}

/// Echoed inputs (all but `agents`, which the results carry as given or required) and the results.
fn all_columns() -> impl Iterator<Item = &'static str> {
    INPUT_COLUMNS
        .iter()
        .filter(|c| **c != "agents")
        .chain(RESULT_COLUMNS.iter())
        .copied()
}

/// Bytes a row takes, about: the output is allocated once.
const ROW_BYTES: usize = 400;

/// RFC 4180 CSV with a header row.
pub fn to_csv(rows: &[Vec<Cell>]) -> String {
    let mut out = csv_header(rows.len());
    for row in rows {
        debug_assert_eq!(row.len(), COLUMN_COUNT);
        csv_line(&mut out, row);
    }
    out
}

fn csv_header(rows: usize) -> String {
    let mut out = String::with_capacity(ROW_BYTES * (rows + 1));
    for (i, column) in all_columns().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_field(&mut out, column);
    }
    out.push('\n');
    out
}

fn csv_line(out: &mut String, row: &[Cell]) {
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell.write_csv(out);
    }
    out.push('\n');
}

/// A field quoted as RFC 4180 requires: only when it holds a comma, quote or line break.
pub fn csv_field(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    push_csv_field(&mut out, field);
    out
}

/// [`csv_field`] appended to `out`.
fn push_csv_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// A JSON array of objects, keys in column order.
pub fn to_json(rows: &[Vec<Cell>]) -> String {
    let mut out = String::with_capacity(2 * ROW_BYTES * rows.len() + 4);
    out.push_str("[\n");
    for (i, row) in rows.iter().enumerate() {
        json_object(&mut out, row);
        if i + 1 < rows.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("]\n");
    out
}

fn json_object(out: &mut String, row: &[Cell]) {
    out.push_str("  {");
    for (j, (column, cell)) in all_columns().zip(row).enumerate() {
        if j > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(column);
        out.push_str("\": ");
        cell.write_json(out);
    }
    out.push('}');
}

/// The wire format of [`write_batch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchFormat {
    Csv,
    Json,
}

/// Staffs every case and writes its row, in one pass per chunk of rows on up to `threads` threads (see
/// [`in_chunks`]): no evaluation is kept and no cell becomes a string of its own, so a large batch costs
/// little more than its staffing searches. The text is [`to_csv`] or [`to_json`] of the rows, whatever
/// the number of threads; every row that cannot be staffed is named as `path:line: …` instead.
pub fn write_batch(
    path: &Path,
    cases: &[BatchCase],
    format: BatchFormat,
    threads: usize,
) -> Result<String, Vec<String>> {
    let parts = in_chunks(cases, &[], threads, |part, _| {
        let bytes = ROW_BYTES * if format == BatchFormat::Json { 2 } else { 1 };
        let mut out = String::with_capacity(bytes * part.len());
        let mut cells = Vec::with_capacity(COLUMN_COUNT);
        let mut problems = Vec::new();
        for c in part {
            match evaluate_one(path, c) {
                Ok(e) if problems.is_empty() => {
                    fill_row(&mut cells, &c.text, &c.case, &e);
                    match format {
                        BatchFormat::Csv => csv_line(&mut out, &cells),
                        BatchFormat::Json => {
                            json_object(&mut out, &cells);
                            out.push_str(",\n");
                        }
                    }
                }
                Ok(_) => {}
                Err(p) => problems.push(p),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    });
    let problems: Vec<String> = parts
        .iter()
        .filter_map(|p| p.as_ref().err())
        .flatten()
        .cloned()
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let rows = parts.iter().filter_map(|p| p.as_ref().ok());
    Ok(match format {
        BatchFormat::Csv => {
            let mut out = csv_header(cases.len());
            rows.for_each(|p| out.push_str(p));
            out
        }
        BatchFormat::Json => {
            let mut out = String::with_capacity(2 * ROW_BYTES * cases.len() + 4);
            out.push_str("[\n");
            rows.for_each(|p| out.push_str(p));
            // The last object takes no comma.
            if out.ends_with(",\n") {
                out.truncate(out.len() - 2);
                out.push('\n');
            }
            out.push_str("]\n");
            out
        }
    })
}

fn percent(x: f64) -> String {
    format!("{:.2} %", 100.0 * x)
}

fn seconds(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2} s")
    } else {
        "inf".to_string()
    }
}

/// The heading line of a case: model, volume, interval, AHT, load.
fn heading(case: &Case, text: &CaseText) -> String {
    let q = &case.queue;
    let mut line = format!(
        "{} · {} contacts per {} · AHT {} · {:.2} Erlangs",
        q.model_name(),
        text.get("volume").unwrap_or("?"),
        format_duration(interval_s(text)),
        format_duration(q.aht_s()),
        q.offered_load()
    );
    if let Some(p) = q.patience_s() {
        let _ = write!(line, " · patience {}", format_duration(p));
    }
    if let Some(c) = q.concurrency() {
        let _ = write!(line, " · up to {} chats per agent", c.max_chats());
    }
    line
}

fn interval_s(text: &CaseText) -> f64 {
    text.get("interval")
        .and_then(|t| crate::units::parse_duration(t).ok())
        .unwrap_or(super::DEFAULT_INTERVAL_S)
}

/// A readable report of one case's evaluations (one staffing, or a what-if table).
pub fn to_table(
    text: &CaseText,
    case: &Case,
    evaluations: &[Evaluation],
    required: Option<u64>,
) -> String {
    let mut out = heading(case, text);
    out.push('\n');
    if let [e] = evaluations {
        out.push('\n');
        staffing_lines(&mut out, case, e);
        kpi_lines(&mut out, case, &e.kpis);
        if let Some(meets) = e.meets_targets {
            if e.fractional.is_none() {
                labelled(
                    &mut out,
                    "targets",
                    if meets { "met" } else { "NOT met" }.to_string(),
                );
            }
        }
    } else {
        what_if_table(&mut out, case, evaluations, required);
    }
    out
}

/// One `label  value` line of a single-staffing report, values aligned in one column.
fn labelled(out: &mut String, label: &str, value: String) {
    let _ = writeln!(out, "  {label:<20}{value}");
}

/// Scheduled agents with the productive ones behind them, for cases with shrinkage.
fn scheduled_and_productive(case: &Case, e: &Evaluation) -> String {
    format!(
        "{} scheduled ({} productive at {} shrinkage)",
        e.agents,
        e.productive_agents,
        percent(case.shrinkage.share())
    )
}

/// The staffing lines: agents given or required, and for required ones the figure before rounding.
fn staffing_lines(out: &mut String, case: &Case, e: &Evaluation) {
    match e.fractional {
        Some((fp, fs)) if case.shrinkage.share() > 0.0 => {
            labelled(out, "required agents", scheduled_and_productive(case, e));
            labelled(
                out,
                "before rounding",
                format!("{fs:.2} scheduled, {fp:.2} productive"),
            );
        }
        Some((fp, _)) => {
            labelled(out, "required agents", e.agents.to_string());
            labelled(out, "before rounding", format!("{fp:.2}"));
        }
        None if case.shrinkage.share() > 0.0 => {
            labelled(out, "agents", scheduled_and_productive(case, e));
        }
        None => labelled(out, "agents", e.agents.to_string()),
    }
}

/// The KPI lines of one staffing; Erlang A adds abandonment and every service-level convention.
fn kpi_lines(out: &mut String, case: &Case, k: &Kpis) {
    let convention = case.targets.convention;
    labelled(
        out,
        "service level",
        format!(
            "{}  answered within {} ({convention}: {})",
            percent(k.service_level.get(convention)),
            format_duration(case.targets.threshold_s),
            convention.describe()
        ),
    );
    labelled(out, "ASA", seconds(k.asa_answered_s));
    labelled(out, "P(wait)", percent(k.p_wait));
    labelled(out, "occupancy", percent(k.occupancy));
    if case.queue.patience_s().is_some() {
        labelled(out, "abandonment", percent(k.p_abandon));
        labelled(out, "mean wait, all", seconds(k.asa_all_s));
        for c in SlConvention::ALL {
            labelled(
                out,
                &format!("SL {c}"),
                format!("{}  {}", percent(k.service_level.get(c)), c.describe()),
            );
        }
    }
    if !k.stable {
        labelled(
            out,
            "warning",
            "load >= agents: the queue grows without bound".to_string(),
        );
    }
}

/// A what-if table: one row per staffing, the fewest meeting the targets marked.
fn what_if_table(out: &mut String, case: &Case, evaluations: &[Evaluation], required: Option<u64>) {
    let erlang_a = case.queue.patience_s().is_some();
    let _ = writeln!(
        out,
        "\n  {:>8} {:>10} {:>10} {:>10} {:>10} {:>10}{}",
        "agents",
        "productive",
        format!("SL {}", format_duration(case.targets.threshold_s)),
        "ASA",
        "P(wait)",
        "occupancy",
        if erlang_a {
            format!(" {:>10}", "abandon")
        } else {
            String::new()
        }
    );
    for e in evaluations {
        let k = &e.kpis;
        let _ = write!(
            out,
            "  {:>8} {:>10} {:>10} {:>10} {:>10} {:>10}",
            e.agents,
            e.productive_agents,
            percent(k.service_level.get(case.targets.convention)),
            seconds(k.asa_answered_s),
            percent(k.p_wait),
            percent(k.occupancy)
        );
        if erlang_a {
            let _ = write!(out, " {:>10}", percent(k.p_abandon));
        }
        if required == Some(e.agents) {
            out.push_str("  <- fewest meeting the targets");
        }
        out.push('\n');
    }
}

/// A compact table of a batch: one line per case (label, or the file line when there is none).
pub fn batch_table(rows: &[(u64, &CaseText, &Case, &Evaluation)]) -> String {
    let mut out = format!(
        "{:<20} {:<18} {:>8} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9}\n",
        "case", "model", "erlangs", "agents", "product", "SL", "ASA", "occupancy", "abandon"
    );
    for (line, text, case, e) in rows {
        let k = &e.kpis;
        let label = text
            .get("label")
            .map_or_else(|| format!("line {line}"), str::to_string);
        let _ = writeln!(
            out,
            "{:<20} {:<18} {:>8.2} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9}",
            label,
            case.queue.model_name(),
            k.traffic_erlangs,
            e.agents,
            e.productive_agents,
            percent(k.service_level.get(case.targets.convention)),
            seconds(k.asa_answered_s),
            percent(k.occupancy),
            percent(k.p_abandon)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard library's text, the reference [`push_number`] must reproduce byte for byte.
    fn reference(x: f64) -> String {
        if x.is_infinite() {
            if x > 0.0 { "inf" } else { "-inf" }.to_string()
        } else if x == 0.0 {
            "0".to_string()
        } else if x.abs() < 1e-6 || x.abs() >= 1e16 {
            format!("{x:e}")
        } else {
            format!("{x}")
        }
    }

    #[test]
    fn batch_text_is_the_rows_text_on_any_number_of_threads() {
        use crate::calculator::batch::{evaluate_batch, parse_batch};
        // 2 500 rows, three chunks; labels that need quoting and escaping; Erlang C, A and chat.
        let mut csv = String::from("label,volume,aht,target_sl,patience,concurrency\n");
        for i in 0..2_500 {
            let (patience, chats) = [("", ""), ("2m", ""), ("", "3")][i % 3];
            csv.push_str(&format!(
                "\"q{i}, \"\"x\"\"\",{},3m,80%,{patience},{chats}\n",
                5 + i % 311
            ));
        }
        let path = std::path::Path::new("c.csv");
        let cases = parse_batch(path, &csv).expect("valid");
        let evaluations = evaluate_batch(path, &cases, 3).expect("evaluates");
        let rows: Vec<Vec<Cell>> = cases
            .iter()
            .zip(&evaluations)
            .map(|(c, e)| row(&c.text, &c.case, e))
            .collect();
        let csv_text = to_csv(&rows);
        assert!(csv_text.contains("\"q7, \"\"x\"\"\""));
        let json_text = to_json(&rows);
        for threads in [1, 3] {
            let csv = write_batch(path, &cases, BatchFormat::Csv, threads).expect("staffs");
            assert_eq!(csv, csv_text);
            let json = write_batch(path, &cases, BatchFormat::Json, threads).expect("staffs");
            assert_eq!(json, json_text);
        }
        let parsed: serde_json::Value = serde_json::from_str(&json_text).expect("JSON");
        assert_eq!(parsed[7]["label"], "q7, \"x\"");
    }

    #[test]
    fn numbers_read_as_the_standard_library_writes_them() {
        let mut checked = 0;
        let mut check = |x: f64| {
            assert_eq!(
                format_number(x),
                reference(x),
                "{:e} ({:#x})",
                x,
                x.to_bits()
            );
            checked += 1;
        };
        for x in [
            1.0,
            -1.0,
            0.1,
            0.3,
            1e-6,
            1e-6 - 1e-22,
            1e16,
            9999999999999998.0,
            1e15,
            123456.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            0.8534266320240513,
            2.5,
            1e21,
            1e-7,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1800.0,
            0.05,
            100.0 / 3.0,
        ] {
            check(x);
        }
        // Random bit patterns (every exponent), then values like a calculator's: ratios of small whole
        // numbers and their powers of ten. xorshift64, fixed seed.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let x = f64::from_bits(next());
            if !x.is_nan() {
                check(x);
            }
        }
        for _ in 0..200_000 {
            let (a, b, e) = (
                next() % 100_000,
                next() % 9_999 + 1,
                (next() % 40) as i32 - 20,
            );
            check(a as f64 / b as f64 * 10f64.powi(e));
        }
        assert!(checked > 399_000);
    }
}

//! CSV files for people's spreadsheets in the model's `[export.csv]` layout: delimiter, byte-order mark,
//! decimal separator, numbers rounded to what a planner reads, and text cells that a spreadsheet cannot
//! run as formulas.

use crate::agents::Agent;
use crate::model::rules::{CsvEncoding, CsvLayout};

/// One cell of an exported CSV row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Free text from an input file (names, teams, ids): guarded against formula injection.
    Text(String),
    /// Text vuoro made (dates, times, codes): written as is (quoted where needed).
    Plain(String),
    /// A number rounded to at most this many decimals, trailing zeros dropped.
    Number(f64, usize),
    /// Nothing.
    Empty,
}

/// A CSV file being written in a layout.
#[derive(Debug)]
pub struct Table<'a> {
    layout: &'a CsvLayout,
    out: String,
}

impl<'a> Table<'a> {
    /// A file with its header row (and the byte-order mark first, if the layout asks for one).
    pub fn new<S: AsRef<str>>(layout: &'a CsvLayout, header: &[S]) -> Table<'a> {
        let mut table = Table {
            layout,
            out: String::new(),
        };
        if layout.bom {
            table.out.push('\u{feff}');
        }
        let cells: Vec<Cell> = header
            .iter()
            .map(|h| Cell::Text(h.as_ref().to_string()))
            .collect();
        table.row(&cells);
        table
    }

    /// Appends a row.
    pub fn row(&mut self, cells: &[Cell]) {
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(self.layout.delimiter);
            }
            let text = match cell {
                Cell::Text(t) => defused(t),
                Cell::Plain(t) => t.clone(),
                Cell::Number(x, decimals) => number(*x, *decimals, self.layout.decimal),
                Cell::Empty => String::new(),
            };
            self.out.push_str(&quoted(&text, self.layout.delimiter));
        }
        self.out.push('\n');
    }

    /// The file's text.
    pub fn finish(self) -> String {
        self.out
    }
}

/// A file's text as bytes in the layout's encoding. A character Windows-1252 cannot write becomes `?`;
/// the model's names are checked when it is read and agents' with [`first_unwritable`] before any work,
/// so none reaches here.
pub fn encode(layout: &CsvLayout, text: &str) -> Vec<u8> {
    match layout.encoding {
        CsvEncoding::Utf8 => text.as_bytes().to_vec(),
        CsvEncoding::Windows1252 => text
            .chars()
            .map(|c| CsvEncoding::windows_1252_byte(c).unwrap_or(b'?'))
            .collect(),
    }
}

/// The first agent (index), field and character the layout's encoding cannot write.
pub fn first_unwritable(
    layout: &CsvLayout,
    agents: &[Agent],
) -> Option<(usize, &'static str, char)> {
    agents.iter().enumerate().find_map(|(i, a)| {
        [("id", &a.id), ("name", &a.name), ("team", &a.team)]
            .into_iter()
            .find_map(|(field, text)| layout.encoding.first_missing(text).map(|ch| (i, field, ch)))
    })
}

/// Quotes a field holding the delimiter, a quote or a line break (RFC 4180 §2.6–2.7).
fn quoted(field: &str, delimiter: char) -> String {
    if field.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Text a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return before
/// one) prefixed with `'`, which Excel and LibreOffice show as plain text (OWASP "CSV Injection").
pub fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// `x` rounded to `decimals` places with trailing zeros dropped (`0.8`, `12`, never `6.29e-08` or
/// `-0`), in the layout's decimal separator; infinities as `inf`.
pub fn number(x: f64, decimals: usize, decimal: char) -> String {
    if x.is_nan() {
        return String::new();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let mut text = format!("{x:.decimals$}");
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(trimmed);
    }
    if text == "-0" {
        text = "0".to_string();
    }
    if decimal != '.' {
        text = text.replace('.', &decimal.to_string());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_for_reading() {
        assert_eq!(number(6.29e-8, 4, '.'), "0");
        assert_eq!(number(-1e-9, 2, '.'), "0");
        assert_eq!(number(0.812_345_678_9, 4, '.'), "0.8123");
        assert_eq!(number(12.0, 2, '.'), "12");
        assert_eq!(number(12.5, 2, ','), "12,5");
        assert_eq!(number(f64::INFINITY, 1, '.'), "inf");
        assert_eq!(number(1250.0, 0, '.'), "1250");
    }

    #[test]
    fn windows_1252_holds_finnish_and_typographic_characters() {
        let layout = CsvLayout {
            encoding: CsvEncoding::Windows1252,
            ..CsvLayout::default()
        };
        // Code page 1252 (Unicode's mapping table, bestfit1252): ä E4, Ö D6, å E5, € 80, – 96, ’ 92.
        assert_eq!(
            encode(&layout, "Mäkelä;Öhman;å;€;–;’"),
            b"M\xe4kel\xe4;\xd6hman;\xe5;\x80;\x96;\x92"
        );
        assert_eq!(encode(&layout, "Łukasz"), b"?ukasz");
        assert_eq!(CsvEncoding::Windows1252.first_missing("Łukasz"), Some('Ł'));
        assert_eq!(CsvEncoding::windows_1252_byte('\u{81}'), None);
        assert_eq!(CsvEncoding::windows_1252_byte('\u{0}'), Some(0));
    }

    #[test]
    fn formulas_are_defused_and_delimiters_quoted() {
        let layout = CsvLayout {
            delimiter: ';',
            bom: true,
            ..CsvLayout::default()
        };
        let mut t = Table::new(&layout, &["a", "b", "c"]);
        t.row(&[
            Cell::Text("=HYPERLINK(\"x\")".into()),
            Cell::Text("Mäkelä; Enni".into()),
            Cell::Number(-2.5, 1),
        ]);
        assert_eq!(
            t.finish(),
            "\u{feff}a;b;c\n\"'=HYPERLINK(\"\"x\"\")\";\"Mäkelä; Enni\";-2.5\n"
        );
    }
}

//! Robustness of every file reader: mutated copies of the shipped files (and of the seeds under
//! `tests/data/fuzz/`) must give `Ok` or `Err`, never a panic, and every `Err` diagnostic (and every
//! forecast warning) must carry a location in the file: its path, a line inside the file (line 0 only for
//! whole-file problems of CSV readers) and a 1-based column when there is one.
//!
//! Stable toolchain, no new dependency: a seeded SplitMix64 drives the mutations, so a case is reproduced
//! from its reader, seed and case number. `VUORO_FUZZ_CASES` sets the cases per reader (default 300, for
//! CI); `VUORO_FUZZ_SEED` changes the seed. Panics are caught (`catch_unwind`), counted and saved with
//! their input to `/tmp/fuzz-failures/` (plus a line-and-character minimised copy); the test fails at
//! the end if any reader panicked or gave a diagnostic without a location. A case that runs longer than
//! `VUORO_FUZZ_SLOW_MS` (default 2000 ms) is saved too, as a resource-use finding.
//!
//! Long run: `VUORO_FUZZ_CASES=1000000 cargo test --release --test fuzz_readers -- --nocapture`.

use std::backtrace::Backtrace;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use vuoro::agents::{read_agents, read_availability, Agent};
use vuoro::calculator::batch::parse_batch;
use vuoro::error::{Diagnostic, Diagnostics};
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::requirements::demand::Demand;
use vuoro::roster::plan_file::read_shifts;

// ---- seeds --------------------------------------------------------------------------------------

const SMALL_TOML: (&str, &str) = ("models/small.toml", include_str!("../models/small.toml"));
const HELSINKI_TOML: (&str, &str) = (
    "models/helsinki-multichannel.toml",
    include_str!("../models/helsinki-multichannel.toml"),
);
const SHIFTS_TOML: (&str, &str) = (
    "tests/data/fuzz/small-shifts.toml",
    include_str!("data/fuzz/small-shifts.toml"),
);
const SMALL_DAY: (&str, &str) = (
    "forecasts/small-day.csv",
    include_str!("../forecasts/small-day.csv"),
);
const FORECAST_DST: (&str, &str) = (
    "tests/data/fuzz/forecast-dst.csv",
    include_str!("data/fuzz/forecast-dst.csv"),
);
const AGENTS: (&str, &str) = (
    "models/helsinki-agents.csv",
    include_str!("../models/helsinki-agents.csv"),
);
const AVAILABILITY: (&str, &str) = (
    "models/helsinki-availability.csv",
    include_str!("../models/helsinki-availability.csv"),
);
const REQUIREMENTS: (&str, &str) = (
    "tests/data/fuzz/requirements.csv",
    include_str!("data/fuzz/requirements.csv"),
);
const SHIFTS: (&str, &str) = (
    "tests/data/fuzz/shifts.csv",
    include_str!("data/fuzz/shifts.csv"),
);
const BATCH: (&str, &str) = (
    "forecasts/monday-intervals.csv",
    include_str!("../forecasts/monday-intervals.csv"),
);

fn model(seed: (&str, &str)) -> Model {
    Model::from_toml(Path::new(seed.0), seed.1).unwrap_or_else(|e| panic!("seed {}: {e}", seed.0))
}

fn helsinki_agents(m: &Model) -> Vec<Agent> {
    read_agents(Path::new(AGENTS.0), AGENTS.1, m).unwrap_or_else(|e| panic!("seed: {e}"))
}

// ---- configuration ------------------------------------------------------------------------------

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn cases() -> u64 {
    env_u64("VUORO_FUZZ_CASES", 300)
}

const FAILURE_DIR: &str = "/tmp/fuzz-failures";
/// Texts are not grown beyond this, so that a case stays cheap.
const MAX_LEN: usize = 64 * 1024;

// ---- PRNG ---------------------------------------------------------------------------------------

/// SplitMix64: small, fast, and good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn name_hash(name: &str) -> u64 {
    // FNV-1a, so that each reader has its own stream for the same base seed.
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

// ---- mutations ----------------------------------------------------------------------------------

/// Values that have broken parsers before: empty, signs, non-finite and extreme numbers, impossible
/// times and dates, the edges of chrono's calendar, DST gaps and overlaps in Helsinki, CSV and TOML
/// syntax, control and exotic characters.
const NASTY: &[&str] = &[
    "",
    " ",
    "-1",
    "0",
    "-0",
    "1",
    "0.5",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "1e-308",
    "1e400",
    "-1e308",
    "4294967295",
    "4294967296",
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "25:00",
    "24:00",
    "24:01",
    "23:59",
    "00:00",
    "-01:00",
    "99:99",
    "12:60",
    "00:00-24:00",
    "24:00-00:00",
    "16:00-08:00",
    "08:00-08:00",
    "closed",
    "2026-02-30",
    "2026-02-29",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
    "+262143-12-31",
    "-262144-01-01",
    "2026-11-23T25:00",
    "2026-11-23T24:00",
    "2026-02-30T08:00",
    "2026-03-29T03:00",
    "2026-03-29T03:30",
    "2026-10-25T03:00",
    "2026-10-25T03:00+03:00",
    "2026-10-25T03:00+02:00",
    "2026-11-23T08:00+14:00",
    "2026-11-23T08:00-12:00",
    "2026-11-23T08:00+99:00",
    "2026-11-23T08:00Z",
    "2026-11-23 08:00",
    "2026-11-23T08:00:59",
    "9999-12-31T23:00",
    "+262143-12-31T23:00",
    "+262143-12-31T23:00+00:00",
    "+262143-12-31T22:00+00:00",
    "+262143-12-31T23:00-01:00",
    "-262144-01-01T00:00",
    "-262144-01-01T00:00+00:00",
    "-262144-01-01T01:00+02:00",
    "0s",
    "1s",
    "-1m",
    "0m",
    "3.5m",
    "1h30",
    "1h-",
    "99999999h",
    "1e308s",
    "86401s",
    "1441m",
    "0%",
    "-5%",
    "100%",
    "101%",
    "1000%",
    "80",
    "%",
    "NaN%",
    ";",
    ";;",
    "; ;",
    ",",
    "\"",
    "\"\"",
    "'",
    "\\",
    "\r",
    "\r\n",
    "\n",
    "\t",
    "\u{0}",
    "\u{feff}",
    "\u{200b}",
    "é",
    "😀",
    "\u{301}",
    "\u{202e}",
    "１２",
    "٣",
    "−1",
    "true",
    "[]",
    "{}",
    "[\"\"]",
    "{ a = 1 }",
    "00:00-00:15 x (paid)",
    "23:45-00:15 x (unpaid)",
    "08:00-09:00 lunch (paid); 08:30-09:30 lunch (unpaid)",
    "12:00-12:30",
    "12:00-12:30 (paid)",
    "voice",
    "email",
    "chat",
    "VOICE",
    "voice;",
    ";voice",
    "voice;email;chat;social",
    "day",
    "part-time",
    "A001",
    "a001",
    "unavailable",
    "preferred",
    "mon",
    "sun",
    "weekdays",
    "Europe/Helsinki",
    "UTC",
    "America/St_Johns",
    "Asia/Kathmandu",
    "Pacific/Kiritimati",
    "Nowhere/Nothing",
];

/// TOML values that are valid syntax of another type than the seed's.
const NASTY_TOML: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "+inf",
    "1e308",
    "-1e308",
    "1e-308",
    "0",
    "-1",
    "9223372036854775807",
    "-9223372036854775808",
    "0.0",
    "-0.0",
    "true",
    "[]",
    "[[]]",
    "{}",
    "[1, \"a\"]",
    "\"\"",
    "''",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "1979-05-27",
    "{ weekdays = \"25:00-26:00\" }",
    "{ service_level = \"80%\", threshold = \"-20s\" }",
    "{ response_window = \"0s\" }",
    "{ breaks = \"100%\" }",
];

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Toml,
}

/// Every value and cell of every seed, so that a mutation can put a valid value of another field in.
fn harvest(seeds: &[(&str, &str)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, text) in seeds {
        for tok in text.split(['\n', ',', '=', '"', '{', '}', '[', ']']) {
            let tok = tok.trim();
            if !tok.is_empty() && tok.len() < 80 && !out.iter().any(|t| t == tok) {
                out.push(tok.to_string());
            }
        }
    }
    out
}

struct Mutator {
    format: Format,
    /// Values of all seeds (for replacements) and lines of all seeds (for splices).
    values: Vec<String>,
    lines: Vec<String>,
}

impl Mutator {
    fn new(format: Format, all_seeds: &[(&str, &str)]) -> Mutator {
        Mutator {
            format,
            values: harvest(all_seeds),
            lines: all_seeds
                .iter()
                .flat_map(|(_, t)| t.lines().map(str::to_string))
                .collect(),
        }
    }

    /// A value to put in: mostly nasty ones, sometimes a valid value of another field, or a long one.
    fn value(&self, rng: &mut Rng) -> String {
        match rng.below(10) {
            0..=5 => (*rng.pick(NASTY)).to_string(),
            6 | 7 => rng.pick(&self.values).clone(),
            8 => {
                let unit = rng.pick(&["9", "a", "é", ";", "0:", "😀", " "]);
                unit.repeat(1 + rng.below(5000))
            }
            _ => {
                // A number of random size and sign.
                let exp = rng.below(40) as i32 - 20;
                let sign = if rng.chance(20) { "-" } else { "" };
                format!("{sign}{}e{exp}", rng.below(1000))
            }
        }
    }

    fn toml_value(&self, rng: &mut Rng) -> String {
        match rng.below(4) {
            0 => (*rng.pick(NASTY_TOML)).to_string(),
            1 => self.value(rng), // bare: often not TOML at all
            _ => {
                let v = self.value(rng);
                if rng.chance(80) {
                    toml_quote(&v)
                } else {
                    format!("\"{v}\"") // raw: control characters and quotes unescaped
                }
            }
        }
    }

    fn mutate(&self, rng: &mut Rng, text: &str) -> String {
        let mut s = text.to_string();
        let rounds = 1 + rng.below(4);
        for _ in 0..rounds {
            s = self.mutate_once(rng, s);
            if s.len() > MAX_LEN {
                s.truncate(floor_char_boundary(&s, MAX_LEN));
            }
        }
        s
    }

    fn mutate_once(&self, rng: &mut Rng, s: String) -> String {
        match rng.below(16) {
            0 => flip_bytes(rng, s),
            1 => insert_bytes(rng, s),
            2 => insert_unicode(rng, s),
            3 => edit_lines(rng, &s, LineOp::Delete),
            4 => edit_lines(rng, &s, LineOp::Duplicate),
            5 => edit_lines(rng, &s, LineOp::Swap),
            6 | 7 => match self.format {
                Format::Csv => self.replace_cell(rng, &s),
                Format::Toml => self.replace_toml_value(rng, &s),
            },
            8 => self.replace_token(rng, &s),
            9 => truncate(rng, s),
            10 => match self.format {
                Format::Csv => self.change_header(rng, &s),
                Format::Toml => self.change_table_header(rng, &s),
            },
            11 => line_endings(rng, s),
            12 => self.splice_line(rng, &s),
            13 => edit_lines(rng, &s, LineOp::Repeat),
            14 => match self.format {
                Format::Csv => self.replace_cell(rng, &s),
                Format::Toml => self.replace_quoted(rng, &s),
            },
            _ => keep_rows(rng, &s),
        }
    }

    /// One CSV cell (naively split at commas) replaced, quoted properly or not.
    fn replace_cell(&self, rng: &mut Rng, s: &str) -> String {
        let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
        if lines.is_empty() {
            return s.to_string();
        }
        // Data rows mostly; the header now and then.
        let i = if lines.len() > 1 && rng.chance(90) {
            1 + rng.below(lines.len() - 1)
        } else {
            0
        };
        let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
        let k = rng.below(cells.len());
        let v = self.value(rng);
        cells[k] = if rng.chance(30) { csv_quote(&v) } else { v };
        lines[i] = cells.join(",");
        lines.join("\n")
    }

    /// The value of one `key = value` line replaced.
    fn replace_toml_value(&self, rng: &mut Rng, s: &str) -> String {
        let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
        let with_value: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains('=') && !lines[i].trim_start().starts_with('#'))
            .collect();
        if with_value.is_empty() {
            return s.to_string();
        }
        let i = *rng.pick(&with_value);
        let eq = lines[i].find('=').unwrap_or(0);
        let v = self.toml_value(rng);
        lines[i] = format!("{}= {v}", &lines[i][..eq]);
        lines.join("\n")
    }

    /// One `"…"` string anywhere (inline tables and arrays too) given another content.
    fn replace_quoted(&self, rng: &mut Rng, s: &str) -> String {
        let quotes: Vec<usize> = s.match_indices('"').map(|(i, _)| i).collect();
        if quotes.len() < 2 {
            return self.replace_toml_value(rng, s);
        }
        let pair = rng.below(quotes.len() / 2) * 2;
        let (a, b) = (quotes[pair], quotes[pair + 1]);
        let v = self.value(rng);
        let inner = if rng.chance(80) {
            toml_quote(&v)[1..].trim_end_matches('"').to_string()
        } else {
            v
        };
        format!("{}{inner}{}", &s[..=a], &s[b..])
    }

    /// A run of value characters (digits, letters, `.:%-+`) anywhere replaced.
    fn replace_token(&self, rng: &mut Rng, s: &str) -> String {
        let is_tok = |c: char| c.is_alphanumeric() || ".:%-+_/".contains(c);
        let starts: Vec<usize> = s
            .char_indices()
            .filter(|&(i, c)| is_tok(c) && !s[..i].chars().next_back().is_some_and(is_tok))
            .map(|(i, _)| i)
            .collect();
        if starts.is_empty() {
            return s.to_string();
        }
        let a = *rng.pick(&starts);
        let len: usize = s[a..]
            .chars()
            .take_while(|&c| is_tok(c))
            .map(char::len_utf8)
            .sum();
        let v = if self.format == Format::Toml && rng.chance(30) {
            self.toml_value(rng)
        } else {
            self.value(rng)
        };
        format!("{}{v}{}", &s[..a], &s[a + len..])
    }

    /// The CSV header: a column dropped, doubled, renamed, moved, re-cased, padded or re-delimited.
    fn change_header(&self, rng: &mut Rng, s: &str) -> String {
        let (head, rest) = s.split_once('\n').unwrap_or((s, ""));
        let mut cols: Vec<String> = head.split(',').map(str::to_string).collect();
        let k = rng.below(cols.len());
        match rng.below(9) {
            0 if cols.len() > 1 => {
                cols.remove(k);
            }
            1 => {
                let c = cols[k].clone();
                cols.insert(rng.below(cols.len() + 1), c);
            }
            2 => cols[k] = self.value(rng),
            3 => {
                let j = rng.below(cols.len());
                cols.swap(k, j);
            }
            4 => cols[k] = cols[k].to_uppercase(),
            5 => cols[k] = format!(" {} ", cols[k]),
            6 => cols.push(String::new()),
            7 => return format!("\u{feff}{s}"),
            _ => return format!("{}\n{rest}", cols.join(";")),
        }
        format!("{}\n{rest}", cols.join(","))
    }

    /// A `[table]` line changed into another table, an array of tables, or removed.
    fn change_table_header(&self, rng: &mut Rng, s: &str) -> String {
        const TABLES: &[&str] = &[
            "[planning]",
            "[[channel]]",
            "[[shift]]",
            "[schedule]",
            "[rules]",
            "[export]",
            "[export.csv]",
            "[channel]",
            "[[planning]]",
            "[channel.target]",
            "[[channel.breaks]]",
            "[]",
            "[[",
        ];
        let mut lines: Vec<String> = s.split('\n').map(str::to_string).collect();
        let headers: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim_start().starts_with('['))
            .collect();
        if headers.is_empty() || rng.chance(20) {
            let at = rng.below(lines.len() + 1);
            lines.insert(at, (*rng.pick(TABLES)).to_string());
        } else {
            let i = *rng.pick(&headers);
            if rng.chance(25) {
                lines.remove(i);
            } else {
                lines[i] = (*rng.pick(TABLES)).to_string();
            }
        }
        lines.join("\n")
    }

    /// A line of any seed put in place of (or next to) a line.
    fn splice_line(&self, rng: &mut Rng, s: &str) -> String {
        let mut lines: Vec<&str> = s.split('\n').collect();
        let new = rng.pick(&self.lines).as_str();
        let at = rng.below(lines.len() + 1);
        if at < lines.len() && rng.chance(50) {
            lines[at] = new;
        } else {
            lines.insert(at, new);
        }
        lines.join("\n")
    }
}

fn toml_quote(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn csv_quote(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\"\""))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Random bits flipped, the result read back lossily (the readers take `&str`).
fn flip_bytes(rng: &mut Rng, s: String) -> String {
    let mut b = s.into_bytes();
    if b.is_empty() {
        return String::new();
    }
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(b.len());
        b[i] ^= 1 << rng.below(8);
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// Random bytes (often invalid UTF-8, often ASCII punctuation) inserted, read back lossily.
fn insert_bytes(rng: &mut Rng, s: String) -> String {
    let mut b = s.into_bytes();
    let at = rng.below(b.len() + 1);
    let n = 1 + rng.below(8);
    let new: Vec<u8> = (0..n)
        .map(|_| {
            if rng.chance(50) {
                *rng.pick(b",;\"\n\r\t :-+.0123456789=[]{}#%\\")
            } else {
                (rng.next() & 0xff) as u8
            }
        })
        .collect();
    b.splice(at..at, new);
    String::from_utf8_lossy(&b).into_owned()
}

/// Random Unicode scalar values (any plane, and some that look like ASCII) inserted.
fn insert_unicode(rng: &mut Rng, s: String) -> String {
    const LOOKALIKE: &[char] = &[
        '\u{0}',
        '\u{feff}',
        '\u{200b}',
        '\u{2028}',
        '\u{85}',
        '\u{a0}',
        '\u{301}',
        '\u{202e}',
        '\u{ff10}',
        '\u{2212}',
        '\u{ff1a}',
        '\u{ff0c}',
        '\u{201c}',
        'İ',
        'ß',
        'ﬃ',
        '\u{10ffff}',
    ];
    let at = floor_char_boundary(&s, rng.below(s.len() + 1));
    let mut new = String::new();
    for _ in 0..1 + rng.below(4) {
        let c = if rng.chance(50) {
            *rng.pick(LOOKALIKE)
        } else {
            loop {
                let bits = if rng.chance(50) { 0xffff } else { 0x10_ffff };
                if let Some(c) = char::from_u32((rng.next() as u32) & bits) {
                    break c;
                }
            }
        };
        new.push(c);
    }
    format!("{}{new}{}", &s[..at], &s[at..])
}

#[derive(Clone, Copy)]
enum LineOp {
    Delete,
    Duplicate,
    Swap,
    Repeat,
}

fn edit_lines(rng: &mut Rng, s: &str, op: LineOp) -> String {
    let mut lines: Vec<&str> = s.split('\n').collect();
    let i = rng.below(lines.len());
    match op {
        LineOp::Delete => {
            lines.remove(i);
        }
        LineOp::Duplicate => {
            let at = rng.below(lines.len() + 1);
            lines.insert(at, lines[i]);
        }
        LineOp::Swap => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
        LineOp::Repeat => {
            let n = 1 + rng.below(200);
            let line = lines[i];
            for _ in 0..n {
                lines.insert(i, line);
            }
        }
    }
    lines.join("\n")
}

/// The header and a few rows only (so that a lone row, or none, reaches the reader).
fn keep_rows(rng: &mut Rng, s: &str) -> String {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        return s.to_string();
    }
    let n = rng.below(4);
    let mut out = vec![lines[0]];
    for _ in 0..n {
        out.push(lines[1 + rng.below(lines.len() - 1)]);
    }
    let mut t = out.join("\n");
    if rng.chance(50) {
        t.push('\n');
    }
    t
}

fn truncate(rng: &mut Rng, s: String) -> String {
    let at = floor_char_boundary(&s, rng.below(s.len() + 1));
    s[..at].to_string()
}

fn line_endings(rng: &mut Rng, s: String) -> String {
    match rng.below(5) {
        0 => s.replace('\n', "\r\n"),
        1 => s.replace('\n', "\r"),
        2 => s.trim_end_matches('\n').to_string(),
        3 => s.replace('\n', "\n\n"),
        _ => format!("{s}\n \n\t\n"),
    }
}

// ---- panic capture ------------------------------------------------------------------------------

struct Caught {
    message: String,
    location: String,
    backtrace: String,
}

thread_local! {
    static FUZZING: Cell<bool> = const { Cell::new(false) };
    static CAUGHT: RefCell<Option<Caught>> = const { RefCell::new(None) };
}

/// Backtraces are costly; only the first panics of the process get one.
static BACKTRACES: AtomicU64 = AtomicU64::new(0);

/// A hook that, on a fuzzing thread, records the panic quietly instead of printing it.
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !FUZZING.with(Cell::get) {
                default(info);
                return;
            }
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(non-string payload)".to_string());
            let location = info
                .location()
                .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
            let backtrace = if BACKTRACES.fetch_add(1, Ordering::Relaxed) < 64 {
                Backtrace::force_capture().to_string()
            } else {
                String::new()
            };
            CAUGHT.with(|c| {
                *c.borrow_mut() = Some(Caught {
                    message,
                    location,
                    backtrace,
                })
            });
        }));
    });
}

enum Outcome {
    Ok(Vec<Diagnostic>),
    Err(Diagnostics),
    Panic(Caught),
}

type Reader<'a> = dyn Fn(&Path, &str) -> Result<Vec<Diagnostic>, Diagnostics> + 'a;

fn call(reader: &Reader<'_>, path: &Path, text: &str) -> Outcome {
    FUZZING.with(|f| f.set(true));
    let r = panic::catch_unwind(AssertUnwindSafe(|| reader(path, text)));
    FUZZING.with(|f| f.set(false));
    match r {
        Ok(Ok(warnings)) => Outcome::Ok(warnings),
        Ok(Err(d)) => Outcome::Err(d),
        Err(_) => Outcome::Panic(CAUGHT.with(|c| c.borrow_mut().take()).unwrap_or(Caught {
            message: "(panic not recorded)".into(),
            location: String::new(),
            backtrace: String::new(),
        })),
    }
}

/// The first frame of vuoro's own code in a backtrace, with its source line when there is debug info.
fn vuoro_frame(backtrace: &str) -> String {
    let lines: Vec<&str> = backtrace.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        let symbol = t.split_once(": ").map_or(t, |(_, s)| s);
        if symbol.starts_with("vuoro::") {
            let at = lines
                .get(i + 1)
                .map(|n| n.trim())
                .filter(|n| n.starts_with("at "))
                .unwrap_or("");
            return format!("{symbol} {at}").trim().to_string();
        }
    }
    String::new()
}

// ---- location checks ----------------------------------------------------------------------------

/// Why a diagnostic has no proper location, if it has none.
fn location_problem(d: &Diagnostic, path: &Path, text: &str, format: Format) -> Option<String> {
    let lines = 1 + text.matches('\n').count() as u64 + text.matches('\r').count() as u64;
    let loc = &d.location;
    if loc.path != path {
        return Some(format!(
            "path {} instead of {}",
            loc.path.display(),
            path.display()
        ));
    }
    if loc.line == 0 && (format == Format::Toml || loc.column.is_some()) {
        return Some("line 0".into());
    }
    if loc.line > lines {
        return Some(format!("line {} of a {lines}-line text", loc.line));
    }
    if loc.column == Some(0) {
        return Some("column 0".into());
    }
    None
}

// ---- minimisation -------------------------------------------------------------------------------

/// Removes lines, then runs of characters, while the input still panics at the same place.
fn minimise(reader: &Reader<'_>, path: &Path, input: &str, location: &str) -> String {
    let fails =
        |t: &str| matches!(call(reader, path, t), Outcome::Panic(c) if c.location == location);
    let mut budget = 4000usize;
    let mut cur = input.to_string();
    // Lines.
    let mut chunk = cur.split_inclusive('\n').count().div_ceil(2).max(1);
    while chunk >= 1 && budget > 0 {
        let mut i = 0;
        loop {
            let lines: Vec<&str> = cur.split_inclusive('\n').collect();
            if i >= lines.len() || budget == 0 {
                break;
            }
            let cand: String =
                lines[..i].concat() + &lines[(i + chunk).min(lines.len())..].concat();
            budget -= 1;
            if fails(&cand) {
                cur = cand;
            } else {
                i += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk /= 2;
    }
    // Characters.
    let mut chunk = (cur.chars().count() / 2).max(1);
    while budget > 0 {
        let mut i = 0;
        loop {
            let chars: Vec<char> = cur.chars().collect();
            if i >= chars.len() || budget == 0 {
                break;
            }
            let cand: String = chars[..i]
                .iter()
                .chain(&chars[(i + chunk).min(chars.len())..])
                .collect();
            budget -= 1;
            if fails(&cand) {
                cur = cand;
            } else {
                i += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk /= 2;
    }
    cur
}

// ---- the run ------------------------------------------------------------------------------------

#[derive(Default)]
struct Stats {
    cases: u64,
    ok: u64,
    err: u64,
    panics: u64,
    bad_locations: u64,
    file_level: u64,
    slow: u64,
    slowest: Duration,
    /// Cases not run: their dates lie years apart (see [`year_span`]).
    skipped: u64,
    /// Diagnostics with a location but no message (reported, not failed: the text is a quality issue).
    empty_messages: (u64, String),
    /// Distinct panic sites: location → (message, vuoro frame, count, saved file).
    panic_sites: BTreeMap<String, (String, String, u64, String)>,
    bad_location_kinds: BTreeMap<String, (u64, String)>,
}

fn safe_name(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn save(name: &str, contents: &str) -> String {
    let dir = Path::new(FAILURE_DIR);
    let _ = std::fs::create_dir_all(dir);
    let path = dir.join(name);
    let _ = std::fs::write(&path, contents);
    path.display().to_string()
}

/// Warns about, and saves, a case still running after `limit`: a reader that loops or allocates
/// without bound cannot be interrupted, but it must not go unnoticed.
struct Watchdog {
    current: Arc<Mutex<(u64, Option<Instant>, String)>>,
    stop: Arc<Mutex<bool>>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(reader: &str, limit: Duration) -> Watchdog {
        let current = Arc::new(Mutex::new((0u64, None::<Instant>, String::new())));
        let stop = Arc::new(Mutex::new(false));
        let (c, s, name) = (current.clone(), stop.clone(), reader.to_string());
        let handle = std::thread::spawn(move || {
            let mut reported = u64::MAX;
            loop {
                std::thread::sleep(Duration::from_millis(250));
                if *s.lock().expect("lock") {
                    return;
                }
                let cur = c.lock().expect("lock");
                if let (case, Some(t0), input) = &*cur {
                    if t0.elapsed() > limit && reported != *case {
                        reported = *case;
                        let file =
                            save(&format!("{}-slow-case{case}.txt", safe_name(&name)), input);
                        eprintln!("fuzz {name}: case {case} still running after {:?}; input saved to {file}", t0.elapsed());
                    }
                }
            }
        });
        Watchdog {
            current,
            stop,
            handle: Some(handle),
        }
    }

    fn begin(&self, case: u64, input: &str) {
        let mut cur = self.current.lock().expect("lock");
        cur.0 = case;
        cur.1 = Some(Instant::now());
        cur.2.clear();
        cur.2.push_str(input);
    }

    fn end(&self) {
        self.current.lock().expect("lock").1 = None;
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        *self.stop.lock().expect("lock") = true;
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Runs `cases` mutated inputs through `reader`, starting from `seeds` in turn (every seed is first
/// checked to read `Ok` as shipped), and panics at the end if any case panicked or gave a diagnostic
/// without a proper location.
fn fuzz(name: &str, format: Format, seeds: &[(&str, &str)], reader: &Reader<'_>) {
    fuzz_guarded(name, format, seeds, false, reader);
}

/// The years of every `Y-MM-DD` date in `text` (any number of year digits, optional sign): the
/// distance between the earliest and the latest.
///
/// Found by this harness and fixed since: `read_forecast` and `Demand::from_csv` laid a grid over every
/// interval from the first row's start to the last's, so a single mistyped year (`6026-…` among
/// `2026-…`) cost seconds to minutes and gigabytes; both now refuse a period over 92 days. The guard
/// stays available (`fuzz_guarded(…, true, …)`) for readers without such a limit.
fn year_span(text: &str) -> i64 {
    let b = text.as_bytes();
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let date = |j: usize| b.get(j).is_some_and(u8::is_ascii_digit);
            if b.get(i) == Some(&b'-')
                && date(i + 1)
                && date(i + 2)
                && b.get(i + 3) == Some(&b'-')
                && date(i + 4)
                && date(i + 5)
            {
                let y = text[start..i].parse::<i64>().unwrap_or(i64::MAX / 4);
                let y = if start > 0 && b[start - 1] == b'-' {
                    -y
                } else {
                    y
                };
                lo = lo.min(y);
                hi = hi.max(y);
            }
        } else {
            i += 1;
        }
    }
    if lo > hi {
        0
    } else {
        hi.saturating_sub(lo)
    }
}

fn fuzz_guarded(
    name: &str,
    format: Format,
    seeds: &[(&str, &str)],
    guard_years: bool,
    reader: &Reader<'_>,
) {
    let guard_years = guard_years && std::env::var_os("VUORO_FUZZ_UNGUARDED").is_none();
    install_hook();
    for (path, text) in seeds {
        match call(reader, Path::new(path), text) {
            Outcome::Ok(_) => {}
            Outcome::Err(d) => panic!("{name}: seed {path} does not read: {d}"),
            Outcome::Panic(c) => panic!("{name}: seed {path} panics: {}", c.message),
        }
    }
    let n = cases();
    let base = env_u64("VUORO_FUZZ_SEED", 0x005e_ed0f_7075);
    let slow_limit = Duration::from_millis(env_u64("VUORO_FUZZ_SLOW_MS", 2000));
    let mutator = Mutator::new(format, seeds);
    let watchdog = Watchdog::start(name, slow_limit * 5);
    let mut st = Stats::default();
    let t0 = Instant::now();
    let mut next_case = 0u64;
    while st.cases < n {
        let case = next_case;
        next_case += 1;
        let mut rng = Rng::new(base ^ name_hash(name) ^ case.wrapping_mul(0x2545_F491_4F6C_DD1D));
        let (seed_path, seed_text) = seeds[rng.below(seeds.len())];
        let path = Path::new(seed_path);
        let input = mutator.mutate(&mut rng, seed_text);
        if guard_years && year_span(&input) > 1 {
            st.skipped += 1;
            continue;
        }
        watchdog.begin(case, &input);
        let started = Instant::now();
        let outcome = call(reader, path, &input);
        let took = started.elapsed();
        watchdog.end();
        st.cases += 1;
        st.slowest = st.slowest.max(took);
        if took > slow_limit {
            st.slow += 1;
            let file = save(&format!("{}-slow-case{case}.txt", safe_name(name)), &input);
            eprintln!("fuzz {name}: case {case} took {took:?}; input saved to {file}");
        }
        let diagnostics: Vec<Diagnostic> = match outcome {
            Outcome::Ok(warnings) => {
                st.ok += 1;
                warnings
            }
            Outcome::Err(d) => {
                st.err += 1;
                if d.0.is_empty() {
                    st.bad_locations += 1;
                    let e = st
                        .bad_location_kinds
                        .entry("Err without any diagnostic".into())
                        .or_default();
                    e.0 += 1;
                    if e.1.is_empty() {
                        e.1 = save(
                            &format!("{}-nodiag-case{case}.txt", safe_name(name)),
                            &input,
                        );
                    }
                }
                d.0
            }
            Outcome::Panic(c) => {
                st.panics += 1;
                let frame = vuoro_frame(&c.backtrace);
                let site = st.panic_sites.entry(c.location.clone()).or_default();
                site.2 += 1;
                if site.2 <= 3 {
                    let stem = format!("{}-panic-case{case}", safe_name(name));
                    let file = save(&format!("{stem}.txt"), &input);
                    let min = minimise(reader, path, &input, &c.location);
                    save(&format!("{stem}-min.txt"), &min);
                    save(
                        &format!("{stem}.log"),
                        &format!(
                            "reader: {name}\nseed file: {seed_path}\ncase: {case} (VUORO_FUZZ_SEED={base:#x})\npanic: {}\nat: {}\nframe: {frame}\nminimised input ({} bytes): {min:?}\n\nbacktrace:\n{}\n",
                            c.message,
                            c.location,
                            min.len(),
                            c.backtrace
                        ),
                    );
                    if site.0.is_empty() {
                        site.0 = c.message.clone();
                        site.1 = frame;
                        site.3 = format!("{file} (minimised: {min:?})");
                    }
                    eprintln!("fuzz {name}: PANIC in case {case}: {} at {}; input saved to {file}; minimised: {min:?}", c.message, c.location);
                }
                Vec::new()
            }
        };
        for d in &diagnostics {
            if d.location.line == 0 {
                st.file_level += 1;
            }
            if d.message.trim().is_empty() {
                st.empty_messages.0 += 1;
                if st.empty_messages.1.is_empty() {
                    let file = save(
                        &format!("{}-empty-message-case{case}.txt", safe_name(name)),
                        &input,
                    );
                    st.empty_messages.1 = format!("{} at {} (input {file})", d, d.location);
                }
            }
            if let Some(why) = location_problem(d, path, &input, format) {
                st.bad_locations += 1;
                let e = st
                    .bad_location_kinds
                    .entry(format!(
                        "{why}: {}",
                        d.message.chars().take(60).collect::<String>()
                    ))
                    .or_default();
                e.0 += 1;
                if e.1.is_empty() {
                    e.1 = save(
                        &format!("{}-location-case{case}.txt", safe_name(name)),
                        &input,
                    );
                }
            }
        }
    }
    drop(watchdog);
    let wall = t0.elapsed();
    println!(
        "fuzz {name:<22} cases {:>8}  ok {:>8}  err {:>8}  panics {:>3}  bad-locations {:>3}  skipped {:>6}  whole-file diagnostics {:>7}  empty messages {:>5}  slow {:>2}  slowest {:>9.3?}  wall {:>8.2?}",
        st.cases, st.ok, st.err, st.panics, st.bad_locations, st.skipped, st.file_level, st.empty_messages.0, st.slow, st.slowest, wall
    );
    assert_eq!(
        st.empty_messages.0, 0,
        "{name}: a diagnostic with an empty message, first: {}",
        st.empty_messages.1
    );
    let mut report = String::new();
    for (loc, (msg, frame, count, file)) in &st.panic_sites {
        let _ = writeln!(
            report,
            "  panic ×{count} at {loc} ({frame}): {msg}\n    input: {file}"
        );
    }
    for (why, (count, file)) in &st.bad_location_kinds {
        let _ = writeln!(
            report,
            "  diagnostic without a proper location ×{count}: {why}\n    input: {file}"
        );
    }
    if !report.is_empty() {
        println!("{report}");
    }
    assert!(
        st.panics == 0 && st.bad_locations == 0,
        "fuzz {name}: {} panic(s), {} diagnostic(s) without a proper location (inputs in {FAILURE_DIR}):\n{report}",
        st.panics,
        st.bad_locations
    );
}

// ---- one test per reader ------------------------------------------------------------------------

#[test]
fn fuzz_model_from_toml() {
    fuzz(
        "Model::from_toml",
        Format::Toml,
        &[SMALL_TOML, SHIFTS_TOML, HELSINKI_TOML],
        &|p, t| Model::from_toml(p, t).map(|_| Vec::new()),
    );
}

/// A mutated model that still reads is then given the shipped files it belongs with: a reader must not
/// trust that a model is the one its seed was written for.
#[test]
fn fuzz_model_then_readers() {
    let fixed = |m: &Model| -> [Result<(), Diagnostics>; 5] {
        [
            read_forecast(Path::new(SMALL_DAY.0), SMALL_DAY.1, m, Period::default()).map(drop),
            read_forecast(
                Path::new(FORECAST_DST.0),
                FORECAST_DST.1,
                m,
                Period::default(),
            )
            .map(drop),
            Demand::from_csv(Path::new(REQUIREMENTS.0), REQUIREMENTS.1, m).map(drop),
            read_shifts(Path::new(SHIFTS.0), SHIFTS.1, m).map(drop),
            read_agents(Path::new(AGENTS.0), AGENTS.1, m).map(drop),
        ]
    };
    fuzz(
        "Model::from_toml+files",
        Format::Toml,
        &[SHIFTS_TOML, HELSINKI_TOML],
        &|p, t| {
            let m = Model::from_toml(p, t)?;
            // The files' own diagnostics name other paths; only a panic matters here.
            let _ = fixed(&m);
            Ok(Vec::new())
        },
    );
}

#[test]
fn fuzz_read_forecast() {
    let m = model(SMALL_TOML);
    fuzz_guarded(
        "read_forecast",
        Format::Csv,
        &[SMALL_DAY, FORECAST_DST],
        false,
        &|p, t| read_forecast(p, t, &m, Period::default()).map(|r| r.warnings),
    );
}

#[test]
fn fuzz_read_agents() {
    let m = model(HELSINKI_TOML);
    fuzz("read_agents", Format::Csv, &[AGENTS], &|p, t| {
        read_agents(p, t, &m).map(|_| Vec::new())
    });
}

#[test]
fn fuzz_read_availability() {
    let m = model(HELSINKI_TOML);
    let agents = helsinki_agents(&m);
    fuzz(
        "read_availability",
        Format::Csv,
        &[AVAILABILITY],
        &|p, t| read_availability(p, t, &agents).map(|_| Vec::new()),
    );
}

#[test]
fn fuzz_demand_from_csv() {
    let m = model(SMALL_TOML);
    fuzz_guarded(
        "Demand::from_csv",
        Format::Csv,
        &[REQUIREMENTS],
        false,
        &|p, t| Demand::from_csv(p, t, &m).map(|_| Vec::new()),
    );
}

#[test]
fn fuzz_read_shifts() {
    let m = model(SHIFTS_TOML);
    fuzz("read_shifts", Format::Csv, &[SHIFTS], &|p, t| {
        read_shifts(p, t, &m).map(|_| Vec::new())
    });
}

#[test]
fn fuzz_parse_batch() {
    fuzz("parse_batch", Format::Csv, &[BATCH], &|p, t| {
        parse_batch(p, t).map(|_| Vec::new())
    });
}

/// The harness itself: a panic is caught with its message and place, and the input shrinks to what
/// still panics there.
#[test]
fn harness_catches_and_minimises_a_panic() {
    install_hook();
    let reader = |_: &Path, t: &str| -> Result<Vec<Diagnostic>, Diagnostics> {
        let n: usize = t.lines().filter(|l| l.contains("boom")).count();
        assert!(n < 2, "two booms");
        Ok(Vec::new())
    };
    let input = "a,b\n1,boom\n2,3\nx boom y\n4,5\n";
    let Outcome::Panic(c) = call(&reader, Path::new("t.csv"), input) else {
        panic!("the panic was not caught");
    };
    assert_eq!(c.message, "two booms");
    assert!(c.location.contains("fuzz_readers.rs"), "{}", c.location);
    assert_eq!(
        minimise(&reader, Path::new("t.csv"), input, &c.location),
        "boom\nboom"
    );
    assert!(matches!(
        call(&reader, Path::new("t.csv"), "boom"),
        Outcome::Ok(_)
    ));
}

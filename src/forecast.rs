//! Interval volume forecasts (CSV, long format) read against a model.
//!
//! Columns (header required, order free): `channel`, `start`, `volume`, and optional `aht`, `acw`
//! (empty → the channel's default). `start` is the local wall-clock start of the interval in the model's
//! time zone (`2026-11-23T08:15`) or an instant with its UTC offset (`2026-10-25T03:15+03:00`). A local
//! time that occurs twice (the autumn DST change) means its first occurrence the first time a channel
//! lists it and the second occurrence the next time; a local time that does not exist (spring) is an error.
//!
//! Intervals are kept as UTC instants on a fixed grid, so a 23- or 25-hour day has 92 or 100 quarter
//! hours and no interval is lost or counted twice. Every problem in the file is reported at once.

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::model::Model;
use crate::units::parse_duration;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The forecast over the planning period, one series per model channel.
#[derive(Debug, Clone)]
pub struct Forecast {
    /// Interval starts, UTC, every `interval_minutes`.
    pub starts: Vec<DateTime<Utc>>,
    pub interval_minutes: u32,
    /// Indexed like `Model::channels`.
    pub series: Vec<Series>,
}

/// One channel's values per interval (`None` = no row for that interval).
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub volume: Vec<Option<f64>>,
    pub aht_s: Vec<Option<f64>>,
    pub acw_s: Vec<Option<f64>>,
}

/// Optional narrowing of the planning period to whole local days, both ends included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// A forecast and the warnings met while reading it.
#[derive(Debug, Clone)]
pub struct ReadForecast {
    pub forecast: Forecast,
    pub warnings: Vec<Diagnostic>,
}

const COLUMNS: [&str; 5] = ["channel", "start", "volume", "aht", "acw"];

/// Largest volume per interval accepted (keeps every workload product finite).
const MAX_VOLUME: f64 = 1e7;
/// Largest handle or after-contact time accepted: a day.
const MAX_HANDLE_S: f64 = 86_400.0;

struct Row {
    line: u64,
    channel: usize,
    start: DateTime<Utc>,
    volume: f64,
    aht_s: Option<f64>,
    acw_s: Option<f64>,
}

/// The first instant of a local date (midnight, or the first time after a DST gap at midnight).
fn start_of_day(model: &Model, date: NaiveDate) -> DateTime<Utc> {
    let tz = model.time_zone;
    let mut local = date.and_time(chrono::NaiveTime::MIN);
    loop {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(15),
        }
    }
}

/// Formats an instant as local ISO time with offset, as every output of vuoro does.
pub fn local_iso(model: &Model, t: DateTime<Utc>) -> String {
    t.with_timezone(&model.time_zone)
        .format("%Y-%m-%dT%H:%M%:z")
        .to_string()
}

/// Reads a forecast CSV for `model`; `path` only names the file in diagnostics.
pub fn read_forecast(
    path: &Path,
    text: &str,
    model: &Model,
    period: Period,
) -> Result<ReadForecast, Diagnostics> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let at = |line: u64, column: Option<usize>, message: String| Diagnostic {
        location: Location {
            path: path.to_path_buf(),
            line,
            column: column.map(|c| c as u64 + 1),
        },
        message,
    };
    let mut reader = crate::csv_input::reader(text);
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(Diagnostics(vec![at(
                1,
                None,
                format!("not valid CSV: {e}"),
            )]))
        }
        None => {
            return Err(Diagnostics(vec![at(
                1,
                None,
                "expected a header row with channel, start, volume, found an empty file"
                    .to_string(),
            )]))
        }
    };
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        match COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            Some(c) if index.contains_key(c) => {
                errors.push(at(1, Some(i), format!("column '{name}' appears twice")))
            }
            Some(c) => {
                index.insert(c, i);
            }
            None => errors.push(at(
                1,
                Some(i),
                format!("unknown column '{name}': expected channel, start, volume, aht or acw"),
            )),
        }
    }
    for required in ["channel", "start", "volume"] {
        if !index.contains_key(required) {
            errors.push(at(
                1,
                None,
                format!("missing column '{required}' (required)"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    let grid = i64::from(model.interval_minutes);
    let tz = model.time_zone;
    let mut rows = Vec::new();
    let mut seen_local: HashMap<(usize, NaiveDateTime), u32> = HashMap::new();
    let mut seen: HashMap<(usize, DateTime<Utc>), u64> = HashMap::new();
    let mut listed: std::collections::HashSet<(usize, DateTime<Utc>)> = Default::default();
    let mut span_hint: Vec<DateTime<Utc>> = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(at(line, None, format!("not valid CSV: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != header.len() {
            errors.push(at(
                line,
                None,
                format!(
                    "expected {} fields as in the header, found {}",
                    header.len(),
                    record.len()
                ),
            ));
            continue;
        }
        let cell = |c: &str| {
            index
                .get(c)
                .map(|&i| (i, record.get(i).unwrap_or_default()))
        };
        let mut bad = false;
        let mut fail = |column: usize, message: String| {
            errors.push(at(line, Some(column), message));
            bad = true;
        };

        let channel = cell("channel").and_then(|(i, name)| match model.channel_index(name) {
            Some(c) => Some(c),
            None => {
                let known: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
                fail(
                    i,
                    format!(
                        "channel: expected one of the model's channels ({}), found '{name}'",
                        known.join(", ")
                    ),
                );
                None
            }
        });
        let volume = cell("volume").and_then(|(i, v)| match v.parse::<f64>() {
            Ok(x) if x.is_finite() && (0.0..=MAX_VOLUME).contains(&x) => Some(x),
            _ => {
                fail(
                    i,
                    format!("volume: expected a number of contacts, 0 or more, found '{v}'"),
                );
                None
            }
        });
        let mut duration = |column: &'static str| -> Option<f64> {
            let (i, v) = cell(column)?;
            if v.is_empty() {
                return None;
            }
            match parse_duration(v) {
                Ok(x) if (x > 0.0 || column == "acw") && x <= MAX_HANDLE_S => Some(x),
                _ => {
                    fail(i, format!("{column}: expected a duration such as 3m, 4m30s or seconds, found '{v}'"));
                    None
                }
            }
        };
        let aht_s = duration("aht");
        let acw_s = duration("acw");
        let start = cell("start").and_then(|(i, v)| {
            let parsed = parse_start(v, tz, channel, &mut seen_local);
            match parsed {
                Ok(t) => {
                    let local = t.with_timezone(&tz);
                    let minute = i64::from(local.minute());
                    if minute % grid != 0 || local.second() != 0 {
                        fail(i, format!(
                            "start: expected an interval start on the {grid}-minute grid, found '{v}'"
                        ));
                        None
                    } else {
                        Some(t)
                    }
                }
                Err(message) => {
                    fail(i, format!("start: {message}, found '{v}'"));
                    None
                }
            }
        });
        if let (Some(c), Some(t)) = (channel, start) {
            // The interval is listed, even if a value in it is wrong: not a gap.
            listed.insert((c, t));
            span_hint.push(t);
        }
        if bad {
            continue;
        }
        let (Some(channel), Some(start), Some(volume)) = (channel, start, volume) else {
            continue;
        };
        if let Some(first) = seen.insert((channel, start), line) {
            errors.push(at(
                line,
                index.get("start").copied(),
                format!(
                    "start: interval {} of channel '{}' is listed twice (first on line {first})",
                    local_iso(model, start),
                    model.channels[channel].name
                ),
            ));
            continue;
        }
        rows.push(Row {
            line,
            channel,
            start,
            volume,
            aht_s,
            acw_s,
        });
    }
    if span_hint.is_empty() {
        if errors.is_empty() {
            errors.push(at(
                1,
                None,
                "expected at least one forecast row, found none".to_string(),
            ));
        }
        return Err(Diagnostics(errors));
    }

    // The planning period: the forecast's span (of every row whose channel and start could be read, so
    // that gaps are reported together with bad rows), or the requested days.
    let first = span_hint.iter().copied().min().unwrap_or_default();
    let last = span_hint.iter().copied().max().unwrap_or_default();
    let step = Duration::minutes(grid);
    let begin = period.from.map_or(first, |d| start_of_day(model, d));
    let end = period
        .to
        .map_or(last + step, |d| start_of_day(model, d + Duration::days(1)));
    if end <= begin {
        errors.push(Diagnostic {
            location: Location::file(path),
            message: "the planning period is empty: --to is before --from or before the forecast"
                .to_string(),
        });
        return Err(Diagnostics(errors));
    }
    let mut starts = Vec::new();
    let mut t = begin;
    while t < end {
        starts.push(t);
        t += step;
    }
    let slot: HashMap<DateTime<Utc>, usize> =
        starts.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let mut series: Vec<Series> = model
        .channels
        .iter()
        .map(|_| Series {
            volume: vec![None; starts.len()],
            aht_s: vec![None; starts.len()],
            acw_s: vec![None; starts.len()],
        })
        .collect();
    let mut outside = 0usize;
    let mut first_outside = None;
    for row in &rows {
        if !errors.is_empty() {
            break;
        }
        let Some(&i) = slot.get(&row.start) else {
            outside += 1;
            first_outside.get_or_insert(row.line);
            continue;
        };
        let channel = &model.channels[row.channel];
        let local = row.start.with_timezone(&tz).naive_local();
        if !channel.is_deferred() && row.volume > 0.0 && !channel.hours.is_open(local) {
            warnings.push(at(
                row.line,
                index.get("volume").copied(),
                format!(
                    "volume: {} contacts outside the opening hours of '{}' at {}; not staffed",
                    row.volume,
                    channel.name,
                    local_iso(model, row.start)
                ),
            ));
        }
        let s = &mut series[row.channel];
        s.volume[i] = Some(row.volume);
        s.aht_s[i] = row.aht_s;
        s.acw_s[i] = row.acw_s;
    }
    if let Some(line) = first_outside {
        warnings.push(at(
            line,
            None,
            format!(
                "{outside} row(s) outside the planning period {} – {} ignored (first on this line)",
                local_iso(model, begin),
                local_iso(model, end)
            ),
        ));
    }
    // Gaps: open intervals with no row, grouped into runs.
    for (c, channel) in model.channels.iter().enumerate() {
        let mut runs: BTreeMap<usize, usize> = BTreeMap::new();
        let mut run_start: Option<usize> = None;
        for (i, t) in starts.iter().enumerate() {
            let open = channel.hours.is_open(t.with_timezone(&tz).naive_local());
            let missing = open && !listed.contains(&(c, *t));
            match (missing, run_start) {
                (true, None) => run_start = Some(i),
                (false, Some(s)) => {
                    runs.insert(s, i - 1);
                    run_start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = run_start {
            runs.insert(s, starts.len() - 1);
        }
        for (s, e) in runs {
            let what = if s == e {
                format!("the interval {}", local_iso(model, starts[s]))
            } else {
                format!(
                    "{} intervals {} … {}",
                    e - s + 1,
                    local_iso(model, starts[s]),
                    local_iso(model, starts[e])
                )
            };
            errors.push(Diagnostic {
                location: Location::file(path),
                message: format!(
                    "channel '{}' is open but the forecast has no row for {what}; give 0 for intervals without contacts",
                    channel.name
                ),
            });
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics(errors));
    }
    Ok(ReadForecast {
        forecast: Forecast {
            starts,
            interval_minutes: model.interval_minutes,
            series,
        },
        warnings,
    })
}

/// An instant written as a local time in `tz` (a repeated local time means its first occurrence) or with
/// an explicit offset.
pub fn parse_instant(text: &str, tz: chrono_tz::Tz) -> Result<DateTime<Utc>, String> {
    parse_start(text, tz, None, &mut HashMap::new())
}

/// Like [`parse_instant`], but a local time that occurs twice (autumn) means its first occurrence the
/// first time `(key, time)` is read and its second occurrence the next time, as in forecasts.
pub fn parse_instant_in_order(
    text: &str,
    tz: chrono_tz::Tz,
    key: usize,
    seen: &mut HashMap<(usize, NaiveDateTime), u32>,
) -> Result<DateTime<Utc>, String> {
    parse_start(text, tz, Some(key), seen)
}

/// Parses a start: local wall-clock time in `tz`, or an instant with an explicit offset.
fn parse_start(
    text: &str,
    tz: chrono_tz::Tz,
    channel: Option<usize>,
    seen_local: &mut HashMap<(usize, NaiveDateTime), u32>,
) -> Result<DateTime<Utc>, String> {
    const EXPECTED: &str = "expected a local time such as 2026-11-23T08:15 or one with its offset such as 2026-11-23T08:15+02:00";
    for format in [
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%dT%H:%M:%S%#z",
        "%Y-%m-%d %H:%M%#z",
        "%Y-%m-%d %H:%M:%S%#z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Ok(t.with_timezone(&Utc));
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    .ok_or_else(|| EXPECTED.to_string())?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, later) => {
            let count = channel.map_or(0, |c| {
                let n = seen_local.entry((c, naive)).or_insert(0);
                *n += 1;
                *n
            });
            Ok(if count <= 1 { earlier } else { later }.with_timezone(&Utc))
        }
        LocalResult::None => Err(format!(
            "expected a time that exists in {tz} (the clocks skip it at the daylight-saving change)"
        )),
    }
}

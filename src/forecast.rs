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
//!
//! The planning period is at most [`MAX_PERIOD_DAYS`] days: rows further from the others (within the
//! period `--from`/`--to` choose) are errors, so that one row years away cannot create a giant grid.

use crate::csv_input::{
    self, period_window, window_dates, Columns, CsvFile, Problems, MAX_PERIOD_DAYS,
};
use crate::error::{Diagnostic, Diagnostics};
use crate::grid::start_of_day;
use crate::model::Model;
use crate::units::parse_duration;
use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc};
use std::collections::{HashMap, HashSet};
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
/// A handle time longer than this is legal but more likely a unit slip (`23h` for `23m`): warned.
const LONG_HANDLE_S: f64 = 4.0 * 3600.0;

/// A forecast row without a problem.
struct Row {
    line: u64,
    channel: usize,
    start: DateTime<Utc>,
    volume: f64,
    aht_s: Option<f64>,
    acw_s: Option<f64>,
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
    let columns = Columns::new(&COLUMNS, &["channel", "start", "volume"])
        .empty_file("expected a header row with channel, start, volume, found an empty file")
        .unknown_expected("channel, start, volume, aht or acw");
    let mut file = CsvFile::open(path, text, &columns)?;
    let read = read_rows(&mut file, model);
    if read.span.is_empty() {
        if file.problems.is_empty() {
            file.problems
                .at(1, None, "expected at least one forecast row, found none");
        }
        return Err(file.problems.into_diagnostics());
    }
    if !check_period(&mut file, model, period, &read.span) {
        return Err(file.problems.into_diagnostics());
    }
    let span: Vec<DateTime<Utc>> = read.span.iter().map(|(t, _)| *t).collect();
    let grid = match planning_grid(model, period, &span) {
        Ok(grid) => grid,
        Err(message) => {
            file.problems.in_file(message);
            return Err(file.problems.into_diagnostics());
        }
    };
    report_gaps(&mut file.problems, model, &grid.starts, &read.listed);
    if !file.problems.is_empty() {
        return Err(file.problems.into_diagnostics());
    }
    let (series, warnings) = fill_series(&file, model, &grid, &read.rows);
    Ok(ReadForecast {
        forecast: Forecast {
            starts: grid.starts,
            interval_minutes: model.interval_minutes,
            series,
        },
        warnings,
    })
}

/// What the rows of a forecast say, kept apart so that the planning period can be set from all of them.
#[derive(Default)]
struct Rows {
    /// The rows without a problem.
    rows: Vec<Row>,
    /// Every interval with a row whose channel and start could be read, even if a value is wrong: such
    /// an interval is not a gap.
    listed: HashSet<(usize, DateTime<Utc>)>,
    /// The starts of those rows and their lines, from which the planning period is taken.
    span: Vec<(DateTime<Utc>, u64)>,
}

/// Reads every record, so that all problems of the file are reported at once.
fn read_rows(file: &mut CsvFile, model: &Model) -> Rows {
    let mut read = Rows::default();
    let mut seen_local: HashMap<(usize, NaiveDateTime), u32> = HashMap::new();
    let mut seen: HashMap<(usize, DateTime<Utc>), u64> = HashMap::new();
    read.rows = file.read_rows(|problems, record| {
        let problems_before = problems.len();
        let cells = read_cells(problems, record, model, &mut seen_local);
        if let (Some(c), Some(t)) = (cells.channel, cells.start) {
            read.listed.insert((c, t));
            read.span.push((t, record.line));
        }
        if problems.len() > problems_before {
            return None;
        }
        let (channel, start, volume) = (cells.channel?, cells.start?, cells.volume?);
        if let Some(first) = seen.insert((channel, start), record.line) {
            problems.at(
                record.line,
                record.cell("start").map(|(i, _)| i),
                format!(
                    "start: interval {} of channel '{}' is listed twice (first on line {first})",
                    local_iso(model, start),
                    model.channels[channel].name
                ),
            );
            return None;
        }
        Some(Row {
            line: record.line,
            channel,
            start,
            volume,
            aht_s: cells.aht_s,
            acw_s: cells.acw_s,
        })
    });
    read
}

/// The cells of one record as read (`None` where absent or wrong).
struct Cells {
    channel: Option<usize>,
    start: Option<DateTime<Utc>>,
    volume: Option<f64>,
    aht_s: Option<f64>,
    acw_s: Option<f64>,
}

/// Checks each cell of a record on its own, so that every wrong cell of the row is reported.
fn read_cells(
    problems: &mut Problems,
    record: &csv_input::Row,
    model: &Model,
    seen_local: &mut HashMap<(usize, NaiveDateTime), u32>,
) -> Cells {
    let channel = problems.cell(record, "channel", |name| {
        model.channel_index(name).ok_or_else(|| {
            let known: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
            format!(
                "channel: expected one of the model's channels ({}), found '{name}'",
                known.join(", ")
            )
        })
    });
    let volume = problems.cell(record, "volume", |v| match v.parse::<f64>() {
        Ok(x) if x.is_finite() && (0.0..=MAX_VOLUME).contains(&x) => Ok(x),
        _ => Err(format!(
            "volume: expected a number of contacts from 0 to 10 000 000, found '{v}'"
        )),
    });
    let aht_s = handle_time(problems, record, "aht");
    let acw_s = handle_time(problems, record, "acw");
    let start = problems.cell(record, "start", |v| {
        let t = parse_start(v, model.time_zone, channel, seen_local)
            .map_err(|message| format!("start: {message}, found '{v}'"))?;
        let local = t.with_timezone(&model.time_zone);
        let grid = i64::from(model.interval_minutes);
        if i64::from(local.minute()) % grid != 0 || local.second() != 0 {
            return Err(format!(
                "start: expected an interval start on the {grid}-minute grid, found '{v}'"
            ));
        }
        Ok(t)
    });
    Cells {
        channel,
        start,
        volume,
        aht_s,
        acw_s,
    }
}

/// An optional `aht` or `acw` cell: empty means the channel's default, so only a wrong value is reported.
fn handle_time(problems: &mut Problems, record: &csv_input::Row, column: &str) -> Option<f64> {
    if record.text(column).is_empty() {
        return None;
    }
    problems.cell(record, column, |v| match parse_duration(v) {
        Ok(x) if (x > 0.0 || column == "acw") && x <= MAX_HANDLE_S => Ok(x),
        _ => Err(format!(
            "{column}: expected a duration such as 3m, 4m30s or seconds, found '{v}'"
        )),
    })
}

/// The interval starts of the planning period.
struct Grid {
    starts: Vec<DateTime<Utc>>,
    begin: DateTime<Utc>,
    end: DateTime<Utc>,
}

/// Reports the rows, among those inside the requested `period`, further than [`MAX_PERIOD_DAYS`] from
/// the others (the window of that many days holding the most rows); false if there were any.
fn check_period(
    file: &mut CsvFile,
    model: &Model,
    period: Period,
    span: &[(DateTime<Utc>, u64)],
) -> bool {
    let tz = model.time_zone;
    let from = period.from.map(|d| start_of_day(tz, d));
    let to = period.to.map(|d| start_of_day(tz, d + Duration::days(1)));
    let inside: Vec<&(DateTime<Utc>, u64)> = span
        .iter()
        .filter(|(t, _)| from.is_none_or(|f| *t >= f) && to.is_none_or(|e| *t < e))
        .collect();
    let starts: Vec<DateTime<Utc>> = inside.iter().map(|(t, _)| *t).collect();
    let Some(window) = period_window(&starts) else {
        return true;
    };
    let dates = window_dates(tz, window);
    let column = file.header.index("start");
    for (t, line) in inside
        .into_iter()
        .filter(|(t, _)| *t < window.0 || *t >= window.1)
    {
        file.problems.at(*line, column, format!("start: expected a time within {MAX_PERIOD_DAYS} days of the other rows ({dates}) or a period chosen with --from and --to, found {}", local_iso(model, *t)));
    }
    false
}

/// The planning period: the forecast's span (of every row whose channel and start could be read, so
/// that gaps are reported together with bad rows), or the requested days; an error when it is empty or
/// longer than [`MAX_PERIOD_DAYS`].
fn planning_grid(model: &Model, period: Period, span: &[DateTime<Utc>]) -> Result<Grid, String> {
    let first = span.iter().copied().min().unwrap_or_default();
    let last = span.iter().copied().max().unwrap_or_default();
    let step = Duration::minutes(i64::from(model.interval_minutes));
    let begin = period
        .from
        .map_or(first, |d| start_of_day(model.time_zone, d));
    let end = period.to.map_or(last + step, |d| {
        start_of_day(model.time_zone, d + Duration::days(1))
    });
    if end <= begin {
        return Err(
            "the planning period is empty: --to is before --from or before the forecast".into(),
        );
    }
    if end - begin > csv_input::max_period() {
        return Err(format!(
            "period: expected at most {MAX_PERIOD_DAYS} days (choose them with --from and --to), found {} … {}",
            local_iso(model, begin),
            local_iso(model, end)
        ));
    }
    // A chosen period reaching past the forecast would be read as a gap in every channel.
    let tz = model.time_zone;
    if period.from.is_some() && begin < first {
        return Err(format!(
            "--from: expected a day the forecast covers (it starts {}), found {}",
            local_iso(model, first),
            begin.with_timezone(&tz).date_naive()
        ));
    }
    if period.to.is_some() && end > last + step {
        return Err(format!(
            "--to: expected a day the forecast covers (it ends {}), found {}",
            local_iso(model, last + step),
            (end - Duration::days(1)).with_timezone(&tz).date_naive()
        ));
    }
    let mut starts = Vec::new();
    let mut t = begin;
    while t < end {
        starts.push(t);
        t += step;
    }
    Ok(Grid { starts, begin, end })
}

/// Puts the rows on the grid, warning of contacts outside opening hours or the planning period, which
/// are not staffed.
fn fill_series(
    file: &CsvFile,
    model: &Model,
    grid: &Grid,
    rows: &[Row],
) -> (Vec<Series>, Vec<Diagnostic>) {
    let n = grid.starts.len();
    let slot: HashMap<DateTime<Utc>, usize> = grid
        .starts
        .iter()
        .enumerate()
        .map(|(i, t)| (*t, i))
        .collect();
    let mut series: Vec<Series> = model
        .channels
        .iter()
        .map(|_| Series {
            volume: vec![None; n],
            aht_s: vec![None; n],
            acw_s: vec![None; n],
        })
        .collect();
    let mut warnings = Vec::new();
    let mut outside = 0usize;
    let mut first_outside = None;
    let (mut long_handle, mut first_long) = (0usize, None);
    for row in rows {
        let Some(&i) = slot.get(&row.start) else {
            outside += 1;
            first_outside.get_or_insert(row.line);
            continue;
        };
        warnings.extend(closed_hours_warning(file, model, row));
        let channel = &model.channels[row.channel];
        let handle = row.aht_s.unwrap_or(channel.aht_s) + row.acw_s.unwrap_or(channel.acw_s);
        if handle > LONG_HANDLE_S {
            long_handle += 1;
            first_long.get_or_insert(row.line);
        }
        let s = &mut series[row.channel];
        s.volume[i] = Some(row.volume);
        s.aht_s[i] = row.aht_s;
        s.acw_s[i] = row.acw_s;
    }
    if let Some(line) = first_long {
        warnings.push(file.problems.diagnostic(
            line,
            None,
            format!("{long_handle} row(s) with a handle time (aht + acw) over 4h (first on this line): legal, but check the units"),
        ));
    }
    if let Some(line) = first_outside {
        warnings.push(file.problems.diagnostic(
            line,
            None,
            format!(
                "{outside} row(s) outside the planning period {} – {} ignored (first on this line)",
                local_iso(model, grid.begin),
                local_iso(model, grid.end)
            ),
        ));
    }
    (series, warnings)
}

/// A warning for contacts when the channel is closed: nobody is staffed for them.
fn closed_hours_warning(file: &CsvFile, model: &Model, row: &Row) -> Option<Diagnostic> {
    let channel = &model.channels[row.channel];
    let local = row.start.with_timezone(&model.time_zone).naive_local();
    (!channel.is_deferred() && row.volume > 0.0 && !channel.hours.is_open(local)).then(|| {
        file.problems.diagnostic(
            row.line,
            file.header.index("volume"),
            format!(
                "volume: {} contacts outside the opening hours of '{}' at {}; not staffed",
                row.volume,
                channel.name,
                local_iso(model, row.start)
            ),
        )
    })
}

/// Reports open intervals without a row, grouped into runs: a missing row must not pass for no contacts.
fn report_gaps(
    problems: &mut Problems,
    model: &Model,
    starts: &[DateTime<Utc>],
    listed: &HashSet<(usize, DateTime<Utc>)>,
) {
    for (c, channel) in model.channels.iter().enumerate() {
        let open = |t: &DateTime<Utc>| {
            channel
                .hours
                .is_open(t.with_timezone(&model.time_zone).naive_local())
        };
        let missing: Vec<bool> = starts
            .iter()
            .map(|t| open(t) && !listed.contains(&(c, *t)))
            .collect();
        for (s, e) in runs(&missing) {
            let what = describe_run(model, starts, (s, e));
            problems.in_file(format!(
                "channel '{}' is open but the forecast has no row for {what}; give 0 for intervals without contacts",
                channel.name
            ));
        }
    }
}

/// A run of intervals from [`runs`] in words: `the interval …` or `4 intervals … … …`.
pub(crate) fn describe_run(
    model: &Model,
    starts: &[DateTime<Utc>],
    (s, e): (usize, usize),
) -> String {
    if s == e {
        format!("the interval {}", local_iso(model, starts[s]))
    } else {
        format!(
            "{} intervals {} … {}",
            e - s + 1,
            local_iso(model, starts[s]),
            local_iso(model, starts[e])
        )
    }
}

/// The runs of `true` in `flags` as first and last index, in order, so that a gap is reported once.
pub(crate) fn runs(flags: &[bool]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut run_start: Option<usize> = None;
    for (i, &flag) in flags.iter().enumerate() {
        match (flag, run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i - 1));
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = run_start {
        runs.push((s, flags.len() - 1));
    }
    runs
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

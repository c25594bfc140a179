//! Labour rules for rosters and the layout of exported files (model `[rules]` and `[export.csv]`), and
//! their validation.

use super::checker::Checker;
use super::hours::parse_clock_minutes;
use super::raw::{RawCsvLayout, RawRules, Value};
use crate::error::InvalidValue;
use crate::units::format_duration;
use std::collections::BTreeMap;
use toml::Spanned;

/// Labour rules (model `[rules]`), with the defaults a Finnish planner expects.
#[derive(Debug, Clone, PartialEq)]
pub struct LabourRules {
    pub min_rest_h: f64,
    pub weekly_rest_h: f64,
    pub max_consecutive_days: u32,
    /// Soft: working stretches of at least this many days (1: no minimum).
    pub min_consecutive_days: u32,
    /// Weekends (a Saturday or Sunday worked) per agent in the rostered period; a contract may set less.
    pub max_weekends: Option<u32>,
    /// Soft: start times of an agent's week within this spread.
    pub start_spread_h: f64,
    /// Soft: days off in pairs.
    pub paired_days_off: bool,
    /// Hard rules the model makes soft (`[rules] soft = [...]`): broken only when no agent can take a
    /// shift otherwise, and then reported.
    pub soft: Vec<Rule>,
    /// Shifts ending at or after this local hour count as late (for fairness).
    pub late_after_h: f64,
    /// Weights of the soft rules when choosing an agent (model `[rules.penalties]`).
    pub penalties: Penalties,
}

/// How much each soft consideration weighs when the roster chooses between eligible agents. Scores are
/// compared, never reported; larger means the rule matters more.
#[derive(Debug, Clone, PartialEq)]
pub struct Penalties {
    /// Per hour an agent is below their contract hours (a reward, so the neediest agent goes first).
    pub below_contract_hour: f64,
    /// Per hour a start lies outside the agent's spread.
    pub start_spread_hour: f64,
    /// Per weekend shift the agent already has.
    pub weekend_shift: f64,
    /// Per late shift the agent already has.
    pub late_shift: f64,
    /// For leaving a single day off between working days.
    pub unpaired_day_off: f64,
    /// Reward per preferred window the shift falls in.
    pub preferred: f64,
    /// For a working day with neither neighbour worked, under `min_consecutive_days`.
    pub short_stretch: f64,
}

impl Default for Penalties {
    fn default() -> Self {
        Penalties {
            // Tuned on the shipped week: 167 → 129 broken soft rules, every shift still filled.
            below_contract_hour: 2.0,
            start_spread_hour: 8.0,
            weekend_shift: 6.0,
            late_shift: 3.0,
            unpaired_day_off: 15.0,
            preferred: 2.0,
            short_stretch: 10.0,
        }
    }
}

impl Default for LabourRules {
    fn default() -> Self {
        LabourRules {
            min_rest_h: 11.0,
            weekly_rest_h: 35.0,
            max_consecutive_days: 6,
            min_consecutive_days: 1,
            max_weekends: None,
            start_spread_h: 2.0,
            paired_days_off: true,
            soft: Vec::new(),
            late_after_h: 19.0,
            penalties: Penalties::default(),
        }
    }
}

impl LabourRules {
    /// Whether a rule is enforced (never broken) under this model.
    pub fn is_hard(&self, rule: Rule) -> bool {
        match rule.strength() {
            Strength::AlwaysHard => true,
            Strength::Hard => !self.soft.contains(&rule),
            Strength::Soft => false,
        }
    }
}

/// Every labour rule a roster is held to: a stable code (the name in the model file and in exports),
/// the planner's words, and how hard it is. What each rule checks is defined once, in `crate::rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    Skills,
    Availability,
    OneShiftPerDay,
    NoOverlap,
    MinRest,
    WeeklyRest,
    MaxConsecutiveDays,
    MaxHours,
    MaxDays,
    MinHours,
    StartSpread,
    WeekendFairness,
    PairedDaysOff,
    LateFairness,
    PreferredHours,
    ContractShifts,
    MaxTemplateShifts,
    MaxWeekends,
    MaxLateShifts,
    MinConsecutiveDays,
}

/// How a rule binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Never broken (a missing skill, approved leave, two shifts at once).
    AlwaysHard,
    /// Hard unless the model lists it in `[rules] soft`.
    Hard,
    /// Broken at a cost and reported.
    Soft,
}

impl Rule {
    pub const ALL: [Rule; 20] = [
        Rule::Skills,
        Rule::Availability,
        Rule::OneShiftPerDay,
        Rule::NoOverlap,
        Rule::MinRest,
        Rule::WeeklyRest,
        Rule::MaxConsecutiveDays,
        Rule::MaxHours,
        Rule::MaxDays,
        Rule::MinHours,
        Rule::StartSpread,
        Rule::WeekendFairness,
        Rule::PairedDaysOff,
        Rule::LateFairness,
        Rule::PreferredHours,
        Rule::ContractShifts,
        Rule::MaxTemplateShifts,
        Rule::MaxWeekends,
        Rule::MaxLateShifts,
        Rule::MinConsecutiveDays,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Rule::Skills => "skills",
            Rule::Availability => "availability",
            Rule::OneShiftPerDay => "one_shift_per_day",
            Rule::NoOverlap => "no_overlap",
            Rule::MinRest => "min_rest",
            Rule::WeeklyRest => "weekly_rest",
            Rule::MaxConsecutiveDays => "max_consecutive_days",
            Rule::MaxHours => "max_hours",
            Rule::MaxDays => "max_days",
            Rule::MinHours => "min_hours",
            Rule::StartSpread => "start_spread",
            Rule::PairedDaysOff => "paired_days_off",
            Rule::WeekendFairness => "weekend_fairness",
            Rule::LateFairness => "late_fairness",
            Rule::PreferredHours => "preferred_hours",
            Rule::ContractShifts => "contract_shifts",
            Rule::MaxTemplateShifts => "max_per_agent",
            Rule::MaxWeekends => "max_weekends",
            Rule::MaxLateShifts => "max_late_shifts",
            Rule::MinConsecutiveDays => "min_consecutive_days",
        }
    }

    /// The planner's words.
    pub fn words(self) -> &'static str {
        match self {
            Rule::Skills => "Missing required skill",
            Rule::Availability => "Shift while unavailable",
            Rule::OneShiftPerDay => "More than one shift a day",
            Rule::NoOverlap => "Overlapping shifts",
            Rule::MinRest => "Less rest between shifts than required",
            Rule::WeeklyRest => "No uninterrupted weekly rest",
            Rule::MaxConsecutiveDays => "Too many consecutive working days",
            Rule::MaxHours => "Above maximum weekly hours",
            Rule::MaxDays => "More working days than the contract allows",
            Rule::MinHours => "Below minimum weekly hours",
            Rule::StartSpread => "Start times vary too much",
            Rule::PairedDaysOff => "Days off not paired",
            Rule::WeekendFairness => "Weekend shifts unevenly shared",
            Rule::LateFairness => "Late shifts unevenly shared",
            Rule::PreferredHours => "Shift outside preferred hours",
            Rule::ContractShifts => "Shift the contract does not allow",
            Rule::MaxTemplateShifts => "More shifts of a template than allowed",
            Rule::MaxWeekends => "More weekends worked than allowed",
            Rule::MaxLateShifts => "More late shifts than the contract allows",
            Rule::MinConsecutiveDays => "Working stretch shorter than the minimum",
        }
    }

    pub fn strength(self) -> Strength {
        match self {
            Rule::Skills | Rule::Availability | Rule::OneShiftPerDay | Rule::NoOverlap => {
                Strength::AlwaysHard
            }
            Rule::MinRest
            | Rule::WeeklyRest
            | Rule::MaxConsecutiveDays
            | Rule::MaxHours
            | Rule::MaxDays
            | Rule::MinHours
            | Rule::ContractShifts
            | Rule::MaxTemplateShifts
            | Rule::MaxWeekends
            | Rule::MaxLateShifts => Strength::Hard,
            Rule::MinConsecutiveDays
            | Rule::StartSpread
            | Rule::PairedDaysOff
            | Rule::WeekendFairness
            | Rule::LateFairness
            | Rule::PreferredHours => Strength::Soft,
        }
    }

    /// Whether the rule is judged on an agent's finished weeks rather than shift by shift (no single
    /// assignment breaks the minimum hours; only the week as a whole does).
    pub fn is_global(self) -> bool {
        matches!(self, Rule::MinHours)
    }

    /// The rule with this code.
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.words())
    }
}

/// How `roster.csv` is laid out for the HR tool that imports it (model `[export.csv]`); the delimiter,
/// byte-order mark, encoding and decimal separator apply to every CSV file vuoro exports for people
/// (`roster.csv`, `roster_daily.csv`, `coverage.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CsvLayout {
    /// Field separator: `,` (default), `;` (what Excel expects where the decimal separator is a comma, as
    /// in Finland), tab or `|`.
    pub delimiter: char,
    /// Start each file with a UTF-8 byte-order mark, without which Excel reads UTF-8 as the locale's
    /// legacy code page ("Mäkelä" shows as "MÃ¤kelÃ¤").
    pub bom: bool,
    /// Character encoding of the files: UTF-8, or Windows-1252 for HR tools that read only that.
    pub encoding: CsvEncoding,
    /// Decimal separator of fractional numbers: `.` (default) or `,`.
    pub decimal: char,
    /// Codes the HR tool wants for the activities `work`, `break` and `lunch` (the name itself when absent).
    pub activity_codes: BTreeMap<String, String>,
    /// Columns to write, in order (default: all, in the documented order).
    pub columns: Option<Vec<String>>,
    /// New names for columns: (column, header).
    pub rename: Vec<(String, String)>,
    /// chrono format of `schedule_date` (default `%Y-%m-%d`).
    pub date_format: Option<String>,
    /// chrono format of `start` and `end` (default ISO local date-time `%Y-%m-%dT%H:%M`).
    pub datetime_format: Option<String>,
}

impl Default for CsvLayout {
    fn default() -> Self {
        CsvLayout {
            delimiter: ',',
            bom: false,
            encoding: CsvEncoding::Utf8,
            decimal: '.',
            activity_codes: BTreeMap::new(),
            columns: None,
            rename: Vec::new(),
            date_format: None,
            datetime_format: None,
        }
    }
}

impl CsvLayout {
    /// The code written for an activity (`work`, `break`, `lunch`).
    pub fn activity_code<'a>(&'a self, activity: &'a str) -> &'a str {
        self.activity_codes
            .get(activity)
            .map_or(activity, String::as_str)
    }
}

/// The character encoding of exported CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    #[default]
    Utf8,
    /// Windows code page 1252 (Western European: å, ä, ö, é, € …), what older HR and payroll tools read.
    Windows1252,
}

impl CsvEncoding {
    /// The name in the model file.
    pub fn name(self) -> &'static str {
        match self {
            CsvEncoding::Utf8 => "utf-8",
            CsvEncoding::Windows1252 => "windows-1252",
        }
    }

    /// The byte of `ch` in this encoding, if it has one (UTF-8 holds every character: `None` is never a
    /// refusal there, see [`CsvEncoding::holds`]).
    pub fn windows_1252_byte(ch: char) -> Option<u8> {
        // 0x80–0x9F hold typographic characters instead of the C1 controls (five are unassigned).
        const HIGH: [char; 32] = [
            '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0',
            '\0', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
        ];
        let code = u32::from(ch);
        if code < 0x80 || (0xA0..=0xFF).contains(&code) {
            return u8::try_from(code).ok();
        }
        HIGH.iter()
            .position(|c| *c == ch)
            .and_then(|i| u8::try_from(0x80 + i).ok())
    }

    /// Whether the encoding can write `ch`.
    pub fn holds(self, ch: char) -> bool {
        match self {
            CsvEncoding::Utf8 => true,
            CsvEncoding::Windows1252 => CsvEncoding::windows_1252_byte(ch).is_some(),
        }
    }

    /// The first character of `text` the encoding cannot write.
    pub fn first_missing(self, text: &str) -> Option<char> {
        text.chars().find(|c| !self.holds(*c))
    }
}

/// Activities of `roster.csv` a model may give codes.
pub const ACTIVITIES: [&str; 3] = ["work", "break", "lunch"];

/// Columns of `roster.csv`, in their default order.
pub const ROSTER_COLUMNS: [&str; 11] = [
    "employee_id",
    "name",
    "team",
    "schedule_date",
    "start",
    "end",
    "timezone",
    "activity",
    "channel",
    "paid",
    "duration_min",
];

/// Hours in a week: no rest rule can ask for as much.
const WEEK_H: f64 = 168.0;

/// The `[rules]` table; a bad value is reported and its default kept.
pub(crate) fn validate_rules(c: &mut Checker<'_>, raw: Option<&RawRules>) -> LabourRules {
    let mut r = LabourRules::default();
    let Some(raw) = raw else { return r };
    let hours = |c: &mut Checker<'_>, v: &Option<Value>, f: &str, target: &mut f64| {
        if let Some(v) = v {
            if let Some(s) = c.duration(v, &format!("rules.{f}"), false) {
                *target = s / 3600.0;
            }
        }
    };
    hours(c, &raw.min_rest, "min_rest", &mut r.min_rest_h);
    hours(c, &raw.weekly_rest, "weekly_rest", &mut r.weekly_rest_h);
    hours(c, &raw.start_spread, "start_spread", &mut r.start_spread_h);
    rest_within_a_week(c, raw, &r);
    if let Some(v) = &raw.late_after {
        if let Some(m) = late_after(c, v) {
            r.late_after_h = f64::from(m) / 60.0;
        }
    }
    if let Some(x) = &raw.max_consecutive_days {
        let expected = "a whole number of days from 1 to 31";
        if let Some(n) = c.whole(x, 1..=31, "rules.max_consecutive_days", expected) {
            r.max_consecutive_days = n;
        }
    }
    if let Some(x) = &raw.min_consecutive_days {
        let expected = "a whole number of days from 1 to 7";
        if let Some(n) = c.whole(x, 1..=7, "rules.min_consecutive_days", expected) {
            r.min_consecutive_days = n;
        }
    }
    if let Some(x) = &raw.max_weekends {
        let expected = "a whole number of weekends from 0 to 1000";
        r.max_weekends = c.whole(x, 0..=1000, "rules.max_weekends", expected);
    }
    if let Some(p) = raw.paired_days_off {
        r.paired_days_off = p;
    }
    validate_penalties(c, raw.penalties.as_ref(), &mut r.penalties);
    r.soft = validate_soft(c, raw.soft.as_deref());
    r
}

/// `rules.late_after`: a local time of day, `24:00` meaning only shifts that pass midnight are late.
fn late_after(c: &mut Checker<'_>, v: &Value) -> Option<u32> {
    const EXPECTED: &str = "a local time from 00:00 to 24:00 such as \"19:00\"";
    let m = c
        .text(v, "rules.late_after", EXPECTED)
        .and_then(parse_clock_minutes);
    if m.is_none_or(|m| m > 24 * 60) {
        c.invalid(v, "rules.late_after", EXPECTED);
        return None;
    }
    m
}

/// No roster can give a week's rest, or more, between shifts or within a week: such rules are impossible.
fn rest_within_a_week(c: &mut Checker<'_>, raw: &RawRules, r: &LabourRules) {
    for (v, h, key, why) in [
        (
            &raw.min_rest,
            r.min_rest_h,
            "min_rest",
            "between two shifts",
        ),
        (
            &raw.weekly_rest,
            r.weekly_rest_h,
            "weekly_rest",
            "within one week",
        ),
    ] {
        if let Some(v) = v.as_ref().filter(|_| h >= WEEK_H) {
            let e = InvalidValue::new(format!("rules.{key}"), "less than 168h", v.get_ref());
            c.report(
                v.span().start,
                format!("{e}: a week has only 168h, so no roster can rest that long {why}"),
            );
        }
    }
}

/// The weekly rest must leave room for the shortest shift in a week, or no agent could work at all.
pub(crate) fn check_weekly_rest(
    c: &mut Checker<'_>,
    raw: Option<&RawRules>,
    rules: &LabourRules,
    shortest_shift_minutes: Option<u32>,
) {
    let (Some(v), Some(shortest)) = (
        raw.and_then(|r| r.weekly_rest.as_ref()),
        shortest_shift_minutes,
    ) else {
        return;
    };
    let room_h = WEEK_H - f64::from(shortest) / 60.0;
    if rules.weekly_rest_h > room_h + 1e-9 && rules.weekly_rest_h < WEEK_H {
        let expected = format!(
            "at most {} (a week minus the shortest shift, {})",
            format_duration(room_h * 3600.0),
            format_duration(f64::from(shortest) * 60.0)
        );
        let e = InvalidValue::new("rules.weekly_rest", expected, v.get_ref());
        c.report(
            v.span().start,
            format!("{e}: no agent could work a shift and still rest that long in a week"),
        );
    }
}

/// `[rules.penalties]`: known weights only, each 0 or more.
fn validate_penalties(
    c: &mut Checker<'_>,
    raw: Option<&BTreeMap<String, Spanned<f64>>>,
    penalties: &mut Penalties,
) {
    for (key, value) in raw.into_iter().flatten() {
        let slot = match key.as_str() {
            "below_contract_hour" => &mut penalties.below_contract_hour,
            "start_spread_hour" => &mut penalties.start_spread_hour,
            "weekend_shift" => &mut penalties.weekend_shift,
            "late_shift" => &mut penalties.late_shift,
            "unpaired_day_off" => &mut penalties.unpaired_day_off,
            "preferred" => &mut penalties.preferred,
            "short_stretch" => &mut penalties.short_stretch,
            other => {
                c.report(value.span().start, format!("rules.penalties: expected below_contract_hour, start_spread_hour, weekend_shift, late_shift, unpaired_day_off, preferred or short_stretch, found '{other}'"));
                continue;
            }
        };
        let field = format!("rules.penalties.{key}");
        if let Some(x) = c.non_negative(value, &field, "a weight of 0 or more") {
            *slot = x;
        }
    }
}

/// `rules.soft`: names of hard rules that may be broken at a cost.
fn validate_soft(c: &mut Checker<'_>, raw: Option<&[Spanned<String>]>) -> Vec<Rule> {
    let softenable: Vec<&str> = Rule::ALL
        .into_iter()
        .filter(|r| r.strength() == Strength::Hard)
        .map(Rule::code)
        .collect();
    let mut soft = Vec::new();
    for s in raw.into_iter().flatten() {
        match Rule::from_code(s.get_ref()).filter(|r| r.strength() == Strength::Hard) {
            Some(rule) => soft.push(rule),
            None => c.report(
                s.span().start,
                format!(
                    "rules.soft: expected rule names from {}, found '{}'",
                    softenable.join(", "),
                    s.get_ref()
                ),
            ),
        }
    }
    soft
}

/// The `[export.csv]` table; a bad value is reported and its default kept.
pub(crate) fn validate_export(c: &mut Checker<'_>, raw: Option<&RawCsvLayout>) -> CsvLayout {
    let mut layout = CsvLayout::default();
    let Some(raw) = raw else { return layout };
    if let Some(columns) = &raw.columns {
        let mut chosen: Vec<String> = Vec::new();
        for col in columns {
            if chosen.contains(col.get_ref()) {
                c.report(
                    col.span().start,
                    format!(
                        "export.csv.columns: expected each column once, found '{}' twice",
                        col.get_ref()
                    ),
                );
            } else if ROSTER_COLUMNS.contains(&col.get_ref().as_str()) {
                chosen.push(col.get_ref().clone());
            } else {
                c.report(
                    col.span().start,
                    format!(
                        "export.csv.columns: expected columns from {}, found '{}'",
                        ROSTER_COLUMNS.join(", "),
                        col.get_ref()
                    ),
                );
            }
        }
        if columns.is_empty() {
            c.report(
                c.text.len(),
                format!(
                    "export.csv.columns: expected at least one of {}, found none",
                    ROSTER_COLUMNS.join(", ")
                ),
            );
        }
        layout.columns = Some(chosen);
    }
    for (from, to) in raw.rename.iter().flatten() {
        if ROSTER_COLUMNS.contains(&from.as_str()) && !to.trim().is_empty() {
            layout.rename.push((from.clone(), to.clone()));
        } else {
            c.report(c.text.len(), format!("export.csv.rename: expected a roster column renamed to a non-empty header, found '{from}' = '{to}'"));
        }
    }
    // Headers must stay distinct after renaming, or the HR tool cannot tell two columns apart.
    let written: Vec<String> = layout
        .columns
        .clone()
        .unwrap_or_else(|| ROSTER_COLUMNS.iter().map(|c| c.to_string()).collect());
    let headers: Vec<&str> = written
        .iter()
        .map(|col| {
            layout
                .rename
                .iter()
                .find(|(from, _)| from == col)
                .map_or(col.as_str(), |(_, to)| to.as_str())
        })
        .collect();
    if let Some((i, h)) = headers
        .iter()
        .enumerate()
        .find(|(i, h)| headers[..*i].contains(h))
    {
        c.report(
            c.text.len(),
            format!(
                "export.csv.rename: expected distinct headers, found '{h}' for both {} and {}",
                written[headers.iter().position(|x| x == h).unwrap_or(0)],
                written[i]
            ),
        );
    }
    validate_style(c, raw, &mut layout);
    for (from, to) in &layout.rename {
        if let Some(ch) = layout.encoding.first_missing(to) {
            c.report(
                c.text.len(),
                format!(
                    "export.csv.rename.{from}: expected characters {} can write, found '{ch}' in '{}'",
                    layout.encoding.name(),
                    echo(to)
                ),
            );
        }
    }
    for (f, format) in [
        ("date_format", &raw.date_format),
        ("datetime_format", &raw.datetime_format),
    ] {
        let Some(fmt) = format else { continue };
        // A date is a few characters: a long or empty format is a mistake (and would bloat every row).
        if fmt.trim().is_empty() || fmt.len() > 64 || !formats_sample(fmt, f == "date_format") {
            c.report(
                c.text.len(),
                format!(
                    "export.csv.{f}: expected a strftime format such as %d.%m.%Y, found '{fmt}'"
                ),
            );
        } else if f == "date_format" {
            layout.date_format = Some(fmt.clone());
        } else {
            layout.datetime_format = Some(fmt.clone());
        }
    }
    layout
}

/// Trial-formats a sample date (or date-time): a time specifier in a date format must fail here, not in
/// the export.
fn formats_sample(fmt: &str, date_only: bool) -> bool {
    let sample = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap_or_default()
        .and_hms_opt(8, 15, 0)
        .unwrap_or_default();
    let mut probe = String::new();
    chrono::format::StrftimeItems::new(fmt).all(|i| !matches!(i, chrono::format::Item::Error))
        && if date_only {
            std::fmt::Write::write_fmt(&mut probe, format_args!("{}", sample.date().format(fmt)))
                .is_ok()
        } else {
            std::fmt::Write::write_fmt(&mut probe, format_args!("{}", sample.format(fmt))).is_ok()
        }
}

/// `delimiter`, `bom`, `decimal` and `activity_codes` of `[export.csv]`.
fn validate_style(c: &mut Checker<'_>, raw: &RawCsvLayout, layout: &mut CsvLayout) {
    let single = |v: &Spanned<String>, allowed: &[char]| {
        let mut chars = v.get_ref().chars();
        match (chars.next(), chars.next()) {
            (Some(ch), None) if allowed.contains(&ch) => Some(ch),
            _ => None,
        }
    };
    if let Some(v) = &raw.delimiter {
        match single(v, &[',', ';', '\t', '|']) {
            Some(ch) => layout.delimiter = ch,
            None => c.report(
                v.span().start,
                format!(
                    "export.csv.delimiter: expected \",\", \";\", \"\\t\" or \"|\", found '{}'",
                    echo(v.get_ref())
                ),
            ),
        }
    }
    if let Some(bom) = raw.bom {
        layout.bom = bom;
    }
    if let Some(v) = &raw.encoding {
        match v.get_ref().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => layout.encoding = CsvEncoding::Utf8,
            "windows-1252" | "cp1252" => layout.encoding = CsvEncoding::Windows1252,
            _ => c.report(
                v.span().start,
                format!(
                    "export.csv.encoding: expected \"utf-8\" or \"windows-1252\", found '{}'",
                    echo(v.get_ref())
                ),
            ),
        }
        if layout.bom && layout.encoding != CsvEncoding::Utf8 {
            c.report(
                v.span().start,
                "export.csv.encoding: expected \"utf-8\" with bom = true (a byte-order mark marks UTF-8), found 'windows-1252'".to_string(),
            );
        }
    }
    if let Some(v) = &raw.decimal {
        match single(v, &['.', ',']) {
            Some(ch) if ch == layout.delimiter => c.report(
                v.span().start,
                format!(
                    "export.csv.decimal: expected a separator other than the delimiter '{ch}' (use delimiter = \";\" with a decimal comma), found '{ch}'"
                ),
            ),
            Some(ch) => layout.decimal = ch,
            None => c.report(
                v.span().start,
                format!(
                    "export.csv.decimal: expected \".\" or \",\", found '{}'",
                    echo(v.get_ref())
                ),
            ),
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (activity, code) in raw.activity_codes.iter().flatten() {
        let text = code.get_ref().as_str();
        let field = format!("export.csv.activity_codes.{activity}");
        if !ACTIVITIES.contains(&activity.as_str()) {
            c.report(
                code.span().start,
                format!(
                    "export.csv.activity_codes: expected codes for {}, found '{activity}'",
                    ACTIVITIES.join(", ")
                ),
            );
        } else if text.trim().is_empty()
            || text.chars().count() > 64
            || text.chars().any(char::is_control)
        {
            c.report(
                code.span().start,
                format!(
                    "{field}: expected a code of 1 to 64 printable characters, found '{}'",
                    echo(text)
                ),
            );
        } else if let Some(ch) = layout.encoding.first_missing(text) {
            c.report(
                code.span().start,
                format!(
                    "{field}: expected characters {} can write, found '{ch}' in '{}'",
                    layout.encoding.name(),
                    echo(text)
                ),
            );
        } else if seen.contains(&text) {
            c.report(
                code.span().start,
                format!(
                    "{field}: expected a code no other activity has, found '{}' twice",
                    echo(text)
                ),
            );
        } else {
            seen.push(text);
            layout
                .activity_codes
                .insert(activity.clone(), text.to_string());
        }
    }
}

/// A value as echoed in a message: control characters escaped, at most 40 characters.
fn echo(text: &str) -> String {
    crate::csv_input::shown(&text.escape_debug().to_string())
}

/// Channel and template names go into the exported CSV files: each must fit the layout's encoding.
pub(crate) fn check_names_encodable(
    c: &mut Checker<'_>,
    layout: &CsvLayout,
    names: impl IntoIterator<Item = (&'static str, Spanned<String>)>,
) {
    for (what, name) in names {
        if let Some(ch) = layout.encoding.first_missing(name.get_ref()) {
            c.report(
                name.span().start,
                format!(
                    "{what}: expected characters {} can write (export.csv.encoding), found '{ch}' in '{}'",
                    layout.encoding.name(),
                    echo(name.get_ref())
                ),
            );
        }
    }
}

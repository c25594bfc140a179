//! Named agents (CSV) and their availability (CSV), validated with every problem reported at once.
//!
//! `agents.csv`: `id, name, team, skills, contract_hours, min_hours, max_hours, max_days` — header
//! required, column order free; `team`, `min_hours` (default contract − 8), `max_hours` (default
//! contract + 4) and `max_days` (default 5) optional. `skills` lists channels separated by `;`, each with
//! an optional proficiency (`voice;chat:0.8`). Ids become file names (`ics/<id>.ics`), so they are limited
//! to letters, digits, `.`, `_` and `-`, not starting with a dot. Hours are 0 to 168 with
//! `min_hours ≤ contract_hours ≤ max_hours`; `max_days` is a whole number from 1 to 7.
//!
//! Every row must have as many fields as the header; a required cell left empty is an error, never a
//! silently dropped agent or window.
//!
//! `availability.csv`: `agent_id, date, from, to, kind` — `date` is a local date (`2026-11-25`) or a
//! weekday (`mon` … `sun`) for every week; `from`/`to` are local `HH:MM` (`to` may be `24:00`); `kind` is
//! `unavailable` (approved leave, fixed days off: a hard rule) or `preferred` (a soft wish).

use crate::csv_input::{shown, Columns, CsvFile, Problems, Row};
use crate::error::Diagnostics;
use crate::model::contract::{Contract, ABOVE_CONTRACT_H, BELOW_CONTRACT_H};
use crate::model::Model;
use chrono::{NaiveDate, Weekday};
use std::collections::HashMap;
use std::path::Path;

/// One agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: String,
    pub name: String,
    pub team: String,
    /// Model channel indices with proficiency (1.0 when not given).
    pub skills: Vec<(usize, f64)>,
    pub contract_hours: f64,
    pub min_hours: f64,
    pub max_hours: f64,
    pub max_days: u32,
    /// The contract type the agent named, if any.
    pub contract: Option<String>,
    /// Templates the agent's contract allows (model shift indices); `None`: every template.
    pub shifts: Option<Vec<usize>>,
    /// Weekends (a Saturday or Sunday worked) the agent may work in the rostered period.
    pub max_weekends: Option<u32>,
    /// Late shifts a week the agent's contract allows.
    pub max_late_shifts: Option<u32>,
}

impl Agent {
    /// Whether the agent's contract allows shifts of template `t`.
    pub fn may_work(&self, t: usize) -> bool {
        self.shifts.as_ref().is_none_or(|s| s.contains(&t))
    }

    pub fn has_skill(&self, channel: usize) -> bool {
        self.skills.iter().any(|(c, _)| *c == channel)
    }
}

/// When an availability window applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Date(NaiveDate),
    Weekday(Weekday),
}

/// A window of local time in which an agent is unavailable or prefers to work.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub agent: usize,
    pub when: When,
    pub from_minute: u32,
    pub to_minute: u32,
    pub preferred: bool,
    /// Line of the availability file, for warnings.
    pub line: u64,
}

/// Availability rows dated outside `dates` (the period rostered): legal, probably another week's file.
/// Returns (rows, first line) when there are any.
pub fn dated_outside(windows: &[Window], dates: &[NaiveDate]) -> Option<(usize, u64)> {
    let outside: Vec<u64> = windows
        .iter()
        .filter(|w| matches!(w.when, When::Date(d) if !dates.contains(&d)))
        .map(|w| w.line)
        .collect();
    outside.first().map(|&line| (outside.len(), line))
}

/// Which part of the file-name rule an unsafe id breaks, in words.
fn id_rule(id: &str) -> &'static str {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if id.is_empty() || !id.chars().all(allowed) {
        "nothing else"
    } else if id.starts_with('.') {
        "not starting with a dot"
    } else if id.len() > 64 {
        "at most 64 characters"
    } else {
        "not a name the system reserves (CON, NUL, COM1 …)"
    }
}

/// Whether an id can safely be a file name.
pub fn is_safe_id(id: &str) -> bool {
    const RESERVED: [&str; 22] = [
        "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
        "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];
    let stem = id
        .split('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && !RESERVED.contains(&stem.as_str())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The columns of `agents.csv`.
const AGENT_COLUMNS: [&str; 9] = [
    "id",
    "name",
    "team",
    "skills",
    "contract",
    "contract_hours",
    "min_hours",
    "max_hours",
    "max_days",
];

/// The columns of `availability.csv`, all required.
const AVAILABILITY_COLUMNS: [&str; 5] = ["agent_id", "date", "from", "to", "kind"];

/// Reads `agents.csv` for `model`; `path` only names the file in diagnostics.
pub fn read_agents(path: &Path, text: &str, model: &Model) -> Result<Vec<Agent>, Diagnostics> {
    let columns = Columns::new(&AGENT_COLUMNS, &["id", "name", "skills"])
        .empty_file("expected a header row with id, name, skills, contract or contract_hours")
        .lowercase_names();
    let mut file = CsvFile::open(path, text, &columns)?;
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let agents = file.read_rows(|problems, row| read_agent(problems, row, model, &mut first_line));
    if agents.is_empty() && file.problems.is_empty() {
        file.problems
            .at(1, None, "expected at least one agent, found none");
    }
    file.problems.finish(agents)
}

/// One agent's row with every wrong cell reported; `first_line` (by lower-case id) catches ids given
/// twice, since ids name files on systems that ignore case.
fn read_agent(
    problems: &mut Problems,
    row: &Row,
    model: &Model,
    first_line: &mut HashMap<String, u64>,
) -> Option<Agent> {
    let id = problems.cell(row, "id", |id| {
        if !is_safe_id(id) {
            return Err(format!("id: expected letters, digits, '.', '_' or '-' (it names the agent's calendar file), {}, found '{}'", id_rule(id), shown(id)));
        }
        match first_line.insert(id.to_ascii_lowercase(), row.line) {
            Some(first) => Err(format!(
                "id: '{id}' is listed twice, ignoring case (first on line {first})"
            )),
            None => Ok(id.to_string()),
        }
    });
    let name = problems.cell(row, "name", |name| match name {
        "" => Err("name: expected the agent's name, found an empty cell".to_string()),
        // Names go into calendars, spreadsheets (32 767 characters a cell) and summaries.
        _ if name.chars().count() > 200 => {
            Err("name: expected a name of at most 200 characters, found a longer one".to_string())
        }
        _ => Ok(name.to_string()),
    });
    let skills = read_skills(problems, row, model, id.is_some());
    let contract = read_contract(problems, row, model);
    let hours = read_hours(problems, row, contract.flatten());
    let whole_days = |x: f64| (1.0..=7.0).contains(&x) && x.fract() == 0.0;
    let default_days = contract.flatten().map_or(5, |c| c.max_days);
    let max_days = match optional_number(row, "max_days", Some(f64::from(default_days)), whole_days)
    {
        Ok(days) => days,
        Err(text) => {
            let message =
                format!("max_days: expected a whole number of days from 1 to 7, found '{text}'");
            report(problems, row, "max_days", message);
            None
        }
    };
    let (contract_hours, min_hours, max_hours) = hours?;
    let contract = contract?;
    Some(Agent {
        id: id?,
        name: name?,
        team: row.text("team").to_string(),
        skills: skills?,
        contract_hours,
        min_hours,
        max_hours,
        max_days: max_days? as u32,
        contract: contract.map(|c| c.name.clone()),
        shifts: contract.and_then(|c| c.shifts.clone()),
        max_weekends: contract.and_then(|c| c.max_weekends),
        max_late_shifts: contract.and_then(|c| c.max_late_shifts),
    })
}

/// The `contract` cell: `Some(None)` when empty or absent, `None` when it names no contract type.
fn read_contract<'m>(
    problems: &mut Problems,
    row: &Row,
    model: &'m Model,
) -> Option<Option<&'m Contract>> {
    match row.text("contract") {
        "" => Some(None),
        name => match model.contract(name) {
            Some(c) => Some(Some(c)),
            None => {
                let known: Vec<&str> = model.contracts.iter().map(|c| c.name.as_str()).collect();
                let expected = if known.is_empty() {
                    "a [[contract]] of the model (it has none)".to_string()
                } else {
                    format!("a contract of the model ({})", known.join(", "))
                };
                report(
                    problems,
                    row,
                    "contract",
                    format!("contract: expected {expected}, found '{}'", shown(name)),
                );
                None
            }
        },
    }
}

/// Records `message` at the cell of `column`.
fn report(problems: &mut Problems, row: &Row, column: &str, message: String) {
    problems.at(row.line, row.cell(column).map(|(i, _)| i), message);
}

/// An optional number cell: `default` when empty (or the column is absent), the value when `ok`
/// accepts it, else the cell's text (cut for the message).
fn optional_number(
    row: &Row,
    column: &str,
    default: Option<f64>,
    ok: impl Fn(f64) -> bool,
) -> Result<Option<f64>, String> {
    match row.text(column) {
        "" => Ok(default),
        text => match text.parse::<f64>() {
            Ok(x) if x.is_finite() && ok(x) => Ok(Some(x)),
            _ => Err(shown(text)),
        },
    }
}

/// `contract_hours` (required), `min_hours` and `max_hours` (defaults: contract − 8 and contract + 4,
/// within 0 to 168), each from 0 to 168 with `min_hours ≤ contract_hours ≤ max_hours`.
fn read_hours(
    problems: &mut Problems,
    row: &Row,
    contract: Option<&Contract>,
) -> Option<(f64, f64, f64)> {
    const MAX: f64 = 168.0;
    let in_range = |x: f64| (0.0..=MAX).contains(&x);
    let mut hours = |column: &str, default: Option<f64>| -> Option<f64> {
        let read = optional_number(row, column, default, in_range);
        let message = match read {
            Ok(Some(x)) => return Some(x),
            Ok(None) if column != "contract_hours" => return None, // no default without a contract
            Ok(None) => format!(
                "{column}: expected a number from 0 to {MAX} (or a contract), found an empty cell"
            ),
            Err(text) => format!("{column}: expected a number from 0 to {MAX}, found '{text}'"),
        };
        report(problems, row, column, message);
        None
    };
    let kind = contract;
    let contract = hours("contract_hours", kind.map(|k| k.hours));
    // The contract type's band, unless the row overrides the hours (then the usual band around them).
    let same_hours = |c: f64| kind.filter(|k| (k.hours - c).abs() < 1e-9);
    let min_default =
        contract.map(|c| same_hours(c).map_or((c - BELOW_CONTRACT_H).max(0.0), |k| k.min_hours));
    let max_default =
        contract.map(|c| same_hours(c).map_or((c + ABOVE_CONTRACT_H).min(MAX), |k| k.max_hours));
    let min_hours = hours("min_hours", min_default);
    let max_hours = hours("max_hours", max_default);
    let (contract, min_hours, max_hours) = (contract?, min_hours?, max_hours?);
    let message = if min_hours > max_hours {
        (
            "min_hours",
            format!("min_hours: expected at most max_hours ({max_hours}), found {min_hours}"),
        )
    } else if contract < min_hours {
        (
            "contract_hours",
            format!("contract_hours: expected at least min_hours ({min_hours}), found {contract}"),
        )
    } else if contract > max_hours {
        (
            "contract_hours",
            format!("contract_hours: expected at most max_hours ({max_hours}), found {contract}"),
        )
    } else {
        return Some((contract, min_hours, max_hours));
    };
    report(problems, row, message.0, message.1);
    None
}

/// The `skills` cell: model channels with an optional proficiency, every wrong one reported; an empty
/// list only when the row is otherwise fine (`row_ok`), so that one mistake is not reported twice.
fn read_skills(
    problems: &mut Problems,
    row: &Row,
    model: &Model,
    row_ok: bool,
) -> Option<Vec<(usize, f64)>> {
    let (si, text) = row.cell("skills")?;
    let mut skills = Vec::new();
    let mut ok = row_ok;
    let mut all_read = true;
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (channel, proficiency) = match part.split_once(':') {
            Some((c, p)) => (
                c.trim(),
                p.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|x| *x > 0.0 && *x <= 1.0),
            ),
            None => (part, Some(1.0)),
        };
        match (model.channel_index(channel), proficiency) {
            (Some(c), Some(_)) if skills.iter().any(|(s, _)| *s == c) => {
                problems.at(
                    row.line,
                    Some(si),
                    format!(
                        "skills: expected each channel once, found '{}' twice",
                        shown(channel)
                    ),
                );
                ok = false;
                all_read = false;
            }
            (Some(c), Some(p)) => skills.push((c, p)),
            _ => {
                let known: Vec<&str> = model.channels.iter().map(|c| c.name.as_str()).collect();
                problems.at(row.line, Some(si), format!("skills: expected channels of the model ({}) with an optional proficiency above 0 and at most 1, such as voice;chat:0.8, found '{}'", known.join(", "), shown(part)));
                ok = false;
                all_read = false;
            }
        }
    }
    if skills.is_empty() && ok {
        problems.at(
            row.line,
            Some(si),
            "skills: expected at least one channel, found none",
        );
        return None;
    }
    all_read.then_some(skills)
}

/// Reads `availability.csv` for `agents`.
pub fn read_availability(
    path: &Path,
    text: &str,
    agents: &[Agent],
) -> Result<Vec<Window>, Diagnostics> {
    let columns = Columns::new(&AVAILABILITY_COLUMNS, &AVAILABILITY_COLUMNS)
        .empty_file("expected a header row with agent_id, date, from, to, kind")
        .lowercase_names();
    let mut file = CsvFile::open(path, text, &columns)?;
    let windows = file.read_rows(|problems, row| read_window(problems, row, agents));
    file.problems.finish(windows)
}

/// One availability row with every wrong cell reported.
fn read_window(problems: &mut Problems, row: &Row, agents: &[Agent]) -> Option<Window> {
    let agent = problems.cell(row, "agent_id", |id| {
        agents.iter().position(|a| a.id == id).ok_or_else(|| {
            format!(
                "agent_id: expected an id from the agents file, found '{}'",
                shown(id)
            )
        })
    });
    let when = problems.cell(row, "date", parse_when);
    let from = problems.cell(row, "from", |text| parse_clock(text, "from"));
    let to = problems.cell(row, "to", |text| parse_clock(text, "to"));
    if let (Some(f), Some(t), Some((i, text))) = (from, to, row.cell("to")) {
        if t <= f {
            problems.at(
                row.line,
                Some(i),
                format!("to: expected a time after from, found '{text}'"),
            );
        }
    }
    let preferred = problems.cell(row, "kind", |kind| {
        match kind.to_ascii_lowercase().as_str() {
            "unavailable" => Ok(false),
            "preferred" => Ok(true),
            _ => Err(format!(
                "kind: expected unavailable or preferred, found '{kind}'"
            )),
        }
    });
    let (agent, when, f, t, preferred) = (agent?, when.flatten()?, from?, to?, preferred?);
    (t > f).then_some(Window {
        agent,
        when,
        from_minute: f,
        to_minute: t,
        preferred,
        line: row.line,
    })
}

/// A `date` cell: a local date, or a weekday for every week.
fn parse_when(date: &str) -> Result<Option<When>, String> {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    match (
        NaiveDate::parse_from_str(date, "%Y-%m-%d"),
        DAYS.iter().position(|d| d.eq_ignore_ascii_case(date)),
    ) {
        (Ok(d), _) => Ok(Some(When::Date(d))),
        (_, Some(i)) => Ok(Weekday::try_from(i as u8).ok().map(When::Weekday)),
        _ => Err(format!(
            "date: expected a date such as 2026-11-25 or a weekday (mon … sun), found '{date}'"
        )),
    }
}

/// A `from` or `to` cell as minutes after local midnight; `to` may be `24:00`, so a window can end the
/// day, while a window cannot start there.
fn parse_clock(text: &str, name: &str) -> Result<u32, String> {
    let minute = if text == "24:00" {
        (name == "to").then_some(24 * 60)
    } else {
        chrono::NaiveTime::parse_from_str(text, "%H:%M")
            .ok()
            .map(|t| chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t))
    };
    let midnight = if name == "to" {
        " (24:00 for midnight)"
    } else {
        ""
    };
    minute.ok_or_else(|| {
        format!("{name}: expected a local time such as 08:00{midnight}, found '{text}'")
    })
}

//! Named agents (CSV) and their availability (CSV), validated with every problem reported at once.
//!
//! `agents.csv`: `id, name, team, skills, contract_hours, min_hours, max_hours, max_days` — header
//! required, column order free; `team`, `min_hours` (default contract − 8), `max_hours` (default
//! contract + 4) and `max_days` (default 5) optional. `skills` lists channels separated by `;`, each with
//! an optional proficiency (`voice;chat:0.8`). Ids become file names (`ics/<id>.ics`), so they are limited
//! to letters, digits, `.`, `_` and `-`, not starting with a dot.
//!
//! `availability.csv`: `agent_id, date, from, to, kind` — `date` is a local date (`2026-11-25`) or a
//! weekday (`mon` … `sun`) for every week; `from`/`to` are local `HH:MM` (`24:00` allowed); `kind` is
//! `unavailable` (approved leave, fixed days off: a hard rule) or `preferred` (a soft wish).

use crate::error::{Diagnostic, Diagnostics, Location};
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
}

impl Agent {
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

struct Reader<'a> {
    path: &'a Path,
    problems: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn at(&mut self, line: u64, column: Option<usize>, message: String) {
        self.problems.push(Diagnostic {
            location: Location {
                path: self.path.to_path_buf(),
                line,
                column: column.map(|c| c as u64 + 1),
            },
            message,
        });
    }

    /// Header → column index, checking required and unknown columns.
    fn header(
        &mut self,
        record: &csv::StringRecord,
        known: &[&str],
        required: &[&str],
    ) -> HashMap<String, usize> {
        let mut index = HashMap::new();
        for (i, name) in record.iter().enumerate() {
            let name = name.trim().to_ascii_lowercase();
            if !known.contains(&name.as_str()) {
                self.at(
                    1,
                    Some(i),
                    format!("unknown column '{name}': expected {}", known.join(", ")),
                );
            } else if index.insert(name.clone(), i).is_some() {
                self.at(1, Some(i), format!("column '{name}' appears twice"));
            }
        }
        for r in required {
            if !index.contains_key(*r) {
                self.at(1, None, format!("missing column '{r}' (required)"));
            }
        }
        index
    }
}

const AGENT_COLUMNS: [&str; 8] = [
    "id",
    "name",
    "team",
    "skills",
    "contract_hours",
    "min_hours",
    "max_hours",
    "max_days",
];

/// Reads `agents.csv` for `model`; `path` only names the file in diagnostics.
pub fn read_agents(path: &Path, text: &str, model: &Model) -> Result<Vec<Agent>, Diagnostics> {
    let mut r = Reader {
        path,
        problems: Vec::new(),
    };
    let mut csv = crate::csv_input::reader(text);
    let mut records = csv.records();
    let Some(Ok(header)) = records.next() else {
        r.at(
            1,
            None,
            "expected a header row with id, name, skills, contract_hours".to_string(),
        );
        return Err(Diagnostics(r.problems));
    };
    let index = r.header(
        &header,
        &AGENT_COLUMNS,
        &["id", "name", "skills", "contract_hours"],
    );
    if !r.problems.is_empty() {
        return Err(Diagnostics(r.problems));
    }
    let mut agents: Vec<Agent> = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    for record in records {
        let record = match record {
            Ok(rec) => rec,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                r.at(line, None, format!("not valid CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |name: &str| {
            index
                .get(name)
                .map(|&i| (i, record.get(i).unwrap_or_default()))
        };
        let mut ok = true;
        let (ci, id) = cell("id").unwrap_or((0, ""));
        if !is_safe_id(id) {
            r.at(line, Some(ci), format!("id: expected letters, digits, '.', '_' or '-' (it names the agent's calendar file), found '{id}'"));
            ok = false;
        } else if let Some(first) = first_line.insert(id.to_ascii_lowercase(), line) {
            r.at(
                line,
                Some(ci),
                format!("id: '{id}' is listed twice, ignoring case (first on line {first})"),
            );
            ok = false;
        }
        let name = cell("name").map_or("", |c| c.1).to_string();
        let team = cell("team").map_or("", |c| c.1).to_string();
        let mut skills = Vec::new();
        if let Some((si, text)) = cell("skills") {
            for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let (channel, proficiency) = match part.split_once(':') {
                    Some((c, p)) => (
                        c.trim(),
                        p.trim()
                            .parse::<f64>()
                            .ok()
                            .filter(|x| (0.0..=1.0).contains(x)),
                    ),
                    None => (part, Some(1.0)),
                };
                match (model.channel_index(channel), proficiency) {
                    (Some(c), Some(p)) => skills.push((c, p)),
                    _ => {
                        let known: Vec<&str> =
                            model.channels.iter().map(|c| c.name.as_str()).collect();
                        r.at(line, Some(si), format!("skills: expected channels of the model ({}) with an optional proficiency from 0 to 1, such as voice;chat:0.8, found '{part}'", known.join(", ")));
                        ok = false;
                    }
                }
            }
            if skills.is_empty() && ok {
                r.at(
                    line,
                    Some(si),
                    "skills: expected at least one channel, found none".to_string(),
                );
                ok = false;
            }
        }
        let mut number = |name: &str, default: Option<f64>, max: f64| -> Option<f64> {
            match cell(name) {
                Some((_, "")) | None => default,
                Some((i, text)) => match text.parse::<f64>() {
                    Ok(x) if x.is_finite() && (0.0..=max).contains(&x) => Some(x),
                    _ => {
                        r.at(
                            line,
                            Some(i),
                            format!("{name}: expected a number from 0 to {max}, found '{text}'"),
                        );
                        None
                    }
                },
            }
        };
        let contract = number("contract_hours", None, 168.0);
        let min_hours = number("min_hours", contract.map(|c| (c - 8.0).max(0.0)), 168.0);
        let max_hours = number("max_hours", contract.map(|c| c + 4.0), 168.0);
        let max_days = number("max_days", Some(5.0), 7.0);
        let (Some(contract), Some(min_hours), Some(max_hours), Some(max_days)) =
            (contract, min_hours, max_hours, max_days)
        else {
            continue;
        };
        if min_hours > max_hours {
            r.at(
                line,
                index.get("min_hours").copied(),
                format!("min_hours: expected at most max_hours ({max_hours}), found {min_hours}"),
            );
            ok = false;
        }
        if ok {
            agents.push(Agent {
                id: id.to_string(),
                name,
                team,
                skills,
                contract_hours: contract,
                min_hours,
                max_hours,
                max_days: max_days.round() as u32,
            });
        }
    }
    if agents.is_empty() && r.problems.is_empty() {
        r.at(
            1,
            None,
            "expected at least one agent, found none".to_string(),
        );
    }
    if r.problems.is_empty() {
        Ok(agents)
    } else {
        Err(Diagnostics(r.problems))
    }
}

/// Reads `availability.csv` for `agents`.
pub fn read_availability(
    path: &Path,
    text: &str,
    agents: &[Agent],
) -> Result<Vec<Window>, Diagnostics> {
    let mut r = Reader {
        path,
        problems: Vec::new(),
    };
    let mut csv = crate::csv_input::reader(text);
    let mut records = csv.records();
    let Some(Ok(header)) = records.next() else {
        r.at(
            1,
            None,
            "expected a header row with agent_id, date, from, to, kind".to_string(),
        );
        return Err(Diagnostics(r.problems));
    };
    let columns = ["agent_id", "date", "from", "to", "kind"];
    let index = r.header(&header, &columns, &columns);
    if !r.problems.is_empty() {
        return Err(Diagnostics(r.problems));
    }
    let mut windows = Vec::new();
    for record in records {
        let Ok(record) = record else { continue };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |name: &str| {
            let i = index[name];
            (i, record.get(i).unwrap_or_default())
        };
        let (ai, id) = cell("agent_id");
        let agent = agents.iter().position(|a| a.id == id);
        if agent.is_none() {
            r.at(
                line,
                Some(ai),
                format!("agent_id: expected an id from the agents file, found '{id}'"),
            );
        }
        let (di, date) = cell("date");
        const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let when = match (
            NaiveDate::parse_from_str(date, "%Y-%m-%d"),
            DAYS.iter().position(|d| d.eq_ignore_ascii_case(date)),
        ) {
            (Ok(d), _) => Some(When::Date(d)),
            (_, Some(i)) => Weekday::try_from(i as u8).ok().map(When::Weekday),
            _ => {
                r.at(line, Some(di), format!("date: expected a date such as 2026-11-25 or a weekday (mon … sun), found '{date}'"));
                None
            }
        };
        let mut clock = |name: &str| {
            let (i, text) = cell(name);
            let parsed = if text == "24:00" {
                Some(24 * 60)
            } else {
                chrono::NaiveTime::parse_from_str(text, "%H:%M")
                    .ok()
                    .map(|t| chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t))
            };
            if parsed.is_none() {
                r.at(line, Some(i), format!("{name}: expected a local time such as 08:00 (24:00 for midnight), found '{text}'"));
            }
            parsed
        };
        let (from, to) = (clock("from"), clock("to"));
        if let (Some(f), Some(t)) = (from, to) {
            if t <= f {
                let text = record.get(index["to"]).unwrap_or_default();
                r.at(
                    line,
                    index.get("to").copied(),
                    format!("to: expected a time after from, found '{text}'"),
                );
            }
        }
        let (ki, kind) = cell("kind");
        let preferred = match kind.to_ascii_lowercase().as_str() {
            "unavailable" => Some(false),
            "preferred" => Some(true),
            _ => {
                r.at(
                    line,
                    Some(ki),
                    format!("kind: expected unavailable or preferred, found '{kind}'"),
                );
                None
            }
        };
        if let (Some(agent), Some(when), Some(f), Some(t), Some(preferred)) =
            (agent, when, from, to, preferred)
        {
            if t > f {
                windows.push(Window {
                    agent,
                    when,
                    from_minute: f,
                    to_minute: t,
                    preferred,
                });
            }
        }
    }
    if r.problems.is_empty() {
        Ok(windows)
    } else {
        Err(Diagnostics(r.problems))
    }
}

//! The calendar events vuoro published for a previous roster, so the next calendars update them in
//! place: an event keeps its `UID` (agent and schedule date) and its `SEQUENCE` rises by one exactly when
//! its content changes (RFC 5545 §3.8.7.4), which is how calendar programs tell a revision from a copy.

use super::ics::event_content;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::model::Model;
use crate::roster::roster_file::read_roster_json;
use crate::roster::Roster;
use crate::staffing::AgentId;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// An event of a previous publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousEvent {
    pub sequence: u32,
    /// Its content lines, unfolded: every property but `UID`, `DTSTAMP`, `SEQUENCE` and `STATUS`.
    pub lines: Vec<String>,
    /// Published as `STATUS:CANCELLED`.
    pub cancelled: bool,
}

/// The previous publication's events by (employee id, schedule date); empty for a first publication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Previous {
    pub events: BTreeMap<(String, NaiveDate), PreviousEvent>,
}

impl Previous {
    /// This publication's events, and `other`'s where this one has none (calendars first: they are
    /// what agents imported; `roster.json` fills in when calendars were not exported).
    pub fn or(mut self, other: Previous) -> Previous {
        for (key, event) in other.events {
            self.events.entry(key).or_insert(event);
        }
        self
    }
}

/// The `SEQUENCE` of each rostered shift's event by (employee id, schedule date).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sequences(pub BTreeMap<(String, NaiveDate), u32>);

impl Sequences {
    /// The sequence of an agent's shift on `date` (0: never published before).
    pub fn of(&self, employee_id: &str, date: NaiveDate) -> u32 {
        self.0
            .get(&(employee_id.to_string(), date))
            .copied()
            .unwrap_or(0)
    }
}

/// Each rostered shift's `SEQUENCE` against the previous publication: 0 for a new event, the previous
/// sequence for an unchanged one, one more for a changed or re-instated (previously cancelled) one.
pub fn sequences(model: &Model, roster: &Roster, previous: &Previous) -> Sequences {
    let mut out = BTreeMap::new();
    for span in roster.spans() {
        let Some(agent) = roster.agent_of(span) else {
            continue;
        };
        let key = (agent.id.clone(), span.date);
        let sequence = match previous.events.get(&key) {
            None => 0,
            Some(p) if !p.cancelled && p.lines == event_content(model, span) => p.sequence,
            Some(p) => p.sequence.saturating_add(1),
        };
        out.insert(key, sequence);
    }
    Sequences(out)
}

/// The events of vuoro's calendar files (`(file name, text)`); events of other programs (a `UID` not
/// of the form `<employee_id>-<YYYYMMDD>@vuoro`) are ignored.
pub fn previous_from_ics(files: &[(String, String)]) -> Previous {
    let mut events = BTreeMap::new();
    for (_, text) in files {
        for (key, event) in vevents(text) {
            events.insert(key, event);
        }
    }
    Previous { events }
}

/// The content lines of an iCalendar text, folded lines joined (RFC 5545 §3.1).
fn unfolded(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ if raw.is_empty() => {}
            _ => lines.push(raw.to_string()),
        }
    }
    lines
}

/// The vuoro events of one calendar.
fn vevents(text: &str) -> Vec<((String, NaiveDate), PreviousEvent)> {
    let mut out = Vec::new();
    let mut current: Option<(Option<(String, NaiveDate)>, PreviousEvent)> = None;
    for line in unfolded(text) {
        if line == "BEGIN:VEVENT" {
            current = Some((
                None,
                PreviousEvent {
                    sequence: 0,
                    lines: Vec::new(),
                    cancelled: false,
                },
            ));
            continue;
        }
        let Some((key, event)) = current.as_mut() else {
            continue;
        };
        if line == "END:VEVENT" {
            if let Some((Some(key), event)) = current.take() {
                out.push((key, event));
            }
        } else if let Some(uid) = line.strip_prefix("UID:") {
            *key = uid_key(uid);
        } else if let Some(n) = line.strip_prefix("SEQUENCE:") {
            event.sequence = n.trim().parse().unwrap_or(0);
        } else if let Some(status) = line.strip_prefix("STATUS:") {
            event.cancelled = status == "CANCELLED";
        } else if !line.starts_with("DTSTAMP") {
            event.lines.push(line);
        }
    }
    out
}

/// (employee id, date) of a `UID` vuoro wrote: `<employee_id>-<YYYYMMDD>@vuoro`.
fn uid_key(uid: &str) -> Option<(String, NaiveDate)> {
    let (id, date) = uid.strip_suffix("@vuoro")?.rsplit_once('-')?;
    if id.is_empty() || date.len() != 8 {
        return None;
    }
    let date = NaiveDate::parse_from_str(date, "%Y%m%d").ok()?;
    Some((id.to_string(), date))
}

/// The ids and calendar sequences `roster.json` holds beside its shifts.
#[derive(Deserialize)]
struct Ids {
    agents: Vec<IdAgent>,
}

#[derive(Deserialize)]
struct IdAgent {
    id: String,
    shifts: Vec<IdShift>,
}

#[derive(Deserialize)]
struct IdShift {
    date: String,
    #[serde(default)]
    sequence: u32,
}

/// The events of a previous `roster.json` (as `vuoro roster` or `vuoro plan` wrote it for `model`):
/// each shift's event as this version would write it, under the file's `sequence` (0 when absent).
pub fn previous_from_json(model: &Model, path: &Path, text: &str) -> Result<Previous, Diagnostics> {
    let staffing = read_roster_json(path, text, model)?;
    let ids: Ids = serde_json::from_str(text).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            location: Location::file(path),
            message: format!(
                "line {}, column {}: expected agents with an id and shifts with a date ({e})",
                e.line(),
                e.column()
            ),
        }])
    })?;
    let mut sequence = BTreeMap::new();
    for (i, agent) in ids.agents.iter().enumerate() {
        for shift in &agent.shifts {
            if let Ok(date) = NaiveDate::parse_from_str(&shift.date, "%Y-%m-%d") {
                sequence.insert((i, date), shift.sequence);
            }
        }
    }
    let mut events = BTreeMap::new();
    for span in &staffing.spans {
        let Some(AgentId(i)) = span.agent else {
            continue;
        };
        let Some(agent) = ids.agents.get(i) else {
            continue;
        };
        events.insert(
            (agent.id.clone(), span.date),
            PreviousEvent {
                sequence: sequence.get(&(i, span.date)).copied().unwrap_or(0),
                lines: event_content(model, span),
                cancelled: false,
            },
        );
    }
    Ok(Previous { events })
}

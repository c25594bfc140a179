//! The roster's people and problems read back from `roster.json` — agents, open shifts with the rules that
//! turned agents away, broken rules — so `vuoro report DIR` rebuilds the page from the folder alone. The
//! shifts themselves are [`read_roster_json`](crate::roster::roster_file::read_roster_json)'s.

use crate::agents::Agent;
use crate::error::{Diagnostic, Diagnostics, Location};
use crate::forecast::parse_instant;
use crate::model::Model;
use crate::roster::{OpenShift, Roster, SearchReport};
use crate::rules::{Rule, Violation};
use crate::staffing::{ChannelId, Span, Staffing, TemplateId};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Deserialize)]
struct File {
    agents: Vec<JsonAgent>,
    #[serde(default)]
    open_shifts: Vec<JsonOpen>,
    #[serde(default)]
    violations: Vec<JsonViolation>,
}

#[derive(Deserialize)]
struct JsonAgent {
    id: String,
    name: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    skills: Vec<String>,
    contract_hours: f64,
}

#[derive(Deserialize)]
struct JsonOpen {
    date: String,
    template: String,
    start: String,
    end: String,
    missing: u32,
    #[serde(default)]
    turned_away: TurnedAway,
    /// Absent before vuoro wrote it.
    #[serde(default)]
    blocked: String,
}

/// `[{ "rule": code, "agents": n }]` (schema 2), or `{ code: n }` (the first roster.json).
#[derive(Deserialize)]
#[serde(untagged)]
enum TurnedAway {
    List(Vec<JsonTurnedAway>),
    Map(BTreeMap<String, usize>),
}

impl Default for TurnedAway {
    fn default() -> Self {
        TurnedAway::List(Vec::new())
    }
}

#[derive(Deserialize)]
struct JsonTurnedAway {
    rule: String,
    agents: usize,
}

#[derive(Deserialize)]
struct JsonViolation {
    employee_id: Option<String>,
    rule: String,
    detail: String,
}

/// The roster of `roster.json` around its already-read `staffing`. `known` agents (the agents file, when
/// given) supply the contract band; otherwise the agents file's defaults apply (contract − 8 to
/// contract + 4 hours).
pub fn read_roster(
    path: &Path,
    text: &str,
    model: &Model,
    staffing: Staffing,
    known: &[Agent],
) -> Result<Roster, Diagnostics> {
    let fail = |message: String| {
        Diagnostics(vec![Diagnostic {
            location: Location::file(path),
            message,
        }])
    };
    let file: File = serde_json::from_str(text).map_err(|e| {
        fail(format!(
            "line {}, column {}: expected a roster.json written by vuoro ({e})",
            e.line(),
            e.column()
        ))
    })?;
    let agents: Vec<Agent> = file.agents.iter().map(|a| agent(model, a, known)).collect();
    let open = file
        .open_shifts
        .iter()
        .enumerate()
        .map(|(i, o)| open_shift(model, o).map_err(|e| fail(format!("open_shifts[{i}]: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let violations = file
        .violations
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let rule = Rule::ALL
                .into_iter()
                .find(|r| r.words() == v.rule || r.code() == v.rule)
                .ok_or_else(|| {
                    fail(format!(
                        "violations[{i}].rule: expected a rule of the catalogue, found '{}'",
                        v.rule
                    ))
                })?;
            let agent = match &v.employee_id {
                Some(id) => Some(agents.iter().position(|a| a.id == *id).ok_or_else(|| {
                    fail(format!(
                        "violations[{i}].employee_id: expected an agent of the file, found '{id}'"
                    ))
                })?),
                None => None,
            };
            Ok(Violation {
                agent,
                rule,
                detail: v.detail.clone(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Roster {
        agents,
        staffing,
        open,
        violations,
        search: SearchReport::default(),
    })
}

fn agent(model: &Model, a: &JsonAgent, known: &[Agent]) -> Agent {
    if let Some(k) = known.iter().find(|k| k.id == a.id) {
        return k.clone();
    }
    Agent {
        id: a.id.clone(),
        name: a.name.clone(),
        team: a.team.clone(),
        skills: a
            .skills
            .iter()
            .filter_map(|s| model.channels.iter().position(|c| c.name == *s))
            .map(|c| (c, 1.0))
            .collect(),
        contract_hours: a.contract_hours,
        min_hours: (a.contract_hours - 8.0).max(0.0),
        max_hours: a.contract_hours + 4.0,
        max_days: 5,
        contract: None,
        shifts: None,
        max_weekends: None,
        max_late_shifts: None,
    }
}

fn open_shift(model: &Model, o: &JsonOpen) -> Result<OpenShift, String> {
    let tz = model.time_zone;
    let template = model
        .shifts
        .iter()
        .position(|t| t.name == o.template)
        .ok_or_else(|| {
            format!(
                "template: expected a shift template of the model, found '{}'",
                o.template
            )
        })?;
    let date = NaiveDate::parse_from_str(&o.date, "%Y-%m-%d")
        .map_err(|_| format!("date: expected YYYY-MM-DD, found '{}'", o.date))?;
    let start =
        parse_instant(&o.start, tz).map_err(|e| format!("start: {e}, found '{}'", o.start))?;
    let end = parse_instant(&o.end, tz).map_err(|e| format!("end: {e}, found '{}'", o.end))?;
    let t = &model.shifts[template];
    let counts: Vec<(&str, usize)> = match &o.turned_away {
        TurnedAway::List(list) => list.iter().map(|t| (t.rule.as_str(), t.agents)).collect(),
        TurnedAway::Map(map) => map.iter().map(|(r, n)| (r.as_str(), *n)).collect(),
    };
    let mut turned_away = counts
        .into_iter()
        .map(|(code, n)| {
            Rule::from_code(code)
                .map(|r| (r, n))
                .ok_or_else(|| format!("turned_away: expected rule codes, found '{code}'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // The roster lists them in catalogue order.
    turned_away.sort();
    Ok(OpenShift {
        span: Span {
            agent: None,
            template: TemplateId(template),
            date,
            start,
            end,
            breaks: Vec::new(),
            channels: t.channels.iter().map(|c| ChannelId(*c)).collect(),
            count: o.missing,
            paid_minutes: t.paid_minutes,
            cost: t.cost,
        },
        turned_away,
        blocked: o.blocked.clone(),
    })
}

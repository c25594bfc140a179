//! `roster.json`: the roster for programs, versioned by `schema_version` (schema in `docs/exports.md`).

use super::previous::Sequences;
use crate::agents::Agent;
use crate::model::rules::Rule;
use crate::model::Model;
use crate::roster::Roster;
use crate::staffing::{AgentId, Span};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// The version of `roster.json`'s schema: raised whenever a field changes meaning or disappears (new
/// fields may be added within a version). Files without the field are version 1.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Serialize)]
struct JsonRoster<'a> {
    schema_version: u32,
    model: &'a str,
    time_zone: &'a str,
    agents: Vec<JsonAgent>,
    open_shifts: Vec<JsonOpen>,
    violations: Vec<JsonViolation>,
}

#[derive(Serialize)]
struct JsonAgent {
    id: String,
    name: String,
    team: String,
    skills: Vec<String>,
    contract_hours: f64,
    shifts: Vec<JsonShift>,
}

#[derive(Serialize)]
struct JsonShift {
    date: String,
    template: String,
    start: String,
    end: String,
    paid_hours: f64,
    channels: Vec<String>,
    breaks: Vec<JsonBreak>,
    /// The `SEQUENCE` of the shift's calendar event.
    sequence: u32,
}

#[derive(Serialize)]
struct JsonBreak {
    name: String,
    start: String,
    end: String,
    paid: bool,
}

#[derive(Serialize)]
struct JsonOpen {
    date: String,
    template: String,
    start: String,
    end: String,
    missing: u32,
    turned_away: Vec<JsonTurnedAway>,
    /// The agents whose skills and contract fit, and what kept each, in planner's words.
    blocked: String,
}

/// A rule by its stable code and the planner's words for it.
#[derive(Serialize)]
struct JsonTurnedAway {
    rule: &'static str,
    words: &'static str,
    agents: usize,
}

#[derive(Serialize)]
struct JsonViolation {
    employee_id: Option<String>,
    rule: &'static str,
    words: &'static str,
    /// Whether the model enforces the rule (a hard rule is broken only when listed in `[rules] soft`).
    hard: bool,
    detail: String,
}

/// `roster.json` with every calendar `SEQUENCE` at 0 (a first publication).
pub fn roster_json(model: &Model, roster: &Roster) -> String {
    roster_json_with(model, roster, &Sequences::default())
}

/// `roster.json`, each shift with its calendar event's `SEQUENCE` from `sequences`.
pub fn roster_json_with(model: &Model, roster: &Roster, sequences: &Sequences) -> String {
    let agents = roster
        .agents
        .iter()
        .enumerate()
        .map(|(i, agent)| json_agent(model, roster, AgentId(i), agent, sequences))
        .collect();
    let open_shifts = roster
        .open
        .iter()
        .map(|o| JsonOpen {
            date: o.span.date.to_string(),
            template: o.span.template_name(model).to_string(),
            start: iso(model, o.span.start),
            end: iso(model, o.span.end),
            missing: o.span.count,
            turned_away: o
                .turned_away
                .iter()
                .map(|(r, n)| JsonTurnedAway {
                    rule: r.code(),
                    words: r.words(),
                    agents: *n,
                })
                .collect(),
            blocked: o.blocked.clone(),
        })
        .collect();
    let violations = roster
        .violations
        .iter()
        .map(|v| JsonViolation {
            employee_id: v
                .agent
                .and_then(|a| roster.agents.get(a))
                .map(|a| a.id.clone()),
            rule: v.rule.code(),
            words: v.rule.words(),
            hard: is_hard(model, v.rule),
            detail: v.detail.clone(),
        })
        .collect();
    let doc = JsonRoster {
        schema_version: SCHEMA_VERSION,
        model: &model.name,
        time_zone: model.time_zone.name(),
        agents,
        open_shifts,
        violations,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// Whether the model enforces `rule`.
pub(super) fn is_hard(model: &Model, rule: Rule) -> bool {
    model.rules.is_hard(rule)
}

/// Local ISO date-time with offset, the time form of `roster.json`.
fn iso(model: &Model, t: DateTime<Utc>) -> String {
    crate::forecast::local_iso(model, t)
}

/// An agent of `roster.json` with the agent's shifts.
fn json_agent(
    model: &Model,
    roster: &Roster,
    id: AgentId,
    agent: &Agent,
    sequences: &Sequences,
) -> JsonAgent {
    JsonAgent {
        id: agent.id.clone(),
        name: agent.name.clone(),
        team: agent.team.clone(),
        skills: agent
            .skills
            .iter()
            .map(|(c, _)| model.channels[*c].name.clone())
            .collect(),
        contract_hours: agent.contract_hours,
        shifts: roster
            .spans()
            .iter()
            .filter(|a| a.agent == Some(id))
            .map(|a| json_shift(model, a, sequences.of(&agent.id, a.date)))
            .collect(),
    }
}

/// A shift of `roster.json` with its breaks.
fn json_shift(model: &Model, a: &Span, sequence: u32) -> JsonShift {
    JsonShift {
        date: a.date.to_string(),
        template: a.template_name(model).to_string(),
        start: iso(model, a.start),
        end: iso(model, a.end),
        paid_hours: a.paid_hours(),
        channels: a
            .channel_names(model)
            .iter()
            .map(|c| c.to_string())
            .collect(),
        breaks: a
            .breaks
            .iter()
            .map(|b| JsonBreak {
                name: b.name.clone(),
                start: iso(model, b.start),
                end: iso(model, b.start + Duration::minutes(i64::from(b.minutes))),
                paid: b.paid,
            })
            .collect(),
        sequence,
    }
}

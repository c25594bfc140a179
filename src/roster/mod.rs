//! Named-agent rosters: who works which of the plan's shifts, under labour rules.
//!
//! # Method
//! A flat binary programme over agents × days × shifts is slow (see DESIGN §5), so the roster is built
//! the way planners build it, but exhaustively and deterministically: the plan's shifts are taken in
//! start order, and each goes to the agent with the lowest cost among those every enforced rule admits.
//! The rules, their admission tests and their costs are the catalogue in [`crate::rules`]: skills,
//! availability, one shift a day and no overlap always; `min_rest`, `weekly_rest`,
//! `max_consecutive_days`, `max_hours` and `max_days` unless the model makes them soft. The cost prefers
//! the agent furthest below their contract hours, then start times close to the agent's other starts, a
//! fair share of weekend shifts, days off kept in pairs, a fair share of late shifts, preferred hours,
//! and last the agent's proficiency in the shift's channels; ties go to the earlier agent in the file.
//! Shifts nobody can take are reported as open, and every rule an agent's week breaks is listed by agent
//! and rule, in planner's words.

pub mod plan_file;
pub mod roster_file;

use crate::agents::{Agent, Window};
use crate::grid::start_of_day;
use crate::model::rules::LabourRules;
use crate::model::Model;
use crate::rules::{self, AgentWeek, Context, Offer, Rule, Violation, Who};
use crate::staffing::{AgentId, Span, Staffing};
use chrono::{DateTime, Duration, Utc};

/// The roster: the plan's spans with named agents, and what could not be filled.
#[derive(Debug, Clone)]
pub struct Roster {
    pub agents: Vec<Agent>,
    /// One span per agent-shift (`agent` set, `count` 1), in agent order, then start.
    pub staffing: Staffing,
    /// Shifts of the plan nobody could take.
    pub open: Vec<OpenShift>,
    pub violations: Vec<Violation>,
}

/// A shift of the plan nobody could take, and why, rule by rule.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenShift {
    /// The shift, with the agents missing as `count`.
    pub span: Span,
    /// For each enforced rule, how many agents it turned away (each agent counted under the first rule
    /// of the catalogue that refused it), when the shift was first left open.
    pub turned_away: Vec<(Rule, usize)>,
}

impl Roster {
    /// The rostered spans.
    pub fn spans(&self) -> &[Span] {
        &self.staffing.spans
    }

    /// Agent-shifts nobody could take.
    pub fn open_count(&self) -> u32 {
        self.open.iter().map(|o| o.span.count).sum()
    }

    /// The agent of a rostered span.
    pub fn agent_of(&self, span: &Span) -> Option<&Agent> {
        span.agent.and_then(|a| self.agents.get(a.0))
    }
}

/// The time a shift plan rosters: from the first instant of its first shift's local date to the first
/// instant of the day after its last date (or its last shift's end, if later), so a whole last week is
/// held to the agents' minimum hours. `None` for an empty plan.
pub fn period_of(model: &Model, plan: &Staffing) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let tz = model.time_zone;
    let first = plan.spans.iter().map(|s| s.start).min()?;
    let last_end = plan.spans.iter().map(|s| s.end).max()?;
    let last_date = plan.spans.iter().map(|s| s.date).max()?;
    let start = start_of_day(tz, first.with_timezone(&tz).date_naive());
    let end = start_of_day(tz, last_date + Duration::days(1)).max(last_end);
    Some((start, end))
}

/// Proficiency of an agent in a shift's channels (mean; 0 for a channel the agent lacks).
fn proficiency(agent: &Agent, span: &Span) -> f64 {
    let sum: f64 = span
        .channels
        .iter()
        .map(|c| {
            agent
                .skills
                .iter()
                .find(|(s, _)| *s == c.0)
                .map_or(0.0, |(_, p)| *p)
        })
        .sum();
    sum / span.channels.len().max(1) as f64
}

/// The agent every enforced rule admits with the lowest cost (ties: the earlier agent).
fn best_agent(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    offer: &Offer<'_>,
) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for (index, agent) in agents.iter().enumerate() {
        let who = Who {
            index,
            agent,
            week: &weeks[index],
        };
        if !rules::admits(cx, who, offer) {
            continue;
        }
        let score = rules::cost(cx, who, offer) - proficiency(agent, offer.span);
        if best.is_none_or(|(b, _)| score < b - 1e-12) {
            best = Some((score, index));
        }
    }
    best.map(|(_, a)| a)
}

/// Why no agent may take a shift: each agent under the first enforced rule that refuses it.
fn turned_away(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    offer: &Offer<'_>,
) -> Vec<(Rule, usize)> {
    let mut counts: Vec<(Rule, usize)> = Vec::new();
    for (index, agent) in agents.iter().enumerate() {
        let who = Who {
            index,
            agent,
            week: &weeks[index],
        };
        if let Some(rule) = rules::refusing(cx, who, offer) {
            match counts.iter_mut().find(|(r, _)| *r == rule) {
                Some((_, n)) => *n += 1,
                None => counts.push((rule, 1)),
            }
        }
    }
    counts.sort();
    counts
}

/// Assigns `agents` to the plan's shifts; `period` is the planned time (weeks it covers whole are held to
/// the agents' minimum weekly hours). Contract bands, `max_days` and the weekly rest apply per ISO week.
pub fn assign(
    model: &Model,
    labour: &LabourRules,
    plan: &Staffing,
    agents: Vec<Agent>,
    windows: &[Window],
    period: (DateTime<Utc>, DateTime<Utc>),
) -> Roster {
    let shifts = &plan.spans;
    let tz = model.time_zone;
    let dates = shifts
        .iter()
        .flat_map(|s| [s.date, s.end.with_timezone(&tz).date_naive()]);
    let cx = Context::new(model, labour, windows, period, dates);
    // Every agent-shift of the plan, in start order.
    let mut instances: Vec<usize> = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        instances.extend(std::iter::repeat_n(i, s.count as usize));
    }
    instances.sort_by_key(|&i| (shifts[i].start, i));
    let mut weeks = vec![AgentWeek::default(); agents.len()];
    let mut assignments = Vec::new();
    let mut open: Vec<u32> = vec![0; shifts.len()];
    let mut why: Vec<Vec<(Rule, usize)>> = vec![Vec::new(); shifts.len()];
    for i in instances {
        let offer = Offer::new(model, labour.late_after_h, &shifts[i]);
        match best_agent(&cx, &agents, &weeks, &offer) {
            Some(a) => {
                weeks[a].take(&offer);
                assignments.push(Span {
                    agent: Some(AgentId(a)),
                    ..shifts[i].anonymous(1)
                });
            }
            None => {
                if open[i] == 0 {
                    why[i] = turned_away(&cx, &agents, &weeks, &offer);
                }
                open[i] += 1;
            }
        }
    }
    assignments.sort_by_key(|a| (a.agent, a.start));
    let violations = rules::violations(&cx, &agents, &weeks);
    Roster {
        agents,
        staffing: Staffing::new(assignments),
        open: open
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| OpenShift {
                span: shifts[i].anonymous(*n),
                turned_away: std::mem::take(&mut why[i]),
            })
            .collect(),
        violations,
    }
}

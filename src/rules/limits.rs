//! Limits a contract or template sets on what an agent works: the templates the contract allows, shifts
//! of one template a week, weekends in the period, late shifts a week. Hard unless `[rules] soft` lists
//! them; a limit nobody set admits everything.

use super::week::Offer;
use super::{AgentWeek, Constraint, Context, Rule, Who};
use crate::agents::Agent;
use crate::grid::{iso_week, IsoWeek};
use chrono::{Datelike, Weekday};
use std::collections::BTreeSet;

/// Only templates the agent's contract lists (`[[contract]] shifts`).
#[derive(Debug)]
pub struct ContractShifts;

impl Constraint for ContractShifts {
    fn rule(&self) -> Rule {
        Rule::ContractShifts
    }

    fn admits(&self, _: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        who.agent.may_work(offer.span.template.0)
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        weeks[a]
            .taken
            .iter()
            .filter(|s| !agents[a].may_work(s.template.0))
            .map(|s| {
                format!(
                    "{} {} (contract {})",
                    s.date,
                    s.template_name(cx.model),
                    agents[a].contract.as_deref().unwrap_or("-")
                )
            })
            .collect()
    }
}

/// At most a template's `max_per_agent` shifts of it for one agent in an ISO week.
#[derive(Debug)]
pub struct MaxTemplateShifts;

fn template_shifts(week: &AgentWeek, template: usize, iso: IsoWeek) -> u32 {
    week.taken
        .iter()
        .filter(|s| s.template.0 == template && iso_week(s.date) == iso)
        .count() as u32
}

impl Constraint for MaxTemplateShifts {
    fn rule(&self) -> Rule {
        Rule::MaxTemplateShifts
    }

    fn admits(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        let t = offer.span.template.0;
        cx.model.shifts[t]
            .max_per_agent
            .is_none_or(|max| template_shifts(who.week, t, offer.week) < max)
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let w = &weeks[a];
        let seen: BTreeSet<(IsoWeek, usize)> = w
            .taken
            .iter()
            .map(|s| (iso_week(s.date), s.template.0))
            .collect();
        seen.into_iter()
            .filter_map(|(iso, t)| {
                let max = cx.model.shifts[t].max_per_agent?;
                let n = template_shifts(w, t, iso);
                (n > max).then(|| {
                    format!(
                        "week {}: {n} × {}, at most {max}",
                        iso.1, cx.model.shifts[t].name
                    )
                })
            })
            .collect()
    }
}

/// At most `max_weekends` weekends worked in the period (the rules' or the contract's, the lower).
#[derive(Debug)]
pub struct MaxWeekends;

fn weekend_limit(cx: &Context<'_>, agent: &Agent) -> Option<u32> {
    match (cx.rules.max_weekends, agent.max_weekends) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The ISO weeks whose Saturday or Sunday the agent works.
fn weekends_worked(week: &AgentWeek) -> BTreeSet<IsoWeek> {
    week.days
        .iter()
        .filter(|d| matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .map(|d| iso_week(*d))
        .collect()
}

impl Constraint for MaxWeekends {
    fn rule(&self) -> Rule {
        Rule::MaxWeekends
    }

    fn admits(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        let Some(max) = weekend_limit(cx, who.agent) else {
            return true;
        };
        let worked = weekends_worked(who.week);
        !offer.weekend || worked.contains(&offer.week) || (worked.len() as u32) < max
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let Some(max) = weekend_limit(cx, &agents[a]) else {
            return Vec::new();
        };
        let n = weekends_worked(&weeks[a]).len() as u32;
        (n > max)
            .then(|| format!("{n} weekends worked, at most {max}"))
            .into_iter()
            .collect()
    }
}

/// At most the contract's `max_late_shifts` late shifts in an ISO week.
#[derive(Debug)]
pub struct MaxLateShifts;

fn lates_in(week: &AgentWeek, iso: IsoWeek) -> u32 {
    week.taken
        .iter()
        .filter(|s| iso_week(s.date) == iso && s.late)
        .count() as u32
}

impl Constraint for MaxLateShifts {
    fn rule(&self) -> Rule {
        Rule::MaxLateShifts
    }

    fn admits(&self, _: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        match who.agent.max_late_shifts {
            Some(max) if offer.late => lates_in(who.week, offer.week) < max,
            _ => true,
        }
    }

    fn breaches(
        &self,
        _: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let Some(max) = agents[a].max_late_shifts else {
            return Vec::new();
        };
        weeks[a]
            .weeks()
            .into_iter()
            .filter_map(|iso| {
                let n = lates_in(&weeks[a], iso);
                (n > max).then(|| format!("week {}: {n} late shifts, at most {max}", iso.1))
            })
            .collect()
    }
}

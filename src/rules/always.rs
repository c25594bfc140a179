//! Rules that are never broken: skills, availability, one shift a day, no overlapping shifts.

use super::week::overlaps;
use super::{AgentWeek, Constraint, Context, Offer, Rule, Who};
use crate::agents::Agent;

/// Holds every channel of the shift ("Missing required skill"). Scoring prefers the more proficient.
#[derive(Debug)]
pub struct Skills;

impl Constraint for Skills {
    fn rule(&self) -> Rule {
        Rule::Skills
    }

    fn admits(&self, _: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        offer.span.channels.iter().all(|c| who.agent.has_skill(c.0))
    }

    fn breaches(&self, _: &Context<'_>, _: usize, _: &[Agent], _: &[AgentWeek]) -> Vec<String> {
        Vec::new() // enforced on every assignment
    }
}

/// Not scheduled while unavailable (approved leave, fixed days off).
#[derive(Debug)]
pub struct Availability;

impl Constraint for Availability {
    fn rule(&self) -> Rule {
        Rule::Availability
    }

    fn admits(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        !cx.windows.iter().any(|w| {
            w.agent == who.index
                && !w.preferred
                && overlaps(cx.model, w, offer.span.start, offer.span.end)
        })
    }

    fn breaches(&self, _: &Context<'_>, _: usize, _: &[Agent], _: &[AgentWeek]) -> Vec<String> {
        Vec::new() // enforced on every assignment
    }
}

/// At most one shift per local date.
#[derive(Debug)]
pub struct OneShiftPerDay;

impl Constraint for OneShiftPerDay {
    fn rule(&self) -> Rule {
        Rule::OneShiftPerDay
    }

    fn admits(&self, _: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        !who.week.days.contains(&offer.span.date)
    }

    fn breaches(&self, _: &Context<'_>, _: usize, _: &[Agent], _: &[AgentWeek]) -> Vec<String> {
        Vec::new() // enforced on every assignment
    }
}

/// Two shifts of one agent never overlap, whatever the rest rule says.
#[derive(Debug)]
pub struct NoOverlap;

impl Constraint for NoOverlap {
    fn rule(&self) -> Rule {
        Rule::NoOverlap
    }

    fn admits(&self, _: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        !who.week
            .spans
            .iter()
            .any(|(s, e)| *s < offer.span.end && offer.span.start < *e)
    }

    fn breaches(&self, _: &Context<'_>, _: usize, _: &[Agent], _: &[AgentWeek]) -> Vec<String> {
        Vec::new() // enforced on every assignment
    }
}

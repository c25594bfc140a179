//! Rules of the labour contract, hard unless the model lists them in `[rules] soft`: rest between
//! shifts, weekly rest, consecutive days, weekly hours and days.

use super::week::{longest_run, rests, weekly_rest, weekly_rest_of};
use super::{AgentWeek, Constraint, Context, Offer, Rule, Who};
use crate::agents::Agent;
use crate::grid::{iso_week, IsoWeek};

/// At least `min_rest` between the end of one shift and the start of the next.
#[derive(Debug)]
pub struct MinRest;

impl Constraint for MinRest {
    fn rule(&self) -> Rule {
        Rule::MinRest
    }

    fn admits(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        let min = cx.rules.min_rest_h;
        // Only shifts ending within `min` (and a day's margin) of the offer's start, or starting
        // as near its end, can be too close; the spans are sorted by start.
        let margin = chrono::Duration::minutes((min * 60.0).ceil() as i64 + 24 * 60);
        let (from, to) = (offer.span.start - margin, offer.span.end + margin);
        !who.week
            .spans
            .iter()
            .filter(|(s, e)| *e > from && *s < to)
            .any(|(s, e)| {
                let before = (offer.span.start - *e).num_minutes() as f64 / 60.0;
                let after = (*s - offer.span.end).num_minutes() as f64 / 60.0;
                (0.0..min).contains(&before) || (0.0..min).contains(&after)
            })
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        rests(&weeks[a].spans)
            .into_iter()
            .filter(|(rest, _)| *rest < cx.rules.min_rest_h)
            .map(|(rest, before)| {
                format!(
                    "{rest:.1} h before {}, at least {:.0} h",
                    crate::forecast::local_iso(cx.model, before),
                    cx.rules.min_rest_h
                )
            })
            .collect()
    }
}

/// An uninterrupted rest of `weekly_rest` inside every local ISO week the agent works.
#[derive(Debug)]
pub struct WeeklyRest;

impl Constraint for WeeklyRest {
    fn rule(&self) -> Rule {
        Rule::WeeklyRest
    }

    fn admits(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        let span = (offer.span.start, offer.span.end);
        let spans = &who.week.spans;
        let at = spans.partition_point(|s| *s <= span);
        let with = || {
            spans[..at]
                .iter()
                .copied()
                .chain(std::iter::once(span))
                .chain(spans[at..].iter().copied())
        };
        let ok = |w: IsoWeek| weekly_rest_of(with(), cx.week_window(w)) >= cx.rules.weekly_rest_h;
        ok(offer.week) && (offer.end_week == offer.week || ok(offer.end_week))
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let w = &weeks[a];
        // The weeks of every shift's start and end (a Sunday night shift reaches into Monday's week).
        let tz = cx.model.time_zone;
        let ends = w
            .spans
            .iter()
            .map(|(_, e)| iso_week(e.with_timezone(&tz).date_naive()));
        let mut all: Vec<IsoWeek> = w.weeks().into_iter().chain(ends).collect();
        all.sort_unstable();
        all.dedup();
        all.into_iter()
            .filter_map(|week| {
                let rest = weekly_rest(&w.spans, cx.week_window(week));
                (rest < cx.rules.weekly_rest_h).then(|| {
                    format!(
                        "week {}: longest rest {rest:.1} h, at least {:.0} h",
                        week.1, cx.rules.weekly_rest_h
                    )
                })
            })
            .collect()
    }
}

/// At most `max_consecutive_days` working days in a row.
#[derive(Debug)]
pub struct MaxConsecutiveDays;

impl Constraint for MaxConsecutiveDays {
    fn rule(&self) -> Rule {
        Rule::MaxConsecutiveDays
    }

    fn admits(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        who.week.run_with(offer.span.date) <= cx.rules.max_consecutive_days
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let run = longest_run(&weeks[a].days);
        (run > cx.rules.max_consecutive_days)
            .then(|| format!("{run} in a row, at most {}", cx.rules.max_consecutive_days))
            .into_iter()
            .collect()
    }
}

/// Paid hours of an ISO week at most the agent's `max_hours`.
#[derive(Debug)]
pub struct MaxHours;

impl Constraint for MaxHours {
    fn rule(&self) -> Rule {
        Rule::MaxHours
    }

    fn admits(&self, _: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        who.week.hours_in(offer.week) + offer.span.paid_hours() <= who.agent.max_hours + 1e-9
    }

    fn breaches(
        &self,
        _: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let max = agents[a].max_hours;
        weeks[a]
            .hours
            .iter()
            .filter(|(_, h)| **h > max + 1e-9)
            .map(|(week, h)| format!("week {}: {h:.1} h rostered, maximum {max:.1} h", week.1))
            .collect()
    }
}

/// Working days of an ISO week at most the agent's `max_days`.
#[derive(Debug)]
pub struct MaxDays;

impl Constraint for MaxDays {
    fn rule(&self) -> Rule {
        Rule::MaxDays
    }

    fn admits(&self, _: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        who.week.days_in_week_of(offer.span.date) < who.agent.max_days
    }

    fn breaches(
        &self,
        _: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let w = &weeks[a];
        w.weeks()
            .into_iter()
            .filter(|week| w.days_in(*week) > agents[a].max_days)
            .map(|week| {
                format!(
                    "week {}: {} days, at most {}",
                    week.1,
                    w.days_in(week),
                    agents[a].max_days
                )
            })
            .collect()
    }
}

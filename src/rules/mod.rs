//! The rule catalogue: each labour rule defined once — its code, words and strength in
//! [`Rule`](crate::model::rules::Rule), and here what it checks. One definition drives the roster's
//! choice (a hard rule *admits* an agent for a shift or not), its scoring (a soft rule's *cost* of giving
//! the shift to that agent) and the violation report (its *breaches* in a finished roster), after
//! Timefold's constraint providers. The integer program's constraint families are named in [`family`].

pub mod family;
mod week;

use crate::agents::{Agent, Window};
use crate::grid::{iso_week, start_of_day, IsoWeek};
use crate::model::rules::LabourRules;
pub use crate::model::rules::{Rule, Strength};
use crate::model::Model;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use std::collections::HashMap;
use week::{longest_run, overlaps, rests, weekly_rest};
pub use week::{AgentWeek, Offer};

/// What every rule may consult: the model, its rules, the agents' availability, the rostered period.
#[derive(Debug)]
pub struct Context<'a> {
    pub model: &'a Model,
    pub rules: &'a LabourRules,
    pub windows: &'a [Window],
    /// The rostered time: weeks it covers whole are held to the agents' minimum hours.
    pub period: (DateTime<Utc>, DateTime<Utc>),
    week_windows: HashMap<IsoWeek, (DateTime<Utc>, DateTime<Utc>)>,
}

impl<'a> Context<'a> {
    /// `dates` are the local dates shifts touch; the period's own dates are added.
    pub fn new(
        model: &'a Model,
        rules: &'a LabourRules,
        windows: &'a [Window],
        period: (DateTime<Utc>, DateTime<Utc>),
        dates: impl IntoIterator<Item = NaiveDate>,
    ) -> Context<'a> {
        let mut cx = Context {
            model,
            rules,
            windows,
            period,
            week_windows: HashMap::new(),
        };
        let all: Vec<NaiveDate> = dates.into_iter().chain(cx.period_dates()).collect();
        for d in all {
            let week = iso_week(d);
            cx.week_windows
                .entry(week)
                .or_insert_with(|| week_window(model, week));
        }
        cx
    }

    /// Local midnight-to-midnight window of an ISO week.
    pub fn week_window(&self, week: IsoWeek) -> (DateTime<Utc>, DateTime<Utc>) {
        self.week_windows
            .get(&week)
            .copied()
            .unwrap_or_else(|| week_window(self.model, week))
    }

    /// The local dates of the period.
    pub fn period_dates(&self) -> Vec<NaiveDate> {
        let tz = self.model.time_zone;
        let first = self.period.0.with_timezone(&tz).date_naive();
        let last = (self.period.1 - Duration::minutes(1))
            .with_timezone(&tz)
            .date_naive();
        first.iter_days().take_while(|d| *d <= last).collect()
    }

    /// Whether a rule is enforced under this model.
    pub fn is_hard(&self, rule: Rule) -> bool {
        self.rules.is_hard(rule)
    }
}

fn week_window(model: &Model, week: IsoWeek) -> (DateTime<Utc>, DateTime<Utc>) {
    let monday =
        NaiveDate::from_isoywd_opt(week.0, week.1, chrono::Weekday::Mon).unwrap_or_default();
    let tz = model.time_zone;
    (
        start_of_day(tz, monday),
        start_of_day(tz, monday + Duration::days(7)),
    )
}

/// One rule's three faces.
pub trait Constraint: Sync {
    fn rule(&self) -> Rule;

    /// Whether the agent may take the shift without breaking the rule; consulted while it is hard.
    fn admits(&self, _cx: &Context<'_>, _who: Who<'_>, _offer: &Offer<'_>) -> bool {
        true
    }

    /// What giving the shift to the agent costs under the rule (lower is better; a reward is negative).
    fn cost(&self, _cx: &Context<'_>, _who: Who<'_>, _offer: &Offer<'_>) -> f64 {
        0.0
    }

    /// Where a finished roster breaks the rule for agent `a`, in words.
    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String>;
}

/// An agent and the shifts it has so far.
#[derive(Debug, Clone, Copy)]
pub struct Who<'a> {
    pub index: usize,
    pub agent: &'a Agent,
    pub week: &'a AgentWeek,
}

/// A rule broken, in planner's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub agent: Option<usize>,
    pub rule: Rule,
    pub detail: String,
}

/// Every rule, in [`Rule::ALL`] order.
pub static CATALOGUE: [&dyn Constraint; 15] = [
    &Skills,
    &Availability,
    &OneShiftPerDay,
    &NoOverlap,
    &MinRest,
    &WeeklyRest,
    &MaxConsecutiveDays,
    &MaxHours,
    &MaxDays,
    &MinHours,
    &StartSpread,
    &WeekendFairness,
    &PairedDaysOff,
    &LateFairness,
    &PreferredHours,
];

/// The definition of one rule.
pub fn constraint(rule: Rule) -> &'static dyn Constraint {
    CATALOGUE
        .iter()
        .copied()
        .find(|c| c.rule() == rule)
        .unwrap_or(&Skills)
}

/// Whether every rule enforced under the model admits the agent for the shift.
pub fn admits(cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
    CATALOGUE
        .iter()
        .all(|c| !cx.is_hard(c.rule()) || c.admits(cx, who, offer))
}

/// The soft cost of giving the shift to the agent, summed over the catalogue.
pub fn cost(cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
    CATALOGUE.iter().map(|c| c.cost(cx, who, offer)).sum()
}

/// Every breach of every rule in a finished roster, by agent, then in catalogue order.
pub fn violations(cx: &Context<'_>, agents: &[Agent], weeks: &[AgentWeek]) -> Vec<Violation> {
    let mut out = Vec::new();
    for a in 0..agents.len() {
        for c in CATALOGUE {
            out.extend(
                c.breaches(cx, a, agents, weeks)
                    .into_iter()
                    .map(|detail| Violation {
                        agent: Some(a),
                        rule: c.rule(),
                        detail,
                    }),
            );
        }
    }
    out
}

fn day_label(d: NaiveDate) -> String {
    format!("{} {}.{}.", d.weekday(), d.day(), d.month())
}

// ---- always hard --------------------------------------------------------------------------------

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

// ---- hard unless the model makes them soft ------------------------------------------------------

/// At least `min_rest` between the end of one shift and the start of the next.
#[derive(Debug)]
pub struct MinRest;

impl Constraint for MinRest {
    fn rule(&self) -> Rule {
        Rule::MinRest
    }

    fn admits(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
        let min = cx.rules.min_rest_h;
        !who.week.spans.iter().any(|(s, e)| {
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
        let mut spans = who.week.spans.clone();
        spans.push((offer.span.start, offer.span.end));
        spans.sort();
        [offer.week, offer.end_week]
            .iter()
            .all(|w| weekly_rest(&spans, cx.week_window(*w)) >= cx.rules.weekly_rest_h)
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let w = &weeks[a];
        w.weeks()
            .into_iter()
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
        let mut days = who.week.days.clone();
        days.insert(offer.span.date);
        longest_run(&days) <= cx.rules.max_consecutive_days
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
        who.week.days_in(offer.week) < who.agent.max_days
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

// ---- soft ---------------------------------------------------------------------------------------

/// At least `min_hours` in every ISO week the period covers whole. Scoring gives shifts to the agent
/// furthest below contract hours first.
#[derive(Debug)]
pub struct MinHours;

impl Constraint for MinHours {
    fn rule(&self) -> Rule {
        Rule::MinHours
    }

    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        let deficit = (who.agent.contract_hours - who.week.hours_in(offer.week)).max(0.0);
        -deficit * cx.rules.penalties.below_contract_hour
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let mut whole: Vec<IsoWeek> = cx.period_dates().into_iter().map(iso_week).collect();
        whole.dedup();
        whole
            .into_iter()
            .filter(|week| {
                let window = cx.week_window(*week);
                window.0 >= cx.period.0 && window.1 <= cx.period.1
            })
            .filter_map(|week| {
                let hours = weeks[a].hours_in(week);
                (hours + 1e-9 < agents[a].min_hours).then(|| {
                    format!(
                        "week {}: {hours:.1} h rostered, minimum {:.1} h",
                        week.1, agents[a].min_hours
                    )
                })
            })
            .collect()
    }
}

/// Start times of an agent's week within `start_spread`.
#[derive(Debug)]
pub struct StartSpread;

impl Constraint for StartSpread {
    fn rule(&self) -> Rule {
        Rule::StartSpread
    }

    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        let starts = &who.week.start_minutes;
        if starts.is_empty() {
            return 0.0;
        }
        let mean = starts.iter().map(|&m| f64::from(m)).sum::<f64>() / starts.len() as f64;
        let off = ((f64::from(offer.start_minute) - mean).abs() / 60.0
            - cx.rules.start_spread_h / 2.0)
            .max(0.0);
        off * cx.rules.penalties.start_spread_hour
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let starts = &weeks[a].start_minutes;
        let (Some(lo), Some(hi)) = (starts.iter().min(), starts.iter().max()) else {
            return Vec::new();
        };
        (f64::from(hi - lo) / 60.0 > cx.rules.start_spread_h + 1e-9)
            .then(|| {
                format!(
                    "starts from {:02}:{:02} to {:02}:{:02}, at most {:.0} h apart",
                    lo / 60,
                    lo % 60,
                    hi / 60,
                    hi % 60,
                    cx.rules.start_spread_h
                )
            })
            .into_iter()
            .collect()
    }
}

/// Weekend shifts shared fairly: at most one above the average of agents who work.
#[derive(Debug)]
pub struct WeekendFairness;

impl Constraint for WeekendFairness {
    fn rule(&self) -> Rule {
        Rule::WeekendFairness
    }

    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        if offer.weekend {
            f64::from(who.week.weekends) * cx.rules.penalties.weekend_shift
        } else {
            0.0
        }
    }

    fn breaches(&self, _: &Context<'_>, a: usize, _: &[Agent], weeks: &[AgentWeek]) -> Vec<String> {
        unfair(a, weeks, |w| w.weekends)
    }
}

/// A count above the average of the agents who work by more than one.
fn unfair(a: usize, weeks: &[AgentWeek], count: fn(&AgentWeek) -> u32) -> Vec<String> {
    let working: Vec<u32> = weeks
        .iter()
        .filter(|w| !w.days.is_empty())
        .map(count)
        .collect();
    if working.is_empty() {
        return Vec::new();
    }
    let mean = working.iter().map(|&x| f64::from(x)).sum::<f64>() / working.len() as f64;
    let mine = count(&weeks[a]);
    (f64::from(mine) > mean + 1.0 + 1e-9)
        .then(|| format!("{mine} against an average of {mean:.1}"))
        .into_iter()
        .collect()
}

/// Days off in pairs: no single day off between working days.
#[derive(Debug)]
pub struct PairedDaysOff;

impl Constraint for PairedDaysOff {
    fn rule(&self) -> Rule {
        Rule::PairedDaysOff
    }

    /// Working today after a day off that followed a working day leaves that day off alone.
    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        if !cx.rules.paired_days_off {
            return 0.0;
        }
        let d1 = offer.span.date.pred_opt();
        let d2 = d1.and_then(|d| d.pred_opt());
        match (d1, d2) {
            (Some(d1), Some(d2)) if !who.week.days.contains(&d1) && who.week.days.contains(&d2) => {
                cx.rules.penalties.unpaired_day_off
            }
            _ => 0.0,
        }
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let days = &weeks[a].days;
        if !cx.rules.paired_days_off || days.is_empty() {
            return Vec::new();
        }
        let period = cx.period_dates();
        let inside =
            |d: Option<NaiveDate>| d.is_some_and(|d| period.contains(&d) && days.contains(&d));
        let lone: Vec<String> = period
            .iter()
            .filter(|d| !days.contains(d) && inside(d.pred_opt()) && inside(d.succ_opt()))
            .map(|d| day_label(*d))
            .collect();
        if lone.is_empty() {
            Vec::new()
        } else {
            vec![format!("single day off on {}", lone.join(", "))]
        }
    }
}

/// Late shifts shared fairly: at most one above the average of agents who work.
#[derive(Debug)]
pub struct LateFairness;

impl Constraint for LateFairness {
    fn rule(&self) -> Rule {
        Rule::LateFairness
    }

    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        if offer.late {
            f64::from(who.week.lates) * cx.rules.penalties.late_shift
        } else {
            0.0
        }
    }

    fn breaches(&self, _: &Context<'_>, a: usize, _: &[Agent], weeks: &[AgentWeek]) -> Vec<String> {
        unfair(a, weeks, |w| w.lates)
    }
}

/// On a day the agent stated preferred hours, the shift lies (at least partly) in them.
#[derive(Debug)]
pub struct PreferredHours;

impl PreferredHours {
    fn wishes<'c>(cx: &'c Context<'_>, a: usize) -> impl Iterator<Item = &'c Window> {
        cx.windows
            .iter()
            .filter(move |w| w.agent == a && w.preferred)
    }
}

impl Constraint for PreferredHours {
    fn rule(&self) -> Rule {
        Rule::PreferredHours
    }

    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        let met = Self::wishes(cx, who.index)
            .filter(|w| overlaps(cx.model, w, offer.span.start, offer.span.end))
            .count();
        -(met as f64) * cx.rules.penalties.preferred
    }

    /// Shifts on a day with a stated wish that miss every preferred window, as `date template`.
    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let wishes: Vec<&Window> = Self::wishes(cx, a).collect();
        let mut taken: Vec<&crate::staffing::Span> = weeks[a].taken.iter().collect();
        taken.sort_by_key(|s| s.start);
        taken
            .into_iter()
            .filter(|x| {
                let wished = wishes.iter().any(|w| match w.when {
                    crate::agents::When::Date(d) => d == x.date,
                    crate::agents::When::Weekday(wd) => x.date.weekday() == wd,
                });
                wished && !wishes.iter().any(|w| overlaps(cx.model, w, x.start, x.end))
            })
            .map(|x| format!("{} {}", x.date, x.template_name(cx.model)))
            .collect()
    }
}

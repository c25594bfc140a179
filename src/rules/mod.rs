//! The rule catalogue: each labour rule defined once — its code, words and strength in
//! [`Rule`](crate::model::rules::Rule), and here what it checks. One definition drives the roster's
//! choice (a hard rule *admits* an agent for a shift or not), its scoring (a soft rule's *cost* of giving
//! the shift to that agent) and the violation report (its *breaches* in a finished roster), after
//! Timefold's constraint providers. The integer program's constraint families are named in [`family`].

mod always;
mod contract;
pub mod family;
mod limits;
mod soft;
mod week;

pub use always::{Availability, NoOverlap, OneShiftPerDay, Skills};
pub use contract::{MaxConsecutiveDays, MaxDays, MaxHours, MinRest, WeeklyRest};
pub use limits::{ContractShifts, MaxLateShifts, MaxTemplateShifts, MaxWeekends};
pub use soft::{
    MinConsecutiveDays, MinHours, PairedDaysOff, PreferredHours, SharedFairly, StartSpread,
    LATE_FAIRNESS, WEEKEND_FAIRNESS,
};

use crate::agents::{Agent, Window};
use crate::grid::{iso_week, start_of_day, IsoWeek};
use crate::model::rules::LabourRules;
pub use crate::model::rules::{Rule, Strength};
use crate::model::Model;
use crate::staffing::Span;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;

pub use week::{AgentWeek, Offer, Taken};

/// What every rule may consult: the model, its rules, the agents' availability, the rostered period.
#[derive(Debug)]
pub struct Context<'a> {
    pub model: &'a Model,
    pub rules: &'a LabourRules,
    pub windows: &'a [Window],
    /// The rostered time: weeks it covers whole are held to the agents' minimum hours.
    pub period: (DateTime<Utc>, DateTime<Utc>),
    week_windows: HashMap<IsoWeek, (DateTime<Utc>, DateTime<Utc>)>,
    /// Days of leave per (agent, ISO week), fixed days off not counted ([`crate::leave`]).
    leave: HashMap<(usize, IsoWeek), u32>,
    /// The period's local dates, and its ISO weeks with how many of their days it holds and whether
    /// it covers them whole: computed once, read by every penalty call of the roster search.
    dates: Vec<NaiveDate>,
    weeks: Vec<(IsoWeek, usize, bool)>,
    /// The plan's kinds of shift (template and channel bits) and, per agent, the kinds it may work as
    /// bits: the fairness rules' peers found by a mask test ([`Context::learn_peers`]).
    pub(crate) kinds: Vec<(usize, u128)>,
    pub(crate) may: Vec<u64>,
    /// The fairness rules' peer counts as of [`Context::snapshot_fairness`], for the search's penalty.
    pub(crate) fair: Option<FairSnapshot>,
}

/// Weekend and late shifts held, and agents working, per group of agents who may work the same kinds:
/// a peer average in a few additions per call, where a scan of every agent would make each move of the
/// roster search cost as much as the workforce is large. Taken between search rounds, so within a
/// round the penalty's averages lag the moves (the reported breaches are always counted afresh).
#[derive(Debug, Clone, Default)]
pub(crate) struct FairSnapshot {
    /// Each group's kinds as bits, its [weekend, late] shifts held, and its working agents.
    pub groups: Vec<(u64, [u64; 2], u64)>,
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
            leave: HashMap::new(),
            dates: local_dates(model, period),
            weeks: Vec::new(),
            kinds: Vec::new(),
            may: Vec::new(),
            fair: None,
        };
        let mut on_leave: Vec<usize> = windows.iter().map(|w| w.agent).collect();
        on_leave.sort_unstable();
        on_leave.dedup();
        for a in on_leave {
            for d in crate::leave::days_away(windows, a) {
                let week = iso_week(d);
                let days = crate::leave::leave_days(windows, a, week);
                cx.leave.insert((a, week), days);
            }
        }
        let all: Vec<NaiveDate> = dates.into_iter().chain(cx.dates.clone()).collect();
        for d in all {
            let week = iso_week(d);
            cx.week_windows
                .entry(week)
                .or_insert_with(|| week_window(model, week));
        }
        for d in &cx.dates {
            let week = iso_week(*d);
            match cx.weeks.last_mut() {
                Some((w, n, _)) if *w == week => *n += 1,
                _ => {
                    let window = cx.week_window(week);
                    let whole = window.0 >= period.0 && window.1 <= period.1;
                    cx.weeks.push((week, 1, whole));
                }
            }
        }
        cx
    }

    /// Learns the kinds of shift (template and channels) of `shifts` and which of them each agent may
    /// work, so the fairness rules find an agent's peers by a mask test instead of a scan of skills
    /// (the roster search prices fairness on every move). At most 64 kinds; beyond, the scan serves.
    pub fn learn_peers<'s>(
        &mut self,
        agents: &[Agent],
        shifts: impl IntoIterator<Item = &'s Span>,
    ) {
        let mut kinds: Vec<(usize, u128)> = shifts
            .into_iter()
            .map(|s| (s.template.0, week::channel_bits(&s.channels)))
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        if kinds.len() > 64 {
            return;
        }
        self.may = agents
            .iter()
            .map(|p| {
                kinds
                    .iter()
                    .enumerate()
                    .filter(|(_, &(t, channels))| soft::may_work_kind(p, t, channels))
                    .fold(0u64, |m, (k, _)| m | 1 << k)
            })
            .collect();
        self.kinds = kinds;
    }

    /// Takes the fairness rules' peer counts of `weeks` for the search's penalty (after
    /// [`learn_peers`](Context::learn_peers); without it, nothing).
    pub fn snapshot_fairness(&mut self, weeks: &[AgentWeek]) {
        if self.may.len() != weeks.len() {
            return;
        }
        let mut snap = FairSnapshot::default();
        for (w, &sig) in weeks.iter().zip(&self.may) {
            if w.days.is_empty() {
                continue;
            }
            let at = match snap.groups.iter().position(|g| g.0 == sig) {
                Some(at) => at,
                None => {
                    snap.groups.push((sig, [0, 0], 0));
                    snap.groups.len() - 1
                }
            };
            let g = &mut snap.groups[at];
            g.1[0] += u64::from(w.weekends);
            g.1[1] += u64::from(w.lates);
            g.2 += 1;
        }
        self.fair = Some(snap);
    }

    /// Local midnight-to-midnight window of an ISO week.
    pub fn week_window(&self, week: IsoWeek) -> (DateTime<Utc>, DateTime<Utc>) {
        self.week_windows
            .get(&week)
            .copied()
            .unwrap_or_else(|| week_window(self.model, week))
    }

    /// The local dates of the period.
    pub fn period_dates(&self) -> &[NaiveDate] {
        &self.dates
    }

    /// The ISO weeks the period touches, in order, with the number of its dates in each and whether
    /// it covers the week whole (only whole weeks are held to the minimum hours).
    pub fn period_weeks(&self) -> &[(IsoWeek, usize, bool)] {
        &self.weeks
    }

    /// Whether a date lies in the period.
    pub fn in_period(&self, d: NaiveDate) -> bool {
        self.dates.first().is_some_and(|f| d >= *f) && self.dates.last().is_some_and(|l| d <= *l)
    }

    /// Days of leave agent `a` takes in `week`.
    pub fn leave_days(&self, a: usize, week: IsoWeek) -> u32 {
        self.leave.get(&(a, week)).copied().unwrap_or(0)
    }

    /// Agent `a`'s minimum hours in `week`, its leave credited ([`crate::leave`]).
    pub fn min_hours(&self, a: usize, agent: &Agent, week: IsoWeek) -> f64 {
        agent.min_hours_with_leave(self.leave_days(a, week))
    }

    /// Whether a rule is enforced under this model.
    pub fn is_hard(&self, rule: Rule) -> bool {
        self.rules.is_hard(rule)
    }
}

/// The local dates of a period.
fn local_dates(model: &Model, period: (DateTime<Utc>, DateTime<Utc>)) -> Vec<NaiveDate> {
    let tz = model.time_zone;
    let first = period.0.with_timezone(&tz).date_naive();
    let last = (period.1 - Duration::minutes(1))
        .with_timezone(&tz)
        .date_naive();
    first.iter_days().take_while(|d| *d <= last).collect()
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

    /// What agent `a`'s roster costs under the rule, in the units of [`cost`](Constraint::cost): the
    /// roster search minimises the sum. By default [`BREACH`] per breach; soft rules weigh their own.
    fn penalty(&self, cx: &Context<'_>, a: usize, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
        BREACH * self.breaches(cx, a, agents, weeks).len() as f64
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

/// What one broken soft rule, as the planner counts it, adds to the roster search's objective: above
/// the soft rules' own weighted terms on a week (an hour of start spread, a late shift more, a single
/// day off), which stay as shaping terms that lead the search towards rosters with fewer breaches;
/// below an hour under the minimum ([`BREACH`]) and a changed agent-day of an earlier roster.
pub const SOFT_BREACH: f64 = 100.0;

/// What breaking a hard rule costs the roster search (a rule `[rules] soft` lists, or the minimum
/// weekly hours per hour short): far above any soft rule, far below an open shift.
pub const BREACH: f64 = 1_000.0;

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
pub static CATALOGUE: [&dyn Constraint; 20] = [
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
    &WEEKEND_FAIRNESS,
    &PairedDaysOff,
    &LATE_FAIRNESS,
    &PreferredHours,
    &ContractShifts,
    &MaxTemplateShifts,
    &MaxWeekends,
    &MaxLateShifts,
    &MinConsecutiveDays,
];

/// The definition of one rule.
pub fn constraint(rule: Rule) -> &'static dyn Constraint {
    CATALOGUE
        .iter()
        .copied()
        .find(|c| c.rule() == rule)
        .unwrap_or(&Skills)
}

/// The catalogue in the order admission tests it: the cheap tests that turn most agents away (skills,
/// a shift that day, days and hours of the week) before the rest scans. The answer is the same in any
/// order; [`refusing`] keeps the catalogue's order for explanations.
static ADMISSION: [&dyn Constraint; 20] = [
    &Skills,
    &OneShiftPerDay,
    &MaxDays,
    &MaxHours,
    &ContractShifts,
    &NoOverlap,
    &MinRest,
    &MaxConsecutiveDays,
    &Availability,
    &MaxTemplateShifts,
    &MaxWeekends,
    &MaxLateShifts,
    &WeeklyRest,
    &MinHours,
    &StartSpread,
    &WEEKEND_FAIRNESS,
    &PairedDaysOff,
    &LATE_FAIRNESS,
    &PreferredHours,
    &MinConsecutiveDays,
];

/// Whether every rule enforced under the model admits the agent for the shift.
pub fn admits(cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> bool {
    ADMISSION
        .iter()
        .all(|c| !cx.is_hard(c.rule()) || c.admits(cx, who, offer))
}

/// The first enforced rule, in catalogue order, that refuses the agent the shift.
pub fn refusing(cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> Option<Rule> {
    CATALOGUE
        .iter()
        .find(|c| cx.is_hard(c.rule()) && !c.admits(cx, who, offer))
        .map(|c| c.rule())
}

/// The soft cost of giving the shift to the agent, summed over the catalogue.
pub fn cost(cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
    CATALOGUE.iter().map(|c| c.cost(cx, who, offer)).sum()
}

/// Agent `a`'s roster cost under every rule that admission does not already keep (soft rules, hard
/// rules the model makes soft, and the global minimum hours).
pub fn penalty(cx: &Context<'_>, a: usize, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
    CATALOGUE
        .iter()
        .filter(|c| c.rule().is_global() || !cx.is_hard(c.rule()))
        .map(|c| c.penalty(cx, a, agents, weeks))
        .sum()
}

/// Agent `a`'s cost under the soft rules alone (and hard rules the model makes soft, but not the minimum
/// hours): [`SOFT_BREACH`] per breach plus the model's weights, the part of the roster's objective the roster summary reports as
/// the soft-rule penalty.
pub fn soft_penalty(cx: &Context<'_>, a: usize, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
    CATALOGUE
        .iter()
        .filter(|c| !c.rule().is_global() && !cx.is_hard(c.rule()))
        .map(|c| c.penalty(cx, a, agents, weeks))
        .sum()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Admission may test in any order, but it must test every rule of the catalogue once.
    #[test]
    fn admission_order_holds_the_whole_catalogue() {
        let mut seen: Vec<Rule> = ADMISSION.iter().map(|c| c.rule()).collect();
        seen.sort();
        let mut all: Vec<Rule> = CATALOGUE.iter().map(|c| c.rule()).collect();
        all.sort();
        assert_eq!(seen, all);
        assert_eq!(all, Rule::ALL.to_vec());
    }
}

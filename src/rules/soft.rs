//! Soft rules, broken at a cost and reported: minimum weekly hours, start spread, fair weekends and
//! late shifts, paired days off, preferred hours.

use super::week::overlaps;
use super::week::Taken;
use super::{AgentWeek, Constraint, Context, Offer, Rule, Who, SOFT_BREACH};
use crate::agents::{Agent, Window};
use crate::grid::IsoWeek;
use chrono::{Datelike, NaiveDate};

fn day_label(d: NaiveDate) -> String {
    format!("{} {}.{}.", d.weekday(), d.day(), d.month())
}

/// At least `min_hours` in every ISO week the period covers whole. Scoring gives shifts to the agent
/// furthest below contract hours first.
#[derive(Debug)]
pub struct MinHours;

impl Constraint for MinHours {
    fn rule(&self) -> Rule {
        Rule::MinHours
    }

    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        let contract = who
            .agent
            .contract_hours_with_leave(cx.leave_days(who.index, offer.week));
        let deficit = (contract - who.week.hours_in(offer.week)).max(0.0);
        -deficit * cx.rules.penalties.below_contract_hour
    }

    /// [`BREACH`](super::BREACH) per hour below the minimum in a whole week, and the soft weight on the
    /// hours below the contracted hours (in a partial week, the contract's share of its days), so hours
    /// go where contracts want them.
    fn penalty(&self, cx: &Context<'_>, a: usize, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
        let agent = &agents[a];
        let mut out = 0.0;
        for &(week, n, whole) in cx.period_weeks() {
            let hours = weeks[a].hours_in(week);
            if whole {
                out += super::BREACH * (cx.min_hours(a, agent, week) - hours).max(0.0);
            }
            let contract = agent.contract_hours_with_leave(cx.leave_days(a, week)) * n as f64 / 7.0;
            let below = (contract - hours).max(0.0);
            // Squared and relative to the contract, so hours below contract are shared in
            // proportion to contracts rather than piled on whoever the search met first.
            out += cx.rules.penalties.below_contract_hour * below * below / contract.max(1.0);
        }
        out
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        whole_weeks(cx)
            .into_iter()
            .filter_map(|week| {
                let hours = weeks[a].hours_in(week);
                let leave = cx.leave_days(a, week);
                let min = cx.min_hours(a, &agents[a], week);
                let credited = if leave > 0 {
                    format!(" ({leave} days of leave credited)")
                } else {
                    String::new()
                };
                (hours + 1e-9 < min).then(|| {
                    format!(
                        "week {}: {hours:.1} h rostered, minimum {min:.1} h{credited}",
                        week.1
                    )
                })
            })
            .collect()
    }
}

/// The ISO weeks the rostered period covers whole (only they are held to the minimum hours).
fn whole_weeks(cx: &Context<'_>) -> Vec<IsoWeek> {
    cx.period_weeks()
        .iter()
        .filter(|(_, _, whole)| *whole)
        .map(|(week, _, _)| *week)
        .collect()
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

    /// The weight per hour the spread exceeds its limit.
    fn penalty(&self, cx: &Context<'_>, a: usize, _: &[Agent], weeks: &[AgentWeek]) -> f64 {
        let starts = &weeks[a].start_minutes;
        let (Some(lo), Some(hi)) = (starts.iter().min(), starts.iter().max()) else {
            return 0.0;
        };
        let excess = (f64::from(hi - lo) / 60.0 - cx.rules.start_spread_h).max(0.0);
        // A breach weighs as any reported breach does; its size as the greedy's cost does.
        if excess > 1e-9 {
            SOFT_BREACH + excess * cx.rules.penalties.start_spread_hour
        } else {
            0.0
        }
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

/// A kind of shift shared fairly: no agent more than one above the average of the agents who could
/// have taken those shifts — who work in the period and whose skills and contract allow a template and
/// channels of the agent's shifts of the kind. Among all agents the average is unattainable when only
/// some may work the kind (in the shipped model only the 20 part-timers may take the late part-time
/// phone shifts, so "4 against an average of 1.1" over all 114 agents flagged every part-timer); a
/// planner compares an agent with the colleagues who could have relieved them. One definition serves
/// weekend and late shifts.
#[derive(Debug)]
pub struct SharedFairly {
    rule: Rule,
    /// Its place in a [`FairSnapshot`](super::FairSnapshot)'s counts.
    slot: usize,
    /// Whether a shift on offer is of the kind.
    is: fn(&Offer<'_>) -> bool,
    /// Whether a shift an agent has is of the kind.
    taken_is: fn(&Taken) -> bool,
    /// How many of the kind an agent has.
    count: fn(&AgentWeek) -> u32,
    /// The weight per shift of the kind the agent already has.
    weight: fn(&crate::model::rules::Penalties) -> f64,
}

/// Weekend shifts shared fairly.
pub static WEEKEND_FAIRNESS: SharedFairly = SharedFairly {
    rule: Rule::WeekendFairness,
    slot: 0,
    is: |o| o.weekend,
    taken_is: |t| {
        matches!(
            t.date.weekday(),
            chrono::Weekday::Sat | chrono::Weekday::Sun
        )
    },
    count: |w| w.weekends,
    weight: |p| p.weekend_shift,
};

/// Late shifts shared fairly.
pub static LATE_FAIRNESS: SharedFairly = SharedFairly {
    rule: Rule::LateFairness,
    slot: 1,
    is: |o| o.late,
    taken_is: |t| t.late,
    count: |w| w.lates,
    weight: |p| p.late_shift,
};

impl Constraint for SharedFairly {
    fn rule(&self) -> Rule {
        self.rule
    }

    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        if (self.is)(offer) {
            f64::from((self.count)(who.week)) * (self.weight)(&cx.rules.penalties)
        } else {
            0.0
        }
    }

    /// [`SOFT_BREACH`] when the agent is more than one above its peers' average (the breach a planner
    /// reads), and `weight × n(n−1)/2` for `n` shifts of the kind: the greedy's cost summed, convex, so
    /// the search also spreads the kind evenly below the line.
    fn penalty(&self, cx: &Context<'_>, a: usize, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
        let n = (self.count)(&weeks[a]);
        let shaping =
            (self.weight)(&cx.rules.penalties) * f64::from(n) * f64::from(n.max(1) - 1) / 2.0;
        let broken = self
            .standing(cx, a, agents, weeks, true)
            .is_some_and(|(mine, mean, _)| above(mine, mean));
        shaping + if broken { SOFT_BREACH } else { 0.0 }
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        self.standing(cx, a, agents, weeks, false)
            .filter(|&(mine, mean, _)| above(mine, mean))
            .map(|(mine, mean, peers)| {
                format!("{mine} against an average of {mean:.1} among the {peers} agents who may work them")
            })
            .into_iter()
            .collect()
    }
}

impl SharedFairly {
    /// The agent's count of the kind, its peers' average (the agent among them) and how many peers,
    /// when the count is 2 or more (one is never above any average of counts ≥ 0 by more than one).
    /// `lagging`: the peers' counts as of the context's snapshot, when it has one (the search's
    /// penalty); else counted afresh (the report).
    fn standing(
        &self,
        cx: &Context<'_>,
        a: usize,
        agents: &[Agent],
        weeks: &[AgentWeek],
        lagging: bool,
    ) -> Option<(u32, f64, usize)> {
        let mine = (self.count)(&weeks[a]);
        if mine <= 1 {
            return None;
        }
        // The templates and channels of the agent's shifts of the kind: peers may work one of them.
        let mut kinds: Vec<(usize, u128)> = weeks[a]
            .taken
            .iter()
            .filter(|t| (self.taken_is)(t))
            .map(|t| (t.template.0, t.channels))
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        let mask = kinds.iter().try_fold(0u64, |m, k| {
            cx.kinds.binary_search(k).ok().map(|i| m | 1 << i)
        });
        if let (true, Some(snap), Some(mask)) = (lagging, &cx.fair, mask) {
            let (sum, peers) = snap
                .groups
                .iter()
                .filter(|g| g.0 & mask != 0)
                .fold((0u64, 0u64), |(s, n), g| (s + g.1[self.slot], n + g.2));
            return (peers > 0).then(|| (mine, sum as f64 / peers as f64, peers as usize));
        }
        let working = |w: &AgentWeek| !w.days.is_empty();
        let (mut sum, mut peers) = (0u64, 0usize);
        match mask.filter(|_| cx.may.len() == agents.len()) {
            Some(mask) => {
                for (p, w) in weeks.iter().enumerate() {
                    if cx.may[p] & mask != 0 && working(w) {
                        sum += u64::from((self.count)(w));
                        peers += 1;
                    }
                }
            }
            None => {
                for (p, w) in agents.iter().zip(weeks) {
                    if working(w) && kinds.iter().any(|&(t, c)| may_work_kind(p, t, c)) {
                        sum += u64::from((self.count)(w));
                        peers += 1;
                    }
                }
            }
        }
        (peers > 0).then(|| (mine, sum as f64 / peers as f64, peers))
    }
}

/// Whether an agent may work a template on channels given as bits: the contract allows the template
/// and the agent holds every channel's skill.
pub(crate) fn may_work_kind(p: &Agent, template: usize, channels: u128) -> bool {
    let mut bits = channels;
    while bits != 0 {
        let c = bits.trailing_zeros() as usize;
        if !p.has_skill(c) {
            return false;
        }
        bits &= bits - 1;
    }
    p.may_work(template)
}

/// A count above the average of its peers by more than one.
fn above(mine: u32, mean: f64) -> bool {
    f64::from(mine) > mean + 1.0 + 1e-9
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

    /// [`SOFT_BREACH`] for the agent's breach (one, listing every single day off), and the weight per
    /// single day off.
    fn penalty(&self, cx: &Context<'_>, a: usize, _: &[Agent], weeks: &[AgentWeek]) -> f64 {
        match lone_days_off(cx, a, weeks).len() {
            0 => 0.0,
            n => SOFT_BREACH + n as f64 * cx.rules.penalties.unpaired_day_off,
        }
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let lone: Vec<String> = lone_days_off(cx, a, weeks)
            .into_iter()
            .map(day_label)
            .collect();
        if lone.is_empty() {
            Vec::new()
        } else {
            vec![format!("single day off on {}", lone.join(", "))]
        }
    }
}

/// Days off between two working days of the period; a day of approved leave is not a day off.
fn lone_days_off(cx: &Context<'_>, a: usize, weeks: &[AgentWeek]) -> Vec<NaiveDate> {
    let days = &weeks[a].days;
    if !cx.rules.paired_days_off || days.is_empty() {
        return Vec::new();
    }
    let inside = |d: Option<NaiveDate>| d.is_some_and(|d| cx.in_period(d) && days.contains(&d));
    cx.period_dates()
        .iter()
        .copied()
        .filter(|d| !days.contains(d) && inside(d.pred_opt()) && inside(d.succ_opt()))
        .filter(|d| !on_leave(cx, a, *d))
        .collect()
}

/// Whether the agent is unavailable at some time of the date (approved leave, a fixed day off).
fn on_leave(cx: &Context<'_>, a: usize, d: NaiveDate) -> bool {
    cx.windows.iter().any(|w| {
        w.agent == a
            && !w.preferred
            && match w.when {
                crate::agents::When::Date(x) => x == d,
                crate::agents::When::Weekday(wd) => d.weekday() == wd,
            }
    })
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

    fn penalty(&self, cx: &Context<'_>, a: usize, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
        self.breaches(cx, a, agents, weeks).len() as f64
            * (SOFT_BREACH + cx.rules.penalties.preferred)
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
        let mut taken: Vec<&super::week::Taken> = weeks[a].taken.iter().collect();
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

/// Working stretches of at least `min_consecutive_days` days (stretches at the period's edges may
/// continue outside it and are not judged).
#[derive(Debug)]
pub struct MinConsecutiveDays;

/// Runs of consecutive working days, as (first, last).
fn stretches(days: &std::collections::BTreeSet<NaiveDate>) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for d in days {
        match out.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(*d) => *last = *d,
            _ => out.push((*d, *d)),
        }
    }
    out
}

impl Constraint for MinConsecutiveDays {
    fn rule(&self) -> Rule {
        Rule::MinConsecutiveDays
    }

    /// A day with neither neighbour worked starts a stretch of one.
    fn cost(&self, cx: &Context<'_>, who: Who<'_>, offer: &Offer<'_>) -> f64 {
        let d = offer.span.date;
        let worked = |x: Option<NaiveDate>| x.is_some_and(|x| who.week.days.contains(&x));
        if cx.rules.min_consecutive_days > 1 && !worked(d.pred_opt()) && !worked(d.succ_opt()) {
            cx.rules.penalties.short_stretch
        } else {
            0.0
        }
    }

    fn penalty(&self, cx: &Context<'_>, a: usize, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
        self.breaches(cx, a, agents, weeks).len() as f64
            * (SOFT_BREACH + cx.rules.penalties.short_stretch)
    }

    fn breaches(
        &self,
        cx: &Context<'_>,
        a: usize,
        _: &[Agent],
        weeks: &[AgentWeek],
    ) -> Vec<String> {
        let min = cx.rules.min_consecutive_days;
        let period = cx.period_dates();
        let (Some(first), Some(last)) = (period.first(), period.last()) else {
            return Vec::new();
        };
        stretches(&weeks[a].days)
            .into_iter()
            .filter(|(s, e)| s > first && e < last)
            .filter(|(s, e)| ((*e - *s).num_days() + 1) < i64::from(min))
            .map(|(s, e)| {
                let n = (e - s).num_days() + 1;
                format!("{n} day(s) from {}, at least {min}", day_label(s))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::read_agents;
    use crate::fixtures::at;
    use crate::model::Model;
    use crate::staffing::Span;
    use std::path::Path;

    /// One voice channel; a 4-hour template from 08:00 to 16:00 (late: ending at 19:00 or after).
    fn model() -> Model {
        crate::fixtures::voice_model()
    }

    fn shift(day: u32, hour: u32) -> Span {
        crate::fixtures::shift(day, hour, 240, 240)
    }

    /// Three voice agents' weeks, each a list of (day, start hour).
    fn weeks(m: &Model, days: &[&[(u32, u32)]]) -> Vec<AgentWeek> {
        days.iter()
            .map(|d| {
                let spans: Vec<Span> = d.iter().map(|&(day, h)| shift(day, h)).collect();
                AgentWeek::of(m, m.rules.late_after_h, &spans)
            })
            .collect()
    }

    fn agents(m: &Model) -> Vec<Agent> {
        read_agents(
            Path::new("a.csv"),
            "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
             A,Aino,voice,8,0,40,5\nB,Bea,voice,8,0,40,5\nC,Cai,voice,8,0,40,5\n",
            m,
        )
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Worked by hand with the default weights (late shift 3, start spread 8 per hour). Lates (15:00,
    /// ending 19:00) 3, 0 and 1: the peers' average 4/3, and 3 > 4/3 + 1, so A's week is broken and
    /// costs `SOFT_BREACH + 3 × 3·2/2`; after one late moves from A to B (2, 1, 1) nobody is above
    /// 7/3 and A costs `3 × 2·1/2` alone. The peers found by the mask give the scan's answer.
    #[test]
    fn late_fairness_weighs_the_reported_breach_and_its_shaping() {
        let m = model();
        let a = agents(&m);
        let before = weeks(
            &m,
            &[&[(23, 15), (24, 15), (25, 15)], &[(23, 8)], &[(24, 15)]],
        );
        let after = weeks(&m, &[&[(23, 15), (24, 15)], &[(25, 15)], &[(24, 15)]]);
        let scan = Context::new(&m, &m.rules, &[], (at(23, 0), at(30, 0)), []);
        let mut masked = Context::new(&m, &m.rules, &[], (at(23, 0), at(30, 0)), []);
        masked.learn_peers(&a, &[shift(23, 15)]);
        for cx in [&scan, &masked] {
            assert!((LATE_FAIRNESS.penalty(cx, 0, &a, &before) - (SOFT_BREACH + 9.0)).abs() < 1e-9);
            assert_eq!(LATE_FAIRNESS.breaches(cx, 0, &a, &before).len(), 1);
            assert!((LATE_FAIRNESS.penalty(cx, 0, &a, &after) - 3.0).abs() < 1e-9);
            assert!(LATE_FAIRNESS.breaches(cx, 0, &a, &after).is_empty());
        }
    }

    /// Starts 08:00 and 13:00: 5 h apart, 3 h beyond the 2 h limit, so `SOFT_BREACH + 3 × 8`; starts
    /// 08:00 and 10:00 are within it and cost nothing. A single day off (Tue between Mon and Wed)
    /// weighs `SOFT_BREACH + 15`, two weigh one breach (one reported line) and 2 × 15.
    #[test]
    fn start_spread_and_single_days_off_weigh_their_reported_breaches() {
        let m = model();
        let a = agents(&m);
        let cx = Context::new(&m, &m.rules, &[], (at(23, 0), at(30, 0)), []);
        let w = weeks(
            &m,
            &[
                &[(23, 8), (25, 13)],
                &[(23, 8), (24, 10)],
                &[(23, 8), (25, 8), (27, 8)],
            ],
        );
        assert!((StartSpread.penalty(&cx, 0, &a, &w) - (SOFT_BREACH + 24.0)).abs() < 1e-9);
        assert!(StartSpread.penalty(&cx, 1, &a, &w).abs() < 1e-12);
        assert!((PairedDaysOff.penalty(&cx, 0, &a, &w) - (SOFT_BREACH + 15.0)).abs() < 1e-9);
        assert!((PairedDaysOff.penalty(&cx, 2, &a, &w) - (SOFT_BREACH + 30.0)).abs() < 1e-9);
        assert_eq!(PairedDaysOff.breaches(&cx, 2, &a, &w).len(), 1);
    }
}

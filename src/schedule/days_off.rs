//! Days off as the integer program sees them: the roster's paired-days-off rule, relaxed per group.
//!
//! The workforce rows ([`super::workforce`]) bound a group's shifts per day by the agents present,
//! so a plan may ask a group of four-day part-timers for 37, 30, 33, 36 and 23 of its 40 agents
//! Monday to Friday: ten off on Tuesday alone, with Monday and Wednesday too busy to pair those days
//! off — single days off whatever the roster does. The rule ([`crate::rules::soft`]) breaks when an
//! agent is off on a day whose neighbours inside the period are both worked; approved leave and
//! fixed days off are not days off.
//!
//! So each group's agents also choose a *days-off pattern* — the set of the period's days each works
//! — as in the days-off scheduling of Baker (1974, *Operations Research* 22(4)) and Burns & Carter
//! (1985, *Management Science* 31(5)), in the aggregate form of Brusco & Jacobs (2000, *Management
//! Science* 46(12)): per day, the group's shifts are at most its agents whose pattern works that day.
//! Agents alike in the period — the same days away on leave or a fixed day off, the same days
//! excused by a part-day window, the same leave in the week — form a [`Class`]; its patterns are the
//! sets of days it can work with at most `max_days` days and, when the minimum hours bind, at least
//! the days they need with the longest shift. A pattern that leaves a single day off costs
//! [`BREACH_PRICE`] an agent — a price, not a row, so every plan stays feasible — and a pattern
//! inside another no dearer is left out (the rows only bound shifts from above).
//!
//! In a group of several paid lengths whose minimum binds, every week is listed (none left out)
//! and each agent of a pattern works every day of it, split by length so that its hours reach the
//! minimum ([`super::ilp`]): else a week of three 4 h days around paired days off looks as good as
//! one of three 6 h days, and a pattern's unused day hides a single day off.
//!
//! A relaxation: it never forbids a roster the rule allows (a week of fewer days than its minimum
//! needs is priced as a longer pattern would be), and it ignores starts; the start tiers
//! ([`super::tiers`]) see starts, these rows see days. Only for plans of a week or less, as the
//! tiers. Measured (LP relaxation, simplex iterations without → with the rows): the shipped week
//! 8 293 → 9 920 (bound unchanged), the unseen workforce 8 973 → 12 441 (bound 3 507 → 3 548),
//! agents without contracts (every template, three lengths) 8 146 → 12 267 (bound 3 355 → 3 369).

use super::candidates::Candidate;
use super::tiers::BREACH_PRICE;
use super::workforce::{Group, Workforce};
use crate::agents::When;
use crate::grid::iso_week;
use crate::model::Model;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// What a day of the period is to one agent of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Day {
    /// The agent may work; a day off counts.
    Open,
    /// The agent may work, but a window of unavailability excuses a day off (the rule's leave).
    Excused,
    /// Away all day (leave, a fixed day off): no shift, and no day off.
    Away,
    /// No template of the group runs: no shift, and a day off that counts.
    Closed,
}

impl Day {
    fn workable(self) -> bool {
        matches!(self, Day::Open | Day::Excused)
    }

    fn counts_off(self) -> bool {
        matches!(self, Day::Open | Day::Closed)
    }
}

/// The days one agent works in the period (`works[i]` for the period's `i`-th date), and whether
/// that leaves a single day off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    pub works: Vec<bool>,
    pub breaks: bool,
}

impl Pattern {
    /// The days it works.
    pub fn days(&self) -> u32 {
        self.works.iter().filter(|w| **w).count() as u32
    }
}

/// Agents of a group alike in the period, and the patterns they may work.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Class {
    pub agents: u32,
    pub patterns: Vec<Pattern>,
    /// Days of leave each of its agents takes in the period, when that is a whole ISO week whose
    /// minimum hours bind (else `None`: the hours are not the days-off rows' business).
    pub leave: Option<u32>,
    /// Every week its agents may work, none left out: for rows where each agent of a pattern
    /// works every day of it (the split by length, see [`super::ilp`]).
    pub every: Vec<Pattern>,
}

/// One group's days-off rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupDays {
    /// The period's dates, consecutive.
    pub dates: Vec<NaiveDate>,
    pub classes: Vec<Class>,
}

/// The days-off rows of one program: per workforce group, its classes, or `None` (no rows).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DaysOff {
    pub groups: Vec<Option<GroupDays>>,
}

impl DaysOff {
    /// No rows: the program without them.
    pub fn off(groups: usize) -> DaysOff {
        DaysOff {
            groups: vec![None; groups],
        }
    }

    /// Rows for every group when the model pairs days off and `dates` (the plan's, consecutive)
    /// hold at least three days (a single day off needs a worked day either side).
    pub fn new(
        model: &Model,
        workforce: &Workforce,
        candidates: &[Candidate],
        dates: &[NaiveDate],
        longest: impl Fn(&Group) -> Option<u32>,
    ) -> DaysOff {
        if !model.rules.paired_days_off || dates.len() < 3 {
            return DaysOff::off(workforce.groups.len());
        }
        let groups = workforce
            .groups
            .iter()
            .map(|group| {
                let runs: Vec<bool> = dates
                    .iter()
                    .map(|d| {
                        candidates
                            .iter()
                            .any(|c| c.day == *d && group.templates.contains(&c.template))
                    })
                    .collect();
                let longest = longest(group);
                Some(group_days(
                    group,
                    dates,
                    &runs,
                    longest,
                    workforce.min_hours_hard,
                ))
            })
            .collect();
        DaysOff { groups }
    }

    /// Whether any group has rows.
    pub fn on(&self) -> bool {
        self.groups.iter().any(Option::is_some)
    }
}

/// A group's classes over `dates`, on which its templates run where `runs`; `longest` is its
/// longest paid shift in minutes (none: no floor on the days worked).
fn group_days(
    group: &Group,
    dates: &[NaiveDate],
    runs: &[bool],
    longest: Option<u32>,
    min_hard: bool,
) -> GroupDays {
    // A whole ISO week holds its agents to their minimum hours, leave credited.
    let week = (dates.len() == 7 && dates.iter().all(|d| iso_week(*d) == iso_week(dates[0])))
        .then(|| iso_week(dates[0]));
    let mut classes: BTreeMap<(Vec<Day>, u32), u32> = BTreeMap::new();
    for (i, windows) in group.unavailable.iter().enumerate() {
        let days: Vec<Day> = dates
            .iter()
            .zip(runs)
            .map(|(d, &run)| day_of(windows, *d, run))
            .collect();
        let leave = week.map_or(0, |w| group.leave[i].get(&w).copied().unwrap_or(0));
        *classes.entry((days, leave)).or_default() += 1;
    }
    let classes = classes
        .into_iter()
        .map(|((days, leave), agents)| {
            let least = match (week, longest) {
                (Some(_), Some(len)) if min_hard && len > 0 => {
                    let minutes = group.min_hours_with_leave(leave) * 60.0;
                    (minutes / f64::from(len) - 1e-9).ceil().max(0.0) as u32
                }
                _ => 0,
            };
            Class {
                agents,
                patterns: patterns(&days, group.max_days, least),
                leave: (week.is_some() && min_hard).then_some(leave),
                every: every(&days, group.max_days),
            }
        })
        .collect();
    GroupDays {
        dates: dates.to_vec(),
        classes,
    }
}

/// What `date` is to an agent with unavailable `windows` (when, all day), when the group's
/// templates run that day or not.
fn day_of(windows: &[(When, bool)], date: NaiveDate, runs: bool) -> Day {
    let on = |w: &When| match *w {
        When::Date(d) => d == date,
        When::Weekday(wd) => date.weekday() == wd,
    };
    let hit: Vec<bool> = windows
        .iter()
        .filter(|(w, _)| on(w))
        .map(|(_, all)| *all)
        .collect();
    match (hit.iter().any(|a| *a), !hit.is_empty(), runs) {
        (true, _, _) | (false, true, false) => Day::Away,
        (false, true, true) => Day::Excused,
        (false, false, true) => Day::Open,
        (false, false, false) => Day::Closed,
    }
}

/// Whether working `works` leaves a single day off: a day off that counts between two worked days.
pub(crate) fn lone(days: &[Day], works: &[bool]) -> bool {
    (1..days.len().saturating_sub(1))
        .any(|i| !works[i] && days[i].counts_off() && works[i - 1] && works[i + 1])
}

/// The patterns of an agent whose period is `days`: every set of workable days of at most `most`
/// and at least `least` days (fewer when fewer are workable), with those inside another pattern no
/// dearer left out.
pub(crate) fn patterns(days: &[Day], most: u32, least: u32) -> Vec<Pattern> {
    let workable: Vec<usize> = (0..days.len()).filter(|&i| days[i].workable()).collect();
    let most = most.min(workable.len() as u32);
    let least = least.min(most);
    let mut all: Vec<Pattern> = Vec::new();
    for mask in 0u32..1 << workable.len() {
        if !(least..=most).contains(&mask.count_ones()) {
            continue;
        }
        let mut works = vec![false; days.len()];
        for (k, &i) in workable.iter().enumerate() {
            works[i] = mask >> k & 1 == 1;
        }
        let breaks = lone(days, &works);
        all.push(Pattern { works, breaks });
    }
    let inside = |p: &Pattern, q: &Pattern| {
        p != q && p.works.iter().zip(&q.works).all(|(a, b)| !a || *b) && (!q.breaks || p.breaks)
    };
    all.iter()
        .filter(|p| !all.iter().any(|q| inside(p, q)))
        .cloned()
        .collect()
}

/// Every set of workable days of `days`, at most `most` of them, with whether it leaves a single
/// day off.
pub(crate) fn every(days: &[Day], most: u32) -> Vec<Pattern> {
    let workable: Vec<usize> = (0..days.len()).filter(|&i| days[i].workable()).collect();
    (0u32..1 << workable.len())
        .filter(|mask| mask.count_ones() <= most)
        .map(|mask| {
            let mut works = vec![false; days.len()];
            for (k, &i) in workable.iter().enumerate() {
                works[i] = mask >> k & 1 == 1;
            }
            let breaks = lone(days, &works);
            Pattern { works, breaks }
        })
        .collect()
}

/// What an agent of a pattern costs the program.
pub(crate) fn price(p: &Pattern) -> f64 {
    if p.breaks {
        BREACH_PRICE
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule itself, as `rules::soft` words it, for one agent's week.
    fn single_day_off(days: &[Day], works: &[bool]) -> bool {
        (0..days.len()).any(|i| {
            i > 0 && i + 1 < days.len() && !works[i] && works[i - 1] && works[i + 1] && {
                days[i] != Day::Away && days[i] != Day::Excused
            }
        })
    }

    /// Brute force over every week of every agent (each day open, excused, away or closed; up to
    /// `max_days`; at least `least`): some kept pattern works every day it does, at no higher price,
    /// and every kept pattern is such a week.
    #[test]
    fn every_week_the_rule_allows_lies_in_a_pattern_no_dearer() {
        let kinds = [Day::Open, Day::Excused, Day::Away, Day::Closed];
        let mut weeks = 0;
        for code in 0..4u32.pow(5) {
            // Five-day periods cover every neighbourhood the rule reads; seven are slow here.
            let days: Vec<Day> = (0..5)
                .map(|i| kinds[(code / 4u32.pow(i) % 4) as usize])
                .collect();
            for (most, least) in [(5, 0), (4, 0), (3, 2), (2, 2), (1, 1)] {
                let kept = patterns(&days, most, least);
                for p in &kept {
                    let n = p.works.iter().filter(|w| **w).count() as u32;
                    assert!(n <= most);
                    assert!(p.works.iter().zip(&days).all(|(w, d)| !w || d.workable()));
                    assert_eq!(p.breaks, single_day_off(&days, &p.works));
                }
                let open = days.iter().filter(|d| d.workable()).count() as u32;
                for mask in 0u32..32 {
                    let works: Vec<bool> = (0..5).map(|i| mask >> i & 1 == 1).collect();
                    let n = mask.count_ones();
                    let fits = works.iter().zip(&days).all(|(w, d)| !w || d.workable());
                    if !fits || n > most || n < least.min(open).min(most) {
                        continue;
                    }
                    weeks += 1;
                    let breaks = single_day_off(&days, &works);
                    assert!(
                        kept.iter().any(|p| {
                            p.works.iter().zip(&works).all(|(a, b)| *a || !b)
                                && (!p.breaks || breaks)
                        }),
                        "{days:?} {works:?}"
                    );
                }
            }
        }
        assert!(weeks > 1000);
    }

    #[test]
    fn every_week_is_listed_once_with_its_price() {
        // Seven days, one away: the subsets of the six others of at most five days, 63.
        let mut days = [Day::Open; 7];
        days[3] = Day::Away;
        let all = every(&days, 5);
        assert_eq!(all.len(), (0..=5).map(|k| binomial(6, k)).sum::<usize>());
        for (i, p) in all.iter().enumerate() {
            assert!(!p.works[3] && p.works.iter().filter(|w| **w).count() <= 5);
            assert_eq!(p.breaks, single_day_off(&days, &p.works));
            assert!(all[..i].iter().all(|q| q.works != p.works));
        }
    }

    fn binomial(n: usize, k: usize) -> usize {
        (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1))
    }

    #[test]
    fn a_full_week_of_five_days_pairs_its_two_days_off() {
        // Seven open days, five worked: the clean weeks are the six consecutive pairs off and
        // Monday with Sunday (no neighbour inside the week); the other fourteen leave a single day.
        let kept = patterns(&[Day::Open; 7], 5, 4);
        assert_eq!(kept.len(), 21);
        let clean: Vec<Vec<usize>> = kept
            .iter()
            .filter(|p| !p.breaks)
            .map(|p| (0..7).filter(|&i| !p.works[i]).collect())
            .collect();
        assert_eq!(
            clean,
            [
                vec![5, 6],
                vec![0, 6],
                vec![4, 5],
                vec![3, 4],
                vec![2, 3],
                vec![1, 2],
                vec![0, 1]
            ]
        );
        // A fixed day off on Wednesday excuses it: off Wednesday and Saturday is still single.
        let mut days = [Day::Open; 7];
        days[2] = Day::Away;
        let kept = patterns(&days, 5, 4);
        assert!(kept.iter().all(|p| !p.works[2]));
        let off_sat = kept
            .iter()
            .find(|p| (0..7).filter(|&i| !p.works[i]).eq([2, 5]))
            .map(|p| p.breaks);
        assert_eq!(off_sat, Some(true));
        let off_thu = kept
            .iter()
            .find(|p| (0..7).filter(|&i| !p.works[i]).eq([2, 3]))
            .map(|p| p.breaks);
        assert_eq!(off_thu, Some(false));
    }
}

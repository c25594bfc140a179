//! Start tiers: the roster's start-spread and late-fairness rules as the integer program sees them.
//!
//! The workforce rows ([`super::workforce`]) let a plan put its late shifts (ending at or after
//! `late_after`) where no agent can hold them without breaking a soft rule. An agent clear of
//! `start_spread` starts every shift within the spread of every other; one clear of `late_fairness`
//! holds at most its peers' average + 1 late shifts. So an agent clear of both who works late shifts
//! works its other shifts (its week's minimum hours need more than its lates) at non-late starts no
//! earlier than the spread before its latest late start.
//!
//! For each group of alike agents, late starts fall in *late bands* of [`slot_minutes`] (wider when
//! they would number more than [`MAX_CLASSES`]) from the group's earliest late start: band `j` (1,
//! 2, …). An agent of *class* `i` has its latest late in band `i`: it may hold lates of bands
//! `1..=i` and non-late shifts starting at least the spread before band `i` begins — nested sets,
//! so "every class takes only shifts it may" is a cumulative row per band (Hall's condition for
//! nested sets). Every candidate gets a [`Tier`] per group: `Late(j)`, or
//! `Early(k)` for a non-late start that classes `1..=k` may hold (`k = 0`: only agents without lates).
//!
//! The program splits each group into agents without lates, agents of each class (at most
//! [`Tiers::cap`] lates each over the period) and agents who may break a rule, at [`BREACH_PRICE`]
//! each — a price, not a row, so every plan stays feasible. Per day each part works at most one shift
//! per agent; per whole week its agents' minimum hours at least and `max_days` at most. This is the
//! counting argument of the README (issue 9) as rows: late shifts need companion shifts in the band
//! of starts just before them. It extends the aggregate workforce rows of Brusco & Jacobs (2000,
//! *Management Science* 46(12)) with a relaxation of the tours' start-time bands (Jacobs & Brusco
//! 1996, *Naval Research Logistics* 43(2)).

use super::candidates::Candidate;
use super::workforce::{Group, Workforce};
use crate::grid::IsoWeek;
use crate::model::Model;
use crate::requirements::demand::Demand;
use chrono::{Duration, Timelike};

/// What an agent who breaks start spread or late fairness costs the program, in paid hours: about
/// what a planner would pay to spare an agent a week of starts all over the day.
pub const BREACH_PRICE: f64 = 4.0;

/// Where a candidate shift's start puts it for one group (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tier {
    /// Not late; classes `1..=k` may hold it as a companion (0: only agents without lates).
    Early(u32),
    /// Late, in late band `j` (from 1).
    Late(u32),
}

/// The tiers of one program.
#[derive(Debug, Clone)]
pub(crate) struct Tiers {
    /// Per candidate: its tier for each workforce group (in group order).
    pub of: Vec<Vec<Tier>>,
    /// Per workforce group: its late classes, the late bands some non-late start may accompany (0
    /// when it has none); lates of later bands go to agents who break a rule.
    pub bands: Vec<u32>,
    /// Per workforce group: the most late shifts an agent clear of late fairness holds in the period.
    pub cap: Vec<u32>,
}

/// Late bands a group's late starts fall in at most (their width grows beyond a quarter of the
/// spread when the starts span more): each band is a class with its own rows. Agents free to work
/// every template (the shipped agents without contracts) spread their late starts over 6 h, 12–13
/// classes a group: the LP took 13 575 simplex iterations, against 6 976 with 4 classes and 5 741
/// without tiers; on the shipped week 8 988 → 8 293, the same LP solution's breaches (6.4 agents).
const MAX_CLASSES: i64 = 4;

/// Late-band width: a quarter of the spread (a class's companions then start at most a quarter of
/// the spread earlier than the rule allows), at least the planning interval.
pub(crate) fn slot_minutes(spread_min: i64, interval_min: i64) -> i64 {
    (spread_min / 4).max(interval_min).max(1)
}

/// A candidate's local start (minutes after midnight of its date) and whether it ends late.
fn start_and_late(
    model: &Model,
    grid_start: chrono::DateTime<chrono::Utc>,
    c: &Candidate,
) -> (i64, bool) {
    let tz = model.time_zone;
    let late_min = (model.rules.late_after_h * 60.0).round() as u32;
    let start = grid_start + Duration::minutes(c.start_min);
    let end = start + Duration::minutes(i64::from(model.shifts[c.template].span_minutes()));
    let (ls, le) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let minute = i64::from(ls.hour() * 60 + ls.minute());
    let late = le.date_naive() > c.day || le.hour() * 60 + le.minute() >= late_min;
    (minute, late)
}

/// The tier of a start `s` (late or not) for a group whose earliest late start is `first_late` and
/// whose late bands number `bands`, each `width` minutes; `spread` in minutes.
pub(crate) fn tier(
    s: i64,
    late: bool,
    first_late: i64,
    bands: u32,
    width: i64,
    spread: i64,
) -> Tier {
    if late {
        Tier::Late(((s - first_late).max(0) / width) as u32 + 1)
    } else {
        // Classes i with first_late + (i − 1)·width − spread ≤ s.
        let reach = s + spread - first_late;
        let k = if reach < 0 {
            0
        } else {
            (reach / width) as u32 + 1
        };
        Tier::Early(k.min(bands))
    }
}

impl Tiers {
    /// No tiers: every candidate early for every group, no class, no row.
    pub fn off(candidates: usize, groups: usize) -> Tiers {
        Tiers {
            of: vec![vec![Tier::Early(0); groups]; candidates],
            bands: vec![0; groups],
            cap: vec![1; groups],
        }
    }

    /// Whether any group has a late class: else the tiers add no row.
    pub fn on(&self) -> bool {
        self.bands.iter().any(|&b| b > 0)
    }

    pub fn new(
        model: &Model,
        demand: &Demand,
        candidates: &[Candidate],
        workforce: &Workforce,
    ) -> Tiers {
        let spread = (model.rules.start_spread_h * 60.0).round() as i64;
        let width = slot_minutes(spread, i64::from(model.interval_minutes));
        let grid_start = demand.grid.first().unwrap_or_default();
        let facts: Vec<(i64, bool)> = candidates
            .iter()
            .map(|c| start_and_late(model, grid_start, c))
            .collect();
        // Per group: its earliest late start, number of late bands and their width.
        let lates: Vec<(i64, u32, i64)> = workforce
            .groups
            .iter()
            .map(|g| {
                let starts = candidates
                    .iter()
                    .zip(&facts)
                    .filter(|(c, (_, l))| *l && g.templates.contains(&c.template))
                    .map(|(_, (s, _))| *s);
                let (lo, hi) =
                    starts.fold((i64::MAX, i64::MIN), |(lo, hi), s| (lo.min(s), hi.max(s)));
                if lo > hi {
                    (0, 0, width)
                } else {
                    let width = width.max((hi - lo) / MAX_CLASSES + 1);
                    (lo, ((hi - lo) / width) as u32 + 1, width)
                }
            })
            .collect();
        let of: Vec<Vec<Tier>> = facts
            .iter()
            .map(|&(s, l)| {
                lates
                    .iter()
                    .map(|&(first, bands, width)| match bands {
                        0 => Tier::Early(0),
                        _ => tier(s, l, first, bands, width, spread),
                    })
                    .collect()
            })
            .collect();
        let late_templates: Vec<bool> = (0..model.shifts.len())
            .map(|t| {
                candidates
                    .iter()
                    .zip(&facts)
                    .any(|(c, f)| c.template == t && f.1)
            })
            .collect();
        // A class whose companions no non-late start reaches holds only lates: no use.
        let classes = workforce.groups.iter().enumerate().map(|(g, group)| {
            let reach = of
                .iter()
                .zip(candidates)
                .filter(|(_, c)| group.templates.contains(&c.template))
                .filter_map(|(t, _)| match t[g] {
                    Tier::Early(k) => Some(k),
                    Tier::Late(_) => None,
                })
                .max()
                .unwrap_or(0);
            lates[g].1.min(reach)
        });
        let bands: Vec<u32> = classes.collect();
        // Only what the rows read: a group's tier of a template it may work, with every start its
        // classes treat alike merged. Fewer distinct tiers, fewer shares of a template-day.
        let of = of
            .into_iter()
            .zip(candidates)
            .map(|(tiers, c)| {
                tiers
                    .into_iter()
                    .enumerate()
                    .map(|(g, t)| {
                        let group = &workforce.groups[g];
                        if group.templates.contains(&c.template) {
                            merged(t, bands[g])
                        } else {
                            Tier::Early(0)
                        }
                    })
                    .collect()
            })
            .collect();
        Tiers {
            bands,
            of,
            cap: caps(model, demand, &late_templates, workforce),
        }
    }
}

/// A tier as a group with `classes` late classes sees it: every class holds a non-late start of
/// `Early(k)` for `k ≥ classes` alike, and no class a late of band `j > classes` (only agents who
/// break a rule do); a group without classes sees no tier at all.
pub(crate) fn merged(t: Tier, classes: u32) -> Tier {
    match t {
        _ if classes == 0 => Tier::Early(0),
        Tier::Early(k) => Tier::Early(k.min(classes)),
        Tier::Late(j) => Tier::Late(j.min(classes + 1)),
    }
}

/// Per group, the late shifts an agent clear of late fairness may hold: `1 + ⌊F/N⌋`, where `N` are
/// the agents who may work a template of the group's late shifts (its peers) and `F` the late shifts
/// the demand forces on the channels only those templates serve — per day, the most agents required
/// in an interval ending at or after `late_after`, which no shift ending earlier covers. Only the
/// peers can take those lates, so their average is at least `F/N` in any plan and the cap never
/// exceeds the rule's (a channel other templates also serve adds nothing: their agents might take
/// its lates). It is conservative when a plan holds more lates than the demand forces.
fn caps(
    model: &Model,
    demand: &Demand,
    late_templates: &[bool],
    workforce: &Workforce,
) -> Vec<u32> {
    let tz = model.time_zone;
    let late_min = (model.rules.late_after_h * 60.0).round() as u32;
    let step = Duration::minutes(i64::from(demand.grid.interval_minutes()));
    let late_interval: Vec<bool> = demand
        .grid
        .starts()
        .iter()
        .map(|s| {
            let end = (*s + step).with_timezone(&tz);
            let day = s.with_timezone(&tz).date_naive();
            end.date_naive() > day || end.hour() * 60 + end.minute() >= late_min
        })
        .collect();
    // Late templates some agent may work.
    let worked: Vec<bool> = (0..model.shifts.len())
        .map(|t| late_templates[t] && workforce.groups.iter().any(|g| g.templates.contains(&t)))
        .collect();
    workforce
        .groups
        .iter()
        .map(|g| {
            let templates: Vec<usize> =
                g.templates.iter().copied().filter(|&t| worked[t]).collect();
            let peers: Vec<&Group> = workforce
                .groups
                .iter()
                .filter(|h| h.templates.iter().any(|t| templates.contains(t)))
                .collect();
            let theirs = |t: usize| peers.iter().any(|h| h.templates.contains(&t));
            // Channels whose late shifts only the peers' templates serve.
            let mut channels: Vec<usize> = templates
                .iter()
                .flat_map(|&t| model.shifts[t].channels.iter().copied())
                .filter(|&c| {
                    (0..model.shifts.len())
                        .filter(|&t| worked[t] && model.shifts[t].channels.contains(&c))
                        .all(theirs)
                })
                .collect();
            channels.sort_unstable();
            channels.dedup();
            let n: usize = peers.iter().map(|h| h.agents.len()).sum();
            let mut most: std::collections::BTreeMap<chrono::NaiveDate, f64> =
                std::collections::BTreeMap::new();
            for (t, _) in late_interval.iter().enumerate().filter(|(_, l)| **l) {
                let need: f64 = channels
                    .iter()
                    .filter_map(|&c| demand.channels.get(c))
                    .map(|ch| ch.required[t])
                    .sum();
                let day = most.entry(demand.grid.date_of(t)).or_insert(0.0);
                *day = day.max(need);
            }
            let forced: f64 = most.values().map(|v| v.ceil()).sum();
            1 + if n > 0 {
                (forced / n as f64 + 1e-9).floor() as u32
            } else {
                0
            }
        })
        .collect()
}

/// The fewest paid hours an agent of `group` works in `week` (its minimum), and by how much the
/// group's agents with leave that week fall below it in all: `n` agents of the group work at least
/// `least × n − slack` hours. Nothing is owed when the minimum is soft.
pub(crate) fn least_hours(group: &Group, week: IsoWeek, min_hard: bool) -> (f64, f64) {
    if !min_hard {
        return (0.0, 0.0);
    }
    let least = group.min_hours_with_leave(0);
    let slack = group
        .by_leave(week)
        .iter()
        .map(|(&leave, &agents)| (least - group.min_hours_with_leave(leave)) * f64::from(agents))
        .sum();
    (least, slack)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn leave_lowers_the_hours_owed_through_the_slack() {
        // 29.5 h a week; one agent with 2 days of leave (7.5 h each) owes 14.5 h: 15 h less in all.
        let mut leave = vec![BTreeMap::new(); 3];
        leave[1].insert((2026, 48), 2);
        let group = Group {
            agents: vec![0, 1, 2],
            templates: vec![0],
            min_hours: 29.5,
            max_hours: 41.5,
            max_days: 5,
            daily_hours: 7.5,
            away: BTreeMap::new(),
            weekday_off: [0; 7],
            leave,
            workable: vec![Default::default(); 3],
            unavailable: vec![Vec::new(); 3],
        };
        let (least, slack) = least_hours(&group, (2026, 48), true);
        assert!((least - 29.5).abs() < 1e-9 && (slack - 15.0).abs() < 1e-9);
        assert_eq!(least_hours(&group, (2026, 48), false), (0.0, 0.0));
    }

    /// Brute force over every pair of starts of a day (15-minute steps): an agent whose latest late
    /// start lies in band `i` and whose other start is non-late within the spread of it may hold
    /// that start as class `i` — the tiers never forbid what the rule allows.
    #[test]
    fn a_class_may_hold_every_companion_the_spread_allows() {
        // A quarter of the spread, and the wider bands of a group with more than MAX_CLASSES.
        for width in [30, 45, 90] {
            let (spread, first_late) = (120, 630);
            let bands = (30 * 8 / width + 1) as u32;
            for late in (first_late..first_late + 30 * 8).step_by(15) {
                let Tier::Late(i) = tier(late, true, first_late, bands, width, spread) else {
                    panic!("late");
                };
                assert!(i >= 1 && i <= bands);
                for other in (0..first_late).step_by(15) {
                    if (late - other).abs() <= spread {
                        let Tier::Early(k) = tier(other, false, first_late, bands, width, spread)
                        else {
                            panic!("early");
                        };
                        assert!(
                            k >= i,
                            "width {width}: late {late} band {i}, companion {other} class ≤ {k}"
                        );
                    }
                }
            }
            // A start more than the spread before the first late start is no class's companion.
            assert_eq!(
                tier(
                    first_late - spread - 15,
                    false,
                    first_late,
                    bands,
                    width,
                    spread
                ),
                Tier::Early(0)
            );
        }
    }

    /// Brute force over tiers and class counts: a merged tier satisfies exactly the rows' tests the
    /// tier does (`Early(x)` held by classes `k ≤ x`, `Late(j)` within bands `k ≥ j`), so merging
    /// changes no row of the program, only how many shares a template-day splits into.
    #[test]
    fn merging_tiers_changes_no_row() {
        let rows = |t: Tier, classes: u32| -> Vec<bool> {
            let mut v: Vec<bool> = (0..=classes)
                .map(|k| matches!(t, Tier::Early(x) if x >= k))
                .collect();
            v.extend((1..=classes).map(|k| matches!(t, Tier::Late(j) if j <= k)));
            v.push(matches!(t, Tier::Late(_)));
            v
        };
        for classes in 1..6 {
            for x in 0..10 {
                for t in [Tier::Early(x), Tier::Late(x + 1)] {
                    assert_eq!(rows(t, classes), rows(merged(t, classes), classes), "{t:?}");
                }
            }
            // Tiers beyond the classes do merge.
            assert_eq!(
                merged(Tier::Early(classes + 3), classes),
                Tier::Early(classes)
            );
            assert_eq!(
                merged(Tier::Late(classes + 4), classes),
                Tier::Late(classes + 1)
            );
        }
        assert_eq!(merged(Tier::Late(2), 0), Tier::Early(0));
    }
}

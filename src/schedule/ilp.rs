//! The integer program, and the only place that names `good_lp`.
//!
//! Variables:
//! * `x_j ≥ 0` integer — agents starting candidate shift `j`;
//! * `b_{k,τ} ≥ 0` — agents of break set `k` (one template-day and break rule) starting that break in slot
//!   `τ`. Implicit breaks (Bechtold & Jacobs 1990): the slots' total equals the shifts', and forward and
//!   backward constraints guarantee every shift a slot inside its window, so no break combinations are
//!   enumerated and the program stays small;
//! * `a_{g,c,t} ≥ 0` — agents of channel group `g` (a template's channel set) working channel `c` in
//!   interval `t`: an agent counts once, in one channel;
//! * `u_{c,t} ≥ 0` — agents short ("understaffing", penalised), `o_t ≥ 0` — agents beyond need (lightly
//!   penalised);
//! * `z_{c,t,k} ∈ [0, 1]` — daily/weekly goals: the `k`-th agent above the interval's floor, valued by the
//!   contacts it adds to "answered within the threshold" (Koole & van der Sluis 2003, "Optimal shift
//!   scheduling with a global service level constraint", *IIE Transactions* 35(11)); the increments are
//!   made non-increasing, so the linearisation is concave and never overstates;
//! * `s ≥ 0` — contacts short of a daily/weekly goal (heavily penalised, so an unreachable goal still
//!   yields the best plan and a report instead of "infeasible").
//!
//! Solving: the LP relaxation (its objective is the bound reported to the planner, its values the start of
//! the primal heuristics in [`super::improve`]); an external back end may run its own branch and bound
//! first, whose values are then only a start too.

use super::formulation::Formulation;
use super::tiers::Tier;
use super::{SolverChoice, SolverStatus};
use crate::rules::family::Family;
use good_lp::{
    constraint, variable, Constraint, Expression, ProblemVariables, Solution, SolverModel,
    Variable, VariableDefinition,
};
use std::collections::BTreeMap;
use std::time::Instant;

/// A built program: variables, objective, rows, and the handles the caller reads back.
struct Built {
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    /// Rows per constraint family, in [`Family::ALL`] order.
    families: Vec<(Family, usize)>,
    x: Vec<Variable>,
    b: Vec<Vec<Variable>>,
    /// Every variable in creation order (the same order in every build of one formulation).
    all: Vec<Variable>,
    count: usize,
    /// Creation indices of the agents priced for breaking a soft rule ([`super::tiers`]).
    breaking: Vec<usize>,
}

/// How the shift variables are declared in one build.
#[derive(Clone, Copy)]
enum ShiftVars<'a> {
    Integer,
    /// Whole, each at most the given number of agents.
    IntegerUpTo(&'a [f64]),
    Relaxed,
    /// Relaxed, each between the given whole numbers of agents (a dive's fixings).
    Between(&'a [(f64, f64)]),
}

/// Variables, objective and rows as they are added, each row tagged with its family.
struct Builder {
    vars: ProblemVariables,
    count: usize,
    all: Vec<Variable>,
    objective: Expression,
    rows: Vec<Constraint>,
    families: Vec<Family>,
    breaking: Vec<usize>,
}

impl Builder {
    fn add(&mut self, def: VariableDefinition) -> Variable {
        self.count += 1;
        let v = self.vars.add(def);
        self.all.push(v);
        v
    }

    fn row(&mut self, family: Family, row: Constraint) {
        self.rows.push(row);
        self.families.push(family);
    }
}

fn sum(vars: impl IntoIterator<Item = Variable>) -> Expression {
    let mut e = Expression::from(0.0);
    for v in vars {
        e += v;
    }
    e
}

/// Agents starting each candidate shift, and their cost in the objective.
fn shift_variables(bld: &mut Builder, f: &Formulation, shift_vars: ShiftVars<'_>) -> Vec<Variable> {
    let x: Vec<Variable> = f
        .candidates
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let upper = f64::from(f.templates[c.template].max_per_day.unwrap_or(100_000));
            bld.add(match shift_vars {
                ShiftVars::Integer => variable().integer().min(0).max(upper),
                ShiftVars::IntegerUpTo(most) => variable().integer().min(0).max(upper.min(most[j])),
                ShiftVars::Relaxed => variable().min(0).max(upper),
                ShiftVars::Between(bounds) => {
                    let (lo, hi) = bounds[j];
                    variable().min(lo).max(hi.min(upper).max(lo))
                }
            })
        })
        .collect();
    x
}

/// Agents of each break set starting their break in each slot.
fn break_variables(bld: &mut Builder, f: &Formulation, whole: bool) -> Vec<Vec<Variable>> {
    f.break_sets
        .iter()
        .map(|set| {
            set.slots
                .iter()
                .map(|_| {
                    bld.add(if whole {
                        variable().integer().min(0).max(100_000)
                    } else {
                        variable().min(0)
                    })
                })
                .collect()
        })
        .collect()
}

/// Agents present per channel group and interval (shifts minus breaks), and where any can be.
type Presence = (Vec<Vec<Expression>>, Vec<Vec<bool>>);

fn presence(f: &Formulation, x: &[Variable], b: &[Vec<Variable>]) -> Presence {
    let n = f.intervals;
    let groups = f.groups.len();
    let mut present: Vec<Vec<Expression>> = (0..groups)
        .map(|_| vec![Expression::from(0.0); n])
        .collect();
    let mut touched = vec![vec![false; n]; groups];
    for (j, c) in f.candidates.iter().enumerate() {
        let g = f.group_of_template[c.template];
        for &(t, share) in &c.cover {
            present[g][t] += share * x[j];
            touched[g][t] = true;
        }
    }
    for (g, fixed) in f.fixed.iter().enumerate() {
        for (t, &v) in fixed.iter().enumerate().filter(|(_, v)| **v > 0.0) {
            present[g][t] += v;
            touched[g][t] = true;
        }
    }
    for (k, set) in f.break_sets.iter().enumerate() {
        let g = f.group_of_template[set.template];
        for (slot, cover) in set.slot_cover.iter().enumerate() {
            for &(t, share) in cover {
                present[g][t] -= share * b[k][slot];
            }
        }
    }
    (present, touched)
}

/// [`Family::Allocation`]: present agents split over the channels they may work; returns the agents
/// working each channel per interval.
fn allocation(
    bld: &mut Builder,
    f: &Formulation,
    (present, touched): &Presence,
) -> Vec<Vec<Expression>> {
    let n = f.intervals;
    let mut staffed: Vec<Vec<Expression>> = f
        .channels
        .iter()
        .map(|_| vec![Expression::from(0.0); n])
        .collect();
    for (g, channels) in f.groups.iter().enumerate() {
        for t in (0..n).filter(|&t| touched[g][t]) {
            let mut allocated = Expression::from(0.0);
            for &c in channels {
                if f.channels[c].needs(t) {
                    let a = bld.add(variable().min(0));
                    allocated += a;
                    staffed[c][t] += a;
                }
            }
            bld.row(
                Family::Allocation,
                constraint!(allocated <= present[g][t].clone()),
            );
        }
    }
    staffed
}

/// [`Family::Coverage`] and [`Family::Floor`]: each interval's requirement, or its floor plus
/// service-level increments; returns the increments per channel and interval.
fn coverage(
    bld: &mut Builder,
    f: &Formulation,
    staffed: &[Vec<Expression>],
) -> Vec<Vec<Vec<Variable>>> {
    let n = f.intervals;
    let mut increments: Vec<Vec<Vec<Variable>>> =
        f.channels.iter().map(|_| vec![Vec::new(); n]).collect();
    for (c, ch) in f.channels.iter().enumerate() {
        for t in (0..n).filter(|&t| ch.needs(t)) {
            let u = bld.add(variable().min(0));
            // In a goal interval an agent short still "earns" its increments, so it must cost more than
            // the most contacts one agent can add to the goal, or phantom agents would meet it.
            let price = match &ch.curves[t] {
                Some(curve) => {
                    let best = curve.answered.first().copied().unwrap_or(0.0)
                        + curve.abandoned.first().copied().unwrap_or(0.0);
                    f.under_penalty + f.goal_penalty * best
                }
                None => f.under_penalty,
            };
            bld.objective += price * u;
            match &ch.curves[t] {
                None => bld.row(
                    Family::Coverage,
                    constraint!(staffed[c][t].clone() + u >= ch.required[t]),
                ),
                Some(curve) => {
                    let z: Vec<Variable> = curve
                        .answered
                        .iter()
                        .map(|_| bld.add(variable().min(0).max(1)))
                        .collect();
                    let above = sum(z.iter().copied());
                    bld.row(
                        Family::Floor,
                        constraint!(staffed[c][t].clone() + u - above >= curve.floor),
                    );
                    increments[c][t] = z;
                }
            }
        }
    }
    increments
}

/// [`Family::GoalServiceLevel`] and [`Family::GoalAbandonment`]: answered within the threshold ≥
/// target × offered and abandoned ≤ ceiling × offered over each day or week, short at a high price.
fn goals(bld: &mut Builder, f: &Formulation, increments: &[Vec<Vec<Variable>>]) {
    for goal in &f.goals {
        let ch = &f.channels[goal.channel];
        let mut answered = Expression::from(0.0);
        let mut abandon_saved = Expression::from(0.0);
        for &t in &goal.intervals {
            if let Some(curve) = &ch.curves[t] {
                for (k, &z) in increments[goal.channel][t].iter().enumerate() {
                    answered += curve.answered[k] * z;
                    abandon_saved += curve.abandoned[k] * z;
                }
            }
        }
        let short = bld.add(variable().min(0));
        bld.objective += f.goal_penalty * short;
        bld.row(
            Family::GoalServiceLevel,
            constraint!(answered + short >= goal.answered_needed),
        );
        if let Some(needed) = goal.abandon_reduction_needed {
            let short = bld.add(variable().min(0));
            bld.objective += f.goal_penalty * short;
            bld.row(
                Family::GoalAbandonment,
                constraint!(abandon_saved + short >= needed),
            );
        }
    }
}

/// [`Family::Overstaffing`]: agents present beyond what all channels need, lightly penalised.
fn overstaffing(bld: &mut Builder, f: &Formulation, (present, touched): &Presence) {
    for t in 0..f.intervals {
        let groups: Vec<usize> = (0..f.groups.len()).filter(|&g| touched[g][t]).collect();
        if groups.is_empty() {
            continue;
        }
        let mut total = Expression::from(0.0);
        for g in groups {
            total += present[g][t].clone();
        }
        let needed: f64 = f.channels.iter().map(|ch| ch.reference[t]).sum();
        let o = bld.add(variable().min(0));
        bld.objective += f.over_penalty * o;
        bld.row(Family::Overstaffing, constraint!(o >= total - needed));
    }
}

/// [`Family::BreakWindows`]: slot totals equal the shifts; forward and backward constraints (windows are
/// monotone in the start) give every shift a slot inside its window.
fn break_windows(bld: &mut Builder, f: &Formulation, x: &[Variable], b: &[Vec<Variable>]) {
    for (k, set) in f.break_sets.iter().enumerate() {
        let shifts = sum(set.shifts.iter().map(|&j| x[j]));
        bld.row(
            Family::BreakWindows,
            constraint!(sum(b[k].iter().copied()) == shifts),
        );
        for (i, &(first, last)) in set.windows.iter().enumerate() {
            let early = sum(set.shifts[..=i].iter().map(|&j| x[j]));
            bld.row(
                Family::BreakWindows,
                constraint!(early <= sum(b[k][..=last].iter().copied())),
            );
            let late = sum(set.shifts[i..].iter().map(|&j| x[j]));
            bld.row(
                Family::BreakWindows,
                constraint!(late <= sum(b[k][first..].iter().copied())),
            );
        }
    }
}

/// [`Family::TemplateDayLimits`] and [`Family::DailyAgentLimit`].
fn limits(bld: &mut Builder, f: &Formulation, x: &[Variable]) {
    for limit in &f.limits {
        let total = sum(limit.shifts.iter().map(|&j| x[j]));
        if limit.min > 0.0 {
            bld.row(limit.family, constraint!(total.clone() >= limit.min));
        }
        if let Some(max) = limit.max {
            bld.row(limit.family, constraint!(total <= max));
        }
    }
}

/// A group's share of one template-day's shifts of one start tier: (template, date, tier, variable).
type Share = (usize, chrono::NaiveDate, Tier, Variable);

/// [`Family::WorkforceCover`], [`Family::WorkforceDays`], [`Family::WorkforceHours`] and
/// [`Family::WorkforceTiers`]: the shifts split over the groups of agents who may work them (see
/// [`super::workforce`]), and each group's over its agents by start tier (see [`super::tiers`]).
fn workforce(bld: &mut Builder, f: &Formulation, x: &[Variable]) {
    let Some(w) = &f.workforce else { return };
    let groups = &w.workforce.groups;
    // y[g] holds a share for every template-day and tier the group may work.
    let mut y: Vec<Vec<Share>> = vec![Vec::new(); groups.len()];
    for (t, date, js) in &w.template_days {
        // Candidates alike in every group's tiers share their rows (one set when the tiers are off:
        // then the rows, and their order, are those of the program without tiers).
        let mut by_tiers: BTreeMap<&[Tier], Vec<usize>> = BTreeMap::new();
        for &j in js {
            by_tiers.entry(&w.tiers.of[j]).or_default().push(j);
        }
        let mut worked_all = Expression::from(0.0);
        let mut covers = Vec::with_capacity(by_tiers.len());
        for (tiers, js) in by_tiers {
            let mut worked = Expression::from(0.0);
            for g in w.workforce.groups_for(*t) {
                let v = bld.add(variable().min(0));
                worked += v;
                y[g].push((*t, *date, tiers[g], v));
            }
            // Shifts no group can work stay possible at a price, so a rounded or fixed plan stays
            // feasible; the roster reports them as open.
            let unworked = bld.add(variable().min(0));
            bld.objective += super::workforce::UNWORKED_SHIFT_PRICE * unworked;
            worked_all += worked.clone();
            let shifts = sum(js.iter().map(|&j| x[j]));
            covers.push(constraint!(shifts - worked - unworked == 0.0));
        }
        if let Some(cap) = w.workforce.caps.get(&(*t, *date)) {
            let most = f64::from(*cap);
            bld.row(Family::WorkforceCover, constraint!(worked_all <= most));
        }
        for cover in covers {
            bld.row(Family::WorkforceCover, cover);
        }
    }
    for (g, group) in groups.iter().enumerate() {
        // Days in template-day order: a group of several templates meets a day once per template run,
        // so its row repeats (harmless; kept so the program without tiers stays as it was).
        let mut days: Vec<chrono::NaiveDate> = y[g].iter().map(|s| s.1).collect();
        days.dedup();
        for date in &days {
            let that_day = sum(y[g].iter().filter(|s| s.1 == *date).map(|s| s.3));
            let present = f64::from(group.present(*date));
            bld.row(Family::WorkforceDays, constraint!(that_day <= present));
        }
        for week in &w.whole_weeks {
            weekly_patterns(bld, f, group, &y[g], *week, w.workforce.min_hours_hard);
        }
        days.sort_unstable();
        days.dedup();
        start_tiers(bld, f, g, &y[g], &days);
        days_off(bld, f, g, &y[g]);
    }
}

/// [`Family::WorkforceDaysOff`]: one group's agents by days-off pattern ([`super::days_off`]): each
/// class's agents work one pattern each, those leaving a single day off at
/// [`super::tiers::BREACH_PRICE`] each, and each day the group's shifts are at most its agents whose
/// pattern works that day.
///
/// A group of several paid lengths whose minimum hours bind in the week takes every week its
/// agents may work, and splits each pattern's days by length (`z ≥ 0`, the pattern's agents every
/// day of it): the group's shifts of each length and day are exactly what its patterns hold, and
/// each pattern's hours reach its agents' minimum (short at
/// [`super::workforce::SHORT_HOUR_PRICE`] an hour). Without it, part-timers of 4 h and
/// 6 h shifts take three-day weeks of 4 h days around paired days off, which their 17 h cannot be.
fn days_off(bld: &mut Builder, f: &Formulation, g: usize, y: &[Share]) {
    let Some(w) = &f.workforce else { return };
    let Some(period) = &w.days_off.groups[g] else {
        return;
    };
    if y.is_empty() {
        return;
    }
    let group = &w.workforce.groups[g];
    let lengths = group_lengths(f, group);
    // Per class, the hours its agents owe when the lengths are split (none: days only).
    let owed: Vec<Option<f64>> = period
        .classes
        .iter()
        .map(|c| {
            // The class's days: its longest week (every week it may work is listed).
            let days = c.every.iter().map(|p| p.days()).max().unwrap_or(0);
            c.leave
                .and_then(|leave| owed_hours(group, &lengths, leave, days))
        })
        .collect();
    let split = lengths.len() > 1 && owed.iter().all(Option::is_some);
    let days = period.dates.len();
    let mut working: Vec<Expression> = vec![Expression::from(0.0); days];
    let mut held: Vec<Vec<Expression>> = vec![vec![Expression::from(0.0); lengths.len()]; days];
    for (class, owed) in period.classes.iter().zip(&owed) {
        let mut these = Expression::from(0.0);
        let patterns = if split { &class.every } else { &class.patterns };
        for p in patterns {
            let v = bld.add(variable().min(0));
            let price = super::days_off::price(p);
            if price > 0.0 {
                bld.objective += price * v;
                bld.breaking.push(bld.count - 1);
            }
            these += v;
            if split {
                let mut hours = Expression::from(0.0);
                for (i, _) in p.works.iter().enumerate().filter(|(_, w)| **w) {
                    let mut day = Expression::from(0.0);
                    for (k, len) in lengths.iter().enumerate() {
                        let z = bld.add(variable().min(0));
                        day += z;
                        hours += (f64::from(*len) / 60.0) * z;
                        held[i][k] += z;
                    }
                    bld.row(Family::WorkforceDaysOff, constraint!(day - v == 0.0));
                }
                let short = bld.add(variable().min(0));
                bld.objective += super::workforce::SHORT_HOUR_PRICE * short;
                let least = owed.unwrap_or(0.0);
                bld.row(
                    Family::WorkforceDaysOff,
                    constraint!(hours + short - least * v >= 0.0),
                );
            } else {
                for (day, _) in working.iter_mut().zip(&p.works).filter(|(_, w)| **w) {
                    *day += v;
                }
            }
        }
        bld.row(
            Family::WorkforceDaysOff,
            constraint!(these == f64::from(class.agents)),
        );
    }
    for (i, date) in period.dates.iter().enumerate() {
        let that_day: Vec<&Share> = y.iter().filter(|s| s.1 == *date).collect();
        if that_day.is_empty() {
            continue;
        }
        if split {
            for (k, len) in lengths.iter().enumerate() {
                let shifts = sum(that_day
                    .iter()
                    .filter(|s| f.templates[s.0].paid_minutes == *len)
                    .map(|s| s.3));
                let patterns = std::mem::replace(&mut held[i][k], Expression::from(0.0));
                bld.row(
                    Family::WorkforceDaysOff,
                    constraint!(shifts - patterns == 0.0),
                );
            }
        } else {
            let shifts = sum(that_day.iter().map(|s| s.3));
            let working = std::mem::replace(&mut working[i], Expression::from(0.0));
            bld.row(
                Family::WorkforceDaysOff,
                constraint!(shifts - working <= 0.0),
            );
        }
    }
}

/// The hours an agent of `group` with `leave` days of leave owes in a week of shifts of `lengths`
/// on at most `days` days, when some such week reaches it (an unreachable minimum is priced once, by
/// [`Family::WorkforceHours`]).
fn owed_hours(
    group: &super::workforce::Group,
    lengths: &[u32],
    leave: u32,
    days: u32,
) -> Option<f64> {
    let reachable = group
        .patterns(lengths, leave, days, true)
        .iter()
        .any(|(counts, short)| *short == 0.0 && counts.iter().any(|n| *n > 0));
    reachable.then(|| group.min_hours_with_leave(leave))
}

/// One group's agents by start tier ([`super::tiers`]): agents without lates, agents of each late
/// class `i` (lates of bands `1..=i`, non-late shifts classes `i` may hold, at most the tiers' cap of
/// lates each over the period), and agents who may break a rule, at [`super::tiers::BREACH_PRICE`]
/// each. Each part works at most one shift per agent a day and `max_days` a week, and in each whole
/// week at least its agents' minimum hours. Beyond a week the days of each ISO week are pooled.
fn start_tiers(
    bld: &mut Builder,
    f: &Formulation,
    g: usize,
    y: &[Share],
    days: &[chrono::NaiveDate],
) {
    let Some(w) = &f.workforce else { return };
    let group = &w.workforce.groups[g];
    let classes = w.tiers.bands[g] as usize;
    if classes == 0 || y.is_empty() {
        return;
    }
    let new = |bld: &mut Builder| bld.add(variable().min(0));
    let early = new(bld);
    let breaking = new(bld);
    bld.breaking.push(bld.count - 1);
    let class: Vec<Variable> = (0..classes).map(|_| new(bld)).collect();
    bld.objective += super::tiers::BREACH_PRICE * breaking;
    let size = group.agents.len() as f64;
    bld.row(
        Family::WorkforceTiers,
        constraint!(sum(class.iter().copied()) + early + breaking == size),
    );
    let lengths = group_lengths(f, group);
    // Per part (0 early, 1..=classes the classes, then breaking) and day: its shifts; per part and
    // week: its hours. The breaking part holds what the others do not.
    let parts = classes + 2;
    let mut hours: Vec<BTreeMap<crate::grid::IsoWeek, Expression>> = vec![BTreeMap::new(); parts];
    let mut lates: Vec<Expression> = vec![Expression::from(0.0); classes];
    // Pools: each day for a plan of a week or less, else each ISO week (the README's counting
    // argument is weekly; see `WorkforceRows::new` for plans beyond a week).
    let pools: Vec<(crate::grid::IsoWeek, Vec<chrono::NaiveDate>)> = if days.len() <= 7 {
        days.iter()
            .map(|d| (crate::grid::iso_week(*d), vec![*d]))
            .collect()
    } else {
        let mut by: BTreeMap<crate::grid::IsoWeek, Vec<chrono::NaiveDate>> = BTreeMap::new();
        for d in days {
            by.entry(crate::grid::iso_week(*d)).or_default().push(*d);
        }
        by.into_iter().collect()
    };
    let mut shifts: Vec<Vec<Expression>> = vec![Vec::new(); parts];
    for (pool, (week, dates)) in pools.iter().enumerate() {
        let week = *week;
        for part in shifts.iter_mut() {
            part.push(Expression::from(0.0));
        }
        for &len in &lengths {
            let of = |keep: &dyn Fn(Tier) -> bool| {
                sum(y
                    .iter()
                    .filter(|s| {
                        dates.contains(&s.1) && f.templates[s.0].paid_minutes == len && keep(s.2)
                    })
                    .map(|s| s.3))
            };
            let e = new(bld);
            let c: Vec<Variable> = (0..classes).map(|_| new(bld)).collect();
            let l: Vec<Variable> = (0..classes).map(|_| new(bld)).collect();
            // Nested eligibility (Hall's condition): classes k.. hold only non-late shifts they
            // may, classes ..=k only lates of bands up to k; the early part only non-late shifts.
            for k in 0..=classes as u32 {
                let held = of(&|t| matches!(t, Tier::Early(x) if x >= k));
                let by_later = sum(c[(k as usize).saturating_sub(1)..].iter().copied())
                    + if k == 0 {
                        Expression::from(e)
                    } else {
                        Expression::from(0.0)
                    };
                bld.row(Family::WorkforceTiers, constraint!(by_later - held <= 0.0));
                if k > 0 {
                    let band = of(&|t| matches!(t, Tier::Late(j) if j <= k));
                    let by_earlier = sum(l[..k as usize].iter().copied());
                    bld.row(
                        Family::WorkforceTiers,
                        constraint!(by_earlier - band <= 0.0),
                    );
                }
            }
            let h = f64::from(len) / 60.0;
            let all = of(&|_| true);
            let mut rest = all - e;
            let mut add = |p: usize, n: Expression| {
                shifts[p][pool] += n.clone();
                *hours[p]
                    .entry(week)
                    .or_insert_with(|| Expression::from(0.0)) += h * n;
            };
            add(0, Expression::from(e));
            for i in 0..classes {
                let held = Expression::from(c[i]) + l[i];
                rest -= held.clone();
                add(i + 1, held);
                lates[i] += l[i];
            }
            add(classes + 1, rest);
        }
    }
    let agents = |p: usize| match p {
        0 => early,
        p if p <= classes => class[p - 1],
        _ => breaking,
    };
    let most = f64::from(group.max_days);
    for p in 0..parts {
        let n = agents(p);
        let mut weekly: BTreeMap<crate::grid::IsoWeek, Expression> = BTreeMap::new();
        for ((week, dates), count) in pools.iter().zip(&shifts[p]) {
            let room = most.min(dates.len() as f64);
            bld.row(
                Family::WorkforceTiers,
                constraint!(count.clone() - room * n <= 0.0),
            );
            *weekly.entry(*week).or_insert_with(|| Expression::from(0.0)) += count.clone();
        }
        if pools.len() > weekly.len() {
            for count in weekly.into_values() {
                bld.row(Family::WorkforceTiers, constraint!(count - most * n <= 0.0));
            }
        }
        for week in &w.whole_weeks {
            let (least, slack) =
                super::tiers::least_hours(group, *week, w.workforce.min_hours_hard);
            if least > 0.0 && p <= classes {
                let worked = hours[p]
                    .get(week)
                    .cloned()
                    .unwrap_or_else(|| Expression::from(0.0));
                bld.row(
                    Family::WorkforceTiers,
                    constraint!(worked - least * n >= -slack),
                );
            }
        }
    }
    let cap = f64::from(w.tiers.cap[g]);
    for (i, l) in lates.into_iter().enumerate() {
        bld.row(
            Family::WorkforceTiers,
            constraint!(l - cap * class[i] <= 0.0),
        );
    }
}

/// One group's week as agents' weeks: `n_p ≥ 0` agents work pattern `p` (so many shifts of each paid
/// length, within `max_days` and `max_hours`, each hour below the minimum at a high price), and the
/// group's shifts of each length equal to what its patterns hold.
fn weekly_patterns(
    bld: &mut Builder,
    f: &Formulation,
    group: &super::workforce::Group,
    y: &[Share],
    week: crate::grid::IsoWeek,
    min_hard: bool,
) {
    let model_lengths = group_lengths(f, group);
    // Agents alike but for their leave and the days they may work this week: each class has its
    // own minimum and most days.
    let mut patterns: Vec<(Vec<u32>, f64)> = Vec::new();
    let mut n: Vec<Variable> = Vec::new();
    for ((leave, days), agents) in group.by_class(week) {
        let mut these = Expression::from(0.0);
        for (p, short) in group.patterns(&model_lengths, leave, days, min_hard) {
            let v = bld.add(variable().min(0));
            bld.objective += super::workforce::SHORT_HOUR_PRICE * short * v;
            these += v;
            n.push(v);
            patterns.push((p, short));
        }
        bld.row(
            Family::WorkforceHours,
            constraint!(these == f64::from(agents)),
        );
    }
    for (k, len) in model_lengths.iter().enumerate() {
        let shifts = sum(y
            .iter()
            .filter(|(t, d, _, _)| {
                f.templates[*t].paid_minutes == *len && crate::grid::iso_week(*d) == week
            })
            .map(|s| s.3));
        let mut held = Expression::from(0.0);
        for ((p, _), v) in patterns.iter().zip(&n) {
            held += f64::from(p[k]) * *v;
        }
        bld.row(Family::WorkforceHours, constraint!(shifts - held == 0.0));
    }
    forced_days(bld, f, group, y, week, min_hard);
}

/// The shifts agents cannot do without ([`Group::forced_days`](super::workforce::Group::forced_days)):
/// on each such date, the group's shifts at least that long are at least those agents — or each
/// one missing is priced as its hours short, so a plan exists even when no such shift can be.
fn forced_days(
    bld: &mut Builder,
    f: &Formulation,
    group: &super::workforce::Group,
    y: &[Share],
    week: crate::grid::IsoWeek,
    min_hard: bool,
) {
    let lengths = group_lengths(f, group);
    for ((date, least), agents) in group.forced_days(&lengths, week, min_hard) {
        let long: Vec<&Share> = y
            .iter()
            .filter(|(t, d, _, _)| *d == date && f.templates[*t].paid_minutes >= least)
            .collect();
        if long.is_empty() {
            // No shift that long on the date (a length of other weekdays): every plan would pay
            // the row, which the bound's unavoidable price does not hold.
            continue;
        }
        let shifts = sum(long.iter().map(|s| s.3));
        let missing = bld.add(variable().min(0));
        bld.objective += super::workforce::SHORT_HOUR_PRICE * (f64::from(least) / 60.0) * missing;
        bld.row(
            Family::WorkforceHours,
            constraint!(shifts + missing >= f64::from(agents)),
        );
    }
}

fn build(f: &Formulation, shift_vars: ShiftVars<'_>) -> Built {
    let mut bld = Builder {
        vars: ProblemVariables::new(),
        count: 0,
        all: Vec::new(),
        objective: Expression::from(0.0),
        rows: Vec::new(),
        families: Vec::new(),
        breaking: Vec::new(),
    };
    let x = shift_variables(&mut bld, f, shift_vars);
    let b = break_variables(
        &mut bld,
        f,
        f.whole_breaks && matches!(shift_vars, ShiftVars::Integer | ShiftVars::IntegerUpTo(_)),
    );
    for (j, c) in f.candidates.iter().enumerate() {
        bld.objective += f.templates[c.template].cost * x[j];
    }
    let present = presence(f, &x, &b);
    let staffed = allocation(&mut bld, f, &present);
    let increments = coverage(&mut bld, f, &staffed);
    goals(&mut bld, f, &increments);
    overstaffing(&mut bld, f, &present);
    break_windows(&mut bld, f, &x, &b);
    limits(&mut bld, f, &x);
    workforce(&mut bld, f, &x);
    let families = Family::ALL
        .into_iter()
        .map(|fam| (fam, bld.families.iter().filter(|x| **x == fam).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    Built {
        vars: bld.vars,
        objective: bld.objective,
        rows: bld.rows,
        families,
        x,
        b,
        all: bld.all,
        count: bld.count,
        breaking: bld.breaking,
    }
}

/// Shift and break values, the objective and the status of one solve.
type Values = (Vec<f64>, Vec<Vec<f64>>, f64, SolverStatus);

/// The caller's values, and every variable's value (in creation order) for warm starts.
fn read<S: Solution>(solution: &S, built: &Built, status: SolverStatus) -> (Values, Vec<f64>) {
    let values = (
        built.x.iter().map(|&v| solution.value(v)).collect(),
        built
            .b
            .iter()
            .map(|slots| slots.iter().map(|&v| solution.value(v)).collect())
            .collect(),
        solution.eval(&built.objective),
        status,
    );
    (
        values,
        built.all.iter().map(|&v| solution.value(v)).collect(),
    )
}

/// How a back end reports the end of a solve, in our words.
fn status_of(status: good_lp::solvers::SolutionStatus) -> SolverStatus {
    use good_lp::solvers::SolutionStatus as S;
    match status {
        S::Optimal => SolverStatus::Optimal,
        S::GapLimit => SolverStatus::WithinGap,
        S::TimeLimit => SolverStatus::TimeLimit,
    }
}

/// Solves one build with the chosen back end; `mip` applies the gap and time limit, and `start` is a
/// feasible plan (every variable's value, in creation order) for branch and bound to start from.
fn run(
    built: Built,
    choice: &SolverChoice,
    mip: bool,
    start: Option<&[f64]>,
) -> Result<(Values, Vec<f64>), String> {
    let Built {
        vars,
        objective,
        rows,
        families,
        x,
        b,
        all,
        count,
        breaking,
    } = built;
    let keep = Built {
        vars: ProblemVariables::new(),
        objective: objective.clone(),
        rows: Vec::new(),
        families,
        x,
        b,
        all,
        count,
        breaking,
    };
    let problem = vars.minimise(objective);
    match choice.backend {
        super::Backend::Microlp => {
            use good_lp::{WithInitialSolution, WithMipGap, WithTimeLimit};
            let mut model = problem.using(good_lp::microlp);
            if mip {
                model = model
                    .with_time_limit(choice.time_limit_s)
                    .with_mip_gap(choice.mip_gap as f32)
                    .map_err(|e| e.to_string())?;
                if let Some(values) = start {
                    let hint: Vec<(Variable, f64)> = keep
                        .all
                        .iter()
                        .copied()
                        .zip(values.iter().copied())
                        .collect();
                    model = model.with_initial_solution(hint);
                }
            }
            for row in rows {
                model.add_constraint(row);
            }
            let solution = model.solve().map_err(|e| e.to_string())?;
            let status = status_of(solution.status());
            Ok(read(&solution, &keep, status))
        }
        #[cfg(feature = "highs")]
        super::Backend::Highs => {
            let mut model = problem
                .using(good_lp::highs)
                .set_threads(choice.backend_threads());
            model.set_verbose(false);
            if mip {
                model = model
                    .set_time_limit(backend_seconds(choice))
                    .set_option("mip_max_nodes", backend_nodes(choice))
                    .set_mip_rel_gap(choice.mip_gap as f32)
                    .map_err(|e| format!("{e:?}"))?;
            }
            for row in rows {
                model.add_constraint(row);
            }
            let solution = model.solve().map_err(|e| e.to_string())?;
            let status = status_of(solution.status());
            Ok(read(&solution, &keep, status))
        }
        #[cfg(feature = "cbc")]
        super::Backend::Cbc => {
            let mut model = problem.using(good_lp::coin_cbc);
            model.set_parameter("log", "0");
            model.set_parameter("threads", &choice.backend_threads().to_string());
            if mip {
                model.set_parameter("sec", &backend_seconds(choice).to_string());
                model.set_parameter("maxNodes", &backend_nodes(choice).to_string());
                model.set_parameter("ratioGap", &choice.mip_gap.to_string());
            }
            for row in rows {
                model.add_constraint(row);
            }
            let solution = model.solve().map_err(|e| e.to_string())?;
            Ok(read(&solution, &keep, status_of(solution.status())))
        }
    }
}

/// Branch-and-bound nodes an external back end may spend: the deterministic limit ([`SolverChoice::node_limit`]
/// or [`BACKEND_NODES`]), so its plan does not depend on the machine's load when the nodes run out
/// first.
#[cfg_attr(not(any(feature = "cbc", feature = "highs")), allow(dead_code))]
fn backend_nodes(choice: &SolverChoice) -> i32 {
    let nodes = if choice.node_limit > 0 {
        choice.node_limit
    } else {
        BACKEND_NODES
    };
    i32::try_from(nodes).unwrap_or(i32::MAX)
}

/// Nodes for HiGHS's and CBC's branch and bound unless [`SolverChoice::node_limit`] says otherwise.
#[cfg_attr(not(any(feature = "cbc", feature = "highs")), allow(dead_code))]
const BACKEND_NODES: u64 = 5_000;

/// The back end's share of the safety stop: half, so that rounding, repair and the local search that
/// follow it still run when its branch and bound hits the clock (before, a back end stopped by the
/// clock left a plan nobody had repaired: 37 % above the bound on issue 10's week).
#[cfg_attr(not(any(feature = "cbc", feature = "highs")), allow(dead_code))]
fn backend_seconds(choice: &SolverChoice) -> f64 {
    choice.time_limit_s / 2.0
}

/// The LP relaxation: every candidate's fractional value, and the bound no integer plan can beat.
#[derive(Debug, Clone)]
pub(crate) struct Relaxation {
    /// microlp's solved LP, kept for a warm dive ([`WarmLp`]); `None` with other back ends.
    pub warm: Option<WarmLp>,
    pub shifts: Vec<f64>,
    /// Agents of each break set per slot (fractional).
    pub breaks: Vec<Vec<f64>>,
    pub bound: f64,
    pub variables: usize,
    pub constraints: usize,
    /// Rows per constraint family.
    pub families: Vec<(Family, usize)>,
    pub build_seconds: f64,
}

/// Builds and solves the LP relaxation (deterministic: simplex with no time limit), with each
/// candidate within `bounds` (whole agents) if given.
/// What the program's objective holds beyond the plan's own cost in every solution: the short hours of
/// contracts no week can satisfy ([`super::workforce::unavoidable_price`]). A plan's cost is compared
/// with the LP bound less this.
fn unavoidable_price(f: &Formulation) -> f64 {
    let Some(w) = &f.workforce else { return 0.0 };
    super::workforce::unavoidable_price(&w.workforce, &w.whole_weeks, |g| group_lengths(f, g))
}

/// The distinct paid lengths (minutes) of a group's templates, sorted.
fn group_lengths(f: &Formulation, group: &super::workforce::Group) -> Vec<u32> {
    let mut l: Vec<u32> = group
        .templates
        .iter()
        .map(|&t| f.templates[t].paid_minutes)
        .collect();
    l.sort_unstable();
    l.dedup();
    l
}

pub(crate) fn relaxation(
    f: &Formulation,
    choice: &SolverChoice,
    bounds: Option<&[(f64, f64)]>,
) -> Result<Relaxation, String> {
    let started = Instant::now();
    let relaxed = build(f, bounds.map_or(ShiftVars::Relaxed, ShiftVars::Between));
    let (variables, constraints) = (relaxed.count, relaxed.rows.len());
    let families = relaxed.families.clone();
    let build_seconds = started.elapsed().as_secs_f64();
    let unavoidable = unavoidable_price(f);
    let breaking = relaxed.breaking.clone();
    let (warm, shifts, breaks, bound, all) = if choice.backend == super::Backend::Microlp {
        let warm = WarmLp::solve(f, relaxed)?;
        let (shifts, breaks, bound) = warm.values();
        let all = warm.all_values();
        (Some(warm), shifts, breaks, bound, all)
    } else {
        let ((shifts, breaks, bound, _), all) = run(relaxed, choice, false, None)?;
        (None, shifts, breaks, bound, all)
    };
    // The relaxation's price for agents breaking a soft rule is left out of the bound, as the plan's
    // cost leaves it out: the gap compares the plan's shifts with the relaxation's.
    let priced: f64 = breaking
        .iter()
        .filter_map(|&i| all.get(i))
        .map(|v| super::tiers::BREACH_PRICE * v)
        .sum();
    Ok(Relaxation {
        warm,
        shifts,
        breaks,
        bound: bound - unavoidable - priced,
        variables,
        constraints,
        families,
        build_seconds,
    })
}

/// microlp's optimal LP basis, re-solved in place as a dive fixes candidates: each fixing is a few
/// dual simplex pivots from the previous basis instead of a new build and solve (the dive's cost was
/// a whole LP per round). Deterministic: no time limit, the same pivots on any machine.
#[derive(Clone)]
pub(crate) struct WarmLp {
    /// Always `Some` between calls (taken while microlp edits it).
    solution: Option<microlp::Solution>,
    /// Candidates, then break slots, as good_lp created them (the first variables of the program).
    vars: Vec<microlp::Variable>,
    slots: Vec<usize>,
}

impl std::fmt::Debug for WarmLp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WarmLp({} variables)", self.vars.len())
    }
}

impl WarmLp {
    fn solve(f: &Formulation, built: Built) -> Result<WarmLp, String> {
        let Built {
            vars,
            objective,
            rows,
            ..
        } = built;
        let mut lp = vars.minimise(objective).using(good_lp::microlp);
        for row in rows {
            lp.add_constraint(row);
        }
        let solution = lp
            .as_inner()
            .solve()
            .and_then(|o| o.into_solution().map_err(|_| microlp::Error::Infeasible))
            .map_err(|e| e.to_string())?;
        let slots: Vec<usize> = f.break_sets.iter().map(|s| s.slots.len()).collect();
        let n = f.candidates.len() + slots.iter().sum::<usize>();
        let vars = solution.iter().take(n).map(|(v, _)| v).collect();
        Ok(WarmLp {
            solution: Some(solution),
            vars,
            slots,
        })
    }

    /// Fixes each candidate `j` of `fixes` to its whole number of agents, re-solving from the current
    /// basis after each; a fixing that would make the LP infeasible is left out. Returns those left out.
    /// (One copy of the LP per call, to fall back to: microlp consumes the solution it edits.)
    pub fn fix_all(&mut self, fixes: &[(usize, f64)]) -> Vec<usize> {
        let backup = self.solution.clone();
        let mut failed: Vec<usize> = Vec::new();
        'again: loop {
            for &(j, agents) in fixes.iter().filter(|(j, _)| !failed.contains(j)) {
                let next = self
                    .solution
                    .take()
                    .and_then(|s| s.fix_var(self.vars[j], agents).ok())
                    .and_then(|o| o.into_solution().ok());
                match next {
                    Some(s) => self.solution = Some(s),
                    None => {
                        failed.push(j);
                        self.solution = backup.clone();
                        continue 'again;
                    }
                }
            }
            return failed;
        }
    }

    /// Every variable's value, in creation order.
    fn all_values(&self) -> Vec<f64> {
        self.solution
            .as_ref()
            .map(|s| s.iter().map(|(_, v)| v).collect())
            .unwrap_or_default()
    }

    /// Candidates' values, break slots' values, and the objective.
    pub fn values(&self) -> (Vec<f64>, Vec<Vec<f64>>, f64) {
        let n = self.vars.len() - self.slots.iter().sum::<usize>();
        let Some(solution) = &self.solution else {
            return (Vec::new(), Vec::new(), f64::NAN);
        };
        let value = |i: usize| solution.var_value(self.vars[i]);
        let shifts = (0..n).map(value).collect();
        let mut at = n;
        let breaks = self
            .slots
            .iter()
            .map(|&len| {
                let v = (at..at + len).map(value).collect();
                at += len;
                v
            })
            .collect();
        (shifts, breaks, solution.objective())
    }
}

/// Branch and bound of an external back end (CBC, HiGHS) with its gap and time limit: the shift values
/// it ends with, and how it ended. These may be a relaxation's when it found nothing in time, so the
/// caller rounds, repairs and verifies them like any other start; they are never reported as a plan.
#[cfg_attr(not(any(feature = "cbc", feature = "highs")), allow(dead_code))]
pub(crate) fn branch_and_bound(
    f: &Formulation,
    choice: &SolverChoice,
) -> Result<(Vec<f64>, SolverStatus), String> {
    let ((shifts, _, _, status), _) = run(build(f, ShiftVars::Integer), choice, true, None)?;
    Ok((shifts, status))
}

/// Whole shifts, break-slot counts, and how branch and bound ended.
pub(crate) type IntegerPlan = (Vec<f64>, Vec<Vec<f64>>, SolverStatus);

/// microlp's branch and bound with a node limit — deterministic, unlike a time limit (which stays as
/// the safety stop) — from the program `f`: whole shifts and break-slot counts of its best plan, and how
/// it ended; `None` when it found no plan within the nodes.
///
/// `incumbent` (whole agents per candidate) seeds the search: the program with those shifts fixed is
/// solved as an LP, and all its values are the warm start, so branch and bound prunes against that plan
/// from the first node. When that plan is already within `choice.mip_gap` of `bound` (the relaxation's,
/// as [`relaxation`] reports it), branch and bound would stop at its root with it: it is returned as
/// is ([`SolverStatus::WithinGap`]), without solving the root LP again (on issue 9's large case a
/// third of the plan's time).
pub(crate) fn node_limited(
    f: &Formulation,
    choice: &SolverChoice,
    nodes: u64,
    incumbent: Option<&[f64]>,
    bound: Option<f64>,
    upper: Option<&[f64]>,
) -> Result<Option<IntegerPlan>, String> {
    let warm = incumbent.and_then(|x| warm_start(f, x, None));
    if let (Some(w), Some(bound)) = (&warm, bound) {
        let objective = w.objective - unavoidable_price(f);
        if objective > 0.0 && (objective - bound) / objective <= choice.mip_gap {
            let values: Vec<f64> = w.values.iter().map(|(_, v)| *v).collect();
            let (shifts, breaks) = split_values(f, &values);
            return Ok(Some((shifts, breaks, SolverStatus::WithinGap)));
        }
    }
    node_limited_from(f, choice, nodes, warm.map(|w| w.values), upper)
}

/// Every variable's value (microlp's order) of the program with the shifts (and, if given, the break
/// slots) fixed to a plan's: a warm start for branch and bound. With the break slots given, the start
/// is integral where breaks are (see [`Formulation::whole_breaks`]).
pub(crate) fn warm_start(
    f: &Formulation,
    shifts: &[f64],
    breaks: Option<&[Vec<f64>]>,
) -> Option<WarmStart> {
    let fixed: Vec<(f64, f64)> = shifts.iter().map(|&v| (v, v)).collect();
    let Built {
        vars,
        objective,
        rows,
        b,
        ..
    } = build(f, ShiftVars::Between(&fixed));
    let mut lp = vars.minimise(objective).using(good_lp::microlp);
    for row in rows {
        lp.add_constraint(row);
    }
    for (k, slots) in breaks.into_iter().flatten().enumerate() {
        for (slot, &v) in slots.iter().enumerate() {
            lp.add_constraint(constraint!(b[k][slot] == v));
        }
    }
    lp.as_inner()
        .solve()
        .ok()
        .and_then(|o| o.into_solution().ok())
        .map(|s| WarmStart {
            objective: s.objective(),
            values: s.iter().collect(),
        })
}

/// A plan's values for every variable of a program, and its objective there.
pub(crate) struct WarmStart {
    pub values: Vec<(microlp::Variable, f64)>,
    pub objective: f64,
}

/// [`node_limited`] from a given warm start.
pub(crate) fn node_limited_from(
    f: &Formulation,
    choice: &SolverChoice,
    nodes: u64,
    warm_start: Option<Vec<(microlp::Variable, f64)>>,
    upper: Option<&[f64]>,
) -> Result<Option<IntegerPlan>, String> {
    let Built {
        vars,
        objective,
        rows,
        ..
    } = build(f, upper.map_or(ShiftVars::Integer, ShiftVars::IntegerUpTo));
    let mut model = vars.minimise(objective).using(good_lp::microlp);
    for row in rows {
        model.add_constraint(row);
    }
    let mut options = microlp::SolveOptions::default();
    options.node_limit = Some(nodes);
    options.warm_start = warm_start;
    options.mip_gap = choice.mip_gap;
    options.time_limit = Some(std::time::Duration::from_secs_f64(
        choice.time_limit_s.clamp(0.001, 1e6),
    ));
    let outcome = model
        .as_inner()
        .solve_with(options)
        .map_err(|e| e.to_string())?;
    let status = match outcome.termination_reason() {
        microlp::TerminationReason::ProvenOptimal => SolverStatus::Optimal,
        microlp::TerminationReason::MipGap => SolverStatus::WithinGap,
        microlp::TerminationReason::TimeLimit => SolverStatus::TimeLimit,
        _ => SolverStatus::NodeLimit,
    };
    let Some(solution) = outcome.solution() else {
        return Ok(None);
    };
    let values: Vec<f64> = solution.iter().map(|(_, v)| v).collect();
    let (shifts, breaks) = split_values(f, &values);
    Ok(Some((shifts, breaks, status)))
}

/// Shift values and break-slot values per break set, from all of a microlp solution's values: good_lp
/// creates microlp's variables in its own order, the shifts first, then the break slots.
fn split_values(f: &Formulation, values: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = f.candidates.len();
    let shifts = values[..n].to_vec();
    let mut at = n;
    let breaks = f
        .break_sets
        .iter()
        .map(|set| {
            let slots = values[at..at + set.slots.len()].to_vec();
            at += set.slots.len();
            slots
        })
        .collect();
    (shifts, breaks)
}

//! Named-agent rosters: who works which of the plan's shifts, under labour rules.
//!
//! # Method
//! A flat binary programme over agents × days × shifts is slow (see DESIGN §5), so the roster is built
//! the way planners build it, but exhaustively and deterministically: the plan's shifts are taken in
//! start order, and each goes to the eligible agent with the lowest score. Eligible means: holds every
//! channel of the shift's template, is not unavailable during it, has no shift that day, and — unless the
//! model makes them soft — keeps at least `min_rest` before the shift, a `weekly_rest` gap somewhere in the
//! week, at most `max_consecutive_days`, and the agent's `max_hours` and `max_days`. The score prefers the
//! agent furthest below their contract hours, then start times close to the agent's other starts, days off
//! kept in pairs, a fair share of weekend and late shifts, then preferred hours and proficiency; ties go to
//! the earlier agent in the file. Shifts nobody can take are reported as open, and every soft rule an agent's week
//! breaks is listed by agent and rule, in planner's words.

pub mod agents;
pub mod plan_file;

use crate::grid::start_of_day;
use crate::model::rules::LabourRules;
use crate::model::Model;
use crate::staffing::{AgentId, Span, Staffing};
use agents::{Agent, When, Window};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use std::collections::BTreeSet;

/// A rule broken, in planner's words.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub agent: Option<usize>,
    pub rule: &'static str,
    pub detail: String,
}

/// The roster: the plan's spans with named agents, and what could not be filled.
#[derive(Debug, Clone)]
pub struct Roster {
    pub agents: Vec<Agent>,
    /// One span per agent-shift (`agent` set, `count` 1), in agent order, then start.
    pub staffing: Staffing,
    /// Shifts of the plan nobody could take, with the agents missing as `count`.
    pub open: Vec<Span>,
    pub violations: Vec<Violation>,
}

impl Roster {
    /// The rostered spans.
    pub fn spans(&self) -> &[Span] {
        &self.staffing.spans
    }

    /// Agent-shifts nobody could take.
    pub fn open_count(&self) -> u32 {
        self.open.iter().map(|s| s.count).sum()
    }

    /// The agent of a rostered span.
    pub fn agent_of(&self, span: &Span) -> Option<&Agent> {
        span.agent.and_then(|a| self.agents.get(a.0))
    }
}

#[derive(Debug, Clone, Default)]
struct Week {
    /// Paid hours per ISO week (contract bands, `max_days` and the weekly rest are per week).
    hours: std::collections::BTreeMap<WeekKey, f64>,
    days: BTreeSet<NaiveDate>,
    /// (start, end) of assigned shifts, sorted.
    spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    start_minutes: Vec<u32>,
    weekends: u32,
    lates: u32,
}

/// ISO year and week of a local date.
type WeekKey = (i32, u32);

fn week_of(d: NaiveDate) -> WeekKey {
    let w = d.iso_week();
    (w.year(), w.week())
}

/// Monday 00:00 to the next Monday 00:00, local, of an ISO week.
fn week_window(model: &Model, key: WeekKey) -> (DateTime<Utc>, DateTime<Utc>) {
    let monday = NaiveDate::from_isoywd_opt(key.0, key.1, Weekday::Mon).unwrap_or_default();
    let tz = model.time_zone;
    (
        start_of_day(tz, monday),
        start_of_day(tz, monday + Duration::days(7)),
    )
}

impl Week {
    fn hours_in(&self, key: WeekKey) -> f64 {
        self.hours.get(&key).copied().unwrap_or(0.0)
    }

    fn days_in(&self, key: WeekKey) -> u32 {
        self.days.iter().filter(|d| week_of(**d) == key).count() as u32
    }
}

/// Longest rest inside a week's window, with the shifts clipped to it (time outside the plan counts as
/// rest: nothing is known of it).
fn weekly_rest(
    spans: &[(DateTime<Utc>, DateTime<Utc>)],
    window: (DateTime<Utc>, DateTime<Utc>),
) -> f64 {
    let inside: Vec<(DateTime<Utc>, DateTime<Utc>)> = spans
        .iter()
        .filter(|(s, e)| *s < window.1 && *e > window.0)
        .map(|(s, e)| ((*s).max(window.0), (*e).min(window.1)))
        .collect();
    longest_rest(&inside, window.0, window.1)
}

fn local_minutes(model: &Model, t: DateTime<Utc>) -> u32 {
    let l = t.with_timezone(&model.time_zone);
    l.hour() * 60 + l.minute()
}

/// Whether `[start, end)` meets a window of the agent (local wall-clock, per date or weekday).
fn overlaps(model: &Model, w: &Window, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let tz = model.time_zone;
    let (ls, le) = (
        start.with_timezone(&tz).naive_local(),
        end.with_timezone(&tz).naive_local(),
    );
    let mut day = ls.date();
    while day <= le.date() {
        let applies = match w.when {
            When::Date(d) => d == day,
            When::Weekday(wd) => day.weekday() == wd,
        };
        if applies {
            let from =
                day.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(w.from_minute));
            let to =
                day.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(w.to_minute));
            if ls < to && from < le {
                return true;
            }
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    false
}

/// Longest gap between shifts (including from the period start and to its end), hours.
fn longest_rest(
    spans: &[(DateTime<Utc>, DateTime<Utc>)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> f64 {
    let mut edge = from;
    let mut longest = 0.0f64;
    for (s, e) in spans {
        longest = longest.max((*s - edge).num_minutes() as f64 / 60.0);
        edge = edge.max(*e);
    }
    longest.max((to - edge).num_minutes() as f64 / 60.0)
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

/// Assigns `agents` to the plan's shifts; `period` is the planned time (weeks it covers whole are held to
/// the agents' minimum weekly hours). Contract bands, `max_days` and the weekly rest apply per ISO week.
pub fn assign(
    model: &Model,
    rules: &LabourRules,
    plan: &Staffing,
    agents: Vec<Agent>,
    windows: &[Window],
    period: (DateTime<Utc>, DateTime<Utc>),
) -> Roster {
    let shifts = &plan.spans;
    // Every agent-shift of the plan, in start order.
    let mut instances: Vec<(usize, u32)> = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        for k in 0..s.count {
            instances.push((i, k));
        }
    }
    instances.sort_by_key(|&(i, k)| (shifts[i].start, i, k));
    let mut weeks: Vec<Week> = vec![Week::default(); agents.len()];
    // The local week windows every shift touches, computed once (time-zone arithmetic is not free).
    let tz = model.time_zone;
    let windows_of_weeks: std::collections::HashMap<WeekKey, (DateTime<Utc>, DateTime<Utc>)> =
        shifts
            .iter()
            .flat_map(|s| {
                [
                    week_of(s.date),
                    week_of(s.end.with_timezone(&tz).date_naive()),
                ]
            })
            .map(|k| (k, week_window(model, k)))
            .collect();
    let mut assignments = Vec::new();
    let mut open: Vec<u32> = vec![0; shifts.len()];
    let is_weekend = |d: NaiveDate| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
    let late_minute = (rules.late_after_h * 60.0) as u32;
    for (i, _) in instances {
        let shift = &shifts[i];
        let needs: Vec<usize> = shift.channels.iter().map(|c| c.0).collect();
        let weekend = is_weekend(shift.date);
        let end_local = local_minutes(model, shift.end);
        let late = end_local >= late_minute
            || shift.end.with_timezone(&model.time_zone).date_naive() > shift.date;
        let start_minute = local_minutes(model, shift.start);
        let mut best: Option<(f64, usize)> = None;
        for (a, agent) in agents.iter().enumerate() {
            let w = &weeks[a];
            if !needs.iter().all(|c| agent.has_skill(*c)) || w.days.contains(&shift.date) {
                continue;
            }
            if windows.iter().any(|win| {
                win.agent == a && !win.preferred && overlaps(model, win, shift.start, shift.end)
            }) {
                continue;
            }
            let key = week_of(shift.date);
            if rules.hard("max_hours")
                && w.hours_in(key) + shift.paid_hours() > agent.max_hours + 1e-9
            {
                continue;
            }
            if rules.hard("max_days") && w.days_in(key) + 1 > agent.max_days {
                continue;
            }
            // Two shifts of one agent never overlap, whatever the rules say.
            if w.spans
                .iter()
                .any(|(s, e)| *s < shift.end && shift.start < *e)
            {
                continue;
            }
            if rules.hard("min_rest") {
                let too_close = w.spans.iter().any(|(s, e)| {
                    let gap_before = (shift.start - *e).num_minutes() as f64 / 60.0;
                    let gap_after = (*s - shift.end).num_minutes() as f64 / 60.0;
                    (gap_before >= 0.0 && gap_before < rules.min_rest_h)
                        || (gap_after >= 0.0 && gap_after < rules.min_rest_h)
                });
                if too_close {
                    continue;
                }
            }
            let mut days = w.days.clone();
            days.insert(shift.date);
            if rules.hard("max_consecutive_days") && longest_run(&days) > rules.max_consecutive_days
            {
                continue;
            }
            if rules.hard("weekly_rest") {
                let mut spans = w.spans.clone();
                spans.push((shift.start, shift.end));
                spans.sort();
                let end_key = week_of(shift.end.with_timezone(&model.time_zone).date_naive());
                let short = [key, end_key]
                    .iter()
                    .any(|k| weekly_rest(&spans, windows_of_weeks[k]) < rules.weekly_rest_h);
                if short {
                    continue;
                }
            }
            // Lower is better.
            let deficit = (agent.contract_hours - w.hours_in(key)).max(0.0);
            let weights = &rules.penalties;
            let mut score = -deficit * weights.below_contract_hour;
            if !w.start_minutes.is_empty() {
                let mean = w.start_minutes.iter().map(|&m| f64::from(m)).sum::<f64>()
                    / w.start_minutes.len() as f64;
                let off = ((f64::from(start_minute) - mean).abs() / 60.0
                    - rules.start_spread_h / 2.0)
                    .max(0.0);
                score += off * weights.start_spread_hour;
            }
            if weekend {
                score += f64::from(w.weekends) * weights.weekend_shift;
            }
            // Working today after a day off that followed a working day leaves that day off alone.
            if rules.paired_days_off {
                let (d1, d2) = (
                    shift.date.pred_opt(),
                    shift.date.pred_opt().and_then(|d| d.pred_opt()),
                );
                if let (Some(d1), Some(d2)) = (d1, d2) {
                    if !w.days.contains(&d1) && w.days.contains(&d2) {
                        score += weights.unpaired_day_off;
                    }
                }
            }
            if late {
                score += f64::from(w.lates) * weights.late_shift;
            }
            let preferred: Vec<&Window> = windows
                .iter()
                .filter(|win| {
                    win.agent == a && win.preferred && overlaps(model, win, shift.start, shift.end)
                })
                .collect();
            score -= preferred.len() as f64 * weights.preferred;
            let proficiency: f64 = needs
                .iter()
                .map(|c| {
                    agent
                        .skills
                        .iter()
                        .find(|(s, _)| s == c)
                        .map_or(0.0, |(_, p)| *p)
                })
                .sum::<f64>()
                / needs.len().max(1) as f64;
            score -= proficiency;
            if best.is_none_or(|(b, _)| score < b - 1e-12) {
                best = Some((score, a));
            }
        }
        match best {
            Some((_, a)) => {
                let w = &mut weeks[a];
                *w.hours.entry(week_of(shift.date)).or_default() += shift.paid_hours();
                w.days.insert(shift.date);
                w.spans.push((shift.start, shift.end));
                w.spans.sort();
                w.start_minutes.push(start_minute);
                w.weekends += u32::from(weekend);
                w.lates += u32::from(late);
                assignments.push(Span {
                    agent: Some(AgentId(a)),
                    ..shift.anonymous(1)
                });
            }
            None => open[i] += 1,
        }
    }
    assignments.sort_by_key(|a| (a.agent, a.start));
    let violations = check(model, rules, &agents, &weeks, &assignments, windows, period);
    Roster {
        agents,
        staffing: Staffing::new(assignments),
        open: open
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, n)| shifts[i].anonymous(*n))
            .collect(),
        violations,
    }
}

/// Longest run of consecutive dates.
fn longest_run(days: &BTreeSet<NaiveDate>) -> u32 {
    let (mut best, mut run, mut previous): (u32, u32, Option<NaiveDate>) = (0, 0, None);
    for d in days {
        run = match previous {
            Some(p) if p.succ_opt() == Some(*d) => run + 1,
            _ => 1,
        };
        best = best.max(run);
        previous = Some(*d);
    }
    best
}

/// Every rule each agent's week breaks (soft ones, and hard ones the model made soft).
fn check(
    model: &Model,
    rules: &LabourRules,
    agents: &[Agent],
    weeks: &[Week],
    assignments: &[Span],
    windows: &[Window],
    period: (DateTime<Utc>, DateTime<Utc>),
) -> Vec<Violation> {
    let mut out = Vec::new();
    let tz = model.time_zone;
    let first = period.0.with_timezone(&tz).date_naive();
    let last = (period.1 - Duration::minutes(1))
        .with_timezone(&tz)
        .date_naive();
    for (a, agent) in agents.iter().enumerate() {
        let w = &weeks[a];
        let who = Some(a);
        // Per ISO week; the minimum only for weeks the period covers whole.
        let mut keys: Vec<WeekKey> = w.days.iter().map(|d| week_of(*d)).collect();
        keys.dedup();
        let mut d = first;
        while d <= last {
            if !keys.contains(&week_of(d)) {
                keys.push(week_of(d));
            }
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let window = week_window(model, key);
            let label = format!("week {}", key.1);
            let hours = w.hours_in(key);
            if window.0 >= period.0 && window.1 <= period.1 && hours + 1e-9 < agent.min_hours {
                out.push(Violation {
                    agent: who,
                    rule: "Below minimum weekly hours",
                    detail: format!(
                        "{label}: {hours:.1} h rostered, minimum {:.1} h",
                        agent.min_hours
                    ),
                });
            }
            if hours > agent.max_hours + 1e-9 {
                out.push(Violation {
                    agent: who,
                    rule: "Above maximum weekly hours",
                    detail: format!(
                        "{label}: {hours:.1} h rostered, maximum {:.1} h",
                        agent.max_hours
                    ),
                });
            }
            if w.days_in(key) > agent.max_days {
                out.push(Violation {
                    agent: who,
                    rule: "More working days than the contract allows",
                    detail: format!(
                        "{label}: {} days, at most {}",
                        w.days_in(key),
                        agent.max_days
                    ),
                });
            }
            if w.days_in(key) > 0 && weekly_rest(&w.spans, window) < rules.weekly_rest_h {
                out.push(Violation {
                    agent: who,
                    rule: "No uninterrupted weekly rest",
                    detail: format!(
                        "{label}: longest rest {:.1} h, at least {:.0} h",
                        weekly_rest(&w.spans, window),
                        rules.weekly_rest_h
                    ),
                });
            }
        }
        if longest_run(&w.days) > rules.max_consecutive_days {
            out.push(Violation {
                agent: who,
                rule: "Too many consecutive working days",
                detail: format!(
                    "{} in a row, at most {}",
                    longest_run(&w.days),
                    rules.max_consecutive_days
                ),
            });
        }
        for pair in w.spans.windows(2) {
            let rest = (pair[1].0 - pair[0].1).num_minutes() as f64 / 60.0;
            if rest < rules.min_rest_h {
                out.push(Violation {
                    agent: who,
                    rule: "Less rest between shifts than required",
                    detail: format!(
                        "{rest:.1} h before {}, at least {:.0} h",
                        crate::forecast::local_iso(model, pair[1].0),
                        rules.min_rest_h
                    ),
                });
            }
        }
        if w.start_minutes.len() > 1 {
            let (lo, hi) = (
                w.start_minutes.iter().min().copied().unwrap_or(0),
                w.start_minutes.iter().max().copied().unwrap_or(0),
            );
            if f64::from(hi - lo) / 60.0 > rules.start_spread_h + 1e-9 {
                out.push(Violation {
                    agent: who,
                    rule: "Start times vary too much",
                    detail: format!(
                        "starts from {:02}:{:02} to {:02}:{:02}, at most {:.0} h apart",
                        lo / 60,
                        lo % 60,
                        hi / 60,
                        hi % 60,
                        rules.start_spread_h
                    ),
                });
            }
        }
        if rules.paired_days_off && !w.days.is_empty() {
            // A day off inside the period with working days on both sides is a lone day off.
            let mut lone = Vec::new();
            let mut d = first;
            while d <= last {
                let off = !w.days.contains(&d);
                let before = d
                    .pred_opt()
                    .is_some_and(|p| p >= first && w.days.contains(&p));
                let after = d
                    .succ_opt()
                    .is_some_and(|n| n <= last && w.days.contains(&n));
                if off && before && after {
                    lone.push(format!("{} {}.{}.", d.weekday(), d.day(), d.month()));
                }
                match d.succ_opt() {
                    Some(n) => d = n,
                    None => break,
                }
            }
            if !lone.is_empty() {
                out.push(Violation {
                    agent: who,
                    rule: "Days off not paired",
                    detail: format!("single day off on {}", lone.join(", ")),
                });
            }
        }
        let preferred: Vec<&Window> = windows
            .iter()
            .filter(|win| win.agent == a && win.preferred)
            .collect();
        if !preferred.is_empty() {
            for x in assignments.iter().filter(|x| x.agent == Some(AgentId(a))) {
                let day_has_wish = preferred.iter().any(|win| match win.when {
                    When::Date(d) => d == x.date,
                    When::Weekday(wd) => x.date.weekday() == wd,
                });
                if day_has_wish
                    && !preferred
                        .iter()
                        .any(|win| overlaps(model, win, x.start, x.end))
                {
                    out.push(Violation {
                        agent: who,
                        rule: "Shift outside preferred hours",
                        detail: format!("{} {}", x.date, x.template_name(model)),
                    });
                }
            }
        }
    }
    // Fairness: weekend and late shifts more than one above the average of agents who can take them.
    let weekends: fn(&Week) -> u32 = |w| w.weekends;
    let lates: fn(&Week) -> u32 = |w| w.lates;
    for (label, count) in [
        ("Weekend shifts unevenly shared", weekends),
        ("Late shifts unevenly shared", lates),
    ] {
        let working: Vec<u32> = weeks
            .iter()
            .filter(|w| !w.days.is_empty())
            .map(count)
            .collect();
        if working.is_empty() {
            continue;
        }
        let mean = working.iter().map(|&x| f64::from(x)).sum::<f64>() / working.len() as f64;
        for (a, w) in weeks.iter().enumerate() {
            if f64::from(count(w)) > mean + 1.0 + 1e-9 {
                out.push(Violation {
                    agent: Some(a),
                    rule: label,
                    detail: format!("{} against an average of {mean:.1}", count(w)),
                });
            }
        }
    }
    out
}

//! Why a roster falls short, in planner's words: which rule kept which agent from an open shift, and
//! why an agent below the minimum hours got no more work on the days they were off.

use crate::agents::Agent;
use crate::grid::iso_week;
use crate::rules::{self, AgentWeek, Context, Offer, Rule, Who};
use crate::staffing::Span;
use chrono::{Datelike, NaiveDate};

/// At most this many agents are named per open shift (the rest are counted).
const NAMED: usize = 4;

fn day(d: NaiveDate) -> String {
    format!("{} {}.{}.", d.weekday(), d.day(), d.month())
}

/// Why one agent may not take a shift, in words: "at max days", "on leave", "needs 11 h rest".
fn reason(cx: &Context<'_>, rule: Rule) -> String {
    match rule {
        Rule::Availability => "unavailable".to_string(),
        Rule::OneShiftPerDay | Rule::NoOverlap => "already working that day".to_string(),
        Rule::MinRest => format!("needs {:.0} h rest", cx.rules.min_rest_h),
        Rule::WeeklyRest => format!("needs a {:.0} h weekly rest", cx.rules.weekly_rest_h),
        Rule::MaxDays => "at max days".to_string(),
        Rule::MaxHours => "at max hours".to_string(),
        Rule::MaxConsecutiveDays => "at max consecutive days".to_string(),
        other => other.words().to_lowercase(),
    }
}

/// The agents who hold a shift's skills and whose contract allows it, and what keeps each from it — the first
/// [`NAMED`] by id, then how many more: "3 agents skilled; A010 at max days, A031 unavailable".
pub fn blocked(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    offer: &Offer<'_>,
) -> String {
    let mut why: Vec<String> = Vec::new();
    let mut skilled: usize = 0;
    for (index, agent) in agents.iter().enumerate() {
        let who = Who {
            index,
            agent,
            week: &weeks[index],
        };
        let eligible = offer.span.channels.iter().all(|c| agent.has_skill(c.0))
            && agent.may_work(offer.span.template.0);
        if !eligible {
            continue;
        }
        match rules::refusing(cx, who, offer) {
            Some(rule) => {
                skilled += 1;
                if why.len() < NAMED {
                    why.push(format!("{} {}", agent.id, reason(cx, rule)));
                }
            }
            None => skilled += 1,
        }
    }
    let more = skilled.saturating_sub(why.len());
    let tail = if more > 0 && !why.is_empty() {
        format!(" and {more} more")
    } else {
        String::new()
    };
    let agents = if skilled == 1 { "agent" } else { "agents" };
    if why.is_empty() {
        format!("{skilled} {agents} skilled")
    } else {
        format!("{skilled} {agents} skilled; {}{tail}", why.join(", "))
    }
}

/// Why agent `a`, below the minimum in ISO week `week`, has no shift on its days off: per day off, the
/// rule that refuses it the first shift of that day it could work, or that there is none.
pub fn short_week(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    shifts: &[Span],
    a: usize,
    week: crate::grid::IsoWeek,
) -> String {
    let agent = &agents[a];
    let who = Who {
        index: a,
        agent,
        week: &weeks[a],
    };
    let mut parts = Vec::new();
    for date in cx
        .period_dates()
        .iter()
        .copied()
        .filter(|d| iso_week(*d) == week)
    {
        if weeks[a].days.contains(&date) {
            continue;
        }
        let theirs: Vec<&Span> = shifts
            .iter()
            .filter(|s| s.date == date)
            .filter(|s| {
                s.channels.iter().all(|c| agent.has_skill(c.0)) && agent.may_work(s.template.0)
            })
            .collect();
        let text = match theirs.first() {
            None => "no shift they may work".to_string(),
            Some(_) => {
                let refusals: Vec<Rule> = theirs
                    .iter()
                    .filter_map(|s| {
                        rules::refusing(cx, who, &Offer::new(cx.model, cx.rules.late_after_h, s))
                    })
                    .collect();
                if refusals.len() < theirs.len() {
                    "every shift went to agents the rules prefer".to_string()
                } else {
                    refusals
                        .first()
                        .map_or_else(String::new, |r| reason(cx, *r))
                }
            }
        };
        parts.push(format!("{} {text}", day(date)));
    }
    if parts.is_empty() {
        "works every day of the week".to_string()
    } else {
        parts.join("; ")
    }
}

/// When agent `a`'s minimum in `week` is out of reach of any week its contract allows — its templates'
/// paid lengths on at most `max_days` days (fewer with leave), within `max_hours` — says so: "the
/// contract's shifts (4 h) reach at most 16.0 h in 4 days". A contract contradiction, not a roster's.
pub fn unreachable_minimum(
    cx: &Context<'_>,
    agent: &Agent,
    a: usize,
    week: crate::grid::IsoWeek,
) -> Option<String> {
    let mut lengths: Vec<u32> = cx
        .model
        .shifts
        .iter()
        .enumerate()
        .filter(|(t, s)| agent.may_work(*t) && s.channels.iter().all(|c| agent.has_skill(*c)))
        .map(|(_, s)| s.paid_minutes)
        .collect();
    lengths.sort_unstable();
    lengths.dedup();
    let days = agent
        .max_days
        .min(7u32.saturating_sub(cx.leave_days(a, week)));
    let cap = (agent.max_hours * 60.0 + 1e-6) as u32;
    // Minutes reachable with k shifts, k = 0..=days: a small knapsack over the lengths.
    let mut reach = vec![false; cap as usize + 1];
    reach[0] = true;
    for _ in 0..days {
        let mut next = reach.clone();
        for m in (0..=cap).filter(|m| reach[*m as usize]) {
            for l in &lengths {
                if m + l <= cap {
                    next[(m + l) as usize] = true;
                }
            }
        }
        reach = next;
    }
    let best = reach.iter().rposition(|r| *r).unwrap_or(0) as f64 / 60.0;
    let min = cx.min_hours(a, agent, week);
    let shown: Vec<String> = lengths
        .iter()
        .map(|l| crate::units::format_duration(f64::from(*l) * 60.0))
        .collect();
    (best + 1e-9 < min).then(|| {
        format!(
            "the contract's shifts ({}) reach at most {best:.1} h in {days} days",
            shown.join(", ")
        )
    })
}

/// Where the longer shifts went that agent `a`, below the minimum in `week`, could have traded its
/// shortest one for: how many of the week's shifts it may work are longer, and how many of their
/// holders could give one up and keep their own minimum. When none could, no chain of trades reaches
/// the minimum with the plan's shifts ("the plan's 6 h shifts go to agents who need them"): the plan,
/// not the roster, is short of long shifts where this agent is free.
pub fn longer_shifts(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    shifts: &[Span],
    owner: &[Option<usize>],
    a: usize,
    week: crate::grid::IsoWeek,
) -> Option<String> {
    let agent = &agents[a];
    let shortest = weeks[a]
        .taken
        .iter()
        .filter(|t| iso_week(t.date) == week)
        .filter_map(|t| {
            shifts
                .iter()
                .zip(owner)
                .find(|(s, o)| **o == Some(a) && s.date == t.date && s.start == t.start)
                .map(|(s, _)| s.paid_minutes)
        })
        .min()?;
    let longer: Vec<(usize, &Span)> = shifts
        .iter()
        .zip(owner)
        .filter(|(s, o)| {
            iso_week(s.date) == week
                && s.paid_minutes > shortest
                && **o != Some(a)
                && s.channels.iter().all(|c| agent.has_skill(c.0))
                && agent.may_work(s.template.0)
        })
        .filter_map(|(s, o)| o.map(|b| (b, s)))
        .collect();
    if longer.is_empty() {
        return None;
    }
    let spare = longer
        .iter()
        .filter(|(b, s)| {
            let left = weeks[*b].hours_in(week) - f64::from(s.paid_minutes - shortest) / 60.0;
            left + 1e-9 >= cx.min_hours(*b, &agents[*b], week)
        })
        .count();
    let length = crate::units::format_duration(f64::from(shortest) * 60.0);
    let n = longer.len();
    let shifts = if n == 1 { "shift" } else { "shifts" };
    Some(if spare == 0 {
        format!(
            "no trade reaches it: the week's {n} {shifts} longer than {length} it may work all go to agents who need them for their own minimum"
        )
    } else {
        format!(
            "{spare} of the week's {n} {shifts} longer than {length} it may work are held by agents with hours to spare, but no chain of trades the search tried keeps every rule"
        )
    })
}

//! Named-agent rosters: who works which of the plan's shifts, under labour rules.
//!
//! # Method
//! A flat binary programme over agents × days × shifts is slow (see DESIGN §5), so the roster is built
//! the way planners build it, but exhaustively and deterministically: the plan's shifts are taken in
//! start order, and each goes to the agent with the lowest cost among those every enforced rule admits.
//! The rules, their admission tests and their costs are the catalogue in [`crate::rules`]: skills,
//! availability, one shift a day and no overlap always; `min_rest`, `weekly_rest`,
//! `max_consecutive_days`, `max_hours` and `max_days` unless the model makes them soft. The cost prefers
//! the agent furthest below their contract hours, then start times close to the agent's other starts, a
//! fair share of weekend shifts, days off kept in pairs, a fair share of late shifts, preferred hours,
//! and last the agent's proficiency in the shift's channels; ties go to the earlier agent in the file.
//! A local search then improves the roster ([`search`]); when the roster knows the demand, shifts also
//! move within their template's start window to fit their agent while every interval stays as covered
//! ([`retime`]), and an agent whose week breaks a soft rule hands a shift to a colleague whose starts
//! move to fit it ([`realign`]). Shifts nobody can take are reported as open, and every rule an
//! agent's week breaks is listed by agent and rule, in planner's words.

mod explain;
pub mod plan_file;
mod realign;
mod retime;
pub mod roster_file;
mod search;

use search::Search;
pub use search::{Budget, Kept, CHANGED, OPEN};

use crate::agents::{Agent, Window};
use crate::grid::start_of_day;
use crate::model::rules::LabourRules;
use crate::model::Model;
use crate::rules::{self, AgentWeek, Context, Offer, Rule, Violation, Who};
use crate::staffing::{AgentId, Span, Staffing};
use chrono::{DateTime, Duration, Utc};

/// The roster: the plan's spans with named agents, and what could not be filled.
#[derive(Debug, Clone)]
pub struct Roster {
    pub agents: Vec<Agent>,
    /// One span per agent-shift (`agent` set, `count` 1), in agent order, then start.
    pub staffing: Staffing,
    /// Shifts of the plan nobody could take.
    pub open: Vec<OpenShift>,
    pub violations: Vec<Violation>,
    /// How the search went.
    pub search: SearchReport,
}

/// What the roster search did: moves tried and kept, agent-days changed against an earlier roster, and
/// the roster's objective split into the parts a planner weighs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchReport {
    /// Moves tried and kept, over every start.
    pub moves: u64,
    pub accepted: u64,
    /// Searches from fixed seeds, the roster of least cost kept ([`STARTS`] with the full budget).
    pub starts: u64,
    pub changed_days: Option<usize>,
    /// Agent-shifts moved within their template's start window to fit their agent.
    pub retimed: usize,
    /// Chains of trades that lifted an agent to its minimum after the search (`search::relay`).
    pub chains: u64,
    /// Hours below the agents' minimum, summed over agents and whole weeks.
    pub short_hours: f64,
    /// The soft rules' penalty: [`SOFT_BREACH`](crate::rules::SOFT_BREACH) per broken soft rule plus the model's weights (0 is its lower bound).
    pub soft_penalty: f64,
}

/// A shift of the plan nobody could take, and why, rule by rule.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenShift {
    /// The shift, with the agents missing as `count`.
    pub span: Span,
    /// For each enforced rule, how many agents it turned away (each agent counted under the first rule
    /// of the catalogue that refused it), when the shift was first left open.
    pub turned_away: Vec<(Rule, usize)>,
    /// The agents who hold its skills and contract and what kept each from it, in words.
    pub blocked: String,
}

impl Roster {
    /// The rostered spans.
    pub fn spans(&self) -> &[Span] {
        &self.staffing.spans
    }

    /// Agent-shifts nobody could take.
    pub fn open_count(&self) -> u32 {
        self.open.iter().map(|o| o.span.count).sum()
    }

    /// Broken rules the model holds hard (the minimum hours, or any rule a shift could not keep).
    pub fn hard_breaches(&self, model: &Model) -> usize {
        self.violations
            .iter()
            .filter(|v| model.rules.is_hard(v.rule))
            .count()
    }

    /// The shift plan this roster works: its shifts without agents, the open ones included, at the
    /// times the roster gives them (a shift moved within its start window to fit its agent is moved
    /// here too), so the plan's files agree with the roster's. Ordered by date, template, start, end and
    /// breaks, as the plan's.
    pub fn plan_staffing(&self) -> Staffing {
        type Key = (
            chrono::NaiveDate,
            usize,
            DateTime<Utc>,
            DateTime<Utc>,
            Vec<DateTime<Utc>>,
            Vec<usize>,
        );
        let mut merged: std::collections::BTreeMap<Key, Span> = std::collections::BTreeMap::new();
        let spans = self
            .staffing
            .spans
            .iter()
            .map(|s| s.anonymous(1))
            .chain(self.open.iter().map(|o| o.span.clone()));
        for span in spans {
            let key = (
                span.date,
                span.template.0,
                span.start,
                span.end,
                span.breaks.iter().map(|b| b.start).collect(),
                span.channels.iter().map(|c| c.0).collect(),
            );
            match merged.get_mut(&key) {
                Some(s) => s.count += span.count,
                None => {
                    merged.insert(key, span);
                }
            }
        }
        Staffing::new(merged.into_values().collect())
    }

    /// The agent of a rostered span.
    pub fn agent_of(&self, span: &Span) -> Option<&Agent> {
        span.agent.and_then(|a| self.agents.get(a.0))
    }
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

/// Proficiency of an agent in a shift's channels (mean; 0 for a channel the agent lacks).
fn proficiency(agent: &Agent, span: &Span) -> f64 {
    let sum: f64 = span
        .channels
        .iter()
        .map(|c| {
            agent
                .skills
                .iter()
                .find(|(s, _)| *s == c.0)
                .map_or(0.0, |(_, p)| *p)
        })
        .sum();
    sum / span.channels.len().max(1) as f64
}

/// The agent every enforced rule admits with the lowest cost (ties: the earlier agent).
fn best_agent(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    offer: &Offer<'_>,
) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for (index, agent) in agents.iter().enumerate() {
        let who = Who {
            index,
            agent,
            week: &weeks[index],
        };
        if !rules::admits(cx, who, offer) {
            continue;
        }
        let score = rules::cost(cx, who, offer) - proficiency(agent, offer.span);
        if best.is_none_or(|(b, _)| score < b - 1e-12) {
            best = Some((score, index));
        }
    }
    best.map(|(_, a)| a)
}

/// Why no agent may take a shift: each agent under the first enforced rule that refuses it.
fn turned_away(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    offer: &Offer<'_>,
) -> Vec<(Rule, usize)> {
    let mut counts: Vec<(Rule, usize)> = Vec::new();
    for (index, agent) in agents.iter().enumerate() {
        let who = Who {
            index,
            agent,
            week: &weeks[index],
        };
        if let Some(rule) = rules::refusing(cx, who, offer) {
            match counts.iter_mut().find(|(r, _)| *r == rule) {
                Some((_, n)) => *n += 1,
                None => counts.push((rule, 1)),
            }
        }
    }
    counts.sort();
    counts
}

/// The search's fixed seed: the roster depends on the inputs alone.
const SEED: u64 = 0x5EED_F0E5_7E55_0000;

/// How the roster is built beyond the rules: the search budget and an earlier roster to keep.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Moves the search may try; `None`: [`Budget::PER_SHIFT`] per agent-shift of the plan, at most
    /// [`Budget::CAP`].
    pub moves: Option<u64>,
    /// An earlier roster: agent ids and their spans. Agent-days it gave that stay valid are kept.
    pub previous: Option<(Vec<String>, Staffing)>,
    /// The demand the plan covers: with it (and no earlier roster to keep), a shift may move within
    /// its template's start window to fit its agent while every channel-interval stays as covered
    /// ([`retime`]); without it, the plan's start times stand.
    pub demand: Option<crate::requirements::demand::Demand>,
}

/// Rounds of moving start times, each followed by a search over the moved shifts.
const RETIME_ROUNDS: u32 = 6;

/// Assigns `agents` to the plan's shifts; `period` is the planned time (weeks it covers whole are held to
/// the agents' minimum weekly hours). Contract bands, `max_days` and the weekly rest apply per ISO week.
pub fn assign(
    model: &Model,
    labour: &LabourRules,
    plan: &Staffing,
    agents: Vec<Agent>,
    windows: &[Window],
    period: (DateTime<Utc>, DateTime<Utc>),
) -> Roster {
    assign_with(
        model,
        labour,
        plan,
        agents,
        windows,
        period,
        &Options::default(),
    )
}

/// [`assign`], with a search budget and an earlier roster to keep.
pub fn assign_with(
    model: &Model,
    labour: &LabourRules,
    plan: &Staffing,
    agents: Vec<Agent>,
    windows: &[Window],
    period: (DateTime<Utc>, DateTime<Utc>),
    options: &Options,
) -> Roster {
    let tz = model.time_zone;
    let dates = plan
        .spans
        .iter()
        .flat_map(|s| [s.date, s.end.with_timezone(&tz).date_naive()]);
    let mut cx = Context::new(model, labour, windows, period, dates);
    // Every agent-shift of the plan, in start order.
    let mut shifts: Vec<Span> = plan
        .spans
        .iter()
        .flat_map(|s| std::iter::repeat_n(s.anonymous(1), s.count as usize))
        .collect();
    shifts.sort_by_key(|s| (s.start, s.template, s.end));
    cx.learn_peers(&agents, &shifts);
    let kept = options.previous.as_ref().map(|p| kept_days(&agents, p));
    let owner = greedy(&cx, &agents, &shifts, kept.as_ref());
    let budget = options.moves.map_or_else(
        || Budget::for_shifts(shifts.len()),
        |moves| Budget { moves },
    );
    let demand = options.demand.as_ref().filter(|_| kept.is_none());
    let (owner, retimed, moves) = best_of_starts(
        &mut cx,
        &agents,
        &mut shifts,
        owner,
        kept.as_ref(),
        budget,
        demand,
    );
    // The reported figures count fairness afresh, as the violations do, not from the search's snapshot.
    cx.snapshot_fairness(&weeks_of(&cx, agents.len(), &shifts, &owner));
    let search = Search::new(&cx, &agents, &shifts, owner, kept.as_ref());
    let weeks = &search.weeks;
    let report = SearchReport {
        starts: starts_for(budget, shifts.len()),
        moves: moves.0,
        accepted: moves.1,
        chains: moves.2,
        retimed,
        changed_days: kept.as_ref().map(|k| changed_days(k, weeks)),
        short_hours: short_hours(&cx, &agents, weeks),
        soft_penalty: (0..agents.len())
            .map(|a| rules::soft_penalty(&cx, a, &agents, weeks))
            .sum(),
    };
    finish(&cx, &agents, &shifts, &search.owner, &search.weeks, report)
}

/// [`searched`] from [`STARTS`] seeds when the budget is full (a capped search, on a large roster,
/// runs once), keeping the roster of least cost (the first among equals): each seed's search ends in
/// its own local optimum. Returns the best's owners and moved shifts (left in `shifts`), and the
/// moves tried and kept over every start with the best's chains.
fn best_of_starts(
    cx: &mut Context<'_>,
    agents: &[Agent],
    shifts: &mut Vec<Span>,
    owner: Vec<Option<usize>>,
    kept: Option<&Kept>,
    budget: Budget,
    demand: Option<&crate::requirements::demand::Demand>,
) -> (Vec<Option<usize>>, usize, (u64, u64, u64)) {
    let starts = starts_for(budget, shifts.len());
    // The best start: its cost, its shifts (moved), owners, shifts moved and chains.
    type Start = (f64, Vec<Span>, Vec<Option<usize>>, usize, u64);
    let mut best: Option<Start> = None;
    let (mut tried, mut accepted) = (0, 0);
    for start in 0..starts {
        let mut these = shifts.clone();
        let effort = Effort {
            budget,
            seed: SEED.wrapping_add(start.wrapping_mul(0x9E37_79B9)),
        };
        let (o, moved, (t, a, chains)) =
            searched(cx, agents, &mut these, owner.clone(), kept, effort, demand);
        (tried, accepted) = (tried + t, accepted + a);
        cx.snapshot_fairness(&weeks_of(cx, agents.len(), &these, &o));
        let cost = Search::new(cx, agents, &these, o.clone(), kept).total();
        if best.as_ref().is_none_or(|b| cost < b.0 - 1e-6) {
            best = Some((cost, these, o, moved, chains));
        }
    }
    match best {
        Some((_, these, o, moved, chains)) => {
            *shifts = these;
            (o, moved, (tried, accepted, chains))
        }
        None => (owner, 0, (0, 0, 0)),
    }
}

/// How many starts [`best_of_starts`] makes: [`STARTS`] with the full budget, else one.
fn starts_for(budget: Budget, shifts: usize) -> u64 {
    if budget.moves >= Budget::PER_SHIFT * shifts as u64 {
        STARTS
    } else {
        1
    }
}

/// What one search may spend, and the seed its moves are drawn with.
#[derive(Debug, Clone, Copy)]
struct Effort {
    budget: Budget,
    seed: u64,
}

/// Seeds [`best_of_starts`] tries with the full budget. Measured on six weeks (the shipped and the
/// DST week; the shipped agents with and without their availability, and an unseen workforce of
/// 130), soft rules broken in all: one start 116, four 113, twelve 109 (the shipped week 12 each
/// time: its first start is its best), at +1 s and +3.5 s on 14–16 s. A capped search (the large
/// case) runs once.
const STARTS: u64 = 12;

/// The search, and with a demand, rounds of moving start times and handing shifts over
/// ([`retime::pass`], [`realign::pass`]) each followed by a search over the moved shifts: half the
/// budget first, the rest shared by the rounds (what rounds that no longer move anything would have
/// had goes to one last search). Each search ends with chains of trades for the agents it left below
/// the minimum (none with no moves: the construction alone), so the rounds after it retime and
/// polish the weeks the chains made. Returns the owners (of `shifts`, left in start order), the
/// agent-shifts moved, and the moves tried and kept and the chains kept.
fn searched(
    cx: &mut Context<'_>,
    agents: &[Agent],
    shifts: &mut Vec<Span>,
    owner: Vec<Option<usize>>,
    kept: Option<&Kept>,
    effort: Effort,
    demand: Option<&crate::requirements::demand::Demand>,
) -> (Vec<Option<usize>>, usize, (u64, u64, u64)) {
    let Effort { budget, seed } = effort;
    cx.snapshot_fairness(&weeks_of(cx, agents.len(), shifts, &owner));
    let polish = budget.moves >= Budget::PER_SHIFT * shifts.len() as u64;
    let Some(demand) = demand else {
        let mut search = Search::new(cx, agents, shifts, owner, kept);
        search.polish = polish;
        search.improve(budget, seed);
        let chains = if budget.moves > 0 {
            search.relay_short()
        } else {
            0
        };
        return (search.owner, 0, (search.tried, search.accepted, chains));
    };
    let first = Budget {
        moves: budget.moves / 2,
    };
    let later = Budget {
        moves: (budget.moves - first.moves) / u64::from(RETIME_ROUNDS),
    };
    let mut search = Search::new(cx, agents, shifts, owner, kept);
    search.polish = polish;
    search.improve(first, seed);
    let mut chains = if budget.moves > 0 {
        search.relay_short()
    } else {
        0
    };
    let (mut owner, mut tried, mut accepted) = (search.owner, search.tried, search.accepted);
    let planned: Vec<Placed> = shifts.iter().map(placed).collect();
    for round in 1..=RETIME_ROUNDS {
        cx.snapshot_fairness(&weeks_of(cx, agents.len(), shifts, &owner));
        // Coverage of the shifts held now: the search since the last pass may have filled open ones.
        let mut coverage = retime::Coverage::new(
            demand,
            shifts
                .iter()
                .zip(&owner)
                .filter(|(_, o)| o.is_some())
                .map(|(s, _)| s),
        );
        let retimed = retime::pass(cx, agents, shifts, &owner, &mut coverage);
        // Hand-overs price every colleague for every shift of a troubled agent: on a capped search
        // (issue 9's 1 026 agents over four weeks) as unaffordable as the sweeps.
        let realigned = if polish {
            realign::pass(cx, agents, shifts, &mut owner, &mut coverage)
        } else {
            0
        };
        let settled = retimed + realigned == 0;
        let moves = if settled {
            // Nothing moves any more: the rounds' remaining budget goes to one last search.
            later.moves * u64::from(RETIME_ROUNDS - round + 1)
        } else {
            // Back in start order, as the search numbers agent-shifts.
            let mut order: Vec<usize> = (0..shifts.len()).collect();
            order.sort_by_key(|&i| (shifts[i].start, shifts[i].template, shifts[i].end));
            *shifts = order.iter().map(|&i| shifts[i].clone()).collect();
            owner = order.iter().map(|&i| owner[i]).collect();
            cx.snapshot_fairness(&weeks_of(cx, agents.len(), shifts, &owner));
            later.moves
        };
        let mut search = Search::new(cx, agents, shifts, owner, kept);
        search.polish = polish;
        search.improve(Budget { moves }, seed.wrapping_add(u64::from(round)));
        if budget.moves > 0 {
            chains += search.relay_short();
        }
        (owner, tried, accepted) = (
            search.owner,
            tried + search.tried,
            accepted + search.accepted,
        );
        if settled {
            break;
        }
    }
    (
        owner,
        moved_from(planned, shifts),
        (tried, accepted, chains),
    )
}

/// Each agent's week under `owner`.
fn weeks_of(
    cx: &Context<'_>,
    agents: usize,
    shifts: &[Span],
    owner: &[Option<usize>],
) -> Vec<AgentWeek> {
    let mut held: Vec<Vec<&Span>> = vec![Vec::new(); agents];
    for (s, o) in shifts.iter().zip(owner) {
        if let Some(a) = o {
            held[*a].push(s);
        }
    }
    held.into_iter()
        .map(|h| AgentWeek::of(cx.model, cx.rules.late_after_h, h))
        .collect()
}

/// Where an agent-shift is: its start, template and break starts.
type Placed = (DateTime<Utc>, usize, Vec<DateTime<Utc>>);

fn placed(s: &Span) -> Placed {
    (
        s.start,
        s.template.0,
        s.breaks.iter().map(|b| b.start).collect(),
    )
}

/// Agent-shifts of `shifts` placed where the plan (`planned`) had none (start, template and breaks: two
/// shifts that traded starts count as moved, their breaks having moved with them).
fn moved_from(mut planned: Vec<Placed>, shifts: &[Span]) -> usize {
    planned.sort_unstable();
    let mut now: Vec<Placed> = shifts.iter().map(placed).collect();
    now.sort_unstable();
    let (mut i, mut same) = (0, 0);
    for x in &now {
        while i < planned.len() && planned[i] < *x {
            i += 1;
        }
        if i < planned.len() && planned[i] == *x {
            same += 1;
            i += 1;
        }
    }
    now.len() - same
}

/// Hours below the minimum, over every agent and every week the period covers whole.
fn short_hours(cx: &Context<'_>, agents: &[Agent], weeks: &[AgentWeek]) -> f64 {
    agents
        .iter()
        .zip(weeks)
        .enumerate()
        .map(|(a, (agent, week))| {
            cx.period_weeks()
                .iter()
                .filter(|(_, _, whole)| *whole)
                .map(|(w, _, _)| (cx.min_hours(a, agent, *w) - week.hours_in(*w)).max(0.0))
                .sum::<f64>()
        })
        .sum()
}

/// Each agent's earlier agent-days, by agent id.
fn kept_days(agents: &[Agent], (ids, staffing): &(Vec<String>, Staffing)) -> Kept {
    agents
        .iter()
        .map(|agent| {
            staffing
                .spans
                .iter()
                .filter(|s| s.agent.and_then(|a| ids.get(a.0)) == Some(&agent.id))
                .map(|s| (s.date, s.anonymous(1)))
                .collect()
        })
        .collect()
}

/// Earlier agent-days no longer worked as they were, over every agent.
fn changed_days(kept: &Kept, weeks: &[AgentWeek]) -> usize {
    kept.iter()
        .zip(weeks)
        .map(|(days, week)| {
            days.iter()
                .filter(|(date, was)| {
                    !week.taken.iter().any(|s| {
                        s.date == *date && s.template == was.template && s.start == was.start
                    })
                })
                .count()
        })
        .sum()
}

/// The greedy construction: agent-shifts in start order, each to the agent every enforced rule admits
/// at the lowest cost — the agent an earlier roster gave it first, if that agent still may take it.
fn greedy(
    cx: &Context<'_>,
    agents: &[Agent],
    shifts: &[Span],
    kept: Option<&Kept>,
) -> Vec<Option<usize>> {
    let mut weeks = vec![AgentWeek::default(); agents.len()];
    let mut owner = vec![None; shifts.len()];
    for (i, span) in shifts.iter().enumerate() {
        let offer = Offer::new(cx.model, cx.rules.late_after_h, span);
        let earlier = kept.and_then(|k| earlier_agent(cx, agents, &weeks, k, &offer));
        if let Some(a) = earlier.or_else(|| best_agent(cx, agents, &weeks, &offer)) {
            weeks[a].take(&offer);
            owner[i] = Some(a);
        }
    }
    owner
}

/// The agent an earlier roster gave this shift (same date, template and start), if still admitted.
fn earlier_agent(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    kept: &Kept,
    offer: &Offer<'_>,
) -> Option<usize> {
    let s = offer.span;
    (0..agents.len()).find(|&a| {
        kept[a]
            .iter()
            .any(|(d, was)| *d == s.date && was.template == s.template && was.start == s.start)
            && !weeks[a].days.contains(&s.date)
            && rules::admits(
                cx,
                Who {
                    index: a,
                    agent: &agents[a],
                    week: &weeks[a],
                },
                offer,
            )
    })
}

/// The roster from the search's final state: spans by agent, open shifts with their reasons.
fn finish(
    cx: &Context<'_>,
    agents: &[Agent],
    shifts: &[Span],
    owner: &[Option<usize>],
    weeks: &[AgentWeek],
    search: SearchReport,
) -> Roster {
    let mut assignments: Vec<Span> = shifts
        .iter()
        .zip(owner)
        .filter_map(|(s, o)| {
            o.map(|a| Span {
                agent: Some(AgentId(a)),
                ..s.clone()
            })
        })
        .collect();
    assignments.sort_by_key(|a| (a.agent, a.start, a.template));
    // Open agent-shifts, merged back into the plan's spans.
    let mut open: Vec<OpenShift> = Vec::new();
    for (s, _) in shifts.iter().zip(owner).filter(|(_, o)| o.is_none()) {
        match open.iter_mut().find(|o| o.span.same_shift(s)) {
            Some(o) => o.span.count += 1,
            None => {
                let offer = Offer::new(cx.model, cx.rules.late_after_h, s);
                open.push(OpenShift {
                    span: s.anonymous(1),
                    turned_away: turned_away(cx, agents, weeks, &offer),
                    blocked: explain::blocked(cx, agents, weeks, &offer),
                });
            }
        }
    }
    Roster {
        agents: agents.to_vec(),
        staffing: Staffing::new(assignments),
        open,
        violations: explained(cx, agents, weeks, shifts, owner),
        search,
    }
}

/// Every breach of the finished roster; an agent below the minimum hours says why, day by day.
fn explained(
    cx: &Context<'_>,
    agents: &[Agent],
    weeks: &[AgentWeek],
    shifts: &[Span],
    owner: &[Option<usize>],
) -> Vec<Violation> {
    let mut violations = rules::violations(cx, agents, weeks);
    let period_weeks: Vec<crate::grid::IsoWeek> =
        cx.period_weeks().iter().map(|(w, _, _)| *w).collect();
    for v in violations.iter_mut().filter(|v| v.rule == Rule::MinHours) {
        let Some(a) = v.agent else { continue };
        let Some(week) = period_weeks
            .iter()
            .copied()
            .find(|w| v.detail.starts_with(&format!("week {}:", w.1)))
        else {
            continue;
        };
        let why = explain::short_week(cx, agents, weeks, shifts, a, week);
        let reach = explain::unreachable_minimum(cx, &agents[a], a, week)
            .or_else(|| explain::longer_shifts(cx, agents, weeks, shifts, owner, a, week))
            .map(|r| format!(" — {r}"))
            .unwrap_or_default();
        v.detail = format!("{}{reach} — days off: {why}", v.detail);
    }
    violations
}

//! Improving a roster by local search over agents' weeks.
//!
//! The greedy construction decides shift by shift and cannot see a week whole: it leaves agents below
//! their minimum hours, single days off and spread-out start times it could have avoided. The search
//! repairs that with two moves, each kept only if every enforced rule still admits it:
//! * **give** a shift (or an open one) to an agent free that day;
//! * **swap** two agents' shifts of the same day (a long for a short shift balances hours);
//! * **chain**: give a shift to an agent free that day, and hand its first owner another shift (of that
//!   day or any other) from a third agent or an open one, so hours flow between contract groups through
//!   an agent who holds both skills, and an agent at `max_days` can trade a day for an open shift.
//!
//! * **day trade**: an agent gives its shift of one day to a colleague free that day and takes the
//!   colleague's shift of a day it is off (a single day off becomes a pair); with same-day swaps and
//!   gives, also aimed at agents whose week breaks a soft rule ([`mend`]), drawn at random and then
//!   swept systematically, the best first ([`Search::sweep`]).
//!
//! A move is accepted when the roster's cost does not rise above what it was a number of moves before
//! (late acceptance, [`accept`]; sideways moves let it cross plateaus), and the search ends on the best
//! roster it met. The cost is, per agent, the rule catalogue's [`penalty`](crate::rules::penalty) — minimum hours at
//! [`BREACH`](crate::rules::BREACH) per hour, each soft rule broken as reported at
//! [`SOFT_BREACH`](crate::rules::SOFT_BREACH) plus its model weights — plus [`OPEN`] per open
//! agent-shift and [`CHANGED`] per agent-day changed against a previous roster. Candidate moves are drawn
//! by a seeded generator and the budget is a number of moves, so the same inputs give the same roster on
//! any machine, under any load. The move
//! neighbourhoods of nurse-rostering local search (Burke et al. 2004, "The state of the art of nurse
//! rostering", *J. Scheduling* 7).

use crate::agents::Agent;
use crate::rules::{self, AgentWeek, Context, Offer, Who, SOFT_BREACH};
use crate::staffing::Span;
use chrono::NaiveDate;

mod accept;
mod mend;
mod relay;

use accept::Acceptance;

/// The cost of leaving one agent-shift of the plan open: above any rule's.
pub const OPEN: f64 = 1_000_000.0;

/// The cost of changing an agent-day an earlier roster gave (minimal-change re-rostering): twice a
/// soft rule's breach ([`SOFT_BREACH`](crate::rules::SOFT_BREACH)), below an hour of the contract's
/// minimum — a kept day changes to mend an open shift, the minimum, or at least two soft rules.
pub const CHANGED: f64 = 200.0;

/// Rounding allowance: a move is kept unless it raises the cost by more (sideways moves cross plateaus;
/// on the shipped week, keeping only improving moves left 2 shifts open and 62 rules broken, against 1
/// and 50 with sideways moves).
const IMPROVES: f64 = 1e-9;

/// What the search may spend, in moves tried (not seconds: the result must not depend on load).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub moves: u64,
}

impl Budget {
    /// Moves per agent-shift of the plan by default.
    pub const PER_SHIFT: u64 = 300;

    /// At most this many moves by default: on the large case (17 052 agent-shifts, 1 026 agents
    /// over four weeks) three million moves left as many shifts open as one million (23 against 24:
    /// what remains needs longer ejection chains than these moves make) at three times the time.
    pub const CAP: u64 = 1_000_000;

    pub fn for_shifts(shifts: usize) -> Budget {
        Budget {
            moves: (Budget::PER_SHIFT * shifts as u64).min(Budget::CAP),
        }
    }
}

/// What an earlier roster gave each agent on each date: (template, start) of the shift.
pub type Kept = Vec<Vec<(NaiveDate, Span)>>;

/// A roster under search: each agent-shift of the plan and who has it.
pub(crate) struct Search<'a> {
    pub cx: &'a Context<'a>,
    pub agents: &'a [Agent],
    /// Every agent-shift of the plan (count 1), in start order.
    shifts: &'a [Span],
    /// The facts the rules read of each agent-shift, computed once.
    offers: Vec<Offer<'a>>,
    pub owner: Vec<Option<usize>>,
    pub weeks: Vec<AgentWeek>,
    /// Agent-shifts of each agent.
    held: Vec<Vec<usize>>,
    cost: Vec<f64>,
    /// Each agent-shift's kind (template and channels): agents fit all shifts of a kind alike.
    kind: Vec<usize>,
    /// Agents whose skills and contract fit each kind of shift.
    fit: Vec<Vec<usize>>,
    /// Agent-shifts of each date.
    by_date: std::collections::BTreeMap<NaiveDate, Vec<usize>>,
    kept: Option<&'a Kept>,
    /// Agent-shifts nobody has.
    open: Vec<usize>,
    /// Agents below their minimum hours in some whole week, and each agent's place in that list.
    short: Vec<usize>,
    short_at: Vec<Option<usize>>,
    /// Agents whose cost holds a broken soft rule or worse (at least [`SOFT_BREACH`]), and each
    /// one's place in that list: the agents [`mend`](Search::mend) aims at.
    troubled: Vec<usize>,
    troubled_at: Vec<Option<usize>>,
    /// How much worse a move may leave the roster, and the roster's cost.
    accept: Acceptance,
    /// Whether the search accepts late ([`accept`]), aims moves at troubled agents and trades days
    /// ([`mend`]) and ends with a [`sweep`](Search::sweep): with the full budget per shift. Under the
    /// cap (issue 9's 1 026 agents over four weeks: 59 moves per agent-shift) late acceptance had no
    /// time to settle (1 872 soft rules broken against descent's 1 568), the sweeps took 8 s for 45
    /// moves, and the aimed moves, a quarter of the budget taken from the random ones, left a shift
    /// open (planned again); so a capped search makes the moves it made before.
    pub polish: bool,
    /// Moves tried and accepted.
    pub tried: u64,
    pub accepted: u64,
}

/// Whether the agent holds the shift's skills and its contract allows the template.
pub(super) fn fits(agent: &Agent, s: &Span) -> bool {
    s.channels.iter().all(|c| agent.has_skill(c.0)) && agent.may_work(s.template.0)
}

/// Keeps a list of agents (with each one's place in it) in step with whether agent `a` belongs.
fn note(list: &mut Vec<usize>, at: &mut [Option<usize>], a: usize, belongs: bool) {
    match (belongs, at[a]) {
        (true, None) => {
            at[a] = Some(list.len());
            list.push(a);
        }
        (false, Some(i)) => {
            list.swap_remove(i);
            if let Some(&moved) = list.get(i) {
                at[moved] = Some(i);
            }
            at[a] = None;
        }
        _ => {}
    }
}

/// A small deterministic generator (SplitMix64, Steele, Lea & Flood 2014).
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((u128::from(z) * n as u128) >> 64) as usize
    }
}

impl<'a> Search<'a> {
    pub fn new(
        cx: &'a Context<'a>,
        agents: &'a [Agent],
        shifts: &'a [Span],
        owner: Vec<Option<usize>>,
        kept: Option<&'a Kept>,
    ) -> Search<'a> {
        let offers = shifts
            .iter()
            .map(|s| Offer::new(cx.model, cx.rules.late_after_h, s))
            .collect();
        let mut kinds: std::collections::HashMap<(usize, Vec<usize>), usize> = Default::default();
        let mut fit: Vec<Vec<usize>> = Vec::new();
        let kind = shifts
            .iter()
            .map(|s| {
                let key = (s.template.0, s.channels.iter().map(|c| c.0).collect());
                *kinds.entry(key).or_insert_with(|| {
                    fit.push((0..agents.len()).filter(|&a| fits(&agents[a], s)).collect());
                    fit.len() - 1
                })
            })
            .collect();
        let mut by_date: std::collections::BTreeMap<NaiveDate, Vec<usize>> = Default::default();
        for (i, s) in shifts.iter().enumerate() {
            by_date.entry(s.date).or_default().push(i);
        }
        let mut search = Search {
            by_date,
            cx,
            agents,
            shifts,
            offers,
            owner,
            weeks: Vec::new(),
            held: Vec::new(),
            cost: Vec::new(),
            kind,
            fit,
            kept,
            tried: 0,
            accepted: 0,
            open: Vec::new(),
            short: Vec::new(),
            short_at: Vec::new(),
            troubled: Vec::new(),
            troubled_at: Vec::new(),
            accept: Acceptance::default(),
            polish: true,
        };
        search.rebuild();
        search
    }

    /// Everything the owners decide: agents' shifts, weeks and costs, the open shifts, the lists of
    /// agents short and troubled, and the roster's cost.
    fn rebuild(&mut self) {
        let n = self.agents.len();
        self.held = vec![Vec::new(); n];
        for (i, o) in self.owner.iter().enumerate() {
            if let Some(a) = o {
                self.held[*a].push(i);
            }
        }
        self.open = (0..self.owner.len())
            .filter(|&i| self.owner[i].is_none())
            .collect();
        self.weeks = (0..n).map(|a| self.fresh_week(a)).collect();
        self.cost = (0..n).map(|a| self.agent_cost(a)).collect();
        (self.short, self.short_at) = (Vec::new(), vec![None; n]);
        (self.troubled, self.troubled_at) = (Vec::new(), vec![None; n]);
        for a in 0..n {
            self.note_short(a);
            self.note_troubled(a);
        }
        let total = self.cost.iter().sum::<f64>() + OPEN * self.open.len() as f64;
        self.accept = Acceptance::descent(total);
    }

    /// Keeps [`Search::troubled`] in step with agent `a`'s cost.
    fn note_troubled(&mut self, a: usize) {
        let troubled = self.cost[a] >= SOFT_BREACH - 1e-9;
        note(&mut self.troubled, &mut self.troubled_at, a, troubled);
    }

    /// Whether agent `a` is below the minimum hours in a whole week of the period.
    fn is_short(&self, a: usize) -> bool {
        let agent = &self.agents[a];
        self.cx.period_weeks().iter().any(|&(w, _, whole)| {
            whole && self.weeks[a].hours_in(w) + 1e-9 < self.cx.min_hours(a, agent, w)
        })
    }

    /// Keeps [`Search::short`] in step with agent `a`'s week.
    fn note_short(&mut self, a: usize) {
        let short = self.is_short(a);
        note(&mut self.short, &mut self.short_at, a, short);
    }

    /// Agent `a` now has `week`, at `cost`.
    fn set(&mut self, a: usize, week: AgentWeek, cost: f64) {
        self.accept.total += cost - self.cost[a];
        self.weeks[a] = week;
        self.cost[a] = cost;
        self.note_short(a);
        self.note_troubled(a);
    }

    /// Agent `a`'s week without agent-shift `out` and with `inn`: its week as it stands, the one given
    /// back and the other taken ([`AgentWeek::give_back`]), not rebuilt from every shift of the period.
    fn week_with(&self, a: usize, out: Option<usize>, inn: Option<usize>) -> AgentWeek {
        let mut week = self.weeks[a].clone();
        if let Some(o) = out {
            week.give_back(&self.offers[o]);
        }
        if let Some(i) = inn {
            week.take(&self.offers[i]);
        }
        week
    }

    /// Agent `a`'s week built afresh from the agent-shifts it holds (in start order, as
    /// [`AgentWeek::of`] takes them).
    fn fresh_week(&self, a: usize) -> AgentWeek {
        let mut held = self.held[a].clone();
        held.sort_unstable();
        let mut week = AgentWeek::default();
        for i in held {
            week.take(&self.offers[i]);
        }
        week
    }

    /// Agent `a`'s cost with its current week.
    fn agent_cost(&self, a: usize) -> f64 {
        rules::penalty(self.cx, a, self.agents, &self.weeks) + self.changed(a)
    }

    /// [`CHANGED`] for each agent-day of the earlier roster the agent no longer works as it was.
    fn changed(&self, a: usize) -> f64 {
        let Some(kept) = self.kept else { return 0.0 };
        let now = &self.weeks[a].taken;
        let lost = kept[a]
            .iter()
            .filter(|(date, was)| {
                !now.iter()
                    .any(|s| s.date == *date && s.template == was.template && s.start == was.start)
            })
            .count();
        CHANGED * lost as f64
    }

    /// Agent `a`'s cost if its week were `week`.
    fn cost_with(&mut self, a: usize, week: AgentWeek) -> (f64, AgentWeek) {
        let old = std::mem::replace(&mut self.weeks[a], week);
        let c = self.agent_cost(a);
        (c, std::mem::replace(&mut self.weeks[a], old))
    }

    fn admits(&self, a: usize, week: &AgentWeek, i: usize) -> bool {
        let who = Who {
            index: a,
            agent: &self.agents[a],
            week,
        };
        rules::admits(self.cx, who, &self.offers[i])
    }

    /// Tries `budget` moves, drawn by a generator seeded with `seed`: a quarter aimed at an open
    /// shift, a quarter at an agent below the minimum hours (while there are any), the rest at random.
    pub fn run(&mut self, budget: Budget, seed: u64) {
        let n = self.shifts.len();
        if n == 0 || self.agents.is_empty() {
            return;
        }
        let mut rng = SplitMix(seed);
        if self.polish {
            self.accept = Acceptance::late(self.accept.total, budget.moves);
        }
        for _ in 0..budget.moves {
            self.tried += 1;
            self.accept.next();
            let accepted = match rng.below(4) {
                0 if !self.open.is_empty() => self.fill_open(&mut rng),
                // A longer shift first; when none is taken, a shift of a day off or a swap.
                1 if !self.short.is_empty() => self.lengthen(&mut rng) || self.feed_short(&mut rng),
                2 if self.polish && !self.troubled.is_empty() => self.mend(&mut rng),
                _ => self.random_move(&mut rng),
            };
            self.accept.moved();
            self.accepted += u64::from(accepted);
        }
        if let Some(best) = self.accept.best() {
            self.owner = best;
            self.rebuild();
        }
        self.accept = Acceptance::descent(self.accept.total);
    }

    /// [`run`](Search::run), then (when [`polish`](Search::polish)) a [`sweep`](Search::sweep) pricing
    /// up to half as many moves.
    pub fn improve(&mut self, budget: Budget, seed: u64) {
        self.run(budget, seed);
        if self.polish {
            self.sweep(budget.moves / 2);
        }
    }

    /// The roster's cost: every agent's, and [`OPEN`] per open agent-shift.
    pub fn total(&self) -> f64 {
        self.accept.total
    }

    /// The agent's shift on a date, if any.
    fn on(&self, a: usize, date: NaiveDate) -> Option<usize> {
        self.held[a]
            .iter()
            .copied()
            .find(|&j| self.shifts[j].date == date)
    }

    /// A random agent who fits agent-shift `i`, if any.
    fn fitting(&self, i: usize, rng: &mut SplitMix) -> Option<usize> {
        let fit = &self.fit[self.kind[i]];
        (!fit.is_empty()).then(|| fit[rng.below(fit.len())])
    }

    /// An open shift to an agent who fits it: given outright, or the agent hands one of its shifts
    /// (that day's, or another day's when a weekly limit blocks it) to a third agent first.
    fn fill_open(&mut self, rng: &mut SplitMix) -> bool {
        let j = self.open[rng.below(self.open.len())];
        let Some(b) = self.fitting(j, rng) else {
            return false;
        };
        let k = match self.on(b, self.shifts[j].date) {
            Some(k) => k,
            None if self.try_give(j, None, b) => return true,
            None if self.held[b].is_empty() => return false,
            None => self.held[b][rng.below(self.held[b].len())],
        };
        let Some(c) = self.fitting(k, rng).filter(|&c| c != b) else {
            return false;
        };
        self.try_chain(k, b, c, j)
    }

    /// For an agent below the minimum hours: a shift of a day it is off (from its holder, or open), or
    /// on a day it works, its shift swapped for another agent's.
    fn feed_short(&mut self, rng: &mut SplitMix) -> bool {
        let a = self.short[rng.below(self.short.len())];
        let dates = self.cx.period_dates();
        let date = dates[rng.below(dates.len())];
        let Some(day) = self.by_date.get(&date) else {
            return false;
        };
        let j = day[rng.below(day.len())];
        match (self.on(a, date), self.owner[j]) {
            // A day the agent works: trade its shift for another agent's (a longer one lifts it).
            (Some(k), Some(c)) if c != a => self.try_swap(k, a, j, c),
            (Some(_), _) => false,
            (None, from) => fits(&self.agents[a], &self.shifts[j]) && self.try_give(j, from, a),
        }
    }

    /// For an agent below the minimum hours: one of its shifts traded for a longer one it fits, of
    /// the same day or of a day it is off — with the longer shift's holder, who takes the shorter one
    /// back, or from the open shifts, the shorter one then going to an agent free that day. In a
    /// large roster [`feed_short`](Search::feed_short)'s random draw seldom lands on such a pair:
    /// issue 9's 1 026 agents left 35 part-timers on four 4 h days against a 17 h minimum while
    /// others of their contract held 6 h shifts to spare.
    fn lengthen(&mut self, rng: &mut SplitMix) -> bool {
        let a = self.short[rng.below(self.short.len())];
        if self.held[a].is_empty() {
            return false;
        }
        let k = self.held[a][rng.below(self.held[a].len())];
        let date = if rng.below(2) == 0 {
            self.shifts[k].date
        } else {
            let dates = self.cx.period_dates();
            dates[rng.below(dates.len())]
        };
        if date != self.shifts[k].date && self.on(a, date).is_some() {
            return false;
        }
        let Some(day) = self.by_date.get(&date) else {
            return false;
        };
        let shorter = self.shifts[k].paid_minutes;
        let longer: Vec<usize> = day
            .iter()
            .copied()
            .filter(|&j| {
                self.shifts[j].paid_minutes > shorter
                    && self.owner[j] != Some(a)
                    && fits(&self.agents[a], &self.shifts[j])
            })
            .collect();
        if longer.is_empty() {
            return false;
        }
        let j = longer[rng.below(longer.len())];
        match self.owner[j] {
            Some(c) => {
                let free = date == self.shifts[k].date || self.on(c, self.shifts[k].date).is_none();
                free && self.try_swap(k, a, j, c)
            }
            None => match self.fitting(k, rng).filter(|&b| b != a) {
                Some(b) if self.on(b, self.shifts[k].date).is_none() => self.try_chain(k, a, b, j),
                _ => false,
            },
        }
    }

    /// A random agent-shift to a random agent who fits it: given, swapped or chained.
    fn random_move(&mut self, rng: &mut SplitMix) -> bool {
        let n = self.shifts.len();
        let i = rng.below(n);
        let Some(b) = self.fitting(i, rng) else {
            return false;
        };
        if self.owner[i] == Some(b) {
            return false;
        }
        let date = self.shifts[i].date;
        match (self.on(b, date), self.owner[i]) {
            (None, None) => self.try_give(i, None, b),
            (None, Some(a)) => {
                self.try_give(i, Some(a), b) || {
                    // A chain hands back a shift of the same day, of any day, or an open one.
                    let day = &self.by_date[&date];
                    let j = match rng.below(3) {
                        0 => day[rng.below(day.len())],
                        1 if !self.open.is_empty() => self.open[rng.below(self.open.len())],
                        _ => rng.below(n),
                    };
                    if self.polish && self.owner[j] == Some(b) {
                        // `b`'s own shift of another day: a day trade.
                        return self.on(a, self.shifts[j].date).is_none()
                            && self.try_swap(i, a, j, b);
                    }
                    self.try_chain(i, a, b, j)
                }
            }
            (Some(j), Some(a)) => self.try_swap(i, a, j, b),
            (Some(_), None) => false,
        }
    }

    /// What giving up agent-shift `i` changes in the cost: its holder's week without it, or [`OPEN`]
    /// saved when it was open; and the holder's new week to [`release`](Search::release) if kept.
    fn releasing(
        &mut self,
        holder: Option<usize>,
        i: usize,
    ) -> (f64, Option<(usize, f64, AgentWeek)>) {
        match holder {
            Some(a) => {
                let (cost, week) = self.cost_with(a, self.week_with(a, Some(i), None));
                (cost - self.cost[a], Some((a, cost, week)))
            }
            None => (-OPEN, None),
        }
    }

    /// Takes agent-shift `i` from its holder (priced by [`releasing`](Search::releasing)), or from
    /// the open shifts.
    fn release(&mut self, released: Option<(usize, f64, AgentWeek)>, i: usize) {
        match released {
            Some((a, cost, week)) => {
                self.held[a].retain(|&x| x != i);
                self.set(a, week, cost);
            }
            None => self.filled(i),
        }
    }

    /// Agent-shift `i` is no longer open.
    fn filled(&mut self, i: usize) {
        self.open.retain(|&x| x != i);
        self.accept.total -= OPEN;
    }

    /// Gives agent-shift `i` (of `from`, or open) to `b`, who is free that day.
    fn try_give(&mut self, i: usize, from: Option<usize>, b: usize) -> bool {
        if !self.admits(b, &self.weeks[b], i) {
            return false;
        }
        let (cost_b, week_b) = self.cost_with(b, self.week_with(b, None, Some(i)));
        let mut delta = cost_b - self.cost[b];
        let (change, release) = self.releasing(from, i);
        delta += change;
        if delta > self.accept.allow {
            return false;
        }
        self.accept.leaving(delta, &self.owner);
        self.release(release, i);
        self.held[b].push(i);
        self.set(b, week_b, cost_b);
        self.owner[i] = Some(b);
        true
    }

    /// Swaps agent-shift `i` of `a` with `j` of `b` (of the same day, or of days each is free on the
    /// other's).
    fn try_swap(&mut self, i: usize, a: usize, j: usize, b: usize) -> bool {
        let (si, sj) = (&self.shifts[i], &self.shifts[j]);
        if si.template == sj.template && si.start == sj.start {
            return false;
        }
        let a_without = self.week_with(a, Some(i), None);
        let b_without = self.week_with(b, Some(j), None);
        if !fits(&self.agents[a], sj)
            || !fits(&self.agents[b], si)
            || !self.admits(a, &a_without, j)
            || !self.admits(b, &b_without, i)
        {
            return false;
        }
        let (cost_a, week_a) = self.cost_with(a, self.week_with_swap(a, i, j));
        let (cost_b, week_b) = self.cost_with(b, self.week_with_swap(b, j, i));
        let delta = cost_a + cost_b - self.cost[a] - self.cost[b];
        if delta > self.accept.allow {
            return false;
        }
        self.accept.leaving(delta, &self.owner);
        self.held[a].retain(|&x| x != i);
        self.held[a].push(j);
        self.held[b].retain(|&x| x != j);
        self.held[b].push(i);
        self.set(a, week_a, cost_a);
        self.set(b, week_b, cost_b);
        self.owner[i] = Some(b);
        self.owner[j] = Some(a);
        true
    }

    /// Gives `i` (of `a`) to `b`, free that day, and `j` (of the same day; a third agent's or open) to `a`.
    fn try_chain(&mut self, i: usize, a: usize, b: usize, j: usize) -> bool {
        let c = self.owner[j];
        if j == i || c == Some(a) || c == Some(b) || !fits(&self.agents[a], &self.shifts[j]) {
            return false;
        }
        let on_j = self.shifts[j].date;
        if on_j != self.shifts[i].date && self.held[a].iter().any(|&k| self.shifts[k].date == on_j)
        {
            return false;
        }
        let a_without = self.week_with(a, Some(i), None);
        if !self.admits(b, &self.weeks[b], i) || !self.admits(a, &a_without, j) {
            return false;
        }
        let (cost_b, week_b) = self.cost_with(b, self.week_with(b, None, Some(i)));
        let (cost_a, week_a) = self.cost_with(a, self.week_with_swap(a, i, j));
        let mut delta = cost_a + cost_b - self.cost[a] - self.cost[b];
        let (change, release) = self.releasing(c, j);
        delta += change;
        if delta > self.accept.allow {
            return false;
        }
        self.accept.leaving(delta, &self.owner);
        self.release(release, j);
        self.held[a].retain(|&x| x != i);
        self.held[a].push(j);
        self.held[b].push(i);
        self.set(a, week_a, cost_a);
        self.set(b, week_b, cost_b);
        self.owner[i] = Some(b);
        self.owner[j] = Some(a);
        true
    }

    fn week_with_swap(&self, a: usize, out: usize, inn: usize) -> AgentWeek {
        self.week_with(a, Some(out), Some(inn))
    }
}

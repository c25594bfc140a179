//! Primal heuristics on the integer plan: LP rounding with repair, then local search, every move judged
//! by the true objective ([`Scorer`]), not the program's linearisation.
//!
//! Moves: add a shift, drop a redundant one, replace a shift by a neighbour (the same day, a start up to
//! an hour away, any template — this covers "move the start one step" and "swap the template"), and
//! move a break within its window. For a daily/weekly service-level goal the drops and replacements are
//! the local search of Koole & van der Sluis (2003), "Optimal shift scheduling with a global service
//! level constraint", *IIE Transactions* 35(11): for multimodular objectives its local optima are global.
//!
//! Everything is in a fixed order (candidates and agents by index, first or best improvement with ties
//! to the lowest index) and counted in trial evaluations, so the result does not depend on the machine.

use super::budget::Budget;
use super::formulation::Formulation;
use super::score::Scorer;

mod chains;

/// Improvements smaller than this are noise.
const EPS: f64 = 1e-7;

/// How far a move judged "no higher objective" may rise through float rounding alone.
const OBJECTIVE_NOISE: f64 = 1e-9;

/// Trial evaluations [`Search::raise_service`] may spend per agent of the plan: the first pass takes
/// about 20 on a week with breaks (measured on the shipped week: 19 per agent, 85 % of what passes until
/// none is found gain), so a little more than one pass — it must stay cheap beside the plan itself.
const SPARE_EVALUATIONS_PER_AGENT: u64 = 30;

/// Contacts served well a move must add to count (below that it is rounding).
const SERVICE_EPS: f64 = 1e-6;

/// One agent of the plan: a candidate shift and, per break rule of its template, the slot it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Agent {
    pub cand: usize,
    pub slots: Vec<usize>,
}

/// What the search needs to know of a candidate.
struct CandInfo {
    group: usize,
    cost: f64,
    /// (break set, first slot, last slot) per break rule of the template.
    breaks: Vec<(usize, usize, usize)>,
    /// Day limits the candidate counts towards.
    limits: Vec<usize>,
}

/// An integer plan being improved.
pub(crate) struct Search<'f> {
    f: &'f Formulation<'f>,
    info: Vec<CandInfo>,
    neighbours: Vec<Vec<usize>>,
    /// Candidates per day, in date order.
    days: Vec<Vec<usize>>,
    count: Vec<u32>,
    limit_count: Vec<i64>,
    pub agents: Vec<Agent>,
    pub scorer: Scorer<'f>,
    buffer: Vec<(usize, f64)>,
    /// Only moves that keep every template-day's number of shifts per start tier: a start within the
    /// template and its tiers ([`super::tiers`]), a break within its window. Set with a workforce,
    /// whose rows (agents per group and day, their weeks' lengths and hours, their start tiers) count
    /// shifts per template-day and tier: such moves keep a plan that meets them meeting them,
    /// exactly, with no check.
    neutral: bool,
}

/// Minutes either side of a shift's start within which another candidate of the same day is a neighbour.
const NEIGHBOURHOOD_MIN: i64 = 60;

impl<'f> Search<'f> {
    pub fn new(f: &'f Formulation<'f>, scorer: Scorer<'f>) -> Search<'f> {
        let mut info: Vec<CandInfo> = f
            .candidates
            .iter()
            .map(|c| CandInfo {
                group: f.group_of_template[c.template],
                cost: f.templates[c.template].cost,
                breaks: Vec::new(),
                limits: Vec::new(),
            })
            .collect();
        for (k, set) in f.break_sets.iter().enumerate() {
            for (i, &j) in set.shifts.iter().enumerate() {
                let (first, last) = set.windows[i];
                info[j].breaks.push((k, first, last));
            }
        }
        for (l, limit) in f.limits.iter().enumerate() {
            for &j in &limit.shifts {
                info[j].limits.push(l);
            }
        }
        Search {
            f,
            neighbours: neighbours(f),
            days: days(f),
            info,
            count: vec![0; f.candidates.len()],
            limit_count: vec![0; f.limits.len()],
            agents: Vec::new(),
            scorer,
            buffer: Vec::new(),
            neutral: f.workforce.is_some(),
        }
    }

    /// Whether the search should stop: its budget is spent, or the plan is within the requested gap
    /// and meets its targets (a cheap plan with an interval short is not good enough).
    fn done(&self, budget: &mut Budget) -> bool {
        budget.exhausted(self.scorer.evaluations)
            || (self.scorer.objective() <= budget.good_enough && self.scorer.meets_targets())
    }

    /// Agents per candidate and break-slot counts per break set: the plan in the program's variables.
    pub fn solution(&self) -> (Vec<f64>, Vec<Vec<f64>>) {
        let shifts = self.count.iter().map(|&c| f64::from(c)).collect();
        let mut breaks: Vec<Vec<f64>> = self
            .f
            .break_sets
            .iter()
            .map(|s| vec![0.0; s.slots.len()])
            .collect();
        for a in &self.agents {
            for (i, &(k, _, _)) in self.info[a.cand].breaks.iter().enumerate() {
                breaks[k][a.slots[i]] += 1.0;
            }
        }
        (shifts, breaks)
    }

    /// Presence of `agent` (shift cover, minus its breaks) into the buffer.
    fn footprint(&mut self, agent: &Agent) {
        self.buffer.clear();
        self.buffer
            .extend_from_slice(&self.f.candidates[agent.cand].cover);
        for (i, &(k, _, _)) in self.info[agent.cand].breaks.iter().enumerate() {
            for &(t, share) in &self.f.break_sets[k].slot_cover[agent.slots[i]] {
                self.buffer.push((t, -share));
            }
        }
    }

    fn apply(&mut self, agent: &Agent, sign: f64) {
        self.footprint(agent);
        let info = &self.info[agent.cand];
        let buffer = std::mem::take(&mut self.buffer);
        self.scorer.change(info.group, &buffer, sign, info.cost);
        self.buffer = buffer;
    }

    fn limits_allow(&self, add: Option<usize>, remove: Option<usize>) -> bool {
        let mut ok = true;
        for &l in add.map(|j| self.info[j].limits.as_slice()).unwrap_or(&[]) {
            let removed = remove.is_some_and(|r| self.info[r].limits.contains(&l));
            if !removed {
                ok &= self.f.limits[l]
                    .max
                    .is_none_or(|m| (self.limit_count[l] + 1) as f64 <= m + 1e-9);
            }
        }
        for &l in remove
            .map(|j| self.info[j].limits.as_slice())
            .unwrap_or(&[])
        {
            let added = add.is_some_and(|a| self.info[a].limits.contains(&l));
            if !added {
                ok &= (self.limit_count[l] - 1) as f64 >= self.f.limits[l].min - 1e-9;
            }
        }
        ok
    }

    fn book(&mut self, cand: usize, sign: i64) {
        if sign > 0 {
            self.count[cand] += 1;
        } else {
            self.count[cand] -= 1;
        }
        for &l in &self.info[cand].limits {
            self.limit_count[l] += sign;
        }
    }

    /// Adds an agent for good (no judgement).
    pub fn insert(&mut self, agent: Agent) {
        self.apply(&agent, 1.0);
        self.scorer.commit();
        self.book(agent.cand, 1);
        self.agents.push(agent);
    }

    fn remove_at(&mut self, idx: usize) {
        let agent = self.agents.swap_remove(idx);
        self.book(agent.cand, -1);
    }

    /// Break slots for a new agent of candidate `j`: each break where its group has the most agents to
    /// spare over the channels' minimums (ties to the earliest slot); the break sweep refines them.
    fn place_breaks(&self, j: usize) -> Vec<usize> {
        let g = self.info[j].group;
        let spare = |t: usize| {
            let minimum: f64 = self.f.groups[g]
                .iter()
                .map(|&c| self.f.channels[c].minimum(t))
                .sum();
            self.scorer.present(g, t) - minimum
        };
        self.info[j]
            .breaks
            .iter()
            .map(|&(k, first, last)| {
                let mut best = (f64::NEG_INFINITY, first);
                for slot in first..=last {
                    let cover = &self.f.break_sets[k].slot_cover[slot];
                    let s = cover
                        .iter()
                        .map(|&(t, share)| share * spare(t))
                        .fold(f64::INFINITY, f64::min);
                    let s = if cover.is_empty() { 0.0 } else { s };
                    if s > best.0 + 1e-12 {
                        best = (s, slot);
                    }
                }
                best.1
            })
            .collect()
    }

    /// Judges a move that removes agent `remove` and/or adds `add`; keeps it if it lowers the objective.
    fn try_move(&mut self, remove: Option<usize>, add: Option<&Agent>) -> Option<f64> {
        let before = self.scorer.objective();
        let mark = self.scorer.mark();
        if let Some(i) = remove {
            let agent = self.agents[i].clone();
            self.apply(&agent, -1.0);
        }
        if let Some(a) = add {
            self.apply(a, 1.0);
        }
        let delta = self.scorer.objective() - before;
        self.scorer.rollback(mark);
        (delta < -EPS).then_some(delta)
    }

    /// Applies a move judged by [`Search::try_move`].
    fn make_move(&mut self, remove: Option<usize>, add: Option<Agent>) {
        if let Some(i) = remove {
            let agent = self.agents[i].clone();
            self.apply(&agent, -1.0);
            self.remove_at(i);
        }
        if let Some(a) = add {
            self.apply(&a, 1.0);
            self.book(a.cand, 1);
            self.agents.push(a);
        }
        self.scorer.commit();
    }

    /// Drops agents above a day limit's maximum (cheapest loss first), then adds shifts below a minimum.
    pub fn meet_limits(&mut self) {
        for l in 0..self.f.limits.len() {
            while self.f.limits[l]
                .max
                .is_some_and(|m| self.limit_count[l] as f64 > m + 1e-9)
            {
                let Some(i) = self.best_of(
                    |s, i| s.info[s.agents[i].cand].limits.contains(&l),
                    |s, i| s.delta_of(Some(i), None),
                ) else {
                    break;
                };
                self.make_move(Some(i), None);
            }
            while (self.limit_count[l] as f64) < self.f.limits[l].min - 1e-9 {
                let shifts = self.f.limits[l].shifts.clone();
                let mut best: Option<(f64, Agent)> = None;
                for j in shifts {
                    if !self.limits_allow(Some(j), None) {
                        continue;
                    }
                    let agent = Agent {
                        cand: j,
                        slots: self.place_breaks(j),
                    };
                    let d = self.delta_of(None, Some(&agent));
                    if best.as_ref().is_none_or(|(b, _)| d < *b - EPS) {
                        best = Some((d, agent));
                    }
                }
                let Some((_, agent)) = best else { break };
                self.make_move(None, Some(agent));
            }
        }
    }

    /// The objective change of a move, whatever its sign.
    fn delta_of(&mut self, remove: Option<usize>, add: Option<&Agent>) -> f64 {
        let before = self.scorer.objective();
        let mark = self.scorer.mark();
        if let Some(i) = remove {
            let agent = self.agents[i].clone();
            self.apply(&agent, -1.0);
        }
        if let Some(a) = add {
            self.apply(a, 1.0);
        }
        let delta = self.scorer.objective() - before;
        self.scorer.rollback(mark);
        delta
    }

    /// The agent index with the lowest `value` among those `keep` accepts (ties to the lowest index).
    fn best_of(
        &mut self,
        keep: impl Fn(&Self, usize) -> bool,
        mut value: impl FnMut(&mut Self, usize) -> f64,
    ) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for i in 0..self.agents.len() {
            if !keep(self, i) {
                continue;
            }
            let v = value(self, i);
            if best.is_none_or(|(b, _)| v < b - EPS) {
                best = Some((v, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// Drops, best first, every agent whose removal lowers the objective.
    pub fn best_drops(&mut self, budget: &mut Budget) -> bool {
        let mut improved = false;
        while !self.done(budget) {
            let Some(i) = self.best_of(
                |s, i| s.limits_allow(None, Some(s.agents[i].cand)),
                |s, i| s.delta_of(Some(i), None),
            ) else {
                break;
            };
            if self.delta_of(Some(i), None) >= -EPS {
                break;
            }
            self.make_move(Some(i), None);
            improved = true;
        }
        improved
    }

    /// Ruin and recreate (Schrimpf et al. 2000, "Record breaking optimization results using the ruin and
    /// recreate principle", *J. Comput. Phys.* 159): drop every agent of a day starting within a window,
    /// add back best first, keep the result only if it costs less. Coordinated changes of several shifts
    /// that no single move reaches.
    pub fn ruin_and_recreate(&mut self, budget: &mut Budget) -> bool {
        let mut improved = false;
        for d in 0..self.days.len() {
            let day = self.days[d].clone();
            let (Some(lo), Some(hi)) = (
                day.iter().map(|&j| self.f.candidates[j].start_min).min(),
                day.iter().map(|&j| self.f.candidates[j].start_min).max(),
            ) else {
                continue;
            };
            for width in [120, 240] {
                let mut from = lo;
                while from <= hi {
                    if self.done(budget) {
                        return improved;
                    }
                    improved |= self.ruin_window(&day, from, from + width, budget);
                    from += 60;
                }
            }
        }
        improved
    }

    fn ruin_window(&mut self, day: &[usize], from: i64, to: i64, budget: &mut Budget) -> bool {
        let Some(&first) = day.first() else {
            return false;
        };
        let date = self.f.candidates[first].day;
        let inside = |s: &Self, j: usize| {
            let c = &s.f.candidates[j];
            (from..to).contains(&c.start_min) && c.day == date
        };
        let before = self.scorer.objective();
        let saved = (
            self.agents.clone(),
            self.count.clone(),
            self.limit_count.clone(),
        );
        let mark = self.scorer.mark();
        let mut i = 0;
        while i < self.agents.len() {
            if inside(self, self.agents[i].cand) {
                let agent = self.agents[i].clone();
                self.apply(&agent, -1.0);
                self.remove_at(i);
            } else {
                i += 1;
            }
        }
        if self.agents.len() == saved.0.len() {
            return false;
        }
        let pool: Vec<usize> = day.iter().copied().filter(|&j| inside(self, j)).collect();
        // Recreate inside the undo log, so the ruin can still be rolled back.
        self.best_adds_logged(&pool, budget);
        if self.scorer.objective() < before - EPS {
            self.scorer.commit();
            true
        } else {
            self.scorer.rollback(mark);
            (self.agents, self.count, self.limit_count) = saved;
            false
        }
    }

    /// [`Search::best_adds`] without committing, so that a ruin can still be rolled back.
    fn best_adds_logged(&mut self, candidates: &[usize], budget: &mut Budget) {
        while !self.done(budget) {
            let mut best: Option<(f64, Agent)> = None;
            for &j in candidates {
                if !self.limits_allow(Some(j), None) {
                    continue;
                }
                let agent = Agent {
                    cand: j,
                    slots: self.place_breaks(j),
                };
                let d = self.delta_of(None, Some(&agent));
                if d < -EPS && best.as_ref().is_none_or(|(b, _)| d < *b - EPS) {
                    best = Some((d, agent));
                }
            }
            let Some((_, agent)) = best else { break };
            self.apply(&agent, 1.0);
            self.book(agent.cand, 1);
            self.agents.push(agent);
        }
    }

    /// One pass over every agent (drop, best replacement by a neighbour, break moves) and every
    /// candidate (add); whether anything improved.
    pub fn sweep(&mut self, budget: &mut Budget) -> bool {
        let mut improved = false;
        let mut i = 0;
        while i < self.agents.len() {
            if self.done(budget) {
                return improved;
            }
            let cand = self.agents[i].cand;
            if !self.neutral
                && self.limits_allow(None, Some(cand))
                && self.try_move(Some(i), None).is_some()
            {
                self.make_move(Some(i), None);
                improved = true;
                continue;
            }
            if self.replace(i) {
                improved = true;
                continue;
            }
            improved |= self.move_breaks(i);
            i += 1;
        }
        for j in 0..self.f.candidates.len() {
            if self.neutral || self.done(budget) {
                return improved;
            }
            if !self.limits_allow(Some(j), None) {
                continue;
            }
            let agent = Agent {
                cand: j,
                slots: self.place_breaks(j),
            };
            if self.try_move(None, Some(&agent)).is_some() {
                self.make_move(None, Some(agent));
                improved = true;
            }
        }
        improved
    }

    /// Whether candidates `a` and `b` count alike in every workforce row: one template and, for every
    /// group, one start tier ([`super::tiers`]). Moving a shift between such candidates keeps every
    /// template-day's and tier's number of shifts, so a plan meeting the workforce rows still does.
    fn interchangeable(&self, a: usize, b: usize) -> bool {
        self.f.candidates[a].template == self.f.candidates[b].template
            && self
                .f
                .workforce
                .as_ref()
                .is_none_or(|w| w.tiers.of[a] == w.tiers.of[b])
    }

    /// Replaces agent `i` by its best neighbour if that lowers the objective.
    fn replace(&mut self, i: usize) -> bool {
        let cand = self.agents[i].cand;
        let mut best: Option<(f64, Agent)> = None;
        for n in 0..self.neighbours[cand].len() {
            let j = self.neighbours[cand][n];
            if (self.neutral && !self.interchangeable(j, cand))
                || !self.limits_allow(Some(j), Some(cand))
            {
                continue;
            }
            let agent = Agent {
                cand: j,
                slots: self.place_breaks(j),
            };
            if let Some(d) = self.try_move(Some(i), Some(&agent)) {
                if best.as_ref().is_none_or(|(b, _)| d < *b - EPS) {
                    best = Some((d, agent));
                }
            }
        }
        let Some((_, agent)) = best else {
            return false;
        };
        self.make_move(Some(i), Some(agent));
        true
    }

    /// Moves each break of agent `i` to the best slot of its window; whether any moved.
    fn move_breaks(&mut self, i: usize) -> bool {
        let mut moved = false;
        let breaks = self.info[self.agents[i].cand].breaks.clone();
        for (b, &(_, first, last)) in breaks.iter().enumerate() {
            let current = self.agents[i].slots[b];
            let mut best: Option<(f64, usize)> = None;
            for slot in (first..=last).filter(|&s| s != current) {
                let mut moved_agent = self.agents[i].clone();
                moved_agent.slots[b] = slot;
                if let Some(d) = self.try_move(Some(i), Some(&moved_agent)) {
                    if best.is_none_or(|(x, _)| d < x - EPS) {
                        best = Some((d, slot));
                    }
                }
            }
            if let Some((_, slot)) = best {
                let old = self.agents[i].clone();
                let mut new = old.clone();
                new.slots[b] = slot;
                self.apply(&old, -1.0);
                self.apply(&new, 1.0);
                self.scorer.commit();
                self.agents[i] = new;
                moved = true;
            }
        }
        moved
    }

    /// Moves each shift within its template and start tier on the same day (a start up to an hour away, its breaks
    /// placed afresh) or one of its breaks within its window, to where the plan serves the most
    /// contacts well ([`Scorer::service`]) without raising the objective: the spare cover a plan holds
    /// goes where it raises service most. The best move per agent, in passes until none is found or
    /// [`SPARE_EVALUATIONS_PER_AGENT`] per agent (or the budget) are spent; a pass looks again only at
    /// agents near an interval the last pass changed (the others' moves would be judged exactly as
    /// before). Returns how many moves it made.
    pub fn raise_service(&mut self, budget: &mut Budget) -> usize {
        let cap = self.scorer.evaluations + SPARE_EVALUATIONS_PER_AGENT * self.agents.len() as u64;
        let mut moved = 0;
        let mut changed = vec![true; self.f.intervals];
        loop {
            let mut seen = vec![0usize; self.f.intervals + 1];
            for (t, &c) in changed.iter().enumerate() {
                seen[t + 1] = seen[t] + usize::from(c);
            }
            changed.fill(false);
            let mut any = false;
            for i in 0..self.agents.len() {
                let (lo, hi) = self.reach(self.agents[i].cand);
                if seen[hi + 1] == seen[lo] {
                    continue;
                }
                if budget.exhausted(self.scorer.evaluations) || self.scorer.evaluations >= cap {
                    return moved;
                }
                if let Some(agent) = self.best_for_service(i) {
                    for (t, _) in self.replace_with(i, agent) {
                        changed[t] = true;
                    }
                    moved += 1;
                    any = true;
                }
            }
            if !any {
                return moved;
            }
        }
    }

    /// The first and last interval that candidate `j` or a neighbour of its template covers: all that
    /// [`Search::best_for_service`] reads.
    fn reach(&self, j: usize) -> (usize, usize) {
        let same = self.neighbours[j]
            .iter()
            .copied()
            .filter(|&n| self.interchangeable(n, j));
        std::iter::once(j)
            .chain(same)
            .flat_map(|n| self.f.candidates[n].cover.iter().map(|&(t, _)| t))
            .fold((usize::MAX, 0), |(lo, hi), t| (lo.min(t), hi.max(t)))
    }

    /// The move of agent `i` that serves the most contacts well more, at no higher objective.
    fn best_for_service(&mut self, i: usize) -> Option<Agent> {
        let old = self.agents[i].clone();
        let mut options: Vec<Agent> = Vec::new();
        for n in 0..self.neighbours[old.cand].len() {
            let j = self.neighbours[old.cand][n];
            if self.interchangeable(j, old.cand) && self.limits_allow(Some(j), Some(old.cand)) {
                options.push(Agent {
                    cand: j,
                    slots: self.place_breaks(j),
                });
            }
        }
        for (b, &(_, first, last)) in self.info[old.cand].breaks.iter().enumerate() {
            for slot in (first..=last).filter(|&s| s != old.slots[b]) {
                let mut agent = old.clone();
                agent.slots[b] = slot;
                options.push(agent);
            }
        }
        let (objective, service) = (self.scorer.objective(), self.scorer.service());
        let mut best: Option<(f64, Agent)> = None;
        let group = self.info[old.cand].group;
        for agent in options {
            let mark = self.scorer.mark();
            let net = self.net_change(&old, &agent);
            self.scorer.change(group, &net, 1.0, 0.0);
            let kept = self.scorer.objective() <= objective + OBJECTIVE_NOISE;
            let gain = self.scorer.service() - service;
            self.scorer.rollback(mark);
            if kept
                && gain > SERVICE_EPS
                && best.as_ref().is_none_or(|(g, _)| gain > *g + SERVICE_EPS)
            {
                best = Some((gain, agent));
            }
        }
        best.map(|(_, agent)| agent)
    }

    /// The presence `new` adds and `old` takes away, interval by interval, where they differ: a
    /// start moved by a step changes a few intervals, not the whole shift, so only those are judged.
    /// Both must be of one template (one group, one cost).
    fn net_change(&mut self, old: &Agent, new: &Agent) -> Vec<(usize, f64)> {
        self.footprint(old);
        let mut net: Vec<(usize, f64)> = self.buffer.iter().map(|&(t, s)| (t, -s)).collect();
        self.footprint(new);
        net.extend_from_slice(&self.buffer);
        net.sort_by_key(|&(t, _)| t);
        let mut merged: Vec<(usize, f64)> = Vec::with_capacity(net.len());
        for (t, s) in net {
            match merged.last_mut() {
                Some(last) if last.0 == t => last.1 += s,
                _ => merged.push((t, s)),
            }
        }
        merged.retain(|&(_, s)| s.abs() > 1e-12);
        merged
    }

    /// Replaces agent `i` by `new` of the same template for good (no judgement); the presence changed.
    fn replace_with(&mut self, i: usize, new: Agent) -> Vec<(usize, f64)> {
        let old = std::mem::replace(&mut self.agents[i], new.clone());
        let net = self.net_change(&old, &new);
        self.scorer
            .change(self.info[old.cand].group, &net, 1.0, 0.0);
        self.scorer.commit();
        self.book(old.cand, -1);
        self.book(new.cand, 1);
        net
    }

    /// Agents present per group and interval, counting only the agents `counted` accepts.
    pub fn presence_of(&mut self, counted: impl Fn(&Agent) -> bool) -> Vec<Vec<f64>> {
        let mut present = vec![vec![0.0; self.f.intervals]; self.f.groups.len()];
        for i in 0..self.agents.len() {
            if !counted(&self.agents[i]) {
                continue;
            }
            let agent = self.agents[i].clone();
            self.footprint(&agent);
            let g = self.info[agent.cand].group;
            for &(t, share) in &self.buffer {
                present[g][t] += share;
            }
        }
        present
    }

    /// Replaces the agents `out` accepts by `new` if that lowers the objective (and keeps the day
    /// limits); whether it did.
    pub fn swap_agents(&mut self, out: impl Fn(&Agent) -> bool, new: Vec<Agent>) -> bool {
        let before = self.scorer.objective();
        let saved = (
            self.agents.clone(),
            self.count.clone(),
            self.limit_count.clone(),
        );
        let mark = self.scorer.mark();
        let mut i = 0;
        while i < self.agents.len() {
            if out(&self.agents[i]) {
                let agent = self.agents[i].clone();
                self.apply(&agent, -1.0);
                self.remove_at(i);
            } else {
                i += 1;
            }
        }
        for a in new {
            self.apply(&a, 1.0);
            self.book(a.cand, 1);
            self.agents.push(a);
        }
        let limits_kept = self.f.limits.iter().enumerate().all(|(l, limit)| {
            let n = self.limit_count[l] as f64;
            n >= limit.min - 1e-9 && limit.max.is_none_or(|m| n <= m + 1e-9)
        });
        if limits_kept && self.scorer.objective() < before - EPS {
            self.scorer.commit();
            true
        } else {
            self.scorer.rollback(mark);
            (self.agents, self.count, self.limit_count) = saved;
            false
        }
    }

    /// Agents of candidate `j` with the break slots of `placement` ((break set, slot) per break).
    pub fn agent_with(&self, j: usize, placement: &[(usize, usize)]) -> Agent {
        let slots = self.info[j]
            .breaks
            .iter()
            .map(|&(k, first, last)| {
                placement
                    .iter()
                    .find(|(pk, _)| *pk == k)
                    .map_or(first, |&(_, s)| s.clamp(first, last))
            })
            .collect();
        Agent { cand: j, slots }
    }

    /// Local search until a pass finds nothing or the budget is spent.
    pub fn local_search(&mut self, budget: &mut Budget) {
        if !self.neutral {
            self.best_drops(budget);
        }
        loop {
            while !self.done(budget) && self.sweep(budget) {}
            if self.neutral || self.done(budget) {
                break;
            }
            if !self.chains(budget) && !self.ruin_and_recreate(budget) {
                break;
            }
        }
    }

    /// Inserts `counts[j]` agents of each candidate with the breaks the LP placed (`breaks`, fractional
    /// slot counts, rounded by prefix sums as in [`super::extract`]).
    fn insert_rounded(&mut self, counts: &[u32], breaks: &[Vec<f64>]) {
        let placed = super::extract::place_breaks(self.f, counts, breaks);
        for (j, agents) in placed.into_iter().enumerate() {
            for placement in agents {
                let agent = self.agent_with(j, &placement);
                self.insert(agent);
            }
        }
    }

    /// Rounds an LP solution: every candidate up to the next whole agent (coverage stays met) with the
    /// LP's breaks, day limits restored, then the redundant shifts dropped best first.
    pub fn round_up(&mut self, lp: &[f64], breaks: &[Vec<f64>], budget: &mut Budget) {
        let counts: Vec<u32> = lp
            .iter()
            .map(|x| (x - 1e-6).ceil().max(0.0) as u32)
            .collect();
        self.insert_rounded(&counts, breaks);
        self.meet_limits();
        if !self.neutral {
            self.best_drops(budget);
        }
    }
}

/// Candidate indices per day, in date order.
fn days(f: &Formulation<'_>) -> Vec<Vec<usize>> {
    let mut by_day: std::collections::BTreeMap<chrono::NaiveDate, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (j, c) in f.candidates.iter().enumerate() {
        by_day.entry(c.day).or_default().push(j);
    }
    by_day.into_values().collect()
}

/// For each candidate: the candidates of the same day starting within [`NEIGHBOURHOOD_MIN`] (any
/// template), in index order.
fn neighbours(f: &Formulation<'_>) -> Vec<Vec<usize>> {
    let mut by_day: std::collections::BTreeMap<chrono::NaiveDate, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (j, c) in f.candidates.iter().enumerate() {
        by_day.entry(c.day).or_default().push(j);
    }
    f.candidates
        .iter()
        .enumerate()
        .map(|(j, c)| {
            by_day[&c.day]
                .iter()
                .copied()
                .filter(|&k| {
                    k != j && (f.candidates[k].start_min - c.start_min).abs() <= NEIGHBOURHOOD_MIN
                })
                .collect()
        })
        .collect()
}

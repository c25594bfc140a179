//! Ejection chains of depth two (Glover 1996, "Ejection chains, reference structures and alternating
//! path methods for traveling salesman problems", *Discrete Applied Mathematics* 65): a move that saves
//! cost but leaves an interval or two short — drop an agent, or give it a cheaper neighbouring shift —
//! followed by the best repair by another agent present around the damage — a break moved off the short
//! interval, or its shift moved or changed to reach it — kept when the pair lowers the objective.
//!
//! Why: the single moves of [`Search::sweep`] judge each change alone, so a plan where every saving
//! opens a short interval that only another agent's break or start could close is a local optimum for
//! them. These pairs are what the days' branch and bound found on the issue-10 weeks (a 6 h part-timer
//! shortened to 4 h, a 4 h shift dropped, each with a break or a start moved), at a few thousand trial
//! evaluations instead of hundreds of LP nodes. Deterministic: agents in index order, moves in a fixed
//! order, ties to the first, every trial counted.

use super::{Agent, Search, EPS};
use crate::schedule::budget::Budget;

/// Short agent-intervals a first move may open for one repair to close (a repair moves one break or
/// one shift edge, so more than two are out of its reach).
const MAX_SHORT_OPENED: f64 = 2.0;

/// Intervals either side of the damage within which another agent may repair it.
const REACH: usize = 4;

/// The best pair found from one agent: total change, the first move's new agent (none: a drop), the
/// repairing agent's index and its new form.
type Pair = (f64, Option<Agent>, usize, Agent);

impl Search<'_> {
    /// One pass of ejection chains over every agent; whether any pair was made.
    pub fn chains(&mut self, budget: &mut Budget) -> bool {
        let mut improved = false;
        let mut i = 0;
        while i < self.agents.len() {
            if self.done(budget) {
                return improved;
            }
            if self.chain_from(i, budget) {
                improved = true;
                continue;
            }
            i += 1;
        }
        improved
    }

    /// The first moves from agent `i` that save cost: a drop, or each cheaper neighbour.
    fn cheaper_moves(&self, i: usize) -> Vec<Option<Agent>> {
        let old = &self.agents[i];
        let cost = self.info[old.cand].cost;
        let mut firsts = Vec::new();
        if self.limits_allow(None, Some(old.cand)) {
            firsts.push(None);
        }
        for &j in &self.neighbours[old.cand] {
            if self.info[j].cost < cost - EPS && self.limits_allow(Some(j), Some(old.cand)) {
                firsts.push(Some(Agent {
                    cand: j,
                    slots: self.place_breaks(j),
                }));
            }
        }
        firsts
    }

    /// The best pair starting with a cheaper move of agent `i`, made when it lowers the objective.
    fn chain_from(&mut self, i: usize, budget: &mut Budget) -> bool {
        let old = self.agents[i].clone();
        let cost = self.info[old.cand].cost;
        let before = self.scorer.objective();
        let (lo, hi) = self.span_of(old.cand);
        let mut best: Option<Pair> = None;
        for first in self.cheaper_moves(i) {
            if self.done(budget) {
                break;
            }
            let saving = cost - first.as_ref().map_or(0.0, |a| self.info[a.cand].cost);
            let mark = self.scorer.mark();
            self.apply(&old, -1.0);
            if let Some(a) = &first {
                self.apply(a, 1.0);
            }
            let opened = self.scorer.objective() - before + saving;
            if opened <= MAX_SHORT_OPENED * self.f.under_penalty + EPS {
                let short: Vec<usize> = (lo..=hi).filter(|&t| self.scorer.is_short(t)).collect();
                if let (Some(&first_short), Some(&last_short)) = (short.first(), short.last()) {
                    let reach = (first_short.saturating_sub(REACH), last_short + REACH);
                    if let Some((d, k, new)) = self.best_repair(i, reach, before, budget) {
                        if best.as_ref().is_none_or(|b| d < b.0 - EPS) {
                            best = Some((d, first.clone(), k, new));
                        }
                    }
                }
            }
            self.scorer.rollback(mark);
        }
        match best {
            Some(pair) if pair.0 < -EPS => self.make_pair(i, pair),
            _ => false,
        }
    }

    /// First and last interval candidate `j` covers (its cover is in interval order).
    fn span_of(&self, j: usize) -> (usize, usize) {
        let cover = &self.f.candidates[j].cover;
        let lo = cover.first().map_or(0, |&(t, _)| t);
        let hi = cover.last().map_or(0, |&(t, _)| t);
        (lo, hi)
    }

    /// With a first move applied: the best single change of another agent whose shift lies within
    /// `reach` (a break to another slot, or a neighbouring shift), as the total change against
    /// `before`.
    fn best_repair(
        &mut self,
        i: usize,
        (from, to): (usize, usize),
        before: f64,
        budget: &mut Budget,
    ) -> Option<(f64, usize, Agent)> {
        let mut best: Option<(f64, usize, Agent)> = None;
        for k in 0..self.agents.len() {
            if k == i || self.done(budget) {
                continue;
            }
            let cand = self.agents[k].cand;
            let (lo, hi) = self.span_of(cand);
            if hi + REACH < from || lo > to + REACH {
                continue;
            }
            for new in self.repairs_of(k) {
                let mark = self.scorer.mark();
                let agent = self.agents[k].clone();
                self.apply(&agent, -1.0);
                self.apply(&new, 1.0);
                let d = self.scorer.objective() - before;
                self.scorer.rollback(mark);
                if best.as_ref().is_none_or(|b| d < b.0 - EPS) {
                    best = Some((d, k, new));
                }
            }
        }
        best
    }

    /// Agent `k`'s single changes: each break to each other slot of its window, then each
    /// neighbouring shift (the day limits allowing).
    fn repairs_of(&self, k: usize) -> Vec<Agent> {
        let agent = &self.agents[k];
        let mut out = Vec::new();
        for (b, &(_, first, last)) in self.info[agent.cand].breaks.iter().enumerate() {
            for slot in (first..=last).filter(|&s| s != agent.slots[b]) {
                let mut moved = agent.clone();
                moved.slots[b] = slot;
                out.push(moved);
            }
        }
        for &j in &self.neighbours[agent.cand] {
            if (self.neutral && !self.interchangeable(j, agent.cand))
                || !self.limits_allow(Some(j), Some(agent.cand))
            {
                continue;
            }
            out.push(Agent {
                cand: j,
                slots: self.place_breaks(j),
            });
        }
        out
    }

    /// Makes a pair found by [`Search::chain_from`]: the repair in place, then the first move; kept
    /// only if the objective falls and the day limits hold (else undone exactly).
    fn make_pair(&mut self, i: usize, (_, first, k, repaired): Pair) -> bool {
        let before = self.scorer.objective();
        let saved = (
            self.agents.clone(),
            self.count.clone(),
            self.limit_count.clone(),
        );
        let mark = self.scorer.mark();
        let old_k = self.agents[k].clone();
        self.apply(&old_k, -1.0);
        self.book(old_k.cand, -1);
        self.apply(&repaired, 1.0);
        self.book(repaired.cand, 1);
        self.agents[k] = repaired;
        let old_i = self.agents[i].clone();
        self.apply(&old_i, -1.0);
        self.remove_at(i);
        if let Some(a) = first {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::formulation::formulate;
    use crate::schedule::neighbourhood::tests::{kinds, objective, tiny};
    use crate::schedule::score::Scorer;
    use crate::schedule::Goal;

    fn no_limit() -> Budget {
        Budget::new(
            u64::MAX,
            std::time::Instant::now() + std::time::Duration::from_secs(3600),
        )
    }

    /// Every plan of up to two agents of each of the tiny day's six kinds (3^6 = 729 plans).
    fn plans(all: &[Agent]) -> Vec<Vec<Agent>> {
        let mut out = Vec::new();
        let mut counts = vec![0usize; all.len()];
        loop {
            out.push(
                all.iter()
                    .zip(&counts)
                    .flat_map(|(k, &n)| std::iter::repeat_n(k.clone(), n))
                    .collect(),
            );
            let mut i = 0;
            while i < counts.len() && counts[i] == 2 {
                counts[i] = 0;
                i += 1;
            }
            if i == counts.len() {
                return out;
            }
            counts[i] += 1;
        }
    }

    /// Whether a single change (drop one agent, add one of any kind, or turn one into any other
    /// kind) lowers the objective, by brute force.
    fn single_move_improves(at: &dyn Fn(&[Agent]) -> f64, plan: &[Agent], all: &[Agent]) -> bool {
        let now = at(plan);
        let better = |p: &[Agent]| at(p) < now - EPS;
        (0..plan.len()).any(|i| {
            let mut dropped = plan.to_vec();
            dropped.remove(i);
            better(&dropped)
                || all.iter().any(|k| {
                    let mut changed = plan.to_vec();
                    changed[i] = k.clone();
                    better(&changed)
                })
        }) || all.iter().any(|k| {
            let mut added = plan.to_vec();
            added.push(k.clone());
            better(&added)
        })
    }

    /// The least objective over every pair "drop agent `i`, turn another agent into any kind", by
    /// brute force.
    fn best_pair_from(
        at: &dyn Fn(&[Agent]) -> f64,
        plan: &[Agent],
        i: usize,
        all: &[Agent],
    ) -> f64 {
        let mut best = f64::INFINITY;
        for k in (0..plan.len()).filter(|&k| k != i) {
            for kind in all {
                let mut p = plan.to_vec();
                p[k] = kind.clone();
                p.remove(i);
                best = best.min(at(&p));
            }
        }
        best
    }

    #[test]
    fn a_chain_is_a_brute_force_pair_never_worse_and_found_where_single_moves_are_stuck() {
        let mut stuck_with_a_pair = 0;
        // At volume 0.3, nine plans are stuck for single moves with a pair that improves (counted
        // when this test was written); at 0.8 none is, and the pass must leave every stuck plan.
        for volume in [0.3, 0.8] {
            let (model, demand) = tiny(volume);
            let f = formulate(&model, &demand, Goal::Interval, None);
            let all = kinds(&f);
            let at = |p: &[Agent]| objective(&model, &demand, &f, p);
            for plan in plans(&all) {
                if plan.is_empty() || single_move_improves(&at, &plan, &all) {
                    continue;
                }
                let before = at(&plan);
                let mut s = Search::new(&f, Scorer::new(&model, &demand, &f, Goal::Interval));
                for a in &plan {
                    s.insert(a.clone());
                }
                let improved = s.chains(&mut no_limit());
                let after = s.scorer.objective();
                // Recomputed from scratch: the running objective did not drift, and every agent is
                // a whole shift of a candidate with its break inside its window.
                assert!((at(&s.agents) - after).abs() < 1e-9);
                assert!(s.agents.iter().all(|a| all.contains(a)), "{:?}", s.agents);
                assert!(after <= before + 1e-9, "{after} > {before}");
                // Every drop is a cheaper first move here (one template), every change of another
                // agent a break move or a neighbour (all starts lie within the hour): the pass makes
                // a pair exactly when the brute force finds one that improves, when its first move
                // opens at most two short agent-intervals.
                let cost = f.templates[0].cost;
                let pair_exists = (0..plan.len()).any(|i| {
                    let mut dropped = plan.clone();
                    dropped.remove(i);
                    let opened = at(&dropped) - before + cost;
                    opened <= MAX_SHORT_OPENED * f.under_penalty + EPS
                        && best_pair_from(&at, &plan, i, &all) < before - EPS
                });
                if pair_exists {
                    stuck_with_a_pair += 1;
                    assert!(
                        improved && after < before - EPS,
                        "{plan:?}: {after} vs {before}"
                    );
                } else {
                    assert!(!improved, "{plan:?}");
                }
            }
        }
        // The case the pass is for occurs among these plans.
        assert!(stuck_with_a_pair > 0);
    }
}

//! An ejection chain for an agent below the minimum hours: an augmenting path of shift trades.
//!
//! When the plan holds just as many long shifts as the agents of a contract need (issue 9's large case:
//! 180 shifts of 6 h a week for 180 part-timers who each need one to reach 17 h in 4 days), an agent
//! with none is short exactly while another holds two. One trade seldom mends it: the holder may share
//! no free day with the short agent, and a long shift ending at 21:15 leaves too little rest before the
//! short agent's 08:00 shift the next day. The chain searches breadth first: the short agent trades a
//! shift for a longer one of the same week (same day, or a day it is free) with its holder, who is then
//! short in turn and trades on, until the last holder keeps its minimum — the augmenting path of
//! bipartite matching (Hopcroft & Karp 1973), the ejection chain of Glover (1996). A trade the rest
//! rules refuse may carry a second one: the taker swaps its shift of a neighbouring day for a third
//! agent's of the same paid length. Every step is judged by the rule catalogue's admission tests, and
//! the chain is kept only when the roster's cost does not rise. The work is bounded by [`NODES`]
//! agents per short agent-week, so the result does not depend on the machine.

use super::{fits, Search, IMPROVES};
use crate::grid::{iso_week, IsoWeek};
use crate::rules::AgentWeek;
use chrono::NaiveDate;

/// Agents one chain search may reach (per short agent and week): a deterministic bound on its work.
const NODES: usize = 400;

/// `from` hands `out` (if any) to `to`, who hands `inn` back.
#[derive(Debug, Clone, Copy)]
struct Trade {
    from: usize,
    out: Option<usize>,
    to: usize,
    inn: usize,
}

/// An agent the chain reached: its agent-shifts after the trades that brought it in.
struct Node {
    agent: usize,
    held: Vec<usize>,
    parent: Option<usize>,
    trades: Vec<Trade>,
}

/// Weeks and admissions one chain search computes once: a holder's week without a shift, and
/// whether it may take another instead.
#[derive(Default)]
struct Memo {
    /// Agent-shifts of the week by date and paid minutes.
    by_length: std::collections::HashMap<(NaiveDate, u32), Vec<usize>>,
    without: std::collections::HashMap<usize, AgentWeek>,
    instead: std::collections::HashMap<(usize, usize), bool>,
}

fn without(held: &[usize], out: Option<usize>) -> Vec<usize> {
    held.iter().copied().filter(|&i| Some(i) != out).collect()
}

impl Search<'_> {
    /// Runs a chain search for every agent below the minimum, in agent order; returns the chains kept.
    pub(crate) fn relay_short(&mut self) -> u64 {
        let mut roots = self.short.clone();
        roots.sort_unstable();
        let mut kept = 0;
        for a in roots {
            let weeks: Vec<IsoWeek> = self
                .cx
                .period_weeks()
                .iter()
                .filter(|(_, _, whole)| *whole)
                .map(|(w, _, _)| *w)
                .collect();
            for w in weeks {
                if self.short_in(a, &self.weeks[a], w) && self.relay(a, w) {
                    kept += 1;
                }
            }
        }
        kept
    }

    fn short_in(&self, a: usize, week: &AgentWeek, w: IsoWeek) -> bool {
        week.hours_in(w) + 1e-9 < self.cx.min_hours(a, &self.agents[a], w)
    }

    /// The week of a set of agent-shifts.
    fn week_of(&self, held: &[usize]) -> AgentWeek {
        let mut held = held.to_vec();
        held.sort_unstable();
        let mut week = AgentWeek::default();
        for i in held {
            week.take(&self.offers[i]);
        }
        week
    }

    fn holds_on(&self, held: &[usize], date: NaiveDate) -> bool {
        held.iter().any(|&i| self.shifts[i].date == date)
    }

    /// Agents on the path from the root to node `n`.
    fn path_agents(nodes: &[Node], mut n: usize) -> Vec<usize> {
        let mut out = Vec::new();
        loop {
            out.push(nodes[n].agent);
            out.extend(nodes[n].trades.iter().skip(1).map(|t| t.to));
            match nodes[n].parent {
                Some(p) => n = p,
                None => return out,
            }
        }
    }

    /// Breadth-first chain search from agent `a`, short in ISO week `w`; applies the first chain whose
    /// cost does not rise.
    fn relay(&mut self, a: usize, w: IsoWeek) -> bool {
        let dates: Vec<NaiveDate> = self
            .cx
            .period_dates()
            .iter()
            .copied()
            .filter(|d| iso_week(*d) == w)
            .collect();
        let mut memo = Memo::default();
        for &d in &dates {
            for &i in self.by_date.get(&d).into_iter().flatten() {
                memo.by_length
                    .entry((d, self.shifts[i].paid_minutes))
                    .or_default()
                    .push(i);
            }
        }
        let mut seen = vec![false; self.agents.len()];
        seen[a] = true;
        let mut nodes = vec![Node {
            agent: a,
            held: self.held[a].clone(),
            parent: None,
            trades: Vec::new(),
        }];
        let mut next = 0;
        while next < nodes.len() && nodes.len() < NODES {
            let n = next;
            next += 1;
            let x = nodes[n].agent;
            let on_path = Self::path_agents(&nodes, n);
            let outs: Vec<Option<usize>> = nodes[n]
                .held
                .iter()
                .copied()
                .filter(|&i| iso_week(self.shifts[i].date) == w)
                .map(Some)
                .chain([None])
                .collect();
            for out in outs {
                let base = without(&nodes[n].held, out);
                let given = out.map_or(0, |s| self.shifts[s].paid_minutes);
                for &date in &dates {
                    if Some(date) != out.map(|s| self.shifts[s].date) && self.holds_on(&base, date)
                    {
                        continue;
                    }
                    let Some(day) = self.by_date.get(&date).cloned() else {
                        continue;
                    };
                    for t in day {
                        let Some(y) = self.owner[t] else { continue };
                        if seen[y]
                            || on_path.contains(&y)
                            || self.shifts[t].paid_minutes <= given
                            || !fits(&self.agents[x], &self.shifts[t])
                        {
                            continue;
                        }
                        let y_rest = without(&self.held[y], Some(t));
                        let (y_held, y_trades) = match out {
                            None => (y_rest, Vec::new()),
                            Some(s) if self.holds_on(&y_rest, self.shifts[s].date) => continue,
                            Some(s) => {
                                let avoid: Vec<usize> =
                                    on_path.iter().copied().chain([y]).collect();
                                match self.fit_in(y, &y_rest, s, &avoid, &mut memo) {
                                    Some(fit) => fit,
                                    None => continue,
                                }
                            }
                        };
                        let avoid: Vec<usize> = on_path
                            .iter()
                            .copied()
                            .chain([y])
                            .chain(y_trades.iter().map(|t| t.to))
                            .collect();
                        let Some((_, x_trades)) = self.fit_in(x, &base, t, &avoid, &mut memo)
                        else {
                            continue;
                        };
                        let mut trades = vec![Trade {
                            from: x,
                            out,
                            to: y,
                            inn: t,
                        }];
                        trades.extend(x_trades);
                        trades.extend(y_trades);
                        if !self.short_in(y, &self.week_of(&y_held), w) {
                            if self.apply_chain(&nodes, n, &trades) {
                                return true;
                            }
                            continue;
                        }
                        seen[y] = true;
                        nodes.push(Node {
                            agent: y,
                            held: y_held,
                            parent: Some(n),
                            trades,
                        });
                        if nodes.len() >= NODES {
                            return false;
                        }
                    }
                }
            }
        }
        false
    }

    /// Whether the holder of `v` may take `u` instead (memoised: chains pass the same pairs often).
    fn admits_instead(&self, z: usize, v: usize, u: usize, memo: &mut Memo) -> bool {
        if let Some(&known) = memo.instead.get(&(v, u)) {
            return known;
        }
        let week = memo
            .without
            .entry(v)
            .or_insert_with(|| self.week_of(&without(&self.held[z], Some(v))));
        let known = fits(&self.agents[z], &self.shifts[u]) && self.admits(z, week, u);
        memo.instead.insert((v, u), known);
        known
    }

    /// How agent `b`, holding `rest`, may take agent-shift `inn`: directly; or, when a rule refuses
    /// it (most often the rest after a late shift), with a swap of the same paid length with a third
    /// agent not in `avoid` — `inn` itself for that agent's shift of the same day, or `b`'s shift of
    /// a neighbouring day for that agent's of the same day. `b`'s shifts then, and the swap made.
    fn fit_in(
        &self,
        b: usize,
        rest: &[usize],
        inn: usize,
        avoid: &[usize],
        memo: &mut Memo,
    ) -> Option<(Vec<usize>, Vec<Trade>)> {
        let rest_week = self.week_of(rest);
        if fits(&self.agents[b], &self.shifts[inn]) && self.admits(b, &rest_week, inn) {
            return Some((rest.iter().copied().chain([inn]).collect(), Vec::new()));
        }
        // `inn` itself passed on, for a shift of the same day and length.
        if let Some(v) = self.swap_partner(b, &rest_week, inn, avoid, memo) {
            let z = self.owner[v]?;
            let trade = Trade {
                from: b,
                out: Some(inn),
                to: z,
                inn: v,
            };
            return Some((rest.iter().copied().chain([v]).collect(), vec![trade]));
        }
        if !fits(&self.agents[b], &self.shifts[inn]) {
            return None;
        }
        let date = self.shifts[inn].date;
        for &u in rest {
            if (self.shifts[u].date - date).num_days().abs() > 1 {
                continue;
            }
            let others = without(rest, Some(u));
            let mut week = self.week_of(&others);
            if !self.admits(b, &week, inn) {
                continue;
            }
            week.take(&self.offers[inn]);
            if let Some(v) = self.swap_partner(b, &week, u, avoid, memo) {
                let z = self.owner[v]?;
                let trade = Trade {
                    from: b,
                    out: Some(u),
                    to: z,
                    inn: v,
                };
                let held = others.into_iter().chain([inn, v]).collect();
                return Some((held, vec![trade]));
            }
        }
        None
    }

    /// A shift of `u`'s day and paid length that agent `b` (with `week`) may take, whose holder (not
    /// `b`, not in `avoid`) may take `u` instead.
    fn swap_partner(
        &self,
        b: usize,
        week: &AgentWeek,
        u: usize,
        avoid: &[usize],
        memo: &mut Memo,
    ) -> Option<usize> {
        let key = (self.shifts[u].date, self.shifts[u].paid_minutes);
        let alike = memo.by_length.remove(&key).unwrap_or_default();
        let (from, to) = (self.shifts[u].start, self.shifts[u].end);
        let found = alike.iter().copied().find(|&v| {
            let Some(z) = self.owner[v] else { return false };
            // A shift of the same times changes nothing the rules read.
            (self.shifts[v].start, self.shifts[v].end) != (from, to)
                && z != b
                && !avoid.contains(&z)
                && fits(&self.agents[b], &self.shifts[v])
                && self.admits_instead(z, v, u, memo)
                && self.admits(b, week, v)
        });
        memo.by_length.insert(key, alike);
        found
    }

    /// Makes the trades of the path from the root to node `n`, then `last`; keeps them when the cost
    /// of the agents they touch does not rise, else puts everything back.
    fn apply_chain(&mut self, nodes: &[Node], mut n: usize, last: &[Trade]) -> bool {
        let mut trades: Vec<Trade> = last.to_vec();
        while let Some(p) = nodes[n].parent {
            trades.splice(0..0, nodes[n].trades.iter().copied());
            n = p;
        }
        let mut touched: Vec<usize> = trades.iter().flat_map(|t| [t.from, t.to]).collect();
        touched.sort_unstable();
        touched.dedup();
        let saved: Vec<Vec<usize>> = touched.iter().map(|&a| self.held[a].clone()).collect();
        for t in &trades {
            self.held[t.from].retain(|&i| Some(i) != t.out);
            self.held[t.from].push(t.inn);
            self.held[t.to].retain(|&i| i != t.inn);
            self.held[t.to].extend(t.out);
        }
        let mut delta = 0.0;
        let mut after = Vec::new();
        for &a in &touched {
            let (cost, week) = self.cost_with(a, self.fresh_week(a));
            delta += cost - self.cost[a];
            after.push((a, cost, week));
        }
        if delta > IMPROVES {
            for (&a, held) in touched.iter().zip(saved) {
                self.held[a] = held;
            }
            return false;
        }
        for t in &trades {
            self.owner[t.inn] = Some(t.from);
            if let Some(s) = t.out {
                self.owner[s] = Some(t.to);
            }
        }
        for (a, cost, week) in after {
            self.set(a, week, cost);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::read_agents;
    use crate::fixtures::at;
    use crate::model::Model;
    use crate::rules::Context;
    use crate::staffing::Span;
    use std::path::Path;

    fn shift(day: u32, from: u32, to: u32) -> Span {
        crate::fixtures::shift(day, from, 60 * i64::from(to - from), 60 * (to - from))
    }

    /// Three part-timers (at least 17 h, at most 4 days; X and Y at most 27 h, Z 18 h) on Mon 23–Thu
    /// 26 November, one shift each a day, as (day, from, to, holder): X holds four 4 h shifts (16 h), Y
    /// two 6 h ones (20 h), Z one (18 h). X may not take a 6 h shift in one trade: Y's Monday one ends
    /// at 21:00 and X starts Tuesday at 07:00 (10 h of rest against 11); for Y's Tuesday one, Y would
    /// start at 07:00 after 21:00; Z's ends on Wednesday at 21:00 and X starts Thursday at 07:00. Z may
    /// not take Y's Tuesday 6 h shift for its 4 h one (18 h at most), and X swapping its Tuesday
    /// morning for Z's afternoon first spreads X's starts 5 h apart (a soft rule's cost, for no gain).
    /// The chain does both at once: X takes Y's Monday evening and Z's Tuesday afternoon.
    const DAYS: [(u32, u32, u32, usize); 12] = [
        (23, 7, 11, 0),
        (23, 7, 11, 2),
        (23, 15, 21, 1),
        (24, 7, 11, 0),
        (24, 12, 16, 2),
        (24, 12, 18, 1),
        (25, 8, 12, 0),
        (25, 8, 12, 1),
        (25, 15, 21, 2),
        (26, 7, 11, 0),
        (26, 8, 12, 1),
        (26, 9, 13, 2),
    ];

    /// Brute force over the 6⁴ ways to share each day's three shifts: the weeks where everyone has
    /// 11 h of rest between shifts and 17 h to their maximum (an independent check of the rules used
    /// here).
    fn reachable() -> usize {
        let perms = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        let mut found = 0;
        for code in 0..6usize.pow(4) {
            let mut weeks = vec![Vec::new(); 3];
            let mut c = code;
            for day in 0..4 {
                let p = perms[c % 6];
                c /= 6;
                for k in 0..3 {
                    let (d, from, to, _) = DAYS[3 * day + k];
                    weeks[p[k]].push((d * 24 + from, d * 24 + to));
                }
            }
            let ok = weeks.iter().zip([27, 27, 18]).all(|(w, max)| {
                let hours: u32 = w.iter().map(|(a, b)| b - a).sum();
                (17..=max).contains(&hours) && w.windows(2).all(|p| p[1].0 - p[0].1 >= 11)
            });
            found += usize::from(ok);
        }
        found
    }

    #[test]
    fn a_chain_of_trades_lifts_the_agent_no_single_move_can() {
        assert!(reachable() > 0, "some week gives everyone 17 h");
        let text = "name = \"Test\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
            [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
            [[shift]]\nname = \"any\"\nlength = \"4h\"\nstart = \"07:00-15:00\"\nchannels = [\"voice\"]\n";
        let m = Model::from_toml(Path::new("m.toml"), text).unwrap_or_else(|e| panic!("{e}"));
        let agents = read_agents(
            Path::new("a.csv"),
            "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
             X,Xena,voice,20,17,27,4\nY,Ylva,voice,20,17,27,4\nZ,Zara,voice,18,17,18,4\n",
            &m,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let shifts: Vec<Span> = DAYS.iter().map(|&(d, f, t, _)| shift(d, f, t)).collect();
        let owner: Vec<Option<usize>> = DAYS.iter().map(|d| Some(d.3)).collect();
        let mut cx = Context::new(&m, &m.rules, &[], (at(23, 0), at(30, 0)), []);
        cx.learn_peers(&agents, &shifts);
        let mut search = Search::new(&cx, &agents, &shifts, owner, None);
        let week = iso_week(shifts[0].date);
        let hours =
            |s: &Search<'_>| -> Vec<f64> { s.weeks.iter().map(|w| w.hours_in(week)).collect() };
        assert_eq!(hours(&search), [16.0, 20.0, 18.0]);
        // The search's own moves (gives, swaps, chains of one shift) find nothing.
        search.run(super::super::Budget { moves: 20_000 }, 7);
        assert_eq!(hours(&search), [16.0, 20.0, 18.0]);
        assert_eq!(search.relay_short(), 1);
        let after = hours(&search);
        assert!(after.iter().all(|h| *h >= 17.0), "{after:?}");
        // Every week the chain left is one every enforced rule admits, shift by shift.
        for a in 0..3 {
            let mut week = AgentWeek::default();
            let mut held = search.held[a].clone();
            held.sort_unstable();
            for i in held {
                assert!(search.admits(a, &week, i));
                week.take(&search.offers[i]);
            }
        }
        assert!(search.short.is_empty());
    }
}

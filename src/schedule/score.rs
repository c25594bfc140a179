//! The true objective of an integer plan, kept up to date move by move.
//!
//! Shift cost, plus `under_penalty` per agent-interval below the minimum (the requirement, or under a
//! daily/weekly goal the interval's floor), plus `over_penalty` per agent-interval beyond what all
//! channels require, plus `goal_penalty` per contact a day or week is short of its service-level or
//! abandonment target. Agents are allocated to channels exactly as the evaluator does
//! ([`crate::evaluate::allocate`]) and the service level is the evaluator's own mixed figure, not the
//! program's linearisation: a plan the local search calls "goal met" is met in the report.
//!
//! A move changes the agents present in a few intervals; only those intervals are recomputed. Every change
//! goes to an undo log, so a trial move is applied, judged and rolled back exactly (no float drift).

use super::formulation::Formulation;
use super::service::Service;
use super::Goal;
use crate::evaluate::{allocate::allocate, mixed};
use crate::model::Model;
use crate::queueing::{Queue, Targets};
use crate::requirements::demand::Demand;
use crate::requirements::queue_of;
use std::collections::HashMap;

/// A goal interval's queue, and the KPIs already computed for it by working agents (in millionths).
struct GoalInterval {
    queue: Queue,
    targets: Targets,
    volume: f64,
    share: f64,
    row: usize,
    cache: HashMap<i64, (f64, f64)>,
}

/// One day or week of one channel: sums of the goal contributions of its intervals.
#[derive(Clone, Copy)]
struct RowSums {
    /// Σ volume × denominator × (service level − target): negative when the period misses.
    service: f64,
    /// Σ volume × (abandonment cap − abandoned share).
    abandon: f64,
    has_service: bool,
    has_abandon: bool,
}

impl RowSums {
    fn short(&self) -> f64 {
        let s = if self.has_service {
            (-self.service).max(0.0)
        } else {
            0.0
        };
        let a = if self.has_abandon {
            (-self.abandon).max(0.0)
        } else {
            0.0
        };
        s + a
    }
}

enum Undo {
    Present(usize, usize, f64),
    Term(usize, f64),
    Short(usize, u32),
    Contribution(usize, usize, (f64, f64)),
    Row(usize, RowSums),
    Cost(f64),
    Service(usize, usize, f64),
}

/// The objective of a plan under construction.
pub(crate) struct Scorer<'f> {
    f: &'f Formulation<'f>,
    /// `present[g][t]`: agents of channel group `g` on shift and off break.
    present: Vec<Vec<f64>>,
    /// Per interval: under- and overstaffing penalties.
    term: Vec<f64>,
    term_sum: f64,
    /// Per interval: channels at least half an agent below their minimum (a shortfall), and the total.
    short: Vec<u32>,
    short_sum: u64,
    /// `[c][t]`: goal contributions (service, abandonment) of a goal interval.
    contribution: Vec<Vec<(f64, f64)>>,
    goal_intervals: Vec<Vec<Option<GoalInterval>>>,
    rows: Vec<RowSums>,
    cost: f64,
    open: Vec<Vec<bool>>,
    floor: Vec<Vec<f64>>,
    allocation_need: Vec<Vec<f64>>,
    log: Vec<Undo>,
    touched: Vec<usize>,
    /// The service delivered, once [`Scorer::track_service`] asks for it.
    service: Option<Service>,
    /// Trial evaluations so far (the deterministic budget's unit).
    pub evaluations: u64,
}

impl<'f> Scorer<'f> {
    /// An empty plan of `f`'s program for `goal` (the interval goal has no goal rows).
    pub fn new(model: &Model, demand: &Demand, f: &'f Formulation<'f>, goal: Goal) -> Scorer<'f> {
        let n = f.intervals;
        let mut goal_intervals: Vec<Vec<Option<GoalInterval>>> = f
            .channels
            .iter()
            .map(|_| (0..n).map(|_| None).collect())
            .collect();
        let mut rows = Vec::new();
        if goal != Goal::Interval {
            for (r, row) in f.goals.iter().enumerate() {
                let c = row.channel;
                let ch = &demand.channels[c];
                let mut sums = RowSums {
                    service: 0.0,
                    abandon: 0.0,
                    has_service: false,
                    has_abandon: false,
                };
                for &t in &row.intervals {
                    let Some(load) = ch.load[t] else { continue };
                    let Some((queue, targets)) =
                        queue_of(&model.channels[c], load, model.interval_s())
                    else {
                        continue;
                    };
                    sums.has_service |= targets.service_level.is_some();
                    sums.has_abandon |= targets.max_abandon.is_some();
                    goal_intervals[c][t] = Some(GoalInterval {
                        queue,
                        targets,
                        volume: load.volume,
                        share: ch.productive_share,
                        row: r,
                        cache: HashMap::new(),
                    });
                }
                rows.push(sums);
            }
        }
        let mut scorer = Scorer {
            f,
            present: vec![vec![0.0; n]; f.groups.len()],
            term: vec![0.0; n],
            term_sum: 0.0,
            short: vec![0; n],
            short_sum: 0,
            contribution: vec![vec![(0.0, 0.0); n]; f.channels.len()],
            goal_intervals,
            rows,
            cost: 0.0,
            open: demand.channels.iter().map(|c| c.open.clone()).collect(),
            floor: demand.channels.iter().map(|c| c.floor.clone()).collect(),
            allocation_need: demand
                .channels
                .iter()
                .map(|c| {
                    c.required
                        .iter()
                        .zip(&c.floor)
                        .map(|(r, fl)| r.max(*fl))
                        .collect()
                })
                .collect(),
            log: Vec::new(),
            touched: Vec::new(),
            service: None,
            evaluations: 0,
        };
        // With nobody on shift every interval is as short as it can be.
        for t in 0..n {
            let (term, contributions, short, _) = scorer.interval(t);
            scorer.short[t] = short;
            scorer.short_sum += u64::from(short);
            scorer.term[t] = term;
            scorer.term_sum += term;
            for (c, x) in contributions.into_iter().enumerate() {
                scorer.contribution[c][t] = x;
                if let Some(gi) = &scorer.goal_intervals[c][t] {
                    let row = &mut scorer.rows[gi.row];
                    row.service += x.0;
                    row.abandon += x.1;
                }
            }
        }
        scorer.log.clear();
        scorer
    }

    /// Cost plus penalties of the plan as it stands.
    pub fn objective(&self) -> f64 {
        self.cost + self.term_sum + self.f.goal_penalty * self.goal_short()
    }

    /// Whether every interval is within half an agent of its minimum and every day or week meets its
    /// goal: a plan the report calls "targets met".
    pub fn meets_targets(&self) -> bool {
        self.short_sum == 0 && self.goal_short() <= 1e-9
    }

    /// Contacts the days or weeks are short of their targets, in total.
    pub fn goal_short(&self) -> f64 {
        self.rows.iter().map(RowSums::short).sum()
    }

    /// Whether some channel is at least half an agent below its minimum in interval `t`.
    pub fn is_short(&self, t: usize) -> bool {
        self.short[t] > 0
    }

    /// Agents of group `g` present in interval `t`.
    pub fn present(&self, g: usize, t: usize) -> f64 {
        self.present[g][t]
    }

    /// A point to roll back to.
    pub fn mark(&self) -> usize {
        self.log.len()
    }

    /// Undoes every change since `mark`, exactly.
    pub fn rollback(&mut self, mark: usize) {
        while self.log.len() > mark {
            match self.log.pop() {
                Some(Undo::Present(g, t, v)) => self.present[g][t] = v,
                Some(Undo::Short(t, v)) => {
                    self.short_sum = self.short_sum + u64::from(v) - u64::from(self.short[t]);
                    self.short[t] = v;
                }
                Some(Undo::Term(t, v)) => {
                    self.term_sum += v - self.term[t];
                    self.term[t] = v;
                }
                Some(Undo::Contribution(c, t, v)) => self.contribution[c][t] = v,
                Some(Undo::Row(r, v)) => self.rows[r] = v,
                Some(Undo::Cost(v)) => self.cost = v,
                Some(Undo::Service(c, t, v)) => {
                    if let Some(s) = self.service.as_mut() {
                        s.restore(c, t, v);
                    }
                }
                None => break,
            }
        }
    }

    /// Keeps every change made so far.
    pub fn commit(&mut self) {
        self.log.clear();
    }

    /// Adds `sign` × (cover of group `g`) and the shift cost: `changes` are (interval, share) pairs.
    pub fn change(&mut self, g: usize, changes: &[(usize, f64)], sign: f64, cost: f64) {
        self.evaluations += 1;
        self.log.push(Undo::Cost(self.cost));
        self.cost += sign * cost;
        self.touched.clear();
        for &(t, share) in changes {
            self.log.push(Undo::Present(g, t, self.present[g][t]));
            self.present[g][t] += sign * share;
            self.touched.push(t);
        }
        self.touched.sort_unstable();
        self.touched.dedup();
        let touched = std::mem::take(&mut self.touched);
        for &t in &touched {
            self.recompute(t);
        }
        self.touched = touched;
    }

    /// Keeps the service delivered up to date from now on ([`Service`]): the tie-break between plans
    /// of the same objective.
    pub fn track_service(&mut self, model: &Model, demand: &Demand) {
        let mut service = Service::new(model, demand);
        for t in 0..self.f.intervals {
            for (c, w) in self.working(t).into_iter().enumerate() {
                service.set(c, t, w);
            }
        }
        self.service = Some(service);
    }

    /// Contacts served well by the plan as it stands (0 unless tracked).
    pub fn service(&self) -> f64 {
        self.service.as_ref().map_or(0.0, Service::total)
    }

    fn recompute(&mut self, t: usize) {
        let (term, contributions, short, working) = self.interval(t);
        if let Some(s) = self.service.as_mut() {
            for (c, w) in working.into_iter().enumerate() {
                let old = s.set(c, t, w);
                self.log.push(Undo::Service(c, t, old));
            }
        }
        self.log.push(Undo::Short(t, self.short[t]));
        self.short_sum = self.short_sum + u64::from(short) - u64::from(self.short[t]);
        self.short[t] = short;
        self.log.push(Undo::Term(t, self.term[t]));
        self.term_sum += term - self.term[t];
        self.term[t] = term;
        for (c, x) in contributions.into_iter().enumerate() {
            let old = self.contribution[c][t];
            if let Some(gi) = &self.goal_intervals[c][t] {
                let r = gi.row;
                self.log.push(Undo::Row(r, self.rows[r]));
                self.rows[r].service += x.0 - old.0;
                self.rows[r].abandon += x.1 - old.1;
            }
            self.log.push(Undo::Contribution(c, t, old));
            self.contribution[c][t] = x;
        }
    }

    /// Agents working each channel in `t`, as the evaluator allocates them.
    fn working(&self, t: usize) -> Vec<f64> {
        let nc = self.f.channels.len();
        if self.f.groups.len() == 1 && self.f.groups[0].len() == 1 && nc == 1 {
            let p = self.present[0][t].max(0.0);
            let w = if self.open[0][t] {
                p
            } else {
                p.min(self.allocation_need[0][t].max(0.0))
            };
            return vec![(w * 1e6).round() / 1e6];
        }
        let present: Vec<f64> = self.present.iter().map(|p| p[t]).collect();
        let floor: Vec<f64> = self.floor.iter().map(|f| f[t]).collect();
        let need: Vec<f64> = self.allocation_need.iter().map(|r| r[t]).collect();
        let open: Vec<bool> = self.open.iter().map(|o| o[t]).collect();
        allocate(&present, &self.f.groups, &floor, &need, &open)
            .into_iter()
            .map(|x| (x * 1e6).round() / 1e6)
            .collect()
    }

    /// Penalties of interval `t`, each channel's goal contribution and the agents working each channel.
    fn interval(&mut self, t: usize) -> (f64, Vec<(f64, f64)>, u32, Vec<f64>) {
        let working = self.working(t);
        let f = self.f;
        let mut term = 0.0;
        let mut short = 0u32;
        let mut contributions = vec![(0.0, 0.0); f.channels.len()];
        let total_present: f64 = self.present.iter().map(|p| p[t]).sum();
        let mut needed = 0.0;
        for (c, ch) in f.channels.iter().enumerate() {
            needed += ch.reference[t];
            if ch.needs(t) {
                let under = (ch.minimum(t) - working[c]).max(0.0);
                term += f.under_penalty * under;
                short += u32::from(under >= 0.5);
            }
            if let Some(gi) = self.goal_intervals[c][t].as_mut() {
                contributions[c] = goal_contribution(gi, working[c]);
            }
        }
        term += f.over_penalty * (total_present - needed).max(0.0);
        (term, contributions, short, working)
    }
}

/// (service, abandonment) contribution of a goal interval at `working` agents, from the evaluator's KPIs.
fn goal_contribution(gi: &mut GoalInterval, working: f64) -> (f64, f64) {
    let key = (working * 1e6).round() as i64;
    if let Some(&x) = gi.cache.get(&key) {
        return x;
    }
    let k = mixed(
        &gi.queue,
        gi.targets.threshold_s,
        gi.targets.convention,
        working * gi.share,
    );
    let service = gi
        .targets
        .service_level
        .map_or(0.0, |s| gi.volume * k.denominator * (k.service_level - s));
    let abandon = gi
        .targets
        .max_abandon
        .map_or(0.0, |m| gi.volume * (m - k.p_abandon));
    gi.cache.insert(key, (service, abandon));
    (service, abandon)
}

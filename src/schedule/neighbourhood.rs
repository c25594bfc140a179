//! Large-neighbourhood search by fix and re-solve (Shaw 1998, "Using constraint programming and local
//! search methods to solve vehicle routing problems"; Pisinger & Ropke 2010, "Large neighborhood
//! search", *Handbook of Metaheuristics*): every shift outside one day is fixed, and that day's small
//! program is solved by microlp's node-limited branch and bound, seeded with the day's current shifts.
//!
//! Why: the LP dive rounds the week's last fractional candidates one at a time and the moves change one
//! shift at a time, so a plan can stay a few shifts above the bound where only changing several shifts
//! and their breaks together helps. A day's program is small enough for branch and bound to close
//! most of that, and the fixed shifts enter it as agents already present
//! ([`Formulation::fixed`]), so the day's plan is judged against the whole week. A new day's plan is
//! kept only when the true objective ([`super::score`]) is lower: never worse than the start.
//!
//! Deterministic: days in date order and a node budget per day. The clock is only the safety stop: a
//! day's branch and bound gets the time left, and when it fires no further day is re-solved and the
//! plan reports it ([`Budget::clock_stopped`]).

use super::budget::Budget;
use super::extract::place_breaks;
use super::formulation::{ChannelRows, Formulation};
use super::ilp;
use super::improve::Search;
use super::SolverChoice;
use std::collections::BTreeMap;

/// The program of the candidates `block` accepts, every other shift of `search` fixed as present
/// agents; with the index in `f` of each of its candidates and break sets. Rows only for the intervals the block's
/// candidates can cover: elsewhere nothing can change. Interval goal only (no goal rows).
fn sub_program<'f>(
    f: &Formulation<'f>,
    search: &mut Search<'_>,
    block: &[bool],
) -> (Formulation<'f>, Vec<usize>, Vec<usize>) {
    let index: Vec<usize> = (0..f.candidates.len()).filter(|&j| block[j]).collect();
    let mut new_index = vec![usize::MAX; f.candidates.len()];
    for (i, &j) in index.iter().enumerate() {
        new_index[j] = i;
    }
    let mut active = vec![false; f.intervals];
    for &j in &index {
        for &(t, _) in &f.candidates[j].cover {
            active[t] = true;
        }
    }
    let mut fixed = search.presence_of(|a| !block[a.cand]);
    for row in &mut fixed {
        for (t, v) in row.iter_mut().enumerate() {
            if !active[t] {
                *v = 0.0;
            }
        }
    }
    let keep = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .enumerate()
            .map(|(t, &x)| if active[t] { x } else { 0.0 })
            .collect()
    };
    let channels = f
        .channels
        .iter()
        .map(|ch| ChannelRows {
            required: keep(&ch.required),
            reference: keep(&ch.reference),
            curves: vec![None; f.intervals],
        })
        .collect();
    // Each break set restricted to the block's shifts (the implicit formulation holds for any subset
    // of a set's shifts; the fixed shifts' breaks are in `fixed`).
    let mut sets = Vec::new();
    let mut break_sets = Vec::new();
    for (k, set) in f.break_sets.iter().enumerate() {
        let inside: Vec<usize> = (0..set.shifts.len())
            .filter(|&i| block[set.shifts[i]])
            .collect();
        if inside.is_empty() {
            continue;
        }
        let mut s = set.clone();
        s.shifts = inside.iter().map(|&i| new_index[set.shifts[i]]).collect();
        s.windows = inside.iter().map(|&i| set.windows[i]).collect();
        sets.push(k);
        break_sets.push(s);
    }
    // A day limit counts the fixed shifts as already there.
    let mut held = vec![0.0; f.candidates.len()];
    for a in search.agents.iter().filter(|a| !block[a.cand]) {
        held[a.cand] += 1.0;
    }
    let limits = f
        .limits
        .iter()
        .filter(|l| l.shifts.iter().any(|&j| block[j]))
        .map(|l| {
            let fixed: f64 = l.shifts.iter().map(|&j| held[j]).sum();
            let mut l = l.clone();
            l.shifts = l
                .shifts
                .iter()
                .filter(|&&j| block[j])
                .map(|&j| new_index[j])
                .collect();
            l.min = (l.min - fixed).max(0.0);
            l.max = l.max.map(|m| (m - fixed).max(0.0));
            l
        })
        .collect();
    let sub = Formulation {
        templates: f.templates,
        intervals: f.intervals,
        candidates: index.iter().map(|&j| f.candidates[j].clone()).collect(),
        break_sets,
        groups: f.groups.clone(),
        group_of_template: f.group_of_template.clone(),
        channels,
        goals: Vec::new(),
        limits,
        workforce: None,
        under_penalty: f.under_penalty,
        over_penalty: f.over_penalty,
        goal_penalty: f.goal_penalty,
        fixed,
        whole_breaks: true,
    };
    (sub, index, sets)
}

/// The days' candidates, in date order.
fn days(f: &Formulation<'_>) -> Vec<Vec<bool>> {
    let mut days: BTreeMap<chrono::NaiveDate, Vec<bool>> = BTreeMap::new();
    for (j, c) in f.candidates.iter().enumerate() {
        days.entry(c.day)
            .or_insert_with(|| vec![false; f.candidates.len()])[j] = true;
    }
    days.into_values().collect()
}

/// A block's program, its candidates' and break sets' indices in `f`, and the plan's current values
/// there (shifts, break slots).
struct Block<'f> {
    sub: Formulation<'f>,
    index: Vec<usize>,
    sets: Vec<usize>,
    shifts: Vec<f64>,
    breaks: Vec<Vec<f64>>,
}

fn block<'f>(f: &Formulation<'f>, search: &mut Search<'_>, mask: &[bool]) -> Block<'f> {
    let (sub, index, sets) = sub_program(f, search, mask);
    let (all_shifts, all_breaks) = search.solution();
    Block {
        shifts: index.iter().map(|&j| all_shifts[j]).collect(),
        breaks: sets.iter().map(|&k| all_breaks[k].clone()).collect(),
        sub,
        index,
        sets,
    }
}

/// How far the plan's day is above the day's LP bound (`None` when either cannot be solved).
fn day_gap(b: &Block<'_>, choice: &SolverChoice) -> Option<(f64, f64)> {
    let bound = ilp::relaxation(&b.sub, choice, None).ok()?.bound;
    let current = ilp::warm_start(&b.sub, &b.shifts, Some(&b.breaks))?.objective;
    Some((current - bound, current))
}

/// Each day's shifts re-solved with the rest fixed, kept when the true objective falls; the days
/// furthest above their own LP bound first, days already within the requested gap of it skipped, and
/// none once the week is within `good_enough`. Returns how many days improved. A day whose re-solve
/// found nothing better is marked `settled` and skipped by later passes (the same start would give
/// the same result). Interval goal, no
/// workforce, microlp only (the caller checks).
///
/// Days go [`DAY_BATCH`] at a time: the batch's programs are built from the plan as it stands, solved
/// side by side (one thread each; one after the other with `--threads 1`), then kept or not in order,
/// each judged by the true objective on the plan as the earlier days of the batch left it. The batch is fixed, not the machine's cores, so
/// the plan is the same on any machine; where days share no interval (no shift across midnight) it is
/// the plan of solving them one after the other.
pub(crate) fn by_days(
    f: &Formulation<'_>,
    search: &mut Search<'_>,
    choice: &SolverChoice,
    nodes: u64,
    budget: &mut Budget,
    settled: &mut Vec<bool>,
) -> Result<usize, String> {
    let good_enough = budget.good_enough;
    let days = days(f);
    settled.resize(days.len(), false);
    let mut order: Vec<(f64, usize)> = Vec::new();
    for (d, mask) in days.iter().enumerate() {
        if settled[d] {
            continue;
        }
        let b = block(f, search, mask);
        if let Some((gap, current)) = day_gap(&b, choice) {
            if gap > choice.mip_gap * current.abs() + 1e-6 {
                order.push((gap, d));
            }
        }
    }
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut improved = 0;
    for batch in order.chunks(DAY_BATCH) {
        if search.scorer.objective() <= good_enough || budget.seconds_left() <= 0.0 {
            break;
        }
        // The day's own optimum, not the week's requested gap (a day is a small share of the week).
        let exact = SolverChoice {
            mip_gap: 0.0,
            time_limit_s: budget.seconds_left(),
            ..choice.clone()
        };
        let blocks: Vec<Block<'_>> = batch
            .iter()
            .map(|&(_, d)| block(f, search, &days[d]))
            .collect();
        let solved: Vec<Result<Option<ilp::IntegerPlan>, String>> = if choice.own_threads() > 1 {
            std::thread::scope(|scope| {
                let handles: Vec<_> = blocks
                    .iter()
                    .map(|b| scope.spawn(|| re_solve(b, &exact, nodes)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| Err("a day's re-solve failed".into()))
                    })
                    .collect()
            })
        } else {
            blocks.iter().map(|b| re_solve(b, &exact, nodes)).collect()
        };
        for ((&(_, d), b), result) in batch.iter().zip(&blocks).zip(solved) {
            let Some((shifts, breaks, status)) = result? else {
                continue;
            };
            if status == super::SolverStatus::TimeLimit {
                budget.stop_by_clock();
            }
            let new = agents_of(b, search, &shifts, &breaks);
            let mask = &days[d];
            if search.swap_agents(|a| mask[a.cand], new) {
                improved += 1;
            } else {
                settled[d] = true;
            }
        }
    }
    Ok(improved)
}

/// Days re-solved side by side (see [`by_days`]).
const DAY_BATCH: usize = 2;

/// A block's program solved by node-limited branch and bound from the plan's current values.
fn re_solve(
    b: &Block<'_>,
    choice: &SolverChoice,
    nodes: u64,
) -> Result<Option<ilp::IntegerPlan>, String> {
    let warm = ilp::warm_start(&b.sub, &b.shifts, Some(&b.breaks)).map(|w| w.values);
    ilp::node_limited_from(&b.sub, choice, nodes, warm, None)
}

/// The agents of a block's solution (whole shifts, break slots by prefix sums).
fn agents_of(
    b: &Block<'_>,
    search: &Search<'_>,
    shifts: &[f64],
    breaks: &[Vec<f64>],
) -> Vec<super::improve::Agent> {
    let whole: Vec<u32> = shifts.iter().map(|x| x.round().max(0.0) as u32).collect();
    let mut new = Vec::new();
    for (i, agents) in place_breaks(&b.sub, &whole, breaks).into_iter().enumerate() {
        for placement in agents {
            let mapped: Vec<(usize, usize)> = placement
                .iter()
                .map(|&(k, slot)| (b.sets[k], slot))
                .collect();
            new.push(search.agent_with(b.index[i], &mapped));
        }
    }
    new
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::forecast::{read_forecast, Period};
    use crate::model::Model;
    use crate::requirements::compute;
    use crate::requirements::demand::Demand;
    use crate::schedule::formulation::formulate;
    use crate::schedule::improve::Agent;
    use crate::schedule::score::Scorer;
    use crate::schedule::Goal;
    use std::path::Path;

    /// One day, 08–13, Erlang C; 4 h shifts starting 08:00, 08:30 or 09:00 with one 15-min coffee
    /// 1h30–1h45 in: six kinds of agent (start × coffee slot), small enough to enumerate.
    pub(crate) fn tiny(volume: f64) -> (Model, Demand) {
        let toml = r#"
name = "tiny"
[planning]
time_zone = "UTC"
interval = "15m"
[[channel]]
name = "voice"
kind = "immediate"
aht = "5m"
target = { service_level = "80%", threshold = "20s" }
hours = { every_day = "08:00-13:00" }
[schedule]
under_penalty = 20.0
over_penalty = 0.01
[[shift]]
name = "4h"
length = "4h"
start = "08:00-09:00"
start_step = "30m"
days = "every_day"
channels = ["voice"]
breaks = [ { name = "coffee", length = "15m", paid = true, window = "1h30m-1h45m" } ]
"#;
        let model = Model::from_toml(Path::new("tiny.toml"), toml).expect("valid model");
        let mut csv = String::from("channel,start,volume\n");
        for q in 0..96 {
            let (h, m) = (q / 4, 15 * (q % 4));
            let v = if (32..52).contains(&q) {
                volume * (1.0 + 0.3 * f64::from(q % 5))
            } else {
                0.0
            };
            csv.push_str(&format!("voice,2026-12-01T{h:02}:{m:02},{v:.1}\n"));
        }
        let read = read_forecast(Path::new("tiny.csv"), &csv, &model, Period::default())
            .expect("valid forecast");
        let req = compute(&model, &read.forecast).expect("requirements");
        let demand = Demand::from_requirements(&model, &req);
        (model, demand)
    }

    /// Every kind of agent: a candidate and one slot per break rule, inside its windows.
    pub(crate) fn kinds(f: &Formulation<'_>) -> Vec<Agent> {
        let mut out = Vec::new();
        for j in 0..f.candidates.len() {
            let windows: Vec<(usize, usize)> = f
                .break_sets
                .iter()
                .filter_map(|s| s.shifts.iter().position(|&x| x == j).map(|i| s.windows[i]))
                .collect();
            assert_eq!(windows.len(), 1, "one break rule");
            for slot in windows[0].0..=windows[0].1 {
                out.push(Agent {
                    cand: j,
                    slots: vec![slot],
                });
            }
        }
        out
    }

    pub(crate) fn objective(
        model: &Model,
        demand: &Demand,
        f: &Formulation<'_>,
        agents: &[Agent],
    ) -> f64 {
        let mut s = Search::new(f, Scorer::new(model, demand, f, Goal::Interval));
        for a in agents {
            s.insert(a.clone());
        }
        s.scorer.objective()
    }

    /// The least objective over every plan of up to `most` agents of each kind (brute force).
    fn brute_force(model: &Model, demand: &Demand, f: &Formulation<'_>, most: usize) -> f64 {
        let kinds = kinds(f);
        let mut counts = vec![0usize; kinds.len()];
        let mut best = f64::INFINITY;
        loop {
            let agents: Vec<Agent> = kinds
                .iter()
                .zip(&counts)
                .flat_map(|(k, &n)| std::iter::repeat_n(k.clone(), n))
                .collect();
            best = best.min(objective(model, demand, f, &agents));
            let mut i = 0;
            while i < counts.len() && counts[i] == most {
                counts[i] = 0;
                i += 1;
            }
            if i == counts.len() {
                return best;
            }
            counts[i] += 1;
        }
    }

    /// The day re-solved from `start`: the plan's agents and objective.
    fn resolved(
        model: &Model,
        demand: &Demand,
        f: &Formulation<'_>,
        start: &[Agent],
    ) -> (Vec<Agent>, f64) {
        let mut s = Search::new(f, Scorer::new(model, demand, f, Goal::Interval));
        for a in start {
            s.insert(a.clone());
        }
        let choice = SolverChoice {
            mip_gap: 0.0,
            ..SolverChoice::default()
        };
        let mut budget = Budget::new(
            u64::MAX,
            std::time::Instant::now() + std::time::Duration::from_secs(3600),
        );
        by_days(f, &mut s, &choice, 10_000, &mut budget, &mut Vec::new()).expect("solves");
        let objective = s.scorer.objective();
        (s.agents, objective)
    }

    #[test]
    fn a_re_solved_day_matches_the_brute_force_optimum() {
        for volume in [0.4, 0.8] {
            let (model, demand) = tiny(volume);
            let f = formulate(&model, &demand, Goal::Interval, None);
            assert_eq!(kinds(&f).len(), 6);
            // No interval needs more than 3 agents, so a plan with 4 of one kind has one to drop at
            // no loss: up to 3 of each kind holds an optimum.
            let most = f.channels[0].required.iter().fold(0.0f64, |a, &b| a.max(b));
            assert!((1.0..=3.0).contains(&most), "{most}");
            let least = brute_force(&model, &demand, &f, 3);
            // Start from one agent of every kind: a poor plan the re-solve must improve to the optimum.
            let (_, got) = resolved(&model, &demand, &f, &kinds(&f));
            assert!(
                (got - least).abs() < 1e-6,
                "volume {volume}: {got} vs {least}"
            );
        }
    }

    #[test]
    fn a_re_solved_day_is_never_worse_and_stays_a_valid_plan() {
        let (model, demand) = tiny(0.6);
        let f = formulate(&model, &demand, Goal::Interval, None);
        let all = kinds(&f);
        // Several starts: empty, one agent, every kind twice.
        let starts: Vec<Vec<Agent>> = vec![
            Vec::new(),
            vec![all[0].clone()],
            all.iter().chain(all.iter()).cloned().collect(),
        ];
        for start in starts {
            let before = objective(&model, &demand, &f, &start);
            let (agents, after) = resolved(&model, &demand, &f, &start);
            assert!(after <= before + 1e-9, "{after} > {before}");
            // Recomputed from scratch: the running objective did not drift.
            assert!((objective(&model, &demand, &f, &agents) - after).abs() < 1e-9);
            // Every agent is a whole shift of a candidate with its break inside its window.
            for a in &agents {
                assert!(all.contains(a), "{a:?} is not a valid agent");
            }
        }
    }
}

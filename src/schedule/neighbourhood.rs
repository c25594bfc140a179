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
//! Deterministic: days in date order, a node budget per day, no clock (the time limit stays the safety
//! stop).

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
/// none once the week is within `good_enough`. Returns how many days improved. Interval goal, no
/// workforce, microlp only (the caller checks).
pub(crate) fn by_days(
    f: &Formulation<'_>,
    search: &mut Search<'_>,
    choice: &SolverChoice,
    nodes: u64,
    good_enough: f64,
) -> Result<usize, String> {
    let days = days(f);
    let mut order: Vec<(f64, usize)> = Vec::new();
    for (d, mask) in days.iter().enumerate() {
        let b = block(f, search, mask);
        if let Some((gap, current)) = day_gap(&b, choice) {
            if gap > choice.mip_gap * current.abs() + 1e-6 {
                order.push((gap, d));
            }
        }
    }
    order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    // The day's own optimum, not the week's requested gap (a day is a small share of the week).
    let exact = SolverChoice {
        mip_gap: 0.0,
        ..choice.clone()
    };
    let mut improved = 0;
    for (_, d) in order {
        if search.scorer.objective() <= good_enough {
            break;
        }
        let mask = &days[d];
        let b = block(f, search, mask);
        let warm = ilp::warm_start(&b.sub, &b.shifts, Some(&b.breaks)).map(|w| w.values);
        let Some((shifts, breaks, _)) = ilp::node_limited_from(&b.sub, &exact, nodes, warm)? else {
            continue;
        };
        let whole: Vec<u32> = shifts.iter().map(|x| x.round().max(0.0) as u32).collect();
        let mut new = Vec::new();
        for (i, agents) in place_breaks(&b.sub, &whole, &breaks)
            .into_iter()
            .enumerate()
        {
            for placement in agents {
                let mapped: Vec<(usize, usize)> = placement
                    .iter()
                    .map(|&(k, slot)| (b.sets[k], slot))
                    .collect();
                new.push(search.agent_with(b.index[i], &mapped));
            }
        }
        if search.swap_agents(|a| mask[a.cand], new) {
            improved += 1;
        }
    }
    Ok(improved)
}

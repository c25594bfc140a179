//! From the solver's numbers to anonymous spans: whole agents per candidate shift, and each agent's
//! breaks placed in slots of its window.

use super::formulation::Formulation;
use crate::model::Model;
use crate::staffing::{Break, ChannelId, Span, Staffing, TemplateId};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Rounds slot counts so that every prefix sum is rounded: totals stay whole and the forward/backward
/// break constraints, whose right-hand sides are whole, stay satisfied.
fn round_cumulative(values: &[f64]) -> Vec<u32> {
    let mut out = Vec::with_capacity(values.len());
    let (mut running, mut emitted) = (0.0f64, 0i64);
    for v in values {
        running += v.max(0.0);
        let target = running.round() as i64;
        out.push((target - emitted).max(0) as u32);
        emitted = emitted.max(target);
    }
    out
}

/// (break set, slot) of every break of every agent of every candidate.
pub(crate) type Placements = Vec<Vec<Vec<(usize, usize)>>>;

/// Each agent of each shift gets a slot per break rule: shifts in start order take the earliest free
/// slot inside their window (succeeds whenever the forward/backward constraints hold).
pub(crate) fn place_breaks(f: &Formulation<'_>, counts: &[u32], breaks: &[Vec<f64>]) -> Placements {
    let mut placed: Placements = counts
        .iter()
        .map(|&count| vec![Vec::new(); count as usize])
        .collect();
    for (k, set) in f.break_sets.iter().enumerate() {
        let mut free = round_cumulative(&breaks[k]);
        let total_free: u32 = free.iter().sum();
        let total_agents: u32 = set.shifts.iter().map(|&j| counts[j]).sum();
        if total_free < total_agents {
            // Rounding of shifts added agents: give the extra ones the latest slot of their windows.
            if let Some(last) = free.last_mut() {
                *last += total_agents - total_free;
            }
        }
        for (i, &j) in set.shifts.iter().enumerate() {
            let (first, last) = set.windows[i];
            for agent in placed[j].iter_mut() {
                let slot = (first..=last).find(|&s| free[s] > 0).unwrap_or(last);
                if free[slot] > 0 {
                    free[slot] -= 1;
                }
                agent.push((k, slot));
            }
        }
    }
    placed
}

/// The plan as spans: one per distinct (candidate, break placement), with its agent count.
pub(crate) fn spans(
    model: &Model,
    f: &Formulation<'_>,
    grid_start: DateTime<Utc>,
    shifts: &[f64],
    breaks: &[Vec<f64>],
) -> Staffing {
    let counts: Vec<u32> = shifts.iter().map(|v| v.round().max(0.0) as u32).collect();
    let placed = place_breaks(f, &counts, breaks);
    let mut distinct: BTreeMap<(usize, Vec<(usize, usize)>), u32> = BTreeMap::new();
    for (j, agents) in placed.into_iter().enumerate() {
        for placement in agents {
            *distinct.entry((j, placement)).or_default() += 1;
        }
    }
    let at = |minutes: i64| grid_start + Duration::minutes(minutes);
    let spans = distinct
        .into_iter()
        .map(|((j, placement), count)| {
            let cand = &f.candidates[j];
            let template = &model.shifts[cand.template];
            let mut breaks: Vec<Break> = placement
                .iter()
                .map(|&(k, slot)| {
                    let set = &f.break_sets[k];
                    let rule = &template.breaks[set.rule];
                    Break {
                        start: at(set.slots[slot]),
                        minutes: rule.minutes,
                        paid: rule.paid,
                        name: rule.name.clone(),
                    }
                })
                .collect();
            breaks.sort();
            Span {
                agent: None,
                template: TemplateId(cand.template),
                date: cand.day,
                start: at(cand.start_min),
                end: at(cand.start_min + i64::from(template.span_minutes())),
                breaks,
                channels: template.channels.iter().map(|&c| ChannelId(c)).collect(),
                count,
                paid_minutes: template.paid_minutes,
                cost: template.cost,
            }
        })
        .collect();
    Staffing::new(spans)
}

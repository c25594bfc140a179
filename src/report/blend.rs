//! Separate vs blended staffing of a pool, side by side: what blending saves and what it costs the live
//! channel. Both sides are judged by the simulator (the formulas do not model the threshold policy).

use crate::model::pool::Pool;
use crate::model::Model;
use crate::requirements::demand::Demand;
use crate::simulate::{simulate, Estimate, SimOptions, SimPeriod, Simulation};
use crate::staffing::Staffing;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One side of the comparison: a staffing and its simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct BlendSide {
    /// Paid hours of the whole plan (every channel).
    pub paid_hours: f64,
    /// Agents: named agents rostered, or shifts of a shift plan.
    pub agents: usize,
    /// The live channel over the period, simulated.
    pub live_service_level: Option<Estimate>,
    pub live_abandon: Option<Estimate>,
    /// Share of the pool's deferred items done within their window (judged items, all deferred channels).
    pub deferred_within: Option<f64>,
    /// Share of the pool channels' staffed time spent on contacts.
    pub occupancy: Option<f64>,
}

/// A pool staffed separately and blended.
#[derive(Debug, Clone, PartialEq)]
pub struct BlendComparison {
    pub pool: Pool,
    pub live_channel: String,
    pub live_target: Option<f64>,
    pub live_max_abandon: Option<f64>,
    pub separate: BlendSide,
    pub blended: BlendSide,
}

impl BlendSide {
    /// The side's figures for `pool` from its simulation.
    pub fn of(pool: &Pool, paid_hours: f64, agents: usize, sim: &Simulation) -> BlendSide {
        let whole = |c: usize| {
            sim.channels[c]
                .periods
                .iter()
                .find(|(p, _)| *p == SimPeriod::All)
                .map(|(_, f)| f.clone())
        };
        let live = whole(pool.live);
        let (mut within, mut offered) = (0.0, 0.0);
        for &c in &pool.deferred {
            if let Some(f) = whole(c) {
                if let Some(sl) = f.service_level {
                    within += sl.mean * f.offered;
                    offered += f.offered;
                }
            }
        }
        // Busy over staffed agent-time of the pool's channels. Staffed time is the evaluator's productive
        // agents; a pooled channel's simulated occupancy is already its share of the pool's time.
        let staffed: Vec<f64> = pool
            .channels()
            .map(|c| {
                sim.evaluation.channels[c]
                    .intervals
                    .iter()
                    .map(|r| r.productive)
                    .sum()
            })
            .collect();
        let total: f64 = staffed.iter().sum();
        let pooled = sim.pools.iter().any(|p| p == &pool.name);
        let busy: Option<f64> = pool
            .channels()
            .zip(&staffed)
            .map(|(c, s)| {
                let occ = whole(c)?.occupancy?.mean;
                Some(occ * if pooled { total } else { *s })
            })
            .sum();
        let occupancy = busy.filter(|_| total > 0.0).map(|b| b / total);
        BlendSide {
            paid_hours,
            agents,
            live_service_level: live.as_ref().and_then(|f| f.service_level),
            live_abandon: live.as_ref().and_then(|f| f.p_abandon),
            deferred_within: (offered > 0.0).then(|| within / offered),
            occupancy,
        }
    }
}

impl BlendComparison {
    pub fn new(model: &Model, pool: &Pool, separate: BlendSide, blended: BlendSide) -> Self {
        let live = &model.channels[pool.live];
        let targets = match &live.kind {
            crate::model::ChannelKind::Immediate { targets, .. } => Some(*targets),
            crate::model::ChannelKind::Deferred { .. } => None,
        };
        BlendComparison {
            pool: pool.clone(),
            live_channel: live.name.clone(),
            live_target: targets.and_then(|t| t.service_level),
            live_max_abandon: targets.and_then(|t| t.max_abandon),
            separate,
            blended,
        }
    }

    /// Paid hours saved by blending, as a share of the separate plan's.
    pub fn saving(&self) -> f64 {
        if self.separate.paid_hours > 0.0 {
            1.0 - self.blended.paid_hours / self.separate.paid_hours
        } else {
            0.0
        }
    }
}

/// One line of the table: the figure of a side, as printed.
type Row = Box<dyn Fn(&BlendSide) -> String>;

fn pct(e: Option<f64>) -> String {
    e.map_or("-".into(), |v| format!("{:.1} %", 100.0 * v))
}

/// The comparison as a terminal table.
pub fn blend_summary(cmp: &BlendComparison) -> String {
    let mut out = format!(
        "pool '{}' ({}): separate vs blended, simulated\n",
        cmp.pool.name,
        reserve_words(&cmp.pool)
    );
    let rows: [(&str, Row); 6] = [
        ("paid hours", Box::new(|s| format!("{:.1}", s.paid_hours))),
        ("agents", Box::new(|s| s.agents.to_string())),
        (
            "live SL",
            Box::new(|s| pct(s.live_service_level.map(|e| e.mean))),
        ),
        (
            "live abandon",
            Box::new(|s| pct(s.live_abandon.map(|e| e.mean))),
        ),
        ("deferred in window", Box::new(|s| pct(s.deferred_within))),
        ("occupancy", Box::new(|s| pct(s.occupancy))),
    ];
    let _ = writeln!(out, "{:<20} {:>12} {:>12}", "", "separate", "blended");
    for (label, f) in &rows {
        let _ = writeln!(
            out,
            "{label:<20} {:>12} {:>12}",
            f(&cmp.separate),
            f(&cmp.blended)
        );
    }
    let _ = writeln!(
        out,
        "blending saves {:.1} % of paid hours; {} target {}, abandonment cap {}",
        100.0 * cmp.saving(),
        cmp.live_channel,
        pct(cmp.live_target),
        pct(cmp.live_max_abandon)
    );
    out
}

/// Agents of a staffing: named agents when rostered, else agent-shifts.
fn agents_of(staffing: &Staffing) -> usize {
    let named: BTreeSet<usize> = staffing
        .spans
        .iter()
        .filter_map(|s| s.agent.map(|a| a.0))
        .collect();
    if named.is_empty() {
        staffing.shift_count() as usize
    } else {
        named.len()
    }
}

/// Simulates a separate and a blended staffing of the same model and compares them pool by pool. The
/// separate side is replayed with every channel on its own, the blended one under the threshold policy.
pub fn compare_pools(
    model: &Model,
    separate: (&Demand, &Staffing),
    blended: (&Demand, &Staffing),
    options: &SimOptions,
) -> Vec<BlendComparison> {
    let apart = model.separate();
    let sim_separate = simulate(&apart, separate.0, separate.1, options);
    let sim_blended = simulate(model, blended.0, blended.1, options);
    model
        .pools
        .iter()
        .map(|pool| {
            let side = |staffing: &Staffing, sim: &Simulation| {
                BlendSide::of(pool, staffing.paid_hours(), agents_of(staffing), sim)
            };
            BlendComparison::new(
                model,
                pool,
                side(separate.1, &sim_separate),
                side(blended.1, &sim_blended),
            )
        })
        .collect()
}

/// One line per pool for a simulation summary: how the pool was replayed.
pub fn pool_notes(model: &Model) -> String {
    let mut out = String::new();
    for p in &model.pools {
        let names: Vec<&str> = p
            .channels()
            .map(|c| model.channels[c].name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "pool '{}' ({}): replayed together, live first, deferred work started only while more idle agents than the {}; occupancy of its channels is their share of the pool's time",
            p.name,
            names.join(", "),
            reserve_words(p)
        );
    }
    out
}

/// One line per pool for a plan or schedule summary: where the pool's requirement is.
pub fn pool_plan_notes(model: &Model) -> String {
    let mut out = String::new();
    for p in &model.pools {
        let deferred: Vec<&str> = p
            .deferred
            .iter()
            .map(|&c| model.channels[c].name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "pool '{}': {}'s rows carry the pool's requirement (live first, then {} in idle time above the {}); {} need nobody of their own; the {} service figures above are the pool's agents with {} assumed always waiting (the threshold policy's backlog regime: a floor, callers fare better when it runs dry); `vuoro simulate` (or plan --compare) replays the policy exactly",
            p.name,
            model.channels[p.live].name,
            deferred.join(", "),
            reserve_words(p),
            deferred.join(", "),
            model.channels[p.live].name,
            deferred.join(", ")
        );
    }
    out
}

/// The pool's reserve in words: "reserve 3", or "reserve by load, at least 1".
pub fn reserve_words(pool: &Pool) -> String {
    if pool.by_load {
        format!("reserve by load, at least {}", pool.reserve)
    } else {
        format!("reserve {}", pool.reserve)
    }
}

//! A discrete-event check of any staffing: what a plan or roster really delivers, interval by interval.
//!
//! The formulas ([`crate::evaluate`]) treat each interval as a steady state on its own. Inside a day that
//! misses the queue carried over after staffing drops, and the empty queue at an opening. The simulator
//! replays the period instead ([`immediate`]): Poisson arrivals at each interval's forecast rate, handle
//! times exponential (or lognormal with a given coefficient of variation), exponential patience where the
//! channel has one, FCFS, the queue carried across intervals, agents leaving after the contact in hand.
//!
//! **Staffing exactly as the evaluator counts it**: the evaluator's allocation of agents to channels per
//! interval (maximum flow; breaks taken where the plan puts them), then productive agents
//! `p = working × productive share`, worked as `⌈p⌉` agents for the first `p − ⌊p⌋` of the interval and
//! `⌊p⌋` for the rest. A multi-skilled agent therefore works the channel the allocation gives it for the
//! interval (floors first, then requirements; immediate channels' floors before deferred backlogs are
//! topped up) rather than switching contact by contact.
//!
//! **Deferred channels** (e-mail, social): a backlog worked FCFS by the agents allocated to them; an item
//! is done in time when finished within its response window, counted in open time. Items whose window
//! ends after the period are worked but not judged.
//!
//! **Blended pools** ([`crate::model::pool`]): the channels of a pool are replayed together by the pool's
//! agents (the productive agents the evaluator gives any of its channels, added up) under the threshold
//! policy, exactly ([`pool`]). A pool channel's occupancy is then its share of the pool's staffed time.
//!
//! **Replications** run on independent seeded streams (one per replication and channel), in parallel,
//! and are combined in replication order: the same seed gives byte-identical results whatever the number
//! of threads. Each figure is the mean over replications with a 95 % confidence interval (normal
//! approximation, `mean ± 1.96 s / √n` over the replications' own ratios).

mod capacity;
mod immediate;
mod pool;
mod rng;

use crate::evaluate::{evaluate, Evaluation};
use crate::grid::iso_week;
use crate::model::{ChannelKind, Model};
use crate::queueing::SlConvention;
use crate::requirements::demand::Demand;
use crate::staffing::Staffing;
use chrono::NaiveDate;
use immediate::{replicate, LiveChannel};
use pool::{replicate_pool, PoolInput};
use rng::Rng;

/// How handle times are drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum HandleTimes {
    Exponential,
    /// Lognormal with this coefficient of variation (chat keeps exponential times, as its formula).
    Lognormal {
        cv: f64,
    },
}

impl HandleTimes {
    fn draw(self, rng: &mut Rng, mean: f64) -> f64 {
        match self {
            HandleTimes::Exponential => rng.exponential(mean),
            HandleTimes::Lognormal { cv } => rng.lognormal(mean, cv),
        }
    }
}

/// Simulation settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOptions {
    pub replications: u32,
    pub seed: u64,
    pub handle_times: HandleTimes,
    /// Worker threads (results do not depend on it).
    pub threads: usize,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            replications: 100,
            seed: 1,
            handle_times: HandleTimes::Exponential,
            threads: 2,
        }
    }
}

/// Counts of one replication for the contacts arriving in one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct IntervalCounts {
    pub offered: f64,
    pub answered: f64,
    /// Answered within the threshold (deferred: finished within the window).
    pub within: f64,
    pub abandoned: f64,
    pub abandoned_within: f64,
    /// Waits of answered contacts (deferred: times to done).
    pub waited_s: f64,
    /// Agent (or chat-slot) seconds busy and staffed in the interval.
    pub busy_s: f64,
    pub staffed_s: f64,
    /// Deferred items whose window ends after the period.
    pub unjudged: f64,
}

impl IntervalCounts {
    fn add(&mut self, o: &IntervalCounts) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.within += o.within;
        self.abandoned += o.abandoned;
        self.abandoned_within += o.abandoned_within;
        self.waited_s += o.waited_s;
        self.busy_s += o.busy_s;
        self.staffed_s += o.staffed_s;
        self.unjudged += o.unjudged;
    }

    /// The service level under a convention (deferred: share done in time).
    fn service_level(&self, convention: Option<SlConvention>) -> Option<f64> {
        let (num, den) = match convention {
            None | Some(SlConvention::Offered) => (self.within, self.offered),
            Some(SlConvention::Answered) => (self.within, self.answered),
            Some(SlConvention::ExclAbandonWithin) => {
                (self.within, self.offered - self.abandoned_within)
            }
            // Hang-ups within the threshold count as successes (the virtual wait is not observed for
            // those who hang up; `wait_within` is its observable bound).
            Some(SlConvention::WaitWithin | SlConvention::Virtual) => {
                (self.within + self.abandoned_within, self.offered)
            }
        };
        (den > 0.0).then(|| num / den)
    }
}

/// A mean over replications and its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    fn of(values: &[f64]) -> Option<Estimate> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = if values.len() > 1 {
            values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let half = 1.96 * (var / n).sqrt();
        Some(Estimate {
            mean,
            low: mean - half,
            high: mean + half,
        })
    }
}

/// Simulated figures over a set of intervals (one interval, a day, the period).
#[derive(Debug, Clone, PartialEq)]
pub struct SimFigures {
    /// Mean contacts offered per replication.
    pub offered: f64,
    pub service_level: Option<Estimate>,
    pub asa_s: Option<Estimate>,
    pub p_abandon: Option<Estimate>,
    pub occupancy: Option<Estimate>,
}

/// What a period is, for the day and week rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimPeriod {
    Day(NaiveDate),
    /// An ISO week (listed when the period spans several).
    Week((i32, u32)),
    /// The whole period.
    All,
}

/// One channel, simulated.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSimulation {
    pub name: String,
    pub immediate: bool,
    pub target: Option<f64>,
    pub intervals: Vec<SimFigures>,
    pub periods: Vec<(SimPeriod, SimFigures)>,
}

/// A staffing replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    pub replications: u32,
    pub seed: u64,
    /// The evaluator's figures of the same staffing (the "predicted" side).
    pub evaluation: Evaluation,
    pub channels: Vec<ChannelSimulation>,
    /// Names of the pools whose channels were replayed together (threshold policy).
    pub pools: Vec<String>,
}

/// The simulator's view of channel `c`.
fn channel_input(model: &Model, demand: &Demand, ev: &Evaluation, c: usize) -> LiveChannel {
    let ch = &demand.channels[c];
    let channel = &model.channels[c];
    let interval_s = model.interval_s();
    let (patience_s, chat, threshold_s, window_s) = match &channel.kind {
        ChannelKind::Immediate {
            patience_s,
            targets,
            concurrency,
        } => {
            let chat = concurrency.map_or(Vec::new(), |(k, f)| {
                (0..k)
                    .map(|j| channel.aht_s * (1.0 + f * f64::from(j)))
                    .collect()
            });
            (*patience_s, chat, targets.threshold_s, None)
        }
        ChannelKind::Deferred {
            response_window_s, ..
        } => (None, Vec::new(), 0.0, Some(*response_window_s)),
    };
    LiveChannel {
        interval_s,
        volume: ch
            .load
            .iter()
            .map(|l| l.map_or(0.0, |l| l.volume))
            .collect(),
        handle_s: ch
            .load
            .iter()
            .map(|l| l.map_or(channel.aht_s + channel.acw_s, |l| l.handle_s))
            .collect(),
        productive: ev.channels[c]
            .intervals
            .iter()
            .map(|r| r.productive)
            .collect(),
        patience_s,
        chat,
        threshold_s,
        window_s,
        open: ch.open.clone(),
    }
}

/// What one job replays: a channel alone, or a pool's channels together.
#[derive(Debug, Clone)]
enum Unit {
    Single(usize, LiveChannel),
    Pool(Vec<usize>, PoolInput),
}

impl Unit {
    /// The channels it yields counts for, in order.
    fn channels(&self) -> Vec<usize> {
        match self {
            Unit::Single(c, _) => vec![*c],
            Unit::Pool(cs, _) => cs.clone(),
        }
    }

    /// One replication; the stream is named by the unit's first channel, so adding a pool leaves the
    /// other channels' draws unchanged.
    fn replicate(&self, options: &SimOptions, r: u32) -> Vec<Vec<IntervalCounts>> {
        let first = self.channels()[0];
        let rng = Rng::new(options.seed, (first as u64) << 32 | u64::from(r));
        match self {
            Unit::Single(_, ch) => {
                let handle = if ch.chat.is_empty() {
                    options.handle_times
                } else {
                    HandleTimes::Exponential
                };
                vec![replicate(ch, handle, rng)]
            }
            Unit::Pool(_, p) => replicate_pool(p, options.handle_times, rng),
        }
    }
}

/// Runs every replication of every unit: `counts[c][r][t]`, in replication order.
fn run_all(units: &[Unit], channels: usize, options: &SimOptions) -> Vec<Vec<Vec<IntervalCounts>>> {
    let jobs: Vec<(usize, u32)> = (0..units.len())
        .flat_map(|u| (0..options.replications).map(move |r| (u, r)))
        .collect();
    let threads = options.threads.clamp(1, 64);
    let chunk = jobs.len().div_ceil(threads).max(1);
    let mut results: Vec<Vec<Vec<IntervalCounts>>> = Vec::with_capacity(jobs.len());
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|&(u, r)| units[u].replicate(options, r))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            results.extend(h.join().unwrap_or_default());
        }
    });
    let mut out: Vec<Vec<Vec<IntervalCounts>>> = vec![Vec::new(); channels];
    for (&(u, _), counts) in jobs.iter().zip(results) {
        for (c, rep) in units[u].channels().into_iter().zip(counts) {
            out[c].push(rep);
        }
    }
    out
}

/// The jobs: pools first as the model lists them, then every channel in no pool.
fn units(model: &Model, demand: &Demand, ev: &Evaluation) -> Vec<Unit> {
    let mut units = Vec::new();
    for p in &model.pools {
        let channels: Vec<usize> = p.channels().collect();
        let members: Vec<LiveChannel> = channels
            .iter()
            .map(|&c| channel_input(model, demand, ev, c))
            .collect();
        let mut staffing = members[0].clone();
        staffing.productive = (0..staffing.productive.len())
            .map(|t| members.iter().map(|m| m.productive[t]).sum())
            .collect();
        let reserves = crate::requirements::pool::reserves(model, p, demand, &staffing.productive);
        units.push(Unit::Pool(
            channels,
            PoolInput {
                members,
                staffing,
                reserves,
            },
        ));
    }
    for c in 0..demand.channels.len() {
        if model.pool_of(c).is_none() {
            units.push(Unit::Single(c, channel_input(model, demand, ev, c)));
        }
    }
    units
}

/// Mean and interval of each figure over replications, for the intervals in `set`.
fn figures(
    reps: &[Vec<IntervalCounts>],
    set: &[usize],
    convention: Option<SlConvention>,
) -> SimFigures {
    let sums: Vec<IntervalCounts> = reps
        .iter()
        .map(|rep| {
            let mut s = IntervalCounts::default();
            for &t in set {
                s.add(&rep[t]);
            }
            s
        })
        .collect();
    let collect = |f: &dyn Fn(&IntervalCounts) -> Option<f64>| -> Vec<f64> {
        sums.iter().filter_map(f).collect()
    };
    let immediate = convention.is_some();
    SimFigures {
        offered: sums.iter().map(|s| s.offered).sum::<f64>() / sums.len().max(1) as f64,
        service_level: Estimate::of(&collect(&|s| s.service_level(convention))),
        asa_s: Estimate::of(&collect(&|s| {
            (s.answered > 0.0).then(|| s.waited_s / s.answered)
        })),
        p_abandon: if immediate {
            Estimate::of(&collect(&|s| {
                (s.offered > 0.0).then(|| s.abandoned / s.offered)
            }))
        } else {
            None
        },
        occupancy: Estimate::of(&collect(&|s| {
            (s.staffed_s > 0.0).then(|| s.busy_s / s.staffed_s)
        })),
    }
}

/// Replays `staffing` against `demand` (see the module docs).
pub fn simulate(
    model: &Model,
    demand: &Demand,
    staffing: &Staffing,
    options: &SimOptions,
) -> Simulation {
    let evaluation = evaluate(model, demand, staffing);
    let units = units(model, demand, &evaluation);
    let counts = run_all(&units, demand.channels.len(), options);
    let grid = &demand.grid;
    let days = grid.dates();
    let channels = evaluation
        .channels
        .iter()
        .zip(&counts)
        .map(|(ch, reps)| {
            let convention = ch.convention;
            let intervals = (0..grid.len())
                .map(|t| figures(reps, &[t], convention))
                .collect();
            let mut periods = Vec::new();
            for d in &days {
                let set: Vec<usize> = (0..grid.len()).filter(|&t| grid.date_of(t) == *d).collect();
                periods.push((SimPeriod::Day(*d), figures(reps, &set, convention)));
            }
            let mut weeks: Vec<(i32, u32)> = days.iter().map(|d| iso_week(*d)).collect();
            weeks.dedup();
            if weeks.len() > 1 {
                for w in weeks {
                    let set: Vec<usize> = (0..grid.len())
                        .filter(|&t| iso_week(grid.date_of(t)) == w)
                        .collect();
                    periods.push((SimPeriod::Week(w), figures(reps, &set, convention)));
                }
            }
            let all: Vec<usize> = (0..grid.len()).collect();
            periods.push((SimPeriod::All, figures(reps, &all, convention)));
            ChannelSimulation {
                name: ch.name.clone(),
                immediate: ch.is_immediate(),
                target: ch.targets.service_level,
                intervals,
                periods,
            }
        })
        .collect();
    Simulation {
        replications: options.replications,
        seed: options.seed,
        evaluation,
        channels,
        pools: model.pools.iter().map(|p| p.name.clone()).collect(),
    }
}

//! Requirements of a blended pool: one live channel whose idle agents also clear deferred work.
//!
//! # Live side: the threshold policy with a backlog
//! While deferred work waits, the pool's agents are busy except for at most `r = reserve` idle ones (an
//! agent freed above the reserve starts a deferred item). The live channel's figures in that regime come
//! from the backlog chain of [`crate::queueing::blend`] (Bhulai & Koole 2003, "A queueing model for call
//! blending in call centers", IEEE TAC 48(8); Koole, *Call Center Optimization*, 2013): idle states below
//! an Erlang A waiting room served at the all-busy completion rate, and the agents it leaves for deferred
//! work. When the backlog runs dry the pool is the live channel's own queue at `n` agents (Erlang A/C).
//!
//! * **Reserve by load** (the default): each interval's reserve is the smallest, at least the pool's,
//!   whose backlog chain meets every live target with the model-error allowances ([`SL_ALLOWANCE`]). The
//!   live targets then hold whether or not deferred work waits, and an interval at `n` agents takes
//!   `x(n) = 0.85 · c(n)` of deferred work, `c(n)` the chain's deferred agents (0.85 keeps the backlog
//!   stable). A busy interval gets a high reserve and little deferred work: e-mail waits, within its
//!   window, for quieter intervals.
//! * **Fixed reserve**: if deferred work keeps the spare capacity `c(n)` busy a share `p` of the time, the
//!   live figures are the mixture `p^κ · backlog + (1 − p^κ) · plain` (regimes weighted by time as in Gans
//!   & Zhou 2003, Oper. Res. 51(2); κ = [`CALIBRATION`] for arrivals meeting the backlog less often than
//!   its time share), so `x(n) = c(n) · min(0.85, s^{1/κ})`, `s` the largest mixture share that meets
//!   the targets.
//!
//! Never below the live channel's own requirement. The simulator ([`crate::simulate`]) runs the policy
//! exactly and is the check (README, "Blended pools").
//!
//! # Deferred side: a cumulative check across intervals
//! With `U(k)` the deferred work released by boundary `k` and `D(k)` the work due by then (each channel's
//! response window in its own open time, as in [`super::deferred`]), the pool needs a processing curve
//! `D ≤ X ≤ U` whose slope in interval `t` is at most the capacity `c_t(n_t)` its agents leave. A backward
//! pass finds the least work that must be done by each boundary given the capacity of the live-driven
//! staffing after it; a forward pass works deferred items as early as that capacity allows and adds agents
//! only where the backward bound would otherwise be missed. While the live channel is closed the pool
//! keeps no reserve and every agent works deferred items.

use super::demand::Demand;
use super::pool_fill::{fill, Levels, Piece};
use super::{on_shift_requirement, ChannelRequirements};
use crate::model::pool::Pool;
use crate::model::{ChannelKind, Model};
use crate::queueing::blend::{backlog_regime, Backlog};
use crate::queueing::{mix_levels, IntervalKpis, Kpis, Targets};

/// One interval of a pool.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolInterval {
    /// Productive agents the live channel needs with deferred work waiting (the threshold policy).
    pub live_productive: u64,
    /// Productive agents of the pool: live need, raised where the deferred backlog requires it.
    pub productive: u64,
    /// Agents on shift and off break (the live channel's shrinkage other than breaks).
    pub on_shift: u64,
    /// Deferred work (agent-seconds) the plan processes in the interval.
    pub deferred_work_s: f64,
    /// Deferred work released but not processed at the end of the interval (agent-seconds).
    pub backlog_s: f64,
}

/// A pool's requirement over the period.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolRequirements {
    pub pool: Pool,
    pub intervals: Vec<PoolInterval>,
}

/// Live-channel inputs of one interval.
#[derive(Debug, Clone, Copy)]
struct LiveLoad {
    open: bool,
    /// Arrival rate per second and mean handle time.
    rate: f64,
    handle_s: f64,
    /// The channel's own requirement (productive agents).
    plain: u64,
}

/// The pool's deferred work as pieces with windows, per deferred channel its open intervals, the work
/// released by the end of each interval, and the mean handle time of a deferred item.
struct DeferredWork {
    pieces: Vec<Piece>,
    open: Vec<Vec<bool>>,
    released: Vec<f64>,
    handle_s: f64,
}

/// Largest piece of work placed at once: a quarter of an agent's interval.
const PIECE_SHARE: f64 = 0.25;

/// Cuts each deferred channel's work into pieces. Time runs in the channel's open intervals, as in
/// [`super::deferred`]: work arriving while closed is released at the next opening and due `lag`
/// open intervals later (the last interval of its window); work arriving during open interval `k` is
/// due by the end of open interval `k + lag` (`k` itself for a window under one interval), where
/// `lag = max(1, ⌊window / interval⌋)`. With `within_window < 1` the rest is due by the period's end.
/// Work due after the period is carried, as in the separate requirement.
fn deferred_work(model: &Model, channels: &[ChannelRequirements], pool: &Pool) -> DeferredWork {
    let n = channels[pool.live].intervals.len();
    let interval_s = model.interval_s();
    let mut out = DeferredWork {
        pieces: Vec::new(),
        open: Vec::new(),
        released: vec![0.0; n],
        handle_s: 1.0,
    };
    let (mut work, mut items) = (0.0, 0.0);
    for (i, &c) in pool.deferred.iter().enumerate() {
        let ChannelKind::Deferred {
            response_window_s,
            within_window,
            ..
        } = model.channels[c].kind
        else {
            continue;
        };
        let rows = &channels[c].intervals;
        let slots: Vec<usize> = (0..n).filter(|&t| rows[t].open).collect();
        out.open.push(rows.iter().map(|r| r.open).collect());
        let lag = ((response_window_s / interval_s).floor() as usize).max(1);
        let short = response_window_s < interval_s;
        let mut pending = 0.0;
        let mut j = 0;
        for (t, row) in rows.iter().enumerate() {
            let w = row.volume * row.handle_s;
            work += w;
            items += row.volume;
            if !row.open {
                pending += w;
                continue;
            }
            out.released[t] += pending + w;
            let due = |k: usize| slots.get(k).copied();
            let mut add = |amount: f64, last: Option<usize>| {
                let parts = [
                    (within_window * amount, last),
                    (
                        (1.0 - within_window) * amount,
                        due(slots.len() - 1).filter(|_| last.is_some()),
                    ),
                ];
                for (amount, to) in parts {
                    let (Some(to), true) = (to, amount > 0.0) else {
                        continue; // due after the period: carried
                    };
                    let pieces = (amount / (PIECE_SHARE * interval_s)).ceil().max(1.0);
                    for _ in 0..pieces as usize {
                        out.pieces.push(Piece {
                            work_s: amount / pieces,
                            from: t,
                            to,
                            channel: i,
                        });
                    }
                }
            };
            add(pending, due(j + lag - 1));
            add(w, due(if short { j } else { j + lag }));
            pending = 0.0;
            j += 1;
        }
    }
    let mut cum = 0.0;
    for r in &mut out.released {
        cum += *r;
        *r = cum;
    }
    out.handle_s = if items > 0.0 { work / items } else { 1.0 };
    out
}

/// The live channel's load and own requirement per interval.
fn live_loads(model: &Model, channels: &[ChannelRequirements], pool: &Pool) -> Vec<LiveLoad> {
    let interval_s = model.interval_s();
    channels[pool.live]
        .intervals
        .iter()
        .map(|r| LiveLoad {
            open: r.open,
            rate: r.volume / interval_s,
            handle_s: r.handle_s,
            plain: r.productive,
        })
        .collect()
}

/// Most deferred work (agent-seconds) `n` productive agents take in an interval with the live targets
/// still met (see the module docs): with a reserve by load, the backlog regime at the interval's reserve;
/// with a fixed reserve, the time-weighted mixture of the two regimes.
fn capacity(pool: &Pool, live: &LiveLoad, n: u64, ctx: &Context) -> f64 {
    if !live.open || live.rate <= 0.0 {
        let reserve = if live.open {
            u64::from(pool.reserve)
        } else {
            0
        };
        return n.saturating_sub(reserve) as f64 * ctx.interval_s;
    }
    if pool.by_load {
        let reserve = ctx.reserve(pool, live, n);
        return ctx.backlog(live, n, reserve).map_or(0.0, |b| {
            MAX_BACKLOG_SHARE * b.deferred_agents * ctx.interval_s
        });
    }
    let Some(backlog) = ctx.backlog(live, n, pool.reserve) else {
        return 0.0;
    };
    let plain = ctx
        .queue(live)
        .map(|q| q.evaluate(n, ctx.targets.threshold_s));
    let Some(plain) = plain else {
        return 0.0;
    };
    let t = &ctx.targets;
    let mut share: f64 = 1.0;
    if let Some(target) = t.service_level {
        let (good, bad) = (
            plain.service_level.get(t.convention),
            backlog.service_level.get(t.convention),
        );
        share = share.min(mix_share(good, bad, target, true));
    }
    if let Some(cap) = t.max_abandon {
        share = share.min(mix_share(plain.p_abandon, backlog.p_abandon, cap, false));
    }
    if let Some(cap) = t.max_asa_s {
        share = share.min(mix_share(
            plain.asa_answered_s,
            backlog.asa_answered_s,
            cap,
            false,
        ));
    }
    // Live arrivals meet the backlog regime less often than its time share (deferred work starts when
    // the live queue is quiet): `p^κ` of them, κ fitted by simulation (see `CALIBRATION`).
    let p = share
        .max(0.0)
        .powf(1.0 / CALIBRATION)
        .min(MAX_BACKLOG_SHARE);
    p * backlog.deferred_agents * ctx.interval_s
}

/// Exponent κ: the share of live arrivals meeting the backlog regime is `p^κ` for a time share `p`.
/// Fitted to the pool simulator on stationary loads (live 8–40 Erlangs, deferred 1–6 Erlangs, reserve
/// 1–4, 40 replications each): κ between 1.4 and 2.5, so 1.4 is the conservative end (the test
/// `the_calibrated_mixture_is_close_and_conservative` in `src/simulate/pool.rs` re-checks it).
pub const CALIBRATION: f64 = 1.4;

/// At most this share of the backlog regime's capacity is planned, so that the backlog stays stable
/// (a queue planned at 100 % of its capacity never clears).
const MAX_BACKLOG_SHARE: f64 = 0.85;

/// The largest time share `p` of the backlog regime with `p · bad + (1 − p) · good` still on the right
/// side of `target` (`higher`: a floor, else a cap); 0 when the plain queue itself misses it.
fn mix_share(good: f64, bad: f64, target: f64, higher: bool) -> f64 {
    let (good, bad, target) = if higher {
        (good, bad, target)
    } else {
        (-good, -bad, -target)
    };
    if good < target - 1e-12 {
        0.0
    } else if bad >= target {
        1.0
    } else {
        ((good - target) / (good - bad)).clamp(0.0, 1.0)
    }
}

struct Context<'a> {
    channel: &'a crate::model::Channel,
    interval_s: f64,
    deferred_handle_s: f64,
    patience_s: Option<f64>,
    targets: Targets,
}

impl<'a> Context<'a> {
    /// The context of `pool` for a demand: the live channel's targets and patience, and the mean handle
    /// time of the pool's deferred items over the period (as [`pool_requirements`] takes it).
    fn of(model: &'a Model, pool: &Pool, demand: &Demand) -> Option<Context<'a>> {
        let channel = &model.channels[pool.live];
        let ChannelKind::Immediate {
            patience_s,
            targets,
            ..
        } = &channel.kind
        else {
            return None;
        };
        let (mut work, mut items) = (0.0, 0.0);
        for &c in &pool.deferred {
            for load in demand.channels[c].load.iter().flatten() {
                work += load.volume * load.handle_s;
                items += load.volume;
            }
        }
        Some(Context {
            channel,
            interval_s: model.interval_s(),
            deferred_handle_s: if items > 0.0 { work / items } else { 1.0 },
            patience_s: *patience_s,
            targets: *targets,
        })
    }

    /// The live channel's own queue in an interval.
    fn queue(&self, live: &LiveLoad) -> Option<crate::queueing::Queue> {
        let load = super::demand::Load {
            volume: live.rate * self.interval_s,
            handle_s: live.handle_s,
        };
        super::queue_of(self.channel, load, self.interval_s).map(|q| q.0)
    }

    /// The backlog regime at `n` agents and reserve `reserve` (`None`: no deferred work starts).
    fn backlog(&self, live: &LiveLoad, n: u64, reserve: u32) -> Option<Backlog> {
        backlog_regime(
            n,
            reserve,
            (live.rate, live.handle_s),
            self.deferred_handle_s,
            self.patience_s,
            self.targets.threshold_s,
        )
    }

    /// The interval's reserve by load: the smallest reserve, at least the pool's, whose backlog regime
    /// meets every live target with the model-error allowance (see [`SL_ALLOWANCE`]); `n` (no deferred
    /// work while the live channel is open) when none does.
    fn reserve(&self, pool: &Pool, live: &LiveLoad, n: u64) -> u32 {
        if !live.open || live.rate <= 0.0 {
            return pool.reserve;
        }
        let t = &self.targets;
        let cap = u32::try_from(n).unwrap_or(u32::MAX);
        (pool.reserve..cap)
            .find(|&r| {
                let Some(b) = self.backlog(live, n, r) else {
                    return false;
                };
                t.service_level
                    .is_none_or(|target| b.service_level.get(t.convention) >= target + SL_ALLOWANCE)
                    && t.max_abandon
                        .is_none_or(|c| b.p_abandon <= c - ABANDON_ALLOWANCE)
                    && t.max_asa_s
                        .is_none_or(|c| b.asa_answered_s <= c * (1.0 - ASA_ALLOWANCE))
            })
            .unwrap_or(cap.max(pool.reserve))
    }
}

/// Model-error allowances of the reserve by load: the backlog chain is up to about 4 points optimistic
/// on the service level and 1 point on abandonment against the exact policy simulated
/// ([`crate::queueing::blend`]), so the reserve is chosen to meet each target with room to spare.
pub const SL_ALLOWANCE: f64 = 0.03;
pub const ABANDON_ALLOWANCE: f64 = 0.005;
pub const ASA_ALLOWANCE: f64 = 0.1;

/// The live channel's figures per interval for a staffing of the pool, as the summary and
/// `coverage.csv` show them: `productive[t]` agents of the pool (every pool channel's productive agents,
/// added up), deferred work assumed always waiting while the live channel is open — the backlog regime of
/// [`crate::queueing::blend`] at the interval's reserve, a floor for what callers get (when the backlog
/// runs dry the pool is the live channel's own queue, which serves them better). An interval whose
/// reserve keeps every agent for calls is the live channel's own queue. `None` (the evaluator's own
/// figures stand) where the live channel is closed or has no load, and everywhere when the pool has no
/// deferred work in the period; `⌊p⌋` and `⌈p⌉` agents are mixed as everywhere else
/// ([`crate::queueing::mix_levels`]).
pub fn pooled_live_kpis(
    model: &Model,
    pool: &Pool,
    demand: &Demand,
    productive: &[f64],
) -> Vec<Option<IntervalKpis>> {
    let deferred_work = pool.deferred.iter().any(|&c| {
        demand.channels[c]
            .load
            .iter()
            .flatten()
            .any(|l| l.volume > 0.0)
    });
    let ctx = Context::of(model, pool, demand).filter(|_| deferred_work);
    let Some(ctx) = ctx else {
        return vec![None; productive.len()];
    };
    let live = &demand.channels[pool.live];
    let interval_s = model.interval_s();
    (0..productive.len())
        .map(|t| {
            let load = live.load[t].filter(|_| live.open[t])?;
            let interval = LiveLoad {
                open: true,
                rate: load.volume / interval_s,
                handle_s: load.handle_s,
                plain: 0,
            };
            let queue = ctx.queue(&interval)?;
            let t_s = ctx.targets.threshold_s;
            let p = productive[t].max(0.0);
            let lo = p.floor();
            let w = p - lo;
            // The simulator's reserve: chosen for `⌊p⌋`, kept while `⌈p⌉` agents work.
            let reserve = if pool.by_load {
                ctx.reserve(pool, &interval, lo as u64)
            } else {
                pool.reserve
            };
            let level = |n: u64| -> Kpis {
                let plain = queue.evaluate(n, t_s);
                match ctx.backlog(&interval, n, reserve) {
                    Some(b) => Kpis {
                        p_wait: b.p_wait,
                        p_abandon: b.p_abandon,
                        service_level: b.service_level,
                        asa_answered_s: b.asa_answered_s,
                        asa_all_s: b.asa_all_s,
                        occupancy: 1.0 - b.idle / n as f64,
                        ..plain
                    },
                    None => plain,
                }
            };
            let a = level(lo as u64);
            let b = if w > 1e-9 { level(lo as u64 + 1) } else { a };
            Some(mix_levels(&a, &b, w, ctx.targets.convention))
        })
        .collect()
}

/// The reserve of each interval for a staffing: `productive[t]` agents of the pool (the simulator works
/// `⌊p⌋` and `⌈p⌉` in turn; the reserve is chosen for `⌊p⌋`). A fixed reserve is the pool's in every
/// interval. Deterministic: a function of the model, the forecast and the staffing only.
pub fn reserves(model: &Model, pool: &Pool, demand: &Demand, productive: &[f64]) -> Vec<u32> {
    let n = productive.len();
    if !pool.by_load {
        return vec![pool.reserve; n];
    }
    let Some(ctx) = Context::of(model, pool, demand) else {
        return vec![pool.reserve; n];
    };
    let interval_s = model.interval_s();
    let live = &demand.channels[pool.live];
    (0..n)
        .map(|t| {
            let load = live.load[t].unwrap_or(super::demand::Load {
                volume: 0.0,
                handle_s: 1.0,
            });
            let interval = LiveLoad {
                open: live.open[t],
                rate: load.volume / interval_s,
                handle_s: load.handle_s,
                plain: 0,
            };
            ctx.reserve(pool, &interval, productive[t].max(0.0).floor() as u64)
        })
        .collect()
}

/// Largest pool staffing searched per interval: beyond it the interval keeps the live requirement.
const MAX_POOL_AGENTS: u64 = 100_000;

/// The pool's requirement per interval (see the module docs); with `staffed`, the productive agents a
/// shift plan already gives the pool per interval, deferred work goes to the plan's spare agents first
/// ([`refit_pools`]).
pub fn pool_requirements(
    model: &Model,
    channels: &[ChannelRequirements],
    pool: &Pool,
    staffed: Option<&[f64]>,
) -> PoolRequirements {
    let live = live_loads(model, channels, pool);
    let deferred = deferred_work(model, channels, pool);
    let channel = &model.channels[pool.live];
    let ChannelKind::Immediate {
        patience_s,
        targets,
        ..
    } = &channel.kind
    else {
        unreachable!("a pool's live channel is immediate (validated)");
    };
    let ctx = Context {
        channel,
        interval_s: model.interval_s(),
        deferred_handle_s: deferred.handle_s,
        patience_s: *patience_s,
        targets: *targets,
    };
    let n = live.len();
    // The live channel's own need; deferred work raises it only where the backlog requires.
    let need: Vec<u64> = live.iter().map(|l| l.plain).collect();
    // Each interval's level table, extended on demand (one agent more each time).
    let step = |t: usize, table: &mut Levels| {
        let agents = table.base + table.capacity.len() as u64;
        let cap = if agents >= MAX_POOL_AGENTS {
            f64::INFINITY
        } else {
            capacity(pool, &live[t], agents, &ctx)
        };
        table.capacity.push(cap);
    };
    let mut levels: Vec<Levels> = (0..n)
        .map(|t| {
            let mut table = Levels {
                base: need[t],
                capacity: Vec::new(),
            };
            step(t, &mut table);
            table
        })
        .collect();
    let mut extend = |t: usize, table: &mut Levels| step(t, table);
    let work = fill(
        deferred.pieces,
        &deferred.open,
        &mut levels,
        staffed,
        &mut extend,
    );
    let mut done = 0.0;
    let mut intervals = Vec::with_capacity(n);
    for t in 0..n {
        let agents = loop {
            match levels[t].whole(work[t]) {
                Some(a) => break a,
                None => step(t, &mut levels[t]),
            }
        };
        done += work[t];
        intervals.push(PoolInterval {
            live_productive: need[t],
            productive: agents,
            on_shift: on_shift_requirement(channel, agents),
            deferred_work_s: work[t],
            backlog_s: (deferred.released[t] - done).max(0.0),
        });
    }
    PoolRequirements {
        pool: pool.clone(),
        intervals,
    }
}

/// Recomputes every pool's requirement around a shift plan: `productive[c][t]` are the productive agents
/// the plan gives channel `c` (the evaluator's allocation). Deferred work then fills the plan's spare
/// agents before it raises any interval, so a second plan can drop the shifts that only covered peaks
/// the first placement of deferred work created. Deadlines are kept exactly as before.
pub fn refit_pools(model: &Model, req: &mut super::Requirements, productive: &[Vec<f64>]) {
    for (p, pool) in model.pools.iter().enumerate() {
        let n = req.channels[pool.live].intervals.len();
        let staffed: Vec<f64> = (0..n)
            .map(|t| pool.channels().map(|c| productive[c][t]).sum())
            .collect();
        req.pools[p] = pool_requirements(model, &req.channels, pool, Some(&staffed));
    }
}

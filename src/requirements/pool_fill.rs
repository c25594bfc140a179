//! Where a pool works its deferred items: valley filling.
//!
//! Each piece of deferred work may be done from the interval it is released in to the last interval of
//! its response window (in its channel's open intervals). Taking the pieces in deadline order, each goes
//! to the allowed interval where the pool's staffing level after taking it is lowest (the earliest on a
//! tie) — the greedy of Yao, Demers & Shenker (1995, "A scheduling model for reduced CPU energy") for
//! deadline-feasible work, run on pieces: it never misses a deadline (every piece lands inside its own
//! window and no interval has a capacity cap) and it fills the live channel's valleys first, so the
//! pool's profile is as flat as the windows allow and the shift plan needs fewer shifts for its peaks.

/// A piece of deferred work: agent-seconds, first and last interval it may be worked in, and the
/// deferred channel's open intervals (shared per channel).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Piece {
    pub work_s: f64,
    pub from: usize,
    pub to: usize,
    pub channel: usize,
}

/// The pool's level in one interval as a function of the deferred work it takes: `levels[k]` is the
/// most work `base + k` agents can take.
#[derive(Debug, Clone)]
pub(crate) struct Levels {
    pub base: u64,
    pub capacity: Vec<f64>,
}

impl Levels {
    /// Fractional agents needed for `work` agent-seconds (linear between whole levels); `None` beyond
    /// the table.
    pub fn agents(&self, work: f64) -> Option<f64> {
        let k = self.capacity.iter().position(|&c| c >= work - 1e-6)?;
        if k == 0 {
            return Some(self.base as f64);
        }
        let (lo, hi) = (self.capacity[k - 1], self.capacity[k]);
        let frac = if hi > lo {
            (work - lo) / (hi - lo)
        } else {
            1.0
        };
        Some(self.base as f64 + (k - 1) as f64 + frac)
    }

    /// Whole agents for `work`.
    pub fn whole(&self, work: f64) -> Option<u64> {
        let k = self.capacity.iter().position(|&c| c >= work - 1e-6)?;
        Some(self.base + k as u64)
    }
}

/// Assigns every piece (see the module docs); `open[c][t]` tells whether deferred channel `c` may be
/// worked in interval `t`, `extend` adds a level to an interval's table. With `staffed` (productive
/// agents a shift plan already gives the pool) a piece goes where the level stays furthest below, or
/// least above, what is staffed: the plan's spare agents are used before any peak is raised. Returns
/// the work per interval.
pub(crate) fn fill(
    mut pieces: Vec<Piece>,
    open: &[Vec<bool>],
    levels: &mut [Levels],
    staffed: Option<&[f64]>,
    extend: &mut dyn FnMut(usize, &mut Levels),
) -> Vec<f64> {
    pieces.sort_by(|a, b| a.to.cmp(&b.to).then(a.from.cmp(&b.from)));
    let mut work = vec![0.0; levels.len()];
    for p in pieces {
        let mut best: Option<(f64, usize)> = None;
        for t in p.from..=p.to.min(levels.len() - 1) {
            if !open[p.channel][t] {
                continue;
            }
            let level = loop {
                match levels[t].agents(work[t] + p.work_s) {
                    Some(l) => break l,
                    None => extend(t, &mut levels[t]),
                }
            };
            let level = level - staffed.map_or(0.0, |s| s[t]);
            if best.is_none_or(|(b, _)| level < b - 1e-9) {
                best = Some((level, t));
            }
        }
        // A piece with no open interval in its window is worked where it is released.
        let t = best.map_or(p.from.min(levels.len() - 1), |b| b.1);
        work[t] += p.work_s;
    }
    work
}

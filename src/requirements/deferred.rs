//! Deferred work (email, web forms, back office): the least staffing that finishes every item within its
//! response window.
//!
//! # Model
//! Time runs only while the channel is open (a 4-hour email window is 4 *business* hours); work arriving
//! while closed is released at the next opening. Let `U(k)` be the work released by open-interval
//! boundary `k` and `D(k)` the work due by then: each interval's work is due `w = ⌊window / interval⌋`
//! intervals after it arrives (at least one interval for work released at an opening), and when only a
//! share `s` must meet the window, `D = s · U(· − w)` inside the period, the rest due by the later of its own deadline and the end of the period. Any
//! processing curve `P` with `D ≤ P ≤ U` (never late, never ahead of arrivals) is feasible, and its slope is
//! the staffing. The *taut string* through that tube — the shortest path from the start to the end —
//! minimises the peak rate and every other convex measure of the staffing at once (Salehi, Zhang, Kurose &
//! Towsley 1996, "Supporting stored video: reducing rate variability … through optimal smoothing", ACM
//! SIGMETRICS; the same object as the Yao–Demers–Shenker schedule for agreeable deadlines). So the
//! profile is both the smoothest and the smallest that clears every item in time, not "volume × AHT in the
//! same interval".
//!
//! The string is computed by the classic funnel method: from the last bend, extend the line as long as
//! some slope stays between the tube's walls; when the walls cross, bend at the wall point that closed the
//! funnel. `O(m²)` in the worst case for `m` open intervals, linear in practice.

/// Work (agent-seconds) per open interval of one deferred channel, in time order.
#[derive(Debug, Clone, Default)]
pub struct DeferredInput {
    /// Work released at the start of open interval `i` (arrived while closed).
    pub released_at_open: Vec<f64>,
    /// Work arriving during open interval `i`, evenly.
    pub arriving: Vec<f64>,
    /// Items behind the same work, to report backlog in items.
    pub released_items_at_open: Vec<f64>,
    pub arriving_items: Vec<f64>,
}

/// The smoothed processing plan.
#[derive(Debug, Clone)]
pub struct DeferredPlan {
    /// Work processed in open interval `i` (agent-seconds).
    pub processed: Vec<f64>,
    /// Items released but not yet processed at the end of open interval `i`.
    pub backlog_items: Vec<f64>,
    /// Items released before the period ends that are left for after it.
    pub carried_items: f64,
}

/// The least, smoothest processing plan (see the module docs). `window_intervals` is the response window in
/// open intervals (may be fractional; rounded down), `share` the share due within it (the rest is due
/// by the later of its deadline and the end of the period).
pub fn smooth(input: &DeferredInput, window_intervals: f64, share: f64) -> DeferredPlan {
    let m = input.arriving.len();
    if m == 0 {
        return DeferredPlan {
            processed: Vec::new(),
            backlog_items: Vec::new(),
            carried_items: 0.0,
        };
    }
    // Cumulative work at boundaries: `after[k]` includes the release at boundary k, `before[k]` does not.
    let mut before = vec![0.0; m + 1];
    let mut after = vec![0.0; m + 1];
    for k in 0..=m {
        before[k] = if k == 0 {
            0.0
        } else {
            after[k - 1] + input.arriving[k - 1]
        };
        after[k] = before[k] + input.released_at_open.get(k).copied().unwrap_or(0.0);
    }
    let w = window_intervals.floor().max(0.0) as usize;
    // Due by boundary k. Work arriving evenly in interval i is due w intervals after it arrives, so by
    // boundary k the arrivals of intervals before k − w are due (both curves are linear inside an interval,
    // so checking boundaries suffices). A window shorter than one interval (w = 0) means "by the end of the
    // interval it arrives in". Work released at an opening (boundary i) is due at i + max(w, 1).
    let lag = w.max(1);
    let due = |k: usize| -> f64 {
        if k < lag {
            return 0.0;
        }
        let j = k - lag;
        // `after[j]` = arrivals of intervals < j plus releases at boundaries ≤ j.
        after[j] + if w == 0 { input.arriving[j] } else { 0.0 }
    };
    let mut low: Vec<f64> = (0..=m).map(|k| share * due(k).min(before[k])).collect();
    let high: Vec<f64> = before.clone();
    // The rest is due by the later of its own deadline and the end of the period: at the end, all work
    // whose window has closed.
    low[m] = due(m).min(before[m]);
    let mut high = high;
    high[m] = low[m];
    let curve = taut_string(&low, &high);
    let processed: Vec<f64> = curve.windows(2).map(|p| (p[1] - p[0]).max(0.0)).collect();

    // Backlog in items: processing is first-in first-out, so processed work maps back to items through the
    // cumulative (work, items) curve of releases.
    let mut points = vec![(0.0f64, 0.0f64)];
    let mut items = 0.0;
    for k in 0..m {
        let released_work = input.released_at_open.get(k).copied().unwrap_or(0.0);
        let released_items = input.released_items_at_open.get(k).copied().unwrap_or(0.0);
        items += released_items;
        points.push((after[k], items));
        items += input.arriving_items[k];
        points.push((before[k + 1], items));
        let _ = released_work;
    }
    let items_at = |work: f64| -> f64 {
        // Last point with cumulative work ≤ `work`, then linear within the next segment.
        let i = points.partition_point(|p| p.0 <= work);
        if i == 0 {
            return 0.0;
        }
        if i >= points.len() {
            return points[points.len() - 1].1;
        }
        let (w0, n0) = points[i - 1];
        let (w1, n1) = points[i];
        if w1 > w0 {
            n0 + (n1 - n0) * (work - w0) / (w1 - w0)
        } else {
            n0
        }
    };
    let mut backlog_items = Vec::with_capacity(m);
    let mut released_items_total = 0.0;
    for k in 0..m {
        released_items_total +=
            input.released_items_at_open.get(k).copied().unwrap_or(0.0) + input.arriving_items[k];
        backlog_items.push((released_items_total - items_at(curve[k + 1])).max(0.0));
    }
    let carried_items = backlog_items.last().copied().unwrap_or(0.0);
    DeferredPlan {
        processed,
        backlog_items,
        carried_items,
    }
}

/// Shortest path from `(0, low[0])` through `low[k] ≤ y_k ≤ high[k]` to `(n, low[n])` (the caller pins the
/// end by making `low[n] == high[n]`). Returns `y_k` for every boundary.
pub fn taut_string(low: &[f64], high: &[f64]) -> Vec<f64> {
    let n = low.len() - 1;
    let mut y = vec![0.0; n + 1];
    let (mut i, mut p) = (0usize, low[0].max(0.0).min(high[0]));
    y[0] = p;
    while i < n {
        let (mut lo_slope, mut lo_at) = (f64::NEG_INFINITY, i);
        let (mut hi_slope, mut hi_at) = (f64::INFINITY, i);
        let mut bend: Option<(usize, f64)> = None;
        for k in i + 1..=n {
            let dx = (k - i) as f64;
            let s_lo = (low[k] - p) / dx;
            let s_hi = (high[k] - p) / dx;
            if s_lo > hi_slope {
                bend = Some((hi_at, hi_slope));
                break;
            }
            if s_hi < lo_slope {
                bend = Some((lo_at, lo_slope));
                break;
            }
            if s_lo >= lo_slope {
                lo_slope = s_lo;
                lo_at = k;
            }
            if s_hi <= hi_slope {
                hi_slope = s_hi;
                hi_at = k;
            }
        }
        let (to, slope) = bend.unwrap_or_else(|| (n, (low[n] - p) / (n - i) as f64));
        for (step, value) in y.iter_mut().enumerate().take(to + 1).skip(i + 1) {
            *value = p + slope * (step - i) as f64;
        }
        // Land exactly on the wall point to keep rounding from drifting.
        y[to] = y[to].clamp(low[to], high[to]);
        p = y[to];
        i = to;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(arriving: &[f64]) -> DeferredInput {
        DeferredInput {
            released_at_open: vec![0.0; arriving.len()],
            arriving: arriving.to_vec(),
            released_items_at_open: vec![0.0; arriving.len()],
            arriving_items: arriving.to_vec(),
        }
    }

    #[test]
    fn a_burst_is_spread_over_its_window() {
        // 12 units arrive evenly during interval 0, each due 4 intervals after it arrives: the last one
        // (arriving at the end of interval 0) is due at boundary 5, so by hand the smoothest plan is
        // 12 / 5 = 2.4 per interval over intervals 0–4 — not 12 at once, and never ahead of arrivals
        // (2.4 ≤ 12 by the end of interval 0).
        let plan = smooth(&input(&[12.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]), 4.0, 1.0);
        for (k, x) in plan.processed.iter().enumerate() {
            let want = if k < 5 { 2.4 } else { 0.0 };
            assert!((x - want).abs() < 1e-12, "{k}: {x}");
        }
        assert!((plan.backlog_items[0] - 9.6).abs() < 1e-12);
        assert!(plan.backlog_items[4].abs() < 1e-12);
        assert!(plan.carried_items.abs() < 1e-12);
    }

    #[test]
    fn steady_arrivals_are_processed_as_they_come() {
        // 5 units per interval for 8 intervals, window 2: by boundary 8 only the work of intervals 0–5
        // (30 units) is due, so by hand the straightest feasible plan is 30 / 8 = 3.75 per interval
        // (it stays above the due curve 5(k − 2) and below arrivals 5k at every boundary), and the last
        // 10 units are carried into the next period rather than rushed.
        let plan = smooth(&input(&[5.0; 8]), 2.0, 1.0);
        for x in &plan.processed {
            assert!((x - 3.75).abs() < 1e-12, "{x}");
        }
        assert!((plan.carried_items - 10.0).abs() < 1e-12);
    }

    #[test]
    fn never_late_never_early() {
        // Random-ish arrivals: check the tube at every boundary for several windows.
        let arrivals: Vec<f64> = (0..40)
            .map(|i| ((i * 37 % 11) as f64) * 1.5 + if i % 9 == 0 { 20.0 } else { 0.0 })
            .collect();
        for w in [1.0, 2.0, 3.5, 8.0] {
            let plan = smooth(&input(&arrivals), w, 1.0);
            let mut done = 0.0;
            let mut arrived = 0.0;
            for k in 0..arrivals.len() {
                done += plan.processed[k];
                arrived += arrivals[k];
                assert!(done <= arrived + 1e-9, "ahead of arrivals at {k}");
                let due: f64 = arrivals
                    .iter()
                    .take((k + 1).saturating_sub(w.floor() as usize))
                    .sum();
                assert!(
                    done + 1e-9 >= due,
                    "late at {k} with window {w}: {done} < {due}"
                );
            }
        }
    }

    #[test]
    fn smoothing_lowers_the_peak_below_same_interval_staffing() {
        let arrivals = [0.0, 30.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0];
        let plan = smooth(&input(&arrivals), 4.0, 1.0);
        let peak = plan.processed.iter().copied().fold(0.0, f64::max);
        assert!(peak < 30.0 / 3.0 + 1e-9, "peak {peak}");
    }
}

//! Every shift the templates allow over the planning period, with the intervals it covers, and the break
//! slots of each template-day (the implicit break formulation of Bechtold & Jacobs 1990, "Implicit
//! modeling of flexible break assignments in optimal shift scheduling", *Management Science* 36(11)).
//!
//! Times are minutes from the first interval of the planning grid (UTC based, so a daylight-saving day
//! simply has fewer or more intervals); a shift starting at a local time the clocks skip is not offered.

use crate::grid::cover;
use crate::model::Model;
use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, TimeZone, Utc};

/// One possible shift: a template starting at a time on a day.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub template: usize,
    /// Local date the shift belongs to (its start date, also when it crosses midnight).
    pub day: NaiveDate,
    /// Minutes from the grid start (may be negative for a shift that began before the grid).
    pub start_min: i64,
    /// Fraction of each grid interval the shift spans (before breaks).
    pub cover: Vec<(usize, f64)>,
}

/// The slots where one break rule of one template-day may start, and which shifts may use which.
#[derive(Debug, Clone)]
pub(crate) struct BreakSet {
    pub template: usize,
    pub rule: usize,
    /// Candidates of this template-day in start order.
    pub shifts: Vec<usize>,
    /// Slot start times (minutes from grid start), increasing.
    pub slots: Vec<i64>,
    /// Fraction of each grid interval a break in the slot takes.
    pub slot_cover: Vec<Vec<(usize, f64)>>,
    /// For each shift (same order as `shifts`): the first and last slot index it may use.
    pub windows: Vec<(usize, usize)>,
}

/// Local date + minutes after its midnight → instant (earliest occurrence of a repeated time; `None` when
/// the clocks skip it).
pub(crate) fn local_instant(model: &Model, day: NaiveDate, minutes: u32) -> Option<DateTime<Utc>> {
    let local = day.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
    match model.time_zone.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// All candidates and break sets for the grid starting at `grid_start` with `intervals` intervals.
pub(crate) fn enumerate(
    model: &Model,
    grid_start: DateTime<Utc>,
    intervals: usize,
) -> (Vec<Candidate>, Vec<BreakSet>) {
    let interval = i64::from(model.interval_minutes);
    let grid_end_min = interval * intervals as i64;
    let tz = model.time_zone;
    // Shifts of the day before may still be working when the period starts (night shifts).
    let first_day = grid_start
        .with_timezone(&tz)
        .date_naive()
        .pred_opt()
        .unwrap_or(NaiveDate::MIN);
    let last_day = (grid_start + Duration::minutes(grid_end_min - 1))
        .with_timezone(&tz)
        .date_naive();
    let mut candidates = Vec::new();
    let mut break_sets = Vec::new();
    let mut day = first_day;
    while day <= last_day {
        for (ti, template) in model.shifts.iter().enumerate() {
            if !template.works_on(day.weekday()) {
                continue;
            }
            let span = i64::from(template.span_minutes());
            let mut shifts = Vec::new();
            let mut m = template.earliest_start;
            while m <= template.latest_start {
                if let Some(start) = local_instant(model, day, m) {
                    let start_min = (start - grid_start).num_minutes();
                    if start_min < grid_end_min && start_min + span > 0 && start_min % interval == 0
                    {
                        shifts.push(candidates.len());
                        candidates.push(Candidate {
                            template: ti,
                            day,
                            start_min,
                            cover: cover(start_min, span, interval, intervals),
                        });
                    }
                }
                m += template.start_step.max(1);
            }
            if shifts.is_empty() {
                continue;
            }
            for (ri, rule) in template.breaks.iter().enumerate() {
                break_sets.push(break_set(
                    &candidates,
                    &shifts,
                    ti,
                    ri,
                    rule,
                    interval,
                    intervals,
                ));
            }
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    (candidates, break_sets)
}

fn break_set(
    candidates: &[Candidate],
    shifts: &[usize],
    template: usize,
    rule_index: usize,
    rule: &crate::model::shifts::BreakRule,
    interval: i64,
    intervals: usize,
) -> BreakSet {
    let (e, l) = (
        i64::from(rule.earliest_offset),
        i64::from(rule.latest_offset),
    );
    let mut slots: Vec<i64> = Vec::new();
    for &c in shifts {
        let s = candidates[c].start_min;
        let mut o = e;
        while o <= l {
            slots.push(s + o);
            o += interval;
        }
    }
    slots.sort_unstable();
    slots.dedup();
    let windows = shifts
        .iter()
        .map(|&c| {
            let s = candidates[c].start_min;
            let first = slots.partition_point(|&t| t < s + e);
            let last = slots.partition_point(|&t| t <= s + l) - 1;
            (first, last)
        })
        .collect();
    let slot_cover = slots
        .iter()
        .map(|&t| cover(t, i64::from(rule.minutes), interval, intervals))
        .collect();
    BreakSet {
        template,
        rule: rule_index,
        shifts: shifts.to_vec(),
        slots,
        slot_cover,
        windows,
    }
}

//! Approved leave and fixed days off, read from the availability windows, and what leave does to a
//! week's minimum hours.
//!
//! A dated, all-day `unavailable` window is approved leave; a weekday one is a fixed day off every week.
//! Leave counts toward the week's working-time obligation, as in Finnish practice (a day of annual leave
//! reduces the period's regular hours by the contract's daily share, *vuosilomalaki* 162/2005 and the
//! sector agreements): an agent on leave three days of a week is not "below the minimum" for working the
//! two days left. The maximum is not reduced — it bounds hours worked, and leave is not worked.

use crate::agents::{Agent, When, Window};
use crate::grid::{iso_week, IsoWeek};
use chrono::{Datelike, NaiveDate};

/// Dates on which agent `a` is on leave: a dated, all-day unavailable window.
pub fn days_away(windows: &[Window], a: usize) -> Vec<NaiveDate> {
    let mut out: Vec<NaiveDate> = windows
        .iter()
        .filter(|w| w.agent == a && all_day_off(w))
        .filter_map(|w| match w.when {
            When::Date(d) => Some(d),
            When::Weekday(_) => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The weekdays (Monday first) on which agent `a` is off all day every week (a fixed day off).
pub fn weekdays_off(windows: &[Window], a: usize) -> [bool; 7] {
    let mut off = [false; 7];
    for w in windows.iter().filter(|w| w.agent == a && all_day_off(w)) {
        if let When::Weekday(wd) = w.when {
            off[wd.num_days_from_monday() as usize] = true;
        }
    }
    off
}

/// Whether a window is an unavailable whole day.
pub(crate) fn all_day_off(w: &Window) -> bool {
    !w.preferred && w.from_minute == 0 && w.to_minute >= 24 * 60
}

/// Days of leave agent `a` takes in ISO week `week`, fixed days off not counted (they are off anyway).
pub fn leave_days(windows: &[Window], a: usize, week: IsoWeek) -> u32 {
    let off = weekdays_off(windows, a);
    days_away(windows, a)
        .into_iter()
        .filter(|d| iso_week(*d) == week && !off[d.weekday().num_days_from_monday() as usize])
        .count() as u32
}

impl Agent {
    /// Hours one day of leave counts for: the contracted hours over the contract's working days.
    pub fn daily_hours(&self) -> f64 {
        self.contract_hours / f64::from(self.max_days.max(1))
    }

    /// The week's minimum hours with `leave` days of leave credited (at most `max_days` of them).
    pub fn min_hours_with_leave(&self, leave: u32) -> f64 {
        let credited = f64::from(leave.min(self.max_days)) * self.daily_hours();
        (self.min_hours - credited).max(0.0)
    }

    /// The week's contracted hours with `leave` days of leave credited.
    pub fn contract_hours_with_leave(&self, leave: u32) -> f64 {
        let credited = f64::from(leave.min(self.max_days)) * self.daily_hours();
        (self.contract_hours - credited).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;

    fn agent() -> Agent {
        Agent {
            id: "A".into(),
            name: "A".into(),
            team: String::new(),
            skills: vec![(0, 1.0)],
            contract_hours: 37.5,
            min_hours: 29.5,
            max_hours: 41.5,
            max_days: 5,
            contract: None,
            shifts: None,
            max_weekends: None,
            max_late_shifts: None,
        }
    }

    fn window(when: When, from: u32, to: u32) -> Window {
        Window {
            agent: 0,
            when,
            from_minute: from,
            to_minute: to,
            preferred: false,
            line: 2,
        }
    }

    #[test]
    fn each_leave_day_credits_the_contracts_daily_share() {
        let a = agent();
        // 37.5 h over 5 days: 7.5 h a day; 29.5 − 3 × 7.5 = 7.0.
        assert!((a.min_hours_with_leave(3) - 7.0).abs() < 1e-12);
        assert!((a.min_hours_with_leave(0) - 29.5).abs() < 1e-12);
        // A whole week of leave leaves nothing owed, never a negative minimum.
        assert!(a.min_hours_with_leave(7).abs() < 1e-12);
        assert!((a.contract_hours_with_leave(2) - 22.5).abs() < 1e-12);
    }

    #[test]
    fn leave_on_a_fixed_day_off_or_part_of_a_day_is_not_counted() {
        let d = |day| When::Date(NaiveDate::from_ymd_opt(2026, 11, day).unwrap_or_default());
        let windows = vec![
            window(When::Weekday(Weekday::Wed), 0, 24 * 60),
            window(d(24), 0, 24 * 60),      // Tue: leave
            window(d(25), 0, 24 * 60),      // Wed: off anyway
            window(d(26), 8 * 60, 12 * 60), // Thu: part of the day only
            window(d(30), 0, 24 * 60),      // next week
        ];
        let week = iso_week(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default());
        assert_eq!(leave_days(&windows, 0, week), 1);
        assert_eq!(leave_days(&windows, 1, week), 0);
        assert!(weekdays_off(&windows, 0)[2]);
    }
}

//! The planning grid: consecutive intervals of equal length in UTC, read in the model's time zone.
//!
//! Kept in UTC so a daylight-saving week simply has 92 or 100 quarter hours on its Sunday; every local
//! question (which day, which ISO week, where a local day starts) is answered here, once.

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Interval starts of a planning period and the time zone they are read in.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeGrid {
    starts: Vec<DateTime<Utc>>,
    interval_minutes: u32,
    time_zone: Tz,
}

/// ISO year and week number of a local date.
pub type IsoWeek = (i32, u32);

/// The ISO week a local date belongs to.
pub fn iso_week(date: NaiveDate) -> IsoWeek {
    let w = date.iso_week();
    (w.year(), w.week())
}

/// The first instant of a local date: its midnight, or the first minute after a daylight-saving gap
/// that swallows midnight.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> DateTime<Utc> {
    let mut local = date.and_time(NaiveTime::MIN);
    for _ in 0..24 * 60 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(1),
        }
    }
    date.and_time(NaiveTime::MIN).and_utc()
}

/// Fractions of grid intervals covered by `[from, from + minutes)`, times in minutes from the grid start.
pub(crate) fn cover(from: i64, minutes: i64, interval: i64, intervals: usize) -> Vec<(usize, f64)> {
    let to = from + minutes;
    let first = from.div_euclid(interval).max(0);
    let last = (to - 1).div_euclid(interval).min(intervals as i64 - 1);
    (first..=last)
        .filter_map(|t| {
            let (a, b) = (t * interval, (t + 1) * interval);
            let overlap = (to.min(b) - from.max(a)) as f64 / interval as f64;
            (overlap > 0.0).then_some((t as usize, overlap))
        })
        .collect()
}

impl TimeGrid {
    /// A grid from its interval starts (consecutive, `interval_minutes` apart).
    pub fn new(starts: Vec<DateTime<Utc>>, interval_minutes: u32, time_zone: Tz) -> TimeGrid {
        TimeGrid {
            starts,
            interval_minutes,
            time_zone,
        }
    }

    pub fn starts(&self) -> &[DateTime<Utc>] {
        &self.starts
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    pub fn interval_minutes(&self) -> u32 {
        self.interval_minutes
    }

    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// Hours in one interval.
    pub fn interval_hours(&self) -> f64 {
        f64::from(self.interval_minutes) / 60.0
    }

    /// First instant of the grid (`None` when empty).
    pub fn first(&self) -> Option<DateTime<Utc>> {
        self.starts.first().copied()
    }

    /// The end of the last interval (`None` when empty).
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.starts
            .last()
            .map(|t| *t + Duration::minutes(i64::from(self.interval_minutes)))
    }

    /// Local date an interval belongs to (the date of its start).
    pub fn date_of(&self, t: usize) -> NaiveDate {
        self.local_date(self.starts[t])
    }

    /// Local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.time_zone).date_naive()
    }

    /// The local dates of the grid, in order.
    pub fn dates(&self) -> Vec<NaiveDate> {
        let mut dates: Vec<NaiveDate> = (0..self.len()).map(|t| self.date_of(t)).collect();
        dates.dedup();
        dates
    }

    /// Fractions of grid intervals covered by `[from, to)`.
    pub fn cover(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<(usize, f64)> {
        let Some(first) = self.first() else {
            return Vec::new();
        };
        cover(
            (from - first).num_minutes(),
            (to - from).num_minutes(),
            i64::from(self.interval_minutes),
            self.len(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cover_fractions() {
        assert_eq!(
            cover(0, 60, 15, 96),
            vec![(0, 1.0), (1, 1.0), (2, 1.0), (3, 1.0)]
        );
        assert_eq!(cover(15, 15, 60, 24), vec![(0, 0.25)]);
        assert_eq!(cover(-30, 60, 15, 96), vec![(0, 1.0), (1, 1.0)]);
        assert_eq!(cover(90, 60, 60, 2), vec![(1, 0.5)]);
    }

    #[test]
    fn a_day_whose_midnight_the_clocks_skip_starts_after_the_gap() {
        // Santiago de Chile moved its clocks from 00:00 to 01:00 on 2022-09-11.
        let tz: Tz = "America/Santiago".parse().unwrap_or(chrono_tz::UTC);
        let day = NaiveDate::from_ymd_opt(2022, 9, 11).unwrap_or_default();
        let first = start_of_day(tz, day).with_timezone(&tz);
        assert_eq!(first.format("%H:%M").to_string(), "01:00");
        // Helsinki on an ordinary day: midnight.
        let hel: Tz = "Europe/Helsinki".parse().unwrap_or(chrono_tz::UTC);
        let t = start_of_day(
            hel,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default(),
        );
        assert_eq!(t.to_rfc3339(), "2026-11-22T22:00:00+00:00");
    }
}

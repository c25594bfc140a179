//! What a rule looks at: an agent's shifts so far, by ISO week, and the facts of a shift on offer.

use crate::agents::{When, Window};
use crate::grid::{iso_week, IsoWeek};
use crate::model::Model;
use crate::staffing::{Span, TemplateId};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// One agent's rostered shifts, kept in the forms the rules read.
#[derive(Debug, Clone, Default)]
pub struct AgentWeek {
    /// Paid hours per ISO week (contract bands, `max_days` and the weekly rest are per week).
    pub hours: BTreeMap<IsoWeek, f64>,
    pub days: BTreeSet<NaiveDate>,
    /// (start, end) of the shifts, sorted.
    pub spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Local start minute of each shift.
    pub start_minutes: Vec<u32>,
    pub weekends: u32,
    pub lates: u32,
    /// The shifts themselves, in the order taken.
    pub taken: Vec<Taken>,
}

/// What the rules read of a shift an agent has (a copy without the shift's breaks and channels, so
/// the roster search can rebuild weeks without allocating).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub template: TemplateId,
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// A late shift (see [`Offer::late`]).
    pub late: bool,
    /// The channels of the shift, as bits of their indices (channels past the 128th are left out).
    pub channels: u128,
}

impl Taken {
    /// The template's name in the model.
    pub fn template_name<'m>(&self, model: &'m Model) -> &'m str {
        model
            .shifts
            .get(self.template.0)
            .map_or("", |t| t.name.as_str())
    }
}

impl AgentWeek {
    pub fn hours_in(&self, week: IsoWeek) -> f64 {
        self.hours.get(&week).copied().unwrap_or(0.0)
    }

    pub fn days_in(&self, week: IsoWeek) -> u32 {
        self.days.iter().filter(|d| iso_week(**d) == week).count() as u32
    }

    /// Working days in the ISO week of `date` (as [`days_in`](Self::days_in), by a range look-up).
    pub fn days_in_week_of(&self, date: NaiveDate) -> u32 {
        let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
        self.days.range(monday..monday + Duration::days(7)).count() as u32
    }

    /// The longest run of consecutive working days if the agent also worked `date`.
    pub fn run_with(&self, date: NaiveDate) -> u32 {
        let mut through = 1;
        let mut d = date;
        while let Some(p) = d.pred_opt().filter(|p| self.days.contains(p)) {
            through += 1;
            d = p;
        }
        d = date;
        while let Some(n) = d.succ_opt().filter(|n| self.days.contains(n)) {
            through += 1;
            d = n;
        }
        through.max(longest_run(&self.days))
    }

    /// Records a shift the agent takes.
    pub fn take(&mut self, shift: &Offer<'_>) {
        let hours = self.hours.entry(shift.week).or_default();
        *hours = from_minutes(minutes(*hours) + i64::from(shift.span.paid_minutes));
        self.days.insert(shift.span.date);
        let span = (shift.span.start, shift.span.end);
        let at = self.spans.partition_point(|s| *s <= span);
        self.spans.insert(at, span);
        self.start_minutes.push(shift.start_minute);
        self.weekends += u32::from(shift.weekend);
        self.lates += u32::from(shift.late);
        self.taken.push(Taken {
            template: shift.span.template,
            date: shift.span.date,
            start: shift.span.start,
            end: shift.span.end,
            late: shift.late,
            channels: channel_bits(&shift.span.channels),
        });
    }

    /// Forgets a shift the agent took (see [`take`](Self::take)): the week is then the week of the
    /// agent's other shifts, whatever order they were taken in, as the rules read it (hours are kept in
    /// whole minutes, so a sum does not depend on its order). The roster search prices a move on a
    /// copy of the agent's week with one shift given back and one taken, instead of rebuilding the
    /// whole period's week shift by shift.
    pub fn give_back(&mut self, shift: &Offer<'_>) {
        let s = shift.span;
        let Some(at) = self.taken.iter().position(|t| {
            (t.template, t.date, t.start, t.end) == (s.template, s.date, s.start, s.end)
        }) else {
            return;
        };
        self.taken.remove(at);
        if let Some(hours) = self.hours.get_mut(&shift.week) {
            match minutes(*hours) - i64::from(s.paid_minutes) {
                m if m > 0 => *hours = from_minutes(m),
                _ => {
                    self.hours.remove(&shift.week);
                }
            }
        }
        if !self.taken.iter().any(|t| t.date == s.date) {
            self.days.remove(&s.date);
        }
        if let Some(at) = self.spans.iter().position(|x| *x == (s.start, s.end)) {
            self.spans.remove(at);
        }
        if let Some(at) = self
            .start_minutes
            .iter()
            .position(|m| *m == shift.start_minute)
        {
            self.start_minutes.remove(at);
        }
        self.weekends = self.weekends.saturating_sub(u32::from(shift.weekend));
        self.lates = self.lates.saturating_sub(u32::from(shift.late));
    }

    /// The week of an agent who works `spans`, taken in start order.
    pub fn of<'s>(
        model: &Model,
        late_after_h: f64,
        spans: impl IntoIterator<Item = &'s Span>,
    ) -> AgentWeek {
        let mut spans: Vec<&Span> = spans.into_iter().collect();
        spans.sort_by_key(|s| (s.start, s.template));
        let mut week = AgentWeek::default();
        for s in spans {
            week.take(&Offer::new(model, late_after_h, s));
        }
        week
    }

    /// The ISO weeks the agent works in.
    pub fn weeks(&self) -> BTreeSet<IsoWeek> {
        self.days.iter().map(|d| iso_week(*d)).collect()
    }
}

/// Whole minutes of a week's hours (they are always a number of minutes over 60, see [`from_minutes`]).
fn minutes(hours: f64) -> i64 {
    (hours * 60.0).round() as i64
}

/// Hours of whole minutes: a week's hours are kept this way so that adding and removing shifts in any
/// order gives the same figure to the bit.
fn from_minutes(minutes: i64) -> f64 {
    minutes as f64 / 60.0
}

/// Channels as bits of their indices (channels past the 128th are left out).
pub fn channel_bits(channels: &[crate::staffing::ChannelId]) -> u128 {
    channels
        .iter()
        .filter(|c| c.0 < 128)
        .fold(0, |bits, c| bits | 1u128 << c.0)
}

/// A shift on offer, with the facts the rules need computed once.
#[derive(Debug, Clone)]
pub struct Offer<'a> {
    pub span: &'a Span,
    /// ISO weeks of its date and of its end.
    pub week: IsoWeek,
    pub end_week: IsoWeek,
    pub weekend: bool,
    /// Ends at or after `late_after`, or after midnight.
    pub late: bool,
    pub start_minute: u32,
}

impl<'a> Offer<'a> {
    pub fn new(model: &Model, late_after_h: f64, span: &'a Span) -> Offer<'a> {
        let tz = model.time_zone;
        let end_date = span.end.with_timezone(&tz).date_naive();
        let late_minute = (late_after_h * 60.0) as u32;
        Offer {
            span,
            week: iso_week(span.date),
            end_week: iso_week(end_date),
            weekend: matches!(span.date.weekday(), Weekday::Sat | Weekday::Sun),
            late: local_minutes(model, span.end) >= late_minute || end_date > span.date,
            start_minute: local_minutes(model, span.start),
        }
    }
}

/// Minutes after local midnight.
pub fn local_minutes(model: &Model, t: DateTime<Utc>) -> u32 {
    let l = t.with_timezone(&model.time_zone);
    l.hour() * 60 + l.minute()
}

/// Whether `[start, end)` meets a window of the agent (local wall-clock, per date or weekday).
pub fn overlaps(model: &Model, w: &Window, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let tz = model.time_zone;
    let (ls, le) = (
        start.with_timezone(&tz).naive_local(),
        end.with_timezone(&tz).naive_local(),
    );
    let mut day = ls.date();
    while day <= le.date() {
        let applies = match w.when {
            When::Date(d) => d == day,
            When::Weekday(wd) => day.weekday() == wd,
        };
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        let from = midnight + Duration::minutes(i64::from(w.from_minute));
        let to = midnight + Duration::minutes(i64::from(w.to_minute));
        if applies && ls < to && from < le {
            return true;
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    false
}

/// Longest rest inside a week's window, with the shifts clipped to it (time outside the plan counts as
/// rest: nothing is known of it).
pub fn weekly_rest(
    spans: &[(DateTime<Utc>, DateTime<Utc>)],
    window: (DateTime<Utc>, DateTime<Utc>),
) -> f64 {
    weekly_rest_of(spans.iter().copied(), window)
}

/// [`weekly_rest`] of shifts given in start order, without gathering them.
pub fn weekly_rest_of(
    spans: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    window: (DateTime<Utc>, DateTime<Utc>),
) -> f64 {
    let mut edge = window.0;
    let mut longest = 0i64;
    for (s, e) in spans.filter(|(s, e)| *s < window.1 && *e > window.0) {
        let s = s.max(window.0);
        longest = longest.max((s - edge).num_minutes());
        edge = edge.max(e.min(window.1));
    }
    longest = longest.max((window.1 - edge).num_minutes());
    longest as f64 / 60.0
}

/// Longest run of consecutive dates.
pub fn longest_run(days: &BTreeSet<NaiveDate>) -> u32 {
    let (mut best, mut run, mut previous): (u32, u32, Option<NaiveDate>) = (0, 0, None);
    for d in days {
        run = match previous {
            Some(p) if p.succ_opt() == Some(*d) => run + 1,
            _ => 1,
        };
        best = best.max(run);
        previous = Some(*d);
    }
    best
}

/// Rest before each shift after the first, hours, with the shift's start.
pub fn rests(spans: &[(DateTime<Utc>, DateTime<Utc>)]) -> Vec<(f64, DateTime<Utc>)> {
    spans
        .windows(2)
        .map(|pair| {
            (
                (pair[1].0 - pair[0].1).num_minutes() as f64 / 60.0,
                pair[1].0,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::Span;

    fn model() -> Model {
        crate::fixtures::voice_model()
    }

    /// A shift of November 2026 from `hour` for `minutes`, paid all but 10 minutes (so its hours,
    /// in twentieths and sixtieths of an hour, are not exact binary fractions).
    fn shift(day: u32, hour: u32, minutes: i64) -> Span {
        crate::fixtures::shift(day, hour, minutes, (minutes - 10) as u32)
    }

    /// What the rules read of a week, its lists in a fixed order.
    fn seen(w: &AgentWeek) -> impl PartialEq + std::fmt::Debug {
        let mut starts = w.start_minutes.clone();
        starts.sort_unstable();
        let mut taken: Vec<(NaiveDate, DateTime<Utc>)> =
            w.taken.iter().map(|t| (t.date, t.start)).collect();
        taken.sort_unstable();
        let hours: Vec<(IsoWeek, u64)> = w.hours.iter().map(|(k, h)| (*k, h.to_bits())).collect();
        (
            hours,
            w.days.clone(),
            w.spans.clone(),
            starts,
            w.weekends,
            w.lates,
            taken,
        )
    }

    /// Shifts of two ISO weeks (Fri 27 to Mon 30 November, a weekend and late ends among them) taken
    /// in an order of their own, then one given back: the week the rules read is the one built from
    /// the others in start order, hours equal to the bit although 4 h 7 min and 6 h 13 min are not
    /// binary fractions of an hour.
    #[test]
    fn a_week_with_a_shift_given_back_is_the_week_of_the_others() {
        let m = model();
        let late = m.rules.late_after_h;
        let spans = [
            shift(27, 8, 247),
            shift(28, 15, 373),
            shift(29, 9, 253),
            shift(30, 12, 487),
        ];
        for out in 0..spans.len() {
            let mut week = AgentWeek::default();
            for k in [2, 0, 3, 1] {
                week.take(&Offer::new(&m, late, &spans[k]));
            }
            week.give_back(&Offer::new(&m, late, &spans[out]));
            let others: Vec<&Span> = (0..spans.len())
                .filter(|&k| k != out)
                .map(|k| &spans[k])
                .collect();
            assert_eq!(seen(&week), seen(&AgentWeek::of(&m, late, others)), "{out}");
        }
    }
}

//! The workforce a shift plan is for, as the integer program sees it.
//!
//! A plan chosen as if any number of agents of any contract existed cannot be rostered: it asks for more
//! part-time shifts than part-timers can work, or fewer hours than the contracts pay. The program
//! therefore learns the workforce in aggregate — agents grouped by the templates their skills and
//! contract allow — and splits every template-day's shifts over the groups (`y_{g,t,d} ≥ 0`) under:
//! * [`Family::WorkforceCover`]: each template-day's shifts are worked by groups that may work them
//!   (a shift none can work only at [`UNWORKED_SHIFT_PRICE`], so a rounded plan stays feasible);
//! * [`Family::WorkforceDays`]: a group works at most one shift per present agent a day;
//! * [`Family::WorkforceHours`]: in each whole week, the group's shifts of each paid length are what
//!   its agents' weeks hold, each agent working one *pattern* — so many shifts of each length, at most
//!   `max_days`, paid hours at most `max_hours` — at [`SHORT_HOUR_PRICE`] per hour below its minimum
//!   (leave credited), so an impossible minimum still gives a plan, and a report. Patterns make lengths count:
//!   29.5 h cannot be 4 h shifts on 5 days.
//!
//! This is the aggregate (group-level) relaxation of the per-agent tour assignment, as in the
//! "workforce-constrained" days-off and shift scheduling of Brusco & Jacobs (2000), *Management Science*
//! 46(12); the roster search then assigns individual agents.
//!
//! [`Family::WorkforceCover`]: crate::rules::family::Family::WorkforceCover
//! [`Family::WorkforceDays`]: crate::rules::family::Family::WorkforceDays
//! [`Family::WorkforceHours`]: crate::rules::family::Family::WorkforceHours

use crate::agents::{Agent, When, Window};
use crate::grid::{iso_week, IsoWeek};
use crate::leave::{all_day_off, days_away, weekdays_off};
use crate::model::Model;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// What an hour below a group's summed minimum costs the program: far above any shift's cost per hour.
pub const SHORT_HOUR_PRICE: f64 = 1_000.0;

/// What a shift no agent can work costs the program: above a whole week's minimum hours short.
pub const UNWORKED_SHIFT_PRICE: f64 = 100.0 * SHORT_HOUR_PRICE;

/// Agents alike for the plan: the same templates, weekly hours band and working days.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The agents (indices into the agents file).
    pub agents: Vec<usize>,
    /// Templates every agent of the group may work (skills hold the channels, the contract allows it).
    pub templates: Vec<usize>,
    /// Each agent's weekly hours band and working days.
    pub min_hours: f64,
    pub max_hours: f64,
    pub max_days: u32,
    /// Hours a day of leave is credited (the contract's daily share).
    pub daily_hours: f64,
    /// Agents of the group on leave all day, per date.
    pub away: BTreeMap<NaiveDate, u32>,
    /// Agents of the group off all day every week on a weekday (Monday first).
    pub weekday_off: [u32; 7],
    /// Days of leave each agent of the group takes per ISO week (parallel to `agents`): leave is
    /// credited toward the week's minimum hours ([`crate::leave`]).
    pub leave: Vec<BTreeMap<IsoWeek, u32>>,
    /// Per agent (parallel to `agents`), the dates it may work a shift of the group: a template of the
    /// group starts that weekday, the agent is not off on it every week, and not on leave. An agent
    /// off on fixed weekdays, or on leave, may have fewer such days in a week than `max_days`: its
    /// patterns have as many days at most (a part-timer off on Wednesdays and Thursdays in a
    /// weekdays-only team reaches 17 h in three 6 h shifts, not four 4 h ones).
    pub workable: Vec<WorkableDays>,
    /// Each agent's windows of unavailability as (when, all day), parallel to `agents`: the
    /// days-off rows ([`super::days_off`]) tell a day off from leave, which the rule excuses.
    pub unavailable: Vec<Vec<(When, bool)>>,
}

/// The days an agent may work a shift of its group: weekdays, and dates of leave taken out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkableDays {
    /// Weekdays (Monday first) a template of the group starts and the agent is not off every week.
    pub weekdays: [bool; 7],
    /// Dates of leave on such weekdays.
    pub leave: Vec<NaiveDate>,
}

impl WorkableDays {
    /// The dates of `week` the agent may work.
    pub fn dates(&self, week: IsoWeek) -> Vec<NaiveDate> {
        let (year, number) = week;
        let monday = NaiveDate::from_isoywd_opt(year, number, chrono::Weekday::Mon);
        (0..7u64)
            .filter(|&d| self.weekdays[d as usize])
            .filter_map(|d| monday.and_then(|m| m.checked_add_days(chrono::Days::new(d))))
            .filter(|date| !self.leave.contains(date))
            .collect()
    }

    /// How many days of `week` the agent may work.
    pub fn in_week(&self, week: IsoWeek) -> u32 {
        let open = self.weekdays.iter().filter(|&&d| d).count() as u32;
        let away = self.leave.iter().filter(|d| iso_week(**d) == week).count() as u32;
        open.saturating_sub(away)
    }
}

impl Group {
    /// The group's agents by (days of leave, most days they may work) in `week`: each class has
    /// its own patterns ([`Group::patterns`]).
    pub fn by_class(&self, week: IsoWeek) -> BTreeMap<(u32, u32), u32> {
        debug_assert_eq!(self.leave.len(), self.workable.len());
        let mut out = BTreeMap::new();
        for (leave, workable) in self.leave.iter().zip(&self.workable) {
            let leave = leave.get(&week).copied().unwrap_or(0);
            let days = workable.in_week(week).min(self.max_days);
            *out.entry((leave, days)).or_default() += 1;
        }
        out
    }

    /// The shifts some of the group's agents cannot do without in `week`: (date, least paid
    /// length) → agents. An agent whose every week that reaches its minimum works every day it may
    /// (a part-timer off two weekdays: three days, 17 h) needs a shift on each of those dates, at
    /// least as long as the shortest its weeks use — which the weekly patterns, counting lengths
    /// over the week, do not see: they let two such agents share one Monday 6 h shift. Only for a
    /// minimum that binds (`min_hard`) and a week whose dates all lie in the period.
    pub fn forced_days(
        &self,
        lengths: &[u32],
        week: IsoWeek,
        min_hard: bool,
    ) -> BTreeMap<(NaiveDate, u32), u32> {
        let mut out = BTreeMap::new();
        if !min_hard {
            return out;
        }
        debug_assert_eq!(self.leave.len(), self.workable.len());
        for (leave, workable) in self.leave.iter().zip(&self.workable) {
            let leave = leave.get(&week).copied().unwrap_or(0);
            let open = workable.in_week(week);
            // An idle week meets a minimum the leave has used up: nothing is forced.
            if open > self.max_days || self.min_hours_with_leave(leave) <= 1e-9 {
                continue;
            }
            let reaching: Vec<Vec<u32>> = self
                .patterns(lengths, leave, open, true)
                .into_iter()
                .filter(|(c, short)| *short == 0.0 && c.iter().any(|n| *n > 0))
                .map(|(c, _)| c)
                .collect();
            let every_day = |c: &Vec<u32>| c.iter().sum::<u32>() == open;
            if reaching.is_empty() || !reaching.iter().all(every_day) {
                continue;
            }
            let least = reaching
                .iter()
                .flat_map(|c| c.iter().zip(lengths).filter(|(n, _)| **n > 0))
                .map(|(_, l)| *l)
                .min()
                .unwrap_or(0);
            for date in workable.dates(week) {
                *out.entry((date, least)).or_default() += 1;
            }
        }
        out
    }

    /// Agents of the group who can work on `date`.
    pub fn present(&self, date: NaiveDate) -> u32 {
        let away = self.away.get(&date).copied().unwrap_or(0)
            + self.weekday_off[date.weekday().num_days_from_monday() as usize];
        (self.agents.len() as u32).saturating_sub(away)
    }

    /// The minimum hours in a week of `leave` days of leave, leave credited.
    pub fn min_hours_with_leave(&self, leave: u32) -> f64 {
        let credited = f64::from(leave.min(self.max_days)) * self.daily_hours;
        (self.min_hours - credited).max(0.0)
    }

    /// How many of the group's agents take each number of leave days in `week`.
    pub fn by_leave(&self, week: IsoWeek) -> BTreeMap<u32, u32> {
        let mut out = BTreeMap::new();
        for leave in &self.leave {
            *out.entry(leave.get(&week).copied().unwrap_or(0))
                .or_default() += 1;
        }
        out
    }
}

/// The workforce in groups, and whether its minimum hours bind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Workforce {
    pub groups: Vec<Group>,
    /// Whether `min_hours` is a hard rule (the model may list it in `[rules] soft`).
    pub min_hours_hard: bool,
    /// Shifts of a template on a date the agents can work at most, learnt from a roster that left
    /// some of them open (rest rules and availability the aggregate rows do not see): (template,
    /// date) → shifts. Shifts beyond a cap are priced as no agent's ([`UNWORKED_SHIFT_PRICE`]).
    pub caps: BTreeMap<(usize, NaiveDate), u32>,
}

impl Workforce {
    /// Groups `agents` by the templates they may work; `windows` give their leave.
    pub fn new(model: &Model, agents: &[Agent], windows: &[Window]) -> Workforce {
        let mut groups: Vec<Group> = Vec::new();
        for (a, agent) in agents.iter().enumerate() {
            let templates: Vec<usize> = (0..model.shifts.len())
                .filter(|&t| {
                    agent.may_work(t)
                        && model.shifts[t].channels.iter().all(|c| agent.has_skill(*c))
                })
                .collect();
            let off = weekdays_off(windows, a);
            let away: Vec<NaiveDate> = days_away(windows, a)
                .into_iter()
                .filter(|d| !off[d.weekday().num_days_from_monday() as usize])
                .collect();
            let mut leave: BTreeMap<IsoWeek, u32> = BTreeMap::new();
            for d in &away {
                *leave.entry(iso_week(*d)).or_default() += 1;
            }
            let alike = |g: &Group| {
                g.templates == templates
                    && g.min_hours.to_bits() == agent.min_hours.to_bits()
                    && g.max_hours.to_bits() == agent.max_hours.to_bits()
                    && g.daily_hours.to_bits() == agent.daily_hours().to_bits()
                    && g.max_days == agent.max_days
            };
            let i = match groups.iter().position(alike) {
                Some(i) => i,
                None => {
                    groups.push(Group {
                        agents: Vec::new(),
                        templates,
                        min_hours: agent.min_hours,
                        max_hours: agent.max_hours,
                        max_days: agent.max_days,
                        daily_hours: agent.daily_hours(),
                        away: BTreeMap::new(),
                        weekday_off: [0; 7],
                        leave: Vec::new(),
                        workable: Vec::new(),
                        unavailable: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let g = &mut groups[i];
            // A template starting after midnight puts a day's shift in the next day's hours: an
            // agent away all day may still work the shift of that date, so no day is taken out.
            let night = g
                .templates
                .iter()
                .any(|&t| model.shifts[t].latest_start >= 24 * 60);
            let mut weekdays = [false; 7];
            for (d, open) in weekdays.iter_mut().enumerate() {
                *open = (night || !off[d]) && g.templates.iter().any(|&t| model.shifts[t].days[d]);
            }
            let on_leave = away
                .iter()
                .copied()
                .filter(|d| !night && weekdays[d.weekday().num_days_from_monday() as usize])
                .collect();
            g.workable.push(WorkableDays {
                weekdays,
                leave: on_leave,
            });
            g.agents.push(a);
            g.leave.push(leave);
            g.unavailable.push(
                windows
                    .iter()
                    .filter(|w| w.agent == a && !w.preferred)
                    .map(|w| (w.when, all_day_off(w)))
                    .collect(),
            );
            for (day, is_off) in g.weekday_off.iter_mut().zip(off) {
                *day += u32::from(is_off);
            }
            for date in away {
                *g.away.entry(date).or_default() += 1;
            }
        }
        Workforce {
            groups,
            min_hours_hard: model.rules.is_hard(crate::rules::Rule::MinHours),
            caps: BTreeMap::new(),
        }
    }

    /// The groups that may work template `t`.
    pub fn groups_for(&self, t: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.groups.len()).filter(move |&g| self.groups[g].templates.contains(&t))
    }
}

impl Group {
    /// Every week one agent of the group may work: how many shifts of each of `lengths`, at most
    /// `days` (its [`Group::by_class`] days, within `max_days`) in all and at most `max_hours` paid, each with the hours it leaves below the week's
    /// minimum with `leave` days of leave (none when the minimum is soft). An idle week stays possible
    /// at the price of its whole minimum; weeks between idle and the minimum only when no week reaches
    /// it, so a contract whose minimum the templates cannot reach still works the most it can.
    pub fn patterns(
        &self,
        lengths: &[u32],
        leave: u32,
        days: u32,
        min_hard: bool,
    ) -> Vec<(Vec<u32>, f64)> {
        let min = if min_hard {
            self.min_hours_with_leave(leave)
        } else {
            0.0
        };
        let max = self.max_hours * 60.0 + 1e-6;
        let mut out = Vec::new();
        let mut counts = vec![0u32; lengths.len()];
        fill(
            lengths,
            0,
            days.min(self.max_days),
            &mut counts,
            &mut |c: &[u32]| {
                let minutes: f64 = c.iter().zip(lengths).map(|(n, l)| f64::from(n * l)).sum();
                if minutes <= max {
                    out.push((c.to_vec(), (min - minutes / 60.0 - 1e-9).max(0.0)));
                }
            },
        );
        // When the minimum can be met, a week is at least the minimum or idle (priced whole), which
        // keeps the relaxation tight: partial weeks are only for a minimum no week can reach.
        if out
            .iter()
            .any(|(c, short)| *short == 0.0 && c.iter().any(|n| *n > 0))
        {
            out.retain(|(c, short)| *short == 0.0 || c.iter().all(|n| *n == 0));
        }
        out
    }
}

/// The short-hour price every plan pays in `weeks`: per agent, the hours its minimum exceeds the most
/// any week of its templates can hold (a contract the templates cannot satisfy). The LP relaxation pays
/// it too, so the bound reported against a plan's shift cost leaves it out. `lengths_of(g)` gives group
/// `g`'s paid lengths.
pub fn unavoidable_price(
    workforce: &Workforce,
    weeks: &[IsoWeek],
    lengths_of: impl Fn(&Group) -> Vec<u32>,
) -> f64 {
    if !workforce.min_hours_hard {
        return 0.0;
    }
    let mut hours = 0.0;
    for group in &workforce.groups {
        let lengths = lengths_of(group);
        for week in weeks {
            for ((leave, days), agents) in group.by_class(*week) {
                let least = group
                    .patterns(&lengths, leave, days, true)
                    .iter()
                    .map(|(_, short)| *short)
                    .fold(f64::INFINITY, f64::min);
                if least.is_finite() {
                    hours += least * f64::from(agents);
                }
            }
        }
    }
    SHORT_HOUR_PRICE * hours
}

/// Calls `visit` with every way to take at most `left` shifts of `lengths[k..]`.
fn fill(
    lengths: &[u32],
    k: usize,
    left: u32,
    counts: &mut Vec<u32>,
    visit: &mut dyn FnMut(&[u32]),
) {
    if k == lengths.len() {
        visit(counts);
        return;
    }
    for n in 0..=left {
        counts[k] = n;
        fill(lengths, k + 1, left - n, counts, visit);
    }
    counts[k] = 0;
}

/// The ISO weeks of `dates` that lie whole among them.
pub fn whole_weeks(dates: &[NaiveDate]) -> Vec<IsoWeek> {
    let mut count: BTreeMap<IsoWeek, u32> = BTreeMap::new();
    for d in dates {
        *count.entry(iso_week(*d)).or_default() += 1;
    }
    count
        .into_iter()
        .filter(|(_, n)| *n == 7)
        .map(|(w, _)| w)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part_timers(min_hours: f64) -> Group {
        Group {
            agents: vec![0, 1],
            templates: vec![0],
            min_hours,
            max_hours: 27.0,
            max_days: 4,
            daily_hours: 25.0 / 4.0,
            away: BTreeMap::new(),
            weekday_off: [0; 7],
            leave: vec![BTreeMap::new(), BTreeMap::new()],
            workable: vec![every_day(); 2],
            unavailable: vec![Vec::new(), Vec::new()],
        }
    }

    fn every_day() -> WorkableDays {
        WorkableDays {
            weekdays: [true; 7],
            leave: Vec::new(),
        }
    }

    /// A weekdays-only part-time team (4 h and 6 h shifts, 17–27 h in at most 4 days): Ada is off
    /// every Wednesday and Thursday, Bo on leave on Monday 23 November, Dee Monday to Thursday; Cai
    /// works every weekday.
    fn weekday_team() -> Workforce {
        let m = crate::model::Model::from_toml(
            std::path::Path::new("m.toml"),
            "name = \"W\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
            [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
            hours = { weekdays = \"08:00-18:00\" }\n\
            [[shift]]\nname = \"pt\"\nlengths = [\"6h\", \"4h\"]\nstart = \"08:00-12:00\"\nstart_step = \"60m\"\ndays = \"weekdays\"\nchannels = [\"voice\"]\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let csv = "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
            A,Ada,voice,25,17,27,4\nB,Bo,voice,25,17,27,4\nC,Cai,voice,25,17,27,4\n\
            D,Dee,voice,25,17,27,4\n";
        let agents = crate::agents::read_agents(std::path::Path::new("a.csv"), csv, &m)
            .unwrap_or_else(|e| panic!("{e}"));
        let windows = crate::agents::read_availability(
            std::path::Path::new("v.csv"),
            "agent_id,date,from,to,kind\nA,wed,00:00,24:00,unavailable\n\
            A,thu,00:00,24:00,unavailable\nB,2026-11-23,00:00,24:00,unavailable\n\
            D,2026-11-23,00:00,24:00,unavailable\nD,2026-11-24,00:00,24:00,unavailable\n\
            D,2026-11-25,00:00,24:00,unavailable\nD,2026-11-26,00:00,24:00,unavailable\n",
            &agents,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        Workforce::new(&m, &agents, &windows)
    }

    #[test]
    fn fixed_days_off_and_leave_leave_fewer_days_to_work() {
        let team = weekday_team();
        let group = &team.groups[0];
        // Ada: Monday, Tuesday and Friday. Bo: four of the five weekdays, one of them leave
        // (credited: 25/4 h off the minimum). Cai: four (the contract's most). Dee: Friday alone.
        let classes: Vec<((u32, u32), u32)> = group.by_class((2026, 48)).into_iter().collect();
        assert_eq!(
            classes,
            vec![((0, 3), 1), ((0, 4), 1), ((1, 4), 1), ((4, 1), 1)]
        );
    }

    #[test]
    fn three_days_reach_seventeen_hours_only_in_six_hour_shifts() {
        // Lengths in paid minutes, 6 h then 4 h (any order: counts follow it). 6+6+4 = 16 h < 17 h, so
        // the only working week of three days is three 6 h shifts; four days allow one 6 h shift.
        let group = &weekday_team().groups[0];
        let working = |days| -> Vec<Vec<u32>> {
            group
                .patterns(&[360, 240], 0, days, true)
                .into_iter()
                .filter(|(c, _)| c.iter().any(|n| *n > 0))
                .map(|(c, short)| {
                    assert!(short.abs() < 1e-9, "{short} h short");
                    c
                })
                .collect()
        };
        assert_eq!(working(3), vec![vec![3, 0]]);
        assert!(working(4).contains(&vec![1, 3]));
    }

    #[test]
    fn an_agent_with_no_day_to_spare_needs_a_long_shift_on_each_of_its_days() {
        // Ada reaches 17 h in her three days only as three 6 h shifts: Monday 23, Tuesday 24 and
        // Friday 27 November each need one. Bo (10.75 h after a day of leave, 12 h in three 4 h
        // shifts) and Cai (18 h in three 6 h shifts) have a day to spare: nothing is forced. Dee's
        // four days of leave credit 25 h, her whole minimum: an idle Friday meets it.
        let group = &weekday_team().groups[0];
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).expect("a date");
        let forced: Vec<_> = group
            .forced_days(&[240, 360], (2026, 48), true)
            .into_iter()
            .collect();
        assert_eq!(
            forced,
            vec![
                ((day(23), 360), 1),
                ((day(24), 360), 1),
                ((day(27), 360), 1)
            ]
        );
        assert!(group.forced_days(&[240, 360], (2026, 48), false).is_empty());
    }

    #[test]
    fn a_reachable_minimum_allows_only_weeks_at_the_minimum_or_idle() {
        // 4 h and 6 h shifts, at most 4 days, 17–27 h: listed by hand, the weeks of at least 17 h are
        // (4,4,4,6) … and every 0 4 h / n 6 h mix; below 17 h only the idle week, at 17 h short.
        let weeks = part_timers(17.0).patterns(&[240, 360], 0, 4, true);
        for (counts, short) in &weeks {
            let hours = f64::from(counts[0] * 4 + counts[1] * 6);
            assert!(hours <= 27.0 && counts[0] + counts[1] <= 4);
            if hours == 0.0 {
                assert!((short - 17.0).abs() < 1e-6);
            } else {
                assert!(hours >= 17.0 && *short == 0.0, "{counts:?}");
            }
        }
        // Brute force over every mix: (a, b) with a + b ≤ 4, 17 ≤ 4a + 6b ≤ 27, plus idle.
        let expected = (0..=4u32)
            .flat_map(|a| (0..=4 - a).map(move |b| (a, b)))
            .filter(|(a, b)| (17..=27).contains(&(4 * a + 6 * b)))
            .count()
            + 1;
        assert_eq!(weeks.len(), expected);
    }

    #[test]
    fn an_unreachable_minimum_still_works_the_most_it_can_at_a_price_per_hour_short() {
        // Only 4 h shifts and 4 days: 16 h at most against a 17 h minimum.
        let weeks = part_timers(17.0).patterns(&[240], 0, 4, true);
        let shorts: Vec<(u32, f64)> = weeks.iter().map(|(c, s)| (c[0], *s)).collect();
        assert_eq!(shorts.len(), 5);
        for (n, short) in shorts {
            assert!((short - (17.0 - 4.0 * f64::from(n))).abs() < 1e-6);
        }
        // Both agents are 1 h short whatever the plan: the bound leaves that price out.
        let workforce = Workforce {
            groups: vec![part_timers(17.0)],
            min_hours_hard: true,
            caps: BTreeMap::new(),
        };
        let week = (2026, 48);
        let price = unavoidable_price(&workforce, &[week], |_| vec![240]);
        assert!((price - 2.0 * SHORT_HOUR_PRICE).abs() < 1e-3);
        assert!(unavoidable_price(&workforce, &[week], |_| vec![240, 360]).abs() < 1e-9);
        // Two days of leave (6.25 h each) leave 4.5 h owed: two 4 h shifts or more meet it.
        let with_leave = part_timers(17.0).patterns(&[240], 2, 4, true);
        assert!(with_leave
            .iter()
            .all(|(c, s)| (c[0] >= 2 && *s == 0.0) || c[0] == 0));
    }
}

//! Who works when, on which channel: the one value between the stages that *write* staffing (the
//! scheduler's anonymous shift plan, the roster's named shifts) and those that *read* it (the evaluator,
//! the exports, the reports, the simulator).
//!
//! A [`Span`] is one shift with its breaks, worked by `count` agents — anonymous in a shift plan, one
//! named agent in a roster. Channels, templates and agents are referred to by index newtypes into the
//! model's channels, the model's shift templates and the roster's agent list.

use crate::grid::TimeGrid;
use crate::model::Model;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// Index into `Model::channels`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChannelId(pub usize);

/// Index into `Model::shifts` (the shift templates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TemplateId(pub usize);

/// Index into a roster's agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId(pub usize);

/// A break inside a span.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Break {
    pub start: DateTime<Utc>,
    pub minutes: u32,
    pub paid: bool,
    pub name: String,
}

impl Break {
    pub fn end(&self) -> DateTime<Utc> {
        self.start + Duration::minutes(i64::from(self.minutes))
    }
}

/// One shift with its break placement, worked by `count` agents (one named agent in a roster).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub agent: Option<AgentId>,
    pub template: TemplateId,
    /// Local date the shift belongs to (its start date, also when it ends after midnight).
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// In time order.
    pub breaks: Vec<Break>,
    /// Channels the agents may work, one at a time.
    pub channels: Vec<ChannelId>,
    pub count: u32,
    /// Paid minutes per agent.
    pub paid_minutes: u32,
    /// Cost per agent (the template's cost).
    pub cost: f64,
}

impl Span {
    /// Paid hours per agent.
    pub fn paid_hours(&self) -> f64 {
        f64::from(self.paid_minutes) / 60.0
    }

    /// Unpaid break minutes per agent.
    pub fn unpaid_minutes(&self) -> u32 {
        self.breaks
            .iter()
            .filter(|b| !b.paid)
            .map(|b| b.minutes)
            .sum()
    }

    /// The template's name.
    pub fn template_name<'m>(&self, model: &'m Model) -> &'m str {
        model
            .shifts
            .get(self.template.0)
            .map_or("", |t| t.name.as_str())
    }

    /// Channel names, in the span's order.
    pub fn channel_names<'m>(&self, model: &'m Model) -> Vec<&'m str> {
        self.channels
            .iter()
            .filter_map(|c| model.channels.get(c.0).map(|ch| ch.name.as_str()))
            .collect()
    }

    /// The same shift for `count` anonymous agents.
    pub fn anonymous(&self, count: u32) -> Span {
        Span {
            agent: None,
            count,
            ..self.clone()
        }
    }

    /// Whether two spans are the same shift of the plan (all but agent and count equal).
    pub fn same_shift(&self, other: &Span) -> bool {
        self.anonymous(1) == other.anonymous(1)
    }

    /// Whether two spans' working times overlap.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Every span of a plan or roster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Staffing {
    pub spans: Vec<Span>,
}

/// Agents present (on shift, off break) per channel group and interval.
///
/// A group is a distinct set of channels: its agents work one of them at a time, and which one is the
/// evaluator's allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    /// Sorted channel sets.
    pub groups: Vec<Vec<ChannelId>>,
    /// `present[g][t]`: agents of group `g` present in interval `t` (fractional where a shift or break
    /// covers part of an interval).
    pub present: Vec<Vec<f64>>,
}

impl Staffing {
    pub fn new(spans: Vec<Span>) -> Staffing {
        Staffing { spans }
    }

    /// Agent-shifts (spans weighted by their count).
    pub fn shift_count(&self) -> u32 {
        self.spans.iter().map(|s| s.count).sum()
    }

    pub fn paid_hours(&self) -> f64 {
        self.spans
            .iter()
            .map(|s| s.paid_hours() * f64::from(s.count))
            .sum()
    }

    pub fn cost(&self) -> f64 {
        self.spans.iter().map(|s| s.cost * f64::from(s.count)).sum()
    }

    /// Agents present per channel group and interval of `grid`.
    pub fn presence(&self, grid: &TimeGrid) -> Presence {
        let mut out = Presence {
            groups: Vec::new(),
            present: Vec::new(),
        };
        for span in &self.spans {
            let g = out.group_of(&span.channels, grid.len());
            let count = f64::from(span.count);
            for (t, share) in grid.cover(span.start, span.end) {
                out.present[g][t] += share * count;
            }
            for b in &span.breaks {
                for (t, share) in grid.cover(b.start, b.end()) {
                    out.present[g][t] -= share * count;
                }
            }
        }
        out
    }
}

impl Presence {
    fn group_of(&mut self, channels: &[ChannelId], intervals: usize) -> usize {
        let mut set = channels.to_vec();
        set.sort_unstable();
        set.dedup();
        match self.groups.iter().position(|g| *g == set) {
            Some(g) => g,
            None => {
                self.groups.push(set);
                self.present.push(vec![0.0; intervals]);
                self.groups.len() - 1
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn presence_counts_agents_off_break_per_channel_set() {
        let grid = TimeGrid::new(
            (0..8)
                .map(|i| at(8, 0) + Duration::minutes(15 * i))
                .collect(),
            15,
            chrono_tz::UTC,
        );
        let span = Span {
            agent: None,
            template: TemplateId(0),
            date: at(8, 0).date_naive(),
            start: at(8, 0),
            end: at(9, 30),
            breaks: vec![Break {
                start: at(8, 30),
                minutes: 15,
                paid: true,
                name: "coffee".into(),
            }],
            channels: vec![ChannelId(1), ChannelId(0)],
            count: 3,
            paid_minutes: 90,
            cost: 0.0,
        };
        let other = Span {
            channels: vec![ChannelId(0), ChannelId(1)],
            breaks: Vec::new(),
            count: 1,
            ..span.clone()
        };
        let p = Staffing::new(vec![span, other]).presence(&grid);
        assert_eq!(p.groups, vec![vec![ChannelId(0), ChannelId(1)]]);
        assert_eq!(p.present[0], vec![4.0, 4.0, 1.0, 4.0, 4.0, 4.0, 0.0, 0.0]);
    }
}

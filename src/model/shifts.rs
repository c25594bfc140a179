//! Shift templates and scheduling options of a model.
//!
//! A template is a family of shifts: a paid length, a range of start times on allowed weekdays, the channels
//! its agents work, its cost, and breaks that must start inside windows measured from the shift start. The
//! scheduler places the breaks itself, so an agent on break is absent from coverage.

use chrono::Weekday;

/// A break every shift of a template takes.
#[derive(Debug, Clone, PartialEq)]
pub struct BreakRule {
    pub name: String,
    /// Length in minutes.
    pub minutes: u32,
    pub paid: bool,
    /// Earliest and latest start, minutes after the shift start.
    pub earliest_offset: u32,
    pub latest_offset: u32,
}

/// A family of shifts.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftTemplate {
    pub name: String,
    /// The `[[shift]]` table's name: one table with several `lengths` gives one template per length.
    pub table: String,
    /// Paid minutes per shift (breaks that are paid included).
    pub paid_minutes: u32,
    /// First and last local start time, minutes after midnight (the last may pass midnight: `22:00-23:30`).
    pub earliest_start: u32,
    pub latest_start: u32,
    /// Minutes between start times.
    pub start_step: u32,
    /// Weekdays on which the template may start (Monday first).
    pub days: [bool; 7],
    /// Indices of the model channels its agents may work.
    pub channels: Vec<usize>,
    /// Cost of one shift (per paid hour × paid hours, or a fixed cost per shift).
    pub cost: f64,
    pub min_per_day: u32,
    pub max_per_day: Option<u32>,
    /// Shifts of this template one agent may work in a week (`max_per_agent`, a rostering rule).
    pub max_per_agent: Option<u32>,
    /// In the order they are taken; windows do not overlap.
    pub breaks: Vec<BreakRule>,
}

impl ShiftTemplate {
    /// Minutes from the shift start to its end: paid time plus unpaid breaks.
    pub fn span_minutes(&self) -> u32 {
        self.paid_minutes
            + self
                .breaks
                .iter()
                .filter(|b| !b.paid)
                .map(|b| b.minutes)
                .sum::<u32>()
    }

    pub fn works_on(&self, day: Weekday) -> bool {
        self.days[day.num_days_from_monday() as usize]
    }
}

/// What a schedule must achieve besides covering requirements.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleRules {
    /// Cost of one agent-interval short of the requirement, in cost units (a paid hour costs 1 by default).
    pub under_penalty: f64,
    /// Cost of one agent-interval beyond the requirement (kept light: only to prefer tidy plans).
    pub over_penalty: f64,
    /// Most agents on shift on one day, all templates together.
    pub max_agents_per_day: Option<u32>,
    /// Daily/weekly goals: no open interval below this service level (or below `min_agents`).
    pub min_interval_service_level: f64,
}

impl Default for ScheduleRules {
    fn default() -> Self {
        ScheduleRules {
            under_penalty: 20.0,
            over_penalty: 0.01,
            max_agents_per_day: None,
            min_interval_service_level: 0.5,
        }
    }
}

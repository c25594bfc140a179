//! Labour rules for rosters and the layout of exported files (model `[rules]` and `[export.csv]`).

/// Labour rules (model `[rules]`), with the defaults a Finnish planner expects.
#[derive(Debug, Clone, PartialEq)]
pub struct LabourRules {
    pub min_rest_h: f64,
    pub weekly_rest_h: f64,
    pub max_consecutive_days: u32,
    /// Soft: start times of an agent's week within this spread.
    pub start_spread_h: f64,
    /// Soft: days off in pairs.
    pub paired_days_off: bool,
    /// Hard rules made soft: any of `min_rest`, `weekly_rest`, `max_consecutive_days`, `max_hours`,
    /// `max_days`.
    pub soft: Vec<String>,
    /// Shifts ending at or after this local hour count as late (for fairness).
    pub late_after_h: f64,
    /// Weights of the soft rules when choosing an agent (model `[rules.penalties]`).
    pub penalties: Penalties,
}

/// How much each soft consideration weighs when the roster chooses between eligible agents. Scores are
/// compared, never reported; larger means the rule matters more.
#[derive(Debug, Clone, PartialEq)]
pub struct Penalties {
    /// Per hour an agent is below their contract hours (a reward, so the neediest agent goes first).
    pub below_contract_hour: f64,
    /// Per hour a start lies outside the agent's spread.
    pub start_spread_hour: f64,
    /// Per weekend shift the agent already has.
    pub weekend_shift: f64,
    /// Per late shift the agent already has.
    pub late_shift: f64,
    /// For leaving a single day off between working days.
    pub unpaired_day_off: f64,
    /// Reward per preferred window the shift falls in.
    pub preferred: f64,
}

impl Default for Penalties {
    fn default() -> Self {
        Penalties {
            // Tuned on the shipped week: 167 → 129 broken soft rules, every shift still filled.
            below_contract_hour: 2.0,
            start_spread_hour: 8.0,
            weekend_shift: 6.0,
            late_shift: 3.0,
            unpaired_day_off: 15.0,
            preferred: 2.0,
        }
    }
}

impl Default for LabourRules {
    fn default() -> Self {
        LabourRules {
            min_rest_h: 11.0,
            weekly_rest_h: 35.0,
            max_consecutive_days: 6,
            start_spread_h: 2.0,
            paired_days_off: true,
            soft: Vec::new(),
            late_after_h: 19.0,
            penalties: Penalties::default(),
        }
    }
}

impl LabourRules {
    pub fn hard(&self, rule: &str) -> bool {
        !self.soft.iter().any(|s| s == rule)
    }
}

/// How `roster.csv` is laid out for the HR tool that imports it (model `[export.csv]`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CsvLayout {
    /// Columns to write, in order (default: all, in the documented order).
    pub columns: Option<Vec<String>>,
    /// New names for columns: (column, header).
    pub rename: Vec<(String, String)>,
    /// chrono format of `schedule_date` (default `%Y-%m-%d`).
    pub date_format: Option<String>,
    /// chrono format of `start` and `end` (default ISO local date-time `%Y-%m-%dT%H:%M`).
    pub datetime_format: Option<String>,
}

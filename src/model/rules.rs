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

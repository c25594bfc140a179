//! The Erlang calculator behind `vuoro erlang`: a case is one queue in one interval with either a
//! staffing to evaluate or targets to staff for.
//!
//! Cases arrive as text (CLI flags or CSV cells), are parsed into validated values here — one parser for
//! both, so the CLI and batch files accept exactly the same spellings — and come back as [`Evaluation`]s.

pub mod batch;
pub mod output;

use crate::error::InvalidValue;
use crate::queueing::{
    required_agents, Concurrency, Kpis, Queue, Shrinkage, SlConvention, StaffingError, Targets,
    SL_CONVENTION_NAMES,
};
use crate::units::{parse_duration, parse_share};

/// Interval length when none is given.
pub const DEFAULT_INTERVAL_S: f64 = 1800.0;
/// Service-level threshold when none is given.
pub const DEFAULT_THRESHOLD_S: f64 = 20.0;

/// The input columns of a case, in output order. Everything but `volume` and `aht` is optional;
/// `label` is free text echoed to the output (an interval such as `Mon 08:00`, a queue name).
pub const INPUT_COLUMNS: [&str; 15] = [
    "label",
    "volume",
    "interval",
    "aht",
    "patience",
    "agents",
    "threshold",
    "target_sl",
    "sl_convention",
    "target_asa",
    "max_abandon",
    "max_occupancy",
    "shrinkage",
    "concurrency",
    "non_overlap",
];

/// A case as written: one optional text per input column (`None` or blank = not given).
///
/// The cells live in one string (a batch row is one allocation, not one per cell).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseText {
    /// The cells given, one after another.
    text: String,
    /// Where each column's cell is in `text`; empty when not given.
    spans: [(u32, u32); INPUT_COLUMNS.len()],
}

impl CaseText {
    pub fn set(&mut self, column: &str, value: Option<String>) {
        self.set_str(column, value.as_deref().unwrap_or_default());
    }

    /// Sets `column` to `value`; a blank value means not given.
    pub fn set_str(&mut self, column: &str, value: &str) {
        if let Some(i) = input_index(column) {
            self.spans[i] = if value.trim().is_empty() {
                (0, 0)
            } else {
                let start = self.text.len();
                self.text.push_str(value);
                (start as u32, self.text.len() as u32)
            };
        }
    }

    pub fn get(&self, column: &str) -> Option<&str> {
        self.cell(input_index(column)?)
    }

    /// The cell of the `i`-th column of [`INPUT_COLUMNS`], trimmed, when given.
    pub fn cell(&self, i: usize) -> Option<&str> {
        let (start, end) = *self.spans.get(i)?;
        (start < end).then(|| self.text[start as usize..end as usize].trim())
    }
}

/// The position of `column` in [`INPUT_COLUMNS`] (a `match`, not a search: a batch row asks ~30 times).
fn input_index(column: &str) -> Option<usize> {
    let i = match column {
        "label" => 0,
        "volume" => 1,
        "interval" => 2,
        "aht" => 3,
        "patience" => 4,
        "agents" => 5,
        "threshold" => 6,
        "target_sl" => 7,
        "sl_convention" => 8,
        "target_asa" => 9,
        "max_abandon" => 10,
        "max_occupancy" => 11,
        "shrinkage" => 12,
        "concurrency" => 13,
        "non_overlap" => 14,
        _ => return None,
    };
    debug_assert_eq!(INPUT_COLUMNS[i], column);
    Some(i)
}

/// How many agents a case is evaluated at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentsSpec {
    /// Staff for the targets.
    Required,
    /// Evaluate this many scheduled agents.
    Given(u64),
    /// A what-if table over scheduled agents `from..=to`.
    Range(u64, u64),
}

/// A validated case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub queue: Queue,
    pub targets: Targets,
    pub shrinkage: Shrinkage,
    pub agents: AgentsSpec,
}

/// One problem in a case: the column and what is wrong with it (`column` is `None` for cross-field rules).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseProblem {
    pub column: Option<&'static str>,
    pub error: InvalidValue,
}

fn column_index(column: &str) -> Option<&'static str> {
    INPUT_COLUMNS.iter().copied().find(|c| *c == column)
}

/// The numeric cells of a case as read, `None` when blank or unreadable (the problem is recorded).
struct NumericCells {
    volume: Option<f64>,
    interval: Option<f64>,
    aht: Option<f64>,
    patience: Option<f64>,
    threshold: Option<f64>,
    target_sl: Option<f64>,
    target_asa: Option<f64>,
    max_abandon: Option<f64>,
    max_occupancy: Option<f64>,
    shrinkage: Option<f64>,
    non_overlap: Option<f64>,
    concurrency: Option<u32>,
}

impl CaseText {
    /// Parses and validates every cell, reporting every problem found rather than the first.
    pub fn parse(&self) -> Result<Case, Vec<CaseProblem>> {
        let mut problems = Vec::new();
        let cells = self.numeric_cells(&mut problems);
        let convention = self.convention(&mut problems);
        let agents = self.agents_spec(&mut problems);
        let targets = targets_of(&cells, convention);
        self.check_targets(&targets, &mut problems);
        self.check_something_to_compute(agents, &mut problems);
        let shrinkage = shrinkage_of(cells.shrinkage, &mut problems);
        check_non_overlap_has_concurrency(&cells, &mut problems);
        let queue = self.queue(&cells, &mut problems);
        match (queue, agents, problems.is_empty()) {
            (Some(queue), Some(agents), true) => Ok(Case {
                queue,
                targets,
                shrinkage,
                agents,
            }),
            _ => Err(problems),
        }
    }

    /// Reads the numeric cells in column order, so their problems are reported in that order.
    fn numeric_cells(&self, problems: &mut Vec<CaseProblem>) -> NumericCells {
        let mut field =
            |column: &'static str, parsed: Result<Option<f64>, &'static str>| -> Option<f64> {
                match parsed {
                    Ok(v) => v,
                    Err(expected) => {
                        problems.push(self.unreadable(column, expected));
                        None
                    }
                }
            };
        let opt = |column: &str, parse: fn(&str) -> Result<f64, &'static str>| {
            self.get(column).map(parse).transpose()
        };
        NumericCells {
            volume: field("volume", required(self.get("volume"), parse_volume)),
            interval: field("interval", opt("interval", parse_positive_duration)),
            aht: field("aht", required(self.get("aht"), parse_positive_duration)),
            patience: field("patience", opt("patience", parse_positive_duration)),
            threshold: field("threshold", opt("threshold", parse_duration)),
            target_sl: field("target_sl", opt("target_sl", parse_share)),
            target_asa: field("target_asa", opt("target_asa", parse_positive_duration)),
            max_abandon: field("max_abandon", opt("max_abandon", parse_share)),
            max_occupancy: field("max_occupancy", opt("max_occupancy", parse_share)),
            shrinkage: field("shrinkage", opt("shrinkage", parse_share)),
            non_overlap: field("non_overlap", opt("non_overlap", parse_share)),
            concurrency: field("concurrency", opt("concurrency", parse_count)).map(|k| k as u32),
        }
    }

    /// A cell that cannot be read, quoted as written so the user sees what was refused.
    fn unreadable(&self, column: &'static str, expected: &str) -> CaseProblem {
        CaseProblem {
            column: column_index(column),
            error: InvalidValue::new(
                column,
                expected,
                format!("'{}'", self.get(column).unwrap_or_default()),
            ),
        }
    }

    /// The service-level convention, the default one when the cell is blank.
    fn convention(&self, problems: &mut Vec<CaseProblem>) -> Option<SlConvention> {
        match self.get("sl_convention") {
            None => Some(SlConvention::default()),
            Some(text) => text.parse::<SlConvention>().ok().or_else(|| {
                problems.push(self.unreadable("sl_convention", SL_CONVENTION_NAMES));
                None
            }),
        }
    }

    /// The staffing to evaluate; a blank cell means staffing for the targets.
    fn agents_spec(&self, problems: &mut Vec<CaseProblem>) -> Option<AgentsSpec> {
        match self.get("agents") {
            None => Some(AgentsSpec::Required),
            Some(text) => parse_agents(text)
                .map_err(|expected| problems.push(self.unreadable("agents", expected)))
                .ok(),
        }
    }

    /// A cross-field error with `found` as the user wrote the named cell, when there is one.
    fn as_written(&self, e: InvalidValue) -> InvalidValue {
        InvalidValue {
            found: self
                .get(&e.field)
                .map_or(e.found.clone(), |t| format!("'{t}'")),
            ..e
        }
    }

    /// Targets that read well one by one can still contradict each other.
    fn check_targets(&self, targets: &Targets, problems: &mut Vec<CaseProblem>) {
        if let Err(e) = targets.validate() {
            problems.push(CaseProblem {
                column: column_index(&e.field),
                error: self.as_written(e),
            });
        }
    }

    /// Staffing for the targets needs at least one target written in the case.
    fn check_something_to_compute(
        &self,
        agents: Option<AgentsSpec>,
        problems: &mut Vec<CaseProblem>,
    ) {
        let any_target_written = ["target_sl", "target_asa", "max_abandon", "max_occupancy"]
            .iter()
            .any(|c| self.get(c).is_some());
        if matches!(agents, Some(AgentsSpec::Required)) && !any_target_written {
            problems.push(CaseProblem {
                column: column_index("agents"),
                error: InvalidValue::new(
                    "agents",
                    "agents to evaluate, or a target to staff for (target_sl, target_asa, max_abandon or max_occupancy)",
                    "neither",
                ),
            });
        }
    }

    /// The queue once volume and AHT read; its own checks are reported against the cells as written.
    fn queue(&self, cells: &NumericCells, problems: &mut Vec<CaseProblem>) -> Option<Queue> {
        let (Some(volume), Some(aht)) = (cells.volume, cells.aht) else {
            return None;
        };
        let interval = cells.interval.unwrap_or(DEFAULT_INTERVAL_S);
        let mut queue = Queue::new(volume, interval, aht);
        if let (Ok(q), Some(p)) = (&queue, cells.patience) {
            queue = q.clone().with_patience(p);
        }
        if let (Ok(q), Some(k)) = (&queue, cells.concurrency.filter(|k| *k > 1)) {
            queue = Concurrency::linear(k, aht, cells.non_overlap.unwrap_or(0.0))
                .map(|c| q.clone().with_concurrency(c));
        }
        queue
            .map_err(|e| {
                problems.push(CaseProblem {
                    column: column_index(&e.field),
                    error: self.as_written(e),
                });
            })
            .ok()
    }
}

/// The targets of a case, defaults filled in, before they are checked together.
fn targets_of(cells: &NumericCells, convention: Option<SlConvention>) -> Targets {
    Targets {
        service_level: cells.target_sl,
        convention: convention.unwrap_or_default(),
        threshold_s: cells.threshold.unwrap_or(DEFAULT_THRESHOLD_S),
        max_asa_s: cells.target_asa,
        max_abandon: cells.max_abandon,
        max_occupancy: cells.max_occupancy,
    }
}

/// Shrinkage has a narrower range than any share (below 1); none when blank or refused.
fn shrinkage_of(share: Option<f64>, problems: &mut Vec<CaseProblem>) -> Shrinkage {
    match share.map(Shrinkage::new).transpose() {
        Ok(s) => s.unwrap_or(Shrinkage::NONE),
        Err(error) => {
            problems.push(CaseProblem {
                column: column_index("shrinkage"),
                error,
            });
            Shrinkage::NONE
        }
    }
}

/// `non_overlap` only means something for chats, so it needs `concurrency` beside it.
fn check_non_overlap_has_concurrency(cells: &NumericCells, problems: &mut Vec<CaseProblem>) {
    if cells.non_overlap.is_some() && cells.concurrency.is_none() {
        problems.push(CaseProblem {
            column: column_index("non_overlap"),
            error: InvalidValue::new(
                "non_overlap",
                "to be given together with concurrency",
                "no concurrency",
            ),
        });
    }
}

fn required(
    text: Option<&str>,
    parse: fn(&str) -> Result<f64, &'static str>,
) -> Result<Option<f64>, &'static str> {
    match text {
        Some(t) => parse(t).map(Some),
        None => Err(REQUIRED),
    }
}

const REQUIRED: &str = "a value (this column is required)";

fn parse_volume(text: &str) -> Result<f64, &'static str> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err("a positive number of contacts per interval"),
    }
}

fn parse_positive_duration(text: &str) -> Result<f64, &'static str> {
    match parse_duration(text) {
        Ok(v) if v > 0.0 => Ok(v),
        Ok(_) => Err("a positive duration such as 20s, 3m, 1h30m or plain seconds"),
        Err(e) => Err(e),
    }
}

fn parse_count(text: &str) -> Result<f64, &'static str> {
    match text.parse::<u32>() {
        Ok(k) if (1..=64).contains(&k) => Ok(f64::from(k)),
        _ => Err("a whole number of chats from 1 to 64"),
    }
}

fn parse_agents(text: &str) -> Result<AgentsSpec, &'static str> {
    const EXPECTED: &str = "a whole number of agents (1 or more) or a range such as 10..20";
    let whole = |t: &str| {
        t.trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=10_000_000).contains(n))
    };
    match text.split_once("..") {
        None => whole(text).map(AgentsSpec::Given).ok_or(EXPECTED),
        Some((from, to)) => match (whole(from), whole(to.trim_start_matches('='))) {
            (Some(a), Some(b)) if a <= b && b - a <= 10_000 => Ok(AgentsSpec::Range(a, b)),
            _ => Err(EXPECTED),
        },
    }
}

/// The figures of one case at one staffing.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Scheduled agents (given, or required after shrinkage).
    pub agents: u64,
    /// Productive agents the figures are computed at.
    pub productive_agents: u64,
    /// For staffed cases: the requirement before rounding, productive and scheduled.
    pub fractional: Option<(f64, f64)>,
    /// Whether the given targets hold (`None` without targets).
    pub meets_targets: Option<bool>,
    pub kpis: Kpis,
}

/// Productive agents among `scheduled` after shrinkage: `⌊n (1 − s)⌋`, without float-noise losses.
pub fn productive_of(scheduled: u64, shrinkage: Shrinkage) -> u64 {
    let x = scheduled as f64 * (1.0 - shrinkage.share());
    let nearest = x.round();
    if (x - nearest).abs() <= 1e-9 * nearest.max(1.0) {
        nearest as u64
    } else {
        x.floor() as u64
    }
}

impl Case {
    /// Every staffing the case asks about: one for `Given` and `Required`, one per agent for `Range`.
    pub fn evaluate(&self) -> Result<Vec<Evaluation>, StaffingError> {
        let threshold = self.targets.threshold_s;
        let at = |scheduled: u64| {
            let productive = productive_of(scheduled, self.shrinkage);
            let kpis = self.queue.evaluate(productive, threshold);
            Evaluation {
                agents: scheduled,
                productive_agents: productive,
                fractional: None,
                meets_targets: (!self.targets.is_empty()).then(|| self.targets.met_by(&kpis)),
                kpis,
            }
        };
        Ok(match self.agents {
            AgentsSpec::Given(n) => vec![at(n)],
            AgentsSpec::Range(a, b) => (a..=b).map(at).collect(),
            AgentsSpec::Required => {
                let staffing = required_agents(&self.queue, &self.targets)?;
                let n = staffing.productive_agents;
                vec![Evaluation {
                    agents: self.shrinkage.gross_up(n),
                    productive_agents: n,
                    fractional: Some((
                        staffing.fractional_agents,
                        self.shrinkage
                            .gross_up_fractional(staffing.fractional_agents),
                    )),
                    meets_targets: Some(true),
                    kpis: staffing.kpis,
                }]
            }
        })
    }

    /// For a range table: the smallest scheduled staffing meeting the targets, if any are given.
    pub fn required(&self) -> Option<Result<u64, StaffingError>> {
        (!self.targets.is_empty()).then(|| {
            required_agents(&self.queue, &self.targets)
                .map(|s| self.shrinkage.gross_up(s.productive_agents))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(pairs: &[(&str, &str)]) -> CaseText {
        let mut text = CaseText::default();
        for (k, v) in pairs {
            text.set(k, Some(v.to_string()));
        }
        text
    }

    #[test]
    fn parses_the_classic_case() {
        let c = case(&[
            ("volume", "100"),
            ("interval", "30m"),
            ("aht", "3m"),
            ("agents", "14"),
        ])
        .parse()
        .expect("valid");
        assert_eq!(c.agents, AgentsSpec::Given(14));
        assert!((c.queue.offered_load() - 10.0).abs() < 1e-12);
    }

    #[test]
    fn reports_every_bad_cell() {
        let problems = case(&[("volume", "-4"), ("aht", "3 parsecs"), ("target_sl", "80")])
            .parse()
            .expect_err("invalid");
        let fields: Vec<_> = problems.iter().map(|p| p.error.field.as_str()).collect();
        assert_eq!(fields, ["volume", "aht", "target_sl"]);
        assert_eq!(
            problems[1].error.to_string(),
            "aht: expected a duration such as 20s, 3m, 1h30m or plain seconds, found '3 parsecs'"
        );
    }

    #[test]
    fn every_input_column_has_its_index() {
        for (i, column) in INPUT_COLUMNS.iter().enumerate() {
            assert_eq!(input_index(column), Some(i));
        }
        assert_eq!(input_index("target_sll"), None);
    }

    #[test]
    fn scheduled_to_productive_has_no_noise_loss() {
        let s = Shrinkage::new(0.3).expect("valid");
        assert_eq!(productive_of(120, s), 84);
        assert_eq!(productive_of(20, s), 14);
        assert_eq!(productive_of(19, s), 13);
    }
}

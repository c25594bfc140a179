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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaseText {
    pub cells: [Option<String>; 15],
}

impl CaseText {
    pub fn set(&mut self, column: &str, value: Option<String>) {
        if let Some(i) = INPUT_COLUMNS.iter().position(|c| *c == column) {
            self.cells[i] = value.filter(|v| !v.trim().is_empty());
        }
    }

    pub fn get(&self, column: &str) -> Option<&str> {
        let i = INPUT_COLUMNS.iter().position(|c| *c == column)?;
        self.cells[i].as_deref().map(str::trim)
    }
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

impl CaseText {
    /// Parses and validates every cell, reporting every problem found rather than the first.
    pub fn parse(&self) -> Result<Case, Vec<CaseProblem>> {
        let mut problems = Vec::new();
        let mut field =
            |column: &'static str, parsed: Result<Option<f64>, &'static str>| -> Option<f64> {
                match parsed {
                    Ok(v) => v,
                    Err(expected) => {
                        problems.push(CaseProblem {
                            column: column_index(column),
                            error: InvalidValue::new(
                                column,
                                expected,
                                format!("'{}'", self.get(column).unwrap_or_default()),
                            ),
                        });
                        None
                    }
                }
            };
        let opt = |column: &str, parse: fn(&str) -> Result<f64, &'static str>| {
            self.get(column).map(parse).transpose()
        };
        let volume = field("volume", required(self.get("volume"), parse_volume));
        let interval = field("interval", opt("interval", parse_positive_duration));
        let aht = field("aht", required(self.get("aht"), parse_positive_duration));
        let patience = field("patience", opt("patience", parse_positive_duration));
        let threshold = field("threshold", opt("threshold", parse_duration));
        let target_sl = field("target_sl", opt("target_sl", parse_share));
        let target_asa = field("target_asa", opt("target_asa", parse_positive_duration));
        let max_abandon = field("max_abandon", opt("max_abandon", parse_share));
        let max_occupancy = field("max_occupancy", opt("max_occupancy", parse_share));
        let shrinkage = field("shrinkage", opt("shrinkage", parse_share));
        let non_overlap = field("non_overlap", opt("non_overlap", parse_share));
        let concurrency = field("concurrency", opt("concurrency", parse_count)).map(|k| k as u32);

        let convention = match self.get("sl_convention") {
            None => Some(SlConvention::default()),
            Some(text) => match text.parse::<SlConvention>() {
                Ok(c) => Some(c),
                Err(()) => {
                    problems.push(CaseProblem {
                        column: column_index("sl_convention"),
                        error: InvalidValue::new(
                            "sl_convention",
                            SL_CONVENTION_NAMES,
                            format!("'{text}'"),
                        ),
                    });
                    None
                }
            },
        };
        let agents = match self.get("agents") {
            None => Some(AgentsSpec::Required),
            Some(text) => match parse_agents(text) {
                Ok(spec) => Some(spec),
                Err(expected) => {
                    problems.push(CaseProblem {
                        column: column_index("agents"),
                        error: InvalidValue::new("agents", expected, format!("'{text}'")),
                    });
                    None
                }
            },
        };

        let mut semantic = |column: Option<&'static str>, result: Result<(), InvalidValue>| {
            if let Err(error) = result {
                problems.push(CaseProblem { column, error });
            }
        };
        let targets = Targets {
            service_level: target_sl,
            convention: convention.unwrap_or_default(),
            threshold_s: threshold.unwrap_or(DEFAULT_THRESHOLD_S),
            max_asa_s: target_asa,
            max_abandon,
            max_occupancy,
        };
        let target_error = targets.validate().err();
        semantic(
            target_error.as_ref().and_then(|e| column_index(&e.field)),
            target_error.map_or(Ok(()), Err).map_err(|e| InvalidValue {
                found: self
                    .get(&e.field)
                    .map_or(e.found.clone(), |t| format!("'{t}'")),
                ..e
            }),
        );
        let any_target_written = ["target_sl", "target_asa", "max_abandon", "max_occupancy"]
            .iter()
            .any(|c| self.get(c).is_some());
        if matches!(agents, Some(AgentsSpec::Required)) && !any_target_written {
            semantic(
                column_index("agents"),
                Err(InvalidValue::new(
                    "agents",
                    "agents to evaluate, or a target to staff for (target_sl, target_asa, max_abandon or max_occupancy)",
                    "neither",
                )),
            );
        }
        let shrinkage = shrinkage.map(Shrinkage::new).transpose();
        let shrinkage = match shrinkage {
            Ok(s) => s.unwrap_or(Shrinkage::NONE),
            Err(e) => {
                semantic(column_index("shrinkage"), Err(e));
                Shrinkage::NONE
            }
        };
        if non_overlap.is_some() && concurrency.is_none() {
            semantic(
                column_index("non_overlap"),
                Err(InvalidValue::new(
                    "non_overlap",
                    "to be given together with concurrency",
                    "no concurrency",
                )),
            );
        }

        let queue = match (volume, aht) {
            (Some(volume), Some(aht)) => {
                let interval = interval.unwrap_or(DEFAULT_INTERVAL_S);
                let mut queue = Queue::new(volume, interval, aht);
                if let (Ok(q), Some(p)) = (&queue, patience) {
                    queue = q.clone().with_patience(p);
                }
                if let (Ok(q), Some(k)) = (&queue, concurrency.filter(|k| *k > 1)) {
                    queue = Concurrency::linear(k, aht, non_overlap.unwrap_or(0.0))
                        .map(|c| q.clone().with_concurrency(c));
                }
                match queue {
                    Ok(q) => Some(q),
                    Err(e) => {
                        let column = column_index(&e.field);
                        let e = InvalidValue {
                            found: self
                                .get(&e.field)
                                .map_or(e.found.clone(), |t| format!("'{t}'")),
                            ..e
                        };
                        semantic(column, Err(e));
                        None
                    }
                }
            }
            _ => None,
        };

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
    fn scheduled_to_productive_has_no_noise_loss() {
        let s = Shrinkage::new(0.3).expect("valid");
        assert_eq!(productive_of(120, s), 84);
        assert_eq!(productive_of(20, s), 14);
        assert_eq!(productive_of(19, s), 13);
    }
}

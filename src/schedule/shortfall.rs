//! Stretches of intervals where a channel gets fewer agents than the plan must give it, and why, in
//! planner's words.

use super::formulation::Formulation;
use crate::evaluate::Evaluation;
use crate::grid::TimeGrid;
use crate::model::shifts::ShiftTemplate;
use crate::model::Model;
use crate::staffing::Staffing;
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

/// A stretch of consecutive intervals where a channel is short.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    pub channel: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Most agents short of the minimum in the stretch.
    pub agents: f64,
    /// Fewest agents short in the stretch (equal to `agents` when the shortfall is even).
    pub least: f64,
    /// Under a daily/weekly goal the minimum is the interval's floor: the most agents short of the full
    /// requirement, for comparison with `coverage.csv`'s `under`.
    pub of_requirement: Option<f64>,
    /// Why, when it can be told: no template covers the time, or the day's limits are reached.
    pub reason: Option<String>,
}

impl Shortfall {
    /// `Mon 23.11. 10:30–11:00 voice: 3 agents short; no template starts early enough`, or under a goal
    /// `… voice: up to 5 agents below the floor (13 below the requirement)`.
    pub fn describe(&self, model: &Model) -> String {
        let up_to = if self.least + 0.5 < self.agents {
            "up to "
        } else {
            ""
        };
        let plural = if (self.agents - 1.0).abs() < 1e-9 {
            ""
        } else {
            "s"
        };
        let mut s = format!(
            "{} {}: {up_to}{} agent{plural} ",
            describe_stretch(model, self.from, self.to),
            self.channel,
            self.agents,
        );
        match self.of_requirement {
            Some(r) => s.push_str(&format!("below the floor ({r} below the requirement)")),
            None => s.push_str("short"),
        }
        if let Some(r) = &self.reason {
            s.push_str("; ");
            s.push_str(r);
        }
        s
    }
}

/// Stretches where a channel has fewer agents than its minimum (the requirement, or under a goal the
/// interval's floor), with the reason when no template can cover them at all.
pub(crate) fn shortfalls(
    model: &Model,
    f: &Formulation<'_>,
    staffing: &Staffing,
    evaluation: &Evaluation,
) -> Vec<Shortfall> {
    let n = f.intervals;
    let grid = &evaluation.grid;
    let mut out = Vec::new();
    for (c, ch) in evaluation.channels.iter().enumerate() {
        let coverable = coverable(model, f, c);
        let short = |t: usize| f.channels[c].minimum(t) - ch.intervals[t].scheduled;
        let mut t = 0;
        while t < n {
            if short(t) < 0.5 {
                t += 1;
                continue;
            }
            let uncoverable = !coverable[t];
            let start = t;
            let (mut most, mut least, mut of_requirement) = (short(t), short(t), 0.0f64);
            while t < n && short(t) >= 0.5 && coverable[t] != uncoverable {
                most = most.max(short(t));
                least = least.min(short(t));
                of_requirement = of_requirement.max(ch.intervals[t].under());
                t += 1;
            }
            let from = grid.starts()[start];
            let floor = (start..t).any(|i| f.channels[c].curves[i].is_some());
            out.push(Shortfall {
                channel: ch.name.clone(),
                from,
                to: stretch_end(grid, t - 1),
                agents: most.ceil(),
                least: least.ceil(),
                of_requirement: floor.then(|| of_requirement.ceil()),
                reason: if uncoverable {
                    Some(explain(model, c, from))
                } else {
                    limit_reached(model, staffing, c, grid.local_date(from))
                },
            });
        }
    }
    out
}

/// The day limit that keeps a coverable stretch short, if one is reached: `max_agents_per_day`, or
/// every template working the channel at its `max_per_day`.
fn limit_reached(
    model: &Model,
    staffing: &Staffing,
    c: usize,
    date: chrono::NaiveDate,
) -> Option<String> {
    let on = |pred: &dyn Fn(&crate::staffing::Span) -> bool| -> u32 {
        staffing
            .spans
            .iter()
            .filter(|s| s.date == date && pred(s))
            .map(|s| s.count)
            .sum()
    };
    if let Some(max) = model.schedule.max_agents_per_day {
        if on(&|_| true) >= max {
            let agents = if max == 1 { "agent" } else { "agents" };
            return Some(format!(
                "the day's limit of {max} {agents} (max_agents_per_day) is reached"
            ));
        }
    }
    let working: Vec<(usize, &ShiftTemplate)> = model
        .shifts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.channels.contains(&c) && t.works_on(date.weekday()))
        .collect();
    let all_full = !working.is_empty()
        && working.iter().all(|(i, t)| {
            t.max_per_day
                .is_some_and(|max| on(&|s| s.template.0 == *i) >= max)
        });
    all_full.then(|| {
        format!(
            "every template working {} is at its max_per_day",
            model.channels[c].name
        )
    })
}

fn stretch_end(grid: &TimeGrid, last: usize) -> DateTime<Utc> {
    grid.starts()[last] + Duration::minutes(i64::from(grid.interval_minutes()))
}

/// Intervals some candidate shift working channel `c` could be present in.
fn coverable(model: &Model, f: &Formulation<'_>, c: usize) -> Vec<bool> {
    let mut coverable = vec![false; f.intervals];
    for cand in &f.candidates {
        if model.shifts[cand.template].channels.contains(&c) {
            for &(t, _) in &cand.cover {
                coverable[t] = true;
            }
        }
    }
    coverable
}

/// Why no template covers a channel at an instant.
fn explain(model: &Model, c: usize, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&model.time_zone);
    let minute = i64::from(local.hour() * 60 + local.minute());
    let templates: Vec<&ShiftTemplate> = model
        .shifts
        .iter()
        .filter(|t| t.channels.contains(&c))
        .collect();
    if templates.is_empty() {
        return format!("no shift template works {}", model.channels[c].name);
    }
    let today: Vec<&&ShiftTemplate> = templates
        .iter()
        .filter(|t| t.works_on(local.weekday()))
        .collect();
    if today.is_empty() {
        return format!(
            "no shift template for {} works on {}",
            model.channels[c].name,
            local.weekday()
        );
    }
    let earliest = today
        .iter()
        .map(|t| i64::from(t.earliest_start))
        .min()
        .unwrap_or(0);
    if minute < earliest {
        return format!(
            "no template starts early enough (earliest start {:02}:{:02})",
            earliest / 60,
            earliest % 60
        );
    }
    let latest_end = today
        .iter()
        .map(|t| i64::from(t.latest_start + t.span_minutes()))
        .max()
        .unwrap_or(0);
    format!(
        "no template ends late enough (latest end {:02}:{:02})",
        (latest_end / 60) % 24,
        latest_end % 60
    )
}

/// `Mon 23.11. 10:30–11:00` for a stretch of intervals.
pub fn describe_stretch(model: &Model, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let a = from.with_timezone(&model.time_zone);
    let b = to.with_timezone(&model.time_zone);
    format!(
        "{} {:02}.{:02}. {}–{}",
        a.weekday(),
        a.day(),
        a.month(),
        a.format("%H:%M"),
        b.format("%H:%M")
    )
}

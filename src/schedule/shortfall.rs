//! Stretches of intervals where a channel gets fewer agents than the plan must give it, and why, in
//! planner's words.

use super::formulation::Formulation;
use crate::evaluate::Evaluation;
use crate::grid::TimeGrid;
use crate::model::shifts::ShiftTemplate;
use crate::model::Model;
use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

/// A stretch of consecutive intervals where a channel is short.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortfall {
    pub channel: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Most agents short in the stretch.
    pub agents: f64,
    /// Why, when no template can cover it.
    pub reason: Option<String>,
}

impl Shortfall {
    /// `Mon 23.11. 10:30–11:00 voice: 3 agents short; no template starts early enough`.
    pub fn describe(&self, model: &Model) -> String {
        let mut s = format!(
            "{} {}: {} agent{} short",
            describe_stretch(model, self.from, self.to),
            self.channel,
            self.agents,
            if (self.agents - 1.0).abs() < 1e-9 {
                ""
            } else {
                "s"
            }
        );
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
            let mut most = short(t);
            while t < n && short(t) >= 0.5 && coverable[t] != uncoverable {
                most = most.max(short(t));
                t += 1;
            }
            let from = grid.starts()[start];
            out.push(Shortfall {
                channel: ch.name.clone(),
                from,
                to: stretch_end(grid, t - 1),
                agents: most.ceil(),
                reason: uncoverable.then(|| explain(model, c, from)),
            });
        }
    }
    out
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

//! The service table every summary prints: per channel, one line per day, per ISO week and for the
//! period, all read from one [`Evaluation`] so the lines agree with each other and with `coverage.csv`.

use crate::evaluate::{ChannelEvaluation, Evaluation, Missed, Period, Summary};
use crate::grid::TimeGrid;
use crate::model::Model;
use crate::schedule::describe_stretch;
use chrono::Duration;
use std::fmt::Write as _;

/// Header and lines of the service table.
pub fn service_table(model: &Model, evaluation: &Evaluation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<11} {:<9} {:>9} {:>10} {:>11} {:>8} {:>8} {:>9} {:>8} {:>13}",
        "",
        "channel",
        "contacts",
        "required h",
        "scheduled h",
        "SL",
        "target",
        "ASA",
        "abandon",
        "under / over"
    );
    for ch in &evaluation.channels {
        let mut lines: Vec<(Period, &Summary)> =
            ch.days.iter().map(|(d, s)| (Period::Day(*d), s)).collect();
        if ch.weeks.len() > 1 || ch.days.len() > 1 {
            lines.extend(ch.weeks.iter().map(|(w, s)| (Period::Week(*w), s)));
        }
        if ch.weeks.len() > 1 {
            lines.push((Period::All, &ch.period));
        }
        for (period, summary) in lines {
            let _ = writeln!(out, "{}", line(ch, period, summary));
        }
        if let Some(note) = unstable_note(model, &evaluation.grid, ch) {
            let _ = writeln!(out, "{note}");
        }
    }
    let _ = writeln!(
        out,
        "(SL over the contacts its convention counts, abandonment over offered contacts, ASA over answered ones; under / over: agent-intervals short of and beyond the requirement; ! a target missed over that day, week or period)"
    );
    out
}

fn percent(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |v| format!("{:.1} %", 100.0 * v))
}

fn line(ch: &ChannelEvaluation, period: Period, s: &Summary) -> String {
    let target = if ch.is_immediate() {
        percent(ch.targets.service_level)
    } else {
        "-".to_string()
    };
    let abandon = if ch.abandons {
        percent(s.p_abandon())
    } else {
        "-".to_string()
    };
    let misses: Vec<String> = s
        .misses(&ch.name, period, &ch.targets)
        .iter()
        .map(|m| match m.what {
            Missed::ServiceLevel { .. } => "SL below target".to_string(),
            Missed::Abandonment { cap, .. } => format!("abandon > {:.0} %", 100.0 * cap),
        })
        .collect();
    format!(
        "{:<11} {:<9} {:>9.0} {:>10.1} {:>11.1} {:>8} {:>8} {:>9} {:>8} {:>13}{}",
        period.to_string(),
        ch.name,
        s.volume,
        s.required_h,
        s.scheduled_h,
        percent(s.service_level()),
        target,
        s.asa_s().map_or("-".to_string(), |a| format!("{a:.1} s")),
        abandon,
        format!("{:.0} / {:.0}", s.under, s.over),
        if misses.is_empty() {
            String::new()
        } else {
            format!("  ! {}", misses.join(", "))
        }
    )
}

/// Names the intervals whose queue is unstable (left out of the ASA).
fn unstable_note(model: &Model, grid: &TimeGrid, ch: &ChannelEvaluation) -> Option<String> {
    let unstable = &ch.period.unstable;
    if unstable.is_empty() {
        return None;
    }
    let step = Duration::minutes(i64::from(grid.interval_minutes()));
    let named: Vec<String> = unstable
        .iter()
        .take(8)
        .map(|&t| describe_stretch(model, grid.starts()[t], grid.starts()[t] + step))
        .collect();
    Some(format!(
        "{:<11} {:<9} {} interval{} with too few agents for the load (the queue grows without bound; left out of the ASA): {}{}",
        "",
        ch.name,
        unstable.len(),
        if unstable.len() == 1 { "" } else { "s" },
        named.join(", "),
        if unstable.len() > 8 { ", …" } else { "" }
    ))
}

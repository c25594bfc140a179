//! `simulation.csv`, `simulation_days.csv` and the summary of `vuoro simulate`.

use crate::calculator::output::{csv_field, format_number};
use crate::forecast::local_iso;
use crate::model::Model;
use crate::schedule::describe_stretch;
use crate::simulate::{ChannelSimulation, Estimate, SimFigures, SimPeriod, Simulation};
use chrono::Duration;
use std::fmt::Write as _;

/// Columns of both files.
const COLUMNS: &str = "offered,service_level,service_level_low,service_level_high,asa_s,p_abandon,occupancy,predicted_service_level,at_risk";

/// Whether an interval is at risk: the formulas meet the target, the simulation's mean does not.
pub(crate) fn at_risk(
    ch: &ChannelSimulation,
    simulated: &SimFigures,
    predicted: Option<f64>,
) -> bool {
    match (ch.target, simulated.service_level, predicted) {
        (Some(target), Some(sim), Some(pred)) => pred + 1e-9 >= target && sim.mean + 1e-9 < target,
        _ => false,
    }
}

fn cells(ch: &ChannelSimulation, f: &SimFigures, predicted: Option<f64>) -> String {
    let opt = |x: Option<f64>| x.map_or_else(String::new, |v| format_number(round(v)));
    let mean = |e: Option<Estimate>| e.map(|e| e.mean);
    [
        format_number(round(f.offered)),
        opt(mean(f.service_level)),
        opt(f.service_level.map(|e| e.low.max(0.0))),
        opt(f.service_level.map(|e| e.high.min(1.0))),
        opt(mean(f.asa_s)),
        opt(mean(f.p_abandon)),
        opt(mean(f.occupancy)),
        opt(predicted),
        at_risk(ch, f, predicted).to_string(),
    ]
    .join(",")
}

/// Six significant digits are more than any planner reads, and keep the files short.
fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 6 - (x.abs().log10().floor() as i32 + 1);
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// One row per channel and interval.
pub fn simulation_csv(model: &Model, sim: &Simulation) -> String {
    let mut out = format!("channel,start,{COLUMNS}\n");
    let grid = &sim.evaluation.grid;
    for (ch, ev) in sim.channels.iter().zip(&sim.evaluation.channels) {
        for (t, f) in ch.intervals.iter().enumerate() {
            let predicted = ev.intervals[t].kpis.map(|k| k.service_level);
            let _ = writeln!(
                out,
                "{},{},{}",
                csv_field(&ch.name),
                local_iso(model, grid.starts()[t]),
                cells(ch, f, predicted)
            );
        }
    }
    out
}

pub(crate) fn period_label(p: SimPeriod) -> String {
    match p {
        SimPeriod::Day(d) => d.to_string(),
        SimPeriod::Week((y, w)) => format!("{y}-W{w:02}"),
        SimPeriod::All => "week".to_string(),
    }
}

/// The evaluator's service level over the same day or week.
pub(crate) fn predicted(sim: &Simulation, c: usize, p: SimPeriod) -> Option<f64> {
    let ev = &sim.evaluation.channels[c];
    match p {
        SimPeriod::Day(d) => ev.days.iter().find(|(x, _)| *x == d)?.1.service_level(),
        SimPeriod::Week(w) => ev.weeks.iter().find(|(x, _)| *x == w)?.1.service_level(),
        SimPeriod::All => ev.period.service_level(),
    }
}

/// One row per channel and day, then (over several weeks) per ISO week `YYYY-Www`, then the whole period
/// as `week`.
pub fn simulation_days_csv(sim: &Simulation) -> String {
    let mut out = format!("channel,period,{COLUMNS}\n");
    for (c, ch) in sim.channels.iter().enumerate() {
        for (p, f) in &ch.periods {
            let _ = writeln!(
                out,
                "{},{},{}",
                csv_field(&ch.name),
                period_label(*p),
                cells(ch, f, predicted(sim, c, *p))
            );
        }
    }
    out
}

fn pct(e: Option<Estimate>) -> String {
    e.map_or("-".to_string(), |e| {
        format!(
            "{:.1} % ({:.1}–{:.1})",
            100.0 * e.mean,
            100.0 * e.low.max(0.0),
            100.0 * e.high.min(1.0)
        )
    })
}

/// Per channel: the weeks simulated against the formulas, and the intervals at risk.
pub fn simulation_summary(model: &Model, sim: &Simulation) -> String {
    let mut out = format!(
        "{} · simulated: {} replications, seed {} (95 % intervals in brackets)\n\n",
        model.name, sim.replications, sim.seed
    );
    let _ = writeln!(
        out,
        "{:<10} {:<9} {:>24} {:>10} {:>8} {:>10}",
        "period", "channel", "simulated SL", "formulas", "target", "abandon"
    );
    for (c, ch) in sim.channels.iter().enumerate() {
        for (p, f) in ch
            .periods
            .iter()
            .filter(|(p, _)| !matches!(p, SimPeriod::Day(_)))
        {
            let _ = writeln!(
                out,
                "{:<10} {:<9} {:>24} {:>10} {:>8} {:>10}",
                period_label(*p),
                ch.name,
                pct(f.service_level),
                predicted(sim, c, *p).map_or("-".into(), |v| format!("{:.1} %", 100.0 * v)),
                ch.target
                    .map_or("-".into(), |t| format!("{:.0} %", 100.0 * t)),
                f.p_abandon
                    .map_or("-".into(), |e| format!("{:.1} %", 100.0 * e.mean))
            );
        }
    }
    out.push_str(&at_risk_report(model, sim));
    out
}

/// The intervals where the simulated service level misses the target although the formulas meet it.
fn at_risk_report(model: &Model, sim: &Simulation) -> String {
    let mut out = String::new();
    let grid = &sim.evaluation.grid;
    let step = Duration::minutes(i64::from(grid.interval_minutes()));
    for (ch, ev) in sim.channels.iter().zip(&sim.evaluation.channels) {
        let risky: Vec<String> = ch
            .intervals
            .iter()
            .enumerate()
            .filter(|(t, f)| at_risk(ch, f, ev.intervals[*t].kpis.map(|k| k.service_level)))
            .map(|(t, f)| {
                let start = grid.starts()[t];
                format!(
                    "{} simulated {:.1} %, formulas {:.1} %",
                    describe_stretch(model, start, start + step),
                    100.0 * f.service_level.map_or(0.0, |e| e.mean),
                    100.0 * ev.intervals[t].kpis.map_or(0.0, |k| k.service_level)
                )
            })
            .collect();
        if risky.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}: {} interval{} at risk (the formulas meet the target, the simulation does not):",
            ch.name,
            risky.len(),
            if risky.len() == 1 { "" } else { "s" }
        );
        for line in risky.iter().take(20) {
            let _ = writeln!(out, "  {line}");
        }
        if risky.len() > 20 {
            let _ = writeln!(
                out,
                "  … and {} more (see simulation.csv)",
                risky.len() - 20
            );
        }
    }
    out
}

/// Whether any week's simulated service level misses its target.
pub fn misses_target(sim: &Simulation) -> bool {
    sim.channels.iter().any(|ch| {
        ch.periods.iter().any(|(p, f)| {
            !matches!(p, SimPeriod::Day(_))
                && matches!((ch.target, f.service_level), (Some(t), Some(e)) if e.mean + 1e-9 < t)
        })
    })
}

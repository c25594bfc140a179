//! Shift-plan outputs: `shifts.csv`, `coverage.csv` and the summary a planner reads first.

use super::service::service_table;
use crate::calculator::output::{csv_field, format_number};
use crate::evaluate::{ChannelEvaluation, Evaluation, IntervalFigures};
use crate::export::csv::{Cell, Table};
use crate::forecast::local_iso;
use crate::model::Model;
use crate::schedule::{describe_stretch, Goal, ShiftPlan};
use crate::staffing::{Span, Staffing};
use chrono::{Datelike, Duration};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `HH:MM-HH:MM name (paid|unpaid)` of each break, `; `-separated.
fn breaks_text(model: &Model, span: &Span) -> String {
    let tz = model.time_zone;
    let parts: Vec<String> = span
        .breaks
        .iter()
        .map(|b| {
            format!(
                "{}-{} {} ({})",
                b.start.with_timezone(&tz).format("%H:%M"),
                b.end().with_timezone(&tz).format("%H:%M"),
                b.name,
                if b.paid { "paid" } else { "unpaid" }
            )
        })
        .collect();
    parts.join("; ")
}

/// One row per distinct shift and break placement: `date, template, start, end, breaks, count,
/// paid_hours, channels`. `breaks` lists local `HH:MM-HH:MM name (paid|unpaid)` separated by `; `.
pub fn shifts_csv(model: &Model, staffing: &Staffing) -> String {
    let mut out = String::from("date,template,start,end,breaks,count,paid_hours,channels\n");
    for s in &staffing.spans {
        let cells = [
            s.date.to_string(),
            csv_field(s.template_name(model)),
            local_iso(model, s.start),
            local_iso(model, s.end),
            csv_field(&breaks_text(model, s)),
            s.count.to_string(),
            format_number(s.paid_hours()),
            csv_field(&s.channel_names(model).join(";")),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// One row per channel and interval: requirement, agents scheduled, over and under, and the evaluator's
/// figures at that staffing (`asa_s` empty where the queue is unstable), in the model's `[export.csv]`
/// delimiter and decimal separator. Numbers are rounded to what a planner reads: agents and volumes to
/// 2 decimals, shares (service level, abandonment, occupancy) to 4 (a hundredth of a percent), the ASA
/// to a tenth of a second.
pub fn coverage_csv(evaluation: &Evaluation, model: &Model) -> String {
    let header = [
        "channel",
        "start",
        "open",
        "required",
        "scheduled",
        "over",
        "under",
        "volume",
        "service_level",
        "asa_s",
        "p_abandon",
        "occupancy",
    ];
    let mut table = Table::new(&model.export_csv, &header);
    for ch in &evaluation.channels {
        for (t, r) in evaluation.grid.starts().iter().zip(&ch.intervals) {
            table.row(&coverage_row(model, &ch.name, *t, r));
        }
    }
    table.finish()
}

fn coverage_row(
    model: &Model,
    channel: &str,
    t: chrono::DateTime<chrono::Utc>,
    r: &IntervalFigures,
) -> Vec<Cell> {
    let opt =
        |x: Option<f64>, decimals: usize| x.map_or(Cell::Empty, |x| Cell::Number(x, decimals));
    let k = r.kpis.as_ref();
    vec![
        Cell::Text(channel.to_string()),
        Cell::Plain(local_iso(model, t)),
        Cell::Plain(r.open.to_string()),
        Cell::Number(r.required, 2),
        Cell::Number(r.scheduled, 2),
        Cell::Number(r.over(), 2),
        Cell::Number(r.under(), 2),
        opt((r.volume > 0.0).then_some(r.volume), 2),
        opt(k.map(|k| k.service_level), 4),
        // An unstable queue's wait grows without bound: `inf`, not an empty cell.
        opt(
            k.and_then(|k| {
                if k.stable {
                    k.asa_s
                } else {
                    Some(f64::INFINITY)
                }
            }),
            1,
        ),
        opt(k.map(|k| k.p_abandon), 4),
        opt(k.map(|k| k.occupancy), 4),
    ]
}

/// Agents and paid hours per local day.
pub fn agents_per_day(staffing: &Staffing) -> String {
    let mut per_day: BTreeMap<chrono::NaiveDate, (u32, f64)> = BTreeMap::new();
    for span in &staffing.spans {
        let e = per_day.entry(span.date).or_default();
        e.0 += span.count;
        e.1 += span.paid_hours() * f64::from(span.count);
    }
    let days: Vec<String> = per_day
        .iter()
        .map(|(d, (n, h))| {
            format!(
                "{} {}.{}. {} agents ({:.0} h)",
                d.weekday(),
                d.day(),
                d.month(),
                n,
                h
            )
        })
        .collect();
    days.join(", ")
}

/// The summary: solver, paid hours, agents per day, service per channel, goal, shortfalls.
pub fn schedule_summary(model: &Model, plan: &ShiftPlan) -> String {
    let mut out = String::new();
    let s = &plan.solver;
    let _ = writeln!(out, "{} · shift plan · goal: {}", model.name, plan.goal);
    let _ = writeln!(
        out,
        "solver {}: {} · cost {:.2} · LP bound {:.2} · gap {:.2} % · {} variables ({} integer), {} constraints · built in {:.2} s, solved in {:.2} s",
        s.backend, s.status, s.objective, s.lp_bound, 100.0 * s.gap, s.variables, s.integer_variables, s.constraints, s.build_seconds, s.solve_seconds
    );
    let _ = writeln!(
        out,
        "paid hours {:.1} · shift cost {:.1} · {} shifts ({} distinct)",
        plan.paid_hours(),
        plan.cost(),
        plan.staffing.shift_count(),
        plan.spans().len()
    );
    if let Some(interval_h) = plan.interval_goal_paid_hours {
        let saved = interval_h - plan.paid_hours();
        let _ = writeln!(
            out,
            "the {} goal saves {saved:.1} paid hours against the interval goal's plan ({interval_h:.1} h)",
            plan.goal
        );
    }
    if let Some(surplus) = &plan.surplus {
        let _ = writeln!(out, "{}", surplus.describe());
    }
    if let Some(spare) = plan.solver.describe_spare() {
        let _ = writeln!(out, "{spare}");
    }
    let _ = writeln!(out, "agents per day: {}", agents_per_day(&plan.staffing));
    out.push('\n');
    out.push_str(&service_table(model, &plan.evaluation));
    out.push_str(&goal_report(
        model,
        plan.goal,
        &plan.evaluation,
        &plan.minimum,
    ));
    out.push_str(&shortfall_report(model, plan));
    out
}

/// Under a daily/weekly goal: whether each period meets it, and what the goal leaves below the interval
/// requirement (by design) — in figures.
///
/// `minimum` is the plan's minimum per channel and interval (see [`ShiftPlan::minimum`]).
pub fn goal_report(
    model: &Model,
    goal: Goal,
    evaluation: &Evaluation,
    minimum: &[Vec<f64>],
) -> String {
    let mut out = String::new();
    if goal == Goal::Interval {
        return out;
    }
    let misses = evaluation.misses(goal.scope());
    let _ = writeln!(out, "\n{goal} goal:");
    let unit = if goal == Goal::Daily { "day" } else { "week" };
    if misses.is_empty() {
        let _ = writeln!(
            out,
            "  every {unit} meets its service-level and abandonment targets (see the {unit} lines above)"
        );
    }
    for m in &misses {
        let _ = writeln!(out, "  missed: {m}");
    }
    // Only channels with a service-level or abandonment target trade intervals; the others keep their
    // requirement, and what they miss is in the shortfalls.
    let traded_channels = evaluation.channels.iter().zip(minimum).filter(|(ch, _)| {
        ch.is_immediate()
            && (ch.targets.service_level.is_some() || ch.targets.max_abandon.is_some())
    });
    for (ch, minimum) in traded_channels {
        if ch.period.short_intervals > 0 {
            let _ = writeln!(out, "{}", traded(model, evaluation, ch, minimum));
        }
    }
    out
}

/// `voice: 22 intervals below the interval requirement (47 agent-intervals); lowest interval …`.
fn traded(
    model: &Model,
    evaluation: &Evaluation,
    ch: &ChannelEvaluation,
    minimum: &[f64],
) -> String {
    let p = &ch.period;
    let worst = p.worst_service_level.map_or(String::new(), |(t, sl)| {
        let start = evaluation.grid.starts()[t];
        let step = Duration::minutes(i64::from(evaluation.grid.interval_minutes()));
        format!(
            "; lowest interval {} at {:.1} % SL",
            describe_stretch(model, start, start + step),
            100.0 * sl
        )
    });
    let below_floor = ch
        .intervals
        .iter()
        .zip(minimum)
        .filter(|(r, m)| **m - r.scheduled >= 0.5)
        .count();
    let floor = format!(
        "floor ({:.0} % SL and the channel's minimum agents)",
        100.0 * model.schedule.min_interval_service_level
    );
    let kept = if below_floor == 0 {
        format!("each keeps its {floor}")
    } else {
        format!("{below_floor} of them are below even their {floor}: see the shortfalls")
    };
    format!(
        "  {}: {} intervals below the interval requirement ({:.0} agent-intervals){worst} — the goal trades them against busier intervals; {kept}",
        ch.name, p.short_intervals, p.under
    )
}

/// Stretches below what the plan must give, or the line that says there are none.
fn shortfall_report(model: &Model, plan: &ShiftPlan) -> String {
    let mut out = String::new();
    let what = if plan.goal == Goal::Interval {
        "every interval has its requirement"
    } else {
        "every interval has at least its floor"
    };
    if plan.shortfalls.is_empty() {
        let _ = writeln!(out, "\nno shortfalls: {what}");
        return out;
    }
    let _ = writeln!(out, "\nshortfalls ({}):", plan.shortfalls.len());
    for s in plan.shortfalls.iter().take(40) {
        let _ = writeln!(out, "  {}", s.describe(model));
    }
    if plan.shortfalls.len() > 40 {
        let _ = writeln!(
            out,
            "  … and {} more (see coverage.csv)",
            plan.shortfalls.len() - 40
        );
    }
    out
}

//! Shift-plan outputs: `shifts.csv`, `coverage.csv` and the summary a planner reads first.

use crate::calculator::output::{csv_field, format_number};
use crate::forecast::local_iso;
use crate::model::Model;
use crate::schedule::ShiftPlan;
use chrono::Datelike;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One row per distinct shift and break placement: `date, template, start, end, breaks, count,
/// paid_hours, channels`. `breaks` lists local `HH:MM-HH:MM name (paid|unpaid)` separated by `; `.
pub fn shifts_csv(model: &Model, plan: &ShiftPlan) -> String {
    let tz = model.time_zone;
    let mut out = String::from("date,template,start,end,breaks,count,paid_hours,channels\n");
    for s in &plan.shifts {
        let breaks: Vec<String> = s
            .breaks
            .iter()
            .map(|b| {
                let from = b.start.with_timezone(&tz);
                let to =
                    (b.start + chrono::Duration::minutes(i64::from(b.minutes))).with_timezone(&tz);
                format!(
                    "{}-{} {} ({})",
                    from.format("%H:%M"),
                    to.format("%H:%M"),
                    b.name,
                    if b.paid { "paid" } else { "unpaid" }
                )
            })
            .collect();
        let cells = [
            s.date.to_string(),
            csv_field(&s.template),
            local_iso(model, s.start),
            local_iso(model, s.end),
            csv_field(&breaks.join("; ")),
            s.count.to_string(),
            format_number(s.paid_hours),
            csv_field(&s.channels.join(";")),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// One row per channel and interval: requirement, agents scheduled, over and under, and the figures the
/// queueing core predicts at the scheduled staffing.
pub fn coverage_csv(model: &Model, plan: &ShiftPlan) -> String {
    let mut out = String::from(
        "channel,start,open,required,scheduled,over,under,volume,service_level,asa_s,p_abandon,occupancy\n",
    );
    for (channel, rows) in model.channels.iter().zip(&plan.coverage) {
        for (t, r) in plan.starts.iter().zip(rows) {
            let opt = |x: Option<f64>| x.map_or_else(String::new, format_number);
            let k = r.kpis.as_ref();
            let convention = match &channel.kind {
                crate::model::ChannelKind::Immediate { targets, .. } => targets.convention,
                crate::model::ChannelKind::Deferred { .. } => Default::default(),
            };
            let cells = [
                csv_field(&channel.name),
                local_iso(model, *t),
                r.open.to_string(),
                format_number(r.required),
                format_number(r.scheduled),
                format_number((r.scheduled - r.required).max(0.0)),
                format_number((r.required - r.scheduled).max(0.0)),
                opt(r.volume),
                opt(k.map(|k| k.service_level.get(convention))),
                opt(k.map(|k| k.asa_answered_s)),
                opt(k.map(|k| k.p_abandon)),
                opt(k.map(|k| k.occupancy)),
            ];
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

/// The summary: solver, paid hours, agents per day, outcome per channel, shortfalls.
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
        plan.shifts.iter().map(|x| x.count).sum::<u32>(),
        plan.shifts.len()
    );
    let mut per_day: BTreeMap<chrono::NaiveDate, (u32, f64)> = BTreeMap::new();
    for shift in &plan.shifts {
        let e = per_day.entry(shift.date).or_default();
        e.0 += shift.count;
        e.1 += shift.paid_hours * f64::from(shift.count);
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
    let _ = writeln!(out, "agents per day: {}", days.join(", "));
    let _ = writeln!(
        out,
        "\n{:<9} {:>10} {:>8} {:>9} {:>9} {:>12} {:>12}",
        "channel", "contacts", "SL", "target", "ASA", "abandon", "under / over"
    );
    for (c, (channel, rows)) in model.channels.iter().zip(&plan.coverage).enumerate() {
        let o = &plan.outcomes[c];
        let under: f64 = rows
            .iter()
            .map(|r| (r.required - r.scheduled).max(0.0))
            .sum();
        let over: f64 = rows
            .iter()
            .map(|r| (r.scheduled - r.required).max(0.0))
            .sum();
        let pct = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{:.1} %", 100.0 * v));
        let _ = writeln!(
            out,
            "{:<9} {:>10.0} {:>8} {:>9} {:>9} {:>12} {:>12}",
            channel.name,
            o.volume,
            pct(o.service_level),
            pct(o.target_service_level),
            o.asa_s.map_or("-".to_string(), |v| format!("{v:.1} s")),
            pct(o.p_abandon),
            format!("{under:.0} / {over:.0}")
        );
    }
    let _ = writeln!(
        out,
        "(under / over: agent-intervals short of and beyond the requirement)"
    );
    if plan.shortfalls.is_empty() {
        let _ = writeln!(out, "\nno shortfalls: every interval has its requirement");
    } else {
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
    }
    out
}

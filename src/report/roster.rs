//! What a planner reads first after `vuoro plan` or `vuoro roster`: the plan and roster in one line, the
//! service the roster delivers (from the evaluator), open shifts and broken rules by agent.

use super::schedule::goal_report;
use super::service::service_table;
use crate::evaluate::Evaluation;
use crate::model::Model;
use crate::roster::Roster;
use crate::schedule::{Goal, ShiftPlan};
use std::fmt::Write as _;

/// `vuoro plan`'s summary: plan, roster, the roster's service per day, week and period, then the roster
/// report.
pub fn plan_summary(
    model: &Model,
    plan: &ShiftPlan,
    roster: &Roster,
    evaluation: &Evaluation,
) -> String {
    let mut out = String::new();
    let s = &plan.solver;
    let _ = writeln!(
        out,
        "{} · plan: {} shifts ({:.0} paid h), solver {}: {}, gap {:.2} % · roster: {} agents, {} shifts filled ({:.0} paid h), {} open",
        model.name,
        plan.staffing.shift_count(),
        plan.paid_hours(),
        s.backend,
        s.status,
        100.0 * s.gap,
        roster.agents.len(),
        roster.spans().len(),
        roster.staffing.paid_hours(),
        roster.open_count()
    );
    let _ = writeln!(
        out,
        "objective: the plan's shifts cost {:.1} against its LP bound {:.1} (gap {:.2} %); the roster adds {} open agent-shift(s), {:.1} h below minimum and a soft-rule penalty of {:.1} (bound 0)",
        s.objective,
        s.lp_bound,
        100.0 * s.gap,
        roster.open_count(),
        roster.search.short_hours,
        roster.search.soft_penalty
    );
    if let Some(surplus) = &plan.surplus {
        let _ = writeln!(out, "{}", surplus.describe());
    }
    if let Some(spare) = plan.solver.describe_spare() {
        let _ = writeln!(out, "{spare}");
    }
    let _ = writeln!(out, "\nservice of the roster:");
    out.push_str(&service_table(model, evaluation));
    out.push_str(&goal_report(model, plan.goal, evaluation, &plan.minimum));
    let unmet = plan.unmet(evaluation);
    if unmet.below_minimum > 0 {
        let what = if plan.goal == Goal::Interval {
            "the requirement"
        } else {
            "their floor"
        };
        // Short because of open shifts, or because the plan itself leaves the interval short.
        let why = if roster.open.is_empty() {
            "every shift is filled: the shift plan leaves them short; see coverage.csv"
        } else {
            "see coverage.csv and the open shifts below"
        };
        let _ = writeln!(
            out,
            "\n{} channel-intervals are below {what} ({why})",
            unmet.below_minimum
        );
    }
    out.push_str(&roster_report(model, roster));
    out
}

/// `80 missing required skill, 20 more than one shift a day` — which rules turned the agents away.
fn turned_away(counts: &[(crate::rules::Rule, usize)]) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(rule, n)| format!("{n} {}", rule.words().to_lowercase()))
        .collect();
    if parts.is_empty() {
        "no agents".to_string()
    } else {
        format!("turned away: {}", parts.join(", "))
    }
}

/// Open shifts and broken rules, by agent.
pub fn roster_report(model: &Model, roster: &Roster) -> String {
    let tz = model.time_zone;
    let mut out = String::new();
    if !roster.open.is_empty() {
        let _ = writeln!(
            out,
            "\nopen shifts ({}; no agent the rules admit):",
            roster.open_count()
        );
        // Spans differing only in their break times read the same: one line each.
        let mut lines: Vec<(String, u32, String)> = Vec::new();
        for o in &roster.open {
            let s = &o.span;
            let text = format!(
                "{} {} {}–{}",
                s.date,
                s.template_name(model),
                s.start.with_timezone(&tz).format("%H:%M"),
                s.end.with_timezone(&tz).format("%H:%M"),
            );
            match lines.iter_mut().find(|(t, _, _)| *t == text) {
                Some((_, n, _)) => *n += s.count,
                None => lines.push((
                    text,
                    s.count,
                    format!("{} ({})", o.blocked, turned_away(&o.turned_away)),
                )),
            }
        }
        for (text, n, why) in lines {
            let agents = if n == 1 { "agent" } else { "agents" };
            let _ = writeln!(out, "  {text}: {n} {agents} — {why}");
        }
    }
    let search = &roster.search;
    let _ = writeln!(
        out,
        "\nroster search: {} moves tried, {} kept, in {} start(s) from fixed seeds, the roster of least cost kept (a fixed budget: the same inputs give the same roster)",
        search.moves, search.accepted, search.starts
    );
    let _ = writeln!(
        out,
        "roster cost: {} open agent-shift(s), {:.1} h below minimum, soft-rule penalty {:.1} ({} per broken soft rule plus the model's weights; bound 0)",
        roster.open_count(),
        search.short_hours,
        search.soft_penalty,
        crate::rules::SOFT_BREACH
    );
    if search.retimed > 0 {
        let _ = writeln!(
            out,
            "retimed: {} agent-shift(s) moved within their template's start window to fit their agent, every interval that met its requirement still meeting it",
            search.retimed
        );
    }
    if let Some(changed) = search.changed_days {
        let _ = writeln!(
            out,
            "re-roster: {changed} agent-day(s) of the previous roster changed (its agent left, the shift left the plan, or a rule no longer admits it)"
        );
    }
    if roster.violations.is_empty() {
        let _ = writeln!(out, "\nno labour rule broken");
        return out;
    }
    let hard = roster.hard_breaches(model);
    let _ = writeln!(
        out,
        "\nrules broken ({}: {hard} hard, {} soft):",
        roster.violations.len(),
        roster.violations.len() - hard
    );
    for v in roster.violations.iter().take(60) {
        let who = v.agent.map_or(String::new(), |a| {
            format!("{} ({}): ", roster.agents[a].name, roster.agents[a].id)
        });
        let _ = writeln!(out, "  {who}{} — {}", v.rule, v.detail);
    }
    if roster.violations.len() > 60 {
        let _ = writeln!(
            out,
            "  … and {} more (all of them in report.html and roster.json)",
            roster.violations.len() - 60
        );
    }
    out
}

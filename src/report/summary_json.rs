//! Every command's summary as one JSON document (`--format json`), built from the same library values
//! the table summaries print — the evaluator's [`Summary`], the solver report, the roster — never by
//! reading the text. The shape is documented in `docs/summary-json.md`; [`SCHEMA_VERSION`] changes
//! when a key is renamed or removed (adding a key does not change it).
//!
//! Numbers are full precision (shortest round-trip), shares are fractions, durations seconds, hours
//! hours; a figure that does not exist (no contacts, an unstable queue) is `null`; times are local
//! ISO 8601 with the model's offset.

use crate::evaluate::{ChannelEvaluation, Evaluation, Miss, Missed, Period, Summary};
use crate::forecast::local_iso;
use crate::model::Model;
use crate::requirements::Requirements;
use crate::roster::Roster;
use crate::schedule::{Goal, ShiftPlan, SolverReport, SolverStatus};
use crate::simulate::{Estimate, SimFigures, Simulation};
use serde_json::{json, Value};

/// Version of the documents' shape.
pub const SCHEMA_VERSION: u32 = 1;

/// `vuoro requirements`: per channel, one entry per local day and the period.
pub fn requirements(model: &Model, req: &Requirements) -> Value {
    let channels: Vec<Value> = model
        .channels
        .iter()
        .zip(&req.channels)
        .map(|(channel, ch)| {
            let (days, period) = super::channel_figures(model, req, channel, ch);
            let immediate = !channel.is_deferred();
            let day = |label: String, f: &super::DayFigures| {
                json!({
                    "period": label,
                    "contacts": f.service.volume,
                    "workload_h": f.workload_h,
                    "peak_scheduled_agents": f.peak_scheduled,
                    "scheduled_h": f.scheduled_h,
                    "productive_h": f.productive_h,
                    "service_level": if immediate { f.service.service_level() } else { None },
                    "p_abandon": if immediate { f.service.p_abandon() } else { None },
                    "max_backlog_items": if immediate { None } else { Some(f.max_backlog) },
                })
            };
            let shrinkage: serde_json::Map<String, Value> = channel
                .shrinkage
                .iter()
                .map(|(name, share)| (name.clone(), json!(period.scheduled_h * share)))
                .collect();
            json!({
                "channel": channel.name,
                "kind": channel.kind.name(),
                "days": days.iter().map(|(d, f)| day(d.to_string(), f)).collect::<Vec<_>>(),
                "period": day("period".to_string(), &period),
                "shrinkage_h": shrinkage,
                "carried_items": ch.carried_items,
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "command": "requirements",
        "model": model.name,
        "time_zone": model.time_zone.name(),
        "interval_minutes": req.interval_minutes,
        "first_interval": req.starts.first().map(|t| local_iso(model, *t)),
        "last_interval": req.starts.last().map(|t| local_iso(model, *t)),
        "channels": channels,
    })
}

/// `vuoro schedule`: the solver, the plan's size, its service per channel, goal misses and shortfalls.
pub fn schedule(model: &Model, plan: &ShiftPlan) -> Value {
    let misses = plan.goal_misses();
    json!({
        "schema_version": SCHEMA_VERSION,
        "command": "schedule",
        "model": model.name,
        "goal": plan.goal.to_string(),
        "solver": solver(&plan.solver),
        "paid_hours": plan.paid_hours(),
        "surplus": surplus(plan),
        "shift_cost": plan.cost(),
        "shifts": plan.staffing.shift_count(),
        "distinct_shifts": plan.spans().len(),
        "agents_per_day": agents_per_day(plan),
        "service": service(model, &plan.evaluation),
        "goal_misses": goal_misses(plan.goal, &misses),
        "shortfalls": plan.shortfalls.iter().map(|s| json!({
            "channel": s.channel,
            "from": local_iso(model, s.from),
            "to": local_iso(model, s.to),
            "agents_short": s.agents,
            "description": s.describe(model),
        })).collect::<Vec<_>>(),
        "targets_met": plan.shortfalls.is_empty() && misses.is_empty(),
    })
}

/// `vuoro plan`: the shift plan, the roster, the roster's service, open shifts and broken rules.
pub fn plan(model: &Model, plan: &ShiftPlan, roster: &Roster, evaluation: &Evaluation) -> Value {
    let misses = evaluation.misses(plan.goal.scope());
    let unmet = plan.unmet(evaluation);
    json!({
        "schema_version": SCHEMA_VERSION,
        "command": "plan",
        "model": model.name,
        "goal": plan.goal.to_string(),
        "plan": {
            "shifts": plan.staffing.shift_count(),
            "paid_hours": plan.paid_hours(),
            "solver": solver(&plan.solver),
            "surplus": surplus(plan),
        },
        "roster": roster_figures(model, roster),
        "service": service(model, evaluation),
        "goal_misses": goal_misses(plan.goal, &misses),
        "intervals_below_minimum": unmet.below_minimum,
        "open_shifts": open_shifts(model, roster),
        "violations": violations(model, roster),
        "targets_met": roster.open.is_empty() && roster.hard_breaches(model) == 0 && unmet.is_empty(),
    })
}

/// `vuoro roster`: the roster, open shifts and broken rules.
pub fn roster(model: &Model, roster: &Roster) -> Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "command": "roster",
        "model": model.name,
        "roster": roster_figures(model, roster),
        "open_shifts": open_shifts(model, roster),
        "violations": violations(model, roster),
        "targets_met": roster.open.is_empty() && roster.hard_breaches(model) == 0,
    })
}

/// `vuoro simulate`: per channel and period the simulated figures beside the formulas', and the
/// intervals at risk.
pub fn simulation(model: &Model, sim: &Simulation) -> Value {
    let grid = &sim.evaluation.grid;
    let channels: Vec<Value> = sim
        .channels
        .iter()
        .zip(&sim.evaluation.channels)
        .enumerate()
        .map(|(c, (ch, ev))| {
            let periods: Vec<Value> = ch
                .periods
                .iter()
                .map(|(p, f)| {
                    let mut v = sim_figures(f);
                    v["period"] = json!(super::simulation::period_label(*p));
                    v["formulas_service_level"] = json!(super::simulation::predicted(sim, c, *p));
                    v
                })
                .collect();
            let at_risk: Vec<Value> = ch
                .intervals
                .iter()
                .enumerate()
                .filter_map(|(t, f)| {
                    let formulas = ev.intervals[t].kpis.map(|k| k.service_level);
                    super::simulation::at_risk(ch, f, formulas).then(|| {
                        json!({
                            "start": local_iso(model, grid.starts()[t]),
                            "service_level": f.service_level.map(|e| e.mean),
                            "formulas_service_level": formulas,
                        })
                    })
                })
                .collect();
            json!({
                "channel": ch.name,
                "target_service_level": ch.target,
                "periods": periods,
                "at_risk_intervals": at_risk,
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "command": "simulate",
        "model": model.name,
        "replications": sim.replications,
        "seed": sim.seed,
        "channels": channels,
        "targets_met": !super::simulation::misses_target(sim),
    })
}

fn estimate(e: Option<Estimate>) -> Value {
    e.map_or(
        Value::Null,
        |e| json!({"mean": e.mean, "low": e.low, "high": e.high}),
    )
}

fn sim_figures(f: &SimFigures) -> Value {
    json!({
        "offered": f.offered,
        "service_level": estimate(f.service_level),
        "asa_s": estimate(f.asa_s),
        "p_abandon": estimate(f.p_abandon),
        "occupancy": estimate(f.occupancy),
    })
}

/// With a workforce: paid hours beyond the demand's own need (see `vuoro::schedule::Surplus`).
fn surplus(plan: &ShiftPlan) -> Value {
    match &plan.surplus {
        Some(s) => json!({
            "surplus_paid_hours": s.surplus_paid_hours,
            "demand_paid_hours": s.demand_paid_hours,
            "contract_minimum_paid_hours": s.minimum_paid_hours,
        }),
        None => Value::Null,
    }
}

fn solver(s: &SolverReport) -> Value {
    json!({
        "backend": s.backend.to_string(),
        "status": match s.status {
            SolverStatus::Optimal => "optimal",
            SolverStatus::WithinGap => "within_gap",
            SolverStatus::TimeLimit => "time_limit",
            SolverStatus::RoundedRelaxation => "rounded_relaxation",
            SolverStatus::NodeLimit => "node_limit",
            SolverStatus::LocalOptimum => "local_optimum",
            SolverStatus::MoveBudget => "move_budget",
        },
        "status_words": s.status.to_string(),
        "objective": s.objective,
        "lp_bound": s.lp_bound,
        "gap": s.gap,
        "variables": s.variables,
        "integer_variables": s.integer_variables,
        "constraints": s.constraints,
        "build_seconds": s.build_seconds,
        "solve_seconds": s.solve_seconds,
        "spare_moves": s.spare_moves,
        "spare_contacts": s.spare_contacts,
    })
}

fn agents_per_day(plan: &ShiftPlan) -> Vec<Value> {
    let mut days: std::collections::BTreeMap<chrono::NaiveDate, (u32, f64)> = Default::default();
    for span in plan.spans() {
        let e = days.entry(span.date).or_default();
        e.0 += span.count;
        e.1 += span.paid_hours() * f64::from(span.count);
    }
    days.iter()
        .map(|(d, (n, h))| json!({"date": d.to_string(), "agents": n, "paid_hours": h}))
        .collect()
}

/// Misses of the goal's periods; under the interval goal the goal is the requirement, so none.
fn goal_misses(goal: Goal, misses: &[Miss]) -> Vec<Value> {
    if goal == Goal::Interval {
        return Vec::new();
    }
    misses.iter().map(miss).collect()
}

fn period_label(period: Period) -> String {
    match period {
        Period::Day(d) => d.to_string(),
        Period::Week((y, w)) => format!("{y}-W{w:02}"),
        Period::All => "period".to_string(),
    }
}

fn miss(m: &Miss) -> Value {
    let (what, got, limit) = match m.what {
        Missed::ServiceLevel { got, target } => ("service_level", got, target),
        Missed::Abandonment { got, cap } => ("abandonment", got, cap),
    };
    json!({
        "channel": m.channel,
        "period": period_label(m.period),
        "missed": what,
        "value": got,
        "limit": limit,
    })
}

/// The service table's figures: per channel, each day, each ISO week and the period.
fn service(model: &Model, evaluation: &Evaluation) -> Vec<Value> {
    let starts = evaluation.grid.starts();
    evaluation
        .channels
        .iter()
        .map(|ch| {
            let line = |period: Period, s: &Summary| summary_line(ch, period, s);
            json!({
                "channel": ch.name,
                "convention": ch.convention.map(|c| c.name()),
                "target_service_level": if ch.is_immediate() { ch.targets.service_level } else { None },
                "threshold_s": ch.targets.threshold_s,
                "max_abandon": ch.targets.max_abandon,
                "max_asa_s": ch.targets.max_asa_s,
                "days": ch.days.iter().map(|(d, s)| line(Period::Day(*d), s)).collect::<Vec<_>>(),
                "weeks": ch.weeks.iter().map(|(w, s)| line(Period::Week(*w), s)).collect::<Vec<_>>(),
                "period": line(Period::All, &ch.period),
                "unstable_intervals": ch.period.unstable.iter()
                    .map(|&t| local_iso(model, starts[t])).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// One line of the service table: the same [`Summary`] methods the table prints.
fn summary_line(ch: &ChannelEvaluation, period: Period, s: &Summary) -> Value {
    json!({
        "period": period_label(period),
        "contacts": s.volume,
        "required_h": s.required_h,
        "scheduled_h": s.scheduled_h,
        "service_level": s.service_level(),
        "asa_s": s.asa_s(),
        "p_abandon": if ch.abandons { s.p_abandon() } else { None },
        "under": s.under,
        "over": s.over,
        "misses": s.misses(&ch.name, period, &ch.targets).iter().map(miss).collect::<Vec<_>>(),
    })
}

fn roster_figures(model: &Model, roster: &Roster) -> Value {
    let search = &roster.search;
    json!({
        "agents": roster.agents.len(),
        "shifts_filled": roster.spans().len(),
        "paid_hours": roster.staffing.paid_hours(),
        "open": roster.open_count(),
        "hard_breaches": roster.hard_breaches(model),
        "search": {
            "moves": search.moves,
            "accepted": search.accepted,
            "starts": search.starts,
            "changed_days": search.changed_days,
            "retimed": search.retimed,
            "short_hours": search.short_hours,
            "soft_penalty": search.soft_penalty,
        },
    })
}

fn open_shifts(model: &Model, roster: &Roster) -> Vec<Value> {
    roster
        .open
        .iter()
        .map(|o| {
            let s = &o.span;
            json!({
                "date": s.date.to_string(),
                "template": s.template_name(model),
                "start": local_iso(model, s.start),
                "end": local_iso(model, s.end),
                "agents": s.count,
                "turned_away": o.turned_away.iter().map(|(rule, n)| json!({
                    "rule": rule.code(),
                    "words": rule.words(),
                    "agents": n,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn violations(model: &Model, roster: &Roster) -> Vec<Value> {
    roster
        .violations
        .iter()
        .map(|v| {
            let agent = v.agent.map(|a| &roster.agents[a]);
            json!({
                "agent_id": agent.map(|a| &a.id),
                "agent_name": agent.map(|a| &a.name),
                "rule": v.rule.code(),
                "words": v.rule.words(),
                "hard": model.rules.is_hard(v.rule),
                "detail": v.detail,
            })
        })
        .collect()
}

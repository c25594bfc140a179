//! A workforce's plan of several ISO weeks, solved week by week when the program separates.
//!
//! The workforce rows hold per day (agents present), per template-day (who may work it) and per ISO
//! week (each agent's weekly pattern); coverage, breaks and day limits hold per interval and day; a goal
//! is held per day or per ISO week. So when no candidate shift reaches into another ISO week than its
//! start date's (no night shift across Sunday→Monday), the program is block-diagonal by ISO week: its
//! LP relaxation is the sum of the weeks' relaxations — the bound reported is exact, not a relaxed
//! coupling — and a plan is optimal iff each week's is. Solving the blocks apart is the classic use of
//! such structure (Dantzig & Wolfe 1960, "Decomposition principle for linear programs", *Operations
//! Research* 8(1), with no linking rows): microlp's simplex grows faster than linearly in the program's
//! size, so four one-week LPs cost far less than one four-week LP (issue 9's large case: 49 s → see the
//! README). What couples weeks for real — rest from Sunday's shift to Monday's, period rules — is per
//! agent, which the aggregate program never sees; the roster handles it over the whole horizon.
//!
//! Each week's budgets (moves, nodes) are its own program's, so the result is as deterministic as one
//! solve; the wall-clock safety stop is shared: a week gets what the earlier weeks left of it.
//!
//! Opt-in ([`SolverChoice::by_week`]): measured on issue 9's large case (load 6 on 2 cores) the plan
//! took 59 s instead of 121 s at the same bound and a lower cost, but the roster's greedy left 10–11
//! part-time shifts open on Fridays (part-timers used up their 4 days earlier in the week) where the
//! whole plan left none. The surplus LP, a report, is always split ([`super::surplus`]).

use super::candidates::enumerate;
use super::{ScheduleError, ShiftPlan, SolverChoice, SolverReport, SolverStatus, Surplus};
use crate::evaluate::evaluate;
use crate::grid::{iso_week, TimeGrid};
use crate::model::Model;
use crate::requirements::demand::{ChannelDemand, Demand};
use crate::staffing::Staffing;
use std::ops::Range;
use std::time::Instant;

/// The grid's intervals per ISO week, in order, when the program separates by ISO week and spans more
/// than one; `None` otherwise (the plan is then solved whole).
pub(crate) fn weeks(model: &Model, demand: &Demand) -> Option<Vec<Range<usize>>> {
    let grid = &demand.grid;
    let first = grid.first()?;
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for t in 0..grid.len() {
        match ranges.last_mut() {
            Some(r) if iso_week(grid.date_of(r.start)) == iso_week(grid.date_of(t)) => {
                r.end = t + 1
            }
            _ => ranges.push(t..t + 1),
        }
    }
    if ranges.len() < 2 {
        return None;
    }
    let (candidates, _) = enumerate(model, first, grid.len());
    let separate = candidates.iter().all(|c| {
        let week = iso_week(c.day);
        c.cover
            .iter()
            .all(|&(t, _)| iso_week(grid.date_of(t)) == week)
    });
    separate.then_some(ranges)
}

/// The demand of intervals `range`.
pub(crate) fn slice(demand: &Demand, range: Range<usize>) -> Demand {
    let grid = &demand.grid;
    Demand {
        grid: TimeGrid::new(
            grid.starts()[range.clone()].to_vec(),
            grid.interval_minutes(),
            grid.time_zone(),
        ),
        channels: demand
            .channels
            .iter()
            .map(|ch| ChannelDemand {
                required: ch.required[range.clone()].to_vec(),
                open: ch.open[range.clone()].to_vec(),
                load: ch.load[range.clone()].to_vec(),
                productive_share: ch.productive_share,
                floor: ch.floor[range.clone()].to_vec(),
            })
            .collect(),
    }
}

/// What the safety stop leaves a week that starts now, of `choice`'s limit counted from `started`.
pub(crate) fn remaining(choice: &SolverChoice, started: Instant) -> SolverChoice {
    SolverChoice {
        time_limit_s: (choice.time_limit_s - started.elapsed().as_secs_f64()).max(0.001),
        ..choice.clone()
    }
}

/// The weeks' plans as one plan for `demand`: spans in week order, measured again over the whole
/// period; objectives, bounds, sizes and budgets summed (the program is their sum); the status the
/// weakest week's.
pub(crate) fn merge(
    model: &Model,
    demand: &Demand,
    plans: Vec<ShiftPlan>,
) -> Result<ShiftPlan, ScheduleError> {
    let Some(head) = plans.first() else {
        return Err(ScheduleError::Empty);
    };
    let goal = head.goal;
    let backend = head.solver.backend;
    let mut spans = Vec::new();
    let mut minimum: Vec<Vec<f64>> = vec![Vec::new(); demand.channels.len()];
    let mut shortfalls = Vec::new();
    let mut solver = SolverReport {
        backend,
        status: SolverStatus::Optimal,
        objective: 0.0,
        lp_bound: 0.0,
        gap: 0.0,
        variables: 0,
        integer_variables: 0,
        constraints: 0,
        families: Vec::new(),
        build_seconds: 0.0,
        solve_seconds: 0.0,
        evaluations: 0,
        move_budget: 0,
        spare_moves: 0,
        spare_contacts: 0.0,
    };
    let mut interval_goal = Some(0.0);
    let mut surplus: Option<Surplus> = None;
    for plan in plans {
        spans.extend(plan.staffing.spans);
        for (all, week) in minimum.iter_mut().zip(plan.minimum) {
            all.extend(week);
        }
        shortfalls.extend(plan.shortfalls);
        add_report(&mut solver, &plan.solver);
        interval_goal = interval_goal
            .zip(plan.interval_goal_paid_hours)
            .map(|(a, b)| a + b);
        if let Some(s) = plan.surplus {
            let sum = surplus.get_or_insert(Surplus {
                demand_paid_hours: 0.0,
                minimum_paid_hours: 0.0,
                surplus_paid_hours: 0.0,
            });
            sum.demand_paid_hours += s.demand_paid_hours;
            sum.minimum_paid_hours += s.minimum_paid_hours;
        }
    }
    solver.gap = if solver.objective.abs() > 1e-9 {
        ((solver.objective - solver.lp_bound) / solver.objective).max(0.0)
    } else {
        0.0
    };
    let staffing = Staffing { spans };
    if let Some(s) = &mut surplus {
        s.surplus_paid_hours = (staffing.paid_hours() - s.demand_paid_hours).max(0.0);
    }
    let evaluation = evaluate(model, demand, &staffing);
    Ok(ShiftPlan {
        goal,
        staffing,
        evaluation,
        minimum,
        shortfalls,
        solver,
        interval_goal_paid_hours: interval_goal,
        surplus,
    })
}

/// Adds one week's report to the sum.
fn add_report(sum: &mut SolverReport, week: &SolverReport) {
    sum.status = weaker(sum.status, week.status);
    sum.objective += week.objective;
    sum.lp_bound += week.lp_bound;
    sum.variables += week.variables;
    sum.integer_variables += week.integer_variables;
    sum.constraints += week.constraints;
    for &(family, rows) in &week.families {
        match sum.families.iter_mut().find(|(f, _)| *f == family) {
            Some(entry) => entry.1 += rows,
            None => sum.families.push((family, rows)),
        }
    }
    sum.build_seconds += week.build_seconds;
    sum.solve_seconds += week.solve_seconds;
    sum.evaluations += week.evaluations;
    sum.move_budget += week.move_budget;
    sum.spare_moves += week.spare_moves;
    sum.spare_contacts += week.spare_contacts;
}

/// The status that says less of the two: a safety stop over any other, then the heuristics' over a
/// proof.
fn weaker(a: SolverStatus, b: SolverStatus) -> SolverStatus {
    let rank = |s: SolverStatus| match s {
        SolverStatus::Optimal => 0,
        SolverStatus::WithinGap => 1,
        SolverStatus::LocalOptimum => 2,
        SolverStatus::MoveBudget => 3,
        SolverStatus::NodeLimit => 4,
        SolverStatus::RoundedRelaxation => 5,
        SolverStatus::TimeLimit => 6,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// [`super::schedule_for`] week by week over `weeks` (from [`weeks`]), merged.
pub(crate) fn schedule_by_week(
    model: &Model,
    demand: &Demand,
    goal: super::Goal,
    choice: &SolverChoice,
    workforce: Option<&super::Workforce>,
    weeks: Vec<Range<usize>>,
    progress: &mut dyn FnMut(&str),
) -> Result<ShiftPlan, ScheduleError> {
    let started = Instant::now();
    let mut plans = Vec::with_capacity(weeks.len());
    for range in weeks {
        let (year, week) = iso_week(demand.grid.date_of(range.start));
        let part = slice(demand, range);
        let mut tagged = |line: &str| progress(&format!("{year}-W{week:02}: {line}"));
        plans.push(super::schedule_for(
            model,
            &part,
            goal,
            &remaining(choice, started),
            workforce,
            &mut tagged,
        )?);
    }
    let plan = merge(model, demand, plans)?;
    if let Some(s) = &plan.surplus {
        progress(&s.describe());
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::read_agents;
    use crate::schedule::formulation::formulate;
    use crate::schedule::{ilp, Goal, Workforce};
    use std::path::Path;

    /// One voice channel open 08:00–16:00 and a 4 h day shift starting 08:00–12:00 (plus `extra`
    /// templates), hourly intervals.
    fn model(extra: &str) -> Model {
        let text = format!(
            "name = \"Weeks\"\n\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"1h\"\n\n\
             [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"5m\"\n\
             target = {{ service_level = \"80%\", threshold = \"20s\" }}\n\
             hours = {{ every_day = \"00:00-24:00\" }}\n\n\
             [[shift]]\nname = \"day\"\nlength = \"4h\"\nstart = \"08:00-12:00\"\nstart_step = \"1h\"\n\
             days = \"every_day\"\nchannels = [\"voice\"]\ncost_per_shift = 4\n\n{extra}"
        );
        Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Two weeks from Monday 2026-11-30: 1–3 agents needed 08:00–16:00, varying by day (so the weeks
    /// differ), none at night.
    fn demand(model: &Model) -> Demand {
        let mut csv = String::from("channel,start,required\n");
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        for d in 0..14u32 {
            let date = monday + chrono::Duration::days(i64::from(d));
            for h in 0..24u32 {
                let required = if (8..16).contains(&h) {
                    1 + (d * 7 + h) % 3
                } else {
                    0
                };
                csv.push_str(&format!("voice,{date}T{h:02}:00,{required}\n"));
            }
        }
        Demand::from_csv(Path::new("r.csv"), &csv, model).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Eight agents of 12–20 h and at most 5 days: enough for the about 28 shifts a week needs.
    fn workforce(model: &Model) -> Workforce {
        let text = "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
                    A1,A,voice,20,12,20,5\nA2,B,voice,20,12,20,5\nA3,C,voice,20,12,20,5\n\
                    A4,D,voice,20,12,20,5\nA5,E,voice,20,12,20,5\nA6,F,voice,20,12,20,5\n\
                    A7,G,voice,20,12,20,5\nA8,H,voice,20,12,20,5\n";
        let agents = read_agents(Path::new("a.csv"), text, model).unwrap_or_else(|e| panic!("{e}"));
        Workforce::new(model, &agents, &[])
    }

    #[test]
    fn day_shifts_separate_at_monday_midnight_and_a_night_shift_across_it_does_not() {
        let m = model("");
        let d = demand(&m);
        let weeks = weeks(&m, &d).expect("two separate weeks");
        // 14 days of 24 hourly intervals, cut after the 7th day (Helsinki has no DST change then).
        assert_eq!(weeks, vec![0..168, 168..336]);
        // A 22:00 shift of 8 h on Sunday works Monday 00:00–06:00: the weeks are coupled.
        let night = model(
            "[[shift]]\nname = \"night\"\nlength = \"8h\"\nstart = \"22:00-22:00\"\n\
             days = \"every_day\"\nchannels = [\"voice\"]\ncost_per_shift = 9\n",
        );
        assert_eq!(weeks_of(&night), None);
        // A one-week grid is solved whole.
        let one = slice(&d, 0..168);
        assert_eq!(super::weeks(&m, &one), None);
    }

    fn weeks_of(m: &Model) -> Option<Vec<Range<usize>>> {
        weeks(m, &demand(m))
    }

    #[test]
    fn the_plan_made_week_by_week_has_the_whole_programs_lp_bound_and_covers_both_weeks() {
        let m = model("");
        let d = demand(&m);
        let w = workforce(&m);
        let choice = SolverChoice {
            by_week: true,
            ..SolverChoice::default()
        };
        // Independent: the LP relaxation of the whole two-week program, solved in one piece.
        let whole = formulate(&m, &d, Goal::Interval, Some(&w));
        let bound = ilp::relaxation(&whole, &choice, None).expect("lp").bound;
        let plan =
            super::super::schedule_for(&m, &d, Goal::Interval, &choice, Some(&w), &mut |_| {})
                .expect("plan");
        assert!(
            (plan.solver.lp_bound - bound).abs() < 1e-6 * bound.abs().max(1.0),
            "{} against {bound}",
            plan.solver.lp_bound
        );
        assert!(plan.solver.objective >= bound - 1e-6);
        // Every interval's requirement met, in both weeks, measured over the whole period.
        assert_eq!(plan.evaluation.channels[0].intervals.len(), 336);
        assert!(plan.evaluation.channels[0]
            .intervals
            .iter()
            .zip(&d.channels[0].required)
            .all(|(r, need)| r.scheduled + 1e-9 >= *need));
        // Each week's spans lie in it, and both weeks are planned.
        let first_week = plan
            .spans()
            .iter()
            .filter(|s| iso_week(s.date) == (2026, 49))
            .count();
        let second_week = plan
            .spans()
            .iter()
            .filter(|s| iso_week(s.date) == (2026, 50))
            .count();
        assert!(first_week > 0 && second_week > 0);
        assert_eq!(first_week + second_week, plan.spans().len());
        // The same two weeks solved apart sum to the same bound.
        let apart: f64 = weeks(&m, &d)
            .expect("weeks")
            .into_iter()
            .map(|r| {
                let f = formulate(&m, &slice(&d, r), Goal::Interval, Some(&w));
                ilp::relaxation(&f, &choice, None).expect("lp").bound
            })
            .sum();
        assert!((apart - bound).abs() < 1e-6 * bound.abs().max(1.0));
    }
}

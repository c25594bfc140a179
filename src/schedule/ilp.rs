//! The integer program, and the only place that names `good_lp`.
//!
//! Variables:
//! * `x_j ≥ 0` integer — agents starting candidate shift `j`;
//! * `b_{k,τ} ≥ 0` — agents of break set `k` (one template-day and break rule) starting that break in slot
//!   `τ`. Implicit breaks (Bechtold & Jacobs 1990): the slots' total equals the shifts', and forward and
//!   backward constraints guarantee every shift a slot inside its window, so no break combinations are
//!   enumerated and the program stays small;
//! * `a_{g,c,t} ≥ 0` — agents of channel group `g` (a template's channel set) working channel `c` in
//!   interval `t`: an agent counts once, in one channel;
//! * `u_{c,t} ≥ 0` — agents short ("understaffing", penalised), `o_t ≥ 0` — agents beyond need (lightly
//!   penalised);
//! * `z_{c,t,k} ∈ [0, 1]` — daily/weekly goals: the `k`-th agent above the interval's floor, valued by the
//!   contacts it adds to "answered within the threshold" (Koole & van der Sluis 2003, "Optimal shift
//!   scheduling with a global service level constraint", *IIE Transactions* 35(11)); the increments are
//!   made non-increasing, so the linearisation is concave and never overstates;
//! * `s ≥ 0` — contacts short of a daily/weekly goal (heavily penalised, so an unreachable goal still
//!   yields the best plan and a report instead of "infeasible").
//!
//! Solving: the LP relaxation first (its objective is the bound reported to the planner), then branch and
//! bound with the requested gap and time limit. If branch and bound finds nothing in time, the LP solution
//! is rounded up and the continuous part re-solved with the shifts fixed, which is always feasible.

use super::formulation::Formulation;
use super::{SolverChoice, SolverStatus};
use crate::rules::family::Family;
use good_lp::{
    constraint, variable, Constraint, Expression, ProblemVariables, Solution, SolverModel,
    Variable, VariableDefinition,
};
use std::time::Instant;

/// Values of the decision variables the caller needs, and how the solve went.
#[derive(Debug, Clone)]
pub(crate) struct RawSolution {
    pub shifts: Vec<f64>,
    pub breaks: Vec<Vec<f64>>,
    pub objective: f64,
    pub lp_bound: f64,
    pub status: SolverStatus,
    pub variables: usize,
    pub integer_variables: usize,
    pub constraints: usize,
    /// Rows per constraint family.
    pub families: Vec<(Family, usize)>,
    pub build_seconds: f64,
    pub solve_seconds: f64,
}

/// A built program: variables, objective, rows, and the handles the caller reads back.
struct Built {
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    /// Rows per constraint family, in [`Family::ALL`] order.
    families: Vec<(Family, usize)>,
    x: Vec<Variable>,
    b: Vec<Vec<Variable>>,
    /// Every variable in creation order (the same order in every build of one formulation).
    all: Vec<Variable>,
    count: usize,
}

/// How the shift variables are declared in one build.
#[derive(Clone, Copy)]
enum ShiftVars<'a> {
    Integer,
    Relaxed,
    Fixed(&'a [f64]),
    /// Shifts fixed, break slots whole: places every break of a given plan.
    FixedWholeBreaks(&'a [f64]),
}

/// Variables, objective and rows as they are added, each row tagged with its family.
struct Builder {
    vars: ProblemVariables,
    count: usize,
    all: Vec<Variable>,
    objective: Expression,
    rows: Vec<Constraint>,
    families: Vec<Family>,
}

impl Builder {
    fn add(&mut self, def: VariableDefinition) -> Variable {
        self.count += 1;
        let v = self.vars.add(def);
        self.all.push(v);
        v
    }

    fn row(&mut self, family: Family, row: Constraint) {
        self.rows.push(row);
        self.families.push(family);
    }
}

fn sum(vars: impl IntoIterator<Item = Variable>) -> Expression {
    let mut e = Expression::from(0.0);
    for v in vars {
        e += v;
    }
    e
}

/// Agents starting each candidate shift, and their cost in the objective.
fn shift_variables(bld: &mut Builder, f: &Formulation, shift_vars: ShiftVars<'_>) -> Vec<Variable> {
    let x: Vec<Variable> = f
        .candidates
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let upper = f64::from(f.templates[c.template].max_per_day.unwrap_or(100_000));
            bld.add(match shift_vars {
                ShiftVars::Integer => variable().integer().min(0).max(upper),
                ShiftVars::Relaxed => variable().min(0).max(upper),
                ShiftVars::Fixed(values) | ShiftVars::FixedWholeBreaks(values) => {
                    variable().min(values[j]).max(values[j])
                }
            })
        })
        .collect();
    x
}

/// Agents of each break set starting their break in each slot.
fn break_variables(bld: &mut Builder, f: &Formulation, whole: bool) -> Vec<Vec<Variable>> {
    f.break_sets
        .iter()
        .map(|set| {
            set.slots
                .iter()
                .map(|_| {
                    bld.add(if whole {
                        variable().integer().min(0).max(100_000)
                    } else {
                        variable().min(0)
                    })
                })
                .collect()
        })
        .collect()
}

/// Agents present per channel group and interval (shifts minus breaks), and where any can be.
type Presence = (Vec<Vec<Expression>>, Vec<Vec<bool>>);

fn presence(f: &Formulation, x: &[Variable], b: &[Vec<Variable>]) -> Presence {
    let n = f.intervals;
    let groups = f.groups.len();
    let mut present: Vec<Vec<Expression>> = (0..groups)
        .map(|_| vec![Expression::from(0.0); n])
        .collect();
    let mut touched = vec![vec![false; n]; groups];
    for (j, c) in f.candidates.iter().enumerate() {
        let g = f.group_of_template[c.template];
        for &(t, share) in &c.cover {
            present[g][t] += share * x[j];
            touched[g][t] = true;
        }
    }
    for (k, set) in f.break_sets.iter().enumerate() {
        let g = f.group_of_template[set.template];
        for (slot, cover) in set.slot_cover.iter().enumerate() {
            for &(t, share) in cover {
                present[g][t] -= share * b[k][slot];
            }
        }
    }
    (present, touched)
}

/// [`Family::Allocation`]: present agents split over the channels they may work; returns the agents
/// working each channel per interval.
fn allocation(
    bld: &mut Builder,
    f: &Formulation,
    (present, touched): &Presence,
) -> Vec<Vec<Expression>> {
    let n = f.intervals;
    let mut staffed: Vec<Vec<Expression>> = f
        .channels
        .iter()
        .map(|_| vec![Expression::from(0.0); n])
        .collect();
    for (g, channels) in f.groups.iter().enumerate() {
        for t in (0..n).filter(|&t| touched[g][t]) {
            let mut allocated = Expression::from(0.0);
            for &c in channels {
                if f.channels[c].needs(t) {
                    let a = bld.add(variable().min(0));
                    allocated += a;
                    staffed[c][t] += a;
                }
            }
            bld.row(
                Family::Allocation,
                constraint!(allocated <= present[g][t].clone()),
            );
        }
    }
    staffed
}

/// [`Family::Coverage`] and [`Family::Floor`]: each interval's requirement, or its floor plus
/// service-level increments; returns the increments per channel and interval.
fn coverage(
    bld: &mut Builder,
    f: &Formulation,
    staffed: &[Vec<Expression>],
) -> Vec<Vec<Vec<Variable>>> {
    let n = f.intervals;
    let mut increments: Vec<Vec<Vec<Variable>>> =
        f.channels.iter().map(|_| vec![Vec::new(); n]).collect();
    for (c, ch) in f.channels.iter().enumerate() {
        for t in (0..n).filter(|&t| ch.needs(t)) {
            let u = bld.add(variable().min(0));
            // In a goal interval an agent short still "earns" its increments, so it must cost more than
            // the most contacts one agent can add to the goal, or phantom agents would meet it.
            let price = match &ch.curves[t] {
                Some(curve) => {
                    let best = curve.answered.first().copied().unwrap_or(0.0)
                        + curve.abandoned.first().copied().unwrap_or(0.0);
                    f.under_penalty + f.goal_penalty * best
                }
                None => f.under_penalty,
            };
            bld.objective += price * u;
            match &ch.curves[t] {
                None => bld.row(
                    Family::Coverage,
                    constraint!(staffed[c][t].clone() + u >= ch.required[t]),
                ),
                Some(curve) => {
                    let z: Vec<Variable> = curve
                        .answered
                        .iter()
                        .map(|_| bld.add(variable().min(0).max(1)))
                        .collect();
                    let above = sum(z.iter().copied());
                    bld.row(
                        Family::Floor,
                        constraint!(staffed[c][t].clone() + u - above >= curve.floor),
                    );
                    increments[c][t] = z;
                }
            }
        }
    }
    increments
}

/// [`Family::GoalServiceLevel`] and [`Family::GoalAbandonment`]: answered within the threshold ≥
/// target × offered and abandoned ≤ ceiling × offered over each day or week, short at a high price.
fn goals(bld: &mut Builder, f: &Formulation, increments: &[Vec<Vec<Variable>>]) {
    for goal in &f.goals {
        let ch = &f.channels[goal.channel];
        let mut answered = Expression::from(0.0);
        let mut abandon_saved = Expression::from(0.0);
        for &t in &goal.intervals {
            if let Some(curve) = &ch.curves[t] {
                for (k, &z) in increments[goal.channel][t].iter().enumerate() {
                    answered += curve.answered[k] * z;
                    abandon_saved += curve.abandoned[k] * z;
                }
            }
        }
        let short = bld.add(variable().min(0));
        bld.objective += f.goal_penalty * short;
        bld.row(
            Family::GoalServiceLevel,
            constraint!(answered + short >= goal.answered_needed),
        );
        if let Some(needed) = goal.abandon_reduction_needed {
            let short = bld.add(variable().min(0));
            bld.objective += f.goal_penalty * short;
            bld.row(
                Family::GoalAbandonment,
                constraint!(abandon_saved + short >= needed),
            );
        }
    }
}

/// [`Family::Overstaffing`]: agents present beyond what all channels need, lightly penalised.
fn overstaffing(bld: &mut Builder, f: &Formulation, (present, touched): &Presence) {
    for t in 0..f.intervals {
        let groups: Vec<usize> = (0..f.groups.len()).filter(|&g| touched[g][t]).collect();
        if groups.is_empty() {
            continue;
        }
        let mut total = Expression::from(0.0);
        for g in groups {
            total += present[g][t].clone();
        }
        let needed: f64 = f.channels.iter().map(|ch| ch.reference[t]).sum();
        let o = bld.add(variable().min(0));
        bld.objective += f.over_penalty * o;
        bld.row(Family::Overstaffing, constraint!(o >= total - needed));
    }
}

/// [`Family::BreakWindows`]: slot totals equal the shifts; forward and backward constraints (windows are
/// monotone in the start) give every shift a slot inside its window.
fn break_windows(bld: &mut Builder, f: &Formulation, x: &[Variable], b: &[Vec<Variable>]) {
    for (k, set) in f.break_sets.iter().enumerate() {
        let shifts = sum(set.shifts.iter().map(|&j| x[j]));
        bld.row(
            Family::BreakWindows,
            constraint!(sum(b[k].iter().copied()) == shifts),
        );
        for (i, &(first, last)) in set.windows.iter().enumerate() {
            let early = sum(set.shifts[..=i].iter().map(|&j| x[j]));
            bld.row(
                Family::BreakWindows,
                constraint!(early <= sum(b[k][..=last].iter().copied())),
            );
            let late = sum(set.shifts[i..].iter().map(|&j| x[j]));
            bld.row(
                Family::BreakWindows,
                constraint!(late <= sum(b[k][first..].iter().copied())),
            );
        }
    }
}

/// [`Family::TemplateDayLimits`] and [`Family::DailyAgentLimit`].
fn limits(bld: &mut Builder, f: &Formulation, x: &[Variable]) {
    for limit in &f.limits {
        let total = sum(limit.shifts.iter().map(|&j| x[j]));
        if limit.min > 0.0 {
            bld.row(limit.family, constraint!(total.clone() >= limit.min));
        }
        if let Some(max) = limit.max {
            bld.row(limit.family, constraint!(total <= max));
        }
    }
}

/// [`Family::WorkforceCover`], [`Family::WorkforceDays`] and [`Family::WorkforceHours`]: the shifts
/// split over the groups of agents who may work them (see [`super::workforce`]).
fn workforce(bld: &mut Builder, f: &Formulation, x: &[Variable]) {
    let Some(w) = &f.workforce else { return };
    let groups = &w.workforce.groups;
    // y[g] holds (template, date, variable) for every template-day the group may work.
    let mut y: Vec<Vec<(usize, chrono::NaiveDate, Variable)>> = vec![Vec::new(); groups.len()];
    for (t, date, js) in &w.template_days {
        let mut worked = Expression::from(0.0);
        for g in w.workforce.groups_for(*t) {
            let v = bld.add(variable().min(0));
            worked += v;
            y[g].push((*t, *date, v));
        }
        // Shifts no group can work stay possible at a price, so a rounded or fixed plan stays feasible;
        // the roster reports them as open.
        let unworked = bld.add(variable().min(0));
        bld.objective += super::workforce::UNWORKED_SHIFT_PRICE * unworked;
        let shifts = sum(js.iter().map(|&j| x[j]));
        bld.row(
            Family::WorkforceCover,
            constraint!(shifts - worked - unworked == 0.0),
        );
    }
    for (g, group) in groups.iter().enumerate() {
        let mut days: Vec<chrono::NaiveDate> = y[g].iter().map(|(_, d, _)| *d).collect();
        days.dedup();
        for date in days {
            let that_day = sum(y[g]
                .iter()
                .filter(|(_, d, _)| *d == date)
                .map(|(_, _, v)| *v));
            let present = f64::from(group.present(date));
            bld.row(Family::WorkforceDays, constraint!(that_day <= present));
        }
        for week in &w.whole_weeks {
            weekly_patterns(bld, f, group, &y[g], *week, w.workforce.min_hours_hard);
        }
    }
}

/// One group's week as agents' weeks: `n_p ≥ 0` agents work pattern `p` (so many shifts of each paid
/// length, within the contract band and `max_days`), agents left idle at a high price when the minimum
/// binds, and the group's shifts of each length equal to what its patterns hold.
fn weekly_patterns(
    bld: &mut Builder,
    f: &Formulation,
    group: &super::workforce::Group,
    y: &[(usize, chrono::NaiveDate, Variable)],
    week: crate::grid::IsoWeek,
    min_hard: bool,
) {
    let model_lengths: Vec<u32> = {
        let mut l: Vec<u32> = group
            .templates
            .iter()
            .map(|&t| f.templates[t].paid_minutes)
            .collect();
        l.sort_unstable();
        l.dedup();
        l
    };
    let patterns = group.patterns(&model_lengths, min_hard);
    let n: Vec<Variable> = patterns
        .iter()
        .map(|_| bld.add(variable().min(0)))
        .collect();
    let idle = bld.add(variable().min(0));
    if min_hard {
        bld.objective += super::workforce::SHORT_HOUR_PRICE * group.min_hours.max(1.0) * idle;
    }
    let agents = group.agents.len() as f64;
    bld.row(
        Family::WorkforceHours,
        constraint!(sum(n.iter().copied()) + idle == agents),
    );
    for (k, len) in model_lengths.iter().enumerate() {
        let shifts = sum(y
            .iter()
            .filter(|(t, d, _)| {
                f.templates[*t].paid_minutes == *len && crate::grid::iso_week(*d) == week
            })
            .map(|(_, _, v)| *v));
        let mut held = Expression::from(0.0);
        for (p, v) in patterns.iter().zip(&n) {
            held += f64::from(p[k]) * *v;
        }
        bld.row(Family::WorkforceHours, constraint!(shifts - held == 0.0));
    }
}

fn build(f: &Formulation, shift_vars: ShiftVars<'_>) -> Built {
    let mut bld = Builder {
        vars: ProblemVariables::new(),
        count: 0,
        all: Vec::new(),
        objective: Expression::from(0.0),
        rows: Vec::new(),
        families: Vec::new(),
    };
    let x = shift_variables(&mut bld, f, shift_vars);
    let b = break_variables(
        &mut bld,
        f,
        matches!(shift_vars, ShiftVars::FixedWholeBreaks(_)),
    );
    for (j, c) in f.candidates.iter().enumerate() {
        bld.objective += f.templates[c.template].cost * x[j];
    }
    let present = presence(f, &x, &b);
    let staffed = allocation(&mut bld, f, &present);
    let increments = coverage(&mut bld, f, &staffed);
    goals(&mut bld, f, &increments);
    overstaffing(&mut bld, f, &present);
    break_windows(&mut bld, f, &x, &b);
    limits(&mut bld, f, &x);
    workforce(&mut bld, f, &x);
    let families = Family::ALL
        .into_iter()
        .map(|fam| (fam, bld.families.iter().filter(|x| **x == fam).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    Built {
        vars: bld.vars,
        objective: bld.objective,
        rows: bld.rows,
        families,
        x,
        b,
        all: bld.all,
        count: bld.count,
    }
}

/// Shift and break values, the objective and the status of one solve.
type Values = (Vec<f64>, Vec<Vec<f64>>, f64, SolverStatus);

/// The caller's values, and every variable's value (in creation order) for warm starts.
fn read<S: Solution>(solution: &S, built: &Built, status: SolverStatus) -> (Values, Vec<f64>) {
    let values = (
        built.x.iter().map(|&v| solution.value(v)).collect(),
        built
            .b
            .iter()
            .map(|slots| slots.iter().map(|&v| solution.value(v)).collect())
            .collect(),
        solution.eval(&built.objective),
        status,
    );
    (
        values,
        built.all.iter().map(|&v| solution.value(v)).collect(),
    )
}

/// How a back end reports the end of a solve, in our words.
fn status_of(status: good_lp::solvers::SolutionStatus) -> SolverStatus {
    use good_lp::solvers::SolutionStatus as S;
    match status {
        S::Optimal => SolverStatus::Optimal,
        S::GapLimit => SolverStatus::WithinGap,
        S::TimeLimit => SolverStatus::TimeLimit,
    }
}

/// Solves one build with the chosen back end; `mip` applies the gap and time limit, and `start` is a
/// feasible plan (every variable's value, in creation order) for branch and bound to start from.
fn run(
    built: Built,
    choice: &SolverChoice,
    mip: bool,
    start: Option<&[f64]>,
) -> Result<(Values, Vec<f64>), String> {
    let Built {
        vars,
        objective,
        rows,
        families,
        x,
        b,
        all,
        count,
    } = built;
    let keep = Built {
        vars: ProblemVariables::new(),
        objective: objective.clone(),
        rows: Vec::new(),
        families,
        x,
        b,
        all,
        count,
    };
    let problem = vars.minimise(objective);
    match choice.backend {
        super::Backend::Microlp => {
            use good_lp::{WithInitialSolution, WithMipGap, WithTimeLimit};
            let mut model = problem.using(good_lp::microlp);
            if mip {
                model = model
                    .with_time_limit(choice.time_limit_s)
                    .with_mip_gap(choice.mip_gap as f32)
                    .map_err(|e| e.to_string())?;
                if let Some(values) = start {
                    let hint: Vec<(Variable, f64)> = keep
                        .all
                        .iter()
                        .copied()
                        .zip(values.iter().copied())
                        .collect();
                    model = model.with_initial_solution(hint);
                }
            }
            for row in rows {
                model.add_constraint(row);
            }
            let solution = model.solve().map_err(|e| e.to_string())?;
            let status = status_of(solution.status());
            Ok(read(&solution, &keep, status))
        }
        #[cfg(feature = "highs")]
        super::Backend::Highs => {
            let mut model = problem.using(good_lp::highs).set_threads(choice.threads);
            model.set_verbose(false);
            if mip {
                model = model
                    .set_time_limit(choice.time_limit_s)
                    .set_mip_rel_gap(choice.mip_gap as f32)
                    .map_err(|e| format!("{e:?}"))?;
            }
            for row in rows {
                model.add_constraint(row);
            }
            let solution = model.solve().map_err(|e| e.to_string())?;
            let status = status_of(solution.status());
            Ok(read(&solution, &keep, status))
        }
        #[cfg(feature = "cbc")]
        super::Backend::Cbc => {
            let mut model = problem.using(good_lp::coin_cbc);
            model.set_parameter("log", "0");
            model.set_parameter("threads", &choice.threads.to_string());
            if mip {
                model.set_parameter("sec", &choice.time_limit_s.to_string());
                model.set_parameter("ratioGap", &choice.mip_gap.to_string());
            }
            for row in rows {
                model.add_constraint(row);
            }
            let solution = model.solve().map_err(|e| e.to_string())?;
            Ok(read(&solution, &keep, status_of(solution.status())))
        }
    }
}

/// The better of branch and bound's plan and the rounded LP (the incumbent it started from).
fn better(
    mip: Result<(Values, Vec<f64>), String>,
    rounded: Option<(Values, Vec<f64>)>,
    progress: &mut dyn FnMut(&str),
) -> Result<Values, String> {
    match (mip, rounded) {
        (Ok((values, _)), None) => Ok(values),
        (Ok((values, _)), Some(((_, _, r_objective, _), _))) if values.2 <= r_objective + 1e-9 => {
            Ok(values)
        }
        (Ok(_), Some(((rx, rb, r_objective, _), _)))
        | (Err(_), Some(((rx, rb, r_objective, _), _))) => {
            progress(
                "branch and bound found no better plan in time; keeping the LP solution rounded up",
            );
            Ok((rx, rb, r_objective, SolverStatus::RoundedRelaxation))
        }
        (Err(e), None) => Err(format!("no feasible plan found: {e}")),
    }
}

/// Break counts from the program may be fractional where breaks of different rules overlap in time;
/// they are placed in whole agents with the shifts fixed (a small, nearly unimodular program).
fn whole_breaks(
    f: &Formulation,
    choice: &SolverChoice,
    shifts: &[f64],
    breaks: Vec<Vec<f64>>,
) -> Vec<Vec<f64>> {
    if breaks
        .iter()
        .flatten()
        .all(|v| (v - v.round()).abs() <= 1e-6)
    {
        return breaks;
    }
    let whole: Vec<f64> = shifts.iter().map(|v| v.round().max(0.0)).collect();
    let placement = SolverChoice {
        time_limit_s: (choice.time_limit_s / 4.0).clamp(1.0, 10.0),
        mip_gap: 0.0,
        ..choice.clone()
    };
    match run(
        build(f, ShiftVars::FixedWholeBreaks(&whole)),
        &placement,
        true,
        None,
    ) {
        Ok(((_, b, _, _), _)) => b,
        Err(_) => breaks,
    }
}

/// Builds and solves the program: LP relaxation, then branch and bound, with the rounding fallback.
pub(crate) fn solve(
    f: &Formulation,
    choice: &SolverChoice,
    progress: &mut dyn FnMut(&str),
) -> Result<RawSolution, String> {
    let started = Instant::now();
    let relaxed = build(f, ShiftVars::Relaxed);
    let (variables, rows) = (relaxed.count, relaxed.rows.len());
    let families = relaxed.families.clone();
    let build_seconds = started.elapsed().as_secs_f64();
    progress(&format!(
        "model: {variables} variables ({} integer), {rows} constraints; solving the LP relaxation",
        f.candidates.len()
    ));
    let solve_started = Instant::now();
    let ((lp_x, _, lp_bound, _), _) = run(relaxed, choice, false, None)?;
    progress(&format!(
        "LP bound {lp_bound:.2} after {:.1} s; branch and bound (gap {:.2} %, limit {:.0} s)",
        solve_started.elapsed().as_secs_f64(),
        100.0 * choice.mip_gap,
        choice.time_limit_s
    ));
    // Rounding the LP up keeps every coverage row feasible; with the shifts fixed, the breaks and the
    // allocation are re-solved. That plan is the incumbent branch and bound starts from, and the answer
    // if it finds nothing better in time. (Rounding up can break a per-day maximum; then there is no
    // incumbent and branch and bound alone must find the plan.)
    let rounded: Vec<f64> = lp_x.iter().map(|v| (v - 1e-6).ceil().max(0.0)).collect();
    let rounded_plan = run(build(f, ShiftVars::Fixed(&rounded)), choice, false, None).ok();
    // The time limit covers the whole solve: branch and bound gets what is left.
    let remaining = SolverChoice {
        time_limit_s: (choice.time_limit_s - started.elapsed().as_secs_f64()).max(1.0),
        ..choice.clone()
    };
    let incumbent = rounded_plan.as_ref().map(|(_, all)| all.as_slice());
    let mip = run(build(f, ShiftVars::Integer), &remaining, true, incumbent);
    let (shifts, breaks, objective, status) = better(mip, rounded_plan, progress)?;
    let breaks = whole_breaks(f, choice, &shifts, breaks);
    Ok(RawSolution {
        shifts,
        breaks,
        objective,
        lp_bound,
        status,
        variables,
        integer_variables: f.candidates.len(),
        constraints: rows,
        families,
        build_seconds,
        solve_seconds: solve_started.elapsed().as_secs_f64(),
    })
}

//! The solve, start to end: LP relaxation (the bound), a start from it (or from an external back end's
//! branch and bound), rounding with repair, then local search on the true objective within a
//! deterministic budget of trial evaluations.
//!
//! A daily/weekly goal first makes the interval-goal plan, then improves it under the goal's own
//! objective (and tries the goal's rounded LP as a second start): the goal's plan can never be worse, by
//! its objective, than the interval plan.

use super::budget::Budget;
use super::formulation::{formulate, Formulation};
use super::ilp::{self, Relaxation};
use super::improve::{Agent, Search};
use super::neighbourhood;
use super::score::Scorer;
use super::{Backend, Goal, SolverChoice, SolverStatus};
use crate::model::Model;
use crate::requirements::demand::Demand;
use crate::rules::family::Family;
use std::time::{Duration, Instant};

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
    pub families: Vec<(Family, usize)>,
    pub build_seconds: f64,
    pub solve_seconds: f64,
    /// Trial evaluations the local search spent, and its budget.
    pub evaluations: u64,
    pub budget: u64,
    /// Under a daily/weekly goal: paid hours of the interval-goal plan it started from.
    pub interval_paid_hours: Option<f64>,
    /// Moves that placed the spare cover, and the contacts they serve within target ([`place_spare`]).
    pub spare_moves: usize,
    pub spare_contacts: f64,
}

/// A finished search: its agents and objective.
struct Finished {
    agents: Vec<Agent>,
    objective: f64,
    /// Branch and bound proved it optimal (interval goal only: there the program's objective is the
    /// true one; a goal's program is a linearisation).
    proven: bool,
    /// How branch and bound ended, when the plan is its (polished by the moves).
    by_branch_and_bound: Option<SolverStatus>,
    /// No interval below its minimum, every day or week at its goal (by the evaluator's figures).
    meets_targets: bool,
}

/// Reports incumbent, bound and gap in plain words. (Under a daily/weekly goal the bound is the
/// linearised program's: the evaluator's service level can make a plan cost a little less.)
fn report(progress: &mut dyn FnMut(&str), what: &str, incumbent: f64, bound: f64, since: Instant) {
    let gap = if incumbent.abs() > 1e-9 {
        100.0 * (incumbent - bound) / incumbent
    } else {
        0.0
    };
    progress(&format!(
        "{what}: best plan so far costs {incumbent:.2}, LP bound {bound:.2} (gap {gap:.2} %), {:.1} s",
        since.elapsed().as_secs_f64()
    ));
}

/// The start values: the LP's, or an external back end's branch and bound.
fn start_values(
    f: &Formulation<'_>,
    goal: Goal,
    lp: &Relaxation,
    choice: &SolverChoice,
    progress: &mut dyn FnMut(&str),
) -> Result<(Vec<f64>, Vec<Vec<f64>>), String> {
    if choice.backend == Backend::Microlp {
        return dive(f, goal, choice, lp, progress);
    }
    match ilp::branch_and_bound(f, choice) {
        Ok((values, status)) => {
            progress(&format!(
                "{}: {status}; its values are rounded, repaired and checked like any start",
                choice.backend
            ));
            Ok((values, lp.breaks.clone()))
        }
        Err(e) => {
            progress(&format!(
                "{}: {e}; starting from the LP relaxation",
                choice.backend
            ));
            dive(f, goal, choice, lp, progress)
        }
    }
}

/// With an external back end, the plan from its branch and bound (`from_back_end`) against the plan
/// from the LP dive: the cheaper is kept, so `--solver highs|cbc` never ends worse than the default
/// heuristics when its branch and bound stops early with a poor incumbent.
#[allow(clippy::too_many_arguments)]
fn cheaper_of_back_end_or_dive(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    lp: &Relaxation,
    choice: &SolverChoice,
    from_back_end: Finished,
    budget: &mut Budget,
    used: &mut u64,
    spent: &mut bool,
    progress: &mut dyn FnMut(&str),
) -> Result<Finished, String> {
    let (shifts, breaks) = dive(f, goal, choice, lp, progress)?;
    let from_dive = search_from(
        model, demand, f, goal, None, &shifts, &breaks, budget, used, spent, true,
    );
    if from_dive.objective < from_back_end.objective - 1e-7 {
        progress(&format!(
            "{}'s plan costs {:.2}, the LP dive's {:.2}: the dive's is kept",
            choice.backend, from_back_end.objective, from_dive.objective
        ));
        Ok(from_dive)
    } else {
        Ok(from_back_end)
    }
}

/// Local search from `agents` (or from rounding `lp`) under `f`'s objective for `goal`.
#[allow(clippy::too_many_arguments)]
fn search_from(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    agents: Option<&[Agent]>,
    lp: &[f64],
    breaks: &[Vec<f64>],
    budget: &mut Budget,
    used: &mut u64,
    spent: &mut bool,
    polish: bool,
) -> Finished {
    let mut search = Search::new(f, Scorer::new(model, demand, f, goal));
    search.scorer.evaluations = *used;
    budget.new_stage(*used);
    match agents {
        Some(agents) => {
            for a in agents {
                search.insert(a.clone());
            }
        }
        None => search.round_up(lp, breaks, budget),
    }
    // With a workforce the search makes only moves that keep its rows met (see `Search`).
    if polish {
        search.local_search(budget);
    }
    finish(model, demand, f, goal, search, budget, used, spent)
}

/// The end of a search: its evaluations counted, its objective recomputed from scratch.
#[allow(clippy::too_many_arguments)]
fn finish(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    search: Search<'_>,
    budget: &Budget,
    used: &mut u64,
    spent: &mut bool,
) -> Finished {
    *used = search.scorer.evaluations;
    if budget.stage_spent(*used) {
        *spent = true;
    }
    // The objective from scratch, in a fixed order: no drift from the moves' running sums.
    let mut fresh = Search::new(f, Scorer::new(model, demand, f, goal));
    let mut agents = search.agents;
    agents.sort_by(|a, b| a.cand.cmp(&b.cand).then(a.slots.cmp(&b.slots)));
    for a in &agents {
        fresh.insert(a.clone());
    }
    Finished {
        objective: fresh.scorer.objective(),
        meets_targets: fresh.scorer.meets_targets(),
        agents,
        proven: false,
        by_branch_and_bound: None,
    }
}

/// `finished` with its spare cover where it raises service most ([`Search::raise_service`]), the moves
/// made and the contacts they serve within target: the same objective (or lower), never higher, so the
/// plan's status and gap stand.
#[allow(clippy::too_many_arguments)]
fn place_spare(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    finished: Finished,
    budget: &mut Budget,
    used: &mut u64,
    progress: &mut dyn FnMut(&str),
) -> (Finished, usize, f64) {
    let mut search = Search::new(f, Scorer::new(model, demand, f, goal));
    search.scorer.evaluations = *used;
    budget.new_stage(*used);
    for a in &finished.agents {
        search.insert(a.clone());
    }
    let started = Instant::now();
    search.scorer.track_service(model, demand);
    let before = search.scorer.service();
    let moved = search.raise_service(budget);
    let gain = search.scorer.service() - before;
    progress(&format!(
        "spare cover: {moved} shift or break move(s) serve {gain:.1} more contacts within target ({} evaluations, {:.1} s)",
        search.scorer.evaluations - *used,
        started.elapsed().as_secs_f64()
    ));
    *used = search.scorer.evaluations;
    if moved == 0 {
        return (finished, 0, 0.0);
    }
    let placed = finish(model, demand, f, goal, search, budget, used, &mut false);
    if placed.objective > finished.objective + 1e-6 {
        return (finished, 0, 0.0);
    }
    let placed = Finished {
        proven: finished.proven,
        by_branch_and_bound: finished.by_branch_and_bound,
        ..placed
    };
    (placed, moved, gain)
}

/// The interval plan `start` improved day by day ([`neighbourhood::by_days`]), then by the moves.
#[allow(clippy::too_many_arguments)]
fn neighbourhoods(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    start: &Finished,
    choice: &SolverChoice,
    budget: &mut Budget,
    used: &mut u64,
    spent: &mut bool,
) -> Result<Finished, String> {
    let mut search = Search::new(f, Scorer::new(model, demand, f, Goal::Interval));
    search.scorer.evaluations = *used;
    budget.new_stage(*used);
    for a in &start.agents {
        search.insert(a.clone());
    }
    let nodes = if choice.node_limit > 0 {
        choice.node_limit
    } else {
        DAY_NODES
    };
    let mut settled = Vec::new();
    for _ in 0..DAY_PASSES {
        if neighbourhood::by_days(f, &mut search, choice, nodes, budget, &mut settled)? == 0 {
            break;
        }
        search.local_search(budget);
    }
    Ok(finish(
        model,
        demand,
        f,
        Goal::Interval,
        search,
        budget,
        used,
        spent,
    ))
}

/// Branch-and-bound nodes per day and pass of [`neighbourhoods`].
const DAY_NODES: u64 = 400;

/// Passes of [`neighbourhoods`] over the days: a day that improved is re-solved from its new plan in
/// the next pass (more nodes where they paid), one that did not is left. On the issue-10 week with
/// volumes ×0.6 the whole week's branch and bound that used to follow found nothing in 200 nodes
/// (4 s); a second pass over the days that improved closes more of the gap.
const DAY_PASSES: usize = 3;

/// Agents per candidate and break-slot counts of a finished plan.
fn solution_of(
    f: &Formulation<'_>,
    model: &Model,
    demand: &Demand,
    finished: &Finished,
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut search = Search::new(f, Scorer::new(model, demand, f, Goal::Interval));
    for a in &finished.agents {
        search.insert(a.clone());
    }
    search.solution()
}

/// The objective of `agents` under `goal`.
fn objective_of(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    agents: &[Agent],
) -> f64 {
    let mut search = Search::new(f, Scorer::new(model, demand, f, goal));
    for a in agents {
        search.insert(a.clone());
    }
    search.scorer.objective()
}

fn paid_hours(f: &Formulation<'_>, agents: &[Agent]) -> f64 {
    agents
        .iter()
        .map(|a| f64::from(f.templates[f.candidates[a.cand].template].paid_minutes) / 60.0)
        .sum()
}

/// Trial evaluations each local search (one per start) may spend: proportional to the candidates (each sweep judges
/// every candidate and every agent's neighbours), within fixed bounds.
fn default_budget(f: &Formulation<'_>, choice: &SolverChoice) -> u64 {
    if choice.move_budget > 0 {
        return choice.move_budget;
    }
    (f.candidates.len() as u64 * 400).clamp(200_000, 20_000_000)
}

/// Branch-and-bound nodes microlp may spend by default.
const DEFAULT_NODES: u64 = 200;

/// The best plan for program `f` under `goal`: an LP dive (or an external back end's branch and bound)
/// polished by the local search; then, with microlp, its node-limited branch and bound seeded with that
/// plan, polished again, and the better of the two.
#[allow(clippy::too_many_arguments)]
fn best_plan(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    lp: &Relaxation,
    choice: &SolverChoice,
    budget: &mut Budget,
    used: &mut u64,
    spent: &mut bool,
    progress: &mut dyn FnMut(&str),
    started: Instant,
) -> Result<Finished, String> {
    let gap = |x: &Finished| (x.objective - lp.bound) / x.objective.abs().max(1e-9);
    // (objective − bound) / objective ≤ gap, for a positive objective.
    budget.good_enough = if lp.bound > 0.0 && choice.mip_gap < 1.0 {
        lp.bound / (1.0 - choice.mip_gap)
    } else {
        f64::NEG_INFINITY
    };
    let (shifts, breaks) = start_values(f, goal, lp, choice, progress)?;
    // With a workforce and microlp, branch and bound's plan is the one kept (below) and the moves are
    // neutral (they keep candidates' template-days). When the dive's rounding is already within the
    // gap, branch and bound stops at its root with it, so it is the seed unpolished and the local
    // search runs once, on the plan kept (issue 9's large case: a third of the plan's time).
    let mut seed_only = false;
    let mut best = None;
    if f.workforce.is_some() && choice.backend == Backend::Microlp {
        let (mut b, mut u, mut s) = (budget.clone(), *used, *spent);
        let rounded = search_from(
            model, demand, f, goal, None, &shifts, &breaks, &mut b, &mut u, &mut s, false,
        );
        if gap(&rounded) <= choice.mip_gap {
            (*budget, *used, *spent, seed_only) = (b, u, s, true);
            best = Some(rounded);
        }
    }
    let mut best = match best {
        Some(rounded) => rounded,
        None => search_from(
            model, demand, f, goal, None, &shifts, &breaks, budget, used, spent, true,
        ),
    };
    if choice.backend != Backend::Microlp {
        best = cheaper_of_back_end_or_dive(
            model, demand, f, goal, lp, choice, best, budget, used, spent, progress,
        )?;
    }
    report(
        progress,
        &format!(
            "{goal} goal, LP dive{}",
            if seed_only {
                ", rounded"
            } else {
                " and local search"
            }
        ),
        best.objective,
        lp.bound,
        started,
    );
    let by_days = choice.backend == Backend::Microlp
        && goal == Goal::Interval
        && f.workforce.is_none()
        && gap(&best) > choice.mip_gap;
    if by_days {
        let better = neighbourhoods(model, demand, f, &best, choice, budget, used, spent)?;
        report(
            progress,
            "interval goal, each day re-solved with the rest fixed, and local search",
            better.objective,
            lp.bound,
            started,
        );
        if better.objective < best.objective - 1e-7 {
            best = better;
        }
    }
    // Branch and bound only when the heuristics are not already within the requested gap, and not
    // after the days' re-solves left a plan that meets its targets (their branch and bound on each
    // day goes further than the whole week's in the same time). With a workforce always: the dive's rounding may break the workforce rows, which the moves
    // keep but do not repair; branch and bound's plan meets them.
    if choice.backend == Backend::Microlp
        && (gap(&best) > choice.mip_gap || !best.meets_targets || f.workforce.is_some())
        && !(by_days && best.meets_targets)
    {
        let nodes = if choice.node_limit > 0 {
            choice.node_limit
        } else {
            scaled(DEFAULT_NODES, lp.variables)
        };
        let counts = counts_of(f, &best.agents);
        let bound = f.workforce.is_some().then_some(lp.bound);
        let upper = f
            .workforce
            .as_ref()
            .filter(|w| w.tiers.on() || w.days_off.on())
            .map(|_| relaxation_induced(&counts, &lp.shifts));
        if let Some((shifts, breaks, status)) =
            ilp::node_limited(f, choice, nodes, Some(&counts), bound, upper.as_deref())?
        {
            // Optimal within the neighbourhood only: the gap to the whole LP's bound says how good.
            let status = match status {
                SolverStatus::Optimal if upper.is_some() => SolverStatus::NodeLimit,
                s => s,
            };
            if status == SolverStatus::TimeLimit {
                budget.stop_by_clock();
            }
            let mut polished = search_from(
                model, demand, f, goal, None, &shifts, &breaks, budget, used, spent, true,
            );
            polished.proven = status == SolverStatus::Optimal && goal == Goal::Interval;
            polished.by_branch_and_bound = Some(status);
            report(
                progress,
                &format!("{goal} goal, branch and bound from it ({status}) and local search"),
                polished.objective,
                lp.bound,
                started,
            );
            if polished.objective < best.objective - 1e-7
                || (polished.proven && polished.objective <= best.objective + 1e-7)
                || f.workforce.is_some()
            {
                best = polished;
            }
        }
    }
    if seed_only && best.by_branch_and_bound.is_none() {
        // Branch and bound found no plan: the dive's rounding is kept, polished after all.
        let agents = std::mem::take(&mut best.agents);
        best = search_from(
            model,
            demand,
            f,
            goal,
            Some(&agents),
            &[],
            &[],
            budget,
            used,
            spent,
            true,
        );
    }
    Ok(best)
}

/// Upper bounds on each candidate's agents for branch and bound with the start tiers: none (the
/// default's) where the plan `counts` or the LP `lp` use it, 0 elsewhere — the relaxation induced
/// neighbourhood of Danna, Rothberg & Le Pape (2005, *Mathematical Programming* 102(1)), widened to
/// every candidate either uses. The tier rows make each node's LP about twice as costly; on the shipped
/// week this search found the plan the whole program's did (3 839.3) in 88 nodes and 4 s instead of
/// 185 nodes and 19 s.
fn relaxation_induced(counts: &[f64], lp: &[f64]) -> Vec<f64> {
    counts
        .iter()
        .zip(lp)
        .map(|(&c, &x)| if c < 0.5 && x < 1e-6 { 0.0 } else { f64::MAX })
        .collect()
}

/// Agents per candidate of a plan.
fn counts_of(f: &Formulation<'_>, agents: &[Agent]) -> Vec<f64> {
    let mut counts = vec![0.0; f.candidates.len()];
    for a in agents {
        counts[a.cand] += 1.0;
    }
    counts
}

/// The interval goal's LP relaxation and best plan.
#[allow(clippy::too_many_arguments)]
fn interval_plan(
    model: &Model,
    demand: &Demand,
    fi: &Formulation<'_>,
    choice: &SolverChoice,
    budget: &mut Budget,
    used: &mut u64,
    spent: &mut bool,
    progress: &mut dyn FnMut(&str),
    started: Instant,
) -> Result<(Finished, Relaxation), String> {
    let lp = ilp::relaxation(fi, choice, None)?;
    progress(&format!(
        "LP relaxation: no plan can cost less than {:.2} ({:.1} s); rounding it",
        lp.bound,
        started.elapsed().as_secs_f64()
    ));
    let plan = best_plan(
        model,
        demand,
        fi,
        Goal::Interval,
        &lp,
        choice,
        budget,
        used,
        spent,
        progress,
        started,
    )?;
    Ok((plan, lp))
}

/// A daily/weekly goal's own chain: its LP relaxation and best plan, from a budget of its own.
struct Chain {
    plan: Finished,
    /// The relaxation, without its warm LP (not needed once the dive is done).
    lp: Relaxation,
    used: u64,
    spent: bool,
    clock_stopped: bool,
    /// Progress lines, reported when the chain joins the interval plan.
    lines: Vec<String>,
}

#[allow(clippy::too_many_arguments)]
fn chain(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    choice: &SolverChoice,
    budget_units: u64,
    deadline: Instant,
    started: Instant,
) -> Result<Chain, String> {
    let mut budget = Budget::new(budget_units, deadline);
    let (mut used, mut spent) = (0, false);
    let mut lines = Vec::new();
    let mut keep = |line: &str| lines.push(line.to_string());
    let mut lp = ilp::relaxation(f, choice, None)?;
    keep(&format!(
        "{goal} goal's LP relaxation: no plan can cost less than {:.2} ({:.1} s)",
        lp.bound,
        started.elapsed().as_secs_f64()
    ));
    let plan = best_plan(
        model,
        demand,
        f,
        goal,
        &lp,
        choice,
        &mut budget,
        &mut used,
        &mut spent,
        &mut keep,
        started,
    )?;
    lp.warm = None;
    Ok(Chain {
        plan,
        lp,
        used,
        spent,
        clock_stopped: budget.clock_stopped,
        lines,
    })
}

/// Solves `f` (the program for `goal`): see the module docs.
pub(crate) fn solve(
    model: &Model,
    demand: &Demand,
    f: &Formulation<'_>,
    goal: Goal,
    choice: &SolverChoice,
    progress: &mut dyn FnMut(&str),
) -> Result<RawSolution, String> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(choice.time_limit_s.clamp(0.001, 1e6));
    let interval_f;
    let fi: &Formulation<'_> = if goal == Goal::Interval {
        f
    } else {
        interval_f = formulate(
            model,
            demand,
            Goal::Interval,
            f.workforce.as_ref().map(|w| &w.workforce),
        );
        &interval_f
    };
    progress(&format!(
        "model: {} candidate shifts; solving the LP relaxation",
        f.candidates.len()
    ));
    let budget_units = default_budget(f, choice);
    // The goal's own chain needs nothing of the interval plan until the end: it runs beside it when
    // the machine has a second core (the same plan either way: each chain counts its own budget).
    let goal_chain = || {
        chain(
            model,
            demand,
            f,
            goal,
            choice,
            budget_units,
            deadline,
            started,
        )
    };
    let beside = goal != Goal::Interval && choice.own_threads() > 1;
    let mut budget = Budget::new(budget_units, deadline);
    let mut used = 0;
    let mut spent = false;
    let (interval, goal_result) = std::thread::scope(|scope| {
        let handle = beside.then(|| scope.spawn(goal_chain));
        let interval = interval_plan(
            model,
            demand,
            fi,
            choice,
            &mut budget,
            &mut used,
            &mut spent,
            progress,
            started,
        );
        let goal_result = handle.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err("the goal's solve failed".into()))
        });
        (interval, goal_result)
    });
    let interval = interval?;
    let (finished, lp, interval_paid_hours) = if goal == Goal::Interval {
        let (plan, lp) = interval;
        (plan, lp, None)
    } else {
        let (interval, _) = interval;
        let goal_result = match goal_result {
            Some(r) => r?,
            None => goal_chain()?,
        };
        for line in &goal_result.lines {
            progress(line);
        }
        used += goal_result.used;
        spent |= goal_result.spent;
        if goal_result.clock_stopped {
            budget.stop_by_clock();
        }
        let (from_lp, lp_g) = (goal_result.plan, goal_result.lp);
        // Never worse than the interval plan: if that is better under the goal, improve it instead.
        let interval_under_goal = objective_of(model, demand, f, goal, &interval.agents);
        let best = if interval_under_goal < from_lp.objective - 1e-7 {
            let from_interval = search_from(
                model,
                demand,
                f,
                goal,
                Some(&interval.agents),
                &[],
                &[],
                &mut budget,
                &mut used,
                &mut spent,
                true,
            );
            report(
                progress,
                &format!("{goal} goal, from the interval plan"),
                from_interval.objective,
                lp_g.bound,
                started,
            );
            from_interval
        } else {
            from_lp
        };
        (best, lp_g, Some(paid_hours(fi, &interval.agents)))
    };
    let (finished, spare_moves, spare_contacts) = place_spare(
        model,
        demand,
        f,
        goal,
        finished,
        &mut budget,
        &mut used,
        progress,
    );
    let (shifts, breaks) = solution_of(f, model, demand, &finished);
    let gap = (finished.objective - lp.bound) / finished.objective.abs().max(1e-9);
    let status = if budget.clock_stopped {
        SolverStatus::TimeLimit
    } else if finished.proven || (goal == Goal::Interval && gap <= 1e-9) {
        SolverStatus::Optimal
    } else if gap <= choice.mip_gap {
        SolverStatus::WithinGap
    } else if f.workforce.is_some() {
        // The plan is branch and bound's (moves only polish it), or the dive's rounded up.
        finished
            .by_branch_and_bound
            .unwrap_or(SolverStatus::RoundedRelaxation)
    } else if spent {
        SolverStatus::MoveBudget
    } else {
        SolverStatus::LocalOptimum
    };
    Ok(RawSolution {
        shifts,
        breaks,
        objective: finished.objective,
        lp_bound: lp.bound,
        status,
        variables: lp.variables,
        integer_variables: f.candidates.len(),
        constraints: lp.constraints,
        families: lp.families,
        build_seconds: lp.build_seconds,
        solve_seconds: started.elapsed().as_secs_f64() - lp.build_seconds,
        evaluations: used,
        budget: budget_units,
        interval_paid_hours,
        spare_moves,
        spare_contacts,
    })
}

/// Fractional parts below this are whole.
const WHOLE: f64 = 1e-6;

/// LP diving (fractional diving, Berthold 2006, "Primal heuristics for mixed integer programs"):
/// candidates close to a whole number are fixed to it — down below [`DOWN`], up above [`UP`], the most
/// decided first (or, when none is, the one closest to its next agent, up) — and the LP is solved
/// again, until few are fractional; those are rounded up and the local search drops what is redundant.
/// Shift-scheduling LPs are nearly totally unimodular (consecutive ones, implicit breaks), so the dive
/// lands close to the bound. With microlp the LP stays warm ([`ilp::WarmLp`]): a fixing costs a few
/// dual simplex pivots, not a new solve, so the dive takes many small rounds (on the benchmark week
/// 1 s instead of 8–20 s for 12 cold rounds). Every round is deterministic.
///
/// Under a daily/weekly goal the program has slack (the goal trades intervals), and rounding up the
/// quarter of the candidates closest to their next agent each round, never down, works better (measured
/// on the benchmark week: 0.1 % above the bound against 1 % with fixings both ways).
fn dive(
    f: &Formulation<'_>,
    goal: Goal,
    choice: &SolverChoice,
    lp: &Relaxation,
    progress: &mut dyn FnMut(&str),
) -> Result<(Vec<f64>, Vec<Vec<f64>>), String> {
    let both_ways = goal == Goal::Interval;
    let mut warm = lp.warm.clone();
    let mut bounds = vec![(0.0f64, f64::INFINITY); lp.shifts.len()];
    let (mut shifts, mut breaks) = (lp.shifts.clone(), lp.breaks.clone());
    let rounds = if warm.is_some() {
        MAX_WARM_DIVE_ROUNDS as u64
    } else {
        scaled(MAX_DIVE_ROUNDS as u64, lp.variables)
    };
    for round in 1..=rounds {
        let fractional: Vec<(f64, usize)> = shifts
            .iter()
            .enumerate()
            .filter(|(_, x)| (*x - x.round()).abs() > WHOLE)
            .map(|(j, x)| (x - x.floor(), j))
            .collect();
        if fractional.len() <= ROUND_UP_REST {
            break;
        }
        let fixes = fixings(&shifts, &fractional, both_ways);
        let bound = match &mut warm {
            Some(w) => {
                w.fix_all(&fixes);
                let (s, b, bound) = w.values();
                (shifts, breaks) = (s, b);
                bound
            }
            None => {
                for &(j, v) in &fixes {
                    if v > shifts[j] {
                        bounds[j].0 = v;
                    } else {
                        bounds[j].1 = v;
                    }
                }
                if !both_ways {
                    for (j, x) in shifts.iter().enumerate() {
                        bounds[j].0 = bounds[j].0.max((x + WHOLE).floor());
                    }
                }
                let next = ilp::relaxation(f, choice, Some(&bounds))?;
                (shifts, breaks) = (next.shifts, next.breaks);
                next.bound
            }
        };
        progress(&format!(
            "LP dive round {round}: {} candidates fractional, LP {bound:.2}",
            fractional.len(),
        ));
    }
    Ok((shifts, breaks))
}

/// One dive round's fixings (candidate, whole agents): with `both_ways`, down below [`DOWN`] and up
/// above [`UP`], or when none is, the one closest to its next agent up; otherwise up only, the quarter
/// closest to their next agent.
fn fixings(shifts: &[f64], fractional: &[(f64, usize)], both_ways: bool) -> Vec<(usize, f64)> {
    let mut fixes: Vec<(usize, f64)> = Vec::new();
    if both_ways {
        let mut order: Vec<(f64, usize)> = fractional
            .iter()
            .filter(|(frac, _)| *frac < DOWN || *frac > UP)
            .map(|&(frac, j)| (frac.min(1.0 - frac), j))
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let take = (fractional.len() / DIVE_SHARE).max(1);
        for &(_, j) in order.iter().take(take) {
            let frac = shifts[j] - shifts[j].floor();
            fixes.push((
                j,
                if frac < DOWN {
                    shifts[j].floor()
                } else {
                    shifts[j].ceil()
                },
            ));
        }
    } else {
        let mut order = fractional.to_vec();
        order.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, j) in order.iter().take((order.len() / 4).max(1)) {
            fixes.push((j, shifts[j].ceil()));
        }
    }
    if fixes.is_empty() {
        // The closest to a whole number, rounded up (ties to the lower index).
        let mut best = fractional[0];
        for &(frac, j) in fractional {
            if (1.0 - frac) < (1.0 - best.0) - 1e-12 {
                best = (frac, j);
            }
        }
        fixes.push((best.1, shifts[best.1].ceil()));
    }
    fixes
}

/// `full` for programs up to [`FULL_EFFORT_VARIABLES`] variables, then in inverse proportion to the
/// size (at least 1): each dive round and each node re-solves the whole LP, whose time grows faster than
/// its size. Counted, so deterministic.
fn scaled(full: u64, variables: usize) -> u64 {
    let v = variables.max(1) as u64;
    (full * FULL_EFFORT_VARIABLES / v.max(FULL_EFFORT_VARIABLES)).max(1)
}

/// Programs up to this many variables get the full dive rounds and branch-and-bound nodes.
const FULL_EFFORT_VARIABLES: u64 = 8_000;

/// Rounds of [`dive`] at most (then the rest is rounded up): re-solving a whole LP per round, and from
/// a warm basis, where a round costs a few pivots per fixing.
const MAX_DIVE_ROUNDS: usize = 12;
const MAX_WARM_DIVE_ROUNDS: usize = 1000;
/// A round fixes at most this share (1 in `DIVE_SHARE`) of the fractional candidates, the most decided
/// first: fixing everything decided at once left the dive 0.3–0.6 % higher on the benchmark week.
const DIVE_SHARE: usize = 16;
/// Fractional parts below `DOWN` are fixed down, above `UP` up.
const DOWN: f64 = 0.2;
const UP: f64 = 0.7;
/// The dive stops with this few candidates fractional: rounding them up is cheap to repair.
const ROUND_UP_REST: usize = 4;

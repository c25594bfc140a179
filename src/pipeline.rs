//! Requirements to a roster: the shift plan and the roster decided together.
//!
//! The integer program sees the workforce in aggregate (groups, days present, weekly patterns), not the
//! rest rules between one agent's shifts nor part-day unavailability, so a plan can ask for a shift no
//! agent can take. When the roster leaves shifts open, the plan is made again with those template-days
//! capped at what the roster could fill ([`Workforce::caps`]) — a logic-based Benders cut in the sense
//! of Hooker & Ottosson (2003), "Logic-based Benders decomposition", *Math. Programming* 96 — so the
//! program covers that demand with shifts the agents can work. At most [`REPLANS`] times; the best
//! roster is kept (fewest open shifts, then hard rules broken, then intervals short, then cost), so the
//! result is never worse than the first. Deterministic: the same solves with the same budgets.

use crate::agents::{Agent, Window};
use crate::blend::plan_with_pools;
use crate::evaluate::{evaluate, Evaluation};
use crate::model::Model;
use crate::requirements::demand::Demand;
use crate::requirements::Requirements;
use crate::roster::{assign_with, Options, Roster};
use crate::schedule::{Goal, ScheduleError, ShiftPlan, SolverChoice, Workforce};
use std::collections::BTreeMap;

/// Plans made again at most after a roster leaves shifts open.
pub const REPLANS: u32 = 2;

/// A plan, the roster that fills it, and how the roster serves the demand.
#[derive(Debug)]
pub struct Planned {
    pub demand: Demand,
    pub plan: ShiftPlan,
    pub roster: Roster,
    /// The roster's service ([`evaluate`]): what ships is the roster.
    pub evaluation: Evaluation,
    /// Plans made again because the roster left shifts open.
    pub replans: u32,
    /// The plan's shifts as the solver placed them, before the roster moved some to fit their agents
    /// (`plan` shows them moved): rostered again with the demand, they give `roster` again.
    pub solved: crate::staffing::Staffing,
}

impl Planned {
    /// The summary's line on plans made again, in planner's words (empty when there were none).
    pub fn replan_note(&self) -> String {
        match self.replans {
            0 => String::new(),
            n => format!(
                "\nthe roster left shifts open, so the plan was made again {n} time{} with those \
                 template-days capped at what the agents could fill; this is the best of the {} plans\n",
                if n == 1 { "" } else { "s" },
                n + 1
            ),
        }
    }
}

impl Planned {
    /// Open agent-shifts and hard rules broken (both leave the roster unshippable), then plan intervals
    /// short, then cost: lower is better, in that order.
    fn rank(&self, model: &Model) -> (usize, usize, f64) {
        let open: u32 = self.roster.open.iter().map(|o| o.span.count).sum();
        (
            open as usize + self.roster.hard_breaches(model),
            {
                let unmet = self.plan.unmet(&self.evaluation);
                unmet.below_minimum + unmet.misses.len()
            },
            self.plan.cost(),
        )
    }
}

/// The plan for `req` and `agents`, and its roster (see the module docs).
#[allow(clippy::too_many_arguments)]
pub fn plan_and_roster(
    model: &Model,
    req: &Requirements,
    goal: Goal,
    choice: &SolverChoice,
    agents: &[Agent],
    windows: &[Window],
    options: &Options,
    progress: &mut dyn FnMut(&str),
) -> Result<Planned, ScheduleError> {
    let mut workforce = Workforce::new(model, agents, windows);
    let mut best = plan_once(
        model, req, goal, choice, &workforce, agents, windows, options, progress,
    )?;
    for round in 1..=REPLANS {
        if best.roster.open.is_empty() {
            break;
        }
        learn_caps(&mut workforce, &best.roster);
        progress(&format!(
            "{} shifts left open: planning again without them ({round} of {REPLANS})",
            best.roster.open.iter().map(|o| o.span.count).sum::<u32>()
        ));
        let mut next = plan_once(
            model, req, goal, choice, &workforce, agents, windows, options, progress,
        )?;
        next.replans = round;
        if next.rank(model) < best.rank(model) {
            best = next;
        } else {
            best.replans = round;
        }
    }
    Ok(best)
}

/// Caps each template-day with open shifts at the shifts the roster filled there.
fn learn_caps(workforce: &mut Workforce, roster: &Roster) {
    let mut filled: BTreeMap<(usize, chrono::NaiveDate), u32> = BTreeMap::new();
    for s in roster.spans() {
        *filled.entry((s.template.0, s.date)).or_default() += s.count;
    }
    for o in &roster.open {
        let key = (o.span.template.0, o.span.date);
        let cap = filled.get(&key).copied().unwrap_or(0);
        let entry = workforce.caps.entry(key).or_insert(cap);
        *entry = (*entry).min(cap);
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_once(
    model: &Model,
    req: &Requirements,
    goal: Goal,
    choice: &SolverChoice,
    workforce: &Workforce,
    agents: &[Agent],
    windows: &[Window],
    options: &Options,
    progress: &mut dyn FnMut(&str),
) -> Result<Planned, ScheduleError> {
    let (demand, plan) = plan_with_pools(model, req, goal, choice, Some(workforce), progress)?;
    let (Some(first), Some(end)) = (demand.grid.first(), demand.grid.end()) else {
        return Err(ScheduleError::Empty);
    };
    progress(&format!(
        "rostering {} agents to {} shifts",
        agents.len(),
        plan.staffing.shift_count()
    ));
    // The roster knows the demand, so it may move a shift within its start window to fit its agent.
    let options = Options {
        demand: Some(demand.clone()),
        ..options.clone()
    };
    let roster = assign_with(
        model,
        &model.rules,
        &plan.staffing,
        agents.to_vec(),
        windows,
        (first, end),
        &options,
    );
    let evaluation = evaluate(model, &demand, &roster.staffing);
    let mut plan = plan;
    let solved = plan.staffing.clone();
    if roster.search.retimed > 0 {
        // Shifts the roster moved to fit their agents: the plan's files show them where they are.
        plan.placed_as(model, &demand, roster.plan_staffing());
    }
    Ok(Planned {
        demand,
        plan,
        roster,
        evaluation,
        replans: 0,
        solved,
    })
}

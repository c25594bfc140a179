//! Surplus hours: what a workforce's contracts make the plan pay beyond what the demand alone needs.
//!
//! In Finland contracted hours are paid whether rostered or not, so when the agents' weekly minimum
//! exceeds the demand, the plan holds more hours than the demand needs. Planners want that figure
//! named, not hidden in the paid hours. The demand's own need is measured by the LP relaxation of the
//! same program without the workforce rows (a lower bound on any plan for the demand alone), so the
//! surplus reported is at most the plan's hours above it: it also holds the plan's optimality gap.

use super::formulation::formulate;
use super::ilp;
use super::{Goal, SolverChoice, Workforce};
use crate::model::Model;
use crate::requirements::demand::Demand;

/// Paid hours of a workforce's plan against the demand alone and the contracts' minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct Surplus {
    /// Paid hours the demand alone needs at least (the LP relaxation without the workforce rows).
    pub demand_paid_hours: f64,
    /// Paid hours the agents' contracts guarantee over the plan's whole weeks (0 when `min_hours` is
    /// soft).
    pub minimum_paid_hours: f64,
    /// Paid hours of the plan beyond `demand_paid_hours`.
    pub surplus_paid_hours: f64,
}

/// The surplus of a plan of `plan_paid_hours` for `workforce`; `None` when the LP cannot be solved.
pub(crate) fn surplus(
    model: &Model,
    demand: &Demand,
    goal: Goal,
    choice: &SolverChoice,
    workforce: &Workforce,
    plan_paid_hours: f64,
) -> Option<Surplus> {
    // Without workforce rows the program separates by ISO week whenever the workforce's does (see
    // `weekly`): one LP per week, their sum the whole LP's, at a fraction of its time.
    let mut demand_paid_hours = 0.0;
    let whole = std::iter::once(0..demand.grid.len()).collect();
    let weeks = super::weekly::weeks(model, demand).unwrap_or(whole);
    for range in weeks {
        let part = super::weekly::slice(demand, range);
        let f = formulate(model, &part, goal, None);
        let lp = ilp::relaxation(&f, choice, None).ok()?;
        demand_paid_hours += lp
            .shifts
            .iter()
            .zip(&f.candidates)
            .map(|(x, c)| x * f64::from(f.templates[c.template].paid_minutes) / 60.0)
            .sum::<f64>();
    }
    let weeks = super::workforce::whole_weeks(&demand.grid.dates()).len() as f64;
    let minimum_paid_hours = if workforce.min_hours_hard {
        workforce
            .groups
            .iter()
            .map(|g| g.agents.len() as f64 * g.min_hours * weeks)
            .sum()
    } else {
        0.0
    };
    Some(Surplus {
        demand_paid_hours,
        minimum_paid_hours,
        surplus_paid_hours: (plan_paid_hours - demand_paid_hours).max(0.0),
    })
}

impl Surplus {
    /// The summary line, in a planner's words.
    pub fn describe(&self) -> String {
        format!(
            "surplus: {:.1} paid hours beyond what the demand alone needs (at least {:.1} h without the \
             agents' skills and contracts); the contracts' weekly minimum totals {:.1} h",
            self.surplus_paid_hours, self.demand_paid_hours, self.minimum_paid_hours
        )
    }
}

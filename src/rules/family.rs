//! The integer program's constraint families, named once: a stable code, the planner's words, and
//! whether the program may break them at a price. The scheduler tags every row with its family, so a
//! plan can say how many rows of each it holds and an unsolvable model can be explained family by family.

use std::fmt;

/// A family of rows of the shift-scheduling program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Agents present per channel set and interval are split over its channels.
    Allocation,
    /// Each channel's requirement per interval, short only at a price.
    Coverage,
    /// Under a daily/weekly goal: each interval's floor, plus the agents that raise its service level.
    Floor,
    /// The daily/weekly service-level target.
    GoalServiceLevel,
    /// The daily/weekly abandonment ceiling.
    GoalAbandonment,
    /// Agents beyond what all channels need, at a light price.
    Overstaffing,
    /// Every shift gets each of its breaks inside the break's window (Bechtold & Jacobs 1990).
    BreakWindows,
    /// Shifts of a template per day within its `min_per_day` / `max_per_day`.
    TemplateDayLimits,
    /// At most `max_agents_per_day` agents start a shift on a day.
    DailyAgentLimit,
    /// Every shift goes to agents whose skills and contract allow it.
    WorkforceCover,
    /// No more shifts a day, or a week, than the agents can work (one a day, `max_days` a week).
    WorkforceDays,
    /// The agents' weekly hours within their contracts: short of the minimum only at a high price.
    WorkforceHours,
    /// Each group's late shifts held with companion shifts near them, clear of start spread and late
    /// fairness (agents who cannot, at a price).
    WorkforceTiers,
    /// Each group's days off in pairs, per agent's week of days worked (agents who cannot, at a
    /// price).
    WorkforceDaysOff,
}

impl Family {
    pub const ALL: [Family; 14] = [
        Family::Allocation,
        Family::Coverage,
        Family::Floor,
        Family::GoalServiceLevel,
        Family::GoalAbandonment,
        Family::Overstaffing,
        Family::BreakWindows,
        Family::TemplateDayLimits,
        Family::DailyAgentLimit,
        Family::WorkforceCover,
        Family::WorkforceDays,
        Family::WorkforceHours,
        Family::WorkforceTiers,
        Family::WorkforceDaysOff,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Family::Allocation => "allocation",
            Family::Coverage => "coverage",
            Family::Floor => "floor",
            Family::GoalServiceLevel => "goal_service_level",
            Family::GoalAbandonment => "goal_abandonment",
            Family::Overstaffing => "overstaffing",
            Family::BreakWindows => "break_windows",
            Family::TemplateDayLimits => "template_day_limits",
            Family::DailyAgentLimit => "daily_agent_limit",
            Family::WorkforceCover => "workforce_cover",
            Family::WorkforceDays => "workforce_days",
            Family::WorkforceHours => "workforce_hours",
            Family::WorkforceTiers => "workforce_tiers",
            Family::WorkforceDaysOff => "workforce_days_off",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Family::Allocation => "An agent works one channel at a time",
            Family::Coverage => "Each interval's requirement covered (short only at a penalty)",
            Family::Floor => "Each interval kept at its minimum service level and staffing",
            Family::GoalServiceLevel => "Service-level target over the day or week",
            Family::GoalAbandonment => "Abandonment ceiling over the day or week",
            Family::Overstaffing => "Agents beyond need (lightly penalised)",
            Family::BreakWindows => "Every shift has its breaks inside their windows",
            Family::TemplateDayLimits => {
                "Shifts of a template per day within its minimum and maximum"
            }
            Family::DailyAgentLimit => "At most the maximum number of agents a day",
            Family::WorkforceCover => "Every shift has agents whose skills and contract allow it",
            Family::WorkforceDays => "No more shifts a day or a week than the agents can work",
            Family::WorkforceHours => {
                "Agents' weekly hours within their contracts (short only at a high price)"
            }
            Family::WorkforceTiers => {
                "Agents' starts within the start spread and late shifts shared fairly (else at a price)"
            }
            Family::WorkforceDaysOff => "Agents' days off in pairs (else at a price)",
        }
    }

    /// Whether the program must keep every row of the family (otherwise it may pay to break one).
    pub fn is_hard(self) -> bool {
        matches!(
            self,
            Family::Allocation
                | Family::BreakWindows
                | Family::TemplateDayLimits
                | Family::DailyAgentLimit
                | Family::WorkforceDays
        )
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words())
    }
}

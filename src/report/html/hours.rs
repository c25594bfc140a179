//! Contract hours against rostered paid hours, per agent and ISO week, grouped by team. A week the
//! period covers whole is held to the agent's band (`min_hours` – `max_hours`); a partial week is shown,
//! not judged, as the roster does.

use super::page::Section;
use super::{escape, ReportInput};
use crate::grid::{iso_week, IsoWeek};
use crate::roster::Roster;
use crate::rules::Rule;
use chrono::NaiveDate;
use std::fmt::Write as _;

pub(crate) fn section(input: &ReportInput<'_>, roster: &Roster) -> Section {
    let mut dates: Vec<NaiveDate> = match input.evaluation {
        Some(ev) => ev.grid.dates(),
        None => roster.spans().iter().map(|s| s.date).collect(),
    };
    dates.sort();
    dates.dedup();
    let mut weeks: Vec<(IsoWeek, usize)> = Vec::new();
    for d in &dates {
        match weeks.last_mut() {
            Some((w, n)) if *w == iso_week(*d) => *n += 1,
            _ => weeks.push((iso_week(*d), 1)),
        }
    }
    let mut body = String::from("<table id=\"contract-hours\" class=\"compact\">\n<thead><tr><th class=\"l\">agent</th><th class=\"l\">id</th><th>contract h</th><th>band</th>");
    for (w, n) in &weeks {
        let partial = if *n < 7 { " (partial)" } else { "" };
        let _ = write!(body, "<th>week {}{partial}</th>", w.1);
    }
    body.push_str("<th class=\"l\">rostered vs contract</th></tr></thead>\n<tbody>\n");
    let mut teams: Vec<&str> = Vec::new();
    for a in &roster.agents {
        if !teams.contains(&a.team.as_str()) {
            teams.push(&a.team);
        }
    }
    let columns = 5 + weeks.len();
    for team in teams {
        let _ = writeln!(
            body,
            "<tr class=\"team\"><td colspan=\"{columns}\">{}</td></tr>",
            escape(if team.is_empty() { "(no team)" } else { team })
        );
        for (a, agent) in roster
            .agents
            .iter()
            .enumerate()
            .filter(|(_, x)| x.team == team)
        {
            let _ = write!(
                body,
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{:.1}</td><td class=\"muted\">{:.1}–{:.1}</td>",
                escape(&agent.name),
                escape(&agent.id),
                agent.contract_hours,
                agent.min_hours,
                agent.max_hours
            );
            let mut full_weeks = (0.0, 0usize);
            for (w, n) in &weeks {
                let paid: f64 = roster
                    .spans()
                    .iter()
                    .filter(|s| s.agent.map(|x| x.0) == Some(a) && iso_week(s.date) == *w)
                    .map(|s| s.paid_hours())
                    .sum();
                let judged = *n == 7;
                let miss = judged && outside_band(roster, a, *w);
                if judged {
                    full_weeks.0 += paid;
                    full_weeks.1 += 1;
                }
                let class = if miss { " class=\"miss\"" } else { "" };
                let _ = write!(body, "<td{class}>{:.1}</td>", paid + 0.0);
            }
            body.push_str(&bar(agent.contract_hours, full_weeks));
            body.push_str("</tr>\n");
        }
    }
    body.push_str("</tbody>\n</table>\n<p class=\"muted\">Paid hours rostered per ISO week; red: outside the agent's band in a week the period covers whole (leave credited toward the minimum). The bar compares the mean over whole weeks with the contract (blue up to the contract, orange beyond, red when short).</p>\n");
    Section {
        id: "contract-hours",
        heading: "Contract hours".into(),
        body,
    }
}

/// Whether the roster breaks agent `a`'s weekly band in `week`: read from its own violations, so the
/// page and the summary agree (leave is credited toward the minimum, see [`crate::leave`]).
fn outside_band(roster: &Roster, a: usize, week: IsoWeek) -> bool {
    let prefix = format!("week {}:", week.1);
    roster.violations.iter().any(|v| {
        v.agent == Some(a)
            && matches!(v.rule, Rule::MinHours | Rule::MaxHours)
            && v.detail.starts_with(&prefix)
    })
}

/// A bar of the mean weekly paid hours over whole weeks against the contract.
fn bar(contract: f64, (sum, weeks): (f64, usize)) -> String {
    if weeks == 0 || contract <= 0.0 {
        return "<td class=\"l muted\">–</td>".to_string();
    }
    let mean = sum / weeks as f64;
    let scale = 160.0 / (contract * 1.5);
    let (base, extra_class, extra) = if mean >= contract {
        (contract, "over", mean - contract)
    } else {
        (mean, "under", contract - mean)
    };
    format!(
        "<td class=\"l\"><span class=\"bar\" style=\"width:{:.0}px\"></span><span class=\"bar {extra_class}\" style=\"width:{:.0}px\"></span> {:+.1} h</td>",
        base * scale,
        (extra * scale).min(80.0),
        mean - contract
    )
}

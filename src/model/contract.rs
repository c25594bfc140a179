//! Contract types (`[[contract]]`): the hours band, days and shifts a kind of employment allows. Agents
//! name their contract in `agents.csv`; the file's own columns override single values.

use super::checker::Checker;
use super::raw::RawContract;
use super::shifts::ShiftTemplate;
use toml::Spanned;

/// A kind of employment contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub name: String,
    /// Contracted weekly hours.
    pub hours: f64,
    /// Weekly hours band (default `hours − 8` to `hours + 4`).
    pub min_hours: f64,
    pub max_hours: f64,
    /// Working days a week (default 5).
    pub max_days: u32,
    /// Templates the contract may work (indices into the model's shifts); `None`: every template.
    pub shifts: Option<Vec<usize>>,
    /// Weekends (a Saturday or Sunday worked) in the rostered period.
    pub max_weekends: Option<u32>,
    /// Late shifts a week.
    pub max_late_shifts: Option<u32>,
}

/// Default band around the contracted hours when the contract does not give one.
pub const BELOW_CONTRACT_H: f64 = 8.0;
pub const ABOVE_CONTRACT_H: f64 = 4.0;
pub const DEFAULT_MAX_DAYS: u32 = 5;

/// The `[[contract]]` tables; `templates` resolves `shifts` names (a template's name or its `[[shift]]`
/// table's name).
pub(crate) fn validate_contracts(
    c: &mut Checker<'_>,
    raw: &[Spanned<RawContract>],
    templates: &[ShiftTemplate],
) -> Vec<Contract> {
    let mut out: Vec<Contract> = Vec::new();
    for r in raw {
        let r = r.get_ref();
        let name = r.name.get_ref().trim().to_string();
        let at = r.name.span().start;
        if name.is_empty() || name.chars().count() > 100 {
            c.report(
                at,
                "contract.name: expected a name of 1 to 100 characters, found an empty or longer one"
                    .to_string(),
            );
            continue;
        }
        if out.iter().any(|o| o.name == name) {
            c.report(
                at,
                format!("contract.name: expected a name used once, found '{name}' twice"),
            );
            continue;
        }
        if let Some(contract) = one(c, r, name, templates) {
            out.push(contract);
        }
    }
    out
}

fn hours(c: &mut Checker<'_>, v: &Spanned<f64>, field: &str) -> Option<f64> {
    c.non_negative(v, field, "hours from 0 to 168")
        .filter(|h| *h <= 168.0)
        .or_else(|| {
            if *v.get_ref() > 168.0 {
                c.report(
                    v.span().start,
                    format!(
                        "{field}: expected hours from 0 to 168, found {}",
                        v.get_ref()
                    ),
                );
            }
            None
        })
}

fn count(
    c: &mut Checker<'_>,
    v: &Option<Spanned<i64>>,
    field: &str,
    max: i64,
) -> Option<Option<u32>> {
    c.opt(v, |c, x| {
        c.whole(
            x,
            1..=max,
            field,
            &format!("a whole number from 1 to {max}"),
        )
    })
}

fn one(
    c: &mut Checker<'_>,
    r: &RawContract,
    name: String,
    templates: &[ShiftTemplate],
) -> Option<Contract> {
    let field = |key: &str| format!("contract '{name}'.{key}");
    let h = hours(c, &r.hours, &field("hours"));
    let min = c.opt(&r.min_hours, |c, v| hours(c, v, &field("min_hours")));
    let max = c.opt(&r.max_hours, |c, v| hours(c, v, &field("max_hours")));
    let max_days = count(c, &r.max_days, &field("max_days"), 7);
    let weekends = count(c, &r.max_weekends, &field("max_weekends"), 1000);
    let lates = count(c, &r.max_late_shifts, &field("max_late_shifts"), 7);
    let shifts = r.shifts.as_ref().map(|names| {
        let mut found = Vec::new();
        for n in names {
            let matching: Vec<usize> = (0..templates.len())
                .filter(|&i| {
                    templates[i].name == *n.get_ref() || templates[i].table == *n.get_ref()
                })
                .collect();
            if matching.is_empty() {
                let known: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
                c.report(
                    n.span().start,
                    format!(
                        "{}: expected a shift template of the model ({}), found '{}'",
                        field("shifts"),
                        known.join(", "),
                        n.get_ref()
                    ),
                );
            }
            found.extend(matching);
        }
        found.sort_unstable();
        found.dedup();
        found
    });
    let (Some(h), Some(min), Some(max), Some(max_days), Some(weekends), Some(lates)) =
        (h, min, max, max_days, weekends, lates)
    else {
        return None;
    };
    let min_hours = min.unwrap_or((h - BELOW_CONTRACT_H).max(0.0));
    let max_hours = max.unwrap_or((h + ABOVE_CONTRACT_H).min(168.0));
    if !(min_hours <= h && h <= max_hours) {
        c.report(
            r.hours.span().start,
            format!(
                "{}: expected min_hours ≤ hours ≤ max_hours, found {min_hours} ≤ {h} ≤ {max_hours}",
                field("hours")
            ),
        );
        return None;
    }
    Some(Contract {
        name,
        hours: h,
        min_hours,
        max_hours,
        max_days: max_days.unwrap_or(DEFAULT_MAX_DAYS),
        shifts,
        max_weekends: weekends,
        max_late_shifts: lates,
    })
}

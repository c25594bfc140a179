//! `report.html`: one self-contained page a planner opens after `plan`, `schedule` or `roster` (and
//! `vuoro report DIR` rebuilds): the headline per channel against its targets, a day table with misses
//! flagged, a heat map of under/over staffing, service level per interval (predicted, and simulated when a
//! simulation is at hand), the requirement with the staffing and the volume, an agent timeline, contract
//! hours against rostered hours, open shifts and broken rules grouped by rule.
//!
//! Every figure is read from the evaluator's [`Evaluation`] and the roster (its open shifts and the rule
//! catalogue's [`Violation`](crate::rules::Violation)s), so the page agrees with the terminal summary and
//! `coverage.csv`. Charts are inline SVG (drawn with plotters, or as plain rectangles where there are
//! thousands of them), styles are inline CSS; the page loads nothing and needs no script. Every user
//! string (agent, team, channel, template names) is HTML-escaped.

mod charts;
mod days;
mod gantt;
mod headline;
mod heatmap;
mod hours;
mod page;
pub mod roster_json;
mod rules;
pub mod simulated;

use crate::evaluate::Evaluation;
use crate::model::Model;
use crate::report::plot::PlotError;
use crate::roster::Roster;
use crate::staffing::Staffing;
pub use simulated::Simulated;

/// What the report is built from: references to library values, nothing read from disk.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub model: &'a Model,
    /// Which command made the staffing, e.g. `plan`, shown under the title.
    pub source: &'a str,
    /// The staffing measured against the forecast; `None` when there is no forecast (`vuoro roster`).
    pub evaluation: Option<&'a Evaluation>,
    /// The shifts the page shows: the roster's named spans, or the anonymous shift plan.
    pub staffing: &'a Staffing,
    /// Named agents, open shifts and broken rules, when the staffing is a roster.
    pub roster: Option<&'a Roster>,
    /// Simulated service levels of the same staffing, when a simulation was run.
    pub simulated: Option<&'a Simulated>,
    /// The other files of the output folder (relative; a folder as `ics/`), linked from the header.
    pub files: &'a [String],
}

/// The whole page.
pub fn report_html(input: &ReportInput<'_>) -> Result<String, PlotError> {
    let mut sections: Vec<page::Section> = Vec::new();
    if let Some(evaluation) = input.evaluation {
        sections.push(headline::section(input, evaluation));
        sections.push(days::section(input, evaluation));
        sections.push(heatmap::section(evaluation));
        sections.push(charts::service_level(input, evaluation)?);
        sections.push(charts::requirement(input, evaluation)?);
    }
    if let Some(roster) = input.roster {
        sections.push(gantt::section(input, roster));
        sections.push(hours::section(input, roster));
        sections.push(rules::section(input, roster));
    }
    Ok(page::page(input, &sections))
}

/// `text` with `& < > " '` escaped, safe inside elements and quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A share as `81.3 %`, or `–` when there is none.
pub(crate) fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{:.1} %", 100.0 * v + 0.0))
}

/// Seconds as `12.3 s`, or `–`.
pub(crate) fn seconds(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |v| format!("{v:.1} s"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<b>"Ann" & 'Bo'</b>"#),
            "&lt;b&gt;&quot;Ann&quot; &amp; &#39;Bo&#39;&lt;/b&gt;"
        );
        assert_eq!(escape("Äänilä"), "Äänilä");
    }

    #[test]
    fn formats_missing_figures_as_a_dash() {
        assert_eq!(percent(None), "–");
        assert_eq!(percent(Some(-0.0)), "0.0 %");
        assert_eq!(seconds(Some(12.34)), "12.3 s");
    }
}

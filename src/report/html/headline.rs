//! The headline: per channel, the period's service against its targets, and the workforce in one card.

use super::page::Section;
use super::{escape, percent, seconds, ReportInput};
use crate::evaluate::{ChannelEvaluation, Evaluation};
use std::fmt::Write as _;

/// One headline row: what, the figure, the target in words, whether it is met.
struct Row {
    what: &'static str,
    figure: &'static str,
    value: Option<f64>,
    shown: String,
    target: String,
    met: Option<bool>,
}

pub(crate) fn section(input: &ReportInput<'_>, evaluation: &Evaluation) -> Section {
    let mut body = String::from("<div class=\"cards\">\n");
    for (c, ch) in evaluation.channels.iter().enumerate() {
        body.push_str(&card(c, ch));
    }
    body.push_str(&workforce_card(input, evaluation));
    body.push_str("</div>\n<p class=\"muted\">Over the whole period: service level over the contacts its convention counts, abandonment over offered contacts, ASA over answered contacts of stable intervals, occupancy over productive agent time. Under / over: agent-intervals short of and beyond the requirement.</p>\n");
    Section {
        id: "headline",
        heading: "Headline".into(),
        body,
    }
}

fn rows(ch: &ChannelEvaluation) -> Vec<Row> {
    let p = &ch.period;
    let t = &ch.targets;
    let mut rows = Vec::new();
    if ch.is_immediate() {
        let sl = p.service_level();
        rows.push(Row {
            what: "Service level",
            figure: "service_level",
            value: sl,
            shown: percent(sl),
            target: t.service_level.map_or(String::new(), |s| {
                format!("≥ {} in {:.0} s", percent(Some(s)), t.threshold_s)
            }),
            met: sl.zip(t.service_level).map(|(g, s)| g + 1e-9 >= s),
        });
        let asa = p.asa_s();
        rows.push(Row {
            what: "ASA",
            figure: "asa_s",
            value: asa,
            shown: seconds(asa),
            target: t
                .max_asa_s
                .map_or(String::new(), |m| format!("≤ {}", seconds(Some(m)))),
            met: asa.zip(t.max_asa_s).map(|(g, m)| g <= m + 1e-9),
        });
        if ch.abandons {
            let ab = p.p_abandon();
            rows.push(Row {
                what: "Abandonment",
                figure: "p_abandon",
                value: ab,
                shown: percent(ab),
                target: t
                    .max_abandon
                    .map_or(String::new(), |m| format!("≤ {}", percent(Some(m)))),
                met: ab.zip(t.max_abandon).map(|(g, m)| g <= m + 1e-9),
            });
        }
        let occ = p.occupancy();
        rows.push(Row {
            what: "Occupancy",
            figure: "occupancy",
            value: occ,
            shown: percent(occ),
            target: String::new(),
            met: None,
        });
    }
    rows.push(Row {
        what: "Contacts",
        figure: "volume",
        value: Some(p.volume),
        shown: format!("{:.0}", p.volume),
        target: String::new(),
        met: None,
    });
    rows.push(Row {
        what: "Required agent-hours",
        figure: "required_h",
        value: Some(p.required_h),
        shown: format!("{:.1} h", p.required_h),
        target: String::new(),
        met: None,
    });
    rows.push(Row {
        what: "Scheduled agent-hours",
        figure: "scheduled_h",
        value: Some(p.scheduled_h),
        shown: format!("{:.1} h", p.scheduled_h),
        target: "on shift, off break, on this channel".into(),
        met: None,
    });
    rows.push(Row {
        what: "Under / over",
        figure: "under",
        value: Some(p.under),
        shown: format!("{:.0} / {:.0}", p.under, p.over),
        target: format!("{} intervals ≥ ½ agent short", p.short_intervals),
        met: Some(p.short_intervals == 0),
    });
    rows
}

fn card(c: usize, ch: &ChannelEvaluation) -> String {
    let mut out = String::new();
    let kind = if ch.is_immediate() {
        "immediate"
    } else {
        "deferred"
    };
    let _ = write!(
        out,
        "<div class=\"card\" id=\"headline-{c}\">\n<h3>{} <span class=\"muted\">({kind})</span></h3>\n<table>\n<thead><tr><th class=\"l\"></th><th>period</th><th class=\"l\">target</th></tr></thead>\n<tbody>\n",
        escape(&ch.name)
    );
    for r in rows(ch) {
        let class = match r.met {
            Some(false) => " class=\"miss\"",
            Some(true) => " class=\"ok\"",
            None => "",
        };
        let value = r
            .value
            .map_or(String::new(), |v| format!(" data-value=\"{v}\""));
        let mark = match r.met {
            Some(false) => " ✗",
            Some(true) => " ✓",
            None => "",
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"l\">{}</td><td{class} data-channel=\"{c}\" data-figure=\"{}\"{value}>{}{mark}</td><td class=\"l muted\">{}</td></tr>",
            r.what,
            r.figure,
            r.shown,
            escape(&r.target)
        );
    }
    if !ch.period.unstable.is_empty() {
        let _ = writeln!(
            out,
            "<tr><td class=\"l\" colspan=\"3\"><span class=\"flag\">{} intervals with too few agents for the load</span> (the queue grows without bound; left out of the ASA)</td></tr>",
            ch.period.unstable.len()
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

/// Paid hours, shifts and (for a roster) agents, open shifts and broken rules.
fn workforce_card(input: &ReportInput<'_>, evaluation: &Evaluation) -> String {
    let mut out = String::from(
        "<div class=\"card\" id=\"headline-workforce\">\n<h3>Workforce</h3>\n<table>\n<tbody>\n",
    );
    let mut row = |what: &str, figure: &str, value: f64, shown: String, miss: bool| {
        let class = if miss { " class=\"miss\"" } else { "" };
        let _ = writeln!(
            out,
            "<tr><td class=\"l\">{what}</td><td{class} data-figure=\"{figure}\" data-value=\"{value}\">{shown}</td></tr>"
        );
    };
    let paid = input.staffing.paid_hours();
    row("Paid hours", "paid_h", paid, format!("{paid:.1} h"), false);
    let shifts = input.staffing.shift_count();
    row(
        "Shifts",
        "shifts",
        f64::from(shifts),
        shifts.to_string(),
        false,
    );
    let required: f64 = evaluation
        .channels
        .iter()
        .map(|c| c.period.required_h)
        .sum();
    row(
        "Required agent-hours, all channels",
        "required_h_all",
        required,
        format!("{required:.1} h"),
        false,
    );
    if let Some(roster) = input.roster {
        let n = roster.agents.len();
        row("Agents", "agents", n as f64, n.to_string(), false);
        let open = roster.open_count();
        row(
            "Open shifts",
            "open_shifts",
            f64::from(open),
            open.to_string(),
            open > 0,
        );
        let broken = roster.violations.len();
        let hard = roster.hard_breaches(input.model);
        row(
            "Rule breaches",
            "violations",
            broken as f64,
            broken.to_string(),
            false,
        );
        row(
            "of them hard rules",
            "hard_violations",
            hard as f64,
            hard.to_string(),
            hard > 0,
        );
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    out
}

//! The day table: per channel, one row per local day (then per ISO week and the period), every target
//! missed over that row flagged — the evaluator's [`Summary::misses`](crate::evaluate::Summary::misses).

use super::page::Section;
use super::{escape, percent, seconds, ReportInput};
use crate::evaluate::{ChannelEvaluation, Evaluation, Missed, Period, Summary};
use std::fmt::Write as _;

pub(crate) fn section(input: &ReportInput<'_>, evaluation: &Evaluation) -> Section {
    let mut body = String::new();
    for (c, ch) in evaluation.channels.iter().enumerate() {
        body.push_str(&channel_table(input, c, ch));
    }
    body.push_str("<p class=\"muted\">✗ a target missed over that day, week or period. Hours: agent-hours required and scheduled (on shift, off break, on this channel). Under / over: agent-intervals.</p>\n");
    Section {
        id: "days",
        heading: "Days".into(),
        body,
    }
}

fn channel_table(input: &ReportInput<'_>, c: usize, ch: &ChannelEvaluation) -> String {
    let immediate = ch.is_immediate();
    let simulated = input
        .simulated
        .filter(|s| s.has_channel(c))
        .filter(|_| immediate);
    let mut out = String::new();
    let _ = write!(
        out,
        "<h3>{}</h3>\n<table id=\"days-{c}\">\n<thead><tr><th class=\"l\">day</th><th>contacts</th><th>required h</th><th>scheduled h</th>",
        escape(&ch.name)
    );
    if immediate {
        out.push_str("<th>SL</th><th>target</th>");
        if simulated.is_some() {
            out.push_str("<th>simulated SL</th>");
        }
        out.push_str("<th>ASA</th>");
        if ch.abandons {
            out.push_str("<th>abandon</th><th>cap</th>");
        }
        out.push_str("<th>occupancy</th>");
    }
    out.push_str("<th>under / over</th><th class=\"l\">missed</th></tr></thead>\n<tbody>\n");
    let mut lines: Vec<(Period, &Summary)> =
        ch.days.iter().map(|(d, s)| (Period::Day(*d), s)).collect();
    if ch.weeks.len() > 1 || ch.days.len() > 1 {
        lines.extend(ch.weeks.iter().map(|(w, s)| (Period::Week(*w), s)));
    }
    if ch.weeks.len() > 1 {
        lines.push((Period::All, &ch.period));
    }
    for (period, s) in lines {
        let misses = s.misses(&ch.name, period, &ch.targets);
        let sl_miss = misses
            .iter()
            .any(|m| matches!(m.what, Missed::ServiceLevel { .. }));
        let ab_miss = misses
            .iter()
            .any(|m| matches!(m.what, Missed::Abandonment { .. }));
        let class = if matches!(period, Period::Day(_)) {
            ""
        } else {
            " class=\"sum\""
        };
        let _ = write!(
            out,
            "<tr{class}><td class=\"l\">{period}</td><td>{:.0}</td><td>{:.1}</td><td>{:.1}</td>",
            s.volume, s.required_h, s.scheduled_h
        );
        let cell = |miss: bool, text: String| {
            if miss {
                format!("<td class=\"miss\">{text}</td>")
            } else {
                format!("<td>{text}</td>")
            }
        };
        if immediate {
            out.push_str(&cell(sl_miss, percent(s.service_level())));
            let _ = write!(out, "<td class=\"muted\">{}</td>", target(ch));
            if let Some(sim) = simulated {
                let got = match period {
                    Period::Day(d) => sim.day(c, d),
                    Period::Week(w) => sim.week(c, w),
                    Period::All => sim.whole(c),
                };
                let miss = got
                    .zip(ch.targets.service_level)
                    .is_some_and(|(g, t)| g + 1e-9 < t);
                out.push_str(&cell(miss, percent(got)));
            }
            let asa_miss = s
                .asa_s()
                .zip(ch.targets.max_asa_s)
                .is_some_and(|(g, m)| g > m + 1e-9);
            out.push_str(&cell(asa_miss, seconds(s.asa_s())));
            if ch.abandons {
                out.push_str(&cell(ab_miss, percent(s.p_abandon())));
                let _ = write!(
                    out,
                    "<td class=\"muted\">{}</td>",
                    ch.targets
                        .max_abandon
                        .map_or(String::new(), |m| format!("≤ {}", percent(Some(m))))
                );
            }
            out.push_str(&cell(false, percent(s.occupancy())));
        }
        out.push_str(&cell(
            s.short_intervals > 0,
            format!("{:.0} / {:.0}", s.under, s.over),
        ));
        let words: Vec<String> = misses
            .iter()
            .map(|m| match m.what {
                Missed::ServiceLevel { got, target } => {
                    format!("✗ SL {} &lt; {}", percent(Some(got)), percent(Some(target)))
                }
                Missed::Abandonment { got, cap } => format!(
                    "✗ abandonment {} &gt; {}",
                    percent(Some(got)),
                    percent(Some(cap))
                ),
            })
            .collect();
        let _ = writeln!(out, "<td class=\"flag\">{}</td></tr>", words.join("; "));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn target(ch: &ChannelEvaluation) -> String {
    ch.targets
        .service_level
        .map_or(String::new(), |s| percent(Some(s)))
}

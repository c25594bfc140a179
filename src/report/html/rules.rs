//! Open shifts and broken rules: every open shift with the rules that turned the agents away, and every
//! breach grouped by rule (catalogue order) with the agents named — no cut-off, unlike the terminal.

use super::page::Section;
use super::{escape, ReportInput};
use crate::model::Model;
use crate::roster::Roster;
use crate::rules::{Rule, Strength};
use std::fmt::Write as _;

pub(crate) fn section(input: &ReportInput<'_>, roster: &Roster) -> Section {
    let mut body = open_shifts(input, roster);
    body.push_str(&broken(input, roster));
    Section {
        id: "rules",
        heading: "Open shifts and broken rules".into(),
        body,
    }
}

fn open_shifts(input: &ReportInput<'_>, roster: &Roster) -> String {
    let model = input.model;
    let tz = model.time_zone;
    let mut out = format!(
        "<h3 id=\"open-shifts\">Open shifts ({})</h3>\n",
        roster.open_count()
    );
    if roster.open.is_empty() {
        out.push_str("<p class=\"ok\">Every shift of the plan has an agent.</p>\n");
        return out;
    }
    out.push_str("<table>\n<thead><tr><th class=\"l\">day</th><th class=\"l\">shift</th><th class=\"l\">time</th><th class=\"l\">channels</th><th>missing</th><th class=\"l\">agents turned away, by rule</th></tr></thead>\n<tbody>\n");
    for o in &roster.open {
        let s = &o.span;
        let why: Vec<String> = o
            .turned_away
            .iter()
            .map(|(rule, n)| format!("{n} {}", rule.words().to_lowercase()))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}–{}</td><td class=\"l\">{}</td><td class=\"miss\">{}</td><td class=\"l\">{}</td></tr>",
            s.start.with_timezone(&tz).format("%a %d.%m."),
            escape(s.template_name(model)),
            s.start.with_timezone(&tz).format("%H:%M"),
            s.end.with_timezone(&tz).format("%H:%M"),
            escape(&s.channel_names(model).join(", ")),
            s.count,
            escape(&why.join(", "))
        );
        if !o.blocked.is_empty() {
            let _ = writeln!(
                out,
                "<tr><td></td><td class=\"l muted\" colspan=\"5\">{}</td></tr>",
                escape(&o.blocked)
            );
        }
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn broken(input: &ReportInput<'_>, roster: &Roster) -> String {
    let mut out = format!(
        "<h3 id=\"broken-rules\">Broken rules ({})</h3>\n",
        roster.violations.len()
    );
    if roster.violations.is_empty() {
        out.push_str("<p class=\"ok\">No labour rule broken.</p>\n");
        return out;
    }
    out.push_str("<table>\n<thead><tr><th class=\"l\">rule</th><th>breaches</th><th>agents</th><th class=\"l\">kind</th></tr></thead>\n<tbody>\n");
    let groups: Vec<(Rule, Vec<usize>)> = Rule::ALL
        .into_iter()
        .map(|rule| {
            let of: Vec<usize> = roster
                .violations
                .iter()
                .enumerate()
                .filter(|(_, v)| v.rule == rule)
                .map(|(i, _)| i)
                .collect();
            (rule, of)
        })
        .filter(|(_, of)| !of.is_empty())
        .collect();
    for (rule, of) in &groups {
        let mut agents: Vec<Option<usize>> =
            of.iter().map(|&i| roster.violations[i].agent).collect();
        agents.sort();
        agents.dedup();
        let _ = writeln!(
            out,
            "<tr><td class=\"l\"><a href=\"#rule-{}\">{}</a></td><td>{}</td><td>{}</td><td class=\"l{}\">{}</td></tr>",
            rule.code(),
            escape(rule.words()),
            of.len(),
            agents.len(),
            if input.model.rules.is_hard(*rule) {
                " miss"
            } else {
                ""
            },
            strength(input.model, *rule)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for (rule, of) in &groups {
        let _ = write!(
            out,
            "<h3 id=\"rule-{}\">{} <span class=\"muted\">({}, {} breaches)</span></h3>\n<table class=\"breaches compact\">\n<thead><tr><th class=\"l\">agent</th><th class=\"l\">id</th><th class=\"l\">team</th><th class=\"l\">detail</th></tr></thead>\n<tbody>\n",
            rule.code(),
            escape(rule.words()),
            rule.code(),
            of.len()
        );
        for &i in of {
            let v = &roster.violations[i];
            let (name, id, team) = v
                .agent
                .and_then(|a| roster.agents.get(a))
                .map_or(("–", "", ""), |a| {
                    (a.name.as_str(), a.id.as_str(), a.team.as_str())
                });
            let _ = writeln!(
                out,
                "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>",
                escape(name),
                escape(id),
                escape(team),
                escape(&v.detail)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out
}

/// How the rule binds under this model (`[rules] soft` makes a hard rule soft).
fn strength(model: &Model, rule: Rule) -> &'static str {
    match (rule.strength(), model.rules.is_hard(rule)) {
        (Strength::AlwaysHard, _) => "always enforced",
        (_, true) => "hard",
        (_, false) => "soft (a preference)",
    }
}

//! The agent timeline: one chart per ISO week, a row per agent grouped by team, a column per day; work
//! coloured by channel, paid breaks and unpaid lunches marked, open shifts in rows of their own. Drawn as
//! plain SVG rectangles with CSS classes (a few dozen bytes each) so a thousand agents over four weeks stay
//! a few megabytes; per-shift tooltips are added up to [`TOOLTIP_AGENTS`] agents.

use super::page::Section;
use super::{escape, ReportInput};
use crate::grid::{iso_week, IsoWeek};
use crate::model::Model;
use crate::roster::Roster;
use crate::staffing::Span;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use std::fmt::Write as _;

const WIDTH: usize = 1400;
const LABEL_W: usize = 210;
const ROW_H: usize = 14;
const TEAM_H: usize = 20;
const HEAD_H: usize = 34;
/// Above this many agents the bars carry no tooltip (they would double the file).
const TOOLTIP_AGENTS: usize = 300;
/// Agents per chart: a printed landscape page holds about this many rows.
const ROWS_PER_CHART: usize = 45;

pub(crate) fn section(input: &ReportInput<'_>, roster: &Roster) -> Section {
    let model = input.model;
    let dates = period_dates(input, roster);
    let mut weeks: Vec<(IsoWeek, Vec<NaiveDate>)> = Vec::new();
    for d in dates {
        match weeks.last_mut() {
            Some((w, days)) if *w == iso_week(d) => days.push(d),
            _ => weeks.push((iso_week(d), vec![d])),
        }
    }
    let mut body = String::from("<p class=\"legend\">work, by the shift's first channel: ");
    for (c, channel) in model.channels.iter().enumerate() {
        let _ = write!(
            body,
            "<span><i class=\"g{}\"></i>{}</span>",
            c % 6,
            escape(&channel.name)
        );
    }
    body.push_str("<span><i class=\"gb\"></i>paid break</span><span><i class=\"gl\"></i>unpaid break</span><span><i class=\"go\"></i>open shift</span></p>\n");
    let window = hour_window(model, roster);
    let mut by_agent: Vec<Vec<&Span>> = vec![Vec::new(); roster.agents.len()];
    for s in roster.spans() {
        if let Some(list) = s.agent.and_then(|a| by_agent.get_mut(a.0)) {
            list.push(s);
        }
    }
    for (week, days) in &weeks {
        let _ = writeln!(body, "<h3>Week {} of {}</h3>", week.1, week.0);
        body.push_str(&week_chart(model, roster, &by_agent, *week, days, window));
    }
    Section {
        id: "timeline",
        heading: "Agent timeline".into(),
        body,
    }
}

/// The local dates the page covers: the evaluated grid's, else those the shifts touch.
fn period_dates(input: &ReportInput<'_>, roster: &Roster) -> Vec<NaiveDate> {
    let mut dates: Vec<NaiveDate> = match input.evaluation {
        Some(ev) => ev.grid.dates(),
        None => roster
            .spans()
            .iter()
            .chain(roster.open.iter().map(|o| &o.span))
            .map(|s| s.date)
            .collect(),
    };
    dates.sort();
    dates.dedup();
    dates
}

/// Local wall-clock hours since the start of `date` (past 24 for a shift that ends after midnight).
fn hours_into(model: &Model, date: NaiveDate, t: DateTime<Utc>) -> f64 {
    let local = t.with_timezone(&model.time_zone).naive_local();
    (local - date.and_time(chrono::NaiveTime::MIN)).num_minutes() as f64 / 60.0
}

/// The hours of the day every column shows: from the earliest start to the latest end, whole hours.
fn hour_window(model: &Model, roster: &Roster) -> (f64, f64) {
    let spans = roster
        .spans()
        .iter()
        .chain(roster.open.iter().map(|o| &o.span));
    let (mut from, mut to) = (f64::INFINITY, f64::NEG_INFINITY);
    for s in spans {
        from = from.min(hours_into(model, s.date, s.start).floor());
        to = to.max(hours_into(model, s.date, s.end).ceil());
    }
    if from.is_finite() && to > from {
        (from, to)
    } else {
        (0.0, 24.0)
    }
}

/// Column geometry of one week.
struct Columns<'a> {
    days: &'a [NaiveDate],
    window: (f64, f64),
    width: f64,
}

impl Columns<'_> {
    /// The x of an instant in the column of `date`, clamped to that column.
    fn x(&self, model: &Model, date: NaiveDate, t: DateTime<Utc>) -> Option<f64> {
        let d = self.days.iter().position(|x| *x == date)?;
        let h = hours_into(model, date, t).clamp(self.window.0, self.window.1);
        Some(
            LABEL_W as f64
                + d as f64 * self.width
                + (h - self.window.0) / (self.window.1 - self.window.0) * self.width,
        )
    }
}

/// One ISO week: an SVG per team (at most [`ROWS_PER_CHART`] agents each, so a printed page holds one)
/// and one for the open shifts, each with the day header.
fn week_chart(
    model: &Model,
    roster: &Roster,
    by_agent: &[Vec<&Span>],
    week: IsoWeek,
    days: &[NaiveDate],
    window: (f64, f64),
) -> String {
    let cols = Columns {
        days,
        window,
        width: (WIDTH - LABEL_W) as f64 / days.len().max(1) as f64,
    };
    let tooltips = roster.agents.len() <= TOOLTIP_AGENTS;
    let mut out = String::new();
    for (t, team) in teams(roster).into_iter().enumerate() {
        let members: Vec<usize> = (0..roster.agents.len())
            .filter(|&a| roster.agents[a].team == team)
            .collect();
        for (part, chunk) in members.chunks(ROWS_PER_CHART).enumerate() {
            let mut rows = String::new();
            let mut y = HEAD_H;
            let label = if team.is_empty() { "(no team)" } else { team };
            let more = if part > 0 { " (continued)" } else { "" };
            let _ = writeln!(
                rows,
                "<text x=\"4\" y=\"{}\" font-weight=\"bold\">{}{more}</text>",
                y + 14,
                escape(label)
            );
            y += TEAM_H;
            for (i, &a) in chunk.iter().enumerate() {
                if i % 2 == 0 {
                    let _ = writeln!(
                        rows,
                        "<rect x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"{ROW_H}\" class=\"gz\"/>"
                    );
                }
                let name: String = roster.agents[a].name.chars().take(30).collect();
                let _ = writeln!(
                    rows,
                    "<text x=\"12\" y=\"{}\">{}</text>",
                    y + 11,
                    escape(&name)
                );
                for s in by_agent[a].iter().filter(|s| iso_week(s.date) == week) {
                    rows.push_str(&bar(model, &cols, s, y, tooltips, "g"));
                }
                y += ROW_H;
            }
            let id = format!("timeline-{}-{:02}-{t}-{part}", week.0, week.1);
            out.push_str(&svg(&id, &cols, y, &rows));
        }
    }
    let open: Vec<&Span> = roster
        .open
        .iter()
        .map(|o| &o.span)
        .filter(|s| iso_week(s.date) == week)
        .collect();
    if !open.is_empty() {
        let mut rows = String::new();
        let mut y = HEAD_H;
        let _ = writeln!(
            rows,
            "<text x=\"4\" y=\"{}\" font-weight=\"bold\">Open shifts</text>",
            y + 14
        );
        y += TEAM_H;
        for lane in lanes(&open) {
            for s in lane {
                rows.push_str(&bar(model, &cols, s, y, true, "o"));
            }
            y += ROW_H;
        }
        let id = format!("timeline-{}-{:02}-open", week.0, week.1);
        out.push_str(&svg(&id, &cols, y, &rows));
    }
    out
}

/// One timeline chart: the day header over its rows.
fn svg(id: &str, cols: &Columns<'_>, bottom: usize, rows: &str) -> String {
    let height = bottom + 4;
    let mut out = format!(
        "<svg id=\"{id}\" class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">\n"
    );
    out.push_str(&header(cols, height));
    out.push_str(rows);
    out.push_str("</svg>\n");
    out
}

/// Day names, hour ticks and day separators.
fn header(cols: &Columns<'_>, height: usize) -> String {
    let mut out = String::new();
    let span = cols.window.1 - cols.window.0;
    // The finest step that leaves a label about 30 px.
    let need = 30.0 * span / cols.width;
    let every = [1.0, 2.0, 3.0, 6.0, 12.0]
        .into_iter()
        .find(|h| *h >= need)
        .unwrap_or(24.0);
    for (d, date) in cols.days.iter().enumerate() {
        let x0 = LABEL_W as f64 + d as f64 * cols.width;
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"12\" text-anchor=\"middle\" font-weight=\"bold\">{} {}.{}.</text>\n<line x1=\"{x0:.1}\" y1=\"0\" x2=\"{x0:.1}\" y2=\"{height}\" class=\"gsep\"/>",
            x0 + cols.width / 2.0,
            date.weekday(),
            date.day(),
            date.month()
        );
        let mut h = (cols.window.0 / every).ceil() * every;
        while h < cols.window.1 {
            let x = x0 + (h - cols.window.0) / span * cols.width;
            let _ = writeln!(
                out,
                "<text x=\"{x:.1}\" y=\"28\" text-anchor=\"middle\" class=\"gtick\">{:02}</text>",
                (h as i64).rem_euclid(24)
            );
            h += every;
        }
    }
    out
}

/// A shift's work bar with its breaks on top; `kind` `g` colours it by channel, `o` as open.
fn bar(model: &Model, cols: &Columns<'_>, s: &Span, y: usize, tooltip: bool, kind: &str) -> String {
    let (Some(x0), Some(x1)) = (cols.x(model, s.date, s.start), cols.x(model, s.date, s.end))
    else {
        return String::new();
    };
    let class = if kind == "o" {
        "go".to_string()
    } else {
        format!("g{}", s.channels.first().map_or(0, |c| c.0 % 6))
    };
    let mut out = format!(
        "<rect x=\"{x0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" class=\"{class}\">",
        y + 2,
        (x1 - x0).max(1.0),
        ROW_H - 4
    );
    if tooltip {
        let tz = model.time_zone;
        let count = if kind == "o" {
            format!(", {} missing", s.count)
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<title>{} {}–{} {} ({}){count}</title>",
            s.start.with_timezone(&tz).format("%a %d.%m."),
            s.start.with_timezone(&tz).format("%H:%M"),
            s.end.with_timezone(&tz).format("%H:%M"),
            escape(s.template_name(model)),
            escape(&s.channel_names(model).join(", "))
        );
    }
    out.push_str("</rect>\n");
    if kind == "o" && s.count > 1 {
        // One bar for the shift, its missing agents counted on it.
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{}\" class=\"gtick\">×{}</text>",
            x0 + 3.0,
            y + ROW_H - 4,
            s.count
        );
    }
    // An open shift's breaks are placed only once an agent takes it.
    let breaks = if kind == "o" { &[][..] } else { &s.breaks[..] };
    for b in breaks {
        let (Some(b0), Some(b1)) = (
            cols.x(model, s.date, b.start),
            cols.x(model, s.date, b.end()),
        ) else {
            continue;
        };
        let _ = writeln!(
            out,
            "<rect x=\"{b0:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" class=\"{}\"/>",
            y + 2,
            (b1 - b0).max(1.0),
            ROW_H - 4,
            if b.paid { "gb" } else { "gl" }
        );
    }
    out
}

/// Teams in order of first appearance.
fn teams(roster: &Roster) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for a in &roster.agents {
        if !out.contains(&a.team.as_str()) {
            out.push(&a.team);
        }
    }
    out
}

/// Open shifts packed into rows where none overlaps another (first fit, in start order).
fn lanes<'a>(open: &[&'a Span]) -> Vec<Vec<&'a Span>> {
    let mut sorted: Vec<&Span> = open.to_vec();
    sorted.sort_by_key(|s| (s.start, s.end));
    let mut lanes: Vec<Vec<&Span>> = Vec::new();
    for s in sorted {
        match lanes
            .iter_mut()
            .find(|lane| lane.last().is_none_or(|l| l.end <= s.start))
        {
            Some(lane) => lane.push(s),
            None => lanes.push(vec![s]),
        }
    }
    lanes
}

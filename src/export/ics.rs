//! RFC 5545 iCalendar files, one per agent (see the module docs of `export`).

use super::local;
use crate::model::Model;
use crate::roster::Roster;
use crate::staffing::{AgentId, Span};
use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use std::fmt::Write as _;

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
}

fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.abs();
    format!("{sign}{:02}{:02}", s / 3600, s / 60 % 60)
}

/// `VTIMEZONE` with every transition of the zone from a year before to a year after the period (found by
/// scanning hourly offsets), so that any calendar program can place the events without an IANA database.
fn vtimezone(model: &Model, from: DateTime<Utc>, to: DateTime<Utc>, lines: &mut Vec<String>) {
    let tz = model.time_zone;
    let offset_at = |t: DateTime<Utc>| {
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc()
    };
    let abbreviation = |t: DateTime<Utc>| t.with_timezone(&tz).format("%Z").to_string();
    lines.push("BEGIN:VTIMEZONE".to_string());
    lines.push(format!("TZID:{}", tz.name()));
    let mut t = from - Duration::days(366);
    let end = to + Duration::days(366);
    let mut previous = offset_at(t);
    let mut any = false;
    while t < end {
        let next = t + Duration::hours(1);
        let offset = offset_at(next);
        if offset != previous {
            // The exact minute of the change inside the hour.
            let mut at = t;
            while offset_at(at) == previous {
                at += Duration::minutes(1);
            }
            let kind = if offset > previous {
                "DAYLIGHT"
            } else {
                "STANDARD"
            };
            let local_before = (at + Duration::seconds(i64::from(previous))).naive_utc();
            lines.push(format!("BEGIN:{kind}"));
            lines.push(format!("DTSTART:{}", local_before.format("%Y%m%dT%H%M%S")));
            lines.push(format!("TZOFFSETFROM:{}", offset_text(previous)));
            lines.push(format!("TZOFFSETTO:{}", offset_text(offset)));
            lines.push(format!("TZNAME:{}", abbreviation(at)));
            lines.push(format!("END:{kind}"));
            previous = offset;
            any = true;
        }
        t = next;
    }
    if !any {
        let offset = offset_text(previous);
        lines.push("BEGIN:STANDARD".to_string());
        lines.push("DTSTART:19700101T000000".to_string());
        lines.push(format!("TZOFFSETFROM:{offset}"));
        lines.push(format!("TZOFFSETTO:{offset}"));
        lines.push(format!("TZNAME:{}", abbreviation(from)));
        lines.push("END:STANDARD".to_string());
    }
    lines.push("END:VTIMEZONE".to_string());
}

/// One calendar per agent with at least one shift: (file name `<id>.ics`, contents). `stamp` fixes
/// `DTSTAMP` (use the plan's first interval) so the files are deterministic.
pub fn calendars(model: &Model, roster: &Roster, stamp: DateTime<Utc>) -> Vec<(String, String)> {
    let (Some(first), Some(last)) = (
        roster.spans().iter().map(|a| a.start).min(),
        roster.spans().iter().map(|a| a.end).max(),
    ) else {
        return Vec::new();
    };
    let mut zone = Vec::new();
    vtimezone(model, first, last, &mut zone);
    let mut out = Vec::new();
    for (i, agent) in roster.agents.iter().enumerate() {
        let shifts: Vec<_> = roster
            .spans()
            .iter()
            .filter(|a| a.agent == Some(AgentId(i)))
            .collect();
        if shifts.is_empty() {
            continue;
        }
        let mut lines = calendar_head(&agent.name);
        lines.extend(zone.iter().cloned());
        for a in shifts {
            event(model, &agent.id, a, stamp, &mut lines);
        }
        lines.push("END:VCALENDAR".to_string());
        out.push((format!("{}.ics", agent.id), folded(&lines)));
    }
    out
}

/// The opening lines of an agent's calendar, named after the agent for calendar programs' lists.
fn calendar_head(agent_name: &str) -> Vec<String> {
    vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        "PRODID:-//vuoro//roster//EN".to_string(),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        format!("X-WR-CALNAME:{}", text(&format!("Shifts of {agent_name}"))),
    ]
}

/// The `VEVENT` of one shift, with a `UID` stable across runs and the breaks in its description.
fn event(model: &Model, agent_id: &str, a: &Span, stamp: DateTime<Utc>, lines: &mut Vec<String>) {
    let description = breaks_description(model, a);
    lines.push("BEGIN:VEVENT".to_string());
    lines.push(format!(
        "UID:{}-{}-{}@vuoro",
        agent_id,
        a.date.format("%Y%m%d"),
        a.start.format("%Y%m%dT%H%MZ")
    ));
    lines.push(format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")));
    lines.push(date_time(model, "DTSTART", a.start));
    lines.push(date_time(model, "DTEND", a.end));
    lines.push(format!(
        "SUMMARY:{}",
        text(&format!(
            "Shift {} ({})",
            a.template_name(model),
            a.channel_names(model).join(", ")
        ))
    ));
    if !description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", text(&description)));
    }
    lines.push("TRANSP:OPAQUE".to_string());
    lines.push("END:VEVENT".to_string());
}

/// `Breaks: 10:15-10:30 coffee (paid), …` in local times; empty for a shift without breaks.
fn breaks_description(model: &Model, a: &Span) -> String {
    let mut description = String::new();
    for b in &a.breaks {
        let end = b.start + Duration::minutes(i64::from(b.minutes));
        let _ = write!(
            description,
            "{}{}-{} {} ({})",
            if description.is_empty() {
                "Breaks: "
            } else {
                ", "
            },
            local(model, b.start, "%H:%M"),
            local(model, end, "%H:%M"),
            b.name,
            if b.paid { "paid" } else { "unpaid" }
        );
    }
    description
}

/// A date-time property in local time with `TZID`, or in UTC where local time is ambiguous.
fn date_time(model: &Model, name: &str, t: DateTime<Utc>) -> String {
    // A local time the autumn change repeats would be read as its first occurrence (RFC 5545 §3.3.5);
    // those instants are written in UTC instead.
    let tz = model.time_zone;
    let naive = t.with_timezone(&tz).naive_local();
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(_) => {
            format!(
                "{name};TZID={}:{}",
                tz.name(),
                naive.format("%Y%m%dT%H%M%S")
            )
        }
        _ => format!("{name}:{}", t.format("%Y%m%dT%H%M%SZ")),
    }
}

/// The calendar's lines folded and joined into the file's text.
fn folded(lines: &[String]) -> String {
    let mut body = String::new();
    for line in lines {
        fold(line, &mut body);
    }
    body
}

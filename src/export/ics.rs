//! RFC 5545 iCalendar files, one per agent (see the module docs of `export`).

use super::local;
use super::previous::{sequences, Previous};
use crate::model::Model;
use crate::roster::Roster;
use crate::staffing::{AgentId, Span};
use chrono::{DateTime, Duration, NaiveDate, Offset, TimeZone, Utc};
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

/// One calendar per agent with at least one shift, as a first publication: (file name `<id>.ics`,
/// contents). `stamp` fixes `DTSTAMP` (use the plan's first interval) so the files are deterministic.
pub fn calendars(model: &Model, roster: &Roster, stamp: DateTime<Utc>) -> Vec<(String, String)> {
    calendars_after(model, roster, stamp, &Previous::default())
}

/// One calendar per agent with a shift or a cancelled one, updating the `previous` publication in
/// place.
///
/// Each event's `UID` is `<employee_id>-<YYYYMMDD>@vuoro` — one per agent and schedule date, as an agent
/// works at most one shift a day — so a moved shift replaces its old event instead of joining it. Its
/// `SEQUENCE` comes from [`sequences`]. A previously published shift of a rostered agent on a day of this
/// roster that the agent no longer works is published as `STATUS:CANCELLED` with its sequence raised
/// (and kept cancelled, sequence unchanged, while that day is rostered), so calendars that imported it
/// remove it (RFC 5546 §3.2.5).
pub fn calendars_after(
    model: &Model,
    roster: &Roster,
    stamp: DateTime<Utc>,
    previous: &Previous,
) -> Vec<(String, String)> {
    let (Some(first), Some(last)) = (
        roster.spans().iter().map(|a| a.start).min(),
        roster.spans().iter().map(|a| a.end).max(),
    ) else {
        return Vec::new();
    };
    let sequence = sequences(model, roster, previous);
    let days = roster_days(roster);
    let mut zone = Vec::new();
    vtimezone(model, first, last, &mut zone);
    let mut out = Vec::new();
    for (i, agent) in roster.agents.iter().enumerate() {
        let mut events: Vec<(NaiveDate, Vec<String>)> = roster
            .spans()
            .iter()
            .filter(|a| a.agent == Some(AgentId(i)))
            .map(|a| {
                let head = event_head(&agent.id, a.date, stamp, sequence.of(&agent.id, a.date));
                (a.date, [head, event_content(model, a)].concat())
            })
            .collect();
        for ((_, date), old) in previous
            .events
            .range((agent.id.clone(), NaiveDate::MIN)..=(agent.id.clone(), NaiveDate::MAX))
        {
            let gone = days.contains(date) && !sequence.0.contains_key(&(agent.id.clone(), *date));
            if gone {
                // Newly cancelled: a revision; cancelled before: the same event again, so the sequence a
                // calendar holds never exceeds what a later publication of that day starts from.
                let raise = u32::from(!old.cancelled);
                let mut lines =
                    event_head(&agent.id, *date, stamp, old.sequence.saturating_add(raise));
                lines.push("STATUS:CANCELLED".to_string());
                lines.extend(old.lines.iter().cloned());
                events.push((*date, lines));
            }
        }
        if events.is_empty() {
            continue;
        }
        events.sort_by_key(|(date, _)| *date);
        let mut lines = calendar_head(&agent.name);
        lines.extend(zone.iter().cloned());
        for (_, event) in events {
            lines.push("BEGIN:VEVENT".to_string());
            lines.extend(event);
            lines.push("END:VEVENT".to_string());
        }
        lines.push("END:VCALENDAR".to_string());
        out.push((format!("{}.ics", agent.id), folded(&lines)));
    }
    out
}

/// The local dates this roster covers, from its first to its last (rostered or open) shift: only on
/// these may a previously published shift be cancelled (last week's shifts are history, not changes).
fn roster_days(roster: &Roster) -> std::ops::RangeInclusive<NaiveDate> {
    let dates = roster
        .spans()
        .iter()
        .chain(roster.open.iter().map(|o| &o.span))
        .map(|a| a.date);
    let (min, max) = dates.fold((NaiveDate::MAX, NaiveDate::MIN), |(lo, hi), d| {
        (lo.min(d), hi.max(d))
    });
    min..=max
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

/// An event's identity: `UID` (agent and schedule date), `DTSTAMP` and `SEQUENCE`.
fn event_head(agent_id: &str, date: NaiveDate, stamp: DateTime<Utc>, sequence: u32) -> Vec<String> {
    vec![
        format!("UID:{}-{}@vuoro", agent_id, date.format("%Y%m%d")),
        format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")),
        format!("SEQUENCE:{sequence}"),
    ]
}

/// The content of one shift's `VEVENT` (unfolded): times, summary, the breaks in the description. Two
/// publications of a shift differ exactly when these lines do.
pub(super) fn event_content(model: &Model, a: &Span) -> Vec<String> {
    let description = breaks_description(model, a);
    let mut lines = vec![
        date_time(model, "DTSTART", a.start),
        date_time(model, "DTEND", a.end),
        format!(
            "SUMMARY:{}",
            text(&format!(
                "Shift {} ({})",
                a.template_name(model),
                a.channel_names(model).join(", ")
            ))
        ),
    ];
    if !description.is_empty() {
        lines.push(format!("DESCRIPTION:{}", text(&description)));
    }
    lines.push("TRANSP:OPAQUE".to_string());
    lines
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

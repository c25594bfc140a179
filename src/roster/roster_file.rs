//! Reads the shifts of a roster back from `roster.json` (as `vuoro plan` or `vuoro roster` wrote it), so a
//! roster can be evaluated or simulated on its own.

use crate::error::{Diagnostic, Diagnostics, Location};
use crate::forecast::parse_instant;
use crate::model::Model;
use crate::staffing::{AgentId, Break, ChannelId, Span, Staffing, TemplateId};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct File {
    time_zone: String,
    agents: Vec<JsonAgent>,
}

#[derive(Deserialize)]
struct JsonAgent {
    #[serde(default)]
    id: String,
    shifts: Vec<JsonShift>,
}

#[derive(Deserialize)]
struct JsonShift {
    date: String,
    template: String,
    start: String,
    end: String,
    paid_hours: f64,
    channels: Vec<String>,
    breaks: Vec<JsonBreak>,
}

#[derive(Deserialize)]
struct JsonBreak {
    name: String,
    start: String,
    end: String,
    paid: bool,
}

/// The agents' ids of `roster.json`, in file order, and every rostered shift as a span with its agent
/// (an index into the ids): an earlier roster to keep when re-rostering.
pub fn read_roster_agents(
    path: &Path,
    text: &str,
    model: &Model,
) -> Result<(Vec<String>, Staffing), Diagnostics> {
    let staffing = read_roster_json(path, text, model)?;
    let file: File = serde_json::from_str(text).map_err(|e| {
        Diagnostics(vec![Diagnostic {
            location: Location::file(path),
            message: format!("expected a roster.json written by vuoro ({e})"),
        }])
    })?;
    Ok((file.agents.into_iter().map(|a| a.id).collect(), staffing))
}

/// Every rostered shift of `roster.json` as a span with its agent; `path` only names the file in errors.
pub fn read_roster_json(path: &Path, text: &str, model: &Model) -> Result<Staffing, Diagnostics> {
    let fail = |message: String| {
        Diagnostics(vec![Diagnostic {
            location: Location::file(path),
            message,
        }])
    };
    let file: File = serde_json::from_str(text).map_err(|e| {
        fail(format!(
            "line {}, column {}: expected a roster.json written by vuoro ({})",
            e.line(),
            e.column(),
            e.classify_name()
        ))
    })?;
    if file.time_zone != model.time_zone.name() {
        return Err(fail(format!(
            "time_zone: expected the model's {}, found '{}' (a roster of another model?)",
            model.time_zone.name(),
            file.time_zone
        )));
    }
    let mut spans = Vec::new();
    for (a, agent) in file.agents.iter().enumerate() {
        for (s, shift) in agent.shifts.iter().enumerate() {
            let span = span_of(model, a, shift)
                .map_err(|e| fail(format!("agents[{a}].shifts[{s}]: {e}")))?;
            spans.push(span);
        }
    }
    Ok(Staffing::new(spans))
}

/// A shift as vuoro writes one: a length of up to 48 hours holding its paid hours, channels its template
/// works, breaks inside it and apart.
fn check_shift(
    model: &Model,
    template: TemplateId,
    shift: &JsonShift,
    (start, end): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>),
    channels: &[ChannelId],
    breaks: &[Break],
) -> Result<(), String> {
    let hours = (end - start).num_minutes() as f64 / 60.0;
    if !(hours > 0.0 && hours <= 48.0) {
        return Err(format!(
            "end: expected a time after start, at most 48 hours later, found '{}'",
            shift.end
        ));
    }
    if !(0.0..=hours.min(24.0)).contains(&shift.paid_hours) {
        return Err(format!(
            "paid_hours: expected 0 up to the shift's {hours} hours (at most 24), found {}",
            shift.paid_hours
        ));
    }
    let allowed = &model.shifts[template.0].channels;
    if channels.is_empty() || channels.iter().any(|c| !allowed.contains(&c.0)) {
        return Err(format!(
            "channels: expected channels of template '{}', found '{}'",
            shift.template,
            shift.channels.join(";")
        ));
    }
    let inside = breaks.iter().all(|b| b.start >= start && b.end() <= end);
    let apart = breaks.windows(2).all(|w| w[0].end() <= w[1].start);
    if !inside || !apart {
        return Err("breaks: expected breaks inside the shift that do not overlap".to_string());
    }
    Ok(())
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not valid JSON",
            serde_json::error::Category::Data => "a field is missing or of the wrong kind",
            serde_json::error::Category::Eof => "the file ends too early",
        }
    }
}

fn span_of(model: &Model, agent: usize, shift: &JsonShift) -> Result<Span, String> {
    let tz = model.time_zone;
    let instant = |field: &str, text: &str| {
        parse_instant(text, tz).map_err(|e| format!("{field}: {e}, found '{text}'"))
    };
    let template = model
        .shifts
        .iter()
        .position(|t| t.name == shift.template)
        .map(TemplateId)
        .ok_or_else(|| {
            format!(
                "template: expected one of the model's templates, found '{}'",
                shift.template
            )
        })?;
    let channels = shift
        .channels
        .iter()
        .map(|c| {
            model
                .channel_index(c)
                .map(ChannelId)
                .ok_or_else(|| format!("channels: expected channels of the model, found '{c}'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut breaks = Vec::new();
    for b in &shift.breaks {
        let (start, end) = (
            instant("breaks.start", &b.start)?,
            instant("breaks.end", &b.end)?,
        );
        let minutes = u32::try_from((end - start).num_minutes())
            .map_err(|_| format!("breaks: expected an end after the start, found '{}'", b.end))?;
        breaks.push(Break {
            start,
            minutes,
            paid: b.paid,
            name: b.name.clone(),
        });
    }
    breaks.sort();
    let (start, end) = (instant("start", &shift.start)?, instant("end", &shift.end)?);
    check_shift(model, template, shift, (start, end), &channels, &breaks)?;
    Ok(Span {
        agent: Some(AgentId(agent)),
        template,
        date: chrono::NaiveDate::parse_from_str(&shift.date, "%Y-%m-%d").map_err(|_| {
            format!(
                "date: expected a date such as 2026-11-23, found '{}'",
                shift.date
            )
        })?,
        start,
        end,
        breaks,
        channels,
        count: 1,
        paid_minutes: (shift.paid_hours * 60.0).round() as u32,
        cost: model.shifts[template.0].cost,
    })
}

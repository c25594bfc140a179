//! The plotters charts of the page: service level per interval against the target (predicted, and
//! simulated when available), and the requirement with the staffing and the volume.

use super::page::Section;
use super::ReportInput;
use crate::evaluate::Evaluation;
use crate::report::plot::{
    render, Chart, ImageFormat, Panel, PlotError, Scale, Series, Style, BLUE, GREEN, ORANGE,
};

const WIDTH: u32 = 1400;
const PANEL_HEIGHT: u32 = 240;

/// The chart frame over the evaluation's grid.
fn chart<'a>(input: &ReportInput<'_>, evaluation: &'a Evaluation, title: &'a str) -> Chart<'a> {
    Chart {
        title,
        starts: evaluation.grid.starts(),
        interval_minutes: evaluation.grid.interval_minutes(),
        tz: input.model.time_zone,
        width: WIDTH,
        panel_height: PANEL_HEIGHT,
    }
}

/// Inline SVG: the XML prolog dropped (if any), an id and class on the root element.
fn inline(svg: Vec<u8>, id: &str) -> String {
    let text = String::from_utf8_lossy(&svg).into_owned();
    let start = text.find("<svg").unwrap_or(0);
    let body = &text[start..];
    format!(
        "<svg id=\"{id}\" class=\"chart\" {}",
        body.strip_prefix("<svg ").unwrap_or(body)
    )
}

/// Service level per interval of each immediate channel.
pub(crate) fn service_level(
    input: &ReportInput<'_>,
    evaluation: &Evaluation,
) -> Result<Section, PlotError> {
    let mut panels = Vec::new();
    for (c, ch) in evaluation.channels.iter().enumerate() {
        if !ch.is_immediate() {
            continue;
        }
        let predicted: Vec<Option<f64>> = ch
            .intervals
            .iter()
            .map(|r| r.kpis.map(|k| k.service_level))
            .collect();
        let mut series = vec![Series {
            label: "predicted (formulas)".into(),
            values: predicted,
            style: Style::Line(BLUE, 2),
        }];
        if let Some(sim) = input.simulated.filter(|s| s.has_channel(c)) {
            series.push(Series {
                label: "simulated (mean)".into(),
                values: (0..ch.intervals.len())
                    .map(|t| sim.interval(c, t))
                    .collect(),
                style: Style::Line(GREEN, 2),
            });
        }
        if let Some(target) = ch.targets.service_level {
            series.push(Series {
                label: format!("target {:.0} %", 100.0 * target),
                values: ch
                    .intervals
                    .iter()
                    .map(|r| r.open.then_some(target))
                    .collect(),
                style: Style::Reference(ORANGE),
            });
        }
        panels.push((
            c,
            Panel {
                caption: format!(
                    "{} — service level in {:.0} s per interval",
                    ch.name, ch.targets.threshold_s
                ),
                open: ch.intervals.iter().map(|r| r.open).collect(),
                scale: Scale::Percent,
                series,
                volume: None,
            },
        ));
    }
    let mut body = String::new();
    if panels.is_empty() {
        body.push_str("<p class=\"muted\">No channel answers contacts immediately.</p>\n");
    } else {
        // One SVG per channel, so a printed page breaks between them.
        for (c, panel) in panels {
            let svg = render(&chart(input, evaluation, ""), &[panel], ImageFormat::Svg)?;
            body.push_str(&inline(svg, &format!("chart-service-level-{c}")));
        }
        body.push_str("<p class=\"muted\">Predicted: the evaluator's stationary formulas at the staffing on shift and off break. Simulated: the mean of the discrete-event replications (queues carry over between intervals). Grey: closed.</p>\n");
    }
    Ok(Section {
        id: "service-level",
        heading: "Service level per interval".into(),
        body,
    })
}

/// Per channel: agents required, agents scheduled (on shift, off break) and contacts offered.
pub(crate) fn requirement(
    input: &ReportInput<'_>,
    evaluation: &Evaluation,
) -> Result<Section, PlotError> {
    let panels: Vec<Panel> = evaluation
        .channels
        .iter()
        .map(|ch| Panel {
            caption: format!(
                "{} — agents required and scheduled, contacts offered",
                ch.name
            ),
            open: ch.intervals.iter().map(|r| r.open).collect(),
            scale: Scale::Agents,
            series: vec![
                Series {
                    label: "scheduled".into(),
                    values: ch.intervals.iter().map(|r| Some(r.scheduled)).collect(),
                    style: Style::Area(BLUE),
                },
                Series {
                    label: "required".into(),
                    values: ch.intervals.iter().map(|r| Some(r.required)).collect(),
                    style: Style::Line(ORANGE, 2),
                },
            ],
            volume: Some(ch.intervals.iter().map(|r| r.volume).collect()),
        })
        .collect();
    let mut body = String::new();
    for (c, panel) in panels.into_iter().enumerate() {
        let svg = render(&chart(input, evaluation, ""), &[panel], ImageFormat::Svg)?;
        body.push_str(&inline(svg, &format!("chart-requirement-{c}")));
    }
    body.push_str(&format!(
        "<p class=\"muted\">Per {}-minute interval. Scheduled: agents on shift, off break, working the channel (the evaluator's allocation). Required: agents needed on shift and off break. Contacts on the right-hand scale. Grey: closed.</p>\n",
        evaluation.grid.interval_minutes()
    ));
    Ok(Section {
        id: "requirement",
        heading: "Requirement, staffing and volume".into(),
        body,
    })
}

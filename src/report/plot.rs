//! Requirement charts: one panel per channel over the period — scheduled agents as a filled step area,
//! productive agents as a line, closed hours shaded, days marked. SVG or PNG, rendered in memory (the caller
//! writes the file), with the DejaVu Sans font embedded so PNG output needs no system fonts.

use crate::model::Model;
use crate::requirements::Requirements;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::sync::Once;

/// Output format of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Svg,
    Png,
}

impl ImageFormat {
    /// From a file name's extension (`.svg` or `.png`).
    pub fn from_path(path: &std::path::Path) -> Option<ImageFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(ImageFormat::Svg),
            "png" => Some(ImageFormat::Png),
            _ => None,
        }
    }
}

/// Drawing failed (a backend error; rare, but never a panic).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct PlotError(String);

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is valid; a failure would only mean text is skipped.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold());
    });
}

const WIDTH: u32 = 1600;
const PANEL_HEIGHT: u32 = 260;

/// One panel of a chart: a filled step series and a step line over the grid, closed intervals shaded.
struct Panel {
    caption: String,
    open: Vec<bool>,
    area: (&'static str, Vec<f64>),
    line: (&'static str, Vec<f64>),
}

/// What every chart shares: the grid and a title.
struct Frame<'a> {
    model: &'a Model,
    title: String,
    starts: &'a [chrono::DateTime<chrono::Utc>],
    interval_minutes: u32,
}

/// The requirements chart as SVG text or PNG bytes.
pub fn requirements_chart(
    model: &Model,
    req: &Requirements,
    format: ImageFormat,
) -> Result<Vec<u8>, PlotError> {
    let panels = model
        .channels
        .iter()
        .zip(&req.channels)
        .map(|(channel, ch)| Panel {
            caption: format!(
                "{} ({}) — scheduled agents (shrinkage {:.0} %) and productive agents needed",
                channel.name,
                channel.kind.name(),
                100.0 * channel.total_shrinkage().share()
            ),
            open: ch.intervals.iter().map(|r| r.open).collect(),
            area: (
                "scheduled",
                ch.intervals.iter().map(|r| r.scheduled as f64).collect(),
            ),
            line: (
                "productive needed",
                ch.intervals.iter().map(|r| r.productive as f64).collect(),
            ),
        })
        .collect();
    let frame = Frame {
        model,
        title: format!(
            "{} — agents required per {}-minute interval",
            model.name, req.interval_minutes
        ),
        starts: &req.starts,
        interval_minutes: req.interval_minutes,
    };
    render(&frame, panels, format)
}

/// The coverage chart of a shift plan: agents on shift and off break against the requirement.
///
/// `what` names the staffing in the captions, e.g. `weekly goal`.
pub fn coverage_chart(
    model: &Model,
    evaluation: &crate::evaluate::Evaluation,
    what: &str,
    format: ImageFormat,
) -> Result<Vec<u8>, PlotError> {
    let panels = evaluation
        .channels
        .iter()
        .map(|ch| Panel {
            caption: format!(
                "{} — agents on shift and off break vs the requirement ({what})",
                ch.name
            ),
            open: ch.intervals.iter().map(|r| r.open).collect(),
            area: (
                "scheduled",
                ch.intervals.iter().map(|r| r.scheduled).collect(),
            ),
            line: (
                "required",
                ch.intervals.iter().map(|r| r.required).collect(),
            ),
        })
        .collect();
    let grid = &evaluation.grid;
    let frame = Frame {
        model,
        title: format!(
            "{} — shift plan coverage per {}-minute interval",
            model.name,
            grid.interval_minutes()
        ),
        starts: grid.starts(),
        interval_minutes: grid.interval_minutes(),
    };
    render(&frame, panels, format)
}

fn render(
    frame: &Frame<'_>,
    panels: Vec<Panel>,
    format: ImageFormat,
) -> Result<Vec<u8>, PlotError> {
    register_fonts();
    let height = PANEL_HEIGHT * panels.len().max(1) as u32 + 40;
    match format {
        ImageFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
                draw(frame, &panels, &root)?;
                root.present().map_err(|e| PlotError(e.to_string()))?;
            }
            Ok(svg.into_bytes())
        }
        ImageFormat::Png => {
            let mut rgb = vec![0u8; (WIDTH * height * 3) as usize];
            {
                let root =
                    BitMapBackend::with_buffer(&mut rgb, (WIDTH, height)).into_drawing_area();
                draw(frame, &panels, &root)?;
                root.present().map_err(|e| PlotError(e.to_string()))?;
            }
            encode_png(&rgb, WIDTH, height)
        }
    }
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, PlotError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder
            .write_header()
            .map_err(|e| PlotError(e.to_string()))?;
        writer
            .write_image_data(rgb)
            .map_err(|e| PlotError(e.to_string()))?;
    }
    Ok(out)
}

/// A drawing error as the chart's own error type.
fn plot_error<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> PlotError {
    PlotError(e.to_string())
}

/// The time axis every panel shares: hours since the first interval start, in the model's zone.
struct TimeAxis {
    first: DateTime<Utc>,
    last: DateTime<Utc>,
    tz: chrono_tz::Tz,
    step_h: f64,
    span_h: f64,
}

impl TimeAxis {
    /// The axis of a frame; `None` when the frame has no intervals (nothing to draw).
    fn of(frame: &Frame<'_>) -> Option<TimeAxis> {
        let (first, last) = match (frame.starts.first(), frame.starts.last()) {
            (Some(f), Some(l)) => (*f, *l),
            _ => return None,
        };
        let step_h = f64::from(frame.interval_minutes) / 60.0;
        Some(TimeAxis {
            first,
            last,
            tz: frame.model.time_zone,
            step_h,
            span_h: (last - first).num_minutes() as f64 / 60.0 + step_h,
        })
    }

    /// The x position of an instant.
    fn hour_of(&self, t: DateTime<Utc>) -> f64 {
        (t - self.first).num_minutes() as f64 / 60.0
    }

    /// Local midnights inside the period (and the period's first day), for day separators and labels.
    fn midnights(&self, starts: &[DateTime<Utc>]) -> Vec<(f64, NaiveDate)> {
        let mut midnights = Vec::new();
        for t in starts {
            let local = t.with_timezone(&self.tz);
            if local.hour() == 0 && local.minute() == 0 {
                midnights.push((self.hour_of(*t), local.date_naive()));
            }
        }
        if midnights.first().is_none_or(|(h, _)| *h > 0.0) {
            midnights.insert(0, (0.0, self.first.with_timezone(&self.tz).date_naive()));
        }
        midnights
    }

    /// Corner points of a step series: each value held over its whole interval.
    fn steps(&self, starts: &[DateTime<Utc>], values: &[f64]) -> Vec<(f64, f64)> {
        let mut points = Vec::with_capacity(2 * values.len());
        for (t, v) in starts.iter().zip(values) {
            let x = self.hour_of(*t);
            points.push((x, *v));
            points.push((x + self.step_h, *v));
        }
        points
    }
}

/// The chart of one panel: hours since the period start against agents.
type PanelChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The title and every panel, drawn the same way on the SVG and the bitmap backend.
fn draw<DB: DrawingBackend>(
    frame: &Frame<'_>,
    panels: &[Panel],
    root: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(plot_error)?;
    let (title_area, body) = root.split_vertically(40);
    let Some(axis) = TimeAxis::of(frame) else {
        return Ok(());
    };
    draw_title(frame, &axis, &title_area)?;
    let areas = body.split_evenly((panels.len().max(1), 1));
    let midnights = axis.midnights(frame.starts);
    for (panel, area) in panels.iter().zip(areas.iter()) {
        draw_panel(frame, &axis, &midnights, panel, area)?;
    }
    Ok(())
}

/// The chart title with the period's first and last local day.
fn draw_title<DB: DrawingBackend>(
    frame: &Frame<'_>,
    axis: &TimeAxis,
    title_area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), PlotError> {
    title_area
        .titled(
            &format!(
                "{}, {} – {}",
                frame.title,
                axis.first.with_timezone(&axis.tz).format("%a %d.%m.%Y"),
                axis.last.with_timezone(&axis.tz).format("%a %d.%m.%Y")
            ),
            ("sans-serif", 22).into_font().style(FontStyle::Bold),
        )
        .map_err(plot_error)?;
    Ok(())
}

/// One panel: axes, closed hours, day marks, the two series and their legend.
fn draw_panel<DB: DrawingBackend>(
    frame: &Frame<'_>,
    axis: &TimeAxis,
    midnights: &[(f64, NaiveDate)],
    panel: &Panel,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    let peak = panel
        .area
        .1
        .iter()
        .chain(&panel.line.1)
        .copied()
        .fold(1.0, f64::max);
    let top = peak * 1.15;
    let mut chart = panel_chart(area, &panel.caption, axis.span_h, top)?;
    shade_closed(&mut chart, frame, axis, &panel.open, top)?;
    mark_days(&mut chart, midnights, peak, top)?;
    draw_series(&mut chart, frame, axis, panel)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 13))
        .draw()
        .map_err(plot_error)
}

/// The panel's caption, axes and light horizontal grid, up to `top` agents.
fn panel_chart<'a, DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    caption: &str,
    span_h: f64,
    top: f64,
) -> Result<PanelChart<'a, DB>, PlotError> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 17))
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(48)
        .build_cartesian_2d(0.0..span_h, 0.0..top)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc("agents")
        .y_labels(5)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .light_line_style(RGBColor(235, 235, 235))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(plot_error)?;
    Ok(chart)
}

/// Closed intervals shaded grey, so a zero there reads as "closed", not "no one needed".
fn shade_closed<DB: DrawingBackend>(
    chart: &mut PanelChart<'_, DB>,
    frame: &Frame<'_>,
    axis: &TimeAxis,
    open: &[bool],
    top: f64,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    let closed_style = RGBColor(236, 236, 236).filled();
    for (t, open) in frame.starts.iter().zip(open) {
        if !open {
            let x = axis.hour_of(*t);
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x, 0.0), (x + axis.step_h, top)],
                    closed_style,
                )))
                .map_err(plot_error)?;
        }
    }
    Ok(())
}

/// Day separators at local midnights, each labelled with its weekday and date.
fn mark_days<DB: DrawingBackend>(
    chart: &mut PanelChart<'_, DB>,
    midnights: &[(f64, NaiveDate)],
    peak: f64,
    top: f64,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    for (h, date) in midnights {
        chart
            .draw_series(LineSeries::new(
                [(*h, 0.0), (*h, top)],
                RGBColor(160, 160, 160).stroke_width(1),
            ))
            .map_err(plot_error)?;
        let label = format!("{} {}.{}.", date.weekday(), date.day(), date.month());
        chart
            .draw_series(std::iter::once(Text::new(
                label,
                (*h + 0.5, peak * 1.12),
                ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90)),
            )))
            .map_err(plot_error)?;
    }
    Ok(())
}

/// The panel's filled step area and step line, each with its legend entry.
fn draw_series<DB: DrawingBackend>(
    chart: &mut PanelChart<'_, DB>,
    frame: &Frame<'_>,
    axis: &TimeAxis,
    panel: &Panel,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    let blue = RGBColor(66, 133, 200);
    chart
        .draw_series(
            AreaSeries::new(axis.steps(frame.starts, &panel.area.1), 0.0, blue.mix(0.25))
                .border_style(blue.stroke_width(1)),
        )
        .map_err(plot_error)?
        .label(panel.area.0)
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 5), (x + 16, y + 5)], blue.mix(0.4).filled())
        });
    let dark = RGBColor(200, 80, 30);
    chart
        .draw_series(LineSeries::new(
            axis.steps(frame.starts, &panel.line.1),
            dark.stroke_width(2),
        ))
        .map_err(plot_error)?
        .label(panel.line.0)
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], dark.stroke_width(2)));
    Ok(())
}

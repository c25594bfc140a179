//! Charts over the planning period: one panel per channel, closed hours shaded, days marked, local hours
//! ticked on the time axis and the legend beside the plot (never over the last day). SVG or PNG,
//! rendered in memory (the caller writes the file), with the DejaVu Sans font embedded so PNG output
//! needs no system fonts. The HTML report draws its charts with the same frame ([`Chart`]).

use crate::model::Model;
use crate::requirements::Requirements;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
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

pub(crate) fn register_fonts() {
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
/// Width of the legend column right of each panel.
const LEGEND_WIDTH: u32 = 190;

pub(crate) const BLUE: RGBColor = RGBColor(66, 133, 200);
pub(crate) const ORANGE: RGBColor = RGBColor(200, 80, 30);
pub(crate) const GREEN: RGBColor = RGBColor(40, 150, 80);
pub(crate) const GREY: RGBColor = RGBColor(120, 120, 120);

/// How a series is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Style {
    /// Filled step area from zero.
    Area(RGBColor),
    /// Step line of this width.
    Line(RGBColor, u32),
    /// Horizontal reference (a target): a thin dashed-looking line.
    Reference(RGBColor),
}

/// One series of a panel: a value per interval, `None` where it has none (a gap in the line).
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub label: String,
    pub values: Vec<Option<f64>>,
    pub style: Style,
}

/// The vertical scale of a panel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scale {
    /// Whole agents (ticks at whole numbers).
    Agents,
    /// A share from 0 to 100 %.
    Percent,
}

/// One panel: series over the grid, closed intervals shaded, and optionally contacts on a right axis.
#[derive(Debug, Clone)]
pub(crate) struct Panel {
    pub caption: String,
    pub open: Vec<bool>,
    pub scale: Scale,
    pub series: Vec<Series>,
    /// Contacts offered per interval, drawn on a secondary axis.
    pub volume: Option<Vec<f64>>,
}

/// What every chart shares: the grid, the zone and a title.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Chart<'a> {
    pub title: &'a str,
    pub starts: &'a [DateTime<Utc>],
    pub interval_minutes: u32,
    pub tz: chrono_tz::Tz,
    pub width: u32,
    pub panel_height: u32,
}

/// The requirements chart as SVG text or PNG bytes.
pub fn requirements_chart(
    model: &Model,
    req: &Requirements,
    format: ImageFormat,
) -> Result<Vec<u8>, PlotError> {
    let panels: Vec<Panel> = model
        .channels
        .iter()
        .zip(&req.channels)
        .map(|(channel, ch)| Panel {
            caption: format!(
                "{} ({}) — scheduled agents (shrinkage {:.0} %) and productive agents needed",
                channel.name,
                channel.kind.name(),
                // `+ 0.0` turns the empty sum's −0 into 0.
                100.0 * channel.total_shrinkage().share() + 0.0
            ),
            open: ch.intervals.iter().map(|r| r.open).collect(),
            scale: Scale::Agents,
            series: vec![
                Series {
                    label: "scheduled".into(),
                    values: ch
                        .intervals
                        .iter()
                        .map(|r| Some(r.scheduled as f64))
                        .collect(),
                    style: Style::Area(BLUE),
                },
                Series {
                    label: "productive needed".into(),
                    values: ch
                        .intervals
                        .iter()
                        .map(|r| Some(r.productive as f64))
                        .collect(),
                    style: Style::Line(ORANGE, 2),
                },
            ],
            volume: None,
        })
        .collect();
    let title = format!(
        "{} — agents required per {}-minute interval",
        model.name, req.interval_minutes
    );
    let chart = Chart {
        title: &title,
        starts: &req.starts,
        interval_minutes: req.interval_minutes,
        tz: model.time_zone,
        width: WIDTH,
        panel_height: PANEL_HEIGHT,
    };
    render(&chart, &panels, format)
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
    let panels: Vec<Panel> = evaluation
        .channels
        .iter()
        .map(|ch| Panel {
            caption: format!(
                "{} — agents on shift and off break vs the requirement ({what})",
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
            volume: None,
        })
        .collect();
    let grid = &evaluation.grid;
    let title = format!(
        "{} — shift plan coverage per {}-minute interval",
        model.name,
        grid.interval_minutes()
    );
    let chart = Chart {
        title: &title,
        starts: grid.starts(),
        interval_minutes: grid.interval_minutes(),
        tz: model.time_zone,
        width: WIDTH,
        panel_height: PANEL_HEIGHT,
    };
    render(&chart, &panels, format)
}

/// Pixels above the panels: the title's, none without one.
fn title_height(chart: &Chart<'_>) -> u32 {
    if chart.title.is_empty() {
        0
    } else {
        40
    }
}

/// Draws the panels under the chart's title (an empty title takes no room).
pub(crate) fn render(
    chart: &Chart<'_>,
    panels: &[Panel],
    format: ImageFormat,
) -> Result<Vec<u8>, PlotError> {
    register_fonts();
    let (width, height) = (
        chart.width,
        chart.panel_height * panels.len().max(1) as u32 + title_height(chart),
    );
    match format {
        ImageFormat::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
                draw(chart, panels, &root)?;
                root.present().map_err(|e| PlotError(e.to_string()))?;
            }
            Ok(svg.into_bytes())
        }
        ImageFormat::Png => {
            let mut rgb = vec![0u8; (width * height * 3) as usize];
            {
                let root =
                    BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
                draw(chart, panels, &root)?;
                root.present().map_err(|e| PlotError(e.to_string()))?;
            }
            encode_png(&rgb, width, height)
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
    /// The axis of a chart; `None` when it has no intervals (nothing to draw).
    fn of(chart: &Chart<'_>) -> Option<TimeAxis> {
        let (first, last) = match (chart.starts.first(), chart.starts.last()) {
            (Some(f), Some(l)) => (*f, *l),
            _ => return None,
        };
        let step_h = f64::from(chart.interval_minutes) / 60.0;
        Some(TimeAxis {
            first,
            last,
            tz: chart.tz,
            step_h,
            span_h: (last - first).num_minutes() as f64 / 60.0 + step_h,
        })
    }

    /// The x position of an instant.
    fn hour_of(&self, t: DateTime<Utc>) -> f64 {
        (t - self.first).num_minutes() as f64 / 60.0
    }

    /// The local wall-clock time at an x position.
    fn local_at(&self, h: f64) -> chrono::DateTime<chrono_tz::Tz> {
        (self.first + Duration::minutes((h * 60.0).round() as i64)).with_timezone(&self.tz)
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

    /// Hour ticks: interval starts on a whole local hour that is a multiple of a step chosen so that a
    /// tick label fits (every hour over half a day, every 3 h over two days, 6 h over a week, then 12 h).
    fn hour_ticks(&self, starts: &[DateTime<Utc>]) -> Vec<f64> {
        let every = match self.span_h {
            s if s <= 14.0 => 1,
            s if s <= 50.0 => 3,
            s if s <= 8.0 * 24.0 => 6,
            _ => 12,
        };
        starts
            .iter()
            .map(|t| t.with_timezone(&self.tz))
            .filter(|l| l.minute() == 0 && l.hour() % every == 0)
            .map(|l| self.hour_of(l.with_timezone(&Utc)))
            .collect()
    }

    /// Corner points of a step series: each value held over its whole interval; one run per stretch
    /// without gaps.
    fn steps(&self, starts: &[DateTime<Utc>], values: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        for (t, v) in starts.iter().zip(values) {
            match v {
                Some(v) => {
                    let x = self.hour_of(*t);
                    current.push((x, *v));
                    current.push((x + self.step_h, *v));
                }
                None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
                None => {}
            }
        }
        if !current.is_empty() {
            runs.push(current);
        }
        runs
    }
}

/// Ticks of the vertical axis and the top of the plotted range (room above the top tick for the day
/// labels). Agents get whole steps of 1, 2 or 5 × 10ᵏ — never the 0, 0, 1, 2, 2 of rounded halves.
fn vertical(scale: Scale, peak: f64) -> (Vec<f64>, f64) {
    match scale {
        Scale::Percent => ((0..=5).map(|i| f64::from(i) * 0.2).collect(), 1.18),
        Scale::Agents => {
            let peak = peak.max(1.0);
            let mut step = 1.0;
            'search: for magnitude in [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6] {
                for unit in [1.0, 2.0, 5.0] {
                    step = unit * magnitude;
                    if peak / step <= 5.0 {
                        break 'search;
                    }
                }
            }
            let top_tick = (peak / step).ceil() * step;
            let n = (top_tick / step).round() as usize;
            ((0..=n).map(|i| i as f64 * step).collect(), top_tick * 1.15)
        }
    }
}

/// Ticks and top of the contacts axis.
fn contacts_axis(volume: &[f64]) -> (Vec<f64>, f64) {
    let peak = volume.iter().copied().fold(0.0, f64::max);
    vertical(Scale::Agents, peak)
}

/// A linear axis with ticks where we put them (plotters' own choice rounds to halves on short ranges).
struct Ticked {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ticked {
    fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked {
        Ticked {
            inner: range.into(),
            ticks,
        }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// The chart of one panel: hours since the period start against agents or a share.
type PanelChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Ticked, Ticked>>;

/// The title and every panel, drawn the same way on the SVG and the bitmap backend.
fn draw<DB: DrawingBackend>(
    chart: &Chart<'_>,
    panels: &[Panel],
    root: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(plot_error)?;
    let (title_area, body) = root.split_vertically(title_height(chart));
    let Some(axis) = TimeAxis::of(chart) else {
        return Ok(());
    };
    if !chart.title.is_empty() {
        draw_title(chart, &axis, &title_area)?;
    }
    let areas = body.split_evenly((panels.len().max(1), 1));
    let midnights = axis.midnights(chart.starts);
    for (panel, area) in panels.iter().zip(areas.iter()) {
        let width = area.dim_in_pixel().0;
        let (plot, legend) = area.split_horizontally(width.saturating_sub(LEGEND_WIDTH));
        draw_panel(chart, &axis, &midnights, panel, &plot)?;
        draw_legend(panel, &legend)?;
    }
    Ok(())
}

/// The chart title with the period's first and last local day.
fn draw_title<DB: DrawingBackend>(
    chart: &Chart<'_>,
    axis: &TimeAxis,
    title_area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), PlotError> {
    title_area
        .titled(
            &format!(
                "{}, {} – {}",
                chart.title,
                axis.first.with_timezone(&axis.tz).format("%a %d.%m.%Y"),
                axis.last.with_timezone(&axis.tz).format("%a %d.%m.%Y")
            ),
            ("sans-serif", 22).into_font().style(FontStyle::Bold),
        )
        .map_err(plot_error)?;
    Ok(())
}

/// One panel: axes, closed hours, day marks and the series.
fn draw_panel<DB: DrawingBackend>(
    chart: &Chart<'_>,
    axis: &TimeAxis,
    midnights: &[(f64, NaiveDate)],
    panel: &Panel,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    let peak = panel
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .fold(0.0, f64::max);
    let (ticks, top) = vertical(panel.scale, peak);
    let label_y = ticks.last().copied().unwrap_or(1.0) + (top - ticks.last().unwrap_or(&1.0)) / 3.0;
    let mut plot = panel_chart(chart, area, axis, panel, ticks, top)?;
    // The primary mesh is drawn after the secondary axis takes the right-hand label area.
    let background = |plot: &mut PanelChart<'_, DB>| -> Result<(), PlotError> {
        draw_mesh(plot, axis, panel.scale)?;
        shade_closed(plot, chart, axis, &panel.open, top)?;
        mark_days(plot, midnights, label_y, top)
    };
    match &panel.volume {
        Some(volume) => {
            // Contacts on their own right-hand scale, drawn under the agent series.
            let (v_ticks, v_top) = contacts_axis(volume);
            let mut dual = plot.set_secondary_coord(
                Ticked::new(0.0..axis.span_h, Vec::new()),
                Ticked::new(0.0..v_top, v_ticks),
            );
            background(&mut dual)?;
            dual.configure_secondary_axes()
                .y_desc("contacts")
                .y_label_formatter(&|y| format!("{y:.0}"))
                .label_style(("sans-serif", 13).into_font().color(&GREY))
                .draw()
                .map_err(plot_error)?;
            let values: Vec<Option<f64>> = volume.iter().map(|v| Some(*v)).collect();
            for run in axis.steps(chart.starts, &values) {
                dual.draw_secondary_series(LineSeries::new(run, GREY.mix(0.7).stroke_width(1)))
                    .map_err(plot_error)?;
            }
            for series in &panel.series {
                draw_series(&mut dual, chart, axis, series)?;
            }
        }
        None => {
            background(&mut plot)?;
            for series in &panel.series {
                draw_series(&mut plot, chart, axis, series)?;
            }
        }
    }
    Ok(())
}

/// The panel's caption and coordinates (the mesh is [`draw_mesh`]).
fn panel_chart<'a, DB: DrawingBackend>(
    chart: &Chart<'_>,
    area: &'a DrawingArea<DB, plotters::coord::Shift>,
    axis: &TimeAxis,
    panel: &Panel,
    ticks: Vec<f64>,
    top: f64,
) -> Result<PanelChart<'a, DB>, PlotError> {
    let x_ticks = axis.hour_ticks(chart.starts);
    let plot = ChartBuilder::on(area)
        .caption(&panel.caption, ("sans-serif", 17))
        .margin(8)
        .x_label_area_size(26)
        .y_label_area_size(52)
        .right_y_label_area_size(if panel.volume.is_some() { 52 } else { 0 })
        .build_cartesian_2d(
            Ticked::new(0.0..axis.span_h, x_ticks),
            Ticked::new(0.0..top, ticks),
        )
        .map_err(plot_error)?;
    Ok(plot)
}

/// Local hours below, agents or shares on the left, a light horizontal grid.
fn draw_mesh<DB: DrawingBackend>(
    plot: &mut PanelChart<'_, DB>,
    axis: &TimeAxis,
    scale: Scale,
) -> Result<(), PlotError> {
    let percent = scale == Scale::Percent;
    let hour_label = |h: &f64| axis.local_at(*h).format("%H").to_string();
    let value_label = move |y: &f64| {
        if percent {
            format!("{:.0} %", 100.0 * y)
        } else {
            format!("{y:.0}")
        }
    };
    plot.configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&hour_label)
        .y_desc(if percent { "service level" } else { "agents" })
        .y_label_formatter(&value_label)
        .bold_line_style(RGBColor(228, 228, 228))
        .label_style(("sans-serif", 13))
        .draw()
        .map_err(plot_error)
}

/// Closed intervals shaded grey, so a zero there reads as "closed", not "no one needed".
fn shade_closed<DB: DrawingBackend>(
    plot: &mut PanelChart<'_, DB>,
    chart: &Chart<'_>,
    axis: &TimeAxis,
    open: &[bool],
    top: f64,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    let closed_style = RGBColor(238, 238, 238).filled();
    // Adjacent closed intervals as one rectangle: fewer elements, same picture.
    let mut from: Option<f64> = None;
    let mut rects = Vec::new();
    for (t, open) in chart.starts.iter().zip(open) {
        let x = axis.hour_of(*t);
        match (open, from) {
            (false, None) => from = Some(x),
            (true, Some(f)) => {
                rects.push((f, x));
                from = None;
            }
            _ => {}
        }
    }
    if let Some(f) = from {
        rects.push((f, axis.span_h));
    }
    plot.draw_series(
        rects
            .into_iter()
            .map(|(a, b)| Rectangle::new([(a, 0.0), (b, top)], closed_style)),
    )
    .map_err(plot_error)?;
    Ok(())
}

/// Day separators at local midnights, each labelled with its weekday and date.
fn mark_days<DB: DrawingBackend>(
    plot: &mut PanelChart<'_, DB>,
    midnights: &[(f64, NaiveDate)],
    label_y: f64,
    top: f64,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    for (h, date) in midnights {
        plot.draw_series(LineSeries::new(
            [(*h, 0.0), (*h, top)],
            RGBColor(160, 160, 160).stroke_width(1),
        ))
        .map_err(plot_error)?;
        let label = format!("{} {}.{}.", date.weekday(), date.day(), date.month());
        plot.draw_series(std::iter::once(Text::new(
            label,
            (*h + 0.3, label_y),
            ("sans-serif", 13).into_font().color(&RGBColor(90, 90, 90)),
        )))
        .map_err(plot_error)?;
    }
    Ok(())
}

/// One series as a filled step area, a step line or a reference line.
fn draw_series<DB: DrawingBackend>(
    plot: &mut PanelChart<'_, DB>,
    chart: &Chart<'_>,
    axis: &TimeAxis,
    series: &Series,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    for run in axis.steps(chart.starts, &series.values) {
        match series.style {
            Style::Area(colour) => plot
                .draw_series(
                    AreaSeries::new(run, 0.0, colour.mix(0.25))
                        .border_style(colour.stroke_width(1)),
                )
                .map(|_| ()),
            Style::Line(colour, width) => plot
                .draw_series(LineSeries::new(run, colour.stroke_width(width)))
                .map(|_| ()),
            Style::Reference(colour) => plot
                .draw_series(LineSeries::new(run, colour.mix(0.7).stroke_width(1)))
                .map(|_| ()),
        }
        .map_err(plot_error)?;
    }
    Ok(())
}

/// The legend in its own column right of the plot: a swatch and a label per series.
fn draw_legend<DB: DrawingBackend>(
    panel: &Panel,
    area: &DrawingArea<DB, plotters::coord::Shift>,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    let font = ("sans-serif", 13).into_font();
    let mut entries: Vec<(String, Style)> = panel
        .series
        .iter()
        .map(|s| (s.label.clone(), s.style))
        .collect();
    if panel.volume.is_some() {
        entries.push(("contacts (right scale)".into(), Style::Line(GREY, 1)));
    }
    for (i, (label, style)) in entries.iter().enumerate() {
        let y = 44 + 22 * i as i32;
        match *style {
            Style::Area(c) => area.draw(&Rectangle::new(
                [(6, y - 5), (26, y + 5)],
                c.mix(0.4).filled(),
            )),
            Style::Line(c, w) => area.draw(&PathElement::new(
                [(6, y), (26, y)],
                c.stroke_width(w.max(1)),
            )),
            Style::Reference(c) => area.draw(&PathElement::new(
                [(6, y), (26, y)],
                c.mix(0.7).stroke_width(1),
            )),
        }
        .map_err(plot_error)?;
        area.draw(&Text::new(label.clone(), (32, y - 7), font.clone()))
            .map_err(plot_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn agent_ticks_are_whole_distinct_numbers() {
        // The email panel of models/small.toml peaks at 2 agents: ticks 0, 1, 2 — not 0, 0, 1, 2, 2.
        let (ticks, top) = vertical(Scale::Agents, 2.0);
        assert_eq!(ticks, vec![0.0, 1.0, 2.0]);
        assert!(top > 2.0);
        for peak in [0.0, 0.4, 2.3, 4.6, 7.0, 13.0, 58.0, 420.0, 12_345.0] {
            let (ticks, top) = vertical(Scale::Agents, peak);
            let labels: Vec<String> = ticks.iter().map(|y| format!("{y:.0}")).collect();
            let mut distinct = labels.clone();
            distinct.dedup();
            assert_eq!(labels, distinct, "peak {peak}");
            assert!(
                ticks.iter().all(|t| t.fract() == 0.0),
                "peak {peak}: {ticks:?}"
            );
            assert!((2..=7).contains(&ticks.len()), "peak {peak}: {ticks:?}");
            assert!(
                ticks.last().is_some_and(|t| *t >= peak) && top > peak,
                "peak {peak}"
            );
        }
    }

    #[test]
    fn hour_ticks_fall_on_local_hours_across_a_clock_change() {
        // 2026-10-25 in Helsinki: 03:00 EEST becomes 03:00 EET — the day has 25 hours.
        let tz = chrono_tz::Europe::Helsinki;
        let first = tz
            .with_ymd_and_hms(2026, 10, 25, 0, 0, 0)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let starts: Vec<DateTime<Utc>> = (0..25 * 4)
            .map(|i| first + Duration::minutes(15 * i))
            .collect();
        let chart = Chart {
            title: "",
            starts: &starts,
            interval_minutes: 15,
            tz,
            width: WIDTH,
            panel_height: PANEL_HEIGHT,
        };
        let axis = TimeAxis::of(&chart).expect("axis");
        let labels: Vec<String> = axis
            .hour_ticks(&starts)
            .iter()
            .map(|h| axis.local_at(*h).format("%H").to_string())
            .collect();
        // Every 3 h over a day; the repeated 03:00 is ticked twice, nothing is shifted by the change.
        assert_eq!(
            labels,
            ["00", "03", "03", "06", "09", "12", "15", "18", "21"]
        );
    }
}

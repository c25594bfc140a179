//! Under/over staffing as a heat map: a column per local day, a row per interval of the day (local wall
//! clock), each cell coloured by agents scheduled minus required. On the 25-hour day of a daylight-saving
//! change the repeated hour shares its rows and the worse interval is shown; the 23-hour day leaves its
//! missing hour blank.

use super::escape;
use super::page::Section;
use crate::evaluate::{ChannelEvaluation, Evaluation};
use chrono::{Datelike, NaiveDate, Timelike};
use std::fmt::Write as _;

const LABEL_W: usize = 48;
const HEAD_H: usize = 22;

/// One cell: scheduled − required, and the two figures for its tooltip.
#[derive(Clone, Copy)]
struct Cell {
    t: usize,
    diff: f64,
}

pub(crate) fn section(evaluation: &Evaluation) -> Section {
    let mut body = String::new();
    for (c, ch) in evaluation.channels.iter().enumerate() {
        body.push_str(&channel_map(evaluation, c, ch));
    }
    Section {
        id: "heatmap",
        heading: "Under and over staffing".into(),
        body,
    }
}

/// Colour class of a difference in agents, in steps of `unit` agents.
fn bucket(diff: f64, unit: f64) -> &'static str {
    let d = diff / unit;
    match d {
        d if d <= -3.0 => "u3",
        d if d <= -1.5 => "u2",
        d if d <= -0.5 => "u1",
        d if d < 0.5 => "ok",
        d if d < 1.5 => "o1",
        d if d < 3.0 => "o2",
        _ => "o3",
    }
}

/// The agents one colour step stands for: 1, or a twentieth of the channel's peak requirement on a
/// large channel (so a ten-agent surplus on four hundred does not look like a crisis).
fn unit_of(ch: &ChannelEvaluation) -> f64 {
    let peak = ch.intervals.iter().map(|r| r.required).fold(0.0, f64::max);
    (peak / 20.0).round().max(1.0)
}

fn channel_map(evaluation: &Evaluation, c: usize, ch: &ChannelEvaluation) -> String {
    let grid = &evaluation.grid;
    let tz = grid.time_zone();
    let minutes = grid.interval_minutes().max(1) as usize;
    let slots_per_day = (24 * 60usize).div_ceil(minutes);
    let dates: Vec<NaiveDate> = grid.dates();
    let mut cells: Vec<Vec<Option<Cell>>> = vec![vec![None; slots_per_day]; dates.len()];
    let mut open_slots: Vec<usize> = Vec::new();
    for (t, r) in ch.intervals.iter().enumerate() {
        if !r.open {
            continue;
        }
        let local = grid.starts()[t].with_timezone(&tz);
        let slot = ((local.hour() * 60 + local.minute()) as usize / minutes).min(slots_per_day - 1);
        let Some(d) = dates.iter().position(|x| *x == local.date_naive()) else {
            continue;
        };
        let diff = r.scheduled - r.required;
        let cell = &mut cells[d][slot];
        if cell.is_none_or(|old| diff < old.diff) {
            *cell = Some(Cell { t, diff });
        }
        open_slots.push(slot);
    }
    let mut out = format!("<h3>{}</h3>\n", escape(&ch.name));
    let (Some(&first), Some(&last)) = (open_slots.iter().min(), open_slots.iter().max()) else {
        out.push_str("<p class=\"muted\">Closed throughout the period.</p>\n");
        return out;
    };
    let rows = last - first + 1;
    let cw = (1000 / dates.len().max(1)).clamp(12, 150);
    let rh = (420 / rows).clamp(4, 16);
    let width = LABEL_W + cw * dates.len() + 2;
    let height = HEAD_H + rh * rows + 2;
    let unit = unit_of(ch);
    let _ = writeln!(
        out,
        "<svg id=\"heatmap-{c}\" class=\"heatmap\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"11\">"
    );
    for (d, date) in dates.iter().enumerate() {
        let x = LABEL_W + d * cw + cw / 2;
        let label = if cw >= 40 {
            format!("{} {}.{}.", date.weekday(), date.day(), date.month())
        } else {
            format!("{}", date.day())
        };
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"15\" text-anchor=\"middle\">{label}</text>"
        );
    }
    // Hour labels on whole hours, thinned so they never overlap.
    let every_h = (16 / rh.max(1)).div_ceil(60 / minutes.min(60)).max(1);
    for row in 0..rows {
        let m = (first + row) * minutes;
        if m % 60 == 0 && (m / 60) % every_h == 0 {
            let y = HEAD_H + row * rh + rh.min(11);
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{y}\" text-anchor=\"end\">{:02}:00</text>",
                LABEL_W - 4,
                m / 60
            );
        }
    }
    let step = chrono::Duration::minutes(minutes as i64);
    for (d, column) in cells.iter().enumerate() {
        for (row, cell) in column[first..=last].iter().enumerate() {
            let (x, y) = (LABEL_W + d * cw, HEAD_H + row * rh);
            match cell {
                None => {
                    let _ = writeln!(
                        out,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"{cw}\" height=\"{rh}\" class=\"hc\"/>"
                    );
                }
                Some(cell) => {
                    let r = &ch.intervals[cell.t];
                    let start = grid.starts()[cell.t].with_timezone(&tz);
                    let what = if cell.diff <= -0.05 {
                        format!("{:.1} short", -cell.diff)
                    } else if cell.diff >= 0.05 {
                        format!("{:.1} over", cell.diff)
                    } else {
                        "covered".to_string()
                    };
                    let _ = writeln!(
                        out,
                        "<rect x=\"{x}\" y=\"{y}\" width=\"{cw}\" height=\"{rh}\" class=\"h{}\"><title>{} {}–{}: required {:.1}, scheduled {:.1} ({what})</title></rect>",
                        bucket(cell.diff, unit),
                        start.format("%a %d.%m."),
                        start.format("%H:%M"),
                        (start + step).format("%H:%M"),
                        r.required,
                        r.scheduled
                    );
                }
            }
        }
    }
    out.push_str("</svg>\n");
    let _ = writeln!(
        out,
        "<p class=\"legend\"><span><i class=\"hu3\"></i>≥ {a} short</span><span><i class=\"hu2\"></i>{b}–{a} short</span><span><i class=\"hu1\"></i>{h}–{b} short</span><span><i class=\"hok\"></i>within {h}</span><span><i class=\"ho1\"></i>{h}–{b} over</span><span><i class=\"ho2\"></i>{b}–{a} over</span><span><i class=\"ho3\"></i>≥ {a} over</span><span><i class=\"hc\"></i>closed</span> <span class=\"muted\">(agents on shift and off break minus the requirement)</span></p>",
        h = trim(0.5 * unit),
        b = trim(1.5 * unit),
        a = trim(3.0 * unit),
    );
    out
}

/// `0.5`, `1.5`, `3`, `30`: no trailing `.0`.
fn trim(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_symmetric_around_covered() {
        assert_eq!(bucket(0.0, 1.0), "ok");
        assert_eq!(bucket(-0.49, 1.0), "ok");
        assert_eq!(bucket(-0.5, 1.0), "u1");
        assert_eq!(bucket(0.5, 1.0), "o1");
        assert_eq!(bucket(-3.0, 1.0), "u3");
        assert_eq!(bucket(3.0, 1.0), "o3");
        assert_eq!(bucket(-3.0, 2.0), "u2");
        assert_eq!(trim(1.5), "1.5");
        assert_eq!(trim(3.0), "3");
    }
}

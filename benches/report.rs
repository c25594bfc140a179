//! `cargo bench --bench report`: the size and render time of `report.html` for 1 000 named agents over
//! four weeks.
//!
//! The shipped week's forecast is repeated for four ISO weeks (48–51), the shipped week's shift plan is
//! scheduled once, scaled to about 1 000 agents' worth of shifts and repeated for each week, and the
//! agent-shifts are dealt to 1 000 generated agents in turn (a synthetic roster: the page's size depends on
//! the shifts, breaks and names, not on how well the rules are kept). Prints the page's size by section
//! and the median render time; the goal (a page of a few megabytes that a browser opens) is read off,
//! not asserted. `VUORO_REPORT_OUT=big.html` keeps the page.

use chrono::{Duration, NaiveDateTime};
use std::path::Path;
use std::time::Instant;
use vuoro::agents::read_agents;
use vuoro::evaluate::evaluate;
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::report::html::{report_html, ReportInput};
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::roster::{Roster, SearchReport};
use vuoro::schedule::{schedule, Goal, SolverChoice};
use vuoro::staffing::{AgentId, Break, Span, Staffing};

const AGENTS: usize = 1000;
const WEEKS: i64 = 4;

/// The shipped forecast repeated for `WEEKS` weeks.
fn four_weeks(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let col = header.split(',').position(|h| h == "start").unwrap_or(1);
    let rows: Vec<&str> = lines.collect();
    let mut out = format!("{header}\n");
    for week in 0..WEEKS {
        for row in &rows {
            let mut cells: Vec<String> = row.split(',').map(str::to_string).collect();
            if let Ok(t) = NaiveDateTime::parse_from_str(&cells[col], "%Y-%m-%dT%H:%M") {
                cells[col] = (t + Duration::days(7 * week))
                    .format("%Y-%m-%dT%H:%M")
                    .to_string();
            }
            out.push_str(&cells.join(","));
            out.push('\n');
        }
    }
    out
}

fn shifted(span: &Span, days: i64, agent: usize) -> Span {
    let d = Duration::days(days);
    Span {
        agent: Some(AgentId(agent)),
        date: span.date + d,
        start: span.start + d,
        end: span.end + d,
        breaks: span
            .breaks
            .iter()
            .map(|b| Break {
                start: b.start + d,
                ..b.clone()
            })
            .collect(),
        count: 1,
        ..span.clone()
    }
}

fn main() {
    let path = Path::new("models/helsinki-multichannel.toml");
    let model =
        Model::from_toml(path, &std::fs::read_to_string(path).expect("model")).expect("valid");
    let week = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("forecast");
    let one = read_forecast(Path::new("f.csv"), &week, &model, Period::default()).expect("valid");
    let plan = schedule(
        &model,
        &Demand::from_requirements(&model, &compute(&model, &one.forecast).expect("req")),
        Goal::Interval,
        &SolverChoice::default(),
        &mut |_| {},
    )
    .expect("plan");
    let text = four_weeks(&week);
    let read = read_forecast(Path::new("f4.csv"), &text, &model, Period::default()).expect("valid");
    let demand = Demand::from_requirements(&model, &compute(&model, &read.forecast).expect("req"));
    // Scale the week's plan to about AGENTS × 4.5 shifts a week.
    let per_week = plan.staffing.shift_count().max(1) as f64;
    let scale = (AGENTS as f64 * 4.5 / per_week).ceil() as u32;
    let mut spans = Vec::new();
    let mut next = 0usize;
    for w in 0..WEEKS {
        for s in plan.spans() {
            for _ in 0..s.count * scale {
                spans.push(shifted(s, 7 * w, next % AGENTS));
                next += 1;
            }
        }
    }
    spans.sort_by_key(|s| (s.agent, s.start));
    let mut csv = String::from("id,name,team,skills,contract_hours\n");
    for i in 0..AGENTS {
        let (team, skills) = match i % 10 {
            0..=5 => ("Phone", "voice"),
            6..=8 => ("Digital", "chat;email;social"),
            _ => ("Blended", "voice;chat;email;social"),
        };
        csv.push_str(&format!(
            "A{i:04},Agent Firstname-Lastname {i},{team} {},{skills},37.5\n",
            i % 40
        ));
    }
    let agents = read_agents(Path::new("agents.csv"), &csv, &model).expect("agents");
    let roster = Roster {
        agents,
        staffing: Staffing::new(spans),
        open: Vec::new(),
        violations: Vec::new(),
        search: SearchReport::default(),
    };
    let evaluation = evaluate(&model, &demand, &roster.staffing);
    let input = ReportInput {
        model: &model,
        source: "bench",
        evaluation: Some(&evaluation),
        staffing: &roster.staffing,
        roster: Some(&roster),
        simulated: None,
        files: &[],
    };
    let mut times = Vec::new();
    let mut html = String::new();
    for _ in 0..3 {
        let start = Instant::now();
        html = report_html(&input).expect("renders");
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "report.html, {AGENTS} agents × {WEEKS} weeks ({} agent-shifts, {} intervals × {} channels): {:.1} MB, median render {:.2} s",
        roster.staffing.shift_count(),
        evaluation.grid.len(),
        model.channels.len(),
        html.len() as f64 / 1e6,
        times[times.len() / 2]
    );
    // `VUORO_REPORT_OUT=path` keeps the page, to open it in a browser.
    if let Some(path) = std::env::var_os("VUORO_REPORT_OUT") {
        std::fs::write(&path, &html).expect("write the page");
    }
    let mut sections: Vec<(&str, usize)> = Vec::new();
    for part in html.split("<section id=\"").skip(1) {
        let id = part.split('"').next().unwrap_or("");
        sections.push((id, part.len()));
    }
    for (id, len) in sections {
        println!("  {id:<16} {:>8.1} kB", len as f64 / 1e3);
    }
}

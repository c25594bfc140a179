//! `report.html`: its structure (sections, one SVG per chart, escaped names), its figures against an
//! independent evaluation of the roster the same folder holds, `vuoro report DIR` rebuilding the same page
//! from the files, a simulation in the folder, and a golden copy of a small plan's page.

use std::path::{Path, PathBuf};
use std::process::Command;
use vuoro::evaluate::{evaluate, Evaluation, Missed, Scope};
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::roster::roster_file::read_roster_json;

/// The small test centre's two channels with shift templates; voice has an abandonment cap and an ASA
/// limit so the page has every kind of target to judge.
const MODEL: &str = r#"name = "Small <test> & centre"
[planning]
time_zone = "Europe/Helsinki"
interval = "60m"

[[channel]]
name = "voice"
kind = "immediate"
aht = "3m"
patience = "2m"
shrinkage = "30%"
target = { service_level = "80%", threshold = "20s", max_abandon = "5%", max_asa = "30s" }
hours = { weekdays = "08:00-16:00" }

[[channel]]
name = "email"
kind = "deferred"
aht = "6m"
target = { response_window = "2h" }
hours = { weekdays = "08:00-16:00" }

[[shift]]
name = "day 8h"
length = "8h"
start = "08:00-08:00"
channels = ["voice", "email"]
breaks = [{ name = "lunch", length = "30m", paid = false, window = "3h-5h" }]

[[shift]]
name = "short 4h"
length = "4h"
start = "08:00-12:00"
start_step = "1h"
channels = ["voice"]
"#;

/// Too few voice agents for the day (open shifts), names and teams that need escaping.
const AGENTS: &str = "id,name,team,skills,contract_hours,min_hours,max_hours,max_days\n\
A1,\"<i>Ann</i> & \"\"Bo\"\"\",R&D <2>,voice;email,37.5,0,40,5\n\
A2,Cecilia O'Neil,R&D <2>,voice,37.5,0,40,5\n\
A3,Daniel,Phone,voice,20,0,40,5\n";

struct Folder {
    _temp: tempfile::TempDir,
    model: PathBuf,
    agents: PathBuf,
    out: PathBuf,
}

fn vuoro() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vuoro"))
}

/// `vuoro plan` on the small model into a fresh folder.
fn plan() -> Folder {
    let temp = tempfile::tempdir().expect("temp");
    let model = temp.path().join("m.toml");
    let agents = temp.path().join("agents.csv");
    std::fs::write(&model, MODEL).expect("model");
    std::fs::write(&agents, AGENTS).expect("agents");
    let out = temp.path().join("plan");
    let run = vuoro()
        .args(["plan", "--model"])
        .arg(&model)
        .args(["--forecast", "forecasts/small-day.csv", "--agents"])
        .arg(&agents)
        .args(["--time-limit", "60", "--out"])
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("optimal"),
        "the small plan must solve to optimality"
    );
    Folder {
        _temp: temp,
        model,
        agents,
        out,
    }
}

/// The roster in the folder, evaluated by the library (not through the page).
fn evaluation_of(folder: &Folder) -> (Model, Evaluation) {
    let model = Model::from_toml(&folder.model, MODEL).expect("model");
    let path = Path::new("forecasts/small-day.csv");
    let text = std::fs::read_to_string(path).expect("forecast");
    let read = read_forecast(path, &text, &model, Period::default()).expect("forecast");
    let demand = Demand::from_requirements(&model, &compute(&model, &read.forecast).expect("req"));
    let roster = folder.out.join("roster.json");
    let staffing = read_roster_json(
        &roster,
        &std::fs::read_to_string(&roster).expect("roster.json"),
        &model,
    )
    .expect("roster");
    let evaluation = evaluate(&model, &demand, &staffing);
    (model, evaluation)
}

/// `data-value` of a headline figure.
fn figure(html: &str, channel: Option<usize>, name: &str) -> Option<f64> {
    let key = match channel {
        Some(c) => format!("data-channel=\"{c}\" data-figure=\"{name}\" data-value=\""),
        None => format!("data-figure=\"{name}\" data-value=\""),
    };
    let at = html.find(&key)? + key.len();
    let end = html[at..].find('"')? + at;
    html[at..end].parse().ok()
}

/// The text of the section with this id.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("section {id} missing"));
    let end = html[start..].find("</section>").expect("closed") + start;
    &html[start..end]
}

#[test]
fn the_page_has_every_section_one_svg_per_chart_and_escaped_names() {
    let folder = plan();
    let html = std::fs::read_to_string(folder.out.join("report.html")).expect("report.html");
    for id in [
        "headline",
        "days",
        "heatmap",
        "service-level",
        "requirement",
        "timeline",
        "contract-hours",
        "rules",
    ] {
        assert_eq!(
            html.matches(&format!("<section id=\"{id}\"")).count(),
            1,
            "{id}"
        );
        assert!(
            html.contains(&format!("<a href=\"#{id}\">")),
            "contents link {id}"
        );
    }
    // One SVG per chart: service level per immediate channel (voice), requirement and heat map per
    // channel, the week's timeline per team (the plan fits the three agents: no open shifts).
    assert_eq!(html.matches("<svg").count(), 7);
    for id in [
        "chart-service-level-0",
        "chart-requirement-0",
        "chart-requirement-1",
        "heatmap-0",
        "heatmap-1",
        "timeline-2026-48-0-0",
        "timeline-2026-48-1-0",
    ] {
        assert_eq!(
            html.matches(&format!("<svg id=\"{id}\"")).count(),
            1,
            "{id}"
        );
    }
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
    // The folder's other files are linked, relative to the page; the calendars as their folder.
    for file in [
        "coverage.csv",
        "roster.xlsx",
        "roster.json",
        "shifts.csv",
        "ics/",
    ] {
        assert!(html.contains(&format!("<a href=\"{file}\">")), "{file}");
        assert!(folder.out.join(file).exists(), "{file}");
    }
    assert!(!html.contains("<a href=\"report.html\">"));
    // Self-contained: nothing fetched, no script needed.
    for banned in ["<script", "http://", "https://", "<link", "<img", "@import"] {
        let outside_svg_ns = html.replace("http://www.w3.org/2000/svg", "");
        assert!(!outside_svg_ns.contains(banned), "{banned}");
    }
    // Every user string escaped: the agent, team and model names never appear raw.
    for raw in ["<i>Ann</i>", "\"Bo\"", "R&D <2>", "<test>", "O'Neil"] {
        assert!(!html.contains(raw), "raw {raw}");
    }
    assert!(html.contains("&lt;i&gt;Ann&lt;/i&gt; &amp; &quot;Bo&quot;"));
    assert!(html.contains("R&amp;D &lt;2&gt;"));
    assert!(html.contains("Cecilia O&#39;Neil"));
    assert!(html.contains("<title>Small &lt;test&gt; &amp; centre · vuoro report</title>"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
}

#[test]
fn headline_and_day_flags_are_the_evaluators() {
    let folder = plan();
    let html = std::fs::read_to_string(folder.out.join("report.html")).expect("report.html");
    let (_, ev) = evaluation_of(&folder);
    let voice = &ev.channels[0];
    let pairs = [
        ("service_level", voice.period.service_level()),
        ("asa_s", voice.period.asa_s()),
        ("p_abandon", voice.period.p_abandon()),
        ("occupancy", voice.period.occupancy()),
        ("volume", Some(voice.period.volume)),
        ("required_h", Some(voice.period.required_h)),
        ("scheduled_h", Some(voice.period.scheduled_h)),
    ];
    for (name, want) in pairs {
        let got = figure(&html, Some(0), name);
        let (Some(got), Some(want)) = (got, want) else {
            panic!("{name}: page {got:?}, evaluator {want:?}");
        };
        // Printed with Rust's shortest round-trip form: equal up to the re-read of roster.json.
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{name}: {got} vs {want}"
        );
    }
    let email = &ev.channels[1];
    assert!(
        figure(&html, Some(1), "service_level").is_none(),
        "deferred: no SL"
    );
    assert_eq!(figure(&html, Some(1), "volume"), Some(email.period.volume));
    // Occupancy over the period, recomputed here: busy over productive agent-time.
    let (busy, productive) = voice
        .intervals
        .iter()
        .filter_map(|r| r.kpis.map(|k| (k.occupancy * r.productive, r.productive)))
        .fold((0.0, 0.0), |(b, p), (x, y)| (b + x, p + y));
    let occupancy = voice.period.occupancy().expect("occupancy");
    assert!((occupancy - busy / productive).abs() < 1e-12);
    // The day table flags exactly the evaluator's misses over the day and its week.
    let days = section(&html, "days");
    // (A single day's page has no week line.)
    let scopes: &[Scope] = if voice.days.len() > 1 {
        &[Scope::Day, Scope::Week]
    } else {
        &[Scope::Day]
    };
    let misses: Vec<_> = scopes.iter().flat_map(|s| ev.misses(*s)).collect();
    let sl = misses
        .iter()
        .filter(|m| matches!(m.what, Missed::ServiceLevel { .. }))
        .count();
    let ab = misses
        .iter()
        .filter(|m| matches!(m.what, Missed::Abandonment { .. }))
        .count();
    assert_eq!(days.matches("✗ SL ").count(), sl, "{days}");
    assert_eq!(days.matches("✗ abandonment ").count(), ab, "{days}");
    // The short voice staffing misses something over the day, and it is flagged.
    assert!(sl + ab > 0, "the small plan is meant to miss a target");
}

/// `vuoro roster` on more shifts than the three agents can work, two of them preferring afternoons.
fn roster_folder() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp");
    let model = temp.path().join("m.toml");
    let agents = temp.path().join("agents.csv");
    let shifts = temp.path().join("shifts.csv");
    let availability = temp.path().join("availability.csv");
    std::fs::write(&model, MODEL).expect("model");
    std::fs::write(&agents, AGENTS).expect("agents");
    std::fs::write(
        &shifts,
        "date,template,start,end,breaks,count,paid_hours,channels\n\
         2026-11-23,day 8h,2026-11-23T08:00,2026-11-23T16:30,11:00-11:30 lunch (unpaid),2,8,voice;email\n\
         2026-11-23,short 4h,2026-11-23T08:00,2026-11-23T12:00,,3,4,voice\n",
    )
    .expect("shifts");
    std::fs::write(
        &availability,
        "agent_id,date,from,to,kind\nA2,2026-11-23,12:00,16:00,preferred\nA3,2026-11-23,12:00,16:00,preferred\n",
    )
    .expect("availability");
    let out = temp.path().join("roster");
    let run = vuoro()
        .args(["roster", "--model"])
        .arg(&model)
        .arg("--shifts")
        .arg(&shifts)
        .arg("--agents")
        .arg(&agents)
        .arg("--availability")
        .arg(&availability)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    (temp, out)
}

#[test]
fn open_shifts_and_every_broken_rule_are_listed_with_the_agents_named() {
    let (_temp, out) = roster_folder();
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    // No forecast: the roster's own sections only.
    for id in ["timeline", "contract-hours", "rules"] {
        assert_eq!(
            html.matches(&format!("<section id=\"{id}\"")).count(),
            1,
            "{id}"
        );
    }
    assert!(!html.contains("<section id=\"headline\""));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("roster.json")).expect("json"))
            .expect("json");
    let rules = section(&html, "rules");
    let open: u64 = json["open_shifts"]
        .as_array()
        .expect("open")
        .iter()
        .map(|o| o["missing"].as_u64().expect("missing"))
        .sum();
    assert!(open > 0, "three agents cannot take five shifts on one day");
    assert!(rules.contains(&format!("Open shifts ({open})")));
    assert!(html.contains("<svg id=\"timeline-2026-48-open\""));
    let violations = json["violations"].as_array().expect("violations");
    assert!(
        !violations.is_empty(),
        "a morning shift for an afternoon preference"
    );
    assert!(rules.contains(&format!("Broken rules ({})", violations.len())));
    // One row per breach, no cut-off, each naming its agent.
    let rows = rules
        .split("<table class=\"breaches compact\">")
        .skip(1)
        .map(|t| t.matches("<tr><td").count())
        .sum::<usize>();
    assert_eq!(rows, violations.len());
    for v in violations {
        let id = v["employee_id"].as_str().expect("agent");
        assert!(
            rules.contains(&format!("<td class=\"l\">{id}</td>")),
            "{id}"
        );
    }
}

#[test]
fn report_dir_rebuilds_the_same_page_and_adds_a_simulation() {
    let folder = plan();
    let written = std::fs::read_to_string(folder.out.join("report.html")).expect("report.html");
    let rebuilt_path = folder.out.join("rebuilt.html");
    let run = vuoro()
        .arg("report")
        .arg(&folder.out)
        .arg("--model")
        .arg(&folder.model)
        .args(["--forecast", "forecasts/small-day.csv", "--agents"])
        .arg(&folder.agents)
        .arg("--out")
        .arg(&rebuilt_path)
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rebuilt = std::fs::read_to_string(&rebuilt_path).expect("rebuilt");
    assert_eq!(
        rebuilt.replace("vuoro report (roster.json)", "vuoro plan"),
        written,
        "the page rebuilt from the folder's files is the page plan wrote"
    );
    // A simulation of the folder joins the page.
    let simulated = folder.out.with_file_name("simulated");
    let sim = vuoro()
        .args(["simulate", "--model"])
        .arg(&folder.model)
        .args(["--forecast", "forecasts/small-day.csv", "--plan"])
        .arg(&folder.out)
        .args(["--replications", "20", "--threads", "1", "--out"])
        .arg(&simulated)
        .output()
        .expect("runs");
    assert!(
        matches!(sim.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let run = vuoro()
        .arg("report")
        .arg(&folder.out)
        .arg("--model")
        .arg(&folder.model)
        .args(["--forecast", "forecasts/small-day.csv", "--simulation"])
        .arg(&simulated)
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = std::fs::read_to_string(folder.out.join("report.html")).expect("report.html");
    assert!(section(&html, "service-level").contains("simulated (mean)"));
    // The day's simulated service level is simulation_days.csv's.
    let days_csv = std::fs::read_to_string(simulated.join("simulation_days.csv")).expect("days");
    let header: Vec<&str> = days_csv
        .lines()
        .next()
        .expect("header")
        .split(',')
        .collect();
    let col = header
        .iter()
        .position(|h| *h == "service_level")
        .expect("column");
    let row = days_csv
        .lines()
        .find(|l| l.starts_with("voice,2026-11-23,"))
        .expect("voice day");
    let sl: f64 = row
        .split(',')
        .nth(col)
        .expect("cell")
        .parse()
        .expect("number");
    let days = section(&html, "days");
    assert!(days.contains("<th>simulated SL</th>"));
    assert!(days.contains(&format!("{:.1} %", 100.0 * sl)), "{days}");
}

/// Golden page of the small plan (solved to optimality, so it does not depend on the machine).
/// `VUORO_BLESS=1 cargo test --test report` rewrites it after a deliberate change.
#[test]
fn golden_report_of_the_small_plan() {
    let folder = plan();
    let got = std::fs::read_to_string(folder.out.join("report.html")).expect("report.html");
    let path = Path::new("tests/golden/report.html");
    if std::env::var_os("VUORO_BLESS").is_some() {
        std::fs::write(path, &got).expect("bless");
        return;
    }
    let want =
        std::fs::read_to_string(path).expect("tests/golden/report.html: run with VUORO_BLESS=1");
    assert!(got == want, "report.html differs from {}", path.display());
}

/// The requirements chart of `models/small.toml`: e-mail has no shrinkage, and says 0 %, not −0 %.
#[test]
fn the_requirements_chart_names_zero_shrinkage_as_zero() {
    let dir = tempfile::tempdir().expect("temp");
    let plot = dir.path().join("r.svg");
    let run = vuoro()
        .args([
            "requirements",
            "--model",
            "models/small.toml",
            "--forecast",
            "forecasts/small-day.csv",
            "--plot",
        ])
        .arg(&plot)
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let svg = std::fs::read_to_string(&plot).expect("svg");
    assert!(svg.contains("shrinkage 30 %") && svg.contains("shrinkage 0 %"));
    assert!(!svg.contains("-0 %"));
}

/// Bad input to `vuoro report`: exit 2, a message naming the file, and the folder left as it was.
#[test]
fn report_refuses_bad_folders_and_changes_nothing() {
    let folder = plan();
    let report = |dir: &Path, extra: &[&str]| {
        vuoro()
            .arg("report")
            .arg(dir)
            .arg("--model")
            .arg(&folder.model)
            .args(["--forecast", "forecasts/small-day.csv"])
            .args(extra)
            .output()
            .expect("runs")
    };
    let empty = folder.out.with_file_name("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    let run = report(&empty, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("found neither"));
    assert!(!empty.join("report.html").exists());

    let before = std::fs::read(folder.out.join("report.html")).expect("page");
    let roster = folder.out.join("roster.json");
    let text = std::fs::read_to_string(&roster).expect("json");
    std::fs::write(
        &roster,
        text.replace("\"violations\"", "\"violations\": 3, \"x\""),
    )
    .expect("edit");
    let run = report(&folder.out, &[]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("roster.json"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        std::fs::read(folder.out.join("report.html")).expect("page"),
        before
    );

    std::fs::write(&roster, text).expect("restore");
    let run = report(
        &folder.out,
        &["--simulation", empty.to_str().expect("utf-8")],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr)
        .contains("expected an output folder of vuoro simulate"));
    assert_eq!(
        std::fs::read(folder.out.join("report.html")).expect("page"),
        before
    );
}

//! Rosters and exports: validation messages, labour rules on tiny hand-made plans, every export format
//! (iCalendar parsed back with the independent `ical` crate), the DST week, and `vuoro plan`.

use assert_cmd::Command;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::path::Path;
use vuoro::agents::{read_agents, read_availability};
use vuoro::export::{calendars, roster_csv, roster_daily_csv, roster_json, roster_xlsx};
use vuoro::model::Model;
use vuoro::roster::{assign, assign_with, Options, Roster};
use vuoro::rules::Rule;
use vuoro::staffing::{Break, ChannelId, Span, Staffing, TemplateId};

fn model(extra: &str) -> Model {
    let text = format!(
        "name = \"Test\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = {{ service_level = \"80%\" }}\n\
         [[channel]]\nname = \"chat\"\nkind = \"immediate\"\naht = \"5m\"\ntarget = {{ service_level = \"80%\" }}\n\
         [[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"00:00-23:00\"\nchannels = [\"voice\", \"chat\"]\n{extra}"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Local Helsinki time (winter, +02:00) as UTC.
fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Helsinki
        .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

/// Channels of the test model by name.
fn channel(name: &str) -> ChannelId {
    ChannelId(if name == "voice" { 0 } else { 1 })
}

fn shift(day: u32, from: u32, to: u32, channels: &[&str], count: u32) -> Span {
    Span {
        agent: None,
        date: NaiveDate::from_ymd_opt(2026, 11, day).expect("date"),
        template: TemplateId(0),
        start: at(day, from, 0),
        end: if to >= 24 {
            at(day + 1, to - 24, 0)
        } else {
            at(day, to, 0)
        },
        breaks: Vec::new(),
        count,
        paid_minutes: 60 * if to > from { to - from } else { to + 24 - from },
        cost: 1.0,
        channels: channels.iter().map(|c| channel(c)).collect(),
    }
}

fn roster(m: &Model, agents_csv: &str, availability: &str, shifts: &[Span]) -> Roster {
    let agents = read_agents(Path::new("a.csv"), agents_csv, m).unwrap_or_else(|e| panic!("{e}"));
    let windows = read_availability(Path::new("v.csv"), availability, &agents)
        .unwrap_or_else(|e| panic!("{e}"));
    assign(
        m,
        &m.rules,
        &Staffing::new(shifts.to_vec()),
        agents,
        &windows,
        (at(23, 0, 0), at(30, 0, 0)),
    )
}

fn who(r: &Roster) -> Vec<(String, String)> {
    r.spans()
        .iter()
        .map(|a| {
            let agent = r.agent_of(a).expect("named");
            (agent.id.clone(), a.date.to_string())
        })
        .collect()
}

/// Open shifts as (date, agents missing).
fn open(r: &Roster) -> Vec<(String, u32)> {
    r.open
        .iter()
        .map(|o| (o.span.date.to_string(), o.span.count))
        .collect()
}

#[test]
fn agent_and_availability_errors_name_line_column_and_field() {
    let m = model("");
    let csv = "id,name,skills,contract_hours,min_hours,max_hours\n\
               A1,Aino,voice,37.5,,\n\
               ../x,Eetu,voice,37.5,,\n\
               A1,Helmi,voice,37.5,,\n\
               A4,Juho,fax,37.5,,\n\
               A5,Emma,voice,37.5,40,30\n";
    let errors: Vec<String> = read_agents(Path::new("agents.csv"), csv, &m)
        .expect_err("bad")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "agents.csv:3:1: id: expected letters, digits, '.', '_' or '-' (it names the agent's calendar file), nothing else, found '../x'",
            "agents.csv:4:1: id: 'A1' is listed twice, ignoring case (first on line 2)",
            "agents.csv:5:3: skills: expected channels of the model (voice, chat) with an optional proficiency above 0 and at most 1, such as voice;chat:0.8, found 'fax'",
            "agents.csv:6:5: min_hours: expected at most max_hours (30), found 40",
        ]
    );
    let agents = read_agents(
        Path::new("a.csv"),
        "id,name,skills,contract_hours\nA1,Aino,voice,37.5\n",
        &m,
    )
    .expect("valid");
    let av = "agent_id,date,from,to,kind\nA2,mon,08:00,12:00,unavailable\nA1,someday,08:00,12:00,unavailable\nA1,mon,12:00,08:00,maybe\n";
    let errors: Vec<String> = read_availability(Path::new("av.csv"), av, &agents)
        .expect_err("bad")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "av.csv:2:1: agent_id: expected an id from the agents file, found 'A2'",
            "av.csv:3:2: date: expected a date such as 2026-11-25 or a weekday (mon … sun), found 'someday'",
            "av.csv:4:4: to: expected a time after from, found '08:00'",
            "av.csv:4:5: kind: expected unavailable or preferred, found 'maybe'",
        ]
    );
}

#[test]
fn skills_unavailability_and_daily_limits_are_hard() {
    let m = model("");
    let agents =
        "id,name,skills,contract_hours\nV1,Voice only,voice,37.5\nC1,Chat only,chat,37.5\n";
    // Monday: a voice shift and a chat shift; Tuesday two voice shifts (one agent can work only one).
    let shifts = [
        shift(23, 8, 16, &["voice"], 1),
        shift(23, 8, 16, &["chat"], 1),
        shift(24, 8, 16, &["voice"], 2),
    ];
    let r = roster(&m, agents, "agent_id,date,from,to,kind\n", &shifts);
    let expected: Vec<(String, String)> = [
        ("V1", "2026-11-23"),
        ("V1", "2026-11-24"),
        ("C1", "2026-11-23"),
    ]
    .iter()
    .map(|(a, d)| (a.to_string(), d.to_string()))
    .collect();
    assert_eq!(who(&r), expected);
    assert_eq!(
        open(&r),
        vec![("2026-11-24".to_string(), 1)],
        "one Tuesday voice shift has nobody"
    );
    // … and why, rule by rule: C1 lacks the skill, V1 already works that day.
    assert_eq!(
        r.open[0].turned_away,
        vec![(Rule::Skills, 1), (Rule::OneShiftPerDay, 1)]
    );
    assert!(
        vuoro::report::roster::roster_report(&m, &r).contains(
            "2026-11-24 day 08:00–16:00: 1 agent — 1 agent skilled; V1 already working that day (turned away: 1 missing required skill, 1 more than one shift a day)"
        ),
        "{}",
        vuoro::report::roster::roster_report(&m, &r)
    );
    // V1 on leave Tuesday morning: the Tuesday shifts stay open.
    let r = roster(
        &m,
        agents,
        "agent_id,date,from,to,kind\nV1,2026-11-24,07:00,09:00,unavailable\n",
        &shifts,
    );
    assert_eq!(open(&r), vec![("2026-11-24".to_string(), 2)]);
}

#[test]
fn eleven_hours_rest_between_shifts() {
    let m = model("");
    // A late shift Monday 14–23 and an early one Tuesday 07–15: 8 h apart, so two different agents.
    let shifts = [
        shift(23, 14, 23, &["voice"], 1),
        shift(24, 7, 15, &["voice"], 1),
    ];
    let agents = "id,name,skills,contract_hours\nA1,Aino,voice,37.5\nB2,Eetu,voice,37.5\n";
    let r = roster(&m, agents, "agent_id,date,from,to,kind\n", &shifts);
    let ids: Vec<String> = who(&r).into_iter().map(|(a, _)| a).collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1], "the same agent would rest only 8 h");
    // With rest made soft in the model, one agent may take both and the break of the rule is reported.
    let soft = model("[rules]\nsoft = [\"min_rest\"]\n");
    let r = roster(
        &soft,
        "id,name,skills,contract_hours\nA1,Aino,voice,37.5\n",
        "agent_id,date,from,to,kind\n",
        &shifts,
    );
    assert_eq!(r.spans().len(), 2);
    assert!(
        r.violations.iter().any(
            |v| v.rule.words() == "Less rest between shifts than required"
                && v.detail.starts_with("8.0 h before 2026-11-24T07:00+02:00")
        ),
        "{:?}",
        r.violations
    );
}

#[test]
fn weekly_hours_and_days_respect_the_contract_band() {
    let m = model("");
    let shifts: Vec<Span> = (23..28).map(|d| shift(d, 8, 16, &["voice"], 1)).collect();
    let agents = "id,name,skills,contract_hours,min_hours,max_hours,max_days\nP1,Part,voice,16,16,16,2\nF1,Full,voice,24,24,24,3\n";
    let r = roster(&m, agents, "agent_id,date,from,to,kind\n", &shifts);
    let hours = |id: &str| {
        r.spans()
            .iter()
            .filter(|a| r.agent_of(a).expect("named").id == id)
            .map(|a| a.paid_hours())
            .sum::<f64>()
    };
    assert!((hours("P1") - 16.0).abs() < 1e-9 && (hours("F1") - 24.0).abs() < 1e-9);
    assert!(r.open.is_empty());
    // Same inputs, same roster.
    let again = roster(&m, agents, "agent_id,date,from,to,kind\n", &shifts);
    assert_eq!(again.staffing, r.staffing);
}

fn small_roster() -> (Model, Roster) {
    let m = model("[export.csv]\ncolumns = [\"employee_id\", \"schedule_date\", \"start\", \"end\", \"activity\", \"paid\"]\nrename = { employee_id = \"EmpNo\" }\ndate_format = \"%d.%m.%Y\"\ndatetime_format = \"%H:%M\"\n");
    let mut night = shift(23, 22, 30, &["voice"], 1);
    night.breaks = vec![Break {
        start: at(24, 1, 0),
        minutes: 30,
        paid: false,
        name: "lunch".to_string(),
    }];
    night.paid_minutes = 450;
    let r = roster(
        &m,
        "id,name,team,skills,contract_hours\nA1,Aino Virtanen,Night,voice,37.5\n",
        "agent_id,date,from,to,kind\n",
        &[night],
    );
    (m, r)
}

#[test]
fn roster_csv_segments_in_the_models_layout_and_daily_minutes() {
    let (m, r) = small_roster();
    assert_eq!(
        roster_csv(&m, &r),
        "EmpNo,schedule_date,start,end,activity,paid\n\
         A1,23.11.2026,22:00,01:00,work,true\n\
         A1,23.11.2026,01:00,01:30,lunch,false\n\
         A1,23.11.2026,01:30,06:00,work,true\n"
    );
    // roster_daily.csv follows the layout's date format too.
    assert_eq!(roster_daily_csv(&m, &r), "employee_id,name,schedule_date,paid_min,unpaid_min,contract_min\nA1,Aino Virtanen,23.11.2026,450,30,450\n");
}

#[test]
fn icalendar_parses_back_with_an_independent_parser() {
    let (m, r) = small_roster();
    let files = calendars(&m, &r, at(23, 0, 0));
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].0, "A1.ics");
    let body = &files[0].1;
    assert!(body.lines().all(|l| l.len() <= 75), "folded at 75 octets");
    assert!(body.contains("\r\n"));
    let mut parser = ical::IcalParser::new(body.as_bytes());
    let calendar = parser
        .next()
        .expect("one calendar")
        .expect("valid iCalendar");
    assert_eq!(calendar.events.len(), 1);
    assert_eq!(calendar.timezones.len(), 1);
    let event = &calendar.events[0];
    let prop = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .expect(name)
    };
    assert_eq!(prop("UID").value.as_deref(), Some("A1-20261123@vuoro"));
    assert_eq!(prop("SEQUENCE").value.as_deref(), Some("0"));
    assert_eq!(prop("DTSTAMP").value.as_deref(), Some("20261122T220000Z"));
    assert_eq!(prop("DTSTART").value.as_deref(), Some("20261123T220000"));
    assert_eq!(prop("DTEND").value.as_deref(), Some("20261124T060000"));
    let params = prop("DTSTART").params.clone().expect("TZID parameter");
    assert_eq!(params[0].0, "TZID");
    assert_eq!(params[0].1, ["Europe/Helsinki"]);
    assert_eq!(
        prop("DESCRIPTION").value.as_deref(),
        Some("Breaks: 01:00-01:30 lunch (unpaid)")
    );
    // Deterministic.
    assert_eq!(calendars(&m, &r, at(23, 0, 0)), files);
}

#[test]
fn vtimezone_carries_the_spring_change() {
    let m = model("");
    let sunday = Span {
        agent: None,
        date: NaiveDate::from_ymd_opt(2027, 3, 28).expect("date"),
        template: TemplateId(0),
        start: Utc
            .with_ymd_and_hms(2027, 3, 28, 6, 0, 0)
            .single()
            .expect("utc"),
        end: Utc
            .with_ymd_and_hms(2027, 3, 28, 14, 0, 0)
            .single()
            .expect("utc"),
        breaks: Vec::new(),
        count: 1,
        paid_minutes: 480,
        cost: 1.0,
        channels: vec![channel("voice")],
    };
    let agents = read_agents(
        Path::new("a.csv"),
        "id,name,skills,contract_hours\nA1,Aino,voice,37.5\n",
        &m,
    )
    .expect("valid");
    let period = (
        Utc.with_ymd_and_hms(2027, 3, 21, 22, 0, 0)
            .single()
            .expect("utc"),
        Utc.with_ymd_and_hms(2027, 3, 28, 21, 0, 0)
            .single()
            .expect("utc"),
    );
    let r = assign(
        &m,
        &m.rules,
        &Staffing::new(vec![sunday]),
        agents,
        &[],
        period,
    );
    let body = &calendars(&m, &r, period.0)[0].1;
    // 06:00 UTC on the 23-hour Sunday is 09:00 EEST, after the 03:00 → 04:00 change.
    assert!(
        body.contains("DTSTART;TZID=Europe/Helsinki:20270328T090000"),
        "{body}"
    );
    assert!(body.contains("BEGIN:DAYLIGHT\r\nDTSTART:20270328T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0300\r\nTZNAME:EEST"), "{body}");
}

#[test]
fn json_and_xlsx_exports() {
    let (m, r) = small_roster();
    let json: serde_json::Value = serde_json::from_str(&roster_json(&m, &r)).expect("valid JSON");
    assert_eq!(json["time_zone"], "Europe/Helsinki");
    assert_eq!(
        json["agents"][0]["shifts"][0]["start"],
        "2026-11-23T22:00+02:00"
    );
    assert_eq!(json["agents"][0]["shifts"][0]["breaks"][0]["paid"], false);
    let xlsx = roster_xlsx(&m, &r).expect("workbook");
    assert_eq!(&xlsx[..2], b"PK", "a zip container");
    assert_eq!(
        roster_xlsx(&m, &r).expect("workbook"),
        xlsx,
        "deterministic"
    );
}

#[test]
fn plan_runs_end_to_end_on_the_shipped_example() {
    let dir = tempfile::tempdir().expect("temp");
    let out = Command::cargo_bin("vuoro")
        .expect("binary")
        .args([
            "plan",
            "--model",
            "models/helsinki-multichannel.toml",
            "--forecast",
            "forecasts/helsinki-week-48.csv",
            "--agents",
            "models/helsinki-agents.csv",
            "--availability",
            "models/helsinki-availability.csv",
            "--from",
            "2026-11-24",
            "--to",
            "2026-11-25",
            "--time-limit",
            "5",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("roster:")
            && summary.contains("required h")
            && summary.contains("service of the roster:")
            && summary.contains("scheduled h"),
        "{summary}"
    );
    for f in [
        "shifts.csv",
        "coverage.csv",
        "coverage.svg",
        "roster.csv",
        "roster_daily.csv",
        "roster.json",
        "roster.xlsx",
        "report.html",
        "ics/A001.ics",
    ] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
}

#[test]
fn roster_command_reads_a_plan_back_and_gives_the_same_roster_as_plan() {
    let dir = tempfile::tempdir().expect("temp");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let common = [
        "--model",
        "models/helsinki-multichannel.toml",
        "--agents",
        "models/helsinki-agents.csv",
        "--availability",
        "models/helsinki-availability.csv",
    ];
    let run = |args: &[&str], out: &Path| {
        Command::cargo_bin("vuoro")
            .expect("binary")
            .args(args)
            .args(common)
            .arg("--out")
            .arg(out)
            .output()
            .expect("runs")
    };
    let planned = run(
        &[
            "plan",
            "--forecast",
            "forecasts/helsinki-week-48.csv",
            "--from",
            "2026-11-26",
            "--to",
            "2026-11-26",
            "--time-limit",
            "5",
        ],
        &a,
    );
    assert!(
        matches!(planned.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&planned.stderr)
    );
    let shifts = a.join("shifts.csv");
    let rostered = run(&["roster", "--shifts", shifts.to_str().expect("utf-8")], &b);
    assert!(
        matches!(rostered.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&rostered.stderr)
    );
    // shifts.csv carries everything a roster needs, breaks included (their times round-trip exactly),
    // and the shifts the plan's roster moved to fit their agents are written there at their moved
    // times: the roster read back works the same segments. (Who works which may differ: the plan's
    // roster searched while moving start times, this one keeps the file's.)
    let segments = |dir: &Path| {
        let text = std::fs::read_to_string(dir.join("roster.csv")).expect("roster.csv");
        let mut rows: Vec<String> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').skip(3).collect::<Vec<_>>().join(","))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(segments(&a), segments(&b));
    // Given the plan folder's requirements (its coverage.csv reads back as a demand), the roster may
    // move shifts to fit their agents: the same shifts, so the same minutes of work and breaks.
    let d = dir.path().join("d");
    let coverage = a.join("coverage.csv");
    let moved = run(
        &[
            "roster",
            "--shifts",
            shifts.to_str().expect("utf-8"),
            "--requirements",
            coverage.to_str().expect("utf-8"),
        ],
        &d,
    );
    assert!(
        matches!(moved.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    let minutes = |dir: &Path| -> Vec<(String, u64)> {
        let text = std::fs::read_to_string(dir.join("roster.csv")).expect("roster.csv");
        let mut by: std::collections::BTreeMap<String, u64> = Default::default();
        for l in text.lines().skip(1) {
            let cells: Vec<&str> = l.split(',').collect();
            let (activity, minutes) = (cells[7], cells[10].parse::<u64>().expect("minutes"));
            *by.entry(activity.to_string()).or_default() += minutes;
        }
        by.into_iter().collect()
    };
    assert_eq!(minutes(&b), minutes(&d));
    // A broken plan file is reported by line and column, and nothing is written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "date,template,start,end,breaks,count,paid_hours,channels\n2026-11-26,day,2026-11-26T08:00,2026-11-26T16:00,12:00-12:30 lunch (unpaid),0,8,fax\n").expect("write");
    let c = dir.path().join("c");
    let out = run(&["roster", "--shifts", bad.to_str().expect("utf-8")], &c);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "bad.csv:2:6: count: expected a whole number of agents, 1 or more, found '0'"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "bad.csv:2:8: channels: expected channels of the model separated by ';', found 'fax'"
        ),
        "{stderr}"
    );
    assert!(!c.exists());
}

#[test]
fn contract_bands_and_weekly_rest_are_per_week_and_a_partial_week_is_not_starved() {
    let m = model("");
    // Two weeks of weekday day shifts (Mon 23.11. – Fri 4.12.) and one Saturday for one full-timer: five
    // shifts a week fit the band (≤ 41.5 h, ≤ 5 days) with the weekend as the weekly rest; the sixth day
    // of a week is refused.
    let mut shifts: Vec<Span> = (23..29).map(|d| shift(d, 8, 16, &["voice"], 1)).collect();
    shifts.push(shift(30, 8, 16, &["voice"], 1));
    let december = |d: u32| {
        let start = chrono_tz::Europe::Helsinki
            .with_ymd_and_hms(2026, 12, d, 8, 0, 0)
            .single()
            .expect("time")
            .with_timezone(&Utc);
        Span {
            date: NaiveDate::from_ymd_opt(2026, 12, d).expect("date"),
            start,
            end: start + chrono::Duration::hours(8),
            ..shift(23, 8, 16, &["voice"], 1)
        }
    };
    shifts.extend((1..5).map(december));
    let agents = read_agents(
        Path::new("a.csv"),
        "id,name,skills,contract_hours\nA1,Aino,voice,37.5\n",
        &m,
    )
    .expect("valid");
    let end = chrono_tz::Europe::Helsinki
        .with_ymd_and_hms(2026, 12, 7, 0, 0, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc);
    let r = assign(
        &m,
        &m.rules,
        &Staffing::new(shifts),
        agents.clone(),
        &[],
        (at(23, 0, 0), end),
    );
    assert_eq!(
        r.spans().len(),
        10,
        "5 + 5: Saturday 28.11. would be a sixth day in week 48"
    );
    assert_eq!(r.open.len(), 1);
    assert!(
        r.violations
            .iter()
            .all(|v| v.rule.words() != "No uninterrupted weekly rest"),
        "{:?}",
        r.violations
    );
    // A plan of two weekdays: the weekly rest may fall outside it, so the agent works both.
    let two = [
        shift(24, 8, 16, &["voice"], 1),
        shift(25, 8, 16, &["voice"], 1),
    ];
    let r = assign(
        &m,
        &m.rules,
        &Staffing::new(two.to_vec()),
        agents,
        &[],
        (at(24, 0, 0), at(26, 0, 0)),
    );
    assert_eq!(r.spans().len(), 2);
    assert!(
        r.violations
            .iter()
            .all(|v| v.rule.words() != "Below minimum weekly hours"),
        "a partial week has no minimum: {:?}",
        r.violations
    );
}

/// Golden files: `vuoro plan` on two days of the shipped example (the scheduler's budgets are counted,
/// not timed, so the plan does not depend on the machine's speed). `VUORO_BLESS=1 cargo test` rewrites them after a deliberate change.
#[test]
fn golden_exports_of_the_shipped_example() {
    let dir = tempfile::tempdir().expect("temp");
    let out = Command::cargo_bin("vuoro")
        .expect("binary")
        .args([
            "plan",
            "--model",
            "models/helsinki-multichannel.toml",
            "--forecast",
            "forecasts/helsinki-week-48.csv",
            "--agents",
            "models/helsinki-agents.csv",
            "--availability",
            "models/helsinki-availability.csv",
            "--from",
            "2026-11-24",
            "--to",
            "2026-11-25",
            "--time-limit",
            "3600",
            "--out",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The scheduler's budgets are deterministic (moves, nodes); only its wall-clock safety stop is not.
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("time limit reached"),
        "the golden instance must not hit the safety stop"
    );
    let golden = Path::new("tests/golden");
    let bless = std::env::var_os("VUORO_BLESS").is_some();
    for file in [
        "shifts.csv",
        "roster.csv",
        "roster_daily.csv",
        "roster.json",
        "ics/A001.ics",
    ] {
        let got = std::fs::read_to_string(dir.path().join(file)).expect(file);
        let path = golden.join(file.replace('/', "_"));
        if bless {
            std::fs::create_dir_all(golden).expect("golden dir");
            std::fs::write(&path, &got).expect("bless");
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} missing: run with VUORO_BLESS=1", path.display()));
        assert!(got == want, "{file} differs from {}", path.display());
    }
}

#[test]
fn layouts_and_plan_files_that_would_break_an_export_are_refused() {
    // A time specifier in a date format fails when the model is read, not halfway through an export.
    let text = "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n[export.csv]\ndate_format = \"%d.%m.%Y %H:%M\"\n";
    let errors = Model::from_toml(Path::new("m.toml"), text)
        .expect_err("invalid")
        .to_string();
    assert!(errors.contains("export.csv.date_format: expected a strftime format such as %d.%m.%Y, found '%d.%m.%Y %H:%M'"), "{errors}");
    // A break that runs past the end of its shift.
    let m = model("");
    let csv = "date,template,start,end,breaks,count,paid_hours,channels\n\
               2026-11-23,day,2026-11-23T14:00,2026-11-23T22:00,21:30-23:00 lunch (unpaid),1,8,voice\n";
    let errors = vuoro::roster::plan_file::read_shifts(Path::new("s.csv"), csv, &m)
        .expect_err("invalid")
        .to_string();
    assert_eq!(errors, "s.csv:2:5: breaks: expected 'HH:MM-HH:MM name (paid|unpaid)' inside the shift, found '21:30-23:00 lunch (unpaid)'");
    // Reserved device names and ids that differ only in case cannot be calendar file names.
    assert!(!vuoro::agents::is_safe_id("CON"));
    let agents = read_agents(
        Path::new("a.csv"),
        "id,name,skills,contract_hours\nann,Ann,voice,30\nAnn,Ann B,voice,30\n",
        &m,
    );
    assert!(agents
        .expect_err("duplicate")
        .to_string()
        .contains("is listed twice, ignoring case"));
}

/// The greedy construction gives Monday to the agent furthest below contract hours (A), who then
/// reaches `max_days` before Thursday, while B may only work Monday: Thursday stays open and B gets
/// nothing. Brute force over the 3⁴ ways to give four shifts to A, B or nobody finds a roster with
/// nothing open and both minimums met (B on Monday, A Tuesday to Thursday); the search must find it.
#[test]
fn the_search_repairs_what_the_greedy_construction_cannot_see() {
    let m = model("");
    let agents = "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
        A,Aino,voice,24,24,40,3\nB,Bea,voice,8,8,40,5\n";
    let away = "agent_id,date,from,to,kind\n\
        B,2026-11-24,00:00,24:00,unavailable\nB,2026-11-25,00:00,24:00,unavailable\n\
        B,2026-11-26,00:00,24:00,unavailable\n";
    let shifts: Vec<Span> = (23..27).map(|d| shift(d, 8, 16, &["voice"], 1)).collect();
    let run = |moves: Option<u64>| {
        let a = read_agents(Path::new("a.csv"), agents, &m).expect("agents");
        let w = read_availability(Path::new("v.csv"), away, &a).expect("availability");
        let options = Options {
            moves,
            previous: None,
            demand: None,
        };
        let period = (at(23, 0, 0), at(30, 0, 0));
        assign_with(
            &m,
            &m.rules,
            &Staffing::new(shifts.clone()),
            a,
            &w,
            period,
            &options,
        )
    };
    // Brute force: the fewest open shifts among rosters that keep every rule.
    let best_open = (0..81u32)
        .filter_map(|code| {
            let who: Vec<u32> = (0..4).map(|k| code / 3u32.pow(k) % 3).collect();
            let a_days = who.iter().filter(|w| **w == 0).count();
            let b_ok = who.iter().enumerate().all(|(d, w)| *w != 1 || d == 0);
            (a_days <= 3 && b_ok).then(|| who.iter().filter(|w| **w == 2).count())
        })
        .min();
    assert_eq!(best_open, Some(0));
    let greedy = run(Some(0));
    assert_eq!(
        greedy.open_count(),
        1,
        "the construction alone leaves Thursday open"
    );
    // The objective's parts, worked by hand: B gets nothing, A has its 24 h. B's three days of leave
    // each credit 8 h / 5 days = 1.6 h toward its 8 h minimum, so 8 − 4.8 = 3.2 h are short.
    assert!((greedy.search.short_hours - 3.2).abs() < 1e-9);
    let searched = run(None);
    assert_eq!(searched.open_count(), 0);
    assert!(searched.search.short_hours.abs() < 1e-12);
    assert_eq!(
        who(&searched),
        vec![
            ("A".to_string(), "2026-11-24".to_string()),
            ("A".to_string(), "2026-11-25".to_string()),
            ("A".to_string(), "2026-11-26".to_string()),
            ("B".to_string(), "2026-11-23".to_string()),
        ]
    );
    assert!(searched.violations.iter().all(|v| v.rule != Rule::MinHours));
    // Same inputs, same roster.
    assert_eq!(run(None).staffing, searched.staffing);
}

/// Two part-timers (17–27 h, at most 4 days) and, Monday to Thursday, a 4 h and a 6 h shift a day.
/// Shifts go out in start order, so the construction gives every 4 h morning to the first agent: 16 h,
/// below its minimum, while the other holds 24 h of 6 h shifts. Brute force over the 2⁴ ways to share
/// the days shows both minimums reachable (each agent needs at least one 6 h day); the search must
/// trade a short agent's shift for a longer one.
#[test]
fn an_agent_below_the_minimum_trades_a_shift_for_a_longer_one() {
    let m = model("");
    let agents = "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
        A,Aino,voice,20,17,27,4\nB,Bea,voice,20,17,27,4\n";
    let shifts: Vec<Span> = (23..27)
        .flat_map(|d| {
            [
                shift(d, 8, 12, &["voice"], 1),
                shift(d, 12, 18, &["voice"], 1),
            ]
        })
        .collect();
    let run = |moves: Option<u64>| {
        let a = read_agents(Path::new("a.csv"), agents, &m).expect("agents");
        let options = Options {
            moves,
            previous: None,
            demand: None,
        };
        assign_with(
            &m,
            &m.rules,
            &Staffing::new(shifts.clone()),
            a,
            &[],
            (at(23, 0, 0), at(30, 0, 0)),
            &options,
        )
    };
    // Brute force: bit d set = A takes day d's 6 h shift (and B the 4 h one).
    let both_reach = (0..16u32).any(|code| {
        let a6 = code.count_ones();
        16 + 2 * a6 >= 17 && 16 + 2 * (4 - a6) >= 17
    });
    assert!(both_reach);
    let greedy = run(Some(0));
    assert!(
        (greedy.search.short_hours - 1.0).abs() < 1e-9,
        "the construction leaves one agent on 4 × 4 h: {}",
        greedy.search.short_hours
    );
    let searched = run(None);
    assert_eq!(searched.open_count(), 0);
    assert!(searched.search.short_hours.abs() < 1e-12);
    assert!(searched.violations.iter().all(|v| v.rule != Rule::MinHours));
}

/// A minimum no week of the contract can reach is named as the contract's, not left to look like the
/// roster's: the only template is 8 h and the agent works at most 2 days, so 16 h at most against a
/// 20 h minimum (worked by hand); a 16 h minimum is reachable and gets no such words.
#[test]
fn an_unreachable_minimum_is_explained_as_the_contracts() {
    let m = model("");
    let plan: Vec<Span> = (23..28).map(|d| shift(d, 8, 16, &["voice"], 1)).collect();
    let run = |min: u32| {
        let agents = read_agents(
            Path::new("a.csv"),
            &format!(
                "id,name,skills,contract_hours,min_hours,max_hours,max_days\nA,Aino,voice;chat,{min},{min},40,2\n"
            ),
            &m,
        )
        .expect("agents");
        assign(
            &m,
            &m.rules,
            &Staffing::new(plan.clone()),
            agents,
            &[],
            (at(23, 0, 0), at(30, 0, 0)),
        )
    };
    let short = run(20);
    let detail = short
        .violations
        .iter()
        .find(|v| v.rule == Rule::MinHours)
        .map(|v| v.detail.clone())
        .expect("below the minimum");
    assert!(
        detail.contains("the contract's shifts (8h) reach at most 16.0 h in 2 days"),
        "{detail}"
    );
    let reachable = run(16);
    assert!(reachable
        .violations
        .iter()
        .all(|v| v.rule != Rule::MinHours));
}

/// Two part-timers (17 h in at most 4 days) and a plan with one 6 h shift in the week (Mon–Thu, two
/// shifts a day, the rest 4 h): one of them ends at 16 h whatever the roster (worked by hand: 17 h
/// in 4 days needs a 6 h shift each). The explanation says the plan's long shifts all go to agents
/// who need them, not that the roster missed a trade.
#[test]
fn a_minimum_the_plans_long_shifts_cannot_reach_is_explained_as_the_plans() {
    let m = model("");
    let agents = "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
        A,Aino,voice;chat,20,17,27,4\nB,Bea,voice;chat,20,17,27,4\n";
    let mut plan = vec![
        shift(23, 8, 14, &["voice"], 1),
        shift(23, 14, 18, &["voice"], 1),
    ];
    plan.extend((24..27).map(|d| shift(d, 8, 12, &["voice"], 2)));
    let r = roster(&m, agents, "agent_id,date,from,to,kind\n", &plan);
    let short: Vec<&str> = r
        .violations
        .iter()
        .filter(|v| v.rule == Rule::MinHours)
        .map(|v| v.detail.as_str())
        .collect();
    assert_eq!(short.len(), 1, "{short:?}");
    assert!(
        short[0].contains(
            "no trade reaches it: the week's 1 shift longer than 4h it may work all go to agents who need them for their own minimum"
        ),
        "{}",
        short[0]
    );
}

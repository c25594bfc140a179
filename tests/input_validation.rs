//! Input validation of every CSV reader, one class of mutation per test: each bad input is reported as
//! `path:line:column: field: expected …, found …`, all problems of a file at once, never silently dropped
//! and never grown into a huge allocation.

use std::path::Path;
use vuoro::agents::{read_agents, read_availability, Agent};
use vuoro::calculator::batch::parse_batch;
use vuoro::error::Diagnostics;
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::requirements::demand::Demand;
use vuoro::roster::plan_file::read_shifts;

/// Helsinki, hourly (or `interval`), voice open 08–20 on weekdays, chat always open, one day template.
fn model(interval: &str) -> Model {
    let text = format!(
        "[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"{interval}\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = {{ service_level = \"80%\" }}\n\
         hours = {{ weekdays = \"08:00-20:00\" }}\n\
         [[channel]]\nname = \"chat\"\nkind = \"immediate\"\naht = \"5m\"\ntarget = {{ service_level = \"80%\" }}\n\
         [[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"00:00-16:00\"\nchannels = [\"voice\", \"chat\"]\n"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn errors<T: std::fmt::Debug>(result: Result<T, Diagnostics>) -> Vec<String> {
    result
        .expect_err("invalid input")
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn agents(text: &str) -> Result<Vec<Agent>, Diagnostics> {
    read_agents(Path::new("a.csv"), text, &model("60m"))
}

fn one_agent() -> Vec<Agent> {
    agents("id,name,skills,contract_hours\nA1,Aino,voice,37.5\n").expect("valid")
}

#[test]
fn agents_missing_and_extra_fields_and_empty_required_cells_are_errors() {
    let csv = "id,name,skills,contract_hours,max_days\n\
               A1,Aino,voice,,5\n\
               A2,Eetu,voice,37.5\n\
               A3,Helmi,voice,37.5,5,x\n\
               A4,,voice,37.5,5\n";
    assert_eq!(
        errors(agents(csv)),
        [
            "a.csv:2:4: contract_hours: expected a number from 0 to 168 (or a contract), found an empty cell",
            "a.csv:3: expected 5 fields as in the header, found 4",
            "a.csv:4: expected 5 fields as in the header, found 6",
            "a.csv:5:2: name: expected the agent's name, found an empty cell",
        ]
    );
}

#[test]
fn agents_numbers_are_checked_for_range_wholeness_and_order() {
    let csv = "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
               A1,Aino,voice,37.5,,,4.5\n\
               A2,Eetu,voice,37.5,,,0\n\
               A3,Helmi,voice,37.5,,,8\n\
               A4,Juho,voice,169,,,5\n\
               A5,Emma,voice,20,30,40,5\n\
               A6,Olli,voice,45,30,40,5\n\
               A7,Saga,voice,37.5,-1,NaN,5\n";
    assert_eq!(
        errors(agents(csv)),
        [
            "a.csv:2:7: max_days: expected a whole number of days from 1 to 7, found '4.5'",
            "a.csv:3:7: max_days: expected a whole number of days from 1 to 7, found '0'",
            "a.csv:4:7: max_days: expected a whole number of days from 1 to 7, found '8'",
            "a.csv:5:4: contract_hours: expected a number from 0 to 168, found '169'",
            "a.csv:6:4: contract_hours: expected at least min_hours (30), found 20",
            "a.csv:7:4: contract_hours: expected at most max_hours (40), found 45",
            "a.csv:8:5: min_hours: expected a number from 0 to 168, found '-1'",
            "a.csv:8:6: max_hours: expected a number from 0 to 168, found 'NaN'",
        ]
    );
    // Defaults stay inside the range: contract 166 gets max_hours 168, not 170.
    let read = agents("id,name,skills,contract_hours\nA1,Aino,voice,166\n").expect("valid");
    assert_eq!(
        (read[0].min_hours, read[0].max_hours, read[0].max_days),
        (158.0, 168.0, 5)
    );
}

#[test]
fn availability_missing_and_extra_fields_bad_times_and_unknown_agents_are_errors() {
    let av = "agent_id,date,from,to,kind\n\
              A1,mon,08:00,12:00\n\
              A1,mon,08:00,12:00,unavailable,x\n\
              A1,mon,25:00,12:00,unavailable\n\
              A1,mon,12:00,12:00,preferred\n\
              A1,mon,24:00,24:00,preferred\n\
              A1,mon,08:00,24:00,preferred\n\
              B7,tue,08:00,09:00,unavailable\n\
              A1,,08:00,09:00,\n";
    assert_eq!(
        errors(read_availability(Path::new("v.csv"), av, &one_agent())),
        [
            "v.csv:2: expected 5 fields as in the header, found 4",
            "v.csv:3: expected 5 fields as in the header, found 6",
            "v.csv:4:3: from: expected a local time such as 08:00, found '25:00'",
            "v.csv:5:4: to: expected a time after from, found '12:00'",
            "v.csv:6:3: from: expected a local time such as 08:00, found '24:00'",
            "v.csv:8:1: agent_id: expected an id from the agents file, found 'B7'",
            "v.csv:9:2: date: expected a date such as 2026-11-25 or a weekday (mon … sun), found ''",
            "v.csv:9:5: kind: expected unavailable or preferred, found ''",
        ]
    );
}

const SHIFTS_HEADER: &str = "date,template,start,end,breaks,count,paid_hours,channels\n";

fn shift_row(day: u32, count: &str, end: &str, paid: &str) -> String {
    format!("2026-11-{day:02},day,2026-11-{day:02}T08:00,{end},,{count},{paid},voice\n")
}

#[test]
fn shift_counts_lengths_and_paid_hours_are_limited() {
    let mut csv = SHIFTS_HEADER.to_string();
    csv += &shift_row(23, "1000000000", "2026-11-23T16:00", "8");
    csv += &shift_row(23, "99999999999999999999999", "2026-11-23T16:00", "8");
    csv += &shift_row(23, "2", "2026-11-23T16:00", "9");
    csv += &shift_row(23, "2", "2026-11-26T16:00", "8");
    csv += &shift_row(23, "0", "2026-11-23T16:00", "8");
    assert_eq!(
        errors(read_shifts(Path::new("s.csv"), &csv, &model("60m"))),
        [
            "s.csv:2:6: count: expected at most 100000 agents per row, found '1000000000'",
            "s.csv:3:6: count: expected at most 100000 agents per row, found '99999999999999999999999'",
            "s.csv:4:7: paid_hours: expected at most the shift's length (8 h), found 9",
            "s.csv:5:4: end: expected at most 48 hours after start, found '2026-11-26T16:00'",
            "s.csv:6:6: count: expected a whole number of agents, 1 or more, found '0'",
        ]
    );
}

#[test]
fn a_plan_file_is_limited_in_agent_shifts_and_period() {
    let mut csv = SHIFTS_HEADER.to_string();
    for _ in 0..101 {
        csv += &shift_row(23, "10000", "2026-11-23T16:00", "8");
    }
    assert_eq!(
        errors(read_shifts(Path::new("s.csv"), &csv, &model("60m"))),
        ["s.csv:102:6: count: expected at most 1000000 agent-shifts in the file, found 1010000 by this row"]
    );
    let far = "2031-11-24,day,2031-11-24T08:00,2031-11-24T16:00,,1,8,voice\n";
    let csv = format!(
        "{SHIFTS_HEADER}{}{far}{}",
        shift_row(23, "1", "2026-11-23T16:00", "8"),
        shift_row(24, "1", "2026-11-24T16:00", "8")
    );
    assert_eq!(
        errors(read_shifts(Path::new("s.csv"), &csv, &model("60m"))),
        ["s.csv:3:3: start: expected a shift within 92 days of the plan's other shifts (2026-11-23 … 2027-02-23), found 2031-11-24T08:00+02:00"]
    );
}

/// A requirements CSV of `rows` (`channel,start,required`).
fn demand(interval: &str, rows: &[String]) -> Result<Demand, Diagnostics> {
    let csv = format!("channel,start,required\n{}", rows.concat());
    Demand::from_csv(Path::new("r.csv"), &csv, &model(interval))
}

/// Rows of `channel` on Monday 2026-11-23 from `from` to `to` (exclusive) every `step` minutes.
fn rows(channel: &str, (from, to): (u32, u32), step: u32, required: &str) -> Vec<String> {
    (from * 60..to * 60)
        .step_by(step as usize)
        .map(|m| {
            format!(
                "{channel},2026-11-23T{:02}:{:02},{required}\n",
                m / 60,
                m % 60
            )
        })
        .collect()
}

#[test]
fn requirements_period_and_required_are_limited() {
    let mut all = [
        rows("voice", (8, 20), 60, "1"),
        rows("chat", (8, 20), 60, "1"),
    ]
    .concat();
    all.push("voice,2027-11-23T09:00,1\n".into());
    all[3] = "voice,2026-11-23T11:00,1e308\n".into();
    all[4] = "voice,2026-11-23T12:00,-1\n".into();
    assert_eq!(
        errors(demand("60m", &all)),
        [
            "r.csv:5:3: required: expected at most 100000 agents, found '1e308'",
            "r.csv:6:3: required: expected a number of agents, 0 or more, found '-1'",
            "r.csv:26:2: start: expected a time within 92 days of the other rows (2026-11-23 … 2027-02-23), found 2027-11-23T09:00+02:00",
        ]
    );
}

#[test]
fn requirements_gaps_missing_channels_and_coarse_steps_are_errors() {
    let mut gap = [
        rows("voice", (8, 20), 60, "1"),
        rows("chat", (8, 20), 60, "1"),
    ]
    .concat();
    gap.remove(3);
    assert_eq!(
        errors(demand("60m", &gap)),
        ["r.csv: channel 'voice' is open but the requirements have no row for the interval 2026-11-23T11:00+02:00; give 0 for intervals that need nobody"]
    );
    assert_eq!(
        errors(demand("60m", &rows("voice", (8, 20), 60, "1"))),
        ["r.csv: channel 'chat' is open in 12 intervals 2026-11-23T08:00+02:00 … 2026-11-23T19:00+02:00 but the requirements have no row for it; give 0 for intervals that need nobody"]
    );
    let coarse = [
        rows("voice", (8, 20), 30, "1"),
        rows("chat", (8, 20), 15, "1"),
    ]
    .concat();
    assert_eq!(
        errors(demand("15m", &coarse)),
        ["r.csv: channel 'voice': expected a row every 15 minutes (the model's interval), found rows every 30 minutes"]
    );
    // Closed intervals need no row: voice closes at 20:00 while chat runs on.
    let closed = [
        rows("voice", (8, 20), 60, "0"),
        rows("chat", (8, 22), 60, "0"),
    ]
    .concat();
    assert!(demand("60m", &closed).is_ok());
}

fn forecast(csv: &str, period: Period) -> Vec<String> {
    errors(read_forecast(Path::new("f.csv"), csv, &model("60m"), period).map(|r| r.warnings))
}

#[test]
fn forecast_period_is_limited() {
    let mut csv = String::from("channel,start,volume\n");
    for h in 0..24 {
        csv += &format!("voice,2026-11-23T{h:02}:00,1\nchat,2026-11-23T{h:02}:00,1\n");
    }
    let far = format!("{csv}chat,2030-01-01T00:00,1\n");
    assert_eq!(
        forecast(&far, Period::default()),
        ["f.csv:50:2: start: expected a time within 92 days of the other rows (2026-11-23 … 2027-02-22) or a period chosen with --from and --to, found 2030-01-01T00:00+02:00"]
    );
    let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 11, d);
    let long = Period {
        from: day(23),
        to: chrono::NaiveDate::from_ymd_opt(2027, 11, 23),
    };
    assert_eq!(
        forecast(&csv, long),
        ["f.csv: period: expected at most 92 days (choose them with --from and --to), found 2026-11-23T00:00+02:00 … 2027-11-24T00:00+02:00"]
    );
    // A long forecast narrowed to a day is fine: rows outside the period are only warned of.
    let narrowed = Period {
        from: day(23),
        to: day(23),
    };
    let read = read_forecast(Path::new("f.csv"), &far, &model("60m"), narrowed).expect("valid");
    assert_eq!(read.forecast.starts.len(), 24);
}

#[test]
fn long_cells_are_echoed_cut_and_huge_files_refused() {
    let long = "x".repeat(5_000_000);
    let csv = format!("id,name,skills,contract_hours\n{long},Aino,voice;{long},37.5\n");
    let cut = format!("{}…", "x".repeat(40));
    assert_eq!(
        errors(agents(&csv)),
        [
            format!("a.csv:2:1: id: expected letters, digits, '.', '_' or '-' (it names the agent's calendar file), at most 64 characters, found '{cut}'"),
            format!("a.csv:2:3: skills: expected channels of the model (voice, chat) with an optional proficiency above 0 and at most 1, such as voice;chat:0.8, found '{cut}'"),
        ]
    );
    let huge = format!("channel,start,required\n{}", " ".repeat(64 << 20));
    let expected = format!(
        "r.csv: file: expected at most 67108864 bytes (64 MiB), found {} bytes",
        huge.len()
    );
    assert_eq!(
        errors(Demand::from_csv(Path::new("r.csv"), &huge, &model("60m"))),
        [expected]
    );
    let av = format!("agent_id,date,from,to,kind,{long}\n");
    assert_eq!(
        errors(read_availability(Path::new("v.csv"), &av, &one_agent())),
        [format!(
            "v.csv:1:6: unknown column '{cut}': expected agent_id, date, from, to, kind"
        )]
    );
}

#[test]
fn batch_rows_are_checked_for_field_count_and_long_cells_cut() {
    let long = "9".repeat(100);
    let csv = format!("volume,aht,agents\n100,3m\n100,3m,10,x\n{long}x,3m,10\n");
    assert_eq!(
        errors(parse_batch(Path::new("b.csv"), &csv)),
        [
            "b.csv:2: expected 3 fields as in the header, found 2".to_string(),
            "b.csv:3: expected 3 fields as in the header, found 4".to_string(),
            format!(
                "b.csv:4:1: volume: expected a positive number of contacts per interval, found '{}…'",
                "9".repeat(40)
            ),
        ]
    );
}

#[test]
fn cli_exits_2_and_writes_nothing_on_a_giant_count() {
    let dir = tempfile::tempdir().expect("temp");
    let shifts = dir.path().join("shifts.csv");
    let row = "2026-11-23,phone 8h,2026-11-23T07:00,2026-11-23T15:00,,1000000000,8,voice\n";
    std::fs::write(&shifts, format!("{SHIFTS_HEADER}{row}")).expect("write");
    let out = dir.path().join("out");
    let output = assert_cmd::Command::cargo_bin("vuoro")
        .expect("binary")
        .args(["roster", "--model", "models/helsinki-multichannel.toml"])
        .args(["--agents", "models/helsinki-agents.csv", "--shifts"])
        .arg(&shifts)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(":2:6: count: expected at most 100000 agents per row, found '1000000000'"),
        "{stderr}"
    );
    assert!(!out.exists());
}

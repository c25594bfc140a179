//! The requirements stage: model and forecast validation (exact messages), daylight saving, immediate and
//! deferred requirements checked against independent computations, determinism, and the CLI.

use assert_cmd::Command;
use std::path::Path;
use vuoro::forecast::{local_iso, read_forecast, Period};
use vuoro::model::{ChannelKind, Model};
use vuoro::queueing::{required_agents, Queue};
use vuoro::requirements::compute;

fn model(path: &str) -> Model {
    let text = std::fs::read_to_string(path).expect("model file");
    Model::from_toml(Path::new(path), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn model_from(text: &str) -> Model {
    Model::from_toml(Path::new("m.toml"), text).unwrap_or_else(|e| panic!("{e}"))
}

fn errors_of(result: Result<impl std::fmt::Debug, vuoro::error::Diagnostics>) -> Vec<String> {
    match result {
        Ok(v) => panic!("expected errors, got {v:?}"),
        Err(d) => d.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_shipped_model_and_forecast_pair_runs() {
    for (m, f) in [
        (
            "models/helsinki-multichannel.toml",
            "forecasts/helsinki-week-48.csv",
        ),
        (
            "models/helsinki-multichannel.toml",
            "forecasts/helsinki-dst-week.csv",
        ),
        ("models/small.toml", "forecasts/small-day.csv"),
    ] {
        let model = model(m);
        let text = std::fs::read_to_string(f).expect("forecast");
        let read = read_forecast(Path::new(f), &text, &model, Period::default())
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(read.warnings.is_empty(), "{f}: {:?}", read.warnings);
        let req = compute(&model, &read.forecast).expect("requirements");
        assert_eq!(req.channels.len(), model.channels.len());
        // Every contact of the file is in the requirements, none twice.
        let file_total: f64 = text
            .lines()
            .skip(1)
            .map(|l| {
                l.rsplit(',')
                    .next()
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
            .sum();
        let req_total: f64 = req
            .channels
            .iter()
            .flat_map(|c| &c.intervals)
            .map(|r| r.volume)
            .sum();
        assert!(
            (file_total - req_total).abs() < 1e-9,
            "{f}: {file_total} vs {req_total}"
        );
    }
}

#[test]
fn model_errors_are_all_reported_with_line_and_column() {
    let text = "[planning]\ntime_zone = \"Europe/Helsinky\"\ninterval = \"20m\"\n\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3 parsecs\"\ntarget = { service_level = \"80\" }\nshrinkage = { breaks = \"60%\", absence = \"45%\" }\n";
    assert_eq!(
        errors_of(Model::from_toml(Path::new("models/bad.toml"), text)),
        [
            "models/bad.toml:2:13: planning.time_zone: expected an IANA time zone such as \"Europe/Helsinki\", found 'Europe/Helsinky'",
            "models/bad.toml:3:12: planning.interval: expected 15m, 30m or 60m, found '20m'",
            "models/bad.toml:8:7: channel 'voice': aht: expected a positive duration such as \"20s\", \"3m\", \"1h30m\" or seconds, found '3 parsecs'",
            "models/bad.toml:9:28: channel 'voice': target.service_level: expected a share such as \"80%\" or 0.8, found '80'",
            "models/bad.toml:10:13: channel 'voice': shrinkage: expected shares adding up to less than 100%, found 105.0%",
        ]
    );
    let typo = "[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"15m\"\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntargt = { service_level = \"80%\" }\n";
    let errors = errors_of(Model::from_toml(Path::new("m.toml"), typo));
    assert!(
        errors[0]
            .starts_with("m.toml:8:1: targt: unknown key (a typo?), expected one of name, kind,"),
        "{errors:?}"
    );
    let deferred_without_window = "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n[[channel]]\nname = \"email\"\nkind = \"deferred\"\naht = \"5m\"\n";
    assert_eq!(
        errors_of(Model::from_toml(Path::new("m.toml"), deferred_without_window)),
        ["m.toml:6:8: channel 'email': target: expected a response_window (e.g. \"4h\") for a deferred channel, found none"]
    );
}

#[test]
fn shipped_model_reads_as_documented() {
    let m = model("models/helsinki-multichannel.toml");
    assert_eq!(m.interval_minutes, 15);
    assert_eq!(m.time_zone.name(), "Europe/Helsinki");
    let voice = &m.channels[0];
    assert_eq!(voice.name, "voice");
    assert!((voice.aht_s - 240.0).abs() < 1e-12 && (voice.acw_s - 45.0).abs() < 1e-12);
    assert_eq!(voice.min_agents, 2);
    let categories: Vec<&str> = voice.shrinkage.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(categories, ["breaks", "training", "meetings", "absence"]);
    assert!((voice.total_shrinkage().share() - 0.25).abs() < 1e-12);
    match &voice.kind {
        ChannelKind::Immediate {
            patience_s,
            targets,
            ..
        } => {
            assert_eq!(*patience_s, Some(180.0));
            assert_eq!(targets.service_level, Some(0.8));
            assert_eq!(targets.max_abandon, Some(0.05));
        }
        other => panic!("{other:?}"),
    }
    match &m.channels[2].kind {
        ChannelKind::Deferred {
            response_window_s, ..
        } => assert!((response_window_s - 14_400.0).abs() < 1e-9),
        other => panic!("{other:?}"),
    }
    // Deferred channels default to no minimum staffing, immediate ones to one agent.
    assert_eq!(m.channels[2].min_agents, 0);
    assert_eq!(m.channels[1].min_agents, 1);
}

#[test]
fn forecast_errors_are_all_reported_at_once() {
    let m = model("models/small.toml");
    let csv = "channel,start,volume\n\
               voice,2026-11-23T08:00,10\n\
               phone,2026-11-23T09:00,5\n\
               voice,2026-11-23T09:00,-3\n\
               voice,2026-11-23T10:30,4\n\
               voice,2026-11-23T08:00,7\n\
               voice,2026-11-23T11:00,abc\n\
               voice,2026-11-23T12:00,3\n\
               voice,2026-11-23 13:00,3\n\
               voice,2026-11-23T14:00+02:00,3\n\
               voice,2026-11-23T15:00,3\n\
               email,2026-11-23T08:00,1\n";
    assert_eq!(
        errors_of(read_forecast(Path::new("f.csv"), csv, &m, Period::default()).map(|r| r.warnings)),
        [
            "f.csv:3:1: channel: expected one of the model's channels (voice, email), found 'phone'",
            "f.csv:4:3: volume: expected a number of contacts from 0 to 10 000 000, found '-3'",
            "f.csv:5:2: start: expected an interval start on the 60-minute grid, found '2026-11-23T10:30'",
            "f.csv:6:2: start: interval 2026-11-23T08:00+02:00 of channel 'voice' is listed twice (first on line 2)",
            "f.csv:7:3: volume: expected a number of contacts from 0 to 10 000 000, found 'abc'",
            "f.csv: channel 'voice' is open but the forecast has no row for the interval 2026-11-23T10:00+02:00; give 0 for intervals without contacts",
            "f.csv: channel 'email' is open but the forecast has no row for 7 intervals 2026-11-23T09:00+02:00 … 2026-11-23T15:00+02:00; give 0 for intervals without contacts",
        ]
    );
    let header = errors_of(
        read_forecast(
            Path::new("f.csv"),
            "chanel,start\nvoice,2026-11-23T08:00\n",
            &m,
            Period::default(),
        )
        .map(|r| r.warnings),
    );
    assert_eq!(
        header,
        [
            "f.csv:1:1: unknown column 'chanel': expected channel, start, volume, aht or acw",
            "f.csv:1: missing column 'channel' (required)",
            "f.csv:1: missing column 'volume' (required)",
        ]
    );
}

fn small_day(voice: &[(u32, f64)], email: &[(u32, f64)]) -> String {
    let mut csv = String::from("channel,start,volume\n");
    for (name, rows) in [("voice", voice), ("email", email)] {
        for h in 0..24u32 {
            let v = rows
                .iter()
                .find(|(hh, _)| *hh == h)
                .map_or(0.0, |(_, v)| *v);
            csv.push_str(&format!("{name},2026-11-23T{h:02}:00,{v}\n"));
        }
    }
    csv
}

#[test]
fn warnings_for_volume_outside_hours_and_outside_the_period() {
    let m = model("models/small.toml");
    let mut csv = small_day(&[(8, 40.0), (20, 3.0)], &[]);
    csv.push_str("voice,2026-11-24T08:00,5\n");
    let period = Period {
        from: None,
        to: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
    };
    let read = read_forecast(Path::new("f.csv"), &csv, &m, period).expect("valid");
    let warnings: Vec<String> = read.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "f.csv:22:3: volume: 3 contacts outside the opening hours of 'voice' at 2026-11-23T20:00+02:00; not staffed",
            "f.csv:50: 1 row(s) outside the planning period 2026-11-23T00:00+02:00 – 2026-11-24T00:00+02:00 ignored (first on this line)",
        ]
    );
    let req = compute(&m, &read.forecast).expect("requirements");
    assert_eq!(req.starts.len(), 24);
    assert_eq!(
        req.channels[0].intervals[20].productive, 0,
        "closed: not staffed"
    );
}

#[test]
fn immediate_requirements_match_the_queueing_core() {
    let m = model("models/small.toml");
    let csv = small_day(&[(8, 40.0), (9, 75.0), (10, 0.0)], &[]);
    let read = read_forecast(Path::new("f.csv"), &csv, &m, Period::default()).expect("valid");
    let req = compute(&m, &read.forecast).expect("requirements");
    let voice = &req.channels[0].intervals;
    let ChannelKind::Immediate { targets, .. } = &m.channels[0].kind else {
        panic!("immediate")
    };
    for (hour, volume) in [(8usize, 40.0), (9, 75.0)] {
        // Independently: 3-minute calls in an hour with 2-minute patience (Erlang A), 80/20.
        let q = Queue::new(volume, 3600.0, 180.0)
            .expect("valid")
            .with_patience(120.0)
            .expect("valid");
        let s = required_agents(&q, targets).expect("reachable");
        let r = &voice[hour];
        assert_eq!(r.productive, s.productive_agents);
        assert!((r.productive_fractional - s.fractional_agents).abs() < 1e-12);
        // 30 % shrinkage: scheduled = ⌈n / 0.7⌉.
        assert_eq!(
            r.scheduled,
            (s.productive_agents as f64 / 0.7 - 1e-9).ceil() as u64
        );
        assert!((r.traffic_erlangs - volume * 180.0 / 3600.0).abs() < 1e-12);
        assert_eq!(r.kpis, Some(s.kpis));
    }
    // Open with no calls: the channel's minimum (default 1). Closed: nothing.
    assert_eq!((voice[10].productive, voice[10].scheduled), (1, 2));
    assert_eq!(
        (voice[7].productive, voice[7].scheduled, voice[7].open),
        (0, 0, false)
    );
    assert_eq!((voice[16].productive, voice[16].open), (0, false));
}

#[test]
fn deferred_requirement_checked_by_hand() {
    // E-mail in models/small.toml: 6-minute items, 2-hour window, open 08–16 on weekdays, hourly intervals.
    // Six e-mails arrive at 02:00 (closed: released at the 08:00 opening, due by 10:00) and twelve during
    // 08–09 (each due two hours after it arrives, so all by 11:00). Work: 6 × 360 s at the opening, 12 × 360 s
    // during the first open hour. By hand, the smoothest plan must have done 2 160 s by 10:00 and 6 480 s by
    // 11:00 and cannot run ahead of arrivals (6 480 s by 09:00): the straight line 2 160 s per hour for
    // 08–11 satisfies every bound, so 0.6 agents in each of those hours, then nothing. First in, first out:
    // the 6 night e-mails are answered first, so 12 wait at 09:00, 6 at 10:00, none at 11:00.
    let m = model("models/small.toml");
    let csv = small_day(&[], &[(2, 6.0), (8, 12.0)]);
    let read = read_forecast(Path::new("f.csv"), &csv, &m, Period::default()).expect("valid");
    let req = compute(&m, &read.forecast).expect("requirements");
    let email = &req.channels[1].intervals;
    for (h, r) in email.iter().enumerate() {
        let want = if (8..11).contains(&h) { 0.6 } else { 0.0 };
        assert!(
            (r.productive_fractional - want).abs() < 1e-12,
            "{h}: {}",
            r.productive_fractional
        );
        assert_eq!(r.productive, u64::from(want > 0.0), "{h}");
    }
    let backlog: Vec<f64> = email
        .iter()
        .map(|r| r.backlog_items.expect("deferred"))
        .collect();
    for (h, want) in [
        (1, 0.0),
        (2, 6.0),
        (7, 6.0),
        (8, 12.0),
        (9, 6.0),
        (10, 0.0),
        (15, 0.0),
    ] {
        assert!((backlog[h] - want).abs() < 1e-9, "{h}: {}", backlog[h]);
    }
    assert!(req.channels[1].carried_items.abs() < 1e-9);
}

#[test]
fn spring_dst_week_has_a_23_hour_sunday() {
    let m = model("models/helsinki-multichannel.toml");
    let f = "forecasts/helsinki-dst-week.csv";
    let text = std::fs::read_to_string(f).expect("forecast");
    let read = read_forecast(Path::new(f), &text, &m, Period::default()).expect("valid");
    let starts = &read.forecast.starts;
    // 6 days of 96 quarter hours and one of 92.
    assert_eq!(starts.len(), 6 * 96 + 92);
    let sunday: Vec<String> = starts
        .iter()
        .map(|t| local_iso(&m, *t))
        .filter(|s| s.starts_with("2027-03-28"))
        .collect();
    assert_eq!(sunday.len(), 92);
    assert!(
        sunday.iter().all(|s| !s.contains("T03:")),
        "03:00–03:45 do not exist that night"
    );
    assert_eq!(sunday[8], "2027-03-28T02:00+02:00");
    assert_eq!(sunday[12], "2027-03-28T04:00+03:00");
    // A row at a time the clocks skip is an error that says so.
    let bad = text.replacen("voice,2027-03-28T02:00,0", "voice,2027-03-28T03:00,0", 1);
    let errors =
        errors_of(read_forecast(Path::new(f), &bad, &m, Period::default()).map(|r| r.warnings));
    assert!(errors[0].contains("start: expected a time that exists in Europe/Helsinki (the clocks skip it at the daylight-saving change), found '2027-03-28T03:00'"), "{errors:?}");
}

#[test]
fn autumn_dst_day_has_25_hours_and_the_repeated_hour_twice() {
    let m = model_from("[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n");
    // Sunday 2026-10-25: 04:00 becomes 03:00 again. Local 03:00 is listed twice, meaning both hours.
    let mut csv = String::from("channel,start,volume\n");
    for h in 0..24 {
        csv.push_str(&format!("voice,2026-10-25T{h:02}:00,{}\n", 10 + h));
        if h == 3 {
            csv.push_str("voice,2026-10-25T03:00,99\n");
        }
    }
    let read = read_forecast(Path::new("f.csv"), &csv, &m, Period::default()).expect("valid");
    assert_eq!(read.forecast.starts.len(), 25);
    let labels: Vec<String> = read
        .forecast
        .starts
        .iter()
        .map(|t| local_iso(&m, *t))
        .collect();
    assert_eq!(labels[3], "2026-10-25T03:00+03:00");
    assert_eq!(labels[4], "2026-10-25T03:00+02:00");
    let volumes: Vec<f64> = read.forecast.series[0]
        .volume
        .iter()
        .map(|v| v.expect("listed"))
        .collect();
    assert_eq!((volumes[3], volumes[4], volumes[5]), (13.0, 99.0, 14.0));
    // The same hours written with explicit offsets read the same.
    let explicit = csv
        .replacen(
            "voice,2026-10-25T03:00,13",
            "voice,2026-10-25T03:00+03:00,13",
            1,
        )
        .replacen(
            "voice,2026-10-25T03:00,99",
            "voice,2026-10-25T03:00+02:00,99",
            1,
        );
    let again = read_forecast(Path::new("f.csv"), &explicit, &m, Period::default()).expect("valid");
    assert_eq!(again.forecast.starts, read.forecast.starts);
}

fn vuoro() -> Command {
    Command::cargo_bin("vuoro").expect("binary")
}

#[test]
fn cli_writes_csv_summary_and_chart_deterministically() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("req.csv");
    let svg = dir.path().join("req.svg");
    let png = dir.path().join("req.png");
    let run = |plot: &Path| {
        vuoro()
            .args([
                "requirements",
                "--model",
                "models/helsinki-multichannel.toml",
                "--forecast",
                "forecasts/helsinki-week-48.csv",
                "--out",
            ])
            .arg(&out)
            .arg("--plot")
            .arg(plot)
            .output()
            .expect("runs")
    };
    let first = run(&svg);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let summary = String::from_utf8_lossy(&first.stdout);
    assert!(summary.contains("Mon 23.11.  voice"), "{summary}");
    assert!(summary.contains("shrinkage: breaks"));
    let csv = std::fs::read(&out).expect("csv");
    let chart = std::fs::read_to_string(&svg).expect("svg");
    assert!(
        chart.starts_with("<svg")
            && chart.contains("voice (immediate)")
            && chart.contains("email (deferred)")
    );
    let second = run(&svg);
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(
        std::fs::read(&out).expect("csv"),
        csv,
        "same inputs, same bytes"
    );
    assert_eq!(std::fs::read_to_string(&svg).expect("svg"), chart);
    // CSV: one row per channel × interval.
    let text = String::from_utf8_lossy(&csv);
    assert_eq!(text.lines().count(), 1 + 4 * 672);
    assert!(text
        .lines()
        .nth(1)
        .expect("row")
        .starts_with("voice,2026-11-23T00:00+02:00,false,"));
    // PNG: a real image of the documented size.
    assert!(run(&png).status.success());
    let bytes = std::fs::read(&png).expect("png");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    assert_eq!(width, 1600);
}

#[test]
fn cli_bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let forecast = dir.path().join("f.csv");
    std::fs::write(
        &forecast,
        "channel,start,volume\nvoice,2026-11-23T08:00,-1\n",
    )
    .expect("write");
    let out = dir.path().join("req.csv");
    let plot = dir.path().join("req.svg");
    let result = vuoro()
        .args(["requirements", "--model", "models/small.toml", "--forecast"])
        .arg(&forecast)
        .arg("--out")
        .arg(&out)
        .arg("--plot")
        .arg(&plot)
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: {}:2:3: volume: expected a number of contacts from 0 to 10 000 000, found '-1'",
            forecast.display()
        )),
        "{stderr}"
    );
    assert!(!out.exists() && !plot.exists());
    let wrong_plot = vuoro()
        .args([
            "requirements",
            "--model",
            "models/small.toml",
            "--forecast",
            "forecasts/small-day.csv",
            "--plot",
            "chart.gif",
        ])
        .output()
        .expect("runs");
    assert_eq!(wrong_plot.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&wrong_plot.stderr),
        "error: chart.gif: expected a .svg or .png file name for --plot\n"
    );
}

#[test]
fn absurd_values_and_misplaced_keys_are_errors() {
    let m = model("models/small.toml");
    let csv = small_day(&[(8, 1e10)], &[]);
    let errors = errors_of(
        read_forecast(Path::new("f.csv"), &csv, &m, Period::default()).map(|r| r.warnings),
    );
    assert_eq!(
        errors,
        ["f.csv:10:3: volume: expected a number of contacts from 0 to 10 000 000, found '10000000000'"]
    );
    let text = "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n[[channel]]\nname = \"email\"\nkind = \"deferred\"\naht = \"5m\"\npatience = \"3m\"\ntarget = { response_window = \"4h\" }\n";
    assert_eq!(
        errors_of(Model::from_toml(Path::new("m.toml"), text)),
        ["m.toml:8:12: channel 'email': patience: only immediate channels have it"]
    );
}

#[test]
fn the_same_file_for_two_outputs_is_refused_before_writing() {
    let dir = tempfile::tempdir().expect("temp");
    let both = dir.path().join("x.svg");
    let result = vuoro()
        .args([
            "requirements",
            "--model",
            "models/small.toml",
            "--forecast",
            "forecasts/small-day.csv",
            "--out",
        ])
        .arg(&both)
        .arg("--plot")
        .arg(&both)
        .output()
        .expect("runs");
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("given for two outputs"));
    assert!(!both.exists());
}

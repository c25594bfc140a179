//! Bad input that used to slip through or flood: each class refused with its location and exit 2,
//! nothing written.

use std::process::Command;

fn vuoro(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vuoro"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn a_batch_may_not_write_over_its_own_input() {
    let tmp = tempfile::tempdir().expect("temp");
    let batch = tmp.path().join("b.csv");
    let text = "volume,aht,agents\n100,3m,14\n";
    std::fs::write(&batch, text).expect("write");
    let b = path(&batch);
    let (code, stderr) = vuoro(&["erlang", "--batch", &b, "--format", "csv", "--out", &b]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the output would replace or sit beside the input"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&batch).expect("read"), text);
}

#[test]
fn a_file_without_end_is_not_read_forever() {
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        "models/small.toml",
        "--forecast",
        "/dev/zero",
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "error: /dev/zero: file: expected at most 67108864 bytes (64 MiB), found more\n"
    );
}

#[test]
fn a_broken_file_lists_its_first_hundred_problems_and_counts_the_rest() {
    let tmp = tempfile::tempdir().expect("temp");
    let forecast = tmp.path().join("f.csv");
    let mut text = String::from("channel,start,volume\n");
    for i in 0..1000 {
        text.push_str(&format!(
            "voice,2026-11-23T{:02}:{:02},abc\n",
            (i / 4) % 24,
            15 * (i % 4)
        ));
    }
    std::fs::write(&forecast, text).expect("write");
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        "models/small.toml",
        "--forecast",
        &path(&forecast),
    ]);
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 101, "{}", lines.len());
    assert!(
        lines[100].ends_with("more problems (the first 100 are listed)"),
        "{}",
        lines[100]
    );
}

#[test]
fn a_break_is_paid_or_unpaid_never_guessed() {
    let tmp = tempfile::tempdir().expect("temp");
    let shifts = tmp.path().join("shifts.csv");
    std::fs::write(
        &shifts,
        "date,template,start,end,breaks,count,paid_hours,channels\n\
         2026-11-24,phone 8h,2026-11-24T08:00,2026-11-24T16:30,10:30-10:45 coffee (maybe),1,8,voice\n",
    )
    .expect("write");
    let out = tmp.path().join("out");
    let (code, stderr) = vuoro(&[
        "roster",
        "--model",
        "models/helsinki-multichannel.toml",
        "--shifts",
        &path(&shifts),
        "--agents",
        "models/helsinki-agents.csv",
        "--out",
        &path(&out),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(":2:5: breaks: expected 'HH:MM-HH:MM name (paid|unpaid)'"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn model_values_beyond_reason_are_named_at_their_key() {
    let tmp = tempfile::tempdir().expect("temp");
    let base = "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n";
    let voice = "[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n";
    let cases = [
        (
            format!("{base}[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"25h\"\ntarget = {{ service_level = \"80%\" }}\n"),
            "m.toml:7:7: channel 'voice': aht: expected a duration of at most 24h, found '25h'",
        ),
        (
            format!("{base}{voice}[export.csv]\ncolumns = []\n"),
            "export.csv.columns: expected at least one of",
        ),
        (
            format!("{base}{voice}[export.csv]\nrename = {{ employee_id = \"name\" }}\n"),
            "export.csv.rename: expected distinct headers, found 'name' for both employee_id and name",
        ),
        (
            format!("{base}{}", (0..65).map(|i| format!("[[channel]]\nname = \"c{i}\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = {{ service_level = \"80%\" }}\n")).collect::<String>()),
            "[[channel]]: expected at most 64 channels, found 65",
        ),
    ];
    for (text, want) in cases {
        let model = tmp.path().join("m.toml");
        std::fs::write(&model, text).expect("model");
        let (code, stderr) = vuoro(&[
            "requirements",
            "--model",
            &path(&model),
            "--forecast",
            "forecasts/small-day.csv",
        ]);
        assert_eq!(code, Some(2));
        assert!(stderr.contains(want), "{want}\n{stderr}");
    }
}

#[test]
fn silent_acceptances_of_the_qa_pass_are_errors_now() {
    let tmp = tempfile::tempdir().expect("temp");
    let base = "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n";
    let voice = "[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\n";
    let models = [
        (
            format!("{base}{voice}target = {{ service_level = \"80%\", max_abandon = \"5%\" }}\n"),
            "target.max_abandon: expected a patience for a channel with max_abandon",
        ),
        (
            format!("{base}{voice}target = {{ service_level = \"80%\" }}\n[[shift]]\nname = \"d\"\nlength = \"8h\"\nstart = \"08:00-09:00\"\ndays = []\n"),
            "days: expected at least one day",
        ),
        (
            format!("name = \"{}\"\n{base}{voice}target = {{ service_level = \"80%\" }}\n", "x".repeat(300)),
            "name: expected a name of at most 200 characters on one line",
        ),
    ];
    for (text, want) in models {
        let model = tmp.path().join("m.toml");
        std::fs::write(&model, text).expect("model");
        let (code, stderr) = vuoro(&[
            "requirements",
            "--model",
            &path(&model),
            "--forecast",
            "forecasts/small-day.csv",
        ]);
        assert_eq!(code, Some(2));
        assert!(stderr.contains(want), "{want}\n{stderr}");
    }
    // Agents: a proficiency of 0 and a skill listed twice.
    for (skills, want) in [
        ("voice:0", "optional proficiency above 0 and at most 1"),
        (
            "voice;voice",
            "skills: expected each channel once, found 'voice' twice",
        ),
    ] {
        let agents = tmp.path().join("a.csv");
        std::fs::write(
            &agents,
            format!("id,name,skills,contract_hours\nA1,Aino,{skills},37.5\n"),
        )
        .expect("agents");
        let (code, stderr) = vuoro(&[
            "plan",
            "--model",
            "models/helsinki-multichannel.toml",
            "--forecast",
            "forecasts/helsinki-week-48.csv",
            "--agents",
            &path(&agents),
            "--out",
            &path(&tmp.path().join("out")),
        ]);
        assert_eq!(code, Some(2));
        assert!(stderr.contains(want), "{want}\n{stderr}");
    }
    // A plan row working a channel its template does not.
    let shifts = tmp.path().join("shifts.csv");
    std::fs::write(
        &shifts,
        "date,template,start,end,breaks,count,paid_hours,channels\n\
         2026-11-24,phone 8h,2026-11-24T08:00,2026-11-24T16:30,12:00-12:30 lunch (unpaid),1,8,chat\n",
    )
    .expect("shifts");
    let (code, stderr) = vuoro(&[
        "roster",
        "--model",
        "models/helsinki-multichannel.toml",
        "--shifts",
        &path(&shifts),
        "--agents",
        "models/helsinki-agents.csv",
        "--out",
        &path(&tmp.path().join("out")),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("channels: expected channels of template 'phone 8h' (voice), found 'chat'"),
        "{stderr}"
    );
    // --out naming an existing file is refused before any work.
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "keep").expect("file");
    let (code, stderr) = vuoro(&[
        "schedule",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--out",
        &path(&file),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("expected a directory for --out, found a file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "keep");
}

#[test]
fn repeated_lengths_a_full_floor_and_zero_threads_are_refused() {
    let tmp = tempfile::tempdir().expect("temp");
    let model = tmp.path().join("m.toml");
    std::fs::write(
        &model,
        "name = \"T\"\n[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n[schedule]\n\
         min_interval_service_level = \"100%\"\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\n\
         aht = \"3m\"\ntarget = { service_level = \"80%\" }\n[[shift]]\nname = \"d\"\n\
         lengths = [\"6h\", \"6h\"]\nstart = \"08:00-09:00\"\n",
    )
    .expect("model");
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        &path(&model),
        "--forecast",
        "forecasts/small-day.csv",
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("m.toml:6:30: schedule.min_interval_service_level: expected a share below 100%, found '100%'"), "{stderr}");
    assert!(
        stderr.contains("m.toml:14:18: shift 'd': lengths: expected each length once, found '6h'"),
        "{stderr}"
    );
    let (code, stderr) = vuoro(&[
        "schedule",
        "--model",
        "models/small.toml",
        "--forecast",
        "forecasts/small-day.csv",
        "--out",
        &path(&tmp.path().join("o")),
        "--threads",
        "0",
    ]);
    assert_eq!(
        (code, stderr.as_str()),
        (Some(2), "error: --threads: expected 1 to 256, found '0'\n")
    );
}

#[test]
fn periods_and_costs_that_cannot_be_meant() {
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        "models/small.toml",
        "--forecast",
        "forecasts/small-day.csv",
        "--from",
        "27-03-24",
    ]);
    assert_eq!((code, stderr.as_str()), (Some(2), "error: --from: expected a date from 1970 to 2200 such as 2026-11-23, found 0027-03-24\n"));
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        "models/small.toml",
        "--forecast",
        "forecasts/small-day.csv",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-23",
    ]);
    assert_eq!(
        (code, stderr.as_str()),
        (
            Some(2),
            "error: --to: expected a date on or after --from (2026-11-24), found 2026-11-23\n"
        )
    );
    let tmp = tempfile::tempdir().expect("temp");
    let model = tmp.path().join("m.toml");
    std::fs::write(
        &model,
        "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\n\
         aht = \"3m\"\ntarget = { service_level = \"80%\" }\n[[shift]]\nname = \"d\"\nlength = \"8h\"\n\
         start = \"08:00-09:00\"\ncost_per_hour = 1.0\ncost_per_shift = 9.0\n",
    )
    .expect("model");
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        &path(&model),
        "--forecast",
        "forecasts/small-day.csv",
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("shift 'd': cost_per_shift: expected either cost_per_hour or cost_per_shift, not both, found both"), "{stderr}");
}

#[test]
fn a_handle_time_of_hours_is_warned_and_a_period_beyond_the_forecast_named() {
    let tmp = tempfile::tempdir().expect("temp");
    let forecast = tmp.path().join("f.csv");
    std::fs::write(
        &forecast,
        "channel,start,volume,acw\nvoice,2026-11-23T08:00,10,23h\nemail,2026-11-23T08:00,1,\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_vuoro"))
        .args([
            "requirements",
            "--model",
            "models/small.toml",
            "--forecast",
            &path(&forecast),
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("f.csv:2: 1 row(s) with a handle time (aht + acw) over 4h (first on this line): legal, but check the units"), "{stderr}");
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        "models/small.toml",
        "--forecast",
        "forecasts/small-day.csv",
        "--to",
        "2026-12-30",
    ]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--to: expected a day the forecast covers (it ends 2026-11-24T00:00+02:00), found 2026-12-30"), "{stderr}");
}

#[test]
fn availability_for_other_days_is_warned() {
    let tmp = tempfile::tempdir().expect("temp");
    let availability = tmp.path().join("av.csv");
    std::fs::write(
        &availability,
        "agent_id,date,from,to,kind\nA001,2027-01-05,08:00,12:00,unavailable\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_vuoro"))
        .args([
            "plan",
            "--model",
            "models/helsinki-multichannel.toml",
            "--forecast",
            "forecasts/helsinki-week-48.csv",
            "--agents",
            "models/helsinki-agents.csv",
            "--availability",
            &path(&availability),
            "--from",
            "2026-11-24",
            "--to",
            "2026-11-24",
            "--time-limit",
            "10",
            "--out",
            &path(&tmp.path().join("plan")),
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("av.csv:2: 1 availability row(s) dated outside the rostered days 2026-11-24 – 2026-11-24 (first on this line); they change nothing"),
        "{stderr}"
    );
}

#[test]
fn a_break_of_hours_is_named_as_too_long() {
    let tmp = tempfile::tempdir().expect("temp");
    let model = tmp.path().join("m.toml");
    std::fs::write(
        &model,
        "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\n\
         aht = \"3m\"\ntarget = { service_level = \"80%\" }\n[[shift]]\nname = \"d\"\nlength = \"8h\"\n\
         start = \"08:00-09:00\"\nbreaks = [ { length = \"20h\", window = \"1h-2h\" } ]\n",
    )
    .expect("model");
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        &path(&model),
        "--forecast",
        "forecasts/small-day.csv",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("shift 'd': breaks[0].length: expected a break of at most 2h, found '20h'"),
        "{stderr}"
    );
}

#[test]
fn bad_flags_and_files_are_named_with_exit_2() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["erlang", "--volume", "100", "--aht", "1e308", "--agents", "10"],
            "error: --aht: expected a handle time of at most 24h, found '1e308'\n",
        ),
        (
            &["erlang", "--volume", "100", "--aht", "3m", "--agents", "14", "--threshold", "1e308"],
            "error: --threshold: expected a duration from 0 s to 24h, found '1e308'\n",
        ),
        (
            &["schedule", "--model", "models/small.toml", "--forecast", "forecasts/small-day.csv",
              "--out", "/nonexistent/x", "--time-limit", "-1"],
            "error: --time-limit: expected seconds from 0.001 to 1000000, found '-1'\n",
        ),
        (
            &["schedule", "--model", "models/small.toml", "--forecast", "forecasts/small-day.csv",
              "--out", "/nonexistent/x", "--mip-gap", "2"],
            "error: --mip-gap: expected a share from 0 up to 100% such as 0.5% or 0.005, found '2'\n",
        ),
        (
            &["schedule", "--model", "models/small.toml", "--forecast", "forecasts/small-day.csv",
              "--out", "/nonexistent/x"],
            "error: models/small.toml: the model has no [[shift]] templates; add at least one (see models/README.md)\n",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(vuoro(args), (Some(2), want.to_string()), "{args:?}");
    }
}

#[test]
fn a_byte_that_is_not_utf8_is_named_by_line_and_column() {
    let tmp = tempfile::tempdir().expect("temp");
    let bad = tmp.path().join("f.csv");
    std::fs::write(
        &bad,
        b"channel,start,volume\nvoice,2026-11-23T08:00,1\xff\n",
    )
    .expect("write");
    let bad_text = bad.to_string_lossy().into_owned();
    let (code, stderr) = vuoro(&[
        "requirements",
        "--model",
        "models/small.toml",
        "--forecast",
        &bad_text,
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        format!("error: {bad_text}:2:25: expected UTF-8 text (save the file as UTF-8), found the byte 0xff\n")
    );
}

//! `vuoro erlang` driven as a user drives it: the real binary, its stdout, stderr, exit code and files.

use assert_cmd::Command;
use std::path::Path;

fn vuoro() -> Command {
    Command::cargo_bin("vuoro").expect("binary built")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = vuoro().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Rows of a CSV output as (header → value) lookups.
fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("row");
            headers
                .iter()
                .map(str::to_string)
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn num(row: &std::collections::HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {}", row[column]))
}

#[test]
fn classic_case_table() {
    let (code, out, err) = run(&[
        "erlang",
        "--volume",
        "100",
        "--interval",
        "30m",
        "--aht",
        "3m",
        "--threshold",
        "20s",
        "--agents",
        "14",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Erlang C · 100 contacts per 30m · AHT 3m · 10.00 Erlangs\n"),
        "{out}"
    );
    for expected in ["88.84 %", "7.84 s", "17.41 %", "71.43 %"] {
        assert!(out.contains(expected), "{expected} missing in\n{out}");
    }
}

#[test]
fn erlang_a_with_patience_prints_abandonment_and_every_convention() {
    let (code, out, _) = run(&[
        "erlang",
        "--volume",
        "100",
        "--aht",
        "3m",
        "--agents",
        "14",
        "--patience",
        "2m",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("Erlang A"));
    assert!(out.contains("abandonment"));
    for convention in [
        "offered",
        "answered",
        "excl_abandon_within",
        "wait_within",
        "virtual",
    ] {
        assert!(out.contains(&format!("SL {convention}")), "{convention}");
    }
}

#[test]
fn targets_give_required_agents_with_shrinkage() {
    let (code, out, _) = run(&[
        "erlang",
        "--volume",
        "100",
        "--aht",
        "180",
        "--target-sl",
        "80%",
        "--shrinkage",
        "30%",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["agents"], "20");
    assert_eq!(rows[0]["productive_agents"], "14");
    let fractional = num(&rows[0], "fractional_productive_agents");
    assert!(fractional > 13.0 && fractional <= 14.0);
    assert!((num(&rows[0], "fractional_agents") - fractional / 0.7).abs() < 1e-9);
    assert_eq!(rows[0]["meets_targets"], "true");
}

#[test]
fn shrinkage_float_noise_does_not_cost_an_agent() {
    // 84 productive at 30 % shrinkage are 120 scheduled; 120 scheduled give back 84 productive.
    let (_, out, _) = run(&[
        "erlang",
        "--volume",
        "1",
        "--aht",
        "1s",
        "--agents",
        "120",
        "--shrinkage",
        "30%",
        "--format",
        "csv",
    ]);
    assert_eq!(csv_rows(&out)[0]["productive_agents"], "84");
}

#[test]
fn what_if_table_marks_the_fewest_agents_meeting_the_target() {
    let (code, out, _) = run(&[
        "erlang",
        "--volume",
        "100",
        "--aht",
        "3m",
        "--agents",
        "10..16",
        "--target-sl",
        "80%",
    ]);
    assert_eq!(code, 0);
    let marked: Vec<&str> = out.lines().filter(|l| l.contains("<- fewest")).collect();
    assert_eq!(marked.len(), 1, "{out}");
    assert!(marked[0].trim_start().starts_with("14 "), "{}", marked[0]);
    // 10 agents at 10 Erlangs: unstable, shown as such rather than as a number.
    assert!(out
        .lines()
        .any(|l| l.trim_start().starts_with("10 ") && l.contains("inf")));
}

#[test]
fn json_rows_parse_and_carry_null_for_infinity() {
    let (code, out, _) = run(&[
        "erlang", "--volume", "100", "--aht", "3m", "--agents", "9..11", "--format", "json",
    ]);
    assert_eq!(code, 0);
    let rows: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 3);
    assert!(rows[0]["asa_s"].is_null());
    assert_eq!(rows[0]["p_wait"], 1);
    assert!(rows[2]["asa_s"].as_f64().expect("finite") > 0.0);
}

#[test]
fn given_staffing_that_misses_its_target_exits_1() {
    let (code, out, _) = run(&[
        "erlang",
        "--volume",
        "100",
        "--aht",
        "3m",
        "--agents",
        "12",
        "--target-sl",
        "80%",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("NOT met"));
}

#[test]
fn bad_flag_values_name_the_flag_and_exit_2() {
    let (code, out, err) = run(&[
        "erlang",
        "--volume",
        "-4",
        "--aht",
        "3 parsecs",
        "--target-sl",
        "80",
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        err,
        "error: --volume: expected a positive number of contacts per interval, found '-4'\n\
         error: --aht: expected a duration such as 20s, 3m, 1h30m or plain seconds, found '3 parsecs'\n\
         error: --target-sl: expected a share such as 80% or 0.8, found '80'\n"
    );
    let (code, _, err) = run(&["erlang", "--volume", "100", "--aht", "3m"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--agents: expected agents to evaluate, or a target to staff for"),
        "{err}"
    );
}

#[test]
fn help_shows_examples() {
    let (code, out, _) = run(&["erlang", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Examples:"));
    assert!(out.contains("vuoro erlang --batch"));
    assert!(out.contains("wait_within"));
}

#[test]
fn batch_writes_one_row_per_case_in_order_atomically_and_deterministically() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_path = dir.path().join("results.csv");
    let out_str = out_path.to_str().expect("utf-8 path");
    let args = [
        "erlang",
        "--batch",
        "forecasts/monday-intervals.csv",
        "--format",
        "csv",
        "--out",
        out_str,
    ];
    let (code, stdout, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    let first = std::fs::read(&out_path).expect("written");
    let rows = csv_rows(&String::from_utf8_lossy(&first));
    let input = std::fs::read_to_string("forecasts/monday-intervals.csv").expect("example");
    assert_eq!(rows.len(), input.lines().count() - 1);
    assert_eq!(rows[0]["label"], "Mon 08:00 voice");
    assert_eq!(rows.last().expect("rows")["label"], "Mon 17:30 chat");
    for row in &rows {
        assert_eq!(row["meets_targets"], "true");
        assert!(num(row, "service_level") >= 0.8);
        assert!(num(row, "occupancy") <= 0.9 + 1e-12);
    }
    // Same inputs, same bytes.
    run(&args);
    assert_eq!(std::fs::read(&out_path).expect("written"), first);
    // No temporary file left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("results.csv")]);
}

#[test]
fn bad_batch_reports_every_problem_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = dir.path().join("cases.csv");
    std::fs::write(
        &cases,
        "volume,aht,target_sl\n100,3m,80%\n-4,3m,80%\n100,3x,80%\n100,3m,120%\n",
    )
    .expect("write");
    let out_path = dir.path().join("out.csv");
    let (code, stdout, err) = run(&[
        "erlang",
        "--batch",
        cases.to_str().expect("utf-8"),
        "--format",
        "csv",
        "--out",
        out_path.to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    let p = cases.display();
    assert_eq!(
        err,
        format!(
            "error: {p}:3:1: volume: expected a positive number of contacts per interval, found '-4'\n\
             error: {p}:4:2: aht: expected a duration such as 20s, 3m, 1h30m or plain seconds, found '3x'\n\
             error: {p}:5:3: target_sl: expected a share such as 80% or 0.8, found '120%'\n"
        )
    );
    assert!(!Path::new(&out_path).exists());
}

#[test]
fn missing_batch_file_is_an_input_error() {
    let (code, _, err) = run(&["erlang", "--batch", "no/such/file.csv"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: no/such/file.csv: cannot read:"),
        "{err}"
    );
}

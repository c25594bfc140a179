//! CLI conventions driven through the real binary: `--format json` summaries carry the table's figures,
//! `--quiet` removes progress and tables but no result or warning, completions and manual pages name every
//! command, and every shipped file a `--help` names exists.

use serde_json::Value;
use std::process::Command;

const COMMANDS: [&str; 6] = [
    "erlang",
    "requirements",
    "schedule",
    "roster",
    "plan",
    "simulate",
];

/// Exit code, stdout, stderr.
fn vuoro(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_vuoro"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn path(p: &std::path::Path) -> String {
    p.to_string_lossy().into_owned()
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// `85.3 %` as the tables print a share, `-` for none.
fn percent(v: &Value) -> String {
    v.as_f64()
        .map_or("-".to_string(), |x| format!("{:.1} %", 100.0 * x))
}

/// `Mon 23.11.` as the tables label a day given as `2026-11-23`.
fn day_label(date: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("a date");
    use chrono::Datelike as _;
    format!("{} {:02}.{:02}.", d.weekday(), d.day(), d.month())
}

/// The line of the service table (`report::service`) the JSON `line` of `channel` stands for, without
/// the miss marks at its end.
fn service_line(channel: &Value, line: &Value, label: &str) -> String {
    let target = channel["target_service_level"].clone();
    format!(
        "{:<11} {:<9} {:>9.0} {:>10.1} {:>11.1} {:>8} {:>8} {:>9} {:>8} {:>13}",
        label,
        channel["channel"].as_str().expect("name"),
        num(&line["contacts"]),
        num(&line["required_h"]),
        num(&line["scheduled_h"]),
        percent(&line["service_level"]),
        percent(&target),
        line["asa_s"]
            .as_f64()
            .map_or("-".to_string(), |a| format!("{a:.1} s")),
        percent(&line["p_abandon"]),
        format!("{:.0} / {:.0}", num(&line["under"]), num(&line["over"])),
    )
}

/// Every day line of every channel of a `service` array appears in the table.
fn assert_service_in_table(service: &Value, table: &str) {
    let channels = service.as_array().expect("service array");
    assert!(!channels.is_empty());
    let mut checked = 0;
    for channel in channels {
        for day in channel["days"].as_array().expect("days") {
            let label = day_label(day["period"].as_str().expect("period"));
            let want = service_line(channel, day, &label);
            assert!(
                table.lines().any(|l| l.starts_with(&want)),
                "{want}\nnot in\n{table}"
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}

#[test]
fn requirements_json_carries_the_table_figures() {
    let tmp = tempfile::tempdir().expect("temp");
    let csv = path(&tmp.path().join("r.csv"));
    let args = [
        "requirements",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--out",
        &csv,
    ];
    let (code, table, _) = vuoro(&args);
    assert_eq!(code, Some(0));
    let (code, text, _) = vuoro(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, Some(0));
    let doc = json(&text);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["command"], "requirements");
    let channels = doc["channels"].as_array().expect("channels");
    assert_eq!(channels.len(), 4);
    for ch in channels {
        let immediate = ch["kind"] != "deferred";
        for day in ch["days"].as_array().expect("days") {
            let backlog = if immediate {
                "-".to_string()
            } else {
                format!("{:.0}", num(&day["max_backlog_items"]))
            };
            let want = format!(
                "{:<11} {:<9} {:>9.0} {:>9.1} {:>6} {:>9.1} {:>9.1} {:>8} {:>8} {:>9}",
                day_label(day["period"].as_str().expect("date")),
                ch["channel"].as_str().expect("name"),
                num(&day["contacts"]),
                num(&day["workload_h"]),
                day["peak_scheduled_agents"].as_u64().expect("agents"),
                num(&day["scheduled_h"]),
                num(&day["productive_h"]),
                percent(&day["service_level"]),
                percent(&day["p_abandon"]),
                backlog
            );
            assert!(table.contains(&want), "{want}\nnot in\n{table}");
        }
    }
}

#[test]
fn schedule_and_simulate_json_carry_the_table_figures() {
    let tmp = tempfile::tempdir().expect("temp");
    let out = path(&tmp.path().join("plan"));
    let args = [
        "schedule",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-24",
        // The table and the JSON come from two runs: the deterministic budget must decide, not the
        // wall-clock safety stop on a loaded machine.
        "--time-limit",
        "3600",
        "--out",
        &out,
    ];
    let (_, table, stderr) = vuoro(&args);
    assert!(table.contains("shift plan"), "{table}{stderr}");
    let (code, text, _) = vuoro(&[&args[..], &["--format", "json"]].concat());
    let doc = json(&text);
    assert_eq!(doc["command"], "schedule");
    assert_eq!(doc["targets_met"], Value::Bool(code == Some(0)));
    let paid = format!("paid hours {:.1} ·", num(&doc["paid_hours"]));
    assert!(table.contains(&paid), "{paid}\n{table}");
    let solver = format!(
        "solver {}: {} · cost {:.2} · LP bound {:.2}",
        doc["solver"]["backend"].as_str().expect("backend"),
        doc["solver"]["status_words"].as_str().expect("status"),
        num(&doc["solver"]["objective"]),
        num(&doc["solver"]["lp_bound"])
    );
    assert!(table.contains(&solver), "{solver}\n{table}");
    assert_service_in_table(&doc["service"], &table);

    let sim = path(&tmp.path().join("sim"));
    let args = [
        "simulate",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-24",
        "--plan",
        &out,
        "--replications",
        "4",
        "--out",
        &sim,
    ];
    let (_, table, _) = vuoro(&args);
    let (_, text, _) = vuoro(&[&args[..], &["--format", "json"]].concat());
    let doc = json(&text);
    assert_eq!(doc["replications"], 4);
    for ch in doc["channels"].as_array().expect("channels") {
        let Some(week) = ch["periods"]
            .as_array()
            .expect("periods")
            .iter()
            .find(|p| p["period"] == "week")
        else {
            panic!("no period line: {ch}")
        };
        let sl = &week["service_level"];
        let simulated = if sl.is_null() {
            "-".to_string()
        } else {
            format!(
                "{:.1} % ({:.1}–{:.1})",
                100.0 * num(&sl["mean"]),
                100.0 * num(&sl["low"]).max(0.0),
                100.0 * num(&sl["high"]).min(1.0)
            )
        };
        let want = format!(
            "{:<10} {:<9} {:>24}",
            "week",
            ch["channel"].as_str().expect("name"),
            simulated
        );
        assert!(table.contains(&want), "{want}\nnot in\n{table}");
    }
}

#[test]
fn plan_json_carries_the_roster_figures() {
    let tmp = tempfile::tempdir().expect("temp");
    let out = path(&tmp.path().join("plan"));
    let args = [
        "plan",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--agents",
        "models/helsinki-agents.csv",
        "--from",
        "2026-11-24",
        "--to",
        "2026-11-24",
        // The table and the JSON come from two runs: the deterministic budget must decide, not the
        // wall-clock safety stop on a loaded machine.
        "--time-limit",
        "3600",
        "--export",
        "csv",
        "--plot-format",
        "png",
        "--out",
        &out,
    ];
    let (_, table, stderr) = vuoro(&args);
    assert!(table.contains("· roster:"), "{table}{stderr}");
    // --plot-format reaches plan as it reaches schedule.
    assert!(tmp.path().join("plan/coverage.png").exists());
    let (code, text, _) = vuoro(&[&args[..], &["--format", "json", "--quiet"]].concat());
    let doc = json(&text);
    assert_eq!(doc["command"], "plan");
    assert_eq!(doc["targets_met"], Value::Bool(code == Some(0)));
    let roster = &doc["roster"];
    let head = format!(
        "roster: {} agents, {} shifts filled ({:.0} paid h), {} open",
        roster["agents"],
        roster["shifts_filled"],
        num(&roster["paid_hours"]),
        roster["open"]
    );
    assert!(table.contains(&head), "{head}\n{table}");
    assert_eq!(roster["agents"], 114);
    // The default budget is the full one: the search runs from every start and says so.
    let search = &roster["search"];
    assert_eq!(search["starts"], 12);
    let line = format!(
        "roster search: {} moves tried, {} kept, in {} start(s)",
        search["moves"], search["accepted"], search["starts"]
    );
    assert!(table.contains(&line), "{line}\n{table}");
    assert_service_in_table(&doc["service"], &table);
    let broken = doc["violations"].as_array().expect("violations").len();
    if broken == 0 {
        assert!(table.contains("no labour rule broken"));
    } else {
        assert!(
            table.contains(&format!("rules broken ({broken}):")),
            "{table}"
        );
    }
}

#[test]
fn quiet_leaves_results_and_warnings_only() {
    let tmp = tempfile::tempdir().expect("temp");
    let out = path(&tmp.path().join("r.csv"));
    let (code, stdout, stderr) = vuoro(&[
        "--quiet",
        "requirements",
        "--model",
        "models/helsinki-multichannel.toml",
        "--forecast",
        "forecasts/helsinki-week-48.csv",
        "--out",
        &out,
    ]);
    assert_eq!(code, Some(0));
    assert_eq!((stdout.as_str(), stderr.as_str()), ("", ""));
    assert!(std::fs::metadata(&out).expect("written").len() > 100_000);
    // The calculator's answer is a result, not a summary: --quiet keeps it (-q after the command too).
    let (code, stdout, _) = vuoro(&[
        "erlang", "--volume", "100", "--aht", "3m", "--agents", "14", "-q",
    ]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("service level"), "{stdout}");
}

#[test]
fn completions_name_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, stdout, stderr) = vuoro(&["completions", shell]);
        assert_eq!(code, Some(0), "{shell}: {stderr}");
        for command in COMMANDS {
            assert!(stdout.contains(command), "{shell} lacks {command}");
        }
        assert!(stdout.contains("mip-gap"), "{shell} lacks the solver flags");
    }
    let (code, _, stderr) = vuoro(&["completions", "tcsh"]);
    assert_eq!(code, Some(2), "{stderr}");
}

#[test]
fn man_pages_cover_every_command() {
    let (code, page, _) = vuoro(&["man"]);
    assert_eq!(code, Some(0));
    assert!(
        page.starts_with(".ie") || page.contains(".TH vuoro 1"),
        "{page}"
    );
    for command in COMMANDS {
        assert!(page.contains(&format!("vuoro\\-{command}(1)")), "{command}");
    }
    let tmp = tempfile::tempdir().expect("temp");
    let dir = tmp.path().join("man");
    let (code, stdout, stderr) = vuoro(&["man", "--out", &path(&dir)]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "");
    for command in COMMANDS {
        let page = std::fs::read_to_string(dir.join(format!("vuoro-{command}.1")))
            .unwrap_or_else(|e| panic!("vuoro-{command}.1: {e}"));
        assert!(page.contains(".TH vuoro-"), "{command}");
        assert!(
            page.contains("Examples") || page.contains("Example"),
            "{command}"
        );
    }
    assert!(dir.join("vuoro.1").exists());
}

/// Every `models/…` and `forecasts/…` file any `--help` names exists, and the agent count the plan
/// example states is the shipped file's.
#[test]
fn files_named_in_help_exist() {
    let mut named = 0;
    for args in std::iter::once(vec!["--help"])
        .chain(COMMANDS.iter().map(|c| vec![*c, "--help"]))
        .chain([vec!["completions", "--help"], vec!["man", "--help"]])
    {
        let (code, help, _) = vuoro(&args);
        assert_eq!(code, Some(0));
        for word in help.split(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == ')') {
            let word = word.trim_end_matches(['.', ':', ';']);
            if word.starts_with("models/") || word.starts_with("forecasts/") {
                assert!(
                    std::path::Path::new(word).is_file(),
                    "{args:?} names {word}, which does not exist"
                );
                named += 1;
            }
        }
    }
    assert!(named >= 10, "{named}");
    let (_, help, _) = vuoro(&["plan", "--help"]);
    let agents = std::fs::read_to_string("models/helsinki-agents.csv")
        .expect("agents")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .count();
    assert!(
        help.contains(&format!("{agents} named agents")),
        "{agents}:\n{help}"
    );
}

#[test]
fn the_plan_is_the_same_on_one_thread_and_two() {
    // A daily goal runs its search beside the interval plan, and the interval plan re-solves days two
    // at a time: with `--threads 1` all of it runs on one thread, with 2 side by side. The work is split
    // the same way either way, so the files must be the same bytes.
    let tmp = tempfile::tempdir().expect("temp");
    let run = |threads: &str| {
        let out = tmp.path().join(format!("plan-{threads}"));
        let (code, _, stderr) = vuoro(&[
            "schedule",
            "--model",
            "models/helsinki-multichannel.toml",
            "--forecast",
            "forecasts/helsinki-week-48.csv",
            "--from",
            "2026-11-24",
            "--to",
            "2026-11-24",
            "--goal",
            "daily",
            "--time-limit",
            "3600",
            "--threads",
            threads,
            "--out",
            &path(&out),
        ]);
        assert!(matches!(code, Some(0 | 1)), "{stderr}");
        std::fs::read(out.join("shifts.csv")).expect("shifts.csv written")
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
}

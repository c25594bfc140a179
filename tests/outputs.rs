//! An output folder is committed as a whole: foreign files stay, files vuoro wrote before and did not
//! write again go, a failing standard output changes nothing, leftovers of killed runs are cleaned up,
//! and an output folder may not hold an input.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const MODEL: &str = "name = \"T\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
    [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
    hours = { weekdays = \"08:00-20:00\" }\n\
    [[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"08:00-10:00\"\nstart_step = \"1h\"\n";

/// A model and a requirements file in `inputs`.
fn inputs(inputs: &Path) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(inputs).expect("inputs");
    let model = inputs.join("m.toml");
    std::fs::write(&model, MODEL).expect("model");
    let mut csv = String::from("channel,start,required\n");
    for h in 0..24 {
        let r = if (9..17).contains(&h) { 2 } else { 0 };
        csv.push_str(&format!("voice,2026-11-23T{h:02}:00,{r}\n"));
    }
    let req = inputs.join("r.csv");
    std::fs::write(&req, csv).expect("requirements");
    (model, req)
}

fn schedule(model: &Path, req: &Path, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vuoro"));
    cmd.args(["schedule", "--model"])
        .arg(model)
        .arg("--requirements")
        .arg(req)
        .arg("--out")
        .arg(out)
        .stderr(Stdio::null());
    cmd
}

/// Every file under `dir`, relative, with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = format!("{rel}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                walk(&e.path(), &format!("{name}/"), out);
            } else {
                out.push((name, std::fs::read(e.path()).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

fn names(dir: &Path) -> Vec<String> {
    snapshot(dir).into_iter().map(|(n, _)| n).collect()
}

#[test]
fn foreign_files_stay_and_stale_outputs_go() {
    let tmp = tempfile::tempdir().expect("temp");
    let (model, req) = inputs(&tmp.path().join("in"));
    let out = tmp.path().join("plan");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("notes.txt"), "the planner's own file").expect("notes");
    // A file vuoro wrote last time and does not write now (a calendar of an agent who left).
    std::fs::write(
        out.join(".vuoro-manifest-schedule"),
        "shifts.csv\nics/A999.ics\n",
    )
    .expect("manifest");
    std::fs::create_dir_all(out.join("ics")).expect("ics");
    std::fs::write(out.join("ics/A999.ics"), "old").expect("old calendar");
    let status = schedule(&model, &req, &out)
        .stdout(Stdio::null())
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        names(&out),
        [
            ".vuoro-manifest-schedule",
            "coverage.csv",
            "coverage.svg",
            "notes.txt",
            "report.html",
            "shifts.csv"
        ]
    );
    let manifest = std::fs::read_to_string(out.join(".vuoro-manifest-schedule")).expect("manifest");
    assert_eq!(
        manifest,
        "coverage.csv\ncoverage.svg\nreport.html\nshifts.csv\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("notes"),
        "the planner's own file"
    );
    // Nothing of the run is left beside the folder.
    let beside: Vec<String> = names(tmp.path())
        .into_iter()
        .filter(|n| n.contains(".vuoro-stage") || n.contains(".vuoro-old") || n.contains(".tmp-"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn a_failing_standard_output_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp");
    let (model, req) = inputs(&tmp.path().join("in"));
    let out = tmp.path().join("plan");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("shifts.csv"), "an earlier plan").expect("earlier");
    let before = snapshot(tmp.path());
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let status = schedule(&model, &req, &out)
        .stdout(full)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(2));
    assert_eq!(snapshot(tmp.path()), before);
}

#[test]
fn leftovers_of_killed_runs_are_cleaned_up() {
    let tmp = tempfile::tempdir().expect("temp");
    let (model, req) = inputs(&tmp.path().join("in"));
    let out = tmp.path().join("plan");
    // A staging folder and a temporary file of a process that no longer exists.
    let stale = tmp.path().join(".plan.vuoro-stage-4000000");
    std::fs::create_dir_all(&stale).expect("stale");
    std::fs::write(stale.join("shifts.csv"), "half").expect("half");
    let status = schedule(&model, &req, &out)
        .stdout(Stdio::null())
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    assert!(!stale.exists());
    assert!(out.join("shifts.csv").exists());
}

#[test]
fn an_output_folder_may_not_hold_an_input() {
    let tmp = tempfile::tempdir().expect("temp");
    let (model, req) = inputs(&tmp.path().join("in"));
    let output = schedule(&model, &req, &tmp.path().join("in"))
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the output would replace or sit beside the input"),
        "{stderr}"
    );
    // The requirements CSV may not be written over the forecast either.
    let output = Command::new(env!("CARGO_BIN_EXE_vuoro"))
        .args([
            "requirements",
            "--model",
            "models/small.toml",
            "--forecast",
            "forecasts/small-day.csv",
            "--out",
            "forecasts/small-day.csv",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_command_keeps_the_files_another_command_wrote_into_the_folder() {
    // `vuoro plan` wrote a roster here; `vuoro schedule` into the same folder replaces its own files only.
    let tmp = tempfile::tempdir().expect("temp");
    let (model, req) = inputs(&tmp.path().join("in"));
    let out = tmp.path().join("plan");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join(".vuoro-manifest-plan"), "roster.csv\nshifts.csv\n").expect("manifest");
    std::fs::write(out.join("roster.csv"), "the roster").expect("roster");
    let status = schedule(&model, &req, &out)
        .stdout(Stdio::null())
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(out.join("roster.csv")).expect("kept"),
        "the roster"
    );
    assert!(
        out.join(".vuoro-manifest-plan").exists() && out.join(".vuoro-manifest-schedule").exists()
    );
}

/// `vuoro roster` of `shifts` (rows `date,start hour,end hour`) for `agents` into `out`.
fn roster_run(dir: &Path, out: &Path, agents: &str, shifts: &[(u32, u32, u32)]) -> Command {
    roster_run_with(dir, out, "", agents, shifts)
}

/// [`roster_run`] with `extra` appended to the model.
fn roster_run_with(
    dir: &Path,
    out: &Path,
    extra: &str,
    agents: &str,
    shifts: &[(u32, u32, u32)],
) -> Command {
    let model = dir.join("m.toml");
    std::fs::write(&model, format!("{MODEL}{extra}")).expect("model");
    let agents_file = dir.join("agents.csv");
    std::fs::write(&agents_file, agents).expect("agents");
    let mut csv = String::from("date,template,start,end,breaks,count,paid_hours,channels\n");
    for (day, from, to) in shifts {
        csv.push_str(&format!(
            "2026-11-{day},day,2026-11-{day}T{from:02}:00+02:00,2026-11-{day}T{to:02}:00+02:00,,1,8,voice\n"
        ));
    }
    let shifts_file = dir.join("shifts.csv");
    std::fs::write(&shifts_file, csv).expect("shifts");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vuoro"));
    cmd.args(["roster", "--model"])
        .arg(&model)
        .arg("--shifts")
        .arg(&shifts_file)
        .arg("--agents")
        .arg(&agents_file)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// (UID, SEQUENCE, DTSTART) of each event of a calendar file.
fn events(path: &Path) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(path).expect("calendar");
    let mut out = Vec::new();
    let mut current = (String::new(), String::new(), String::new());
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("UID:") {
            current.0 = v.to_string();
        } else if let Some(v) = line.strip_prefix("SEQUENCE:") {
            current.1 = v.to_string();
        } else if let Some(v) = line.strip_prefix("DTSTART;TZID=Europe/Helsinki:") {
            current.2 = v.to_string();
        } else if line == "END:VEVENT" {
            out.push(std::mem::take(&mut current));
        }
    }
    out
}

#[test]
fn replanning_into_the_same_folder_updates_calendars_and_removes_what_no_longer_belongs() {
    let tmp = tempfile::tempdir().expect("temp");
    let inputs = tmp.path().join("in");
    std::fs::create_dir_all(&inputs).expect("inputs");
    let out = tmp.path().join("roster");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(out.join("notes.txt"), "the planner's own file").expect("notes");
    // A1 is furthest below contract, so takes Monday 08–16 and Tuesday; A2 Monday 14–22 (after which
    // nobody may start at 08 on Tuesday: 11 h rest).
    let both =
        "id,name,team,skills,contract_hours\nA1,Aino,Phone,voice,40\nA2,Eetu,Phone,voice,20\n";
    let first = [(23, 8, 16), (23, 14, 22), (24, 8, 16)];
    let status = roster_run(&inputs, &out, both, &first)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        names(&out),
        [
            ".vuoro-manifest-roster",
            "ics/A1.ics",
            "ics/A2.ics",
            "notes.txt",
            "report.html",
            "roster.csv",
            "roster.json",
            "roster.xlsx",
            "roster_daily.csv"
        ]
    );
    let s = |x: &str| x.to_string();
    assert_eq!(
        events(&out.join("ics/A1.ics")),
        [
            (s("A1-20261123@vuoro"), s("0"), s("20261123T080000")),
            (s("A1-20261124@vuoro"), s("0"), s("20261124T080000"))
        ]
    );
    // A2 left; Monday's shift moved to 10–18; only CSV and calendars are asked for this time.
    let only_a1 = "id,name,team,skills,contract_hours\nA1,Aino,Phone,voice,40\n";
    let status = roster_run(&inputs, &out, only_a1, &[(23, 10, 18), (24, 8, 16)])
        .args(["--export", "csv,ics", "--previous"])
        .arg(&out)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        names(&out),
        [
            ".vuoro-manifest-roster",
            "ics/A1.ics",
            "notes.txt",
            "report.html",
            "roster.csv",
            "roster_daily.csv"
        ]
    );
    assert_eq!(
        events(&out.join("ics/A1.ics")),
        [
            (s("A1-20261123@vuoro"), s("1"), s("20261123T100000")),
            (s("A1-20261124@vuoro"), s("0"), s("20261124T080000"))
        ]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("notes"),
        "the planner's own file"
    );
    // A third run reads the sequences back from the calendars: nothing changed, nothing raised.
    let status = roster_run(&inputs, &out, only_a1, &[(23, 10, 18), (24, 8, 16)])
        .args(["--export", "ics", "--previous"])
        .arg(&out)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        events(&out.join("ics/A1.ics"))
            .iter()
            .map(|e| e.1.as_str())
            .collect::<Vec<_>>(),
        ["1", "0"]
    );
}

#[test]
fn a_previous_folder_that_holds_no_roster_is_refused_before_anything_changes() {
    let tmp = tempfile::tempdir().expect("temp");
    let inputs = tmp.path().join("in");
    std::fs::create_dir_all(&inputs).expect("inputs");
    let out = tmp.path().join("roster");
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).expect("empty");
    let agents = "id,name,team,skills,contract_hours\nA1,Aino,Phone,voice,40\n";
    let before = snapshot(tmp.path());
    let output = roster_run(&inputs, &out, agents, &[(23, 8, 16)])
        .arg("--previous")
        .arg(&empty)
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: {}: --previous: expected roster.json or ics/*.ics of an earlier vuoro roster or plan, found neither\n",
            empty.display()
        )
    );
    let after: Vec<_> = snapshot(tmp.path())
        .into_iter()
        .filter(|(n, _)| !n.starts_with("in/"))
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(n, _)| !n.starts_with("in/"))
        .collect();
    assert_eq!(after, before);
}

#[test]
fn a_roster_run_answers_for_the_roster_files_a_plan_run_wrote() {
    // `vuoro plan` wrote a plan and a roster here; re-rostering with `vuoro roster` replaces the roster
    // files (the calendar of an agent who left, a JSON not asked for this time) and keeps the plan and
    // files no vuoro manifest lists.
    let tmp = tempfile::tempdir().expect("temp");
    let inputs = tmp.path().join("in");
    std::fs::create_dir_all(&inputs).expect("inputs");
    let out = tmp.path().join("plan");
    std::fs::create_dir_all(out.join("ics")).expect("out");
    std::fs::write(
        out.join(".vuoro-manifest-plan"),
        "coverage.csv\nics/A9.ics\nroster.json\nshifts.csv\n",
    )
    .expect("manifest");
    for file in [
        "coverage.csv",
        "ics/A9.ics",
        "roster.json",
        "shifts.csv",
        "ics/mine.ics",
    ] {
        std::fs::write(out.join(file), "earlier").expect(file);
    }
    let agents = "id,name,team,skills,contract_hours\nA1,Aino,Phone,voice,40\n";
    let status = roster_run(&inputs, &out, agents, &[(23, 8, 16)])
        .args(["--export", "csv"])
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        names(&out),
        [
            ".vuoro-manifest-plan",
            ".vuoro-manifest-roster",
            "coverage.csv",
            "ics/mine.ics",
            "report.html",
            "roster.csv",
            "roster_daily.csv",
            "shifts.csv"
        ]
    );
}

#[test]
fn csv_files_in_windows_1252_and_agents_it_cannot_write_refused_before_any_work() {
    let tmp = tempfile::tempdir().expect("temp");
    let inputs = tmp.path().join("in");
    std::fs::create_dir_all(&inputs).expect("inputs");
    let out = tmp.path().join("roster");
    let ansi = "[export.csv]\ndelimiter = \";\"\nencoding = \"windows-1252\"\n";
    let agents = "id,name,team,skills,contract_hours\nA1,Enni Mäkelä,Öljy,voice,40\n";
    let status = roster_run_with(&inputs, &out, ansi, agents, &[(23, 8, 16)])
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
    let bytes = std::fs::read(out.join("roster.csv")).expect("roster.csv");
    // ä is 0xE4 and Ö 0xD6 in code page 1252 (one byte each, where UTF-8 takes two).
    let row = b"A1;Enni M\xe4kel\xe4;\xd6ljy;2026-11-23;";
    assert!(bytes.windows(row.len()).any(|w| w == row), "{bytes:?}");
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    // Calendars and JSON stay UTF-8.
    assert!(std::fs::read_to_string(out.join("roster.json"))
        .expect("utf-8 json")
        .contains("Enni Mäkelä"));
    // A name code page 1252 cannot hold is refused before rostering; nothing changes.
    let before = snapshot(&out);
    let polish = "id,name,team,skills,contract_hours\nA1,Enni Mäkelä,Öljy,voice,40\nA2,Łukasz Nowak,Phone,voice,30\n";
    let output = roster_run_with(&inputs, &out, ansi, polish, &[(23, 8, 16)])
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "error: {}: agent A2: name: expected characters windows-1252 can write ([export.csv] encoding of the model), found 'Ł'; use encoding = \"utf-8\" with bom = true\n",
            inputs.join("agents.csv").display()
        )
    );
    assert_eq!(snapshot(&out), before);
    // Without CSV files asked for, the name is no obstacle.
    let status = roster_run_with(&inputs, &out, ansi, polish, &[(23, 8, 16)])
        .args(["--export", "ics,json"])
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
}

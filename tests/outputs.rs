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

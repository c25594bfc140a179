//! `--previous DIR`: the output folder of an earlier `vuoro roster` or `vuoro plan`, read once before the
//! work starts: its calendars (`ics/*.ics`) and `roster.json`.

use super::{read_input, Failure};
use std::path::Path;
use vuoro::export::{previous_from_ics, previous_from_json, Previous};
use vuoro::model::Model;

/// Most calendar files read from a previous folder (one per agent; far above any contact center).
const MAX_CALENDARS: usize = 100_000;

/// The previous publication in `dir`: its calendars, and `roster.json` where they are missing.
pub(crate) fn read_previous(dir: &Path, model: &Model) -> Result<Previous, Failure> {
    if !dir.is_dir() {
        return Err(Failure::input(format!(
            "{}: --previous: expected the output folder of an earlier vuoro roster or plan, found {}",
            dir.display(),
            if dir.exists() { "a file" } else { "nothing" }
        )));
    }
    let calendars = read_calendars(&dir.join("ics"))?;
    let json = dir.join("roster.json");
    if calendars.is_empty() && !json.is_file() {
        return Err(Failure::input(format!(
            "{}: --previous: expected roster.json or ics/*.ics of an earlier vuoro roster or plan, found neither",
            dir.display()
        )));
    }
    let mut previous = previous_from_ics(&calendars);
    if json.is_file() {
        let from_json = previous_from_json(model, &json, &read_input(&json)?)
            .map_err(|d| Failure::diagnostics(&d))?;
        previous = previous.or(from_json);
    }
    Ok(previous)
}

/// The earlier roster in `dir` (its `roster.json`: agent ids and their shifts), if there is one: the
/// agent-days a re-roster keeps.
pub(crate) fn read_previous_roster(
    dir: &Path,
    model: &Model,
) -> Result<Option<(Vec<String>, vuoro::staffing::Staffing)>, Failure> {
    let json = dir.join("roster.json");
    if !json.is_file() {
        return Ok(None);
    }
    vuoro::roster::roster_file::read_roster_agents(&json, &read_input(&json)?, model)
        .map(Some)
        .map_err(|d| Failure::diagnostics(&d))
}

/// `(file name, text)` of each `.ics` file in `dir`, in name order; none if `dir` does not exist.
fn read_calendars(dir: &Path) -> Result<Vec<(String, String)>, Failure> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ics") && p.is_file())
        .collect();
    if paths.len() > MAX_CALENDARS {
        return Err(Failure::input(format!(
            "{}: --previous: expected at most {MAX_CALENDARS} calendars, found {}",
            dir.display(),
            paths.len()
        )));
    }
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok((name, read_input(&p)?))
        })
        .collect()
}

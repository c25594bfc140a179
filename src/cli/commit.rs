//! A command's whole output set committed at once.
//!
//! # Scheme
//! 1. Every file is written and synced into a staging folder beside `--out`
//!    (`.<name>.vuoro-stage-<pid>`), with a manifest `.vuoro-manifest-<command>` listing what the command wrote.
//! 2. Files in `--out` that this command did not write (not in its previous manifest) are carried over into the
//!    staging folder as hard links (copies where links fail); files vuoro wrote before and did not write
//!    this time — the calendar of an agent who left, an export not asked for — are not. "Wrote before"
//!    covers the commands that write the same kind of file ([`family`]): a roster written by `plan` is
//!    replaced by a `roster` run into the same folder, calendars of agents who left included; files no
//!    manifest lists (the planner's own) are always kept.
//! 3. The summary goes to standard output; if that fails, the staging folder is removed and nothing on
//!    disk has changed.
//! 4. The staging folder and `--out` are swapped in one atomic `renameat2(RENAME_EXCHANGE)`; where the
//!    file system cannot exchange, `--out` is renamed aside and the staging folder into its place.
//!    The previous output is then removed.
//!
//! A run killed at any moment leaves `--out` either as it was or as the new set; its staging or previous
//! folder is cleaned up (or, if `--out` itself is missing after a kill between the two fallback renames,
//! restored) by the next run into the same folder. Ctrl-C removes the staging folder before exiting.

use super::Failure;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The manifest of the files one vuoro command wrote into an output folder: `.vuoro-manifest-<command>`.
/// Each command answers for its own files only, so `simulate` writing into a `plan` folder keeps the
/// roster.
fn manifest(command: &str) -> String {
    format!("{MANIFEST_PREFIX}{command}")
}

const MANIFEST_PREFIX: &str = ".vuoro-manifest-";

/// Outputs of the shift plan, and of the roster (`ics/` holds one calendar per agent).
const PLAN_FILES: [&str; 4] = ["shifts.csv", "coverage.csv", "coverage.svg", "coverage.png"];
const ROSTER_FILES: [&str; 5] = [
    "roster.csv",
    "roster_daily.csv",
    "roster.json",
    "roster.xlsx",
    "ics/",
];

/// Whether `path` is a kind of file `command` writes, so that the command answers for it in its folder
/// whichever vuoro command wrote it last (`plan` = `schedule` + `roster`). A name ending in `/` stands for
/// the files of that folder.
fn family(command: &str, path: &Path) -> bool {
    let mut kinds: Vec<&str> = Vec::new();
    if matches!(command, "schedule" | "plan") {
        kinds.extend(PLAN_FILES);
    }
    if matches!(command, "roster" | "plan") {
        kinds.extend(ROSTER_FILES);
    }
    let path = path.to_string_lossy();
    kinds.iter().any(|k| match k.strip_suffix('/') {
        Some(folder) => path
            .strip_prefix(folder)
            .is_some_and(|rest| rest.starts_with('/')),
        None => path == *k,
    })
}

/// Temporary paths of this process, removed on Ctrl-C.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the Ctrl-C handler that removes this run's temporary files and folders.
pub(crate) fn remove_temporaries_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(pending) = PENDING.lock() {
            for path in pending.iter() {
                let _ = std::fs::remove_dir_all(path).or_else(|_| std::fs::remove_file(path));
            }
        }
        std::process::exit(130);
    });
}

/// Remembers a temporary path until [`forget`].
pub(crate) fn remember(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.push(path.to_path_buf());
    }
}

pub(crate) fn forget(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

/// Writes `files` (paths relative to `dir`) as `dir`'s new output set; `announce` runs after every
/// file is safely staged and before anything visible changes (see the module docs).
pub(crate) fn commit(
    dir: &Path,
    command: &str,
    files: &[(PathBuf, Vec<u8>)],
    announce: impl FnOnce() -> Result<(), Failure>,
) -> Result<(), Failure> {
    let manifest = manifest(command);
    check_relative(files)?;
    let (parent, name) = split(dir)?;
    recover(&parent, &name, dir);
    if dir.exists() && !dir.is_dir() {
        return Err(Failure::input(format!(
            "{}: expected a directory for --out, found a file",
            dir.display()
        )));
    }
    let stage = parent.join(format!(".{name}.vuoro-stage-{}", std::process::id()));
    remember(&stage);
    let result = stage_files(&stage, dir, files, &manifest)
        .and_then(|()| announce())
        .and_then(|()| swap(&stage, dir, &parent, &name));
    let _ = std::fs::remove_dir_all(&stage);
    forget(&stage);
    result
}

/// Output paths must stay inside the folder.
fn check_relative(files: &[(PathBuf, Vec<u8>)]) -> Result<(), Failure> {
    let mut seen = BTreeSet::new();
    for (path, _) in files {
        let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
        if !inside || !seen.insert(path) {
            return Err(Failure::input(format!(
                "{}: not a distinct file name inside the output folder",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The folder's parent (`.` for a bare name) and its name.
fn split(dir: &Path) -> Result<(PathBuf, String), Failure> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Failure::input(format!("{}: not a folder name", dir.display())))?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

fn io<'p>(path: &'p Path, what: &'static str) -> impl Fn(std::io::Error) -> Failure + 'p {
    move |e| Failure::input(format!("{}: cannot {what}: {e}", path.display()))
}

/// Writes and syncs the new files, the manifest, and links to the folder's foreign files.
fn stage_files(
    stage: &Path,
    dir: &Path,
    files: &[(PathBuf, Vec<u8>)],
    manifest: &str,
) -> Result<(), Failure> {
    let _ = std::fs::remove_dir_all(stage);
    std::fs::create_dir_all(stage).map_err(io(stage, "create a folder"))?;
    for (relative, bytes) in files {
        write_synced(&stage.join(relative), bytes)?;
    }
    carry_over_foreign(stage, dir, files, manifest)?;
    // The manifest last: a staging folder with one is complete.
    let mut listed: Vec<String> = files
        .iter()
        .map(|(p, _)| p.to_string_lossy().into_owned())
        .collect();
    listed.sort();
    write_synced(&stage.join(manifest), (listed.join("\n") + "\n").as_bytes())?;
    sync_dir(stage);
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent, "create a folder"))?;
    }
    std::fs::File::create(path)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .map_err(io(path, "write"))
}

fn sync_dir(dir: &Path) {
    if let Ok(f) = std::fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

/// The files of the current folder this command answers for (relative): those its manifest lists, and
/// those other vuoro commands' manifests list that are of a kind it writes ([`family`]).
fn previous_outputs(dir: &Path, command: &str) -> BTreeSet<PathBuf> {
    let listed = |name: &str| -> Vec<PathBuf> {
        std::fs::read_to_string(dir.join(name))
            .map(|text| text.lines().map(PathBuf::from).collect())
            .unwrap_or_default()
    };
    let own = manifest(command);
    let mut ours: BTreeSet<PathBuf> = listed(&own).into_iter().collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return ours;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(MANIFEST_PREFIX) && name != own {
            ours.extend(listed(&name).into_iter().filter(|p| family(command, p)));
        }
    }
    ours
}

/// Every file under `dir`, relative to it.
fn files_under(dir: &Path, relative: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir.join(relative)) else {
        return;
    };
    for entry in entries.flatten() {
        let path = relative.join(entry.file_name());
        match entry.file_type() {
            Ok(t) if t.is_dir() => files_under(dir, &path, out),
            Ok(_) => out.push(path),
            Err(_) => {}
        }
    }
}

/// Links (or copies) into the staging folder the files of `dir` that vuoro did not write.
fn carry_over_foreign(
    stage: &Path,
    dir: &Path,
    files: &[(PathBuf, Vec<u8>)],
    manifest: &str,
) -> Result<(), Failure> {
    if !dir.is_dir() {
        return Ok(());
    }
    let command = manifest.strip_prefix(MANIFEST_PREFIX).unwrap_or(manifest);
    let ours = previous_outputs(dir, command);
    let new: BTreeSet<&PathBuf> = files.iter().map(|(p, _)| p).collect();
    let mut all = Vec::new();
    files_under(dir, Path::new(""), &mut all);
    for relative in all {
        if ours.contains(&relative) || new.contains(&relative) || relative == Path::new(manifest) {
            continue;
        }
        let (from, to) = (dir.join(&relative), stage.join(&relative));
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent, "create a folder"))?;
        }
        std::fs::hard_link(&from, &to)
            .or_else(|_| std::fs::copy(&from, &to).map(|_| ()))
            .map_err(io(&from, "keep"))?;
    }
    Ok(())
}

/// Puts the staging folder in place of `dir`.
fn swap(stage: &Path, dir: &Path, parent: &Path, name: &str) -> Result<(), Failure> {
    if !dir.exists() {
        std::fs::rename(stage, dir).map_err(io(dir, "create"))?;
        sync_dir(parent);
        return Ok(());
    }
    let exchanged = rustix::fs::renameat_with(
        rustix::fs::CWD,
        stage,
        rustix::fs::CWD,
        dir,
        rustix::fs::RenameFlags::EXCHANGE,
    );
    if exchanged.is_err() {
        // No atomic exchange here: aside, then into place (a kill in between is repaired by `recover`).
        let old = parent.join(format!(".{name}.vuoro-old-{}", std::process::id()));
        remember(&old);
        std::fs::rename(dir, &old).map_err(io(dir, "replace"))?;
        std::fs::rename(stage, dir).map_err(io(dir, "replace"))?;
        let _ = std::fs::remove_dir_all(&old);
        forget(&old);
    }
    // After an exchange the previous output sits at the staging path, removed by the caller.
    sync_dir(parent);
    Ok(())
}

/// Cleans up after runs into the same folder that were killed: restores `dir` if a kill left it
/// missing between the two fallback renames, and removes their staging and previous folders.
fn recover(parent: &Path, name: &str, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let mut leftovers: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        for (kind, staged) in [("stage", true), ("old", false)] {
            let prefix = format!(".{name}.vuoro-{kind}-");
            let Some(pid) = file.strip_prefix(&prefix) else {
                continue;
            };
            let alive = pid.parse::<u32>().is_ok_and(|p| {
                p == std::process::id() || Path::new(&format!("/proc/{p}")).exists()
            });
            if !alive {
                leftovers.push((entry.path(), staged));
            }
        }
    }
    if !dir.exists() {
        // A complete staging folder (it has its manifest) is the newer set; else the previous one.
        let restore = leftovers
            .iter()
            .find(|(p, staged)| *staged && has_manifest(p))
            .or_else(|| leftovers.iter().find(|(_, staged)| !staged));
        if let Some((path, _)) = restore {
            let _ = std::fs::rename(path, dir);
        }
    }
    for (path, _) in leftovers {
        let _ = std::fs::remove_dir_all(path);
    }
}

/// Whether a staging folder is complete: its manifest is written last.
fn has_manifest(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(MANIFEST_PREFIX))
    })
}

//! Output that is either complete or absent: a temporary file in the target directory, renamed into place.
//! (Output folders are committed as a whole by [`super::commit`].)

use super::commit::{forget, remember};
use super::Failure;
use std::io::Write;
use std::path::Path;

/// Writes `contents` to `path` atomically, or to stdout when `path` is `None`.
pub(crate) fn emit(path: Option<&Path>, contents: &str) -> Result<(), Failure> {
    match path {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(contents.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Failure::input(format!("cannot write to standard output: {e}")))
        }
        Some(path) => write_atomically(path, contents.as_bytes()),
    }
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_all_atomically(&[(path, bytes)], || Ok(()))
}

/// Refuses an output folder that is an existing file, and one that is or holds an input — before any
/// long work.
pub(crate) fn check_out_folder(out: &Path, inputs: &[&Path]) -> Result<(), Failure> {
    if out.exists() && !out.is_dir() {
        return Err(Failure::input(format!(
            "{}: expected a directory for --out, found a file",
            out.display()
        )));
    }
    check_apart(out, inputs)
}

/// Refuses an output that is, or is a folder holding, one of the command's inputs.
pub(crate) fn check_apart(out: &Path, inputs: &[&Path]) -> Result<(), Failure> {
    let Ok(out_full) = out.canonicalize() else {
        return Ok(()); // does not exist yet: it cannot be or hold an input
    };
    for input in inputs {
        if let Ok(full) = input.canonicalize() {
            if full.starts_with(&out_full) {
                return Err(Failure::input(format!(
                    "{}: the output would replace or sit beside the input {}; choose another output",
                    out.display(),
                    input.display()
                )));
            }
        }
    }
    Ok(())
}

/// Writes several files so that either all of them are replaced or none is: every temporary file is
/// written and synced first, then `announce` runs (a failure there leaves every file as it was), and
/// only then are they renamed into place.
pub(crate) fn write_all_atomically(
    files: &[(&Path, &[u8])],
    announce: impl FnOnce() -> Result<(), Failure>,
) -> Result<(), Failure> {
    // Refuse what would fail half-way, before anything is written.
    for (i, (path, _)) in files.iter().enumerate() {
        if files[..i].iter().any(|(other, _)| other == path) {
            return Err(Failure::input(format!(
                "{}: given for two outputs",
                path.display()
            )));
        }
        if path.is_dir() {
            return Err(Failure::input(format!(
                "{}: is a directory, expected a file name",
                path.display()
            )));
        }
    }
    let mut temps = Vec::new();
    let discard = |temps: &[std::path::PathBuf]| {
        for t in temps {
            let _ = std::fs::remove_file(t);
            forget(t);
        }
    };
    for (path, bytes) in files {
        match write_temp(path, bytes) {
            Ok(temp) => temps.push(temp),
            Err(e) => {
                discard(&temps);
                return Err(e);
            }
        }
    }
    if let Err(e) = announce() {
        discard(&temps);
        return Err(e);
    }
    for (temp, (path, _)) in temps.iter().zip(files) {
        if let Err(e) = std::fs::rename(temp, path) {
            discard(&temps);
            return Err(Failure::input(format!(
                "{}: cannot write: {e}",
                path.display()
            )));
        }
        forget(temp);
    }
    Ok(())
}

/// Removes temporary files a killed run left beside `path` (`.<name>.tmp-<pid>` of a dead process).
fn remove_leftovers(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let dead = file.strip_prefix(&prefix).is_some_and(|pid| {
            pid.parse::<u32>().is_ok_and(|p| {
                p != std::process::id() && !Path::new(&format!("/proc/{p}")).exists()
            })
        });
        if dead {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn write_temp(path: &Path, bytes: &[u8]) -> Result<std::path::PathBuf, Failure> {
    let fail = |what: &str, e: std::io::Error| {
        Failure::input(format!("{}: cannot {what}: {e}", path.display()))
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Failure::input(format!("{}: not a file name", path.display())))?;
    remove_leftovers(dir, &name.to_string_lossy());
    let temp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    remember(&temp);
    let result = std::fs::File::create(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        forget(&temp);
        return Err(fail("write", e));
    }
    Ok(temp)
}

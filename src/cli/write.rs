//! Output that is either complete or absent: a temporary file in the target directory, renamed into place.

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
    write_all_atomically(&[(path, bytes)])
}

/// Writes several files so that either all of them are replaced or none is: every temporary file is
/// written and synced first, and only then are they renamed into place.
pub(crate) fn write_all_atomically(files: &[(&Path, &[u8])]) -> Result<(), Failure> {
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
    for (path, bytes) in files {
        match write_temp(path, bytes) {
            Ok(temp) => temps.push(temp),
            Err(e) => {
                for t in &temps {
                    let _ = std::fs::remove_file(t);
                }
                return Err(e);
            }
        }
    }
    for (temp, (path, _)) in temps.iter().zip(files) {
        if let Err(e) = std::fs::rename(temp, path) {
            for t in &temps {
                let _ = std::fs::remove_file(t);
            }
            return Err(Failure::input(format!(
                "{}: cannot write: {e}",
                path.display()
            )));
        }
    }
    Ok(())
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
    let temp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::File::create(&temp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(fail("write", e));
    }
    Ok(temp)
}

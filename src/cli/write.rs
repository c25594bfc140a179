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
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        return Err(fail("write", e));
    }
    Ok(())
}

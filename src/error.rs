//! Typed errors of the library. Every input error says which field, what was expected and what was found;
//! file readers wrap them in a [`Diagnostic`] that adds the path, line and column.

use std::fmt;
use std::path::PathBuf;

/// A value that is not in its field's domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: expected {expected}, found {found}")]
pub struct InvalidValue {
    /// The field as the user names it (CLI flag without dashes, CSV column, TOML key).
    pub field: String,
    /// What the field accepts, in plain words.
    pub expected: String,
    /// What was given, as given.
    pub found: String,
}

impl InvalidValue {
    pub fn new(
        field: impl Into<String>,
        expected: impl Into<String>,
        found: impl fmt::Display,
    ) -> Self {
        InvalidValue {
            field: field.into(),
            expected: expected.into(),
            found: readable(found.to_string()),
        }
    }
}

/// A found value as a reader can take it in: a number of many digits in exponent form (`1e308`, not
/// 309 digits). (Text is cut where it is echoed.)
fn readable(found: String) -> String {
    if found.len() > 20
        && found
            .bytes()
            .all(|b| b.is_ascii_digit() || b"-.".contains(&b))
    {
        if let Ok(x) = found.parse::<f64>() {
            if x.is_finite() {
                return format!("{x:e}");
            }
        }
    }
    found
}

/// Where in a file a problem is: 1-based line and column (column = CSV field index). Line 0 means the
/// problem belongs to the file as a whole (a gap between rows, say) and prints as `path`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub path: PathBuf,
    pub line: u64,
    pub column: Option<u64>,
}

impl Location {
    pub fn file(path: &std::path::Path) -> Location {
        Location {
            path: path.to_path_buf(),
            line: 0,
            column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// One problem in an input file, printed as `path:line:column: field: expected …, found …`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
}

/// All problems found in one input file; readers gather them rather than stop at the first.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

//! Reads values out of the raw file and gathers every problem with its line and column.

use super::raw::{Scalar, Value};
use crate::error::{Diagnostic, Diagnostics, InvalidValue, Location};
use crate::units::{parse_duration, parse_share};
use std::ops::RangeInclusive;
use std::path::Path;
use toml::Spanned;

/// Gathers problems with their positions in the file.
pub(crate) struct Checker<'a> {
    pub(crate) path: &'a Path,
    pub(crate) text: &'a str,
    pub(crate) problems: Vec<Diagnostic>,
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

impl<'a> Checker<'a> {
    /// Starts with no problems; `path` only names the file in diagnostics.
    pub(crate) fn new(path: &'a Path, text: &'a str) -> Checker<'a> {
        Checker {
            path,
            text,
            problems: Vec::new(),
        }
    }

    /// The problems gathered, in file order.
    pub(crate) fn into_diagnostics(self) -> Diagnostics {
        let mut problems = self.problems;
        problems.sort_by(|a, b| a.location.cmp(&b.location));
        Diagnostics(problems)
    }

    /// Records a problem at a byte offset of the file.
    pub(crate) fn report(&mut self, offset: usize, message: String) {
        let (line, column) = line_column(self.text, offset);
        self.problems.push(Diagnostic {
            location: Location {
                path: self.path.to_path_buf(),
                line,
                column: Some(column),
            },
            message,
        });
    }

    /// Records that `value` is not what `field` expects.
    pub(crate) fn invalid(&mut self, value: &Value, field: &str, expected: &str) {
        let e = InvalidValue::new(field, expected, value.get_ref());
        self.report(value.span().start, e.to_string());
    }

    /// A text value; a number where text belongs is reported.
    pub(crate) fn text<'v>(
        &mut self,
        value: &'v Value,
        field: &str,
        expected: &str,
    ) -> Option<&'v str> {
        match value.get_ref() {
            Scalar::Text(t) => Some(t),
            _ => {
                self.invalid(value, field, expected);
                None
            }
        }
    }

    /// A duration: `"3m"`, `"1h30m"` or a number of seconds.
    pub(crate) fn duration(&mut self, value: &Value, field: &str, positive: bool) -> Option<f64> {
        let parsed = match value.get_ref() {
            Scalar::Text(t) => parse_duration(t).ok(),
            Scalar::Int(i) => Some(*i as f64).filter(|x| *x >= 0.0),
            Scalar::Float(x) => Some(*x).filter(|x| x.is_finite() && *x >= 0.0),
            Scalar::Other(_) => None,
        };
        match parsed {
            Some(x) if !positive || x > 0.0 => Some(x),
            _ => {
                let expected = if positive {
                    "a positive duration such as \"20s\", \"3m\", \"1h30m\" or seconds"
                } else {
                    "a duration such as \"20s\", \"3m\", \"1h30m\" or seconds"
                };
                self.invalid(value, field, expected);
                None
            }
        }
    }

    /// A duration of at most a day (handle times, patience, thresholds): a longer one is a typo that
    /// would otherwise surface later, far from the key.
    pub(crate) fn day_duration(
        &mut self,
        value: &Value,
        field: &str,
        positive: bool,
    ) -> Option<f64> {
        let x = self.duration(value, field, positive)?;
        if x > 86_400.0 {
            self.invalid(value, field, "a duration of at most 24h");
            return None;
        }
        Some(x)
    }

    /// Whole minutes of a positive duration.
    pub(crate) fn whole_minutes(&mut self, value: &Value, field: &str) -> Option<u32> {
        let s = self.duration(value, field, true)?;
        let m = (s / 60.0).round() as u32;
        if (s - f64::from(m) * 60.0).abs() > 1e-9 {
            self.invalid(value, field, "whole minutes");
            return None;
        }
        Some(m)
    }

    /// A share: `"80%"` or `0.8`.
    pub(crate) fn share(&mut self, value: &Value, field: &str) -> Option<f64> {
        let parsed = match value.get_ref() {
            Scalar::Text(t) => parse_share(t).ok(),
            Scalar::Int(i) => Some(*i as f64).filter(|x| (0.0..=1.0).contains(x)),
            Scalar::Float(x) => Some(*x).filter(|x| (0.0..=1.0).contains(x)),
            Scalar::Other(_) => None,
        };
        if parsed.is_none() {
            self.invalid(value, field, "a share such as \"80%\" or 0.8");
        }
        parsed
    }

    /// A whole number within `range`.
    pub(crate) fn whole(
        &mut self,
        value: &Spanned<i64>,
        range: RangeInclusive<i64>,
        field: &str,
        expected: &str,
    ) -> Option<u32> {
        if range.contains(value.get_ref()) {
            Some(*value.get_ref() as u32)
        } else {
            let e = InvalidValue::new(field, expected, value.get_ref());
            self.report(value.span().start, e.to_string());
            None
        }
    }

    /// A finite number, 0 or more.
    pub(crate) fn non_negative(
        &mut self,
        value: &Spanned<f64>,
        field: &str,
        expected: &str,
    ) -> Option<f64> {
        let x = *value.get_ref();
        if x.is_finite() && x >= 0.0 {
            Some(x)
        } else {
            self.report(
                value.span().start,
                InvalidValue::new(field, expected, x).to_string(),
            );
            None
        }
    }

    /// An optional key read with `f`: `Some(None)` when absent, `None` when present but invalid.
    pub(crate) fn opt<V, T>(
        &mut self,
        value: &Option<V>,
        f: impl FnOnce(&mut Self, &V) -> Option<T>,
    ) -> Option<Option<T>> {
        match value {
            None => Some(None),
            Some(v) => f(self, v).map(Some),
        }
    }
}

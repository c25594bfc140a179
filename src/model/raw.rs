//! The model file as written: serde structs that mirror the TOML, before any value is checked.

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// A duration, share or text as written: a string or a bare number; any other TOML value is kept as
/// `Other` (described as found) so that the checker, not serde, reports it under its key.
#[derive(Debug, Clone)]
pub(crate) enum Scalar {
    Text(String),
    Int(i64),
    Float(f64),
    Other(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Text(t) => write!(f, "'{t}'"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Other(what) => f.write_str(what),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// Accepts every TOML value: strings and numbers as such, the rest described for the message.
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_string()))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Other(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other("an array".to_string()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        // A TOML date-time arrives as a one-entry map with a private key.
        let mut found = "a table".to_string();
        while let Some(key) = map.next_key::<String>()? {
            if key.contains("datetime") {
                found = format!("date-time {}", map.next_value::<String>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Scalar::Other(found))
    }
}

/// A scalar with its position in the file.
pub(crate) type Value = Spanned<Scalar>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawModel {
    pub(crate) name: Option<String>,
    pub(crate) planning: RawPlanning,
    #[serde(rename = "channel", default)]
    pub(crate) channels: Vec<Spanned<RawChannel>>,
    #[serde(rename = "shift", default)]
    pub(crate) shifts: Vec<Spanned<RawShift>>,
    #[serde(rename = "pool", default)]
    pub(crate) pools: Vec<Spanned<RawPool>>,
    pub(crate) schedule: Option<RawSchedule>,
    pub(crate) rules: Option<RawRules>,
    pub(crate) export: Option<RawExport>,
    #[serde(rename = "contract", default)]
    pub(crate) contracts: Vec<Spanned<RawContract>>,
}

/// A `[[contract]]` table: a kind of employment contract agents refer to by name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawContract {
    pub(crate) name: Spanned<String>,
    pub(crate) hours: Spanned<f64>,
    pub(crate) min_hours: Option<Spanned<f64>>,
    pub(crate) max_hours: Option<Spanned<f64>>,
    pub(crate) max_days: Option<Spanned<i64>>,
    pub(crate) shifts: Option<Vec<Spanned<String>>>,
    pub(crate) max_weekends: Option<Spanned<i64>>,
    pub(crate) max_late_shifts: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRules {
    pub(crate) min_rest: Option<Value>,
    pub(crate) weekly_rest: Option<Value>,
    pub(crate) max_consecutive_days: Option<Spanned<i64>>,
    pub(crate) min_consecutive_days: Option<Spanned<i64>>,
    pub(crate) max_weekends: Option<Spanned<i64>>,
    pub(crate) start_spread: Option<Value>,
    pub(crate) paired_days_off: Option<bool>,
    pub(crate) late_after: Option<Value>,
    pub(crate) penalties: Option<BTreeMap<String, Spanned<f64>>>,
    pub(crate) soft: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExport {
    pub(crate) csv: Option<RawCsvLayout>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCsvLayout {
    pub(crate) columns: Option<Vec<Spanned<String>>>,
    pub(crate) rename: Option<BTreeMap<String, String>>,
    pub(crate) date_format: Option<String>,
    pub(crate) datetime_format: Option<String>,
    pub(crate) delimiter: Option<Spanned<String>>,
    pub(crate) bom: Option<bool>,
    pub(crate) encoding: Option<Spanned<String>>,
    pub(crate) decimal: Option<Spanned<String>>,
    pub(crate) activity_codes: Option<BTreeMap<String, Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawShift {
    pub(crate) name: Spanned<String>,
    pub(crate) length: Option<Value>,
    pub(crate) lengths: Option<Vec<Value>>,
    pub(crate) start: Value,
    pub(crate) start_step: Option<Value>,
    pub(crate) days: Option<Spanned<toml::Value>>,
    pub(crate) channels: Option<Spanned<Vec<Spanned<String>>>>,
    pub(crate) cost_per_hour: Option<Spanned<f64>>,
    pub(crate) cost_per_shift: Option<Spanned<f64>>,
    pub(crate) min_per_day: Option<Spanned<i64>>,
    pub(crate) max_per_day: Option<Spanned<i64>>,
    pub(crate) max_per_agent: Option<Spanned<i64>>,
    #[serde(default)]
    pub(crate) breaks: Vec<Spanned<RawBreak>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBreak {
    pub(crate) name: Option<String>,
    pub(crate) length: Value,
    pub(crate) paid: Option<bool>,
    pub(crate) window: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSchedule {
    pub(crate) under_penalty: Option<Spanned<f64>>,
    pub(crate) over_penalty: Option<Spanned<f64>>,
    pub(crate) max_agents_per_day: Option<Spanned<i64>>,
    pub(crate) min_interval_service_level: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlanning {
    pub(crate) time_zone: Value,
    pub(crate) interval: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChannel {
    pub(crate) name: Spanned<String>,
    pub(crate) kind: Value,
    pub(crate) aht: Value,
    pub(crate) acw: Option<Value>,
    pub(crate) patience: Option<Value>,
    pub(crate) concurrency: Option<Spanned<i64>>,
    pub(crate) non_overlap: Option<Value>,
    pub(crate) min_agents: Option<Spanned<i64>>,
    /// A share, or a table of shares by category (kept raw: spans do not survive untagged enums).
    pub(crate) shrinkage: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub(crate) target: RawTarget,
    pub(crate) hours: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    pub(crate) closed_dates: Vec<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    pub(crate) service_level: Option<Value>,
    pub(crate) threshold: Option<Value>,
    pub(crate) sl_convention: Option<Value>,
    pub(crate) max_asa: Option<Value>,
    pub(crate) max_abandon: Option<Value>,
    pub(crate) max_occupancy: Option<Value>,
    pub(crate) response_window: Option<Value>,
    pub(crate) within_window: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPool {
    pub(crate) name: Spanned<String>,
    pub(crate) channels: Spanned<Vec<Spanned<String>>>,
    pub(crate) reserve: Option<Spanned<i64>>,
    pub(crate) reserve_by_load: Option<bool>,
}

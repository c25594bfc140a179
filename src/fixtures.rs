//! Fixtures the rule and roster unit tests share: November 2026 in Helsinki, one voice channel, one
//! shift template, so each test states only the weeks it is about.

use crate::grid::TimeGrid;
use crate::model::Model;
use crate::requirements::demand::{ChannelDemand, Demand};
use crate::staffing::{ChannelId, Span, TemplateId};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use std::path::Path;

/// `hour`:00 on `day` November 2026, Helsinki time.
pub(crate) fn at(day: u32, hour: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Helsinki
        .with_ymd_and_hms(2026, 11, day, hour, 0, 0)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

/// A voice shift of template 0 from `hour`:00 on `day` November 2026, `minutes` long, `paid`
/// minutes paid, no breaks.
pub(crate) fn shift(day: u32, hour: u32, minutes: i64, paid: u32) -> Span {
    let start = at(day, hour);
    Span {
        agent: None,
        template: TemplateId(0),
        date: NaiveDate::from_ymd_opt(2026, 11, day).expect("date"),
        start,
        end: start + Duration::minutes(minutes),
        breaks: Vec::new(),
        channels: vec![ChannelId(0)],
        count: 1,
        paid_minutes: paid,
        cost: 1.0,
    }
}

/// A one-channel model in Helsinki on an hourly grid, with one 4 h voice template starting 08–16.
pub(crate) fn voice_model() -> Model {
    let text = "name = \"Test\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
        [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
        [[shift]]\nname = \"day\"\nlength = \"4h\"\nstart = \"08:00-16:00\"\nchannels = [\"voice\"]\n";
    Model::from_toml(Path::new("m.toml"), text).unwrap_or_else(|e| panic!("{e}"))
}

/// Hourly voice demand of `days` days from Mon 23 November 2026: one agent required in each
/// `(day, hour)` listed, none elsewhere.
pub(crate) fn hourly_demand(days: i64, needed: &[(u32, u32)]) -> Demand {
    let starts: Vec<DateTime<Utc>> = (0..24 * days)
        .map(|h| at(23, 0) + Duration::hours(h))
        .collect();
    let required: Vec<f64> = starts
        .iter()
        .map(|t| {
            if needed.iter().any(|&(d, h)| at(d, h) == *t) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let n = required.len();
    Demand {
        grid: TimeGrid::new(starts, 60, chrono_tz::Europe::Helsinki),
        channels: vec![ChannelDemand {
            open: vec![true; n],
            load: vec![None; n],
            productive_share: 1.0,
            floor: required.clone(),
            required,
        }],
    }
}

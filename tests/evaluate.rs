//! The evaluator is the one source of service figures: for every service-level convention, the day,
//! week and period lines a planner reads agree with `coverage.csv` to the printed precision — recomputed
//! here from the CSV's interval rows (service level weighted by the contacts in its convention's
//! denominator, abandonment by offered contacts, per local date and ISO week) — and unstable intervals
//! are named, never averaged into an ASA.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;
use std::path::Path;
use vuoro::evaluate::{evaluate, Evaluation};
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::queueing::{Queue, SlConvention};
use vuoro::report::schedule::coverage_csv;
use vuoro::report::service_table;
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::staffing::{ChannelId, Span, Staffing, TemplateId};

/// Voice at hourly intervals, open 08–20 every day, shrinkage 15 % (so productive agents are
/// fractional), with or without a patience.
fn model(convention: &str, patience: Option<&str>) -> Model {
    let patience = patience.map_or(String::new(), |p| format!("patience = \"{p}\"\n"));
    let text = format!(
        "name = \"T\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"4m\"\n{patience}\
         shrinkage = \"15%\"\nhours = {{ every_day = \"08:00-20:00\" }}\n\
         target = {{ service_level = \"80%\", threshold = \"20s\", sl_convention = \"{convention}\" }}\n\
         [[shift]]\nname = \"six\"\nlength = \"6h\"\nstart = \"08:00-14:00\"\nchannels = [\"voice\"]\n"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Helsinki
        .with_ymd_and_hms(day.year(), day.month(), day.day(), hour, 0, 0)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

/// Sat 21.11. – Sun 29.11.2026 (ISO weeks 47 and 48), a volume that rises and falls over the day.
fn demand(m: &Model) -> Demand {
    Demand::from_requirements(m, &requirements(m))
}

fn requirements(m: &Model) -> vuoro::requirements::Requirements {
    let mut csv = String::from("channel,start,volume\n");
    let first = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    for d in 0..9 {
        let day = first + Duration::days(d);
        for h in 0..24 {
            let v = if (8..20).contains(&h) {
                60 + 25 * (h as i64 - 8).min(19 - h as i64) + 7 * d
            } else {
                0
            };
            csv.push_str(&format!("voice,{}T{h:02}:00,{v}\n", day.format("%Y-%m-%d")));
        }
    }
    let read = read_forecast(Path::new("f.csv"), &csv, m, Period::default()).expect("forecast");
    compute(m, &read.forecast).expect("requirements")
}

/// Two six-hour shifts a day with counts that vary by day, so some intervals are short and some over.
fn staffing(m: &Model) -> Staffing {
    let first = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    let spans = (0..9)
        .flat_map(|d| {
            let day = first + Duration::days(d);
            [(8, 5 + (d as u32 % 4)), (14, 4 + (d as u32 % 3))].map(|(from, count)| Span {
                agent: None,
                template: TemplateId(0),
                date: day,
                start: local(day, from),
                end: local(day, from + 6),
                breaks: Vec::new(),
                channels: vec![ChannelId(0)],
                count,
                paid_minutes: 360,
                cost: m.shifts[0].cost,
            })
        })
        .collect();
    Staffing::new(spans)
}

/// (label, SL text, abandonment text) of every line of the service table.
fn printed(table: &str) -> Vec<(String, String, String)> {
    table
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let i = words.iter().position(|w| *w == "voice")?;
            let label = words[..i].join(" ");
            if label.is_empty() || words.get(i + 2) == Some(&"intervals") {
                return None;
            }
            // After contacts, required h and scheduled h: SL, target, ASA, abandon — each "-" or a
            // number with its unit.
            let mut rest = words[i + 4..].iter();
            let mut cell = || match rest.next() {
                Some(&"-") => "-".to_string(),
                Some(value) => format!("{value} {}", rest.next().unwrap_or(&"")),
                None => String::new(),
            };
            let (sl, _target, _asa, abandon) = (cell(), cell(), cell(), cell());
            Some((label, sl, abandon))
        })
        .collect()
}

/// The contacts in a convention's denominator per offered contact, for an interval of coverage.csv:
/// offered ones (1), answered ones (1 − abandonment, from the CSV), or for `excl_abandon_within` offered
/// minus those abandoned within the threshold — counted here from the queueing core at the two whole
/// staffings around `scheduled × 0.85` and mixed by time.
fn denominator(convention: SlConvention, cells: &[&str], patience: bool) -> f64 {
    let abandon: f64 = cells[10].parse().unwrap_or(0.0);
    match convention {
        SlConvention::Answered => 1.0 - abandon,
        SlConvention::ExclAbandonWithin => {
            let (v, scheduled): (f64, f64) = (
                cells[7].parse().unwrap_or(0.0),
                cells[4].parse().unwrap_or(0.0),
            );
            let mut queue = Queue::new(v, 3600.0, 240.0).expect("queue");
            if patience {
                queue = queue.with_patience(120.0).expect("patience");
            }
            let p = scheduled * 0.85;
            let (lo, w) = (p.floor(), p - p.floor());
            let share = |n: f64| {
                let k = queue.evaluate(n as u64, 20.0);
                k.service_level.offered / k.service_level.excl_abandon_within
            };
            (1.0 - w) * share(lo) + w * share(lo + 1.0)
        }
        _ => 1.0,
    }
}

/// Service level (weighted by the convention's denominator) and abandonment (by offered contacts) per
/// day, ISO week and period, from coverage.csv.
fn from_coverage(
    csv: &str,
    convention: SlConvention,
    patience: bool,
) -> BTreeMap<String, (String, String)> {
    let mut sums: BTreeMap<String, (f64, f64, f64, f64)> = BTreeMap::new();
    for row in csv.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let (Ok(sl), Ok(ab), Ok(v)) = (
            cells[8].parse::<f64>(),
            cells[10].parse::<f64>(),
            cells[7].parse::<f64>(),
        ) else {
            continue;
        };
        let weight = v * denominator(convention, &cells, patience);
        let date = NaiveDate::parse_from_str(&cells[1][..10], "%Y-%m-%d").expect("date");
        let day = format!("{} {:02}.{:02}.", date.weekday(), date.day(), date.month());
        let week = format!("week {}", date.iso_week().week());
        for key in [day, week, "period".to_string()] {
            let e = sums.entry(key).or_default();
            e.0 += weight * sl;
            e.1 += weight;
            e.2 += v * ab;
            e.3 += v;
        }
    }
    sums.into_iter()
        .map(|(k, (sl, w, ab, v))| {
            let pct = |x: f64| format!("{:.1} %", 100.0 * x);
            (k, (pct(sl / w), pct(ab / v)))
        })
        .collect()
}

fn check_agreement(
    m: &Model,
    ev: &Evaluation,
    convention: SlConvention,
    patience: bool,
) -> Vec<(String, String, String)> {
    let lines = printed(&service_table(m, ev));
    let recomputed = from_coverage(&coverage_csv(ev, m), convention, patience);
    // 9 days, 2 weeks, the period.
    assert_eq!(lines.len(), 12, "{lines:?}");
    for (label, sl, ab) in &lines {
        let (want_sl, want_ab) = &recomputed[label];
        // Without a patience nobody gives up: abandonment is not shown.
        let want_ab = if patience { want_ab.as_str() } else { "-" };
        assert_eq!(
            (sl.as_str(), ab.as_str()),
            (want_sl.as_str(), want_ab),
            "{label}"
        );
    }
    lines
}

#[test]
fn day_week_and_period_lines_agree_with_coverage_csv_under_every_convention() {
    let mut by_convention = Vec::new();
    for convention in SlConvention::ALL {
        let m = model(convention.name(), Some("2m"));
        let d = demand(&m);
        let ev = evaluate(&m, &d, &staffing(&m));
        by_convention.push(check_agreement(&m, &ev, convention, true));
    }
    // The conventions really differ with abandonment: the lines are not the `offered` ones relabelled.
    let offered = &by_convention[0];
    let answered = &by_convention[1];
    assert!(
        offered.iter().zip(answered).any(|(a, b)| a.1 != b.1),
        "{offered:?} vs {answered:?}"
    );
}

#[test]
fn an_unstable_interval_is_named_and_left_out_of_the_asa() {
    // Erlang C (no patience): on Saturday 21.11. afternoon 4 agents × 0.85 = 3.4 productive agents face
    // about 8 Erlangs at 17:00, so the queue cannot be stable.
    let m = model("offered", None);
    let d = demand(&m);
    let ev = evaluate(&m, &d, &staffing(&m));
    check_agreement(&m, &ev, SlConvention::Offered, false);
    let voice = &ev.channels[0];
    assert!(!voice.period.unstable.is_empty());
    for &t in &voice.period.unstable {
        let r = &voice.intervals[t];
        // Unstable exactly when ⌊productive⌋ agents cannot carry the offered load (4-minute calls).
        let erlangs = r.volume * 240.0 / 3600.0;
        assert!(r.kpis.expect("measured").asa_s.is_none());
        assert!(r.productive.floor() <= erlangs, "{r:?}");
    }
    let stable = voice
        .intervals
        .iter()
        .filter(|r| r.kpis.is_some_and(|k| k.asa_s.is_some()));
    for r in stable {
        assert!(r.productive.floor() > r.volume * 240.0 / 3600.0, "{r:?}");
    }
    let asa = voice.period.asa_s().expect("stable intervals have an ASA");
    assert!(asa.is_finite() && asa < 3600.0, "{asa}");
    let table = service_table(&m, &ev);
    assert!(
        table.contains("too few agents for the load")
            && table.contains("left out of the ASA")
            && table.contains("Sat 21.11."),
        "{table}"
    );
}

#[test]
fn meeting_the_requirement_meets_the_target_in_the_evaluator() {
    // Staffing exactly at the requirement in every interval: every interval's service level is at
    // least the target, whatever the shrinkage makes of the productive agents.
    let m = model("offered", Some("2m"));
    let d = demand(&m);
    let working: Vec<Vec<f64>> = d.channels.iter().map(|c| c.required.clone()).collect();
    let ev = vuoro::evaluate::evaluate_working(&m, &d, &working);
    for r in &ev.channels[0].intervals {
        if let Some(k) = r.kpis {
            assert!(k.service_level >= 0.8 - 1e-9, "{r:?}");
        }
    }
    // And requirements.csv's figures are exactly those the evaluator gives that staffing.
    let req = requirements(&m);
    for (r, figures) in req.channels[0]
        .intervals
        .iter()
        .zip(&ev.channels[0].intervals)
    {
        assert_eq!(r.staffed, figures.kpis, "{r:?}");
    }
}

//! Export formats on a small hand-made roster: CSV in a Finnish-Excel layout (golden text), numbers of
//! `coverage.csv` against the evaluator's unrounded figures, `roster.xlsx` read back by an independent
//! reader (`calamine`, and the sheet XML through `zip`), calendars updated in place (parsed back with
//! `ical`), and `roster.json`'s schema against its documentation.

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, TimeZone, Timelike, Utc};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::Path;
use vuoro::agents::read_agents;
use vuoro::evaluate::evaluate;
use vuoro::export::{
    calendars, calendars_after, previous_from_ics, previous_from_json, roster_csv,
    roster_daily_csv, roster_json, roster_json_with, roster_xlsx, sequences, Previous,
    SCHEMA_VERSION,
};
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::report::schedule::coverage_csv;
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::roster::{OpenShift, Roster, SearchReport};
use vuoro::rules::{Rule, Violation};
use vuoro::staffing::{AgentId, Break, ChannelId, Span, Staffing, TemplateId};

const FINNISH: &str = "[export.csv]\ndelimiter = \";\"\nbom = true\ndecimal = \",\"\n\
    activity_codes = { work = \"TYÖ\", break = \"TAUKO\", lunch = \"RUOKA\" }\n";

fn model(extra: &str) -> Model {
    let text = format!(
        "name = \"Test\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\nshrinkage = \"15%\"\n\
         hours = {{ every_day = \"08:00-20:00\" }}\ntarget = {{ service_level = \"80%\" }}\n\
         [[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"08:00-12:00\"\nchannels = [\"voice\"]\n{extra}"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Local Helsinki time (winter, +02:00) as UTC.
fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Helsinki
        .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).expect("date")
}

/// An eight-hour shift from `from` o'clock with a paid coffee at +2h and an unpaid 30-minute lunch at +4h.
fn shift(agent: Option<usize>, day: u32, from: u32) -> Span {
    Span {
        agent: agent.map(AgentId),
        template: TemplateId(0),
        date: date(day),
        start: at(day, from, 0),
        end: at(day, from + 8, 0),
        breaks: vec![
            Break {
                start: at(day, from + 2, 0),
                minutes: 15,
                paid: true,
                name: "coffee".to_string(),
            },
            Break {
                start: at(day, from + 4, 0),
                minutes: 30,
                paid: false,
                name: "lunch".to_string(),
            },
        ],
        channels: vec![ChannelId(0)],
        count: 1,
        paid_minutes: 450,
        cost: 1.0,
    }
}

/// Two agents (one whose team would be a formula in a spreadsheet), their shifts, an open shift and a
/// broken rule: built by hand, so each export is checked against known contents.
fn roster(m: &Model, spans: Vec<Span>) -> Roster {
    let agents = read_agents(
        Path::new("a.csv"),
        "id,name,team,skills,contract_hours\nA1,Enni Mäkelä,=2+3,voice,37.5\nA2,Aino Virtanen,Phone,voice,30\n",
        m,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut open = shift(None, 24, 12);
    open.count = 2;
    Roster {
        agents,
        staffing: Staffing::new(spans),
        open: vec![OpenShift {
            span: open,
            turned_away: vec![(Rule::OneShiftPerDay, 2)],
            blocked: "2 agents skilled; A1 already working that day, A2 already working that day"
                .to_string(),
        }],
        violations: vec![Violation {
            agent: Some(1),
            rule: Rule::MinHours,
            detail: "7.5 h in week 48, minimum 30 h".to_string(),
        }],
        search: SearchReport::default(),
    }
}

fn week(m: &Model) -> Roster {
    roster(
        m,
        vec![
            shift(Some(0), 23, 8),
            shift(Some(0), 24, 8),
            shift(Some(1), 23, 12),
        ],
    )
}

#[test]
fn roster_csv_and_daily_in_the_finnish_excel_layout() {
    let m = model(FINNISH);
    let r = week(&m);
    let csv = roster_csv(&m, &r);
    let head = "\u{feff}employee_id;name;team;schedule_date;start;end;timezone;activity;channel;paid;duration_min\n";
    let a1 = "A1;Enni Mäkelä;'=2+3;";
    let tz = ";Europe/Helsinki;";
    let expected = format!(
        "{head}\
         {a1}2026-11-23;2026-11-23T08:00;2026-11-23T10:00{tz}TYÖ;voice;true;120\n\
         {a1}2026-11-23;2026-11-23T10:00;2026-11-23T10:15{tz}TAUKO;;true;15\n\
         {a1}2026-11-23;2026-11-23T10:15;2026-11-23T12:00{tz}TYÖ;voice;true;105\n\
         {a1}2026-11-23;2026-11-23T12:00;2026-11-23T12:30{tz}RUOKA;;false;30\n\
         {a1}2026-11-23;2026-11-23T12:30;2026-11-23T16:00{tz}TYÖ;voice;true;210\n"
    );
    assert!(csv.starts_with(&expected), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 3 * 5);
    assert_eq!(
        roster_daily_csv(&m, &r),
        "\u{feff}employee_id;name;schedule_date;paid_min;unpaid_min;contract_min\n\
         A1;Enni Mäkelä;2026-11-23;450;30;450\n\
         A1;Enni Mäkelä;2026-11-24;450;30;450\n\
         A2;Aino Virtanen;2026-11-23;450;30;360\n"
    );
    // The default layout is unchanged: commas, no byte-order mark, the activities' own names.
    let plain = roster_csv(&model(""), &week(&model("")));
    assert!(plain.starts_with("employee_id,name,team,"), "{plain}");
    assert!(plain.contains("\nA1,Enni Mäkelä,'=2+3,2026-11-23,2026-11-23T08:00,2026-11-23T10:00,Europe/Helsinki,work,voice,true,120\n"));
}

#[test]
fn coverage_numbers_are_rounded_to_what_a_planner_reads() {
    let (finnish, plain) = (model(FINNISH), model(""));
    let mut forecast = String::from("channel,start,volume\n");
    for h in 8..20 {
        forecast.push_str(&format!("voice,2026-11-23T{h:02}:00,{}\n", 37 + 11 * h));
    }
    let read =
        read_forecast(Path::new("f.csv"), &forecast, &plain, Period::default()).expect("forecast");
    let demand = Demand::from_requirements(&plain, &compute(&plain, &read.forecast).expect("req"));
    let staffing = Staffing::new(vec![shift(None, 23, 8), shift(None, 23, 12)]);
    let ev = evaluate(&plain, &demand, &staffing);
    let text = coverage_csv(&ev, &plain);
    // (column, decimals) as documented; every other column is text.
    let decimals = [
        (3, 2),
        (4, 2),
        (5, 2),
        (6, 2),
        (7, 2),
        (8, 4),
        (9, 1),
        (10, 4),
        (11, 4),
    ];
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 12, "one row per forecast hour");
    for (row, figures) in rows.iter().zip(&ev.channels[0].intervals) {
        let k = figures.kpis;
        let exact = [
            Some(figures.required),
            Some(figures.scheduled),
            Some(figures.over()),
            Some(figures.under()),
            (figures.volume > 0.0).then_some(figures.volume),
            k.map(|k| k.service_level),
            k.and_then(|k| k.asa_s),
            k.map(|k| k.p_abandon),
            k.map(|k| k.occupancy),
        ];
        for ((column, places), want) in decimals.iter().zip(exact) {
            let cell = row[*column];
            assert!(!cell.contains('e'), "no exponent form: {cell} in {row:?}");
            let written = cell.split('.').nth(1).map_or(0, str::len);
            assert!(written <= *places, "{cell}: at most {places} decimals");
            if let (Some(want), Ok(got)) = (want, cell.parse::<f64>()) {
                let step = 10f64.powi(-(*places as i32));
                assert!((got - want).abs() <= step / 2.0 + 1e-12, "{cell} vs {want}");
            }
        }
    }
    // In the Finnish layout the same figures, separated by `;` with a decimal comma.
    let fi = coverage_csv(&ev, &finnish);
    assert!(
        fi.starts_with("\u{feff}channel;start;open;required;"),
        "{fi}"
    );
    let back: String = fi
        .trim_start_matches('\u{feff}')
        .replace(',', ".")
        .replace(';', ",");
    assert_eq!(back, text);
}

/// Cells of a sheet read back by calamine.
fn sheet(book: &[u8], name: &str) -> calamine::Range<Data> {
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(book.to_vec())).expect("xlsx");
    xlsx.worksheet_range(name).expect(name)
}

/// Excel's serial day number of a local date-time: days since 1899-12-30 (the 1900 system).
fn serial(t: chrono::NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
    (t.date() - epoch).num_days() as f64 + f64::from(t.num_seconds_from_midnight()) / 86_400.0
}

fn datetime_of(cell: &Data) -> f64 {
    match cell {
        Data::DateTime(d) => d.as_f64(),
        other => panic!("expected a date cell, found {other:?}"),
    }
}

#[test]
fn xlsx_cells_are_typed_and_read_back_by_calamine() {
    let m = model("");
    let r = week(&m);
    let book = roster_xlsx(&m, &r).expect("workbook");
    let xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(book.clone())).expect("xlsx");
    assert_eq!(
        xlsx.sheet_names(),
        ["Roster", "Segments", "Broken rules", "Open shifts"]
    );

    // The agent × day grid: contract and weekly paid hours as numbers, the days as dates.
    let grid = sheet(&book, "Roster");
    let header: Vec<String> = (0..7)
        .map(|c| grid.get((0, c)).map_or(String::new(), ToString::to_string))
        .collect();
    assert_eq!(
        header[..5],
        [
            "employee_id",
            "name",
            "team",
            "contract h/week",
            "paid h 2026-W48"
        ]
    );
    let day = |d: u32| serial(date(d).and_hms_opt(0, 0, 0).expect("midnight"));
    assert!((datetime_of(grid.get((0, 5)).expect("day")) - day(23)).abs() < 1e-9);
    assert!((datetime_of(grid.get((0, 6)).expect("day")) - day(24)).abs() < 1e-9);
    assert_eq!(grid.get((1, 2)), Some(&Data::String("=2+3".into())));
    assert_eq!(grid.get((1, 3)), Some(&Data::Float(37.5)));
    // Weekly paid hours: the paid segments of roster.csv, summed independently.
    let csv = roster_csv(&m, &r);
    let paid_h = |id: &str| {
        csv.lines()
            .filter(|l| l.starts_with(&format!("{id},")) && l.contains(",true,"))
            .map(|l| {
                l.rsplit(',')
                    .next()
                    .and_then(|x| x.parse::<f64>().ok())
                    .expect("minutes")
            })
            .sum::<f64>()
            / 60.0
    };
    assert_eq!(grid.get((1, 4)), Some(&Data::Float(paid_h("A1"))));
    assert_eq!(grid.get((2, 4)), Some(&Data::Float(paid_h("A2"))));
    assert!((paid_h("A1") - 15.0).abs() < 1e-9);
    assert_eq!(
        grid.get((1, 5)),
        Some(&Data::String("08:00–16:00 day".into()))
    );
    assert!(
        matches!(grid.get((2, 6)), None | Some(Data::Empty)),
        "A2 is off on Tuesday"
    );

    // Segments: dates and times as date cells, `paid` as a boolean, minutes as a number.
    let seg = sheet(&book, "Segments");
    assert_eq!(seg.height(), csv.lines().count());
    let first = |c: usize| seg.get((1, c)).expect("cell").clone();
    assert_eq!(first(0), Data::String("A1".into()));
    assert!((datetime_of(&first(3)) - day(23)).abs() < 1e-9);
    let eight = serial(date(23).and_hms_opt(8, 0, 0).expect("time"));
    assert!((datetime_of(&first(4)) - eight).abs() < 1e-6);
    assert_eq!(first(7), Data::String("work".into()));
    assert_eq!(first(9), Data::Bool(true));
    assert_eq!(first(10), Data::Float(120.0));

    // Broken rules by code and words; open shifts with the rules that turned agents away.
    let broken = sheet(&book, "Broken rules");
    let row: Vec<String> = (0..7)
        .map(|c| {
            broken
                .get((1, c))
                .map_or(String::new(), ToString::to_string)
        })
        .collect();
    assert_eq!(
        row,
        [
            "A2",
            "Aino Virtanen",
            "Phone",
            "min_hours",
            "Below minimum weekly hours",
            "hard",
            "7.5 h in week 48, minimum 30 h"
        ]
    );
    let open = sheet(&book, "Open shifts");
    assert!((datetime_of(open.get((1, 0)).expect("date")) - day(24)).abs() < 1e-9);
    assert_eq!(open.get((1, 5)), Some(&Data::Float(2.0)));
    assert_eq!(
        open.get((1, 6)),
        Some(&Data::String(
            "More than one shift a day (one_shift_per_day): 2".into()
        ))
    );
    assert_eq!(
        open.get((1, 7)),
        Some(&Data::String(
            "2 agents skilled; A1 already working that day, A2 already working that day".into()
        ))
    );

    // Every sheet: frozen header, an autofilter over its table, fitted widths (read from the sheet XML).
    let mut zip = zip::ZipArchive::new(Cursor::new(book.clone())).expect("zip");
    for (n, (frozen, filter)) in [
        ("3", "A1:G3"),
        ("2", "A1:K16"),
        ("2", "A1:G2"),
        ("1", "A1:H2"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{}.xml", n + 1))
            .expect("sheet")
            .read_to_string(&mut xml)
            .expect("xml");
        assert!(
            xml.contains(&format!("<pane xSplit=\"{frozen}\" ySplit=\"1\""))
                && xml.contains("state=\"frozen\""),
            "sheet {n}: {xml}"
        );
        assert!(
            xml.contains(&format!("<autoFilter ref=\"{filter}\"/>")),
            "sheet {n}: {xml}"
        );
        assert!(xml.contains("customWidth=\"1\""), "sheet {n}");
    }
    assert_eq!(roster_xlsx(&m, &r).expect("again"), book, "deterministic");
}

/// (UID, SEQUENCE, STATUS, DTSTART) of every event of a calendar, parsed by `ical`.
fn events(body: &str) -> Vec<(String, String, String, String)> {
    let calendar = ical::IcalParser::new(body.as_bytes())
        .next()
        .expect("a calendar")
        .expect("valid iCalendar");
    calendar
        .events
        .iter()
        .map(|e| {
            let prop = |name: &str| {
                e.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            (
                prop("UID"),
                prop("SEQUENCE"),
                prop("STATUS"),
                prop("DTSTART"),
            )
        })
        .collect()
}

fn calendar_of<'a>(files: &'a [(String, String)], name: &str) -> &'a str {
    &files.iter().find(|(n, _)| n == name).expect(name).1
}

#[test]
fn calendars_update_in_place_against_the_previous_publication() {
    let m = model("");
    let stamp = at(23, 0, 0);
    let first = week(&m);
    let published = calendars(&m, &first, stamp);
    // Next version: A1's Monday is dropped, Tuesday moves to 10:00, Wednesday is new; A2 is unchanged.
    let second = roster(
        &m,
        vec![
            shift(Some(0), 24, 10),
            shift(Some(0), 25, 8),
            shift(Some(1), 23, 12),
        ],
    );
    let previous = previous_from_ics(&published);
    let updated = calendars_after(&m, &second, stamp, &previous);
    let s = |x: &str| x.to_string();
    assert_eq!(
        events(calendar_of(&updated, "A1.ics")),
        [
            (
                s("A1-20261123@vuoro"),
                s("1"),
                s("CANCELLED"),
                s("20261123T080000")
            ),
            (s("A1-20261124@vuoro"), s("1"), s(""), s("20261124T100000")),
            (s("A1-20261125@vuoro"), s("0"), s(""), s("20261125T080000")),
        ]
    );
    assert_eq!(
        events(calendar_of(&updated, "A2.ics")),
        [(s("A2-20261123@vuoro"), s("0"), s(""), s("20261123T120000"))]
    );
    // Publishing the same roster again changes nothing: the cancellation stays, its sequence too.
    let again = calendars_after(&m, &second, stamp, &previous_from_ics(&updated));
    assert_eq!(again, updated);
    // A shift back on the cancelled day revises the cancelled event.
    let back = roster(&m, vec![shift(Some(0), 23, 8), shift(Some(1), 23, 12)]);
    let revived = calendars_after(&m, &back, stamp, &previous_from_ics(&updated));
    assert_eq!(
        events(calendar_of(&revived, "A1.ics"))[0],
        (s("A1-20261123@vuoro"), s("2"), s(""), s("20261123T080000"))
    );
    // roster.json records the same sequences, and reading it back as the previous publication agrees.
    let seq = sequences(&m, &second, &previous);
    let json = roster_json_with(&m, &second, &seq);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("json");
    let a1 = &doc["agents"][0]["shifts"];
    assert_eq!(
        (a1[0]["date"].as_str(), a1[0]["sequence"].as_u64()),
        (Some("2026-11-24"), Some(1))
    );
    assert_eq!(
        (a1[1]["date"].as_str(), a1[1]["sequence"].as_u64()),
        (Some("2026-11-25"), Some(0))
    );
    let from_json = previous_from_json(&m, Path::new("roster.json"), &json).expect("reads back");
    assert_eq!(sequences(&m, &second, &from_json), seq);
    // A changed shift after the JSON round trip raises the sequence again.
    let third = roster(&m, vec![shift(Some(0), 24, 9), shift(Some(1), 23, 12)]);
    assert_eq!(sequences(&m, &third, &from_json).of("A1", date(24)), 2);
    assert_eq!(
        sequences(&m, &third, &Previous::default()).of("A1", date(24)),
        0
    );
}

/// Every key of a JSON value, nested.
fn keys(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                out.insert(k.clone());
                keys(x, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| keys(x, out)),
        _ => {}
    }
}

#[test]
fn roster_json_has_a_schema_version_rule_codes_and_words_and_is_documented() {
    let m = model("");
    let doc: serde_json::Value = serde_json::from_str(&roster_json(&m, &week(&m))).expect("json");
    assert_eq!(doc["schema_version"], SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);
    let v = &doc["violations"][0];
    assert_eq!(
        (&v["employee_id"], &v["rule"], &v["words"], &v["hard"]),
        (
            &"A2".into(),
            &"min_hours".into(),
            &"Below minimum weekly hours".into(),
            &true.into()
        )
    );
    let turned = &doc["open_shifts"][0]["turned_away"][0];
    let code = turned["rule"].as_str().expect("code");
    assert_eq!(
        Rule::from_code(code).map(Rule::words),
        turned["words"].as_str()
    );
    assert_eq!(turned["agents"], 2);
    // Every key the file holds is documented.
    let docs = std::fs::read_to_string("docs/exports.md").expect("docs/exports.md");
    let mut all = BTreeSet::new();
    keys(&doc, &mut all);
    for key in all {
        assert!(
            docs.contains(&format!("`{key}`")) || docs.contains(&format!(".{key}`")),
            "docs/exports.md does not document `{key}`"
        );
    }
    for rule in Rule::ALL {
        let row = format!("| `{}` | {} |", rule.code(), rule.words());
        assert!(docs.contains(&row), "docs/exports.md lacks {row}");
    }
}

#[test]
fn export_layout_errors_name_line_column_and_expectation() {
    let bad = "[export.csv]\ndelimiter = \"::\"\ndecimal = \",\"\nactivity_codes = { work = \"W\", nap = \"N\", lunch = \"W\" }\n";
    let text = format!(
        "name = \"T\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = {{ service_level = \"80%\" }}\n{bad}"
    );
    let errors: Vec<String> = Model::from_toml(Path::new("m.toml"), &text)
        .expect_err("bad layout")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "m.toml:11:13: export.csv.delimiter: expected \",\", \";\", \"\\t\" or \"|\", found '::'",
            "m.toml:12:11: export.csv.decimal: expected a separator other than the delimiter ',' (use delimiter = \";\" with a decimal comma), found ','",
            "m.toml:13:27: export.csv.activity_codes.work: expected a code no other activity has, found 'W' twice",
            "m.toml:13:38: export.csv.activity_codes: expected codes for work, break, lunch, found 'nap'",
        ]
    );
}

/// Every cell of every sheet as `sheet!A1<TAB>type<TAB>value` lines, as calamine reads them: the
/// workbook's content in text, independent of how the zip container is compressed.
fn workbook_text(book: &[u8]) -> String {
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(book.to_vec())).expect("xlsx");
    let mut out = String::new();
    for name in xlsx.sheet_names() {
        let range = xlsx.worksheet_range(&name).expect("sheet");
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (kind, value) = match cell {
                    Data::Empty => continue,
                    Data::String(s) => ("text", s.clone()),
                    Data::Float(x) => ("number", x.to_string()),
                    Data::Int(x) => ("number", x.to_string()),
                    Data::Bool(b) => ("bool", b.to_string()),
                    Data::DateTime(d) => ("date", format!("{:.6}", d.as_f64())),
                    other => ("other", format!("{other:?}")),
                };
                let column = char::from(b'A' + c as u8);
                out.push_str(&format!("{name}!{column}{}\t{kind}\t{value}\n", r + 1));
            }
        }
    }
    out
}

/// Golden files of the new formats on the hand-made roster: the Finnish-Excel CSV layout, the
/// workbook's cells, `roster.json` and a calendar updated against a previous publication.
/// `VUORO_BLESS=1 cargo test --test exports` rewrites them after a deliberate change.
#[test]
fn golden_exports_in_the_new_formats() {
    let m = model(FINNISH);
    let first = week(&m);
    let second = roster(
        &m,
        vec![
            shift(Some(0), 24, 10),
            shift(Some(0), 25, 8),
            shift(Some(1), 23, 12),
        ],
    );
    let previous = previous_from_ics(&calendars(&m, &first, at(23, 0, 0)));
    let updated = calendars_after(&m, &second, at(23, 0, 0), &previous);
    let seq = sequences(&m, &second, &previous);
    let files = [
        ("fi_roster.csv", roster_csv(&m, &second)),
        ("fi_roster_daily.csv", roster_daily_csv(&m, &second)),
        (
            "fi_roster.xlsx.txt",
            workbook_text(&roster_xlsx(&m, &second).expect("workbook")),
        ),
        ("fi_roster.json", roster_json_with(&m, &second, &seq)),
        (
            "fi_A1_updated.ics",
            calendar_of(&updated, "A1.ics").to_string(),
        ),
    ];
    let golden = Path::new("tests/golden");
    let bless = std::env::var_os("VUORO_BLESS").is_some();
    for (name, got) in files {
        let path = golden.join(name);
        if bless {
            std::fs::write(&path, &got).expect("bless");
            continue;
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} missing: run with VUORO_BLESS=1", path.display()));
        assert!(got == want, "{name} differs from {}", path.display());
    }
}

#[test]
fn an_encoding_that_cannot_write_the_models_names_is_refused() {
    let text = "name = \"T\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"puhelin–chat\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
         [[channel]]\nname = \"Łączność\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
         [export.csv]\nencoding = \"windows-1252\"\nbom = true\n";
    let errors: Vec<String> = Model::from_toml(Path::new("m.toml"), text)
        .expect_err("not writable")
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "m.toml:11:8: channel.name: expected characters windows-1252 can write (export.csv.encoding), found 'Ł' in 'Łączność'",
            "m.toml:16:12: export.csv.encoding: expected \"utf-8\" with bom = true (a byte-order mark marks UTF-8), found 'windows-1252'",
        ]
    );
    let bad = text.replace("windows-1252", "latin9");
    let errors = Model::from_toml(Path::new("m.toml"), &bad)
        .expect_err("unknown encoding")
        .to_string();
    assert!(
        errors.contains("m.toml:16:12: export.csv.encoding: expected \"utf-8\" or \"windows-1252\", found 'latin9'"),
        "{errors}"
    );
}

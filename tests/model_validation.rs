//! Bad model files are rejected with `path:line:column: field: expected …, found …`, one class per test.

use std::path::Path;
use vuoro::model::Model;

/// A valid model of one channel on a 60-minute grid (8 lines) that each test extends.
const BASE: &str = "[planning]\ntime_zone = \"UTC\"\ninterval = \"60m\"\n[[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n";

/// The diagnostics for `BASE` followed by `extra`.
fn errors(extra: &str) -> Vec<String> {
    errors_of(&format!("{BASE}{extra}"))
}

fn errors_of(text: &str) -> Vec<String> {
    match Model::from_toml(Path::new("m.toml"), text) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

/// A shift template (starting on line 9) with `extra` keys from line 12 on.
fn shift(length: &str, start: &str, extra: &str) -> String {
    format!("[[shift]]\nname = \"d\"\n{length}\nstart = \"{start}\"\n{extra}")
}

#[test]
fn valid_base_model_is_accepted() {
    assert!(errors("").is_empty());
    assert!(errors(&shift("length = \"8h\"", "22:00-25:00", "")).is_empty());
}

#[test]
fn shifts_longer_than_a_day_are_errors() {
    assert_eq!(
        errors(&shift("length = \"25h\"", "08:00-09:00", "")),
        ["m.toml:11:10: shift 'd': length: expected a paid length of at most 24h, found '25h'"]
    );
    assert_eq!(
        errors(&shift("lengths = [\"8h\", \"25h\"]", "08:00-09:00", "")),
        ["m.toml:11:18: shift 'd': lengths: expected a paid length of at most 24h, found '25h'"]
    );
    let long_break = "breaks = [{ length = \"1h\", window = \"2h-3h\" }]\n";
    assert_eq!(
        errors(&shift("length = \"23h30m\"", "08:00-09:00", long_break)),
        ["m.toml:11:10: shift 'd': length: expected at most 24h on site (paid length plus unpaid breaks), found 23h30m paid + 1h unpaid"]
    );
}

#[test]
fn clock_times_outside_a_day_are_errors() {
    assert_eq!(
        errors(&shift("length = \"8h\"", "30:00-31:00", "")),
        ["m.toml:12:9: shift 'd': start: expected a first start from 00:00 to 23:59 (only the last may pass midnight), found '30:00-31:00'"]
    );
    assert_eq!(
        errors(&shift("length = \"8h\"", "08:00-33:00", "")),
        ["m.toml:12:9: shift 'd': start: expected a last start less than 24h after the first, found '08:00-33:00'"]
    );
    assert_eq!(
        errors(&shift("length = \"8h\"", "10:00-09:00", "")),
        ["m.toml:12:9: shift 'd': start: expected a start range such as \"07:00-12:00\" (\"22:00-25:30\" passes midnight), found '10:00-09:00'"]
    );
    assert_eq!(
        errors("[rules]\nlate_after = \"25:00\"\n"),
        ["m.toml:10:14: rules.late_after: expected a local time from 00:00 to 24:00 such as \"19:00\", found '25:00'"]
    );
    assert!(errors("[rules]\nlate_after = \"24:00\"\n").is_empty());
    let hours = BASE.replace(
        "target = {",
        "hours = { mon = \"08:00-24:30\" }\ntarget = {",
    );
    assert_eq!(
        errors_of(&hours),
        ["m.toml:8:17: channel 'voice': hours.mon: expected opening hours such as 08:00-20:00, 08:00-12:00, 13:00-17:00 or closed, found '08:00-24:30'"]
    );
    assert!(errors_of(&hours.replace("24:30", "24:00")).is_empty());
}

#[test]
fn a_shift_must_work_a_channel() {
    assert_eq!(
        errors(&shift("length = \"8h\"", "08:00-09:00", "channels = []\n")),
        ["m.toml:13:12: shift 'd': channels: expected at least one channel of this model (voice), found none"]
    );
}

#[test]
fn rest_rules_no_roster_can_meet_are_errors() {
    assert_eq!(
        errors("[rules]\nweekly_rest = \"170h\"\nmin_rest = \"168h\"\n"),
        [
            "m.toml:10:15: rules.weekly_rest: expected less than 168h, found '170h': a week has only 168h, so no roster can rest that long within one week",
            "m.toml:11:12: rules.min_rest: expected less than 168h, found '168h': a week has only 168h, so no roster can rest that long between two shifts",
        ]
    );
    let rules = "[rules]\nweekly_rest = \"161h\"\n";
    assert_eq!(
        errors(&format!("{}{rules}", shift("length = \"8h\"", "08:00-09:00", ""))),
        ["m.toml:14:15: rules.weekly_rest: expected at most 160h (a week minus the shortest shift, 8h), found '161h': no agent could work a shift and still rest that long in a week"]
    );
    assert!(errors(&format!(
        "{}{}",
        shift("length = \"8h\"", "08:00-09:00", ""),
        rules.replace("161h", "160h")
    ))
    .is_empty());
}

#[test]
fn each_target_is_reported_at_its_own_key() {
    let target = |t: &str| BASE.replace("{ service_level = \"80%\" }", t);
    assert_eq!(
        errors_of(&target("{ service_level = \"100%\" }")),
        ["m.toml:8:28: channel 'voice': target.service_level: expected a share between 0 and 100% (exclusive), e.g. \"80%\" or 0.8, found '100%'"]
    );
    assert_eq!(
        errors_of(&target("{ service_level = \"80%\", max_abandon = 0, max_occupancy = \"0%\" }")),
        [
            "m.toml:8:49: channel 'voice': target.max_abandon: expected a share between 0 and 100% (exclusive), e.g. \"80%\" or 0.8, found 0",
            "m.toml:8:68: channel 'voice': target.max_occupancy: expected a share above 0 and at most 100%, e.g. \"85%\", found '0%'",
        ]
    );
    let deferred = BASE.replace("immediate", "deferred").replace(
        "{ service_level = \"80%\" }",
        "{ response_window = \"4h\", within_window = 0 }",
    );
    assert_eq!(
        errors_of(&deferred),
        ["m.toml:8:52: channel 'voice': target.within_window: expected a share above 0 and at most 100%, e.g. \"85%\", found 0"]
    );
    assert_eq!(
        errors("[schedule]\nmin_interval_service_level = \"120%\"\n"),
        ["m.toml:10:30: schedule.min_interval_service_level: expected a share such as \"80%\" or 0.8, found '120%'"]
    );
}

#[test]
fn wrong_types_and_missing_keys_are_reported_in_house_style() {
    let cases = [
        (
            shift("length = true", "08:00-09:00", ""),
            "m.toml:11:10: shift 'd': length: expected a positive duration such as \"20s\", \"3m\", \"1h30m\" or seconds, found true",
        ),
        (
            shift("lengths = \"8h\"", "08:00-09:00", ""),
            "m.toml:11:11: shift 'd': lengths: expected an array such as [\"a\", \"b\"], found '8h'",
        ),
        (
            shift("length = \"8h\"", "08:00-09:00", "min_per_day = 2.5\n"),
            "m.toml:13:15: shift 'd': min_per_day: expected a whole number, found 2.5",
        ),
        (
            shift("length = \"8h\"", "08:00-09:00", "breaks = [{ length = \"30m\" }]\n"),
            "m.toml:13:11: shift 'd': breaks[0].window: expected a window of start offsets such as \"3h30m-5h\", found none",
        ),
        (
            "[rules]\npaired_days_off = \"yes\"\n".to_string(),
            "m.toml:10:19: rules.paired_days_off: expected true or false, found 'yes'",
        ),
        (
            "[rules.penalties]\nlate_shift = \"x\"\n".to_string(),
            "m.toml:10:14: rules.penalties.late_shift: expected a number, found 'x'",
        ),
        (
            "[export]\ncsv = 3\n".to_string(),
            "m.toml:10:7: export.csv: expected a table, found 3",
        ),
    ];
    for (extra, want) in cases {
        assert_eq!(errors(&extra), [want], "{extra}");
    }
    assert_eq!(
        errors_of(&BASE.replace("aht = \"3m\"", "aht = [1]")),
        ["m.toml:7:7: channel 'voice': aht: expected a positive duration such as \"20s\", \"3m\", \"1h30m\" or seconds, found an array"]
    );
    assert_eq!(
        errors_of(&BASE.replace("aht = \"3m\"\n", "")),
        ["m.toml:4:1: channel 'voice': aht: expected a positive duration such as \"3m\", found none"]
    );
    assert_eq!(
        errors_of(&BASE.replace("target = {", "target = \"80%\"\n#{")),
        ["m.toml:8:10: channel 'voice': target: expected a table, found '80%'"]
    );
    for text in [
        BASE.replace("\"60m\"", "true"),
        BASE.replace("aht = \"3m\"", "aht = 2026-01-01T00:00:00"),
        BASE.replace("time_zone = \"UTC\"\n", ""),
    ] {
        for e in errors_of(&text) {
            assert!(
                !e.contains("untagged")
                    && !e.contains("invalid type")
                    && !e.contains("missing field"),
                "{e}"
            );
            assert!(e.contains(": expected ") && e.contains(", found "), "{e}");
        }
    }
}

#[test]
fn times_off_the_planning_grid_are_errors() {
    let hours = BASE.replace(
        "target = {",
        "hours = { weekdays = \"08:10-16:00\" }\ntarget = {",
    );
    assert_eq!(
        errors_of(&hours),
        ["m.toml:8:22: channel 'voice': hours.weekdays: expected times on the 60-minute planning grid, found '08:10'"]
    );
    assert_eq!(
        errors(&shift("length = \"8h\"", "08:00-09:30", "")),
        ["m.toml:12:9: shift 'd': start: expected start times on the 60-minute planning grid, found '08:00-09:30'"]
    );
    assert_eq!(
        errors(&shift("length = \"8h\"", "08:00-12:00", "start_step = \"90m\"\n")),
        ["m.toml:13:14: shift 'd': start_step: expected a multiple of the 60-minute planning interval, found '90m'"]
    );
}

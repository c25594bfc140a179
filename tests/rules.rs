//! Every rule of the catalogue alone, on a tiny instance worked by hand: whether it admits an agent for
//! a shift, what it costs, and what it reports once the roster is done.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::path::Path;
use vuoro::agents::{read_agents, read_availability, Agent, Window};
use vuoro::model::Model;
use vuoro::rules::{constraint, AgentWeek, Context, Offer, Rule, Who, CATALOGUE};
use vuoro::staffing::{ChannelId, Span, TemplateId};

fn model(rules: &str) -> Model {
    let text = format!(
        "name = \"T\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = {{ service_level = \"80%\" }}\n\
         [[channel]]\nname = \"chat\"\nkind = \"immediate\"\naht = \"5m\"\ntarget = {{ service_level = \"80%\" }}\n\
         [[shift]]\nname = \"day\"\nlength = \"8h\"\nstart = \"00:00-23:00\"\nchannels = [\"voice\", \"chat\"]\n{rules}"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Helsinki local time (winter, +02:00), November 2026 (Mon 23.11. starts ISO week 48).
fn at(day: u32, hour: u32) -> DateTime<Utc> {
    chrono_tz::Europe::Helsinki
        .with_ymd_and_hms(2026, 11, day, 0, 0, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
        + chrono::Duration::hours(i64::from(hour))
}

/// A shift on `day` from `from` for `hours` hours, on voice.
fn shift(day: u32, from: u32, hours: u32) -> Span {
    Span {
        agent: None,
        template: TemplateId(0),
        date: NaiveDate::from_ymd_opt(2026, 11, day).expect("date"),
        start: at(day, from),
        end: at(day, from + hours),
        breaks: Vec::new(),
        channels: vec![ChannelId(0)],
        count: 1,
        paid_minutes: 60 * hours,
        cost: 1.0,
    }
}

struct Case {
    model: Model,
    agents: Vec<Agent>,
    windows: Vec<Window>,
}

impl Case {
    fn new(rules: &str, agents: &str, availability: &str) -> Case {
        let model = model(rules);
        let agents = read_agents(Path::new("a.csv"), agents, &model).expect("agents");
        let windows = read_availability(
            Path::new("v.csv"),
            &format!("agent_id,date,from,to,kind\n{availability}"),
            &agents,
        )
        .expect("availability");
        Case {
            model,
            agents,
            windows,
        }
    }

    /// The week of ISO week 48 as the rostered period.
    fn cx(&self) -> Context<'_> {
        Context::new(
            &self.model,
            &self.model.rules,
            &self.windows,
            (at(23, 0), at(30, 0)),
            (23..30).map(|d| NaiveDate::from_ymd_opt(2026, 11, d).expect("date")),
        )
    }

    /// An agent's week holding `shifts`.
    fn week(&self, shifts: &[Span]) -> AgentWeek {
        let mut w = AgentWeek::default();
        for s in shifts {
            w.take(&Offer::new(&self.model, self.model.rules.late_after_h, s));
        }
        w
    }

    fn offer<'s>(&self, span: &'s Span) -> Offer<'s> {
        Offer::new(&self.model, self.model.rules.late_after_h, span)
    }
}

const ONE: &str = "id,name,skills,contract_hours\nA1,Aino,voice,37.5\n";

fn admits(case: &Case, rule: Rule, had: &[Span], next: &Span) -> bool {
    let week = case.week(had);
    let who = Who {
        index: 0,
        agent: &case.agents[0],
        week: &week,
    };
    constraint(rule).admits(&case.cx(), who, &case.offer(next))
}

fn cost(case: &Case, rule: Rule, had: &[Span], next: &Span) -> f64 {
    let week = case.week(had);
    let who = Who {
        index: 0,
        agent: &case.agents[0],
        week: &week,
    };
    constraint(rule).cost(&case.cx(), who, &case.offer(next))
}

/// Breaches of `rule` for agent 0 whose roster is `weeks[0]`.
fn breaches(case: &Case, rule: Rule, weeks: &[Vec<Span>]) -> Vec<String> {
    let weeks: Vec<AgentWeek> = weeks.iter().map(|w| case.week(w)).collect();
    constraint(rule).breaches(&case.cx(), 0, &case.agents, &weeks)
}

#[test]
fn the_catalogue_holds_every_rule_once_with_a_code_and_words() {
    let rules: Vec<Rule> = CATALOGUE.iter().map(|c| c.rule()).collect();
    assert_eq!(rules, Rule::ALL.to_vec());
    for r in Rule::ALL {
        assert_eq!(Rule::from_code(r.code()), Some(r));
        assert!(!r.words().is_empty());
    }
}

#[test]
fn skills() {
    let case = Case::new("", ONE, "");
    let mut chat = shift(23, 8, 8);
    chat.channels = vec![ChannelId(1)];
    assert!(admits(&case, Rule::Skills, &[], &shift(23, 8, 8)));
    assert!(!admits(&case, Rule::Skills, &[], &chat));
}

#[test]
fn availability() {
    let case = Case::new("", ONE, "A1,2026-11-24,07:00,09:00,unavailable\n");
    assert!(!admits(&case, Rule::Availability, &[], &shift(24, 8, 8)));
    assert!(admits(&case, Rule::Availability, &[], &shift(24, 9, 8)));
    assert!(admits(&case, Rule::Availability, &[], &shift(25, 8, 8)));
}

#[test]
fn one_shift_per_day() {
    let case = Case::new("", ONE, "");
    let had = [shift(23, 6, 4)];
    assert!(!admits(
        &case,
        Rule::OneShiftPerDay,
        &had,
        &shift(23, 14, 4)
    ));
    assert!(admits(&case, Rule::OneShiftPerDay, &had, &shift(24, 14, 4)));
}

#[test]
fn no_overlap_even_across_midnight() {
    let case = Case::new("[rules]\nsoft = [\"min_rest\"]\n", ONE, "");
    let night = [shift(23, 22, 8)]; // Mon 22:00 – Tue 06:00
    assert!(!admits(&case, Rule::NoOverlap, &night, &shift(24, 5, 8)));
    assert!(admits(&case, Rule::NoOverlap, &night, &shift(24, 6, 8)));
}

#[test]
fn min_rest() {
    let case = Case::new("", ONE, "");
    let late = [shift(23, 14, 9)]; // ends 23:00
    assert!(!admits(&case, Rule::MinRest, &late, &shift(24, 9, 8))); // 10 h
    assert!(admits(&case, Rule::MinRest, &late, &shift(24, 10, 8))); // 11 h
    let broken = breaches(
        &case,
        Rule::MinRest,
        &[vec![late[0].clone(), shift(24, 9, 8)]],
    );
    assert_eq!(
        broken,
        vec!["10.0 h before 2026-11-24T09:00+02:00, at least 11 h"]
    );
}

#[test]
fn weekly_rest() {
    // Mon–Sat 08–16: the longest rest in week 48 is Sat 16:00 → Mon 00:00 = 32 h < 35 h.
    let case = Case::new("", ONE, "");
    let five: Vec<Span> = (23..28).map(|d| shift(d, 8, 8)).collect();
    assert!(!admits(&case, Rule::WeeklyRest, &five, &shift(28, 8, 8)));
    // A Saturday shift ending at 13:00 leaves 35 h.
    assert!(admits(&case, Rule::WeeklyRest, &five, &shift(28, 8, 5)));
    let mut six = five.clone();
    six.push(shift(28, 8, 8));
    assert_eq!(
        breaches(&case, Rule::WeeklyRest, &[six]),
        vec!["week 48: longest rest 32.0 h, at least 35 h"]
    );
}

#[test]
fn max_consecutive_days() {
    let case = Case::new("[rules]\nmax_consecutive_days = 2\n", ONE, "");
    let two = [shift(23, 8, 8), shift(24, 8, 8)];
    assert!(!admits(
        &case,
        Rule::MaxConsecutiveDays,
        &two,
        &shift(25, 8, 8)
    ));
    assert!(admits(
        &case,
        Rule::MaxConsecutiveDays,
        &two,
        &shift(26, 8, 8)
    ));
    let three = vec![shift(23, 8, 8), shift(24, 8, 8), shift(25, 8, 8)];
    assert_eq!(
        breaches(&case, Rule::MaxConsecutiveDays, &[three]),
        vec!["3 in a row, at most 2"]
    );
}

#[test]
fn max_hours_and_max_days_per_iso_week() {
    let agents =
        "id,name,skills,contract_hours,min_hours,max_hours,max_days\nA1,Aino,voice,16,8,16,2\n";
    let case = Case::new("", agents, "");
    let two = [shift(23, 8, 8), shift(24, 8, 8)];
    assert!(!admits(&case, Rule::MaxHours, &two, &shift(25, 8, 1)));
    assert!(!admits(&case, Rule::MaxDays, &two, &shift(25, 8, 1)));
    // The next ISO week starts afresh.
    assert!(admits(&case, Rule::MaxHours, &two, &shift(30, 8, 8)));
    assert!(admits(&case, Rule::MaxDays, &two, &shift(30, 8, 8)));
    let three = vec![shift(23, 8, 8), shift(24, 8, 8), shift(25, 8, 8)];
    assert_eq!(
        breaches(&case, Rule::MaxHours, std::slice::from_ref(&three)),
        vec!["week 48: 24.0 h rostered, maximum 16.0 h"]
    );
    assert_eq!(
        breaches(&case, Rule::MaxDays, &[three]),
        vec!["week 48: 3 days, at most 2"]
    );
}

#[test]
fn min_hours_rewards_the_agent_furthest_below_contract() {
    let case = Case::new("", ONE, "");
    // 37.5 h contract, 8 h so far: 29.5 h below, at 2 per hour.
    assert!(
        (cost(&case, Rule::MinHours, &[shift(23, 8, 8)], &shift(24, 8, 8)) + 59.0).abs() < 1e-9
    );
    assert_eq!(
        breaches(&case, Rule::MinHours, &[vec![shift(23, 8, 8)]]),
        vec!["week 48: 8.0 h rostered, minimum 29.5 h"]
    );
}

#[test]
fn start_spread() {
    let case = Case::new("", ONE, "");
    let had = [shift(23, 8, 8)];
    // Starting at 09:00 is inside the 2 h spread (1 h from the mean): free; 14:00 is 6 h off, 5 h outside
    // half the spread, at 8 per hour.
    assert!(cost(&case, Rule::StartSpread, &had, &shift(24, 9, 8)).abs() < 1e-12);
    assert!((cost(&case, Rule::StartSpread, &had, &shift(24, 14, 8)) - 40.0).abs() < 1e-9);
    assert_eq!(
        breaches(
            &case,
            Rule::StartSpread,
            &[vec![shift(23, 8, 8), shift(24, 14, 8)]]
        ),
        vec!["starts from 08:00 to 14:00, at most 2 h apart"]
    );
}

#[test]
fn weekend_and_late_shifts_are_shared() {
    let agents = "id,name,skills,contract_hours\nA1,Aino,voice,37.5\nB2,Eetu,voice,37.5\nC3,Ella,voice,37.5\n";
    let case = Case::new("", agents, "");
    // A1 already has a Saturday late shift: another weekend or late shift costs more.
    let had = [shift(28, 14, 8)];
    assert!((cost(&case, Rule::WeekendFairness, &had, &shift(29, 8, 8)) - 6.0).abs() < 1e-9);
    assert!((cost(&case, Rule::LateFairness, &had, &shift(24, 14, 8)) - 3.0).abs() < 1e-9);
    assert!(cost(&case, Rule::WeekendFairness, &had, &shift(24, 8, 8)).abs() < 1e-12);
    // A1 works both weekend days late, the others one weekday each: 2 against an average of 0.67.
    let weeks = vec![
        vec![shift(28, 14, 8), shift(29, 14, 8)],
        vec![shift(23, 8, 8)],
        vec![shift(24, 8, 8)],
    ];
    assert_eq!(
        breaches(&case, Rule::WeekendFairness, &weeks),
        vec!["2 against an average of 0.7"]
    );
    assert_eq!(
        breaches(&case, Rule::LateFairness, &weeks),
        vec!["2 against an average of 0.7"]
    );
}

#[test]
fn paired_days_off() {
    let case = Case::new("", ONE, "");
    // Monday worked, Tuesday off: working Wednesday leaves Tuesday alone.
    assert!(
        (cost(
            &case,
            Rule::PairedDaysOff,
            &[shift(23, 8, 8)],
            &shift(25, 8, 8)
        ) - 15.0)
            .abs()
            < 1e-9
    );
    assert!(
        cost(
            &case,
            Rule::PairedDaysOff,
            &[shift(23, 8, 8)],
            &shift(24, 8, 8)
        )
        .abs()
            < 1e-12
    );
    assert_eq!(
        breaches(
            &case,
            Rule::PairedDaysOff,
            &[vec![shift(23, 8, 8), shift(25, 8, 8)]]
        ),
        vec!["single day off on Tue 24.11."]
    );
    let off = Case::new("[rules]\npaired_days_off = false\n", ONE, "");
    assert!(breaches(
        &off,
        Rule::PairedDaysOff,
        &[vec![shift(23, 8, 8), shift(25, 8, 8)]]
    )
    .is_empty());
}

#[test]
fn preferred_hours() {
    let case = Case::new("", ONE, "A1,2026-11-23,08:00,12:00,preferred\n");
    assert!((cost(&case, Rule::PreferredHours, &[], &shift(23, 8, 8)) + 2.0).abs() < 1e-9);
    assert!(cost(&case, Rule::PreferredHours, &[], &shift(23, 14, 8)).abs() < 1e-12);
    assert_eq!(
        breaches(&case, Rule::PreferredHours, &[vec![shift(23, 14, 8)]]),
        vec!["2026-11-23 day"]
    );
    // No wish that day: nothing to break.
    assert!(breaches(&case, Rule::PreferredHours, &[vec![shift(24, 14, 8)]]).is_empty());
}

#[test]
fn hard_rules_can_be_made_soft_but_the_always_hard_cannot() {
    let m = model("[rules]\nsoft = [\"min_rest\", \"max_days\"]\n");
    assert!(!m.rules.is_hard(Rule::MinRest) && !m.rules.is_hard(Rule::MaxDays));
    assert!(m.rules.is_hard(Rule::WeeklyRest) && m.rules.is_hard(Rule::Skills));
    assert!(!m.rules.is_hard(Rule::StartSpread));
    let text = "name = \"T\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
         [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
         [rules]\nsoft = [\"skills\"]\n";
    let err = Model::from_toml(Path::new("m.toml"), text).expect_err("skills cannot be soft");
    assert!(
        err.to_string().contains("rules.soft: expected rule names from min_rest, weekly_rest, max_consecutive_days, max_hours, max_days, min_hours, contract_shifts, max_per_agent, max_weekends, max_late_shifts, found 'skills'"),
        "{err}"
    );
}

/// A model with a second template, "short" (4 h), limited to two a week per agent, and two contracts.
const CONTRACTS: &str = "[[shift]]\nname = \"short\"\nlength = \"4h\"\nstart = \"00:00-23:00\"\n\
    channels = [\"voice\"]\nmax_per_agent = 2\n\
    [[contract]]\nname = \"full-time\"\nhours = 37.5\nmax_days = 5\nshifts = [\"day\"]\n\
    [[contract]]\nname = \"part-time\"\nhours = 20\nmin_hours = 12\nmax_days = 4\nmax_weekends = 1\nmax_late_shifts = 1\n";

fn short(day: u32, from: u32) -> Span {
    Span {
        template: TemplateId(1),
        ..shift(day, from, 4)
    }
}

#[test]
fn a_contract_type_gives_its_band_days_and_shifts_and_the_row_overrides_it() {
    let case = Case::new(
        CONTRACTS,
        "id,name,skills,contract,contract_hours,max_days\nF,Fia,voice,full-time,,\nP,Pia,voice,part-time,,\nQ,Qia,voice,part-time,24,3\n",
        "",
    );
    let [f, p, q] = [&case.agents[0], &case.agents[1], &case.agents[2]];
    // Full-time: the contract's 37.5 h with the default band (−8, +4), 5 days, only "day".
    assert_eq!(
        (f.contract_hours, f.min_hours, f.max_hours, f.max_days),
        (37.5, 29.5, 41.5, 5)
    );
    assert!(f.may_work(0) && !f.may_work(1));
    // Part-time: the contract's own band; every template.
    assert_eq!(
        (p.contract_hours, p.min_hours, p.max_hours, p.max_days),
        (20.0, 12.0, 24.0, 4)
    );
    assert!(p.may_work(0) && p.may_work(1));
    // The row's own hours override the contract's, with the usual band around them; its days too.
    assert_eq!(
        (q.contract_hours, q.min_hours, q.max_hours, q.max_days),
        (24.0, 16.0, 28.0, 3)
    );
    let err = read_agents(
        Path::new("a.csv"),
        "id,name,skills,contract\nX,Xia,voice,temp\n",
        &case.model,
    )
    .expect_err("unknown contract");
    assert!(
        err.to_string().contains("a.csv:2:4: contract: expected a contract of the model (full-time, part-time), found 'temp'"),
        "{err}"
    );
}

#[test]
fn contract_shifts_admits_only_the_templates_of_the_contract() {
    let case = Case::new(
        CONTRACTS,
        "id,name,skills,contract\nF,Fia,voice,full-time\n",
        "",
    );
    assert!(admits(&case, Rule::ContractShifts, &[], &shift(23, 8, 8)));
    assert!(!admits(&case, Rule::ContractShifts, &[], &short(23, 8)));
    let broken = breaches(&case, Rule::ContractShifts, &[vec![short(24, 8)]]);
    assert_eq!(
        broken,
        vec!["2026-11-24 short (contract full-time)".to_string()]
    );
}

#[test]
fn max_per_agent_limits_shifts_of_a_template_in_a_week() {
    let case = Case::new(CONTRACTS, ONE, "");
    let two = [short(23, 8), short(24, 8)];
    assert!(admits(
        &case,
        Rule::MaxTemplateShifts,
        &two[..1],
        &short(25, 8)
    ));
    assert!(!admits(&case, Rule::MaxTemplateShifts, &two, &short(25, 8)));
    // Another template is not limited by it.
    assert!(admits(
        &case,
        Rule::MaxTemplateShifts,
        &two,
        &shift(25, 8, 8)
    ));
    let three = vec![short(23, 8), short(24, 8), short(25, 8)];
    assert_eq!(
        breaches(&case, Rule::MaxTemplateShifts, &[three]),
        vec!["week 48: 3 × short, at most 2".to_string()]
    );
}

#[test]
fn max_weekends_counts_weekends_worked_not_weekend_days() {
    let case = Case::new(
        CONTRACTS,
        "id,name,skills,contract\nP,Pia,voice,part-time\n",
        "",
    );
    // Saturday worked: Sunday of the same weekend is still admitted; a weekday always is.
    let sat = [short(28, 8)];
    assert!(admits(&case, Rule::MaxWeekends, &sat, &short(29, 8)));
    assert!(admits(&case, Rule::MaxWeekends, &sat, &short(27, 8)));
    // The next weekend would be the second (the contract allows one).
    assert!(!admits(&case, Rule::MaxWeekends, &sat, &short(21, 8)));
    // Without a limit anywhere, nothing is refused.
    let free = Case::new(CONTRACTS, ONE, "");
    assert!(admits(&free, Rule::MaxWeekends, &sat, &short(21, 8)));
    // The model's limit applies to everyone; the lower of the two wins.
    let ruled = Case::new(&format!("[rules]\nmax_weekends = 0\n{CONTRACTS}"), ONE, "");
    assert!(!admits(&ruled, Rule::MaxWeekends, &[], &short(28, 8)));
}

#[test]
fn max_late_shifts_counts_late_shifts_of_the_week() {
    let case = Case::new(
        CONTRACTS,
        "id,name,skills,contract\nP,Pia,voice,part-time\n",
        "",
    );
    // Late: ends at or after 19:00. One a week is allowed.
    let late = [short(23, 16)];
    assert!(admits(&case, Rule::MaxLateShifts, &[], &short(24, 16)));
    assert!(!admits(&case, Rule::MaxLateShifts, &late, &short(24, 16)));
    assert!(admits(&case, Rule::MaxLateShifts, &late, &short(24, 8)));
    assert_eq!(
        breaches(
            &case,
            Rule::MaxLateShifts,
            &[vec![short(23, 16), short(25, 17)]]
        ),
        vec!["week 48: 2 late shifts, at most 1".to_string()]
    );
}

#[test]
fn min_consecutive_days_reports_short_stretches_inside_the_period() {
    let case = Case::new("[rules]\nmin_consecutive_days = 2\n", ONE, "");
    // Tue alone, then Thu–Fri: the lone Tuesday is short; Mon (period edge) would not be judged.
    let week = vec![shift(24, 8, 8), shift(26, 8, 8), shift(27, 8, 8)];
    assert_eq!(
        breaches(&case, Rule::MinConsecutiveDays, &[week]),
        vec!["1 day(s) from Tue 24.11., at least 2".to_string()]
    );
    assert!(breaches(&case, Rule::MinConsecutiveDays, &[vec![shift(23, 8, 8)]]).is_empty());
    // Choosing: a day with no worked neighbour costs the weight; next to a worked day, nothing.
    assert!(
        cost(
            &case,
            Rule::MinConsecutiveDays,
            &[shift(24, 8, 8)],
            &shift(26, 8, 8)
        ) > 0.0
    );
    assert!(
        cost(
            &case,
            Rule::MinConsecutiveDays,
            &[shift(24, 8, 8)],
            &shift(25, 8, 8)
        )
        .abs()
            < 1e-12
    );
}

#[test]
fn a_day_of_approved_leave_is_not_a_lone_day_off() {
    let on_leave = Case::new("", ONE, "A1,2026-11-25,00:00,24:00,unavailable\n");
    let week = vec![shift(24, 8, 8), shift(26, 8, 8)];
    assert!(breaches(&on_leave, Rule::PairedDaysOff, std::slice::from_ref(&week)).is_empty());
    let free = Case::new("", ONE, "");
    assert_eq!(breaches(&free, Rule::PairedDaysOff, &[week]).len(), 1);
}

#[test]
fn leave_counts_toward_the_weeks_minimum_hours() {
    // ONE: 37.5 h over max_days 5 = 7.5 h a day of leave; minimum 29.5 h. Two days of leave (Tue, Wed)
    // leave 29.5 − 15 = 14.5 h owed: 16 h worked meets it, 8 h does not. A fixed day off (every
    // Thursday) is off anyway and credits nothing, nor does leave for part of a day.
    let leave = "A1,2026-11-24,00:00,24:00,unavailable\nA1,2026-11-25,00:00,24:00,unavailable\n\
                 A1,thu,00:00,24:00,unavailable\nA1,2026-11-26,00:00,24:00,unavailable\n\
                 A1,2026-11-27,08:00,12:00,unavailable\n";
    let case = Case::new("", ONE, leave);
    assert!(breaches(
        &case,
        Rule::MinHours,
        &[vec![shift(23, 8, 8), shift(28, 8, 8)]]
    )
    .is_empty());
    assert_eq!(
        breaches(&case, Rule::MinHours, &[vec![shift(23, 8, 8)]]),
        vec!["week 48: 8.0 h rostered, minimum 14.5 h (2 days of leave credited)"]
    );
}

#[test]
fn min_hours_is_hard_by_default_and_may_be_made_soft() {
    let hard = model("");
    assert!(hard.rules.is_hard(Rule::MinHours));
    let soft = model("[rules]\nsoft = [\"min_hours\"]\n");
    assert!(!soft.rules.is_hard(Rule::MinHours));
}

//! The days-off rows (`workforce_days_off`) alone, on a week worked by hand: a plan the roster can
//! staff with every agent's days off paired is preferred to a slightly cheaper one it cannot,
//! checked by brute force over every roster of the plan.

use chrono::{Datelike, NaiveDate};
use std::path::Path;
use vuoro::model::Model;
use vuoro::requirements::demand::Demand;
use vuoro::schedule::{schedule_for, Goal, SolverChoice, Workforce};

/// One voice channel at hourly intervals, open 07:00–15:00 every day; one 8 h shift a day starting
/// 07:00, from three templates: Monday and Wednesday–Friday at full cost, Tuesday ½ % cheaper, the
/// weekend 1 % cheaper. No shift ends late and every start is the same: the start tiers add nothing.
fn model(paired: bool) -> Model {
    let text = format!(
        "name = \"Days off\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
        [rules]\npaired_days_off = {paired}\n\
        [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = {{ service_level = \"80%\" }}\n\
        hours = {{ every_day = \"07:00-15:00\" }}\n\
        [[shift]]\nname = \"week\"\nlength = \"8h\"\nstart = \"07:00-07:00\"\nstart_step = \"60m\"\ndays = [\"mon\", \"wed\", \"thu\", \"fri\"]\nchannels = [\"voice\"]\n\
        [[shift]]\nname = \"tuesday\"\nlength = \"8h\"\nstart = \"07:00-07:00\"\nstart_step = \"60m\"\ndays = [\"tue\"]\nchannels = [\"voice\"]\ncost_per_hour = 0.995\n\
        [[shift]]\nname = \"weekend\"\nlength = \"8h\"\nstart = \"07:00-07:00\"\nstart_step = \"60m\"\ndays = \"weekend\"\nchannels = [\"voice\"]\ncost_per_hour = 0.99\n"
    );
    Model::from_toml(Path::new("m.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Monday 23 to Sunday 29 November 2026, every hour (a whole ISO week: its minimum hours bind): one
/// agent every open hour.
fn demand(m: &Model) -> Demand {
    let mut csv = String::from("channel,start,required\n");
    for day in 23..=29u32 {
        for hour in 0..24u32 {
            let need = u32::from((7..15).contains(&hour));
            csv.push_str(&format!("voice,2026-11-{day:02}T{hour:02}:00,{need}\n"));
        }
    }
    Demand::from_csv(Path::new("r.csv"), &csv, m).unwrap_or_else(|e| panic!("{e}"))
}

/// Shifts per day, Monday first, of the plan for two agents of exactly five 8 h days each.
fn plan(m: &Model) -> [u32; 7] {
    let agents = vuoro::agents::read_agents(
        Path::new("a.csv"),
        "id,name,skills,contract_hours,min_hours,max_hours,max_days\nA,Aino,voice,40,40,40,5\nB,Bea,voice,40,40,40,5\n",
        m,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let workforce = Workforce::new(m, &agents, &[]);
    let plan = schedule_for(
        m,
        &demand(m),
        Goal::Interval,
        &SolverChoice::default(),
        Some(&workforce),
        &mut |_| {},
    )
    .expect("solves");
    let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    let mut days = [0; 7];
    for s in plan.spans() {
        days[(s.date - monday).num_days() as usize] += s.count;
        assert_eq!(s.date.iso_week().week(), 48);
    }
    days
}

/// Whether two agents can work the week's shifts (`shifts[d]` on day `d`, one a day each), five
/// days each, with no single day off: a day off between two worked days of the week.
fn paired_roster_exists(shifts: &[u32; 7]) -> bool {
    (0..1u32 << 7).any(|a| {
        (0..1u32 << 7).any(|b| {
            (0..7).all(|d| (a >> d & 1) + (b >> d & 1) == shifts[d])
                && a.count_ones() == 5
                && b.count_ones() == 5
                && !lone(a)
                && !lone(b)
        })
    })
}

/// Whether a week (bit `d` set: day `d` worked) holds a day off between two worked days.
fn lone(works: u32) -> bool {
    (1..6).any(|d| works >> d & 1 == 0 && works >> (d - 1) & 1 == 1 && works >> (d + 1) & 1 == 1)
}

#[test]
fn the_plan_puts_its_extra_shifts_where_days_off_pair() {
    // By hand: every day needs one shift and the agents owe ten, so three days get a second shift;
    // the weekend's are cheapest, then Tuesday's. The four days of one shift are each agent's two
    // days off: with Saturday, Sunday and Tuesday doubled they are Monday, Wednesday, Thursday and
    // Friday, and whoever is off on Monday is off on Wednesday, Thursday or Friday too — alone
    // between worked days (Monday has no neighbour inside the week, Tuesday and Saturday are both
    // worked). With Monday, Wednesday or Friday doubled instead, the days off pair (Tue–Wed and
    // Thu–Fri, …): the rows price the single day off (4 h an agent) above the saving (0.04 h).
    let m = model(true);
    let days = plan(&m);
    assert_eq!(days.iter().sum::<u32>(), 10, "{days:?}");
    assert!(days.iter().all(|n| (1..=2).contains(n)), "{days:?}");
    assert_eq!(
        (days[5], days[6]),
        (2, 2),
        "the weekend is cheapest: {days:?}"
    );
    assert!(paired_roster_exists(&days), "{days:?}");
    // The brute force tells the plans apart: the cheaper plan, Tuesday doubled, pairs no roster …
    let cheaper = [1, 2, 1, 1, 1, 2, 2];
    assert!(!paired_roster_exists(&cheaper));
    // … and is the plan of the program without the rows (the rule off).
    assert_eq!(plan(&model(false)), cheaper);
}

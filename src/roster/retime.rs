//! Moving a rostered shift within its template's start window to fit its agent.
//!
//! The plan chooses start times for anonymous agents; once a shift has an agent, a start one or more
//! `start_step`s away may fit that agent's other starts (start spread) or end before the late line
//! (late fairness). Issue 9 allows such a move when the staffing stays covered, judged with the
//! evaluator's own allocation ([`crate::evaluate`]): a channel-interval that met its requirement still
//! meets it, and one that did not loses no agent. The breaks move with the shift, so each stays at
//! the same place in its window, as the plan placed it. A move is kept only when every enforced rule
//! admits the agent for the moved shift and the agent's penalty under the rule catalogue falls.

use crate::agents::Agent;
use crate::evaluate::working_in;
use crate::model::Model;
use crate::requirements::demand::Demand;
use crate::rules::{self, AgentWeek, Context, Offer, Who};
use crate::staffing::{Break, Span};
use chrono::{Duration, TimeZone};

/// Slack for float sums of shift fractions (the evaluator rounds agents to 1e-6).
const EPS: f64 = 1e-6;

/// The agents present per channel group and interval of a roster, and what each channel works: kept
/// in step with every move, so a move is judged on the intervals it touches alone.
#[derive(Debug)]
pub(crate) struct Coverage<'d> {
    demand: &'d Demand,
    /// Sorted channel sets (indices).
    groups: Vec<Vec<usize>>,
    /// `present[g][t]`.
    present: Vec<Vec<f64>>,
    /// `working[c][t]`, the evaluator's allocation.
    working: Vec<Vec<f64>>,
    /// Per interval, the verdicts of [`Coverage::allows`] already reached there: (group, presence
    /// change as bits, whether the interval stays as covered). Many agents work alike shifts and a
    /// shift tries many starts, so the same change of the same interval is judged again and again;
    /// an interval's verdicts are dropped when a move changes its presence.
    verdicts: Vec<Vec<(usize, u64, bool)>>,
}

impl<'d> Coverage<'d> {
    /// The coverage of `spans` (each one agent-shift) against `demand`.
    pub fn new<'s>(demand: &'d Demand, spans: impl IntoIterator<Item = &'s Span>) -> Coverage<'d> {
        let n = demand.grid.len();
        let mut cover = Coverage {
            demand,
            groups: Vec::new(),
            present: Vec::new(),
            working: vec![vec![0.0; n]; demand.channels.len()],
            verdicts: vec![Vec::new(); n],
        };
        for span in spans {
            let g = cover.group(span);
            for (t, share) in cover.footprint(span) {
                cover.present[g][t] += share;
            }
        }
        for t in 0..n {
            let w = cover.working_at(t, None);
            for (c, x) in w.into_iter().enumerate() {
                cover.working[c][t] = x;
            }
        }
        cover
    }

    fn group(&mut self, span: &Span) -> usize {
        let mut set: Vec<usize> = span.channels.iter().map(|c| c.0).collect();
        set.sort_unstable();
        set.dedup();
        match self.groups.iter().position(|g| *g == set) {
            Some(g) => g,
            None => {
                // A new group changes the allocation's network: judge every interval afresh.
                self.verdicts.iter_mut().for_each(Vec::clear);
                self.groups.push(set);
                self.present.push(vec![0.0; self.demand.grid.len()]);
                self.groups.len() - 1
            }
        }
    }

    /// Share of each interval the span's agent is on shift and off break, in interval order.
    fn footprint(&self, span: &Span) -> Vec<(usize, f64)> {
        let grid = &self.demand.grid;
        let mut out = grid.cover(span.start, span.end);
        for b in &span.breaks {
            out = merged(&out, &grid.cover(b.start, b.end()), -1.0);
        }
        out
    }

    /// What each channel works in interval `t`, with `extra` agents of a group present.
    fn working_at(&self, t: usize, extra: Option<(usize, f64)>) -> Vec<f64> {
        let mut present: Vec<f64> = self.present.iter().map(|p| p[t]).collect();
        if let Some((g, x)) = extra {
            present[g] += x;
        }
        working_in(self.demand, &self.groups, &present, t)
    }

    /// Per interval, the change in presence when `from` becomes `to` (the same channels).
    fn change(&self, from: &Span, to: &Span) -> Vec<(usize, f64)> {
        let mut delta = merged(&self.footprint(to), &self.footprint(from), -1.0);
        delta.retain(|(_, x)| x.abs() > EPS);
        delta
    }

    /// Whether moving the agent-shift `from` to `to` keeps every channel-interval that met its
    /// requirement meeting it, and takes no agent from one that did not.
    pub fn allows(&mut self, from: &Span, to: &Span) -> bool {
        let g = self.group(from);
        self.change(from, to).into_iter().all(|(t, x)| {
            let key = (g, x.to_bits());
            if let Some(&(_, _, ok)) = self.verdicts[t].iter().find(|v| (v.0, v.1) == key) {
                return ok;
            }
            let ok = self.keeps(t, g, x);
            self.verdicts[t].push((key.0, key.1, ok));
            ok
        })
    }

    /// Whether interval `t` stays as covered with `x` more agents of group `g` present.
    fn keeps(&self, t: usize, g: usize, x: f64) -> bool {
        let after = self.working_at(t, Some((g, x)));
        self.demand.channels.iter().enumerate().all(|(c, ch)| {
            let need = ch.required[t].max(ch.floor[t]);
            let before = self.working[c][t];
            let keep = if before + EPS >= need { need } else { before };
            after[c] + EPS >= keep
        })
    }

    /// Records the move of `from` to `to`.
    pub fn apply(&mut self, from: &Span, to: &Span) {
        let g = self.group(from);
        for (t, x) in self.change(from, to) {
            self.present[g][t] += x;
            self.verdicts[t].clear();
            let w = self.working_at(t, None);
            for (c, v) in w.into_iter().enumerate() {
                self.working[c][t] = v;
            }
        }
    }
}

/// Two lists of (interval, amount) in interval order added, the second's amounts times `sign`: a
/// shift's presence less its breaks, or one footprint less another, without a map per call (the
/// roster's passes judge thousands of moves).
fn merged(a: &[(usize, f64)], b: &[(usize, f64)], sign: f64) -> Vec<(usize, f64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(&(t, x)), Some(&(u, y))) if t == u => {
                out.push((t, x + sign * y));
                (i, j) = (i + 1, j + 1);
            }
            (Some(&(t, x)), Some(&(u, _))) if t < u => {
                out.push((t, x));
                i += 1;
            }
            (Some(&(t, x)), None) => {
                out.push((t, x));
                i += 1;
            }
            (_, Some(&(u, y))) => {
                out.push((u, sign * y));
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// The span started at each other start of its template's window on its date, nearest first (earlier
/// first between equals); breaks keep their offsets from the start.
pub(crate) fn alternatives(model: &Model, span: &Span) -> Vec<Span> {
    starts(model, span)
        .into_iter()
        .map(|(_, delta)| moved(span, delta))
        .collect()
}

/// The other starts of the span's template window on its date as (local minute of the day, move
/// from the span's start), nearest first (earlier first between equals): what [`alternatives`]
/// builds spans of, for a caller that wants only some of them.
pub(super) fn starts(model: &Model, span: &Span) -> Vec<(u32, Duration)> {
    let Some(template) = model.shifts.get(span.template.0) else {
        return Vec::new();
    };
    let midnight = span.date.and_time(chrono::NaiveTime::MIN);
    let step = template.start_step.max(1) as usize;
    let mut out: Vec<(u32, Duration)> = (template.earliest_start..=template.latest_start)
        .step_by(step)
        .filter_map(|m| {
            let local = midnight + Duration::minutes(i64::from(m));
            let start = model.time_zone.from_local_datetime(&local).single()?;
            let delta = start.with_timezone(&chrono::Utc) - span.start;
            (delta != Duration::zero()).then_some((m, delta))
        })
        .collect();
    out.sort_by_key(|&(_, d)| (d.num_minutes().abs(), d.num_minutes()));
    out
}

/// The span `delta` later, breaks and all.
pub(super) fn moved(span: &Span, delta: Duration) -> Span {
    Span {
        start: span.start + delta,
        end: span.end + delta,
        breaks: span
            .breaks
            .iter()
            .map(|b| Break {
                start: b.start + delta,
                ..b.clone()
            })
            .collect(),
        ..span.clone()
    }
}

/// The facts [`Offer::new`] computes of an agent-shift (time-zone look-ups), kept per agent-shift so
/// a pass rebuilds an agent's week for each start it tries without computing them again, nor cloning
/// the spans.
#[derive(Clone, Copy)]
pub(super) struct Facts {
    week: crate::grid::IsoWeek,
    end_week: crate::grid::IsoWeek,
    weekend: bool,
    late: bool,
    pub(super) start_minute: u32,
}

impl Facts {
    pub(super) fn of(offer: &Offer<'_>) -> Facts {
        Facts {
            week: offer.week,
            end_week: offer.end_week,
            weekend: offer.weekend,
            late: offer.late,
            start_minute: offer.start_minute,
        }
    }

    pub(super) fn offer(self, span: &Span) -> Offer<'_> {
        Offer {
            span,
            week: self.week,
            end_week: self.end_week,
            weekend: self.weekend,
            late: self.late,
            start_minute: self.start_minute,
        }
    }
}

/// The week of the agent-shifts `held`, as [`AgentWeek::of`] builds it (in start and template order),
/// from `facts`.
fn week_of(shifts: &[Span], facts: &[Facts], held: &[usize]) -> AgentWeek {
    week_from(held.iter().map(|&j| facts[j].offer(&shifts[j])).collect())
}

/// The week of `offers`, taken in start and template order as [`AgentWeek::of`] takes them.
pub(super) fn week_from(mut offers: Vec<Offer<'_>>) -> AgentWeek {
    offers.sort_by_key(|o| (o.span.start, o.span.template));
    let mut week = AgentWeek::default();
    for o in &offers {
        week.take(o);
    }
    week
}

/// One pass over the rostered agent-shifts, in order: each moves to the start of its window that
/// lowers its agent's penalty most (nearest first between equals), if every enforced rule admits the
/// agent for it and the coverage allows it. Returns how many moved.
pub(crate) fn pass(
    cx: &Context<'_>,
    agents: &[Agent],
    shifts: &mut [Span],
    owner: &[Option<usize>],
    coverage: &mut Coverage<'_>,
) -> usize {
    let late = cx.rules.late_after_h;
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); agents.len()];
    for (i, o) in owner.iter().enumerate() {
        if let Some(a) = o {
            held[*a].push(i);
        }
    }
    let mut facts: Vec<Facts> = shifts
        .iter()
        .map(|s| Facts::of(&Offer::new(cx.model, late, s)))
        .collect();
    let mut weeks: Vec<AgentWeek> = (0..agents.len())
        .map(|a| week_of(shifts, &facts, &held[a]))
        .collect();
    let mut moves = 0;
    for i in 0..shifts.len() {
        let Some(a) = owner[i] else { continue };
        let now = rules::penalty(cx, a, agents, &weeks);
        // The agent's week without the shift stands in its place while each start is tried: the
        // start taken, priced, and given back (a week's figures do not depend on the order its
        // shifts were taken in).
        let mut without = weeks[a].clone();
        without.give_back(&facts[i].offer(&shifts[i]));
        let current = std::mem::replace(&mut weeks[a], without);
        let mut better: Vec<(f64, usize, Span, Facts)> = Vec::new();
        for (rank, alt) in alternatives(cx.model, &shifts[i]).into_iter().enumerate() {
            let f = Facts::of(&Offer::new(cx.model, late, &alt));
            let who = Who {
                index: a,
                agent: &agents[a],
                week: &weeks[a],
            };
            if !rules::admits(cx, who, &f.offer(&alt)) {
                continue;
            }
            weeks[a].take(&f.offer(&alt));
            let p = rules::penalty(cx, a, agents, &weeks);
            weeks[a].give_back(&f.offer(&alt));
            if p < now - 1e-9 {
                better.push((p, rank, alt, f));
            }
        }
        better.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        match better
            .into_iter()
            .find(|(_, _, alt, _)| coverage.allows(&shifts[i], alt))
        {
            Some((_, _, alt, f)) => {
                weeks[a].take(&f.offer(&alt));
                coverage.apply(&shifts[i], &alt);
                shifts[i] = alt;
                facts[i] = f;
                moves += 1;
            }
            None => weeks[a] = current,
        }
    }
    moves
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::read_agents;
    use std::path::Path;

    /// One voice channel, hourly intervals, a 4-hour template starting 08:00–12:00 on the hour.
    fn model() -> Model {
        let text = "name = \"Test\"\n[planning]\ntime_zone = \"Europe/Helsinki\"\ninterval = \"60m\"\n\
            [[channel]]\nname = \"voice\"\nkind = \"immediate\"\naht = \"3m\"\ntarget = { service_level = \"80%\" }\n\
            [[shift]]\nname = \"day\"\nlength = \"4h\"\nstart = \"08:00-12:00\"\nstart_step = \"1h\"\nchannels = [\"voice\"]\n";
        Model::from_toml(Path::new("m.toml"), text).unwrap_or_else(|e| panic!("{e}"))
    }

    use crate::fixtures::at;

    fn shift(day: u32, hour: u32) -> Span {
        crate::fixtures::shift(day, hour, 240, 240)
    }

    /// Hourly demand of Mon 23 and Tue 24 November: one agent in each `(day, hour)` listed.
    fn demand(needed: &[(u32, u32)]) -> Demand {
        crate::fixtures::hourly_demand(2, needed)
    }

    /// One agent works Mon 08:00 and Tue 12:00: starts 4 h apart against a 2 h limit. Returns the
    /// Tuesday shift after one pass, and how many moved.
    fn retimed(needed: &[(u32, u32)]) -> (Span, usize) {
        let m = model();
        let agents = read_agents(
            Path::new("a.csv"),
            "id,name,skills,contract_hours,min_hours,max_hours,max_days\nA,Aino,voice,8,0,40,5\n",
            &m,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut shifts = vec![shift(23, 8), shift(24, 12)];
        let mut cx = Context::new(&m, &m.rules, &[], (at(23, 0), at(30, 0)), []);
        cx.learn_peers(&agents, &shifts);
        let owner = vec![Some(0), Some(0)];
        let demand = demand(needed);
        let mut coverage = Coverage::new(&demand, &shifts);
        let moved = pass(&cx, &agents, &mut shifts, &owner, &mut coverage);
        assert_eq!(shifts[0], shift(23, 8), "Monday already fits");
        (shifts[1].clone(), moved)
    }

    /// Worked by hand: nothing is needed on Tuesday afternoon, so the Tuesday shift moves to the
    /// nearest start that brings the spread within 2 h (10:00: 08:00 and 09:00 fit too, but further).
    #[test]
    fn a_shift_moves_to_fit_its_agent_when_coverage_allows() {
        let (tue, moved) = retimed(&[(23, 8), (24, 12)]);
        assert_eq!(moved, 1);
        assert_eq!((tue.start, tue.end), (at(24, 10), at(24, 14)));
    }

    /// One agent is needed at Tue 15:00, which only the 12:00–16:00 shift covers: no earlier start
    /// keeps it, so the shift stays and the spread stays broken.
    #[test]
    fn a_shift_stays_when_moving_it_would_leave_an_interval_below_requirement() {
        let (tue, moved) = retimed(&[(23, 8), (24, 15)]);
        assert_eq!(moved, 0);
        assert_eq!(tue, shift(24, 12));
    }

    /// One agent is needed at Tue 08:00 and the 08:00–12:00 shift covers it: starting it at 09:00
    /// leaves 08:00 below its requirement and is refused; a Monday shift (nothing needed) moves freely.
    #[test]
    fn the_coverage_check_is_the_evaluators_allocation() {
        let d = demand(&[(24, 8)]);
        let mut cover = Coverage::new(&d, [&shift(24, 8)]);
        assert!(!cover.allows(&shift(24, 8), &shift(24, 9)));
        assert!(cover.allows(&shift(23, 8), &shift(23, 12)));
        let mut none = Coverage::new(&d, []);
        assert!(none.allows(&shift(24, 12), &shift(24, 11)));
    }

    /// Worked by hand: intervals in either list appear once, in order, the second's amounts negated.
    #[test]
    fn merged_lists_add_interval_by_interval() {
        let a = [(2, 1.0), (3, 0.5)];
        let b = [(1, 0.25), (3, 0.5), (4, 1.0)];
        assert_eq!(
            merged(&a, &b, -1.0),
            vec![(1, -0.25), (2, 1.0), (3, 0.0), (4, -1.0)]
        );
        assert_eq!(merged(&[], &a, 1.0), a.to_vec());
    }
}

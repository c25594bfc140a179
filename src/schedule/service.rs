//! The service a plan delivers, interval by interval: what tells two plans of the same cost apart.
//!
//! A plan often holds more cover than its targets need — shifts come in whole lengths, and a workforce's
//! contracts pay a minimum of hours (see [`super::surplus`]). The program is indifferent to where that
//! spare cover sits; a planner is not: it should be where it raises service most. The measure is the
//! contacts served well, summed over every interval of every immediate channel with the evaluator's own
//! KPIs ([`crate::evaluate::mixed`]): `volume × denominator × service level` for a channel with a
//! service-level target (the contacts answered within the threshold, under the channel's convention),
//! `volume × (1 − abandoned share)` for one with only an abandonment ceiling. Deferred channels (e-mail)
//! have no per-interval figure and count nothing here.

use crate::evaluate::mixed;
use crate::model::Model;
use crate::queueing::{Queue, Targets};
use crate::requirements::demand::Demand;
use crate::requirements::queue_of;
use std::collections::HashMap;

/// One immediate channel-interval's queue, and its figure per number of working agents (in millionths).
struct Served {
    queue: Queue,
    targets: Targets,
    volume: f64,
    share: f64,
    cache: HashMap<i64, f64>,
}

impl Served {
    fn at(&mut self, working: f64) -> f64 {
        let key = (working * 1e6).round() as i64;
        if let Some(&v) = self.cache.get(&key) {
            return v;
        }
        let k = mixed(
            &self.queue,
            self.targets.threshold_s,
            self.targets.convention,
            working * self.share,
        );
        let v = if self.targets.service_level.is_some() {
            self.volume * k.denominator * k.service_level
        } else {
            self.volume * (1.0 - k.p_abandon)
        };
        self.cache.insert(key, v);
        v
    }
}

/// Contacts served well per channel and interval, and their total, for the agents working as they stand.
pub(crate) struct Service {
    intervals: Vec<Vec<Option<Served>>>,
    value: Vec<Vec<f64>>,
    total: f64,
}

impl Service {
    /// Every immediate channel-interval of `demand` with load, at no agent working.
    pub fn new(model: &Model, demand: &Demand) -> Service {
        let intervals: Vec<Vec<Option<Served>>> = demand
            .channels
            .iter()
            .enumerate()
            .map(|(c, ch)| {
                ch.load
                    .iter()
                    .map(|load| {
                        let load = (*load)?;
                        let (queue, targets) =
                            queue_of(&model.channels[c], load, model.interval_s())?;
                        Some(Served {
                            queue,
                            targets,
                            volume: load.volume,
                            share: ch.productive_share,
                            cache: HashMap::new(),
                        })
                    })
                    .collect()
            })
            .collect();
        let value = intervals.iter().map(|v| vec![0.0; v.len()]).collect();
        let mut service = Service {
            intervals,
            value,
            total: 0.0,
        };
        for c in 0..service.intervals.len() {
            for t in 0..service.intervals[c].len() {
                service.set(c, t, 0.0);
            }
        }
        service
    }

    /// Contacts served well in the whole plan.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Sets channel `c`'s figure in `t` for `working` agents; returns the previous figure.
    pub fn set(&mut self, c: usize, t: usize, working: f64) -> f64 {
        let old = self.value[c][t];
        let new = self.intervals[c][t].as_mut().map_or(0.0, |s| s.at(working));
        self.restore(c, t, new);
        old
    }

    /// Puts back a figure saved by [`Service::set`].
    pub fn restore(&mut self, c: usize, t: usize, value: f64) {
        self.total += value - self.value[c][t];
        self.value[c][t] = value;
    }
}

#[cfg(test)]
mod tests {
    use crate::evaluate::mixed;
    use crate::forecast::{read_forecast, Period};
    use crate::model::Model;
    use crate::requirements::demand::Demand;
    use crate::requirements::{compute, queue_of};
    use crate::schedule::budget::Budget;
    use crate::schedule::formulation::{formulate, Formulation};
    use crate::schedule::improve::{Agent, Search};
    use crate::schedule::score::Scorer;
    use crate::schedule::Goal;
    use std::path::Path;

    /// One day open 08–14, Erlang C, calls peaking 11:00–12:00; 4 h shifts starting 08:00–10:00 every
    /// 30 minutes, no breaks: five kinds of agent.
    fn day() -> (Model, Demand) {
        let toml = r#"
name = "spare"
[planning]
time_zone = "UTC"
interval = "15m"
[[channel]]
name = "voice"
kind = "immediate"
aht = "5m"
target = { service_level = "80%", threshold = "20s" }
hours = { every_day = "08:00-14:00" }
[schedule]
under_penalty = 20.0
over_penalty = 0.01
[[shift]]
name = "4h"
length = "4h"
start = "08:00-10:00"
start_step = "30m"
days = "every_day"
channels = ["voice"]
"#;
        let model = Model::from_toml(Path::new("spare.toml"), toml).expect("valid model");
        let mut csv = String::from("channel,start,volume\n");
        for q in 0..96 {
            let (h, m) = (q / 4, 15 * (q % 4));
            let v = match q {
                44..48 => 4.0,
                32..56 => 0.5,
                _ => 0.0,
            };
            csv.push_str(&format!("voice,2026-12-01T{h:02}:{m:02},{v:.1}\n"));
        }
        let read = read_forecast(Path::new("spare.csv"), &csv, &model, Period::default())
            .expect("valid forecast");
        let req = compute(&model, &read.forecast).expect("requirements");
        (model.clone(), Demand::from_requirements(&model, &req))
    }

    /// Calls answered within 20 s by `agents`, from scratch: agents covering each interval, the
    /// evaluator's KPIs per interval, summed.
    fn answered(model: &Model, demand: &Demand, f: &Formulation<'_>, agents: &[Agent]) -> f64 {
        let ch = &demand.channels[0];
        (0..f.intervals)
            .filter_map(|t| {
                let load = ch.load[t]?;
                let (queue, targets) = queue_of(&model.channels[0], load, model.interval_s())?;
                let working: f64 = agents
                    .iter()
                    .flat_map(|a| &f.candidates[a.cand].cover)
                    .filter(|&&(u, _)| u == t)
                    .map(|&(_, share)| share)
                    .sum();
                let k = mixed(
                    &queue,
                    targets.threshold_s,
                    targets.convention,
                    working * ch.productive_share,
                );
                Some(load.volume * k.denominator * k.service_level)
            })
            .sum()
    }

    fn search_of<'f>(
        model: &Model,
        demand: &Demand,
        f: &'f Formulation<'f>,
        agents: &[Agent],
    ) -> Search<'f> {
        let mut s = Search::new(f, Scorer::new(model, demand, f, Goal::Interval));
        for a in agents {
            s.insert(a.clone());
        }
        s
    }

    #[test]
    fn spare_cover_moves_to_where_it_serves_the_most_calls() {
        let (model, demand) = day();
        let f = formulate(&model, &demand, Goal::Interval, None);
        assert_eq!(f.candidates.len(), 5);
        let agent = |cand| Agent {
            cand,
            slots: Vec::new(),
        };
        // Three agents at 08:00, 09:00 and 10:00 meet every interval's requirement (1, and 3 in the
        // 11:00 peak); a fourth, spare, starts at 08:00 with the first.
        let start = vec![agent(0), agent(2), agent(4), agent(0)];
        let mut search = search_of(&model, &demand, &f, &start);
        let objective = search.scorer.objective();
        assert!(search.scorer.meets_targets());
        search.scorer.track_service(&model, &demand);
        let before = search.scorer.service();
        assert!((before - answered(&model, &demand, &f, &start)).abs() < 1e-6);
        let mut budget = Budget::new(
            u64::MAX,
            std::time::Instant::now() + std::time::Duration::from_secs(3600),
        );
        assert!(search.raise_service(&mut budget) > 0);
        let placed = search.agents.clone();

        // Brute force over every plan of four agents: the most calls answered in time at no higher
        // objective than the start's.
        let mut best = f64::NEG_INFINITY;
        for a in 0..5 {
            for b in a..5 {
                for c in b..5 {
                    for d in c..5 {
                        let plan = [agent(a), agent(b), agent(c), agent(d)];
                        let s = search_of(&model, &demand, &f, &plan);
                        if s.scorer.objective() <= objective + 1e-9 {
                            best = best.max(answered(&model, &demand, &f, &plan));
                        }
                    }
                }
            }
        }
        let got = answered(&model, &demand, &f, &placed);
        assert!(got > before + 0.1, "{got} vs {before}");
        assert!((got - best).abs() < 1e-6, "{got} vs the best {best}");
        assert!((search.scorer.service() - got).abs() < 1e-6);
        let fresh = search_of(&model, &demand, &f, &placed);
        assert!(fresh.scorer.objective() <= objective + 1e-9);
    }

    /// One day open 07–22, Erlang C at hourly intervals, calls only 15:00–16:00 and 20:00–21:00; one
    /// 8 h template starting 07:00–13:00 every hour, and three agents who may work it. With the rules'
    /// defaults (spread 2 h, late after 19:00) its starts fall in start tiers: 07:00 and 08:00 no class's
    /// companions, 09:00 and 10:00 companions, 11:00, 12:00 and 13:00 late bands 1, 2 and 3.
    fn tiered_day() -> (Model, Demand, Vec<crate::agents::Agent>) {
        let toml = r#"
name = "tiers"
[planning]
time_zone = "UTC"
interval = "60m"
[[channel]]
name = "voice"
kind = "immediate"
aht = "5m"
target = { service_level = "80%", threshold = "20s" }
hours = { every_day = "07:00-22:00" }
min_agents = 0
[[shift]]
name = "8h"
length = "8h"
start = "07:00-13:00"
start_step = "60m"
days = "every_day"
channels = ["voice"]
"#;
        let model = Model::from_toml(Path::new("tiers.toml"), toml).expect("valid model");
        let mut csv = String::from("channel,start,volume\n");
        for h in 0..24 {
            let v = if h == 15 || h == 20 { 3.0 } else { 0.0 };
            csv.push_str(&format!("voice,2026-12-01T{h:02}:00,{v:.1}\n"));
        }
        let read = read_forecast(Path::new("tiers.csv"), &csv, &model, Period::default())
            .expect("valid forecast");
        let req = compute(&model, &read.forecast).expect("requirements");
        let agents = crate::agents::read_agents(
            Path::new("a.csv"),
            "id,name,skills,contract_hours,min_hours,max_hours,max_days\n\
             A,Aino,voice,40,0,40,5\nB,Bea,voice,40,0,40,5\nC,Cai,voice,40,0,40,5\n",
            &model,
        )
        .expect("valid agents");
        (
            model.clone(),
            Demand::from_requirements(&model, &req),
            agents,
        )
    }

    #[test]
    fn spare_cover_never_moves_a_shift_out_of_its_start_tier() {
        let (model, demand, agents) = tiered_day();
        let workforce = crate::schedule::Workforce::new(&model, &agents, &[]);
        let f = formulate(&model, &demand, Goal::Interval, Some(&workforce));
        let first = f
            .candidates
            .iter()
            .map(|c| c.start_min)
            .min()
            .expect("some");
        let at = |hour: i64| {
            let j = f
                .candidates
                .iter()
                .position(|c| c.start_min == first + 60 * (hour - 7))
                .expect("a start at that hour");
            Agent {
                cand: j,
                slots: Vec::new(),
            }
        };
        let tiers_of =
            |a: &Agent| f.workforce.as_ref().expect("a workforce").tiers.of[a.cand].clone();
        // The tiers as the module docs of `tiers` derive them by hand.
        assert_eq!(tiers_of(&at(7)), tiers_of(&at(8)));
        assert_ne!(tiers_of(&at(12)), tiers_of(&at(13)));
        // A at 13:00 covers both busy hours; B (07:00) and C (12:00) are spare. B to 08:00 (its own
        // tier) adds a second agent at 15:00; C to 13:00 would add one at 20:00, across a tier.
        let start = vec![at(13), at(7), at(12)];
        let mut search = search_of(&model, &demand, &f, &start);
        let objective = search.scorer.objective();
        // The move across the tier is tempting: no dearer and more calls answered in time.
        let across = [at(13), at(7), at(13)];
        assert!(search_of(&model, &demand, &f, &across).scorer.objective() <= objective + 1e-9);
        assert!(
            answered(&model, &demand, &f, &across) > answered(&model, &demand, &f, &start) + 0.1
        );
        search.scorer.track_service(&model, &demand);
        let mut budget = Budget::new(
            u64::MAX,
            std::time::Instant::now() + std::time::Duration::from_secs(3600),
        );
        assert!(search.raise_service(&mut budget) > 0);
        let mut before: Vec<_> = start.iter().map(tiers_of).collect();
        let mut after: Vec<_> = search.agents.iter().map(tiers_of).collect();
        before.sort();
        after.sort();
        assert_eq!(before, after, "every shift keeps its start tier");
        let mut starts: Vec<usize> = search.agents.iter().map(|a| a.cand).collect();
        starts.sort_unstable();
        let mut expected = vec![at(13).cand, at(8).cand, at(12).cand];
        expected.sort_unstable();
        assert_eq!(starts, expected, "B moved within its tier, C stayed");
    }
}

//! The queueing core against published values and independent computations.
//!
//! * Published: the classic Erlang C case and an Erlang B table value.
//! * `tests/data/erlang_reference.csv`: 1 120 cases from 0.1 to 100 000 Erlangs (half Erlang C, half
//!   Erlang A, thresholds 0–120 s, patience 15 s–1 h, staffing from overload to 3√a above the load)
//!   computed by `tools/erlang_reference.py` with mpmath at 40 digits from incomplete-gamma closed forms
//!   that share no code with `src/queueing` (the script also cross-checks them against a brute-force
//!   state-by-state hypoexponential sum). Every figure must agree to 1e-9 relative.
//! * `tests/data/staffing_reference.csv`: 360 minimum-staffing cases with mixed targets and every
//!   service-level convention, minimum found by the script's own search on the mpmath figures.
//! * A birth–death chain solved directly in this file: Erlang A and chat against the stationary
//!   distribution, Little's law and the abandonment-rate identity.

use vuoro::queueing::{
    erlang_b, erlang_c, required_agents, Concurrency, Kpis, Queue, SlConvention, Targets,
};

const RELATIVE: f64 = 1e-9;

fn close(got: f64, want: f64, rel: f64) -> bool {
    if want.is_infinite() || got.is_infinite() {
        return got.to_bits() == want.to_bits();
    }
    (got - want).abs() <= rel * want.abs().max(1e-300)
}

#[test]
fn classic_erlang_c_case() {
    // 100 calls per 30 min, AHT 180 s, 14 agents, 20 s: the worked example of most WFM primers
    // (e.g. Call Centre Helper's Erlang C guide): P(wait) 0.1741, SL 0.8884, ASA 7.84 s, occupancy 0.714.
    let q = Queue::new(100.0, 1800.0, 180.0).expect("valid");
    let k = q.evaluate(14, 20.0);
    assert!((k.p_wait - 0.1741).abs() < 5e-5, "{}", k.p_wait);
    assert!((k.service_level.offered - 0.8884).abs() < 5e-5);
    assert!((k.asa_answered_s - 7.84).abs() < 5e-3);
    assert!((k.occupancy - 0.7143).abs() < 5e-5);
    assert!((erlang_c(14, 10.0).expect("valid") - k.p_wait).abs() < 1e-15);
    // 80/20 needs 14 agents; 13 give 80.1%? No: 13 fall short, which is why 14 is the textbook answer.
    let targets = Targets {
        service_level: Some(0.8),
        ..Targets::default()
    };
    let s = required_agents(&q, &targets).expect("reachable");
    assert_eq!(s.productive_agents, 14);
    assert!(q.evaluate(13, 20.0).service_level.offered < 0.8);
}

#[test]
fn erlang_b_table_values() {
    // Erlang B tables (e.g. Cooper 1981, Table; any telephony handbook): B(15, 10) = 0.0365,
    // B(10, 5) = 0.0184, B(1, 1) = 1/2.
    assert!((erlang_b(15, 10.0).expect("valid") - 0.036_496).abs() < 1e-6);
    assert!((erlang_b(10, 5.0).expect("valid") - 0.018_385).abs() < 1e-6);
    assert!((erlang_b(1, 1.0).expect("valid") - 0.5).abs() < 1e-15);
    assert!(erlang_b(3, -1.0).is_err());
    assert!(erlang_b(3, f64::NAN).is_err());
}

fn parse(cell: &str) -> f64 {
    if cell == "inf" {
        f64::INFINITY
    } else {
        cell.parse().unwrap_or_else(|_| panic!("number: {cell}"))
    }
}

fn queue(volume: f64, interval: f64, aht: f64, patience: &str) -> Queue {
    let q = Queue::new(volume, interval, aht).expect("valid");
    if patience.is_empty() {
        q
    } else {
        q.with_patience(parse(patience)).expect("valid")
    }
}

fn figure(k: &Kpis, column: &str) -> f64 {
    let sl = &k.service_level;
    match column {
        "p_wait" => k.p_wait,
        "p_abandon" => k.p_abandon,
        "sl_offered" => sl.offered,
        "sl_answered" => sl.answered,
        "sl_excl_abandon_within" => sl.excl_abandon_within,
        "sl_wait_within" => sl.wait_within,
        "sl_virtual" => sl.virtual_wait,
        "asa_answered_s" => k.asa_answered_s,
        "asa_all_s" => k.asa_all_s,
        "occupancy" => k.occupancy,
        other => panic!("unknown column {other}"),
    }
}

#[test]
fn kpis_match_high_precision_reference() {
    let mut reader =
        csv::Reader::from_path("tests/data/erlang_reference.csv").expect("reference file");
    let headers = reader.headers().expect("header").clone();
    let mut cases = 0;
    let mut worst = (0.0f64, String::new());
    let mut failures = Vec::new();
    for record in reader.records() {
        let r = record.expect("row");
        let q = queue(parse(&r[0]), parse(&r[1]), parse(&r[2]), &r[3]);
        let agents: u64 = r[4].parse().expect("agents");
        let k = q.evaluate(agents, parse(&r[5]));
        for (i, column) in headers.iter().enumerate().skip(6) {
            let want = parse(&r[i]);
            let got = figure(&k, column);
            // Values below 1e-290 are at the edge of f64 itself; compare them absolutely.
            let ok = close(got, want, RELATIVE) || (want.abs() < 1e-290 && got.abs() < 1e-290);
            if !ok {
                failures.push(format!(
                    "row {}: {column} = {got:e}, want {want:e}",
                    cases + 2
                ));
            }
            if want != 0.0 && want.is_finite() {
                let err = (got - want).abs() / want.abs();
                if err > worst.0 {
                    worst = (err, format!("row {} {column}", cases + 2));
                }
            }
        }
        cases += 1;
    }
    assert!(cases >= 1_000, "only {cases} cases");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!(
        "{cases} reference cases; worst relative error {:e} at {}",
        worst.0, worst.1
    );
}

#[test]
fn minimum_staffing_matches_reference() {
    let mut reader =
        csv::Reader::from_path("tests/data/staffing_reference.csv").expect("reference file");
    let mut cases = 0;
    for record in reader.records() {
        let r = record.expect("row");
        let q = queue(parse(&r[0]), parse(&r[1]), parse(&r[2]), &r[3]);
        let opt = |i: usize| (!r[i].is_empty()).then(|| parse(&r[i]));
        let targets = Targets {
            service_level: opt(5),
            convention: r[6].parse::<SlConvention>().expect("convention"),
            threshold_s: parse(&r[4]),
            max_asa_s: opt(7),
            max_abandon: opt(8),
            max_occupancy: opt(9),
        };
        let want: u64 = r[10].parse().expect("agents");
        let got = required_agents(&q, &targets).expect("reachable");
        assert_eq!(got.productive_agents, want, "row {}: {:?}", cases + 2, r);
        assert!(targets.met_by(&got.kpis));
        if want > 1 {
            assert!(!targets.met_by(&q.evaluate(want - 1, targets.threshold_s)));
        }
        assert!(got.fractional_agents > (want - 1) as f64 && got.fractional_agents <= want as f64);
        cases += 1;
    }
    assert!(cases >= 300);
}

/// Stationary distribution of a birth–death chain truncated where the tail is negligible, solved
/// directly from the balance equations `π_k λ = π_{k+1} δ(k+1)` in log space.
fn chain(lambda: f64, death: impl Fn(u64) -> f64, max_state: u64) -> Vec<f64> {
    let mut log_pi = vec![0.0f64];
    for k in 1..=max_state {
        let prev = log_pi[(k - 1) as usize];
        log_pi.push(prev + (lambda / death(k)).ln());
    }
    let top = log_pi.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = log_pi.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = weights.iter().sum();
    weights.iter().map(|w| w / total).collect()
}

#[test]
fn erlang_a_agrees_with_the_chain_littles_law_and_abandonment_identity() {
    for &(volume, aht, patience, agents) in &[
        (100.0, 180.0, 120.0, 14u64),
        (100.0, 180.0, 120.0, 8),
        (300.0, 240.0, 60.0, 30),
        (20.0, 300.0, 900.0, 4),
        (1_000.0, 180.0, 300.0, 95),
        (1_000.0, 180.0, 300.0, 130),
    ] {
        let interval = 1800.0;
        let q = Queue::new(volume, interval, aht)
            .expect("valid")
            .with_patience(patience)
            .expect("valid");
        let k = q.evaluate(agents, 20.0);
        let (lambda, mu, theta) = (volume / interval, 1.0 / aht, 1.0 / patience);
        let n = agents;
        let pi = chain(
            lambda,
            |s| s.min(n) as f64 * mu + s.saturating_sub(n) as f64 * theta,
            n + 20_000,
        );
        let p_wait: f64 = pi[n as usize..].iter().sum();
        let queue_len: f64 = pi
            .iter()
            .enumerate()
            .map(|(s, p)| s.saturating_sub(n as usize) as f64 * p)
            .sum();
        let busy: f64 = pi
            .iter()
            .enumerate()
            .map(|(s, p)| s.min(n as usize) as f64 * p)
            .sum();
        assert!(
            close(k.p_wait, p_wait, 1e-10),
            "p_wait {} vs {}",
            k.p_wait,
            p_wait
        );
        // Abandonment rate θ E[Q] over arrival rate λ.
        assert!(close(k.p_abandon, theta * queue_len / lambda, 1e-10));
        // Little: E[Q] = λ E[wait of all arrivals].
        assert!(close(k.asa_all_s, queue_len / lambda, 1e-10));
        // The identity the issue names: P(abandon) = E[wait of all arrivals] / mean patience.
        assert!(close(k.p_abandon, k.asa_all_s / patience, 1e-12));
        assert!(close(k.occupancy, busy / n as f64, 1e-10));
    }
}

#[test]
fn chat_agrees_with_its_chain() {
    // 4 agents × 3 chats, 6-minute chats slowing by 30 % of a chat per extra open chat.
    let (volume, interval, aht, share) = (150.0, 3600.0, 360.0, 0.3);
    let k_max = 3u64;
    let h = |j: u64| aht * (1.0 + share * (j - 1) as f64);
    for patience in [None, Some(240.0)] {
        for agents in [3u64, 4, 6] {
            let mut q = Queue::new(volume, interval, aht)
                .expect("valid")
                .with_concurrency(Concurrency::linear(k_max as u32, aht, share).expect("valid"));
            if let Some(p) = patience {
                q = q.with_patience(p).expect("valid");
            }
            let k = q.evaluate(agents, 30.0);
            let slots = agents * k_max;
            let lambda = volume / interval;
            let death = |m: u64| {
                if m <= slots {
                    // Balanced: r agents hold q+1 chats, the others q.
                    let (qq, r) = (m / agents, m % agents);
                    let rate = |j: u64| if j == 0 { 0.0 } else { j as f64 / h(j) };
                    r as f64 * rate(qq + 1) + (agents - r) as f64 * rate(qq)
                } else {
                    slots as f64 / h(k_max) + patience.map_or(0.0, |p| (m - slots) as f64 / p)
                }
            };
            let pi = chain(lambda, death, slots + 20_000);
            let p_wait: f64 = pi[slots as usize..].iter().sum();
            let busy: f64 = pi
                .iter()
                .enumerate()
                .map(|(m, p)| (m as u64).min(slots) as f64 * p)
                .sum();
            assert!(
                close(k.p_wait, p_wait, 1e-10),
                "{patience:?} {agents}: {} vs {p_wait}",
                k.p_wait
            );
            assert!(close(k.occupancy, busy / slots as f64, 1e-10));
            if let Some(p) = patience {
                let queue_len: f64 = pi
                    .iter()
                    .enumerate()
                    .map(|(m, pr)| (m as u64).saturating_sub(slots) as f64 * pr)
                    .sum();
                assert!(close(k.p_abandon, queue_len / p / lambda, 1e-10));
            }
        }
    }
}

#[test]
fn chat_with_one_session_is_erlang_c_and_a() {
    let base = Queue::new(240.0, 3600.0, 300.0).expect("valid");
    let single = Concurrency::linear(1, 300.0, 0.0).expect("valid");
    let per_level = Concurrency::with_handle_times(vec![300.0]).expect("valid");
    for patience in [None, Some(90.0)] {
        let plain = match patience {
            Some(p) => base.clone().with_patience(p).expect("valid"),
            None => base.clone(),
        };
        for c in [&single, &per_level] {
            let chat = plain.clone().with_concurrency(c.clone());
            assert_eq!(
                chat.model_name(),
                format!("chat x1 ({})", plain.model_name())
            );
            for n in 21..30 {
                // The chat engine walks its own recursion; it must land on Erlang's figures.
                let (a, b) = (chat.evaluate(n, 20.0), plain.evaluate(n, 20.0));
                for (x, y) in [
                    (a.p_wait, b.p_wait),
                    (a.p_abandon, b.p_abandon),
                    (a.service_level.offered, b.service_level.offered),
                    (a.service_level.virtual_wait, b.service_level.virtual_wait),
                    (a.asa_answered_s, b.asa_answered_s),
                    (a.occupancy, b.occupancy),
                ] {
                    assert!(
                        close(x, y, 1e-12) || (x - y).abs() < 1e-15,
                        "{n}: {x} vs {y}"
                    );
                }
            }
        }
    }
}

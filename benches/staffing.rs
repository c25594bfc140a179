//! `cargo bench`: time to compute required agents for 80 % within 20 s (AHT 3 min) at 10 to 100 000
//! Erlangs, Erlang C and Erlang A (mean patience 3 min), plus one full evaluation of every KPI.
//!
//! Prints the median of 15 batches (each batch sized to run about 20 ms) per case. No timing is
//! asserted: the goals (Erlang C ≤ 5 µs at 1 000 Erlangs and ≤ 1 ms at 100 000; Erlang A ≤ 50 µs at
//! 1 000) are read off this output and recorded in the README.

use std::hint::black_box;
use std::time::{Duration, Instant};
use vuoro::queueing::{required_agents, Queue, Targets};

fn median_time(mut f: impl FnMut()) -> Duration {
    // Size a batch to about 20 ms, then take the median of 15 batches.
    let mut per_batch = 1u32;
    loop {
        let start = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        if start.elapsed() > Duration::from_millis(20) || per_batch >= 1 << 24 {
            break;
        }
        per_batch *= 2;
    }
    let mut samples: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            start.elapsed() / per_batch
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn show(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{:.2} ms", ns / 1e6)
    }
}

fn main() {
    let aht = 180.0;
    let interval = 1800.0;
    let targets = Targets {
        service_level: Some(0.8),
        threshold_s: 20.0,
        ..Targets::default()
    };
    println!("required agents for 80/20, AHT 3m (median per call)");
    println!(
        "{:>9} {:>10} {:>12} {:>10} {:>12} {:>14}",
        "erlangs", "C agents", "C time", "A agents", "A time", "A evaluate"
    );
    for load in [10.0, 100.0, 1_000.0, 10_000.0, 100_000.0] {
        let volume = load * interval / aht;
        let c = Queue::new(volume, interval, aht).expect("valid queue");
        let a = c.clone().with_patience(180.0).expect("valid patience");
        let nc = required_agents(&c, &targets)
            .expect("reachable")
            .productive_agents;
        let na = required_agents(&a, &targets)
            .expect("reachable")
            .productive_agents;
        let tc = median_time(|| {
            black_box(required_agents(black_box(&c), &targets).ok());
        });
        let ta = median_time(|| {
            black_box(required_agents(black_box(&a), &targets).ok());
        });
        let te = median_time(|| {
            black_box(black_box(&a).evaluate(na, 20.0));
        });
        println!(
            "{:>9} {:>10} {:>12} {:>10} {:>12} {:>14}",
            load,
            nc,
            show(tc),
            na,
            show(ta),
            show(te)
        );
    }
}

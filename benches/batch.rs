//! `cargo bench --bench batch`: `vuoro erlang --batch` on 20 000 rows at 1 000 Erlangs (80/20, AHT 3 min,
//! seven volumes around 10 000 calls per 30 minutes), per row: each stage in-process (read, staffing
//! alone, staffing and writing CSV) and the real binary end to end (process start, reading the file,
//! CSV to a file).
//!
//! Prints the median wall time of 9 runs and, on Linux, the mean CPU time of those runs (all threads;
//! for the binary, the child process), which a busy machine inflates far less than wall time. No timing
//! is asserted: the goal (≤ 5 µs per row through the CLI, against 2.2 ms per staffing for the best open
//! Python tool) is read off this output and recorded in the README.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use vuoro::calculator::batch::{evaluate_batch, parse_batch};
use vuoro::calculator::output::{write_batch, BatchFormat};

const ROWS: usize = 20_000;

const RUNS: u32 = 9;

/// CPU time used so far by this process (all threads) and by its waited-for children, from
/// `/proc/self/stat` (fields 14–17, in clock ticks of 10 ms).
fn cpu_time() -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<u64> = after_name
        .split(' ')
        .skip(11)
        .take(4)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let ticks = |t: u64| Duration::from_millis(10 * t);
    Some((ticks(fields[0] + fields[1]), ticks(fields[2] + fields[3])))
}

/// Median wall time and mean CPU time (own or children's) of [`RUNS`] runs.
fn measure(children: bool, mut f: impl FnMut()) -> (Duration, Option<Duration>) {
    let before = cpu_time();
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    let cpu = before
        .zip(cpu_time())
        .map(|((own0, kids0), (own1, kids1))| {
            if children {
                (kids1 - kids0) / RUNS
            } else {
                (own1 - own0) / RUNS
            }
        });
    samples.sort();
    (samples[samples.len() / 2], cpu)
}

fn per_row((wall, cpu): (Duration, Option<Duration>)) -> String {
    let us = |d: Duration| d.as_secs_f64() * 1e6 / ROWS as f64;
    match cpu {
        Some(cpu) => format!("{:>6.2} µs/row wall {:>6.2} µs/row CPU", us(wall), us(cpu)),
        None => format!("{:>6.2} µs/row wall", us(wall)),
    }
}

fn main() {
    let mut csv = String::from("label,volume,interval,aht,threshold,target_sl\n");
    for i in 0..ROWS {
        csv.push_str(&format!("row {i},{},30m,3m,20s,80%\n", 10_000 + i % 7));
    }
    let path = Path::new("batch-bench.csv");
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let cases = parse_batch(path, &csv).expect("valid batch");
    println!("vuoro erlang --batch, {ROWS} rows at 1 000 Erlangs ({threads} threads available)");
    let read = measure(false, || {
        std::hint::black_box(parse_batch(path, &csv).expect("valid"));
    });
    println!("  read and validate        {}", per_row(read));
    let one = measure(false, || {
        std::hint::black_box(evaluate_batch(path, &cases, 1).expect("evaluates"));
    });
    println!("  staff, 1 thread          {}", per_row(one));
    let all = measure(false, || {
        std::hint::black_box(evaluate_batch(path, &cases, threads).expect("evaluates"));
    });
    println!("  staff, {threads} threads        {}", per_row(all));
    let write1 = measure(false, || {
        std::hint::black_box(write_batch(path, &cases, BatchFormat::Csv, 1).expect("staffs"));
    });
    println!("  staff + CSV, 1 thread    {}", per_row(write1));
    let write = measure(false, || {
        std::hint::black_box(write_batch(path, &cases, BatchFormat::Csv, threads).expect("staffs"));
    });
    println!("  staff + CSV, {threads} threads  {}", per_row(write));

    let dir = std::env::temp_dir().join(format!("vuoro-batch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let input = dir.join("batch.csv");
    std::fs::write(&input, &csv).expect("write input");
    let output = dir.join("results.csv");
    let cli = measure(true, || {
        let status = Command::new(env!("CARGO_BIN_EXE_vuoro"))
            .args(["erlang", "--batch"])
            .arg(&input)
            .args(["--format", "csv", "--out"])
            .arg(&output)
            .status()
            .expect("runs");
        assert!(status.success());
    });
    println!("  CLI end to end           {}", per_row(cli));
    let _ = std::fs::remove_dir_all(&dir);
}

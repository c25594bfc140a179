//! `cargo bench --bench requirements`: the requirements stage on the shipped example — 4 channels × one
//! week at 15-minute intervals (2 688 channel-intervals) — and on the same week repeated four times.
//! Prints medians; the goal (≤ 10 ms for the week) is read off this output, not asserted.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::requirements::compute;

fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[runs / 2]
}

fn main() {
    let model_path = Path::new("models/helsinki-multichannel.toml");
    let forecast_path = Path::new("forecasts/helsinki-week-48.csv");
    let model_text = std::fs::read_to_string(model_path).expect("shipped model");
    let forecast_text = std::fs::read_to_string(forecast_path).expect("shipped forecast");
    let model = Model::from_toml(model_path, &model_text).expect("valid model");
    let read = read_forecast(forecast_path, &forecast_text, &model, Period::default())
        .expect("valid forecast");
    let intervals = read.forecast.starts.len() * model.channels.len();

    let parse = median_ms(31, || {
        black_box(
            read_forecast(
                forecast_path,
                black_box(&forecast_text),
                &model,
                Period::default(),
            )
            .ok(),
        );
    });
    let solve = median_ms(31, || {
        black_box(compute(black_box(&model), &read.forecast).ok());
    });
    println!(
        "requirements, {} channels x {} intervals = {intervals} channel-intervals",
        model.channels.len(),
        read.forecast.starts.len()
    );
    println!("  read + validate forecast  {parse:>8.2} ms (median of 31)");
    println!("  compute requirements      {solve:>8.2} ms (median of 31)");
    println!(
        "  per channel-interval      {:>8.2} µs",
        solve * 1e3 / intervals as f64
    );
}

//! `cargo bench --bench blend`: the blended example (`models/helsinki-blended.toml`, voice and e-mail in
//! one pool) against separate staffing of the same files. Prints the blended requirements' time for the
//! week of 4 channels (median of 5, goal ≤ 1 s), both shift plans, their simulation (200 replications,
//! goal ≤ 10 s for the blended check) and the side-by-side comparison, and the live channel's simulated
//! service level per day. `VUORO_BLEND_RESERVE=r` fixes the pool's reserve at `r` (no reserve by load);
//! `VUORO_BLEND_REPS=n` sets the replications; `VUORO_BLEND_SCALE=voice,email` multiplies the two
//! channels' volumes (a different week: e.g. `1.25,0.8`).

use std::path::Path;
use std::time::Instant;
use vuoro::blend::plan_with_pools;
use vuoro::forecast::{read_forecast, Forecast, Period};
use vuoro::model::Model;
use vuoro::report::blend::{blend_summary, BlendComparison, BlendSide};
use vuoro::requirements::compute;
use vuoro::schedule::{Goal, SolverChoice};
use vuoro::simulate::{simulate, SimOptions, Simulation};

const MODEL: &str = "models/helsinki-blended.toml";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Requirements, shift plan and simulation of one side; prints its timings.
fn side(
    model: &Model,
    forecast: &Forecast,
    options: &SimOptions,
    label: &str,
) -> (f64, usize, Simulation) {
    let mut times = Vec::new();
    let mut req = None;
    for _ in 0..5 {
        let start = Instant::now();
        req = Some(compute(model, forecast).expect("requirements"));
        times.push(start.elapsed().as_secs_f64());
    }
    let req = req.expect("ran");
    println!(
        "{label}: requirements, 4 channels, one week: median {:.3} s (5 runs)",
        median(times)
    );
    let start = Instant::now();
    let (demand, plan) = plan_with_pools(
        model,
        &req,
        Goal::Interval,
        &SolverChoice::default(),
        None,
        &mut |_| {},
    )
    .expect("plan");
    println!(
        "{label}: shift plan {:.1} paid hours, {} agent-shifts in {:.1} s",
        plan.paid_hours(),
        plan.staffing.shift_count(),
        start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    let sim = simulate(model, &demand, &plan.staffing, options);
    println!(
        "{label}: simulation, {} replications on {} threads: {:.2} s",
        options.replications,
        options.threads,
        start.elapsed().as_secs_f64()
    );
    (plan.paid_hours(), plan.staffing.shift_count() as usize, sim)
}

fn main() {
    let text = std::fs::read_to_string(MODEL).expect("model");
    let mut model = Model::from_toml(Path::new(MODEL), &text).expect("valid");
    if let Some(r) = std::env::var("VUORO_BLEND_RESERVE")
        .ok()
        .and_then(|r| r.parse().ok())
    {
        model.pools[0].reserve = r;
        model.pools[0].by_load = false;
    }
    let mut forecast = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("forecast");
    if let Ok(scale) = std::env::var("VUORO_BLEND_SCALE") {
        forecast = scaled(&forecast, &scale);
    }
    let read =
        read_forecast(Path::new("f.csv"), &forecast, &model, Period::default()).expect("valid");
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let replications = std::env::var("VUORO_BLEND_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
    let options = SimOptions {
        replications,
        threads,
        ..SimOptions::default()
    };
    let separate = side(&model.separate(), &read.forecast, &options, "separate");
    let blended = side(&model, &read.forecast, &options, "blended");
    let pool = &model.pools[0];
    let cmp = BlendComparison::new(
        &model,
        pool,
        BlendSide::of(pool, separate.0, separate.1, &separate.2),
        BlendSide::of(pool, blended.0, blended.1, &blended.2),
    );
    print!("{}", blend_summary(&cmp));
    for (label, sim) in [("separate", &separate.2), ("blended", &blended.2)] {
        let days: Vec<String> = sim.channels[pool.live]
            .periods
            .iter()
            .filter_map(|(p, f)| {
                let sl = f.service_level?.mean;
                let ab = f.p_abandon?.mean;
                Some(format!("{p:?} {:.1} % ({:.1} %)", 100.0 * sl, 100.0 * ab))
            })
            .collect();
        println!(
            "{label}: live SL (abandonment) per period: {}",
            days.join("; ")
        );
    }
}

/// The forecast with the voice and e-mail volumes multiplied by `"v,e"`.
fn scaled(csv: &str, scale: &str) -> String {
    let factors: Vec<f64> = scale.split(',').filter_map(|f| f.parse().ok()).collect();
    let (v, e) = (
        factors.first().copied().unwrap_or(1.0),
        factors.get(1).copied().unwrap_or(1.0),
    );
    println!("forecast scaled: voice × {v}, email × {e}");
    csv.lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let factor = match cells.first() {
                Some(&"voice") => v,
                Some(&"email") => e,
                _ => return format!("{line}\n"),
            };
            match cells.get(2).and_then(|c| c.parse::<f64>().ok()) {
                Some(volume) => format!("{},{},{:.3}\n", cells[0], cells[1], volume * factor),
                None => format!("{line}\n"),
            }
        })
        .collect()
}

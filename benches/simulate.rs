//! `cargo bench --bench simulate`: the discrete-event replay of the shipped week's shift plan (four
//! channels), 100 replications on every core, against the goal of ≤ 5 s on 2 cores. Prints the
//! median of 3 runs, the events' scale and the weekly service levels simulated against the formulas.

use std::path::Path;
use std::time::Instant;
use vuoro::forecast::{read_forecast, Period};
use vuoro::model::Model;
use vuoro::requirements::compute;
use vuoro::requirements::demand::Demand;
use vuoro::schedule::{schedule, Goal, SolverChoice};
use vuoro::simulate::{simulate, SimOptions, SimPeriod};

fn main() {
    let text = std::fs::read_to_string("models/helsinki-multichannel.toml").expect("model");
    let model =
        Model::from_toml(Path::new("models/helsinki-multichannel.toml"), &text).expect("valid");
    let forecast = std::fs::read_to_string("forecasts/helsinki-week-48.csv").expect("forecast");
    let read =
        read_forecast(Path::new("f.csv"), &forecast, &model, Period::default()).expect("valid");
    let demand = Demand::from_requirements(&model, &compute(&model, &read.forecast).expect("req"));
    let plan = schedule(
        &model,
        &demand,
        Goal::Interval,
        &SolverChoice::default(),
        &mut |_| {},
    )
    .expect("plan");
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let options = SimOptions {
        replications: 100,
        threads,
        ..SimOptions::default()
    };
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let start = Instant::now();
        last = Some(simulate(&model, &demand, &plan.staffing, &options));
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let sim = last.expect("ran");
    println!(
        "simulate: shipped week, 4 channels, {} agent-shifts, 100 replications on {threads} threads: median {:.2} s (3 runs)",
        plan.staffing.shift_count(),
        times[1]
    );
    for (ch, ev) in sim.channels.iter().zip(&sim.evaluation.channels) {
        for (p, f) in &ch.periods {
            if let (SimPeriod::All, Some(sl)) = (p, f.service_level) {
                let formulas = ev.period.service_level();
                println!(
                    "  {:<7} the week: simulated {:.2} % ({:.2}–{:.2}), formulas {}",
                    ch.name,
                    100.0 * sl.mean,
                    100.0 * sl.low,
                    100.0 * sl.high,
                    formulas.map_or("-".to_string(), |v| format!("{:.2} %", 100.0 * v))
                );
            }
        }
    }
}

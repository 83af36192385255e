//! Benchmark: crossbar blocks with circuit neurons (tiles, sense amplifiers, comparator /
//! sample switch / reset per output), built once and run per image.
//!
//! ```text
//! cargo run --release --example bench_crossbar -- [--runs 3] [--cases 64,128,full]
//! ```
//! Cases (seeded random weights in [-0.5, 0.5), biases 0.02, rate-coded random input
//! spikes with rate 0.3, snnTorch Leaky beta 0.95 / threshold 1, 25 steps of 10 ns, 0.1 V
//! reads with 4 ns flat tops, 1 ohm wire segments, window 200 k .. 600 k):
//! - `64`: 64 inputs x 32 outputs, one 64x64 differential tile;
//! - `128`: 128 inputs x 64 outputs, one 128x128 differential tile;
//! - `full`: 1000 inputs x 10 outputs on 64x64 tiles (16 tiles of up to 64x20).
//!
//! Prints per case: unknowns, time points, build time, median wall time per image over
//! `--runs` images, energy per inference and latency (as `crossbar validate` defines them),
//! and the process's peak resident memory (VmHWM) after the case.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use spinspice::crossbar::block::LayerCircuit;
use spinspice::crossbar::map::{map_layer, MapConfig};
use spinspice::crossbar::netgen::TileCircuit;
use spinspice::neuron::{Leaky, NeuronModel};
use std::time::Instant;

fn vm_hwm_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn case(name: &str, n_in: usize, n_out: usize, tile: usize, runs: usize) {
    let mut rng = StdRng::seed_from_u64(5);
    let w: Vec<Vec<f64>> = (0..n_out)
        .map(|_| (0..n_in).map(|_| rng.random::<f64>() - 0.5).collect())
        .collect();
    let bias = vec![0.02; n_out];
    let map = MapConfig {
        tile_rows: tile,
        tile_cols: tile,
        ..MapConfig::default()
    };
    let m = map_layer(&w, &map).expect("map");
    let c = TileCircuit::default();
    let steps = 25;
    let neuron = NeuronModel::Leaky(Leaky::default());
    let t0 = Instant::now();
    let mut block = LayerCircuit::build(&m, Some(&bias), &neuron, &c, steps, name).expect("build");
    let build = t0.elapsed().as_secs_f64();
    let mut walls = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let x: Vec<Vec<f64>> = (0..steps)
            .map(|_| {
                (0..n_in)
                    .map(|_| if rng.random::<f64>() < 0.3 { 1.0 } else { 0.0 })
                    .collect()
            })
            .collect();
        let t = Instant::now();
        let r = block.run(&x).expect("run");
        walls.push(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    let r = last.expect("at least one run");
    let spikes: f64 = r.spikes.iter().flatten().sum();
    println!(
        "{name}: {n_in}x{n_out} on {} tile(s), {} time points, build {build:.3} s, \
         median {:.3} s per image over {runs} (min {:.3}, max {:.3}), energy {:.4e} J, \
         {spikes} output spikes, worst column error {:.2e}, VmHWM {:.1} MiB",
        m.tiles.len(),
        r.points,
        median(walls.clone()),
        walls.iter().cloned().fold(f64::INFINITY, f64::min),
        walls.iter().cloned().fold(0.0, f64::max),
        r.energy_j,
        r.worst_column_error,
        vm_hwm_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut runs = 3;
    let mut cases = "64,128,full".to_string();
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--runs" => {
                runs = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(3);
                i += 1;
            }
            "--cases" => {
                cases = args.get(i + 1).cloned().unwrap_or_default();
                i += 1;
            }
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
        i += 1;
    }
    for c in cases.split(',') {
        match c {
            "64" => case("tile64", 64, 32, 64, runs),
            "128" => case("tile128", 128, 64, 128, runs),
            "full" => case("full1000x10", 1000, 10, 64, runs),
            other => eprintln!("unknown case {other}"),
        }
    }
    println!("assumptions: energy = integral of v*i over the row drivers (crossbar read energy only: sense amplifiers, neurons and clocks not counted); latency = 25 steps x 10 ns = 250 ns per inference at most (validate reports the step after which the class stops changing)");
}

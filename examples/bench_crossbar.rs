//! Benchmark: crossbar blocks with circuit neurons (tiles, sense amplifiers, comparator /
//! sample switch / reset per output), built once and run per image, in the two-stage
//! (`split`, the default) and the fully coupled (`coupled`, the previous solution) modes
//! on the same weights and images.
//!
//! ```text
//! cargo run --release --example bench_crossbar -- [--runs 3] [--cases 64,128,full]
//!     [--modes split,coupled] [--timeout 600]
//! ```
//! Cases (seeded random weights in [-0.5, 0.5), biases 0.02, rate-coded random input
//! spikes with rate 0.3, snnTorch Leaky beta 0.95 / threshold 1, 25 steps of 10 ns, 0.1 V
//! reads with 4 ns flat tops and 0.5 ns edges, 1 ohm wire segments, virtual-ground
//! sensing, window 200 k .. 600 k):
//! - `fc2`: 32 inputs x 10 outputs (the size of `crossbar_mnist`'s fc2), one tile (not in
//!   the default list: a small case that the coupled mode finishes);
//! - `64`: 64 inputs x 32 outputs, one 64x64 differential tile;
//! - `128`: 128 inputs x 64 outputs, one 128x128 differential tile;
//! - `full`: 1000 inputs x 10 outputs on 64x64 tiles (16 tiles of up to 64x20).
//!
//! Each (case, mode) runs in its own child process (killed at `--timeout` seconds), so its
//! peak resident memory (VmHWM) is its own. Printed per case: unknowns, time points,
//! build time, median wall and CPU time per image over `--runs` images, energy per
//! inference, latency to decision, output spikes, worst column error, VmHWM.

#[path = "common/cputime.rs"]
#[allow(dead_code)]
mod cputime;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use spinspice::crossbar::block::{BlockMode, LayerCircuit};
use spinspice::crossbar::map::{map_layer, MapConfig};
use spinspice::crossbar::netgen::TileCircuit;
use spinspice::crossbar::validate;
use spinspice::neuron::{Leaky, NeuronModel};
use std::process::Command;
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
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Latency to decision as `crossbar validate` defines it ([`validate::decision`]).
fn latency(spikes: &[Vec<f64>], t_step: f64) -> f64 {
    let (_, decided) = validate::decision(spikes, spikes.first().map_or(0, Vec::len));
    (decided + 1) as f64 * t_step
}

fn dims(case: &str) -> Option<(usize, usize, usize)> {
    match case {
        "fc2" => Some((32, 10, 64)),
        "64" => Some((64, 32, 64)),
        "128" => Some((128, 64, 128)),
        "full" => Some((1000, 10, 64)),
        _ => None,
    }
}

/// One (case, mode) in this process; prints one `key=value` result line.
fn child(case: &str, mode: BlockMode, runs: usize) {
    let (n_in, n_out, tile) = dims(case).expect("case");
    // Weights and images depend on the case only: both modes see the same ones.
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
    let mut block =
        LayerCircuit::build_mode(&m, Some(&bias), &neuron, &c, steps, case, mode).expect("build");
    let build = t0.elapsed().as_secs_f64();
    let (mut walls, mut cpus, mut energy, mut e_drv, mut lat, mut spikes) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    let (mut points, mut worst) = (0, 0.0f64);
    for _ in 0..runs {
        let x: Vec<Vec<f64>> = (0..steps)
            .map(|_| {
                (0..n_in)
                    .map(|_| if rng.random::<f64>() < 0.3 { 1.0 } else { 0.0 })
                    .collect()
            })
            .collect();
        let (t, cpu0) = (Instant::now(), cputime::self_cpu());
        let r = block.run(&x).expect("run");
        walls.push(t.elapsed().as_secs_f64());
        cpus.push(cputime::self_cpu() - cpu0);
        energy.push(r.energy_j);
        e_drv.push(r.energy_drivers_j);
        lat.push(latency(&r.spikes, c.t_step));
        spikes.push(r.spikes.iter().flatten().sum::<f64>());
        points = r.points;
        worst = worst.max(r.worst_column_error);
    }
    let (ut, un) = block.unknowns();
    println!(
        "RESULT tiles={} unknowns={ut}+{un} points={points} build={build:.3} wall={:.4} \
         wall_min={:.4} wall_max={:.4} cpu={:.3} energy={:.4e} e_drivers={:.4e} latency={:.3e} spikes={} \
         worst={:.2e} hwm={:.1}",
        m.tiles.len(),
        median(walls.clone()),
        walls.iter().cloned().fold(f64::INFINITY, f64::min),
        walls.iter().cloned().fold(0.0, f64::max),
        median(cpus),
        median(energy),
        median(e_drv),
        median(lat),
        median(spikes),
        worst,
        vm_hwm_mib()
    );
}

fn parse_mode(s: &str) -> Option<BlockMode> {
    match s {
        "split" => Some(BlockMode::Split),
        "coupled" => Some(BlockMode::Coupled),
        _ => None,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut runs = 3;
    let mut cases = "64,128,full".to_string();
    let mut modes = "split,coupled".to_string();
    let mut timeout = 600u64;
    let mut child_of: Option<(String, String)> = None;
    let mut i = 1;
    let val = |i: usize| args.get(i + 1).cloned().unwrap_or_default();
    while i < args.len() {
        match args[i].as_str() {
            "--runs" => runs = val(i).parse().unwrap_or(3),
            "--cases" => cases = val(i),
            "--modes" => modes = val(i),
            "--timeout" => timeout = val(i).parse().unwrap_or(600),
            "--child" => {
                child_of = Some((val(i), args.get(i + 2).cloned().unwrap_or_default()));
                i += 1;
            }
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    if let Some((case, mode)) = child_of {
        let Some(mode) = parse_mode(&mode) else {
            eprintln!("unknown mode {mode}");
            std::process::exit(2);
        };
        child(&case, mode, runs);
        return;
    }
    let exe = std::env::current_exe().expect("own executable");
    println!(
        "case     mode    tiles unknowns(tiles+neurons) points build_s wall_s(median [min,max]) \
         cpu_s energy_J(all sources) energy_J(row drivers) latency_s spikes worst_col_err VmHWM_MiB"
    );
    for case in cases.split(',') {
        if dims(case).is_none() {
            eprintln!("unknown case {case}");
            continue;
        }
        for mode in modes.split(',') {
            if parse_mode(mode).is_none() {
                eprintln!("unknown mode {mode}");
                continue;
            }
            let t = Instant::now();
            let out = Command::new("timeout")
                .arg(timeout.to_string())
                .arg(&exe)
                .args(["--child", case, mode, "--runs", &runs.to_string()])
                .output();
            let wall = t.elapsed().as_secs_f64();
            let line = out.as_ref().ok().and_then(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .find(|l| l.starts_with("RESULT "))
                    .map(str::to_string)
            });
            match line {
                Some(l) => {
                    let kv: std::collections::HashMap<&str, &str> = l
                        .split_whitespace()
                        .skip(1)
                        .filter_map(|p| p.split_once('='))
                        .collect();
                    let g = |k: &str| kv.get(k).copied().unwrap_or("?");
                    println!(
                        "{case:<8} {mode:<7} {:>5} {:>24} {:>6} {:>7} {} [{}, {}] {} {} {} {} {} {} {}",
                        g("tiles"),
                        g("unknowns"),
                        g("points"),
                        g("build"),
                        g("wall"),
                        g("wall_min"),
                        g("wall_max"),
                        g("cpu"),
                        g("energy"),
                        g("e_drivers"),
                        g("latency"),
                        g("spikes"),
                        g("worst"),
                        g("hwm")
                    );
                }
                None => println!(
                    "{case:<8} {mode:<7} no result after {wall:.0} s (timeout {timeout} s or failure)"
                ),
            }
        }
    }
    println!(
        "assumptions: energy (all sources) = integral of v*i over every independent source: \
         row drivers (also printed alone: the crossbar read energy), virtual-ground sense \
         sources (0 V: none), sense-amplifier outputs with the bias pulses into the \
         membranes, clocks; the behavioural comparators, reset charge pumps and leaks have \
         no modelled supply and are not counted; latency = end of the step after \
         which the winning output stops changing (as `crossbar validate`), at most 25 steps x \
         10 ns = 250 ns per inference; wall/CPU per image exclude the one-off build"
    );
}

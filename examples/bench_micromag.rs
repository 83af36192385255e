//! Micromagnetic engine benchmark: ns per cell per effective-field evaluation and per RK45
//! step on the paper's racetrack meshes (256 x 64 x 1 and 256 x 64 x 5 cells of
//! 2 x 2 x 0.8 nm, all effects on: exchange, anisotropy, interfacial DMI, FFT demag,
//! interlayer exchange, spin-orbit torque with J = 1e11 A/m^2), median of several runs.
//! With `--long`: wall time of 10 ns of the 5-layer DW track under a 500 MHz train of 1 ns
//! pulses.
//!
//! Reference on the same machine kind (issue 4): magnum.np 2.2 (CPU PyTorch, 2 threads)
//! takes about 400 ns/cell/eval on 256x64x1 and about 940 on 256x64x5.
//!
//! Run: `cargo run --release --no-default-features --example bench_micromag [-- --long]`

use spinspice::micromag::{Effects, Material, Shape, Simulation, Stack, System};
use std::time::Instant;

fn material() -> Material {
    // Table I of the paper (Ms, Ku, A, alpha); D = 1.5 mJ/m^2 (Néel walls, below D_c);
    // spin Hall angle 0.1 (bench value).
    Material {
        ms: 0.8e6,
        aex: 1.5e-11,
        ku1: 0.9e6,
        dind: 1.5e-3,
        alpha: 0.15,
        theta_sh: 0.1,
        ..Material::default()
    }
}

fn track(layers: usize) -> Simulation {
    let stack = Stack::uniform(material(), layers, 1, 0, 1e-4);
    let sys = System::multilayer(256, 64, [2e-9, 2e-9, 0.8e-9], &Shape::Everything, &stack)
        .expect("valid bench system");
    let mut sim = Simulation::new(sys, Effects::default()).expect("valid bench simulation");
    // A wall at x = 150 nm, up on the left.
    sim.set_m(|p| {
        let th = 2.0 * ((p[0] - 150e-9) / 5.5e-9).exp().atan();
        [-th.sin(), 0.0, th.cos()]
    })
    .expect("valid initial state");
    sim.set_current_density([1e11, 0.0, 0.0]);
    sim
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let long = std::env::args().any(|a| a == "--long");
    println!("threads: {}", rayon::current_num_threads());
    for layers in [1usize, 5] {
        let t0 = Instant::now();
        let mut sim = track(layers);
        let setup = t0.elapsed().as_secs_f64();
        let cells = sim.system().mesh.len() as f64;
        // Warm-up.
        for _ in 0..3 {
            sim.effective_field();
        }
        let evals: Vec<f64> = (0..15)
            .map(|_| {
                let t = Instant::now();
                sim.effective_field();
                t.elapsed().as_secs_f64()
            })
            .collect();
        let steps: Vec<f64> = (0..10)
            .map(|_| {
                let t = Instant::now();
                sim.step_at_most(f64::INFINITY).expect("bench step");
                t.elapsed().as_secs_f64()
            })
            .collect();
        let e = median(evals) * 1e9 / cells;
        let s = median(steps) * 1e9 / cells;
        let reference = if layers == 1 { 400.0 } else { 940.0 };
        println!(
            "256x64x{layers}: setup {setup:.3} s, field eval {e:.1} ns/cell (magnum.np ~{reference} -> {:.1}x), \
             RK45 step {s:.1} ns/cell, dt {:.3e} s",
            reference / e,
            sim.dt()
        );
    }
    if long {
        let mut sim = track(5);
        sim.set_current_pulses([1e11, 0.0, 0.0], 0.0, 1e-9, 2e-9)
            .expect("valid pulse train");
        let t0 = Instant::now();
        for n in 1..=10 {
            sim.advance_to(n as f64 * 1e-9).expect("long run");
            eprintln!(
                "t = {:.1} ns, <mz> = {:.4}, dw_x(layer 0) = {:.2} nm, steps {}",
                sim.time() * 1e9,
                sim.average_m()[2],
                spinspice::micromag::observe::dw_x(sim.system(), sim.m(), 0) * 1e9,
                sim.stats().accepted
            );
        }
        let st = sim.stats();
        println!(
            "10 ns, 5-layer DW track, 500 MHz pulses: wall {:.1} s, {} accepted / {} rejected steps, {} evals",
            t0.elapsed().as_secs_f64(),
            st.accepted,
            st.rejected,
            st.evals
        );
    }
}

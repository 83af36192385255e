//! Per-term CPU cost of the micromagnetic field (ns per cell per evaluation) on the bench
//! meshes (256 x 64 x 1 and x 5, 2 x 2 x 0.8 nm), for profiling: each separate term, and the
//! fused local pass the simulation actually uses; demag in its default f32 and in f64. CPU
//! time is summed over the process's threads from /proc (Linux), so it is meaningful on a
//! loaded machine.
//!
//! Run: `RAYON_NUM_THREADS=1 cargo run --release --no-default-features --example
//! prof_micromag [-- 1|5]` (an argument: that mesh's demag only, many repetitions, for
//! `perf record`).

use spinspice::micromag::field::*;
use spinspice::micromag::{vec3::V3, Material, Shape, Stack, System};
#[path = "common/cputime.rs"]
#[allow(dead_code)]
mod cputime;

/// CPU time of all threads of this process (ns); NaN without schedstat.
fn cpu_ns() -> f64 {
    cputime::threads_cpu().map_or(f64::NAN, |s| s * 1e9)
}

fn main() {
    // On a pool thread, as `Simulation` runs its steps (`on_pool`): the parallel sections then
    // start without a hand-off from the main thread, whose cost is not the field's.
    rayon::scope(|_| profile());
}

fn profile() {
    let mat = Material::bench_table_i();
    let only: Option<String> = std::env::args().nth(1);
    for layers in [1usize, 5] {
        if only.as_deref().is_some_and(|o| o != layers.to_string()) {
            continue;
        }
        let stack = Stack::uniform(mat.clone(), layers, 1, 0, 1e-4);
        let sys =
            System::multilayer(256, 64, [2e-9, 2e-9, 0.8e-9], &Shape::Everything, &stack).unwrap();
        let n = sys.mesh.len();
        let m: Vec<V3> = (0..n)
            .map(|c| {
                let x = (c % 256) as f64;
                let th = 2.0 * ((x - 75.0) / 2.75).exp().atan();
                [-th.sin(), 0.0, th.cos()]
            })
            .collect();
        let mut h = vec![[0.0; 3]; n];
        let mut terms: Vec<Box<dyn FieldTerm>> = vec![
            Box::new(Exchange),
            Box::new(Anisotropy),
            Box::new(InterfacialDmi),
            Box::new(Interlayer),
            Box::new(Demag::new(&sys, DemagMode::Full).unwrap()),
        ];
        for t in terms.iter_mut() {
            if only.is_some() && t.name() != "demag" {
                continue;
            }
            for _ in 0..3 {
                t.add_field(&sys, &m, 0.0, &mut h);
            }
            let reps = if only.is_some() { 500 } else { 50 };
            let c0 = cpu_ns();
            let w0 = std::time::Instant::now();
            for _ in 0..reps {
                t.add_field(&sys, &m, 0.0, &mut h);
            }
            let c = (cpu_ns() - c0) / reps as f64 / n as f64;
            let w = w0.elapsed().as_secs_f64() * 1e9 / reps as f64 / n as f64;
            println!(
                "x{layers} {:12} cpu {c:7.1} ns/cell  wall {w:7.1}",
                t.name()
            );
        }
        if only.is_none() {
            // The same convolution entirely in f64 (DemagMode::FullF64), for comparison with
            // the default f32 one above.
            let mut d = Demag::new(&sys, DemagMode::FullF64).unwrap();
            for _ in 0..3 {
                d.add_field(&sys, &m, 0.0, &mut h);
            }
            let reps = 50;
            let c0 = cpu_ns();
            let w0 = std::time::Instant::now();
            for _ in 0..reps {
                d.add_field(&sys, &m, 0.0, &mut h);
            }
            let c = (cpu_ns() - c0) / reps as f64 / n as f64;
            let w = w0.elapsed().as_secs_f64() * 1e9 / reps as f64 / n as f64;
            println!("x{layers} demag-f64    cpu {c:7.1} ns/cell  wall {w:7.1}");
        }
        let lf = LocalFields::new(
            &sys,
            LocalTerms {
                exchange: true,
                anisotropy: true,
                dmi: true,
                interlayer: true,
            },
        );
        let z = Zeeman::default();
        let reps = 50;
        let c0 = cpu_ns();
        let w0 = std::time::Instant::now();
        for _ in 0..reps {
            lf.write(&sys, &z, &m, 0.0, &mut h);
        }
        let c = (cpu_ns() - c0) / reps as f64 / n as f64;
        let w = w0.elapsed().as_secs_f64() * 1e9 / reps as f64 / n as f64;
        println!("x{layers} fused-local  cpu {c:7.1} ns/cell  wall {w:7.1}");
    }
}

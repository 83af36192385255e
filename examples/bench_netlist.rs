//! Benchmark: parse + elaborate generated RC meshes (20x20, 40x40, 100x100).
//! Prints the median wall time of 7 runs per size. `cargo run --release --example bench_netlist`.

use std::time::Instant;

fn rc_mesh(n: usize) -> String {
    let mut s = format!("rc mesh {n}x{n}\n.param rseg=100 cnode=10f\n");
    s.push_str("V1 in 0 pulse(0 1 0 10p 10p 5n 10n)\nRin in n0_0 {rseg}\n");
    for i in 0..n {
        for j in 0..n {
            if j + 1 < n {
                s.push_str(&format!("Rh{i}_{j} n{i}_{j} n{i}_{} {{rseg}}\n", j + 1));
            }
            if i + 1 < n {
                s.push_str(&format!("Rv{i}_{j} n{i}_{j} n{}_{j} {{rseg}}\n", i + 1));
            }
            s.push_str(&format!("C{i}_{j} n{i}_{j} 0 {{cnode}}\n"));
        }
    }
    s.push_str(".tran 10p 10n\n.end\n");
    s
}

fn main() -> Result<(), spinspice::Error> {
    for n in [20, 40, 100, 200] {
        let text = rc_mesh(n);
        let lines = text.lines().count();
        let mut times = Vec::new();
        let mut elements = 0;
        for _ in 0..7 {
            let t0 = Instant::now();
            let ast = spinspice::netlist::parse_str(&text, "mesh.cir")?;
            let flat = spinspice::elab::elaborate(&ast, &[])?;
            times.push(t0.elapsed().as_secs_f64());
            elements = flat.instances.len();
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{n:>3}x{n:<3} {lines:>7} lines {elements:>7} elements: median {:.2} ms ({:.2} us/line)",
            times[3] * 1e3,
            times[3] * 1e6 / lines as f64
        );
    }
    Ok(())
}

//! The main job from Rust: run the domain-wall LIF neuron circuit and print its spikes.
//!
//! `cargo run --release --example neuron_cosim [-- NETLIST [NAME=VALUE ...]]`
//! (default `netlists/dw_lif_neuron.cir`; e.g. `-- netlists/dw_lif_neuron.cir fin=333meg`).

use std::path::PathBuf;

use spinspice::circuit::run::{spike_lines, summary};
use spinspice::circuit::Circuit;
use spinspice::progress::Silent;

fn main() -> spinspice::Result<()> {
    let mut args = std::env::args().skip(1);
    let file = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "netlists/dw_lif_neuron.cir".into()),
    );
    let overrides = args
        .map(|a| spinspice::elab::parse_override(&a))
        .collect::<spinspice::Result<Vec<_>>>()?;
    let ast = spinspice::netlist::parse_file(&file)?;
    let flat = spinspice::elab::elaborate(&ast, &overrides)?;
    let mut circuit = Circuit::from_flat(&flat)?;
    let spikes = circuit.spike_signals();
    for (w, stats) in circuit.run_all(&mut Silent)? {
        eprintln!("{}", summary(&stats));
        // A coarse look at the neuron: wall position, MTJ resistance and V_out every 2 ns.
        let (t, x, r, v) = (
            w.get("time"),
            w.get("x(n1)"),
            w.get("r(n1)"),
            w.get("v(out)"),
        );
        if let (Some(t), Some(x), Some(r), Some(v)) = (t, x, r, v) {
            let mut next = 0.0;
            for k in 0..t.values.len() {
                if t.values[k] >= next {
                    println!(
                        "t={:6.2} ns  x={:7.2} nm  R={:6.1} ohm  Vout={:6.2} mV",
                        t.values[k] * 1e9,
                        x.values[k] * 1e9,
                        r.values[k],
                        v.values[k] * 1e3
                    );
                    next += 2e-9;
                }
            }
        }
        for line in spike_lines(&w, &spikes) {
            println!("{line}");
        }
        // The same files `spinspice run` writes: CSV and the stacked neuron plot.
        let dir = file.with_extension("out");
        std::fs::create_dir_all(&dir).map_err(|e| spinspice::Error::io(&dir, e))?;
        spinspice::wave::csv::write_csv(&dir.join("neuron_cosim.csv"), &w)?;
        if let Some(plot) = spinspice::devices::racetrack::plot::neuron_plot(&w) {
            spinspice::wave::svg::write_svg(&dir.join("neuron_cosim.svg"), &plot.to_svg())?;
        }
    }
    Ok(())
}

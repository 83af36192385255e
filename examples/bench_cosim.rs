//! Co-simulation benchmarks (not a timed test): wall time of the main job
//! (`netlists/dw_lif_neuron.cir`, micromagnetic), of the micromagnetic skyrmion neuron
//! (`netlists/sk_lif_neuron_mm.cir`, 30 ns), of a 10-neuron array in micromagnetic mode
//! and of a 1000-neuron array in compact mode, each a median over `BENCH_REPS` runs
//! (default 3); `BENCH_ONLY=text` runs only the cases whose name contains it. Run: `cargo run --release --no-default-features --example bench_cosim`.

use std::time::Instant;

#[path = "common/cputime.rs"]
#[allow(dead_code)]
mod cputime;

use spinspice::circuit::run::spike_lines;
use spinspice::circuit::Circuit;
use spinspice::progress::Silent;

/// An array of `n` DW neurons, neuron k driven at 250 + (k mod 4) * 83.3 MHz, for `tstop`.
fn array(n: usize, state: &str, tstop: f64) -> String {
    let mut s = format!("* {n}-neuron DW LIF array ({state})\n");
    s.push_str(".model dwtrack racetrack (soliton=dw state=");
    s.push_str(state);
    s.push_str(" xmtj=128n lmtj=64n x0=104n mu=7.5e-11 tau=38n)\n");
    s.push_str(".model cmphys comparator (vth=0 vhys=37m voh=1.8 vol=0 width=10u tr=100p tf=100p rout=10)\n");
    s.push_str(".model swreset sw (vt=0.9 vh=0 ron=100 roff=1e12)\nVread vr 0 0.21\nVref ref 0 89.4m\nVneg vn 0 -0.1\n");
    for k in 0..n {
        let per = 1.0 / (250e6 + (k % 4) as f64 * 83.3e6);
        s.push_str(&format!(
            "Iin{k} 0 t{k} pulse(0 32u 0 10p 10p 980p {per:e})\nN{k} t{k} 0 o{k} 0 dwtrack\nRr{k} vr o{k} 530\nA{k} o{k} ref s{k} cmphys\nS{k} t{k} vn s{k} 0 swreset\n"
        ));
    }
    s.push_str(&format!(".tran 10p {tstop:e}\n.end\n"));
    s
}

/// One run: wall and CPU time (parse to waveforms), accepted time points and spike count.
fn time_text(text: &str, name: &str) -> (f64, f64, usize, usize) {
    let t = Instant::now();
    let cpu0 = cputime::self_cpu();
    let ast = spinspice::netlist::parse_str(text, name).expect("parse");
    let flat = spinspice::elab::elaborate(&ast, &[]).expect("elab");
    let mut c = Circuit::from_flat(&flat).expect("build");
    let spk = c.spike_signals();
    let (w, st) = c.run_all(&mut Silent).expect("run").remove(0);
    let wall = t.elapsed().as_secs_f64();
    let cpu = cputime::self_cpu() - cpu0;
    let n: usize = spike_lines(&w, &spk)
        .iter()
        .map(|l| l.split_whitespace().count() - 2)
        .sum();
    (wall, cpu, st.accepted, n)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let reps: usize = std::env::var("BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let main_job = std::fs::read_to_string("netlists/dw_lif_neuron.cir")
        .expect("run from the repository root");
    // The skyrmion card's `problem=` path is relative to the netlist: parse under its name.
    const SK: &str = "netlists/sk_lif_neuron_mm.cir";
    let sk = std::fs::read_to_string(SK).expect("run from the repository root");
    let cases = [
        (
            "main job dw_lif_neuron.cir (micromagnetic, 60 ns)",
            main_job,
        ),
        ("sk_lif_neuron_mm.cir (micromagnetic skyrmion, 30 ns)", sk),
        (
            "10-neuron array, micromagnetic, 60 ns",
            array(10, "micromagnetic", 60e-9),
        ),
        (
            "1000-neuron array, compact, 60 ns",
            array(1000, "compact", 60e-9),
        ),
    ];
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    for (name, text) in cases {
        if !name.contains(only.as_str()) {
            continue;
        }
        let file = if name.starts_with("sk_") { SK } else { name };
        let runs: Vec<(f64, f64, usize, usize)> =
            (0..reps).map(|_| time_text(&text, file)).collect();
        let times: Vec<f64> = runs.iter().map(|r| r.0).collect();
        let cpus: Vec<f64> = runs.iter().map(|r| r.1).collect();
        println!(
            "{name}: median {:.3} s wall, {:.3} s CPU over {reps} runs ({times:.3?}); {} time points, {} spikes",
            median(times.clone()),
            median(cpus),
            runs[0].2,
            runs[0].3
        );
    }
}

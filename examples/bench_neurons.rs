//! Benchmark: 64 copies of the LIF neuron skeleton (the circuit of
//! `tests/reference/ngspice/nonlinear/neuron.cir`: leaky membrane capacitor, divider, tanh
//! B-source comparator with an RC output stage and hysteresis by feedback, level-1 NMOS
//! reset), each a subcircuit instance driven by its own 1 ns pulse train at a different
//! period (1.2 ns + k 50 ps: 1.2 ns to 4.35 ns for 64 copies), 200 ns transient. spinspice and, when installed,
//! `ngspice -b` run the same generated netlist (parse + simulate, wall time).
//!
//! ```text
//! cargo run --release --no-default-features --example bench_neurons -- [--runs 5]
//!     [--copies 64] [--no-ngspice] [--keep DIR]
//! ```
//! The runs of the two tools alternate (ours, ngspice, ours, ...) so that both see the
//! same machine load. Prints the median wall time and the median CPU time (user + system,
//! from `/proc`: the steadier figure on a shared machine) of each tool, both ratios, and
//! the spike counts of the first and last neuron from both tools (they must agree).

#[path = "common/cputime.rs"]
#[allow(dead_code)]
mod cputime;

use spinspice::circuit::Circuit;
use spinspice::progress::Silent;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The generated netlist: `copies` neurons, pulse periods 1.2 ns + k 50 ps.
fn netlist(copies: usize) -> String {
    let mut s = String::from("* 64 LIF neuron skeletons (bench_neurons)\n");
    s.push_str(
        ".model nch nmos (level=1 vto=0.45 kp=280u gamma=0.45 phi=0.85 lambda=0.08\n\
         + tox=4.1n cgso=0.37n cgdo=0.37n cgbo=0 cj=0.95m mj=0.38 cjsw=0.24n mjsw=0.3 pb=0.8)\n\
         .subckt neuron drive spike\n\
         RIN drive mem 5k\n\
         CMEM mem 0 5p\n\
         RLEAK mem 0 200k\n\
         RD1 mem sense 100k\n\
         RD2 sense 0 100k\n\
         BCMP cy 0 V=0.9*(1+tanh((v(sense)-0.3+0.1*v(spike))/0.01))\n\
         RC cy spike 1k\n\
         CC spike 0 1p\n\
         MRST mem spike 0 0 nch w=2u l=0.18u\n\
         .ends neuron\n",
    );
    for k in 0..copies {
        // Periods on a 50 ps grid (1.2 ns, 1.25 ns, ...): every pulse corner falls on that
        // grid, so the 64 sources share breakpoints (incommensurate periods make both tools
        // stop at tens of thousands of distinct corners: minutes per run).
        let per = 1.2e-9 + 0.05e-9 * k as f64;
        let _ = writeln!(s, "V{k} d{k} 0 PULSE(0 1.8 0 50p 50p 1n {per:.6e})");
        let _ = writeln!(s, "X{k} d{k} s{k} neuron");
    }
    s.push_str(".tran 0.1n 200n\n.end\n");
    s
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Rising crossings of 0.9 V.
fn spikes(t: &[f64], y: &[f64]) -> usize {
    (1..t.len())
        .filter(|&k| y[k - 1] < 0.9 && y[k] >= 0.9)
        .count()
}

fn run_spinspice(text: &str, copies: usize) -> Result<(Duration, f64, usize, usize), String> {
    let start = Instant::now();
    let cpu0 = cputime::self_cpu();
    let ast =
        spinspice::netlist::parse_str(text, "bench_neurons.cir").map_err(|e| e.to_string())?;
    let flat = spinspice::elab::elaborate(&ast, &[]).map_err(|e| e.to_string())?;
    let mut c = Circuit::from_flat(&flat).map_err(|e| e.to_string())?;
    let runs = c.run_all(&mut Silent).map_err(|e| e.to_string())?;
    let wall = start.elapsed();
    let cpu = cputime::self_cpu() - cpu0;
    let st = &runs[0].1;
    eprintln!(
        "  spinspice: {} unknowns, {} points, {} accepted / {} rejected steps, {} Newton \
         iterations, {:.3} s wall, {cpu:.2} s CPU",
        c.unknowns(),
        st.points,
        st.accepted,
        st.rejected,
        st.newton_iters,
        wall.as_secs_f64()
    );
    let w = &runs[0].0;
    let count = |k: usize| {
        w.get(&format!("v(s{k})"))
            .map(|s| spikes(&w.scale.values, &s.values))
            .unwrap_or(0)
    };
    Ok((wall, cpu, count(0), count(copies - 1)))
}

fn run_ngspice(path: &Path, dir: &Path, copies: usize) -> Option<(Duration, f64, usize, usize)> {
    // A copy with a control block that writes the first and last spike outputs.
    let text = std::fs::read_to_string(path).ok()?;
    let data = dir.join("ng_spikes.txt");
    let ctl = format!(
        "{}\n.control\nset wr_singlescale\nrun\nwrdata {} v(s0) v(s{})\n.endc\n.end\n",
        text.trim_end().trim_end_matches(".end"),
        data.display(),
        copies - 1
    );
    let ctl_path = dir.join("bench_neurons_ctl.cir");
    std::fs::write(&ctl_path, ctl).ok()?;
    let (wall, cpu, _) = cputime::child_cpu(
        "ngspice",
        &[Path::new("-b"), &ctl_path],
        Duration::from_secs(3600),
    )?;
    eprintln!(
        "  ngspice: {:.3} s wall, {cpu:.2} s CPU",
        wall.as_secs_f64()
    );
    let rows: Vec<Vec<f64>> = std::fs::read_to_string(&data)
        .ok()?
        .lines()
        .map(|l| {
            l.split_whitespace()
                .filter_map(|x| x.parse().ok())
                .collect()
        })
        .filter(|r: &Vec<f64>| r.len() >= 3)
        .collect();
    let t: Vec<f64> = rows.iter().map(|r| r[0]).collect();
    let a: Vec<f64> = rows.iter().map(|r| r[1]).collect();
    let b: Vec<f64> = rows.iter().map(|r| r[2]).collect();
    Some((wall, cpu, spikes(&t, &a), spikes(&t, &b)))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runs: usize = opt("--runs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let copies: usize = opt("--copies")
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
        .max(1);
    let no_ng = args.iter().any(|a| a == "--no-ngspice");
    let keep = opt("--keep").map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    let _ = std::fs::create_dir_all(&dir);
    let text = netlist(copies);
    let path = dir.join("bench_neurons.cir");
    std::fs::write(&path, &text).expect("write netlist");

    let have_ng = !no_ng && cputime::installed("ngspice");
    let (mut ours, mut ours_cpu) = (Vec::new(), Vec::new());
    let (mut theirs, mut theirs_cpu) = (Vec::new(), Vec::new());
    let mut counts = (0, 0);
    let mut ng_counts = (0, 0);
    for _ in 0..runs {
        match run_spinspice(&text, copies) {
            Ok((d, cpu, a, b)) => {
                ours.push(d);
                ours_cpu.push(cpu);
                counts = (a, b);
            }
            Err(e) => {
                eprintln!("spinspice failed: {e}");
                std::process::exit(2);
            }
        }
        if have_ng {
            if let Some((d, cpu, a, b)) = run_ngspice(&path, &dir, copies) {
                theirs.push(d);
                theirs_cpu.push(cpu);
                ng_counts = (a, b);
            }
        }
    }
    let ours = median(ours);
    let ours_cpu = median_f(ours_cpu);
    println!(
        "neurons: {copies} copies, 200 ns; spinspice median {:.3} s wall, {ours_cpu:.2} s CPU \
         over {runs} runs; spikes first/last neuron {}/{}",
        ours.as_secs_f64(),
        counts.0,
        counts.1
    );
    if theirs.is_empty() {
        println!("ngspice: not run");
        return;
    }
    let theirs = median(theirs);
    let theirs_cpu = median_f(theirs_cpu);
    println!(
        "ngspice -b median {:.3} s wall, {theirs_cpu:.2} s CPU; spikes first/last neuron {}/{}; \
         ratio spinspice/ngspice {:.2} (wall), {:.2} (CPU)",
        theirs.as_secs_f64(),
        ng_counts.0,
        ng_counts.1,
        ours.as_secs_f64() / theirs.as_secs_f64(),
        ours_cpu / theirs_cpu
    );
}

fn median_f(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

//! Benchmark: generated RC meshes (20x20, 40x40, 100x100; 10 ns transient) and a 128x128
//! resistive crossbar with wire resistance and cell capacitances, run by spinspice and, when
//! installed, by `ngspice -b` on the same generated netlist. With `--ac`, the same circuits
//! run `.ac dec 20 1k 100meg` (101 points) instead, the drivers carrying `ac 1`.
//!
//! ```text
//! cargo run --release --example bench_circuit -- [--runs 3] [--sizes 20,40,100]
//!     [--crossbar 128] [--ngspice-timeout 600] [--ngspice-runs N] [--no-ngspice] [--keep DIR]
//!     [--svg PATH] [--ac]
//! ```
//! Prints, per circuit: unknowns, time points, median wall time of spinspice, ngspice's
//! wall time (median of `--ngspice-runs`, default `--runs`) and the ratio, then the cost per
//! unknown and per time point (the scaling curve: flat means linear in the node count).
//! An ngspice run killed at the timeout gives a lower bound on its time, hence an upper
//! bound `<r` on the ratio. `--svg` plots both wall times and spinspice's cost per unknown and
//! time point against the number of unknowns for the meshes (the scaling curve).

#[path = "common/cputime.rs"]
#[allow(dead_code)]
mod cputime;

use spinspice::circuit::tran::TranSpec;
use spinspice::circuit::Circuit;
use spinspice::devices::param::Given;
use spinspice::elab::{AcSpacing, AcSweep, Arg, Flat, Instance};
use spinspice::error::Span;
use spinspice::progress::Silent;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A generated circuit as both a `Flat` (for spinspice) and netlist text (for ngspice).
struct Gen {
    name: String,
    flat: Flat,
    text: String,
    tstep: f64,
    tstop: f64,
    /// `.ac dec 20 1k 100meg` instead of the transient; drivers get `ac 1`.
    ac: bool,
}

/// The `.ac` sweep of `--ac`: 20 points per decade over five decades, 101 points.
const AC_SWEEP: AcSweep = AcSweep {
    spacing: AcSpacing::Dec,
    points: 20,
    fstart: 1e3,
    fstop: 1e8,
};

impl Gen {
    fn new(name: &str, title: &str, tstep: f64, tstop: f64) -> Gen {
        let ac = std::env::args().any(|a| a == "--ac");
        Gen {
            ac,
            name: name.into(),
            flat: Flat {
                title: title.into(),
                nodes: vec!["0".into()],
                ..Default::default()
            },
            text: format!("{title}\n"),
            tstep,
            tstop,
        }
    }
    fn node(&mut self, n: &str) -> usize {
        if n == "0" {
            return 0;
        }
        if let Some(k) = self.flat.node(n) {
            return k;
        }
        self.flat.nodes.push(n.into());
        self.flat.nodes.len() - 1
    }
    fn elem(&mut self, name: &str, nodes: &[&str], value: f64) {
        let ids = nodes.iter().map(|n| self.node(n)).collect();
        self.flat.instances.push(Instance {
            name: name.into(),
            letter: name.chars().next().unwrap(),
            nodes: ids,
            args: vec![Arg::Num(value)],
            params: Vec::<Given>::new(),
            words: vec![],
            model: None,
            span: Span::default(),
        });
        let _ = writeln!(self.text, "{name} {} {value:e}", nodes.join(" "));
    }
    fn pulse(&mut self, name: &str, a: &str, b: &str, p: [f64; 7]) {
        let ids = vec![self.node(a), self.node(b)];
        let mut args = vec![Arg::Call {
            name: "pulse".into(),
            args: p.to_vec(),
            params: vec![],
        }];
        if self.ac {
            args.extend([Arg::Word("ac".into()), Arg::Num(1.0)]);
        }
        self.flat.instances.push(Instance {
            name: name.into(),
            letter: 'v',
            nodes: ids,
            args,
            params: vec![],
            words: vec![],
            model: None,
            span: Span::default(),
        });
        let _ = writeln!(
            self.text,
            "{name} {a} {b} pulse({:e} {:e} {:e} {:e} {:e} {:e} {:e}){}",
            p[0],
            p[1],
            p[2],
            p[3],
            p[4],
            p[5],
            p[6],
            if self.ac { " ac 1" } else { "" }
        );
    }
    fn finish(mut self) -> Gen {
        if self.ac {
            let _ = writeln!(self.text, ".ac dec 20 1k 100meg\n.end");
        } else {
            let _ = writeln!(self.text, ".tran {:e} {:e}\n.end", self.tstep, self.tstop);
        }
        self
    }
}

/// An n x n RC mesh: 100 ohm between neighbours, 10 fF from each node to ground, driven at
/// one corner by a 1 V pulse through 50 ohm.
fn rc_mesh(n: usize) -> Gen {
    let mut g = Gen::new(
        &format!("rc_mesh_{n}x{n}"),
        &format!("RC mesh {n}x{n}"),
        10e-12,
        10e-9,
    );
    g.pulse(
        "vin",
        "in",
        "0",
        [0.0, 1.0, 0.1e-9, 0.1e-9, 0.1e-9, 4e-9, 8e-9],
    );
    g.elem("rin", &["in", "n0_0"], 50.0);
    for i in 0..n {
        for j in 0..n {
            let here = format!("n{i}_{j}");
            if j + 1 < n {
                g.elem(
                    &format!("rh{i}_{j}"),
                    &[&here, &format!("n{i}_{}", j + 1)],
                    100.0,
                );
            }
            if i + 1 < n {
                g.elem(
                    &format!("rv{i}_{j}"),
                    &[&here, &format!("n{}_{j}", i + 1)],
                    100.0,
                );
            }
            g.elem(&format!("c{i}_{j}"), &[&here, "0"], 10e-15);
        }
    }
    g.elem("rload", &[&format!("n{}_{}", n - 1, n - 1), "0"], 1e3);
    g.finish()
}

/// An n x n resistive crossbar: row drivers (pulses) at the left, 1 ohm wire segments along
/// rows and columns, a cell (10k..100k) between row and column at every crossing, 1 fF wire
/// capacitance at every row and column node, columns sensed by 100 ohm to ground.
fn crossbar(n: usize) -> Gen {
    let mut g = Gen::new(
        &format!("crossbar_{n}x{n}"),
        &format!("crossbar {n}x{n}"),
        10e-12,
        10e-9,
    );
    for i in 0..n {
        let delay = 0.1e-9 * (i % 8) as f64;
        g.pulse(
            &format!("vr{i}"),
            &format!("r{i}_d"),
            "0",
            [0.0, 0.5, delay, 0.1e-9, 0.1e-9, 3e-9, 6e-9],
        );
        g.elem(
            &format!("rdrv{i}"),
            &[&format!("r{i}_d"), &format!("r{i}_0")],
            10.0,
        );
        for j in 0..n {
            let row = format!("r{i}_{j}");
            let col = format!("c{i}_{j}");
            if j + 1 < n {
                g.elem(
                    &format!("rwr{i}_{j}"),
                    &[&row, &format!("r{i}_{}", j + 1)],
                    1.0,
                );
            }
            if i + 1 < n {
                g.elem(
                    &format!("rwc{i}_{j}"),
                    &[&col, &format!("c{}_{j}", i + 1)],
                    1.0,
                );
            }
            let cell = 10e3 + 90e3 * (((i * 31 + j * 17) % 97) as f64 / 96.0);
            g.elem(&format!("rx{i}_{j}"), &[&row, &col], cell);
            g.elem(&format!("cr{i}_{j}"), &[&row, "0"], 1e-15);
            g.elem(&format!("cc{i}_{j}"), &[&col, "0"], 1e-15);
        }
    }
    for j in 0..n {
        g.elem(&format!("rs{j}"), &[&format!("c{}_{j}", n - 1), "0"], 100.0);
    }
    g.finish()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn run_spinspice(g: &Gen) -> (f64, f64, usize, usize) {
    let start = Instant::now();
    let cpu0 = cputime::self_cpu();
    let mut c = Circuit::from_flat(&g.flat).expect("build");
    let n = c.unknowns();
    let spec = TranSpec {
        tstep: g.tstep,
        tstop: g.tstop,
        tstart: 0.0,
        tmax: None,
        uic: false,
    };
    let (w, st) = if g.ac {
        c.ac(&AC_SWEEP).expect("ac")
    } else {
        c.tran(&spec, &mut Silent).expect("tran")
    };
    if std::env::var_os("BENCH_STATS").is_some() {
        eprintln!("{}: {st:?}", g.name);
    }
    // BENCH_DUMP=DIR: write `time,<every signal>` for an accuracy check against ngspice.
    if let Some(dir) = std::env::var_os("BENCH_DUMP") {
        let mut s = String::from("time");
        for sig in &w.signals {
            s.push(',');
            s.push_str(&sig.name);
        }
        s.push('\n');
        for (k, t) in w.scale.values.iter().enumerate() {
            s.push_str(&format!("{t:e}"));
            for sig in &w.signals {
                s.push_str(&format!(",{:e}", sig.values[k]));
            }
            s.push('\n');
        }
        let path = Path::new(&dir).join(format!("{}.csv", g.name));
        std::fs::write(&path, s).expect("dump");
    }
    let wall = start.elapsed().as_secs_f64();
    (wall, cputime::self_cpu() - cpu0, w.len(), n)
}

/// ngspice's (wall, CPU) seconds, or `None` when it failed or was killed at `timeout`.
fn run_ngspice(path: &Path, timeout: Duration) -> Option<(f64, f64)> {
    // `-r` makes batch mode run the analyses and write every vector, as spinspice records
    // every signal.
    let raw = path.with_extension("raw");
    let (wall, cpu, ok) = cputime::child_cpu(
        "ngspice",
        &[Path::new("-b"), Path::new("-r"), &raw, path],
        timeout,
    )?;
    ok.then_some((wall.as_secs_f64(), cpu))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let runs: usize = get("--runs").and_then(|s| s.parse().ok()).unwrap_or(3);
    let sizes: Vec<usize> = get("--sizes")
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![20, 40, 100]);
    let xbar: usize = get("--crossbar")
        .and_then(|s| s.parse().ok())
        .unwrap_or(128);
    let timeout = Duration::from_secs_f64(
        get("--ngspice-timeout")
            .and_then(|s| s.parse().ok())
            .unwrap_or(600.0),
    );
    let ng_runs: usize = get("--ngspice-runs")
        .and_then(|s| s.parse().ok())
        .unwrap_or(runs);
    let no_ng = args.iter().any(|a| a == "--no-ngspice");
    let keep: Option<PathBuf> = get("--keep").map(PathBuf::from);
    let svg: Option<PathBuf> = get("--svg").map(PathBuf::from);
    // (unknowns, spinspice s, ngspice s if it finished, µs per unknown and point) per mesh.
    let mut curve: Vec<(f64, f64, Option<f64>, f64)> = Vec::new();
    let have_ng = !no_ng && cputime::installed("ngspice");
    let dir = keep.unwrap_or_else(std::env::temp_dir);
    let mut gens: Vec<Gen> = sizes.iter().map(|&n| rc_mesh(n)).collect();
    if xbar > 0 {
        gens.push(crossbar(xbar));
    }
    println!(
        "{:<16} {:>8} {:>6} {:>11} {:>10} {:>10} {:>10} {:>7} {:>7} {:>12}",
        "circuit",
        "unknowns",
        "points",
        "spinspice s",
        "(CPU s)",
        "ngspice s",
        "(CPU s)",
        "ratio",
        "(CPU)",
        "us/(unk*pt)"
    );
    for g in &gens {
        let mut times = Vec::new();
        let mut cpus = Vec::new();
        let mut pts = 0;
        let mut unk = 0;
        for _ in 0..runs {
            let (t, c, p, n) = run_spinspice(g);
            times.push(t);
            cpus.push(c);
            pts = p;
            unk = n;
        }
        let ours = median(times);
        let ours_cpu = median(cpus);
        let ng = if have_ng {
            let path = dir.join(format!("{}.cir", g.name));
            std::fs::write(&path, &g.text).expect("write netlist");
            let t: Vec<(f64, f64)> = (0..ng_runs.max(1))
                .filter_map(|_| run_ngspice(&path, timeout))
                .collect();
            (!t.is_empty()).then(|| {
                (
                    median(t.iter().map(|p| p.0).collect()),
                    median(t.iter().map(|p| p.1).collect()),
                )
            })
        } else {
            None
        };
        // The cost per unknown and point from CPU time: load on the shared machine inflates
        // wall time, not CPU time.
        let per = 1e6 * ours_cpu / (unk as f64 * pts as f64);
        if g.name.starts_with("rc_mesh") {
            curve.push((unk as f64, ours, ng.map(|t| t.0), per));
        }
        let (ngs, ngc, ratio, ratio_cpu) = match ng {
            Some((t, c)) => (
                format!("{t:.3}"),
                format!("{c:.2}"),
                format!("{:.3}", ours / t),
                format!("{:.3}", ours_cpu / c),
            ),
            None if have_ng => (
                format!(">{:.0}", timeout.as_secs_f64()),
                "-".into(),
                format!("<{:.3}", ours / timeout.as_secs_f64()),
                "-".into(),
            ),
            None => ("n/a".into(), "-".into(), "-".into(), "-".into()),
        };
        println!(
            "{:<16} {:>8} {:>6} {:>11.4} {:>10.3} {:>10} {:>10} {:>7} {:>7} {:>12.4}",
            g.name, unk, pts, ours, ours_cpu, ngs, ngc, ratio, ratio_cpu, per
        );
    }
    if let Some(path) = svg {
        write_curve(&path, &curve);
    }
}

/// The scaling curve of the RC meshes as an SVG (atomic write through the project's writer).
fn write_curve(path: &Path, curve: &[(f64, f64, Option<f64>, f64)]) {
    use spinspice::wave::svg::{write_svg, Panel, Plot, Series};
    let x: Vec<f64> = curve.iter().map(|c| c.0).collect();
    let mut times = vec![Series {
        name: "spinspice".into(),
        x: x.clone(),
        y: curve.iter().map(|c| c.1).collect(),
    }];
    let ng: Vec<(f64, f64)> = curve.iter().filter_map(|c| c.2.map(|t| (c.0, t))).collect();
    if !ng.is_empty() {
        times.push(Series {
            name: "ngspice".into(),
            x: ng.iter().map(|p| p.0).collect(),
            y: ng.iter().map(|p| p.1).collect(),
        });
    }
    let plot = Plot {
        title: "RC mesh transient (10 ns): wall time and cost per unknown and time point".into(),
        x_label: "unknowns".into(),
        x_unit: String::new(),
        panels: vec![
            Panel {
                label: "wall time".into(),
                unit: "s".into(),
                series: times,
            },
            Panel {
                label: "spinspice CPU cost per unknown and point".into(),
                unit: "s".into(),
                series: vec![Series {
                    name: "spinspice".into(),
                    x,
                    y: curve.iter().map(|c| 1e-6 * c.3).collect(),
                }],
            },
        ],
    };
    if let Err(e) = write_svg(path, &plot.to_svg()) {
        eprintln!("bench_circuit: {e}");
    }
}

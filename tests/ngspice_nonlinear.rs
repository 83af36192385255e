//! Nonlinear devices against ngspice: the netlists in `tests/reference/ngspice/nonlinear/`
//! are run unchanged by spinspice and compared with the CSVs that `generate.sh` made with
//! ngspice-39 (same netlists, batch mode, default options).

use spinspice::circuit::Circuit;
use spinspice::wave::Waveforms;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/ngspice/nonlinear")
}

/// Run every analysis of a reference netlist; the first analysis's waveforms.
fn simulate(name: &str) -> Waveforms {
    let path = dir().join(format!("{name}.cir"));
    let ast = spinspice::netlist::parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let flat = spinspice::elab::elaborate(&ast, &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Circuit::from_flat(&flat).unwrap_or_else(|e| panic!("{e}"));
    let mut runs = c
        .run_all(&mut spinspice::progress::Silent)
        .unwrap_or_else(|e| panic!("{e}"));
    runs.remove(0).0
}

/// The reference CSV: header names and columns.
fn reference(name: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let path = dir().join(format!("{name}.csv"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap_or_default()
        .split(',')
        .map(String::from)
        .collect();
    let mut cols = vec![Vec::new(); header.len()];
    for l in lines {
        for (k, v) in l.split(',').enumerate() {
            cols[k].push(v.parse::<f64>().unwrap_or(f64::NAN));
        }
    }
    (header, cols)
}

fn column<'a>(r: &'a (Vec<String>, Vec<Vec<f64>>), name: &str) -> &'a [f64] {
    let k =
        r.0.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name}"));
    &r.1[k]
}

fn signal<'a>(w: &'a Waveforms, name: &str) -> &'a [f64] {
    &w.get(name)
        .unwrap_or_else(|| panic!("no signal {name}"))
        .values
}

/// Linear interpolation of (t, y) at `tq`.
fn interp(t: &[f64], y: &[f64], tq: f64) -> f64 {
    let k = t.partition_point(|&x| x < tq).clamp(1, t.len() - 1);
    let (t0, t1) = (t[k - 1], t[k]);
    if t1 == t0 {
        return y[k];
    }
    y[k - 1] + (y[k] - y[k - 1]) * (tq - t0) / (t1 - t0)
}

/// Crossings of `th` (rising or falling), linearly interpolated.
fn crossings(t: &[f64], y: &[f64], th: f64, rising: bool) -> Vec<f64> {
    let mut out = Vec::new();
    for k in 1..t.len() {
        let (a, b) = (y[k - 1], y[k]);
        let hit = if rising {
            a < th && b >= th
        } else {
            a > th && b <= th
        };
        if hit {
            out.push(t[k - 1] + (th - a) * (t[k] - t[k - 1]) / (b - a));
        }
    }
    out
}

/// Largest |ours - ngspice| over the reference points.
fn max_diff(w: &Waveforms, r: &(Vec<String>, Vec<Vec<f64>>), name: &str) -> f64 {
    let (t, y) = (&w.scale.values, signal(w, name));
    let (tr, yr) = (&r.1[0], column(r, name));
    tr.iter()
        .zip(yr)
        .map(|(&tq, &v)| (interp(t, y, tq) - v).abs())
        .fold(0.0, f64::max)
}

fn assert_times(ours: &[f64], theirs: &[f64], rel: f64, what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}: {ours:?} vs {theirs:?}");
    let worst = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| ((a - b) / b).abs())
        .fold(0.0, f64::max);
    eprintln!(
        "{what}: {} events, worst relative difference {worst:.2e}",
        ours.len()
    );
    for (a, b) in ours.iter().zip(theirs) {
        assert!(
            (a - b).abs() <= rel * b.abs(),
            "{what}: {a:e} vs ngspice {b:e}"
        );
    }
}

#[test]
fn diode_half_wave_rectifier() {
    let w = simulate("rectifier");
    let r = reference("rectifier");
    // The output peaks at ~4.2 V; 0.12 % of that (5 mV) bounds the waveform difference: both
    // tools integrate with their own step control at reltol 1e-3, and the sharp diode turn-on
    // shifts the charging edges by a fraction of a step (observed: 0.4 mV).
    let d = max_diff(&w, &r, "v(out)");
    eprintln!("rectifier: max |dv(out)| = {d:.3e} V");
    assert!(d < 5e-3, "max |dv(out)| = {d}");
}

#[test]
fn cmos_inverter_switching_threshold() {
    let w = simulate("inverter_dc");
    let r = reference("inverter_dc");
    let vm = |x: &[f64], y: &[f64]| {
        let d: Vec<f64> = y.iter().zip(x).map(|(y, x)| y - x).collect();
        crossings(x, &d, 0.0, false)
    };
    let ours = vm(&w.scale.values, signal(&w, "v(out)"));
    let theirs = vm(&r.1[0], column(&r, "v(out)"));
    assert_eq!(ours.len(), 1);
    eprintln!(
        "inverter VM: {:.6} V vs ngspice {:.6} V",
        ours[0], theirs[0]
    );
    // The requirement: switching threshold within 1 mV.
    assert!(
        (ours[0] - theirs[0]).abs() < 1e-3,
        "{} vs {}",
        ours[0],
        theirs[0]
    );
}

#[test]
fn inverter_chain_stage_delays() {
    let w = simulate("inverter_chain");
    let r = reference("inverter_chain");
    let nodes = ["v(in)", "v(n1)", "v(n2)", "v(n3)", "v(n4)", "v(n5)"];
    // 50 % crossings of each stage's first two edges; stage delay = difference to the
    // previous stage's edge of the opposite direction.
    let edges = |t: &[f64], ys: Vec<&[f64]>| -> Vec<Vec<f64>> {
        ys.iter()
            .enumerate()
            .map(|(k, y)| {
                let first = k % 2 == 0;
                let mut e = crossings(t, y, 0.9, first);
                e.extend(crossings(t, y, 0.9, !first));
                e.sort_by(f64::total_cmp);
                e.truncate(2);
                e
            })
            .collect()
    };
    let ours = edges(
        &w.scale.values,
        nodes.iter().map(|n| signal(&w, n)).collect(),
    );
    let theirs = edges(&r.1[0], nodes.iter().map(|n| column(&r, n)).collect());
    for k in 1..nodes.len() {
        for e in 0..2 {
            let a = ours[k][e] - ours[k - 1][e];
            let b = theirs[k][e] - theirs[k - 1][e];
            eprintln!(
                "stage {k} edge {e}: {a:.4e} s vs ngspice {b:.4e} s ({:+.2e})",
                a / b - 1.0
            );
            // The requirement: stage delays within 1 %.
            assert!(
                (a - b).abs() <= 0.01 * b,
                "stage {k} edge {e}: {a:e} vs ngspice {b:e}"
            );
        }
    }
}

#[test]
fn five_transistor_comparator_switching_time() {
    let w = simulate("diffcomp");
    let r = reference("diffcomp");
    let ours = crossings(&w.scale.values, signal(&w, "v(out)"), 0.9, true);
    let theirs = crossings(&r.1[0], column(&r, "v(out)"), 0.9, true);
    // The requirement: switching time within 1 %.
    assert_times(&ours, &theirs, 0.01, "comparator output");
}

#[test]
fn switch_with_hysteresis() {
    let w = simulate("switch_hys");
    let r = reference("switch_hys");
    for rising in [false, true] {
        let ours = crossings(&w.scale.values, signal(&w, "v(out)"), 0.5, rising);
        let theirs = crossings(&r.1[0], column(&r, "v(out)"), 0.5, rising);
        // Switching instants within 1 % (of the time since the start).
        assert_times(&ours, &theirs, 0.01, "switch output");
    }
}

#[test]
fn behavioural_sources() {
    let w = simulate("bsource");
    let r = reference("bsource");
    // Smooth waveforms of ~1-3 V: 5 mV (a few tenths of a percent) bounds the difference of
    // two reltol-1e-3 integrations.
    for n in ["v(a)", "v(b)", "v(c)"] {
        let d = max_diff(&w, &r, n);
        eprintln!("bsource {n}: max diff {d:.3e} V");
        assert!(d < 5e-3, "{n}: max diff {d}");
    }
}

#[test]
fn neuron_skeleton_spike_times() {
    let w = simulate("neuron");
    let r = reference("neuron");
    let ours = crossings(&w.scale.values, signal(&w, "v(spike)"), 0.9, true);
    let theirs = crossings(&r.1[0], column(&r, "v(spike)"), 0.9, true);
    assert!(theirs.len() >= 5);
    // The requirement: spike times over 100 ns within 1 % of ngspice.
    assert_times(&ours, &theirs, 0.01, "spikes");
}

#[test]
fn example_neuron_with_behavioural_comparator_spikes() {
    // netlists/neuron_skeleton.cir: the neuron of neuron.cir with the A-element comparator
    // (same tanh edge, the feedback hysteresis 0.1 V/V * 1.8 V = 0.18 V as vhys, the 1 kOhm /
    // 1 pF output stage as a first-order 1 ns edge). ngspice has no such element, so the
    // reference is ngspice's run of the B-source twin. They are not identical: the twin's
    // threshold moves continuously with its output, so it releases the reset earlier on the
    // way down (shallower reset, shorter interval); the A comparator holds the full 0.18 V
    // until it flips. Checked: the first spike (before any reset) within 3 %, and the
    // inter-spike interval within 20 % of the twin's (observed: +2 %, +15 %).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("netlists/neuron_skeleton.cir");
    let ast = spinspice::netlist::parse_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let flat = spinspice::elab::elaborate(&ast, &[]).unwrap_or_else(|e| panic!("{e}"));
    let mut c = Circuit::from_flat(&flat).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.spike_signals(), vec![("v(spike)".to_string(), 0.9)]);
    let w = c
        .run_all(&mut spinspice::progress::Silent)
        .unwrap_or_else(|e| panic!("{e}"))
        .remove(0)
        .0;
    let ours = crossings(&w.scale.values, signal(&w, "v(spike)"), 0.9, true);
    let r = reference("neuron");
    let theirs = crossings(&r.1[0], column(&r, "v(spike)"), 0.9, true);
    // The example runs 200 ns, the reference 100 ns: compare the first 100 ns.
    let ours: Vec<f64> = ours.into_iter().filter(|&t| t <= 100e-9).collect();
    assert!(ours.len() >= 5, "{ours:?}");
    assert!(
        (ours[0] - theirs[0]).abs() < 0.03 * theirs[0],
        "{ours:?} vs {theirs:?}"
    );
    let mean = |v: &[f64]| (v[v.len() - 1] - v[0]) / (v.len() - 1) as f64;
    let (a, b) = (mean(&ours), mean(&theirs));
    eprintln!("A-comparator neuron: interval {a:.4e} s vs B twin (ngspice) {b:.4e} s");
    assert!((a - b).abs() < 0.2 * b, "{a:e} vs {b:e}");
}

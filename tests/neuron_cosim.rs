//! The spintronic LIF neuron circuits end to end: netlist → elab → circuit (with the
//! racetrack device) → waveforms, with the behaviour the paper reports asserted on the
//! simulated waveforms, and insta snapshots of the spike trains and key waveforms.
//!
//! The default runs use `state=compact` (the netlists' text with the state word swapped),
//! which takes well under a second; the micromagnetic runs are `#[ignore]`d (about 15 s in
//! release, minutes in a debug build on 2 shared cores).

use spinspice::circuit::Circuit;
use spinspice::progress::Silent;
use spinspice::wave::crossings as rising_crossings;
use spinspice::wave::snapshot::{snapshot, SnapshotSpec};
use spinspice::wave::Waveforms;

fn run(file: &str, state: &str, overrides: &[(&str, f64)]) -> Waveforms {
    run_with(file, state, overrides, "")
}

/// Run with `extra` appended to the racetrack card's first line.
fn run_with(file: &str, state: &str, overrides: &[(&str, f64)], extra: &str) -> Waveforms {
    let text = std::fs::read_to_string(file).unwrap();
    let text = text.replace("(soliton=", &format!("({extra} soliton="));
    // With `dtmax` in `extra`, print coarsely so that the engine's own maximum step
    // (tstep) does not hide the device's bound.
    let text = if extra.contains("dtmax") {
        text.replace(".tran 10p", ".tran 1n")
    } else {
        text
    };
    let text = text
        .replace("state=micromagnetic", &format!("state={state}"))
        .replace("state=compact", &format!("state={state}"));
    let ast = spinspice::netlist::parse_str(&text, file).unwrap();
    let ov: Vec<(String, f64)> = overrides.iter().map(|(n, v)| (n.to_string(), *v)).collect();
    let flat = spinspice::elab::elaborate(&ast, &ov).unwrap();
    let mut c = Circuit::from_flat(&flat).unwrap();
    c.run_all(&mut Silent).unwrap().remove(0).0
}

fn sig<'a>(w: &'a Waveforms, n: &str) -> &'a [f64] {
    &w.get(n).unwrap_or_else(|| panic!("no {n}")).values
}

fn spikes(w: &Waveforms) -> Vec<f64> {
    rising_crossings(&w.scale.values, sig(w, "v(spike)"), 0.9)
}

/// Value of `name` at time `t` (linear interpolation).
fn at(w: &Waveforms, name: &str, t: f64) -> f64 {
    let ts = &w.scale.values;
    let v = sig(w, name);
    let k = ts.partition_point(|x| *x < t).clamp(1, ts.len() - 1);
    let f = (t - ts[k - 1]) / (ts[k] - ts[k - 1]);
    v[k - 1] + f * (v[k] - v[k - 1])
}

const DW: &str = "netlists/dw_lif_neuron.cir";
const SK: &str = "netlists/sk_lif_neuron.cir";

// The paper's DW neuron behaviour, on the compact state model.
#[test]
fn dw_neuron_integrates_leaks_fires_resets() {
    let w = run(DW, "compact", &[]);
    let s = spikes(&w);
    assert!(s.len() >= 2, "spikes {s:?}");
    // Integration during ON pulses (pulse k: [2k, 2k+1] ns): the wall advances.
    let x = |t: f64| at(&w, "x(n1)", t);
    for k in 0..5 {
        let t0 = 2e-9 * k as f64;
        assert!(x(t0 + 1.0e-9) - x(t0 + 0.02e-9) > 5e-9, "pulse {k}");
        // Leak between pulses: it drifts back (a few 0.1 nm at x - x0 ~ 10-40 nm, tau ~ 38 ns).
        assert!(x(t0 + 2.0e-9) < x(t0 + 1.02e-9), "gap {k}");
    }
    // Firing when V_out crosses the comparator's upper threshold (107.9 mV): the first
    // spike (comparator output at half swing, 0.9 V) follows the V_out crossing within the
    // comparator's 100 ps rise time.
    let vx = rising_crossings(&w.scale.values, sig(&w, "v(out)"), 0.1079)[0];
    assert!(
        s[0] >= vx && s[0] - vx < 0.2e-9,
        "V_out crossing {vx:e}, spike {:e}",
        s[0]
    );
    // Reset: the reverse current brings the wall back near rest (x0 = 104 nm; the
    // comparator releases at R = 270 ohm, x = 107 nm) within 6 ns of the spike; 5 nm
    // allows for the comparator's fall time and the switch threshold.
    let back = (0..60)
        .map(|k| x(s[0] + k as f64 * 0.1e-9))
        .fold(f64::MAX, f64::min);
    assert!((back - 104e-9).abs() < 5e-9, "after reset x = {back:e}");
    // MTJ resistance within R_P..R_AP, swinging over most of it (paper: 250 to 590 ohm).
    let r = sig(&w, "r(n1)");
    let (lo, hi) = r
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    assert!(lo >= 200.0 && hi <= 600.0, "{lo}..{hi}");
    assert!(lo < 260.0 && hi > 550.0, "{lo}..{hi}");
}

// A higher input frequency reaches threshold sooner (paper: ~16 ns at 500 MHz, ~27 ns at
// 333 MHz). The compact card is fitted to the micromagnetic preset, whose wall is a little
// slower than the paper's: accept 20 % on the magnitudes, require the ordering and that
// the ratio t(333)/t(500) exceeds 1.4 (paper 1.69).
#[test]
fn dw_higher_frequency_fires_sooner() {
    let t500 = spikes(&run(DW, "compact", &[]))[0];
    let t333 = spikes(&run(DW, "compact", &[("fin", 333e6)]))[0];
    eprintln!("first spike: 500 MHz {t500:.4e} s, 333 MHz {t333:.4e} s");
    assert!(t500 < t333);
    assert!(t333 / t500 > 1.4);
    assert!((t500 / 16e-9 - 1.0).abs() < 0.3 && (t333 / 27e-9 - 1.0).abs() < 0.4);
}

fn spec(tstop: f64, n: usize) -> SnapshotSpec {
    SnapshotSpec {
        grid: Some((0.0, tstop, n)),
        signals: vec![
            "x(n1)".into(),
            "r(n1)".into(),
            "v(out)".into(),
            "v(spike)".into(),
        ],
        digits: 3,
        events: vec![("v(spike)".into(), 0.9)],
    }
}

#[test]
fn dw_neuron_snapshot() {
    let w = run(DW, "compact", &[]);
    insta::assert_snapshot!(
        "dw_lif_neuron_compact",
        snapshot(&w, &spec(60e-9, 31)).unwrap()
    );
}

// The skyrmion neuron with the paper's Eq. (15) constants: fast enough to reach x_th within
// each 1 ns pulse, so it fires during every input pulse; R stays within the Eq. (7) range.
#[test]
fn sk_neuron_fires_every_pulse() {
    let w = run(SK, "compact", &[]);
    let s = spikes(&w);
    for k in 0..10 {
        let t0 = 2e-9 * k as f64;
        assert!(
            s.iter().any(|t| *t > t0 && *t < t0 + 1.1e-9),
            "pulse {k}: {s:?}"
        );
    }
    let r = sig(&w, "r(n1)");
    assert!(
        r.iter().all(|v| *v >= 200.0 - 1e-9 && *v <= 219.9),
        "Eq. (7) range"
    );
    insta::assert_snapshot!(
        "sk_lif_neuron_compact",
        snapshot(&w, &spec(30e-9, 31)).unwrap()
    );
}

/// First-spike times (None: no spike) of the DW neuron at each frequency of the paper, the
/// runs in parallel (two at a time: CI has two cores).
fn first_spikes(state: &str, freqs: &[f64]) -> Vec<(Option<f64>, Waveforms)> {
    let mut out: Vec<Option<(Option<f64>, Waveforms)>> = freqs.iter().map(|_| None).collect();
    for (chunk, slots) in freqs.chunks(2).zip(out.chunks_mut(2)) {
        std::thread::scope(|sc| {
            let hs: Vec<_> = chunk
                .iter()
                .map(|f| sc.spawn(move || run(DW, state, &[("fin", *f)])))
                .collect();
            for (h, slot) in hs.into_iter().zip(slots.iter_mut()) {
                let w = h.join().unwrap();
                *slot = Some((spikes(&w).first().copied(), w));
            }
        });
    }
    out.into_iter().map(|o| o.unwrap()).collect()
}

/// Integration during ON (`[t0, t0 + 1 ns]`) and relaxation during OFF for the first
/// `n` periods of `period` before `until`.
fn assert_integrates_and_leaks(w: &Waveforms, period: f64, until: f64, min_step: f64) {
    let x = |t: f64| at(w, "x(n1)", t);
    let mut k = 0;
    while (k + 1) as f64 * period < until {
        let t0 = period * k as f64;
        let on = x(t0 + 1.0e-9) - x(t0 + 0.02e-9);
        assert!(on > min_step, "pulse at {t0:e}: moved {on:e}");
        let off = x(t0 + period) - x(t0 + 1.2e-9);
        assert!(off < 0.0, "gap after {t0:e}: moved {off:e}");
        k += 1;
    }
}

// The micromagnetic DW neuron at the paper's four input frequencies (Sec. II A: 1 ns ON at
// 500, 400, 333 and 250 MHz).
#[test]
#[ignore = "micromagnetic, 4 runs: ~1 min release, several minutes in debug"]
fn dw_micromagnetic_frequencies() {
    let freqs = [500e6, 400e6, 333e6, 250e6];
    let runs = first_spikes("micromagnetic", &freqs);
    for (f, (t, w)) in freqs.iter().zip(&runs) {
        let r = sig(w, "r(n1)");
        let hi = r.iter().cloned().fold(f64::MIN, f64::max);
        eprintln!("{:.0} MHz: first spike {t:?}, R max {hi:.1}", f / 1e6);
    }
    // Measured (dev build): 14.98, 20.61, 25.01, 40.80 ns. Every frequency fires (at 250 MHz
    // the leak slows it but does not win within 60 ns); higher frequency fires sooner; the
    // paper's 16 and 27 ns at 500 and 333 MHz within 15 % (the paper's 256 x 64 x n mesh
    // with demag against this 1D inline preset), and the ratio t(333)/t(500) above 1.4
    // (paper 1.69, measured 1.67).
    let t: Vec<f64> = runs
        .iter()
        .map(|(t, _)| t.expect("every frequency fires"))
        .collect();
    assert!(t[0] < t[1] && t[1] < t[2] && t[2] < t[3], "{t:?}");
    assert!((t[0] / 16e-9 - 1.0).abs() < 0.15, "{t:?}");
    assert!((t[2] / 27e-9 - 1.0).abs() < 0.15, "{t:?}");
    assert!(t[2] / t[0] > 1.4, "{t:?}");
    // Integration during ON, relaxation between pulses before the first spike, R within
    // R_P..R_AP (paper: 250 to 590 ohm) and reaching the 560 ohm threshold.
    for (f, (t1, w)) in freqs.iter().zip(&runs) {
        assert_integrates_and_leaks(w, 1.0 / f, t1.unwrap() - 2e-9, 3e-9);
        let r = sig(w, "r(n1)");
        let (lo, hi) = r
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        assert!(
            lo >= 200.0 && hi <= 600.0 && lo < 260.0 && hi > 559.0,
            "{lo}..{hi}"
        );
        // Reset after the spike: back within 6 nm of rest within 8 ns.
        let back = (0..80)
            .map(|k| at(w, "x(n1)", t1.unwrap() + k as f64 * 0.1e-9))
            .fold(f64::MAX, f64::min);
        assert!(
            (back - 104e-9).abs() < 6e-9,
            "{} MHz: back to {back:e}",
            f / 1e6
        );
    }
}

// Micromagnetic and compact variants agree on first-spike times at 500 and 333 MHz within
// 12 %. The compact mu and tau are read off the micromagnetic run's gain per period (7.4 nm
// at rest falling to 5.4 nm 39 nm out: tau ~ 39 ns); the linear ODE lacks the wall's
// inertia (it coasts ~1 nm after each pulse, then the internal angle relaxes) and the well's
// non-linear wall-width change, which shift the threshold crossing by up to one 2-3 ns
// period out of 15-27 ns. Measured: 14.98 vs 16.3 ns (500 MHz), 25.01 vs 27.5 ns (333 MHz).
#[test]
#[ignore = "micromagnetic, 2 runs (+2 compact): ~30 s release, minutes in debug"]
fn micromagnetic_and_compact_agree() {
    let freqs = [500e6, 333e6];
    let mm = first_spikes("micromagnetic", &freqs);
    let cp = first_spikes("compact", &freqs);
    for ((f, (a, _)), (b, _)) in freqs.iter().zip(&mm).zip(&cp) {
        let (a, b) = (a.unwrap(), b.unwrap());
        eprintln!("{:.0} MHz: micromagnetic {a:e}, compact {b:e}", f / 1e6);
        assert!((a - b).abs() < 0.12 * a, "{a:e} vs {b:e}");
    }
    insta::assert_snapshot!(
        "dw_lif_neuron_micromagnetic",
        snapshot(&mm[0].1, &spec(60e-9, 31)).unwrap()
    );
}

// Coupling convergence in the full circuit: halving the device's step bounds moves the
// first spike by less than 1 %. Later spikes are allowed one input period (2 ns): with this
// card the wall's peak at the end of the 18th pulse sits within a hair of the threshold,
// so the second spike lands at the end of that pulse (35.0 ns) or early in the next
// (36.4 ns) depending on sub-0.1 % differences (measured: first spikes 16.51 vs 16.42 ns). With `.tran 10p` the engine's 10 ps maximum step hides the
// device bound, so this runs `.tran 1n` from loose bounds (8 ohm, 4 nm, dtmax 100 ps)
// where the device bound sets the step (the halved run takes more points).
#[test]
fn dw_spike_times_converge_with_the_coupling_bound() {
    let wa = run_with(DW, "compact", &[], "drmax=8 dxmax=4n dtmax=100p");
    let wb = run_with(DW, "compact", &[], "drmax=4 dxmax=2n dtmax=50p");
    let (a, b) = (spikes(&wa), spikes(&wb));
    eprintln!(
        "bound halved: {a:?} ({} points) vs {b:?} ({} points)",
        wa.len(),
        wb.len()
    );
    assert!(wb.len() > wa.len());
    assert_eq!(a.len(), b.len());
    assert!(
        (a[0] - b[0]).abs() < 0.01 * b[0],
        "{:e} vs {:e}",
        a[0],
        b[0]
    );
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 2e-9, "{x:e} vs {y:e}");
    }
}

/// The paper's Fig. 9 on `netlists/lif_frequency_sweep.cir` (compact DW neuron, 500 MHz
/// pulses, 200 ns): below a threshold current density the leak holds the wall under the
/// MTJ threshold and nothing fires; above it the spike frequency rises with the current
/// density.
#[test]
fn frequency_rises_with_current_density() {
    let count = |jin: f64| {
        spikes(&run(
            "netlists/lif_frequency_sweep.cir",
            "compact",
            &[("jin", jin)],
        ))
        .len()
    };
    let n: Vec<usize> = [0.3e11, 0.6e11, 1e11, 2e11, 3e11]
        .iter()
        .map(|&j| count(j))
        .collect();
    assert_eq!(n[0], 0, "0.3e11 A/m^2 must stay below threshold: {n:?}");
    assert!(n[1] > 0, "0.6e11 A/m^2 must fire: {n:?}");
    assert!(
        n.windows(2).skip(1).all(|w| w[1] > w[0]),
        "spike count must rise with current density: {n:?}"
    );
}

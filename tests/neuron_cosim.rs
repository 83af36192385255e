//! The spintronic LIF neuron circuits end to end: netlist → elab → circuit (with the
//! racetrack device) → waveforms, with the behaviour the paper reports asserted on the
//! simulated waveforms, and insta snapshots of the spike trains and key waveforms.
//!
//! The default runs use `state=compact` (the netlists' text with the state word swapped),
//! which takes well under a second; the micromagnetic runs are `#[ignore]`d (about 15 s in
//! release, minutes in a debug build on 2 shared cores).

use spinspice::circuit::cli::rising_crossings;
use spinspice::circuit::Circuit;
use spinspice::progress::Silent;
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
    // Reset: the reverse current brings the wall back near rest (x0 = 168 nm; the
    // comparator releases at R = 270 ohm, x = 171 nm) within 6 ns of the spike; 5 nm
    // allows for the comparator's fall time and the switch threshold.
    let back = (0..60)
        .map(|k| x(s[0] + k as f64 * 0.1e-9))
        .fold(f64::MAX, f64::min);
    assert!((back - 168e-9).abs() < 5e-9, "after reset x = {back:e}");
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

// Micromagnetic and compact variants agree on spike times. The compact mu and tau are a
// least-squares fit to the micromagnetic x(n1) trace (500 MHz, before the first spike),
// whose increments the linear ODE explains to 34 % rms (the wall's internal angle and the
// discrete 2 nm readout add fast wiggles the ODE lacks); the spike times then agree to 10 %.
#[test]
#[ignore = "micromagnetic: ~15 s release, minutes in debug"]
fn micromagnetic_and_compact_agree() {
    let mm = spikes(&run(DW, "micromagnetic", &[]));
    let cp = spikes(&run(DW, "compact", &[]));
    eprintln!("mm {mm:?}\ncompact {cp:?}");
    assert_eq!(mm.len(), cp.len());
    for (a, b) in mm.iter().zip(&cp) {
        assert!((a - b).abs() < 0.1 * a, "{a:e} vs {b:e}");
    }
    insta::assert_snapshot!(
        "dw_lif_neuron_micromagnetic",
        snapshot(&run(DW, "micromagnetic", &[]), &spec(60e-9, 31)).unwrap()
    );
}

// Coupling convergence in the full circuit: halving the device's step bounds moves every
// spike by less than 1 %. With `.tran 10p` the engine's 10 ps maximum step hides the
// device bound, so this runs `.tran 1n` from loose bounds (16 ohm, 8 nm, dtmax 200 ps)
// where the device bound sets the step (the halved run takes more points).
#[test]
fn dw_spike_times_converge_with_the_coupling_bound() {
    let wa = run_with(DW, "compact", &[], "drmax=16 dxmax=8n dtmax=200p");
    let wb = run_with(DW, "compact", &[], "drmax=8 dxmax=4n dtmax=100p");
    let (a, b) = (spikes(&wa), spikes(&wb));
    eprintln!(
        "bound halved: {a:?} ({} points) vs {b:?} ({} points)",
        wa.len(),
        wb.len()
    );
    assert!(wb.len() > wa.len());
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 0.01 * y, "{x:e} vs {y:e}");
    }
}

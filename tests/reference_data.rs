//! Checks of the ngspice reference data against closed-form results, and of the
//! comparison helper in `common` — so that a failure in `ngspice_linear.rs` can be
//! trusted to be spinspice's.

mod common;

use spinspice::wave::{crossings_both, Signal, Waveforms};

/// rc_pulse.cir: R = 1k, C = 1p (tau = 1 ns), input ramps 0 → 1 V from td = 1 ns over
/// tr = 0.1 ns and stays at 1 V until 5.1 ns. After the ramp the exact response is
/// v(t) = 1 - (tau/tr)(e^{tr/tau} - 1) e^{-(t - td)/tau}.
#[test]
fn rc_reference_matches_the_analytic_response() {
    let w = common::load_reference("rc_pulse");
    let v = &w.get("v(out)").unwrap().values;
    let (tau, td, tr) = (1e-9, 1e-9, 0.1e-9);
    let mut worst: f64 = 0.0;
    let mut n = 0;
    for (k, &t) in w.scale.values.iter().enumerate() {
        if (td + tr..=5.1e-9).contains(&t) {
            let exact = 1.0 - (tau / tr) * ((tr / tau).exp() - 1.0) * (-(t - td) / tau).exp();
            worst = worst.max((v[k] - exact).abs());
            n += 1;
        }
    }
    assert!(n > 500, "only {n} points on the plateau");
    // Trapezoidal global error ~ (h/tau)^2 / 12 = (5 ps / 1 ns)^2 / 12 ≈ 2e-6 of the 1 V
    // swing; 1e-5 leaves room for ngspice's step control.
    assert!(
        worst < 1e-5,
        "ngspice RC reference off the analytic curve by {worst:e} V"
    );
}

/// rlc_series.cir: R = 10, L = 10 nH, C = 10 pF. After the step v(out) rings around 1 V
/// with the damped angular frequency w_d = sqrt(1/(LC) - (R/2L)^2); successive crossings
/// of 1 V are pi / w_d apart.
#[test]
fn rlc_reference_rings_at_the_damped_frequency() {
    let w = common::load_reference("rlc_series");
    let v = &w.get("v(out)").unwrap().values;
    let (r, l, c): (f64, f64, f64) = (10.0, 10e-9, 10e-12);
    let wd = (1.0 / (l * c) - (r / (2.0 * l)).powi(2)).sqrt();
    let half = std::f64::consts::PI / wd;
    let x = crossings_both(&w.scale.values, v, 1.0);
    assert!(x.len() >= 8, "only {} crossings", x.len());
    for pair in x.windows(2) {
        let d = pair[1] - pair[0];
        // Trapezoidal phase error ~ (w h)^2 / 12 ≈ 2e-5 with h = 5 ps; linear interpolation
        // of each crossing adds < 1e-5 of the half period at 200 samples per half period.
        assert!(
            ((d - half) / half).abs() < 1e-4,
            "half period {d:e} s vs analytic {half:e} s"
        );
    }
}

/// op_multi.cir solved by hand: nodes a = 5 V and c = -3 V are fixed; KCL at b and d
/// gives a 2x2 linear system.
#[test]
fn op_reference_matches_nodal_analysis() {
    let w = common::load_reference("op_multi");
    let (r1, r2, r3, r4, r5, r6) = (1e3, 2.2e3, 4.7e3, 10e3, 3.3e3, 6.8e3);
    let (va, vc, i1, i2) = (5.0, -3.0, 2e-3, 1e-3);
    // b: (b-a)/r1 + (b-c)/r2 + (b-d)/r3 = i1        (i1 flows from ground into b)
    // d: (d-b)/r3 + d/r4 + (d-a)/r5 + (d-c)/r6 = -i2 (i2 flows out of d to ground)
    let (a11, a12, b1) = (
        1.0 / r1 + 1.0 / r2 + 1.0 / r3,
        -1.0 / r3,
        i1 + va / r1 + vc / r2,
    );
    let (a21, a22, b2) = (
        -1.0 / r3,
        1.0 / r3 + 1.0 / r4 + 1.0 / r5 + 1.0 / r6,
        -i2 + va / r5 + vc / r6,
    );
    let det = a11 * a22 - a12 * a21;
    let vb = (b1 * a22 - a12 * b2) / det;
    let vd = (a11 * b2 - a21 * b1) / det;
    // ngspice prints 16 significant digits; its LU solution is exact to ~1e-15.
    let got_b = w.get("v(b)").unwrap().values[0];
    let got_d = w.get("v(d)").unwrap().values[0];
    assert!((got_b - vb).abs() < 1e-12, "v(b) {got_b} vs {vb}");
    assert!((got_d - vd).abs() < 1e-12, "v(d) {got_d} vs {vd}");
    // i(v1): current into v1's + terminal = -(current a → b and a → d).
    let iv1 = -((va - vb) / r1 + (va - vd) / r5);
    let got = w.get("i(v1)").unwrap().values[0];
    assert!((got - iv1).abs() < 1e-15, "i(v1) {got} vs {iv1}");
}

/// The comparison helper: a waveform equals itself; a 0.2 % bump on one signal is found,
/// located and reported by name; missing signals are named.
#[test]
fn comparison_helper_finds_and_locates_errors() {
    let r = common::load_reference("rc_pulse");
    let errs = common::compare(&r, &r).unwrap();
    assert!(errs.iter().all(|e| e.max_abs == 0.0));
    assert_eq!(errs.len(), r.signals.len());

    // Ours on a coarser, different grid (every 3rd point) still interpolates closely:
    // the RC curve's curvature over 15 ps gives < 1e-4 of the swing.
    let pick = |s: &Signal| Signal {
        values: s.values.iter().step_by(3).copied().collect(),
        ..s.clone()
    };
    let mut coarse = Waveforms {
        scale: pick(&r.scale),
        signals: r.signals.iter().map(pick).collect(),
        ..r.clone()
    };
    // Keep the last point so that the range is covered.
    let last = r.len() - 1;
    if last % 3 != 0 {
        coarse.scale.values.push(r.scale.values[last]);
        for (s, o) in coarse.signals.iter_mut().zip(&r.signals) {
            s.values.push(o.values[last]);
        }
    }
    let errs = common::compare(&coarse, &r).unwrap();
    let v = errs.iter().find(|e| e.name == "v(out)").unwrap();
    assert!(v.rel < 1e-3, "{v}");

    let swing = common::compare(&r, &r)
        .unwrap()
        .into_iter()
        .find(|e| e.name == "v(out)")
        .unwrap()
        .swing;
    let mut bumped = r.clone();
    let k = 1000;
    let out = bumped
        .signals
        .iter_mut()
        .find(|s| s.name == "v(out)")
        .unwrap();
    out.values[k] += 0.002 * swing;
    let errs = common::compare(&bumped, &r).unwrap();
    let v = errs.iter().find(|e| e.name == "v(out)").unwrap();
    assert!((v.rel - 0.002).abs() < 1e-9, "{v}");
    assert_eq!(v.at, r.scale.values[k]);
    let msg = std::panic::catch_unwind(|| common::assert_matches("bumped", &bumped, &r, 1e-3))
        .unwrap_err();
    let msg = msg.downcast_ref::<String>().unwrap();
    assert!(
        msg.contains("v(out): max error") && msg.contains("= 0.2000 % of swing"),
        "{msg}"
    );

    let mut missing = r.clone();
    missing.signals.retain(|s| s.name != "v(out)");
    let e = common::compare(&missing, &r).unwrap_err();
    assert!(e.contains("signals missing from our output: v(out)"), "{e}");
}

//! spinspice against ngspice on the linear reference netlists in tests/reference/ngspice
//! (see the README there), plus closed-form checks of the same runs.
//!
//! Tolerance: 0.1 % of each signal's swing at ngspice's time points (ours interpolated
//! linearly). Both simulators run the transients with reltol = 1e-6 and a maximum step
//! far below the time constants, so each is within ~1e-5 of the exact answer; 0.1 %
//! leaves room for linear interpolation between our points (curvature × h² / 8 ≈ 1e-5 of
//! the swing at the 5 ps steps used) and for different breakpoint handling.

mod common;

use spinspice::wave::crossings_both;

/// 0.1 % of the swing (see the module docs).
const TOL: f64 = 1e-3;

fn check(name: &str) {
    let ours = common::simulate_reference(name);
    let reference = common::load_reference(name);
    common::assert_matches(name, &ours, &reference, TOL);
}

#[test]
fn rc_pulse() {
    check("rc_pulse");
}

#[test]
fn rlc_series() {
    check("rlc_series");
}

#[test]
fn pwl_sin() {
    check("pwl_sin");
}

#[test]
fn subckt_params() {
    check("subckt_params");
}

#[test]
fn rc_mesh20() {
    check("rc_mesh20");
}

#[test]
fn crossbar16() {
    check("crossbar16");
}

#[test]
fn controlled() {
    check("controlled");
}

#[test]
fn dc_nested() {
    check("dc_nested");
}

#[test]
fn op_multi() {
    check("op_multi");
}

/// Our RC response after the input ramp against the closed form
/// v(t) = 1 - (tau/tr)(e^{tr/tau} - 1) e^{-(t - td)/tau} (tau = 1 ns, td = 1 ns, tr = 0.1 ns).
#[test]
fn rc_exponential_is_analytic() {
    let w = common::simulate_reference("rc_pulse");
    let v = &w.get("v(out)").expect("v(out)").values;
    let (tau, td, tr) = (1e-9, 1e-9, 0.1e-9);
    let mut n = 0;
    for (k, &t) in w.scale.values.iter().enumerate() {
        if (td + tr..=5.1e-9).contains(&t) {
            let exact = 1.0 - (tau / tr) * ((tr / tau).exp() - 1.0) * (-(t - td) / tau).exp();
            // Trapezoidal global error ~ (h/tau)^2/12 ≈ 2e-6 at h = 5 ps; 1e-5 V bound.
            assert!(
                (v[k] - exact).abs() < 1e-5,
                "t = {t:e}: {} vs {exact}",
                v[k]
            );
            n += 1;
        }
    }
    assert!(n > 100, "only {n} points on the plateau");
}

/// Our series RLC rings with half period pi / w_d, w_d = sqrt(1/LC - (R/2L)^2).
#[test]
fn lc_period_is_analytic() {
    let w = common::simulate_reference("rlc_series");
    let v = &w.get("v(out)").expect("v(out)").values;
    let (r, l, c): (f64, f64, f64) = (10.0, 10e-9, 10e-12);
    let wd = (1.0 / (l * c) - (r / (2.0 * l)).powi(2)).sqrt();
    let half = std::f64::consts::PI / wd;
    let x = crossings_both(&w.scale.values, v, 1.0);
    assert!(x.len() >= 8, "only {} crossings of 1 V", x.len());
    for p in x.windows(2) {
        // Trapezoidal phase error ~ (w h)^2/12 ≈ 2e-5; crossing interpolation < 1e-5.
        let d = p[1] - p[0];
        assert!(
            ((d - half) / half).abs() < 1e-4,
            "half period {d:e} vs {half:e}"
        );
    }
}

/// Every reference netlist has its ngspice CSV, and it loads with data in it.
#[test]
fn every_reference_has_netlist_and_data() {
    for name in [
        "rc_pulse",
        "rlc_series",
        "pwl_sin",
        "subckt_params",
        "rc_mesh20",
        "crossbar16",
        "controlled",
        "dc_nested",
        "op_multi",
    ] {
        assert!(
            common::ngspice_dir().join(format!("{name}.cir")).exists(),
            "{name}.cir"
        );
        let r = common::load_reference(name);
        assert!(!r.is_empty(), "{name}.csv is empty");
    }
}

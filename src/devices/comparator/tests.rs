use super::*;
use crate::devices::testutil::{inst, TLin, TVsrc, TestCkt};

fn flat() -> Flat {
    Flat {
        nodes: ["0", "inp", "inn", "out"].map(String::from).to_vec(),
        ..Default::default()
    }
}

fn cmp(model: &[(&str, f64)]) -> Box<dyn Device> {
    Comparator::boxed(
        &inst("a1", &[1, 2, 3], Some(("comparator", model)), &[]),
        &flat(),
    )
    .expect("comparator")
}

#[test]
fn transfer_curves() {
    let t = Transfer {
        vth: 0.5,
        vhys: 0.0,
        voh: 1.8,
        vol: 0.0,
        gain: None,
        width: 0.01,
    };
    // At the threshold: mid-rail, slope (voh - vol)/(2 width) = 90 V/V.
    let (y, d) = t.target(0.5, false);
    assert!((y - 0.9).abs() < 1e-15 && (d - 90.0).abs() < 1e-12);
    // One width above: vol + 1.8 (1 + tanh 1)/2 = 0.9 * 1.7615942 = 1.5854347 V.
    let (y, _) = t.target(0.51, false);
    assert!((y - 1.585_434_7).abs() < 1e-7, "{y}");
    let g = Transfer {
        gain: Some(100.0),
        ..t
    };
    // Linear: 0.9 + 100 * 0.005 = 1.4 V; clamped at 1.8 V with zero slope beyond.
    assert!((g.target(0.505, false).0 - 1.4).abs() < 1e-12);
    assert_eq!(g.target(0.6, false), (1.8, 0.0));
}

#[test]
fn spike_signal_is_the_output_at_mid_rail() {
    let c = cmp(&[("voh", 1.8), ("vol", 0.0)]);
    assert_eq!(c.spike_signals(), vec![("v(out)".to_string(), 0.9)]);
}

#[test]
fn hysteresis_switches_at_both_thresholds() {
    // Triangle 0 → 1 → 0 V over 2 µs on inp, inn at 0.5 V; vhys = 0.2, width = 1 mV:
    // up at 0.6 V (+4 mV margin, crossing mid-rail at 0.6 V: t = 0.6 µs), down at 0.4 V
    // (t = 1.6 µs). Output loaded by 1 MOhm, rout = 1 Ohm: rails within 1 µV.
    let c = cmp(&[
        ("vth", 0.0),
        ("vhys", 0.2),
        ("voh", 1.0),
        ("vol", 0.0),
        ("width", 1e-3),
    ]);
    let g = usize::MAX;
    let mut ckt = TestCkt::new(
        3,
        vec![
            TVsrc::boxed("vp", 0, g, &[(0.0, 0.0), (1e-6, 1.0), (2e-6, 0.0)]),
            TVsrc::boxed("vn", 1, g, &[(0.0, 0.5)]),
            TLin::r("rl", 2, g, 1e6),
            c,
        ],
    );
    let pts = ckt.tran(1e-9, 2e-6);
    let first_high = pts
        .iter()
        .find(|p| p.1[2] > 0.5)
        .map(|p| p.0)
        .unwrap_or(-1.0);
    let last_high = pts
        .iter()
        .rev()
        .find(|p| p.1[2] > 0.5)
        .map(|p| p.0)
        .unwrap_or(-1.0);
    // Mid-rail crossings within one 1 ns step of 0.6 µs and 1.6 µs.
    assert!((first_high - 0.6e-6).abs() <= 1.01e-9, "{first_high}");
    assert!((last_high - 1.6e-6).abs() <= 1.01e-9, "{last_high}");
    // In the band (inp = 0.5 V at 0.5 µs going up: low; at 1.5 µs going down: high).
    assert!(pts[500].1[2].abs() < 1e-5 && (pts[1500].1[2] - 1.0).abs() < 1e-5);
}

#[test]
fn first_order_rise_matches_the_exponential() {
    // Input steps at t = 0+ (DC op with inp low, then high): y = 1 - exp(-t/tau),
    // tau = tr/ln 9 = 10 ns. Backward Euler at tau/1000 has global error ~h/(2 tau) relative
    // at t = tau: 5e-4, so 1e-3 absolute.
    let c = cmp(&[
        ("vth", 0.0),
        ("voh", 1.0),
        ("vol", 0.0),
        ("tr", 10e-9 * 9f64.ln()),
    ]);
    let g = usize::MAX;
    let mut ckt = TestCkt::new(
        3,
        vec![
            TVsrc::boxed("vp", 0, g, &[(0.0, -1.0), (1e-15, 1.0), (1.0, 1.0)]),
            TVsrc::boxed("vn", 1, g, &[(0.0, 0.0)]),
            TLin::r("rl", 2, g, 1e9),
            c,
        ],
    );
    let pts = ckt.tran(1e-11, 20e-9);
    for (t, x) in pts.iter().step_by(250) {
        let want = 1.0 - (-t / 10e-9).exp();
        assert!((x[2] - want).abs() < 1e-3, "t={t}: {} vs {want}", x[2]);
    }
}

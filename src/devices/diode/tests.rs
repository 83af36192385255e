use super::*;
use crate::devices::nlutil::VT_NOM;
use crate::devices::testutil::{inst, TLin, TVsrc, TestCkt};
use crate::devices::Mode;

fn diode(model: &[(&str, f64)]) -> Diode {
    Diode::build(
        &inst("d1", &[1, 0], Some(("d", model)), &[]),
        &crate::elab::Flat::default(),
    )
    .expect("diode")
}

#[test]
fn forward_current_and_conductance_at_hand_points() {
    let d = diode(&[("is", 1e-14), ("n", 1.0)]);
    // Hand value: Vt = k 300.15 / q = 25.864917 mV; 1e-14 (exp(0.7/Vt) - 1) = 5.6703468 mA,
    // g = 1e-14 exp(0.7/Vt)/Vt = 0.21922927 S (python, double precision).
    let (i, g) = d.model.current(0.7);
    assert!((i - 5.670_346_8e-3).abs() < 1e-9, "{i}");
    assert!((g - 0.219_229_27).abs() < 1e-7, "{g}");
    // Reverse beyond -3 N Vt: -IS (1 + (3 Vt/(e Vd))^3) at -1 V = -9.9997674e-15 A.
    let (i, _) = d.model.current(-1.0);
    assert!((i + 9.999_767_4e-15).abs() < 1e-21, "{i}");
}

#[test]
fn breakdown_current_matches_ibv_at_bv() {
    let d = diode(&[("is", 1e-14), ("bv", 5.0), ("ibv", 1e-3)]);
    // The adjusted breakdown voltage makes I(-BV) = -IBV to ngspice's tolerance (reltol
    // 1e-3 in its iteration), so within 0.5 %.
    let (i, _) = d.model.current(-5.0);
    assert!((i + 1e-3).abs() < 5e-6, "{i}");
    // Ten Vt further into breakdown the current is e^10 larger (pure exponential).
    let (i2, _) = d.model.current(-5.0 - 10.0 * VT_NOM);
    assert!(
        (i2 / i - 10f64.exp()).abs() < 1e-6 * 10f64.exp(),
        "{}",
        i2 / i
    );
}

#[test]
fn depletion_capacitance_at_hand_points() {
    let d = diode(&[("cjo", 1e-12), ("vj", 0.7), ("m", 0.5), ("fc", 0.5)]);
    // C(-0.7) = CJO / sqrt(1 + 0.7/0.7) = 0.70710678 pF.
    let (_, c) = d.model.charge(-0.7, 0.0, 0.0);
    assert!((c - 0.707_106_78e-12).abs() < 1e-20, "{c}");
    // Above FC VJ = 0.35 V the linear extension: C = CJO/(1-FC)^1.5 (1 - FC 1.5 + 0.5 V/VJ);
    // at 0.5 V: 1e-12/0.35355339 (0.25 + 0.35714286) = 1.71725933 pF.
    let (_, c) = d.model.charge(0.5, 0.0, 0.0);
    assert!((c - 1.717_259_33e-12).abs() < 1e-19, "{c}");
    // The charge is continuous at FC VJ.
    let (q1, _) = d.model.charge(0.35 - 1e-9, 0.0, 0.0);
    let (q2, _) = d.model.charge(0.35 + 1e-9, 0.0, 0.0);
    assert!((q1 - q2).abs() < 1e-20);
}

#[test]
fn diode_resistor_operating_point_solves_kcl() {
    // 5 V through 1 kOhm into a diode (IS 1e-14, RS 10 Ohm): the analytic operating point
    // solves (5 - Vd - 10 I)/1000 = I = IS (exp(Vd/Vt) - 1); found here by bisection.
    let d = Diode::boxed(
        &inst(
            "d1",
            &[2, 0],
            Some(("d", &[("is", 1e-14), ("rs", 10.0)])),
            &[],
        ),
        &Default::default(),
    )
    .expect("diode");
    let mut c = TestCkt::new(
        2,
        vec![
            TVsrc::boxed("v1", 0, usize::MAX, &[(0.0, 5.0)]),
            TLin::r("r1", 0, 1, 1000.0),
            d,
        ],
    );
    c.gmin = 0.0;
    assert!(c.solve(Mode::Dc, 0.0, 0.0));
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..200 {
        let vd = 0.5 * (lo + hi);
        let i = 1e-14 * ((vd / VT_NOM).exp() - 1.0);
        if (5.0 - vd - 10.0 * i) / 1000.0 > i {
            lo = vd
        } else {
            hi = vd
        }
    }
    let i = 1e-14 * ((lo / VT_NOM).exp() - 1.0);
    let v_node = lo + 10.0 * i;
    // Newton stops at reltol 1e-3 on currents: node voltage to 1 µV is far inside that.
    assert!((c.x[1] - v_node).abs() < 1e-6, "{} vs {v_node}", c.x[1]);
    assert!(c.iters < 30, "{} iterations", c.iters);
}

#[test]
fn rc_discharge_through_junction_capacitance_is_charge_consistent() {
    // A reverse-biased junction capacitance charged through 1 MOhm from 0 to -2 V: the
    // junction charge at the end equals the integral of the resistor current (backward Euler
    // is exactly charge-conserving step by step), to round-off.
    let d = Diode::boxed(
        &inst(
            "d1",
            &[2, 0],
            Some(("d", &[("cjo", 1e-12), ("vj", 0.7)])),
            &[],
        ),
        &Default::default(),
    )
    .expect("diode");
    let mut c = TestCkt::new(
        2,
        vec![
            TVsrc::boxed(
                "v1",
                0,
                usize::MAX,
                &[(0.0, 0.0), (1e-7, -2.0), (1.0, -2.0)],
            ),
            TLin::r("r1", 0, 1, 1e6),
            d,
        ],
    );
    c.gmin = 0.0;
    let pts = c.tran(1e-8, 5e-6);
    let mut qin = 0.0;
    for w in pts.windows(2) {
        let (_, x) = &w[1];
        qin += (x[0] - x[1]) / 1e6 * 1e-8;
    }
    let vd = pts.last().map(|p| p.1[1]).unwrap_or(0.0);
    let q = 0.7 * 1e-12 * (1.0 - (1.0 - vd / 0.7).sqrt()) / 0.5;
    assert!((qin - q).abs() < 1e-3 * q.abs(), "{qin} vs {q}");
}

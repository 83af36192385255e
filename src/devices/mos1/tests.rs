use super::load::{channel, evaluate};
use super::*;
use crate::devices::testutil::{inst, TVsrc, TestCkt};
use crate::devices::Mode;

const NMOS: &[(&str, f64)] = &[
    ("vto", 0.7),
    ("kp", 1e-4),
    ("gamma", 0.4),
    ("phi", 0.7),
    ("lambda", 0.02),
];
const PMOS: &[(&str, f64)] = &[
    ("vto", -0.8),
    ("kp", 1e-4),
    ("gamma", 0.5),
    ("phi", 0.65),
    ("lambda", 0.05),
];

fn mos(kind: &str, model: &[(&str, f64)]) -> Mos1 {
    Mos1::build(&inst(
        "m1",
        &[1, 2, 3, 4],
        Some((kind, model)),
        &[("w", 2e-6), ("l", 1e-6)],
    ))
    .expect("mos")
}

// Hand values (python, double precision) for beta = KP W/L = 2e-4:
// von = VTO + GAMMA (sqrt(PHI - vbs) - sqrt(PHI)); saturation beta/2 (1 + LAMBDA vds) vgst²;
// linear beta (1 + LAMBDA vds) vds (vgst - vds/2).
#[test]
fn nmos_regions_with_body_effect() {
    let m = mos("nmos", NMOS);
    let p = m.params();
    let (id, ..) = channel(p, 2.0, 3.0, -1.0);
    assert!((id - 1.313_396_752e-4).abs() < 1e-13, "sat {id}");
    let (id, _, _, _, von, _) = channel(p, 2.0, 0.5, -1.0);
    assert!((id - 8.717_590_964e-5).abs() < 1e-13, "lin {id}");
    assert!((von - 0.886_872_181_8).abs() < 1e-9, "von {von}");
    let (id, ..) = channel(p, 0.8, 1.0, -1.0);
    assert_eq!(id, 0.0, "cutoff");
    let (id, ..) = channel(p, 2.0, 3.0, 0.0);
    assert!((id - 1.7914e-4).abs() < 1e-13, "sat vbs=0 {id}");
}

#[test]
fn small_signal_derivatives_match_finite_differences() {
    // The analytic gm, gds, gmbs against central differences of the current itself (step
    // 1 µV: truncation ~1e-12 relative, far below the 1e-6 tolerance).
    let m = mos("nmos", NMOS);
    let p = m.params();
    let h = 1e-6;
    for &(vgs, vds, vbs) in &[(2.0, 3.0, -1.0), (2.0, 0.5, -1.0), (1.5, 0.2, -0.3)] {
        let (_, gm, gds, gmbs, ..) = channel(p, vgs, vds, vbs);
        let d = |a: (f64, f64, f64), b: (f64, f64, f64)| {
            (channel(p, a.0, a.1, a.2).0 - channel(p, b.0, b.1, b.2).0) / (2.0 * h)
        };
        let ngm = d((vgs + h, vds, vbs), (vgs - h, vds, vbs));
        let ngds = d((vgs, vds + h, vbs), (vgs, vds - h, vbs));
        let ngmbs = d((vgs, vds, vbs + h), (vgs, vds, vbs - h));
        for (a, n) in [(gm, ngm), (gds, ngds), (gmbs, ngmbs)] {
            assert!((a - n).abs() <= 1e-6 * n.abs().max(1e-9), "{a} vs {n}");
        }
    }
}

/// Drain current (into the drain) of `m` biased by sources at d, g, b (s grounded unless
/// `vs` is given), through the full stamp and Newton.
fn drain_current(kind: &str, model: &[(&str, f64)], vd: f64, vg: f64, vs: f64, vb: f64) -> f64 {
    let d = Mos1::boxed(
        &inst(
            "m1",
            &[1, 2, 3, 4],
            Some((kind, model)),
            &[("w", 2e-6), ("l", 1e-6)],
        ),
        &Default::default(),
    )
    .expect("mos");
    let g = usize::MAX;
    let mut c = TestCkt::new(
        4,
        vec![
            TVsrc::boxed("vd", 0, g, &[(0.0, vd)]),
            TVsrc::boxed("vg", 1, g, &[(0.0, vg)]),
            TVsrc::boxed("vs", 2, g, &[(0.0, vs)]),
            TVsrc::boxed("vb", 3, g, &[(0.0, vb)]),
            d,
        ],
    );
    c.gmin = 0.0;
    assert!(c.solve(Mode::Dc, 0.0, 0.0), "no convergence");
    // Branch currents follow the nodes: i(vd) is unknown 4, flowing + → − inside the source,
    // so the current into the drain is -i(vd).
    -c.x[4]
}

#[test]
fn nmos_stamps_all_regions_and_swap() {
    // Reverse-biased bulk junctions conduct linearly, IS/Vt * V (ngspice): at most
    // 3.9e-13 S * 4 V = 1.6e-12 A on top of the channel current, so tolerance 5e-12 A.
    let id = drain_current("nmos", NMOS, 3.0, 2.0, 0.0, -1.0);
    assert!((id - 1.313_396_752e-4).abs() < 5e-12, "sat {id}");
    let id = drain_current("nmos", NMOS, 0.5, 2.0, 0.0, -1.0);
    assert!((id - 8.717_590_964e-5).abs() < 5e-12, "lin {id}");
    let id = drain_current("nmos", NMOS, 1.0, 0.8, 0.0, -1.0);
    assert!(id.abs() < 5e-12, "cutoff {id}");
    // Swapped: drain at 0, "source" at 0.5 V, gate 2 V, bulk -1 V: the roles exchange,
    // vgs' = 2.0, vds' = 0.5, vbs' = -1.0 relative to the drain: the linear-case current,
    // flowing out of the drain.
    let id = drain_current("nmos", NMOS, 0.0, 2.0, 0.5, -1.0);
    let (want, ..) = channel(mos("nmos", NMOS).params(), 2.0, 0.5, -1.0);
    assert!((id + want).abs() < 5e-12, "swap {id} vs {want}");
}

#[test]
fn pmos_stamps_saturation_and_linear() {
    // Source 3 V, bulk 3.5 V, gate 0.8 V: normalised vgs 2.2, vbs -0.5; drain 0.5 V → vds
    // 2.5 (saturation), drain 2.7 V → vds 0.3 (linear). Current flows out of the drain.
    // Tolerance 5e-12 A: the bulk junction leakage, as for the NMOS.
    let id = drain_current("pmos", PMOS, 0.5, 0.8, 3.0, 3.5);
    assert!((id + 1.805_729_548e-4).abs() < 5e-12, "sat {id}");
    let id = drain_current("pmos", PMOS, 2.7, 0.8, 3.0, 3.5);
    assert!((id + 6.802_058_772e-5).abs() < 5e-12, "lin {id}");
}

#[test]
fn kp_from_u0_and_tox() {
    // KP = U0 [cm²/Vs] 1e-4 3.9 eps0 / TOX = 400e-4 * 3.9 * 8.854214871e-12 / 10e-9
    // = 1.38125752e-4 A/V²; beta = KP W/L = 2.76251504e-4.
    let m = mos("nmos", &[("vto", 0.5), ("u0", 400.0), ("tox", 10e-9)]);
    assert!((m.params().beta - 2.762_515_04e-4).abs() < 1e-12);
    // Cox W L = 3.9 eps0/TOX W L = 3.45314380e-3 * 2e-12 = 6.9062876e-15 F.
    assert!((m.params().cox - 6.906_287_6e-15).abs() < 1e-22);
}

#[test]
fn unsupported_level_is_a_clear_error() {
    let e = Mos1::build(&inst(
        "m1",
        &[1, 2, 3, 4],
        Some(("nmos", &[("level", 3.0)])),
        &[],
    ))
    .expect_err("level 3");
    assert!(
        e.to_string()
            .contains("MOSFET level 3 is not supported (only level 1)"),
        "{e}"
    );
}

#[test]
fn evaluate_reports_mode() {
    let m = mos("nmos", NMOS);
    assert_eq!(evaluate(m.params(), 2.0, -0.5, -1.0, 0.0).mode, -1.0);
    assert_eq!(evaluate(m.params(), 2.0, 0.5, -1.0, 0.0).mode, 1.0);
}

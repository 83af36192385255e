use super::*;
use crate::devices::param::Given;
use crate::devices::testkit::Kit;
use crate::devices::GROUND;

fn given(pairs: &[(&str, f64)]) -> Vec<Given> {
    pairs
        .iter()
        .map(|(n, v)| Given {
            name: n.to_string(),
            value: *v,
            span: Span::default(),
        })
        .collect()
}

fn model(pairs: &[(&str, f64)]) -> MtjModel {
    MtjModel::from_given(&given(pairs), &Span::default(), "test").unwrap()
}

// Eq. (2) by hand with R_P/R_AP = 200/600 (the paper's values): f = (1 - mz)/2,
// R = 600 f + 200 (1 - f). mz = 0.75 gives 250 ohm and mz = -0.95 gives 590 ohm, the
// paper's Fig. 2(d) swing. Exact arithmetic: tolerance is rounding only.
#[test]
fn eq2_hand_values() {
    let m = model(&[]);
    for (mz, r) in [
        (1.0, 200.0),
        (-1.0, 600.0),
        (0.0, 400.0),
        (0.75, 250.0),
        (-0.95, 590.0),
    ] {
        assert!((m.resistance_mz(mz, 0.0).0 - r).abs() < 1e-9, "mz={mz}");
    }
    // Reference layer along -z swaps the states.
    let m = model(&[("mp", -1.0)]);
    assert!((m.resistance_mz(1.0, 0.0).0 - 600.0).abs() < 1e-9);
    // TMR = 200 % is the same card as rap = 600.
    let m = model(&[("rp", 200.0), ("tmr", 2.0)]);
    assert!((m.rap - 600.0).abs() < 1e-9);
}

// TMR(V) = TMR0/(1 + (V/V_half)^2): at V = V_half the TMR halves, so with TMR0 = 2,
// R_AP(V_half) = 200 (1 + 1) = 400 ohm; dR/dV = R_P TMR0 (-2u/V_h)/(1+u^2)^2 at u = 1:
// 200 * 2 * (-4)/4 = -400 ohm/V.
#[test]
fn bias_dependence_hand_values() {
    let m = model(&[("vhalf", 0.5)]);
    let (r, d) = m.resistance_mz(-1.0, 0.5);
    assert!((r - 400.0).abs() < 1e-9);
    assert!((d + 400.0).abs() < 1e-9);
    let (r, d) = m.resistance_mz(-1.0, -0.5);
    assert!((r - 400.0).abs() < 1e-9 && (d - 400.0).abs() < 1e-9);
    // Parallel state is bias independent.
    assert!((m.resistance_mz(1.0, 0.5).0 - 200.0).abs() < 1e-9);
}

// Eq. (7) by hand: RA_P = 1 ohm um^2, RA_AP = 3 ohm um^2, S = 1e-15 m^2, one skyrmion
// (n_s = 1/S = 1e15 m^-2) of d_s = 20 nm with w = 5 nm: f = pi * 1e15 * 20e-9 * 5e-9 =
// 0.1 pi = 0.3141593; G = 1e-3 (1 - f) + 3.333333e-4 f = 7.905605e-4 S, R = 1264.925 ohm.
#[test]
fn eq7_hand_values() {
    let m = model(&[
        ("ra_p", 1e-12),
        ("ra_ap", 3e-12),
        ("area", 1e-15),
        ("ds", 20e-9),
        ("wdw", 5e-9),
    ]);
    let (r, _) = m.resistance_skyrmion(1e15, 0.0);
    assert!((r - 1264.9253).abs() < 1e-3, "{r}");
    assert!((m.resistance_skyrmion(0.0, 0.0).0 - 1000.0).abs() < 1e-9);
    let (lo, hi) = m.range();
    assert!((lo - 1000.0).abs() < 1e-9 && (hi - 3000.0).abs() < 1e-9);
}

#[test]
fn bad_cards_are_errors() {
    let sp = Span::default();
    assert!(MtjModel::from_given(&given(&[("rap", 600.0), ("tmr", 2.0)]), &sp, "t").is_err());
    assert!(MtjModel::from_given(&given(&[("rp", 600.0), ("rap", 200.0)]), &sp, "t").is_err());
    assert!(MtjModel::from_given(&given(&[("ra_p", 1e-12)]), &sp, "t").is_err());
    let e = MtjModel::from_given(&given(&[("rq", 1.0)]), &sp, "t").unwrap_err();
    assert!(e.to_string().contains("valid parameters: rp, rap"), "{e}");
}

/// Two MTJs in series across a fixed 1 V: a divider.
#[derive(Debug)]
struct Pair(Mtj, Mtj);
impl Device for Pair {
    fn name(&self) -> &str {
        "pair"
    }
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        self.0.setup(s)?;
        self.1.setup(s)
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        self.0.load(l)?;
        self.1.load(l)
    }
}

// The MNA stamp: a 200/600 ohm divider gives 0.75 V exactly; with the bias-dependent lower
// junction the node solves v = R(v)/(200 + R(v)), R(v) = 200 (1 + 2/(1 + (v/0.5)^2)),
// solved here by bisection of that closed form (independent of the stamp); Newton must
// land within 1e-9 V.
#[test]
fn divider_through_the_stamp() {
    let a = Mtj::new("a", 0, 1, model(&[]), 1.0, 0.0);
    let b = Mtj::new("b", 1, GROUND, model(&[]), -1.0, 0.0);
    let mut d = Pair(a, b);
    let k = Kit::new(2, &mut d);
    let x = k.solve(&mut d, 0.0, 1e-12, &[(0, 1.0)]);
    assert!((x[1] - 0.75).abs() < 1e-9, "{}", x[1]);

    let a = Mtj::new("a", 0, 1, model(&[("vhalf", 0.5)]), 1.0, 0.0);
    let b = Mtj::new("b", 1, GROUND, model(&[("vhalf", 0.5)]), -1.0, 0.0);
    let mut d = Pair(a, b);
    let k = Kit::new(2, &mut d);
    let x = k.solve(&mut d, 0.0, 1e-12, &[(0, 1.0)]);
    let f = |v: f64| {
        let r = 200.0 * (1.0 + 2.0 / (1.0 + (v / 0.5f64).powi(2)));
        r / (200.0 + r) - v
    };
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) > 0.0 {
            lo = mid
        } else {
            hi = mid
        }
    }
    assert!((x[1] - lo).abs() < 1e-9, "{} vs {lo}", x[1]);
}

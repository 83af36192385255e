use super::compact::{DwCompact, SkCompact};
use super::*;
use crate::devices::param::Given;
use crate::devices::testkit::Kit;
use crate::devices::{Device, GROUND};

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

/// A DW track with the card defaults plus `extra`, nodes t1=0, t2=gnd, t3=2, t4=gnd.
fn dw_track(extra: &[(&str, f64)]) -> Racetrack {
    let (tg, mg) = split_params(&given(extra), "t").unwrap();
    let (track, v) = track_of(&tg, &Span::default(), "t").unwrap();
    let mtj = MtjModel::from_given(&mg, &Span::default(), "t").unwrap();
    let t = TRACK_PARAMS;
    let x0 = value_of(t, &v, "x0");
    let layer = DwCompact::new(
        x0,
        value_of(t, &v, "mu"),
        value_of(t, &v, "tau"),
        x0,
        track.len,
        value_of(t, &v, "delta"),
        -1.0,
    );
    Racetrack::new(
        "n1",
        [0, GROUND, 2, GROUND],
        track,
        mtj,
        Soliton::DomainWall,
        Box::new(layer),
    )
}

/// Racetrack plus a read resistor from node 1 (V_read) to node 2 (t3).
#[derive(Debug)]
struct Bench {
    rt: Racetrack,
    rread: f64,
    s: [crate::devices::Slot; 4],
}
impl Device for Bench {
    fn name(&self) -> &str {
        "bench"
    }
    fn setup(&mut self, s: &mut crate::devices::Setup) -> crate::Result<()> {
        self.s = [s.slot(1, 1), s.slot(1, 2), s.slot(2, 1), s.slot(2, 2)];
        self.rt.setup(s)
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        let g = 1.0 / self.rread;
        l.add(self.s[0], g);
        l.add(self.s[1], -g);
        l.add(self.s[2], -g);
        l.add(self.s[3], g);
        self.rt.load(l)
    }
    fn accept(&mut self, a: &Accepted) {
        self.rt.accept(a)
    }
    fn max_step(&self) -> Option<f64> {
        self.rt.max_step()
    }
}

/// Voltage on t1 giving J = 1e11 A/m^2 through the default track: J w t_HM R_HM.
fn v_on(rt: &Racetrack) -> f64 {
    1e11 * rt.track.width * rt.track.thm * rt.track.r_hm()
}

/// Drive a 1 ns-ON pulse train (10 ps edges) of period `period` on t1, read through
/// 530 ohm from 0.21 V (the paper's 67-110 mV V_out swing), and return the first time V_out
/// crosses `vth` (linear interpolation between accepted points) and the number of steps.
fn first_crossing(mut rt: Racetrack, period: f64, vth: f64, tstop: f64) -> (Option<f64>, usize) {
    let von = v_on(&rt);
    rt.j_prev = 0.0;
    let mut b = Bench {
        rt,
        rread: 530.0,
        s: [crate::devices::Slot::NONE; 4],
    };
    let k = Kit::new(3, &mut b);
    let edge = 10e-12;
    let corners = |t: f64| {
        let k = (t / period).floor();
        let base = k * period;
        [base + edge, base + 1e-9, base + 1e-9 + edge, base + period]
            .into_iter()
            .find(|c| *c > t + 1e-18)
            .unwrap_or(base + period)
    };
    let vin = |t: f64| {
        let s = t - (t / period).floor() * period;
        if s < edge {
            von * s / edge
        } else if s < 1e-9 {
            von
        } else if s < 1e-9 + edge {
            von * (1.0 - (s - 1e-9) / edge)
        } else {
            0.0
        }
    };
    let mut t = 0.0;
    let x = k.step(&mut b, 0.0, 0.0, &[(0, 0.0), (1, 0.21)]);
    let mut vprev = x[2];
    let mut n = 0;
    while t < tstop {
        let h = b.max_step().unwrap_or(1e-9).min(corners(t) - t);
        let tn = t + h;
        let x = k.step(&mut b, tn, h, &[(0, vin(tn)), (1, 0.21)]);
        n += 1;
        if vprev < vth && x[2] >= vth {
            return (Some(t + h * (vth - vprev) / (x[2] - vprev)), n);
        }
        vprev = x[2];
        t = tn;
    }
    (None, n)
}

// R_HM = rho L/(w t) = 1.9e-6 * 256e-9 / (64e-9 * 5e-9) = 1520 ohm; 48.64 mV across it
// gives 32 uA, J = 32e-6/(64e-9 * 5e-9) = 1e11 A/m^2. Exact arithmetic up to rounding.
#[test]
fn heavy_metal_path_and_current_density() {
    let mut rt = dw_track(&[]);
    assert!((rt.track.r_hm() - 1520.0).abs() < 1e-9);
    let k = Kit::new(3, &mut rt);
    let x = k.solve(&mut rt, 0.0, 1e-12, &[(0, 0.04864), (2, 0.1)]);
    let mut out = Vec::new();
    rt.probe(&x, &mut out);
    assert!((out[3] - 1e11).abs() < 1e-3 * 1e0, "{}", out[3]);
    assert_eq!(rt.outputs()[0].0, "x(n1)");
}

// The compact DW obeys dx/dt = mu J - (x - x_rest)/tau, solved exactly: after a 1 ns pulse
// from rest, x - x_rest = mu J tau (1 - e^{-1/38}); 3 ns later it has decayed by e^{-3/38}.
// RK4 at 2 ps sub-steps is exact to ~1e-12 relative, and the trapezoidal current of the
// coupling is exact for a constant current: tolerance 1e-6 of the displacement.
#[test]
fn dw_integrates_and_leaks_analytically() {
    let mut rt = dw_track(&[]);
    let von = v_on(&rt);
    let k = Kit::new(3, &mut rt);
    k.step(&mut rt, 0.0, 0.0, &[(0, von), (2, 0.0)]);
    rt.j_prev = 1e11;
    let x0 = rt.layer().position();
    for i in 1..=10 {
        k.step(&mut rt, i as f64 * 0.1e-9, 0.1e-9, &[(0, von), (2, 0.0)]);
    }
    let d1 = 7.5e-11 * 1e11 * 38e-9 * (1.0 - (-1.0f64 / 38.0).exp());
    let got = rt.layer().position() - x0;
    assert!((got - d1).abs() < 1e-6 * d1, "{got} vs {d1}");
    // Current off: the first accepted point with zero drive is reached with the current
    // falling linearly over that step, so switch it off exactly at t = 1 ns with a zero-length
    // step, then leak for 3 ns.
    rt.j_prev = 0.0;
    for i in 1..=30 {
        k.step(
            &mut rt,
            1e-9 + i as f64 * 0.1e-9,
            0.1e-9,
            &[(0, 0.0), (2, 0.0)],
        );
    }
    let d2 = d1 * (-3.0f64 / 38.0).exp();
    let got = rt.layer().position() - x0;
    assert!((got - d2).abs() < 1e-6 * d1, "{got} vs {d2}");
}

// Eq. (15) under a constant J settles where k1 u^2 + k2 u + gamma_J J = 0:
// u* = (-k2 - sqrt(k2^2 - 4 k1 gamma_J J)) / (2 k1) = 37.367 nm for the paper's constants
// (converted to SI, see TRACK_PARAMS). 20 ns is > 20 relaxation times (1/|k2 + 2 k1 u*|
// = 0.24 ns): tolerance 1e-3 nm.
#[test]
fn skyrmion_settles_at_the_eq15_fixed_point() {
    let (k1, k2, g) = (-4.3333e16, -9.4667e8, 9.588e-10);
    let mut sk = SkCompact::new(10e-9, k1, k2, g, 10e-9, 128e-9, 64e-9, 10e-9);
    sk.advance(1e11, 1e11, 20e-9).unwrap();
    let ustar = (-k2 - (k2 * k2 - 4.0 * k1 * g * 1e11).sqrt()) / (2.0 * k1);
    assert!(
        (sk.x() - 10e-9 - ustar).abs() < 1e-12,
        "{} vs {ustar}",
        sk.x() - 10e-9
    );
    assert!((ustar - 37.367e-9).abs() < 0.001e-9, "{ustar}");
    // And back to rest without current (leak), within 1e-3 nm after 20 ns.
    sk.advance(0.0, 0.0, 20e-9).unwrap();
    assert!((sk.x() - 10e-9).abs() < 1e-12);
}

// Loads (Newton iterations of a step that is then rejected) never move the committed state.
#[test]
fn rejected_steps_leave_the_state() {
    let mut rt = dw_track(&[]);
    let von = v_on(&rt);
    let k = Kit::new(3, &mut rt);
    let x = rt.layer().position();
    let r = rt.resistance();
    for _ in 0..5 {
        k.solve(&mut rt, 1e-9, 1e-9, &[(0, von), (2, 0.1)]);
        rt.reject();
    }
    assert_eq!(rt.layer().position(), x);
    assert_eq!(rt.resistance(), r);
}

// Threshold at R = 560 ohm (anti-parallel fraction 0.9, the paper's normalised threshold
// 0.9): V_th = 0.21 * 560/(560 + 530). The compact DW preset (mu, tau) was calibrated to the
// paper's 16 ns (500 MHz) and 27 ns (333 MHz): allow +-15 % (the calibration used a sharp
// wall; the tanh profile shifts the crossing slightly). Ordering is the paper's claim.
#[test]
fn threshold_times_follow_the_paper() {
    let vth = 0.21 * 560.0 / 1090.0;
    let (t500, _) = first_crossing(dw_track(&[]), 2e-9, vth, 60e-9);
    let (t333, _) = first_crossing(dw_track(&[]), 3e-9, vth, 60e-9);
    let (t500, t333) = (t500.unwrap(), t333.unwrap());
    eprintln!("threshold: 500 MHz {t500:.4e} s, 333 MHz {t333:.4e} s");
    assert!(t500 < t333);
    assert!((t500 / 16e-9 - 1.0).abs() < 0.15, "{t500}");
    assert!((t333 / 27e-9 - 1.0).abs() < 0.15, "{t333}");
}

// The coupling converges: halving drmax and dxmax changes the threshold time by < 1 %.
#[test]
fn coupling_converges() {
    let vth = 0.21 * 560.0 / 1090.0;
    let (a, na) = first_crossing(
        dw_track(&[("drmax", 8.0), ("dxmax", 4e-9)]),
        2e-9,
        vth,
        60e-9,
    );
    let (b, nb) = first_crossing(
        dw_track(&[("drmax", 4.0), ("dxmax", 2e-9)]),
        2e-9,
        vth,
        60e-9,
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    eprintln!("coupling: {a:.6e} s ({na} steps) vs {b:.6e} s ({nb} steps)");
    assert!(
        nb > na,
        "halving the bound must take more steps ({na} vs {nb})"
    );
    assert!((a - b).abs() < 0.01 * b, "{a} vs {b}");
}

// The MTJ resistance stays in R_P..R_AP and swings through most of it (paper: 250-590 ohm).
#[test]
fn resistance_swing() {
    let rt = dw_track(&[]);
    let r0 = rt.resistance();
    // Rest: wall 8 nm into the footprint = anti-parallel fraction 1/8 -> 250 ohm (sharp
    // wall); the tanh profile adds < 1 ohm.
    assert!((r0 - 250.0).abs() < 2.0, "{r0}");
    let far = dw_track(&[("x0", 250e-9)]);
    assert!(far.resistance() <= 600.0 && far.resistance() > 595.0);
}

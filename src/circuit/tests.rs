//! Engine unit tests on hand-built circuits, against hand-derived numbers.

use super::tran::TranSpec;
use super::Circuit;
use crate::devices::param::Given;
use crate::elab::{Analysis, Arg, Flat, Instance};
use crate::error::Span;
use crate::progress::Silent;

/// A flat circuit from element lines given as (name, nodes, args, params).
/// An element line: name, nodes, positional arguments, `key=value` parameters.
pub(crate) type Elem<'a> = (&'a str, &'a [&'a str], Vec<Arg>, &'a [(&'a str, f64)]);

pub(crate) fn flat(nodes: &[&str], elems: &[Elem]) -> Flat {
    let mut f = Flat {
        title: "test".into(),
        nodes: std::iter::once("0".to_string())
            .chain(nodes.iter().map(|s| s.to_string()))
            .collect(),
        ..Default::default()
    };
    for (name, ns, args, params) in elems {
        let ids = ns.iter().map(|n| f.node(n).expect("node")).collect();
        f.instances.push(Instance {
            name: name.to_string(),
            letter: name.chars().next().unwrap(),
            nodes: ids,
            args: args.clone(),
            params: params
                .iter()
                .map(|(k, v)| Given {
                    name: k.to_string(),
                    value: *v,
                    span: Span::default(),
                })
                .collect(),
            words: vec![],
            model: None,
            span: Span::default(),
        });
    }
    f
}

fn num(v: f64) -> Vec<Arg> {
    vec![Arg::Num(v)]
}

fn op_value(f: &Flat, sig: &str) -> f64 {
    let mut c = Circuit::from_flat(f).unwrap();
    let (w, _) = c.op().unwrap();
    w.get(sig).unwrap_or_else(|| panic!("{sig}")).values[0]
}

#[test]
fn divider_and_source_current() {
    // 10 V over 1k + 3k: v(mid) = 10 * 3/4 = 7.5 V; the source delivers 2.5 mA, so its
    // branch current (ngspice sign) is -2.5 mA.
    let f = flat(
        &["in", "mid"],
        &[
            ("v1", &["in", "0"], num(10.0), &[]),
            ("r1", &["in", "mid"], num(1e3), &[]),
            ("r2", &["mid", "0"], vec![], &[("r", 3e3)]),
        ],
    );
    assert!((op_value(&f, "v(mid)") - 7.5).abs() < 1e-12);
    assert!((op_value(&f, "i(v1)") + 2.5e-3).abs() < 1e-15);
}

#[test]
fn norton_source() {
    // 1 mA from ground into node a (i1 0 a: current flows 0 -> source -> a) through
    // 2k || 2k = 1k: v(a) = 1 V.
    let f = flat(
        &["a"],
        &[
            ("i1", &["0", "a"], num(1e-3), &[]),
            ("r1", &["a", "0"], num(2e3), &[]),
            ("r2", &["a", "0"], num(2e3), &[]),
        ],
    );
    assert!((op_value(&f, "v(a)") - 1.0).abs() < 1e-12);
}

#[test]
fn controlled_source_gains() {
    // v(c) = 2 V drives: E gain 3 -> v(e) = 6; G gm 1m into 1k -> v(g) = -2 (current
    // flows g -> source -> 0 so it pulls node g down); F gain 4 of i(vs) where vs carries
    // the 2 mA of r_c (i(vs) = 2 mA), into 1k -> v(f) = -8 V; H r = 500 of i(vs) -> 1 V.
    let f = flat(
        &["c", "cs", "e", "g", "f", "h"],
        &[
            ("v1", &["c", "0"], num(2.0), &[]),
            ("vs", &["c", "cs"], num(0.0), &[]),
            ("rc", &["cs", "0"], num(1e3), &[]),
            ("e1", &["e", "0", "c", "0"], num(3.0), &[]),
            ("re", &["e", "0"], num(1e3), &[]),
            ("g1", &["g", "0", "c", "0"], num(1e-3), &[]),
            ("rg", &["g", "0"], num(1e3), &[]),
            (
                "f1",
                &["f", "0"],
                vec![Arg::Word("vs".into()), Arg::Num(4.0)],
                &[],
            ),
            ("rf", &["f", "0"], num(1e3), &[]),
            (
                "h1",
                &["h", "0"],
                vec![Arg::Word("vs".into()), Arg::Num(500.0)],
                &[],
            ),
            ("rh", &["h", "0"], num(1e3), &[]),
        ],
    );
    let mut c = Circuit::from_flat(&f).unwrap();
    let (w, _) = c.op().unwrap();
    let v = |s: &str| w.get(s).unwrap().values[0];
    assert!((v("i(vs)") - 2e-3).abs() < 1e-15);
    assert!((v("v(e)") - 6.0).abs() < 1e-12);
    assert!((v("v(g)") + 2.0).abs() < 1e-12);
    assert!((v("v(f)") + 8.0).abs() < 1e-12);
    assert!((v("v(h)") - 1.0).abs() < 1e-12);
}

#[test]
fn floating_node_is_named() {
    // Node b hangs off a capacitor only: singular at DC; the error names v(b) and c1.
    let f = flat(
        &["a", "b"],
        &[
            ("v1", &["a", "0"], num(1.0), &[]),
            ("c1", &["a", "b"], num(1e-12), &[]),
        ],
    );
    let mut c = Circuit::from_flat(&f).unwrap();
    let e = c.op().unwrap_err().to_string();
    assert!(e.contains("singular matrix at the operating point"), "{e}");
    assert!(e.contains("v(b) (attached to c1)"), "{e}");
    assert!(e.contains("node `b` has no DC path to ground"), "{e}");
}

#[test]
fn unknown_element_and_parameter_errors() {
    let f = flat(&["a"], &[("q1", &["a", "0"], num(1.0), &[])]);
    let e = Circuit::from_flat(&f).unwrap_err().to_string();
    assert!(
        e.contains("unknown element `q1`: no device has letter `Q`"),
        "{e}"
    );
    assert!(e.contains("valid elements: R (resistor)"), "{e}");
    let f = flat(&["a"], &[("r1", &["a", "0"], num(1.0), &[("tc3", 1e-3)])]);
    let e = Circuit::from_flat(&f).unwrap_err().to_string();
    assert!(e.contains("unknown parameter `tc3` for `r1`"), "{e}");
    assert!(e.contains("valid parameters: r"), "{e}");
    let f = flat(
        &["a"],
        &[(
            "f1",
            &["a", "0"],
            vec![Arg::Word("vx".into()), Arg::Num(1.0)],
            &[],
        )],
    );
    let e = Circuit::from_flat(&f).unwrap_err().to_string();
    assert!(
        e.contains("`f1` is controlled by `vx`, which is not a voltage source"),
        "{e}"
    );
}

#[test]
fn dc_sweep_of_a_divider() {
    let mut f = flat(
        &["in", "mid"],
        &[
            ("v1", &["in", "0"], num(0.0), &[]),
            ("r1", &["in", "mid"], num(1e3), &[]),
            ("r2", &["mid", "0"], num(1e3), &[]),
        ],
    );
    f.analyses.push(Analysis::Dc {
        sweeps: vec![crate::elab::DcSweep {
            source: "v1".into(),
            start: 0.0,
            stop: 2.0,
            step: 0.5,
        }],
    });
    let mut c = Circuit::from_flat(&f).unwrap();
    let r = c.run_all(&mut Silent).unwrap();
    let (w, st) = &r[0];
    assert_eq!(w.scale.name, "v-sweep");
    assert_eq!(w.scale.values, vec![0.0, 0.5, 1.0, 1.5, 2.0]);
    let mid = &w.get("v(mid)").unwrap().values;
    for (s, m) in w.scale.values.iter().zip(mid) {
        assert!((m - s / 2.0).abs() < 1e-12);
    }
    assert_eq!(st.points, 5);
}

#[test]
fn rc_step_follows_the_exponential() {
    // 1 V step (1 ps rise) into R = 1k, C = 1p: v(out) = 1 - exp(-t/1ns). Trapezoidal with
    // SPICE3 step control at reltol 1e-3: error well below 1 % of the swing.
    let f = flat(
        &["in", "out"],
        &[
            (
                "v1",
                &["in", "0"],
                vec![Arg::Call {
                    name: "pulse".into(),
                    args: vec![0.0, 1.0, 0.0, 1e-12, 1e-12, 1.0, 2.0],
                    params: vec![],
                }],
                &[],
            ),
            ("r1", &["in", "out"], num(1e3), &[]),
            ("c1", &["out", "0"], num(1e-12), &[]),
        ],
    );
    let mut c = Circuit::from_flat(&f).unwrap();
    let spec = TranSpec {
        tstep: 0.1e-9,
        tstop: 5e-9,
        tstart: 0.0,
        tmax: None,
        uic: false,
    };
    let (w, st) = c.tran(&spec, &mut Silent).unwrap();
    let out = &w.get("v(out)").unwrap().values;
    let mut worst: f64 = 0.0;
    for (t, v) in w.scale.values.iter().zip(out) {
        let tt = (t - 0.5e-12).max(0.0); // the ramp's mid-point approximates the step
        let exact = 1.0 - (-tt / 1e-9).exp();
        worst = worst.max((v - exact).abs());
    }
    assert!(worst < 5e-3, "worst error {worst}");
    assert!((w.scale.values.last().unwrap() - 5e-9).abs() < 1e-20);
    assert!(st.accepted > 10 && st.points == st.accepted + 1);
}

#[test]
fn lc_tank_period() {
    // L = 1 uH, C = 1 nF, charged to 1 V (uic): period 2 pi sqrt(LC) = 198.692 ns.
    let f = flat(
        &["a"],
        &[
            ("l1", &["a", "0"], num(1e-6), &[]),
            ("c1", &["a", "0"], num(1e-9), &[("ic", 1.0)]),
        ],
    );
    let mut c = Circuit::from_flat(&f).unwrap();
    let spec = TranSpec {
        tstep: 1e-9,
        tstop: 1e-6,
        tstart: 0.0,
        tmax: None,
        uic: true,
    };
    let (w, _) = c.tran(&spec, &mut Silent).unwrap();
    let v = &w.get("v(a)").unwrap().values;
    // Rising zero crossings, linearly interpolated.
    let cross = crate::wave::crossings(&w.scale.values, v, 0.0);
    assert!(cross.len() >= 4, "{cross:?}");
    let period = (cross[cross.len() - 1] - cross[0]) / (cross.len() - 1) as f64;
    let exact = 2.0 * std::f64::consts::PI * (1e-6f64 * 1e-9).sqrt();
    // Trapezoidal keeps the amplitude and has a small phase error at ~20 steps per period.
    assert!(
        (period - exact).abs() / exact < 2e-3,
        "period {period} vs {exact}"
    );
}

/// A deliberately Newton-hostile element for failure-report tests: a current
/// `g0 * cbrt(v - 1)` from `a` to ground (Newton's step on a cube root overshoots by a
/// factor -2 and never converges). With `after` set it behaves as a plain conductance
/// until that time.
#[derive(Debug)]
struct CubeRoot {
    a: usize,
    s: crate::devices::Slot,
    after: Option<f64>,
}

impl crate::devices::Device for CubeRoot {
    fn name(&self) -> &str {
        "xbad"
    }
    fn setup(&mut self, s: &mut crate::devices::Setup) -> crate::Result<()> {
        self.s = s.slot(self.a, self.a);
        Ok(())
    }
    fn load(&mut self, l: &mut crate::devices::Load) -> crate::Result<()> {
        let g0 = 1e-3;
        let v = l.v(self.a);
        let linear = match self.after {
            Some(t) => l.mode != crate::devices::Mode::Tran || l.time < t,
            None => false,
        };
        if linear {
            l.add(self.s, g0);
            return Ok(());
        }
        let d = v - 1.0;
        let i = g0 * d.cbrt();
        let g = g0 / (3.0 * d.abs().powf(2.0 / 3.0)).max(1e-30);
        l.add(self.s, g);
        l.rhs(self.a, -(i - g * v));
        Ok(())
    }
}

fn with_cube_root(after: Option<f64>) -> Circuit {
    // Node a: the hostile element and a 1 G resistor (too weak to help Newton); the element
    // is inserted by hand as there is no letter for it.
    let f = flat(&["a"], &[("r1", &["a", "0"], num(1e9), &[])]);
    let mut devs = crate::devices::registry::build(&f).unwrap();
    devs.push(Box::new(CubeRoot {
        a: 0,
        s: crate::devices::Slot::NONE,
        after,
    }));
    Circuit::from_devices(&f, devs).unwrap()
}

#[test]
fn dc_non_convergence_names_node_device_and_attempts() {
    let mut c = with_cube_root(None);
    let e = c.op().unwrap_err();
    assert_eq!(e.exit_code(), 2);
    let s = e.to_string();
    assert!(s.starts_with("no convergence at the operating point: largest Newton update at v(a) (attached to r1, xbad)"), "{s}");
    assert!(s.contains("last attempts:"), "{s}");
    assert!(s.contains("source stepping"), "{s}");
    assert!(
        s.contains("help: tried plain Newton, gmin stepping and source stepping"),
        "{s}"
    );
}

#[test]
fn transient_non_convergence_names_time_node_and_device() {
    let mut c = with_cube_root(Some(1e-9));
    let spec = TranSpec {
        tstep: 0.1e-9,
        tstop: 2e-9,
        tstart: 0.0,
        tmax: None,
        uic: false,
    };
    let e = c.tran(&spec, &mut Silent).unwrap_err();
    let s = e.to_string();
    // The element turns hostile at 1 ns: the step is cut until it falls below the minimum
    // (1e-11 * maxstep = 1e-11 * min(tstep, tstop/50) = 4e-22 s) just after 1 ns.
    assert!(s.starts_with("transient failed at time 1.0000"), "{s}");
    assert!(s.contains("is below the minimum 4.000e-22 s"), "{s}");
    assert!(
        s.contains("largest Newton update: v(a) (attached to r1, xbad)"),
        "{s}"
    );
    assert!(s.contains("newton: t = 1.0000"), "{s}");
    assert!(s.contains("help: try `.options method=gear`"), "{s}");
}

fn pulse(p: &[f64]) -> Vec<Arg> {
    vec![Arg::Call {
        name: "pulse".into(),
        args: p.to_vec(),
        params: vec![],
    }]
}

#[test]
fn inductor_is_a_short_at_dc_and_ic_clamps_the_start() {
    // DC: 1 V through 1k and an inductor to ground: i(l1) = 1 mA, v(a) = 0.
    let f = flat(
        &["in", "a"],
        &[
            ("v1", &["in", "0"], num(1.0), &[]),
            ("r1", &["in", "a"], num(1e3), &[]),
            ("l1", &["a", "0"], num(1e-6), &[]),
        ],
    );
    assert!((op_value(&f, "i(l1)") - 1e-3).abs() < 1e-15);
    assert!(op_value(&f, "v(a)").abs() < 1e-12);
    // `.ic v(out)=1` without uic: the operating point holds out at 1 V, then it decays
    // through R = 1k into C = 1p: v = exp(-t / 1 ns).
    let mut f = flat(
        &["out"],
        &[
            ("r1", &["out", "0"], num(1e3), &[]),
            ("c1", &["out", "0"], num(1e-12), &[]),
        ],
    );
    f.ics.push((1, 1.0));
    let mut c = Circuit::from_flat(&f).unwrap();
    let spec = TranSpec {
        tstep: 0.05e-9,
        tstop: 3e-9,
        tstart: 0.0,
        tmax: None,
        uic: false,
    };
    let (w, _) = c.tran(&spec, &mut Silent).unwrap();
    let v = &w.get("v(out)").unwrap().values;
    // The 1e10 S clamp against 1 mS leaves v(0) = 1 - 1e-13.
    assert!((v[0] - 1.0).abs() < 1e-9);
    for (t, x) in w.scale.values.iter().zip(v) {
        assert!((x - (-t / 1e-9).exp()).abs() < 1e-3, "t={t} v={x}");
    }
}

#[test]
fn pulse_corners_are_time_points_and_tstart_trims_output() {
    // pulse(0 1 td=1n tr=0.5n tf=0.5n pw=2n per=5n): corners at 1, 1.5, 3.5, 4, 6, 6.5 ns.
    let f = flat(
        &["in", "out"],
        &[
            (
                "v1",
                &["in", "0"],
                pulse(&[0.0, 1.0, 1e-9, 0.5e-9, 0.5e-9, 2e-9, 5e-9]),
                &[],
            ),
            ("r1", &["in", "out"], num(1e3), &[]),
            ("c1", &["out", "0"], num(1e-12), &[]),
        ],
    );
    let mut c = Circuit::from_flat(&f).unwrap();
    let spec = TranSpec {
        tstep: 0.1e-9,
        tstop: 7e-9,
        tstart: 2e-9,
        tmax: None,
        uic: false,
    };
    let (w, _) = c.tran(&spec, &mut Silent).unwrap();
    let t = &w.scale.values;
    assert!(t[0] >= 2e-9);
    for corner in [3.5e-9, 4e-9, 6e-9, 6.5e-9] {
        assert!(
            t.iter().any(|x| (x - corner).abs() < 1e-21),
            "corner {corner} missing"
        );
    }
    // The source follows its waveform exactly at the corners.
    let vin = &w.get("v(in)").unwrap().values;
    let k = t.iter().position(|x| (x - 6.5e-9).abs() < 1e-21).unwrap();
    assert!((vin[k] - 1.0).abs() < 1e-12);
}

#[test]
fn op_uses_the_time_zero_value_without_dc() {
    // A PULSE-only source at .op takes its t = 0 value (v1 = 0.3).
    let f = flat(
        &["a"],
        &[
            (
                "v1",
                &["a", "0"],
                pulse(&[0.3, 1.0, 1e-9, 1e-9, 1e-9, 1e-9, 4e-9]),
                &[],
            ),
            ("r1", &["a", "0"], num(1e3), &[]),
        ],
    );
    assert!((op_value(&f, "v(a)") - 0.3).abs() < 1e-15);
}

#[test]
fn saves_select_and_order_signals() {
    let mut f = flat(
        &["in", "mid"],
        &[
            ("v1", &["in", "0"], num(4.0), &[]),
            ("r1", &["in", "mid"], num(1e3), &[]),
            ("r2", &["mid", "0"], num(3e3), &[]),
        ],
    );
    f.saves = vec!["i(v1)".into(), "v(in,mid)".into(), "v(mid)".into()];
    let mut c = Circuit::from_flat(&f).unwrap();
    let (w, _) = c.op().unwrap();
    let names: Vec<&str> = w.signals.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["i(v1)", "v(in,mid)", "v(mid)"]);
    assert!((w.signals[1].values[0] - 1.0).abs() < 1e-12);
    f.saves = vec!["v(nowhere)".into()];
    let mut c = Circuit::from_flat(&f).unwrap();
    let e = c.op().unwrap_err().to_string();
    assert!(e.contains("`.save` names `v(nowhere)`"), "{e}");
}

#[test]
fn params_listing() {
    let s = crate::devices::registry::describe("c").unwrap();
    assert!(
        s.starts_with("C: capacitor\nusage: cname n+ n- value [ic=v]"),
        "{s}"
    );
    assert!(s.contains("ic "), "{s}");
    assert!(crate::devices::registry::describe("zz").is_none());
}

#[test]
fn circuit_is_send() {
    // Crossbar validation and co-simulation run circuits on worker threads.
    fn assert_send<T: Send>() {}
    assert_send::<Circuit>();
}

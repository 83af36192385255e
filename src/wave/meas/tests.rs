//! Hand-derived numbers on a triangle wave: v(x) rises 0 → 1 over [0, 1], falls back to 0
//! over [1, 2], and repeats; v(y) = 0.25 throughout.

use super::*;
use crate::wave::Signal;

fn tri() -> Waveforms {
    let t: Vec<f64> = (0..=40).map(|k| k as f64 * 0.1).collect();
    let x: Vec<f64> = t
        .iter()
        .map(|&t| {
            let p = t % 2.0;
            if p <= 1.0 {
                p
            } else {
                2.0 - p
            }
        })
        .collect();
    let n = t.len();
    Waveforms {
        title: "t".into(),
        plotname: "Transient Analysis".into(),
        scale: Signal::new("time", t),
        signals: vec![Signal::new("v(x)", x), Signal::new("v(y)", vec![0.25; n])],
    }
}

fn m(kind: Kind) -> Measure {
    Measure {
        name: "m".into(),
        analysis: "tran".into(),
        kind,
        text: ".meas tran m ...".into(),
    }
}

fn x() -> Sig {
    Sig::Vector("v(x)".into())
}

fn cross(which: Which, level: f64, td: f64) -> Cond {
    Cond::Cross {
        sig: x(),
        level: Level::Value(level),
        which,
        td,
    }
}

fn val(k: Kind) -> f64 {
    evaluate(&m(k), &tri(), &|_| None).value.unwrap()
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} vs {b}");
}

#[test]
fn crossings_counted_as_ngspice_counts_them() {
    // v(x) = 0.5 at t = 0.5 (rise), 1.5 (fall), 2.5 (rise), 3.5 (fall).
    close(val(Kind::When(cross(Which::Cross(1), 0.5, 0.0))), 0.5);
    close(val(Kind::When(cross(Which::Cross(2), 0.5, 0.0))), 1.5);
    close(val(Kind::When(cross(Which::Rise(2), 0.5, 0.0))), 2.5);
    close(val(Kind::When(cross(Which::Fall(1), 0.5, 0.0))), 1.5);
    close(val(Kind::When(cross(Which::LastRise, 0.5, 0.0))), 2.5);
    close(val(Kind::When(cross(Which::LastCross, 0.5, 0.0))), 3.5);
    // TD: counting starts at 1.6.
    close(val(Kind::When(cross(Which::Rise(1), 0.5, 1.6))), 2.5);
    // Against another vector: v(x) = v(y) = 0.25 at 0.25 first.
    let c = Cond::Cross {
        sig: x(),
        level: Level::Sig(Sig::Vector("v(y)".into())),
        which: Which::Cross(1),
        td: 0.0,
    };
    close(val(Kind::When(c)), 0.25);
}

#[test]
fn trig_targ_is_the_difference_and_reports_both_times() {
    let o = evaluate(
        &m(Kind::TrigTarg {
            trig: cross(Which::Rise(1), 0.2, 0.0),
            targ: cross(Which::Fall(1), 0.2, 0.0),
        }),
        &tri(),
        &|_| None,
    );
    close(o.value.clone().unwrap(), 1.8 - 0.2);
    assert_eq!(o.extra[0].0, "targ");
    close(o.extra[0].1, 1.8);
    close(o.extra[1].1, 0.2);
}

#[test]
fn find_deriv_and_window_statistics() {
    close(
        val(Kind::Find {
            sig: x(),
            at: Cond::At(0.35),
        }),
        0.35,
    );
    close(
        val(Kind::Find {
            sig: x(),
            at: cross(Which::Fall(1), 0.5, 0.0),
        }),
        0.5,
    );
    close(
        val(Kind::Deriv {
            sig: x(),
            at: Cond::At(0.55),
        }),
        1.0,
    );
    close(
        val(Kind::Deriv {
            sig: x(),
            at: Cond::At(1.55),
        }),
        -1.0,
    );
    let stat = |stat, from, to| {
        val(Kind::Stat {
            stat,
            sig: x(),
            from,
            to,
        })
    };
    // Over one period [0, 2] the triangle averages 1/2, its square 1/3 (trapezoids are
    // exact on the linear pieces for the mean; the square needs the sample grid: the
    // trapezoidal sum of t^2 on a 0.1 grid over [0,1] is 1/3 + 0.1^2/6).
    close(stat(Stat::Avg, Some(0.0), Some(2.0)), 0.5);
    close(stat(Stat::Integ, Some(0.0), Some(2.0)), 1.0);
    close(
        stat(Stat::Rms, Some(0.0), Some(2.0)),
        (1.0f64 / 3.0 + 0.01 / 6.0).sqrt(),
    );
    close(stat(Stat::Max, Some(0.0), Some(0.45)), 0.45);
    close(stat(Stat::Min, Some(0.5), Some(1.75)), 0.25);
    close(stat(Stat::Pp, None, None), 1.0);
    // A window end between samples is interpolated.
    close(stat(Stat::Integ, Some(0.0), Some(0.55)), 0.55 * 0.55 / 2.0);
}

#[test]
fn failures_say_why_and_later_params_see_earlier_measures() {
    let o = evaluate(
        &m(Kind::When(cross(Which::Rise(1), 5.0, 0.0))),
        &tri(),
        &|_| None,
    );
    let e = o.value.clone().unwrap_err();
    assert!(e.contains("v(x) never crosses 5"), "{e}");
    assert!(o
        .line(&m(Kind::Param(Expr::Num(0.0))))
        .ends_with(".meas tran m ... failed!"));
    let e = evaluate(
        &m(Kind::Find {
            sig: Sig::Vector("v(z)".into()),
            at: Cond::At(1.0),
        }),
        &tri(),
        &|_| None,
    )
    .value
    .unwrap_err();
    assert_eq!(e, "no vector v(z) in the Transient Analysis results");
    let first = Measure {
        name: "a".into(),
        ..m(Kind::When(cross(Which::Rise(1), 0.5, 0.0)))
    };
    let e = crate::netlist::expr::parse_expr("a*2 + k").unwrap();
    let second = Measure {
        name: "b".into(),
        ..m(Kind::Param(e))
    };
    let out = evaluate_all(&[first, second], &tri(), "tran", &[("k".into(), 10.0)]);
    close(out[1].value.clone().unwrap(), 11.0);
}

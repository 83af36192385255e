//! Time functions of independent sources, with ngspice's semantics and defaults:
//! `PULSE(v1 v2 td tr tf pw per)`, `PWL(t1 v1 t2 v2 ... [r=t] [td=t])`,
//! `SIN(vo va freq td theta phase)`, `EXP(v1 v2 td1 tau1 td2 tau2)`.
//!
//! Defaults that depend on the analysis (ngspice): PULSE `tr`/`tf` = tstep (also when given
//! as 0), `pw`/`per` = tstop (also when 0); SIN `freq` = 1/tstop; EXP `tau1` = `tau2` = tstep,
//! `td2` = `td1` + tstep. They are resolved by [`Waveform::resolve`] at the start of a
//! transient; before that (DC) only the `t = 0` value is used, which does not depend on them.

use crate::error::{Error, Span};
use std::f64::consts::PI;

/// A source's time function.
#[derive(Debug, Clone, PartialEq)]
pub enum Waveform {
    Pulse {
        v1: f64,
        v2: f64,
        td: f64,
        tr: f64,
        tf: f64,
        pw: f64,
        per: f64,
        /// As given (0 = not given), for re-resolution.
        given: [f64; 4],
    },
    Pwl {
        /// (time, value) with `td` already added.
        pts: Vec<(f64, f64)>,
        /// Repeat start time (with `td` added).
        repeat: Option<f64>,
    },
    Sin {
        vo: f64,
        va: f64,
        freq: f64,
        td: f64,
        theta: f64,
        /// Phase in degrees.
        phase: f64,
        freq_given: bool,
    },
    Exp {
        v1: f64,
        v2: f64,
        td1: f64,
        tau1: f64,
        td2: f64,
        tau2: f64,
        given: [Option<f64>; 3],
    },
}

fn bad(span: &Span, msg: String, help: &str) -> Error {
    Error::at(span.clone(), msg, Some(help.to_string()))
}

impl Waveform {
    /// Parse `name(args) params` (name lower case). `span` locates errors.
    pub fn parse(
        name: &str,
        args: &[f64],
        params: &[(String, f64)],
        span: &Span,
    ) -> crate::Result<Waveform> {
        let nargs = |min: usize, max: usize, usage: &str| -> crate::Result<()> {
            if args.len() < min || args.len() > max {
                return Err(bad(
                    span,
                    format!("{name} takes {min} to {max} values, got {}", args.len()),
                    usage,
                ));
            }
            Ok(())
        };
        let a = |i: usize| args.get(i).copied();
        let no_params = || -> crate::Result<()> {
            if let Some((k, _)) = params.first() {
                return Err(bad(
                    span,
                    format!("{name} takes no `{k}=` parameter"),
                    "only pwl takes r= and td=",
                ));
            }
            Ok(())
        };
        for v in args {
            if !v.is_finite() {
                return Err(bad(
                    span,
                    format!("{name} value {v} is not finite"),
                    "check the expression",
                ));
            }
        }
        match name {
            "pulse" => {
                nargs(2, 7, "pulse(v1 v2 [td [tr [tf [pw [per]]]]])")?;
                no_params()?;
                let given = [
                    a(3).unwrap_or(0.0),
                    a(4).unwrap_or(0.0),
                    a(5).unwrap_or(0.0),
                    a(6).unwrap_or(0.0),
                ];
                if given.iter().any(|&v| v < 0.0) || a(2).unwrap_or(0.0) < 0.0 {
                    return Err(bad(
                        span,
                        "pulse times must not be negative".into(),
                        "pulse(v1 v2 td tr tf pw per)",
                    ));
                }
                let mut w = Waveform::Pulse {
                    v1: args[0],
                    v2: args[1],
                    td: a(2).unwrap_or(0.0),
                    tr: 0.0,
                    tf: 0.0,
                    pw: 0.0,
                    per: 0.0,
                    given,
                };
                // Placeholder defaults until the transient is known.
                w.resolve(1.0, 1.0);
                Ok(w)
            }
            "pwl" => {
                if args.len() < 2 || args.len() % 2 != 0 {
                    return Err(bad(
                        span,
                        format!(
                            "pwl needs pairs of time and value, got {} numbers",
                            args.len()
                        ),
                        "pwl(t1 v1 t2 v2 ...) [r=t] [td=t]",
                    ));
                }
                let mut td = 0.0;
                let mut repeat = None;
                for (k, v) in params {
                    match k.as_str() {
                        "td" => td = *v,
                        "r" => repeat = Some(*v),
                        _ => {
                            return Err(bad(
                                span,
                                format!("pwl takes no `{k}=` parameter"),
                                "pwl(...) [r=t] [td=t]",
                            ))
                        }
                    }
                }
                let pts: Vec<(f64, f64)> = args.chunks(2).map(|c| (c[0] + td, c[1])).collect();
                for w in pts.windows(2) {
                    if w[1].0 < w[0].0 {
                        return Err(bad(
                            span,
                            format!(
                                "pwl times must not decrease ({} after {})",
                                w[1].0 - td,
                                w[0].0 - td
                            ),
                            "pwl(t1 v1 t2 v2 ...) with t1 <= t2 <= ...",
                        ));
                    }
                }
                let repeat = match repeat {
                    None => None,
                    Some(r) => {
                        let r = r + td;
                        let last = pts[pts.len() - 1].0;
                        if !pts
                            .iter()
                            .any(|p| (p.0 - r).abs() <= 1e-12 * last.abs().max(1e-30))
                            || r >= last
                        {
                            return Err(bad(
                                span,
                                format!("pwl repeat time r={} is not one of its time points before the last", r - td),
                                "r= names the time point the waveform repeats from",
                            ));
                        }
                        Some(r)
                    }
                };
                Ok(Waveform::Pwl { pts, repeat })
            }
            "sin" => {
                nargs(2, 6, "sin(vo va [freq [td [theta [phase]]]])")?;
                no_params()?;
                let mut w = Waveform::Sin {
                    vo: args[0],
                    va: args[1],
                    freq: a(2).unwrap_or(0.0),
                    td: a(3).unwrap_or(0.0),
                    theta: a(4).unwrap_or(0.0),
                    phase: a(5).unwrap_or(0.0),
                    freq_given: a(2).is_some_and(|f| f != 0.0),
                };
                w.resolve(1.0, 1.0);
                Ok(w)
            }
            "exp" => {
                nargs(2, 6, "exp(v1 v2 [td1 [tau1 [td2 [tau2]]]])")?;
                no_params()?;
                let nz = |v: Option<f64>| v.filter(|x| *x != 0.0);
                let mut w = Waveform::Exp {
                    v1: args[0],
                    v2: args[1],
                    td1: a(2).unwrap_or(0.0),
                    tau1: 0.0,
                    td2: 0.0,
                    tau2: 0.0,
                    given: [nz(a(3)), nz(a(4)), nz(a(5))],
                };
                w.resolve(1.0, 1.0);
                Ok(w)
            }
            _ => Err(bad(
                span,
                format!("unknown source function `{name}`"),
                "valid functions: pulse, pwl, sin, exp",
            )),
        }
    }

    /// Fill the analysis-dependent defaults from `.tran tstep tstop`.
    pub fn resolve(&mut self, tstep: f64, tstop: f64) {
        match self {
            Waveform::Pulse {
                tr,
                tf,
                pw,
                per,
                given,
                ..
            } => {
                let or = |v: f64, d: f64| if v > 0.0 { v } else { d };
                *tr = or(given[0], tstep);
                *tf = or(given[1], tstep);
                *pw = or(given[2], tstop);
                *per = or(given[3], tstop);
            }
            Waveform::Sin {
                freq, freq_given, ..
            } => {
                if !*freq_given {
                    *freq = 1.0 / tstop;
                }
            }
            Waveform::Exp {
                td1,
                tau1,
                td2,
                tau2,
                given,
                ..
            } => {
                *tau1 = given[0].unwrap_or(tstep);
                *td2 = given[1].unwrap_or(*td1 + tstep);
                *tau2 = given[2].unwrap_or(tstep);
            }
            Waveform::Pwl { .. } => {}
        }
    }

    /// The value at time `t`.
    pub fn value(&self, t: f64) -> f64 {
        match self {
            Waveform::Pulse {
                v1,
                v2,
                td,
                tr,
                tf,
                pw,
                per,
                ..
            } => {
                let mut x = t - td;
                if x > *per && *per > 0.0 {
                    x -= per * (x / per).floor();
                }
                if x <= 0.0 || x >= tr + pw + tf {
                    *v1
                } else if x >= *tr && x <= tr + pw {
                    *v2
                } else if x < *tr {
                    v1 + (v2 - v1) * x / tr
                } else {
                    v2 + (v1 - v2) * (x - tr - pw) / tf
                }
            }
            Waveform::Pwl { pts, repeat } => {
                let last = pts[pts.len() - 1].0;
                let mut x = t;
                if let Some(r) = repeat {
                    if x > last {
                        let p = last - r;
                        x = r + (x - last) % p;
                    }
                }
                pwl_at(pts, x)
            }
            Waveform::Sin {
                vo,
                va,
                freq,
                td,
                theta,
                phase,
                ..
            } => {
                let ph = phase * PI / 180.0;
                if t <= *td {
                    vo + va * ph.sin()
                } else {
                    let x = t - td;
                    vo + va * (-x * theta).exp() * (2.0 * PI * freq * x + ph).sin()
                }
            }
            Waveform::Exp {
                v1,
                v2,
                td1,
                tau1,
                td2,
                tau2,
                ..
            } => {
                let mut v = *v1;
                if t > *td1 {
                    v += (v2 - v1) * (1.0 - (-(t - td1) / tau1).exp());
                }
                if t > *td2 {
                    v += (v1 - v2) * (1.0 - (-(t - td2) / tau2).exp());
                }
                v
            }
        }
    }

    /// The first corner strictly after `t` (PULSE and PWL corners, SIN's delay, EXP's two
    /// delays).
    pub fn next_breakpoint(&self, t: f64) -> Option<f64> {
        let first_after = |cands: &mut dyn Iterator<Item = f64>| -> Option<f64> {
            cands
                .filter(|&c| c > t)
                .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.min(c))))
        };
        match self {
            Waveform::Pulse {
                td,
                tr,
                tf,
                pw,
                per,
                ..
            } => {
                if t < *td {
                    return Some(*td);
                }
                let k = if *per > 0.0 {
                    ((t - td) / per).floor()
                } else {
                    0.0
                };
                let offs = [0.0, *tr, tr + pw, tr + pw + tf];
                let mut it = [k, k + 1.0]
                    .into_iter()
                    .flat_map(|kk| offs.iter().map(move |o| td + kk * per + o));
                first_after(&mut it)
            }
            Waveform::Pwl { pts, repeat } => {
                let last = pts[pts.len() - 1].0;
                if t < last {
                    return first_after(&mut pts.iter().map(|p| p.0));
                }
                let r = (*repeat)?;
                let p = last - r;
                let k = ((t - last) / p).floor();
                let mut it = [k, k + 1.0].into_iter().flat_map(|kk| {
                    pts.iter()
                        .filter(move |q| q.0 > r)
                        .map(move |q| last + kk * p + (q.0 - r))
                });
                first_after(&mut it)
            }
            Waveform::Sin { td, .. } => (t < *td).then_some(*td),
            Waveform::Exp { td1, td2, .. } => first_after(&mut [*td1, *td2].into_iter()),
        }
    }
}

fn pwl_at(pts: &[(f64, f64)], x: f64) -> f64 {
    if x <= pts[0].0 {
        return pts[0].1;
    }
    let last = pts[pts.len() - 1];
    if x >= last.0 {
        return last.1;
    }
    // First point with time > x.
    let k = pts.partition_point(|p| p.0 <= x);
    let (t0, v0) = pts[k - 1];
    let (t1, v1) = pts[k];
    if t1 == t0 {
        return v1;
    }
    v0 + (v1 - v0) * (x - t0) / (t1 - t0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str, args: &[f64], params: &[(&str, f64)]) -> Waveform {
        let p: Vec<(String, f64)> = params.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let mut w = Waveform::parse(name, args, &p, &Span::default()).unwrap();
        w.resolve(1e-9, 100e-9);
        w
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    #[test]
    fn pulse_values_and_corners() {
        // pulse(0 1 td=2n tr=1n tf=2n pw=5n per=20n)
        let p = w("pulse", &[0.0, 1.0, 2e-9, 1e-9, 2e-9, 5e-9, 20e-9], &[]);
        assert_eq!(p.value(0.0), 0.0);
        assert!(close(p.value(2.5e-9), 0.5)); // half-way up the 1 ns rise
        assert_eq!(p.value(5e-9), 1.0);
        assert!(close(p.value(9e-9), 0.5)); // half-way down: 8n + 1n of the 2 ns fall
        assert_eq!(p.value(15e-9), 0.0);
        assert!(close(p.value(22.5e-9), 0.5)); // second period
        let bps: Vec<f64> =
            std::iter::successors(p.next_breakpoint(0.0), |&t| p.next_breakpoint(t))
                .take(6)
                .collect();
        let want = [2e-9, 3e-9, 8e-9, 10e-9, 22e-9, 23e-9];
        for (a, b) in bps.iter().zip(want) {
            assert!(close(*a, b), "{bps:?}");
        }
    }

    #[test]
    fn pulse_defaults_from_tran() {
        // pulse(0 1): tr = tf = tstep (1n), pw = per = tstop (100n).
        let p = w("pulse", &[0.0, 1.0], &[]);
        assert!(close(p.value(0.5e-9), 0.5));
        assert_eq!(p.value(50e-9), 1.0);
    }

    #[test]
    fn pwl_interpolation_repeat_and_delay() {
        let p = w(
            "pwl",
            &[0.0, 0.0, 1e-9, 1.0, 3e-9, 1.0, 4e-9, 0.0],
            &[("r", 1e-9)],
        );
        assert!(close(p.value(0.5e-9), 0.5));
        assert_eq!(p.value(2e-9), 1.0);
        assert!(close(p.value(3.5e-9), 0.5));
        // After 4n the section 1n..4n repeats with period 3n: 4n + 1n == 2n in the section.
        assert!(close(p.value(5e-9), 1.0));
        assert!(close(p.value(6.5e-9), 0.5));
        assert!(close(p.next_breakpoint(0.0).unwrap(), 1e-9));
        assert!(close(p.next_breakpoint(4e-9).unwrap(), 6e-9));
        assert!(close(p.next_breakpoint(6e-9).unwrap(), 7e-9));
        let d = w("pwl", &[0.0, 0.0, 1e-9, 2.0], &[("td", 1e-9)]);
        assert_eq!(d.value(1e-9), 0.0);
        assert!(close(d.value(1.5e-9), 1.0));
        assert_eq!(d.value(5e-9), 2.0);
    }

    #[test]
    fn sin_and_exp_values() {
        // sin(1 2 10meg 10n 0 90): before td: 1 + 2 sin(90°) = 3; a quarter period (25 ns)
        // after td: 1 + 2 sin(90° + 90°) = 1.
        let s = w("sin", &[1.0, 2.0, 10e6, 10e-9, 0.0, 90.0], &[]);
        assert!(close(s.value(0.0), 3.0));
        assert!((s.value(35e-9) - 1.0).abs() < 1e-9);
        assert!(close(s.next_breakpoint(0.0).unwrap(), 10e-9));
        // Damped: theta = 1e7 1/s, one full period after td the envelope is exp(-1).
        let d = w("sin", &[0.0, 1.0, 10e6, 0.0, 1e7, 90.0], &[]);
        assert!((d.value(100e-9) - (-1.0f64).exp()).abs() < 1e-9);
        // exp(0 1 td1=1n tau1=2n td2=10n tau2=3n)
        let e = w("exp", &[0.0, 1.0, 1e-9, 2e-9, 10e-9, 3e-9], &[]);
        assert_eq!(e.value(0.5e-9), 0.0);
        assert!(close(e.value(3e-9), 1.0 - (-1.0f64).exp()));
        let at10 = 1.0 - (-4.5f64).exp();
        assert!(close(
            e.value(13e-9),
            1.0 - (-6.0f64).exp() - (1.0 - (-1.0f64).exp())
        ));
        assert!(close(e.value(10e-9), at10));
        assert!(close(e.next_breakpoint(2e-9).unwrap(), 10e-9));
    }

    #[test]
    fn bad_waveforms_are_errors() {
        let s = Span::default();
        assert!(Waveform::parse("pulse", &[1.0], &[], &s).is_err());
        assert!(Waveform::parse("pwl", &[0.0, 1.0, 2.0], &[], &s).is_err());
        assert!(Waveform::parse("pwl", &[1.0, 0.0, 0.5, 1.0], &[], &s).is_err());
        assert!(Waveform::parse("pwl", &[0.0, 0.0, 1.0, 1.0], &[("r".into(), 0.5)], &s).is_err());
        let e = Waveform::parse("sffm", &[0.0, 1.0], &[], &s).unwrap_err();
        assert!(e.to_string().contains("unknown source function `sffm`"));
    }
}

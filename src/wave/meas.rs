//! `.meas` / `.measure`: measurements on a finished analysis, as ngspice defines them.
//!
//! A [`Measure`] is made by elaboration from a `.meas` line (values already evaluated) and
//! evaluated here on the analysis's [`Waveforms`]:
//!
//! - `TRIG cond TARG cond`: the time from the trigger to the target;
//! - `WHEN cond`: the time of a crossing;
//! - `FIND sig AT=t` / `FIND sig WHEN cond`: a value at a time;
//! - `DERIV sig AT=t` / `DERIV sig WHEN cond`: a derivative there;
//! - `AVG RMS MIN MAX PP INTEG sig [FROM=t1] [TO=t2]`: over a window; `MIN`/`MAX` also
//!   give the time where (`at=`);
//! - `PARAM=expr`: an expression of parameters and earlier measures.
//!
//! A condition is `sig VAL=x` (in `TRIG`/`TARG`) or `sig=x` / `sig=sig2` (in `WHEN`),
//! with `RISE=n`, `FALL=n` or `CROSS=n` (or `LAST`; default: the first crossing of either
//! direction) counted from `TD=t`; `TRIG AT=t` is a fixed time. Averages and integrals
//! use the trapezoidal rule on the samples, the window's ends interpolated.

use super::{interp, Edge, Waveforms};
use crate::netlist::expr::Expr;

/// A vector of the analysis (`v(out)`, `v(a,b)`, `i(v1)`), normalised.
#[derive(Debug, Clone, PartialEq)]
pub enum Sig {
    /// A saved vector, by name.
    Vector(String),
    /// The difference of two node voltages, `v(a,b)`, when only `v(a)` and `v(b)` are saved.
    Diff(String, String),
}

impl Sig {
    fn name(&self) -> String {
        match self {
            Sig::Vector(n) => n.clone(),
            Sig::Diff(a, b) => format!("v({a},{b})"),
        }
    }

    fn values(&self, w: &Waveforms) -> Result<Vec<f64>, String> {
        let get = |n: &str| {
            w.get(n)
                .map(|s| s.values.clone())
                .ok_or_else(|| format!("no vector {n} in the {} results", w.plotname))
        };
        match self {
            Sig::Vector(n) => {
                if let Some(s) = w.get(n) {
                    return Ok(s.values.clone());
                }
                // v(a,b) not saved as such: v(a) - v(b).
                let inner = n.strip_prefix("v(").and_then(|r| r.strip_suffix(')'));
                if let Some((a, b)) = inner.and_then(|r| r.split_once(',')) {
                    return Sig::Diff(a.to_string(), b.to_string()).values(w);
                }
                get(n)
            }
            Sig::Diff(a, b) => {
                let va = if a == "0" {
                    None
                } else {
                    Some(get(&format!("v({a})"))?)
                };
                let vb = if b == "0" {
                    None
                } else {
                    Some(get(&format!("v({b})"))?)
                };
                let n = w.len();
                Ok((0..n)
                    .map(|k| va.as_ref().map_or(0.0, |v| v[k]) - vb.as_ref().map_or(0.0, |v| v[k]))
                    .collect())
            }
        }
    }
}

/// Which crossing of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The n-th (1-based) crossing of either direction (`CROSS=n`, the default with n = 1).
    Cross(usize),
    Rise(usize),
    Fall(usize),
    /// The last crossing of either direction / rising / falling.
    LastCross,
    LastRise,
    LastFall,
}

/// What a condition compares the signal with.
#[derive(Debug, Clone, PartialEq)]
pub enum Level {
    Value(f64),
    /// Another vector (`WHEN v(a)=v(b)`).
    Sig(Sig),
}

/// A point in time found by a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// `AT=t`.
    At(f64),
    /// `sig` crosses `level`: the `which`-th crossing after `td`.
    Cross {
        sig: Sig,
        level: Level,
        which: Which,
        td: f64,
    },
}

/// A statistic over a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    Avg,
    Rms,
    Min,
    Max,
    Pp,
    Integ,
}

/// What a measure computes.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    TrigTarg {
        trig: Cond,
        targ: Cond,
    },
    When(Cond),
    Find {
        sig: Sig,
        at: Cond,
    },
    Deriv {
        sig: Sig,
        at: Cond,
    },
    Stat {
        stat: Stat,
        sig: Sig,
        from: Option<f64>,
        to: Option<f64>,
    },
    /// `PARAM=expr` of parameters and earlier measures.
    Param(Expr),
}

/// One `.meas` line, elaborated.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    /// Lower case, as ngspice prints it.
    pub name: String,
    /// `tran`, `dc` or `ac`.
    pub analysis: String,
    pub kind: Kind,
    /// The line as written (ngspice repeats it when a measure fails).
    pub text: String,
}

/// A measure's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub name: String,
    /// The value, or why the measure failed (ngspice goes on after a failed measure).
    pub value: Result<f64, String>,
    /// The `name=value` qualifiers ngspice prints after the value (`targ`, `trig`,
    /// `from`, `to`, `at`).
    pub extra: Vec<(&'static str, f64)>,
}

impl Outcome {
    /// The line ngspice prints for this measure (`name = value targ= ... trig= ...`), or
    /// its failure line.
    pub fn line(&self, m: &Measure) -> String {
        match &self.value {
            Ok(v) => {
                let e = |x: f64| super::num::fmt_c_exp(x, 6);
                let mut s = format!("{:<20}=  {}", self.name, e(*v));
                for (k, x) in &self.extra {
                    s.push_str(&format!(" {k}=  {}", e(*x)));
                }
                s
            }
            Err(e) => format!(
                "Error: measure  {} failed: {e}\n {} failed!",
                self.name, m.text
            ),
        }
    }
}

/// The times at which `v` crosses `level` (a value or another vector), with directions.
fn crossings_of(w: &Waveforms, sig: &Sig, level: &Level) -> Result<Vec<(f64, Edge)>, String> {
    let t = &w.scale.values;
    let v = sig.values(w)?;
    match level {
        Level::Value(x) => Ok(super::crossings_edges(t, &v, *x)),
        Level::Sig(s2) => {
            let u = s2.values(w)?;
            let d: Vec<f64> = v.iter().zip(&u).map(|(a, b)| a - b).collect();
            Ok(super::crossings_edges(t, &d, 0.0))
        }
    }
}

/// The time a condition names.
fn time_of(w: &Waveforms, c: &Cond) -> Result<f64, String> {
    match c {
        Cond::At(t) => Ok(*t),
        Cond::Cross {
            sig,
            level,
            which,
            td,
        } => {
            let all = crossings_of(w, sig, level)?;
            let after = all.into_iter().filter(|(t, _)| *t >= *td);
            let pick =
                |edge: Option<Edge>| after.filter(move |(_, e)| edge.is_none_or(|x| x == *e));
            let found = match *which {
                Which::Cross(n) => pick(None).nth(n.saturating_sub(1)),
                Which::Rise(n) => pick(Some(Edge::Rising)).nth(n.saturating_sub(1)),
                Which::Fall(n) => pick(Some(Edge::Falling)).nth(n.saturating_sub(1)),
                Which::LastCross => pick(None).next_back(),
                Which::LastRise => pick(Some(Edge::Rising)).next_back(),
                Which::LastFall => pick(Some(Edge::Falling)).next_back(),
            };
            found.map(|(t, _)| t).ok_or_else(|| {
                let lv = match level {
                    Level::Value(x) => format!("{x}"),
                    Level::Sig(s) => s.name(),
                };
                format!(
                    "{} never crosses {lv} as asked ({which:?} after {td:e})",
                    sig.name()
                )
            })
        }
    }
}

fn value_at(w: &Waveforms, sig: &Sig, t: f64) -> Result<f64, String> {
    let v = sig.values(w)?;
    interp(&w.scale.values, &v, t).ok_or_else(|| {
        format!(
            "{t:e} lies outside the analysis ({:e} .. {:e})",
            w.scale.values.first().copied().unwrap_or(0.0),
            w.scale.values.last().copied().unwrap_or(0.0)
        )
    })
}

/// The samples of `v` over `[from, to]`, the ends interpolated.
fn window(t: &[f64], v: &[f64], from: f64, to: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    if let Some(y) = interp(t, v, from) {
        out.push((from, y));
    }
    for (&x, &y) in t.iter().zip(v) {
        if x > from && x < to {
            out.push((x, y));
        }
    }
    if to > from {
        if let Some(y) = interp(t, v, to) {
            out.push((to, y));
        }
    }
    out
}

fn integrate(p: &[(f64, f64)], f: impl Fn(f64) -> f64) -> f64 {
    p.windows(2)
        .map(|s| 0.5 * (f(s[0].1) + f(s[1].1)) * (s[1].0 - s[0].0))
        .sum()
}

/// Evaluate `m` on `w`; `known` resolves names in `PARAM=` expressions (earlier measures,
/// then parameters).
pub fn evaluate(m: &Measure, w: &Waveforms, known: &dyn Fn(&str) -> Option<f64>) -> Outcome {
    let mut extra = Vec::new();
    let value = (|| -> Result<f64, String> {
        match &m.kind {
            Kind::TrigTarg { trig, targ } => {
                let t0 = time_of(w, trig)?;
                let t1 = time_of(w, targ)?;
                extra.push(("targ", t1));
                extra.push(("trig", t0));
                Ok(t1 - t0)
            }
            Kind::When(c) => time_of(w, c),
            Kind::Find { sig, at } => value_at(w, sig, time_of(w, at)?),
            Kind::Deriv { sig, at } => {
                let t = time_of(w, at)?;
                let x = &w.scale.values;
                let v = sig.values(w)?;
                if x.len() < 2 {
                    return Err("too few points for a derivative".into());
                }
                let i = x.partition_point(|&s| s < t).clamp(1, x.len() - 1);
                let dx = x[i] - x[i - 1];
                if dx == 0.0 {
                    return Err(format!("repeated point at {t:e}"));
                }
                Ok((v[i] - v[i - 1]) / dx)
            }
            Kind::Stat {
                stat,
                sig,
                from,
                to,
            } => {
                let x = &w.scale.values;
                let v = sig.values(w)?;
                let lo = from.unwrap_or_else(|| x.first().copied().unwrap_or(0.0));
                let hi = to.unwrap_or_else(|| x.last().copied().unwrap_or(0.0));
                if hi < lo {
                    return Err(format!("from={lo:e} lies after to={hi:e}"));
                }
                let p = window(x, &v, lo, hi);
                if p.is_empty() {
                    return Err(format!("no points between {lo:e} and {hi:e}"));
                }
                let span = hi - lo;
                let arg = |better: fn(f64, f64) -> bool| {
                    p.iter()
                        .copied()
                        .fold(p[0], |b, q| if better(q.1, b.1) { q } else { b })
                };
                match stat {
                    Stat::Min | Stat::Max => {
                        let (at, y) = if *stat == Stat::Min {
                            arg(|a, b| a < b)
                        } else {
                            arg(|a, b| a > b)
                        };
                        extra.push(("at", at));
                        Ok(y)
                    }
                    Stat::Pp => {
                        extra.push(("from", lo));
                        extra.push(("to", hi));
                        Ok(arg(|a, b| a > b).1 - arg(|a, b| a < b).1)
                    }
                    Stat::Integ | Stat::Avg | Stat::Rms => {
                        extra.push(("from", lo));
                        extra.push(("to", hi));
                        if *stat == Stat::Integ {
                            return Ok(integrate(&p, |y| y));
                        }
                        if span <= 0.0 {
                            return Err("empty window".into());
                        }
                        if *stat == Stat::Avg {
                            Ok(integrate(&p, |y| y) / span)
                        } else {
                            Ok((integrate(&p, |y| y * y) / span).sqrt())
                        }
                    }
                }
            }
            Kind::Param(e) => crate::netlist::expr::eval(e, known).map_err(|e| e.to_string()),
        }
    })();
    Outcome {
        name: m.name.clone(),
        value,
        extra,
    }
}

/// Evaluate every measure of `analysis` on `w`, in order; each `PARAM=` sees the measures
/// before it, then `params`.
pub fn evaluate_all(
    measures: &[Measure],
    w: &Waveforms,
    analysis: &str,
    params: &[(String, f64)],
) -> Vec<Outcome> {
    let mut done: Vec<Outcome> = Vec::new();
    for m in measures.iter().filter(|m| m.analysis == analysis) {
        let known = |n: &str| {
            done.iter()
                .rev()
                .find(|o| o.name == n)
                .and_then(|o| o.value.clone().ok())
                .or_else(|| params.iter().find(|p| p.0 == n).map(|p| p.1))
        };
        let o = evaluate(m, w, &known);
        done.push(o);
    }
    done
}

#[cfg(test)]
mod tests;

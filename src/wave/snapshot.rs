//! A compact, stable text form of waveforms for snapshot tests (`insta`).
//!
//! Solver output changes in the last digits whenever a step-size heuristic changes; a
//! snapshot of raw time points would churn on every such change. This format therefore
//! records only what a reader checks by eye:
//!
//! ```text
//! spinspice waveform snapshot v1
//! title: rc low-pass
//! analysis: Transient Analysis
//! signals: v(out) [V], i(v1) [A]
//! digits: 4
//! grid: time [s], 3 points from 0 to 2.000e-09, linear interpolation
//! time        v(out)      i(v1)
//! 0           0           0
//! 1.000e-09   6.321e-01   3.679e-04
//! 2.000e-09   8.647e-01   1.353e-04
//! events: v(out) crosses 5.000e-01
//!   rise 6.931e-10
//! ```
//!
//! * Header: title, analysis (the plot name), the chosen signals with their units, and the
//!   number of significant digits every number is rounded to.
//! * Grid (optional): each signal linearly interpolated at `n` evenly spaced scale values
//!   from `start` to `stop` inclusive, one row per grid point. A value whose magnitude is
//!   below `10^-digits` times the signal's largest magnitude on the grid prints as `0`,
//!   so numerical noise around zero does not churn the snapshot.
//! * Events (optional): for each (signal, threshold), every crossing found on the full
//!   resolution waveform (see [`crate::wave::crossings_edges`]), `rise` or `fall` with its
//!   interpolated scale value, or `(none)`. A crossing time below `10^-digits` times the
//!   scale's largest magnitude prints as `0`.
//!
//! Numbers are C-style `d.ddde±XX` with `digits` significant digits, or `0`.
//!
//! Use in a test (with `insta` as a dev-dependency of your crate):
//! ```
//! use spinspice::wave::snapshot::{snapshot, SnapshotSpec};
//! use spinspice::wave::{Signal, Waveforms};
//! let w = Waveforms {
//!     title: "ramp".into(),
//!     plotname: "Transient Analysis".into(),
//!     scale: Signal::new("time", vec![0.0, 1e-9, 2e-9]),
//!     signals: vec![Signal::new("v(out)", vec![0.0, 0.5, 1.0])],
//! };
//! let text = snapshot(&w, &SnapshotSpec::grid(0.0, 2e-9, 3))?;
//! assert!(text.contains("\n1.000e-09   5.000e-01\n"));
//! // insta::assert_snapshot!("ramp", text);
//! # Ok::<(), spinspice::Error>(())
//! ```

use super::num::fmt_sig;
use super::{crossings_edges, interp, Edge, Signal, Waveforms};
use crate::{Error, Result};

/// What a snapshot shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotSpec {
    /// Resample on `n` evenly spaced points from `start` to `stop` (inclusive), or no grid.
    pub grid: Option<(f64, f64, usize)>,
    /// Signals to show, by name (case-insensitive); empty means every signal.
    pub signals: Vec<String>,
    /// Significant digits of every number (1 to 17; 4 by default).
    pub digits: usize,
    /// Threshold crossings to list: (signal name, threshold).
    pub events: Vec<(String, f64)>,
}

impl Default for SnapshotSpec {
    fn default() -> Self {
        SnapshotSpec {
            grid: None,
            signals: Vec::new(),
            digits: 4,
            events: Vec::new(),
        }
    }
}

impl SnapshotSpec {
    /// A spec with a grid of `n` points over `[start, stop]`, every signal, 4 digits.
    pub fn grid(start: f64, stop: f64, n: usize) -> Self {
        SnapshotSpec {
            grid: Some((start, stop, n)),
            ..Default::default()
        }
    }
}

fn lookup<'a>(w: &'a Waveforms, name: &str) -> Result<&'a Signal> {
    w.get(name).ok_or_else(|| {
        let names: Vec<&str> = w.signals.iter().map(|s| s.name.as_str()).collect();
        Error::Usage(format!(
            "snapshot: no signal `{name}` in plot \"{}\"; it has {}",
            w.plotname,
            names.join(", ")
        ))
    })
}

/// Render `w` as snapshot text according to `spec` (see the module docs for the format).
pub fn snapshot(w: &Waveforms, spec: &SnapshotSpec) -> Result<String> {
    w.validate()?;
    if w.is_complex() {
        // An `.ac` plot: magnitude in dB and phase, the way a Bode plot is read; a complex
        // signal named in the spec stands for those two columns.
        let mut spec = spec.clone();
        let named: Vec<String> = if spec.signals.is_empty() {
            w.signals.iter().map(|s| s.name.clone()).collect()
        } else {
            spec.signals.clone()
        };
        spec.signals = named
            .iter()
            .flat_map(|n| match w.get(n) {
                Some(s) if s.is_complex() => {
                    let [_, _, _, p, db] = super::complex_columns(&s.name);
                    vec![db, p]
                }
                _ => vec![n.clone()],
            })
            .collect();
        let real = w.expand_complex();
        return snapshot(&real, &spec);
    }
    if !(1..=17).contains(&spec.digits) {
        return Err(Error::Usage(format!(
            "snapshot: digits must be 1 to 17, got {}",
            spec.digits
        )));
    }
    if spec.grid.is_none() && spec.events.is_empty() {
        return Err(Error::Usage(
            "snapshot: the spec asks for neither a grid nor events".into(),
        ));
    }
    let d = spec.digits;
    let chosen: Vec<&Signal> = if spec.signals.is_empty() {
        w.signals.iter().collect()
    } else {
        spec.signals
            .iter()
            .map(|n| lookup(w, n))
            .collect::<Result<_>>()?
    };
    let mut out = String::new();
    out.push_str("spinspice waveform snapshot v1\n");
    out.push_str(&format!("title: {}\n", w.title.trim()));
    out.push_str(&format!("analysis: {}\n", w.plotname));
    let list: Vec<String> = chosen
        .iter()
        .map(|s| format!("{} [{}]", s.name, s.unit.symbol()))
        .collect();
    out.push_str(&format!("signals: {}\n", list.join(", ")));
    out.push_str(&format!("digits: {d}\n"));

    if let Some((start, stop, n)) = spec.grid {
        grid_section(&mut out, w, &chosen, start, stop, n, d)?;
    }
    for (name, th) in &spec.events {
        let s = lookup(w, name)?;
        out.push_str(&format!("events: {} crosses {}\n", s.name, fmt_sig(*th, d)));
        let ev = crossings_edges(&w.scale.values, &s.values, *th);
        // A crossing at the scale's zero (a sweep through 0 V) is found at ±1e-30 or so,
        // depending on noise: flatten like grid values, relative to the scale's extent.
        let floor =
            w.scale.values.iter().fold(0.0f64, |m, v| m.max(v.abs())) * 10f64.powi(-(d as i32));
        if ev.is_empty() {
            out.push_str("  (none)\n");
        }
        for (t, e) in ev {
            let kind = match e {
                Edge::Rising => "rise",
                Edge::Falling => "fall",
            };
            let t = if t.abs() < floor { 0.0 } else { t };
            out.push_str(&format!("  {kind} {}\n", fmt_sig(t, d)));
        }
    }
    Ok(out)
}

fn grid_section(
    out: &mut String,
    w: &Waveforms,
    chosen: &[&Signal],
    start: f64,
    stop: f64,
    n: usize,
    d: usize,
) -> Result<()> {
    let x = &w.scale.values;
    if n == 0
        || !start.is_finite()
        || !stop.is_finite()
        || stop < start
        || (n == 1 && stop != start)
    {
        return Err(Error::Usage(format!(
            "snapshot: bad grid ({start}, {stop}, {n}): need start <= stop and n >= 2 (n = 1 when start = stop)"
        )));
    }
    if x.windows(2).any(|p| p[1] < p[0]) {
        return Err(Error::Usage(format!(
            "snapshot: the scale {} is not monotonic (a nested sweep?); use events or split the plot",
            w.scale.name
        )));
    }
    let (lo, hi) = match (x.first(), x.last()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => {
            return Err(Error::Usage(
                "snapshot: the plot has no points to resample".into(),
            ))
        }
    };
    // Sweeps accumulate rounding (ngspice's last point of -1..1 step 0.1 is
    // 0.9999999999999998): grid ends within 1e-9 of the range width count as inside.
    let eps = (hi - lo).abs() * 1e-9;
    if start < lo - eps || stop > hi + eps {
        return Err(Error::Usage(format!(
            "snapshot: grid {start}..{stop} lies outside the data's {} range {lo}..{hi}",
            w.scale.name
        )));
    }
    let points: Vec<f64> = (0..n)
        .map(|i| {
            if n == 1 {
                start
            } else if i == n - 1 {
                stop
            } else {
                start + (stop - start) * i as f64 / (n - 1) as f64
            }
        })
        .collect();
    let cols: Vec<Vec<f64>> = chosen
        .iter()
        .map(|s| {
            points
                .iter()
                .map(|&p| interp(x, &s.values, p.clamp(lo, hi)).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    out.push_str(&format!(
        "grid: {} [{}], {n} points from {} to {}, linear interpolation\n",
        w.scale.name,
        w.scale.unit.symbol(),
        fmt_sig(start, d),
        fmt_sig(stop, d)
    ));
    let width = d + 8;
    let mut header = format!("{:<width$}", w.scale.name);
    for s in chosen {
        header.push_str(&format!("{:<width$}", s.name));
    }
    out.push_str(header.trim_end());
    out.push('\n');
    let floors: Vec<f64> = cols
        .iter()
        .map(|c| c.iter().fold(0.0f64, |m, v| m.max(v.abs())) * 10f64.powi(-(d as i32)))
        .collect();
    for (i, p) in points.iter().enumerate() {
        let mut row = format!("{:<width$}", fmt_sig(*p, d));
        for (c, floor) in cols.iter().zip(&floors) {
            let v = if c[i].abs() < *floor { 0.0 } else { c[i] };
            row.push_str(&format!("{:<width$}", fmt_sig(v, d)));
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc() -> Waveforms {
        // v(out) = 1 - exp(-t/tau), tau = 1 ns, finely sampled.
        let t: Vec<f64> = (0..=2000).map(|i| i as f64 / 1e12).collect();
        Waveforms {
            title: "rc".into(),
            plotname: "Transient Analysis".into(),
            signals: vec![
                Signal::new(
                    "v(out)",
                    t.iter().map(|t| 1.0 - (-t / 1e-9).exp()).collect(),
                ),
                Signal::new(
                    "i(v1)",
                    t.iter().map(|t| -1e-3 * (-t / 1e-9).exp()).collect(),
                ),
            ],
            scale: Signal::new("time", t),
        }
    }

    #[test]
    fn exact_text() {
        let spec = SnapshotSpec {
            grid: Some((0.0, 2e-9, 3)),
            signals: vec!["v(out)".into()],
            digits: 4,
            events: vec![("V(OUT)".into(), 0.5)],
        };
        let s = snapshot(&rc(), &spec).unwrap();
        // Grid values are exact samples (1 ns and 2 ns are sample points): 1-e^-1, 1-e^-2.
        // The crossing of 0.5 is at ln 2 ns = 6.931e-10 (interpolation error ~1e-16 s).
        let expect = "spinspice waveform snapshot v1
title: rc
analysis: Transient Analysis
signals: v(out) [V]
digits: 4
grid: time [s], 3 points from 0 to 2.000e-09, linear interpolation
time        v(out)
0           0
1.000e-09   6.321e-01
2.000e-09   8.647e-01
events: v(out) crosses 5.000e-01
  rise 6.931e-10
";
        assert_eq!(s, expect);
    }

    #[test]
    fn ac_plots_show_db_and_phase() {
        let w = Waveforms {
            title: "lp".into(),
            plotname: "AC Analysis".into(),
            scale: Signal::new("frequency", vec![1.0, 2.0]),
            signals: vec![Signal::complex("v(out)", vec![1.0, 0.0], vec![0.0, -0.1])],
        };
        let spec = SnapshotSpec {
            grid: Some((1.0, 2.0, 2)),
            signals: vec!["v(out)".into()],
            ..SnapshotSpec::default()
        };
        let s = snapshot(&w, &spec).unwrap();
        assert!(s.contains("signals: vdb(out) [dB], vp(out) [rad]\n"), "{s}");
        assert!(s.contains("\n2.000e+00   -2.000e+01  -1.571e+00\n"), "{s}");
        let all = snapshot(&w, &SnapshotSpec::grid(1.0, 2.0, 2)).unwrap();
        assert!(
            all.contains("signals: vdb(out) [dB], vp(out) [rad]\n"),
            "{all}"
        );
    }

    #[test]
    fn noise_near_zero_is_flattened() {
        let mut w = rc();
        // A signal that is 1e-18-level noise on a 1 V swing prints as 0.
        w.signals[0].values[0] = 3e-18;
        let spec = SnapshotSpec::grid(0.0, 1e-9, 2);
        let s = snapshot(&w, &spec).unwrap();
        assert!(s.contains("\n0           0           -1.000e-03\n"), "{s}");
    }

    #[test]
    fn bad_specs_are_errors() {
        let w = rc();
        let e = snapshot(&w, &SnapshotSpec::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("neither a grid nor events"));
        let e = snapshot(&w, &SnapshotSpec::grid(0.0, 1e-6, 5))
            .unwrap_err()
            .to_string();
        assert!(e.contains("outside the data's time range"), "{e}");
        let spec = SnapshotSpec {
            signals: vec!["v(nope)".into()],
            ..SnapshotSpec::grid(0.0, 1e-9, 2)
        };
        let e = snapshot(&w, &spec).unwrap_err().to_string();
        assert!(
            e.contains("no signal `v(nope)`") && e.contains("v(out), i(v1)"),
            "{e}"
        );
        let spec = SnapshotSpec {
            digits: 0,
            ..SnapshotSpec::grid(0.0, 1e-9, 2)
        };
        assert!(snapshot(&w, &spec).is_err());
    }
}

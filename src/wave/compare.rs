//! Compare two sets of plots (a reference, usually ngspice's raw file, and ours) vector by
//! vector, within the tolerances the ngspice compatibility suite states:
//!
//! - **operating point and DC sweeps**: every point within `abs + rel·|ref|`, with `abs`
//!   1 µV for voltages and 1 nA for currents (ngspice's own `vntol` and 1000·`abstol`: a
//!   current below a nanoampere in a volt-level circuit is numerical noise) and `rel` 1e-4;
//! - **transients, smooth signals**: ours, interpolated linearly onto the reference's time
//!   points, within 0.1 % of the reference's swing (plus the same absolute floor);
//! - **transients, switching signals** (a jump of more than a fifth of the swing between
//!   two reference samples): the same number of mid-swing crossings, each within 0.1 % of
//!   the simulated span or two reference steps, whichever is larger: two simulators place
//!   their time points differently and a sharp edge sampled 1 ps apart differs by volts,
//!   not by a meaningful amount.
//!
//! - **small-signal (`.ac`) plots**: every complex point within `abs + rel·|ref|` of the
//!   reference phasor (the distance in the complex plane, so magnitude and phase together),
//!   with the operating point's floors and `rel`;
//!
//! Vectors are matched by name, after normalising ngspice's spellings (`out` and `v(out)`,
//! `v1#branch` and `i(v1)`); plots in order, by kind.

use super::{interp, Signal, Unit, Waveforms};

/// The tolerances (see the module docs for their defaults and why).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Relative tolerance of operating-point and DC values.
    pub rel: f64,
    /// Absolute floor for voltages (V).
    pub abs_voltage: f64,
    /// Absolute floor for currents (A).
    pub abs_current: f64,
    /// Fraction of the reference's swing allowed for smooth transient signals.
    pub swing: f64,
    /// Fraction of the simulated span allowed for crossing times.
    pub crossing_span: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            rel: 1e-4,
            abs_voltage: 1e-6,
            abs_current: 1e-9,
            swing: 1e-3,
            crossing_span: 1e-3,
        }
    }
}

/// How one vector was compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Point by point (operating point, DC sweep).
    Points,
    /// Interpolated onto the reference's scale, against a fraction of its swing.
    Swing,
    /// By its mid-swing crossing times.
    Crossings,
    /// Complex points (`.ac`), by their distance in the complex plane.
    Complex,
}

/// The comparison of one vector.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorDiff {
    /// The normalised name (`v(out)`, `i(v1)`).
    pub name: String,
    pub method: Method,
    /// The worst difference found (in the vector's unit, or seconds for crossings).
    pub worst: f64,
    /// What was allowed at that point.
    pub allowed: f64,
    /// Where (the scale value of the worst point).
    pub at: f64,
    /// Within tolerance.
    pub ok: bool,
    /// Why it failed, when that is not a number (crossing counts differ, ...).
    pub note: Option<String>,
}

/// The comparison of one plot.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotDiff {
    /// The reference's plot name ("Transient Analysis", ...).
    pub plotname: String,
    pub vectors: Vec<VectorDiff>,
    /// Reference vectors we did not produce.
    pub missing: Vec<String>,
}

impl PlotDiff {
    /// Every reference vector is there and within tolerance.
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.vectors.iter().all(|v| v.ok)
    }

    /// The failing vector that is furthest outside its tolerance.
    pub fn worst(&self) -> Option<&VectorDiff> {
        self.vectors.iter().filter(|v| !v.ok).max_by(|a, b| {
            let ra = a.worst / a.allowed.max(f64::MIN_POSITIVE);
            let rb = b.worst / b.allowed.max(f64::MIN_POSITIVE);
            ra.total_cmp(&rb)
        })
    }
}

/// The comparison of a whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDiff {
    pub plots: Vec<PlotDiff>,
    /// Reference plots with no counterpart in ours (by kind, in order).
    pub missing_plots: Vec<String>,
}

impl RunDiff {
    /// Every reference plot and vector matched.
    pub fn ok(&self) -> bool {
        self.missing_plots.is_empty() && self.plots.iter().all(PlotDiff::ok)
    }

    /// One line saying why not (empty when [`RunDiff::ok`]).
    pub fn reason(&self) -> String {
        if let Some(p) = self.missing_plots.first() {
            return format!("no \"{p}\" plot");
        }
        for p in &self.plots {
            if let Some(m) = p.missing.first() {
                return format!("{}: no vector {m}", p.plotname);
            }
            if let Some(v) = p.worst() {
                return match &v.note {
                    Some(n) => format!("{}: {}: {n}", p.plotname, v.name),
                    None => format!(
                        "{}: {}: off by {:.3e} (allowed {:.3e}) at {:.6e}",
                        p.plotname, v.name, v.worst, v.allowed, v.at
                    ),
                };
            }
        }
        String::new()
    }
}

/// ngspice's spellings of a vector name, normalised: lower case, `name#branch` → `i(name)`,
/// a bare node `out` → `v(out)`, `v(a,b)` without blanks.
pub fn normalise(name: &str) -> String {
    let n: String = name
        .trim()
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if let Some(b) = n.strip_suffix("#branch") {
        return format!("i({b})");
    }
    // The vectors of `.tf` and `.noise` are bare names that ngspice's raw files wrap in
    // `v(..)`/`i(..)` (`v(transfer_function)`, `i(inoise_total)`).
    let special = |m: &str| {
        m == "transfer_function"
            || m.starts_with("output_impedance_at_")
            || m.ends_with("#input_impedance")
            || m.ends_with("#output_impedance")
            || m.starts_with("onoise_")
            || m.starts_with("inoise_")
    };
    if special(&n) {
        return n;
    }
    if let Some(inner) = n
        .strip_prefix("v(")
        .or_else(|| n.strip_prefix("i("))
        .and_then(|m| m.strip_suffix(')'))
    {
        if special(inner) {
            return inner.to_string();
        }
    }
    if n.contains('(') || n.contains('[') || n.contains('#') || n.starts_with('@') {
        return n;
    }
    match n.as_str() {
        "time" | "frequency" | "v-sweep" | "i-sweep" | "temp-sweep" | "res-sweep" => n,
        _ => format!("v({n})"),
    }
}

fn kind(plotname: &str) -> String {
    let p = plotname.to_ascii_lowercase();
    for k in ["transient", "dc", "operating", "ac", "noise", "transfer"] {
        if p.contains(k) {
            return k.into();
        }
    }
    p
}

/// Compare every plot of `reference` with its counterpart in `ours` (the next one of the
/// same kind, in order).
pub fn compare_runs(reference: &[Waveforms], ours: &[Waveforms], tol: &Tolerance) -> RunDiff {
    let mut used = vec![false; ours.len()];
    let mut plots = Vec::new();
    let mut missing_plots = Vec::new();
    for r in reference {
        let k = kind(&r.plotname);
        let found = ours
            .iter()
            .enumerate()
            .find(|(i, o)| !used[*i] && kind(&o.plotname) == k);
        match found {
            Some((i, o)) => {
                used[i] = true;
                plots.push(compare_plots(r, o, tol));
            }
            None => missing_plots.push(r.plotname.clone()),
        }
    }
    RunDiff {
        plots,
        missing_plots,
    }
}

fn abs_floor(s: &Signal, tol: &Tolerance) -> f64 {
    match s.unit {
        Unit::Current => tol.abs_current,
        _ if s.name.starts_with("i(") || s.name.ends_with("#branch") => tol.abs_current,
        _ => tol.abs_voltage,
    }
}

/// Compare one plot with the reference's.
pub fn compare_plots(reference: &Waveforms, ours: &Waveforms, tol: &Tolerance) -> PlotDiff {
    // The scale first, so that a signal of the same name wins.
    let lookup: std::collections::HashMap<String, &Signal> = std::iter::once(&ours.scale)
        .chain(ours.signals.iter())
        .map(|s| (normalise(&s.name), s))
        .collect();
    let k = kind(&reference.plotname);
    let transient = k == "transient";
    // An operating point's "scale" is just its first vector (ngspice writes it so), and so
    // is that of `.tf`'s and of `.noise`'s integrated plot.
    let one_point = k == "operating"
        || k == "transfer"
        || reference
            .plotname
            .eq_ignore_ascii_case(super::NOISE_INTEGRATED_PLOT);
    let op_scale = one_point.then_some(&reference.scale);
    let mut vectors = Vec::new();
    let mut missing = Vec::new();
    for r in op_scale.into_iter().chain(reference.signals.iter()) {
        let name = normalise(&r.name);
        let Some(o) = lookup.get(&name) else {
            missing.push(name);
            continue;
        };
        let floor = abs_floor(r, tol);
        let d = if r.is_complex() || o.is_complex() {
            compare_complex(
                &reference.scale.values,
                r,
                &ours.scale.values,
                o,
                floor,
                tol,
            )
        } else if transient {
            compare_transient(
                &reference.scale.values,
                r,
                &ours.scale.values,
                o,
                floor,
                tol,
            )
        } else {
            compare_points(
                &reference.scale.values,
                r,
                &ours.scale.values,
                o,
                floor,
                tol,
            )
        };
        vectors.push(VectorDiff { name, ..d });
    }
    PlotDiff {
        plotname: reference.plotname.clone(),
        vectors,
        missing,
    }
}

fn blank(method: Method) -> VectorDiff {
    VectorDiff {
        name: String::new(),
        method,
        worst: 0.0,
        allowed: 0.0,
        at: 0.0,
        ok: true,
        note: None,
    }
}

fn compare_points(
    rx: &[f64],
    r: &Signal,
    ox: &[f64],
    o: &Signal,
    floor: f64,
    tol: &Tolerance,
) -> VectorDiff {
    let mut d = blank(Method::Points);
    let same_grid = rx.len() == ox.len()
        && rx
            .iter()
            .zip(ox)
            .all(|(a, b)| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-30));
    let mut worst_ratio = -1.0;
    for (k, (&x, &want)) in rx.iter().zip(&r.values).enumerate() {
        let got = if same_grid {
            o.values.get(k).copied()
        } else if ox.len() < 2 {
            o.values.first().copied()
        } else {
            interp_any(ox, &o.values, x)
        };
        let Some(got) = got else {
            return VectorDiff {
                ok: false,
                at: x,
                note: Some(format!("no value at {x:.6e}")),
                ..d
            };
        };
        let allowed = floor + tol.rel * want.abs();
        note_worst(&mut d, &mut worst_ratio, (got - want).abs(), allowed, x);
    }
    d.ok = worst_ratio <= 1.0;
    d
}

/// Keep in `d` the point furthest outside its tolerance so far (`worst_ratio` is its
/// error over what was allowed; a NaN error counts as infinitely far).
fn note_worst(d: &mut VectorDiff, worst_ratio: &mut f64, err: f64, allowed: f64, at: f64) {
    let err = if err.is_nan() { f64::INFINITY } else { err };
    let ratio = err / allowed;
    if ratio > *worst_ratio {
        *worst_ratio = ratio;
        d.worst = err;
        d.allowed = allowed;
        d.at = at;
    }
}

fn compare_complex(
    rx: &[f64],
    r: &Signal,
    ox: &[f64],
    o: &Signal,
    floor: f64,
    tol: &Tolerance,
) -> VectorDiff {
    let mut d = blank(Method::Complex);
    let im = |s: &Signal, k: usize| s.imag.get(k).copied().unwrap_or(0.0);
    if rx.len() != ox.len()
        || rx
            .iter()
            .zip(ox)
            .any(|(a, b)| (a - b).abs() > 1e-9 * a.abs().max(b.abs()))
    {
        return VectorDiff {
            ok: false,
            note: Some(format!(
                "the frequency points differ ({} here, {} in the reference)",
                ox.len(),
                rx.len()
            )),
            ..d
        };
    }
    let mut worst_ratio = -1.0;
    for (k, &x) in rx.iter().enumerate() {
        let err = (o.values[k] - r.values[k]).hypot(im(o, k) - im(r, k));
        let allowed = floor + tol.rel * r.magnitude(k);
        note_worst(&mut d, &mut worst_ratio, err, allowed, x);
    }
    d.ok = worst_ratio <= 1.0;
    d
}

/// Linear interpolation on a scale that may run downwards (DC sweeps from high to low).
fn interp_any(x: &[f64], y: &[f64], at: f64) -> Option<f64> {
    if x.first() > x.last() {
        let xr: Vec<f64> = x.iter().rev().copied().collect();
        let yr: Vec<f64> = y.iter().rev().copied().collect();
        interp(&xr, &yr, at)
    } else {
        interp(x, y, at)
    }
}

fn swing(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// A signal that jumps by more than a fifth of its swing between two samples.
fn is_switching(v: &[f64], lo: f64, hi: f64) -> bool {
    let s = hi - lo;
    s > 0.0 && v.windows(2).any(|w| (w[1] - w[0]).abs() > 0.2 * s)
}

fn compare_transient(
    rt: &[f64],
    r: &Signal,
    ot: &[f64],
    o: &Signal,
    floor: f64,
    tol: &Tolerance,
) -> VectorDiff {
    let (lo, hi) = swing(&r.values);
    if !lo.is_finite() || ot.is_empty() {
        return VectorDiff {
            ok: false,
            note: Some("empty".into()),
            ..blank(Method::Swing)
        };
    }
    let allowed = tol.swing * (hi - lo) + floor;
    // Compare over the span both cover (ngspice may stop a step early or late).
    let t_end = rt
        .last()
        .copied()
        .unwrap_or(0.0)
        .min(ot.last().copied().unwrap_or(0.0));
    let mut d = blank(Method::Swing);
    d.allowed = allowed;
    for (&t, &want) in rt.iter().zip(&r.values) {
        if t > t_end {
            break;
        }
        let Some(got) = interp(ot, &o.values, t) else {
            continue;
        };
        let err = (got - want).abs();
        let err = if err.is_nan() { f64::INFINITY } else { err };
        if err > d.worst {
            d.worst = err;
            d.at = t;
        }
    }
    d.ok = d.worst <= allowed;
    if d.ok || !is_switching(&r.values, lo, hi) {
        return d;
    }
    // A switching signal: compare its edges instead.
    let mid = 0.5 * (lo + hi);
    let clip = |ts: Vec<f64>| -> Vec<f64> { ts.into_iter().filter(|&t| t <= t_end).collect() };
    let rc = clip(super::crossings_both(rt, &r.values, mid));
    let oc = clip(super::crossings_both(ot, &o.values, mid));
    let span = t_end - rt.first().copied().unwrap_or(0.0);
    let mut steps: Vec<f64> = rt.windows(2).map(|w| w[1] - w[0]).collect();
    steps.sort_by(f64::total_cmp);
    let median_step = steps.get(steps.len() / 2).copied().unwrap_or(0.0);
    let allowed = (tol.crossing_span * span).max(2.0 * median_step);
    let mut c = VectorDiff {
        allowed,
        ..blank(Method::Crossings)
    };
    // An edge within `allowed` of the end may fall on either side of it.
    let inner = |ts: &[f64]| ts.iter().filter(|&&t| t < t_end - allowed).count();
    if inner(&rc) != inner(&oc) {
        c.ok = false;
        c.note = Some(format!(
            "{} crossings of {mid:.4e} in the reference, {} in ours",
            rc.len(),
            oc.len()
        ));
        return c;
    }
    for (a, b) in rc.iter().zip(&oc) {
        if *a >= t_end - allowed {
            break;
        }
        let e = (a - b).abs();
        if e > c.worst {
            c.worst = e;
            c.at = *a;
        }
    }
    c.ok = c.worst <= allowed;
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plot(name: &str, scale: &str, x: Vec<f64>, sigs: Vec<(&str, Vec<f64>)>) -> Waveforms {
        Waveforms {
            title: "t".into(),
            plotname: name.into(),
            scale: Signal::new(scale, x),
            signals: sigs.into_iter().map(|(n, v)| Signal::new(n, v)).collect(),
        }
    }

    #[test]
    fn names_normalise_as_ngspice_spells_them() {
        assert_eq!(normalise("OUT"), "v(out)");
        assert_eq!(normalise("v(Out)"), "v(out)");
        assert_eq!(normalise("V1#branch"), "i(v1)");
        assert_eq!(normalise("v(a, b)"), "v(a,b)");
        assert_eq!(normalise("time"), "time");
        assert_eq!(normalise("@m1[id]"), "@m1[id]");
        assert_eq!(normalise("v(Transfer_function)"), "transfer_function");
        assert_eq!(
            normalise("v(output_impedance_at_V(x))"),
            "output_impedance_at_v(x)"
        );
        assert_eq!(normalise("i(inoise_total)"), "inoise_total");
        assert_eq!(normalise("onoise_r1_thermal"), "onoise_r1_thermal");
    }

    #[test]
    fn ac_plots_compare_phasors() {
        let ac = |re: f64, im: f64| Waveforms {
            title: "t".into(),
            plotname: "AC Analysis".into(),
            scale: Signal::new("frequency", vec![1.0, 1e3]),
            signals: vec![Signal::complex("v(out)", vec![1.0, re], vec![0.0, im])],
        };
        let r = ac(0.0, -0.5);
        let tol = Tolerance::default();
        // |ref| = 0.5: allowed 1e-6 + 5e-5.
        assert!(compare_runs(std::slice::from_ref(&r), &[ac(4e-5, -0.5)], &tol).ok());
        let d = compare_runs(std::slice::from_ref(&r), &[ac(0.0, 0.5)], &tol);
        assert!(!d.ok());
        assert!(
            d.reason()
                .starts_with("AC Analysis: v(out): off by 1.000e0"),
            "{}",
            d.reason()
        );
        assert_eq!(d.plots[0].vectors[0].method, Method::Complex);
    }

    #[test]
    fn operating_points_within_abs_plus_rel() {
        let r = plot(
            "Operating Point",
            "v(a)",
            vec![1.0],
            vec![("a", vec![1.0]), ("v1#branch", vec![-1e-3])],
        );
        // 1 V: allowed 1e-6 + 1e-4 = 1.01e-4; 1 mA: 1e-9 + 1e-7.
        let good = plot(
            "Operating Point",
            "v(a)",
            vec![1.0],
            vec![("v(a)", vec![1.0001]), ("i(v1)", vec![-1.0001e-3])],
        );
        let bad = plot(
            "Operating Point",
            "v(a)",
            vec![1.0],
            vec![("v(a)", vec![1.0002]), ("i(v1)", vec![-1.0e-3])],
        );
        let tol = Tolerance::default();
        assert!(compare_runs(std::slice::from_ref(&r), &[good], &tol).ok());
        let d = compare_runs(&[r], &[bad], &tol);
        assert!(!d.ok());
        assert!(
            d.reason()
                .starts_with("Operating Point: v(a): off by 2.000e-4"),
            "{}",
            d.reason()
        );
    }

    #[test]
    fn smooth_transient_within_a_thousandth_of_swing_on_other_time_points() {
        let t: Vec<f64> = (0..=100).map(|k| k as f64 * 1e-9).collect();
        let v: Vec<f64> = t.iter().map(|&t| 1.0 - (-t / 2e-8).exp()).collect();
        let r = plot("Transient Analysis", "time", t, vec![("out", v)]);
        let t2: Vec<f64> = (0..=333).map(|k| k as f64 * 0.3e-9).collect();
        let near: Vec<f64> = t2.iter().map(|&t| 1.0 - (-t / 2e-8).exp() + 2e-4).collect();
        let far: Vec<f64> = t2.iter().map(|&t| 1.0 - (-t / 2.1e-8).exp()).collect();
        let tol = Tolerance::default();
        let ok = plot(
            "Transient Analysis",
            "time",
            t2.clone(),
            vec![("v(out)", near)],
        );
        assert!(compare_runs(std::slice::from_ref(&r), &[ok], &tol).ok());
        let off = plot("Transient Analysis", "time", t2, vec![("v(out)", far)]);
        let d = compare_runs(&[r], &[off], &tol);
        assert!(!d.ok());
        assert_eq!(d.plots[0].vectors[0].method, Method::Swing);
    }

    #[test]
    fn switching_signals_compare_by_edges() {
        // A square wave with edges at 10, 20, 30 ns; ours has them 5 ps late (allowed:
        // 0.1 % of 40 ns = 40 ps) but its samples differ by volts next to each edge.
        let sq = |t: f64, d: f64| {
            if ((t - d) / 10e-9).floor() as i64 % 2 == 1 {
                1.0
            } else {
                0.0
            }
        };
        let t: Vec<f64> = (0..=4000).map(|k| k as f64 * 10e-12).collect();
        let r = plot(
            "Transient Analysis",
            "time",
            t.clone(),
            vec![("q", t.iter().map(|&t| sq(t, 0.0)).collect())],
        );
        let o = plot(
            "Transient Analysis",
            "time",
            t.clone(),
            vec![("q", t.iter().map(|&t| sq(t, 5e-12)).collect())],
        );
        let tol = Tolerance::default();
        let d = compare_runs(std::slice::from_ref(&r), &[o], &tol);
        assert!(d.ok(), "{}", d.reason());
        assert_eq!(d.plots[0].vectors[0].method, Method::Crossings);
        let late = plot(
            "Transient Analysis",
            "time",
            t.clone(),
            vec![("q", t.iter().map(|&t| sq(t, 100e-12)).collect())],
        );
        assert!(!compare_runs(std::slice::from_ref(&r), &[late], &tol).ok());
        let missing_edge = plot(
            "Transient Analysis",
            "time",
            t.clone(),
            vec![(
                "q",
                t.iter()
                    .map(|&t| if t < 20e-9 { sq(t, 0.0) } else { 0.0 })
                    .collect(),
            )],
        );
        let d = compare_runs(&[r], &[missing_edge], &tol);
        assert!(d.reason().contains("crossings"), "{}", d.reason());
    }

    #[test]
    fn missing_vectors_and_plots_are_reported() {
        let r = plot(
            "DC transfer characteristic",
            "v-sweep",
            vec![0.0, 1.0],
            vec![("a", vec![0.0, 1.0])],
        );
        let o = plot(
            "DC transfer characteristic",
            "v-sweep",
            vec![0.0, 1.0],
            vec![("b", vec![0.0, 1.0])],
        );
        let d = compare_runs(std::slice::from_ref(&r), &[o], &Tolerance::default());
        assert_eq!(d.reason(), "DC transfer characteristic: no vector v(a)");
        let d = compare_runs(&[r], &[], &Tolerance::default());
        assert_eq!(d.reason(), "no \"DC transfer characteristic\" plot");
    }
}

//! Measurements on sampled waveforms: linear interpolation and threshold crossings.

/// Direction of a threshold crossing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// From below the threshold to above it.
    Rising,
    /// From above the threshold to below it.
    Falling,
}

/// Linear interpolation of the samples (`x`, `y`) at `at`.
///
/// `x` must be non-decreasing (a time axis); at a repeated `x` (a breakpoint written twice)
/// the later sample wins. Returns `None` when `at` lies outside `[x[0], x[last]]`, when
/// the slices are empty or of different lengths, or when `at` is NaN.
pub fn interp(x: &[f64], y: &[f64], at: f64) -> Option<f64> {
    if x.is_empty() || x.len() != y.len() || at.is_nan() {
        return None;
    }
    let last = x.len() - 1;
    if at < x[0] || at > x[last] {
        return None;
    }
    // First index with x[i] > at; the segment is [i-1, i].
    let i = x.partition_point(|&v| v <= at);
    if i == 0 {
        return Some(y[0]);
    }
    if i > last {
        return Some(y[last]);
    }
    let (x0, x1, y0, y1) = (x[i - 1], x[i], y[i - 1], y[i]);
    if x1 == x0 {
        return Some(y1);
    }
    Some(y0 + (y1 - y0) * (at - x0) / (x1 - x0))
}

/// Every crossing of `threshold` by `values` (sampled at `time`), in time order, with its
/// direction. Crossing times are linearly interpolated between the two samples that
/// straddle the threshold.
///
/// A crossing is counted only when the signal goes from strictly one side to strictly the
/// other: touching the threshold and returning is not a crossing. When samples sit exactly
/// on the threshold, the crossing time is the first of them. A NaN sample restarts the
/// search. Mismatched slice lengths use the shorter one.
pub fn crossings_edges(time: &[f64], values: &[f64], threshold: f64) -> Vec<(f64, Edge)> {
    let n = time.len().min(values.len());
    let mut out = Vec::new();
    // Side of the last sample strictly off the threshold: -1 below, +1 above, 0 unknown.
    let mut side = 0i8;
    let mut on_threshold_since: Option<f64> = None;
    for i in 0..n {
        let d = values[i] - threshold;
        if d.is_nan() {
            side = 0;
            on_threshold_since = None;
            continue;
        }
        if d == 0.0 {
            if side != 0 && on_threshold_since.is_none() {
                on_threshold_since = Some(time[i]);
            }
            continue;
        }
        let s: i8 = if d > 0.0 { 1 } else { -1 };
        if side != 0 && s != side {
            let t = on_threshold_since.unwrap_or_else(|| {
                // values[i-1] is strictly on the old side (a zero would have set
                // on_threshold_since, a NaN would have reset `side`).
                let (t0, t1, v0, v1) = (time[i - 1], time[i], values[i - 1], values[i]);
                t0 + (threshold - v0) * (t1 - t0) / (v1 - v0)
            });
            let edge = if s > 0 { Edge::Rising } else { Edge::Falling };
            out.push((t, edge));
        }
        side = s;
        on_threshold_since = None;
    }
    out
}

/// Times at which `values` rises through `threshold` (see [`crossings_edges`]).
pub fn crossings(time: &[f64], values: &[f64], threshold: f64) -> Vec<f64> {
    crossings_edges(time, values, threshold)
        .into_iter()
        .filter(|c| c.1 == Edge::Rising)
        .map(|c| c.0)
        .collect()
}

/// Times at which `values` falls through `threshold` (see [`crossings_edges`]).
pub fn crossings_falling(time: &[f64], values: &[f64], threshold: f64) -> Vec<f64> {
    crossings_edges(time, values, threshold)
        .into_iter()
        .filter(|c| c.1 == Edge::Falling)
        .map(|c| c.0)
        .collect()
}

/// Times of every crossing of `threshold`, either direction (see [`crossings_edges`]).
pub fn crossings_both(time: &[f64], values: &[f64], threshold: f64) -> Vec<f64> {
    crossings_edges(time, values, threshold)
        .into_iter()
        .map(|c| c.0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_and_refuses_extrapolation() {
        let x = [0.0, 1.0, 3.0];
        let y = [0.0, 10.0, 30.0];
        assert_eq!(interp(&x, &y, 0.5), Some(5.0));
        assert_eq!(interp(&x, &y, 2.0), Some(20.0));
        assert_eq!(interp(&x, &y, 3.0), Some(30.0));
        assert_eq!(interp(&x, &y, 0.0), Some(0.0));
        assert_eq!(interp(&x, &y, 3.1), None);
        assert_eq!(interp(&x, &y, -0.1), None);
        // Repeated time point (breakpoint): the later sample holds from there on.
        let x = [0.0, 1.0, 1.0, 2.0];
        let y = [0.0, 1.0, 5.0, 5.0];
        assert_eq!(interp(&x, &y, 1.0), Some(5.0));
        assert_eq!(interp(&x, &y, 0.5), Some(0.5));
    }

    #[test]
    fn sine_crossings_match_analytic_zeros() {
        // sin(2π f t) sampled finely crosses zero upward at t = k/f and downward at
        // (k + 1/2)/f; the secant's zero errs by at most ~(ωh)^3/(24ω) ≈ 2e-15 s here
        // (h = 1 ns, ω = 2π·1 MHz), so 1e-13 s (1e-7 of the period) is a safe bound.
        let f = 1e6;
        let n = 5001;
        let t: Vec<f64> = (0..n).map(|i| i as f64 * 5e-6 / (n - 1) as f64).collect();
        let v: Vec<f64> = t
            .iter()
            .map(|&t| (2.0 * std::f64::consts::PI * f * t + 0.1).sin())
            .collect();
        let up = crossings(&t, &v, 0.0);
        let down = crossings_falling(&t, &v, 0.0);
        let phase = 0.1 / (2.0 * std::f64::consts::PI * f);
        assert_eq!(up.len(), 5);
        assert_eq!(down.len(), 5);
        for (k, tc) in up.iter().enumerate() {
            let exact = (k + 1) as f64 / f - phase;
            assert!((tc - exact).abs() < 1e-13, "{tc} vs {exact}");
        }
        for (k, tc) in down.iter().enumerate() {
            let exact = (k as f64 + 0.5) / f - phase;
            assert!((tc - exact).abs() < 1e-13, "{tc} vs {exact}");
        }
        assert_eq!(crossings_both(&t, &v, 0.0).len(), 10);
    }

    #[test]
    fn exact_touches_and_plateaus() {
        let t = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        // Touch and return: no crossing.
        assert!(crossings_both(&t, &[0.0, 0.5, 0.0, 0.0, 0.0, 0.0], 0.5).is_empty());
        // Plateau on the threshold, then above: one rising crossing at the plateau start.
        let e = crossings_edges(&t, &[0.0, 0.5, 0.5, 1.0, 0.2, 0.2], 0.5);
        assert_eq!(e, vec![(1.0, Edge::Rising), (3.625, Edge::Falling)]);
        // NaN restarts.
        assert!(crossings(&t, &[0.0, f64::NAN, 1.0, 1.0, 1.0, 1.0], 0.5).is_empty());
    }
}

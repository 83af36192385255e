//! Axis ranges, "nice" ticks and their engineering-notation labels.

use crate::wave::num::{eng_exponent, si_prefix};

/// A linear axis: data range, ticks, and the power of ten the labels are divided by.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
    /// Labels show `tick / 10^exp`; the axis title carries the prefix.
    pub exp: i32,
    decimals: usize,
    /// A logarithmic axis: positions, `lo`, `hi` and ticks are `log10` of the values, ticks
    /// fall on decades and labels show the value itself (`1k`, `10M`).
    pub log: bool,
}

impl Axis {
    /// An axis covering the finite values in `lo..hi` (padded when `pad`), with about
    /// five ticks at multiples of 1, 2 or 5 × 10^k.
    pub fn new(lo: f64, hi: f64, pad: bool) -> Axis {
        let (mut lo, mut hi) = if lo.is_finite() && hi.is_finite() && lo <= hi {
            (lo, hi)
        } else {
            (0.0, 1.0)
        };
        if hi - lo <= f64::EPSILON * hi.abs().max(lo.abs()) {
            let d = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            lo -= d;
            hi += d;
        } else if pad {
            let d = (hi - lo) * 0.05;
            lo -= d;
            hi += d;
        }
        let step = nice_step((hi - lo) / 5.0);
        // A little slack so that 1e-8 / 2e-9 = 4.999999999999999 still yields the tick at 1e-8.
        let first = (lo / step - 1e-9).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        let ticks: Vec<f64> = (first..=last).map(|k| k as f64 * step).collect();
        let exp = eng_exponent(lo.abs().max(hi.abs()));
        let scaled_step = step / 10f64.powi(exp);
        let decimals = (-(scaled_step.log10().floor()) as i32).max(0) as usize;
        Axis {
            lo,
            hi,
            ticks,
            exp,
            decimals,
            log: false,
        }
    }

    /// A logarithmic axis over the positive values `lo..hi` (ticks on the decades, at most
    /// about ten of them).
    pub fn decades(lo: f64, hi: f64) -> Axis {
        let (a, b) = (lo.log10(), hi.log10());
        let (a, b) = if a.is_finite() && b.is_finite() && a < b {
            (a, b)
        } else {
            (0.0, 1.0)
        };
        let stride = ((b - a) / 10.0).ceil().max(1.0) as i64;
        let ticks = ((a - 1e-9).ceil() as i64..=(b + 1e-9).floor() as i64)
            .filter(|k| k.rem_euclid(stride) == 0)
            .map(|k| k as f64)
            .collect();
        Axis {
            lo: a,
            hi: b,
            ticks,
            exp: 0,
            decimals: 0,
            log: true,
        }
    }

    /// The axis covering every finite value of the slices.
    pub fn covering<'a>(data: impl IntoIterator<Item = &'a [f64]>, pad: bool) -> Axis {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for s in data {
            for &v in s.iter().filter(|v| v.is_finite()) {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        Axis::new(lo, hi, pad)
    }

    /// Position of `v` in [0, 1] along the axis.
    pub fn frac(&self, v: f64) -> f64 {
        (v - self.lo) / (self.hi - self.lo)
    }

    /// A tick label: the value divided by `10^exp`, with just enough decimals.
    pub fn label(&self, v: f64) -> String {
        if self.log {
            return crate::wave::num::fmt_eng(10f64.powf(v), 3);
        }
        let s = v / 10f64.powi(self.exp);
        let t = format!("{s:.*}", self.decimals);
        if t.trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            "0".to_string()
        } else {
            t
        }
    }

    /// The axis title: `name (prefix+unit)`, e.g. `time (ns)`; without a unit the scale
    /// shows as `(×1e-9)`.
    pub fn title(&self, name: &str, unit: &str) -> String {
        let prefix = si_prefix(self.exp).unwrap_or("");
        let u = if unit == "1" { "" } else { unit };
        if self.log {
            return if u.is_empty() {
                name.to_string()
            } else {
                format!("{name} ({u})")
            };
        }
        match (u.is_empty(), self.exp) {
            (true, 0) => name.to_string(),
            (true, e) => format!("{name} (×1e{e})"),
            (false, _) => format!("{name} ({prefix}{u})"),
        }
    }
}

/// The nice step (1, 2 or 5 × 10^k) nearest above `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw.is_nan() || raw <= 0.0 || raw.is_infinite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    // Small slack so that 2e-9 / 1e-9 = 2.0000000000000004 still counts as 2.
    let m = raw / p * (1.0 - 1e-9);
    let n = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    n * p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decade_axis() {
        let a = Axis::decades(10.0, 1e9);
        assert_eq!(a.ticks, (1..=9).map(|k| k as f64).collect::<Vec<_>>());
        assert_eq!(a.label(3.0), "1k");
        assert_eq!(a.label(6.0), "1M");
        assert_eq!(a.title("frequency", "Hz"), "frequency (Hz)");
        assert!((a.frac(5.0) - 0.5).abs() < 1e-12);
        // 1 Hz - 100 THz: every second decade.
        assert_eq!(Axis::decades(1.0, 1e14).ticks.len(), 8);
    }

    #[test]
    fn nanosecond_axis() {
        let a = Axis::new(0.0, 10e-9, false);
        assert_eq!(a.exp, -9);
        let labels: Vec<String> = a.ticks.iter().map(|&t| a.label(t)).collect();
        assert_eq!(labels, ["0", "2", "4", "6", "8", "10"]);
        assert_eq!(a.title("time", "s"), "time (ns)");
        assert!((a.frac(5e-9) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn fractional_and_negative_ticks() {
        let a = Axis::new(-0.25, 0.25, false);
        let labels: Vec<String> = a.ticks.iter().map(|&t| a.label(t)).collect();
        assert_eq!(labels, ["-200", "-100", "0", "100", "200"]);
        assert_eq!(a.title("v(out)", "V"), "v(out) (mV)");
        let b = Axis::new(0.0, 3.0, false);
        assert_eq!(
            b.ticks.iter().map(|&t| b.label(t)).collect::<Vec<_>>(),
            ["0", "1", "2", "3"]
        );
        assert_eq!(Axis::new(1.0, 1.0, false).lo, 0.9);
        assert_eq!(Axis::new(0.0, 1e-6, false).title("m", ""), "m (×1e-6)");
    }
}

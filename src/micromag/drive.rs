//! Current drives of the spin torques: the density as a function of time, with the pulse
//! edges the steppers land on.

use super::vec3::V3;
use std::sync::Arc;

/// The current density driving the spin torques (A/m^2).
#[derive(Clone, Default)]
pub enum CurrentDrive {
    /// No current.
    #[default]
    None,
    /// A constant density, e.g. set step by step by a circuit.
    Fixed(V3),
    /// A density given as a function of time (a pulse train, ...).
    Waveform(Arc<dyn Fn(f64) -> V3 + Send + Sync>),
    /// `j` from `start` on (zero before): a switched-on DC current.
    Step {
        /// Density once on (A/m^2).
        j: V3,
        /// When it switches on (s).
        start: f64,
    },
    /// A periodic train of rectangular pulses: `j` during `[start + n period,
    /// start + n period + width)` for n < `count` (every n when `count` is 0), zero
    /// otherwise. The steppers land exactly on every edge.
    Pulses {
        /// Density during a pulse (A/m^2).
        j: V3,
        /// Rising edge of the first pulse (s).
        start: f64,
        /// Pulse width (s).
        width: f64,
        /// Period (s).
        period: f64,
        /// Number of pulses (0: unlimited).
        count: usize,
    },
}

impl CurrentDrive {
    /// The density at time `t`.
    pub fn at(&self, t: f64) -> V3 {
        match self {
            CurrentDrive::None => [0.0; 3],
            CurrentDrive::Fixed(j) => *j,
            CurrentDrive::Waveform(f) => f(t),
            CurrentDrive::Step { j, start } => {
                if t >= *start {
                    *j
                } else {
                    [0.0; 3]
                }
            }
            CurrentDrive::Pulses {
                j,
                start,
                width,
                period,
                count,
            } => {
                if t < *start || *period <= 0.0 {
                    return [0.0; 3];
                }
                let k = ((t - start) / period).floor();
                if *count > 0 && k >= *count as f64 {
                    return [0.0; 3];
                }
                if (t - start) - k * period < *width {
                    *j
                } else {
                    [0.0; 3]
                }
            }
        }
    }

    /// The first discontinuity strictly after `t` (pulse edges), if any.
    pub fn next_edge(&self, t: f64) -> Option<f64> {
        match self {
            CurrentDrive::Step { start, .. } => (t < *start).then_some(*start),
            CurrentDrive::Pulses {
                start,
                width,
                period,
                count,
                ..
            } => {
                if t < *start {
                    return Some(*start);
                }
                if *period <= 0.0 {
                    return None;
                }
                let n = ((t - start) / period).floor();
                let t0 = start + n * period;
                // The last edge: the end of pulse `count - 1`.
                let last = (*count > 0).then(|| start + (*count as f64 - 1.0) * period + width);
                // Tolerance: an edge within 1e-6 of a period of t counts as passed.
                let eps = 1e-6 * period;
                [t0 + width, t0 + period, t0 + period + width]
                    .into_iter()
                    .find(|e| *e > t + eps)
                    .filter(|e| last.is_none_or(|l| *e <= l + eps))
            }
            _ => None,
        }
    }

    /// Every discontinuity in `[t0, t_end]`, in order (for step control over an interval).
    pub fn edges(&self, t0: f64, t_end: f64) -> Vec<f64> {
        let mut v = Vec::new();
        if self.next_edge(f64::NEG_INFINITY) == Some(t0) {
            v.push(t0);
        }
        let mut t = t0;
        while let Some(e) = self.next_edge(t) {
            if e > t_end || v.len() > 10_000_000 {
                break;
            }
            v.push(e);
            t = e;
        }
        v
    }
}

impl std::fmt::Debug for CurrentDrive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CurrentDrive::None => write!(f, "None"),
            CurrentDrive::Fixed(j) => write!(f, "Fixed({j:?})"),
            CurrentDrive::Waveform(_) => write!(f, "Waveform(..)"),
            CurrentDrive::Step { j, start } => write!(f, "Step({j:?}, start {start})"),
            CurrentDrive::Pulses {
                j,
                start,
                width,
                period,
                count,
            } => write!(
                f,
                "Pulses({j:?}, start {start}, width {width}, period {period}, count {count})"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulse_train_values_and_edges() {
        let p = CurrentDrive::Pulses {
            j: [1.0, 0.0, 0.0],
            start: 1.0,
            width: 0.5,
            period: 2.0,
            count: 0,
        };
        assert_eq!(p.at(0.9), [0.0; 3]);
        assert_eq!(p.at(1.0), [1.0, 0.0, 0.0]);
        assert_eq!(p.at(1.49), [1.0, 0.0, 0.0]);
        assert_eq!(p.at(1.5), [0.0; 3]);
        assert_eq!(p.at(3.2), [1.0, 0.0, 0.0]);
        assert_eq!(p.next_edge(0.0), Some(1.0));
        assert_eq!(p.next_edge(1.0), Some(1.5));
        assert_eq!(p.next_edge(1.6), Some(3.0));
        assert_eq!(p.next_edge(3.0), Some(3.5));
        assert_eq!(CurrentDrive::Fixed([1.0; 3]).next_edge(0.0), None);
        // Two pulses only: nothing after the second one's falling edge at 3.5.
        let two = CurrentDrive::Pulses {
            j: [1.0, 0.0, 0.0],
            start: 1.0,
            width: 0.5,
            period: 2.0,
            count: 2,
        };
        assert_eq!(two.at(5.2), [0.0; 3]);
        assert_eq!(two.edges(0.0, 10.0), vec![1.0, 1.5, 3.0, 3.5]);
        let step = CurrentDrive::Step {
            j: [2.0, 0.0, 0.0],
            start: 1.0,
        };
        assert_eq!((step.at(0.5), step.at(1.0)), ([0.0; 3], [2.0, 0.0, 0.0]));
        assert_eq!(step.edges(0.0, 5.0), vec![1.0]);
    }
}

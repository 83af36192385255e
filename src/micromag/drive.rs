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
    /// A periodic train of rectangular pulses: `j` during `[start + n period,
    /// start + n period + width)`, zero otherwise. The steppers land exactly on every edge.
    Pulses {
        /// Density during a pulse (A/m^2).
        j: V3,
        /// Rising edge of the first pulse (s).
        start: f64,
        /// Pulse width (s).
        width: f64,
        /// Period (s).
        period: f64,
    },
}

impl CurrentDrive {
    /// The density at time `t`.
    pub fn at(&self, t: f64) -> V3 {
        match self {
            CurrentDrive::None => [0.0; 3],
            CurrentDrive::Fixed(j) => *j,
            CurrentDrive::Waveform(f) => f(t),
            CurrentDrive::Pulses {
                j,
                start,
                width,
                period,
            } => {
                if t < *start {
                    return [0.0; 3];
                }
                if (t - start).rem_euclid(*period) < *width {
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
            CurrentDrive::Pulses {
                start,
                width,
                period,
                ..
            } => {
                if t < *start {
                    return Some(*start);
                }
                let n = ((t - start) / period).floor();
                let t0 = start + n * period;
                // Tolerance: an edge within 1e-6 of a period of t counts as passed.
                let eps = 1e-6 * period;
                [t0 + width, t0 + period, t0 + period + width]
                    .into_iter()
                    .find(|e| *e > t + eps)
            }
            _ => None,
        }
    }
}

impl std::fmt::Debug for CurrentDrive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CurrentDrive::None => write!(f, "None"),
            CurrentDrive::Fixed(j) => write!(f, "Fixed({j:?})"),
            CurrentDrive::Waveform(_) => write!(f, "Waveform(..)"),
            CurrentDrive::Pulses {
                j,
                start,
                width,
                period,
            } => write!(
                f,
                "Pulses({j:?}, start {start}, width {width}, period {period})"
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
    }
}

//! snnTorch's `Leaky` neuron: `mem[t+1] = beta * mem[t] + input[t] - reset`.

use super::{Neuron, Real, Reset};
use serde::{Deserialize, Serialize};

/// The ideal discrete LIF neuron of snnTorch (`snn.Leaky`), Eq. (A2) of the paper.
///
/// Continuous form in normalised time: `dm/dt = -(1 - beta) m + I`, so one forward-Euler
/// step of length 1 is exactly `beta * m + I`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Leaky {
    /// Membrane decay factor per step (snnTorch's `beta`).
    pub beta: f64,
    /// Firing threshold.
    pub threshold: f64,
    /// Reset mechanism.
    pub reset: Reset,
}

impl Default for Leaky {
    /// `beta = 0.95`, threshold 1, subtract reset (snnTorch tutorial values).
    fn default() -> Self {
        Leaky {
            beta: 0.95,
            threshold: 1.0,
            reset: Reset::Subtract,
        }
    }
}

impl Neuron for Leaky {
    fn threshold(&self) -> f64 {
        self.threshold
    }
    fn reset(&self) -> Reset {
        self.reset
    }
    #[inline]
    fn derivative<T: Real>(&self, m: T, input: T) -> T {
        m.scale(-(1.0 - self.beta)).plus(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::fire;

    // Hand-computed from Eq. (A2): U[t] = beta U[t-1] + W X[t] - S[t-1] U_th.
    #[test]
    fn single_step_matches_eq_a2() {
        let n = Leaky {
            beta: 0.9,
            ..Leaky::default()
        };
        // below threshold: 0.9 * 0.5 + 0.3 = 0.75, no spike
        let m = n.update(0.5, 0.3);
        assert!((m - 0.75).abs() < 1e-15);
        assert_eq!(fire(m, 1.0), 0.0);
        // previous membrane above threshold: 0.9 * 1.2 + 0.3 - 1 = 0.38
        assert!((n.update(1.2, 0.3) - 0.38).abs() < 1e-15);
        // zero reset: (0.9 * 1.2 + 0.3) * (1 - 1) = 0
        let z = Leaky {
            reset: Reset::Zero,
            ..n
        };
        assert_eq!(z.update(1.2, 0.3), 0.0);
        // no reset: 1.38
        let none = Leaky {
            reset: Reset::None,
            ..n
        };
        assert!((none.update(1.2, 0.3) - 1.38).abs() < 1e-15);
        // exactly at threshold: H(0) = 0, no reset (snnTorch: spike iff mem > threshold)
        assert!((n.update(1.0, 0.0) - 0.9).abs() < 1e-15);
    }

    #[test]
    fn constant_input_fires_periodically() {
        // I = 0.3, beta = 1 (perfect integrator): crosses 1 after 4 steps (1.2), then 0.5, ...
        let n = Leaky {
            beta: 1.0,
            ..Leaky::default()
        };
        let mut m = 0.0;
        let mut spikes = vec![];
        for _ in 0..8 {
            m = n.update(m, 0.3);
            spikes.push(fire(m, 1.0));
        }
        // m: 0.3 0.6 0.9 1.2 0.5 0.8 1.1 0.4
        assert_eq!(spikes, vec![0., 0., 0., 1., 0., 0., 1., 0.]);
    }
}

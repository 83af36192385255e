//! The domain-wall LIF neuron, Eqs. (9)-(14) of the paper.
//!
//! `dm/dt = -beta m + alpha + gamma I(t)` (Eq. (9), the lowest-order form of Eq. (8)),
//! discretised by forward Euler (Eqs. (11)-(12)); on a spike (`m > threshold`, Eq. (14)) the
//! reset pulse moves the wall back by `|beta| / 2.1 * threshold` (Eq. (13):
//! `U_reset = beta / 2.1 * S * U_th`, read as the change applied to the membrane).
//!
//! # What the paper's numbers imply
//! Eq. (9)'s constants (threshold 5.8, `alpha = -1e7`, `beta = -1.549`,
//! `gamma = 1.039e-3`, `J = 1e11` A/m^2, `dt = 2.3e-9` s) are inconsistent as a leaky
//! neuron: `beta` is negative (an anti-leak, and Eq. (10) has `+U/tau`), and in seconds its
//! effect per step is `|beta| dt = 3.6e-9`, i.e. no leak at all on the network's time scale.
//! What does act per step is the drive `(gamma J + alpha) dt = (1.039e8 - 1e7) * 2.3e-9 =
//! 0.216` (27 steps to threshold at `J = 1e11`), and the constant drift `alpha dt = -0.023`
//! (a leak that does not depend on `m`). In units of the threshold and the step
//! ([`DwLif::normalised`]) the neuron is an integrate-and-fire neuron with a constant drift
//! of `-3.97e-3` per step and a reset to `0.262 * threshold` above where it fired.

use super::{Neuron, Real, Reset, Scales};
use serde::{Deserialize, Serialize};

/// Domain-wall LIF neuron (Eq. (9)), in device units or normalised (see [`DwLif::normalised`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DwLif {
    /// Linear decay rate `beta` of Eq. (9) (1/time unit).
    pub beta: f64,
    /// Constant drift `alpha` of Eq. (9) (membrane unit / time unit).
    pub alpha: f64,
    /// Input gain `gamma` of Eq. (9) (membrane unit / (time unit * input unit)).
    pub gamma: f64,
    /// Firing threshold.
    pub threshold: f64,
    /// Reset mechanism.
    pub reset: Reset,
    /// Subtracted amount on a spike, as a fraction of the threshold (Eq. (13): `|beta|/2.1`).
    pub reset_factor: f64,
    /// Lower bound of the membrane, if any.
    pub floor: Option<f64>,
    /// Length of one network step in the time unit.
    pub dt: f64,
}

/// Eq. (13)'s reset fraction with the paper's `beta = -1.549`: `1.549 / 2.1`.
pub const PAPER_RESET_FACTOR: f64 = 1.549 / 2.1;

impl DwLif {
    /// The paper's constants as printed under Eq. (9), in device units (time in seconds,
    /// input in A/m^2, membrane in the paper's arbitrary unit with threshold 5.8).
    pub fn paper() -> Self {
        DwLif {
            beta: -1.549,
            alpha: -1e7,
            gamma: 1.039e-3,
            threshold: 5.8,
            reset: Reset::Subtract,
            reset_factor: PAPER_RESET_FACTOR,
            floor: None,
            dt: 2.3e-9,
        }
    }

    /// The paper's nominal input current density `J = 1e11` A/m^2.
    pub const PAPER_J: f64 = 1e11;

    /// The same dynamics with the membrane in units of the threshold, time in units of `dt`
    /// and the input in units of `i0 = threshold / (gamma dt)` (so the input gain is 1):
    /// `beta' = beta dt`, `alpha' = alpha dt / threshold`, `gamma' = 1`, threshold 1, `dt' = 1`.
    pub fn normalised(&self) -> (DwLif, Scales) {
        let scales = Scales {
            m0: self.threshold,
            t0: self.dt,
            i0: self.threshold / (self.gamma * self.dt),
        };
        let n = DwLif {
            beta: self.beta * self.dt,
            alpha: self.alpha * self.dt / self.threshold,
            gamma: 1.0,
            threshold: 1.0,
            reset: self.reset,
            reset_factor: self.reset_factor,
            floor: self.floor.map(|f| f / self.threshold),
            dt: 1.0,
        };
        (n, scales)
    }

    /// The preset the spiking layers train with: [`DwLif::paper`] normalised (the learned
    /// weights absorb the input unit `i0` = 2.43e12 A/m^2).
    pub fn network() -> Self {
        Self::paper().normalised().0
    }
}

impl Neuron for DwLif {
    fn threshold(&self) -> f64 {
        self.threshold
    }
    fn reset(&self) -> Reset {
        self.reset
    }
    fn reset_amount(&self) -> f64 {
        self.reset_factor * self.threshold
    }
    fn floor(&self) -> Option<f64> {
        self.floor
    }
    fn dt(&self) -> f64 {
        self.dt
    }
    #[inline]
    fn derivative<T: Real>(&self, m: T, input: T) -> T {
        m.scale(-self.beta)
            .offset(self.alpha)
            .plus(input.scale(self.gamma))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::fire;

    // Eq. (12) by hand with the paper's constants, m = 0, J = 1e11:
    // dm = (gamma J + alpha) dt = (1.039e8 - 1e7) * 2.3e-9 = 0.21597.
    #[test]
    fn paper_single_step_eq12() {
        let n = DwLif::paper();
        let m = n.update(0.0, DwLif::PAPER_J);
        assert!((m - 0.21597).abs() < 1e-12, "{m}");
        // m = 5: the -beta m term adds 1.549 * 5 * 2.3e-9 = 1.78135e-8
        let m5 = n.update(5.0, DwLif::PAPER_J);
        assert!((m5 - (5.0 + 0.21597 + 1.78135e-8)).abs() < 1e-12, "{m5}");
        // m = 6 > 5.8: reset by |beta|/2.1 * 5.8 = 4.278190476...
        let m6 = n.update(6.0, DwLif::PAPER_J);
        let want = 6.0 + 0.21597 + 1.549 * 6.0 * 2.3e-9 - 1.549 / 2.1 * 5.8;
        assert!((m6 - want).abs() < 1e-12, "{m6} vs {want}");
        assert_eq!(fire(m6, 5.8), 0.0);
        // continuous form: dm/dt at m = 0, J = 1e11 is 9.39e7 per second
        assert!((n.derivative(0.0, 1e11) - 9.39e7).abs() < 1e-3);
    }

    #[test]
    fn normalised_constants_and_equivalence() {
        let (n, s) = DwLif::paper().normalised();
        // alpha dt / thr = -1e7 * 2.3e-9 / 5.8 = -3.9655e-3; beta dt = -3.5627e-9
        assert!((n.alpha + 0.0039655172).abs() < 1e-9);
        assert!((n.beta + 3.5627e-9).abs() < 1e-13);
        // i0 = 5.8 / (1.039e-3 * 2.3e-9) = 2.4271e12 A/m^2
        assert!((s.i0 / 2.4271e12 - 1.0).abs() < 1e-4);
        // Same trajectory (in threshold units) under a constant J = 1e11 for 40 steps,
        // including resets: the normalisation is exact up to rounding.
        let p = DwLif::paper();
        let (mut a, mut b) = (0.0, 0.0);
        for _ in 0..40 {
            a = p.update(a, 1e11);
            b = n.update(b, 1e11 / s.i0);
            assert!((a / 5.8 - b).abs() < 1e-12, "{a} {b}");
        }
    }
}

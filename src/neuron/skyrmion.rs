//! The skyrmion LIF neuron, Eqs. (15)-(19) and Algorithm 1 of the paper.
//!
//! `dx/dt = k1 x^2 + k2 x + gamma I(t)` (Eq. (15)); Algorithm 1's `SKNeuron` steps it by
//! forward Euler, fires on `x > x_th` and subtracts the threshold (`mem - threshold`).
//!
//! # What the paper's numbers imply
//! The printed constants are `x_th = 20e-9`, `k1 = -0.0026`, `k2 = -0.0568`,
//! `gamma = 5.7529e4`, `dt = 6e-11`, `I = 1e-4`. Read in SI (metres, seconds) the leak terms
//! vanish: `k2 x_th dt = -6.8e-20` m per step against a drive `gamma I dt = 3.45e-10` m, so
//! the neuron would not leak at all ([`SkyrmionLif::paper_literal`]). The only reading in
//! which all three terms matter is positions in nm and times in ns (`gamma I` = 5.75 nm/ns =
//! 5.75 m/s, so `gamma` is in (m/s)/A either way): then at `x = x_th` the quadratic and linear
//! terms (`-1.04` and `-1.14` nm/ns) take 38 % of the drive, and the threshold is reached in
//! about 70 steps of 0.06 ns at `I = 1e-4` A. [`SkyrmionLif::paper`] is that reading
//! converted to SI; [`SkyrmionLif::normalised`] gives `k1' = -3.12e-3`, `k2' = -3.41e-3` per
//! step in units of `x_th` and an input unit `i0 = x_th / (gamma dt) = 5.79e-3` A.

use super::{Neuron, Real, Reset, Scales};
use serde::{Deserialize, Serialize};

/// Skyrmion LIF neuron (Eq. (15)), in device units or normalised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SkyrmionLif {
    /// Quadratic coefficient `k1` (1 / (length unit * time unit)).
    pub k1: f64,
    /// Linear coefficient `k2` (1 / time unit), negative for a leak.
    pub k2: f64,
    /// Input gain `gamma` (length unit / (time unit * input unit)).
    pub gamma: f64,
    /// Firing threshold `x_th`.
    pub threshold: f64,
    /// Reset mechanism (Algorithm 1: subtract the threshold).
    pub reset: Reset,
    /// Lower bound of the position (the left end of the track), if any.
    pub floor: Option<f64>,
    /// Length of one network step in the time unit.
    pub dt: f64,
}

impl SkyrmionLif {
    /// The printed constants read in SI: leak terms negligible (see the module docs).
    pub fn paper_literal() -> Self {
        SkyrmionLif {
            k1: -0.0026,
            k2: -0.0568,
            gamma: 5.7529e4,
            threshold: 20e-9,
            reset: Reset::Subtract,
            floor: None,
            dt: 6e-11,
        }
    }

    /// The printed constants read with positions in nm and times in ns, converted to SI:
    /// `k1 = -0.0026 / (1e-9 m * 1e-9 s)`, `k2 = -0.0568 / 1e-9 s`.
    pub fn paper() -> Self {
        SkyrmionLif {
            k1: -0.0026 / 1e-18,
            k2: -0.0568 / 1e-9,
            ..Self::paper_literal()
        }
    }

    /// The paper's drive current `I = 1e-4` A.
    pub const PAPER_I: f64 = 1e-4;

    /// Position in units of the threshold, time in units of `dt`, input in units of
    /// `i0 = threshold / (gamma dt)`: `k1' = k1 x_th dt`, `k2' = k2 dt`, `gamma' = 1`.
    pub fn normalised(&self) -> (SkyrmionLif, Scales) {
        let scales = Scales {
            m0: self.threshold,
            t0: self.dt,
            i0: self.threshold / (self.gamma * self.dt),
        };
        let n = SkyrmionLif {
            k1: self.k1 * self.threshold * self.dt,
            k2: self.k2 * self.dt,
            gamma: 1.0,
            threshold: 1.0,
            reset: self.reset,
            floor: self.floor.map(|f| f / self.threshold),
            dt: 1.0,
        };
        (n, scales)
    }

    /// The preset the spiking layers train with: [`SkyrmionLif::paper`] normalised, with the
    /// track's left end as a floor at 0 (the skyrmion cannot leave the track; without it the
    /// `k1 x^2` term runs away for large negative inputs).
    pub fn network() -> Self {
        SkyrmionLif {
            floor: Some(0.0),
            ..Self::paper().normalised().0
        }
    }
}

impl Neuron for SkyrmionLif {
    fn threshold(&self) -> f64 {
        self.threshold
    }
    fn reset(&self) -> Reset {
        self.reset
    }
    fn floor(&self) -> Option<f64> {
        self.floor
    }
    fn dt(&self) -> f64 {
        self.dt
    }
    #[inline]
    fn derivative<T: Real>(&self, x: T, input: T) -> T {
        let quad = x.clone().times(x.clone()).scale(self.k1);
        quad.plus(x.scale(self.k2)).plus(input.scale(self.gamma))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::fire;

    // Eq. (15)/(18) by hand (nm/ns reading, in SI): x = 10 nm, I = 1e-4 A:
    // dx/dt = -2.6e15 * 1e-16 - 5.68e7 * 1e-8 + 5.7529 = 4.9249 m/s; dx = 4.9249 * 6e-11 m.
    #[test]
    fn paper_single_step_eq18() {
        let n = SkyrmionLif::paper();
        let d = n.derivative(10e-9, SkyrmionLif::PAPER_I);
        assert!((d - 4.9249).abs() < 1e-9, "{d}");
        let x = n.update(10e-9, SkyrmionLif::PAPER_I);
        assert!((x - (10e-9 + 4.9249 * 6e-11)).abs() < 1e-20, "{x}");
        // Algorithm 1: previous x = 21 nm > 20 nm fires; x <- x + dx - x_th.
        // dx/dt = -2.6e15 * 4.41e-16 - 5.68e7 * 2.1e-8 + 5.7529 = -1.1466 - 1.1928 + 5.7529
        let x2 = n.update(21e-9, SkyrmionLif::PAPER_I);
        let want = 21e-9 + (-1.1466 - 1.1928 + 5.7529) * 6e-11 - 20e-9;
        assert!((x2 - want).abs() < 1e-20, "{x2} vs {want}");
        assert_eq!(fire(x2, 20e-9), 0.0);
        // literal SI reading: leak terms are below 1e-19 m per step
        let lit = SkyrmionLif::paper_literal();
        let dl = lit.update(20e-9, 0.0) - 20e-9;
        assert!(dl.abs() < 1e-19 && dl < 0.0, "{dl}");
    }

    #[test]
    fn normalised_constants_and_equivalence() {
        let (n, s) = SkyrmionLif::paper().normalised();
        // k1 x_th dt = -2.6e15 * 2e-8 * 6e-11 = -3.12e-3; k2 dt = -3.408e-3
        assert!((n.k1 + 3.12e-3).abs() < 1e-12);
        assert!((n.k2 + 3.408e-3).abs() < 1e-12);
        assert!((s.i0 - 2e-8 / (5.7529e4 * 6e-11)).abs() < 1e-15);
        let p = SkyrmionLif::paper();
        let (mut a, mut b) = (0.0, 0.0);
        let mut spikes = 0;
        for _ in 0..300 {
            a = p.update(a, SkyrmionLif::PAPER_I);
            b = n.update(b, SkyrmionLif::PAPER_I / s.i0);
            assert!((a / 20e-9 - b).abs() < 1e-9, "{a} {b}");
            spikes += fire(b, 1.0) as usize;
        }
        // ~70 steps per spike from rest (module docs), faster after a subtract reset
        assert!((3..=5).contains(&spikes), "{spikes}");
    }
}

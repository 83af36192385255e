//! Compact free-layer state models: one collective coordinate (the soliton's displacement
//! `u = x - x_rest` from its rest position) obeying the compact neuron ODE of
//! [`crate::neuron`], integrated inside [`FreeLayer::advance`] by RK4 sub-steps.
//!
//! The equations are not written here: the right-hand sides are
//! [`Neuron::derivative`] of the same [`DwLif`] and [`SkyrmionLif`] the spiking layers use
//! (DESIGN.md: each neuron defined once), with the card's constants in SI:
//! * Domain wall, [`DwLif`] (Eq. (9)) with `beta = 1/tau`, `alpha = 0`, `gamma = mu`:
//!   `du/dt = mu J - u/tau` (the linear, lowest-order form of the paper's Eq. (9), written
//!   for the DW position rather than the net magnetisation; the magnetisation under the MTJ
//!   follows from the wall profile, see [`super::profile::dw_mz_window`]).
//! * Skyrmion, [`SkyrmionLif`] (Eq. (15)) with `gamma = gamma_J`:
//!   `du/dt = k1 u^2 + k2 u + gamma_J J` (the drive written per current density).
//!
//! Threshold and reset are not the models' business here: in the circuit the comparator
//! fires and the reset path drives the soliton back, so the models carry `Reset::None` and
//! an infinite threshold; their `dt` and floor are unused (the device integrates with its own
//! RK4 sub-steps). The position is clamped to the track `[0, L]` (the soliton is held at the
//! track ends).

use super::profile::{dw_mz_window, skyrmion_overlap};
use super::FreeLayer;
use crate::neuron::{DwLif, Neuron, Reset, SkyrmionLif};

/// Largest RK4 sub-step (s). The fastest compact time scale is `1/|k2|` (about 1 ns for the
/// paper's skyrmion constants) or `tau` (38 ns for the DW preset), so 2 ps keeps RK4's error
/// far below the circuit's.
const H_MAX: f64 = 2e-12;

/// A soliton's displacement `u = x - xrest` obeying a neuron model's membrane equation.
#[derive(Debug, Clone)]
pub struct Coordinate<N> {
    /// Displacement from the rest position (m).
    pub u: f64,
    /// The membrane equation, in SI (m, s, A/m^2).
    pub model: N,
    /// Rest position (m).
    pub xrest: f64,
    /// Track length (m).
    pub len: f64,
}

impl<N: Neuron> Coordinate<N> {
    /// Position from T1 (m).
    pub fn x(&self) -> f64 {
        self.xrest + self.u
    }
    fn advance(&mut self, j0: f64, j1: f64, dt: f64) {
        let ends = (-self.xrest, self.len - self.xrest);
        self.u = rk4(&self.model, self.u, (j0, j1), dt, ends);
    }
    fn velocity(&self, j: f64) -> f64 {
        self.model.derivative(self.u, j)
    }
}

/// The compact domain-wall model.
#[derive(Debug, Clone)]
pub struct DwCompact {
    /// The wall's displacement: [`DwLif`] with `beta = 1/tau`, `alpha = 0`, `gamma = mu`.
    pub c: Coordinate<DwLif>,
    /// Wall width parameter Delta (m).
    pub delta: f64,
    /// m_z of the domain behind the wall (-1 or +1); the domain ahead has the opposite sign.
    pub mbehind: f64,
}

impl DwCompact {
    /// A wall at `x` (m) with mobility `mu` (m^3/(A s)) and leak time `tau` (s), relaxing
    /// to `xrest` on a track of length `len`, width parameter `delta`.
    pub fn new(x: f64, mu: f64, tau: f64, xrest: f64, len: f64, delta: f64, mbehind: f64) -> Self {
        let model = DwLif {
            beta: 1.0 / tau,
            alpha: 0.0,
            gamma: mu,
            threshold: f64::INFINITY,
            reset: Reset::None,
            ..DwLif::paper()
        };
        DwCompact {
            c: Coordinate {
                u: x - xrest,
                model,
                xrest,
                len,
            },
            delta,
            mbehind,
        }
    }
}

/// The compact skyrmion model.
#[derive(Debug, Clone)]
pub struct SkCompact {
    /// The centre's displacement: [`SkyrmionLif`] with `gamma = gamma_J` (per A/m^2).
    pub c: Coordinate<SkyrmionLif>,
    /// Track width (m).
    pub width: f64,
    /// Core radius (m).
    pub radius: f64,
}

impl SkCompact {
    /// A skyrmion at `x` (m) obeying Eq. (15) with `k1` (1/(m s)), `k2` (1/s) and drive
    /// `gamma_j` (m^3/(A s)) around `xrest`, on a track `len` x `width`, core radius `radius`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        x: f64,
        k1: f64,
        k2: f64,
        gamma_j: f64,
        xrest: f64,
        len: f64,
        width: f64,
        radius: f64,
    ) -> Self {
        let model = SkyrmionLif {
            k1,
            k2,
            gamma: gamma_j,
            threshold: f64::INFINITY,
            reset: Reset::None,
            ..SkyrmionLif::paper()
        };
        SkCompact {
            c: Coordinate {
                u: x - xrest,
                model,
                xrest,
                len,
            },
            width,
            radius,
        }
    }

    /// Skyrmion centre from T1 (m).
    pub fn x(&self) -> f64 {
        self.c.x()
    }
}

/// RK4 of `n`'s membrane equation from displacement `u` over `dt` with the current density
/// linear from `j0` to `j1`, keeping `u` within `[lo, hi]` (the track ends).
fn rk4<N: Neuron>(n: &N, u: f64, (j0, j1): (f64, f64), dt: f64, (lo, hi): (f64, f64)) -> f64 {
    if dt <= 0.0 {
        return u;
    }
    let steps = (dt / H_MAX).ceil().max(1.0) as usize;
    let h = dt / steps as f64;
    let jat = |s: f64| j0 + (j1 - j0) * (s / dt);
    let f = |u: f64, j: f64| n.derivative(u, j);
    let mut u = u;
    for k in 0..steps {
        let s = k as f64 * h;
        let k1 = f(u, jat(s));
        let k2 = f(u + 0.5 * h * k1, jat(s + 0.5 * h));
        let k3 = f(u + 0.5 * h * k2, jat(s + 0.5 * h));
        let k4 = f(u + h * k3, jat(s + h));
        u = (u + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)).clamp(lo, hi);
    }
    u
}

impl FreeLayer for DwCompact {
    fn advance(&mut self, j0: f64, j1: f64, dt: f64) -> crate::Result<()> {
        self.c.advance(j0, j1, dt);
        Ok(())
    }
    fn position(&self) -> f64 {
        self.c.x()
    }
    fn mz_window(&self, a: f64, b: f64) -> f64 {
        dw_mz_window(self.c.x(), self.delta, self.mbehind, a, b)
    }
    fn core_fraction(&self, _a: f64, _b: f64) -> f64 {
        0.0
    }
    fn velocity(&self, j: f64) -> f64 {
        self.c.velocity(j)
    }
}

impl FreeLayer for SkCompact {
    fn advance(&mut self, j0: f64, j1: f64, dt: f64) -> crate::Result<()> {
        self.c.advance(j0, j1, dt);
        Ok(())
    }
    fn position(&self) -> f64 {
        self.c.x()
    }
    fn mz_window(&self, a: f64, b: f64) -> f64 {
        let ov = skyrmion_overlap(self.c.x(), self.radius, a, b);
        1.0 - 2.0 * ov / (self.width * (b - a))
    }
    fn core_fraction(&self, a: f64, b: f64) -> f64 {
        let core = std::f64::consts::PI * self.radius * self.radius;
        skyrmion_overlap(self.c.x(), self.radius, a, b) / core
    }
    fn velocity(&self, j: f64) -> f64 {
        self.c.velocity(j)
    }
}

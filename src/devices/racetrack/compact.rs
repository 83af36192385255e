//! Compact free-layer state models: one collective coordinate (the soliton position) obeying
//! an ODE, integrated inside [`FreeLayer::advance`] by RK4 sub-steps.
//!
//! * Domain wall: `dx/dt = mu J - (x - x_rest)/tau` (the linear, lowest-order form of the
//!   paper's Eq. (9), written for the DW position rather than the net magnetisation; the
//!   magnetisation under the MTJ follows from the wall profile, see
//!   [`super::profile::dw_mz_window`]).
//! * Skyrmion: `dx/dt = k1 u^2 + k2 u + gamma_J J`, `u = x - x_rest` (the paper's Eq. (15)
//!   with the drive written per current density).
//!
//! The position is clamped to the track `[0, L]` (the soliton is held at the track ends).

use super::profile::{dw_mz_window, skyrmion_overlap};
use super::FreeLayer;

/// Largest RK4 sub-step (s). The fastest compact time scale is `1/|k2|` (about 1 ns for the
/// paper's skyrmion constants) or `tau` (38 ns for the DW preset), so 2 ps keeps RK4's error
/// far below the circuit's.
const H_MAX: f64 = 2e-12;

/// The compact domain-wall model.
#[derive(Debug, Clone)]
pub struct DwCompact {
    /// Wall position from T1 (m).
    pub x: f64,
    /// Mobility: wall velocity per current density (m^3/(A s)).
    pub mu: f64,
    /// Leak time constant (s).
    pub tau: f64,
    /// Rest position the wall relaxes to (m).
    pub xrest: f64,
    /// Track length (m).
    pub len: f64,
    /// Wall width parameter Delta (m).
    pub delta: f64,
    /// m_z of the domain behind the wall (-1 or +1); the domain ahead has the opposite sign.
    pub mbehind: f64,
}

impl DwCompact {
    fn rate(&self, x: f64, j: f64) -> f64 {
        self.mu * j - (x - self.xrest) / self.tau
    }
}

/// The compact skyrmion model.
#[derive(Debug, Clone)]
pub struct SkCompact {
    /// Skyrmion centre from T1 (m).
    pub x: f64,
    /// Quadratic restoring coefficient k1 (1/(m s)).
    pub k1: f64,
    /// Linear restoring coefficient k2 (1/s).
    pub k2: f64,
    /// Drive per current density (m^3/(A s)).
    pub gamma_j: f64,
    /// Rest position (m).
    pub xrest: f64,
    /// Track length (m).
    pub len: f64,
    /// Track width (m).
    pub width: f64,
    /// Core radius (m).
    pub radius: f64,
}

impl SkCompact {
    fn rate(&self, x: f64, j: f64) -> f64 {
        let u = x - self.xrest;
        self.k1 * u * u + self.k2 * u + self.gamma_j * j
    }
}

/// RK4 from `x` over `dt` with the current density linear from `j0` to `j1`.
fn rk4(x: f64, j0: f64, j1: f64, dt: f64, len: f64, f: impl Fn(f64, f64) -> f64) -> f64 {
    if dt <= 0.0 {
        return x;
    }
    let n = (dt / H_MAX).ceil().max(1.0) as usize;
    let h = dt / n as f64;
    let jat = |s: f64| j0 + (j1 - j0) * (s / dt);
    let mut x = x;
    for k in 0..n {
        let s = k as f64 * h;
        let k1 = f(x, jat(s));
        let k2 = f(x + 0.5 * h * k1, jat(s + 0.5 * h));
        let k3 = f(x + 0.5 * h * k2, jat(s + 0.5 * h));
        let k4 = f(x + h * k3, jat(s + h));
        x = (x + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)).clamp(0.0, len);
    }
    x
}

impl FreeLayer for DwCompact {
    fn advance(&mut self, j0: f64, j1: f64, dt: f64) -> crate::Result<()> {
        let me = self.clone();
        self.x = rk4(self.x, j0, j1, dt, self.len, |x, j| me.rate(x, j));
        Ok(())
    }
    fn position(&self) -> f64 {
        self.x
    }
    fn mz_window(&self, a: f64, b: f64) -> f64 {
        dw_mz_window(self.x, self.delta, self.mbehind, a, b)
    }
    fn core_fraction(&self, _a: f64, _b: f64) -> f64 {
        0.0
    }
    fn velocity(&self, j: f64) -> f64 {
        self.rate(self.x, j)
    }
}

impl FreeLayer for SkCompact {
    fn advance(&mut self, j0: f64, j1: f64, dt: f64) -> crate::Result<()> {
        let me = self.clone();
        self.x = rk4(self.x, j0, j1, dt, self.len, |x, j| me.rate(x, j));
        Ok(())
    }
    fn position(&self) -> f64 {
        self.x
    }
    fn mz_window(&self, a: f64, b: f64) -> f64 {
        let ov = skyrmion_overlap(self.x, self.radius, a, b);
        1.0 - 2.0 * ov / (self.width * (b - a))
    }
    fn core_fraction(&self, a: f64, b: f64) -> f64 {
        let core = std::f64::consts::PI * self.radius * self.radius;
        skyrmion_overlap(self.x, self.radius, a, b) / core
    }
    fn velocity(&self, j: f64) -> f64 {
        self.rate(self.x, j)
    }
}

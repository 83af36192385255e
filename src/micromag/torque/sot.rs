//! Spin-orbit torque from a heavy-metal underlayer (spin Hall effect), damping-like and
//! field-like.
//!
//! Gilbert form: `tau = -gamma B_DL m x (m x p) - gamma r B_DL m x p` with
//! `B_DL p = hbar theta_SH (z x j) / (2 e Ms t_F)` (T), i.e. the polarisation is
//! `p = sign(theta_SH) z x j_hat` and `B_DL = hbar |theta_SH| |j| / (2 e Ms t_F)`; `r` is
//! the field-like ratio, `t_F` the ferromagnet thickness (the layer's, or the material's
//! `sot_thickness`). z is the film normal pointing from the heavy metal into the magnet. The
//! damping-like term turns m towards p. Only the in-plane part of `j` contributes.

use super::super::field::PAR_MIN;
use super::super::stack::{System, NONE};
use super::super::vec3::{cross, V3};
use super::super::{GAMMA_LL, HBAR, QE};
use super::Torque;
use rayon::prelude::*;

/// Spin-orbit torque; coefficients precomputed per region.
#[derive(Debug, Clone)]
pub struct SpinOrbit {
    /// Per cell: `gamma hbar theta_SH / (2 e Ms t_F)` (1/(s A/m^2)).
    coef: Vec<f64>,
    /// Per cell: field-like ratio.
    ratio: Vec<f64>,
}

impl SpinOrbit {
    /// Precompute the coefficients of `sys`; `None` when no material has a spin Hall angle.
    pub fn new(sys: &System) -> Option<Self> {
        if sys.materials.iter().all(|m| m.theta_sh == 0.0) {
            return None;
        }
        let n = sys.mesh.len();
        let mut coef = vec![0.0; n];
        let mut ratio = vec![0.0; n];
        for c in 0..n {
            let r = sys.region[c];
            if r == NONE {
                continue;
            }
            let mat = &sys.materials[r as usize];
            let t = mat
                .sot_thickness
                .unwrap_or(sys.layers[sys.layer[c] as usize].thickness);
            coef[c] = GAMMA_LL * HBAR * mat.theta_sh / (2.0 * QE * mat.ms * t);
            ratio[c] = mat.sot_fl_ratio;
        }
        Some(SpinOrbit { coef, ratio })
    }
}

impl SpinOrbit {
    /// The Gilbert-form torque on cell `c` with magnetisation `m` for `z x j` = `zj`.
    #[inline(always)]
    pub(crate) fn torque_at(&self, c: usize, m: V3, zj: [f64; 2]) -> V3 {
        torque(self.coef[c], self.ratio[c], m, zj)
    }

    /// The coefficients `(coef, ratio)` of cells `c0 .. c0 + n` (for [`torque`]).
    #[inline(always)]
    pub(crate) fn coefs(&self, c0: usize, n: usize) -> (&[f64], &[f64]) {
        (&self.coef[c0..c0 + n], &self.ratio[c0..c0 + n])
    }
}

/// The torque of a cell with coefficients `k` (0: none) and field-like ratio `r`, written
/// without branches (a select) so that a row of cells runs as SIMD.
#[inline(always)]
pub(crate) fn torque(k: f64, r: f64, m: V3, zj: [f64; 2]) -> V3 {
    let bp = [k * zj[0], k * zj[1], 0.0];
    let mp = cross(m, bp);
    let mmp = cross(m, mp);
    let t = [
        -(mmp[0] + r * mp[0]),
        -(mmp[1] + r * mp[1]),
        -(mmp[2] + r * mp[2]),
    ];
    if k == 0.0 {
        [0.0; 3]
    } else {
        t
    }
}

impl Torque for SpinOrbit {
    fn name(&self) -> &'static str {
        "sot"
    }
    fn references(&self) -> &'static [&'static str] {
        &[
            "Thiaville et al., EPL 100, 57002 (2012)",
            "Liu et al., Science 336, 555 (2012)",
        ]
    }
    fn as_spin_orbit(&self) -> Option<&SpinOrbit> {
        Some(self)
    }
    fn add_torque(&self, _sys: &System, m: &[V3], j: V3, tau: &mut [V3]) {
        // z x j = (-jy, jx, 0)
        let zj = [-j[1], j[0], 0.0];
        if zj == [0.0, 0.0, 0.0] {
            return;
        }
        tau.par_iter_mut()
            .enumerate()
            .with_min_len(PAR_MIN)
            .for_each(|(c, tc)| {
                let k = self.coef[c];
                if k == 0.0 {
                    return;
                }
                let bp = [k * zj[0], k * zj[1], 0.0];
                let mp = cross(m[c], bp);
                let mmp = cross(m[c], mp);
                let r = self.ratio[c];
                tc[0] -= mmp[0] + r * mp[0];
                tc[1] -= mmp[1] + r * mp[1];
                tc[2] -= mmp[2] + r * mp[2];
            });
    }
}

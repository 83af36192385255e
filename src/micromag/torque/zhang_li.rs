//! Zhang-Li spin-transfer torque for current flowing in the plane of the magnet.
//!
//! Gilbert form: `tau = -(u . grad) m + xi m x (u . grad) m` with the spin drift velocity
//! `u = -P g mu_B j / (2 e Ms)` (g = 2), which points along the electron flow (against `j`);
//! a rigid wall moves with `v = u` when `xi = alpha`. Gradients are central differences
//! inside a layer, one-sided at edges.

use super::super::stack::{System, NONE};
use super::super::vec3::{cross, V3};
use super::super::{MU_B, QE};
use super::Torque;
use rayon::prelude::*;

/// Zhang-Li torque; per-cell `P mu_B / (e Ms)` and `xi`.
#[derive(Debug, Clone)]
pub struct ZhangLi {
    coef: Vec<f64>,
    xi: Vec<f64>,
}

impl ZhangLi {
    /// Precompute the coefficients; `None` when no material has a polarisation.
    pub fn new(sys: &System) -> Option<Self> {
        if sys.materials.iter().all(|m| m.pol == 0.0) {
            return None;
        }
        let n = sys.mesh.len();
        let mut coef = vec![0.0; n];
        let mut xi = vec![0.0; n];
        for c in 0..n {
            let r = sys.region[c];
            if r == NONE {
                continue;
            }
            let mat = &sys.materials[r as usize];
            coef[c] = mat.pol * MU_B / (QE * mat.ms);
            xi[c] = mat.xi;
        }
        Some(ZhangLi { coef, xi })
    }
}

impl Torque for ZhangLi {
    fn name(&self) -> &'static str {
        "zhang_li"
    }
    fn references(&self) -> &'static [&'static str] {
        &["Zhang and Li, PRL 93, 127204 (2004)"]
    }
    fn add_torque(&self, sys: &System, m: &[V3], j: V3, tau: &mut [V3]) {
        if j[0] == 0.0 && j[1] == 0.0 {
            return;
        }
        let [nx, ny, _] = sys.mesh.n;
        let [dx, dy, _] = sys.mesh.cell;
        let layer = &sys.layer;
        tau.par_chunks_mut(nx)
            .enumerate()
            .with_min_len(16)
            .for_each(|(row, trow)| {
                let jy = row % ny;
                let base = row * nx;
                for (i, tc) in trow.iter_mut().enumerate() {
                    let c = base + i;
                    let k = self.coef[c];
                    if k == 0.0 {
                        continue;
                    }
                    let u = [-k * j[0], -k * j[1]];
                    let l = layer[c];
                    let deriv = |prev: Option<usize>, next: Option<usize>, d: f64| -> V3 {
                        let p = prev.filter(|p| layer[*p] == l);
                        let n = next.filter(|n| layer[*n] == l);
                        match (p, n) {
                            (Some(p), Some(n)) => {
                                std::array::from_fn(|q| (m[n][q] - m[p][q]) / (2.0 * d))
                            }
                            (Some(p), None) => std::array::from_fn(|q| (m[c][q] - m[p][q]) / d),
                            (None, Some(n)) => std::array::from_fn(|q| (m[n][q] - m[c][q]) / d),
                            (None, None) => [0.0; 3],
                        }
                    };
                    let gx = deriv((i > 0).then(|| c - 1), (i + 1 < nx).then(|| c + 1), dx);
                    let gy = deriv((jy > 0).then(|| c - nx), (jy + 1 < ny).then(|| c + nx), dy);
                    let ug: V3 = std::array::from_fn(|q| u[0] * gx[q] + u[1] * gy[q]);
                    let mug = cross(m[c], ug);
                    let x = self.xi[c];
                    tc[0] += -ug[0] + x * mug[0];
                    tc[1] += -ug[1] + x * mug[1];
                    tc[2] += -ug[2] + x * mug[2];
                }
            });
    }
}

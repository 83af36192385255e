//! Interfacial Dzyaloshinskii-Moriya interaction (thin film on a heavy metal, z normal).
//!
//! Energy density `D [m_z div(m) - (m . grad) m_z]`, field
//! `H = 2D / (mu0 Ms) (d_x m_z, d_y m_z, -d_x m_x - d_y m_y)` by central differences.
//! At a free edge with outward normal `n` the boundary condition is
//! `dm/dn = D / (2A) (n x z) x m` (equivalently `D m_z + 2A d_x m_x = 0` at an x edge, from
//! the variation of the energy), imposed as in mumax3 with a ghost neighbour
//! `m_g = m + d D / (2A) (n x z) x m`. The ghost enters both the DMI differences and the
//! exchange sum; the exchange part is added here (the [`super::Exchange`] term alone applies
//! `dm/dn = 0`), so exchange and DMI must be used together.

use super::{FieldTerm, System, V3};
use crate::micromag::vec3::cross;
use crate::micromag::MU0;
use rayon::prelude::*;

/// The interfacial DMI term (per-cell D from the [`System`]).
#[derive(Debug, Default, Clone)]
pub struct InterfacialDmi;

impl FieldTerm for InterfacialDmi {
    fn name(&self) -> &'static str {
        "dmi"
    }
    fn references(&self) -> &'static [&'static str] {
        &[
            "Vansteenkiste et al., AIP Advances 4, 107133 (2014), eqs. (10)-(15)",
            "Rohart and Thiaville, PRB 88, 184422 (2013)",
        ]
    }
    fn add_field(&mut self, sys: &System, m: &[V3], _t: f64, h: &mut [V3]) {
        let [nx, ny, _] = sys.mesh.n;
        let [dx, dy, _] = sys.mesh.cell;
        let (aex, ms, layer, dind) = (&sys.aex, &sys.ms, &sys.layer, &sys.dind);
        h.par_chunks_mut(nx)
            .enumerate()
            .with_min_len(16)
            .for_each(|(row, hrow)| {
                let j = row % ny;
                let base = row * nx;
                for (i, hc) in hrow.iter_mut().enumerate() {
                    let c = base + i;
                    let d = dind[c];
                    if ms[c] == 0.0 || d == 0.0 {
                        continue;
                    }
                    let a = aex[c];
                    let l = layer[c];
                    let mi = m[c];
                    // Neighbour value or ghost; the second value is the exchange correction
                    // weight (non-zero only for ghosts).
                    let get = |cn: Option<usize>, n: V3, step: f64| -> (V3, bool) {
                        match cn {
                            Some(cn) if layer[cn] == l => (m[cn], false),
                            _ => {
                                if a == 0.0 {
                                    return (mi, false);
                                }
                                let t = cross(cross(n, [0.0, 0.0, 1.0]), mi);
                                let s = step * d / (2.0 * a);
                                ([mi[0] + s * t[0], mi[1] + s * t[1], mi[2] + s * t[2]], true)
                            }
                        }
                    };
                    let (xp, gxp) = get((i + 1 < nx).then(|| c + 1), [1.0, 0.0, 0.0], dx);
                    let (xm, gxm) = get((i > 0).then(|| c - 1), [-1.0, 0.0, 0.0], dx);
                    let (yp, gyp) = get((j + 1 < ny).then(|| c + nx), [0.0, 1.0, 0.0], dy);
                    let (ym, gym) = get((j > 0).then(|| c - nx), [0.0, -1.0, 0.0], dy);
                    let pre = 2.0 * d / (MU0 * ms[c]);
                    let dxm = [(xp[0] - xm[0]) / (2.0 * dx), (xp[2] - xm[2]) / (2.0 * dx)];
                    let dym = [(yp[1] - ym[1]) / (2.0 * dy), (yp[2] - ym[2]) / (2.0 * dy)];
                    let mut f = [pre * dxm[1], pre * dym[1], -pre * (dxm[0] + dym[0])];
                    // Exchange with the ghost neighbours: 2A/(mu0 Ms d^2) (m_g - m).
                    let wx = 2.0 * a / (MU0 * ms[c] * dx * dx);
                    let wy = 2.0 * a / (MU0 * ms[c] * dy * dy);
                    for (g, v, w) in [(gxp, xp, wx), (gxm, xm, wx), (gyp, yp, wy), (gym, ym, wy)] {
                        if g {
                            f[0] += w * (v[0] - mi[0]);
                            f[1] += w * (v[1] - mi[1]);
                            f[2] += w * (v[2] - mi[2]);
                        }
                    }
                    hc[0] += f[0];
                    hc[1] += f[1];
                    hc[2] += f[2];
                }
            });
    }
}

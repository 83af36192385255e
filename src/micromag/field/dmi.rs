//! Interfacial Dzyaloshinskii-Moriya interaction (thin film on a heavy metal, z normal).
//!
//! Energy density `D [m_z div(m) - (m . grad) m_z]` (mumax3's convention). It is discretised
//! on the links between neighbouring cells of the same layer, as OOMMF and Fidimag do:
//! `E = V sum_links (D_ij / d) (z x r_ij) . (m_i x m_j)` with `r_ij` the unit vector from
//! `i` to `j` and `D_ij` the mean of the two cells' D, which gives the field
//! `H_i = -1 / (mu0 Ms_i) sum_j (D_ij / d) m_j x (z x r_ij)`.
//! Inside the magnet this is exactly the central-difference field
//! `2D / (mu0 Ms) (d_x m_z, d_y m_z, -d_x m_x - d_y m_y)`; at a free edge the missing link
//! simply drops out. Because the discrete field is the gradient of a discrete energy, the
//! free-edge condition `D m_z + 2A dm_x/dx = 0` (i.e. `dm/dn = D/(2A) (n x z) x m`) is met as
//! the natural boundary condition of the minimisation (checked against the analytic edge
//! canting in `tests/micromag_dw.rs`), energies are exact quadratic forms and relaxation
//! converges. (mumax3 imposes the same condition with ghost cells instead, which is not
//! variational; both converge to the same continuum solution.)

use super::{FieldTerm, LocalPart, System, V3};
use crate::micromag::MU0;
use rayon::prelude::*;

/// The interfacial DMI term (per-cell D from the [`System`]).
#[derive(Debug, Default, Clone)]
pub struct InterfacialDmi;

impl InterfacialDmi {
    /// The term for `sys` when `on` and some cell has a DMI constant, else `None`.
    pub fn build(sys: &System, on: bool) -> Option<Box<dyn FieldTerm>> {
        (on && sys.dind.iter().any(|a| *a != 0.0))
            .then(|| Box::new(InterfacialDmi) as Box<dyn FieldTerm>)
    }
}

impl FieldTerm for InterfacialDmi {
    fn fused_local(&self) -> Option<LocalPart> {
        Some(LocalPart::Dmi)
    }
    fn name(&self) -> &'static str {
        "dmi"
    }
    fn references(&self) -> &'static [&'static str] {
        &[
            "Vansteenkiste et al., AIP Advances 4, 107133 (2014), eqs. (10)-(15)",
            "Rohart and Thiaville, PRB 88, 184422 (2013)",
            "Cortes-Ortuno et al., New J. Phys. 20, 113015 (2018)",
        ]
    }
    fn add_field(&mut self, sys: &System, m: &[V3], _t: f64, h: &mut [V3]) {
        let [nx, ny, _] = sys.mesh.n;
        let [dx, dy, _] = sys.mesh.cell;
        let (ms, layer, dind) = (&sys.ms, &sys.layer, &sys.dind);
        h.par_chunks_mut(nx)
            .enumerate()
            .with_min_len(16)
            .for_each(|(row, hrow)| {
                let j = row % ny;
                let base = row * nx;
                for (i, hc) in hrow.iter_mut().enumerate() {
                    let c = base + i;
                    if ms[c] == 0.0 {
                        continue;
                    }
                    let l = layer[c];
                    let d0 = dind[c];
                    // Sum of D_ij / d * m_j x (z x r_ij): for r = +x, z x r = +y and
                    // m x y = (-m_z, 0, m_x); for r = +y, z x r = -x and m x (-x) = (0, -m_z, m_y).
                    let mut s = [0.0; 3];
                    let mut link = |cn: usize, sign: f64, along_x: bool, d: f64| {
                        if layer[cn] != l {
                            return;
                        }
                        let dij = 0.5 * (d0 + dind[cn]) * sign / d;
                        if dij == 0.0 {
                            return;
                        }
                        let mj = m[cn];
                        if along_x {
                            s[0] -= dij * mj[2];
                            s[2] += dij * mj[0];
                        } else {
                            s[1] -= dij * mj[2];
                            s[2] += dij * mj[1];
                        }
                    };
                    if i + 1 < nx {
                        link(c + 1, 1.0, true, dx);
                    }
                    if i > 0 {
                        link(c - 1, -1.0, true, dx);
                    }
                    if j + 1 < ny {
                        link(c + nx, 1.0, false, dy);
                    }
                    if j > 0 {
                        link(c - nx, -1.0, false, dy);
                    }
                    let k = -1.0 / (MU0 * ms[c]);
                    hc[0] += k * s[0];
                    hc[1] += k * s[1];
                    hc[2] += k * s[2];
                }
            });
    }
}

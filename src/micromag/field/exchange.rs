//! Heisenberg exchange: 6-neighbour finite differences, free (Neumann) boundaries.
//!
//! `H_i = 2 / (mu0 Ms_i) sum_n A_in (m_n - m_i) / d_n^2` over the magnetic neighbours `n` of
//! the same layer; `A_in` is the harmonic mean of the two cells' stiffness (mumax3's default
//! inter-region rule). A missing neighbour contributes nothing, which is the discrete
//! `dm/dn = 0` boundary condition (the DMI term adds its own boundary correction).

use super::{FieldTerm, LocalPart, System, V3};
use crate::micromag::MU0;
use rayon::prelude::*;

/// The exchange term.
#[derive(Debug, Default, Clone)]
pub struct Exchange;

impl Exchange {
    /// The term for `sys` when `on` and some cell has a stiffness, else `None`.
    pub fn build(sys: &System, on: bool) -> Option<Box<dyn FieldTerm>> {
        (on && sys.aex.iter().any(|a| *a != 0.0)).then(|| Box::new(Exchange) as Box<dyn FieldTerm>)
    }
}

impl FieldTerm for Exchange {
    fn fused_local(&self) -> Option<LocalPart> {
        Some(LocalPart::Exchange)
    }
    fn name(&self) -> &'static str {
        "exchange"
    }
    fn references(&self) -> &'static [&'static str] {
        &["Vansteenkiste et al., AIP Advances 4, 107133 (2014), eq. (9)"]
    }
    fn add_field(&mut self, sys: &System, m: &[V3], _t: f64, h: &mut [V3]) {
        let [nx, ny, nz] = sys.mesh.n;
        let [dx, dy, dz] = sys.mesh.cell;
        let w = [
            2.0 / (MU0 * dx * dx),
            2.0 / (MU0 * dy * dy),
            2.0 / (MU0 * dz * dz),
        ];
        let (aex, ms, layer) = (&sys.aex, &sys.ms, &sys.layer);
        let plane = nx * ny;
        h.par_chunks_mut(nx)
            .enumerate()
            .with_min_len(16)
            .for_each(|(row, hrow)| {
                let j = row % ny;
                let k = row / ny;
                let base = row * nx;
                for (i, hc) in hrow.iter_mut().enumerate() {
                    let c = base + i;
                    let a = aex[c];
                    if ms[c] == 0.0 || a == 0.0 {
                        continue;
                    }
                    let l = layer[c];
                    let mi = m[c];
                    let mut acc = [0.0; 3];
                    let mut nb = |cn: usize, wd: f64| {
                        if layer[cn] == l {
                            let an = aex[cn];
                            let s = wd * 2.0 * a * an / (a + an);
                            acc[0] += s * (m[cn][0] - mi[0]);
                            acc[1] += s * (m[cn][1] - mi[1]);
                            acc[2] += s * (m[cn][2] - mi[2]);
                        }
                    };
                    if i > 0 {
                        nb(c - 1, w[0]);
                    }
                    if i + 1 < nx {
                        nb(c + 1, w[0]);
                    }
                    if j > 0 {
                        nb(c - nx, w[1]);
                    }
                    if j + 1 < ny {
                        nb(c + nx, w[1]);
                    }
                    if k > 0 {
                        nb(c - plane, w[2]);
                    }
                    if k + 1 < nz {
                        nb(c + plane, w[2]);
                    }
                    let inv = 1.0 / ms[c];
                    hc[0] += acc[0] * inv;
                    hc[1] += acc[1] * inv;
                    hc[2] += acc[2] * inv;
                }
            });
    }
}

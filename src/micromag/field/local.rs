//! The cell-local and nearest-neighbour field terms fused into one pass over memory.
//!
//! [`Exchange`](super::Exchange), [`Anisotropy`](super::Anisotropy),
//! [`InterfacialDmi`](super::InterfacialDmi), [`Interlayer`](super::Interlayer) and the
//! applied field each read `m` and update `h` in their own pass; evaluated separately that
//! is five sweeps over the arrays plus one to clear `h`. [`LocalFields`] computes the same
//! fields (same formulas; see each term's file for the physics and the references) in one
//! sweep that *writes* `h`, with the per-link coefficients precomputed once (the harmonic
//! mean of the exchange stiffness, the mean DMI, the layer tests). The separate terms stay
//! the definition: they give the energies, and `tests/micromag_exact.rs` checks that both
//! paths give the same field.

use super::{Zeeman, PAR_MIN};
use crate::micromag::stack::System;
use crate::micromag::vec3::V3;
use crate::micromag::MU0;
use rayon::prelude::*;

/// Which terms [`LocalFields`] includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocalTerms {
    /// Exchange.
    pub exchange: bool,
    /// Uniaxial anisotropy.
    pub anisotropy: bool,
    /// Interfacial DMI.
    pub dmi: bool,
    /// Interlayer (RKKY) exchange.
    pub interlayer: bool,
}

/// Per-cell coefficients of the fused local terms.
#[derive(Debug, Clone, Copy, Default)]
struct Cell {
    /// `1 / Ms` (0 in non-magnetic cells).
    inv_ms: f64,
    /// Exchange link weights `2 A_ij / (mu0 d^2)` to the +x, +y, +z neighbours (0: no link).
    ex: [f64; 3],
    /// DMI link weights `-D_ij / (mu0 d)` to the +x and +y neighbours (0: no link).
    dm: [f64; 2],
    /// `2 Ku1 / mu0` (the 1/Ms is applied with the others).
    ku: f64,
}

/// The fused exchange + anisotropy + DMI + interlayer + applied field.
#[derive(Debug, Clone)]
pub struct LocalFields {
    terms: LocalTerms,
    cells: Vec<Cell>,
    /// Per z index: interlayer partner slab offset (in cells) and `J / (mu0 dz)`, below and
    /// above (offset 0: none).
    rkky: Vec<[(isize, f64); 2]>,
}

impl LocalFields {
    /// Precompute the coefficients of `terms` for `sys`.
    pub fn new(sys: &System, terms: LocalTerms) -> Self {
        let [nx, ny, nz] = sys.mesh.n;
        let [dx, dy, dz] = sys.mesh.cell;
        let plane = nx * ny;
        let w = [
            2.0 / (MU0 * dx * dx),
            2.0 / (MU0 * dy * dy),
            2.0 / (MU0 * dz * dz),
        ];
        let (ms, aex, layer, dind) = (&sys.ms, &sys.aex, &sys.layer, &sys.dind);
        debug_assert_eq!(layer.len(), ms.len());
        let linked = |c: usize, n: usize| ms[c] > 0.0 && ms[n] > 0.0 && layer[c] == layer[n];
        let cells = (0..sys.mesh.len())
            .map(|c| {
                let (i, j, k) = sys.mesh.ijk(c);
                let mut cell = Cell::default();
                if ms[c] == 0.0 {
                    return cell;
                }
                cell.inv_ms = 1.0 / ms[c];
                let next = [
                    (i + 1 < nx).then(|| c + 1),
                    (j + 1 < ny).then(|| c + nx),
                    (k + 1 < nz).then(|| c + plane),
                ];
                for (d, n) in next.iter().enumerate() {
                    let Some(n) = *n else { continue };
                    if !linked(c, n) {
                        continue;
                    }
                    let (a, an) = (aex[c], aex[n]);
                    if terms.exchange && a != 0.0 && an != 0.0 {
                        cell.ex[d] = w[d] * 2.0 * a * an / (a + an);
                    }
                    if terms.dmi && d < 2 {
                        cell.dm[d] = -0.5 * (dind[c] + dind[n]) / ([dx, dy][d] * MU0);
                    }
                }
                if terms.anisotropy {
                    cell.ku = 2.0 * sys.ku1[c] / MU0;
                }
                cell
            })
            .collect();
        let mut rkky = vec![[(0isize, 0.0); 2]; nz];
        if terms.interlayer {
            for (l, j) in sys.rkky.iter().enumerate() {
                if *j == 0.0 {
                    continue;
                }
                let kt = sys.layers[l].z1 - 1;
                let kb = sys.layers[l + 1].z0;
                let off = (kb - kt) as isize * plane as isize;
                let s = j / (MU0 * dz);
                rkky[kt][1] = (off, s);
                rkky[kb][0] = (-off, s);
            }
        }
        LocalFields { terms, cells, rkky }
    }

    /// The terms included.
    pub fn terms(&self) -> LocalTerms {
        self.terms
    }

    /// Set `h` to the sum of the included terms' fields plus the applied field at `t`.
    pub fn write(&self, sys: &System, zeeman: &Zeeman, m: &[V3], t: f64, h: &mut [V3]) {
        let w = self.rows(sys, zeeman, t);
        let nx = sys.mesh.n[0];
        let rows_per_task = (PAR_MIN / nx).max(1);
        h.par_chunks_mut(nx * rows_per_task)
            .enumerate()
            .for_each(|(task, hrows)| {
                for (i, hrow) in hrows.chunks_exact_mut(nx).enumerate() {
                    w.write_row(m, task * rows_per_task + i, hrow);
                }
            });
    }

    /// A writer of single rows of the field at `t` (for passes that fuse this one with
    /// their own row loop).
    pub fn rows<'a>(&'a self, sys: &'a System, zeeman: &Zeeman, t: f64) -> LocalRows<'a> {
        let b = zeeman.b_at(t);
        LocalRows {
            lf: self,
            sys,
            hz: [b[0] / MU0, b[1] / MU0, b[2] / MU0],
        }
    }
}

/// [`LocalFields`] bound to one time: writes the field row by row.
#[derive(Debug, Clone, Copy)]
pub struct LocalRows<'a> {
    lf: &'a LocalFields,
    sys: &'a System,
    /// The applied field (A/m).
    hz: V3,
}

impl LocalRows<'_> {
    /// Set `hrow` to the field of magnetisation `m` on row `r` (cells `r nx .. (r + 1) nx`).
    #[inline]
    pub fn write_row(&self, m: &[V3], r: usize, hrow: &mut [V3]) {
        let (sys, hz) = (self.sys, self.hz);
        let [nx, ny, _] = sys.mesh.n;
        let plane = nx * ny;
        let (cells, anis_u, rkky) = (&self.lf.cells, &sys.anis_u, &self.lf.rkky);
        let hrow = &mut hrow[..nx];
        let (j, k) = (r % ny, r / ny);
        let [rk_dn, rk_up] = rkky[k];
        let base = r * nx;
        for (i, hc) in hrow.iter_mut().enumerate() {
            let c = base + i;
            let p = cells[c];
            if p.inv_ms == 0.0 {
                *hc = [0.0; 3];
                continue;
            }
            let mc = m[c];
            // Exchange and DMI: sum of weights times neighbour terms; the 1/Ms
            // is applied at the end.
            let mut acc = [0.0; 3];
            let mut ex = |n: usize, wgt: f64| {
                let mn = m[n];
                acc[0] += wgt * (mn[0] - mc[0]);
                acc[1] += wgt * (mn[1] - mc[1]);
                acc[2] += wgt * (mn[2] - mc[2]);
            };
            if i > 0 {
                ex(c - 1, cells[c - 1].ex[0]);
            }
            ex(c + usize::from(i + 1 < nx), p.ex[0]);
            if j > 0 {
                ex(c - nx, cells[c - nx].ex[1]);
            }
            ex(c + if j + 1 < ny { nx } else { 0 }, p.ex[1]);
            if k > 0 && cells[c - plane].ex[2] != 0.0 {
                ex(c - plane, cells[c - plane].ex[2]);
            }
            if p.ex[2] != 0.0 {
                ex(c + plane, p.ex[2]);
            }
            // DMI (see dmi.rs): a link along +x adds (-m_z, 0, m_x) of the
            // neighbour times D/d, along +y (0, -m_z, m_y); the reverse links
            // with the opposite sign.
            if i + 1 < nx {
                let (d, mn) = (p.dm[0], m[c + 1]);
                acc[0] -= d * mn[2];
                acc[2] += d * mn[0];
            }
            if i > 0 {
                let (d, mn) = (cells[c - 1].dm[0], m[c - 1]);
                acc[0] += d * mn[2];
                acc[2] -= d * mn[0];
            }
            if j + 1 < ny {
                let (d, mn) = (p.dm[1], m[c + nx]);
                acc[1] -= d * mn[2];
                acc[2] += d * mn[1];
            }
            if j > 0 {
                let (d, mn) = (cells[c - nx].dm[1], m[c - nx]);
                acc[1] += d * mn[2];
                acc[2] -= d * mn[1];
            }
            // Interlayer exchange with the facing cell of the next layer.
            for (off, s) in [rk_dn, rk_up] {
                if off != 0 {
                    let n = (c as isize + off) as usize;
                    if cells[n].inv_ms != 0.0 {
                        let mn = m[n];
                        acc[0] += s * mn[0];
                        acc[1] += s * mn[1];
                        acc[2] += s * mn[2];
                    }
                }
            }
            // Anisotropy.
            if p.ku != 0.0 {
                let u = anis_u[c];
                let s = p.ku * (mc[0] * u[0] + mc[1] * u[1] + mc[2] * u[2]);
                acc[0] += s * u[0];
                acc[1] += s * u[1];
                acc[2] += s * u[2];
            }
            let inv = p.inv_ms;
            *hc = [
                hz[0] + acc[0] * inv,
                hz[1] + acc[1] * inv,
                hz[2] + acc[2] * inv,
            ];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::micromag::field::{Anisotropy, Exchange, FieldTerm, InterfacialDmi, Interlayer};
    use crate::micromag::{Material, Shape, Stack};

    /// The fused pass must reproduce the separate terms (the definitions) on a multilayer
    /// with spacers, holes, and parameters varying from cell to cell.
    #[test]
    fn fused_pass_equals_separate_terms() {
        let mat = Material {
            ms: 0.8e6,
            aex: 1.5e-11,
            ku1: 0.9e6,
            dind: 1.5e-3,
            alpha: 0.15,
            ..Material::default()
        };
        let mut stack = Stack::uniform(mat, 3, 2, 1, 2e-4);
        stack.rkky[1] = -1e-4;
        let mut sys =
            System::multilayer(9, 7, [2e-9, 2.5e-9, 0.8e-9], &Shape::Everything, &stack).unwrap();
        sys.edit_cells(|p, l, m| {
            m.ku1 *= 1.0 + 1e7 * p[0];
            m.dind *= 1.0 + 5e6 * p[1] + 0.1 * l as f64;
            m.aex *= 1.0 + 2e7 * p[0] * p[1] * 1e9;
            m.ms *= 1.0 + 3e6 * p[1];
            m.anis_u = [0.1, 0.2 * p[0] * 1e8, 1.0];
        })
        .unwrap();
        sys.remove_cells(|p| (p[0] - 9e-9).abs() < 1.5e-9 && (p[1] - 8e-9).abs() < 2e-9)
            .unwrap();
        let n = sys.mesh.len();
        let m: Vec<V3> = (0..n)
            .map(|c| {
                if sys.ms[c] == 0.0 {
                    return [0.0; 3];
                }
                let a = c as f64 * 0.7;
                let v = [a.sin(), (1.3 * a).cos(), 0.5 + (0.4 * a).sin()];
                let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
                [v[0] / r, v[1] / r, v[2] / r]
            })
            .collect();
        let zeeman = Zeeman::new([0.01, -0.02, 0.03]);
        let mut want = vec![[0.0; 3]; n];
        let mut terms: Vec<Box<dyn FieldTerm>> = vec![
            Box::new(Exchange),
            Box::new(Anisotropy),
            Box::new(InterfacialDmi),
            Box::new(Interlayer),
            Box::new(zeeman.clone()),
        ];
        for t in terms.iter_mut() {
            t.add_field(&sys, &m, 0.0, &mut want);
        }
        let all = LocalTerms {
            exchange: true,
            anisotropy: true,
            dmi: true,
            interlayer: true,
        };
        let mut got = vec![[1.0; 3]; n];
        LocalFields::new(&sys, all).write(&sys, &zeeman, &m, 0.0, &mut got);
        let scale = want.iter().flatten().fold(0.0f64, |a, v| a.max(v.abs()));
        assert!(scale > 1e5, "fields of the order of 2Ku/(mu0 Ms) ~ 2e6 A/m");
        for c in 0..n {
            for q in 0..3 {
                // Same formulas, summed in another order: rounding only (1e-12 of the
                // largest field, ~ 1e-6 A/m).
                assert!(
                    (got[c][q] - want[c][q]).abs() <= 1e-12 * scale,
                    "cell {c} comp {q}: fused {} separate {}",
                    got[c][q],
                    want[c][q]
                );
            }
        }
    }
}

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

/// One term of the fused pass, as a [`super::FieldTerm`] declares it
/// ([`super::FieldTerm::fused_local`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalPart {
    /// Exchange.
    Exchange,
    /// Uniaxial anisotropy.
    Anisotropy,
    /// Interfacial DMI.
    Dmi,
    /// Interlayer (RKKY) exchange.
    Interlayer,
}

impl LocalTerms {
    /// Include `part`.
    pub fn include(&mut self, part: LocalPart) {
        match part {
            LocalPart::Exchange => self.exchange = true,
            LocalPart::Anisotropy => self.anisotropy = true,
            LocalPart::Dmi => self.dmi = true,
            LocalPart::Interlayer => self.interlayer = true,
        }
    }
}

/// Per-cell coefficients of the fused local terms, one array per coefficient (so that a
/// row is processed with SIMD), zero where a link does not exist.
#[derive(Debug, Clone, Default)]
struct Coefs {
    /// `1 / Ms` (0 in non-magnetic cells).
    inv_ms: Vec<f64>,
    /// Exchange link weights `2 A_ij / (mu0 d^2)` to the -x, +x, -y, +y, -z, +z neighbours.
    ex: [Vec<f64>; 6],
    /// DMI link weights `-D_ij / (mu0 d)` to the -x, +x, -y, +y neighbours.
    dm: [Vec<f64>; 4],
    /// `2 Ku1 / mu0` (the 1/Ms is applied with the others).
    ku: Vec<f64>,
    /// Anisotropy axis, by component.
    u: [Vec<f64>; 3],
    /// Per row: whether any cell has an exchange link along z.
    z_rows: Vec<bool>,
}

/// Number of per-cell coefficient arrays in a [`Packed`] row: exchange -x, +x, -y, +y, -z,
/// +z; DMI -x, +x, -y, +y; Ku; axis x, y, z; 1/Ms.
const NCOEF: usize = 15;
/// Index of each coefficient in a packed row.
const EX: usize = 0;
const DM: usize = 6;
const KU: usize = 10;
const U: usize = 11;
const INV_MS: usize = 14;

/// The coefficients with identical rows stored once: each mesh row points at one distinct
/// row of all [`NCOEF`] coefficient arrays (`nx` values each). A uniform track has three
/// distinct rows per kind of slab (its two edges and its interior), so the coefficients
/// of an evaluation stay in cache instead of streaming 15 arrays over the whole mesh.
#[derive(Debug, Clone, Default)]
struct Packed {
    nx: usize,
    /// Distinct rows, `[(row * NCOEF + coefficient) * nx + i]`.
    data: Vec<f64>,
    /// Distinct row of each mesh row.
    row_of: Vec<u32>,
    /// `1 / Ms` per cell (for the interlayer term's neighbour test).
    inv_ms: Vec<f64>,
    /// Per row: whether any cell has an exchange link along z.
    z_rows: Vec<bool>,
}

impl Packed {
    fn new(k: Coefs, nx: usize) -> Self {
        let arrays: [&Vec<f64>; NCOEF] = [
            &k.ex[0], &k.ex[1], &k.ex[2], &k.ex[3], &k.ex[4], &k.ex[5], &k.dm[0], &k.dm[1],
            &k.dm[2], &k.dm[3], &k.ku, &k.u[0], &k.u[1], &k.u[2], &k.inv_ms,
        ];
        let rows = k.inv_ms.len() / nx;
        let mut seen: std::collections::HashMap<Vec<u64>, u32> = Default::default();
        let mut data = Vec::new();
        let row_of = (0..rows)
            .map(|r| {
                let vals: Vec<f64> = arrays
                    .iter()
                    .flat_map(|a| a[r * nx..(r + 1) * nx].iter().copied())
                    .collect();
                let key: Vec<u64> = vals.iter().map(|v| v.to_bits()).collect();
                *seen.entry(key).or_insert_with(|| {
                    data.extend_from_slice(&vals);
                    (data.len() / (NCOEF * nx) - 1) as u32
                })
            })
            .collect();
        Packed {
            nx,
            data,
            row_of,
            inv_ms: k.inv_ms,
            z_rows: k.z_rows,
        }
    }

    /// Coefficient `q` of mesh row `r` (`nx` values).
    #[inline(always)]
    fn row(&self, r: usize, q: usize) -> &[f64] {
        let at = (self.row_of[r] as usize * NCOEF + q) * self.nx;
        &self.data[at..at + self.nx]
    }
}

/// The fused exchange + anisotropy + DMI + interlayer + applied field.
#[derive(Debug, Clone)]
pub struct LocalFields {
    terms: LocalTerms,
    k: Packed,
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
        let n = sys.mesh.len();
        // The weights of the links from each cell to its +x, +y, +z neighbours.
        let mut ex_up = vec![[0.0; 3]; n];
        let mut dm_up = vec![[0.0; 2]; n];
        let mut k = Coefs {
            inv_ms: vec![0.0; n],
            ku: vec![0.0; n],
            ..Coefs::default()
        };
        for c in 0..n {
            let (i, j, kz) = sys.mesh.ijk(c);
            if ms[c] == 0.0 {
                continue;
            }
            k.inv_ms[c] = 1.0 / ms[c];
            let next = [
                (i + 1 < nx).then(|| c + 1),
                (j + 1 < ny).then(|| c + nx),
                (kz + 1 < nz).then(|| c + plane),
            ];
            for (d, nb) in next.iter().enumerate() {
                let Some(nb) = *nb else { continue };
                if !linked(c, nb) {
                    continue;
                }
                let (a, an) = (aex[c], aex[nb]);
                if terms.exchange && a != 0.0 && an != 0.0 {
                    ex_up[c][d] = w[d] * 2.0 * a * an / (a + an);
                }
                if terms.dmi && d < 2 {
                    dm_up[c][d] = -0.5 * (dind[c] + dind[nb]) / ([dx, dy][d] * MU0);
                }
            }
            if terms.anisotropy {
                k.ku[c] = 2.0 * sys.ku1[c] / MU0;
            }
        }
        // A link as seen from its lower cell (+ direction) and from its upper cell (-). The
        // cell one step before a first cell in x (y, z) is the last of a row (plane), whose
        // + link along that axis is 0: no test needed.
        let steps = [1, nx, plane];
        let both = |up: &[[f64; 3]], q: usize| -> Vec<f64> {
            let (d, plus) = (q / 2, q % 2 == 1);
            (0..n)
                .map(|c| match (plus, c.checked_sub(steps[d])) {
                    (true, _) => up[c][d],
                    (false, Some(b)) => up[b][d],
                    (false, None) => 0.0,
                })
                .collect()
        };
        k.ex = std::array::from_fn(|q| both(&ex_up, q));
        let dm_up: Vec<[f64; 3]> = dm_up.iter().map(|v| [v[0], v[1], 0.0]).collect();
        k.dm = std::array::from_fn(|q| both(&dm_up, q));
        // The axis only where there is anisotropy (it may be undefined elsewhere, and the
        // row kernel multiplies it by a zero Ku there).
        let u = &sys.anis_u;
        k.u = std::array::from_fn(|q| {
            (0..n)
                .map(|c| match (k.ku[c], u.get(c)) {
                    (ku, Some(v)) if ku != 0.0 => v[q],
                    _ => 0.0,
                })
                .collect()
        });
        k.z_rows = (0..n / nx)
            .map(|r| (r * nx..(r + 1) * nx).any(|c| k.ex[4][c] != 0.0 || k.ex[5][c] != 0.0))
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
        LocalFields {
            terms,
            k: Packed::new(k, nx),
            rkky,
        }
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
    ///
    /// The row and its two in-plane neighbour rows are copied into per-component arrays,
    /// and the in-plane terms then run as straight-line loops over the row (AVX2 where the
    /// CPU has it). Missing links have weight 0 and read a finite stand-in value, so each
    /// term is added in the same order as a cell-by-cell evaluation that skips them: adding
    /// the resulting signed zero changes no sum, and the field is bit-for-bit the same.
    #[inline]
    pub fn write_row(&self, m: &[V3], r: usize, hrow: &mut [V3]) {
        let nx = self.sys.mesh.n[0];
        ROW_SCRATCH.with(|sc| {
            let mut sc = sc.borrow_mut();
            if sc.len() < 12 * (nx + 2) {
                sc.resize(12 * (nx + 2), 0.0);
            }
            #[cfg(target_arch = "x86_64")]
            {
                if crate::simd::avx2() {
                    // SAFETY: the CPU has the feature.
                    unsafe { self.write_row_avx2(m, r, &mut hrow[..nx], &mut sc) };
                    return;
                }
            }
            self.write_row_body(m, r, &mut hrow[..nx], &mut sc);
        });
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn write_row_avx2(&self, m: &[V3], r: usize, hrow: &mut [V3], sc: &mut [f64]) {
        self.write_row_body(m, r, hrow, sc)
    }

    #[inline(always)]
    fn write_row_body(&self, m: &[V3], r: usize, hrow: &mut [V3], sc: &mut [f64]) {
        let (sys, hz, k) = (self.sys, self.hz, &self.lf.k);
        let [nx, ny, _] = sys.mesh.n;
        let plane = nx * ny;
        let (j, kz) = (r % ny, r / ny);
        let base = r * nx;
        let w = nx + 2;
        // Rows (each nx + 2 long, one stand-in cell at both ends): centre, -y, +y, by
        // component; then the three accumulators.
        let (rows, acc) = sc.split_at_mut(9 * w);
        let load = |dst: &mut [f64], row0: usize| {
            let (c, rest) = dst.split_at_mut(w);
            let (y, z) = rest.split_at_mut(w);
            for (i, v) in m[row0..row0 + nx].iter().enumerate() {
                c[i + 1] = v[0];
                y[i + 1] = v[1];
                z[i + 1] = v[2];
            }
            for a in [c, y, z] {
                a[0] = a[1];
                a[nx + 1] = a[nx];
            }
        };
        let (cen, rest) = rows.split_at_mut(3 * w);
        let (dn, up) = rest.split_at_mut(3 * w);
        load(cen, base);
        load(dn, if j > 0 { base - nx } else { base });
        load(up, if j + 1 < ny { base + nx } else { base });
        let (cx, cy, cz) = (&cen[..w], &cen[w..2 * w], &cen[2 * w..3 * w]);
        let (dx, dy, dz) = (
            &dn[1..nx + 1],
            &dn[w + 1..w + nx + 1],
            &dn[2 * w + 1..2 * w + nx + 1],
        );
        let (ux, uy, uz) = (
            &up[1..nx + 1],
            &up[w + 1..w + nx + 1],
            &up[2 * w + 1..2 * w + nx + 1],
        );
        let (ax, rest) = acc.split_at_mut(nx);
        let (ay, rest) = rest.split_at_mut(nx);
        let az = &mut rest[..nx];
        let co = |q: usize| k.row(r, q);
        let (exm, exp, eym, eyp) = (co(EX), co(EX + 1), co(EX + 2), co(EX + 3));
        // Exchange in the plane: sum of weights times neighbour differences.
        for i in 0..nx {
            let (mx, my, mz) = (cx[i + 1], cy[i + 1], cz[i + 1]);
            let (mut a0, mut a1, mut a2) = (0.0, 0.0, 0.0);
            for (wgt, nx_, ny_, nz_) in [
                (exm[i], cx[i], cy[i], cz[i]),
                (exp[i], cx[i + 2], cy[i + 2], cz[i + 2]),
                (eym[i], dx[i], dy[i], dz[i]),
                (eyp[i], ux[i], uy[i], uz[i]),
            ] {
                a0 += wgt * (nx_ - mx);
                a1 += wgt * (ny_ - my);
                a2 += wgt * (nz_ - mz);
            }
            ax[i] = a0;
            ay[i] = a1;
            az[i] = a2;
        }
        // Exchange along z (within a layer several cells thick): few rows have it.
        if self.lf.k.z_rows[r] {
            let (ezm, ezp) = (co(EX + 4), co(EX + 5));
            for i in 0..nx {
                let c = base + i;
                let mc = m[c];
                for (wgt, n) in [(ezm[i], c.wrapping_sub(plane)), (ezp[i], c + plane)] {
                    if wgt != 0.0 {
                        let mn = m[n];
                        ax[i] += wgt * (mn[0] - mc[0]);
                        ay[i] += wgt * (mn[1] - mc[1]);
                        az[i] += wgt * (mn[2] - mc[2]);
                    }
                }
            }
        }
        // DMI (see dmi.rs): a link along +x adds (-m_z, 0, m_x) of the neighbour times D/d,
        // along +y (0, -m_z, m_y); the reverse links with the opposite sign.
        let (dxm, dxp, dym, dyp) = (co(DM), co(DM + 1), co(DM + 2), co(DM + 3));
        for i in 0..nx {
            let (mut a0, mut a1, mut a2) = (ax[i], ay[i], az[i]);
            a0 -= dxp[i] * cz[i + 2];
            a2 += dxp[i] * cx[i + 2];
            a0 += dxm[i] * cz[i];
            a2 -= dxm[i] * cx[i];
            a1 -= dyp[i] * uz[i];
            a2 += dyp[i] * uy[i];
            a1 += dym[i] * dz[i];
            a2 -= dym[i] * dy[i];
            ax[i] = a0;
            ay[i] = a1;
            az[i] = a2;
        }
        // Interlayer exchange with the facing cell of the next layer.
        for (off, s) in self.lf.rkky[kz] {
            if off == 0 {
                continue;
            }
            for i in 0..nx {
                let n = ((base + i) as isize + off) as usize;
                if k.inv_ms[n] != 0.0 {
                    let mn = m[n];
                    ax[i] += s * mn[0];
                    ay[i] += s * mn[1];
                    az[i] += s * mn[2];
                }
            }
        }
        // Anisotropy, then the 1/Ms and the applied field; non-magnetic cells get zero.
        let (ku, inv_ms) = (co(KU), co(INV_MS));
        let (u0, u1, u2) = (co(U), co(U + 1), co(U + 2));
        for (i, hc) in hrow.iter_mut().enumerate() {
            let (mx, my, mz) = (cx[i + 1], cy[i + 1], cz[i + 1]);
            let s = ku[i] * (mx * u0[i] + my * u1[i] + mz * u2[i]);
            let a0 = ax[i] + s * u0[i];
            let a1 = ay[i] + s * u1[i];
            let a2 = az[i] + s * u2[i];
            let inv = inv_ms[i];
            let v = [hz[0] + a0 * inv, hz[1] + a1 * inv, hz[2] + a2 * inv];
            *hc = if inv == 0.0 { [0.0; 3] } else { v };
        }
    }
}

thread_local! {
    /// Per-thread scratch of [`LocalRows::write_row`].
    static ROW_SCRATCH: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
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
        // Table I's parameters (its spin Hall angle plays no part in these terms).
        let mat = Material::bench_table_i();
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
        check_against_separate_terms(&sys);
    }

    /// On a uniform stack, identical rows are stored once: per kind of slab (the bottom and
    /// the top slab of a 2-cell layer, the spacer) its two edge rows and its interior.
    #[test]
    fn uniform_rows_are_packed_once() {
        // Table I's parameters (its spin Hall angle plays no part in these terms).
        let mat = Material::bench_table_i();
        let stack = Stack::uniform(mat, 3, 2, 1, 2e-4);
        let sys =
            System::multilayer(9, 7, [2e-9, 2.5e-9, 0.8e-9], &Shape::Everything, &stack).unwrap();
        let lf = check_against_separate_terms(&sys);
        let distinct = lf.k.data.len() / (NCOEF * 9);
        assert_eq!(
            distinct,
            2 * 3 + 1,
            "rows {} of the mesh",
            lf.k.row_of.len()
        );
    }

    /// The fused pass against the separate terms (to rounding) and its baseline build
    /// against its AVX2 one (bit for bit), on `sys` with a non-uniform m; returns the pass.
    fn check_against_separate_terms(sys: &System) -> LocalFields {
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
            t.add_field(sys, &m, 0.0, &mut want);
        }
        let all = LocalTerms {
            exchange: true,
            anisotropy: true,
            dmi: true,
            interlayer: true,
        };
        let mut got = vec![[1.0; 3]; n];
        let lf = LocalFields::new(sys, all);
        lf.write(sys, &zeeman, &m, 0.0, &mut got);
        // The row kernel compiled for AVX2 (taken by `write` where the CPU has it) and for
        // the baseline give the same bits.
        let rows = lf.rows(sys, &zeeman, 0.0);
        let nx = sys.mesh.n[0];
        let mut sc = vec![0.0; 12 * (nx + 2)];
        let mut base = vec![[0.0; 3]; n];
        for (r, hr) in base.chunks_exact_mut(nx).enumerate() {
            rows.write_row_body(&m, r, hr, &mut sc);
        }
        for c in 0..n {
            for q in 0..3 {
                assert_eq!(
                    got[c][q].to_bits(),
                    base[c][q].to_bits(),
                    "cell {c} comp {q}"
                );
            }
        }
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
        lf
    }
}

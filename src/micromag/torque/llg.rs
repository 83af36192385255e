//! The Landau-Lifshitz-Gilbert right-hand side.

use super::super::field::PAR_MIN;
use super::super::stack::System;
use super::super::vec3::{cross, V3};
use super::super::{GAMMA_LL, MU0};
use super::sot::torque as sot_torque;
use super::SpinOrbit;
use rayon::prelude::*;

/// `(T + alpha m x T) / (1 + alpha^2)`: the Gilbert equation solved for dm/dt.
#[inline(always)]
fn gilbert(m: V3, t: V3, alpha: f64) -> V3 {
    let mt = cross(m, t);
    let s = 1.0 / (1.0 + alpha * alpha);
    [
        s * (t[0] + alpha * mt[0]),
        s * (t[1] + alpha * mt[1]),
        s * (t[2] + alpha * mt[2]),
    ]
}

/// `out = (T + alpha m x T) / (1 + alpha^2)` with `T = -gamma mu0 m x H + tau` (1/s), the
/// exact solution of the Gilbert form for `|m| = 1`. `tau` may be empty (no spin torque).
/// Non-magnetic cells get zero.
pub fn rhs(sys: &System, m: &[V3], h: &[V3], tau: &[V3], out: &mut [V3]) {
    let g = GAMMA_LL * MU0;
    out.par_iter_mut()
        .enumerate()
        .with_min_len(PAR_MIN)
        .for_each(|(c, o)| {
            if sys.ms[c] == 0.0 {
                *o = [0.0; 3];
                return;
            }
            let mc = m[c];
            let mut t = cross(mc, h[c]);
            t = [-g * t[0], -g * t[1], -g * t[2]];
            if let Some(tc) = tau.get(c) {
                t = [t[0] + tc[0], t[1] + tc[1], t[2] + tc[2]];
            }
            *o = gilbert(mc, t, sys.alpha[c]);
        });
}

/// [`rhs`] with the spin-orbit torque for current density `j` computed in the same pass
/// (no torque buffer).
pub fn rhs_sot(sys: &System, m: &[V3], h: &[V3], sot: &SpinOrbit, j: V3, out: &mut [V3]) {
    let g = GAMMA_LL * MU0;
    // z x j = (-jy, jx, 0)
    let zj = [-j[1], j[0]];
    out.par_iter_mut()
        .enumerate()
        .with_min_len(PAR_MIN)
        .for_each(|(c, o)| {
            if sys.ms[c] == 0.0 {
                *o = [0.0; 3];
                return;
            }
            let mc = m[c];
            let mh = cross(mc, h[c]);
            let tc = sot.torque_at(c, mc, zj);
            let t = [-g * mh[0] + tc[0], -g * mh[1] + tc[1], -g * mh[2] + tc[2]];
            *o = gilbert(mc, t, sys.alpha[c]);
        });
}

/// [`rhs`] without spin torque, or [`rhs_sot`] with `sot = Some((torque, z x j))`, on the
/// cells `c0 .. c0 + out.len()` only (`h` and `out` hold those cells; `m` is whole). The
/// same arithmetic as those, written without branches (selects) so that a row runs as SIMD
/// (AVX2 where the CPU has it).
#[inline]
pub fn rhs_cells(
    sys: &System,
    m: &[V3],
    c0: usize,
    h: &[V3],
    out: &mut [V3],
    sot: Option<(&SpinOrbit, [f64; 2])>,
) {
    #[cfg(target_arch = "x86_64")]
    {
        if crate::simd::avx2() {
            // SAFETY: the CPU has the feature.
            unsafe { rhs_cells_avx2(sys, m, c0, h, out, sot) };
            return;
        }
    }
    rhs_cells_body(sys, m, c0, h, out, sot)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn rhs_cells_avx2(
    sys: &System,
    m: &[V3],
    c0: usize,
    h: &[V3],
    out: &mut [V3],
    sot: Option<(&SpinOrbit, [f64; 2])>,
) {
    rhs_cells_body(sys, m, c0, h, out, sot)
}

#[inline(always)]
fn rhs_cells_body(
    sys: &System,
    m: &[V3],
    c0: usize,
    h: &[V3],
    out: &mut [V3],
    sot: Option<(&SpinOrbit, [f64; 2])>,
) {
    let g = GAMMA_LL * MU0;
    let n = out.len();
    let (m, h) = (&m[c0..c0 + n], &h[..n]);
    let (ms, alpha) = (&sys.ms[c0..c0 + n], &sys.alpha[c0..c0 + n]);
    let zero = [0.0; 3];
    match sot {
        None => {
            for i in 0..n {
                let mh = cross(m[i], h[i]);
                let t = [-g * mh[0], -g * mh[1], -g * mh[2]];
                let v = gilbert(m[i], t, alpha[i]);
                out[i] = if ms[i] == 0.0 { zero } else { v };
            }
        }
        Some((s, zj)) => {
            let (coef, ratio) = s.coefs(c0, n);
            for i in 0..n {
                let mh = cross(m[i], h[i]);
                let tc = sot_torque(coef[i], ratio[i], m[i], zj);
                let t = [-g * mh[0] + tc[0], -g * mh[1] + tc[1], -g * mh[2] + tc[2]];
                let v = gilbert(m[i], t, alpha[i]);
                out[i] = if ms[i] == 0.0 { zero } else { v };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::micromag::{Material, Mesh, Shape, Stack};

    /// The row kernel (AVX2 where the CPU has it, and the baseline build) gives the same
    /// bits as the cell-by-cell `rhs_sot`/`rhs`, with and without spin-orbit torque, on a
    /// mesh with holes and cells without torque.
    #[test]
    fn row_kernel_equals_cell_by_cell() {
        let mat = Material {
            ms: 0.8e6,
            alpha: 0.15,
            theta_sh: -0.1,
            ..Material::default()
        };
        let mut stack = Stack::uniform(mat, 2, 1, 1, 0.0);
        stack.layers[1].material.theta_sh = 0.0;
        let mut sys =
            System::multilayer(11, 5, [2e-9, 2e-9, 1e-9], &Shape::Everything, &stack).unwrap();
        sys.remove_cells(|p| p[0] < 4e-9 && p[1] > 5e-9).unwrap();
        let sot = SpinOrbit::new(&sys).unwrap();
        let n = sys.mesh.len();
        let m: Vec<V3> = (0..n)
            .map(|c| {
                let a = 0.37 * c as f64;
                let v = [a.sin(), a.cos() * 0.6, 0.8 * a.cos()];
                let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
                if sys.ms[c] == 0.0 {
                    [0.0; 3]
                } else {
                    [v[0] / r, v[1] / r, v[2] / r]
                }
            })
            .collect();
        let h: Vec<V3> = (0..n)
            .map(|c| [1e5 * (c as f64).sin(), -3e4, 2e5])
            .collect();
        let j = [1e11, -2e10, 0.0];
        for with_sot in [false, true] {
            let mut want = vec![[0.0; 3]; n];
            if with_sot {
                rhs_sot(&sys, &m, &h, &sot, j, &mut want);
            } else {
                rhs(&sys, &m, &h, &[], &mut want);
            }
            let nx = sys.mesh.n[0];
            let arg = with_sot.then_some((&sot, [-j[1], j[0]]));
            for (r, (want, hr)) in want.chunks(nx).zip(h.chunks(nx)).enumerate() {
                let mut fast = vec![[9.0; 3]; nx];
                let mut base = vec![[9.0; 3]; nx];
                rhs_cells(&sys, &m, r * nx, hr, &mut fast, arg);
                rhs_cells_body(&sys, &m, r * nx, hr, &mut base, arg);
                for i in 0..nx {
                    for q in 0..3 {
                        let bits = [want[i][q], fast[i][q], base[i][q]].map(f64::to_bits);
                        assert!(
                            bits[0] == bits[1] && bits[0] == bits[2],
                            "sot {with_sot} row {r} cell {i} comp {q}: {bits:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn precession_and_damping_directions() {
        // m = x, H = z: Gilbert LLG gives dm/dt = gamma mu0 H / (1 + a^2) (-(m x z) ... ):
        // m x H = x x z = -y, so T = +gamma mu0 H y; m x T = gamma mu0 H z.
        let sys = System::single(
            Mesh::new([1, 1, 1], [1e-9; 3]).unwrap(),
            &Shape::Everything,
            Material {
                ms: 1e6,
                alpha: 0.1,
                ..Material::default()
            },
        )
        .unwrap();
        let h = 1e5;
        let mut out = [[0.0; 3]];
        rhs(&sys, &[[1.0, 0.0, 0.0]], &[[0.0, 0.0, h]], &[], &mut out);
        let w = GAMMA_LL * MU0 * h / (1.0 + 0.01);
        assert!((out[0][1] - w).abs() < 1e-9 * w);
        assert!((out[0][2] - 0.1 * w).abs() < 1e-9 * w);
        assert!(out[0][0].abs() < 1e-9 * w);
    }
}

//! The Landau-Lifshitz-Gilbert right-hand side.

use super::super::field::PAR_MIN;
use super::super::stack::System;
use super::super::vec3::{cross, V3};
use super::super::{GAMMA_LL, MU0};
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
/// cells `c0 .. c0 + out.len()` only (`h` and `out` hold those cells; `m` is whole).
#[inline]
pub fn rhs_cells(
    sys: &System,
    m: &[V3],
    c0: usize,
    h: &[V3],
    out: &mut [V3],
    sot: Option<(&SpinOrbit, [f64; 2])>,
) {
    let g = GAMMA_LL * MU0;
    for (i, (o, hc)) in out.iter_mut().zip(h).enumerate() {
        let c = c0 + i;
        if sys.ms[c] == 0.0 {
            *o = [0.0; 3];
            continue;
        }
        let mc = m[c];
        let mh = cross(mc, *hc);
        let t = match sot {
            None => [-g * mh[0], -g * mh[1], -g * mh[2]],
            Some((s, zj)) => {
                let tc = s.torque_at(c, mc, zj);
                [-g * mh[0] + tc[0], -g * mh[1] + tc[1], -g * mh[2] + tc[2]]
            }
        };
        *o = gilbert(mc, t, sys.alpha[c]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::micromag::{Material, Mesh, Shape};

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

//! Relaxation to a local energy minimum by steepest descent with Barzilai-Borwein step
//! sizes (Exl et al., J. Appl. Phys. 115, 17D118 (2014)), the minimiser of magnum.np and
//! Fidimag.
//!
//! Descent direction: `-g`, `g = m x (m x H)` (the energy gradient projected on the tangent
//! plane, up to the positive factor `mu0 Ms V`); update `m <- normalise(m - tau g)` with `tau`
//! alternating between the two BB formulas `s.s / s.y` and `s.y / y.y`. Converged when the
//! largest torque `|m x mu0 H|` falls below [`RelaxOptions::torque_tol`]. The time does not
//! advance and the thermal field is not applied.

use super::super::equation::Equation;
use super::super::vec3::{cross, V3};
use super::super::MU0;
use super::{normalize_all, Integration, Stepper};
use crate::{Error, Result};
use rayon::prelude::*;

/// Convergence criterion and limits of [`crate::micromag::Simulation::relax`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelaxOptions {
    /// Converged when `max |m x B_eff| < torque_tol` (T). Default 1e-6 T.
    pub torque_tol: f64,
    /// Give up (an error) after this many iterations. Default 200000.
    pub max_iter: usize,
}

impl Default for RelaxOptions {
    fn default() -> Self {
        RelaxOptions {
            torque_tol: 1e-6,
            max_iter: 200_000,
        }
    }
}

/// What a relaxation did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelaxReport {
    /// Iterations (one field evaluation each).
    pub iterations: usize,
    /// Final largest torque `|m x B_eff|` (T).
    pub max_torque: f64,
}

/// Scratch of the minimiser: previous m and gradient.
fn gradient(eq: &mut Equation, m: &[V3], t: f64, g: &mut [V3]) -> f64 {
    eq.field_without_noise(m, t);
    let h = eq.h();
    let ms = &eq.sys.ms;
    g.par_iter_mut()
        .enumerate()
        .with_min_len(super::super::field::PAR_MIN)
        .map(|(c, gc)| {
            if ms[c] == 0.0 {
                *gc = [0.0; 3];
                return 0.0;
            }
            let mh = cross(m[c], h[c]);
            *gc = cross(m[c], mh);
            MU0 * (mh[0] * mh[0] + mh[1] * mh[1] + mh[2] * mh[2]).sqrt()
        })
        .reduce(|| 0.0, f64::max)
}

/// Relax `m` in place. Buffers `prev_m`, `g`, `prev_g` are scratch of `m.len()`.
pub fn relax(
    eq: &mut Equation,
    m: &mut [V3],
    t: f64,
    opts: &RelaxOptions,
    prev_m: &mut [V3],
    g: &mut [V3],
    prev_g: &mut [V3],
) -> Result<RelaxReport> {
    let mut torque = gradient(eq, m, t, g);
    if !torque.is_finite() {
        return Err(Error::Divergence(format!(
            "relax: the effective field is not finite at t = {t:e} s"
        )));
    }
    let gmax = g
        .iter()
        .map(|v| (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt())
        .fold(0.0, f64::max);
    // First step: move at most 0.01 rad.
    let mut tau = if gmax > 0.0 { 0.01 / gmax } else { 0.0 };
    let ms = eq.sys.ms.clone();
    for it in 0..opts.max_iter {
        if torque < opts.torque_tol {
            return Ok(RelaxReport {
                iterations: it,
                max_torque: torque,
            });
        }
        prev_m.copy_from_slice(m);
        prev_g.copy_from_slice(g);
        m.par_iter_mut()
            .zip(g.par_iter())
            .with_min_len(super::super::field::PAR_MIN)
            .for_each(|(mc, gc)| {
                mc[0] -= tau * gc[0];
                mc[1] -= tau * gc[1];
                mc[2] -= tau * gc[2];
            });
        let (_, bad) = normalize_all(m, &ms);
        if let Some(c) = bad {
            return Err(Error::Divergence(format!(
                "relax: magnetisation became non-finite in cell {c} at iteration {it}"
            )));
        }
        torque = gradient(eq, m, t, g);
        let (ss, sy, yy) = (0..m.len())
            .into_par_iter()
            .with_min_len(super::super::field::PAR_MIN)
            .map(|c| {
                let s = [
                    m[c][0] - prev_m[c][0],
                    m[c][1] - prev_m[c][1],
                    m[c][2] - prev_m[c][2],
                ];
                let y = [
                    g[c][0] - prev_g[c][0],
                    g[c][1] - prev_g[c][1],
                    g[c][2] - prev_g[c][2],
                ];
                (
                    s[0] * s[0] + s[1] * s[1] + s[2] * s[2],
                    s[0] * y[0] + s[1] * y[1] + s[2] * y[2],
                    y[0] * y[0] + y[1] * y[1] + y[2] * y[2],
                )
            })
            .reduce(|| (0.0, 0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
        let cand = if it % 2 == 0 { ss / sy } else { sy / yy };
        if cand.is_finite() && cand > 0.0 {
            tau = cand;
        }
        if !torque.is_finite() {
            return Err(Error::Divergence(format!(
                "relax: the effective field became non-finite at iteration {it}"
            )));
        }
    }
    Err(Error::Convergence(format!(
        "relax: no convergence after {} iterations (max torque {:.3e} T > {:.1e} T); \
         raise max_iter or torque_tol, or start closer to equilibrium",
        opts.max_iter, torque, opts.torque_tol
    )))
}

/// Relaxation as a [`Stepper`]: [`relax`] with these options from the present state (the
/// time does not move; `max_dt` is ignored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Relax(pub RelaxOptions);

impl Stepper for Relax {
    type Report = RelaxReport;

    fn step(&self, x: &mut Integration<'_>, _max_dt: f64) -> Result<RelaxReport> {
        let [a, b, c, ..] = &mut x.buf.k;
        let r = relax(x.eq, x.m, *x.t, &self.0, a, b, c);
        *x.fsal = false;
        r
    }
}

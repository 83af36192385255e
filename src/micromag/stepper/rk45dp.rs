//! Dormand-Prince 5(4) with first-same-as-last (Dormand and Prince, J. Comput. Appl. Math.
//! 6, 19 (1980); mumax3's `RK45DP`).

use super::super::equation::Equation;
use super::super::field::FieldTerm;
use super::super::vec3::V3;
use super::{combine_normalized, Buffers, Integration, Rk45Options, Stepper};
use crate::Result;
use rayon::prelude::*;

const C: [f64; 7] = [0.0, 0.2, 0.3, 0.8, 8.0 / 9.0, 1.0, 1.0];
const A2: [f64; 1] = [0.2];
const A3: [f64; 2] = [3.0 / 40.0, 9.0 / 40.0];
const A4: [f64; 3] = [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0];
const A5: [f64; 4] = [
    19372.0 / 6561.0,
    -25360.0 / 2187.0,
    64448.0 / 6561.0,
    -212.0 / 729.0,
];
const A6: [f64; 5] = [
    9017.0 / 3168.0,
    -355.0 / 33.0,
    46732.0 / 5247.0,
    49.0 / 176.0,
    -5103.0 / 18656.0,
];
/// 5th-order weights (also the 7th stage's row).
const B5: [f64; 6] = [
    35.0 / 384.0,
    0.0,
    500.0 / 1113.0,
    125.0 / 192.0,
    -2187.0 / 6784.0,
    11.0 / 84.0,
];
/// Error weights b5 - b4 for k1..k7.
const E: [f64; 7] = [
    71.0 / 57600.0,
    0.0,
    -71.0 / 16695.0,
    71.0 / 1920.0,
    -17253.0 / 339200.0,
    22.0 / 525.0,
    -1.0 / 40.0,
];

/// The result of one trial step.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trial {
    /// Error norm: the largest per-cell |m5 - m4|.
    pub err: f64,
    /// Cell of the largest error.
    pub cell: usize,
    /// Largest ||m| - 1| of the 5th-order solution before normalisation.
    pub drift: f64,
    /// First cell with a non-finite value, if any.
    pub bad: Option<usize>,
}

/// Try one step of `dt` from `(m, t)`. `k[0]` must hold `f(m, t)` when `fsal` is true
/// (it is computed otherwise). On return `b.cand` holds the normalised 5th-order solution
/// and `k[6]` its derivative.
pub fn try_step(
    eq: &mut Equation,
    m: &[V3],
    t: f64,
    dt: f64,
    fsal: bool,
    b: &mut Buffers,
) -> Trial {
    let mut out = Trial::default();
    let Buffers {
        k,
        stage,
        cand,
        row_err,
    } = b;
    let nx = eq.sys.mesh.n[0];
    row_err.ensure(m.len() / nx);
    if !fsal {
        eq.rhs(m, t, &mut k[0]);
    }
    let mut fused_err = false;
    let rows: [&[f64]; 5] = [&A2, &A3, &A4, &A5, &A6];
    for s in 1..6 {
        let (done, rest) = k.split_at_mut(s);
        let mut terms: [(f64, &[V3]); 6] = [(0.0, &[]); 6];
        for (i, (a, kk)) in rows[s - 1].iter().zip(done.iter()).enumerate() {
            terms[i] = (*a, kk.as_slice());
        }
        eq.rhs_stage(m, dt, &terms[..s], t + C[s] * dt, stage, &mut rest[0]);
    }
    {
        let (done, rest) = k.split_at_mut(6);
        let mut terms: [(f64, &[V3]); 6] = [(0.0, &[]); 6];
        for (i, (a, kk)) in B5.iter().zip(done.iter()).enumerate() {
            terms[i] = (*a, kk.as_slice());
        }
        // k7 is taken at the normalised solution, so that FSAL and a fresh start from the
        // same state give identical steps (the change is of the order of the step error).
        let (drift, bad) = combine_normalized(cand, m, dt, &terms, &eq.sys.ms);
        out.drift = drift;
        out.bad = bad;
        if bad.is_none() {
            // The error norm of each row is taken as soon as the row of k7 is done, inside
            // the evaluation pass (one sweep over the seven stages fewer per step).
            let done: &[Vec<V3>] = done;
            let rows = &*row_err;
            let hook = |r: usize, k7: &[V3]| {
                let c0 = r * nx;
                let mut best = (0.0, c0);
                for (i, k7c) in k7.iter().enumerate() {
                    let e = cell_error(done, k7c, c0 + i, dt);
                    if e > best.0 {
                        best = (e, c0 + i);
                    }
                }
                rows.set(r, best);
            };
            fused_err = eq.rhs_then(cand, t + dt, &mut rest[0], Some(&hook));
        }
    }
    let k = &*k;
    let (err, cell) = if fused_err {
        row_err.largest()
    } else {
        (0..m.len())
            .into_par_iter()
            .with_min_len(super::super::field::PAR_MIN)
            .map(|c| (cell_error(k, &k[6][c], c, dt), c))
            .reduce(|| (0.0, 0), |a, b| if b.0 > a.0 { b } else { a })
    };
    out.err = if out.bad.is_some() {
        f64::INFINITY
    } else {
        err
    };
    out.cell = out.bad.unwrap_or(cell);
    out
}

/// The error estimate `dt |sum_s E_s k_s|` of cell `c` (stages 1-6 from `k`, the seventh
/// given); infinite when not a number.
#[inline(always)]
fn cell_error(k: &[Vec<V3>], k7: &V3, c: usize, dt: f64) -> f64 {
    let mut e = [0.0; 3];
    for (s, w) in E.iter().enumerate() {
        if *w != 0.0 {
            let ks = if s == 6 { k7 } else { &k[s][c] };
            e[0] += w * ks[0];
            e[1] += w * ks[1];
            e[2] += w * ks[2];
        }
    }
    let n = dt * (e[0] * e[0] + e[1] * e[1] + e[2] * e[2]).sqrt();
    if n.is_nan() {
        f64::INFINITY
    } else {
        n
    }
}

/// Dormand-Prince 5(4) with mumax3's step-size control ([`Rk45Options`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rk45(pub Rk45Options);

impl Stepper for Rk45 {
    type Report = f64;

    fn step(&self, x: &mut Integration<'_>, max_dt: f64) -> Result<f64> {
        let o = self.0;
        loop {
            let base = x.dt.min(o.max_dt);
            let h = base.min(max_dt);
            let truncated = h < base;
            if h < o.min_dt && !truncated {
                return Err(x.divergence(0, h, "the step fell below MinDt"));
            }
            if let Some(th) = &mut x.eq.thermal {
                th.begin_step(&x.eq.sys, *x.t, h);
            }
            let tr = try_step(x.eq, x.m, *x.t, h, *x.fsal, x.buf);
            let (err, cell) = (tr.err, tr.cell);
            *x.fsal = true; // k[0] holds f(m, t) now
            let corr = if err > 0.0 {
                (o.headroom * (o.max_err / err).powf(0.2)).clamp(0.1, 2.0)
            } else {
                2.0
            };
            if err <= o.max_err {
                if tr.drift > 0.01 {
                    return Err(x.divergence(
                        cell,
                        h,
                        &format!("|m| drifted by {:.3} in one step", tr.drift),
                    ));
                }
                std::mem::swap(x.m, &mut x.buf.cand);
                // FSAL: k7 (at the new state) becomes k1.
                x.buf.k.swap(0, 6);
                *x.t += h;
                let next = (h * corr).min(o.max_dt);
                *x.dt = if truncated { x.dt.max(next) } else { next };
                x.stats.accepted += 1;
                return Ok(h);
            }
            x.stats.rejected += 1;
            *x.dt = h * corr;
            if tr.bad.is_some() && !x.dt.is_finite() {
                return Err(x.divergence(cell, h, "the magnetisation became non-finite"));
            }
            if *x.dt < o.min_dt {
                return Err(x.divergence(
                    cell,
                    *x.dt,
                    &format!(
                        "step rejected down to below MinDt (error {err:.3e} > MaxErr {:.1e})",
                        o.max_err
                    ),
                ));
            }
        }
    }
}

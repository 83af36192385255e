//! Classic fixed-step fourth-order Runge-Kutta.

use super::super::equation::Equation;
use super::super::field::FieldTerm;
use super::super::vec3::V3;
use super::{combine, normalize_all, Buffers, Integration, Stepper};
use crate::Result;

/// Classic RK4 with the fixed step `dt` (s) (shortened to land on `max_dt`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rk4 {
    /// The step (s).
    pub dt: f64,
}

impl Stepper for Rk4 {
    type Report = f64;

    fn step(&self, x: &mut Integration<'_>, max_dt: f64) -> Result<f64> {
        let h = self.dt.min(max_dt);
        if let Some(th) = &mut x.eq.thermal {
            th.begin_step(&x.eq.sys, *x.t, h);
        }
        step(x.eq, x.m, *x.t, h, x.buf);
        let (drift, bad) = normalize_all(&mut x.buf.cand, &x.eq.sys.ms);
        if let Some(c) = bad {
            return Err(x.divergence(c, h, "the magnetisation became non-finite"));
        }
        if drift > 0.05 {
            let c = 0;
            return Err(x.divergence(
                c,
                h,
                &format!("|m| drifted by {drift:.3} in one RK4 step (step too large)"),
            ));
        }
        std::mem::swap(x.m, &mut x.buf.cand);
        *x.t += h;
        x.stats.accepted += 1;
        Ok(h)
    }
}

/// One RK4 step of `dt` from `(m, t)`; the result is left in `b.cand` (not normalised).
pub fn step(eq: &mut Equation, m: &[V3], t: f64, dt: f64, b: &mut Buffers) {
    let Buffers { k, stage, cand, .. } = b;
    let [k1, k2, k3, k4, ..] = k;
    eq.rhs(m, t, k1);
    combine(stage, m, dt, &[(0.5, k1.as_slice())]);
    eq.rhs(stage, t + 0.5 * dt, k2);
    combine(stage, m, dt, &[(0.5, k2.as_slice())]);
    eq.rhs(stage, t + 0.5 * dt, k3);
    combine(stage, m, dt, &[(1.0, k3.as_slice())]);
    eq.rhs(stage, t + dt, k4);
    combine(
        cand,
        m,
        dt,
        &[
            (1.0 / 6.0, k1.as_slice()),
            (1.0 / 3.0, k2.as_slice()),
            (1.0 / 3.0, k3.as_slice()),
            (1.0 / 6.0, k4.as_slice()),
        ],
    );
}

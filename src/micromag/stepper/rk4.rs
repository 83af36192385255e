//! Classic fixed-step fourth-order Runge-Kutta.

use super::super::equation::Equation;
use super::super::vec3::V3;
use super::{combine, Buffers};

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

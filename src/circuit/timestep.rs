//! Time-step control: SPICE3's truncation-error bound over every integrated state
//! (`CKTtrunc`/`CKTterr`), device bounds, and breakpoints.

use super::integrate::{lte_step, LteTol};
use super::newton::Engine;
use super::options::Method;

/// The largest next step the truncation error of every state (and every device's own
/// estimate) allows, for the point just solved with step `deltas[0]` at `order`.
pub fn trunc(eng: &Engine, method: Method, order: usize, deltas: [f64; 3], time: f64) -> f64 {
    let o = &eng.opts;
    let tol = LteTol {
        reltol: o.reltol,
        abstol: o.abstol,
        chgtol: o.chgtol,
        trtol: o.trtol,
    };
    let [q0, q1, q2, q3] = &eng.q;
    let mut m = f64::INFINITY;
    for s in 0..eng.nstates {
        let d = lte_step(
            method,
            order,
            [q0[s], q1[s], q2[s], q3[s]],
            eng.cur[s],
            eng.cur_prev[s],
            deltas,
            &tol,
        );
        if d < m {
            m = d;
        }
    }
    for d in &eng.devices {
        if let Some(t) = d.truncation_step(time, deltas[0]) {
            m = m.min(t);
        }
    }
    m
}

/// The earliest device breakpoint after `t`.
pub fn next_breakpoint(eng: &Engine, t: f64) -> f64 {
    let mut m = f64::INFINITY;
    for d in &eng.devices {
        if let Some(b) = d.next_breakpoint(t) {
            if b > t && b < m {
                m = b;
            }
        }
    }
    m
}

/// The smallest step any device allows now.
pub fn device_max_step(eng: &Engine) -> f64 {
    let mut m = f64::INFINITY;
    for d in &eng.devices {
        if let Some(s) = d.max_step() {
            if s > 0.0 {
                m = m.min(s);
            }
        }
    }
    m
}

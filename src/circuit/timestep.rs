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
    let mut m = states_step(
        method,
        order,
        [q0, q1, q2, q3],
        &eng.cur,
        &eng.cur_prev,
        deltas,
        &tol,
    );
    for d in &eng.devices {
        if let Some(t) = d.truncation_step(time, deltas[0]) {
            m = m.min(t);
        }
    }
    m
}

/// [`lte_step`] minimised over every state, with the per-step constants hoisted and one
/// root taken at the end (the root is monotonic); equal to the minimum of `lte_step`.
pub fn states_step(
    method: Method,
    order: usize,
    q: [&[f64]; 4],
    cur: &[f64],
    cur_prev: &[f64],
    deltas: [f64; 3],
    tol: &LteTol,
) -> f64 {
    if order > 2 {
        // Not used by the engine (maximum order 2); keep the general form.
        let mut m = f64::INFINITY;
        for s in 0..cur.len() {
            let qs = [q[0][s], q[1][s], q[2][s], q[3][s]];
            m = m.min(lte_step(
                method,
                order,
                qs,
                cur[s],
                cur_prev[s],
                deltas,
                tol,
            ));
        }
        return m;
    }
    let [h0, h1, h2] = deltas;
    let factor = match (method, order) {
        (_, 1) => 0.5,
        (Method::Trap, _) => 1.0 / 12.0,
        (Method::Gear, _) => 2.0 / 9.0,
    };
    let (r0, r1, r2) = (1.0 / h0, 1.0 / h1, 1.0 / h2);
    let (r01, r12, r012) = (1.0 / (h0 + h1), 1.0 / (h1 + h2), 1.0 / (h0 + h1 + h2));
    let chg = tol.reltol * r0;
    let mut worst = f64::INFINITY; // the smallest `del` before the root
    let [q0, q1, q2, q3] = q;
    for s in 0..cur.len() {
        let (a, b, c) = (q0[s], q1[s], q2[s]);
        let volttol = tol.abstol + tol.reltol * cur[s].abs().max(cur_prev[s].abs());
        let chargetol = chg * a.abs().max(b.abs()).max(tol.chgtol);
        let t = volttol.max(chargetol);
        let d1a = (a - b) * r0;
        let d1b = (b - c) * r1;
        let dd = if order == 1 {
            (d1a - d1b) * r01
        } else {
            let d1c = (c - q3[s]) * r2;
            ((d1a - d1b) * r01 - (d1b - d1c) * r12) * r012
        };
        let del = tol.trtol * t / tol.abstol.max(factor * dd.abs());
        if del < worst {
            worst = del;
        }
    }
    if order == 2 {
        worst.sqrt()
    } else {
        worst
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn batch_estimate_equals_the_per_state_one() {
        // Oracle: SPICE3's divided-difference form (`lte_step`) state by state.
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let n = 50;
        let mut q: Vec<Vec<f64>> = (0..4)
            .map(|_| (0..n).map(|_| rng.random_range(-1e-12..1e-12)).collect())
            .collect();
        q[0][3] = 0.0; // an idle state
        let cur: Vec<f64> = (0..n).map(|_| rng.random_range(-1e-3..1e-3)).collect();
        let prev: Vec<f64> = (0..n).map(|_| rng.random_range(-1e-3..1e-3)).collect();
        let tol = LteTol {
            reltol: 1e-3,
            abstol: 1e-12,
            chgtol: 1e-14,
            trtol: 7.0,
        };
        let deltas = [1e-11, 3e-11, 2e-11];
        for method in [Method::Trap, Method::Gear] {
            for order in [1, 2] {
                let want = (0..n)
                    .map(|s| {
                        let qs = [q[0][s], q[1][s], q[2][s], q[3][s]];
                        lte_step(method, order, qs, cur[s], prev[s], deltas, &tol)
                    })
                    .fold(f64::INFINITY, f64::min);
                let got = states_step(
                    method,
                    order,
                    [&q[0], &q[1], &q[2], &q[3]],
                    &cur,
                    &prev,
                    deltas,
                    &tol,
                );
                assert!(
                    (got - want).abs() <= 1e-12 * want,
                    "{method:?} {order}: {got} vs {want}"
                );
            }
        }
    }
}

//! Integration formulas for charge-based companion models and their truncation-error
//! estimate (SPICE3's `NIcomCof` and `CKTterr`).
//!
//! Every integrated state `q` (a capacitor's charge, an inductor's flux) has its current
//! `i = dq/dt` written as `i_n = ag0 * q_n + hist`, where `hist` depends on the past only.

use super::options::Method;

/// Coefficients of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coeffs {
    /// Leading coefficient: `di_n/dq_n`.
    pub ag0: f64,
    /// Coefficient of `q_{n-1}` (Gear-2 and BE).
    pub ag1: f64,
    /// Coefficient of `q_{n-2}` (Gear-2).
    pub ag2: f64,
    /// Whether `i_{n-1}` enters (trapezoidal).
    pub trap: bool,
}

/// Coefficients for a step of size `h` with previous step `h1`, method and order (1 is
/// backward Euler whatever the method).
pub fn coeffs(method: Method, order: usize, h: f64, h1: f64) -> Coeffs {
    if order <= 1 {
        return Coeffs {
            ag0: 1.0 / h,
            ag1: -1.0 / h,
            ag2: 0.0,
            trap: false,
        };
    }
    match method {
        // i_n = 2/h (q_n - q_{n-1}) - i_{n-1}
        Method::Trap => Coeffs {
            ag0: 2.0 / h,
            ag1: -2.0 / h,
            ag2: 0.0,
            trap: true,
        },
        // Variable-step BDF2: with r = h/h1,
        // q'_n = [(1+2r) q_n - (1+r)^2 q_{n-1} + r^2 q_{n-2}] / (h (1+r)).
        Method::Gear => {
            let r = h / h1;
            Coeffs {
                ag0: (1.0 + 2.0 * r) / (h * (1.0 + r)),
                ag1: -(1.0 + r) / h,
                ag2: r * r / (h * (1.0 + r)),
                trap: false,
            }
        }
    }
}

/// Fill `hist` for every state from the accepted history `q1 = q_{n-1}`, `q2 = q_{n-2}` and
/// `i1 = i_{n-1}`.
pub fn fill_hist(c: &Coeffs, q1: &[f64], q2: &[f64], i1: &[f64], hist: &mut [f64]) {
    if c.trap {
        for ((h, &q), &i) in hist.iter_mut().zip(q1).zip(i1) {
            *h = c.ag1 * q - i;
        }
    } else if c.ag2 != 0.0 {
        for ((h, &qa), &qb) in hist.iter_mut().zip(q1).zip(q2) {
            *h = c.ag1 * qa + c.ag2 * qb;
        }
    } else {
        for (h, &q) in hist.iter_mut().zip(q1) {
            *h = c.ag1 * q;
        }
    }
}

/// Error constants of the local truncation error (SPICE3's `trapCoeff`, `gearCoeff`).
fn lte_factor(method: Method, order: usize) -> f64 {
    match (method, order) {
        (_, 1) => 0.5,
        (Method::Trap, _) => 1.0 / 12.0,
        (Method::Gear, _) => 2.0 / 9.0,
    }
}

/// Tolerances of the truncation-error estimate.
#[derive(Debug, Clone, Copy)]
pub struct LteTol {
    pub reltol: f64,
    pub abstol: f64,
    pub chgtol: f64,
    pub trtol: f64,
}

/// The largest step the truncation error of one state allows (SPICE3 `CKTterr`).
///
/// `q[k]` is the state at `t_{n-k}` (`q[0]` the point just solved), `i0`, `i1` its currents
/// at `t_n`, `t_{n-1}`, and `deltas[k]` the step that ended at `t_{n-k}`. The estimate takes
/// `order + 1` divided differences of `q` (the `order+1`-th derivative over `(order+1)!`).
pub fn lte_step(
    method: Method,
    order: usize,
    q: [f64; 4],
    i0: f64,
    i1: f64,
    deltas: [f64; 3],
    tol: &LteTol,
) -> f64 {
    let h = deltas[0];
    let volttol = tol.abstol + tol.reltol * i0.abs().max(i1.abs());
    let chargetol = tol.reltol * q[0].abs().max(q[1].abs()).max(tol.chgtol) / h;
    let t = volttol.max(chargetol);
    let mut diff = q;
    let mut dt = [deltas[0], deltas[1], deltas[2], 0.0];
    let mut j = order as isize;
    loop {
        for i in 0..=(j as usize) {
            diff[i] = (diff[i] - diff[i + 1]) / dt[i];
        }
        j -= 1;
        if j < 0 {
            break;
        }
        for i in 0..=(j as usize) {
            dt[i] = dt[i + 1] + deltas[i];
        }
    }
    let factor = lte_factor(method, order);
    let del = tol.trtol * t / (tol.abstol.max(factor * diff[0].abs()));
    match order {
        1 => del,
        2 => del.sqrt(),
        n => del.powf(1.0 / n as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gear2_constant_step_is_bdf2() {
        // BDF2 with constant step: q' = (3 q_n - 4 q_{n-1} + q_{n-2}) / (2h).
        let h = 1e-9;
        let c = coeffs(Method::Gear, 2, h, h);
        assert!((c.ag0 - 1.5 / h).abs() < 1e-6 / h);
        assert!((c.ag1 + 2.0 / h).abs() < 1e-6 / h);
        assert!((c.ag2 - 0.5 / h).abs() < 1e-6 / h);
    }

    #[test]
    fn gear2_is_exact_on_quadratics_with_variable_steps() {
        // q(t) = t^2: BDF2 differentiates quadratics exactly for any step ratio.
        let (t2, t1, t0) = (0.0, 0.3, 1.0);
        let c = coeffs(Method::Gear, 2, t0 - t1, t1 - t2);
        let q = |t: f64| t * t;
        let d = c.ag0 * q(t0) + c.ag1 * q(t1) + c.ag2 * q(t2);
        assert!((d - 2.0 * t0).abs() < 1e-12, "{d}");
    }

    #[test]
    fn trap_hist_reproduces_the_rule() {
        // i_n = 2/h (q_n - q_{n-1}) - i_{n-1} with q_{n-1} = 1, i_{n-1} = 0.5, h = 0.1.
        let c = coeffs(Method::Trap, 2, 0.1, 0.1);
        let mut hist = [0.0];
        fill_hist(&c, &[1.0], &[0.0], &[0.5], &mut hist);
        let q_n = 1.2;
        assert!((c.ag0 * q_n + hist[0] - (20.0 * 0.2 - 0.5)).abs() < 1e-12);
    }

    #[test]
    fn lte_of_a_quadratic_charge() {
        // q = t^2 sampled at t = 0, 1, 2 (steps of 1): second divided difference = 1, so
        // BE's estimate is del = trtol * tol / (0.5 * 1).
        let tol = LteTol {
            reltol: 0.0,
            abstol: 1e-3,
            chgtol: 0.0,
            trtol: 7.0,
        };
        let del = lte_step(
            Method::Trap,
            1,
            [4.0, 1.0, 0.0, 0.0],
            0.0,
            0.0,
            [1.0, 1.0, 1.0],
            &tol,
        );
        assert!((del - 7.0 * 1e-3 / 0.5).abs() < 1e-12, "{del}");
        // A cubic q = t^3 at t = 3,2,1,0: third divided difference = 1; trap order 2:
        // del = sqrt(trtol * tol / (1/12 * 1)).
        let del = lte_step(
            Method::Trap,
            2,
            [27.0, 8.0, 1.0, 0.0],
            0.0,
            0.0,
            [1.0, 1.0, 1.0],
            &tol,
        );
        assert!((del - (7.0 * 1e-3 * 12.0f64).sqrt()).abs() < 1e-12, "{del}");
    }
}

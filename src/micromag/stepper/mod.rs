//! Time integrators and relaxation.
//!
//! The adaptive stepper is Dormand-Prince RK45 with mumax3's error control (knob names and
//! defaults kept: `MaxErr` 1e-5, `Headroom` 0.8, `MinDt`, `MaxDt`); the error of a step is
//! the largest per-cell norm of the difference between the 5th- and 4th-order solutions.

pub mod relax;
pub mod rk4;
pub mod rk45dp;

pub use relax::{Relax, RelaxOptions, RelaxReport};
pub use rk4::Rk4;
pub use rk45dp::Rk45;

use super::equation::Equation;
use super::vec3::V3;
use crate::{Error, Result};
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Adaptive step-size control (mumax3's names).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rk45Options {
    /// Largest accepted per-cell error |m5 - m4| of one step (`MaxErr`, default 1e-5).
    pub max_err: f64,
    /// Safety factor of the step-size update (`Headroom`, default 0.8).
    pub headroom: f64,
    /// Smallest step (s); a step below it is a divergence (`MinDt`, default 1e-20 s).
    pub min_dt: f64,
    /// Largest step (s) (`MaxDt`, default 1e-11 s).
    pub max_dt: f64,
    /// First step tried (s) (default 1e-14 s).
    pub initial_dt: f64,
}

impl Default for Rk45Options {
    fn default() -> Self {
        Rk45Options {
            max_err: 1e-5,
            headroom: 0.8,
            min_dt: 1e-20,
            max_dt: 1e-11,
            initial_dt: 1e-14,
        }
    }
}

/// Which integrator advances time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepperKind {
    /// Adaptive Dormand-Prince 5(4) with FSAL and [`Rk45Options`] (the default).
    Rk45,
    /// Classic fixed-step RK4 with step `dt` (s); required with the thermal field.
    Rk4 {
        /// The step (s).
        dt: f64,
    },
}

/// The integrator's name as a problem file spells it (`stepper = "rk45"` or `"rk4"`); with
/// the step of the fixed-step method it gives the [`StepperKind`].
#[derive(Debug, Clone, Copy, serde::Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// [`StepperKind::Rk45`] (the default).
    #[default]
    Rk45,
    /// [`StepperKind::Rk4`].
    Rk4,
}

impl Method {
    /// The stepper of this method, `dt` (s) being the step of the fixed-step one.
    pub fn kind(self, dt: f64) -> StepperKind {
        match self {
            Method::Rk45 => StepperKind::Rk45,
            Method::Rk4 => StepperKind::Rk4 { dt },
        }
    }
}

/// What a [`Stepper`] advances: the equation and the integration state of a simulation
/// (borrowed from it for one call).
pub struct Integration<'a> {
    /// The equation of motion.
    pub eq: &'a mut Equation,
    /// The magnetisation.
    pub m: &'a mut Vec<V3>,
    /// The time (s).
    pub t: &'a mut f64,
    /// The next step size of the adaptive stepper (s).
    pub dt: &'a mut f64,
    /// Whether `buf.k[0]` holds `f(m, t)` (first-same-as-last).
    pub fsal: &'a mut bool,
    /// Step counters.
    pub stats: &'a mut StepStats,
    /// Stage buffers.
    pub buf: &'a mut Buffers,
}

impl Integration<'_> {
    /// The error of a diverged run at `cell` with step `dt` (s).
    pub(crate) fn divergence(&self, cell: usize, dt: f64, what: &str) -> Error {
        let (i, j, k) = self.eq.sys.mesh.ijk(cell);
        Error::Divergence(format!(
            "micromagnetic run diverged at t = {:.6e} s (dt = {:.3e} s), cell ({i}, {j}, {k}): {what}; \
             try a smaller MaxErr/MaxDt or RK4 step, or check the parameters",
            *self.t, dt
        ))
    }
}

/// An integrator: advances an [`Integration`] and reports what it did. The time steppers
/// ([`Rk4`], [`Rk45`]) take one step of at most `max_dt` and report its length (s);
/// [`Relax`] minimises the energy at fixed time (ignoring `max_dt`) and reports how.
pub trait Stepper {
    /// What one call reports.
    type Report;
    /// Advance `x` (one step of at most `max_dt` seconds for the time steppers).
    fn step(&self, x: &mut Integration<'_>, max_dt: f64) -> Result<Self::Report>;
}

/// Counters of a simulation's integration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepStats {
    /// Accepted steps.
    pub accepted: u64,
    /// Rejected (too large) steps.
    pub rejected: u64,
    /// Right-hand side (effective field) evaluations.
    pub evals: u64,
}

/// Reusable buffers of the integrators (allocated once per simulation).
#[derive(Debug, Clone)]
pub struct Buffers {
    /// Stage derivatives k1..k7.
    pub k: [Vec<V3>; 7],
    /// Stage magnetisation.
    pub stage: Vec<V3>,
    /// Candidate solution.
    pub cand: Vec<V3>,
    /// Largest error of each mesh row of the last RK45 trial step.
    pub row_err: RowErrors,
}

impl Buffers {
    /// Buffers for `n` cells.
    pub fn new(n: usize) -> Self {
        Buffers {
            k: std::array::from_fn(|_| vec![[0.0; 3]; n]),
            stage: vec![[0.0; 3]; n],
            cand: vec![[0.0; 3]; n],
            row_err: RowErrors::default(),
        }
    }
}

/// The largest error of each mesh row and its cell, written by the parallel tasks that
/// finish the rows (each row by one task) and reduced in row order afterwards. Scratch: a
/// clone is empty.
#[derive(Debug, Default)]
pub struct RowErrors(Vec<(AtomicU64, AtomicUsize)>);

impl Clone for RowErrors {
    fn clone(&self) -> Self {
        RowErrors::default()
    }
}

impl RowErrors {
    /// Room for `rows` rows (allocates only when the count changes).
    pub fn ensure(&mut self, rows: usize) {
        if self.0.len() != rows {
            self.0 = (0..rows)
                .map(|_| (AtomicU64::new(0), AtomicUsize::new(0)))
                .collect();
        }
    }

    /// Record row `r`'s largest error and its cell.
    pub fn set(&self, r: usize, (err, cell): (f64, usize)) {
        self.0[r].0.store(err.to_bits(), Ordering::Relaxed);
        self.0[r].1.store(cell, Ordering::Relaxed);
    }

    /// The largest error over all rows and its cell (the first row holding it).
    pub fn largest(&self) -> (f64, usize) {
        self.0.iter().fold((0.0, 0), |best, (e, c)| {
            let e = f64::from_bits(e.load(Ordering::Relaxed));
            if e > best.0 {
                (e, c.load(Ordering::Relaxed))
            } else {
                best
            }
        })
    }
}

/// `out = m + dt sum coef_i k_i` over the given stages (parallel).
pub(crate) fn combine(out: &mut [V3], m: &[V3], dt: f64, terms: &[(f64, &[V3])]) {
    out.par_chunks_mut(super::field::PAR_MIN)
        .enumerate()
        .for_each(|(i, o)| combine_span(o, m, dt, terms, i * super::field::PAR_MIN));
}

/// [`combine`] on the cells `c0 .. c0 + out.len()`: each stage added in turn over the
/// components as one flat array (SIMD), `m + s_1 k_1 + s_2 k_2 + ...` in that order.
#[inline]
pub(crate) fn combine_span(out: &mut [V3], m: &[V3], dt: f64, terms: &[(f64, &[V3])], c0: usize) {
    let n = out.len();
    let o = out.as_flattened_mut();
    o.copy_from_slice(m[c0..c0 + n].as_flattened());
    for (a, k) in terms {
        let s = dt * a;
        for (v, kv) in o.iter_mut().zip(k[c0..c0 + n].as_flattened()) {
            *v += s * kv;
        }
    }
}

/// Normalise every magnetic cell of `m`; returns the largest `||m| - 1|` seen before and the
/// first cell holding a non-finite value, if any.
pub(crate) fn normalize_all(m: &mut [V3], ms: &[f64]) -> (f64, Option<usize>) {
    let drift = m
        .par_iter_mut()
        .enumerate()
        .with_min_len(super::field::PAR_MIN)
        .map(|(c, v)| normalize_cell(v, ms[c]))
        .reduce(|| 0.0, f64::max);
    (drift, first_bad(m, ms, drift))
}

/// [`combine`] and [`normalize_all`] of the result in one pass.
pub(crate) fn combine_normalized(
    out: &mut [V3],
    m: &[V3],
    dt: f64,
    terms: &[(f64, &[V3])],
    ms: &[f64],
) -> (f64, Option<usize>) {
    let drift = out
        .par_chunks_mut(super::field::PAR_MIN)
        .enumerate()
        .map(|(i, o)| {
            let c0 = i * super::field::PAR_MIN;
            combine_span(o, m, dt, terms, c0);
            o.iter_mut()
                .zip(&ms[c0..])
                .fold(0.0, |d: f64, (v, msc)| d.max(normalize_cell(v, *msc)))
        })
        .reduce(|| 0.0, f64::max);
    (drift, first_bad(out, ms, drift))
}

/// Normalise `v` (a cell of saturation `ms`; zeroed when non-magnetic); returns `||v| - 1|`
/// before, infinite when `v` is not finite or zero.
#[inline(always)]
fn normalize_cell(v: &mut V3, ms: f64) -> f64 {
    if ms == 0.0 {
        *v = [0.0; 3];
        return 0.0;
    }
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    if !n.is_finite() || n == 0.0 {
        return f64::INFINITY;
    }
    *v = [v[0] / n, v[1] / n, v[2] / n];
    (n - 1.0).abs()
}

/// The first magnetic cell of `m` with a non-finite or zero value when `drift` says there is
/// one.
fn first_bad(m: &[V3], ms: &[f64], drift: f64) -> Option<usize> {
    if drift.is_finite() {
        None
    } else {
        m.iter().enumerate().position(|(c, v)| {
            ms[c] != 0.0 && !(v.iter().all(|x| x.is_finite()) && v.iter().any(|x| *x != 0.0))
        })
    }
}

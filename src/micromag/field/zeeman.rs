//! The applied (Zeeman) field: static plus an optional time-dependent part.

use super::{FieldTerm, System, PAR_MIN, V3};
use crate::micromag::MU0;
use rayon::prelude::*;
use std::sync::Arc;

/// A time-dependent induction `B(t)` (T).
pub type FieldFn = Arc<dyn Fn(f64) -> V3 + Send + Sync>;

/// Applied field `B_ext = b_static + b_fn(t)` (T) on every magnetic cell; `H = B / mu0`.
#[derive(Clone, Default)]
pub struct Zeeman {
    /// The static part (T).
    pub b_static: V3,
    /// The time-dependent part (T), if any.
    pub b_fn: Option<FieldFn>,
}

impl std::fmt::Debug for Zeeman {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Zeeman({:?}, dynamic: {})",
            self.b_static,
            self.b_fn.is_some()
        )
    }
}

impl Zeeman {
    /// A static field `b` (T).
    pub fn new(b: V3) -> Self {
        Zeeman {
            b_static: b,
            b_fn: None,
        }
    }

    /// The applied induction at time `t` (T).
    pub fn b_at(&self, t: f64) -> V3 {
        let mut b = self.b_static;
        if let Some(f) = &self.b_fn {
            let d = f(t);
            b = [b[0] + d[0], b[1] + d[1], b[2] + d[2]];
        }
        b
    }
}

impl FieldTerm for Zeeman {
    fn name(&self) -> &'static str {
        "zeeman"
    }
    fn energy_factor(&self) -> f64 {
        1.0
    }
    fn add_field(&mut self, sys: &System, _m: &[V3], t: f64, h: &mut [V3]) {
        let b = self.b_at(t);
        let hx = [b[0] / MU0, b[1] / MU0, b[2] / MU0];
        h.par_iter_mut()
            .enumerate()
            .with_min_len(PAR_MIN)
            .for_each(|(c, hc)| {
                if sys.ms[c] > 0.0 {
                    hc[0] += hx[0];
                    hc[1] += hx[1];
                    hc[2] += hx[2];
                }
            });
    }
}

//! First-order uniaxial anisotropy: `H = 2 Ku1 / (mu0 Ms) (m . u) u`, energy density
//! `-Ku1 (m . u)^2` (mumax3's convention: zero of energy perpendicular to the axis).

use super::{FieldTerm, LocalPart, System, PAR_MIN, V3};
use crate::micromag::vec3::dot;
use crate::micromag::MU0;
use rayon::prelude::*;

/// The uniaxial anisotropy term (per-cell Ku1 and axis from the [`System`]).
#[derive(Debug, Default, Clone)]
pub struct Anisotropy;

impl Anisotropy {
    /// The term for `sys` when `on` and some cell has a Ku1, else `None`.
    pub fn build(sys: &System, on: bool) -> Option<Box<dyn FieldTerm>> {
        (on && sys.ku1.iter().any(|a| *a != 0.0))
            .then(|| Box::new(Anisotropy) as Box<dyn FieldTerm>)
    }
}

impl FieldTerm for Anisotropy {
    fn fused_local(&self) -> Option<LocalPart> {
        Some(LocalPart::Anisotropy)
    }
    fn name(&self) -> &'static str {
        "anisotropy"
    }
    fn references(&self) -> &'static [&'static str] {
        &["Vansteenkiste et al., AIP Advances 4, 107133 (2014), eq. (14)"]
    }
    fn add_field(&mut self, sys: &System, m: &[V3], _t: f64, h: &mut [V3]) {
        h.par_iter_mut()
            .enumerate()
            .with_min_len(PAR_MIN)
            .for_each(|(c, hc)| {
                let ku = sys.ku1[c];
                if ku == 0.0 {
                    return;
                }
                let u = sys.anis_u[c];
                let s = 2.0 * ku / (MU0 * sys.ms[c]) * dot(m[c], u);
                hc[0] += s * u[0];
                hc[1] += s * u[1];
                hc[2] += s * u[2];
            });
    }
}

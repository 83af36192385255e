//! Effective-field terms (mumax3's engine: one effect per file, each with its energy).
//!
//! Every term adds its field `H` (A/m) to a buffer; the effective field is their sum (see
//! [`crate::micromag::Equation`], which fuses the local terms that declare a
//! [`FieldTerm::fused_local`] part into one pass). Energies are in joules, summed over
//! magnetic cells.

use super::stack::System;
use super::vec3::{dot, V3};
use super::MU0;

pub mod anisotropy;
pub mod demag;
pub mod dmi;
pub mod exchange;
pub mod interlayer;
pub mod local;
pub mod thermal;
pub mod zeeman;

pub use anisotropy::Anisotropy;
pub use demag::{Demag, DemagMode};
pub use dmi::InterfacialDmi;
pub use exchange::Exchange;
pub use interlayer::Interlayer;
pub use local::{LocalFields, LocalPart, LocalRows, LocalTerms};
pub use thermal::Thermal;
pub use zeeman::Zeeman;

/// Minimum number of cells per rayon task in the cell-local loops.
pub(crate) const PAR_MIN: usize = 2048;

/// One contribution to the effective field.
pub trait FieldTerm: Send {
    /// Short name, used in energy table headers (`exchange`, `demag`, ...).
    fn name(&self) -> &'static str;
    /// Unit of the field it adds (always A/m here).
    fn unit(&self) -> &'static str {
        "A/m"
    }
    /// Literature the implementation follows (BibTeX keys or citations).
    fn references(&self) -> &'static [&'static str] {
        &[]
    }
    /// Add this term's field `H` (A/m) at time `t` for magnetisation `m` to `h`.
    fn add_field(&mut self, sys: &System, m: &[V3], t: f64, h: &mut [V3]);
    /// The energy is `-factor mu0 sum Ms m . H V`: 1/2 for terms quadratic in m (the
    /// default), 1 for fields independent of m.
    fn energy_factor(&self) -> f64 {
        0.5
    }
    /// The energy of this term (J).
    fn energy(&mut self, sys: &System, m: &[V3], t: f64) -> f64 {
        let mut h = vec![[0.0; 3]; m.len()];
        self.add_field(sys, m, t, &mut h);
        -self.energy_factor() * MU0 * field_dot(sys, m, &h)
    }
    /// Called once before each time step of length `dt` starting at `t` (the thermal field
    /// draws its noise here). Default: nothing.
    fn begin_step(&mut self, _sys: &System, _t: f64, _dt: f64) {}
    /// The part of the fused local pass ([`LocalFields`]) that computes this term's field,
    /// if any: the simulation then skips [`Self::add_field`] in the evaluation (the term
    /// still gives its energy). Default: none (the term adds its own field).
    fn fused_local(&self) -> Option<LocalPart> {
        None
    }
    /// This term as a [`Demag`], if it is one (the simulation then fuses the local terms
    /// and the LLG right-hand side into the convolution's last pass).
    fn as_demag_mut(&mut self) -> Option<&mut Demag> {
        None
    }
}

/// `sum_c Ms_c m_c . h_c V` over magnetic cells (A^2/m^2 m^3 = J/mu0).
pub fn field_dot(sys: &System, m: &[V3], h: &[V3]) -> f64 {
    let v = sys.mesh.cell_volume();
    let mut s = 0.0;
    for c in 0..m.len() {
        if sys.ms[c] > 0.0 {
            s += sys.ms[c] * dot(m[c], h[c]);
        }
    }
    s * v
}

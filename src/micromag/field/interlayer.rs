//! Bilinear (RKKY) interlayer exchange between adjacent layers of a stack.
//!
//! Energy `-J sum m_a . m_b dx dy` over the facing cell pairs of the top slab of layer `l`
//! and the bottom slab of layer `l + 1` (whatever spacer lies between); field on a cell of
//! the pair `H = J / (mu0 Ms dz) m_other` (mumax3's `ext_InterExchange`, OOMMF's
//! `Oxs_TwoSurfaceExchange`).

use super::{FieldTerm, LocalPart, System, V3};
use crate::micromag::MU0;

/// The interlayer exchange term (couplings from [`System::rkky`]).
#[derive(Debug, Default, Clone)]
pub struct Interlayer;

impl Interlayer {
    /// The term for `sys` when `on` and some layer pair has an RKKY coupling, else `None`.
    pub fn build(sys: &System, on: bool) -> Option<Box<dyn FieldTerm>> {
        (on && sys.rkky.iter().any(|a| *a != 0.0))
            .then(|| Box::new(Interlayer) as Box<dyn FieldTerm>)
    }
}

impl FieldTerm for Interlayer {
    fn fused_local(&self) -> Option<LocalPart> {
        Some(LocalPart::Interlayer)
    }
    fn name(&self) -> &'static str {
        "interlayer"
    }
    fn references(&self) -> &'static [&'static str] {
        &["Parkin, PRL 67, 3598 (1991)"]
    }
    fn add_field(&mut self, sys: &System, m: &[V3], _t: f64, h: &mut [V3]) {
        let [nx, ny, _] = sys.mesh.n;
        let dz = sys.mesh.cell[2];
        for (l, j) in sys.rkky.iter().enumerate() {
            if *j == 0.0 {
                continue;
            }
            let kt = sys.layers[l].z1 - 1;
            let kb = sys.layers[l + 1].z0;
            for y in 0..ny {
                for x in 0..nx {
                    let a = sys.mesh.idx(x, y, kt);
                    let b = sys.mesh.idx(x, y, kb);
                    if sys.ms[a] == 0.0 || sys.ms[b] == 0.0 {
                        continue;
                    }
                    let sa = j / (MU0 * sys.ms[a] * dz);
                    let sb = j / (MU0 * sys.ms[b] * dz);
                    let (ma, mb) = (m[a], m[b]);
                    for q in 0..3 {
                        h[a][q] += sa * mb[q];
                        h[b][q] += sb * ma[q];
                    }
                }
            }
        }
    }
}

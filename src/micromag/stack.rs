//! Multilayer stacks and the discretised [`System`] (mesh + per-cell parameters).

use super::material::Material;
use super::mesh::{Mesh, Shape};
use super::vec3::{normalize, V3};
use crate::{Error, Result};

pub use super::field::demag::DemagMode;

/// Region/layer index of a non-magnetic cell.
pub const NONE: u16 = u16::MAX;

/// One ferromagnetic layer of a stack, from the bottom up.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// Its material.
    pub material: Material,
    /// Thickness in cells (at least 1).
    pub cells: usize,
    /// Non-magnetic spacer cells above this layer (ignored for the top layer).
    pub spacer_after: usize,
}

/// A multilayer: ferromagnetic layers separated by non-magnetic spacers, with a bilinear
/// (RKKY) interlayer exchange `J` (J/m^2, positive = ferromagnetic) between each pair of
/// adjacent layers: energy `-J sum m_top . m_bottom dA` over the facing cell pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Stack {
    /// Layers from the bottom (the heavy-metal side) up.
    pub layers: Vec<Layer>,
    /// `rkky[l]` couples layer `l` to layer `l + 1` (J/m^2); length `layers.len() - 1`.
    pub rkky: Vec<f64>,
}

impl Stack {
    /// `n` identical layers of `cells` cells, `spacer` empty cells between them, coupling `j`.
    pub fn uniform(material: Material, n: usize, cells: usize, spacer: usize, j: f64) -> Stack {
        Stack {
            layers: (0..n)
                .map(|_| Layer {
                    material: material.clone(),
                    cells,
                    spacer_after: spacer,
                })
                .collect(),
            rkky: vec![j; n.saturating_sub(1)],
        }
    }

    /// Total number of z cells.
    pub fn nz(&self) -> usize {
        let n = self.layers.len();
        self.layers
            .iter()
            .enumerate()
            .map(|(l, y)| y.cells + if l + 1 < n { y.spacer_after } else { 0 })
            .sum()
    }
}

/// Where a layer sits in z.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LayerInfo {
    /// First z index.
    pub z0: usize,
    /// One past the last z index.
    pub z1: usize,
    /// Thickness (m).
    pub thickness: f64,
}

/// A discretised magnet: the mesh, the region and layer of each cell, the materials, the
/// interlayer couplings, and per-cell parameter arrays derived from them (kept in sync by
/// [`System::refresh`]). Exchange and DMI couple cells of the same layer only; layers
/// interact through demagnetisation and the RKKY term.
#[derive(Debug, Clone)]
pub struct System {
    /// The grid.
    pub mesh: Mesh,
    /// Region (index into `materials`) of each cell, [`NONE`] for non-magnetic cells.
    pub region: Vec<u16>,
    /// Layer of each cell, [`NONE`] for non-magnetic cells.
    pub layer: Vec<u16>,
    /// The materials, indexed by region.
    pub materials: Vec<Material>,
    /// The layers' z extents.
    pub layers: Vec<LayerInfo>,
    /// RKKY coupling between layer `l` and `l + 1` (J/m^2).
    pub rkky: Vec<f64>,
    /// Per-cell Ms (A/m), 0 in non-magnetic cells.
    pub ms: Vec<f64>,
    /// Per-cell exchange stiffness (J/m).
    pub aex: Vec<f64>,
    /// Per-cell Ku1 (J/m^3).
    pub ku1: Vec<f64>,
    /// Per-cell unit anisotropy axis.
    pub anis_u: Vec<V3>,
    /// Per-cell interfacial DMI (J/m^2).
    pub dind: Vec<f64>,
    /// Per-cell Gilbert damping.
    pub alpha: Vec<f64>,
}

impl System {
    /// A single magnetic layer filling the whole mesh height, masked by `shape`.
    pub fn single(mesh: Mesh, shape: &Shape, material: Material) -> Result<System> {
        let mask = shape.mask(&mesh);
        Self::from_mask(mesh, &mask, material)
    }

    /// A single layer from an explicit mask (one flag per cell).
    pub fn from_mask(mesh: Mesh, mask: &[bool], material: Material) -> Result<System> {
        material.validate()?;
        if mask.len() != mesh.len() {
            return Err(Error::Usage(format!(
                "geometry mask has {} entries for {} cells",
                mask.len(),
                mesh.len()
            )));
        }
        let region: Vec<u16> = mask.iter().map(|b| if *b { 0 } else { NONE }).collect();
        let thickness = mesh.size()[2];
        let mut sys = System {
            layer: region.clone(),
            region,
            materials: vec![material],
            layers: vec![LayerInfo {
                z0: 0,
                z1: mesh.n[2],
                thickness,
            }],
            rkky: vec![],
            ms: vec![],
            aex: vec![],
            ku1: vec![],
            anis_u: vec![],
            dind: vec![],
            alpha: vec![],
            mesh,
        };
        sys.refresh();
        sys.check_not_empty()?;
        Ok(sys)
    }

    /// A multilayer of `nx x ny` cells in-plane (cell size `cell`), the layers of `stack`
    /// stacked in z, each masked in-plane by `shape` (evaluated at the cell centre).
    pub fn multilayer(
        nx: usize,
        ny: usize,
        cell: [f64; 3],
        shape: &Shape,
        stack: &Stack,
    ) -> Result<System> {
        if stack.layers.is_empty() {
            return Err(Error::Usage("stack: at least one layer is needed".into()));
        }
        if stack.layers.len() >= NONE as usize {
            return Err(Error::Usage("stack: too many layers".into()));
        }
        if stack.rkky.len() + 1 != stack.layers.len() {
            return Err(Error::Usage(format!(
                "stack: {} layers need {} interlayer couplings (got {})",
                stack.layers.len(),
                stack.layers.len() - 1,
                stack.rkky.len()
            )));
        }
        if let Some(j) = stack.rkky.iter().find(|j| !j.is_finite()) {
            return Err(Error::Usage(format!(
                "stack: interlayer coupling {j} is not finite"
            )));
        }
        for l in &stack.layers {
            l.material.validate()?;
            if l.cells == 0 {
                return Err(Error::Usage(
                    "stack: every layer needs at least one cell".into(),
                ));
            }
        }
        let mesh = Mesh::new([nx, ny, stack.nz()], cell)?;
        let mut region = vec![NONE; mesh.len()];
        let mut layer = vec![NONE; mesh.len()];
        let mut layers = Vec::new();
        let mut z = 0;
        for (l, ly) in stack.layers.iter().enumerate() {
            layers.push(LayerInfo {
                z0: z,
                z1: z + ly.cells,
                thickness: ly.cells as f64 * cell[2],
            });
            for k in z..z + ly.cells {
                for j in 0..ny {
                    for i in 0..nx {
                        let c = mesh.center(i, j, k);
                        if shape.contains(c[0], c[1], c[2]) {
                            let idx = mesh.idx(i, j, k);
                            region[idx] = l as u16;
                            layer[idx] = l as u16;
                        }
                    }
                }
            }
            z += ly.cells + ly.spacer_after;
        }
        let mut sys = System {
            mesh,
            region,
            layer,
            materials: stack.layers.iter().map(|l| l.material.clone()).collect(),
            layers,
            rkky: stack.rkky.clone(),
            ms: vec![],
            aex: vec![],
            ku1: vec![],
            anis_u: vec![],
            dind: vec![],
            alpha: vec![],
        };
        sys.refresh();
        sys.check_not_empty()?;
        Ok(sys)
    }

    fn check_not_empty(&self) -> Result<()> {
        if self.region.iter().all(|r| *r == NONE) {
            return Err(Error::Usage(
                "geometry: no magnetic cell in the mesh".into(),
            ));
        }
        Ok(())
    }

    /// Rebuild the per-cell arrays from `region` and `materials`.
    pub fn refresh(&mut self) {
        let n = self.mesh.len();
        let get = |f: &dyn Fn(&Material) -> f64| -> Vec<f64> {
            (0..n)
                .map(|c| match self.region[c] {
                    NONE => 0.0,
                    r => f(&self.materials[r as usize]),
                })
                .collect()
        };
        let ms = get(&|m| m.ms);
        let aex = get(&|m| m.aex);
        let ku1 = get(&|m| m.ku1);
        let dind = get(&|m| m.dind);
        let alpha = get(&|m| m.alpha);
        let anis_u = (0..n)
            .map(|c| match self.region[c] {
                NONE => [0.0; 3],
                r => normalize(self.materials[r as usize].anis_u),
            })
            .collect();
        self.ms = ms;
        self.aex = aex;
        self.ku1 = ku1;
        self.dind = dind;
        self.alpha = alpha;
        self.anis_u = anis_u;
    }

    /// Change the parameters cell by cell (gradients, notches, ...): `f(centre, layer, mat)`
    /// edits a copy of each magnetic cell's material; cells whose material changes get a new
    /// region. Fails on invalid values or when more than 65534 regions would be needed.
    pub fn edit_cells(&mut self, f: impl Fn([f64; 3], usize, &mut Material)) -> Result<()> {
        for c in 0..self.mesh.len() {
            let r = self.region[c];
            if r == NONE {
                continue;
            }
            let (i, j, k) = self.mesh.ijk(c);
            let mut mat = self.materials[r as usize].clone();
            f(self.mesh.center(i, j, k), self.layer[c] as usize, &mut mat);
            if mat == self.materials[r as usize] {
                continue;
            }
            mat.validate()?;
            let existing = self.materials.iter().rposition(|m| *m == mat);
            let nr = match existing {
                Some(e) => e,
                None => {
                    if self.materials.len() >= NONE as usize - 1 {
                        return Err(Error::Usage("too many distinct material regions".into()));
                    }
                    self.materials.push(mat);
                    self.materials.len() - 1
                }
            };
            self.region[c] = nr as u16;
        }
        self.refresh();
        Ok(())
    }

    /// Remove magnetic material from the cells where `f(centre)` is true (notches, holes).
    pub fn remove_cells(&mut self, f: impl Fn([f64; 3]) -> bool) -> Result<()> {
        for c in 0..self.mesh.len() {
            let (i, j, k) = self.mesh.ijk(c);
            if f(self.mesh.center(i, j, k)) {
                self.region[c] = NONE;
                self.layer[c] = NONE;
            }
        }
        self.refresh();
        self.check_not_empty()
    }

    /// Number of layers.
    pub fn n_layers(&self) -> usize {
        self.layers.len()
    }

    /// Whether cell `c` is magnetic.
    #[inline(always)]
    pub fn is_magnetic(&self, c: usize) -> bool {
        self.region[c] != NONE
    }

    /// Number of magnetic cells.
    pub fn n_magnetic(&self) -> usize {
        self.region.iter().filter(|r| **r != NONE).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mat() -> Material {
        Material {
            ms: 8e5,
            aex: 1.5e-11,
            ..Material::default()
        }
    }

    #[test]
    fn stack_layout() {
        let st = Stack::uniform(mat(), 3, 2, 1, 1e-3);
        assert_eq!(st.nz(), 8);
        let s = System::multilayer(4, 2, [1e-9; 3], &Shape::Everything, &st).unwrap();
        assert_eq!(s.mesh.n, [4, 2, 8]);
        assert_eq!(s.layers[1].z0, 3);
        assert_eq!(s.layers[2].z1, 8);
        // z = 2 and 5 are spacers.
        assert!(!s.is_magnetic(s.mesh.idx(0, 0, 2)));
        assert!(s.is_magnetic(s.mesh.idx(0, 0, 3)));
        assert_eq!(s.n_magnetic(), 4 * 2 * 6);
    }

    #[test]
    fn wrong_coupling_count_is_an_error() {
        let mut st = Stack::uniform(mat(), 3, 1, 1, 0.0);
        st.rkky.pop();
        assert!(System::multilayer(4, 2, [1e-9; 3], &Shape::Everything, &st).is_err());
    }

    #[test]
    fn edit_cells_makes_regions() {
        let mut s = System::single(
            Mesh::new([4, 1, 1], [1.0; 3]).unwrap(),
            &Shape::Everything,
            mat(),
        )
        .unwrap();
        s.edit_cells(|p, _, m| m.ku1 = 1e5 * p[0]).unwrap();
        assert_eq!(s.materials.len(), 5);
        assert!((s.ku1[3] - 3.5e5).abs() < 1e-6);
    }
}

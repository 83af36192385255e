//! The finite-difference grid and geometry masks.

use crate::{Error, Result};
use std::sync::Arc;

/// A regular grid of `n[0] x n[1] x n[2]` cuboid cells of size `cell` (m). Cell `(i, j, k)`
/// has its centre at `((i + 1/2) dx, (j + 1/2) dy, (k + 1/2) dz)`; the grid's corner is the
/// origin. Cells are stored x fastest, then y, then z.
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    /// Number of cells along x, y, z.
    pub n: [usize; 3],
    /// Cell size along x, y, z (m).
    pub cell: [f64; 3],
}

impl Mesh {
    /// A mesh; every count must be at least 1 and every size positive and finite.
    pub fn new(n: [usize; 3], cell: [f64; 3]) -> Result<Self> {
        if n.contains(&0) {
            return Err(Error::Usage(format!(
                "mesh: every cell count must be at least 1 (got {} x {} x {})",
                n[0], n[1], n[2]
            )));
        }
        let total = n[0].checked_mul(n[1]).and_then(|v| v.checked_mul(n[2]));
        if total.is_none_or(|t| t > 1 << 28) {
            return Err(Error::Usage(format!(
                "mesh: {} x {} x {} cells is too large",
                n[0], n[1], n[2]
            )));
        }
        if cell.iter().any(|c| !(c.is_finite() && *c > 0.0)) {
            return Err(Error::Usage(format!(
                "mesh: cell sizes must be positive and finite (got {:?} m)",
                cell
            )));
        }
        Ok(Mesh { n, cell })
    }

    /// Total number of cells.
    pub fn len(&self) -> usize {
        self.n[0] * self.n[1] * self.n[2]
    }

    /// Always false (a mesh has at least one cell); for clippy's `len` convention.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Linear index of cell `(i, j, k)`.
    #[inline(always)]
    pub fn idx(&self, i: usize, j: usize, k: usize) -> usize {
        (k * self.n[1] + j) * self.n[0] + i
    }

    /// `(i, j, k)` of a linear index.
    #[inline(always)]
    pub fn ijk(&self, c: usize) -> (usize, usize, usize) {
        let i = c % self.n[0];
        let j = (c / self.n[0]) % self.n[1];
        (i, j, c / (self.n[0] * self.n[1]))
    }

    /// Centre of cell `(i, j, k)` (m).
    pub fn center(&self, i: usize, j: usize, k: usize) -> [f64; 3] {
        [
            (i as f64 + 0.5) * self.cell[0],
            (j as f64 + 0.5) * self.cell[1],
            (k as f64 + 0.5) * self.cell[2],
        ]
    }

    /// Cell volume (m^3).
    pub fn cell_volume(&self) -> f64 {
        self.cell[0] * self.cell[1] * self.cell[2]
    }

    /// World size along x, y, z (m).
    pub fn size(&self) -> [f64; 3] {
        [
            self.n[0] as f64 * self.cell[0],
            self.n[1] as f64 * self.cell[1],
            self.n[2] as f64 * self.cell[2],
        ]
    }
}

/// Which cells are magnetic. Coordinates are cell centres in metres, measured from the mesh
/// corner (see [`Mesh`]); the z coordinate is passed for 3D masks.
#[derive(Clone)]
pub enum Shape {
    /// Every cell.
    Everything,
    /// Cells whose centre lies in `[x0, x1] x [y0, y1]` (all z).
    Rect { x0: f64, y0: f64, x1: f64, y1: f64 },
    /// Cells whose centre lies within `r` of `(cx, cy)` (all z).
    Disk { cx: f64, cy: f64, r: f64 },
    /// A user predicate on the cell centre `(x, y, z)`.
    Func(Arc<dyn Fn(f64, f64, f64) -> bool + Send + Sync>),
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shape::Everything => write!(f, "Everything"),
            Shape::Rect { x0, y0, x1, y1 } => write!(f, "Rect({x0}, {y0}, {x1}, {y1})"),
            Shape::Disk { cx, cy, r } => write!(f, "Disk({cx}, {cy}, r={r})"),
            Shape::Func(_) => write!(f, "Func(..)"),
        }
    }
}

impl Shape {
    /// A disk centred in the mesh's xy plane with diameter `d` (m).
    pub fn centered_disk(mesh: &Mesh, d: f64) -> Shape {
        let s = mesh.size();
        Shape::Disk {
            cx: s[0] / 2.0,
            cy: s[1] / 2.0,
            r: d / 2.0,
        }
    }

    /// Whether the point `(x, y, z)` is inside.
    pub fn contains(&self, x: f64, y: f64, z: f64) -> bool {
        match self {
            Shape::Everything => true,
            Shape::Rect { x0, y0, x1, y1 } => x >= *x0 && x <= *x1 && y >= *y0 && y <= *y1,
            Shape::Disk { cx, cy, r } => (x - cx).powi(2) + (y - cy).powi(2) <= r * r,
            Shape::Func(f) => f(x, y, z),
        }
    }

    /// The mask of a mesh: one flag per cell.
    pub fn mask(&self, mesh: &Mesh) -> Vec<bool> {
        let mut out = Vec::with_capacity(mesh.len());
        for k in 0..mesh.n[2] {
            for j in 0..mesh.n[1] {
                for i in 0..mesh.n[0] {
                    let c = mesh.center(i, j, k);
                    out.push(self.contains(c[0], c[1], c[2]));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexing_round_trips() {
        let m = Mesh::new([3, 4, 5], [1.0, 1.0, 1.0]).unwrap();
        for c in 0..m.len() {
            let (i, j, k) = m.ijk(c);
            assert_eq!(m.idx(i, j, k), c);
        }
    }

    #[test]
    fn bad_mesh_is_an_error() {
        assert!(Mesh::new([0, 1, 1], [1.0; 3]).is_err());
        assert!(Mesh::new([1, 1, 1], [1.0, -1.0, 1.0]).is_err());
        assert!(Mesh::new([1, 1, 1], [1.0, f64::NAN, 1.0]).is_err());
    }

    #[test]
    fn disk_mask_counts_cells() {
        // A disk of diameter 10 cells: pi 25 = 78.5 cell areas; the centre-inside count on
        // a unit grid is 80 (exact lattice count for r = 5 with half-integer centres).
        let m = Mesh::new([10, 10, 1], [1.0; 3]).unwrap();
        let n = Shape::centered_disk(&m, 10.0)
            .mask(&m)
            .iter()
            .filter(|b| **b)
            .count();
        assert_eq!(n, 80);
    }
}

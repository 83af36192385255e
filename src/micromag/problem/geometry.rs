//! The magnetic mask: which cells of the mesh box carry magnetisation.
//!
//! Cell (ix, iy, iz) has its centre at x = (ix + 1/2) dx - Lx/2 (likewise y), so the mesh
//! centre is the origin, as in mumax3. A cell is magnetic when its centre lies inside the
//! in-plane shape (minus any notch) and its z index belongs to a magnetic layer.

use super::{GeometrySpec, Loaded, NotchSide, ShapeKind};
use crate::error::Result;

/// In-plane centre coordinates (x, y) of cell (ix, iy) relative to the mesh centre (m).
pub fn cell_xy(n: [usize; 3], cell: [f64; 3], ix: usize, iy: usize) -> (f64, f64) {
    (
        (ix as f64 + 0.5) * cell[0] - 0.5 * n[0] as f64 * cell[0],
        (iy as f64 + 0.5) * cell[1] - 0.5 * n[1] as f64 * cell[1],
    )
}

/// True when the in-plane point (x, y) (from the mesh centre) is inside the shape.
pub fn inside(g: &GeometrySpec, lx: f64, ly: f64, x: f64, y: f64) -> bool {
    let half_width = match g.shape {
        ShapeKind::Rectangle => 0.5 * ly,
        ShapeKind::Disk => {
            let d = g.diameter.unwrap_or(lx.min(ly));
            return x * x + y * y <= 0.25 * d * d && !in_notch(g, ly, x, y);
        }
        ShapeKind::Taper => {
            let (wl, wr) = (g.width_left.unwrap_or(ly), g.width_right.unwrap_or(ly));
            let s = (x + 0.5 * lx) / lx;
            0.5 * (wl + (wr - wl) * s)
        }
    };
    y.abs() <= half_width && !in_notch(g, ly, x, y)
}

fn in_notch(g: &GeometrySpec, ly: f64, x: f64, y: f64) -> bool {
    g.notch.iter().any(|n| {
        if (x - n.x).abs() > 0.5 * n.width {
            return false;
        }
        let top = y >= 0.5 * ly - n.depth;
        let bottom = y <= -0.5 * ly + n.depth;
        match n.side {
            NotchSide::Both => top || bottom,
            NotchSide::Top => top,
            NotchSide::Bottom => bottom,
        }
    })
}

impl Loaded {
    /// The magnetic mask, index `ix + nx*(iy + ny*iz)`, and the layer index of each cell
    /// (`None` for non-magnetic cells).
    pub fn mask(&self) -> Result<Vec<Option<usize>>> {
        let p = &self.problem;
        let [nx, ny, nz] = p.mesh.n;
        let (lx, ly) = (nx as f64 * p.mesh.cell[0], ny as f64 * p.mesh.cell[1]);
        let layers = self.layer_materials()?;
        let mut layer_of_z = vec![None; nz];
        for (i, (_, r)) in layers.iter().enumerate() {
            for z in r.clone() {
                layer_of_z[z] = Some(i);
            }
        }
        let mut out = vec![None; nx * ny * nz];
        for iz in 0..nz {
            for iy in 0..ny {
                for ix in 0..nx {
                    let (x, y) = cell_xy(p.mesh.n, p.mesh.cell, ix, iy);
                    if inside(&p.geometry, lx, ly, x, y) {
                        out[ix + nx * (iy + ny * iz)] = layer_of_z[iz];
                    }
                }
            }
        }
        if out.iter().all(Option::is_none) {
            return Err(self.error("geometry", "shape", "the geometry leaves no magnetic cell"));
        }
        Ok(out)
    }
}

//! Observables: averages, energies, domain-wall position, skyrmion centre and radius,
//! topological charge, velocities.
//!
//! Layer quantities use the layer's magnetisation averaged over its z cells, on the in-plane
//! grid.
//!
//! * DW position (`dw_x`): for each row of the layer, the x where `m_z` changes sign
//!   (linear interpolation between the two cells around the first sign change); the mean
//!   over rows with a crossing. NaN without a wall. [`dw_x_from_mz`] gives the alternative
//!   `x0 + L (1 + <m_z>) / 2` (wall with up on the left, down on the right).
//! * Skyrmion: the core is where `m_z` has the opposite sign of the layer's mean. Centre: the
//!   centroid of `max(0, -s m_z)` (s = sign of the mean). Radius: the distance from the
//!   centre to the `m_z = 0` contour, found along 8 rays by bilinear interpolation and
//!   averaged ([`Skyrmion::radius`]); `radius_area` is `sqrt(A / pi)` with `A` the area of
//!   cells in the core.
//! * Topological charge: `Q = 1/(4 pi) sum m . (d_x m x d_y m) dx dy` with central
//!   differences inside the layer and one-sided ones at edges.

use super::stack::System;
use super::vec3::{cross, dot, V3};

/// Average m over the magnetic cells (of layer `l` when given); zero when there are none.
pub fn average_m(sys: &System, m: &[V3], layer: Option<usize>) -> V3 {
    let mut s = [0.0; 3];
    let mut n = 0usize;
    for (c, v) in m.iter().enumerate() {
        if sys.ms[c] == 0.0 {
            continue;
        }
        if let Some(l) = layer {
            if sys.layer[c] as usize != l {
                continue;
            }
        }
        s = [s[0] + v[0], s[1] + v[1], s[2] + v[2]];
        n += 1;
    }
    if n == 0 {
        return [0.0; 3];
    }
    let k = 1.0 / n as f64;
    [s[0] * k, s[1] * k, s[2] * k]
}

/// Average m_z of layer `l` over magnetic cells whose centre is in `[x0, x1] x [y0, y1]`.
pub fn footprint_mz(sys: &System, m: &[V3], l: usize, r: [f64; 4]) -> f64 {
    let mesh = &sys.mesh;
    let Some(info) = sys.layers.get(l) else {
        return f64::NAN;
    };
    let [dx, dy, _] = mesh.cell;
    let i0 = ((r[0] / dx - 0.5).ceil().max(0.0)) as usize;
    let i1 = ((r[1] / dx - 0.5).floor()).min(mesh.n[0] as f64 - 1.0);
    let j0 = ((r[2] / dy - 0.5).ceil().max(0.0)) as usize;
    let j1 = ((r[3] / dy - 0.5).floor()).min(mesh.n[1] as f64 - 1.0);
    if i1 < 0.0 || j1 < 0.0 {
        return f64::NAN;
    }
    let (i1, j1) = (i1 as usize, j1 as usize);
    let (mut s, mut n) = (0.0, 0usize);
    for k in info.z0..info.z1 {
        for j in j0..=j1 {
            for i in i0..=i1 {
                let c = mesh.idx(i, j, k);
                if sys.ms[c] > 0.0 {
                    s += m[c][2];
                    n += 1;
                }
            }
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        s / n as f64
    }
}

/// The layer's magnetisation averaged over its z cells: `(plane, mask)` on the `nx x ny` grid.
pub fn layer_plane(sys: &System, m: &[V3], l: usize) -> (Vec<V3>, Vec<bool>) {
    let [nx, ny, _] = sys.mesh.n;
    let mut p = vec![[0.0; 3]; nx * ny];
    let mut mask = vec![false; nx * ny];
    if let Some(info) = sys.layers.get(l) {
        for k in info.z0..info.z1 {
            for q in 0..nx * ny {
                let c = k * nx * ny + q;
                if sys.ms[c] > 0.0 {
                    mask[q] = true;
                    p[q] = [p[q][0] + m[c][0], p[q][1] + m[c][1], p[q][2] + m[c][2]];
                }
            }
        }
    }
    for v in p.iter_mut() {
        let n = dot(*v, *v).sqrt();
        if n > 0.0 {
            *v = [v[0] / n, v[1] / n, v[2] / n];
        }
    }
    (p, mask)
}

/// DW position along x in layer `l` from the m_z zero crossings (m); NaN without a wall.
pub fn dw_x(sys: &System, m: &[V3], l: usize) -> f64 {
    let [nx, ny, _] = sys.mesh.n;
    let dx = sys.mesh.cell[0];
    let (p, mask) = layer_plane(sys, m, l);
    let (mut s, mut n) = (0.0, 0usize);
    for j in 0..ny {
        for i in 0..nx.saturating_sub(1) {
            let (a, b) = (j * nx + i, j * nx + i + 1);
            if !(mask[a] && mask[b]) {
                continue;
            }
            let (za, zb) = (p[a][2], p[b][2]);
            if za == 0.0 || za * zb < 0.0 {
                let f = if za == zb { 0.0 } else { za / (za - zb) };
                s += (i as f64 + 0.5 + f) * dx;
                n += 1;
                break;
            }
        }
    }
    if n == 0 {
        f64::NAN
    } else {
        s / n as f64
    }
}

/// DW position from the layer's average m_z: `x0 + L (1 + <m_z>) / 2` over the layer's
/// x extent `[x0, x0 + L]` (up domain on the left).
pub fn dw_x_from_mz(sys: &System, m: &[V3], l: usize) -> f64 {
    let [nx, ny, _] = sys.mesh.n;
    let dx = sys.mesh.cell[0];
    let (_, mask) = layer_plane(sys, m, l);
    let (mut lo, mut hi) = (usize::MAX, 0);
    for j in 0..ny {
        for i in 0..nx {
            if mask[j * nx + i] {
                lo = lo.min(i);
                hi = hi.max(i);
            }
        }
    }
    if lo == usize::MAX {
        return f64::NAN;
    }
    let mz = average_m(sys, m, Some(l))[2];
    let x0 = lo as f64 * dx;
    let len = (hi + 1 - lo) as f64 * dx;
    x0 + len * (1.0 + mz) / 2.0
}

/// A skyrmion's centre (m), radius (m) and core area radius (m).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skyrmion {
    /// Centre x (m).
    pub x: f64,
    /// Centre y (m).
    pub y: f64,
    /// Mean distance from the centre to the m_z = 0 contour (8 rays) (m).
    pub radius: f64,
    /// `sqrt(core area / pi)` (m).
    pub radius_area: f64,
}

/// Bilinear interpolation of m_z on the layer plane at `(x, y)` (m); None outside.
fn mz_at(
    p: &[V3],
    mask: &[bool],
    nx: usize,
    ny: usize,
    d: [f64; 3],
    x: f64,
    y: f64,
) -> Option<f64> {
    let fx = x / d[0] - 0.5;
    let fy = y / d[1] - 0.5;
    if fx < 0.0 || fy < 0.0 || fx > (nx - 1) as f64 || fy > (ny - 1) as f64 {
        return None;
    }
    let i = (fx.floor() as usize).min(nx.saturating_sub(2));
    let j = (fy.floor() as usize).min(ny.saturating_sub(2));
    let (tx, ty) = (fx - i as f64, fy - j as f64);
    let i1 = (i + 1).min(nx - 1);
    let j1 = (j + 1).min(ny - 1);
    let q = [j * nx + i, j * nx + i1, j1 * nx + i, j1 * nx + i1];
    if q.iter().any(|c| !mask[*c]) {
        return None;
    }
    Some(
        (1.0 - tx) * (1.0 - ty) * p[q[0]][2]
            + tx * (1.0 - ty) * p[q[1]][2]
            + (1.0 - tx) * ty * p[q[2]][2]
            + tx * ty * p[q[3]][2],
    )
}

/// The skyrmion of layer `l`, if its core (cells with m_z against the mean) is non-empty.
pub fn skyrmion(sys: &System, m: &[V3], l: usize) -> Option<Skyrmion> {
    let [nx, ny, _] = sys.mesh.n;
    let d = sys.mesh.cell;
    let (p, mask) = layer_plane(sys, m, l);
    let mean: f64 = (0..nx * ny).filter(|q| mask[*q]).map(|q| p[q][2]).sum();
    let s = if mean < 0.0 { -1.0 } else { 1.0 };
    let (mut w, mut wx, mut wy, mut ncore) = (0.0, 0.0, 0.0, 0usize);
    for j in 0..ny {
        for i in 0..nx {
            let q = j * nx + i;
            if !mask[q] {
                continue;
            }
            let v = -s * p[q][2];
            if v > 0.0 {
                w += v;
                wx += v * (i as f64 + 0.5) * d[0];
                wy += v * (j as f64 + 0.5) * d[1];
                ncore += 1;
            }
        }
    }
    if ncore == 0 {
        return None;
    }
    let (cx, cy) = (wx / w, wy / w);
    let step = 0.05 * d[0].min(d[1]);
    let maxr = (nx as f64 * d[0]).hypot(ny as f64 * d[1]);
    let mut radii = Vec::new();
    for a in 0..8 {
        let th = a as f64 * std::f64::consts::FRAC_PI_4;
        let (ux, uy) = (th.cos(), th.sin());
        let mut prev: Option<(f64, f64)> = None;
        let mut r = 0.0;
        while r < maxr {
            let Some(z) = mz_at(&p, &mask, nx, ny, d, cx + r * ux, cy + r * uy) else {
                break;
            };
            let v = s * z;
            if let Some((r0, v0)) = prev {
                if v0 < 0.0 && v >= 0.0 {
                    radii.push(r0 + (r - r0) * (-v0) / (v - v0));
                    break;
                }
            }
            prev = Some((r, v));
            r += step;
        }
    }
    let radius = if radii.is_empty() {
        f64::NAN
    } else {
        radii.iter().sum::<f64>() / radii.len() as f64
    };
    Some(Skyrmion {
        x: cx,
        y: cy,
        radius,
        radius_area: (ncore as f64 * d[0] * d[1] / std::f64::consts::PI).sqrt(),
    })
}

/// Topological charge of layer `l` (finite differences, see the module docs).
pub fn topological_charge(sys: &System, m: &[V3], l: usize) -> f64 {
    let [nx, ny, _] = sys.mesh.n;
    let [dx, dy, _] = sys.mesh.cell;
    let (p, mask) = layer_plane(sys, m, l);
    let deriv = |c: usize, prev: Option<usize>, next: Option<usize>, d: f64| -> V3 {
        let a = prev.filter(|q| mask[*q]);
        let b = next.filter(|q| mask[*q]);
        match (a, b) {
            (Some(a), Some(b)) => std::array::from_fn(|k| (p[b][k] - p[a][k]) / (2.0 * d)),
            (Some(a), None) => std::array::from_fn(|k| (p[c][k] - p[a][k]) / d),
            (None, Some(b)) => std::array::from_fn(|k| (p[b][k] - p[c][k]) / d),
            (None, None) => [0.0; 3],
        }
    };
    let mut q = 0.0;
    for j in 0..ny {
        for i in 0..nx {
            let c = j * nx + i;
            if !mask[c] {
                continue;
            }
            let gx = deriv(c, (i > 0).then(|| c - 1), (i + 1 < nx).then(|| c + 1), dx);
            let gy = deriv(c, (j > 0).then(|| c - nx), (j + 1 < ny).then(|| c + nx), dy);
            q += dot(p[c], cross(gx, gy)) * dx * dy;
        }
    }
    q / (4.0 * std::f64::consts::PI)
}

/// A snapshot of every observable.
#[derive(Debug, Clone, PartialEq)]
pub struct Observables {
    /// Time (s).
    pub t: f64,
    /// Average m over all magnetic cells.
    pub m: V3,
    /// Average m per layer.
    pub m_layers: Vec<V3>,
    /// Energy per term (J).
    pub energies: Vec<(&'static str, f64)>,
    /// Total energy (J).
    pub total_energy: f64,
    /// DW position per layer (m; NaN without a wall).
    pub dw_x: Vec<f64>,
    /// Skyrmion per layer.
    pub skyrmions: Vec<Option<Skyrmion>>,
    /// Topological charge per layer.
    pub q: Vec<f64>,
}

impl Observables {
    /// Measure everything (energies are passed in: they need the field terms).
    pub fn measure(sys: &System, m: &[V3], t: f64, energies: Vec<(&'static str, f64)>) -> Self {
        let nl = sys.n_layers();
        Observables {
            t,
            m: average_m(sys, m, None),
            m_layers: (0..nl).map(|l| average_m(sys, m, Some(l))).collect(),
            total_energy: energies.iter().map(|e| e.1).sum(),
            energies,
            dw_x: (0..nl).map(|l| dw_x(sys, m, l)).collect(),
            skyrmions: (0..nl).map(|l| skyrmion(sys, m, l)).collect(),
            q: (0..nl).map(|l| topological_charge(sys, m, l)).collect(),
        }
    }
}

/// Velocity from successive positions: `v = (x - x_prev) / (t - t_prev)`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Velocity {
    last: Option<(f64, f64)>,
}

impl Velocity {
    /// Record position `x` (m) at `t` (s); returns the velocity since the last record (m/s),
    /// NaN for the first.
    pub fn update(&mut self, t: f64, x: f64) -> f64 {
        let v = match self.last {
            Some((t0, x0)) if t > t0 => (x - x0) / (t - t0),
            _ => f64::NAN,
        };
        self.last = Some((t, x));
        v
    }
}

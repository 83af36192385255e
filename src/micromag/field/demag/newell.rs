//! The demagnetisation tensor of two uniformly magnetised cuboids (Newell, Williams and
//! Dunlop, J. Geophys. Res. 98, 9551 (1993)).
//!
//! `N(X)` relates the mean field in a cell to the magnetisation of a cell displaced by `X`:
//! `H = -N M`. The diagonal components are 27-point second differences of Newell's `f`, the
//! off-diagonal ones of `g`. The second difference of functions that grow like `r^3` loses
//! about `log10((r/d)^3)` digits; beyond [`FAR_CELLS`] cell sizes (where that loss would be
//! about 5 digits) the point-dipole tensor is used instead, whose relative error there is of
//! order `(d/r)^2 < 1e-3` of an element that is itself `< 1e-6`: both errors are below
//! 1e-9 in absolute terms.

use std::f64::consts::PI;

/// Distance (in units of the largest cell dimension) beyond which the dipole form is used.
pub const FAR_CELLS: f64 = 40.0;

/// Newell's `f(x, y, z)` (even in every argument), written so that no `0 * inf` occurs.
pub fn newell_f(x: f64, y: f64, z: f64) -> f64 {
    let (x, y, z) = (x.abs(), y.abs(), z.abs());
    let (x2, y2, z2) = (x * x, y * y, z * z);
    let r = (x2 + y2 + z2).sqrt();
    let mut s = (2.0 * x2 - y2 - z2) * r / 6.0;
    if y > 0.0 && z2 != x2 {
        s += 0.5 * y * (z2 - x2) * (y / (x2 + z2).sqrt()).asinh();
    }
    if z > 0.0 && y2 != x2 {
        s += 0.5 * z * (y2 - x2) * (z / (x2 + y2).sqrt()).asinh();
    }
    if x > 0.0 && y > 0.0 && z > 0.0 {
        s -= x * y * z * (y * z / (x * r)).atan();
    }
    s
}

/// Newell's `g(x, y, z)` (odd in x and y, even in z).
pub fn newell_g(x: f64, y: f64, z: f64) -> f64 {
    if x == 0.0 || y == 0.0 {
        return 0.0;
    }
    let sign = x.signum() * y.signum();
    let (x, y, z) = (x.abs(), y.abs(), z.abs());
    let (x2, y2, z2) = (x * x, y * y, z * z);
    let r = (x2 + y2 + z2).sqrt();
    let mut s = -x * y * r / 3.0;
    s += x * y * z * (z / (x2 + y2).sqrt()).asinh();
    s += y / 6.0 * (3.0 * z2 - y2) * (x / (y2 + z2).sqrt()).asinh();
    s += x / 6.0 * (3.0 * z2 - x2) * (y / (x2 + z2).sqrt()).asinh();
    if z > 0.0 {
        s -= z * z2 / 6.0 * (x * y / (z * r)).atan();
        s -= 0.5 * z * y2 * (x * z / (y * r)).atan();
        s -= 0.5 * z * x2 * (y * z / (x * r)).atan();
    }
    sign * s
}

/// 1D second-difference weights for offsets -1, 0, +1.
const W: [f64; 3] = [-1.0, 2.0, -1.0];

/// The 27-point combination `sum w_a w_b w_c F(X + a dx, Y + b dy, Z + c dz) / (4 pi V)`.
fn combine(fun: impl Fn(f64, f64, f64) -> f64, x: f64, y: f64, z: f64, d: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for (a, wa) in W.iter().enumerate() {
        for (b, wb) in W.iter().enumerate() {
            for (c, wc) in W.iter().enumerate() {
                let xx = x + (a as f64 - 1.0) * d[0];
                let yy = y + (b as f64 - 1.0) * d[1];
                let zz = z + (c as f64 - 1.0) * d[2];
                s += wa * wb * wc * fun(xx, yy, zz);
            }
        }
    }
    s / (4.0 * PI * d[0] * d[1] * d[2])
}

/// Point-dipole tensor `V (delta_ab r^2 - 3 r_a r_b) / (4 pi r^5)` in the order
/// `[xx, yy, zz, xy, xz, yz]`.
pub fn dipole_tensor(r: [f64; 3], d: [f64; 3]) -> [f64; 6] {
    let r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    let pre = d[0] * d[1] * d[2] / (4.0 * PI * r2 * r2 * r2.sqrt());
    [
        pre * (r2 - 3.0 * r[0] * r[0]),
        pre * (r2 - 3.0 * r[1] * r[1]),
        pre * (r2 - 3.0 * r[2] * r[2]),
        -pre * 3.0 * r[0] * r[1],
        -pre * 3.0 * r[0] * r[2],
        -pre * 3.0 * r[1] * r[2],
    ]
}

/// Whether displacement `r` is in the far (dipole) zone for cells `d`.
pub fn is_far(r: [f64; 3], d: [f64; 3]) -> bool {
    let dmax = d[0].max(d[1]).max(d[2]);
    let r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2];
    r2 > (FAR_CELLS * dmax).powi(2)
}

/// The tensor `[Nxx, Nyy, Nzz, Nxy, Nxz, Nyz]` between two cells of size `d` whose centres
/// are displaced by `r` (Newell near, dipole far).
pub fn tensor(r: [f64; 3], d: [f64; 3]) -> [f64; 6] {
    if is_far(r, d) {
        return dipole_tensor(r, d);
    }
    let [x, y, z] = r;
    [
        combine(newell_f, x, y, z, d),
        combine(|a, b, c| newell_f(b, a, c), x, y, z, d),
        combine(|a, b, c| newell_f(c, b, a), x, y, z, d),
        combine(newell_g, x, y, z, d),
        combine(|a, b, c| newell_g(a, c, b), x, y, z, d),
        combine(|a, b, c| newell_g(b, c, a), x, y, z, d),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cube_self_term_is_one_third() {
        // A uniformly magnetised cube has N = 1/3 on every axis (symmetry + trace 1).
        let t = tensor([0.0; 3], [1.0; 3]);
        for v in &t[..3] {
            assert!((v - 1.0 / 3.0).abs() < 1e-12, "{t:?}");
        }
        for v in &t[3..] {
            assert!(v.abs() < 1e-14);
        }
    }

    #[test]
    fn self_term_trace_is_one_for_flat_cell() {
        // The self-demagnetisation tensor of any cuboid has unit trace.
        let t = tensor([0.0; 3], [2e-9, 2e-9, 0.8e-9]);
        assert!((t[0] + t[1] + t[2] - 1.0).abs() < 1e-11, "{t:?}");
        // A flat cell is demagnetised most along its short (z) axis, and x ~ y by symmetry.
        assert!(t[2] > t[0]);
        assert!((t[0] - t[1]).abs() < 1e-12);
    }

    #[test]
    fn mutual_term_matches_dipole_at_moderate_distance() {
        // At 10 cell sizes the Newell tensor and the point dipole differ by O((d/r)^2) = 1%
        // relative; both formulas are independent, so this checks f, g and the stencil.
        let d = [1.0, 1.0, 1.0];
        for r in [[10.0, 0.0, 0.0], [6.0, 7.0, 3.0], [0.0, 5.0, 9.0]] {
            let a = tensor(r, d);
            let b = dipole_tensor(r, d);
            let scale = b.iter().fold(0.0f64, |s, v| s.max(v.abs()));
            for q in 0..6 {
                assert!((a[q] - b[q]).abs() < 0.01 * scale, "{r:?} {a:?} {b:?}");
            }
        }
    }
}

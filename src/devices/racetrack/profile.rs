//! Closed-form magnetisation averages of a soliton over the MTJ footprint `[a, b]` (the
//! footprint spans the track's width).

/// `ln cosh(y)`, without overflow.
fn ln_cosh(y: f64) -> f64 {
    let a = y.abs();
    a + (-2.0 * a).exp().ln_1p() - std::f64::consts::LN_2
}

/// Mean m_z over `[a, b]` of a Bloch/Néel wall at `x` with width parameter `delta`
/// (profile `m_z(s) = -mbehind · tanh((s - x)/delta)`, so the domain behind the wall, `s <
/// x`, has m_z = `mbehind`):
/// `<m_z> = mbehind · delta/(b - a) · [ln cosh((x - a)/delta) - ln cosh((x - b)/delta)]`.
pub fn dw_mz_window(x: f64, delta: f64, mbehind: f64, a: f64, b: f64) -> f64 {
    if b <= a {
        return 0.0;
    }
    let m = delta / (b - a) * (ln_cosh((x - a) / delta) - ln_cosh((x - b) / delta));
    (mbehind * m).clamp(-1.0, 1.0)
}

/// Area of the disc of radius `r` centred at `x` (on the track's axis) that lies between
/// `a <= s <= b`: `F(s2) - F(s1)` with `F(s) = s sqrt(r^2 - s^2) + r^2 asin(s/r)`.
pub fn skyrmion_overlap(x: f64, r: f64, a: f64, b: f64) -> f64 {
    if r <= 0.0 {
        return 0.0;
    }
    let s1 = (a - x).clamp(-r, r);
    let s2 = (b - x).clamp(-r, r);
    let f = |s: f64| s * (r * r - s * s).max(0.0).sqrt() + r * r * (s / r).clamp(-1.0, 1.0).asin();
    (f(s2) - f(s1)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A wall far to the left of the window leaves the window in the domain ahead (-mbehind);
    // far to the right, in the domain behind; centred, the average is 0 by symmetry.
    // Far means 20 widths: tanh saturates to 1 - 2e-17.
    #[test]
    fn dw_window_limits() {
        let (a, b, d) = (160e-9, 224e-9, 5.5e-9);
        assert!((dw_mz_window(0.0, d, -1.0, a, b) - 1.0).abs() < 1e-12);
        assert!((dw_mz_window(400e-9, d, -1.0, a, b) + 1.0).abs() < 1e-12);
        assert!(dw_mz_window(192e-9, d, -1.0, a, b).abs() < 1e-12);
        // Wall at a quarter of the window, far from both edges (16 nm = 2.9 delta): the
        // sharp-wall value is -1 on the quarter behind and +1 on the rest: -0.25 + 0.75;
        // the tanh tails cancel to within 2 delta/(b-a) e^{-2*16/5.5} ~ 5e-4.
        let m = dw_mz_window(176e-9, d, -1.0, a, b);
        assert!((m - 0.5).abs() < 1e-3, "{m}");
    }

    // Disc area pi r^2 when inside, half of it when cut through the centre, 0 outside.
    #[test]
    fn skyrmion_overlap_areas() {
        let r = 10e-9;
        let full = std::f64::consts::PI * r * r;
        assert!((skyrmion_overlap(50e-9, r, 0.0, 100e-9) - full).abs() < 1e-12 * full);
        assert!((skyrmion_overlap(50e-9, r, 50e-9, 100e-9) - 0.5 * full).abs() < 1e-12 * full);
        assert_eq!(skyrmion_overlap(200e-9, r, 0.0, 100e-9), 0.0);
    }
}

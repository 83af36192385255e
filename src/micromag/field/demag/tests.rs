//! The FFT convolution in both precisions against a direct f64 sum of the Newell tensor.

use super::*;
use crate::micromag::{Layer, Material, Shape, Stack};

/// `H_i = -sum_j N(r_i - r_j) Ms_j m_j`, summed directly in f64 (O(N^2), the oracle).
#[allow(clippy::needless_range_loop)] // index math over cell pairs reads clearer
fn direct_sum(sys: &System, m: &[V3]) -> Vec<V3> {
    let mesh = &sys.mesh;
    let mut out = vec![[0.0; 3]; mesh.len()];
    for (a, e) in out.iter_mut().enumerate() {
        if sys.ms[a] == 0.0 {
            continue;
        }
        let (i, j, k) = mesh.ijk(a);
        let ra = mesh.center(i, j, k);
        for b in 0..mesh.len() {
            if sys.ms[b] == 0.0 {
                continue;
            }
            let (p, q, s) = mesh.ijk(b);
            let rb = mesh.center(p, q, s);
            let t = newell::tensor([ra[0] - rb[0], ra[1] - rb[1], ra[2] - rb[2]], mesh.cell);
            let mm = [
                sys.ms[b] * m[b][0],
                sys.ms[b] * m[b][1],
                sys.ms[b] * m[b][2],
            ];
            e[0] -= t[0] * mm[0] + t[3] * mm[1] + t[4] * mm[2];
            e[1] -= t[3] * mm[0] + t[1] * mm[1] + t[5] * mm[2];
            e[2] -= t[4] * mm[0] + t[5] * mm[1] + t[2] * mm[2];
        }
    }
    out
}

/// Largest |H_fft - H_direct| over all cells and components (A/m), on an `nx x ny` mesh.
fn worst_error(mode: DemagMode, nx: usize, ny: usize) -> f64 {
    // A multilayer with two materials, a 2-cell layer, an empty spacer slab and a 1-cell
    // layer (three magnetic slabs, offsets 0..3), a hole, and a non-uniform m with all
    // three components: exercises padding, the odd components' signs, the slab pairs.
    let mat = |ms| Material {
        ms,
        ..Material::default()
    };
    let stack = Stack {
        layers: vec![
            Layer {
                material: mat(8e5),
                cells: 2,
                spacer_after: 1,
            },
            Layer {
                material: mat(5e5),
                cells: 1,
                spacer_after: 0,
            },
        ],
        rkky: vec![0.0],
    };
    let shape = Shape::Func(std::sync::Arc::new(|x: f64, y: f64, _z: f64| {
        !(x > 14e-9 && y < 4e-9)
    }));
    let sys = System::multilayer(nx, ny, [2e-9, 1.5e-9, 1e-9], &shape, &stack).unwrap();
    let m: Vec<V3> = (0..sys.mesh.len())
        .map(|c| {
            let a = c as f64 * 0.37;
            let v = [a.sin() + 0.3, (1.7 * a).cos(), (0.6 * a).sin() + 0.2];
            let r = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
            [v[0] / r, v[1] / r, v[2] / r]
        })
        .collect();
    let want = direct_sum(&sys, &m);
    let mut d = Demag::new(&sys, mode).unwrap();
    let mut h = vec![[0.0; 3]; m.len()];
    d.add_field(&sys, &m, 0.0, &mut h);
    let mut worst: f64 = 0.0;
    for c in 0..m.len() {
        for q in 0..3 {
            worst = worst.max((h[c][q] - want[c][q]).abs());
        }
    }
    eprintln!("{mode:?} {nx} x {ny}: max |H_fft - H_direct| = {worst:e} A/m");
    worst
}

#[test]
fn f32_convolution_matches_direct_newell_sum() {
    // f32 rounding of the kernel, of M and of every butterfly: relative error of a few
    // f32::EPSILON (6e-8) times log2(24 x 16 padded) ~ 9 levels, on fields of order Ms.
    // Bound 1e-6 Ms (the figure quoted in the module docs); measured about 1e-7 Ms.
    // 12 x 8 pads to 24 x 16; 11 x 7 to 22 x 14, an odd half length for the real FFT
    // along x and a k-space column that is not a multiple of the product's four lanes.
    let ms = 8e5;
    for (nx, ny) in [(12, 8), (11, 7)] {
        let e = worst_error(DemagMode::Full, nx, ny);
        assert!(
            e < 1e-6 * ms,
            "f32 demag {nx} x {ny}: max |H_fft - H_direct| = {e} A/m"
        );
        // And the error is f32 round-off, not f64 round-off: a check that f32 really runs.
        assert!(
            e > 1e-10 * ms,
            "f32 demag error {e} A/m is suspiciously small"
        );
    }
}

#[test]
fn f64_convolution_matches_direct_newell_sum() {
    // f64 throughout: round-off only, 1e-9 Ms as in tests/micromag_exact.rs.
    for (nx, ny) in [(12, 8), (11, 7)] {
        let e = worst_error(DemagMode::FullF64, nx, ny);
        assert!(
            e < 1e-9 * 8e5,
            "f64 demag {nx} x {ny}: max |H_fft - H_direct| = {e} A/m"
        );
    }
}

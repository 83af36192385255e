//! Exact-result checks of the micromagnetic engine: macrospin precession and damping
//! (analytic LLG solution) and demagnetisation factors (analytic prism formula, symmetry,
//! direct-sum oracle).

#![allow(clippy::needless_range_loop)] // index math over cell pairs reads clearer

use spinspice::micromag::field::demag::newell;
use spinspice::micromag::{
    DemagMode, Effects, Material, Mesh, Shape, Simulation, System, GAMMA_LL,
};
use std::f64::consts::PI;

fn macrospin(alpha: f64) -> Simulation {
    // 2 x 2 x 1 cells, uniform state, demag off: every cell is an exact macrospin
    // (exchange vanishes for uniform m), so the analytic single-spin LLG solution applies.
    let mesh = Mesh::new([2, 2, 1], [2e-9, 2e-9, 1e-9]).unwrap();
    let mat = Material {
        ms: 8e5,
        aex: 1.5e-11,
        alpha,
        ..Material::default()
    };
    let sys = System::single(mesh, &Shape::Everything, mat).unwrap();
    let eff = Effects {
        demag: DemagMode::Off,
        ..Effects::default()
    };
    let mut sim = Simulation::new(sys, eff).unwrap();
    sim.set_m_uniform([1.0, 0.0, 0.0]);
    sim.set_applied_field([0.0, 0.0, 0.1]);
    sim
}

#[test]
fn precession_frequency_is_larmor() {
    // alpha = 0: m precesses about B = 0.1 T z at f = gamma B / (2 pi) = 2.80034 GHz,
    // m_x(t) = cos(2 pi f t). Tolerance 1e-6 on m over 1 ns (about 3 periods): the default
    // MaxErr 1e-5 bounds the 4th-order local error, the 5th-order solution kept is ~100x
    // better.
    let mut sim = macrospin(0.0);
    let w = GAMMA_LL * 0.1;
    let mut worst: f64 = 0.0;
    for n in 1..=50 {
        let t = n as f64 * 20e-12;
        sim.advance_to(t).unwrap();
        let m = sim.average_m();
        worst = worst
            .max((m[0] - (w * t).cos()).abs())
            .max((m[1] - (w * t).sin()).abs());
        assert!(m[2].abs() < 1e-9);
    }
    eprintln!("Larmor precession: max deviation {worst:e}");
    assert!(
        worst < 1e-6,
        "max deviation from the Larmor precession {worst:e}"
    );
}

#[test]
fn damping_follows_analytic_llg() {
    // Gilbert LLG for a macrospin starting perpendicular to B along z:
    // m_z = tanh(lambda t), m_x + i m_y = sech(lambda t) exp(i omega t), with
    // omega = gamma B / (1 + alpha^2), lambda = alpha omega (e.g. Mallinson, IEEE Trans.
    // Magn. 23, 2003 (1987)). Tolerance 1e-6 as above.
    let alpha = 0.1;
    let mut sim = macrospin(alpha);
    let w = GAMMA_LL * 0.1 / (1.0 + alpha * alpha);
    let lam = alpha * w;
    let mut worst: f64 = 0.0;
    for n in 1..=40 {
        let t = n as f64 * 25e-12;
        sim.advance_to(t).unwrap();
        let m = sim.average_m();
        let s = 1.0 / (lam * t).cosh();
        let e = [s * (w * t).cos(), s * (w * t).sin(), (lam * t).tanh()];
        for q in 0..3 {
            worst = worst.max((m[q] - e[q]).abs());
        }
    }
    eprintln!("damped LLG: max deviation {worst:e}");
    assert!(
        worst < 1e-6,
        "max deviation from the analytic LLG solution {worst:e}"
    );
    let st = sim.stats();
    assert!(st.accepted > 10 && st.evals >= 6 * st.accepted);
}

#[test]
fn rk4_matches_analytic_llg() {
    // The same damped precession with fixed RK4, dt = 0.1 ps (omega dt = 0.0017): the RK4
    // global error (omega dt)^4 omega T ~ 1e-10, tolerance 1e-7.
    let alpha = 0.05;
    let mut sim = macrospin(alpha);
    sim.set_stepper(spinspice::micromag::StepperKind::Rk4 { dt: 1e-13 })
        .unwrap();
    sim.advance(0.5e-9).unwrap();
    let w = GAMMA_LL * 0.1 / (1.0 + alpha * alpha);
    let lam = alpha * w;
    let t = sim.time();
    assert!((t - 0.5e-9).abs() < 1e-21);
    let m = sim.average_m();
    let s = 1.0 / (lam * t).cosh();
    let e = [s * (w * t).cos(), s * (w * t).sin(), (lam * t).tanh()];
    for q in 0..3 {
        assert!((m[q] - e[q]).abs() < 1e-7, "{m:?} vs {e:?}");
    }
}

/// Demagnetising factor of a rectangular prism `2a x 2b x 2c` along c (Aharoni, J. Appl.
/// Phys. 83, 3432 (1998), eq. (1)); an oracle independent of the FFT convolution.
fn aharoni_nzz(a: f64, b: f64, c: f64) -> f64 {
    let r = (a * a + b * b + c * c).sqrt();
    let ab = (a * a + b * b).sqrt();
    let bc = (b * b + c * c).sqrt();
    let ac = (a * a + c * c).sqrt();
    let s = (b * b - c * c) / (2.0 * b * c) * ((r - a) / (r + a)).ln()
        + (a * a - c * c) / (2.0 * a * c) * ((r - b) / (r + b)).ln()
        + b / (2.0 * c) * ((ab + a) / (ab - a)).ln()
        + a / (2.0 * c) * ((ab + b) / (ab - b)).ln()
        + c / (2.0 * a) * ((bc - b) / (bc + b)).ln()
        + c / (2.0 * b) * ((ac - a) / (ac + a)).ln()
        + 2.0 * (a * b / (c * r)).atan()
        + (a.powi(3) + b.powi(3) - 2.0 * c.powi(3)) / (3.0 * a * b * c)
        + (a * a + b * b - 2.0 * c * c) / (3.0 * a * b * c) * r
        + c / (a * b) * (ac + bc)
        - (ab.powi(3) + bc.powi(3) + ac.powi(3)) / (3.0 * a * b * c);
    s / PI
}

/// Average demagnetising factor along `dir` of a uniformly magnetised box of `n` cells,
/// with the default (f32) convolution.
fn box_factor(n: [usize; 3], cell: [f64; 3], dir: usize) -> f64 {
    box_factor_in(DemagMode::Full, n, cell, dir)
}

/// [`box_factor`] with the demag computed in `mode`.
fn box_factor_in(mode: DemagMode, n: [usize; 3], cell: [f64; 3], dir: usize) -> f64 {
    let mesh = Mesh::new(n, cell).unwrap();
    let mat = Material {
        ms: 1e6,
        ..Material::default()
    };
    let sys = System::single(mesh, &Shape::Everything, mat).unwrap();
    let eff = Effects {
        exchange: false,
        demag: mode,
        ..Effects::default()
    };
    let mut sim = Simulation::new(sys, eff).unwrap();
    let mut m = [0.0; 3];
    m[dir] = 1.0;
    sim.set_m_uniform(m);
    let h = sim.effective_field();
    let avg: f64 = h.iter().map(|v| v[dir]).sum::<f64>() / h.len() as f64;
    let off: f64 = (0..3)
        .filter(|q| *q != dir)
        .map(|q| h.iter().map(|v| v[q]).sum::<f64>().abs())
        .sum::<f64>()
        / h.len() as f64;
    // Zero by symmetry: round-off only, 1e-9 Ms in f64; in f32 the transforms' round-off
    // (about 1e-7 Ms, see the demag module docs) bounds it, 1e-6 Ms.
    let tol = if mode == DemagMode::FullF64 {
        1e-9
    } else {
        1e-6
    };
    assert!(off < tol * 1e6, "{mode:?}: transverse average field {off}");
    -avg / 1e6
}

#[test]
fn cube_demag_factors_are_one_third() {
    // A cube of 8^3 cubic cells: N = 1/3 on each axis (symmetry and unit trace). The sum
    // of Newell tensors over all pairs is exact, so only the far-field dipole
    // approximation (not reached at 8 cells) and round-off remain: tolerance 1e-9 with the
    // convolution in f64. The default f32 convolution adds its round-off (about 1e-7 of Ms,
    // see the demag module docs): tolerance 1e-6 there.
    for dir in 0..3 {
        let n = box_factor_in(DemagMode::FullF64, [8, 8, 8], [1e-9; 3], dir);
        assert!((n - 1.0 / 3.0).abs() < 1e-9, "f64: N[{dir}] = {n}");
        let n = box_factor([8, 8, 8], [1e-9; 3], dir);
        eprintln!("f32: N[{dir}] - 1/3 = {:e}", n - 1.0 / 3.0);
        assert!((n - 1.0 / 3.0).abs() < 1e-6, "f32: N[{dir}] = {n}");
    }
}

#[test]
fn thin_film_demag_factor_matches_aharoni() {
    // 64 x 64 x 1 cells of 2 x 2 x 1 nm: a 128 x 128 x 1 nm prism. Aharoni's formula gives
    // Nzz = 0.9722442675 (and Nxx = Nyy = (1 - Nzz)/2). The pair sums of the Newell tensor
    // add up to the prism's factor exactly; the residual comes from the point-dipole form
    // beyond 40 cells (relative error (d/r)^2 of elements < 1e-6): tolerance 1e-6.
    let expected = aharoni_nzz(64.0, 64.0, 0.5);
    assert!((expected - 0.972_244_267_45).abs() < 1e-9);
    let nzz = box_factor([64, 64, 1], [2e-9, 2e-9, 1e-9], 2);
    eprintln!("thin film: Nzz = {nzz:.10}, Aharoni {expected:.10}");
    assert!(
        (nzz - expected).abs() < 1e-6,
        "Nzz = {nzz}, Aharoni {expected}"
    );
    let nxx = box_factor([64, 64, 1], [2e-9, 2e-9, 1e-9], 0);
    assert!((nxx - (1.0 - expected) / 2.0).abs() < 1e-6, "Nxx = {nxx}");
}

#[test]
fn elongated_prism_factor_matches_aharoni() {
    // 40 x 10 x 3 cells of 5 x 5 x 1 nm (sp4-like aspect, 200 x 50 x 3 nm): Nzz and Nxx
    // against Aharoni (Nxx by permuting the axes). Tolerance 1e-6 as above.
    let nzz = box_factor([40, 10, 3], [5e-9, 5e-9, 1e-9], 2);
    let e = aharoni_nzz(100.0, 25.0, 1.5);
    assert!((nzz - e).abs() < 1e-6, "Nzz {nzz} vs {e}");
    let nxx = box_factor([40, 10, 3], [5e-9, 5e-9, 1e-9], 0);
    let e = aharoni_nzz(25.0, 1.5, 100.0);
    assert!((nxx - e).abs() < 1e-6, "Nxx {nxx} vs {e}");
}

#[test]
fn fft_demag_matches_direct_sum() {
    // Slow oracle: H_i = -sum_j N(r_i - r_j) Ms_j m_j summed directly with the Newell
    // tensor, on a small mesh with a mask, an empty spacer slab, two materials and a
    // non-uniform m. Checks padding, wrap-around signs of the odd components, the slab
    // pairing and the k-space symmetries. Tolerance 1e-9 Ms (round-off of the FFTs) with the
    // convolution in f64; 1e-6 Ms with the default f32 one (its round-off, about 1e-7 Ms).
    for (mode, tol) in [(DemagMode::FullF64, 1e-9), (DemagMode::Full, 1e-6)] {
        fft_vs_direct(mode, tol);
    }
}

fn fft_vs_direct(mode: DemagMode, tol: f64) {
    use spinspice::micromag::{Layer, Stack};
    let m1 = Material {
        ms: 8e5,
        ..Material::default()
    };
    let m2 = Material {
        ms: 5e5,
        ..Material::default()
    };
    let stack = Stack {
        layers: vec![
            Layer {
                material: m1,
                cells: 2,
                spacer_after: 1,
            },
            Layer {
                material: m2,
                cells: 1,
                spacer_after: 0,
            },
        ],
        rkky: vec![0.0],
    };
    let shape = Shape::Func(std::sync::Arc::new(|x: f64, y: f64, _z: f64| {
        !(x > 8e-9 && y < 3e-9)
    }));
    let sys = System::multilayer(7, 5, [2e-9, 1.5e-9, 1e-9], &shape, &stack).unwrap();
    let eff = Effects {
        exchange: false,
        demag: mode,
        ..Effects::default()
    };
    let mut sim = Simulation::new(sys.clone(), eff).unwrap();
    sim.set_m(|p| {
        [
            (p[0] * 3e8).sin() + 0.3,
            (p[1] * 5e8).cos(),
            (p[2] * 4e8 + p[0] * 1e8).sin() + 0.2,
        ]
    })
    .unwrap();
    let m = sim.m().to_vec();
    let h = sim.effective_field().to_vec();
    let mesh = &sys.mesh;
    let mut worst: f64 = 0.0;
    for a in 0..mesh.len() {
        if sys.ms[a] == 0.0 {
            continue;
        }
        let (i, j, k) = mesh.ijk(a);
        let ra = mesh.center(i, j, k);
        let mut e = [0.0; 3];
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
        for q in 0..3 {
            worst = worst.max((h[a][q] - e[q]).abs());
        }
    }
    eprintln!("{mode:?}: FFT vs direct sum: max deviation {worst:e} A/m");
    assert!(
        worst < tol * 8e5,
        "{mode:?}: max |H_fft - H_direct| = {worst} A/m"
    );
}

#[test]
fn newell_tensor_matches_quadrature_oracle() {
    // Slow oracle for f and g: the mutual tensor of two cells is the average over the
    // target cell of the field of the source cell, i.e. a 6-dimensional integral of the
    // dipole kernel. For cells 3 cell sizes apart the integrand is smooth; 6-point
    // Gauss-Legendre per dimension (6^6 points) gives ~1e-7 relative accuracy.
    let gl_x = [
        -0.932_469_514_203_152,
        -0.661_209_386_466_265,
        -0.238_619_186_083_197,
        0.238_619_186_083_197,
        0.661_209_386_466_265,
        0.932_469_514_203_152,
    ];
    let gl_w = [
        0.171_324_492_379_170,
        0.360_761_573_048_139,
        0.467_913_934_572_691,
        0.467_913_934_572_691,
        0.360_761_573_048_139,
        0.171_324_492_379_170,
    ];
    let d = [2.0, 1.5, 0.8];
    for r in [
        [6.0, 0.0, 0.0],
        [4.0, 4.5, 0.0],
        [2.0, 3.0, 2.4],
        [0.0, 0.0, 2.4],
    ] {
        let mut acc = [0.0; 6];
        for (xa, wa) in gl_x.iter().zip(gl_w) {
            for (ya, wb) in gl_x.iter().zip(gl_w) {
                for (za, wc) in gl_x.iter().zip(gl_w) {
                    for (xb, wd) in gl_x.iter().zip(gl_w) {
                        for (yb, we) in gl_x.iter().zip(gl_w) {
                            for (zb, wf) in gl_x.iter().zip(gl_w) {
                                let w = wa * wb * wc * wd * we * wf / 64.0;
                                let p = [
                                    r[0] + (xa - xb) * d[0] / 2.0,
                                    r[1] + (ya - yb) * d[1] / 2.0,
                                    r[2] + (za - zb) * d[2] / 2.0,
                                ];
                                let t = newell::dipole_tensor(p, d);
                                for q in 0..6 {
                                    acc[q] += w * t[q];
                                }
                            }
                        }
                    }
                }
            }
        }
        let t = newell::tensor(r, d);
        let scale = acc.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        for q in 0..6 {
            assert!(
                (t[q] - acc[q]).abs() < 2e-5 * scale,
                "r = {r:?}, comp {q}: {} vs {}",
                t[q],
                acc[q]
            );
        }
    }
}

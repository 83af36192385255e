//! The fused field + right-hand side pass against the separate passes it replaces.

use super::*;
use crate::micromag::stepper;
use crate::micromag::torque::llg;
use crate::micromag::{Layer, Material, Shape, Stack};

/// A 3-layer stack with an empty spacer slab, a hole, RKKY, DMI, SOT and all local terms.
fn sim(demag: DemagMode) -> Simulation {
    let mat = Material::bench_table_i();
    let layer = |cells, spacer_after| Layer {
        material: mat.clone(),
        cells,
        spacer_after,
    };
    let stack = Stack {
        layers: vec![layer(2, 1), layer(1, 0), layer(1, 0)],
        rkky: vec![-1e-4, 2e-4],
    };
    let shape = Shape::Func(std::sync::Arc::new(|x: f64, y: f64, _z: f64| {
        !(x > 10e-9 && y < 5e-9)
    }));
    let sys = System::multilayer(11, 6, [2e-9, 2e-9, 0.8e-9], &shape, &stack).unwrap();
    let eff = Effects {
        demag,
        ..Effects::default()
    };
    let mut s = Simulation::new(sys, eff).unwrap();
    s.set_m(|p| {
        [
            (p[0] * 3e8).sin(),
            (p[1] * 4e8).cos(),
            0.4 + (p[2] * 5e8).sin(),
        ]
    })
    .unwrap();
    s.set_applied_field([0.01, -0.02, 0.05]);
    s
}

#[test]
fn fused_rhs_is_the_separate_passes_bit_for_bit() {
    // The fused pass does the same floating-point operations in the same order per cell
    // (local write, demag added, LLG), so the results must be identical, not just close.
    for demag in [DemagMode::Full, DemagMode::FullF64] {
        for j in [[0.0; 3], [1e11, -3e10, 0.0]] {
            let mut s = sim(demag);
            s.set_current_density(j);
            let m = s.m().to_vec();
            let t = 1e-12;
            let n = m.len();
            let eq = &mut s.eq;
            assert!(
                eq.fusable_demag().is_some(),
                "the bench configuration fuses"
            );
            let mut got = vec![[7.0; 3]; n];
            eq.rhs(&m, t, &mut got);
            let h_fused = eq.h().to_vec();

            // The separate passes: local write, demag add, then the LLG pass.
            let mut h = vec![[0.0; 3]; n];
            eq.local.write(&eq.sys, &eq.zeeman, &m, t, &mut h);
            for (i, term) in eq.terms.iter_mut().enumerate() {
                if !eq.fused[i] {
                    term.add_field(&eq.sys, &m, t, &mut h);
                }
            }
            let mut want = vec![[0.0; 3]; n];
            if j == [0.0; 3] {
                llg::rhs(&eq.sys, &m, &h, &[], &mut want);
            } else {
                let sot = eq.torques[0].as_spin_orbit().unwrap();
                llg::rhs_sot(&eq.sys, &m, &h, sot, j, &mut want);
            }
            assert_eq!(h_fused, h, "{demag:?}: field");
            assert_eq!(got, want, "{demag:?}, j {j:?}: dm/dt");
            assert!(
                want.iter().flatten().any(|v| v.abs() > 1e9),
                "a real torque"
            );
        }
    }
}

#[test]
fn fused_stage_combination_is_the_separate_passes_bit_for_bit() {
    // rhs_stage combines the Runge-Kutta stage in the convolution's first pass: the stage
    // and dm/dt must equal stepper::combine followed by the (fused) rhs exactly.
    for demag in [DemagMode::Full, DemagMode::FullF64] {
        let mut s = sim(demag);
        s.set_current_density([1e11, 2e10, 0.0]);
        let m = s.m().to_vec();
        let n = m.len();
        let eq = &mut s.eq;
        let mut k1 = vec![[0.0; 3]; n];
        eq.rhs(&m, 0.0, &mut k1);
        let k2: Vec<V3> = k1.iter().map(|v| [-v[1], v[2], 0.5 * v[0]]).collect();
        let terms: [(f64, &[V3]); 2] = [(0.3, &k1), (-0.7, &k2)];
        let dt = 2e-13;
        let mut stage = vec![[9.0; 3]; n];
        let mut got = vec![[7.0; 3]; n];
        eq.rhs_stage(&m, dt, &terms, 1e-13, &mut stage, &mut got);
        let mut want_stage = vec![[0.0; 3]; n];
        stepper::combine(&mut want_stage, &m, dt, &terms);
        let mut want = vec![[0.0; 3]; n];
        eq.rhs(&want_stage, 1e-13, &mut want);
        assert_eq!(stage, want_stage, "{demag:?}: stage");
        assert_eq!(got, want, "{demag:?}: dm/dt");
        let moved = stage
            .iter()
            .zip(&m)
            .any(|(a, b)| (a[0] - b[0]).abs() > 1e-6);
        assert!(moved, "the stage differs from m");
    }
}

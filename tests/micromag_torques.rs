//! Zhang-Li torque, interlayer exchange, thermal field and divergence handling, against
//! analytic results.

use spinspice::micromag::observe;
use spinspice::micromag::{
    DemagMode, Effects, Material, Mesh, Shape, Simulation, Stack, StepperKind, System, KB, MU0,
    MU_B, QE,
};
use spinspice::Error;

#[test]
fn zhang_li_wall_moves_at_spin_drift_velocity() {
    // With xi = alpha the Zhang-Li torque translates a rigid wall at exactly v = u,
    // u = -P mu_B J / (e Ms) along the current axis (Thiaville et al., EPL 69, 990 (2005),
    // steady-state solution of the 1D model). P = 0.5, J = 1e12 A/m^2, Ms = 8e5 A/m:
    // |u| = 36.18 m/s towards -x for J along +x. Tolerance 1 % (mesh, transients).
    let (ms, a, k) = (8e5, 1.5e-11, 5e5);
    let mesh = Mesh::new([300, 1, 1], [1e-9, 1e-9, 1e-9]).unwrap();
    let mat = Material {
        ms,
        aex: a,
        ku1: k,
        alpha: 0.3,
        pol: 0.5,
        xi: 0.3,
        ..Material::default()
    };
    let sys = System::single(mesh, &Shape::Everything, mat).unwrap();
    let mut sim = Simulation::new(
        sys,
        Effects {
            demag: DemagMode::Off,
            ..Effects::default()
        },
    )
    .unwrap();
    let delta = (a / k).sqrt();
    sim.set_m(|p| {
        let th = 2.0 * ((p[0] - 150e-9) / delta).exp().atan();
        [th.sin(), 0.0, th.cos()]
    })
    .unwrap();
    let j = 1e12;
    sim.set_current_density([j, 0.0, 0.0]);
    sim.advance(0.1e-9).unwrap();
    let x0 = observe::dw_x(sim.system(), sim.m(), 0);
    sim.advance(0.5e-9).unwrap();
    let x1 = observe::dw_x(sim.system(), sim.m(), 0);
    let v = (x1 - x0) / 0.5e-9;
    let u = -0.5 * MU_B * j / (QE * ms);
    eprintln!("Zhang-Li wall velocity {v:.4} m/s, u = {u:.4} m/s");
    assert!((v / u - 1.0).abs() < 1e-2, "v = {v}, u = {u}");
}

fn bilayer(j: f64) -> Simulation {
    let mat = Material {
        ms: 1e6,
        aex: 1e-11,
        alpha: 0.1,
        ..Material::default()
    };
    let stack = Stack::uniform(mat, 2, 1, 1, j);
    let sys = System::multilayer(2, 2, [2e-9, 2e-9, 1e-9], &Shape::Everything, &stack).unwrap();
    Simulation::new(
        sys,
        Effects {
            demag: DemagMode::Off,
            ..Effects::default()
        },
    )
    .unwrap()
}

#[test]
fn interlayer_exchange_energy_and_field() {
    // E = -J sum m_a . m_b dx dy over the 4 facing cell pairs: -J * 16 nm^2 when
    // parallel, 0 when perpendicular. Field on a cell: H = J / (mu0 Ms dz) m_other.
    let jc = 1e-3;
    let mut sim = bilayer(jc);
    sim.set_m_uniform([0.0, 0.0, 1.0]);
    let e: f64 = sim
        .energies()
        .iter()
        .filter(|e| e.0 == "interlayer")
        .map(|e| e.1)
        .sum();
    let area = 4.0 * 4e-18;
    assert!((e + jc * area).abs() < 1e-12 * jc * area, "E = {e}");
    sim.set_m(|p| {
        if p[2] < 1e-9 {
            [0.0, 0.0, 1.0]
        } else {
            [1.0, 0.0, 0.0]
        }
    })
    .unwrap();
    let e: f64 = sim
        .energies()
        .iter()
        .filter(|e| e.0 == "interlayer")
        .map(|e| e.1)
        .sum();
    assert!(e.abs() < 1e-12 * jc * area);
    let h = sim.effective_field().to_vec();
    let expected = jc / (MU0 * 1e6 * 1e-9);
    // Bottom layer (z = 0) feels the top layer's +x.
    assert!((h[0][0] - expected).abs() < 1e-9 * expected, "{:?}", h[0]);
}

#[test]
fn interlayer_coupled_macrospins_precess_at_exchange_frequency() {
    // Two macrospins coupled only by RKKY (B_J = J / (Ms dz) on each from the other),
    // alpha = 0, tilted by +/- theta about z: dm1/dt = -gamma B_J m1 x m2 keeps
    // m1 + m2 = 2 cos(theta) z and rotates m1 about z at phi' = 2 gamma B_J cos(theta)
    // (write m1 = (s cos phi, s sin phi, c), m2 = (-s cos phi, -s sin phi, c)).
    // Over ~2 turns (13 rad) the adaptive stepper (MaxErr 1e-5 per step on |dm|, i.e. up to
    // 2.5e-5 rad of phase per step at sin(theta) = 0.39) accumulates a small phase error:
    // tolerance 2e-4 rad (measured 5e-5 rad).
    let jc = 2e-3;
    let mat = Material {
        ms: 1e6,
        alpha: 0.0,
        ..Material::default()
    };
    let stack = Stack::uniform(mat, 2, 1, 0, jc);
    let sys = System::multilayer(1, 1, [2e-9, 2e-9, 1e-9], &Shape::Everything, &stack).unwrap();
    let mut sim = Simulation::new(
        sys,
        Effects {
            demag: DemagMode::Off,
            ..Effects::default()
        },
    )
    .unwrap();
    let th: f64 = 0.4;
    sim.set_m(|p| {
        if p[2] < 1e-9 {
            [th.sin(), 0.0, th.cos()]
        } else {
            [-th.sin(), 0.0, th.cos()]
        }
    })
    .unwrap();
    let bj = jc / (1e6 * 1e-9);
    let w = 2.0 * spinspice::micromag::GAMMA_LL * bj * th.cos();
    let t = 2e-11;
    sim.advance(t).unwrap();
    let m = sim.m()[0];
    let pi = std::f64::consts::PI;
    let expected = (w * t + pi).rem_euclid(2.0 * pi) - pi;
    let ang = m[1].atan2(m[0]);
    eprintln!("RKKY precession: angle {ang:.8}, expected {expected:.8}");
    assert!(
        (ang - expected).abs() < 2e-4,
        "angle {ang}, expected {expected}"
    );
    // m_z of each spin is conserved exactly; numerically it wanders by the step errors
    // (measured 4e-6): tolerance 1e-5.
    eprintln!("RKKY precession: m_z drift {:.3e}", m[2] - th.cos());
    assert!((m[2] - th.cos()).abs() < 1e-5);
}

#[test]
fn thermal_macrospins_follow_langevin_statistics() {
    // Independent macrospins (A = 0, demag off) in B = 1 T at T = 300 K: Boltzmann gives
    // <m_z> = L(x) = coth(x) - 1/x, x = Ms V B / (kB T) (Langevin). 256 cells of
    // (2 nm)^3, Ms = 8e5: x = 1.5452, L = 0.4481. Sampling: 256 spins over 2 ns with a
    // correlation time 1/(alpha gamma B) = 28 ps gives ~1e4 samples, standard error < 0.005:
    // tolerance 0.03 (also covers the O(dt) bias of the fixed-noise RK4 scheme, dt = 20 fs).
    let mesh = Mesh::new([16, 16, 1], [2e-9, 2e-9, 2e-9]).unwrap();
    let mat = Material {
        ms: 8e5,
        alpha: 0.2,
        ..Material::default()
    };
    let sys = System::single(mesh, &Shape::Everything, mat).unwrap();
    let mut sim = Simulation::new(
        sys,
        Effects {
            demag: DemagMode::Off,
            ..Effects::default()
        },
    )
    .unwrap();
    sim.set_applied_field([0.0, 0.0, 1.0]);
    sim.set_temperature(300.0, 42).unwrap();
    sim.set_stepper(StepperKind::Rk4 { dt: 2e-14 }).unwrap();
    sim.advance(0.2e-9).unwrap();
    let mut acc = 0.0;
    let n = 90;
    for _ in 0..n {
        sim.advance(2e-11).unwrap();
        acc += sim.average_m()[2];
    }
    let mz = acc / n as f64;
    let x = 8e5 * 8e-27 * 1.0 / (KB * 300.0);
    let lang = 1.0 / x.tanh() - 1.0 / x;
    eprintln!("thermal: <m_z> = {mz:.4}, Langevin {lang:.4}");
    assert!((mz - lang).abs() < 0.03, "<m_z> = {mz}, Langevin {lang}");
}

#[test]
fn oversized_rk4_step_is_a_divergence_error() {
    // B = 10 T, RK4 step 10 ps (omega dt = 17.6 rad): the step must be refused with a
    // Divergence error naming the time, not produce garbage.
    let mesh = Mesh::new([1, 1, 1], [2e-9; 3]).unwrap();
    let mat = Material {
        ms: 8e5,
        alpha: 0.1,
        ..Material::default()
    };
    let sys = System::single(mesh, &Shape::Everything, mat).unwrap();
    let mut sim = Simulation::new(
        sys,
        Effects {
            demag: DemagMode::Off,
            ..Effects::default()
        },
    )
    .unwrap();
    sim.set_m_uniform([1.0, 0.0, 0.0]);
    sim.set_applied_field([0.0, 0.0, 10.0]);
    sim.set_stepper(StepperKind::Rk4 { dt: 1e-11 }).unwrap();
    match sim.advance(1e-10) {
        Err(Error::Divergence(msg)) => assert!(msg.contains("t = "), "{msg}"),
        other => panic!("expected a divergence error, got {other:?}"),
    }
}

#[test]
fn checkpoint_restore_replays_exactly() {
    // Deterministic engine: a restored state integrates to bit-identical results.
    let mut sim = bilayer(1e-3);
    sim.set_m(|p| [1.0, p[0] * 1e8, 0.5]).unwrap();
    sim.set_applied_field([0.0, 0.0, 0.2]);
    sim.advance(5e-12).unwrap();
    let cp = sim.checkpoint();
    sim.advance(5e-12).unwrap();
    let a = sim.m().to_vec();
    sim.restore(&cp).unwrap();
    assert_eq!(sim.time(), cp.t);
    sim.advance(5e-12).unwrap();
    assert_eq!(sim.m(), &a[..]);
}

//! Finite-difference micromagnetics (mumax3's model) for multilayer racetracks.
//!
//! The engine solves the Landau-Lifshitz-Gilbert equation on a regular grid of
//! `nx x ny x nz` cuboid cells. The pieces, one idea per file:
//!
//! * [`mesh`]: the grid and the geometry masks (rectangle, disk, user closure);
//! * [`material`]: per-region parameters (Ms, Aex, Ku1 + axis, interfacial D, alpha, spin Hall
//!   angle, Zhang-Li polarisation and non-adiabaticity);
//! * [`stack`]: multilayers (ferromagnetic layers separated by non-magnetic spacer slabs,
//!   RKKY coupling between adjacent layers) and the resulting [`System`];
//! * [`field`]: the effective-field terms ([`field::FieldTerm`]), each with its energy and, for
//!   the local ones, the part of the fused pass it declares;
//! * [`torque`]: the LLG right-hand side and the spin torques (spin-orbit, Zhang-Li);
//! * [`stepper`]: the [`stepper::Stepper`] trait and its integrators: Dormand-Prince RK45
//!   (mumax3's error control), fixed RK4 and relaxation;
//! * [`observe`]: averages, energies, domain-wall position, skyrmion radius, charge Q;
//! * [`drive`]: the current drives (fixed, waveform, pulse train) of the spin torques;
//! * [`equation`]: the LLG right-hand side of a system with its terms, torques and drive;
//! * [`sim`]: the [`Simulation`] that owns all of it;
//! * [`problem`]: TOML problem files, the stage runner and its outputs ([`cli`] runs them);
//! * [`refs`]: the literature of the problems and presets.
//!
//! # Units and conventions
//! SI throughout: H in A/m, B in T, energies in J, time in s, current density in A/m^2.
//! The equation of motion is the Gilbert form
//! `dm/dt = -gamma m x B_eff + alpha m x dm/dt + tau_spin`, solved in its explicit
//! Landau-Lifshitz form `dm/dt = (T + alpha m x T) / (1 + alpha^2)`, `T = -gamma m x B_eff + tau_spin`,
//! with `gamma` = [`GAMMA_LL`] (mumax3's default). The spin-orbit polarisation is
//! `p = sign(theta_SH) z x j_hat` (z: the film normal, pointing from the heavy metal into the
//! ferromagnet). The interfacial DMI energy density is mumax3's
//! `D [m_z div(m) - (m . grad) m_z]`.
//!
//! # Stepping inside a circuit
//! [`Simulation::set_current_density`] sets J for the coming steps,
//! [`Simulation::advance_to`] integrates to the circuit's time point (landing exactly on it
//! and on pulse edges of [`CurrentDrive::Pulses`]), [`Simulation::checkpoint`] /
//! [`Simulation::restore`] (or the allocation-free [`Simulation::checkpoint_into`]) roll a
//! rejected circuit step back, and [`Simulation::footprint_mz`] reads the average m_z of one
//! layer under an MTJ footprint. A restored state replays bit-identically.
//!
//! # Example
//! ```
//! use spinspice::micromag::{Mesh, Material, Shape, System, Simulation, Effects};
//! let mesh = Mesh::new([8, 8, 1], [2e-9, 2e-9, 1e-9]).unwrap();
//! let mat = Material { ms: 8e5, aex: 1.5e-11, ku1: 0.0, ..Material::default() };
//! let sys = System::single(mesh, &Shape::Everything, mat).unwrap();
//! let mut sim = Simulation::new(sys, Effects::default()).unwrap();
//! sim.set_m_uniform([1.0, 0.0, 0.0]);
//! sim.advance(1e-12).unwrap();
//! let m = sim.average_m();
//! assert!((m[0] * m[0] + m[1] * m[1] + m[2] * m[2]).sqrt() <= 1.0 + 1e-9);
//! ```

pub mod drive;
pub mod equation;
pub mod field;
pub mod material;
pub mod mesh;
pub mod observe;
pub mod problem;
pub mod refs;
pub mod sim;
pub mod stack;
pub mod stepper;
pub mod torque;
pub mod vec3;

pub use drive::CurrentDrive;
pub use equation::Equation;
pub use field::FieldTerm;
pub use material::Material;
pub use mesh::{Mesh, Shape};
pub use observe::Observables;
pub use sim::{Checkpoint, Effects, Simulation};
pub use stack::{DemagMode, Layer, Stack, System};
pub use stepper::{Rk45Options, StepperKind};
pub use torque::Torque;
pub use vec3::V3;

/// Vacuum permeability mu0 = 4 pi 1e-7 T m/A (mumax3's value).
pub const MU0: f64 = 4.0 * std::f64::consts::PI * 1e-7;
/// Gyromagnetic ratio used in the LLG equation, rad/(s T) (mumax3's `GammaLL`).
pub const GAMMA_LL: f64 = 1.7595e11;
/// Reduced Planck constant, J s (CODATA 2018).
pub const HBAR: f64 = 1.054_571_817e-34;
/// Elementary charge, C (CODATA 2018).
pub const QE: f64 = 1.602_176_634e-19;
/// Bohr magneton, J/T (CODATA 2018).
pub const MU_B: f64 = 9.274_010_078_3e-24;
/// Boltzmann constant, J/K (CODATA 2018).
pub const KB: f64 = 1.380_649e-23;

//! Torques: the LLG right-hand side and the spin torques added to it.
//!
//! Spin torques are written in the Gilbert form of the equation,
//! `dm/dt = -gamma m x B + alpha m x dm/dt + tau`; [`llg::rhs`] turns the sum into the
//! explicit Landau-Lifshitz form.

use super::stack::System;
use super::vec3::V3;

pub mod llg;
pub mod sot;
pub mod zhang_li;

pub use sot::SpinOrbit;
pub use zhang_li::ZhangLi;

/// A spin torque driven by the current density `j` (A/m^2).
pub trait Torque: Send + Sync {
    /// Short name.
    fn name(&self) -> &'static str;
    /// Literature the implementation follows.
    fn references(&self) -> &'static [&'static str] {
        &[]
    }
    /// Add the Gilbert-form torque (1/s) for magnetisation `m` and current density `j` to
    /// `tau`.
    fn add_torque(&self, sys: &System, m: &[V3], j: V3, tau: &mut [V3]);
    /// This torque as a [`SpinOrbit`], if it is one (the LLG right-hand side then fuses it
    /// into its own pass).
    fn as_spin_orbit(&self) -> Option<&SpinOrbit> {
        None
    }
}

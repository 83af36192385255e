//! (under construction)
//! Micromagnetics: finite-difference LLG for multilayer racetracks.

pub mod problem;
pub mod refs;

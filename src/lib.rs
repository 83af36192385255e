//! # spinspice
//!
//! Circuit-level, SPICE-style co-simulation of spintronic leaky integrate-and-fire neurons:
//! domain walls and skyrmions in (Ta/CoFeB)n racetracks, driven by spin-orbit torque, read
//! by a magnetic tunnel junction.
//!
//! ```text
//! text ─netlist─▶ Ast ─elab─▶ Circuit ─circuit::{op,dc,tran}─▶ Waveforms ─wave::{raw,csv,snapshot,svg}
//! ```
//!
//! Units are SI everywhere inside; SPICE suffixes only at the edges.

pub mod circuit;
pub mod control;
pub mod crossbar;
pub mod devices;
pub mod elab;
pub mod error;
pub mod micromag;
pub mod netlist;
pub mod neuron;
pub mod progress;
pub mod simd;
#[cfg(feature = "snn")]
pub mod snn;
pub mod units;
pub mod wave;

pub use error::{Error, Result};

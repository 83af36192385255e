//! The only bridge from the circuit to the micromagnetic engine: a [`FreeLayer`] stepped by
//! `micromag::Simulation`.

use super::racetrack::{FreeLayer, Soliton, Track};
use crate::error::{Error, Span};

/// Build a micromagnetic free layer from the TOML problem at `path` (relative to the
/// netlist that names it).
pub fn layer_from_problem(
    path: &str,
    span: &Span,
    _soliton: Soliton,
    _track: &mut Track,
) -> crate::Result<Box<dyn FreeLayer>> {
    Err(Error::at(
        span.clone(),
        format!("state=micromagnetic (problem `{path}`) needs the micromagnetic engine, which this build does not have yet"),
        Some("use state=compact".into()),
    ))
}

//! `problem="file.toml"` on a racetrack card: the free layer is a micromagnetic problem of
//! [`crate::micromag::problem`] (path relative to the file holding the card).
//!
//! What the device takes from the problem: the mesh, geometry, materials, stack, terms,
//! solver settings and initial state; its `relax` stages (before the first `run` stage) are
//! carried out at build; the static `excitation.field` stays applied. What it ignores: the
//! problem's own current waveform (`excitation.current`: the circuit supplies J along +x),
//! its `run` stages and outputs. The track's x axis starts at the mesh corner (the MTJ
//! footprint and the soliton position count from T1 = the left end of the mesh), so the
//! mesh length must equal the card's `l`.
//!
//! The step-bound estimates are the 1D-model mobility of the bottom layer's material
//! (`(pi/2) gamma Delta B_SH / alpha`) and no leak estimate (the leak is whatever the
//! problem's restoring force does).

use std::path::{Path, PathBuf};

use super::MagLayer;
use crate::devices::racetrack::{Soliton, Track};
use crate::error::{Error, Span};
use crate::micromag::observe::topological_charge;
use crate::micromag::problem::{Loaded, StageSpec};
use crate::micromag::{GAMMA_LL, HBAR, MU0, QE};

/// The problem file named on the card, resolved against the card's file.
fn resolve(path: &str, sp: &Span) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        return p.to_path_buf();
    }
    match sp.file.parent() {
        Some(dir) => dir.join(p),
        None => p.to_path_buf(),
    }
}

/// Load, build and relax the problem `path` of a card (`sp` is the `problem=` word).
pub(super) fn from_card(
    path: &str,
    sp: &Span,
    soliton: Soliton,
    track: &Track,
) -> crate::Result<MagLayer> {
    let file = resolve(path, sp);
    let loaded = match Loaded::from_file(&file) {
        Ok(l) => l,
        Err(Error::Io { source, .. }) => {
            return Err(Error::at(
                sp.clone(),
                format!(
                    "problem `{path}`: cannot read `{}`: {source}",
                    file.display()
                ),
                Some("the path is relative to the netlist file that holds the card".into()),
            ))
        }
        Err(e) => return Err(e),
    };
    let what = |msg: String| {
        Error::at(
            sp.clone(),
            format!("problem `{}`: {msg}", file.display()),
            None,
        )
    };
    let p = &loaded.problem;
    let len = p.mesh.n[0] as f64 * p.mesh.cell[0];
    if (len - track.len).abs() > 0.5 * p.mesh.cell[0] {
        return Err(what(format!(
            "the mesh is {len:e} m long but the card's track length l is {:e} m",
            track.len
        )));
    }
    let mut sim = loaded.simulation()?;
    for st in &p.stage {
        match st {
            StageSpec::Relax { field } => {
                sim.set_current_density([0.0; 3]);
                sim.set_applied_field(*field);
                sim.relax()?;
            }
            StageSpec::Run { .. } => break,
        }
    }
    sim.set_applied_field(p.excitation.field);
    sim.set_current_density([0.0; 3]);
    sim.set_time(0.0);
    // 1D-model mobility of the bottom layer (step bound only).
    let layers = loaded.layer_materials()?;
    let mat = &p.material[&layers[0].0];
    let keff = if p.terms.demag {
        mat.ku - 0.5 * MU0 * mat.ms * mat.ms
    } else {
        mat.ku
    };
    let delta = (mat.a / keff.abs().max(1.0)).sqrt();
    let theta = p.excitation.sot.as_ref().map_or(0.0, |s| s.theta_sh);
    let d = p.mesh.cell[2] * layers[0].1.len() as f64;
    let b_sh = HBAR * theta.abs() / (2.0 * QE * mat.ms * d);
    let mobility = std::f64::consts::FRAC_PI_2 * GAMMA_LL * delta * b_sh / mat.alpha;
    let cp = sim.checkpoint();
    let mut l = MagLayer {
        sim,
        cp,
        x: f64::NAN,
        xrest: 0.0,
        mobility,
        leak: 0.0,
        width: track.width,
        soliton,
        q0: 0.0,
        q: 0.0,
    };
    l.x = l.observe_x();
    if !l.x.is_finite() {
        let s = match soliton {
            Soliton::DomainWall => "domain wall",
            Soliton::Skyrmion => "skyrmion",
        };
        return Err(what(format!(
            "no {s} in the relaxed state (check [initial] and soliton= on the card)"
        )));
    }
    l.xrest = l.x;
    if soliton == Soliton::Skyrmion {
        l.q0 = topological_charge(l.sim.system(), l.sim.m(), 0);
        l.q = l.q0;
        if l.q0.abs() < 0.5 {
            return Err(what(format!(
                "the relaxed skyrmion has |Q| = {:.3} (expected about 1): it is not a \
                 skyrmion (too small for the cells, or cut by an edge)",
                l.q0.abs()
            )));
        }
    }
    Ok(l)
}

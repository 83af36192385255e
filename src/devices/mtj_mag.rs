//! The only bridge from the circuit to the micromagnetic engine: a [`FreeLayer`] whose
//! state is a [`Simulation`] of the racetrack's free layer.
//!
//! # The inline DW preset (`state=micromagnetic`, no `problem=`)
//! A one-dimensional track of `L/dx` cells of `dx = 2 nm` (Table I's cell) along x, one
//! cell across the width `w` and one 0.8 nm cell thick, with the paper's Table I material
//! (Ms = 0.8 MA/m, A = 15 pJ/m, alpha = 0.15) and:
//! * the stray field folded into a thin-film effective anisotropy `Keff = Ku - mu0 Ms^2/2`
//!   (demag off: this is the trade for speed; the paper's demagnetisation-energy landscape
//!   is replaced by the well below);
//! * interfacial DMI `D = 1.5 mJ/m^2` (a Néel wall, which spin-orbit torque can drive; the
//!   paper's D = 1e-12 is a unit slip, see the micromagnetic issue);
//! * damping-like SOT from the Ta underlayer, `theta_SH = -0.12` (beta-Ta, Liu et al.,
//!   Science 336, 555 (2012)), acting on the whole 8-layer stack as one (SOT thickness
//!   8 x 0.8 nm: the paper's 8-layer device);
//! * the **restoring force**: an anisotropy well `Ku(x) = Keff (1 + kwell ((x - x_rest)/L)^2)`.
//!   The wall energy `sigma = 4 sqrt(A Ku) - pi D` grows away from `x_rest`, so the wall
//!   drifts back when the current stops: the leak (an anisotropy gradient, one of the
//!   mechanisms of the leaky DW-neuron literature). The 1D model gives a leak rate
//!   `1/tau = (gamma Delta/alpha) 2 Delta Keff kwell / (Ms L^2)`.
//!
//! The wall is placed at `x0` (Néel profile, down on the T1 side) and relaxed at build.
//! Position: the m_z zero crossing; m_z under the MTJ: the average over the footprint's cells.
//! A failing step (divergence) restores the checkpoint taken before it and reports the error.
//!
//! # TOML problems (`problem="file.toml"` on the card)
//! Any problem of [`crate::micromag::problem`] (DW or skyrmion, any mesh whose length is the
//! card's `l`), relaxed by its own `relax` stages; see `mtj_mag/problem.rs` for what the
//! device takes from it. `models/racetrack/dw_1d_gradient.toml` is a small example.

use super::racetrack::{FreeLayer, Soliton, Track};
use crate::error::{Error, Span};
use crate::micromag::{
    observe, Checkpoint, DemagMode, Effects, Material, Mesh, Shape, Simulation, System, GAMMA_LL,
    HBAR, MU0, QE,
};

/// Table I and preset constants (see the module docs for their sources).
const MS: f64 = 0.8e6;
const AEX: f64 = 1.5e-11;
const KU: f64 = 0.9e6;
const ALPHA: f64 = 0.15;
const DMI: f64 = 1.5e-3;
const THETA_SH: f64 = -0.12;
const LAYER_T: f64 = 0.8e-9;
const SOT_LAYERS: f64 = 8.0;
const DX: f64 = 2e-9;

/// Settings of the inline preset that the card may change.
#[derive(Debug, Clone, Copy)]
pub struct InlineDw {
    /// Initial (and rest) wall position (m).
    pub x0: f64,
    /// Depth of the anisotropy well (relative change of Ku across one track length).
    pub kwell: f64,
    /// Temperature factors of Ms, Ku, A (and D) relative to the preset's 27 °C values.
    pub thermal: super::mtj::ThermalFactors,
}

/// A micromagnetic free layer.
pub struct MagLayer {
    sim: Simulation,
    cp: Checkpoint,
    x: f64,
    xrest: f64,
    mobility: f64,
    leak: f64,
    width: f64,
    soliton: Soliton,
    /// Topological charge of the bottom layer after the build's relaxation (0 for a wall).
    q0: f64,
    /// Topological charge of the committed state (skyrmion tracks; 0 for a wall).
    q: f64,
}

/// A skyrmion counts as lost when `|Q|` falls below this fraction of its relaxed value: an
/// intact skyrmion on 2 nm cells keeps `|Q|` within a few % of its relaxed 0.85-0.9 (the
/// finite-difference charge of a 7-12 nm radius core), and annihilation at an edge takes
/// it to 0 within a few tens of ps, so one half separates the two with a wide margin.
pub const Q_LOST: f64 = 0.5;

impl std::fmt::Debug for MagLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MagLayer {{ x: {:e}, cells: {} }}",
            self.x,
            self.sim.m().len()
        )
    }
}

impl MagLayer {
    /// Build and relax the inline DW preset on `track`.
    pub fn inline_dw(track: &Track, p: InlineDw) -> crate::Result<Self> {
        let nx = (track.len / DX).round().max(8.0) as usize;
        let mesh = Mesh::new([nx, 1, 1], [track.len / nx as f64, track.width, LAYER_T])?;
        let f = p.thermal;
        let (ms, aex, ku, dmi) = (MS * f.ms, AEX * f.aex, KU * f.ku, DMI * f.aex);
        let keff = ku - 0.5 * MU0 * ms * ms;
        if keff <= 0.0 {
            return Err(Error::Usage(format!(
                "micromagnetic racetrack: at this temperature the effective anisotropy \
                 Ku - mu0 Ms^2/2 = {keff:e} J/m^3 is not positive (no perpendicular domains)"
            )));
        }
        let mat = Material {
            ms,
            aex,
            ku1: keff,
            dind: dmi,
            alpha: ALPHA,
            theta_sh: THETA_SH,
            sot_thickness: Some(SOT_LAYERS * LAYER_T),
            ..Material::default()
        };
        let mut sys = System::single(mesh, &Shape::Everything, mat)?;
        let (len, x0, kw) = (track.len, p.x0, p.kwell);
        sys.edit_cells(|c, _, m| {
            let u = (c[0] - x0) / len;
            m.ku1 = keff * (1.0 + kw * u * u);
        })?;
        let mut sim = Simulation::new(
            sys,
            Effects {
                demag: DemagMode::Off,
                ..Effects::default()
            },
        )?;
        let delta = (aex / keff).sqrt();
        // Down on the T1 side, up towards T2; m_x sign of the D > 0 chirality.
        sim.set_m(|c| {
            let th = 2.0 * ((x0 - c[0]) / delta).exp().atan();
            [th.sin(), 0.0, th.cos()]
        })?;
        sim.relax()?;
        sim.set_time(0.0);
        let b_sh = HBAR * THETA_SH.abs() / (2.0 * QE * ms * SOT_LAYERS * LAYER_T);
        let mobility = std::f64::consts::FRAC_PI_2 * GAMMA_LL * delta * b_sh / ALPHA;
        let leak = GAMMA_LL * delta / ALPHA * 2.0 * delta * keff * kw / (ms * len * len);
        let cp = sim.checkpoint();
        let x = observe::dw_x(sim.system(), sim.m(), 0);
        if !x.is_finite() {
            return Err(Error::Divergence("micromagnetic racetrack: the domain wall was lost while relaxing (try x0 further from the track ends)".into()));
        }
        Ok(MagLayer {
            sim,
            cp,
            x,
            xrest: x0,
            mobility,
            leak,
            width: track.width,
            soliton: Soliton::DomainWall,
            q0: 0.0,
            q: 0.0,
        })
    }

    /// The simulation (read only).
    pub fn simulation(&self) -> &Simulation {
        &self.sim
    }

    /// The 1D-model estimates `(mobility m^3/(A s), leak rate 1/s)` of this preset.
    pub fn estimates(&self) -> (f64, f64) {
        (self.mobility, self.leak)
    }
}

impl FreeLayer for MagLayer {
    fn advance(&mut self, j0: f64, j1: f64, dt: f64) -> crate::Result<()> {
        self.sim.checkpoint_into(&mut self.cp);
        let t0 = self.sim.time();
        self.sim.set_current_waveform(move |t| {
            [j0 + (j1 - j0) * ((t - t0) / dt).clamp(0.0, 1.0), 0.0, 0.0]
        });
        if let Err(e) = self.sim.advance(dt) {
            self.sim.restore(&self.cp)?;
            return Err(e);
        }
        if self.soliton == Soliton::Skyrmion {
            let q = observe::topological_charge(self.sim.system(), self.sim.m(), 0);
            if q.is_nan() || q.abs() < Q_LOST * self.q0.abs() {
                let t = self.sim.time();
                self.sim.restore(&self.cp)?;
                return Err(Error::Divergence(format!(
                    "micromagnetic racetrack: the skyrmion was annihilated near t = {t:.4e} s \
                     (|Q| fell from {:.3} to {:.3}; x = {:.2} nm from T1); lower the drive or \
                     keep the skyrmion away from the track edges",
                    self.q0.abs(),
                    q.abs(),
                    self.x * 1e9
                )));
            }
            self.q = q;
        }
        let x = self.observe_x();
        if x.is_finite() {
            self.x = x;
        }
        Ok(())
    }
    fn position(&self) -> f64 {
        self.x
    }
    fn mz_window(&self, a: f64, b: f64) -> f64 {
        let m = observe::footprint_mz(self.sim.system(), self.sim.m(), 0, [a, b, 0.0, self.width]);
        if m.is_finite() {
            m
        } else {
            1.0
        }
    }
    fn core_fraction(&self, a: f64, b: f64) -> f64 {
        match self.soliton {
            Soliton::DomainWall => 0.0,
            Soliton::Skyrmion => self.core_weight(a, b) / self.core_weight(f64::MIN, f64::MAX),
        }
    }
    fn velocity(&self, j: f64) -> f64 {
        self.mobility * j - self.leak * (self.x - self.xrest)
    }
    fn charge(&self) -> Option<f64> {
        (self.soliton == Soliton::Skyrmion).then_some(self.q)
    }
}

impl MagLayer {
    /// The soliton position in the current state: the wall's m_z zero crossing or the
    /// skyrmion's centre (NaN when it is lost).
    fn observe_x(&self) -> f64 {
        let (sys, m) = (self.sim.system(), self.sim.m());
        match self.soliton {
            Soliton::DomainWall => observe::dw_x(sys, m, 0),
            Soliton::Skyrmion => observe::skyrmion(sys, m, 0).map_or(f64::NAN, |s| s.x),
        }
    }

    /// The skyrmion core's amount in `[a, b]` (full width, bottom layer): the sum over cells of
    /// `(1 - s m_z)/2` with `s` the background's sign, so a cell fully in the core counts 1.
    fn core_weight(&self, a: f64, b: f64) -> f64 {
        let (sys, m) = (self.sim.system(), self.sim.m());
        let (plane, mask) = observe::layer_plane(sys, m, 0);
        let mean: f64 = plane
            .iter()
            .zip(&mask)
            .filter(|(_, k)| **k)
            .map(|(v, _)| v[2])
            .sum();
        let s = if mean < 0.0 { -1.0 } else { 1.0 };
        let [nx, _, _] = sys.mesh.n;
        let dx = sys.mesh.cell[0];
        plane
            .iter()
            .zip(&mask)
            .enumerate()
            .filter(|(q, (_, k))| {
                let xc = ((q % nx) as f64 + 0.5) * dx;
                **k && xc >= a && xc <= b
            })
            .map(|(_, (v, _))| 0.5 * (1.0 - s * v[2]))
            .sum()
    }
}

/// Build the micromagnetic free layer of a racetrack card: the inline DW preset (see the
/// module docs), or a TOML problem (`problem=`, relative to the netlist).
pub fn layer(
    problem: Option<(&str, &Span)>,
    soliton: Soliton,
    track: &Track,
    inline: InlineDw,
    span: &Span,
) -> crate::Result<Box<dyn FreeLayer>> {
    if let Some((path, sp)) = problem {
        return Ok(Box::new(problem::from_card(path, sp, soliton, track)?));
    }
    if soliton == Soliton::Skyrmion {
        return Err(Error::at(
            span.clone(),
            "state=micromagnetic has no inline skyrmion preset",
            Some(
                "use state=compact, or give a skyrmion TOML problem with problem=\"file.toml\""
                    .into(),
            ),
        ));
    }
    Ok(Box::new(MagLayer::inline_dw(track, inline)?))
}

mod problem;

#[cfg(test)]
#[path = "mtj_mag_tests.rs"]
mod tests;

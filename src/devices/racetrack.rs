//! The soliton racetrack neuron device: `Nname t1 t2 t3 t4 trackmodel [x0=..]`.
//!
//! * **T1–T2** is the heavy-metal (Ta) current path, a linear resistor
//!   `R_HM = rho L / (w t_HM)`. The current `I` flowing through the device from T1 to T2 sets
//!   the current density `J = I / (w t_HM)`; positive `J` drives the soliton from T1 towards
//!   T2 (+x).
//! * **T3–T4** is the MTJ read path: its resistance follows the free layer's state under the
//!   MTJ footprint `[xmtj - lmtj/2, xmtj + lmtj/2]` through [`MtjModel`] (Eq. (2) on the mean
//!   m_z; Eq. (7) on the skyrmion density when the card carries `ra_p`).
//!
//! The free layer's state is a [`FreeLayer`]: `state=compact` (an ODE for the soliton
//! position, [`compact`]) or `state=micromagnetic` (the micromagnetic engine through
//! [`crate::devices::mtj_mag`]), chosen on the card; `soliton=dw|skyrmion` picks the soliton.
//!
//! # Coupling scheme (staggered, explicit in the resistance)
//! * The committed free-layer state belongs to the last accepted time point `t_n`. Loads of
//!   the trial point `t_{n+1}` (every Newton iteration, every retried step) use the MTJ
//!   resistance of that committed state: they never touch the magnetic state, so a rejected
//!   circuit step needs no rollback ([`Device::reject`] only drops the trial current).
//! * On [`Device::accept`] of `t_{n+1}` the state advances from `t_n` to `t_{n+1}` with the
//!   current density varying linearly from `J(t_n)` to `J(t_{n+1})` (both from converged
//!   solutions), and the resistance for the next step is taken from the new state. A
//!   failure there (a diverging micromagnetic run) is reported by the next `load`.
//! * The lag of one step in the resistance is the scheme's error; [`Device::max_step`]
//!   bounds it: the step is limited so that the MTJ resistance changes by at most `drmax`
//!   and the soliton moves by at most `dxmax` per step (rates estimated at the larger of the
//!   last accepted `|J|` and `jstep`), and by `dtmax`. Halving `drmax`/`dxmax` changes spike
//!   times by well under 1 % (test `coupling_converges`).
//! * [`Device::next_breakpoint`] marks the device's own events: the predicted arrival of the
//!   soliton at the MTJ footprint's edges.

pub mod compact;
pub mod plot;
pub mod profile;

use super::mtj::{value_of, MtjModel, ResistorStamp, MTJ_PARAMS};
use super::param::{resolve, Given, ParamSpec};
use super::{Accepted, Device, Load, Setup, Slot, Unknown};
use crate::elab::Instance;
use crate::error::{Error, Span};
use crate::wave::Unit;

/// A free layer's state model, advanced only on accepted circuit steps.
pub trait FreeLayer: Send + std::fmt::Debug {
    /// Advance the committed state by `dt` with the current density going linearly from
    /// `j0` to `j1` (A/m^2).
    fn advance(&mut self, j0: f64, j1: f64, dt: f64) -> crate::Result<()>;
    /// Soliton position from T1 along the track (m).
    fn position(&self) -> f64;
    /// Mean m_z over the track section `[a, b]` (full width).
    fn mz_window(&self, a: f64, b: f64) -> f64;
    /// Fraction of a skyrmion core inside `[a, b]` (0 for a domain wall).
    fn core_fraction(&self, a: f64, b: f64) -> f64;
    /// Estimated soliton velocity (m/s) at current density `j`, for the step bound.
    fn velocity(&self, j: f64) -> f64;
    /// Topological charge of a micromagnetic skyrmion (None for the other models); a
    /// racetrack whose layer has one records it as `q(name)`.
    fn charge(&self) -> Option<f64> {
        None
    }
}

/// Parameters of a `racetrack` card, beside the MTJ's ([`MTJ_PARAMS`]).
pub static TRACK_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "l",
        aliases: &["length"],
        unit: "m",
        default: 256e-9,
        min: 1e-9,
        max: 1e-3,
        desc: "track length T1 to T2 (paper Fig. 1: 256 nm)",
    },
    ParamSpec {
        name: "w",
        aliases: &["width"],
        unit: "m",
        default: 64e-9,
        min: 1e-9,
        max: 1e-3,
        desc: "track width (paper: 64 nm)",
    },
    ParamSpec {
        name: "thm",
        aliases: &["t_hm"],
        unit: "m",
        default: 5e-9,
        min: 1e-11,
        max: 1e-5,
        desc: "heavy-metal (Ta) thickness t_HM carrying the current",
    },
    ParamSpec {
        name: "rho",
        aliases: &[],
        unit: "ohm m",
        default: 1.9e-6,
        min: 1e-10,
        max: 1.0,
        desc: "heavy-metal resistivity (beta-Ta, 190 uOhm cm: Liu et al., Science 336, 555 (2012))",
    },
    ParamSpec {
        name: "xmtj",
        aliases: &[],
        unit: "m",
        default: 192e-9,
        min: 0.0,
        max: 1e-3,
        desc: "MTJ footprint centre, from T1",
    },
    ParamSpec {
        name: "lmtj",
        aliases: &[],
        unit: "m",
        default: 64e-9,
        min: 1e-10,
        max: 1e-3,
        desc: "MTJ footprint length along the track (it spans the width)",
    },
    ParamSpec {
        name: "x0",
        aliases: &[],
        unit: "m",
        default: 168e-9,
        min: 0.0,
        max: 1e-3,
        desc: "initial soliton position from T1",
    },
    ParamSpec {
        name: "xrest",
        aliases: &[],
        unit: "m",
        default: f64::NAN,
        min: 0.0,
        max: 1e-3,
        desc: "rest position of the compact models (default x0)",
    },
    ParamSpec {
        name: "mu",
        aliases: &[],
        unit: "m^3/(A s)",
        default: 7.5e-11,
        min: -1e-6,
        max: 1e-6,
        desc: "compact DW mobility dx/dt per J",
    },
    ParamSpec {
        name: "tau",
        aliases: &[],
        unit: "s",
        default: 38e-9,
        min: 1e-15,
        max: 1.0,
        desc: "compact DW leak time constant",
    },
    ParamSpec {
        name: "delta",
        aliases: &[],
        unit: "m",
        default: 5.5e-9,
        min: 1e-11,
        max: 1e-5,
        desc: "DW width parameter sqrt(A/Keff) (Table I: 5.5 nm)",
    },
    ParamSpec {
        name: "mbehind",
        aliases: &[],
        unit: "1",
        default: -1.0,
        min: -1.0,
        max: 1.0,
        desc: "m_z of the domain behind the DW (the written domain)",
    },
    ParamSpec {
        name: "k1",
        aliases: &[],
        unit: "1/(m s)",
        default: -4.3333e16,
        min: -1e30,
        max: 1e30,
        desc: "compact skyrmion k1 (Eq. 15: -0.0026 per nm per 60 ps step)",
    },
    ParamSpec {
        name: "k2",
        aliases: &[],
        unit: "1/s",
        default: -9.4667e8,
        min: -1e30,
        max: 1e30,
        desc: "compact skyrmion k2 (Eq. 15: -0.0568 per 60 ps step)",
    },
    ParamSpec {
        name: "gammaj",
        aliases: &[],
        unit: "m^3/(A s)",
        default: 9.588e-10,
        min: -1e-3,
        max: 1e-3,
        desc: "compact skyrmion drive per J (Eq. 15: 5.7529 nm per step at J = 1e11)",
    },
    ParamSpec {
        name: "dsk",
        aliases: &[],
        unit: "m",
        default: 20e-9,
        min: 1e-10,
        max: 1e-5,
        desc: "skyrmion core diameter seen by the MTJ",
    },
    ParamSpec {
        name: "kwell",
        aliases: &[],
        unit: "1",
        default: 0.04,
        min: 0.0,
        max: 10.0,
        desc:
            "micromagnetic inline preset: anisotropy well, Ku(x) = Keff (1 + kwell ((x - x0)/L)^2)",
    },
    ParamSpec {
        name: "drmax",
        aliases: &[],
        unit: "ohm",
        default: 2.0,
        min: 1e-6,
        max: 1e9,
        desc: "coupling: largest MTJ resistance change per circuit step",
    },
    ParamSpec {
        name: "dxmax",
        aliases: &[],
        unit: "m",
        default: 1e-9,
        min: 1e-13,
        max: 1e-3,
        desc: "coupling: largest soliton displacement per circuit step",
    },
    ParamSpec {
        name: "dtmax",
        aliases: &[],
        unit: "s",
        default: 1e-9,
        min: 1e-16,
        max: 1.0,
        desc: "coupling: largest circuit step",
    },
    ParamSpec {
        name: "jstep",
        aliases: &[],
        unit: "A/m^2",
        default: 1e11,
        min: 0.0,
        max: 1e15,
        desc: "coupling: current density assumed by the step bound when the track carries less",
    },
];

/// Instance parameters of a racetrack element.
pub static TRACK_INSTANCE_PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "x0",
    aliases: &[],
    unit: "m",
    default: f64::NAN,
    min: 0.0,
    max: 1e-3,
    desc: "initial soliton position (overrides the card)",
}];

/// Which soliton the track carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Soliton {
    DomainWall,
    Skyrmion,
}

/// Geometry and coupling settings of a track.
#[derive(Debug, Clone, Copy)]
pub struct Track {
    pub len: f64,
    pub width: f64,
    pub thm: f64,
    pub rho: f64,
    pub xmtj: f64,
    pub lmtj: f64,
    pub drmax: f64,
    pub dxmax: f64,
    pub dtmax: f64,
    pub jstep: f64,
}

impl Track {
    /// Heavy-metal resistance `rho L / (w t_HM)`.
    pub fn r_hm(&self) -> f64 {
        self.rho * self.len / (self.width * self.thm)
    }
    /// The MTJ footprint `[a, b]`.
    pub fn footprint(&self) -> (f64, f64) {
        (self.xmtj - 0.5 * self.lmtj, self.xmtj + 0.5 * self.lmtj)
    }
}

/// The racetrack device.
#[derive(Debug)]
pub struct Racetrack {
    name: String,
    hm: [Unknown; 2],
    hm_slots: [Slot; 4],
    read: ResistorStamp,
    /// Geometry and coupling bounds.
    pub track: Track,
    /// The read junction.
    pub mtj: MtjModel,
    /// Soliton kind.
    pub soliton: Soliton,
    layer: Box<dyn FreeLayer>,
    /// J at the last accepted point.
    j_prev: f64,
    pending: Option<Error>,
    // From the committed state:
    mz: f64,
    ns: f64,
    drdx: f64,
}

mod build;
pub use build::from_instance;

/// Registry constructor for `N` elements with a `racetrack` card.
/// At the circuit temperature: the MTJ's TMR follows [`MtjModel::at`]; the inline
/// micromagnetic preset's Ms, Ku, A and D follow the card's [`super::mtj::MagThermal`].
pub fn build(inst: &Instance, flat: &crate::elab::Flat) -> crate::Result<Box<dyn Device>> {
    let temps = super::nlutil::Temps::of(flat, f64::NAN, f64::NAN, f64::NAN);
    from_instance(inst, &super::args::node, temps)
}

impl Racetrack {
    /// A racetrack between unknowns `t1 t2 t3 t4` with a given free-layer model.
    pub fn new(
        name: &str,
        nodes: [Unknown; 4],
        track: Track,
        mtj: MtjModel,
        soliton: Soliton,
        layer: Box<dyn FreeLayer>,
    ) -> Self {
        let mut r = Racetrack {
            name: name.to_string(),
            hm: [nodes[0], nodes[1]],
            hm_slots: [Slot::NONE; 4],
            read: ResistorStamp::new(nodes[2], nodes[3]),
            track,
            mtj,
            soliton,
            layer,
            j_prev: 0.0,
            pending: None,
            mz: 1.0,
            ns: 0.0,
            drdx: 0.0,
        };
        r.refresh();
        r
    }

    /// The free layer.
    pub fn layer(&self) -> &dyn FreeLayer {
        self.layer.as_ref()
    }

    fn r_of(&self, mz: f64, ns: f64, v: f64) -> (f64, f64) {
        match (self.soliton, self.mtj.skyrmion) {
            (Soliton::Skyrmion, Some(_)) => self.mtj.resistance_skyrmion(ns, v),
            _ => self.mtj.resistance_mz(mz, v),
        }
    }

    /// Recompute the read quantities from the committed state.
    fn refresh(&mut self) {
        let (a, b) = self.track.footprint();
        self.mz = self.layer.mz_window(a, b);
        self.ns = self
            .mtj
            .skyrmion
            .map_or(0.0, |s| self.layer.core_fraction(a, b) / s.area);
        // dR/dx by a central difference of the closed-form window averages (m_z and the
        // core fraction are smooth in the position), for the step bound only.
        let x = self.layer.position();
        let h = 0.5e-9;
        let rx = |dx: f64| {
            let (mz, f) = shifted(self.layer.as_ref(), dx, a, b);
            let ns = self.mtj.skyrmion.map_or(0.0, |s| f / s.area);
            self.r_of(mz, ns, 0.0).0
        };
        self.drdx = if x.is_finite() {
            (rx(h) - rx(-h)) / (2.0 * h)
        } else {
            0.0
        };
    }

    /// MTJ resistance of the committed state at zero bias.
    pub fn resistance(&self) -> f64 {
        self.r_of(self.mz, self.ns, 0.0).0
    }

    /// Mean m_z under the MTJ.
    pub fn mz(&self) -> f64 {
        self.mz
    }

    fn j_of(&self, x: &[f64]) -> f64 {
        let v = |u: Unknown| x.get(u).copied().unwrap_or(0.0);
        (v(self.hm[0]) - v(self.hm[1])) / self.track.r_hm() / (self.track.width * self.track.thm)
    }
}

/// Window averages with the soliton shifted by `dx` (evaluated through the window instead:
/// shifting the window by `-dx` is the same thing for a translation-invariant profile).
fn shifted(l: &dyn FreeLayer, dx: f64, a: f64, b: f64) -> (f64, f64) {
    (l.mz_window(a - dx, b - dx), l.core_fraction(a - dx, b - dx))
}

impl Device for Racetrack {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Frozen("the soliton position and the free layer at the operating point (the MTJ contributes its resistance there)".into())
    }
    /// Johnson noise of the heavy-metal track (`thermal`) and the read junction's
    /// tunnelling noise (`shot`, with the card's `fano`), the free layer frozen.
    fn noise(&self, x: &[f64], temp: f64, out: &mut Vec<super::NoiseSource>) {
        let [a, b] = self.hm;
        let g = 1.0 / self.track.r_hm();
        let white = 4.0 * super::nlutil::BOLTZ * temp * g;
        out.push(super::NoiseSource::white("thermal", a, b, white));
        let r = |v: f64| self.r_of(self.mz, self.ns, v).0;
        self.read.noise(&self.mtj, x, temp, &r, out);
    }
    fn name(&self) -> &str {
        &self.name
    }

    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        let [a, b] = self.hm;
        self.hm_slots = [s.slot(a, a), s.slot(a, b), s.slot(b, a), s.slot(b, b)];
        self.read.setup(s);
        Ok(())
    }

    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        if let Some(e) = self.pending.take() {
            return Err(e);
        }
        let g = 1.0 / self.track.r_hm();
        l.add(self.hm_slots[0], g);
        l.add(self.hm_slots[1], -g);
        l.add(self.hm_slots[2], -g);
        l.add(self.hm_slots[3], g);
        let v = l.v(self.read.a) - l.v(self.read.b);
        let (r, drdv) = self.r_of(self.mz, self.ns, v);
        self.read.load(l, v, r, drdv);
        Ok(())
    }

    fn max_step(&self) -> Option<f64> {
        let j = self.j_prev.abs().max(self.track.jstep);
        let vel = self
            .layer
            .velocity(j)
            .abs()
            .max(self.layer.velocity(-j).abs());
        let mut h = self.track.dtmax;
        if vel > 0.0 {
            h = h.min(self.track.dxmax / vel);
            let rate = self.drdx.abs() * vel;
            if rate > 0.0 {
                h = h.min(self.track.drmax / rate);
            }
        }
        Some(h)
    }

    fn next_breakpoint(&self, t: f64) -> Option<f64> {
        // Arrival at the footprint edges at the current drift velocity.
        let (a, b) = self.track.footprint();
        let x = self.layer.position();
        let v = self.layer.velocity(self.j_prev);
        if v.abs() < 1e-3 {
            return None;
        }
        [a, b]
            .iter()
            .map(|e| (e - x) / v)
            .filter(|dt| *dt > 1e-12)
            .fold(None, |m: Option<f64>, dt| Some(m.map_or(dt, |m| m.min(dt))))
            .map(|dt| t + dt)
    }

    fn accept(&mut self, a: &Accepted) {
        let j1 = self.j_of(a.x);
        if a.dt > 0.0 {
            if let Err(e) = self.layer.advance(self.j_prev, j1, a.dt) {
                self.pending = Some(e);
            }
        }
        self.j_prev = j1;
        self.refresh();
    }

    fn outputs(&self) -> Vec<(String, Unit)> {
        let n = &self.name;
        vec![
            (format!("x({n})"), Unit::Other("m".into())),
            (format!("mz({n})"), Unit::Other("1".into())),
            (format!("r({n})"), Unit::Other("ohm".into())),
            (format!("j({n})"), Unit::Other("A/m^2".into())),
        ]
        .into_iter()
        .chain(
            self.layer
                .charge()
                .map(|_| (format!("q({n})"), Unit::Other("1".into()))),
        )
        .collect()
    }

    fn probe(&self, x: &[f64], out: &mut Vec<f64>) {
        out.push(self.layer.position());
        out.push(self.mz);
        out.push(self.resistance());
        out.push(self.j_of(x));
        if let Some(q) = self.layer.charge() {
            out.push(q);
        }
    }
}

/// Split the given card parameters between the track and the MTJ tables; an unknown name is
/// an error listing both.
pub(crate) fn split_params(given: &[Given], what: &str) -> crate::Result<(Vec<Given>, Vec<Given>)> {
    let (mut t, mut m) = (Vec::new(), Vec::new());
    for g in given {
        let n = g.name.to_ascii_lowercase();
        if TRACK_PARAMS.iter().any(|p| p.matches(&n)) {
            t.push(g.clone());
        } else if MTJ_PARAMS.iter().any(|p| p.matches(&n)) {
            m.push(g.clone());
        } else {
            let names: Vec<&str> = TRACK_PARAMS
                .iter()
                .chain(MTJ_PARAMS)
                .map(|p| p.name)
                .collect();
            return Err(Error::at(
                g.span.clone(),
                format!("unknown parameter `{}` for {what}", g.name),
                Some(format!("valid parameters: {}, and the words state=compact|micromagnetic, soliton=dw|skyrmion, problem=\"file.toml\"", names.join(", "))),
            ));
        }
    }
    Ok((t, m))
}

/// Resolve the track table and build [`Track`] plus the resolved values.
pub(crate) fn track_of(
    given: &[Given],
    span: &Span,
    what: &str,
) -> crate::Result<(Track, super::param::Values)> {
    let v = resolve(TRACK_PARAMS, given, what)?;
    let t = TRACK_PARAMS;
    let tr = Track {
        len: value_of(t, &v, "l"),
        width: value_of(t, &v, "w"),
        thm: value_of(t, &v, "thm"),
        rho: value_of(t, &v, "rho"),
        xmtj: value_of(t, &v, "xmtj"),
        lmtj: value_of(t, &v, "lmtj"),
        drmax: value_of(t, &v, "drmax"),
        dxmax: value_of(t, &v, "dxmax"),
        dtmax: value_of(t, &v, "dtmax"),
        jstep: value_of(t, &v, "jstep"),
    };
    let (a, b) = tr.footprint();
    if a < 0.0 || b > tr.len {
        return Err(Error::at(
            span.clone(),
            format!(
                "{what}: the MTJ footprint [{a:e}, {b:e}] m leaves the track [0, {:e}] m",
                tr.len
            ),
            Some("move xmtj or shorten lmtj".into()),
        ));
    }
    Ok((tr, v))
}

#[cfg(test)]
#[path = "racetrack_tests.rs"]
mod tests;

//! Magnetic tunnel junction (MTJ) read element: resistance from the free layer's state.
//!
//! Two resistance laws, both from the paper (Sec. II):
//!
//! * **Eq. (2)**, the macrospin/average law: with `f = (1 - m·m_p)/2` the anti-parallel
//!   fraction, `R = R_AP f + R_P (1 - f)`. Here `m·m_p = mz · mp`: the reference layer lies
//!   along `mp ẑ` (`mp = +1`, the default, fixes it along +z) and `mz` is the free layer's
//!   m_z averaged over the junction footprint.
//! * **Eqs. (4)-(7)**, the skyrmion conductance law (given when `ra_p` is on the card): the
//!   junction is a set of parallel conduction channels, the skyrmion's domain-wall ring of
//!   area fraction `f = π n_s d_s w` conducting like the anti-parallel state:
//!   `G = S/RA_P (1 - f) + S/RA_AP f`, `R = 1/G` (Eq. (7)).
//!
//! Optional bias dependence of the TMR (card parameter `vhalf`): `TMR(V) = TMR0 / (1 +
//! (V/V_half)^2)` with `TMR0 = R_AP/R_P - 1`, so `R_AP(V) = R_P (1 + TMR(V))` (and likewise
//! `RA_AP(V)`). The parallel state is taken bias independent, as is usual for MgO junctions.
//!
//! Standalone element: `Nname a b mtjmodel mz=0.3` (a two-terminal resistor at a fixed free
//! layer state; `nsk=` gives the number of skyrmions under the junction for the Eq. (7) law).
//! The racetrack device ([`crate::devices::racetrack`]) uses the same [`MtjModel`] with the
//! state computed from the soliton position.

use super::param::{resolve, Given, ParamSpec, Values};
use super::{Accepted, Alloc, Device, Load, Setup, Slot, Unknown};
use crate::elab::Instance;
use crate::error::{Error, Span};
use crate::wave::Unit;

/// Parameters of an `mtj` model card (also accepted on a `racetrack` card).
pub static MTJ_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "rp",
        aliases: &["r_p"],
        unit: "ohm",
        default: 200.0,
        min: 1e-6,
        max: 1e15,
        desc: "parallel-state resistance R_P (Eq. 2; paper: 200 ohm)",
    },
    ParamSpec {
        name: "rap",
        aliases: &["r_ap"],
        unit: "ohm",
        default: 600.0,
        min: 1e-6,
        max: 1e15,
        desc: "anti-parallel-state resistance R_AP at zero bias (paper: 600 ohm)",
    },
    ParamSpec {
        name: "tmr",
        aliases: &["tmr0"],
        unit: "1",
        default: f64::NAN,
        min: 0.0,
        max: 1e3,
        desc: "zero-bias TMR ratio; when given, R_AP = R_P (1 + TMR) (do not give rap too)",
    },
    ParamSpec {
        name: "vhalf",
        aliases: &["v_half", "vh"],
        unit: "V",
        default: f64::NAN,
        min: 1e-6,
        max: 1e3,
        desc: "bias at which the TMR halves; not given: bias independent",
    },
    ParamSpec {
        name: "mp",
        aliases: &["mpz"],
        unit: "1",
        default: 1.0,
        min: -1.0,
        max: 1.0,
        desc: "reference-layer direction along z (+1: fixed layer along +z)",
    },
    ParamSpec {
        name: "ra_p",
        aliases: &["rap_area"],
        unit: "ohm m^2",
        default: f64::NAN,
        min: 1e-20,
        max: 1.0,
        desc: "parallel resistance-area product RA_P; given: skyrmion conductance law Eq. (7)",
    },
    ParamSpec {
        name: "ra_ap",
        aliases: &[],
        unit: "ohm m^2",
        default: f64::NAN,
        min: 1e-20,
        max: 1.0,
        desc: "anti-parallel resistance-area product RA_AP (Eq. 7)",
    },
    ParamSpec {
        name: "area",
        aliases: &["s"],
        unit: "m^2",
        default: f64::NAN,
        min: 1e-24,
        max: 1.0,
        desc: "junction area S (Eq. 7)",
    },
    ParamSpec {
        name: "ds",
        aliases: &["d_s"],
        unit: "m",
        default: f64::NAN,
        min: 1e-12,
        max: 1.0,
        desc: "skyrmion diameter d_s (Eq. 6-7)",
    },
    ParamSpec {
        name: "wdw",
        aliases: &["w_dw"],
        unit: "m",
        default: f64::NAN,
        min: 1e-12,
        max: 1.0,
        desc: "effective domain-wall width w of the skyrmion rim (Eq. 6-7)",
    },
    ParamSpec {
        name: "fano",
        aliases: &[],
        unit: "1",
        default: 1.0,
        min: 0.0,
        max: 1.0,
        desc: "Fano factor of the tunnelling shot noise (`.noise`; 1: full shot noise)",
    },
    ParamSpec {
        name: "tc",
        aliases: &["tcurie"],
        unit: "K",
        default: 1100.0,
        min: 1.0,
        max: 1e4,
        desc: "Curie temperature of the free layer: m(T) = 1 - (T/Tc)^1.5 (Bloch's law)",
    },
    ParamSpec {
        name: "tmr_exp",
        aliases: &[],
        unit: "1",
        default: 2.0,
        min: 0.0,
        max: 10.0,
        desc: "TMR(T)/TMR(Tnom) = (m(T)/m(Tnom))^tmr_exp (Julliere with P proportional to m)",
    },
    ParamSpec {
        name: "ku_exp",
        aliases: &[],
        unit: "1",
        default: 3.0,
        min: 0.0,
        max: 10.0,
        desc: "Ku(T)/Ku(Tnom) = (m(T)/m(Tnom))^ku_exp (Callen-Callen, uniaxial: 3)",
    },
    ParamSpec {
        name: "aex_exp",
        aliases: &[],
        unit: "1",
        default: 1.8,
        min: 0.0,
        max: 10.0,
        desc: "A(T)/A(Tnom) and D(T)/D(Tnom) = (m(T)/m(Tnom))^aex_exp (1.8: Moreno et al., PRB 94, 104433 (2016))",
    },
];

/// Instance parameters of a standalone MTJ element.
pub static MTJ_INSTANCE_PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "mz",
        aliases: &[],
        unit: "1",
        default: 1.0,
        min: -1.0,
        max: 1.0,
        desc: "free-layer m_z averaged over the junction (Eq. 2)",
    },
    ParamSpec {
        name: "nsk",
        aliases: &[],
        unit: "1",
        default: 0.0,
        min: 0.0,
        max: 1e6,
        desc: "number of skyrmions under the junction (Eq. 7: n_s = nsk / area)",
    },
];

/// The skyrmion conductance law's parameters (Eq. (7)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkyrmionLaw {
    /// Parallel resistance-area product RA_P (ohm m^2).
    pub ra_p: f64,
    /// Anti-parallel resistance-area product RA_AP at zero bias (ohm m^2).
    pub ra_ap: f64,
    /// Junction area S (m^2).
    pub area: f64,
    /// Skyrmion diameter d_s (m).
    pub ds: f64,
    /// Effective DW width of the skyrmion rim w (m).
    pub wdw: f64,
}

/// A resolved MTJ model: the resistance laws of Eqs. (2) and (7).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MtjModel {
    /// R_P (ohm).
    pub rp: f64,
    /// R_AP at zero bias (ohm).
    pub rap: f64,
    /// Bias at which the TMR halves (V); `None`: bias independent.
    pub vhalf: Option<f64>,
    /// Reference-layer direction along z.
    pub mp: f64,
    /// The skyrmion conductance law, when `ra_p` is given.
    pub skyrmion: Option<SkyrmionLaw>,
    /// Fano factor of the shot noise (see [`MtjModel::noise_density`]).
    pub fano: f64,
    /// The free layer's temperature scaling (see [`MagThermal`]).
    pub thermal: MagThermal,
}

/// How the free layer's magnetic constants follow temperature: the reduced magnetisation
/// `m(T) = 1 - (T/Tc)^1.5` (Bloch's law) relative to its value at the nominal temperature
/// the card's numbers hold at, and power laws of it: `Ms ∝ m`, `Ku ∝ m^ku_exp`
/// (Callen-Callen), `A, D ∝ m^aex_exp`, `TMR ∝ m^tmr_exp`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MagThermal {
    pub tc: f64,
    pub tmr_exp: f64,
    pub ku_exp: f64,
    pub aex_exp: f64,
}

impl Default for MagThermal {
    fn default() -> Self {
        MagThermal {
            tc: 1100.0,
            tmr_exp: 2.0,
            ku_exp: 3.0,
            aex_exp: 1.8,
        }
    }
}

/// The factors a free layer's constants are multiplied by at a temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ThermalFactors {
    pub ms: f64,
    pub ku: f64,
    pub aex: f64,
    pub tmr: f64,
}

impl ThermalFactors {
    /// No change (the nominal temperature).
    pub const ONE: ThermalFactors = ThermalFactors {
        ms: 1.0,
        ku: 1.0,
        aex: 1.0,
        tmr: 1.0,
    };
}

impl MagThermal {
    /// `m(T) / m(Tnom)`.
    pub fn m_ratio(&self, t: super::nlutil::Temps) -> f64 {
        let m = |t: f64| (1.0 - (t / self.tc).powf(1.5)).max(0.0);
        m(t.t) / m(t.tnom)
    }

    /// The scale factors at `t`.
    pub fn factors(&self, t: super::nlutil::Temps) -> ThermalFactors {
        let r = self.m_ratio(t);
        ThermalFactors {
            ms: r,
            ku: r.powf(self.ku_exp),
            aex: r.powf(self.aex_exp),
            tmr: r.powf(self.tmr_exp),
        }
    }
}

impl Default for MtjModel {
    fn default() -> Self {
        MtjModel {
            rp: 200.0,
            rap: 600.0,
            vhalf: None,
            mp: 1.0,
            skyrmion: None,
            fano: 1.0,
            thermal: MagThermal::default(),
        }
    }
}

/// Index of `name` in `table` (the tables are static, so a miss is a programming error that
/// we still turn into NaN rather than a panic).
pub(crate) fn value_of(table: &[ParamSpec], v: &Values, name: &str) -> f64 {
    table
        .iter()
        .position(|p| p.name == name)
        .map_or(f64::NAN, |i| v.get(i))
}

pub(crate) fn given_of(table: &[ParamSpec], v: &Values, name: &str) -> bool {
    table
        .iter()
        .position(|p| p.name == name)
        .is_some_and(|i| v.given[i])
}

impl MtjModel {
    /// Build from resolved [`MTJ_PARAMS`] values; `span`/`what` locate errors.
    pub fn from_values(v: &Values, span: &Span, what: &str) -> crate::Result<Self> {
        let t = MTJ_PARAMS;
        let rp = value_of(t, v, "rp");
        let mut rap = value_of(t, v, "rap");
        if given_of(t, v, "tmr") {
            if given_of(t, v, "rap") {
                return Err(Error::at(
                    span.clone(),
                    format!("{what}: both `rap` and `tmr` are given"),
                    Some(
                        "give R_AP directly (rap=600) or through the TMR ratio (tmr=2), not both"
                            .into(),
                    ),
                ));
            }
            rap = rp * (1.0 + value_of(t, v, "tmr"));
        }
        if rap < rp {
            return Err(Error::at(
                span.clone(),
                format!("{what}: rap = {rap} is below rp = {rp}"),
                Some("the anti-parallel resistance must be at least the parallel one".into()),
            ));
        }
        let vh = value_of(t, v, "vhalf");
        let skyrmion = if given_of(t, v, "ra_p") {
            let need = ["ra_ap", "area", "ds", "wdw"];
            if let Some(miss) = need.iter().find(|n| !given_of(t, v, n)) {
                return Err(Error::at(
                    span.clone(),
                    format!("{what}: the skyrmion conductance law (Eq. 7) needs `{miss}`"),
                    Some("give ra_p, ra_ap, area, ds and wdw together".into()),
                ));
            }
            let law = SkyrmionLaw {
                ra_p: value_of(t, v, "ra_p"),
                ra_ap: value_of(t, v, "ra_ap"),
                area: value_of(t, v, "area"),
                ds: value_of(t, v, "ds"),
                wdw: value_of(t, v, "wdw"),
            };
            if law.ra_ap < law.ra_p {
                return Err(Error::at(
                    span.clone(),
                    format!("{what}: ra_ap = {} is below ra_p = {}", law.ra_ap, law.ra_p),
                    Some("the anti-parallel RA product must be at least the parallel one".into()),
                ));
            }
            Some(law)
        } else {
            None
        };
        Ok(MtjModel {
            rp,
            rap,
            vhalf: if vh.is_nan() { None } else { Some(vh) },
            mp: value_of(t, v, "mp"),
            skyrmion,
            fano: value_of(t, v, "fano"),
            thermal: MagThermal {
                tc: value_of(t, v, "tc"),
                tmr_exp: value_of(t, v, "tmr_exp"),
                ku_exp: value_of(t, v, "ku_exp"),
                aex_exp: value_of(t, v, "aex_exp"),
            },
        })
    }

    /// The model at temperature `t`: the TMR (`R_AP/R_P - 1`, and the skyrmion law's
    /// `RA_AP/RA_P - 1`) scaled by [`MagThermal`]'s `m^tmr_exp`, `R_P` kept.
    pub fn at(mut self, t: super::nlutil::Temps) -> Self {
        if t.t == t.tnom {
            return self;
        }
        let f = self.thermal.factors(t).tmr;
        self.rap = self.rp * (1.0 + (self.rap / self.rp - 1.0) * f);
        if let Some(s) = self.skyrmion.as_mut() {
            s.ra_ap = s.ra_p * (1.0 + (s.ra_ap / s.ra_p - 1.0) * f);
        }
        self
    }

    /// Build from the parameters given on a card.
    pub fn from_given(given: &[Given], span: &Span, what: &str) -> crate::Result<Self> {
        let v = resolve(MTJ_PARAMS, given, what)?;
        Self::from_values(&v, span, what)
    }

    /// Current noise density (A²/Hz) of a tunnel junction of resistance `r` at bias `v` and
    /// temperature `temp` (K): `S = (4kT/R) [(1 - F) + F x coth x]`, `x = qV/2kT`, the
    /// thermal-to-shot crossover of tunnelling (Blanter & Büttiker, Phys. Rep. 336, 1
    /// (2000), Eq. 60 with Fano factor F): `4kT/R` at zero bias, `F 2q|I| + (1 - F) 4kT/R`
    /// when `|qV| >> kT`.
    pub fn noise_density(&self, v: f64, r: f64, temp: f64) -> f64 {
        use super::nlutil::{BOLTZ, CHARGE};
        let kt = BOLTZ * temp;
        let x = (CHARGE * v / (2.0 * kt)).abs();
        let xcoth = if x < 1e-4 {
            1.0 + x * x / 3.0
        } else {
            x / x.tanh()
        };
        4.0 * kt / r.abs() * ((1.0 - self.fano) + self.fano * xcoth)
    }

    /// The bias factor `TMR(V)/TMR0 = 1/(1 + (V/V_half)^2)` and its derivative in V.
    fn bias_factor(&self, v: f64) -> (f64, f64) {
        match self.vhalf {
            None => (1.0, 0.0),
            Some(vh) => {
                let u = v / vh;
                let d = 1.0 + u * u;
                (1.0 / d, -2.0 * u / (vh * d * d))
            }
        }
    }

    /// Eq. (2): resistance at bias `v` for a free-layer m_z averaged over the footprint,
    /// with its derivative in `v`: `(R, dR/dV)`.
    pub fn resistance_mz(&self, mz: f64, v: f64) -> (f64, f64) {
        let f = 0.5 * (1.0 - (mz * self.mp).clamp(-1.0, 1.0));
        let (b, db) = self.bias_factor(v);
        let tmr0 = self.rap / self.rp - 1.0;
        let rap_v = self.rp * (1.0 + tmr0 * b);
        let r = rap_v * f + self.rp * (1.0 - f);
        (r, f * self.rp * tmr0 * db)
    }

    /// Eq. (7): resistance at bias `v` for skyrmion density `ns` (1/m^2) under the junction,
    /// `(R, dR/dV)`; falls back to Eq. (2) at m_z = mp (parallel) when no skyrmion law is
    /// on the card.
    pub fn resistance_skyrmion(&self, ns: f64, v: f64) -> (f64, f64) {
        let Some(s) = self.skyrmion else {
            return self.resistance_mz(self.mp, v);
        };
        let f = (std::f64::consts::PI * ns * s.ds * s.wdw).clamp(0.0, 1.0);
        let (b, db) = self.bias_factor(v);
        let tmr0 = s.ra_ap / s.ra_p - 1.0;
        let ra_ap = s.ra_p * (1.0 + tmr0 * b);
        let g = s.area / s.ra_p * (1.0 - f) + s.area / ra_ap * f;
        let dra_ap = s.ra_p * tmr0 * db;
        let dg = -s.area / (ra_ap * ra_ap) * f * dra_ap;
        (1.0 / g, -dg / (g * g))
    }

    /// The resistance range of the junction at zero bias, `(R_min, R_max)`.
    pub fn range(&self) -> (f64, f64) {
        match self.skyrmion {
            Some(s) => (s.ra_p / s.area, s.ra_ap / s.area),
            None => (self.rp, self.rap),
        }
    }
}

/// The nonlinear two-terminal stamp shared by the MTJ element and the racetrack read path:
/// the current `i = V/R(V)` from `a` to `b`, linearised at the iterate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResistorStamp {
    pub a: Unknown,
    pub b: Unknown,
    slots: [Slot; 4],
}

impl ResistorStamp {
    pub fn new(a: Unknown, b: Unknown) -> Self {
        ResistorStamp {
            a,
            b,
            slots: [Slot::NONE; 4],
        }
    }

    pub fn setup(&mut self, s: &mut Setup) {
        self.slots = [
            s.slot(self.a, self.a),
            s.slot(self.a, self.b),
            s.slot(self.b, self.a),
            s.slot(self.b, self.b),
        ];
    }

    /// Stamp `i(v) = v / r(v)` given `r` and `dr/dv` at the iterate's `v`.
    pub fn load(&self, l: &mut Load, v: f64, r: f64, drdv: f64) {
        let i0 = v / r;
        let g = (1.0 / r - v * drdv / (r * r)).max(1e-12 / r);
        let ieq = i0 - g * v;
        l.add(self.slots[0], g);
        l.add(self.slots[1], -g);
        l.add(self.slots[2], -g);
        l.add(self.slots[3], g);
        l.rhs(self.a, -ieq);
        l.rhs(self.b, ieq);
    }

    /// The junction's noise generator (`shot`, see [`MtjModel::noise_density`]) at the
    /// operating point `x`, with `r(v)` its resistance at bias `v`.
    pub fn noise(
        &self,
        model: &MtjModel,
        x: &[f64],
        temp: f64,
        r: &dyn Fn(f64) -> f64,
        out: &mut Vec<super::NoiseSource>,
    ) {
        let at = |u: Unknown| x.get(u).copied().unwrap_or(0.0);
        let v = at(self.a) - at(self.b);
        let density = model.noise_density(v, r(v), temp);
        out.push(super::NoiseSource::white("shot", self.a, self.b, density));
    }
}

/// The standalone MTJ element at a fixed free-layer state.
#[derive(Debug, Clone)]
pub struct Mtj {
    name: String,
    model: MtjModel,
    /// Averaged m_z of the free layer.
    pub mz: f64,
    /// Number of skyrmions under the junction (Eq. (7) law only).
    pub nsk: f64,
    stamp: ResistorStamp,
    last_r: f64,
}

impl Mtj {
    /// An MTJ between unknowns `a` and `b`.
    pub fn new(name: &str, a: Unknown, b: Unknown, model: MtjModel, mz: f64, nsk: f64) -> Self {
        let last_r = model.resistance_mz(mz, 0.0).0;
        Mtj {
            name: name.to_string(),
            model,
            mz,
            nsk,
            stamp: ResistorStamp::new(a, b),
            last_r,
        }
    }

    /// Build from an elaborated `N` instance whose model card is of kind `mtj`; `node`
    /// maps a node id to its unknown.
    pub fn from_instance(inst: &Instance, node: &dyn Fn(usize) -> Unknown) -> crate::Result<Self> {
        let what = format!("MTJ `{}`", inst.name);
        if inst.nodes.len() != 2 {
            return Err(Error::at(
                inst.span.clone(),
                format!("{what} needs 2 nodes, found {}", inst.nodes.len()),
                Some("write `Nname a b mtjmodel [mz=..]`".into()),
            ));
        }
        let card = inst.model.as_ref().ok_or_else(|| {
            Error::at(
                inst.span.clone(),
                format!("{what} names no .model card"),
                Some("add `.model m1 mtj (rp=200 rap=600)`".into()),
            )
        })?;
        if let Some((w, _, sp)) = card.words.first() {
            return Err(Error::at(
                sp.clone(),
                format!("unknown word parameter `{w}` for mtj model {}", card.name),
                None,
            ));
        }
        let model = MtjModel::from_given(
            &card.params,
            &card.span,
            &format!("mtj model {}", card.name),
        )?;
        let iv = resolve(MTJ_INSTANCE_PARAMS, &inst.params, &what)?;
        Ok(Mtj::new(
            &inst.name,
            node(inst.nodes[0]),
            node(inst.nodes[1]),
            model,
            iv.get(0),
            iv.get(1),
        ))
    }

    fn resistance(&self, v: f64) -> (f64, f64) {
        match self.model.skyrmion {
            Some(s) => self.model.resistance_skyrmion(self.nsk / s.area, v),
            None => self.model.resistance_mz(self.mz, v),
        }
    }
}

impl Device for Mtj {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Frozen(
            "the free layer at the operating point (the MTJ contributes its resistance there)"
                .into(),
        )
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn allocate(&mut self, _a: &mut Alloc) {}
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        self.stamp.setup(s);
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        let v = l.v(self.stamp.a) - l.v(self.stamp.b);
        let (r, drdv) = self.resistance(v);
        self.stamp.load(l, v, r, drdv);
        Ok(())
    }
    fn accept(&mut self, a: &Accepted) {
        let v = a.x.get(self.stamp.a).copied().unwrap_or(0.0)
            - a.x.get(self.stamp.b).copied().unwrap_or(0.0);
        self.last_r = self.resistance(v).0;
    }
    fn outputs(&self) -> Vec<(String, Unit)> {
        vec![(format!("r({})", self.name), Unit::Other("ohm".into()))]
    }
    fn noise(&self, x: &[f64], temp: f64, out: &mut Vec<super::NoiseSource>) {
        self.stamp
            .noise(&self.model, x, temp, &|v| self.resistance(v).0, out);
    }
    fn probe(&self, x: &[f64], out: &mut Vec<f64>) {
        let v = x.get(self.stamp.a).copied().unwrap_or(0.0)
            - x.get(self.stamp.b).copied().unwrap_or(0.0);
        out.push(self.resistance(v).0);
    }
}

#[cfg(test)]
#[path = "mtj_tests.rs"]
mod tests;

/// Registry constructor for `N` elements with an `mtj` card.
/// At the circuit temperature, the TMR follows [`MtjModel::at`].
pub fn build(inst: &Instance, flat: &crate::elab::Flat) -> crate::Result<Box<dyn Device>> {
    let mut m = Mtj::from_instance(inst, &super::args::node)?;
    m.model = m
        .model
        .at(super::nlutil::Temps::of(flat, f64::NAN, f64::NAN, f64::NAN));
    m.last_r = m.resistance(0.0).0;
    Ok(Box::new(m))
}

//! Junction diode (`D1 a k model [area]`), SPICE3/ngspice level 1.
//!
//! DC: `Id = IS (exp(Vd/(N Vt)) - 1)` forward; beyond `-3 N Vt` ngspice's reverse form
//! `-IS (1 + (3 N Vt/(e Vd))^3)`; below `-BV` the breakdown exponential with the breakdown
//! voltage adjusted so that `Id(-BV) = -IBV` (ngspice's `diotemp.c` iteration). `gmin` from
//! the engine is added across the junction. Series resistance `RS` adds an internal node.
//! Charge: depletion `CJO, VJ, M, FC` (linearised beyond `FC VJ`) plus diffusion `TT Id`,
//! handed to the engine through [`Load::charge`]. Newton: `pnjlim` on the junction voltage,
//! and SPICE3's current convergence test. Temperature is the nominal 27 °C.

use super::nlutil::{self, spec};
use super::{Alloc, Device, Load, Setup, Slot, Unknown, GROUND};
use crate::devices::param::ParamSpec;
use crate::elab::{Arg, Flat, Instance};
use crate::error::{Error, Result};

const INF: f64 = f64::INFINITY;
const USAGE: &str = "Dname anode cathode model [area]";

/// Diode model parameters (`.model name d(...)`).
pub static MODEL_PARAMS: &[ParamSpec] = &[
    spec("is", &["js"], "A", 1e-14, 0.0, INF, "saturation current"),
    spec("n", &[], "1", 1.0, 1e-3, 100.0, "emission coefficient"),
    spec("rs", &[], "ohm", 0.0, 0.0, INF, "series resistance"),
    spec(
        "cjo",
        &["cj0", "cj"],
        "F",
        0.0,
        0.0,
        INF,
        "zero-bias junction capacitance",
    ),
    spec("vj", &["pb"], "V", 1.0, 1e-3, 100.0, "junction potential"),
    spec("m", &["mj"], "1", 0.5, 0.0, 0.99, "grading coefficient"),
    spec(
        "fc",
        &[],
        "1",
        0.5,
        0.0,
        0.95,
        "forward-bias depletion capacitance coefficient",
    ),
    spec("tt", &[], "s", 0.0, 0.0, INF, "transit time"),
    spec(
        "bv",
        &["vb", "vrb"],
        "V",
        f64::NAN,
        0.0,
        INF,
        "reverse breakdown voltage",
    ),
    spec(
        "ibv",
        &["ib"],
        "A",
        1e-3,
        0.0,
        INF,
        "current at breakdown voltage",
    ),
    spec(
        "nbv",
        &[],
        "1",
        f64::NAN,
        1e-3,
        100.0,
        "breakdown emission coefficient (default N)",
    ),
    spec("kf", &[], "1", 0.0, 0.0, INF, "flicker noise coefficient"),
    spec(
        "af",
        &[],
        "1",
        1.0,
        0.0,
        10.0,
        "flicker noise current exponent",
    ),
    spec("eg", &[], "eV", 1.11, 0.1, 10.0, "activation energy of IS"),
    spec(
        "xti",
        &[],
        "1",
        3.0,
        -100.0,
        100.0,
        "temperature exponent of IS",
    ),
    nlutil::TNOM_SPEC,
];

/// Diode instance parameters.
pub static INSTANCE_PARAMS: &[ParamSpec] = &[
    spec("area", &[], "1", 1.0, 0.0, INF, "area factor"),
    spec("m", &[], "1", 1.0, 0.0, INF, "parallel multiplier"),
    nlutil::TEMP_SPEC,
    nlutil::DTEMP_SPEC,
];

/// Evaluated diode model at the nominal temperature (area already applied).
#[derive(Debug, Clone)]
pub struct DiodeModel {
    /// Saturation current (A).
    pub is: f64,
    /// Emission voltage `N Vt` (V).
    pub vte: f64,
    /// Series resistance (ohm).
    pub rs: f64,
    /// Zero-bias depletion capacitance (F).
    pub cjo: f64,
    pub vj: f64,
    pub m: f64,
    pub fc: f64,
    pub tt: f64,
    /// Effective breakdown voltage (adjusted to IBV), if BV is given.
    pub xbv: Option<f64>,
    /// Breakdown emission voltage `NBV Vt`.
    pub vtebrk: f64,
    /// Critical voltage for pnjlim.
    pub vcrit: f64,
    /// Flicker noise coefficient and exponent (`KF |Id|^AF / f`).
    pub kf: f64,
    pub af: f64,
}

impl DiodeModel {
    /// Build from resolved model values, the area × multiplier factor and the device's
    /// temperatures. At `T` ≠ TNOM (SPICE3's diode temperature model): `IS(T) = IS
    /// (T/Tn)^(XTI/N) exp((T/Tn - 1) EG / (N Vt(T)))`, VJ shifted as a junction potential
    /// ([`nlutil::Temps::potential`]) and CJO by [`nlutil::Temps::cap_factor`]; the
    /// thermal voltage is `kT/q` at `T`.
    fn new(v: &crate::devices::param::Values, scale: f64, temps: nlutil::Temps) -> Self {
        let vt = temps.vt();
        let n = v.get(1);
        let ratio = temps.t / temps.tnom;
        let (eg, xti) = (v.get(13), v.get(14));
        let is = v.get(0) * scale * (xti / n * ratio.ln() + (ratio - 1.0) * eg / (n * vt)).exp();
        let vte = n * vt;
        let nbv = if v.given[10] { v.get(10) } else { n };
        let vtebrk = nbv * vt;
        let vj = v.get(4);
        let vj_t = temps.potential(vj);
        let cjo = v.get(3) * scale * temps.cap_factor(v.get(5), vj, vj_t);
        let xbv = if v.given[8] {
            let bv = v.get(8);
            let cbv = v.get(9) * scale;
            Some(if cbv < is * bv / vt {
                bv
            } else {
                // ngspice diotemp.c: solve IS (exp((BV - xbv)/vtebrk) - 1 + xbv/Vt) = IBV.
                let tol = 1e-3 * cbv;
                let mut xbv = bv - vtebrk * (1.0 + cbv / is).ln();
                for _ in 0..25 {
                    xbv = bv - vtebrk * (cbv / is + 1.0 - xbv / vt).ln();
                    let xcbv = is * (((bv - xbv) / vtebrk).exp() - 1.0 + xbv / vt);
                    if (xcbv - cbv).abs() <= tol {
                        break;
                    }
                }
                xbv
            })
        } else {
            None
        };
        let rs = v.get(2);
        DiodeModel {
            is,
            vte,
            rs: if scale > 0.0 { rs / scale } else { rs },
            cjo,
            vj: vj_t,
            m: v.get(5),
            fc: v.get(6),
            tt: v.get(7),
            xbv,
            vtebrk,
            vcrit: nlutil::vcrit(vte, is),
            kf: v.get(11),
            af: v.get(12),
        }
    }

    /// Junction current and conductance at `vd` (without gmin).
    pub fn current(&self, vd: f64) -> (f64, f64) {
        let vte = self.vte;
        if vd >= -3.0 * vte {
            let e = (vd / vte).min(700.0).exp();
            (self.is * (e - 1.0), self.is * e / vte)
        } else if self.xbv.is_none_or(|b| vd >= -b) {
            let a = 3.0 * vte / (vd * std::f64::consts::E);
            let a3 = a * a * a;
            (-self.is * (1.0 + a3), self.is * 3.0 * a3 / vd)
        } else {
            let b = self.xbv.unwrap_or(0.0);
            let e = (-(b + vd) / self.vtebrk).min(700.0).exp();
            (-self.is * e, self.is * e / self.vtebrk)
        }
    }

    /// Junction charge and capacitance at `vd`, given the junction current and conductance
    /// (for the diffusion part).
    pub fn charge(&self, vd: f64, id: f64, gd: f64) -> (f64, f64) {
        let (mut q, mut c) = (self.tt * id, self.tt * gd);
        if self.cjo > 0.0 {
            let (vj, m, fc) = (self.vj, self.m, self.fc);
            let dep = fc * vj;
            if vd < dep {
                let arg = 1.0 - vd / vj;
                let sarg = (-m * arg.ln()).exp();
                q += vj * self.cjo * (1.0 - arg * sarg) / (1.0 - m);
                c += self.cjo * sarg;
            } else {
                let f1 = vj * (1.0 - (1.0 - fc).powf(1.0 - m)) / (1.0 - m);
                let f2 = (1.0 - fc).powf(1.0 + m);
                let f3 = 1.0 - fc * (1.0 + m);
                let czof2 = self.cjo / f2;
                q += self.cjo * f1
                    + czof2 * (f3 * (vd - dep) + (m / (2.0 * vj)) * (vd * vd - dep * dep));
                c += czof2 * (f3 + m * vd / vj);
            }
        }
        (q, c)
    }
}

/// A diode instance.
#[derive(Debug)]
pub struct Diode {
    name: String,
    model: DiodeModel,
    a: Unknown,
    k: Unknown,
    /// The junction's anode side (internal node when RS > 0).
    ai: Unknown,
    state: usize,
    s: [Slot; 4],
    s_rs: [Slot; 4],
    /// Junction voltage, current and conductance at the last load (for limiting and the
    /// convergence test).
    vd: f64,
    id: f64,
    gd: f64,
}

impl Diode {
    /// Construct from an elaborated `D` line.
    pub fn boxed(inst: &Instance, flat: &Flat) -> Result<Box<dyn Device>> {
        Ok(Box::new(Self::build(inst, flat)?))
    }

    fn build(inst: &Instance, flat: &Flat) -> Result<Self> {
        nlutil::want_nodes(inst, 2, USAGE)?;
        let card = nlutil::model_of(inst, &["d"], USAGE)?;
        let mv = nlutil::model_values(MODEL_PARAMS, card, "diode")?;
        let iv = nlutil::instance_values(INSTANCE_PARAMS, inst, "diode")?;
        let mut area = iv.get(0);
        match inst.args.as_slice() {
            [] => {}
            [Arg::Num(a)] if *a >= 0.0 => area = *a,
            _ => {
                return Err(Error::at(
                    inst.span.clone(),
                    format!(
                        "unexpected arguments after the model of diode `{}`",
                        inst.name
                    ),
                    Some(format!("usage: {USAGE}")),
                ))
            }
        }
        let temps = nlutil::Temps::of(flat, iv.get(2), iv.get(3), mv.get(15));
        let model = DiodeModel::new(&mv, area * iv.get(1), temps);
        Ok(Diode {
            name: inst.name.clone(),
            a: nlutil::unknown_of(inst.nodes[0]),
            k: nlutil::unknown_of(inst.nodes[1]),
            ai: GROUND,
            state: 0,
            s: [Slot::NONE; 4],
            s_rs: [Slot::NONE; 4],
            vd: 0.0,
            id: 0.0,
            gd: 0.0,
            model,
        })
    }
}

impl Device for Diode {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    /// Thermal noise of RS (`rs`), shot noise `2q|Id|` (`id`) and flicker noise
    /// `KF |Id|^AF / f` (`1overf`) of the junction, at the operating point.
    fn noise(&self, _x: &[f64], temp: f64, out: &mut Vec<super::NoiseSource>) {
        use super::NoiseSource;
        let m = &self.model;
        let g_rs = if m.rs > 0.0 { 1.0 / m.rs } else { 0.0 };
        let id = self.id.abs();
        out.push(NoiseSource::white(
            "rs",
            self.a,
            self.ai,
            4.0 * nlutil::BOLTZ * temp * g_rs,
        ));
        out.push(NoiseSource::white(
            "id",
            self.ai,
            self.k,
            2.0 * nlutil::CHARGE * id,
        ));
        out.push(NoiseSource::flicker(
            "1overf",
            self.ai,
            self.k,
            m.kf * id.powf(m.af),
            1.0,
        ));
    }
    fn name(&self) -> &str {
        &self.name
    }

    fn allocate(&mut self, a: &mut Alloc) {
        self.ai = if self.model.rs > 0.0 {
            a.internal_node(&format!("{}#anode", self.name))
        } else {
            self.a
        };
        self.state = a.states(1);
    }

    fn setup(&mut self, s: &mut Setup) -> Result<()> {
        let (p, n) = (self.ai, self.k);
        self.s = [s.slot(p, p), s.slot(p, n), s.slot(n, p), s.slot(n, n)];
        if self.model.rs > 0.0 {
            let (a, b) = (self.a, self.ai);
            self.s_rs = [s.slot(a, a), s.slot(a, b), s.slot(b, a), s.slot(b, b)];
        }
        Ok(())
    }

    fn load(&mut self, l: &mut Load) -> Result<()> {
        let m = &self.model;
        let vnew = l.v(self.ai) - l.v(self.k);
        let vd = if l.init_junction {
            m.vcrit
        } else {
            let (v, limited) = match m.xbv {
                Some(b) if vnew < (-b + 10.0 * m.vtebrk).min(0.0) => {
                    let (t, lim) = nlutil::pnjlim(-(vnew + b), -(self.vd + b), m.vtebrk, m.vcrit);
                    (-(t + b), lim)
                }
                _ => nlutil::pnjlim(vnew, self.vd, m.vte, m.vcrit),
            };
            if limited {
                l.set_noncon();
            }
            v
        };
        let (mut id, mut gd) = m.current(vd);
        id += l.gmin * vd;
        gd += l.gmin;
        let (q, c) = m.charge(vd, id, gd);
        let (gq, iq) = l.charge(self.state, q, c);
        self.vd = vd;
        self.id = id;
        self.gd = gd;
        let g = gd + gq;
        let ieq = id + iq - g * vd;
        l.add(self.s[0], g);
        l.add(self.s[1], -g);
        l.add(self.s[2], -g);
        l.add(self.s[3], g);
        l.rhs(self.ai, -ieq);
        l.rhs(self.k, ieq);
        if m.rs > 0.0 {
            let gs = 1.0 / m.rs;
            l.add(self.s_rs[0], gs);
            l.add(self.s_rs[1], -gs);
            l.add(self.s_rs[2], -gs);
            l.add(self.s_rs[3], gs);
        }
        Ok(())
    }

    fn converged(&self, x: &[f64], reltol: f64, abstol: f64) -> bool {
        let v = |u: Unknown| if u == GROUND { 0.0 } else { x[u] };
        let vd = v(self.ai) - v(self.k);
        let cdhat = self.id + self.gd * (vd - self.vd);
        let tol = reltol * cdhat.abs().max(self.id.abs()) + abstol;
        (cdhat - self.id).abs() <= tol
    }
}

#[cfg(test)]
mod tests;

//! MOSFET level 1 (Shichman-Hodges), following ngspice's `mos1`.
//!
//! `Mname d g s b model [w=] [l=] [ad=] [as=] [pd=] [ps=] [m=]`, `.model name nmos|pmos(...)`.
//! - [`load`]: drain current in cutoff / linear / saturation with body effect and
//!   channel-length modulation, source/drain swap (`mode`), bulk junction diodes, stamps.
//! - [`charge`]: Meyer gate capacitances (ngspice's incremental form), overlap capacitances,
//!   bulk junction depletion charges.
//! - [`limit`]: `fetlim` / `limvds` step limiting.
//!
//! Temperature is the nominal 27 °C. `level=` other than 1 is an error.

pub mod charge;
pub mod limit;
pub mod load;

use super::nlutil::{self, spec, EPS0, EPS_OX_REL};
use super::{Accepted, Alloc, Device, Load, Setup, Slot, Unknown, GROUND};
use crate::devices::param::ParamSpec;
use crate::elab::{Flat, Instance};
use crate::error::{Error, Result};

const INF: f64 = f64::INFINITY;
const USAGE: &str = "Mname drain gate source bulk model [w=..] [l=..] [ad=..] [as=..]";

/// Level-1 model parameters (ngspice names).
pub static MODEL_PARAMS: &[ParamSpec] = &[
    spec("level", &[], "1", 1.0, 1.0, 100.0, "model level (only 1)"),
    spec(
        "vto",
        &["vt0"],
        "V",
        0.0,
        -INF,
        INF,
        "zero-bias threshold voltage",
    ),
    spec(
        "kp",
        &[],
        "A/V^2",
        f64::NAN,
        0.0,
        INF,
        "transconductance parameter",
    ),
    spec(
        "gamma",
        &[],
        "V^0.5",
        0.0,
        0.0,
        INF,
        "bulk threshold parameter",
    ),
    spec("phi", &[], "V", 0.6, 1e-3, INF, "surface potential"),
    spec(
        "lambda",
        &[],
        "1/V",
        0.0,
        0.0,
        INF,
        "channel-length modulation",
    ),
    spec("rd", &[], "ohm", 0.0, 0.0, INF, "drain ohmic resistance"),
    spec("rs", &[], "ohm", 0.0, 0.0, INF, "source ohmic resistance"),
    spec(
        "cbd",
        &[],
        "F",
        f64::NAN,
        0.0,
        INF,
        "zero-bias B-D junction capacitance",
    ),
    spec(
        "cbs",
        &[],
        "F",
        f64::NAN,
        0.0,
        INF,
        "zero-bias B-S junction capacitance",
    ),
    spec(
        "is",
        &[],
        "A",
        1e-14,
        0.0,
        INF,
        "bulk junction saturation current",
    ),
    spec("pb", &[], "V", 0.8, 1e-3, INF, "bulk junction potential"),
    spec(
        "cgso",
        &[],
        "F/m",
        0.0,
        0.0,
        INF,
        "gate-source overlap capacitance per width",
    ),
    spec(
        "cgdo",
        &[],
        "F/m",
        0.0,
        0.0,
        INF,
        "gate-drain overlap capacitance per width",
    ),
    spec(
        "cgbo",
        &[],
        "F/m",
        0.0,
        0.0,
        INF,
        "gate-bulk overlap capacitance per length",
    ),
    spec(
        "cj",
        &[],
        "F/m^2",
        0.0,
        0.0,
        INF,
        "bulk junction bottom capacitance per area",
    ),
    spec(
        "mj",
        &[],
        "1",
        0.5,
        0.0,
        0.99,
        "bulk junction bottom grading coefficient",
    ),
    spec(
        "cjsw",
        &[],
        "F/m",
        0.0,
        0.0,
        INF,
        "bulk junction sidewall capacitance per perimeter",
    ),
    spec(
        "mjsw",
        &[],
        "1",
        0.5,
        0.0,
        0.99,
        "bulk junction sidewall grading coefficient",
    ),
    spec(
        "js",
        &[],
        "A/m^2",
        0.0,
        0.0,
        INF,
        "bulk junction saturation current density",
    ),
    spec(
        "tox",
        &[],
        "m",
        f64::NAN,
        1e-10,
        1e-4,
        "oxide thickness (enables Meyer capacitances)",
    ),
    spec("ld", &[], "m", 0.0, 0.0, INF, "lateral diffusion"),
    spec(
        "u0",
        &["uo"],
        "cm^2/Vs",
        600.0,
        0.0,
        INF,
        "surface mobility (KP = U0 eps_ox/TOX)",
    ),
    spec(
        "fc",
        &[],
        "1",
        0.5,
        0.0,
        0.95,
        "forward-bias junction capacitance coefficient",
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
    nlutil::TNOM_SPEC,
];

/// Level-1 instance parameters.
pub static INSTANCE_PARAMS: &[ParamSpec] = &[
    spec("w", &[], "m", 1e-4, 1e-9, INF, "channel width"),
    spec("l", &[], "m", 1e-4, 1e-9, INF, "channel length"),
    spec("ad", &[], "m^2", 0.0, 0.0, INF, "drain diffusion area"),
    spec("as", &[], "m^2", 0.0, 0.0, INF, "source diffusion area"),
    spec("pd", &[], "m", 0.0, 0.0, INF, "drain junction perimeter"),
    spec("ps", &[], "m", 0.0, 0.0, INF, "source junction perimeter"),
    spec("m", &[], "1", 1.0, 1e-6, INF, "parallel multiplier"),
    nlutil::TEMP_SPEC,
    nlutil::DTEMP_SPEC,
];

/// One bulk junction (drain or source side), evaluated for an instance.
#[derive(Debug, Clone, Default)]
pub struct Junction {
    /// Saturation current (A).
    pub is: f64,
    /// Critical voltage for pnjlim.
    pub vcrit: f64,
    /// Bottom and sidewall zero-bias capacitances (F).
    pub cz: f64,
    pub czsw: f64,
    /// ngspice's forward-bias extension coefficients.
    pub f2: f64,
    pub f3: f64,
    pub f4: f64,
}

/// A level-1 MOSFET instance with its evaluated model.
#[derive(Debug, Clone)]
pub struct Mos1Params {
    /// Thermal voltage kT/q at the device temperature (V).
    pub vt: f64,
    /// +1 for NMOS, -1 for PMOS.
    pub ty: f64,
    /// `VTO - type GAMMA sqrt(PHI)` (ngspice's `tVbi`).
    pub vbi: f64,
    pub vto: f64,
    pub gamma: f64,
    pub phi: f64,
    pub lambda: f64,
    /// `KP W / Leff` times the multiplier.
    pub beta: f64,
    /// Drain and source series conductances (0: none).
    pub gd: f64,
    pub gs: f64,
    /// Gate oxide capacitance `Cox W Leff` (F), 0 without TOX.
    pub cox: f64,
    /// Flicker noise: `KF |Id|^AF / (f Cox'² W Leff)`, with `Cox'` the oxide capacitance per
    /// area (TOX's, or 1e-7 m's when TOX is not given): the form ngspice 39's level 1
    /// evaluates (measured against it: the density scales as `TOX²`, `1/W` and `1/L` at
    /// fixed current). This holds `KF / (Cox'² W Leff)`, and AF.
    pub flicker_k: f64,
    pub af: f64,
    /// Overlap capacitances (F).
    pub cgso: f64,
    pub cgdo: f64,
    pub cgbo: f64,
    pub pb: f64,
    pub mj: f64,
    pub mjsw: f64,
    pub fc: f64,
    pub drain: Junction,
    pub source: Junction,
}

/// Node voltages (normalised by polarity) and the small-signal results of one evaluation.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpPoint {
    pub vgs: f64,
    pub vds: f64,
    pub vbs: f64,
    /// Threshold with body effect and saturation voltage (normalised).
    pub von: f64,
    pub vdsat: f64,
    /// +1 normal, -1 source/drain swapped.
    pub mode: f64,
    pub cdrain: f64,
    pub gm: f64,
    pub gds: f64,
    pub gmbs: f64,
    pub cbs: f64,
    pub gbs: f64,
    pub cbd: f64,
    pub gbd: f64,
}

/// Meyer state kept per accepted point (half capacitances as ngspice stores them).
#[derive(Debug, Clone, Copy, Default)]
pub struct MeyerState {
    pub vgs: f64,
    pub vds: f64,
    pub vbs: f64,
    pub cgs: f64,
    pub cgd: f64,
    pub cgb: f64,
}

/// A level-1 MOSFET.
#[derive(Debug)]
pub struct Mos1 {
    name: String,
    p: Mos1Params,
    /// External d, g, s, b and internal d', s'.
    ext: [Unknown; 4],
    dp: Unknown,
    sp: Unknown,
    /// First of five states: qgs, qgd, qgb, qbd, qbs.
    state: usize,
    /// Slots of the 4×4 block over (d', g, s', b).
    s: [[Slot; 4]; 4],
    s_rd: [Slot; 4],
    s_rs: [Slot; 4],
    /// Last evaluation (limiting, convergence test).
    op: OpPoint,
    /// DC terminal currents and Jacobian at the last load (normalised), for the test.
    f_dc: [f64; 4],
    j_dc: [[f64; 4]; 4],
    meyer_trial: MeyerState,
    meyer_acc: MeyerState,
}

impl Mos1 {
    /// Construct from an elaborated `M` line.
    pub fn boxed(inst: &Instance, flat: &Flat) -> Result<Box<dyn Device>> {
        Ok(Box::new(Self::build_in(inst, flat)?))
    }

    /// Construct at the nominal temperature (27 °C).
    #[cfg(test)]
    pub(crate) fn build(inst: &Instance) -> Result<Self> {
        Self::build_in(inst, &Flat::default())
    }

    /// Construct at the temperature of `flat` (and of the instance's `temp`/`dtemp`).
    pub(crate) fn build_in(inst: &Instance, flat: &Flat) -> Result<Self> {
        nlutil::want_nodes(inst, 4, USAGE)?;
        let card = nlutil::model_of(inst, &["nmos", "pmos"], USAGE)?;
        if !inst.args.is_empty() {
            return Err(Error::at(
                inst.span.clone(),
                format!(
                    "unexpected arguments after the model of MOSFET `{}`",
                    inst.name
                ),
                Some(format!("usage: {USAGE}")),
            ));
        }
        let mv = nlutil::model_values(MODEL_PARAMS, card, "MOSFET")?;
        let level = mv.get(0);
        if level != 1.0 {
            let span = card
                .params
                .iter()
                .find(|g| g.name.eq_ignore_ascii_case("level"))
                .map(|g| g.span.clone())
                .unwrap_or_else(|| card.span.clone());
            return Err(Error::at(
                span,
                format!("MOSFET level {level} is not supported (only level 1)"),
                Some("use a level-1 model card (see models/cmos180.lib)".into()),
            ));
        }
        let iv = nlutil::instance_values(INSTANCE_PARAMS, inst, "MOSFET")?;
        let temps = nlutil::Temps::of(flat, iv.get(7), iv.get(8), mv.get(26));
        let p = params(card.kind == "pmos", &mv, &iv, temps).map_err(|msg| {
            Error::at(
                inst.span.clone(),
                format!("MOSFET `{}`: {msg}", inst.name),
                None,
            )
        })?;
        let ext = [0, 1, 2, 3].map(|k| nlutil::unknown_of(inst.nodes[k]));
        Ok(Mos1 {
            name: inst.name.clone(),
            p,
            ext,
            dp: ext[0],
            sp: ext[2],
            state: 0,
            s: [[Slot::NONE; 4]; 4],
            s_rd: [Slot::NONE; 4],
            s_rs: [Slot::NONE; 4],
            op: OpPoint::default(),
            f_dc: [0.0; 4],
            j_dc: [[0.0; 4]; 4],
            meyer_trial: MeyerState::default(),
            meyer_acc: MeyerState::default(),
        })
    }

    /// The evaluated parameters.
    pub fn params(&self) -> &Mos1Params {
        &self.p
    }

    /// The four internal terminals (d', g, s', b).
    fn terms(&self) -> [Unknown; 4] {
        [self.dp, self.ext[1], self.sp, self.ext[3]]
    }
}

/// Evaluate model and instance values into [`Mos1Params`] at the device temperature
/// (SPICE3's level-1 temperature model): `KP (T/Tn)^-1.5`, PHI and PB shifted as junction
/// potentials ([`nlutil::Temps::potential`]), the built-in voltage by half the shifts of
/// PHI and of the band gap (so VTO follows), junction saturation currents by
/// `exp(Eg(Tn)/Vt(Tn) - Eg(T)/Vt(T))`, depletion capacitances by
/// [`nlutil::Temps::cap_factor`]; the junctions' thermal voltage is `kT/q` at `T`.
fn params(
    pmos: bool,
    mv: &crate::devices::param::Values,
    iv: &crate::devices::param::Values,
    temps: nlutil::Temps,
) -> std::result::Result<Mos1Params, String> {
    let vt = temps.vt();
    let ratio = temps.t / temps.tnom;
    let vt_nom = nlutil::BOLTZ * temps.tnom / nlutil::CHARGE;
    let (eg, eg_nom) = (nlutil::eg_si(temps.t), nlutil::eg_si(temps.tnom));
    let ty = if pmos { -1.0 } else { 1.0 };
    let (w, l, ad, as_, pd, ps, mult) = (
        iv.get(0),
        iv.get(1),
        iv.get(2),
        iv.get(3),
        iv.get(4),
        iv.get(5),
        iv.get(6),
    );
    let leff = l - 2.0 * mv.get(21);
    if leff <= 0.0 {
        return Err(format!(
            "effective channel length L - 2 LD = {leff} m is not positive"
        ));
    }
    let cox_f = if mv.given[20] {
        EPS_OX_REL * EPS0 / mv.get(20)
    } else {
        0.0
    };
    let kp = if mv.given[2] {
        mv.get(2)
    } else if mv.given[20] {
        mv.get(22) * 1e-4 * cox_f
    } else {
        2e-5
    };
    let kp = kp / (ratio * ratio.sqrt());
    let (vto, gamma, phi) = (mv.get(1), mv.get(3), mv.get(4));
    let phi_t = temps.potential(phi);
    let vbi = vto - ty * gamma * phi.sqrt() + 0.5 * (eg_nom - eg) + ty * 0.5 * (phi_t - phi);
    let vto = vbi + ty * gamma * phi_t.sqrt();
    let (pb, mj, mjsw, fc) = (mv.get(11), mv.get(16), mv.get(18), mv.get(23));
    let pb_t = temps.potential(pb);
    let (cap_bottom, cap_side) = (
        temps.cap_factor(mj, pb, pb_t),
        temps.cap_factor(mjsw, pb, pb_t),
    );
    let sat_factor = (eg_nom / vt_nom - eg / vt).exp();
    let (is, js, cj, cjsw) = (
        mv.get(10) * sat_factor,
        mv.get(19) * sat_factor,
        mv.get(15),
        mv.get(17),
    );
    let pb = pb_t;
    let junction = |area: f64, perim: f64, cgiven: bool, c: f64| {
        let sat = if js == 0.0 || ad == 0.0 || as_ == 0.0 {
            is
        } else {
            js * area
        } * mult;
        let cz = if cgiven { c } else { cj * area } * mult * cap_bottom;
        let czsw = cjsw * perim * mult * cap_side;
        let arg = 1.0 - fc;
        let sarg = (-mj * arg.ln()).exp();
        let sargsw = (-mjsw * arg.ln()).exp();
        let dep = fc * pb;
        let f2 = cz * (1.0 - fc * (1.0 + mj)) * sarg / arg
            + czsw * (1.0 - fc * (1.0 + mjsw)) * sargsw / arg;
        let f3 = cz * mj * sarg / arg / pb + czsw * mjsw * sargsw / arg / pb;
        let f4 = cz * pb * (1.0 - arg * sarg) / (1.0 - mj)
            + czsw * pb * (1.0 - arg * sargsw) / (1.0 - mjsw)
            - f3 / 2.0 * dep * dep
            - dep * f2;
        Junction {
            is: sat,
            vcrit: if sat > 0.0 {
                nlutil::vcrit(vt, sat)
            } else {
                1.0
            },
            cz,
            czsw,
            f2,
            f3,
            f4,
        }
    };
    let cond = |r: f64| if r > 0.0 { mult / r } else { 0.0 };
    Ok(Mos1Params {
        ty,
        vt,
        vbi,
        vto,
        gamma,
        phi: phi_t,
        lambda: mv.get(5),
        beta: kp * w / leff * mult,
        gd: cond(mv.get(6)),
        gs: cond(mv.get(7)),
        cox: cox_f * w * leff * mult,
        flicker_k: {
            let cox_noise = if cox_f > 0.0 {
                cox_f
            } else {
                EPS_OX_REL * EPS0 / 1e-7
            };
            mv.get(24) / (cox_noise * cox_noise * w * leff)
        },
        af: mv.get(25),
        cgso: mv.get(12) * w * mult,
        cgdo: mv.get(13) * w * mult,
        cgbo: mv.get(14) * leff * mult,
        pb,
        mj,
        mjsw,
        fc,
        drain: junction(ad, pd, mv.given[8], mv.get(8)),
        source: junction(as_, ps, mv.given[9], mv.get(9)),
    })
}

impl Device for Mos1 {
    fn small_signal(&self) -> crate::devices::SmallSignal {
        crate::devices::SmallSignal::Linearised
    }
    /// Thermal noise of RD and RS (`rd`, `rs`), channel thermal noise `4kT (2/3) gm`
    /// (`id`) and flicker noise (`1overf`, see [`Mos1Params::flicker_k`]) at the operating
    /// point.
    fn noise(&self, _x: &[f64], temp: f64, out: &mut Vec<crate::devices::NoiseSource>) {
        use crate::devices::NoiseSource;
        let kt4 = 4.0 * nlutil::BOLTZ * temp;
        let p = &self.p;
        let [d, _, s, _] = self.ext;
        out.push(NoiseSource::white("rd", d, self.dp, kt4 * p.gd));
        out.push(NoiseSource::white("rs", s, self.sp, kt4 * p.gs));
        let gm = self.op.gm.abs();
        out.push(NoiseSource::white(
            "id",
            self.dp,
            self.sp,
            kt4 * 2.0 / 3.0 * gm,
        ));
        let id = self.op.cdrain.abs();
        out.push(NoiseSource::flicker(
            "1overf",
            self.dp,
            self.sp,
            p.flicker_k * id.powf(p.af),
            1.0,
        ));
    }
    fn name(&self) -> &str {
        &self.name
    }

    fn allocate(&mut self, a: &mut Alloc) {
        if self.p.gd > 0.0 {
            self.dp = a.internal_node(&format!("{}#drain", self.name));
        }
        if self.p.gs > 0.0 {
            self.sp = a.internal_node(&format!("{}#source", self.name));
        }
        self.state = a.states(5);
    }

    fn setup(&mut self, s: &mut Setup) -> Result<()> {
        let t = self.terms();
        for (r, row) in t.iter().enumerate() {
            for (c, col) in t.iter().enumerate() {
                self.s[r][c] = s.slot(*row, *col);
            }
        }
        let pair = |s: &mut Setup, a: Unknown, b: Unknown| {
            [s.slot(a, a), s.slot(a, b), s.slot(b, a), s.slot(b, b)]
        };
        if self.p.gd > 0.0 {
            self.s_rd = pair(s, self.ext[0], self.dp);
        }
        if self.p.gs > 0.0 {
            self.s_rs = pair(s, self.ext[2], self.sp);
        }
        Ok(())
    }

    fn load(&mut self, l: &mut Load) -> Result<()> {
        load::load(self, l);
        Ok(())
    }

    fn converged(&self, x: &[f64], reltol: f64, abstol: f64) -> bool {
        let v = |u: Unknown| if u == GROUND { 0.0 } else { x[u] };
        let t = self.terms();
        let vs = v(t[2]);
        let vn = [0, 1, 2, 3].map(|k| self.p.ty * (v(t[k]) - vs));
        let vl = [self.op.vds, self.op.vgs, 0.0, self.op.vbs];
        // SPICE3 checks the drain and bulk currents.
        [0usize, 3].iter().all(|&k| {
            let f = self.f_dc[k];
            let fhat = f
                + (0..4)
                    .map(|j| self.j_dc[k][j] * (vn[j] - vl[j]))
                    .sum::<f64>();
            (fhat - f).abs() <= reltol * fhat.abs().max(f.abs()) + abstol
        })
    }

    fn accept(&mut self, _a: &Accepted) {
        self.meyer_acc = self.meyer_trial;
    }

    fn reject(&mut self) {
        self.meyer_trial = self.meyer_acc;
    }
}

#[cfg(test)]
mod tests;

//! Shared helpers of the nonlinear devices: node mapping, model binding, physical constants
//! and junction voltage limiting.

use crate::devices::param::{self, ParamSpec, Values};
use crate::devices::{Unknown, GROUND};
use crate::elab::{Flat, Instance, ModelCard, NodeId};
use crate::error::{Error, Result};

/// Elementary charge (C), ngspice's `CHARGE`.
pub const CHARGE: f64 = 1.602_176_620_8e-19;
/// Boltzmann's constant (J/K), ngspice's `CONSTboltz`.
pub const BOLTZ: f64 = 1.380_648_52e-23;
/// Nominal temperature (K): 27 °C, ngspice's `REFTEMP`.
pub const REFTEMP: f64 = 300.15;
/// Thermal voltage kT/q at the nominal temperature (V).
pub const VT_NOM: f64 = BOLTZ * REFTEMP / CHARGE;
/// Vacuum permittivity (F/m), the value ngspice's MOS models use.
pub const EPS0: f64 = 8.854_214_871e-12;
/// Relative permittivity of SiO2 (ngspice's 3.9).
pub const EPS_OX_REL: f64 = 3.9;

/// Silicon's band gap (eV) at `t` kelvin: `1.16 - 7.02e-4 T² / (T + 1108)` (the SPICE3
/// form; 1.1150877 eV at 27 °C).
pub fn eg_si(t: f64) -> f64 {
    1.16 - 7.02e-4 * t * t / (t + 1108.0)
}

/// The temperatures a device is evaluated at (K): the device's own (circuit `.temp`, or
/// the instance's `temp=`, plus its `dtemp=`) and the nominal one its parameters were
/// measured at (the card's `tnom=`, or the circuit's `.options tnom=`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Temps {
    pub t: f64,
    pub tnom: f64,
}

impl Temps {
    /// 27 °C for both.
    pub const NOMINAL: Temps = Temps {
        t: REFTEMP,
        tnom: REFTEMP,
    };

    /// From the circuit (`flat`), an instance's `temp`/`dtemp` (°C, NaN when not given)
    /// and a model card's `tnom` (°C, NaN when not given).
    pub fn of(flat: &Flat, inst_temp: f64, dtemp: f64, card_tnom: f64) -> Temps {
        const K: f64 = 273.15;
        let t = if inst_temp.is_nan() {
            flat.temp_celsius()
        } else {
            inst_temp
        } + if dtemp.is_nan() { 0.0 } else { dtemp };
        let tnom = if card_tnom.is_nan() {
            flat.tnom_celsius()
        } else {
            card_tnom
        };
        Temps {
            t: t + K,
            tnom: tnom + K,
        }
    }

    /// Thermal voltage kT/q at the device temperature (V).
    pub fn vt(&self) -> f64 {
        BOLTZ * self.t / CHARGE
    }

    /// The SPICE3 temperature shift of a junction potential `p` (PHI, VJ, PB) given at
    /// TNOM: `p (T/Tn) - 3 Vt ln(T/Tn) - Eg(Tn) T/Tn + Eg(T)`.
    pub fn potential(&self, p: f64) -> f64 {
        let r = self.t / self.tnom;
        p * r - 3.0 * self.vt() * r.ln() - eg_si(self.tnom) * r + eg_si(self.t)
    }

    /// The SPICE3 temperature factor of a depletion capacitance with grading `m` and
    /// junction potential `p` at TNOM (`p_t` at T): the ratio
    /// `[1 + m (4e-4 (T - Tr) - (p_t - p0)/p0)] / [1 + m (4e-4 (Tn - Tr) - (p - p0)/p0)]`
    /// with `p0` the potential extrapolated to Tr = 27 °C.
    pub fn cap_factor(&self, m: f64, p: f64, p_t: f64) -> f64 {
        let at_ref = Temps {
            t: REFTEMP,
            tnom: self.tnom,
        };
        let p0 = at_ref.potential(p);
        let new = 1.0 + m * (4e-4 * (self.t - REFTEMP) - (p_t - p0) / p0);
        let old = 1.0 + m * (4e-4 * (self.tnom - REFTEMP) - (p - p0) / p0);
        new / old
    }
}

/// The solution-vector unknown of node `id` (node 0 is ground; node `k` is unknown `k - 1`).
pub fn unknown_of(id: NodeId) -> Unknown {
    if id == 0 {
        GROUND
    } else {
        id - 1
    }
}

/// The name of node `id` as written out (`0` for ground).
pub fn node_name(flat: &Flat, id: NodeId) -> String {
    flat.nodes
        .get(id)
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

/// Check the node count of an element line.
pub fn want_nodes(inst: &Instance, n: usize, usage: &str) -> Result<()> {
    if inst.nodes.len() != n {
        return Err(Error::at(
            inst.span.clone(),
            format!(
                "element `{}` needs {n} nodes, got {}",
                inst.name,
                inst.nodes.len()
            ),
            Some(format!("usage: {usage}")),
        ));
    }
    Ok(())
}

/// The model card of `inst`, checked to be one of `kinds`.
pub fn model_of<'a>(inst: &'a Instance, kinds: &[&str], usage: &str) -> Result<&'a ModelCard> {
    let Some(m) = inst.model.as_ref() else {
        return Err(Error::at(
            inst.span.clone(),
            format!("element `{}` names no model", inst.name),
            Some(format!("usage: {usage}")),
        ));
    };
    if !kinds.contains(&m.kind.as_str()) {
        return Err(Error::at(
            inst.span.clone(),
            format!(
                "model `{}` of `{}` has type `{}`, expected {}",
                m.name,
                inst.name,
                m.kind,
                kinds.join(" or ")
            ),
            Some(format!("usage: {usage}")),
        ));
    }
    Ok(m)
}

/// Resolve a model card against its parameter table.
pub fn model_values(table: &[ParamSpec], m: &ModelCard, what: &str) -> Result<Values> {
    param::resolve(table, &m.params, &format!("{what} model {}", m.name))
}

/// Resolve instance parameters against their table.
pub fn instance_values(table: &[ParamSpec], inst: &Instance, what: &str) -> Result<Values> {
    if let Some((n, _, span)) = inst.words.first() {
        return Err(Error::at(
            span.clone(),
            format!("unexpected word parameter `{n}` on {what} `{}`", inst.name),
            None,
        ));
    }
    param::resolve(table, &inst.params, &format!("{what} {}", inst.name))
}

/// A model card's `tnom` (°C; NaN: the circuit's `.options tnom`), read by [`Temps::of`].
pub const TNOM_SPEC: ParamSpec = spec(
    "tnom",
    &["tref"],
    "degC",
    f64::NAN,
    -273.0,
    1000.0,
    "temperature the parameters were measured at (default .options tnom, 27)",
);
/// An instance's `temp` (°C; NaN: the circuit's), read by [`Temps::of`].
pub const TEMP_SPEC: ParamSpec = spec(
    "temp",
    &[],
    "degC",
    f64::NAN,
    -273.0,
    1000.0,
    "instance temperature (default: the circuit's)",
);
/// An instance's `dtemp` (°C offset from the circuit temperature).
pub const DTEMP_SPEC: ParamSpec = spec(
    "dtemp",
    &[],
    "degC",
    f64::NAN,
    -1000.0,
    1000.0,
    "offset from the circuit temperature",
);

/// Shorthand to declare a [`ParamSpec`].
pub const fn spec(
    name: &'static str,
    aliases: &'static [&'static str],
    unit: &'static str,
    default: f64,
    min: f64,
    max: f64,
    desc: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        aliases,
        unit,
        default,
        min,
        max,
        desc,
    }
}

/// SPICE3's junction voltage limiting (ngspice `DEVpnjlim`): keeps the step of a pn-junction
/// voltage from overshooting the exponential. Returns the limited voltage and whether it
/// limited.
pub fn pnjlim(vnew: f64, vold: f64, vt: f64, vcrit: f64) -> (f64, bool) {
    if vnew > vcrit && (vnew - vold).abs() > vt + vt {
        let v = if vold > 0.0 {
            let arg = 1.0 + (vnew - vold) / vt;
            if arg > 0.0 {
                vold + vt * arg.ln()
            } else {
                vcrit
            }
        } else {
            vt * (vnew / vt).ln()
        };
        (v, true)
    } else if vnew < 0.0 {
        let arg = if vold > 0.0 {
            -vold - 1.0
        } else {
            2.0 * vold - 1.0
        };
        if vnew < arg {
            (arg, true)
        } else {
            (vnew, false)
        }
    } else {
        (vnew, false)
    }
}

/// Critical voltage of a junction with saturation current `is` and emission voltage `vte`.
pub fn vcrit(vte: f64, is: f64) -> f64 {
    vte * (vte / (std::f64::consts::SQRT_2 * is)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thermal_voltage_matches_ngspice() {
        // ngspice: CONSTKoverQ * REFTEMP = 1.38064852e-23 * 300.15 / 1.6021766208e-19.
        assert!((VT_NOM - 0.025_864_917).abs() < 1e-8, "{VT_NOM}");
    }

    #[test]
    fn pnjlim_limits_large_forward_steps() {
        let vt = 0.025;
        // From 0.6 V, a jump to 5 V is cut to 0.6 + vt ln(1 + 4.4/vt).
        let (v, lim) = pnjlim(5.0, 0.6, vt, 0.6);
        assert!(lim);
        assert!((v - (0.6 + vt * (1.0f64 + 4.4 / vt).ln())).abs() < 1e-12);
        // Small steps pass through.
        assert_eq!(pnjlim(0.61, 0.6, vt, 0.6), (0.61, false));
        // Reverse steps are bounded by 2 vold - 1 from a reverse point.
        assert_eq!(pnjlim(-10.0, -1.0, vt, 0.6), (-3.0, true));
    }
}

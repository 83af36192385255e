//! R: linear resistor `rname n+ n- value` (or `r=value`).

use super::args::{expect_nodes, node, value_and_params};
use super::param::ParamSpec;
use super::{Device, Load, Setup, Slot, Unknown};
use crate::elab::{Flat, Instance};

/// Parameters of R.
const fn p(
    name: &'static str,
    aliases: &'static [&'static str],
    unit: &'static str,
    default: f64,
    desc: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        aliases,
        unit,
        default,
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
        desc,
    }
}

pub static PARAMS: &[ParamSpec] = &[
    p(
        "r",
        &["resistance"],
        "ohm",
        f64::NAN,
        "resistance (at TNOM)",
    ),
    p(
        "tc1",
        &["tc"],
        "1/K",
        0.0,
        "first-order temperature coefficient",
    ),
    p(
        "tc2",
        &[],
        "1/K^2",
        0.0,
        "second-order temperature coefficient",
    ),
    p(
        "temp",
        &[],
        "degC",
        f64::NAN,
        "instance temperature (default: the circuit's)",
    ),
    p(
        "dtemp",
        &[],
        "degC",
        f64::NAN,
        "offset from the circuit temperature",
    ),
    p(
        "ac",
        &[],
        "ohm",
        f64::NAN,
        "resistance in small-signal analyses (default: r)",
    ),
    p(
        "noisy",
        &["noise"],
        "1",
        1.0,
        "0: a noiseless resistor in `.noise` (ngspice's noisy=0)",
    ),
];

const USAGE: &str = "rname n+ n- value";

/// A linear resistor.
#[derive(Debug)]
pub struct Resistor {
    name: String,
    a: Unknown,
    b: Unknown,
    g: f64,
    /// Conductance in small-signal analyses (`ac=`).
    g_ac: f64,
    /// Thermal noise in `.noise` (`noisy=0` turns it off).
    noisy: bool,
    s: [Slot; 4],
}

impl Resistor {
    /// A resistor of `r` ohms between `a` and `b` (unknowns).
    pub fn new(name: &str, a: Unknown, b: Unknown, r: f64) -> Resistor {
        Resistor {
            name: name.to_string(),
            a,
            b,
            g: 1.0 / r,
            g_ac: 1.0 / r,
            noisy: true,
            s: [Slot::NONE; 4],
        }
    }
}

/// Registry constructor.
/// `R(T) = R (1 + TC1 dT + TC2 dT²)` with `dT = T - TNOM`, `T` the circuit's temperature
/// (or the instance's `temp=`, plus `dtemp=`).
pub fn build(inst: &Instance, flat: &Flat) -> crate::Result<Box<dyn Device>> {
    expect_nodes(inst, 2, USAGE)?;
    let (r_nom, v) = value_and_params(inst, PARAMS, 0, USAGE)?;
    let temps = super::nlutil::Temps::of(flat, v.get(3), v.get(4), f64::NAN);
    let dt = temps.t - temps.tnom;
    let factor = 1.0 + v.get(1) * dt + v.get(2) * dt * dt;
    let r = r_nom * factor;
    if r == 0.0 || !r.is_finite() {
        return Err(super::args::err(
            inst,
            format!(
                "resistance of `{}` must be finite and nonzero, got {r}",
                inst.name
            ),
            Some("use a voltage source of 0 V for a short, or a small resistance".into()),
        ));
    }
    let mut res = Resistor::new(&inst.name, node(inst.nodes[0]), node(inst.nodes[1]), r);
    res.noisy = v.get(6) != 0.0;
    if v.given[5] {
        let r_ac = v.get(5) * factor;
        if r_ac == 0.0 || !r_ac.is_finite() {
            return Err(super::args::err(
                inst,
                format!(
                    "`ac=` resistance of `{}` must be finite and nonzero",
                    inst.name
                ),
                None,
            ));
        }
        res.g_ac = 1.0 / r_ac;
    }
    Ok(Box::new(res))
}

impl Device for Resistor {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    /// Johnson-Nyquist noise `4kT/|R|`; the flicker generator is named (as ngspice's
    /// `onoise_<r>_1overf`) and zero, since resistors carry no KF here.
    fn noise(&self, _x: &[f64], temp: f64, out: &mut Vec<super::NoiseSource>) {
        use super::nlutil::BOLTZ;
        let white = if self.noisy {
            4.0 * BOLTZ * temp * self.g.abs()
        } else {
            0.0
        };
        out.push(super::NoiseSource::white("thermal", self.a, self.b, white));
        out.push(super::NoiseSource::white("1overf", self.a, self.b, 0.0));
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        self.s = [
            s.slot(self.a, self.a),
            s.slot(self.a, self.b),
            s.slot(self.b, self.a),
            s.slot(self.b, self.b),
        ];
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        let g = if l.mode == super::Mode::Ac {
            self.g_ac
        } else {
            self.g
        };
        l.add(self.s[0], g);
        l.add(self.s[1], -g);
        l.add(self.s[2], -g);
        l.add(self.s[3], g);
        Ok(())
    }
    fn set_sweep(&mut self, value: f64) -> bool {
        if value == 0.0 || !value.is_finite() {
            return false;
        }
        self.g = 1.0 / value;
        self.g_ac = self.g;
        true
    }
    fn is_linear(&self) -> bool {
        true
    }
}

//! R: linear resistor `rname n+ n- value` (or `r=value`).

use super::args::{expect_nodes, node, value_and_params};
use super::param::ParamSpec;
use super::{Device, Load, Setup, Slot, Unknown};
use crate::elab::{Flat, Instance};

/// Parameters of R.
pub static PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "r",
    aliases: &["resistance"],
    unit: "ohm",
    default: f64::NAN,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    desc: "resistance",
}];

const USAGE: &str = "rname n+ n- value";

/// A linear resistor.
#[derive(Debug)]
pub struct Resistor {
    name: String,
    a: Unknown,
    b: Unknown,
    g: f64,
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
            s: [Slot::NONE; 4],
        }
    }
}

/// Registry constructor.
pub fn build(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    expect_nodes(inst, 2, USAGE)?;
    let (r, _) = value_and_params(inst, PARAMS, 0, USAGE)?;
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
    Ok(Box::new(Resistor::new(
        &inst.name,
        node(inst.nodes[0]),
        node(inst.nodes[1]),
        r,
    )))
}

impl Device for Resistor {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    /// Johnson-Nyquist noise `4kT/|R|`; the flicker generator is named (as ngspice's
    /// `onoise_<r>_1overf`) and zero, since resistors carry no KF here.
    fn noise(&self, _x: &[f64], temp: f64, out: &mut Vec<super::NoiseSource>) {
        use super::nlutil::BOLTZ;
        let white = 4.0 * BOLTZ * temp * self.g.abs();
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
        let g = self.g;
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
        true
    }
    fn is_linear(&self) -> bool {
        true
    }
}

//! C: linear capacitor `cname n+ n- value [ic=v]`, charge-based through [`Load::charge`].

use super::args::{expect_nodes, node, value_and_params};
use super::param::ParamSpec;
use super::{Alloc, Device, Load, Mode, Setup, Slot, Unknown};
use crate::elab::{Flat, Instance};

/// Parameters of C.
pub static PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "c",
        aliases: &["capacitance"],
        unit: "F",
        default: f64::NAN,
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
        desc: "capacitance",
    },
    ParamSpec {
        name: "ic",
        aliases: &[],
        unit: "V",
        default: f64::NAN,
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
        desc: "initial voltage (used with .tran ... uic)",
    },
];

const USAGE: &str = "cname n+ n- value [ic=v]";

/// A linear capacitor.
#[derive(Debug)]
pub struct Capacitor {
    name: String,
    a: Unknown,
    b: Unknown,
    c: f64,
    ic: Option<f64>,
    state: usize,
    s: [Slot; 4],
}

impl Capacitor {
    /// A capacitor of `c` farads between `a` and `b`, with an optional `uic` initial voltage.
    pub fn new(name: &str, a: Unknown, b: Unknown, c: f64, ic: Option<f64>) -> Capacitor {
        Capacitor {
            name: name.to_string(),
            a,
            b,
            c,
            ic,
            state: 0,
            s: [Slot::NONE; 4],
        }
    }
}

/// Registry constructor.
pub fn build(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    expect_nodes(inst, 2, USAGE)?;
    let (c, v) = value_and_params(inst, PARAMS, 0, USAGE)?;
    if !c.is_finite() {
        return Err(super::args::err(
            inst,
            format!("capacitance of `{}` must be finite", inst.name),
            None,
        ));
    }
    let ic = if v.given[1] { Some(v.get(1)) } else { None };
    Ok(Box::new(Capacitor::new(
        &inst.name,
        node(inst.nodes[0]),
        node(inst.nodes[1]),
        c,
        ic,
    )))
}

impl Device for Capacitor {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn allocate(&mut self, a: &mut Alloc) {
        self.state = a.states(1);
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
        let v = l.v(self.a) - l.v(self.b);
        let q = match (l.uic, l.mode, self.ic) {
            (true, Mode::TranOp, Some(ic)) => self.c * ic,
            _ => self.c * v,
        };
        let (geq, i) = l.charge(self.state, q, self.c);
        if l.mode.integrates() {
            let ieq = i - geq * v;
            l.add(self.s[0], geq);
            l.add(self.s[1], -geq);
            l.add(self.s[2], -geq);
            l.add(self.s[3], geq);
            l.rhs(self.a, -ieq);
            l.rhs(self.b, ieq);
        }
        Ok(())
    }
    fn is_linear(&self) -> bool {
        true
    }
}

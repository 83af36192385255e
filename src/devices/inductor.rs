//! L: linear inductor `lname n+ n- value [ic=i]`, with a branch current and its flux
//! integrated through [`Load::charge`].

use super::args::{expect_nodes, node, value_and_params};
use super::param::ParamSpec;
use super::{Alloc, Device, Load, Mode, Setup, Slot, Unknown};
use crate::elab::{Flat, Instance};

/// Parameters of L.
pub static PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "l",
        aliases: &["inductance"],
        unit: "H",
        default: f64::NAN,
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
        desc: "inductance",
    },
    ParamSpec {
        name: "ic",
        aliases: &[],
        unit: "A",
        default: f64::NAN,
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
        desc: "initial current (used with .tran ... uic)",
    },
];

const USAGE: &str = "lname n+ n- value [ic=i]";

/// A linear inductor; its current flows from `n+` through the inductor to `n-`.
#[derive(Debug)]
pub struct Inductor {
    name: String,
    a: Unknown,
    b: Unknown,
    l: f64,
    ic: Option<f64>,
    br: Unknown,
    state: usize,
    s: [Slot; 5],
}

/// Registry constructor.
pub fn build(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    expect_nodes(inst, 2, USAGE)?;
    let (l, v) = value_and_params(inst, PARAMS, 0, USAGE)?;
    if !l.is_finite() {
        return Err(super::args::err(
            inst,
            format!("inductance of `{}` must be finite", inst.name),
            None,
        ));
    }
    Ok(Box::new(Inductor {
        name: inst.name.clone(),
        a: node(inst.nodes[0]),
        b: node(inst.nodes[1]),
        l,
        ic: if v.given[1] { Some(v.get(1)) } else { None },
        br: 0,
        state: 0,
        s: [Slot::NONE; 5],
    }))
}

impl Device for Inductor {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn allocate(&mut self, a: &mut Alloc) {
        self.br = a.branch(&self.name);
        self.state = a.states(1);
    }
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        self.s = [
            s.slot(self.a, self.br),
            s.slot(self.b, self.br),
            s.slot(self.br, self.a),
            s.slot(self.br, self.b),
            s.slot(self.br, self.br),
        ];
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        let i = l.v(self.br);
        let flux = match (l.uic, l.mode, self.ic) {
            (true, Mode::TranOp, Some(ic)) => self.l * ic,
            _ => self.l * i,
        };
        let (geq, vind) = l.charge(self.state, flux, self.l);
        l.add(self.s[0], 1.0);
        l.add(self.s[1], -1.0);
        l.add(self.s[2], 1.0);
        l.add(self.s[3], -1.0);
        // v(a) - v(b) - dflux/dt = 0, linearised: -geq * i on the diagonal.
        l.add(self.s[4], -geq);
        l.rhs(self.br, vind - geq * i);
        Ok(())
    }
    fn is_linear(&self) -> bool {
        true
    }
}

//! I: independent current source `iname n+ n- [dc] value [pulse(...)|...]`; the current
//! flows from `n+` through the source to `n-` (ngspice's convention). Arguments as for V
//! (see [`super::vsource`]).

use super::args::{expect_nodes, node};
use super::vsource::SourceSpec;
use super::waveform::Waveform;
use super::{Device, Load, Setup, Unknown};
use crate::elab::{Flat, Instance};

pub use super::vsource::PARAMS;

const USAGE: &str = "iname n+ n- [dc] value [pulse(...)|pwl(...)|sin(...)|exp(...)]";

/// An independent current source.
#[derive(Debug)]
pub struct ISource {
    name: String,
    a: Unknown,
    b: Unknown,
    spec: SourceSpec,
}

/// Registry constructor.
pub fn build(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    expect_nodes(inst, 2, USAGE)?;
    Ok(Box::new(ISource {
        name: inst.name.clone(),
        a: node(inst.nodes[0]),
        b: node(inst.nodes[1]),
        spec: SourceSpec::parse(inst, USAGE)?,
    }))
}

impl Device for ISource {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn setup(&mut self, _s: &mut Setup) -> crate::Result<()> {
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        let i = self.spec.value(l.mode, l.time) * l.src_factor;
        l.rhs(self.a, -i);
        l.rhs(self.b, i);
        Ok(())
    }
    fn next_breakpoint(&self, t: f64) -> Option<f64> {
        self.spec.next_breakpoint(t)
    }
    fn set_sweep(&mut self, value: f64) -> bool {
        self.spec.dc = Some(value);
        true
    }
    fn is_linear(&self) -> bool {
        true
    }
    fn begin_tran(&mut self, tstep: f64, tstop: f64) {
        self.spec.begin_tran(tstep, tstop);
    }
    fn set_source(&mut self, dc: Option<f64>, wave: Option<Waveform>) -> bool {
        self.spec = SourceSpec {
            dc,
            wave,
            ac: self.spec.ac,
        };
        true
    }
    fn ac_stimulus(&self, rhs: &mut super::AcRhs) {
        // As in `load`: the current leaves `a` and is pushed into `b`.
        self.spec.ac_stimulus(rhs, self.a, -1.0);
        self.spec.ac_stimulus(rhs, self.b, 1.0);
    }
}

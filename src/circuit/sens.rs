//! `.sens outvar`: DC sensitivities of an output to the parameters of every device, as
//! ngspice reports them (plot "Sensitivity Analysis", one point).
//!
//! Each sensitivity `d outvar / d p` is a central difference of two operating points with
//! `p` moved by `±1e-4 |p|` (1e-9 for a parameter that is 0), the circuit rebuilt from the
//! perturbed netlist each time: every effect of the parameter (temperature adjustments,
//! derived model quantities) is included. The parameters are each device's main value
//! (`r1`, `v1`: the resistance, the source's DC value), the instance parameters written on
//! its line (`m1_w`) and the parameters written on its model card (`d1:is`), ngspice's
//! names. ngspice also lists parameters that are not written (at their defaults, mostly
//! with zero sensitivity); spinspice lists only what the netlist sets.

use super::smallsignal::node_unknown;
use super::{Circuit, Stats};
use crate::devices::GROUND;
use crate::elab::{Arg, Flat, OutVar};
use crate::error::Error;
use crate::wave::{Signal, Unit, Waveforms};
use std::time::Instant;

/// Where a perturbed parameter lives in the flat netlist.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// `instances[i].args[k]`.
    Arg(usize, usize),
    /// `instances[i].params[k]`.
    Param(usize, usize),
    /// `instances[i].model.params[k]`.
    Model(usize, usize),
}

fn get(flat: &mut Flat, s: Slot) -> Option<&mut f64> {
    match s {
        Slot::Arg(i, k) => match flat.instances.get_mut(i)?.args.get_mut(k)? {
            Arg::Num(v) => Some(v),
            _ => None,
        },
        Slot::Param(i, k) => Some(&mut flat.instances.get_mut(i)?.params.get_mut(k)?.value),
        Slot::Model(i, k) => Some(
            &mut flat
                .instances
                .get_mut(i)?
                .model
                .as_mut()?
                .params
                .get_mut(k)?
                .value,
        ),
    }
}

/// Every parameter `.sens` perturbs, with ngspice's name.
fn parameters(flat: &Flat) -> Vec<(String, Slot)> {
    let mut out = Vec::new();
    for (i, inst) in flat.instances.iter().enumerate() {
        // The main value: the first number on the line (after a `dc` keyword on sources).
        let main = inst.args.iter().enumerate().find_map(|(k, a)| match a {
            Arg::Num(_) if k == 0 => Some(k),
            Arg::Num(_) if matches!(&inst.args[k - 1], Arg::Word(w) if w == "dc") => Some(k),
            _ => None,
        });
        if let Some(k) = main {
            if matches!(
                inst.letter,
                'r' | 'c' | 'l' | 'v' | 'i' | 'e' | 'f' | 'g' | 'h'
            ) {
                out.push((inst.name.clone(), Slot::Arg(i, k)));
            }
        }
        for (k, g) in inst.params.iter().enumerate() {
            out.push((format!("{}_{}", inst.name, g.name), Slot::Param(i, k)));
        }
        if let Some(m) = &inst.model {
            for (k, g) in m.params.iter().enumerate() {
                if g.name != "level" {
                    out.push((format!("{}:{}", inst.name, g.name), Slot::Model(i, k)));
                }
            }
        }
    }
    out
}

impl Circuit {
    /// `.sens outvar`: see the module docs.
    pub fn sens(&mut self, output: &OutVar) -> crate::Result<(Waveforms, Stats)> {
        const WHAT: &str = "`.sens`";
        let start = Instant::now();
        let mut stats = Stats {
            analysis: "sens".into(),
            ..Default::default()
        };
        let base = self.flat.clone();
        let y0 = op_output(self, output, &mut stats)?;
        let mut signals = Vec::new();
        for (name, slot) in parameters(&base) {
            let mut flat = base.clone();
            let Some(p) = get(&mut flat, slot).map(|v| *v) else {
                continue;
            };
            let h = if p == 0.0 { 1e-9 } else { 1e-4 * p.abs() };
            let at = |v: f64| -> Option<f64> {
                let mut f = flat.clone();
                *get(&mut f, slot)? = v;
                let mut c = Circuit::from_flat(&f).ok()?;
                op_output(&mut c, output, &mut Stats::default()).ok()
            };
            match (at(p + h), at(p - h)) {
                (Some(a), Some(b)) => {
                    let mut s = Signal::new(name, vec![(a - b) / (2.0 * h)]);
                    s.unit = Unit::Other(String::new());
                    signals.push(s);
                }
                // A parameter that cannot move both ways (a range limit, a circuit that
                // does not converge there) is left out, with a note.
                _ => stats
                    .notes
                    .push(format!("{WHAT}: `{name}` could not be perturbed by ±{h:e}")),
            }
        }
        if signals.is_empty() {
            return Err(Error::Usage(format!(
                "{WHAT}: the netlist sets no device parameter to perturb"
            )));
        }
        let scale = signals.remove(0);
        stats.points = 1;
        stats.accepted = 1;
        stats.wall = start.elapsed();
        stats
            .notes
            .push(format!("{WHAT}: {output} = {y0:e} at the operating point"));
        Ok((
            Waveforms {
                title: self.flat.title.clone(),
                plotname: "Sensitivity Analysis".into(),
                scale,
                signals,
            },
            stats,
        ))
    }
}

/// The operating-point value of `output` in `c`.
fn op_output(c: &mut Circuit, output: &OutVar, stats: &mut Stats) -> crate::Result<f64> {
    const WHAT: &str = "`.sens`";
    let (p, n) = match output {
        OutVar::Voltage(a, b) => (
            node_unknown(&c.eng, a, WHAT)?,
            match b {
                Some(b) => node_unknown(&c.eng, b, WHAT)?,
                None => GROUND,
            },
        ),
        OutVar::Current(v) => {
            let want = format!("i({v})");
            let u = (0..c.eng.n())
                .find(|&u| c.eng.signal_name(u) == want)
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{WHAT}: output current `i({v})` names no voltage source of the circuit"
                    ))
                })?;
            (u, GROUND)
        }
    };
    c.solve_op(stats, "at the operating point of `.sens`")?;
    let x = |u: usize| if u == GROUND { 0.0 } else { c.eng.x[u] };
    Ok(x(p) - x(n))
}

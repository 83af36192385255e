//! `.tf outvar insrc`: the small-signal DC transfer function, input and output impedance,
//! as ngspice reports them.
//!
//! At the operating point the circuit is linearised (`G`, at zero frequency). With a unit
//! excitation on the input source (1 V on a voltage source, 1 A on a current source) one
//! solve gives the transfer function (the output per unit input) and the input impedance
//! (`-1 / i(vin)` for a voltage source, the voltage across a current source); one more
//! solve with a unit current into the output node gives the output impedance, the input
//! source set to zero (shorted, or opened). For a current output `i(vx)` ngspice reports
//! an output impedance of 1e20 (it does not compute one), and so does spinspice.
//!
//! The plot "Transfer Function" holds one point, ngspice's names: `transfer_function`,
//! `<insrc>#input_impedance`, and `output_impedance_at_v(out)` (voltage output) or
//! `<vx>#output_impedance` (current output); the first is the plot's scale, as in an
//! operating point.

use super::smallsignal::SmallSignal;
use super::smallsignal::{at, check_devices, first_non_finite, input_source, node_unknown};
use super::{Circuit, Stats};
use crate::devices::GROUND;
use crate::elab::{OutVar, TfSpec};
use crate::error::Error;
use crate::wave::{Signal, Unit, Waveforms};
use faer::c64;
use std::time::Instant;

/// ngspice's "infinite" impedance: the output impedance of a current output, and the input
/// impedance of a voltage source that drives no current.
const CURRENT_OUTPUT_IMPEDANCE: f64 = 1e20;

impl Circuit {
    /// `.tf`: see the module docs.
    pub fn tf(&mut self, spec: &TfSpec) -> crate::Result<(Waveforms, Stats)> {
        const WHAT: &str = "`.tf`";
        let start = Instant::now();
        let (it0, f0) = (self.eng.newton_iters, self.eng.factorizations);
        let mut stats = Stats {
            analysis: "tf".into(),
            ..Default::default()
        };
        let (src, voltage_input) = input_source(&self.eng, &spec.source, WHAT)?;
        // The output's unknowns: a node pair, or the branch of a voltage source.
        let (p, n) = match &spec.output {
            OutVar::Voltage(a, b) => (
                node_unknown(&self.eng, a, WHAT)?,
                match b {
                    Some(b) => node_unknown(&self.eng, b, WHAT)?,
                    None => GROUND,
                },
            ),
            OutVar::Current(v) => {
                let want = format!("i({v})");
                let u = (0..self.eng.n())
                    .find(|&u| self.eng.signal_name(u) == want)
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "{WHAT}: output current `i({v})` names no voltage source of the \
                             circuit (a current output is the current through a `V` element)"
                        ))
                    })?;
                (u, GROUND)
            }
        };
        check_devices(&self.eng, WHAT, &mut stats)?;
        self.solve_op(&mut stats, "at the operating point of `.tf`")?;
        let mut ss = SmallSignal::new(&mut self.eng, WHAT)?;
        ss.factor(0.0, WHAT)?;

        let b = SmallSignal::stimulus(&self.eng, Some(src), true);
        let mut x = b.clone();
        ss.solve(&mut x, false);
        let out = |x: &[c64]| (at(x, p) - at(x, n)).re;
        let transfer = out(&x);
        let excitation: f64 = x.iter().zip(&b).map(|(x, b)| (x * b).re).sum();
        // A source driving no current (a gate) has an infinite input impedance, which
        // ngspice reports as 1e20.
        let z_in = if !voltage_input {
            excitation
        } else if excitation == 0.0 {
            CURRENT_OUTPUT_IMPEDANCE
        } else {
            -1.0 / excitation
        };
        let (z_out_name, z_out) = match &spec.output {
            OutVar::Voltage(..) => {
                let mut y = vec![c64::new(0.0, 0.0); ss.n()];
                if p != GROUND {
                    y[p] = c64::new(1.0, 0.0);
                }
                if n != GROUND {
                    y[n] -= c64::new(1.0, 0.0);
                }
                ss.solve(&mut y, false);
                if let Some(u) = first_non_finite(&y) {
                    return Err(Error::Usage(format!(
                        "{WHAT}: the output impedance is not finite ({})",
                        self.eng.signal_name(u)
                    )));
                }
                (format!("output_impedance_at_{}", spec.output), out(&y))
            }
            OutVar::Current(v) => (format!("{v}#output_impedance"), CURRENT_OUTPUT_IMPEDANCE),
        };
        if let Some(u) = first_non_finite(&x) {
            return Err(Error::Usage(format!(
                "{WHAT}: the solution is not finite ({})",
                self.eng.signal_name(u)
            )));
        }
        let one = |name: String, v: f64| {
            let mut s = Signal::new(name, vec![v]);
            s.unit = Unit::Other(String::new());
            s
        };
        let w = Waveforms {
            title: self.flat.title.clone(),
            plotname: "Transfer Function".into(),
            scale: one("transfer_function".into(), transfer),
            signals: vec![
                one(format!("{}#input_impedance", spec.source), z_in),
                one(z_out_name, z_out),
            ],
        };
        stats.points = 1;
        stats.accepted = 1;
        stats.newton_iters = self.eng.newton_iters - it0;
        stats.factorizations = ss.factorizations + self.eng.factorizations - f0;
        stats.wall = start.elapsed();
        Ok((w, stats))
    }
}

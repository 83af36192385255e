//! `.ac`: the small-signal frequency sweep.
//!
//! The operating point is solved as for `.op`; the circuit is linearised there
//! ([`super::smallsignal`]) and at each frequency the complex system `(G + jωC) x = b` is
//! solved, `b` holding the `ac MAG PHASE` phasors of the independent sources.
//!
//! Results are complex signals named as ngspice names them (`v(out)`, `i(v1)`) over the
//! scale `frequency` (Hz), in a plot called "AC Analysis".

use super::record::Recorder;
use super::smallsignal::{check_devices, first_non_finite, SmallSignal};
use super::{Circuit, Stats};
use crate::elab::AcSweep;
use crate::error::Error;
use crate::wave::{Unit, Waveforms};
use std::time::Instant;

impl Circuit {
    /// `.ac`: solve the operating point, linearise, and sweep `sweep`'s frequencies.
    pub fn ac(&mut self, sweep: &AcSweep) -> crate::Result<(Waveforms, Stats)> {
        let start = Instant::now();
        let (it0, f0) = (self.eng.newton_iters, self.eng.factorizations);
        let mut stats = Stats {
            analysis: "ac".into(),
            ..Default::default()
        };
        check_devices(&self.eng, "`.ac`", &mut stats)?;
        self.solve_op(&mut stats, "at the operating point of `.ac`")?;
        let mut ss = SmallSignal::new(&mut self.eng, "`.ac`")?;
        let b = SmallSignal::stimulus(&self.eng, None, false);
        if b.iter().all(|v| v.re == 0.0 && v.im == 0.0) {
            return Err(Error::Usage(
                "`.ac`: no independent source has an `ac` value, so every response is zero; \
                 give the input one, e.g. `vin in 0 dc 0 ac 1`"
                    .into(),
            ));
        }

        let (mut rec_re, dropped) =
            Recorder::new(&self.eng, &self.flat.saves)?.without_device_outputs();
        let (mut rec_im, _) = Recorder::new(&self.eng, &self.flat.saves)?.without_device_outputs();
        if !dropped.is_empty() {
            stats.notes.push(format!(
                "device outputs are not small-signal quantities and are not saved by `.ac`: {}",
                dropped.join(", ")
            ));
        }
        let x_op = self.eng.x.clone();
        let freqs = sweep.frequencies();
        let mut x = b.clone();
        for &f in &freqs {
            ss.factor(f, "`.ac`")?;
            x.copy_from_slice(&b);
            ss.solve(&mut x, false);
            if let Some(u) = first_non_finite(&x) {
                self.eng.x.copy_from_slice(&x_op);
                return Err(Error::Usage(format!(
                    "`.ac`: the solution is not finite at f = {f:e} Hz ({})",
                    self.eng.signal_name(u)
                )));
            }
            for (xo, v) in self.eng.x.iter_mut().zip(&x) {
                *xo = v.re;
            }
            rec_re.record(f, &self.eng);
            for (xo, v) in self.eng.x.iter_mut().zip(&x) {
                *xo = v.im;
            }
            rec_im.record(f, &self.eng);
        }
        self.eng.x.copy_from_slice(&x_op);
        let title = self.flat.title.clone();
        let hz = || Unit::Other("Hz".into());
        let mut w = rec_re.finish(&title, "AC Analysis", "frequency", hz());
        let wi = rec_im.finish(&title, "AC Analysis", "frequency", hz());
        for (s, i) in w.signals.iter_mut().zip(wi.signals) {
            s.imag = i.values;
        }
        stats.points = freqs.len();
        stats.accepted = freqs.len();
        stats.newton_iters = self.eng.newton_iters - it0;
        stats.factorizations = ss.factorizations + self.eng.factorizations - f0;
        stats.wall = start.elapsed();
        Ok((w, stats))
    }
}

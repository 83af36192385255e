//! `.dc` sweeps: the first sweep is the inner loop, as in SPICE.

use super::record::Recorder;
use super::{Circuit, Stats};
use crate::devices::Mode;
use crate::elab::DcSweep;
use crate::error::Error;
use crate::wave::{Unit, Waveforms};
use std::time::Instant;

/// The values of one sweep, `start` to `stop` inclusive by `step` (either direction).
pub fn sweep_values(s: &DcSweep) -> crate::Result<Vec<f64>> {
    let span = s.stop - s.start;
    if !(s.step.is_finite() && s.start.is_finite() && s.stop.is_finite()) || s.step == 0.0 {
        return Err(Error::Usage(format!(
            "`.dc {}`: the step must be a nonzero number",
            s.source
        )));
    }
    if span != 0.0 && span.signum() != s.step.signum() {
        return Err(Error::Usage(format!(
            "`.dc {}`: step {} does not lead from {} to {}",
            s.source, s.step, s.start, s.stop
        )));
    }
    let n = (span / s.step + 1e-9).floor();
    if n > 1e7 {
        return Err(Error::Usage(format!(
            "`.dc {}`: {} points is too many",
            s.source, n
        )));
    }
    Ok((0..=n as usize)
        .map(|k| s.start + k as f64 * s.step)
        .collect())
}

impl Circuit {
    /// `.dc`: solve an operating point at every combination of sweep values. The scale is
    /// the inner sweep's value (`v-sweep`, `i-sweep`, `res-sweep`, as ngspice names it);
    /// nested sweeps are concatenated, outer value changing slowest.
    pub fn dc(&mut self, sweeps: &[DcSweep]) -> crate::Result<(Waveforms, Stats)> {
        let start = Instant::now();
        let (it0, f0) = (self.eng.newton_iters, self.eng.factorizations);
        if sweeps.is_empty() {
            return Err(Error::Usage("`.dc` needs at least one sweep".into()));
        }
        let mut stats = Stats {
            analysis: "dc".into(),
            ..Default::default()
        };
        let mut devs = Vec::new();
        let mut values = Vec::new();
        for s in sweeps {
            let name = s.source.to_ascii_lowercase();
            let Some(k) = self.eng.devices.iter().position(|d| d.name() == name) else {
                return Err(Error::Usage(format!(
                    "`.dc` sweeps `{}`, which is not an element of this circuit",
                    s.source
                )));
            };
            devs.push(k);
            values.push(sweep_values(s)?);
        }
        let mut rec = Recorder::new(&self.eng, &self.flat.saves)?;
        let itl2 = self.eng.opts.itl2;
        let itl1 = self.eng.opts.itl1;
        let mut idx = vec![0usize; sweeps.len()];
        let mut fresh = true;
        'outer: loop {
            for (j, &k) in devs.iter().enumerate() {
                let v = values[j][idx[j]];
                if !self.eng.devices[k].set_sweep(v) {
                    return Err(Error::Usage(format!(
                        "`.dc` cannot sweep `{}` (only independent sources and resistors can be swept)",
                        sweeps[j].source
                    )));
                }
            }
            let when = format!(
                "at .dc point {}",
                sweeps
                    .iter()
                    .zip(&idx)
                    .enumerate()
                    .map(|(j, (s, &i))| format!("{} = {}", s.source, values[j][i]))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let cap = if fresh { itl1 } else { itl2 };
            self.solve_dc(Mode::Dc, false, fresh, cap, &mut stats, &when)?;
            self.accept_dc();
            fresh = false;
            rec.record(values[0][idx[0]], &self.eng);
            stats.accepted += 1;
            // Advance the odometer, inner sweep first.
            for j in 0..idx.len() {
                idx[j] += 1;
                if idx[j] < values[j].len() {
                    continue 'outer;
                }
                idx[j] = 0;
            }
            break;
        }
        stats.points = rec.len();
        stats.newton_iters = self.eng.newton_iters - it0;
        stats.factorizations = self.eng.factorizations - f0;
        stats.wall = start.elapsed();
        let scale = match sweeps[0].source.chars().next() {
            Some('v') | Some('V') => ("v-sweep", Unit::Voltage),
            Some('i') | Some('I') => ("i-sweep", Unit::Current),
            Some('r') | Some('R') => ("res-sweep", Unit::Other("ohm".into())),
            _ => ("sweep", Unit::Other("1".into())),
        };
        let title = self.flat.title.clone();
        Ok((
            rec.finish(&title, "DC transfer characteristic", scale.0, scale.1),
            stats,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_values_inclusive_both_directions() {
        let s = |a, b, c| DcSweep {
            source: "v1".into(),
            start: a,
            stop: b,
            step: c,
        };
        assert_eq!(
            sweep_values(&s(0.0, 1.0, 0.25)).unwrap(),
            vec![0.0, 0.25, 0.5, 0.75, 1.0]
        );
        // 0.1 steps accumulate rounding: the end point must still be included.
        assert_eq!(sweep_values(&s(0.0, 1.0, 0.1)).unwrap().len(), 11);
        assert_eq!(
            sweep_values(&s(1.0, 0.0, -0.5)).unwrap(),
            vec![1.0, 0.5, 0.0]
        );
        assert!(sweep_values(&s(0.0, 1.0, -0.1)).is_err());
        assert!(sweep_values(&s(0.0, 1.0, 0.0)).is_err());
    }
}

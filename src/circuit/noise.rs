//! `.noise`: small-signal noise analysis, as ngspice reports it.
//!
//! At the operating point every device lists its noise generators
//! ([`crate::devices::Device::noise`]): uncorrelated current sources between two unknowns
//! with a white and a `1/f` density. At each frequency the output noise density is
//! `S_out = Σ |Z_k|² S_k`, where `Z_k` is the transfer impedance from generator `k` to the
//! output. All of them come from one solve of the adjoint system `Aᵀ z = e_out`
//! (`A = G + jωC`, `e_out` selecting the output, `Z_k = z_a - z_b`), instead of one solve
//! per generator. The input-referred density divides by the gain `|H|²` from the input
//! source (a unit `ac` phasor on it) to the output.
//!
//! Output, as ngspice 39 writes it:
//! - plot "Noise Spectral Density Curves" over `frequency`: `onoise_spectrum` (V/√Hz) and
//!   `inoise_spectrum` (V/√Hz, or A/√Hz for a current-source input); with `.noise`'s
//!   points-per-summary argument `pts`, also every generator's output contribution
//!   `onoise_<device>_<generator>` and each device's sum `onoise_<device>`, and then only
//!   every `pts`-th frequency is kept in this plot;
//! - plot "Integrated Noise": the rms totals over the band, `onoise_total` and
//!   `inoise_total` (and with `pts`, `onoise_total_<device>[_<generator>]` and the
//!   `inoise_total_...` twins). Each generator's density is integrated over frequency
//!   piecewise as a power law `S ∝ f^a` between neighbouring points (exact for white and
//!   `1/f` noise and for the `f^-2` roll-off above a pole), then summed. The input-referred
//!   totals follow ngspice's rule exactly: on each interval both ends' output densities are
//!   referred to the input with the gain at the interval's upper end (so `inoise_total` is
//!   not quite `∫ inoise_spectrum²`: where the gain changes between points, it differs; a
//!   denser sweep brings the two together). spinspice keeps ngspice's figure, so that
//!   totals compare one to one with ngspice's.
//!
//! Generators are evaluated at the circuit temperature (`.temp`, `.options temp=`; 27 °C,
//! 300.15 K, by default).

use super::smallsignal::SmallSignal;
use super::smallsignal::{at, check_devices, first_non_finite, input_source, node_unknown};
use super::{Circuit, Stats};
use crate::devices::NoiseSource;
use crate::elab::{NoiseSpec, OutVar};
use crate::error::Error;
use crate::wave::{Signal, Unit, Waveforms};
use faer::c64;
use std::time::Instant;

pub use crate::wave::{
    NOISE_INTEGRATED_PLOT as INTEGRATED_PLOT, NOISE_SPECTRUM_PLOT as SPECTRUM_PLOT,
};

impl Circuit {
    /// `.noise`: the spectrum plot and the integrated-noise plot (see the module docs).
    pub fn noise(&mut self, spec: &NoiseSpec) -> crate::Result<(Waveforms, Waveforms, Stats)> {
        const WHAT: &str = "`.noise`";
        let start = Instant::now();
        let (it0, f0) = (self.eng.newton_iters, self.eng.factorizations);
        let mut stats = Stats {
            analysis: "noise".into(),
            ..Default::default()
        };
        let OutVar::Voltage(out_p, out_n) = &spec.output else {
            return Err(Error::Usage(format!(
                "{WHAT}: the output must be a node voltage"
            )));
        };
        let p = node_unknown(&self.eng, out_p, WHAT)?;
        let n = match out_n {
            Some(r) => node_unknown(&self.eng, r, WHAT)?,
            None => crate::devices::GROUND,
        };
        let (src, voltage_input) = input_source(&self.eng, &spec.source, WHAT)?;
        if SmallSignal::stimulus(&self.eng, Some(src), false)
            .iter()
            .all(|v| v.re == 0.0 && v.im == 0.0)
        {
            return Err(Error::Usage(format!(
                "{WHAT}: input source `{}` has no AC value; give it one, e.g. `{} ... ac 1` \
                 (ngspice refuses it too)",
                spec.source, spec.source
            )));
        }
        check_devices(&self.eng, WHAT, &mut stats)?;
        self.solve_op(&mut stats, "at the operating point of `.noise`")?;
        let mut ss = SmallSignal::new(&mut self.eng, WHAT)?;

        // Every device's generators at the operating point, grouped by device, at the
        // circuit temperature.
        let temp = self.flat.temp_celsius() + 273.15;
        let mut groups: Vec<(String, Vec<NoiseSource>)> = Vec::new();
        for d in &self.eng.devices {
            let mut v = Vec::new();
            d.noise(&self.eng.x, temp, &mut v);
            if !v.is_empty() {
                groups.push((d.name().to_string(), v));
            }
        }
        let n_gen: usize = groups.iter().map(|(_, g)| g.len()).sum();

        let b = SmallSignal::stimulus(&self.eng, Some(src), true);
        let freqs = spec.sweep.frequencies();
        let nf = freqs.len();
        // Output density of each generator (V²/Hz) and the gain |H|², per frequency.
        let mut contrib = vec![vec![0.0; nf]; n_gen];
        let mut gain2 = vec![0.0; nf];
        let mut x = b.clone();
        let mut z = vec![c64::new(0.0, 0.0); ss.n()];
        for (i, &f) in freqs.iter().enumerate() {
            ss.factor(f, WHAT)?;
            x.copy_from_slice(&b);
            ss.solve(&mut x, false);
            z.iter_mut().for_each(|v| *v = c64::new(0.0, 0.0));
            if p != crate::devices::GROUND {
                z[p] = c64::new(1.0, 0.0);
            }
            if n != crate::devices::GROUND {
                z[n] -= c64::new(1.0, 0.0);
            }
            ss.solve(&mut z, true);
            if let Some(u) = first_non_finite(&x).or(first_non_finite(&z)) {
                return Err(Error::Usage(format!(
                    "{WHAT}: the solution is not finite at f = {f:e} Hz ({})",
                    self.eng.signal_name(u)
                )));
            }
            let h = at(&x, p) - at(&x, n);
            gain2[i] = h.re * h.re + h.im * h.im;
            let mut k = 0;
            for (_, gens) in &groups {
                for g in gens {
                    let t = at(&z, g.a) - at(&z, g.b);
                    contrib[k][i] = (t.re * t.re + t.im * t.im) * g.density(f);
                    k += 1;
                }
            }
        }
        if let Some(i) = gain2.iter().position(|g| *g == 0.0) {
            return Err(Error::Usage(format!(
                "{WHAT}: the gain from `{}` to {} is zero at f = {:e} Hz, so the \
                 input-referred noise is undefined",
                spec.source, spec.output, freqs[i]
            )));
        }

        let title = self.flat.title.clone();
        let (in_unit, in_kind) = if voltage_input {
            ("V/sqrt(Hz)", Unit::Voltage)
        } else {
            ("A/sqrt(Hz)", Unit::Current)
        };
        let density = |name: String, unit: &str, v: Vec<f64>| {
            let mut s = Signal::new(name, v.into_iter().map(f64::sqrt).collect());
            s.unit = Unit::Other(unit.into());
            s
        };
        let keep: Vec<usize> = match spec.pts_per_summary {
            Some(k) => (0..nf).step_by(k).collect(),
            None => (0..nf).collect(),
        };
        let pick = |v: &[f64]| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let total: Vec<f64> = (0..nf)
            .map(|i| contrib.iter().map(|c| c[i]).sum())
            .collect();
        let input: Vec<f64> = total.iter().zip(&gain2).map(|(s, g)| s / g).collect();

        let mut spectrum = Vec::new();
        let mut integrated = Vec::new();
        let mut push_totals = |name: &str, out_d: &[f64]| {
            let out_total = power_law_integral(&freqs, out_d, None);
            let in_total = power_law_integral(&freqs, out_d, Some(&gain2));
            let mut o = Signal::new(format!("onoise_total{name}"), vec![out_total.sqrt()]);
            o.unit = Unit::Voltage;
            let mut i = Signal::new(format!("inoise_total{name}"), vec![in_total.sqrt()]);
            i.unit = in_kind.clone();
            integrated.push(o);
            integrated.push(i);
        };
        if spec.pts_per_summary.is_some() {
            let mut k = 0;
            for (dev, gens) in &groups {
                let mut sum = vec![0.0; nf];
                for g in gens {
                    for (s, c) in sum.iter_mut().zip(&contrib[k]) {
                        *s += c;
                    }
                    let label = format!("_{dev}_{}", g.label);
                    spectrum.push(density(
                        format!("onoise{label}"),
                        "V/sqrt(Hz)",
                        pick(&contrib[k]),
                    ));
                    push_totals(&label, &contrib[k]);
                    k += 1;
                }
                spectrum.push(density(format!("onoise_{dev}"), "V/sqrt(Hz)", pick(&sum)));
                push_totals(&format!("_{dev}"), &sum);
            }
        }
        spectrum.push(density(
            "onoise_spectrum".into(),
            "V/sqrt(Hz)",
            pick(&total),
        ));
        spectrum.push(density("inoise_spectrum".into(), in_unit, pick(&input)));
        push_totals("", &total);

        let mut scale = Signal::new("frequency", pick(&freqs));
        scale.unit = Unit::Other("Hz".into());
        let spectrum = Waveforms {
            title: title.clone(),
            plotname: SPECTRUM_PLOT.into(),
            scale,
            signals: spectrum,
        };
        // ngspice writes the totals last; an operating-point-like plot's first vector is
        // its scale, so `onoise_total` leads here.
        let n_int = integrated.len();
        let mut ordered = integrated.split_off(n_int - 2);
        ordered.extend(integrated);
        let scale = ordered.remove(0);
        let integrated = Waveforms {
            title,
            plotname: INTEGRATED_PLOT.into(),
            scale,
            signals: ordered,
        };
        stats.points = nf;
        stats.accepted = nf;
        stats.newton_iters = self.eng.newton_iters - it0;
        stats.factorizations = ss.factorizations + self.eng.factorizations - f0;
        stats.wall = start.elapsed();
        Ok((spectrum, integrated, stats))
    }
}

/// `∫ S df` over the points `(f, s)`, each interval taken as the power law `S ∝ f^a` through
/// its two ends (the trapezoid where a power law does not apply: a zero or a non-positive
/// frequency). With `gain2`, both ends of interval `[f_k-1, f_k]` are divided by
/// `gain2[k]` (ngspice's input-referred total).
pub fn power_law_integral(f: &[f64], s: &[f64], gain2: Option<&[f64]>) -> f64 {
    let mut sum = 0.0;
    for k in 1..f.len().min(s.len()) {
        let g = gain2.map_or(1.0, |g| g[k]);
        let (f1, f2, s1, s2) = (f[k - 1], f[k], s[k - 1] / g, s[k] / g);
        if f2 <= f1 {
            continue;
        }
        if f1 <= 0.0 || s1 <= 0.0 || s2 <= 0.0 {
            sum += 0.5 * (s1 + s2) * (f2 - f1);
            continue;
        }
        let r = (f2 / f1).ln();
        let e = (s2 / s1).ln() / r + 1.0;
        sum += if e.abs() < 1e-10 {
            s1 * f1 * r
        } else {
            s1 * f1 / e * ((e * r).exp() - 1.0)
        };
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::power_law_integral;

    #[test]
    fn power_law_segments_are_exact() {
        // White: S = 2 over [1, 10] -> 18; 1/f: S = 1/f over [1, e^2] -> 2;
        // f^-2: S = 1/f^2 over [1, 4] -> 3/4. Two points suffice for each.
        assert!((power_law_integral(&[1.0, 10.0], &[2.0, 2.0], None) - 18.0).abs() < 1e-12);
        let e2 = 2f64.exp();
        assert!((power_law_integral(&[1.0, e2], &[1.0, 1.0 / e2], None) - 2.0).abs() < 1e-12);
        assert!((power_law_integral(&[1.0, 4.0], &[1.0, 1.0 / 16.0], None) - 0.75).abs() < 1e-12);
        // A zero density falls back to the trapezoid.
        assert_eq!(
            power_law_integral(&[0.0, 1.0, 2.0], &[0.0, 0.0, 2.0], None),
            1.0
        );
        // Referred through the upper end's gain: [1, 10] at gain² 4 -> 18 / 4.
        let g = [1.0, 4.0];
        assert!((power_law_integral(&[1.0, 10.0], &[2.0, 2.0], Some(&g)) - 4.5).abs() < 1e-12);
    }
}

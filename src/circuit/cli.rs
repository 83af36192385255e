//! `spinspice run`: the summary lines it prints (the command itself is wired once the
//! netlist front end is in place).

use super::Stats;
use crate::wave::Waveforms;

/// One summary line of an analysis: points, accepted/rejected steps, Newton iterations,
/// wall time, and any fallback used.
pub fn summary(stats: &Stats) -> String {
    let mut s = format!(
        "{}: {} points, {} accepted / {} rejected steps, {} Newton iterations, {} factorisations, {:.3} s",
        stats.analysis,
        stats.points,
        stats.accepted,
        stats.rejected,
        stats.newton_iters,
        stats.factorizations,
        stats.wall.as_secs_f64()
    );
    for n in &stats.notes {
        s.push_str(&format!("\n  note: {n}"));
    }
    s
}

/// Rising crossings of `threshold` in `values` over `time`, linearly interpolated.
pub fn rising_crossings(time: &[f64], values: &[f64], threshold: f64) -> Vec<f64> {
    let mut out = Vec::new();
    for k in 1..time.len().min(values.len()) {
        let (a, b) = (values[k - 1], values[k]);
        if a < threshold && b >= threshold {
            let f = (threshold - a) / (b - a);
            out.push(time[k - 1] + f * (time[k] - time[k - 1]));
        }
    }
    out
}

/// `spikes <signal>: t1 t2 ...` for each spiking signal found in `w`.
pub fn spike_lines(w: &Waveforms, spikes: &[(String, f64)]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, thr) in spikes {
        if let Some(sig) = w.get(name) {
            let ts = rising_crossings(&w.scale.values, &sig.values, *thr);
            let list: Vec<String> = ts.iter().map(|t| format!("{t:.6e}")).collect();
            out.push(format!("spikes {}: {}", sig.name, list.join(" ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_interpolate() {
        let t = [0.0, 1.0, 2.0, 3.0, 4.0];
        let v = [0.0, 1.0, 0.0, 0.5, 1.5];
        assert_eq!(rising_crossings(&t, &v, 0.5), vec![0.5, 3.0]);
    }
}

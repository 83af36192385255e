//! Monte Carlo over a netlist's random functions (`agauss`, `gauss`, `aunif`, `unif`,
//! `limit`): N instances, each elaborated with its own seed (`seed0`, `seed0 + 1`, ...,
//! replacing `.options seed=`), run through every analysis, and measured with the
//! netlist's `.meas` lines. Instances run in parallel (rayon); a failing instance (no
//! convergence, a measure that finds nothing) is recorded, not fatal.
//!
//! [`summary`] reduces the runs per measure to n, mean, sample standard deviation, min
//! and max, over the runs where the measure has a value.

use super::run::{load, measures, NetlistSource, RunOptions};
use crate::progress::Silent;
use rayon::prelude::*;
use std::path::Path;

/// One Monte Carlo instance.
#[derive(Debug, Clone, PartialEq)]
pub struct McRun {
    pub seed: u64,
    /// Every `.meas` of the netlist, in order: its value or why it failed.
    pub measures: Vec<(String, Result<f64, String>)>,
    /// Why the instance itself failed (elaboration or an analysis), if it did.
    pub error: Option<String>,
}

/// Per-measure statistics over the runs (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct McStat {
    pub name: String,
    pub n: usize,
    pub mean: f64,
    pub sigma: f64,
    pub min: f64,
    pub max: f64,
}

/// Run `n` instances of the netlist `file` with seeds `seed0..seed0 + n`.
pub fn monte_carlo(
    file: &Path,
    opts: &RunOptions,
    n: usize,
    seed0: u64,
) -> crate::Result<Vec<McRun>> {
    // A netlist that does not parse or has no `.meas` fails once, up front.
    let probe = load(NetlistSource::File(file), opts)?;
    if probe.flat.measures.is_empty() {
        return Err(crate::Error::Usage(format!(
            "--monte-carlo: {} has no `.meas` lines, so there is nothing to collect per run",
            file.display()
        )));
    }
    let names: Vec<String> = probe.flat.measures.iter().map(|m| m.name.clone()).collect();
    let runs = (0..n as u64)
        .into_par_iter()
        .map(|k| {
            let seed = seed0 + k;
            let o = RunOptions {
                seed: Some(seed),
                ..opts.clone()
            };
            let one = || -> crate::Result<Vec<(String, Result<f64, String>)>> {
                let loaded = load(NetlistSource::File(file), &o)?;
                let mut c = loaded.circuit()?;
                let results = c.run_all(&mut Silent)?;
                Ok(measures(&c, &results)
                    .into_iter()
                    .map(|(m, out)| (m.name, out.value))
                    .collect())
            };
            match one() {
                Ok(measures) => McRun {
                    seed,
                    measures,
                    error: None,
                },
                Err(e) => McRun {
                    seed,
                    measures: names
                        .iter()
                        .map(|n| (n.clone(), Err("the run failed".to_string())))
                        .collect(),
                    error: Some(e.to_string()),
                },
            }
        })
        .collect();
    Ok(runs)
}

/// Statistics per measure over `runs` (see the module docs).
pub fn summary(runs: &[McRun]) -> Vec<McStat> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    (0..first.measures.len())
        .map(|k| {
            let v: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.measures.get(k).and_then(|m| m.1.as_ref().ok().copied()))
                .collect();
            let n = v.len();
            let mean = v.iter().sum::<f64>() / n.max(1) as f64;
            let var = if n > 1 {
                v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
            } else {
                0.0
            };
            McStat {
                name: first.measures[k].0.clone(),
                n,
                mean: if n == 0 { f64::NAN } else { mean },
                sigma: var.sqrt(),
                min: v.iter().copied().fold(f64::INFINITY, f64::min),
                max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            }
        })
        .collect()
}

/// Write `montecarlo.csv` (one row per instance: `seed`, each measure, `error`),
/// `montecarlo_summary.csv` (`measure,n,mean,sigma,min,max`) and a histogram
/// `montecarlo_<measure>.svg` per measure with values into `dir` (atomically); returns the
/// paths written.
pub fn write_outputs(dir: &Path, runs: &[McRun], stats: &[McStat]) -> crate::Result<Vec<String>> {
    use crate::wave::num::push_roundtrip;
    use crate::wave::write_atomic;
    let mut written = Vec::new();
    let mut csv = String::from("seed");
    for st in stats {
        csv.push(',');
        csv.push_str(&st.name);
    }
    csv.push_str(",error\n");
    for r in runs {
        csv.push_str(&r.seed.to_string());
        for (_, v) in &r.measures {
            csv.push(',');
            match v {
                Ok(x) => push_roundtrip(&mut csv, *x),
                Err(_) => csv.push_str("nan"),
            }
        }
        csv.push(',');
        // One field: the message without commas or line breaks.
        let e = r.error.as_deref().unwrap_or("");
        csv.push_str(&e.replace([',', '\n', '\r'], " "));
        csv.push('\n');
    }
    let p = dir.join("montecarlo.csv");
    write_atomic(&p, csv.as_bytes())?;
    written.push(p.display().to_string());
    let mut sum = String::from("measure,n,mean,sigma,min,max\n");
    for st in stats {
        sum.push_str(&st.name);
        sum.push_str(&format!(",{}", st.n));
        for v in [st.mean, st.sigma, st.min, st.max] {
            sum.push(',');
            push_roundtrip(&mut sum, v);
        }
        sum.push('\n');
    }
    let p = dir.join("montecarlo_summary.csv");
    write_atomic(&p, sum.as_bytes())?;
    written.push(p.display().to_string());
    for (k, st) in stats.iter().enumerate() {
        let v: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.measures.get(k).and_then(|m| m.1.as_ref().ok().copied()))
            .collect();
        if v.is_empty() {
            continue;
        }
        let p = dir.join(format!("montecarlo_{}.svg", st.name));
        crate::wave::svg::write_svg(&p, &histogram(st, &v).to_svg())?;
        written.push(p.display().to_string());
    }
    Ok(written)
}

/// A histogram of `values` as a step line (about √n bins, 5 to 30).
fn histogram(st: &McStat, values: &[f64]) -> crate::wave::svg::Plot {
    use crate::wave::svg::{Panel, Plot, Series};
    let bins = ((values.len() as f64).sqrt().round() as usize).clamp(5, 30);
    let (lo, hi) = (st.min, st.max);
    let w = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    let mut counts = vec![0usize; bins];
    for &x in values {
        let b = (((x - lo) / w) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let (mut x, mut y) = (vec![lo], vec![0.0]);
    for (b, &c) in counts.iter().enumerate() {
        let (a, e) = (lo + b as f64 * w, lo + (b + 1) as f64 * w);
        x.extend([a, e]);
        y.extend([c as f64, c as f64]);
    }
    x.push(lo + bins as f64 * w);
    y.push(0.0);
    Plot {
        title: format!(
            "Monte Carlo: {} (n = {}, mean {:.4e}, sigma {:.3e})",
            st.name, st.n, st.mean, st.sigma
        ),
        x_label: st.name.clone(),
        x_unit: String::new(),
        panels: vec![Panel {
            label: "runs".into(),
            unit: String::new(),
            series: vec![Series {
                name: st.name.clone(),
                x,
                y,
            }],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_mean_and_sample_sigma_over_the_values() {
        let run = |seed, v: Result<f64, String>| McRun {
            seed,
            measures: vec![("x".into(), v)],
            error: None,
        };
        let s = summary(&[run(1, Ok(1.0)), run(2, Ok(3.0)), run(3, Err("no".into()))]);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].n, s[0].mean, s[0].min, s[0].max), (2, 2.0, 1.0, 3.0));
        assert!((s[0].sigma - 2f64.sqrt()).abs() < 1e-15);
    }
}

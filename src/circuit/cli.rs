//! `spinspice run`: parse, elaborate, run every analysis, write the raw file and CSVs, and
//! print a summary per analysis plus the spike times of spiking outputs.

use super::{Circuit, Stats};
use crate::cli::RunArgs;
use crate::error::Error;
use crate::progress::{Progress, Reporter, Silent};
use crate::wave::Waveforms;
use std::path::Path;
use std::time::Duration;

/// `spinspice run FILE [--raw F] [--csv F] [--ascii] [--param N=V ...] [-o DIR] [-q]`.
///
/// Parses and elaborates the netlist, runs every analysis, writes the raw file (every
/// analysis as one plot) and one CSV per analysis (`<stem>.csv`, or `<stem>.<k>.<analysis>.csv`
/// when there are several) into the output directory (`<input stem>.out/` beside the input
/// unless `-o`), unless `--raw`/`--csv` name the files. Prints a summary per analysis and the
/// spike times of every spiking signal on stdout; progress goes to stderr.
pub fn run(a: &RunArgs) -> crate::Result<()> {
    let overrides = a
        .params
        .iter()
        .map(|p| crate::elab::parse_override(p))
        .collect::<crate::Result<Vec<_>>>()?;
    let ast = crate::netlist::parse_file(&a.file)?;
    let flat = crate::elab::elaborate(&ast, &overrides)?;
    if flat.analyses.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no analysis (.op, .dc or .tran) to run",
            a.file.display()
        )));
    }
    let mut circuit = Circuit::from_flat(&flat)?;
    let spikes = circuit.spike_signals();
    let mut silent = Silent;
    let mut reporter = Reporter::stderr(Duration::from_secs(2));
    let progress: &mut dyn Progress = if a.quiet { &mut silent } else { &mut reporter };
    let results = circuit.run_all(progress)?;

    let stem = a
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let dir = match &a.out {
        Some(d) => d.clone(),
        None => a
            .file
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(format!("{stem}.out")),
    };
    let need_dir = a.raw.is_none() || a.csv.is_none();
    if need_dir {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    let plots: Vec<Waveforms> = results.iter().map(|(w, _)| w.clone()).collect();
    let raw = a
        .raw
        .clone()
        .unwrap_or_else(|| dir.join(format!("{stem}.raw")));
    crate::wave::raw::write_raw(&raw, &plots, a.ascii)?;
    let many = results.len() > 1;
    let mut written = vec![raw.display().to_string()];
    for (k, (w, st)) in results.iter().enumerate() {
        let path = match (&a.csv, many) {
            (Some(p), false) => p.clone(),
            (Some(p), true) => {
                let s = p
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                p.with_file_name(format!("{s}.{k}.{}.csv", st.analysis))
            }
            (None, false) => dir.join(format!("{stem}.csv")),
            (None, true) => dir.join(format!("{stem}.{k}.{}.csv", st.analysis)),
        };
        crate::wave::csv::write_csv(&path, w)?;
        written.push(path.display().to_string());
    }
    for (w, st) in &results {
        println!("{}", summary(st));
        if st.analysis == "tran" {
            for line in spike_lines(w, &spikes) {
                println!("{line}");
            }
        }
    }
    println!("wrote {}", written.join(", "));
    Ok(())
}

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

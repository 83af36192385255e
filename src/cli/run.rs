//! `spinspice run`: run every analysis of a netlist, write the raw file and CSVs, and print
//! a summary per analysis plus the spike times of spiking outputs.

use super::args::RunArgs;
use super::progress::Reporter;
use spinspice::circuit::run::{prepare, spike_lines, summary, NetlistSource, RunOptions};
use spinspice::progress::{Progress, Silent};
use spinspice::wave::Waveforms;
use spinspice::Error;
use std::path::Path;
use std::time::Duration;

/// `spinspice run FILE [--raw F] [--csv F] [--ascii] [--param N=V ...] [-o DIR] [-q]`.
///
/// Parses and elaborates the netlist, runs every analysis, writes the raw file (every
/// analysis as one plot) and one CSV per analysis (`<stem>.csv`, or `<stem>.<k>.<analysis>.csv`
/// when there are several) into the output directory (`<input stem>.out/` beside the input
/// unless `-o`), unless `--raw`/`--csv` name the files. Prints a summary per analysis and the
/// spike times of every spiking signal on stdout; progress goes to stderr.
pub fn run(a: &RunArgs) -> spinspice::Result<()> {
    let opts = RunOptions {
        params: a.params.clone(),
    };
    let mut circuit = prepare(NetlistSource::File(&a.file), &opts)?;
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
    spinspice::wave::raw::write_raw(&raw, &plots, a.ascii)?;
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
        spinspice::wave::csv::write_csv(&path, w)?;
        written.push(path.display().to_string());
    }
    // Racetrack neurons get a stacked SVG of their key signals.
    for (w, st) in &results {
        if st.analysis != "tran" {
            continue;
        }
        if let Some(plot) = spinspice::devices::racetrack::plot::neuron_plot(w) {
            std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
            let svg = dir.join(format!("{stem}.svg"));
            spinspice::wave::svg::write_svg(&svg, &plot.to_svg())?;
            written.push(svg.display().to_string());
        }
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

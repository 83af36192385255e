//! `spinspice run`: run every analysis of a netlist, write the raw file and CSVs, and print
//! a summary per analysis plus the spike times of spiking outputs.

use super::args::RunArgs;
use super::progress::Reporter;
use spinspice::circuit::run::{load, measures, spike_lines, summary, NetlistSource, RunOptions};
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
/// unless `-o`). When `--raw`/`--csv` name the files, only those are written (plus the
/// defaults in `-o DIR` when it is given too). Prints a summary per analysis and the
/// spike times of every spiking signal on stdout; progress goes to stderr.
pub fn run(a: &RunArgs) -> spinspice::Result<()> {
    let opts = RunOptions {
        params: a.params.clone(),
        ..RunOptions::default()
    };
    if let Some(n) = a.monte_carlo {
        return monte_carlo(a, &opts, n);
    }
    let mut loaded = load(NetlistSource::File(&a.file), &opts)?;
    for w in &loaded.flat.warnings {
        eprintln!("{w}");
    }
    let mut silent = Silent;
    let mut reporter = Reporter::stderr(Duration::from_secs(2));
    let progress: &mut dyn Progress = if a.quiet { &mut silent } else { &mut reporter };
    // As `ngspice -b`: the control blocks run first, then the dot-analyses (unless the
    // script quits). Files the script writes resolve against the current directory.
    if loaded.has_control() {
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        let io = spinspice::control::Io {
            out: &mut out,
            err: &mut err,
            dir: ".".into(),
        };
        let quit = loaded.run_control(io, &mut *progress)?;
        if quit || loaded.flat.analyses.is_empty() {
            return Ok(());
        }
    }
    let mut circuit = loaded.circuit()?;
    let spikes = circuit.spike_signals();
    let results = circuit.run_all(progress)?;

    let (stem, dir) = output_dir(a);
    // Default outputs go to the directory unless --raw/--csv name the outputs (then only
    // those are written, and no `FILE.out/` appears beside ngspice's `FILE.out` logs),
    // or -o names the directory.
    let defaults = a.out.is_some() || (a.raw.is_none() && a.csv.is_none());
    if defaults {
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    let plots: Vec<Waveforms> = results.iter().map(|(w, _)| w.clone()).collect();
    let raw = match &a.raw {
        Some(r) => Some(r.clone()),
        None => defaults.then(|| dir.join(format!("{stem}.raw"))),
    };
    let mut written = Vec::new();
    if let Some(raw) = raw {
        spinspice::wave::raw::write_raw(&raw, &plots, a.ascii)?;
        written.push(raw.display().to_string());
    }
    let many = results.len() > 1;
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
            (None, _) if !defaults => continue,
            (None, false) => dir.join(format!("{stem}.csv")),
            (None, true) => dir.join(format!("{stem}.{k}.{}.csv", st.analysis)),
        };
        spinspice::wave::csv::write_csv(&path, w)?;
        written.push(path.display().to_string());
    }
    let meas = measures(&circuit, &results);
    if defaults && !meas.is_empty() {
        let mut csv = String::from("name,value\n");
        for (_, o) in &meas {
            let v = o
                .value
                .as_ref()
                .map_or("nan".to_string(), |v| format!("{v:e}"));
            csv.push_str(&format!("{},{v}\n", o.name));
        }
        let path = dir.join("measures.csv");
        spinspice::wave::write_atomic(&path, csv.as_bytes())?;
        written.push(path.display().to_string());
    }
    if defaults {
        let path = dir.join("summary.json");
        let json = run_json(&results, &meas);
        spinspice::wave::write_atomic(&path, json.as_bytes())?;
        written.push(path.display().to_string());
    }
    // Racetrack neurons get a stacked SVG of their key signals.
    for (w, st) in &results {
        if st.analysis != "tran" || !defaults {
            continue;
        }
        if let Some(plot) = spinspice::devices::racetrack::plot::neuron_plot(w) {
            let svg = dir.join(format!("{stem}.svg"));
            spinspice::wave::svg::write_svg(&svg, &plot.to_svg())?;
            written.push(svg.display().to_string());
        }
    }
    // Small-signal results get a Bode plot or a noise spectrum.
    for (k, (w, st)) in results.iter().enumerate() {
        if !defaults {
            break;
        }
        if let Some(plot) = spinspice::wave::svg::Plot::small_signal(w) {
            let svg = dir.join(format!("{stem}.{k}.{}.svg", st.analysis));
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
    for (m, o) in &meas {
        println!("{}", o.line(m));
    }
    println!("wrote {}", written.join(", "));
    Ok(())
}

/// `summary.json`: per analysis its statistics, and every measure (`null` when it failed,
/// with the reason under `"failed"`).
/// The input's stem and the output directory: `-o DIR`, or `<stem>.out/` beside the input.
fn output_dir(a: &RunArgs) -> (String, std::path::PathBuf) {
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
    (stem, dir)
}

/// `run FILE --monte-carlo N [--seed S]`: N seeded instances; the per-run values, their
/// statistics and histograms go to the output directory, the statistics to stdout.
fn monte_carlo(a: &RunArgs, opts: &RunOptions, n: usize) -> spinspice::Result<()> {
    use spinspice::circuit::montecarlo;
    if n == 0 {
        return Err(Error::Usage("--monte-carlo needs at least one run".into()));
    }
    if !a.quiet {
        eprintln!(
            "monte carlo: {n} runs, seeds {}..{}",
            a.seed,
            a.seed + n as u64 - 1
        );
    }
    let runs = montecarlo::monte_carlo(&a.file, opts, n, a.seed)?;
    let stats = montecarlo::summary(&runs);
    let (_, dir) = output_dir(a);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let written = montecarlo::write_outputs(&dir, &runs, &stats)?;
    let failed = runs.iter().filter(|r| r.error.is_some()).count();
    println!(
        "monte carlo: {n} runs ({failed} failed), seeds from {}",
        a.seed
    );
    for st in &stats {
        println!(
            "{}: n = {}, mean = {:e}, sigma = {:e}, min = {:e}, max = {:e}",
            st.name, st.n, st.mean, st.sigma, st.min, st.max
        );
    }
    if let Some(r) = runs.iter().find(|r| r.error.is_some()) {
        eprintln!(
            "first failed run (seed {}): {}",
            r.seed,
            r.error.as_deref().unwrap_or("")
        );
    }
    if !a.quiet {
        eprintln!("wrote {}", written.join(", "));
    }
    Ok(())
}

fn run_json(
    results: &[(Waveforms, spinspice::circuit::Stats)],
    meas: &[(
        spinspice::wave::meas::Measure,
        spinspice::wave::meas::Outcome,
    )],
) -> String {
    use serde_json::{json, Map, Value};
    let analyses: Vec<Value> = results
        .iter()
        .map(|(_, st)| {
            json!({
                "analysis": st.analysis,
                "points": st.points,
                "accepted_steps": st.accepted,
                "rejected_steps": st.rejected,
                "newton_iterations": st.newton_iters,
                "wall_s": st.wall.as_secs_f64(),
                "notes": st.notes,
            })
        })
        .collect();
    let mut values = Map::new();
    let mut failed = Map::new();
    for (_, o) in meas {
        match &o.value {
            Ok(v) if v.is_finite() => {
                values.insert(o.name.clone(), json!(v));
            }
            Ok(_) => {
                values.insert(o.name.clone(), Value::Null);
            }
            Err(e) => {
                values.insert(o.name.clone(), Value::Null);
                failed.insert(o.name.clone(), json!(e));
            }
        }
    }
    let doc = json!({ "analyses": analyses, "measures": values, "failed": failed });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

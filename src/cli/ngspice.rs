//! `spinspice [-b] [-r FILE.raw] [-o LOG] FILE.cir`: the command line of `ngspice -b`, so
//! that scripts and makefiles written for ngspice run spinspice unchanged.
//!
//! As ngspice in batch mode: every analysis of the netlist runs; `-r` writes them all into
//! one binary raw file (`--ascii` for ASCII); nothing else is written (no `FILE.out/`);
//! what would go to the terminal goes to `-o LOG` instead when given (errors too, and also
//! to stderr). `-b` is optional (spinspice has no interactive mode); `-n` (no
//! `.spiceinit`) and `-a` (autorun) are accepted and change nothing.

use super::progress::Reporter;
use clap::Parser;
use spinspice::circuit::run::{load, measures, spike_lines, summary, NetlistSource, RunOptions};
use spinspice::wave::Waveforms;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// The subcommands: an argument list starting with one of these is not ngspice style.
const SUBCOMMANDS: &[&str] = &[
    "run", "check", "mag", "fit", "train", "eval", "crossbar", "params", "data", "help",
];

#[derive(Debug, Parser)]
#[command(
    name = "spinspice",
    about = "ngspice-compatible batch mode: spinspice [-b] [-r FILE.raw] [-o LOG] FILE.cir",
    disable_version_flag = true
)]
pub struct NgspiceArgs {
    /// Batch mode (the only mode spinspice has; accepted for ngspice's command lines).
    #[arg(short = 'b', long = "batch")]
    pub batch: bool,
    /// Write every analysis into this raw file (binary, as ngspice).
    #[arg(short = 'r', long = "rawfile", value_name = "FILE.raw")]
    pub raw: Option<PathBuf>,
    /// Write what would be printed (and errors) to this log file.
    #[arg(short = 'o', long = "output", value_name = "LOG")]
    pub log: Option<PathBuf>,
    /// Accepted for ngspice's command lines (spinspice reads no `.spiceinit`).
    #[arg(short = 'n', long = "no-spiceinit")]
    pub no_spiceinit: bool,
    /// Accepted for ngspice's command lines (batch runs always run).
    #[arg(short = 'a', long = "autorun")]
    pub autorun: bool,
    /// Write the raw file as ASCII (ngspice: `set filetype=ascii`).
    #[arg(long)]
    pub ascii: bool,
    /// The netlist.
    pub file: PathBuf,
}

/// Is this argument list (program name first) an ngspice-style command line? It is when the
/// first argument is neither a subcommand nor `-h`/`--help`/`-V`/`--version`.
pub fn wants(args: &[OsString]) -> bool {
    let Some(first) = args.get(1).and_then(|a| a.to_str()) else {
        return args.len() > 1;
    };
    !(SUBCOMMANDS.contains(&first) || matches!(first, "-h" | "--help" | "-V" | "--version"))
}

/// Run an ngspice-style command line; returns the exit code.
pub fn main(args: Vec<OsString>) -> i32 {
    let a = NgspiceArgs::parse_from(args);
    let mut out = String::new();
    let result = run(&a, &mut out);
    let code = match &result {
        Ok(()) => 0,
        Err(e) => {
            out.push_str(&format!("{e}\n"));
            eprintln!("{e}");
            e.exit_code()
        }
    };
    match &a.log {
        Some(log) => {
            if let Err(e) = spinspice::wave::write_atomic(log, out.as_bytes()) {
                eprintln!("{e}");
                return 3;
            }
        }
        None if result.is_ok() => print!("{out}"),
        None => {}
    }
    code
}

fn run(a: &NgspiceArgs, out: &mut String) -> spinspice::Result<()> {
    let opts = RunOptions {
        allow_no_analysis: true,
        ..RunOptions::default()
    };
    let mut loaded = load(NetlistSource::File(&a.file), &opts)?;
    for w in &loaded.flat.warnings {
        eprintln!("{w}");
    }
    let mut reporter = Reporter::stderr(Duration::from_secs(2));
    // As ngspice -b: the control blocks run first (their output goes where the rest goes),
    // then the dot-analyses, unless the script quits.
    if loaded.has_control() {
        let mut buf: Vec<u8> = Vec::new();
        let mut err = std::io::stderr();
        let io = spinspice::control::Io {
            out: &mut buf,
            err: &mut err,
            dir: ".".into(),
        };
        let r = loaded.run_control(io, &mut reporter);
        out.push_str(&String::from_utf8_lossy(&buf));
        if r? || loaded.flat.analyses.is_empty() {
            return Ok(());
        }
    }
    let mut circuit = loaded.circuit()?;
    let spikes = circuit.spike_signals();
    let results = circuit.run_all(&mut reporter)?;
    if results.is_empty() {
        // As ngspice: nothing to simulate is not an error.
        out.push_str("note: no analysis in the netlist: nothing simulated\n");
    }
    if let Some(raw) = a.raw.as_ref().filter(|_| !results.is_empty()) {
        let plots: Vec<Waveforms> = results.iter().map(|(w, _)| w.clone()).collect();
        spinspice::wave::raw::write_raw(raw, &plots, a.ascii)?;
    }
    for (w, st) in &results {
        out.push_str(&summary(st));
        out.push('\n');
        if st.analysis == "tran" {
            for line in spike_lines(w, &spikes) {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    for (m, o) in measures(&circuit, &results) {
        out.push_str(&o.line(&m));
        out.push('\n');
    }
    if let Some(raw) = a.raw.as_ref().filter(|_| !results.is_empty()) {
        out.push_str(&format!("wrote {}\n", raw.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    #[test]
    fn ngspice_style_lines_are_told_apart_from_subcommands() {
        assert!(wants(&os(&["spinspice", "-b", "x.cir"])));
        assert!(wants(&os(&["spinspice", "x.cir"])));
        assert!(wants(&os(&["spinspice", "-r", "x.raw", "x.cir"])));
        assert!(!wants(&os(&["spinspice", "run", "x.cir"])));
        assert!(!wants(&os(&["spinspice", "--help"])));
        assert!(!wants(&os(&["spinspice"])));
    }

    #[test]
    fn flags_parse_as_ngspice_spells_them() {
        let a = NgspiceArgs::parse_from(os(&[
            "spinspice",
            "-b",
            "-r",
            "o.raw",
            "-o",
            "o.log",
            "in.cir",
        ]));
        assert!(a.batch);
        assert_eq!(a.raw.as_deref(), Some(std::path::Path::new("o.raw")));
        assert_eq!(a.log.as_deref(), Some(std::path::Path::new("o.log")));
        assert_eq!(a.file, PathBuf::from("in.cir"));
    }
}

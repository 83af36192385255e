//! A small real subset of ngspice's own test suite and examples, run by default: each
//! netlist in tests/compat/ngspice/ (copied unchanged, licence in NOTICE there) runs in
//! spinspice, and every vector ngspice 39 wrote for it (NAME.raw beside it, made by
//! generate.sh there) must match within the suite's tolerances (`wave::compare`: op/dc
//! within 1e-6 V + 1e-4 relative, transients within 0.1 % of swing or by crossing times).
//! Netlists with `.control` blocks run them first, as `ngspice -b` does.
//! The whole suite is tests/compat/ngspice-suite.sh.

use spinspice::circuit::run::{load, NetlistSource, RunOptions};
use spinspice::wave::compare::{compare_runs, Tolerance};
use spinspice::wave::raw::read_raw;
use std::path::{Path, PathBuf};

fn netlists() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from("tests/compat/ngspice")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("cir" | "sp")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// As `spinspice -b`: the `.control` blocks first (files they write go to a scratch
/// folder), then the dot-analyses unless the script quits; the plots ngspice's `-r` writes.
fn run(net: &Path) -> spinspice::Result<Vec<spinspice::wave::Waveforms>> {
    let mut loaded = load(NetlistSource::File(net), &RunOptions::default())?;
    if loaded.has_control() {
        let scratch = tempfile::tempdir().unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let io = spinspice::control::Io {
            out: &mut out,
            err: &mut err,
            dir: scratch.path().to_path_buf(),
        };
        if loaded.run_control(io, &mut spinspice::progress::Silent)? {
            return Ok(Vec::new());
        }
    }
    let r = loaded
        .circuit()?
        .run_all(&mut spinspice::progress::Silent)?;
    Ok(r.into_iter().map(|(w, _)| w).collect())
}

#[test]
fn ngspice_subset_matches_ngspice() {
    let list = netlists();
    assert!(list.len() >= 6, "{list:?}");
    let mut failures = Vec::new();
    for net in &list {
        let reference = read_raw(&net.with_extension("raw")).unwrap();
        let ours = match run(net) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}: {e}", net.display()));
                continue;
            }
        };
        let d = compare_runs(&reference, &ours, &Tolerance::default());
        let compared: usize = d.plots.iter().map(|p| p.vectors.len()).sum();
        if !d.ok() || compared == 0 {
            failures.push(format!(
                "{}: {} ({compared} vectors)",
                net.display(),
                d.reason()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

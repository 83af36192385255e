//! `spinspice mag` end to end: outputs of a tiny problem, and the exact error for bad input.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spinspice"))
}

const TINY: &str = r#"title = "tiny"
[mesh]
n = [8, 4, 1]
cell = [5e-9, 5e-9, 3e-9]
[material.py]
ms = 8e5
a = 1.3e-11
alpha = 0.5
[initial]
type = "uniform"
m = [1.0, 1.0, 0.0]
[excitation]
field = [0.0, 0.0, 0.1]
[output]
observables = ["energy", "q"]
[[stage]]
kind = "run"
duration = 2e-11
table_dt = 1e-11
ovf_every = 1
"#;

#[test]
fn mag_writes_table_ovf_svg_and_log() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tiny.toml");
    std::fs::write(&p, TINY).unwrap();
    let out = dir.path().join("o");
    let r = bin()
        .args(["mag", p.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(
        err.starts_with("spinspice mag: tiny (8 x 4 x 1 cells)"),
        "{err}"
    );
    let table = std::fs::read_to_string(out.join("table.csv")).unwrap();
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap(),
        "t,mx,my,mz,E_total,E_exchange,E_demag,E_zeeman,Q"
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][0], 0.0);
    assert!((rows[2][0] - 2e-11).abs() < 1e-24);
    // Initial state (1, 1, 0)/sqrt(2) exactly at t = 0.
    assert!((rows[0][1] - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
    // Zeeman energy at t = 0: -Ms B . m V = 0 for m in the plane.
    assert!(rows[0][7].abs() < 1e-30);
    // OVF at t = 0, after each row but the last, and the final state: m000000..m000002.
    for k in 0..3 {
        assert!(out.join(format!("m{k:06}.ovf")).exists(), "m{k:06}.ovf");
    }
    let f = spinspice::wave::ovf::OvfField::read(&out.join("m000000.ovf")).unwrap();
    assert_eq!(f.nodes, [8, 4, 1]);
    assert!((f.get(3, 2, 0, 0) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-7);
    for name in ["mz.svg", "units.txt", "problem.log", "references.bib"] {
        assert!(out.join(name).exists(), "{name}");
    }
}

#[test]
fn bad_problem_is_a_located_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, TINY.replace("alpha = 0.5", "alpha = 0.5\nAex = 1e-11")).unwrap();
    let r = bin().args(["mag", p.to_str().unwrap()]).output().unwrap();
    assert_eq!(r.status.code(), Some(1));
    let err = String::from_utf8_lossy(&r.stderr);
    let want = format!("{}:9:1: error: unknown field `Aex`", p.display());
    assert!(err.starts_with(&want), "{err}");
    assert!(err.contains("9 | Aex = 1e-11"), "{err}");
    assert!(!dir.path().join("bad.out").exists());

    let r = bin()
        .args(["mag", dir.path().join("missing.toml").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(3));
}

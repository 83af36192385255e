//! `spinspice run` end to end: summary on stdout, raw file and CSV in the output directory,
//! errors with their exit codes.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spinspice"))
}

#[test]
fn run_writes_raw_and_csv_and_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("rc.cir");
    std::fs::write(
        &net,
        "rc low-pass\nv1 in 0 pulse(0 1 1n 0.1n 0.1n 4n 10n)\nr1 in out 1k\nc1 out 0 1p\n.op\n.tran 0.1n 10n\n.end\n",
    )
    .unwrap();
    let out = bin()
        .arg("run")
        .arg(&net)
        .arg("-q")
        .arg("-o")
        .arg(dir.path().join("res"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("op: 1 points"), "{stdout}");
    assert!(stdout.contains("tran: "), "{stdout}");
    assert!(stdout.contains("Newton iterations"), "{stdout}");
    // -q: nothing on stderr.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let res = dir.path().join("res");
    let raw = std::fs::read(res.join("rc.raw")).unwrap();
    assert!(raw.starts_with(b"Title: rc low-pass"));
    let csv = std::fs::read_to_string(res.join("rc.1.tran.csv")).unwrap();
    assert!(
        csv.starts_with("time,v(in),v(out),i(v1)\n"),
        "{}",
        &csv[..60]
    );
    // The last row is at tstop, where v(out) has decayed from ~1 V for 5 ns (tau = 1 ns).
    let last = csv.lines().last().unwrap();
    let cols: Vec<f64> = last.split(',').map(|x| x.parse().unwrap()).collect();
    assert!((cols[0] - 10e-9).abs() < 1e-18);
    assert!(cols[2] > 0.0 && cols[2] < 0.02, "{last}");
}

#[test]
fn run_reports_bad_input_and_floating_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("bad.cir");
    std::fs::write(&net, "bad\nv1 a 0 1\nr1 a 0 1k tc3=1m\n.op\n").unwrap();
    let out = bin().arg("run").arg(&net).arg("-q").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown parameter `tc3` for `r1`"), "{err}");
    let net = dir.path().join("float.cir");
    std::fs::write(&net, "float\nv1 a 0 1\nc1 a b 1p\n.op\n").unwrap();
    let out = bin().arg("run").arg(&net).arg("-q").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("singular matrix at the operating point: no pivot for v(b) (attached to c1)"),
        "{err}"
    );
}

//! `spinspice check`: summary on success, rendered diagnostic and exit code 1 on error.

use std::process::Command;

fn check(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("check")
        .args(args)
        .output()
        .expect("runs the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_prints_a_summary() {
    let (code, out, _) = check(&["tests/netlists/check_rc.cir", "--param", "rval=2k"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "title: RC low-pass for `spinspice check`\nnodes: 2 (plus ground)\n\
         elements: 3 (C: 1, R: 1, V: 1)\nanalyses: .tran 1e-8 2e-5\n"
    );
}

#[test]
fn check_reports_errors_with_exit_code_1() {
    let (code, out, err) = check(&["tests/bad_netlists/09_unknown_subckt.cir"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    let expected = std::fs::read_to_string("tests/bad_netlists/09_unknown_subckt.expected")
        .expect("expected file");
    assert_eq!(err.trim_end(), expected.trim_end());
    let (code, _, err) = check(&["tests/netlists/check_rc.cir", "--param", "nope=1"]);
    assert_eq!(code, 1);
    assert!(err.contains("no top-level `.param nope`"), "{err}");
    let (code, _, err) = check(&["tests/netlists/no_such_file.cir"]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read netlist"), "{err}");
}

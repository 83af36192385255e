//! The command line of `ngspice -b`: `spinspice -b -r FILE.raw -o LOG FILE.cir` runs every
//! analysis, writes the raw file and the log, and nothing else; `spinspice run --raw`
//! writes only the named file (no `FILE.out/` beside ngspice's `FILE.out` logs); ignored
//! options are warnings on stderr, not errors.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spinspice"))
}

const RC: &str = "rc low-pass\n.options nopage post=2 foo=1\n.width out=80\n\
    v1 in 0 pulse(0 1 1n 0.1n 0.1n 4n 10n)\nr1 in out 1k\nc1 out 0 1\u{b5}\n.op\n\
    .tran 0.1n 10n\n.print tran v(out) {i(v1)-1.0}\n.meas tran vmax MAX v(out)\n.end\n";

#[test]
fn batch_mode_writes_the_raw_file_and_the_log_only() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("rc.cir");
    std::fs::write(&net, RC).unwrap();
    // ngspice users keep `FILE.out` logs; it must not collide with anything we write.
    let out = bin()
        .current_dir(dir.path())
        .args(["-b", "-r", "rc.raw", "-o", "rc.out", "rc.cir"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let plots = spinspice::wave::raw::read_raw(&dir.path().join("rc.raw")).unwrap();
    assert_eq!(plots.len(), 2);
    assert_eq!(plots[1].plotname, "Transient Analysis");
    let log = std::fs::read_to_string(dir.path().join("rc.out")).unwrap();
    assert!(log.contains("tran: "), "{log}");
    assert!(log.contains("vmax                ="), "{log}");
    // 1 uF (written with the micro sign) and 1k: tau = 1 ms, so v(out) barely moves.
    let vmax: f64 = log
        .lines()
        .find(|l| l.starts_with("vmax"))
        .and_then(|l| l.split('=').nth(1))
        .and_then(|v| v.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(vmax > 0.0 && vmax < 1e-5, "{vmax}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["rc.cir", "rc.out", "rc.raw"]);
    // What spinspice accepts but does not act on is a warning with file:line:col.
    assert!(
        stderr.contains("rc.cir:2:10: warning: option `nopage` ignored"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown option `foo` ignored"), "{stderr}");
    assert!(
        stderr.contains("rc.cir:3:1: warning: `.width` ignored"),
        "{stderr}"
    );
}

#[test]
fn errors_go_to_the_log_and_stderr_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.cir"),
        "t\nr1 a 0 1k\nq1 a b c qmod\n.op\n.end\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["-b", "-o", "bad.log", "bad.cir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.cir:3:1: error:"), "{stderr}");
    let log = std::fs::read_to_string(dir.path().join("bad.log")).unwrap();
    assert!(log.contains("bad.cir:3:1: error:"), "{log}");
}

#[test]
fn run_with_raw_writes_only_that_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rc.cir"), RC).unwrap();
    std::fs::write(dir.path().join("rc.out"), "an ngspice log\n").unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["run", "rc.cir", "--raw", "x.raw", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("x.raw").is_file());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("rc.out")).unwrap(),
        "an ngspice log\n"
    );
}

#[test]
fn a_netlist_without_analyses_runs_nothing_and_succeeds_as_in_ngspice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lib.cir"),
        "just a divider\nr1 a 0 1k\nr2 a b 1k\n.end\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["-b", "-r", "lib.raw", "lib.cir"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("no analysis"));
    // Nothing simulated, nothing written (ngspice writes no raw file either).
    assert!(!dir.path().join("lib.raw").exists());
    // `spinspice run` still says that there is nothing to run.
    let out = bin()
        .current_dir(dir.path())
        .args(["run", "lib.cir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn what_a_control_block_alters_stays_for_the_dot_analyses_after_it() {
    // ngspice 39 (`ngspice -b -r alt.raw alt.cir`) writes v(2) = 0, 0.125, 0.25 for the
    // sweep after the block: R1 is 3k by then, not the netlist's 1k.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("alt.cir"),
        "alter persists\nR1 1 2 1k\nR2 2 0 1k\nVDD 1 0 DC 1\n.dc VDD 0 1 0.5\n\
         .control\nalter r1 3k\n.endc\n.end\n",
    )
    .unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["-b", "-r", "alt.raw", "alt.cir"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plots = spinspice::wave::raw::read_raw(&dir.path().join("alt.raw")).unwrap();
    let v2 = &plots.last().unwrap().get("v(2)").unwrap().values;
    for (got, want) in v2.iter().zip([0.0, 0.125, 0.25]) {
        assert!((got - want).abs() < 1e-9, "{v2:?}");
    }
}

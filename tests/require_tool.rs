//! The helper every tool-dependent test goes through (`tests/common/tools.rs`): a missing
//! tool fails the test under `CI=true` with a message naming it and its install command,
//! and outside CI is a skip reported on stderr and counted in the skip log.

mod common;

use common::tools::{decide, require_tool, Decision};
use std::ffi::OsStr;
use std::process::Command;

/// A tool that is there runs, CI or not.
#[test]
fn present_tool_runs() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    assert_eq!(decide("sh", &path, true), Decision::Run);
    assert_eq!(decide("sh", &path, false), Decision::Run);
}

#[test]
fn missing_tool_fails_under_ci_and_skips_outside() {
    let empty = tempfile::tempdir().unwrap();
    let path = empty.path().as_os_str();
    match decide("ngspice", path, true) {
        Decision::Fail(m) => {
            assert!(m.contains("`ngspice` is not on PATH"), "{m}");
            assert!(m.contains("apt-get install -y ngspice"), "{m}");
            assert!(m.contains("CI=true"), "{m}");
        }
        d => panic!("expected a failure under CI, got {d:?}"),
    }
    match decide("xmllint", path, false) {
        Decision::Skip(m) => assert!(m.contains("apt-get install -y libxml2-utils"), "{m}"),
        d => panic!("expected a skip outside CI, got {d:?}"),
    }
}

/// moreutils ships another program called `parallel`: it does not count as GNU parallel.
#[test]
fn impostor_with_the_same_name_is_missing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("parallel");
    std::fs::write(&fake, "#!/bin/sh\necho 'parallel from moreutils'\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    match decide("parallel", dir.path().as_os_str(), true) {
        Decision::Fail(m) => assert!(m.contains("is not the expected tool"), "{m}"),
        d => panic!("expected a failure, got {d:?}"),
    }
}

#[test]
fn unknown_tool_is_a_test_bug() {
    assert!(matches!(
        decide("no-such-tool", OsStr::new(""), false),
        Decision::Fail(_)
    ));
}

/// Run by the two process-level tests below in a child process with a stripped PATH
/// (`SPINSPICE_REQUIRE_PROBE` names the tool); in the normal run it checks that a present
/// tool is reported present.
#[test]
fn probe_child() {
    if let Some(tool) = std::env::var_os("SPINSPICE_REQUIRE_PROBE") {
        if !require_tool(&tool.to_string_lossy()) {
            return;
        }
        panic!("the probe found a tool that should have been stripped from PATH");
    }
    assert!(require_tool("sh"));
}

/// This test binary again, running only `probe_child` for `tool` with an empty PATH.
fn run_probe(tool: &str, ci: bool, log: &std::path::Path) -> std::process::Output {
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "probe_child", "--nocapture"])
        .env("PATH", empty.path())
        .env("SPINSPICE_REQUIRE_PROBE", tool)
        .env("SPINSPICE_SKIP_LOG", log);
    if ci {
        cmd.env("CI", "true");
    } else {
        cmd.env_remove("CI");
    }
    cmd.output().unwrap()
}

#[test]
fn stripped_path_under_ci_fails_with_the_message() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("skips.log");
    let o = run_probe("ngspice", true, &log);
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!o.status.success(), "the probe passed under CI:\n{out}");
    assert!(
        out.contains("required tool missing under CI=true: `ngspice` is not on PATH"),
        "{out}"
    );
    assert!(out.contains("apt-get install -y ngspice"), "{out}");
    assert!(!log.exists(), "a failure must not be counted as a skip");
}

#[test]
fn stripped_path_outside_ci_reports_and_counts_a_skip() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("skips.log");
    let o = run_probe("ngspice", false, &log);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "the probe failed outside CI:\n{err}");
    assert!(
        err.contains("note: probe_child: skipped: `ngspice` is not on PATH"),
        "{err}"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), 1, "{logged}");
    assert!(logged.starts_with("probe_child: skipped:"), "{logged}");
}

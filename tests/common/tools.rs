//! External tools the tests need (ngspice, GNU parallel, xmllint): one place that decides
//! what a test does when one is missing. Integration tests reach it as `common::tools`, the
//! library's unit tests through `#[path = ".../tests/common/tools.rs"]`.
//!
//! - Under `CI=true` (set by `.ci/run`) a missing tool fails the test, with a message naming
//!   the tool and the command that installs it: a CI run must never be green because a check
//!   did not run.
//! - Elsewhere the test skips: one line on stderr (written past the test harness's output
//!   capture, so it shows for passing tests too), and one line appended to the skip log
//!   (`$SPINSPICE_SKIP_LOG`, which `.ci/run` sets and sums up after `cargo test`; without it,
//!   `target/tmp/test-skips.log`).

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tool some test needs: how to recognise it and how to install it.
struct Tool {
    name: &'static str,
    /// Arguments that make it print its version, and a piece of text that output must hold
    /// (tells GNU parallel from moreutils' `parallel`, which has the same name).
    version_args: &'static [&'static str],
    banner: &'static str,
    install: &'static str,
}

const TOOLS: &[Tool] = &[
    Tool {
        name: "ngspice",
        version_args: &["--version"],
        banner: "ngspice",
        install: "apt-get install -y ngspice",
    },
    Tool {
        name: "parallel",
        version_args: &["--version"],
        banner: "GNU parallel",
        install: "apt-get install -y parallel",
    },
    Tool {
        name: "xmllint",
        version_args: &["--version"],
        banner: "libxml",
        install: "apt-get install -y libxml2-utils",
    },
    // Always present on the machines we run on; lets the helper's own tests check the
    // "present" path without depending on the optional tools.
    Tool {
        name: "sh",
        version_args: &["-c", "echo sh"],
        banner: "sh",
        install: "apt-get install -y dash",
    },
];

/// What the helper decided for one tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The tool is there and answered its version probe: run the test.
    Run,
    /// Missing outside CI: skip, with this reason.
    Skip(String),
    /// Missing under CI: fail, with this message.
    Fail(String),
}

/// The first executable file called `name` in the directories of `path` (a `PATH` value).
fn find_on_path(name: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Decide for `tool` given a `PATH` value and whether this is a CI run. Pure apart from
/// running the found executable's version probe; `require_tool` is this plus the
/// environment, the stderr line and the skip log.
pub fn decide(tool: &str, path: &OsStr, ci: bool) -> Decision {
    let Some(t) = TOOLS.iter().find(|t| t.name == tool) else {
        // A test asking for a tool nobody listed is a bug in the test, not a skip.
        return Decision::Fail(format!(
            "require_tool: `{tool}` is not in the list of known tools (tests/common/tools.rs)"
        ));
    };
    let problem = match find_on_path(t.name, path) {
        None => format!("`{}` is not on PATH", t.name),
        Some(exe) => match Command::new(&exe).args(t.version_args).output() {
            Ok(o) => {
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
                if text.contains(t.banner) {
                    return Decision::Run;
                }
                format!(
                    "`{}` at {} is not the expected tool (its version output lacks {:?})",
                    t.name,
                    exe.display(),
                    t.banner
                )
            }
            Err(e) => format!("`{}` at {} does not run: {e}", t.name, exe.display()),
        },
    };
    if ci {
        Decision::Fail(format!(
            "required tool missing under CI=true: {problem}; install it with `{}` \
             (.ci/run does this)",
            t.install
        ))
    } else {
        Decision::Skip(format!("{problem} (install it with `{}`)", t.install))
    }
}

/// Where skips are logged: `$SPINSPICE_SKIP_LOG`, else `target/tmp/test-skips.log`.
#[allow(dead_code)]
pub fn skip_log() -> PathBuf {
    match std::env::var_os("SPINSPICE_SKIP_LOG") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        // Cargo sets CARGO_TARGET_TMPDIR for integration tests only; the library's unit
        // tests include this file too (`#[path]`) and fall back to target/tmp.
        _ => match option_env!("CARGO_TARGET_TMPDIR") {
            Some(d) => PathBuf::from(d),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp"),
        }
        .join("test-skips.log"),
    }
}

fn is_ci() -> bool {
    std::env::var("CI")
        .map(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
        .unwrap_or(false)
}

/// The name of the running test (libtest names its threads after the test).
fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_string()
}

/// `true` when `tool` is installed and the test should go on. A missing tool fails the test
/// under `CI=true` and otherwise returns `false` after reporting the skip; callers `return`
/// on `false`.
pub fn require_tool(tool: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    match decide(tool, &path, is_ci()) {
        Decision::Run => true,
        Decision::Fail(msg) => panic!("{msg}"),
        Decision::Skip(reason) => {
            let line = format!("{}: skipped: {reason}", test_name());
            // Past the harness's capture of eprintln!, so it shows for a passing test.
            let _ = writeln!(std::io::stderr(), "note: {line}");
            let log = skip_log();
            if let Some(dir) = log.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                // One write per line: O_APPEND keeps parallel tests' lines whole.
                .and_then(|mut f| f.write_all(format!("{line}\n").as_bytes()));
            if let Err(e) = appended {
                let _ = writeln!(
                    std::io::stderr(),
                    "note: could not log the skip to {}: {e}",
                    log.display()
                );
            }
            false
        }
    }
}

//! CPU time of this process and of a child command, from `/proc` (Linux), for benchmarks
//! on a shared machine: wall time counts the time other processes hold the cores, CPU time
//! does not. Both are reported; CPU time is the steadier figure under load.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Clock ticks per second of `/proc/*/stat` (`sysconf(_SC_CLK_TCK)`, 100 on Linux).
const TICKS: f64 = 100.0;

/// Fields of a `/proc/<pid>/stat` line after the command name (which may hold spaces).
fn stat_fields(text: &str) -> Vec<u64> {
    let rest = text.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    rest.split_whitespace()
        .map(|w| w.parse().unwrap_or(0))
        .collect()
}

/// User + system CPU seconds of this process so far (every thread).
pub fn self_cpu() -> f64 {
    let text = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let f = stat_fields(&text);
    // After the name: state is index 0, utime 11, stime 12 (fields 14 and 15 of proc(5)).
    if f.len() > 12 {
        (f[11] + f[12]) as f64 / TICKS
    } else {
        f64::NAN
    }
}

/// CPU seconds of this process so far at nanosecond resolution: the sum over its threads of
/// the on-CPU time in `/proc/self/task/*/schedstat` (Linux). For timing short loops, where
/// [`self_cpu`]'s 10 ms ticks are too coarse. `None` where schedstat is unavailable.
pub fn threads_cpu() -> Option<f64> {
    let mut s = 0.0;
    for e in std::fs::read_dir("/proc/self/task").ok()? {
        let p = e.ok()?.path().join("schedstat");
        if let Ok(t) = std::fs::read_to_string(p) {
            s += t.split_whitespace().next()?.parse::<f64>().ok()?;
        }
    }
    Some(s * 1e-9)
}

/// Run `program args...` with its output discarded, through a shell that reports the CPU
/// time of its waited-for children (`cutime + cstime`). Returns (wall, CPU seconds) and
/// whether it succeeded; `None` when it could not be started or was killed at `timeout`.
pub fn child_cpu(
    program: &str,
    args: &[&Path],
    timeout: Duration,
) -> Option<(Duration, f64, bool)> {
    let quoted: Vec<String> = args
        .iter()
        .map(|a| format!("'{}'", a.display().to_string().replace('\'', "'\\''")))
        .collect();
    let script = format!(
        "timeout {} {program} {} >/dev/null 2>&1; rc=$?; cat /proc/$$/stat; exit $rc",
        timeout.as_secs().max(1),
        quoted.join(" ")
    );
    let start = Instant::now();
    let out = Command::new("sh").arg("-c").arg(script).output().ok()?;
    let wall = start.elapsed();
    if out.status.code() == Some(124) {
        return None;
    }
    let f = stat_fields(&String::from_utf8_lossy(&out.stdout));
    // cutime is field 16 of proc(5), index 13 here; cstime index 14.
    let cpu = if f.len() > 14 {
        (f[13] + f[14]) as f64 / TICKS
    } else {
        f64::NAN
    };
    Some((wall, cpu, out.status.success()))
}

/// Whether `program -v` can be started (the reference tool is installed).
pub fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

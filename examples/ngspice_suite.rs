//! The ngspice compatibility suite's comparer: reads what `tests/compat/ngspice-suite.sh`
//! left in OUT (both tools' exit codes, raw files and logs for every netlist of ngspice's
//! `examples/` and `tests/`), compares every vector ngspice wrote with spinspice's
//! (`spinspice::wave::compare`, tolerances stated there), and prints
//!
//! - per folder: netlists ngspice ran, spinspice ran, matched, no vectors to compare;
//! - what stops spinspice on the rest, most common first (its error message without the
//!   file position), and why runs that ran did not match;
//!
//! and writes `OUT/table.csv` (`netlist,ngspice_rc,spinspice_rc,status,detail`).
//!
//! ```text
//! cargo run --release --example ngspice_suite -- OUT [--list]
//! ```
//! `--list` also prints one line per netlist.

use spinspice::wave::compare::{compare_runs, Tolerance};
use spinspice::wave::raw::read_raw;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What became of one netlist.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    /// ngspice did not run it in batch mode (error or timeout): not part of the suite.
    NgspiceFailed,
    /// spinspice stopped with an error (or timed out).
    Refused,
    /// Both ran; ngspice wrote no vectors (a script that only prints), nothing to compare.
    NoVectors,
    /// Both ran; some vector differs (or spinspice wrote no raw file).
    Mismatch,
    Matched,
}

impl Status {
    fn label(&self) -> &'static str {
        match self {
            Status::NgspiceFailed => "ngspice-failed",
            Status::Refused => "refused",
            Status::NoVectors => "no-vectors",
            Status::Mismatch => "mismatch",
            Status::Matched => "matched",
        }
    }
}

struct Row {
    netlist: String,
    ng_rc: i32,
    ss_rc: i32,
    status: Status,
    detail: String,
}

fn read_tsv(path: &Path) -> Result<BTreeMap<String, i32>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let mut f = line.split('\t');
        let (Some(name), Some(rc)) = (f.next(), f.next()) else {
            continue;
        };
        out.insert(name.to_string(), rc.trim().parse().unwrap_or(-1));
    }
    Ok(out)
}

/// The first error line of spinspice's log, without its `file:line:col: ` position, so
/// that the same blocker in many files counts once.
fn why_refused(log: &Path, rc: i32) -> String {
    if rc == 124 || rc == 137 {
        return "timed out".into();
    }
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let line = text
        .lines()
        .find(|l| l.contains("error:"))
        .or_else(|| text.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("(no message)");
    let msg = match line.find("error:") {
        Some(k) => line[k + "error:".len()..].trim(),
        None => line.trim(),
    };
    blocker(msg)
}

/// The construct a message names, without the instance or model it was found on, so that
/// one blocker in many files counts once: "element `q1`: bipolar ..." → "bipolar ...",
/// "in `.model mmod`" → "in `.model`".
fn blocker(msg: &str) -> String {
    let mut m = msg.to_string();
    if m.starts_with("element `") {
        if let Some(k) = m.find("`: ") {
            m = m[k + 3..].to_string();
        }
    }
    for (pre, keep) in [
        ("in `.model ", "in `.model`"),
        ("in `.subckt ", "in `.subckt`"),
    ] {
        if let Some(k) = m.find(pre) {
            if let Some(e) = m[k + pre.len()..].find('`') {
                m = format!("{}{keep}{}", &m[..k], &m[k + pre.len() + e + 1..]);
            }
        }
    }
    m.chars().take(110).collect()
}

fn folder(netlist: &str) -> String {
    let mut parts = netlist.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(_)) => format!("{a}/{b}"),
        (Some(a), _, _) => a.to_string(),
        _ => netlist.to_string(),
    }
}

fn classify(out: &Path, netlist: &str, ng_rc: i32, ss_rc: Option<i32>) -> Row {
    let mut row = Row {
        netlist: netlist.to_string(),
        ng_rc,
        ss_rc: ss_rc.unwrap_or(-1),
        status: Status::NgspiceFailed,
        detail: String::new(),
    };
    if ng_rc != 0 {
        return row;
    }
    let ss_rc = ss_rc.unwrap_or(-1);
    let ng_raw = out.join("ngspice").join(format!("{netlist}.ngspice.raw"));
    let ss_raw = out
        .join("spinspice")
        .join(format!("{netlist}.spinspice.raw"));
    if ss_rc != 0 {
        row.status = Status::Refused;
        let log = out
            .join("spinspice")
            .join(format!("{netlist}.spinspice.log"));
        row.detail = why_refused(&log, ss_rc);
        return row;
    }
    if !ng_raw.exists() {
        row.status = Status::NoVectors;
        return row;
    }
    let reference = match read_raw(&ng_raw) {
        Ok(r) => r,
        Err(e) => {
            row.status = Status::NoVectors;
            row.detail = format!("ngspice's raw file unreadable: {e}");
            return row;
        }
    };
    if reference.iter().all(|p| p.signals.is_empty()) {
        row.status = Status::NoVectors;
        return row;
    }
    let ours = match read_raw(&ss_raw) {
        Ok(o) => o,
        Err(e) => {
            row.status = Status::Mismatch;
            row.detail = format!("no raw file from spinspice: {e}");
            return row;
        }
    };
    let d = compare_runs(&reference, &ours, &Tolerance::default());
    if d.ok() {
        row.status = Status::Matched;
    } else {
        row.status = Status::Mismatch;
        row.detail = d.reason();
    }
    row
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
    else {
        eprintln!(
            "usage: ngspice_suite OUT [--list]   (OUT: what tests/compat/ngspice-suite.sh wrote)"
        );
        std::process::exit(1);
    };
    let list = args.iter().any(|a| a == "--list");
    let (ng, ss) = match (
        read_tsv(&out.join("ngspice.tsv")),
        read_tsv(&out.join("spinspice.tsv")),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("ngspice_suite: {e}");
            std::process::exit(1);
        }
    };
    let rows: Vec<Row> = ng
        .iter()
        .map(|(n, &rc)| classify(&out, n, rc, ss.get(n).copied()))
        .collect();

    // Per folder: ran by ngspice, run by spinspice, matched, nothing to compare.
    let mut by_folder: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.status != Status::NgspiceFailed) {
        let e = by_folder.entry(folder(&r.netlist)).or_default();
        e[0] += 1;
        if r.status != Status::Refused {
            e[1] += 1;
        }
        if r.status == Status::Matched {
            e[2] += 1;
        }
        if r.status == Status::NoVectors {
            e[3] += 1;
        }
    }
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{:<36} {:>8} {:>10} {:>8} {:>11}",
        "folder", "ngspice", "spinspice", "matched", "no-vectors"
    );
    let mut total = [0usize; 4];
    for (f, c) in &by_folder {
        let _ = writeln!(
            report,
            "{f:<36} {:>8} {:>10} {:>8} {:>11}",
            c[0], c[1], c[2], c[3]
        );
        for k in 0..4 {
            total[k] += c[k];
        }
    }
    let _ = writeln!(
        report,
        "{:<36} {:>8} {:>10} {:>8} {:>11}",
        "total", total[0], total[1], total[2], total[3]
    );
    let _ = writeln!(
        report,
        "\n{} candidate netlists; ngspice 39 ran {} in batch mode; spinspice ran {}, matched {} \
         ({} ran with no vectors to compare)",
        rows.len(),
        total[0],
        total[1],
        total[2],
        total[3]
    );
    for (what, status) in [
        ("what stops spinspice", Status::Refused),
        ("why runs did not match", Status::Mismatch),
    ] {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in rows.iter().filter(|r| r.status == status) {
            // For mismatches the vector and numbers differ per file: keep the kind.
            let key = match status {
                Status::Mismatch if r.detail.contains("off by") => "values differ".to_string(),
                Status::Mismatch if r.detail.contains("crossings") => {
                    "crossing counts differ".to_string()
                }
                _ => r.detail.clone(),
            };
            *counts.entry(key).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let _ = writeln!(report, "\n{what}:");
        for (k, n) in v {
            let _ = writeln!(report, "{n:>5}  {k}");
        }
    }
    if list {
        let _ = writeln!(report);
        for r in rows.iter().filter(|r| r.status != Status::NgspiceFailed) {
            let _ = writeln!(
                report,
                "{:<14} {}  {}",
                r.status.label(),
                r.netlist,
                r.detail
            );
        }
    }
    print!("{report}");

    let mut csv = String::from("netlist,ngspice_rc,spinspice_rc,status,detail\n");
    for r in &rows {
        let _ = writeln!(
            csv,
            "{},{},{},{},{}",
            csv_field(&r.netlist),
            r.ng_rc,
            r.ss_rc,
            r.status.label(),
            csv_field(&r.detail)
        );
    }
    if let Err(e) = spinspice::wave::write_atomic(&out.join("table.csv"), csv.as_bytes()) {
        eprintln!("ngspice_suite: {e}");
        std::process::exit(3);
    }
}

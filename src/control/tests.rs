//! Control scripts against ngspice 39 output: the netlists and what ngspice printed for
//! them are in `tests/control/` (its README says how they were made).

use super::Io;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/control")
}

/// Run `NAME.cir`'s control blocks with files written into `out_dir`: (stdout, stderr).
fn run_in(name: &str, out_dir: &Path) -> crate::Result<(String, String, bool)> {
    let ast = crate::netlist::parse_file(&dir().join(format!("{name}.cir")))?;
    let flat = crate::elab::elaborate(&ast, &[])?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let io = Io {
        out: &mut out,
        err: &mut err,
        dir: out_dir.to_path_buf(),
    };
    let (quit, _) = super::run(&ast, flat, &[], io, &mut crate::progress::Silent)?;
    Ok((
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
        quit,
    ))
}

fn run_text(text: &str) -> crate::Result<(String, String)> {
    let ast = crate::netlist::parse_str(text, "t.cir")?;
    let flat = crate::elab::elaborate(&ast, &[])?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let tmp = tempfile::tempdir().map_err(|e| crate::Error::Usage(e.to_string()))?;
    let io = Io {
        out: &mut out,
        err: &mut err,
        dir: tmp.path().to_path_buf(),
    };
    super::run(&ast, flat, &[], io, &mut crate::progress::Silent)?;
    Ok((
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    ))
}

const MONTHS: [&str; 12] = [
    " Jan ", " Feb ", " Mar ", " Apr ", " May ", " Jun ", " Jul ", " Aug ", " Sep ", " Oct ",
    " Nov ", " Dec ",
];

/// The lines worth comparing: no blank lines, no dated header lines, none of what ngspice
/// says about itself.
fn significant(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut skipping = false;
    for l in text.lines() {
        let t = l.trim();
        if t == "Initial Transient Solution" {
            skipping = true;
        }
        if skipping {
            if t.starts_with("No. of Data Rows") {
                skipping = false;
            }
            continue;
        }
        let noise = t.is_empty()
            || t.starts_with("Note: ")
            || t.starts_with("Circuit: ")
            || t.starts_with("Doing analysis at TEMP")
            || t.starts_with("No. of Data Rows")
            || t.starts_with("Reset re-loads circuit")
            || (MONTHS.iter().any(|m| l.contains(m)) && t.ends_with(|c: char| c.is_ascii_digit()));
        if !noise {
            out.push(l.trim_end().to_string());
        }
    }
    out
}

/// Compare line by line: words equal, or numbers within `rel` (relative) + 1e-12.
fn same(ours: &str, theirs: &str, rel: f64) {
    let (a, b) = (significant(ours), significant(theirs));
    for (k, (x, y)) in a.iter().zip(&b).enumerate() {
        let (wx, wy): (Vec<&str>, Vec<&str>) = (
            x.split_whitespace().collect(),
            y.split_whitespace().collect(),
        );
        let ok = wx.len() == wy.len()
            && wx.iter().zip(&wy).all(|(p, q)| {
                p == q
                    || match (p.parse::<f64>(), q.parse::<f64>()) {
                        (Ok(u), Ok(v)) => (u - v).abs() <= rel * v.abs() + 1e-12,
                        _ => false,
                    }
            });
        assert!(
            ok,
            "line {k} differs:\n ours:    {x:?}\n ngspice: {y:?}\nours:\n{ours}"
        );
    }
    assert_eq!(a.len(), b.len(), "line counts differ; ours:\n{ours}");
}

fn check(name: &str, rel: f64) {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _, _) = run_in(name, tmp.path()).unwrap();
    let reference = std::fs::read_to_string(dir().join(format!("{name}.ngspice.out"))).unwrap();
    same(&out, &reference, rel);
}

// ngspice's own examples/loops, unchanged.
#[test]
fn ngspice_loop_while() {
    check("loop_while", 0.0);
}

#[test]
fn ngspice_loop_dowhile() {
    check("loop_dowhile", 0.0);
}

#[test]
fn ngspice_loop_repeat() {
    check("loop_repeat", 0.0);
}

#[test]
fn ngspice_loop_foreach() {
    check("loop_foreach", 0.0);
}

#[test]
fn ngspice_loop_if_then_else() {
    check("loop_IfThenElse", 0.0);
}

#[test]
fn vectors_functions_variables_and_blocks() {
    check("vectors", 1e-6);
}

#[test]
fn alter_in_foreach_and_setplot() {
    check("alter_foreach", 1e-6);
}

#[test]
fn alterparam_and_reset() {
    check("alterparam", 1e-6);
}

#[test]
fn dc_from_control_prints_tables() {
    check("dc_sweep", 1e-6);
}

#[test]
fn tran_print_linearize_deriv_meas_and_wrdata() {
    // Time steps differ from ngspice's: values within 0.2 %.
    let tmp = tempfile::tempdir().unwrap();
    let (out, _, _) = run_in("tran_rc", tmp.path()).unwrap();
    let reference = std::fs::read_to_string(dir().join("tran_rc.ngspice.out")).unwrap();
    same(&out, &reference, 2e-3);
    // wrdata after linearize: the same uniform grid, values within 1e-3 V.
    let ours = std::fs::read_to_string(tmp.path().join("tran_rc_out.txt")).unwrap();
    let theirs = std::fs::read_to_string(dir().join("tran_rc_out.ngspice.txt")).unwrap();
    let rows = |s: &str| -> Vec<Vec<f64>> {
        s.lines()
            .map(|l| l.split_whitespace().map(|w| w.parse().unwrap()).collect())
            .collect()
    };
    let (a, b) = (rows(&ours), rows(&theirs));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.len(), 2);
        assert!((x[0] - y[0]).abs() < 1e-12, "{x:?} {y:?}");
        assert!((x[1] - y[1]).abs() < 1e-3, "{x:?} {y:?}");
    }
    // The column format: ` %.8e ` per value.
    assert!(
        ours.starts_with(" 0.00000000e+00  0.00000000e+00 \n"),
        "{ours}"
    );
}

#[test]
fn quit_stops_the_script_and_reports_it() {
    let (out, _) = run_text("t\nv1 1 0 1\n.control\necho a\nquit\necho b\n.endc\n.end\n").unwrap();
    assert_eq!(out, "a\n");
}

#[test]
fn soft_errors_go_on_as_ngspice() {
    // ngspice: "Error: testvar_d: no such variable." and the `if` is false.
    let (out, err) = run_text(
        "t\nv1 1 0 1\n.control\nif $nosuch\necho yes\nelse\necho no\nend\nif\necho yes\nend\n.endc\n",
    )
    .unwrap();
    assert_eq!(out, "no\n");
    assert!(err.contains("Error: nosuch: no such variable."), "{err}");
    assert!(err.contains("Error: missing if condition."), "{err}");
}

#[test]
fn refused_commands_name_the_line() {
    let cases = [
        ("shell ls", "t.cir:4:1: error: `shell` is not supported: spinspice does not run external commands"),
        ("ac dec 10 1 1k", "t.cir:4:1: error: `ac` is not supported yet"),
        ("goto here", "t.cir:4:1: error: `goto` is not supported yet"),
        ("frobnicate", "t.cir:4:1: error: unknown control command `frobnicate`"),
        ("tran 1n", "t.cir:4:1: error: tran: expected `tran TSTEP TSTOP [TSTART [TMAX]] [uic]`"),
        ("dc v1 0 1", "t.cir:4:1: error: dc: expected `dc SOURCE START STOP STEP [SOURCE2 START2 STOP2 STEP2]`"),
        ("alter rx 1k", "t.cir:4:1: error: alter: no device `rx`"),
    ];
    for (line, msg) in cases {
        let text = format!("t\nv1 1 0 1\n.control\n{line}\n.endc\n.end\n");
        let e = run_text(&text).unwrap_err().to_string();
        assert!(e.starts_with(msg), "{line}: {e}");
    }
}

#[test]
fn runaway_loops_stop_with_an_error() {
    let e = run_text("t\nv1 1 0 1\n.control\nlet i = 0\nwhile i < 1\nend\n.endc\n")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("t.cir:5:1") && e.contains("`while` loop ran 1000000 times"),
        "{e}"
    );
}

#[test]
fn front_end_keeps_blocks_verbatim() {
    let ast = crate::netlist::parse_str(
        "t\nr1 a 0 1k\n.CONTROL\n* comment\nlet x = 1 ; c\n.ENDC\n.op\n.end\n.control\nnot read\n",
        "t.cir",
    )
    .unwrap();
    assert_eq!(ast.control.len(), 1);
    assert_eq!(ast.control[0].lines.len(), 2);
    assert_eq!(ast.control[0].lines[1].text, "let x = 1 ; c");
    assert_eq!(ast.control[0].lines[1].span.line, 5);
    assert_eq!(ast.statements.len(), 2);
    // ngspice also ends a block at `.endcontrol`.
    let ast = crate::netlist::parse_str("t\n.control\necho\n.endcontrol\n.end\n", "t.cir").unwrap();
    assert_eq!(ast.control[0].lines.len(), 1);
    let e = crate::netlist::parse_str("t\n.control\necho\n", "t.cir")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("t.cir:2:1: error: `.control` block without `.endc`"),
        "{e}"
    );
    let e = crate::netlist::parse_str("t\n.endc\n", "t.cir")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("t.cir:2:1: error: `.endc` without `.control`"),
        "{e}"
    );
}

#[test]
fn define_redirection_and_csh_operators() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _, _) = run_in("define_redirect", tmp.path()).unwrap();
    let reference = std::fs::read_to_string(dir().join("define_redirect.ngspice.out")).unwrap();
    same(&out, &reference, 1e-9);
    let ours = std::fs::read_to_string(tmp.path().join("redirected.txt")).unwrap();
    let theirs = std::fs::read_to_string(dir().join("redirected.ngspice.txt")).unwrap();
    assert_eq!(ours, theirs);
}

#[test]
fn compose_endif_setcs_and_loop_counters_across_analyses() {
    check("compose_endif", 1e-9);
}

#[test]
fn long_tables_page_as_ngspice() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _, _) = run_in("print_pages", tmp.path()).unwrap();
    let reference = std::fs::read_to_string(dir().join("print_pages.ngspice.out")).unwrap();
    same(&out, &reference, 1e-9);
    // The first row of each page (after the column names and the dashes).
    let firsts = |s: &str| -> Vec<String> {
        let l: Vec<&str> = s.lines().collect();
        (0..l.len())
            .filter(|&k| l[k].starts_with("Index "))
            .filter_map(|k| {
                l.get(k + 2)
                    .map(|r| r.split('\t').next().unwrap_or("").to_string())
            })
            .collect()
    };
    assert_eq!(firsts(&out), firsts(&reference));
    assert_eq!(firsts(&out), ["0", "55", "113"]);
}

#[test]
fn braced_variables_substitute() {
    // ngspice 39 (`ngspice -b` on this text) prints `><` and `a2b`, as in its
    // tests/regression/misc/dollar-1.cir.
    let (out, _) =
        run_text("t\nv1 1 0 1\n.control\nset foo = \"\"\necho \">{$foo}<\"\nset bar = 2\necho a{$bar}b\n.endc\n")
            .unwrap();
    assert_eq!(out, "><\na2b\n");
}

//! ngspice raw files: ours load in ngspice (`load` + `print`), and ngspice's own raw
//! output (binary from `-r`, ASCII from `write`) reads back through `read_raw`.
//! Each test needs `ngspice` (`common::require_tool`: a failure under CI, a counted skip
//! elsewhere).

mod common;

use std::path::Path;
use std::process::Command;

use spinspice::wave::raw::{read_raw, write_raw};
use spinspice::wave::{Signal, Waveforms};

/// Run `ngspice -b` on a control script in `dir` and return its stdout + stderr.
fn ngspice(dir: &Path, control: &str) -> String {
    let cir = dir.join("ctl.cir");
    std::fs::write(
        &cir,
        format!("* spinspice test\n.control\n{control}\n.endc\n.end\n"),
    )
    .unwrap();
    let o = Command::new("ngspice")
        .arg("-b")
        .arg(&cir)
        .current_dir(dir)
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The number ngspice printed as `name = value`.
fn printed(out: &str, name: &str) -> f64 {
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{name} =")))
        .unwrap_or_else(|| panic!("ngspice did not print {name}:\n{out}"));
    line.split('=').nth(1).unwrap().trim().parse().unwrap()
}

fn sample() -> Waveforms {
    let t: Vec<f64> = (0..50).map(|i| i as f64 * 1.3e-10 / 7.0).collect();
    Waveforms {
        title: "spinspice raw test".into(),
        plotname: "Transient Analysis".into(),
        signals: vec![
            Signal::new(
                "v(out)",
                t.iter().map(|t| (t * 3.7e9).sin() / 3.0).collect(),
            ),
            Signal::new(
                "v(x1.n1)",
                t.iter().map(|t| 1.0 - (-t / 1e-9).exp()).collect(),
            ),
            Signal::new("i(v1)", t.iter().map(|t| -1e-3 * (t * 1e9).cos()).collect()),
        ],
        scale: Signal::new("time", t),
    }
}

#[test]
fn ngspice_loads_our_raw_files() {
    if !common::tools::require_tool("ngspice") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let w = sample();
    for ascii in [true, false] {
        let name = if ascii {
            "ours_ascii.raw"
        } else {
            "ours_bin.raw"
        };
        write_raw(&dir.path().join(name), std::slice::from_ref(&w), ascii).unwrap();
        let out = ngspice(
            dir.path(),
            &format!(
                "set numdgt=15\nload {name}\nprint v(out)[37]\nprint i(v1)[41]\nlet tt = time[49]\nprint tt\nlet nn = v(x1.n1)[12]\nprint nn\nlet len = length(time)\nprint len"
            ),
        );
        // ngspice prints 16 significant digits with numdgt=15: relative 1e-15.
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs().max(1e-300);
        let checks = [
            ("v(out)[37]", w.signals[0].values[37]),
            ("i(v1)[41]", w.signals[2].values[41]),
            ("tt", w.scale.values[49]),
            ("nn", w.signals[1].values[12]),
            ("len", 50.0),
        ];
        for (name_, want) in checks {
            let got = printed(&out, name_);
            assert!(
                close(got, want),
                "{name} {name_}: ngspice read {got:e}, we wrote {want:e}\n{out}"
            );
        }
    }
}

#[test]
fn we_read_ngspice_raw_files() {
    if !common::tools::require_tool("ngspice") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let src = common::ngspice_dir().join("rc_pulse.cir");
    let bin = dir.path().join("bin.raw");
    let o = Command::new("ngspice")
        .arg("-b")
        .arg("-r")
        .arg(&bin)
        .arg(&src)
        .output()
        .unwrap();
    assert!(
        bin.exists(),
        "ngspice -r wrote nothing: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let plots = read_raw(&bin).unwrap();
    assert_eq!(plots.len(), 1);
    let p = &plots[0];
    assert_eq!(p.plotname, "Transient Analysis");
    // ngspice lower-cases the title line.
    assert_eq!(p.title, "rc low-pass driven by a pulse (tau = 1 ns)");
    let names: Vec<&str> = p.signals.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["v(in)", "v(out)", "i(v1)"]);
    // Same run as the committed reference CSV (written from ngspice's %.15e ASCII output),
    // so values agree to ngspice's 16 printed digits.
    let r = common::load_reference("rc_pulse");
    assert_eq!(p.len(), r.len());
    for (a, b) in p
        .get("v(out)")
        .unwrap()
        .values
        .iter()
        .zip(&r.get("v(out)").unwrap().values)
    {
        assert!(
            (a - b).abs() <= 1e-15 * b.abs().max(1e-30) + 1e-300,
            "{a} vs {b}"
        );
    }

    // ASCII raw from ngspice's `write`, with two plots (op then tran) in one file.
    let asc = dir.path().join("asc.raw");
    let cir = dir.path().join("two.cir");
    std::fs::write(
        &cir,
        format!(
            "two plots\nv1 in 0 1\nr1 in out 1k\nr2 out 0 3k\n.control\nset filetype=ascii\nop\ntran 1n 4n\nwrite {} all\n.endc\n.end\n",
            asc.display()
        ),
    )
    .unwrap();
    Command::new("ngspice")
        .arg("-b")
        .arg(&cir)
        .output()
        .unwrap();
    let plots = read_raw(&asc).unwrap();
    let last = plots.last().unwrap();
    assert_eq!(last.plotname, "Transient Analysis");
    // Divider: v(out) = 1 V * 3k / 4k at every time point.
    for v in &last.get("v(out)").unwrap().values {
        assert!((v - 0.75).abs() < 1e-12, "{v}");
    }
}

/// A real spinspice transient (rc_pulse.cir) written as a binary raw file loads in
/// ngspice with the same length and values.
#[test]
fn ngspice_loads_a_spinspice_run() {
    if !common::tools::require_tool("ngspice") {
        return;
    }
    let w = common::simulate_reference("rc_pulse");
    let dir = tempfile::tempdir().unwrap();
    write_raw(&dir.path().join("run.raw"), std::slice::from_ref(&w), false).unwrap();
    let k = w.len() / 2;
    let out = ngspice(
        dir.path(),
        &format!("set numdgt=15\nload run.raw\nlet n = length(time)\nprint n\nlet vk = v(out)[{k}]\nprint vk\nlet ik = i(v1)[{k}]\nprint ik"),
    );
    assert_eq!(printed(&out, "n"), w.len() as f64, "{out}");
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs().max(1e-300);
    let v = w.get("v(out)").unwrap().values[k];
    let i = w.get("i(v1)").unwrap().values[k];
    assert!(close(printed(&out, "vk"), v), "{out}");
    assert!(close(printed(&out, "ik"), i), "{out}");
}

/// The same run through our CSV writer and reader is bit-exact.
#[test]
fn spinspice_run_csv_roundtrip_is_exact() {
    let w = common::simulate_reference("rlc_series");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("run.csv");
    spinspice::wave::csv::write_csv(&p, &w).unwrap();
    let back = spinspice::wave::csv::read_csv(&p).unwrap();
    assert_eq!(back.scale.values, w.scale.values);
    assert_eq!(back.signals, w.signals);
}

//! `.noise`, `.tf` and `.ac` of nonlinear circuits against ngspice 39: every netlist in
//! tests/reference/ngspice/smallsignal has a `<name>.ngspice.raw` made by make.sh there;
//! spinspice runs the same netlist and every reference vector of every plot must match
//! (wave::compare: operating-point style points for `.tf` and the integrated totals,
//! complex phasors for `.ac`). Plus the analytic kT/C check and the error messages.

use spinspice::wave::compare::{compare_runs, Tolerance};
use spinspice::wave::raw::read_raw;
use spinspice::wave::Waveforms;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/ngspice/smallsignal")
}

/// Run `spinspice -b -r out.raw netlist` and read the raw file back, or the stderr text.
fn run(netlist: &Path) -> Result<Vec<Waveforms>, String> {
    let out = tempfile::tempdir().unwrap();
    let raw = out.path().join("out.raw");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("-b")
        .arg("-r")
        .arg(&raw)
        .arg(netlist)
        .output()
        .unwrap();
    if !st.status.success() {
        return Err(String::from_utf8_lossy(&st.stderr).into_owned());
    }
    Ok(read_raw(&raw).unwrap())
}

fn run_text(name: &str, text: &str) -> Result<Vec<Waveforms>, String> {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join(name);
    std::fs::write(&p, text).unwrap();
    run(&p)
}

/// Compare the netlist `name` with its ngspice reference at relative tolerance `rel`.
fn matches_ngspice(name: &str, rel: f64) -> Vec<Waveforms> {
    matches_ngspice_abs(name, rel, 1e-15)
}

/// As [`matches_ngspice`], with an absolute floor `abs` (V; A at a thousandth of it).
fn matches_ngspice_abs(name: &str, rel: f64, abs: f64) -> Vec<Waveforms> {
    let ours = run(&dir().join(format!("{name}.cir"))).unwrap();
    let reference = read_raw(&dir().join(format!("{name}.ngspice.raw"))).unwrap();
    let tol = Tolerance {
        rel,
        abs_voltage: abs,
        abs_current: abs * 1e-3,
        ..Tolerance::default()
    };
    let d = compare_runs(&reference, &ours, &tol);
    assert!(d.ok(), "{name}: {}", d.reason());
    let n: usize = d.plots.iter().map(|p| p.vectors.len()).sum();
    assert!(n >= 3, "{name}: only {n} vectors compared");
    ours
}

#[test]
fn resistor_divider_noise_matches_ngspice() {
    // Linear: the same equations, so agreement to rounding; 1e-9 is far above it.
    let ours = matches_ngspice("rdiv_noise", 1e-9);
    assert_eq!(ours[0].plotname, "Noise Spectral Density Curves");
    assert_eq!(ours[1].plotname, "Integrated Noise");
    assert!(ours[0].get("onoise_r1_thermal").is_some());
}

#[test]
fn current_input_differential_output_noise_matches_ngspice() {
    matches_ngspice("isrc_noise", 1e-9);
}

#[test]
fn mosfet_and_diode_noise_match_ngspice() {
    // Channel thermal (2/3 gm), flicker (KF Id^AF / (f Cox L^2)), RD/RS, diode shot,
    // RS and flicker noise; the operating point converges to ngspice's within reltol, so
    // 1e-4 (the issue asks 1 %).
    let ours = matches_ngspice("amp_noise", 1e-4);
    let s = &ours[0];
    for v in [
        "onoise_m1_id",
        "onoise_m1_1overf",
        "onoise_d1_id",
        "onoise_rd_thermal",
    ] {
        assert!(s.get(v).is_some_and(|v| v.values[0] > 0.0), "{v}");
    }
}

#[test]
fn transfer_functions_match_ngspice() {
    for name in ["tf_vcvs", "tf_current", "tf_mos"] {
        let ours = matches_ngspice(name, 1e-6);
        assert_eq!(ours[0].plotname, "Transfer Function");
    }
}

#[test]
fn two_stage_cmos_amplifier_ac_matches_ngspice() {
    // 0.1 % of the phasor bounds magnitude by 0.1 % and phase by 0.06 degrees.
    // The inverting input sits on a 1 F capacitor: its ~1e-12 V response is noise.
    let ours = matches_ngspice_abs("cmos2_ac", 1e-3, 1e-9);
    let out = ours[0].get("v(out)").unwrap();
    assert!(20.0 * out.magnitude(0).log10() > 80.0, "open-loop gain");
}

#[test]
fn rc_noise_integrates_to_kt_over_c() {
    // sqrt(kT/C) for 1 nF at 300.15 K is 2.0357 uV, whatever R; the band 1 Hz - 100 GHz
    // misses a fraction ~ fc/fmax ~ 2e-6 of it.
    let w = run_text(
        "ktc.cir",
        "kT/C\nv1 in 0 dc 0 ac 1\nr1 in out 1k\nc1 out 0 1n\n.noise v(out) v1 dec 20 1 100g\n.end\n",
    )
    .unwrap();
    let total = w[1].scale.values[0];
    assert_eq!(w[1].scale.name, "onoise_total");
    let ktc = (1.380_648_52e-23_f64 * 300.15 / 1e-9).sqrt();
    assert!((total / ktc - 1.0).abs() < 1e-3, "{total} vs {ktc}");
}

#[test]
fn noise_and_tf_errors_are_clear() {
    let base = "v1 in 0 dc 1 ac 1\nr1 in out 1k\nr2 out 0 1k\n";
    let e = run_text(
        "a.cir",
        &format!("t\n{base}.noise v(nowhere) v1 dec 10 1 1k\n.end\n"),
    )
    .unwrap_err();
    assert!(
        e.contains("`.noise`: output node `nowhere` does not exist in the circuit"),
        "{e}"
    );
    let e = run_text(
        "b.cir",
        &format!("t\n{base}.noise v(out) v9 dec 10 1 1k\n.end\n"),
    )
    .unwrap_err();
    assert!(
        e.contains("`.noise`: input source `v9` does not exist in the circuit"),
        "{e}"
    );
    let e = run_text(
        "c.cir",
        "t\nv1 in 0 dc 1\nr1 in out 1k\nr2 out 0 1k\n.noise v(out) v1 dec 10 1 1k\n.end\n",
    )
    .unwrap_err();
    assert!(e.contains("input source `v1` has no AC value"), "{e}");
    let e = run_text(
        "d.cir",
        &format!("t\n{base}.noise i(v1) v1 dec 10 1 1k\n.end\n"),
    )
    .unwrap_err();
    assert!(e.contains("`.noise` output must be a node voltage"), "{e}");
    let e = run_text("e.cir", &format!("t\n{base}.tf i(r1) v1\n.end\n")).unwrap_err();
    assert!(
        e.contains("`.tf`: output current `i(r1)` names no voltage source"),
        "{e}"
    );
    let e = run_text("f.cir", &format!("t\n{base}.tf v(out)\n.end\n")).unwrap_err();
    assert!(e.contains("`.tf` needs `outvar insrc`"), "{e}");
}

#[test]
fn read_path_example_writes_bode_and_noise_plots() {
    // netlists/read_path_ac_noise.cir: the DW neuron's read divider into cmp5t (.noise at
    // the comparator input) and a cmp5t at its threshold (.ac).
    let nl = Path::new(env!("CARGO_MANIFEST_DIR")).join("netlists/read_path_ac_noise.cir");
    let out = tempfile::tempdir().unwrap();
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .args(["run", "-q", "-o"])
        .arg(out.path())
        .arg(&nl)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    for f in [
        "read_path_ac_noise.0.ac.svg",
        "read_path_ac_noise.1.noise.svg",
    ] {
        let svg = std::fs::read_to_string(out.path().join(f)).unwrap();
        assert!(
            svg.contains("frequency (Hz)") && svg.contains(">1G<"),
            "{f}"
        );
    }
    let ac = std::fs::read_to_string(out.path().join("read_path_ac_noise.0.ac.csv")).unwrap();
    let header: Vec<&str> = ac.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "vdb(x2.o1)").unwrap();
    let first: Vec<f64> = ac
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    // The first stage's low-frequency gain (37.9 dB measured).
    assert!((30.0..45.0).contains(&first[col]), "{}", first[col]);
    let totals =
        std::fs::read_to_string(out.path().join("read_path_ac_noise.2.noise.csv")).unwrap();
    assert!(
        totals.starts_with("onoise_total,inoise_total\n"),
        "{totals}"
    );
    let onoise: f64 = totals
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // 1.5 mV rms at the comparator input: well inside the 37 mV hysteresis window, and at
    // least the thermal noise of R_read || R_MTJ over the 100 GHz band.
    assert!(onoise > 1e-3 && onoise < 37e-3 / 10.0, "{onoise}");
}

#[test]
fn meas_ac_matches_ngspice() {
    // FIND of v(out) (the real part, as ngspice reads a complex vector) and of vm/vr/vdb/vp,
    // WHEN on vdb and vp, against the values ngspice prints (meas_ac.ngspice.meas).
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("-b")
        .arg(dir().join("meas_ac.cir"))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let parse = |text: &str| -> Vec<(String, f64)> {
        text.lines()
            .filter_map(|l| {
                let (n, v) = l.split_once('=')?;
                let v = v.split_whitespace().next()?.parse().ok()?;
                Some((n.trim().to_string(), v))
            })
            .collect()
    };
    let ours = parse(&String::from_utf8_lossy(&st.stdout));
    let theirs = parse(&std::fs::read_to_string(dir().join("meas_ac.ngspice.meas")).unwrap());
    assert_eq!(theirs.len(), 8);
    for (name, want) in &theirs {
        let got = ours.iter().find(|(n, _)| n == name).map(|p| p.1);
        let got = got.unwrap_or_else(|| panic!("no measure {name}"));
        if name == "avgm" {
            // A documented difference: AVG over `.ac` frequencies is the trapezoid rule in
            // linear frequency here (0.3455 on these points, the curve's mean); ngspice 39
            // prints 0.3955.
            assert!((got - 0.345_527_2).abs() < 1e-6, "avgm {got}");
            continue;
        }
        assert!(
            (got - want).abs() <= 1e-6 * want.abs(),
            "{name}: {got} vs {want}"
        );
    }
}

#[test]
fn dc_sensitivities_match_ngspice() {
    // Every sensitivity spinspice reports (the parameters the netlist sets) against
    // ngspice's vector of the same name: main values, instance W/L, model parameters.
    let ours = run(&dir().join("sens_dc.cir")).unwrap();
    let reference = read_raw(&dir().join("sens_dc.ngspice.raw")).unwrap();
    assert_eq!(ours[0].plotname, "Sensitivity Analysis");
    let theirs: Vec<(String, f64)> = std::iter::once(&reference[0].scale)
        .chain(&reference[0].signals)
        .map(|s| (spinspice::wave::compare::normalise(&s.name), s.values[0]))
        .collect();
    let mut n = 0;
    for s in std::iter::once(&ours[0].scale).chain(&ours[0].signals) {
        let name = spinspice::wave::compare::normalise(&s.name);
        let want = theirs.iter().find(|t| t.0 == name).map(|t| t.1);
        let want = want.unwrap_or_else(|| panic!("ngspice has no {name}"));
        let got = s.values[0];
        if name == "v(d1:rs)" {
            // A documented difference: ngspice 39 reports 0 for the diode's RS; the
            // central difference here gives the real (small, negative) sensitivity.
            assert!(got < 0.0 && got.abs() < 1e-2, "{got}");
            continue;
        }
        assert!(
            (got - want).abs() <= 1e-4 * want.abs() + 1e-12,
            "{name}: {got} vs {want}"
        );
        n += 1;
    }
    assert!(n >= 13, "{n}");
}

#[test]
fn noise_and_tf_inside_control_print_as_ngspice() {
    // `noise` (plots noise1 spectra, noise2 totals), `setplot noise1`, `tf` and `print all`
    // inside `.control`, a resistor with noisy=0: every printed value equals ngspice's
    // (control_noise.ngspice.print, made by make.sh).
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("-b")
        .arg(dir().join("control_noise.sp"))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let mut ours: Vec<String> = String::from_utf8_lossy(&st.stdout)
        .lines()
        .filter(|l| l.contains(" = "))
        .map(str::to_string)
        .collect();
    let mut theirs: Vec<String> =
        std::fs::read_to_string(dir().join("control_noise.ngspice.print"))
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
    assert_eq!(theirs.len(), 8);
    // `print all` lists the `.tf` vectors in a different order.
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);
}

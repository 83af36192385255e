//! `.ac` against ngspice 39: an RLC ladder's complex node voltages and branch currents over
//! `dec 10 1 100k` (tests/reference/ngspice/ac, made by make.sh there).

use spinspice::wave::raw::read_raw;
use std::path::Path;

#[test]
fn rlc_ladder_matches_ngspice() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/ngspice/ac");
    let out = tempfile::tempdir().unwrap();
    let raw = out.path().join("rlc.raw");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("-b")
        .arg("-r")
        .arg(&raw)
        .arg(dir.join("rlc_ac.cir"))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let ours = &read_raw(&raw).unwrap()[0];
    let refw = &read_raw(&dir.join("rlc_ac.ngspice.raw")).unwrap()[0];
    assert_eq!(ours.plotname, "AC Analysis");
    assert_eq!(ours.len(), refw.len());
    for (a, b) in ours.scale.values.iter().zip(&refw.scale.values) {
        assert!((a - b).abs() <= 1e-9 * b.abs(), "frequency {a} vs {b}");
    }
    // Linear circuit, same equations: agreement to rounding (1e-9 relative is far above it).
    for name in ["v(out)", "v(mid)", "i(l1)", "i(v1)"] {
        let (s, r) = (ours.get(name).unwrap(), refw.get(name).unwrap());
        assert!(s.is_complex() && r.is_complex(), "{name}");
        for i in 0..r.values.len() {
            let d = (s.values[i] - r.values[i]).hypot(s.imag[i] - r.imag[i]);
            assert!(d <= 1e-9 * r.magnitude(i) + 1e-15, "{name} at point {i}");
        }
    }
}

#[test]
fn ac_without_an_ac_source_is_a_clear_error() {
    let out = tempfile::tempdir().unwrap();
    let cir = out.path().join("noac.cir");
    std::fs::write(
        &cir,
        "no ac\nv1 in 0 1\nr1 in 0 1k\n.ac dec 10 1 1k\n.end\n",
    )
    .unwrap();
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("-b")
        .arg(&cir)
        .output()
        .unwrap();
    assert!(!st.status.success());
    let err = String::from_utf8_lossy(&st.stderr);
    assert!(
        err.contains("no independent source has an `ac` value"),
        "{err}"
    );
}

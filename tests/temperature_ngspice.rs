//! Temperature against ngspice 39: a diode (IS with EG/XTI, VJ, CJO, breakdown), level-1
//! NMOS and PMOS (KP, PHI, VTO, bulk junctions) and a resistor with TC1/TC2, at -40, 27 and
//! 125 °C (`.options temp=`), and cards measured at TNOM = 50 °C (tests/reference/ngspice/
//! temperature, made by make.sh there): `.op`, a `.dc` sweep of the diode and `.ac`
//! (junction capacitances) must match every vector ngspice writes.

use spinspice::wave::compare::{compare_runs, Tolerance};
use spinspice::wave::raw::read_raw;
use std::path::Path;

fn check(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/ngspice/temperature");
    let out = tempfile::tempdir().unwrap();
    let raw = out.path().join("out.raw");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("-b")
        .arg("-r")
        .arg(&raw)
        .arg(dir.join(format!("{name}.cir")))
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let ours = read_raw(&raw).unwrap();
    let reference = read_raw(&dir.join(format!("{name}.ngspice.raw"))).unwrap();
    let tol = Tolerance {
        rel: 1e-4,
        ..Tolerance::default()
    };
    let d = compare_runs(&reference, &ours, &tol);
    assert!(d.ok(), "{name}: {}", d.reason());
    assert_eq!(d.plots.len(), 3, "{name}: dc, ac and op plots");
}

#[test]
fn devices_at_minus_40_c_match_ngspice() {
    check("devices_m40");
}

#[test]
fn devices_at_27_c_match_ngspice() {
    check("devices_27");
}

#[test]
fn devices_at_125_c_match_ngspice() {
    check("devices_125");
}

#[test]
fn cards_with_tnom_50_at_125_c_match_ngspice() {
    check("devices_tnom50");
}

/// `.op` current of `v1` in a one-source netlist.
fn op_current(text: &str) -> f64 {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("t.cir");
    std::fs::write(&p, text).unwrap();
    let raw = d.path().join("t.raw");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .arg("-b")
        .arg("-r")
        .arg(&raw)
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let w = read_raw(&raw).unwrap();
    w[0].get("i(v1)").unwrap().values[0]
}

#[test]
fn mtj_tmr_follows_blochs_law() {
    // R_AP(T) = R_P (1 + TMR0 (m(T)/m(Tnom))^2), m(T) = 1 - (T/Tc)^1.5, Tc = 1100 K.
    let deck = |t: f64| {
        format!(
            "mtj\nv1 a 0 0.1\nn1 a 0 mj mz=-1\n.model mj mtj (rp=200 rap=600)\n.temp {t}\n.op\n.end\n"
        )
    };
    let m = |t: f64| 1.0 - (t / 1100.0_f64).powf(1.5);
    let r = m(400.15) / m(300.15);
    let rap = 200.0 * (1.0 + 2.0 * r * r);
    let i = op_current(&deck(127.0));
    assert!(
        (i + 0.1 / rap).abs() < 1e-9 * 0.1 / rap,
        "{i} vs {}",
        -0.1 / rap
    );
    assert!((op_current(&deck(27.0)) + 0.1 / 600.0).abs() < 1e-15);
}

#[test]
fn micromagnetic_racetrack_builds_at_400_k() {
    // The inline preset with Ms, Ku, A, D scaled to 400 K still relaxes to a wall, and the
    // read junction's R_AP drops with the TMR: at rest (mostly parallel under the MTJ) the
    // read current rises slightly.
    let deck = |t: f64| {
        format!(
            "rt\nv1 out 0 0.1\nn1 t1 0 out 0 dwtrack\nrt1 t1 0 1meg\n\
             .model dwtrack racetrack (soliton=dw state=micromagnetic l=256n w=64n thm=5n \
             rho=1.9u xmtj=128n lmtj=64n x0=104n rp=200 rap=600 kwell=0.04)\n.temp {t}\n.op\n.end\n"
        )
    };
    let (cold, hot) = (op_current(&deck(27.0)), op_current(&deck(127.0)));
    assert!(cold < 0.0 && hot < cold, "{cold} {hot}");
    assert!(hot > 1.2 * cold, "{cold} {hot}");
}

//! insta snapshot tests through `spinspice::wave::snapshot` (format: see that module).
//! CI runs with `INSTA_UPDATE=no CI=true`: the committed `.snap` files under
//! `tests/snapshots/` are the expectation.

mod common;

use spinspice::wave::snapshot::{snapshot, SnapshotSpec};

/// The ngspice RC reference on a 1 ns grid with the 0.5 V crossings: a fixed input, so
/// this pins the snapshot format itself (header, rounding, zero flattening, events).
#[test]
fn rc_reference_snapshot() {
    let w = common::load_reference("rc_pulse");
    let spec = SnapshotSpec {
        grid: Some((0.0, 20e-9, 21)),
        signals: vec!["v(in)".into(), "v(out)".into(), "i(v1)".into()],
        digits: 4,
        events: vec![("v(out)".into(), 0.5), ("v(in)".into(), 0.5)],
    };
    insta::assert_snapshot!("rc_reference", snapshot(&w, &spec).unwrap());
}

/// The ngspice DC sweep of the controlled sources on a 5-point grid, with the input
/// values where the E and H outputs cross given levels (e1 has gain -2, so v(eo) falls
/// through 0.5 V at vin = -0.25 V).
#[test]
fn controlled_reference_snapshot() {
    let w = common::load_reference("controlled");
    let spec = SnapshotSpec {
        grid: Some((-1.0, 1.0, 5)),
        signals: vec![
            "v(eo)".into(),
            "v(go)".into(),
            "v(fo)".into(),
            "v(ho)".into(),
        ],
        digits: 4,
        events: vec![("v(eo)".into(), 0.5), ("v(ho)".into(), 0.0)],
    };
    insta::assert_snapshot!("controlled_reference", snapshot(&w, &spec).unwrap());
}

/// spinspice's own RC transient, same view as `rc_reference_snapshot` (the numbers
/// should agree with ngspice's to the 4 digits shown; the title is the netlist's).
#[test]
fn spinspice_rc_pulse_snapshot() {
    let w = common::simulate_reference("rc_pulse");
    let spec = SnapshotSpec {
        grid: Some((0.0, 20e-9, 21)),
        signals: vec!["v(in)".into(), "v(out)".into(), "i(v1)".into()],
        digits: 4,
        events: vec![("v(out)".into(), 0.5), ("v(in)".into(), 0.5)],
    };
    insta::assert_snapshot!("spinspice_rc_pulse", snapshot(&w, &spec).unwrap());
}

/// spinspice's series RLC ringing: v(out) and the inductor current on a 0.5 ns grid, and
/// every crossing of the 1 V final value.
#[test]
fn spinspice_rlc_series_snapshot() {
    let w = common::simulate_reference("rlc_series");
    let spec = SnapshotSpec {
        grid: Some((0.0, 15e-9, 31)),
        signals: vec!["v(out)".into(), "i(v1)".into()],
        digits: 4,
        events: vec![("v(out)".into(), 1.0)],
    };
    insta::assert_snapshot!("spinspice_rlc_series", snapshot(&w, &spec).unwrap());
}

/// spinspice's DC sweep of the controlled sources.
#[test]
fn spinspice_controlled_snapshot() {
    let w = common::simulate_reference("controlled");
    let spec = SnapshotSpec {
        grid: Some((-1.0, 1.0, 5)),
        signals: vec![
            "v(eo)".into(),
            "v(go)".into(),
            "v(fo)".into(),
            "v(ho)".into(),
        ],
        digits: 4,
        events: vec![("v(eo)".into(), 0.5), ("v(ho)".into(), 0.0)],
    };
    insta::assert_snapshot!("spinspice_controlled", snapshot(&w, &spec).unwrap());
}

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

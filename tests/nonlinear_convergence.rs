//! Robust convergence with nonlinear devices: operating points that need the `.op`
//! fallbacks converge and report which one they used, and a circuit without a solution
//! fails with the time, node and device named.

use spinspice::circuit::Circuit;

fn circuit(text: &str) -> Circuit {
    let ast = spinspice::netlist::parse_str(text, "<test>").unwrap_or_else(|e| panic!("{e}"));
    let flat = spinspice::elab::elaborate(&ast, &[]).unwrap_or_else(|e| panic!("{e}"));
    Circuit::from_flat(&flat).unwrap_or_else(|e| panic!("{e}"))
}

/// A latch of two gain-1000 tanh inverters (B sources). From the all-zero start plain
/// Newton oscillates between (0, 0) and (1.8, 1.8): each inverter is saturated there, so the
/// Jacobian carries no feedback.
const INVERTER: &str = "0.9*(1+tanh(1000*(0.9-v(";

#[test]
fn latch_op_converges_by_gmin_stepping() {
    // With series resistors and a 1 MOhm load the loop has a DC path at every node; gmin
    // stepping (a large conductance to ground, lowered decade by decade) walks it into the
    // stable state q high / qb low (which one is chosen by the asymmetric load).
    let text = format!(
        "latch\nB1 q1 0 V={INVERTER}qb))))\nR1 q1 q 1k\nB2 qb1 0 V={INVERTER}q))))\nR2 qb1 qb 1k\n\
         R3 q 0 1meg\n.op\n.end\n"
    );
    let (w, stats) = circuit(&text).op().unwrap_or_else(|e| panic!("{e}"));
    let v = |n: &str| w.get(n).map(|s| s.values[0]).unwrap_or(f64::NAN);
    assert!(
        stats.notes.iter().any(|n| n.contains("gmin stepping used")),
        "{:?}",
        stats.notes
    );
    // The stable state: q1 = 1.8 V, q = 1.8 * 1e6/(1e6 + 1e3) = 1.798202 V, qb = 0.
    assert!(
        (v("v(q)") - 1.8 * 1e6 / 1.001e6).abs() < 1e-6,
        "{}",
        v("v(q)")
    );
    assert!(v("v(qb)").abs() < 1e-6, "{}", v("v(qb)"));
}

#[test]
fn symmetric_latch_op_converges_by_source_stepping() {
    // Without resistors the inverters drive the nodes directly (no gmin to step): source
    // stepping ramps the B sources from 0 and, by symmetry, lands on the metastable point
    // q = qb = 0.9 V, which solves both equations exactly.
    let text = format!("latch\nB1 q 0 V={INVERTER}qb))))\nB2 qb 0 V={INVERTER}q))))\n.op\n.end\n");
    let (w, stats) = circuit(&text).op().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        stats
            .notes
            .iter()
            .any(|n| n.contains("source stepping used")),
        "{:?}",
        stats.notes
    );
    for n in ["v(q)", "v(qb)"] {
        let x = w.get(n).map(|s| s.values[0]).unwrap_or(f64::NAN);
        assert!((x - 0.9).abs() < 1e-6, "{n} = {x}");
    }
}

#[test]
fn circuit_without_a_solution_names_time_node_and_device() {
    // 1 mA into 10 kOhm (10 V) until 50 ns; then the source pushes 1 mA while v(a) < 1 V and
    // pulls 1 mA above: no solution exists, the transient must stop near 50 ns naming v(a)
    // and the devices on it.
    let text = "nosol\nB1 0 a I=time > 50n ? (v(a) > 1 ? -1m : 1m) : 1m\nR1 a 0 10k\n\
                .tran 1n 100n\n.end\n";
    let mut c = circuit(text);
    let e = c
        .run_all(&mut spinspice::progress::Silent)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    eprintln!("{e}");
    assert!(e.contains("v(a)") && e.contains("b1"), "{e}");
    // The reported time: "t = 5.0...e-8 s" or "time 5.0...e-8 s".
    assert!(e.contains("e-8") && e.contains("5.0"), "{e}");
}

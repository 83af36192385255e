//! Bad input to the nonlinear devices: clear errors with the place in the netlist.

use spinspice::circuit::Circuit;

fn build_error(text: &str) -> String {
    let ast = spinspice::netlist::parse_str(text, "bad.cir").unwrap_or_else(|e| panic!("{e}"));
    let r = spinspice::elab::elaborate(&ast, &[]).and_then(|f| Circuit::from_flat(&f));
    match r {
        Ok(_) => panic!("no error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unsupported_mosfet_level() {
    let e = build_error(
        "t\nV1 d 0 1\nM1 d d 0 0 nx w=1u l=1u\n.model nx nmos(level=3 vto=0.5)\n.op\n.end\n",
    );
    assert!(
        e.contains("MOSFET level 3 is not supported (only level 1)"),
        "{e}"
    );
    assert!(e.starts_with("bad.cir:4:"), "{e}");
}

#[test]
fn unknown_diode_parameter_lists_the_valid_ones() {
    let e = build_error("t\nV1 a 0 1\nD1 a 0 dx\n.model dx d(is=1e-14 foo=2)\n.op\n.end\n");
    assert!(
        e.contains("unknown parameter `foo`") && e.contains("cjo"),
        "{e}"
    );
}

#[test]
fn comparator_with_linear_edge_needs_a_gain() {
    let e = build_error(
        "t\nV1 a 0 1\nA1 a 0 o cx\nR1 o 0 1k\n.model cx comparator(edge=linear vth=0.5)\n.op\n.end\n",
    );
    assert!(e.contains("edge=linear but no gain"), "{e}");
}

#[test]
fn behavioural_source_reading_a_floating_node() {
    // `v(zz)` names a node nothing else connects: the elaborator creates it, and the
    // operating point must fail (singular matrix) naming the source that reads it rather
    // than return garbage. (The engine names the pivot it could not find, here the
    // source's branch i(b1), not the node zz itself.)
    let text = "t\nV1 a 0 1\nB1 b 0 V=2*v(zz)\nR1 b 0 1k\n.op\n.end\n";
    let ast = spinspice::netlist::parse_str(text, "bad.cir").unwrap_or_else(|e| panic!("{e}"));
    let flat = spinspice::elab::elaborate(&ast, &[]).unwrap_or_else(|e| panic!("{e}"));
    let e = Circuit::from_flat(&flat)
        .and_then(|mut c| c.op())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("singular") && e.contains("b1"), "{e}");
}

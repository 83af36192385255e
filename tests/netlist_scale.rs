//! A 100x100 RC mesh (≈30k lines) goes through parse + elaborate with the right counts.
//! Speed is measured by `examples/bench_netlist.rs`, not here (tests are never timed).

/// An n x n RC mesh: resistors between neighbours, a capacitor from every node to ground,
/// a pulse source driving the corner through a resistor.
pub fn rc_mesh(n: usize) -> String {
    let mut s = format!("rc mesh {n}x{n}\n.param rseg=100 cnode=10f\n");
    s.push_str("V1 in 0 pulse(0 1 0 10p 10p 5n 10n)\nRin in n0_0 {rseg}\n");
    for i in 0..n {
        for j in 0..n {
            if j + 1 < n {
                s.push_str(&format!("Rh{i}_{j} n{i}_{j} n{i}_{} {{rseg}}\n", j + 1));
            }
            if i + 1 < n {
                s.push_str(&format!("Rv{i}_{j} n{i}_{j} n{}_{j} {{rseg}}\n", i + 1));
            }
            s.push_str(&format!("C{i}_{j} n{i}_{j} 0 {{cnode}}\n"));
        }
    }
    s.push_str(".tran 10p 10n\n.end\n");
    s
}

#[test]
fn rc_mesh_100x100_elaborates() {
    let text = rc_mesh(100);
    assert!(text.lines().count() > 29_000);
    let ast = spinspice::netlist::parse_str(&text, "mesh.cir").expect("parses");
    let flat = spinspice::elab::elaborate(&ast, &[]).expect("elaborates");
    // 100*100 mesh nodes + `in` + ground.
    assert_eq!(flat.nodes.len(), 100 * 100 + 2);
    // 2*100*99 mesh resistors + 10^4 capacitors + Rin + V1.
    assert_eq!(flat.instances.len(), 2 * 100 * 99 + 100 * 100 + 2);
    let c = flat
        .instances
        .iter()
        .find(|i| i.name == "c99_99")
        .expect("c99_99");
    let spinspice::elab::Arg::Num(cv) = c.args[0] else {
        panic!("{:?}", c.args)
    };
    // `10f` = 10 * 1e-15: one rounding away from 1e-14.
    assert!((cv - 1e-14).abs() < 1e-14 * 1e-15, "{cv}");
}

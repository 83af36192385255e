//! Elaboration tests: flattening names (as ngspice 39 prints them), parameter scoping,
//! model binding, analyses.

use super::*;
use crate::netlist::parse_str;

fn flat(text: &str) -> Flat {
    let ast = parse_str(text, "t.cir").unwrap_or_else(|e| panic!("{e}"));
    elaborate(&ast, &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    let ast = match parse_str(text, "t.cir") {
        Ok(a) => a,
        Err(e) => return e.to_string(),
    };
    elaborate(&ast, &[]).unwrap_err().to_string()
}

fn inst<'f>(f: &'f Flat, name: &str) -> &'f Instance {
    f.instances
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no {name} in {:?}",
                f.instances.iter().map(|i| &i.name).collect::<Vec<_>>()
            )
        })
}

fn num_arg(i: &Instance, k: usize) -> f64 {
    match &i.args[k] {
        Arg::Num(v) => *v,
        other => panic!("arg {k} of {} is {other:?}", i.name),
    }
}

/// Values are at most a few float operations from exact: 1e-12 relative.
fn near(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1e-30), "{a} != {b}");
}

#[test]
fn flattening_names_follow_ngspice() {
    // The same circuit through `ngspice -b` with `listing expand` prints
    // r.x1.x2.r1 in x1.x2.mid / v.x1.x2.v1 x1.x2.mid x1.n / r.x1.r5 x1.n 0.
    let f = flat(
        "test naming\n.subckt inner a b\nR1 a mid 1k\nV1 mid b 0\n.ends\n\
         .subckt outer p q\nX2 p n inner\nR5 n q 1k\n.ends\nV0 in 0 1\nX1 in 0 outer\n.op\n.end\n",
    );
    let names: Vec<&str> = f.instances.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, vec!["v0", "r.x1.x2.r1", "v.x1.x2.v1", "r.x1.r5"]);
    let r1 = inst(&f, "r.x1.x2.r1");
    assert_eq!(f.nodes[r1.nodes[0]], "in");
    assert_eq!(f.nodes[r1.nodes[1]], "x1.x2.mid");
    let v1 = inst(&f, "v.x1.x2.v1");
    assert_eq!(f.nodes[v1.nodes[1]], "x1.n");
    assert_eq!(inst(&f, "r.x1.r5").nodes[1], 0);
    assert_eq!(f.node("X1.X2.MID"), r1.nodes.get(1).copied());
    assert_eq!(f.analyses, vec![Analysis::Op]);
}

#[test]
fn param_scoping_and_forward_references() {
    let f = flat(
        "p\n.param b={a*2} a=3\n.param c='b+1'\n\
         .subckt cell n1 n2 params: w=1 l={w*2}\nR1 n1 n2 {w*l}\n.param k={l+c}\nC1 n1 n2 {k}\n.ends\n\
         .subckt cell2 n1 n2 w=5\nR1 n1 n2 {w}\n.ends\n\
         X1 in 0 cell\nX2 in 0 cell w=2\nX3 in 0 cell2\nX4 in 0 cell2 w={c}\n",
    );
    assert_eq!(
        f.params,
        vec![("b".into(), 6.0), ("a".into(), 3.0), ("c".into(), 7.0)]
    );
    near(num_arg(inst(&f, "r.x1.r1"), 0), 2.0); // w=1, l=2
    near(num_arg(inst(&f, "r.x2.r1"), 0), 8.0); // w=2, l=w*2=4
    near(num_arg(inst(&f, "c.x1.c1"), 0), 9.0); // k = l + c = 2 + 7
    near(num_arg(inst(&f, "c.x2.c1"), 0), 11.0); // 4 + 7
    near(num_arg(inst(&f, "r.x3.r1"), 0), 5.0);
    near(num_arg(inst(&f, "r.x4.r1"), 0), 7.0);
}

#[test]
fn overrides_recompute_dependents() {
    let ast = parse_str("o\n.param r=1k rr={2*r}\nR1 a 0 {rr}\n", "t.cir").unwrap();
    let f = elaborate(&ast, &[("R".into(), 5e3)]).unwrap();
    near(num_arg(&f.instances[0], 0), 1e4);
    let e = elaborate(&ast, &[("nope".into(), 1.0)])
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "--param nope: the netlist has no top-level `.param nope` (its parameters: r, rr)"
    );
    assert_eq!(parse_override("fin=333meg").unwrap(), ("fin".into(), 333e6));
    assert!(parse_override("fin").is_err());
    assert!(parse_override("fin=abc").is_err());
}

#[test]
fn nested_definitions_are_local() {
    let f = flat(
        "n\n.subckt outer a\n.param g=3\n.subckt inner b\nR1 b 0 {g}\n.ends\nXi a inner\n.ends\nX1 top outer\n",
    );
    let r = inst(&f, "r.x1.xi.r1");
    near(num_arg(r, 0), 3.0);
    assert_eq!(f.nodes[r.nodes[0]], "top");
    let e = err("n\n.subckt outer a\n.subckt inner b\nR1 b 0 1\n.ends\n.ends\nX1 top inner\n");
    assert!(e.contains("unknown subcircuit `inner`"), "{e}");
}

#[test]
fn sources_and_args() {
    let f = flat(
        "s\nV1 a 0 dc 5 ac 1\nV2 b 0 PULSE (0 1 1n 1n 1n 5n 10n)\nV3 c 0 pwl(0 0 1n 1) r=0\n\
         V4 d 0 sin(0 1 1meg)\nI1 e 0 exp(0 1m 1n 1n 5n 1n)\nV5 f 0 3.3\nC1 a 0 1p ic=0.5\nL1 a b 1u ic=1m\n",
    );
    assert_eq!(
        inst(&f, "v1").args,
        vec![
            Arg::Word("dc".into()),
            Arg::Num(5.0),
            Arg::Word("ac".into()),
            Arg::Num(1.0)
        ]
    );
    let Arg::Call { name, args, .. } = &inst(&f, "v2").args[0] else {
        panic!()
    };
    assert_eq!(name, "pulse");
    assert_eq!(args.len(), 7);
    near(args[6], 10e-9);
    assert_eq!(
        inst(&f, "v3").args,
        vec![Arg::Call {
            name: "pwl".into(),
            args: vec![0.0, 0.0, 1e-9, 1.0],
            params: vec![("r".into(), 0.0)]
        }]
    );
    assert!(matches!(&inst(&f, "v4").args[0], Arg::Call { name, .. } if name == "sin"));
    assert!(matches!(&inst(&f, "i1").args[0], Arg::Call { name, .. } if name == "exp"));
    assert_eq!(inst(&f, "v5").args, vec![Arg::Num(3.3)]);
    let c = inst(&f, "c1");
    assert_eq!((c.params[0].name.as_str(), c.params[0].value), ("ic", 0.5));
    near(inst(&f, "l1").params[0].value, 1e-3);
}

#[test]
fn controlled_sources_and_b() {
    let f = flat(
        "c\n.param k=2\n.subckt s a\nVs a m 0\nRm m 0 1\nF1 a 0 vs 3\nB1 a 0 v={k*v(m)+i(vs)*time}\n.ends\n\
         E1 o 0 a 0 {k}\nG1 o 0 a 0 1m\nH1 o 0 v9 10\nV9 a 0 1\nX1 a s\n",
    );
    assert_eq!(inst(&f, "e1").nodes.len(), 4);
    assert_eq!(inst(&f, "e1").args, vec![Arg::Num(2.0)]);
    assert_eq!(
        inst(&f, "h1").args,
        vec![Arg::Word("v9".into()), Arg::Num(10.0)]
    );
    assert_eq!(inst(&f, "f.x1.f1").args[0], Arg::Word("v.x1.vs".into()));
    let b = inst(&f, "b.x1.b1");
    assert_eq!(b.args[0], Arg::Word("v".into()));
    let Arg::Expr(e) = &b.args[1] else { panic!() };
    // 2*v(x1.m) + i(v.x1.vs)*time with v(x1.m)=0.5, i=0.25, time=2: 1 + 0.5
    let v = crate::netlist::expr::eval(e, &|n| match n {
        "v(x1.m)" => Some(0.5),
        "i(v.x1.vs)" => Some(0.25),
        "time" => Some(2.0),
        _ => None,
    })
    .unwrap();
    near(v, 1.5);
    // POLY becomes a B source of the same name (expr: elab::poly).
    let f = flat("p\nV1 a 0 1\nE1 o 0 poly(1) a 0 0 1\n");
    assert_eq!(inst(&f, "e1").letter, 'b');
    assert!(err("p\nE1 o 0 a 0 poly(1) a 0 0 1\n").contains("POLY(n) must follow"));
    // Unbraced B expression with spaces and comparisons.
    let f = flat("b\nB1 o 0 I = v(a) >= 1 ? 2 : 0\nR1 a 0 1\n");
    assert!(matches!(
        &inst(&f, "b1").args[1],
        Arg::Expr(Expr::Ternary(..))
    ));
}

use crate::netlist::expr::Expr;

#[test]
fn models_bind_with_and_without_parens() {
    let f = flat(
        "m\n.param vt=0.7\n.model dmod D (is=1e-14 n={1+0.5})\n.model nm nmos level=1 vto={vt} kp=50u\n\
         .model sw1 sw(vt=1 vh=0.1)\n.model mtj1 mtj state=micromagnetic problem=\"p.toml\"\n\
         D1 a 0 dmod\nM1 d g 0 0 nm w=1u l=2u\nS1 a 0 c 0 sw1\nN1 a b 0 mtj1 x=1\nA1 a b c sw1\n",
    );
    let d = inst(&f, "d1").model.as_ref().unwrap();
    assert_eq!((d.kind.as_str(), d.params.len()), ("d", 2));
    near(d.params[1].value, 1.5);
    let m = inst(&f, "m1");
    assert_eq!(m.nodes.len(), 4);
    near(m.model.as_ref().unwrap().params[1].value, 0.7);
    near(m.params[0].value, 1e-6);
    let n = inst(&f, "n1");
    assert_eq!(n.nodes.len(), 3);
    let card = n.model.as_ref().unwrap();
    assert_eq!(card.words[0].1, "micromagnetic");
    assert_eq!(card.words[1].1, "p.toml");
    assert_eq!(inst(&f, "a1").nodes.len(), 3);
    assert!(err("m\nD1 a 0 nomodel\n").contains("unknown model `nomodel`"));
}

#[test]
fn analyses_options_saves_ics() {
    let f = flat(
        "a\nV1 in 0 1\nR1 in out 1k\nC1 out 0 1p\n.options reltol=1e-4 method=gear nopage\n\
         .ic v(out)=0.5\n.dc v1 0 5 0.1 v1 0 1 0.5\n.tran 1n 100n 0 1n uic\n\
         .save v(out) i(v1) in\n.print tran v(in,out)\n.probe all\n.temp 27\n",
    );
    assert_eq!(f.options[0].value, Arg::Num(1e-4));
    assert_eq!(f.options[1].value, Arg::Word("gear".into()));
    // `nopage` only changes ngspice's printout: a warning, not an option.
    assert_eq!(f.options.len(), 2);
    assert_eq!(f.warnings.len(), 1);
    assert!(f.warnings[0]
        .to_string()
        .contains("warning: option `nopage` ignored"));
    assert_eq!(f.ics, vec![(f.node("out").unwrap(), 0.5)]);
    let Analysis::Dc { sweeps } = &f.analyses[0] else {
        panic!()
    };
    assert_eq!(sweeps.len(), 2);
    near(sweeps[0].step, 0.1);
    let Analysis::Tran {
        tstep,
        tstop,
        tstart,
        tmax,
        uic,
    } = f.analyses[1].clone()
    else {
        panic!()
    };
    near(tstep, 1e-9);
    near(tstop, 100e-9); // 100 * 1e-9: one rounding off 1e-7
    assert_eq!((tstart, tmax, uic), (0.0, Some(1e-9), true));
    // `.print` does not choose what is saved (as in ngspice); `.probe all` saves all.
    assert_eq!(f.saves, vec!["all", "v(out)", "i(v1)", "v(in)"]);
    assert_eq!(f.prints.len(), 1);
    assert_eq!(f.prints[0].analysis.as_deref(), Some("tran"));
    assert_eq!(f.prints[0].items, vec!["v(in,out)"]);
    assert!(err("a\nR1 a 0 1\n.temp -300\n").contains("above -273.15 °C"));
    let f = flat("a\nR1 a 0 {1k + temper}\n.temp 85\n.options tnom=30\n");
    assert_eq!((f.temp, f.tnom), (Some(85.0), Some(30.0)));
    assert_eq!(f.instances[0].args, vec![Arg::Num(1085.0)]);
}

#[test]
fn ground_and_global() {
    let f =
        flat("g\n.global vdd\n.subckt s a\nR1 a vdd 1\nR2 a gnd 1\n.ends\nX1 n s\nV1 vdd 0 1\n");
    let r1 = inst(&f, "r.x1.r1");
    assert_eq!(f.nodes[r1.nodes[1]], "vdd");
    assert_eq!(inst(&f, "r.x1.r2").nodes[1], 0);
    assert_eq!(f.nodes.len(), 3); // 0, n, vdd
}

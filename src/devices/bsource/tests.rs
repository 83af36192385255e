use super::*;
use crate::devices::testutil::{TLin, TVsrc, TestCkt};
use crate::devices::Mode;

fn v(n: &str) -> Expr {
    Expr::Voltage(n.into(), None)
}
fn num(x: f64) -> Expr {
    Expr::Num(x)
}
fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    Expr::Binary(op, Box::new(a), Box::new(b))
}
fn call(f: &str, a: Vec<Expr>) -> Expr {
    Expr::Call(f.into(), a)
}

fn flat() -> Flat {
    Flat {
        nodes: vec!["0".into(), "a".into(), "b".into()],
        ..Default::default()
    }
}

fn compiled(e: &Expr) -> Node {
    let mut refs = Vec::new();
    let n = compile(e, &flat(), &mut refs, &Span::default()).expect("compile");
    assert_eq!(
        refs,
        vec![Target::Node(0), Target::Node(1)][..refs.len()].to_vec()
    );
    n
}

#[test]
fn derivatives_match_analytic_ones() {
    // f = v(a) v(b) + exp(v(a)/2) + sin(v(b)) time + v(a)^3 + sqrt(v(b)) + ln(v(a))
    //     + pwr(v(b), 1.5) + tanh(v(a) - v(b))
    // df/da = b + exp(a/2)/2 + 3a² + 1/a + (1 - tanh²(a - b))
    // df/db = a + cos(b) t + 1/(2 sqrt b) + 1.5 sqrt(b) - (1 - tanh²(a - b))
    use BinOp::*;
    let e = [
        bin(Mul, v("a"), v("b")),
        call("exp", vec![bin(Div, v("a"), num(2.0))]),
        bin(Mul, call("sin", vec![v("b")]), Expr::Var("time".into())),
        bin(Pow, v("a"), num(3.0)),
        call("sqrt", vec![v("b")]),
        call("ln", vec![v("a")]),
        call("pwr", vec![v("b"), num(1.5)]),
        call("tanh", vec![Expr::Voltage("a".into(), Some("b".into()))]),
    ]
    .into_iter()
    .reduce(|x, y| bin(Add, x, y))
    .expect("terms");
    let n = compiled(&e);
    for &(a, b, t) in &[(0.7, 1.3, 2.0), (2.5, 0.2, 0.5), (1.1, 4.0, 0.0)] {
        let d = eval(&n, &[a, b], t);
        let th = (a - b).tanh();
        let want = a * b
            + (a / 2.0).exp()
            + b.sin() * t
            + a.powi(3)
            + b.sqrt()
            + a.ln()
            + b.powf(1.5)
            + th;
        let da = b + (a / 2.0).exp() / 2.0 + 3.0 * a * a + 1.0 / a + (1.0 - th * th);
        let db = a + b.cos() * t + 0.5 / b.sqrt() + 1.5 * b.sqrt() - (1.0 - th * th);
        // Exact arithmetic of the same formulas: agreement to a few ulps.
        assert!((d.v - want).abs() < 1e-12 * want.abs());
        assert!((d.d[0] - da).abs() < 1e-12 * da.abs(), "{} vs {da}", d.d[0]);
        assert!((d.d[1] - db).abs() < 1e-12 * db.abs(), "{} vs {db}", d.d[1]);
    }
}

#[test]
fn comparisons_and_conditionals_have_zero_derivative_of_condition() {
    // f = v(a) > 1 ? 2 v(b) : v(a)²: derivative of the taken branch only.
    let e = Expr::Ternary(
        Box::new(bin(BinOp::Gt, v("a"), num(1.0))),
        Box::new(bin(BinOp::Mul, num(2.0), v("b"))),
        Box::new(bin(BinOp::Mul, v("a"), v("a"))),
    );
    let n = compiled(&e);
    let d = eval(&n, &[2.0, 3.0], 0.0);
    assert_eq!((d.v, d.d[0], d.d[1]), (6.0, 0.0, 2.0));
    let d = eval(&n, &[0.5, 3.0], 0.0);
    assert_eq!((d.v, d.d[0], d.d[1]), (0.25, 1.0, 0.0));
    let c = eval(&compiled(&bin(BinOp::Lt, v("a"), v("b"))), &[1.0, 2.0], 0.0);
    assert_eq!((c.v, c.d[0], c.d[1]), (1.0, 0.0, 0.0));
}

#[test]
fn unknown_function_and_node_are_errors() {
    let mut refs = Vec::new();
    let e = compile(
        &call("frob", vec![v("a")]),
        &flat(),
        &mut refs,
        &Span::default(),
    );
    assert!(e
        .expect_err("frob")
        .to_string()
        .contains("unknown function `frob`"));
    let e = compile(&v("zz"), &flat(), &mut refs, &Span::default());
    assert!(e.expect_err("zz").to_string().contains("unknown node `zz`"));
}

fn bsrc(nodes: &[usize], kind: &str, e: Expr) -> Box<dyn Device> {
    let inst = Instance {
        name: "b1".into(),
        letter: 'b',
        nodes: nodes.to_vec(),
        args: vec![Arg::Word(kind.into()), Arg::Expr(e)],
        params: vec![],
        words: vec![],
        model: None,
        span: Span::default(),
    };
    BSource::boxed(&inst, &flat()).expect("bsource")
}

#[test]
fn nonlinear_current_source_operating_point() {
    // 2 V through 1 kOhm into node b, where B1 draws i = 1e-3 v(b)² to ground:
    // (2 - x)/1000 = 1e-3 x²  →  x² + x - 2 = 0  →  x = 1 V exactly.
    let e = bin(BinOp::Mul, num(1e-3), bin(BinOp::Pow, v("b"), num(2.0)));
    let g = usize::MAX;
    let mut c = TestCkt::new(
        2,
        vec![
            TVsrc::boxed("v1", 0, g, &[(0.0, 2.0)]),
            TLin::r("r1", 0, 1, 1e3),
            bsrc(&[2, 0], "i", e),
        ],
    );
    assert!(c.solve(Mode::Dc, 0.0, 0.0));
    assert!((c.x[1] - 1.0).abs() < 1e-9, "{}", c.x[1]);
}

#[test]
fn voltage_source_follows_expression_of_another_branch() {
    // V1 = 1 V across 1 kOhm (i(v1) = -1 mA by the source convention); B1 v = -2000 i(v1)
    // drives node b to 2 V.
    let e = bin(BinOp::Mul, num(-2000.0), Expr::Current("v1".into()));
    let g = usize::MAX;
    let mut c = TestCkt::new(
        2,
        vec![
            TVsrc::boxed("v1", 0, g, &[(0.0, 1.0)]),
            TLin::r("r1", 0, g, 1e3),
            bsrc(&[2, 0], "v", e),
        ],
    );
    assert!(c.solve(Mode::Dc, 0.0, 0.0));
    assert!((c.x[1] - 2.0).abs() < 1e-9, "{}", c.x[1]);
}

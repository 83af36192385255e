//! Expression tests: values computed by hand in the comments.

use super::*;

fn ev(text: &str) -> f64 {
    let e = parse_expr(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    eval(&e, &|n| match n {
        "a" => Some(2.0),
        "b" => Some(3.0),
        "v(out)" => Some(1.5),
        _ => None,
    })
    .unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Results are a handful of floating-point operations: equal to 1e-12 relative.
fn near(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} != {b}");
}

#[test]
fn arithmetic_and_precedence() {
    near(ev("1+2*3"), 7.0);
    near(ev("(1+2)*3"), 9.0);
    near(ev("2^3^2"), 512.0); // right associative: 2^(3^2)
    near(ev("2**3"), 8.0);
    near(ev("-2^2"), -4.0); // -(2^2), as ngspice
    near(ev("2^-1"), 0.5);
    near(ev("10/4-1"), 1.5);
    near(ev("a*b+1"), 7.0);
    near(ev("-a"), -2.0);
    near(ev("- - a"), 2.0);
    near(ev("1k*2"), 2000.0);
    near(ev("10pF*1meg"), 1e-5);
    near(ev("{a}*{b}"), 6.0);
    near(ev("  a  +  b  "), 5.0);
}

#[test]
fn comparisons_logic_ternary() {
    near(ev("a<b"), 1.0);
    near(ev("a>=b"), 0.0);
    near(ev("a==2"), 1.0);
    near(ev("a!=2"), 0.0);
    near(ev("a<b && b<a"), 0.0);
    near(ev("a<b || b<a"), 1.0);
    near(ev("!0"), 1.0);
    near(ev("a > 1 ? 10 : 20"), 10.0);
    near(ev("a > 5 ? 10 : a > 1 ? 30 : 40"), 30.0);
    near(ev("if(a>5, 1, 2)"), 2.0);
    near(ev("ternary_fcn(1, 4, 5)"), 4.0);
}

#[test]
fn functions() {
    near(ev("sqrt(16)"), 4.0);
    near(ev("exp(0)"), 1.0);
    near(ev("log(exp(2))"), 2.0); // natural log, as ngspice
    near(ev("ln(1)"), 0.0);
    near(ev("log10(1000)"), 3.0);
    near(ev("abs(-3)"), 3.0);
    near(ev("min(4, a, 7)"), 2.0);
    near(ev("max(4, b)"), 4.0);
    near(ev("pow(2, 10)"), 1024.0);
    near(ev("sin(0)+cos(0)"), 1.0);
    near(ev("tan(0)+atan(0)+sinh(0)+tanh(0)"), 0.0);
    near(ev("cosh(0)"), 1.0);
    near(ev("floor(2.7)+ceil(2.1)+int(-2.7)"), 2.0 + 3.0 - 2.0);
    near(ev("sgn(-4)+sign(3)"), 0.0);
    near(ev("limit(5, 0, 3)+limit(-1, 3, 0)"), 3.0);
    near(ev("pi"), std::f64::consts::PI);
    near(ev("v(out)*2"), 3.0);
}

#[test]
fn structure() {
    assert_eq!(
        parse_expr("v(X1.N1, 0)").unwrap(),
        Expr::Voltage("x1.n1".into(), Some("0".into()))
    );
    assert_eq!(parse_expr("I(V1)").unwrap(), Expr::Current("v1".into()));
    assert_eq!(parse_expr("TIME").unwrap(), Expr::Var("time".into()));
    assert_eq!(parse_expr("a+b*a").unwrap().vars(), vec!["a", "b"]);
}

#[test]
fn parse_errors_have_offsets() {
    let e = parse_expr("1 + ").unwrap_err();
    assert_eq!(e.offset, Some(4));
    let e = parse_expr("foo(1)").unwrap_err();
    assert_eq!(e.message, "unknown function `foo`");
    assert_eq!(e.offset, Some(0));
    let e = parse_expr("(1+2").unwrap_err();
    assert_eq!(e.message, "expected `)`");
    let e = parse_expr("1 2").unwrap_err();
    assert_eq!(e.message, "unexpected `2` in expression");
    assert_eq!(e.offset, Some(2));
    let e = parse_expr("sqrt(1,2)").unwrap_err();
    assert!(e.message.contains("takes 1"), "{}", e.message);
    assert!(parse_expr("").is_err());
    assert!(parse_expr("a ? b").is_err());
}

#[test]
fn eval_errors() {
    let e = parse_expr("1/0").unwrap();
    assert_eq!(eval(&e, &|_| None).unwrap_err().message, "division by zero");
    let e = parse_expr("zz+1").unwrap();
    assert_eq!(
        eval(&e, &|_| None).unwrap_err().message,
        "unknown parameter `zz`"
    );
    let e = parse_expr("sqrt(-1)").unwrap();
    assert!(eval(&e, &|_| None).is_err());
    let e = parse_expr("v(a)").unwrap();
    assert!(eval(&e, &|_| None).is_err());
}

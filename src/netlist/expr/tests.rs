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
    near(ev("2^3^2"), 64.0); // left associative, as ngspice 39: (2^3)^2
    near(ev("2**3**2"), 64.0);
    near(ev("(-2)^3"), 8.0); // ngspice 39 raises the magnitude: |-2|^3
    near(ev("(-8)^(1/3)"), 2.0);
    near(ev("2*3^2"), 18.0);
    near(ev("-2**2"), -4.0);
    near(ev("2^-2"), 0.25);
    near(ev("7%3"), 1.0);
    near(ev("-7%3"), -1.0); // fmod: the dividend's sign
    near(ev("7%-3"), 1.0);
    near(ev("7.5%2"), 1.5);
    near(ev("1+2*3%4"), 3.0); // `%` with `*` and `/`, left to right: 1 + (6 % 4)
    near(ev("8/2/2"), 2.0);
    near(ev("+3"), 3.0);
    near(ev("3 > 2 > 1"), 0.0); // (3>2) > 1
    near(ev("1 == 1 + 1"), 0.0);
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
    // ngspice 39 .param semantics: pow is C's pow, pwr the magnitude's power.
    near(ev("pow(-2, 3)"), -8.0);
    near(ev("pwr(-2, 3)"), 8.0);
    near(ev("pwr(-8, 1/3)"), 2.0);
    // nint rounds half-way cases to even.
    near(ev("nint(2.5)"), 2.0);
    near(ev("nint(-2.5)"), -2.0);
    near(ev("nint(3.5)"), 4.0);
    near(ev("nint(0.5)"), 0.0);
    near(ev("uramp(-1) + uramp(2.5)"), 2.5);
    near(ev("u(0) + u(1) + u(-1)"), 1.5);
    // asinh(1) = ln(1 + √2), acosh(2) = ln(2 + √3), atanh(0.5) = ln(3)/2.
    near(
        ev("asinh(1) + acosh(2) + atanh(0.5)"),
        (1.0 + 2f64.sqrt()).ln() + (2.0 + 3f64.sqrt()).ln() + 3f64.ln() / 2.0,
    );
    // pwl: interpolate, and extend the end segments.
    near(ev("pwl(2.5, 0,0, 1,1, 2,4, 3,9)"), 6.5);
    near(ev("pwl(2.5, 0,0, 1,1, 2,4)"), 5.5);
    near(ev("pwl(-1, 0,0, 1,1, 2,4)"), -1.0);
    near(ev("pwl(0.5, 0,0, 1,1, 2,4)"), 0.5);
    near(ev("pwl(7, 1,3)"), 3.0);
    near(ev("limit(5, 0, 3)"), 3.0);
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
    // An unknown name may be a `.func`: it parses, and evaluating it fails.
    let e = parse_expr("foo(1)").unwrap();
    assert_eq!(
        eval(&e, &|_| None).unwrap_err().message,
        "unknown function `foo`"
    );
    let e = parse_expr("pwl(1, 0, 0, 1)").unwrap_err();
    assert_eq!(
        e.message,
        "function `pwl` takes x and (x, y) pairs: an odd number of argument(s), got 4"
    );
    let e = parse_expr("unif(1)").unwrap_err();
    assert_eq!(e.message, "function `unif` takes 2 argument(s), got 1");
    let e = parse_expr("gauss(1)").unwrap_err();
    assert_eq!(
        e.message,
        "function `gauss` takes 2 to 3 argument(s), got 1"
    );
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
    // ngspice 39 stops on these in .param too.
    for bad in [
        "log(0)",
        "log(-1)",
        "pow(-8, 1/3)",
        "asin(2)",
        "acosh(0.5)",
        "exp(800)",
    ] {
        assert!(eval(&parse_expr(bad).unwrap(), &|_| None).is_err(), "{bad}");
    }
    let e = parse_expr("5 % 0").unwrap();
    assert_eq!(eval(&e, &|_| None).unwrap_err().message, "modulo by zero");
    let e = parse_expr("agauss(1, 0.1, 3)").unwrap();
    assert_eq!(
        eval(&e, &|_| None).unwrap_err().message,
        "`agauss` draws a random number, not available here"
    );
}

/// The random functions with a fixed stream of uniform numbers (0.25, then 0.75, ...).
#[test]
fn random_functions() {
    let seq = std::cell::Cell::new(0usize);
    let look = |n: &str| {
        (n == RANDOM_KEY).then(|| {
            let k = seq.get();
            seq.set(k + 1);
            if k % 2 == 0 {
                0.25
            } else {
                0.75
            }
        })
    };
    let ev = |t: &str| {
        seq.set(0);
        eval(&parse_expr(t).unwrap(), &look).unwrap()
    };
    // unif: nom + nom·rvar·(2u − 1) = 10 + 10·0.1·(−0.5) = 9.5.
    near(ev("unif(10, 0.1)"), 9.5);
    near(ev("aunif(10, 1)"), 9.5);
    // limit: u < 0.5 gives nom − avar.
    near(ev("limit(10, 1)"), 9.0);
    // Box-Muller: √(−2 ln(1 − 0.25)) · cos(2π · 0.75) = 0 (cos(3π/2) = 0).
    assert!((ev("agauss(10, 1, 3)") - 10.0).abs() < 1e-12);
    assert!((ev("gauss(10, 0.1, 3)") - 10.0).abs() < 1e-12);
}

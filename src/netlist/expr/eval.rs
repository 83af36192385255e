//! Evaluation of [`Expr`] trees.

use super::{BinOp, Expr, ExprError, UnOp, RANDOM_FUNCTIONS, RANDOM_KEY};

fn eval_err(msg: impl Into<String>) -> ExprError {
    ExprError {
        offset: None,
        message: msg.into(),
    }
}

fn truth(x: f64) -> bool {
    x != 0.0
}

fn b2f(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Evaluate `e`. `lookup` resolves names (parameters; `v(a)` / `v(a,b)` / `i(v1)` are asked
/// for by that text). `pi` is π unless `lookup` knows it. A non-finite result is an error.
pub fn eval(e: &Expr, lookup: &dyn Fn(&str) -> Option<f64>) -> Result<f64, ExprError> {
    let v = eval_inner(e, lookup)?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(eval_err(format!("expression evaluates to {v}")))
    }
}

fn eval_inner(e: &Expr, lookup: &dyn Fn(&str) -> Option<f64>) -> Result<f64, ExprError> {
    Ok(match e {
        Expr::Num(x) => *x,
        Expr::Var(n) => match lookup(n) {
            Some(v) => v,
            None if n == "pi" => std::f64::consts::PI,
            None => return Err(eval_err(format!("unknown parameter `{n}`"))),
        },
        Expr::Voltage(a, b) => {
            let key = match b {
                Some(b) => format!("v({a},{b})"),
                None => format!("v({a})"),
            };
            lookup(&key).ok_or_else(|| eval_err(format!("`{key}` cannot be evaluated here")))?
        }
        Expr::Current(a) => {
            let key = format!("i({a})");
            lookup(&key).ok_or_else(|| eval_err(format!("`{key}` cannot be evaluated here")))?
        }
        Expr::Unary(UnOp::Neg, x) => -eval_inner(x, lookup)?,
        Expr::Unary(UnOp::Not, x) => b2f(!truth(eval_inner(x, lookup)?)),
        Expr::Binary(op, a, b) => {
            let x = eval_inner(a, lookup)?;
            // Short-circuit logic, as C does.
            match op {
                BinOp::And if !truth(x) => return Ok(0.0),
                BinOp::Or if truth(x) => return Ok(1.0),
                _ => {}
            }
            let y = eval_inner(b, lookup)?;
            match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => {
                    if y == 0.0 {
                        return Err(eval_err("division by zero"));
                    }
                    x / y
                }
                BinOp::Mod => {
                    if y == 0.0 {
                        return Err(eval_err("modulo by zero"));
                    }
                    x % y
                }
                // ngspice 39 takes the magnitude of the base: `(-2)^3` = 8.
                BinOp::Pow => x.abs().powf(y),
                BinOp::Lt => b2f(x < y),
                BinOp::Le => b2f(x <= y),
                BinOp::Gt => b2f(x > y),
                BinOp::Ge => b2f(x >= y),
                BinOp::Eq => b2f(x == y),
                BinOp::Ne => b2f(x != y),
                BinOp::And | BinOp::Or => b2f(truth(y)),
            }
        }
        Expr::Ternary(c, a, b) => {
            if truth(eval_inner(c, lookup)?) {
                eval_inner(a, lookup)?
            } else {
                eval_inner(b, lookup)?
            }
        }
        Expr::Call(name, args) => {
            let mut v = Vec::with_capacity(args.len());
            for a in args {
                v.push(eval_inner(a, lookup)?);
            }
            let random =
                RANDOM_FUNCTIONS.contains(&name.as_str()) && !(name == "limit" && v.len() == 3);
            if random {
                let mut draw = || {
                    lookup(RANDOM_KEY).ok_or_else(|| {
                        eval_err(format!(
                            "`{name}` draws a random number, not available here"
                        ))
                    })
                };
                random_call(name, &v, &mut draw)?
            } else {
                call(name, &v)?
            }
        }
    })
}

/// Apply the function `name` to evaluated arguments (not the random ones).
///
/// Where spinspice knowingly differs from ngspice 39's `.param` evaluation: `min`/`max`
/// take any number of arguments (ngspice's take two; with three it returns the min/max of
/// the first and last, with four it stops on a syntax error); `limit(x, lo, hi)` clamps
/// (ngspice has only the random `limit(nom, avar)`, and with three arguments returns
/// nom ± the last one); `u`, `uramp`, `atan2`, `if`, `sign` and `pwl` also work in
/// `.param` (ngspice has them in B sources only); `pi` is π (ngspice's `.param` does not
/// know it).
pub fn call(name: &str, a: &[f64]) -> Result<f64, ExprError> {
    let arg = |k: usize| {
        a.get(k)
            .copied()
            .ok_or_else(|| eval_err(format!("function `{name}` is missing argument {}", k + 1)))
    };
    Ok(match name {
        "sqrt" => {
            let x = arg(0)?;
            if x < 0.0 {
                return Err(eval_err(format!("sqrt of a negative number ({x})")));
            }
            x.sqrt()
        }
        "exp" => arg(0)?.exp(),
        "log" | "ln" | "log10" => {
            let x = arg(0)?;
            if x <= 0.0 {
                return Err(eval_err(format!("{name} of a non-positive number ({x})")));
            }
            if name == "log10" {
                x.log10()
            } else {
                x.ln()
            }
        }
        "abs" => arg(0)?.abs(),
        "uramp" => arg(0)?.max(0.0),
        // Half-way cases to even, as ngspice 39: nint(2.5) = 2, nint(3.5) = 4.
        "nint" => arg(0)?.round_ties_even(),
        "asinh" => arg(0)?.asinh(),
        "acosh" => arg(0)?.acosh(),
        "atanh" => arg(0)?.atanh(),
        "pwl" => pwl(arg(0)?, &a[1..]),
        "sin" => arg(0)?.sin(),
        "cos" => arg(0)?.cos(),
        "tan" => arg(0)?.tan(),
        "asin" => arg(0)?.asin(),
        "acos" => arg(0)?.acos(),
        "atan" => arg(0)?.atan(),
        "sinh" => arg(0)?.sinh(),
        "cosh" => arg(0)?.cosh(),
        "tanh" => arg(0)?.tanh(),
        "floor" => arg(0)?.floor(),
        "ceil" => arg(0)?.ceil(),
        "int" => arg(0)?.trunc(),
        "sgn" | "sign" => {
            let x = arg(0)?;
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }
        }
        // u(0) = 0.5, as ngspice 39's B sources.
        "u" => {
            let x = arg(0)?;
            if x == 0.0 {
                0.5
            } else {
                b2f(x > 0.0)
            }
        }
        "min" => a.iter().copied().fold(f64::INFINITY, f64::min),
        "max" => a.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        // In `.param` (numparam), as ngspice 39: `pow` is C's pow (a negative base needs an
        // integer exponent), `pwr` the magnitude's power: pow(-2,3) = -8, pwr(-2,3) = 8.
        "pow" => arg(0)?.powf(arg(1)?),
        "pwr" => arg(0)?.abs().powf(arg(1)?),
        "atan2" => arg(0)?.atan2(arg(1)?),
        "limit" => {
            let (x, p, q) = (arg(0)?, arg(1)?, arg(2)?);
            x.clamp(p.min(q), p.max(q))
        }
        _ => return Err(eval_err(format!("unknown function `{name}`"))),
    })
}

/// `pwl(x, x1, y1, x2, y2, ...)`: linear interpolation in the (x, y) pairs (x ascending),
/// extended beyond the ends along the first and last segments, as ngspice 39 does
/// (`pwl(2.5, 0,0, 1,1, 2,4)` = 5.5). One pair gives its y.
pub fn pwl(x: f64, pairs: &[f64]) -> f64 {
    let n = pairs.len() / 2;
    let p = |k: usize| (pairs[2 * k], pairs[2 * k + 1]);
    if n == 0 {
        return f64::NAN;
    }
    if n == 1 {
        return p(0).1;
    }
    // The segment holding x (the first or last one outside the table).
    let mut k = 0;
    while k + 2 < n && x > p(k + 1).0 {
        k += 1;
    }
    let ((x0, y0), (x1, y1)) = (p(k), p(k + 1));
    if x1 == x0 {
        return if x < x0 { y0 } else { y1 };
    }
    y0 + (x - x0) * (y1 - y0) / (x1 - x0)
}

/// The random functions; `draw` gives uniform numbers in [0, 1).
fn random_call(
    name: &str,
    a: &[f64],
    draw: &mut dyn FnMut() -> Result<f64, ExprError>,
) -> Result<f64, ExprError> {
    let nom = a.first().copied().unwrap_or(0.0);
    let var = a.get(1).copied().unwrap_or(0.0);
    let sigma = a.get(2).copied().unwrap_or(1.0);
    let mut normal = || -> Result<f64, ExprError> {
        // Box-Muller on (0, 1] x [0, 1).
        let u1 = 1.0 - draw()?;
        let u2 = draw()?;
        Ok((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos())
    };
    Ok(match name {
        "gauss" | "agauss" => {
            if sigma == 0.0 {
                return Err(eval_err(format!("`{name}` with sigma 0")));
            }
            let spread = if name == "gauss" { nom * var } else { var };
            nom + spread / sigma * normal()?
        }
        "unif" => nom + nom * var * (2.0 * draw()? - 1.0),
        "aunif" => nom + var * (2.0 * draw()? - 1.0),
        // limit(nom, avar): nom - avar or nom + avar, each with probability 1/2.
        _ => {
            if draw()? < 0.5 {
                nom - var
            } else {
                nom + var
            }
        }
    })
}

//! Evaluation of [`Expr`] trees.

use super::{BinOp, Expr, ExprError, UnOp};

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
                BinOp::Pow => x.powf(y),
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
            call(name, &v)?
        }
    })
}

/// Apply the function `name` to evaluated arguments.
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
        "u" => b2f(arg(0)? > 0.0),
        "min" => a.iter().copied().fold(f64::INFINITY, f64::min),
        "max" => a.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        "pow" | "pwr" => arg(0)?.powf(arg(1)?),
        "atan2" => arg(0)?.atan2(arg(1)?),
        "limit" => {
            let (x, p, q) = (arg(0)?, arg(1)?, arg(2)?);
            x.clamp(p.min(q), p.max(q))
        }
        _ => return Err(eval_err(format!("unknown function `{name}`"))),
    })
}

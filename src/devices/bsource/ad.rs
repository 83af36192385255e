//! Forward-mode automatic differentiation over a compiled B-source expression, without
//! allocation: each subexpression writes its partials (one per reference) into a slice;
//! operands of binary operators and extra function arguments get regions of a scratch
//! buffer sized once per source by [`need`].

use super::{Node, FUNCTIONS};
use crate::netlist::expr::{BinOp, UnOp};

/// Scratch regions (of `n` partials each) that evaluating `node` needs beyond its output.
pub fn need(node: &Node) -> usize {
    match node {
        Node::Num(_) | Node::Time | Node::Ref(_) => 0,
        Node::Un(_, a) => need(a),
        Node::Bin(_, a, b) => need(a).max(1 + need(b)),
        Node::Tern(c, a, b) => need(c).max(need(a)).max(need(b)),
        Node::Call(_, args) => {
            let first = args.first().map(need).unwrap_or(0);
            let rest = args.iter().skip(1).map(need).max().unwrap_or(0);
            first.max(args.len().saturating_sub(1) + rest)
        }
    }
}

fn truth(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// `d = a d + b e`.
fn lin(d: &mut [f64], a: f64, e: &[f64], b: f64) {
    for (x, y) in d.iter_mut().zip(e) {
        *x = a * *x + b * y;
    }
}

fn scale(d: &mut [f64], a: f64) {
    d.iter_mut().for_each(|x| *x *= a);
}

/// `|x|^y` (ngspice 39's `^`, `**` and `pow` in B sources: `(-2)^3` = 8) and its partial
/// derivatives `(value, d/dx, d/dy)`; `d/dy` only where `x != 0`.
fn power(x: f64, y: f64) -> (f64, f64, f64) {
    let m = x.abs();
    let v = m.powf(y);
    let dx = if m == 0.0 && y < 1.0 {
        0.0
    } else {
        y * m.powf(y - 1.0) * if x < 0.0 { -1.0 } else { 1.0 }
    };
    let dy = if m > 0.0 { v * m.ln() } else { 0.0 };
    (v, dx, dy)
}

/// Evaluate `node` at reference values `x` and `time`: returns the value and writes the
/// partials into `d`; `free` is scratch of at least `need(node) * d.len()` values.
pub fn ev(node: &Node, x: &[f64], time: f64, d: &mut [f64], free: &mut [f64]) -> f64 {
    let n = d.len();
    match node {
        Node::Num(v) => {
            d.fill(0.0);
            *v
        }
        Node::Time => {
            d.fill(0.0);
            time
        }
        Node::Ref(k) => {
            d.fill(0.0);
            d[*k] = 1.0;
            x[*k]
        }
        Node::Un(UnOp::Neg, a) => {
            let v = ev(a, x, time, d, free);
            scale(d, -1.0);
            -v
        }
        Node::Un(UnOp::Not, a) => {
            let v = ev(a, x, time, d, free);
            d.fill(0.0);
            truth(v == 0.0)
        }
        Node::Bin(op, a, b) => {
            let va = ev(a, x, time, d, free);
            let (bd, rest) = free.split_at_mut(n);
            let vb = ev(b, x, time, bd, rest);
            binary(*op, va, vb, d, bd)
        }
        Node::Tern(c, a, b) => {
            // The condition's derivative is dropped: piecewise constant.
            if ev(c, x, time, d, free) != 0.0 {
                ev(a, x, time, d, free)
            } else {
                ev(b, x, time, d, free)
            }
        }
        Node::Call(f, args) => call(FUNCTIONS[*f].0, args, x, time, d, free),
    }
}

fn binary(op: BinOp, a: f64, b: f64, d: &mut [f64], e: &[f64]) -> f64 {
    let flat = |d: &mut [f64], v: bool| {
        d.fill(0.0);
        truth(v)
    };
    match op {
        BinOp::Add => {
            lin(d, 1.0, e, 1.0);
            a + b
        }
        BinOp::Sub => {
            lin(d, 1.0, e, -1.0);
            a - b
        }
        BinOp::Mul => {
            lin(d, b, e, a);
            a * b
        }
        // Division by 0 gives a·1e32, as ngspice 39's B sources (0/0 = 0).
        BinOp::Div if b == 0.0 => {
            lin(d, 1e32, e, 0.0);
            a * 1e32
        }
        BinOp::Div => {
            lin(d, 1.0 / b, e, -a / (b * b));
            a / b
        }
        BinOp::Mod => {
            // fmod: d/da = 1, d/db = -trunc(a/b).
            lin(d, 1.0, e, -(a / b).trunc());
            a % b
        }
        BinOp::Pow => {
            let (v, dx, dy) = power(a, b);
            lin(d, dx, e, dy);
            v
        }
        BinOp::Lt => flat(d, a < b),
        BinOp::Le => flat(d, a <= b),
        BinOp::Gt => flat(d, a > b),
        BinOp::Ge => flat(d, a >= b),
        BinOp::Eq => flat(d, a == b),
        BinOp::Ne => flat(d, a != b),
        BinOp::And => flat(d, a != 0.0 && b != 0.0),
        BinOp::Or => flat(d, a != 0.0 || b != 0.0),
    }
}

fn call(name: &str, args: &[Node], x: &[f64], time: f64, d: &mut [f64], free: &mut [f64]) -> f64 {
    let n = d.len();
    let v0 = ev(&args[0], x, time, d, free);
    if name == "min" || name == "max" {
        // Any number of arguments: keep the partials of the one picked so far.
        let (r, rest) = free.split_at_mut(n);
        let mut best = v0;
        for a in &args[1..] {
            let v = ev(a, x, time, r, rest);
            if (name == "min" && v < best) || (name == "max" && v > best) {
                best = v;
                d.copy_from_slice(r);
            }
        }
        return best;
    }
    if name == "pwl" {
        return pwl(v0, &args[1..], x, time, d, free);
    }
    if args.len() == 1 {
        let (v, df) = unary(name, v0);
        // An infinite slope where the value is finite (sqrt at 0, asin at 1): Newton
        // takes a zero one there instead of stopping on an infinite update.
        let df = if df.is_finite() || !v.is_finite() {
            df
        } else {
            0.0
        };
        scale(d, df);
        return v;
    }
    // Two or three arguments: regions 1 and 2 of `free` hold the others' partials.
    let k = args.len() - 1;
    let (regs, rest) = free.split_at_mut(k * n);
    let mut vals = [v0, 0.0, 0.0];
    for (i, a) in args[1..].iter().enumerate() {
        vals[i + 1] = ev(a, x, time, &mut regs[i * n..(i + 1) * n], rest);
    }
    let (r1, r2) = regs.split_at(n);
    let (x0, y) = (vals[0], vals[1]);
    match name {
        "pow" => {
            let (v, dx, dy) = power(x0, y);
            lin(d, dx, r1, dy);
            v
        }
        "pwr" => {
            // sign(x) |x|^y.
            let s = if x0 < 0.0 { -1.0 } else { 1.0 };
            let m = x0.abs();
            let v = s * m.powf(y);
            let dx = if m == 0.0 { 0.0 } else { y * m.powf(y - 1.0) };
            let dy = if m > 0.0 { v * m.ln() } else { 0.0 };
            lin(d, dx, r1, dy);
            v
        }
        "atan2" => {
            // atan2(x, y): d/dx = y/r², d/dy = -x/r².
            let r2 = x0 * x0 + y * y;
            lin(d, y / r2, r1, -x0 / r2);
            x0.atan2(y)
        }
        "limit" => {
            let hi = vals[2];
            if x0 < y {
                d.copy_from_slice(r1);
                y
            } else if x0 > hi {
                d.copy_from_slice(&r2[..n]);
                hi
            } else {
                x0
            }
        }
        _ => f64::NAN,
    }
}

/// One-argument functions: value and derivative.
fn unary(name: &str, x: f64) -> (f64, f64) {
    match name {
        "sqrt" => {
            let v = x.sqrt();
            (v, 0.5 / v)
        }
        // ngspice 39's B-source guards: exp at most 1e99, a logarithm of 0 is -1e99
        // (of a negative number: NaN, an error, as ngspice stops there too).
        "exp" => {
            let v = x.exp();
            if v > 1e99 {
                (1e99, 0.0)
            } else {
                (v, v)
            }
        }
        "ln" | "log" | "log10" if x == 0.0 => (-1e99, 0.0),
        "ln" | "log" => (x.ln(), 1.0 / x),
        "log10" => (x.log10(), 1.0 / (x * std::f64::consts::LN_10)),
        "abs" => (x.abs(), if x < 0.0 { -1.0 } else { 1.0 }),
        "sin" => (x.sin(), x.cos()),
        "cos" => (x.cos(), -x.sin()),
        "tan" => {
            let c = x.cos();
            (x.tan(), 1.0 / (c * c))
        }
        "asin" => (x.asin(), 1.0 / (1.0 - x * x).sqrt()),
        "acos" => (x.acos(), -1.0 / (1.0 - x * x).sqrt()),
        "atan" => (x.atan(), 1.0 / (1.0 + x * x)),
        "sinh" => (x.sinh(), x.cosh()),
        "cosh" => (x.cosh(), x.sinh()),
        "tanh" => {
            let t = x.tanh();
            (t, 1.0 - t * t)
        }
        // Step-like functions: piecewise constant, zero derivative.
        // u(0) = 0.5, as ngspice 39.
        "u" => (if x == 0.0 { 0.5 } else { truth(x > 0.0) }, 0.0),
        "uramp" => (x.max(0.0), truth(x > 0.0)),
        "sgn" | "sign" => (x.signum() * truth(x != 0.0), 0.0),
        "floor" => (x.floor(), 0.0),
        "ceil" => (x.ceil(), 0.0),
        "int" => (x.trunc(), 0.0),
        "nint" => (x.round_ties_even(), 0.0),
        "asinh" => (x.asinh(), 1.0 / (x * x + 1.0).sqrt()),
        "acosh" => (x.acosh(), 1.0 / (x * x - 1.0).sqrt()),
        "atanh" => (x.atanh(), 1.0 / (1.0 - x * x)),
        _ => (f64::NAN, 0.0),
    }
}

/// `pwl(x, x1, y1, ...)` at `x0` (its partials already in `d`), as
/// [`crate::netlist::expr::pwl`]; the table's entries are taken as constants (their
/// partials are dropped). Evaluates the table pair by pair, without allocating.
fn pwl(x0: f64, table: &[Node], x: &[f64], time: f64, d: &mut [f64], free: &mut [f64]) -> f64 {
    let n = d.len();
    let (r, rest) = free.split_at_mut(n);
    let pairs = table.len() / 2;
    let mut prev: Option<(f64, f64)> = None;
    let mut seg = None;
    for k in 0..pairs {
        let xk = ev(&table[2 * k], x, time, r, rest);
        let yk = ev(&table[2 * k + 1], x, time, r, rest);
        if let Some((px, py)) = prev {
            seg = Some((px, py, xk, yk));
            if x0 <= xk {
                break;
            }
        }
        prev = Some((xk, yk));
    }
    match seg {
        Some((xa, ya, xb, yb)) if xb != xa => {
            let slope = (yb - ya) / (xb - xa);
            scale(d, slope);
            ya + (x0 - xa) * slope
        }
        Some((xa, ya, _, yb)) => {
            d.fill(0.0);
            if x0 < xa {
                ya
            } else {
                yb
            }
        }
        None => {
            d.fill(0.0);
            prev.map(|p| p.1).unwrap_or(f64::NAN)
        }
    }
}

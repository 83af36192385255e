//! Behavioural source (`B1 n+ n- v={expr}` or `i={expr}`).
//!
//! The expression may use `v(node)`, `v(a, b)`, `i(vsource)`, `time`, numbers (parameters
//! are substituted by the elaborator), the operators of [`crate::netlist::expr`] and the
//! functions listed in [`FUNCTIONS`]. Its derivatives with respect to every referenced
//! unknown come from forward-mode automatic differentiation over the expression tree (dual
//! numbers with one partial per referenced unknown): exact, no finite-difference step.
//! Comparisons, logic, conditionals' conditions and the step-like functions (`u`, `sgn`,
//! `floor`, `ceil`, `int`) have zero derivative: they are piecewise constant, so Newton sees
//! only the branch it is on (as in ngspice).
//!
//! Sign convention: `i=` is the current flowing from `n+` through the source to `n-`
//! (SPICE's current-source convention); `v=` is `v(n+) - v(n-)`, with a branch `i(bname)`.

use super::nlutil;
use super::{Device, Load, Setup, Slot, Unknown, GROUND};
use crate::elab::{Arg, Flat, Instance};
use crate::error::{Error, Result, Span};
use crate::netlist::expr::{BinOp, Expr, UnOp};

/// The functions a B-source expression may call, with their argument counts.
pub const FUNCTIONS: &[(&str, usize)] = &[
    ("sqrt", 1),
    ("exp", 1),
    ("ln", 1),
    ("log", 1),
    ("log10", 1),
    ("abs", 1),
    ("sin", 1),
    ("cos", 1),
    ("tan", 1),
    ("asin", 1),
    ("acos", 1),
    ("atan", 1),
    ("sinh", 1),
    ("cosh", 1),
    ("tanh", 1),
    ("u", 1),
    ("uramp", 1),
    ("sgn", 1),
    ("sign", 1),
    ("floor", 1),
    ("ceil", 1),
    ("int", 1),
    ("min", 2), // or more
    ("max", 2),
    ("pow", 2),
    ("pwr", 2),
    ("atan2", 2),
    ("limit", 3),
];

const USAGE: &str = "Bname n+ n- v={expr} | i={expr}";

/// A compiled expression: references resolved to indices of [`BSource::refs`].
#[derive(Debug, Clone)]
pub enum Node {
    Num(f64),
    Time,
    Ref(usize),
    Un(UnOp, Box<Node>),
    Bin(BinOp, Box<Node>, Box<Node>),
    Tern(Box<Node>, Box<Node>, Box<Node>),
    Call(usize, Vec<Node>),
}

/// What an expression reference points at (a node unknown, or a branch by source name).
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Node(Unknown),
    Branch(String),
}

/// A value with its partial derivatives (one per reference).
#[derive(Debug, Clone)]
pub struct Dual {
    pub v: f64,
    pub d: Vec<f64>,
}

impl Dual {
    fn constant(v: f64, n: usize) -> Dual {
        Dual { v, d: vec![0.0; n] }
    }
    /// `f(self)` with derivative `df` (chain rule).
    fn chain(mut self, v: f64, df: f64) -> Dual {
        for d in self.d.iter_mut() {
            *d *= df;
        }
        self.v = v;
        self
    }
    /// `a*self + b*o` derivatives with value `v`.
    fn lin(mut self, a: f64, o: &Dual, b: f64, v: f64) -> Dual {
        for (d, e) in self.d.iter_mut().zip(&o.d) {
            *d = a * *d + b * e;
        }
        self.v = v;
        self
    }
    fn flat(self, v: f64) -> Dual {
        let n = self.d.len();
        Dual::constant(v, n)
    }
}

/// Evaluate `node` with reference values `x` at `time`.
pub fn eval(node: &Node, x: &[f64], time: f64) -> Dual {
    let n = x.len();
    match node {
        Node::Num(v) => Dual::constant(*v, n),
        Node::Time => Dual::constant(time, n),
        Node::Ref(k) => {
            let mut d = Dual::constant(x[*k], n);
            d.d[*k] = 1.0;
            d
        }
        Node::Un(op, a) => {
            let a = eval(a, x, time);
            match op {
                UnOp::Neg => {
                    let v = -a.v;
                    a.chain(v, -1.0)
                }
                UnOp::Not => {
                    let v = if a.v == 0.0 { 1.0 } else { 0.0 };
                    a.flat(v)
                }
            }
        }
        Node::Bin(op, a, b) => binary(*op, eval(a, x, time), eval(b, x, time)),
        Node::Tern(c, a, b) => {
            if eval(c, x, time).v != 0.0 {
                eval(a, x, time)
            } else {
                eval(b, x, time)
            }
        }
        Node::Call(f, args) => {
            let mut a: Vec<Dual> = args.iter().map(|e| eval(e, x, time)).collect();
            call(FUNCTIONS[*f].0, &mut a)
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

fn binary(op: BinOp, a: Dual, b: Dual) -> Dual {
    let (x, y) = (a.v, b.v);
    match op {
        BinOp::Add => a.lin(1.0, &b, 1.0, x + y),
        BinOp::Sub => a.lin(1.0, &b, -1.0, x - y),
        BinOp::Mul => a.lin(y, &b, x, x * y),
        BinOp::Div => a.lin(1.0 / y, &b, -x / (y * y), x / y),
        BinOp::Pow => power(a, b),
        BinOp::Lt => a.flat(truth(x < y)),
        BinOp::Le => a.flat(truth(x <= y)),
        BinOp::Gt => a.flat(truth(x > y)),
        BinOp::Ge => a.flat(truth(x >= y)),
        BinOp::Eq => a.flat(truth(x == y)),
        BinOp::Ne => a.flat(truth(x != y)),
        BinOp::And => a.flat(truth(x != 0.0 && y != 0.0)),
        BinOp::Or => a.flat(truth(x != 0.0 || y != 0.0)),
    }
}

/// `a^b`: `d = b a^(b-1) da + a^b ln(a) db` (the second term only where `a > 0`).
fn power(a: Dual, b: Dual) -> Dual {
    let (x, y) = (a.v, b.v);
    let v = x.powf(y);
    let da = if x == 0.0 && y < 1.0 {
        0.0
    } else {
        y * x.powf(y - 1.0)
    };
    let db = if x > 0.0 { v * x.ln() } else { 0.0 };
    a.lin(da, &b, db, v)
}

fn call(name: &str, a: &mut [Dual]) -> Dual {
    let x = a[0].v;
    let one = |a: &mut [Dual], v: f64, d: f64| {
        std::mem::replace(&mut a[0], Dual::constant(0.0, 0)).chain(v, d)
    };
    match name {
        "sqrt" => {
            let v = x.sqrt();
            one(a, v, 0.5 / v)
        }
        "exp" => {
            let v = x.exp();
            one(a, v, v)
        }
        "ln" | "log" => one(a, x.ln(), 1.0 / x),
        "log10" => one(a, x.log10(), 1.0 / (x * std::f64::consts::LN_10)),
        "abs" => one(a, x.abs(), if x < 0.0 { -1.0 } else { 1.0 }),
        "sin" => one(a, x.sin(), x.cos()),
        "cos" => one(a, x.cos(), -x.sin()),
        "tan" => {
            let c = x.cos();
            one(a, x.tan(), 1.0 / (c * c))
        }
        "asin" => one(a, x.asin(), 1.0 / (1.0 - x * x).sqrt()),
        "acos" => one(a, x.acos(), -1.0 / (1.0 - x * x).sqrt()),
        "atan" => one(a, x.atan(), 1.0 / (1.0 + x * x)),
        "sinh" => one(a, x.sinh(), x.cosh()),
        "cosh" => one(a, x.cosh(), x.sinh()),
        "tanh" => {
            let t = x.tanh();
            one(a, t, 1.0 - t * t)
        }
        "u" => one(a, truth(x > 0.0), 0.0),
        "uramp" => one(a, x.max(0.0), truth(x > 0.0)),
        "sgn" | "sign" => one(a, x.signum() * truth(x != 0.0), 0.0),
        "floor" => one(a, x.floor(), 0.0),
        "ceil" => one(a, x.ceil(), 0.0),
        "int" => one(a, x.trunc(), 0.0),
        "min" | "max" => {
            // Any number of arguments (at least two): the derivative of the one picked.
            let mut k = 0;
            for (j, d) in a.iter().enumerate().skip(1) {
                if (name == "min" && d.v < a[k].v) || (name == "max" && d.v > a[k].v) {
                    k = j;
                }
            }
            std::mem::replace(&mut a[k], Dual::constant(0.0, 0))
        }
        "pow" => {
            let b = a[1].clone();
            power(a[0].clone(), b)
        }
        "pwr" => {
            // sign(x) |x|^y.
            let y = a[1].v;
            let s = if x < 0.0 { -1.0 } else { 1.0 };
            let m = x.abs();
            let v = s * m.powf(y);
            let dx = if m == 0.0 { 0.0 } else { y * m.powf(y - 1.0) };
            let dy = if m > 0.0 { v * m.ln() } else { 0.0 };
            let b = a[1].clone();
            a[0].clone().lin(dx, &b, dy, v)
        }
        "atan2" => {
            let y = a[1].v;
            let r2 = x * x + y * y;
            let b = a[1].clone();
            // atan2(x, y): d/dx = y/r², d/dy = -x/r².
            a[0].clone().lin(y / r2, &b, -x / r2, x.atan2(y))
        }
        "limit" => {
            let (lo, hi) = (a[1].v, a[2].v);
            if x < lo {
                a[1].clone()
            } else if x > hi {
                a[2].clone()
            } else {
                a[0].clone()
            }
        }
        _ => a[0].clone().flat(f64::NAN),
    }
}

/// A behavioural source.
#[derive(Debug)]
pub struct BSource {
    name: String,
    p: Unknown,
    n: Unknown,
    voltage: bool,
    expr: Node,
    refs: Vec<Target>,
    /// Resolved unknowns of `refs` (after setup).
    unk: Vec<Unknown>,
    br: Unknown,
    span: Span,
    s_br: [Slot; 4],
    s_ref: Vec<[Slot; 2]>,
    xs: Vec<f64>,
}

impl BSource {
    /// Construct from an elaborated `B` line.
    pub fn boxed(inst: &Instance, flat: &Flat) -> Result<Box<dyn Device>> {
        nlutil::want_nodes(inst, 2, USAGE)?;
        let (voltage, e) = match inst.args.as_slice() {
            [Arg::Word(w), Arg::Expr(e)] if w == "v" || w == "i" => (w == "v", e),
            _ => {
                return Err(Error::at(
                    inst.span.clone(),
                    format!("behavioural source `{}` needs v=expr or i=expr", inst.name),
                    Some(format!("usage: {USAGE}")),
                ))
            }
        };
        let mut refs = Vec::new();
        let expr = compile(e, flat, &mut refs, &inst.span)?;
        Ok(Box::new(BSource {
            name: inst.name.clone(),
            p: nlutil::unknown_of(inst.nodes[0]),
            n: nlutil::unknown_of(inst.nodes[1]),
            voltage,
            expr,
            unk: vec![GROUND; refs.len()],
            xs: vec![0.0; refs.len()],
            s_ref: vec![[Slot::NONE; 2]; refs.len()],
            refs,
            br: GROUND,
            span: inst.span.clone(),
            s_br: [Slot::NONE; 4],
        }))
    }
}

fn reference(refs: &mut Vec<Target>, t: Target) -> Node {
    let k = refs.iter().position(|r| *r == t).unwrap_or_else(|| {
        refs.push(t);
        refs.len() - 1
    });
    Node::Ref(k)
}

/// Resolve names and check functions.
pub fn compile(e: &Expr, flat: &Flat, refs: &mut Vec<Target>, span: &Span) -> Result<Node> {
    let err = |m: String, h: Option<String>| Error::at(span.clone(), m, h);
    let node = |name: &str, refs: &mut Vec<Target>| -> Result<Node> {
        let id = flat.node(name).ok_or_else(|| {
            err(
                format!("unknown node `{name}` in behavioural expression"),
                None,
            )
        })?;
        let u = nlutil::unknown_of(id);
        Ok(if u == GROUND {
            Node::Num(0.0)
        } else {
            reference(refs, Target::Node(u))
        })
    };
    Ok(match e {
        Expr::Num(v) => Node::Num(*v),
        Expr::Var(v) => match v.as_str() {
            "time" => Node::Time,
            "temper" => Node::Num(27.0),
            "hertz" => Node::Num(0.0),
            "pi" => Node::Num(std::f64::consts::PI),
            _ => {
                return Err(err(
                    format!("unknown name `{v}` in behavioural expression"),
                    Some("use v(node), i(vsource), time, or a .param".into()),
                ))
            }
        },
        Expr::Voltage(a, b) => {
            let va = node(a, refs)?;
            match b {
                None => va,
                Some(b) => Node::Bin(BinOp::Sub, Box::new(va), Box::new(node(b, refs)?)),
            }
        }
        Expr::Current(s) => reference(refs, Target::Branch(s.to_ascii_lowercase())),
        Expr::Unary(op, a) => Node::Un(*op, Box::new(compile(a, flat, refs, span)?)),
        Expr::Binary(op, a, b) => Node::Bin(
            *op,
            Box::new(compile(a, flat, refs, span)?),
            Box::new(compile(b, flat, refs, span)?),
        ),
        Expr::Ternary(c, a, b) => Node::Tern(
            Box::new(compile(c, flat, refs, span)?),
            Box::new(compile(a, flat, refs, span)?),
            Box::new(compile(b, flat, refs, span)?),
        ),
        Expr::Call(f, args) => {
            let Some(k) = FUNCTIONS.iter().position(|(n, _)| n == f) else {
                let names: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
                return Err(err(
                    format!("unknown function `{f}` in behavioural expression"),
                    Some(format!("known functions: {}", names.join(", "))),
                ));
            };
            let variadic = f == "min" || f == "max";
            if args.len() != FUNCTIONS[k].1 && !(variadic && args.len() >= 2) {
                return Err(err(
                    format!(
                        "`{f}` takes {} argument(s), got {}",
                        FUNCTIONS[k].1,
                        args.len()
                    ),
                    None,
                ));
            }
            let a = args
                .iter()
                .map(|a| compile(a, flat, refs, span))
                .collect::<Result<_>>()?;
            Node::Call(k, a)
        }
    })
}

impl Device for BSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn allocate(&mut self, a: &mut super::Alloc) {
        if self.voltage {
            self.br = a.branch(&self.name.clone());
        }
    }

    fn setup(&mut self, s: &mut Setup) -> Result<()> {
        for (k, r) in self.refs.iter().enumerate() {
            self.unk[k] = match r {
                Target::Node(u) => *u,
                Target::Branch(b) => s.branch_of(b).ok_or_else(|| {
                    Error::at(
                        self.span.clone(),
                        format!("i({b}) in `{}`: `{b}` has no branch current", self.name),
                        Some("i() takes a voltage source or inductor name".into()),
                    )
                })?,
            };
        }
        let (p, n, b) = (self.p, self.n, self.br);
        if self.voltage {
            self.s_br = [s.slot(p, b), s.slot(n, b), s.slot(b, p), s.slot(b, n)];
            for (k, u) in self.unk.iter().enumerate() {
                self.s_ref[k] = [s.slot(b, *u), Slot::NONE];
            }
        } else {
            for (k, u) in self.unk.iter().enumerate() {
                self.s_ref[k] = [s.slot(p, *u), s.slot(n, *u)];
            }
        }
        Ok(())
    }

    fn load(&mut self, l: &mut Load) -> Result<()> {
        for (k, u) in self.unk.iter().enumerate() {
            self.xs[k] = l.v(*u);
        }
        let f = eval(&self.expr, &self.xs, l.time);
        if !f.v.is_finite() {
            return Err(Error::Convergence(format!(
                "behavioural source `{}` evaluated to {} at time {:e} s",
                self.name, f.v, l.time
            )));
        }
        let lin: f64 = f.d.iter().zip(&self.xs).map(|(d, x)| d * x).sum();
        let val = f.v * l.src_factor;
        if self.voltage {
            l.add(self.s_br[0], 1.0);
            l.add(self.s_br[1], -1.0);
            l.add(self.s_br[2], 1.0);
            l.add(self.s_br[3], -1.0);
            for (k, d) in f.d.iter().enumerate() {
                l.add(self.s_ref[k][0], -d * l.src_factor);
            }
            l.rhs(self.br, val - lin * l.src_factor);
        } else {
            for (k, d) in f.d.iter().enumerate() {
                l.add(self.s_ref[k][0], d * l.src_factor);
                l.add(self.s_ref[k][1], -d * l.src_factor);
            }
            let c = val - lin * l.src_factor;
            l.rhs(self.p, -c);
            l.rhs(self.n, c);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

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
    ("nint", 1),
    ("asinh", 1),
    ("acosh", 1),
    ("atanh", 1),
    ("pwl", 3), // x, then (x, y) pairs: any odd count from 3
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

mod ad;

/// A value with its partial derivatives (one per reference).
#[derive(Debug, Clone)]
pub struct Dual {
    pub v: f64,
    pub d: Vec<f64>,
}

/// Evaluate `node` with reference values `x` at `time` (allocating; the device itself
/// evaluates into buffers it keeps).
pub fn eval(node: &Node, x: &[f64], time: f64) -> Dual {
    let n = x.len();
    let mut d = vec![0.0; n];
    let mut free = vec![0.0; ad::need(node) * n];
    let v = ad::ev(node, x, time, &mut d, &mut free);
    Dual { v, d }
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
    /// Reference values, partials and AD scratch (sized once).
    xs: Vec<f64>,
    d: Vec<f64>,
    free: Vec<f64>,
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
        let scratch = ad::need(&expr) * refs.len();
        Ok(Box::new(BSource {
            name: inst.name.clone(),
            p: nlutil::unknown_of(inst.nodes[0]),
            n: nlutil::unknown_of(inst.nodes[1]),
            voltage,
            expr,
            unk: vec![GROUND; refs.len()],
            xs: vec![0.0; refs.len()],
            d: vec![0.0; refs.len()],
            free: vec![0.0; scratch],
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
            let pwl_ok = f == "pwl" && args.len() >= 3 && args.len() % 2 == 1;
            if args.len() != FUNCTIONS[k].1 && !(variadic && args.len() >= 2) && !pwl_ok {
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
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
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
        let v = ad::ev(&self.expr, &self.xs, l.time, &mut self.d, &mut self.free);
        if !v.is_finite() {
            return Err(Error::Convergence(format!(
                "behavioural source `{}` evaluated to {} at time {:e} s",
                self.name, v, l.time
            )));
        }
        let lin: f64 = self.d.iter().zip(&self.xs).map(|(d, x)| d * x).sum();
        let val = v * l.src_factor;
        if self.voltage {
            l.add(self.s_br[0], 1.0);
            l.add(self.s_br[1], -1.0);
            l.add(self.s_br[2], 1.0);
            l.add(self.s_br[3], -1.0);
            for (k, d) in self.d.iter().enumerate() {
                l.add(self.s_ref[k][0], -d * l.src_factor);
            }
            l.rhs(self.br, val - lin * l.src_factor);
        } else {
            for (k, d) in self.d.iter().enumerate() {
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

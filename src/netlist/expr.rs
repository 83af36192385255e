//! Expressions: `.param` arithmetic, `{...}` values and B-source expressions.
//!
//! [`parse_expr`] turns text into an [`Expr`]; [`eval`] evaluates it with a lookup for
//! names. Grammar, lowest precedence first: `c ? a : b`, `||`, `&&`, comparisons
//! (`== != < <= > >=`, left associative: `3>2>1` is 0), `+ -`, `* / %` (left to right:
//! `1+2*3%4` = 3), unary `- + !`, power `^` / `**` (left associative and binding tighter
//! than unary minus, as ngspice 39: `2^3^2` = 64, `-2^2` = -4; the exponent may carry a
//! sign, `2^-1`), atoms: numbers with SPICE suffixes (`1k`), names, `(...)`, `{...}`,
//! function calls, `v(a)`, `v(a, b)`, `i(vname)`.
//!
//! A call of a name that is no built-in function parses as [`Expr::Call`] too: it may be
//! a `.func` user function, which elaboration expands (see `elab::params`).

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

/// Binary operators (comparisons and logic give 1.0 or 0.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `%`: C's `fmod` (the sign of the dividend), as ngspice: `-7%3` = -1.
    Mod,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

/// An expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    /// A parameter name, or `time` / `temper` / `hertz`, lower case.
    Var(String),
    /// `v(a)` or `v(a, b)`: node names, lower case (flattened after elaboration).
    Voltage(String, Option<String>),
    /// `i(vname)`: a voltage source's (or inductor's) branch current.
    Current(String),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `c ? a : b`, or `if(c, a, b)`.
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A function call: `sqrt`, `exp`, `log`, `abs`, `min`, `max`, `pow`, ... lower case.
    Call(String, Vec<Expr>),
}

/// An error parsing or evaluating an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Byte offset into the parsed text where the problem is (parse errors only).
    pub offset: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for ExprError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

/// The functions [`parse_expr`] accepts, with their (minimum, maximum) argument counts.
/// `if(c, a, b)` and `ternary_fcn(c, a, b)` become [`Expr::Ternary`].
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("sqrt", 1, 1),
    ("exp", 1, 1),
    ("log", 1, 1),
    ("ln", 1, 1),
    ("log10", 1, 1),
    ("abs", 1, 1),
    ("sin", 1, 1),
    ("cos", 1, 1),
    ("tan", 1, 1),
    ("asin", 1, 1),
    ("acos", 1, 1),
    ("atan", 1, 1),
    ("sinh", 1, 1),
    ("cosh", 1, 1),
    ("tanh", 1, 1),
    ("floor", 1, 1),
    ("ceil", 1, 1),
    ("int", 1, 1),
    ("sgn", 1, 1),
    ("sign", 1, 1),
    ("u", 1, 1),
    ("uramp", 1, 1),
    ("nint", 1, 1),
    ("asinh", 1, 1),
    ("acosh", 1, 1),
    ("atanh", 1, 1),
    ("min", 2, usize::MAX),
    ("max", 2, usize::MAX),
    ("pow", 2, 2),
    ("pwr", 2, 2),
    ("atan2", 2, 2),
    ("limit", 2, 3),
    ("pwl", 3, usize::MAX),
    ("gauss", 2, 3),
    ("agauss", 2, 3),
    ("unif", 2, 2),
    ("aunif", 2, 2),
];

/// The random functions (ngspice's Monte-Carlo set): `gauss(nom, rvar, sigma)`,
/// `agauss(nom, avar, sigma)`, `unif(nom, rvar)`, `aunif(nom, avar)`, `limit(nom, avar)`.
/// [`eval`] draws their random numbers from the lookup (see [`RANDOM_KEY`]).
pub const RANDOM_FUNCTIONS: &[&str] = &["gauss", "agauss", "unif", "aunif", "limit"];

/// The name [`eval`] asks its lookup for to draw one uniform number in [0, 1) for a random
/// function (a name no netlist can write). A lookup without it makes random functions an
/// error.
pub const RANDOM_KEY: &str = "#uniform";

// ---------------------------------------------------------------------------------------
// Parser (nom). Errors carry the remaining input, so the offset is `text.len() - rest.len()`.

#[derive(Debug)]
struct PErr<'a> {
    at: &'a str,
    msg: String,
}

impl<'a> ParseError<&'a str> for PErr<'a> {
    fn from_error_kind(input: &'a str, _kind: ErrorKind) -> Self {
        PErr {
            at: input,
            msg: String::new(),
        }
    }
    fn append(_input: &'a str, _kind: ErrorKind, other: Self) -> Self {
        other
    }
}

type R<'a, T> = IResult<&'a str, T, PErr<'a>>;

/// A hard error at `at` (stops alternatives).
fn fail<T>(at: &str, msg: impl Into<String>) -> R<'_, T> {
    Err(nom::Err::Failure(PErr {
        at,
        msg: msg.into(),
    }))
}

fn ws(i: &str) -> &str {
    i.trim_start()
}

/// The symbol `s` after optional whitespace.
fn sym<'a>(s: &'static str) -> impl FnMut(&'a str) -> R<'a, &'a str> {
    move |i: &'a str| tag(s).parse(ws(i))
}

/// Expect `s` or fail with "expected `s`".
fn expect<'a>(i: &'a str, s: &'static str) -> R<'a, &'a str> {
    match sym(s)(i) {
        Ok(r) => Ok(r),
        Err(_) => fail(ws(i), format!("expected `{s}`")),
    }
}

thread_local! {
    /// Current recursion depth of the parser (bounded by [`MAX_DEPTH`]).
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts one level of parser recursion while alive.
struct Level;

impl Level {
    fn enter(at: &str) -> Result<Level, nom::Err<PErr<'_>>> {
        let d = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        let level = Level;
        if d > MAX_DEPTH {
            return Err(nom::Err::Failure(PErr {
                at,
                msg: format!("expression nested more than {MAX_DEPTH} levels deep"),
            }));
        }
        Ok(level)
    }
}

impl Drop for Level {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

fn ternary(i: &str) -> R<'_, Expr> {
    let _level = Level::enter(i)?;
    let (i, c) = or_expr(i)?;
    if let Ok((i, _)) = sym("?")(i) {
        let (i, a) = ternary(i)?;
        let (i, _) = expect(i, ":")?;
        let (i, b) = ternary(i)?;
        return Ok((i, Expr::Ternary(Box::new(c), Box::new(a), Box::new(b))));
    }
    Ok((i, c))
}

/// A left-associative chain of `next` joined by the operators in `ops` (tried in order).
fn chain<'a>(
    i: &'a str,
    next: fn(&'a str) -> R<'a, Expr>,
    ops: &[(&'static str, BinOp)],
    not_followed: &[&'static str],
) -> R<'a, Expr> {
    let (mut i, mut lhs) = next(i)?;
    // Each operator deepens the (left-leaning) tree by one: count it as a level.
    let mut levels = Vec::new();
    'outer: loop {
        let t = ws(i);
        for bad in not_followed {
            if t.starts_with(bad) {
                break 'outer;
            }
        }
        for &(s, op) in ops {
            if let Some(rest) = t.strip_prefix(s) {
                levels.push(Level::enter(t)?);
                let (r, rhs) = next(rest)?;
                lhs = Expr::Binary(op, Box::new(lhs), Box::new(rhs));
                i = r;
                continue 'outer;
            }
        }
        break;
    }
    Ok((i, lhs))
}

fn or_expr(i: &str) -> R<'_, Expr> {
    chain(i, and_expr, &[("||", BinOp::Or)], &[])
}

fn and_expr(i: &str) -> R<'_, Expr> {
    chain(i, cmp_expr, &[("&&", BinOp::And)], &[])
}

fn cmp_expr(i: &str) -> R<'_, Expr> {
    chain(
        i,
        add_expr,
        &[
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
        ],
        &[],
    )
}

fn add_expr(i: &str) -> R<'_, Expr> {
    chain(i, mul_expr, &[("+", BinOp::Add), ("-", BinOp::Sub)], &[])
}

fn mul_expr(i: &str) -> R<'_, Expr> {
    chain(
        i,
        unary,
        &[("*", BinOp::Mul), ("/", BinOp::Div), ("%", BinOp::Mod)],
        &["**"],
    )
}

fn unary(i: &str) -> R<'_, Expr> {
    let _level = Level::enter(i)?;
    let t = ws(i);
    if let Some(rest) = t.strip_prefix('-') {
        let (r, e) = unary(rest)?;
        return Ok((r, Expr::Unary(UnOp::Neg, Box::new(e))));
    }
    if let Some(rest) = t.strip_prefix('+') {
        return unary(rest);
    }
    if let Some(rest) = t.strip_prefix('!') {
        if !rest.starts_with('=') {
            let (r, e) = unary(rest)?;
            return Ok((r, Expr::Unary(UnOp::Not, Box::new(e))));
        }
    }
    power(t)
}

/// `a ^ b ^ c` = `(a ^ b) ^ c` (ngspice 39 gives 64 for `2^3^2`).
fn power(i: &str) -> R<'_, Expr> {
    let (mut i, mut base) = atom(i)?;
    let mut levels = Vec::new();
    while let Ok((r, _)) = alt((sym("**"), sym("^"))).parse(i) {
        levels.push(Level::enter(r)?);
        let (r, exp) = signed_atom(r)?;
        base = Expr::Binary(BinOp::Pow, Box::new(base), Box::new(exp));
        i = r;
    }
    Ok((i, base))
}

/// An exponent: an atom with optional signs (`2^-1`, `2^+3`).
fn signed_atom(i: &str) -> R<'_, Expr> {
    let _level = Level::enter(i)?;
    let t = ws(i);
    if let Some(rest) = t.strip_prefix('-') {
        let (r, e) = signed_atom(rest)?;
        return Ok((r, Expr::Unary(UnOp::Neg, Box::new(e))));
    }
    if let Some(rest) = t.strip_prefix('+') {
        return signed_atom(rest);
    }
    atom(t)
}

fn ident(i: &str) -> R<'_, &str> {
    let (r, first) = take_while1(|c: char| c.is_ascii_alphabetic() || c == '_').parse(i)?;
    let (r2, more) = take_while(|c: char| c.is_ascii_alphanumeric() || c == '_').parse(r)?;
    Ok((r2, &i[..first.len() + more.len()]))
}

/// A node or source name inside `v(...)` / `i(...)`: anything up to `,`, `)` or space.
fn node_name(i: &str) -> R<'_, String> {
    let t = ws(i);
    match take_while1::<_, _, PErr>(|c: char| !(c.is_whitespace() || c == ',' || c == ')')).parse(t)
    {
        Ok((r, n)) => Ok((r, n.to_ascii_lowercase())),
        Err(_) => fail(t, "expected a node name"),
    }
}

fn atom(i: &str) -> R<'_, Expr> {
    let t = ws(i);
    if let Some(rest) = t.strip_prefix('(') {
        let (r, e) = ternary(rest)?;
        let (r, _) = expect(r, ")")?;
        return Ok((r, e));
    }
    if let Some(rest) = t.strip_prefix('{') {
        let (r, e) = ternary(rest)?;
        let (r, _) = expect(r, "}")?;
        return Ok((r, e));
    }
    let starts_number = t.starts_with(|c: char| c.is_ascii_digit())
        || (t.starts_with('.') && t[1..].starts_with(|c: char| c.is_ascii_digit()));
    if starts_number {
        return match crate::units::parse_number_prefix(t) {
            Some((v, n)) if v.is_finite() => Ok((&t[n..], Expr::Num(v))),
            _ => fail(t, "malformed number"),
        };
    }
    let Ok((r, name)) = ident(t) else {
        return if t.is_empty() {
            fail(t, "expected a value, found the end of the expression")
        } else {
            fail(t, "expected a number, a name or `(`")
        };
    };
    let lname = name.to_ascii_lowercase();
    let Ok((r_open, _)) = sym("(")(r) else {
        return Ok((r, Expr::Var(lname)));
    };
    match lname.as_str() {
        "v" => {
            let (r, a) = node_name(r_open)?;
            let (r, b) = if let Ok((r, _)) = sym(",")(r) {
                let (r, b) = node_name(r)?;
                (r, Some(b))
            } else {
                (r, None)
            };
            let (r, _) = expect(r, ")")?;
            Ok((r, Expr::Voltage(a, b)))
        }
        "i" => {
            let (r, a) = node_name(r_open)?;
            let (r, _) = expect(r, ")")?;
            Ok((r, Expr::Current(a)))
        }
        _ => {
            let (r, args) = call_args(r_open)?;
            if lname == "if" || lname == "ternary_fcn" {
                if args.len() != 3 {
                    return fail(
                        t,
                        format!("`{lname}` takes 3 arguments, got {}", args.len()),
                    );
                }
                let mut it = args.into_iter();
                let (c, a, b) = (it.next(), it.next(), it.next());
                if let (Some(c), Some(a), Some(b)) = (c, a, b) {
                    return Ok((r, Expr::Ternary(Box::new(c), Box::new(a), Box::new(b))));
                }
                return fail(t, "`if` takes 3 arguments");
            }
            let Some(&(_, lo, hi)) = FUNCTIONS.iter().find(|f| f.0 == lname) else {
                // Perhaps a `.func`: elaboration expands it or says it is unknown.
                return Ok((r, Expr::Call(lname, args)));
            };
            if args.len() < lo || args.len() > hi || (lname == "pwl" && args.len() % 2 == 0) {
                let want = if lname == "pwl" {
                    "x and (x, y) pairs: an odd number of".to_string()
                } else if lo == hi {
                    format!("{lo}")
                } else if hi == usize::MAX {
                    format!("at least {lo}")
                } else {
                    format!("{lo} to {hi}")
                };
                return fail(
                    t,
                    format!(
                        "function `{lname}` takes {want} argument(s), got {}",
                        args.len()
                    ),
                );
            }
            Ok((r, Expr::Call(lname, args)))
        }
    }
}

fn call_args(i: &str) -> R<'_, Vec<Expr>> {
    if let Ok((r, _)) = sym(")")(i) {
        return Ok((r, Vec::new()));
    }
    let mut args = Vec::new();
    let mut i = i;
    loop {
        let (r, e) = ternary(i)?;
        args.push(e);
        if let Ok((r, _)) = sym(",")(r) {
            i = r;
            continue;
        }
        let (r, _) = expect(r, ")")?;
        return Ok((r, args));
    }
}

/// Deepest nesting [`parse_expr`] accepts (parentheses, unary operators, ternaries, powers).
pub const MAX_DEPTH: usize = 256;

/// Parse an expression. The whole text must be one expression (surrounding `{}` or `''`
/// already removed by the caller; inner `{...}` act as parentheses).
pub fn parse_expr(text: &str) -> Result<Expr, ExprError> {
    DEPTH.with(|d| d.set(0));
    let err = |at: &str, msg: String| ExprError {
        offset: Some(text.len() - at.len()),
        message: msg,
    };
    match ternary(text) {
        Ok((rest, e)) => {
            let rest_t = ws(rest);
            if rest_t.is_empty() {
                Ok(e)
            } else {
                let tok: String = rest_t.chars().take_while(|c| !c.is_whitespace()).collect();
                Err(err(rest_t, format!("unexpected `{tok}` in expression")))
            }
        }
        Err(nom::Err::Failure(e)) | Err(nom::Err::Error(e)) => {
            let msg = if e.msg.is_empty() {
                "malformed expression".to_string()
            } else {
                e.msg
            };
            Err(err(e.at, msg))
        }
        Err(nom::Err::Incomplete(_)) => Err(err("", "incomplete expression".into())),
    }
}

impl Expr {
    /// Rebuild the tree bottom-up, replacing every node for which `f` returns `Some`.
    pub fn rewrite(&self, f: &mut dyn FnMut(&Expr) -> Option<Expr>) -> Expr {
        if let Some(r) = f(self) {
            return r;
        }
        match self {
            Expr::Num(_) | Expr::Var(_) | Expr::Voltage(..) | Expr::Current(_) => self.clone(),
            Expr::Unary(op, x) => Expr::Unary(*op, Box::new(x.rewrite(f))),
            Expr::Binary(op, a, b) => {
                Expr::Binary(*op, Box::new(a.rewrite(f)), Box::new(b.rewrite(f)))
            }
            Expr::Ternary(c, a, b) => Expr::Ternary(
                Box::new(c.rewrite(f)),
                Box::new(a.rewrite(f)),
                Box::new(b.rewrite(f)),
            ),
            Expr::Call(n, args) => {
                Expr::Call(n.clone(), args.iter().map(|a| a.rewrite(f)).collect())
            }
        }
    }

    /// Names of the variables ([`Expr::Var`]) used, in first-use order, without repeats.
    pub fn vars(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Var(n) = e {
                if !out.contains(n) {
                    out.push(n.clone());
                }
            }
        });
        out
    }

    /// Call `f` on every node of the tree, parents first.
    pub fn visit(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Num(_) | Expr::Var(_) | Expr::Voltage(..) | Expr::Current(_) => {}
            Expr::Unary(_, x) => x.visit(f),
            Expr::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            Expr::Ternary(c, a, b) => {
                c.visit(f);
                a.visit(f);
                b.visit(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
        }
    }
}

mod eval;
pub use eval::{call, eval};

#[cfg(test)]
mod tests;

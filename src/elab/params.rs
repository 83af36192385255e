//! Parameter scopes and evaluation of values.
//!
//! A [`Scope`] maps names to numbers and falls back to its parent. A block of `.param`
//! assignments (or subcircuit defaults) is evaluated with forward references resolved:
//! each parameter's dependencies inside the block are evaluated first, whatever the order
//! they are written in; a cycle is an error.
//!
//! A scope also holds the `.func` user functions defined in its body: [`Scope::expand`]
//! replaces their calls by their bodies (arguments substituted) before evaluation, and the
//! root scope holds the random generator of `gauss`, `agauss`, `unif`, `aunif`, `limit`.

use std::cell::Cell;
use std::collections::HashMap;

use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Assign, FuncDef, Value};
use crate::netlist::expr::{eval, parse_expr, Expr, ExprError, FUNCTIONS, RANDOM_KEY};
use crate::units::parse_number;

/// Deepest nesting of user-function calls [`Scope::expand`] follows.
pub const MAX_FUNC_DEPTH: usize = 64;

/// Largest expression (in tree nodes) that expanding user functions may produce.
pub const MAX_EXPANDED_NODES: usize = 100_000;

/// Deepest expression tree that expanding user functions may produce (evaluation
/// recurses once per level).
pub const MAX_EXPANDED_DEPTH: usize = 1_500;

fn size(e: &Expr) -> usize {
    let mut n = 0;
    e.visit(&mut |_| n += 1);
    n
}

fn depth(e: &Expr) -> usize {
    1 + match e {
        Expr::Num(_) | Expr::Var(_) | Expr::Voltage(..) | Expr::Current(_) => 0,
        Expr::Unary(_, x) => depth(x),
        Expr::Binary(_, a, b) => depth(a).max(depth(b)),
        Expr::Ternary(c, a, b) => depth(c).max(depth(a)).max(depth(b)),
        Expr::Call(_, args) => args.iter().map(depth).max().unwrap_or(0),
    }
}

/// The random generator of the random functions: SplitMix64 (Steele, Lea and Flood,
/// "Fast splittable pseudorandom number generators", OOPSLA 2014), seeded by `.options
/// seed=N` (default [`DEFAULT_SEED`]), so runs are reproducible.
#[derive(Debug, Default)]
pub struct Rng(Cell<u64>);

/// The seed without `.options seed=N`.
pub const DEFAULT_SEED: u64 = 1;

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(Cell::new(seed))
    }

    /// The next number, uniform in [0, 1) (53 random bits).
    pub fn uniform(&self) -> f64 {
        let s = self.0.get().wrapping_add(0x9e37_79b9_7f4a_7c15);
        self.0.set(s);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Names bound to numbers, with a parent scope.
#[derive(Debug, Default)]
pub struct Scope<'p> {
    pub vars: HashMap<String, f64>,
    /// `.func` definitions of this body, by name.
    pub funcs: HashMap<String, FuncDef>,
    /// The random generator (in the root scope).
    pub rng: Option<Rng>,
    pub parent: Option<&'p Scope<'p>>,
}

impl Scope<'_> {
    /// The value of `name` here or in a parent ([`RANDOM_KEY`] draws a random number).
    pub fn get(&self, name: &str) -> Option<f64> {
        let mut s = Some(self);
        if name == RANDOM_KEY {
            while let Some(sc) = s {
                if let Some(r) = &sc.rng {
                    return Some(r.uniform());
                }
                s = sc.parent;
            }
            return None;
        }
        while let Some(sc) = s {
            if let Some(v) = sc.vars.get(name) {
                return Some(*v);
            }
            s = sc.parent;
        }
        None
    }

    /// The user function `name` visible here.
    pub fn func(&self, name: &str) -> Option<&FuncDef> {
        let mut s = Some(self);
        while let Some(sc) = s {
            if let Some(f) = sc.funcs.get(name) {
                return Some(f);
            }
            s = sc.parent;
        }
        None
    }

    /// `e` with every call of a user function replaced by its body, the arguments
    /// substituted (recursively; a function that calls itself is an error).
    pub fn expand(&self, e: &Expr) -> std::result::Result<Expr, ExprError> {
        let mut active = Vec::new();
        self.expand_in(e, &mut active)
    }

    fn expand_in(
        &self,
        e: &Expr,
        active: &mut Vec<String>,
    ) -> std::result::Result<Expr, ExprError> {
        let has_user = {
            let mut any = false;
            e.visit(&mut |x| {
                if let Expr::Call(n, _) = x {
                    if !FUNCTIONS.iter().any(|f| f.0 == n) {
                        any = true;
                    }
                }
            });
            any
        };
        if !has_user {
            return Ok(e.clone());
        }
        let mut err = None;
        let out = e.rewrite(&mut |x| {
            let Expr::Call(name, args) = x else {
                return None;
            };
            if err.is_some() || FUNCTIONS.iter().any(|f| f.0 == name) {
                return None;
            }
            match self.call_user(name, args, active) {
                Ok(r) => Some(r),
                Err(e) => {
                    err = Some(e);
                    Some(Expr::Num(0.0))
                }
            }
        });
        match err {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    fn call_user(
        &self,
        name: &str,
        args: &[Expr],
        active: &mut Vec<String>,
    ) -> std::result::Result<Expr, ExprError> {
        let fail = |m: String| ExprError {
            offset: None,
            message: m,
        };
        let Some(f) = self.func(name) else {
            return Err(fail(format!("unknown function `{name}`")));
        };
        if active.iter().any(|a| a == name) {
            return Err(fail(format!(
                "function `{name}` calls itself ({} -> {name}): recursion is not supported",
                active.join(" -> ")
            )));
        }
        if active.len() >= MAX_FUNC_DEPTH {
            return Err(fail(format!(
                "user functions nested more than {MAX_FUNC_DEPTH} deep"
            )));
        }
        if args.len() != f.args.len() {
            return Err(fail(format!(
                "function `{name}` takes {} argument(s), got {}",
                f.args.len(),
                args.len()
            )));
        }
        let mut actual = Vec::with_capacity(args.len());
        for a in args {
            actual.push(self.expand_in(a, active)?);
        }
        let body = f.body.rewrite(&mut |x| match x {
            Expr::Var(v) => f
                .args
                .iter()
                .position(|p| p == v)
                .map(|k| actual[k].clone()),
            _ => None,
        });
        if depth(&body) > MAX_EXPANDED_DEPTH {
            return Err(fail(format!(
                "expanding function `{name}` nests the expression more than \
                 {MAX_EXPANDED_DEPTH} levels deep"
            )));
        }
        if size(&body) > MAX_EXPANDED_NODES {
            return Err(fail(format!(
                "expanding function `{name}` gives an expression of more than \
                 {MAX_EXPANDED_NODES} terms"
            )));
        }
        active.push(name.to_string());
        let r = self.expand_in(&body, active);
        active.pop();
        r
    }
}

/// Is `w` a plain name (letter or `_` first, then letters, digits, `_`)?
pub fn is_ident(w: &str) -> bool {
    let mut c = w.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// The expression a value stands for (numbers become [`Expr::Num`]).
pub fn value_expr(v: &Value, span: &Span) -> Result<Expr> {
    match v {
        Value::Word(w) => {
            if let Some(x) = parse_number(w) {
                return Ok(Expr::Num(x));
            }
            parse_expr(w).map_err(|_| {
                Error::at(
                    span.clone(),
                    format!("expected a number, found `{w}`"),
                    Some(
                        "write numbers like 10k, 1.5e-3 or 10pF, and expressions in braces: {a*2}"
                            .into(),
                    ),
                )
            })
        }
        Value::Expr(e, _) => Ok(e.clone()),
        Value::Str(s) => Err(Error::at(
            span.clone(),
            format!("expected a number, found the string \"{s}\""),
            None,
        )),
    }
}

/// An error of [`Scope::expand`] at `span`.
fn expand_error(err: ExprError, span: &Span) -> Error {
    let help = err
        .message
        .starts_with("unknown function")
        .then(|| "define it with `.func name(args) = {expression}`".to_string());
    Error::at(span.clone(), err.message, help)
}

/// Evaluate `e` in `scope`; errors point at `span`.
pub fn eval_in(e: &Expr, span: &Span, scope: &Scope) -> Result<f64> {
    let e = scope.expand(e).map_err(|err| expand_error(err, span))?;
    eval(&e, &|n| scope.get(n)).map_err(|err| {
        let help = if err.message.starts_with("unknown parameter") {
            Some("define it with `.param name=value` (or as a subcircuit parameter)".into())
        } else {
            None
        };
        Error::at(span.clone(), err.message, help)
    })
}

/// `e` with each random-function call whose arguments are numbers replaced by its value
/// (drawn from `scope`'s generator): for B-source expressions, which are evaluated at every
/// Newton step, ngspice draws such a value once.
pub fn draw_random(e: &Expr, scope: &Scope, span: &Span) -> Result<Expr> {
    let mut err = None;
    let out = e.rewrite(&mut |x| match x {
        Expr::Call(n, args)
            if crate::netlist::expr::RANDOM_FUNCTIONS.contains(&n.as_str())
                && !(n == "limit" && args.len() == 3)
                && args.iter().all(|a| matches!(a, Expr::Num(_))) =>
        {
            match eval_in(x, span, scope) {
                Ok(v) => Some(Expr::Num(v)),
                Err(e) => {
                    err.get_or_insert(e);
                    None
                }
            }
        }
        _ => None,
    });
    match err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Evaluate a value to a number.
pub fn eval_value(v: &Value, span: &Span, scope: &Scope) -> Result<f64> {
    eval_in(&value_expr(v, span)?, span, scope)
}

/// A value that is a number, or a word (`gear`, `micromagnetic`, a file name).
#[derive(Debug, Clone, PartialEq)]
pub enum NumOrWord {
    Num(f64),
    Word(String),
}

/// Evaluate a value; a plain name that is no parameter, or a string, stays a word.
pub fn eval_num_or_word(v: &Value, span: &Span, scope: &Scope) -> Result<NumOrWord> {
    match v {
        Value::Str(s) => Ok(NumOrWord::Word(s.clone())),
        Value::Word(w) if is_ident(w) && scope.get(&w.to_ascii_lowercase()).is_none() => {
            if w.eq_ignore_ascii_case("pi") {
                return Ok(NumOrWord::Num(std::f64::consts::PI));
            }
            Ok(NumOrWord::Word(w.to_ascii_lowercase()))
        }
        _ => Ok(NumOrWord::Num(eval_value(v, span, scope)?)),
    }
}

/// Evaluate a block of assignments (forward references allowed) on top of `parent`.
/// Names in `fixed` are not evaluated: they take the given value (instance overrides,
/// `--param`). Returns the values in first-definition order.
pub fn eval_block(
    assigns: &[&Assign],
    parent: &Scope,
    fixed: &HashMap<String, f64>,
) -> Result<Vec<(String, f64)>> {
    // Later definitions of a name win, as ngspice re-defines.
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(assigns.len());
    let mut order: Vec<&str> = Vec::new();
    for (k, a) in assigns.iter().enumerate() {
        if index.insert(a.name.as_str(), k).is_none() {
            order.push(a.name.as_str());
        }
    }
    let mut exprs: Vec<Option<Expr>> = vec![None; assigns.len()];
    for (name, &k) in &index {
        if !fixed.contains_key(*name) {
            let e = value_expr(&assigns[k].value, &assigns[k].value_span)?;
            // User functions expanded first: their bodies' parameters are dependencies.
            let e = parent
                .expand(&e)
                .map_err(|err| expand_error(err, &assigns[k].value_span))?;
            exprs[k] = Some(e);
        }
    }
    let mut local = Scope {
        vars: HashMap::with_capacity(index.len()),
        parent: Some(parent),
        ..Scope::default()
    };
    for (n, v) in fixed {
        if index.contains_key(n.as_str()) {
            local.vars.insert(n.clone(), *v);
        }
    }
    // 0 = pending, 1 = in progress, 2 = done.
    let mut state = vec![0u8; assigns.len()];
    for name in &order {
        let k = index[name];
        visit(k, assigns, &exprs, &index, &mut state, &mut local, 0)?;
    }
    Ok(order
        .iter()
        .map(|n| (n.to_string(), local.vars[*n]))
        .collect())
}

fn visit(
    k: usize,
    assigns: &[&Assign],
    exprs: &[Option<Expr>],
    index: &HashMap<&str, usize>,
    state: &mut [u8],
    local: &mut Scope,
    depth: usize,
) -> Result<()> {
    if state[k] == 2 {
        return Ok(());
    }
    let a = assigns[k];
    let Some(e) = &exprs[k] else {
        state[k] = 2; // fixed from outside
        return Ok(());
    };
    if state[k] == 1 || depth > 1_000 {
        return Err(Error::at(
            a.span.clone(),
            format!("parameter `{}` depends on itself", a.name),
            Some("break the cycle in the `.param` definitions".into()),
        ));
    }
    state[k] = 1;
    for dep in e.vars() {
        if let Some(&j) = index.get(dep.as_str()) {
            if j == k {
                return Err(Error::at(
                    a.span.clone(),
                    format!("parameter `{}` depends on itself", a.name),
                    Some("break the cycle in the `.param` definitions".into()),
                ));
            }
            visit(j, assigns, exprs, index, state, local, depth + 1)?;
        }
    }
    let v = eval_in(e, &a.value_span, local)?;
    local.vars.insert(a.name.clone(), v);
    state[k] = 2;
    Ok(())
}

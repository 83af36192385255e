//! Parameter scopes and evaluation of values.
//!
//! A [`Scope`] maps names to numbers and falls back to its parent. A block of `.param`
//! assignments (or subcircuit defaults) is evaluated with forward references resolved:
//! each parameter's dependencies inside the block are evaluated first, whatever the order
//! they are written in; a cycle is an error.

use std::collections::HashMap;

use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Assign, Value};
use crate::netlist::expr::{eval, parse_expr, Expr};
use crate::units::parse_number;

/// Names bound to numbers, with a parent scope.
#[derive(Debug, Default)]
pub struct Scope<'p> {
    pub vars: HashMap<String, f64>,
    pub parent: Option<&'p Scope<'p>>,
}

impl Scope<'_> {
    /// The value of `name` here or in a parent.
    pub fn get(&self, name: &str) -> Option<f64> {
        let mut s = Some(self);
        while let Some(sc) = s {
            if let Some(v) = sc.vars.get(name) {
                return Some(*v);
            }
            s = sc.parent;
        }
        None
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

/// Evaluate `e` in `scope`; errors point at `span`.
pub fn eval_in(e: &Expr, span: &Span, scope: &Scope) -> Result<f64> {
    eval(e, &|n| scope.get(n)).map_err(|err| {
        let help = if err.message.starts_with("unknown parameter") {
            Some("define it with `.param name=value` (or as a subcircuit parameter)".into())
        } else {
            None
        };
        Error::at(span.clone(), err.message, help)
    })
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
            exprs[k] = Some(value_expr(&assigns[k].value, &assigns[k].value_span)?);
        }
    }
    let mut local = Scope {
        vars: HashMap::with_capacity(index.len()),
        parent: Some(parent),
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

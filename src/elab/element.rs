//! Element lines → [`Instance`]s: terminals by letter, model binding, arguments.

use super::flatten::{Ctx, Elab};
use super::params::{eval_num_or_word, eval_value, is_ident, value_expr, NumOrWord, Scope};
use super::{Arg, Instance, ModelCard};
use crate::devices::param::Given;
use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Element, Field, Model, Value};
use crate::netlist::expr::Expr;
use crate::units::parse_number;

/// Letters ngspice knows that spinspice does not simulate, with what they are.
const UNSUPPORTED: &[(char, &str)] = &[
    ('k', "coupled inductors (K)"),
    ('q', "bipolar transistors (Q)"),
    ('j', "JFETs (J)"),
    ('z', "MESFETs (Z)"),
    ('t', "lossless transmission lines (T)"),
    ('o', "lossy transmission lines (O)"),
    ('u', "uniform RC lines (U)"),
    ('y', "transmission lines (Y)"),
    ('p', "coupled transmission lines (P)"),
];

/// A span just after `s` (for "missing" diagnostics at the end of a line).
fn after(s: &Span) -> Span {
    let mut e = s.clone();
    e.col += s.token.chars().count() + 1;
    e.token = String::new();
    e
}

impl Elab<'_> {
    /// Register a flat element name; duplicates are errors.
    pub(super) fn claim(&mut self, name: &str, span: &Span) -> Result<()> {
        if !self.names.insert(name.to_string()) {
            return Err(Error::at(
                span.clone(),
                format!("element `{name}` is defined twice"),
                Some("element names must be unique".into()),
            ));
        }
        Ok(())
    }

    /// Take `n` node names from the front of `fields`.
    pub(super) fn take_nodes(
        &mut self,
        el: &Element,
        span: &Span,
        fields: &[Field],
        n: usize,
        ctx: &Ctx,
    ) -> Result<Vec<usize>> {
        let mut nodes = Vec::with_capacity(n);
        for k in 0..n {
            let Some(f) = fields.get(k) else {
                let at = fields
                    .last()
                    .map(|f| after(f.span()))
                    .unwrap_or_else(|| after(span));
                return Err(Error::at(
                    at,
                    format!("`{}` needs {n} nodes, found {k}", el.name),
                    Some(format!("write `{} {}...`", el.name, "node ".repeat(n))),
                ));
            };
            match f.word() {
                Some(w) => nodes.push(self.node(ctx, w)),
                None => {
                    return Err(Error::at(
                        f.span().clone(),
                        format!("expected node {} of `{}`", k + 1, el.name),
                        Some(format!("`{}` needs {n} nodes", el.name)),
                    ))
                }
            }
        }
        Ok(nodes)
    }

    /// The model named by `f`, evaluated in `scope`.
    fn bind_model(
        &self,
        f: Option<&Field>,
        el: &Element,
        span: &Span,
        ctx: &Ctx,
    ) -> Result<ModelCard> {
        let Some(f) = f else {
            return Err(Error::at(
                after(span),
                format!("`{}` needs a model name", el.name),
                Some("define one with `.model name type (...)`".into()),
            ));
        };
        let Some(name) = f.word().map(str::to_ascii_lowercase) else {
            return Err(Error::at(f.span().clone(), "expected a model name", None));
        };
        match self.t.model(ctx.body, &name) {
            Some(m) => model_card(m, ctx.scope),
            None => Err(Error::at(
                f.span().clone(),
                format!("unknown model `{name}`"),
                Some(format!("define it with `.model {name} type (...)`")),
            )),
        }
    }

    /// Elaborate one (non-X) element.
    pub fn element(&mut self, el: &Element, span: &Span, ctx: &Ctx) -> Result<()> {
        let letter = el.letter;
        if let Some((_, what)) = UNSUPPORTED.iter().find(|(c, _)| *c == letter) {
            return Err(Error::at(
                span.clone(),
                format!("element `{}`: {what} are not supported", el.name),
                Some("supported elements: R C L V I E G F H B D M S W A N X".into()),
            ));
        }
        let f = &el.fields;
        let (nodes, model, rest): (Vec<usize>, Option<ModelCard>, &[Field]) = match letter {
            'r' | 'c' | 'l' | 'v' | 'i' | 'b' => {
                (self.take_nodes(el, span, f, 2, ctx)?, None, &f[2..])
            }
            'e' | 'g' | 'f' | 'h' => {
                if matches!(f.get(2), Some(Field::Call { name, .. }) if name == "poly") {
                    return self.poly_source(el, span, ctx); // expr: elab::poly
                }
                let n = if matches!(letter, 'e' | 'g') { 4 } else { 2 };
                check_controlled(el, f)?;
                let nodes = self.take_nodes(el, span, f, n, ctx)?;
                (nodes, None, &f[n..])
            }
            'd' | 'm' | 's' => {
                let n = match letter {
                    'd' => 2,
                    _ => 4,
                };
                let nodes = self.take_nodes(el, span, f, n, ctx)?;
                let m = self.bind_model(
                    f.get(n),
                    el,
                    f.get(n.saturating_sub(1)).map_or(span, |x| x.span()),
                    ctx,
                )?;
                (nodes, Some(m), &f[n + 1..])
            }
            'w' => {
                let nodes = self.take_nodes(el, span, f, 2, ctx)?;
                (nodes, None, &f[2..])
            }
            'a' | 'n' => {
                let Some(k) = f.iter().enumerate().skip(1).position(|(_, x)| {
                    x.word()
                        .is_some_and(|w| self.t.model(ctx.body, &w.to_ascii_lowercase()).is_some())
                }) else {
                    return Err(Error::at(
                        span.clone(),
                        format!("`{}` names no `.model`", el.name),
                        Some(format!(
                            "write `{} node... model_name`, with `.model model_name type (...)`",
                            el.name
                        )),
                    ));
                };
                let k = k + 1;
                let nodes = self.take_nodes(el, span, f, k, ctx)?;
                let m = self.bind_model(f.get(k), el, span, ctx)?;
                (nodes, Some(m), &f[k + 1..])
            }
            _ => {
                return Err(Error::at(
                    span.clone(),
                    format!("unknown element type `{letter}` (element `{}`)", el.name),
                    Some("supported elements: R C L V I E G F H B D M S W A N X".into()),
                ))
            }
        };
        let name = Self::elem_name(ctx, &el.name);
        self.claim(&name, span)?;
        let mut inst = Instance {
            name,
            letter,
            nodes,
            args: Vec::new(),
            params: Vec::new(),
            words: Vec::new(),
            model,
            span: span.clone(),
        };
        let mut rest = rest;
        match letter {
            'f' | 'h' => {
                let Some(src) = rest.first() else {
                    return Err(Error::at(
                        after(f.last().map_or(span, |x| x.span())),
                        format!(
                            "`{}` needs a controlling voltage source and a gain",
                            el.name
                        ),
                        Some(format!("write `{} n+ n- vsense gain`", el.name)),
                    ));
                };
                let Some(w) = src.word() else {
                    return Err(Error::at(
                        src.span().clone(),
                        "expected the name of the controlling voltage source",
                        None,
                    ));
                };
                inst.args.push(Arg::Word(Self::elem_name(ctx, w)));
                rest = &rest[1..];
            }
            'w' => {
                let Some(w) = rest.first().and_then(Field::word) else {
                    return Err(Error::at(
                        rest.first()
                            .map_or_else(|| after(span), |x| x.span().clone()),
                        "expected the name of the controlling voltage source",
                        Some(format!("write `{} n+ n- vsense model`", el.name)),
                    ));
                };
                inst.args.push(Arg::Word(Self::elem_name(ctx, w)));
                let m = self.bind_model(rest.get(1), el, rest[0].span(), ctx)?;
                inst.model = Some(m);
                rest = &rest[2.min(rest.len())..];
            }
            'b' => {
                rest = self.b_source(el, span, rest, ctx, &mut inst)?;
            }
            _ => {}
        }
        convert_fields(rest, ctx.scope, &mut inst)?;
        self.flat.instances.push(inst);
        Ok(())
    }

    /// `B1 a b v=expr` / `i=expr`: the expression with parameters substituted and names
    /// flattened. Returns the fields not consumed.
    fn b_source<'f>(
        &mut self,
        el: &Element,
        span: &Span,
        rest: &'f [Field],
        ctx: &Ctx,
        inst: &mut Instance,
    ) -> Result<&'f [Field]> {
        let pos = rest
            .iter()
            .position(|f| matches!(f, Field::Assign(a) if a.name == "v" || a.name == "i"));
        let Some(pos) = pos else {
            return Err(Error::at(
                rest.first()
                    .map_or_else(|| after(span), |f| f.span().clone()),
                format!("`{}` needs `v=expression` or `i=expression`", el.name),
                Some(format!("write `{} n+ n- v={{expression}}`", el.name)),
            ));
        };
        let Field::Assign(a) = &rest[pos] else {
            return Ok(rest);
        };
        let scope = ctx.scope;
        // `.func` calls expanded (expr: elab::params).
        let e = scope
            .expand(&value_expr(&a.value, &a.value_span)?)
            .map_err(|e| Error::at(a.value_span.clone(), e.message, None))?;
        let mut err: Option<Error> = None;
        let mut nodes_seen: Vec<String> = Vec::new();
        let flat_expr = e.rewrite(&mut |x| match x {
            Expr::Var(n) if matches!(n.as_str(), "time" | "temper" | "hertz") => None,
            Expr::Var(n) => match scope.get(n) {
                Some(v) => Some(Expr::Num(v)),
                None if n == "pi" => Some(Expr::Num(std::f64::consts::PI)),
                None => {
                    err.get_or_insert_with(|| {
                        Error::at(
                            a.value_span.clone(),
                            format!("unknown parameter `{n}` in the expression of `{}`", el.name),
                            Some("B-source expressions may use parameters, time, v(node) and i(vsource)".into()),
                        )
                    });
                    None
                }
            },
            Expr::Voltage(p, q) => {
                let p2 = self.node_name(ctx, p);
                let q2 = q.as_ref().map(|q| self.node_name(ctx, q));
                nodes_seen.push(p2.clone());
                if let Some(q2) = &q2 {
                    nodes_seen.push(q2.clone());
                }
                Some(Expr::Voltage(p2, q2))
            }
            Expr::Current(s) => Some(Expr::Current(Self::elem_name(ctx, s))),
            _ => None,
        });
        if let Some(e) = err {
            return Err(e);
        }
        // Random functions of constants are drawn once, here (expr: elab::params).
        let flat_expr = super::params::draw_random(&flat_expr, scope, &a.value_span)?;
        for n in nodes_seen {
            self.intern(n);
        }
        inst.args.push(Arg::Word(a.name.clone()));
        inst.args.push(Arg::Expr(flat_expr));
        let _ = span;
        // Everything but the v=/i= assignment stays for the generic conversion.
        let mut others: Vec<Field> = rest.to_vec();
        others.remove(pos);
        convert_fields(&others, ctx.scope, inst)?;
        Ok(&[])
    }
}

/// E/G/F/H forms spinspice does not take.
fn check_controlled(el: &Element, rest: &[Field]) -> Result<()> {
    for f in rest {
        let (name, sp) = match f {
            Field::Value(Value::Word(w), s) => (w.to_ascii_lowercase(), s),
            Field::Call { name, span, .. } => (name.clone(), span),
            Field::Assign(a) => (a.name.clone(), &a.span),
            _ => continue,
        };
        let what = match name.as_str() {
            "poly" => "POLY(n) must follow the two output nodes (`E1 out 0 POLY(1) a 0 0 2`)",
            "value" | "vol" | "cur" => {
                "behavioural controlled sources (`value=`) are not supported"
            }
            "table" | "laplace" | "freq" => "table/laplace controlled sources are not supported",
            _ => continue,
        };
        return Err(Error::at(
            sp.clone(),
            format!("`{}`: {what}", el.name),
            Some("use a B source: `B1 out 0 v={expression of v(...) and i(...)}`".into()),
        ));
    }
    Ok(())
}

/// Evaluate a bound model card in `scope`.
pub fn model_card(m: &Model, scope: &Scope) -> Result<ModelCard> {
    let mut card = ModelCard {
        name: m.name.clone(),
        kind: m.kind.clone(),
        params: Vec::new(),
        words: Vec::new(),
        span: m.kind_span.clone(),
    };
    for f in &m.params {
        match f {
            Field::Assign(a) => match eval_num_or_word(&a.value, &a.value_span, scope)? {
                NumOrWord::Num(v) => card.params.push(Given {
                    name: a.name.clone(),
                    value: v,
                    span: a.span.clone(),
                }),
                NumOrWord::Word(w) => card.words.push((a.name.clone(), w, a.span.clone())),
            },
            other => {
                return Err(Error::at(
                    other.span().clone(),
                    format!("expected `name=value` in `.model {}`", m.name),
                    None,
                ))
            }
        }
    }
    Ok(card)
}

/// A positional value as an [`Arg`].
fn positional(v: &Value, span: &Span, scope: &Scope) -> Result<Arg> {
    match v {
        Value::Word(w) => {
            if let Some(x) = parse_number(w) {
                Ok(Arg::Num(x))
            } else if is_ident(w) {
                Ok(Arg::Word(w.to_ascii_lowercase()))
            } else {
                Ok(Arg::Num(eval_value(v, span, scope)?))
            }
        }
        Value::Expr(..) => Ok(Arg::Num(eval_value(v, span, scope)?)),
        Value::Str(s) => Ok(Arg::Word(s.clone())),
    }
}

/// Convert the fields after the nodes (and model) into args, params and words.
pub fn convert_fields(fields: &[Field], scope: &Scope, inst: &mut Instance) -> Result<()> {
    for f in fields {
        match f {
            Field::Value(v, span) => inst.args.push(positional(v, span, scope)?),
            Field::Call { name, args, span } => {
                let mut nums = Vec::with_capacity(args.len());
                let mut params = Vec::new();
                for a in args {
                    match a {
                        Field::Value(v, s) => nums.push(eval_value(v, s, scope)?),
                        Field::Assign(a) => params
                            .push((a.name.clone(), eval_value(&a.value, &a.value_span, scope)?)),
                        Field::Call { span: s, .. } => {
                            return Err(Error::at(
                                s.clone(),
                                format!("unexpected `(` inside `{name}(...)`"),
                                None,
                            ))
                        }
                    }
                }
                let _ = span;
                inst.args.push(Arg::Call {
                    name: name.clone(),
                    args: nums,
                    params,
                });
            }
            Field::Assign(a) => {
                // `pwl(...) r=0 td=1n`: repeat and delay belong to the waveform.
                if let Some(Arg::Call { name, params, .. }) = inst.args.last_mut() {
                    if name == "pwl" && (a.name == "r" || a.name == "td") {
                        params.push((a.name.clone(), eval_value(&a.value, &a.value_span, scope)?));
                        continue;
                    }
                }
                match eval_num_or_word(&a.value, &a.value_span, scope)? {
                    NumOrWord::Num(v) => inst.params.push(Given {
                        name: a.name.clone(),
                        value: v,
                        span: a.span.clone(),
                    }),
                    NumOrWord::Word(w) => inst.words.push((a.name.clone(), w, a.span.clone())),
                }
            }
        }
    }
    Ok(())
}

//! The flattener: walks bodies, expands subcircuit instances, numbers nodes.
//!
//! Names follow ngspice (checked against ngspice 39's `listing expand` and its vector
//! names): inside instance `x1` of a subcircuit, element `r1` becomes `r.x1.r1`, node `n`
//! becomes `x1.n`; nested, `r.x1.x2.r1` and `x1.x2.n`. Ground (`0`, `gnd`) and `.global`
//! nodes are never prefixed.

use std::collections::{HashMap, HashSet};

use super::params::{eval_block, eval_value, Scope};
use super::tables::Tables;
use super::{Flat, NodeId};
use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Assign, Element, Field, FuncDef, Stmt, StmtKind};

/// Deepest nesting of subcircuit instances accepted.
pub const MAX_INSTANCE_DEPTH: usize = 256;

/// Where a body is being expanded.
pub struct Ctx<'s> {
    /// Body id in [`Tables`].
    pub body: usize,
    /// Instance path (`x1.x2`), empty at top level.
    pub path: String,
    /// Port name → node of the caller.
    pub ports: HashMap<String, NodeId>,
    pub scope: &'s Scope<'s>,
    pub outer: Option<&'s Ctx<'s>>,
}

/// A `.save` request waiting for the end (nodes and sources must exist).
pub struct PendingSave {
    /// From `.probe`: a name that does not resolve is a warning, not an error.
    pub lenient: bool,
    pub text: String,
    pub node: Vec<String>,
    pub source: Option<String>,
    pub span: Span,
}

/// Elaboration state.
pub struct Elab<'a> {
    pub t: Tables<'a>,
    pub flat: Flat,
    pub node_ids: HashMap<String, NodeId>,
    pub names: HashSet<String>,
    pub globals: HashSet<String>,
    pub ics: Vec<(String, f64, Span)>,
    /// `.nodeset` entries (flat node name, value, span), resolved at the end.
    pub nodesets: Vec<(String, f64, Span)>,
    pub saves: Vec<PendingSave>,
    pub dc_sources: Vec<(String, Span)>,
    /// Subcircuit bodies being expanded (recursion check).
    pub active: Vec<usize>,
}

/// The `.param` assignments written directly in a body, those inside its `.if` blocks
/// included whatever the conditions (ngspice 39 applies them all: see `elab::cond`).
pub fn body_params<'a>(t: &Tables<'a>, body: usize) -> Vec<&'a Assign> {
    let mut out = Vec::new();
    params_in(t.bodies[body].stmts, &mut out);
    out
}

/// The `.param` assignments of `stmts` (a top-level body), `.if` blocks included.
pub fn params_of(stmts: &[Stmt]) -> Vec<&Assign> {
    let mut out = Vec::new();
    params_in(stmts, &mut out);
    out
}

/// The `.func` definitions of `stmts` outside `.if` blocks.
pub fn funcs_of(stmts: &[Stmt]) -> HashMap<String, FuncDef> {
    stmts
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Func(f) => Some((f.name.clone(), f.clone())),
            _ => None,
        })
        .collect()
}

fn params_in<'a>(stmts: &'a [Stmt], out: &mut Vec<&'a Assign>) {
    for s in stmts {
        match &s.kind {
            StmtKind::Param(v) => out.extend(v.iter()),
            StmtKind::If(branches) => branches.iter().for_each(|b| params_in(&b.body, out)),
            _ => {}
        }
    }
}

/// The `.func` definitions written directly in a body (later ones win).
pub fn body_funcs(t: &Tables<'_>, body: usize) -> HashMap<String, FuncDef> {
    funcs_of(t.bodies[body].stmts)
}

impl<'a> Elab<'a> {
    /// New state with ground as node 0.
    pub fn new(t: Tables<'a>) -> Self {
        let mut node_ids = HashMap::new();
        node_ids.insert("0".to_string(), 0);
        Elab {
            t,
            flat: Flat {
                nodes: vec!["0".to_string()],
                ..Flat::default()
            },
            node_ids,
            names: HashSet::new(),
            globals: HashSet::new(),
            ics: Vec::new(),
            nodesets: Vec::new(),
            saves: Vec::new(),
            dc_sources: Vec::new(),
            active: Vec::new(),
        }
    }

    /// The id of the flat node `name` (created on first use).
    pub fn intern(&mut self, name: String) -> NodeId {
        if let Some(&id) = self.node_ids.get(&name) {
            return id;
        }
        let id = self.flat.nodes.len();
        self.flat.nodes.push(name.clone());
        self.node_ids.insert(name, id);
        id
    }

    /// The flat name of node `name` written in `ctx` (without creating it).
    pub fn node_name(&self, ctx: &Ctx, name: &str) -> String {
        let n = name.to_ascii_lowercase();
        if n == "0" || n == "gnd" {
            return "0".into();
        }
        if let Some(&id) = ctx.ports.get(&n) {
            return self.flat.nodes[id].clone();
        }
        if ctx.path.is_empty() || self.globals.contains(&n) {
            n
        } else {
            format!("{}.{n}", ctx.path)
        }
    }

    /// The node id of `name` written in `ctx`.
    pub fn node(&mut self, ctx: &Ctx, name: &str) -> NodeId {
        let n = self.node_name(ctx, name);
        self.intern(n)
    }

    /// The flat name of element `name` written in `ctx` (`r.x1.r1`).
    pub fn elem_name(ctx: &Ctx, name: &str) -> String {
        let n = name.to_ascii_lowercase();
        if ctx.path.is_empty() {
            return n;
        }
        let letter = n.chars().next().unwrap_or('x');
        format!("{letter}.{}.{n}", ctx.path)
    }

    /// Expand every statement of `ctx.body`.
    pub fn body(&mut self, ctx: &Ctx) -> Result<()> {
        let stmts = self.t.bodies[ctx.body].stmts;
        self.stmts(stmts, ctx)
    }

    /// Expand `stmts`, written in `ctx.body`.
    fn stmts(&mut self, stmts: &[Stmt], ctx: &Ctx) -> Result<()> {
        for st in stmts {
            match &st.kind {
                StmtKind::Element(el) if el.letter == 'x' => self.instance(el, &st.span, ctx)?,
                StmtKind::Element(el) => self.element(el, &st.span, ctx)?,
                StmtKind::If(branches) => {
                    // Inside a subcircuit, evaluated per instance (top-level blocks are
                    // resolved before elaboration by `elab::cond`).
                    if let Some(b) = super::cond::choose(branches, ctx.scope)? {
                        self.stmts(&b.body, ctx)?;
                    }
                }
                StmtKind::Param(_)
                | StmtKind::Func(_)
                | StmtKind::Subckt(_)
                | StmtKind::Model(_) => {}
                StmtKind::Ic(v) => self.ic(v, ctx)?,
                StmtKind::Nodeset(v) => {
                    for a in v {
                        let ok = a
                            .name
                            .strip_prefix("v(")
                            .and_then(|r| r.strip_suffix(')'))
                            .is_some_and(|n| !n.is_empty() && !n.contains(','));
                        if !ok {
                            return Err(Error::at(
                                a.span.clone(),
                                format!(
                                    "expected `v(node)=value` in `.nodeset`, found `{}`",
                                    a.name
                                ),
                                None,
                            ));
                        }
                    }
                    // `.ic`'s parsing, kept apart (expr: elab::flatten).
                    let before = self.ics.len();
                    self.ic(v, ctx)?;
                    let new = self.ics.split_off(before);
                    self.nodesets.extend(new);
                }
                StmtKind::Global(_) | StmtKind::Csparam(_) if ctx.body == 0 => {}
                other => {
                    if ctx.body != 0 {
                        return Err(Error::at(
                            st.span.clone(),
                            format!("`{}` is not allowed inside a subcircuit", st.span.token),
                            Some("move it to the top level of the netlist".into()),
                        ));
                    }
                    self.control(other, &st.span, ctx.scope)?;
                }
            }
        }
        Ok(())
    }

    /// The context that expands body `body`, searching outwards from `ctx`.
    fn lexical<'c>(ctx: &'c Ctx<'c>, body: usize) -> &'c Ctx<'c> {
        let mut c = ctx;
        loop {
            if c.body == body {
                return c;
            }
            match c.outer {
                Some(o) => c = o,
                None => return c,
            }
        }
    }

    /// Expand subcircuit instance `x...`.
    fn instance(&mut self, el: &Element, span: &Span, ctx: &Ctx) -> Result<()> {
        let split = el
            .fields
            .iter()
            .position(|f| !matches!(f, Field::Value(..)) || f.word() == Some("params:"))
            .unwrap_or(el.fields.len());
        let positional = &el.fields[..split];
        let Some((sub_field, node_fields)) = positional.split_last() else {
            return Err(Error::at(
                span.clone(),
                format!("`{}` needs its nodes and a subcircuit name", el.name),
                Some("write `X1 node1 node2 ... subckt_name [param=value ...]`".into()),
            ));
        };
        let Some(sub_name) = sub_field.word().map(str::to_ascii_lowercase) else {
            return Err(Error::at(
                sub_field.span().clone(),
                "expected a subcircuit name",
                None,
            ));
        };
        let Some(sub_id) = self.t.subckt(ctx.body, &sub_name) else {
            return Err(Error::at(
                sub_field.span().clone(),
                format!("unknown subcircuit `{sub_name}`"),
                Some("define it with `.subckt name nodes...` ... `.ends`".into()),
            ));
        };
        let Some(sub) = self.t.bodies[sub_id].sub else {
            return Err(Error::at(
                span.clone(),
                "internal: body without subcircuit",
                None,
            ));
        };
        if node_fields.len() != sub.ports.len() {
            return Err(Error::at(
                span.clone(),
                format!(
                    "`{}` connects {} node(s) but subcircuit `{}` has {} port(s)",
                    el.name,
                    node_fields.len(),
                    sub.name,
                    sub.ports.len()
                ),
                Some(format!(
                    "ports of `{}`: {}",
                    sub.name,
                    sub.ports
                        .iter()
                        .map(|p| p.0.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                )),
            ));
        }
        if self.active.len() >= MAX_INSTANCE_DEPTH {
            return Err(Error::at(
                span.clone(),
                format!("subcircuit instances nested more than {MAX_INSTANCE_DEPTH} deep"),
                None,
            ));
        }
        if self.active.contains(&sub_id) {
            return Err(Error::at(
                span.clone(),
                format!("subcircuit `{}` instantiates itself", sub.name),
                Some("a subcircuit cannot contain an instance of itself".into()),
            ));
        }
        let mut nodes = Vec::with_capacity(node_fields.len());
        for f in node_fields {
            match f.word() {
                Some(w) => nodes.push(self.node(ctx, w)),
                None => {
                    return Err(Error::at(f.span().clone(), "expected a node name", None));
                }
            }
        }
        // Instance parameter overrides, evaluated where the instance is written.
        let mut fixed = HashMap::new();
        for f in &el.fields[split..] {
            match f {
                Field::Value(..) if f.word() == Some("params:") => {}
                Field::Assign(a) => {
                    if !sub.defaults.iter().any(|d| d.name == a.name) {
                        let names: Vec<&str> =
                            sub.defaults.iter().map(|d| d.name.as_str()).collect();
                        return Err(Error::at(
                            a.span.clone(),
                            format!("subcircuit `{}` has no parameter `{}`", sub.name, a.name),
                            Some(if names.is_empty() {
                                format!("`{}` declares no parameters", sub.name)
                            } else {
                                format!("its parameters: {}", names.join(", "))
                            }),
                        ));
                    }
                    fixed.insert(
                        a.name.clone(),
                        eval_value(&a.value, &a.value_span, ctx.scope)?,
                    );
                }
                other => {
                    return Err(Error::at(
                        other.span().clone(),
                        "expected `name=value` after the subcircuit name",
                        None,
                    ))
                }
            }
        }
        let def_parent = self.t.bodies[sub_id].parent.unwrap_or(0);
        let lex = Self::lexical(ctx, def_parent);
        let defaults: Vec<&Assign> = sub.defaults.iter().collect();
        let vals = eval_block(&defaults, lex.scope, &fixed)?;
        let sub_scope = Scope {
            vars: vals.into_iter().collect(),
            funcs: body_funcs(&self.t, sub_id),
            parent: Some(lex.scope),
            ..Scope::default()
        };
        let inner = body_params(&self.t, sub_id);
        let body_vals = eval_block(&inner, &sub_scope, &HashMap::new())?;
        let body_scope = Scope {
            vars: body_vals.into_iter().collect(),
            parent: Some(&sub_scope),
            ..Scope::default()
        };
        let path = if ctx.path.is_empty() {
            el.name.clone()
        } else {
            format!("{}.{}", ctx.path, el.name)
        };
        let ports = sub.ports.iter().map(|p| p.0.clone()).zip(nodes).collect();
        let child = Ctx {
            body: sub_id,
            path,
            ports,
            scope: &body_scope,
            outer: Some(ctx),
        };
        self.active.push(sub_id);
        self.body(&child)?;
        self.active.pop();
        Ok(())
    }
}

//! Definition tables: which subcircuits and models each body (top level or subcircuit)
//! defines, with lexical scoping (a body sees its own definitions and its parents').

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::netlist::ast::{Model, Stmt, StmtKind, Subckt};

/// One body: the top level (id 0) or a `.subckt` definition.
pub struct Body<'a> {
    pub parent: Option<usize>,
    pub stmts: &'a [Stmt],
    pub sub: Option<&'a Subckt>,
    /// Subcircuits defined directly in this body → their body ids.
    pub subckts: HashMap<String, usize>,
    pub models: HashMap<String, &'a Model>,
}

/// All bodies of a netlist.
pub struct Tables<'a> {
    pub bodies: Vec<Body<'a>>,
}

impl<'a> Tables<'a> {
    /// Index every body of `stmts` (the top level).
    pub fn build(stmts: &'a [Stmt]) -> Result<Self> {
        let mut t = Tables { bodies: Vec::new() };
        t.add(None, stmts, None)?;
        Ok(t)
    }

    fn add(
        &mut self,
        parent: Option<usize>,
        stmts: &'a [Stmt],
        sub: Option<&'a Subckt>,
    ) -> Result<usize> {
        if sub.is_some() {
            super::cond::check_sub_branches(stmts)?;
        }
        let id = self.bodies.len();
        self.bodies.push(Body {
            parent,
            stmts,
            sub,
            subckts: HashMap::new(),
            models: HashMap::new(),
        });
        for st in stmts {
            match &st.kind {
                StmtKind::Subckt(s) => {
                    if self.bodies[id].subckts.contains_key(&s.name) {
                        return Err(Error::at(
                            st.span.clone(),
                            format!("subcircuit `{}` is defined twice", s.name),
                            None,
                        ));
                    }
                    let child = self.add(Some(id), &s.body, Some(s))?;
                    self.bodies[id].subckts.insert(s.name.clone(), child);
                }
                StmtKind::Model(m) => {
                    let previous = self.bodies[id].models.insert(m.name.clone(), m);
                    if previous.is_some() {
                        return Err(Error::at(
                            st.span.clone(),
                            format!("model `{}` is defined twice", m.name),
                            None,
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(id)
    }

    /// The subcircuit `name` visible from body `from`.
    pub fn subckt(&self, from: usize, name: &str) -> Option<usize> {
        let mut b = Some(from);
        while let Some(id) = b {
            if let Some(&s) = self.bodies[id].subckts.get(name) {
                return Some(s);
            }
            b = self.bodies[id].parent;
        }
        None
    }

    /// The model `name` visible from body `from`.
    pub fn model(&self, from: usize, name: &str) -> Option<&'a Model> {
        let mut b = Some(from);
        while let Some(id) = b {
            if let Some(m) = self.bodies[id].models.get(name) {
                return Some(*m);
            }
            b = self.bodies[id].parent;
        }
        None
    }
}

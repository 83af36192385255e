//! Conditional netlists: `.if (cond)` / `.elseif (cond)` / `.else` / `.endif`.
//!
//! Behaviour checked against ngspice 39 (netlists in tests/ngspice_expr.rs):
//! - the first branch whose condition is non-zero is taken (`.else` if none is), with the
//!   `.param` values in scope; blocks nest;
//! - elements, `.model` cards, instances and analyses of the other branches are dropped;
//! - `.param` lines are **not** conditional: ngspice 39 applies every `.param` of every
//!   branch, and the last definition of a name wins (`.if (1) .param r=1k .else .param
//!   r=2k .endif` gives r = 2k). spinspice does the same and warns where a branch not taken
//!   holds a `.param`.
//! - at the top level the blocks are resolved before elaboration; inside a `.subckt` they
//!   are evaluated per instance with that instance's parameters (as ngspice does).

use super::params::{eval_in, Scope};
use crate::error::{Error, Result, Warning};
use crate::netlist::ast::{Branch, Stmt, StmtKind};

/// The branch to take, if any.
pub fn choose<'b>(branches: &'b [Branch], scope: &Scope) -> Result<Option<&'b Branch>> {
    for b in branches {
        match &b.cond {
            None => return Ok(Some(b)),
            Some(c) => {
                if eval_in(c, &b.span, scope)? != 0.0 {
                    return Ok(Some(b));
                }
            }
        }
    }
    Ok(None)
}

/// `stmts` with every top-level `.if` block replaced by the statements of the branch
/// taken, plus the `.param` lines of the branches not taken (see the module docs).
/// `.subckt` bodies are left as they are.
pub fn resolve(stmts: &[Stmt], scope: &Scope, warnings: &mut Vec<Warning>) -> Result<Vec<Stmt>> {
    let mut out = Vec::with_capacity(stmts.len());
    resolve_into(stmts, scope, warnings, &mut out)?;
    Ok(out)
}

fn resolve_into(
    stmts: &[Stmt],
    scope: &Scope,
    warnings: &mut Vec<Warning>,
    out: &mut Vec<Stmt>,
) -> Result<()> {
    for st in stmts {
        let StmtKind::If(branches) = &st.kind else {
            out.push(st.clone());
            continue;
        };
        let taken = choose(branches, scope)?.map(|b| b as *const Branch);
        for b in branches {
            if taken == Some(b as *const Branch) {
                resolve_into(&b.body, scope, warnings, out)?;
            } else {
                params_only(&b.body, warnings, out);
            }
        }
    }
    Ok(())
}

/// The `.param` lines of a branch not taken (nested blocks included), with a warning each.
fn params_only(stmts: &[Stmt], warnings: &mut Vec<Warning>, out: &mut Vec<Stmt>) {
    for st in stmts {
        match &st.kind {
            StmtKind::Param(_) => {
                warnings.push(Warning::at(
                    st.span.clone(),
                    "`.param` in a `.if` branch not taken still applies (as in ngspice 39, \
                     where `.param` lines are not conditional)",
                ));
                out.push(st.clone());
            }
            StmtKind::If(branches) => branches
                .iter()
                .for_each(|b| params_only(&b.body, warnings, out)),
            _ => {}
        }
    }
}

/// Inside a `.subckt`, `.if` branches may hold elements and instances only: definitions
/// (`.model`, `.subckt`, `.func`) there would have to be chosen per instance.
pub fn check_sub_branches(stmts: &[Stmt]) -> Result<()> {
    for st in stmts {
        if let StmtKind::If(branches) = &st.kind {
            for b in branches {
                for s in &b.body {
                    let what = match &s.kind {
                        StmtKind::Model(_) => ".model",
                        StmtKind::Subckt(_) => ".subckt",
                        StmtKind::Func(_) => ".func",
                        _ => continue,
                    };
                    return Err(Error::at(
                        s.span.clone(),
                        format!("`{what}` inside a `.if` block inside a subcircuit"),
                        Some(format!(
                            "spinspice chooses `.if` branches in subcircuits per instance, \
                             which definitions cannot follow: move the `{what}` out of the \
                             `.if`, or the `.if` to the top level"
                        )),
                    ));
                }
                check_sub_branches(&b.body)?;
            }
        }
    }
    Ok(())
}

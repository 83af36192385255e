//! Helpers shared by device constructors: node mapping, positional values, errors.

use super::param::{resolve, ParamSpec, Values};
use super::{Unknown, GROUND};
use crate::elab::{Arg, Instance, NodeId};
use crate::error::Error;

/// The unknown of a netlist node (node 0 is ground).
pub fn node(id: NodeId) -> Unknown {
    if id == 0 {
        GROUND
    } else {
        id - 1
    }
}

/// An input error at the instance.
pub fn err(inst: &Instance, msg: impl Into<String>, help: Option<String>) -> Error {
    Error::at(inst.span.clone(), msg, help)
}

/// Check the number of nodes.
pub fn expect_nodes(inst: &Instance, n: usize, usage: &str) -> crate::Result<()> {
    if inst.nodes.len() != n {
        return Err(err(
            inst,
            format!(
                "`{}` has {} nodes, expected {n}",
                inst.name,
                inst.nodes.len()
            ),
            Some(format!("usage: {usage}")),
        ));
    }
    Ok(())
}

/// Reject word-valued instance parameters (none of the linear devices takes one).
pub fn no_words(inst: &Instance) -> crate::Result<()> {
    if let Some((name, _, span)) = inst.words.first() {
        return Err(Error::at(
            span.clone(),
            format!(
                "`{}` does not take a word-valued parameter `{name}`",
                inst.name
            ),
            None,
        ));
    }
    Ok(())
}

/// Reject a model card on a device that takes none.
pub fn no_model(inst: &Instance) -> crate::Result<()> {
    if let Some(m) = &inst.model {
        return Err(err(
            inst,
            format!(
                "`{}` does not take a model (`{}` of type `{}`)",
                inst.name, m.name, m.kind
            ),
            None,
        ));
    }
    Ok(())
}

/// The value of a two-terminal element: one positional number, or the named parameter at
/// `index` of `table` (`r1 a b 1k` or `r1 a b r=1k`), resolved with the other parameters.
pub fn value_and_params(
    inst: &Instance,
    table: &[ParamSpec],
    index: usize,
    usage: &str,
) -> crate::Result<(f64, Values)> {
    no_words(inst)?;
    no_model(inst)?;
    let what = format!("`{}`", inst.name);
    let mut vals = resolve(table, &inst.params, &what)?;
    let mut positional = None;
    for a in &inst.args {
        match a {
            Arg::Num(v) if positional.is_none() => positional = Some(*v),
            other => {
                return Err(err(
                    inst,
                    format!(
                        "unexpected argument {} for `{}`",
                        describe(other),
                        inst.name
                    ),
                    Some(format!("usage: {usage}")),
                ))
            }
        }
    }
    let value = match (positional, vals.given[index]) {
        (Some(_), true) => {
            return Err(err(
                inst,
                format!(
                    "`{}` gives its {} twice (positionally and as `{}=`)",
                    inst.name, table[index].desc, table[index].name
                ),
                None,
            ))
        }
        (Some(v), false) => {
            let p = &table[index];
            if !(v >= p.min && v <= p.max) {
                return Err(err(
                    inst,
                    format!("{} {} of `{}` is out of range", p.desc, v, inst.name),
                    Some(format!("{} must lie in [{}, {}]", p.name, p.min, p.max)),
                ));
            }
            vals.values[index] = v;
            vals.given[index] = true;
            v
        }
        (None, true) => vals.values[index],
        (None, false) => {
            return Err(err(
                inst,
                format!("`{}` has no value", inst.name),
                Some(format!("usage: {usage}")),
            ))
        }
    };
    Ok((value, vals))
}

/// A short description of an argument for messages.
pub fn describe(a: &Arg) -> String {
    match a {
        Arg::Num(v) => format!("`{v}`"),
        Arg::Word(w) => format!("`{w}`"),
        Arg::Call { name, .. } => format!("`{name}(...)`"),
        Arg::Expr(_) => "an expression".to_string(),
    }
}

//! `POLY(n)` controlled sources, elaborated into behavioural (B) sources.
//!
//! `E1 n+ n- POLY(n) c1+ c1- ... cn+ cn- p0 p1 ...`, `G` likewise (a current), and
//! `F1 n+ n- POLY(n) v1 ... vn p0 p1 ...`, `H` likewise (controlled by the currents of
//! the named voltage sources). The polynomial is SPICE's: p0, then the linear terms
//! x1 ... xn, then the products of two in the order x1², x1·x2, ..., x1·xn, x2², x2·x3,
//! ..., xn², then of three (x1³, x1²·x2, ...), and so on: the index tuples i1 <= i2 <= ...
//! in lexicographic order. Checked against ngspice 39 (tests/reference/ngspice/
//! expr_poly.cir), which also takes a lone coefficient as p0 (`POLY(1) a 0 4` is 4 V).
//!
//! The source becomes a B source of the same name: E and H `v=`, G and F `i=` (the same
//! sign conventions), so its Jacobian comes from the B source's exact differentiation.

use super::flatten::{Ctx, Elab};
use super::params::eval_value;
use super::{Arg, Instance};
use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Element, Field, Value};
use crate::netlist::expr::{BinOp, Expr};

/// Most controlling inputs accepted.
pub const MAX_POLY_DIM: usize = 16;

/// The monomials of `dim` variables in SPICE order, up to `count` of them (the first is
/// the constant, an empty product): each is a list of variable indices.
pub fn monomials(dim: usize, count: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new()];
    let mut degree = 1;
    while out.len() < count && dim > 0 {
        // Non-decreasing index tuples of this degree, lexicographic.
        let mut t = vec![0usize; degree];
        loop {
            out.push(t.clone());
            if out.len() >= count {
                return out;
            }
            // Next tuple: bump the last index that can grow, reset those after it.
            let Some(k) = (0..degree).rev().find(|&k| t[k] + 1 < dim) else {
                break;
            };
            t[k] += 1;
            for j in k + 1..degree {
                t[j] = t[k];
            }
        }
        degree += 1;
    }
    out
}

/// `sum p_k · monomial_k(x)`.
pub fn polynomial(x: &[Expr], coefs: &[f64]) -> Expr {
    let mut sum: Option<Expr> = None;
    for (c, m) in coefs.iter().zip(monomials(x.len(), coefs.len())) {
        if *c == 0.0 {
            continue;
        }
        let mut term = Expr::Num(*c);
        for &i in &m {
            term = Expr::Binary(BinOp::Mul, Box::new(term), Box::new(x[i].clone()));
        }
        sum = Some(match sum {
            None => term,
            Some(s) => Expr::Binary(BinOp::Add, Box::new(s), Box::new(term)),
        });
    }
    sum.unwrap_or(Expr::Num(0.0))
}

impl Elab<'_> {
    /// `E/G/F/H ... POLY(n) ...` (`fields[2]` is the `poly(n)` call).
    pub(super) fn poly_source(&mut self, el: &Element, span: &Span, ctx: &Ctx) -> Result<()> {
        let f = &el.fields;
        let nodes = self.take_nodes(el, span, f, 2, ctx)?;
        let Some(Field::Call {
            args, span: pspan, ..
        }) = f.get(2)
        else {
            return Err(Error::at(span.clone(), "internal: no POLY", None));
        };
        let usage = match el.letter {
            'e' | 'g' => format!("write `{} n+ n- POLY(n) nc1+ nc1- ... p0 p1 ...`", el.name),
            _ => format!(
                "write `{} n+ n- POLY(n) vsrc1 ... vsrcn p0 p1 ...`",
                el.name
            ),
        };
        let dim = match args.as_slice() {
            [Field::Value(v, s)] => eval_value(v, s, ctx.scope)?,
            _ => {
                return Err(Error::at(
                    pspan.clone(),
                    "expected `POLY(n)` with the number of controlling inputs",
                    Some(usage),
                ))
            }
        };
        if !((1.0..=MAX_POLY_DIM as f64).contains(&dim) && dim.fract() == 0.0) {
            return Err(Error::at(
                pspan.clone(),
                format!(
                    "POLY({dim}): the dimension must be a whole number from 1 to {MAX_POLY_DIM}"
                ),
                Some(usage),
            ));
        }
        let dim = dim as usize;
        let per = if matches!(el.letter, 'e' | 'g') { 2 } else { 1 };
        let mut x = Vec::with_capacity(dim);
        let mut k = 3;
        for _ in 0..dim {
            let mut names = Vec::with_capacity(per);
            for _ in 0..per {
                match f.get(k).and_then(Field::word) {
                    Some(w) => names.push(w.to_string()),
                    None => {
                        let at = f.get(k).map_or_else(|| span.clone(), |x| x.span().clone());
                        return Err(Error::at(
                            at,
                            format!(
                                "`{}`: POLY({dim}) needs {} controlling {}",
                                el.name,
                                dim * per,
                                if per == 2 { "nodes" } else { "voltage sources" }
                            ),
                            Some(usage),
                        ));
                    }
                }
                k += 1;
            }
            x.push(if per == 2 {
                let p = self.node_name(ctx, &names[0]);
                let q = self.node_name(ctx, &names[1]);
                self.intern(p.clone());
                self.intern(q.clone());
                Expr::Voltage(p, Some(q))
            } else {
                Expr::Current(Self::elem_name(ctx, &names[0]))
            });
        }
        let mut coefs = Vec::new();
        for c in &f[k.min(f.len())..] {
            match c {
                Field::Value(v @ (Value::Word(_) | Value::Expr(..)), s) => {
                    coefs.push(eval_value(v, s, ctx.scope)?)
                }
                other => {
                    return Err(Error::at(
                        other.span().clone(),
                        format!("expected a POLY coefficient of `{}`", el.name),
                        Some(usage),
                    ))
                }
            }
        }
        if coefs.is_empty() {
            return Err(Error::at(
                span.clone(),
                format!(
                    "`{}`: POLY({dim}) needs its coefficients p0 p1 ...",
                    el.name
                ),
                Some(usage),
            ));
        }
        let name = Self::elem_name(ctx, &el.name);
        self.claim(&name, span)?;
        let voltage = matches!(el.letter, 'e' | 'h');
        self.flat.instances.push(Instance {
            name,
            letter: 'b',
            nodes,
            args: vec![
                Arg::Word(if voltage { "v" } else { "i" }.into()),
                Arg::Expr(polynomial(&x, &coefs)),
            ],
            params: Vec::new(),
            words: Vec::new(),
            model: None,
            span: span.clone(),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spice_order() {
        // POLY(2): 1, x1, x2, x1², x1x2, x2², x1³, x1²x2, ...
        let m = monomials(2, 8);
        let want: Vec<Vec<usize>> = vec![
            vec![],
            vec![0],
            vec![1],
            vec![0, 0],
            vec![0, 1],
            vec![1, 1],
            vec![0, 0, 0],
            vec![0, 0, 1],
        ];
        assert_eq!(m, want);
        // POLY(3) quadratic block: x1², x1x2, x1x3, x2², x2x3, x3² (ngspice 39, one
        // coefficient at a time: 2.25, -0.75, 3, 0.25, -1, 4 for x = 1.5, -0.5, 2).
        let m = monomials(3, 10);
        assert_eq!(
            m[4..].to_vec(),
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 1],
                vec![1, 2],
                vec![2, 2]
            ]
        );
        assert_eq!(
            monomials(1, 4),
            vec![vec![], vec![0], vec![0, 0], vec![0, 0, 0]]
        );
    }
}

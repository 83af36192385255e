//! Netlist text → AST: source map (`.include`/`.lib`), logical lines, parser, expressions.
//!
//! The accepted language is ngspice's for what it covers:
//!
//! * the first line is the title; `*` comment lines; `;` inline comments and `$` comments
//!   (at line start or after a blank); `+` continues the previous line (comment lines may
//!   sit in between); names and keywords are case-insensitive; `.end` ends the input.
//! * numbers with SPICE suffixes and units ([`crate::units`]); `{...}` and `'...'`
//!   expressions ([`expr`]); after `=` in `.param` and B sources unbraced expressions too.
//! * `.include file`, `.lib file section` / `.lib section` ... `.endl` ([`source`]);
//!   `.param`, `.subckt` ... `.ends` (nested), `.model`, `.ic`, `.options`, `.op`, `.dc`,
//!   `.tran`, `.ac`, `.noise`, `.tf`, `.sens`, `.save`/`.print`/`.plot`/`.probe`, `.global`, `.temp`, `.title`.
//! * documented leniencies: `.temp` takes one temperature (ngspice repeats the analyses for
//!   each of several); a bare `.options` flag (`nopage`) is recorded with value 1.
//! * `.control` ... `.endc` blocks are kept verbatim in [`Ast::control`] (run by
//!   [`crate::control`]).
//! * everything else (`.ac`, `.func`, unknown commands) is an error naming the
//!   file, line, column and token.
//!
//! [`parse_file`] / [`parse_str`] give the [`Ast`]; [`crate::elab::elaborate`] flattens it.
//!
//! ```
//! let ast = spinspice::netlist::parse_str("rc\nR1 a 0 1k\nC1 a 0 1p\n.tran 1n 10n\n", "rc.cir")?;
//! assert_eq!(ast.statements.len(), 3);
//! # Ok::<(), spinspice::Error>(())
//! ```

pub mod ast;
mod control;
pub mod expr;
pub mod lex;
pub mod parse;
pub mod source;

pub use ast::Ast;

#[cfg(test)]
mod tests;

use std::path::Path;

use crate::error::Result;

fn parse_phys(lines: Vec<source::PhysLine>) -> Result<Ast> {
    let title = lines
        .first()
        .map(|l| l.text.trim().to_string())
        .unwrap_or_default();
    let (rest, control) = control::extract(lines.get(1..).unwrap_or(&[]))?;
    let logical = lex::logical_lines(&rest)?;
    let mut ast = parse::parse_lines(title, logical)?;
    ast.control = control;
    Ok(ast)
}

/// Parse the netlist in `path` (and its includes). The first line is the title.
pub fn parse_file(path: &Path) -> Result<Ast> {
    parse_phys(source::load_file(path)?)
}

/// Parse netlist text; `name` is the file name used in diagnostics.
pub fn parse_str(text: &str, name: &str) -> Result<Ast> {
    parse_phys(source::load_str(text, name)?)
}

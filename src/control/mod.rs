//! The `.control` interpreter: ngspice's batch-mode control language, the subset that
//! ngspice's examples and users' decks use.
//!
//! A netlist's `.control` ... `.endc` blocks ([`crate::netlist::ast::ControlBlock`]) run
//! after elaboration, before the dot-analyses; as in `ngspice -b`, the dot-analyses then
//! run as well (and go to the raw file), unless the block ends the session with `quit`
//! or `exit`.
//!
//! * [`script`]: comments, continuations, the block tree (`if`/`else`, `while`,
//!   `dowhile`, `repeat`, `foreach`, `break`, `continue`).
//! * [`expr`], [`func`]: vector expressions and functions.
//! * [`vector`]: vectors and plots (`tran1`, `op1`, `dc1`, `const`, `unknown1`).
//! * [`interp`]: the commands: `run op tran dc print wrdata write let unlet set unset
//!   echo alter alterparam reset setplot destroy linearize display plot gnuplot hardcopy
//!   asciiplot meas source quit exit option version listing`; informational commands
//!   (`rusage`, `settype`, `show`, ...) are ignored with a note; `shell`, `goto`,
//!   `define` and the analyses spinspice lacks (`ac`, `noise`, ...) are errors.
//!
//! What would go to the terminal goes to [`Io::out`], notes and the errors ngspice reports
//! and goes on after (an unknown vector or variable) to [`Io::err`]; errors that stop
//! the script name the control line (file:line:col) and the command. Files (`wrdata`,
//! `write`, plots) are written relative to [`Io::dir`].
//!
//! ```
//! let text = "t\nv1 1 0 1\nr1 1 0 1k\n.control\nop\nlet p = v(1)*v(1)/1k\nprint p\n.endc\n.end\n";
//! let ast = spinspice::netlist::parse_str(text, "t.cir")?;
//! let flat = spinspice::elab::elaborate(&ast, &[])?;
//! let mut out = Vec::new();
//! let mut err = Vec::new();
//! let io = spinspice::control::Io { out: &mut out, err: &mut err, dir: ".".into() };
//! let (quit, _flat) = spinspice::control::run(&ast, flat, &[], io, &mut spinspice::progress::Silent)?;
//! assert!(!quit);
//! assert_eq!(String::from_utf8(out).unwrap(), "p = 1.000000e-03\n");
//! # Ok::<(), spinspice::Error>(())
//! ```

mod commands;
pub mod expr;
pub mod func;
pub mod interp;
pub mod print;
pub mod script;
pub mod vector;

#[cfg(test)]
mod tests;

use crate::elab::Flat;
use crate::error::Result;
use crate::netlist::Ast;
use crate::progress::Progress;
use std::path::PathBuf;

/// Where a control session writes.
pub struct Io<'a> {
    /// What ngspice prints on stdout (`echo`, `print`, `meas`).
    pub out: &'a mut dyn std::io::Write,
    /// Notes and the errors ngspice reports and goes on after (its stderr).
    pub err: &'a mut dyn std::io::Write,
    /// Relative file names (`wrdata`, `write`, plots) resolve against this directory.
    pub dir: PathBuf,
}

/// Run every control block of `ast` on `flat` (elaborated from `ast` with `overrides`, which
/// `reset` reuses). Returns whether the script ended with `quit`/`exit` (then the
/// dot-analyses do not run).
pub fn run<'a>(
    ast: &'a Ast,
    flat: Flat,
    overrides: &[(String, f64)],
    io: Io<'a>,
    progress: &'a mut dyn Progress,
) -> Result<(bool, Flat)> {
    run_limited(ast, flat, overrides, io, progress, interp::MAX_ITERATIONS)
}

/// [`run`] with another cap on the iterations of one loop (a loop that reaches it is an
/// error).
pub fn run_limited<'a>(
    ast: &'a Ast,
    flat: Flat,
    overrides: &[(String, f64)],
    io: Io<'a>,
    progress: &'a mut dyn Progress,
    max_iterations: usize,
) -> Result<(bool, Flat)> {
    let mut trees = Vec::new();
    for b in &ast.control {
        trees.push(script::parse(&script::commands(&b.lines))?);
    }
    let mut s = interp::Session::new(ast, flat, overrides, io, progress);
    s.max_iterations = max_iterations;
    for t in &trees {
        if s.run_nodes(t)?.0 {
            return Ok((true, s.flat));
        }
    }
    Ok((false, s.flat))
}

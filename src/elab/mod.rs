//! Elaboration: AST → flat circuit description.
//!
//! Resolves `.param` expressions, flattens `.subckt` instances (nodes `x1.n1`, ngspice's
//! instance names), numbers nodes, binds `.model` cards, and hands every element to the
//! device registry as a generic [`Instance`].

mod cond;
mod control;
mod element;
mod flatten;
mod meas;
pub mod params;
mod poly;
mod summary;
mod tables;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Ast, StmtKind};

pub use control::{option_use, OptionUse, TNOM_CELSIUS};
pub use summary::summary;

/// Index of a node in [`Flat::nodes`]; 0 is ground.
pub type NodeId = usize;

/// An evaluated positional argument of an element line, after its nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A number (parameters and expressions already evaluated, suffixes applied).
    Num(f64),
    /// A bare word (`dc`, `ac`, a model or source name), lower case.
    Word(String),
    /// A function-like group: `pulse(0 1 1n 1n 1n 5n 10n)`, `pwl(...)`, `sin(...)`.
    /// Numbers are evaluated; `r=` and other key=value pairs inside are in `params`.
    Call {
        name: String,
        args: Vec<f64>,
        params: Vec<(String, f64)>,
    },
    /// An expression kept unevaluated for devices that evaluate it themselves (B sources:
    /// `v={...}` / `i=...`): parameters in scope are already substituted by their values,
    /// node names in `v()` are flattened (`x1.n1`), source names in `i()` likewise.
    Expr(crate::netlist::expr::Expr),
}

/// A bound `.model` card.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelCard {
    /// Model name, lower case.
    pub name: String,
    /// Model type as written (`d`, `nmos`, `pmos`, `sw`, `comparator`, `mtj`, `racetrack`), lower case.
    pub kind: String,
    /// Evaluated numeric parameters (lower-case names) with their spans.
    pub params: Vec<crate::devices::param::Given>,
    /// Word- or string-valued parameters (`state=micromagnetic`, `problem="x.toml"`):
    /// (lower-case name, value as written without quotes, span).
    pub words: Vec<(String, String, Span)>,
    pub span: Span,
}

/// One element of the flattened circuit.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Flattened name, lower case (`r1`, or inside subcircuits ngspice's form).
    pub name: String,
    /// The element letter, lower case.
    pub letter: char,
    /// Node ids, in the order written.
    pub nodes: Vec<NodeId>,
    /// Positional arguments after the nodes (and after the model name, if any).
    pub args: Vec<Arg>,
    /// `key=value` instance parameters, evaluated, lower-case keys.
    pub params: Vec<crate::devices::param::Given>,
    /// Word- or string-valued instance parameters (name, value, span).
    pub words: Vec<(String, String, Span)>,
    /// The `.model` card this instance names, if any.
    pub model: Option<ModelCard>,
    /// Where the element was written (for subcircuit elements: the line inside the `.subckt`).
    pub span: Span,
}

/// One sweep of a `.dc` analysis (the first is the inner loop, as in SPICE).
#[derive(Debug, Clone, PartialEq)]
pub struct DcSweep {
    /// Source (or resistor) name, flattened, lower case.
    pub source: String,
    pub start: f64,
    pub stop: f64,
    pub step: f64,
}

/// An analysis request.
#[derive(Debug, Clone, PartialEq)]
pub enum Analysis {
    Op,
    /// `.dc src1 start stop step [src2 start stop step]`: sweeps[0] is inner.
    Dc {
        sweeps: Vec<DcSweep>,
    },
    /// `.tran tstep tstop [tstart [tmax]] [uic]`.
    Tran {
        tstep: f64,
        tstop: f64,
        tstart: f64,
        tmax: Option<f64>,
        uic: bool,
    },
    /// `.ac dec|oct|lin N fstart fstop`.
    Ac(AcSweep),
    /// `.noise v(out[,ref]) src dec|oct|lin N fstart fstop [pts_per_summary]`.
    Noise(NoiseSpec),
    /// `.tf outvar insrc`.
    Tf(TfSpec),
    /// `.sens outvar` (DC sensitivities).
    Sens(OutVar),
}

/// An output variable of `.tf` and `.noise`: a node voltage (to a reference node, or to
/// ground) or the current through a voltage source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutVar {
    /// `v(node)` or `v(node,ref)`, node names lower case.
    Voltage(String, Option<String>),
    /// `i(vname)`.
    Current(String),
}

impl std::fmt::Display for OutVar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutVar::Voltage(a, None) => write!(f, "v({a})"),
            OutVar::Voltage(a, Some(b)) => write!(f, "v({a},{b})"),
            OutVar::Current(v) => write!(f, "i({v})"),
        }
    }
}

/// `.noise`: the output, the input source, the sweep and ngspice's points per summary
/// (`pts`; given, the spectrum plot also holds every generator's contribution, at every
/// `pts`-th frequency, as ngspice writes it).
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseSpec {
    /// A voltage output (`.noise` takes no current output).
    pub output: OutVar,
    /// The independent source the input-referred noise refers to (lower case).
    pub source: String,
    pub sweep: AcSweep,
    pub pts_per_summary: Option<usize>,
}

/// `.tf`: small-signal DC transfer function, input and output resistance.
#[derive(Debug, Clone, PartialEq)]
pub struct TfSpec {
    pub output: OutVar,
    /// The input independent source (lower case).
    pub source: String,
}

/// How `.ac` spaces its frequencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcSpacing {
    /// `dec`: N points per decade.
    Dec,
    /// `oct`: N points per octave.
    Oct,
    /// `lin`: N points in all.
    Lin,
}

/// The frequency sweep of `.ac` (and of the `.control` command `ac`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AcSweep {
    pub spacing: AcSpacing,
    pub points: usize,
    pub fstart: f64,
    pub fstop: f64,
}

impl AcSweep {
    /// The frequencies, as ngspice steps them: `dec`/`oct` multiply by `10^(1/N)` (`2^(1/N)`)
    /// from `fstart` while not past `fstop` (with a relative slack of 1e-6, so a stop on the
    /// grid is included); `lin` takes N points from `fstart` to `fstop` inclusive.
    pub fn frequencies(&self) -> Vec<f64> {
        let n = self.points.max(1);
        match self.spacing {
            AcSpacing::Lin => {
                if n == 1 {
                    return vec![self.fstart];
                }
                let df = (self.fstop - self.fstart) / (n - 1) as f64;
                (0..n).map(|k| self.fstart + k as f64 * df).collect()
            }
            AcSpacing::Dec | AcSpacing::Oct => {
                let base: f64 = if self.spacing == AcSpacing::Dec {
                    10.0
                } else {
                    2.0
                };
                let steps = ((self.fstop / self.fstart).log(base) * n as f64 + 1e-6).floor();
                let steps = steps.max(0.0) as usize;
                (0..=steps)
                    .map(|k| self.fstart * base.powf(k as f64 / n as f64))
                    .collect()
            }
        }
    }
}

/// A `.print` or `.plot` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Print {
    /// `print` or `plot`.
    pub command: String,
    /// The analysis named first (`tran`, `dc`, `op`, `ac`), if any.
    pub analysis: Option<String>,
    /// The items as written (`v(out)`, `i(v1)`, `{i(v1)-1.0}`, `out`).
    pub items: Vec<String>,
    pub span: Span,
}

/// A `.options` entry: `reltol=1e-4` → Num; `method=gear` → Word.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionEntry {
    pub name: String,
    pub value: Arg,
    pub span: Span,
}

/// The elaborated, flat circuit description: what the device registry and the engine take.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Flat {
    /// Title line.
    pub title: String,
    /// Node names by id; `nodes[0]` is ground (`0`; `gnd` maps to it).
    pub nodes: Vec<String>,
    /// Every element, subcircuits flattened.
    pub instances: Vec<Instance>,
    /// Analyses in netlist order.
    pub analyses: Vec<Analysis>,
    /// `.options` entries in order (later ones win).
    pub options: Vec<OptionEntry>,
    /// `.ic v(node)=value` entries.
    pub ics: Vec<(NodeId, f64)>,
    /// `.nodeset v(node)=value` entries: held through a first Newton solve of each DC
    /// operating point, then released (see `circuit::op`).
    pub nodesets: Vec<(NodeId, f64)>,
    /// Signals named by `.save`/`.print`/`.probe`, normalised (`v(out)`, `i(v1)`,
    /// `v(a,b)` kept as written); empty = save everything.
    pub saves: Vec<String>,
    /// Resolved top-level parameters (after `--param` overrides).
    pub params: Vec<(String, f64)>,
    /// `.csparam` values, evaluated with the top-level parameters: for the `.control`
    /// interpreter (the netlist cannot use them, as in ngspice 39).
    pub csparams: Vec<(String, f64)>,
    /// `.meas` lines, in order (evaluated after their analysis).
    pub measures: Vec<crate::wave::meas::Measure>,
    /// `.print` / `.plot` requests, in order (they do not change what is saved).
    pub prints: Vec<Print>,
    /// What was accepted but not acted on (ignored options and dot-commands), in order.
    pub warnings: Vec<crate::error::Warning>,
    /// Circuit temperature (°C) from `.temp` or `.options temp=`; `None`: 27 °C.
    pub temp: Option<f64>,
    /// Nominal temperature (°C) of model parameters from `.options tnom=`; `None`: 27 °C.
    pub tnom: Option<f64>,
}

impl Flat {
    /// The circuit temperature (°C).
    pub fn temp_celsius(&self) -> f64 {
        self.temp.unwrap_or(TNOM_CELSIUS)
    }

    /// The nominal temperature of model parameters (°C).
    pub fn tnom_celsius(&self) -> f64 {
        self.tnom.unwrap_or(TNOM_CELSIUS)
    }

    /// Node id of `name` (case-insensitive; `gnd` is ground).
    pub fn node(&self, name: &str) -> Option<NodeId> {
        let n = name.to_ascii_lowercase();
        if n == "gnd" {
            return Some(0);
        }
        self.nodes.iter().position(|x| *x == n)
    }
}

/// Parse a command-line override `NAME=VALUE` (`fin=333meg`); the value may use SPICE
/// suffixes or be an expression of numbers.
pub fn parse_override(text: &str) -> Result<(String, f64)> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(Error::Usage(format!(
            "--param `{text}`: expected NAME=VALUE (e.g. --param rload=10k)"
        )));
    };
    let name = name.trim().to_ascii_lowercase();
    if !params::is_ident(&name) {
        return Err(Error::Usage(format!(
            "--param `{text}`: `{name}` is not a parameter name"
        )));
    }
    let value = value.trim();
    let v = match crate::units::parse_number(value) {
        Some(v) => v,
        None => crate::netlist::expr::parse_expr(value)
            .and_then(|e| crate::netlist::expr::eval(&e, &|_| None))
            .map_err(|e| Error::Usage(format!("--param `{text}`: bad value `{value}`: {e}")))?,
    };
    Ok((name, v))
}

/// The seed of the random functions: `.options seed=N` (the last one), else
/// [`params::DEFAULT_SEED`].
fn seed(ast: &Ast) -> Result<u64> {
    let mut seed = params::DEFAULT_SEED;
    for st in &ast.statements {
        let StmtKind::Options(fs) = &st.kind else {
            continue;
        };
        for f in fs {
            if let crate::netlist::ast::Field::Assign(a) = f {
                if a.name == "seed" {
                    let v = params::eval_value(&a.value, &a.value_span, &params::Scope::default())?;
                    if !((0.0..1.8e19).contains(&v) && v.fract() == 0.0) {
                        return Err(Error::at(
                            a.value_span.clone(),
                            format!("`seed` must be a whole number >= 0, got {v}"),
                            None,
                        ));
                    }
                    seed = v as u64;
                }
            }
        }
    }
    Ok(seed)
}

/// Elaborate a parsed netlist into a [`Flat`] circuit. `overrides` replace top-level
/// `.param` values (as `--param NAME=VALUE` does); naming a parameter that is not a
/// top-level `.param` is an error.
pub fn elaborate(ast: &Ast, overrides: &[(String, f64)]) -> Result<Flat> {
    elaborate_seeded(ast, overrides, None)
}

/// [`elaborate`] with the random functions (`agauss`, `gauss`, `unif`, ...) drawing from
/// `seed` instead of the netlist's `.options seed=` (one Monte Carlo instance).
pub fn elaborate_seeded(
    ast: &Ast,
    overrides: &[(String, f64)],
    seed_override: Option<u64>,
) -> Result<Flat> {
    let seed = |ast: &Ast| match seed_override {
        Some(s) => Ok(s),
        None => seed(ast),
    };
    let top = flatten::params_of(&ast.statements);
    let mut fixed = HashMap::new();
    for (name, v) in overrides {
        let n = name.to_ascii_lowercase();
        if !top.iter().any(|a| a.name == n) {
            let mut names: Vec<&str> = top.iter().map(|a| a.name.as_str()).collect();
            names.dedup();
            return Err(Error::Usage(format!(
                "--param {n}: the netlist has no top-level `.param {n}`{}",
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" (its parameters: {})", names.join(", "))
                }
            )));
        }
        fixed.insert(n, *v);
    }
    // `.func` definitions outside `.if` blocks are visible to the conditions.
    let cond_root = params::Scope {
        funcs: flatten::funcs_of(&ast.statements),
        rng: Some(params::Rng::new(seed(ast)?)),
        ..params::Scope::default()
    };
    let cond_vals = params::eval_block(&top, &cond_root, &fixed)?;
    let cond_scope = params::Scope {
        vars: cond_vals.into_iter().collect(),
        parent: Some(&cond_root),
        ..params::Scope::default()
    };
    let mut warnings = Vec::new();
    let stmts = cond::resolve(&ast.statements, &cond_scope, &mut warnings)?;
    let tables = tables::Tables::build(&stmts)?;
    let top = flatten::body_params(&tables, 0);
    // Evaluated afresh with the generator restarted: random functions draw the same
    // numbers whether or not the netlist has `.if` blocks.
    let root = params::Scope {
        // `temper` in element values (`r={1k + temper}`): the circuit temperature (27 °C
        // unless `.temp`/`.options temp=` say otherwise); ngspice 39 gives 1027 ohm for that
        // resistor at 27 °C.
        vars: [(
            "temper".to_string(),
            control::prescan_temperature(&stmts, &cond_scope),
        )]
        .into_iter()
        .collect(),
        funcs: flatten::body_funcs(&tables, 0),
        rng: Some(params::Rng::new(seed(ast)?)),
        ..params::Scope::default()
    };
    let top_vals = params::eval_block(&top, &root, &fixed)?;
    let scope = params::Scope {
        vars: top_vals.iter().cloned().collect(),
        parent: Some(&root),
        ..params::Scope::default()
    };
    let mut e = flatten::Elab::new(tables);
    e.flat.title = ast.title.clone();
    e.flat.params = top_vals;
    e.flat.warnings = warnings;
    for st in &stmts {
        if let StmtKind::Csparam(v) = &st.kind {
            for a in v {
                let x = params::eval_value(&a.value, &a.value_span, &scope)?;
                e.flat.csparams.push((a.name.clone(), x));
            }
        }
    }
    for st in &stmts {
        if let StmtKind::Global(fs) = &st.kind {
            for f in fs {
                match f.word() {
                    Some(w) => {
                        let w = w.to_ascii_lowercase();
                        if w != "0" && w != "gnd" {
                            e.globals.insert(w);
                        }
                    }
                    None => return Err(Error::at(f.span().clone(), "expected a node name", None)),
                }
            }
        }
    }
    let ctx = flatten::Ctx {
        body: 0,
        path: String::new(),
        ports: HashMap::new(),
        scope: &scope,
        outer: None,
    };
    e.body(&ctx)?;
    e.finish()?;
    for (node, value, span) in std::mem::take(&mut e.nodesets) {
        let Some(&id) = e.node_ids.get(&node) else {
            return Err(Error::at(
                span,
                format!("`.nodeset` names unknown node `{node}`"),
                None,
            ));
        };
        if id != 0 {
            e.flat.nodesets.push((id, value));
        }
    }
    Ok(e.flat)
}

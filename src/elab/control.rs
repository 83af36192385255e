//! Dot-commands that are not circuit elements: `.ic`, `.options`, `.op`, `.dc`, `.tran`,
//! `.save` / `.print` / `.probe`, `.temp`.

use super::flatten::{Ctx, Elab, PendingSave};
use super::params::{eval_num_or_word, eval_value, NumOrWord, Scope};
use super::{Analysis, Arg, DcSweep, OptionEntry};
use crate::error::{Error, Result, Span, Warning};
use crate::netlist::ast::{Assign, Field, StmtKind, Value};

/// The default circuit and nominal temperature (°C), ngspice's.
pub const TNOM_CELSIUS: f64 = 27.0;

/// What spinspice does with an ngspice option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionUse {
    /// Changes the simulation (`reltol`, `method`, ...): see [`crate::circuit::options`].
    Applied,
    /// `temp`, `tnom`: the circuit temperature and the nominal one of model parameters (°C).
    Temperature,
    /// `maxord`: 2 is what spinspice's Gear is; other values are ignored with a warning.
    MaxOrder,
    /// ngspice options that change only its printed output or bookkeeping.
    OutputOnly,
    /// ngspice options that change results in ngspice but are not implemented here.
    NotApplied,
    /// Not an ngspice option (ngspice ignores those without a word; spinspice warns).
    Unknown,
}

/// Options spinspice applies (handled by `crate::circuit::options::Options`).
const APPLIED: &[&str] = &[
    "reltol", "abstol", "vntol", "chgtol", "trtol", "method", "maxstep", "itl1", "itl2", "itl4",
    "gmin", "spikes", "spikevth", "seed",
];

/// ngspice options that change only what it prints or how it keeps accounts (and options
/// of other simulators' decks that ngspice accepts: HSPICE's `post`, `ingold`, `probe`).
const OUTPUT_ONLY: &[&str] = &[
    "acct",
    "noacct",
    "noinit",
    "list",
    "nolist",
    "nomod",
    "nopage",
    "node",
    "nonode",
    "opts",
    "post",
    "ingold",
    "numdgt",
    "probe",
    "brief",
    "warn",
    "maxwarns",
    "keepopinfo",
    "klu",
    "sparse",
    "seedinfo",
    "width",
    "nosubckt",
    "norefvalue",
    "interp",
    "measure",
    "statistics",
    "csdf",
    "accurate",
    "savecurrents",
];

/// ngspice options that change its results and that spinspice does not implement (yet).
const NOT_APPLIED: &[&str] = &[
    "cshunt",
    "rshunt",
    "pivrel",
    "pivtol",
    "itl3",
    "itl5",
    "itl6",
    "gminsteps",
    "srcsteps",
    "noopiter",
    "xmu",
    "defad",
    "defas",
    "defl",
    "defw",
    "badmos3",
    "ramptime",
    "bypass",
    "autostop",
    "trytocompact",
    "noopalter",
    "gminfactor",
    "scale",
    "dcmu",
    "abserr",
    "relerr",
    "indverbosity",
    "edge",
    "minbreak",
    "delmin",
    "newtrunc",
    "oldlimit",
    "nosrcstep",
    "trtol_ratio",
];

/// How spinspice treats the ngspice option `name` (lower case).
pub fn option_use(name: &str) -> OptionUse {
    if APPLIED.contains(&name) {
        OptionUse::Applied
    } else if name == "temp" || name == "tnom" {
        OptionUse::Temperature
    } else if name == "maxord" {
        OptionUse::MaxOrder
    } else if OUTPUT_ONLY.contains(&name) {
        OptionUse::OutputOnly
    } else if NOT_APPLIED.contains(&name) {
        OptionUse::NotApplied
    } else {
        OptionUse::Unknown
    }
}

/// The first line of an error (its message, without the source excerpt).
fn first_line(e: &Error) -> String {
    let s = e.to_string();
    let line = s.lines().next().unwrap_or_default();
    match line.find(": error: ") {
        Some(k) => line[k + ": error: ".len()..].to_string(),
        None => line.to_string(),
    }
}

fn num(f: &Field, scope: &Scope, what: &str) -> Result<f64> {
    match f {
        Field::Value(v, s) => eval_value(v, s, scope).map_err(|e| match (v, e) {
            (Value::Word(w), Error::Input(_)) => {
                Error::at(s.clone(), format!("expected {what}, found `{w}`"), None)
            }
            (_, e) => e,
        }),
        other => Err(Error::at(
            other.span().clone(),
            format!("expected {what}"),
            None,
        )),
    }
}

fn end_of(span: &Span, fields: &[Field]) -> Span {
    let s = fields.last().map_or(span, |f| f.span());
    let mut e = s.clone();
    e.col += s.token.chars().count() + 1;
    e.token = String::new();
    e
}

impl Elab<'_> {
    /// `.ic v(node)=value ...`
    pub fn ic(&mut self, v: &[Assign], ctx: &Ctx) -> Result<()> {
        for a in v {
            let node = a
                .name
                .strip_prefix("v(")
                .and_then(|r| r.strip_suffix(')'))
                .filter(|n| !n.is_empty() && !n.contains(','));
            let Some(node) = node else {
                return Err(Error::at(
                    a.span.clone(),
                    format!("expected `v(node)=value` in `.ic`, found `{}`", a.name),
                    None,
                ));
            };
            let value = eval_value(&a.value, &a.value_span, ctx.scope)?;
            let flat = self.node_name(ctx, node);
            self.ics.push((flat, value, a.span.clone()));
        }
        Ok(())
    }

    /// A top-level dot-command.
    pub fn control(&mut self, kind: &StmtKind, span: &Span, scope: &Scope) -> Result<()> {
        match kind {
            StmtKind::Op => self.flat.analyses.push(Analysis::Op),
            StmtKind::Options(fs) => {
                for f in fs {
                    let entry = match f {
                        Field::Assign(a) => OptionEntry {
                            name: a.name.clone(),
                            value: match eval_num_or_word(&a.value, &a.value_span, scope) {
                                Ok(NumOrWord::Num(v)) => Arg::Num(v),
                                Ok(NumOrWord::Word(w)) => Arg::Word(w),
                                // A value spinspice cannot evaluate, on an option it
                                // does not apply: ngspice takes it, so warn and go on.
                                Err(e) if option_use(&a.name) != OptionUse::Applied => {
                                    self.flat.warnings.push(Warning::at(
                                        a.span.clone(),
                                        format!("option `{}` ignored: {}", a.name, first_line(&e)),
                                    ));
                                    continue;
                                }
                                Err(e) => return Err(e),
                            },
                            span: a.span.clone(),
                        },
                        // A bare flag (`.options nopage`) is recorded as 1.
                        Field::Value(Value::Word(w), s) => OptionEntry {
                            name: w.to_ascii_lowercase(),
                            value: Arg::Num(1.0),
                            span: s.clone(),
                        },
                        // Anything else (`.options foo(1)`, a string): ngspice ignores
                        // what it does not know.
                        other => {
                            self.flat.warnings.push(Warning::at(
                                other.span().clone(),
                                format!("`{}` in `.options` ignored", other.span().token),
                            ));
                            continue;
                        }
                    };
                    self.option(entry)?;
                }
            }
            StmtKind::Dc(fs) => {
                if fs.is_empty() || fs.len() % 4 != 0 {
                    let at = if fs.len() > 8 {
                        fs[8].span().clone()
                    } else {
                        end_of(span, fs)
                    };
                    return Err(Error::at(
                        at,
                        "`.dc` needs `source start stop step` (one or two sweeps)",
                        Some("write `.dc v1 0 5 0.1` or `.dc v1 0 5 0.1 v2 0 1 0.5`".into()),
                    ));
                }
                let mut sweeps = Vec::new();
                for g in fs.chunks(4) {
                    let Some(src) = g[0].word() else {
                        return Err(Error::at(
                            g[0].span().clone(),
                            "expected the name of the swept source",
                            None,
                        ));
                    };
                    let source = src.to_ascii_lowercase();
                    let start = num(&g[1], scope, "the sweep start")?;
                    let stop = num(&g[2], scope, "the sweep stop")?;
                    let step = num(&g[3], scope, "the sweep step")?;
                    if step == 0.0 || (stop - start) * step < 0.0 {
                        return Err(Error::at(
                            g[3].span().clone(),
                            format!("sweep step {step} does not lead from {start} to {stop}"),
                            Some(
                                "the step must be non-zero and have the sign of stop - start"
                                    .into(),
                            ),
                        ));
                    }
                    self.dc_sources.push((source.clone(), g[0].span().clone()));
                    sweeps.push(DcSweep {
                        source,
                        start,
                        stop,
                        step,
                    });
                }
                self.flat.analyses.push(Analysis::Dc { sweeps });
            }
            StmtKind::Tran(fs) => self.tran(fs, span, scope)?,
            StmtKind::Ac(fs) => {
                let sweep = ac_sweep(fs, span, scope)?;
                self.flat.analyses.push(Analysis::Ac(sweep));
            }
            StmtKind::Noise(fs) => {
                let spec = noise_spec(fs, span, scope)?;
                self.flat.analyses.push(Analysis::Noise(spec));
            }
            StmtKind::Tf(fs) => {
                let spec = tf_spec(fs, span)?;
                self.flat.analyses.push(Analysis::Tf(spec));
            }
            StmtKind::Sens(fs) => {
                let Some(out) = fs.first() else {
                    return Err(Error::at(
                        end_of(span, fs),
                        "`.sens` needs an output, `v(node[,ref])` or `i(vsource)`",
                        Some("write e.g. `.sens v(out)`".into()),
                    ));
                };
                if let Some(extra) = fs.get(1) {
                    return Err(Error::at(
                        extra.span().clone(),
                        "`.sens` with an AC sweep is not supported yet (only DC sensitivities)",
                        Some("write `.sens v(out)` for the DC sensitivities".into()),
                    ));
                }
                let out = out_var(out, "`.sens`")?;
                self.flat.analyses.push(Analysis::Sens(out));
            }
            StmtKind::Meas(fs) => self.meas(fs, span, scope)?,
            StmtKind::Save(cmd, fs) => self.save(cmd, fs, span)?,
            StmtKind::Ignored(cmd, why) => self.flat.warnings.push(Warning::at(
                span.clone(),
                format!("`{cmd}` ignored ({why})"),
            )),
            StmtKind::Temp(fs) => {
                let [f] = fs.as_slice() else {
                    return Err(Error::at(
                        span.clone(),
                        "`.temp` takes one temperature",
                        None,
                    ));
                };
                let t = num(f, scope, "a temperature")?;
                self.flat.temp = Some(check_temperature(t, f.span(), "`.temp`")?);
            }
            StmtKind::Global(_)
            | StmtKind::Param(_)
            | StmtKind::Subckt(_)
            | StmtKind::Model(_)
            | StmtKind::Element(_)
            | StmtKind::Ic(_)
            | StmtKind::Nodeset(_)
            | StmtKind::Func(_)
            | StmtKind::Csparam(_)
            | StmtKind::If(_) => {}
        }
        Ok(())
    }

    /// One `.options` entry: applied ones go to [`crate::elab::Flat::options`]; `temp` and
    /// `tnom` must be 27 °C; the rest are ignored with a warning saying why.
    fn option(&mut self, e: OptionEntry) -> Result<()> {
        let name = e.name.as_str();
        match option_use(name) {
            OptionUse::Applied => self.flat.options.push(e),
            OptionUse::Temperature => {
                let Arg::Num(t) = e.value else {
                    return Err(Error::at(
                        e.span.clone(),
                        format!("option `{name}` needs a temperature in °C"),
                        None,
                    ));
                };
                let t = check_temperature(t, &e.span, &format!("option `{name}`"))?;
                if name == "temp" {
                    self.flat.temp = Some(t);
                } else {
                    self.flat.tnom = Some(t);
                }
            }
            OptionUse::MaxOrder => {
                if !matches!(e.value, Arg::Num(v) if v == 2.0) {
                    self.flat.warnings.push(Warning::at(
                        e.span.clone(),
                        format!(
                            "option `{name}` ignored: spinspice integrates with the trapezoidal \
                             rule or second-order Gear (maxord=2)"
                        ),
                    ));
                }
            }
            OptionUse::OutputOnly => self.flat.warnings.push(Warning::at(
                e.span.clone(),
                format!("option `{name}` ignored (it only changes ngspice's printed output or bookkeeping)"),
            )),
            OptionUse::NotApplied => self.flat.warnings.push(Warning::at(
                e.span.clone(),
                format!(
                    "option `{name}` is not supported and is ignored: results may differ from ngspice's"
                ),
            )),
            OptionUse::Unknown => self.flat.warnings.push(Warning::at(
                e.span.clone(),
                format!("unknown option `{name}` ignored (ngspice ignores it too)"),
            )),
        }
        Ok(())
    }

    fn tran(&mut self, fs: &[Field], span: &Span, scope: &Scope) -> Result<()> {
        let mut fs = fs;
        let mut uic = false;
        if fs
            .last()
            .and_then(Field::word)
            .is_some_and(|w| w.eq_ignore_ascii_case("uic"))
        {
            uic = true;
            fs = &fs[..fs.len() - 1];
        }
        if fs.len() < 2 || fs.len() > 4 {
            let at = if fs.len() > 4 {
                fs[4].span().clone()
            } else {
                end_of(span, fs)
            };
            return Err(Error::at(
                at,
                "`.tran` needs `tstep tstop [tstart [tmax]] [uic]`",
                Some("write e.g. `.tran 1n 100n`".into()),
            ));
        }
        let tstep = num(&fs[0], scope, "the time step")?;
        let tstop = num(&fs[1], scope, "the stop time")?;
        let tstart = match fs.get(2) {
            Some(f) => num(f, scope, "the start time")?,
            None => 0.0,
        };
        let tmax = match fs.get(3) {
            Some(f) => Some(num(f, scope, "the maximum step")?),
            None => None,
        };
        if tstep <= 0.0 {
            return Err(Error::at(
                fs[0].span().clone(),
                "`.tran` step must be positive",
                None,
            ));
        }
        if tstop <= 0.0 {
            return Err(Error::at(
                fs[1].span().clone(),
                "`.tran` stop time must be positive",
                None,
            ));
        }
        if !(0.0..tstop).contains(&tstart) {
            return Err(Error::at(
                fs[2].span().clone(),
                "`.tran` start time must lie in [0, tstop)",
                None,
            ));
        }
        if let Some(m) = tmax {
            if m <= 0.0 {
                return Err(Error::at(
                    fs[3].span().clone(),
                    "`.tran` maximum step must be positive",
                    None,
                ));
            }
        }
        self.flat.analyses.push(Analysis::Tran {
            tstep,
            tstop,
            tstart,
            tmax,
            uic,
        });
        Ok(())
    }

    fn save(&mut self, cmd: &str, fs: &[Field], span: &Span) -> Result<()> {
        if cmd == ".probe" {
            // ngspice goes on past `.probe` items it cannot use (`.probe alli`, `p(r1)`):
            // save what can be saved, warn about the rest.
            for f in fs {
                if let Err(e) = self.save(".probe-item", std::slice::from_ref(f), span) {
                    self.flat.warnings.push(Warning::at(
                        f.span().clone(),
                        format!("`.probe` item ignored: {}", first_line(&e)),
                    ));
                }
            }
            return Ok(());
        }
        let lenient = cmd == ".probe-item";
        let cmd = if lenient { ".save" } else { cmd };
        let mut fs = fs;
        if cmd == ".print" || cmd == ".plot" {
            // ngspice: `.print`/`.plot` print (or plot) vectors; they do not select what
            // is saved. `[analysis] item...`, items as ngspice writes them (`v(a)`,
            // `v(a,b)`, `i(v1)`, `vdb(out)`, a node alone, `{expr}`).
            let mut analysis = None;
            if let Some(w) = fs.first().and_then(Field::word) {
                let w = w.to_ascii_lowercase();
                if matches!(w.as_str(), "tran" | "dc" | "op" | "ac" | "noise" | "disto") {
                    analysis = Some(w);
                    fs = &fs[1..];
                }
            }
            let items = fs.iter().map(|f| f.span().token.clone()).collect();
            self.flat.prints.push(super::Print {
                command: cmd[1..].to_string(),
                analysis,
                items,
                span: span.clone(),
            });
            return Ok(());
        }
        for f in fs {
            let bad = || {
                Error::at(
                    f.span().clone(),
                    format!("cannot {} `{}`", &cmd[1..], f.span().token),
                    Some(
                        "name signals as v(node), v(node1,node2), i(vsource) or a node name".into(),
                    ),
                )
            };
            match f {
                Field::Value(Value::Word(w), s) => {
                    let w = w.to_ascii_lowercase();
                    if w == "all" {
                        // Everything, as with no `.save` at all, plus what else is named.
                        if !self.flat.saves.iter().any(|s| s == "all") {
                            self.flat.saves.push(w);
                        }
                        continue;
                    }
                    if w.starts_with('@') {
                        self.flat.warnings.push(Warning::at(
                            s.clone(),
                            format!(
                                "device-parameter vector `{w}` is not saved (not supported yet)"
                            ),
                        ));
                        continue;
                    }
                    self.saves.push(PendingSave {
                        lenient,
                        text: format!("v({w})"),
                        node: vec![w],
                        source: None,
                        span: s.clone(),
                    });
                }
                Field::Call { name, args, span } => {
                    let words: Option<Vec<String>> = args
                        .iter()
                        .map(|a| a.word().map(str::to_ascii_lowercase))
                        .collect();
                    let Some(words) = words else {
                        return Err(bad());
                    };
                    match (name.as_str(), words.len()) {
                        ("v", 1 | 2) => self.saves.push(PendingSave {
                            lenient,
                            text: format!("v({})", words.join(",")),
                            node: words,
                            source: None,
                            span: span.clone(),
                        }),
                        ("i", 1) => self.saves.push(PendingSave {
                            lenient,
                            text: format!("i({})", words[0]),
                            node: Vec::new(),
                            source: Some(words[0].clone()),
                            span: span.clone(),
                        }),
                        _ => return Err(bad()),
                    }
                }
                _ => return Err(bad()),
            }
        }
        Ok(())
    }

    /// Resolve `.ic`, `.save` and `.dc` names now that every node and element exists.
    pub fn finish(&mut self) -> Result<()> {
        for (node, value, span) in std::mem::take(&mut self.ics) {
            let Some(&id) = self.node_ids.get(&node) else {
                return Err(Error::at(
                    span,
                    format!("`.ic` names unknown node `{node}`"),
                    None,
                ));
            };
            self.flat.ics.push((id, value));
        }
        'saves: for s in std::mem::take(&mut self.saves) {
            let mut unknown = None;
            for n in &s.node {
                let n = if n == "gnd" { "0" } else { n.as_str() };
                if !self.node_ids.contains_key(n) {
                    unknown = Some(format!("unknown node `{n}`"));
                }
            }
            if let Some(src) = &s.source {
                if !self.names.contains(src) {
                    unknown = Some(format!("unknown element `{src}`"));
                }
            }
            match unknown {
                Some(m) if s.lenient => {
                    self.flat
                        .warnings
                        .push(Warning::at(s.span, format!("`.probe` item ignored: {m}")));
                    continue 'saves;
                }
                Some(m) => return Err(Error::at(s.span, m, None)),
                None => {}
            }
            if !self.flat.saves.contains(&s.text) {
                self.flat.saves.push(s.text);
            }
        }
        for (src, span) in std::mem::take(&mut self.dc_sources) {
            if !self.names.contains(&src) {
                return Err(Error::at(
                    span,
                    format!("`.dc` sweeps unknown source `{src}`"),
                    Some("sweep a V or I source of the netlist".into()),
                ));
            }
        }
        Ok(())
    }
}

/// `.ac dec|oct|lin N fstart fstop`.
/// A temperature in °C, above absolute zero.
fn check_temperature(t: f64, span: &Span, what: &str) -> Result<f64> {
    if t.is_finite() && t > -273.15 {
        Ok(t)
    } else {
        Err(Error::at(
            span.clone(),
            format!("{what}: {t} °C is not a temperature (it must be above -273.15 °C)"),
            None,
        ))
    }
}

/// The circuit temperature (°C) that `.temp` or `.options temp=` set, read before the
/// elements are elaborated (their `temper` is it); the last one written wins, as when the
/// statements are applied in order. Values that do not evaluate here are left to the
/// statements' own checks.
pub(crate) fn prescan_temperature(stmts: &[crate::netlist::ast::Stmt], scope: &Scope) -> f64 {
    let mut t = TNOM_CELSIUS;
    for st in stmts {
        match &st.kind {
            StmtKind::Temp(fs) => {
                if let [f] = fs.as_slice() {
                    if let Ok(v) = num(f, scope, "a temperature") {
                        t = v;
                    }
                }
            }
            StmtKind::Options(fs) => {
                for f in fs {
                    if let Field::Assign(a) = f {
                        if a.name == "temp" {
                            if let Ok(v) = eval_value(&a.value, &a.value_span, scope) {
                                t = v;
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    t
}

/// `v(node)`, `v(node,ref)` or `i(vsource)` of `.tf`/`.noise`.
fn out_var(f: &Field, what: &str) -> Result<crate::elab::OutVar> {
    use crate::elab::OutVar;
    let bad = || {
        Error::at(
            f.span().clone(),
            format!("{what} output must be `v(node)`, `v(node,ref)` or `i(vsource)`"),
            Some("write e.g. `v(out)` or `i(vload)`".into()),
        )
    };
    let Field::Call { name, args, .. } = f else {
        return Err(bad());
    };
    let words: Option<Vec<String>> = args
        .iter()
        .map(|a| a.word().map(str::to_ascii_lowercase))
        .collect();
    match (name.as_str(), words.as_deref()) {
        ("v", Some([a])) => Ok(OutVar::Voltage(a.clone(), None)),
        ("v", Some([a, b])) => Ok(OutVar::Voltage(a.clone(), Some(b.clone()))),
        ("i", Some([v])) => Ok(OutVar::Current(v.clone())),
        _ => Err(bad()),
    }
}

/// The input source name of `.tf`/`.noise`.
fn source_name(f: &Field, what: &str) -> Result<String> {
    match f.word() {
        Some(w) if matches!(w.chars().next(), Some('v' | 'V' | 'i' | 'I')) => {
            Ok(w.to_ascii_lowercase())
        }
        _ => Err(Error::at(
            f.span().clone(),
            format!("{what} input must be an independent voltage or current source"),
            Some("name a `V` or `I` element, e.g. `vin`".into()),
        )),
    }
}

fn noise_spec(fs: &[Field], span: &Span, scope: &Scope) -> Result<crate::elab::NoiseSpec> {
    use crate::elab::OutVar;
    const USAGE: &str = "`.noise` needs `v(out[,ref]) src dec|oct|lin N fstart fstop [pts]`";
    let help = || Some("write e.g. `.noise v(out) vin dec 10 1 1meg`".to_string());
    if !(6..=7).contains(&fs.len()) {
        let at = fs
            .get(7)
            .map(|f| f.span().clone())
            .unwrap_or_else(|| end_of(span, fs));
        return Err(Error::at(at, USAGE, help()));
    }
    let output = out_var(&fs[0], "`.noise`")?;
    if let OutVar::Current(_) = output {
        return Err(Error::at(
            fs[0].span().clone(),
            "`.noise` output must be a node voltage, `v(node)` or `v(node,ref)`",
            Some("measure the current as the voltage across a resistor".into()),
        ));
    }
    let source = source_name(&fs[1], "`.noise`")?;
    let sweep = sweep_fields(&fs[2..6], span, scope, "`.noise`", ".noise v(out) vin ")?;
    let pts_per_summary = match fs.get(6) {
        None => None,
        Some(f) => {
            let p = num(f, scope, "the points per summary")?;
            if p < 0.0 || p.fract() != 0.0 {
                return Err(Error::at(
                    f.span().clone(),
                    "`.noise` points per summary must be a whole number",
                    help(),
                ));
            }
            (p >= 1.0).then_some(p as usize)
        }
    };
    Ok(crate::elab::NoiseSpec {
        output,
        source,
        sweep,
        pts_per_summary,
    })
}

fn tf_spec(fs: &[Field], span: &Span) -> Result<crate::elab::TfSpec> {
    if fs.len() != 2 {
        let at = fs
            .get(2)
            .map(|f| f.span().clone())
            .unwrap_or_else(|| end_of(span, fs));
        return Err(Error::at(
            at,
            "`.tf` needs `outvar insrc`",
            Some("write e.g. `.tf v(out) vin` or `.tf i(vload) vin`".into()),
        ));
    }
    Ok(crate::elab::TfSpec {
        output: out_var(&fs[0], "`.tf`")?,
        source: source_name(&fs[1], "`.tf`")?,
    })
}

fn ac_sweep(fs: &[Field], span: &Span, scope: &Scope) -> Result<crate::elab::AcSweep> {
    sweep_fields(fs, span, scope, "`.ac`", ".ac ")
}

/// `dec|oct|lin N fstart fstop` of `.ac` and `.noise` (`what` names the command, `example`
/// starts the help's example line).
fn sweep_fields(
    fs: &[Field],
    span: &Span,
    scope: &Scope,
    what: &str,
    example: &str,
) -> Result<crate::elab::AcSweep> {
    use crate::elab::{AcSpacing, AcSweep};
    let usage = format!("{what} needs `dec|oct|lin N fstart fstop`");
    let help = || Some(format!("write e.g. `{example}dec 10 1 1meg`"));
    if fs.len() != 4 {
        let at = fs
            .get(4)
            .map(|f| f.span().clone())
            .unwrap_or_else(|| end_of(span, fs));
        return Err(Error::at(at, usage, help()));
    }
    let spacing = match fs[0].word().map(str::to_ascii_lowercase).as_deref() {
        Some("dec") => AcSpacing::Dec,
        Some("oct") => AcSpacing::Oct,
        Some("lin") => AcSpacing::Lin,
        _ => {
            return Err(Error::at(
                fs[0].span().clone(),
                format!("{what} spacing must be `dec`, `oct` or `lin`"),
                help(),
            ))
        }
    };
    let n = num(&fs[1], scope, "the number of points")?;
    if !(1.0..1e7).contains(&n) {
        return Err(Error::at(
            fs[1].span().clone(),
            format!("{what} number of points must be at least 1"),
            help(),
        ));
    }
    let fstart = num(&fs[2], scope, "the start frequency")?;
    let fstop = num(&fs[3], scope, "the stop frequency")?;
    if spacing != AcSpacing::Lin && fstart <= 0.0 {
        return Err(Error::at(
            fs[2].span().clone(),
            format!("{what} start frequency must be positive for `dec` and `oct`"),
            help(),
        ));
    }
    if fstart < 0.0 || fstop < fstart {
        return Err(Error::at(
            fs[3].span().clone(),
            format!("{what} stop frequency must not be below the start frequency"),
            help(),
        ));
    }
    Ok(AcSweep {
        spacing,
        points: n.round() as usize,
        fstart,
        fstop,
    })
}

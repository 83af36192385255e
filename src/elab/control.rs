//! Dot-commands that are not circuit elements: `.ic`, `.options`, `.op`, `.dc`, `.tran`,
//! `.save` / `.print` / `.probe`, `.temp`.

use super::flatten::{Ctx, Elab, PendingSave};
use super::params::{eval_num_or_word, eval_value, NumOrWord, Scope};
use super::{Analysis, Arg, DcSweep, OptionEntry};
use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Assign, Field, StmtKind, Value};

/// The nominal temperature, the only one spinspice simulates at (°C).
pub const TNOM_CELSIUS: f64 = 27.0;

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
                            value: match eval_num_or_word(&a.value, &a.value_span, scope)? {
                                NumOrWord::Num(v) => Arg::Num(v),
                                NumOrWord::Word(w) => Arg::Word(w),
                            },
                            span: a.span.clone(),
                        },
                        // A bare flag (`.options nopage`) is recorded as 1.
                        Field::Value(Value::Word(w), s) => OptionEntry {
                            name: w.to_ascii_lowercase(),
                            value: Arg::Num(1.0),
                            span: s.clone(),
                        },
                        other => {
                            return Err(Error::at(
                                other.span().clone(),
                                "expected `name=value` in `.options`",
                                None,
                            ))
                        }
                    };
                    self.flat.options.push(entry);
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
            StmtKind::Save(cmd, fs) => self.save(cmd, fs)?,
            StmtKind::Temp(fs) => {
                let [f] = fs.as_slice() else {
                    return Err(Error::at(
                        span.clone(),
                        "`.temp` takes one temperature",
                        None,
                    ));
                };
                let t = num(f, scope, "a temperature")?;
                if t != TNOM_CELSIUS {
                    return Err(Error::at(
                        f.span().clone(),
                        format!("`.temp {t}` is not supported: spinspice simulates at 27 °C only"),
                        Some("remove `.temp` or set it to 27".into()),
                    ));
                }
            }
            StmtKind::Global(_)
            | StmtKind::Param(_)
            | StmtKind::Subckt(_)
            | StmtKind::Model(_)
            | StmtKind::Element(_)
            | StmtKind::Ic(_) => {}
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

    fn save(&mut self, cmd: &str, fs: &[Field]) -> Result<()> {
        let mut fs = fs;
        if cmd == ".print" || cmd == ".plot" {
            if let Some(w) = fs.first().and_then(Field::word) {
                if matches!(w.to_ascii_lowercase().as_str(), "tran" | "dc" | "op") {
                    fs = &fs[1..];
                }
            }
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
                        continue;
                    }
                    self.saves.push(PendingSave {
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
                            text: format!("v({})", words.join(",")),
                            node: words,
                            source: None,
                            span: span.clone(),
                        }),
                        ("i", 1) => self.saves.push(PendingSave {
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
        for s in std::mem::take(&mut self.saves) {
            for n in &s.node {
                let n = if n == "gnd" { "0" } else { n.as_str() };
                if !self.node_ids.contains_key(n) {
                    return Err(Error::at(s.span, format!("unknown node `{n}`"), None));
                }
            }
            if let Some(src) = &s.source {
                if !self.names.contains(src) {
                    return Err(Error::at(s.span, format!("unknown element `{src}`"), None));
                }
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

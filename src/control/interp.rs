//! The interpreter: variables, plots, the block tree, and the commands.

use super::expr::{self, Env, Ex};
use super::script::{Cmd, Node};
use super::vector::{fmt_g, Plot};
use super::Io;
use crate::elab::{Analysis, Arg, DcSweep, Flat};
use crate::error::{Error, Result, Span};
use crate::netlist::Ast;
use crate::progress::Progress;
use std::collections::BTreeMap;

/// Most iterations of one `while`/`dowhile`/`repeat` loop (a runaway loop is an error).
pub const MAX_ITERATIONS: usize = 1_000_000;

/// A `set` variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Var {
    /// `set name`: true, reads as `TRUE`.
    Flag,
    /// `set name = value` or `set name = ( a b c )`.
    Words(Vec<String>),
}

/// How a block body ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flow {
    Normal,
    Break,
    Continue,
    Quit,
}

/// A control session over one elaborated netlist.
pub struct Session<'a> {
    pub(super) ast: &'a Ast,
    pub(super) base: Vec<(String, f64)>,
    /// `alterparam` values waiting for `reset`.
    pub(super) pending: Vec<(String, f64)>,
    pub(super) flat: Flat,
    pub(super) plots: Vec<Plot>,
    pub(super) cur: usize,
    pub(super) counters: BTreeMap<String, usize>,
    pub(super) vars: BTreeMap<String, Var>,
    pub(super) io: Io<'a>,
    pub(super) progress: &'a mut dyn Progress,
    /// Output of a redirected command (`print x > file`).
    pub(super) capture: Option<Vec<u8>>,
    /// `define`d functions: parameters and body.
    pub(super) defines: BTreeMap<String, (Vec<String>, Ex)>,
    pub(super) svg_count: usize,
    /// Most iterations of one loop.
    pub(super) max_iterations: usize,
}

pub(super) fn err(span: &Span, cmd: &str, msg: impl std::fmt::Display) -> Error {
    Error::at(span.clone(), format!("{cmd}: {msg}"), None)
}

pub(super) fn num(span: &Span, cmd: &str, w: &str) -> Result<f64> {
    crate::units::parse_number(w).ok_or_else(|| err(span, cmd, format!("`{w}` is not a number")))
}

/// Split `s` into words: blanks separate, `"..."` groups (quotes removed), `(` and `)`
/// stand alone in `set` lists.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = false;
    let mut any = false;
    for c in s.chars() {
        match c {
            '"' => {
                quote = !quote;
                any = true;
            }
            c if c.is_whitespace() && !quote => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

impl Env for Session<'_> {
    fn vector(&self, name: &str) -> Option<Vec<f64>> {
        self.lookup(name)
    }
    fn scale(&self) -> Option<Vec<f64>> {
        self.plots[self.cur].scale_vec().map(|v| v.data.clone())
    }
    fn define(&self, name: &str) -> Option<(Vec<String>, Ex)> {
        self.defines.get(name).cloned()
    }
}

impl<'a> Session<'a> {
    pub(super) fn new(
        ast: &'a Ast,
        flat: Flat,
        overrides: &[(String, f64)],
        io: Io<'a>,
        progress: &'a mut dyn Progress,
    ) -> Session<'a> {
        let mut vars = BTreeMap::new();
        vars.insert("batchmode".to_string(), Var::Flag);
        Session {
            ast,
            base: overrides.to_vec(),
            pending: Vec::new(),
            flat,
            plots: vec![Plot::constants()],
            cur: 0,
            counters: BTreeMap::new(),
            vars,
            io,
            progress,
            capture: None,
            defines: BTreeMap::new(),
            svg_count: 0,
            max_iterations: MAX_ITERATIONS,
        }
    }

    /// A vector by name: `plot.name` names a plot's vector; else the current plot, then
    /// the constants; `@dev[param]` reads an instance's value.
    pub(super) fn lookup(&self, name: &str) -> Option<Vec<f64>> {
        let name = name.to_ascii_lowercase();
        if let Some(v) = self.plots[self.cur].get(&name) {
            return Some(v.data.clone());
        }
        if let Some((p, rest)) = name.split_once('.') {
            if let Some(pl) = self.plots.iter().find(|x| x.name == p) {
                return pl.get(rest).map(|v| v.data.clone());
            }
        }
        if let Some(inner) = name.strip_prefix('@') {
            return self.device_param(inner).map(|v| vec![v]);
        }
        self.plots[0].get(&name).map(|v| v.data.clone())
    }

    /// `@dev[param]`: an instance's primary value (`dc`, `r`, `c`, `l`...) or a named
    /// parameter.
    pub(super) fn device_param(&self, inner: &str) -> Option<f64> {
        let (dev, param) = inner.strip_suffix(']')?.split_once('[')?;
        let inst = self.flat.instances.iter().find(|i| i.name == dev)?;
        if let Some(g) = inst.params.iter().find(|g| g.name == param) {
            return Some(g.value);
        }
        let primary = matches!(
            (inst.letter, param),
            ('r', "r" | "resistance")
                | ('c', "c" | "capacitance")
                | ('l', "l" | "inductance")
                | ('v' | 'i', "dc")
        );
        if primary {
            return primary_slot(&inst.args).map(|k| match inst.args[k] {
                Arg::Num(v) => v,
                _ => 0.0,
            });
        }
        None
    }

    pub(super) fn eval(&self, e: &Ex) -> std::result::Result<Vec<f64>, String> {
        expr::eval(e, self)
    }

    pub(super) fn warn(&mut self, msg: impl std::fmt::Display) {
        let _ = writeln!(self.io.err, "{msg}");
    }

    pub(super) fn out(&mut self, s: &str) -> Result<()> {
        if let Some(buf) = self.capture.as_mut() {
            buf.extend_from_slice(s.as_bytes());
            return Ok(());
        }
        self.io
            .out
            .write_all(s.as_bytes())
            .map_err(|e| Error::Usage(format!("control output: {e}")))
    }

    /// `$var`, `$&vec`, `$?var` substitution; an unknown name is reported and the line
    /// skipped (`None`), as ngspice does.
    pub(super) fn substitute(&mut self, c: &Cmd) -> Option<String> {
        match self.subst_text(&c.rest) {
            Ok(s) => Some(s),
            Err(e) => {
                self.warn(format!("Error: {e}."));
                None
            }
        }
    }

    pub(super) fn subst_text(&self, s: &str) -> std::result::Result<String, String> {
        let mut out = String::new();
        let cs: Vec<char> = s.chars().collect();
        let mut k = 0;
        let name_char = |c: char| c.is_alphanumeric() || c == '_';
        while k < cs.len() {
            let c = cs[k];
            // `{$name}`: the variable, braces dropped.
            if c == '{' && cs.get(k + 1) == Some(&'$') {
                let st = k + 2;
                let mut e = st;
                while e < cs.len() && name_char(cs[e]) {
                    e += 1;
                }
                if e > st && cs.get(e) == Some(&'}') {
                    let n: String = cs[st..e].iter().collect();
                    match self.var(&n) {
                        Some(v) => out.push_str(&v),
                        None => return Err(format!("{n}: no such variable")),
                    }
                    k = e + 1;
                    continue;
                }
            }
            if c != '$' {
                out.push(c);
                k += 1;
                continue;
            }
            k += 1;
            match cs.get(k) {
                Some('?') => {
                    k += 1;
                    let st = k;
                    while k < cs.len() && name_char(cs[k]) {
                        k += 1;
                    }
                    let n: String = cs[st..k].iter().collect();
                    out.push(if self.var(&n).is_some() { '1' } else { '0' });
                }
                Some('&') => {
                    k += 1;
                    let st = k;
                    while k < cs.len() && (name_char(cs[k]) || "#.@".contains(cs[k])) {
                        k += 1;
                    }
                    // v(node), @dev[param], x[i]
                    for (open, close) in [('(', ')'), ('[', ']')] {
                        if cs.get(k) == Some(&open) {
                            let mut depth = 0;
                            while k < cs.len() {
                                if cs[k] == open {
                                    depth += 1;
                                } else if cs[k] == close {
                                    depth -= 1;
                                    if depth == 0 {
                                        k += 1;
                                        break;
                                    }
                                }
                                k += 1;
                            }
                        }
                    }
                    let n: String = cs[st..k].iter().collect();
                    let e = expr::parse(&n)?;
                    let v = self.eval(&e).map_err(|_| format!("{n}: no such vector"))?;
                    let parts: Vec<String> = v.iter().map(|x| fmt_g(*x)).collect();
                    out.push_str(&parts.join(" "));
                }
                Some(&c2) if name_char(c2) => {
                    let st = k;
                    while k < cs.len() && name_char(cs[k]) {
                        k += 1;
                    }
                    let n: String = cs[st..k].iter().collect();
                    match self.var(&n) {
                        Some(v) => out.push_str(&v),
                        None => return Err(format!("{n}: no such variable")),
                    }
                }
                _ => out.push('$'),
            }
        }
        Ok(out)
    }

    /// A variable's text (`curplot` and friends are computed).
    pub(super) fn var(&self, n: &str) -> Option<String> {
        let p = &self.plots[self.cur];
        match n.to_ascii_lowercase().as_str() {
            "curplot" => return Some(p.name.clone()),
            "curplotname" => return Some(p.plotname.clone()),
            "curplottitle" => return Some(p.title.clone()),
            "plots" => {
                return Some(
                    self.plots
                        .iter()
                        .map(|p| p.name.clone())
                        .collect::<Vec<_>>()
                        .join(" "),
                )
            }
            _ => {}
        }
        self.vars.get(&n.to_ascii_lowercase()).map(|v| match v {
            Var::Flag => "TRUE".to_string(),
            Var::Words(w) => w.join(" "),
        })
    }

    /// Run a block tree.
    pub(super) fn run_nodes(&mut self, nodes: &[Node]) -> Result<Flow2> {
        Ok(Flow2(self.exec(nodes)? == Flow::Quit))
    }

    pub(super) fn cond(&mut self, c: &Cmd) -> bool {
        let Some(text) = self.substitute(c) else {
            return false;
        };
        if text.trim().is_empty() {
            // `if` alone is an error; `if $empty` is false.
            if c.rest.trim().is_empty() {
                self.warn(format!("Error: missing {} condition.", c.word));
            }
            return false;
        }
        match expr::parse(&text).and_then(|e| self.eval(&e)) {
            Ok(v) => expr::truth(&v),
            Err(e) => {
                self.warn(format!("Error: {}: {e}", c.word));
                false
            }
        }
    }

    pub(super) fn exec(&mut self, nodes: &[Node]) -> Result<Flow> {
        for n in nodes {
            let f = match n {
                Node::Cmd(c) => self.command(c)?,
                Node::Break(_) => Flow::Break,
                Node::Continue(_) => Flow::Continue,
                Node::If { cond, then, els } => {
                    if self.cond(cond) {
                        self.exec(then)?
                    } else {
                        self.exec(els)?
                    }
                }
                Node::While {
                    cond,
                    body,
                    test_first,
                } => {
                    let mut k = 0;
                    loop {
                        if *test_first && !self.cond(cond) {
                            break;
                        }
                        k += 1;
                        if k > self.max_iterations {
                            return Err(runaway(cond, k - 1));
                        }
                        match self.exec(body)? {
                            Flow::Break => break,
                            Flow::Quit => return Ok(Flow::Quit),
                            _ => {}
                        }
                        if !*test_first && !self.cond(cond) {
                            break;
                        }
                    }
                    Flow::Normal
                }
                Node::Repeat { count, body } => {
                    let Some(text) = self.substitute(count) else {
                        continue;
                    };
                    let n = match text.trim() {
                        "" => None,
                        t => match crate::units::parse_number(t) {
                            Some(x) if x >= 0.0 => Some(x.round() as usize),
                            _ => {
                                return Err(err(
                                    &count.span,
                                    "repeat",
                                    format!("`{t}` is not a count"),
                                ))
                            }
                        },
                    };
                    let mut k = 0;
                    while n.is_none_or(|n| k < n) {
                        k += 1;
                        if k > self.max_iterations {
                            return Err(runaway(count, k - 1));
                        }
                        match self.exec(body)? {
                            Flow::Break => break,
                            Flow::Quit => return Ok(Flow::Quit),
                            _ => {}
                        }
                    }
                    Flow::Normal
                }
                Node::Foreach { head, body } => {
                    let Some(text) = self.substitute(head) else {
                        continue;
                    };
                    let mut w = words(&text).into_iter();
                    let Some(var) = w.next() else {
                        return Err(err(
                            &head.span,
                            "foreach",
                            "expected `foreach var values...`",
                        ));
                    };
                    let values: Vec<String> = w.filter(|x| x != "(" && x != ")").collect();
                    let mut flow = Flow::Normal;
                    for v in values {
                        self.vars
                            .insert(var.to_ascii_lowercase(), Var::Words(vec![v]));
                        match self.exec(body)? {
                            Flow::Break => break,
                            Flow::Quit => {
                                flow = Flow::Quit;
                                break;
                            }
                            _ => {}
                        }
                    }
                    flow
                }
            };
            if f != Flow::Normal {
                return Ok(f);
            }
        }
        Ok(Flow::Normal)
    }

    pub(super) fn command(&mut self, c: &Cmd) -> Result<Flow> {
        let w = c.word.as_str();
        // Commands whose text is not substituted up front.
        let Some(rest) = self.substitute(c) else {
            return Ok(Flow::Normal);
        };
        let rest = rest.trim().to_string();
        // As in ngspice's csh-like command lines: `> file` / `>> file` redirects what
        // the command prints (so `>` is no comparison outside `if`/`while`).
        if let Some((cmd, file, append)) = redirection(&rest) {
            let path = self.path(&file);
            self.capture = Some(Vec::new());
            let r = self.run_word(c, w, cmd.trim());
            let buf = self.capture.take().unwrap_or_default();
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(append)
                .truncate(!append)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            std::io::Write::write_all(&mut f, &buf).map_err(|e| Error::io(&path, e))?;
            return r;
        }
        self.run_word(c, w, &rest)
    }

    pub(super) fn run_word(&mut self, c: &Cmd, w: &str, rest: &str) -> Result<Flow> {
        let rest = rest.to_string();
        // `pre_set` etc. (ngspice runs them before the circuit loads): the same here.
        let w = match w.strip_prefix("pre_") {
            Some("set") | Some("setcs") => "set",
            Some(other) => other,
            None => w,
        };
        match w {
            "echo" => {
                let s = words(&rest).join(" ");
                self.out(&format!("{s}\n"))?;
            }
            "let" => self.let_cmd(c, &rest)?,
            "unlet" => {
                for n in words(&rest) {
                    if !self.plots[self.cur].remove(&n) {
                        self.warn(format!("Warning: {n}: no such vector"));
                    }
                }
            }
            "set" | "setcs" => self.set_cmd(c, &rest)?,
            "compose" => self.compose_cmd(c, &rest)?,
            "unset" => {
                for n in words(&rest) {
                    self.vars.remove(&n.to_ascii_lowercase());
                }
            }
            "print" => self.print_cmd(c, &rest)?,
            "op" => self.analysis(c, Analysis::Op)?,
            "tran" => {
                let a = tran_args(c, &rest)?;
                self.analysis(c, a)?
            }
            "dc" => {
                let a = dc_args(c, &rest)?;
                self.analysis(c, a)?
            }
            "run" => {
                let all = self.flat.analyses.clone();
                if all.is_empty() {
                    return Err(err(
                        &c.span,
                        "run",
                        "the netlist has no analysis (.op, .dc, .tran, .ac, .noise or .tf) to run",
                    ));
                }
                for a in all {
                    self.analysis(c, a)?;
                }
            }
            "noise" => {
                let a = noise_args(c, &rest)?;
                self.analysis(c, a)?
            }
            "tf" => {
                let a = tf_args(c, &rest)?;
                self.analysis(c, a)?
            }
            "ac" | "pz" | "sp" | "disto" | "sens" | "pss" | "fourier" | "spec" | "fft" => {
                return Err(Error::at(
                    c.span.clone(),
                    format!("`{w}` is not supported yet"),
                    Some("spinspice runs op, dc and tran analyses".into()),
                ))
            }
            "wrdata" => self.wrdata_cmd(c, &rest)?,
            "write" => self.write_cmd(c, &rest)?,
            "alter" => self.alter_cmd(c, &rest)?,
            "alterparam" => self.alterparam_cmd(c, &rest)?,
            "reset" => {
                let mut ov = self.base.clone();
                ov.extend(self.pending.iter().cloned());
                self.flat = crate::elab::elaborate(self.ast, &ov)?;
            }
            "setplot" => self.setplot_cmd(&rest)?,
            "destroy" => {
                for n in words(&rest) {
                    if n == "all" {
                        self.plots.truncate(1);
                        self.cur = 0;
                    } else if let Some(k) = self
                        .plots
                        .iter()
                        .position(|p| p.name == n.to_ascii_lowercase())
                    {
                        if k > 0 {
                            self.plots.remove(k);
                            if self.cur >= k {
                                self.cur = self.cur.saturating_sub(1);
                            }
                        }
                    }
                }
            }
            "linearize" => self.linearize_cmd(c, &rest)?,
            "display" => self.display_cmd()?,
            "plot" | "gnuplot" | "hardcopy" | "asciiplot" | "iplot" => self.plot_cmd(c, &rest)?,
            "meas" | "measure" => self.meas_cmd(c, &rest)?,
            "source" => return self.source_cmd(c, &rest),
            "shell" => {
                return Err(Error::at(
                    c.span.clone(),
                    "`shell` is not supported: spinspice does not run external commands",
                    Some("run the command outside the netlist".into()),
                ))
            }
            "define" => self.define_cmd(c, &rest)?,
            "undefine" => {
                for n in words(&rest) {
                    self.defines.remove(&n.to_ascii_lowercase());
                }
            }
            "goto" | "label" => {
                return Err(Error::at(
                    c.span.clone(),
                    format!("`{w}` is not supported yet"),
                    Some("use `while`, `repeat`, `foreach` and `if` blocks".into()),
                ))
            }
            "quit" | "exit" => return Ok(Flow::Quit),
            "version" => self.out(&format!(
                "******\n** spinspice {} (ngspice-compatible batch mode)\n******\n",
                env!("CARGO_PKG_VERSION")
            ))?,
            "listing" => {
                let t = self.flat.title.clone();
                self.out(&format!("\t{t}\n"))?;
            }
            "rusage" | "settype" | "setscale" | "status" | "show" | "showmod" | "save"
            | "sleep" | "cd" | "remcirc" | "devhelp" | "unalias" | "alias" | "history"
            | "codemodel" | "edit" | "inventory" | "snsave" | "where" | "bug" | "help"
            | "mdump" | "rehash" => {
                self.warn(format!("Note: `{w}` is ignored by spinspice"));
            }
            "option" | "options" | "opt" => self.option_cmd(c, &rest)?,
            _ => {
                return Err(Error::at(
                    c.span.clone(),
                    format!("unknown control command `{w}`"),
                    Some(
                        "supported: run op tran dc print wrdata write let unlet set unset echo \
                         alter alterparam reset foreach repeat while dowhile if break continue \
                         linearize setplot destroy display plot meas source quit"
                            .into(),
                    ),
                ))
            }
        }
        Ok(Flow::Normal)
    }
}

pub(super) fn unit_word(name: &str) -> &'static str {
    match crate::wave::Unit::from_name(name) {
        crate::wave::Unit::Voltage => "voltage",
        crate::wave::Unit::Current => "current",
        crate::wave::Unit::Time => "time",
        crate::wave::Unit::Other(_) => "notype",
    }
}

/// Whether a control session ended with `quit`/`exit`.
pub struct Flow2(pub bool);

pub(super) fn runaway(c: &Cmd, n: usize) -> Error {
    Error::at(
        c.span.clone(),
        format!("`{}` loop ran {n} times: stopped", c.word),
        Some("check the loop condition (does the body change it?)".into()),
    )
}

/// `cmd > file` / `cmd >> file` outside quotes and brackets: (cmd, file, append).
pub(super) fn redirection(text: &str) -> Option<(String, String, bool)> {
    let mut depth = 0i32;
    let mut quote = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quote = !quote,
            '(' | '[' | '{' if !quote => depth += 1,
            ')' | ']' | '}' if !quote => depth -= 1,
            '>' if !quote && depth == 0 => {
                let after = &text[i + 1..];
                // `>=` is a comparison even here.
                if after.starts_with('=') {
                    return None;
                }
                let (append, file) = match after.strip_prefix('>') {
                    Some(f) => (true, f),
                    None => (false, after),
                };
                let file = file.split_whitespace().next()?.to_string();
                return Some((text[..i].to_string(), file, append));
            }
            _ => {}
        }
    }
    None
}

pub(super) fn strip_word<'t>(text: &'t str, w: &str) -> Option<&'t str> {
    let (first, rest) = split_first(text);
    first.eq_ignore_ascii_case(w).then_some(rest)
}

pub(super) fn split_first(text: &str) -> (&str, &str) {
    let t = text.trim();
    match t.find(char::is_whitespace) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t, ""),
    }
}

/// The index of the value `alter` replaces: the number after `dc`, else the first number.
pub(super) fn primary_slot(args: &[Arg]) -> Option<usize> {
    if let Some(k) = args
        .iter()
        .position(|a| matches!(a, Arg::Word(w) if w == "dc"))
    {
        if matches!(args.get(k + 1), Some(Arg::Num(_))) {
            return Some(k + 1);
        }
    }
    args.iter().position(|a| matches!(a, Arg::Num(_)))
}

/// `v(node)`, `v(node,ref)` or `i(vsource)` as written in a control command.
fn out_var_word(c: &Cmd, cmd: &str, w: &str) -> Result<crate::elab::OutVar> {
    use crate::elab::OutVar;
    let l = w.to_ascii_lowercase();
    let inner = |p: &str| l.strip_prefix(p).and_then(|r| r.strip_suffix(')'));
    if let Some(a) = inner("v(") {
        return Ok(match a.split_once(',') {
            Some((a, b)) => OutVar::Voltage(a.trim().into(), Some(b.trim().into())),
            None => OutVar::Voltage(a.trim().into(), None),
        });
    }
    if let Some(v) = inner("i(") {
        return Ok(OutVar::Current(v.trim().into()));
    }
    Err(err(
        &c.span,
        cmd,
        format!("expected an output `v(node[,ref])` or `i(vsource)`, found `{w}`"),
    ))
}

/// `noise v(out[,ref]) src dec|oct|lin N fstart fstop [pts]`.
pub(super) fn noise_args(c: &Cmd, rest: &str) -> Result<Analysis> {
    use crate::elab::{AcSpacing, AcSweep, NoiseSpec};
    let usage = "expected `noise v(out[,ref]) src dec|oct|lin N fstart fstop [pts]`";
    // `v(a, b)` may carry a blank after the comma: rejoin it.
    let text = rest.replace(", ", ",");
    let ws = words(&text);
    if !(6..=7).contains(&ws.len()) {
        return Err(err(&c.span, "noise", usage));
    }
    let output = out_var_word(c, "noise", &ws[0])?;
    let spacing = match ws[2].to_ascii_lowercase().as_str() {
        "dec" => AcSpacing::Dec,
        "oct" => AcSpacing::Oct,
        "lin" => AcSpacing::Lin,
        _ => return Err(err(&c.span, "noise", usage)),
    };
    let nums: Vec<f64> = ws[3..]
        .iter()
        .map(|w| num(&c.span, "noise", w))
        .collect::<Result<_>>()?;
    if nums[0] < 1.0 || nums[1] <= 0.0 || nums[2] < nums[1] {
        return Err(err(&c.span, "noise", usage));
    }
    Ok(Analysis::Noise(NoiseSpec {
        output,
        source: ws[1].to_ascii_lowercase(),
        sweep: AcSweep {
            spacing,
            points: nums[0].round() as usize,
            fstart: nums[1],
            fstop: nums[2],
        },
        pts_per_summary: nums.get(3).filter(|p| **p >= 1.0).map(|p| *p as usize),
    }))
}

/// `tf outvar insrc`.
pub(super) fn tf_args(c: &Cmd, rest: &str) -> Result<Analysis> {
    let text = rest.replace(", ", ",");
    let ws = words(&text);
    let [out, src] = ws.as_slice() else {
        return Err(err(&c.span, "tf", "expected `tf outvar insrc`"));
    };
    Ok(Analysis::Tf(crate::elab::TfSpec {
        output: out_var_word(c, "tf", out)?,
        source: src.to_ascii_lowercase(),
    }))
}

pub(super) fn tran_args(c: &Cmd, rest: &str) -> Result<Analysis> {
    let ws = words(rest);
    let uic = ws.iter().any(|w| w.eq_ignore_ascii_case("uic"));
    let nums: Vec<f64> = ws
        .iter()
        .filter(|w| !w.eq_ignore_ascii_case("uic"))
        .map(|w| num(&c.span, "tran", w))
        .collect::<Result<_>>()?;
    if nums.len() < 2 {
        return Err(err(
            &c.span,
            "tran",
            "expected `tran TSTEP TSTOP [TSTART [TMAX]] [uic]`",
        ));
    }
    Ok(Analysis::Tran {
        tstep: nums[0],
        tstop: nums[1],
        tstart: nums.get(2).copied().unwrap_or(0.0),
        tmax: nums.get(3).copied(),
        uic,
    })
}

pub(super) fn dc_args(c: &Cmd, rest: &str) -> Result<Analysis> {
    let ws = words(rest);
    if ws.is_empty() || ws.len() % 4 != 0 || ws.len() > 8 {
        return Err(err(
            &c.span,
            "dc",
            "expected `dc SOURCE START STOP STEP [SOURCE2 START2 STOP2 STEP2]`",
        ));
    }
    let mut sweeps = Vec::new();
    for g in ws.chunks(4) {
        sweeps.push(DcSweep {
            source: g[0].to_ascii_lowercase(),
            start: num(&c.span, "dc", &g[1])?,
            stop: num(&c.span, "dc", &g[2])?,
            step: num(&c.span, "dc", &g[3])?,
        });
    }
    Ok(Analysis::Dc { sweeps })
}

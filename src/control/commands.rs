//! The commands of the control language (the `*_cmd` methods of [`Session`]).

use super::expr;
use super::interp::{
    err, primary_slot, split_first, strip_word, unit_word, words, Flow, Session, Var,
};
use super::script::Cmd;
use super::vector::{Plot, Vector};
use crate::circuit::tran::TranSpec;
use crate::circuit::Circuit;
use crate::elab::{Analysis, Arg};
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;

impl Session<'_> {
    pub(super) fn let_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let Some(eq) = rest.find('=') else {
            if rest.is_empty() {
                return self.display_cmd();
            }
            return Err(err(&c.span, "let", "expected `let name = expression`"));
        };
        let lhs = rest[..eq].trim().to_ascii_lowercase();
        let rhs = rest[eq + 1..].trim();
        let value = match expr::parse(rhs).and_then(|e| self.eval(&e)) {
            Ok(v) => v,
            Err(e) => {
                self.warn(format!("Error: let: {e}"));
                return Ok(());
            }
        };
        let (name, index) = match lhs.find('[') {
            Some(k) if lhs.ends_with(']') => {
                let ix = &lhs[k + 1..lhs.len() - 1];
                let i = expr::parse(ix)
                    .and_then(|e| self.eval(&e))
                    .and_then(|v| expr::index_of(&v))
                    .map_err(|e| err(&c.span, "let", e))?;
                (lhs[..k].trim().to_string(), Some(i))
            }
            _ => (lhs, None),
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(err(
                &c.span,
                "let",
                format!("`{name}` is not a vector name"),
            ));
        }
        // An existing vector is overwritten where it lives (the current plot, else the
        // constants): a loop counter made before the first analysis keeps counting.
        let builtin = Plot::constants().get(&name).is_some();
        let at = if self.plots[self.cur].get(&name).is_none()
            && !builtin
            && self.plots[0].get(&name).is_some()
        {
            0
        } else {
            self.cur
        };
        let plot = &mut self.plots[at];
        match index {
            None => {
                let vname = plot.get(&name).map_or(name.clone(), |v| v.name.clone());
                plot.set(Vector::new(vname, value))
            }
            Some(i) => {
                let mut data = plot
                    .get(&name)
                    .map(|v| v.data.clone())
                    .ok_or_else(|| err(&c.span, "let", format!("{name}: no such vector")))?;
                let needed = i + value.len();
                if needed > data.len() {
                    data.resize(needed, 0.0);
                }
                data[i..i + value.len()].copy_from_slice(&value);
                let vname = plot.get(&name).map_or(name.clone(), |v| v.name.clone());
                plot.set(Vector::new(vname, data));
            }
        }
        Ok(())
    }

    pub(super) fn set_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        // Normalise `a=b`, `a = b`, `a= b` into name / value groups.
        let spaced = rest.replace('=', " = ");
        let ws = words(&spaced);
        let mut k = 0;
        while k < ws.len() {
            let name = ws[k].to_ascii_lowercase();
            if ws.get(k + 1).map(String::as_str) == Some("=") {
                let mut vals = Vec::new();
                k += 2;
                if ws.get(k).map(String::as_str) == Some("(") {
                    k += 1;
                    while k < ws.len() && ws[k] != ")" {
                        vals.push(ws[k].clone());
                        k += 1;
                    }
                    k += 1;
                } else if let Some(v) = ws.get(k) {
                    vals.push(v.clone());
                    k += 1;
                }
                self.set_var(c, &name, vals)?;
            } else {
                self.set_var(c, &name, Vec::new())?;
                k += 1;
            }
        }
        if ws.is_empty() {
            let list: Vec<String> = self
                .vars
                .iter()
                .map(|(k, v)| match v {
                    Var::Flag => format!("\t{k}\n"),
                    Var::Words(w) => format!("\t{k}\t{}\n", w.join(" ")),
                })
                .collect();
            self.out(&list.concat())?;
        }
        Ok(())
    }

    pub(super) fn set_var(&mut self, _c: &Cmd, name: &str, vals: Vec<String>) -> Result<()> {
        match name {
            "curplot" => {
                let v = vals
                    .first()
                    .cloned()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if v == "new" {
                    let n = self.next_name("unknown");
                    let title = self.flat.title.clone();
                    self.plots.push(Plot::empty(&n, "unknown", &title));
                    self.cur = self.plots.len() - 1;
                } else {
                    self.setplot_cmd(&v)?;
                }
            }
            "curplottitle" => self.plots[self.cur].title = vals.join(" "),
            "curplotname" => self.plots[self.cur].plotname = vals.join(" "),
            _ => {
                let v = if vals.is_empty() {
                    Var::Flag
                } else {
                    Var::Words(vals)
                };
                self.vars.insert(name.to_string(), v);
            }
        }
        Ok(())
    }

    pub(super) fn next_name(&mut self, kind: &str) -> String {
        let n = self.counters.entry(kind.to_string()).or_insert(0);
        *n += 1;
        format!("{kind}{n}")
    }

    pub(super) fn setplot_cmd(&mut self, rest: &str) -> Result<()> {
        let n = rest.trim().to_ascii_lowercase();
        if n.is_empty() {
            let mut s = String::from("List of plots:\n");
            for (k, p) in self.plots.iter().enumerate() {
                let mark = if k == self.cur {
                    "Current "
                } else {
                    "        "
                };
                s.push_str(&format!(
                    "{mark}{:<10}{:<25}{}\n",
                    p.name, p.title, p.plotname
                ));
            }
            return self.out(&s);
        }
        if n == "new" {
            let name = self.next_name("unknown");
            let title = self.flat.title.clone();
            self.plots.push(Plot::empty(&name, "unknown", &title));
            self.cur = self.plots.len() - 1;
            return Ok(());
        }
        match self.plots.iter().position(|p| p.name == n) {
            Some(k) => self.cur = k,
            None => self.warn(format!("Error: no such plot {n}")),
        }
        Ok(())
    }

    /// Run one analysis on a circuit built from the current netlist; its results become
    /// the new current plot (`op1`, `tran1`, `dc1`, ...).
    pub(super) fn analysis(&mut self, c: &Cmd, a: Analysis) -> Result<()> {
        let mut ckt = Circuit::from_flat(&self.flat)?;
        let (w, _) = match &a {
            Analysis::Op => ckt.op(),
            Analysis::Dc { sweeps } => ckt.dc(sweeps),
            Analysis::Tran {
                tstep,
                tstop,
                tstart,
                tmax,
                uic,
            } => ckt.tran(
                &TranSpec {
                    tstep: *tstep,
                    tstop: *tstop,
                    tstart: *tstart,
                    tmax: *tmax,
                    uic: *uic,
                },
                &mut *self.progress,
            ),
            // Control vectors are real: the interpreter does not run `ac` (yet); a dot
            // `.ac` runs after the block.
            Analysis::Ac(_) => Err(Error::Usage(
                "`ac` inside `.control` is not supported yet (control vectors are real); \
                 put `.ac` in the netlist instead"
                    .into(),
            )),
            Analysis::Tf(spec) => ckt.tf(spec),
            Analysis::Sens(out) => ckt.sens(out),
            // ngspice makes two plots, `noise1` (spectra) and `noise2` (totals).
            Analysis::Noise(spec) => ckt.noise(spec).map(|(spectrum, integrated, st)| {
                let name = self.next_name("noise");
                self.plots.push(Plot::from_waves(&name, &spectrum));
                (integrated, st)
            }),
        }
        .map_err(|e| match e {
            Error::Input(_) => e,
            e => err(&c.span, &c.word, e),
        })?;
        let kind = match a {
            Analysis::Op => "op",
            Analysis::Dc { .. } => "dc",
            Analysis::Tran { .. } => "tran",
            Analysis::Ac(_) => "ac",
            Analysis::Tf(_) => "tf",
            Analysis::Sens(_) => "sens",
            Analysis::Noise(_) => "noise",
        };
        let name = self.next_name(kind);
        let mut p = Plot::from_waves(&name, &w);
        if let Analysis::Tran {
            tstep,
            tstop,
            tstart,
            ..
        } = a
        {
            p.grid = Some((tstart, tstop, tstep));
        }
        self.plots.push(p);
        self.cur = self.plots.len() - 1;
        Ok(())
    }

    pub(super) fn print_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let mut text = rest.trim();
        let mut line_mode = false;
        if let Some(r) = strip_word(text, "col") {
            text = r;
        } else if let Some(r) = strip_word(text, "line") {
            text = r;
            line_mode = true;
        }
        let items: Vec<(String, Vec<f64>)> = if text.eq_ignore_ascii_case("all") || text.is_empty()
        {
            let p = &self.plots[self.cur];
            p.vecs
                .iter()
                .filter(|v| Some(&v.name) != p.scale.as_ref())
                .map(|v| (v.name.clone(), v.data.clone()))
                .collect()
        } else {
            let list = match expr::parse_list(text) {
                Ok(l) => l,
                Err(e) => return Err(err(&c.span, "print", e)),
            };
            let mut items = Vec::new();
            for (e, name) in list {
                match self.eval(&e) {
                    Ok(v) => items.push((name, v)),
                    Err(e) => {
                        self.warn(format!("Error: print: {e}"));
                        return Ok(());
                    }
                }
            }
            items
        };
        if items.is_empty() {
            return Ok(());
        }
        if items.iter().all(|(_, v)| v.len() == 1) || line_mode {
            let mut s = String::new();
            for (n, v) in &items {
                let vals: Vec<String> = v.iter().map(|x| super::print::fmt_num(*x)).collect();
                s.push_str(&format!("{n} = {}\n", vals.join(" ")));
            }
            return self.out(&s);
        }
        let p = &self.plots[self.cur];
        let mut cols = Vec::new();
        if let Some(sc) = p.scale_vec() {
            if items[0].0 != sc.name {
                cols.push((sc.name.clone(), sc.data.clone()));
            }
        }
        cols.extend(items);
        let t = super::print::table(&p.title, &p.plotname, &cols);
        self.out(&t)
    }

    pub(super) fn path(&self, w: &str) -> PathBuf {
        let p = PathBuf::from(w);
        if p.is_absolute() {
            p
        } else {
            self.io.dir.join(p)
        }
    }

    pub(super) fn vectors_of(&mut self, c: &Cmd, text: &str) -> Result<Vec<(String, Vec<f64>)>> {
        let list = expr::parse_list(text).map_err(|e| err(&c.span, &c.word, e))?;
        let mut out = Vec::new();
        for (e, name) in list {
            let v = self.eval(&e).map_err(|e| err(&c.span, &c.word, e))?;
            out.push((name, v));
        }
        Ok(out)
    }

    pub(super) fn wrdata_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let (file, vecs) = split_first(rest);
        if file.is_empty() {
            return Err(err(&c.span, "wrdata", "expected `wrdata FILE vectors...`"));
        }
        let items = self.vectors_of(c, vecs)?;
        let p = &self.plots[self.cur];
        let scale = p.scale_vec().map(|v| (v.name.clone(), v.data.clone()));
        let cols: Vec<(&str, &[f64])> = items
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let text = super::print::wrdata(
            scale.as_ref().map(|(n, v)| (n.as_str(), v.as_slice())),
            &cols,
            self.vars.contains_key("wr_singlescale"),
            self.vars.contains_key("wr_vecnames"),
        );
        let path = self.path(file);
        crate::wave::write_atomic(&path, text.as_bytes())?;
        Ok(())
    }

    pub(super) fn write_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let (file, vecs) = split_first(rest);
        let file = if file.is_empty() {
            "rawspice.raw"
        } else {
            file
        };
        let p = &self.plots[self.cur];
        let mut w = p.to_waves();
        if !vecs.trim().is_empty() {
            let items = self.vectors_of(c, vecs)?;
            let n = w.scale.values.len();
            w.signals = items
                .into_iter()
                .filter(|(_, v)| v.len() == n)
                .map(|(name, v)| crate::wave::Signal::new(name, v))
                .collect();
        }
        let ascii = matches!(self.var("filetype").as_deref(), Some("ascii"));
        let path = self.path(file);
        // `set appendwrite`: add the plot to those already in the file.
        let mut plots = Vec::new();
        if self.vars.contains_key("appendwrite") && path.exists() {
            plots = crate::wave::raw::read_raw(&path)?;
        }
        plots.push(w);
        crate::wave::raw::write_raw(&path, &plots, ascii)
    }

    pub(super) fn alter_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        // alter dev = value | alter dev param = value | alter dev value | alter @dev[p] = v
        let spaced = rest.replace('=', " = ");
        let ws: Vec<String> = words(&spaced).into_iter().filter(|w| w != "=").collect();
        let (dev, param, val) = match ws.as_slice() {
            [d, v] => match d.strip_prefix('@') {
                Some(inner) => {
                    let (d, p) = inner
                        .strip_suffix(']')
                        .and_then(|x| x.split_once('['))
                        .ok_or_else(|| err(&c.span, "alter", format!("bad name `{d}`")))?;
                    (d.to_string(), Some(p.to_string()), v.clone())
                }
                None => (d.clone(), None, v.clone()),
            },
            [d, p, v] => (d.clone(), Some(p.clone()), v.clone()),
            _ => {
                return Err(err(
                    &c.span,
                    "alter",
                    "expected `alter DEVICE [PARAM] = VALUE`",
                ))
            }
        };
        let v = match crate::units::parse_number(&val) {
            Some(v) => v,
            None => {
                let e = expr::parse(&val).map_err(|e| err(&c.span, "alter", e))?;
                let r = self.eval(&e).map_err(|e| err(&c.span, "alter", e))?;
                *r.first()
                    .ok_or_else(|| err(&c.span, "alter", "empty value"))?
            }
        };
        let dev = dev.to_ascii_lowercase();
        let Some(inst) = self.flat.instances.iter_mut().find(|i| i.name == dev) else {
            return Err(err(&c.span, "alter", format!("no device `{dev}`")));
        };
        let param = param.map(|p| p.to_ascii_lowercase());
        let primary = match param.as_deref() {
            None => true,
            Some(p) => matches!(
                (inst.letter, p),
                ('r', "r" | "resistance")
                    | ('c', "c" | "capacitance")
                    | ('l', "l" | "inductance")
                    | ('v' | 'i', "dc")
            ),
        };
        if primary {
            match primary_slot(&inst.args) {
                Some(k) => inst.args[k] = Arg::Num(v),
                None => inst.args.push(Arg::Num(v)),
            }
        } else if let Some(p) = param {
            match inst.params.iter_mut().find(|g| g.name == p) {
                Some(g) => g.value = v,
                None => inst.params.push(crate::devices::param::Given {
                    name: p,
                    value: v,
                    span: c.span.clone(),
                }),
            }
        }
        Ok(())
    }

    pub(super) fn alterparam_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let Some((n, v)) = rest.split_once('=') else {
            return Err(err(
                &c.span,
                "alterparam",
                "expected `alterparam NAME = VALUE`",
            ));
        };
        let n = n.trim().to_ascii_lowercase();
        let v = v.trim();
        let v = match crate::units::parse_number(v) {
            Some(x) => x,
            None => {
                let e = expr::parse(v).map_err(|e| err(&c.span, "alterparam", e))?;
                let r = self.eval(&e).map_err(|e| err(&c.span, "alterparam", e))?;
                *r.first()
                    .ok_or_else(|| err(&c.span, "alterparam", "empty value"))?
            }
        };
        self.pending.retain(|(k, _)| *k != n);
        self.pending.push((n, v));
        Ok(())
    }

    pub(super) fn option_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let spaced = rest.replace('=', " = ");
        let ws = words(&spaced);
        let mut k = 0;
        while k < ws.len() {
            let name = ws[k].to_ascii_lowercase();
            let value = if ws.get(k + 1).map(String::as_str) == Some("=") {
                let v = ws.get(k + 2).cloned().unwrap_or_default();
                k += 3;
                match crate::units::parse_number(&v) {
                    Some(x) => Arg::Num(x),
                    None => Arg::Word(v.to_ascii_lowercase()),
                }
            } else {
                k += 1;
                Arg::Num(1.0)
            };
            self.flat.options.push(crate::elab::OptionEntry {
                name,
                value,
                span: c.span.clone(),
            });
        }
        // Refuse bad values now rather than at the next analysis.
        crate::circuit::options::Options::from_entries(&self.flat.options)?;
        Ok(())
    }

    pub(super) fn linearize_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let p = &self.plots[self.cur];
        let (Some(sc), Some((t0, t1, dt))) = (p.scale_vec(), p.grid) else {
            return Err(err(
                &c.span,
                "linearize",
                "the current plot is not a transient analysis",
            ));
        };
        let n = ((t1 - t0) / dt + 1e-9).floor() as usize + 1;
        let grid: Vec<f64> = (0..n).map(|k| t0 + k as f64 * dt).collect();
        let wanted: Vec<String> = words(rest).iter().map(|w| w.to_ascii_lowercase()).collect();
        let mut np = Plot::empty("", &p.plotname, &p.title);
        np.scale = Some(sc.name.clone());
        np.grid = p.grid;
        np.vecs.push(Vector::new(sc.name.clone(), grid.clone()));
        for v in &p.vecs {
            if v.name == sc.name || v.data.len() != sc.data.len() {
                continue;
            }
            if !wanted.is_empty()
                && !wanted
                    .iter()
                    .any(|w| p.get(w).is_some_and(|x| x.name == v.name))
            {
                continue;
            }
            let data = grid
                .iter()
                .map(|&t| crate::wave::interp(&sc.data, &v.data, t).unwrap_or(f64::NAN))
                .collect();
            np.vecs.push(Vector::new(v.name.clone(), data));
        }
        np.name = self.next_name("tran");
        self.plots.push(np);
        self.cur = self.plots.len() - 1;
        Ok(())
    }

    pub(super) fn display_cmd(&mut self) -> Result<()> {
        let p = &self.plots[self.cur];
        let mut s = format!(
            "Here are the vectors currently active:\n\nTitle: {}\nName: {} ({})\nDate: {}\n\n",
            p.title,
            p.name,
            p.plotname,
            super::print::date()
        );
        let mut vs: Vec<&Vector> = p.vecs.iter().collect();
        vs.sort_by(|a, b| a.name.cmp(&b.name));
        for v in vs {
            let scale = if Some(&v.name) == p.scale.as_ref() {
                " [default scale]"
            } else {
                ""
            };
            s.push_str(&format!(
                "    {:<20}: {}, real, {} long{scale}\n",
                v.name,
                unit_word(&v.name),
                v.data.len()
            ));
        }
        self.out(&s)
    }

    /// Plot commands write an SVG (`gnuplot FILE ...` → `FILE.svg`, others →
    /// `plotN.svg`) in the output directory instead of opening a window.
    pub(super) fn plot_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let mut text = rest.to_string();
        let file = if c.word == "gnuplot" || c.word == "hardcopy" {
            let (f, r) = split_first(rest);
            let f = f.to_string();
            text = r.to_string();
            let stem = f
                .strip_suffix(".ps")
                .or(f.strip_suffix(".eps"))
                .unwrap_or(&f);
            format!("{stem}.svg")
        } else {
            self.svg_count += 1;
            format!("plot{}.svg", self.svg_count)
        };
        // Drop plot options (ylimit a b, xlimit a b, loglog, title "..", xlabel .., vs x).
        let ws = words(&text);
        let mut keep = Vec::new();
        let mut vs: Option<String> = None;
        let mut k = 0;
        while k < ws.len() {
            let w = ws[k].to_ascii_lowercase();
            match w.as_str() {
                "xlimit" | "ylimit" | "xdelta" | "ydelta" => k += 3,
                "title" | "xlabel" | "ylabel" | "xcompress" | "xindices" => k += 2,
                "loglog" | "xlog" | "ylog" | "linplot" | "combplot" | "pointplot" | "nogrid"
                | "nointerp" | "lin" => k += 1,
                "vs" => {
                    vs = ws.get(k + 1).cloned();
                    k += 2;
                }
                _ => {
                    keep.push(ws[k].clone());
                    k += 1;
                }
            }
        }
        let items = self.vectors_of(c, &keep.join(" "))?;
        let p = &self.plots[self.cur];
        let x: Vec<f64> = match &vs {
            Some(v) => {
                let e = expr::parse(v).map_err(|e| err(&c.span, &c.word, e))?;
                self.eval(&e).map_err(|e| err(&c.span, &c.word, e))?
            }
            None => match p.scale_vec() {
                Some(s) => s.data.clone(),
                None => (0..items.first().map_or(0, |i| i.1.len()))
                    .map(|k| k as f64)
                    .collect(),
            },
        };
        let x_label = vs
            .clone()
            .or_else(|| p.scale.clone())
            .unwrap_or_else(|| "index".into());
        use crate::wave::svg::{Panel, Plot as SvgPlot, Series};
        let series = items
            .into_iter()
            .map(|(name, y)| {
                let n = y.len().min(x.len());
                Series {
                    name,
                    x: x[..n].to_vec(),
                    y: y[..n].to_vec(),
                }
            })
            .collect();
        let plot = SvgPlot {
            title: format!("{} — {}", p.title.trim(), p.plotname),
            x_label,
            x_unit: String::new(),
            panels: vec![Panel {
                label: "value".into(),
                unit: String::new(),
                series,
            }],
        };
        let path = self.path(&file);
        crate::wave::svg::write_svg(&path, &plot.to_svg())?;
        self.warn(format!("Note: {} wrote {}", c.word, path.display()));
        Ok(())
    }

    /// `compose name values a b c` or `compose name start=a stop=b step=c` (or `len=n`
    /// with two of start, stop, step).
    pub(super) fn compose_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let spaced = rest.replace('=', " = ");
        let ws = words(&spaced);
        let bad = || {
            err(
                &c.span,
                "compose",
                "expected `compose NAME values ...` or `compose NAME start=.. stop=.. step=..`",
            )
        };
        let name = ws.first().ok_or_else(bad)?.to_ascii_lowercase();
        let value = |w: &str| -> Result<f64> {
            match crate::units::parse_number(w) {
                Some(v) => Ok(v),
                None => {
                    let e = expr::parse(w).map_err(|e| err(&c.span, "compose", e))?;
                    let r = self.eval(&e).map_err(|e| err(&c.span, "compose", e))?;
                    r.first().copied().ok_or_else(bad)
                }
            }
        };
        let data = if ws.get(1).is_some_and(|w| w.eq_ignore_ascii_case("values")) {
            ws[2..]
                .iter()
                .map(|w| value(w))
                .collect::<Result<Vec<_>>>()?
        } else {
            let mut kv = BTreeMap::new();
            let mut k = 1;
            while k < ws.len() {
                if ws.get(k + 1).map(String::as_str) != Some("=") || k + 2 >= ws.len() {
                    return Err(bad());
                }
                kv.insert(ws[k].to_ascii_lowercase(), value(&ws[k + 2])?);
                k += 3;
            }
            let (start, stop, step, len) = (
                kv.get("start").copied(),
                kv.get("stop").copied(),
                kv.get("step").copied(),
                kv.get("len").copied(),
            );
            let (a, d, n) = match (start, stop, step, len) {
                (Some(a), Some(b), Some(d), None) if d != 0.0 && (b - a) / d >= 0.0 => {
                    (a, d, ((b - a) / d + 1e-9).floor() as usize + 1)
                }
                (Some(a), Some(b), None, Some(n)) if n >= 2.0 => {
                    (a, (b - a) / (n - 1.0), n as usize)
                }
                (Some(a), None, Some(d), Some(n)) if n >= 1.0 => (a, d, n as usize),
                _ => {
                    return Err(err(
                        &c.span,
                        "compose",
                        "bad parameters (start, stop, step, len)",
                    ))
                }
            };
            if n > 10_000_000 {
                return Err(err(&c.span, "compose", format!("{n} points: too many")));
            }
            (0..n).map(|k| a + k as f64 * d).collect()
        };
        self.plots[self.cur].set(Vector::new(name, data));
        Ok(())
    }

    /// `define name(a, b) expression`: a function of the arguments.
    pub(super) fn define_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let bad = || {
            err(
                &c.span,
                "define",
                "expected `define NAME(ARG, ...) EXPRESSION`",
            )
        };
        let open = rest.find('(').ok_or_else(bad)?;
        let close = rest.find(')').ok_or_else(bad)?;
        if close < open {
            return Err(bad());
        }
        let name = rest[..open].trim().to_ascii_lowercase();
        let params: Vec<String> = rest[open + 1..close]
            .split(',')
            .map(|p| p.trim().to_ascii_lowercase())
            .filter(|p| !p.is_empty())
            .collect();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(bad());
        }
        let body = expr::parse(&rest[close + 1..]).map_err(|e| err(&c.span, "define", e))?;
        self.defines.insert(name, (params, body));
        Ok(())
    }

    pub(super) fn meas_cmd(&mut self, c: &Cmd, rest: &str) -> Result<()> {
        let stmt = crate::netlist::parse_str(&format!("meas\n.meas {rest}\n"), "control")
            .map_err(|e| err(&c.span, "meas", e))?;
        let mut ast = self.ast.clone();
        ast.control.clear();
        ast.statements.extend(stmt.statements);
        let mut ov = self.base.clone();
        ov.extend(self.pending.iter().cloned());
        let flat = crate::elab::elaborate(&ast, &ov).map_err(|e| err(&c.span, "meas", e))?;
        let Some(m) = flat.measures.last().cloned() else {
            return Err(err(&c.span, "meas", "expected `meas ANALYSIS NAME ...`"));
        };
        let w = self.plots[self.cur].to_waves();
        let known = |n: &str| -> Option<f64> {
            self.lookup(n)
                .and_then(|v| v.first().copied())
                .or_else(|| flat.params.iter().find(|p| p.0 == n).map(|p| p.1))
        };
        let o = crate::wave::meas::evaluate(&m, &w, &known);
        let line = o.line(&m);
        if let Ok(v) = o.value {
            self.plots[self.cur].set(Vector::new(o.name.clone(), vec![v]));
        }
        self.out(&format!("{line}\n"))
    }

    pub(super) fn source_cmd(&mut self, c: &Cmd, rest: &str) -> Result<Flow> {
        let path = self.path(rest.trim());
        let ast = crate::netlist::parse_file(&path).map_err(|e| err(&c.span, "source", e))?;
        let mut flow = Flow::Normal;
        for b in &ast.control {
            let nodes = super::script::parse(&super::script::commands(&b.lines))?;
            flow = self.exec(&nodes)?;
            if flow == Flow::Quit {
                break;
            }
        }
        Ok(flow)
    }
}

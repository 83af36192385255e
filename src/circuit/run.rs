//! Run a netlist from a file or from text: what `spinspice run`, the Python layer and
//! scripts share. Nothing here prints; progress goes to the [`Progress`] sink handed in.

use super::{Circuit, Stats};
use crate::error::Error;
use crate::progress::{Progress, Silent};
use crate::wave::Waveforms;
use std::path::Path;

/// Where a netlist comes from.
#[derive(Debug, Clone, Copy)]
pub enum NetlistSource<'a> {
    /// A file (its `.include`/`.lib` paths resolve from its directory).
    File(&'a Path),
    /// Netlist text; `name` is what error messages call it (`<name>:line:col`).
    Text {
        /// The netlist.
        text: &'a str,
        /// The name in messages.
        name: &'a str,
    },
}

impl<'a> From<&'a Path> for NetlistSource<'a> {
    fn from(p: &'a Path) -> Self {
        NetlistSource::File(p)
    }
}

impl NetlistSource<'_> {
    fn label(&self) -> String {
        match self {
            NetlistSource::File(p) => p.display().to_string(),
            NetlistSource::Text { name, .. } => name.to_string(),
        }
    }
}

/// Options of a netlist run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Top-level `.param` overrides, `NAME=VALUE` (as `spinspice run --param`).
    pub params: Vec<String>,
    /// Accept a netlist without analyses (ngspice's batch mode runs nothing and succeeds);
    /// by default that is an error.
    pub allow_no_analysis: bool,
    /// Seed of the random functions, replacing the netlist's `.options seed=` (Monte Carlo).
    pub seed: Option<u64>,
}

/// A parsed and elaborated netlist whose circuit is not built yet: what a `.control`
/// script needs (it re-elaborates on `reset` and rebuilds the circuit per analysis).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub ast: crate::netlist::Ast,
    pub flat: crate::elab::Flat,
    /// The `--param` overrides it was elaborated with.
    pub overrides: Vec<(String, f64)>,
    label: String,
    allow_no_analysis: bool,
}

/// Parse and elaborate `src` with the overrides of `opts`.
pub fn load(src: NetlistSource<'_>, opts: &RunOptions) -> crate::Result<Loaded> {
    let overrides = opts
        .params
        .iter()
        .map(|p| crate::elab::parse_override(p))
        .collect::<crate::Result<Vec<_>>>()?;
    let ast = match src {
        NetlistSource::File(p) => crate::netlist::parse_file(p)?,
        NetlistSource::Text { text, name } => crate::netlist::parse_str(text, name)?,
    };
    let flat = crate::elab::elaborate_seeded(&ast, &overrides, opts.seed)?;
    Ok(Loaded {
        ast,
        flat,
        overrides,
        label: src.label(),
        allow_no_analysis: opts.allow_no_analysis,
    })
}

impl Loaded {
    /// Does the netlist have `.control` blocks?
    pub fn has_control(&self) -> bool {
        !self.ast.control.is_empty()
    }

    /// Run the `.control` blocks ([`crate::control::run`]); true when the script ended
    /// with `quit`/`exit` (then, as in `ngspice -b`, the dot-analyses do not run).
    pub fn run_control<'a>(
        &'a mut self,
        io: crate::control::Io<'a>,
        progress: &'a mut dyn Progress,
    ) -> crate::Result<bool> {
        let (quit, flat) =
            crate::control::run(&self.ast, self.flat.clone(), &self.overrides, io, progress)?;
        // What the script changed (`alter`, `reset`) stays for the dot-analyses that
        // follow, as in ngspice.
        self.flat = flat;
        Ok(quit)
    }

    /// Build the circuit; an error when the netlist has no analysis to run (unless
    /// [`RunOptions::allow_no_analysis`]).
    pub fn circuit(&self) -> crate::Result<Circuit> {
        if self.flat.analyses.is_empty() && !self.allow_no_analysis {
            return Err(Error::Usage(format!(
                "{}: no analysis (.op, .dc, .tran, .ac, .noise or .tf) to run",
                self.label
            )));
        }
        Circuit::from_flat(&self.flat)
    }
}

/// Parse and elaborate `src` with the overrides of `opts` and build its circuit; an error
/// when the netlist has no analysis to run.
pub fn prepare(src: NetlistSource<'_>, opts: &RunOptions) -> crate::Result<Circuit> {
    load(src, opts)?.circuit()
}

/// Run every analysis of a netlist, in order: one `(waveforms, stats)` per analysis.
pub fn run_netlist<'a>(
    src: impl Into<NetlistSource<'a>>,
    opts: &RunOptions,
) -> crate::Result<Vec<(Waveforms, Stats)>> {
    run_netlist_with(src, opts, &mut Silent)
}

/// [`run_netlist`] reporting to `progress`.
pub fn run_netlist_with<'a>(
    src: impl Into<NetlistSource<'a>>,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> crate::Result<Vec<(Waveforms, Stats)>> {
    prepare(src.into(), opts)?.run_all(progress)
}

/// Evaluate the netlist's `.meas` lines on the results of [`Circuit::run_all`]: each on
/// the first analysis of its kind (`tran`, `dc`, `ac`, `noise`), in netlist order.
/// Measures of an analysis that did not run fail with a message, as in ngspice. On a
/// complex (`.ac`) plot a measure sees, as in ngspice, `v(x)` as its real part and
/// `vr vi vm vp vdb` (`ir ii im ip idb`) of every signal.
pub fn measures(
    circuit: &Circuit,
    results: &[(Waveforms, Stats)],
) -> Vec<(crate::wave::meas::Measure, crate::wave::meas::Outcome)> {
    use crate::wave::meas::{evaluate_all, Outcome};
    let flat = &circuit.flat;
    let mut slots: Vec<Option<Outcome>> = vec![None; flat.measures.len()];
    for kind in ["tran", "dc", "ac", "sp", "noise"] {
        let idx: Vec<usize> = (0..flat.measures.len())
            .filter(|&k| flat.measures[k].analysis == kind)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let ms: Vec<_> = idx.iter().map(|&k| flat.measures[k].clone()).collect();
        let outcomes = match results.iter().find(|(_, st)| st.analysis == kind) {
            Some((w, _)) if w.is_complex() => {
                let mut real = w.expand_complex();
                real.signals
                    .extend(w.signals.iter().filter(|s| s.is_complex()).map(|s| {
                        crate::wave::Signal {
                            imag: Vec::new(),
                            ..s.clone()
                        }
                    }));
                evaluate_all(&ms, &real, kind, &flat.params)
            }
            Some((w, _)) => evaluate_all(&ms, w, kind, &flat.params),
            None => ms
                .iter()
                .map(|m| Outcome {
                    name: m.name.clone(),
                    value: Err(format!("no {kind} analysis ran")),
                    extra: Vec::new(),
                })
                .collect(),
        };
        for (k, o) in idx.into_iter().zip(outcomes) {
            slots[k] = Some(o);
        }
    }
    flat.measures
        .iter()
        .cloned()
        .zip(slots)
        .filter_map(|(m, o)| o.map(|o| (m, o)))
        .collect()
}

/// One summary line of an analysis: points, accepted/rejected steps, Newton iterations,
/// wall time, and any fallback used.
pub fn summary(stats: &Stats) -> String {
    let mut s = format!(
        "{}: {} points, {} accepted / {} rejected steps, {} Newton iterations, {} factorisations, {:.3} s",
        stats.analysis,
        stats.points,
        stats.accepted,
        stats.rejected,
        stats.newton_iters,
        stats.factorizations,
        stats.wall.as_secs_f64()
    );
    for n in &stats.notes {
        s.push_str(&format!("\n  note: {n}"));
    }
    s
}

/// `spikes <signal>: t1 t2 ...` for each spiking signal (name, threshold) found in `w`:
/// the rising crossings of [`crate::wave::crossings`].
pub fn spike_lines(w: &Waveforms, spikes: &[(String, f64)]) -> Vec<String> {
    let mut out = Vec::new();
    for (name, thr) in spikes {
        if let Some(sig) = w.get(name) {
            let ts = crate::wave::crossings(&w.scale.values, &sig.values, *thr);
            let list: Vec<String> = ts.iter().map(|t| format!("{t:.6e}")).collect();
            out.push(format!("spikes {}: {}", sig.name, list.join(" ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_file_give_the_same_run() {
        let text = "divider\n.param rb=3k\nv1 a 0 1\nr1 a b 1k\nr2 b 0 {rb}\n.op\n.end\n";
        let a = run_netlist(
            NetlistSource::Text {
                text,
                name: "divider.cir",
            },
            &RunOptions::default(),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("divider.cir");
        std::fs::write(&p, text).unwrap();
        let b = run_netlist(p.as_path(), &RunOptions::default()).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].0, b[0].0);
        let vb = a[0].0.get("v(b)").unwrap().values[0];
        assert!((vb - 0.75).abs() < 1e-9, "{vb}");
        let opts = RunOptions {
            params: vec!["rb=1k".into()],
            ..RunOptions::default()
        };
        let c = run_netlist(p.as_path(), &opts).unwrap();
        let vb = c[0].0.get("v(b)").unwrap().values[0];
        assert!((vb - 0.5).abs() < 1e-9, "{vb}");
    }

    #[test]
    fn no_analysis_is_an_error_naming_the_source() {
        let e = run_netlist(
            NetlistSource::Text {
                text: "t\nr1 a 0 1k\n.end\n",
                name: "bare.cir",
            },
            &RunOptions::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("bare.cir: no analysis"), "{e}");
    }
}

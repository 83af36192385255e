//! The modified-nodal-analysis engine: `.op`, `.dc`, `.tran`, the small-signal `.ac`,
//! `.noise` and `.tf`, and `.sens` over [`crate::devices`].
//!
//! A [`Circuit`] is built once from an elaborated [`Flat`] netlist: devices are constructed
//! by the registry, allocate their branch currents and states, claim matrix slots; the
//! sparsity pattern and the LU ordering are computed once. Analyses then only load, factor
//! and solve into preallocated buffers.
//!
//! Unknowns are the node voltages (netlist nodes in [`Flat::nodes`] order, ground excluded),
//! then branch currents and internal nodes in the order devices allocate them. Output
//! signals use ngspice's names: `v(node)`, `i(vsource)` for branch currents, then the
//! devices' own [`Device::outputs`].

pub mod ac;
pub mod dc;
pub mod integrate;
pub mod lu;
pub mod montecarlo;
pub mod newton;
pub mod noise;
pub mod op;
pub mod options;
pub mod pattern;
mod record;
pub mod run;
pub mod sens;
pub(crate) mod smallsignal;
pub mod tf;
pub mod timestep;
pub mod tran;
pub mod trouble;

use crate::devices::{Alloc, AllocBackend, Device, Setup, SetupBackend, Slot, Unknown, GROUND};
use crate::elab::{Analysis, Flat};
use crate::error::Error;
use crate::progress::Progress;
use crate::wave::Waveforms;
use newton::{Engine, UnknownKind};
use options::Options;
use pattern::PatternBuilder;
pub use run::{run_netlist, run_netlist_with, NetlistSource, RunOptions};
use std::collections::HashMap;
use std::time::Duration;

/// Figures of one analysis run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// `op`, `dc` or `tran`.
    pub analysis: String,
    /// Output points.
    pub points: usize,
    /// Accepted time steps (transient) or solved points.
    pub accepted: usize,
    /// Rejected time steps (truncation error or Newton failure).
    pub rejected: usize,
    /// Newton iterations in total.
    pub newton_iters: usize,
    /// Numeric LU factorisations.
    pub factorizations: usize,
    /// Wall-clock time.
    pub wall: Duration,
    /// Fallbacks used and other remarks (`gmin stepping used`, ...).
    pub notes: Vec<String>,
}

/// A circuit ready to be simulated.
#[derive(Debug)]
pub struct Circuit {
    pub(crate) eng: Engine,
    pub(crate) flat: Flat,
    pub(crate) scratch: Vec<f64>,
}

struct Builder<'a> {
    names: &'a mut Vec<String>,
    kinds: &'a mut Vec<UnknownKind>,
    branches: &'a mut HashMap<String, Unknown>,
    nstates: usize,
}

impl AllocBackend for Builder<'_> {
    fn branch(&mut self, device: &str) -> Unknown {
        let u = self.names.len();
        self.names.push(device.to_ascii_lowercase());
        self.kinds.push(UnknownKind::Branch);
        self.branches.insert(device.to_ascii_lowercase(), u);
        u
    }
    fn internal_node(&mut self, name: &str) -> Unknown {
        let u = self.names.len();
        self.names.push(name.to_ascii_lowercase());
        self.kinds.push(UnknownKind::Node);
        u
    }
    fn states(&mut self, n: usize) -> usize {
        let s = self.nstates;
        self.nstates += n;
        s
    }
}

struct SlotBuilder<'a> {
    pb: PatternBuilder,
    branches: &'a HashMap<String, Unknown>,
    attached: Vec<Vec<u32>>,
    current: u32,
}

impl SetupBackend for SlotBuilder<'_> {
    fn slot(&mut self, row: Unknown, col: Unknown) -> Slot {
        if row >= self.attached.len() || col >= self.attached.len() {
            return Slot::NONE;
        }
        let a = &mut self.attached[row];
        if a.last() != Some(&self.current) {
            a.push(self.current);
        }
        self.pb.slot(row, col)
    }
    fn branch_of(&self, device: &str) -> Option<Unknown> {
        self.branches.get(&device.to_ascii_lowercase()).copied()
    }
}

impl Circuit {
    /// Build the devices, the unknowns and the matrix structure of `flat`.
    pub fn from_flat(flat: &Flat) -> crate::Result<Circuit> {
        let devices = crate::devices::registry::build(flat)?;
        Circuit::from_devices(flat, devices)
    }

    /// Build from already constructed devices (e.g. with devices made in code); `flat`
    /// supplies the node names, options, `.ic`, saves and analyses.
    pub fn from_devices(flat: &Flat, mut devices: Vec<Box<dyn Device>>) -> crate::Result<Circuit> {
        let opts = Options::from_entries(&flat.options)?;
        check_spike_nodes(flat)?;
        let nn = flat.nodes.len().saturating_sub(1);
        let mut names: Vec<String> = flat.nodes.iter().skip(1).cloned().collect();
        let mut kinds = vec![UnknownKind::Node; nn];
        let mut branches = HashMap::new();
        let mut b = Builder {
            names: &mut names,
            kinds: &mut kinds,
            branches: &mut branches,
            nstates: 0,
        };
        for d in devices.iter_mut() {
            d.allocate(&mut Alloc { inner: &mut b });
        }
        let nstates = b.nstates;
        let n = names.len();
        let mut sb = SlotBuilder {
            pb: PatternBuilder::new(n),
            branches: &branches,
            attached: vec![Vec::new(); n],
            current: 0,
        };
        // Every node gets its diagonal (gmin stepping, `.ic` clamping).
        let diag_slots: Vec<Slot> = (0..n)
            .map(|u| {
                if kinds[u] == UnknownKind::Node {
                    sb.pb.slot(u, u)
                } else {
                    Slot::NONE
                }
            })
            .collect();
        for (k, d) in devices.iter_mut().enumerate() {
            sb.current = k as u32;
            d.setup(&mut Setup { inner: &mut sb })?;
        }
        let attached = sb.attached;
        let pattern = sb.pb.finish();
        let diag_val = diag_slots
            .iter()
            .map(|s| {
                if *s == Slot::NONE {
                    usize::MAX
                } else {
                    pattern.slot_to_val[s.0 as usize] as usize
                }
            })
            .collect();
        let mut lu = lu::SparseLu::new(&pattern, lu::Ordering::Amd)?;
        let all_linear = devices.iter().all(|d| d.is_linear());
        if all_linear {
            // The matrix depends on the time step only: keep a few factorisations.
            lu.set_cache(8);
        }
        let mut ics = Vec::new();
        for &(node, v) in &flat.ics {
            if node == 0 || node > nn {
                return Err(Error::Usage(format!(
                    "`.ic` on node {} which is ground or does not exist",
                    flat.nodes.get(node).map(String::as_str).unwrap_or("?")
                )));
            }
            ics.push((node - 1, v));
        }
        let mut nodesets = Vec::new();
        for &(node, v) in &flat.nodesets {
            if node == 0 || node > nn {
                return Err(Error::Usage(format!(
                    "`.nodeset` on node {} which is ground or does not exist",
                    flat.nodes.get(node).map(String::as_str).unwrap_or("?")
                )));
            }
            nodesets.push((node - 1, v));
        }
        let nslots = pattern.entries.len();
        let nnz = pattern.nnz();
        let eng = Engine {
            devices,
            names,
            kinds,
            attached,
            pattern,
            lu,
            diag_val,
            opts,
            all_linear,
            ics,
            nodesets,
            slots: vec![0.0; nslots],
            vals: vec![0.0; nnz],
            rhs: vec![0.0; n],
            x: vec![0.0; n],
            nstates,
            q: [
                vec![0.0; nstates],
                vec![0.0; nstates],
                vec![0.0; nstates],
                vec![0.0; nstates],
            ],
            cur: vec![0.0; nstates],
            cur_prev: vec![0.0; nstates],
            hist: vec![0.0; nstates],
            ag0: 0.0,
            newton_iters: 0,
            factorizations: 0,
        };
        Ok(Circuit {
            eng,
            flat: flat.clone(),
            scratch: vec![0.0; n],
        })
    }

    /// The solver options in force.
    pub fn options(&self) -> &Options {
        &self.eng.opts
    }

    /// Replace the solver options.
    pub fn set_options(&mut self, opts: Options) {
        self.eng.opts = opts;
    }

    /// Number of unknowns (node voltages and branch currents).
    pub fn unknowns(&self) -> usize {
        self.eng.n()
    }

    /// The present solution, by unknown; see [`Circuit::signal_names`].
    pub fn solution(&self) -> &[f64] {
        &self.eng.x
    }

    /// Output names of the unknowns (`v(n1)`, `i(v1)`), in unknown order.
    pub fn signal_names(&self) -> Vec<String> {
        (0..self.eng.n()).map(|u| self.eng.signal_name(u)).collect()
    }

    /// The devices.
    pub fn devices(&self) -> &[Box<dyn Device>] {
        &self.eng.devices
    }

    /// Index of the device named `name` (flattened, case-insensitive), for
    /// [`Circuit::set_source`].
    pub fn device_index(&self, name: &str) -> Option<usize> {
        let name = name.to_ascii_lowercase();
        self.eng.devices.iter().position(|d| d.name() == name)
    }

    /// Replace the DC value and time function of the independent source at `index` (see
    /// [`Circuit::device_index`]): the circuit, its matrix structure and ordering stay as
    /// built, and the next analysis uses the new stimulus.
    pub fn set_source(
        &mut self,
        index: usize,
        dc: Option<f64>,
        wave: Option<crate::devices::waveform::Waveform>,
    ) -> crate::Result<()> {
        let d = self
            .eng
            .devices
            .get_mut(index)
            .ok_or_else(|| Error::Usage(format!("set_source: no device with index {index}")))?;
        if d.set_source(dc, wave) {
            Ok(())
        } else {
            Err(Error::Usage(format!(
                "set_source: `{}` is not an independent source",
                d.name()
            )))
        }
    }

    /// What elaboration accepted but does not act on (ignored options and dot-commands).
    pub fn warnings(&self) -> &[crate::error::Warning] {
        &self.flat.warnings
    }

    /// Signals marked as spiking outputs by devices, then the nodes of
    /// `.options spikes=node`, with their thresholds.
    pub fn spike_signals(&self) -> Vec<(String, f64)> {
        let o = self.options();
        let mut v: Vec<(String, f64)> = self
            .eng
            .devices
            .iter()
            .flat_map(|d| d.spike_signals())
            .collect();
        for n in &o.spikes {
            let name = format!("v({n})");
            if !v.iter().any(|(s, _)| *s == name) {
                v.push((name, o.spikevth));
            }
        }
        v
    }

    /// Run every analysis of the netlist in order, each on freshly built devices (a `.dc`
    /// sweep or a transient leaves no state behind for the next analysis).
    pub fn run_all(
        &mut self,
        progress: &mut dyn Progress,
    ) -> crate::Result<Vec<(Waveforms, Stats)>> {
        let analyses = self.flat.analyses.clone();
        let mut out = Vec::with_capacity(analyses.len());
        for (k, a) in analyses.iter().enumerate() {
            if k > 0 {
                *self = Circuit::from_flat(&self.flat)?;
            }
            let r = match a {
                Analysis::Op => self.op()?,
                Analysis::Dc { sweeps } => self.dc(sweeps)?,
                Analysis::Tran {
                    tstep,
                    tstop,
                    tstart,
                    tmax,
                    uic,
                } => self.tran(
                    &tran::TranSpec {
                        tstep: *tstep,
                        tstop: *tstop,
                        tstart: *tstart,
                        tmax: *tmax,
                        uic: *uic,
                    },
                    progress,
                )?,
                Analysis::Ac(sweep) => self.ac(sweep)?,
                Analysis::Tf(spec) => self.tf(spec)?,
                Analysis::Sens(out) => self.sens(out)?,
                Analysis::Noise(spec) => {
                    let (spectrum, integrated, stats) = self.noise(spec)?;
                    out.push((spectrum, stats));
                    let totals = Stats {
                        analysis: "noise".into(),
                        points: 1,
                        accepted: 1,
                        notes: vec!["the integrated totals of the spectra above".into()],
                        ..Default::default()
                    };
                    (integrated, totals)
                }
            };
            out.push(r);
        }
        Ok(out)
    }
}

/// Ground-aware index helper for engine code.
pub(crate) fn value_of(x: &[f64], u: Unknown) -> f64 {
    if u == GROUND {
        0.0
    } else {
        x[u]
    }
}

#[cfg(test)]
mod tests;

/// Every `.options spikes=node` must name a node of the circuit.
fn check_spike_nodes(flat: &Flat) -> crate::Result<()> {
    for e in &flat.options {
        if !e.name.eq_ignore_ascii_case("spikes") {
            continue;
        }
        if let crate::elab::Arg::Word(w) = &e.value {
            if !flat.nodes.iter().any(|n| n.eq_ignore_ascii_case(w)) {
                return Err(crate::error::Error::at(
                    e.span.clone(),
                    format!("option `spikes`: no node `{w}` in the circuit"),
                    Some(
                        "name a node, e.g. `.options spikes=out` (subcircuit nodes as x1.out)"
                            .into(),
                    ),
                ));
            }
        }
    }
    Ok(())
}

//! A whole mapped layer as one circuit: every tile (`.subckt tile<k>`), column sensing,
//! the sense amplifiers (current-controlled current sources into the membranes, partial
//! sums of all row blocks meeting at the neuron), bias pulses, the clocks, and one
//! [`super::neuron_ckt`] neuron (`.subckt lif`) per output.
//!
//! The circuit is built once ([`LayerCircuit::build`]: parse, elaborate, matrix structure,
//! ordering) and rerun per image by replacing the row drivers' waveforms
//! ([`crate::circuit::Circuit::set_source`]). Only the latched spikes `v(spk<o>)`, the row
//! driver currents `i(vin<i>)` and the column currents are saved.
//!
//! Node names: rows `in<i>` (layer input `i`), tile `k` column `j` at `t<k>c<j>`, sensed by
//! `vs<k>_<j>` (virtual ground) or `rs<k>_<j>` (resistive); membranes `m<o>`, latched spikes
//! `spk<o>`.

use super::map::{ColRole, MappedLayer};
use super::netgen::{tile_subckt, Sense, TileCircuit};
use super::neuron_ckt::NeuronCircuit;
use crate::circuit::tran::TranSpec;
use crate::circuit::Circuit;
use crate::devices::waveform::Waveform;
use crate::error::Error;
use crate::neuron::NeuronModel;
use crate::Result;
use std::fmt::Write;

/// The result of one image on the block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRun {
    /// Output spikes per step (`spikes[step][output]`, 0 or 1), read from the latched
    /// comparator outputs.
    pub spikes: Vec<Vec<f64>>,
    /// Energy drawn from the row drivers (J): integral of `v(in) * (-i(vin))`.
    pub energy_j: f64,
    /// Worst `|I_column - (G^T v)_column|` over columns and steps, relative to the largest
    /// ideal column current of that step.
    pub worst_column_error: f64,
    /// Time points of the transient.
    pub points: usize,
}

/// A mapped layer's circuit, built once.
#[derive(Debug)]
pub struct LayerCircuit {
    circ: Circuit,
    netlist: String,
    rows: Vec<usize>,
    tran: TranSpec,
    c: TileCircuit,
    m: MappedLayer,
    steps: usize,
    neurons: NeuronCircuit,
}

fn col_name(k: usize, j: usize) -> String {
    format!("t{k}c{j}")
}

/// The sense element of tile `k` column `j`, whose current the neuron reads.
fn sense_signal(sense: Sense, k: usize, j: usize) -> String {
    match sense {
        Sense::VirtualGround => format!("i(vs{k}_{j})"),
        Sense::Resistive(_) => format!("v({})", col_name(k, j)),
    }
}

/// The PWL of row `row` over a whole image `x[step][row]`: one trapezoidal pulse of
/// `x * v_read` per step (`None`: never driven).
pub fn row_wave(x: &[Vec<f64>], row: usize, c: &TileCircuit) -> Option<Waveform> {
    let mut pts: Vec<(f64, f64)> = vec![(0.0, 0.0)];
    for (t, s) in x.iter().enumerate() {
        let v = s.get(row).copied().unwrap_or(0.0) * c.v_read;
        if v != 0.0 {
            let t0 = t as f64 * c.t_step;
            for (dt, a) in [
                (0.0, 0.0),
                (c.edge, v),
                (c.edge + c.width, v),
                (2.0 * c.edge + c.width, 0.0),
            ] {
                let p = (t0 + dt, a);
                // Pulses end before the next step (checked by `Phases::new`); only the
                // first corner of step 0 meets the initial point (0, 0).
                if pts.last().is_none_or(|l| l.0 < p.0) {
                    pts.push(p);
                }
            }
        }
    }
    (pts.len() > 1).then_some(Waveform::Pwl { pts, repeat: None })
}

/// The row voltage of [`row_wave`] at `t`.
fn row_voltage(w: &Option<Waveform>, t: f64) -> f64 {
    w.as_ref().map_or(0.0, |w| w.value(t))
}

fn trapezoid(t: &[f64], y: &[f64]) -> f64 {
    t.windows(2)
        .zip(y.windows(2))
        .map(|(a, b)| (a[1] - a[0]) * (b[0] + b[1]) / 2.0)
        .sum()
}

/// The block netlist of a mapped layer (`bias`: per output, or none), for `steps` steps.
pub fn block_netlist(
    m: &MappedLayer,
    bias: Option<&[f64]>,
    nc: &NeuronCircuit,
    c: &TileCircuit,
    steps: usize,
    header: &str,
) -> String {
    let mut s = String::with_capacity(64 * m.n_in * m.n_out + 4096);
    let _ = writeln!(
        s,
        "* spinspice crossbar block: {} inputs x {} outputs on {} tiles ({:?} scheme)",
        m.n_in,
        m.n_out,
        m.tiles.len(),
        m.scheme
    );
    for line in header.lines().chain(nc.header().lines()) {
        let _ = writeln!(s, "* {line}");
    }
    let kw = m.current_to_weight(c.v_read);
    let _ = writeln!(
        s,
        "* rows: pulses of x * vread (vread = {:e} V), edges {:e} s, flat top {:e} s; \
         {} weight units per ampere of combined column current",
        c.v_read, c.edge, c.width, kw
    );
    let _ = writeln!(
        s,
        ".param vread={:e} rw={:e} gin={:.12e}",
        c.v_read,
        c.r_wire.max(0.0),
        nc.input_gain(kw)
    );
    s.push_str(".options reltol=1e-4\n");
    nc.subckt(&mut s);
    for (k, tile) in m.tiles.iter().enumerate() {
        let _ = writeln!(
            s,
            "* tile {k}: inputs {}..{}, outputs {}..{}",
            tile.row0,
            tile.row0 + tile.rows() - 1,
            tile.out0,
            tile.out0 + tile.outs.max(1) - 1
        );
        tile_subckt(&format!("tile{k}"), tile, c.r_wire, &mut s);
    }
    for (k, tile) in m.tiles.iter().enumerate() {
        let _ = write!(s, "xt{k}");
        for i in 0..tile.rows() {
            let _ = write!(s, " in{}", tile.row0 + i);
        }
        for j in 0..tile.cols() {
            let _ = write!(s, " {}", col_name(k, j));
        }
        let _ = writeln!(s, " tile{k}");
        let refcol = tile.roles.iter().position(|r| *r == ColRole::Ref);
        for (j, role) in tile.roles.iter().enumerate() {
            let col = col_name(k, j);
            match c.sense {
                Sense::VirtualGround => {
                    let _ = writeln!(s, "vs{k}_{j} {col} 0 0");
                }
                Sense::Resistive(r) => {
                    let _ = writeln!(s, "rs{k}_{j} {col} 0 {r:e}");
                }
            }
            let mut inject = |o: usize, sign: &str, from: usize| {
                let _ = match c.sense {
                    Sense::VirtualGround => {
                        writeln!(s, "f{k}_{j}_{o} 0 m{o} vs{k}_{from} {{{sign}gin}}")
                    }
                    Sense::Resistive(r) => writeln!(
                        s,
                        "g{k}_{j}_{o} 0 m{o} {} 0 {{{sign}gin/{r:e}}}",
                        col_name(k, from)
                    ),
                };
            };
            match *role {
                ColRole::Pos(o) => inject(o, "", j),
                ColRole::Neg(o) => inject(o, "-", j),
                ColRole::Single(o) => {
                    inject(o, "", j);
                    if let Some(rc) = refcol {
                        // the reference column's current, subtracted per output
                        let _ = match c.sense {
                            Sense::VirtualGround => {
                                writeln!(s, "fr{k}_{j}_{o} 0 m{o} vs{k}_{rc} {{-gin}}")
                            }
                            Sense::Resistive(r) => writeln!(
                                s,
                                "gr{k}_{j}_{o} 0 m{o} {} 0 {{-gin/{r:e}}}",
                                col_name(k, rc)
                            ),
                        };
                    }
                }
                ColRole::Ref => {}
            }
        }
    }
    let ph = &nc.phases;
    let (e, w) = (c.edge, c.width);
    for o in 0..m.n_out {
        let b = bias.map_or(0.0, |b| b[o]);
        let amp = nc.bias_current(b);
        if amp != 0.0 {
            let _ = writeln!(
                s,
                "ib{o} 0 m{o} PULSE(0 {amp:.12e} 0 {e:e} {e:e} {w:e} {:e})",
                c.t_step
            );
        }
        let _ = writeln!(s, "xn{o} m{o} spk{o} phs phr phz lif");
    }
    let _ = writeln!(s, "vphs phs 0 {}", ph.sample.pulse(c.t_step));
    let _ = writeln!(s, "vphr phr 0 {}", ph.reset.pulse(c.t_step));
    let _ = writeln!(s, "vphz phz 0 {}", ph.zero.pulse(c.t_step));
    for i in 0..m.n_in {
        let _ = writeln!(s, "vin{i} in{i} 0 0");
    }
    s.push_str(".save");
    for o in 0..m.n_out {
        let _ = write!(s, " v(spk{o})");
    }
    for i in 0..m.n_in {
        let _ = write!(s, " i(vin{i})");
    }
    for (k, tile) in m.tiles.iter().enumerate() {
        for j in 0..tile.cols() {
            let _ = write!(s, " {}", sense_signal(c.sense, k, j));
        }
    }
    s.push('\n');
    let tstop = steps.max(1) as f64 * c.t_step;
    let _ = writeln!(
        s,
        ".tran {:e} {tstop:e} 0 {:e} uic",
        c.edge / 2.0,
        c.t_step / 4.0
    );
    s.push_str(".end\n");
    s
}

impl LayerCircuit {
    /// Build the block of mapped layer `m` with the export's neuron and biases, for images
    /// of `steps` steps.
    pub fn build(
        m: &MappedLayer,
        bias: Option<&[f64]>,
        neuron: &NeuronModel,
        c: &TileCircuit,
        steps: usize,
        header: &str,
    ) -> Result<Self> {
        if steps == 0 {
            return Err(Error::Usage(
                "a crossbar block needs at least one step".into(),
            ));
        }
        if let Some(b) = bias {
            if b.len() != m.n_out {
                return Err(Error::Usage(format!(
                    "{} biases for {} outputs",
                    b.len(),
                    m.n_out
                )));
            }
        }
        let nc = NeuronCircuit::new(neuron, c)?;
        let netlist = block_netlist(m, bias, &nc, c, steps, header);
        let ast = crate::netlist::parse_str(&netlist, "crossbar_block.cir")?;
        let flat = crate::elab::elaborate(&ast, &[])?;
        let circ = Circuit::from_flat(&flat)?;
        let rows = (0..m.n_in)
            .map(|i| {
                circ.device_index(&format!("vin{i}"))
                    .ok_or_else(|| Error::Usage(format!("block has no driver vin{i}")))
            })
            .collect::<Result<_>>()?;
        let tran = match flat.analyses.first() {
            Some(crate::elab::Analysis::Tran {
                tstep,
                tstop,
                tstart,
                tmax,
                uic,
            }) => TranSpec {
                tstep: *tstep,
                tstop: *tstop,
                tstart: *tstart,
                tmax: *tmax,
                uic: *uic,
            },
            _ => return Err(Error::Usage("block netlist without .tran".into())),
        };
        Ok(LayerCircuit {
            circ,
            netlist,
            rows,
            tran,
            c: c.clone(),
            m: m.clone(),
            steps,
            neurons: nc,
        })
    }

    /// The block's netlist (what [`LayerCircuit::build`] simulates).
    pub fn netlist(&self) -> &str {
        &self.netlist
    }

    /// Circuit time of one network step (s).
    pub fn t_step(&self) -> f64 {
        self.c.t_step
    }

    /// The neuron circuit values.
    pub fn neurons(&self) -> &NeuronCircuit {
        &self.neurons
    }

    /// Run one image: `x[step][input]` (spikes 0/1, or analog values in units of `v_read`).
    pub fn run(&mut self, x: &[Vec<f64>]) -> Result<BlockRun> {
        if x.len() != self.steps {
            return Err(Error::Usage(format!(
                "the block was built for {} steps, the image has {}",
                self.steps,
                x.len()
            )));
        }
        if let Some(r) = x.iter().find(|r| r.len() != self.m.n_in) {
            return Err(Error::Usage(format!(
                "the block has {} inputs, a step has {}",
                self.m.n_in,
                r.len()
            )));
        }
        let c = &self.c;
        let waves: Vec<Option<Waveform>> = (0..self.m.n_in).map(|i| row_wave(x, i, c)).collect();
        for (idx, w) in self.rows.iter().zip(&waves) {
            let dc = if w.is_none() { Some(0.0) } else { None };
            self.circ.set_source(*idx, dc, w.clone())?;
        }
        let (wf, stats) = self.circ.tran(&self.tran, &mut crate::progress::Silent)?;
        let t = &wf.scale.values;
        let get = |name: &str| {
            wf.get(name)
                .map(|s| s.values.as_slice())
                .ok_or_else(|| Error::Usage(format!("block output {name} missing")))
        };
        // Spikes: the latched comparator output just before the end of each step.
        let mut spikes = vec![vec![0.0; self.m.n_out]; self.steps];
        for o in 0..self.m.n_out {
            let v = get(&format!("v(spk{o})"))?;
            for (k, row) in spikes.iter_mut().enumerate() {
                let at = (k + 1) as f64 * c.t_step;
                let y = crate::wave::interp(t, v, at.min(*t.last().unwrap_or(&0.0))).unwrap_or(0.0);
                row[o] = if y > 0.5 { 1.0 } else { 0.0 };
            }
        }
        let mut energy = 0.0;
        for (i, w) in waves.iter().enumerate() {
            if w.is_some() {
                let iv = get(&format!("i(vin{i})"))?;
                let p: Vec<f64> = t
                    .iter()
                    .zip(iv)
                    .map(|(tt, ii)| -row_voltage(w, *tt) * ii)
                    .collect();
                energy += trapezoid(t, &p);
            }
        }
        // Column currents at the pulse centres against G^T v.
        let mut worst: f64 = 0.0;
        let centre = c.edge + c.width / 2.0;
        for (k, tile) in self.m.tiles.iter().enumerate() {
            let sigs: Vec<&[f64]> = (0..tile.cols())
                .map(|j| get(&sense_signal(c.sense, k, j)))
                .collect::<Result<_>>()?;
            for (step, row) in x.iter().enumerate() {
                let at = step as f64 * c.t_step + centre;
                let mut ideal = vec![0.0; tile.cols()];
                for (r, g) in tile.g.iter().enumerate() {
                    let v = row[tile.row0 + r] * c.v_read;
                    if v != 0.0 {
                        for (a, gij) in ideal.iter_mut().zip(g) {
                            *a += gij * v;
                        }
                    }
                }
                let scale = ideal.iter().fold(0.0f64, |a, b| a.max(b.abs()));
                if scale > 0.0 {
                    for (j, s) in sigs.iter().enumerate() {
                        let mut got = crate::wave::interp(t, s, at).unwrap_or(0.0);
                        if let Sense::Resistive(r) = c.sense {
                            got /= r;
                        }
                        worst = worst.max((got - ideal[j]).abs() / scale);
                    }
                }
            }
        }
        Ok(BlockRun {
            spikes,
            energy_j: energy,
            worst_column_error: worst,
            points: stats.points,
        })
    }
}

//! The two-stage (split) solution of a crossbar block: the linear tiles as one resistive
//! circuit, solved once per input step, and the output neurons as a second, small nonlinear
//! circuit driven by the sensed column currents.
//!
//! # Why the split is exact
//! - The sense amplifiers do not load the tiles. With virtual-ground sensing the column
//!   node is held at 0 V by the zero-volt source `vs<k>_<j>` whatever the neuron does; the
//!   amplifier only reads that source's current (a current-controlled current source).
//!   With resistive sensing the amplifier reads the sense resistor's voltage through a
//!   voltage-controlled current source, whose input draws no current. Either way the
//!   coupling is one-way, tiles to neurons: the tile solution does not depend on the
//!   neuron circuit, so solving the tiles first and the neurons after is the same system.
//! - The tiles are memoryless (resistors and sources only), so their solution at time `t`
//!   is the DC solution for the row voltages at `t`. Every row pulse of a step has the same
//!   unit shape `s(t)` (edges `e`, flat top `w`) times its own amplitude `x v_read`, so by
//!   linearity every column current is `I_flat s(t)`, with `I_flat` the DC solution for the
//!   flat-top row voltages. One linear solve per step gives the whole waveform, and the
//!   membrane input current `gin * combined(I_flat) * s(t)` (plus the bias pulse, of the
//!   same shape) is a piecewise-linear source that is exact, not an interpolation.
//! - The tile circuit is linear, so the engine factors its matrix once and reuses the LU
//!   for every step and image (only the right-hand side changes).
//!
//! The fully coupled single netlist ([`super::block::block_netlist`]) stays available as
//! [`super::block::BlockMode::Coupled`], as a check (both give the same spike trains,
//! tested in `tests/crossbar_split.rs`).
//!
//! Energy of the tile stage: the drivers deliver `P_flat s(t)^2` with `P_flat = sum_i V_i
//! (-I_vin_i)` at the flat top, so a step's energy is `P_flat * (w + 2 e / 3)` exactly (the
//! integral of the squared trapezoid).

use super::map::{MappedLayer, Tile};
use super::netgen::{tile_subckt, Sense, TileCircuit};
use super::neuron_ckt::NeuronCircuit;
use crate::circuit::tran::TranSpec;
use crate::circuit::Circuit;
use crate::devices::waveform::Waveform;
use crate::error::Error;
use crate::wave::Waveforms;
use crate::Result;
use std::fmt::Write;

/// Column node of tile `k`, column `j`.
pub fn col_name(k: usize, j: usize) -> String {
    format!("t{k}c{j}")
}

/// The trapezoidal pulse train of one source: amplitude `amps[step]` (0: no pulse) with the
/// row pulse's shape; `None` when every amplitude is 0.
pub fn pulse_wave(amps: &[f64], c: &TileCircuit) -> Option<Waveform> {
    let mut pts: Vec<(f64, f64)> = vec![(0.0, 0.0)];
    for (t, &v) in amps.iter().enumerate() {
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

/// `integral of s(t)^2 dt` of the unit row pulse (s): flat top `w` plus `e / 3` per edge.
pub fn pulse_square_integral(c: &TileCircuit) -> f64 {
    c.width + 2.0 * c.edge / 3.0
}

/// The `.subckt` of every tile of `m`, each after a comment naming its inputs and outputs.
pub fn write_tile_subckts(m: &MappedLayer, r_wire: f64, s: &mut String) {
    for (k, tile) in m.tiles.iter().enumerate() {
        let _ = writeln!(
            s,
            "* tile {k}: inputs {}..{}, outputs {}..{}",
            tile.row0,
            tile.row0 + tile.rows() - 1,
            tile.out0,
            tile.out0 + tile.outs.max(1) - 1
        );
        tile_subckt(&format!("tile{k}"), tile, r_wire, s);
    }
}

/// The instance line `xt<k>` of tile `k`: row nodes `in<i>`, column nodes `t<k>c<j>`.
pub fn write_tile_instance(k: usize, tile: &Tile, s: &mut String) {
    let _ = write!(s, "xt{k}");
    for i in 0..tile.rows() {
        let _ = write!(s, " in{}", tile.row0 + i);
    }
    for j in 0..tile.cols() {
        let _ = write!(s, " {}", col_name(k, j));
    }
    let _ = writeln!(s, " tile{k}");
}

/// The netlist of the tile stage: every tile, its column sensing, the row drivers (DC,
/// set per step), `.op`.
pub fn tiles_netlist(m: &MappedLayer, c: &TileCircuit, header: &str) -> String {
    let mut s = String::with_capacity(64 * m.n_in * m.n_out + 4096);
    let _ = writeln!(
        s,
        "* spinspice crossbar block, tile stage: {} inputs x {} outputs on {} tiles ({:?} scheme)",
        m.n_in,
        m.n_out,
        m.tiles.len(),
        m.scheme
    );
    for line in header.lines() {
        let _ = writeln!(s, "* {line}");
    }
    s.push_str(
        "* two-stage block: this linear circuit is solved once per input step at the flat-top\n\
         * row voltages (x * vread); column currents are i(vs<k>_<j>) (virtual ground) or\n\
         * v(t<k>c<j>) / rsense (resistive). The sense amplifiers do not load the columns\n\
         * (zero-volt source / high-impedance voltage sense) and the tiles are resistive, so\n\
         * each column current is its flat-top value times the common pulse shape: the\n\
         * neuron stage is driven by exactly that waveform.\n",
    );
    let _ = writeln!(s, ".param vread={:e} rw={:e}", c.v_read, c.r_wire.max(0.0));
    write_tile_subckts(m, c.r_wire, &mut s);
    for (k, tile) in m.tiles.iter().enumerate() {
        write_tile_instance(k, tile, &mut s);
        for j in 0..tile.cols() {
            let col = col_name(k, j);
            let _ = match c.sense {
                Sense::VirtualGround => writeln!(s, "vs{k}_{j} {col} 0 0"),
                Sense::Resistive(r) => writeln!(s, "rs{k}_{j} {col} 0 {r:e}"),
            };
        }
    }
    for i in 0..m.n_in {
        let _ = writeln!(s, "vin{i} in{i} 0 0");
    }
    // Only one signal recorded per solve: the stage reads the solution vector directly.
    s.push_str(".save i(vin0)\n.op\n.end\n");
    s
}

/// The linear tile stage, built once (matrix structure, ordering; the LU is cached by the
/// engine because every device is linear).
#[derive(Debug)]
pub struct TileStage {
    circ: Circuit,
    netlist: String,
    /// Device index of each row driver.
    drivers: Vec<usize>,
    /// Unknown index of each driver's branch current.
    driver_current: Vec<usize>,
    /// Unknown index of each tile column's sense signal (current or voltage).
    sense: Vec<Vec<usize>>,
    /// `1 / r_sense` for resistive sensing, 1 for virtual ground.
    to_amps: f64,
    /// The drivers' present DC values.
    applied: Vec<f64>,
}

/// Flat-top solution of one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSolution {
    /// Column currents per tile (A).
    pub columns: Vec<Vec<f64>>,
    /// Power delivered by the row drivers at the flat top (W).
    pub driver_power: f64,
}

impl TileStage {
    /// Build the tile stage of mapped layer `m`.
    pub fn build(m: &MappedLayer, c: &TileCircuit, header: &str) -> Result<Self> {
        let netlist = tiles_netlist(m, c, header);
        let ast = crate::netlist::parse_str(&netlist, "crossbar_tiles.cir")?;
        let flat = crate::elab::elaborate(&ast, &[])?;
        let circ = Circuit::from_flat(&flat)?;
        let names = circ.signal_names();
        let unknown = |name: &str| {
            names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| Error::Usage(format!("tile stage has no signal {name}")))
        };
        let drivers = (0..m.n_in)
            .map(|i| {
                circ.device_index(&format!("vin{i}"))
                    .ok_or_else(|| Error::Usage(format!("tile stage has no driver vin{i}")))
            })
            .collect::<Result<_>>()?;
        let driver_current = (0..m.n_in)
            .map(|i| unknown(&format!("i(vin{i})")))
            .collect::<Result<_>>()?;
        let sense = m
            .tiles
            .iter()
            .enumerate()
            .map(|(k, t)| {
                (0..t.cols())
                    .map(|j| match c.sense {
                        Sense::VirtualGround => unknown(&format!("i(vs{k}_{j})")),
                        Sense::Resistive(_) => unknown(&format!("v({})", col_name(k, j))),
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        let to_amps = match c.sense {
            Sense::VirtualGround => 1.0,
            Sense::Resistive(r) => 1.0 / r,
        };
        Ok(TileStage {
            circ,
            netlist,
            drivers,
            driver_current,
            sense,
            to_amps,
            applied: vec![0.0; m.n_in],
        })
    }

    /// The stage's netlist.
    pub fn netlist(&self) -> &str {
        &self.netlist
    }

    /// Number of unknowns of the tile circuit.
    pub fn unknowns(&self) -> usize {
        self.circ.unknowns()
    }

    /// Solve the tiles for row voltages `v` (V, one per layer input).
    pub fn solve(&mut self, v: &[f64]) -> Result<StepSolution> {
        if v.len() != self.drivers.len() {
            return Err(Error::Usage(format!(
                "the tile stage has {} rows, got {} voltages",
                self.drivers.len(),
                v.len()
            )));
        }
        if v.iter().all(|x| *x == 0.0) {
            // No drive: every current of a resistive network without sources is 0.
            return Ok(StepSolution {
                columns: self.sense.iter().map(|s| vec![0.0; s.len()]).collect(),
                driver_power: 0.0,
            });
        }
        for ((idx, applied), &x) in self.drivers.iter().zip(&mut self.applied).zip(v) {
            if *applied != x {
                self.circ.set_source(*idx, Some(x), None)?;
                *applied = x;
            }
        }
        self.circ.op()?;
        let x = self.circ.solution();
        let columns = self
            .sense
            .iter()
            .map(|s| s.iter().map(|u| x[*u] * self.to_amps).collect())
            .collect();
        // A source delivering power has a negative branch current (ngspice's convention).
        let driver_power = v
            .iter()
            .zip(&self.driver_current)
            .map(|(vi, u)| -vi * x[*u])
            .sum();
        Ok(StepSolution {
            columns,
            driver_power,
        })
    }
}

/// The netlist of the neuron stage: one circuit neuron per output, each membrane driven by
/// a current source `iin<o>` (the sense amplifier's output plus the bias pulse, set per
/// image), and the clocks.
pub fn neurons_netlist(n_out: usize, nc: &NeuronCircuit, c: &TileCircuit, steps: usize) -> String {
    let mut s = String::with_capacity(256 * n_out + 4096);
    let _ = writeln!(
        s,
        "* spinspice crossbar block, neuron stage: {n_out} circuit neurons"
    );
    for line in nc.header().lines() {
        let _ = writeln!(s, "* {line}");
    }
    s.push_str(
        "* iin<o>: the membrane's input current, gin * (combined sensed column current) plus\n\
         * the bias pulse, one trapezoid of the row pulse's shape per step (set per image\n\
         * from the tile stage's flat-top solution)\n",
    );
    s.push_str(".options reltol=1e-4\n");
    nc.subckt(&mut s);
    for o in 0..n_out {
        let _ = writeln!(s, "iin{o} 0 m{o} 0");
        let _ = writeln!(s, "xn{o} m{o} spk{o} phs phr phz lif");
    }
    let ph = &nc.phases;
    let _ = writeln!(s, "vphs phs 0 {}", ph.sample.pulse(c.t_step));
    let _ = writeln!(s, "vphr phr 0 {}", ph.reset.pulse(c.t_step));
    let _ = writeln!(s, "vphz phz 0 {}", ph.zero.pulse(c.t_step));
    s.push_str(".save");
    for o in 0..n_out {
        let _ = write!(s, " v(spk{o}) v(m{o})");
    }
    s.push_str(" v(phs) v(phr) v(phz) i(vphs) i(vphr) i(vphz)");
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

/// The nonlinear neuron stage, built once.
#[derive(Debug)]
pub struct NeuronStage {
    circ: Circuit,
    netlist: String,
    inputs: Vec<usize>,
    tran: TranSpec,
    c: TileCircuit,
}

/// The `.tran` of an elaborated netlist.
pub fn tran_of(flat: &crate::elab::Flat) -> Result<TranSpec> {
    match flat.analyses.first() {
        Some(crate::elab::Analysis::Tran {
            tstep,
            tstop,
            tstart,
            tmax,
            uic,
        }) => Ok(TranSpec {
            tstep: *tstep,
            tstop: *tstop,
            tstart: *tstart,
            tmax: *tmax,
            uic: *uic,
        }),
        _ => Err(Error::Usage("block netlist without .tran".into())),
    }
}

impl NeuronStage {
    /// Build the neuron stage for `n_out` outputs and `steps` steps.
    pub fn build(n_out: usize, nc: &NeuronCircuit, c: &TileCircuit, steps: usize) -> Result<Self> {
        let netlist = neurons_netlist(n_out, nc, c, steps);
        let ast = crate::netlist::parse_str(&netlist, "crossbar_neurons.cir")?;
        let flat = crate::elab::elaborate(&ast, &[])?;
        let circ = Circuit::from_flat(&flat)?;
        let inputs = (0..n_out)
            .map(|o| {
                circ.device_index(&format!("iin{o}"))
                    .ok_or_else(|| Error::Usage(format!("neuron stage has no source iin{o}")))
            })
            .collect::<Result<_>>()?;
        Ok(NeuronStage {
            tran: tran_of(&flat)?,
            circ,
            netlist,
            inputs,
            c: c.clone(),
        })
    }

    /// The stage's netlist.
    pub fn netlist(&self) -> &str {
        &self.netlist
    }

    /// Number of unknowns of the neuron circuit.
    pub fn unknowns(&self) -> usize {
        self.circ.unknowns()
    }

    /// Run the neurons with membrane input amplitudes `amps[step][output]` (A, flat-top
    /// values of each step's trapezoid).
    pub fn run(&mut self, amps: &[Vec<f64>]) -> Result<(Waveforms, crate::circuit::Stats)> {
        for (o, idx) in self.inputs.iter().enumerate() {
            let a: Vec<f64> = amps.iter().map(|s| s[o]).collect();
            let w = pulse_wave(&a, &self.c);
            let dc = if w.is_none() { Some(0.0) } else { None };
            self.circ.set_source(*idx, dc, w)?;
        }
        self.circ.tran(&self.tran, &mut crate::progress::Silent)
    }
}

/// Membrane input amplitudes of one step: `gin * combined column current + bias current`
/// per output (`gin`: the sense amplifier's gain, `bias_amp`: per output).
pub fn membrane_amplitudes(
    m: &MappedLayer,
    columns: &[Vec<f64>],
    gin: f64,
    bias_amp: &[f64],
) -> Vec<f64> {
    m.combine(columns)
        .iter()
        .zip(bias_amp)
        .map(|(i, b)| gin * i + b)
        .collect()
}

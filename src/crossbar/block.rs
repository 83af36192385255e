//! A whole mapped layer as a circuit: every tile (`.subckt tile<k>`), column sensing,
//! the sense amplifiers (partial sums of all row blocks meeting at the neuron), bias
//! pulses, the clocks, and one [`super::neuron_ckt`] neuron (`.subckt lif`) per output.
//!
//! Two ways to solve it ([`BlockMode`]):
//! - [`BlockMode::Split`] (default): the linear tiles as one resistive circuit solved once
//!   per input step with a cached LU, then the neurons as a small nonlinear circuit driven
//!   by the sensed currents ([`super::split`], which says why this is exact for both sense
//!   schemes generated here).
//! - [`BlockMode::Coupled`]: one netlist with everything ([`block_netlist`]); the sense
//!   amplifiers are controlled sources (`F` reading `i(vs<k>_<j>)`, or `G` reading
//!   `v(t<k>c<j>)`). Every Newton iteration of the transient refactors the whole crossbar:
//!   kept as a check of the split solution and for sensing schemes that load the columns.
//!
//! Either is built once ([`LayerCircuit::build`]: parse, elaborate, matrix structure,
//! ordering) and rerun per image with new stimuli
//! ([`crate::circuit::Circuit::set_source`]).
//!
//! Node names: rows `in<i>` (layer input `i`), tile `k` column `j` at `t<k>c<j>`, sensed by
//! `vs<k>_<j>` (virtual ground) or `rs<k>_<j>` (resistive); membranes `m<o>`, latched spikes
//! `spk<o>`.

pub use super::coupled::block_netlist;
use super::map::MappedLayer;
use super::netgen::{Sense, TileCircuit};
use super::neuron_ckt::NeuronCircuit;
use crate::circuit::tran::TranSpec;
use crate::circuit::Circuit;
use crate::devices::waveform::Waveform;
use crate::error::Error;
use crate::neuron::NeuronModel;
use crate::Result;

/// How the block is solved (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BlockMode {
    /// Linear tile stage (cached LU, one solve per step), then the neuron stage.
    #[default]
    Split,
    /// One nonlinear netlist with tiles and neurons.
    Coupled,
}

/// The result of one image on the block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockRun {
    /// Output spikes per step (`spikes[step][output]`, 0 or 1), read from the latched
    /// comparator outputs.
    pub spikes: Vec<Vec<f64>>,
    /// Membrane voltages at each step's sampling instant (`membranes[step][output]`, V; the
    /// network's membrane times [`NeuronCircuit::vu`]).
    pub membranes: Vec<Vec<f64>>,
    /// Energy per inference (J): `energy_drivers_j + energy_neurons_j`, the integral of
    /// `v * i` over every independent source of the block.
    pub energy_j: f64,
    /// Energy drawn from the row drivers (J): integral of `v(in) * (-i(vin))` (the
    /// virtual-ground sense sources sit at 0 V and deliver none).
    pub energy_drivers_j: f64,
    /// Energy delivered by the neuron side's independent sources (J): the sense
    /// amplifiers' output currents with the bias pulses (`integral of v(m) * i_in`) and the
    /// three clocks. The comparators, the subtract-reset charge pumps and the (anti-)leak
    /// are behavioural elements whose supplies are not modelled: not counted.
    pub energy_neurons_j: f64,
    /// Worst `|I_column - (G^T v)_column|` over columns and steps, relative to the largest
    /// ideal column current of that step.
    pub worst_column_error: f64,
    /// Time points of the transient (the neuron stage's in split mode).
    pub points: usize,
}

/// The solver of a block.
#[derive(Debug)]
enum Solver {
    Split {
        tiles: Box<super::split::TileStage>,
        neurons: Box<super::split::NeuronStage>,
    },
    Coupled {
        circ: Box<Circuit>,
        netlist: String,
        rows: Vec<usize>,
        tran: TranSpec,
    },
}

/// A mapped layer's circuit, built once.
#[derive(Debug)]
pub struct LayerCircuit {
    solver: Solver,
    c: TileCircuit,
    m: MappedLayer,
    steps: usize,
    neurons: NeuronCircuit,
    /// Sense amplifier gain (A into the membrane per A of combined column current).
    gin: f64,
    /// Bias pulse amplitude per output (A).
    bias_amp: Vec<f64>,
}

fn col_name(k: usize, j: usize) -> String {
    super::split::col_name(k, j)
}

/// The sense element of tile `k` column `j`, whose current the neuron reads.
pub(crate) fn sense_signal(sense: Sense, k: usize, j: usize) -> String {
    match sense {
        Sense::VirtualGround => format!("i(vs{k}_{j})"),
        Sense::Resistive(_) => format!("v({})", col_name(k, j)),
    }
}

/// The PWL of row `row` over a whole image `x[step][row]`: one trapezoidal pulse of
/// `x * v_read` per step (`None`: never driven).
pub fn row_wave(x: &[Vec<f64>], row: usize, c: &TileCircuit) -> Option<Waveform> {
    let amps: Vec<f64> = x
        .iter()
        .map(|s| s.get(row).copied().unwrap_or(0.0) * c.v_read)
        .collect();
    super::split::pulse_wave(&amps, c)
}

/// The row voltage of [`row_wave`] at `t`.
fn row_voltage(w: &Option<Waveform>, t: f64) -> f64 {
    w.as_ref().map_or(0.0, |w| w.value(t))
}

/// `integral of v(t) i(t) dt` for `v` and `i` linear between the points `t`: per interval
/// `h (v0 i0 / 3 + (v0 i1 + v1 i0) / 6 + v1 i1 / 3)`, exact for piecewise-linear signals
/// whose corners are points (the row drivers' PWL corners are breakpoints).
fn product_integral(t: &[f64], v: &[f64], i: &[f64]) -> f64 {
    (1..t.len())
        .map(|k| {
            let (v0, v1, i0, i1) = (v[k - 1], v[k], i[k - 1], i[k]);
            (t[k] - t[k - 1]) * ((v0 * i0 + v1 * i1) / 3.0 + (v0 * i1 + v1 * i0) / 6.0)
        })
        .sum()
}

/// One value per step and output (`table[step][output]`).
type StepTable = Vec<Vec<f64>>;

/// Spikes (latched comparator output just before the end of each step) and membranes
/// (at each step's sampling instant `t_s`) from a transient.
fn read_neurons(
    wf: &crate::wave::Waveforms,
    n_out: usize,
    steps: usize,
    t_step: f64,
    t_s: f64,
) -> Result<(StepTable, StepTable)> {
    let t = &wf.scale.values;
    let end = *t.last().unwrap_or(&0.0);
    let get = |name: &str| {
        wf.get(name)
            .map(|s| s.values.as_slice())
            .ok_or_else(|| Error::Usage(format!("block output {name} missing")))
    };
    let mut spikes = vec![vec![0.0; n_out]; steps];
    let mut membranes = vec![vec![0.0; n_out]; steps];
    for o in 0..n_out {
        let v = get(&format!("v(spk{o})"))?;
        let m = get(&format!("v(m{o})"))?;
        for (k, (srow, mrow)) in spikes.iter_mut().zip(membranes.iter_mut()).enumerate() {
            let at = ((k + 1) as f64 * t_step).min(end);
            let y = crate::wave::interp(t, v, at).unwrap_or(0.0);
            srow[o] = if y > 0.5 { 1.0 } else { 0.0 };
            let ts = (k as f64 * t_step + t_s).min(end);
            mrow[o] = crate::wave::interp(t, m, ts).unwrap_or(0.0);
        }
    }
    Ok((spikes, membranes))
}

impl LayerCircuit {
    /// Build the block of mapped layer `m` with the export's neuron and biases, for images
    /// of `steps` steps, solved in [`BlockMode::Split`].
    pub fn build(
        m: &MappedLayer,
        bias: Option<&[f64]>,
        neuron: &NeuronModel,
        c: &TileCircuit,
        steps: usize,
        header: &str,
    ) -> Result<Self> {
        Self::build_mode(m, bias, neuron, c, steps, header, BlockMode::Split)
    }

    /// [`LayerCircuit::build`] with an explicit solution mode.
    pub fn build_mode(
        m: &MappedLayer,
        bias: Option<&[f64]>,
        neuron: &NeuronModel,
        c: &TileCircuit,
        steps: usize,
        header: &str,
        mode: BlockMode,
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
        let solver = match mode {
            BlockMode::Split => {
                let mut head = format!(
                    "{header}\nrows: pulses of x * vread (vread = {:e} V), edges {:e} s, flat \
                     top {:e} s",
                    c.v_read, c.edge, c.width
                );
                if header.is_empty() {
                    head = head.trim_start().to_string();
                }
                Solver::Split {
                    tiles: Box::new(super::split::TileStage::build(m, c, &head)?),
                    neurons: Box::new(super::split::NeuronStage::build(m.n_out, &nc, c, steps)?),
                }
            }
            BlockMode::Coupled => {
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
                Solver::Coupled {
                    tran: super::split::tran_of(&flat)?,
                    circ: Box::new(circ),
                    netlist,
                    rows,
                }
            }
        };
        Ok(LayerCircuit {
            solver,
            c: c.clone(),
            m: m.clone(),
            steps,
            gin: nc.input_gain(m.current_to_weight(c.v_read)),
            bias_amp: (0..m.n_out)
                .map(|o| nc.bias_current(bias.map_or(0.0, |b| b[o])))
                .collect(),
            neurons: nc,
        })
    }

    /// The block's netlists, `(file name, text)`: the tile and neuron stages in split mode,
    /// the single block netlist in coupled mode.
    pub fn netlists(&self) -> Vec<(&'static str, &str)> {
        match &self.solver {
            Solver::Split { tiles, neurons, .. } => vec![
                ("crossbar_tiles.cir", tiles.netlist()),
                ("crossbar_neurons.cir", neurons.netlist()),
            ],
            Solver::Coupled { netlist, .. } => vec![("crossbar_block.cir", netlist.as_str())],
        }
    }

    /// The mode the block is solved in.
    pub fn mode(&self) -> BlockMode {
        match self.solver {
            Solver::Split { .. } => BlockMode::Split,
            Solver::Coupled { .. } => BlockMode::Coupled,
        }
    }

    /// Unknowns of the circuit(s): `(tiles, neurons)` in split mode, `(all, 0)` coupled.
    pub fn unknowns(&self) -> (usize, usize) {
        match &self.solver {
            Solver::Split { tiles, neurons, .. } => (tiles.unknowns(), neurons.unknowns()),
            Solver::Coupled { circ, .. } => (circ.unknowns(), 0),
        }
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
        match self.solver {
            Solver::Split { .. } => self.run_split(x),
            Solver::Coupled { .. } => self.run_coupled(x),
        }
    }

    fn run_split(&mut self, x: &[Vec<f64>]) -> Result<BlockRun> {
        let Solver::Split { tiles, neurons } = &mut self.solver else {
            unreachable!("run_split on a coupled block")
        };
        let c = &self.c;
        let mut amps = Vec::with_capacity(x.len());
        let mut energy = 0.0;
        let mut worst: f64 = 0.0;
        let e2 = super::split::pulse_square_integral(c);
        for row in x {
            let v: Vec<f64> = row.iter().map(|xi| xi * c.v_read).collect();
            let sol = tiles.solve(&v)?;
            energy += sol.driver_power * e2;
            let ideal = self.m.ideal_column_currents(&v);
            for (got, want) in sol.columns.iter().zip(&ideal) {
                worst = worst.max(column_error(got, want));
            }
            amps.push(super::split::membrane_amplitudes(
                &self.m,
                &sol.columns,
                self.gin,
                &self.bias_amp,
            ));
        }
        let (wf, stats) = neurons.run(&amps)?;
        let (spikes, membranes) = read_neurons(
            &wf,
            self.m.n_out,
            self.steps,
            c.t_step,
            self.neurons.phases.t_s,
        )?;
        let t = &wf.scale.values;
        let inputs: Vec<Vec<f64>> = (0..self.m.n_out)
            .map(|o| {
                let a: Vec<f64> = amps.iter().map(|s| s[o]).collect();
                let w = super::split::pulse_wave(&a, c);
                t.iter().map(|tt| row_voltage(&w, *tt)).collect()
            })
            .collect();
        let neurons_j = neuron_energy(&wf, &inputs)?;
        Ok(BlockRun {
            spikes,
            membranes,
            energy_j: energy + neurons_j,
            energy_drivers_j: energy,
            energy_neurons_j: neurons_j,
            worst_column_error: worst,
            points: stats.points,
        })
    }

    fn run_coupled(&mut self, x: &[Vec<f64>]) -> Result<BlockRun> {
        let Solver::Coupled {
            circ, rows, tran, ..
        } = &mut self.solver
        else {
            unreachable!("run_coupled on a split block")
        };
        let c = &self.c;
        let waves: Vec<Option<Waveform>> = (0..self.m.n_in).map(|i| row_wave(x, i, c)).collect();
        for (idx, w) in rows.iter().zip(&waves) {
            let dc = if w.is_none() { Some(0.0) } else { None };
            circ.set_source(*idx, dc, w.clone())?;
        }
        let (wf, stats) = circ.tran(tran, &mut crate::progress::Silent)?;
        let t = &wf.scale.values;
        let get = |name: &str| {
            wf.get(name)
                .map(|s| s.values.as_slice())
                .ok_or_else(|| Error::Usage(format!("block output {name} missing")))
        };
        let (spikes, membranes) = read_neurons(
            &wf,
            self.m.n_out,
            self.steps,
            c.t_step,
            self.neurons.phases.t_s,
        )?;
        let mut energy = 0.0;
        for (i, w) in waves.iter().enumerate() {
            if w.is_some() {
                let iv = get(&format!("i(vin{i})"))?;
                let v: Vec<f64> = t.iter().map(|tt| row_voltage(w, *tt)).collect();
                energy -= product_integral(t, &v, iv);
            }
        }
        // Column currents at the pulse centres against G^T v.
        let mut worst: f64 = 0.0;
        let centre = c.edge + c.width / 2.0;
        let sigs: Vec<Vec<&[f64]>> = self
            .m
            .tiles
            .iter()
            .enumerate()
            .map(|(k, tile)| {
                (0..tile.cols())
                    .map(|j| get(&sense_signal(c.sense, k, j)))
                    .collect::<Result<_>>()
            })
            .collect::<Result<_>>()?;
        for (step, row) in x.iter().enumerate() {
            let at = step as f64 * c.t_step + centre;
            let v: Vec<f64> = row.iter().map(|xi| xi * c.v_read).collect();
            for (tile_sigs, ideal) in sigs.iter().zip(self.m.ideal_column_currents(&v)) {
                let got: Vec<f64> = tile_sigs
                    .iter()
                    .map(|s| {
                        let y = crate::wave::interp(t, s, at).unwrap_or(0.0);
                        match c.sense {
                            Sense::Resistive(r) => y / r,
                            Sense::VirtualGround => y,
                        }
                    })
                    .collect();
                worst = worst.max(column_error(&got, &ideal));
            }
        }
        // Membrane input currents at every point: the sense amplifiers' outputs (gain times
        // the combined sensed currents) plus the bias pulses.
        let to_amps = match c.sense {
            Sense::Resistive(r) => 1.0 / r,
            Sense::VirtualGround => 1.0,
        };
        let bias_wave: Vec<Option<Waveform>> = self
            .bias_amp
            .iter()
            .map(|b| super::split::pulse_wave(&vec![*b; self.steps], c))
            .collect();
        let mut inputs = vec![vec![0.0; t.len()]; self.m.n_out];
        for (p, tt) in t.iter().enumerate() {
            let cols: Vec<Vec<f64>> = sigs
                .iter()
                .map(|ts| ts.iter().map(|s| s[p] * to_amps).collect())
                .collect();
            for (o, i) in self.m.combine(&cols).iter().enumerate() {
                inputs[o][p] = self.gin * i + row_voltage(&bias_wave[o], *tt);
            }
        }
        let neurons_j = neuron_energy(&wf, &inputs)?;
        Ok(BlockRun {
            spikes,
            membranes,
            energy_j: energy + neurons_j,
            energy_drivers_j: energy,
            energy_neurons_j: neurons_j,
            worst_column_error: worst,
            points: stats.points,
        })
    }
}

/// Energy delivered by the neuron side's independent sources over a transient `wf`: the
/// membrane inputs `inputs[o]` (A into `m<o>`, at the points of `wf`) deliver
/// `integral of v(m<o>) i`, the clocks `integral of v * (-i)`.
fn neuron_energy(wf: &crate::wave::Waveforms, inputs: &[Vec<f64>]) -> Result<f64> {
    let t = &wf.scale.values;
    let get = |name: &str| {
        wf.get(name)
            .map(|s| s.values.as_slice())
            .ok_or_else(|| Error::Usage(format!("block output {name} missing")))
    };
    let mut e = 0.0;
    for (o, i) in inputs.iter().enumerate() {
        e += product_integral(t, get(&format!("v(m{o})"))?, i);
    }
    for ph in ["phs", "phr", "phz"] {
        e -= product_integral(t, get(&format!("v({ph})"))?, get(&format!("i(v{ph})"))?);
    }
    Ok(e)
}

/// Worst `|got - ideal|` relative to the largest `|ideal|` (0 when nothing flows).
fn column_error(got: &[f64], ideal: &[f64]) -> f64 {
    let scale = ideal.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    if scale == 0.0 {
        return 0.0;
    }
    got.iter()
        .zip(ideal)
        .map(|(g, i)| (g - i).abs() / scale)
        .fold(0.0, f64::max)
}

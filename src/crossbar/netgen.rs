//! A crossbar tile as a SPICE netlist in the project's own elements.
//!
//! Layout (one `.subckt tileN` per tile, ports `in0..inR-1 c0..cC-1`): row `i` runs from
//! port `in<i>` through `C` wire segments `rwr<i>_<j>` (node `r<i>_<j>` under column `j`);
//! the cell `rc<i>_<j>` joins `r<i>_<j>` to the column node `k<i>_<j>`; column `j` runs down
//! through `R` segments `rwc<i>_<j>` to port `c<j>`. Without wire resistance the cells join
//! the ports directly. Rows are driven by voltage sources `vin<i>` (DC levels, or PWL spike
//! pulses of amplitude `vread`, one per input step), columns are sensed at virtual ground by
//! zero-volt sources `vs<j>` (an ideal transimpedance amplifier's input: the column current
//! is `i(vs<j>)`, flowing from the column into the sense node), or through a sense resistor
//! `rs<j>` to ground (`--` resistive sense, read `v(col<j>)`).
//!
//! Neurons are not part of the generated netlist: the validation flow integrates the sensed
//! column currents with the export's own neuron update in `f64` (see [`super::validate`]).

use super::map::{ColRole, Tile};
use std::fmt::Write;

/// Column sensing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sense {
    /// Zero-volt source per column (ideal virtual ground).
    VirtualGround,
    /// A sense resistor (ohm) to ground per column.
    Resistive(f64),
}

/// What drives the rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Stimulus {
    /// DC row voltages (V), one per row; analysis `.op`.
    Dc(Vec<f64>),
    /// Input trains `spikes[step][row]` as pulses of `x * vread` (spikes: x = 1; direct
    /// encoding: x = the analog input; 0: no pulse); analysis `.tran`.
    Spikes(Vec<Vec<f64>>),
}

/// Electrical settings of a tile netlist.
#[derive(Debug, Clone, PartialEq)]
pub struct TileCircuit {
    /// Read (spike) amplitude (V).
    pub v_read: f64,
    /// Resistance of one wire segment between adjacent cells (ohm); 0: ideal wires.
    pub r_wire: f64,
    /// Column sensing.
    pub sense: Sense,
    /// Length of one input step (s).
    pub t_step: f64,
    /// Flat-top width of a spike pulse (s).
    pub width: f64,
    /// Rise and fall time of a spike pulse (s).
    pub edge: f64,
}

impl Default for TileCircuit {
    /// 0.1 V reads, 1 ohm segments, virtual ground, 10 ns steps with 4 ns pulses, 0.5 ns edges.
    fn default() -> Self {
        TileCircuit {
            v_read: 0.1,
            r_wire: 1.0,
            sense: Sense::VirtualGround,
            t_step: 10e-9,
            width: 4e-9,
            edge: 0.5e-9,
        }
    }
}

impl TileCircuit {
    /// Start of the flat top of the pulse of step `t`.
    pub fn pulse_on(&self, t: usize) -> f64 {
        t as f64 * self.t_step + self.edge
    }
    /// Centre of the pulse of step `t` (where column currents are sampled).
    pub fn pulse_centre(&self, t: usize) -> f64 {
        self.pulse_on(t) + self.width / 2.0
    }
}

/// Name of the current signal of column `j` (virtual ground) or its voltage (resistive).
pub fn column_signal(sense: Sense, j: usize) -> String {
    match sense {
        Sense::VirtualGround => format!("i(vs{j})"),
        Sense::Resistive(_) => format!("v(col{j})"),
    }
}

fn role_name(r: ColRole) -> String {
    match r {
        ColRole::Pos(o) => format!("G+ of output {o}"),
        ColRole::Neg(o) => format!("G- of output {o}"),
        ColRole::Single(o) => format!("output {o}"),
        ColRole::Ref => "reference".into(),
    }
}

/// Write the `.subckt` of a tile (name `name`).
pub fn tile_subckt(name: &str, tile: &Tile, r_wire: f64, out: &mut String) {
    let (nr, nc) = (tile.rows(), tile.cols());
    let _ = write!(out, ".subckt {name}");
    for i in 0..nr {
        let _ = write!(out, " in{i}");
    }
    for j in 0..nc {
        let _ = write!(out, " c{j}");
    }
    out.push('\n');
    let wires = r_wire > 0.0;
    for (i, row) in tile.g.iter().enumerate() {
        for (j, g) in row.iter().enumerate() {
            let (a, b) = if wires {
                let prev = if j == 0 {
                    format!("in{i}")
                } else {
                    format!("r{i}_{}", j - 1)
                };
                let _ = writeln!(out, "rwr{i}_{j} {prev} r{i}_{j} {{rw}}");
                (format!("r{i}_{j}"), format!("k{i}_{j}"))
            } else {
                (format!("in{i}"), format!("c{j}"))
            };
            let _ = writeln!(out, "rc{i}_{j} {a} {b} {:.12e}", 1.0 / g);
        }
    }
    if wires {
        for j in 0..nc {
            for i in 0..nr {
                let next = if i + 1 == nr {
                    format!("c{j}")
                } else {
                    format!("k{}_{j}", i + 1)
                };
                let _ = writeln!(out, "rwc{i}_{j} k{i}_{j} {next} {{rw}}");
            }
        }
    }
    let _ = writeln!(out, ".ends {name}");
}

/// The PWL of one row's spike train (`None` when it never spikes).
fn pwl(spikes: &[Vec<f64>], row: usize, c: &TileCircuit) -> Option<String> {
    let mut pts = vec![(0.0, 0.0)];
    for (t, s) in spikes.iter().enumerate() {
        let x = s.get(row).copied().unwrap_or(0.0);
        if x != 0.0 {
            let t0 = t as f64 * c.t_step;
            pts.push((t0, 0.0));
            pts.push((t0 + c.edge, x * c.v_read));
            pts.push((t0 + c.edge + c.width, x * c.v_read));
            pts.push((t0 + 2.0 * c.edge + c.width, 0.0));
        }
    }
    if pts.len() == 1 {
        return None;
    }
    pts.dedup_by(|b, a| b.0 <= a.0);
    let body: Vec<String> = pts
        .iter()
        .map(|(t, v)| format!("{t:.6e} {v:.6e}"))
        .collect();
    Some(format!("PWL({})", body.join(" ")))
}

/// A complete netlist for one tile: header, parameters, the tile subcircuit, row drivers,
/// column sensing and the analysis (`.op` for DC rows, `.tran` for spike trains).
pub fn tile_netlist(tile: &Tile, c: &TileCircuit, stim: &Stimulus, header: &str) -> String {
    let (nr, nc) = (tile.rows(), tile.cols());
    let mut s = String::with_capacity(64 * nr * nc + 1024);
    let _ = writeln!(s, "* spinspice crossbar tile: {nr} rows x {nc} columns");
    for line in header.lines() {
        let _ = writeln!(s, "* {line}");
    }
    let _ = writeln!(
        s,
        "* inputs {}..{} of the layer, outputs {}..{}; cells rc<i>_<j> = 1/G (ohm)",
        tile.row0,
        tile.row0 + nr - 1,
        tile.out0,
        tile.out0 + tile.outs.max(1) - 1
    );
    for (j, r) in tile.roles.iter().enumerate() {
        let _ = writeln!(s, "* column {j}: {}", role_name(*r));
    }
    let _ = match c.sense {
        Sense::VirtualGround => writeln!(
            s,
            "* sensing: virtual ground (vs<j> = 0 V), current i(vs<j>)"
        ),
        Sense::Resistive(r) => writeln!(s, "* sensing: {r:e} ohm to ground, voltage v(col<j>)"),
    };
    let _ = writeln!(s, ".param vread={:e} rw={:e}", c.v_read, c.r_wire.max(0.0));
    tile_subckt("tile", tile, c.r_wire, &mut s);
    let _ = write!(s, "xt");
    for i in 0..nr {
        let _ = write!(s, " in{i}");
    }
    for j in 0..nc {
        let _ = write!(s, " col{j}");
    }
    let _ = writeln!(s, " tile");
    match stim {
        Stimulus::Dc(v) => {
            for i in 0..nr {
                let _ = writeln!(s, "vin{i} in{i} 0 {:e}", v.get(i).copied().unwrap_or(0.0));
            }
        }
        Stimulus::Spikes(sp) => {
            for i in 0..nr {
                match pwl(sp, i, c) {
                    Some(p) => {
                        let _ = writeln!(s, "vin{i} in{i} 0 {p}");
                    }
                    None => {
                        let _ = writeln!(s, "vin{i} in{i} 0 0");
                    }
                }
            }
        }
    }
    for j in 0..nc {
        let _ = match c.sense {
            Sense::VirtualGround => writeln!(s, "vs{j} col{j} 0 0"),
            Sense::Resistive(r) => writeln!(s, "rs{j} col{j} 0 {r:e}"),
        };
    }
    match stim {
        Stimulus::Dc(_) => s.push_str(".op\n"),
        Stimulus::Spikes(sp) => {
            let tstop = sp.len().max(1) as f64 * c.t_step;
            let _ = writeln!(
                s,
                ".tran {:e} {:e} 0 {:e}",
                c.edge / 2.0,
                tstop,
                c.t_step / 4.0
            );
        }
    }
    s.push_str(".end\n");
    s
}

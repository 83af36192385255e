//! The fully coupled block netlist: every tile, the sense amplifiers as controlled sources
//! (`F` reading the virtual-ground source `vs<k>_<j>`, or `G` reading the resistive sense
//! node), the bias pulses, the clocks and the circuit neurons in one circuit
//! ([`super::block::BlockMode::Coupled`]).

use super::block::sense_signal;
use super::map::{ColRole, MappedLayer};
use super::netgen::{Sense, TileCircuit};
use super::neuron_ckt::NeuronCircuit;
use super::split::{col_name, write_tile_instance, write_tile_subckts};
use std::fmt::Write;

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
    write_tile_subckts(m, c.r_wire, &mut s);
    for (k, tile) in m.tiles.iter().enumerate() {
        write_tile_instance(k, tile, &mut s);
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
        let _ = write!(s, " v(spk{o}) v(m{o})");
    }
    s.push_str(" v(phs) v(phr) v(phz) i(vphs) i(vphr) i(vphz)");
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

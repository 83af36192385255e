//! Crossbar tiles at circuit level: G·V without wire resistance, ngspice with it.

mod common;

use spinspice::crossbar::map::{map_layer, MapConfig};
use spinspice::crossbar::netgen::{tile_netlist, Stimulus, TileCircuit};
use spinspice::wave::Waveforms;

fn op_of(net: &str) -> Waveforms {
    let ast = spinspice::netlist::parse_str(net, "tile.cir").expect("parse");
    let flat = spinspice::elab::elaborate(&ast, &[]).expect("elab");
    let mut c = spinspice::circuit::Circuit::from_flat(&flat).expect("circuit");
    c.run_all(&mut spinspice::progress::Silent)
        .expect("run")
        .remove(0)
        .0
}

/// Column currents of an ideal-wire tile equal `G^T v` (the rows see their driver voltage,
/// the columns sit at 0 V). The circuit is linear and solved by LU: the agreement is at
/// rounding level; 1e-9 relative to the largest column current leaves ample margin.
fn check_gv(outs: usize, ins: usize) {
    let w: Vec<Vec<f64>> = (0..outs)
        .map(|o| {
            (0..ins)
                .map(|i| ((o * ins + i) as f64 * 1.3).cos())
                .collect()
        })
        .collect();
    let m = map_layer(&w, &MapConfig::default()).unwrap();
    let v: Vec<f64> = (0..ins).map(|i| 0.05 + 0.1 * i as f64).collect();
    let c = TileCircuit {
        r_wire: 0.0,
        ..TileCircuit::default()
    };
    let tile = &m.tiles[0];
    let net = tile_netlist(tile, &c, &Stimulus::Dc(v.clone()), "G·V check");
    let wave = op_of(&net);
    let want = &m.ideal_column_currents(&v)[0];
    let scale = want.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    for (j, iw) in want.iter().enumerate() {
        let got = wave
            .get(&format!("i(vs{j})"))
            .expect("column current")
            .values[0];
        // i(vs) flows from the column node through the 0 V source to ground: +I.
        assert!(
            (got - iw).abs() <= 1e-9 * scale,
            "{outs}x{ins} column {j}: {got} vs G·V {iw}"
        );
    }
}

#[test]
fn crossbar_2x2_and_4x4_equal_gv() {
    check_gv(1, 2); // 2 rows x 2 columns (one differential output)
    check_gv(2, 4); // 4 rows x 4 columns
}

/// With 5 ohm wire segments the generated netlist matches ngspice-39 (operating point of
/// an 8 x 8 tile: every node voltage and source current). Both solve the same linear
/// system; 1e-6 of each signal's magnitude covers ngspice's 16-digit ASCII output and its
/// own gmin / pivoting differences.
#[test]
fn crossbar_wire_resistance_matches_ngspice_dc() {
    let ours = common::simulate_reference("crossbar/xb8_dc");
    let reference = common::load_reference("crossbar/xb8_dc");
    common::assert_matches("crossbar/xb8_dc", &ours, &reference, 1e-6);
}

/// Spike-train transient (PWL pulses, 20 ohm segments) against ngspice: a resistive network
/// driven by piecewise-linear sources, so both follow the sources exactly at their
/// breakpoints; 1e-4 of swing covers interpolation between differing time points.
#[test]
fn crossbar_spike_transient_matches_ngspice() {
    let ours = common::simulate_reference("crossbar/xb4_tran");
    let reference = common::load_reference("crossbar/xb4_tran");
    common::assert_matches("crossbar/xb4_tran", &ours, &reference, 1e-4);
}

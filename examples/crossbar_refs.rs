//! Writes the crossbar reference netlists of `tests/reference/ngspice/crossbar/` (run by that
//! directory's `generate.sh`, which then simulates them with ngspice).

use spinspice::crossbar::map::{map_layer, MapConfig};
use spinspice::crossbar::netgen::{tile_netlist, Stimulus, TileCircuit};

/// The weights of the reference cases: a fixed smooth pattern in -1..1.
pub fn weights(outs: usize, ins: usize) -> Vec<Vec<f64>> {
    (0..outs)
        .map(|o| {
            (0..ins)
                .map(|i| ((o * ins + i) as f64 * 0.77 + 0.3).sin())
                .collect()
        })
        .collect()
}

fn main() -> spinspice::Result<()> {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/ngspice/crossbar");
    let cfg = MapConfig {
        tile_rows: 64,
        tile_cols: 64,
        ..MapConfig::default()
    };
    // DC: 8 inputs x 4 outputs (8 x 8 cells) with 5 ohm segments, rows at 0.1..0.8 V.
    let m = map_layer(&weights(4, 8), &cfg)?;
    let c = TileCircuit {
        r_wire: 5.0,
        ..TileCircuit::default()
    };
    let v: Vec<f64> = (0..8).map(|i| 0.1 * (i + 1) as f64).collect();
    let net = tile_netlist(
        &m.tiles[0],
        &c,
        &Stimulus::Dc(v),
        "reference xb8_dc: weights sin(0.77 k + 0.3)",
    );
    spinspice::wave::atomic::write_atomic(&dir.join("xb8_dc.cir"), net.as_bytes())?;
    // Transient: 4 inputs x 2 outputs, 5 steps of spikes, 20 ohm segments.
    let m = map_layer(&weights(2, 4), &cfg)?;
    let c = TileCircuit {
        r_wire: 20.0,
        ..TileCircuit::default()
    };
    let spikes: Vec<Vec<f64>> = (0..5)
        .map(|t| {
            (0..4)
                .map(|i| f64::from(u8::from((t + i) % 3 != 0)))
                .collect()
        })
        .collect();
    let net = tile_netlist(
        &m.tiles[0],
        &c,
        &Stimulus::Spikes(spikes),
        "reference xb4_tran",
    );
    spinspice::wave::atomic::write_atomic(&dir.join("xb4_tran.cir"), net.as_bytes())?;
    Ok(())
}

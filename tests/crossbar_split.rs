//! The two-stage (split) block solution against the fully coupled single netlist and
//! against closed forms.
//!
//! - Same spike trains as the coupled netlist, for both sense schemes, on a layer tiled
//!   into several row and column blocks with wire resistance.
//! - Without wire resistance, with virtual-ground sensing: column currents are `G^T V`
//!   (Kirchhoff), and the row drivers' energy is `sum_steps sum_i V_i^2 sum_j G_ij` times
//!   `integral of s^2 = w + 2e/3` (the squared unit trapezoid): both closed forms.
//! - With wire resistance, the tile stage's column currents and driver power match
//!   ngspice's operating point of the same tile.

mod common;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use spinspice::crossbar::block::{BlockMode, LayerCircuit};
use spinspice::crossbar::map::{map_layer, MapConfig, MappedLayer};
use spinspice::crossbar::netgen::{Sense, TileCircuit};
use spinspice::crossbar::split::TileStage;
use spinspice::neuron::{Leaky, NeuronModel, Reset};

/// 20 inputs x 6 outputs on 8x8 tiles (3 row blocks x 3 column blocks), seeded weights
/// in [-0.6, 0.6), biases, and `images` 12-step inputs with rate-0.5 spikes.
fn layer(seed: u64, images: usize) -> (MappedLayer, Vec<f64>, Vec<Vec<Vec<f64>>>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let w: Vec<Vec<f64>> = (0..6)
        .map(|_| (0..20).map(|_| 1.2 * rng.random::<f64>() - 0.6).collect())
        .collect();
    let b: Vec<f64> = (0..6).map(|o| 0.05 * o as f64 - 0.1).collect();
    let m = map_layer(
        &w,
        &MapConfig {
            tile_rows: 8,
            tile_cols: 8,
            ..MapConfig::default()
        },
    )
    .unwrap();
    let x = (0..images)
        .map(|_| {
            (0..12)
                .map(|_| {
                    (0..20)
                        .map(|_| if rng.random::<f64>() < 0.5 { 1.0 } else { 0.0 })
                        .collect()
                })
                .collect()
        })
        .collect();
    (m, b, x)
}

fn neuron() -> NeuronModel {
    NeuronModel::Leaky(Leaky {
        beta: 0.9,
        threshold: 0.5,
        reset: Reset::Subtract,
    })
}

fn compare(c: &TileCircuit) {
    let (m, b, xs) = layer(11, 3);
    assert!(m.tiles.len() >= 6, "{} tiles", m.tiles.len());
    let mut split =
        LayerCircuit::build_mode(&m, Some(&b), &neuron(), c, 12, "", BlockMode::Split).unwrap();
    let mut coupled =
        LayerCircuit::build_mode(&m, Some(&b), &neuron(), c, 12, "", BlockMode::Coupled).unwrap();
    let mut total = 0.0;
    for x in &xs {
        let s = split.run(x).unwrap();
        let k = coupled.run(x).unwrap();
        assert_eq!(s.spikes, k.spikes, "{:?}: spike trains differ", c.sense);
        total += s.spikes.iter().flatten().sum::<f64>();
        // The coupled transient integrates v*i exactly between its recorded points (both
        // piecewise linear, corners at breakpoints); its tile currents solve the same linear
        // equations, so only rounding and the Newton tolerance on the tile part remain:
        // 1e-6 relative.
        let rel = (s.energy_drivers_j - k.energy_drivers_j).abs() / k.energy_drivers_j;
        assert!(
            rel < 1e-6,
            "driver energy {} vs {} ({rel:e})",
            s.energy_drivers_j,
            k.energy_drivers_j
        );
        // The neuron side: v(m) of two transients with different points (reltol 1e-4),
        // integrated against the same input currents: 1e-3 relative.
        let rel = (s.energy_neurons_j - k.energy_neurons_j).abs() / k.energy_neurons_j.abs();
        eprintln!(
            "{:?}: drivers {:e} J, neuron side {:e} J vs {:e} J ({rel:e})",
            c.sense, s.energy_drivers_j, s.energy_neurons_j, k.energy_neurons_j
        );
        assert!(rel < 1e-3, "neuron-side energy ({rel:e})");
        assert_eq!(s.energy_j, s.energy_drivers_j + s.energy_neurons_j);
    }
    assert!(total >= 10.0, "vacuous: only {total} spikes");
}

#[test]
fn split_and_coupled_agree_with_virtual_ground() {
    compare(&TileCircuit::default());
}

#[test]
fn split_and_coupled_agree_with_resistive_sense() {
    compare(&TileCircuit {
        sense: Sense::Resistive(100.0),
        ..TileCircuit::default()
    });
}

#[test]
fn split_tile_stage_matches_kirchhoff_and_the_energy_closed_form() {
    let (m, b, xs) = layer(4, 2);
    let c = TileCircuit {
        r_wire: 0.0,
        ..TileCircuit::default()
    };
    let mut block = LayerCircuit::build(&m, Some(&b), &neuron(), &c, 12, "").unwrap();
    assert_eq!(block.mode(), BlockMode::Split);
    for x in &xs {
        let run = block.run(x).unwrap();
        // One LU solve of a linear system: the column currents are G^T V to rounding
        // (~1e-15 relative per operation over ~20 terms).
        assert!(
            run.worst_column_error < 1e-12,
            "column error {}",
            run.worst_column_error
        );
        let mut want = 0.0;
        for step in x {
            for tile in &m.tiles {
                for (r, g) in tile.g.iter().enumerate() {
                    let v = step[tile.row0 + r] * c.v_read;
                    want += v * v * g.iter().sum::<f64>();
                }
            }
        }
        want *= c.width + 2.0 * c.edge / 3.0;
        assert!(want > 0.0);
        let rel = (run.energy_drivers_j - want).abs() / want;
        assert!(
            rel < 1e-12,
            "energy {} vs {want} ({rel:e})",
            run.energy_drivers_j
        );
    }
}

#[test]
fn split_netlists_are_written_and_parse() {
    let (m, b, _) = layer(2, 0);
    let block =
        LayerCircuit::build(&m, Some(&b), &neuron(), &TileCircuit::default(), 4, "hdr").unwrap();
    let nets = block.netlists();
    assert_eq!(nets.len(), 2);
    for (name, text) in nets {
        let ast = spinspice::netlist::parse_str(text, name).unwrap();
        spinspice::elab::elaborate(&ast, &[]).unwrap();
        assert!(text.starts_with("* spinspice crossbar block"), "{name}");
    }
    let (t, n) = block.unknowns();
    assert!(t > 100 && n > 0 && n < t, "{t} {n}");
}

/// The tile stage with 5 ohm wire segments against ngspice-39's operating point of the same
/// 8 x 8 tile (`tests/reference/ngspice/crossbar/xb8_dc`, written by
/// `examples/crossbar_refs.rs`: weights `sin(0.77 k + 0.3)` of 4 outputs x 8 inputs, rows
/// at 0.1..0.8 V). Same linear system: 1e-6 of the largest column current covers ngspice's
/// ASCII output and gmin (as `crossbar_wire_resistance_matches_ngspice_dc`).
#[test]
fn split_tile_stage_matches_ngspice_with_wire_resistance() {
    let w: Vec<Vec<f64>> = (0..4)
        .map(|o| {
            (0..8)
                .map(|i| ((o * 8 + i) as f64 * 0.77 + 0.3).sin())
                .collect()
        })
        .collect();
    let m = map_layer(
        &w,
        &MapConfig {
            tile_rows: 64,
            tile_cols: 64,
            ..MapConfig::default()
        },
    )
    .unwrap();
    let c = TileCircuit {
        r_wire: 5.0,
        ..TileCircuit::default()
    };
    let reference = common::load_reference("crossbar/xb8_dc");
    let mut stage = TileStage::build(&m, &c, "").unwrap();
    let v: Vec<f64> = (0..8).map(|i| 0.1 * (i + 1) as f64).collect();
    let sol = stage.solve(&v).unwrap();
    let want: Vec<f64> = (0..8)
        .map(|j| reference.get(&format!("i(vs{j})")).unwrap().values[0])
        .collect();
    let scale = want.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    for (j, (got, want)) in sol.columns[0].iter().zip(&want).enumerate() {
        assert!(
            (got - want).abs() <= 1e-6 * scale,
            "column {j}: {got} vs ngspice {want}"
        );
    }
    // The IR drop is visible: the ideal G^T V differs by far more than the tolerance.
    let ideal = &m.ideal_column_currents(&v)[0];
    let drop = ideal
        .iter()
        .zip(&want)
        .fold(0.0f64, |a, (i, w)| a.max((i - w).abs()));
    assert!(drop > 1e-4 * scale, "IR drop {drop} of {scale}");
    // Driver power against ngspice's source currents.
    let p: f64 = (0..8)
        .map(|i| -v[i] * reference.get(&format!("i(vin{i})")).unwrap().values[0])
        .sum();
    assert!(
        (sol.driver_power - p).abs() <= 1e-6 * p,
        "{} vs {p}",
        sol.driver_power
    );
}

//! Circuit-level validation of a mapped output layer on a synthetic export (written in the
//! test: 12 -> 8 -> 4 fully connected, snnTorch Leaky beta 0.9, threshold 1, subtract
//! reset, seeded random weights and direct-encoded random inputs; no training needed).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use spinspice::crossbar::map::MapConfig;
use spinspice::crossbar::netgen::TileCircuit;
use spinspice::crossbar::validate::{layer_index, validate, Settings};
use spinspice::neuron::export::{
    LayerEntry, LayerExport, NetworkExport, NeuronSpec, FORMAT, VERSION,
};
use spinspice::neuron::{Leaky, NeuronModel, Reset};

fn layer(
    name: &str,
    n_in: usize,
    out: usize,
    rng: &mut StdRng,
    gain: f32,
) -> (LayerEntry, LayerExport) {
    let weight = (0..out)
        .map(|_| {
            (0..n_in)
                .map(|_| gain * (rng.random::<f32>() - 0.4))
                .collect()
        })
        .collect();
    let bias = Some(
        (0..out)
            .map(|_| 0.05 * (rng.random::<f32>() - 0.5))
            .collect(),
    );
    (
        LayerEntry {
            name: name.into(),
            kind: "linear".into(),
            n_in,
            out,
            file: format!("{name}.json"),
            kernel: None,
        },
        LayerExport {
            name: name.into(),
            n_in,
            out,
            weight,
            bias,
            kernel: None,
        },
    )
}

fn synthetic() -> NetworkExport {
    let mut rng = StdRng::seed_from_u64(7);
    let (e1, l1) = layer("fc1", 12, 8, &mut rng, 0.6);
    let (e2, l2) = layer("fc2", 8, 4, &mut rng, 0.8);
    let model = NeuronModel::Leaky(Leaky {
        beta: 0.9,
        threshold: 1.0,
        reset: Reset::Subtract,
    });
    NetworkExport {
        format: FORMAT.into(),
        version: VERSION,
        arch: "fc".into(),
        neuron: NeuronSpec::from_model(&model),
        steps: 12,
        encoding: "direct".into(),
        input_shape: vec![1, 3, 4],
        layers: vec![e1, e2],
        weights: vec![l1, l2],
    }
}

fn inputs(n: usize) -> Vec<(Vec<Vec<f64>>, Option<usize>)> {
    let mut rng = StdRng::seed_from_u64(11);
    (0..n)
        .map(|_| {
            let px: Vec<f64> = (0..12).map(|_| rng.random::<f64>()).collect();
            (vec![px; 12], Some(rng.random_range(0..4)))
        })
        .collect()
}

/// Ideal devices (no variation, continuous levels, 1 milliohm segments): the circuit's
/// classification (circuit neurons included) agrees with the network's f64 inference on
/// >= 99 % of 20 inputs (all of them; each input is a full transient of the block).
#[test]
fn ideal_devices_agree_with_network() {
    let ex = synthetic();
    let k = layer_index(&ex, "fc2").unwrap();
    let s = Settings {
        map: MapConfig::default(),
        circuit: TileCircuit {
            r_wire: 1e-3,
            ..TileCircuit::default()
        },
    };
    let (sum, res) = validate(&ex, k, &s, &inputs(20)).unwrap();
    eprintln!("{sum:?}");
    assert!(
        sum.classification_agreement >= 0.99,
        "agreement {}",
        sum.classification_agreement
    );
    assert!(
        sum.worst_column_error < 1e-6,
        "IR error {}",
        sum.worst_column_error
    );
    // The outputs spike (the test is not vacuous) and energy is positive.
    assert!(res
        .iter()
        .any(|r| r.counts_network.iter().sum::<f64>() > 0.0));
    assert!(sum.energy_per_inference_j > 0.0);
}

/// Agreement (mean over 2 seeds, 8 inputs) does not grow as the lognormal variation grows
/// 0 -> 60 %.
#[test]
fn agreement_degrades_with_variation() {
    let ex = synthetic();
    let k = layer_index(&ex, "fc2").unwrap();
    let data = inputs(8);
    let mut prev = f64::INFINITY;
    let mut first = 0.0;
    let mut last = 0.0;
    for (n, var) in [0.0, 0.1, 0.3, 0.6].iter().enumerate() {
        let mut acc = 0.0;
        for seed in 1..=2 {
            let map = MapConfig {
                variation: *var,
                seed,
                ..MapConfig::default()
            };
            let s = Settings {
                map,
                circuit: TileCircuit {
                    r_wire: 1e-3,
                    ..TileCircuit::default()
                },
            };
            acc += validate(&ex, k, &s, &data).unwrap().0.spike_count_agreement / 2.0;
        }
        eprintln!("variation {var}: spike-count agreement {acc}");
        assert!(
            acc <= prev + 1e-12,
            "agreement rose at variation {var}: {acc} > {prev}"
        );
        prev = acc;
        if n == 0 {
            first = acc;
        }
        last = acc;
    }
    assert!(
        last < first,
        "60 % variation did not degrade agreement ({last} vs {first})"
    );
}

#[test]
fn bad_layer_is_an_error() {
    let ex = synthetic();
    assert!(layer_index(&ex, "fc9").is_err());
    assert!(layer_index(&ex, "fc1").is_err()); // not the output layer
}

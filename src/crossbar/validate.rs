//! Validation of a mapped layer: the network's own `f64` inference versus the circuit.
//!
//! Only the mapped layer runs as a circuit, and it must be the export's last (output) layer:
//! the layers before it run the export's `f64` inference (`cur = W x + b`,
//! `neuron.update`, `H(mem - threshold)`, as in [`crate::neuron::export::infer_fc`]) to make
//! its input spikes. The mapped layer is a circuit block ([`super::block`]): tiles, sense
//! amplifiers, bias pulses and one circuit neuron per output ([`super::neuron_ckt`]:
//! membrane, comparator, sample switch, reset path), built once and rerun per image, solved
//! in two exact stages (linear tiles per input step, then the neurons; [`super::split`]).
//! The circuit's spike counts are the latched comparator outputs.
//!
//! Energy per inference: the integral of `v * i` over every independent source of the block
//! ([`super::block::BlockRun::energy_j`]): the row drivers (closed form per step in the
//! two-stage solution), the virtual-ground sense sources (0 V: none), the sense
//! amplifiers' output currents with the bias pulses into the membranes, and the clocks.
//! The behavioural comparators, reset charge pumps and leaks have no modelled supply and
//! are not counted.
//! Latency: end of the step after which the circuit's winning output no longer changes.

use super::block::LayerCircuit;
use super::map::{map_layer, MapConfig, MappedLayer};
use super::netgen::TileCircuit;
use crate::error::Error;
use crate::neuron::export::NetworkExport;
use crate::neuron::{fire, Neuron};
use crate::Result;
use serde::{Deserialize, Serialize};

/// Test inputs: per image, `steps` rows of network inputs and the label if known.
pub type Inputs = Vec<(Vec<Vec<f64>>, Option<usize>)>;

/// One image's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageResult {
    /// Index of the image in the test set.
    pub index: usize,
    /// Label, if known.
    pub label: Option<usize>,
    /// Output spike counts of the ideal network.
    pub counts_network: Vec<f64>,
    /// Output spike counts of the circuit.
    pub counts_circuit: Vec<f64>,
    /// Predicted class of each (argmax of counts, ties to the membrane-free lowest index).
    pub class_network: usize,
    /// Predicted class of the circuit.
    pub class_circuit: usize,
    /// Worst |I_circuit - G^T v| over columns and steps, relative to the largest ideal
    /// column current (IR drop and sensing error).
    pub worst_column_error: f64,
    /// Energy per inference, every independent source (J).
    pub energy_j: f64,
    /// The row drivers' part of `energy_j` (J).
    #[serde(default)]
    pub energy_drivers_j: f64,
    /// Time to decision (s).
    pub latency_s: f64,
}

/// Settings of one validation run.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Mapping (its seed is the base seed of the Monte Carlo).
    pub map: MapConfig,
    /// Tile circuit.
    pub circuit: TileCircuit,
}

/// Cumulative spike counts of `n` outputs over all steps, and the decision step: the step
/// after which the argmax of the cumulative counts no longer changes (the latency to decision
/// is the end of that step).
pub fn decision(spikes: &[Vec<f64>], n: usize) -> (Vec<f64>, usize) {
    let mut counts = vec![0.0; n];
    let mut decided = 0;
    let mut last_class = usize::MAX;
    for (t, spk) in spikes.iter().enumerate() {
        for (c, s) in counts.iter_mut().zip(spk) {
            *c += s;
        }
        let cls = argmax(&counts);
        if cls != last_class {
            decided = t;
            last_class = cls;
        }
    }
    (counts, decided)
}

fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

/// The input spikes of layer `k` for one image: the layers before it in `f64`.
pub fn layer_inputs(export: &NetworkExport, k: usize, input: &[Vec<f64>]) -> Result<Vec<Vec<f64>>> {
    let neuron = export.neuron.to_model()?;
    let thr = neuron.threshold();
    let mut mems: Vec<Vec<f64>> = export.weights[..k]
        .iter()
        .map(|l| vec![0.0; l.out])
        .collect();
    let mut out = Vec::with_capacity(input.len());
    for x0 in input {
        let mut x = x0.clone();
        for (layer, mem) in export.weights[..k].iter().zip(mems.iter_mut()) {
            if x.len() != layer.n_in {
                return Err(Error::Usage(format!(
                    "layer {} expects {} inputs, got {}",
                    layer.name,
                    layer.n_in,
                    x.len()
                )));
            }
            let mut spk = vec![0.0; layer.out];
            for (o, row) in layer.weight.iter().enumerate() {
                let mut cur: f64 = row.iter().zip(&x).map(|(w, v)| *w as f64 * v).sum();
                if let Some(b) = &layer.bias {
                    cur += b[o] as f64;
                }
                mem[o] = neuron.update(mem[o], cur);
                spk[o] = fire(mem[o], thr);
            }
            x = spk;
        }
        out.push(x);
    }
    Ok(out)
}

/// Index of the layer named `name`, which must be the last, linear one.
pub fn layer_index(export: &NetworkExport, name: &str) -> Result<usize> {
    let k = export
        .layers
        .iter()
        .position(|l| l.name == name)
        .ok_or_else(|| {
            Error::Usage(format!(
                "the export has no layer `{name}` (layers: {})",
                export
                    .layers
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    if k + 1 != export.layers.len() || export.layers.iter().any(|l| l.kind != "linear") {
        return Err(Error::Usage(format!(
            "layer `{name}`: only the output layer of a fully connected export can be mapped"
        )));
    }
    Ok(k)
}

/// Map layer `k` of the export.
pub fn map_export_layer(export: &NetworkExport, k: usize, cfg: &MapConfig) -> Result<MappedLayer> {
    let w: Vec<Vec<f64>> = export.weights[k]
        .weight
        .iter()
        .map(|r| r.iter().map(|x| *x as f64).collect())
        .collect();
    map_layer(&w, cfg)
}

/// Build the block circuit of layer `k` of the export (mapped as `m`) for `steps` steps.
pub fn build_block(
    export: &NetworkExport,
    k: usize,
    m: &MappedLayer,
    c: &TileCircuit,
) -> Result<LayerCircuit> {
    let layer = &export.weights[k];
    let bias: Option<Vec<f64>> = layer
        .bias
        .as_ref()
        .map(|b| b.iter().map(|x| *x as f64).collect());
    let header = format!(
        "layer {} ({} inputs x {} outputs) of a {} export, {} steps per image, {} encoding",
        layer.name, layer.n_in, layer.out, export.arch, export.steps, export.encoding
    );
    LayerCircuit::build(
        m,
        bias.as_deref(),
        &export.neuron.to_model()?,
        c,
        export.steps,
        &header,
    )
}

/// Run one image through the network and the circuit block of layer `k`.
pub fn run_image(
    export: &NetworkExport,
    k: usize,
    block: &mut LayerCircuit,
    input: &[Vec<f64>],
    index: usize,
    label: Option<usize>,
) -> Result<ImageResult> {
    let x = layer_inputs(export, k, input)?;
    let ideal = crate::neuron::export::infer_fc(export, input)?;
    let run = block.run(&x)?;
    let n = export.weights[k].out;
    let (counts, decided) = decision(&run.spikes, n);
    let counts_network: Vec<f64> = (0..n).map(|o| ideal.iter().map(|s| s[o]).sum()).collect();
    Ok(ImageResult {
        index,
        label,
        class_network: argmax(&counts_network),
        class_circuit: argmax(&counts),
        counts_network,
        counts_circuit: counts,
        worst_column_error: run.worst_column_error,
        energy_j: run.energy_j,
        energy_drivers_j: run.energy_drivers_j,
        latency_s: (decided + 1) as f64 * block.t_step(),
    })
}

/// Totals of a set of image results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Fraction of images where circuit and network choose the same class.
    pub classification_agreement: f64,
    /// Network accuracy over labelled images.
    pub accuracy_network: f64,
    /// Circuit accuracy over labelled images.
    pub accuracy_circuit: f64,
    /// Fraction of (image, output) pairs with equal spike counts.
    pub spike_count_agreement: f64,
    /// Mean energy per inference (J).
    pub energy_per_inference_j: f64,
    /// Mean latency to decision (s).
    pub latency_s: f64,
    /// Worst relative column current error.
    pub worst_column_error: f64,
}

/// Summarise image results.
pub fn summarise(r: &[ImageResult]) -> Summary {
    let n = r.len().max(1) as f64;
    let labelled: Vec<&ImageResult> = r.iter().filter(|x| x.label.is_some()).collect();
    let nl = labelled.len().max(1) as f64;
    let pairs: usize = r.iter().map(|x| x.counts_network.len()).sum();
    let equal: usize = r
        .iter()
        .map(|x| {
            x.counts_network
                .iter()
                .zip(&x.counts_circuit)
                .filter(|(a, b)| a == b)
                .count()
        })
        .sum();
    Summary {
        classification_agreement: r
            .iter()
            .filter(|x| x.class_network == x.class_circuit)
            .count() as f64
            / n,
        accuracy_network: labelled
            .iter()
            .filter(|x| x.label == Some(x.class_network))
            .count() as f64
            / nl,
        accuracy_circuit: labelled
            .iter()
            .filter(|x| x.label == Some(x.class_circuit))
            .count() as f64
            / nl,
        spike_count_agreement: equal as f64 / pairs.max(1) as f64,
        energy_per_inference_j: r.iter().map(|x| x.energy_j).sum::<f64>() / n,
        latency_s: r.iter().map(|x| x.latency_s).sum::<f64>() / n,
        worst_column_error: r.iter().map(|x| x.worst_column_error).fold(0.0, f64::max),
    }
}

/// Validate layer `k` over `inputs` (image, label) for one mapping seed.
pub fn validate(
    export: &NetworkExport,
    k: usize,
    s: &Settings,
    inputs: &[(Vec<Vec<f64>>, Option<usize>)],
) -> Result<(Summary, Vec<ImageResult>)> {
    let m = map_export_layer(export, k, &s.map)?;
    let mut block = build_block(export, k, &m, &s.circuit)?;
    let mut res = Vec::with_capacity(inputs.len());
    for (i, (x, l)) in inputs.iter().enumerate() {
        res.push(run_image(export, k, &mut block, x, i, *l)?);
    }
    Ok((summarise(&res), res))
}

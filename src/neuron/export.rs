//! Trained-network export: the contract between `snn` (writer) and `crossbar` (reader).
//!
//! `DIR/export/network.json`:
//! ```json
//! {"format": "spinspice-snn-export", "version": 1, "arch": "fc",
//!  "neuron": {"model": "dw", "beta": -3.56e-9, "threshold": 1.0, "reset": "subtract",
//!             "alpha": -0.00397, "gamma": 1.0, "reset_factor": 0.738, "dt": 1.0},
//!  "steps": 25, "encoding": "direct", "input_shape": [1, 28, 28],
//!  "layers": [{"name": "fc1", "kind": "linear", "in": 784, "out": 1000, "file": "fc1.json"},
//!             {"name": "fc2", "kind": "linear", "in": 1000, "out": 10, "file": "fc2.json"}]}
//! ```
//! `DIR/export/<layer>.json`: `{"name", "in", "out", "weight": [[...]; out] (out rows x in
//! columns, f32), "bias": [...] | null}`. Conv layers (`"kind": "conv2d"`) carry
//! `"kernel": [kh, kw]` and rows of `in * kh * kw` values (channel-major, then row, column).
//!
//! The neuron's constants are the normalised ones the network ran with (membrane in units of
//! the threshold, one time unit per network step). `beta` is the leak of the model:
//! snnTorch's decay factor for `leaky`, Eq. (9)'s `beta` for `dw`, and for `skyrmion` the
//! linear per-step factor `1 + k2` (informational: `k1`, `k2`, `gamma` define the update).
//!
//! [`infer_fc`] runs a fully connected export in `f64` with the same [`Neuron::update`] the
//! circuit device and the burn layers use.

use super::{fire, DwLif, Leaky, Neuron, NeuronModel, Reset, SkyrmionLif};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `format` tag of `network.json`.
pub const FORMAT: &str = "spinspice-snn-export";
/// The format version this code writes and reads.
pub const VERSION: u32 = 1;

/// The neuron of an exported network (flat, model-specific fields optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeuronSpec {
    /// `leaky`, `dw` or `skyrmion`.
    pub model: String,
    /// The model's leak (see the module docs).
    pub beta: f64,
    /// Firing threshold.
    pub threshold: f64,
    /// Reset mechanism.
    pub reset: Reset,
    /// Eq. (9)'s drift (dw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha: Option<f64>,
    /// Input gain (dw, skyrmion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gamma: Option<f64>,
    /// Quadratic coefficient (skyrmion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k1: Option<f64>,
    /// Linear coefficient (skyrmion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k2: Option<f64>,
    /// Reset amount as a fraction of the threshold (dw, Eq. (13)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_factor: Option<f64>,
    /// Membrane floor (dw, skyrmion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    /// Step length in the model's time unit (dw, skyrmion; 1 when normalised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dt: Option<f64>,
}

impl NeuronSpec {
    /// Describe a model.
    pub fn from_model(m: &NeuronModel) -> Self {
        let base = |model: &str, beta: f64, threshold: f64, reset: Reset| NeuronSpec {
            model: model.into(),
            beta,
            threshold,
            reset,
            alpha: None,
            gamma: None,
            k1: None,
            k2: None,
            reset_factor: None,
            floor: None,
            dt: None,
        };
        match m {
            NeuronModel::Leaky(n) => base("leaky", n.beta, n.threshold, n.reset),
            NeuronModel::Dw(n) => NeuronSpec {
                alpha: Some(n.alpha),
                gamma: Some(n.gamma),
                reset_factor: Some(n.reset_factor),
                floor: n.floor,
                dt: Some(n.dt),
                ..base("dw", n.beta, n.threshold, n.reset)
            },
            NeuronModel::Skyrmion(n) => NeuronSpec {
                gamma: Some(n.gamma),
                k1: Some(n.k1),
                k2: Some(n.k2),
                floor: n.floor,
                dt: Some(n.dt),
                ..base("skyrmion", 1.0 + n.k2 * n.dt, n.threshold, n.reset)
            },
        }
    }

    /// Rebuild the model; missing model-specific fields are an error.
    pub fn to_model(&self) -> Result<NeuronModel> {
        let need = |v: Option<f64>, name: &str| {
            v.ok_or_else(|| {
                Error::Usage(format!(
                    "export: neuron model `{}` needs the field `{name}`",
                    self.model
                ))
            })
        };
        match self.model.as_str() {
            "leaky" => Ok(NeuronModel::Leaky(Leaky {
                beta: self.beta,
                threshold: self.threshold,
                reset: self.reset,
            })),
            "dw" => Ok(NeuronModel::Dw(DwLif {
                beta: self.beta,
                alpha: need(self.alpha, "alpha")?,
                gamma: need(self.gamma, "gamma")?,
                threshold: self.threshold,
                reset: self.reset,
                reset_factor: need(self.reset_factor, "reset_factor")?,
                floor: self.floor,
                dt: self.dt.unwrap_or(1.0),
            })),
            "skyrmion" => Ok(NeuronModel::Skyrmion(SkyrmionLif {
                k1: need(self.k1, "k1")?,
                k2: need(self.k2, "k2")?,
                gamma: need(self.gamma, "gamma")?,
                threshold: self.threshold,
                reset: self.reset,
                floor: self.floor,
                dt: self.dt.unwrap_or(1.0),
            })),
            other => Err(Error::Usage(format!(
                "export: unknown neuron model `{other}` (expected leaky, dw or skyrmion)"
            ))),
        }
    }
}

/// One entry of `network.json`'s `layers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerEntry {
    /// Layer name (`fc1`, `conv1`, ...).
    pub name: String,
    /// `linear` or `conv2d`.
    pub kind: String,
    /// Input features (linear) or input channels (conv2d).
    #[serde(rename = "in")]
    pub n_in: usize,
    /// Output features or channels.
    pub out: usize,
    /// The layer file, relative to the export directory.
    pub file: String,
    /// Kernel size (conv2d only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<[usize; 2]>,
}

/// `network.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkExport {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`].
    pub version: u32,
    /// `fc` or `conv`.
    pub arch: String,
    /// The neuron every spiking layer uses.
    pub neuron: NeuronSpec,
    /// Time steps per image.
    pub steps: usize,
    /// Input encoding (`direct`, `rate`, `latency`, `delta`).
    pub encoding: String,
    /// Input shape `[channels, height, width]`.
    pub input_shape: Vec<usize>,
    /// The layers, in forward order.
    pub layers: Vec<LayerEntry>,
    /// The layer files, loaded by [`read_export`] (same order as `layers`).
    #[serde(skip)]
    pub weights: Vec<LayerExport>,
}

/// `<layer>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerExport {
    /// Layer name.
    pub name: String,
    /// Input features (columns of `weight`; conv2d: channels, rows hold `in * kh * kw`).
    #[serde(rename = "in")]
    pub n_in: usize,
    /// Output features (rows of `weight`).
    pub out: usize,
    /// `out` rows of `in` (conv2d: `in * kh * kw`) values.
    pub weight: Vec<Vec<f32>>,
    /// `out` biases, or null.
    pub bias: Option<Vec<f32>>,
    /// Kernel size (conv2d only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<[usize; 2]>,
}

impl LayerExport {
    fn validate(&self, entry: &LayerEntry, path: &Path) -> Result<()> {
        let k = self.kernel.map(|[a, b]| a * b).unwrap_or(1);
        let bad = |what: String| Err(Error::Usage(format!("{}: {what}", path.display())));
        if self.n_in != entry.n_in || self.out != entry.out {
            return bad(format!(
                "layer is {}x{} but network.json says {}x{}",
                self.out, self.n_in, entry.out, entry.n_in
            ));
        }
        if self.weight.len() != self.out {
            return bad(format!(
                "{} weight rows, expected {}",
                self.weight.len(),
                self.out
            ));
        }
        if let Some((i, r)) = self
            .weight
            .iter()
            .enumerate()
            .find(|(_, r)| r.len() != self.n_in * k)
        {
            return bad(format!(
                "weight row {i} has {} values, expected {}",
                r.len(),
                self.n_in * k
            ));
        }
        if let Some(b) = &self.bias {
            if b.len() != self.out {
                return bad(format!("{} biases, expected {}", b.len(), self.out));
            }
        }
        Ok(())
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: not a valid export file: {e}", path.display())))
}

/// The export directory of `dir`: `dir/export` if it holds `network.json`, else `dir`.
pub fn export_dir(dir: &Path) -> PathBuf {
    let sub = dir.join("export");
    if sub.join("network.json").is_file() {
        sub
    } else {
        dir.to_path_buf()
    }
}

/// Read `network.json` and every layer file from a `train --out` directory (or its
/// `export/` subdirectory), validating format, version and shapes.
pub fn read_export(dir: impl AsRef<Path>) -> Result<NetworkExport> {
    let dir = export_dir(dir.as_ref());
    let path = dir.join("network.json");
    let mut net: NetworkExport = read_json(&path)?;
    if net.format != FORMAT || net.version != VERSION {
        return Err(Error::Usage(format!(
            "{}: format `{}` version {}, expected `{FORMAT}` version {VERSION}",
            path.display(),
            net.format,
            net.version
        )));
    }
    net.neuron.to_model()?;
    let mut weights = Vec::with_capacity(net.layers.len());
    for entry in &net.layers {
        let lpath = dir.join(&entry.file);
        let layer: LayerExport = read_json(&lpath)?;
        layer.validate(entry, &lpath)?;
        weights.push(layer);
    }
    net.weights = weights;
    Ok(net)
}

/// Files are written atomically, with fsync (one implementation: [`crate::wave::atomic`]).
pub use crate::wave::atomic::write_atomic;

/// Write `network.json` and the layer files (`net.weights`) into `dir` (created if needed).
pub fn write_export(dir: impl AsRef<Path>, net: &NetworkExport) -> Result<()> {
    let dir = dir.as_ref();
    if net.weights.len() != net.layers.len() {
        return Err(Error::Usage(format!(
            "export: {} layer entries but {} weight sets",
            net.layers.len(),
            net.weights.len()
        )));
    }
    for (entry, layer) in net.layers.iter().zip(&net.weights) {
        let json = serde_json::to_vec(layer).map_err(|e| Error::Usage(e.to_string()))?;
        write_atomic(&dir.join(&entry.file), &json)?;
    }
    let json = serde_json::to_vec_pretty(net).map_err(|e| Error::Usage(e.to_string()))?;
    write_atomic(&dir.join("network.json"), &json)
}

/// Per-step record of [`infer_fc_trace`]: spikes and membranes of the last layer.
#[derive(Debug, Clone, PartialEq)]
pub struct FcTrace {
    /// `steps` rows of `out` spikes (0 or 1).
    pub spikes: Vec<Vec<f64>>,
    /// `steps` rows of `out` membranes (after reset).
    pub membranes: Vec<Vec<f64>>,
}

/// Run a fully connected export on one input (`steps` rows of `in` values, the encoded image)
/// and return the output layer's spikes per step.
pub fn infer_fc(export: &NetworkExport, input_per_step: &[Vec<f64>]) -> Result<Vec<Vec<f64>>> {
    Ok(infer_fc_trace(export, input_per_step)?.spikes)
}

/// [`infer_fc`] plus the output membranes. Per step and layer: `cur = W x + b`,
/// `mem = neuron.update(mem, cur)`, `x = H(mem - threshold)`.
pub fn infer_fc_trace(export: &NetworkExport, input_per_step: &[Vec<f64>]) -> Result<FcTrace> {
    if export.layers.iter().any(|l| l.kind != "linear") {
        return Err(Error::Usage(format!(
            "infer_fc: the export (arch `{}`) has non-linear layers",
            export.arch
        )));
    }
    if export.weights.len() != export.layers.len() || export.weights.is_empty() {
        return Err(Error::Usage(
            "infer_fc: the export's layer files are not loaded (use read_export)".into(),
        ));
    }
    let neuron = export.neuron.to_model()?;
    let thr = neuron.threshold();
    let n_in = export.weights[0].n_in;
    let mut mems: Vec<Vec<f64>> = export.weights.iter().map(|l| vec![0.0; l.out]).collect();
    let mut trace = FcTrace {
        spikes: Vec::with_capacity(input_per_step.len()),
        membranes: Vec::with_capacity(input_per_step.len()),
    };
    for (t, x0) in input_per_step.iter().enumerate() {
        if x0.len() != n_in {
            return Err(Error::Usage(format!(
                "infer_fc: step {t} has {} inputs, the first layer takes {n_in}",
                x0.len()
            )));
        }
        let mut x = x0.clone();
        for (layer, mem) in export.weights.iter().zip(mems.iter_mut()) {
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
        trace.spikes.push(x);
        trace.membranes.push(mems[mems.len() - 1].clone());
    }
    Ok(trace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny(model: NeuronModel) -> NetworkExport {
        NetworkExport {
            format: FORMAT.into(),
            version: VERSION,
            arch: "fc".into(),
            neuron: NeuronSpec::from_model(&model),
            steps: 3,
            encoding: "direct".into(),
            input_shape: vec![1, 1, 2],
            layers: vec![
                LayerEntry {
                    name: "fc1".into(),
                    kind: "linear".into(),
                    n_in: 2,
                    out: 2,
                    file: "fc1.json".into(),
                    kernel: None,
                },
                LayerEntry {
                    name: "fc2".into(),
                    kind: "linear".into(),
                    n_in: 2,
                    out: 1,
                    file: "fc2.json".into(),
                    kernel: None,
                },
            ],
            weights: vec![
                LayerExport {
                    name: "fc1".into(),
                    n_in: 2,
                    out: 2,
                    weight: vec![vec![0.6, 0.0], vec![0.0, 0.2]],
                    bias: Some(vec![0.0, 0.1]),
                    kernel: None,
                },
                LayerExport {
                    name: "fc2".into(),
                    n_in: 2,
                    out: 1,
                    weight: vec![vec![1.5, 1.0]],
                    bias: None,
                    kernel: None,
                },
            ],
        }
    }

    // Hand-traced with Leaky(beta = 0.5, threshold 1, subtract), input (1, 1) each step:
    // fc1 currents (0.6, 0.3). mem1: t0 (0.6, 0.3); t1 (0.9, 0.45); t2 (1.05, 0.525) -> spike
    // (1, 0). fc2 current 1.5 at t2 only: mem2 t2 = 1.5 -> spike.
    #[test]
    fn infer_fc_hand_traced() {
        let model = NeuronModel::Leaky(Leaky {
            beta: 0.5,
            ..Leaky::default()
        });
        let net = tiny(model);
        let tr = infer_fc_trace(&net, &vec![vec![1.0, 1.0]; 3]).unwrap();
        assert_eq!(tr.spikes, vec![vec![0.0], vec![0.0], vec![1.0]]);
        assert!((tr.membranes[2][0] - 1.5).abs() < 1e-6);
        assert!(infer_fc(&net, &[vec![1.0]]).is_err());
    }

    #[test]
    fn roundtrip_files() {
        let dir = tempfile::tempdir().unwrap();
        for m in ["leaky", "dw", "skyrmion"] {
            let net = tiny(NeuronModel::network_preset(m).unwrap());
            write_export(dir.path(), &net).unwrap();
            let back = read_export(dir.path()).unwrap();
            assert_eq!(back.layers, net.layers);
            assert_eq!(back.weights, net.weights);
            // JSON keeps f64 to within an ulp or so
            let (a, b) = (back.neuron, net.neuron);
            assert_eq!(
                (a.model.as_str(), a.reset, a.floor),
                (b.model.as_str(), b.reset, b.floor)
            );
            let close = |x: Option<f64>, y: Option<f64>| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() <= 1e-14 * y.abs(),
                (x, y) => x == y,
            };
            for (x, y) in [
                (Some(a.beta), Some(b.beta)),
                (Some(a.threshold), Some(b.threshold)),
                (a.alpha, b.alpha),
                (a.gamma, b.gamma),
                (a.k1, b.k1),
                (a.k2, b.k2),
                (a.reset_factor, b.reset_factor),
                (a.dt, b.dt),
            ] {
                assert!(close(x, y), "{m}: {x:?} {y:?}");
            }
        }
        // a corrupted layer file is a clear error, not a panic
        std::fs::write(
            dir.path().join("fc2.json"),
            r#"{"name":"fc2","in":2,"out":1,"weight":[[1.0]],"bias":null}"#,
        )
        .unwrap();
        let e = read_export(dir.path()).unwrap_err().to_string();
        assert!(e.contains("weight row 0 has 1 values, expected 2"), "{e}");
    }
}

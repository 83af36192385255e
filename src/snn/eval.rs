//! Evaluating a trained network: accuracy, confusion matrix, per-class output spike counts,
//! a spike-activity heatmap and raster (the paper's Fig. 13) and the training curves.

use super::encode::encode_batch;
use super::model::{NetConfig, SnnNet};
use super::report;
use super::train::{batch_pixels, counts, load_conv, load_fc, predict, Metrics, TrainConfig};
use crate::neuron::data::Split;
use crate::neuron::export::write_atomic;
use crate::{Error, Result};
use burn::tensor::Device;
use serde::Serialize;
use std::path::Path;

/// `eval.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalReport {
    /// Test accuracy (fraction).
    pub accuracy: f64,
    /// Test images.
    pub images: usize,
    /// `confusion[true][predicted]`.
    pub confusion: Vec<Vec<usize>>,
    /// Mean output spike count of neuron `j` over the images of true class `i`: `[i][j]`.
    pub spike_counts: Vec<Vec<f64>>,
    /// Output spikes over time (`[step][neuron]`) of the first test image of class 2
    /// (Fig. 13(c)); empty if there is none.
    pub raster_class2: Vec<Vec<f64>>,
}

/// Read `dir/config.json`.
pub fn read_config(dir: &Path) -> Result<TrainConfig> {
    let p = dir.join("config.json");
    let text = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
    serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))
}

/// Evaluate the network in `dir` on `test`.
pub fn evaluate_dir(dir: &Path, test: &Split) -> Result<EvalReport> {
    let cfg = read_config(dir)?;
    let device = crate::snn::cpu();
    match cfg.net.arch.as_str() {
        "fc" => Ok(run(
            &load_fc(dir, &cfg.net, &device)?,
            &cfg.net,
            test,
            &device,
        )),
        "conv" => Ok(run(
            &load_conv(dir, &cfg.net, &device)?,
            &cfg.net,
            test,
            &device,
        )),
        a => Err(Error::Usage(format!(
            "{}: unknown architecture `{a}`",
            dir.display()
        ))),
    }
}

fn run<N: SnnNet>(model: &N, cfg: &NetConfig, test: &Split, device: &Device) -> EvalReport {
    let mut confusion = vec![vec![0usize; 10]; 10];
    let mut spikes = vec![vec![0.0; 10]; 10];
    let mut per_class = [0usize; 10];
    let mut raster = vec![];
    let idx: Vec<usize> = (0..test.len()).collect();
    for chunk in idx.chunks(256) {
        let (px, labels) = batch_pixels(test, chunk);
        let input = encode_batch(cfg.encoding, &px, chunk.len(), cfg.steps, 0xe7a1, device);
        let out = model.forward(&input, cfg.steps);
        if raster.is_empty() {
            if let Some(b) = labels.iter().position(|&l| l == 2) {
                let d = out.spk.clone().into_data().convert::<f32>();
                let v = d.as_slice::<f32>().unwrap_or(&[]);
                let bsz = chunk.len();
                raster = (0..cfg.steps)
                    .map(|t| (0..10).map(|j| v[(t * bsz + b) * 10 + j] as f64).collect())
                    .collect();
            }
        }
        let (s, m) = counts(&out);
        for ((s, m), &y) in s.iter().zip(&m).zip(&labels) {
            let y = y as usize;
            confusion[y][predict(s, m)] += 1;
            per_class[y] += 1;
            for j in 0..10 {
                spikes[y][j] += s[j] as f64;
            }
        }
    }
    for (row, &n) in spikes.iter_mut().zip(&per_class) {
        for v in row.iter_mut() {
            *v /= n.max(1) as f64;
        }
    }
    let correct: usize = (0..10).map(|i| confusion[i][i]).sum();
    EvalReport {
        accuracy: correct as f64 / test.len().max(1) as f64,
        images: test.len(),
        confusion,
        spike_counts: spikes,
        raster_class2: raster,
    }
}

/// Write `eval.json`, `confusion.csv`, `spike_heatmap.svg`, `raster_class2.svg` and (when
/// `metrics.json` exists in `model_dir`) `curves_accuracy.svg` and `curves_loss.svg` into
/// `out`. Returns the written paths.
pub fn write_report(
    rep: &EvalReport,
    model_dir: &Path,
    out: &Path,
) -> Result<Vec<std::path::PathBuf>> {
    let mut written = vec![];
    let mut put = |name: &str, bytes: Vec<u8>| -> Result<()> {
        let p = out.join(name);
        write_atomic(&p, &bytes)?;
        written.push(p);
        Ok(())
    };
    put(
        "eval.json",
        serde_json::to_vec_pretty(rep).map_err(|e| Error::Usage(e.to_string()))?,
    )?;
    let mut csv = String::from("true\\pred,0,1,2,3,4,5,6,7,8,9\n");
    for (i, row) in rep.confusion.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|v| v.to_string()).collect();
        csv.push_str(&format!("{i},{}\n", cells.join(",")));
    }
    put("confusion.csv", csv.into_bytes())?;
    put(
        "spike_heatmap.svg",
        report::heatmap(
            &rep.spike_counts,
            "Mean output spike count per true class",
            "output neuron",
            "true class",
        )
        .into_bytes(),
    )?;
    if !rep.raster_class2.is_empty() {
        put(
            "raster_class2.svg",
            report::heatmap(
                &rep.raster_class2,
                "Output spikes of a test image of class 2",
                "output neuron",
                "time step",
            )
            .into_bytes(),
        )?;
    }
    let mpath = model_dir.join("metrics.json");
    if let Ok(text) = std::fs::read_to_string(&mpath) {
        let m: Metrics = serde_json::from_str(&text)
            .map_err(|e| Error::Usage(format!("{}: {e}", mpath.display())))?;
        let get = |f: fn(&super::train::EpochRecord) -> f64| {
            m.history.iter().map(f).collect::<Vec<f64>>()
        };
        put(
            "curves_accuracy.svg",
            report::curves(
                &[
                    ("train", get(|h| h.train_accuracy)),
                    ("test", get(|h| h.test_accuracy)),
                ],
                "Accuracy",
                "epoch",
            )
            .into_bytes(),
        )?;
        put(
            "curves_loss.svg",
            report::curves(
                &[
                    ("train", get(|h| h.train_loss)),
                    ("test", get(|h| h.test_loss)),
                ],
                "Loss",
                "epoch",
            )
            .into_bytes(),
        )?;
    }
    Ok(written)
}

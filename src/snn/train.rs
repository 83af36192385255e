//! The training loop: BPTT through the time steps, Adam, per-epoch checkpoints that resume.
//!
//! Loss (Algorithm 2): the FC-SNN sums the cross-entropy of the output membrane over the
//! steps; the CSNN takes the cross-entropy of the output spike counts. Predictions are the
//! neuron with the most output spikes (ties broken by the summed membrane).

use super::adam::Adam;
use super::encode::{encode_batch, Input};
use super::model::{Csnn, FcSnn, NetConfig, SnnNet, SnnOutput, SpikeDropout};
use crate::neuron::data::{Dataset, Split};
use crate::neuron::export::{self, write_atomic, NetworkExport};
use crate::progress::{Event, Progress};
use crate::{Error, Result};
use burn::store::ModuleRecord;
use burn::tensor::{activation, Device, Tensor, TensorData};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Everything a run depends on (saved as `config.json`; a resumed run must match it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// `mnist` or `fashion`.
    pub dataset: String,
    /// The network.
    pub net: NetConfig,
    /// Epochs to train in total.
    pub epochs: usize,
    /// Images per batch.
    pub batch_size: usize,
    /// Adam learning rate (the peak rate under a schedule).
    pub lr: f64,
    /// How the learning rate changes over the run (absent in older `config.json`: constant).
    #[serde(default)]
    pub lr_schedule: LrSchedule,
    /// Seed of the weight init, the shuffling and the rate code.
    pub seed: u64,
    /// First N training images (None: all).
    pub train_limit: Option<usize>,
    /// First N test images (None: all).
    pub test_limit: Option<usize>,
    /// Random transformations of the training images (absent in older `config.json`: none).
    #[serde(default)]
    pub augment: Augment,
    /// Adam's decoupled weight decay (AdamW; absent in older `config.json`: 0, plain Adam).
    #[serde(default)]
    pub weight_decay: f64,
    /// Dropout probability of the spikes entering the output layer while training
    /// ([`SpikeDropout`]; absent in older `config.json`: 0, none).
    #[serde(default)]
    pub dropout: f64,
}

/// Random transformations of the training images, drawn per image and per batch from the
/// run's seed (so a run is reproducible); test images are never transformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Augment {
    /// Mirror left-right with probability 1/2.
    pub flip: bool,
    /// Translate by a uniform whole number of pixels in `-shift..=shift` along each axis,
    /// filling with 0 (0: off).
    pub shift: usize,
}

impl Augment {
    /// `none`, or a comma-separated list of `flip` and `shift` (2 pixels) or `shiftN`.
    pub fn parse(s: &str) -> Result<Self> {
        let mut a = Augment::default();
        for part in s.split(',').map(str::trim) {
            match part {
                "none" | "" => {}
                "flip" => a.flip = true,
                "shift" => a.shift = 2,
                _ => match part.strip_prefix("shift").map(str::parse::<usize>) {
                    Some(Ok(n)) if n > 0 => a.shift = n,
                    _ => {
                        return Err(Error::Usage(format!(
                            "unknown augmentation {part:?} (none, or a list of flip, shift, shiftN)"
                        )))
                    }
                },
            }
        }
        Ok(a)
    }

    /// Whether any transformation is on.
    pub fn any(&self) -> bool {
        self.flip || self.shift > 0
    }

    /// Transform `px`, images of `rows x cols` pixels one after the other, in place.
    pub fn apply(&self, px: &mut [f32], rows: usize, cols: usize, seed: u64) {
        if !self.any() || rows * cols == 0 {
            return;
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let s = self.shift as i64;
        let mut src = vec![0f32; rows * cols];
        for img in px.chunks_exact_mut(rows * cols) {
            let flip = self.flip && rng.random_bool(0.5);
            let (dy, dx) = if s > 0 {
                (rng.random_range(-s..=s), rng.random_range(-s..=s))
            } else {
                (0, 0)
            };
            if !flip && dy == 0 && dx == 0 {
                continue;
            }
            src.copy_from_slice(img);
            for y in 0..rows as i64 {
                for x in 0..cols as i64 {
                    let (sy, sx0) = (y - dy, x - dx);
                    let sx = if flip { cols as i64 - 1 - sx0 } else { sx0 };
                    let inside = (0..rows as i64).contains(&sy) && (0..cols as i64).contains(&sx);
                    img[(y * cols as i64 + x) as usize] = if inside {
                        src[(sy * cols as i64 + sx) as usize]
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

/// Learning-rate schedule over the whole run (all epochs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LrSchedule {
    /// The same rate for every batch.
    #[default]
    Constant,
    /// Cosine annealing from the rate down to 0 at the last batch of the last epoch
    /// (Loshchilov & Hutter's SGDR without restarts). It depends on `epochs`, so a run
    /// resumed with more epochs continues on the stretched curve.
    Cosine,
}

impl LrSchedule {
    /// `constant` or `cosine`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "constant" => Ok(Self::Constant),
            "cosine" => Ok(Self::Cosine),
            _ => Err(Error::Usage(format!(
                "unknown learning-rate schedule {s:?} (constant, cosine)"
            ))),
        }
    }

    /// The rate for batch `step` (0-based, counted over all epochs) of `total` batches.
    pub fn rate(self, base: f64, step: usize, total: usize) -> f64 {
        match self {
            Self::Constant => base,
            Self::Cosine => {
                let x = step as f64 / total.max(1) as f64;
                0.5 * base * (1.0 + (std::f64::consts::PI * x).cos())
            }
        }
    }
}

/// One epoch's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// 1-based epoch.
    pub epoch: usize,
    /// Mean training loss.
    pub train_loss: f64,
    /// Training accuracy (fraction, during the epoch).
    pub train_accuracy: f64,
    /// Mean test loss.
    pub test_loss: f64,
    /// Test accuracy (fraction).
    pub test_accuracy: f64,
    /// Training throughput (images/s, forward + backward + update).
    pub train_images_per_s: f64,
    /// Wall time of the training part of the epoch.
    pub train_seconds: f64,
}

/// `metrics.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Final test accuracy (fraction).
    pub test_accuracy: f64,
    /// Mean training throughput over the epochs (images/s).
    pub train_images_per_s: f64,
    /// Epochs trained.
    pub epochs: usize,
    /// Training / test images used.
    pub train_images: usize,
    /// Test images used.
    pub test_images: usize,
    /// Per-epoch figures.
    pub history: Vec<EpochRecord>,
}

/// What training reports to the [`Progress`] sink (as [`Event::Train`]).
#[derive(Debug, Clone)]
pub enum TrainEvent {
    /// A run starts (or resumes after `done` epochs).
    Start {
        /// Epochs already done (resume).
        done: usize,
        /// Batches per epoch.
        batches: usize,
    },
    /// A training batch finished.
    Batch {
        /// 1-based epoch.
        epoch: usize,
        /// Batches done in this epoch.
        done: usize,
        /// Loss of this batch.
        loss: f64,
    },
    /// An epoch finished.
    Epoch(EpochRecord),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct State {
    epochs_done: usize,
    history: Vec<EpochRecord>,
}

/// Pixels of images `idx` as `[0, 1]` floats, and their labels.
pub fn batch_pixels(split: &Split, idx: &[usize]) -> (Vec<f32>, Vec<u8>) {
    let mut px = Vec::with_capacity(idx.len() * split.rows * split.cols);
    for &i in idx {
        px.extend(split.image(i).iter().map(|&p| p as f32 / 255.0));
    }
    (px, idx.iter().map(|&i| split.labels[i]).collect())
}

fn one_hot(labels: &[u8], device: &Device) -> Tensor<2> {
    let mut v = vec![0f32; labels.len() * 10];
    for (b, &l) in labels.iter().enumerate() {
        v[b * 10 + l as usize] = 1.0;
    }
    Tensor::from_data(TensorData::new(v, [labels.len(), 10]), device)
}

fn cross_entropy(logits: Tensor<2>, onehot: Tensor<2>) -> Tensor<1> {
    (activation::log_softmax(logits, 1) * onehot)
        .sum_dim(1)
        .mean()
        .neg()
}

/// The loss of Algorithm 2: FC sums the per-step membrane cross-entropy; conv uses spike
/// counts as logits.
pub fn loss(arch: &str, out: &SnnOutput, onehot: Tensor<2>) -> Tensor<1> {
    let [t, b, c] = out.mem.dims();
    if arch == "conv" {
        cross_entropy(out.spk.clone().sum_dim(0).reshape([b, c]), onehot)
    } else {
        let logits = out.mem.clone().reshape([t * b, c]);
        let targets = onehot
            .unsqueeze_dim::<3>(0)
            .repeat_dim(0, t)
            .reshape([t * b, c]);
        cross_entropy(logits, targets).mul_scalar(t as f64)
    }
}

/// Per-image spike counts and summed membranes `[batch][10]`, pulled to the host.
pub fn counts(out: &SnnOutput) -> (Vec<[f32; 10]>, Vec<[f32; 10]>) {
    let pull = |x: Tensor<3>| -> Vec<[f32; 10]> {
        let [_, b, _] = x.dims();
        let d = x.sum_dim(0).reshape([b, 10]).into_data().convert::<f32>();
        let v = d.as_slice::<f32>().unwrap_or(&[]).to_vec();
        v.chunks(10)
            .map(|c| {
                let mut a = [0f32; 10];
                a.copy_from_slice(c);
                a
            })
            .collect()
    };
    (pull(out.spk.clone()), pull(out.mem.clone()))
}

/// The predicted class: most spikes, ties broken by the summed membrane.
pub fn predict(spikes: &[f32; 10], mem: &[f32; 10]) -> usize {
    (0..10)
        .max_by(|&a, &b| {
            spikes[a]
                .total_cmp(&spikes[b])
                .then(mem[a].total_cmp(&mem[b]))
                .then(b.cmp(&a))
        })
        .unwrap_or(0)
}

fn make_fc(cfg: &NetConfig, d: &Device) -> Result<FcSnn> {
    FcSnn::new(cfg, 784, d)
}
fn make_conv(cfg: &NetConfig, d: &Device) -> Result<Csnn> {
    Csnn::new(cfg, d)
}

/// Mean loss and accuracy of `model` on `split` (no gradients).
pub fn evaluate<N: SnnNet>(
    model: &N,
    cfg: &NetConfig,
    split: &Split,
    batch: usize,
    device: &Device,
) -> (f64, f64) {
    let (mut loss_sum, mut correct) = (0.0, 0usize);
    let idx: Vec<usize> = (0..split.len()).collect();
    for chunk in idx.chunks(batch.max(1)) {
        let (px, labels) = batch_pixels(split, chunk);
        let input = encode_batch(cfg.encoding, &px, chunk.len(), cfg.steps, 0xe7a1, device);
        let out = model.forward(&input, cfg.steps);
        let l = loss(&cfg.arch, &out, one_hot(&labels, device));
        loss_sum += l.into_scalar::<f32>() as f64 * chunk.len() as f64;
        let (s, m) = counts(&out);
        correct += s
            .iter()
            .zip(&m)
            .zip(&labels)
            .filter(|((s, m), &y)| predict(s, m) == y as usize)
            .count();
    }
    let n = split.len().max(1) as f64;
    (loss_sum / n, correct as f64 / n)
}

fn ckpt_dir(out: &Path) -> PathBuf {
    out.join("checkpoint")
}

fn save_record(
    rec: impl FnOnce(&Path) -> std::result::Result<(), String>,
    path: &Path,
) -> Result<()> {
    let tmp = path.with_extension("tmp");
    rec(&tmp)
        .map_err(|e| Error::Usage(format!("{}: cannot write checkpoint: {e}", path.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Train `cfg` on `data`, writing `config.json`, `checkpoint/` (every epoch), `metrics.json`
/// and `export/` into `out`. If `out` holds a checkpoint of the same configuration, training
/// resumes after its last finished epoch.
pub fn train(
    cfg: &TrainConfig,
    data: &Dataset,
    out: &Path,
    progress: &mut dyn Progress,
) -> Result<Metrics> {
    match cfg.net.arch.as_str() {
        "fc" => train_net(cfg, data, out, progress, make_fc),
        "conv" => train_net(cfg, data, out, progress, make_conv),
        a => Err(Error::Usage(format!(
            "unknown architecture `{a}` (expected fc or conv)"
        ))),
    }
}

fn train_net<N: SnnNet>(
    cfg: &TrainConfig,
    data: &Dataset,
    out: &Path,
    progress: &mut dyn Progress,
    make: fn(&NetConfig, &Device) -> Result<N>,
) -> Result<Metrics> {
    if data.train.is_empty() || data.test.is_empty() {
        return Err(Error::Usage("train: empty training or test split".into()));
    }
    if (data.train.rows, data.train.cols) != (28, 28) {
        return Err(Error::Usage(format!(
            "train: images are {}x{}, the networks take 28x28",
            data.train.rows, data.train.cols
        )));
    }
    if cfg.batch_size == 0 || cfg.net.steps == 0 {
        return Err(Error::Usage(
            "train: --batch-size and --steps must be positive".into(),
        ));
    }
    let device = crate::snn::cpu().autodiff();
    let mut model = super::seeded(&device, cfg.seed, || make(&cfg.net, &device))?;
    if !(cfg.weight_decay >= 0.0 && cfg.weight_decay * cfg.lr < 1.0) {
        return Err(Error::Usage(format!(
            "train: --weight-decay {} must be non-negative, and below 1/lr",
            cfg.weight_decay
        )));
    }
    if !(0.0..1.0).contains(&cfg.dropout) {
        return Err(Error::Usage(format!(
            "train: --dropout {} must be in [0, 1)",
            cfg.dropout
        )));
    }
    let mut optim = Adam::default();
    let ck = ckpt_dir(out);
    let mut state = State {
        epochs_done: 0,
        history: vec![],
    };
    // resume?
    let cfg_path = out.join("config.json");
    if let (Ok(text), true) = (
        std::fs::read_to_string(&cfg_path),
        ck.join("state.json").is_file(),
    ) {
        let old: TrainConfig = serde_json::from_str(&text)
            .map_err(|e| Error::Usage(format!("{}: {e}", cfg_path.display())))?;
        let same = TrainConfig {
            epochs: cfg.epochs,
            ..old.clone()
        } == *cfg;
        if same {
            let st: State = serde_json::from_str(
                &std::fs::read_to_string(ck.join("state.json"))
                    .map_err(|e| Error::io(ck.join("state.json"), e))?,
            )
            .map_err(|e| Error::Usage(format!("{}: {e}", ck.join("state.json").display())))?;
            let mrec = ModuleRecord::load(ck.join("model.bpk"))
                .map_err(|e| Error::Usage(format!("{}: {e}", ck.join("model.bpk").display())))?;
            model = model
                .try_load_record(mrec)
                .map_err(|e| Error::Usage(format!("{}: {e}", ck.join("model.bpk").display())))?;
            optim = Adam::load(&ck.join("adam.bin"), &device.clone().without_autodiff())?;
            state = st;
        } else {
            return Err(Error::Usage(format!(
                "{} holds a run with a different configuration; use another --out or delete it",
                out.display()
            )));
        }
    }
    // a hyper-parameter, not state: from the config, also on resume
    optim.weight_decay = cfg.weight_decay;
    std::fs::create_dir_all(&ck).map_err(|e| Error::io(&ck, e))?;
    let cfg_json = serde_json::to_vec_pretty(cfg).map_err(|e| Error::Usage(e.to_string()))?;
    write_atomic(&cfg_path, &cfg_json)?;
    let n = data.train.len();
    let batches = n.div_ceil(cfg.batch_size);
    progress.event(Event::Train(TrainEvent::Start {
        done: state.epochs_done,
        batches,
    }));
    for epoch in state.epochs_done + 1..=cfg.epochs {
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(
            cfg.seed.wrapping_add(epoch as u64),
        ));
        let (mut loss_sum, mut correct) = (0.0, 0usize);
        let t0 = Instant::now();
        for (bi, chunk) in order.chunks(cfg.batch_size).enumerate() {
            let (mut px, labels) = batch_pixels(&data.train, chunk);
            let seed = cfg.seed ^ ((epoch as u64) << 32) ^ ((bi as u64) << 16);
            let (rows, cols) = (data.train.rows, data.train.cols);
            // a stream of its own, apart from the rate code's draws from `seed`
            cfg.augment
                .apply(&mut px, rows, cols, seed ^ 0xA5A5_5A5A_0000_0000);
            let input: Input = encode_batch(
                cfg.net.encoding,
                &px,
                chunk.len(),
                cfg.net.steps,
                seed,
                &device,
            );
            let dropout = SpikeDropout {
                p: cfg.dropout,
                // a stream of its own, apart from the rate code's and the augmentation's
                seed: seed ^ 0x0D50_0000_0000_0000,
            };
            let outp = model.forward_with(&input, cfg.net.steps, Some(&dropout));
            let l = loss(&cfg.net.arch, &outp, one_hot(&labels, &device));
            let lv = l.clone().into_scalar::<f32>() as f64;
            if !lv.is_finite() {
                return Err(Error::Divergence(format!(
                    "train: loss became {lv} in epoch {epoch}, batch {bi}; lower --lr"
                )));
            }
            let (s, m) = counts(&outp);
            correct += s
                .iter()
                .zip(&m)
                .zip(&labels)
                .filter(|((s, m), &y)| predict(s, m) == y as usize)
                .count();
            loss_sum += lv * chunk.len() as f64;
            let grads = l.backward();
            let lr = cfg
                .lr_schedule
                .rate(cfg.lr, (epoch - 1) * batches + bi, cfg.epochs * batches);
            model = optim.step(lr, model, &grads);
            progress.event(Event::Train(TrainEvent::Batch {
                epoch,
                done: bi + 1,
                loss: lv,
            }));
        }
        let secs = t0.elapsed().as_secs_f64();
        let valid = model.valid();
        let plain = device.clone().without_autodiff();
        let (test_loss, test_acc) = evaluate(
            &valid,
            &cfg.net,
            &data.test,
            cfg.batch_size.max(256),
            &plain,
        );
        let rec = EpochRecord {
            epoch,
            train_loss: loss_sum / n as f64,
            train_accuracy: correct as f64 / n as f64,
            test_loss,
            test_accuracy: test_acc,
            train_images_per_s: n as f64 / secs,
            train_seconds: secs,
        };
        progress.event(Event::Train(TrainEvent::Epoch(rec.clone())));
        state.history.push(rec);
        state.epochs_done = epoch;
        let m = model.clone();
        save_record(
            |p| m.into_record().save(p).map_err(|e| e.to_string()),
            &ck.join("model.bpk"),
        )?;
        optim.save(&ck.join("adam.bin"))?;
        let st = serde_json::to_vec_pretty(&state).map_err(|e| Error::Usage(e.to_string()))?;
        write_atomic(&ck.join("state.json"), &st)?;
    }
    let last = state.history.last().cloned().ok_or_else(|| {
        Error::Usage(format!("train: no epochs to run (--epochs {})", cfg.epochs))
    })?;
    let metrics = Metrics {
        test_accuracy: last.test_accuracy,
        train_images_per_s: state
            .history
            .iter()
            .map(|h| h.train_images_per_s)
            .sum::<f64>()
            / state.history.len() as f64,
        epochs: state.epochs_done,
        train_images: n,
        test_images: data.test.len(),
        history: state.history.clone(),
    };
    let mj = serde_json::to_vec_pretty(&metrics).map_err(|e| Error::Usage(e.to_string()))?;
    write_atomic(&out.join("metrics.json"), &mj)?;
    write_network_export(&model, &cfg.net, &out.join("export"))?;
    Ok(metrics)
}

/// Write `dir/network.json` and the layer files of a trained network.
pub fn write_network_export<N: SnnNet>(model: &N, net: &NetConfig, dir: &Path) -> Result<()> {
    let (layers, weights) = model.export_layers();
    let exp = NetworkExport {
        format: export::FORMAT.into(),
        version: export::VERSION,
        arch: net.arch.clone(),
        neuron: net.neuron.clone(),
        steps: net.steps,
        encoding: net.encoding.name().into(),
        input_shape: vec![1, 28, 28],
        layers,
        weights,
    };
    export::write_export(dir, &exp)
}

/// Load a trained network from a `train --out` directory onto `device` (no autodiff).
pub fn load_fc(dir: &Path, cfg: &NetConfig, device: &Device) -> Result<FcSnn> {
    load_net(dir, cfg, device, make_fc)
}

/// Load a trained CSNN.
pub fn load_conv(dir: &Path, cfg: &NetConfig, device: &Device) -> Result<Csnn> {
    load_net(dir, cfg, device, make_conv)
}

fn load_net<N: SnnNet>(
    dir: &Path,
    cfg: &NetConfig,
    device: &Device,
    make: fn(&NetConfig, &Device) -> Result<N>,
) -> Result<N> {
    let path = ckpt_dir(dir).join("model.bpk");
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "{}: no checkpoint (expected a `spinspice train --out` directory)",
            path.display()
        )));
    }
    let rec =
        ModuleRecord::load(&path).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    // the record replaces the drawn weights; the draw goes through `seeded` only so that it
    // cannot fall between another run's seeding and its draws
    super::seeded(device, 0, || make(cfg, device))?
        .try_load_record(rec)
        .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::{Augment, LrSchedule};

    /// Augmentation: parsing, the identity when off, a flip and a shift against hand-placed
    /// pixels, and the same draws for the same seed.
    #[test]
    fn augmentations_move_pixels_as_documented() {
        assert_eq!(Augment::parse("none").unwrap(), Augment::default());
        assert_eq!(
            Augment::parse("flip,shift").unwrap(),
            Augment {
                flip: true,
                shift: 2
            }
        );
        assert_eq!(Augment::parse("shift3").unwrap().shift, 3);
        for bad in ["rotate", "shift0", "shiftx"] {
            assert!(Augment::parse(bad).is_err(), "{bad}");
        }
        // 3x4 images with distinct pixel values
        let img: Vec<f32> = (1..=12).map(|v| v as f32).collect();
        let many: Vec<f32> = img.iter().cycle().take(12 * 64).copied().collect();
        let mut same = many.clone();
        Augment::default().apply(&mut same, 3, 4, 1);
        assert_eq!(same, many, "off: unchanged");
        // flips only: every image is either unchanged or mirrored, and both occur
        let mut f = many.clone();
        Augment {
            flip: true,
            shift: 0,
        }
        .apply(&mut f, 3, 4, 7);
        let mirrored: Vec<f32> = img
            .chunks(4)
            .flat_map(|r| r.iter().rev().copied())
            .collect();
        let (mut n_same, mut n_flip) = (0, 0);
        for im in f.chunks(12) {
            if im == img.as_slice() {
                n_same += 1;
            } else {
                assert_eq!(im, mirrored.as_slice());
                n_flip += 1;
            }
        }
        assert!(
            n_same > 10 && n_flip > 10,
            "{n_same} unchanged, {n_flip} flipped"
        );
        // shifts only: each image is the original translated by some (dy, dx) within 1
        // pixel, zero-filled
        let mut sh = many.clone();
        let a = Augment {
            flip: false,
            shift: 1,
        };
        a.apply(&mut sh, 3, 4, 9);
        let shifted = |dy: i64, dx: i64| -> Vec<f32> {
            (0..12)
                .map(|k| {
                    let (y, x) = (k / 4 - dy, k % 4 - dx);
                    if (0..3).contains(&y) && (0..4).contains(&x) {
                        img[(y * 4 + x) as usize]
                    } else {
                        0.0
                    }
                })
                .collect()
        };
        let mut seen = std::collections::BTreeSet::new();
        for im in sh.chunks(12) {
            let hit = (-1..=1)
                .flat_map(|dy| (-1..=1).map(move |dx| (dy, dx)))
                .find(|&(dy, dx)| shifted(dy, dx) == im);
            seen.insert(hit.expect("a translation by at most 1 pixel"));
        }
        assert!(seen.len() >= 6, "shifts drawn: {seen:?}");
        let mut again = many.clone();
        a.apply(&mut again, 3, 4, 9);
        assert_eq!(again, sh, "same seed, same draws");
    }

    #[test]
    fn cosine_schedule_anneals_from_the_rate_to_zero() {
        // 0.5·lr·(1 + cos(pi·s/T)): lr at s = 0, lr/2 at T/2, lr·(2 - sqrt 2)/4 at 3T/4.
        let c = LrSchedule::Cosine;
        assert_eq!(c.rate(1e-3, 0, 100), 1e-3);
        assert!((c.rate(1e-3, 50, 100) - 5e-4).abs() < 1e-15);
        assert!((c.rate(1e-3, 75, 100) - 1e-3 * (2.0 - 2f64.sqrt()) / 4.0).abs() < 1e-15);
        assert_eq!(LrSchedule::Constant.rate(1e-3, 75, 100), 1e-3);
        assert_eq!(LrSchedule::parse("cosine").unwrap(), c);
        assert!(LrSchedule::parse("step").is_err());
    }
}

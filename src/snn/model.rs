//! The FC-SNN (784-1000-10) and the CSNN of the paper's Sec. IV / Fig. 10.

use super::encode::{Encoding, Input};
use super::layer::SpikingLayer;
use super::surrogate::Surrogate;
use crate::neuron::export::{LayerEntry, LayerExport, NeuronSpec};
use crate::Result;
use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, LinearConfig};
use burn::tensor::{Device, Tensor, TensorData};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Everything that defines a network (saved as `config.json` beside the checkpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetConfig {
    /// `fc` or `conv`.
    pub arch: String,
    /// The neuron of every spiking layer.
    pub neuron: NeuronSpec,
    /// The spike surrogate.
    pub surrogate: Surrogate,
    /// Time steps per image.
    pub steps: usize,
    /// Input encoding.
    pub encoding: Encoding,
    /// Hidden width of the FC-SNN (1000 in the paper).
    pub hidden: usize,
}

/// Recorded output of a forward pass.
///
/// # Shapes
/// `spk`, `mem`: `[steps, batch, 10]`.
#[derive(Debug, Clone)]
pub struct SnnOutput {
    /// Output spikes per step.
    pub spk: Tensor<3>,
    /// Output membranes per step.
    pub mem: Tensor<3>,
}

/// Dropout of the spikes that enter a network's output layer, for training: each (image,
/// feature) pair is silenced for all time steps of the presentation with probability `p`
/// (a dropped neuron stays dropped, as SpikingJelly's multi-step dropout does), and the
/// surviving spikes are scaled by `1 / (1 - p)` (inverted dropout: inference runs the
/// network unchanged).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeDropout {
    /// Probability of dropping a feature, in `[0, 1)`.
    pub p: f64,
    /// Seed of the mask (one mask per batch).
    pub seed: u64,
}

impl SpikeDropout {
    /// Applies the mask of `dropout` (none: `spk` as it is) to `spk`, `[steps * batch,
    /// features]` (step-major).
    pub fn apply(dropout: Option<&Self>, spk: Tensor<2>, steps: usize, batch: usize) -> Tensor<2> {
        let Some(d) = dropout.filter(|d| d.p > 0.0) else {
            return spk;
        };
        let [rows, f] = spk.dims();
        debug_assert_eq!(rows, steps * batch);
        let mut rng = rand::rngs::StdRng::seed_from_u64(d.seed);
        let keep = (1.0 / (1.0 - d.p)) as f32;
        let mask: Vec<f32> = (0..batch * f)
            .map(|_| if rng.random::<f64>() < d.p { 0.0 } else { keep })
            .collect();
        let mask = Tensor::<3>::from_data(TensorData::new(mask, [1, batch, f]), &spk.device());
        (spk.reshape([steps, batch, f]) * mask).reshape([steps * batch, f])
    }
}

/// A spiking network the training loop can drive.
pub trait SnnNet: Module + Sized {
    /// Run `steps` time steps on `input`.
    fn forward(&self, input: &Input, steps: usize) -> SnnOutput {
        self.forward_with(input, steps, None)
    }
    /// Run `steps` time steps on `input`, with `dropout` (training) on the spikes that enter
    /// the output layer.
    fn forward_with(
        &self,
        input: &Input,
        steps: usize,
        dropout: Option<&SpikeDropout>,
    ) -> SnnOutput;
    /// Layer entries and weights for the export (forward order).
    fn export_layers(&self) -> (Vec<LayerEntry>, Vec<LayerExport>);
}

fn linear_export(name: &str, l: &Linear) -> (LayerEntry, LayerExport) {
    let w = l.weight.val(); // [in, out]
    let [n_in, out] = w.dims();
    let data = w.to_data().convert::<f32>();
    let v = data.as_slice::<f32>().unwrap_or(&[]);
    let weight = (0..out)
        .map(|o| (0..n_in).map(|i| v[i * out + o]).collect())
        .collect();
    let bias = l.bias.as_ref().map(|b| {
        let d = b.val().to_data().convert::<f32>();
        d.as_slice::<f32>().unwrap_or(&[]).to_vec()
    });
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

fn conv_export(name: &str, c: &Conv2d) -> (LayerEntry, LayerExport) {
    let w = c.weight.val(); // [out, in, kh, kw]
    let [out, n_in, kh, kw] = w.dims();
    let data = w.to_data().convert::<f32>();
    let v = data.as_slice::<f32>().unwrap_or(&[]);
    let row = n_in * kh * kw;
    let weight = (0..out)
        .map(|o| v[o * row..(o + 1) * row].to_vec())
        .collect();
    let bias = c.bias.as_ref().map(|b| {
        let d = b.val().to_data().convert::<f32>();
        d.as_slice::<f32>().unwrap_or(&[]).to_vec()
    });
    (
        LayerEntry {
            name: name.into(),
            kind: "conv2d".into(),
            n_in,
            out,
            file: format!("{name}.json"),
            kernel: Some([kh, kw]),
        },
        LayerExport {
            name: name.into(),
            n_in,
            out,
            weight,
            bias,
            kernel: Some([kh, kw]),
        },
    )
}

/// Three-layer fully connected SNN (Fig. 10(a), Algorithm 1): `fc1 -> lif -> fc2 -> lif`.
#[derive(Module, Debug)]
pub struct FcSnn {
    /// 784 -> hidden.
    pub fc1: Linear,
    /// hidden -> 10.
    pub fc2: Linear,
    /// The spiking neurons (no parameters).
    #[module(skip)]
    pub lif: SpikingLayer,
}

impl FcSnn {
    /// Build from a config (weights: burn's default Kaiming-uniform init, seeded by the
    /// device seed).
    pub fn new(cfg: &NetConfig, inputs: usize, device: &Device) -> Result<Self> {
        Ok(FcSnn {
            fc1: LinearConfig::new(inputs, cfg.hidden).init(device),
            fc2: LinearConfig::new(cfg.hidden, 10).init(device),
            lif: SpikingLayer {
                neuron: cfg.neuron.to_model()?,
                surrogate: cfg.surrogate,
            },
        })
    }
}

impl FcSnn {
    /// The step-by-step forward pass (both layers at each step before the next step). Same
    /// dynamics as [`SnnNet::forward`], which runs layer by layer; kept as the reference the
    /// tests compare against.
    pub fn forward_per_step(&self, input: &Input, steps: usize) -> SnnOutput {
        let cur1_const = match input {
            Input::Direct(x) => Some(self.fc1.forward(x.clone())),
            Input::Steps(_) => None,
        };
        let batch = match input {
            Input::Direct(x) => x.dims()[0],
            Input::Steps(f) => f.first().map(|t| t.dims()[0]).unwrap_or(0),
        };
        let device = self.fc1.weight.val().device();
        let hidden = self.fc1.weight.val().dims()[1];
        let mut mem1 = Tensor::<2>::zeros([batch, hidden], &device);
        let mut mem2 = Tensor::<2>::zeros([batch, 10], &device);
        let (mut spk_rec, mut mem_rec) = (Vec::with_capacity(steps), Vec::with_capacity(steps));
        for t in 0..steps {
            let cur1 = match (&cur1_const, input) {
                (Some(c), _) => c.clone(),
                (None, Input::Steps(f)) => self.fc1.forward(f[t.min(f.len() - 1)].clone()),
                (None, Input::Direct(x)) => self.fc1.forward(x.clone()),
            };
            let (spk1, m1) = self.lif.forward(cur1, mem1);
            mem1 = m1;
            let (spk2, m2) = self.lif.forward(self.fc2.forward(spk1), mem2);
            mem2 = m2;
            spk_rec.push(spk2);
            mem_rec.push(mem2.clone());
        }
        SnnOutput {
            spk: Tensor::stack(spk_rec, 0),
            mem: Tensor::stack(mem_rec, 0),
        }
    }
}

impl SnnNet for FcSnn {
    /// Layer by layer over all steps: `fc1` once (direct code) or on all frames at once,
    /// the first spiking layer's recursion over all steps, `fc2` on all steps at once, then
    /// the output layer's recursion.
    fn forward_with(
        &self,
        input: &Input,
        steps: usize,
        dropout: Option<&SpikeDropout>,
    ) -> SnnOutput {
        let batch = input_batch(input);
        if steps == 0 || matches!(input, Input::Steps(f) if f.is_empty()) {
            return empty_output(batch, &self.fc1.weight.val().device());
        }
        let (cur1, same) = match input {
            Input::Direct(x) => (self.fc1.forward(x.clone()), true),
            Input::Steps(f) => {
                let frames: Vec<Tensor<2>> =
                    (0..steps).map(|t| f[t.min(f.len() - 1)].clone()).collect();
                (self.fc1.forward(Tensor::cat(frames, 0)), false)
            }
        };
        let (spk1, _) = self.lif.forward_steps(cur1, same, steps, false);
        let spk1 = SpikeDropout::apply(dropout, spk1, steps, batch);
        let (spk2, mem2) = self
            .lif
            .forward_steps(self.fc2.forward(spk1), false, steps, true);
        let mem2 = mem2.expect("membranes asked for");
        SnnOutput {
            spk: spk2.reshape([steps, batch, 10]),
            mem: mem2.reshape([steps, batch, 10]),
        }
    }

    fn export_layers(&self) -> (Vec<LayerEntry>, Vec<LayerExport>) {
        let (e1, w1) = linear_export("fc1", &self.fc1);
        let (e2, w2) = linear_export("fc2", &self.fc2);
        (vec![e1, e2], vec![w1, w2])
    }
}

/// Convolutional SNN (Fig. 10(b)): `conv1 (1->32, k5) -> maxpool 2 -> lif -> conv2 (32->64,
/// k5) -> maxpool 2 -> lif -> fc (1024->10) -> lif`. No padding (the paper's "padding = 5"
/// would not give the 4x4 map its FC layer implies for 28x28 inputs).
#[derive(Module, Debug)]
pub struct Csnn {
    /// 1 -> 32 channels, 5x5.
    pub conv1: Conv2d,
    /// 32 -> 64 channels, 5x5.
    pub conv2: Conv2d,
    /// 2x2 max pooling, stride 2.
    pub pool: MaxPool2d,
    /// 64*4*4 -> 10.
    pub fc: Linear,
    /// The spiking neurons (no parameters).
    #[module(skip)]
    pub lif: SpikingLayer,
}

impl Csnn {
    /// Build from a config (28x28 single-channel inputs).
    pub fn new(cfg: &NetConfig, device: &Device) -> Result<Self> {
        Ok(Csnn {
            conv1: Conv2dConfig::new([1, 32], [5, 5]).init(device),
            conv2: Conv2dConfig::new([32, 64], [5, 5]).init(device),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            fc: LinearConfig::new(64 * 4 * 4, 10).init(device),
            lif: SpikingLayer {
                neuron: cfg.neuron.to_model()?,
                surrogate: cfg.surrogate,
            },
        })
    }

    fn stage1(&self, x: Tensor<2>) -> Tensor<4> {
        let [b, _] = x.dims();
        self.pool
            .forward(self.conv1.forward(x.reshape([b, 1, 28, 28])))
    }

    /// `conv2 -> pool` on `[images, 32, 12, 12]`.
    ///
    /// The input is the first spiking layer's output, so the event-driven operation of
    /// [`super::spikeconv`] runs it where it can; burn's dense operations otherwise.
    fn conv2_pool(&self, x: Tensor<4>) -> Tensor<4> {
        if let Some(y) = super::spikeconv::conv_pool(&self.conv2, &self.pool, &x) {
            return y;
        }
        self.pool.forward(self.conv2.forward(x))
    }

    /// The step-by-step forward pass with burn's own `conv2d` (one full network pass per
    /// time step). Same dynamics as [`SnnNet::forward`], which runs layer by layer; kept as
    /// the reference the tests and `bench_train` compare against.
    pub fn forward_per_step(&self, input: &Input, steps: usize) -> SnnOutput {
        let cur1_const = match input {
            Input::Direct(x) => Some(self.stage1(x.clone())),
            Input::Steps(_) => None,
        };
        let batch = input_batch(input);
        let device = self.fc.weight.val().device();
        let mut mem1 = Tensor::<4>::zeros([batch, 32, 12, 12], &device);
        let mut mem2 = Tensor::<4>::zeros([batch, 64, 4, 4], &device);
        let mut mem3 = Tensor::<2>::zeros([batch, 10], &device);
        let (mut spk_rec, mut mem_rec) = (Vec::with_capacity(steps), Vec::with_capacity(steps));
        for t in 0..steps {
            let cur1 = match (&cur1_const, input) {
                (Some(c), _) => c.clone(),
                (None, Input::Steps(f)) => self.stage1(f[t.min(f.len() - 1)].clone()),
                (None, Input::Direct(x)) => self.stage1(x.clone()),
            };
            let (spk1, m1) = self.lif.forward(cur1, mem1);
            mem1 = m1;
            let cur2 = self.pool.forward(self.conv2.forward(spk1));
            let (spk2, m2) = self.lif.forward(cur2, mem2);
            mem2 = m2;
            let (spk3, m3) = self
                .lif
                .forward(self.fc.forward(spk2.reshape([batch, 64 * 16])), mem3);
            mem3 = m3;
            spk_rec.push(spk3);
            mem_rec.push(mem3.clone());
        }
        SnnOutput {
            spk: Tensor::stack(spk_rec, 0),
            mem: Tensor::stack(mem_rec, 0),
        }
    }
}

/// The output of a run with no steps.
fn empty_output(batch: usize, device: &Device) -> SnnOutput {
    let z = Tensor::<3>::zeros([0, batch, 10], device);
    SnnOutput {
        spk: z.clone(),
        mem: z,
    }
}

fn input_batch(input: &Input) -> usize {
    match input {
        Input::Direct(x) => x.dims()[0],
        Input::Steps(f) => f.first().map(|t| t.dims()[0]).unwrap_or(0),
    }
}

impl SnnNet for Csnn {
    /// Layer by layer over all steps (SpikingJelly's multi-step mode): each convolution and
    /// the FC layer run once on the `steps` frames stacked into the batch dimension, and
    /// each spiking layer then runs its recursion over the steps. With direct encoding the
    /// input is the same at every step, so `conv1 -> pool` runs once.
    fn forward_with(
        &self,
        input: &Input,
        steps: usize,
        dropout: Option<&SpikeDropout>,
    ) -> SnnOutput {
        let batch = input_batch(input);
        if steps == 0 || matches!(input, Input::Steps(f) if f.is_empty()) {
            return empty_output(batch, &self.fc.weight.val().device());
        }
        // conv1 -> pool: once for a direct code, else on all frames at once
        let (cur1, same) = match input {
            Input::Direct(x) => (self.stage1(x.clone()), true),
            Input::Steps(f) => {
                let frames: Vec<Tensor<2>> =
                    (0..steps).map(|t| f[t.min(f.len() - 1)].clone()).collect();
                (self.stage1(Tensor::cat(frames, 0)), false)
            }
        };
        let (spk1, _) = self.lif.forward_steps(cur1, same, steps, false);
        // conv2 -> pool on all steps at once
        let (spk2, _) = self
            .lif
            .forward_steps(self.conv2_pool(spk1), false, steps, false);
        // FC on all steps at once
        let spk2 = SpikeDropout::apply(
            dropout,
            spk2.reshape([steps * batch, 64 * 16]),
            steps,
            batch,
        );
        let cur3 = self.fc.forward(spk2);
        let (spk3, mem3) = self.lif.forward_steps(cur3, false, steps, true);
        let mem3 = mem3.expect("membranes asked for");
        SnnOutput {
            spk: spk3.reshape([steps, batch, 10]),
            mem: mem3.reshape([steps, batch, 10]),
        }
    }

    fn export_layers(&self) -> (Vec<LayerEntry>, Vec<LayerExport>) {
        let (e1, w1) = conv_export("conv1", &self.conv1);
        let (e2, w2) = conv_export("conv2", &self.conv2);
        let (e3, w3) = linear_export("fc", &self.fc);
        (vec![e1, e2, e3], vec![w1, w2, w3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::NeuronModel;
    use crate::snn::encode::{encode_batch, Encoding};
    use burn::tensor::Tensor;

    use crate::snn::flat;

    /// Spike dropout: one mask per (image, feature), the same at every step; dropped
    /// features are 0, kept ones scaled by 1/(1-p); about p of them dropped; the same seed
    /// draws the same mask; p = 0 leaves the spikes alone.
    #[test]
    fn spike_dropout_masks_whole_presentations() {
        let dev = crate::snn::cpu();
        let (steps, batch, f) = (3, 4, 500);
        let ones = Tensor::<2>::ones([steps * batch, f], &dev);
        let d = SpikeDropout { p: 0.25, seed: 9 };
        let got = flat(SpikeDropout::apply(Some(&d), ones.clone(), steps, batch));
        let keep = 1.0 / 0.75;
        let first = &got[..batch * f];
        for (i, v) in first.iter().enumerate() {
            assert!(*v == 0.0 || (v - keep).abs() < 1e-6, "[{i}] = {v}");
        }
        for t in 1..steps {
            assert_eq!(&got[t * batch * f..(t + 1) * batch * f], first, "step {t}");
        }
        let dropped = first.iter().filter(|v| **v == 0.0).count() as f64 / (batch * f) as f64;
        assert!((dropped - 0.25).abs() < 0.03, "dropped {dropped}");
        assert_eq!(
            flat(SpikeDropout::apply(Some(&d), ones.clone(), steps, batch)),
            got
        );
        let other = flat(SpikeDropout::apply(
            Some(&SpikeDropout { p: 0.25, seed: 10 }),
            ones.clone(),
            steps,
            batch,
        ));
        assert_ne!(other, got);
        let none = SpikeDropout { p: 0.0, seed: 9 };
        assert_eq!(
            flat(SpikeDropout::apply(Some(&none), ones.clone(), steps, batch)),
            flat(ones)
        );
    }

    fn close(a: &[f32], b: &[f32], tol: f32, what: &str) {
        assert_eq!(a.len(), b.len(), "{what}");
        let scale = b.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-3);
        for (i, (u, v)) in a.iter().zip(b).enumerate() {
            assert!((u - v).abs() <= tol * scale, "{what}[{i}]: {u} vs {v}");
        }
    }

    /// The layer-by-layer forward pass (steps stacked into the batch, each spiking layer's
    /// recursion run over all steps at once) against the step-by-step one (one full network
    /// pass per step): output spikes, membranes and the gradients of every weight, for a
    /// direct and a rate code on 2 images x 4 steps.
    #[test]
    fn layer_by_layer_equals_step_by_step() {
        let dev = crate::snn::cpu().autodiff();
        let px: Vec<f32> = (0..2 * 784)
            .map(|i| ((i * 37 % 101) as f32 / 100.0).powi(2))
            .collect();
        for (neuron, enc) in [("leaky", Encoding::Direct), ("dw", Encoding::Rate)] {
            let cfg = NetConfig {
                arch: "conv".into(),
                neuron: NeuronSpec::from_model(&NeuronModel::network_preset(neuron).unwrap()),
                surrogate: Surrogate::ArcTan { slope: 2.0 },
                steps: 4,
                encoding: enc,
                hidden: 1000,
            };
            let mut net = crate::snn::seeded(&dev, 7, || Csnn::new(&cfg, &dev)).unwrap();
            // scaled-up init weights, so that every layer spikes within 4 steps
            net.conv1.weight = net
                .conv1
                .weight
                .map(|w| w.mul_scalar(4.0).detach().require_grad());
            net.conv2.weight = net
                .conv2
                .weight
                .map(|w| w.mul_scalar(4.0).detach().require_grad());
            net.fc.weight = net
                .fc
                .weight
                .map(|w| w.mul_scalar(4.0).detach().require_grad());
            let input = encode_batch(enc, &px, 2, cfg.steps, 5, &dev);
            let run = |layered: bool| {
                let out = if layered {
                    net.forward(&input, cfg.steps)
                } else {
                    net.forward_per_step(&input, cfg.steps)
                };
                assert_eq!(out.spk.dims(), [4, 2, 10]);
                // the CSNN loss's ingredients: spike counts, plus the membranes so that
                // every step contributes a gradient
                let l = out.spk.clone().sum_dim(0).powi_scalar(2).sum()
                    + out.mem.clone().powi_scalar(2).sum().mul_scalar(0.1);
                let g = l.backward();
                let gw = |p: &burn::module::Param<Tensor<4>>| flat(p.val().grad(&g).unwrap());
                (
                    flat(out.spk),
                    flat(out.mem),
                    gw(&net.conv1.weight),
                    gw(&net.conv2.weight),
                    flat(net.fc.weight.val().grad(&g).unwrap()),
                )
            };
            let (a, b) = (run(true), run(false));
            let n_spk = b.0.iter().sum::<f32>();
            assert!(
                n_spk > 0.0,
                "{neuron}: no output spikes (max mem {:?})",
                b.1.iter().fold(f32::MIN, |m, v| m.max(*v))
            );
            // spikes are 0/1: exactly equal unless a membrane lies within f32 rounding of
            // the threshold (none does here)
            assert_eq!(a.0, b.0, "{neuron} {enc:?}: spikes");
            // same sums in another order (up to 800-term dot products): 1e-5 of the
            // largest value for membranes, 1e-4 for gradients (longer accumulation chains)
            close(&a.1, &b.1, 1e-5, "mem");
            close(&a.2, &b.2, 1e-4, "conv1 grad");
            close(&a.3, &b.3, 1e-4, "conv2 grad");
            close(&a.4, &b.4, 1e-4, "fc grad");
        }
    }

    /// The FC-SNN's layer-by-layer pass (fused spiking layers) against its step-by-step one
    /// (tensor code, burn's autodiff): spikes, membranes and both weight gradients, for the
    /// three neuron models under a direct and a rate code.
    #[test]
    fn fc_layer_by_layer_equals_step_by_step() {
        let dev = crate::snn::cpu().autodiff();
        let px: Vec<f32> = (0..3 * 784)
            .map(|i| ((i * 53 % 97) as f32 / 96.0).powi(2))
            .collect();
        for (neuron, enc) in [
            ("leaky", Encoding::Direct),
            ("dw", Encoding::Direct),
            ("skyrmion", Encoding::Rate),
        ] {
            let cfg = NetConfig {
                arch: "fc".into(),
                neuron: NeuronSpec::from_model(&NeuronModel::network_preset(neuron).unwrap()),
                surrogate: Surrogate::ArcTan { slope: 2.0 },
                steps: 6,
                encoding: enc,
                hidden: 40,
            };
            let mut net = crate::snn::seeded(&dev, 11, || FcSnn::new(&cfg, 784, &dev)).unwrap();
            // scaled-up init weights, so that both layers spike within 6 steps
            net.fc1.weight = net
                .fc1
                .weight
                .map(|w| w.mul_scalar(6.0).detach().require_grad());
            net.fc2.weight = net
                .fc2
                .weight
                .map(|w| w.mul_scalar(6.0).detach().require_grad());
            let input = encode_batch(enc, &px, 3, cfg.steps, 5, &dev);
            let run = |layered: bool| {
                let out = if layered {
                    net.forward(&input, cfg.steps)
                } else {
                    net.forward_per_step(&input, cfg.steps)
                };
                assert_eq!(out.spk.dims(), [6, 3, 10]);
                let l = out.spk.clone().sum_dim(0).powi_scalar(2).sum()
                    + out.mem.clone().powi_scalar(2).sum().mul_scalar(0.1);
                let g = l.backward();
                (
                    flat(out.spk),
                    flat(out.mem),
                    flat(net.fc1.weight.val().grad(&g).unwrap()),
                    flat(net.fc2.weight.val().grad(&g).unwrap()),
                )
            };
            let (a, b) = (run(true), run(false));
            assert!(b.0.iter().sum::<f32>() > 0.0, "{neuron}: no output spikes");
            assert_eq!(a.0, b.0, "{neuron} {enc:?}: spikes");
            // the fused layer computes in f64 and rounds once; the tensor code rounds every
            // operation to f32: 1e-5 of the largest membrane, 1e-4 of the largest gradient
            close(&a.1, &b.1, 1e-5, "mem");
            close(&a.2, &b.2, 1e-4, "fc1 grad");
            close(&a.3, &b.3, 1e-4, "fc2 grad");
        }
    }
}

//! Training throughput of the FC-SNN (784-1000-10) and the CSNN, 25 steps, batch 128, on
//! the CPU (burn's flex backend): median images/s over a few timed batches after a warm-up.
//!
//! ```sh
//! cargo run --release --example bench_train -- [DATA_DIR] [BATCHES] [--model LIST]
//!     [--steps N] [--per-step] [--default-malloc]
//! ```
//! DATA_DIR defaults to `tests/data/mnist` (the committed subset); BATCHES to 5. `--model`
//! keeps only the listed models (comma-separated `arch/neuron`, e.g. `conv/leaky,fc/leaky`;
//! default: all six). `--steps` sets the time steps (default 25). `--per-step` runs the
//! CSNN through `Csnn::forward_per_step` (one whole network pass per step with burn's own
//! `conv2d`, the implementation before the layer-by-layer one) for comparison.
//! Compare with `examples/bench_snntorch.py` (same models in snnTorch on CPU PyTorch).
//! Each line also gives the median CPU seconds per batch (user + system, every thread),
//! steadier than wall time on a shared machine.

#[path = "common/cputime.rs"]
#[allow(dead_code)]
mod cputime;

use burn::tensor::Device;
use spinspice::neuron::data;
use spinspice::neuron::encode::Encoding;
use spinspice::neuron::export::NeuronSpec;
use spinspice::neuron::NeuronModel;
use spinspice::snn::adam::Adam;
use spinspice::snn::encode::encode_batch;
use spinspice::snn::model::{Csnn, FcSnn, NetConfig, SnnNet};
use spinspice::snn::surrogate::Surrogate;
use spinspice::snn::train::{batch_pixels, loss};
use std::time::Instant;

fn one_hot(labels: &[u8], device: &Device) -> burn::tensor::Tensor<2> {
    let mut v = vec![0f32; labels.len() * 10];
    for (b, &l) in labels.iter().enumerate() {
        v[b * 10 + l as usize] = 1.0;
    }
    burn::tensor::Tensor::from_data(burn::tensor::TensorData::new(v, [labels.len(), 10]), device)
}

/// Which forward pass a CSNN benchmark runs.
trait Forward: SnnNet {
    fn run(
        &self,
        input: &spinspice::snn::encode::Input,
        steps: usize,
        per_step: bool,
    ) -> spinspice::snn::model::SnnOutput;
}
impl Forward for FcSnn {
    fn run(
        &self,
        input: &spinspice::snn::encode::Input,
        steps: usize,
        _: bool,
    ) -> spinspice::snn::model::SnnOutput {
        self.forward(input, steps)
    }
}
impl Forward for Csnn {
    fn run(
        &self,
        input: &spinspice::snn::encode::Input,
        steps: usize,
        per_step: bool,
    ) -> spinspice::snn::model::SnnOutput {
        if per_step {
            self.forward_per_step(input, steps)
        } else {
            self.forward(input, steps)
        }
    }
}

fn bench<N: Forward>(
    name: &str,
    per_step: bool,
    mut model: N,
    cfg: &NetConfig,
    split: &data::Split,
    batches: usize,
    device: &Device,
) {
    let bs = 128;
    let mut optim = Adam::default();
    let mut times = vec![];
    let mut cpus = vec![];
    let mut fwd = vec![];
    for i in 0..batches + 1 {
        let idx: Vec<usize> = (0..bs).map(|k| (i * bs + k) % split.len()).collect();
        let (px, labels) = batch_pixels(split, &idx);
        let t0 = Instant::now();
        let c0 = cputime::self_cpu();
        let input = encode_batch(cfg.encoding, &px, bs, cfg.steps, i as u64, device);
        let out = model.run(&input, cfg.steps, per_step);
        let l = loss(&cfg.arch, &out, one_hot(&labels, device));
        let tf = t0.elapsed().as_secs_f64();
        let grads = l.backward();
        model = optim.step(5e-4, model, &grads);
        let dt = t0.elapsed().as_secs_f64();
        let dc = cputime::self_cpu() - c0;
        if i > 0 {
            times.push(dt);
            cpus.push(dc);
            fwd.push(tf);
        }
    }
    fwd.sort_by(f64::total_cmp);
    times.sort_by(f64::total_cmp);
    cpus.sort_by(f64::total_cmp);
    let med = times[times.len() / 2];
    println!(
        "{name:<28} median {:.3} s/batch of {bs} -> {:.1} images/s ({:.3} CPU s/batch; \
         forward {:.3} s)",
        med,
        bs as f64 / med,
        cpus[cpus.len() / 2],
        fwd[fwd.len() / 2]
    );
}

fn main() -> spinspice::Result<()> {
    // as `spinspice train` does; `--default-malloc` leaves glibc's defaults (for comparison)
    if !std::env::args().any(|a| a == "--default-malloc") {
        spinspice::snn::tune_allocator();
    }
    let mut pos = vec![];
    let (mut models, mut steps, mut per_step) = (None::<Vec<String>>, 25usize, false);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--model" => {
                let list = args.next().unwrap_or_default();
                models = Some(list.split(',').map(|m| m.trim().to_string()).collect());
            }
            "--steps" => steps = args.next().and_then(|s| s.parse().ok()).unwrap_or(25),
            "--per-step" => per_step = true,
            "--default-malloc" => {}
            _ => pos.push(a),
        }
    }
    let dir = pos
        .first()
        .cloned()
        .unwrap_or_else(|| "tests/data/mnist".into());
    let batches: usize = pos.get(1).and_then(|s| s.parse().ok()).unwrap_or(5);
    let ds = data::load("mnist", std::path::Path::new(&dir), None, Some(1))?;
    let device = spinspice::snn::cpu().autodiff();
    device.seed(1);
    for neuron in ["leaky", "dw", "skyrmion"] {
        for arch in ["fc", "conv"] {
            let name = format!("{arch}/{neuron}");
            if models.as_ref().is_some_and(|m| !m.contains(&name)) {
                continue;
            }
            let cfg = NetConfig {
                arch: arch.into(),
                neuron: NeuronSpec::from_model(&NeuronModel::network_preset(neuron)?),
                surrogate: Surrogate::ArcTan { slope: 2.0 },
                steps,
                encoding: Encoding::Direct,
                hidden: 1000,
            };
            let label = if per_step && arch == "conv" {
                format!("{name} (per step)")
            } else {
                name.clone()
            };
            if arch == "fc" {
                let model = FcSnn::new(&cfg, 784, &device)?;
                bench(&label, false, model, &cfg, &ds.train, batches, &device);
            } else {
                let model = Csnn::new(&cfg, &device)?;
                bench(&label, per_step, model, &cfg, &ds.train, batches, &device);
            }
        }
    }
    Ok(())
}

//! A spiking layer: one compact neuron model plus a spike surrogate.

use super::surrogate::Surrogate;
use crate::neuron::{Neuron, NeuronModel};
use burn::tensor::Tensor;

/// Spiking neurons of any shape: `mem' = neuron.update(mem, input)` (reset from the previous
/// membrane, without gradient), `spike = surrogate.spike(mem' - threshold)`.
///
/// # Shapes
/// `input`, `mem` and both outputs share one shape (`[batch, features]` or
/// `[batch, channels, height, width]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikingLayer {
    /// The membrane dynamics.
    pub neuron: NeuronModel,
    /// The spike surrogate.
    pub surrogate: Surrogate,
}

impl SpikingLayer {
    /// One time step: returns `(spike, membrane)`.
    pub fn forward<const D: usize>(
        &self,
        input: Tensor<D>,
        mem: Tensor<D>,
    ) -> (Tensor<D>, Tensor<D>) {
        let mem = self.neuron.update(mem, input);
        let spk = self
            .surrogate
            .spike(mem.clone().sub_scalar(self.neuron.threshold()));
        (spk, mem)
    }

    /// All `steps` steps at once, from a zero membrane. `cur` holds the inputs stacked
    /// step-major along dim 0 (`[steps * batch, ...]`), or, if `same_each_step`, one input
    /// `[batch, ...]` applied at every step. Returns the spikes and, if `with_mem`, the
    /// membranes, each `[steps * batch, ...]`. Runs as one fused autodiff operation on the
    /// CPU backend ([`super::fused`]); elsewhere it loops over [`SpikingLayer::forward`].
    pub fn forward_steps<const D: usize>(
        &self,
        cur: Tensor<D>,
        same_each_step: bool,
        steps: usize,
        with_mem: bool,
    ) -> (Tensor<D>, Option<Tensor<D>>) {
        let dims = cur.dims();
        let in_steps = if same_each_step { 1 } else { steps.max(1) };
        let per_step = dims[0] / in_steps;
        let m = per_step * dims[1..].iter().product::<usize>();
        let mut out_dims = dims;
        out_dims[0] = per_step * steps;
        if steps == 0 {
            let z = Tensor::<D>::zeros(out_dims, &cur.device());
            return (z.clone(), with_mem.then_some(z));
        }
        let flat: Tensor<2> = cur.clone().reshape([in_steps, m]);
        if let Some(out) = super::fused::run_steps(self, flat, steps, with_mem) {
            if !with_mem {
                return (out.reshape(out_dims), None);
            }
            let spk = out.clone().narrow(0, 0, 1).reshape(out_dims);
            let mem = out.narrow(0, 1, 1).reshape(out_dims);
            return (spk, Some(mem));
        }
        let inputs: Vec<Tensor<D>> = if same_each_step {
            vec![cur; steps]
        } else {
            cur.chunk(steps, 0)
        };
        let mut mem = Tensor::<D>::zeros(inputs[0].shape(), &inputs[0].device());
        let (mut spk, mut mems) = (Vec::with_capacity(steps), Vec::with_capacity(steps));
        for c in inputs {
            let (s, m) = self.forward(c, mem);
            spk.push(s);
            if with_mem {
                mems.push(m.clone());
            }
            mem = m;
        }
        (Tensor::cat(spk, 0), with_mem.then(|| Tensor::cat(mems, 0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::{Device, TensorData};

    fn loss_of(layer: &SpikingLayer, w: &[f32], x: &[f32], dev: &Device) -> (f64, Vec<f64>) {
        // 3 steps of a 1-neuron layer driven by w . x; loss = sum of spikes + 0.1 * sum mem^2
        let wt =
            Tensor::<2>::from_data(TensorData::new(w.to_vec(), [w.len(), 1]), dev).require_grad();
        let xt = Tensor::<2>::from_data(TensorData::new(x.to_vec(), [1, x.len()]), dev);
        let cur = xt.matmul(wt.clone());
        let mut mem = Tensor::<2>::zeros([1, 1], dev);
        let mut loss = Tensor::<1>::zeros([1], dev);
        for _ in 0..3 {
            let (s, m) = layer.forward(cur.clone(), mem);
            mem = m;
            loss = loss + s.sum() + mem.clone().powi_scalar(2).sum().mul_scalar(0.1);
        }
        let v = loss.to_data().as_slice::<f32>().unwrap()[0] as f64;
        let g = if dev.is_autodiff() {
            let grads = loss.backward();
            let g = wt.grad(&grads).unwrap().to_data();
            g.as_slice::<f32>()
                .unwrap()
                .iter()
                .map(|&v| v as f64)
                .collect()
        } else {
            vec![]
        };
        (v, g)
    }

    /// The layer's autodiff gradient (BPTT over 3 steps, all three neuron models) against
    /// central finite differences of an f64 replica in which the spike is the smooth `S~`.
    #[test]
    fn gradient_matches_finite_differences_through_the_surrogate() {
        // A model where no spike flips under the perturbation: membrane below threshold at
        // all three steps, so H is locally constant and the only non-smooth part is the
        // surrogate's straight-through term, whose gradient is dS~/dx. Finite differences of
        // sum(S~(mem - thr)) + 0.1 sum mem^2 then equal the autodiff gradient.
        for name in ["leaky", "dw", "skyrmion"] {
            let neuron = NeuronModel::network_preset(name).unwrap();
            let layer = SpikingLayer {
                neuron,
                surrogate: Surrogate::ArcTan { slope: 2.0 },
            };
            let dev = crate::snn::cpu().autodiff();
            let w = [0.1f32, 0.2, -0.05];
            let x = [0.5f32, 0.6, 0.2];
            let (_, g) = loss_of(&layer, &w, &x, &dev);
            // reference: f64 replica of the forward with S~ in place of H for the loss
            let f = |w: &[f64]| {
                let cur: f64 = w.iter().zip(&x).map(|(a, b)| a * *b as f64).sum();
                let mut mem = 0.0;
                let mut l = 0.0;
                for _ in 0..3 {
                    mem = neuron.update(mem, cur);
                    l += layer.surrogate.value(mem - neuron.threshold()) + 0.1 * mem * mem;
                }
                l
            };
            let h = 1e-5;
            for k in 0..3 {
                let mut wp: Vec<f64> = w.iter().map(|&v| v as f64).collect();
                let mut wm = wp.clone();
                wp[k] += h;
                wm[k] -= h;
                let fd = (f(&wp) - f(&wm)) / (2.0 * h);
                // f32 autodiff vs f64 central difference: 1e-4 relative
                assert!(
                    (g[k] - fd).abs() < 1e-4 * fd.abs().max(1e-2),
                    "{name} w{k}: {} vs {fd}",
                    g[k]
                );
            }
        }
    }
}

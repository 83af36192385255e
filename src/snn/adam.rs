//! Adam (Kingma & Ba 2015) over a burn module's float parameters, with optional decoupled
//! weight decay (AdamW, Loshchilov & Hutter 2019) and a checkpointable state.
//!
//! burn's own optimizers sit behind its `optim` cargo feature, which the pinned dependency
//! set does not enable (enabling it rebuilds all of burn); this is the textbook update:
//! `m = b1 m + (1-b1) g`, `v = b2 v + (1-b2) g^2`, `p -= lr * m_hat / (sqrt(v_hat) + eps)`
//! with `m_hat = m / (1 - b1^t)`, `v_hat = v / (1 - b2^t)`. With a weight decay `wd > 0`
//! each parameter first shrinks, `p *= 1 - lr * wd`, apart from the gradient's moments (as
//! PyTorch's `AdamW`, which also decays biases). State is keyed by the
//! parameter's module path, so it survives a save/load of the model.

use crate::{Error, Result};
use burn::module::{Module, ModuleMapper, Param};
use burn::tensor::{Device, Gradients, Tensor, TensorData};
use std::collections::BTreeMap;
use std::path::Path;

/// Adam hyper-parameters and moment estimates.
#[derive(Debug, Clone)]
pub struct Adam {
    /// First-moment decay (0.9).
    pub beta1: f64,
    /// Second-moment decay (0.999).
    pub beta2: f64,
    /// Denominator guard (1e-8).
    pub eps: f64,
    /// Decoupled weight decay (0: plain Adam).
    pub weight_decay: f64,
    /// Steps taken.
    pub t: u64,
    state: BTreeMap<String, (Tensor<1>, Tensor<1>)>,
}

impl Default for Adam {
    fn default() -> Self {
        Adam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            t: 0,
            state: BTreeMap::new(),
        }
    }
}

struct Mapper<'a> {
    adam: &'a mut Adam,
    grads: &'a Gradients,
    lr: f64,
    path: Vec<String>,
}

impl ModuleMapper for Mapper<'_> {
    fn enter_module(&mut self, name: &str, _container_type: &str) {
        self.path.push(name.to_string());
    }
    fn exit_module(&mut self, _name: &str, _container_type: &str) {
        self.path.pop();
    }
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let (id, tensor, mapper) = param.consume();
        let Some(g) = tensor.grad(self.grads) else {
            return Param::from_mapped_value(id, tensor, mapper);
        };
        let shape = g.dims();
        let n: usize = shape.iter().product();
        let g: Tensor<1> = g.reshape([n]);
        let key = self.path.join(".");
        let a = &mut *self.adam;
        let (m, v) = a
            .state
            .remove(&key)
            .unwrap_or_else(|| (g.zeros_like(), g.zeros_like()));
        let m = m.mul_scalar(a.beta1) + g.clone().mul_scalar(1.0 - a.beta1);
        let v = v.mul_scalar(a.beta2) + g.square().mul_scalar(1.0 - a.beta2);
        let t = a.t as i32;
        let mhat = m.clone().div_scalar(1.0 - a.beta1.powi(t));
        let vhat = v.clone().div_scalar(1.0 - a.beta2.powi(t));
        let upd = (mhat / vhat.sqrt().add_scalar(a.eps)).mul_scalar(self.lr);
        let mut x: Tensor<1> = tensor.inner().reshape([n]);
        if a.weight_decay != 0.0 {
            x = x.mul_scalar(1.0 - self.lr * a.weight_decay);
        }
        let x = x - upd;
        a.state.insert(key, (m, v));
        let new = Tensor::from_inner(x.reshape(shape)).require_grad();
        Param::from_mapped_value(id, new, mapper)
    }
}

impl Adam {
    /// One update of every parameter of `model` that has a gradient in `grads`.
    pub fn step<M: Module>(&mut self, lr: f64, model: M, grads: &Gradients) -> M {
        self.t += 1;
        let mut m = Mapper {
            adam: self,
            grads,
            lr,
            path: vec![],
        };
        model.map(&mut m)
    }

    /// Save the state (little-endian binary) to `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        let mut b = Vec::new();
        b.extend_from_slice(b"ADAM1");
        b.extend_from_slice(&self.t.to_le_bytes());
        b.extend_from_slice(&(self.state.len() as u64).to_le_bytes());
        for (k, (m, v)) in &self.state {
            b.extend_from_slice(&(k.len() as u64).to_le_bytes());
            b.extend_from_slice(k.as_bytes());
            for t in [m, v] {
                let d = t.to_data().convert::<f32>();
                let s = d.as_slice::<f32>().unwrap_or(&[]);
                b.extend_from_slice(&(s.len() as u64).to_le_bytes());
                for x in s {
                    b.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        crate::neuron::export::write_atomic(path, &b)
    }

    /// Load a state written by [`Adam::save`] onto `device`.
    pub fn load(path: &Path, device: &Device) -> Result<Self> {
        let b = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let bad = || Error::Usage(format!("{}: not an Adam state file", path.display()));
        let mut pos = 0usize;
        let mut take = |n: usize| -> Result<&[u8]> {
            let s = b.get(pos..pos + n).ok_or_else(bad)?;
            pos += n;
            Ok(s)
        };
        if take(5)? != b"ADAM1" {
            return Err(bad());
        }
        let u64_of = |s: &[u8]| u64::from_le_bytes(s.try_into().unwrap_or([0; 8]));
        let mut adam = Adam {
            t: u64_of(take(8)?),
            ..Adam::default()
        };
        let entries = u64_of(take(8)?);
        for _ in 0..entries {
            let kl = u64_of(take(8)?) as usize;
            let key = String::from_utf8(take(kl)?.to_vec()).map_err(|_| bad())?;
            let mut pair = vec![];
            for _ in 0..2 {
                let n = u64_of(take(8)?) as usize;
                let raw = take(n.checked_mul(4).ok_or_else(bad)?)?;
                let vals: Vec<f32> = raw
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
                pair.push(Tensor::<1>::from_data(TensorData::new(vals, [n]), device));
            }
            let v = pair.pop().ok_or_else(bad)?;
            let m = pair.pop().ok_or_else(bad)?;
            adam.state.insert(key, (m, v));
        }
        Ok(adam)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::{Linear, LinearConfig};

    /// A 3 -> 2 linear layer drawn from `seed`, its initial weights, and the gradients of
    /// the loss sum(W x + b) at x = (1, -2, 0.5): dL/dW[i][o] = x[i].
    fn linear_and_grads(dev: &Device, seed: u64) -> (Linear, TensorData, Gradients) {
        let lin: Linear =
            crate::snn::seeded(dev, seed, || Ok(LinearConfig::new(3, 2).init(dev))).unwrap();
        let w0 = lin.weight.val().to_data().convert::<f32>();
        let x = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, -2.0, 0.5], [1, 3]), dev);
        let grads = lin.forward(x).sum().backward();
        (lin, w0, grads)
    }

    // One Adam step from zero moments moves every parameter with a non-zero gradient by
    // exactly lr * sign(g) (m_hat = g, v_hat = g^2), up to eps: checked on a linear layer
    // whose loss is sum(W x + b).
    #[test]
    fn first_step_is_lr_times_sign() {
        let dev = crate::snn::cpu().autodiff();
        let (lin, w0, grads) = linear_and_grads(&dev, 5);
        let mut adam = Adam::default();
        let lin = adam.step(0.01, lin, &grads);
        let w1 = lin.weight.val().to_data().convert::<f32>();
        // dL/dW[i][o] = x[i]: the weight moves by -0.01 * sign(x[i])
        let (a, b) = (w0.as_slice::<f32>().unwrap(), w1.as_slice::<f32>().unwrap());
        for i in 0..3 {
            for o in 0..2 {
                let want = -0.01 * [1.0f32, -1.0, 1.0][i];
                assert!((b[i * 2 + o] - a[i * 2 + o] - want).abs() < 1e-6);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        adam.save(&dir.path().join("a.bin")).unwrap();
        let back = Adam::load(&dir.path().join("a.bin"), &dev.clone().without_autodiff()).unwrap();
        assert_eq!(back.t, 1);
        assert_eq!(back.state.len(), 2);
    }

    // Decoupled weight decay (AdamW): the first step from zero moments scales the parameter
    // by 1 - lr * wd, then moves it by lr * sign(g) as plain Adam does; a parameter without
    // a gradient is left alone.
    #[test]
    fn weight_decay_shrinks_then_steps() {
        let dev = crate::snn::cpu().autodiff();
        let (lin, w0, grads) = linear_and_grads(&dev, 6);
        let mut adam = Adam {
            weight_decay: 0.5,
            ..Adam::default()
        };
        let (lr, wd) = (0.01f32, 0.5f32);
        let lin = adam.step(lr as f64, lin, &grads);
        let w1 = lin.weight.val().to_data().convert::<f32>();
        let (a, b) = (w0.as_slice::<f32>().unwrap(), w1.as_slice::<f32>().unwrap());
        for i in 0..3 {
            for o in 0..2 {
                let want = a[i * 2 + o] * (1.0 - lr * wd) - lr * [1.0f32, -1.0, 1.0][i];
                assert!(
                    (b[i * 2 + o] - want).abs() < 1e-6,
                    "{} vs {want}",
                    b[i * 2 + o]
                );
            }
        }
        // no gradients at all: nothing moves, nothing decays
        let none = Tensor::<1>::zeros([1], &dev)
            .require_grad()
            .sum()
            .backward();
        let same = adam.step(lr as f64, lin.clone(), &none);
        assert_eq!(
            same.weight
                .val()
                .to_data()
                .convert::<f32>()
                .as_slice::<f32>(),
            w1.as_slice::<f32>()
        );
    }
}

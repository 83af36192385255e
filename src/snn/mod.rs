//! Spiking neural networks on burn: surrogate-gradient spiking layers for each compact
//! neuron model, the FC-SNN (784-1000-10) and the CSNN of the paper's Sec. IV, input
//! encodings, the training loop (BPTT, Adam), evaluation and the weight export.
//!
//! The neuron update is [`crate::neuron::Neuron::update`], the same code the circuit's
//! compact device runs in `f64`: this module only supplies the tensor implementation of
//! [`crate::neuron::Real`] and the spike surrogate.

pub mod adam;
pub mod cli;
pub mod conv;
pub mod encode;
pub mod eval;
pub mod layer;
pub mod model;
mod report;
pub mod surrogate;
pub mod train;

use crate::neuron::Real;
use burn::tensor::{Device, Tensor};

/// The CPU device the networks run on: burn's NdArray backend (the pinned feature set; burn
/// marks it deprecated in favour of `flex`, which is not enabled here).
#[allow(deprecated)]
pub fn cpu() -> Device {
    Device::ndarray()
}

impl<const D: usize> Real for Tensor<D> {
    fn plus(self, other: Self) -> Self {
        self + other
    }
    fn minus(self, other: Self) -> Self {
        self - other
    }
    fn times(self, other: Self) -> Self {
        self * other
    }
    fn scale(self, k: f64) -> Self {
        self.mul_scalar(k)
    }
    fn offset(self, c: f64) -> Self {
        self.add_scalar(c)
    }
    fn floor_at(self, lo: f64) -> Self {
        self.clamp_min(lo)
    }
    fn step_detached(self) -> Self {
        self.greater_elem(0.0).float().detach()
    }
}

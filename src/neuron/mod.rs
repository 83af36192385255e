//! Compact leaky integrate-and-fire neuron models, written once for every number type.
//!
//! Each model ([`Leaky`], [`DwLif`], [`SkyrmionLif`]) defines its continuous-time membrane
//! equation once, generically over the small numeric trait [`Real`]. The trait is implemented
//! here for `f64` (the circuit's compact device, [`export::infer_fc`]) and in `snn` for burn
//! tensors (the spiking layers), so both use literally the same update.
//!
//! # Time stepping and reset (snnTorch's `Leaky` semantics)
//! [`Neuron::update`] advances one network step (normalised time, `dt = 1`):
//! 1. `r = H(mem - threshold)` from the *previous* membrane, without gradient;
//! 2. `mem' = step(mem, input, 1)` (forward Euler of [`Neuron::derivative`]);
//! 3. reset: `Subtract`: `mem' - r * reset_amount`; `Zero`: `mem' * (1 - r)`; `None`: `mem'`;
//! 4. an optional floor (the racetrack's end: the wall or skyrmion cannot leave the track).
//!
//! The output spike is `H(mem' - threshold)` ([`fire`] for `f64`; a surrogate-gradient
//! spike in `snn`). This is the order of the paper's Algorithm 1 and of snnTorch.

pub mod data;
pub mod dw;
pub mod encode;
pub mod export;
pub mod fit;
mod fit_csv;
pub mod leaky;
pub mod skyrmion;

pub use dw::DwLif;
pub use leaky::Leaky;
pub use skyrmion::SkyrmionLif;

use serde::{Deserialize, Serialize};

/// The arithmetic a neuron update needs. Implemented for `f64` here and for burn tensors in
/// `snn`; methods take `self` by value (tensors are cheap handles).
pub trait Real: Clone {
    /// `self + other`.
    fn plus(self, other: Self) -> Self;
    /// `self - other`.
    fn minus(self, other: Self) -> Self;
    /// Elementwise `self * other`.
    fn times(self, other: Self) -> Self;
    /// `self * k`.
    fn scale(self, k: f64) -> Self;
    /// `self + c`.
    fn offset(self, c: f64) -> Self;
    /// `max(self, lo)`; where it carries derivatives (tensors, dual numbers) they pass
    /// straight through the clamp, as the surrogate passes them through the spike.
    fn floor_at(self, lo: f64) -> Self;
    /// Heaviside `H(self)` (1 where `self > 0`, else 0) carrying no gradient.
    fn step_detached(self) -> Self;
}

impl Real for f64 {
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
        self * k
    }
    fn offset(self, c: f64) -> Self {
        self + c
    }
    fn floor_at(self, lo: f64) -> Self {
        self.max(lo)
    }
    fn step_detached(self) -> Self {
        if self > 0.0 {
            1.0
        } else {
            0.0
        }
    }
}

/// What happens to the membrane after a spike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Reset {
    /// Subtract the reset amount (the threshold, or the model's Eq. (13) amount).
    #[default]
    Subtract,
    /// Set the membrane to zero.
    Zero,
    /// No reset.
    None,
}

impl std::str::FromStr for Reset {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "subtract" => Ok(Reset::Subtract),
            "zero" => Ok(Reset::Zero),
            "none" => Ok(Reset::None),
            _ => Err(crate::Error::Usage(format!(
                "unknown reset `{s}` (expected subtract, zero or none)"
            ))),
        }
    }
}

/// A compact LIF neuron: continuous-time membrane equation plus threshold and reset.
pub trait Neuron {
    /// Firing threshold of the membrane variable.
    fn threshold(&self) -> f64;
    /// Reset mechanism.
    fn reset(&self) -> Reset;
    /// Amount subtracted on a spike when `reset() == Subtract` (default: the threshold).
    fn reset_amount(&self) -> f64 {
        self.threshold()
    }
    /// Lower bound of the membrane (the end of the track), if any.
    fn floor(&self) -> Option<f64> {
        None
    }
    /// Length of one network step in the model's time unit (1 for normalised presets, the
    /// paper's `dt` in seconds for device-unit presets).
    fn dt(&self) -> f64 {
        1.0
    }
    /// `dm/dt` at membrane `m` and input `input` (the model's ODE, without reset).
    fn derivative<T: Real>(&self, m: T, input: T) -> T;
    /// One forward-Euler step of length `dt` of [`Neuron::derivative`], without reset.
    #[inline]
    fn step<T: Real>(&self, m: T, input: T, dt: f64) -> T {
        let d = self.derivative(m.clone(), input);
        m.plus(d.scale(dt))
    }
    /// One network time step (length [`Neuron::dt`]) with reset; see the module docs.
    #[inline]
    fn update<T: Real>(&self, mem: T, input: T) -> T {
        let r = mem.clone().offset(-self.threshold()).step_detached();
        let next = self.step(mem, input, self.dt());
        let next = match self.reset() {
            Reset::Subtract => next.minus(r.scale(self.reset_amount())),
            Reset::Zero => {
                let keep = r.scale(-1.0).offset(1.0);
                next.times(keep)
            }
            Reset::None => next,
        };
        match self.floor() {
            Some(lo) => next.floor_at(lo),
            None => next,
        }
    }
}

/// The units a normalised preset is measured in: membrane in `m0`, time in `t0`, input in
/// `i0` (all in the device preset's units), so that `m = m0 * m_hat`, `t = t0 * tau`,
/// `I = i0 * I_hat`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scales {
    /// Membrane unit (the threshold: position or magnetisation).
    pub m0: f64,
    /// Time unit (the device step `dt`, seconds).
    pub t0: f64,
    /// Input unit (current or current density) that makes the normalised input gain 1.
    pub i0: f64,
}

/// The output spike of an `f64` membrane: `H(mem - threshold)` (1.0 or 0.0).
pub fn fire(mem: f64, threshold: f64) -> f64 {
    (mem - threshold).step_detached()
}

/// Any of the three models, chosen at run time (CLI, export files).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NeuronModel {
    /// snnTorch's `Leaky`.
    Leaky(Leaky),
    /// The domain-wall LIF neuron, Eqs. (9)-(14).
    Dw(DwLif),
    /// The skyrmion LIF neuron, Eqs. (15)-(19) and Algorithm 1.
    Skyrmion(SkyrmionLif),
}

impl NeuronModel {
    /// The network (normalised) preset of a model by name: `leaky`, `dw` or `skyrmion`.
    pub fn network_preset(name: &str) -> crate::Result<Self> {
        match name {
            "leaky" => Ok(NeuronModel::Leaky(Leaky::default())),
            "dw" => Ok(NeuronModel::Dw(DwLif::network())),
            "skyrmion" => Ok(NeuronModel::Skyrmion(SkyrmionLif::network())),
            _ => Err(crate::Error::Usage(format!(
                "unknown neuron model `{name}` (expected leaky, dw or skyrmion)"
            ))),
        }
    }

    /// The model's name as used on the command line and in export files.
    pub fn name(&self) -> &'static str {
        match self {
            NeuronModel::Leaky(_) => "leaky",
            NeuronModel::Dw(_) => "dw",
            NeuronModel::Skyrmion(_) => "skyrmion",
        }
    }
}

impl Neuron for NeuronModel {
    fn threshold(&self) -> f64 {
        match self {
            NeuronModel::Leaky(n) => n.threshold(),
            NeuronModel::Dw(n) => n.threshold(),
            NeuronModel::Skyrmion(n) => n.threshold(),
        }
    }
    fn reset(&self) -> Reset {
        match self {
            NeuronModel::Leaky(n) => n.reset(),
            NeuronModel::Dw(n) => n.reset(),
            NeuronModel::Skyrmion(n) => n.reset(),
        }
    }
    fn reset_amount(&self) -> f64 {
        match self {
            NeuronModel::Leaky(n) => n.reset_amount(),
            NeuronModel::Dw(n) => n.reset_amount(),
            NeuronModel::Skyrmion(n) => n.reset_amount(),
        }
    }
    fn floor(&self) -> Option<f64> {
        match self {
            NeuronModel::Leaky(n) => n.floor(),
            NeuronModel::Dw(n) => n.floor(),
            NeuronModel::Skyrmion(n) => n.floor(),
        }
    }
    fn dt(&self) -> f64 {
        match self {
            NeuronModel::Leaky(n) => n.dt(),
            NeuronModel::Dw(n) => n.dt(),
            NeuronModel::Skyrmion(n) => n.dt(),
        }
    }
    #[inline]
    fn derivative<T: Real>(&self, m: T, input: T) -> T {
        match self {
            NeuronModel::Leaky(n) => n.derivative(m, input),
            NeuronModel::Dw(n) => n.derivative(m, input),
            NeuronModel::Skyrmion(n) => n.derivative(m, input),
        }
    }
}

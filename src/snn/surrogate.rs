//! Surrogate gradients for the spike `S = H(U - U_th)` (Eq. (20)).
//!
//! The forward pass keeps the Heaviside step; the backward pass sees the derivative of a
//! smooth `S~` by straight-through composition: `spike = H(x).detach() + (S~(x) -
//! S~(x).detach())`. The bracket is exactly zero in value (so spikes are exactly 0 or 1) and
//! carries `dS~/dx` as its gradient.
//!
//! - `ArcTan { slope: a }`: `S~ = atan(pi a x / 2) / pi`, `dS~/dx = (a/2) / (1 + (pi a x /
//!   2)^2)` (snnTorch's `atan`). With `a = 2` this is Eq. (21), `S~ = atan(pi U) / pi`, whose
//!   derivative is `1 / (1 + (pi U)^2)`; the paper's Eq. (22) carries an extra factor `1/pi`
//!   that does not follow from Eq. (21).
//! - `FastSigmoid { slope: k }`: `S~ = x / (1 + k|x|)`, `dS~/dx = 1 / (1 + k|x|)^2`.
//! - `Sigmoid { slope: k }`: `S~ = sigmoid(k x)`, `dS~/dx = k sigmoid(k x) (1 - sigmoid(k x))`
//!   (burn's sigmoid is the numerically stable form).

use burn::tensor::{activation, Tensor};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// A spike surrogate with its slope parameter.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Surrogate {
    /// Arctangent (Eqs. (21)-(22)); snnTorch default slope 2.
    ArcTan {
        /// Slope `a`.
        slope: f64,
    },
    /// Fast sigmoid; snnTorch default slope 25.
    FastSigmoid {
        /// Slope `k`.
        slope: f64,
    },
    /// Logistic sigmoid; snnTorch default slope 25.
    Sigmoid {
        /// Slope `k`.
        slope: f64,
    },
}

impl Default for Surrogate {
    fn default() -> Self {
        Surrogate::ArcTan { slope: 2.0 }
    }
}

impl Surrogate {
    /// By name (`atan`, `fast-sigmoid`, `sigmoid`) with the given slope, or the snnTorch
    /// default slope when `None`.
    pub fn parse(name: &str, slope: Option<f64>) -> crate::Result<Self> {
        match name {
            "atan" | "arctan" => Ok(Surrogate::ArcTan {
                slope: slope.unwrap_or(2.0),
            }),
            "fast-sigmoid" | "fast_sigmoid" => Ok(Surrogate::FastSigmoid {
                slope: slope.unwrap_or(25.0),
            }),
            "sigmoid" => Ok(Surrogate::Sigmoid {
                slope: slope.unwrap_or(25.0),
            }),
            _ => Err(crate::Error::Usage(format!(
                "unknown surrogate `{name}` (expected atan, fast-sigmoid or sigmoid)"
            ))),
        }
    }

    /// The smooth function `S~(x)` in `f64`.
    pub fn value(&self, x: f64) -> f64 {
        match *self {
            Surrogate::ArcTan { slope } => (PI * slope * x / 2.0).atan() / PI,
            Surrogate::FastSigmoid { slope } => x / (1.0 + slope * x.abs()),
            Surrogate::Sigmoid { slope } => {
                let z = slope * x;
                if z >= 0.0 {
                    1.0 / (1.0 + (-z).exp())
                } else {
                    z.exp() / (1.0 + z.exp())
                }
            }
        }
    }

    /// The analytic derivative `dS~/dx` in `f64`.
    pub fn grad(&self, x: f64) -> f64 {
        match *self {
            Surrogate::ArcTan { slope } => (slope / 2.0) / (1.0 + (PI * slope * x / 2.0).powi(2)),
            Surrogate::FastSigmoid { slope } => 1.0 / (1.0 + slope * x.abs()).powi(2),
            Surrogate::Sigmoid { slope } => {
                let s = self.value(x);
                slope * s * (1.0 - s)
            }
        }
    }

    /// The smooth function on a tensor (differentiable).
    pub fn smooth<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        match *self {
            Surrogate::ArcTan { slope } => x.mul_scalar(PI * slope / 2.0).atan().div_scalar(PI),
            Surrogate::FastSigmoid { slope } => {
                let den = x.clone().abs().mul_scalar(slope).add_scalar(1.0);
                x / den
            }
            Surrogate::Sigmoid { slope } => activation::sigmoid(x.mul_scalar(slope)),
        }
    }

    /// The spike `H(x)` (exactly 0 or 1) with the surrogate's gradient.
    pub fn spike<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        let h = x.clone().greater_elem(0.0).float().detach();
        let s = self.smooth(x);
        h + (s.clone() - s.detach())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::TensorData;

    const XS: [f64; 7] = [-1.5, -0.4, -0.05, 0.0, 0.05, 0.4, 1.5];

    // Analytic derivatives against central differences of the f64 values (h = 1e-6: error
    // O(h^2 f''') < 1e-8 for these slopes).
    #[test]
    fn f64_grad_matches_value() {
        for s in [
            Surrogate::ArcTan { slope: 2.0 },
            Surrogate::FastSigmoid { slope: 25.0 },
            Surrogate::Sigmoid { slope: 5.0 },
        ] {
            for x in XS {
                if x == 0.0 && matches!(s, Surrogate::FastSigmoid { .. }) {
                    continue; // |x| kink: one-sided derivatives agree, central difference too
                }
                let h = 1e-6;
                let fd = (s.value(x + h) - s.value(x - h)) / (2.0 * h);
                assert!(
                    (fd - s.grad(x)).abs() < 1e-6,
                    "{s:?} x={x}: {fd} {}",
                    s.grad(x)
                );
            }
        }
        // Eq. (21) with slope 2: dS/dU = 1 / (1 + (pi U)^2); at U = 0.5: 1/(1 + pi^2/4)
        let a = Surrogate::ArcTan { slope: 2.0 };
        assert!((a.grad(0.5) - 1.0 / (1.0 + PI * PI / 4.0)).abs() < 1e-15);
    }

    // The tensor spike: forward exactly H(x), backward the analytic derivative (f32: 1e-5).
    #[test]
    fn tensor_spike_forward_and_backward() {
        let dev = crate::snn::cpu().autodiff();
        for s in [
            Surrogate::ArcTan { slope: 2.0 },
            Surrogate::FastSigmoid { slope: 25.0 },
            Surrogate::Sigmoid { slope: 25.0 },
        ] {
            let xs: Vec<f32> = XS.iter().map(|&x| x as f32).collect();
            let x = Tensor::<1>::from_data(TensorData::new(xs.clone(), [XS.len()]), &dev)
                .require_grad();
            let y = s.spike(x.clone());
            let vals = y.to_data();
            let vals = vals.as_slice::<f32>().unwrap();
            for (v, x) in vals.iter().zip(XS) {
                assert_eq!(*v, if x > 0.0 { 1.0 } else { 0.0 });
            }
            let grads = y.sum().backward();
            let g = x.grad(&grads).unwrap().to_data();
            for (g, x) in g.as_slice::<f32>().unwrap().iter().zip(XS) {
                let want = s.grad(x);
                assert!(
                    (*g as f64 - want).abs() < 1e-5 * want.max(1.0),
                    "{s:?} {x}: {g} {want}"
                );
            }
        }
    }
}

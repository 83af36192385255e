//! A spiking layer's recursion over all time steps as one autodiff operation.
//!
//! Run step by step on tensors, a layer costs about ten small elementwise tensor operations
//! per step forward and as many backward, each a pass over memory with its own allocation
//! and graph node; for the FC-SNN that was most of a training batch. Here the whole
//! recursion `mem_t = update(mem_{t-1}, cur_t)`, `spk_t = H(mem_t - threshold)` runs in one
//! pass per element over all steps, threaded with rayon, and is one node of burn's autodiff
//! graph with a hand-written backward pass (backpropagation through time).
//!
//! The neuron is still defined once: the forward pass evaluates
//! [`crate::neuron::Neuron::update`] on blocks of dual numbers ([`Duals`]), which carry the
//! derivatives of the new membrane with respect to the previous membrane and to the input. With those two
//! local derivatives `a_t = d mem_t / d mem_{t-1}` and `b_t = d mem_t / d cur_t`, and the
//! surrogate's derivative `s'_t` at `mem_t - threshold`, the backward pass is the
//! reverse recursion
//!
//! ```text
//! g_t     = dL/dmem_t (direct) + dL/dspk_t * s'_t + a_{t+1} * g_{t+1}
//! dL/dcur_t = b_t * g_t
//! ```
//!
//! which is what burn's autodiff computes through the step-by-step tensor code (the reset
//! term `H(mem - threshold)` is detached there and has zero derivative here). The
//! arithmetic is `f32`, as in the tensor code.
//!
//! Only burn's Flex CPU backend (the one [`crate::snn::cpu`] returns) is handled; on any
//! other device [`run_steps`] returns `None` and the caller falls back to the step-by-step
//! tensor code.

use super::layer::SpikingLayer;
use super::surrogate::Surrogate;
use crate::neuron::{Neuron, Real};
use crate::simd::SharedMut;
use burn::tensor::{Tensor, TensorData};
use burn_autodiff::checkpoint::base::Checkpointer;
use burn_autodiff::checkpoint::strategy::NoCheckpointing;
use burn_autodiff::grads::Gradients;
use burn_autodiff::ops::{Backward, Ops, OpsKind};
use burn_autodiff::Autodiff;
use burn_flex::{Flex, FlexTensor};
use rayon::prelude::*;
use std::sync::Arc;

/// Lanes per [`Duals`] block.
pub const LANES: usize = 16;

/// [`LANES`] values, each with its derivatives with respect to the previous membrane (`dm`)
/// and to the step's input (`di`): forward-mode differentiation of one neuron update on a
/// block of neurons at once (the block keeps the neuron model's dispatch out of the
/// per-element work and lets the arithmetic vectorise).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duals {
    /// The values.
    pub v: [f32; LANES],
    /// Derivatives with respect to the previous membrane.
    pub dm: [f32; LANES],
    /// Derivatives with respect to the input current.
    pub di: [f32; LANES],
}

impl Duals {
    /// Values `v` with derivatives `dm` and `di` equal to the given constants.
    #[inline(always)]
    pub fn new(v: [f32; LANES], dm: f32, di: f32) -> Self {
        Duals {
            v,
            dm: [dm; LANES],
            di: [di; LANES],
        }
    }

    #[inline(always)]
    fn map(self, f: impl Fn(f32, f32, f32) -> (f32, f32, f32)) -> Self {
        let mut r = self;
        for k in 0..LANES {
            (r.v[k], r.dm[k], r.di[k]) = f(self.v[k], self.dm[k], self.di[k]);
        }
        r
    }

    #[inline(always)]
    fn zip(self, o: Self, f: impl Fn([f32; 3], [f32; 3]) -> [f32; 3]) -> Self {
        let mut r = self;
        for k in 0..LANES {
            [r.v[k], r.dm[k], r.di[k]] = f(
                [self.v[k], self.dm[k], self.di[k]],
                [o.v[k], o.dm[k], o.di[k]],
            );
        }
        r
    }
}

impl Real for Duals {
    #[inline(always)]
    fn plus(self, o: Self) -> Self {
        self.zip(o, |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]])
    }
    #[inline(always)]
    fn minus(self, o: Self) -> Self {
        self.zip(o, |a, b| [a[0] - b[0], a[1] - b[1], a[2] - b[2]])
    }
    #[inline(always)]
    fn times(self, o: Self) -> Self {
        self.zip(o, |a, b| {
            [
                a[0] * b[0],
                a[1] * b[0] + a[0] * b[1],
                a[2] * b[0] + a[0] * b[2],
            ]
        })
    }
    #[inline(always)]
    fn scale(self, k: f64) -> Self {
        let k = k as f32;
        self.map(|v, m, i| (v * k, m * k, i * k))
    }
    #[inline(always)]
    fn offset(self, c: f64) -> Self {
        let c = c as f32;
        self.map(|v, m, i| (v + c, m, i))
    }
    #[inline(always)]
    fn floor_at(self, lo: f64) -> Self {
        // straight through, as the tensor form (`snn::Tensor::floor_at`): the value is
        // clamped, the derivatives are kept
        let lo = lo as f32;
        self.map(|v, m, i| if v >= lo { (v, m, i) } else { (lo, m, i) })
    }
    #[inline(always)]
    fn step_detached(self) -> Self {
        self.map(|v, _, _| (if v > 0.0 { 1.0 } else { 0.0 }, 0.0, 0.0))
    }
}

/// Columns (neurons) per rayon task: a multiple of [`LANES`].
const CHUNK: usize = 4096;

/// A raw pointer to a `[rows, m]` buffer shared by tasks that each own a column range.
/// Every task writes only the columns of its own range (see `row`).
#[derive(Clone, Copy)]
struct Cols(SharedMut<f32>, usize);

impl Cols {
    fn of(v: &mut [f32], m: usize) -> Self {
        Cols(SharedMut::new(v), m)
    }
    /// Columns `lo..hi` of row `t`.
    ///
    /// # Safety
    /// The row exists, `hi <= m`, and no other live slice covers these columns of the row
    /// (each task asks only for its own column range, once per row at a time).
    #[allow(clippy::mut_from_ref)]
    unsafe fn row(&self, t: usize, lo: usize, hi: usize) -> &mut [f32] {
        unsafe { std::slice::from_raw_parts_mut(self.0.get().add(t * self.1 + lo), hi - lo) }
    }
}

/// The surrogate's derivative, evaluated in `f32` on a row segment.
fn surrogate_grad(sur: &Surrogate, x: &[f32], out: &mut [f32]) {
    match *sur {
        Surrogate::ArcTan { slope } => {
            let (a, c) = (
                (slope / 2.0) as f32,
                (std::f64::consts::PI * slope / 2.0) as f32,
            );
            for (o, &x) in out.iter_mut().zip(x) {
                *o = a / (1.0 + (c * x) * (c * x));
            }
        }
        Surrogate::FastSigmoid { slope } => {
            let k = slope as f32;
            for (o, &x) in out.iter_mut().zip(x) {
                let d = 1.0 + k * x.abs();
                *o = 1.0 / (d * d);
            }
        }
        Surrogate::Sigmoid { slope } => {
            let k = slope as f32;
            for (o, &x) in out.iter_mut().zip(x) {
                let s = 1.0 / (1.0 + (-k * x).exp());
                *o = k * s * (1.0 - s);
            }
        }
    }
}

/// The forward recursion. `cur` is `[in_steps, m]` (`in_steps` is `steps`, or 1 for an input
/// that is the same at every step); returns the output `[parts, steps, m]` (the spikes, then
/// if `parts == 2` the membranes) and, if `keep`, the local derivatives `a`, `b` and the
/// surrogate derivative, each `[steps, m]`.
fn forward(
    layer: &SpikingLayer,
    cur: &[f32],
    (parts, steps, m): (usize, usize, usize),
    keep: bool,
) -> (Vec<f32>, Option<[Vec<f32>; 3]>) {
    let n = steps * m;
    let const_in = cur.len() == m;
    let mut out = vec![0f32; parts * n];
    let mut saved = keep.then(|| [vec![0f32; n], vec![0f32; n], vec![0f32; n]]);
    let po = Cols::of(&mut out, m);
    let ps = saved
        .as_mut()
        .map(|[a, b, s]| [Cols::of(a, m), Cols::of(b, m), Cols::of(s, m)]);
    let neuron = layer.neuron;
    let thr = neuron.threshold() as f32;
    let task = |lo: usize| {
        let hi = (lo + CHUNK).min(m);
        let mut mem = vec![0f32; hi - lo];
        let mut x = vec![0f32; hi - lo];
        for t in 0..steps {
            let row_in = if const_in { 0 } else { t };
            let c = &cur[row_in * m + lo..row_in * m + hi];
            // SAFETY: rows t and steps + t of `out`, row t of the saved buffers, columns
            // lo..hi: this task's own range, one slice per buffer at a time
            let spk = unsafe { po.row(t, lo, hi) };
            for k0 in (0..hi - lo).step_by(LANES) {
                let w = LANES.min(hi - lo - k0);
                let (mut mv, mut cv) = ([0f32; LANES], [0f32; LANES]);
                mv[..w].copy_from_slice(&mem[k0..k0 + w]);
                cv[..w].copy_from_slice(&c[k0..k0 + w]);
                let d = neuron.update(Duals::new(mv, 1.0, 0.0), Duals::new(cv, 0.0, 1.0));
                mem[k0..k0 + w].copy_from_slice(&d.v[..w]);
                if let Some([pa, pb, _]) = &ps {
                    // SAFETY: as above
                    let (ra, rb) = unsafe { (pa.row(t, lo, hi), pb.row(t, lo, hi)) };
                    ra[k0..k0 + w].copy_from_slice(&d.dm[..w]);
                    rb[k0..k0 + w].copy_from_slice(&d.di[..w]);
                }
            }
            for ((s, xv), &v) in spk.iter_mut().zip(&mut x).zip(&mem) {
                *xv = v - thr;
                *s = if *xv > 0.0 { 1.0 } else { 0.0 };
            }
            if parts == 2 {
                // SAFETY: as above
                unsafe { po.row(steps + t, lo, hi) }.copy_from_slice(&mem);
            }
            if let Some([_, _, pg]) = &ps {
                // SAFETY: as above
                surrogate_grad(&layer.surrogate, &x, unsafe { pg.row(t, lo, hi) });
            }
        }
    };
    (0..m.div_ceil(CHUNK))
        .into_par_iter()
        .for_each(|k| task(k * CHUNK));
    (out, saved)
}

/// The backward recursion: `g` is the gradient of the output `[parts, steps, m]`; returns
/// the gradient of the input, `[in_steps, m]`.
fn backward(saved: &Saved, g: &[f32]) -> Vec<f32> {
    let (steps, m) = (saved.steps, saved.m);
    let n = steps * m;
    let [a, b, s] = &*saved.local;
    let const_in = saved.const_in;
    let mut gin = vec![0f32; if const_in { m } else { n }];
    let pg = Cols::of(&mut gin, m);
    (0..m.div_ceil(CHUNK)).into_par_iter().for_each(|k| {
        let (lo, hi) = (k * CHUNK, (k * CHUNK + CHUNK).min(m));
        let mut carry = vec![0f32; hi - lo];
        let mut gm = vec![0f32; hi - lo];
        for t in (0..steps).rev() {
            let r = t * m + lo..t * m + hi;
            let gs = &g[r.clone()];
            let (at, bt, st) = (&a[r.clone()], &b[r.clone()], &s[r.clone()]);
            for j in 0..hi - lo {
                gm[j] = gs[j] * st[j] + carry[j];
            }
            if saved.parts == 2 {
                for (x, d) in gm.iter_mut().zip(&g[n + r.start..n + r.end]) {
                    *x += d;
                }
            }
            for j in 0..hi - lo {
                carry[j] = gm[j] * at[j];
            }
            // SAFETY: row 0 (constant input) or row t of `gin`, columns lo..hi: this task's
            // own range
            let out = unsafe { pg.row(if const_in { 0 } else { t }, lo, hi) };
            for j in 0..hi - lo {
                if const_in {
                    out[j] += gm[j] * bt[j];
                } else {
                    out[j] = gm[j] * bt[j];
                }
            }
        }
    });
    gin
}

/// What the backward pass keeps from the forward pass.
#[derive(Debug, Clone)]
struct Saved {
    parts: usize,
    steps: usize,
    m: usize,
    const_in: bool,
    /// `a`, `b` and the surrogate derivative, each `[steps, m]`.
    local: Arc<[Vec<f32>; 3]>,
}

#[derive(Debug)]
struct StepsOp;

impl Backward<Flex, 1> for StepsOp {
    type State = Saved;

    fn backward(self, ops: Ops<Saved, 1>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [parent] = ops.parents;
        let g = grads.consume::<Flex>(&ops.node).to_contiguous();
        if let Some(node) = parent {
            let gs = g.as_slice::<f32>().expect("f32 gradient");
            let gin = backward(&ops.state, gs);
            let rows = if ops.state.const_in {
                1
            } else {
                ops.state.steps
            };
            let t = FlexTensor::from_data(TensorData::new(gin, [rows, ops.state.m]));
            grads.register::<Flex>(node.id, t);
        }
    }
}

/// Run `layer` over `steps` steps of the input `cur`, `[in_steps, m]` with `in_steps` equal
/// to `steps` or to 1 (the same input at every step). Returns `[parts, steps, m]`: the
/// spikes, then if `with_mem` the membranes. `None` when the tensor is not on burn's Flex
/// backend (or not `f32`), in which case the caller runs the step-by-step tensor code.
pub fn run_steps(
    layer: &SpikingLayer,
    cur: Tensor<2>,
    steps: usize,
    with_mem: bool,
) -> Option<Tensor<3>> {
    let [rows, m] = cur.dims();
    if !(rows == steps || rows == 1) || steps == 0 {
        return None;
    }
    let parts = if with_mem { 2 } else { 1 };
    let shape = [parts, steps, m];
    let dims = (parts, steps, m);
    if cur.device().is_autodiff() {
        let ad = cur
            .try_into_primitive::<Autodiff<Flex, NoCheckpointing>>()
            .ok()?;
        let input = ad.primitive().to_contiguous();
        let data = input.as_slice::<f32>()?;
        let tensor = match StepsOp
            .prepare::<NoCheckpointing>([ad.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(prep) => {
                let (out, local) = forward(layer, data, dims, true);
                let saved = Saved {
                    parts,
                    steps,
                    m,
                    const_in: rows == 1 && steps > 1,
                    local: Arc::new(local.expect("kept")),
                };
                let out = FlexTensor::from_data(TensorData::new(out, shape));
                prep.finish(saved, out)
            }
            OpsKind::UnTracked(prep) => {
                let (out, _) = forward(layer, data, dims, false);
                prep.finish(FlexTensor::from_data(TensorData::new(out, shape)))
            }
        };
        Some(Tensor::from_primitive::<Autodiff<Flex, NoCheckpointing>>(
            tensor,
        ))
    } else {
        let p = cur.try_into_primitive::<Flex>().ok()?.to_contiguous();
        let (out, _) = forward(layer, p.as_slice::<f32>()?, dims, false);
        Some(Tensor::from_primitive::<Flex>(FlexTensor::from_data(
            TensorData::new(out, shape),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::{NeuronModel, SkyrmionLif};
    use crate::snn::surrogate::Surrogate;

    fn layer(name: &str) -> SpikingLayer {
        SpikingLayer {
            neuron: NeuronModel::network_preset(name).unwrap(),
            surrogate: Surrogate::ArcTan { slope: 2.0 },
        }
    }

    /// The dual numbers' derivatives of one update against central differences of the f64
    /// update, for each model, below and above threshold and on the floor (where the
    /// derivatives pass straight through: those of the update without the floor).
    #[test]
    fn dual_derivatives_match_finite_differences() {
        let pts = [
            (0.2, 0.3),
            (0.7, -0.4),
            (1.3, 0.5),
            (-0.3, 0.05),
            (0.95, 0.9),
        ];
        let (mut mv, mut cv) = ([0f32; LANES], [0f32; LANES]);
        for (k, (m, c)) in pts.iter().enumerate() {
            (mv[k], cv[k]) = (*m as f32, *c as f32);
        }
        for name in ["leaky", "dw", "skyrmion"] {
            let n = layer(name).neuron;
            let d = n.update(Duals::new(mv, 1.0, 0.0), Duals::new(cv, 0.0, 1.0));
            let through = match n {
                NeuronModel::Skyrmion(s) => NeuronModel::Skyrmion(SkyrmionLif { floor: None, ..s }),
                other => other,
            };
            for k in 0..pts.len() {
                let (mem, cur) = (mv[k] as f64, cv[k] as f64);
                let v = n.update(mem, cur);
                assert!(
                    (d.v[k] as f64 - v).abs() < 1e-6,
                    "{name}: value {} vs {v}",
                    d.v[k]
                );
                let h = 1e-6;
                let fm = (through.update(mem + h, cur) - through.update(mem - h, cur)) / (2.0 * h);
                let fi = (through.update(mem, cur + h) - through.update(mem, cur - h)) / (2.0 * h);
                // piecewise linear or smooth away from the threshold and the floor, none of
                // which lies within h of these points; f32 derivatives: 1e-6 absolute
                let (dm, di) = (d.dm[k] as f64, d.di[k] as f64);
                assert!(
                    (dm - fm).abs() < 1e-6,
                    "{name} ({mem}, {cur}): dm {dm} vs {fm}"
                );
                assert!(
                    (di - fi).abs() < 1e-6,
                    "{name} ({mem}, {cur}): di {di} vs {fi}"
                );
            }
        }
    }

    use crate::snn::flat;

    /// Regression (skyrmion CSNN: with a zero gradient below the track end, two of the ten
    /// output neurons ended silent for every class and the test accuracy stalled at 80 %):
    /// the floor clamps the value and passes the gradient, in the tensor form (burn's
    /// autodiff) and in the dual numbers of the fused layer.
    #[test]
    fn floor_passes_the_gradient_straight_through() {
        let dev = crate::snn::cpu().autodiff();
        let x =
            Tensor::<1>::from_data(TensorData::new(vec![-0.5f32, 0.5], [2]), &dev).require_grad();
        let y = x.clone().floor_at(0.0);
        assert_eq!(flat(y.clone()), vec![0.0, 0.5]);
        let g = y.sum().backward();
        assert_eq!(flat(x.grad(&g).unwrap()), vec![1.0, 1.0]);
        let d = Duals::new([-0.5; LANES], 1.0, 0.0).floor_at(0.0);
        assert_eq!((d.v[0], d.dm[0], d.di[0]), (0.0, 1.0, 0.0));
    }

    /// The fused operation against the step-by-step tensor code differentiated by burn's
    /// autodiff (independent code): spikes, membranes and the input gradient of a loss that
    /// weights every spike and membrane, for per-step and constant inputs.
    #[test]
    fn fused_layer_matches_tensor_autodiff() {
        let dev = crate::snn::cpu().autodiff();
        let (steps, m) = (7, 300);
        for name in ["leaky", "dw", "skyrmion"] {
            let l = layer(name);
            for same in [false, true] {
                let rows = if same { 1 } else { steps };
                let x: Vec<f32> = (0..rows * m)
                    .map(|i| ((i * 7919 % 1000) as f32 / 1000.0) * 1.2 - 0.3)
                    .collect();
                let w: Vec<f32> = (0..steps * m)
                    .map(|i| ((i * 104_729 % 997) as f32 / 997.0) - 0.5)
                    .collect();
                let wt = Tensor::<2>::from_data(TensorData::new(w, [steps, m]), &dev);
                let run = |fused: bool| {
                    let cur = Tensor::<2>::from_data(TensorData::new(x.clone(), [rows, m]), &dev)
                        .require_grad();
                    let (spk, mem) = if fused {
                        let out = run_steps(&l, cur.clone(), steps, true).expect("flex backend");
                        (
                            out.clone().narrow(0, 0, 1).reshape([steps, m]),
                            out.narrow(0, 1, 1).reshape([steps, m]),
                        )
                    } else {
                        let mut mem = Tensor::<2>::zeros([1, m], &dev);
                        let (mut s, mut ms) = (vec![], vec![]);
                        for t in 0..steps {
                            let c = cur.clone().narrow(0, if same { 0 } else { t }, 1);
                            let (sp, mm) = l.forward(c, mem);
                            s.push(sp);
                            ms.push(mm.clone());
                            mem = mm;
                        }
                        (Tensor::cat(s, 0), Tensor::cat(ms, 0))
                    };
                    let loss = (spk.clone() * wt.clone()).sum()
                        + (mem.clone() * wt.clone()).powi_scalar(2).sum();
                    let g = loss.backward();
                    (flat(spk), flat(mem), flat(cur.grad(&g).unwrap()))
                };
                let (a, b) = (run(true), run(false));
                assert!(b.0.iter().any(|&s| s > 0.0), "{name}: no spikes");
                assert_eq!(a.0, b.0, "{name} same={same}: spikes");
                for (k, (p, q)) in [(&a.1, &b.1), (&a.2, &b.2)].into_iter().enumerate() {
                    let scale = q.iter().fold(1e-3f32, |s, v| s.max(v.abs()));
                    for (u, v) in p.iter().zip(q) {
                        // the same f32 operations in another grouping, over at most 7 steps
                        // (and a 7-term sum for a constant input): 1e-5 relative
                        assert!((u - v).abs() <= 1e-5 * scale, "{name} part {k}: {u} vs {v}");
                    }
                }
            }
        }
    }
}

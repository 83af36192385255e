//! 2D convolution as im2col plus one matrix product, so that its backward pass is two
//! matrix products and a scatter-add.
//!
//! burn-ndarray 0.22.1 runs `conv2d` as a direct loop and differentiates it through
//! `conv_transpose2d` and a weight-gradient convolution over the batch, both direct loops:
//! on the CSNN's second layer that is more than 10x slower than a GEMM. Here the input is
//! made channels-last (`[batch * h * w, channels]` rows), the `k x k` window of every output
//! pixel is gathered with one `select` of whole rows into a `[batch * out_h * out_w,
//! k * k * channels]` column matrix, and the convolution is one product with the weight as
//! a `[k * k * channels, out]` matrix (a permuted view of burn's `[out, in, kh, kw]`
//! parameter, so the parameters, their initialisation and the checkpoints are unchanged).
//! `select` is used rather than `k * k` slices because burn-ndarray copies a strided slice
//! element by element through dynamic-rank indexing, which cost more than the GEMM.

use burn::tensor::{Int, Tensor, TensorData};

/// Row indices of the im2col gather: for each output pixel `(n, oh, ow)` (row-major) and
/// each kernel offset `(i, j)` (row-major), the input pixel `n * h * w + (oh + i) * w + ow
/// + j`.
fn window_rows(n: usize, h: usize, w: usize, kh: usize, kw: usize) -> Vec<i64> {
    let (oh, ow) = (h + 1 - kh, w + 1 - kw);
    let mut idx = Vec::with_capacity(n * oh * ow * kh * kw);
    for b in 0..n {
        for y in 0..oh {
            for x in 0..ow {
                for i in 0..kh {
                    let row = (b * h + y + i) * w + x;
                    idx.extend((0..kw).map(|j| (row + j) as i64));
                }
            }
        }
    }
    idx
}

/// Stride-1, unpadded, ungrouped 2D convolution (burn's `Conv2dConfig` default), computed
/// as im2col + GEMM. Same values as `burn::tensor::module::conv2d` up to f32 summation
/// order.
///
/// # Shapes
/// `x`: `[batch, in, h, w]`; `weight`: `[out, in, k_h, k_w]`; `bias`: `[out]`;
/// output: `[batch, out, h - k_h + 1, w - k_w + 1]` (a channels-last buffer seen through a
/// permutation).
///
/// The caller guarantees `h >= k_h`, `w >= k_w` and matching channel counts (the CSNN's
/// fixed shapes); burn's shape checks panic otherwise, as its own `conv2d` would.
pub fn conv2d_gemm(x: Tensor<4>, weight: Tensor<4>, bias: Option<Tensor<1>>) -> Tensor<4> {
    let [n, c, h, w] = x.dims();
    let [o, _, kh, kw] = weight.dims();
    let (oh, ow) = (h + 1 - kh, w + 1 - kw);
    let device = x.device();
    let idx = window_rows(n, h, w, kh, kw);
    let len = idx.len();
    let idx = Tensor::<1, Int>::from_data(TensorData::new(idx, [len]), &device);
    // rows: output pixels; columns: (i, j, channel)
    let cols: Tensor<2> = if c == 1 {
        // one channel: a flat gather (burn-ndarray's 1D select is a plain indexed copy)
        let flat: Tensor<1> = x.reshape([n * h * w]);
        flat.select(0, idx).reshape([n * oh * ow, kh * kw])
    } else {
        let rows: Tensor<2> = x.permute([0, 2, 3, 1]).reshape([n * h * w, c]);
        rows.select(0, idx).reshape([n * oh * ow, kh * kw * c])
    };
    let wm: Tensor<2> = weight.permute([2, 3, 1, 0]).reshape([kh * kw * c, o]);
    let mut y = cols.matmul(wm); // [n*oh*ow, o]
    if let Some(b) = bias {
        y = y + b.reshape([1, o]);
    }
    y.reshape([n, oh, ow, o]).permute([0, 3, 1, 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::module::conv2d;
    use burn::tensor::ops::ConvOptions;
    use burn::tensor::{Device, TensorData};

    fn tensor<const D: usize>(shape: [usize; D], seed: u32, dev: &Device) -> Tensor<D> {
        // deterministic pseudo-random values in [-1, 1), some exact ties (value 0.25)
        let len: usize = shape.iter().product();
        let mut s = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        let v: Vec<f32> = (0..len)
            .map(|i| {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                if i % 7 == 3 {
                    0.25
                } else {
                    (s % 2000) as f32 / 1000.0 - 1.0
                }
            })
            .collect();
        Tensor::from_data(TensorData::new(v, shape), dev)
    }

    fn flat<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        t.into_data()
            .convert::<f32>()
            .as_slice::<f32>()
            .unwrap()
            .to_vec()
    }

    /// Forward values and all three gradients against burn's own `conv2d` (direct loop,
    /// independent code), on a small case with a non-square kernel and input.
    #[test]
    fn matches_burn_conv2d_values_and_gradients() {
        let dev = crate::snn::cpu().autodiff();
        let x0 = tensor([3, 4, 9, 8], 1, &dev);
        let w0 = tensor([5, 4, 3, 2], 2, &dev);
        let b0 = tensor([5], 3, &dev);
        let g = tensor([3, 5, 7, 7], 4, &dev); // upstream gradient (loss = sum(y * g))
        let run = |gemm: bool| {
            let (x, w, b) = (
                x0.clone().require_grad(),
                w0.clone().require_grad(),
                b0.clone().require_grad(),
            );
            let y = if gemm {
                conv2d_gemm(x.clone(), w.clone(), Some(b.clone()))
            } else {
                conv2d(
                    x.clone(),
                    w.clone(),
                    Some(b.clone()),
                    ConvOptions::new([1, 1], [0, 0], [1, 1], 1),
                )
            };
            assert_eq!(y.dims(), [3, 5, 7, 7]);
            let grads = (y.clone() * g.clone()).sum().backward();
            (
                flat(y),
                flat(x.grad(&grads).unwrap()),
                flat(w.grad(&grads).unwrap()),
                flat(b.grad(&grads).unwrap()),
            )
        };
        let (a, b) = (run(true), run(false));
        // sums of at most 4*3*2 = 24 (forward, x-grad) or 3*7*7 = 147 (weight, bias) products
        // of O(1) f32 values in a different order: 1e-4 absolute covers the rounding
        let pairs = [(&a.0, &b.0), (&a.1, &b.1), (&a.2, &b.2), (&a.3, &b.3)];
        for (k, (p, q)) in pairs.iter().enumerate() {
            assert_eq!(p.len(), q.len());
            for (u, v) in p.iter().zip(q.iter()) {
                assert!((u - v).abs() < 1e-4, "part {k}: {u} vs {v}");
            }
        }
    }
}

//! Convolution followed by 2x2 max pooling on spike inputs, event-driven, as one autodiff
//! operation (the CSNN's `conv2 -> maxpool` on the first spiking layer's output).
//!
//! The input of the CSNN's second convolution is a spike tensor: every value is 0 or 1, and
//! most are 0. A dense convolution (burn's im2col and GEMM) multiplies every weight with
//! every input; here the input is turned into one bit mask of active channels per pixel,
//! and
//! - the forward pass adds, for each output pixel, the weight rows of the active inputs in
//!   its receptive field (`sum_c,ky,kx W[o,c,ky,kx] * s[c,y+ky,x+kx]` with `s` in {0, 1}: a
//!   sum of weights), keeping the output channels in registers, and pools each 2x2 window
//!   as it goes (burn's rule: the first maximum in row-major order wins, a NaN wins);
//! - the weight gradient `dW[o,c,ky,kx] = sum_y,x g[o,y,x] * s[c,y+ky,x+kx]` adds the
//!   output-gradient rows at the active inputs only;
//! - the input gradient `ds[c,iy,ix] = sum_o,ky,kx W[o,c,ky,kx] * g[o,iy-ky,ix-kx]` is dense
//!   in `(c, iy, ix)`, but the pooling's gradient reaches one pixel in four per channel, so
//!   only those `g` are visited: for each output pixel and kernel row, its gradients scale
//!   the `kw` weight rows of one contiguous run of input pixels, summed in registers.
//!
//! The work of the forward pass and of the weight gradient scales with the number of
//! spikes, that of the input gradient with a quarter of the dense product. The sums are
//! the dense ones in another order (`f32`), so results agree with burn's `conv2d` and
//! `max_pool2d` to rounding.
//!
//! Only burn's Flex CPU backend is handled, for stride 1, no padding or dilation, one group,
//! at most 64 input and 64 output channels, and a 2x2 stride-2 pooling;
//! [`conv_pool`] returns `None` otherwise, or when an input value is neither 0 nor 1, and
//! the caller runs the dense operations.

use burn::nn::conv::Conv2d;
use burn::nn::pool::MaxPool2d;
use burn::nn::PaddingConfig2d;
use burn::tensor::{Tensor, TensorData};
use burn_autodiff::checkpoint::base::Checkpointer;
use burn_autodiff::checkpoint::strategy::NoCheckpointing;
use burn_autodiff::grads::Gradients;
use burn_autodiff::ops::{Backward, Ops, OpsKind};
use burn_autodiff::Autodiff;
use burn_flex::{Flex, FlexTensor};
use rayon::prelude::*;
use std::sync::Arc;

/// Images per parallel task. Fixed (not per thread) so that the weight-gradient sums, one
/// partial sum per task added in task order, do not depend on the thread count.
const TASK: usize = 64;

/// Shapes of one convolution + pooling.
#[derive(Debug, Clone, Copy)]
struct Geom {
    /// Input channels, rows, columns.
    ci: usize,
    h: usize,
    w: usize,
    /// Kernel rows and columns.
    kh: usize,
    kw: usize,
    /// Output channels.
    co: usize,
    /// Convolution output rows and columns.
    oh: usize,
    ow: usize,
    /// Pooled rows and columns.
    ph: usize,
    pw: usize,
    /// Padded channel widths of the register blocks (16, 32 or 64).
    cop: usize,
    cip: usize,
}

impl Geom {
    fn new([ci, h, w]: [usize; 3], [co, kh, kw]: [usize; 3]) -> Option<Geom> {
        let pad = |c: usize| [16, 32, 64].into_iter().find(|&p| c <= p);
        if ci == 0 || co == 0 || kh == 0 || kw == 0 || h < kh || w < kw {
            return None;
        }
        let (oh, ow) = (h - kh + 1, w - kw + 1);
        let (ph, pw) = (oh / 2, ow / 2);
        (ph > 0 && pw > 0).then_some(())?;
        Some(Geom {
            ci,
            h,
            w,
            kh,
            kw,
            co,
            oh,
            ow,
            ph,
            pw,
            cop: pad(co)?,
            cip: pad(ci)?,
        })
    }
    fn pix(&self) -> usize {
        self.h * self.w
    }
    fn pooled(&self) -> usize {
        self.ph * self.pw
    }
    fn taps(&self) -> usize {
        self.kh * self.kw
    }
}

/// The weights in the kernels' layouts.
#[derive(Debug)]
struct Weights {
    /// `[ci][kh][kw][cop]`: the row added for an active input (forward, weight gradient).
    wf: Vec<f32>,
    /// `[co][kh][kw][cip]`: for an output channel and a kernel row, the `kw` input-channel
    /// rows scaled by an output gradient (input gradient).
    wt: Vec<f32>,
    /// `[cop]`.
    bias: Vec<f32>,
}

impl Weights {
    /// From burn's `[co][ci][kh][kw]` weight and `[co]` bias.
    fn new(g: &Geom, w: &[f32], bias: &[f32]) -> Weights {
        let taps = g.taps();
        let mut wf = vec![0f32; g.ci * taps * g.cop];
        let mut wt = vec![0f32; taps * g.co * g.cip];
        for o in 0..g.co {
            for c in 0..g.ci {
                for t in 0..taps {
                    let v = w[(o * g.ci + c) * taps + t];
                    wf[(c * taps + t) * g.cop + o] = v;
                    wt[(o * taps + t) * g.cip + c] = v;
                }
            }
        }
        let mut b = vec![0f32; g.cop];
        b[..g.co].copy_from_slice(bias);
        Weights { wf, wt, bias: b }
    }
}

/// One bit mask of active channels per pixel, `[n][h*w]`, from `[n][ci][h*w]` spikes;
/// `None` if a value is neither 0 nor 1.
fn masks(g: &Geom, x: &[f32]) -> Option<Vec<u64>> {
    let (pix, per) = (g.pix(), g.ci * g.pix());
    let n = x.len() / per;
    let mut m = vec![0u64; n * pix];
    let ok = m
        .par_chunks_mut(pix * TASK)
        .zip(x.par_chunks(per * TASK))
        .all(|(m, x)| {
            let mut ok = true;
            for (m, x) in m.chunks_mut(pix).zip(x.chunks(per)) {
                for (c, xc) in x.chunks(pix).enumerate() {
                    for (b, &v) in m.iter_mut().zip(xc) {
                        ok &= v == 0.0 || v == 1.0;
                        *b |= u64::from(v == 1.0) << c;
                    }
                }
            }
            ok
        });
    ok.then_some(m)
}

/// Calls `$f::<CO, CI>($args)` with the geometry's padded widths.
macro_rules! widths {
    ($g:expr, $f:ident($($a:expr),*)) => {
        match ($g.cop, $g.cip) {
            (16, 16) => $f::<16, 16>($($a),*),
            (16, 32) => $f::<16, 32>($($a),*),
            (16, _) => $f::<16, 64>($($a),*),
            (32, 16) => $f::<32, 16>($($a),*),
            (32, 32) => $f::<32, 32>($($a),*),
            (32, _) => $f::<32, 64>($($a),*),
            (_, 16) => $f::<64, 16>($($a),*),
            (_, 32) => $f::<64, 32>($($a),*),
            _ => $f::<64, 64>($($a),*),
        }
    };
}

/// Runs `$body` (a call of an `#[inline(always)]` kernel) compiled for AVX-512 or AVX2 when
/// the processor has them.
macro_rules! simd_dispatch {
    ($name:ident<$($c:ident),*>($($arg:ident: $t:ty),*) => $body:ident) => {
        fn $name<$(const $c: usize),*>($($arg: $t),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f")]
                unsafe fn v4<$(const $c: usize),*>($($arg: $t),*) {
                    $body::<$($c),*>($($arg),*)
                }
                #[target_feature(enable = "avx2")]
                unsafe fn v3<$(const $c: usize),*>($($arg: $t),*) {
                    $body::<$($c),*>($($arg),*)
                }
                if $crate::simd::avx512f() {
                    // SAFETY: the CPU has the feature.
                    return unsafe { v4::<$($c),*>($($arg),*) };
                }
                if $crate::simd::avx2() {
                    // SAFETY: the CPU has the feature.
                    return unsafe { v3::<$($c),*>($($arg),*) };
                }
            }
            $body::<$($c),*>($($arg),*)
        }
    };
}

/// Calls `f` with the offset of the `[ci][kh][kw][CO]` weight row, `((c * kh + ky) * kw +
/// kx) * CO`, of each active input `c` at `(y + ky, x + kx)`: the receptive field of
/// convolution pixel `(y, x)`, kernel row by kernel row, channels in increasing order.
#[inline(always)]
fn each_active<const CO: usize>(
    g: &Geom,
    mask: &[u64],
    y: usize,
    x: usize,
    mut f: impl FnMut(usize),
) {
    let taps = g.taps();
    for ky in 0..g.kh {
        let row = &mask[(y + ky) * g.w + x..][..g.kw];
        for (kx, &bits) in row.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let c = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                f((c * taps + ky * g.kw + kx) * CO);
            }
        }
    }
}

simd_dispatch!(forward_task<CO, CI>(g: &Geom, wts: &Weights, masks: &[u64], out: &mut [f32], arg: &mut [u8]) => forward_body);

/// Forward pass of a task's images: `masks` `[n][h*w]`; writes the pooled output
/// `[n][co][ph*pw]` and the window index (0..4, row-major) of each maximum, `[n][ph*pw][CO]`.
#[inline(always)]
fn forward_body<const CO: usize, const CI: usize>(
    g: &Geom,
    wts: &Weights,
    masks: &[u64],
    out: &mut [f32],
    arg: &mut [u8],
) {
    let pq = g.pooled();
    let bias: [f32; CO] = wts.bias[..CO].try_into().expect("padded bias");
    for ((mask, out), arg) in masks
        .chunks(g.pix())
        .zip(out.chunks_mut(g.co * pq))
        .zip(arg.chunks_mut(pq * CO))
    {
        for q in 0..pq {
            let (py, px) = (q / g.pw, q % g.pw);
            let mut best = [0f32; CO];
            let mut at = [0u8; CO];
            for a in 0..4 {
                let (y, x) = (2 * py + a / 2, 2 * px + a % 2);
                let mut acc = bias;
                each_active::<CO>(g, mask, y, x, |off| {
                    let wrow: &[f32; CO] = wts.wf[off..off + CO].try_into().expect("weight row");
                    for l in 0..CO {
                        acc[l] += wrow[l];
                    }
                });
                if a == 0 {
                    best = acc;
                } else {
                    for l in 0..CO {
                        if acc[l] > best[l] || acc[l].is_nan() {
                            best[l] = acc[l];
                            at[l] = a as u8;
                        }
                    }
                }
            }
            for (o, &b) in best[..g.co].iter().enumerate() {
                out[o * pq + q] = b;
            }
            arg[q * CO..(q + 1) * CO].copy_from_slice(&at);
        }
    }
}

/// Per-task scratch of the backward pass.
#[derive(Debug)]
struct Scratch {
    /// Output gradient per convolution pixel, `[oh*ow][CO]`.
    gc: Vec<f32>,
    /// The output gradients that reach each convolution pixel, `(channel, gradient)`:
    /// `len[p]` entries from `p * CO`.
    nz: Vec<(usize, f32)>,
    len: Vec<usize>,
    /// Input gradient, pixel-major: `[h*w][CI]`.
    gin: Vec<f32>,
}

simd_dispatch!(backward_task<CO, CI>(g: &Geom, wts: &Weights, masks: &[u64], arg: &[u8], gout: &[f32], out: BackOut<'_>) => backward_body);

/// Where a backward task writes: the input gradient of its images, and the weight and bias
/// gradient sums it adds to.
struct BackOut<'a> {
    gin: &'a mut [f32],
    dw: &'a mut [f32],
    db: &'a mut [f32],
}

/// Backward pass of a task's images: `gout` `[n][co][ph*pw]` is the gradient of the pooled
/// output; writes the input gradient `[n][ci][h*w]` and adds the weight gradient
/// (`[ci][kh][kw][CO]`) and the bias gradient (`[CO]`) of these images to `dw`, `db`.
#[inline(always)]
fn backward_body<const CO: usize, const CI: usize>(
    g: &Geom,
    wts: &Weights,
    masks: &[u64],
    arg: &[u8],
    gout: &[f32],
    BackOut { gin, dw, db }: BackOut<'_>,
) {
    let (taps, pq, conv) = (g.taps(), g.pooled(), g.oh * g.ow);
    let mut s = Scratch {
        gc: vec![0f32; conv * CO],
        nz: vec![(0, 0.0); conv * CO],
        len: vec![0; conv],
        gin: vec![0f32; g.pix() * CI],
    };
    for (((mask, arg), gout), gin) in masks
        .chunks(g.pix())
        .zip(arg.chunks(pq * CO))
        .zip(gout.chunks(g.co * pq))
        .zip(gin.chunks_mut(g.ci * g.pix()))
    {
        // the pooled gradient, routed to each window's maximum (a dense row per pixel for
        // the weight gradient, a list per pixel for the input gradient)
        s.gc.fill(0.0);
        s.len.fill(0);
        for q in 0..pq {
            let (py, px) = (q / g.pw, q % g.pw);
            let at = |a: usize| (2 * py + a / 2) * g.ow + 2 * px + a % 2;
            let win = [at(0), at(1), at(2), at(3)];
            let mut cnt = [0usize; 4];
            for o in 0..g.co {
                let a = usize::from(arg[q * CO + o] & 3);
                let (p, v) = (win[a], gout[o * pq + q]);
                s.gc[p * CO + o] = v;
                s.nz[p * CO + cnt[a]] = (o, v);
                cnt[a] += 1;
                db[o] += v;
            }
            for (&p, &k) in win.iter().zip(&cnt) {
                s.len[p] = k;
            }
        }
        // weight gradient: each active input adds the gradient row of the output pixels
        // it reaches
        for p in 0..conv {
            if s.len[p] == 0 {
                continue;
            }
            let gv: &[f32; CO] = s.gc[p * CO..(p + 1) * CO].try_into().expect("row");
            each_active::<CO>(g, mask, p / g.ow, p % g.ow, |off| {
                let d: &mut [f32; CO] = (&mut dw[off..off + CO]).try_into().expect("gradient row");
                for l in 0..CO {
                    d[l] += gv[l];
                }
            });
        }
        // input gradient: a nonzero output gradient at pixel (y, x) reaches, for each
        // kernel row ky, the `kw` input pixels (y + ky, x..x + kw), one contiguous run of
        // `kw * CI` values of the pixel-major scratch; the run is summed over the pixel's
        // nonzero gradients in register blocks, then added once
        s.gin.fill(0.0);
        let run = g.kw * CI;
        for p in 0..conv {
            let entries = &s.nz[p * CO..p * CO + s.len[p]];
            if entries.is_empty() {
                continue;
            }
            let (y, x) = (p / g.ow, p % g.ow);
            for ky in 0..g.kh {
                let at = ((y + ky) * g.w + x) * CI;
                let seg = &mut s.gin[at..at + run];
                let rows = ky * run;
                let mut c0 = 0;
                while c0 + 64 <= run {
                    input_grad_block::<64>(entries, &wts.wt, taps * CI, rows + c0, &mut seg[c0..]);
                    c0 += 64;
                }
                while c0 < run {
                    input_grad_block::<16>(entries, &wts.wt, taps * CI, rows + c0, &mut seg[c0..]);
                    c0 += 16;
                }
            }
        }
        let pix = g.pix();
        for (i, row) in s.gin.chunks_exact(CI).enumerate() {
            for (c, &v) in row[..g.ci].iter().enumerate() {
                gin[c * pix + i] = v;
            }
        }
    }
}

/// `seg[..B] += sum_(o, v) v * wt[o * stride + off..][..B]` over `entries`, the sum kept in
/// registers (two partial sums, even and odd entries, so that the additions do not wait on
/// each other).
#[inline(always)]
fn input_grad_block<const B: usize>(
    entries: &[(usize, f32)],
    wt: &[f32],
    stride: usize,
    off: usize,
    seg: &mut [f32],
) {
    let (mut even, mut odd) = ([0f32; B], [0f32; B]);
    let row = |o: usize| -> &[f32; B] {
        let at = o * stride + off;
        wt[at..at + B].try_into().expect("weight block")
    };
    let mut pairs = entries.chunks_exact(2);
    for pair in &mut pairs {
        let ((o0, v0), (o1, v1)) = (pair[0], pair[1]);
        let (w0, w1) = (row(o0), row(o1));
        for l in 0..B {
            even[l] += v0 * w0[l];
            odd[l] += v1 * w1[l];
        }
    }
    if let [(o, v)] = *pairs.remainder() {
        let w = row(o);
        for l in 0..B {
            even[l] += v * w[l];
        }
    }
    for ((d, a), b) in seg[..B].iter_mut().zip(even).zip(odd) {
        *d += a + b;
    }
}

fn forward(g: &Geom, wts: &Weights, masks: &[u64], n: usize) -> (Vec<f32>, Vec<u8>) {
    let pq = g.pooled();
    let mut out = vec![0f32; n * g.co * pq];
    let mut arg = vec![0u8; n * pq * g.cop];
    out.par_chunks_mut(TASK * g.co * pq)
        .zip(arg.par_chunks_mut(TASK * pq * g.cop))
        .zip(masks.par_chunks(TASK * g.pix()))
        .for_each(|((out, arg), m)| widths!(g, forward_task(g, wts, m, out, arg)));
    (out, arg)
}

/// What the backward pass keeps from the forward pass.
#[derive(Debug)]
struct Saved {
    g: Geom,
    n: usize,
    wts: Weights,
    masks: Vec<u64>,
    arg: Vec<u8>,
}

/// Input, weight (`[co][ci][kh][kw]`) and bias gradients.
fn backward(s: &Saved, gout: &[f32]) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    let g = &s.g;
    let (pq, taps) = (g.pooled(), g.taps());
    let mut gin = vec![0f32; s.n * g.ci * g.pix()];
    let parts: Vec<(Vec<f32>, Vec<f32>)> = gin
        .par_chunks_mut(TASK * g.ci * g.pix())
        .zip(s.masks.par_chunks(TASK * g.pix()))
        .zip(s.arg.par_chunks(TASK * pq * g.cop))
        .zip(gout.par_chunks(TASK * g.co * pq))
        .map(|(((gin, m), arg), gout)| {
            let mut dw = vec![0f32; g.ci * taps * g.cop];
            let mut db = vec![0f32; g.cop];
            widths!(
                g,
                backward_task(
                    g,
                    &s.wts,
                    m,
                    arg,
                    gout,
                    BackOut {
                        gin,
                        dw: &mut dw,
                        db: &mut db
                    }
                )
            );
            (dw, db)
        })
        .collect();
    let mut dwp = vec![0f32; g.ci * taps * g.cop];
    let mut db = vec![0f32; g.cop];
    for (w, b) in &parts {
        dwp.iter_mut().zip(w).for_each(|(a, v)| *a += v);
        db.iter_mut().zip(b).for_each(|(a, v)| *a += v);
    }
    let mut dw = vec![0f32; g.co * g.ci * taps];
    for o in 0..g.co {
        for c in 0..g.ci {
            for t in 0..taps {
                dw[(o * g.ci + c) * taps + t] = dwp[(c * taps + t) * g.cop + o];
            }
        }
    }
    db.truncate(g.co);
    (gin, dw, db)
}

#[derive(Debug)]
struct ConvPoolOp;

impl Backward<Flex, 3> for ConvPoolOp {
    type State = Arc<Saved>;

    fn backward(self, ops: Ops<Arc<Saved>, 3>, grads: &mut Gradients, _: &mut Checkpointer) {
        let [node_x, node_w, node_b] = ops.parents;
        let gout = grads.consume::<Flex>(&ops.node).to_contiguous();
        let s = &ops.state;
        let g = &s.g;
        let (gin, dw, db) = backward(s, gout.as_slice::<f32>().expect("f32 gradient"));
        if let Some(node) = node_x {
            let t = FlexTensor::from_data(TensorData::new(gin, [s.n, g.ci, g.h, g.w]));
            grads.register::<Flex>(node.id, t);
        }
        if let Some(node) = node_w {
            let t = FlexTensor::from_data(TensorData::new(dw, [g.co, g.ci, g.kh, g.kw]));
            grads.register::<Flex>(node.id, t);
        }
        if let Some(node) = node_b {
            grads.register::<Flex>(node.id, FlexTensor::from_data(TensorData::new(db, [g.co])));
        }
    }
}

/// The input's bit masks and the weights in the kernels' layouts, from contiguous `f32`
/// tensors; `None` for another element type or a non-binary input.
fn prepare(
    g: &Geom,
    x: &FlexTensor,
    w: &FlexTensor,
    b: &FlexTensor,
) -> Option<(Vec<u64>, Weights)> {
    let masks = masks(g, x.as_slice::<f32>()?)?;
    Some((
        masks,
        Weights::new(g, w.as_slice::<f32>()?, b.as_slice::<f32>()?),
    ))
}

type Ad = Autodiff<Flex, NoCheckpointing>;

/// `pool(conv(x))` for a spike tensor `x` (`[n, ci, h, w]`, values 0 or 1), event-driven;
/// `None` when the layers, the tensors' backend or the values are not the ones handled
/// (see the module documentation), in which case the caller runs burn's dense operations.
pub fn conv_pool(conv: &Conv2d, pool: &MaxPool2d, x: &Tensor<4>) -> Option<Tensor<4>> {
    let same_pool = pool.kernel_size == [2, 2]
        && pool.stride == [2, 2]
        && pool.dilation == [1, 1]
        && !pool.ceil_mode
        && matches!(
            pool.padding,
            PaddingConfig2d::Valid | PaddingConfig2d::Explicit(0, 0, 0, 0)
        );
    let plain_conv = conv.stride == [1, 1]
        && conv.dilation == [1, 1]
        && conv.groups == 1
        && matches!(
            conv.padding,
            PaddingConfig2d::Valid | PaddingConfig2d::Explicit(0, 0, 0, 0)
        );
    if !(same_pool && plain_conv) {
        return None;
    }
    let [n, ci, h, w] = x.dims();
    let [co, wci, kh, kw] = conv.weight.val().dims();
    if wci != ci {
        return None;
    }
    let g = Geom::new([ci, h, w], [co, kh, kw])?;
    let shape = [n, co, g.ph, g.pw];
    let weight = conv.weight.val();
    // a bias-free convolution runs with a constant (untracked) zero bias
    let bias = match &conv.bias {
        Some(b) => b.val(),
        None => Tensor::<1>::zeros([co], &x.device()),
    };
    if !x.device().is_autodiff() {
        let prim = |t: Tensor<1>| Some(t.try_into_primitive::<Flex>().ok()?.to_contiguous());
        let xp = x.clone().try_into_primitive::<Flex>().ok()?.to_contiguous();
        let wp = weight.try_into_primitive::<Flex>().ok()?.to_contiguous();
        let (masks, wts) = prepare(&g, &xp, &wp, &prim(bias)?)?;
        let (out, _) = forward(&g, &wts, &masks, n);
        return Some(Tensor::from_primitive::<Flex>(FlexTensor::from_data(
            TensorData::new(out, shape),
        )));
    }
    let xa = x.clone().try_into_primitive::<Ad>().ok()?;
    let wa = weight.try_into_primitive::<Ad>().ok()?;
    let ba = bias.try_into_primitive::<Ad>().ok()?;
    let (masks, wts) = prepare(
        &g,
        &xa.primitive().to_contiguous(),
        &wa.primitive().to_contiguous(),
        &ba.primitive().to_contiguous(),
    )?;
    let (out, arg) = forward(&g, &wts, &masks, n);
    let out = FlexTensor::from_data(TensorData::new(out, shape));
    let tensor = match ConvPoolOp
        .prepare::<NoCheckpointing>([xa.node(), wa.node(), ba.node()])
        .compute_bound()
        .stateful()
    {
        OpsKind::Tracked(prep) => {
            let saved = Saved {
                g,
                n,
                wts,
                masks,
                arg,
            };
            prep.finish(Arc::new(saved), out)
        }
        OpsKind::UnTracked(prep) => prep.finish(out),
    };
    Some(Tensor::from_primitive::<Ad>(tensor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snn::flat;
    use burn::module::Module;
    use burn::nn::conv::Conv2dConfig;
    use burn::nn::pool::MaxPool2dConfig;

    fn close(a: &[f32], b: &[f32], what: &str) {
        assert_eq!(a.len(), b.len(), "{what}");
        let scale = b.iter().fold(1e-3f32, |m, v| m.max(v.abs()));
        for (i, (u, v)) in a.iter().zip(b).enumerate() {
            // the same f32 sums in another order (at most a few hundred terms)
            assert!((u - v).abs() <= 2e-5 * scale, "{what}[{i}]: {u} vs {v}");
        }
    }

    /// Spikes (about `rate` of them 1) from a seeded hash.
    fn spikes(len: usize, rate: f64, seed: u64) -> Vec<f32> {
        (0..len as u64)
            .map(|i| {
                let h = (i ^ seed)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .rotate_left(17);
                let u = (h.wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 11) as f64 / (1u64 << 53) as f64;
                f32::from(u < rate)
            })
            .collect()
    }

    /// Output, input gradient, weight and bias gradients of `pool(conv(x))` under a loss
    /// that weights every output differently, through the event-driven operation and
    /// through burn's own `conv2d` and `max_pool2d` differentiated by burn's autodiff.
    #[test]
    fn matches_burn_conv_and_pool() {
        let dev = crate::snn::cpu().autodiff();
        // the CSNN's conv2 (32 -> 64, 5x5 on 12x12), and odd shapes: 3 -> 20 channels, a
        // 3x4 kernel on 9x10 (odd convolution output, a pooling that drops a row), no bias
        for (ci, co, [kh, kw], [h, w], bias, n) in [
            (32, 64, [5, 5], [12, 12], true, 5),
            (3, 20, [3, 4], [9, 10], false, 4),
        ] {
            let conv = crate::snn::seeded(&dev, 3, || {
                Ok(Conv2dConfig::new([ci, co], [kh, kw])
                    .with_bias(bias)
                    .init(&dev))
            })
            .unwrap();
            let pool = MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init();
            for rate in [0.0, 0.15, 0.6] {
                let x = spikes(n * ci * h * w, rate, (ci * 7 + co) as u64);
                let (oh, ow) = (h - kh + 1, w - kw + 1);
                let (ph, pw) = (oh / 2, ow / 2);
                let wl: Vec<f32> = (0..n * co * ph * pw)
                    .map(|i| ((i * 7919 % 997) as f32 / 997.0) - 0.3)
                    .collect();
                let wl = Tensor::<4>::from_data(TensorData::new(wl, [n, co, ph, pw]), &dev);
                let run = |event: bool| {
                    let xt =
                        Tensor::<4>::from_data(TensorData::new(x.clone(), [n, ci, h, w]), &dev)
                            .require_grad();
                    let y = if event {
                        conv_pool(&conv, &pool, &xt).expect("handled")
                    } else {
                        pool.forward(conv.forward(xt.clone()))
                    };
                    let gr = (y.clone() * wl.clone()).sum().backward();
                    (
                        flat(y),
                        flat(xt.grad(&gr).unwrap()),
                        flat(conv.weight.grad(&gr).unwrap()),
                        conv.bias.as_ref().map(|b| flat(b.grad(&gr).unwrap())),
                    )
                };
                let (a, b) = (run(true), run(false));
                let what = format!("{ci}->{co} rate {rate}");
                close(&a.0, &b.0, &format!("{what} output"));
                close(&a.1, &b.1, &format!("{what} input gradient"));
                close(&a.2, &b.2, &format!("{what} weight gradient"));
                assert_eq!(a.3.is_some(), b.3.is_some());
                if let (Some(p), Some(q)) = (a.3, b.3) {
                    close(&p, &q, &format!("{what} bias gradient"));
                }
                // and without autodiff (evaluation)
                let plain = crate::snn::cpu();
                let conv_plain = conv.valid();
                let xt = Tensor::<4>::from_data(TensorData::new(x.clone(), [n, ci, h, w]), &plain);
                let y = conv_pool(&conv_plain, &pool, &xt).expect("handled");
                close(&flat(y), &b.0, &format!("{what} output without autodiff"));
            }
        }
    }

    /// Inputs the operation does not handle go back to the caller: a value other than 0
    /// or 1, a strided convolution, more than 64 channels.
    #[test]
    fn declines_what_it_does_not_handle() {
        let dev = crate::snn::cpu().autodiff();
        let pool = MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init();
        let (conv, strided, wide) = crate::snn::seeded(&dev, 9, || {
            let conv = Conv2dConfig::new([2, 4], [3, 3]);
            Ok((
                conv.init(&dev),
                conv.clone().with_stride([2, 2]).init(&dev),
                Conv2dConfig::new([2, 65], [3, 3]).init(&dev),
            ))
        })
        .unwrap();
        let mut x = spikes(2 * 8 * 8, 0.3, 1);
        let ok = Tensor::<4>::from_data(TensorData::new(x.clone(), [1, 2, 8, 8]), &dev);
        assert!(conv_pool(&conv, &pool, &ok).is_some());
        x[5] = 0.5;
        let half = Tensor::<4>::from_data(TensorData::new(x.clone(), [1, 2, 8, 8]), &dev);
        assert!(conv_pool(&conv, &pool, &half).is_none());
        assert!(conv_pool(&strided, &pool, &ok).is_none());
        assert!(conv_pool(&wide, &pool, &ok).is_none());
        let small =
            Tensor::<4>::from_data(TensorData::new(vec![1f32; 2 * 3 * 3], [1, 2, 3, 3]), &dev);
        assert!(
            conv_pool(&conv, &pool, &small).is_none(),
            "1x1 map, nothing to pool"
        );
    }
}

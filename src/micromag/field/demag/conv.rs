//! The demag convolution proper, generic over the FFT precision ([`Precision`]: `f32` by
//! default, `f64` on request), in three passes that each stream over memory once:
//!
//! 1. rows: for every magnetic slab and row `y`, the real-to-complex FFT along x of the three
//!    components of `M = Ms m` (zero-padded to `px`, rounded to `T` on the gather), written
//!    row-major into `xk` (`[((slab * ny + y) * 3 + comp) * nkx + kx]`), so no transpose is
//!    needed;
//! 2. columns: for a block of `kx` columns at a time, gather the `ny` non-zero entries of
//!    every (slab, component) column, FFT along y (padded to `py`), multiply by the k-space
//!    kernel (summing over slab pairs), inverse FFT along y and scatter the first `ny`
//!    entries (the only ones the field needs) back in place. A block's columns stay in
//!    cache from the gather to the scatter;
//! 3. rows again: the complex-to-real inverse FFT along x of each row, added (in f64) into
//!    `h` on magnetic cells (only the first `nx` outputs are kept).
//!
//! The caller's cell-wise work rides along ([`super::Demag::convolve_rows`]): pass 1 can
//! build the magnetisation itself (a Runge-Kutta stage, [`Stage::Combine`]), and pass 3
//! writes the local field terms of a row before adding demag to it and can then compute
//! the row's LLG right-hand side. A right-hand side evaluation is thus three parallel
//! sections and three sweeps over the mesh arrays.
//!
//! Scratch buffers are thread-local and grow only on the first evaluations, so evaluating
//! the field allocates nothing in steady state.

#[cfg(target_arch = "x86_64")]
use super::precision::f32_view;
use super::precision::Precision;
use super::rfft::{as_reals, as_reals_mut, RealFft};
use super::{Geometry, Stage};
use crate::micromag::stack::System;
use crate::micromag::stepper::combine_span;
use crate::micromag::vec3::V3;
use crate::simd::SharedMut;
use rayon::prelude::*;
use realfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

/// Plans, kernel and buffers of the convolution in precision `T`.
pub(super) struct Conv<T: Precision> {
    g: Geometry,
    /// k-space kernel, `[(o * 6 + component) * nq + q]`, q = kx * py + ky.
    kern: Vec<T>,
    /// Real FFT along x (forward and inverse).
    rfft: RealFft<T>,
    fft_y: Arc<dyn Fft<T>>,
    ifft_y: Arc<dyn Fft<T>>,
    /// Row spectra of M (after pass 1) and of H (after pass 2),
    /// `[((slab * ny + y) * 3 + comp) * nkx + kx]`.
    xk: Vec<Complex<T>>,
    /// kx columns per task of the column pass.
    block: usize,
}

impl<T: Precision> Conv<T> {
    /// Plans and buffers for geometry `g`, with the kernel `kern` (built in f64) rounded
    /// once to `T`.
    pub(super) fn new(g: Geometry, kern: &[f64]) -> Self {
        let mut cp = FftPlanner::<T>::new();
        let ns = g.slabs.len();
        // About 24-48 columns (f64; twice that in f32) per task: a block's columns and their
        // field stay in L2.
        let cols = 32 * 8 / std::mem::size_of::<T>();
        let block = (cols / (3 * ns.max(1))).clamp(2, 16).min(g.nkx);
        Conv {
            kern: kern.iter().map(|v| T::of(*v)).collect(),
            rfft: RealFft::new(g.px, &mut cp),
            fft_y: cp.plan_fft_forward(g.py),
            ifft_y: cp.plan_fft_inverse(g.py),
            xk: vec![Complex::default(); 3 * ns * g.ny * g.nkx],
            block,
            g,
        }
    }

    /// The convolution with the caller's row work (see `Demag::convolve_rows`).
    pub(super) fn convolve<P, Q>(
        &mut self,
        sys: &System,
        m: Stage<'_>,
        h: &mut [V3],
        out: &mut [V3],
        pre: P,
        post: Q,
    ) where
        P: Fn(usize, &[V3], &mut [V3]) + Sync,
        Q: Fn(usize, &[V3], &[V3], &mut [V3]) + Sync,
    {
        let g = &self.g;
        let (nx, ny, px, py, nkx) = (g.nx, g.ny, g.px, g.py, g.nkx);
        let ns = g.slabs.len();
        let plane = nx * ny;
        let (slabs, ms) = (&g.slabs, &sys.ms);

        // Pass 1: forward FFT along x, one task per (slab, row) or, when the stage is
        // combined here, per row of the mesh (the rows of non-magnetic slabs are combined
        // but not transformed).
        let rfft = &self.rfft;
        // A row of px reals packed as complexes, and the transforms' scratch.
        let hc = px.div_ceil(2);
        let rsc_len = rfft.scratch_len();
        let xp = SharedMut::new(&mut self.xk);
        // Transform row `mrow` (cells from `base`) into row `r` (slab * ny + y) of `xk`.
        let fft_row = |r: usize, mrow: &[V3], base: usize| {
            // SAFETY: rows r of xk are 3 nkx long, in bounds (r < ns ny), and each is
            // written by exactly one task of this pass.
            let out = unsafe { std::slice::from_raw_parts_mut(xp.get().add(r * 3 * nkx), 3 * nkx) };
            T::with_scratch(0, 3 * hc + rsc_len, |_, sc| {
                let (rows, sc) = sc.split_at_mut(3 * hc);
                let (c0, rest) = rows.split_at_mut(hc);
                let (c1, c2) = rest.split_at_mut(hc);
                {
                    // One sweep over the row gathers all three components.
                    let (r0, r1, r2) = (as_reals_mut(c0), as_reals_mut(c1), as_reals_mut(c2));
                    let cells = mrow[..nx].iter().zip(&ms[base..base + nx]);
                    for (x, (mc, msc)) in cells.enumerate() {
                        r0[x] = T::of(msc * mc[0]);
                        r1[x] = T::of(msc * mc[1]);
                        r2[x] = T::of(msc * mc[2]);
                    }
                    for r in [r0, r1, r2] {
                        r[nx..].iter_mut().for_each(|v| *v = T::zero());
                    }
                }
                for (row, o) in [c0, c1, c2].into_iter().zip(out.chunks_exact_mut(nkx)) {
                    rfft.forward(row, o, sc);
                }
            });
        };
        let (slab_of, full_row) = (&g.slab_of, &g.full_row);
        let m: &[V3] = match m {
            Stage::Ready(m) => {
                (0..ns * ny).into_par_iter().with_min_len(4).for_each(|r| {
                    let base = slabs[r / ny] * plane + (r % ny) * nx;
                    fft_row(r, &m[base..base + nx], base);
                });
                m
            }
            Stage::Combine {
                out: st,
                base: m0,
                dt,
                terms,
            } => {
                st.par_chunks_mut(nx)
                    .enumerate()
                    .with_min_len(4)
                    .for_each(|(r, srow)| {
                        let base = r * nx;
                        combine_span(srow, m0, dt, terms, base);
                        let s = slab_of[r / ny];
                        if s != usize::MAX {
                            fft_row(s * ny + r % ny, srow, base);
                        }
                    });
                st
            }
        };

        // Pass 2: columns, a block of `bw` kx values per task.
        let bw = self.block;
        let ncol = 3 * ns * bw;
        let (fft_y, ifft_y) = (&self.fft_y, &self.ifft_y);
        let fft_len = fft_y
            .get_inplace_scratch_len()
            .max(ifft_y.get_inplace_scratch_len());
        let (kern, pairs) = (&self.kern, &g.pairs);
        let nq = nkx * py;
        (0..nkx.div_ceil(bw)).into_par_iter().for_each(|blk| {
            let k0 = blk * bw;
            let w = bw.min(nkx - k0);
            T::with_scratch(0, 2 * ncol * py + fft_len, |_, sc| {
                let (cols, rest) = sc.split_at_mut(ncol * py);
                let (hcols, fsc) = rest.split_at_mut(ncol * py);
                let col = |s: usize, comp: usize, b: usize| ((s * 3 + comp) * w + b) * py;
                for s in 0..ns {
                    for comp in 0..3 {
                        // The w columns of (slab, component), each py long.
                        let dst = &mut cols[col(s, comp, 0)..col(s, comp, w)];
                        // Row y of the block: w entries from column k0 on.
                        let src = |y: usize| {
                            let at = ((s * ny + y) * 3 + comp) * nkx + k0;
                            // SAFETY: at + w <= xk.len(); columns k0..k0 + w belong to this
                            // task only, so no other task writes them.
                            unsafe { std::slice::from_raw_parts(xp.get().add(at), w) }
                        };
                        // Four rows at a time, so that each column gets four adjacent
                        // entries per visit.
                        let mut y = 0;
                        while y + 4 <= ny {
                            let (a, b, c, e) = (src(y), src(y + 1), src(y + 2), src(y + 3));
                            for (i, d) in dst.chunks_exact_mut(py).enumerate() {
                                d[y..y + 4].copy_from_slice(&[a[i], b[i], c[i], e[i]]);
                            }
                            y += 4;
                        }
                        for y in y..ny {
                            for (d, v) in dst.chunks_exact_mut(py).zip(src(y)) {
                                d[y] = *v;
                            }
                        }
                        for d in dst.chunks_exact_mut(py) {
                            d[ny..].iter_mut().for_each(|v| *v = Complex::default());
                        }
                    }
                }
                let used = 3 * ns * w * py;
                fft_y.process_with_scratch(&mut cols[..used], fsc);
                for b in 0..w {
                    let q0 = (k0 + b) * py;
                    for s in 0..ns {
                        let [hx, hy, hz] =
                            three(hcols, col(s, 0, b), col(s, 1, b), col(s, 2, b), py);
                        let mut first = true;
                        for s2 in 0..ns {
                            let (o, zs) = pairs[s * ns + s2];
                            let k = |comp: usize| {
                                &kern[(o + comp) * nq + q0..(o + comp) * nq + q0 + py]
                            };
                            let mx = &cols[col(s2, 0, b)..col(s2, 0, b) + py];
                            let my = &cols[col(s2, 1, b)..col(s2, 1, b) + py];
                            let mz = &cols[col(s2, 2, b)..col(s2, 2, b) + py];
                            product(
                                [k(0), k(1), k(2), k(3), k(4), k(5)],
                                T::of(zs),
                                [mx, my, mz],
                                [&mut *hx, &mut *hy, &mut *hz],
                                first,
                                o != 0,
                            );
                            first = false;
                        }
                    }
                }
                ifft_y.process_with_scratch(&mut hcols[..used], fsc);
                for s in 0..ns {
                    for comp in 0..3 {
                        let src = &hcols[col(s, comp, 0)..col(s, comp, w)];
                        let dst = |y: usize| {
                            let at = ((s * ny + y) * 3 + comp) * nkx + k0;
                            // SAFETY: as for the gather above.
                            unsafe { std::slice::from_raw_parts_mut(xp.get().add(at), w) }
                        };
                        let mut y = 0;
                        while y + 4 <= ny {
                            let (a, b, c, e) = (dst(y), dst(y + 1), dst(y + 2), dst(y + 3));
                            for (i, v) in src.chunks_exact(py).enumerate() {
                                let v = &v[y..y + 4];
                                (a[i], b[i], c[i], e[i]) = (v[0], v[1], v[2], v[3]);
                            }
                            y += 4;
                        }
                        for y in y..ny {
                            for (d, v) in dst(y).iter_mut().zip(src.chunks_exact(py)) {
                                *d = v[y];
                            }
                        }
                    }
                }
            });
        });

        // Pass 3: inverse FFT along x, one task per row of `h`, between the caller's `pre`
        // and `post` row work (see `Demag::convolve_rows`).
        let row = |r: usize, hrow: &mut [V3]| {
            pre(r, m, hrow);
            let (k, y) = (r / ny, r % ny);
            let s = slab_of[k];
            if s == usize::MAX {
                return;
            }
            let base = k * plane + y * nx;
            // SAFETY: row s ny + y of xk (3 nkx long, in bounds) is read by this task only
            // in this pass.
            let specs = unsafe {
                std::slice::from_raw_parts(xp.get().add((s * ny + y) * 3 * nkx), 3 * nkx)
            };
            T::with_scratch(0, 3 * hc + rsc_len, |_, sc| {
                let (rows, csc) = sc.split_at_mut(3 * hc);
                let per_comp = rows.chunks_exact_mut(hc).zip(specs.chunks_exact(nkx));
                for (row, spec) in per_comp {
                    rfft.inverse(spec, row, csc);
                }
                // One sweep over the row adds all three components (magnetic cells only;
                // without a test per cell when they all are).
                let (c0, rest) = rows.split_at(hc);
                let (c1, c2) = rest.split_at(hc);
                let (r0, r1, r2) = (as_reals(c0), as_reals(c1), as_reals(c2));
                let cells = hrow.iter_mut().zip(r0.iter().zip(r1).zip(r2));
                if full_row[r] {
                    for (hv, ((a, b), c)) in cells {
                        hv[0] += a.wide();
                        hv[1] += b.wide();
                        hv[2] += c.wide();
                    }
                } else {
                    for (x, (hv, ((a, b), c))) in cells.enumerate() {
                        if ms[base + x] > 0.0 {
                            hv[0] += a.wide();
                            hv[1] += b.wide();
                            hv[2] += c.wide();
                        }
                    }
                }
            });
        };
        if out.is_empty() {
            h.par_chunks_mut(nx)
                .enumerate()
                .with_min_len(4)
                .for_each(|(r, hrow)| row(r, hrow));
        } else {
            h.par_chunks_mut(nx)
                .zip(out.par_chunks_mut(nx))
                .enumerate()
                .with_min_len(4)
                .for_each(|(r, (hrow, orow))| {
                    row(r, hrow);
                    post(r, m, hrow, orow);
                });
        }
    }
}

/// Three disjoint mutable `len`-long windows of `v` starting at `a < b < c`.
fn three<T>(v: &mut [T], a: usize, b: usize, c: usize, len: usize) -> [&mut [T]; 3] {
    let (_, r) = v.split_at_mut(a);
    let (x, r) = r.split_at_mut(b - a);
    let (y, r) = r.split_at_mut(c - b);
    [&mut x[..len], &mut y[..len], &mut r[..len]]
}

type Cols<'a, T> = [&'a [Complex<T>]; 3];
type ColsMut<'a, T> = [&'a mut [Complex<T>]; 3];

/// `H += N M` (or `H = N M` when `set`) along one column of k-points, for one slab pair.
/// The six kernel rows are `Nxx, Nyy, Nzz, Nxy` (real transforms) and `Nxz, Nyz` (imaginary
/// transforms, stored as their imaginary parts); `zs` is the z sign of the pair (the
/// xz and yz components are odd in z, hence zero within a slab: `odd` false skips them).
/// Uses AVX2 and FMA when the CPU has them (the crate is built for baseline x86-64).
fn product<T: Precision>(k: [&[T]; 6], zs: T, m: Cols<T>, h: ColsMut<T>, set: bool, odd: bool) {
    #[cfg(target_arch = "x86_64")]
    {
        if let Some(k32) = f32_view::<T>() {
            if crate::simd::avx2_fma() {
                let [hx, hy, hz] = h;
                let (k, zs) = (k.map(|v| k32.reals(v)), k32.real(zs));
                let m = m.map(|v| k32.reals(as_reals(v)));
                let h = [hx, hy, hz].map(|v| k32.reals_mut(as_reals_mut(v)));
                // SAFETY: the CPU has the features.
                unsafe {
                    match (set, odd) {
                        (true, true) => product_f32::<true, true>(k, zs, m, h),
                        (true, false) => product_f32::<true, false>(k, zs, m, h),
                        (false, true) => product_f32::<false, true>(k, zs, m, h),
                        (false, false) => product_f32::<false, false>(k, zs, m, h),
                    }
                }
                return;
            }
        }
        if crate::simd::avx2_fma() {
            // SAFETY: the CPU has the features.
            unsafe {
                match (set, odd) {
                    (true, true) => product_avx::<T, true, true>(k, zs, m, h),
                    (true, false) => product_avx::<T, true, false>(k, zs, m, h),
                    (false, true) => product_avx::<T, false, true>(k, zs, m, h),
                    (false, false) => product_avx::<T, false, false>(k, zs, m, h),
                }
            }
            return;
        }
    }
    match (set, odd) {
        (true, true) => product_body::<T, true, true>(k, zs, m, h),
        (true, false) => product_body::<T, true, false>(k, zs, m, h),
        (false, true) => product_body::<T, false, true>(k, zs, m, h),
        (false, false) => product_body::<T, false, false>(k, zs, m, h),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn product_avx<T: Precision, const SET: bool, const ODD: bool>(
    k: [&[T]; 6],
    zs: T,
    m: Cols<T>,
    h: ColsMut<T>,
) {
    product_body::<T, SET, ODD>(k, zs, m, h)
}

#[inline(always)]
fn product_body<T: Precision, const SET: bool, const ODD: bool>(
    k: [&[T]; 6],
    zs: T,
    m: Cols<T>,
    h: ColsMut<T>,
) {
    let [kxx, kyy, kzz, kxy, kxz, kyz] = k;
    let [mx, my, mz] = m;
    let [hx, hy, hz] = h;
    let n = hx.len();
    let (kxx, kyy, kzz, kxy, kxz, kyz) = (
        &kxx[..n],
        &kyy[..n],
        &kzz[..n],
        &kxy[..n],
        &kxz[..n],
        &kyz[..n],
    );
    let (mx, my, mz, hy, hz) = (&mx[..n], &my[..n], &mz[..n], &mut hy[..n], &mut hz[..n]);
    for i in 0..n {
        let (a, b, c) = (mx[i], my[i], mz[i]);
        let mut x = Complex::new(kxx[i] * a.re + kxy[i] * b.re, kxx[i] * a.im + kxy[i] * b.im);
        let mut y = Complex::new(kxy[i] * a.re + kyy[i] * b.re, kxy[i] * a.im + kyy[i] * b.im);
        let mut z = Complex::new(kzz[i] * c.re, kzz[i] * c.im);
        if ODD {
            // i v = (-v.im, v.re)
            let (xz, yz) = (zs * kxz[i], zs * kyz[i]);
            x = x + Complex::new(-xz * c.im, xz * c.re);
            y = y + Complex::new(-yz * c.im, yz * c.re);
            z = z + Complex::new(-xz * a.im - yz * b.im, xz * a.re + yz * b.re);
        }
        if SET {
            hx[i] = x;
            hy[i] = y;
            hz[i] = z;
        } else {
            hx[i] = hx[i] + x;
            hy[i] = hy[i] + y;
            hz[i] = hz[i] + z;
        }
    }
}

/// [`product_body`] for f32 in AVX2/FMA, four k-points at a time on the interleaved
/// (re, im) columns, each real kernel value duplicated onto its point's re and im lanes in
/// a register (the plain code's compiled form de- and re-interleaves the columns instead);
/// a remainder of fewer than four points goes to the plain code.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn product_f32<const SET: bool, const ODD: bool>(
    k: [&[f32]; 6],
    zs: f32,
    m: [&[f32]; 3],
    h: [&mut [f32]; 3],
) {
    use std::arch::x86_64::*;
    let [hx, hy, hz] = h;
    let n = hx.len() / 2;
    for v in k.iter().take(if ODD { 6 } else { 4 }) {
        assert!(v.len() >= n);
    }
    for v in m.into_iter().chain([&*hy, &*hz]) {
        assert!(v.len() >= 2 * n);
    }
    let dup_idx = _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3);
    let dup = |p: &[f32], i: usize| {
        _mm256_permutevar8x32_ps(
            _mm256_castps128_ps256(_mm_loadu_ps(p.as_ptr().add(i))),
            dup_idx,
        )
    };
    let re_neg = _mm256_setr_ps(-0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0);
    // i v = (-v.im, v.re)
    let times_i = |v: __m256| _mm256_xor_ps(_mm256_permute_ps(v, 0b1011_0001), re_neg);
    let zs8 = _mm256_set1_ps(zs);
    let quads = n / 4;
    for q in 0..quads {
        let i = 4 * q;
        let (kxx, kyy, kzz, kxy) = (dup(k[0], i), dup(k[1], i), dup(k[2], i), dup(k[3], i));
        let a = _mm256_loadu_ps(m[0].as_ptr().add(2 * i));
        let b = _mm256_loadu_ps(m[1].as_ptr().add(2 * i));
        let c = _mm256_loadu_ps(m[2].as_ptr().add(2 * i));
        let mut x = _mm256_fmadd_ps(kxx, a, _mm256_mul_ps(kxy, b));
        let mut y = _mm256_fmadd_ps(kxy, a, _mm256_mul_ps(kyy, b));
        let mut z = _mm256_mul_ps(kzz, c);
        if ODD {
            let xz = _mm256_mul_ps(zs8, dup(k[4], i));
            let yz = _mm256_mul_ps(zs8, dup(k[5], i));
            let ic = times_i(c);
            x = _mm256_fmadd_ps(xz, ic, x);
            y = _mm256_fmadd_ps(yz, ic, y);
            z = _mm256_add_ps(z, times_i(_mm256_fmadd_ps(xz, a, _mm256_mul_ps(yz, b))));
        }
        for (dst, v) in [(&mut *hx, x), (&mut *hy, y), (&mut *hz, z)] {
            let p = dst.as_mut_ptr().add(2 * i);
            let v = if SET {
                v
            } else {
                _mm256_add_ps(_mm256_loadu_ps(p), v)
            };
            _mm256_storeu_ps(p, v);
        }
    }
    let r = 4 * quads;
    if r < n {
        let c = |v: &[f32]| -> &[Complex<f32>] {
            std::slice::from_raw_parts(v.as_ptr().cast::<Complex<f32>>().add(r), n - r)
        };
        let cm = |v: &mut [f32]| -> &mut [Complex<f32>] {
            std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<Complex<f32>>().add(r), n - r)
        };
        product_body::<f32, SET, ODD>(k.map(|v| &v[r..]), zs, m.map(c), [cm(hx), cm(hy), cm(hz)]);
    }
}

//! Real-to-complex and complex-to-real FFTs of an even length `2n`, by one complex FFT of
//! length `n` (rustfft) of the real row packed as `z[j] = x[2j] + i x[2j+1]`, and a
//! split pass that turns its spectrum `Z` into the real row's `X[0..=n]` (and back).
//!
//! With `W = exp(-2 pi i / 2n)`, `E = (Z[k] + conj Z[n-k]) / 2` and
//! `P = -i W^k (Z[k] - conj Z[n-k]) / 2`, the real row's spectrum is `X[k] = E + P` and
//! `X[n-k] = conj(E - P)`; the inverse pass undoes this (without the halves, so that the
//! inverse is unnormalised like the forward: forward then inverse multiplies by `2n`, as
//! realfft's transforms do). Both passes walk `k` up from 1 and `n - k` down from `n - 1`
//! together; for f32 an AVX2 loop does four pairs per vector (the compiler leaves this
//! reversed, interleaved access scalar), which makes them several times cheaper than
//! realfft's scalar passes (the demag convolution's rows spent more time in those than in
//! the complex FFTs themselves). The packing needs no copy: the caller writes the real
//! row into the complex buffer's memory.
//!
//! A length of 1 (a mesh one cell wide, no padding) is the identity.

#[cfg(target_arch = "x86_64")]
use super::precision::f32_view;
use super::precision::Precision;
use realfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

/// Forward and inverse real FFTs of one even length (or of length 1).
pub(super) struct RealFft<T: Precision> {
    /// Half the real length (`n`); 0 for length 1.
    n: usize,
    fwd: Option<Arc<dyn Fft<T>>>,
    inv: Option<Arc<dyn Fft<T>>>,
    /// `W^k`, k = 0..=n/2.
    tw: Vec<Complex<T>>,
}

impl<T: Precision> RealFft<T> {
    /// Plans for real length `len` (even, or 1).
    pub(super) fn new(len: usize, planner: &mut FftPlanner<T>) -> Self {
        assert!(len == 1 || len % 2 == 0, "real FFT length {len} is odd");
        let n = len / 2;
        if n == 0 {
            return RealFft {
                n,
                fwd: None,
                inv: None,
                tw: Vec::new(),
            };
        }
        let tw = (0..=n / 2)
            .map(|k| {
                let a = -std::f64::consts::PI * k as f64 / n as f64;
                Complex::new(T::of(a.cos()), T::of(a.sin()))
            })
            .collect();
        RealFft {
            n,
            fwd: Some(planner.plan_fft_forward(n)),
            inv: Some(planner.plan_fft_inverse(n)),
            tw,
        }
    }

    /// Complex scratch the transforms need.
    pub(super) fn scratch_len(&self) -> usize {
        let f = self.fwd.as_ref().map_or(0, |f| f.get_inplace_scratch_len());
        let i = self.inv.as_ref().map_or(0, |f| f.get_inplace_scratch_len());
        f.max(i)
    }

    /// The real row held in `row` (its `2n` reals, or 1, written into the complexes' memory
    /// with [`as_reals_mut`]) to its spectrum `out[0..=n]`. `row` is
    /// overwritten.
    pub(super) fn forward(
        &self,
        row: &mut [Complex<T>],
        out: &mut [Complex<T>],
        scratch: &mut [Complex<T>],
    ) {
        let n = self.n;
        let Some(fwd) = &self.fwd else {
            out[0] = Complex::new(as_reals(row)[0], T::zero());
            return;
        };
        fwd.process_with_scratch(&mut row[..n], scratch);
        split(&row[..n], &mut out[..=n], &self.tw);
    }

    /// The spectrum `spec[0..=n]` (the imaginary parts of its first and, for even
    /// lengths, last entry are ignored) to the unnormalised real row, left in `row`'s memory
    /// (read it with [`as_reals`]). `spec` is left unchanged.
    pub(super) fn inverse(
        &self,
        spec: &[Complex<T>],
        row: &mut [Complex<T>],
        scratch: &mut [Complex<T>],
    ) {
        let n = self.n;
        let Some(inv) = &self.inv else {
            as_reals_mut(row)[0] = spec[0].re;
            return;
        };
        merge(&spec[..=n], &mut row[..n], &self.tw);
        inv.process_with_scratch(&mut row[..n], scratch);
    }
}

/// The reals stored in complex memory (`2 len` of them).
pub(super) fn as_reals<T: Precision>(c: &[Complex<T>]) -> &[T] {
    // SAFETY: `Complex<T>` is `repr(C)` with two `T` fields, so a slice of `len` complexes
    // is `2 len` contiguous, aligned `T`s.
    unsafe { std::slice::from_raw_parts(c.as_ptr().cast::<T>(), 2 * c.len()) }
}

/// The reals stored in complex memory, mutably.
pub(super) fn as_reals_mut<T: Precision>(c: &mut [Complex<T>]) -> &mut [T] {
    // SAFETY: as in `as_reals`.
    unsafe { std::slice::from_raw_parts_mut(c.as_mut_ptr().cast::<T>(), 2 * c.len()) }
}

/// Forward split pass: `z` (n) to `x` (n + 1).
fn split<T: Precision>(z: &[Complex<T>], x: &mut [Complex<T>], tw: &[Complex<T>]) {
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if let Some(v) = f32_view::<T>() {
        if avx::available() {
            let (zf, twf) = (v.reals(as_reals(z)), v.reals(as_reals(tw)));
            // SAFETY: the CPU has the features.
            done = unsafe { avx::split(zf, v.reals_mut(as_reals_mut(x)), twf) };
        }
    }
    split_body(z, x, tw, done)
}

/// The split pass in plain code, for the pairs `(k, n - k)` from `k = skip + 1` on (and
/// `X[0]`, `X[n]` and, for even `n`, `X[n/2]`).
fn split_body<T: Precision>(
    z: &[Complex<T>],
    x: &mut [Complex<T>],
    tw: &[Complex<T>],
    skip: usize,
) {
    let n = z.len();
    let half = T::of(0.5);
    let z0 = z[0];
    x[0] = Complex::new(z0.re + z0.im, T::zero());
    x[n] = Complex::new(z0.re - z0.im, T::zero());
    if n < 2 {
        return;
    }
    // k = 1..n/2 (inclusive when n is even: then k = n - k, handled twice identically) from
    // the front, n - k from the back.
    let m = n / 2;
    let (xl, xr) = x[1..n].split_at_mut(m);
    let (zl, zr) = z[1..].split_at(m);
    // zr / xr: indices m + 1 .. n - 1, walked backwards (n - k for k = 1..); for even n,
    // the middle k = n/2 pairs with itself: xr is one shorter than xl, and zl's last is it.
    let back = zr.len();
    // Pairs k = 1..=skip are done: start at k = skip + 1 and n - k = n - 1 - skip.
    let fronts = zl[skip..].iter().zip(&tw[1 + skip..]).zip(&mut xl[skip..]);
    let backs = zr[..back - skip]
        .iter()
        .rev()
        .zip(xr[..back - skip].iter_mut().rev());
    for (((a, w), xa), (zb, xb)) in fronts.zip(backs) {
        let (a, b) = (*a, zb.conj());
        let (e, d) = ((a + b) * half, (a - b) * half);
        // p = -i w d
        let wd = *w * d;
        let p = Complex::new(wd.im, -wd.re);
        *xa = e + p;
        *xb = (e - p).conj();
    }
    if back < m {
        // n even: the middle k = n/2, where W^k = -i: X = conj Z.
        xl[m - 1] = zl[m - 1].conj();
    }
}

/// Inverse merge pass: `x` (n + 1) to `z` (n), twice the packed row's spectrum.
fn merge<T: Precision>(x: &[Complex<T>], z: &mut [Complex<T>], tw: &[Complex<T>]) {
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if let Some(v) = f32_view::<T>() {
        if avx::available() {
            let (xf, twf) = (v.reals(as_reals(x)), v.reals(as_reals(tw)));
            // SAFETY: the CPU has the features.
            done = unsafe { avx::merge(xf, v.reals_mut(as_reals_mut(z)), twf) };
        }
    }
    merge_body(x, z, tw, done)
}

/// The merge pass in plain code, from `k = skip + 1` on (as [`split_body`]).
fn merge_body<T: Precision>(
    x: &[Complex<T>],
    z: &mut [Complex<T>],
    tw: &[Complex<T>],
    skip: usize,
) {
    let n = z.len();
    let two = T::of(2.0);
    let (x0, xn) = (x[0].re, x[n].re);
    z[0] = Complex::new(x0 + xn, x0 - xn);
    if n < 2 {
        return;
    }
    let m = n / 2;
    let (zl, zr) = z[1..].split_at_mut(m);
    let (xl, xr) = x[1..n].split_at(m);
    let back = zr.len();
    let fronts = xl[skip..].iter().zip(&tw[1 + skip..]).zip(&mut zl[skip..]);
    let backs = xr[..back - skip]
        .iter()
        .rev()
        .zip(zr[..back - skip].iter_mut().rev());
    for (((a, w), za), (xb, zb)) in fronts.zip(backs) {
        let (a, b) = (*a, xb.conj());
        // e2 = 2E, d2 = 2D = i conj(w) (a - b)
        let e2 = a + b;
        let cd = w.conj() * (a - b);
        let d2 = Complex::new(-cd.im, cd.re);
        *za = e2 + d2;
        *zb = (e2 - d2).conj();
    }
    if back < m {
        // n even, k = n/2: Z = 2 conj X.
        zl[m - 1] = xl[m - 1].conj() * two;
    }
}

/// The f32 split and merge passes in AVX2/FMA, four pairs `(k, n - k)` at a time, on the
/// interleaved (re, im) floats. Each returns how many pairs (from `k = 1`) it did; the
/// plain code does the rest.
#[cfg(target_arch = "x86_64")]
mod avx {
    use std::arch::x86_64::*;

    pub(super) fn available() -> bool {
        crate::simd::avx2_fma()
    }

    /// Pairs the vector loop may do: those of `k = 1..=back` in whole groups of four.
    fn groups(n: usize) -> usize {
        let back = (n - 1) - n / 2;
        back / 4
    }

    /// Reverse the order of the four complexes of `v`.
    #[inline(always)]
    unsafe fn rev(v: __m256) -> __m256 {
        _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(6, 7, 4, 5, 2, 3, 0, 1))
    }

    /// Swap re and im of each complex.
    #[inline(always)]
    unsafe fn swap(v: __m256) -> __m256 {
        _mm256_permute_ps(v, 0b1011_0001)
    }

    /// `z` (2n floats), `x` (2n + 2), `tw` (W^k, k = 0..=n/2): see `split_body`.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn split(z: &[f32], x: &mut [f32], tw: &[f32]) -> usize {
        let n = z.len() / 2;
        if n < 2 {
            return 0;
        }
        let g = groups(n);
        assert!(x.len() >= 2 * n + 2 && tw.len() >= 2 * (4 * g + 1));
        let half = _mm256_set1_ps(0.5);
        // -0.0 on the imaginary lanes: conj by xor.
        let im_neg = _mm256_setr_ps(0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0);
        for j in 0..g {
            let k = 1 + 4 * j;
            // Front: k..k+4; back: n-k-3..=n-k, reversed to pair with the front.
            let a = _mm256_loadu_ps(z.as_ptr().add(2 * k));
            let b = _mm256_xor_ps(
                rev(_mm256_loadu_ps(z.as_ptr().add(2 * (n - k - 3)))),
                im_neg,
            );
            let w = _mm256_loadu_ps(tw.as_ptr().add(2 * k));
            let e = _mm256_mul_ps(_mm256_add_ps(a, b), half);
            let d = _mm256_mul_ps(_mm256_sub_ps(a, b), half);
            // w d (complex): [wr dr - wi di, wr di + wi dr].
            let wd = _mm256_fmaddsub_ps(
                _mm256_moveldup_ps(w),
                d,
                _mm256_mul_ps(_mm256_movehdup_ps(w), swap(d)),
            );
            // p = -i w d = (wd.im, -wd.re).
            let p = _mm256_xor_ps(swap(wd), im_neg);
            _mm256_storeu_ps(x.as_mut_ptr().add(2 * k), _mm256_add_ps(e, p));
            let xb = rev(_mm256_xor_ps(_mm256_sub_ps(e, p), im_neg));
            _mm256_storeu_ps(x.as_mut_ptr().add(2 * (n - k - 3)), xb);
        }
        4 * g
    }

    /// `x` (2n + 2 floats), `z` (2n), `tw`: see `merge_body`.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn merge(x: &[f32], z: &mut [f32], tw: &[f32]) -> usize {
        let n = z.len() / 2;
        if n < 2 {
            return 0;
        }
        let g = groups(n);
        assert!(x.len() >= 2 * n + 2 && tw.len() >= 2 * (4 * g + 1));
        let im_neg = _mm256_setr_ps(0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0);
        let re_neg = _mm256_setr_ps(-0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0);
        for j in 0..g {
            let k = 1 + 4 * j;
            let a = _mm256_loadu_ps(x.as_ptr().add(2 * k));
            let b = _mm256_xor_ps(
                rev(_mm256_loadu_ps(x.as_ptr().add(2 * (n - k - 3)))),
                im_neg,
            );
            let w = _mm256_loadu_ps(tw.as_ptr().add(2 * k));
            let e2 = _mm256_add_ps(a, b);
            let v = _mm256_sub_ps(a, b);
            // conj(w) v: [wr vr + wi vi, wr vi - wi vr].
            let cd = _mm256_fmsubadd_ps(
                _mm256_moveldup_ps(w),
                v,
                _mm256_mul_ps(_mm256_movehdup_ps(w), swap(v)),
            );
            // d2 = i cd = (-cd.im, cd.re).
            let d2 = _mm256_xor_ps(swap(cd), re_neg);
            _mm256_storeu_ps(z.as_mut_ptr().add(2 * k), _mm256_add_ps(e2, d2));
            let zb = rev(_mm256_xor_ps(_mm256_sub_ps(e2, d2), im_neg));
            _mm256_storeu_ps(z.as_mut_ptr().add(2 * (n - k - 3)), zb);
        }
        4 * g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use realfft::RealFftPlanner;

    /// Forward and inverse against realfft for even and odd half lengths (the vector passes
    /// take the f32 runs from a half length of 9 on), to `tol` of the row's size.
    fn matches_realfft<T: Precision>(tol: f64) {
        for len in [1usize, 2, 4, 6, 10, 16, 18, 30, 64, 66, 512] {
            let mut p = FftPlanner::<T>::new();
            let ours = RealFft::new(len, &mut p);
            let x: Vec<T> = (0..len)
                .map(|i| T::of(((i * 7 + 3) % 11) as f64 - 4.5 + 0.1 * i as f64))
                .collect();
            let mut rp = RealFftPlanner::<T>::new();
            let (f, i) = (rp.plan_fft_forward(len), rp.plan_fft_inverse(len));
            let mut want = f.make_output_vec();
            f.process(&mut x.clone(), &mut want).unwrap();
            let mut row = vec![Complex::default(); len.div_ceil(2)];
            as_reals_mut(&mut row)[..len].copy_from_slice(&x);
            let mut got = vec![Complex::default(); len / 2 + 1];
            let mut sc = vec![Complex::default(); ours.scratch_len()];
            ours.forward(&mut row, &mut got, &mut sc);
            let scale = x.iter().map(|v| v.wide().abs()).sum::<f64>();
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                let err = (g.re.wide() - w.re.wide()).hypot(g.im.wide() - w.im.wide());
                assert!(err < tol * scale, "len {len}, X[{k}]: {g:?} vs {w:?}");
            }
            let mut back = vec![T::zero(); len];
            i.process(&mut want.clone(), &mut back).unwrap();
            ours.inverse(&got, &mut row, &mut sc);
            for (j, (g, w)) in as_reals(&row)[..len].iter().zip(&back).enumerate() {
                let err = (g.wide() - w.wide()).abs();
                assert!(
                    err < tol * scale * len as f64,
                    "len {len}, x[{j}]: {g:?} vs {w:?}"
                );
            }
        }
    }

    #[test]
    fn matches_realfft_f64() {
        matches_realfft::<f64>(1e-13);
    }

    #[test]
    fn matches_realfft_f32() {
        matches_realfft::<f32>(1e-6);
    }
}

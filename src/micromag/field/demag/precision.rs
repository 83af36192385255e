//! The floating-point precision the demag FFTs and convolution run in ([`Precision`]: `f32`
//! or `f64`), with each precision's thread-local scratch space, and the proof that a generic
//! precision is `f32` that lets the AVX2 kernels view its data as `f32`.

use realfft::num_complex::Complex;
use rustfft::num_traits::Float;
use rustfft::FftNum;
use std::cell::RefCell;

/// A floating-point type the convolution runs in (`f32` or `f64`).
pub trait Precision: FftNum + Float + Default {
    /// `v` rounded to this type.
    fn of(v: f64) -> Self;
    /// This value as `f64` (exact).
    fn wide(self) -> f64;
    /// Run `f` with `nr` reals and `nc` complexes of this thread's scratch space for this
    /// type. `f` must not call into rayon (it would be re-entered on this thread by a stolen
    /// task).
    fn with_scratch<R>(
        nr: usize,
        nc: usize,
        f: impl FnOnce(&mut [Self], &mut [Complex<Self>]) -> R,
    ) -> R;
}

type Pool<T> = RefCell<(Vec<T>, Vec<Complex<T>>)>;

thread_local! {
    /// Per-thread scratch of the f32 convolution: real and complex work space.
    static SCRATCH32: Pool<f32> = const { RefCell::new((Vec::new(), Vec::new())) };
    /// Per-thread scratch of the f64 convolution.
    static SCRATCH64: Pool<f64> = const { RefCell::new((Vec::new(), Vec::new())) };
}

fn borrow<T: Precision, R>(
    s: &Pool<T>,
    nr: usize,
    nc: usize,
    f: impl FnOnce(&mut [T], &mut [Complex<T>]) -> R,
) -> R {
    let mut s = s.borrow_mut();
    let (r, c) = &mut *s;
    if r.len() < nr {
        r.resize(nr, T::zero());
    }
    if c.len() < nc {
        c.resize(nc, Complex::default());
    }
    f(&mut r[..nr], &mut c[..nc])
}

impl Precision for f32 {
    fn of(v: f64) -> Self {
        v as f32
    }
    fn wide(self) -> f64 {
        f64::from(self)
    }
    fn with_scratch<R>(
        nr: usize,
        nc: usize,
        f: impl FnOnce(&mut [Self], &mut [Complex<Self>]) -> R,
    ) -> R {
        SCRATCH32.with(|s| borrow(s, nr, nc, f))
    }
}

impl Precision for f64 {
    fn of(v: f64) -> Self {
        v
    }
    fn wide(self) -> f64 {
        self
    }
    fn with_scratch<R>(
        nr: usize,
        nc: usize,
        f: impl FnOnce(&mut [Self], &mut [Complex<Self>]) -> R,
    ) -> R {
        SCRATCH64.with(|s| borrow(s, nr, nc, f))
    }
}

/// Proof that `T` is `f32`, to view `T` data as `f32` (the f32 kernels below).
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(super) struct F32View<T>(std::marker::PhantomData<T>);

#[cfg(target_arch = "x86_64")]
pub(super) fn f32_view<T: Precision>() -> Option<F32View<T>> {
    (std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>())
        .then_some(F32View(std::marker::PhantomData))
}

#[cfg(target_arch = "x86_64")]
impl<T: Precision> F32View<T> {
    pub(super) fn real(self, v: T) -> f32 {
        v.wide() as f32
    }
    pub(super) fn reals(self, v: &[T]) -> &[f32] {
        // SAFETY: T is f32 (this value exists only then).
        unsafe { std::slice::from_raw_parts(v.as_ptr().cast::<f32>(), v.len()) }
    }
    pub(super) fn reals_mut(self, v: &mut [T]) -> &mut [f32] {
        // SAFETY: as in `reals`.
        unsafe { std::slice::from_raw_parts_mut(v.as_mut_ptr().cast::<f32>(), v.len()) }
    }
}

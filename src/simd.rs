//! The CPU features the hand-vectorised kernels dispatch on, detected once for the whole
//! crate (micromagnetic local terms, torques and demag FFT passes, spiking convolutions), and
//! the one raw-pointer wrapper their parallel tasks share buffers through.
//!
//! The crate is built for baseline x86-64; a kernel compiled with `#[target_feature]` may be
//! called only when the matching function here says the CPU has the feature. On other
//! architectures every feature reads as absent and the portable code runs.

use std::sync::OnceLock;

/// The instruction-set extensions the kernels use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Features {
    /// AVX2.
    pub avx2: bool,
    /// Fused multiply-add (FMA3).
    pub fma: bool,
    /// AVX-512 Foundation.
    pub avx512f: bool,
}

impl Features {
    #[cfg(target_arch = "x86_64")]
    fn detect() -> Self {
        Features {
            avx2: std::arch::is_x86_feature_detected!("avx2"),
            fma: std::arch::is_x86_feature_detected!("fma"),
            avx512f: std::arch::is_x86_feature_detected!("avx512f"),
        }
    }

    #[cfg(not(target_arch = "x86_64"))]
    fn detect() -> Self {
        Features::default()
    }
}

/// The features of this CPU (detected on the first call).
#[inline]
pub fn features() -> Features {
    static FEATURES: OnceLock<Features> = OnceLock::new();
    *FEATURES.get_or_init(Features::detect)
}

/// Whether the CPU has AVX2.
#[inline]
pub fn avx2() -> bool {
    features().avx2
}

/// Whether the CPU has AVX2 and FMA.
#[inline]
pub fn avx2_fma() -> bool {
    let f = features();
    f.avx2 && f.fma
}

/// Whether the CPU has AVX-512F.
#[inline]
pub fn avx512f() -> bool {
    features().avx512f
}

/// A raw pointer into a buffer that parallel tasks share, each task touching only its own
/// disjoint part (rows, column ranges, blocks). Copying it and sending it to other threads
/// is safe; every dereference is `unsafe` and its caller states why the parts are disjoint.
pub struct SharedMut<T>(*mut T);

impl<T> SharedMut<T> {
    /// The start of `v`.
    pub fn new(v: &mut [T]) -> Self {
        SharedMut(v.as_mut_ptr())
    }

    /// The pointer (a method, so that closures capture the whole `Sync` wrapper).
    #[inline(always)]
    pub fn get(&self) -> *mut T {
        self.0
    }
}

impl<T> Clone for SharedMut<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for SharedMut<T> {}
// SAFETY: the wrapper only carries the address; the users dereference it from parallel
// tasks on disjoint parts of the buffer only (see each use), which is what makes sharing it
// sound.
unsafe impl<T> Send for SharedMut<T> {}
unsafe impl<T> Sync for SharedMut<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_are_detected_once_and_consistent() {
        let f = features();
        assert_eq!(f, features());
        assert_eq!(avx2_fma(), f.avx2 && f.fma);
        #[cfg(target_arch = "x86_64")]
        assert_eq!(avx2(), std::arch::is_x86_feature_detected!("avx2"));
    }
}

//! Spiking neural networks on burn: surrogate-gradient spiking layers for each compact
//! neuron model, the FC-SNN (784-1000-10) and the CSNN of the paper's Sec. IV, input
//! encodings, the training loop (BPTT, Adam), evaluation and the weight export.
//!
//! The neuron update is [`crate::neuron::Neuron::update`], the same code the circuit's
//! compact device runs in `f64`: this module only supplies the tensor implementation of
//! [`crate::neuron::Real`] and the spike surrogate.

pub mod adam;
pub mod encode;
pub mod eval;
pub mod fused;
pub mod layer;
pub mod model;
mod report;
pub mod spikeconv;
pub mod surrogate;
pub mod train;

use crate::neuron::Real;
use burn::tensor::{Device, Tensor};

/// The CPU device the networks run on: burn's Flex backend (threaded through rayon, with
/// im2col + GEMM convolutions and their GEMM backward passes). It replaced the NdArray
/// backend, whose convolutions are direct loops and whose kernels ran single-threaded in
/// this build: on the CSNN a training batch took 6.5 s there against 2.4 s here.
pub fn cpu() -> Device {
    Device::flex()
}

/// Builds a module with `build` right after seeding `device`'s random generator with `seed`,
/// and draws all its initial parameters before any other seeded draw: its weights depend on
/// `seed` alone.
///
/// burn's CPU backend keeps one generator for the whole process, not one per device or per
/// thread, and burn draws a parameter lazily, when it is first used. Two trainings in one
/// process (tests run in parallel, or a program that trains several networks on threads)
/// would otherwise interleave their seeding and their draws, and a run would start from
/// weights that depend on the other run's timing. All of this crate's parameter draws go
/// through here; draws that do not (unseeded code elsewhere in the process) can still
/// interleave.
pub fn seeded<M: burn::module::Module>(
    device: &Device,
    seed: u64,
    build: impl FnOnce() -> crate::Result<M>,
) -> crate::Result<M> {
    struct DrawAll;
    impl burn::module::ModuleVisitor for DrawAll {
        fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<Tensor<D>>) {
            let _ = param.val();
        }
    }
    static DRAWS: std::sync::Mutex<()> = std::sync::Mutex::new(());
    // a panic in another draw leaves nothing to repair: the generator is reseeded below
    let _one_at_a_time = DRAWS.lock().unwrap_or_else(|e| e.into_inner());
    device.seed(seed);
    let module = build()?;
    module.visit(&mut DrawAll);
    Ok(module)
}

/// Keep freed memory in the process for reuse instead of handing it back to the kernel
/// (glibc `mallopt`; a no-op on other C libraries). Call once at the start of a training or
/// evaluation run.
///
/// A training batch allocates and frees the same large buffers (tens of MiB: activations,
/// surrogate derivatives, gradients) again and again. By default glibc serves blocks above
/// its mmap threshold with `mmap` and returns them with `munmap`, and trims the heap top
/// after each free, so every batch faults in and zeroes fresh pages: on the 2-core machine
/// that kernel work was a third of an FC-SNN batch. Raising the mmap threshold (to 1 GiB,
/// else to glibc's 32 MiB ceiling), the trim threshold and the top pad keeps those pages
/// mapped, much as PyTorch's caching allocator does. The process's peak memory is
/// unchanged; it is just not returned between batches.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        const M_TRIM_THRESHOLD: i32 = -1;
        const M_TOP_PAD: i32 = -2;
        const M_MMAP_THRESHOLD: i32 = -3;
        // SAFETY: mallopt only changes allocator parameters; it is thread-safe in glibc
        unsafe {
            if mallopt(M_MMAP_THRESHOLD, 1 << 30) == 0 {
                mallopt(M_MMAP_THRESHOLD, 32 << 20);
            }
            mallopt(M_TRIM_THRESHOLD, i32::MAX);
            mallopt(M_TOP_PAD, 256 << 20);
        }
    }
}

/// A tensor's values as a flat `f32` vector (test helper).
#[cfg(test)]
pub(crate) fn flat<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .as_slice::<f32>()
        .expect("f32 data")
        .to_vec()
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
    /// The value clamped at `lo` (the end of the track), the gradient passed straight
    /// through, as for the spike: with the gradient zero below the floor, a neuron whose
    /// input stays negative never moves again (in the skyrmion CSNN two of the ten output
    /// neurons ended silent for every class).
    fn floor_at(self, lo: f64) -> Self {
        let through = self.clone() - self.clone().detach();
        self.detach().clamp_min(lo) + through
    }
    fn step_detached(self) -> Self {
        self.greater_elem(0.0).float().detach()
    }
}

//! Demagnetisation: FFT convolution of `M = Ms m` with the Newell tensor.
//!
//! Each magnetic z-slab is transformed in 2D (real-to-complex along x, complex along y),
//! zero-padded to `2 nx` x `2 ny` (no padding along a direction with one cell). The z
//! direction is summed directly in k-space over pairs of magnetic slabs, so non-magnetic
//! spacer slabs of a multilayer cost nothing. The kernel is built once per mesh and kept in
//! k-space with its symmetries: `Nxx, Nyy, Nzz` (even in x and y) and `Nxy` (odd in x and y)
//! have real transforms, `Nxz, Nyz` (odd in one in-plane direction) purely imaginary ones,
//! and a slab offset `-dz` reuses the `+dz` kernel (`Nxz, Nyz` odd in z), so six real numbers
//! per k-point and non-negative offset are stored. The FFT normalisation and the minus sign
//! of `H = -N M` are folded into the kernel. The convolution streams over memory in three
//! passes (rows, column blocks, rows; see `conv.rs`); the y transforms and the k-space
//! product of a block of columns happen while the block is in cache, and only the `ny`
//! non-zero inputs are gathered and the `ny` needed outputs scattered.
//!
//! [`DemagMode::ThinFilm`] is an explicit opt-in local approximation `H = -Ms m_z z`
//! (infinite film), not used unless asked for.

mod conv;
pub mod newell;

use super::{FieldTerm, System, V3};
use crate::{Error, Result};
use rayon::prelude::*;
use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};
use std::sync::Arc;

type C64 = Complex<f64>;

/// Most magnetic z-slabs the demag term handles (the k-space product keeps one k-point's
/// slabs on the stack).
pub const MAX_LOCAL: usize = 64;

/// How demagnetisation is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DemagMode {
    /// No demagnetising field.
    Off,
    /// Full FFT convolution with the Newell tensor (the default).
    #[default]
    Full,
    /// Local infinite-thin-film approximation `H = -Ms m_z z` (opt-in only).
    ThinFilm,
}

struct Scratch {
    row_r: Vec<f64>,
    row_c: Vec<C64>,
    r2c: Vec<C64>,
    col: Vec<C64>,
}

/// The demagnetising field term. Plans, kernel and buffers are built once in [`Demag::new`].
pub struct Demag {
    mode: DemagMode,
    nx: usize,
    ny: usize,
    px: usize,
    py: usize,
    nkx: usize,
    /// Magnetic slabs (z indices).
    slabs: Vec<usize>,
    n_off: usize,
    /// k-space kernel, `[(o * 6 + component) * nq + q]`, q = kx * py + ky.
    kern: Vec<f64>,
    fwd: Arc<dyn RealToComplex<f64>>,
    inv: Arc<dyn ComplexToReal<f64>>,
    fft_y: Arc<dyn Fft<f64>>,
    ifft_y: Arc<dyn Fft<f64>>,
    /// Row spectra of M (after pass 1) and of H (after pass 2),
    /// `[((slab * ny + y) * 3 + comp) * nkx + kx]`.
    xk: Vec<C64>,
    /// kx columns per task of the column pass.
    block: usize,
    /// Slab number of each z index (usize::MAX: not magnetic).
    slab_of: Vec<usize>,
    /// For each (slab, slab) pair: kernel offset `6 * offset index` and z sign.
    pairs: Vec<(usize, f64)>,
}

impl std::fmt::Debug for Demag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Demag({:?}, padded {} x {}, {} slabs)",
            self.mode,
            self.px,
            self.py,
            self.slabs.len()
        )
    }
}

impl Demag {
    /// Build the kernel and FFT plans for `sys`'s mesh and magnetic slabs.
    pub fn new(sys: &System, mode: DemagMode) -> Result<Self> {
        let [nx, ny, nz] = sys.mesh.n;
        let px = if nx > 1 { 2 * nx } else { 1 };
        let py = if ny > 1 { 2 * ny } else { 1 };
        let nkx = px / 2 + 1;
        let plane = nx * ny;
        let slabs: Vec<usize> = (0..nz)
            .filter(|k| sys.ms[k * plane..(k + 1) * plane].iter().any(|v| *v > 0.0))
            .collect();
        if mode == DemagMode::Full && slabs.len() > MAX_LOCAL {
            return Err(Error::Usage(format!(
                "demag: {} magnetic z-slabs exceed the supported {MAX_LOCAL}",
                slabs.len()
            )));
        }
        let mut used = vec![false; nz];
        for a in &slabs {
            for b in &slabs {
                used[a.abs_diff(*b)] = true;
            }
        }
        let mut off_index = vec![usize::MAX; nz];
        let mut n_off = 0;
        for (o, u) in used.iter().enumerate() {
            if *u {
                off_index[o] = n_off;
                n_off += 1;
            }
        }
        let mut pairs = Vec::with_capacity(slabs.len() * slabs.len());
        for a in &slabs {
            for b in &slabs {
                pairs.push((
                    6 * off_index[a.abs_diff(*b)],
                    if a >= b { 1.0 } else { -1.0 },
                ));
            }
        }
        let mut rp = RealFftPlanner::<f64>::new();
        let fwd = rp.plan_fft_forward(px);
        let inv = rp.plan_fft_inverse(px);
        let mut cp = FftPlanner::<f64>::new();
        let fft_y = cp.plan_fft_forward(py);
        let ifft_y = cp.plan_fft_inverse(py);
        let ns = slabs.len();
        let full = mode == DemagMode::Full;
        // About 24-48 columns per task: a block's columns (and their field) stay in L2.
        let block = (32 / (3 * ns.max(1))).clamp(2, 16).min(nkx);
        let mut d = Demag {
            mode,
            nx,
            ny,
            px,
            py,
            nkx,
            n_off,
            kern: Vec::new(),
            xk: vec![C64::default(); if full { 3 * ns * ny * nkx } else { 0 }],
            block,
            pairs,
            slab_of: (0..nz)
                .map(|k| slabs.iter().position(|v| *v == k).unwrap_or(usize::MAX))
                .collect(),
            slabs,
            fwd,
            inv,
            fft_y,
            ifft_y,
        };
        if mode == DemagMode::Full {
            d.build_kernel(sys.mesh.cell, &used)?;
        }
        Ok(d)
    }

    /// The mode.
    pub fn mode(&self) -> DemagMode {
        self.mode
    }

    fn build_kernel(&mut self, d: [f64; 3], used: &[bool]) -> Result<()> {
        let (nx, ny, px, py, nkx) = (self.nx, self.ny, self.px, self.py, self.nkx);
        let nq = nkx * py;
        let offsets: Vec<usize> = (0..used.len()).filter(|o| used[*o]).collect();
        let norm = 1.0 / (px * py) as f64;
        // Real-space tensor for non-negative displacements, per used offset.
        let per_off: Vec<Vec<f64>> = offsets
            .par_iter()
            .map(|&o| {
                let z = o as f64 * d[2];
                let mut t = vec![0.0; nx * ny * 6];
                for j in 0..ny {
                    for i in 0..nx {
                        let r = [i as f64 * d[0], j as f64 * d[1], z];
                        let v = newell::tensor(r, d);
                        t[(j * nx + i) * 6..(j * nx + i) * 6 + 6].copy_from_slice(&v);
                    }
                }
                t
            })
            .collect();
        let mut kern = vec![0.0; nq * self.n_off * 6];
        let mut sc = Scratch {
            row_r: vec![0.0; px],
            row_c: vec![C64::default(); nkx],
            r2c: self.fwd.make_scratch_vec(),
            col: vec![C64::default(); self.fft_y.get_inplace_scratch_len()],
        };
        let mut buf = vec![C64::default(); nq];
        // Parity of each component in (x, y): +1 even, -1 odd.
        let parity = [
            (1.0, 1.0),
            (1.0, 1.0),
            (1.0, 1.0),
            (-1.0, -1.0),
            (-1.0, 1.0),
            (1.0, -1.0),
        ];
        let mut plane = vec![0.0; px * py];
        for (oi, t) in per_off.iter().enumerate() {
            for comp in 0..6 {
                plane.iter_mut().for_each(|v| *v = 0.0);
                for yj in 0..py {
                    let (jy, sy) = wrap(yj, ny, py);
                    let Some(jy) = jy else { continue };
                    for xi in 0..px {
                        let (ix, sx) = wrap(xi, nx, px);
                        let Some(ix) = ix else { continue };
                        let sgn = (if sx { parity[comp].0 } else { 1.0 })
                            * (if sy { parity[comp].1 } else { 1.0 });
                        plane[yj * px + xi] = sgn * t[(jy * nx + ix) * 6 + comp];
                    }
                }
                transform_plane(
                    &*self.fwd,
                    &*self.fft_y,
                    &plane,
                    px,
                    py,
                    py,
                    nkx,
                    &mut sc,
                    &mut buf,
                )?;
                for q in 0..nq {
                    let v = if comp < 4 { buf[q].re } else { buf[q].im };
                    kern[(oi * 6 + comp) * nq + q] = -v * norm;
                }
            }
        }
        self.kern = kern;
        Ok(())
    }
}

/// Map a padded index to a non-negative displacement index and whether it is mirrored.
fn wrap(i: usize, n: usize, p: usize) -> (Option<usize>, bool) {
    if i < n {
        (Some(i), false)
    } else if p - i < n {
        (Some(p - i), true)
    } else {
        (None, false)
    }
}

/// 2D forward transform of a real `p_x x p_y` plane (rows of `px`, first `rows` rows
/// non-zero) into `[kx * py + ky]` layout.
#[allow(clippy::too_many_arguments)]
fn transform_plane(
    fwd: &dyn RealToComplex<f64>,
    fft_y: &dyn Fft<f64>,
    plane: &[f64],
    px: usize,
    py: usize,
    rows: usize,
    nkx: usize,
    sc: &mut Scratch,
    out: &mut [C64],
) -> Result<()> {
    for y in 0..rows {
        sc.row_r.copy_from_slice(&plane[y * px..(y + 1) * px]);
        fwd.process_with_scratch(&mut sc.row_r, &mut sc.row_c, &mut sc.r2c)
            .map_err(|e| Error::Usage(format!("demag kernel FFT: {e}")))?;
        for kx in 0..nkx {
            out[kx * py + y] = sc.row_c[kx];
        }
    }
    fft_y.process_with_scratch(out, &mut sc.col);
    Ok(())
}

impl FieldTerm for Demag {
    fn name(&self) -> &'static str {
        "demag"
    }
    fn references(&self) -> &'static [&'static str] {
        &[
            "Newell, Williams and Dunlop, J. Geophys. Res. 98, 9551 (1993)",
            "Vansteenkiste et al., AIP Advances 4, 107133 (2014), section II.D",
        ]
    }
    fn add_field(&mut self, sys: &System, m: &[V3], _t: f64, h: &mut [V3]) {
        match self.mode {
            DemagMode::Off => {}
            DemagMode::ThinFilm => {
                for c in 0..m.len() {
                    h[c][2] -= sys.ms[c] * m[c][2];
                }
            }
            DemagMode::Full => self.convolve(sys, m, h),
        }
    }
}

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
//! Precision: the default [`DemagMode::Full`] runs the convolution in `f32`, as mumax3 does
//! for its whole demag (Vansteenkiste et al. 2014, section II.D). The kernel is built in f64
//! and rounded once; `M = Ms m` is rounded to f32 when gathered into the FFT rows; the FFTs
//! and the k-space product run in f32 (twice the SIMD lanes and half the memory traffic of
//! f64); the field is widened and accumulated into the f64 `h`. Everything else (local terms,
//! torques, integrator) stays f64. The error is the f32 round-off of the transforms, a few
//! `f32::EPSILON` times `log2` of the padded size: about 1e-7 to 1e-6 of `Ms` (checked
//! against a direct f64 Newell sum in the tests), far below the discretisation error of
//! the field and below what the adaptive step control (MaxErr 1e-5) resolves.
//! [`DemagMode::FullF64`] keeps the same convolution entirely in f64 (round-off ~1e-12 of
//! `Ms`) for reference work.
//!
//! [`DemagMode::ThinFilm`] is an explicit opt-in local approximation `H = -Ms m_z z`
//! (infinite film), not used unless asked for.

mod conv;
pub mod newell;
mod precision;
mod rfft;

use super::{FieldTerm, System, V3};
use crate::{Error, Result};
use conv::Conv;
use rayon::prelude::*;
use realfft::num_complex::Complex;
use realfft::{RealFftPlanner, RealToComplex};
use rustfft::{Fft, FftPlanner};

type C64 = Complex<f64>;

/// Most magnetic z-slabs the demag term handles (the k-space product keeps one k-point's
/// slabs on the stack).
pub const MAX_LOCAL: usize = 64;

/// How demagnetisation is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DemagMode {
    /// No demagnetising field.
    Off,
    /// Full FFT convolution with the Newell tensor, FFTs and k-space product in `f32`
    /// (the default; see the module docs for its error).
    #[default]
    Full,
    /// The same convolution entirely in `f64` (reference precision, about twice the cost).
    FullF64,
    /// Local infinite-thin-film approximation `H = -Ms m_z z` (opt-in only).
    ThinFilm,
}

impl DemagMode {
    /// Whether this mode is the FFT convolution (in either precision).
    pub fn is_full(self) -> bool {
        matches!(self, DemagMode::Full | DemagMode::FullF64)
    }
}

/// The padded FFT geometry and the slab bookkeeping shared by both precisions.
#[derive(Debug, Clone)]
struct Geometry {
    nx: usize,
    ny: usize,
    px: usize,
    py: usize,
    nkx: usize,
    /// Magnetic slabs (z indices).
    slabs: Vec<usize>,
    /// Slab number of each z index (usize::MAX: not magnetic).
    slab_of: Vec<usize>,
    /// For each mesh row (`k ny + y`): whether all its `nx` cells are magnetic.
    full_row: Vec<bool>,
    /// For each (slab, slab) pair: kernel offset `6 * offset index` and z sign.
    pairs: Vec<(usize, f64)>,
}

/// The magnetisation a fused convolution ([`Demag::convolve_rows`]) works on.
pub enum Stage<'a> {
    /// Given.
    Ready(&'a [V3]),
    /// Built row by row in the first pass as `out = base + dt sum a_i k_i` (a Runge-Kutta
    /// stage, same arithmetic as the stepper's own combination), saving that pass.
    Combine {
        /// Receives the stage.
        out: &'a mut [V3],
        /// The state the step starts from.
        base: &'a [V3],
        /// The step.
        dt: f64,
        /// Stage weights and derivatives.
        terms: &'a [(f64, &'a [V3])],
    },
}

/// The FFT convolution of a full mode, in its precision.
enum Convolution {
    None,
    F32(Conv<f32>),
    F64(Conv<f64>),
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
    px: usize,
    py: usize,
    n_slabs: usize,
    convolution: Convolution,
}

impl std::fmt::Debug for Demag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Demag({:?}, padded {} x {}, {} slabs)",
            self.mode, self.px, self.py, self.n_slabs
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
        if mode.is_full() && slabs.len() > MAX_LOCAL {
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
        let n_slabs = slabs.len();
        let g = Geometry {
            nx,
            ny,
            px,
            py,
            nkx,
            full_row: sys
                .ms
                .chunks_exact(nx)
                .map(|row| row.iter().all(|v| *v > 0.0))
                .collect(),
            slab_of: (0..nz)
                .map(|k| slabs.iter().position(|v| *v == k).unwrap_or(usize::MAX))
                .collect(),
            slabs,
            pairs,
        };
        let convolution = match mode {
            DemagMode::Full => {
                let kern = build_kernel(&g, sys.mesh.cell, &used, n_off)?;
                Convolution::F32(Conv::new(g, &kern))
            }
            DemagMode::FullF64 => {
                let kern = build_kernel(&g, sys.mesh.cell, &used, n_off)?;
                Convolution::F64(Conv::new(g, &kern))
            }
            DemagMode::Off | DemagMode::ThinFilm => Convolution::None,
        };
        Ok(Demag {
            mode,
            px,
            py,
            n_slabs,
            convolution,
        })
    }

    /// The mode.
    pub fn mode(&self) -> DemagMode {
        self.mode
    }
}

/// The k-space kernel of `g` in f64, `[(o * 6 + component) * nq + q]` (q = kx * py + ky)
/// for the `n_off` used slab offsets, with the FFT normalisation and the minus sign folded
/// in.
fn build_kernel(g: &Geometry, d: [f64; 3], used: &[bool], n_off: usize) -> Result<Vec<f64>> {
    let (nx, ny, px, py, nkx) = (g.nx, g.ny, g.px, g.py, g.nkx);
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
    let fwd = RealFftPlanner::<f64>::new().plan_fft_forward(px);
    let fft_y = FftPlanner::<f64>::new().plan_fft_forward(py);
    let mut kern = vec![0.0; nq * n_off * 6];
    let mut sc = Scratch {
        row_r: vec![0.0; px],
        row_c: vec![C64::default(); nkx],
        r2c: fwd.make_scratch_vec(),
        col: vec![C64::default(); fft_y.get_inplace_scratch_len()],
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
            transform_plane(&*fwd, &*fft_y, &plane, px, py, py, nkx, &mut sc, &mut buf)?;
            for q in 0..nq {
                let v = if comp < 4 { buf[q].re } else { buf[q].im };
                kern[(oi * 6 + comp) * nq + q] = -v * norm;
            }
        }
    }
    Ok(kern)
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

impl Demag {
    /// The term for `sys` in `mode`, `None` when it is off.
    pub fn build(sys: &System, mode: DemagMode) -> Result<Option<Box<dyn FieldTerm>>> {
        if mode == DemagMode::Off {
            return Ok(None);
        }
        Ok(Some(Box::new(Demag::new(sys, mode)?)))
    }
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
            DemagMode::Full | DemagMode::FullF64 => {
                self.convolve_rows(
                    sys,
                    Stage::Ready(m),
                    h,
                    &mut [],
                    |_, _, _| {},
                    |_, _, _, _| {},
                );
            }
        }
    }
    fn as_demag_mut(&mut self) -> Option<&mut Demag> {
        Some(self)
    }
}

impl Demag {
    /// Whether this is the FFT convolution (in either precision).
    pub fn is_full(&self) -> bool {
        !matches!(self.convolution, Convolution::None)
    }

    /// The FFT convolution fused with per-row work (one pass over memory and one parallel
    /// section fewer for each). The magnetisation `m` is given or, for a Runge-Kutta stage,
    /// combined in the first pass ([`Stage`]). In its last pass, for every row `r` of the
    /// mesh (`nx` cells, `r = k ny + j`) it calls `pre(r, m, h_row)` (which may set the
    /// row, or leave it to have the field added to it), adds the demagnetising field on
    /// magnetic cells, then, when `out` is not empty, calls `post(r, m, h_row, out_row)`.
    /// A mode other than a full one runs the same steps in separate passes.
    pub fn convolve_rows<P, Q>(
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
        match &mut self.convolution {
            Convolution::F32(c) => c.convolve(sys, m, h, out, pre, post),
            Convolution::F64(c) => c.convolve(sys, m, h, out, pre, post),
            Convolution::None => {
                let m: &[V3] = match m {
                    Stage::Ready(m) => m,
                    Stage::Combine {
                        out,
                        base,
                        dt,
                        terms,
                    } => {
                        crate::micromag::stepper::combine(out, base, dt, terms);
                        out
                    }
                };
                let nx = sys.mesh.n[0];
                h.par_chunks_mut(nx)
                    .enumerate()
                    .for_each(|(r, hr)| pre(r, m, hr));
                self.add_field(sys, m, 0.0, h);
                if !out.is_empty() {
                    h.par_chunks(nx)
                        .zip(out.par_chunks_mut(nx))
                        .enumerate()
                        .for_each(|(r, (hr, or))| post(r, m, hr, or));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

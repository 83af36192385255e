//! The linearised circuit shared by the small-signal analyses (`.ac`, `.noise`, `.tf`).
//!
//! At a solved operating point every device is linearised ([`crate::devices::Mode::Ac`]):
//! the conductance matrix `G` and the capacitance matrix `C` share the circuit's sparsity
//! pattern. [`SmallSignal::factor`] forms `G + jωC` at one frequency and factors it with
//! faer's simplicial sparse LU (left-looking, partial pivoting) in complex arithmetic. The
//! fill-reducing column ordering (approximate minimum degree on `A + Aᵀ`, the transient's
//! ordering, see [`super::lu`]) is computed once, in [`SmallSignal::new`]; each frequency
//! only factors numerically. Solves with the matrix and with its transpose (the adjoint
//! system of `.noise`) follow.

use super::newton::Engine;
use super::Stats;
use crate::devices::{AcRhs, SmallSignal as Kind, Unknown, GROUND};
use crate::error::Error;
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::perm::PermRef;
use faer::sparse::linalg::lu::simplicial::{
    factorize_simplicial_numeric_lu, factorize_simplicial_numeric_lu_scratch, SimplicialLu,
};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{c64, Conj, MatMut, Par};

/// Check that every device can be linearised (`what` names the analysis, e.g. "`.ac`"):
/// devices that freeze an internal state add a note to `stats`; one without a small-signal
/// model is an error naming it.
pub(crate) fn check_devices(eng: &Engine, what: &str, stats: &mut Stats) -> crate::Result<()> {
    for d in &eng.devices {
        match d.small_signal() {
            Kind::Linearised => {}
            Kind::Frozen(frozen) => stats
                .notes
                .push(format!("`{}` enters {what} with {frozen}", d.name())),
            Kind::Unsupported(why) => {
                return Err(Error::Usage(format!(
                    "{what}: device `{}` cannot be linearised: {why}",
                    d.name()
                )))
            }
        }
    }
    Ok(())
}

/// The linearised circuit at its operating point, factored at one frequency at a time.
pub(crate) struct SmallSignal {
    n: usize,
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    /// `G` and `C` in CSC value order.
    pub g: Vec<f64>,
    pub c: Vec<f64>,
    /// The fill-reducing column order and its inverse.
    col_perm: (Vec<usize>, Vec<usize>),
    /// The row pivot order of the last factorisation and its inverse.
    row_perm: (Vec<usize>, Vec<usize>),
    lu: SimplicialLu<usize, c64>,
    mem: MemBuffer,
    vals: Vec<c64>,
    /// Numeric factorisations made.
    pub factorizations: usize,
}

impl SmallSignal {
    /// Linearise `eng` at its present solution (an operating point) and make the symbolic
    /// factorisation. `what` names the analysis in errors.
    pub fn new(eng: &mut Engine, what: &str) -> crate::Result<SmallSignal> {
        let (g, c) = eng.small_signal_matrices(eng.opts.gmin)?;
        let n = eng.n();
        let col_ptr = eng.pattern.col_ptr.clone();
        let row_idx = eng.pattern.row_idx.clone();
        let col_perm =
            super::lu::fill_reducing_order(n, &col_ptr, &row_idx, super::lu::Ordering::Amd)
                .map_err(|e| Error::Usage(format!("{what}: {e}")))?;
        // Factorisation, and the row permutations of the solves (one column each).
        let scratch = StackReq::any_of(&[
            factorize_simplicial_numeric_lu_scratch::<usize, c64>(n, n),
            faer::perm::permute_rows_in_place_scratch::<usize, c64>(n, 1),
        ]);
        let vals = vec![c64::new(0.0, 0.0); g.len()];
        Ok(SmallSignal {
            n,
            col_ptr,
            row_idx,
            g,
            c,
            col_perm,
            row_perm: (vec![0; n], vec![0; n]),
            lu: SimplicialLu::new(),
            mem: MemBuffer::new(scratch),
            vals,
            factorizations: 0,
        })
    }

    /// Number of unknowns.
    pub fn n(&self) -> usize {
        self.n
    }

    /// The excitation of every device's `ac` value (see
    /// [`crate::devices::Device::ac_stimulus`]), or of device `only`'s alone; `unit`: a unit
    /// phasor on each source instead of its `ac` value.
    pub fn stimulus(eng: &Engine, only: Option<usize>, unit: bool) -> Vec<c64> {
        let n = eng.n();
        let (mut re, mut im) = (vec![0.0; n], vec![0.0; n]);
        {
            let mut rhs = AcRhs {
                re: &mut re,
                im: &mut im,
                unit,
            };
            for (k, d) in eng.devices.iter().enumerate() {
                if only.is_none_or(|o| o == k) {
                    d.ac_stimulus(&mut rhs);
                }
            }
        }
        re.into_iter()
            .zip(im)
            .map(|(r, i)| c64::new(r, i))
            .collect()
    }

    /// Factor `G + j 2πf C`; `what` names the analysis in the error of a singular matrix.
    pub fn factor(&mut self, f: f64, what: &str) -> crate::Result<()> {
        let w = 2.0 * std::f64::consts::PI * f;
        for ((v, g), c) in self.vals.iter_mut().zip(&self.g).zip(&self.c) {
            *v = c64::new(*g, w * c);
        }
        let sym = SymbolicSparseColMatRef::new_checked(
            self.n,
            self.n,
            &self.col_ptr,
            None,
            &self.row_idx,
        );
        let a = SparseColMatRef::new(sym, &self.vals);
        let col_perm = PermRef::new_checked(&self.col_perm.0, &self.col_perm.1, self.n);
        factorize_simplicial_numeric_lu(
            &mut self.row_perm.0,
            &mut self.row_perm.1,
            &mut self.lu,
            a,
            col_perm,
            MemStack::new(&mut self.mem),
        )
        .map_err(|_| {
            Error::Usage(format!(
                "{what}: the small-signal matrix is singular at f = {f:e} Hz \
                     (a floating node, or a loop of voltage sources and inductors)"
            ))
        })?;
        self.factorizations += 1;
        Ok(())
    }

    /// Solve `A x = b` in place with the last factorisation (`transpose`: `Aᵀ x = b`).
    pub fn solve(&mut self, x: &mut [c64], transpose: bool) {
        assert!(self.factorizations > 0, "solve before factor");
        let n = self.n;
        let row_perm = PermRef::new_checked(&self.row_perm.0, &self.row_perm.1, n);
        let col_perm = PermRef::new_checked(&self.col_perm.0, &self.col_perm.1, n);
        let rhs = MatMut::from_column_major_slice_mut(x, n, 1);
        let stack = MemStack::new(&mut self.mem);
        if transpose {
            self.lu.solve_transpose_in_place_with_conj(
                row_perm,
                col_perm,
                Conj::No,
                rhs,
                Par::Seq,
                stack,
            );
        } else {
            self.lu
                .solve_in_place_with_conj(row_perm, col_perm, Conj::No, rhs, Par::Seq, stack);
        }
    }
}

/// The index of the first non-finite entry of `x`, if any.
pub(crate) fn first_non_finite(x: &[c64]) -> Option<usize> {
    x.iter()
        .position(|v| !(v.re.is_finite() && v.im.is_finite()))
}

/// The unknown of node `name` (ground for `0`/`gnd`); `what` names the analysis in the
/// error for a node the circuit does not have.
pub(crate) fn node_unknown(eng: &Engine, name: &str, what: &str) -> crate::Result<Unknown> {
    if name == "0" || name.eq_ignore_ascii_case("gnd") {
        return Ok(GROUND);
    }
    let want = format!("v({})", name.to_ascii_lowercase());
    (0..eng.n())
        .find(|&u| eng.signal_name(u) == want)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{what}: output node `{name}` does not exist in the circuit"
            ))
        })
}

/// The index of independent source `name`, and whether it is a voltage source; `what`
/// names the analysis in errors.
pub(crate) fn input_source(eng: &Engine, name: &str, what: &str) -> crate::Result<(usize, bool)> {
    let k = eng
        .devices
        .iter()
        .position(|d| d.name() == name)
        .ok_or_else(|| {
            Error::Usage(format!(
                "{what}: input source `{name}` does not exist in the circuit"
            ))
        })?;
    let b = SmallSignal::stimulus(eng, Some(k), true);
    if b.iter().all(|v| v.re == 0.0 && v.im == 0.0) {
        return Err(Error::Usage(format!(
            "{what}: `{name}` is not an independent voltage or current source"
        )));
    }
    Ok((k, name.starts_with('v')))
}

/// `x[u]`, zero for ground.
pub(crate) fn at(x: &[c64], u: Unknown) -> c64 {
    if u == GROUND {
        c64::new(0.0, 0.0)
    } else {
        x[u]
    }
}

//! Sparse LU of the MNA matrix with `faer`.
//!
//! The fill-reducing column ordering (approximate minimum degree on `A + Aᵀ`, as KLU does
//! for circuit matrices) is computed once per circuit from the fixed [`Pattern`]; every
//! Newton iteration refactorises numerically (left-looking Gilbert–Peierls with partial
//! pivoting, faer's simplicial LU) into buffers that are reused, so the hot path does not
//! allocate once the factors have reached their size. A zero pivot is reported with the
//! unknown (matrix column) it belongs to, so the caller can name the floating node.

use super::pattern::Pattern;
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::sparse::linalg::lu::simplicial::{
    factorize_simplicial_numeric_lu, factorize_simplicial_numeric_lu_scratch,
    solve_in_place_scratch, SimplicialLu,
};
use faer::sparse::linalg::{amd, colamd, LuError};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, MatMut, Par};

/// The column ordering used by the symbolic analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    /// Approximate minimum degree on the pattern of `A + Aᵀ` (default).
    Amd,
    /// Column approximate minimum degree on `AᵀA`.
    Colamd,
}

/// Why a factorisation failed: the matrix is singular at this unknown's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Singular {
    /// Index of the unknown (matrix column) with no usable pivot.
    pub unknown: usize,
}

/// A reusable sparse LU for one fixed pattern.
pub struct SparseLu {
    n: usize,
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    perm: Vec<usize>,
    perm_inv: Vec<usize>,
    row_perm: Vec<usize>,
    row_perm_inv: Vec<usize>,
    lu: SimplicialLu<usize, f64>,
    factor_mem: MemBuffer,
    solve_mem: MemBuffer,
    factored: bool,
}

impl std::fmt::Debug for SparseLu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparseLu")
            .field("n", &self.n)
            .field("nnz", &self.row_idx.len())
            .finish()
    }
}

impl SparseLu {
    /// Symbolic analysis (ordering) of `pattern`, once per circuit.
    pub fn new(pattern: &Pattern, ordering: Ordering) -> crate::Result<Self> {
        let n = pattern.n;
        let col_ptr = pattern.col_ptr.clone();
        let row_idx = pattern.row_idx.clone();
        let mut perm = vec![0usize; n];
        let mut perm_inv = vec![0usize; n];
        if n > 0 {
            let sym = SymbolicSparseColMatRef::new_checked(n, n, &col_ptr, None, &row_idx);
            let nnz = row_idx.len();
            let res = match ordering {
                Ordering::Amd => {
                    let mut mem = MemBuffer::new(amd::order_scratch::<usize>(n, nnz));
                    amd::order(
                        &mut perm,
                        &mut perm_inv,
                        sym,
                        amd::Control::default(),
                        MemStack::new(&mut mem),
                    )
                    .map(|_| ())
                }
                Ordering::Colamd => {
                    let mut mem = MemBuffer::new(colamd::order_scratch::<usize>(n, n, nnz));
                    colamd::order(
                        &mut perm,
                        &mut perm_inv,
                        sym,
                        colamd::Control::default(),
                        MemStack::new(&mut mem),
                    )
                }
            };
            res.map_err(|e| {
                crate::Error::Convergence(format!("sparse LU ordering failed: {e:?}"))
            })?;
        }
        let factor_mem =
            MemBuffer::new(factorize_simplicial_numeric_lu_scratch::<usize, f64>(n, n));
        let solve_mem = MemBuffer::new(StackReq::or(
            solve_in_place_scratch::<usize, f64>(n, 1, Par::Seq),
            StackReq::empty(),
        ));
        Ok(SparseLu {
            n,
            col_ptr,
            row_idx,
            perm,
            perm_inv,
            row_perm: vec![0; n],
            row_perm_inv: vec![0; n],
            lu: SimplicialLu::new(),
            factor_mem,
            solve_mem,
            factored: false,
        })
    }

    /// Dimension.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Numeric factorisation of the matrix with values `vals` (CSC order of the pattern).
    pub fn factor(&mut self, vals: &[f64]) -> Result<(), Singular> {
        self.factored = false;
        if self.n == 0 {
            self.factored = true;
            return Ok(());
        }
        let sym = SymbolicSparseColMatRef::new_checked(
            self.n,
            self.n,
            &self.col_ptr,
            None,
            &self.row_idx,
        );
        let a = SparseColMatRef::new(sym, vals);
        // SAFETY-free: the permutation arrays were produced by the ordering as a valid pair.
        let col_perm = faer::perm::PermRef::new_checked(&self.perm, &self.perm_inv, self.n);
        let res = factorize_simplicial_numeric_lu(
            &mut self.row_perm,
            &mut self.row_perm_inv,
            &mut self.lu,
            a,
            col_perm,
            MemStack::new(&mut self.factor_mem),
        );
        match res {
            Ok(()) => {}
            Err(LuError::SymbolicSingular { index }) => {
                return Err(Singular {
                    unknown: self.perm[index.min(self.n - 1)],
                })
            }
            Err(LuError::Generic(_)) => return Err(Singular { unknown: 0 }),
        }
        // A structurally present but numerically zero (or non-finite) pivot: U's diagonal
        // entry of pivot step j is the last one stored in column j.
        let u = self.lu.u_factor_unsorted();
        let uptr = u.symbolic().col_ptr();
        let uval = u.val();
        for j in 0..self.n {
            let end = uptr[j + 1];
            let d = if end > uptr[j] { uval[end - 1] } else { 0.0 };
            if d == 0.0 || !d.is_finite() {
                return Err(Singular {
                    unknown: self.perm[j],
                });
            }
        }
        self.factored = true;
        Ok(())
    }

    /// Solve `A x = b` in place (`rhs` holds `b` on entry and `x` on return). Requires a
    /// successful [`SparseLu::factor`].
    pub fn solve(&mut self, rhs: &mut [f64]) {
        debug_assert!(self.factored);
        if self.n == 0 {
            return;
        }
        let row_perm = faer::perm::PermRef::new_checked(&self.row_perm, &self.row_perm_inv, self.n);
        let col_perm = faer::perm::PermRef::new_checked(&self.perm, &self.perm_inv, self.n);
        let b = MatMut::from_column_major_slice_mut(rhs, self.n, 1);
        self.lu.solve_in_place_with_conj(
            row_perm,
            col_perm,
            Conj::No,
            b,
            Par::Seq,
            MemStack::new(&mut self.solve_mem),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::pattern::PatternBuilder;
    use rand::{Rng, SeedableRng};

    /// Dense Gaussian elimination with partial pivoting: the slow oracle.
    #[allow(clippy::needless_range_loop)]
    fn dense_solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
        let n = b.len();
        for k in 0..n {
            let p = (k..n)
                .max_by(|&i, &j| a[i][k].abs().total_cmp(&a[j][k].abs()))
                .unwrap();
            a.swap(k, p);
            b.swap(k, p);
            for i in k + 1..n {
                let f = a[i][k] / a[k][k];
                for j in k..n {
                    a[i][j] -= f * a[k][j];
                }
                b[i] -= f * b[k];
            }
        }
        let mut x = vec![0.0; n];
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|j| a[i][j] * x[j]).sum();
            x[i] = (b[i] - s) / a[i][i];
        }
        x
    }

    #[allow(clippy::needless_range_loop)]
    fn random_system(ordering: Ordering, seed: u64) {
        // A random sparse, diagonally dominant (hence well-conditioned) unsymmetric matrix
        // with some zero-diagonal rows coupled like voltage-source branches, so pivoting is
        // exercised.
        let n = 40;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut dense = vec![vec![0.0; n]; n];
        for i in 0..n {
            for _ in 0..3 {
                let j = rng.random_range(0..n);
                if j != i {
                    dense[i][j] += rng.random_range(-1.0..1.0);
                }
            }
        }
        for i in 0..n {
            let s: f64 = dense[i].iter().map(|v: &f64| v.abs()).sum();
            dense[i][i] = s + 1.0 + rng.random_range(0.0..1.0);
        }
        // Two "branch" unknowns with a zero diagonal: rows/cols 38, 39 couple to 0 and 1.
        for k in [38usize, 39] {
            dense[k] = vec![0.0; n];
            for row in dense.iter_mut() {
                row[k] = 0.0;
            }
            let node = k - 38;
            dense[k][node] = 1.0;
            dense[node][k] = 1.0;
        }
        let b: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let mut pb = PatternBuilder::new(n);
        let mut slots = Vec::new();
        let mut svals = Vec::new();
        for (i, row) in dense.iter().enumerate() {
            for (j, &v) in row.iter().enumerate() {
                if v != 0.0 {
                    slots.push(pb.slot(i, j));
                    svals.push(v);
                }
            }
        }
        let p = pb.finish();
        let mut vals = vec![0.0; p.nnz()];
        p.gather(&svals, &mut vals);
        let mut lu = SparseLu::new(&p, ordering).unwrap();
        lu.factor(&vals).unwrap();
        let mut x = b.clone();
        lu.solve(&mut x);
        let xd = dense_solve(dense, b);
        // The system is well conditioned (diagonal dominance, unit couplings): both
        // eliminations agree to a few ulps of the O(1) solution.
        for (a, d) in x.iter().zip(&xd) {
            assert!((a - d).abs() < 1e-12, "{a} vs {d}");
        }
    }

    #[test]
    fn sparse_lu_matches_dense_solve_amd() {
        random_system(Ordering::Amd, 1);
        random_system(Ordering::Amd, 2);
    }

    #[test]
    fn sparse_lu_matches_dense_solve_colamd() {
        random_system(Ordering::Colamd, 3);
    }

    #[test]
    fn zero_pivot_names_the_column() {
        // [[1, 0], [0, 0]] with (1,1) structurally present: unknown 1 is singular.
        let mut pb = PatternBuilder::new(2);
        pb.slot(0, 0);
        pb.slot(1, 1);
        let p = pb.finish();
        let mut lu = SparseLu::new(&p, Ordering::Amd).unwrap();
        assert_eq!(lu.factor(&[1.0, 0.0]), Err(Singular { unknown: 1 }));
        // Refactorising with a good value works afterwards.
        lu.factor(&[1.0, 2.0]).unwrap();
        let mut x = vec![3.0, 4.0];
        lu.solve(&mut x);
        assert_eq!(x, vec![3.0, 2.0]);
    }
}

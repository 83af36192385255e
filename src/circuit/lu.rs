//! Sparse LU of the MNA matrix with `faer`.
//!
//! The fill-reducing column ordering (approximate minimum degree on `A + Aᵀ`, as KLU does
//! for circuit matrices) is computed once per circuit from the fixed [`Pattern`]. The first
//! numeric factorisation is faer's simplicial LU (left-looking Gilbert–Peierls with partial
//! pivoting); its row pivot order and the patterns of `L` and `U` are then kept, and later
//! factorisations of the same pattern *refactor* along them (KLU's `klu_refactor`, Sparse
//! 1.3's reuse of the pivot sequence in SPICE): no depth-first search and no pivot search,
//! only the numeric updates over a fixed structure. A refactor whose pivot has become small
//! against its column (`|u_jj| < 1e-3 · max |l_ij|`, KLU's default tolerance) or non-finite is
//! abandoned for a fresh pivoting factorisation. Buffers are reused, so the hot path does not
//! allocate once the factors have reached their size. A zero pivot is reported with the
//! unknown (matrix column) it belongs to, so the caller can name the floating node.

use super::pattern::Pattern;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::sparse::linalg::lu::simplicial::{
    factorize_simplicial_numeric_lu, factorize_simplicial_numeric_lu_scratch, SimplicialLu,
};
use faer::sparse::linalg::{amd, colamd, LuError};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};

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

/// Relative pivot tolerance of a refactorisation (KLU's default `tol`).
const PIVOT_TOL: f64 = 1e-3;

/// A reusable sparse LU for one fixed pattern.
pub struct SparseLu {
    n: usize,
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    perm: Vec<usize>,
    perm_inv: Vec<usize>,
    /// Numeric factorisations kept for reuse (see [`SparseLu::factor_cached`]).
    slots: Vec<NumericSlot>,
    /// How many factorisations to keep.
    capacity: usize,
    /// The slot solves use.
    active: usize,
    clock: u64,
    /// faer's pivoting factorisation, used for the first factorisation and on pivot failure.
    pivoting: SimplicialLu<usize, f64>,
    factor_mem: MemBuffer,
    /// Dense work column of the refactorisation and the solves (all zero between uses).
    work: Vec<f64>,
    factored: bool,
    /// Pivoting factorisations and refactorisations done (statistics).
    pub full_factorizations: usize,
    pub refactorizations: usize,
}

/// `L` (unit lower, diagonal not stored) and `U` (upper, diagonal apart) in pivot order,
/// with the row pivot order that made them. Column `j` is the matrix column `perm[j]`.
#[derive(Default)]
struct Factors {
    /// Whether the patterns below are those of a pivoting factorisation of this matrix
    /// pattern (then a refactorisation may reuse them).
    valid: bool,
    /// `row_perm[j]`: the matrix row pivoted at step `j`; `row_perm_inv` the inverse.
    row_perm: Vec<usize>,
    row_perm_inv: Vec<usize>,
    l_ptr: Vec<usize>,
    l_idx: Vec<usize>,
    l_val: Vec<f64>,
    /// Row indices of each `U` column ascending (a valid elimination order).
    u_ptr: Vec<usize>,
    u_idx: Vec<usize>,
    u_val: Vec<f64>,
    diag: Vec<f64>,
}

/// One numeric factorisation and the matrix values it was made from.
struct NumericSlot {
    f: Factors,
    /// The values factorised (empty: none valid).
    key: Vec<f64>,
    stamp: u64,
}

impl NumericSlot {
    fn new() -> Self {
        NumericSlot {
            f: Factors::default(),
            key: Vec::new(),
            stamp: 0,
        }
    }
}

impl std::fmt::Debug for SparseLu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparseLu")
            .field("n", &self.n)
            .field("nnz", &self.row_idx.len())
            .finish()
    }
}

/// The fill-reducing column ordering of an `n` x `n` CSC pattern: `(perm, perm_inv)`.
pub(crate) fn fill_reducing_order(
    n: usize,
    col_ptr: &[usize],
    row_idx: &[usize],
    ordering: Ordering,
) -> crate::Result<(Vec<usize>, Vec<usize>)> {
    let mut perm = vec![0usize; n];
    let mut perm_inv = vec![0usize; n];
    if n > 0 {
        let sym = SymbolicSparseColMatRef::new_checked(n, n, col_ptr, None, row_idx);
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
        res.map_err(|e| crate::Error::Convergence(format!("sparse LU ordering failed: {e:?}")))?;
    }
    Ok((perm, perm_inv))
}

impl SparseLu {
    /// Symbolic analysis (ordering) of `pattern`, once per circuit.
    pub fn new(pattern: &Pattern, ordering: Ordering) -> crate::Result<Self> {
        let n = pattern.n;
        let col_ptr = pattern.col_ptr.clone();
        let row_idx = pattern.row_idx.clone();
        let (perm, perm_inv) = fill_reducing_order(n, &col_ptr, &row_idx, ordering)?;
        let factor_mem =
            MemBuffer::new(factorize_simplicial_numeric_lu_scratch::<usize, f64>(n, n));
        Ok(SparseLu {
            n,
            col_ptr,
            row_idx,
            perm,
            perm_inv,
            slots: vec![NumericSlot::new()],
            capacity: 1,
            active: 0,
            clock: 0,
            pivoting: SimplicialLu::new(),
            factor_mem,
            work: vec![0.0; n],
            factored: false,
            full_factorizations: 0,
            refactorizations: 0,
        })
    }

    /// Dimension.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Keep up to `k` (at least 1) factorisations for [`SparseLu::factor_cached`]. Worth it
    /// for linear circuits, whose matrix only depends on the time step: the step sequence
    /// after each breakpoint repeats, and so do the matrices.
    pub fn set_cache(&mut self, k: usize) {
        self.capacity = k.max(1);
    }

    /// Make the factorisation of `vals` active: reuse the active one or a kept one made from
    /// exactly these values, or factorise (into the least recently used slot). Returns
    /// whether a numeric factorisation was computed.
    pub fn factor_cached(&mut self, vals: &[f64]) -> Result<bool, Singular> {
        self.clock += 1;
        if self.factored && self.slots[self.active].key == vals {
            self.slots[self.active].stamp = self.clock;
            return Ok(false);
        }
        if let Some(k) = self.slots.iter().position(|sl| sl.key == vals) {
            self.active = k;
            self.slots[k].stamp = self.clock;
            self.factored = true;
            return Ok(false);
        }
        let k = if self.slots.len() < self.capacity {
            self.slots.push(NumericSlot::new());
            self.slots.len() - 1
        } else {
            (0..self.slots.len())
                .min_by_key(|&k| self.slots[k].stamp)
                .unwrap_or(0)
        };
        self.active = k;
        self.slots[k].key.clear();
        self.factor(vals)?;
        let sl = &mut self.slots[k];
        sl.key.extend_from_slice(vals);
        sl.stamp = self.clock;
        Ok(true)
    }

    /// Numeric factorisation of the matrix with values `vals` (CSC order of the pattern)
    /// into the active slot: a refactorisation along the slot's kept pivot order when it
    /// has one and the pivots stay acceptable, a pivoting factorisation otherwise.
    pub fn factor(&mut self, vals: &[f64]) -> Result<(), Singular> {
        self.factored = false;
        self.slots[self.active].key.clear();
        if self.n == 0 {
            self.factored = true;
            return Ok(());
        }
        if self.slots[self.active].f.valid && self.refactor(vals) {
            self.refactorizations += 1;
            self.factored = true;
            return Ok(());
        }
        self.factor_pivoting(vals)?;
        self.full_factorizations += 1;
        self.factored = true;
        Ok(())
    }

    /// Numeric factorisation along the kept pivot order and patterns. Returns `false` (the
    /// factors are then invalid) when a pivot is zero, non-finite or below the tolerance.
    fn refactor(&mut self, vals: &[f64]) -> bool {
        let f = &mut self.slots[self.active].f;
        let x = &mut self.work;
        for j in 0..self.n {
            let pc = self.perm[j];
            for p in self.col_ptr[pc]..self.col_ptr[pc + 1] {
                x[f.row_perm_inv[self.row_idx[p]]] = vals[p];
            }
            for p in f.u_ptr[j]..f.u_ptr[j + 1] {
                let k = f.u_idx[p];
                let xk = x[k];
                x[k] = 0.0;
                f.u_val[p] = xk;
                if xk != 0.0 {
                    for q in f.l_ptr[k]..f.l_ptr[k + 1] {
                        x[f.l_idx[q]] -= f.l_val[q] * xk;
                    }
                }
            }
            let piv = x[j];
            x[j] = 0.0;
            let lcol = f.l_ptr[j]..f.l_ptr[j + 1];
            let big = f.l_idx[lcol.clone()]
                .iter()
                .fold(0.0f64, |m, &i| m.max(x[i].abs()));
            if piv == 0.0 || !piv.is_finite() || piv.abs() < PIVOT_TOL * big {
                for &i in &f.l_idx[lcol] {
                    x[i] = 0.0;
                }
                f.valid = false;
                return false;
            }
            f.diag[j] = piv;
            let inv = 1.0 / piv;
            for q in lcol {
                let i = f.l_idx[q];
                f.l_val[q] = x[i] * inv;
                x[i] = 0.0;
            }
        }
        true
    }

    /// faer's pivoting factorisation, then its factors copied into the active slot with
    /// `U`'s columns sorted (ready for refactorisation and for the solves).
    fn factor_pivoting(&mut self, vals: &[f64]) -> Result<(), Singular> {
        let n = self.n;
        let f = &mut self.slots[self.active].f;
        f.valid = false;
        f.row_perm.resize(n, 0);
        f.row_perm_inv.resize(n, 0);
        let sym = SymbolicSparseColMatRef::new_checked(n, n, &self.col_ptr, None, &self.row_idx);
        let a = SparseColMatRef::new(sym, vals);
        // The permutation arrays were produced by the ordering as a valid pair.
        let col_perm = faer::perm::PermRef::new_checked(&self.perm, &self.perm_inv, n);
        let res = factorize_simplicial_numeric_lu(
            &mut f.row_perm,
            &mut f.row_perm_inv,
            &mut self.pivoting,
            a,
            col_perm,
            MemStack::new(&mut self.factor_mem),
        );
        match res {
            Ok(()) => {}
            Err(LuError::SymbolicSingular { index }) => {
                return Err(Singular {
                    unknown: self.perm[index.min(n - 1)],
                })
            }
            Err(LuError::Generic(_)) => return Err(Singular { unknown: 0 }),
        }
        // L: drop the unit diagonal (row j of column j).
        let l = self.pivoting.l_factor_unsorted();
        let (lp, li, lv) = (l.symbolic().col_ptr(), l.symbolic().row_idx(), l.val());
        f.l_ptr.clear();
        f.l_idx.clear();
        f.l_val.clear();
        f.l_ptr.push(0);
        for j in 0..n {
            for p in lp[j]..lp[j + 1] {
                if li[p] != j {
                    f.l_idx.push(li[p]);
                    f.l_val.push(lv[p]);
                }
            }
            f.l_ptr.push(f.l_idx.len());
        }
        // U: diagonal apart, the rest sorted by row. A structurally present but numerically
        // zero (or non-finite) pivot is singular.
        let u = self.pivoting.u_factor_unsorted();
        let (up, ui, uv) = (u.symbolic().col_ptr(), u.symbolic().row_idx(), u.val());
        f.u_ptr.clear();
        f.u_idx.clear();
        f.u_val.clear();
        f.diag.clear();
        f.u_ptr.push(0);
        for j in 0..n {
            let mut d = 0.0;
            let from = f.u_idx.len();
            for p in up[j]..up[j + 1] {
                if ui[p] == j {
                    d = uv[p];
                } else {
                    f.u_idx.push(ui[p]);
                    f.u_val.push(uv[p]);
                }
            }
            if d == 0.0 || !d.is_finite() {
                return Err(Singular {
                    unknown: self.perm[j],
                });
            }
            f.diag.push(d);
            sort_column(&mut f.u_idx[from..], &mut f.u_val[from..]);
            f.u_ptr.push(f.u_idx.len());
        }
        f.valid = true;
        Ok(())
    }

    /// Solve `A x = b` in place (`rhs` holds `b` on entry and `x` on return). Requires a
    /// successful [`SparseLu::factor`].
    pub fn solve(&mut self, rhs: &mut [f64]) {
        debug_assert!(self.factored);
        if self.n == 0 {
            return;
        }
        let f = &self.slots[self.active].f;
        let y = &mut self.work;
        for (j, yj) in y.iter_mut().enumerate() {
            *yj = rhs[f.row_perm[j]];
        }
        for k in 0..self.n {
            let yk = y[k];
            if yk != 0.0 {
                for q in f.l_ptr[k]..f.l_ptr[k + 1] {
                    y[f.l_idx[q]] -= f.l_val[q] * yk;
                }
            }
        }
        for k in (0..self.n).rev() {
            let yk = y[k] / f.diag[k];
            y[k] = yk;
            if yk != 0.0 {
                for q in f.u_ptr[k]..f.u_ptr[k + 1] {
                    y[f.u_idx[q]] -= f.u_val[q] * yk;
                }
            }
        }
        for (j, yj) in y.iter_mut().enumerate() {
            rhs[self.perm[j]] = *yj;
            *yj = 0.0;
        }
    }
}

/// Sort one column's row indices ascending, carrying the values along (columns are short:
/// insertion sort).
fn sort_column(idx: &mut [usize], val: &mut [f64]) {
    for a in 1..idx.len() {
        let mut b = a;
        while b > 0 && idx[b - 1] > idx[b] {
            idx.swap(b - 1, b);
            val.swap(b - 1, b);
            b -= 1;
        }
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
        let xd = dense_solve(dense.clone(), b.clone());
        // The system is well conditioned (diagonal dominance, unit couplings): both
        // eliminations agree to a few ulps of the O(1) solution.
        for (a, d) in x.iter().zip(&xd) {
            assert!((a - d).abs() < 1e-12, "{a} vs {d}");
        }
        // New values on the same pattern (a Newton iteration): the refactorisation along
        // the kept pivot order solves the new system as accurately.
        for row in dense.iter_mut() {
            for v in row.iter_mut() {
                if *v != 0.0 && *v != 1.0 {
                    *v *= rng.random_range(0.5..1.5);
                }
            }
        }
        for i in 0..38 {
            let s: f64 = (0..n).filter(|&j| j != i).map(|j| dense[i][j].abs()).sum();
            dense[i][i] = dense[i][i].max(s + 0.5);
        }
        let mut svals = Vec::new();
        for row in dense.iter() {
            for &v in row.iter() {
                if v != 0.0 {
                    svals.push(v);
                }
            }
        }
        p.gather(&svals, &mut vals);
        lu.factor(&vals).unwrap();
        assert_eq!((lu.full_factorizations, lu.refactorizations), (1, 1));
        let mut x = b.clone();
        lu.solve(&mut x);
        let xd = dense_solve(dense, b);
        for (a, d) in x.iter().zip(&xd) {
            assert!((a - d).abs() < 1e-12, "refactor: {a} vs {d}");
        }
    }

    #[test]
    fn small_pivot_in_refactor_falls_back_to_pivoting() {
        // [[a, 1], [1, 1]]: with a = 2 row 0 is pivoted first; with a = 1e-9 that pivot
        // order would divide by 1e-9, so the refactorisation is abandoned and the pivoting
        // factorisation swaps the rows. x solves [[1e-9, 1], [1, 1]] x = [1, 2].
        let mut pb = PatternBuilder::new(2);
        for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            pb.slot(i, j);
        }
        let p = pb.finish();
        let mut lu = SparseLu::new(&p, Ordering::Amd).unwrap();
        let mut vals = vec![0.0; 4];
        p.gather(&[2.0, 1.0, 1.0, 1.0], &mut vals);
        lu.factor(&vals).unwrap();
        p.gather(&[1e-9, 1.0, 1.0, 1.0], &mut vals);
        lu.factor(&vals).unwrap();
        assert_eq!((lu.full_factorizations, lu.refactorizations), (2, 0));
        let mut x = vec![1.0, 2.0];
        lu.solve(&mut x);
        let xd = dense_solve(vec![vec![1e-9, 1.0], vec![1.0, 1.0]], vec![1.0, 2.0]);
        for (a, d) in x.iter().zip(&xd) {
            assert!((a - d).abs() < 1e-12, "{a} vs {d}");
        }
        // Back to benign values: the new pivot order is refactorised.
        p.gather(&[3.0, 1.0, 1.0, 1.0], &mut vals);
        lu.factor(&vals).unwrap();
        assert_eq!(lu.refactorizations, 1);
        let mut x = vec![1.0, 2.0];
        lu.solve(&mut x);
        assert!(
            (x[0] + 0.5).abs() < 1e-15 && (x[1] - 2.5).abs() < 1e-15,
            "{x:?}"
        );
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
    fn cached_factorisations_are_reused_and_correct() {
        // diag(a, b): the solution of diag x = [1, 1] is [1/a, 1/b] whichever slot serves.
        let mut pb = PatternBuilder::new(2);
        pb.slot(0, 0);
        pb.slot(1, 1);
        let p = pb.finish();
        let mut lu = SparseLu::new(&p, Ordering::Amd).unwrap();
        lu.set_cache(2);
        let solve = |lu: &mut SparseLu, v: [f64; 2]| {
            let fresh = lu.factor_cached(&v).unwrap();
            let mut x = vec![1.0, 1.0];
            lu.solve(&mut x);
            assert_eq!(x, vec![1.0 / v[0], 1.0 / v[1]]);
            fresh
        };
        assert!(solve(&mut lu, [2.0, 4.0]));
        assert!(!solve(&mut lu, [2.0, 4.0]));
        assert!(solve(&mut lu, [8.0, 16.0]));
        assert!(!solve(&mut lu, [2.0, 4.0])); // kept
        assert!(solve(&mut lu, [3.0, 5.0])); // evicts [8, 16], the least recently used
        assert!(!solve(&mut lu, [2.0, 4.0]));
        assert!(solve(&mut lu, [8.0, 16.0]));
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

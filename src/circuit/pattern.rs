//! The sparsity pattern of the MNA matrix, built once per circuit.
//!
//! Devices claim `(row, col)` positions during setup; every distinct position becomes one
//! [`Slot`] (a dense index in claim order). [`PatternBuilder::finish`] builds the compressed
//! sparse column (CSC) structure once and maps each slot to its value index, so a Newton
//! iteration only writes slot values and gathers them into CSC order (no search, no
//! allocation).

use crate::devices::Slot;
use std::collections::HashMap;

/// Collects claimed positions.
#[derive(Debug, Default)]
pub struct PatternBuilder {
    n: usize,
    index: HashMap<(usize, usize), u32>,
    entries: Vec<(usize, usize)>,
}

impl PatternBuilder {
    /// A builder for an `n` x `n` system.
    pub fn new(n: usize) -> Self {
        PatternBuilder {
            n,
            index: HashMap::new(),
            entries: Vec::new(),
        }
    }

    /// The slot of `(row, col)`, claiming it on first use.
    pub fn slot(&mut self, row: usize, col: usize) -> Slot {
        debug_assert!(row < self.n && col < self.n);
        if let Some(&s) = self.index.get(&(row, col)) {
            return Slot(s);
        }
        let s = self.entries.len() as u32;
        self.entries.push((row, col));
        self.index.insert((row, col), s);
        Slot(s)
    }

    /// Number of distinct slots claimed so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was claimed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Build the CSC structure and the slot → value-index map.
    pub fn finish(self) -> Pattern {
        let n = self.n;
        let mut counts = vec![0usize; n + 1];
        for &(_, c) in &self.entries {
            counts[c + 1] += 1;
        }
        for c in 0..n {
            counts[c + 1] += counts[c];
        }
        let col_ptr = counts.clone();
        // Sort each column's rows: order the entries by (col, row).
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_unstable_by_key(|&s| {
            let (r, c) = self.entries[s as usize];
            (c, r)
        });
        let mut row_idx = vec![0usize; self.entries.len()];
        let mut slot_to_val = vec![0u32; self.entries.len()];
        for (k, &s) in order.iter().enumerate() {
            row_idx[k] = self.entries[s as usize].0;
            slot_to_val[s as usize] = k as u32;
        }
        let val_to_slot = order;
        Pattern {
            n,
            col_ptr,
            row_idx,
            slot_to_val,
            val_to_slot,
            entries: self.entries,
        }
    }
}

/// The fixed CSC structure of a circuit's matrix.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Matrix dimension.
    pub n: usize,
    /// CSC column pointers (`n + 1`).
    pub col_ptr: Vec<usize>,
    /// CSC row indices, sorted within each column.
    pub row_idx: Vec<usize>,
    /// For each slot, its index in the CSC value array.
    pub slot_to_val: Vec<u32>,
    /// For each CSC value, the slot that fills it (the inverse of `slot_to_val`).
    pub val_to_slot: Vec<u32>,
    /// `(row, col)` of each slot.
    pub entries: Vec<(usize, usize)>,
}

impl Pattern {
    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.row_idx.len()
    }

    /// Gather slot values into CSC value order.
    #[inline]
    pub fn gather(&self, slots: &[f64], vals: &mut [f64]) {
        for (v, &s) in vals.iter_mut().zip(&self.val_to_slot) {
            *v = slots[s as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csc_structure_and_slot_map() {
        // 3x3 with entries claimed out of order and one repeated.
        let mut b = PatternBuilder::new(3);
        let s20 = b.slot(2, 0);
        let s00 = b.slot(0, 0);
        let s11 = b.slot(1, 1);
        let s00b = b.slot(0, 0);
        let s02 = b.slot(0, 2);
        assert_eq!(s00, s00b);
        assert_eq!(b.len(), 4);
        let p = b.finish();
        assert_eq!(p.col_ptr, vec![0, 2, 3, 4]);
        assert_eq!(p.row_idx, vec![0, 2, 1, 0]);
        assert_eq!(p.slot_to_val[s00.0 as usize], 0);
        assert_eq!(p.slot_to_val[s20.0 as usize], 1);
        assert_eq!(p.slot_to_val[s11.0 as usize], 2);
        assert_eq!(p.slot_to_val[s02.0 as usize], 3);
        let slots = [20.0, 0.5, 11.0, 2.0]; // in claim order: (2,0) (0,0) (1,1) (0,2)
        let mut vals = [0.0; 4];
        p.gather(&slots, &mut vals);
        assert_eq!(vals, [0.5, 20.0, 11.0, 2.0]);
    }
}

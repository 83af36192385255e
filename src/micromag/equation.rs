//! The equation of motion: the LLG right-hand side `dm/dt` of a [`System`] with its field
//! terms, torques and current drive, and the fused evaluation of the local terms, demag and
//! torque in one pass.

use super::drive::CurrentDrive;
use super::field::{demag::Stage, FieldTerm, LocalFields, Thermal, Zeeman};
use super::stack::System;
use super::stepper;
use super::torque::{llg, Torque};
use super::vec3::V3;

/// The equation of motion: the system, its field terms and torques, and the drive.
pub struct Equation {
    /// The discretised magnet.
    pub sys: System,
    /// Field terms (exchange, anisotropy, DMI, demag, interlayer, user terms).
    pub terms: Vec<Box<dyn FieldTerm>>,
    /// The applied field.
    pub zeeman: Zeeman,
    /// The thermal field, when a temperature is set.
    pub thermal: Option<Thermal>,
    /// Spin torques.
    pub torques: Vec<Box<dyn Torque>>,
    /// The current density.
    pub drive: CurrentDrive,
    /// The built-in local terms fused into one pass (see [`LocalFields`]); `fused[i]` marks
    /// the entries of `terms` it covers (they are kept for their energies).
    pub(crate) local: LocalFields,
    pub(crate) fused: Vec<bool>,
    pub(crate) h: Vec<V3>,
    pub(crate) tau: Vec<V3>,
    pub(crate) evals: u64,
}

impl Equation {
    /// Compute the effective field (A/m) including the thermal field into the internal
    /// buffer ([`Self::h`]).
    pub fn field(&mut self, m: &[V3], t: f64) {
        self.deterministic_field(m, t);
        if let Some(th) = &mut self.thermal {
            th.add_field(&self.sys, m, t, &mut self.h);
        }
        self.evals += 1;
    }

    /// The effective field without the thermal noise.
    pub fn field_without_noise(&mut self, m: &[V3], t: f64) {
        self.deterministic_field(m, t);
        self.evals += 1;
    }

    /// Index of the demag term when the local terms can be fused into its last pass: a full
    /// convolution, and every other term covered by the fused local pass.
    pub(crate) fn fusable_demag(&mut self) -> Option<usize> {
        let mut found = None;
        for (i, term) in self.terms.iter_mut().enumerate() {
            if self.fused.get(i).copied().unwrap_or(false) {
                continue;
            }
            match term.as_demag_mut() {
                Some(d) if d.is_full() && found.is_none() => found = Some(i),
                _ => return None,
            }
        }
        found
    }

    /// The deterministic field with the local terms fused into the demag convolution and,
    /// when `out` is not empty, the LLG right-hand side (with the spin-orbit torque `sot`,
    /// the index of the torque and `z x j`) computed in the same pass into `out`. `false`
    /// (nothing done) when not applicable.
    fn fused_field(
        &mut self,
        m: Stage<'_>,
        t: f64,
        out: &mut [V3],
        sot: Option<(usize, [f64; 2])>,
        after: Option<RowHook<'_>>,
    ) -> bool {
        let Some(i) = self.fusable_demag() else {
            return false;
        };
        let Equation {
            sys,
            terms,
            zeeman,
            torques,
            local,
            h,
            ..
        } = self;
        let rows = local.rows(sys, zeeman, t);
        let sot = sot.and_then(|(k, zj)| torques[k].as_spin_orbit().map(|s| (s, zj)));
        let nx = sys.mesh.n[0];
        let sys = &*sys;
        let Some(d) = terms[i].as_demag_mut() else {
            return false;
        };
        d.convolve_rows(
            sys,
            m,
            h,
            out,
            |r, m, hr| rows.write_row(m, r, hr),
            |r, m, hr, or| {
                llg::rhs_cells(sys, m, r * nx, hr, or, sot);
                if let Some(f) = after {
                    f(r, or);
                }
            },
        );
        true
    }

    /// The torque argument of [`Self::fused_field`] for current density `j`, or `None` when
    /// the right-hand side cannot be fused (thermal noise, or torques other than the
    /// spin-orbit one).
    fn fusable_torque(&self, j: V3) -> Option<Option<(usize, [f64; 2])>> {
        if self.thermal.is_some() {
            return None;
        }
        let with_tau = !self.torques.is_empty() && j != [0.0; 3];
        match (with_tau, self.torques.len()) {
            (false, _) => Some(None),
            (true, 1) if self.torques[0].as_spin_orbit().is_some() => {
                Some(Some((0, [-j[1], j[0]])))
            }
            _ => None,
        }
    }

    /// `out = f(stage, t)` with `stage = m + dt sum a_i k_i` (a Runge-Kutta stage, written
    /// to `stage`); the combination is fused into the field evaluation when possible.
    pub fn rhs_stage(
        &mut self,
        m: &[V3],
        dt: f64,
        terms: &[(f64, &[V3])],
        t: f64,
        stage: &mut [V3],
        out: &mut [V3],
    ) {
        let j = self.drive.at(t);
        if let Some(sot) = self.fusable_torque(j) {
            let src = Stage::Combine {
                out: &mut *stage,
                base: m,
                dt,
                terms,
            };
            if self.fused_field(src, t, out, sot, None) {
                self.evals += 1;
                return;
            }
        }
        stepper::combine(stage, m, dt, terms);
        self.rhs(stage, t, out);
    }

    fn deterministic_field(&mut self, m: &[V3], t: f64) {
        if self.fused_field(Stage::Ready(m), t, &mut [], None, None) {
            return;
        }
        // The fused local terms and the applied field write `h`; the others add to it.
        self.local.write(&self.sys, &self.zeeman, m, t, &mut self.h);
        for (i, term) in self.terms.iter_mut().enumerate() {
            if !self.fused.get(i).copied().unwrap_or(false) {
                term.add_field(&self.sys, m, t, &mut self.h);
            }
        }
    }

    /// The last computed field.
    pub fn h(&self) -> &[V3] {
        &self.h
    }

    /// `dm/dt` (1/s) at `(m, t)` into `out`.
    pub fn rhs(&mut self, m: &[V3], t: f64, out: &mut [V3]) {
        self.rhs_then(m, t, out, None);
    }

    /// [`Self::rhs`], calling `after(r, out_row)` on every finished row `r` of `out` (`nx`
    /// cells) inside the same pass when the evaluation is fused; `false` when it is not
    /// (then `after` was not called and `out` is complete only on return).
    pub(crate) fn rhs_then(
        &mut self,
        m: &[V3],
        t: f64,
        out: &mut [V3],
        after: Option<RowHook<'_>>,
    ) -> bool {
        let j = self.drive.at(t);
        let with_tau = !self.torques.is_empty() && j != [0.0; 3];
        // Without thermal noise, and with no torque or only the spin-orbit one, the field
        // and the right-hand side come out of one pass (same arithmetic as below).
        if let Some(sot) = self.fusable_torque(j) {
            if self.fused_field(Stage::Ready(m), t, out, sot, after) {
                self.evals += 1;
                return after.is_some();
            }
        }
        self.field(m, t);
        if !with_tau {
            llg::rhs(&self.sys, m, &self.h, &[], out);
        } else if let (1, Some(sot)) = (self.torques.len(), self.torques[0].as_spin_orbit()) {
            // The common case (spin-orbit torque only): torque and LLG in one pass.
            llg::rhs_sot(&self.sys, m, &self.h, sot, j, out);
        } else {
            use rayon::prelude::*;
            self.tau.par_iter_mut().for_each(|v| *v = [0.0; 3]);
            for tq in &self.torques {
                tq.add_torque(&self.sys, m, j, &mut self.tau);
            }
            llg::rhs(&self.sys, m, &self.h, &self.tau, out);
        }
        false
    }
}

/// Work done on each finished row of a right-hand side inside its evaluation pass
/// ([`Equation::rhs_then`]): row index and the row's `dm/dt`.
pub(crate) type RowHook<'a> = &'a (dyn Fn(usize, &[V3]) + Sync);

//! The MNA engine state and the Newton–Raphson loop.
//!
//! [`Engine`] owns the devices, the fixed pattern, the LU, and every work vector; nothing
//! is allocated per iteration. Convergence follows SPICE3: node voltages
//! `|Δx| <= reltol·max(|x|, |x_old|) + vntol`, branch currents with `abstol`, no device
//! limited this iterate (`noncon`), and each device's own [`Device::converged`].

use super::lu::{Singular, SparseLu};
use super::options::Options;
use super::pattern::Pattern;
use crate::devices::{Device, Load, Mode, Slot};

/// What an unknown is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownKind {
    /// A node voltage (netlist or internal node).
    Node,
    /// A branch current.
    Branch,
}

/// How one Newton solve is run.
#[derive(Debug, Clone, Copy)]
pub struct SolveCtx {
    pub mode: Mode,
    pub time: f64,
    pub dt: f64,
    pub src_factor: f64,
    /// Junction gmin handed to devices.
    pub gmin: f64,
    /// Conductance added from every node to ground (gmin stepping).
    pub diag_gmin: f64,
    pub max_iter: usize,
    /// The first iteration starts junctions from their initial guess.
    pub init_junction: bool,
    pub uic: bool,
    /// Hold `.ic` nodes with a 1e10 S conductance (the transient operating point).
    pub clamp_ics: bool,
}

/// The result of a Newton solve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Converged {
        iters: usize,
    },
    /// Ran out of iterations (or produced non-finite values); `worst` is the unknown with the
    /// largest update relative to its tolerance in the last iteration.
    NoConvergence {
        iters: usize,
        worst: Option<usize>,
        delta: f64,
    },
    /// The matrix was singular at this unknown.
    Singular {
        unknown: usize,
    },
}

/// The engine: devices, unknowns, matrix and work vectors.
#[derive(Debug)]
pub struct Engine {
    pub devices: Vec<Box<dyn Device>>,
    /// Unknown names: node names, or the owning device's name for branch currents.
    pub names: Vec<String>,
    pub kinds: Vec<UnknownKind>,
    /// Devices that stamp into each unknown's row (indices into `devices`).
    pub attached: Vec<Vec<u32>>,
    pub pattern: Pattern,
    pub lu: SparseLu,
    /// CSC value index of every node's diagonal (usize::MAX for branches).
    pub diag_val: Vec<usize>,
    pub opts: Options,
    /// Every device declares itself linear: one solve per point is exact.
    pub all_linear: bool,
    /// `.ic` unknowns and values.
    pub ics: Vec<(usize, f64)>,
    /// `.nodeset` unknowns and values (see `Circuit::solve_dc`).
    pub nodesets: Vec<(usize, f64)>,
    pub(crate) slots: Vec<f64>,
    pub(crate) vals: Vec<f64>,
    pub(crate) rhs: Vec<f64>,
    /// The current solution / iterate.
    pub x: Vec<f64>,
    /// Number of integrated states.
    pub nstates: usize,
    /// `q[0]`: states at the iterate; `q[k]`: at the k-th last accepted point.
    pub(crate) q: [Vec<f64>; 4],
    pub(crate) cur: Vec<f64>,
    pub(crate) cur_prev: Vec<f64>,
    pub(crate) hist: Vec<f64>,
    pub(crate) ag0: f64,
    /// Counters.
    pub newton_iters: usize,
    pub factorizations: usize,
}

impl Engine {
    /// Number of unknowns.
    pub fn n(&self) -> usize {
        self.names.len()
    }

    /// Load every device at the iterate `self.x` into slots and rhs.
    fn load_all(&mut self, ctx: &SolveCtx, init_junction: bool) -> crate::Result<bool> {
        self.slots.iter_mut().for_each(|v| *v = 0.0);
        self.rhs.iter_mut().for_each(|v| *v = 0.0);
        let mut noncon = false;
        let [q0, q1, _, _] = &mut self.q;
        let mut l = Load {
            mode: ctx.mode,
            time: ctx.time,
            dt: ctx.dt,
            x: &self.x,
            src_factor: ctx.src_factor,
            gmin: ctx.gmin,
            init_junction,
            uic: ctx.uic,
            matrix: &mut self.slots,
            rhs: &mut self.rhs,
            states: q0,
            states_prev: q1,
            hist: &self.hist,
            currents: &mut self.cur,
            ag0: self.ag0,
            noncon: &mut noncon,
        };
        for d in self.devices.iter_mut() {
            d.load(&mut l)?;
        }
        Ok(noncon)
    }

    /// The small-signal conductance and capacitance matrices at the present solution `x`,
    /// in CSC value order: every device loads in [`Mode::Ac`] once with `ag0 = 0` (giving
    /// `G`) and once with `ag0 = 2^40` (giving `G + 2^40 C`, from which `C` follows). The
    /// large power of two keeps `C` exact to rounding unless a conductance in the same entry
    /// exceeds `2^40 C` by ~1e16, and dividing by it is exact. `gmin` is the junction
    /// conductance.
    pub(crate) fn small_signal_matrices(
        &mut self,
        gmin: f64,
    ) -> crate::Result<(Vec<f64>, Vec<f64>)> {
        const SCALE: f64 = (1u64 << 40) as f64;
        let ctx = SolveCtx {
            mode: Mode::Ac,
            time: 0.0,
            dt: 0.0,
            src_factor: 1.0,
            gmin,
            diag_gmin: 0.0,
            max_iter: 1,
            init_junction: false,
            uic: false,
            clamp_ics: false,
        };
        let saved_ag0 = self.ag0;
        self.ag0 = 0.0;
        let r = self.load_all(&ctx, false);
        let mut g = vec![0.0; self.vals.len()];
        if r.is_ok() {
            self.pattern.gather(&self.slots, &mut g);
            self.ag0 = SCALE;
        }
        let r = r.and_then(|_| self.load_all(&ctx, false));
        self.ag0 = saved_ag0;
        r?;
        let mut c = vec![0.0; self.vals.len()];
        self.pattern.gather(&self.slots, &mut c);
        for (c, g) in c.iter_mut().zip(&g) {
            *c = (*c - *g) / SCALE;
        }
        Ok((g, c))
    }

    /// Gather, add engine stamps, factor when the matrix changed, and solve into `out`.
    fn factor_solve(&mut self, ctx: &SolveCtx, out: &mut [f64]) -> Result<(), Singular> {
        self.pattern.gather(&self.slots, &mut self.vals);
        if ctx.diag_gmin > 0.0 {
            for &k in &self.diag_val {
                if k != usize::MAX {
                    self.vals[k] += ctx.diag_gmin;
                }
            }
        }
        out.copy_from_slice(&self.rhs);
        if ctx.clamp_ics {
            for &(u, v) in &self.ics {
                let k = self.diag_val[u];
                if k != usize::MAX {
                    self.vals[k] += 1e10;
                    out[u] += 1e10 * v;
                }
            }
        }
        if self.lu.factor_cached(&self.vals)? {
            self.factorizations += 1;
        }
        self.lu.solve(out);
        Ok(())
    }

    /// Newton–Raphson from the current `self.x`. On convergence `self.x` holds the solution
    /// and `q[0]`/`cur` the states at it. `scratch` is a work vector of length `n`.
    pub fn newton(&mut self, ctx: &SolveCtx, scratch: &mut Vec<f64>) -> crate::Result<Outcome> {
        let n = self.n();
        scratch.resize(n, 0.0);
        let mut worst = None;
        let mut worst_delta = 0.0;
        for iter in 0..ctx.max_iter.max(1) {
            let noncon = self.load_all(ctx, ctx.init_junction && iter == 0)?;
            if let Err(s) = self.factor_solve(ctx, scratch) {
                return Ok(Outcome::Singular { unknown: s.unknown });
            }
            self.newton_iters += 1;
            if scratch.iter().any(|v| !v.is_finite()) {
                return Ok(Outcome::NoConvergence {
                    iters: iter + 1,
                    worst: scratch.iter().position(|v| !v.is_finite()),
                    delta: f64::INFINITY,
                });
            }
            if self.all_linear && !noncon {
                // Loads do not depend on the iterate: this solve is exact. Reload once so the
                // states (charges, currents) are those of the solution.
                std::mem::swap(&mut self.x, scratch);
                self.load_all(ctx, false)?;
                return Ok(Outcome::Converged { iters: iter + 1 });
            }
            // Convergence of the update.
            let mut ok = true;
            let mut wr = 0.0;
            worst = None;
            for (u, (&new, &old)) in scratch.iter().zip(self.x.iter()).enumerate() {
                let tol = match self.kinds[u] {
                    UnknownKind::Node => {
                        self.opts.reltol * new.abs().max(old.abs()) + self.opts.vntol
                    }
                    UnknownKind::Branch => {
                        self.opts.reltol * new.abs().max(old.abs()) + self.opts.abstol
                    }
                };
                let r = (new - old).abs() / tol;
                if r > wr {
                    wr = r;
                    worst = Some(u);
                    worst_delta = new - old;
                }
                if r > 1.0 {
                    ok = false;
                }
            }
            std::mem::swap(&mut self.x, scratch);
            if ok && !noncon && iter > 0 {
                let (reltol, abstol) = (self.opts.reltol, self.opts.abstol);
                if self
                    .devices
                    .iter()
                    .all(|d| d.converged(&self.x, reltol, abstol))
                {
                    return Ok(Outcome::Converged { iters: iter + 1 });
                }
            }
        }
        Ok(Outcome::NoConvergence {
            iters: ctx.max_iter,
            worst,
            delta: worst_delta,
        })
    }

    /// Write a slot value directly (engine-side stamps in tests).
    #[allow(dead_code)]
    pub(crate) fn slot_add(&mut self, s: Slot, v: f64) {
        if s != Slot::NONE {
            self.slots[s.0 as usize] += v;
        }
    }

    /// Devices attached to unknown `u`, by name (at most `max`).
    pub fn attached_names(&self, u: usize, max: usize) -> Vec<&str> {
        self.attached
            .get(u)
            .map(|v| {
                v.iter()
                    .take(max)
                    .map(|&d| self.devices[d as usize].name())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The output name of unknown `u`: `v(node)` or `i(device)`.
    pub fn signal_name(&self, u: usize) -> String {
        match self.kinds[u] {
            UnknownKind::Node => format!("v({})", self.names[u]),
            UnknownKind::Branch => format!("i({})", self.names[u]),
        }
    }

    /// Shift the state history after an accepted time point.
    pub fn rotate_states(&mut self) {
        let [q0, q1, q2, q3] = &mut self.q;
        std::mem::swap(q3, q2);
        std::mem::swap(q2, q1);
        q1.copy_from_slice(q0);
        self.cur_prev.copy_from_slice(&self.cur);
    }

    /// Make every history level equal to the current states (start of a transient).
    pub fn init_history(&mut self) {
        let [q0, q1, q2, q3] = &mut self.q;
        q1.copy_from_slice(q0);
        q2.copy_from_slice(q0);
        q3.copy_from_slice(q0);
        self.cur.iter_mut().for_each(|v| *v = 0.0);
        self.cur_prev.iter_mut().for_each(|v| *v = 0.0);
    }
}

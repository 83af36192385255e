//! `.tran`: transient analysis with SPICE3's step control.
//!
//! The first step and every step after a breakpoint use backward Euler; afterwards the
//! order rises to 2 (trapezoidal or Gear-2) when the truncation error allows. A step whose
//! Newton iteration fails is cut to 1/8; a step whose truncation error is too large is redone
//! with the step the estimate proposes. Output is written at every accepted point with
//! `t >= tstart`, like ngspice.

use super::integrate::{coeffs, fill_hist};
use super::newton::{Outcome, SolveCtx};
use super::record::Recorder;
use super::timestep::{device_max_step, next_breakpoint, trunc};
use super::trouble::{self, Attempt, History};
use super::{Circuit, Stats};
use crate::devices::{Accepted, Load, Mode};
use crate::error::Error;
use crate::progress::Progress;
use crate::wave::{Unit, Waveforms};
use std::time::Instant;

/// `.tran tstep tstop [tstart [tmax]] [uic]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TranSpec {
    pub tstep: f64,
    pub tstop: f64,
    pub tstart: f64,
    pub tmax: Option<f64>,
    pub uic: bool,
}

impl Circuit {
    /// Run a transient analysis.
    pub fn tran(
        &mut self,
        spec: &TranSpec,
        progress: &mut dyn Progress,
    ) -> crate::Result<(Waveforms, Stats)> {
        let start = Instant::now();
        let (it0, f0) = (self.eng.newton_iters, self.eng.factorizations);
        let TranSpec {
            tstep,
            tstop,
            tstart,
            tmax,
            uic,
        } = *spec;
        if !(tstep > 0.0 && tstop > 0.0 && tstep.is_finite() && tstop.is_finite()) {
            return Err(Error::Usage(format!(
                "`.tran {tstep} {tstop}`: tstep and tstop must be positive"
            )));
        }
        if !(tstart >= 0.0 && tstart < tstop) {
            return Err(Error::Usage(format!(
                "`.tran`: tstart {tstart} must lie in [0, tstop = {tstop})"
            )));
        }
        let mut stats = Stats {
            analysis: "tran".into(),
            ..Default::default()
        };
        let method = self.eng.opts.method;
        let mut maxstep = match tmax {
            Some(m) if m > 0.0 => m,
            _ => tstep.min((tstop - tstart) / 50.0),
        };
        if self.eng.opts.maxstep > 0.0 {
            maxstep = maxstep.min(self.eng.opts.maxstep);
        }
        let delmin = 1e-11 * maxstep;
        let min_break = 5e-5 * maxstep;
        for d in self.eng.devices.iter_mut() {
            d.begin_tran(tstep, tstop);
        }

        // The initial point.
        if uic {
            self.eng.x.iter_mut().for_each(|v| *v = 0.0);
            for &(u, v) in &self.eng.ics {
                self.eng.x[u] = v;
            }
            self.load_states_only()?;
        } else {
            let itl1 = self.eng.opts.itl1;
            self.solve_dc(
                Mode::TranOp,
                true,
                true,
                itl1,
                &mut stats,
                "at the initial operating point of .tran",
            )?;
        }
        self.eng.init_history();
        self.accept_dc();
        let mut rec = Recorder::new(&self.eng, &self.flat.saves)?;
        if tstart <= 0.0 {
            rec.record(0.0, &self.eng);
        }
        progress.begin("tran", tstop, "s");

        let mut x_acc = self.eng.x.clone();
        let mut hist = History::default();
        let mut t = 0.0f64;
        let mut delta = (tstop / 100.0).min(tstep) / 10.0;
        let mut deltas = [maxstep; 3];
        let mut order = 1usize;
        let mut at_break = true;
        let mut save_delta = tstop / 50.0;
        let mut first = true;
        let itl4 = self.eng.opts.itl4;
        let tend = tstop - min_break;
        while t < tend {
            // Choose the step: device bounds, maxstep, breakpoints.
            let bp = next_breakpoint(&self.eng, t + min_break).min(tstop);
            delta = delta.min(maxstep).min(device_max_step(&self.eng));
            if at_break {
                // First step after a breakpoint (or the start): backward Euler, and a step of
                // at most a tenth of the distance to the next breakpoint (ngspice's rule).
                order = 1;
                delta = delta.min(0.1 * save_delta.min(bp - t));
                if first {
                    delta /= 10.0;
                }
                delta = delta.max(2.0 * delmin);
            }
            let mut hit = false;
            if t + delta >= bp - min_break {
                save_delta = delta;
                delta = bp - t;
                hit = true;
            }
            let tn = if hit { bp } else { t + delta };
            let h = tn - t;

            // Integration coefficients and history.
            let c = coeffs(method, order, h, deltas[0].max(f64::MIN_POSITIVE));
            self.eng.ag0 = c.ag0;
            {
                let eng = &mut self.eng;
                let [_, q1, q2, _] = &eng.q;
                fill_hist(&c, q1, q2, &eng.cur_prev, &mut eng.hist);
            }
            let ctx = SolveCtx {
                mode: Mode::Tran,
                time: tn,
                dt: h,
                src_factor: 1.0,
                gmin: self.eng.opts.gmin,
                diag_gmin: 0.0,
                max_iter: itl4,
                init_junction: false,
                uic,
                clamp_ics: false,
            };
            let outcome = self.eng.newton(&ctx, &mut self.scratch)?;
            let converged = match outcome {
                Outcome::Converged { .. } => true,
                Outcome::Singular { unknown } => {
                    return Err(trouble::singular(
                        &self.eng,
                        unknown,
                        &format!("at time {tn:.6e} s"),
                    ))
                }
                Outcome::NoConvergence {
                    iters,
                    worst,
                    delta: d,
                } => {
                    hist.push(Attempt {
                        what: "newton".into(),
                        time: tn,
                        dt: h,
                        iters,
                        worst,
                        delta: d,
                    });
                    false
                }
            };
            if !converged {
                stats.rejected += 1;
                self.reject_step(&x_acc);
                delta = h / 8.0;
                order = 1;
                if delta < delmin {
                    return Err(trouble::tran_failure(&self.eng, tn, delta, delmin, &hist));
                }
                continue;
            }
            let step_deltas = [h, deltas[0], deltas[1]];
            let mut newdelta = (2.0 * h).min(trunc(&self.eng, method, order, step_deltas, tn));
            if !first && newdelta <= 0.9 * h {
                // Truncation error too large: redo with the proposed step.
                stats.rejected += 1;
                hist.push(Attempt {
                    what: "truncation error".into(),
                    time: tn,
                    dt: h,
                    iters: 0,
                    worst: None,
                    delta: 0.0,
                });
                self.reject_step(&x_acc);
                delta = newdelta;
                if delta < delmin {
                    return Err(trouble::tran_failure(&self.eng, tn, delta, delmin, &hist));
                }
                continue;
            }
            if first {
                // ngspice accepts the first point without a truncation check and keeps
                // its step for the second one.
                newdelta = h;
            } else if order == 1 {
                // Try raising the order for the next step (ngspice's rule).
                let d2 = (2.0 * h).min(trunc(&self.eng, method, 2, step_deltas, tn));
                if d2 > 1.05 * h {
                    order = 2;
                    newdelta = d2;
                }
            }
            // Accept.
            t = tn;
            deltas = step_deltas;
            self.eng.rotate_states();
            {
                let eng = &mut self.eng;
                let a = Accepted {
                    time: t,
                    dt: h,
                    x: &eng.x,
                };
                for d in eng.devices.iter_mut() {
                    d.accept(&a);
                }
            }
            x_acc.copy_from_slice(&self.eng.x);
            stats.accepted += 1;
            if t >= tstart * (1.0 - 1e-12) {
                rec.record(t, &self.eng);
            }
            progress.update(t, h, stats.rejected);
            first = false;
            at_break = hit;
            if at_break {
                order = 1;
            }
            delta = newdelta.max(delmin);
        }
        progress.end();
        stats.points = rec.len();
        stats.newton_iters = self.eng.newton_iters - it0;
        stats.factorizations = self.eng.factorizations - f0;
        stats.wall = start.elapsed();
        let title = self.flat.title.clone();
        Ok((
            rec.finish(&title, "Transient Analysis", "time", Unit::Time),
            stats,
        ))
    }

    fn reject_step(&mut self, x_acc: &[f64]) {
        self.eng.x.copy_from_slice(x_acc);
        for d in self.eng.devices.iter_mut() {
            d.reject();
        }
    }

    /// `uic`: evaluate the devices once at the given initial values so their states (charges,
    /// fluxes, `ic=` values) are known, without solving.
    fn load_states_only(&mut self) -> crate::Result<()> {
        let eng = &mut self.eng;
        let mut noncon = false;
        eng.slots.iter_mut().for_each(|v| *v = 0.0);
        eng.rhs.iter_mut().for_each(|v| *v = 0.0);
        let [q0, q1, _, _] = &mut eng.q;
        let mut l = Load {
            mode: Mode::TranOp,
            time: 0.0,
            dt: 0.0,
            x: &eng.x,
            src_factor: 1.0,
            gmin: eng.opts.gmin,
            init_junction: true,
            uic: true,
            matrix: &mut eng.slots,
            rhs: &mut eng.rhs,
            states: q0,
            states_prev: q1,
            hist: &eng.hist,
            currents: &mut eng.cur,
            ag0: 0.0,
            noncon: &mut noncon,
        };
        for d in eng.devices.iter_mut() {
            d.load(&mut l)?;
        }
        Ok(())
    }
}

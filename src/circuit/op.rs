//! The DC operating point, with SPICE3's fallbacks: plain Newton, then gmin stepping, then
//! source stepping. A fallback that was needed is recorded in [`Stats::notes`].

use super::newton::{Outcome, SolveCtx};
use super::record::Recorder;
use super::trouble::{self, Attempt, History};
use super::{Circuit, Stats};
use crate::devices::{Accepted, Mode};
use crate::wave::{Unit, Waveforms};
use std::time::Instant;

impl Circuit {
    /// `.op`: solve the DC operating point and return it as a one-point waveform set.
    pub fn op(&mut self) -> crate::Result<(Waveforms, Stats)> {
        let start = Instant::now();
        let (it0, f0) = (self.eng.newton_iters, self.eng.factorizations);
        let mut stats = Stats {
            analysis: "op".into(),
            ..Default::default()
        };
        self.solve_op(&mut stats, "at the operating point")?;
        let mut rec = Recorder::new(&self.eng, &self.flat.saves)?;
        rec.record(0.0, &self.eng);
        stats.points = 1;
        stats.accepted = 1;
        stats.newton_iters = self.eng.newton_iters - it0;
        stats.factorizations = self.eng.factorizations - f0;
        stats.wall = start.elapsed();
        let title = self.flat.title.clone();
        Ok((
            rec.finish(&title, "Operating Point", "point", Unit::Other("1".into())),
            stats,
        ))
    }

    /// Solve the DC operating point from scratch (with fallbacks, `itl1` iterations) and
    /// commit device state there: the start of `.op` and of the small-signal analyses.
    pub(crate) fn solve_op(&mut self, stats: &mut Stats, when: &str) -> crate::Result<()> {
        let itl1 = self.eng.opts.itl1;
        self.solve_dc(Mode::Dc, false, true, itl1, stats, when)?;
        self.accept_dc();
        Ok(())
    }

    /// Commit device state at a DC solution.
    pub(crate) fn accept_dc(&mut self) {
        let eng = &mut self.eng;
        let a = Accepted {
            time: 0.0,
            dt: 0.0,
            x: &eng.x,
        };
        for d in eng.devices.iter_mut() {
            d.accept(&a);
        }
    }

    /// Solve a DC point from the present `x`, with fallbacks. `fresh`: no previous solution
    /// to start from (junctions start from their initial guess).
    pub(crate) fn solve_dc(
        &mut self,
        mode: Mode,
        clamp_ics: bool,
        fresh: bool,
        max_iter: usize,
        stats: &mut Stats,
        when: &str,
    ) -> crate::Result<()> {
        let gmin = self.eng.opts.gmin;
        let base = SolveCtx {
            mode,
            time: 0.0,
            dt: 0.0,
            src_factor: 1.0,
            gmin,
            diag_gmin: 0.0,
            max_iter,
            init_junction: fresh,
            uic: false,
            clamp_ics,
        };
        let mut hist = History::default();
        // `.nodeset`: as ngspice, a first Newton solve with the nodeset nodes held at their
        // values (by the same 1e10 S stamp as `.ic`), then the free solve starts from there.
        // A held solve that fails is dropped: the free solve starts from where it would have.
        let mut base = base;
        if fresh && !self.eng.nodesets.is_empty() {
            let start = self.eng.x.clone();
            let saved = std::mem::take(&mut self.eng.ics);
            let mut held = self.eng.nodesets.clone();
            if clamp_ics {
                held.extend(saved.iter().copied());
            }
            self.eng.ics = held;
            let ctx = SolveCtx {
                clamp_ics: true,
                ..base
            };
            let ok = self.attempt(&ctx, &mut hist, when, || "newton with .nodeset held".into());
            self.eng.ics = saved;
            if ok? {
                base = base_no_init(&base);
            } else {
                self.eng.x.copy_from_slice(&start);
            }
        }
        let x0 = self.eng.x.clone();
        if self.attempt(&base, &mut hist, when, || "newton".into())? {
            return Ok(());
        }

        // gmin stepping: a conductance from every node to ground, lowered decade by decade
        // (the step shrinks when a level fails), then removed.
        self.eng.x.copy_from_slice(&x0);
        let mut good = x0.clone();
        let mut g = 1e-2;
        let mut good_g = f64::NAN;
        let mut factor: f64 = 10.0;
        let mut first = true;
        let gmin_ok = loop {
            let ctx = SolveCtx {
                diag_gmin: g,
                init_junction: fresh && first,
                ..base
            };
            if self.attempt(&ctx, &mut hist, when, || {
                format!("gmin stepping at {g:.1e} S")
            })? {
                good.copy_from_slice(&self.eng.x);
                good_g = g;
                first = false;
                if g <= gmin.max(1e-15) {
                    break true;
                }
                g = (g / factor).max(gmin.max(1e-15));
                factor = (factor * factor).min(10.0);
            } else {
                self.eng.x.copy_from_slice(&good);
                if first {
                    if g >= 1.0 {
                        break false;
                    }
                    g *= 10.0;
                    continue;
                }
                factor = factor.sqrt();
                if factor < 1.00005 {
                    break false;
                }
                g = good_g / factor;
            }
        };
        if gmin_ok
            && self.attempt(&base_no_init(&base), &mut hist, when, || {
                "newton after gmin stepping".into()
            })?
        {
            stats.notes.push(format!("{when}: gmin stepping used"));
            return Ok(());
        }

        // Source stepping: ramp every independent source from 0 to its value.
        self.eng.x.iter_mut().for_each(|v| *v = 0.0);
        let mut s: f64 = 0.0;
        let mut ds: f64 = 0.1;
        let mut first = true;
        good.iter_mut().for_each(|v| *v = 0.0);
        loop {
            let target = if first { 0.0 } else { (s + ds).min(1.0) };
            let ctx = SolveCtx {
                src_factor: target,
                init_junction: first,
                ..base
            };
            let what = || format!("source stepping at {:.1}%", 100.0 * target);
            if self.attempt(&ctx, &mut hist, when, what)? {
                good.copy_from_slice(&self.eng.x);
                if !first {
                    s = target;
                    ds *= 2.0;
                }
                first = false;
                if s >= 1.0 {
                    stats.notes.push(format!("{when}: source stepping used"));
                    return Ok(());
                }
            } else {
                if first {
                    break;
                }
                self.eng.x.copy_from_slice(&good);
                ds /= 4.0;
                if ds < 1e-6 {
                    break;
                }
            }
        }
        Err(trouble::dc_failure(&self.eng, &hist, when))
    }
}

impl Circuit {
    /// One Newton solve of a DC point: `Ok(true)` when it converged, `Ok(false)` (with the
    /// attempt, named by `what`, added to `hist`) when it did not; a singular matrix is an
    /// error naming the unknown.
    fn attempt(
        &mut self,
        ctx: &SolveCtx,
        hist: &mut History,
        when: &str,
        what: impl FnOnce() -> String,
    ) -> crate::Result<bool> {
        match self.eng.newton(ctx, &mut self.scratch)? {
            Outcome::Converged { .. } => Ok(true),
            Outcome::Singular { unknown } => Err(trouble::singular(&self.eng, unknown, when)),
            Outcome::NoConvergence {
                iters,
                worst,
                delta,
            } => {
                hist.push(Attempt {
                    what: what(),
                    time: 0.0,
                    dt: 0.0,
                    iters,
                    worst,
                    delta,
                });
                Ok(false)
            }
        }
    }
}

fn base_no_init(b: &SolveCtx) -> SolveCtx {
    SolveCtx {
        init_junction: false,
        ..*b
    }
}

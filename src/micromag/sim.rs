//! The [`Simulation`]: system, magnetisation, time, field terms, torques and stepper.

use super::drive::CurrentDrive;
use super::equation::Equation;
use super::field::{
    Anisotropy, Demag, DemagMode, Exchange, FieldTerm, InterfacialDmi, Interlayer, LocalFields,
    LocalTerms, Thermal, Zeeman,
};
use super::observe;
use super::stack::System;
use super::stepper::{
    Buffers, Integration, Relax, RelaxOptions, RelaxReport, Rk4, Rk45, Rk45Options, StepStats,
    Stepper, StepperKind,
};
use super::torque::{SpinOrbit, Torque, ZhangLi};
use super::vec3::{normalize, V3};
use crate::{Error, Result};
use std::sync::Arc;

/// Which effects a [`Simulation`] includes. Terms whose parameters are all zero (Ku1, D,
/// RKKY J, spin Hall angle, polarisation) are left out automatically.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effects {
    /// Exchange (default on).
    pub exchange: bool,
    /// Uniaxial anisotropy (default on).
    pub anisotropy: bool,
    /// Interfacial DMI (default on).
    pub dmi: bool,
    /// Demagnetisation mode (default full FFT).
    pub demag: DemagMode,
    /// Interlayer RKKY exchange (default on).
    pub interlayer: bool,
    /// Spin-orbit torque (default on).
    pub sot: bool,
    /// Zhang-Li torque (default on).
    pub zhang_li: bool,
}

impl Default for Effects {
    fn default() -> Self {
        Effects {
            exchange: true,
            anisotropy: true,
            dmi: true,
            demag: DemagMode::Full,
            interlayer: true,
            sot: true,
            zhang_li: true,
        }
    }
}

/// A built-in field term's constructor: the term for the system and effects, `None` when it
/// is switched off or all its parameters are zero.
type BuildTerm = fn(&System, &Effects) -> Result<Option<Box<dyn FieldTerm>>>;

/// The built-in field terms, in evaluation order. Adding a term: its file under `field/`
/// (the [`FieldTerm`] with a `build` and, if the fused pass covers it, its
/// [`FieldTerm::fused_local`] part) and one line here.
const TERMS: &[BuildTerm] = &[
    |s, e| Ok(Exchange::build(s, e.exchange)),
    |s, e| Ok(Anisotropy::build(s, e.anisotropy)),
    |s, e| Ok(InterfacialDmi::build(s, e.dmi)),
    |s, e| Demag::build(s, e.demag),
    |s, e| Ok(Interlayer::build(s, e.interlayer)),
];

/// A saved state: magnetisation, time and step size.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// Magnetisation.
    pub m: Vec<V3>,
    /// Time (s).
    pub t: f64,
    /// Next step size (s).
    pub dt: f64,
}

/// A micromagnetic simulation. Plans and buffers are built once in [`Simulation::new`];
/// stepping allocates nothing.
pub struct Simulation {
    eq: Equation,
    m: Vec<V3>,
    t: f64,
    dt: f64,
    fsal: bool,
    kind: StepperKind,
    /// Adaptive step control.
    pub rk45: Rk45Options,
    /// Relaxation criterion.
    pub relax_options: RelaxOptions,
    stats: StepStats,
    buf: Buffers,
}

impl Simulation {
    /// A simulation of `sys` with the given effects, magnetisation along +z, t = 0.
    pub fn new(sys: System, effects: Effects) -> Result<Self> {
        let n = sys.mesh.len();
        let mut terms: Vec<Box<dyn FieldTerm>> = Vec::new();
        let mut fused = Vec::new();
        let mut lt = LocalTerms::default();
        for build in TERMS {
            if let Some(term) = build(&sys, &effects)? {
                let part = term.fused_local();
                if let Some(p) = part {
                    lt.include(p);
                }
                fused.push(part.is_some());
                terms.push(term);
            }
        }
        let local = LocalFields::new(&sys, lt);
        let mut torques: Vec<Box<dyn Torque>> = Vec::new();
        if effects.sot {
            if let Some(s) = SpinOrbit::new(&sys) {
                torques.push(Box::new(s));
            }
        }
        if effects.zhang_li {
            if let Some(z) = ZhangLi::new(&sys) {
                torques.push(Box::new(z));
            }
        }
        let m = (0..n)
            .map(|c| {
                if sys.ms[c] > 0.0 {
                    [0.0, 0.0, 1.0]
                } else {
                    [0.0; 3]
                }
            })
            .collect();
        let rk45 = Rk45Options::default();
        Ok(Simulation {
            eq: Equation {
                sys,
                terms,
                zeeman: Zeeman::default(),
                thermal: None,
                torques,
                drive: CurrentDrive::None,
                local,
                fused,
                h: vec![[0.0; 3]; n],
                tau: vec![[0.0; 3]; n],
                evals: 0,
            },
            m,
            t: 0.0,
            dt: rk45.initial_dt,
            fsal: false,
            kind: StepperKind::Rk45,
            rk45,
            relax_options: RelaxOptions::default(),
            stats: StepStats::default(),
            buf: Buffers::new(n),
        })
    }

    // ---- state ----

    /// The system.
    pub fn system(&self) -> &System {
        &self.eq.sys
    }
    /// The equation (terms, torques, drive).
    pub fn equation(&self) -> &Equation {
        &self.eq
    }
    /// The magnetisation (unit vectors; zero in non-magnetic cells).
    pub fn m(&self) -> &[V3] {
        &self.m
    }
    /// Simulated time (s).
    pub fn time(&self) -> f64 {
        self.t
    }
    /// The step size the adaptive stepper will try next (s).
    pub fn dt(&self) -> f64 {
        self.dt
    }
    /// Step counters.
    pub fn stats(&self) -> StepStats {
        StepStats {
            evals: self.eq.evals,
            ..self.stats
        }
    }

    /// Set the time (s), e.g. to start a table at 0 after a relaxation.
    pub fn set_time(&mut self, t: f64) {
        self.t = t;
        self.fsal = false;
    }

    /// Set every magnetic cell to the direction `f(centre)` (normalised).
    pub fn set_m(&mut self, f: impl Fn([f64; 3]) -> V3) -> Result<()> {
        let mesh = &self.eq.sys.mesh;
        for c in 0..self.m.len() {
            if self.eq.sys.ms[c] == 0.0 {
                self.m[c] = [0.0; 3];
                continue;
            }
            let (i, j, k) = mesh.ijk(c);
            let v = f(mesh.center(i, j, k));
            let n = super::vec3::norm(v);
            if !(n.is_finite() && n > 0.0) {
                return Err(Error::Usage(format!(
                    "initial magnetisation in cell ({i}, {j}, {k}) is {v:?}: must be a finite non-zero vector"
                )));
            }
            self.m[c] = normalize(v);
        }
        self.fsal = false;
        Ok(())
    }

    /// Set every magnetic cell to `v`.
    pub fn set_m_uniform(&mut self, v: V3) {
        let v = normalize(v);
        for c in 0..self.m.len() {
            self.m[c] = if self.eq.sys.ms[c] > 0.0 { v } else { [0.0; 3] };
        }
        self.fsal = false;
    }

    /// Set the magnetisation from an array (one vector per cell; normalised).
    pub fn set_m_from(&mut self, m: &[V3]) -> Result<()> {
        if m.len() != self.m.len() {
            return Err(Error::Usage(format!(
                "magnetisation has {} cells, the mesh {}",
                m.len(),
                self.m.len()
            )));
        }
        for (c, v) in m.iter().enumerate() {
            if self.eq.sys.ms[c] == 0.0 {
                self.m[c] = [0.0; 3];
                continue;
            }
            let n = super::vec3::norm(*v);
            if !(n.is_finite() && n > 0.0) {
                return Err(Error::Usage(format!(
                    "magnetisation in cell {c} is {v:?}: must be finite and non-zero"
                )));
            }
            self.m[c] = normalize(*v);
        }
        self.fsal = false;
        Ok(())
    }

    // ---- drive ----

    /// Set a constant current density (A/m^2) from now on (the circuit sets it each step).
    pub fn set_current_density(&mut self, j: V3) {
        self.eq.drive = CurrentDrive::Fixed(j);
        self.fsal = false;
    }
    /// Drive the current density by a function of time (A/m^2).
    pub fn set_current_waveform(&mut self, f: impl Fn(f64) -> V3 + Send + Sync + 'static) {
        self.eq.drive = CurrentDrive::Waveform(Arc::new(f));
        self.fsal = false;
    }
    /// Drive the current density by a periodic pulse train (see [`CurrentDrive::Pulses`]);
    /// `advance`/`advance_to` land on every edge.
    pub fn set_current_pulses(&mut self, j: V3, start: f64, width: f64, period: f64) -> Result<()> {
        if !(start.is_finite() && width > 0.0 && period >= width && period.is_finite()) {
            return Err(Error::Usage(format!(
                "pulse train needs 0 < width <= period and a finite start (got start {start}, width {width}, period {period})"
            )));
        }
        self.set_current_drive(CurrentDrive::Pulses {
            j,
            start,
            width,
            period,
            count: 0,
        });
        Ok(())
    }
    /// Drive the current density by `drive`; `advance`/`advance_to` land on its edges.
    pub fn set_current_drive(&mut self, drive: CurrentDrive) {
        self.eq.drive = drive;
        self.fsal = false;
    }
    /// The current density at the present time.
    pub fn current_density(&self) -> V3 {
        self.eq.drive.at(self.t)
    }
    /// A static applied induction (T).
    pub fn set_applied_field(&mut self, b: V3) {
        self.eq.zeeman.b_static = b;
        self.fsal = false;
    }
    /// A time-dependent applied induction (T), added to the static one.
    pub fn set_applied_field_fn(&mut self, f: impl Fn(f64) -> V3 + Send + Sync + 'static) {
        self.eq.zeeman.b_fn = Some(Arc::new(f));
        self.fsal = false;
    }
    /// Switch on the thermal field at `temperature` (K), seeded; use [`StepperKind::Rk4`].
    pub fn set_temperature(&mut self, temperature: f64, seed: u64) -> Result<()> {
        if !(temperature.is_finite() && temperature >= 0.0) {
            return Err(Error::Usage(format!(
                "temperature must be >= 0 K (got {temperature})"
            )));
        }
        self.eq.thermal = Some(Thermal::new(temperature, seed));
        self.fsal = false;
        Ok(())
    }
    /// Add a user field term.
    pub fn add_field_term(&mut self, term: Box<dyn FieldTerm>) {
        self.eq.terms.push(term);
        self.fsal = false;
    }
    /// Add a user torque.
    pub fn add_torque(&mut self, torque: Box<dyn Torque>) {
        self.eq.torques.push(torque);
        self.fsal = false;
    }
    /// Choose the integrator.
    pub fn set_stepper(&mut self, kind: StepperKind) -> Result<()> {
        if let StepperKind::Rk4 { dt } = kind {
            if !(dt.is_finite() && dt > 0.0) {
                return Err(Error::Usage(format!(
                    "RK4 step must be positive (got {dt} s)"
                )));
            }
        }
        self.kind = kind;
        self.fsal = false;
        Ok(())
    }

    // ---- stepping ----

    /// Take one step, at most `max_dt` long; returns the step taken (s).
    pub fn step_at_most(&mut self, max_dt: f64) -> Result<f64> {
        on_pool(|| self.step_at_most_here(max_dt))
    }

    /// The integration state, borrowed for a [`Stepper`].
    fn integration(&mut self) -> Integration<'_> {
        Integration {
            eq: &mut self.eq,
            m: &mut self.m,
            t: &mut self.t,
            dt: &mut self.dt,
            fsal: &mut self.fsal,
            stats: &mut self.stats,
            buf: &mut self.buf,
        }
    }

    /// [`Self::step_at_most`] on the calling thread.
    fn step_at_most_here(&mut self, max_dt: f64) -> Result<f64> {
        let (kind, rk45) = (self.kind, self.rk45);
        let mut x = self.integration();
        match kind {
            StepperKind::Rk4 { dt } => Rk4 { dt }.step(&mut x, max_dt),
            StepperKind::Rk45 => Rk45(rk45).step(&mut x, max_dt),
        }
    }

    /// Take one step of the chosen integrator (unbounded); returns its length (s).
    pub fn step(&mut self) -> Result<f64> {
        self.step_at_most(f64::INFINITY)
    }

    /// Advance the time by `duration` (s), landing exactly on the end time.
    pub fn advance(&mut self, duration: f64) -> Result<()> {
        if !(duration.is_finite() && duration >= 0.0) {
            return Err(Error::Usage(format!(
                "run time must be >= 0 (got {duration} s)"
            )));
        }
        let end = self.t + duration;
        self.advance_to(end)
    }

    /// Advance to the absolute time `t_end` (s); nothing happens if it is not after now.
    pub fn advance_to(&mut self, t_end: f64) -> Result<()> {
        if !t_end.is_finite() {
            return Err(Error::Usage(format!("end time {t_end} is not finite")));
        }
        // Residuals below this are rounding of the landing step, not time left to simulate.
        let tol = (t_end.abs() * 1e-12).max(1e-24);
        on_pool(|| {
            while t_end - self.t > tol {
                let stop = match self.eq.drive.next_edge(self.t) {
                    Some(e) if e < t_end => e,
                    _ => t_end,
                };
                self.step_at_most_here(stop - self.t)?;
                if (stop - self.t).abs() <= tol && stop < t_end {
                    // Landed on an edge: the derivative jumps, so FSAL's k1 is stale.
                    self.t = stop;
                    self.fsal = false;
                }
            }
            Ok(())
        })?;
        if self.t < t_end {
            self.t = t_end;
        }
        Ok(())
    }

    /// Alias of [`Self::advance`] (mumax3's `run`).
    pub fn run(&mut self, duration: f64) -> Result<()> {
        self.advance(duration)
    }

    /// Relax to an energy minimum (see [`Relax`]).
    pub fn relax(&mut self) -> Result<RelaxReport> {
        let relax = Relax(self.relax_options);
        let mut x = self.integration();
        on_pool(|| relax.step(&mut x, f64::INFINITY))
    }

    // ---- checkpoints ----

    /// Save the state (for a circuit's rejected time step).
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            m: self.m.clone(),
            t: self.t,
            dt: self.dt,
        }
    }

    /// Save the state into an existing checkpoint without allocating.
    pub fn checkpoint_into(&self, cp: &mut Checkpoint) {
        cp.m.clear();
        cp.m.extend_from_slice(&self.m);
        cp.t = self.t;
        cp.dt = self.dt;
    }

    /// Go back to a saved state.
    pub fn restore(&mut self, cp: &Checkpoint) -> Result<()> {
        if cp.m.len() != self.m.len() {
            return Err(Error::Usage("checkpoint belongs to another mesh".into()));
        }
        self.m.copy_from_slice(&cp.m);
        self.t = cp.t;
        self.dt = cp.dt;
        self.fsal = false;
        Ok(())
    }

    // ---- observables ----

    /// The effective field (A/m) at the present state (without thermal noise).
    pub fn effective_field(&mut self) -> &[V3] {
        let (eq, m, t) = (&mut self.eq, &self.m, self.t);
        on_pool(|| eq.field_without_noise(m, t));
        self.eq.h()
    }

    /// Average m over magnetic cells.
    pub fn average_m(&self) -> V3 {
        observe::average_m(&self.eq.sys, &self.m, None)
    }

    /// Average m over the magnetic cells of layer `l`.
    pub fn average_m_layer(&self, l: usize) -> V3 {
        observe::average_m(&self.eq.sys, &self.m, Some(l))
    }

    /// Average m_z of layer `l` under the rectangle `[x0, x1] x [y0, y1]` (m) (an MTJ
    /// footprint); NaN when no magnetic cell centre lies inside.
    pub fn footprint_mz(&self, l: usize, x0: f64, x1: f64, y0: f64, y1: f64) -> f64 {
        observe::footprint_mz(&self.eq.sys, &self.m, l, [x0, x1, y0, y1])
    }

    /// Energy of each term (J), in the order of the terms, Zeeman last when applied.
    pub fn energies(&mut self) -> Vec<(&'static str, f64)> {
        let mut out = Vec::new();
        for term in self.eq.terms.iter_mut() {
            out.push((term.name(), term.energy(&self.eq.sys, &self.m, self.t)));
        }
        if self.eq.zeeman.b_static != [0.0; 3] || self.eq.zeeman.b_fn.is_some() {
            out.push((
                "zeeman",
                self.eq.zeeman.energy(&self.eq.sys, &self.m, self.t),
            ));
        }
        out
    }

    /// Total energy (J).
    pub fn total_energy(&mut self) -> f64 {
        self.energies().iter().map(|e| e.1).sum()
    }

    /// Every observable at the present state.
    pub fn observables(&mut self) -> observe::Observables {
        let energies = self.energies();
        observe::Observables::measure(&self.eq.sys, &self.m, self.t, energies)
    }
}

/// Run `f` on a worker thread of rayon's pool (directly when already on one). A field
/// evaluation is three parallel sections and an RK45 step about twenty; forked from outside
/// the pool, each section is injected into the pool's queue and the calling thread sleeps
/// on a lock until it is done, a round trip through the kernel per section that cost as much
/// as the field evaluation itself on a 256 x 64 mesh. Forked from a worker, the sections of
/// one call follow each other without the caller sleeping and the other workers are still
/// spinning when the next section starts: one hand-off per call instead of one per section.
fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_some() {
        f()
    } else {
        rayon::scope(|_| f())
    }
}

#[cfg(test)]
#[path = "sim_fused_tests.rs"]
mod fused_tests;

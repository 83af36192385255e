//! The device interface and the device registry.
//!
//! A device is anything that writes into the modified-nodal-analysis (MNA) system. The split
//! follows Xyce/SPICE3:
//!
//! 1. [`Device::allocate`] claims extra unknowns (branch currents, internal nodes) and
//!    integrated states (charges, fluxes). Called once per circuit.
//! 2. [`Device::setup`] claims matrix slots ([`Slot`]) once, after every unknown exists (so a
//!    CCCS can look up its controlling source's branch). The sparsity pattern is fixed here.
//! 3. [`Device::load`] is called at every Newton iteration: it evaluates the device at the
//!    current iterate and adds its linearised stamps into the slots it claimed. Charges are
//!    handed to [`Load::charge`], which applies the engine's integration formula (BE, trapezoidal
//!    or Gear-2) and returns the companion conductance and current; devices never integrate.
//! 4. Optional hooks: [`Device::converged`], [`Device::truncation_step`],
//!    [`Device::next_breakpoint`], [`Device::max_step`], [`Device::accept`], [`Device::reject`],
//!    [`Device::outputs`]/[`Device::probe`], [`Device::set_sweep`].
//!
//! ## Sign convention
//! The system is `G x = b`. A device whose current *leaving* node `a` (flowing through the
//! device from `a` to `b`) is `i(v)`, linearised at `v0` as `i0 + g (v - v0)`, stamps
//! `G[a][a] += g`, `G[a][b] -= g`, ..., and `b[a] -= i0 - g v0`, `b[b] += i0 - g v0`.
//! Branch currents of voltage sources flow from the `+` node through the source to the `-`
//! node (ngspice's convention: a source delivering power has a negative current).

pub mod args;
pub mod bsource;
pub mod capacitor;
pub mod comparator;
pub mod controlled;
pub mod diode;
pub mod inductor;
pub mod isource;
pub mod mos1;
pub mod mtj;
pub mod mtj_mag;
pub mod nlutil;
pub mod param;
pub mod racetrack;
pub mod registry;
pub mod resistor;
pub mod switch;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
pub(crate) mod testutil;
pub mod vsource;
pub mod waveform;

use crate::error::Span;

/// Index of an unknown in the solution vector (node voltage or branch current).
pub type Unknown = usize;

/// The ground node: stamps into its row or column are dropped.
pub const GROUND: Unknown = usize::MAX;

/// A claimed position in the sparse matrix. Writing to [`Slot::NONE`] is a no-op, so devices
/// never need to test for ground themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Slot(pub u32);

impl Slot {
    pub const NONE: Slot = Slot(u32::MAX);
}

/// What the engine is solving for at this load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// DC operating point (`.op`, or a `.dc` sweep point): charges are ignored.
    Dc,
    /// The operating point that starts a transient (sources at their t = 0 values).
    TranOp,
    /// A transient time point.
    Tran,
    /// The small-signal linearisation at a solved operating point (`.ac`): devices load as
    /// at the operating point, and [`Load::charge`] returns the capacitance scaled by the
    /// engine's factor (`geq = ag0 * c`) and no current, so that the stamps are `G + ag0 C`.
    /// The engine loads twice (`ag0 = 0`, then a large power of two) to separate `G` and `C`.
    Ac,
}

impl Mode {
    /// True in the modes where charges contribute stamps (transient points and the
    /// small-signal linearisation).
    pub fn integrates(self) -> bool {
        matches!(self, Mode::Tran | Mode::Ac)
    }
}

/// What a device contributes to a small-signal (`.ac`) analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmallSignal {
    /// Its [`Device::load`] in [`Mode::Ac`] is its exact linearisation at the operating point
    /// (conductances from the Jacobian, capacitances through [`Load::charge`]).
    Linearised,
    /// It contributes its linearisation with an internal state held at its operating-point
    /// value (e.g. a micromagnetic free layer: its resistance at the operating point); the
    /// text says what is frozen. `.ac` accepts it and reports the text as a note.
    Frozen(String),
    /// It has no small-signal model (the text says why).
    Unsupported(String),
}

/// Right-hand side of the small-signal system, written by [`Device::ac_stimulus`].
pub struct AcRhs<'a> {
    pub(crate) re: &'a mut [f64],
    pub(crate) im: &'a mut [f64],
    /// Excite with a unit phasor (`ac 1`) whatever the source's own `ac` value: the input of
    /// `.tf` and the gain of `.noise`.
    pub unit: bool,
}

impl AcRhs<'_> {
    /// Add the phasor `mag * exp(j * phase)` (phase in radians) to row `row`.
    pub fn add(&mut self, row: Unknown, mag: f64, phase: f64) {
        if row != GROUND {
            self.re[row] += mag * phase.cos();
            self.im[row] += mag * phase.sin();
        }
    }
}

/// One noise generator of a device, for `.noise`: a noise current between unknowns `a` and
/// `b` whose one-sided power spectral density is `white + flicker / f^flicker_exp` (A²/Hz),
/// evaluated at the operating point. Generators are uncorrelated.
#[derive(Debug, Clone, PartialEq)]
pub struct NoiseSource {
    /// The generator's name as ngspice suffixes it to the device's (`thermal`, `1overf`,
    /// `rs`, `rd`, `id`, `shot`): the vector `onoise_<device>_<label>`.
    pub label: &'static str,
    pub a: Unknown,
    pub b: Unknown,
    /// Frequency-independent density (A²/Hz).
    pub white: f64,
    /// Flicker density at 1 Hz (A²/Hz).
    pub flicker: f64,
    /// Exponent of the flicker term's frequency dependence (1 for `1/f`).
    pub flicker_exp: f64,
}

impl NoiseSource {
    /// A white generator (thermal or shot noise).
    pub fn white(label: &'static str, a: Unknown, b: Unknown, density: f64) -> Self {
        NoiseSource {
            label,
            a,
            b,
            white: density,
            flicker: 0.0,
            flicker_exp: 1.0,
        }
    }

    /// A `1/f^exp` generator with density `at_1hz` at 1 Hz.
    pub fn flicker(label: &'static str, a: Unknown, b: Unknown, at_1hz: f64, exp: f64) -> Self {
        NoiseSource {
            label,
            a,
            b,
            white: 0.0,
            flicker: at_1hz,
            flicker_exp: exp,
        }
    }

    /// The density at frequency `f` (A²/Hz).
    pub fn density(&self, f: f64) -> f64 {
        let fl = if self.flicker == 0.0 {
            0.0
        } else {
            self.flicker / f.powf(self.flicker_exp)
        };
        self.white + fl
    }
}

/// Engine-owned state handed to [`Device::allocate`].
pub struct Alloc<'a> {
    pub(crate) inner: &'a mut dyn AllocBackend,
}

/// What the engine implements behind [`Alloc`].
pub trait AllocBackend {
    fn branch(&mut self, device: &str) -> Unknown;
    fn internal_node(&mut self, name: &str) -> Unknown;
    fn states(&mut self, n: usize) -> usize;
}

impl Alloc<'_> {
    /// A new branch-current unknown owned by `device` (written out as `i(device)`).
    pub fn branch(&mut self, device: &str) -> Unknown {
        self.inner.branch(device)
    }
    /// A new internal node (written out as `v(name)`).
    pub fn internal_node(&mut self, name: &str) -> Unknown {
        self.inner.internal_node(name)
    }
    /// `n` consecutive integrated states (charges or fluxes); returns the first index.
    pub fn states(&mut self, n: usize) -> usize {
        self.inner.states(n)
    }
}

/// Engine-owned state handed to [`Device::setup`].
pub struct Setup<'a> {
    pub(crate) inner: &'a mut dyn SetupBackend,
}

/// What the engine implements behind [`Setup`].
pub trait SetupBackend {
    fn slot(&mut self, row: Unknown, col: Unknown) -> Slot;
    fn branch_of(&self, device: &str) -> Option<Unknown>;
}

impl Setup<'_> {
    /// Claim matrix position (row, col). Ground rows/columns give [`Slot::NONE`].
    pub fn slot(&mut self, row: Unknown, col: Unknown) -> Slot {
        if row == GROUND || col == GROUND {
            Slot::NONE
        } else {
            self.inner.slot(row, col)
        }
    }
    /// The branch unknown of another device (the controlling source of an F or H element).
    pub fn branch_of(&self, device: &str) -> Option<Unknown> {
        self.inner.branch_of(device)
    }
}

/// Engine-owned state handed to [`Device::load`].
pub struct Load<'a> {
    /// What is being solved.
    pub mode: Mode,
    /// Simulation time of the point being solved (0 for DC).
    pub time: f64,
    /// The step from the last accepted point (0 for DC).
    pub dt: f64,
    /// The current Newton iterate.
    pub x: &'a [f64],
    /// Source-stepping factor in `[0, 1]`; independent sources multiply their value by it.
    pub src_factor: f64,
    /// Conductance added across nonlinear junctions (gmin stepping raises it).
    pub gmin: f64,
    /// First Newton iteration of an operating point solved from scratch (`.op`, the first
    /// `.dc` point, the transient's initial point, each fallback's first solve): junction
    /// devices start from their initial guess instead of the iterate. False at transient
    /// time points and later `.dc` points, which start from the previous solution.
    pub init_junction: bool,
    /// `.tran ... uic`: the initial point is not solved, devices use their `ic=` values.
    pub uic: bool,
    pub(crate) matrix: &'a mut [f64],
    pub(crate) rhs: &'a mut [f64],
    /// Charges (fluxes) of every state at this iterate, written by [`Load::charge`].
    pub(crate) states: &'a mut [f64],
    /// Charges at the last accepted point.
    pub(crate) states_prev: &'a [f64],
    /// Per state, the part of the integration formula that depends on the past only:
    /// `i_n = ag0 * q_n + hist` (BE: `-q_{n-1}/h`; trapezoidal: `-2 q_{n-1}/h - i_{n-1}`;
    /// Gear-2: `ag1 q_{n-1} + ag2 q_{n-2}`). Set by the engine before each step.
    pub(crate) hist: &'a [f64],
    /// Currents `dq/dt` of every state at this iterate, written by [`Load::charge`].
    pub(crate) currents: &'a mut [f64],
    /// Leading coefficient of the integration formula (`1/h` for BE, `2/h` trapezoidal).
    pub(crate) ag0: f64,
    pub(crate) noncon: &'a mut bool,
}

impl Load<'_> {
    /// Voltage (or current) of unknown `u` in the current iterate; 0 for ground.
    #[inline]
    pub fn v(&self, u: Unknown) -> f64 {
        if u == GROUND {
            0.0
        } else {
            self.x[u]
        }
    }
    /// Add `g` at a claimed slot.
    #[inline]
    pub fn add(&mut self, s: Slot, g: f64) {
        if s != Slot::NONE {
            self.matrix[s.0 as usize] += g;
        }
    }
    /// Add `val` to the right-hand side of row `row`.
    #[inline]
    pub fn rhs(&mut self, row: Unknown, val: f64) {
        if row != GROUND {
            self.rhs[row] += val;
        }
    }
    /// Record charge (or flux) `q` of state `state` at this iterate, with `c = dq/dv`, and
    /// return `(geq, i)`: `i = dq/dt` by the engine's integration formula, and `geq = ag0 * c`
    /// its derivative. Linearised at the iterate's `v0`, the device current is
    /// `geq * v + (i - geq * v0)`. In DC modes both are zero (capacitors open; an inductor's
    /// branch equation becomes a short).
    #[inline]
    pub fn charge(&mut self, state: usize, q: f64, c: f64) -> (f64, f64) {
        self.states[state] = q;
        if self.mode == Mode::Ac {
            self.currents[state] = 0.0;
            return (self.ag0 * c, 0.0);
        }
        if self.mode != Mode::Tran {
            self.currents[state] = 0.0;
            return (0.0, 0.0);
        }
        let i = self.ag0 * q + self.hist[state];
        self.currents[state] = i;
        (self.ag0 * c, i)
    }
    /// The charge of `state` at the last accepted time point.
    pub fn state_prev(&self, state: usize) -> f64 {
        self.states_prev[state]
    }
    /// Tell the engine that this iterate was limited (pnjlim, fetlim): not converged yet.
    pub fn set_noncon(&mut self) {
        *self.noncon = true;
    }
}

/// Handed to [`Device::accept`] when a time point is accepted.
pub struct Accepted<'a> {
    pub time: f64,
    pub dt: f64,
    pub x: &'a [f64],
}

/// A circuit element behind the MNA engine.
pub trait Device: Send + std::fmt::Debug {
    /// The flattened instance name, lower case (`r1`, `x1.m3`).
    fn name(&self) -> &str;

    /// Claim extra unknowns and integrated states. Default: none.
    fn allocate(&mut self, _a: &mut Alloc) {}

    /// Claim matrix slots. Called once, after every device's `allocate`.
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()>;

    /// Add the linearised stamps at the current iterate.
    fn load(&mut self, l: &mut Load) -> crate::Result<()>;

    /// Device-level convergence test (e.g. SPICE3's current tolerance on junction currents),
    /// after node voltages have passed theirs.
    fn converged(&self, _x: &[f64], _reltol: f64, _abstol: f64) -> bool {
        true
    }

    /// A step bound from the device's own truncation-error estimate, beyond the engine's
    /// charge-based one (which covers every state handed to [`Load::charge`]).
    fn truncation_step(&self, _time: f64, _dt: f64) -> Option<f64> {
        None
    }

    /// The next breakpoint strictly after `t` (source corners, device events).
    fn next_breakpoint(&self, _t: f64) -> Option<f64> {
        None
    }

    /// The largest time step the device allows now.
    fn max_step(&self) -> Option<f64> {
        None
    }

    /// Commit the trial state of an accepted time point.
    fn accept(&mut self, _a: &Accepted) {}

    /// Roll back to the last accepted state (a rejected step).
    fn reject(&mut self) {}

    /// Extra output signals (name, unit), e.g. `dw_x(n1)`, in the order [`Device::probe`]
    /// writes them.
    fn outputs(&self) -> Vec<(String, crate::wave::Unit)> {
        Vec::new()
    }

    /// Write the current values of [`Device::outputs`].
    fn probe(&self, _x: &[f64], _out: &mut Vec<f64>) {}

    /// Signals this device marks as spiking outputs, with their threshold (for the
    /// `spikes <signal>: ...` report).
    fn spike_signals(&self) -> Vec<(String, f64)> {
        Vec::new()
    }

    /// Set the swept value of a `.dc` sweep; false when this device cannot be swept.
    fn set_sweep(&mut self, _value: f64) -> bool {
        false
    }

    /// True when [`Device::load`] writes the same stamps whatever the iterate (resistors,
    /// capacitors, linear sources): a circuit of linear devices only is solved with one
    /// factorisation and solve per point. Default: false (nonlinear).
    fn is_linear(&self) -> bool {
        false
    }

    /// What this device contributes to `.ac` (see [`SmallSignal`]). Default: no
    /// small-signal model, so that a new device must say what it does.
    fn small_signal(&self) -> SmallSignal {
        SmallSignal::Unsupported("it has no small-signal model".into())
    }

    /// Add this device's AC excitation (`ac MAG PHASE` of an independent source) to the
    /// small-signal right-hand side. Default: none.
    fn ac_stimulus(&self, _rhs: &mut AcRhs) {}

    /// Append this device's noise generators at the operating point `x` (solved, with the
    /// device loaded there) for circuit temperature `temp` (K). Default: noiseless (ideal
    /// sources, capacitors, inductors, controlled sources).
    fn noise(&self, _x: &[f64], _temp: f64, _out: &mut Vec<NoiseSource>) {}

    /// Called once before a transient with `.tran`'s `tstep` and `tstop` (sources resolve
    /// their ngspice defaults from them: PULSE rise time = tstep, period = tstop, ...).
    fn begin_tran(&mut self, _tstep: f64, _tstop: f64) {}

    /// Replace an independent source's DC value and time function (a built circuit rerun
    /// with new stimuli, e.g. one crossbar per image); false when this device is no source.
    fn set_source(&mut self, _dc: Option<f64>, _wave: Option<waveform::Waveform>) -> bool {
        false
    }
}

/// Where a device's error points to.
pub fn span_of(inst: &crate::elab::Instance) -> Span {
    inst.span.clone()
}

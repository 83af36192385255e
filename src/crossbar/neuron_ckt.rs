//! The output neurons of a crossbar block as circuits: a membrane capacitor with a leak,
//! a behavioural comparator, a sample switch with a hold capacitor (the latched spike),
//! and a reset path, clocked so that the membrane voltage at every sampling instant equals
//! the network's discrete membrane exactly.
//!
//! # Why a membrane of circuit elements (and not the racetrack device)
//! The network's neuron is a discrete map per step, `m' = p m + q + r I - S A` (forward
//! Euler of a linear ODE, [`crate::neuron::Neuron::update`]; `S` the previous step's spike,
//! `A` the reset amount). The racetrack device integrates the continuous wall dynamics of
//! the device preset and reads them through an MTJ, which is a different (continuous-time,
//! nonlinear readout) system: it cannot agree with the trained layer to 99 %. A linear RC
//! membrane can, exactly: between two sampling instants one network step `T` apart,
//! `v(t_s + T) = e^(-lambda) v(t_s) + (charge injected, each part weighted by its own
//! decay to t_s + T) / C_m`. With `e^(-lambda) = p` (leak conductance `G_l = lambda C_m / T`,
//! negative for an anti-leak) and every current amplitude divided by the decay its charge
//! sees before the next sample, the sampled membrane is the discrete map itself, for every
//! input and history (superposition). So the circuit implements the linear models
//! (`leaky`, `dw`); the skyrmion model's quadratic ODE has no such exact circuit and is
//! refused.
//!
//! # One network step in circuit time (`T` = the tile's `t_step`, `R = T - (2 e + w)`)
//! - `[0, 2e + w]`: the row pulses (and the bias pulse) drive the columns; the column
//!   currents, scaled by a current-controlled current source (the sense amplifier's gain),
//!   charge the membrane.
//! - `phz`, `[2e+w + 0.05 R, + 0.1 R]`: zero reset (`reset=zero`): a switch shorts the
//!   membrane if the latched spike of the previous step is high (the input of this step is
//!   discarded too, as in the network).
//! - `phs`, `[2e+w + 0.2 R, + 0.1 R]`: the sample switch copies the comparator output
//!   (`v(m) > threshold`) to the hold capacitor; the instant it opens is the sampling
//!   instant `t_s`: the latched value is the network's spike of this step.
//! - `phr`, `[2e+w + 0.4 R, + 0.45 R]`: subtract reset: a charge pump gated by the latched
//!   spike removes the charge that lowers the membrane at the next sample by `A`.
//!
//! Clock edges are `R / 50`. All sources are piecewise linear, so the trapezoidal
//! integrator with breakpoints on every corner integrates them without truncation error
//! beyond the leak's exponential.

use super::netgen::TileCircuit;
use crate::error::Error;
use crate::neuron::{Neuron, NeuronModel, Reset};
use crate::Result;
use std::fmt::Write;

/// The network neuron as the linear discrete map `m' = p m + q + r I` plus threshold and
/// reset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearNeuron {
    /// Decay per step `p` (`beta` for snnTorch's Leaky).
    pub p: f64,
    /// Drift per step `q`.
    pub q: f64,
    /// Input gain per step `r`.
    pub r: f64,
    /// Threshold.
    pub threshold: f64,
    /// Reset mechanism.
    pub reset: Reset,
    /// Amount subtracted on a spike (subtract reset).
    pub reset_amount: f64,
}

impl LinearNeuron {
    /// Read the discrete map off a model; an error for a nonlinear model, a floor, or a decay
    /// `p <= 0`.
    pub fn from_model(n: &NeuronModel) -> Result<Self> {
        let dt = n.dt();
        let f = |m: f64, i: f64| n.step(m, i, dt);
        let q = f(0.0, 0.0);
        let p = f(1.0, 0.0) - q;
        let r = f(0.0, 1.0) - q;
        // Linearity check at a point away from the probes (relative 1e-9: f64 rounding of
        // the probes above is ~1e-16, a quadratic term shows at O(1)).
        let (mt, it) = (2.7, -1.3);
        let lin = p * mt + q + r * it;
        let got = f(mt, it);
        if (lin - got).abs() > 1e-9 * (1.0 + got.abs()) {
            return Err(Error::Usage(format!(
                "the {} neuron's update is not linear in membrane and input: the circuit \
                 neuron implements the linear models (leaky, dw) only",
                n.name()
            )));
        }
        if n.floor().is_some() {
            return Err(Error::Usage(format!(
                "the {} neuron has a membrane floor, which the circuit neuron does not model",
                n.name()
            )));
        }
        if !(p > 0.0 && p.is_finite() && r.is_finite() && r != 0.0) {
            return Err(Error::Usage(format!(
                "the {} neuron's decay per step {p} (input gain {r}) has no RC membrane",
                n.name()
            )));
        }
        Ok(LinearNeuron {
            p,
            q,
            r,
            threshold: n.threshold(),
            reset: n.reset(),
            reset_amount: n.reset_amount(),
        })
    }

    /// Leak per step `lambda = -ln p` (negative: an anti-leak).
    pub fn lambda(&self) -> f64 {
        -self.p.ln()
    }
}

/// A periodic trapezoidal clock `PULSE(0 1 td e e pw T)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Delay within the step (s).
    pub td: f64,
    /// Edge (s).
    pub edge: f64,
    /// Flat top (s).
    pub pw: f64,
}

impl Clock {
    /// Corners of one period, `(time within the step, value)`.
    pub fn corners(&self) -> [(f64, f64); 4] {
        [
            (self.td, 0.0),
            (self.td + self.edge, 1.0),
            (self.td + self.edge + self.pw, 1.0),
            (self.td + 2.0 * self.edge + self.pw, 0.0),
        ]
    }
    /// The source's time function for period `t_step`.
    pub fn pulse(&self, t_step: f64) -> String {
        format!(
            "PULSE(0 1 {:e} {:e} {:e} {:e} {:e})",
            self.td, self.edge, self.edge, self.pw, t_step
        )
    }
}

/// The clock phases of one network step (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Phases {
    /// Step length `T` (s).
    pub t_step: f64,
    /// The input pulse's corners (unit amplitude).
    pub input: [(f64, f64); 4],
    /// Zero-reset window.
    pub zero: Clock,
    /// Sample window.
    pub sample: Clock,
    /// Subtract-reset window.
    pub reset: Clock,
    /// Sampling instant within the step (the sample switch opens: `v(phs)` falls to 0.5).
    pub t_s: f64,
}

impl Phases {
    /// Phases of a tile circuit; an error when the pulses leave no room for the clocks.
    pub fn new(c: &TileCircuit) -> Result<Self> {
        let (e, w, t) = (c.edge, c.width, c.t_step);
        let p_end = 2.0 * e + w;
        let rest = t - p_end;
        if !(e > 0.0 && w >= 0.0 && rest > 0.0 && rest >= 0.2 * t) {
            return Err(Error::Usage(format!(
                "crossbar neurons need pulse edges > 0 and at least 20 % of the step after the \
                 pulse (step {t:e} s, edge {e:e} s, width {w:e} s)"
            )));
        }
        let ec = rest / 50.0;
        let clock = |a: f64, pw: f64| Clock {
            td: p_end + a * rest,
            edge: ec,
            pw: pw * rest,
        };
        let sample = clock(0.2, 0.1);
        Ok(Phases {
            t_step: t,
            input: [(0.0, 0.0), (e, 1.0), (e + w, 1.0), (p_end, 0.0)],
            zero: clock(0.05, 0.1),
            sample,
            reset: clock(0.4, 0.45),
            t_s: sample.td + 1.5 * ec + sample.pw,
        })
    }

    /// `integral of shape(s) exp(-lambda (t_at - s) / T) ds` over a piecewise-linear unit
    /// shape (corners within one step): the charge of a unit-amplitude current weighted by
    /// its decay up to `t_at`. Five-point Gauss-Legendre per segment: exact for the
    /// polynomial part, and the exponential varies by at most `|lambda|` over a step.
    pub fn weight(&self, shape: &[(f64, f64)], lambda: f64, t_at: f64) -> f64 {
        const X: [f64; 5] = [
            0.0,
            -0.538_469_310_105_683,
            0.538_469_310_105_683,
            -0.906_179_845_938_664,
            0.906_179_845_938_664,
        ];
        const W: [f64; 5] = [
            0.568_888_888_888_889,
            0.478_628_670_499_366,
            0.478_628_670_499_366,
            0.236_926_885_056_189,
            0.236_926_885_056_189,
        ];
        let mu = lambda / self.t_step;
        shape
            .windows(2)
            .map(|s| {
                let ((a, va), (b, vb)) = (s[0], s[1]);
                let (mid, half) = ((a + b) / 2.0, (b - a) / 2.0);
                X.iter()
                    .zip(W)
                    .map(|(x, wt)| {
                        let t = mid + half * x;
                        let v = va + (vb - va) * (t - a) / (b - a);
                        wt * half * v * (-mu * (t_at - t)).exp()
                    })
                    .sum::<f64>()
            })
            .sum()
    }
}

/// Circuit values of the output neurons of a block.
#[derive(Debug, Clone, PartialEq)]
pub struct NeuronCircuit {
    /// The neuron's discrete map.
    pub neuron: LinearNeuron,
    /// Clock phases.
    pub phases: Phases,
    /// Volts of membrane per network membrane unit.
    pub vu: f64,
    /// Membrane capacitance (F).
    pub cm: f64,
    /// Weighted charge of a unit input pulse at the sample of its own step (s).
    pub f_in: f64,
    /// Weighted charge of a unit reset window at the next step's sample (s).
    pub f_reset: f64,
}

impl NeuronCircuit {
    /// Values for `neuron` on tile circuit `c` (1 V per membrane unit, 1 pF membranes).
    pub fn new(model: &NeuronModel, c: &TileCircuit) -> Result<Self> {
        let neuron = LinearNeuron::from_model(model)?;
        let phases = Phases::new(c)?;
        let lam = neuron.lambda();
        let f_in = phases.weight(&phases.input, lam, phases.t_s);
        let f_reset = phases.weight(&phases.reset.corners(), lam, phases.t_s + phases.t_step);
        Ok(NeuronCircuit {
            neuron,
            phases,
            vu: 1.0,
            cm: 1e-12,
            f_in,
            f_reset,
        })
    }

    /// Leak conductance `lambda C_m / T` (S; negative: anti-leak).
    pub fn g_leak(&self) -> f64 {
        self.neuron.lambda() * self.cm / self.phases.t_step
    }

    /// Current gain from a column current (A, at the input pulse's shape) to the membrane,
    /// given the combination factor `kw` (weight units per ampere of combined current).
    pub fn input_gain(&self, kw: f64) -> f64 {
        self.vu * self.neuron.r * self.cm * kw / self.f_in
    }

    /// Amplitude (A) of the per-step bias pulse of an output with bias `b`: the network
    /// adds `r b + q` every step (the drift `q` rides on the bias pulse, so it acts from the
    /// first step on exactly as in the network).
    pub fn bias_current(&self, b: f64) -> f64 {
        self.vu * (self.neuron.r * b + self.neuron.q) * self.cm / self.f_in
    }

    /// Amplitude (A) of the subtract-reset charge pump.
    pub fn reset_current(&self) -> f64 {
        self.vu * self.neuron.reset_amount * self.cm / self.f_reset
    }

    /// Header lines stating how network time and membrane map to the circuit.
    pub fn header(&self) -> String {
        let n = &self.neuron;
        let ph = &self.phases;
        format!(
            "neurons: m' = p m + q + r I with p = {:.9e}, q = {:.6e}, r = {:.6e}, threshold \
             {}, reset {:?} (amount {})\n\
             time: network step k = circuit time [k T, (k+1) T), T = {:e} s; row and bias \
             pulses in [0, {:e}] s of each step; the spike of step k is sampled at k T + {:e} s \
             and read from the latched comparator output v(spk<o>) at (k+1) T\n\
             membrane: v(m<o>) = {} V per unit, C_m = {:e} F, leak {:.6e} S (e^-lambda = p \
             per step); current gains divided by the decay to the sample ({:.6e} s of input, \
             {:.6e} s of reset)",
            n.p,
            n.q,
            n.r,
            n.threshold,
            n.reset,
            n.reset_amount,
            ph.t_step,
            ph.input[3].0,
            ph.t_s,
            self.vu,
            self.cm,
            self.g_leak(),
            self.f_in,
            self.f_reset
        )
    }

    /// The `.subckt lif m spk phs phr phz` of one neuron and its models.
    pub fn subckt(&self, out: &mut String) {
        let n = &self.neuron;
        let _ = writeln!(
            out,
            ".model cmpm comparator(vth={:e} voh=1 vol=0 gain=1e6)",
            n.threshold * self.vu
        );
        out.push_str(".model swm sw(vt=0.5 vh=0 ron=1 roff=1e12)\n");
        out.push_str(
            "* m: membrane (current injected at this port); spk: latched spike (0/1 V);\n\
             * phs/phr/phz: sample, subtract-reset and zero-reset clocks\n",
        );
        out.push_str(".subckt lif m spk phs phr phz\n");
        let _ = writeln!(out, "cm m 0 {:e}", self.cm);
        let g = self.g_leak();
        if g != 0.0 {
            let _ = writeln!(out, "gleak m 0 m 0 {g:.12e}");
        }
        out.push_str("acmp m 0 cmp cmpm\n");
        out.push_str("ssample cmp spk phs 0 swm\n");
        out.push_str("chold spk 0 1e-13\n");
        match n.reset {
            Reset::Subtract => {
                let _ = writeln!(
                    out,
                    "brst m 0 i={{{:.12e}*v(spk)*v(phr)}}",
                    self.reset_current()
                );
            }
            Reset::Zero => {
                out.push_str("bzc zc 0 v={v(spk)*v(phz)}\n");
                out.push_str("szero m 0 zc 0 swm\n");
            }
            Reset::None => {}
        }
        out.push_str(".ends lif\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::{DwLif, Leaky};

    #[test]
    fn linear_map_of_the_presets() {
        // Leaky: m' = beta m + I (snnTorch Eq. A2): p = 0.95, q = 0, r = 1.
        let l = LinearNeuron::from_model(&NeuronModel::Leaky(Leaky::default())).unwrap();
        assert!((l.p - 0.95).abs() < 1e-15 && l.q == 0.0 && (l.r - 1.0).abs() < 1e-15);
        // DW normalised: p = 1 + |beta| dt (anti-leak), q = alpha dt / threshold = -3.97e-3.
        let d = LinearNeuron::from_model(&NeuronModel::Dw(DwLif::network())).unwrap();
        assert!((d.p - (1.0 + 1.549 * 2.3e-9)).abs() < 1e-15, "{}", d.p);
        assert!((d.q - (-1e7 * 2.3e-9 / 5.8)).abs() < 1e-15, "{}", d.q);
        let sk = NeuronModel::network_preset("skyrmion").unwrap();
        assert!(LinearNeuron::from_model(&sk).is_err());
    }

    #[test]
    fn weight_of_a_trapezoid_without_leak_is_its_area() {
        let c = TileCircuit::default();
        let ph = Phases::new(&c).unwrap();
        // area of the trapezoid: width + edge = 4.5 ns
        let a = ph.weight(&ph.input, 0.0, ph.t_s);
        assert!((a - 4.5e-9).abs() < 1e-21, "{a}");
        // with a leak, analytic for a rectangle-free check: e^{-mu (t_s - s)} over the flat
        // top [e, e + w] is (e^{-mu (t_s - e - w)} - e^{-mu (t_s - e)}) / mu
        let lam = 0.3;
        let mu = lam / c.t_step;
        let flat = [(c.edge, 1.0), (c.edge + c.width, 1.0)];
        let exact =
            ((-mu * (ph.t_s - c.edge - c.width)).exp() - (-mu * (ph.t_s - c.edge)).exp()) / mu;
        let got = ph.weight(&flat, lam, ph.t_s);
        assert!((got - exact).abs() < 1e-14 * exact, "{got} {exact}");
    }
}

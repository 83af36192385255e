//! Behavioural comparator (`Aname inp inn out model`,
//! `.model cmp comparator(vth= vhys= voh= vol= gain=|width= tr= tf= rout=)`).
//!
//! The output is an ideal voltage `y` behind `rout` (to ground). `y` follows a target that
//! is a function of `vd = v(inp) - v(inn)`:
//! - `edge=tanh` (default): `vol + (voh - vol) (1 + tanh((vd - th)/width))/2`;
//! - `edge=linear` (or `gain` given): `(voh + vol)/2 + gain (vd - th)`, clamped to
//!   `[vol, voh]`.
//!
//! Hysteresis: the threshold `th` is `vth + vhys/2` while the output is low and
//! `vth - vhys/2` while it is high. The state flips when the input crosses the active
//! threshold (where the target passes mid-rail), so the flip is regenerative like a Schmitt
//! trigger's: the target jumps towards the other rail, and a feedback loop cannot settle
//! half-way. A flip during Newton forces another iteration; the state is per accepted point
//! (`accept`/`reject`). With `vhys = 0` there is no state: the edge is a plain function.
//!
//! Rise/fall: `y` is an integrated state, `tau dy/dt = target - y`, with `tau = tr/ln 9` when
//! rising and `tf/ln 9` when falling (`tr`, `tf` are 10–90 % times of the exponential). The
//! state goes through [`Load::charge`], so the engine's integrator and truncation-error
//! control handle it like any charge. `tr = tf = 0`: `y` is the target itself.
//!
//! The output is marked as a spiking signal `v(out)` with threshold `(voh + vol)/2`.

use super::nlutil::{self, spec};
use super::{Accepted, Alloc, Device, Load, Mode, Setup, Slot, Unknown, GROUND};
use crate::devices::param::ParamSpec;
use crate::elab::{Flat, Instance};
use crate::error::{Error, Result};

const INF: f64 = f64::INFINITY;
const USAGE: &str = "Aname inp inn out model";

/// Comparator model parameters.
pub static MODEL_PARAMS: &[ParamSpec] = &[
    spec(
        "vth",
        &[],
        "V",
        0.0,
        -INF,
        INF,
        "input threshold (v(inp) - v(inn))",
    ),
    spec(
        "vhys",
        &[],
        "V",
        0.0,
        0.0,
        INF,
        "hysteresis width (switch up at vth+vhys/2)",
    ),
    spec("voh", &[], "V", 1.0, -INF, INF, "output high level"),
    spec("vol", &[], "V", 0.0, -INF, INF, "output low level"),
    spec(
        "gain",
        &[],
        "1",
        f64::NAN,
        1e-6,
        INF,
        "finite gain (linear edge)",
    ),
    spec(
        "width",
        &[],
        "V",
        1e-3,
        1e-12,
        INF,
        "input width of the tanh edge",
    ),
    spec("tr", &[], "s", 0.0, 0.0, INF, "10-90 % rise time"),
    spec(
        "tf",
        &[],
        "s",
        f64::NAN,
        0.0,
        INF,
        "10-90 % fall time (default tr)",
    ),
    spec("rout", &[], "ohm", 1.0, 1e-6, INF, "output resistance"),
];

/// The comparator's static transfer.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub vth: f64,
    pub vhys: f64,
    pub voh: f64,
    pub vol: f64,
    /// `Some(gain)`: linear edge; `None`: tanh edge of `width`.
    pub gain: Option<f64>,
    pub width: f64,
}

impl Transfer {
    /// The active threshold in state `high`.
    fn threshold(&self, high: bool) -> f64 {
        if high {
            self.vth - self.vhys / 2.0
        } else {
            self.vth + self.vhys / 2.0
        }
    }

    /// New state from `vd` and the previous state.
    pub fn state(&self, vd: f64, high: bool) -> bool {
        if self.vhys == 0.0 {
            return vd > self.vth;
        }
        if !high && vd > self.threshold(false) {
            true
        } else if high && vd < self.threshold(true) {
            false
        } else {
            high
        }
    }

    /// Target output and its derivative with respect to `vd`, in state `high`.
    pub fn target(&self, vd: f64, high: bool) -> (f64, f64) {
        let x = vd - self.threshold(high);
        let span = self.voh - self.vol;
        match self.gain {
            Some(g) => {
                let y = 0.5 * (self.voh + self.vol) + g * x;
                let (lo, hi) = (self.vol.min(self.voh), self.vol.max(self.voh));
                if y < lo || y > hi {
                    (y.clamp(lo, hi), 0.0)
                } else {
                    (y, g)
                }
            }
            None => {
                let t = (x / self.width).tanh();
                (
                    self.vol + span * 0.5 * (1.0 + t),
                    span * 0.5 * (1.0 - t * t) / self.width,
                )
            }
        }
    }
}

/// A behavioural comparator instance.
#[derive(Debug)]
pub struct Comparator {
    name: String,
    out_name: String,
    tf: Transfer,
    tau_r: f64,
    tau_f: f64,
    rout: f64,
    inp: Unknown,
    inn: Unknown,
    out: Unknown,
    y: Unknown,
    state: usize,
    high: bool,
    high_acc: bool,
    /// Slots: (out,out) (out,y) (y,y) (y,inp) (y,inn).
    s: [Slot; 5],
}

impl Comparator {
    /// Construct from an elaborated `A` line.
    pub fn boxed(inst: &Instance, flat: &Flat) -> Result<Box<dyn Device>> {
        nlutil::want_nodes(inst, 3, USAGE)?;
        let card = nlutil::model_of(inst, &["comparator"], USAGE)?;
        let v = nlutil::model_values(MODEL_PARAMS, card, "comparator")?;
        nlutil::instance_values(&[], inst, "comparator")?;
        if !inst.args.is_empty() {
            return Err(Error::at(
                inst.span.clone(),
                format!("unexpected arguments after the model of `{}`", inst.name),
                Some(format!("usage: {USAGE}")),
            ));
        }
        let mut linear = v.given[4];
        for (k, w, span) in &card.words {
            match (k.as_str(), w.to_ascii_lowercase().as_str()) {
                ("edge", "tanh") => linear = false,
                ("edge", "linear") => linear = true,
                _ => {
                    return Err(Error::at(
                        span.clone(),
                        format!(
                            "unknown setting `{k}={w}` for comparator model {}",
                            card.name
                        ),
                        Some("edge=tanh or edge=linear".into()),
                    ))
                }
            }
        }
        if linear && !v.given[4] {
            return Err(Error::at(
                card.span.clone(),
                format!("comparator model {} has edge=linear but no gain", card.name),
                Some("give gain=..., or use edge=tanh with width=...".into()),
            ));
        }
        if inst.nodes[2] == 0 {
            return Err(Error::at(
                inst.span.clone(),
                format!("the output of comparator `{}` is ground", inst.name),
                Some(format!("usage: {USAGE}")),
            ));
        }
        let ln9 = 9f64.ln();
        let tr = v.get(6);
        let tf = if v.given[7] { v.get(7) } else { tr };
        let u = |k: usize| nlutil::unknown_of(inst.nodes[k]);
        Ok(Box::new(Comparator {
            name: inst.name.clone(),
            out_name: nlutil::node_name(flat, inst.nodes[2]),
            tf: Transfer {
                vth: v.get(0),
                vhys: v.get(1),
                voh: v.get(2),
                vol: v.get(3),
                gain: linear.then(|| v.get(4)),
                width: v.get(5),
            },
            tau_r: tr / ln9,
            tau_f: tf / ln9,
            rout: v.get(8),
            inp: u(0),
            inn: u(1),
            out: u(2),
            y: GROUND,
            state: 0,
            high: false,
            high_acc: false,
            s: [Slot::NONE; 5],
        }))
    }

    fn dynamic(&self) -> bool {
        self.tau_r > 0.0 || self.tau_f > 0.0
    }
}

impl Device for Comparator {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Frozen("its output state at the operating point (the comparator is linearised around it; a hysteretic decision has no small-signal model)".into())
    }
    fn name(&self) -> &str {
        &self.name
    }

    fn allocate(&mut self, a: &mut Alloc) {
        self.y = a.internal_node(&format!("{}#y", self.name));
        self.state = a.states(1);
    }

    fn setup(&mut self, s: &mut Setup) -> Result<()> {
        let (o, y) = (self.out, self.y);
        self.s = [
            s.slot(o, o),
            s.slot(o, y),
            s.slot(y, y),
            s.slot(y, self.inp),
            s.slot(y, self.inn),
        ];
        Ok(())
    }

    fn load(&mut self, l: &mut Load) -> Result<()> {
        let vd = l.v(self.inp) - l.v(self.inn);
        let high = self.tf.state(vd, self.high);
        if high != self.high && !l.init_junction {
            l.set_noncon();
        }
        self.high = high;
        if l.mode != Mode::Tran {
            self.high_acc = high;
        }
        let (target, dt) = self.tf.target(vd, high);
        let y = l.v(self.y);
        // Row y: tau_ref dy/dt + (tau_ref/tau) (y - target) = 0, scaled to volts.
        let (k, gq, iq) = if self.dynamic() {
            let tau_ref = self.tau_r.max(self.tau_f);
            let tau = if target > y { self.tau_r } else { self.tau_f };
            let tau = tau.max(1e-3 * tau_ref);
            let (gq, iq) = l.charge(self.state, tau_ref * y, tau_ref);
            (tau_ref / tau, gq, iq)
        } else {
            (1.0, 0.0, 0.0)
        };
        let f = iq + k * (y - target);
        let dfy = gq + k;
        let dfd = -k * dt;
        l.add(self.s[2], dfy);
        l.add(self.s[3], dfd);
        l.add(self.s[4], -dfd);
        l.rhs(self.y, -(f - dfy * y - dfd * vd));
        // Output: (v(out) - y)/rout leaves `out`.
        let g = 1.0 / self.rout;
        l.add(self.s[0], g);
        l.add(self.s[1], -g);
        Ok(())
    }

    fn accept(&mut self, _a: &Accepted) {
        self.high_acc = self.high;
    }

    fn reject(&mut self) {
        self.high = self.high_acc;
    }

    fn spike_signals(&self) -> Vec<(String, f64)> {
        vec![(
            format!("v({})", self.out_name),
            0.5 * (self.tf.voh + self.tf.vol),
        )]
    }
}

#[cfg(test)]
mod tests;

//! Voltage-controlled switch (`S1 n+ n- nc+ nc- model`, `.model name sw(vt= vh= ron= roff=)`),
//! with ngspice's semantics: the switch is a resistor of `RON` or `ROFF`; it turns on when
//! the control voltage exceeds `VT + VH` and off below `VT - VH`, and keeps its last state in
//! between (hysteresis). The state is a per-point state: it is committed on
//! [`Device::accept`] and rolled back on [`Device::reject`]. A state change during Newton
//! forces one more iteration. Like ngspice (`swtrunc.c`), the step is cut while the control
//! voltage approaches the next switching level, so the switching instant is resolved.

use super::nlutil::{self, spec};
use super::{Accepted, Device, Load, Mode, Setup, Slot, Unknown, GROUND};
use crate::devices::param::ParamSpec;
use crate::elab::{Flat, Instance};
use crate::error::{Error, Result};

const INF: f64 = f64::INFINITY;
const USAGE: &str = "Sname n+ n- nc+ nc- model [on|off]";

/// Switch model parameters.
pub static MODEL_PARAMS: &[ParamSpec] = &[
    spec("vt", &[], "V", 0.0, -INF, INF, "threshold voltage"),
    spec(
        "vh",
        &[],
        "V",
        0.0,
        -INF,
        INF,
        "hysteresis voltage (half width)",
    ),
    spec("ron", &[], "ohm", 1.0, 1e-12, INF, "on resistance"),
    spec(
        "roff",
        &[],
        "ohm",
        f64::NAN,
        1e-12,
        INF,
        "off resistance (default 1/gmin = 1e12)",
    ),
];

/// A voltage-controlled switch.
#[derive(Debug)]
pub struct Switch {
    name: String,
    p: Unknown,
    n: Unknown,
    cp: Unknown,
    cn: Unknown,
    vt: f64,
    vh: f64,
    gon: f64,
    goff: f64,
    /// Initial state written on the line (`on`/`off`), ngspice's `zero_state`.
    zero_state: Option<bool>,
    /// State of the current iteration and of the last accepted point.
    trial: bool,
    acc: bool,
    /// Control voltage at the last two accepted points and the last accepted step.
    ctrl: f64,
    ctrl_prev: f64,
    dt_last: f64,
    s: [Slot; 4],
}

impl Switch {
    /// Construct from an elaborated `S` line.
    pub fn boxed(inst: &Instance, _flat: &Flat) -> Result<Box<dyn Device>> {
        Ok(Box::new(Self::build(inst)?))
    }

    fn build(inst: &Instance) -> Result<Self> {
        nlutil::want_nodes(inst, 4, USAGE)?;
        let card = nlutil::model_of(inst, &["sw"], USAGE)?;
        let v = nlutil::model_values(MODEL_PARAMS, card, "switch")?;
        nlutil::instance_values(&[], inst, "switch")?;
        let zero_state = match inst.args.as_slice() {
            [] => None,
            [crate::elab::Arg::Word(w)] if w == "on" => Some(true),
            [crate::elab::Arg::Word(w)] if w == "off" => Some(false),
            _ => {
                return Err(Error::at(
                    inst.span.clone(),
                    format!(
                        "unexpected arguments after the model of switch `{}`",
                        inst.name
                    ),
                    Some(format!("usage: {USAGE}")),
                ))
            }
        };
        let roff = if v.given[3] { v.get(3) } else { 1e12 };
        let u = |k: usize| nlutil::unknown_of(inst.nodes[k]);
        Ok(Switch {
            name: inst.name.clone(),
            p: u(0),
            n: u(1),
            cp: u(2),
            cn: u(3),
            vt: v.get(0),
            vh: v.get(1),
            gon: 1.0 / v.get(2),
            goff: 1.0 / roff,
            zero_state,
            trial: false,
            acc: false,
            ctrl: 0.0,
            ctrl_prev: 0.0,
            dt_last: 0.0,
            s: [Slot::NONE; 4],
        })
    }

    /// The switching decision for control voltage `vc` given the previous state.
    fn decide(&self, vc: f64, old: bool) -> bool {
        let (on, off) = if self.vh >= 0.0 {
            (self.vt + self.vh, self.vt - self.vh)
        } else {
            (self.vt - self.vh, self.vt + self.vh)
        };
        if vc > on {
            true
        } else if vc < off {
            false
        } else {
            old
        }
    }

    fn vctrl(&self, x: &[f64]) -> f64 {
        let v = |u: Unknown| if u == GROUND { 0.0 } else { x[u] };
        v(self.cp) - v(self.cn)
    }

    /// Whether the switch is on (current iteration).
    pub fn is_on(&self) -> bool {
        self.trial
    }
}

impl Device for Switch {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Frozen("its on/off state at the operating point (a switch has no small-signal model beyond its conductance)".into())
    }
    fn name(&self) -> &str {
        &self.name
    }

    fn setup(&mut self, s: &mut Setup) -> Result<()> {
        let (p, n) = (self.p, self.n);
        self.s = [s.slot(p, p), s.slot(p, n), s.slot(n, p), s.slot(n, n)];
        Ok(())
    }

    fn load(&mut self, l: &mut Load) -> Result<()> {
        let vc = self.vctrl(l.x);
        let state = if l.init_junction && l.mode != Mode::Tran {
            // ngspice MODEINITJCT: the `on`/`off` given on the line, else the threshold
            // decision from the off state.
            self.zero_state.unwrap_or_else(|| self.decide(vc, false))
        } else {
            self.decide(vc, self.trial)
        };
        if state != self.trial && !l.init_junction {
            l.set_noncon();
        }
        self.trial = state;
        if l.mode != Mode::Tran {
            self.acc = state;
        }
        let g = if state { self.gon } else { self.goff };
        l.add(self.s[0], g);
        l.add(self.s[1], -g);
        l.add(self.s[2], -g);
        l.add(self.s[3], g);
        Ok(())
    }

    fn accept(&mut self, a: &Accepted) {
        self.acc = self.trial;
        self.ctrl_prev = self.ctrl;
        self.ctrl = self.vctrl(a.x);
        self.dt_last = a.dt;
    }

    fn reject(&mut self) {
        self.trial = self.acc;
    }

    fn truncation_step(&self, _time: f64, _dt: f64) -> Option<f64> {
        // ngspice swtrunc.c: while the control voltage moves toward the next switching
        // level, do not step more than 3/4 of the remaining distance (plus 50 mV) at the
        // last rate.
        let change = self.ctrl - self.ctrl_prev;
        if self.dt_last <= 0.0 || change == 0.0 {
            return None;
        }
        let (lo, hi) = if self.vh >= 0.0 {
            (self.vt - self.vh, self.vt + self.vh)
        } else {
            (self.vt + self.vh, self.vt - self.vh)
        };
        let max_change = if !self.acc && self.ctrl < hi && change > 0.0 {
            (hi - self.ctrl) * 0.75 + 0.05
        } else if self.acc && self.ctrl > lo && change < 0.0 {
            (lo - self.ctrl) * 0.75 - 0.05
        } else {
            return None;
        };
        Some(max_change / change * self.dt_last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::devices::testutil::{inst, TLin, TVsrc, TestCkt};

    #[test]
    fn hysteresis_follows_ngspice_thresholds() {
        // Control ramps 0 → 2 → 0 V over 2 µs; vt = 1, vh = 0.25: on above 1.25 V on the way
        // up, off below 0.75 V on the way down. 1 V through 1 k into the switch: ~1 mV across
        // it when on (ron = 1), 0.999 V when off (roff = 1 M).
        let sw = Switch::boxed(
            &inst(
                "s1",
                &[2, 0, 3, 0],
                Some((
                    "sw",
                    &[("vt", 1.0), ("vh", 0.25), ("ron", 1.0), ("roff", 1e6)],
                )),
                &[],
            ),
            &Default::default(),
        )
        .expect("switch");
        let g = usize::MAX;
        let mut c = TestCkt::new(
            3,
            vec![
                TVsrc::boxed("vs", 0, g, &[(0.0, 1.0)]),
                TLin::r("r1", 0, 1, 1e3),
                TVsrc::boxed("vc", 2, g, &[(0.0, 0.0), (1e-6, 2.0), (2e-6, 0.0)]),
                sw,
            ],
        );
        let pts = c.tran(1e-9, 2e-6);
        let on = |x: &Vec<f64>| x[1] < 0.1;
        let t_on = pts.iter().find(|(_, x)| on(x)).map(|p| p.0).unwrap_or(-1.0);
        let t_off = pts
            .iter()
            .rev()
            .find(|(_, x)| on(x))
            .map(|p| p.0)
            .unwrap_or(-1.0);
        // Crossing 1.25 V at 0.625 µs and 0.75 V at 1.625 µs; on a 1 ns grid the first on
        // and the last on point are within one step of those instants.
        assert!((t_on - 0.6255e-6).abs() < 1e-9, "on at {t_on}");
        assert!((t_off - 1.6245e-6).abs() < 1e-9, "off after {t_off}");
        // Off: 1 V * 1e6/(1e6 + 1e3) = 0.999000999 V across the switch.
        assert!((pts[10].1[1] - 0.999_000_999).abs() < 1e-8);
    }
}

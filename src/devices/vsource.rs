//! V and I: independent sources `vname n+ n- [dc] value [pulse(...)|pwl(...)|sin(...)|exp(...)]`.
//!
//! A voltage source's branch current flows from `n+` through the source to `n-` (a source
//! delivering power has a negative current, as in ngspice). A current source's current
//! flows from `n+` through the source to `n-`, i.e. it is pushed into `n-`.
//!
//! Value used: in `.op`/`.dc` the DC value (or, without one, the time function at t = 0);
//! at the transient's operating point and time points the time function (or the DC value).
//! `ac mag [phase]` (phase in degrees, default 0) is the excitation of `.ac`; a source with
//! only an `ac` value has DC value 0, as in ngspice.

use super::args::{describe, err, expect_nodes, no_model, no_words, node};
use super::param::{resolve, ParamSpec};
use super::waveform::Waveform;
use super::{Alloc, Device, Load, Mode, Setup, Slot, Unknown};
use crate::elab::{Arg, Flat, Instance};

/// Parameters of V and I given as `key=value`.
pub static PARAMS: &[ParamSpec] = &[ParamSpec {
    name: "dc",
    aliases: &[],
    unit: "V or A",
    default: f64::NAN,
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
    desc: "DC value (also positional: `dc 1` or `1`); time functions pulse/pwl/sin/exp follow",
}];

/// Parsed value and time function of an independent source.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub dc: Option<f64>,
    pub wave: Option<Waveform>,
    /// `ac MAG [PHASE]`: magnitude and phase in degrees.
    pub ac: Option<(f64, f64)>,
}

impl SourceSpec {
    /// Parse the arguments of a V or I element.
    pub fn parse(inst: &Instance, usage: &str) -> crate::Result<SourceSpec> {
        no_words(inst)?;
        no_model(inst)?;
        let vals = resolve(PARAMS, &inst.params, &format!("`{}`", inst.name))?;
        let mut dc = if vals.given[0] {
            Some(vals.get(0))
        } else {
            None
        };
        let mut wave = None;
        let mut ac = None;
        let mut i = 0;
        let args = &inst.args;
        let dup = |what: &str| {
            err(
                inst,
                format!("`{}` gives its {what} twice", inst.name),
                Some(format!("usage: {usage}")),
            )
        };
        while i < args.len() {
            match &args[i] {
                Arg::Num(v) => {
                    if dc.is_some() {
                        return Err(dup("DC value"));
                    }
                    dc = Some(*v);
                    i += 1;
                }
                Arg::Word(w) if w == "dc" => match args.get(i + 1) {
                    Some(Arg::Num(v)) => {
                        if dc.is_some() {
                            return Err(dup("DC value"));
                        }
                        dc = Some(*v);
                        i += 2;
                    }
                    _ => {
                        return Err(err(
                            inst,
                            format!("`dc` of `{}` is not followed by a number", inst.name),
                            Some(format!("usage: {usage}")),
                        ))
                    }
                },
                Arg::Word(w) if w == "ac" => {
                    // `ac [mag [phase]]`: ngspice takes magnitude 1 when none is given.
                    if ac.is_some() {
                        return Err(dup("AC value"));
                    }
                    i += 1;
                    let mut mp = [1.0, 0.0];
                    for v in mp.iter_mut() {
                        if let Some(Arg::Num(x)) = args.get(i) {
                            *v = *x;
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    ac = Some((mp[0], mp[1]));
                }
                Arg::Word(w) if matches!(w.as_str(), "pulse" | "pwl" | "sin" | "exp") => {
                    // ngspice also accepts the function without parentheses.
                    let mut nums = Vec::new();
                    i += 1;
                    while let Some(Arg::Num(v)) = args.get(i) {
                        nums.push(*v);
                        i += 1;
                    }
                    if wave.is_some() {
                        return Err(dup("time function"));
                    }
                    wave = Some(Waveform::parse(w, &nums, &[], &inst.span)?);
                }
                Arg::Call {
                    name,
                    args: a,
                    params,
                } => {
                    if wave.is_some() {
                        return Err(dup("time function"));
                    }
                    wave = Some(Waveform::parse(name, a, params, &inst.span)?);
                    i += 1;
                }
                other => {
                    return Err(err(
                        inst,
                        format!(
                            "unexpected argument {} for `{}`",
                            describe(other),
                            inst.name
                        ),
                        Some(format!("usage: {usage}")),
                    ))
                }
            }
        }
        if dc.is_none() && wave.is_none() && ac.is_none() {
            return Err(err(
                inst,
                format!("`{}` has no value", inst.name),
                Some(format!("usage: {usage}")),
            ));
        }
        Ok(SourceSpec { dc, wave, ac })
    }

    /// Add the `ac` phasor to `row` (negated when `sign` < 0).
    pub fn ac_stimulus(&self, rhs: &mut super::AcRhs, row: Unknown, sign: f64) {
        let ac = if rhs.unit { Some((1.0, 0.0)) } else { self.ac };
        if let Some((mag, ph)) = ac {
            rhs.add(row, sign * mag, ph.to_radians());
        }
    }

    /// The source value for this load.
    #[inline]
    pub fn value(&self, mode: Mode, t: f64) -> f64 {
        match (mode, &self.wave, self.dc) {
            (Mode::Dc | Mode::Ac, _, Some(v)) => v,
            (Mode::Dc | Mode::Ac, Some(w), None) | (Mode::TranOp, Some(w), _) => w.value(0.0),
            (Mode::Tran, Some(w), _) => w.value(t),
            (_, None, Some(v)) => v,
            (_, None, None) => 0.0,
        }
    }

    /// The next corner of the time function after `t`.
    pub fn next_breakpoint(&self, t: f64) -> Option<f64> {
        self.wave.as_ref().and_then(|w| w.next_breakpoint(t))
    }

    /// Resolve transient defaults.
    pub fn begin_tran(&mut self, tstep: f64, tstop: f64) {
        if let Some(w) = &mut self.wave {
            w.resolve(tstep, tstop);
        }
    }
}

const USAGE: &str = "vname n+ n- [dc] value [pulse(...)|pwl(...)|sin(...)|exp(...)]";

/// An independent voltage source.
#[derive(Debug)]
pub struct VSource {
    name: String,
    a: Unknown,
    b: Unknown,
    br: Unknown,
    spec: SourceSpec,
    s: [Slot; 4],
}

/// Registry constructor.
pub fn build(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    expect_nodes(inst, 2, USAGE)?;
    Ok(Box::new(VSource {
        name: inst.name.clone(),
        a: node(inst.nodes[0]),
        b: node(inst.nodes[1]),
        br: 0,
        spec: SourceSpec::parse(inst, USAGE)?,
        s: [Slot::NONE; 4],
    }))
}

impl Device for VSource {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn allocate(&mut self, a: &mut Alloc) {
        self.br = a.branch(&self.name);
    }
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        self.s = [
            s.slot(self.a, self.br),
            s.slot(self.b, self.br),
            s.slot(self.br, self.a),
            s.slot(self.br, self.b),
        ];
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        l.add(self.s[0], 1.0);
        l.add(self.s[1], -1.0);
        l.add(self.s[2], 1.0);
        l.add(self.s[3], -1.0);
        let v = self.spec.value(l.mode, l.time) * l.src_factor;
        l.rhs(self.br, v);
        Ok(())
    }
    fn next_breakpoint(&self, t: f64) -> Option<f64> {
        self.spec.next_breakpoint(t)
    }
    fn set_sweep(&mut self, value: f64) -> bool {
        self.spec.dc = Some(value);
        true
    }
    fn is_linear(&self) -> bool {
        true
    }
    fn begin_tran(&mut self, tstep: f64, tstop: f64) {
        self.spec.begin_tran(tstep, tstop);
    }
    fn set_source(&mut self, dc: Option<f64>, wave: Option<Waveform>) -> bool {
        self.spec = SourceSpec {
            dc,
            wave,
            ac: self.spec.ac,
        };
        true
    }
    fn ac_stimulus(&self, rhs: &mut super::AcRhs) {
        self.spec.ac_stimulus(rhs, self.br, 1.0);
    }
}

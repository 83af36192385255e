//! Linear controlled sources, ngspice syntax:
//! - E (VCVS) `ename n+ n- nc+ nc- gain`: `v(n+,n-) = gain * v(nc+,nc-)`, with a branch current;
//! - G (VCCS) `gname n+ n- nc+ nc- gm`: current `gm * v(nc+,nc-)` from `n+` through the source to `n-`;
//! - F (CCCS) `fname n+ n- vname gain`: current `gain * i(vname)` from `n+` through the source to `n-`;
//! - H (CCVS) `hname n+ n- vname r`: `v(n+,n-) = r * i(vname)`, with a branch current.
//!
//! F and H find their controlling source's branch with [`Setup::branch_of`].

use super::args::{describe, err, expect_nodes, no_model, no_words, node};
use super::param::{resolve, ParamSpec};
use super::{Alloc, Device, Load, Setup, Slot, Unknown};
use crate::elab::{Arg, Flat, Instance};
use crate::error::{Error, Span};

const fn spec(
    name: &'static str,
    aliases: &'static [&'static str],
    unit: &'static str,
    desc: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        aliases,
        unit,
        default: f64::NAN,
        min: f64::NEG_INFINITY,
        max: f64::INFINITY,
        desc,
    }
}

/// Parameters of E.
pub static E_PARAMS: &[ParamSpec] = &[spec("gain", &[], "1", "voltage gain")];
/// Parameters of G.
pub static G_PARAMS: &[ParamSpec] = &[spec("gm", &["transconductance"], "S", "transconductance")];
/// Parameters of F.
pub static F_PARAMS: &[ParamSpec] = &[spec("gain", &[], "1", "current gain")];
/// Parameters of H.
pub static H_PARAMS: &[ParamSpec] = &[spec("r", &["transresistance"], "ohm", "transresistance")];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    E,
    G,
    F,
    H,
}

/// A linear controlled source.
#[derive(Debug)]
pub struct Controlled {
    name: String,
    kind: Kind,
    p: Unknown,
    n: Unknown,
    cp: Unknown,
    cn: Unknown,
    /// Controlling source name (F, H).
    ctl_name: String,
    ctl: Unknown,
    br: Unknown,
    k: f64,
    span: Span,
    s: [Slot; 6],
}

fn build_kind(inst: &Instance, kind: Kind) -> crate::Result<Box<dyn Device>> {
    let (table, usage) = match kind {
        Kind::E => (E_PARAMS, "ename n+ n- nc+ nc- gain"),
        Kind::G => (G_PARAMS, "gname n+ n- nc+ nc- gm"),
        Kind::F => (F_PARAMS, "fname n+ n- vname gain"),
        Kind::H => (H_PARAMS, "hname n+ n- vname r"),
    };
    no_words(inst)?;
    no_model(inst)?;
    let vals = resolve(table, &inst.params, &format!("`{}`", inst.name))?;
    let voltage_controlled = matches!(kind, Kind::E | Kind::G);
    expect_nodes(inst, if voltage_controlled { 4 } else { 2 }, usage)?;
    let mut args = inst.args.iter();
    let mut ctl_name = String::new();
    if !voltage_controlled {
        match args.next() {
            Some(Arg::Word(w)) => ctl_name = w.to_ascii_lowercase(),
            _ => {
                return Err(err(
                    inst,
                    format!(
                        "`{}` needs the name of its controlling voltage source",
                        inst.name
                    ),
                    Some(format!("usage: {usage}")),
                ))
            }
        }
    }
    let mut k = if vals.given[0] {
        Some(vals.get(0))
    } else {
        None
    };
    for a in args {
        match a {
            Arg::Num(v) if k.is_none() => k = Some(*v),
            other => {
                let help = if matches!(other, Arg::Word(w) if w == "poly" || w == "value" || w == "vol" || w == "cur")
                {
                    "polynomial and expression forms are not supported here: use a B source (`bname n+ n- v={...}`)".to_string()
                } else {
                    format!("usage: {usage}")
                };
                return Err(err(
                    inst,
                    format!(
                        "unexpected argument {} for `{}`",
                        describe(other),
                        inst.name
                    ),
                    Some(help),
                ));
            }
        }
    }
    let Some(k) = k.filter(|v| v.is_finite()) else {
        return Err(err(
            inst,
            format!("`{}` has no (finite) {}", inst.name, table[0].desc),
            Some(format!("usage: {usage}")),
        ));
    };
    let nd = |i: usize| inst.nodes.get(i).map(|&n| node(n)).unwrap_or(super::GROUND);
    Ok(Box::new(Controlled {
        name: inst.name.clone(),
        kind,
        p: nd(0),
        n: nd(1),
        cp: if voltage_controlled {
            nd(2)
        } else {
            super::GROUND
        },
        cn: if voltage_controlled {
            nd(3)
        } else {
            super::GROUND
        },
        ctl_name,
        ctl: 0,
        br: 0,
        k,
        span: inst.span.clone(),
        s: [Slot::NONE; 6],
    }))
}

/// Registry constructor for E.
pub fn build_e(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    build_kind(inst, Kind::E)
}
/// Registry constructor for G.
pub fn build_g(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    build_kind(inst, Kind::G)
}
/// Registry constructor for F.
pub fn build_f(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    build_kind(inst, Kind::F)
}
/// Registry constructor for H.
pub fn build_h(inst: &Instance, _flat: &Flat) -> crate::Result<Box<dyn Device>> {
    build_kind(inst, Kind::H)
}

impl Device for Controlled {
    fn small_signal(&self) -> super::SmallSignal {
        super::SmallSignal::Linearised
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn allocate(&mut self, a: &mut Alloc) {
        if matches!(self.kind, Kind::E | Kind::H) {
            self.br = a.branch(&self.name);
        }
    }
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        if matches!(self.kind, Kind::F | Kind::H) {
            self.ctl = s.branch_of(&self.ctl_name).ok_or_else(|| {
                Error::at(
                    self.span.clone(),
                    format!(
                        "`{}` is controlled by `{}`, which is not a voltage source of this circuit",
                        self.name, self.ctl_name
                    ),
                    Some("F and H elements name a voltage source (a 0 V source can serve as an ammeter)".into()),
                )
            })?;
        }
        let (p, n, br) = (self.p, self.n, self.br);
        self.s = match self.kind {
            Kind::E => [
                s.slot(p, br),
                s.slot(n, br),
                s.slot(br, p),
                s.slot(br, n),
                s.slot(br, self.cp),
                s.slot(br, self.cn),
            ],
            Kind::G => [
                s.slot(p, self.cp),
                s.slot(p, self.cn),
                s.slot(n, self.cp),
                s.slot(n, self.cn),
                Slot::NONE,
                Slot::NONE,
            ],
            Kind::F => [
                s.slot(p, self.ctl),
                s.slot(n, self.ctl),
                Slot::NONE,
                Slot::NONE,
                Slot::NONE,
                Slot::NONE,
            ],
            Kind::H => [
                s.slot(p, br),
                s.slot(n, br),
                s.slot(br, p),
                s.slot(br, n),
                s.slot(br, self.ctl),
                Slot::NONE,
            ],
        };
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        let k = self.k;
        let s = self.s;
        match self.kind {
            Kind::E => {
                l.add(s[0], 1.0);
                l.add(s[1], -1.0);
                l.add(s[2], 1.0);
                l.add(s[3], -1.0);
                l.add(s[4], -k);
                l.add(s[5], k);
            }
            Kind::G => {
                l.add(s[0], k);
                l.add(s[1], -k);
                l.add(s[2], -k);
                l.add(s[3], k);
            }
            Kind::F => {
                l.add(s[0], k);
                l.add(s[1], -k);
            }
            Kind::H => {
                l.add(s[0], 1.0);
                l.add(s[1], -1.0);
                l.add(s[2], 1.0);
                l.add(s[3], -1.0);
                l.add(s[4], -k);
            }
        }
        Ok(())
    }
    fn is_linear(&self) -> bool {
        true
    }
}

//! The device registry: one table row per element letter, one per model-card type.
//!
//! Adding a device = its file + one row here. An instance whose `.model` card has a type
//! listed in [`MODELS`] is built by that row's constructor (diode `d`, `nmos`/`pmos`, `sw`,
//! ...); every other instance by its letter's row in [`DEVICES`].

use super::param::{render, ParamSpec};
use super::{bsource, capacitor, controlled, inductor, isource, resistor, vsource, Device};
use crate::elab::{Flat, Instance};
use crate::error::Error;

/// Builds a device from its flattened instance.
pub type Ctor = fn(&Instance, &Flat) -> crate::Result<Box<dyn Device>>;

/// A device class selected by its element letter.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub letter: char,
    /// What it is, for listings ("resistor").
    pub name: &'static str,
    /// Element-line syntax.
    pub usage: &'static str,
    pub ctor: Ctor,
    /// Instance parameters (`key=value` on the element line).
    pub params: &'static [ParamSpec],
}

/// A device class selected by the type of its `.model` card.
#[derive(Debug, Clone, Copy)]
pub struct ModelEntry {
    /// Model type as written on the `.model` line, lower case (`d`, `nmos`, `sw`).
    pub kind: &'static str,
    /// Element letters that may use it.
    pub letters: &'static [char],
    pub name: &'static str,
    pub ctor: Ctor,
    /// Model-card parameters.
    pub params: &'static [ParamSpec],
}

/// Devices by letter.
pub static DEVICES: &[Entry] = &[
    Entry { letter: 'r', name: "resistor", usage: "rname n+ n- value", ctor: resistor::build, params: resistor::PARAMS },
    Entry { letter: 'c', name: "capacitor", usage: "cname n+ n- value [ic=v]", ctor: capacitor::build, params: capacitor::PARAMS },
    Entry { letter: 'l', name: "inductor", usage: "lname n+ n- value [ic=i]", ctor: inductor::build, params: inductor::PARAMS },
    Entry { letter: 'v', name: "voltage source", usage: "vname n+ n- [dc] value [pulse(v1 v2 td tr tf pw per)|pwl(t1 v1 ...) [r=t] [td=t]|sin(vo va freq td theta phase)|exp(v1 v2 td1 tau1 td2 tau2)]", ctor: vsource::build, params: vsource::PARAMS },
    Entry { letter: 'i', name: "current source", usage: "iname n+ n- [dc] value [pulse(...)|pwl(...)|sin(...)|exp(...)]", ctor: isource::build, params: isource::PARAMS },
    Entry { letter: 'e', name: "voltage-controlled voltage source", usage: "ename n+ n- nc+ nc- gain", ctor: controlled::build_e, params: controlled::E_PARAMS },
    Entry { letter: 'g', name: "voltage-controlled current source", usage: "gname n+ n- nc+ nc- gm", ctor: controlled::build_g, params: controlled::G_PARAMS },
    Entry { letter: 'f', name: "current-controlled current source", usage: "fname n+ n- vname gain", ctor: controlled::build_f, params: controlled::F_PARAMS },
    Entry { letter: 'h', name: "current-controlled voltage source", usage: "hname n+ n- vname r", ctor: controlled::build_h, params: controlled::H_PARAMS },
    Entry { letter: 'b', name: "behavioural source", usage: "bname n+ n- v={expr} | i={expr}", ctor: bsource::BSource::boxed, params: &[] },
];

/// Devices by model-card type.
pub static MODELS: &[ModelEntry] = &[
    ModelEntry {
        kind: "d",
        letters: &['d'],
        name: "diode",
        ctor: super::diode::Diode::boxed,
        params: super::diode::MODEL_PARAMS,
    },
    ModelEntry {
        kind: "nmos",
        letters: &['m'],
        name: "level-1 NMOS",
        ctor: super::mos1::Mos1::boxed,
        params: super::mos1::MODEL_PARAMS,
    },
    ModelEntry {
        kind: "pmos",
        letters: &['m'],
        name: "level-1 PMOS",
        ctor: super::mos1::Mos1::boxed,
        params: super::mos1::MODEL_PARAMS,
    },
    ModelEntry {
        kind: "sw",
        letters: &['s'],
        name: "voltage-controlled switch",
        ctor: super::switch::Switch::boxed,
        params: super::switch::MODEL_PARAMS,
    },
    ModelEntry {
        kind: "comparator",
        letters: &['a'],
        name: "behavioural comparator",
        ctor: super::comparator::Comparator::boxed,
        params: super::comparator::MODEL_PARAMS,
    },
    ModelEntry {
        kind: "mtj",
        letters: &['n'],
        name: "magnetic tunnel junction (Eq. 2 / Eq. 7)",
        ctor: super::mtj::build,
        params: super::mtj::MTJ_PARAMS,
    },
    ModelEntry {
        kind: "racetrack",
        letters: &['n'],
        name: "soliton racetrack neuron (T1 T2 heavy metal, T3 T4 MTJ)",
        ctor: super::racetrack::build,
        params: super::racetrack::TRACK_PARAMS,
    },
];

fn letters() -> String {
    DEVICES
        .iter()
        .map(|e| format!("{} ({})", e.letter.to_ascii_uppercase(), e.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Build one device.
pub fn build_one(inst: &Instance, flat: &Flat) -> crate::Result<Box<dyn Device>> {
    if let Some(card) = &inst.model {
        if let Some(m) = MODELS.iter().find(|m| m.kind == card.kind) {
            if !m.letters.contains(&inst.letter) {
                return Err(Error::at(
                    inst.span.clone(),
                    format!(
                        "model `{}` is a {} model (type `{}`), which `{}` cannot use",
                        card.name, m.name, card.kind, inst.name
                    ),
                    Some(format!(
                        "type `{}` serves elements {}",
                        card.kind,
                        m.letters
                            .iter()
                            .map(|c| c.to_ascii_uppercase().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                ));
            }
            return (m.ctor)(inst, flat);
        }
        if !DEVICES.iter().any(|e| e.letter == inst.letter) {
            let kinds: Vec<&str> = MODELS.iter().map(|m| m.kind).collect();
            return Err(Error::at(
                card.span.clone(),
                format!("unknown model type `{}` (model `{}`)", card.kind, card.name),
                Some(if kinds.is_empty() {
                    "no model types are registered".into()
                } else {
                    format!("valid model types: {}", kinds.join(", "))
                }),
            ));
        }
    }
    match DEVICES.iter().find(|e| e.letter == inst.letter) {
        Some(e) => (e.ctor)(inst, flat),
        None => Err(Error::at(
            inst.span.clone(),
            format!(
                "unknown element `{}`: no device has letter `{}`",
                inst.name,
                inst.letter.to_ascii_uppercase()
            ),
            Some(format!("valid elements: {}, X (subcircuit)", letters())),
        )),
    }
}

/// Build every device of `flat`, in netlist order.
pub fn build(flat: &Flat) -> crate::Result<Vec<Box<dyn Device>>> {
    flat.instances.iter().map(|i| build_one(i, flat)).collect()
}

/// The parameter listing of `name`: an element letter (`r`, `v`) or a model type (`d`,
/// `nmos`); `None` when nothing has that name.
pub fn describe(name: &str) -> Option<String> {
    let n = name.to_ascii_lowercase();
    let mut out = String::new();
    if let Some(m) = MODELS.iter().find(|m| m.kind == n) {
        out.push_str(&render(
            &format!(
                "model type `{}`: {} (.model NAME {} (...))",
                m.kind, m.name, m.kind
            ),
            m.params,
        ));
    }
    let mut chars = n.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if let Some(e) = DEVICES.iter().find(|e| e.letter == c) {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&render(
                &format!(
                    "{}: {}\nusage: {}",
                    e.letter.to_ascii_uppercase(),
                    e.name,
                    e.usage
                ),
                e.params,
            ));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Every name [`describe`] knows.
pub fn known_names() -> Vec<String> {
    DEVICES
        .iter()
        .map(|e| e.letter.to_string())
        .chain(MODELS.iter().map(|m| m.kind.to_string()))
        .collect()
}

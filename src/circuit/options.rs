//! Simulator options (`.options`), with SPICE3's names and defaults.

use crate::elab::{Arg, OptionEntry};
use crate::error::Error;

/// The integration method of `.tran`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Trapezoidal rule (default), backward Euler on the first step and after breakpoints.
    Trap,
    /// Variable-step second-order Gear (BDF2).
    Gear,
}

/// Solver options.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Relative tolerance (SPICE3 default 1e-3).
    pub reltol: f64,
    /// Absolute current tolerance in A (1e-12).
    pub abstol: f64,
    /// Absolute voltage tolerance in V (1e-6).
    pub vntol: f64,
    /// Charge tolerance in C for the truncation-error estimate (1e-14).
    pub chgtol: f64,
    /// Truncation-error overestimation factor (7).
    pub trtol: f64,
    /// Integration method.
    pub method: Method,
    /// Largest time step (0: from the `.tran` line).
    pub maxstep: f64,
    /// Newton iteration cap at DC (100).
    pub itl1: usize,
    /// Newton iteration cap per `.dc` sweep point (50).
    pub itl2: usize,
    /// Newton iteration cap per time point (10).
    pub itl4: usize,
    /// Minimum conductance across junctions (1e-12 S).
    pub gmin: f64,
    /// Nodes marked as spiking outputs (`.options spikes=node`, repeatable): their rising
    /// crossings of [`Options::spikevth`] are reported like a comparator device's output
    /// (for transistor-level comparators, which no device marks).
    pub spikes: Vec<String>,
    /// Threshold of the `spikes` nodes (V; default 0.9 V, half the 1.8 V swing of the
    /// project's comparators).
    pub spikevth: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            reltol: 1e-3,
            abstol: 1e-12,
            vntol: 1e-6,
            chgtol: 1e-14,
            trtol: 7.0,
            method: Method::Trap,
            maxstep: 0.0,
            itl1: 100,
            itl2: 50,
            itl4: 10,
            gmin: 1e-12,
            spikes: Vec::new(),
            spikevth: 0.9,
        }
    }
}

const NAMES: &[&str] = &[
    "reltol", "abstol", "vntol", "chgtol", "trtol", "method", "maxstep", "itl1", "itl2", "itl4",
    "gmin", "spikes", "spikevth",
];

impl Options {
    /// Apply `.options` entries in order (later ones win). Unknown names and bad values are
    /// errors.
    pub fn from_entries(entries: &[OptionEntry]) -> crate::Result<Options> {
        let mut o = Options::default();
        for e in entries {
            let name = e.name.to_ascii_lowercase();
            let bad = |what: &str| {
                Error::at(
                    e.span.clone(),
                    format!("bad value for option `{name}`: {what}"),
                    None,
                )
            };
            if name == "method" {
                match &e.value {
                    Arg::Word(w)
                        if w.eq_ignore_ascii_case("trap")
                            || w.eq_ignore_ascii_case("trapezoidal") =>
                    {
                        o.method = Method::Trap
                    }
                    Arg::Word(w) if w.eq_ignore_ascii_case("gear") => o.method = Method::Gear,
                    _ => return Err(bad("expected `trap` or `gear`")),
                }
                continue;
            }
            if name == "spikes" {
                match &e.value {
                    Arg::Word(w) => o.spikes.push(w.to_ascii_lowercase()),
                    _ => return Err(bad("expected a node name")),
                }
                continue;
            }
            if name == "seed" {
                continue; // applied at elaboration (the random functions' generator)
            }
            if !NAMES.contains(&name.as_str()) {
                return Err(Error::at(
                    e.span.clone(),
                    format!("unknown option `{name}`"),
                    Some(format!("valid options: {}", NAMES.join(", "))),
                ));
            }
            let Arg::Num(v) = e.value else {
                return Err(bad("expected a number"));
            };
            let positive = v > 0.0 && v.is_finite();
            match name.as_str() {
                "reltol" if positive && v < 1.0 => o.reltol = v,
                "abstol" if positive => o.abstol = v,
                "vntol" if positive => o.vntol = v,
                "chgtol" if positive => o.chgtol = v,
                "trtol" if positive => o.trtol = v,
                "maxstep" if positive => o.maxstep = v,
                "gmin" if v >= 0.0 && v.is_finite() => o.gmin = v,
                "spikevth" if v.is_finite() => o.spikevth = v,
                "itl1" | "itl2" | "itl4" if (1.0..=1e6).contains(&v) && v.fract() == 0.0 => {
                    let n = v as usize;
                    match name.as_str() {
                        "itl1" => o.itl1 = n,
                        "itl2" => o.itl2 = n,
                        _ => o.itl4 = n,
                    }
                }
                _ => return Err(bad(&format!("{v} is out of range"))),
            }
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Span;

    fn entry(name: &str, value: Arg) -> OptionEntry {
        OptionEntry {
            name: name.into(),
            value,
            span: Span::default(),
        }
    }

    #[test]
    fn defaults_and_overrides() {
        let o = Options::from_entries(&[
            entry("reltol", Arg::Num(1e-4)),
            entry("method", Arg::Word("gear".into())),
            entry("itl4", Arg::Num(20.0)),
        ])
        .unwrap();
        assert_eq!(o.reltol, 1e-4);
        assert_eq!(o.method, Method::Gear);
        assert_eq!(o.itl4, 20);
        assert_eq!(o.abstol, 1e-12);
        assert_eq!(o.trtol, 7.0);
        assert!(o.spikes.is_empty());
    }

    #[test]
    fn spike_nodes() {
        let o = Options::from_entries(&[
            entry("spikes", Arg::Word("Spike".into())),
            entry("spikes", Arg::Word("s2".into())),
            entry("spikevth", Arg::Num(0.5)),
        ])
        .unwrap();
        assert_eq!(o.spikes, vec!["spike".to_string(), "s2".to_string()]);
        assert_eq!(o.spikevth, 0.5);
        let e = Options::from_entries(&[entry("spikes", Arg::Num(1.0))]).unwrap_err();
        assert!(e.to_string().contains("expected a node name"), "{e}");
    }

    #[test]
    fn unknown_option_lists_valid_ones() {
        let e = Options::from_entries(&[entry("bogus", Arg::Num(1.0))]).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("unknown option `bogus`"), "{s}");
        assert!(s.contains("valid options: reltol, abstol"), "{s}");
        let e = Options::from_entries(&[entry("reltol", Arg::Num(-1.0))]).unwrap_err();
        assert!(e.to_string().contains("bad value for option `reltol`"));
    }
}

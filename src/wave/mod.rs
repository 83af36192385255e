//! Waveforms and the files people read them with.
//!
//! [`Waveforms`] is what every analysis returns: one scale (time, or the swept value) and
//! named signals in ngspice's naming (`v(out)`, `i(v1)`, subcircuit nodes `v(x1.n1)`).
//! Writers: ngspice raw (ASCII and binary), CSV, mumax3-style table, OVF 2.0, SVG, and the
//! snapshot text format for `insta`. Every file is written atomically (temp file + rename).

pub mod atomic;
pub mod compare;
pub mod csv;
pub mod meas;
mod measure;
pub mod num;
pub mod ovf;
pub mod raw;
pub mod snapshot;
pub mod svg;
pub mod table;

pub use atomic::{write_atomic, AtomicWriter};
pub use measure::{crossings, crossings_both, crossings_edges, crossings_falling, interp, Edge};

/// Plot name of `.noise`'s spectra, as ngspice's raw files write it.
pub const NOISE_SPECTRUM_PLOT: &str = "Noise Spectral Density Curves";
/// Plot name of `.noise`'s integrated totals.
pub const NOISE_INTEGRATED_PLOT: &str = "Integrated Noise";

/// The physical kind of a signal (raw files need it; headers show it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Time,
    Voltage,
    Current,
    /// Anything else, with its SI unit as written in headers (e.g. "m", "ohm", "1").
    Other(String),
}

impl Unit {
    /// SI unit symbol.
    pub fn symbol(&self) -> &str {
        match self {
            Unit::Time => "s",
            Unit::Voltage => "V",
            Unit::Current => "A",
            Unit::Other(s) => s,
        }
    }

    /// The unit ngspice's naming implies: `time` is time, `v(..)` (and `v-sweep`) a
    /// voltage, `i(..)` (and `i-sweep`, `x#branch`) a current; anything else is
    /// dimensionless (`Other("")`).
    pub fn from_name(name: &str) -> Unit {
        let n = name.trim().to_ascii_lowercase();
        if n == "time" {
            Unit::Time
        } else if n.starts_with("v(") || n == "v-sweep" {
            Unit::Voltage
        } else if n.starts_with("i(") || n == "i-sweep" || n.ends_with("#branch") {
            Unit::Current
        } else {
            Unit::Other(String::new())
        }
    }
}

/// The five column names of complex signal `name` (see the module docs), real part first.
pub fn complex_columns(name: &str) -> [String; 5] {
    match split_call(name) {
        Some((kind @ ("v" | "i"), arg)) => {
            ["r", "i", "m", "p", "db"].map(|suffix| format!("{kind}{suffix}({arg})"))
        }
        _ => ["real", "imag", "mag", "ph", "db"].map(|f| format!("{f}({name})")),
    }
}

/// `f(arg)` → `(f, arg)`.
pub(crate) fn split_call(name: &str) -> Option<(&str, &str)> {
    let open = name.find('(')?;
    let arg = name[open + 1..].strip_suffix(')')?;
    Some((&name[..open], arg))
}

/// One named signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// ngspice-style name, lower case: `time`, `v(out)`, `i(v1)`, `v-sweep`.
    pub name: String,
    pub unit: Unit,
    /// The values, or the real parts of a complex signal.
    pub values: Vec<f64>,
    /// The imaginary parts of a complex signal (`.ac`), one per value; empty for a real
    /// signal.
    pub imag: Vec<f64>,
}

/// The result of one analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Waveforms {
    /// The netlist title line.
    pub title: String,
    /// Analysis name as ngspice's raw files write it: "Transient Analysis",
    /// "DC transfer characteristic", "Operating Point".
    pub plotname: String,
    /// The independent variable (time, or the swept source value); its `values` give the
    /// points.
    pub scale: Signal,
    /// Every saved signal, each with one value per scale point.
    pub signals: Vec<Signal>,
}

impl Signal {
    /// A signal whose unit follows from its ngspice name (see [`Unit::from_name`]).
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Signal {
        let name = name.into().to_ascii_lowercase();
        let unit = Unit::from_name(&name);
        Signal {
            name,
            unit,
            values,
            imag: Vec::new(),
        }
    }

    /// A complex signal from its real and imaginary parts (unit from its name).
    pub fn complex(name: impl Into<String>, re: Vec<f64>, im: Vec<f64>) -> Signal {
        let mut s = Signal::new(name, re);
        s.imag = im;
        s
    }

    /// True for a complex signal (an `.ac` result).
    pub fn is_complex(&self) -> bool {
        !self.imag.is_empty()
    }

    /// Magnitude of point `i` (the absolute value of a real signal).
    pub fn magnitude(&self, i: usize) -> f64 {
        let re = self.values[i];
        match self.imag.get(i) {
            Some(im) => re.hypot(*im),
            None => re.abs(),
        }
    }

    /// Phase of point `i` in radians (ngspice's `ph()`/`vp()` unit); 0 or pi for a real
    /// signal.
    pub fn phase(&self, i: usize) -> f64 {
        self.imag
            .get(i)
            .copied()
            .unwrap_or(0.0)
            .atan2(self.values[i])
    }
}

impl Waveforms {
    /// The signal called `name` (case-insensitive), or the scale itself.
    pub fn get(&self, name: &str) -> Option<&Signal> {
        let n = name.to_ascii_lowercase();
        if self.scale.name == n {
            return Some(&self.scale);
        }
        self.signals.iter().find(|s| s.name == n)
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.scale.values.len()
    }

    /// Check that every signal has one value per scale point and that names are unique.
    pub fn validate(&self) -> crate::Result<()> {
        let n = self.scale.values.len();
        let mut seen = std::collections::HashSet::new();
        seen.insert(self.scale.name.as_str());
        for s in &self.signals {
            if s.values.len() != n || (s.is_complex() && s.imag.len() != n) {
                return Err(crate::Error::Usage(format!(
                    "signal {} has {} values but the scale {} has {n} points",
                    s.name,
                    s.values.len(),
                    self.scale.name
                )));
            }
            if !seen.insert(s.name.as_str()) {
                return Err(crate::Error::Usage(format!(
                    "signal {} appears twice in plot \"{}\"",
                    s.name, self.plotname
                )));
            }
        }
        Ok(())
    }

    /// True when some signal (or the scale) is complex: an `.ac` plot.
    pub fn is_complex(&self) -> bool {
        self.scale.is_complex() || self.signals.iter().any(Signal::is_complex)
    }

    /// This plot with every complex signal replaced by five real ones, named as ngspice's
    /// vector functions name them (see [`complex_columns`]): real part, imaginary part,
    /// magnitude, phase in radians (ngspice's `vp()` unit) and `20·log10|x|` (dB).
    pub fn expand_complex(&self) -> Waveforms {
        let mut signals = Vec::with_capacity(self.signals.len());
        for s in &self.signals {
            if !s.is_complex() {
                signals.push(s.clone());
                continue;
            }
            let n = s.values.len();
            let mag: Vec<f64> = (0..n).map(|i| s.magnitude(i)).collect();
            let parts = [
                s.values.clone(),
                s.imag.clone(),
                mag.clone(),
                (0..n).map(|i| s.phase(i)).collect(),
                mag.iter().map(|m| 20.0 * m.log10()).collect(),
            ];
            for (name, values) in complex_columns(&s.name).into_iter().zip(parts) {
                let mut p = Signal::new(name, values);
                p.unit = match p.name.as_str() {
                    n if n.starts_with("vp(") || n.starts_with("ip(") || n.starts_with("ph(") => {
                        Unit::Other("rad".into())
                    }
                    n if n.contains("db(") => Unit::Other("dB".into()),
                    _ => s.unit.clone(),
                };
                signals.push(p);
            }
        }
        Waveforms {
            title: self.title.clone(),
            plotname: self.plotname.clone(),
            scale: Signal {
                imag: Vec::new(),
                ..self.scale.clone()
            },
            signals,
        }
    }

    /// True when no point was recorded.
    pub fn is_empty(&self) -> bool {
        self.scale.values.is_empty()
    }
}

//! Waveforms and the files people read them with.
//!
//! [`Waveforms`] is what every analysis returns: one scale (time, or the swept value) and
//! named signals in ngspice's naming (`v(out)`, `i(v1)`, subcircuit nodes `v(x1.n1)`).
//! Writers: ngspice raw (ASCII and binary), CSV, mumax3-style table, OVF 2.0, SVG, and the
//! snapshot text format for `insta`. Every file is written atomically (temp file + rename).

pub mod ovf;

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
}

/// One named signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// ngspice-style name, lower case: `time`, `v(out)`, `i(v1)`, `v-sweep`.
    pub name: String,
    pub unit: Unit,
    pub values: Vec<f64>,
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

    /// True when no point was recorded.
    pub fn is_empty(&self) -> bool {
        self.scale.values.is_empty()
    }
}

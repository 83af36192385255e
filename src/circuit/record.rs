//! Output recording: which signals are saved and their values at each output point.

use super::newton::{Engine, UnknownKind};
use super::value_of;
use crate::devices::GROUND;
use crate::error::Error;
use crate::wave::{Signal, Unit, Waveforms};

#[derive(Debug, Clone)]
enum Probe {
    Unknown(usize),
    Diff(usize, usize),
    /// Device index, index among that device's outputs.
    Device(usize, usize),
}

/// Collects the saved signals point by point.
#[derive(Debug)]
pub(crate) struct Recorder {
    probes: Vec<Probe>,
    names: Vec<(String, Unit)>,
    columns: Vec<Vec<f64>>,
    scale: Vec<f64>,
    /// Per device: offset of its outputs in `dev_vals`, and how many.
    dev_range: Vec<(usize, usize)>,
    dev_vals: Vec<f64>,
    buf: Vec<f64>,
    any_device: bool,
}

impl Recorder {
    /// The signals to save: `saves` (ngspice names) or, when empty or when it holds `all`,
    /// every unknown then every device output (then the other names of `saves`).
    pub fn new(eng: &Engine, saves: &[String]) -> crate::Result<Recorder> {
        let mut dev_range = Vec::with_capacity(eng.devices.len());
        let mut dev_names = Vec::new();
        for (k, d) in eng.devices.iter().enumerate() {
            let outs = d.outputs();
            dev_range.push((dev_names.len(), outs.len()));
            for (j, (name, unit)) in outs.into_iter().enumerate() {
                dev_names.push((name.to_ascii_lowercase(), unit, k, j));
            }
        }
        let mut probes = Vec::new();
        let mut names = Vec::new();
        let unit_of = |u: usize| match eng.kinds[u] {
            UnknownKind::Node => Unit::Voltage,
            UnknownKind::Branch => Unit::Current,
        };
        // `.save all` (or no `.save`): everything, then whatever else is named.
        if saves.is_empty() || saves.iter().any(|s| s == "all") {
            for u in 0..eng.n() {
                probes.push(Probe::Unknown(u));
                names.push((eng.signal_name(u), unit_of(u)));
            }
            for (name, unit, k, j) in &dev_names {
                probes.push(Probe::Device(*k, *j));
                names.push((name.clone(), unit.clone()));
            }
        }
        {
            for s in saves.iter().filter(|s| *s != "all") {
                let s = s.to_ascii_lowercase();
                let s = s.replace(' ', "");
                if let Some(p) = dev_names.iter().find(|d| d.0 == s) {
                    if names.iter().any(|(n, _)| *n == s) {
                        continue;
                    }
                    probes.push(Probe::Device(p.2, p.3));
                    names.push((s.clone(), p.1.clone()));
                    continue;
                }
                let find = |name: &str, kind: UnknownKind| -> Option<usize> {
                    if kind == UnknownKind::Node && (name == "0" || name == "gnd") {
                        return Some(GROUND);
                    }
                    (0..eng.n()).find(|&u| eng.kinds[u] == kind && eng.names[u] == name)
                };
                let inner = |p: &str| p.strip_suffix(')').map(str::to_string);
                let probe = if let Some(body) = s.strip_prefix("v(").and_then(inner) {
                    let parts: Vec<&str> = body.split(',').collect();
                    match parts.as_slice() {
                        [a] => find(a, UnknownKind::Node).map(Probe::Unknown),
                        [a, b] => match (find(a, UnknownKind::Node), find(b, UnknownKind::Node)) {
                            (Some(a), Some(b)) => Some(Probe::Diff(a, b)),
                            _ => None,
                        },
                        _ => None,
                    }
                } else if let Some(body) = s.strip_prefix("i(").and_then(inner) {
                    find(&body, UnknownKind::Branch).map(Probe::Unknown)
                } else {
                    find(&s, UnknownKind::Node).map(Probe::Unknown)
                };
                let Some(probe) = probe else {
                    return Err(Error::Usage(format!(
                        "`.save` names `{s}`, which is not a node voltage, branch current or device output of this circuit"
                    )));
                };
                let unit = match &probe {
                    Probe::Unknown(u) if *u != GROUND => unit_of(*u),
                    _ => Unit::Voltage,
                };
                let name = match &probe {
                    Probe::Unknown(u) if *u != GROUND => eng.signal_name(*u),
                    _ => s.clone(),
                };
                if names.iter().any(|(n, _)| *n == name) {
                    continue;
                }
                probes.push(probe);
                names.push((name, unit));
            }
        }
        let any_device = probes.iter().any(|p| matches!(p, Probe::Device(..)));
        let n = names.len();
        Ok(Recorder {
            probes,
            names,
            columns: vec![Vec::new(); n],
            scale: Vec::new(),
            dev_range,
            dev_vals: vec![0.0; dev_names.len()],
            buf: Vec::new(),
            any_device,
        })
    }

    /// Drop the device outputs (a small-signal analysis records node voltages and branch
    /// currents only); returns the names dropped.
    pub fn without_device_outputs(mut self) -> (Recorder, Vec<String>) {
        let mut dropped = Vec::new();
        let mut probes = Vec::new();
        let mut names = Vec::new();
        for (p, n) in self.probes.into_iter().zip(self.names) {
            if matches!(p, Probe::Device(..)) {
                dropped.push(n.0);
            } else {
                probes.push(p);
                names.push(n);
            }
        }
        self.columns = vec![Vec::new(); names.len()];
        self.probes = probes;
        self.names = names;
        self.any_device = false;
        (self, dropped)
    }

    /// Record one point at scale value `s`.
    pub fn record(&mut self, s: f64, eng: &Engine) {
        if self.any_device {
            for (k, d) in eng.devices.iter().enumerate() {
                let (off, len) = self.dev_range[k];
                if len == 0 {
                    continue;
                }
                self.buf.clear();
                d.probe(&eng.x, &mut self.buf);
                for j in 0..len {
                    self.dev_vals[off + j] = self.buf.get(j).copied().unwrap_or(f64::NAN);
                }
            }
        }
        self.scale.push(s);
        for (col, p) in self.columns.iter_mut().zip(&self.probes) {
            let v = match *p {
                Probe::Unknown(u) => value_of(&eng.x, u),
                Probe::Diff(a, b) => value_of(&eng.x, a) - value_of(&eng.x, b),
                Probe::Device(k, j) => self.dev_vals[self.dev_range[k].0 + j],
            };
            col.push(v);
        }
    }

    /// Number of points recorded.
    pub fn len(&self) -> usize {
        self.scale.len()
    }

    /// The waveforms.
    pub fn finish(
        self,
        title: &str,
        plotname: &str,
        scale_name: &str,
        scale_unit: Unit,
    ) -> Waveforms {
        Waveforms {
            title: title.to_string(),
            plotname: plotname.to_string(),
            scale: Signal {
                name: scale_name.to_string(),
                unit: scale_unit,
                values: self.scale,
                imag: Vec::new(),
            },
            signals: self
                .names
                .into_iter()
                .zip(self.columns)
                .map(|((name, unit), values)| Signal {
                    name,
                    unit,
                    values,
                    imag: Vec::new(),
                })
                .collect(),
        }
    }
}

//! Micromagnetic problem descriptions in TOML.
//!
//! A problem file names the mesh, the geometry mask, the materials, the layer stack, the
//! initial state, the excitation (field and current), the solver knobs and the stages to run.
//! Every quantity is SI: metres, A/m, J/m, J/m^2, J/m^3, tesla (for applied fields, as
//! mumax3's `B_ext`), A/m^2 for current densities, seconds. Positions (`x0`, `y0`, notch
//! positions) are measured from the centre of the mesh, as mumax3 does.
//!
//! ```toml
//! title = "muMAG standard problem 4, field 1"
//! [mesh]
//! n = [128, 32, 1]
//! cell = [3.90625e-9, 3.90625e-9, 3e-9]
//! [material.py]
//! ms = 8e5
//! a = 1.3e-11
//! alpha = 0.02
//! [initial]
//! type = "uniform"
//! m = [1.0, 0.1, 0.0]
//! [excitation]
//! field = [-24.6e-3, 4.3e-3, 0.0]
//! [[stage]]
//! kind = "relax"
//! [[stage]]
//! kind = "run"
//! duration = 1e-9
//! table_dt = 1e-11
//! ```
//!
//! Unknown keys are errors (they name the key, the line and the valid keys). Times of the
//! excitation (pulse delays) and of the output table count from the start of the first
//! `run` stage: relaxation happens before t = 0 in zero field and without current, unless a
//! relax stage sets its own `field`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::error::{Error, Result, Span};
use crate::micromag::stepper::Method;

mod build;
pub mod geometry;
pub mod initial;
mod log;
mod measure;
pub mod run;
pub mod table;

pub use run::{RunOutput, StageProgress};

/// A whole problem file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// Free text, copied into the outputs.
    #[serde(default)]
    pub title: String,
    /// Cells and cell size.
    pub mesh: MeshSpec,
    /// Which cells are magnetic (default: the whole box).
    #[serde(default)]
    pub geometry: GeometrySpec,
    /// Materials by name.
    pub material: BTreeMap<String, MaterialSpec>,
    /// Magnetic layers along z (default: one material filling every cell).
    #[serde(default)]
    pub stack: Option<StackSpec>,
    /// Initial magnetisation.
    pub initial: InitialSpec,
    /// Applied field and current during `run` stages.
    #[serde(default)]
    pub excitation: ExcitationSpec,
    /// Which interactions are on.
    #[serde(default)]
    pub terms: TermsSpec,
    /// Integrator and error control.
    #[serde(default)]
    pub solver: SolverSpec,
    /// What to write.
    #[serde(default)]
    pub output: OutputSpec,
    /// Stages, in order.
    #[serde(default)]
    pub stage: Vec<StageSpec>,
}

/// `[mesh]`: `n = [nx, ny, nz]`, `cell = [dx, dy, dz]` (m).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MeshSpec {
    pub n: [usize; 3],
    pub cell: [f64; 3],
}

/// `[geometry]`: the magnetic region inside the mesh box. A cell is magnetic when its
/// centre is inside the shape.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct GeometrySpec {
    /// `rectangle` (default, the whole box), `disk`, `taper`.
    #[serde(default)]
    pub shape: ShapeKind,
    /// Disk diameter (m); default: the smaller in-plane box size.
    pub diameter: Option<f64>,
    /// Taper: track width at the left end (x = -Lx/2) (m).
    pub width_left: Option<f64>,
    /// Taper: track width at the right end (x = +Lx/2) (m).
    pub width_right: Option<f64>,
    /// Rectangular notches cut into the track edges.
    #[serde(default)]
    pub notch: Vec<NotchSpec>,
}

/// Shapes of the magnetic region.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ShapeKind {
    #[default]
    Rectangle,
    Disk,
    Taper,
}

/// `[[geometry.notch]]`: a rectangular notch of `width` along x and `depth` along y.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NotchSpec {
    /// Centre of the notch along x, from the mesh centre (m).
    pub x: f64,
    /// Extent along x (m).
    pub width: f64,
    /// Depth into the track from the edge (m).
    pub depth: f64,
    /// `both` (default), `top` (+y edge) or `bottom` (-y edge).
    #[serde(default)]
    pub side: NotchSide,
}

/// Which edge a notch cuts.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum NotchSide {
    #[default]
    Both,
    Top,
    Bottom,
}

/// `[material.NAME]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MaterialSpec {
    /// Saturation magnetisation Ms (A/m).
    pub ms: f64,
    /// Exchange stiffness A (J/m).
    pub a: f64,
    /// Gilbert damping.
    pub alpha: f64,
    /// First-order uniaxial anisotropy Ku (J/m^3); 0 = none.
    #[serde(default)]
    pub ku: f64,
    /// Anisotropy axis (normalised on use).
    #[serde(default = "z_axis")]
    pub anis_axis: [f64; 3],
    /// Interfacial DMI D (J/m^2), mumax3's `Dind` sign convention.
    #[serde(default)]
    pub dmi: f64,
    /// Linear change of Ku along x (J/m^3 per m): Ku(x) = ku + ku_grad_x * x.
    #[serde(default)]
    pub ku_grad_x: f64,
    /// Linear change of D along x (J/m^2 per m): D(x) = dmi + dmi_grad_x * x.
    #[serde(default)]
    pub dmi_grad_x: f64,
}

fn z_axis() -> [f64; 3] {
    [0.0, 0.0, 1.0]
}

/// `[stack]`: magnetic layers along z, each `layer_cells` thick, separated by
/// `spacer_cells` non-magnetic cells, coupled by the bilinear interlayer exchange `iec`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StackSpec {
    /// Material of every layer (or use `materials`).
    pub material: Option<String>,
    /// Number of layers when `material` is given.
    pub layers: Option<usize>,
    /// One material per layer, bottom first.
    pub materials: Option<Vec<String>>,
    /// Cells per magnetic layer (default 1).
    #[serde(default = "one")]
    pub layer_cells: usize,
    /// Non-magnetic cells between layers (default 0).
    #[serde(default)]
    pub spacer_cells: usize,
    /// Interlayer exchange J (J/m^2), positive = ferromagnetic.
    #[serde(default)]
    pub iec: f64,
}

fn one() -> usize {
    1
}

/// `[initial]`: the starting magnetisation.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum InitialSpec {
    /// Every cell along `m` (normalised).
    Uniform { m: [f64; 3] },
    /// Random directions from a seeded generator.
    Random {
        #[serde(default)]
        seed: u64,
    },
    /// A straight domain wall across the track at `x0` (from the mesh centre).
    Wall {
        x0: f64,
        /// `neel` (default) or `bloch`.
        #[serde(default)]
        kind: WallKind,
        /// m_z on the left of the wall: `up` (default) or `down`.
        #[serde(default)]
        left: Polarity,
        /// Wall width parameter Delta (m) of the tanh profile (default 5 nm).
        width: Option<f64>,
    },
    /// A skyrmion of radius `r` centred at (`x0`, `y0`) (from the mesh centre).
    Skyrmion {
        x0: f64,
        #[serde(default)]
        y0: f64,
        r: f64,
        /// Core polarity: `down` (default, in an up background) or `up`.
        #[serde(default = "down")]
        core: Polarity,
        /// Wall width parameter (m) of the profile (default 3 nm).
        width: Option<f64>,
    },
    /// An OVF file (path relative to the problem file), same mesh.
    Ovf { file: PathBuf },
}

fn down() -> Polarity {
    Polarity::Down
}

/// Domain-wall type.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum WallKind {
    #[default]
    Neel,
    Bloch,
}

/// Out-of-plane direction.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    #[default]
    Up,
    Down,
}

impl Polarity {
    /// +1 for up, -1 for down.
    pub fn sign(self) -> f64 {
        match self {
            Polarity::Up => 1.0,
            Polarity::Down => -1.0,
        }
    }
}

/// `[excitation]`: what drives `run` stages.
#[derive(Debug, Clone, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ExcitationSpec {
    /// Static applied field B = mu0 H (T).
    #[serde(default)]
    pub field: [f64; 3],
    /// Current density waveform.
    #[serde(default)]
    pub current: Option<CurrentSpec>,
    /// Spin-orbit torque from a heavy-metal underlayer.
    #[serde(default)]
    pub sot: Option<SotSpec>,
    /// Zhang-Li spin-transfer torque of the in-plane current.
    #[serde(default)]
    pub stt: Option<SttSpec>,
}

/// `[excitation.current]`: J(t) along `direction` (A/m^2).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CurrentSpec {
    /// `dc` or `pulses`.
    pub waveform: WaveformKind,
    /// Amplitude (A/m^2).
    pub amplitude: f64,
    /// Pulse width (s) (pulses).
    #[serde(default)]
    pub width: f64,
    /// Pulse period (s) (pulses).
    #[serde(default)]
    pub period: f64,
    /// Number of pulses (pulses; 0 = unlimited).
    #[serde(default)]
    pub count: usize,
    /// Start of the first pulse (s).
    #[serde(default)]
    pub delay: f64,
    /// Current direction in the plane (default +x).
    #[serde(default = "x_axis")]
    pub direction: [f64; 3],
}

fn x_axis() -> [f64; 3] {
    [1.0, 0.0, 0.0]
}

/// Current waveforms.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WaveformKind {
    Dc,
    Pulses,
}

impl CurrentSpec {
    /// The drive along `direction` (a unit vector): a step at `delay` (dc) or the pulse
    /// train; one implementation of pulse trains with the circuit-facing
    /// [`crate::micromag::Simulation::set_current_pulses`].
    pub fn drive_along(&self, direction: [f64; 3]) -> crate::micromag::CurrentDrive {
        let j = [
            self.amplitude * direction[0],
            self.amplitude * direction[1],
            self.amplitude * direction[2],
        ];
        match self.waveform {
            WaveformKind::Dc => crate::micromag::CurrentDrive::Step {
                j,
                start: self.delay,
            },
            WaveformKind::Pulses => crate::micromag::CurrentDrive::Pulses {
                j,
                start: self.delay,
                width: self.width,
                period: self.period,
                count: self.count,
            },
        }
    }

    /// J(t) in A/m^2 along the current's direction (t from the start of the first run
    /// stage).
    pub fn at(&self, t: f64) -> f64 {
        self.drive_along([1.0, 0.0, 0.0]).at(t)[0]
    }

    /// Times where J(t) jumps (for step control), within [0, t_end].
    pub fn edges(&self, t_end: f64) -> Vec<f64> {
        self.drive_along([1.0, 0.0, 0.0]).edges(0.0, t_end)
    }
}

/// `[excitation.sot]`: damping-like and field-like spin-orbit torque, p = sign(theta_sh) z x j.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SotSpec {
    /// Spin Hall angle theta_SH.
    pub theta_sh: f64,
    /// Field-like / damping-like ratio xi (default 0).
    #[serde(default)]
    pub xi: f64,
    /// Heavy-metal thickness (m), informational (the current density is given directly).
    #[serde(default)]
    pub hm_thickness: f64,
    /// Layers that feel the torque: `bottom` (default, the layer on the heavy metal) or `all`.
    #[serde(default)]
    pub layers: SotLayers,
}

/// Which layers a spin-orbit torque acts on.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SotLayers {
    #[default]
    All,
    Bottom,
}

/// `[excitation.stt]`: Zhang-Li torque, polarisation P and non-adiabaticity xi.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SttSpec {
    pub polarization: f64,
    #[serde(default)]
    pub xi: f64,
}

/// `[terms]`: switches for interactions that are otherwise on.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TermsSpec {
    /// Demagnetising field by FFT convolution (default on).
    #[serde(default = "yes")]
    pub demag: bool,
    /// Run the demag convolution in f64 instead of f32 (`demag_f64 = true`; default off:
    /// f32 adds about 1e-7 Ms of error and halves the FFT cost, as mumax3's float32).
    #[serde(default)]
    pub demag_f64: bool,
}

impl Default for TermsSpec {
    fn default() -> Self {
        TermsSpec {
            demag: true,
            demag_f64: false,
        }
    }
}

fn yes() -> bool {
    true
}

/// `[solver]`: stepper and error control (mumax3's names and defaults).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SolverSpec {
    /// `rk45` (adaptive Dormand-Prince, default) or `rk4` (fixed step `dt`).
    #[serde(default)]
    pub stepper: Method,
    /// Maximum error per step (mumax3 MaxErr, default 1e-5).
    #[serde(default = "max_err")]
    pub max_err: f64,
    /// Step headroom (default 0.8).
    #[serde(default = "headroom")]
    pub headroom: f64,
    /// Smallest step (s) before the run stops with a divergence error.
    #[serde(default = "min_dt")]
    pub min_dt: f64,
    /// Largest step (s) (default 1e-11, mumax3's MaxDt role).
    #[serde(default = "max_dt")]
    pub max_dt: f64,
    /// Fixed step for rk4 / first step for rk45 (s).
    #[serde(default = "dt0")]
    pub dt: f64,
    /// Relax stages stop when the largest torque |m x B_eff| falls below this (T, default 1e-6).
    #[serde(default = "relax_torque")]
    pub relax_torque: f64,
    /// Relax stages give up (an error) after this many iterations (default 200000).
    #[serde(default = "relax_max_steps")]
    pub relax_max_steps: usize,
}

fn max_err() -> f64 {
    1e-5
}
fn headroom() -> f64 {
    0.8
}
fn min_dt() -> f64 {
    1e-18
}
fn max_dt() -> f64 {
    1e-11
}
fn dt0() -> f64 {
    1e-14
}
fn relax_torque() -> f64 {
    1e-6
}
fn relax_max_steps() -> usize {
    200_000
}

impl Default for SolverSpec {
    fn default() -> Self {
        SolverSpec {
            stepper: Method::Rk45,
            max_err: max_err(),
            headroom: headroom(),
            min_dt: min_dt(),
            max_dt: max_dt(),
            dt: dt0(),
            relax_torque: relax_torque(),
            relax_max_steps: relax_max_steps(),
        }
    }
}

/// `[output]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    /// Extra table columns: `energy`, `dw`, `skyrmion`, `q`, `layers` (per-layer averages).
    #[serde(default = "default_observables")]
    pub observables: Vec<Observable>,
    /// OVF data format: `binary4` (default), `binary8`, `text`.
    #[serde(default)]
    pub ovf_format: OvfFormatSpec,
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            observables: default_observables(),
            ovf_format: OvfFormatSpec::Binary4,
        }
    }
}

fn default_observables() -> Vec<Observable> {
    vec![Observable::Energy]
}

/// Optional table columns.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Observable {
    Energy,
    Dw,
    Skyrmion,
    Q,
    Layers,
}

/// OVF encodings as problem files name them.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum OvfFormatSpec {
    #[default]
    Binary4,
    Binary8,
    Text,
}

/// `[[stage]]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum StageSpec {
    /// Relax to an energy minimum (no current; `field` defaults to zero).
    Relax {
        #[serde(default)]
        field: [f64; 3],
    },
    /// Time integration for `duration` (s), a table row every `table_dt`, an OVF
    /// snapshot every `ovf_every` rows (0 = only at the end).
    Run {
        duration: f64,
        table_dt: f64,
        #[serde(default)]
        ovf_every: usize,
    },
}

/// A parsed problem with the source it came from (for error positions and relative paths).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub problem: Problem,
    pub source: String,
    pub path: PathBuf,
}

impl Loaded {
    /// Read and validate a problem file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let source = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::from_str(&source, path)
    }

    /// Parse and validate TOML text; `path` names it in errors and anchors relative paths.
    pub fn from_str(source: &str, path: &Path) -> Result<Self> {
        let problem: Problem = toml::from_str(source).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().to_string();
            let help = if msg.contains("unknown field") {
                Some(
                    "check the spelling; see the module docs of spinspice::micromag::problem"
                        .into(),
                )
            } else {
                None
            };
            Error::at(span_at(source, path, span), msg, help)
        })?;
        let l = Loaded {
            problem,
            source: source.to_string(),
            path: path.to_path_buf(),
        };
        l.validate()?;
        Ok(l)
    }

    /// An input error pointing at the first line `key = ...` (optionally after the table
    /// header `[table]`), or at line 1 when the key is absent.
    pub fn error(&self, table: &str, key: &str, msg: impl Into<String>) -> Error {
        let range = find_key(&self.source, table, key).unwrap_or(0..0);
        Error::at(span_at(&self.source, &self.path, range), msg, None)
    }

    /// Resolve a path written in the problem file (relative to the file's directory).
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.path.parent().unwrap_or(Path::new(".")).join(p)
        }
    }
}

mod validate;

/// Build a [`Span`] from a byte range of `source`.
pub(crate) fn span_at(source: &str, path: &Path, range: std::ops::Range<usize>) -> Span {
    let start = range.start.min(source.len());
    let before = &source[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
    let col = source[line_start..start].chars().count() + 1;
    let line_end = source[line_start..]
        .find('\n')
        .map(|p| line_start + p)
        .unwrap_or(source.len());
    let end = range.end.clamp(start, line_end);
    Span {
        file: Arc::new(path.to_path_buf()),
        line,
        col,
        token: source[start..end].to_string(),
        source_line: source[line_start..line_end]
            .trim_end_matches('\r')
            .to_string(),
    }
}

/// Byte range of the key in the first `key = ` line at or after the `[table]` (or
/// `[[table]]`) header; `table` may be empty for top-level keys.
fn find_key(source: &str, table: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut in_table = table.is_empty();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('[') {
            let name = t
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim();
            in_table = name == table;
        } else if in_table {
            if let Some(rest) = t.strip_prefix(key) {
                if rest.trim_start().starts_with('=') {
                    let s = offset + (line.len() - t.len());
                    return Some(s..s + key.len());
                }
            }
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests;

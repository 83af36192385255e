//! Crossbar sweeps over Monte Carlo seeds: what `spinspice crossbar validate | plan | job |
//! merge` run (the command line only converts its flags into a [`SweepCommand`]).
//!
//! A run over Monte Carlo seeds is a list of [`SeedResult`]s; `validate` computes them all,
//! `plan` writes one job spec per seed, `job` computes one and writes it atomically, and
//! `merge` reads them back. Both paths build the report with [`report`], so the same seeds
//! give identical numbers.

use super::map::{parse_fraction, parse_tile, MapConfig, Scheme};
use super::netgen::TileCircuit;
use super::validate::{layer_index, summarise, validate, ImageResult, Settings, Summary};
use crate::error::Error;
use crate::neuron::export::{read_export, NetworkExport};
use crate::progress::{Progress, Silent};
use crate::wave::atomic::write_atomic;
use crate::wave::svg::{write_svg, Scatter};
use crate::Result;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The arguments of a validate run (`spinspice crossbar validate` flags as values).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateArgs {
    /// A `spinspice train --out` directory.
    pub model: PathBuf,
    /// Layer to map (e.g. fc2).
    pub layer: String,
    /// Number of test images.
    pub images: usize,
    /// Tile size ROWSxCOLS.
    pub tile: String,
    /// Device-to-device variation (e.g. 5%).
    pub variation: Option<String>,
    /// Number of programmable conductance levels.
    pub levels: Option<usize>,
    /// Monte Carlo seeds (runs with seeds SEED, SEED+1, ...).
    pub seeds: usize,
    /// First Monte Carlo seed.
    pub seed: u64,
    /// Device window: lowest conductance (S) [default: 1/600k].
    pub g_min: Option<f64>,
    /// Device window: highest conductance (S) [default: 1/200k].
    pub g_max: Option<f64>,
    /// Device window from an MTJ card: parallel resistance (ohm), G_max = 1/R_P.
    pub r_p: Option<f64>,
    /// Device window from an MTJ card: antiparallel resistance (ohm), G_min = 1/R_AP.
    pub r_ap: Option<f64>,
    /// Fraction of cells stuck at G_max (e.g. 1%).
    pub stuck_on: Option<String>,
    /// Fraction of cells stuck at G_min (e.g. 1%).
    pub stuck_off: Option<String>,
    /// `differential` (G+ - G-) or `offset` (one column plus a reference column).
    pub scheme: String,
    /// Resistance of one wire segment between adjacent cells (ohm).
    pub r_wire: f64,
    /// MNIST directory (default: the `spinspice data mnist` location).
    pub data_dir: Option<PathBuf>,
    /// Output directory for `report.json` and `spike_counts.svg` (default `crossbar.out`).
    pub out: Option<PathBuf>,
}

/// `plan`: `jobs` seeded job specs of a validate run, plus launchers, in `dir`.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanArgs {
    /// The run to split (its `seeds` is replaced by `jobs`).
    pub validate: ValidateArgs,
    /// Number of jobs.
    pub jobs: usize,
    /// Where the job specs and launchers go.
    pub dir: PathBuf,
}

/// `merge`: the job results in `dir` into one report.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeArgs {
    /// The plan directory.
    pub dir: PathBuf,
}

/// `job`: run one job spec written by `plan`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobArgs {
    /// The job spec (JSON).
    pub spec: PathBuf,
}

/// One step of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub enum SweepCommand {
    /// Map a trained layer onto crossbar tiles and validate it at circuit level.
    Validate(ValidateArgs),
    /// Write N independent seeded job specs plus Slurm and GNU parallel launchers.
    Plan(PlanArgs),
    /// Merge job results into one report.
    Merge(MergeArgs),
    /// Run one job spec written by `plan`.
    Job(JobArgs),
}

/// One job: the validate arguments plus the seed it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSpec {
    /// `train --out` directory.
    pub model: PathBuf,
    /// Mapped layer.
    pub layer: String,
    /// Images.
    pub images: usize,
    /// Tile size.
    pub tile: String,
    /// Variation (fraction).
    pub variation: f64,
    /// Levels.
    pub levels: Option<usize>,
    /// MNIST directory.
    pub data_dir: Option<PathBuf>,
    /// Mapping seed.
    pub seed: u64,
    /// Result file.
    pub result: PathBuf,
    /// Lowest device conductance (S).
    #[serde(default = "default_g_min")]
    pub g_min: f64,
    /// Highest device conductance (S).
    #[serde(default = "default_g_max")]
    pub g_max: f64,
    /// Fraction of cells stuck at `g_max`.
    #[serde(default)]
    pub stuck_on: f64,
    /// Fraction of cells stuck at `g_min`.
    #[serde(default)]
    pub stuck_off: f64,
    /// `differential` or `offset`.
    #[serde(default = "default_scheme")]
    pub scheme: String,
    /// Wire segment resistance (ohm).
    #[serde(default = "default_r_wire")]
    pub r_wire: f64,
}

fn default_g_min() -> f64 {
    MapConfig::default().g_min
}
fn default_g_max() -> f64 {
    MapConfig::default().g_max
}
fn default_scheme() -> String {
    "differential".into()
}
fn default_r_wire() -> f64 {
    TileCircuit::default().r_wire
}

fn parse_scheme(s: &str) -> Result<Scheme> {
    match s {
        "differential" => Ok(Scheme::Differential),
        "offset" => Ok(Scheme::Offset),
        _ => Err(Error::Usage(format!(
            "unknown scheme `{s}` (expected differential or offset)"
        ))),
    }
}

/// The device window of the arguments: `--g-min/--g-max`, or `--r-p/--r-ap`.
fn window(a: &ValidateArgs) -> Result<(f64, f64)> {
    let d = MapConfig::default();
    let (lo, hi) = match (a.r_p, a.r_ap) {
        (Some(rp), Some(rap)) => {
            if !(rp > 0.0 && rap > rp && rap.is_finite()) {
                return Err(Error::Usage(format!(
                    "--r-p {rp} --r-ap {rap}: need 0 < R_P < R_AP"
                )));
            }
            (1.0 / rap, 1.0 / rp)
        }
        _ => (a.g_min.unwrap_or(d.g_min), a.g_max.unwrap_or(d.g_max)),
    };
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Err(Error::Usage(format!(
            "device window G_min {lo:e} S .. G_max {hi:e} S: need 0 < G_min < G_max"
        )));
    }
    Ok((lo, hi))
}

/// The result of one seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedResult {
    /// Mapping seed.
    pub seed: u64,
    /// Totals.
    pub summary: Summary,
    /// Per image.
    pub images: Vec<ImageResult>,
}

/// `report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Mean over seeds.
    pub classification_agreement: f64,
    /// Mean over seeds.
    pub accuracy_network: f64,
    /// Mean over seeds.
    pub accuracy_circuit: f64,
    /// Mean over seeds.
    pub spike_count_agreement: f64,
    /// Mean over seeds (J).
    pub energy_per_inference_j: f64,
    /// Mean over seeds (s).
    pub latency_s: f64,
    /// Worst over seeds.
    pub worst_column_error: f64,
    /// How the numbers were made.
    pub notes: Vec<String>,
    /// Per seed.
    pub seeds: Vec<SeedResult>,
}

/// Build the report of a set of seed results (sorted by seed).
pub fn report(mut seeds: Vec<SeedResult>) -> Report {
    seeds.sort_by_key(|s| s.seed);
    let n = seeds.len().max(1) as f64;
    let mean = |f: fn(&Summary) -> f64| seeds.iter().map(|s| f(&s.summary)).sum::<f64>() / n;
    Report {
        classification_agreement: mean(|s| s.classification_agreement),
        accuracy_network: mean(|s| s.accuracy_network),
        accuracy_circuit: mean(|s| s.accuracy_circuit),
        spike_count_agreement: mean(|s| s.spike_count_agreement),
        energy_per_inference_j: mean(|s| s.energy_per_inference_j),
        latency_s: mean(|s| s.latency_s),
        worst_column_error: seeds
            .iter()
            .map(|s| s.summary.worst_column_error)
            .fold(0.0, f64::max),
        notes: vec![
            "network: f64 inference of the export (neuron::export); circuit: the mapped layer \
             as a two-stage block (linear tiles solved per input step, then the circuit \
             neurons with comparator, sample switch and reset driven by the sensed currents; \
             exact for the non-loading sense amplifiers); spike counts from the latched \
             comparator outputs"
                .into(),
            "energy: integral of v*i over every independent source: row drivers, sense \
             sources (0 V), sense-amplifier outputs with bias pulses into the membranes, clocks \
             (behavioural comparators, reset pumps and leaks have no modelled supply: not \
             counted); per image, energy_drivers_j is the row drivers' part; latency: end of \
             the step after which the circuit's class no longer changes (10 ns steps, 0.1 V \
             reads, 4 ns pulses)"
                .into(),
        ],
        seeds,
    }
}

fn specs(a: &ValidateArgs, dir: &Path) -> Result<Vec<JobSpec>> {
    let variation = match &a.variation {
        Some(v) => parse_fraction(v)?,
        None => 0.0,
    };
    parse_tile(&a.tile)?;
    parse_scheme(&a.scheme)?;
    let (g_min, g_max) = window(a)?;
    let frac = |f: &Option<String>| f.as_deref().map_or(Ok(0.0), parse_fraction);
    let (stuck_on, stuck_off) = (frac(&a.stuck_on)?, frac(&a.stuck_off)?);
    if stuck_on + stuck_off > 1.0 {
        return Err(Error::Usage(format!(
            "--stuck-on {stuck_on} plus --stuck-off {stuck_off} exceed all cells"
        )));
    }
    if !(a.r_wire >= 0.0 && a.r_wire.is_finite()) {
        return Err(Error::Usage(format!(
            "--r-wire {}: need a resistance >= 0",
            a.r_wire
        )));
    }
    Ok((0..a.seeds.max(1))
        .map(|i| JobSpec {
            model: a.model.clone(),
            layer: a.layer.clone(),
            images: a.images,
            tile: a.tile.clone(),
            variation,
            levels: a.levels,
            data_dir: a.data_dir.clone(),
            seed: a.seed + i as u64,
            result: dir.join(format!("result_{i}.json")),
            g_min,
            g_max,
            stuck_on,
            stuck_off,
            scheme: a.scheme.clone(),
            r_wire: a.r_wire,
        })
        .collect())
}

fn load_inputs(ex: &NetworkExport, spec: &JobSpec) -> Result<super::validate::Inputs> {
    let dir = spec
        .data_dir
        .clone()
        .unwrap_or_else(|| crate::neuron::data::default_dir("mnist"));
    let data = crate::neuron::data::load("mnist", &dir, Some(0), Some(spec.images))?;
    let enc = crate::neuron::encode::Encoding::parse(&ex.encoding)?;
    let t = &data.test;
    Ok((0..t.len())
        .map(|i| {
            let px: Vec<f32> = t.image(i).iter().map(|b| *b as f32 / 255.0).collect();
            let frames = crate::neuron::encode::encode(enc, &px, ex.steps, i as u64);
            let x = frames
                .into_iter()
                .map(|f| f.into_iter().map(f64::from).collect())
                .collect();
            (x, Some(t.labels[i] as usize))
        })
        .collect())
}

/// The scatter plot of circuit versus network spike counts (every image, output and seed).
pub fn scatter(r: &Report) -> Scatter {
    let points = r
        .seeds
        .iter()
        .flat_map(|s| &s.images)
        .flat_map(|im| {
            im.counts_network
                .iter()
                .zip(&im.counts_circuit)
                .map(|(a, b)| (*a, *b))
        })
        .collect();
    Scatter {
        title: format!(
            "output spike counts: circuit vs network ({} seeds, agreement {:.4})",
            r.seeds.len(),
            r.spike_count_agreement
        ),
        x_label: "network spike count".into(),
        y_label: "circuit spike count".into(),
        unit: String::new(),
        points,
        diagonal: true,
    }
}

/// Write `report.json` and `spike_counts.svg` into `dir`.
fn write_outputs(dir: &Path, r: &Report) -> Result<()> {
    write_atomic(&dir.join("report.json"), &json(r)?)?;
    write_svg(&dir.join("spike_counts.svg"), &scatter(r).to_svg())
}

/// Run one job spec.
pub fn run_spec(spec: &JobSpec) -> Result<SeedResult> {
    let ex = read_export(&spec.model)?;
    let k = layer_index(&ex, &spec.layer)?;
    let (tile_rows, tile_cols) = parse_tile(&spec.tile)?;
    let map = MapConfig {
        tile_rows,
        tile_cols,
        levels: spec.levels,
        variation: spec.variation,
        seed: spec.seed,
        g_min: spec.g_min,
        g_max: spec.g_max,
        stuck_on: spec.stuck_on,
        stuck_off: spec.stuck_off,
        scheme: parse_scheme(&spec.scheme)?,
        ..MapConfig::default()
    };
    let s = Settings {
        map,
        circuit: TileCircuit {
            r_wire: spec.r_wire,
            ..TileCircuit::default()
        },
    };
    let inputs = load_inputs(&ex, spec)?;
    let (summary, images) = validate(&ex, k, &s, &inputs)?;
    debug_assert_eq!(summary, summarise(&images));
    Ok(SeedResult {
        seed: spec.seed,
        summary,
        images,
    })
}

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| Error::Usage(format!("cannot serialise: {e}")))
}

fn read_json<T: for<'a> Deserialize<'a>>(p: &Path) -> Result<T> {
    let text = std::fs::read_to_string(p)
        .map_err(|e| Error::Usage(format!("cannot read {}: {e}", p.display())))?;
    serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))
}

fn mkdir(d: &Path) -> Result<()> {
    std::fs::create_dir_all(d)
        .map_err(|e| Error::Usage(format!("cannot create {}: {e}", d.display())))
}

/// Run one sweep step, silently.
pub fn run(cmd: &SweepCommand) -> Result<()> {
    run_with(cmd, &mut Silent)
}

/// Run one sweep step, reporting seeds and the agreement to `progress`.
pub fn run_with(cmd: &SweepCommand, progress: &mut dyn Progress) -> Result<()> {
    match cmd {
        SweepCommand::Validate(a) => {
            let out = a
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("crossbar.out"));
            mkdir(&out)?;
            let mut res = Vec::new();
            for spec in specs(a, &out)? {
                progress.note(format!(
                    "crossbar: seed {} ({} images)",
                    spec.seed, spec.images
                ));
                res.push(run_spec(&spec)?);
            }
            let r = report(res);
            write_outputs(&out, &r)?;
            progress.note(format!(
                "crossbar: agreement {:.4}, report in {}",
                r.classification_agreement,
                out.join("report.json").display()
            ));
            Ok(())
        }
        SweepCommand::Plan(p) => {
            if p.jobs == 0 {
                return Err(Error::Usage("--jobs must be at least 1".into()));
            }
            mkdir(&p.dir)?;
            let mut a = p.validate.clone();
            a.seeds = p.jobs;
            for (i, s) in specs(&a, &p.dir)?.iter().enumerate() {
                write_atomic(&p.dir.join(format!("job_{i}.json")), &json(s)?)?;
            }
            let d = p.dir.display();
            let sbatch = format!("#!/bin/sh\n#SBATCH --job-name=crossbar\n#SBATCH --array=0-{}\n#SBATCH --cpus-per-task=1\nspinspice crossbar job {d}/job_$SLURM_ARRAY_TASK_ID.json\n", p.jobs - 1);
            write_atomic(&p.dir.join("slurm.sbatch"), sbatch.as_bytes())?;
            let par = format!("#!/bin/sh\n# Runs every job with GNU parallel, then merges.\nset -e\nparallel spinspice crossbar job ::: {d}/job_*.json\nspinspice crossbar merge {d}\n");
            write_atomic(&p.dir.join("run_parallel.sh"), par.as_bytes())?;
            Ok(())
        }
        SweepCommand::Job(j) => {
            let spec: JobSpec = read_json(&j.spec)?;
            let r = run_spec(&spec)?;
            write_atomic(&spec.result, &json(&r)?)
        }
        SweepCommand::Merge(m) => {
            let mut res = Vec::new();
            let rd = std::fs::read_dir(&m.dir)
                .map_err(|e| Error::Usage(format!("cannot read {}: {e}", m.dir.display())))?;
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if name.starts_with("result_") && name.ends_with(".json") {
                    res.push(read_json::<SeedResult>(&e.path())?);
                }
            }
            if res.is_empty() {
                return Err(Error::Usage(format!(
                    "no result_*.json in {}",
                    m.dir.display()
                )));
            }
            write_outputs(&m.dir, &report(res))
        }
    }
}

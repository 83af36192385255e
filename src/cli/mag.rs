//! `spinspice mag PROBLEM.toml -o DIR`: run a micromagnetic problem file.
//!
//! Writes into DIR (default `<problem>.out/`):
//! - `table.csv`: one header line of column names, then one row per output time. The first
//!   columns are `t,mx,my,mz` (t in s, 0 at the start of the first `run` stage; m averaged
//!   over magnetic cells, dimensionless), then `J` (A/m^2) when a current is applied, the
//!   energies `E_total,E_exchange,E_anisotropy,E_dmi,E_demag,E_interlayer,E_zeeman` (J, the
//!   terms present), and the requested soliton observables: `dw_x` (m), `sk_x`, `sk_y`,
//!   `sk_radius` (m), `Q` (1), with `_L<i>` columns per layer for multilayers. Positions
//!   are measured from the mesh centre.
//! - `units.txt`: name, SI unit and meaning of every column.
//! - `m000000.ovf`, `m000001.ovf`, ...: OVF 2.0 snapshots (t = 0, every `ovf_every` rows,
//!   and the final state).
//! - `mz.svg`: m_z map of the final state (top layer).
//! - `problem.log`: the resolved problem with derived quantities; `references.bib`.
//!
//! Progress goes to stderr (plain lines): stage, simulated time, step size, steps, ETA.

use std::path::PathBuf;

use super::args::MagArgs;
use super::progress::Reporter;
use spinspice::micromag::problem::Loaded;
use spinspice::progress::{Progress, Silent};
use spinspice::Result;
use std::time::Duration;

/// The default output directory: `<problem>.out` beside the problem file
/// (`models/x.toml` -> `models/x.out`).
pub fn default_out(problem: &std::path::Path) -> PathBuf {
    problem.with_extension("out")
}

/// Run the `mag` subcommand.
pub fn run(a: &MagArgs) -> Result<()> {
    let loaded = Loaded::from_file(&a.problem)?;
    let out = a.out.clone().unwrap_or_else(|| default_out(&a.problem));
    let p = &loaded.problem;
    let quiet = a.quiet;
    if !quiet {
        eprintln!(
            "spinspice mag: {} ({} x {} x {} cells) -> {}",
            if p.title.is_empty() {
                "untitled"
            } else {
                &p.title
            },
            p.mesh.n[0],
            p.mesh.n[1],
            p.mesh.n[2],
            out.display()
        );
    }
    let mut silent = Silent;
    let mut reporter = Reporter::stderr(Duration::from_secs(2));
    let report: &mut dyn Progress = if quiet { &mut silent } else { &mut reporter };
    let r = loaded.run(&out, report)?;
    if !quiet {
        eprintln!(
            "done: {} table rows, {} accepted / {} rejected steps, {} field evaluations, {:.1} s wall; {} files in {}",
            r.rows.len(),
            r.accepted,
            r.rejected,
            r.evals,
            r.wall,
            r.files.len(),
            out.display()
        );
    }
    Ok(())
}

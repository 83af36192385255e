//! Running a problem: stages, table rows, OVF snapshots, the m_z map and the run log.
//!
//! Library code: nothing is printed; progress goes to the caller's
//! [`crate::progress::Progress`] sink as [`crate::progress::Event::Stage`] events.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::table::{mz_svg, Table};
use super::{Loaded, Observable, OvfFormatSpec, StageSpec};
use crate::error::{Error, Result};
use crate::micromag::Simulation;
use crate::wave::atomic::write_atomic;
use crate::wave::ovf::{snapshot_name, OvfField, OvfFormat};

/// Where a problem run stands, sent as [`crate::progress::Event::Stage`] after each relax
/// stage and periodically during run stages.
#[derive(Debug, Clone, PartialEq)]
pub struct StageProgress {
    /// Stage index and kind (`relax` or `run`).
    pub stage: usize,
    pub kind: &'static str,
    /// Table time (s) (0 at the start of the first run stage).
    pub t: f64,
    /// End of the current run stage (s) (equal to `t` for relax stages).
    pub t_end: f64,
    /// Current step size (s).
    pub dt: f64,
    /// Accepted and rejected steps so far.
    pub accepted: u64,
    pub rejected: u64,
    /// Wall time since the start (s).
    pub wall: f64,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Column names of the table.
    pub columns: Vec<String>,
    /// Table rows.
    pub rows: Vec<Vec<f64>>,
    /// The final magnetisation (one vector per cell, zero outside the magnet).
    pub m: Vec<[f64; 3]>,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Accepted, rejected steps and field evaluations.
    pub accepted: u64,
    pub rejected: u64,
    pub evals: u64,
    /// Wall time (s).
    pub wall: f64,
}

impl RunOutput {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let i = self.columns.iter().position(|c| c == name)?;
        Some(self.rows.iter().map(|r| r[i]).collect())
    }
}

impl Loaded {
    /// Run every stage; write `table.csv`, `units.txt`, OVF snapshots, `mz.svg`,
    /// `problem.log` and `references.bib` into `out` (created if missing).
    pub fn run(
        &self,
        out: &Path,
        progress: &mut dyn crate::progress::Progress,
    ) -> Result<RunOutput> {
        std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        let start = Instant::now();
        let p = &self.problem;
        let mut sim = self.simulation()?;
        let mut files = Vec::new();
        let log_path = out.join("problem.log");
        write_atomic(&log_path, self.resolved_log().as_bytes())?;
        files.push(log_path);
        let bib = out.join("references.bib");
        write_atomic(&bib, crate::micromag::refs::bibtex(&[]).as_bytes())?;
        files.push(bib);

        let obs = super::measure::Columns::new(self, &mut sim);
        let mut table = Table::new(&out.join("table.csv"), &obs.columns());
        let mut rows = Vec::new();
        let mut snap = 0usize;
        let ovf_fmt = match p.output.ovf_format {
            OvfFormatSpec::Binary4 => OvfFormat::Binary4,
            OvfFormatSpec::Binary8 => OvfFormat::Binary8,
            OvfFormatSpec::Text => OvfFormat::Text,
        };
        let mut write_ovf = |sim: &Simulation, t: f64, files: &mut Vec<PathBuf>| -> Result<()> {
            let path = out.join(snapshot_name("m", snap));
            snap += 1;
            let mut f = OvfField::magnetisation(p.mesh.n, p.mesh.cell, sim.m().to_vec().concat());
            f.desc.push(format!("Total simulation time:  {t:e}  s"));
            f.desc.push(format!("spinspice mag: {}", p.title));
            f.write(&path, ovf_fmt)?;
            files.push(path);
            Ok(())
        };

        let mut run_started = false;
        let mut t_table = 0.0;
        for (i, st) in p.stage.iter().enumerate() {
            match st {
                StageSpec::Relax { field } => {
                    sim.set_current_density([0.0; 3]);
                    sim.set_applied_field(*field);
                    let report = sim.relax().map_err(|e| match e {
                        Error::Divergence(s) | Error::Convergence(s) => {
                            Error::Convergence(format!("stage {i} (relax): {s}; try a larger `relax_torque` or `relax_max_steps` in [solver]"))
                        }
                        other => other,
                    })?;
                    let _ = report;
                    progress.event(crate::progress::Event::Stage(
                        self.progress(i, "relax", &sim, t_table, t_table, start),
                    ));
                }
                StageSpec::Run {
                    duration,
                    table_dt,
                    ovf_every,
                } => {
                    if !run_started {
                        run_started = true;
                        sim.set_time(0.0);
                        self.set_drive(&mut sim);
                        let row = obs.row(&mut sim);
                        table.push(&row);
                        rows.push(row);
                        write_ovf(&sim, 0.0, &mut files)?;
                    } else {
                        self.set_drive(&mut sim);
                    }
                    let t0 = sim.time();
                    let t_end = t0 + duration;
                    let n_rows = (duration / table_dt - 1e-9).ceil() as usize;
                    let edges: Vec<f64> = p
                        .excitation
                        .current
                        .as_ref()
                        .map(|c| c.edges(t_end))
                        .unwrap_or_default();
                    let mut last_report = Instant::now();
                    for k in 1..=n_rows {
                        let t_row = (t0 + k as f64 * table_dt).min(t_end);
                        // Land exactly on current switching times (no step straddles an edge).
                        let now = sim.time();
                        for &e in edges.iter().filter(|&&e| e > now && e < t_row) {
                            sim.advance_to(e)?;
                        }
                        sim.advance_to(t_row)?;
                        let row = obs.row(&mut sim);
                        table.push(&row);
                        rows.push(row);
                        if *ovf_every > 0 && k % ovf_every == 0 && k != n_rows {
                            write_ovf(&sim, sim.time(), &mut files)?;
                            table.flush()?;
                        }
                        if last_report.elapsed().as_secs_f64() > 1.0 || k == n_rows {
                            progress.event(crate::progress::Event::Stage(self.progress(
                                i,
                                "run",
                                &sim,
                                sim.time(),
                                t_end,
                                start,
                            )));
                            last_report = Instant::now();
                        }
                    }
                    t_table = sim.time();
                }
            }
        }
        if !run_started {
            // Relax-only problems: one row describing the relaxed state at t = 0.
            sim.set_time(0.0);
            let row = obs.row(&mut sim);
            table.push(&row);
            rows.push(row);
        }
        write_ovf(&sim, sim.time(), &mut files)?;
        table.flush()?;
        files.push(out.join("table.csv"));
        let units = out.join("units.txt");
        write_atomic(&units, table.units_text().as_bytes())?;
        files.push(units);
        let magnetic: Vec<bool> = sim.system().ms.iter().map(|&v| v > 0.0).collect();
        let top = sim.system().layers.last().map(|l| l.z0).unwrap_or(0);
        let svg = mz_svg(p.mesh.n, p.mesh.cell, sim.m(), &magnetic, top, &p.title);
        let svg_path = out.join("mz.svg");
        write_atomic(&svg_path, svg.as_bytes())?;
        files.push(svg_path);
        let stats = sim.stats();
        Ok(RunOutput {
            columns: table.names().to_vec(),
            rows,
            m: sim.m().to_vec(),
            files,
            accepted: stats.accepted,
            rejected: stats.rejected,
            evals: stats.evals,
            wall: start.elapsed().as_secs_f64(),
        })
    }

    fn progress(
        &self,
        stage: usize,
        kind: &'static str,
        sim: &Simulation,
        t: f64,
        t_end: f64,
        start: Instant,
    ) -> StageProgress {
        let s = sim.stats();
        StageProgress {
            stage,
            kind,
            t,
            t_end,
            dt: sim.dt(),
            accepted: s.accepted,
            rejected: s.rejected,
            wall: start.elapsed().as_secs_f64(),
        }
    }

    /// Applied field and current waveform of run stages.
    fn set_drive(&self, sim: &mut Simulation) {
        let e = &self.problem.excitation;
        sim.set_applied_field(e.field);
        match &e.current {
            Some(c) => {
                let n = super::validate::norm(c.direction);
                let d = [c.direction[0] / n, c.direction[1] / n, 0.0];
                sim.set_current_drive(c.drive_along(d));
            }
            None => sim.set_current_density([0.0; 3]),
        }
    }

    /// Whether the table has the optional column group `o`.
    pub fn wants(&self, o: Observable) -> bool {
        self.problem.output.observables.contains(&o)
    }
}

//! Shared test helpers: load ngspice reference CSVs, compare spinspice waveforms to them.
//!
//! The comparison interpolates our waveform linearly at ngspice's own time points (our
//! time steps differ from ngspice's) and reports, per signal, the largest error relative
//! to the reference signal's swing (max - min; for a constant signal or a single
//! operating point, its magnitude), with the time and both values of the worst point.
#![allow(dead_code)]

pub mod tools;

use std::path::{Path, PathBuf};

use spinspice::wave::{interp, Unit, Waveforms};

/// The directory of the ngspice reference netlists and CSVs.
pub fn ngspice_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/ngspice")
}

/// The reference waveforms `tests/reference/ngspice/<name>.csv`.
pub fn load_reference(name: &str) -> Waveforms {
    let p = ngspice_dir().join(format!("{name}.csv"));
    match spinspice::wave::csv::read_csv(&p) {
        Ok(w) => w,
        Err(e) => panic!("cannot load reference {}: {e}", p.display()),
    }
}

/// Below this magnitude (volts or amperes) a reference signal counts as zero: errors are
/// then measured against this floor instead of a vanishing swing.
pub const ABS_FLOOR: f64 = 1e-12;

/// The result of comparing one signal.
#[derive(Debug, Clone)]
pub struct SignalError {
    pub name: String,
    /// Max |ours - reference| over the compared points.
    pub max_abs: f64,
    /// `max_abs` divided by the reference swing (or magnitude, or ABS_FLOOR).
    pub rel: f64,
    /// The swing used as denominator.
    pub swing: f64,
    /// Scale value (time or sweep value) of the worst point, and both values there.
    pub at: f64,
    pub ours: f64,
    pub reference: f64,
    /// Number of reference points compared.
    pub points: usize,
}

impl std::fmt::Display for SignalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: max error {:.3e} = {:.4} % of swing {:.4e} at {:.6e} (ours {:.9e}, ngspice {:.9e}; {} points)",
            self.name,
            self.max_abs,
            self.rel * 100.0,
            self.swing,
            self.at,
            self.ours,
            self.reference,
            self.points
        )
    }
}

/// The denominator for relative errors of a reference signal.
fn swing_of(v: &[f64]) -> f64 {
    let (lo, hi) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let swing = hi - lo;
    let mag = lo.abs().max(hi.abs());
    if swing > ABS_FLOOR {
        swing
    } else {
        mag.max(ABS_FLOOR)
    }
}

/// Whether a reference signal must exist in ours: node voltages and voltage-source
/// currents (what ngspice and spinspice save by default). Other branch currents
/// (`i(l1)`, `i(e1)`) are compared when present.
fn required(name: &str) -> bool {
    name.starts_with("v(") || name.starts_with("i(v")
}

/// Compare every reference signal (also the first column when it is not the scale of a
/// sweep or transient) with ours. Transients are compared at the reference time points
/// by interpolating ours; sweeps and operating points point by point (the scales must
/// agree to 1e-9 relative). Err lists missing signals or structural mismatches.
pub fn compare(ours: &Waveforms, reference: &Waveforms) -> Result<Vec<SignalError>, String> {
    let is_tran = reference.scale.unit == Unit::Time;
    let is_sweep = reference.scale.name.ends_with("sweep");
    let mut refs: Vec<&spinspice::wave::Signal> = reference.signals.iter().collect();
    if !is_tran && !is_sweep {
        // Operating point: the "scale" column is just the first node voltage.
        refs.insert(0, &reference.scale);
    }
    if is_tran {
        let (Some(&t0), Some(&t1)) = (ours.scale.values.first(), ours.scale.values.last()) else {
            return Err("our transient has no points".into());
        };
        let (r0, r1) = (
            reference.scale.values[0],
            *reference.scale.values.last().unwrap(),
        );
        let slack = 1e-12 * r1.abs().max(1e-30);
        if t0 > r0 + slack || t1 < r1 - slack {
            return Err(format!(
                "our time range {t0:e}..{t1:e} does not cover ngspice's {r0:e}..{r1:e}"
            ));
        }
    } else {
        if ours.len() != reference.len() {
            return Err(format!(
                "ours has {} points, ngspice {} ({})",
                ours.len(),
                reference.len(),
                reference.plotname
            ));
        }
        if is_sweep {
            for (k, (a, b)) in ours
                .scale
                .values
                .iter()
                .zip(&reference.scale.values)
                .enumerate()
            {
                if (a - b).abs() > 1e-9 * b.abs().max(1.0) {
                    return Err(format!(
                        "sweep point {k}: our {} = {a}, ngspice's {} = {b}",
                        ours.scale.name, reference.scale.name
                    ));
                }
            }
        }
    }
    let mut missing = Vec::new();
    let mut out = Vec::new();
    for r in refs {
        let Some(o) = ours.get(&r.name) else {
            if required(&r.name) {
                missing.push(r.name.clone());
            }
            continue;
        };
        let swing = swing_of(&r.values);
        let mut worst = SignalError {
            name: r.name.clone(),
            max_abs: 0.0,
            rel: 0.0,
            swing,
            at: f64::NAN,
            ours: f64::NAN,
            reference: f64::NAN,
            points: 0,
        };
        for (k, &rv) in r.values.iter().enumerate() {
            let x = reference.scale.values[k];
            let ov = if is_tran {
                // Clamp into our range: endpoints may differ by rounding only.
                let xc = x.clamp(ours.scale.values[0], *ours.scale.values.last().unwrap());
                interp(&ours.scale.values, &o.values, xc).unwrap_or(f64::NAN)
            } else {
                o.values[k]
            };
            let err = (ov - rv).abs();
            worst.points += 1;
            if worst.points == 1 || err > worst.max_abs || err.is_nan() {
                worst.max_abs = if err.is_nan() { f64::INFINITY } else { err };
                worst.at = x;
                worst.ours = ov;
                worst.reference = rv;
                if err.is_nan() {
                    break;
                }
            }
        }
        worst.rel = worst.max_abs / swing;
        out.push(worst);
    }
    if !missing.is_empty() {
        let have: Vec<&str> = ours.signals.iter().map(|s| s.name.as_str()).collect();
        return Err(format!(
            "signals missing from our output: {}; we have {}",
            missing.join(", "),
            have.join(", ")
        ));
    }
    Ok(out)
}

/// Assert that every signal matches ngspice within `tol` of its swing; the panic message
/// lists every signal's error, worst first.
pub fn assert_matches(name: &str, ours: &Waveforms, reference: &Waveforms, tol: f64) {
    let mut errs = match compare(ours, reference) {
        Ok(e) => e,
        Err(msg) => panic!("{name}: {msg}"),
    };
    errs.sort_by(|a, b| b.rel.total_cmp(&a.rel));
    let report: Vec<String> = errs.iter().map(|e| format!("  {e}")).collect();
    if errs.first().is_some_and(|e| e.rel > tol || e.rel.is_nan()) {
        panic!(
            "{name}: spinspice differs from ngspice by more than {} % of the swing:\n{}",
            tol * 100.0,
            report.join("\n")
        );
    }
    eprintln!(
        "{name}: within {} % of ngspice:\n{}",
        tol * 100.0,
        report.join("\n")
    );
}

/// Run every analysis of the netlist at `path` through the library API
/// (`netlist::parse_file` → `elab::elaborate` → `circuit::Circuit::from_flat` →
/// `run_all`) and return one [`Waveforms`] per analysis, in netlist order.
pub fn simulate(path: &Path) -> Result<Vec<Waveforms>, String> {
    let ast = spinspice::netlist::parse_file(path).map_err(|e| e.to_string())?;
    let flat = spinspice::elab::elaborate(&ast, &[]).map_err(|e| e.to_string())?;
    let mut circuit = spinspice::circuit::Circuit::from_flat(&flat).map_err(|e| e.to_string())?;
    let runs = circuit
        .run_all(&mut spinspice::progress::Silent)
        .map_err(|e| e.to_string())?;
    Ok(runs.into_iter().map(|(w, _stats)| w).collect())
}

/// Simulate `tests/reference/ngspice/<name>.cir` and return the plot of the same kind
/// as the reference (transient, DC sweep or operating point).
pub fn simulate_reference(name: &str) -> Waveforms {
    let p = ngspice_dir().join(format!("{name}.cir"));
    let reference = load_reference(name);
    let plots = simulate(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
    let want = reference.plotname.to_ascii_lowercase();
    plots
        .into_iter()
        .find(|w| w.plotname.to_ascii_lowercase() == want)
        .unwrap_or_else(|| {
            panic!(
                "{name}: spinspice produced no \"{}\" plot",
                reference.plotname
            )
        })
}

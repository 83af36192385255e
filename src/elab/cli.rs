//! `spinspice check FILE [--param NAME=VALUE ...]`: parse and elaborate, print a summary.

use std::collections::BTreeMap;

use super::{elaborate, parse_override, Analysis, Flat};
use crate::cli::CheckArgs;
use crate::error::Result;

/// A short summary of a flat circuit: title, node count, elements by letter, analyses.
pub fn summary(f: &Flat) -> String {
    let mut by_letter: BTreeMap<char, usize> = BTreeMap::new();
    for i in &f.instances {
        *by_letter.entry(i.letter.to_ascii_uppercase()).or_default() += 1;
    }
    let counts: Vec<String> = by_letter.iter().map(|(l, n)| format!("{l}: {n}")).collect();
    let analyses: Vec<String> = f
        .analyses
        .iter()
        .map(|a| match a {
            Analysis::Op => ".op".to_string(),
            Analysis::Dc { sweeps } => {
                let s: Vec<String> = sweeps
                    .iter()
                    .map(|s| format!("{} {} {} {}", s.source, s.start, s.stop, s.step))
                    .collect();
                format!(".dc {}", s.join(" "))
            }
            Analysis::Tran {
                tstep,
                tstop,
                tstart,
                tmax,
                uic,
            } => {
                let mut s = format!(".tran {tstep:e} {tstop:e}");
                if *tstart != 0.0 || tmax.is_some() {
                    s.push_str(&format!(" {tstart:e}"));
                }
                if let Some(m) = tmax {
                    s.push_str(&format!(" {m:e}"));
                }
                if *uic {
                    s.push_str(" uic");
                }
                s
            }
        })
        .collect();
    format!(
        "title: {}\nnodes: {} (plus ground)\nelements: {} ({})\nanalyses: {}\n",
        f.title,
        f.nodes.len().saturating_sub(1),
        f.instances.len(),
        if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        },
        if analyses.is_empty() {
            "none".to_string()
        } else {
            analyses.join("; ")
        },
    )
}

/// Run `spinspice check`.
pub fn run(args: &CheckArgs) -> Result<()> {
    let overrides = args
        .params
        .iter()
        .map(|p| parse_override(p))
        .collect::<Result<Vec<_>>>()?;
    let ast = crate::netlist::parse_file(&args.file)?;
    let flat = elaborate(&ast, &overrides)?;
    print!("{}", summary(&flat));
    Ok(())
}

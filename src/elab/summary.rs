//! The one-page summary of a flat circuit that `spinspice check` prints.

use std::collections::BTreeMap;

use super::{Analysis, Flat};

/// `x` with at most 6 significant digits: plain between 1e-3 and 1e6 (`0.25`, `1500`),
/// else exponent form with trailing zeros dropped (`2e-5`).
fn short(x: f64) -> String {
    let s = format!("{x:.5e}");
    let rounded: f64 = s.parse().unwrap_or(x);
    if rounded == 0.0 || (1e-3..1e6).contains(&rounded.abs()) {
        return format!("{rounded}");
    }
    match s.split_once('e') {
        Some((m, e)) => {
            let m = if m.contains('.') {
                m.trim_end_matches('0').trim_end_matches('.')
            } else {
                m
            };
            format!("{m}e{e}")
        }
        None => s,
    }
}

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
                    .map(|s| {
                        format!(
                            "{} {} {} {}",
                            s.source,
                            short(s.start),
                            short(s.stop),
                            short(s.step)
                        )
                    })
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
                let mut s = format!(".tran {} {}", short(*tstep), short(*tstop));
                if *tstart != 0.0 || tmax.is_some() {
                    s.push_str(&format!(" {}", short(*tstart)));
                }
                if let Some(m) = tmax {
                    s.push_str(&format!(" {}", short(*m)));
                }
                if *uic {
                    s.push_str(" uic");
                }
                s
            }
            Analysis::Ac(a) => format!(".ac {}", sweep(a)),
            Analysis::Noise(n) => {
                let mut s = format!(".noise {} {} {}", n.output, n.source, sweep(&n.sweep));
                if let Some(p) = n.pts_per_summary {
                    s.push_str(&format!(" {p}"));
                }
                s
            }
            Analysis::Tf(t) => format!(".tf {} {}", t.output, t.source),
            Analysis::Sens(o) => format!(".sens {o}"),
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

/// `dec|oct|lin N fstart fstop` of `.ac`/`.noise`.
fn sweep(a: &crate::elab::AcSweep) -> String {
    format!(
        "{} {} {} {}",
        format!("{:?}", a.spacing).to_ascii_lowercase(),
        a.points,
        short(a.fstart),
        short(a.fstop)
    )
}

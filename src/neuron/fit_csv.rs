//! Reading a trace CSV (`time, position or m_z, input`) for [`super::fit`].

use crate::{Error, Result};
use std::path::Path;

/// A sampled trace: times, membrane variable (position or m_z) and input.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    /// Sample times (strictly increasing).
    pub t: Vec<f64>,
    /// Membrane variable.
    pub x: Vec<f64>,
    /// Input current (density).
    pub i: Vec<f64>,
}

/// Column names accepted by default, in order of preference (compared case-insensitively,
/// with any unit in parentheses or brackets stripped).
pub const TIME_COLS: &[&str] = &["t", "time"];
/// Membrane column names.
pub const X_COLS: &[&str] = &["dw_x", "sk_x", "mz", "m_z", "x", "position", "u", "mem"];
/// Input column names.
pub const I_COLS: &[&str] = &["j", "i", "current", "input", "jx"];

fn clean(h: &str) -> String {
    let h = h.trim().trim_matches('"');
    let cut = h.find(['(', '[', ' ']).unwrap_or(h.len());
    h[..cut].trim().to_ascii_lowercase()
}

fn pick(header: &[String], want: Option<&str>, defaults: &[&str], what: &str) -> Result<usize> {
    let names: Vec<String> = header.iter().map(|h| clean(h)).collect();
    let find = |n: &str| names.iter().position(|h| *h == n.to_ascii_lowercase());
    let found = match want {
        Some(w) => find(&clean(w)),
        None => defaults.iter().find_map(|d| find(d)),
    };
    found.ok_or_else(|| {
        Error::Usage(format!(
            "trace: no {what} column {} among [{}]{}",
            want.map(|w| format!("`{w}`"))
                .unwrap_or_else(|| format!("(tried {})", defaults.join(", "))),
            header.join(", "),
            match what {
                "time" => "; name it with --t-col",
                "membrane" => "; name it with --x-col",
                _ => "; name it with --i-col",
            }
        ))
    })
}

/// Parse a trace CSV. `t_col`, `x_col`, `i_col` override the default column names.
pub fn parse_trace(
    text: &str,
    path: &Path,
    t_col: Option<&str>,
    x_col: Option<&str>,
    i_col: Option<&str>,
) -> Result<Trace> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let (_, head) = lines
        .next()
        .ok_or_else(|| Error::Usage(format!("{}: empty trace", path.display())))?;
    let sep = if head.contains(',') { ',' } else { '\t' };
    let header: Vec<String> = head.split(sep).map(|s| s.trim().to_string()).collect();
    let ct = pick(&header, t_col, TIME_COLS, "time")?;
    let cx = pick(&header, x_col, X_COLS, "membrane")?;
    let ci = pick(&header, i_col, I_COLS, "input")?;
    let mut tr = Trace::default();
    for (ln, line) in lines {
        let cells: Vec<&str> = line.split(sep).map(str::trim).collect();
        let get = |c: usize| -> Result<f64> {
            let s = cells.get(c).ok_or_else(|| {
                Error::Usage(format!(
                    "{}:{}: {} columns, expected at least {}",
                    path.display(),
                    ln + 1,
                    cells.len(),
                    c + 1
                ))
            })?;
            s.parse::<f64>().map_err(|_| {
                Error::Usage(format!(
                    "{}:{}: `{s}` in column `{}` is not a number",
                    path.display(),
                    ln + 1,
                    header[c]
                ))
            })
        };
        let t = get(ct)?;
        if let Some(&prev) = tr.t.last() {
            if t <= prev {
                return Err(Error::Usage(format!(
                    "{}:{}: time {t} does not increase (previous {prev})",
                    path.display(),
                    ln + 1
                )));
            }
        }
        tr.t.push(t);
        tr.x.push(get(cx)?);
        tr.i.push(get(ci)?);
    }
    Ok(tr)
}

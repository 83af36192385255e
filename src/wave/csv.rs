//! CSV waveforms: one header line of signal names (the scale first: `time,v(out),i(v1)`),
//! then one line per point, every number in shortest round-trip form (it parses back to
//! the identical `f64`).
//!
//! The reader accepts what the writer writes and what the reference scripts produce:
//! comma-separated fields with optional surrounding spaces, blank lines and lines starting
//! with `#` ignored; the first column is the scale. Units follow from the names
//! (`v(..)` volts, `i(..)` amperes, `time` seconds).
//!
//! A complex signal (an `.ac` result) takes five columns (see
//! [`Waveforms::expand_complex`]): `vr(out) vi(out) vm(out) vp(out) vdb(out)`. The reader turns each `vr`/`vi` (`real`/`imag`)
//! pair back into one complex signal and drops the derived columns.

use std::io::Write;
use std::path::Path;

use super::num::push_roundtrip;
use super::{split_call, AtomicWriter, Signal, Unit, Waveforms};
use crate::error::Span;
use crate::{Error, Result};

/// Write `w` as CSV to `path` (atomically).
pub fn write_csv(path: &Path, w: &Waveforms) -> Result<()> {
    w.validate()?;
    let mut out = AtomicWriter::create(path)?;
    let io = |e| Error::io(path, e);
    let expanded;
    let w = if w.is_complex() {
        expanded = w.expand_complex();
        &expanded
    } else {
        w
    };
    let names: Vec<&str> = std::iter::once(w.scale.name.as_str())
        .chain(w.signals.iter().map(|s| s.name.as_str()))
        .collect();
    writeln!(out, "{}", names.join(",")).map_err(io)?;
    let mut line = String::new();
    for i in 0..w.len() {
        line.clear();
        push_roundtrip(&mut line, w.scale.values[i]);
        for s in &w.signals {
            line.push(',');
            push_roundtrip(&mut line, s.values[i]);
        }
        line.push('\n');
        out.write_all(line.as_bytes()).map_err(io)?;
    }
    out.commit()
}

/// Fold complex column groups (as [`super::complex_columns`] names them) back into complex
/// signals: the real column becomes the signal, the imaginary one its `imag`, and the
/// derived magnitude/phase/dB columns are dropped.
fn fold_complex(signals: Vec<Signal>) -> Vec<Signal> {
    let part = |n: &str| -> Option<(String, usize)> {
        let (f, arg) = split_call(n)?;
        let k = match f {
            "vr" | "ir" | "real" => 0,
            "vi" | "ii" | "imag" => 1,
            "vm" | "im" | "mag" => 2,
            "vp" | "ip" | "ph" => 3,
            "vdb" | "idb" | "db" => 4,
            _ => return None,
        };
        let base = match f.chars().next() {
            Some(c @ ('v' | 'i')) if f.len() <= 3 && f != "imag" => format!("{c}({arg})"),
            _ => arg.to_string(),
        };
        Some((base, k))
    };
    let has = |base: &str, k: usize| {
        signals
            .iter()
            .any(|s| part(&s.name) == Some((base.to_string(), k)))
    };
    let mut imag: std::collections::HashMap<String, Vec<f64>> = Default::default();
    for s in &signals {
        if let Some((base, 1)) = part(&s.name) {
            if has(&base, 0) {
                imag.insert(base, s.values.clone());
            }
        }
    }
    signals
        .into_iter()
        .filter_map(|s| match part(&s.name) {
            Some((base, k)) if imag.contains_key(&base) => {
                (k == 0).then(|| Signal::complex(base.clone(), s.values, imag[&base].clone()))
            }
            _ => Some(s),
        })
        .collect()
}

/// Read a CSV waveform file (see the module docs for the accepted form).
///
/// The title is the file stem; the plot name is "Transient Analysis" when the scale is
/// `time`, "DC transfer characteristic" for a `*-sweep` scale and "Operating Point" for a
/// single row otherwise.
pub fn read_csv(path: &Path) -> Result<Waveforms> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let title = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_csv(&text, path, &title)
}

/// Parse CSV text (as [`read_csv`]); `path` is only used in error messages.
pub fn parse_csv(text: &str, path: &Path, title: &str) -> Result<Waveforms> {
    let file = std::sync::Arc::new(path.to_path_buf());
    let span = |line: usize, col: usize, token: &str, src: &str| Span {
        file: file.clone(),
        line,
        col,
        token: token.to_string(),
        source_line: src.to_string(),
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let Some((hline, header)) = lines.next() else {
        return Err(Error::at(
            span(1, 1, "", ""),
            "empty CSV file: expected a header line of signal names",
            Some("the first line must name the columns, e.g. `time,v(out)`".into()),
        ));
    };
    let names: Vec<String> = header
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    let mut col = 1;
    for n in &names {
        if n.is_empty() {
            return Err(Error::at(
                span(hline, col, "", header),
                "empty column name in the CSV header",
                Some("every column needs a name, e.g. `time,v(out)`".into()),
            ));
        }
        if n.parse::<f64>().is_ok() {
            return Err(Error::at(
                span(hline, col, n, header),
                format!("the CSV header has a number `{n}` where a column name was expected"),
                Some("the first line must name the columns, e.g. `time,v(out)`".into()),
            ));
        }
        col += n.len() + 1;
    }
    for (i, n) in names.iter().enumerate() {
        if names[..i].contains(n) {
            return Err(Error::at(
                span(hline, 1, n, header),
                format!("column `{n}` appears twice in the CSV header"),
                None,
            ));
        }
    }
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for (lno, line) in lines {
        let mut n_fields = 0;
        let mut col = 1;
        for (k, field) in line.split(',').enumerate() {
            n_fields += 1;
            if k < names.len() {
                let f = field.trim();
                let v: f64 = f.parse().map_err(|_| {
                    let lead = field.len() - field.trim_start().len();
                    Error::at(
                        span(lno, col + lead, f, line),
                        format!(
                            "`{f}` in column `{}` is not a number",
                            names[k]
                        ),
                        Some("values must be plain decimal or scientific numbers (1e-9), without SPICE suffixes".into()),
                    )
                })?;
                cols[k].push(v);
            }
            col += field.chars().count() + 1;
        }
        if n_fields != names.len() {
            return Err(Error::at(
                span(lno, 1, line.trim(), line),
                format!(
                    "this CSV row has {n_fields} fields but the header names {}",
                    names.len()
                ),
                None,
            ));
        }
    }
    let mut signals: Vec<Signal> = names
        .into_iter()
        .zip(cols)
        .map(|(name, values)| Signal::new(name, values))
        .collect();
    let scale = signals.remove(0);
    let signals = fold_complex(signals);
    let plotname = if scale.name == "frequency" {
        "AC Analysis"
    } else if scale.unit == Unit::Time {
        "Transient Analysis"
    } else if scale.name.ends_with("sweep") || scale.name.ends_with("sweep)") {
        "DC transfer characteristic"
    } else if scale.values.len() == 1 {
        "Operating Point"
    } else {
        "Unknown"
    };
    Ok(Waveforms {
        title: title.to_string(),
        plotname: plotname.to_string(),
        scale,
        signals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Waveforms {
        Waveforms {
            title: "t".into(),
            plotname: "Transient Analysis".into(),
            scale: Signal::new("time", vec![0.0, 1e-9, 3.0000000000000004e-9]),
            signals: vec![
                Signal::new("v(out)", vec![0.0, 0.1 + 0.2, -1e-300]),
                Signal::new("i(v1)", vec![1.0 / 3.0, f64::MIN_POSITIVE, 7e22]),
            ],
        }
    }

    #[test]
    fn roundtrip_bit_exact() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.csv");
        let w = sample();
        write_csv(&p, &w).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().next(), Some("time,v(out),i(v1)"));
        let r = read_csv(&p).unwrap();
        assert_eq!(r.scale, w.scale);
        assert_eq!(r.signals, w.signals);
        assert_eq!(r.plotname, "Transient Analysis");
        assert_eq!(r.get("I(V1)").unwrap().unit, Unit::Current);
    }

    #[test]
    fn complex_signals_take_five_columns_and_read_back() {
        let w = Waveforms {
            title: "t".into(),
            plotname: "AC Analysis".into(),
            scale: Signal::new("frequency", vec![1.0, 10.0]),
            signals: vec![
                Signal::complex("v(out)", vec![1.0, 0.0], vec![0.0, -0.1]),
                Signal::complex("i(v1)", vec![-2e-3, 1e-4], vec![1e-3, 0.0]),
            ],
        };
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ac.csv");
        write_csv(&p, &w).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "frequency,vr(out),vi(out),vm(out),vp(out),vdb(out),\
                 ir(v1),ii(v1),im(v1),ip(v1),idb(v1)"
            )
        );
        let row: Vec<f64> = lines
            .nth(1)
            .unwrap()
            .split(',')
            .map(|f| f.parse().unwrap())
            .collect();
        assert_eq!(row[3], 0.1);
        assert!((row[4] + std::f64::consts::FRAC_PI_2).abs() < 1e-15);
        assert!((row[5] + 20.0).abs() < 1e-12);
        let r = read_csv(&p).unwrap();
        assert_eq!(r.plotname, "AC Analysis");
        assert_eq!(r.signals, w.signals);
        assert_eq!(super::super::complex_columns("gain")[3], "ph(gain)");
    }

    #[test]
    fn mismatched_lengths_are_refused() {
        let mut w = sample();
        w.signals[0].values.pop();
        let dir = tempfile::tempdir().unwrap();
        assert!(write_csv(&dir.path().join("x.csv"), &w).is_err());
    }

    fn err(text: &str) -> String {
        parse_csv(text, Path::new("ref.csv"), "r")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = err("time,v(a)\n0,1\n1,2x\n");
        assert!(
            e.starts_with("ref.csv:3:3: error: `2x` in column `v(a)` is not a number"),
            "{e}"
        );
        let e = err("time,v(a)\n0,1,2\n");
        assert!(
            e.starts_with("ref.csv:2:1: error: this CSV row has 3 fields but the header names 2"),
            "{e}"
        );
        let e = err("# only a comment\n\n");
        assert!(e.contains("empty CSV file"), "{e}");
        let e = err("0,1\n1,2\n");
        assert!(
            e.starts_with("ref.csv:1:1: error: the CSV header has a number `0`"),
            "{e}"
        );
        let e = err("time,v(a),v(a)\n");
        assert!(e.contains("column `v(a)` appears twice"), "{e}");
    }

    #[test]
    fn comments_spaces_and_sweeps() {
        let w = parse_csv(
            "# made by hand\nv-sweep , v(out)\n0, 1\n\n0.5 ,2e-3\n",
            Path::new("x"),
            "x",
        )
        .unwrap();
        assert_eq!(w.plotname, "DC transfer characteristic");
        assert_eq!(w.scale.values, vec![0.0, 0.5]);
        assert_eq!(w.signals[0].values, vec![1.0, 2e-3]);
        assert_eq!(w.scale.unit, Unit::Voltage);
    }
}

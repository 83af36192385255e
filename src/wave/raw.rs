//! ngspice raw files, ASCII and binary, as ngspice's `write` command and `-r` option make
//! them and as its `load` command reads them.
//!
//! A file holds one or more plots, one after the other. Each plot is a text header
//! ```text
//! Title: rc low-pass
//! Date: Sun Nov 29 05:38:59  2026
//! Plotname: Transient Analysis
//! Flags: real
//! No. Variables: 3
//! No. Points: 66
//! Variables:
//!     0   time    time
//!     1   v(out)  voltage
//!     2   i(v1)   current
//! ```
//! followed by `Values:` and, per point, its index and one value per line (ASCII), or by
//! `Binary:` and the values as little-endian `f64`s, point after point (binary).
//! (the variable lines are tab-separated: tab, index, tab, name, tab, type). Variable 0 is
//! the scale. A complex plot (`.ac`) says `Flags: complex` and writes every value, the scale
//! included, as a pair: `re,im` in ASCII, two `f64`s in binary.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use super::num::push_c_exp;
use super::{AtomicWriter, Signal, Unit, Waveforms};
use crate::error::Span;
use crate::{Error, Result};
use std::fmt::Write as _;

/// The ngspice type name of a unit.
fn type_name(u: &Unit) -> &str {
    match u {
        Unit::Time => "time",
        Unit::Voltage => "voltage",
        Unit::Current => "current",
        Unit::Other(u) if u == "Hz" => "frequency",
        Unit::Other(u) if u == "V/sqrt(Hz)" => "voltage-density",
        Unit::Other(u) if u == "A/sqrt(Hz)" => "current-density",
        Unit::Other(_) => "notype",
    }
}

/// The unit of an ngspice type name.
fn unit_of(type_name: &str) -> Unit {
    match type_name.to_ascii_lowercase().as_str() {
        "time" => Unit::Time,
        "voltage" => Unit::Voltage,
        "current" => Unit::Current,
        "frequency" => Unit::Other("Hz".into()),
        "voltage-density" => Unit::Other("V/sqrt(Hz)".into()),
        "current-density" => Unit::Other("A/sqrt(Hz)".into()),
        "temperature" => Unit::Other("C".into()),
        _ => Unit::Other(String::new()),
    }
}

/// Write `plots` to `path` as one ngspice raw file (atomically): ASCII when `ascii`,
/// binary otherwise. Every plot's signals must have one value per scale point.
pub fn write_raw(path: &Path, plots: &[Waveforms], ascii: bool) -> Result<()> {
    if plots.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no analysis results to write",
            path.display()
        )));
    }
    let mut out = AtomicWriter::create(path)?;
    let io = |e| Error::io(path, e);
    let date = date_string(std::time::SystemTime::now());
    for w in plots {
        w.validate()?;
        let title = one_line(&w.title);
        let vars: Vec<&Signal> = std::iter::once(&w.scale).chain(&w.signals).collect();
        let complex = w.is_complex();
        let im = |v: &Signal, i: usize| v.imag.get(i).copied().unwrap_or(0.0);
        write!(
            out,
            "Title: {title}\nDate: {date}\nPlotname: {}\nFlags: {}\nNo. Variables: {}\nNo. Points: {}\nVariables:\n",
            one_line(&w.plotname),
            if complex { "complex" } else { "real" },
            vars.len(),
            w.len()
        )
        .map_err(io)?;
        for (k, v) in vars.iter().enumerate() {
            writeln!(out, "\t{k}\t{}\t{}", v.name, type_name(&v.unit)).map_err(io)?;
        }
        if ascii {
            writeln!(out, "Values:").map_err(io)?;
            let mut buf = String::new();
            for i in 0..w.len() {
                buf.clear();
                let _ = write!(buf, " {i}");
                for v in &vars {
                    buf.push('\t');
                    // 17 significant digits: every f64 survives the round trip.
                    push_c_exp(&mut buf, v.values[i], 16);
                    if complex {
                        buf.push(',');
                        push_c_exp(&mut buf, im(v, i), 16);
                    }
                    buf.push('\n');
                }
                buf.push('\n');
                out.write_all(buf.as_bytes()).map_err(io)?;
            }
        } else {
            writeln!(out, "Binary:").map_err(io)?;
            let mut buf = Vec::with_capacity(vars.len() * 8);
            for i in 0..w.len() {
                buf.clear();
                for v in &vars {
                    buf.extend_from_slice(&v.values[i].to_le_bytes());
                    if complex {
                        buf.extend_from_slice(&im(v, i).to_le_bytes());
                    }
                }
                out.write_all(&buf).map_err(io)?;
            }
        }
    }
    out.commit()
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// `Sun Nov 29 05:38:59  2026` (ngspice's `ctime`-like form, UTC).
pub(crate) fn date_string(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MON: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {:2} {:02}:{:02}:{:02}  {year}",
        WD[days.rem_euclid(7) as usize],
        MON[(month - 1) as usize],
        day,
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// Read every plot of an ngspice raw file, ASCII or binary (or a mix).
pub fn read_raw(path: &Path) -> Result<Vec<Waveforms>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_raw(&bytes, path)
}

/// A cursor over the raw file's bytes that hands out text lines and counts them.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    file: Arc<std::path::PathBuf>,
}

impl<'a> Reader<'a> {
    /// The next text line without its line end, borrowed from the file when it is valid
    /// UTF-8 (no allocation per line of a large ASCII file).
    fn next_line(&mut self) -> Option<Cow<'a, str>> {
        let bytes: &'a [u8] = self.bytes;
        if self.pos >= bytes.len() {
            return None;
        }
        let rest = &bytes[self.pos..];
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        self.pos += (end + 1).min(rest.len());
        self.line += 1;
        let mut line = &rest[..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        Some(String::from_utf8_lossy(line))
    }

    fn err(&self, line: usize, src: &str, token: &str, msg: impl Into<String>) -> Error {
        let col = src.find(token).map(|c| c + 1).unwrap_or(1);
        Error::at(
            Span {
                file: self.file.clone(),
                line,
                col,
                token: token.to_string(),
                source_line: src.to_string(),
            },
            msg,
            None,
        )
    }
}

/// Parse the bytes of a raw file (as [`read_raw`]); `path` is only used in messages.
pub fn parse_raw(bytes: &[u8], path: &Path) -> Result<Vec<Waveforms>> {
    let mut r = Reader {
        bytes,
        pos: 0,
        line: 0,
        file: Arc::new(path.to_path_buf()),
    };
    let mut plots = Vec::new();
    loop {
        // Skip blank lines between plots.
        let start = r.pos;
        let start_line = r.line;
        let Some(l) = r.next_line() else { break };
        if l.trim().is_empty() {
            continue;
        }
        r.pos = start;
        r.line = start_line;
        plots.push(parse_plot(&mut r)?);
    }
    if plots.is_empty() {
        return Err(r.err(1, "", "", "empty raw file: expected a `Title:` line"));
    }
    Ok(plots)
}

fn parse_plot(r: &mut Reader) -> Result<Waveforms> {
    let mut title = String::new();
    let mut plotname = String::new();
    let mut nvars: Option<usize> = None;
    let mut npoints: Option<usize> = None;
    let mut vars: Vec<(String, Unit)> = Vec::new();
    let binary;
    let mut complex = false;
    loop {
        let Some(l) = r.next_line() else {
            return Err(r.err(
                r.line,
                "",
                "",
                "raw file ends inside a plot header: expected `Values:` or `Binary:`",
            ));
        };
        let lno = r.line;
        let Some((key, val)) = l.split_once(':') else {
            if l.trim().is_empty() {
                continue;
            }
            return Err(r.err(lno, &l, l.trim(), "expected a `Key: value` header line"));
        };
        let val = val.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "title" => title = val.to_string(),
            "plotname" => plotname = val.to_string(),
            "flags" => complex = val.to_ascii_lowercase().contains("complex"),
            "no. variables" => nvars = Some(parse_count(r, lno, &l, val)?),
            "no. points" => npoints = Some(parse_count(r, lno, &l, val)?),
            "variables" => {
                let n = nvars.ok_or_else(|| {
                    r.err(lno, &l, "Variables", "`Variables:` before `No. Variables:`")
                })?;
                for k in 0..n {
                    let Some(vl) = r.next_line() else {
                        return Err(r.err(r.line, "", "", format!("raw file ends in the variable list: expected {n} variables, found {k}")));
                    };
                    let f: Vec<&str> = vl.split_whitespace().collect();
                    if f.len() < 3 || f[0].parse::<usize>() != Ok(k) {
                        return Err(r.err(
                            r.line,
                            &vl,
                            vl.trim(),
                            format!("expected variable {k} as `index name type`"),
                        ));
                    }
                    vars.push((f[1].to_ascii_lowercase(), unit_of(f[2])));
                }
            }
            "values" => {
                binary = false;
                break;
            }
            "binary" => {
                binary = true;
                break;
            }
            // Date, Command, Option and other informational lines.
            _ => {}
        }
    }
    let hdr_line = r.line;
    let nvars =
        nvars.ok_or_else(|| r.err(hdr_line, "", "", "plot header without `No. Variables:`"))?;
    let npoints =
        npoints.ok_or_else(|| r.err(hdr_line, "", "", "plot header without `No. Points:`"))?;
    if vars.len() != nvars || nvars == 0 {
        return Err(r.err(
            hdr_line,
            "",
            "",
            format!(
                "plot header declares {nvars} variables but lists {}",
                vars.len()
            ),
        ));
    }
    let mut cols: Vec<Vec<f64>> = vec![Vec::with_capacity(npoints); nvars];
    let mut icols: Vec<Vec<f64>> = vec![Vec::new(); nvars];
    if complex {
        icols.iter_mut().for_each(|c| c.reserve(npoints));
    }
    if binary {
        let width = if complex { 16 } else { 8 };
        let need = npoints * nvars * width;
        let data = &r.bytes[r.pos..];
        if data.len() < need {
            return Err(r.err(
                hdr_line,
                "",
                "",
                format!(
                    "binary data is truncated: {npoints} points of {nvars} variables need {need} bytes, the file has {}",
                    data.len()
                ),
            ));
        }
        let f = |c: &[u8]| {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            f64::from_le_bytes(b)
        };
        for (k, chunk) in data[..need].chunks_exact(width).enumerate() {
            cols[k % nvars].push(f(&chunk[..8]));
            if complex {
                icols[k % nvars].push(f(&chunk[8..]));
            }
        }
        r.pos += need;
    } else {
        // Tokens: per point an index, then nvars values; line breaks are free.
        let mut expect_index = true;
        let mut k = 0usize;
        let mut point = 0usize;
        while point < npoints {
            let Some(l) = r.next_line() else {
                return Err(r.err(
                    r.line,
                    "",
                    "",
                    format!("raw file ends after {point} of {npoints} points"),
                ));
            };
            let lno = r.line;
            for tok in l.split_whitespace() {
                if expect_index {
                    if tok.parse::<usize>() != Ok(point) {
                        return Err(r.err(lno, &l, tok, format!("expected point index {point}")));
                    }
                    expect_index = false;
                    continue;
                }
                let bad = |_| {
                    r.err(
                        lno,
                        &l,
                        tok,
                        format!(
                            "`{tok}` is not a number (variable {} of point {point})",
                            vars[k].0
                        ),
                    )
                };
                if complex {
                    let (re, im) = tok.split_once(',').unwrap_or((tok, "0"));
                    cols[k].push(re.parse().map_err(bad)?);
                    icols[k].push(im.parse().map_err(bad)?);
                } else {
                    cols[k].push(tok.parse().map_err(bad)?);
                }
                k += 1;
                if k == nvars {
                    k = 0;
                    point += 1;
                    expect_index = true;
                    if point == npoints {
                        break;
                    }
                }
            }
        }
    }
    let mut signals: Vec<Signal> = vars
        .into_iter()
        .zip(cols.into_iter().zip(icols))
        .map(|((name, unit), (values, imag))| Signal {
            name,
            unit,
            values,
            imag,
        })
        .collect();
    let mut scale = signals.remove(0);
    // ngspice writes the frequency of a complex plot as a pair with a zero imaginary part.
    scale.imag.clear();
    Ok(Waveforms {
        title,
        plotname,
        scale,
        signals,
    })
}

fn parse_count(r: &Reader, lno: usize, l: &str, val: &str) -> Result<usize> {
    val.parse()
        .map_err(|_| r.err(lno, l, val, format!("`{val}` is not a count")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plots() -> Vec<Waveforms> {
        let t: Vec<f64> = (0..7).map(|i| i as f64 * 1.1e-10).collect();
        vec![
            Waveforms {
                title: "rc low-pass".into(),
                plotname: "Transient Analysis".into(),
                signals: vec![
                    Signal::new("v(out)", t.iter().map(|x| (x * 1e9).sin()).collect()),
                    Signal::new("i(v1)", t.iter().map(|x| -x * 1e6 / 3.0).collect()),
                ],
                scale: Signal::new("time", t),
            },
            Waveforms {
                title: "rc low-pass".into(),
                plotname: "DC transfer characteristic".into(),
                scale: Signal::new("v(v-sweep)", vec![0.0, 0.5, 1.0]),
                signals: vec![Signal::new("v(x1.n1)", vec![0.1, 0.2, 1e-300])],
            },
        ]
    }

    #[test]
    fn roundtrip_both_forms() {
        let dir = tempfile::tempdir().unwrap();
        for ascii in [true, false] {
            let p = dir.path().join(format!("r{ascii}.raw"));
            write_raw(&p, &plots(), ascii).unwrap();
            let back = read_raw(&p).unwrap();
            assert_eq!(back, plots(), "ascii={ascii}");
        }
    }

    #[test]
    fn header_matches_ngspice_layout() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.raw");
        write_raw(&p, &plots()[..1], true).unwrap();
        let s = std::fs::read_to_string(&p).unwrap();
        let l: Vec<&str> = s.lines().collect();
        assert_eq!(l[0], "Title: rc low-pass");
        assert!(l[1].starts_with("Date: "));
        assert_eq!(l[2], "Plotname: Transient Analysis");
        assert_eq!(l[3], "Flags: real");
        assert_eq!(l[4], "No. Variables: 3");
        assert_eq!(l[5], "No. Points: 7");
        assert_eq!(l[6], "Variables:");
        assert_eq!(l[7], "\t0\ttime\ttime");
        assert_eq!(l[8], "\t1\tv(out)\tvoltage");
        assert_eq!(l[9], "\t2\ti(v1)\tcurrent");
        assert_eq!(l[10], "Values:");
        assert_eq!(l[11], " 0\t0.0000000000000000e+00");
    }

    #[test]
    fn date_format() {
        // 2026-11-29 05:38:59 UTC was a Sunday.
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_930_739);
        assert_eq!(date_string(t), "Sun Nov 29 05:38:59  2026");
        assert_eq!(
            date_string(std::time::UNIX_EPOCH),
            "Thu Jan  1 00:00:00  1970"
        );
    }

    #[test]
    fn complex_plots_round_trip_ascii_and_binary() {
        let w = Waveforms {
            title: "ac".into(),
            plotname: "AC Analysis".into(),
            scale: Signal {
                name: "frequency".into(),
                unit: Unit::Other("Hz".into()),
                values: vec![1.0, 10.0],
                imag: Vec::new(),
            },
            signals: vec![Signal::complex(
                "v(out)",
                vec![0.5, -0.25],
                vec![-0.5, 1e-3],
            )],
        };
        let dir = tempfile::tempdir().unwrap();
        for ascii in [true, false] {
            let p = dir.path().join("ac.raw");
            write_raw(&p, std::slice::from_ref(&w), ascii).unwrap();
            let text = std::fs::read(&p).unwrap();
            let head = String::from_utf8_lossy(&text[..120]).to_string();
            assert!(head.contains("Flags: complex"), "{head}");
            let back = read_raw(&p).unwrap();
            assert_eq!(back[0].signals, w.signals);
            assert_eq!(back[0].scale.values, w.scale.values);
            assert_eq!(back[0].scale.unit, w.scale.unit);
        }
    }

    #[test]
    fn bad_files_give_located_errors() {
        let e = parse_raw(
            b"Title: x\nPlotname: p\nFlags: complex\n",
            Path::new("a.raw"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("a.raw:3:1: error: raw file ends inside"),
            "{e}"
        );
        let txt = b"Title: x\nNo. Variables: 2\nNo. Points: 2\nVariables:\n\t0\ttime\ttime\n\t1\tv(a)\tvoltage\nValues:\n 0\t0\n\t1\n 1\t1e-9\n\tzz\n";
        let e = parse_raw(txt, Path::new("a.raw")).unwrap_err().to_string();
        assert!(
            e.starts_with("a.raw:11:2: error: `zz` is not a number (variable v(a) of point 1)"),
            "{e}"
        );
        let mut bin = b"Title: x\nNo. Variables: 2\nNo. Points: 2\nVariables:\n\t0\ttime\ttime\n\t1\tv(a)\tvoltage\nBinary:\n".to_vec();
        bin.extend_from_slice(&[0u8; 24]);
        let e = parse_raw(&bin, Path::new("b.raw")).unwrap_err().to_string();
        assert!(
            e.contains(
                "binary data is truncated: 2 points of 2 variables need 32 bytes, the file has 24"
            ),
            "{e}"
        );
        assert!(parse_raw(b"\n\n", Path::new("c.raw")).is_err());
    }
}

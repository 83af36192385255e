//! OVF 2.0 vector-field files, as mumax3 and OOMMF write them and as ubermag reads them.
//!
//! One segment, rectangular mesh, `meshunit: m`. Data are stored with x varying fastest,
//! then y, then z; each node carries `valuedim` components (3 for magnetisation). Three data
//! encodings:
//! - `Binary 4`: little-endian `f32`, preceded by the check value `1234567.0`,
//! - `Binary 8`: little-endian `f64`, preceded by the check value `123456789012345.0`,
//! - `Text`: one node per line, components separated by spaces.
//!
//! Snapshot files are named as mumax3 names them: [`snapshot_name`]`("m", 0)` = `m000000.ovf`.
//! Files are written atomically (temporary file in the same directory, then rename).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result, Span};

/// Check value that opens `Binary 4` data (OVF 2.0 specification).
const CHECK4: f32 = 1_234_567.0;
/// Check value that opens `Binary 8` data (OVF 2.0 specification).
const CHECK8: f64 = 123_456_789_012_345.0;

/// How the data block is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OvfFormat {
    /// 4-byte little-endian floats (mumax3's default).
    Binary4,
    /// 8-byte little-endian floats.
    Binary8,
    /// Decimal text, one node per line.
    Text,
}

impl OvfFormat {
    /// The name written after `# Begin: Data `.
    pub fn tag(self) -> &'static str {
        match self {
            OvfFormat::Binary4 => "Binary 4",
            OvfFormat::Binary8 => "Binary 8",
            OvfFormat::Text => "Text",
        }
    }
}

/// A field sampled on a rectangular mesh of `nodes[0] x nodes[1] x nodes[2]` cells.
#[derive(Debug, Clone, PartialEq)]
pub struct OvfField {
    /// `# Title:` (mumax3 writes the quantity name, e.g. `m`).
    pub title: String,
    /// Cells along x, y, z.
    pub nodes: [usize; 3],
    /// Cell size along x, y, z (m).
    pub step: [f64; 3],
    /// Lower corner of the mesh (xmin, ymin, zmin) (m).
    pub min: [f64; 3],
    /// Component labels (`m_x m_y m_z`); one per component.
    pub labels: Vec<String>,
    /// Component units (`1 1 1`); one per component.
    pub units: Vec<String>,
    /// `# Desc:` lines (e.g. `Total simulation time:  1e-9  s`).
    pub desc: Vec<String>,
    /// Values: node index `ix + nx*(iy + ny*iz)`, component `c` at `node*valuedim + c`.
    pub data: Vec<f64>,
}

impl OvfField {
    /// A unit-vector field `m` (labels `m_x m_y m_z`, units `1`), origin at 0.
    pub fn magnetisation(nodes: [usize; 3], step: [f64; 3], data: Vec<f64>) -> Self {
        OvfField {
            title: "m".into(),
            nodes,
            step,
            min: [0.0; 3],
            labels: vec!["m_x".into(), "m_y".into(), "m_z".into()],
            units: vec!["1".into(), "1".into(), "1".into()],
            desc: Vec::new(),
            data,
        }
    }

    /// Number of components per node.
    pub fn valuedim(&self) -> usize {
        self.labels.len()
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes[0] * self.nodes[1] * self.nodes[2]
    }

    /// True for an empty mesh.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of component `c` at cell `(ix, iy, iz)`.
    pub fn get(&self, ix: usize, iy: usize, iz: usize, c: usize) -> f64 {
        let n = ix + self.nodes[0] * (iy + self.nodes[1] * iz);
        self.data[n * self.valuedim() + c]
    }

    /// The complete file contents in `format`.
    pub fn to_bytes(&self, format: OvfFormat) -> Vec<u8> {
        let mut h = String::new();
        let mut line = |s: String| {
            h.push_str("# ");
            h.push_str(&s);
            h.push('\n');
        };
        line("OOMMF OVF 2.0".into());
        line("Segment count: 1".into());
        line("Begin: Segment".into());
        line("Begin: Header".into());
        line(format!("Title: {}", self.title));
        line("meshtype: rectangular".into());
        line("meshunit: m".into());
        let max: Vec<f64> = (0..3)
            .map(|i| self.min[i] + self.nodes[i] as f64 * self.step[i])
            .collect();
        for (i, a) in ["x", "y", "z"].iter().enumerate() {
            line(format!("{a}min: {}", fmt_g(self.min[i])));
        }
        for (i, a) in ["x", "y", "z"].iter().enumerate() {
            line(format!("{a}max: {}", fmt_g(max[i])));
        }
        line(format!("valuedim: {}", self.valuedim()));
        line(format!("valuelabels: {}", self.labels.join(" ")));
        line(format!("valueunits: {}", self.units.join(" ")));
        for d in &self.desc {
            line(format!("Desc: {d}"));
        }
        for (i, a) in ["x", "y", "z"].iter().enumerate() {
            // Cell centres: the first node sits half a cell in from the lower corner.
            line(format!(
                "{a}base: {}",
                fmt_g(self.min[i] + 0.5 * self.step[i])
            ));
        }
        for (i, a) in ["x", "y", "z"].iter().enumerate() {
            line(format!("{a}nodes: {}", self.nodes[i]));
        }
        for (i, a) in ["x", "y", "z"].iter().enumerate() {
            line(format!("{a}stepsize: {}", fmt_g(self.step[i])));
        }
        line("End: Header".into());
        line(format!("Begin: Data {}", format.tag()));
        let mut out = h.into_bytes();
        match format {
            OvfFormat::Binary4 => {
                out.extend_from_slice(&CHECK4.to_le_bytes());
                for &v in &self.data {
                    out.extend_from_slice(&(v as f32).to_le_bytes());
                }
                out.push(b'\n');
            }
            OvfFormat::Binary8 => {
                out.extend_from_slice(&CHECK8.to_le_bytes());
                for &v in &self.data {
                    out.extend_from_slice(&v.to_le_bytes());
                }
                out.push(b'\n');
            }
            OvfFormat::Text => {
                let vd = self.valuedim().max(1);
                let mut s = String::new();
                for node in self.data.chunks(vd) {
                    let parts: Vec<String> = node.iter().map(|v| format!("{v:e}")).collect();
                    s.push_str(&parts.join(" "));
                    s.push('\n');
                }
                out.extend_from_slice(s.as_bytes());
            }
        }
        out.extend_from_slice(format!("# End: Data {}\n# End: Segment\n", format.tag()).as_bytes());
        out
    }

    /// Write the field to `path` atomically.
    pub fn write(&self, path: &Path, format: OvfFormat) -> Result<()> {
        crate::wave::atomic::write_atomic(path, &self.to_bytes(format))
    }

    /// Read an OVF 2.0 file (any of the three encodings).
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&bytes, path)
    }

    /// Parse OVF 2.0 bytes; `path` names the source in error messages.
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Self> {
        Parser::new(bytes, path).parse()
    }
}

/// The file name mumax3 gives snapshot number `index` of quantity `name`: `m000042.ovf`.
pub fn snapshot_name(name: &str, index: usize) -> String {
    format!("{name}{index:06}.ovf")
}

/// Decimal form of `v` rounded to 15 significant digits (so 3 x 2e-9 prints as 6e-9, not
/// 6.000000000000001e-9), shortest form of that.
fn fmt_g(v: f64) -> String {
    let v: f64 = format!("{v:.14e}").parse().unwrap_or(v);
    if v == 0.0 {
        "0".into()
    } else if (1e-4..1e6).contains(&v.abs()) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Line-oriented header parser over the raw bytes (the data block may be binary).
struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    file: Arc<PathBuf>,
}

#[derive(Default)]
struct Header {
    title: Option<String>,
    nodes: [Option<usize>; 3],
    step: [Option<f64>; 3],
    min: [Option<f64>; 3],
    valuedim: Option<usize>,
    labels: Vec<String>,
    units: Vec<String>,
    desc: Vec<String>,
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8], path: &Path) -> Self {
        Parser {
            bytes,
            pos: 0,
            line: 0,
            file: Arc::new(path.to_path_buf()),
        }
    }

    /// The next physical line (without the newline), or None at end of input.
    fn next_line(&mut self) -> Option<String> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let rest = &self.bytes[self.pos..];
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let text = String::from_utf8_lossy(&rest[..end])
            .trim_end_matches('\r')
            .to_string();
        self.pos += (end + 1).min(rest.len());
        self.line += 1;
        Some(text)
    }

    fn err(&self, source_line: &str, token: &str, msg: String, help: Option<&str>) -> Error {
        let col = source_line.find(token).map(|c| c + 1).unwrap_or(1);
        Error::at(
            Span {
                file: self.file.clone(),
                line: self.line.max(1),
                col,
                token: token.to_string(),
                source_line: source_line.to_string(),
            },
            msg,
            help.map(str::to_string),
        )
    }

    fn parse(mut self) -> Result<OvfField> {
        let first = self.next_line().unwrap_or_default();
        if !first.trim().eq_ignore_ascii_case("# OOMMF OVF 2.0") {
            return Err(self.err(
                &first,
                first.trim(),
                "not an OVF 2.0 file (the first line must be `# OOMMF OVF 2.0`)".into(),
                Some("spinspice reads OVF 2.0 (mumax3, OOMMF 1.2+, ubermag)"),
            ));
        }
        let mut h = Header::default();
        loop {
            let Some(l) = self.next_line() else {
                return Err(self.err("", "", "file ends before `# Begin: Data`".into(), None));
            };
            let t = l.trim();
            if t.is_empty() {
                continue;
            }
            let Some(body) = t.strip_prefix('#') else {
                return Err(self.err(&l, t, "expected a `#` header line".into(), None));
            };
            let body = body.trim_start_matches('#').trim();
            let Some((key, value)) = body.split_once(':') else {
                continue;
            };
            let key_l = key.trim().to_ascii_lowercase();
            let value = value.trim();
            if key_l == "begin" && value.to_ascii_lowercase().starts_with("data") {
                let fmt = value[4..].trim().to_ascii_lowercase();
                let format = match fmt.as_str() {
                    "binary 4" => OvfFormat::Binary4,
                    "binary 8" => OvfFormat::Binary8,
                    "text" => OvfFormat::Text,
                    _ => {
                        return Err(self.err(
                            &l,
                            value,
                            format!("unknown data format `{value}`"),
                            Some("expected `Data Binary 4`, `Data Binary 8` or `Data Text`"),
                        ))
                    }
                };
                let field = self.finish_header(h, &l)?;
                return self.read_data(field, format, &l);
            }
            self.header_entry(&mut h, &key_l, value, &l)?;
        }
    }

    fn header_entry(&self, h: &mut Header, key: &str, value: &str, l: &str) -> Result<()> {
        let axis = |k: &str| match k.as_bytes().first() {
            Some(b'x') => 0,
            Some(b'y') => 1,
            _ => 2,
        };
        let num = |v: &str| -> Result<f64> {
            v.parse::<f64>()
                .map_err(|_| self.err(l, v, format!("`{key}` needs a number, found `{v}`"), None))
        };
        match key {
            "title" => h.title = Some(value.to_string()),
            "desc" => h.desc.push(value.to_string()),
            "meshtype" if !value.eq_ignore_ascii_case("rectangular") => {
                return Err(self.err(
                    l,
                    value,
                    format!("meshtype `{value}` is not supported"),
                    Some("only `rectangular` meshes are read"),
                ))
            }
            "meshunit" if value != "m" => {
                return Err(self.err(
                    l,
                    value,
                    format!("meshunit `{value}` is not supported"),
                    Some("spinspice reads meshes in metres (`meshunit: m`)"),
                ))
            }
            "xnodes" | "ynodes" | "znodes" => {
                let n: usize = value.parse().map_err(|_| {
                    self.err(l, value, format!("`{key}` needs a positive integer"), None)
                })?;
                h.nodes[axis(key)] = Some(n);
            }
            "xstepsize" | "ystepsize" | "zstepsize" => h.step[axis(key)] = Some(num(value)?),
            "xmin" | "ymin" | "zmin" => h.min[axis(key)] = Some(num(value)?),
            "valuedim" => {
                let n: usize = value.parse().map_err(|_| {
                    self.err(l, value, "`valuedim` needs a positive integer".into(), None)
                })?;
                h.valuedim = Some(n);
            }
            "valuelabels" => h.labels = value.split_whitespace().map(str::to_string).collect(),
            "valueunits" => h.units = value.split_whitespace().map(str::to_string).collect(),
            _ => {}
        }
        Ok(())
    }

    fn finish_header(&self, h: Header, l: &str) -> Result<OvfField> {
        let missing = |what: &str| {
            self.err(
                l,
                "",
                format!("the header lacks `{what}`"),
                Some("an OVF 2.0 rectangular header needs xnodes/ynodes/znodes, x/y/zstepsize and valuedim"),
            )
        };
        let mut nodes = [0usize; 3];
        let mut step = [0f64; 3];
        for i in 0..3 {
            let a = ["x", "y", "z"][i];
            nodes[i] = h.nodes[i].ok_or_else(|| missing(&format!("{a}nodes")))?;
            step[i] = h.step[i].ok_or_else(|| missing(&format!("{a}stepsize")))?;
        }
        let vd = h.valuedim.ok_or_else(|| missing("valuedim"))?;
        if vd == 0 {
            return Err(self.err(l, "", "valuedim must be at least 1".into(), None));
        }
        let mut labels = h.labels;
        labels.resize(vd, String::new());
        let mut units = h.units;
        units.resize(vd, "1".into());
        Ok(OvfField {
            title: h.title.unwrap_or_default(),
            nodes,
            step,
            min: h.min.map(|m| m.unwrap_or(0.0)),
            labels,
            units,
            desc: h.desc,
            data: Vec::new(),
        })
    }

    fn read_data(mut self, mut f: OvfField, format: OvfFormat, l: &str) -> Result<OvfField> {
        let count = f
            .nodes
            .iter()
            .try_fold(f.valuedim(), |a, &n| a.checked_mul(n))
            .ok_or_else(|| self.err(l, "", "mesh too large".into(), None))?;
        let short = |p: &Self, what: &str| {
            p.err(
                l,
                "",
                format!(
                    "the data block is shorter than the header says ({count} values of {what})"
                ),
                Some("the file may be truncated"),
            )
        };
        match format {
            OvfFormat::Binary4 | OvfFormat::Binary8 => {
                let w = if format == OvfFormat::Binary4 { 4 } else { 8 };
                let need = count
                    .checked_add(1)
                    .and_then(|c| c.checked_mul(w))
                    .ok_or_else(|| self.err(l, "", "mesh too large".into(), None))?;
                let block = self
                    .bytes
                    .get(self.pos..self.pos + need)
                    .ok_or_else(|| short(&self, format.tag()))?;
                let vals: Vec<f64> = if w == 4 {
                    block
                        .chunks_exact(4)
                        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64)
                        .collect()
                } else {
                    block
                        .chunks_exact(8)
                        .map(|c| {
                            let mut a = [0u8; 8];
                            a.copy_from_slice(c);
                            f64::from_le_bytes(a)
                        })
                        .collect()
                };
                let check = if w == 4 { CHECK4 as f64 } else { CHECK8 };
                if vals[0] != check {
                    return Err(self.err(
                        l,
                        format.tag(),
                        format!(
                            "bad check value {} (expected {check}); the data are not little-endian {}",
                            vals[0],
                            format.tag()
                        ),
                        None,
                    ));
                }
                f.data = vals[1..].to_vec();
            }
            OvfFormat::Text => {
                f.data.reserve(count);
                while f.data.len() < count {
                    let Some(line) = self.next_line() else {
                        return Err(short(&self, "text"));
                    };
                    let t = line.trim();
                    if t.starts_with('#') {
                        return Err(short(&self, "text"));
                    }
                    for tok in t.split_whitespace() {
                        let v = tok.parse::<f64>().map_err(|_| {
                            self.err(&line, tok, format!("`{tok}` is not a number"), None)
                        })?;
                        f.data.push(v);
                    }
                }
                if f.data.len() != count {
                    return Err(self.err(
                        l,
                        "",
                        format!("{} values in the text data, expected {count}", f.data.len()),
                        None,
                    ));
                }
            }
        }
        Ok(f)
    }
}

#[cfg(test)]
#[path = "ovf_tests.rs"]
mod tests;

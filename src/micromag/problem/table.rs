//! Output files of a micromagnetic run: the table (`table.csv` + `units.txt`) and the m_z
//! map (`mz.svg`). Every file is written atomically.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::wave::atomic::write_atomic;

/// A table with one header line of column names and one row per output time, as CSV.
#[derive(Debug, Clone)]
pub struct Table {
    path: PathBuf,
    names: Vec<String>,
    units: Vec<String>,
    descriptions: Vec<String>,
    text: String,
    rows: usize,
}

impl Table {
    /// A table that will live at `path`; columns are (name, unit, description).
    pub fn new(path: &Path, columns: &[(String, String, String)]) -> Self {
        let names: Vec<String> = columns.iter().map(|c| c.0.clone()).collect();
        let mut text = names.join(",");
        text.push('\n');
        Table {
            path: path.to_path_buf(),
            units: columns.iter().map(|c| c.1.clone()).collect(),
            descriptions: columns.iter().map(|c| c.2.clone()).collect(),
            names,
            text,
            rows: 0,
        }
    }

    /// Column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Append one row (must have one value per column).
    pub fn push(&mut self, values: &[f64]) {
        debug_assert_eq!(values.len(), self.names.len());
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            // Shortest representation that reads back to the same f64.
            let _ = write!(self.text, "{v:e}");
        }
        self.text.push('\n');
        self.rows += 1;
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The CSV text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Write `table.csv` (atomically, the whole table so far).
    pub fn flush(&self) -> Result<()> {
        write_atomic(&self.path, self.text.as_bytes())
    }

    /// The units file: one line per column, `name<TAB>unit<TAB>description`.
    pub fn units_text(&self) -> String {
        let mut s = String::from("# Columns of table.csv: name, SI unit, meaning\n");
        for i in 0..self.names.len() {
            let _ = writeln!(
                s,
                "{}\t{}\t{}",
                self.names[i], self.units[i], self.descriptions[i]
            );
        }
        s
    }
}

/// An SVG map of m_z in one z slice: blue (-1) - white (0) - red (+1), non-magnetic cells
/// grey; x to the right, y up, one rectangle per run of equal colour in a row.
pub fn mz_svg(
    n: [usize; 3],
    cell: [f64; 3],
    m: &[[f64; 3]],
    magnetic: &[bool],
    iz: usize,
    title: &str,
) -> String {
    let [nx, ny, _] = n;
    let scale = 600.0 / (nx as f64 * cell[0]).max(ny as f64 * cell[1]);
    let (pw, ph) = (cell[0] * scale, cell[1] * scale);
    let (w, h) = (nx as f64 * pw, ny as f64 * ph);
    let colour = |c: usize| -> String {
        if !magnetic[c] {
            return "#c8c8c8".into();
        }
        let z = m[c][2].clamp(-1.0, 1.0);
        // 64 levels are enough for the eye and merge runs.
        let q = ((z + 1.0) * 32.0).round() / 32.0 - 1.0;
        let (r, g, b) = if q >= 0.0 {
            (255.0, 255.0 * (1.0 - q), 255.0 * (1.0 - q))
        } else {
            (255.0 * (1.0 + q), 255.0 * (1.0 + q), 255.0)
        };
        format!("#{:02x}{:02x}{:02x}", r as u8, g as u8, b as u8)
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0}\" height=\"{:.0}\" viewBox=\"0 0 {w:.3} {:.3}\">",
        w,
        h + 24.0,
        h + 24.0
    );
    let _ = writeln!(s, "<title>{}</title>", escape(title));
    for iy in 0..ny {
        let y = h - (iy as f64 + 1.0) * ph;
        let mut ix = 0;
        while ix < nx {
            let c0 = ix + nx * (iy + ny * iz);
            let col = colour(c0);
            let mut end = ix + 1;
            while end < nx && colour(end + nx * (iy + ny * iz)) == col {
                end += 1;
            }
            let _ = writeln!(
                s,
                "<rect x=\"{:.3}\" y=\"{y:.3}\" width=\"{:.3}\" height=\"{ph:.3}\" fill=\"{col}\"/>",
                ix as f64 * pw,
                (end - ix) as f64 * pw + 0.01
            );
            ix = end;
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"4\" y=\"{:.1}\" font-family=\"sans-serif\" font-size=\"14\">m_z, layer z = {iz}: blue -1, white 0, red +1; {:.0} x {:.0} nm</text>",
        h + 18.0,
        nx as f64 * cell[0] * 1e9,
        ny as f64 * cell[1] * 1e9
    );
    s.push_str("</svg>\n");
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_csv_and_units() {
        let dir = tempfile::tempdir().unwrap();
        let cols: Vec<(String, String, String)> = [("t", "s", "time"), ("mx", "1", "avg")]
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        let mut t = Table::new(&dir.path().join("table.csv"), &cols);
        t.push(&[0.0, 1.0]);
        t.push(&[1e-11, -0.5]);
        t.flush().unwrap();
        let s = std::fs::read_to_string(dir.path().join("table.csv")).unwrap();
        assert_eq!(s, "t,mx\n0e0,1e0\n1e-11,-5e-1\n");
        let back: Vec<f64> = s
            .lines()
            .nth(2)
            .unwrap()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        assert_eq!(back, vec![1e-11, -0.5]);
        assert!(t.units_text().contains("t\ts\ttime\n"));
    }

    #[test]
    fn svg_colours_and_runs() {
        // 3 x 1 cells: up, up, down -> one red run of 2 cells and one blue cell.
        let m = vec![[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, -1.0]];
        let s = mz_svg([3, 1, 1], [1e-9; 3], &m, &[true; 3], 0, "a<b");
        assert_eq!(s.matches("fill=\"#ff0000\"").count(), 1);
        assert_eq!(s.matches("fill=\"#0000ff\"").count(), 1);
        assert!(s.contains("<title>a&lt;b</title>"));
    }
}

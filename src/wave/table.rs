//! Column tables written row by row: the mumax3-style table and plain CSV.
//!
//! * [`TableFormat::Mumax`] (mumax3's `table.txt`): a header line
//!   `# t (s)\tmx ()\tmy ()\tmz ()` (a `#`, then each column's name and unit in
//!   parentheses, tab-separated), then tab-separated rows.
//! * [`TableFormat::Csv`]: one header line of column names (`t,mx,my,mz`), then
//!   comma-separated rows: plain CSV any tool reads. Units are not in the file; document
//!   them beside it (or use `CsvUnits`).
//! * [`TableFormat::CsvUnits`]: as `Csv`, with a second line giving each column's unit
//!   (`s,,,` — empty for dimensionless), for readers that want units in the file.
//!
//! Numbers are written in shortest round-trip form. The file appears at its path only on
//! [`TableWriter::finish`] (written atomically); rows stream to a temporary file first,
//! so long runs do not hold the table in memory.

use std::io::Write;
use std::path::Path;

use super::num::push_roundtrip;
use super::AtomicWriter;
use crate::{Error, Result};

/// The layout of a table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// mumax3's tab-separated table with `# name (unit)` header.
    Mumax,
    /// Plain CSV, one header line of names.
    Csv,
    /// CSV with a header line of names and a second line of units.
    CsvUnits,
}

/// A streaming table writer.
#[derive(Debug)]
pub struct TableWriter {
    out: AtomicWriter,
    ncols: usize,
    sep: char,
    rows: usize,
}

impl TableWriter {
    /// A table at `path` with `columns` (name, SI unit; `""` for dimensionless); the format
    /// follows the extension: `.csv` is [`TableFormat::Csv`], anything else
    /// [`TableFormat::Mumax`].
    pub fn new(path: &Path, columns: &[(&str, &str)]) -> Result<TableWriter> {
        let csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let fmt = if csv {
            TableFormat::Csv
        } else {
            TableFormat::Mumax
        };
        TableWriter::with_format(path, columns, fmt)
    }

    /// A table at `path` in the given format.
    pub fn with_format(
        path: &Path,
        columns: &[(&str, &str)],
        format: TableFormat,
    ) -> Result<TableWriter> {
        if columns.is_empty() {
            return Err(Error::Usage(format!(
                "{}: a table needs at least one column",
                path.display()
            )));
        }
        for (name, _) in columns {
            let bad = name.is_empty()
                || name.contains(['\n', '\r', '\t'])
                || (format != TableFormat::Mumax && name.contains(','));
            if bad {
                return Err(Error::Usage(format!(
                    "{}: column name {name:?} cannot be written in this table format",
                    path.display()
                )));
            }
        }
        let mut out = AtomicWriter::create(path)?;
        let header = match format {
            TableFormat::Mumax => {
                let cols: Vec<String> = columns.iter().map(|(n, u)| format!("{n} ({u})")).collect();
                format!("# {}\n", cols.join("\t"))
            }
            TableFormat::Csv | TableFormat::CsvUnits => {
                let names: Vec<&str> = columns.iter().map(|c| c.0).collect();
                let mut h = format!("{}\n", names.join(","));
                if format == TableFormat::CsvUnits {
                    let units: Vec<&str> = columns.iter().map(|c| c.1).collect();
                    h.push_str(&format!("{}\n", units.join(",")));
                }
                h
            }
        };
        out.write_all(header.as_bytes())
            .map_err(|e| Error::io(path, e))?;
        Ok(TableWriter {
            out,
            ncols: columns.len(),
            sep: if format == TableFormat::Mumax {
                '\t'
            } else {
                ','
            },
            rows: 0,
        })
    }

    /// Append one row; it must have one value per column.
    pub fn row(&mut self, values: &[f64]) -> Result<()> {
        if values.len() != self.ncols {
            return Err(Error::Usage(format!(
                "{}: table row has {} values for {} columns",
                self.out.path().display(),
                values.len(),
                self.ncols
            )));
        }
        let mut line = String::with_capacity(values.len() * 24);
        for (k, v) in values.iter().enumerate() {
            if k > 0 {
                line.push(self.sep);
            }
            push_roundtrip(&mut line, *v);
        }
        line.push('\n');
        let path = self.out.path().to_path_buf();
        self.out
            .write_all(line.as_bytes())
            .map_err(|e| Error::io(path, e))?;
        self.rows += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Flush and move the table into place.
    pub fn finish(self) -> Result<()> {
        self.out.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mumax_layout() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("table.txt");
        let mut t = TableWriter::new(&p, &[("t", "s"), ("mx", ""), ("B_extz", "T")]).unwrap();
        t.row(&[0.0, 1.0, 0.05]).unwrap();
        t.row(&[1e-12, 0.9999999999999999, -2.5e-3]).unwrap();
        assert!(!p.exists(), "appears only on finish");
        assert_eq!(t.rows(), 2);
        t.finish().unwrap();
        let s = std::fs::read_to_string(&p).unwrap();
        assert_eq!(
            s,
            "# t (s)\tmx ()\tB_extz (T)\n0\t1\t0.05\n1e-12\t0.9999999999999999\t-0.0025\n"
        );
    }

    #[test]
    fn csv_variants_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("table.csv");
        let mut t = TableWriter::new(&p, &[("t", "s"), ("mz", "")]).unwrap();
        t.row(&[2e-9, -0.5]).unwrap();
        assert!(t.row(&[1.0]).is_err());
        t.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "t,mz\n2e-9,-0.5\n");
        // Plain CSV is what wave::csv reads.
        let w = crate::wave::csv::read_csv(&p).unwrap();
        assert_eq!(w.scale.values, vec![2e-9]);
        assert_eq!(w.get("mz").unwrap().values, vec![-0.5]);

        let q = dir.path().join("u.csv");
        let mut t =
            TableWriter::with_format(&q, &[("t", "s"), ("mz", "")], TableFormat::CsvUnits).unwrap();
        t.row(&[0.0, 1.0]).unwrap();
        t.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&q).unwrap(), "t,mz\ns,\n0,1\n");
        assert!(TableWriter::new(&q, &[("a,b", "")]).is_err());
        assert!(TableWriter::new(&q, &[]).is_err());
    }
}

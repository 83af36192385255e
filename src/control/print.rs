//! What `print` and `wrdata` write, in ngspice's formats.

use std::fmt::Write as _;

/// C's `%.{prec}e`: `1.000000e-08` (at least two exponent digits, with sign).
pub fn fmt_e(x: f64, prec: usize) -> String {
    if !x.is_finite() {
        return super::vector::fmt_g(x);
    }
    let s = format!("{x:.prec$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

/// A number as `print` writes it: `%e`, one digit less when negative (ngspice keeps the
/// width).
pub fn fmt_num(x: f64) -> String {
    fmt_e(x, if x < 0.0 { 5 } else { 6 })
}

/// ngspice's date line: `Mon Dec  7 14:40:45  2026`.
pub fn date() -> String {
    crate::wave::raw::date_string(std::time::SystemTime::now())
}

/// Rows on the first page of a `print` table, and on each later page (ngspice's batch
/// defaults).
const FIRST_PAGE_ROWS: usize = 55;
const PAGE_ROWS: usize = 58;

/// `print` of vectors with more than one value: ngspice's column table with its header
/// (title, plot name and date, column names), paged as ngspice pages (55 rows, then 58
/// per page) with a form feed and the column names again.
pub fn table(title: &str, plotname: &str, cols: &[(String, Vec<f64>)]) -> String {
    let mut s = String::new();
    let rows = cols.iter().map(|c| c.1.len()).max().unwrap_or(0);
    let pad = 80usize.saturating_sub(title.chars().count()) / 2;
    let _ = writeln!(s, "{:pad$}{title}", "");
    let _ = writeln!(s, "{:pad$}{plotname}  {}", "", date());
    let dashes = "-".repeat(80);
    let mut head = String::from("Index   ");
    for (n, _) in cols {
        let _ = write!(head, "{n:<15} ");
    }
    let _ = writeln!(s, "{dashes}\n{head}\n{dashes}");
    for r in 0..rows {
        if r >= FIRST_PAGE_ROWS && (r - FIRST_PAGE_ROWS) % PAGE_ROWS == 0 {
            let _ = writeln!(s, "\x0c\n{head}\n{dashes}");
        }
        let _ = write!(s, "{r}\t");
        for (_, v) in cols {
            match v.get(r) {
                Some(x) => {
                    let _ = write!(s, "{}\t", fmt_num(*x));
                }
                None => s.push_str("\t\t"),
            }
        }
        s.push('\n');
    }
    s
}

/// One `wrdata` value: C's `% .8e ` (a blank where the sign would be, one after).
fn wr(x: f64) -> String {
    let v = fmt_e(x, 8);
    if v.starts_with('-') {
        format!("{v} ")
    } else {
        format!(" {v} ")
    }
}

/// `wrdata`: for each vector the scale and the value (the scale once, first, with
/// `single_scale`), ` %.8e ` each, one row per point; with `names`, a first row of the
/// column names (` %-15s` each).
pub fn wrdata(
    scale: Option<(&str, &[f64])>,
    cols: &[(&str, &[f64])],
    single_scale: bool,
    names: bool,
) -> String {
    let mut s = String::new();
    let rows = cols.iter().map(|c| c.1.len()).max().unwrap_or(0);
    let blank = " ".repeat(16);
    if names {
        for (k, (n, _)) in cols.iter().enumerate() {
            if let Some((sn, _)) = scale {
                if !single_scale || k == 0 {
                    let _ = write!(s, " {sn:<15}");
                }
            }
            let _ = write!(s, " {n:<15}");
        }
        s.push('\n');
    }
    for r in 0..rows {
        for (k, (_, c)) in cols.iter().enumerate() {
            if let Some((_, sc)) = scale {
                if !single_scale || k == 0 {
                    s.push_str(&sc.get(r).map_or(blank.clone(), |x| wr(*x)));
                }
            }
            s.push_str(&c.get(r).map_or(blank.clone(), |x| wr(*x)));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_exponents() {
        assert_eq!(fmt_e(1e-8, 6), "1.000000e-08");
        assert_eq!(fmt_e(0.0, 8), "0.00000000e+00");
        assert_eq!(fmt_e(-5e-4, 6), "-5.000000e-04");
        assert_eq!(fmt_e(1.5e100, 2), "1.50e+100");
    }

    #[test]
    fn tables_as_ngspice_writes_them() {
        let t = table("t", "Operating Point", &[("y".into(), vec![0.0, 1.0])]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[3], "Index   y               ");
        assert_eq!(lines[5], "0\t0.000000e+00\t");
        assert_eq!(lines[6], "1\t1.000000e+00\t");
        // ngspice 39 `wrdata` of a transient (tests/control/README.md has the netlist).
        let t: &[f64] = &[0.0, 1e-8];
        let (a, b): (&[f64], &[f64]) = (&[0.0, 9.9999e-8], &[0.0, -9.9999e-6]);
        let w = wrdata(Some(("time", t)), &[("v(2)", a)], false, false);
        assert_eq!(
            w,
            " 0.00000000e+00  0.00000000e+00 \n 1.00000000e-08  9.99990000e-08 \n"
        );
        let w = wrdata(Some(("time", t)), &[("v(2)", a), ("i(v1)", b)], true, true);
        let l: Vec<&str> = w.lines().collect();
        assert_eq!(l[0], " time            v(2)            i(v1)          ");
        assert_eq!(l[2], " 1.00000000e-08  9.99990000e-08 -9.99990000e-06 ");
    }
}

//! Cell maps: a heatmap of a matrix with a colour bar, and the magnetisation colour map.

use std::fmt::Write as _;

use super::axis::Axis;
use super::{esc, frame, open_doc, y_title, BOTTOM, LEFT, TOP};
use crate::{Error, Result};

/// Perceptually uniform sequential map (viridis, sampled at nine points).
const VIRIDIS: [(f64, [u8; 3]); 9] = [
    (0.0, [0x44, 0x01, 0x54]),
    (0.125, [0x47, 0x2d, 0x7b]),
    (0.25, [0x3b, 0x52, 0x8b]),
    (0.375, [0x2c, 0x72, 0x8e]),
    (0.5, [0x21, 0x91, 0x8c]),
    (0.625, [0x28, 0xae, 0x80]),
    (0.75, [0x5e, 0xc9, 0x62]),
    (0.875, [0xad, 0xdc, 0x30]),
    (1.0, [0xfd, 0xe7, 0x25]),
];

/// Diverging map for m_z: -1 blue, 0 white, +1 red.
const BLUE_WHITE_RED: [(f64, [u8; 3]); 3] = [
    (0.0, [0x21, 0x66, 0xac]),
    (0.5, [0xf7, 0xf7, 0xf7]),
    (1.0, [0xb2, 0x18, 0x2b]),
];

/// Colour of `f` in [0, 1] on a piecewise-linear map; NaN is grey.
fn colour(map: &[(f64, [u8; 3])], f: f64) -> String {
    if f.is_nan() {
        return "#999999".to_string();
    }
    let f = f.clamp(0.0, 1.0);
    let k = map
        .iter()
        .position(|m| m.0 >= f)
        .unwrap_or(map.len() - 1)
        .max(1);
    let (a, b) = (map[k - 1], map[k]);
    let t = if b.0 > a.0 {
        (f - a.0) / (b.0 - a.0)
    } else {
        0.0
    };
    let c: Vec<u8> = (0..3)
        .map(|i| (a.1[i] as f64 + t * (b.1[i] as f64 - a.1[i] as f64)).round() as u8)
        .collect();
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Draw rows of cells, merging neighbours of equal colour into one rectangle.
/// `cell(r, c)` gives the colour of row `r` (drawn top to bottom) and column `c`.
fn cells(
    s: &mut String,
    rows: usize,
    cols: usize,
    r: (f64, f64, f64, f64),
    cell: impl Fn(usize, usize) -> String,
) {
    let (x0, y0, cw, ch) = r;
    for row in 0..rows {
        let mut start = 0;
        while start < cols {
            let c = cell(row, start);
            let mut end = start + 1;
            while end < cols && cell(row, end) == c {
                end += 1;
            }
            // A hair of overlap hides anti-aliasing seams between cells.
            let _ = writeln!(
                s,
                "<rect x=\"{:.3}\" y=\"{:.3}\" width=\"{:.3}\" height=\"{:.3}\" fill=\"{c}\" stroke=\"{c}\" stroke-width=\"0.2\"/>",
                x0 + start as f64 * cw,
                y0 + row as f64 * ch,
                (end - start) as f64 * cw,
                ch
            );
            start = end;
        }
    }
}

/// A vertical colour bar at x with ticks of `axis`.
fn colour_bar(
    s: &mut String,
    id: &str,
    map: &[(f64, [u8; 3])],
    r: (f64, f64, f64, f64),
    axis: &Axis,
    title: &str,
) {
    let (x, y, w, h) = r;
    // The bar spans the axis range, which is the colour map's range: stop f has colour f.
    let _ = writeln!(
        s,
        "<defs><linearGradient id=\"{id}\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
    );
    for k in 0..=20 {
        let f = k as f64 / 20.0;
        let _ = writeln!(
            s,
            "<stop offset=\"{f:.2}\" stop-color=\"{}\"/>",
            colour(map, f)
        );
    }
    let _ = writeln!(s, "</linearGradient></defs>");
    let _ = writeln!(s, "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"url(#{id})\" stroke=\"black\"/>");
    for &t in &axis.ticks {
        let ty = y + h - axis.frac(t) * h;
        let _ = writeln!(
            s,
            "<line x1=\"{:.2}\" y1=\"{ty:.2}\" x2=\"{:.2}\" y2=\"{ty:.2}\" stroke=\"black\"/>",
            x + w,
            x + w + 4.0
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.2}\" y=\"{:.2}\">{}</text>",
            x + w + 6.0,
            ty + 4.0,
            axis.label(t)
        );
    }
    let tx = x + w + 58.0;
    let ty = y + h / 2.0;
    let _ = writeln!(s, "<text x=\"{tx:.2}\" y=\"{ty:.2}\" text-anchor=\"middle\" transform=\"rotate(-90 {tx:.2} {ty:.2})\">{}</text>", esc(title));
}

/// A matrix drawn as coloured cells (row 0 at the top), with a colour bar: weight
/// matrices, confusion matrices, conductance maps.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    pub title: String,
    pub row_label: String,
    pub col_label: String,
    /// Colour bar title, e.g. `conductance`.
    pub value_label: String,
    /// SI unit of the values (`S`), empty for dimensionless.
    pub unit: String,
    pub rows: usize,
    pub cols: usize,
    /// Row-major: `values[r * cols + c]`.
    pub values: Vec<f64>,
    /// Colour range; `None` uses the finite data's min and max.
    pub range: Option<(f64, f64)>,
}

impl Heatmap {
    /// The SVG document, or an error when `values` does not have `rows * cols` entries.
    pub fn to_svg(&self) -> Result<String> {
        if self.rows == 0 || self.cols == 0 || self.values.len() != self.rows * self.cols {
            return Err(Error::Usage(format!(
                "heatmap \"{}\": {} values for {} x {} cells",
                self.title,
                self.values.len(),
                self.rows,
                self.cols
            )));
        }
        let cell = (560.0 / self.cols as f64)
            .min(560.0 / self.rows as f64)
            .min(40.0);
        let (pw, ph) = (cell * self.cols as f64, cell * self.rows as f64);
        let (w, h) = (LEFT + pw + 150.0, TOP + ph.max(200.0) + BOTTOM);
        let mut s = open_doc(w, h, &self.title);
        let axis = match self.range {
            Some((lo, hi)) => Axis::new(lo, hi, false),
            None => Axis::covering([self.values.as_slice()], false),
        };
        cells(
            &mut s,
            self.rows,
            self.cols,
            (LEFT, TOP, cell, cell),
            |r, c| colour(&VIRIDIS, axis.frac(self.values[r * self.cols + c])),
        );
        let _ = writeln!(s, "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{pw:.3}\" height=\"{ph:.3}\" fill=\"none\" stroke=\"black\"/>");
        index_ticks(&mut s, self.cols, cell, |k, off| {
            (LEFT + off, TOP + ph + 16.0, format!("{k}"), "middle")
        });
        index_ticks(&mut s, self.rows, cell, |k, off| {
            (LEFT - 6.0, TOP + off + 4.0, format!("{k}"), "end")
        });
        y_title(&mut s, 22.0, TOP + ph / 2.0, &self.row_label);
        let _ = writeln!(
            s,
            "<text x=\"{:.2}\" y=\"{:.2}\" text-anchor=\"middle\">{}</text>",
            LEFT + pw / 2.0,
            TOP + ph + 36.0,
            esc(&self.col_label)
        );
        let bar_h = ph.max(200.0);
        colour_bar(
            &mut s,
            "hm",
            &VIRIDIS,
            (LEFT + pw + 20.0, TOP, 16.0, bar_h),
            &axis,
            &axis.title(&self.value_label, &self.unit),
        );
        s.push_str("</svg>\n");
        Ok(s)
    }
}

/// Labels at about eight evenly stepped indices 0, step, 2·step, ... of an index axis.
fn index_ticks(
    s: &mut String,
    n: usize,
    cell: f64,
    place: impl Fn(usize, f64) -> (f64, f64, String, &'static str),
) {
    let step = [
        1usize, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000,
    ]
    .into_iter()
    .find(|&st| n / st <= 8)
    .unwrap_or(n.max(1));
    for k in (0..n).step_by(step) {
        let (x, y, t, anchor) = place(k, (k as f64 + 0.5) * cell);
        let _ = writeln!(
            s,
            "<text x=\"{x:.2}\" y=\"{y:.2}\" text-anchor=\"{anchor}\">{t}</text>"
        );
    }
}

/// The out-of-plane magnetisation m_z of a film as a colour map (-1 blue, 0 white,
/// +1 red), drawn to scale in physical units.
#[derive(Debug, Clone, PartialEq)]
pub struct ColorMap {
    pub title: String,
    /// Cells along x and y.
    pub nx: usize,
    pub ny: usize,
    /// Cell size along x and y (m).
    pub dx: f64,
    pub dy: f64,
    /// `values[iy * nx + ix]`, iy = 0 at the bottom (mumax3's and OVF's order).
    pub values: Vec<f64>,
    /// Colour bar title (`m_z`).
    pub value_label: String,
}

impl ColorMap {
    /// The SVG document, or an error when the sizes do not match.
    pub fn to_svg(&self) -> Result<String> {
        if self.nx == 0
            || self.ny == 0
            || self.values.len() != self.nx * self.ny
            || !(self.dx > 0.0 && self.dy > 0.0)
        {
            return Err(Error::Usage(format!(
                "colour map \"{}\": {} values for {} x {} cells of {} x {} m",
                self.title,
                self.values.len(),
                self.nx,
                self.ny,
                self.dx,
                self.dy
            )));
        }
        let (lx, ly) = (self.nx as f64 * self.dx, self.ny as f64 * self.dy);
        let scale = (640.0 / lx).min(400.0 / ly);
        let (pw, ph) = (lx * scale, ly * scale);
        let (w, h) = (LEFT + pw + 150.0, TOP + ph.max(160.0) + BOTTOM);
        let mut s = open_doc(w, h, &self.title);
        let (cw, ch) = (self.dx * scale, self.dy * scale);
        cells(&mut s, self.ny, self.nx, (LEFT, TOP, cw, ch), |row, c| {
            let iy = self.ny - 1 - row;
            colour(&BLUE_WHITE_RED, (self.values[iy * self.nx + c] + 1.0) / 2.0)
        });
        let xa = Axis::new(0.0, lx, false);
        let ya = Axis::new(0.0, ly, false);
        frame(&mut s, (LEFT, TOP, pw, ph), &xa, &ya, true, false);
        y_title(&mut s, 22.0, TOP + ph / 2.0, &ya.title("y", "m"));
        let _ = writeln!(
            s,
            "<text x=\"{:.2}\" y=\"{:.2}\" text-anchor=\"middle\">{}</text>",
            LEFT + pw / 2.0,
            TOP + ph + 36.0,
            esc(&xa.title("x", "m"))
        );
        let bar = Axis::new(-1.0, 1.0, false);
        colour_bar(
            &mut s,
            "mz",
            &BLUE_WHITE_RED,
            (LEFT + pw + 20.0, TOP, 16.0, ph.max(160.0)),
            &bar,
            &self.value_label,
        );
        s.push_str("</svg>\n");
        Ok(s)
    }
}

//! Small self-contained SVG plots (no dependency): stacked line panels sharing an x axis,
//! a scatter plot with its y = x line, a heatmap with a colour bar, and a 2-D colour map
//! of the magnetisation m_z.
//!
//! Every figure is a plain struct with a `to_svg()` method returning the document text;
//! [`write_svg`] writes it atomically. Axis ticks fall on 1-2-5 steps and are labelled in
//! engineering notation, the SI prefix moving into the axis title (`time (ns)`).
//!
//! ```
//! use spinspice::wave::svg::{Panel, Plot, Series};
//! let t: Vec<f64> = (0..100).map(|i| i as f64 * 1e-10).collect();
//! let v: Vec<f64> = t.iter().map(|t| (t * 1e9).sin()).collect();
//! let plot = Plot {
//!     title: "ringing".into(),
//!     x_label: "time".into(),
//!     x_unit: "s".into(),
//!     panels: vec![Panel {
//!         label: "voltage".into(),
//!         unit: "V".into(),
//!         series: vec![Series { name: "v(out)".into(), x: t, y: v }],
//!     }],
//! };
//! assert!(plot.to_svg().starts_with("<?xml"));
//! ```

mod axis;
mod map;

use std::fmt::Write as _;
use std::path::Path;

pub use map::{ColorMap, Heatmap};

use super::{Unit, Waveforms};
use crate::{Error, Result};
use axis::Axis;

/// Line colours, in order (colour-blind friendly "tab10").
const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

const WIDTH: f64 = 820.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 170.0;
const TOP: f64 = 40.0;
const PANEL_H: f64 = 200.0;
const GAP: f64 = 25.0;
const BOTTOM: f64 = 55.0;

/// Write SVG text to `path` atomically.
pub fn write_svg(path: &Path, svg: &str) -> Result<()> {
    super::write_atomic(path, svg.as_bytes())
}

/// Escape text for XML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// Document start: XML prolog, svg element, white background, centred title.
pub(crate) fn open_doc(w: f64, h: f64, title: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n<text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n",
        w / 2.0,
        esc(title)
    );
    s
}

/// Frame, grid lines (or, without `grid`, outside tick marks) and tick labels of one plot
/// area at (x0, y0) of size (w, h); the x labels are drawn only when `x_labels`.
pub(crate) fn frame(
    s: &mut String,
    r: (f64, f64, f64, f64),
    xa: &Axis,
    ya: &Axis,
    x_labels: bool,
    grid: bool,
) {
    let (x0, y0, w, h) = r;
    let (gx0, gx1, gy0, gy1, stroke) = if grid {
        (x0, x0 + w, y0, y0 + h, "#e0e0e0")
    } else {
        (x0 - 5.0, x0, y0 + h, y0 + h + 5.0, "black")
    };
    for &t in &xa.ticks {
        let x = x0 + xa.frac(t) * w;
        let _ = writeln!(s, "<line x1=\"{x:.2}\" y1=\"{gy0:.2}\" x2=\"{x:.2}\" y2=\"{gy1:.2}\" stroke=\"{stroke}\"/>");
        if x_labels {
            let _ = writeln!(
                s,
                "<text x=\"{x:.2}\" y=\"{:.2}\" text-anchor=\"middle\">{}</text>",
                y0 + h + 16.0,
                xa.label(t)
            );
        }
    }
    for &t in &ya.ticks {
        let y = y0 + h - ya.frac(t) * h;
        let _ = writeln!(s, "<line x1=\"{gx0:.2}\" y1=\"{y:.2}\" x2=\"{gx1:.2}\" y2=\"{y:.2}\" stroke=\"{stroke}\"/>");
        let _ = writeln!(
            s,
            "<text x=\"{:.2}\" y=\"{:.2}\" text-anchor=\"end\">{}</text>",
            x0 - 6.0,
            y + 4.0,
            ya.label(t)
        );
    }
    let _ = writeln!(s, "<rect x=\"{x0:.2}\" y=\"{y0:.2}\" width=\"{w:.2}\" height=\"{h:.2}\" fill=\"none\" stroke=\"black\"/>");
}

/// A vertical axis title, rotated, left of the plot area.
fn y_title(s: &mut String, x: f64, y: f64, text: &str) {
    let _ = writeln!(s, "<text x=\"{x:.2}\" y=\"{y:.2}\" text-anchor=\"middle\" transform=\"rotate(-90 {x:.2} {y:.2})\">{}</text>", esc(text));
}

/// One named line series.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// One panel: series sharing a y axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// Y axis name (e.g. `voltage`).
    pub label: String,
    /// SI unit of the y values (`V`), empty for dimensionless.
    pub unit: String,
    pub series: Vec<Series>,
}

/// Stacked panels sharing one x axis (the x labels appear under the bottom panel).
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub title: String,
    /// X axis name (`time`) and SI unit (`s`).
    pub x_label: String,
    pub x_unit: String,
    pub panels: Vec<Panel>,
}

impl Plot {
    /// One panel per unit (voltages, currents, ...) of the named signals of `w` (every
    /// signal when `signals` is empty), against its scale.
    pub fn from_waveforms(w: &Waveforms, signals: &[&str]) -> Result<Plot> {
        let chosen: Vec<&super::Signal> = if signals.is_empty() {
            w.signals.iter().collect()
        } else {
            signals
                .iter()
                .map(|n| {
                    w.get(n).ok_or_else(|| {
                        Error::Usage(format!("plot: no signal `{n}` in \"{}\"", w.plotname))
                    })
                })
                .collect::<Result<_>>()?
        };
        let mut panels: Vec<Panel> = Vec::new();
        for s in chosen {
            let label = match &s.unit {
                Unit::Voltage => "voltage",
                Unit::Current => "current",
                Unit::Time => "time",
                Unit::Other(_) => "value",
            };
            let unit = s.unit.symbol().to_string();
            let series = Series {
                name: s.name.clone(),
                x: w.scale.values.clone(),
                y: s.values.clone(),
            };
            match panels
                .iter_mut()
                .find(|p| p.unit == unit && p.label == label)
            {
                Some(p) => p.series.push(series),
                None => panels.push(Panel {
                    label: label.to_string(),
                    unit,
                    series: vec![series],
                }),
            }
        }
        Ok(Plot {
            title: format!("{} — {}", w.title.trim(), w.plotname),
            x_label: w.scale.name.clone(),
            x_unit: w.scale.unit.symbol().to_string(),
            panels,
        })
    }

    /// The plot a small-signal result is read from, or `None` for other plots: for `.ac`,
    /// a Bode plot (magnitude in dB and phase in degrees) of up to six node voltages (the
    /// branch currents when there are none); for `.noise`'s spectrum, the output and
    /// input-referred noise densities. The frequency axis is logarithmic.
    pub fn small_signal(w: &Waveforms) -> Option<Plot> {
        let series = |name: String, y: Vec<f64>| Series {
            name,
            x: w.scale.values.clone(),
            y,
        };
        let panel = |label: &str, unit: &str, series: Vec<Series>| Panel {
            label: label.into(),
            unit: unit.into(),
            series,
        };
        let panels = if w.is_complex() {
            let n = w.len();
            // Signals that respond (a supply node's response is exactly zero: -inf dB).
            let complex: Vec<&super::Signal> = w
                .signals
                .iter()
                .filter(|s| s.is_complex() && (0..n).any(|i| s.magnitude(i) > 0.0))
                .collect();
            let volts: Vec<&super::Signal> = complex
                .iter()
                .copied()
                .filter(|s| s.unit == Unit::Voltage)
                .collect();
            let chosen = if volts.is_empty() { complex } else { volts };
            let chosen = &chosen[..chosen.len().min(6)];
            let mag = chosen
                .iter()
                .map(|s| {
                    series(
                        s.name.clone(),
                        (0..n).map(|i| 20.0 * s.magnitude(i).log10()).collect(),
                    )
                })
                .collect();
            let phase = chosen
                .iter()
                .map(|s| {
                    series(
                        s.name.clone(),
                        (0..n).map(|i| s.phase(i).to_degrees()).collect(),
                    )
                })
                .collect();
            vec![panel("magnitude", "dB", mag), panel("phase", "deg", phase)]
        } else if w.plotname == super::NOISE_SPECTRUM_PLOT {
            let one = |name: &str| {
                w.get(name).map(|s| {
                    panel(
                        &format!(
                            "{} noise",
                            if name.starts_with('o') {
                                "output"
                            } else {
                                "input"
                            }
                        ),
                        s.unit.symbol(),
                        vec![series(name.into(), s.values.clone())],
                    )
                })
            };
            [one("onoise_spectrum"), one("inoise_spectrum")]
                .into_iter()
                .flatten()
                .collect()
        } else {
            return None;
        };
        Some(Plot {
            title: format!("{} — {}", w.title.trim(), w.plotname),
            x_label: w.scale.name.clone(),
            x_unit: "Hz".into(),
            panels,
        })
    }

    /// The SVG document.
    pub fn to_svg(&self) -> String {
        let n = self.panels.len().max(1);
        let height = TOP + n as f64 * PANEL_H + (n - 1) as f64 * GAP + BOTTOM;
        let pw = WIDTH - LEFT - RIGHT;
        let mut s = open_doc(WIDTH, height, &self.title);
        // A frequency axis over more than a decade is logarithmic (Bode plots, spectra).
        let (xlo, xhi) = self
            .panels
            .iter()
            .flat_map(|p| p.series.iter().flat_map(|q| q.x.iter().copied()))
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let log_x = self.x_unit == "Hz" && xlo > 0.0 && xhi >= 10.0 * xlo;
        let xa = if log_x {
            Axis::decades(xlo, xhi)
        } else {
            Axis::covering(
                self.panels
                    .iter()
                    .flat_map(|p| p.series.iter().map(|q| q.x.as_slice())),
                false,
            )
        };
        // One colour per series name: the same signal in two panels (a Bode plot's
        // magnitude and phase) keeps its colour.
        let mut names: Vec<&str> = Vec::new();
        for (k, p) in self.panels.iter().enumerate() {
            let y0 = TOP + k as f64 * (PANEL_H + GAP);
            let ya = Axis::covering(p.series.iter().map(|q| q.y.as_slice()), true);
            let last = k + 1 == self.panels.len();
            frame(&mut s, (LEFT, y0, pw, PANEL_H), &xa, &ya, last, true);
            y_title(
                &mut s,
                22.0,
                y0 + PANEL_H / 2.0,
                &ya.title(&p.label, &p.unit),
            );
            for (j, q) in p.series.iter().enumerate() {
                let k = names.iter().position(|n| *n == q.name).unwrap_or_else(|| {
                    names.push(&q.name);
                    names.len() - 1
                });
                let c = PALETTE[k % PALETTE.len()];
                let logged: Vec<f64>;
                let x = if log_x {
                    logged = q.x.iter().map(|v| v.log10()).collect();
                    &logged
                } else {
                    &q.x
                };
                let d = polyline(x, &q.y, &xa, &ya, (LEFT, y0, pw, PANEL_H));
                if !d.is_empty() {
                    let _ = writeln!(
                        s,
                        "<path d=\"{d}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"1.5\"/>"
                    );
                }
                let ly = y0 + 14.0 + j as f64 * 18.0;
                let lx = LEFT + pw + 12.0;
                let _ = writeln!(s, "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{c}\" stroke-width=\"2\"/>", lx + 20.0);
                let _ = writeln!(
                    s,
                    "<text x=\"{}\" y=\"{}\">{}</text>",
                    lx + 26.0,
                    ly + 4.0,
                    esc(&q.name)
                );
            }
        }
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</svg>",
            LEFT + pw / 2.0,
            height - 14.0,
            esc(&xa.title(&self.x_label, &self.x_unit))
        );
        s
    }
}

/// Path data of a series clipped to the plot area; runs of points that fall on the same
/// pixel column are reduced to their first, lowest, highest and last point, so a
/// million-point transient stays a few thousand path commands. NaN breaks the line.
fn polyline(x: &[f64], y: &[f64], xa: &Axis, ya: &Axis, r: (f64, f64, f64, f64)) -> String {
    let (x0, y0, w, h) = r;
    let mut d = String::new();
    let mut pen_down = false;
    let mut bucket: Vec<(f64, f64)> = Vec::new();
    let mut col = i64::MIN;
    let emit = |d: &mut String, pen: &mut bool, b: &mut Vec<(f64, f64)>| {
        if b.is_empty() {
            return;
        }
        let mut pts = vec![b[0]];
        if b.len() > 2 {
            let lo = b
                .iter()
                .copied()
                .fold(b[0], |m, p| if p.1 > m.1 { p } else { m });
            let hi = b
                .iter()
                .copied()
                .fold(b[0], |m, p| if p.1 < m.1 { p } else { m });
            pts.push(lo);
            pts.push(hi);
        }
        if b.len() > 1 {
            pts.push(b[b.len() - 1]);
        }
        for (px, py) in pts {
            let _ = write!(d, "{}{px:.2} {py:.2}", if *pen { " L" } else { " M" });
            *pen = true;
        }
        b.clear();
    };
    for (&xv, &yv) in x.iter().zip(y) {
        if !xv.is_finite() || !yv.is_finite() {
            emit(&mut d, &mut pen_down, &mut bucket);
            pen_down = false;
            col = i64::MIN;
            continue;
        }
        let px = x0 + xa.frac(xv) * w;
        // Clamp far-off values so the path stays within a sane range.
        let py = (y0 + h - ya.frac(yv) * h).clamp(y0 - h, y0 + 2.0 * h);
        let c = px.floor() as i64;
        if c != col {
            emit(&mut d, &mut pen_down, &mut bucket);
            col = c;
        }
        bucket.push((px, py));
    }
    emit(&mut d, &mut pen_down, &mut bucket);
    d.trim_start().to_string()
}

/// A scatter plot of (x, y) pairs, optionally with the y = x line (for "ours vs
/// reference" comparisons, both axes then share one range).
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// SI unit of both coordinates (empty for dimensionless).
    pub unit: String,
    pub points: Vec<(f64, f64)>,
    /// Draw the y = x line and use one range for both axes.
    pub diagonal: bool,
}

impl Scatter {
    /// The SVG document.
    pub fn to_svg(&self) -> String {
        let size = 480.0;
        let (w, h) = (LEFT + size + 40.0, TOP + size + BOTTOM);
        let mut s = open_doc(w, h, &self.title);
        let xs: Vec<f64> = self.points.iter().map(|p| p.0).collect();
        let ys: Vec<f64> = self.points.iter().map(|p| p.1).collect();
        let (xa, ya) = if self.diagonal {
            let a = Axis::covering([xs.as_slice(), ys.as_slice()], true);
            (a.clone(), a)
        } else {
            (
                Axis::covering([xs.as_slice()], true),
                Axis::covering([ys.as_slice()], true),
            )
        };
        let r = (LEFT, TOP, size, size);
        frame(&mut s, r, &xa, &ya, true, true);
        if self.diagonal {
            let _ = writeln!(s, "<line x1=\"{LEFT}\" y1=\"{}\" x2=\"{}\" y2=\"{TOP}\" stroke=\"#888\" stroke-dasharray=\"5,4\"/>", TOP + size, LEFT + size);
        }
        for &(x, y) in &self.points {
            if !x.is_finite() || !y.is_finite() {
                continue;
            }
            let px = LEFT + xa.frac(x) * size;
            let py = TOP + size - ya.frac(y) * size;
            let _ = writeln!(s, "<circle cx=\"{px:.2}\" cy=\"{py:.2}\" r=\"2.5\" fill=\"{}\" fill-opacity=\"0.7\"/>", PALETTE[0]);
        }
        y_title(
            &mut s,
            22.0,
            TOP + size / 2.0,
            &ya.title(&self.y_label, &self.unit),
        );
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</svg>",
            LEFT + size / 2.0,
            h - 14.0,
            esc(&xa.title(&self.x_label, &self.unit))
        );
        s
    }
}

#[cfg(test)]
mod tests;

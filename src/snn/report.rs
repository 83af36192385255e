//! Minimal SVG charts for `eval` (a heatmap and line curves).

use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A heatmap of `m` (rows x cols), white (min) to dark blue (max), with axis titles.
pub fn heatmap(m: &[Vec<f64>], title: &str, xlabel: &str, ylabel: &str) -> String {
    let rows = m.len();
    let cols = m.first().map(|r| r.len()).unwrap_or(0);
    let cell = (360.0 / cols.max(rows).max(1) as f64).clamp(4.0, 36.0);
    let (x0, y0) = (60.0, 40.0);
    let w = x0 + cell * cols as f64 + 20.0;
    let h = y0 + cell * rows as f64 + 50.0;
    let max = m.iter().flatten().cloned().fold(f64::MIN, f64::max);
    let min = m.iter().flatten().cloned().fold(f64::MAX, f64::min);
    let span = if max > min { max - min } else { 1.0 };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" font-family="sans-serif" font-size="11"><text x="{x0}" y="20" font-size="13">{}</text>"#,
        esc(title)
    );
    for (r, row) in m.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let f = (v - min) / span;
            let (cr, cg, cb) = (
                (255.0 * (1.0 - f)) as u8,
                (255.0 * (1.0 - 0.8 * f)) as u8,
                (255.0 - 100.0 * f) as u8,
            );
            let _ = write!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{cell:.1}" height="{cell:.1}" fill="rgb({cr},{cg},{cb})"><title>{r},{c}: {v:.4}</title></rect>"#,
                x0 + c as f64 * cell,
                y0 + r as f64 * cell
            );
        }
    }
    let step = (rows / 10).max(1);
    for r in (0..rows).step_by(step) {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{r}</text>"#,
            x0 - 4.0,
            y0 + (r as f64 + 0.7) * cell
        );
    }
    let step = (cols / 10).max(1);
    for c in (0..cols).step_by(step) {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{c}</text>"#,
            x0 + (c as f64 + 0.5) * cell,
            y0 + rows as f64 * cell + 14.0
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text x="14" y="{:.1}" transform="rotate(-90 14 {:.1})" text-anchor="middle">{}</text></svg>"#,
        x0 + cell * cols as f64 / 2.0,
        y0 + rows as f64 * cell + 34.0,
        esc(xlabel),
        y0 + rows as f64 * cell / 2.0,
        y0 + rows as f64 * cell / 2.0,
        esc(ylabel)
    );
    s
}

/// Line curves: `series` of (name, y values over x = 1..n).
pub fn curves(series: &[(&str, Vec<f64>)], title: &str, xlabel: &str) -> String {
    let (w, h, x0, y0, pw, ph) = (520.0, 320.0, 60.0, 30.0, 420.0, 240.0);
    let n = series.iter().map(|s| s.1.len()).max().unwrap_or(0).max(2);
    let ys = series
        .iter()
        .flat_map(|s| s.1.iter().cloned())
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = ys.fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        hi = lo + 1.0;
    }
    let px = |i: usize| x0 + pw * i as f64 / (n - 1) as f64;
    let py = |v: f64| y0 + ph * (1.0 - (v - lo) / (hi - lo));
    let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"];
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11"><text x="{x0}" y="18" font-size="13">{}</text><rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="black"/>"#,
        esc(title)
    );
    for k in 0..=4 {
        let v = lo + (hi - lo) * k as f64 / 4.0;
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{v:.3}</text>"#,
            x0 - 4.0,
            py(v) + 4.0
        );
    }
    for (k, (name, ys)) in series.iter().enumerate() {
        let c = colors[k % colors.len()];
        let pts: Vec<String> = ys
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", px(i), py(*v)))
            .collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{c}" stroke-width="2" points="{}"/>"#,
            pts.join(" ")
        );
        for p in &pts {
            let (a, b) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(s, r#"<circle cx="{a}" cy="{b}" r="3" fill="{c}"/>"#);
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{:.1}" fill="{c}">{}</text>"#,
            x0 + pw - 120.0,
            y0 + 16.0 + 14.0 * k as f64,
            esc(name)
        );
    }
    let _ = write!(
        s,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text></svg>"#,
        x0 + pw / 2.0,
        y0 + ph + 30.0,
        esc(xlabel)
    );
    s
}

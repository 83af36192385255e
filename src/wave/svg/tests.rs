//! SVG tests: well-formedness (a small tag-balance check here, and `xmllint`: required under
//! CI, a counted skip elsewhere), element counts and positions computed by hand.

use super::*;

/// Check that `s` is well-formed enough for an XML parser: every `<tag>` is closed in
/// order, attributes are quoted, text has no raw `<` or `&` outside entities. Returns the
/// number of elements.
fn check_xml(s: &str) -> usize {
    let body = s
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        .expect("prolog");
    let mut stack: Vec<String> = Vec::new();
    let mut count = 0;
    let mut rest = body;
    while let Some(i) = rest.find('<') {
        let text = &rest[..i];
        for (k, _) in text.match_indices('&') {
            let ent = &text[k..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| ent.starts_with(e)),
                "raw & in text: {text}"
            );
        }
        let j = rest[i..].find('>').expect("unclosed tag") + i;
        let tag = &rest[i + 1..j];
        assert!(!tag.contains('<'), "nested < in tag {tag}");
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in {tag}"
        );
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap_or("").to_string());
            count += 1;
        } else {
            count += 1;
        }
        rest = &rest[j + 1..];
    }
    assert!(stack.is_empty(), "unclosed elements {stack:?}");
    assert!(rest.trim().is_empty());
    count
}

#[path = "../../../tests/common/tools.rs"]
mod tools;

/// Run `xmllint --noout` on the text (a failure under CI when xmllint is missing, a counted
/// skip elsewhere: `tests/common/tools.rs`).
fn xmllint(s: &str) {
    if !tools::require_tool("xmllint") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.svg");
    write_svg(&p, s).unwrap();
    let o = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(&p)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "xmllint: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn rc_plot() -> Plot {
    let t: Vec<f64> = (0..=1000).map(|i| i as f64 * 1e-11).collect();
    Plot {
        title: "RC <low-pass> & friends".into(),
        x_label: "time".into(),
        x_unit: "s".into(),
        panels: vec![
            Panel {
                label: "voltage".into(),
                unit: "V".into(),
                series: vec![
                    Series {
                        name: "v(in)".into(),
                        x: t.clone(),
                        y: t.iter().map(|_| 1.0).collect(),
                    },
                    Series {
                        name: "v(out)".into(),
                        x: t.clone(),
                        y: t.iter().map(|t| 1.0 - (-t / 1e-9).exp()).collect(),
                    },
                ],
            },
            Panel {
                label: "current".into(),
                unit: "A".into(),
                series: vec![Series {
                    name: "i(v1)".into(),
                    x: t.clone(),
                    y: t.iter().map(|t| -1e-3 * (-t / 1e-9).exp()).collect(),
                }],
            },
        ],
    }
}

#[test]
fn stacked_panels_are_valid_and_labelled() {
    let s = rc_plot().to_svg();
    check_xml(&s);
    xmllint(&s);
    assert!(s.contains("RC &lt;low-pass&gt; &amp; friends"));
    assert!(s.contains(">time (ns)</text>"));
    assert!(s.contains(">current (mA)</text>"));
    assert_eq!(s.matches("<path ").count(), 3);
    // Two panels of 200 px, 25 px apart, 40 px top and 55 px bottom margins.
    assert!(s.contains("height=\"520\""));
    // x ticks 0, 2, ..., 10 ns labelled once (bottom panel only).
    assert_eq!(s.matches(">10</text>").count(), 1);
}

#[test]
fn dense_series_is_decimated_per_pixel_column() {
    let n = 200_000;
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let y: Vec<f64> = x.iter().map(|v| (v * 0.01).sin()).collect();
    let p = Plot {
        title: "dense".into(),
        x_label: "x".into(),
        x_unit: "".into(),
        panels: vec![Panel {
            label: "y".into(),
            unit: "".into(),
            series: vec![Series {
                name: "s".into(),
                x,
                y,
            }],
        }],
    };
    let s = p.to_svg();
    check_xml(&s);
    // 570 pixel columns, at most 4 points each.
    let cmds = s.matches(" L").count();
    assert!(cmds < 4 * 571, "{cmds} path commands");
    assert!(cmds > 570, "{cmds} path commands");
}

#[test]
fn from_waveforms_groups_by_unit() {
    use crate::wave::{Signal, Waveforms};
    let w = Waveforms {
        title: "t".into(),
        plotname: "Transient Analysis".into(),
        scale: Signal::new("time", vec![0.0, 1e-9]),
        signals: vec![
            Signal::new("v(a)", vec![0.0, 1.0]),
            Signal::new("i(v1)", vec![0.0, 1e-3]),
            Signal::new("v(b)", vec![1.0, 0.0]),
        ],
    };
    let p = Plot::from_waveforms(&w, &[]).unwrap();
    assert_eq!(p.panels.len(), 2);
    assert_eq!(p.panels[0].series.len(), 2);
    assert_eq!(p.panels[1].unit, "A");
    assert!(Plot::from_waveforms(&w, &["v(zz)"]).is_err());
}

#[test]
fn scatter_with_diagonal() {
    let pts: Vec<(f64, f64)> = (0..50)
        .map(|i| (i as f64 * 1e-6, i as f64 * 1.02e-6))
        .collect();
    let s = Scatter {
        title: "ours vs ngspice".into(),
        x_label: "ngspice".into(),
        y_label: "spinspice".into(),
        unit: "A".into(),
        points: pts,
        diagonal: true,
    }
    .to_svg();
    check_xml(&s);
    xmllint(&s);
    assert_eq!(s.matches("<circle").count(), 50);
    assert!(s.contains("stroke-dasharray"));
    assert!(s.contains(">spinspice (µA)</text>"));
}

#[test]
fn heatmap_cells_and_bar() {
    let h = Heatmap {
        title: "weights".into(),
        row_label: "output".into(),
        col_label: "input".into(),
        value_label: "w".into(),
        unit: "".into(),
        rows: 3,
        cols: 4,
        values: (0..12).map(|v| v as f64).collect(),
        range: None,
    };
    let s = h.to_svg().unwrap();
    check_xml(&s);
    xmllint(&s);
    // 12 distinct values: 12 cell rectangles, plus background, frame and bar.
    assert_eq!(s.matches("<rect").count(), 15);
    // Lowest value gets viridis' first colour, highest its last.
    assert!(s.contains("fill=\"#440154\""));
    assert!(s.contains("fill=\"#fde725\""));
    let bad = Heatmap {
        values: vec![1.0; 5],
        ..h
    };
    assert!(bad.to_svg().is_err());
}

#[test]
fn mz_map_merges_uniform_runs() {
    // A domain wall: m_z = +1 left of x = 20, -1 right, over 64 x 8 cells of 2 nm.
    let (nx, ny) = (64, 8);
    let values: Vec<f64> = (0..nx * ny)
        .map(|k| if k % nx < 20 { 1.0 } else { -1.0 })
        .collect();
    let m = ColorMap {
        title: "m_z".into(),
        nx,
        ny,
        dx: 2e-9,
        dy: 2e-9,
        values,
        value_label: "m_z".into(),
    };
    let s = m.to_svg().unwrap();
    check_xml(&s);
    xmllint(&s);
    // Two runs per row: 16 cell rectangles + background, frame and colour bar.
    assert_eq!(s.matches("<rect").count(), 19);
    assert!(s.contains("fill=\"#b2182b\"") && s.contains("fill=\"#2166ac\""));
    assert!(s.contains(">x (nm)</text>"));
    assert!(ColorMap { nx: 3, ..m }.to_svg().is_err());
}

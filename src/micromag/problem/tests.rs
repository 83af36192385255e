use super::*;

const SP4: &str = r#"title = "sp4"
[mesh]
n = [8, 4, 1]
cell = [2e-9, 2e-9, 3e-9]

[material.py]
ms = 8e5
a = 1.3e-11
alpha = 0.02

[initial]
type = "uniform"
m = [1.0, 0.25, 0.1]

[excitation]
field = [-24.6e-3, 4.3e-3, 0.0]

[[stage]]
kind = "relax"

[[stage]]
kind = "run"
duration = 1e-9
table_dt = 1e-11
"#;

fn load(s: &str) -> Result<Loaded> {
    Loaded::from_str(s, Path::new("p.toml"))
}

#[test]
fn parses_with_defaults() {
    let l = load(SP4).unwrap();
    let p = &l.problem;
    assert_eq!(p.mesh.n, [8, 4, 1]);
    assert_eq!(p.material["py"].anis_axis, [0.0, 0.0, 1.0]);
    assert_eq!(p.solver.max_err, 1e-5);
    assert_eq!(p.solver.headroom, 0.8);
    assert_eq!(p.stage.len(), 2);
    assert_eq!(l.layer_materials().unwrap(), vec![("py".to_string(), 0..1)]);
}

#[test]
fn unknown_key_names_key_and_line() {
    let s = SP4.replace("alpha = 0.02", "alpha = 0.02\nalpah = 0.5");
    let e = load(&s).unwrap_err().to_string();
    assert!(e.starts_with("p.toml:10:1: error:"), "{e}");
    assert!(e.contains("alpah"), "{e}");
    assert!(e.contains("ms"), "should list valid keys: {e}");
}

#[test]
fn wrong_type_points_at_value() {
    let s = SP4.replace("ms = 8e5", "ms = \"lots\"");
    let e = load(&s).unwrap_err().to_string();
    assert!(e.starts_with("p.toml:7:"), "{e}");
}

#[test]
fn semantic_errors_point_at_key() {
    let s = SP4.replace("ms = 8e5", "ms = -8e5");
    let e = load(&s).unwrap_err().to_string();
    assert!(
        e.starts_with("p.toml:7:1: error: `ms` of material `py` must be positive"),
        "{e}"
    );
    let s = SP4.replace("table_dt = 1e-11", "table_dt = 2e-9");
    let e = load(&s).unwrap_err().to_string();
    assert!(e.contains("p.toml:24:1:") && e.contains("table_dt"), "{e}");
    let s = SP4.replace("[[stage]]\nkind = \"relax\"\n\n[[stage]]\nkind = \"run\"\nduration = 1e-9\ntable_dt = 1e-11\n", "");
    let e = load(&s).unwrap_err().to_string();
    assert!(e.contains("no `[[stage]]`"), "{e}");
}

#[test]
fn stack_checks_layers_and_materials() {
    let base = SP4.replace("n = [8, 4, 1]", "n = [8, 4, 5]");
    let ok =
        format!("{base}\n[stack]\nmaterial = \"py\"\nlayers = 3\nspacer_cells = 1\niec = 1e-4\n");
    let l = load(&ok).unwrap();
    let layers = l.layer_materials().unwrap();
    assert_eq!(
        layers.iter().map(|x| x.1.clone()).collect::<Vec<_>>(),
        vec![0..1, 2..3, 4..5]
    );
    let mask = l.mask().unwrap();
    assert_eq!(mask.iter().filter(|m| m.is_some()).count(), 3 * 32);
    assert_eq!(mask[32], None);
    assert_eq!(mask[64], Some(1));

    let bad = format!("{base}\n[stack]\nmaterial = \"py\"\nlayers = 4\nspacer_cells = 1\n");
    let e = load(&bad).unwrap_err().to_string();
    assert!(e.contains("needs nz = 7"), "{e}");
    let bad = format!(
        "{base}\n[stack]\nmaterials = [\"py\", \"cofeb\"]\nlayer_cells = 2\nspacer_cells = 1\n"
    );
    let e = load(&bad).unwrap_err().to_string();
    assert!(
        e.contains("unknown material `cofeb`") && e.contains("defined materials: py"),
        "{e}"
    );
}

#[test]
fn disk_mask_area() {
    // 50 x 50 cells of 2 nm, disk of diameter 100 nm: pi r^2 / dx^2 = 1963.5 cells;
    // counting cell centres inside a circle of radius 25 cells gives 1976 (Gauss circle
    // problem: the error is of the order of the perimeter in cells, here < 1%).
    let s = SP4
        .replace("n = [8, 4, 1]", "n = [50, 50, 1]")
        .replace("[initial]", "[geometry]\nshape = \"disk\"\n\n[initial]");
    let l = load(&s).unwrap();
    let count = l.mask().unwrap().iter().filter(|m| m.is_some()).count();
    assert!((count as f64 - 1963.5).abs() < 0.01 * 1963.5, "{count}");
}

#[test]
fn taper_and_notch_mask() {
    // 10 x 10 cells of 1 nm; width 10 nm at the left, 2 nm at the right.
    let s = SP4
        .replace("n = [8, 4, 1]", "n = [10, 10, 1]")
        .replace("cell = [2e-9, 2e-9, 3e-9]", "cell = [1e-9, 1e-9, 1e-9]")
        .replace(
            "[initial]",
            "[geometry]\nshape = \"taper\"\nwidth_left = 10e-9\nwidth_right = 2e-9\n\n[initial]",
        );
    let l = load(&s).unwrap();
    let mask = l.mask().unwrap();
    let col = |ix: usize| (0..10).filter(|iy| mask[ix + 10 * iy].is_some()).count();
    // Column 0 centre at s = 0.05: width 9.6 nm -> |y| <= 4.8 -> 8 centres (+-0.5..+-3.5)
    // plus +-4.5 -> 10. Column 9 at s = 0.95: width 2.4 nm -> |y| <= 1.2 -> 2 centres.
    assert_eq!(col(0), 10);
    assert_eq!(col(9), 2);
    assert!((1..9).all(|i| col(i) >= col(i + 1)));

    let s = SP4.replace(
        "[initial]",
        "[[geometry.notch]]\nx = 0.0\nwidth = 4e-9\ndepth = 2e-9\nside = \"top\"\n\n[initial]",
    );
    let mask = load(&s).unwrap().mask().unwrap();
    // Cells ix = 3, 4 (centres -1 nm, +1 nm), top row iy = 3 (y = 3 nm >= 4 - 2 nm) removed.
    assert_eq!(mask[3 + 8 * 3], None);
    assert_eq!(mask[4 + 8 * 3], None);
    assert_eq!(mask[4 + 8 * 2], Some(0));
    assert_eq!(mask.iter().filter(|m| m.is_none()).count(), 2);
}

#[test]
fn wall_and_skyrmion_profiles() {
    let s = SP4
        .replace("n = [8, 4, 1]", "n = [100, 1, 1]")
        .replace("cell = [2e-9, 2e-9, 3e-9]", "cell = [1e-9, 1e-9, 1e-9]")
        .replace("alpha = 0.02", "alpha = 0.02\ndmi = 1e-3")
        .replace(
            "type = \"uniform\"\nm = [1.0, 0.25, 0.1]",
            "type = \"wall\"\nx0 = 0.5e-9\nwidth = 5e-9",
        );
    let l = load(&s).unwrap();
    let m = l.initial_m(&l.mask().unwrap()).unwrap();
    assert!((m[0][2] - 1.0).abs() < 1e-8);
    assert!((m[99][2] + 1.0).abs() < 1e-8);
    // Cell 50 has its centre at x = 0.5 nm = x0: the wall centre, m = (-sign D, 0, 0).
    assert!(
        m[50][2].abs() < 1e-12 && (m[50][0] + 1.0).abs() < 1e-12,
        "{:?}",
        m[50]
    );
    // tanh profile one width away: m_z = -tanh(1) = -0.76159.
    assert!((m[55][2] + 1f64.tanh()).abs() < 1e-12);

    let s = SP4.replace("n = [8, 4, 1]", "n = [50, 50, 1]").replace(
        "type = \"uniform\"\nm = [1.0, 0.25, 0.1]",
        "type = \"skyrmion\"\nx0 = 0.0\nr = 20e-9\ncore = \"up\"",
    );
    let l = load(&s).unwrap();
    let m = l.initial_m(&l.mask().unwrap()).unwrap();
    assert!(m[25 + 50 * 25][2] > 0.99);
    assert!(m[0][2] < -0.99);
    for v in &m {
        let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        assert!((n - 1.0).abs() < 1e-12);
    }
}

#[test]
fn pulse_train_waveform() {
    let c = CurrentSpec {
        waveform: WaveformKind::Pulses,
        amplitude: 1e11,
        width: 1e-9,
        period: 3e-9,
        count: 2,
        delay: 0.5e-9,
        direction: [1.0, 0.0, 0.0],
    };
    assert_eq!(c.at(0.4e-9), 0.0);
    assert_eq!(c.at(0.6e-9), 1e11);
    assert_eq!(c.at(1.6e-9), 0.0);
    assert_eq!(c.at(3.6e-9), 1e11);
    assert_eq!(c.at(6.6e-9), 0.0);
    let e = c.edges(10e-9);
    let want = [0.5e-9, 1.5e-9, 3.5e-9, 4.5e-9];
    assert_eq!(e.len(), 4);
    for (a, b) in e.iter().zip(want) {
        assert!((a - b).abs() < 1e-21, "{e:?}");
    }
}

#[test]
fn random_state_is_seeded() {
    let s = SP4.replace(
        "type = \"uniform\"\nm = [1.0, 0.25, 0.1]",
        "type = \"random\"\nseed = 7",
    );
    let l = load(&s).unwrap();
    let mask = l.mask().unwrap();
    let a = l.initial_m(&mask).unwrap();
    let b = l.initial_m(&mask).unwrap();
    assert_eq!(a, b);
    assert!(a[0] != a[1]);
}

/// `[terms] demag_f64 = true` runs the demag convolution in f64: on the same state its
/// effective field differs from the default f32 one by f32 round-off only (non-zero, and
/// below 1e-6 Ms, the f32 demag tests' bound).
#[test]
fn demag_precision_switch() {
    let f64_src = SP4.replace("[initial]", "[terms]\ndemag_f64 = true\n\n[initial]");
    let mut a = load(SP4).unwrap().simulation().unwrap();
    let mut b = load(&f64_src).unwrap().simulation().unwrap();
    let ha = a.effective_field().to_vec();
    let hb = b.effective_field().to_vec();
    let worst = ha
        .iter()
        .zip(&hb)
        .flat_map(|(x, y)| (0..3).map(move |k| (x[k] - y[k]).abs()))
        .fold(0.0f64, f64::max);
    assert!(worst > 0.0, "the switch changed nothing");
    assert!(
        worst < 1e-6 * 8e5,
        "f32 and f64 demag differ by {worst} A/m"
    );
}

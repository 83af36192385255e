//! `spinspice run FILE --monte-carlo N --seed S`: seeded instances of a netlist's random
//! functions, per-run `.meas` values, statistics and histograms. Checked against the
//! analytic spread of a divider (`sigma_v = R1 / (R1 + R2)^2 · sigma_R2` to first order),
//! reproducibility from the seed, and the example netlist.

use std::path::Path;

fn run_mc(net: &Path, n: usize, seed: u64, out: &Path) -> String {
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .args([
            "run",
            "-q",
            "--monte-carlo",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "-o",
        ])
        .arg(out)
        .arg(net)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    String::from_utf8_lossy(&st.stdout).into_owned()
}

fn summary(out: &Path) -> Vec<(String, Vec<f64>)> {
    let s = std::fs::read_to_string(out.join("montecarlo_summary.csv")).unwrap();
    let mut lines = s.lines();
    assert_eq!(lines.next(), Some("measure,n,mean,sigma,min,max"));
    lines
        .map(|l| {
            let mut f = l.split(',');
            let name = f.next().unwrap().to_string();
            (name, f.map(|v| v.parse().unwrap()).collect())
        })
        .collect()
}

#[test]
fn divider_spread_matches_first_order_propagation() {
    let d = tempfile::tempdir().unwrap();
    let net = d.path().join("mc.cir");
    std::fs::write(
        &net,
        "mc divider\n.param r2v=agauss(1k, 100, 1)\nv1 in 0 dc 1\nr1 in out 1k\n\
         r2 out 0 {r2v}\n.dc v1 1 1 1\n.meas dc vout find v(out) at=1\n.end\n",
    )
    .unwrap();
    let out = d.path().join("o");
    let text = run_mc(&net, 400, 7, &out);
    assert!(
        text.starts_with("monte carlo: 400 runs (0 failed), seeds from 7"),
        "{text}"
    );
    let s = summary(&out);
    let (n, mean, sigma) = (s[0].1[0], s[0].1[1], s[0].1[2]);
    assert_eq!((s[0].0.as_str(), n), ("vout", 400.0));
    // 0.5 V and 25 mV; 400 draws give the mean to ~1.3 mV and sigma to ~4 %.
    assert!((mean - 0.5).abs() < 5e-3, "{mean}");
    assert!((sigma / 0.025 - 1.0).abs() < 0.15, "{sigma}");
    assert!(out.join("montecarlo_vout.svg").exists());
    // The same seed gives the same runs; another seed other ones.
    let runs = std::fs::read_to_string(out.join("montecarlo.csv")).unwrap();
    assert_eq!(runs.lines().count(), 401);
    let again = d.path().join("again");
    run_mc(&net, 400, 7, &again);
    assert_eq!(
        runs,
        std::fs::read_to_string(again.join("montecarlo.csv")).unwrap()
    );
    let other = d.path().join("other");
    run_mc(&net, 3, 1000, &other);
    let o = std::fs::read_to_string(other.join("montecarlo.csv")).unwrap();
    assert!(o.lines().nth(1).unwrap().starts_with("1000,"));
    assert!(!runs.contains(o.lines().nth(1).unwrap().split(',').nth(1).unwrap()));
}

#[test]
fn read_path_example_spreads_around_the_threshold() {
    let net = Path::new(env!("CARGO_MANIFEST_DIR")).join("netlists/read_path_montecarlo.cir");
    let d = tempfile::tempdir().unwrap();
    run_mc(&net, 60, 1, d.path());
    let s = summary(d.path());
    let get = |k: &str| s.iter().find(|(n, _)| n == k).unwrap().1.clone();
    let (rest, fire) = (get("vrest"), get("vfire"));
    // Nominal: 65.8 mV at rest and 107.7 mV at the firing state (threshold 107.9 mV).
    assert!((rest[1] - 0.0658).abs() < 2e-3 && (fire[1] - 0.1077).abs() < 3e-3);
    assert!(fire[2] > 1e-3 && fire[2] < 5e-3, "sigma {}", fire[2]);
}

#[test]
fn monte_carlo_needs_measures() {
    let d = tempfile::tempdir().unwrap();
    let net = d.path().join("nomeas.cir");
    std::fs::write(&net, "t\nv1 a 0 1\nr1 a 0 1k\n.op\n.end\n").unwrap();
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_spinspice"))
        .args(["run", "-q", "--monte-carlo", "3"])
        .arg(&net)
        .output()
        .unwrap();
    assert!(!st.status.success());
    let e = String::from_utf8_lossy(&st.stderr);
    assert!(e.contains("has no `.meas` lines"), "{e}");
}

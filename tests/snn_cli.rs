//! The `train`, `eval`, `fit` and data-error paths of the command line, end to end.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spinspice"))
}

#[cfg(feature = "snn")]
#[test]
fn train_then_eval_on_the_committed_subset() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fashion");
    let out = tempfile::tempdir().unwrap();
    let st = bin()
        .args([
            "train",
            "--dataset",
            "fashion",
            "--arch",
            "fc",
            "--neuron",
            "skyrmion",
        ])
        .args([
            "--epochs",
            "1",
            "--train-limit",
            "300",
            "--test-limit",
            "100",
            "--hidden",
            "64",
        ])
        .args([
            "--batch-size",
            "50",
            "--lr",
            "2e-3",
            "--quiet",
            "--encoding",
            "rate",
            "--augment",
            "flip,shift",
            "--weight-decay",
            "0.01",
            "--dropout",
            "0.2",
        ])
        .arg("--data-dir")
        .arg(&data)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("metrics.json")).unwrap())
            .unwrap();
    let acc = m["test_accuracy"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&acc));
    assert!(m["train_images_per_s"].as_f64().unwrap() > 0.0);
    assert_eq!(m["epochs"].as_u64(), Some(1));
    assert_eq!(m["history"].as_array().unwrap().len(), 1);
    let cfg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("config.json")).unwrap()).unwrap();
    assert_eq!(
        cfg["augment"],
        serde_json::json!({"flip": true, "shift": 2})
    );
    assert_eq!(cfg["weight_decay"], serde_json::json!(0.01));
    assert_eq!(cfg["dropout"], serde_json::json!(0.2));
    let net: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("export/network.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(net["format"], "spinspice-snn-export");
    assert_eq!(net["encoding"], "rate");
    assert_eq!(net["layers"][1]["in"], 64);
    let ev = bin()
        .arg("eval")
        .arg(out.path())
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert!(
        ev.status.success(),
        "{}",
        String::from_utf8_lossy(&ev.stderr)
    );
    let so = String::from_utf8_lossy(&ev.stdout);
    assert!(so.contains("on 100 test images"), "{so}");
    for f in [
        "eval.json",
        "confusion.csv",
        "spike_heatmap.svg",
        "curves_accuracy.svg",
        "curves_loss.svg",
    ] {
        assert!(out.path().join(f).is_file(), "{f}");
    }
}

#[cfg(feature = "snn")]
#[test]
fn missing_mnist_names_the_fetch_step() {
    let empty = tempfile::tempdir().unwrap();
    let st = bin()
        .args(["train", "--dataset", "mnist", "--data-dir"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(1));
    let e = String::from_utf8_lossy(&st.stderr);
    assert!(e.contains("spinspice data mnist --dest"), "{e}");
}

/// Runs `spinspice train` on the committed Fashion subset with `args` into a fresh output
/// directory, expects a usage error (exit 1) that writes nothing, and returns stderr.
#[cfg(feature = "snn")]
fn train_usage_error(args: &[&str]) -> String {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fashion");
    let out = tempfile::tempdir().unwrap();
    let st = bin()
        .args(["train", "--dataset", "fashion"])
        .args(args)
        .arg("--data-dir")
        .arg(&data)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(1));
    assert!(!out.path().join("config.json").exists());
    String::from_utf8_lossy(&st.stderr).into_owned()
}

#[cfg(feature = "snn")]
#[test]
fn unknown_augmentation_is_a_usage_error() {
    let e = train_usage_error(&["--augment", "flip,rotate"]);
    assert!(e.contains("unknown augmentation \"rotate\""), "{e}");
}

#[cfg(feature = "snn")]
#[test]
fn dropout_of_one_is_a_usage_error() {
    let e = train_usage_error(&["--dropout", "1"]);
    assert!(e.contains("--dropout 1 must be in [0, 1)"), "{e}");
}

#[cfg(feature = "snn")]
#[test]
fn negative_weight_decay_is_a_usage_error() {
    let e = train_usage_error(&["--weight-decay=-0.1"]);
    assert!(
        e.contains("--weight-decay -0.1 must be non-negative"),
        "{e}"
    );
}

// `fit` recovers a DW trace generated here by forward Euler with 100 substeps per sample
// (beta 0.02, alpha -0.01, gamma 0.5 in normalised units): 2 % tolerance (no noise; the
// error is the window slope's O(h^2) curvature term and the resets' edges).
#[test]
fn fit_cli_recovers_dw_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let (beta, alpha, gamma) = (0.02, -0.01, 0.5);
    let mut csv = String::from("t,dw_x,j\n");
    let mut x: f64 = 0.0;
    for k in 0..2000 {
        let j = if (k / 200) % 2 == 0 { 0.1 } else { 0.0 };
        csv.push_str(&format!("{},{x},{j}\n", k as f64 * 0.05));
        for _ in 0..100 {
            x += 0.0005 * (-beta * x + alpha + gamma * j);
        }
        if x > 1.0 {
            x -= 1.0;
        }
    }
    let trace = dir.path().join("trace.csv");
    std::fs::write(&trace, csv).unwrap();
    let out = dir.path().join("fit.json");
    let st = bin()
        .args(["fit", "--model", "dw", "-o"])
        .arg(&out)
        .arg(&trace)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    for (k, want) in [("beta", beta), ("alpha", alpha), ("gamma", gamma)] {
        let got = f["params"][k].as_f64().unwrap();
        assert!(
            (got - want).abs() < 0.02 * want.abs(),
            "{k}: {got} vs {want}"
        );
    }
    assert!(f["r2_rate"].as_f64().unwrap() > 0.99);
}

//! `spinspice crossbar validate | plan | job | merge` end to end on a synthetic export
//! (784 -> 16 -> 10, seeded random weights, written in the test) and the committed MNIST
//! test subset: the merged job results give the same report as one validate run.

mod common;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use spinspice::crossbar::sweep::{
    run, JobArgs as CrossbarJobArgs, MergeArgs as CrossbarMergeArgs, PlanArgs as CrossbarPlanArgs,
    Report, SweepCommand as CrossbarCommand, ValidateArgs as CrossbarValidateArgs,
};
use spinspice::neuron::export::{
    write_export, LayerEntry, LayerExport, NetworkExport, NeuronSpec, FORMAT, VERSION,
};
use spinspice::neuron::{Leaky, NeuronModel, Reset};
use std::path::{Path, PathBuf};

fn layer(
    name: &str,
    n_in: usize,
    out: usize,
    rng: &mut StdRng,
    gain: f32,
) -> (LayerEntry, LayerExport) {
    let weight = (0..out)
        .map(|_| {
            (0..n_in)
                .map(|_| gain * (rng.random::<f32>() - 0.45))
                .collect()
        })
        .collect();
    (
        LayerEntry {
            name: name.into(),
            kind: "linear".into(),
            n_in,
            out,
            file: format!("{name}.json"),
            kernel: None,
        },
        LayerExport {
            name: name.into(),
            n_in,
            out,
            weight,
            bias: None,
            kernel: None,
        },
    )
}

fn write_model(dir: &Path) {
    let mut rng = StdRng::seed_from_u64(3);
    let (e1, l1) = layer("fc1", 784, 16, &mut rng, 0.1);
    let (e2, l2) = layer("fc2", 16, 10, &mut rng, 0.9);
    let model = NeuronModel::Leaky(Leaky {
        beta: 0.9,
        threshold: 1.0,
        reset: Reset::Subtract,
    });
    let ex = NetworkExport {
        format: FORMAT.into(),
        version: VERSION,
        arch: "fc".into(),
        neuron: NeuronSpec::from_model(&model),
        steps: 10,
        encoding: "direct".into(),
        input_shape: vec![1, 28, 28],
        layers: vec![e1, e2],
        weights: vec![l1, l2],
    };
    write_export(dir.join("export"), &ex).unwrap();
}

fn args(model: &Path, out: Option<PathBuf>) -> CrossbarValidateArgs {
    CrossbarValidateArgs {
        model: model.to_path_buf(),
        layer: "fc2".into(),
        images: 4,
        tile: "8x8".into(),
        variation: Some("5%".into()),
        levels: Some(64),
        seeds: 2,
        seed: 1,
        g_min: None,
        g_max: None,
        r_p: None,
        r_ap: None,
        stuck_on: None,
        stuck_off: None,
        scheme: "differential".into(),
        r_wire: 1.0,
        data_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/mnist")),
        out,
    }
}

fn read_report(p: &Path) -> Report {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn plan_jobs_merge_equals_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    write_model(&model);
    let single = tmp.path().join("single");
    run(&CrossbarCommand::Validate(args(
        &model,
        Some(single.clone()),
    )))
    .unwrap();
    let r1 = read_report(&single.join("report.json"));
    assert_eq!(r1.seeds.len(), 2);
    // The scatter plot: one point per (seed, image, output) = 2 * 4 * 10.
    let svg = std::fs::read_to_string(single.join("spike_counts.svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.contains("<svg"));
    assert_eq!(svg.matches("<circle").count(), 80);
    assert_eq!(r1.seeds[0].images.len(), 4);
    assert!(r1.energy_per_inference_j > 0.0 && r1.latency_s > 0.0);

    let plan = tmp.path().join("plan");
    run(&CrossbarCommand::Plan(CrossbarPlanArgs {
        validate: args(&model, None),
        jobs: 2,
        dir: plan.clone(),
    }))
    .unwrap();
    let sbatch = std::fs::read_to_string(plan.join("slurm.sbatch")).unwrap();
    assert!(
        sbatch.contains("#SBATCH --array=0-1") && sbatch.contains("job_$SLURM_ARRAY_TASK_ID.json")
    );
    assert!(plan.join("run_parallel.sh").exists());
    for i in 0..2 {
        run(&CrossbarCommand::Job(CrossbarJobArgs {
            spec: plan.join(format!("job_{i}.json")),
        }))
        .unwrap();
    }
    run(&CrossbarCommand::Merge(CrossbarMergeArgs {
        dir: plan.clone(),
    }))
    .unwrap();
    let r2 = read_report(&plan.join("report.json"));
    assert_eq!(r1, r2, "merged jobs differ from a single validate run");

    // GNU parallel end to end (a failure under CI when it is missing, a counted skip
    // elsewhere).
    if !common::tools::require_tool("parallel") {
        return;
    }
    for i in 0..2 {
        std::fs::remove_file(plan.join(format!("result_{i}.json"))).unwrap();
    }
    std::fs::remove_file(plan.join("report.json")).unwrap();
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_spinspice"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let st = std::process::Command::new("sh")
        .arg(plan.join("run_parallel.sh"))
        .env("PATH", path)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        read_report(&plan.join("report.json")),
        r1,
        "GNU parallel run differs"
    );
}

#[test]
fn missing_model_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let e = run(&CrossbarCommand::Validate(args(
        &tmp.path().join("nope"),
        Some(tmp.path().into()),
    )));
    assert!(e.is_err());
}

/// The device-window, scheme, fault and wire flags reach the mapping: an MTJ card
/// (`--r-p/--r-ap`) gives the same report as the equivalent `--g-min/--g-max`; ideal devices
/// with the offset scheme still agree; bad values are errors, not panics.
#[test]
fn window_scheme_and_fault_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("model");
    write_model(&model);
    let base = |out: &str| CrossbarValidateArgs {
        variation: None,
        levels: None,
        seeds: 1,
        images: 3,
        r_wire: 1e-3,
        ..args(&model, Some(tmp.path().join(out)))
    };
    let card = CrossbarValidateArgs {
        r_p: Some(200e3),
        r_ap: Some(600e3),
        scheme: "offset".into(),
        ..base("card")
    };
    run(&CrossbarCommand::Validate(card)).unwrap();
    let g = CrossbarValidateArgs {
        g_min: Some(1.0 / 600e3),
        g_max: Some(1.0 / 200e3),
        scheme: "offset".into(),
        ..base("g")
    };
    run(&CrossbarCommand::Validate(g)).unwrap();
    let rc = read_report(&tmp.path().join("card/report.json"));
    let rg = read_report(&tmp.path().join("g/report.json"));
    assert_eq!(rc, rg);
    // ideal devices (no variation, continuous levels, 1 milliohm wires): all 3 agree
    assert_eq!(rc.classification_agreement, 1.0);

    // Half the cells stuck: the mapping changes, so the circuit's counts do.
    let stuck = CrossbarValidateArgs {
        stuck_on: Some("25%".into()),
        stuck_off: Some("25%".into()),
        ..base("stuck")
    };
    run(&CrossbarCommand::Validate(stuck)).unwrap();
    let rs = read_report(&tmp.path().join("stuck/report.json"));
    assert!(
        rs.spike_count_agreement < 1.0,
        "{}",
        rs.spike_count_agreement
    );

    for bad in [
        CrossbarValidateArgs {
            g_min: Some(1e-5),
            g_max: Some(1e-6),
            ..base("bad")
        },
        CrossbarValidateArgs {
            r_p: Some(600e3),
            r_ap: Some(200e3),
            ..base("bad")
        },
        CrossbarValidateArgs {
            stuck_on: Some("80%".into()),
            stuck_off: Some("30%".into()),
            ..base("bad")
        },
        CrossbarValidateArgs {
            r_wire: -1.0,
            ..base("bad")
        },
    ] {
        assert!(run(&CrossbarCommand::Validate(bad)).is_err());
    }
}

//! Position-time traces of the leaky DW neuron for the compact-model fitting work
//! (`spinspice fit`): 1 ns current pulses at 500 MHz and 333 MHz on tracks with and without
//! a restoring force. Writes `tests/data/traces/<track>_<freq>.csv` with the columns
//! `time,current_density,dw_x,mz` (s, A/m^2, m from the track centre, 1).
//!
//! Run: `cargo run --release --example mag_traces [-- OUTDIR [TRACK ...]]`
//! Tracks: `ku_gradient`, `taper`, `uniform` (all derived from
//! `models/racetrack/fast_default.toml`: 128 x 32 x 1 cells of 2 x 2 x 0.8 nm).

use std::path::{Path, PathBuf};

use spinspice::micromag::problem::Loaded;

fn variant(base: &str, track: &str) -> String {
    match track {
        "ku_gradient" => base.to_string(),
        "uniform" => base.replace("ku_grad_x = 7.8125e11", "ku_grad_x = 0.0"),
        // 32 nm wide at the left end, 64 nm at the right (same relative taper as
        // models/racetrack/dw_taper.toml), no Ku gradient.
        "taper" => base
            .replace("ku_grad_x = 7.8125e11", "ku_grad_x = 0.0")
            .replace("[material.cofeb]", "[geometry]\nshape = \"taper\"\nwidth_left = 32e-9\nwidth_right = 64e-9\n\n[material.cofeb]"),
        other => panic!("unknown track {other}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("tests/data/traces"));
    let tracks: Vec<String> = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec!["ku_gradient".into(), "taper".into(), "uniform".into()]
    };
    std::fs::create_dir_all(&out_dir).expect("create the output directory");
    let base = std::fs::read_to_string(root.join("models/racetrack/fast_default.toml"))
        .expect("read the preset");
    for track in &tracks {
        for (freq, period, count, duration) in
            [("500MHz", 2e-9, 5, 12e-9), ("333MHz", 3e-9, 4, 14e-9)]
        {
            let src = variant(&base, track)
                .replace("period = 2e-09", &format!("period = {period:e}"))
                .replace("count = 5", &format!("count = {count}"))
                .replace("duration = 1e-08", &format!("duration = {duration:e}"))
                .replace("table_dt = 1e-11", "table_dt = 2e-11")
                .replace("ovf_every = 100", "ovf_every = 0");
            let l = Loaded::from_str(&src, &root.join("models/racetrack/fast_default.toml"))
                .expect("valid problem");
            let work = std::env::temp_dir().join(format!("spinspice_trace_{track}_{freq}"));
            eprintln!("{track} {freq}: running {duration:e} s");
            let r = l
                .run(&work, &mut |p| {
                    if p.kind == "run" {
                        eprintln!("  t = {:.2} ns, wall {:.0} s", p.t * 1e9, p.wall)
                    }
                })
                .expect("run");
            let t = r.column("t").unwrap();
            let j = r.column("J").unwrap();
            let x = r.column("dw_x").unwrap();
            let mz = r.column("mz").unwrap();
            let mut s = String::from("time,current_density,dw_x,mz\n");
            for k in 0..t.len() {
                s.push_str(&format!("{:e},{:e},{:e},{:e}\n", t[k], j[k], x[k], mz[k]));
            }
            let path = out_dir.join(format!("{track}_{freq}.csv"));
            let tmp = path.with_extension("csv.tmp");
            std::fs::write(&tmp, s).expect("write");
            std::fs::rename(&tmp, &path).expect("rename");
            eprintln!(
                "  wrote {} ({} rows, {:.1} s wall, {} steps)",
                path.display(),
                t.len(),
                r.wall,
                r.accepted
            );
        }
    }
}

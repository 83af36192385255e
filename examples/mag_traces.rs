//! Position-time traces of the leaky DW neuron for the compact-model fitting work
//! (`spinspice fit`): 1 ns current pulses at 500 MHz and 333 MHz on tracks with and without
//! a restoring force. Writes `tests/data/traces/<track>_<freq>.csv` with the columns
//! `time,current_density,dw_x,mz` (s, A/m^2, m from the track centre, 1).
//!
//! Run: `cargo run --release --example mag_traces [-- OUTDIR [TRACK[:FREQ] ...]]`
//! Tracks: `ku_gradient`, `taper`, `uniform` (all derived from
//! `models/racetrack/fast_default.toml`: 128 x 32 x 1 cells of 2 x 2 x 0.8 nm) and the
//! skyrmion track `sk_ku_gradient` (`models/racetrack/sk_ku_gradient.toml`, same mesh; its
//! CSV has the columns `time,current_density,sk_x,sk_y,sk_radius,mz`); FREQ is
//! `500MHz` (4 pulses, 10 ns) or `333MHz` (3 pulses, 11 ns); without it, both.
//! `TRACK:FREQ:NS` shortens the run to NS nanoseconds.

use std::path::{Path, PathBuf};

use spinspice::micromag::problem::Loaded;

fn variant(base: &str, sk_base: &str, track: &str) -> String {
    match track {
        // The skyrmion track with a restoring force (its own preset).
        "sk_ku_gradient" => sk_base.to_string(),
        "ku_gradient" => base.to_string(),
        // Without a gradient the wall has no preferred position: relaxing to 1e-6 T takes
        // very long (the wall creeps), so stop at 1 mT, far below the SOT field (~8 mT).
        "uniform" => base.replace("ku_grad_x = 7.8125e11", "ku_grad_x = 0.0").replace(
            "[output]",
            "[solver]\nrelax_torque = 1e-3\n\n[output]",
        ),
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
    let sk_base = std::fs::read_to_string(root.join("models/racetrack/sk_ku_gradient.toml"))
        .expect("read the skyrmion preset");
    for item in &tracks {
        // TRACK[:FREQ[:NS]]: NS overrides the simulated time (ns); the pulse count follows.
        let parts: Vec<&str> = item.split(':').collect();
        let (track, only) = (parts[0], parts.get(1).copied());
        let ns: Option<f64> = parts.get(2).and_then(|v| v.parse().ok());
        for (freq, period, count, duration) in
            [("500MHz", 2e-9, 4, 10e-9), ("333MHz", 3e-9, 3, 11e-9)]
        {
            if only.is_some_and(|f| f != freq) {
                continue;
            }
            let duration = ns.map_or(duration, |n| n * 1e-9);
            let count = ns.map_or(count, |n| ((n * 1e-9 / period).ceil() as usize).min(count));
            let src = variant(&base, &sk_base, track)
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
                .run(&work, &mut |e| {
                    if let spinspice::progress::Event::Stage(p) = e {
                        if p.kind == "run" {
                            eprintln!("  t = {:.2} ns, wall {:.0} s", p.t * 1e9, p.wall)
                        }
                    }
                })
                .expect("run");
            let t = r.column("t").unwrap();
            let j = r.column("J").unwrap();
            let mz = r.column("mz").unwrap();
            let mut s = String::new();
            if track.starts_with("sk_") {
                // Skyrmion: centre and radius.
                let (x, y, rad) = (
                    r.column("sk_x").unwrap(),
                    r.column("sk_y").unwrap(),
                    r.column("sk_radius").unwrap(),
                );
                s.push_str("time,current_density,sk_x,sk_y,sk_radius,mz\n");
                for k in 0..t.len() {
                    s.push_str(&format!(
                        "{:e},{:e},{:e},{:e},{:e},{:e}\n",
                        t[k], j[k], x[k], y[k], rad[k], mz[k]
                    ));
                }
            } else {
                let x = r.column("dw_x").unwrap();
                s.push_str("time,current_density,dw_x,mz\n");
                for k in 0..t.len() {
                    s.push_str(&format!("{:e},{:e},{:e},{:e}\n", t[k], j[k], x[k], mz[k]));
                }
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

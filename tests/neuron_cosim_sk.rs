//! The micromagnetic skyrmion LIF neuron (`netlists/sk_lif_neuron_mm.cir`, free layer
//! `models/racetrack/sk_neuron.toml`) end to end, and its fitted compact card.
//!
//! The default run has one short micromagnetic case (the first pulse and gap at 333 MHz)
//! and the compact card against the micromagnetic spike times measured by the ignored
//! full runs (`MM_500`, `MM_333`); the full micromagnetic runs are `#[ignore]`d.

use spinspice::circuit::Circuit;
use spinspice::progress::Silent;
use spinspice::wave::crossings as rising_crossings;
use spinspice::wave::snapshot::{snapshot, SnapshotSpec};
use spinspice::wave::Waveforms;

const SK: &str = "netlists/sk_lif_neuron_mm.cir";

/// Rest position of the relaxed skyrmion, from T1 (the card's x0).
const REST: f64 = 36.3e-9;
/// Left edge of the MTJ footprint (xmtj - lmtj/2): the threshold position.
const EDGE: f64 = 72e-9;

/// Spike times of the micromagnetic neuron (release build, `sk_micromagnetic_neuron`,
/// 30 ns): the reference for the compact card in the default run.
const MM_500: [f64; 4] = [2.909978e-9, 1.072586e-8, 1.867502e-8, 2.661538e-8];
const MM_333: [f64; 3] = [7.338944e-9, 1.627933e-8, 2.530801e-8];

/// Agreement of compact and micromagnetic spike trains: the same number of spikes in 30 ns,
/// and each spike within one input period plus the skyrmion's coasting time (0.7 ns). The
/// micromagnetic skyrmion keeps moving 0.3-0.7 ns after each pulse (its effective mass; the
/// preset's `spinspice mag` run peaks 0.7-0.8 ns after the pulse ends) and crosses the
/// threshold while coasting at 333 MHz; the first-order Eq. (15) ODE stops when the current
/// stops, so it can cross one pulse earlier or later, shifted by up to the coast.
/// Measured: within 0.13 ns at 500 MHz; at 333 MHz -3.33, -0.34, +2.64 ns (the compact
/// neuron fires on the 2nd pulse, the micromagnetic one while coasting after the 3rd).
fn assert_trains_agree(mm: &[f64], cp: &[f64], period: f64) {
    assert_eq!(mm.len(), cp.len(), "micromagnetic {mm:?}, compact {cp:?}");
    for (a, b) in mm.iter().zip(cp) {
        assert!(
            (a - b).abs() < period + 0.7e-9,
            "micromagnetic {mm:?}, compact {cp:?}"
        );
    }
}

/// Run the neuron with `state`, input frequency `fin` and stop time `tstop`.
fn run(state: &str, fin: f64, tstop: f64) -> Waveforms {
    let text = std::fs::read_to_string(SK).unwrap();
    let text = text
        .replace("state=micromagnetic", &format!("state={state}"))
        .replace(".tran 10p 30n", &format!(".tran 10p {tstop:e}"));
    let ast = spinspice::netlist::parse_str(&text, SK).unwrap();
    let flat = spinspice::elab::elaborate(&ast, &[("fin".to_string(), fin)]).unwrap();
    let mut c = Circuit::from_flat(&flat).unwrap();
    c.run_all(&mut Silent).unwrap().remove(0).0
}

fn sig<'a>(w: &'a Waveforms, n: &str) -> &'a [f64] {
    &w.get(n).unwrap_or_else(|| panic!("no {n}")).values
}

fn spikes(w: &Waveforms) -> Vec<f64> {
    rising_crossings(&w.scale.values, sig(w, "v(spike)"), 0.9)
}

/// Value of `name` at time `t` (linear interpolation).
fn at(w: &Waveforms, name: &str, t: f64) -> f64 {
    let ts = &w.scale.values;
    let v = sig(w, name);
    let k = ts.partition_point(|x| *x < t).clamp(1, ts.len() - 1);
    let f = (t - ts[k - 1]) / (ts[k] - ts[k - 1]);
    v[k - 1] + f * (v[k] - v[k - 1])
}

/// Largest value of `name` over `[a, b]` (sampled every 20 ps).
fn max_over(w: &Waveforms, name: &str, a: f64, b: f64) -> f64 {
    let n = ((b - a) / 20e-12).ceil() as usize;
    (0..=n)
        .map(|k| at(w, name, a + (b - a) * k as f64 / n as f64))
        .fold(f64::MIN, f64::max)
}

/// The MTJ resistance stays within Eq. (7)'s range for this card: R_P = 200 ohm with no
/// skyrmion under the junction, 225.4 ohm with the whole core (d_s = 15.6 nm, w = 5.5 nm,
/// S = 1.536e-15 m^2: f = pi d_s w / S = 0.169). At rest it reads 201.1 ohm, not 200: the
/// DMI canting of the track edges inside the footprint counts as a little core weight
/// (measured; 1.5 ohm allowed).
fn assert_r_range(w: &Waveforms, reaches_threshold: bool) {
    let r = sig(w, "r(n1)");
    let (lo, hi) = r
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    assert!((200.0 - 1e-9..201.5).contains(&lo), "R min {lo}");
    assert!(hi <= 225.4, "R max {hi}");
    if reaches_threshold {
        // The comparator's upper threshold is R = 211.9 ohm (half the core under the MTJ).
        assert!(hi > 211.9, "R max {hi}");
    }
}

/// |Q| stays that of an intact skyrmion (0.86 relaxed, finite differences on 2 nm cells):
/// 10 % allows the breathing of the core under the drive.
fn assert_charge(w: &Waveforms) {
    for q in sig(w, "q(n1)") {
        assert!((q.abs() - 0.86).abs() < 0.086, "|Q| = {}", q.abs());
    }
}

// Small real micromagnetic case (default run): the first pulse and gap at 333 MHz. The
// preset's own `spinspice mag` run (same drive, no circuit) gives x(1 ns) - x(0) = +19.6 nm,
// a coast to about +27 nm by 1.7 ns, and 18-19 nm at 3 ns: the leak pulls it back from its
// coasting peak, but not all the way in 2 ns. Tolerances: the ON gain within 25 % (the
// circuit's current rises over 10 ps and the coupling lags one circuit step), the leak at
// least 4 nm, and the skyrmion still above rest at the next pulse (net integration).
#[test]
fn sk_micromagnetic_first_pulse_integrates_then_leaks() {
    let w = run("micromagnetic", 333e6, 3e-9);
    let x = |t: f64| at(&w, "x(n1)", t);
    let x0 = x(0.0);
    assert!((x0 - REST).abs() < 1e-9, "rest {x0:e}");
    let on = x(1e-9) - x0;
    assert!((on / 19.6e-9 - 1.0).abs() < 0.25, "ON moved {on:e}");
    let peak = max_over(&w, "x(n1)", 1e-9, 3e-9);
    let end = x(3e-9);
    assert!(peak - end > 4e-9, "leak: peak {peak:e}, end {end:e}");
    assert!(end - x0 > 5e-9, "net gain {:e}", end - x0);
    assert!(spikes(&w).is_empty());
    assert_r_range(&w, false);
    assert_charge(&w);
}

// The compact card of the netlist (k1 = 0, k2 = -4e8 1/s, gammaj = 3.4e-10) against the
// micromagnetic spike times (MM_500, MM_333; re-measured by the ignored
// `sk_micromagnetic_neuron`), with the tolerance of `assert_trains_agree`. The first spike
// at 500 MHz, reached during the 2nd pulse in both models, is held to 0.5 ns (a quarter
// of the pulse: both cross while the current is on, where neither coasts).
#[test]
fn sk_compact_card_matches_micromagnetic_spikes() {
    let c500 = spikes(&run("compact", 500e6, 30e-9));
    let c333 = spikes(&run("compact", 333e6, 30e-9));
    eprintln!("compact: 500 MHz {c500:?}, 333 MHz {c333:?}");
    assert_trains_agree(&MM_500, &c500, 2e-9);
    assert_trains_agree(&MM_333, &c333, 3e-9);
    assert!((c500[0] - MM_500[0]).abs() < 0.5e-9, "{c500:?}");
    // Higher frequency fires sooner in both.
    assert!(c500[0] < c333[0] && MM_500[0] < MM_333[0]);
}

fn spec(tstop: f64, n: usize) -> SnapshotSpec {
    SnapshotSpec {
        grid: Some((0.0, tstop, n)),
        signals: vec![
            "x(n1)".into(),
            "r(n1)".into(),
            "v(out)".into(),
            "v(spike)".into(),
        ],
        digits: 3,
        events: vec![("v(spike)".into(), 0.9)],
    }
}

/// The paper's LIF behaviour on a micromagnetic run at input period `period`, up to 30 ns:
/// integration during the ON pulses before the first spike (the skyrmion gains ground over
/// each pulse), leak between them (after its coast the skyrmion drifts back by at least
/// 2 nm before the next pulse), firing at the threshold position (the comparator switches
/// at half the core under the MTJ, the centre at the footprint edge; 3 nm allows the
/// comparator's 100 ps rise at the skyrmion's 10-20 nm/ns and the discrete, edge-canted
/// profile: measured 73.5-74.2 nm against the edge at 72 nm), and reset after every spike
/// (within 3 ns the reverse current takes the skyrmion back past its rest point, measured
/// 22.8-23.2 nm from T1, but not into the T1 end: its core edge stays 15 nm clear).
fn assert_lif(w: &Waveforms, period: f64) {
    let s = spikes(w);
    let x = |t: f64| at(w, "x(n1)", t);
    let mut k = 0;
    while (k as f64 + 1.0) * period < s[0] {
        let t0 = period * k as f64;
        let on = x(t0 + 1e-9) - x(t0);
        assert!(on > 3e-9, "pulse at {t0:e}: moved {on:e}");
        let peak = max_over(w, "x(n1)", t0 + 1e-9, t0 + period);
        let back = peak - x(t0 + period);
        if period > 2.5e-9 || k > 0 {
            assert!(back > 2e-9, "gap after {t0:e}: drifted back {back:e}");
        }
        k += 1;
    }
    for t in &s {
        let xs = x(*t);
        assert!((xs - EDGE).abs() < 3e-9, "spike at {t:e}: x = {xs:e}");
        let low = (0..=150)
            .map(|k| x(t + k as f64 * 20e-12))
            .fold(f64::MAX, f64::min);
        if t + 3e-9 < w.scale.values[w.len() - 1] {
            assert!(low < REST && low > 15e-9, "after {t:e}: down to {low:e}");
        }
    }
}

/// Both frequencies' micromagnetic runs, in parallel (CI has two cores).
fn mm_pair() -> (Waveforms, Waveforms) {
    std::thread::scope(|sc| {
        let a = sc.spawn(|| run("micromagnetic", 500e6, 30e-9));
        let b = sc.spawn(|| run("micromagnetic", 333e6, 30e-9));
        (a.join().unwrap(), b.join().unwrap())
    })
}

// The micromagnetic skyrmion neuron at 500 and 333 MHz (30 ns each): the LIF behaviour,
// the MTJ range, an intact skyrmion, higher frequency firing sooner, and agreement with the
// compact card (`assert_trains_agree`). Measured (release): MM_500 and MM_333.
#[test]
#[ignore = "micromagnetic, 2 x 30 ns: ~1 min CPU each in release, several minutes in debug"]
fn sk_micromagnetic_neuron() {
    let (w5, w3) = mm_pair();
    let (s5, s3) = (spikes(&w5), spikes(&w3));
    eprintln!("micromagnetic: 500 MHz {s5:?}, 333 MHz {s3:?}");
    assert!(s5[0] < s3[0], "{s5:?} {s3:?}");
    assert_lif(&w5, 2e-9);
    assert_lif(&w3, 3e-9);
    for w in [&w5, &w3] {
        assert_r_range(w, true);
        assert_charge(w);
    }
    // The recorded reference of the default test: re-measured within 1 % (the
    // micromagnetic run is deterministic; 1 % allows a different CPU's floating point).
    for (a, b) in s5.iter().zip(&MM_500).chain(s3.iter().zip(&MM_333)) {
        assert!((a - b).abs() < 0.01 * b, "{s5:?} {s3:?}");
    }
    assert_trains_agree(&s5, &spikes(&run("compact", 500e6, 30e-9)), 2e-9);
    assert_trains_agree(&s3, &spikes(&run("compact", 333e6, 30e-9)), 3e-9);
    insta::assert_snapshot!(
        "sk_lif_neuron_micromagnetic",
        snapshot(&w5, &spec(30e-9, 31)).unwrap()
    );
}

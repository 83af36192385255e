//! The micromagnetic skyrmion LIF neuron (`netlists/sk_lif_neuron_mm.cir`, free layer
//! `models/racetrack/sk_neuron.toml`) end to end, and its fitted compact card.
//!
//! The default run has one short micromagnetic case (the first pulse and gap at 333 MHz)
//! and the compact card against the micromagnetic spike times measured by the ignored
//! full runs (`MM_500`, `MM_333`); the full micromagnetic runs are `#[ignore]`d.

use spinspice::circuit::cli::rising_crossings;
use spinspice::circuit::Circuit;
use spinspice::progress::Silent;
use spinspice::wave::Waveforms;

const SK: &str = "netlists/sk_lif_neuron_mm.cir";

/// Rest position of the relaxed skyrmion, from T1 (the card's x0).
const REST: f64 = 36.3e-9;

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
    assert!(lo >= 200.0 - 1e-9 && lo < 201.5, "R min {lo}");
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

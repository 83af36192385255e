//! The transistor-level DW neuron (`netlists/dw_lif_neuron_5t.cir`): the 5-transistor
//! comparator with Schmitt feedback on its reference and an NMOS reset, against the
//! behavioural-comparator neuron (`netlists/dw_lif_neuron.cir`, same compact track).

use spinspice::circuit::run::spike_lines;
use spinspice::circuit::Circuit;
use spinspice::progress::Silent;
use spinspice::wave::crossings as rising_crossings;
use spinspice::wave::Waveforms;

/// Run a netlist file (compact state) and return its waveforms and `spikes` lines.
fn run(file: &str, state_compact: bool) -> (Waveforms, Vec<String>) {
    let ast = if state_compact {
        let text = std::fs::read_to_string(file).unwrap();
        let text = text.replace("state=micromagnetic", "state=compact");
        spinspice::netlist::parse_str(&text, file).unwrap()
    } else {
        spinspice::netlist::parse_file(std::path::Path::new(file)).unwrap()
    };
    let flat = spinspice::elab::elaborate(&ast, &[]).unwrap();
    let mut c = Circuit::from_flat(&flat).unwrap();
    let marked = c.spike_signals();
    let w = c.run_all(&mut Silent).unwrap().remove(0).0;
    let lines = spike_lines(&w, &marked);
    (w, lines)
}

fn spikes(w: &Waveforms) -> Vec<f64> {
    let v = &w.get("v(spike)").unwrap().values;
    rising_crossings(&w.scale.values, v, 0.9)
}

// The 5T variant prints its spike line (`.options spikes=spike`) and fires like the
// behavioural neuron: the first spike within one input period (2 ns) of the behavioural one
// (same threshold resistance, 560 ohm; the crossing happens during an ON pulse, and the
// transistor comparator's offset and finite gain can move it to the next pulse). Later
// spikes come later than the behavioural ones: the slower transistor loop lets the wall
// overshoot past rest before the reset lets go, so it starts each integration further back
// (measured at 500 MHz: 17.5/42.8 ns against 16.4/34.9/52.9 ns; a 5x wider reset NMOS
// changes this by < 0.1 ns, so it is not the reset strength). No spurious re-firing:
// consecutive spikes are more than 10 ns apart (from rest the wall needs ~16 ns to reach
// threshold; without hysteresis it re-fired every ~6 ns).
#[test]
fn five_transistor_neuron_fires_like_the_behavioural_one() {
    let (w5, lines) = run("netlists/dw_lif_neuron_5t.cir", false);
    let (wb, _) = run("netlists/dw_lif_neuron.cir", true);
    let (s5, sb) = (spikes(&w5), spikes(&wb));
    eprintln!("5T {s5:?}\nbehavioural {sb:?}\n{lines:?}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("spikes v(spike): "), "{}", lines[0]);
    let printed: Vec<f64> = lines[0]
        .split_whitespace()
        .skip(2)
        .map(|t| t.parse().unwrap())
        .collect();
    assert_eq!(printed.len(), s5.len());
    assert!(s5.len() >= 2, "{s5:?}");
    assert!(s5.len() <= sb.len(), "{s5:?} vs {sb:?}");
    assert!((s5[0] - sb[0]).abs() < 2e-9, "{:e} vs {:e}", s5[0], sb[0]);
    for p in s5.windows(2) {
        assert!(p[1] - p[0] > 10e-9, "re-fired: {s5:?}");
    }
    // The reset holds until the wall is back near rest (x0 = 104 nm): within 6 ns of the
    // first spike it has passed the release point (R = 278 ohm, x = 107 nm) and the reset let
    // go before driving it far past rest (measured: about 7 nm past rest; the comparator and inverter
    // delays let it overshoot a few nm).
    let t = &w5.scale.values;
    let x = &w5.get("x(n1)").unwrap().values;
    let back = t
        .iter()
        .zip(x)
        .filter(|(ti, _)| **ti > s5[0] && **ti < s5[0] + 6e-9)
        .map(|(_, xi)| *xi)
        .fold(f64::MAX, f64::min);
    assert!(back < 107e-9 && back > 86e-9, "after reset x = {back:e}");
}

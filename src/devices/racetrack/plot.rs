//! The neuron plot: stacked SVG panels of a racetrack neuron's key signals.

use crate::wave::svg::{Panel, Plot, Series};
use crate::wave::Waveforms;

/// Stacked panels for every racetrack device found in `w` (signals `x(NAME)`, `r(NAME)`):
/// track current density, soliton position, MTJ resistance, then every node voltage named
/// `v(out)`/`v(spike)` if present. `None` when `w` has no racetrack outputs.
pub fn neuron_plot(w: &Waveforms) -> Option<Plot> {
    let names: Vec<String> = w
        .signals
        .iter()
        .filter_map(|s| {
            s.name
                .strip_prefix("x(")
                .and_then(|n| n.strip_suffix(')'))
                .map(str::to_string)
        })
        .filter(|n| w.get(&format!("r({n})")).is_some())
        .collect();
    if names.is_empty() {
        return None;
    }
    let x = &w.scale.values;
    let series = |sig: &str| {
        w.get(sig).map(|s| Series {
            name: s.name.clone(),
            x: x.clone(),
            y: s.values.clone(),
        })
    };
    let mut panels = Vec::new();
    let mut push = |label: &str, unit: &str, sigs: Vec<String>| {
        let s: Vec<Series> = sigs.iter().filter_map(|n| series(n)).collect();
        if !s.is_empty() {
            panels.push(Panel {
                label: label.into(),
                unit: unit.into(),
                series: s,
            });
        }
    };
    push(
        "input current density",
        "A/m^2",
        names.iter().map(|n| format!("j({n})")).collect(),
    );
    push(
        "soliton position",
        "m",
        names.iter().map(|n| format!("x({n})")).collect(),
    );
    push(
        "MTJ resistance",
        "ohm",
        names.iter().map(|n| format!("r({n})")).collect(),
    );
    push("V_out", "V", vec!["v(out)".into()]);
    push("output spikes", "V", vec!["v(spike)".into()]);
    Some(Plot {
        title: format!("{} — spintronic LIF neuron", w.title.trim()),
        x_label: w.scale.name.clone(),
        x_unit: w.scale.unit.symbol().to_string(),
        panels,
    })
}

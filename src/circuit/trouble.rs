//! Failure reports: what could not converge, where, the last attempts, and what to try.

use super::newton::{Engine, UnknownKind};
use crate::error::Error;
use std::collections::VecDeque;
use std::fmt::Write;

/// One failed (or rejected) solve, kept for the report.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// What was tried (`newton`, `gmin stepping at 1e-6 S`, `time step`).
    pub what: String,
    pub time: f64,
    pub dt: f64,
    pub iters: usize,
    /// Unknown with the largest update, and that update.
    pub worst: Option<usize>,
    pub delta: f64,
}

/// The last few failed attempts (a bounded history, as Xyce keeps).
#[derive(Debug, Clone, Default)]
pub struct History {
    items: VecDeque<Attempt>,
}

impl History {
    const KEEP: usize = 6;

    /// Remember `a`, forgetting the oldest beyond the bound.
    pub fn push(&mut self, a: Attempt) {
        if self.items.len() == Self::KEEP {
            self.items.pop_front();
        }
        self.items.push_back(a);
    }

    /// The attempts, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Attempt> {
        self.items.iter()
    }

    /// The most recent attempt naming an unknown.
    pub fn last_worst(&self) -> Option<(usize, f64)> {
        self.items
            .iter()
            .rev()
            .find_map(|a| a.worst.map(|u| (u, a.delta)))
    }
}

/// `v(n1) (attached to r1, c1)`.
pub fn describe_unknown(eng: &Engine, u: usize) -> String {
    if u >= eng.n() {
        return format!("unknown #{u}");
    }
    let devs = eng.attached_names(u, 4);
    if devs.is_empty() {
        eng.signal_name(u)
    } else {
        format!("{} (attached to {})", eng.signal_name(u), devs.join(", "))
    }
}

fn attempts(eng: &Engine, h: &History, s: &mut String) {
    if h.items.is_empty() {
        return;
    }
    s.push_str("\n  last attempts:");
    for a in h.iter() {
        let _ = write!(
            s,
            "\n    {}: t = {:.6e} s, dt = {:.3e} s, {} iterations",
            a.what, a.time, a.dt, a.iters
        );
        if let Some(u) = a.worst {
            if u < eng.n() {
                let _ = write!(
                    s,
                    ", largest update {} by {:.3e}",
                    eng.signal_name(u),
                    a.delta
                );
            }
        }
    }
}

/// The matrix is singular at unknown `u`.
pub fn singular(eng: &Engine, u: usize, when: &str) -> Error {
    let what = describe_unknown(eng, u);
    let help = match eng.kinds.get(u) {
        Some(UnknownKind::Node) => format!(
            "node `{}` has no DC path to ground (floating, or only capacitors / current sources attached); connect it through a resistor, or check the netlist for a misspelt node",
            eng.names[u]
        ),
        _ => "a loop of voltage sources and/or inductors, or a current-controlled source whose control is shorted: break the loop (add a small series resistance)".to_string(),
    };
    Error::Convergence(format!(
        "singular matrix {when}: no pivot for {what}\n  help: {help}"
    ))
}

/// `.op` (or a `.dc` point) failed after every fallback.
pub fn dc_failure(eng: &Engine, h: &History, when: &str) -> Error {
    let mut s = format!("no convergence {when}");
    if let Some((u, d)) = h.last_worst() {
        let _ = write!(
            s,
            ": largest Newton update at {}, by {:.3e}",
            describe_unknown(eng, u),
            d
        );
    }
    attempts(eng, h, &mut s);
    s.push_str(
        "\n  help: tried plain Newton, gmin stepping and source stepping; try `.options itl1=500`, a `.ic`/`.nodeset`-like hint with `.tran ... uic`, relaxed tolerances (`reltol=1e-2`, `vntol=1e-4`), or check the device at that node for unphysical parameters",
    );
    Error::Convergence(s)
}

/// The transient step fell below the minimum.
pub fn tran_failure(eng: &Engine, time: f64, dt: f64, dtmin: f64, h: &History) -> Error {
    let mut s = format!(
        "transient failed at time {time:.6e} s: time step {dt:.3e} s is below the minimum {dtmin:.3e} s"
    );
    if let Some((u, d)) = h.last_worst() {
        let _ = write!(
            s,
            "\n  largest Newton update: {}, by {:.3e}",
            describe_unknown(eng, u),
            d
        );
    }
    attempts(eng, h, &mut s);
    s.push_str(
        "\n  help: try `.options method=gear`, a larger `itl4` (e.g. 40), relaxed `reltol`/`abstol`, a small capacitance from that node to ground, or finite rise/fall times on sources that switch instantaneously",
    );
    Error::Convergence(s)
}

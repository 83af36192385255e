//! Progress of long runs (transients, micromagnetics, training): the one sink every
//! library run reports to.
//!
//! Library code never prints: it sends [`Event`]s to a [`Progress`]. The command line
//! renders them on stderr (an `indicatif` bar on a terminal, periodic lines otherwise),
//! the Python layer with its own bar, tests with [`Silent`] or a closure (`&mut |_| {}`:
//! any `FnMut(Event)` is a sink).

/// What a long run reports.
#[derive(Debug, Clone)]
pub enum Event {
    /// A run of `what` towards `total` (in `unit`, e.g. seconds of simulated time) starts.
    Begin {
        /// What runs (e.g. `tran`).
        what: String,
        /// Where it ends.
        total: f64,
        /// The unit of `total`.
        unit: String,
    },
    /// Progress to `done`, with the present step and the count of rejected steps.
    Update {
        /// How far.
        done: f64,
        /// The present step.
        step: f64,
        /// Rejected steps so far.
        rejected: usize,
    },
    /// The run ended.
    End,
    /// A line for the log (a seed or stage starting, a summary).
    Note(String),
    /// A micromagnetic problem's stage and where it stands (`spinspice mag`).
    Stage(crate::micromag::problem::StageProgress),
    /// Training: batches and epochs.
    #[cfg(feature = "snn")]
    Train(crate::snn::train::TrainEvent),
}

/// Receives the [`Event`]s of a long run.
pub trait Progress {
    /// One event.
    fn event(&mut self, e: Event);

    /// A run of `what` towards `total` (in `unit`) starts.
    fn begin(&mut self, what: &str, total: f64, unit: &str) {
        self.event(Event::Begin {
            what: what.to_string(),
            total,
            unit: unit.to_string(),
        });
    }
    /// Progress to `done`, with the present step and the count of rejected steps.
    fn update(&mut self, done: f64, step: f64, rejected: usize) {
        self.event(Event::Update {
            done,
            step,
            rejected,
        });
    }
    /// The run ended.
    fn end(&mut self) {
        self.event(Event::End);
    }
    /// A log line.
    fn note(&mut self, line: String) {
        self.event(Event::Note(line));
    }
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn event(&mut self, _e: Event) {}
}

impl<F: FnMut(Event)> Progress for F {
    fn event(&mut self, e: Event) {
        self(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closure_is_a_sink() {
        let mut seen = Vec::new();
        {
            let mut sink = |e: Event| seen.push(format!("{e:?}"));
            let p: &mut dyn Progress = &mut sink;
            p.begin("tran", 1.0, "s");
            p.update(0.5, 0.1, 2);
            p.note("hello".into());
            p.end();
        }
        assert_eq!(seen.len(), 4);
        assert!(seen[0].starts_with("Begin") && seen[0].contains("tran"));
        assert!(seen[2].contains("hello"));
        Silent.begin("x", 1.0, "s");
    }
}

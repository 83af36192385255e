//! The stderr renderer of [`Progress`] events: an `indicatif` bar on a terminal (simulated
//! time, step, rejections, ETA), plain periodic lines otherwise. The first line appears at
//! once.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use spinspice::progress::{Event, Progress};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Progress on stderr: a bar on a TTY, plain lines every few seconds otherwise.
#[derive(Debug)]
pub struct Reporter {
    bar: Option<ProgressBar>,
    tty: bool,
    what: String,
    unit: String,
    total: f64,
    started: Instant,
    last: Instant,
    every: Duration,
    checks: u32,
}

impl Reporter {
    /// A reporter on stderr; plain lines every `every` when stderr is not a terminal.
    pub fn stderr(every: Duration) -> Reporter {
        Reporter {
            bar: None,
            tty: std::io::stderr().is_terminal(),
            what: String::new(),
            unit: String::new(),
            total: 0.0,
            started: Instant::now(),
            last: Instant::now(),
            every,
            checks: 0,
        }
    }

    fn eta(&self, done: f64) -> String {
        let el = self.started.elapsed().as_secs_f64();
        if done <= 0.0 || self.total <= 0.0 {
            return "?".into();
        }
        let rest = el * (self.total - done).max(0.0) / done;
        format!("{rest:.1}s")
    }
}

const TICKS: u64 = 1000;

impl Progress for Reporter {
    fn event(&mut self, e: Event) {
        match e {
            Event::Begin { what, total, unit } => self.on_begin(&what, total, &unit),
            Event::Update {
                done,
                step,
                rejected,
            } => self.on_update(done, step, rejected),
            Event::End => self.on_end(),
            Event::Note(line) => match &self.bar {
                Some(bar) => bar.println(line),
                None => eprintln!("{line}"),
            },
            Event::Stage(p) => eprintln!("{}", stage_line(&p)),
            #[cfg(feature = "snn")]
            Event::Train(_) => {}
        }
    }
}

impl Reporter {
    fn on_begin(&mut self, what: &str, total: f64, unit: &str) {
        self.what = what.to_string();
        self.unit = unit.to_string();
        self.total = total;
        self.started = Instant::now();
        self.last = self.started;
        if self.tty {
            let bar = ProgressBar::with_draw_target(Some(TICKS), ProgressDrawTarget::stderr());
            let style =
                ProgressStyle::with_template("{prefix} [{bar:30}] {percent:>3}% {msg} ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            bar.set_style(style);
            bar.set_prefix(what.to_string());
            bar.set_message(format!("0 / {total:.3e} {unit}"));
            bar.tick();
            self.bar = Some(bar);
        } else {
            eprintln!("{what}: started, 0 / {total:.3e} {unit}");
        }
    }

    fn on_update(&mut self, done: f64, step: f64, rejected: usize) {
        // Checking the clock costs little, but not every call needs it.
        self.checks = self.checks.wrapping_add(1);
        if self.checks % 16 != 0 {
            return;
        }
        let now = Instant::now();
        if let Some(bar) = &self.bar {
            if now.duration_since(self.last) < Duration::from_millis(100) {
                return;
            }
            self.last = now;
            let frac = if self.total > 0.0 {
                done / self.total
            } else {
                0.0
            };
            bar.set_position((frac.clamp(0.0, 1.0) * TICKS as f64) as u64);
            bar.set_message(format!(
                "{done:.3e} / {:.3e} {}  step {step:.2e}  rejected {rejected}",
                self.total, self.unit
            ));
        } else if now.duration_since(self.last) >= self.every {
            self.last = now;
            eprintln!(
                "{}: {done:.4e} / {:.4e} {} ({:.1}%), step {step:.3e}, rejected {rejected}, ETA {}",
                self.what,
                self.total,
                self.unit,
                if self.total > 0.0 {
                    100.0 * done / self.total
                } else {
                    0.0
                },
                self.eta(done)
            );
        }
    }

    fn on_end(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        if !self.tty {
            eprintln!(
                "{}: done in {:.2}s",
                self.what,
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// The stderr line of a micromagnetic stage report: relaxed stages with their step count,
/// run stages with simulated time, step, steps, wall time and ETA.
pub fn stage_line(pr: &spinspice::micromag::problem::StageProgress) -> String {
    if pr.kind == "relax" {
        return format!(
            "stage {}: relaxed ({} steps so far, {:.1} s wall)",
            pr.stage, pr.accepted, pr.wall
        );
    }
    let frac = if pr.t_end > 0.0 { pr.t / pr.t_end } else { 1.0 };
    let eta = if frac > 0.0 {
        pr.wall * (1.0 - frac) / frac
    } else {
        f64::NAN
    };
    format!(
        "stage {}: t = {:.4} ns / {:.4} ns, dt = {:.3e} s, steps {} (+{} rejected), wall {:.1} s, ETA {:.0} s",
        pr.stage,
        pr.t * 1e9,
        pr.t_end * 1e9,
        pr.dt,
        pr.accepted,
        pr.rejected,
        pr.wall,
        eta
    )
}

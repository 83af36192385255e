//! `.ac`: the small-signal frequency sweep.
//!
//! The operating point is solved as for `.op`; every device is then linearised there
//! ([`crate::devices::Mode::Ac`]): the conductance matrix `G` (the Newton Jacobian) and the
//! capacitance matrix `C` (the derivatives of every charge handed to the engine) share the
//! circuit's sparsity pattern. At each frequency the complex system `(G + jωC) x = b` is
//! solved, `b` holding the `ac MAG PHASE` phasors of the independent sources. The symbolic
//! factorisation (faer's sparse LU: fill-reducing ordering and elimination structure) is
//! made once per sweep; each frequency only refactors numerically.
//!
//! Results are complex signals named as ngspice names them (`v(out)`, `i(v1)`) over the
//! scale `frequency` (Hz), in a plot called "AC Analysis".

use super::record::Recorder;
use super::{Circuit, Stats};
use crate::devices::{AcRhs, SmallSignal};
use crate::elab::AcSweep;
use crate::error::Error;
use crate::wave::{Unit, Waveforms};
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::sparse::linalg::lu::{factorize_symbolic_lu, NumericLu};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{c64, Conj, MatMut, Par};
use std::time::Instant;

impl Circuit {
    /// `.ac`: solve the operating point, linearise, and sweep `sweep`'s frequencies.
    pub fn ac(&mut self, sweep: &AcSweep) -> crate::Result<(Waveforms, Stats)> {
        let start = Instant::now();
        let (it0, f0) = (self.eng.newton_iters, self.eng.factorizations);
        let mut stats = Stats {
            analysis: "ac".into(),
            ..Default::default()
        };
        for d in &self.eng.devices {
            match d.small_signal() {
                SmallSignal::Linearised => {}
                SmallSignal::Frozen(what) => stats
                    .notes
                    .push(format!("`{}` enters `.ac` with {what}", d.name())),
                SmallSignal::Unsupported(why) => {
                    return Err(Error::Usage(format!(
                        "`.ac`: device `{}` cannot be linearised: {why}",
                        d.name()
                    )))
                }
            }
        }
        self.solve_op(&mut stats, "at the operating point of `.ac`")?;
        let (g, c) = self.eng.small_signal_matrices(self.eng.opts.gmin)?;

        let n = self.eng.n();
        let (mut b_re, mut b_im) = (vec![0.0; n], vec![0.0; n]);
        {
            let mut rhs = AcRhs {
                re: &mut b_re,
                im: &mut b_im,
            };
            for d in &self.eng.devices {
                d.ac_stimulus(&mut rhs);
            }
        }
        if b_re.iter().chain(&b_im).all(|v| *v == 0.0) {
            return Err(Error::Usage(
                "`.ac`: no independent source has an `ac` value, so every response is zero; \
                 give the input one, e.g. `vin in 0 dc 0 ac 1`"
                    .into(),
            ));
        }

        let pat = &self.eng.pattern;
        let sym = SymbolicSparseColMatRef::new_checked(n, n, &pat.col_ptr, None, &pat.row_idx);
        let symbolic = factorize_symbolic_lu(sym, Default::default())
            .map_err(|e| Error::Usage(format!("`.ac`: symbolic LU failed: {e:?}")))?;
        let par = Par::Seq;
        let mut mem = MemBuffer::new(
            symbolic
                .factorize_numeric_lu_scratch::<c64>(par, Default::default())
                .or(symbolic.solve_in_place_scratch::<c64>(1, par)),
        );
        let mut numeric = NumericLu::<usize, c64>::new();
        let mut vals = vec![c64::new(0.0, 0.0); g.len()];
        let mut x = vec![c64::new(0.0, 0.0); n];

        let (mut rec_re, dropped) =
            Recorder::new(&self.eng, &self.flat.saves)?.without_device_outputs();
        let (mut rec_im, _) = Recorder::new(&self.eng, &self.flat.saves)?.without_device_outputs();
        if !dropped.is_empty() {
            stats.notes.push(format!(
                "device outputs are not small-signal quantities and are not saved by `.ac`: {}",
                dropped.join(", ")
            ));
        }
        let x_op = self.eng.x.clone();
        let freqs = sweep.frequencies();
        for &f in &freqs {
            let w = 2.0 * std::f64::consts::PI * f;
            for ((v, g), c) in vals.iter_mut().zip(&g).zip(&c) {
                *v = c64::new(*g, w * c);
            }
            let a = SparseColMatRef::new(sym, &vals);
            let lu = symbolic
                .factorize_numeric_lu(
                    &mut numeric,
                    a,
                    par,
                    MemStack::new(&mut mem),
                    Default::default(),
                )
                .map_err(|_| {
                    Error::Usage(format!(
                        "`.ac`: the small-signal matrix is singular at f = {f:e} Hz \
                         (a floating node, or a loop of voltage sources and inductors)"
                    ))
                })?;
            stats.factorizations += 1;
            for (x, (re, im)) in x.iter_mut().zip(b_re.iter().zip(&b_im)) {
                *x = c64::new(*re, *im);
            }
            lu.solve_in_place_with_conj(
                Conj::No,
                MatMut::from_column_major_slice_mut(&mut x, n, 1),
                par,
                MemStack::new(&mut mem),
            );
            if let Some(u) = x
                .iter()
                .position(|v| !(v.re.is_finite() && v.im.is_finite()))
            {
                self.eng.x.copy_from_slice(&x_op);
                return Err(Error::Usage(format!(
                    "`.ac`: the solution is not finite at f = {f:e} Hz ({})",
                    self.eng.signal_name(u)
                )));
            }
            for (xo, v) in self.eng.x.iter_mut().zip(&x) {
                *xo = v.re;
            }
            rec_re.record(f, &self.eng);
            for (xo, v) in self.eng.x.iter_mut().zip(&x) {
                *xo = v.im;
            }
            rec_im.record(f, &self.eng);
        }
        self.eng.x.copy_from_slice(&x_op);
        let title = self.flat.title.clone();
        let hz = || Unit::Other("Hz".into());
        let mut w = rec_re.finish(&title, "AC Analysis", "frequency", hz());
        let wi = rec_im.finish(&title, "AC Analysis", "frequency", hz());
        for (s, i) in w.signals.iter_mut().zip(wi.signals) {
            s.imag = i.values;
        }
        stats.points = freqs.len();
        stats.accepted = freqs.len();
        stats.newton_iters = self.eng.newton_iters - it0;
        stats.factorizations += self.eng.factorizations - f0;
        stats.wall = start.elapsed();
        Ok((w, stats))
    }
}

//! A tiny dense MNA harness for device unit tests (test builds only): it lets a device be
//! loaded, solved by Newton and accepted without the circuit engine. Sources are modelled as
//! fixed node voltages (Dirichlet rows) or injected currents.

use super::{Accepted, Alloc, AllocBackend, Device, Load, Mode, Setup, SetupBackend, Unknown};

/// Dense harness over `n` node unknowns.
pub struct Kit {
    pub n: usize,
    pub slots: Vec<(usize, usize)>,
    pub nstates: usize,
}

impl AllocBackend for Kit {
    fn branch(&mut self, _device: &str) -> Unknown {
        self.n += 1;
        self.n - 1
    }
    fn internal_node(&mut self, _name: &str) -> Unknown {
        self.n += 1;
        self.n - 1
    }
    fn states(&mut self, n: usize) -> usize {
        self.nstates += n;
        self.nstates - n
    }
}

impl SetupBackend for Kit {
    fn slot(&mut self, row: Unknown, col: Unknown) -> super::Slot {
        self.slots.push((row, col));
        super::Slot(self.slots.len() as u32 - 1)
    }
    fn branch_of(&self, _device: &str) -> Option<Unknown> {
        None
    }
}

impl Kit {
    /// Allocate and set up `dev` over `n` nodes.
    pub fn new(n: usize, dev: &mut dyn Device) -> Kit {
        let mut k = Kit {
            n,
            slots: Vec::new(),
            nstates: 0,
        };
        dev.allocate(&mut Alloc { inner: &mut k });
        dev.setup(&mut Setup { inner: &mut k }).expect("setup");
        k
    }

    /// Solve at `time` with `fixed` node voltages (node, value) and `leak` conductance from
    /// every node to ground; Newton until the update is below 1e-12.
    pub fn solve(
        &self,
        dev: &mut dyn Device,
        time: f64,
        dt: f64,
        fixed: &[(usize, f64)],
    ) -> Vec<f64> {
        let n = self.n;
        let mut x = vec![0.0; n];
        for &(i, v) in fixed {
            x[i] = v;
        }
        let mut states = vec![0.0; self.nstates];
        let prev = vec![0.0; self.nstates];
        let hist = vec![0.0; self.nstates];
        let mut cur = vec![0.0; self.nstates];
        for _ in 0..100 {
            let mut m = vec![0.0; self.slots.len()];
            let mut rhs = vec![0.0; n];
            let mut noncon = false;
            {
                let mut l = Load {
                    mode: Mode::Tran,
                    time,
                    dt,
                    x: &x,
                    src_factor: 1.0,
                    gmin: 1e-12,
                    init_junction: false,
                    uic: false,
                    matrix: &mut m,
                    rhs: &mut rhs,
                    states: &mut states,
                    states_prev: &prev,
                    hist: &hist,
                    currents: &mut cur,
                    ag0: 1.0 / dt.max(1e-30),
                    noncon: &mut noncon,
                };
                dev.load(&mut l).expect("load");
            }
            let mut a = vec![vec![0.0; n]; n];
            for (k, &(r, c)) in self.slots.iter().enumerate() {
                a[r][c] += m[k];
            }
            for (i, row) in a.iter_mut().enumerate() {
                row[i] += 1e-12;
            }
            for &(i, v) in fixed {
                a[i].iter_mut().for_each(|e| *e = 0.0);
                a[i][i] = 1.0;
                rhs[i] = v;
            }
            let xn = dense_solve(a, rhs);
            let d = xn
                .iter()
                .zip(&x)
                .map(|(p, q)| (p - q).abs())
                .fold(0.0, f64::max);
            x = xn;
            if d < 1e-12 {
                break;
            }
        }
        x
    }

    /// Solve and accept one time point.
    pub fn step(
        &self,
        dev: &mut dyn Device,
        time: f64,
        dt: f64,
        fixed: &[(usize, f64)],
    ) -> Vec<f64> {
        let x = self.solve(dev, time, dt, fixed);
        dev.accept(&Accepted { time, dt, x: &x });
        x
    }
}

/// Gaussian elimination with partial pivoting.
pub fn dense_solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for k in 0..n {
        let p = (k..n)
            .max_by(|&i, &j| a[i][k].abs().total_cmp(&a[j][k].abs()))
            .unwrap_or(k);
        a.swap(k, p);
        b.swap(k, p);
        for i in k + 1..n {
            let f = a[i][k] / a[k][k];
            let (top, bot) = a.split_at_mut(i);
            for (e, p) in bot[0][k..].iter_mut().zip(&top[k][k..]) {
                *e -= f * p;
            }
            b[i] -= f * b[k];
        }
    }
    let mut x = vec![0.0; n];
    for k in (0..n).rev() {
        let s: f64 = (k + 1..n).map(|j| a[k][j] * x[j]).sum();
        x[k] = (b[k] - s) / a[k][k];
    }
    x
}

//! A tiny dense engine for device unit tests: Newton on a dense matrix with SPICE3's
//! convergence tests, backward-Euler transient at a fixed step. Independent of the real engine
//! so that device stamps can be checked against hand-computed numbers.

use super::Unknown;
use super::{Accepted, Alloc, AllocBackend, Device, Load, Mode, Setup, SetupBackend, Slot};

/// Piecewise-linear independent voltage source for tests (`+` node, `-` node, points).
#[derive(Debug)]
pub struct TVsrc {
    pub name: String,
    pub p: Unknown,
    pub n: Unknown,
    pub pwl: Vec<(f64, f64)>,
    br: Unknown,
    s: [Slot; 4],
}

impl TVsrc {
    pub fn boxed(name: &str, p: Unknown, n: Unknown, pwl: &[(f64, f64)]) -> Box<dyn Device> {
        Box::new(TVsrc {
            name: name.into(),
            p,
            n,
            pwl: pwl.to_vec(),
            br: 0,
            s: [Slot::NONE; 4],
        })
    }
    fn value(&self, t: f64) -> f64 {
        let p = &self.pwl;
        if t <= p[0].0 {
            return p[0].1;
        }
        for w in p.windows(2) {
            if t <= w[1].0 {
                return w[0].1 + (w[1].1 - w[0].1) * (t - w[0].0) / (w[1].0 - w[0].0);
            }
        }
        p[p.len() - 1].1
    }
}

impl Device for TVsrc {
    fn name(&self) -> &str {
        &self.name
    }
    fn allocate(&mut self, a: &mut Alloc) {
        self.br = a.branch(&self.name.clone());
    }
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        let (p, n, b) = (self.p, self.n, self.br);
        self.s = [s.slot(p, b), s.slot(n, b), s.slot(b, p), s.slot(b, n)];
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        l.add(self.s[0], 1.0);
        l.add(self.s[1], -1.0);
        l.add(self.s[2], 1.0);
        l.add(self.s[3], -1.0);
        let v = self.value(l.time) * l.src_factor;
        l.rhs(self.br, v);
        Ok(())
    }
}

/// Linear resistor or capacitor for tests.
#[derive(Debug)]
pub struct TLin {
    pub name: String,
    pub a: Unknown,
    pub b: Unknown,
    /// Conductance (S) for a resistor, capacitance (F) for a capacitor.
    pub value: f64,
    pub cap: bool,
    state: usize,
    s: [Slot; 4],
}

impl TLin {
    pub fn r(name: &str, a: Unknown, b: Unknown, ohm: f64) -> Box<dyn Device> {
        Box::new(TLin {
            name: name.into(),
            a,
            b,
            value: 1.0 / ohm,
            cap: false,
            state: 0,
            s: [Slot::NONE; 4],
        })
    }
    #[allow(dead_code)]
    pub fn c(name: &str, a: Unknown, b: Unknown, f: f64) -> Box<dyn Device> {
        Box::new(TLin {
            name: name.into(),
            a,
            b,
            value: f,
            cap: true,
            state: 0,
            s: [Slot::NONE; 4],
        })
    }
}

impl Device for TLin {
    fn name(&self) -> &str {
        &self.name
    }
    fn allocate(&mut self, a: &mut Alloc) {
        if self.cap {
            self.state = a.states(1);
        }
    }
    fn setup(&mut self, s: &mut Setup) -> crate::Result<()> {
        let (a, b) = (self.a, self.b);
        self.s = [s.slot(a, a), s.slot(a, b), s.slot(b, a), s.slot(b, b)];
        Ok(())
    }
    fn load(&mut self, l: &mut Load) -> crate::Result<()> {
        let v = l.v(self.a) - l.v(self.b);
        let (g, ieq) = if self.cap {
            let (g, i) = l.charge(self.state, self.value * v, self.value);
            (g, i - g * v)
        } else {
            (self.value, 0.0)
        };
        l.add(self.s[0], g);
        l.add(self.s[1], -g);
        l.add(self.s[2], -g);
        l.add(self.s[3], g);
        l.rhs(self.a, -ieq);
        l.rhs(self.b, ieq);
        Ok(())
    }
}

#[derive(Default)]
struct Back {
    n: usize,
    nstates: usize,
    names: Vec<(String, Unknown)>,
}

impl AllocBackend for Back {
    fn branch(&mut self, device: &str) -> Unknown {
        self.names.push((device.to_string(), self.n));
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

impl SetupBackend for Back {
    fn slot(&mut self, row: Unknown, col: Unknown) -> Slot {
        Slot((row * self.n + col) as u32)
    }
    fn branch_of(&self, device: &str) -> Option<Unknown> {
        self.names.iter().find(|(n, _)| n == device).map(|x| x.1)
    }
}

/// A test circuit: `nodes` node unknowns (0..nodes) plus what the devices allocate.
pub struct TestCkt {
    pub devs: Vec<Box<dyn Device>>,
    pub n: usize,
    pub x: Vec<f64>,
    nstates: usize,
    states: Vec<f64>,
    states_prev: Vec<f64>,
    /// Newton iterations used by the last solve.
    pub iters: usize,
    pub gmin: f64,
}

impl TestCkt {
    pub fn new(nodes: usize, mut devs: Vec<Box<dyn Device>>) -> TestCkt {
        let mut b = Back {
            n: nodes,
            ..Default::default()
        };
        for d in devs.iter_mut() {
            d.allocate(&mut Alloc { inner: &mut b });
        }
        for d in devs.iter_mut() {
            d.setup(&mut Setup { inner: &mut b }).expect("setup");
        }
        TestCkt {
            devs,
            n: b.n,
            x: vec![0.0; b.n],
            nstates: b.nstates,
            states: vec![0.0; b.nstates],
            states_prev: vec![0.0; b.nstates],
            iters: 0,
            gmin: 1e-12,
        }
    }

    /// Newton at `time` (mode Dc/TranOp/Tran with step `dt`, backward Euler). Returns false
    /// when it does not converge in 200 iterations.
    pub fn solve(&mut self, mode: Mode, time: f64, dt: f64) -> bool {
        let n = self.n;
        let ag0 = if mode == Mode::Tran { 1.0 / dt } else { 0.0 };
        let hist: Vec<f64> = self.states_prev.iter().map(|q| -q * ag0).collect();
        let mut currents = vec![0.0; self.nstates];
        for it in 0..200 {
            let mut m = vec![0.0; n * n];
            let mut rhs = vec![0.0; n];
            let mut noncon = false;
            for d in self.devs.iter_mut() {
                let mut l = Load {
                    mode,
                    time,
                    dt,
                    x: &self.x,
                    src_factor: 1.0,
                    gmin: self.gmin,
                    init_junction: it == 0 && mode != Mode::Tran,
                    uic: false,
                    matrix: &mut m,
                    rhs: &mut rhs,
                    states: &mut self.states,
                    states_prev: &self.states_prev,
                    hist: &hist,
                    currents: &mut currents,
                    ag0,
                    noncon: &mut noncon,
                };
                d.load(&mut l).expect("load");
            }
            let xn = dense_solve(m, rhs, n);
            let mut ok = it > 0 && !noncon;
            for (a, b) in xn.iter().zip(&self.x) {
                // Tighter than SPICE's defaults so that tests see the device, not the
                // Newton stopping error.
                if (a - b).abs() > 1e-7 * a.abs().max(b.abs()) + 1e-10 {
                    ok = false;
                }
            }
            let conv = ok && self.devs.iter().all(|d| d.converged(&xn, 1e-6, 1e-14));
            self.x = xn;
            if conv {
                self.iters = it + 1;
                return true;
            }
        }
        false
    }

    /// Accept the last solution as a time point.
    pub fn accept(&mut self, time: f64, dt: f64) {
        self.states_prev.copy_from_slice(&self.states);
        for d in self.devs.iter_mut() {
            d.accept(&Accepted {
                time,
                dt,
                x: &self.x,
            });
        }
    }

    /// Operating point followed by a fixed-step backward-Euler transient; returns
    /// `(time, x)` per point.
    pub fn tran(&mut self, dt: f64, tstop: f64) -> Vec<(f64, Vec<f64>)> {
        assert!(self.solve(Mode::TranOp, 0.0, 0.0), "tran op failed");
        self.accept(0.0, 0.0);
        let mut out = vec![(0.0, self.x.clone())];
        let steps = (tstop / dt).round() as usize;
        for k in 1..=steps {
            let t = k as f64 * dt;
            assert!(self.solve(Mode::Tran, t, dt), "no convergence at t = {t}");
            self.accept(t, dt);
            out.push((t, self.x.clone()));
        }
        out
    }
}

/// Solve a dense system with partial pivoting.
pub fn dense_solve(mut a: Vec<f64>, mut b: Vec<f64>, n: usize) -> Vec<f64> {
    for k in 0..n {
        let p = (k..n)
            .max_by(|&i, &j| a[i * n + k].abs().total_cmp(&a[j * n + k].abs()))
            .unwrap_or(k);
        if p != k {
            for j in 0..n {
                a.swap(k * n + j, p * n + j);
            }
            b.swap(k, p);
        }
        let d = a[k * n + k];
        assert!(d != 0.0, "singular matrix at {k}");
        for i in k + 1..n {
            let f = a[i * n + k] / d;
            if f != 0.0 {
                for j in k..n {
                    a[i * n + j] -= f * a[k * n + j];
                }
                b[i] -= f * b[k];
            }
        }
    }
    let mut x = vec![0.0; n];
    for k in (0..n).rev() {
        let mut s = b[k];
        for j in k + 1..n {
            s -= a[k * n + j] * x[j];
        }
        x[k] = s / a[k * n + k];
    }
    x
}

/// A span-less instance for constructing devices in tests.
pub fn inst(
    name: &str,
    nodes: &[usize],
    model: Option<(&str, &[(&str, f64)])>,
    params: &[(&str, f64)],
) -> crate::elab::Instance {
    use crate::devices::param::Given;
    let given = |p: &[(&str, f64)]| {
        p.iter()
            .map(|(n, v)| Given {
                name: n.to_string(),
                value: *v,
                span: Default::default(),
            })
            .collect::<Vec<_>>()
    };
    crate::elab::Instance {
        name: name.into(),
        letter: name.chars().next().unwrap_or('x'),
        nodes: nodes.to_vec(),
        args: vec![],
        params: given(params),
        words: vec![],
        model: model.map(|(kind, p)| crate::elab::ModelCard {
            name: "m".into(),
            kind: kind.into(),
            params: given(p),
            words: vec![],
            span: Default::default(),
        }),
        span: Default::default(),
    }
}

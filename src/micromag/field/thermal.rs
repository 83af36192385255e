//! Stochastic thermal field (Brown), seeded.
//!
//! Each step draws
//! precisely `B_th = eta sqrt(2 mu0 alpha kB T / (mu0 Ms gamma V dt))`, `H_th = B_th / mu0`,
//! with `eta` independent standard normal components (mumax3's formula). The field is held
//! constant during a step; use the fixed-step RK4 stepper with it (an adaptive error
//! estimate on a noise field is meaningless), as mumax3 advises.

use super::{FieldTerm, System, V3};
use crate::micromag::{GAMMA_LL, KB, MU0};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

/// The thermal field at temperature `temperature` (K).
#[derive(Debug, Clone)]
pub struct Thermal {
    /// Temperature (K).
    pub temperature: f64,
    rng: StdRng,
    noise: Vec<V3>,
}

impl Thermal {
    /// A thermal field at `temperature` (K) whose noise sequence is fixed by `seed`.
    pub fn new(temperature: f64, seed: u64) -> Self {
        Thermal {
            temperature,
            rng: StdRng::seed_from_u64(seed),
            noise: Vec::new(),
        }
    }
}

impl FieldTerm for Thermal {
    fn name(&self) -> &'static str {
        "thermal"
    }
    fn references(&self) -> &'static [&'static str] {
        &[
            "Brown, Phys. Rev. 130, 1677 (1963)",
            "Leliaert et al., AIP Advances 7, 125010 (2017)",
        ]
    }
    fn energy_factor(&self) -> f64 {
        1.0
    }
    fn begin_step(&mut self, sys: &System, _t: f64, dt: f64) {
        let n = sys.mesh.len();
        self.noise.resize(n, [0.0; 3]);
        let v = sys.mesh.cell_volume();
        for c in 0..n {
            let ms = sys.ms[c];
            if ms == 0.0 || self.temperature <= 0.0 || dt <= 0.0 {
                self.noise[c] = [0.0; 3];
                continue;
            }
            let b = (2.0 * MU0 * sys.alpha[c] * KB * self.temperature
                / (MU0 * ms * GAMMA_LL * v * dt))
                .sqrt();
            let s = b / MU0;
            for q in 0..3 {
                let e: f64 = StandardNormal.sample(&mut self.rng);
                self.noise[c][q] = s * e;
            }
        }
    }
    fn add_field(&mut self, _sys: &System, _m: &[V3], _t: f64, h: &mut [V3]) {
        for (hc, nc) in h.iter_mut().zip(&self.noise) {
            hc[0] += nc[0];
            hc[1] += nc[1];
            hc[2] += nc[2];
        }
    }
}

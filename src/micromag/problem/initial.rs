//! Initial magnetisation states: uniform, seeded random, domain wall, skyrmion, OVF file.
//!
//! Walls and skyrmions use the standard tanh-like profile theta = 2 atan(exp(s / width)):
//! a wall at x0 has m_z = +-cos(theta((x - x0))), a skyrmion m_z = core * cos(theta(r - R)).
//! The in-plane part is Neel (along x for a wall, radial for a skyrmion) with the chirality
//! that lowers the interfacial DMI energy D [m_z div m - (m . grad) m_z] for the material's
//! sign of D (outward for D < 0 and an up core), or Bloch (along y / azimuthal) on request.

use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

use super::geometry::cell_xy;
use super::{InitialSpec, Loaded, WallKind};
use crate::error::{Error, Result};
use crate::wave::ovf::OvfField;

fn profile(s: f64, width: f64) -> (f64, f64) {
    // theta = 2 atan(exp(s/w)) gives cos = -tanh(s/w), sin = sech(s/w).
    let u = (s / width).clamp(-700.0, 700.0);
    (-u.tanh(), 1.0 / u.cosh())
}

fn normalise(v: [f64; 3]) -> [f64; 3] {
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    if n == 0.0 {
        [0.0, 0.0, 1.0]
    } else {
        [v[0] / n, v[1] / n, v[2] / n]
    }
}

impl Loaded {
    /// The initial unit vectors for every cell (`[0, 0, 0]` outside the mask).
    pub fn initial_m(&self, mask: &[Option<usize>]) -> Result<Vec<[f64; 3]>> {
        let p = &self.problem;
        let n = p.mesh.n;
        let cell = p.mesh.cell;
        let [nx, ny, _] = n;
        // Sign of D of the first layer's material sets the Neel chirality.
        let d_sign = self
            .layer_materials()?
            .first()
            .and_then(|(name, _)| p.material.get(name))
            .map(|m| {
                if m.dmi > 0.0 {
                    1.0
                } else if m.dmi < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            })
            .unwrap_or(0.0);
        let chirality = |left_mz: f64| {
            if d_sign == 0.0 {
                1.0
            } else {
                -d_sign * left_mz
            }
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(match &p.initial {
            InitialSpec::Random { seed } => *seed,
            _ => 0,
        });
        let ovf = match &p.initial {
            InitialSpec::Ovf { file } => Some(self.load_ovf(file)?),
            _ => None,
        };
        let mut m = vec![[0.0; 3]; mask.len()];
        for (i, mi) in m.iter_mut().enumerate() {
            if mask[i].is_none() {
                continue;
            }
            let (ix, iy) = (i % nx, (i / nx) % ny);
            let (x, y) = cell_xy(n, cell, ix, iy);
            *mi = match &p.initial {
                InitialSpec::Uniform { m } => normalise(*m),
                InitialSpec::Random { .. } => normalise([
                    rng.sample(StandardNormal),
                    rng.sample(StandardNormal),
                    rng.sample(StandardNormal),
                ]),
                InitialSpec::Wall {
                    x0,
                    kind,
                    left,
                    width,
                } => {
                    let (c, s) = profile(x - x0, width.unwrap_or(5e-9));
                    let mz = left.sign() * c;
                    let ip = chirality(left.sign()) * s;
                    match kind {
                        WallKind::Neel => [ip, 0.0, mz],
                        WallKind::Bloch => [0.0, ip, mz],
                    }
                }
                InitialSpec::Skyrmion {
                    x0,
                    y0,
                    r,
                    core,
                    width,
                } => {
                    let (dx, dy) = (x - x0, y - y0);
                    let rr = (dx * dx + dy * dy).sqrt();
                    let (c, s) = profile(rr - r, width.unwrap_or(3e-9));
                    let mz = core.sign() * c;
                    let (cphi, sphi) = if rr > 0.0 {
                        (dx / rr, dy / rr)
                    } else {
                        (1.0, 0.0)
                    };
                    let ip = chirality(core.sign()) * s;
                    normalise([ip * cphi, ip * sphi, mz])
                }
                InitialSpec::Ovf { .. } => {
                    let f = ovf
                        .as_ref()
                        .ok_or_else(|| Error::Usage("OVF not loaded".into()))?;
                    normalise([f.data[3 * i], f.data[3 * i + 1], f.data[3 * i + 2]])
                }
            };
        }
        Ok(m)
    }

    fn load_ovf(&self, file: &std::path::Path) -> Result<OvfField> {
        let path = self.resolve(file);
        if !path.exists() {
            return Err(self.error(
                "initial",
                "file",
                format!("OVF file {} not found", path.display()),
            ));
        }
        let f = OvfField::read(&path)?;
        if f.nodes != self.problem.mesh.n || f.valuedim() != 3 {
            return Err(self.error(
                "initial",
                "file",
                format!(
                    "{} has {}x{}x{} nodes with {} components; the mesh needs {}x{}x{} with 3",
                    path.display(),
                    f.nodes[0],
                    f.nodes[1],
                    f.nodes[2],
                    f.valuedim(),
                    self.problem.mesh.n[0],
                    self.problem.mesh.n[1],
                    self.problem.mesh.n[2]
                ),
            ));
        }
        Ok(f)
    }
}

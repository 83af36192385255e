//! The table columns of a run and how each row is measured.
//!
//! Positions in the table are measured from the centre of the mesh (mumax3's and the problem
//! file's convention); the core engine measures from the mesh corner, so they are shifted
//! here. Multilayers get the mean over layers (layers without the texture skipped) plus one
//! column per layer with the suffix `_L<i>` (layer 0 at the bottom, on the heavy metal).

use super::{Loaded, Observable};
use crate::micromag::Simulation;

/// The column set of one run.
pub struct Columns {
    energies: Vec<&'static str>,
    layers: usize,
    current: Option<super::CurrentSpec>,
    want: [bool; 5],
    half: [f64; 2],
}

fn col(n: &str, u: &str, d: &str) -> (String, String, String) {
    (n.to_string(), u.to_string(), d.to_string())
}

fn mean_finite(v: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut n) = (0.0, 0);
    for x in v.filter(|x| x.is_finite()) {
        s += x;
        n += 1;
    }
    if n == 0 {
        f64::NAN
    } else {
        s / n as f64
    }
}

impl Columns {
    /// Decide the columns for `l` (energy names are taken from the simulation's terms).
    pub fn new(l: &Loaded, sim: &mut Simulation) -> Self {
        // The Zeeman term appears only when a field is set: ask with the run-stage field on.
        let e = &l.problem.excitation;
        sim.set_applied_field(e.field);
        let energies = sim.energies().into_iter().map(|e| e.0).collect();
        sim.set_applied_field([0.0; 3]);
        let s = sim.system();
        Columns {
            energies,
            layers: s.n_layers(),
            current: e.current.clone(),
            want: [
                l.wants(Observable::Energy),
                l.wants(Observable::Dw),
                l.wants(Observable::Skyrmion),
                l.wants(Observable::Q),
                l.wants(Observable::Layers),
            ],
            half: [0.5 * s.mesh.size()[0], 0.5 * s.mesh.size()[1]],
        }
    }

    fn per_layer(
        &self,
        out: &mut Vec<(String, String, String)>,
        name: &str,
        unit: &str,
        what: &str,
    ) {
        if self.layers > 1 {
            for i in 0..self.layers {
                out.push(col(
                    &format!("{name}_L{i}"),
                    unit,
                    &format!("{what}, layer {i}"),
                ));
            }
        }
    }

    /// (name, unit, description) of every column, in order.
    pub fn columns(&self) -> Vec<(String, String, String)> {
        let mut c = vec![
            col("t", "s", "time; 0 at the start of the first run stage"),
            col("mx", "1", "m_x averaged over magnetic cells"),
            col("my", "1", "m_y averaged over magnetic cells"),
            col("mz", "1", "m_z averaged over magnetic cells"),
        ];
        if self.current.is_some() {
            c.push(col(
                "J",
                "A/m^2",
                "current density along the problem's current direction",
            ));
        }
        if self.want[0] {
            c.push(col("E_total", "J", "total energy"));
            for e in &self.energies {
                c.push(col(&format!("E_{e}"), "J", &format!("{e} energy")));
            }
        }
        if self.want[1] {
            c.push(col("dw_x", "m", "domain-wall position along x from the mesh centre (m_z = 0 crossing, mean over rows and layers)"));
            self.per_layer(&mut c, "dw_x", "m", "domain-wall position");
        }
        if self.want[2] {
            c.push(col(
                "sk_x",
                "m",
                "skyrmion centre x from the mesh centre (mean over layers)",
            ));
            c.push(col(
                "sk_y",
                "m",
                "skyrmion centre y from the mesh centre (mean over layers)",
            ));
            c.push(col("sk_radius", "m", "skyrmion radius: mean distance from the centre to the m_z = 0 contour (mean over layers)"));
            self.per_layer(&mut c, "sk_x", "m", "skyrmion centre x");
            self.per_layer(&mut c, "sk_radius", "m", "skyrmion radius");
        }
        if self.want[3] {
            c.push(col("Q", "1", "topological charge (mean over layers)"));
            self.per_layer(&mut c, "Q", "1", "topological charge");
        }
        if self.want[4] {
            self.per_layer(&mut c, "mz", "1", "m_z averaged over the layer");
        }
        c
    }

    /// Measure one row at the simulation's present state.
    pub fn row(&self, sim: &mut Simulation) -> Vec<f64> {
        let o = sim.observables();
        let mut r = vec![o.t, o.m[0], o.m[1], o.m[2]];
        if let Some(c) = &self.current {
            r.push(c.at(o.t));
        }
        if self.want[0] {
            r.push(o.total_energy);
            for name in &self.energies {
                r.push(
                    o.energies
                        .iter()
                        .find(|e| e.0 == *name)
                        .map(|e| e.1)
                        .unwrap_or(0.0),
                );
            }
        }
        let multi = self.layers > 1;
        if self.want[1] {
            let xs: Vec<f64> = o.dw_x.iter().map(|x| x - self.half[0]).collect();
            r.push(mean_finite(xs.iter().copied()));
            if multi {
                r.extend(&xs);
            }
        }
        if self.want[2] {
            let nan = f64::NAN;
            let sx: Vec<f64> = o
                .skyrmions
                .iter()
                .map(|s| s.map_or(nan, |s| s.x - self.half[0]))
                .collect();
            let sy: Vec<f64> = o
                .skyrmions
                .iter()
                .map(|s| s.map_or(nan, |s| s.y - self.half[1]))
                .collect();
            let sr: Vec<f64> = o
                .skyrmions
                .iter()
                .map(|s| s.map_or(nan, |s| s.radius))
                .collect();
            r.push(mean_finite(sx.iter().copied()));
            r.push(mean_finite(sy.iter().copied()));
            r.push(mean_finite(sr.iter().copied()));
            if multi {
                r.extend(&sx);
                r.extend(&sr);
            }
        }
        if self.want[3] {
            r.push(mean_finite(o.q.iter().copied()));
            if multi {
                r.extend(&o.q);
            }
        }
        if self.want[4] && multi {
            r.extend(o.m_layers.iter().map(|m| m[2]));
        }
        r
    }
}

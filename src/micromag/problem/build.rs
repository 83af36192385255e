//! From a problem description to a [`Simulation`] of the core engine.

use std::sync::Arc;

use super::geometry::inside;
use super::{Loaded, SotLayers};
use crate::error::Result;
use crate::micromag::{DemagMode, Effects, Layer, Material, Shape, Simulation, Stack, System};

impl Loaded {
    /// The engine material of problem material `name` (SOT and STT parameters included).
    fn engine_material(&self, name: &str, bottom: bool) -> Material {
        let p = &self.problem;
        let m = &p.material[name];
        let mut out = Material {
            ms: m.ms,
            aex: m.a,
            ku1: m.ku,
            anis_u: m.anis_axis,
            dind: m.dmi,
            alpha: m.alpha,
            ..Material::default()
        };
        if let Some(sot) = &p.excitation.sot {
            if bottom || sot.layers == SotLayers::All {
                out.theta_sh = sot.theta_sh;
                out.sot_fl_ratio = sot.xi;
            }
        }
        if let Some(stt) = &p.excitation.stt {
            out.pol = stt.polarization;
            out.xi = stt.xi;
        }
        out
    }

    /// The discretised system: mesh, geometry mask, stack, material gradients.
    pub fn system(&self) -> Result<System> {
        let p = &self.problem;
        let [nx, ny, _] = p.mesh.n;
        let cell = p.mesh.cell;
        let layers = self.layer_materials()?;
        let spacer = p.stack.as_ref().map(|s| s.spacer_cells).unwrap_or(0);
        let iec = p.stack.as_ref().map(|s| s.iec).unwrap_or(0.0);
        let stack = Stack {
            layers: layers
                .iter()
                .enumerate()
                .map(|(i, (name, r))| Layer {
                    material: self.engine_material(name, i == 0),
                    cells: r.len(),
                    spacer_after: spacer,
                })
                .collect(),
            rkky: vec![iec; layers.len().saturating_sub(1)],
        };
        let g = p.geometry.clone();
        let (lx, ly) = (nx as f64 * cell[0], ny as f64 * cell[1]);
        // The engine measures from the mesh corner; problem files from the centre.
        let shape = Shape::Func(Arc::new(move |x, y, _z| {
            inside(&g, lx, ly, x - 0.5 * lx, y - 0.5 * ly)
        }));
        let mut sys = System::multilayer(nx, ny, cell, &shape, &stack)?;
        // Material gradients along x (x from the mesh centre).
        let grads: Vec<(f64, f64)> = layers
            .iter()
            .map(|(n, _)| (p.material[n].ku_grad_x, p.material[n].dmi_grad_x))
            .collect();
        if grads.iter().any(|g| g.0 != 0.0 || g.1 != 0.0) {
            sys.edit_cells(|c, layer, mat| {
                let (gk, gd) = grads[layer];
                let x = c[0] - 0.5 * lx;
                mat.ku1 += gk * x;
                mat.dind += gd * x;
            })?;
        }
        Ok(sys)
    }

    /// A ready-to-run simulation: system, effects, stepper options and initial state.
    pub fn simulation(&self) -> Result<Simulation> {
        let p = &self.problem;
        let sys = self.system()?;
        let effects = Effects {
            demag: match (p.terms.demag, p.terms.demag_f64) {
                (false, _) => DemagMode::Off,
                (true, false) => DemagMode::Full,
                (true, true) => DemagMode::FullF64,
            },
            ..Effects::default()
        };
        let mut sim = Simulation::new(sys, effects)?;
        let s = &p.solver;
        sim.rk45.max_err = s.max_err;
        sim.rk45.headroom = s.headroom;
        sim.rk45.min_dt = s.min_dt;
        sim.rk45.max_dt = s.max_dt;
        sim.rk45.initial_dt = s.dt;
        sim.relax_options.torque_tol = s.relax_torque;
        sim.relax_options.max_iter = s.relax_max_steps;
        sim.set_stepper(s.stepper.kind(s.dt))?;
        let mask: Vec<Option<usize>> = sim
            .system()
            .layer
            .iter()
            .map(|&l| (l != crate::micromag::stack::NONE).then_some(l as usize))
            .collect();
        let m0 = self.initial_m(&mask)?;
        sim.set_m_from(&m0)?;
        Ok(sim)
    }
}

//! The resolved-problem log (`problem.log`): every value the run uses, derived quantities
//! and the sign conventions, so a run can be audited without reading the TOML.

use std::fmt::Write as _;

use super::{InitialSpec, Loaded, StageSpec};

const MU0: f64 = 4.0 * std::f64::consts::PI * 1e-7;

impl Loaded {
    /// A human-readable description of the resolved problem.
    pub fn resolved_log(&self) -> String {
        let p = &self.problem;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# spinspice mag: resolved problem from {}",
            self.path.display()
        );
        let _ = writeln!(s, "title: {}", p.title);
        let [nx, ny, nz] = p.mesh.n;
        let c = p.mesh.cell;
        let _ = writeln!(
            s,
            "mesh: {nx} x {ny} x {nz} cells of {:.4} x {:.4} x {:.4} nm = {:.2} x {:.2} x {:.2} nm; origin of x0/y0 at the mesh centre",
            c[0] * 1e9, c[1] * 1e9, c[2] * 1e9,
            nx as f64 * c[0] * 1e9, ny as f64 * c[1] * 1e9, nz as f64 * c[2] * 1e9
        );
        let _ = writeln!(s, "geometry: {:?}", p.geometry);
        if let Ok(mask) = self.mask() {
            let _ = writeln!(
                s,
                "magnetic cells: {}",
                mask.iter().filter(|m| m.is_some()).count()
            );
        }
        for (name, m) in &p.material {
            let keff = m.ku - 0.5 * MU0 * m.ms * m.ms;
            let _ = writeln!(
                s,
                "material {name}: Ms = {:e} A/m, A = {:e} J/m, alpha = {}, Ku = {:e} J/m^3 along {:?}, D = {:e} J/m^2, dKu/dx = {:e} J/m^4, dD/dx = {:e} J/m^3",
                m.ms, m.a, m.alpha, m.ku, m.anis_axis, m.dmi, m.ku_grad_x, m.dmi_grad_x
            );
            let lex = (2.0 * m.a / (MU0 * m.ms * m.ms)).sqrt();
            let _ = write!(
                s,
                "  exchange length sqrt(2A/(mu0 Ms^2)) = {:.3} nm",
                lex * 1e9
            );
            if keff > 0.0 {
                let _ = write!(
                    s,
                    "; thin-film Keff = Ku - mu0 Ms^2/2 = {:e} J/m^3, Delta = sqrt(A/Keff) = {:.3} nm, D_c = 4 sqrt(A Keff)/pi = {:e} J/m^2",
                    keff,
                    (m.a / keff).sqrt() * 1e9,
                    4.0 * (m.a * keff).sqrt() / std::f64::consts::PI
                );
            }
            s.push('\n');
        }
        if let Ok(layers) = self.layer_materials() {
            for (i, (name, r)) in layers.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "layer {i}: material {name}, z cells {}..{}",
                    r.start, r.end
                );
            }
        }
        if let Some(st) = &p.stack {
            let _ = writeln!(
                s,
                "interlayer exchange J = {:e} J/m^2 (positive: ferromagnetic)",
                st.iec
            );
        }
        let _ = writeln!(
            s,
            "demag: {}",
            if p.terms.demag {
                "on (FFT, Newell kernel, convolution in f32)"
            } else {
                "off"
            }
        );
        match &p.initial {
            InitialSpec::Ovf { file } => {
                let _ = writeln!(s, "initial: OVF file {}", self.resolve(file).display());
            }
            other => {
                let _ = writeln!(s, "initial: {other:?}");
            }
        }
        let e = &p.excitation;
        let _ = writeln!(s, "applied field during run stages: B = {:?} T", e.field);
        if let Some(c) = &e.current {
            let _ = writeln!(s, "current: {c:?} (A/m^2, s)");
        }
        if let Some(sot) = &e.sot {
            let _ = writeln!(
                s,
                "spin-orbit torque: {sot:?}; polarisation p = sign(theta_SH) z x j_hat"
            );
        }
        if let Some(stt) = &e.stt {
            let _ = writeln!(s, "Zhang-Li torque: {stt:?}");
        }
        let _ = writeln!(s, "solver: {:?}", p.solver);
        for (i, st) in p.stage.iter().enumerate() {
            match st {
                StageSpec::Relax { field } => {
                    let _ = writeln!(s, "stage {i}: relax in B = {field:?} T, no current");
                }
                StageSpec::Run {
                    duration,
                    table_dt,
                    ovf_every,
                } => {
                    let _ = writeln!(
                        s,
                        "stage {i}: run {duration:e} s, table every {table_dt:e} s, OVF every {ovf_every} rows"
                    );
                }
            }
        }
        let _ = writeln!(s, "time origin: t = 0 at the start of the first run stage");
        s
    }
}

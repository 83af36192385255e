//! Semantic checks of a parsed problem, with errors that point at the offending key.

use super::*;

impl Loaded {
    /// Check values the TOML types cannot express (signs, consistency, names).
    pub(super) fn validate(&self) -> Result<()> {
        let p = &self.problem;
        for i in 0..3 {
            if p.mesh.n[i] == 0 {
                return Err(self.error("mesh", "n", "every cell count in `n` must be at least 1"));
            }
            if !(p.mesh.cell[i].is_finite() && p.mesh.cell[i] > 0.0) {
                return Err(self.error("mesh", "cell", "cell sizes must be positive (m)"));
            }
        }
        if p.material.is_empty() {
            return Err(self.error("", "material", "at least one `[material.NAME]` is needed"));
        }
        for (name, m) in &p.material {
            let t = format!("material.{name}");
            let pos = |v: f64, key: &str, strict: bool| -> Result<()> {
                if !v.is_finite() || v < 0.0 || (strict && v == 0.0) {
                    Err(self.error(
                        &t,
                        key,
                        format!(
                            "`{key}` of material `{name}` must be {} (got {v})",
                            if strict {
                                "positive"
                            } else {
                                "zero or positive"
                            }
                        ),
                    ))
                } else {
                    Ok(())
                }
            };
            pos(m.ms, "ms", true)?;
            pos(m.a, "a", false)?;
            pos(m.alpha, "alpha", false)?;
            for (v, k) in [
                (m.ku, "ku"),
                (m.dmi, "dmi"),
                (m.ku_grad_x, "ku_grad_x"),
                (m.dmi_grad_x, "dmi_grad_x"),
            ] {
                if !v.is_finite() {
                    return Err(self.error(&t, k, format!("`{k}` must be a finite number")));
                }
            }
            if norm(m.anis_axis) == 0.0 {
                return Err(self.error(&t, "anis_axis", "`anis_axis` must not be the zero vector"));
            }
        }
        self.layer_materials()?;
        self.validate_geometry()?;
        self.validate_initial()?;
        self.validate_excitation()?;
        let s = &p.solver;
        for (v, k) in [
            (s.max_err, "max_err"),
            (s.headroom, "headroom"),
            (s.min_dt, "min_dt"),
            (s.dt, "dt"),
            (s.relax_torque, "relax_torque"),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(self.error("solver", k, format!("`{k}` must be positive")));
            }
        }
        if !(s.max_dt.is_finite() && s.max_dt >= s.min_dt) {
            return Err(self.error(
                "solver",
                "max_dt",
                "`max_dt` must be positive and at least `min_dt`",
            ));
        }
        if p.stage.is_empty() {
            return Err(self.error(
                "",
                "stage",
                "no `[[stage]]`: add a `kind = \"relax\"` or `kind = \"run\"` stage",
            ));
        }
        for st in &p.stage {
            if let StageSpec::Run {
                duration, table_dt, ..
            } = st
            {
                if !(duration.is_finite() && *duration > 0.0) {
                    return Err(self.error("stage", "duration", "`duration` must be positive (s)"));
                }
                if !(table_dt.is_finite() && *table_dt > 0.0 && *table_dt <= *duration) {
                    return Err(self.error(
                        "stage",
                        "table_dt",
                        "`table_dt` must be positive and at most `duration`",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The material name of every magnetic layer, bottom first, and the z-cell ranges.
    pub fn layer_materials(&self) -> Result<Vec<(String, std::ops::Range<usize>)>> {
        let p = &self.problem;
        let nz = p.mesh.n[2];
        let Some(st) = &p.stack else {
            if p.material.len() != 1 {
                return Err(self.error(
                    "",
                    "material",
                    "several materials but no `[stack]` saying which layer uses which",
                ));
            }
            let name = p.material.keys().next().cloned().unwrap_or_default();
            return Ok(vec![(name, 0..nz)]);
        };
        let names: Vec<String> = match (&st.material, st.layers, &st.materials) {
            (Some(m), Some(n), None) => vec![m.clone(); n],
            (None, None, Some(v)) => v.clone(),
            _ => {
                return Err(self.error(
                    "stack",
                    "material",
                    "give either `material` and `layers`, or `materials = [...]`",
                ))
            }
        };
        if names.is_empty() || st.layer_cells == 0 {
            return Err(self.error(
                "stack",
                "layers",
                "the stack needs at least one layer of at least one cell",
            ));
        }
        for n in &names {
            if !p.material.contains_key(n) {
                let known: Vec<&str> = p.material.keys().map(String::as_str).collect();
                return Err(Error::at(
                    span_at(
                        &self.source,
                        &self.path,
                        find_key(&self.source, "stack", "material")
                            .or_else(|| find_key(&self.source, "stack", "materials"))
                            .unwrap_or(0..0),
                    ),
                    format!("unknown material `{n}` in the stack"),
                    Some(format!("defined materials: {}", known.join(", "))),
                ));
            }
        }
        let need = names.len() * st.layer_cells + (names.len() - 1) * st.spacer_cells;
        if need != nz {
            return Err(self.error("mesh", "n", format!(
                "the stack needs nz = {need} cells ({} layers x {} + {} spacers x {}), the mesh has nz = {nz}",
                names.len(), st.layer_cells, names.len() - 1, st.spacer_cells)));
        }
        if !st.iec.is_finite() {
            return Err(self.error("stack", "iec", "`iec` must be a finite number (J/m^2)"));
        }
        let step = st.layer_cells + st.spacer_cells;
        Ok(names
            .into_iter()
            .enumerate()
            .map(|(i, n)| (n, i * step..i * step + st.layer_cells))
            .collect())
    }

    fn validate_geometry(&self) -> Result<()> {
        let g = &self.problem.geometry;
        let ly = self.problem.mesh.n[1] as f64 * self.problem.mesh.cell[1];
        match g.shape {
            ShapeKind::Disk => {
                if let Some(d) = g.diameter {
                    if !(d.is_finite() && d > 0.0) {
                        return Err(self.error(
                            "geometry",
                            "diameter",
                            "`diameter` must be positive (m)",
                        ));
                    }
                }
            }
            ShapeKind::Taper => {
                for k in ["width_left", "width_right"] {
                    let v = if k == "width_left" {
                        g.width_left
                    } else {
                        g.width_right
                    };
                    match v {
                        None => {
                            return Err(self.error(
                                "geometry",
                                "shape",
                                format!("a taper needs `{k}` (m)"),
                            ))
                        }
                        Some(w) if !(w > 0.0 && w <= ly * (1.0 + 1e-9)) => {
                            return Err(self.error(
                                "geometry",
                                k,
                                format!(
                                    "`{k}` must be positive and at most the mesh width {ly:e} m"
                                ),
                            ))
                        }
                        _ => {}
                    }
                }
            }
            ShapeKind::Rectangle => {}
        }
        for n in &g.notch {
            if !(n.width > 0.0 && n.depth > 0.0 && n.x.is_finite()) {
                return Err(self.error(
                    "geometry.notch",
                    "width",
                    "a notch needs positive `width` and `depth` (m)",
                ));
            }
        }
        Ok(())
    }

    fn validate_initial(&self) -> Result<()> {
        match &self.problem.initial {
            InitialSpec::Uniform { m } if norm(*m) == 0.0 || !m.iter().all(|v| v.is_finite()) => {
                Err(self.error("initial", "m", "`m` must be a finite non-zero vector"))
            }
            InitialSpec::Skyrmion { r, .. } if !(r.is_finite() && *r > 0.0) => Err(self.error(
                "initial",
                "r",
                "the skyrmion radius `r` must be positive (m)",
            )),
            InitialSpec::Wall { width: Some(w), .. }
            | InitialSpec::Skyrmion { width: Some(w), .. }
                if !(w.is_finite() && *w > 0.0) =>
            {
                Err(self.error("initial", "width", "`width` must be positive (m)"))
            }
            _ => Ok(()),
        }
    }

    fn validate_excitation(&self) -> Result<()> {
        let e = &self.problem.excitation;
        if !e.field.iter().all(|v| v.is_finite()) {
            return Err(self.error("excitation", "field", "`field` must be finite (T)"));
        }
        if let Some(c) = &e.current {
            let t = "excitation.current";
            if !c.amplitude.is_finite() {
                return Err(self.error(t, "amplitude", "`amplitude` must be finite (A/m^2)"));
            }
            if c.waveform == WaveformKind::Pulses && !(c.width > 0.0 && c.period >= c.width) {
                return Err(self.error(
                    t,
                    "width",
                    "pulses need `width` > 0 and `period` >= `width` (s)",
                ));
            }
            if norm(c.direction) == 0.0 {
                return Err(self.error(t, "direction", "`direction` must not be the zero vector"));
            }
            if c.direction[2] != 0.0 {
                return Err(self.error(
                    t,
                    "direction",
                    "the current flows in the film plane: `direction` needs z = 0",
                ));
            }
            if e.sot.is_none() && e.stt.is_none() {
                return Err(self.error(
                    t,
                    "waveform",
                    "a current without `[excitation.sot]` or `[excitation.stt]` has no effect",
                ));
            }
        }
        Ok(())
    }
}

/// Euclidean norm.
pub(crate) fn norm(v: [f64; 3]) -> f64 {
    (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
}

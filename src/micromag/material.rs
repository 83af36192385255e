//! Material parameters of one region (mumax3 names in parentheses).

use super::vec3::{norm, V3};
use crate::{Error, Result};

/// The parameters of one magnetic region. All SI.
#[derive(Debug, Clone, PartialEq)]
pub struct Material {
    /// Saturation magnetisation Ms (A/m) (mumax3 `Msat`).
    pub ms: f64,
    /// Exchange stiffness A (J/m) (mumax3 `Aex`).
    pub aex: f64,
    /// First-order uniaxial anisotropy constant Ku1 (J/m^3) (mumax3 `Ku1`); positive: easy axis.
    pub ku1: f64,
    /// Uniaxial anisotropy axis (normalised on use) (mumax3 `AnisU`).
    pub anis_u: V3,
    /// Interfacial DMI constant D (J/m^2) (mumax3 `Dind`).
    pub dind: f64,
    /// Gilbert damping alpha (mumax3 `alpha`).
    pub alpha: f64,
    /// Spin Hall angle theta_SH of the heavy metal under this layer (spin-orbit torque).
    pub theta_sh: f64,
    /// Field-like / damping-like spin-orbit torque ratio (mumax3's `EpsilonPrime` role).
    pub sot_fl_ratio: f64,
    /// Ferromagnet thickness used in the spin-orbit torque strength (m); `None`: the layer's
    /// thickness in the mesh.
    pub sot_thickness: Option<f64>,
    /// Spin polarisation P of the current for the Zhang-Li torque (mumax3 `Pol`).
    pub pol: f64,
    /// Zhang-Li non-adiabaticity xi (mumax3 `xi`).
    pub xi: f64,
}

impl Default for Material {
    /// Zero magnetisation and interactions, alpha = 0.02, axis z.
    fn default() -> Self {
        Material {
            ms: 0.0,
            aex: 0.0,
            ku1: 0.0,
            anis_u: [0.0, 0.0, 1.0],
            dind: 0.0,
            alpha: 0.02,
            theta_sh: 0.0,
            sot_fl_ratio: 0.0,
            sot_thickness: None,
            pol: 0.0,
            xi: 0.0,
        }
    }
}

impl Material {
    /// Check the values are physical: finite, Ms > 0, A >= 0, alpha >= 0, a non-zero axis
    /// when Ku1 != 0, a positive SOT thickness when given.
    pub fn validate(&self) -> Result<()> {
        let fields = [
            ("Ms", self.ms),
            ("Aex", self.aex),
            ("Ku1", self.ku1),
            ("Dind", self.dind),
            ("alpha", self.alpha),
            ("theta_SH", self.theta_sh),
            ("sot_fl_ratio", self.sot_fl_ratio),
            ("Pol", self.pol),
            ("xi", self.xi),
        ];
        for (name, v) in fields {
            if !v.is_finite() {
                return Err(Error::Usage(format!(
                    "material: {name} = {v} is not finite"
                )));
            }
        }
        if self.ms <= 0.0 {
            return Err(Error::Usage(format!(
                "material: Ms must be positive (got {} A/m); leave cells empty for non-magnetic regions",
                self.ms
            )));
        }
        if self.aex < 0.0 {
            return Err(Error::Usage(format!(
                "material: Aex must be >= 0 (got {})",
                self.aex
            )));
        }
        if self.alpha < 0.0 {
            return Err(Error::Usage(format!(
                "material: alpha must be >= 0 (got {})",
                self.alpha
            )));
        }
        if self.ku1 != 0.0 && !(norm(self.anis_u) > 0.0 && norm(self.anis_u).is_finite()) {
            return Err(Error::Usage(
                "material: anisotropy axis must be non-zero".into(),
            ));
        }
        if let Some(t) = self.sot_thickness {
            if !(t.is_finite() && t > 0.0) {
                return Err(Error::Usage(format!(
                    "material: SOT thickness must be positive (got {t} m)"
                )));
            }
        }
        Ok(())
    }

    /// The benchmark material: the paper's Table I (Ms 0.8 MA/m, A 15 pJ/m, Ku 0.9 MJ/m^3
    /// along z, alpha 0.15) with interfacial D = 1.5 mJ/m^2 (Neel walls, below D_c) and spin
    /// Hall angle 0.1. Used by `bench_micromag`, `prof_micromag` and tests that exercise
    /// every term.
    pub fn bench_table_i() -> Self {
        Material {
            ms: 0.8e6,
            aex: 1.5e-11,
            ku1: 0.9e6,
            dind: 1.5e-3,
            alpha: 0.15,
            theta_sh: 0.1,
            ..Material::default()
        }
    }

    /// Effective perpendicular anisotropy of a thin film, `Ku1 - mu0 Ms^2 / 2` (J/m^3).
    pub fn keff_thin_film(&self) -> f64 {
        self.ku1 - 0.5 * super::MU0 * self.ms * self.ms
    }

    /// Domain-wall width parameter `Delta = sqrt(A / Keff)` (m) with [`Self::keff_thin_film`].
    pub fn dw_width(&self) -> f64 {
        (self.aex / self.keff_thin_film()).sqrt()
    }

    /// Critical DMI `D_c = 4 sqrt(A Keff) / pi` (J/m^2) above which isolated walls have
    /// negative energy (Rohart and Thiaville, PRB 88, 184422 (2013)).
    pub fn critical_dmi(&self) -> f64 {
        4.0 * (self.aex * self.keff_thin_film()).sqrt() / std::f64::consts::PI
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_critical_dmi() {
        // Issue 4: Table I (Ms 0.8e6, Ku 0.9e6, A 1.5e-11) gives D_c of about 3.5 mJ/m^2.
        // Keff = 0.9e6 - 0.5 * 4 pi 1e-7 * 0.64e12 = 497876.14 J/m^3,
        // D_c = 4 sqrt(1.5e-11 * 497876.14) / pi = 3.47950e-3 J/m^2.
        let m = Material {
            ms: 0.8e6,
            aex: 1.5e-11,
            ku1: 0.9e6,
            ..Material::default()
        };
        assert!((m.critical_dmi() - 3.4795e-3).abs() < 1e-7);
    }

    #[test]
    fn invalid_values_are_errors() {
        let bad = Material {
            ms: -1.0,
            ..Material::default()
        };
        assert!(bad.validate().is_err());
        let bad = Material {
            ms: 1.0,
            alpha: f64::NAN,
            ..Material::default()
        };
        assert!(bad.validate().is_err());
    }
}

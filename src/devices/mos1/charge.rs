//! MOSFET level-1 charges: Meyer gate capacitances and bulk junction depletion charges.

use super::{Junction, Mos1Params};

/// Meyer's gate capacitances (ngspice `DEVqmeyer`), returned as *half* values
/// `(cgs, cgd, cgb)` the way ngspice stores them: the capacitance used over a step is the
/// sum of the halves at both ends of the step. `vgs`, `vgd` are normalised gate-source and
/// gate-drain voltages in the device's current mode, `von`, `vdsat` from the DC evaluation.
pub fn meyer(vgs: f64, vgd: f64, von: f64, vdsat: f64, phi: f64, cox: f64) -> (f64, f64, f64) {
    let vgst = vgs - von;
    let vdsat = vdsat.max(0.0);
    if vgst <= -phi {
        (0.0, 0.0, cox / 2.0)
    } else if vgst <= -phi / 2.0 {
        (0.0, 0.0, -vgst * cox / (2.0 * phi))
    } else if vgst <= 0.0 {
        (
            vgst * cox / (1.5 * phi) + cox / 3.0,
            0.0,
            -vgst * cox / (2.0 * phi),
        )
    } else {
        let vds = vgs - vgd;
        if vdsat <= vds {
            (cox / 3.0, 0.0, 0.0)
        } else {
            let vddif = 2.0 * vdsat - vds;
            let vddif1 = vdsat - vds;
            let vddif2 = vddif * vddif;
            let cgd = cox * (1.0 - vdsat * vdsat / vddif2) / 3.0;
            let cgs = cox * (1.0 - vddif1 * vddif1 / vddif2) / 3.0;
            (cgs, cgd, 0.0)
        }
    }
}

/// Depletion charge and capacitance of a bulk junction at normalised voltage `v`
/// (ngspice `mos1load.c`: bottom + sidewall, linear extension beyond `FC PB`).
pub fn junction_charge(p: &Mos1Params, j: &Junction, v: f64) -> (f64, f64) {
    if j.cz == 0.0 && j.czsw == 0.0 {
        return (0.0, 0.0);
    }
    if v < p.fc * p.pb {
        let arg = 1.0 - v / p.pb;
        let sarg = (-p.mj * arg.ln()).exp();
        let sargsw = (-p.mjsw * arg.ln()).exp();
        let q = p.pb
            * (j.cz * (1.0 - arg * sarg) / (1.0 - p.mj)
                + j.czsw * (1.0 - arg * sargsw) / (1.0 - p.mjsw));
        (q, j.cz * sarg + j.czsw * sargsw)
    } else {
        (j.f4 + v * (j.f2 + v * (j.f3 / 2.0)), j.f2 + j.f3 * v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meyer_regions() {
        let cox = 3.0;
        let phi = 0.6;
        // Accumulation: Cgb = Cox (half 1.5).
        assert_eq!(meyer(-2.0, -2.0, 0.5, 0.0, phi, cox), (0.0, 0.0, 1.5));
        // Saturation: Cgs = 2/3 Cox (half 1.0), Cgd = 0.
        assert_eq!(meyer(1.5, 0.0, 0.5, 1.0, phi, cox), (1.0, 0.0, 0.0));
        // Linear at vds = 0: Cgs = Cgd = Cox/2 (halves 0.75).
        let (cgs, cgd, cgb) = meyer(1.5, 1.5, 0.5, 1.0, phi, cox);
        assert!((cgs - 0.75).abs() < 1e-15 && (cgd - 0.75).abs() < 1e-15 && cgb == 0.0);
        // Continuity at vgst = 0 between depletion and inversion: Cgs half = Cox/3.
        let (cgs, _, cgb) = meyer(0.5, 0.5 - 0.1, 0.5, 0.0, phi, cox);
        assert!((cgs - 1.0).abs() < 1e-15 && cgb.abs() < 1e-15);
    }
}

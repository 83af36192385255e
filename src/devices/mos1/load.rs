//! MOSFET level-1 evaluation and stamping (ngspice `mos1load.c`).
//!
//! Everything is computed in the *normalised* frame (voltages multiplied by the polarity
//! `type`, so a PMOS looks like an NMOS); terminal currents are mapped back by `type`, and
//! the Jacobian is the same in both frames (`type² = 1`).

use super::charge::{junction_charge, meyer};
use super::limit::{fetlim, limvds};
use super::{MeyerState, Mos1, Mos1Params, OpPoint};
use crate::devices::nlutil::pnjlim;
use crate::devices::{Load, Mode};

/// Drain current of the intrinsic transistor in normal mode: `(cdrain, gm, gds, gmbs, von,
/// vdsat)` at `vgs`, `vds >= 0`, `vbs` (normalised).
pub fn channel(p: &Mos1Params, vgs: f64, vds: f64, vbs: f64) -> (f64, f64, f64, f64, f64, f64) {
    let sarg = if vbs <= 0.0 {
        (p.phi - vbs).sqrt()
    } else {
        let s = p.phi.sqrt();
        (s - vbs / (s + s)).max(0.0)
    };
    let von = p.vbi * p.ty + p.gamma * sarg;
    let vgst = vgs - von;
    let vdsat = vgst.max(0.0);
    let arg = if sarg > 0.0 {
        p.gamma / (sarg + sarg)
    } else {
        0.0
    };
    if vgst <= 0.0 {
        return (0.0, 0.0, 0.0, 0.0, von, vdsat);
    }
    let betap = p.beta * (1.0 + p.lambda * vds);
    let (cd, gm, gds) = if vgst <= vds {
        (
            betap * vgst * vgst * 0.5,
            betap * vgst,
            p.lambda * p.beta * vgst * vgst * 0.5,
        )
    } else {
        (
            betap * vds * (vgst - 0.5 * vds),
            betap * vds,
            betap * (vgst - vds) + p.lambda * p.beta * vds * (vgst - 0.5 * vds),
        )
    };
    (cd, gm, gds, gm * arg, von, vdsat)
}

/// Bulk diode current and conductance at `v` with saturation current `is` and thermal
/// voltage `vt` (plus `gmin`): `IS (exp(v/Vt) - 1)` at every bias, as ngspice 39 evaluates
/// it (a reverse-biased junction saturates at `-IS`; measured: `-2 IS` from a PMOS whose
/// two junctions are reversed by 0.5 V).
fn bulk_diode(is: f64, vt: f64, v: f64, gmin: f64) -> (f64, f64) {
    let e = (v / vt).min(700.0).exp();
    (is * (e - 1.0) + gmin * v, is * e / vt + gmin)
}

/// Evaluate the DC part at limited voltages (normalised).
pub fn evaluate(p: &Mos1Params, vgs: f64, vds: f64, vbs: f64, gmin: f64) -> OpPoint {
    let vbd = vbs - vds;
    let vgd = vgs - vds;
    let (cbs, gbs) = bulk_diode(p.source.is, p.vt, vbs, gmin);
    let (cbd, gbd) = bulk_diode(p.drain.is, p.vt, vbd, gmin);
    let mode = if vds >= 0.0 { 1.0 } else { -1.0 };
    let (cdrain, gm, gds, gmbs, von, vdsat) = if mode > 0.0 {
        channel(p, vgs, vds, vbs)
    } else {
        channel(p, vgd, -vds, vbd)
    };
    OpPoint {
        vgs,
        vds,
        vbs,
        von,
        vdsat,
        mode,
        cdrain,
        gm,
        gds,
        gmbs,
        cbs,
        gbs,
        cbd,
        gbd,
    }
}

/// Terminal indices in the local block.
const D: usize = 0;
const G: usize = 1;
const S: usize = 2;
const B: usize = 3;

/// Add a two-terminal current `i` from `a` to `b` with conductance `g` (w.r.t. `va - vb`).
fn branch(f: &mut [f64; 4], j: &mut [[f64; 4]; 4], a: usize, b: usize, i: f64, g: f64) {
    f[a] += i;
    f[b] -= i;
    j[a][a] += g;
    j[a][b] -= g;
    j[b][a] -= g;
    j[b][b] += g;
}

/// Limit the new iterate against the last one (ngspice's order: gate, drain, then bulk).
fn limited(m: &mut Mos1, l: &mut Load, vgs: f64, vds: f64, vbs: f64) -> (f64, f64, f64) {
    let p = &m.p;
    if l.init_junction {
        // ngspice MODEINITJCT without initial conditions.
        let _ = (vgs, vds, vbs);
        return (p.ty * p.vto, 0.0, -1.0);
    }
    let o = m.op;
    let von = o.von;
    let vgdo = o.vgs - o.vds;
    let (mut vgs, mut vds) = (vgs, vds);
    let mut vgd = vgs - vds;
    if o.vds >= 0.0 {
        vgs = fetlim(vgs, o.vgs, von);
        vds = vgs - vgd;
        vds = limvds(vds, o.vds);
    } else {
        vgd = fetlim(vgd, vgdo, von);
        vds = vgs - vgd;
        vds = -limvds(-vds, -o.vds);
        vgs = vgd + vds;
    }
    let (vbs, lim) = if vds >= 0.0 {
        pnjlim(vbs, o.vbs, p.vt, p.source.vcrit)
    } else {
        let (vbd, lim) = pnjlim(vbs - vds, o.vbs - o.vds, p.vt, p.drain.vcrit);
        (vbd + vds, lim)
    };
    if lim {
        l.set_noncon();
    }
    (vgs, vds, vbs)
}

/// Evaluate at the current iterate and stamp.
pub fn load(m: &mut Mos1, l: &mut Load) {
    let t = m.terms();
    let ty = m.p.ty;
    let vs = l.v(t[S]);
    let (vgs, vds, vbs) = limited(
        m,
        l,
        ty * (l.v(t[G]) - vs),
        ty * (l.v(t[D]) - vs),
        ty * (l.v(t[B]) - vs),
    );
    let p = &m.p;
    let o = evaluate(p, vgs, vds, vbs, l.gmin);
    let mut f = [0.0; 4];
    let mut j = [[0.0; 4]; 4];
    // Channel current d → s.
    if o.mode > 0.0 {
        f[D] += o.cdrain;
        f[S] -= o.cdrain;
        let row = [o.gds, o.gm, -(o.gds + o.gm + o.gmbs), o.gmbs];
        for k in 0..4 {
            j[D][k] += row[k];
            j[S][k] -= row[k];
        }
    } else {
        f[D] -= o.cdrain;
        f[S] += o.cdrain;
        let row = [o.gds + o.gm + o.gmbs, -o.gm, -o.gds, -o.gmbs];
        for k in 0..4 {
            j[D][k] += row[k];
            j[S][k] -= row[k];
        }
    }
    branch(&mut f, &mut j, B, S, o.cbs, o.gbs);
    branch(&mut f, &mut j, B, D, o.cbd, o.gbd);
    m.f_dc = f;
    m.j_dc = j;
    m.op = o;
    if l.mode != Mode::Dc {
        charges(m, l, &o, &mut f, &mut j);
    }
    // Stamp: physical F = type F_n, linearised at the limited point (source at 0).
    let vl = [vds, vgs, 0.0, vbs];
    for r in 0..4 {
        let mut c = f[r];
        for k in 0..4 {
            l.add(m.s[r][k], j[r][k]);
            c -= j[r][k] * vl[k];
        }
        l.rhs(t[r], -ty * c);
    }
    for (slots, g) in [(m.s_rd, m.p.gd), (m.s_rs, m.p.gs)] {
        if g > 0.0 {
            l.add(slots[0], g);
            l.add(slots[1], -g);
            l.add(slots[2], -g);
            l.add(slots[3], g);
        }
    }
}

/// Gate (Meyer + overlap) and bulk junction charges through the engine's integrator.
fn charges(m: &mut Mos1, l: &mut Load, o: &OpPoint, f: &mut [f64; 4], j: &mut [[f64; 4]; 4]) {
    let p = &m.p;
    let st = m.state;
    let (vgs, vds, vbs) = (o.vgs, o.vds, o.vbs);
    let vgd = vgs - vds;
    let vgb = vgs - vbs;
    let vbd = vbs - vds;
    // Bulk junctions.
    let (qbd, cbd) = junction_charge(p, &p.drain, vbd);
    let (g, i) = l.charge(st + 3, qbd, cbd);
    branch(f, j, B, D, i, g);
    let (qbs, cbs) = junction_charge(p, &p.source, vbs);
    let (g, i) = l.charge(st + 4, qbs, cbs);
    branch(f, j, B, S, i, g);
    // Meyer: evaluated in the device's mode, halves stored per point.
    let (cgs, cgd, cgb) = if o.mode > 0.0 {
        meyer(vgs, vgd, o.von, o.vdsat, p.phi, p.cox)
    } else {
        let (a, b, c) = meyer(vgd, vgs, o.von, o.vdsat, p.phi, p.cox);
        (b, a, c)
    };
    m.meyer_trial = MeyerState {
        vgs,
        vds,
        vbs,
        cgs,
        cgd,
        cgb,
    };
    let ovl = [p.cgso, p.cgdo, p.cgbo];
    let v = [vgs, vgd, vgb];
    let half = [cgs, cgd, cgb];
    let (caps, qs) = if l.mode == Mode::Tran {
        let a = m.meyer_acc;
        let acc_half = [a.cgs, a.cgd, a.cgb];
        let acc_v = [a.vgs, a.vgs - a.vds, a.vgs - a.vbs];
        let caps = [0, 1, 2].map(|k| half[k] + acc_half[k] + ovl[k]);
        let qs = [0, 1, 2].map(|k| l.state_prev(st + k) + caps[k] * (v[k] - acc_v[k]));
        (caps, qs)
    } else {
        // The operating point that starts a transient: it is the first accepted state.
        m.meyer_acc = m.meyer_trial;
        let caps = [0, 1, 2].map(|k| 2.0 * half[k] + ovl[k]);
        (caps, [0, 1, 2].map(|k| v[k] * caps[k]))
    };
    for (k, other) in [(0usize, S), (1, D), (2, B)] {
        let (g, i) = l.charge(st + k, qs[k], caps[k]);
        branch(f, j, G, other, i, g);
    }
}

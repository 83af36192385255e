//! Building a [`Racetrack`] from an elaborated `N` instance and its `racetrack` card.

use super::compact::{DwCompact, SkCompact};
use super::{
    split_params, track_of, FreeLayer, Racetrack, Soliton, TRACK_INSTANCE_PARAMS, TRACK_PARAMS,
};
use crate::devices::mtj::{value_of, MtjModel};
use crate::devices::param::resolve;
use crate::devices::{Device, Unknown};
use crate::elab::Instance;
use crate::error::Error;

/// Build the device of an `N` instance whose card is of kind `racetrack`; `node` maps a node
/// id to its unknown.
pub fn from_instance(
    inst: &Instance,
    node: &dyn Fn(usize) -> Unknown,
    temps: crate::devices::nlutil::Temps,
) -> crate::Result<Box<dyn Device>> {
    let what = format!("racetrack `{}`", inst.name);
    if inst.nodes.len() != 4 {
        return Err(Error::at(
            inst.span.clone(),
            format!(
                "{what} needs 4 nodes (t1 t2 t3 t4), found {}",
                inst.nodes.len()
            ),
            Some(
                "write `Nname t1 t2 t3 t4 trackmodel`: t1-t2 the heavy-metal path, t3-t4 the MTJ"
                    .into(),
            ),
        ));
    }
    let card = inst.model.as_ref().ok_or_else(|| {
        Error::at(
            inst.span.clone(),
            format!("{what} names no .model card"),
            Some("add `.model rt1 racetrack (state=compact)`".into()),
        )
    })?;
    let cwhat = format!("racetrack model {}", card.name);
    let (tg, mg) = split_params(&card.params, &cwhat)?;
    let (track, tv) = track_of(&tg, &card.span, &cwhat)?;
    let mtj = MtjModel::from_given(&mg, &card.span, &cwhat)?.at(temps);
    let mut state = "compact".to_string();
    let mut soliton = Soliton::DomainWall;
    let mut problem = None;
    for (k, val, sp) in &card.words {
        match (k.as_str(), val.to_ascii_lowercase().as_str()) {
            ("state", "compact") | ("state", "micromagnetic") => state = val.to_ascii_lowercase(),
            ("soliton", "dw") => soliton = Soliton::DomainWall,
            ("soliton", "skyrmion") | ("soliton", "sk") => soliton = Soliton::Skyrmion,
            ("problem", _) => problem = Some((val.clone(), sp.clone())),
            ("state", _) | ("soliton", _) => {
                return Err(Error::at(
                    sp.clone(),
                    format!("bad value `{val}` for `{k}` of {cwhat}"),
                    Some("state=compact|micromagnetic, soliton=dw|skyrmion".into()),
                ))
            }
            _ => {
                return Err(Error::at(
                    sp.clone(),
                    format!("unknown word parameter `{k}` for {cwhat}"),
                    Some("valid words: state=compact|micromagnetic, soliton=dw|skyrmion, problem=\"file.toml\"".into()),
                ))
            }
        }
    }
    let iv = resolve(TRACK_INSTANCE_PARAMS, &inst.params, &what)?;
    if let Some((w, _, sp)) = inst.words.first() {
        return Err(Error::at(
            sp.clone(),
            format!("unknown word parameter `{w}` for {what}"),
            None,
        ));
    }
    let t = TRACK_PARAMS;
    let x0 = if iv.given[0] {
        iv.get(0)
    } else {
        value_of(t, &tv, "x0")
    };
    if x0 > track.len {
        return Err(Error::at(
            inst.span.clone(),
            format!(
                "{what}: x0 = {x0:e} m lies beyond the track end {:e} m",
                track.len
            ),
            None,
        ));
    }
    let xr = value_of(t, &tv, "xrest");
    let xrest = if xr.is_nan() { x0 } else { xr };
    let layer: Box<dyn FreeLayer> = if state == "micromagnetic" {
        let inline = crate::devices::mtj_mag::InlineDw {
            x0,
            kwell: value_of(t, &tv, "kwell"),
            thermal: mtj.thermal.factors(temps),
        };
        crate::devices::mtj_mag::layer(
            problem.as_ref().map(|(p, s)| (p.as_str(), s)),
            soliton,
            &track,
            inline,
            &card.span,
        )?
    } else {
        match soliton {
            Soliton::DomainWall => Box::new(DwCompact::new(
                x0,
                value_of(t, &tv, "mu"),
                value_of(t, &tv, "tau"),
                xrest,
                track.len,
                value_of(t, &tv, "delta"),
                value_of(t, &tv, "mbehind"),
            )),
            Soliton::Skyrmion => Box::new(SkCompact::new(
                x0,
                value_of(t, &tv, "k1"),
                value_of(t, &tv, "k2"),
                value_of(t, &tv, "gammaj"),
                xrest,
                track.len,
                track.width,
                0.5 * value_of(t, &tv, "dsk"),
            )),
        }
    };
    let nodes = [
        node(inst.nodes[0]),
        node(inst.nodes[1]),
        node(inst.nodes[2]),
        node(inst.nodes[3]),
    ];
    Ok(Box::new(Racetrack::new(
        &inst.name, nodes, track, mtj, soliton, layer,
    )))
}

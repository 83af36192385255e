//! Trained weights to synaptic conductances: differential pairs or an offset (reference)
//! column, a device conductance window `g_min..g_max`, quantisation to programmable levels,
//! seeded device-to-device variation, stuck-at faults, and tiling into crossbar tiles of at
//! most `rows x cols` physical cells with partial-sum combination.
//!
//! Weight to conductance (differential, `w_max = max |w|` over the layer, `s = (g_max -
//! g_min) / w_max`): `G+ = g_min + s max(w, 0)`, `G- = g_min + s max(-w, 0)`, so that the
//! column-current difference `(I+ - I-) / (v_read s)` gives back `sum_i w_i x_i` for inputs
//! `x_i` in units of `v_read`. Offset scheme: `G = g_min + s (w + w_max) / 2` and one
//! reference column per tile at `G_ref = (g_min + g_max) / 2`; `(I - I_ref) / (v_read s / 2)`.

use crate::error::Error;
use crate::Result;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// How signed weights become positive conductances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Two columns per output: `G+ - G-`.
    Differential,
    /// One column per output plus one shared reference column per tile.
    Offset,
}

/// Distribution of device-to-device variation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VariationKind {
    /// `G * exp(sigma z)`.
    Lognormal,
    /// `G * (1 + sigma z)`, clamped at `g_min / 100`.
    Normal,
}

/// Mapping settings.
#[derive(Debug, Clone, PartialEq)]
pub struct MapConfig {
    /// Lowest programmable conductance (S), e.g. `1 / R_AP`.
    pub g_min: f64,
    /// Highest programmable conductance (S), e.g. `1 / R_P`.
    pub g_max: f64,
    /// Number of programmable levels (`None`: continuous).
    pub levels: Option<usize>,
    /// Relative standard deviation of the device variation (0.05 = 5 %).
    pub variation: f64,
    /// Distribution of the variation.
    pub variation_kind: VariationKind,
    /// Fraction of cells stuck at `g_max`.
    pub stuck_on: f64,
    /// Fraction of cells stuck at `g_min`.
    pub stuck_off: f64,
    /// Differential pair or offset column.
    pub scheme: Scheme,
    /// Maximum physical rows (inputs) of one tile.
    pub tile_rows: usize,
    /// Maximum physical columns of one tile.
    pub tile_cols: usize,
    /// Seed of the variation and fault draws.
    pub seed: u64,
}

impl Default for MapConfig {
    /// MTJ window R_P / R_AP = 200 / 600 ohm scaled by 1000 (200 k / 600 k), ideal devices,
    /// differential pairs, 64 x 64 tiles.
    fn default() -> Self {
        MapConfig {
            g_min: 1.0 / 600e3,
            g_max: 1.0 / 200e3,
            levels: None,
            variation: 0.0,
            variation_kind: VariationKind::Lognormal,
            stuck_on: 0.0,
            stuck_off: 0.0,
            scheme: Scheme::Differential,
            tile_rows: 64,
            tile_cols: 64,
            seed: 1,
        }
    }
}

/// What a physical column of a tile carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColRole {
    /// The positive column of output `o`.
    Pos(usize),
    /// The negative column of output `o`.
    Neg(usize),
    /// Offset scheme: the column of output `o`.
    Single(usize),
    /// Offset scheme: the tile's reference column.
    Ref,
}

/// One crossbar tile: a block of inputs times a block of outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Tile {
    /// First input (row) of the layer this tile holds.
    pub row0: usize,
    /// First output of the layer this tile holds.
    pub out0: usize,
    /// Number of outputs this tile holds.
    pub outs: usize,
    /// Conductances (S), `rows` rows of `cols` physical columns.
    pub g: Vec<Vec<f64>>,
    /// Role of each physical column.
    pub roles: Vec<ColRole>,
}

impl Tile {
    /// Physical rows.
    pub fn rows(&self) -> usize {
        self.g.len()
    }
    /// Physical columns.
    pub fn cols(&self) -> usize {
        self.roles.len()
    }
}

/// A layer mapped onto tiles.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedLayer {
    /// Layer inputs.
    pub n_in: usize,
    /// Layer outputs.
    pub n_out: usize,
    /// Conductance per unit weight `s` (S); the offset scheme's effective gain is `s / 2`.
    pub s: f64,
    /// Scheme used.
    pub scheme: Scheme,
    /// The tiles, row-block major.
    pub tiles: Vec<Tile>,
}

impl MappedLayer {
    /// Weight units per ampere of combined column current at read voltage `v_read`.
    pub fn current_to_weight(&self, v_read: f64) -> f64 {
        match self.scheme {
            Scheme::Differential => 1.0 / (v_read * self.s),
            Scheme::Offset => 2.0 / (v_read * self.s),
        }
    }

    /// Combine per-tile physical column currents (`col_currents[t][c]`, A) into per-output
    /// signed currents (partial sums over row blocks).
    pub fn combine(&self, col_currents: &[Vec<f64>]) -> Vec<f64> {
        let mut out = vec![0.0; self.n_out];
        for (tile, cur) in self.tiles.iter().zip(col_currents) {
            let iref = tile
                .roles
                .iter()
                .zip(cur)
                .find(|(r, _)| **r == ColRole::Ref)
                .map(|(_, i)| *i)
                .unwrap_or(0.0);
            for (role, i) in tile.roles.iter().zip(cur) {
                match *role {
                    ColRole::Pos(o) => out[o] += i,
                    ColRole::Neg(o) => out[o] -= i,
                    ColRole::Single(o) => out[o] += i - iref,
                    ColRole::Ref => {}
                }
            }
        }
        out
    }

    /// Ideal column currents of every tile for row voltages `v` (length `n_in`): `G^T v`.
    pub fn ideal_column_currents(&self, v: &[f64]) -> Vec<Vec<f64>> {
        self.tiles
            .iter()
            .map(|t| {
                let mut c = vec![0.0; t.cols()];
                for (r, row) in t.g.iter().enumerate() {
                    let x = v[t.row0 + r];
                    if x != 0.0 {
                        for (cj, g) in c.iter_mut().zip(row) {
                            *cj += g * x;
                        }
                    }
                }
                c
            })
            .collect()
    }

    /// The weights the mapped conductances implement (`n_out` rows of `n_in`).
    pub fn effective_weights(&self) -> Vec<Vec<f64>> {
        let k = self.current_to_weight(1.0);
        let mut w = vec![vec![0.0; self.n_in]; self.n_out];
        for i in 0..self.n_in {
            let mut v = vec![0.0; self.n_in];
            v[i] = 1.0;
            let cur = self.combine(&self.ideal_column_currents(&v));
            for (o, c) in cur.iter().enumerate() {
                w[o][i] = c * k;
            }
        }
        w
    }
}

/// Quantise `g` to `levels` equally spaced levels of `g_min..g_max`.
pub fn quantise(g: f64, g_min: f64, g_max: f64, levels: usize) -> f64 {
    if levels < 2 {
        return g_min;
    }
    let step = (g_max - g_min) / (levels - 1) as f64;
    let k = ((g - g_min) / step).round().clamp(0.0, (levels - 1) as f64);
    g_min + k * step
}

/// Parse `5%`, `0.05` or `5 %` into a fraction.
pub fn parse_fraction(s: &str) -> Result<f64> {
    let t = s.trim();
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = num
        .parse()
        .map_err(|_| Error::Usage(format!("bad fraction `{s}` (expected e.g. 5% or 0.05)")))?;
    let v = if pct { v / 100.0 } else { v };
    if !(0.0..10.0).contains(&v) {
        return Err(Error::Usage(format!("fraction `{s}` out of range")));
    }
    Ok(v)
}

/// Parse a tile size `ROWSxCOLS`.
pub fn parse_tile(s: &str) -> Result<(usize, usize)> {
    let bad = || {
        Error::Usage(format!(
            "bad tile size `{s}` (expected ROWSxCOLS, e.g. 64x64)"
        ))
    };
    let (a, b) = s
        .to_ascii_lowercase()
        .split_once('x')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(bad)?;
    let r: usize = a.trim().parse().map_err(|_| bad())?;
    let c: usize = b.trim().parse().map_err(|_| bad())?;
    if r == 0 || c < 2 {
        return Err(bad());
    }
    Ok((r, c))
}

fn check(cfg: &MapConfig) -> Result<()> {
    let ok = cfg.g_min > 0.0
        && cfg.g_max > cfg.g_min
        && cfg.g_max.is_finite()
        && cfg.variation >= 0.0
        && (0.0..=1.0).contains(&cfg.stuck_on)
        && (0.0..=1.0).contains(&cfg.stuck_off)
        && cfg.stuck_on + cfg.stuck_off <= 1.0
        && cfg.tile_rows >= 1
        && cfg.tile_cols >= 2
        && cfg.levels.is_none_or(|l| l >= 2);
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid crossbar mapping settings: {cfg:?}"
        )))
    }
}

/// Map `weight` (`out` rows of `in` values) onto tiles.
#[allow(clippy::needless_range_loop)]
pub fn map_layer(weight: &[Vec<f64>], cfg: &MapConfig) -> Result<MappedLayer> {
    check(cfg)?;
    let n_out = weight.len();
    let n_in = weight.first().map_or(0, |r| r.len());
    if n_out == 0 || n_in == 0 || weight.iter().any(|r| r.len() != n_in) {
        return Err(Error::Usage(
            "map_layer: empty or ragged weight matrix".into(),
        ));
    }
    if weight.iter().flatten().any(|w| !w.is_finite()) {
        return Err(Error::Usage("map_layer: non-finite weight".into()));
    }
    let w_max = weight.iter().flatten().fold(0.0f64, |m, w| m.max(w.abs()));
    let w_max = if w_max > 0.0 { w_max } else { 1.0 };
    let span = cfg.g_max - cfg.g_min;
    let s = span / w_max;
    let mut rng = StdRng::seed_from_u64(cfg.seed);
    let per_tile = match cfg.scheme {
        Scheme::Differential => cfg.tile_cols / 2,
        Scheme::Offset => cfg.tile_cols - 1,
    };
    let mut tiles = Vec::new();
    for row0 in (0..n_in).step_by(cfg.tile_rows) {
        let rows = cfg.tile_rows.min(n_in - row0);
        for out0 in (0..n_out).step_by(per_tile) {
            let outs = per_tile.min(n_out - out0);
            let mut roles = Vec::new();
            for o in out0..out0 + outs {
                match cfg.scheme {
                    Scheme::Differential => {
                        roles.push(ColRole::Pos(o));
                        roles.push(ColRole::Neg(o));
                    }
                    Scheme::Offset => roles.push(ColRole::Single(o)),
                }
            }
            if cfg.scheme == Scheme::Offset {
                roles.push(ColRole::Ref);
            }
            let mut g = Vec::with_capacity(rows);
            for r in row0..row0 + rows {
                let mut row = Vec::with_capacity(roles.len());
                for role in &roles {
                    let target = match *role {
                        ColRole::Pos(o) => cfg.g_min + s * weight[o][r].max(0.0),
                        ColRole::Neg(o) => cfg.g_min + s * (-weight[o][r]).max(0.0),
                        ColRole::Single(o) => cfg.g_min + s * (weight[o][r] + w_max) / 2.0,
                        ColRole::Ref => cfg.g_min + span / 2.0,
                    };
                    row.push(program(target, cfg, &mut rng));
                }
                g.push(row);
            }
            tiles.push(Tile {
                row0,
                out0,
                outs,
                g,
                roles,
            });
        }
    }
    Ok(MappedLayer {
        n_in,
        n_out,
        s,
        scheme: cfg.scheme,
        tiles,
    })
}

/// Program one cell: quantise, vary, then apply stuck-at faults (one uniform draw and one
/// normal draw per cell, always, so that the stream does not depend on the settings).
fn program(target: f64, cfg: &MapConfig, rng: &mut StdRng) -> f64 {
    let u: f64 = rng.random();
    let z: f64 = rng.sample(StandardNormal);
    let mut g = match cfg.levels {
        Some(l) => quantise(target, cfg.g_min, cfg.g_max, l),
        None => target,
    };
    if cfg.variation > 0.0 {
        g = match cfg.variation_kind {
            VariationKind::Lognormal => g * (cfg.variation * z).exp(),
            VariationKind::Normal => (g * (1.0 + cfg.variation * z)).max(cfg.g_min / 100.0),
        };
    }
    if u < cfg.stuck_on {
        g = cfg.g_max;
    } else if u < cfg.stuck_on + cfg.stuck_off {
        g = cfg.g_min;
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MapConfig {
        MapConfig {
            g_min: 1e-6,
            g_max: 5e-6,
            ..MapConfig::default()
        }
    }

    #[test]
    fn differential_hand_numbers() {
        // w_max = 2, s = 4e-6 / 2 = 2e-6 S per unit weight.
        let m = map_layer(&[vec![1.0, -2.0], vec![0.0, 0.5]], &cfg()).unwrap();
        assert_eq!(m.tiles.len(), 1);
        let t = &m.tiles[0];
        assert_eq!(
            t.roles,
            vec![
                ColRole::Pos(0),
                ColRole::Neg(0),
                ColRole::Pos(1),
                ColRole::Neg(1)
            ]
        );
        let want = [[3e-6, 1e-6, 1e-6, 1e-6], [1e-6, 5e-6, 2e-6, 1e-6]];
        for (r, row) in want.iter().enumerate() {
            for (c, g) in row.iter().enumerate() {
                assert!((t.g[r][c] - g).abs() < 1e-18, "g[{r}][{c}] = {}", t.g[r][c]);
            }
        }
        // Round trip: effective weights equal the weights to rounding (1e-12 relative).
        let w = m.effective_weights();
        assert!((w[0][0] - 1.0).abs() < 1e-9 && (w[0][1] + 2.0).abs() < 1e-9);
        assert!(w[1][0].abs() < 1e-9 && (w[1][1] - 0.5).abs() < 1e-9);
    }

    #[test]
    fn offset_hand_numbers() {
        let c = MapConfig {
            scheme: Scheme::Offset,
            ..cfg()
        };
        // w_max = 1, s = 4e-6: G = 1e-6 + 4e-6 (w + 1) / 2; G_ref = 3e-6.
        let m = map_layer(&[vec![1.0, -1.0, 0.5]], &c).unwrap();
        let t = &m.tiles[0];
        assert_eq!(t.roles, vec![ColRole::Single(0), ColRole::Ref]);
        let want = [[5e-6, 3e-6], [1e-6, 3e-6], [4e-6, 3e-6]];
        for (r, row) in want.iter().enumerate() {
            for (cc, g) in row.iter().enumerate() {
                assert!((t.g[r][cc] - g).abs() < 1e-18);
            }
        }
        let w = m.effective_weights();
        assert!(
            (w[0][0] - 1.0).abs() < 1e-9
                && (w[0][1] + 1.0).abs() < 1e-9
                && (w[0][2] - 0.5).abs() < 1e-9
        );
    }

    #[test]
    fn quantisation_levels() {
        // 5 levels on 1..5 uS: 1, 2, 3, 4, 5 uS. 2.4 -> 2, 2.6 -> 3, 7 -> 5 (clamped).
        assert!((quantise(2.4e-6, 1e-6, 5e-6, 5) - 2e-6).abs() < 1e-18);
        assert!((quantise(2.6e-6, 1e-6, 5e-6, 5) - 3e-6).abs() < 1e-18);
        assert!((quantise(7e-6, 1e-6, 5e-6, 5) - 5e-6).abs() < 1e-18);
        let c = MapConfig {
            levels: Some(2),
            ..cfg()
        };
        // w = 0.4 of w_max 1 -> target 2.6 uS -> nearest of {1, 5} is 1 uS.
        let m = map_layer(&[vec![0.4, 1.0]], &c).unwrap();
        assert!((m.tiles[0].g[0][0] - 1e-6).abs() < 1e-18);
        assert!((m.tiles[0].g[1][0] - 5e-6).abs() < 1e-18);
    }

    #[test]
    fn tiling_and_partial_sums() {
        // 5 inputs x 3 outputs on 2x4 tiles (2 outputs per differential tile): 3 row blocks
        // x 2 output blocks = 6 tiles; combined currents equal W x exactly.
        let w: Vec<Vec<f64>> = (0..3)
            .map(|o| (0..5).map(|i| ((o * 5 + i) as f64 * 0.37).sin()).collect())
            .collect();
        let c = MapConfig {
            tile_rows: 2,
            tile_cols: 4,
            ..cfg()
        };
        let m = map_layer(&w, &c).unwrap();
        assert_eq!(m.tiles.len(), 6);
        assert!(m.tiles.iter().all(|t| t.rows() <= 2 && t.cols() <= 4));
        let x = [1.0, 0.0, 1.0, 1.0, 0.5];
        let cur = m.combine(&m.ideal_column_currents(&x));
        let k = m.current_to_weight(1.0);
        for o in 0..3 {
            let want: f64 = w[o].iter().zip(&x).map(|(a, b)| a * b).sum();
            assert!(
                (cur[o] * k - want).abs() < 1e-9,
                "output {o}: {} vs {want}",
                cur[o] * k
            );
        }
    }

    #[test]
    fn variation_is_seeded_and_sized() {
        let w = vec![vec![0.5; 200]; 50];
        let c = MapConfig {
            variation: 0.1,
            ..cfg()
        };
        let a = map_layer(&w, &c).unwrap();
        let b = map_layer(&w, &c).unwrap();
        assert_eq!(a, b);
        let d = map_layer(
            &w,
            &MapConfig {
                seed: 2,
                ..c.clone()
            },
        )
        .unwrap();
        assert_ne!(a, d);
        // Lognormal sigma 0.1: the std of ln(G / G0) over 10000 positive cells is 0.1 within
        // 5 % (sampling error of a std over 10^4 draws is ~0.7 %).
        let g0 = 1e-6 + 4e-6 * 0.5;
        let logs: Vec<f64> = a
            .tiles
            .iter()
            .flat_map(|t| t.g.iter().flat_map(|r| r.iter().step_by(2)))
            .map(|g| (g / g0).ln())
            .collect();
        let n = logs.len() as f64;
        let mean = logs.iter().sum::<f64>() / n;
        let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!(
            logs.len() >= 1000 && (sd - 0.1).abs() < 0.005,
            "sd {sd} over {n}"
        );
    }

    #[test]
    fn stuck_at_rates() {
        let mut w = vec![vec![0.5; 100]; 100];
        w[0][0] = -1.0; // w_max = 1: positive cells target 3 uS
        let c = MapConfig {
            stuck_on: 0.1,
            stuck_off: 0.2,
            tile_rows: 100,
            tile_cols: 200,
            ..cfg()
        };
        let m = map_layer(&w, &c).unwrap();
        let cells: Vec<f64> = m
            .tiles
            .iter()
            .flat_map(|t| t.g.iter().flatten().copied())
            .collect();
        // Positive cells target 3 uS, negative 1 uS (= g_min): count stuck-on over all 20000
        // cells (binomial sd 0.2 %) and stuck-off over the 10000 positive ones (sd 0.4 %).
        let on = cells.iter().filter(|g| **g == 5e-6).count() as f64 / cells.len() as f64;
        assert!((on - 0.1).abs() < 0.01, "stuck-on rate {on}");
        let pos: Vec<f64> = m
            .tiles
            .iter()
            .flat_map(|t| t.g.iter().flat_map(|r| r.iter().step_by(2).copied()))
            .collect();
        let off = pos.iter().filter(|g| **g == 1e-6).count() as f64 / pos.len() as f64;
        assert!((off - 0.2).abs() < 0.02, "stuck-off rate {off}");
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(map_layer(&[], &cfg()).is_err());
        assert!(map_layer(&[vec![1.0], vec![1.0, 2.0]], &cfg()).is_err());
        assert!(map_layer(&[vec![f64::NAN]], &cfg()).is_err());
        assert!(map_layer(
            &[vec![1.0]],
            &MapConfig {
                g_min: 0.0,
                ..cfg()
            }
        )
        .is_err());
        assert_eq!(parse_tile("128x64").unwrap(), (128, 64));
        assert!(parse_tile("64").is_err() && parse_tile("0x4").is_err());
        assert!((parse_fraction("5%").unwrap() - 0.05).abs() < 1e-15);
        assert!((parse_fraction("0.02").unwrap() - 0.02).abs() < 1e-15);
        assert!(parse_fraction("x").is_err());
    }
}

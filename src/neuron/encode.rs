//! Input encodings of an image into `steps` frames (plain `f32`, shared by the burn layers
//! and the `f64` reference [`super::export::infer_fc`]).

use crate::{Error, Result};
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// How pixel intensities in `[0, 1]` become per-step inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// The intensity itself at every step (a constant input current).
    #[default]
    Direct,
    /// A Bernoulli spike with probability equal to the intensity at each step (seeded).
    Rate,
    /// One spike at step `round((1 - x) (steps - 1))`; pixels below 0.01 never fire.
    Latency,
    /// One spike at step 0 where the intensity rises by more than 0.1 from the blank frame
    /// that precedes the image (static images: a single "on" event).
    Delta,
}

impl Encoding {
    /// By name: `direct`, `rate`, `latency`, `delta`.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "direct" => Ok(Encoding::Direct),
            "rate" => Ok(Encoding::Rate),
            "latency" => Ok(Encoding::Latency),
            "delta" => Ok(Encoding::Delta),
            _ => Err(Error::Usage(format!(
                "unknown encoding `{s}` (expected direct, rate, latency or delta)"
            ))),
        }
    }
    /// The name.
    pub fn name(&self) -> &'static str {
        match self {
            Encoding::Direct => "direct",
            Encoding::Rate => "rate",
            Encoding::Latency => "latency",
            Encoding::Delta => "delta",
        }
    }
}

/// Encode `pixels` (any length, values in `[0, 1]`) into `steps` frames of the same length.
/// `seed` drives the rate code only.
pub fn encode(enc: Encoding, pixels: &[f32], steps: usize, seed: u64) -> Vec<Vec<f32>> {
    match enc {
        Encoding::Direct => vec![pixels.to_vec(); steps],
        Encoding::Rate => {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            (0..steps)
                .map(|_| {
                    pixels
                        .iter()
                        .map(|&p| if rng.random::<f32>() < p { 1.0 } else { 0.0 })
                        .collect()
                })
                .collect()
        }
        Encoding::Latency => {
            let mut out = vec![vec![0.0; pixels.len()]; steps];
            if steps > 0 {
                for (j, &p) in pixels.iter().enumerate() {
                    if p >= 0.01 {
                        let t = ((1.0 - p.min(1.0)) * (steps - 1) as f32).round() as usize;
                        out[t.min(steps - 1)][j] = 1.0;
                    }
                }
            }
            out
        }
        Encoding::Delta => {
            let mut out = vec![vec![0.0; pixels.len()]; steps];
            if steps > 0 {
                for (j, &p) in pixels.iter().enumerate() {
                    if p > 0.1 {
                        out[0][j] = 1.0;
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_by_hand() {
        let px = [0.0, 0.05, 0.5, 1.0];
        assert_eq!(encode(Encoding::Direct, &px, 2, 0), vec![px.to_vec(); 2]);
        // latency, 5 steps: 0.05 -> round(0.95 * 4) = 4; 0.5 -> 2; 1.0 -> 0; 0.0 never
        let l = encode(Encoding::Latency, &px, 5, 0);
        assert_eq!(l[0], vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(l[2], vec![0.0, 0.0, 1.0, 0.0]);
        assert_eq!(l[4], vec![0.0, 1.0, 0.0, 0.0]);
        let d = encode(Encoding::Delta, &px, 3, 0);
        assert_eq!(d[0], vec![0.0, 0.0, 1.0, 1.0]);
        assert_eq!(d[1], vec![0.0; 4]);
        // rate: seeded (same seed, same frames), mean firing ~ intensity over 4000 draws
        let r = encode(Encoding::Rate, &[0.3; 1000], 4, 9);
        assert_eq!(r, encode(Encoding::Rate, &[0.3; 1000], 4, 9));
        let mean: f32 = r.iter().flatten().sum::<f32>() / 4000.0;
        // binomial std sqrt(0.21/4000) = 0.0072: 4 sigma
        assert!((mean - 0.3).abs() < 0.03, "{mean}");
    }
}

//! Batched input encodings as tensors (the per-image math is [`crate::neuron::encode`]).

pub use crate::neuron::encode::Encoding;
use burn::tensor::{Device, Tensor, TensorData};

/// A batch of encoded inputs.
///
/// # Shapes
/// `Direct`: `[batch, features]`, the same at every step (the first layer is applied once).
/// `Steps`: one `[batch, features]` tensor per time step.
#[derive(Debug, Clone)]
// one value per batch, moved rarely: the size of a tensor handle (256 bytes with burn's
// dispatch) is not worth a box
#[allow(clippy::large_enum_variant)]
pub enum Input {
    /// Constant input at every step.
    Direct(Tensor<2>),
    /// One frame per step.
    Steps(Vec<Tensor<2>>),
}

/// Encode a batch of images (`batch * features` intensities in `[0, 1]`) for `steps` steps.
/// `seed` drives the rate code (each image gets `seed + index`).
pub fn encode_batch(
    enc: Encoding,
    pixels: &[f32],
    batch: usize,
    steps: usize,
    seed: u64,
    device: &Device,
) -> Input {
    let features = pixels.len() / batch.max(1);
    if enc == Encoding::Direct {
        return Input::Direct(Tensor::from_data(
            TensorData::new(pixels.to_vec(), [batch, features]),
            device,
        ));
    }
    let mut frames = vec![Vec::with_capacity(pixels.len()); steps];
    for b in 0..batch {
        let img = &pixels[b * features..(b + 1) * features];
        let enc_img = crate::neuron::encode::encode(enc, img, steps, seed.wrapping_add(b as u64));
        for (f, e) in frames.iter_mut().zip(enc_img) {
            f.extend_from_slice(&e);
        }
    }
    Input::Steps(
        frames
            .into_iter()
            .map(|f| Tensor::from_data(TensorData::new(f, [batch, features]), device))
            .collect(),
    )
}

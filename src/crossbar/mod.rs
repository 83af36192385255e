//! Crossbar SNN blocks: map a trained layer (the network layer's export) onto resistive /
//! MTJ crossbar tiles ([`map`]), write the tiles as SPICE netlists ([`netgen`]), and
//! validate the mapped layer at circuit level against the network's own inference
//! ([`validate`], CLI in [`cli`]).

pub mod block;
pub mod coupled;
pub mod map;
pub mod netgen;
pub mod neuron_ckt;
pub mod split;
pub mod sweep;
pub mod validate;

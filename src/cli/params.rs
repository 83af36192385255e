//! `spinspice params NAME`: the parameters of a device, model card or micromagnetic effect.

use super::args::ParamsArgs;
use spinspice::devices::registry::{describe, known_names};
use spinspice::Error;

/// Print the parameter table of `a.name`, or name the known ones.
pub fn run(a: &ParamsArgs) -> spinspice::Result<()> {
    match describe(&a.name) {
        Some(s) => {
            print!("{s}");
            Ok(())
        }
        None => Err(Error::Usage(format!(
            "no device or model type `{}`; known: {}",
            a.name,
            known_names().join(", ")
        ))),
    }
}

//! `spinspice check FILE [--param NAME=VALUE ...]`: parse and elaborate, print a summary.

use super::args::CheckArgs;
use spinspice::elab::{elaborate, parse_override, summary};
use spinspice::Result;

/// Run `spinspice check`.
pub fn run(args: &CheckArgs) -> Result<()> {
    let overrides = args
        .params
        .iter()
        .map(|p| parse_override(p))
        .collect::<Result<Vec<_>>>()?;
    let ast = spinspice::netlist::parse_file(&args.file)?;
    let flat = elaborate(&ast, &overrides)?;
    for w in &flat.warnings {
        eprintln!("{w}");
    }
    print!("{}", summary(&flat));
    Ok(())
}

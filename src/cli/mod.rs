//! The command line, the one front door: clap arguments ([`args`]), one file per
//! subcommand that turns them into library calls and prints the results, and the stderr
//! renderer of progress events ([`progress`]). The library itself never prints.

pub mod args;
mod check;
mod crossbar;
mod fit;
mod mag;
pub mod ngspice;
mod params;
mod progress;
mod run;
#[cfg(feature = "snn")]
mod train;

use args::Command;

/// Run one parsed command line.
pub fn dispatch(cli: &args::Cli) -> spinspice::Result<()> {
    match &cli.command {
        Command::Check(a) => check::run(a),
        Command::Params(a) => params::run(a),
        Command::Run(a) => run::run(a),
        Command::Mag(a) => mag::run(a),
        Command::Fit(a) => fit::fit(a),
        Command::Data(a) => fit::data(a),
        #[cfg(feature = "snn")]
        Command::Train(a) => train::train(a),
        #[cfg(feature = "snn")]
        Command::Eval(a) => train::eval(a),
        #[cfg(not(feature = "snn"))]
        Command::Train(_) | Command::Eval(_) => Err(spinspice::Error::Usage(
            "this build has no spiking-network layer (rebuild with the `snn` feature)".into(),
        )),
        Command::Crossbar(a) => crossbar::run(a),
    }
}

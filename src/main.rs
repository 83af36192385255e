use clap::Parser;
use spinspice::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let result: spinspice::Result<()> = match &cli.command {
        Command::Check(a) => spinspice::elab::cli::run(a),
        Command::Params(a) => spinspice::devices::registry::params_cli(a),
        Command::Run(a) => spinspice::circuit::cli::run(a),
        Command::Mag(a) => spinspice::micromag::cli::run(a),
        Command::Fit(a) => spinspice::neuron::cli::fit(a),
        Command::Data(a) => spinspice::neuron::cli::data(a),
        #[cfg(feature = "snn")]
        Command::Train(a) => spinspice::snn::cli::train(a),
        #[cfg(feature = "snn")]
        Command::Eval(a) => spinspice::snn::cli::eval(a),
        #[cfg(not(feature = "snn"))]
        Command::Train(_) | Command::Eval(_) => Err(spinspice::Error::Usage(
            "this build has no spiking-network layer (rebuild with the `snn` feature)".into(),
        )),
        Command::Crossbar(_) => Err(spinspice::Error::Usage(
            "this subcommand is not implemented yet".into(),
        )),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(e.exit_code());
    }
}

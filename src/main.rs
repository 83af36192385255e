use clap::Parser;
use spinspice::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let result: spinspice::Result<()> = match &cli.command {
        Command::Check(a) => spinspice::elab::cli::run(a),
        Command::Params(a) => spinspice::devices::registry::params_cli(a),
        Command::Fit(a) => spinspice::neuron::cli::fit(a),
        Command::Data(a) => spinspice::neuron::cli::data(a),
        Command::Crossbar(a) => spinspice::crossbar::cli::run(a),
        Command::Run(_) | Command::Mag(_) | Command::Train(_) | Command::Eval(_) => Err(
            spinspice::Error::Usage("this subcommand is not implemented yet".into()),
        ),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(e.exit_code());
    }
}

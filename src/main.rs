//! The `spinspice` binary: parse the command line, run it, print the error and exit with
//! its code.

mod cli;

use clap::Parser;

fn main() {
    let cli = cli::args::Cli::parse();
    if let Err(e) = cli::dispatch(&cli) {
        eprintln!("{e}");
        std::process::exit(e.exit_code());
    }
}

//! The `spinspice` binary: parse the command line, run it, print the error and exit with
//! its code. A command line written for `ngspice -b` (`spinspice -b -r x.raw x.cir`) runs
//! as ngspice's batch mode would ([`cli::ngspice`]).

mod cli;

use clap::Parser;

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if cli::ngspice::wants(&args) {
        std::process::exit(cli::ngspice::main(args));
    }
    let cli = cli::args::Cli::parse_from(args);
    if let Err(e) = cli::dispatch(&cli) {
        eprintln!("{e}");
        std::process::exit(e.exit_code());
    }
}

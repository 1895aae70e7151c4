//! The `xxgk` command line: argument parsing and exit codes only; the work is
//! done by the library.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xxgk: error: {err:#}");
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}

//! `xxgk columns`: the wide CSV's columns with the template's Chinese labels.

use std::path::PathBuf;
use std::process::ExitCode;

use xxgk::export::{self, Output};

/// List every column of the wide CSV with its Chinese label.
///
/// Prints CSV, one line per column of `--format csv` (reports.csv), in its
/// order: `column` (the key; for a cell, also the tidy CSV's
/// table.row.column), `label_zh` (the template's wording, headings joined by
/// `.`; the header `--labels zh` writes), `templates` (2021, 2019 or both;
/// empty for the record columns) and `type` (integer, decimal or text).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
xxgk columns                    # CSV on standard output\n  \
xxgk columns -o columns.csv     # to a file, for joining to cells.csv\n  \
xxgk columns | grep 不予公开     # the rows of （三）不予公开")]
pub struct Args {
    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    Output::from_arg(args.output.as_deref()).write_with(|w| export::write_columns(w))?;
    Ok(ExitCode::SUCCESS)
}

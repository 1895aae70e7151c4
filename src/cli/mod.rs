//! Subcommands, one file each: usage text at the top, one `run` function.

mod columns;
mod crawl;
mod discover;
mod export;
mod extract;
mod review;
mod summary;

use std::io::{self, Read};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use clap::{Parser, Subcommand};

/// Exit code when an input could not be read or output could not be written.
pub const EXIT_FAILURE: u8 = 2;
/// Exit code when every input was read but some are not reports.
pub const EXIT_NOT_ALL_REPORTS: u8 = 1;

#[derive(Debug, Parser)]
#[command(
    name = "xxgk",
    version,
    about = "Turn 政府信息公开工作年度报告 pages into clean, checked data",
    long_about = "xxgk reads Chinese government information-disclosure annual reports \
(政府信息公开工作年度报告) — saved HTML pages, PDF or Word files, text dumps or crawled URLs — and turns the \
three statistical tables of the national template into typed, checked data.\n\n\
Every table cell is found by its row and column labels, never by counting numbers in \
order; a cell that cannot be placed with certainty is null with a warning. The template's \
arithmetic (勾稽关系) is checked and every failing check names its cells.",
    after_help = "Examples:\n  \
xxgk extract samples/seed-shaodong-2023.txt\n  \
xxgk extract --format csv-long samples/*.html > cells.csv\n  \
xxgk export results.jsonl --excel -o reports.csv\n  \
xxgk crawl columns.txt -o reports.jsonl   # column pages → their reports\n  \
xxgk discover COLUMN_URL -o reports.tsv   # list reports, fetch none\n  \
xxgk review reports.jsonl -o review.html  # check them by eye\n  \
curl -s URL | xxgk extract - --name URL\n\n\
Exit codes: 0 all inputs are reports; 1 some input is not a report;\n\
2 an input or output failed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Extract(extract::Args),
    Export(export::Args),
    Crawl(crawl::Args),
    Discover(discover::Args),
    Columns(columns::Args),
    Review(review::Args),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Export(args) => export::run(args),
        Command::Crawl(args) => crawl::run(args),
        Command::Discover(args) => discover::run(args),
        Command::Columns(args) => columns::run(args),
        Command::Review(args) => review::run(args),
    }
}

/// Reads saved records from a file, or from standard input for `-`.
fn read_records(path: &Path) -> anyhow::Result<Vec<xxgk::Report>> {
    if path.as_os_str() != "-" {
        return Ok(xxgk::export::read_records(path)?);
    }
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .context("<stdin>: cannot read records (they must be UTF-8 JSON Lines)")?;
    Ok(xxgk::export::read_records_from(
        &text,
        Path::new("<stdin>"),
    )?)
}

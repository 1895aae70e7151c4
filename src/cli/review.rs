//! `xxgk review RESULTS.jsonl... -o review.html`: saved records → one HTML page
//! to check the reports by eye.

use std::path::PathBuf;
use std::process::ExitCode;

use xxgk::Status;
use xxgk::check::carry_chain;
use xxgk::export::Output;
use xxgk::review::{EAGER_LIMIT, write_page};

use super::export::report_carry_chain;

/// Write one self-contained HTML page to check saved records by eye.
///
/// Reads the records of `extract` or `crawl` (JSON Lines, or pretty JSON), runs
/// the cross-year carry_chain check over them as `export` does, and writes a
/// page with its CSS and script inline that loads nothing from the network:
/// open it from disk in any current browser.
///
/// At the top: counts by status and one row per report (agency, year,
/// template, status, failed and unassessed checks, warnings, recovered cells,
/// source), sortable by every column and filterable by status, by "failing
/// checks only" and by text in the agency name. Below: each report with its
/// three tables laid out like the national template, with its labels; null
/// cells are marked "null", recovered cells are marked, and cells of a failing
/// check are highlighted and show the check on hover or keyboard focus. Its
/// failed checks, warnings, carry_chain result and, for not_a_report and error
/// records, the reason are listed.
///
/// Up to 200 reports, every report's tables are drawn when the page loads;
/// above that, a report's tables are drawn when it is opened.
///
/// `-o FILE` writes a temporary file beside FILE and renames it into place when
/// complete; `-o -` writes to standard output.
#[derive(Debug, clap::Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Examples:\n  \
xxgk extract saved/*.html --format jsonl -o results.jsonl\n  \
xxgk review results.jsonl -o review.html\n  \
xxgk crawl urls.txt -o crawl.jsonl && xxgk review crawl.jsonl -o crawl.html\n\n\
Exit codes: 0 written; 2 an input could not be read or the page could not be written\n\
(nothing is written then)."
)]
pub struct Args {
    /// Files of saved records (JSONL or JSON); `-` for standard input.
    #[arg(required = true, value_name = "RESULTS")]
    inputs: Vec<PathBuf>,

    /// Write the page to FILE (atomically); `-` is standard output.
    #[arg(long, short, value_name = "FILE", required = true)]
    output: PathBuf,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let output = Output::from_arg(Some(&args.output));
    let mut reports = Vec::new();
    for input in &args.inputs {
        reports.extend(super::read_records(input)?);
    }
    if reports.is_empty() {
        eprintln!("xxgk: warning: no records in the input; the page will be empty");
    }
    let links = carry_chain(&mut reports);
    let inputs: Vec<String> = args
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    output.write_with(|w| write_page(w, &reports, &inputs))?;
    report_carry_chain(&links);
    let count = |status: Status| reports.iter().filter(|r| r.status == status).count();
    let drawn = if reports.len() <= EAGER_LIMIT {
        "tables drawn on load"
    } else {
        "tables drawn when a report is opened"
    };
    eprintln!(
        "xxgk review: {} reports ({} complete, {} partial, {} not_a_report, {} error; {drawn}) → {}",
        reports.len(),
        count(Status::Complete),
        count(Status::Partial),
        count(Status::NotAReport),
        count(Status::Error),
        output.name(),
    );
    Ok(ExitCode::SUCCESS)
}

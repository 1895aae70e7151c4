//! `xxgk extract FILE...`: saved pages and text dumps → records.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use xxgk::export::{self, Format};
use xxgk::{Error, Report, Source, Status};

use super::{EXIT_FAILURE, EXIT_NOT_ALL_REPORTS};

/// Extract the report tables of saved pages or text dumps.
///
/// Each FILE is an HTML page (any encoding: UTF-8, GBK, GB18030 …) or a plain-text dump of
/// one (a browser's "save as text", a copy-paste, a Markdown export). `-` reads standard input.
/// One record is written per input, even for inputs that are not reports or cannot be read.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
xxgk extract samples/seed-shaodong-2023.txt                 # one pretty JSON record\n  \
xxgk extract samples/*.html --format jsonl > reports.jsonl  # one record per line\n  \
xxgk extract page.html --format csv-long                    # report,agency,year,table,row,column,value")]
pub struct Args {
    /// Report files to read; `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Output format. Default: json for one file, jsonl for several.
    #[arg(long, short, value_enum)]
    format: Option<OutputFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// One pretty-printed JSON object per report.
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
    /// Tidy CSV, one line per cell: report,agency,year,table,row,column,value.
    CsvLong,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut reports = Vec::with_capacity(args.files.len());
    let mut failed = false;
    for path in &args.files {
        let report = match read_one(path) {
            Ok(report) => report,
            Err(err) => {
                eprintln!("xxgk: error: {err}");
                failed = true;
                Report::error(
                    Source {
                        path: Some(path.display().to_string()),
                        ..Source::default()
                    },
                    &err,
                )
            }
        };
        if report.status == Status::NotAReport {
            eprintln!(
                "xxgk: {}: not a report: {}",
                report.source.name(),
                report.reason.as_deref().unwrap_or("")
            );
        }
        reports.push(report);
    }
    let format = match args.format {
        Some(OutputFormat::Json) => Format::Json,
        Some(OutputFormat::Jsonl) => Format::Jsonl,
        Some(OutputFormat::CsvLong) => Format::CsvLong,
        None if reports.len() == 1 => Format::Json,
        None => Format::Jsonl,
    };
    let stdout = io::stdout().lock();
    let mut out = io::BufWriter::new(stdout);
    export::write_reports(&mut out, &reports, format).context("cannot write to standard output")?;
    out.flush().context("cannot write to standard output")?;

    let all_reports = reports
        .iter()
        .all(|r| matches!(r.status, Status::Complete | Status::Partial));
    Ok(if failed {
        ExitCode::from(EXIT_FAILURE)
    } else if !all_reports {
        ExitCode::from(EXIT_NOT_ALL_REPORTS)
    } else {
        ExitCode::SUCCESS
    })
}

fn read_one(path: &Path) -> Result<Report, Error> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::reading("<stdin>", e))?;
        let source = Source {
            path: Some("-".to_string()),
            ..Source::default()
        };
        return Ok(xxgk::extract_bytes(&bytes, source, None));
    }
    xxgk::extract_file(path)
}

//! `xxgk extract FILE...`: saved pages, text dumps and report files → records.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use url::Url;
use xxgk::export::{Format, Options};
use xxgk::{Error, Report, Source, Status};

use super::export::{Destination, HeaderLabels, OutputFormat, report_carry_chain};
use super::summary::Summary;
use super::{EXIT_FAILURE, EXIT_NOT_ALL_REPORTS};

/// Extract the report tables of saved pages, text dumps, PDF and DOCX files.
///
/// Each FILE is an HTML page (any encoding: UTF-8, GBK, GB18030 …), a plain-text dump of
/// one (a browser's "save as text", a copy-paste, a Markdown export), or the report as a PDF
/// (with a text layer) or DOCX file; the kind is told from the content, not the file name.
/// `-` reads standard input.
/// One record is written per input, even for inputs that are not reports or cannot be read.
/// At the end a summary on stderr counts the records by status and names the inputs that are
/// not reports, have failed checks or were read only in part.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
xxgk extract report.html                  # one record, pretty JSON\n  \
xxgk extract report.pdf report.docx       # report files, one record each\n  \
xxgk extract saved/*.html -o all.jsonl    # one record per line\n  \
xxgk extract page.html -f csv-long        # one line per cell\n  \
xxgk extract saved/*.html -f csv -o w.csv # one line per report\n  \
curl -s URL | xxgk extract - --name URL   # standard input\n\n\
URLs: extract reads saved files; `xxgk crawl` fetches pages.\n\n\
Exit codes: 0 all inputs are reports; 1 some input is not a report;\n\
2 an input could not be read or the output failed.")]
pub struct Args {
    /// Report files to read; `-` for standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Output format. Default: json for one file, jsonl for several.
    #[arg(long, short, value_enum)]
    format: Option<OutputFormat>,

    /// Write to FILE (atomically: a temporary file renamed into place) instead
    /// of standard output; `-` is standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Excel-friendly CSV: UTF-8 byte-order mark and formula-injection guard
    /// (see `xxgk export --help`).
    #[arg(long)]
    excel: bool,

    /// Header of the wide CSV: the keys, or the template's Chinese labels
    /// (`xxgk columns` lists both).
    #[arg(long, value_enum, default_value = "keys")]
    labels: HeaderLabels,

    /// What standard input (`-`) is called in its record: a URL goes to
    /// source.url, anything else to source.path.
    #[arg(long, value_name = "URL_OR_LABEL")]
    name: Option<String>,

    /// No summary and no carry_chain account on stderr (errors are still printed).
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = match args.format {
        Some(format) => format.into(),
        None if args.files.len() == 1 => Format::Json,
        None => Format::Jsonl,
    };
    let reads_stdin = args.files.iter().any(|f| f.as_os_str() == "-");
    if args.name.is_some() && !reads_stdin {
        bail!("--name names standard input: give `-` among the files");
    }
    let options = Options {
        excel: args.excel,
        labels: args.labels.into(),
    };
    let destination = Destination::new(format, args.output.as_deref(), options, None)?;
    let mut reports = Vec::with_capacity(args.files.len());
    let mut failed = false;
    for path in &args.files {
        let report = match read_one(path, args.name.as_deref()) {
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
        reports.push(report);
    }
    let links = destination.write(&mut reports)?;
    if !args.quiet {
        if !links.is_empty() {
            report_carry_chain(&links);
        }
        let summary = Summary {
            command: "extract",
            reports: &reports,
        };
        eprint!("{summary}");
    }

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

/// Reads one input; `name` is what standard input is called in its record.
fn read_one(path: &Path, name: Option<&str>) -> Result<Report, Error> {
    if path.as_os_str() != "-" {
        return xxgk::extract_file(path);
    }
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::reading("<stdin>", e))?;
    let name = name.unwrap_or("-").to_string();
    let is_url = Url::parse(&name).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    let source = if is_url {
        Source {
            url: Some(name),
            ..Source::default()
        }
    } else {
        Source {
            path: Some(name),
            ..Source::default()
        }
    };
    Ok(xxgk::extract_bytes(&bytes, source, None))
}

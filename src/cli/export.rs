//! `xxgk export RESULTS.jsonl...`: saved records → JSON, JSONL or CSV, without
//! re-extracting. Also home of the output step `extract` shares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::bail;
use clap::ValueEnum;
use xxgk::Report;
use xxgk::check::{CarryLink, carry_chain};
use xxgk::export::{self, Format, Labels, Options, Output};

/// Convert saved records (from `extract` or `crawl`) into a dataset.
///
/// Reads JSON Lines (or pretty JSON: one record or an array), runs the
/// cross-year `carry_chain` check over all records together, and writes them in
/// one layout:
///
///   csv       wide: one line per report, one column per cell `table.row.column`
///             (e.g. applications.new_received.natural_person), after the
///             record columns report, source.*, meta.*, status, reason,
///             checks.failed, checks.failed_ids, checks.unassessed, warnings.
///             The columns are fixed: template-2019 and 2021 reports share the
///             union of both templates' cells, always in the same order
///             (README, "Export"), empty where a report has no such cell.
///
///   csv-long  tidy: one line per cell, report,agency,year,table,row,column,value
///
///   jsonl     one record per line; json: pretty JSON
///
/// Numbers are written with the digits of the page: 9750.26 stays 9750.26, and
/// an empty CSV field is null (not reported), never 0.
///
/// Cross-year check: when the records hold the same agency (names compared
/// ignoring spaces and full-width forms) in consecutive years, this year's
/// applications.carried_over.<column> must equal last year's
/// applications.carried_forward.<column>. Each comparison is added as check
/// carry_chain.<column> to both records (so it shows in checks.failed_ids and
/// --checks), and a summary naming every pair that disagrees goes to stderr.
///
/// `-o FILE` writes a temporary file beside FILE and renames it into place when
/// complete, so a failed export never leaves half a file or loses the previous
/// one. Without `-o` (or with `-o -`) the output goes to standard output.
#[derive(Debug, clap::Args)]
#[command(
    verbatim_doc_comment,
    after_help = "Examples:\n  \
xxgk export results.jsonl -o reports.csv          # wide CSV, pandas / R\n  \
xxgk export results.jsonl --excel -o reports.csv  # the same, for Excel\n  \
xxgk export a.jsonl b.jsonl -f csv-long -o cells.csv --checks checks.csv\n  \
xxgk extract saved/*.html -f jsonl | xxgk export - -f csv\n\n\
Empty cells are null, never 0. For integer columns in pandas or R, read\n\
with the types `xxgk columns` lists (README, \"Reading the CSVs\").\n\n\
Exit codes: 0 written; 2 an input could not be read or the output could not be written\n\
(nothing is written then)."
)]
pub struct Args {
    /// Files of saved records (JSONL or JSON); `-` for standard input.
    #[arg(required = true, value_name = "RESULTS")]
    inputs: Vec<PathBuf>,

    /// Output layout.
    #[arg(long, short, value_enum, default_value = "csv")]
    format: OutputFormat,

    /// Write to FILE (atomically) instead of standard output; `-` is standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Excel-friendly CSV: a UTF-8 byte-order mark, so Excel shows the Chinese
    /// text correctly, and text cells that start with = + - @ (or a tab or
    /// carriage return) prefixed with ' so they cannot run as formulas.
    /// Numbers are never touched: a change of -1 stays the number -1.
    #[arg(long)]
    excel: bool,

    /// Also write every check as CSV to FILE: report,check,ok,detail
    /// (ok is true, false, or empty when the check could not be assessed).
    #[arg(long, value_name = "FILE")]
    checks: Option<PathBuf>,

    /// Header of the wide CSV: the keys, or the template's Chinese labels
    /// (`xxgk columns` lists both).
    #[arg(long, value_enum, default_value = "keys")]
    labels: HeaderLabels,
}

/// The header a wide CSV can have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum HeaderLabels {
    /// The keys: applications.new_received.natural_person.
    #[default]
    Keys,
    /// The template's Chinese labels: 三.一、本年新收政府信息公开申请数量.自然人.
    Zh,
}

impl From<HeaderLabels> for Labels {
    fn from(l: HeaderLabels) -> Labels {
        match l {
            HeaderLabels::Keys => Labels::Keys,
            HeaderLabels::Zh => Labels::Chinese,
        }
    }
}

/// The output layouts a user can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One pretty-printed JSON object per report (an array for several).
    Json,
    /// JSON Lines: one record per line.
    Jsonl,
    /// Wide CSV: one line per report, one column per cell (table.row.column).
    Csv,
    /// Tidy CSV, one line per cell: report,agency,year,table,row,column,value.
    CsvLong,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Json => Format::Json,
            OutputFormat::Jsonl => Format::Jsonl,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::CsvLong => Format::CsvLong,
        }
    }
}

/// Where and how the records go: the output step of every subcommand.
pub struct Destination {
    pub format: Format,
    pub output: Output,
    pub options: Options,
    /// Where the checks CSV goes, if asked for.
    pub checks: Option<Output>,
}

impl Destination {
    pub fn new(
        format: Format,
        output: Option<&Path>,
        options: Options,
        checks: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let output = Output::from_arg(output);
        let checks = checks.map(|p| Output::from_arg(Some(p)));
        if options.excel && !format.is_csv() {
            bail!("--excel applies to the CSV formats (csv, csv-long), not to JSON");
        }
        if options.labels != Labels::Keys && format != Format::Csv {
            bail!(
                "--labels names the columns of the wide CSV (--format csv); \
                 for the other formats, `xxgk columns` maps each key to its label"
            );
        }
        if output == Output::Stdout && checks == Some(Output::Stdout) {
            bail!(
                "the records and --checks cannot both go to standard output; give -o FILE or --checks FILE"
            );
        }
        Ok(Destination {
            format,
            output,
            options,
            checks,
        })
    }

    /// Runs the cross-year check over all `reports`, then writes them. Returns
    /// the check's pairs for [`report_carry_chain`].
    pub fn write(&self, reports: &mut [Report]) -> anyhow::Result<Vec<CarryLink>> {
        let links = carry_chain(reports);
        self.output
            .write_with(|w| export::write_reports_with(w, reports, self.format, &self.options))?;
        if let Some(checks) = &self.checks {
            checks.write_with(|w| export::write_checks(w, reports, &self.options))?;
        }
        Ok(links)
    }
}

/// The `carry_chain` summary on stderr: every failing pair, then the count.
/// Called only when some agency appears in two consecutive years.
pub fn report_carry_chain(links: &[CarryLink]) {
    let failed: Vec<_> = links.iter().filter(|l| !l.failed.is_empty()).collect();
    for link in &failed {
        eprintln!("xxgk: carry_chain: {link}");
    }
    let agree = links
        .iter()
        .filter(|l| l.failed.is_empty() && l.unassessed.is_empty())
        .count();
    let mut summary = format!(
        "xxgk: carry_chain: {} pair(s) of consecutive years compared, {agree} agree, {} disagree",
        links.len(),
        failed.len()
    );
    let incomplete = links.len() - agree - failed.len();
    if incomplete > 0 {
        summary.push_str(&format!(
            ", {incomplete} with cells that could not be compared"
        ));
    }
    eprintln!("{summary}");
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let options = Options {
        excel: args.excel,
        labels: args.labels.into(),
    };
    let destination = Destination::new(
        args.format.into(),
        args.output.as_deref(),
        options,
        args.checks.as_deref(),
    )?;
    let mut reports = Vec::new();
    for input in &args.inputs {
        reports.extend(super::read_records(input)?);
    }
    if reports.is_empty() {
        eprintln!("xxgk: warning: no records in the input; writing an empty dataset");
    }
    let links = destination.write(&mut reports)?;
    // Only when it has something to say: most exports hold one year per agency.
    if !links.is_empty() {
        report_carry_chain(&links);
    }
    Ok(ExitCode::SUCCESS)
}

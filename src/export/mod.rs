//! Reports → output formats (SPEC §7): pretty JSON, JSON Lines, wide CSV and
//! tidy CSV, plus the checks as CSV. One module serves `extract`, `crawl` and
//! `export`, so every command writes the same layouts.

mod atomic;
mod long;
mod read;
mod wide;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::model::Report;

pub use atomic::Output;
pub use long::{CHECKS_HEADER, CSV_LONG_HEADER};
pub use read::{read_records, read_records_from};
pub use wide::{
    Column, ID_SEPARATOR, Labels, RECORD_COLUMNS, cell_columns, columns, write_columns,
};

/// An output layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One pretty-printed JSON object (one report), or a JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Wide CSV: one line per report, one column per cell.
    Csv,
    /// Tidy CSV: one line per cell.
    CsvLong,
}

impl Format {
    pub fn is_csv(self) -> bool {
        matches!(self, Format::Csv | Format::CsvLong)
    }
}

/// How CSV output is shaped for its reader.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Excel-friendly CSV: a UTF-8 byte-order mark (so Excel reads the Chinese
    /// text as UTF-8) and text cells guarded against formula injection.
    pub excel: bool,
    /// The wide CSV's header: keys or the template's Chinese labels.
    pub labels: Labels,
}

/// The UTF-8 byte-order mark Excel needs to recognise UTF-8.
pub const BOM: &str = "\u{FEFF}";

/// Writes `reports` in `format` with default options.
pub fn write_reports<W: Write>(out: W, reports: &[Report], format: Format) -> io::Result<()> {
    write_reports_with(out, reports, format, &Options::default())
}

/// Writes `reports` in `format`; `options` shape the CSV layouts.
pub fn write_reports_with<W: Write>(
    mut out: W,
    reports: &[Report],
    format: Format,
    options: &Options,
) -> io::Result<()> {
    if options.excel && format.is_csv() {
        out.write_all(BOM.as_bytes())?;
    }
    match format {
        Format::Json => write_json(out, reports),
        Format::Jsonl => write_jsonl(out, reports),
        Format::Csv => wide::write(out, reports, options),
        Format::CsvLong => long::write_cells(out, reports, options),
    }
}

/// Writes every check of every report as CSV: `report,check,ok,detail`.
pub fn write_checks<W: Write>(mut out: W, reports: &[Report], options: &Options) -> io::Result<()> {
    if options.excel {
        out.write_all(BOM.as_bytes())?;
    }
    long::write_checks(out, reports, options)
}

fn write_json<W: Write>(mut out: W, reports: &[Report]) -> io::Result<()> {
    match reports {
        [one] => serde_json::to_writer_pretty(&mut out, one)?,
        many => serde_json::to_writer_pretty(&mut out, many)?,
    }
    writeln!(out)
}

fn write_jsonl<W: Write>(mut out: W, reports: &[Report]) -> io::Result<()> {
    for report in reports {
        serde_json::to_writer(&mut out, report)?;
        writeln!(out)?;
    }
    Ok(())
}

/// A CSV writer's error as the I/O error it wraps (so a closed pipe stays
/// `BrokenPipe`), or as an I/O error carrying it.
fn io_error(e: csv::Error) -> io::Error {
    if !e.is_io_error() {
        return io::Error::other(e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// A text cell as written to CSV. With `excel`, text that a spreadsheet would
/// run as a formula (leading `=`, `+`, `-`, `@`, tab or carriage return) gets a
/// leading `'`, so it shows as text. Numbers never pass through here: a
/// `change` of `-1` stays the number -1.
fn text_cell<'a>(text: &'a str, options: &Options) -> Cow<'a, str> {
    let dangerous = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if options.excel && dangerous {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_guards_formula_text_only() {
        let excel = Options {
            excel: true,
            ..Options::default()
        };
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx"] {
            assert_eq!(text_cell(bad, &excel), format!("'{bad}"));
            assert_eq!(text_cell(bad, &Options::default()), bad);
        }
        for fine in ["邵东市人民政府", "", "a=b", "samples/x.html"] {
            assert_eq!(text_cell(fine, &excel), fine);
        }
    }
}

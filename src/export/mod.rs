//! Reports → output formats (SPEC §7): pretty JSON, JSON Lines, tidy CSV.

use std::io::{self, Write};

use crate::model::Report;

/// An output layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One pretty-printed JSON object (one report), or a JSON array.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Tidy CSV: one line per cell.
    CsvLong,
}

/// Header of the tidy CSV.
pub const CSV_LONG_HEADER: [&str; 7] = [
    "report", "agency", "year", "table", "row", "column", "value",
];

/// Writes `reports` in `format`.
pub fn write_reports<W: Write>(out: W, reports: &[Report], format: Format) -> io::Result<()> {
    match format {
        Format::Json => write_json(out, reports),
        Format::Jsonl => write_jsonl(out, reports),
        Format::CsvLong => write_csv_long(out, reports),
    }
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

fn write_csv_long<W: Write>(out: W, reports: &[Report]) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_LONG_HEADER)?;
    for report in reports {
        let name = report.source.name();
        let agency = report.meta.agency.as_deref().unwrap_or("");
        let year = report.meta.year.map(|y| y.to_string()).unwrap_or_default();
        for (table, row, column, value) in report.cells() {
            let value = value.map(|v| v.to_string()).unwrap_or_default();
            w.write_record([name, agency, &year, table, row, column, &value])?;
        }
    }
    w.flush()
}

//! Tidy CSV: one line per cell, and the checks one line per check.

use std::io::{self, Write};

use crate::model::Report;

use super::{Options, io_error, text_cell};

/// Header of the tidy CSV.
pub const CSV_LONG_HEADER: [&str; 7] = [
    "report", "agency", "year", "table", "row", "column", "value",
];

/// Header of the checks CSV.
pub const CHECKS_HEADER: [&str; 4] = ["report", "check", "ok", "detail"];

/// One line per numeric cell (`Report::cells`); an empty `value` is null.
pub fn write_cells<W: Write>(out: W, reports: &[Report], options: &Options) -> io::Result<()> {
    cells(out, reports, options).map_err(io_error)
}

fn cells<W: Write>(out: W, reports: &[Report], options: &Options) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_LONG_HEADER)?;
    for report in reports {
        let name = text_cell(report.source.name(), options);
        let agency = text_cell(report.meta.agency.as_deref().unwrap_or(""), options);
        let year = report.meta.year.map(|y| y.to_string()).unwrap_or_default();
        for (table, row, column, value) in report.cells() {
            let value = value.map(|v| v.as_str()).unwrap_or("");
            w.write_record([&*name, &*agency, &year, table, row, column, value])?;
        }
    }
    Ok(w.flush()?)
}

/// One line per check; `ok` is `true`, `false` or empty when unassessable.
pub fn write_checks<W: Write>(out: W, reports: &[Report], options: &Options) -> io::Result<()> {
    checks(out, reports, options).map_err(io_error)
}

fn checks<W: Write>(out: W, reports: &[Report], options: &Options) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CHECKS_HEADER)?;
    for report in reports {
        let name = text_cell(report.source.name(), options);
        for check in &report.checks {
            let ok = match check.ok {
                Some(true) => "true",
                Some(false) => "false",
                None => "",
            };
            let detail = text_cell(&check.detail, options);
            w.write_record([&*name, &check.id, ok, &*detail])?;
        }
    }
    Ok(w.flush()?)
}

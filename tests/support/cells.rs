//! A report's cells and a `table,row,column,value` file in one comparable
//! shape, for the tests that check samples cell by cell.

use std::collections::BTreeMap;

use xxgk::Report;

/// `(table, row, column)` → value; a null cell is `""`.
pub type Cells = BTreeMap<(String, String, String), String>;

/// Reads a `table,row,column,value` file (empty value = null on the page).
pub fn read_cells(path: &str) -> Cells {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{path}: {e}"));
            ((r[0].into(), r[1].into(), r[2].into()), r[3].into())
        })
        .collect()
}

/// Every cell of a report.
pub fn cells(report: &Report) -> Cells {
    report
        .cells()
        .map(|(t, r, c, v)| {
            let v = v.map(|n| n.to_string()).unwrap_or_default();
            ((t.into(), r.into(), c.into()), v)
        })
        .collect()
}

/// The ids of the checks that fail.
#[allow(dead_code)] // not every test binary looks at checks
pub fn failed_checks(report: &Report) -> Vec<&str> {
    report
        .checks
        .iter()
        .filter(|c| c.ok == Some(false))
        .map(|c| c.id.as_str())
        .collect()
}

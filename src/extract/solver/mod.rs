//! The arithmetic solver: reads table cells from copies that lost their cell
//! boundaries (glued digits) or their blank cells (one value per line with
//! the empty cells gone), deciding by the template's own sums.
//!
//! Rows reach it from two readers: [`runs`] finds row labels and their runs
//! in glued text, and the ordinary table readers defer to it the rows of a
//! text dump that show fewer values than their columns. [`solve`] is the one
//! place they are decided: [`readings`] enumerates each row's cuts and
//! placements that its own sums allow, [`joint`] keeps those some
//! combination of rows satisfying the column sums uses, and [`agree`] writes
//! a cell only when every surviving reading gives it the same number
//! (SPEC §5 "Recovered cells"). Tables that a report states in words
//! instead of printing are read in [`stated`].

mod agree;
mod joint;
pub(crate) mod readings;
mod runs;
mod stated;

use readings::{Run, Shape, Slot};

use super::{CellKind, Extraction};
use crate::extract::rows::Row;
use crate::model::Template;
use crate::template::{
    APPLICANT_COLUMNS, LEGAL_PERSON_SUBTOTAL, REVIEW_COLUMNS, REVIEW_ROWS, active_rows,
    is_amount_column, is_signed_column,
};

pub(crate) use agree::tokens_of;
pub(crate) use runs::{GluedDump, read};
pub(crate) use stated::{Stated, stated_in_words};

const ACTIVE: &str = "active_disclosure";
const APPLICATIONS: &str = "applications";
const REVIEW: &str = "review_litigation";

/// The widest cell a cut may make. Counts of a year's applications stay far
/// below ten million; the bound is what keeps a long run's search small.
pub(crate) const MAX_CELL_DIGITS: usize = 7;

/// What a deferred run fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// One row of table 二 or 三.
    Row(&'static str, &'static str),
    /// The whole of table 四, fifteen cells in source order.
    Review,
}

/// A row (or table 四) whose cells the solver decides.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub target: Target,
    /// The row's columns, in order.
    pub columns: Vec<&'static str>,
    /// The run, or why it cannot be read.
    pub run: Result<Run, String>,
    /// A second reading of the run, when its last digit may belong to the
    /// next label (an item number written without its mark).
    pub shorter: Option<Run>,
    /// The unit written after an amount (`万元`).
    pub unit: Option<&'static str>,
}

impl Pending {
    pub fn row(table: &'static str, row: &'static str, columns: &[&'static str], run: Run) -> Self {
        Pending {
            target: Target::Row(table, row),
            columns: columns.to_vec(),
            run: Ok(run),
            shorter: None,
            unit: None,
        }
    }

    fn shape(&self) -> Shape {
        match self.target {
            Target::Review => Shape::review(),
            Target::Row(APPLICATIONS, _) => Shape::applications(
                self.columns
                    .iter()
                    .position(|c| *c == LEGAL_PERSON_SUBTOTAL),
            ),
            Target::Row(..) => Shape::free(self.columns.iter().map(|c| kind_of(c)).collect()),
        }
    }

    fn table(&self) -> &'static str {
        match self.target {
            Target::Row(table, _) => table,
            Target::Review => REVIEW,
        }
    }
}

/// How a table-二 column's cells must look.
pub(crate) fn kind_of(column: &str) -> CellKind {
    if is_amount_column(column) {
        CellKind::Amount
    } else if is_signed_column(column) {
        CellKind::Signed
    } else {
        CellKind::Count
    }
}

impl GluedDump {
    /// The line reader's rows, with those of the glued blocks replaced by
    /// this reader's, in reading order.
    pub fn merge_rows(&self, rows: Vec<Row>) -> Vec<Row> {
        let mut merged: Vec<Row> = rows
            .into_iter()
            .filter(|r| !self.blocks.contains(&r.block))
            .collect();
        merged.extend(self.rows.iter().cloned());
        merged.sort_by_key(|r| r.block);
        merged
    }

    /// Hands the glued runs to the solver. Rows deferred here are located;
    /// the table readers leave them alone. Table-二 rows whose separators
    /// show every cell are left to the table-二 reader.
    pub fn defer(&self, template: Template, out: &mut Extraction) {
        for (name, run, unit) in &self.active {
            let Some(spec) = active_rows(template)
                .iter()
                .find(|s| s.labels.contains(name))
            else {
                continue;
            };
            let shown = run.split_whitespace();
            if shown.clone().count() == spec.columns.len() && !shown.clone().any(runs::is_glued)
                || out.is_located(ACTIVE, spec.key)
            {
                continue;
            }
            let mut pending = Pending::row(ACTIVE, spec.key, spec.columns, Run::glued(run));
            pending.unit = *unit;
            if run.contains(['-', '.']) {
                // A sign or a decimal point in glued digits starts or ends a
                // cell somewhere the copy does not show.
                let why = format!(
                    "table 二 has no sums to cut the glued digits {} into {} cells by",
                    quoted(run),
                    spec.columns.len()
                );
                agree::unresolved(&pending, out, "glued_no_sums", &why);
                continue;
            }
            out.defer(pending);
        }
        let mut columns: Vec<&'static str> = APPLICANT_COLUMNS.to_vec();
        if let Some(at) = self.subtotal_at {
            columns.insert(at, LEGAL_PERSON_SUBTOTAL);
        }
        for row in &self.applications {
            let key = match row.key {
                "other_processing" if template != Template::T2019 => {
                    // Template 2021's 其他处理 line is a subtotal: only with digits.
                    if row.run.as_ref().is_ok_and(|r| r.tokens.is_empty()) {
                        continue;
                    }
                    "other_subtotal"
                }
                k => k,
            };
            out.defer(Pending {
                target: Target::Row(APPLICATIONS, key),
                columns: columns.clone(),
                run: row.run.clone(),
                shorter: row.shorter.clone(),
                unit: None,
            });
        }
        if let Some(run) = &self.review {
            out.defer(Pending {
                target: Target::Review,
                columns: REVIEW_COLUMNS.to_vec(),
                run: Ok(run.clone()),
                shorter: None,
                unit: None,
            });
        }
    }
}

/// Decides every deferred row: tables 二, 三 and 四 in turn.
pub(crate) fn solve(template: Template, out: &mut Extraction) {
    let pending = out.take_pending();
    if pending.is_empty() {
        return;
    }
    let tables: Vec<Vec<&Pending>> = [ACTIVE, APPLICATIONS, REVIEW]
        .iter()
        .map(|table| pending.iter().filter(|p| p.table() == *table).collect())
        .collect();
    // A row that shows fewer cells than its columns proves the copy drops
    // blank cells; so does a row, or table 三, that no reading without dropped
    // blanks explains. One page writes all its tables one way: then any row
    // of any table may have lost some, and everything is read again so.
    let mut vanish = pending.iter().any(|p| {
        p.run
            .as_ref()
            .is_ok_and(|r| r.most_cells() < p.shape().cells())
    });
    let decided = 'reading: loop {
        let mut decided = Vec::with_capacity(tables.len());
        for rows in &tables {
            let read: Vec<Result<agree::Solving, agree::Unread>> =
                rows.iter().map(|p| agree::read_row(p, vanish)).collect();
            let unexplained = read
                .iter()
                .any(|r| r.as_ref().is_err_and(agree::Unread::fits_no_cut));
            if unexplained && !vanish {
                vanish = true;
                continue 'reading;
            }
            let mut solving = Vec::new();
            let mut unread = Vec::new();
            for (p, r) in rows.iter().zip(read) {
                match r {
                    Ok(s) => solving.push(s),
                    Err(u) => unread.push((*p, u)),
                }
            }
            let outcome = match rows.first().map(|p| p.table()) {
                Some(APPLICATIONS) => joint::agree_applications(template, &mut solving, out),
                _ => joint::Outcome::Agreed,
            };
            if outcome == joint::Outcome::NoSolution && !vanish {
                vanish = true;
                continue 'reading;
            }
            decided.push((solving, unread, outcome));
        }
        break decided;
    };
    for (solving, unread, outcome) in decided {
        for (p, u) in unread {
            agree::unresolved(p, out, u.code, &u.why);
        }
        joint::warn(outcome, out);
        for s in &solving {
            agree::write(s, out);
        }
    }
}

/// A run as warnings quote it: whole when short, else its start and length.
pub(crate) fn quoted(run: &str) -> String {
    const SHOWN: usize = 40;
    let length = run.chars().count();
    if length <= SHOWN {
        format!("{run:?}")
    } else {
        let start: String = run.chars().take(SHOWN).collect();
        format!("\"{start}…\" ({length} characters)")
    }
}

/// The cells of a located row as a reading, when each is a count or a blank.
fn fixed_reading(
    out: &Extraction,
    row: &'static str,
    columns: &[&'static str],
) -> Option<Vec<Slot>> {
    columns
        .iter()
        .map(|c| match out.cell(APPLICATIONS, row, c)? {
            None => Some(Slot::Shown),
            // Beyond any real count, and sums of such could overflow.
            Some(n) => n
                .as_i64()
                .filter(|v| (0..1_000_000_000_000_000).contains(v))
                .map(Slot::Num),
        })
        .collect()
}

/// Table 四's rows and columns, as the layout of a fifteen-cell run.
fn review_layout() -> Vec<(&'static str, &'static [&'static str])> {
    REVIEW_ROWS
        .iter()
        .map(|r| (*r, &REVIEW_COLUMNS[..]))
        .collect()
}

//! Document → Report. Each table is found by its labels, never by counting
//! numbers: a row is located by what its label says, and its values are placed
//! by column header, or by position only when the row holds exactly the
//! template's number of cells. Anything uncertain is null with a warning.

mod active;
mod applications;
mod columns;
mod meta;
mod not_report;
mod review;
pub(crate) mod rows;
pub(crate) mod solver;
pub(crate) mod value;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::flatten::Document;
use crate::model::{Meta, Number, Report, Row, Sections, Source, Status, Template, Value, Warning};
use crate::template::{
    self, APPLICANT_COLUMNS, ApplicationLabel, Group, LEGAL_PERSON_SUBTOTAL, REVIEW_COLUMNS,
    REVIEW_ROWS,
};
use rows::Cell;
use value::CellValue;

/// Extracts a report from a flattened page. Checks are not run here.
pub fn extract(doc: &Document, source: Source) -> Report {
    let glued = solver::read(doc);
    let mut rows = rows::logical_rows(doc);
    if let Some(glued) = &glued {
        rows = glued.merge_rows(rows);
    }
    let meta = meta::read_meta(doc);
    let template = detect_template(&rows, meta.year);
    let mut report = Report::empty(source, Status::Complete, None);
    report.meta = meta;
    report.meta.template = template;
    report.source.original_url = meta::ArchiveHeader::read(doc).original_url;
    report.sections = meta::read_sections(doc);

    let verdict = match &glued {
        Some(_) => None,
        None => {
            let page_url = crate::links::page_url(&report.source);
            not_report::classify(doc, &rows, report.meta.year, page_url.as_ref())
        }
    };
    // A page judged not to be a report by its outline is one all the same if
    // a cell of the template can be read from it.
    let tables = (template != Template::Unknown)
        .then(|| read_tables(&rows, doc, glued.as_ref(), template))
        .filter(|out| verdict.is_none() || out.read_any);
    // The rows hold a copy of every label and value: gone before the record
    // is built, they never add to its peak.
    drop(rows);
    drop(glued);
    if let Some(page) = verdict
        && tables.is_none()
    {
        // The page's headings describe the reports it links to, not itself.
        report.meta = Meta::default();
        report.sections = Sections::default();
        report.status = Status::NotAReport;
        report.reason = Some(page.reason);
        report.links = page.links;
        return report;
    }
    if report.meta.agency.is_none() {
        // Without it, carry_chain cannot pair this report with its other years.
        report.warn(
            "no_agency",
            None,
            "the issuing agency (发布机关) was found neither in the title nor in a 发布机构 \
             field; carry_chain cannot link this report to the same agency's other years",
        );
    }
    match tables {
        Some(out) => out.finish(template, &mut report),
        None => {
            report.warn(
                "unknown_template",
                None,
                "no template-2019 or template-2021 table was found; only metadata and sections were read",
            );
            report.status = Status::Partial;
        }
    }
    report
}

/// Reads the three tables of `template` from the rows (and the glued runs of
/// a damaged dump), then lets the template's sums settle what rows left open.
fn read_tables(
    rows: &[rows::Row],
    doc: &Document,
    glued: Option<&solver::GluedDump>,
    template: Template,
) -> Extraction {
    let mut out = Extraction {
        // Only a text dump may have dropped its blank cells without a trace.
        defers: !doc.is_html && !rows::keeps_spacing(doc),
        ..Extraction::default()
    };
    if let Some(glued) = glued {
        glued.defer(template, &mut out);
    }
    active::extract(rows, template, &mut out);
    applications::extract(rows, doc, template, &mut out);
    let after_applications = rows
        .iter()
        .rposition(|r| {
            r.labels.iter().any(|l| {
                template::application_label(l, None)
                    == Some(ApplicationLabel::Row("carried_forward"))
            })
        })
        .map_or(0, |i| i + 1);
    if !out.is_located("review_litigation", REVIEW_ROWS[0]) {
        review::extract(rows, after_applications, doc, &mut out);
    }
    solver::solve(template, &mut out);
    out
}

/// Template from the labels present; the report year breaks a tie.
fn detect_template(rows: &[rows::Row], year: Option<i32>) -> Template {
    let count = |markers: &[&str]| {
        markers
            .iter()
            .filter(|m| rows.iter().any(|r| r.labels.iter().any(|l| l.contains(*m))))
            .count()
    };
    let (new, old) = (count(template::MARKERS_2021), count(template::MARKERS_2019));
    let has_tables = rows.iter().any(|r| {
        r.labels
            .iter()
            .any(|l| l.contains("本年新收") || l.contains("结果维持"))
    });
    match new.cmp(&old) {
        std::cmp::Ordering::Greater => Template::T2021,
        std::cmp::Ordering::Less => Template::T2019,
        std::cmp::Ordering::Equal if has_tables => match year {
            Some(2019 | 2020) => Template::T2019,
            _ => Template::T2021,
        },
        std::cmp::Ordering::Equal => Template::Unknown,
    }
}

/// A located table row: the cells placed so far, by column key, in the order
/// they were set (a row has at most nine, so a list beats a map).
type Cells = Vec<(&'static str, Option<Value>)>;

/// How a cell's number must look for its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellKind {
    /// A non-negative integer.
    Count,
    /// An integer that may be negative (本年增/减).
    Signed,
    /// A decimal amount.
    Amount,
}

/// The cells located so far, with what could not be located.
#[derive(Default)]
pub(crate) struct Extraction {
    // Keys are the template's short names: a fast hash suits them.
    cells: FxHashMap<(&'static str, &'static str), Cells>,
    located: FxHashSet<(&'static str, &'static str)>,
    incomplete: bool,
    /// Some cell was read from the page (a number, a blank, or text that is
    /// not a number), not only marked missing.
    read_any: bool,
    warnings: Vec<Warning>,
    /// `table.row.column` of cells solved from the template's sums.
    recovered: Vec<String>,
    /// Rows a table reader may hand to the solver (text dumps only).
    defers: bool,
    /// Rows the solver decides at the end.
    pending: Vec<solver::Pending>,
}

impl Extraction {
    pub fn is_located(&self, table: &'static str, row: &'static str) -> bool {
        self.located.contains(&(table, row))
    }

    /// A located row's cell: `None` when it was not set, `Some(None)` when null.
    pub fn cell(
        &self,
        table: &'static str,
        row: &'static str,
        column: &'static str,
    ) -> Option<Option<&Number>> {
        let cells = self.cells.get(&(table, row))?;
        let (_, value) = cells.iter().find(|(c, _)| *c == column)?;
        Some(match value {
            Some(Value::Number(n)) => Some(n),
            _ => None,
        })
    }

    /// Hands a row to the solver: it is located now and decided at the end.
    pub fn defer(&mut self, pending: solver::Pending) {
        match pending.target {
            solver::Target::Row(table, row) => {
                self.located.insert((table, row));
            }
            solver::Target::Review => {
                for row in REVIEW_ROWS {
                    self.located.insert(("review_litigation", row));
                }
            }
        }
        self.pending.push(pending);
    }

    /// Defers a row of a text dump whose values (numbers and blanks, fewer
    /// than its columns) a table reader cannot place; false when it may not.
    pub fn defer_values(
        &mut self,
        target: solver::Target,
        columns: &[&'static str],
        values: &[&Cell],
    ) -> bool {
        let cells = match target {
            solver::Target::Row(..) => columns.len(),
            solver::Target::Review => REVIEW_ROWS.len() * REVIEW_COLUMNS.len(),
        };
        if !self.defers || values.is_empty() || values.len() >= cells {
            return false;
        }
        let Some(tokens) = solver::tokens_of(values) else {
            return false;
        };
        self.defer(solver::Pending {
            target,
            columns: columns.to_vec(),
            run: Ok(solver::readings::Run { tokens }),
            shorter: None,
            unit: None,
        });
        true
    }

    fn take_pending(&mut self) -> Vec<solver::Pending> {
        std::mem::take(&mut self.pending)
    }

    /// A table the report states in words: every cell 0, recovered.
    pub fn stated(
        &mut self,
        table: &'static str,
        rows: &[&'static str],
        columns: &[&'static str],
        sentence: &str,
    ) {
        // A sentence is no table: it does not make a page that is otherwise
        // not a report into one (a note quoting a report's words).
        let read_before = self.read_any;
        for &row in rows {
            for &col in columns {
                self.recover(table, row, col, Number::from_i64(0));
            }
        }
        self.read_any = read_before;
        self.warn(
            "stated_in_text",
            Some(table.to_string()),
            format!("the report states this table in words instead of printing it: {sentence:?}"),
        );
    }

    pub fn warn(&mut self, code: &str, cell: Option<String>, message: impl Into<String>) {
        self.warnings.push(Warning {
            code: code.to_string(),
            cell,
            message: message.into(),
        });
    }

    /// A warning about a cell or row that could not be located with certainty.
    pub fn warn_unresolved(
        &mut self,
        code: &str,
        cell: Option<String>,
        message: impl Into<String>,
    ) {
        self.incomplete = true;
        self.warn(code, cell, message);
    }

    /// A cell solved from the template's sums rather than read from the page.
    pub fn recover(
        &mut self,
        table: &'static str,
        row: &'static str,
        column: &'static str,
        value: Number,
    ) {
        self.recovered.push(format!("{table}.{row}.{column}"));
        self.set(table, row, column, Some(Value::Number(value)));
    }

    pub fn set(
        &mut self,
        table: &'static str,
        row: &'static str,
        column: &'static str,
        value: Option<Value>,
    ) {
        self.read_any |= value.is_some();
        self.located.insert((table, row));
        let cells = self.cells.entry((table, row)).or_default();
        match cells.iter_mut().find(|(c, _)| *c == column) {
            Some((_, cell)) => *cell = value,
            None => cells.push((column, value)),
        }
    }

    /// Records a located cell: its number, or null with a warning saying why.
    pub fn put(
        &mut self,
        table: &'static str,
        row: &'static str,
        column: &'static str,
        cell: &Cell,
        kind: CellKind,
    ) {
        self.read_any = true;
        // Built only for a warning: most cells need none.
        let at = || Some([table, ".", row, ".", column].concat());
        let value = match &cell.value {
            CellValue::Number(n, _) => match number_for(n, kind) {
                Some(n) => Some(n),
                None => {
                    self.incomplete = true;
                    self.warn(
                        "not_a_count",
                        at(),
                        format!(
                            "cell text {:?} is not a valid value for this column",
                            cell.text
                        ),
                    );
                    None
                }
            },
            CellValue::Null if cell.from_spacing => {
                // Placed by the copy's empty lines, not by a cell of its own.
                self.incomplete = true;
                let message = "the copy has no line for this cell; its empty lines \
                               show a blank cell here";
                self.warn("blank_cell", at(), message);
                None
            }
            CellValue::Null => {
                let message = match cell.text.trim() {
                    "" => "the page leaves this cell blank".to_string(),
                    marker => format!("the page leaves this cell {marker:?}"),
                };
                self.warn("blank_cell", at(), message);
                None
            }
            CellValue::Text => {
                self.incomplete = true;
                self.warn(
                    "not_a_number",
                    at(),
                    format!("cell text {:?} is not a number", cell.text),
                );
                None
            }
        };
        self.set(table, row, column, value.map(Value::Number));
    }

    /// A template row that is not on the page: all its cells are null.
    pub fn missing_row(
        &mut self,
        table: &'static str,
        row: &'static str,
        columns: &[&'static str],
    ) {
        self.incomplete = true;
        self.warn(
            "row_not_found",
            Some(format!("{table}.{row}")),
            format!("row {row} of {table} was not found on the page"),
        );
        self.null_row(table, row, columns);
    }

    /// A row found on the page whose values cannot be placed with certainty.
    pub fn unplaceable_row(
        &mut self,
        table: &'static str,
        row: &'static str,
        columns: &[&'static str],
        found: usize,
        expected: &str,
    ) {
        self.incomplete = true;
        self.warn(
            "row_not_placed",
            Some(format!("{table}.{row}")),
            format!(
                "row {row} of {table} has {found} value cell(s) where {expected} were expected; \
                 its cells are left null rather than guessed"
            ),
        );
        self.null_row(table, row, columns);
    }

    /// A row whose blank end cells could be padding on either side: the cells
    /// could be aligned in `ways` ways, so none is chosen.
    pub fn ambiguous_row(
        &mut self,
        table: &'static str,
        row: &'static str,
        columns: &[&'static str],
        ways: usize,
    ) {
        self.incomplete = true;
        self.warn(
            "row_ambiguous",
            Some(format!("{table}.{row}")),
            format!(
                "row {row} of {table} has blank cells at both ends and {ways} possible \
                 alignments to its {} columns; its cells are left null rather than guessed",
                columns.len()
            ),
        );
        self.null_row(table, row, columns);
    }

    fn null_row(&mut self, table: &'static str, row: &'static str, columns: &[&'static str]) {
        for col in columns {
            self.set(table, row, col, None);
        }
    }

    /// Builds the report's tables in template order. A report of which no
    /// cell could be read gets no tables: a table of nulls would add a line
    /// per cell to the tidy CSV that says nothing.
    fn finish(mut self, template: Template, report: &mut Report) {
        report.warnings.append(&mut self.warnings);
        if !self.read_any {
            report.warn(
                "no_cell_read",
                None,
                "the template's tables were found but none of their cells could be read",
            );
            report.status = Status::Partial;
            return;
        }
        for spec in template::active_rows(template) {
            let row = self.take_row("active_disclosure", spec.key, spec.columns);
            report.active_disclosure.insert(spec.key.to_string(), row);
        }

        let has_subtotal_column = self.cells.iter().any(|((table, _), cols)| {
            *table == "applications" && cols.iter().any(|(c, _)| *c == LEGAL_PERSON_SUBTOTAL)
        });
        let mut columns: Vec<&str> = APPLICANT_COLUMNS.to_vec();
        if has_subtotal_column {
            columns.insert(6, LEGAL_PERSON_SUBTOTAL);
        }
        for &row in template::application_rows(template) {
            // A group's subtotal row, where the page has one, precedes its items.
            for group in Group::ALL {
                let subtotal = group.subtotal_key();
                if group.items(template).first() == Some(&row)
                    && self.is_located("applications", subtotal)
                {
                    let cells = self.take_row("applications", subtotal, &columns);
                    report.applications.insert(subtotal.to_string(), cells);
                }
            }
            let cells = self.take_row("applications", row, &columns);
            report.applications.insert(row.to_string(), cells);
        }
        for row in REVIEW_ROWS {
            let cells = self.take_row("review_litigation", row, &REVIEW_COLUMNS);
            report.review_litigation.insert(row.to_string(), cells);
        }

        report.recovered = self.recovered;
        report.status = if self.incomplete {
            Status::Partial
        } else {
            Status::Complete
        };
    }

    /// One row's cells: `columns` in order (null where not located), then any
    /// extra field the row carries (`amount_unit`).
    fn take_row(&mut self, table: &'static str, row: &'static str, columns: &[&str]) -> Row {
        let mut found = self.cells.remove(&(table, row)).unwrap_or_default();
        let extra = found.iter().filter(|(c, _)| !columns.contains(c)).count();
        let mut ordered = Row::with_capacity_and_hasher(columns.len() + extra, Default::default());
        for &column in columns {
            let cell = match found.iter().position(|(c, _)| *c == column) {
                Some(at) => found.remove(at).1,
                None => None,
            };
            ordered.insert(column.to_string(), cell);
        }
        // Extra fields (`amount_unit`) follow, in the order they were set.
        ordered.extend(found.into_iter().map(|(k, v)| (k.to_string(), v)));
        ordered
    }
}

/// Checks a parsed number against its column's kind.
fn number_for(n: &Number, kind: CellKind) -> Option<Number> {
    let is_integer = !n.as_str().contains('.');
    let ok = match kind {
        CellKind::Count => is_integer && !n.as_str().starts_with('-'),
        CellKind::Signed => is_integer,
        CellKind::Amount => !n.as_str().starts_with('-'),
    };
    ok.then(|| n.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows marked missing are not cells read: such a report gets no tables,
    /// so the tidy CSV gains no line of nulls for it.
    #[test]
    fn a_report_with_no_cell_read_has_no_tables() {
        let mut out = Extraction::default();
        out.missing_row("applications", "new_received", &APPLICANT_COLUMNS);
        let mut report = Report::empty(Source::default(), Status::Complete, None);
        out.finish(Template::T2021, &mut report);
        assert_eq!(report.status, Status::Partial);
        assert!(report.cells().next().is_none());
        let codes: Vec<&str> = report.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["row_not_found", "no_cell_read"]);

        let mut out = Extraction::default();
        out.missing_row("applications", "new_received", &APPLICANT_COLUMNS);
        out.set("applications", "carried_over", "total", None);
        out.put(
            "applications",
            "granted",
            "total",
            &rows::Cell {
                text: String::new(),
                value: CellValue::Null,
                column: None,
                is_copy: false,
                from_spacing: false,
            },
            CellKind::Count,
        );
        let mut report = Report::empty(Source::default(), Status::Complete, None);
        out.finish(Template::T2021, &mut report);
        // A blank cell read keeps all 200 cells of template 2021.
        assert_eq!(report.cells().count(), 200);
    }
}

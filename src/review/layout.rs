//! A report's three tables laid out as the national template prints them:
//! header rows, label cells with their spans, and one value cell per SPEC key.
//!
//! The page's script only draws these grids; what goes where is decided
//! here, from the labels in `template.rs`. A value cell the record lacks is
//! still drawn (empty, marked absent), so every template cell shows; a cell
//! the record holds outside the template is drawn in a last grid of its own,
//! so none is hidden.

use std::collections::HashSet;

use serde::Serialize;

use crate::model::{Report, Table, Template};
use crate::template::{
    APPLICANT_COLUMNS, Group, LEGAL_PERSON_SUBTOTAL, REVIEW_COLUMNS, REVIEW_ROWS, active_rows,
    labels, result_rows,
};

/// One table as drawn: `head` rows go in `<thead>`, `body` rows in `<tbody>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Grid {
    pub title: String,
    pub head: Vec<Vec<Cell>>,
    pub body: Vec<Vec<Cell>>,
}

/// A cell of a grid: a label, or the value of one SPEC key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Label {
        #[serde(rename = "t")]
        text: String,
        #[serde(rename = "c", skip_serializing_if = "is_one")]
        colspan: u16,
        #[serde(rename = "r", skip_serializing_if = "is_one")]
        rowspan: u16,
    },
    Value {
        /// `table.row.column`.
        #[serde(rename = "k")]
        key: String,
        /// Index of the value in the report's value list; `None` when the
        /// record has no such cell.
        #[serde(rename = "i", skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
        #[serde(rename = "c", skip_serializing_if = "is_one")]
        colspan: u16,
    },
}

fn is_one(n: &u16) -> bool {
    *n == 1
}

fn label(text: &str) -> Cell {
    spanned(text, 1, 1)
}

fn spanned(text: &str, colspan: usize, rowspan: usize) -> Cell {
    Cell::Label {
        text: text.to_string(),
        colspan: span(colspan),
        rowspan: span(rowspan),
    }
}

fn span(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// The grids of one report and the cells they show, in order: the report's
/// values are sent as a list aligned with `keys`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Shape {
    pub grids: Vec<Grid>,
    /// `(table, row, column)` of each value the grids show and the record holds.
    pub keys: Vec<(&'static str, String, String)>,
}

/// Lays out `report`'s tables.
pub fn shape(report: &Report) -> Shape {
    let mut builder = Builder {
        report,
        keys: Vec::new(),
        placed: HashSet::new(),
    };
    let mut grids = Vec::new();
    let template = report.meta.template;
    if template != Template::Unknown {
        grids.push(builder.active_disclosure(template));
        grids.push(builder.applications(template));
        grids.push(builder.review_litigation());
    }
    if let Some(rest) = builder.outside_template() {
        grids.push(rest);
    }
    Shape {
        grids,
        keys: builder.keys,
    }
}

/// The identity of a report's layout: its template and the cells its record
/// holds. Reports with the same signature share one [`Shape`].
pub fn signature(report: &Report) -> (&'static str, Vec<(&'static str, &str, &str)>) {
    let cells = report
        .tables()
        .into_iter()
        .flat_map(|(table, rows)| {
            rows.iter().flat_map(move |(row, cols)| {
                cols.keys()
                    .map(move |col| (table, row.as_str(), col.as_str()))
            })
        })
        .collect();
    (report.meta.template.as_str(), cells)
}

struct Builder<'a> {
    report: &'a Report,
    keys: Vec<(&'static str, String, String)>,
    placed: HashSet<(&'static str, String, String)>,
}

impl Builder<'_> {
    fn table(&self, table: &str) -> &Table {
        match table {
            "active_disclosure" => &self.report.active_disclosure,
            "applications" => &self.report.applications,
            _ => &self.report.review_litigation,
        }
    }

    fn has(&self, table: &str, row: &str, column: &str) -> bool {
        self.table(table)
            .get(row)
            .is_some_and(|cols| cols.contains_key(column))
    }

    /// The value cell of one key, spanning `colspan` columns.
    fn value(&mut self, table: &'static str, row: &str, column: &str, colspan: usize) -> Cell {
        let id = (table, row.to_string(), column.to_string());
        let index = if self.has(table, row, column) && self.placed.insert(id.clone()) {
            self.keys.push(id);
            Some(self.keys.len() - 1)
        } else {
            None
        };
        Cell::Value {
            key: format!("{table}.{row}.{column}"),
            index,
            colspan: span(colspan),
        }
    }

    /// Table 二: a block per article of the regulations, each with its own
    /// column headings; rows with fewer columns widen their last cell.
    fn active_disclosure(&mut self, template: Template) -> Grid {
        const TABLE: &str = "active_disclosure";
        let columns_of = |row: &crate::template::ActiveRow| -> Vec<&'static str> {
            let mut columns = row.columns.to_vec();
            if let Some(at) = columns.iter().position(|c| *c == "amount") {
                columns.insert(at + 1, "amount_unit");
            }
            columns
        };
        let rows = active_rows(template);
        let width = rows.iter().map(|r| columns_of(r).len()).max().unwrap_or(1);
        let mut body = Vec::new();
        let mut article = None;
        for row in rows {
            let columns = columns_of(row);
            let last_span = width + 1 - columns.len();
            let span_of = |i: usize| if i + 1 == columns.len() { last_span } else { 1 };
            let this_article = labels::active_article(row.key);
            if this_article != article {
                article = this_article;
                body.push(vec![spanned(article.unwrap_or(""), width + 1, 1)]);
                let mut heading = vec![label(labels::ACTIVE_CONTENT)];
                for (i, column) in columns.iter().enumerate() {
                    let text = labels::active_column(column, template).unwrap_or(column);
                    heading.push(spanned(text, span_of(i), 1));
                }
                body.push(heading);
            }
            let mut cells = vec![label(
                labels::active_row(row.key, template).unwrap_or(row.key),
            )];
            for (i, column) in columns.iter().enumerate() {
                cells.push(self.value(TABLE, row.key, column, span_of(i)));
            }
            body.push(cells);
        }
        Grid {
            title: labels::table(TABLE).unwrap_or(TABLE).to_string(),
            head: Vec::new(),
            body,
        }
    }

    /// Table 三: three label columns (一、…; 三、本年度办理结果 › group › item),
    /// then the applicant columns; a 小计 column and group 小计 rows only where
    /// the record has them.
    fn applications(&mut self, template: Template) -> Grid {
        const TABLE: &str = "applications";
        let has_column = |c: &str| {
            self.report
                .applications
                .values()
                .any(|cols| cols.contains_key(c))
        };
        let mut columns = APPLICANT_COLUMNS.to_vec();
        let organisations = if has_column(LEGAL_PERSON_SUBTOTAL) {
            columns.insert(columns.len() - 1, LEGAL_PERSON_SUBTOTAL);
            6
        } else {
            5
        };
        let column_label = |c: &str| labels::applicant_column(c).unwrap_or("");
        let head = vec![
            vec![
                spanned(labels::APPLICATIONS_CORNER, 3, 3),
                spanned(labels::APPLICANTS, columns.len(), 1),
            ],
            vec![
                spanned(column_label(columns[0]), 1, 2),
                spanned(labels::LEGAL_PERSONS, organisations, 1),
                spanned(column_label("total"), 1, 2),
            ],
            columns[1..=organisations]
                .iter()
                .map(|c| label(column_label(c)))
                .collect(),
        ];

        let mut body = Vec::new();
        let mut row = |builder: &mut Self, labels: Vec<Cell>, key: &str| {
            let mut cells = labels;
            cells.extend(columns.iter().map(|c| builder.value(TABLE, key, c, 1)));
            body.push(cells);
        };
        let row_label = |key: &str| labels::application_row(key).unwrap_or("").to_string();
        for key in ["new_received", "carried_over"] {
            row(self, vec![spanned(&row_label(key), 3, 1)], key);
        }
        // The result rows: single rows and groups, in template order, then 总计.
        let mut results: Vec<Vec<(Vec<Cell>, &str)>> = Vec::new();
        for &key in result_rows(template) {
            let group = Group::ALL
                .into_iter()
                .find(|g| g.items(template).contains(&key));
            match group {
                None => results.push(vec![(vec![spanned(&row_label(key), 2, 1)], key)]),
                Some(group) if group.items(template).first() == Some(&key) => {
                    let mut block = Vec::new();
                    if self.report.applications.contains_key(group.subtotal_key()) {
                        block.push((vec![label(labels::SUBTOTAL)], group.subtotal_key()));
                    }
                    for item in group.items(template) {
                        block.push((vec![label(&row_label(item))], item));
                    }
                    let rows = block.len();
                    block[0].0.insert(0, spanned(labels::group(group), 1, rows));
                    results.push(block);
                }
                Some(_) => {} // drawn with its group
            }
        }
        results.push(vec![(
            vec![spanned(&row_label("total_processed"), 2, 1)],
            "total_processed",
        )]);
        let result_count = results.iter().map(Vec::len).sum();
        for (i, (mut labels_of_row, key)) in results.into_iter().flatten().enumerate() {
            if i == 0 {
                labels_of_row.insert(0, spanned(labels::RESULTS, 1, result_count));
            }
            row(self, labels_of_row, key);
        }
        row(
            self,
            vec![spanned(&row_label("carried_forward"), 3, 1)],
            "carried_forward",
        );
        Grid {
            title: labels::table(TABLE).unwrap_or(TABLE).to_string(),
            head,
            body,
        }
    }

    /// Table 四 as the template prints it: one row, 行政复议 then 行政诉讼's two
    /// kinds, each with its five result columns.
    fn review_litigation(&mut self) -> Grid {
        const TABLE: &str = "review_litigation";
        let width = REVIEW_COLUMNS.len();
        let (first, litigation) = REVIEW_ROWS.split_first().expect("table 四 has rows");
        let name = |row: &str| labels::review_row(row).unwrap_or("");
        let column = |c: &str| labels::review_column(c).unwrap_or("");
        let head = vec![
            vec![
                spanned(name(first), width, 1),
                spanned(labels::LITIGATION, width * litigation.len(), 1),
            ],
            REVIEW_COLUMNS
                .iter()
                .map(|c| spanned(column(c), 1, 2))
                .chain(litigation.iter().map(|r| spanned(name(r), width, 1)))
                .collect(),
            litigation
                .iter()
                .flat_map(|_| REVIEW_COLUMNS.iter().map(|c| label(column(c))))
                .collect(),
        ];
        let body = vec![
            REVIEW_ROWS
                .iter()
                .flat_map(|row| REVIEW_COLUMNS.iter().map(move |c| (*row, *c)))
                .map(|(row, c)| self.value(TABLE, row, c, 1))
                .collect(),
        ];
        Grid {
            title: labels::table(TABLE).unwrap_or(TABLE).to_string(),
            head,
            body,
        }
    }

    /// Cells of the record that no template grid showed, one row each.
    fn outside_template(&mut self) -> Option<Grid> {
        let report = self.report;
        let mut body = Vec::new();
        for (table, rows) in report.tables() {
            for (row, cols) in rows {
                for column in cols.keys() {
                    let id = (table, row.clone(), column.clone());
                    if !self.placed.contains(&id) {
                        let key = format!("{table}.{row}.{column}");
                        body.push(vec![label(&key), self.value(table, row, column, 1)]);
                    }
                }
            }
        }
        (!body.is_empty()).then(|| Grid {
            title: "Cells outside the template".to_string(),
            head: Vec::new(),
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Number, Source, Status, Value};

    fn report(template: Template) -> Report {
        let mut report = Report::empty(Source::default(), Status::Complete, None);
        report.meta.template = template;
        report
    }

    fn fill(report: &mut Report, table: &str, row: &str, column: &str, value: i64) {
        let table = match table {
            "active_disclosure" => &mut report.active_disclosure,
            "applications" => &mut report.applications,
            _ => &mut report.review_litigation,
        };
        table.entry(row.to_string()).or_default().insert(
            column.to_string(),
            Some(Value::Number(Number::from_i64(value))),
        );
    }

    /// Every value cell's key, in drawing order.
    fn value_keys(shape: &Shape) -> Vec<String> {
        shape
            .grids
            .iter()
            .flat_map(|g| g.body.iter().flatten())
            .filter_map(|c| match c {
                Cell::Value { key, .. } => Some(key.clone()),
                Cell::Label { .. } => None,
            })
            .collect()
    }

    /// The columns each row of `rows` spans once earlier rows' rowspans are
    /// counted, as a browser lays out a table.
    fn row_widths(rows: &[Vec<Cell>]) -> Vec<usize> {
        let mut taken: Vec<usize> = Vec::new(); // rows still covered, per column
        let mut widths = Vec::new();
        for row in rows {
            let mut col = 0;
            for cell in row {
                let (colspan, rowspan) = match cell {
                    Cell::Label {
                        colspan, rowspan, ..
                    } => (*colspan, *rowspan),
                    Cell::Value { colspan, .. } => (*colspan, 1),
                };
                while taken.get(col).is_some_and(|&n| n > 0) {
                    col += 1;
                }
                for c in col..col + colspan as usize {
                    if taken.len() <= c {
                        taken.resize(c + 1, 0);
                    }
                    taken[c] = rowspan as usize;
                }
                col += colspan as usize;
            }
            widths.push(taken.iter().rposition(|&n| n > 0).map_or(0, |p| p + 1));
            taken.iter_mut().for_each(|n| *n = n.saturating_sub(1));
        }
        widths
    }

    #[test]
    fn every_template_cell_is_drawn_once_even_when_the_record_lacks_it() {
        // 2021: 10 + 175 + 15 cells; 2019: 22 + amount_unit, 161, 15.
        for (template, expected) in [(Template::T2021, 200), (Template::T2019, 199)] {
            let shape = shape(&report(template));
            let keys = value_keys(&shape);
            let unique: HashSet<_> = keys.iter().collect();
            assert_eq!(unique.len(), keys.len(), "a cell drawn twice");
            assert_eq!(keys.len(), expected, "{template:?}");
            assert!(shape.keys.is_empty(), "an empty record has no values");
        }
    }

    #[test]
    fn optional_rows_and_columns_appear_only_when_present() {
        let mut r = report(Template::T2021);
        fill(&mut r, "applications", "denied_subtotal", "total", 3);
        fill(
            &mut r,
            "applications",
            "new_received",
            LEGAL_PERSON_SUBTOTAL,
            1,
        );
        fill(&mut r, "applications", "mystery_row", "total", 9);
        let shape = shape(&r);
        let keys = value_keys(&shape);
        assert!(keys.contains(&"applications.denied_subtotal.total".to_string()));
        assert!(keys.contains(&"applications.granted.legal_person_subtotal".to_string()));
        assert_eq!(
            shape.grids.len(),
            4,
            "cells outside the template get a grid"
        );
        assert_eq!(shape.keys.len(), 3);
        let plain = value_keys(&super::shape(&report(Template::T2021)));
        assert!(!plain.iter().any(|k| k.contains("subtotal")));
    }

    #[test]
    fn every_row_of_a_grid_is_as_wide_as_its_header() {
        for template in [Template::T2021, Template::T2019] {
            let mut r = report(template);
            fill(&mut r, "applications", "unable_subtotal", "total", 3);
            fill(
                &mut r,
                "applications",
                "new_received",
                LEGAL_PERSON_SUBTOTAL,
                1,
            );
            for grid in shape(&r).grids {
                let rows: Vec<Vec<Cell>> = grid.head.iter().chain(&grid.body).cloned().collect();
                let widths = row_widths(&rows);
                let first = widths[0];
                assert!(
                    widths.iter().all(|&w| w == first),
                    "{template:?} {}: {widths:?}",
                    grid.title
                );
            }
        }
    }
}

//! Table 三 `applications`: 25 (or 23) rows × 7 applicant columns, found by
//! row label; values placed by column header where the page gives a grid, by
//! position only when the row holds exactly the template's number of cells.

use std::collections::HashMap;

use super::columns::{applicant_column, column_headers};
use super::rows::{Cell, Fit, Row, fit};
use super::solver::{Stated, Target, stated_in_words};
use super::{CellKind, Extraction};
use crate::flatten::{Block, Document};
use crate::model::Template;
use crate::template::{
    APPLICANT_COLUMNS, ApplicationLabel, Group, LEGAL_PERSON_SUBTOTAL, application_label,
    application_rows,
};

const TABLE: &str = "applications";

pub fn extract(rows: &[Row], doc: &Document, template: Template, out: &mut Extraction) {
    let mut group: Option<Group> = None;
    let mut headers = GridHeaders::default();
    let mut subtotal_at: Option<usize> = None;
    let mut inside = false;
    // A template row has been read: header words are behind.
    let mut seen_rows = false;
    for row in rows {
        let mut own = None;
        for label in &row.labels {
            let class = application_label(label, group);
            group = match class {
                Some(ApplicationLabel::Group(g)) => Some(g),
                Some(ApplicationLabel::Row(key)) => group_of_row(key),
                Some(ApplicationLabel::Results) => None,
                None => group,
            };
            if label.contains("申请人情况") || label == "自然人" {
                inside = true; // the table's own header
            }
            // 小计 in the header is a column; as a row's own label (under a
            // group heading that spans its rows) it is that group's subtotal.
            if label.contains("小计") && subtotal_at.is_none() && !seen_rows {
                subtotal_at = Some(text_subtotal_position(&row.labels));
            }
            // A group heading's spanned cell may come after the item's own
            // label when a page's spans are off: the item names the row.
            // (In a text dump, labels on lines of their own may be rows of
            // their own, so there the last one names the row.)
            own = match (own, class) {
                (Some(ApplicationLabel::Row(item)), Some(ApplicationLabel::Group(_)))
                    if row.grid_row.is_some() =>
                {
                    Some(ApplicationLabel::Row(item))
                }
                _ => class,
            };
        }
        if row.values.is_empty() {
            continue;
        }
        if own.is_none() {
            own = wrapped_label(&row.labels, group);
        }
        let is_subtotal_label = matches!(row.label(), Some("小计" | "合计"));
        if own.is_none()
            && is_subtotal_label
            && let Some(g) = group
        {
            own = Some(ApplicationLabel::Group(g));
        }
        let key = match own {
            Some(ApplicationLabel::Row(key)) => key,
            Some(ApplicationLabel::Group(Group::Other)) if template == Template::T2019 => {
                "other_processing"
            }
            Some(ApplicationLabel::Group(g)) => g.subtotal_key(),
            _ => {
                if inside && row.label().is_some_and(|l| l.chars().count() < 60) {
                    out.warn(
                        "extra_row",
                        Some(TABLE.to_string()),
                        format!(
                            "row {:?} in table 三 is not a template row; its values were not used",
                            row.label().unwrap_or_default()
                        ),
                    );
                }
                continue;
            }
        };
        if key == "new_received" {
            inside = true;
        }
        seen_rows = true;
        if !inside && key != "carried_over" {
            // Result labels in prose or another table before table 三 begins.
            continue;
        }
        if out.is_located(TABLE, key) {
            out.warn(
                "duplicate_row",
                Some(format!("{TABLE}.{key}")),
                format!("row {key} appears again on the page; the first one was kept"),
            );
            continue;
        }
        let columns = headers.columns_for(doc, rows, row);
        place_row(row, key, columns.as_deref(), subtotal_at, out);
        if key == "carried_forward" {
            inside = false;
        }
    }
    let rows = application_rows(template);
    if !rows.iter().any(|key| out.is_located(TABLE, key))
        && let Some(sentence) = stated_in_words(doc, Stated::Applications)
    {
        out.stated(TABLE, rows, &APPLICANT_COLUMNS, &sentence);
        return;
    }
    for key in rows {
        if !out.is_located(TABLE, key) {
            out.missing_row(TABLE, key, &APPLICANT_COLUMNS);
        }
    }
}

/// A label that PDF conversion wrapped over two or three lines
/// (`(二)部分公开(区分处理的,只计这一情` / `形,不计其他情形)`): the last
/// labels joined, shortest join first.
fn wrapped_label(labels: &[String], group: Option<Group>) -> Option<ApplicationLabel> {
    (2..=3.min(labels.len())).find_map(|n| {
        let joined = labels[labels.len() - n..].concat();
        match application_label(&joined, group)? {
            found @ ApplicationLabel::Row(_) => Some(found),
            _ => None,
        }
    })
}

/// The result group a row belongs to, if any.
fn group_of_row(key: &str) -> Option<Group> {
    Group::ALL
        .into_iter()
        .find(|g| key.starts_with(g.prefix()) && key != "other_processing")
}

/// Places a row's values on columns: by grid header when every value cell has
/// a known header, else by position when the count is the template's.
fn place_row(
    row: &Row,
    key: &'static str,
    headers: Option<&[Option<&'static str>]>,
    subtotal_at: Option<usize>,
    out: &mut Extraction,
) {
    if let Some(headers) = headers {
        let mapped: Vec<(&'static str, &Cell)> = row
            .values
            .iter()
            .filter_map(|c| Some((headers.get(c.column?).copied().flatten()?, c)))
            .collect();
        let has_all = APPLICANT_COLUMNS
            .iter()
            .all(|col| mapped.iter().filter(|(c, _)| c == col).count() == 1);
        // A header that lost its spans (Markdown exports) can map columns to
        // the wrong cells; a real one lists them in the template's order.
        let in_order = mapped
            .iter()
            .filter(|(c, _)| *c != LEGAL_PERSON_SUBTOTAL)
            .map(|(c, _)| APPLICANT_COLUMNS.iter().position(|k| k == c))
            .is_sorted();
        if has_all && in_order && mapped.len() == row.values.iter().filter(|c| !c.is_copy).count() {
            for (col, cell) in mapped {
                out.put(TABLE, key, col, cell, CellKind::Count);
            }
            return;
        }
    }
    let all = row.values_without_colspan_copies();
    let own: Vec<&Cell> = row.values.iter().filter(|c| !c.is_copy).collect();
    let mut columns = APPLICANT_COLUMNS.to_vec();
    if let Some(at) = subtotal_at {
        columns.insert(at, LEGAL_PERSON_SUBTOTAL);
    }
    let mut ambiguous = None;
    for candidate in [all, own] {
        match fit(&candidate, columns.len()) {
            Fit::Cells(cells) => {
                for (col, cell) in columns.iter().zip(cells) {
                    out.put(TABLE, key, col, cell, CellKind::Count);
                }
                return;
            }
            Fit::Ambiguous(n) => ambiguous = Some(n),
            Fit::Mismatch => {}
        }
    }
    let own: Vec<&Cell> = row.values.iter().filter(|c| !c.is_copy).collect();
    if ambiguous.is_none() && out.defer_values(Target::Row(TABLE, key), &columns, &own) {
        return;
    }
    let expected = format!("{} applicant columns", columns.len());
    match ambiguous {
        Some(n) => out.ambiguous_row(TABLE, key, &columns, n),
        None => out.unplaceable_row(TABLE, key, &columns, row.values.len(), &expected),
    }
}

/// In a text dump the header words come in reading order: 小计 after 其他
/// means the subtotal column follows the five organisations, otherwise it
/// precedes them.
fn text_subtotal_position(labels: &[String]) -> usize {
    let subtotal = labels.iter().position(|l| l.contains("小计"));
    let other = labels.iter().position(|l| l == "其他");
    match (subtotal, other) {
        (Some(s), Some(o)) if s > o => 6,
        _ => 1,
    }
}

/// Column headers of each grid, computed once per grid.
#[derive(Default)]
struct GridHeaders {
    cache: HashMap<usize, Vec<Option<&'static str>>>,
}

impl GridHeaders {
    fn columns_for(
        &mut self,
        doc: &Document,
        rows: &[Row],
        row: &Row,
    ) -> Option<Vec<Option<&'static str>>> {
        row.grid_row?;
        if let Some(cols) = self.cache.get(&row.block) {
            return Some(cols.clone());
        }
        let Block::Table(grid) = &doc.blocks[row.block] else {
            return None;
        };
        let first_data = rows
            .iter()
            .filter(|r| r.block == row.block && !r.values.is_empty())
            .filter_map(|r| r.grid_row)
            .min()?;
        let cols: Vec<Option<&'static str>> = column_headers(grid, first_data)
            .iter()
            .map(|h| applicant_column(h))
            .collect();
        self.cache.insert(row.block, cols.clone());
        Some(cols)
    }
}

//! Table 四 `review_litigation`: fifteen cells under a two- or three-level
//! header (行政复议 / 行政诉讼 → 未经复议直接起诉 / 复议后起诉 → 结果维持 …).
//! Placed by grid header when the page gives one, by label when each row
//! carries its own group label, in source order only when exactly fifteen
//! values follow the header.

use super::columns::{column_headers, review_cell, review_row};
use super::meta::{Section, section_heading};
use super::rows::{Cell, Row};
use super::solver::{Stated, Target, stated_in_words};
use super::{CellKind, Extraction};
use crate::flatten::{Block, Document};
use crate::template::{REVIEW_COLUMNS, REVIEW_ROWS};

const TABLE: &str = "review_litigation";
const CELLS: usize = REVIEW_ROWS.len() * REVIEW_COLUMNS.len();

/// `from`: the first row after table 三, so that prose before it is not read.
pub fn extract(rows: &[Row], from: usize, doc: &Document, out: &mut Extraction) {
    let Some(start) = rows.iter().skip(from).position(is_header).map(|i| i + from) else {
        absent(doc, out);
        return;
    };
    // The value rows: from the header on, until fifteen cells or the next section.
    let next_section = next_section_block(doc, rows[start].block);
    let mut values: Vec<(&Row, &Cell)> = Vec::new();
    let mut value_rows: Vec<&Row> = Vec::new();
    for row in &rows[start..] {
        let ended = row.labels.iter().any(|l| ends_table(l)) || row.block >= next_section;
        if ended && !value_rows.is_empty() {
            break;
        }
        if row.values.is_empty() {
            continue;
        }
        value_rows.push(row);
        values.extend(row.values.iter().map(|c| (row, c)));
        if values.len() >= CELLS {
            break;
        }
    }
    if values.is_empty() {
        // A heading and no table under it.
        absent(doc, out);
        return;
    }
    if by_grid_header(doc, rows, &value_rows, out)
        || by_row_label(rows, &value_rows, out)
        || in_source_order(&values, out)
    {
        return;
    }
    let own: Vec<&Cell> = values
        .iter()
        .map(|(_, c)| *c)
        .filter(|c| !c.is_copy)
        .collect();
    if out.defer_values(Target::Review, &REVIEW_COLUMNS, &own) {
        return;
    }
    let found = values.len();
    for row in REVIEW_ROWS {
        out.unplaceable_row(TABLE, row, &REVIEW_COLUMNS, found, "15 values");
    }
}

/// The table's header (a `行政复议` cell of its own, the `结果维持` column, or
/// `行政复议行政诉讼` glued by PDF conversion) or its section heading.
fn is_header(row: &Row) -> bool {
    row.labels.iter().any(|l| {
        l == "行政复议"
            || l.contains("结果维持")
            || (l.starts_with("行政复议") && l.contains("行政诉讼") && l.chars().count() <= 12)
            || section_heading(l) == Some(Section::Review)
    })
}

/// The first text block after `from` that opens a section after table 四
/// (its label may be lost among the prose lines that follow it).
fn next_section_block(doc: &Document, from: usize) -> usize {
    doc.blocks
        .iter()
        .enumerate()
        .skip(from + 1)
        .find(|(_, b)| matches!(b, Block::Text(t) if t.chars().count() <= 45 && ends_table(t)))
        .map_or(usize::MAX, |(i, _)| i)
}

/// Labels that end table 四: the next sections.
fn ends_table(label: &str) -> bool {
    label.contains("存在的主要问题") || label.contains("其他需要报告") || label.contains("改进情况")
}

/// No table 四 on the page: a sentence may state it, else its rows are missing.
fn absent(doc: &Document, out: &mut Extraction) {
    match stated_in_words(doc, Stated::Review) {
        Some(sentence) => out.stated(TABLE, &REVIEW_ROWS, &REVIEW_COLUMNS, &sentence),
        None => missing(out),
    }
}

fn missing(out: &mut Extraction) {
    for row in REVIEW_ROWS {
        out.missing_row(TABLE, row, &REVIEW_COLUMNS);
    }
}

/// Every value sits under a header naming its (row, column), each exactly once.
fn by_grid_header(doc: &Document, rows: &[Row], value_rows: &[&Row], out: &mut Extraction) -> bool {
    let mut placed: Vec<(&'static str, &'static str, &Cell)> = Vec::new();
    for row in value_rows {
        let (Some(_), Block::Table(grid)) = (row.grid_row, &doc.blocks[row.block]) else {
            return false;
        };
        let first_data = rows
            .iter()
            .filter(|r| r.block == row.block && !r.values.is_empty())
            .filter_map(|r| r.grid_row)
            .min()
            .unwrap_or(0);
        let headers = column_headers(grid, first_data);
        for cell in row.values.iter().filter(|c| !c.is_copy) {
            let Some(at) = cell.column.and_then(|c| headers.get(c)) else {
                return false;
            };
            let Some((r, c)) = review_cell(at) else {
                return false;
            };
            placed.push((r, c, cell));
        }
    }
    let complete = REVIEW_ROWS.iter().all(|r| {
        REVIEW_COLUMNS.iter().all(|c| {
            placed
                .iter()
                .filter(|(pr, pc, _)| pr == r && pc == c)
                .count()
                == 1
        })
    });
    if complete {
        for (r, c, cell) in placed {
            out.put(TABLE, r, c, cell, CellKind::Count);
        }
    }
    complete
}

/// Three rows of five values, each under a label or heading naming its group
/// (the label may sit on the row or on the heading line just above it).
fn by_row_label(rows: &[Row], value_rows: &[&Row], out: &mut Extraction) -> bool {
    let mut found: Vec<(&'static str, &Row)> = Vec::new();
    for row in value_rows {
        let own = row.labels.iter().rev().find_map(|l| review_row(l));
        let above = || {
            let at = rows.iter().position(|r| std::ptr::eq(r, *row))?;
            rows[..at]
                .iter()
                .rev()
                .take_while(|r| r.values.is_empty())
                .flat_map(|r| r.labels.iter().rev())
                .find_map(|l| review_row(l))
        };
        let Some(group) = own.or_else(above) else {
            return false;
        };
        if row.values_without_colspan_copies().len() != REVIEW_COLUMNS.len() {
            return false;
        }
        found.push((group, row));
    }
    let complete = found.len() == REVIEW_ROWS.len()
        && REVIEW_ROWS
            .iter()
            .all(|r| found.iter().filter(|(g, _)| g == r).count() == 1);
    if complete {
        for (group, row) in found {
            for (col, cell) in REVIEW_COLUMNS
                .iter()
                .zip(row.values_without_colspan_copies())
            {
                out.put(TABLE, group, col, cell, CellKind::Count);
            }
        }
    }
    complete
}

/// Exactly fifteen values after the header: the template's source order.
fn in_source_order(values: &[(&Row, &Cell)], out: &mut Extraction) -> bool {
    let own: Vec<&Cell> = values
        .iter()
        .map(|(_, c)| *c)
        .filter(|c| !c.is_copy)
        .collect();
    if own.len() != CELLS {
        return false;
    }
    let keys = REVIEW_ROWS
        .iter()
        .flat_map(|r| REVIEW_COLUMNS.iter().map(move |c| (*r, *c)));
    for ((r, c), cell) in keys.zip(own) {
        out.put(TABLE, r, c, cell, CellKind::Count);
    }
    true
}

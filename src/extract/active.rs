//! Table 二 `active_disclosure`: a handful of rows named by short labels
//! (规章, 行政许可 …), each with one to three values in template order.

use super::rows::{Cell, Fit, Row, fit};
use super::solver::Target;
use super::value::CellValue;
use super::{CellKind, Extraction};
use crate::model::{Template, Value};
use crate::template::{
    active_rows, is_amount_column, is_signed_column, strip_item_number, strip_notes,
};

const TABLE: &str = "active_disclosure";

pub fn extract(rows: &[Row], template: Template, out: &mut Extraction) {
    let specs = active_rows(template);
    let mut amount_unit: Option<Option<&'static str>> = None;
    let mut matched: Vec<usize> = Vec::new();
    let mut unmatched: Vec<usize> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.values.is_empty() {
            continue;
        }
        let Some(label) = row.label() else { continue };
        let bare = strip_notes(strip_item_number(label));
        let Some(spec) = specs.iter().find(|s| s.labels.contains(&bare.as_str())) else {
            unmatched.push(i);
            continue;
        };
        matched.push(i);
        if out.is_located(TABLE, spec.key) {
            continue;
        }
        let own: Vec<&Cell> = row.values.iter().filter(|c| !c.is_copy).collect();
        let all = row.values_without_colspan_copies();
        let fits = [own, all].map(|c| fit(&c, spec.columns.len()));
        let cells = match fits {
            [Fit::Cells(cells), _] | [_, Fit::Cells(cells)] => cells,
            [Fit::Ambiguous(n), _] | [_, Fit::Ambiguous(n)] => {
                out.ambiguous_row(TABLE, spec.key, spec.columns, n);
                continue;
            }
            _ if out.defer_values(Target::Row(TABLE, spec.key), spec.columns, &own_cells(row)) => {
                continue;
            }
            _ => {
                out.unplaceable_row(
                    TABLE,
                    spec.key,
                    spec.columns,
                    row.values.len(),
                    &format!("{} value(s)", spec.columns.len()),
                );
                continue;
            }
        };
        for (&col, cell) in spec.columns.iter().zip(cells) {
            let kind = if is_amount_column(col) {
                CellKind::Amount
            } else if is_signed_column(col) {
                CellKind::Signed
            } else {
                CellKind::Count
            };
            out.put(TABLE, spec.key, col, cell, kind);
            if col == "amount"
                && let CellValue::Number(_, unit) = cell.value
            {
                amount_unit = Some(unit);
            }
        }
    }
    report_extra_rows(rows, &matched, &unmatched, out);
    for spec in specs {
        if !out.is_located(TABLE, spec.key) {
            out.missing_row(TABLE, spec.key, spec.columns);
        }
    }
    if template == Template::T2019 {
        let unit = amount_unit.flatten().map(|u| Value::Text(u.to_string()));
        out.set(TABLE, "procurement", "amount_unit", unit);
    }
}

fn own_cells(row: &Row) -> Vec<&Cell> {
    row.values.iter().filter(|c| !c.is_copy).collect()
}

/// Rows inside table 二 that are not template rows (e.g. `其他主动公开文件`):
/// kept out of the data, but reported with their values.
fn report_extra_rows(rows: &[Row], matched: &[usize], unmatched: &[usize], out: &mut Extraction) {
    let (Some(&first), Some(&last)) = (matched.first(), matched.last()) else {
        return;
    };
    let blocks: Vec<usize> = matched.iter().map(|&i| rows[i].block).collect();
    for &i in unmatched {
        let row = &rows[i];
        let inside =
            (first..=last).contains(&i) || (row.grid_row.is_some() && blocks.contains(&row.block));
        if !inside {
            continue;
        }
        let values: Vec<&str> = row.values.iter().map(|c| c.text.as_str()).collect();
        out.warn(
            "extra_row",
            Some(TABLE.to_string()),
            format!(
                "row {:?} in table 二 is not a template row; its values [{}] were not used",
                row.label().unwrap_or_default(),
                values.join(", ")
            ),
        );
    }
}

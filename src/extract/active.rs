//! Table 二 `active_disclosure`: a handful of rows named by short labels
//! (规章, 行政许可 …), each with one to three values in template order.

use super::rows::{Cell, Row};
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
    for row in rows {
        if row.values.is_empty() {
            continue;
        }
        let Some(label) = row.label() else { continue };
        let bare = strip_notes(strip_item_number(label));
        let Some(spec) = specs.iter().find(|s| s.labels.contains(&bare.as_str())) else {
            continue;
        };
        if out.is_located(TABLE, spec.key) {
            continue;
        }
        let own: Vec<&Cell> = row.values.iter().filter(|c| !c.is_copy).collect();
        let all = row.values_without_colspan_copies();
        let Some(cells) = [own, all]
            .into_iter()
            .find(|c| c.len() == spec.columns.len())
        else {
            out.unplaceable_row(
                TABLE,
                spec.key,
                spec.columns,
                row.values.len(),
                &format!("{} value(s)", spec.columns.len()),
            );
            continue;
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

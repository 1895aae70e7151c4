//! Wide CSV: one line per report, one column per cell (`table.row.column`).
//!
//! The cell columns are fixed by the templates, not by the reports in hand,
//! so a script written against one file reads every other file the same way:
//! templates 2019 and 2021 share the union of their cells, in template order.

use std::collections::HashSet;
use std::io::{self, Write};

use crate::model::{Report, Template, Value};
use crate::template::{
    APPLICANT_COLUMNS, Group, LEGAL_PERSON_SUBTOTAL, REVIEW_COLUMNS, REVIEW_ROWS, active_rows,
    application_rows, cell_label, is_amount_column,
};

use super::{Options, io_error, text_cell};

/// The record columns before the cells, in output order.
pub const RECORD_COLUMNS: [&str; 25] = [
    "report",
    "source.path",
    "source.url",
    "source.final_url",
    "source.found_on",
    "source.original_url",
    "source.http_status",
    "source.content_type",
    "source.fetched_at",
    "source.encoding",
    "source.format",
    "source.sha256",
    "source.bytes",
    "source.attachment_url",
    "meta.title",
    "meta.agency",
    "meta.year",
    "meta.published",
    "meta.template",
    "status",
    "reason",
    "checks.failed",
    "checks.failed_ids",
    "checks.unassessed",
    "warnings",
];

/// [`RECORD_COLUMNS`] in Chinese, for `--labels zh`.
const RECORD_COLUMNS_ZH: [&str; 25] = [
    "报告",
    "来源.文件",
    "来源.网址",
    "来源.最终网址",
    "来源.所在列表页",
    "来源.原始网址",
    "来源.HTTP状态码",
    "来源.内容类型",
    "来源.抓取时间",
    "来源.编码",
    "来源.格式",
    "来源.SHA256",
    "来源.字节数",
    "来源.附件网址",
    "标题",
    "发布机关",
    "年度",
    "发布日期",
    "模板",
    "状态",
    "原因",
    "校验.未通过数",
    "校验.未通过项",
    "校验.无法判断数",
    "警告数",
];

/// Record columns that hold whole numbers; the others hold text.
const RECORD_INTEGER_COLUMNS: [&str; 6] = [
    "source.http_status",
    "source.bytes",
    "meta.year",
    "checks.failed",
    "checks.unassessed",
    "warnings",
];

/// The language of the wide CSV's header.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Labels {
    /// The keys: `applications.new_received.natural_person`.
    #[default]
    Keys,
    /// The template's Chinese labels: `三.一、本年新收政府信息公开申请数量.自然人`.
    Chinese,
}

/// One column of the wide CSV: its key, its Chinese label, the templates
/// that have it (empty for record columns) and the kind of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub key: String,
    pub label_zh: String,
    pub templates: &'static str,
    /// `integer`, `decimal` or `text`.
    pub kind: &'static str,
}

/// Every fixed column of the wide CSV, in output order.
pub fn columns() -> Vec<Column> {
    let record = RECORD_COLUMNS
        .iter()
        .zip(RECORD_COLUMNS_ZH)
        .map(|(key, zh)| Column {
            key: key.to_string(),
            label_zh: zh.to_string(),
            templates: "",
            kind: if RECORD_INTEGER_COLUMNS.contains(key) {
                "integer"
            } else {
                "text"
            },
        });
    let cells = cell_columns().into_iter().map(|(table, row, column)| {
        let key = format!("{table}.{row}.{column}");
        Column {
            label_zh: cell_label(table, row, column).unwrap_or_else(|| key.clone()),
            key,
            templates: templates_of(table, row, column),
            kind: if column == "amount_unit" {
                "text"
            } else if is_amount_column(column) {
                "decimal"
            } else {
                "integer"
            },
        }
    });
    record.chain(cells).collect()
}

/// Writes [`columns`] as CSV: `column,label_zh,templates,type`.
pub fn write_columns<W: Write>(out: W) -> io::Result<()> {
    columns_csv(out).map_err(io_error)
}

fn columns_csv<W: Write>(out: W) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["column", "label_zh", "templates", "type"])?;
    for c in columns() {
        w.write_record([c.key.as_str(), &c.label_zh, c.templates, c.kind])?;
    }
    Ok(w.flush()?)
}

/// Which templates have a cell: `2021`, `2019` or `2021 2019`.
fn templates_of(table: &str, row: &str, column: &str) -> &'static str {
    let has = |t: Template| match table {
        "active_disclosure" => active_rows(t).iter().any(|r| {
            r.key == row
                && (r.columns.contains(&column)
                    || (column == "amount_unit" && r.columns.contains(&"amount")))
        }),
        // Subtotal rows and the 小计 column are a page's additions to either.
        "applications" => application_rows(t).contains(&row) || row.ends_with("_subtotal"),
        _ => true,
    };
    match (has(Template::T2021), has(Template::T2019)) {
        (true, true) => "2021 2019",
        (true, false) => "2021",
        (false, true) => "2019",
        (false, false) => "",
    }
}

/// Separates the ids in `checks.failed_ids`.
pub const ID_SEPARATOR: &str = ";";

/// Every cell column of the wide CSV as `(table, row, column)`, in output order.
///
/// Table 二: rows in template order (2019's `other_services` after
/// `licensing`, `procurement` last), each row's columns in template order with
/// a 2019-only column placed beside its 2019 neighbours, and
/// `procurement.amount_unit` right after `procurement.amount`. Table 三: the
/// 2021 rows with 2019's `other_processing` before the 2021 `other_*` items,
/// and each group's subtotal row before the group's first item; columns are
/// the applicant columns with `legal_person_subtotal` before `total`.
/// Table 四: rows × columns in source order.
pub fn cell_columns() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();

    let active = |t: Template| active_rows(t).iter().map(|r| r.key).collect::<Vec<_>>();
    for row in ordered_union(&active(Template::T2021), &active(Template::T2019)) {
        let columns_of = |t: Template| -> Vec<&'static str> {
            active_rows(t)
                .iter()
                .find(|r| r.key == row)
                .map(|r| r.columns.to_vec())
                .unwrap_or_default()
        };
        let mut columns = ordered_union(&columns_of(Template::T2021), &columns_of(Template::T2019));
        if let Some(at) = columns.iter().position(|c| *c == "amount") {
            columns.insert(at + 1, "amount_unit");
        }
        out.extend(columns.into_iter().map(|c| ("active_disclosure", row, c)));
    }

    let mut applicant_columns = APPLICANT_COLUMNS.to_vec();
    applicant_columns.insert(applicant_columns.len() - 1, LEGAL_PERSON_SUBTOTAL);
    let rows = ordered_union(
        application_rows(Template::T2021),
        application_rows(Template::T2019),
    );
    for row in rows {
        for group in Group::ALL {
            if group.items(Template::T2021).first() == Some(&row) {
                let subtotal = group.subtotal_key();
                out.extend(
                    applicant_columns
                        .iter()
                        .map(|c| ("applications", subtotal, *c)),
                );
            }
        }
        out.extend(applicant_columns.iter().map(|c| ("applications", row, *c)));
    }

    for row in REVIEW_ROWS {
        out.extend(
            REVIEW_COLUMNS
                .iter()
                .map(|c| ("review_litigation", row, *c)),
        );
    }
    out
}

/// `first`, with each item of `second` it lacks placed after its predecessor
/// in `second` (or before its successor, or at the end): the union keeps the
/// order of both lists wherever they agree.
fn ordered_union(first: &[&'static str], second: &[&'static str]) -> Vec<&'static str> {
    let mut out = first.to_vec();
    for (i, item) in second.iter().enumerate() {
        if out.contains(item) {
            continue;
        }
        let after_previous = i
            .checked_sub(1)
            .and_then(|p| out.iter().position(|x| *x == second[p]))
            .map(|p| p + 1);
        let before_next = || {
            second[i + 1..]
                .iter()
                .find_map(|next| out.iter().position(|x| x == next))
        };
        let at = after_previous.or_else(before_next).unwrap_or(out.len());
        out.insert(at, item);
    }
    out
}

/// Cells some report holds that no template names (none today), so they are
/// appended after the fixed columns rather than dropped.
fn extra_columns(
    reports: &[Report],
    fixed: &[(&'static str, &'static str, &'static str)],
) -> Vec<(&'static str, String, String)> {
    let known: HashSet<(&str, &str, &str)> = fixed.iter().copied().collect();
    let mut seen = HashSet::new();
    let mut extra = Vec::new();
    for report in reports {
        for (table, rows) in report.tables() {
            for (row, cols) in rows {
                for col in cols.keys() {
                    let key = (table, row.as_str(), col.as_str());
                    if !known.contains(&key) && seen.insert(key) {
                        extra.push((table, row.clone(), col.clone()));
                    }
                }
            }
        }
    }
    extra
}

/// Writes the wide CSV: the header, then one line per report.
pub fn write<W: Write>(out: W, reports: &[Report], options: &Options) -> io::Result<()> {
    write_csv(out, reports, options).map_err(io_error)
}

fn write_csv<W: Write>(out: W, reports: &[Report], options: &Options) -> csv::Result<()> {
    let fixed = cell_columns();
    let extra = extra_columns(reports, &fixed);
    let cells: Vec<(&str, &str, &str)> = fixed
        .iter()
        .copied()
        .chain(extra.iter().map(|(t, r, c)| (*t, r.as_str(), c.as_str())))
        .collect();

    let mut w = csv::Writer::from_writer(out);
    let header = columns()
        .into_iter()
        .map(|c| match options.labels {
            Labels::Keys => c.key,
            Labels::Chinese => c.label_zh,
        })
        .chain(extra.iter().map(|(t, r, c)| format!("{t}.{r}.{c}")));
    w.write_record(header)?;
    for report in reports {
        let mut record = record_fields(report, options);
        for (table, row, column) in &cells {
            let value = table_of(report, table)
                .and_then(|t| t.get(*row))
                .and_then(|cols| cols.get(*column))
                .and_then(Option::as_ref);
            record.push(match value {
                None => String::new(),
                Some(Value::Number(n)) => n.as_str().to_string(),
                Some(Value::Text(t)) => text_cell(t, options).into_owned(),
            });
        }
        w.write_record(&record)?;
    }
    Ok(w.flush()?)
}

fn table_of<'a>(report: &'a Report, name: &str) -> Option<&'a crate::model::Table> {
    report
        .tables()
        .into_iter()
        .find(|(t, _)| *t == name)
        .map(|(_, table)| table)
}

/// The values of [`RECORD_COLUMNS`] for one report.
fn record_fields(report: &Report, options: &Options) -> Vec<String> {
    let text = |s: Option<&str>| text_cell(s.unwrap_or(""), options).into_owned();
    let number = |n: Option<String>| n.unwrap_or_default();
    let source = &report.source;
    let meta = &report.meta;
    let failed: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.ok == Some(false))
        .map(|c| c.id.as_str())
        .collect();
    let unassessed = report.checks.iter().filter(|c| c.ok.is_none()).count();
    vec![
        text(Some(source.name())),
        text(source.path.as_deref()),
        text(source.url.as_deref()),
        text(source.final_url.as_deref()),
        text(source.found_on.as_deref()),
        text(source.original_url.as_deref()),
        number(source.http_status.map(|s| s.to_string())),
        text(source.content_type.as_deref()),
        text(source.fetched_at.as_deref()),
        text(source.encoding.as_deref()),
        text(source.format.as_deref()),
        text(source.sha256.as_deref()),
        number(source.bytes.map(|b| b.to_string())),
        text(source.attachment_url.as_deref()),
        text(meta.title.as_deref()),
        text(meta.agency.as_deref()),
        number(meta.year.map(|y| y.to_string())),
        text(meta.published.as_deref()),
        meta.template.as_str().to_string(),
        report.status.as_str().to_string(),
        text(report.reason.as_deref()),
        failed.len().to_string(),
        text(Some(&failed.join(ID_SEPARATOR))),
        unassessed.to_string(),
        report.warnings.len().to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_union_keeps_both_orders() {
        assert_eq!(
            ordered_union(&["decisions"], &["prev_year_items", "change", "decisions"]),
            ["prev_year_items", "change", "decisions"]
        );
        assert_eq!(
            ordered_union(&["a", "b"], &["c", "d"]),
            ["a", "b", "c", "d"]
        );
        assert_eq!(
            ordered_union(&["a", "c", "e"], &["a", "b", "c", "d", "e"]),
            ["a", "b", "c", "d", "e"]
        );
    }

    #[test]
    fn every_column_has_a_unique_chinese_label() {
        let columns = columns();
        assert_eq!(columns.len(), RECORD_COLUMNS.len() + cell_columns().len());
        let labels: HashSet<&str> = columns.iter().map(|c| c.label_zh.as_str()).collect();
        assert_eq!(labels.len(), columns.len(), "a Chinese label appears twice");
        for c in &columns {
            assert!(!c.label_zh.contains('_'), "{}: no template label", c.key);
        }
        let find = |key: &str| columns.iter().find(|c| c.key == key).unwrap();
        let granted = find("applications.granted.total");
        assert_eq!(granted.label_zh, "三.（一）予以公开.总计");
        assert_eq!((granted.templates, granted.kind), ("2021 2019", "integer"));
        let fees = find("active_disclosure.fees.amount_wan_yuan");
        assert_eq!((fees.templates, fees.kind), ("2021", "decimal"));
        let unit = find("active_disclosure.procurement.amount_unit");
        assert_eq!((unit.templates, unit.kind), ("2019", "text"));
        assert_eq!(
            find("applications.other_processing.total").templates,
            "2019"
        );
        assert_eq!(
            find("applications.denied_subtotal.total").templates,
            "2021 2019"
        );
        assert_eq!(find("meta.year").kind, "integer");
        assert_eq!(find("meta.agency").label_zh, "发布机关");
    }

    #[test]
    fn cell_columns_cover_both_templates_once() {
        let columns = cell_columns();
        let unique: HashSet<_> = columns.iter().collect();
        assert_eq!(unique.len(), columns.len(), "a column appears twice");
        for template in [Template::T2021, Template::T2019] {
            for row in active_rows(template) {
                for col in row.columns {
                    assert!(unique.contains(&("active_disclosure", row.key, *col)));
                }
            }
            for row in application_rows(template) {
                for col in APPLICANT_COLUMNS {
                    assert!(unique.contains(&("applications", *row, col)));
                }
            }
        }
        // 2021: 10 cells; 2019: 22 cells; shared: licensing, punishment and
        // coercion `decisions`; plus amount_unit.
        let active = columns
            .iter()
            .filter(|c| c.0 == "active_disclosure")
            .count();
        assert_eq!(active, 10 + 22 - 3 + 1);
        // 26 rows (25 of 2021 + other_processing) and 4 subtotal rows, 8 columns.
        let applications = columns.iter().filter(|c| c.0 == "applications").count();
        assert_eq!(applications, (26 + 4) * 8);
        let position = |row: &str, col: &str| {
            columns
                .iter()
                .position(|c| c.1 == row && c.2 == col)
                .unwrap()
        };
        assert!(position("other_services", "change") > position("licensing", "decisions"));
        assert!(position("other_services", "change") < position("punishment", "decisions"));
        assert_eq!(
            position("procurement", "amount_unit"),
            position("procurement", "amount") + 1
        );
        assert!(position("other_processing", "total") < position("other_no_correction", "total"));
        assert!(position("denied_subtotal", "total") < position("denied_state_secret", "total"));
    }
}

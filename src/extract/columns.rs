//! Column headers of grids: which column of a table holds which SPEC column.

use crate::flatten::Grid;
use crate::flatten::normalize::key;

/// For each column of `grid`, the key-form text of its header cells in rows
/// `0..first_data_row`, joined top to bottom (a span repeats over the slots
/// it covers, so `法人或其他组织` heads each of its five columns).
pub fn column_headers(grid: &Grid, first_data_row: usize) -> Vec<String> {
    let width = grid.rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut headers = vec![String::new(); width];
    for row in grid.rows.iter().take(first_data_row) {
        for (c, cell) in row.iter().enumerate() {
            let k = key(&cell.text);
            if !k.is_empty() && !headers[c].ends_with(&k) {
                headers[c].push_str(&k);
            }
        }
    }
    headers
}

/// Table 三: the applicant column a header names.
pub fn applicant_column(header: &str) -> Option<&'static str> {
    // Specific words first: every 法人或其他组织 header contains 其他.
    const WORDS: &[(&str, &str)] = &[
        ("商业", "commercial_enterprise"),
        ("科研", "research_institution"),
        ("公益", "social_welfare_org"),
        ("法律服务", "legal_service_org"),
        ("小计", "legal_person_subtotal"),
        ("自然人", "natural_person"),
        ("总计", "total"),
        ("合计", "total"),
    ];
    if let Some((_, col)) = WORDS.iter().find(|(w, _)| header.contains(w)) {
        return Some(col);
    }
    header.ends_with("其他").then_some("other_org")
}

/// Table 四: the row (group) a label or header names: `行政复议`,
/// `未经复议直接起诉`, `复议后起诉`.
pub fn review_row(text: &str) -> Option<&'static str> {
    if text.contains("复议后") {
        Some("litigation_after_review")
    } else if text.contains("未经复议") || text.contains("直接起诉") {
        Some("litigation_direct")
    } else if text.contains("行政复议") && !text.contains("行政诉讼") {
        Some("review")
    } else {
        None
    }
}

/// Table 四: the (row, column) a header names, e.g. `行政诉讼复议后起诉结果维持`.
pub fn review_cell(header: &str) -> Option<(&'static str, &'static str)> {
    let row = review_row(header)?;
    let column = if header.contains("维持") {
        "upheld"
    } else if header.contains("纠正") {
        "corrected"
    } else if header.contains("其他") {
        "other"
    } else if header.contains("审结") {
        "pending"
    } else if header.contains("总计") || header.contains("合计") || header.contains("小计") {
        "total"
    } else {
        return None;
    };
    Some((row, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicant_headers() {
        assert_eq!(
            applicant_column("法人或其他组织商业企业"),
            Some("commercial_enterprise")
        );
        assert_eq!(applicant_column("法人或其他组织其他"), Some("other_org"));
        assert_eq!(applicant_column("申请人情况"), None);
        assert_eq!(applicant_column("总计"), Some("total"));
    }

    #[test]
    fn review_headers() {
        assert_eq!(review_cell("行政复议结果维持"), Some(("review", "upheld")));
        assert_eq!(
            review_cell("行政诉讼未经复议直接起诉尚未审结"),
            Some(("litigation_direct", "pending"))
        );
        assert_eq!(
            review_cell("行政诉讼复议后起诉总计"),
            Some(("litigation_after_review", "total"))
        );
    }
}

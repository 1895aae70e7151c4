//! Pages a crawl meets that are not annual reports, and why.

use super::rows::Row;
use crate::flatten::{Block, Document};
use crate::model::Link;

pub struct NotReport {
    pub reason: String,
    pub links: Vec<Link>,
}

const ATTACHMENT_EXTENSIONS: &[&str] = &[
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".zip", ".rar", ".ofd",
];

/// `None` when the page holds report tables; otherwise the kind of page it is.
pub fn classify(doc: &Document, rows: &[Row]) -> Option<NotReport> {
    if has_report_table(rows) {
        return None;
    }
    let text_chars: usize = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Text(t) => t.chars().count(),
            Block::Table(g) => g
                .rows
                .iter()
                .flatten()
                .map(|c| c.text.chars().count())
                .sum(),
        })
        .sum();
    if text_chars == 0 && doc.script_bytes == 0 {
        return Some(reason("the page has no text", Vec::new()));
    }
    let report_links: Vec<Link> = doc
        .links
        .iter()
        .filter(|l| is_report_title(&l.text) && has_year(&l.text) && !is_script_link(&l.href))
        .cloned()
        .collect();
    if report_links.len() >= 2 {
        return Some(reason(
            &format!(
                "a list page linking to {} annual reports",
                report_links.len()
            ),
            report_links,
        ));
    }
    let attachments: Vec<Link> = doc
        .links
        .iter()
        .filter(|l| {
            let href = l.href.to_ascii_lowercase();
            let path = href.split(['?', '#']).next().unwrap_or("");
            ATTACHMENT_EXTENSIONS.iter().any(|e| path.ends_with(e))
        })
        .cloned()
        .collect();
    if !attachments.is_empty() {
        return Some(reason(
            &format!(
                "the report is an attachment ({} linked file(s)), not tables on the page",
                attachments.len()
            ),
            attachments,
        ));
    }
    if doc.script_bytes > 2_000 && text_chars < 500 {
        return Some(reason(
            "a JavaScript shell: the page's content is loaded by script after it arrives",
            Vec::new(),
        ));
    }
    let mentions_report = doc
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Text(t) if is_report_title(t)));
    if mentions_report && doc.images > 0 {
        return Some(reason(
            &format!(
                "the report's tables are given as images ({} image(s))",
                doc.images
            ),
            Vec::new(),
        ));
    }
    if mentions_report {
        // A report whose tables are missing or free-form (e.g. before 2019):
        // extraction goes on with template `unknown`.
        return None;
    }
    Some(reason(
        "no table of the report template and no report sections were found",
        Vec::new(),
    ))
}

fn reason(text: &str, links: Vec<Link>) -> NotReport {
    NotReport {
        reason: text.to_string(),
        links,
    }
}

fn is_report_title(text: &str) -> bool {
    (text.contains("年度报告") || text.contains("年报")) && text.contains("信息公开")
}

fn has_year(text: &str) -> bool {
    text.as_bytes()
        .windows(4)
        .any(|w| w.starts_with(b"20") && w.iter().all(u8::is_ascii_digit))
}

fn is_script_link(href: &str) -> bool {
    href.trim_start()
        .to_ascii_lowercase()
        .starts_with("javascript:")
}

/// A located row of any of the three tables.
fn has_report_table(rows: &[Row]) -> bool {
    rows.iter().filter(|r| !r.values.is_empty()).any(|r| {
        r.labels.iter().any(|l| {
            l.contains("本年新收")
                || l.contains("结转下年度")
                || l.contains("结果维持")
                || l == "规章"
                || l.contains("本年制发件数")
                || l.contains("本年新制作数量")
        })
    })
}

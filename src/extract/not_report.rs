//! Pages a crawl meets that are not annual reports, and why.

use url::Url;

use super::rows::Row;
use crate::flatten::{Block, Document};
use crate::links;
use crate::model::Link;

pub struct NotReport {
    pub reason: String,
    pub links: Vec<Link>,
}

/// `None` when the page holds report tables; otherwise the kind of page it
/// is. `page_url` (where the page was fetched from) makes its links absolute.
pub fn classify(doc: &Document, rows: &[Row], page_url: Option<&Url>) -> Option<NotReport> {
    if has_report_table(rows) {
        return None;
    }
    let listing = links::read(doc, page_url);
    if listing.is_list(is_report_article(doc)) {
        return Some(NotReport {
            reason: listing.reason(),
            links: listing.links,
        });
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
    let attachments = links::document_links(doc, page_url);
    if !attachments.is_empty() {
        return Some(reason(
            &format!(
                "the report is an attachment ({} linked file(s)), not tables on the page",
                attachments.len()
            ),
            attachments,
        ));
    }
    // Little text, and either much script or a script that fetches data.
    if (doc.script_bytes > 2_000 || !listing.data_urls.is_empty()) && text_chars < 500 {
        let mut why = "a JavaScript shell: the page's content is loaded by script after it arrives"
            .to_string();
        if let Some(url) = listing.data_urls.first() {
            why.push_str(&format!(" (its scripts load data from {url})"));
        }
        return Some(reason(&why, Vec::new()));
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

/// A page whose own title is an annual report's (the HTML title, or a short
/// heading near the top that is no link's label): an article, not a list,
/// even when it links to its report as a file.
fn is_report_article(doc: &Document) -> bool {
    let is_title = |t: &str| links::is_report_title(t) && links::report_year(t).is_some();
    doc.title.as_deref().is_some_and(is_title)
        || doc
            .blocks
            .iter()
            .take(20)
            .filter_map(|b| match b {
                Block::Text(t) if t.chars().count() <= 80 => Some(t),
                _ => None,
            })
            .any(|t| {
                is_title(t)
                    && !doc
                        .links
                        .iter()
                        .any(|a| a.text == *t || a.title.as_deref() == Some(t))
            })
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

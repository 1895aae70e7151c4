//! Documents that are not annual reports, and why. The decision is made on
//! structure: a report holds the template's tables (rows with values, or the
//! row labels laid out), or (before 2019, when there was no template) the
//! report's numbered sections with text under them. Anything else — a list page, a notice or news item about the
//! reports, a guide, a table of contents, a bare title — is not a report,
//! however often it names one.

use std::collections::HashSet;

use url::Url;

use super::meta::{Section, section_named};
use super::rows::Row;
use crate::flatten::normalize::key;
use crate::flatten::{Block, Document};
use crate::links;
use crate::model::Link;
use crate::template::{ApplicationLabel, application_label};

pub struct NotReport {
    pub reason: String,
    pub links: Vec<Link>,
}

/// The first report year of the national template: from then on a report
/// without its tables is not the report.
const FIRST_TEMPLATE_YEAR: i32 = 2019;

/// `None` when the document is a report; otherwise the kind of page it is.
/// `year` is the report year the document names, if any; `page_url` (where
/// the page was fetched from) makes its links absolute.
pub fn classify(
    doc: &Document,
    rows: &[Row],
    year: Option<i32>,
    page_url: Option<&Url>,
) -> Option<NotReport> {
    if has_report_table(rows) || table_labels(doc) >= MIN_TABLE_LABELS {
        return None;
    }
    // What a link is, and so what a list page is, is decided in `links`.
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
    let files = links::document_links(doc, page_url, is_report_article(doc));
    if let Some(why) = links::attached_report_reason(&files) {
        return Some(reason(&why, files));
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
    let outline = Outline::of(doc);
    if outline.has_report_sections(MIN_SECTION_TEXT) {
        return match year {
            Some(year) if year >= FIRST_TEMPLATE_YEAR => Some(reason(
                &format!(
                    "the report's sections without any table of the template: a summary or \
                     excerpt of a {year} report (reports since {FIRST_TEMPLATE_YEAR} hold \
                     the tables; they may be in an image or an attachment)"
                ),
                Vec::new(),
            )),
            // A free-form report from before the template: extraction goes
            // on with template `unknown`, metadata and sections only.
            _ => None,
        };
    }
    // A report whose tables are pictures keeps its headings, with nothing
    // under those of the tables (so it is not taken for a summary above);
    // a news item with a photo has none.
    if mentions_report && doc.images > 0 && outline.has_report_sections(0) {
        return Some(reason(
            &format!(
                "the report's tables are given as images ({} image(s))",
                doc.images
            ),
            Vec::new(),
        ));
    }
    if mentions_report {
        return Some(reason(
            "it names an annual report but holds neither the report's tables nor its \
             sections with text under them (一、总体情况 …): a title, a table of \
             contents, a notice or a news item, not the report",
            Vec::new(),
        ));
    }
    Some(reason(
        "no table of the report template and no report sections were found",
        Vec::new(),
    ))
}

/// Text under a heading (characters, spaces not counted) that makes it a
/// section rather than an item of a list: a table of contents or a notice
/// naming the sections has headings with nothing under them.
const MIN_SECTION_TEXT: usize = 20;

/// How many characters after `一、` may hold a heading's words.
const HEADING_WORDS: usize = 24;

/// The numbered headings of a document that name sections of a report.
struct Outline {
    headings: Vec<Heading>,
    /// Characters of text in the document (spaces left out).
    text_chars: usize,
}

/// A numbered heading naming a section of the report. Positions count the
/// document's text characters (spaces left out) from its start.
struct Heading {
    numeral: u8,
    section: Section,
    start: usize,
    end: usize,
}

impl Outline {
    /// Every `一、…` … `八、…` in the document's text whose words name a
    /// section, on its own line or run into the text (as a one-line dump of an
    /// old report has them). Linear in the text: each position looks at most
    /// [`HEADING_WORDS`] ahead.
    fn of(doc: &Document) -> Outline {
        let mut headings = Vec::new();
        let mut position = 0;
        for block in &doc.blocks {
            let Block::Text(text) = block else { continue };
            let chars: Vec<char> = text.chars().collect();
            let mut line_start = true;
            for (i, &c) in chars.iter().enumerate() {
                if c.is_whitespace() {
                    continue;
                }
                position += 1;
                let at_line_start = std::mem::replace(&mut line_start, c == '#');
                let Some(numeral) = numeral_of(c) else {
                    continue;
                };
                let mark = chars.get(i + 1).copied();
                let numbered = mark == Some('、')
                    || (at_line_start && matches!(mark, Some('.' | '．' | ' ' | ',' | '，')));
                let inside_a_number =
                    i > 0 && (numeral_of(chars[i - 1]).is_some() || chars[i - 1] == '十');
                if !numbered || inside_a_number {
                    continue;
                }
                let words: String = chars[i + 2..]
                    .iter()
                    .take(HEADING_WORDS)
                    .take_while(|c| !matches!(c, '。' | '；' | ';' | '，' | ',' | '：' | ':'))
                    .collect();
                if let Some(section) = section_named(&key(&words)) {
                    let start = position - 1;
                    let end = start + 2 + words.chars().filter(|c| !c.is_whitespace()).count();
                    headings.push(Heading {
                        numeral,
                        section,
                        start,
                        end,
                    });
                }
            }
        }
        Outline {
            headings,
            text_chars: position,
        }
    }

    /// True when the outline has the report's own sections (一、总体情况 / 概述
    /// … 五、存在的主要问题…): at least three of them in order, each with
    /// `min_text` characters of text under it, one being the overview or the
    /// problems section (which a disclosure guide, also organised by 主动公开
    /// and 依申请公开, lacks).
    fn has_report_sections(&self, min_text: usize) -> bool {
        let mut found: Vec<(u8, Section)> = Vec::new();
        for (i, heading) in self.headings.iter().enumerate() {
            let next = self
                .headings
                .get(i + 1)
                .map_or(self.text_chars, |h| h.start);
            let has_text = next.saturating_sub(heading.end) >= min_text;
            let in_order = found.last().is_none_or(|(n, _)| heading.numeral > *n)
                && found.iter().all(|(_, s)| *s != heading.section);
            if has_text && in_order {
                found.push((heading.numeral, heading.section));
            }
        }
        found.len() >= 3
            && found
                .iter()
                .any(|(_, s)| matches!(s, Section::Overview | Section::Problems))
    }
}

fn numeral_of(c: char) -> Option<u8> {
    let n = "一二三四五六七八".chars().position(|n| n == c)?;
    Some(n as u8 + 1)
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

/// Distinct rows of table 三 a page labels for the tables to be there, even
/// when none of their cells can be read: a page naming the report in prose
/// names a handful at most.
const MIN_TABLE_LABELS: usize = 8;

/// The distinct table-三 rows whose labels stand alone in a block or a cell
/// (prose that mentions a row's words does not count).
fn table_labels(doc: &Document) -> usize {
    let mut found = HashSet::new();
    let mut classify = |text: &str| {
        if text.chars().count() <= 60
            && let Some(ApplicationLabel::Row(row)) = application_label(&key(text), None)
        {
            found.insert(row);
        }
    };
    for block in &doc.blocks {
        match block {
            Block::Text(text) => classify(text),
            Block::Table(grid) => grid.rows.iter().flatten().for_each(|c| classify(&c.text)),
        }
    }
    found.len()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flatten::flatten;

    fn has_sections(text: &str) -> bool {
        Outline::of(&flatten(text)).has_report_sections(MIN_SECTION_TEXT)
    }

    const BODY: &str = "本年度我单位认真贯彻落实政府信息公开条例，各项工作有序推进，成效明显。";

    #[test]
    fn sections_with_text_are_a_report_body() {
        let report = format!(
            "一、总体情况\n{BODY}\n二、主动公开政府信息情况\n{BODY}\n\
             三、收到和处理政府信息公开申请情况\n{BODY}\n五、存在的主要问题及改进情况\n{BODY}\n"
        );
        assert!(has_sections(&report));
    }

    #[test]
    fn headings_run_into_one_line_are_found() {
        // An archive's one-line dump of a pre-2019 report.
        let dump = format!(
            "某区2017年度政府信息公开工作年度报告 根据条例编制本报告。一、概述{BODY}\
             二、主动公开政府信息情况（一）公开数量{BODY}三、政府信息依申请公开情况{BODY}\
             四、因政府信息公开申请行政复议、提起行政诉讼的情况{BODY}\
             五、主要问题和改进措施{BODY}"
        );
        assert!(has_sections(&dump));
    }

    #[test]
    fn headings_without_text_under_them_are_not() {
        let contents = "目录\n一、总体情况……1\n二、主动公开政府信息情况……2\n\
                        三、收到和处理政府信息公开申请情况……3\n四、政府信息公开行政复议、行政诉讼情况……4\n\
                        五、存在的主要问题及改进情况……5\n六、其他需要报告的事项……5\n";
        assert!(!has_sections(contents));
        let notice = "年度报告应包括：一、总体情况；二、主动公开政府信息情况；\
                      三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；\
                      五、存在的主要问题及改进情况；六、其他需要报告的事项。请于1月20日前报送。";
        assert!(!has_sections(notice));
    }

    #[test]
    fn a_guide_has_no_report_sections() {
        let guide = format!(
            "一、主动公开\n{BODY}\n二、依申请公开\n{BODY}\n三、收费\n{BODY}\n\
             四、监督和救济\n可以依法申请行政复议或者提起行政诉讼。{BODY}\n"
        );
        assert!(!has_sections(&guide));
    }

    #[test]
    fn numbers_and_other_items_are_not_headings() {
        // `十一、` is item eleven; an item whose words name no section is skipped.
        let text = format!("十一、主动公开{BODY}\n一、报送内容{BODY}\n");
        assert!(Outline::of(&flatten(&text)).headings.is_empty());
    }
}

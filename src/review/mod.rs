//! Reports → one self-contained HTML page to check them by eye (`xxgk review`).
//!
//! The page holds its CSS, its script and the reports' data inline, and loads
//! nothing from the network. Rust decides everything a report shows — which
//! cells each failing check reads ([`crate::check::cells_of`]), how the tables
//! are laid out ([`layout`]), which links are safe to follow — and writes it as
//! JSON inside the page; the script (`page.js`) only draws it, always as text
//! (`textContent`, never markup), so nothing taken from a page can run.
//!
//! The contract tests read (README, "Review page"): each report's part has
//! `data-report` = `source.url`, else `source.path`; each cell has
//! `data-cell="table.row.column"` and shows the value as the record holds it
//! (empty for null); a cell in a failing check has `data-failed="true"`, a
//! recovered cell `data-recovered="true"`.

pub mod layout;

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::check::cells_of;
use crate::model::{Check, Report, Source, Value, Warning};

use layout::Shape;

/// Up to this many reports, every report's tables are drawn when the page
/// loads (so the DOM holds every cell); above it, a report's tables are drawn
/// when it is opened, so thousands of reports still open in a second or two.
pub const EAGER_LIMIT: usize = 200;

const CSS: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// Writes the review page for `reports`. `inputs` names the files they were
/// read from, for the page's heading.
pub fn write_page<W: Write>(mut out: W, reports: &[Report], inputs: &[String]) -> io::Result<()> {
    let data = page_data(reports);
    let json = serde_json::to_string(&data).map_err(io::Error::other)?;
    let heading = match reports.len() {
        1 => "1 report".to_string(),
        n => format!("{n} reports"),
    };
    let from = inputs.join(", ");
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"xxgk {version}\">\n\
         <title>xxgk review: {heading}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
         <header class=\"page\"><h1>xxgk review <small>{heading} from {from}</small></h1></header>\n\
         <noscript><p class=\"reason\">This page draws its tables with JavaScript; \
         allow scripts for this file to see them.</p></noscript>\n\
         <div id=\"app\"></div>\n\
         <script type=\"application/json\" id=\"xxgk-data\">{data}</script>\n\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        heading = escape_html(&heading),
        from = escape_html(&from),
        data = script_json(&json),
    )
}

/// Everything the script draws.
#[derive(Serialize)]
struct PageData<'a> {
    eager_limit: usize,
    shapes: Vec<ShapeView>,
    reports: Vec<ReportView<'a>>,
}

#[derive(Serialize)]
struct ShapeView {
    grids: Vec<layout::Grid>,
    /// `table.row.column` of each value, so that reports name cells by index.
    keys: Vec<String>,
}

/// A cell named by a report: its index in the shape's keys when it has one
/// (most do, and an index is a tenth of the text), else its name as written.
#[derive(Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum CellRef {
    Index(usize),
    Name(String),
}

#[derive(Serialize)]
struct ReportView<'a> {
    /// `source.url`, else `source.path`: the `data-report` of its part.
    id: &'a str,
    /// A link to the source that is safe to follow, if there is one.
    href: Option<String>,
    title: Option<&'a str>,
    agency: Option<&'a str>,
    year: Option<i32>,
    published: Option<&'a str>,
    template: &'static str,
    status: &'static str,
    reason: Option<&'a str>,
    /// Index into `shapes`.
    shape: usize,
    /// The cells' values as the record holds them, aligned with the shape's keys.
    values: Vec<Option<&'a str>>,
    recovered: Vec<CellRef>,
    /// Checks that passed, counted only.
    passed: usize,
    /// Failing and unassessable checks, and every `carry_chain` check.
    checks: Vec<CheckView<'a>>,
    /// Warnings grouped by code and message (a page with 135 blank cells
    /// has one `blank_cell` group naming 135 cells).
    warnings: Vec<WarningGroup<'a>>,
    warning_count: usize,
    links: Vec<LinkView<'a>>,
}

#[derive(Serialize)]
struct CheckView<'a> {
    id: &'a str,
    ok: Option<bool>,
    /// In full for a failing check; an unassessable one's is cut at
    /// [`UNASSESSED_DETAIL`] bytes (its operands can fill a page, and its
    /// reason comes first).
    detail: &'a str,
    /// Whether `detail` was cut.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cut: bool,
    /// The cells a failing check compares (empty for the others).
    cells: Vec<CellRef>,
}

#[derive(Serialize)]
struct WarningGroup<'a> {
    code: &'a str,
    message: &'a str,
    /// The cells (or rows, tables) the warnings name.
    cells: Vec<CellRef>,
    /// How many warnings the group holds (some name no cell).
    count: usize,
}

#[derive(Serialize)]
struct LinkView<'a> {
    text: &'a str,
    href: Option<String>,
}

fn page_data(reports: &[Report]) -> PageData<'_> {
    let mut shapes: Vec<Shape> = Vec::new();
    let mut shape_of = HashMap::new();
    let mut views = Vec::with_capacity(reports.len());
    for report in reports {
        let index = *shape_of
            .entry(layout::signature(report))
            .or_insert_with(|| {
                shapes.push(layout::shape(report));
                shapes.len() - 1
            });
        views.push(report_view(report, &shapes[index], index));
    }
    PageData {
        eager_limit: EAGER_LIMIT,
        shapes: shapes
            .into_iter()
            .map(|s| ShapeView {
                grids: s.grids,
                keys: s
                    .keys
                    .iter()
                    .map(|(t, r, c)| format!("{t}.{r}.{c}"))
                    .collect(),
            })
            .collect(),
        reports: views,
    }
}

fn report_view<'a>(report: &'a Report, shape: &Shape, shape_index: usize) -> ReportView<'a> {
    let values = shape
        .keys
        .iter()
        .map(|(table, row, column)| {
            let table = report.tables().into_iter().find(|(t, _)| t == table)?.1;
            match table.get(row)?.get(column)?.as_ref()? {
                Value::Number(n) => Some(n.as_str()),
                Value::Text(t) => Some(t.as_str()),
            }
        })
        .collect();
    let index: HashMap<String, usize> = shape
        .keys
        .iter()
        .enumerate()
        .map(|(i, (t, r, c))| (format!("{t}.{r}.{c}"), i))
        .collect();
    let shown = |c: &Check| c.ok != Some(true) || is_carry_chain(c);
    let checks = report
        .checks
        .iter()
        .filter(|c| shown(c))
        .map(|c| CheckView {
            id: &c.id,
            ok: c.ok,
            detail: if c.ok.is_none() && !is_carry_chain(c) {
                shortened(&c.detail)
            } else {
                &c.detail
            },
            cut: c.ok.is_none() && !is_carry_chain(c) && shortened(&c.detail) != c.detail,
            cells: if c.ok == Some(false) {
                cells_of(c, report)
                    .into_iter()
                    .map(|k| cell_ref(&index, k))
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    ReportView {
        id: report.source.name(),
        href: source_href(&report.source),
        title: report.meta.title.as_deref(),
        agency: report.meta.agency.as_deref(),
        year: report.meta.year,
        published: report.meta.published.as_deref(),
        template: report.meta.template.as_str(),
        status: report.status.as_str(),
        reason: report.reason.as_deref(),
        shape: shape_index,
        values,
        recovered: report
            .recovered
            .iter()
            .map(|k| cell_ref(&index, k.clone()))
            .collect(),
        passed: report.checks.iter().filter(|c| !shown(c)).count(),
        checks,
        warnings: warning_groups(&report.warnings, &index),
        warning_count: report.warnings.len(),
        links: report
            .links
            .iter()
            .map(|l| LinkView {
                text: &l.text,
                href: link_href(&l.href, &report.source),
            })
            .collect(),
    }
}

/// How much of an unassessable check's detail the page keeps.
const UNASSESSED_DETAIL: usize = 200;

/// `detail` up to [`UNASSESSED_DETAIL`] bytes, cut at a character boundary;
/// the page marks a cut detail with "…".
fn shortened(detail: &str) -> &str {
    if detail.len() <= UNASSESSED_DETAIL {
        return detail;
    }
    let mut end = UNASSESSED_DETAIL;
    while !detail.is_char_boundary(end) {
        end -= 1;
    }
    &detail[..end]
}

fn cell_ref(index: &HashMap<String, usize>, key: String) -> CellRef {
    match index.get(&key) {
        Some(&i) => CellRef::Index(i),
        None => CellRef::Name(key),
    }
}

/// Warnings of the same code and message together, in order of first
/// appearance.
fn warning_groups<'a>(
    warnings: &'a [Warning],
    index: &HashMap<String, usize>,
) -> Vec<WarningGroup<'a>> {
    let mut groups: Vec<WarningGroup> = Vec::new();
    let mut group_of: HashMap<(&str, &str), usize> = HashMap::new();
    for w in warnings {
        let at = *group_of.entry((&w.code, &w.message)).or_insert_with(|| {
            groups.push(WarningGroup {
                code: &w.code,
                message: &w.message,
                cells: Vec::new(),
                count: 0,
            });
            groups.len() - 1
        });
        groups[at].count += 1;
        if let Some(cell) = &w.cell {
            groups[at].cells.push(cell_ref(index, cell.clone()));
        }
    }
    groups
}

fn is_carry_chain(check: &Check) -> bool {
    check.id == "carry_chain" || check.id.starts_with("carry_chain.")
}

/// Where the source link points: an http(s) URL as given, a file by its
/// absolute `file:` URL (relative paths are taken from the current
/// directory, where `extract` ran). Anything else gets no link.
fn source_href(source: &Source) -> Option<String> {
    if let Some(url) = &source.url {
        return web_href(url);
    }
    let path = source
        .path
        .as_deref()
        .filter(|p| !p.is_empty() && *p != "-")?;
    let absolute = std::path::absolute(path).ok()?;
    url::Url::from_file_path(absolute).ok().map(String::from)
}

/// A link found on a page, resolved against the page's address when it is
/// relative (a saved file has none: such a link stays text).
fn link_href(href: &str, source: &Source) -> Option<String> {
    let base = source.final_url.as_deref().or(source.url.as_deref());
    match base.and_then(|b| url::Url::parse(b).ok()) {
        Some(base) => web_href(base.join(href.trim()).ok()?.as_str()),
        None => web_href(href),
    }
}

/// `text` as a link target if it is an http or https URL (so `javascript:`
/// and other schemes never become live links), normalised and percent-encoded.
fn web_href(text: &str) -> Option<String> {
    let url = url::Url::parse(text.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// Text for HTML content or a quoted attribute.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON made safe to sit inside `<script>`: `<`, `>` and `&` written as
/// `\u003c` etc., so no `</script>` or `<!--` can close or confuse the
/// element (they only occur inside strings, where the escape means the same).
fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    #[test]
    fn script_json_cannot_close_its_element_and_reads_back_the_same() {
        let hostile = "</script><!--<script>alert(1)</script>&amp;\u{2028}";
        let json = serde_json::to_string(&serde_json::json!({ "title": hostile })).unwrap();
        let safe = script_json(&json);
        assert!(!safe.contains('<') && !safe.contains('>'), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["title"], hostile);
    }

    #[test]
    fn the_page_code_holds_nothing_that_ends_its_element() {
        assert!(!SCRIPT.to_ascii_lowercase().contains("</script"));
        assert!(!SCRIPT.contains("<!--"));
        assert!(!CSS.to_ascii_lowercase().contains("</style"));
        // The script writes text only; markup from a record could run.
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("outerHTML"));
        assert!(!SCRIPT.contains("insertAdjacentHTML") && !SCRIPT.contains("document.write"));
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(
            web_href("https://www.gov.cn/a b.html").as_deref(),
            Some("https://www.gov.cn/a%20b.html")
        );
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "/relative",
        ] {
            assert_eq!(web_href(bad), None, "{bad}");
        }
        let url = |u: &str| Source {
            url: Some(u.to_string()),
            path: Some("x.html".to_string()),
            ..Source::default()
        };
        assert_eq!(source_href(&url("javascript:alert(1)")), None);
        let list = url("https://www.gov.cn/list/index.html");
        assert_eq!(
            link_href("./2024/report.htm", &list).as_deref(),
            Some("https://www.gov.cn/list/2024/report.htm")
        );
        assert_eq!(link_href("javascript:alert(1)", &list), None);
        assert_eq!(link_href("./2024/report.htm", &Source::default()), None);
        let path = Source {
            path: Some("samples/a b.html".to_string()),
            ..Source::default()
        };
        let href = source_href(&path).unwrap();
        assert!(
            href.starts_with("file:///") && href.ends_with("/samples/a%20b.html"),
            "{href}"
        );
        let stdin = Source {
            path: Some("-".to_string()),
            ..Source::default()
        };
        assert_eq!(source_href(&stdin), None);
    }

    #[test]
    fn the_heading_is_escaped() {
        let mut out = Vec::new();
        write_page(&mut out, &[], &["<b>x</b>.jsonl".to_string()]).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains("from &lt;b&gt;x&lt;/b&gt;.jsonl"), "{page}");
    }

    #[test]
    fn reports_of_one_layout_share_it_and_values_follow_its_keys() {
        let source = |p: &str| Source {
            path: Some(p.to_string()),
            ..Source::default()
        };
        let mut a = Report::empty(source("a"), Status::Complete, None);
        a.meta.template = crate::model::Template::T2021;
        let cell = |v: &str| Some(Value::Number(v.parse().unwrap()));
        a.review_litigation
            .entry("review".into())
            .or_default()
            .extend([
                ("upheld".to_string(), cell("2")),
                ("total".to_string(), None),
            ]);
        let mut b = a.clone();
        b.source = source("b");
        b.review_litigation["review"]["upheld"] = cell("7");
        let reports = [a, b, Report::empty(source("c"), Status::NotAReport, None)];
        let data = page_data(&reports);
        assert_eq!(data.shapes.len(), 2);
        assert_eq!(data.reports[0].shape, data.reports[1].shape);
        assert_eq!(data.reports[0].values, [Some("2"), None]);
        assert_eq!(data.reports[1].values, [Some("7"), None]);
        assert!(data.shapes[data.reports[2].shape].grids.is_empty());
        assert_eq!(
            data.shapes[0].keys,
            [
                "review_litigation.review.upheld",
                "review_litigation.review.total"
            ]
        );
    }

    #[test]
    fn long_unassessed_details_are_cut_on_a_character() {
        let detail = "不".repeat(100);
        let short = shortened(&detail);
        assert!(short.len() <= UNASSESSED_DETAIL && detail.starts_with(short));
        assert_eq!(short.chars().count(), UNASSESSED_DETAIL / 3);
        assert_eq!(shortened("short"), "short");
    }

    #[test]
    fn warnings_group_by_code_and_message_and_name_cells_by_index() {
        let warning = |code: &str, cell: Option<&str>, message: &str| Warning {
            code: code.to_string(),
            cell: cell.map(str::to_string),
            message: message.to_string(),
        };
        let warnings = [
            warning("blank_cell", Some("a.b.c"), "blank"),
            warning("extra_row", None, "row 其他"),
            warning("blank_cell", Some("a.b.d"), "blank"),
            warning("blank_cell", Some("a.b"), "blank"),
        ];
        let index = HashMap::from([("a.b.c".to_string(), 0), ("a.b.d".to_string(), 7)]);
        let groups = warning_groups(&warnings, &index);
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].code, groups[0].count), ("blank_cell", 3));
        assert_eq!(
            groups[0].cells,
            [
                CellRef::Index(0),
                CellRef::Index(7),
                CellRef::Name("a.b".to_string())
            ]
        );
        assert_eq!((groups[1].code, groups[1].count), ("extra_row", 1));
        assert!(groups[1].cells.is_empty());
    }
}

//! What a link is: an annual report, a report file, another page of the same
//! list, or noise. The one place that decides. Extraction calls [`read`] to
//! fill a list page's `links`; the crawler follows those links by their
//! [`LinkKind`], so it fetches exactly what this module calls a report or a
//! page, and never noise (news, 指南, 制度, 工作要点, other columns, off-site
//! links, unrelated files, `javascript:`).
//!
//! A report is judged by its title (`…2023年度政府信息公开工作年度报告`,
//! `…年报`, `…工作报告` of 信息公开, with a year), never by where it sits on a
//! particular site. Another page of the list is a pager link (下一页, 尾页,
//! a page number) to a sibling address, or a page a pager script implies
//! (see `script.rs`).
//!
//! For following a report's file: a list page's record carries its report
//! files as links of kind [`LinkKind::Attachment`] (PDF, Word, WPS whose
//! label or name says 年度报告/年报), and the crawler queues them as reports.
//! An article whose report is only a file gets a record whose reason begins
//! with [`ATTACHED_REPORT`] and whose `links` are [`document_links`]: every
//! file it links to, absolute, the ones that may be the report of kind
//! `Attachment` (what the crawler fetches in the page's place, in order),
//! the others (a notice's attachment, a spreadsheet) of kind
//! [`LinkKind::File`]. [`is_document_file`] tells a report file's address.

mod paging;
mod script;
mod title;

use std::collections::HashSet;

use url::Url;

use crate::flatten::{Anchor, Document, ListData};
use crate::model::Source;
pub use crate::model::{Link, LinkKind};
pub use title::{is_report_title, report_year};

/// How every list page's `reason` begins; the crawler follows the links of
/// records whose reason does.
pub const LIST_PAGE: &str = "a list page";

/// Links kept per page. Real list pages hold tens; a data page a few
/// hundred. More is a hostile page, whose record must stay small.
const MAX_LINKS: usize = 5_000;

/// What a page links to, judged link by link, and what only its scripts reach.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// Reports, report files and other pages of the list, in page order,
    /// each once; noise is left out.
    pub links: Vec<Link>,
    /// Parts of the list only JavaScript reaches, in words.
    pub notes: Vec<String>,
    /// Addresses the page's scripts seem to load data from.
    pub data_urls: Vec<String>,
    /// Set when the input was a list given as data (JSON, XML).
    pub data: Option<ListData>,
    /// Links left out beyond [`MAX_LINKS`].
    pub dropped: usize,
}

impl Listing {
    /// Links to reports (pages and files).
    pub fn reports(&self) -> usize {
        self.links
            .iter()
            .filter(|l| matches!(l.kind, Some(LinkKind::Report | LinkKind::Attachment)))
            .count()
    }

    /// Links to other pages of the list.
    pub fn pages(&self) -> usize {
        self.count(LinkKind::Page)
    }

    fn count(&self, kind: LinkKind) -> usize {
        self.links.iter().filter(|l| l.kind == Some(kind)).count()
    }

    /// Whether the page is (a page of) a list of reports. A page whose own
    /// title is a report's, linking to report files only (the report as PDF
    /// and as Word, say) or to one report page, is that report's article,
    /// not a list.
    pub fn is_list(&self, page_is_report_article: bool) -> bool {
        let files_only = self.count(LinkKind::Attachment) == self.reports();
        self.data.is_some()
            || self.pages() > 0
            || !self.notes.is_empty()
            || match page_is_report_article {
                true => self.reports() >= 2 && !files_only,
                false => self.reports() >= 1,
            }
    }

    /// The `reason` of a list page's record, starting with [`LIST_PAGE`].
    pub fn reason(&self) -> String {
        let kind = match self.data {
            Some(data) => format!("{LIST_PAGE} ({} data)", data.format),
            None => LIST_PAGE.to_string(),
        };
        let mut reason = match self.reports() {
            0 => format!("{kind} with no annual report links"),
            1 => format!("{kind} linking to 1 annual report"),
            n => format!("{kind} linking to {n} annual reports"),
        };
        let files = self.count(LinkKind::Attachment);
        if files > 0 {
            reason.push_str(&format!(" ({files} of them as files)"));
        }
        match self.pages() {
            0 => {}
            1 => reason.push_str("; it links to 1 other page of the list"),
            n => reason.push_str(&format!("; it links to {n} other pages of the list")),
        }
        for note in &self.notes {
            reason.push_str("; ");
            reason.push_str(note);
        }
        if self.dropped > 0 {
            reason.push_str(&format!(
                "; {} more links were left out (at most {MAX_LINKS} are kept)",
                self.dropped
            ));
        }
        reason
    }

    /// Adds `link` unless it leads to the page itself or to a page
    /// already linked.
    fn push(&mut self, link: Link, seen: &mut HashSet<String>) {
        let key = Url::parse(&link.href).map_or_else(|_| link.href.clone(), |u| same_page(&u));
        if !seen.insert(key) {
            return;
        }
        if self.links.len() < MAX_LINKS {
            self.links.push(link);
        } else {
            self.dropped += 1;
        }
    }
}

/// The address a record's page was read from, against which its links
/// resolve: where the server's redirects ended, else the URL asked for.
pub fn page_url(source: &Source) -> Option<Url> {
    source
        .final_url
        .as_deref()
        .or(source.url.as_deref())
        .and_then(|u| Url::parse(u).ok())
}

/// What identifies a page for loop detection: its URL, with a folder's
/// index file (`index.html`, `default.htm`…) taken as the folder itself, so
/// a column reached as `…/nb/` and linked as `…/nb/index.html` is read once.
pub fn same_page(url: &Url) -> String {
    let path = url.path();
    let file = &path[path.rfind('/').map_or(0, |i| i + 1)..];
    let is_index = ["index.", "default."].iter().any(|p| file.starts_with(p))
        && matches!(
            file.rsplit('.').next(),
            Some("htm" | "html" | "shtml" | "jsp" | "php" | "asp" | "aspx")
        );
    if !is_index {
        return url.as_str().to_string();
    }
    let mut folder = url.clone();
    folder.set_path(&path[..path.len() - file.len()]);
    folder.to_string()
}

/// Where the links of `doc` resolve: its `<base href>` (against its own
/// URL, or alone when absolute, as in a saved page), else its own URL.
fn base_of(doc: &Document, page_url: Option<&Url>) -> Option<Url> {
    let base = doc.base_href.as_deref();
    match page_url {
        Some(url) => Some(
            base.and_then(|b| url.join(b).ok())
                .unwrap_or_else(|| url.clone()),
        ),
        None => base.and_then(|b| Url::parse(b).ok()),
    }
}

/// Reads every link of `doc`, a page fetched from `page_url` (unknown for a
/// saved file: links then stay as the page wrote them).
pub fn read(doc: &Document, page_url: Option<&Url>) -> Listing {
    let base = base_of(doc, page_url);
    let page = Page {
        url: page_url,
        base: base.as_ref(),
        lists_reports: lists_reports(doc),
    };
    let mut listing = Listing {
        data: doc.data,
        ..Listing::default()
    };
    let mut seen: HashSet<String> = page_url.map(same_page).into_iter().collect();

    for anchor in &doc.links {
        if let Some(link) = classify(anchor, &page) {
            listing.push(link, &mut seen);
        }
    }
    let found = script::read(&doc.scripts, &page, &paging::page_extension(doc, page_url));
    for anchor in &found.anchors {
        if let Some(link) = classify(anchor, &page) {
            listing.push(link, &mut seen);
        }
    }
    for (href, label) in &found.pages {
        if let Some(link) = page.link_to(href, label, LinkKind::Page) {
            listing.push(link, &mut seen);
        }
    }
    if let (Some(data), Some(url)) = (doc.data, page_url) {
        for href in paging::data_pages(url, &data) {
            if let Some(link) = page.link_to(&href, "next page of the data", LinkKind::Page) {
                listing.push(link, &mut seen);
            }
        }
    }
    // A page whose list sits in a frame of its own (older sites); a file
    // shown in a viewer is no list.
    if listing.reports() == 0 && listing.pages() == 0 {
        for src in &doc.frames {
            if let Some(link) = page.link_to(src, "list in a frame", LinkKind::Page)
                && !paging::is_asset(link.href.split(['?', '#']).next().unwrap_or(""))
                && embedded_file(src, &page).is_none()
            {
                listing.push(link, &mut seen);
            }
        }
    }
    listing.notes = found.notes;
    listing.data_urls = found.data_urls;
    if listing.pages() == 0 && doc.links.iter().any(is_script_pager) {
        listing.notes.push(
            "its other pages are reached only by JavaScript (the pager's links run scripts), so they were not read"
                .to_string(),
        );
    }
    listing
}

/// The page a link was found on.
struct Page<'a> {
    url: Option<&'a Url>,
    /// Where relative links resolve (`<base href>` or the page's URL).
    base: Option<&'a Url>,
    /// The page's own title names a column of annual reports, so an entry
    /// labelled only with a year (`2023年度`) is one of them.
    lists_reports: bool,
}

impl Page<'_> {
    /// The absolute form of `href`, if it is an http(s) address on this
    /// page's site; `href` itself when the page's URL is unknown.
    fn resolve(&self, href: &str) -> Option<Target> {
        let href = href.trim();
        let lower = href.to_ascii_lowercase();
        if href.is_empty()
            || href.starts_with('#')
            || [
                "javascript:",
                "mailto:",
                "tel:",
                "data:",
                "about:",
                "vbscript:",
                "file:",
            ]
            .iter()
            .any(|s| lower.starts_with(s))
        {
            return None;
        }
        let parsed = match self.base {
            Some(base) => base.join(href).ok(),
            None => Url::parse(href).ok(),
        };
        match parsed {
            Some(mut url) => {
                if !matches!(url.scheme(), "http" | "https") {
                    return None;
                }
                if self.url.is_some_and(|page| !same_site(&url, page)) {
                    return None;
                }
                url.set_fragment(None);
                Some(Target {
                    href: url.to_string(),
                    url: Some(url),
                })
            }
            // A relative link of a saved page: kept as written.
            None if self.base.is_none() && !lower.contains("://") && !lower.starts_with("//") => {
                let href = href.split('#').next().unwrap_or("").to_string();
                (!href.is_empty()).then_some(Target { href, url: None })
            }
            None => None,
        }
    }

    fn link_to(&self, href: &str, label: &str, kind: LinkKind) -> Option<Link> {
        let target = self.resolve(href)?;
        Some(Link {
            text: label.to_string(),
            href: target.href,
            kind: Some(kind),
            year: None,
            published: None,
        })
    }

    /// Whether `target` is another page of this page's list.
    fn is_sibling(&self, target: &Target) -> bool {
        match (&target.url, self.url) {
            (Some(t), Some(p)) => {
                t.origin() == p.origin()
                    && (t.path() == p.path() || parent(t.path()) == parent(p.path()))
            }
            // A saved page: a relative link into its own folder.
            _ => {
                let href = target.href.strip_prefix("./").unwrap_or(&target.href);
                target.url.is_none() && !href.contains('/')
            }
        }
    }
}

struct Target {
    href: String,
    url: Option<Url>,
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

/// Judges one link of `page`: `None` for noise.
fn classify(anchor: &Anchor, page: &Page) -> Option<Link> {
    let target = page.resolve(&anchor.href)?;
    let labels = labels(anchor);
    let published = anchor.beside.as_deref().and_then(title::date_in);
    let link = |text: &str, kind: LinkKind, year: Option<i32>| Link {
        text: text.to_string(),
        href: target.href.clone(),
        kind: Some(kind),
        year,
        published: published.clone(),
    };

    if let Some(name) = file_name(&target, &labels).filter(|n| is_document_file(n)) {
        // A report as a file: its label or its file name says so.
        let label = labels
            .iter()
            .copied()
            .find(|l| title::is_report_file_label(l))
            .or_else(|| title::is_report_file_label(&name).then_some(name.as_str()))?;
        let year = report_year(label).or_else(|| report_year(&name));
        let text = labels.first().copied().unwrap_or(label);
        return Some(link(text, LinkKind::Attachment, year));
    }
    // A pager's word may lead to any sibling page; a bare number or arrow
    // only to one whose address reads as a page of a list.
    let pager_word = labels.iter().any(|l| is_pager_word(l));
    let page_number = labels
        .iter()
        .any(|l| is_page_number(l) || is_one_of(l, FIRST_PAGE_WORDS));
    if page.is_sibling(&target)
        && !is_site_home(&target)
        && (pager_word || page_number && paging::is_page_address(&target.href))
    {
        let text = labels.first().copied().unwrap_or("");
        return Some(link(text, LinkKind::Page, None));
    }
    for label in &labels {
        if let Some(year) = report_year(label).filter(|_| is_report_title(label)) {
            return Some(link(label, LinkKind::Report, Some(year)));
        }
        if page.lists_reports
            && let Some(year) = title::is_report_in_column(label)
        {
            return Some(link(label, LinkKind::Report, Some(year)));
        }
    }
    None
}

/// The site's home page, which navigation bars call 首页 as pagers call
/// their first page.
fn is_site_home(target: &Target) -> bool {
    let path = match &target.url {
        Some(url) => url.path(),
        None => target.href.as_str(),
    };
    let file = path.trim_start_matches('/');
    path.starts_with('/')
        && (file.is_empty()
            || ["index.", "default.", "home."]
                .iter()
                .any(|p| file.starts_with(p) && !file.contains('/')))
}

/// An anchor's labels, best first: the `title` attribute holds the whole
/// title where the text is cut short (`…工作年…`).
fn labels(anchor: &Anchor) -> Vec<&str> {
    let text = anchor.text.trim();
    let mut labels = Vec::with_capacity(2);
    if let Some(title) = anchor
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        labels.push(title);
    }
    if !text.is_empty() && !labels.contains(&text) {
        labels.push(text);
    }
    labels
}

/// The decoded name of the file a link leads to, when it names one: the
/// last segment of its path, else a query value (`downfile.jsp?filename=
/// a.pdf`), else its label (`2023年年报.pdf` on a download script's link).
fn file_name(target: &Target, labels: &[&str]) -> Option<String> {
    let (path, query) = match &target.url {
        Some(url) => (
            url.path().to_string(),
            url.query().unwrap_or("").to_string(),
        ),
        None => {
            let href = target.href.split('#').next().unwrap_or("");
            let (path, query) = href.split_once('?').unwrap_or((href, ""));
            (path.to_string(), query.to_string())
        }
    };
    let decode = |text: &str| {
        percent_encoding::percent_decode_str(text)
            .decode_utf8()
            .map_or_else(|_| text.to_string(), |n| n.into_owned())
    };
    let segment = path.rsplit('/').next().unwrap_or("");
    if has_extension(segment, FILE_EXTENSIONS) {
        return Some(decode(segment));
    }
    let in_query = query
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(_, v)| decode(v)))
        .find(|v| has_extension(v, FILE_EXTENSIONS));
    in_query.or_else(|| {
        labels
            .iter()
            .map(|l| l.trim())
            .find(|l| has_extension(l, FILE_EXTENSIONS))
            .map(str::to_string)
    })
}

/// The file a frame, `<embed>` or `<object>` shows, when it shows one.
fn embedded_file(src: &str, page: &Page) -> Option<Target> {
    let target = unwrap_viewer(page.resolve(src)?);
    file_name(&target, &[])
        .is_some_and(|n| is_document_file(&n))
        .then_some(target)
}

/// The file a PDF.js viewer's address shows (`/pdfjs/web/viewer.html?file=
/// /upload/nb.pdf`, resolved against the viewer), else the address itself.
fn unwrap_viewer(target: Target) -> Target {
    let Some(viewer) = &target.url else {
        return target;
    };
    let is_viewer = viewer
        .path_segments()
        .and_then(|mut s| s.next_back())
        .is_some_and(|name| name.to_ascii_lowercase().starts_with("viewer."));
    let file = viewer
        .query_pairs()
        .find(|(key, _)| key == "file")
        .and_then(|(_, file)| viewer.join(file.trim()).ok())
        .filter(|f| matches!(f.scheme(), "http" | "https") && is_document_file(f.path()));
    match file {
        Some(file) if is_viewer => Target {
            href: file.to_string(),
            url: Some(file),
        },
        _ => target,
    }
}

/// Files an article may attach; of them a report is published as
/// [`REPORT_EXTENSIONS`].
const FILE_EXTENSIONS: &[&str] = &[
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".zip", ".rar", ".ofd",
];
const REPORT_EXTENSIONS: &[&str] = &[".pdf", ".doc", ".docx", ".wps"];

fn has_extension(name: &str, extensions: &[&str]) -> bool {
    let name = name.to_ascii_lowercase();
    extensions.iter().any(|e| name.ends_with(e))
}

/// A path (or URL) naming a document file a report may be published as.
pub fn is_document_file(path: &str) -> bool {
    has_extension(
        path.split(['?', '#']).next().unwrap_or(""),
        REPORT_EXTENSIONS,
    )
}

/// Every link of `doc` to a file, in page order, each once: the files of an
/// article whose report is not on the page. Kind [`LinkKind::Attachment`]
/// marks those that may be the report — a PDF, Word or WPS file whose label
/// or name says 年度报告/年报, or, when none does and `page_is_report` (the
/// page's own title is the report's), every such file, since the article
/// of a report attaches nothing else; [`LinkKind::File`] the rest (a
/// notice's attachment, a spreadsheet), which a crawl never fetches.
pub fn document_links(doc: &Document, page_url: Option<&Url>, page_is_report: bool) -> Vec<Link> {
    let base = base_of(doc, page_url);
    let page = Page {
        url: None, // a report's files may sit on a file server of another host
        base: base.as_ref(),
        lists_reports: false,
    };
    let mut seen = HashSet::new();
    let mut files: Vec<(Link, bool)> = Vec::new();
    // Linked files, then those shown in an embedded viewer (unlabelled).
    let linked = doc.links.iter().filter_map(|anchor| {
        let target = unwrap_viewer(page.resolve(&anchor.href)?);
        Some((target, labels(anchor)))
    });
    let embedded = doc
        .frames
        .iter()
        .filter_map(|src| Some((embedded_file(src, &page)?, Vec::new())));
    for (target, labels) in linked.chain(embedded) {
        let Some(name) = file_name(&target, &labels) else {
            continue;
        };
        if !seen.insert(target.href.clone()) || files.len() >= MAX_LINKS {
            continue;
        }
        let is_document = has_extension(&name, REPORT_EXTENSIONS);
        let named_report = is_document
            && (labels.iter().any(|l| title::is_report_file_label(l))
                || title::is_report_file_label(&name));
        let text = labels.first().copied().unwrap_or("").to_string();
        let year = report_year(&text).or_else(|| report_year(&name));
        let kind = if named_report {
            LinkKind::Attachment
        } else {
            LinkKind::File
        };
        let link = Link {
            text,
            href: target.href,
            kind: Some(kind),
            year,
            published: None,
        };
        files.push((link, is_document));
    }
    let any_named = files
        .iter()
        .any(|(l, _)| l.kind == Some(LinkKind::Attachment));
    files
        .into_iter()
        .map(|(mut link, is_document)| {
            if page_is_report && !any_named && is_document {
                link.kind = Some(LinkKind::Attachment);
            }
            link
        })
        .collect()
}

/// How the `reason` of an article whose report is an attached file begins;
/// the crawler fetches the record's [`LinkKind::Attachment`] links of
/// records whose reason does.
pub const ATTACHED_REPORT: &str = "the report is the attached file";

/// The `reason` of a page whose only trace of a report is `files` (from
/// [`document_links`]); `None` when it links no file.
pub fn attached_report_reason(files: &[Link]) -> Option<String> {
    let reports: Vec<&str> = files
        .iter()
        .filter(|l| l.kind == Some(LinkKind::Attachment))
        .map(|l| l.href.as_str())
        .collect();
    match reports.as_slice() {
        [] if files.is_empty() => None,
        [] => Some(format!(
            "no report tables on the page, and none of the {} file(s) it links to is named as \
             an annual report (年度报告/年报 in its label or name) in PDF, Word or WPS form",
            files.len()
        )),
        [one] => Some(format!(
            "{ATTACHED_REPORT} {one}; crawl the page's URL or extract the file"
        )),
        many => {
            // Named in full up to a few: a hostile page may link thousands.
            const NAMED: usize = 5;
            let mut named = many[..many.len().min(NAMED)].join(", ");
            if many.len() > NAMED {
                named.push_str(&format!(" and {} more", many.len() - NAMED));
            }
            Some(format!(
                "{ATTACHED_REPORT}, one of {}: {named}; crawl the page's URL or extract the files",
                many.len()
            ))
        }
    }
}

/// Words of pagers for pages after or before this one.
const PAGER_WORDS: &[&str] = &[
    "下一页",
    "下页",
    "后一页",
    "后页",
    "上一页",
    "上页",
    "前一页",
    "前页",
    "尾页",
    "末页",
    "最后一页",
    "最末页",
    "下一頁",
    "上一頁",
    "尾頁",
    "next",
    "prev",
    "previous",
    "last",
    "nextpage",
    "prevpage",
];

/// Words for a list's first page, which navigation bars also use for the
/// site's or a section's home page: followed only to a numbered address.
const FIRST_PAGE_WORDS: &[&str] = &["首页", "第一页", "最前页", "first"];

/// A pager's word (下一页, 尾页, next…), arrows and brackets aside.
fn is_pager_word(label: &str) -> bool {
    is_one_of(label, PAGER_WORDS)
}

fn is_one_of(label: &str, words: &[&str]) -> bool {
    let core = pager_core(label);
    !core.is_empty()
        && words
            .iter()
            .any(|w| core.eq_ignore_ascii_case(&pager_core(w)))
}

/// A page number (`3`, `[3]`, `第3页`) or arrows alone (`>>`).
fn is_page_number(label: &str) -> bool {
    let core = pager_core(label);
    (core.is_empty() && !label.trim().is_empty())
        || (core.len() <= 4
            && core.bytes().all(|b| b.is_ascii_digit())
            && core.parse::<u32>().is_ok_and(|n| n > 0))
}

fn pager_core(label: &str) -> String {
    label
        .chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '[' | ']'
                        | '【'
                        | '】'
                        | '<'
                        | '>'
                        | '«'
                        | '»'
                        | '‹'
                        | '›'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '→'
                        | '←'
                        | '第'
                        | '页'
                        | '頁'
                        | '.'
                        | '…'
                        | '|'
                )
        })
        .collect()
}

/// A pager link that runs a script instead of leading to a page.
fn is_script_pager(anchor: &Anchor) -> bool {
    anchor
        .href
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("javascript:")
        && labels(anchor).iter().any(|l| is_pager_word(l))
}

/// Whether the page is a column of annual reports by its own name: its
/// title (`政府信息公开年报_…`) or a short heading near the top, naming
/// reports without a year (an entry's title has one).
fn lists_reports(doc: &Document) -> bool {
    let names = |t: &str| {
        let t = crate::flatten::normalize::key(t);
        (t.contains("年报") || t.contains("年度报告")) && report_year(&t).is_none()
    };
    doc.title
        .as_deref()
        .is_some_and(|t| names(t) && t.contains("信息公开"))
        || doc.blocks.iter().take(40).any(|b| {
            matches!(b, crate::flatten::Block::Text(t)
                if t.chars().count() <= 16 && names(t) && !doc.links.iter().any(|a| a.text == *t))
        })
}

/// Whether two addresses are on one site: the same registered domain (the
/// last three labels under `gov.cn`, `com.cn` and the like, else two), or for
/// a bare IP address the same address and port.
pub fn same_site(a: &Url, b: &Url) -> bool {
    site_key(a) == site_key(b)
}

fn site_key(url: &Url) -> Option<String> {
    match url.host()? {
        url::Host::Domain(domain) => {
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            let labels: Vec<&str> = domain.split('.').collect();
            let second_level = ["gov", "com", "org", "net", "edu", "ac"];
            let keep = if labels.len() >= 3
                && labels[labels.len() - 1].len() == 2
                && second_level.contains(&labels[labels.len() - 2])
            {
                3
            } else {
                2
            };
            Some(labels[labels.len().saturating_sub(keep)..].join("."))
        }
        host => Some(format!(
            "{host}:{}",
            url.port_or_known_default().unwrap_or(0)
        )),
    }
}

#[cfg(test)]
mod tests;

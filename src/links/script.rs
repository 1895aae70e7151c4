//! What a list page's scripts say about the list: pages a pager script
//! writes (there is no `<a>` to follow), entries a script holds as data, and
//! the parts only JavaScript fetches. Each content management system
//! (CMS) family writes its own shape; these are read:
//!
//! - TRS (拓尔思) static lists: `createPageHTML(pageCount, currentIndex,
//!   "index", "html")` → `index.html`, `index_1.html` … (also with the
//!   counts in variables, and the newer form with an element id first);
//!   `Pager({size: 7, current: 0, prefix: 'index', suffix: 'html'})`.
//! - TRS 动静结合 lists (`list2.trsapi`): `maxStaticIndex` static pages
//!   (`index_N`), the rest of `recordCount` entries fetched by script.
//! - Hanweb (大汉) jpage: a `<datastore>` of `<record><![CDATA[<li><a …>]]>`
//!   entries, and its `<nextgroup>` data URL (`dataproxy.jsp?page=1&…`),
//!   which answers the next records as the same XML.
//! - 政务公开平台 (`gkmlpt`) pages: lists fetched from
//!   `gkmlpt/api/all/COLUMN?page=1&sid=SID`.
//! - Any other script that names a data address (`/api/`, `/rest/`,
//!   `.json`, `dataproxy.jsp`…): named, so a user can give it to xxgk.

use std::sync::LazyLock;

use regex::Regex;

use super::Page;
use super::paging::{MAX_MADE_PAGES, numbered_pages};
use crate::flatten::Anchor;
use crate::flatten::data::read_datastore;

/// What the scripts of one page give.
#[derive(Debug, Default)]
pub struct FromScripts {
    /// Entries the scripts hold (jpage records).
    pub anchors: Vec<Anchor>,
    /// Other pages of the list, relative to the page, with a label.
    pub pages: Vec<(String, String)>,
    pub notes: Vec<String>,
    pub data_urls: Vec<String>,
}

static CREATE_PAGE_HTML: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"createPageHTML\s*\(([^)]{1,300})\)").expect("valid regex"));
static PAGER_CALL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bPager\s*\(\s*\{([^}]{1,500})\}").expect("valid regex"));
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*["']([^"']*)["']\s*$"#).expect("valid regex"));
static DATA_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"["']((?:https?://|/|\./|\.\./)[^"'\s<>]{0,300}?(?:dataproxy\.jsp|/rest/|/api/|\.json|getgovinfolist|[a-z]list\.do|/ajax)[^"'\s<>]{0,300})["']"#,
    )
    .expect("valid regex")
});

/// Reads every script of a page. `extension` is that of the site's list
/// pages, for pages a script numbers without naming their files.
pub fn read(scripts: &[String], page: &Page, extension: &str) -> FromScripts {
    let mut found = FromScripts::default();
    let own_file = page
        .url
        .map_or("", |u| u.path().rsplit('/').next().unwrap_or(""));
    let mut jpage = Jpage::default();
    for script in scripts {
        trs_pages(script, own_file, &mut found);
        trs_dynamic(script, extension, own_file, &mut found);
        jpage.read(script, &mut found);
        gkmlpt(script, page, &mut found);
        for c in DATA_URL.captures_iter(script) {
            let url = c[1].to_string();
            if found.data_urls.len() < 5 && !found.data_urls.contains(&url) {
                found.data_urls.push(url);
            }
        }
    }
    jpage.finish(&mut found);
    found
}

/// `createPageHTML(…)` and `Pager({…})`: every page of a static TRS list.
fn trs_pages(script: &str, own_file: &str, found: &mut FromScripts) {
    for call in CREATE_PAGE_HTML.captures_iter(script) {
        let args: Vec<&str> = call[1].split(',').collect();
        let strings: Vec<String> = args
            .iter()
            .filter_map(|a| QUOTED.captures(a).map(|c| c[1].to_string()))
            .collect();
        let numbers: Vec<u64> = args
            .iter()
            .filter_map(|a| number_or_variable(a.trim(), script))
            .collect();
        // (count, current, "index", "html"), or ("page_div", count, current, "index", "html", records).
        let (Some(&count), Some(prefix), Some(extension)) = (
            numbers.first(),
            strings.len().checked_sub(2).and_then(|i| strings.get(i)),
            strings.last(),
        ) else {
            continue;
        };
        add_numbered(found, prefix, extension, count, own_file);
    }
    for call in PAGER_CALL.captures_iter(script) {
        let body = &call[1];
        let field = |name: &str| {
            Regex::new(&format!(r#"\b{name}\s*:\s*["']?([\w.]+)["']?"#))
                .ok()?
                .captures(body)
                .map(|c| c[1].to_string())
        };
        let (Some(size), Some(prefix), Some(suffix)) = (
            field("size").and_then(|s| s.parse().ok()),
            field("prefix"),
            field("suffix"),
        ) else {
            continue;
        };
        add_numbered(found, &prefix, &suffix, size, own_file);
    }
}

/// Pages `prefix_1.extension` … of a numbered list, and the first one,
/// `prefix.extension`, when the page read is a later one (the first may be
/// the very page read, under its folder's address).
fn add_numbered(
    found: &mut FromScripts,
    prefix: &str,
    extension: &str,
    count: u64,
    own_file: &str,
) {
    let safe = |s: &str| {
        !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !safe(prefix) || !safe(extension) {
        return;
    }
    let on_later_page = own_file
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    for (i, page) in numbered_pages(prefix, extension, count)
        .into_iter()
        .enumerate()
    {
        if i > 0 || on_later_page {
            found
                .pages
                .push((page, "page of the list (pager script)".to_string()));
        }
    }
}

/// A number, or a variable the script sets to one (`var countPage = 4`).
fn number_or_variable(arg: &str, script: &str) -> Option<u64> {
    if let Ok(n) = arg.parse() {
        return Some(n);
    }
    if arg.is_empty() || !arg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let re = Regex::new(&format!(r"\b{arg}\s*=\s*(\d{{1,7}})\b")).ok()?;
    re.captures(script).and_then(|c| c[1].parse().ok())
}

static MAX_STATIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"maxStaticIndex\s*:\s*["']?(\d{1,6})"#).expect("valid regex"));
static RECORD_COUNT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"recordCount\s*:\s*["']?(\d{1,9})"#).expect("valid regex"));
static PREPAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"prepage\s*:\s*["']?(\d{1,6})"#).expect("valid regex"));

/// TRS 动静结合: the first `maxStaticIndex` pages are static files
/// (`index`, `index_1` …); the entries after them only the script fetches.
fn trs_dynamic(script: &str, extension: &str, own_file: &str, found: &mut FromScripts) {
    let get = |re: &Regex| re.captures(script).and_then(|c| c[1].parse::<u64>().ok());
    let (Some(max_static), Some(records), Some(per_page)) =
        (get(&MAX_STATIC), get(&RECORD_COUNT), get(&PREPAGE))
    else {
        return;
    };
    let per_page = per_page.max(1);
    let pages = records.div_ceil(per_page);
    let static_pages = max_static.clamp(1, pages.max(1));
    add_numbered(
        found,
        "index",
        extension,
        static_pages.min(MAX_MADE_PAGES),
        own_file,
    );
    if pages > static_pages {
        let first = static_pages * per_page + 1;
        found.notes.push(format!(
            "entries {first}–{records} of the list (pages {}–{pages}) are loaded by JavaScript \
             from the site's search service (a TRS 动静结合 list) and were not read",
            static_pages + 1
        ));
    }
}

static JPAGE_TOTAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"totalRecord\s*:\s*(\d{1,9})").expect("valid regex"));
static JPAGE_PROXY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"proxyUrl\s*:\s*["']([^"']{1,300})["']"#).expect("valid regex"));

/// Hanweb jpage, read over all of a page's scripts: the datastore (a
/// `<script type="text/xml">`) and the `.jpage({…})` call that configures
/// it usually sit in different scripts.
#[derive(Default)]
struct Jpage {
    /// Records the page's datastores hold, if it has any.
    records: Option<usize>,
    has_next_group: bool,
    configured: bool,
    total: Option<usize>,
}

impl Jpage {
    fn read(&mut self, script: &str, found: &mut FromScripts) {
        if let Some(store) = read_datastore(script) {
            *self.records.get_or_insert(0) += store.records;
            found.anchors.extend(store.anchors);
            if let Some(next) = store.next_group {
                self.has_next_group = true;
                found
                    .pages
                    .push((next, "next records of the list (jpage data)".to_string()));
            }
        }
        if script.contains(".jpage(") {
            self.configured = true;
            self.total = JPAGE_TOTAL
                .captures(script)
                .and_then(|c| c[1].parse().ok())
                .or(self.total);
            if let Some(proxy) = JPAGE_PROXY.captures(script)
                && found.data_urls.len() < 5
            {
                found.data_urls.push(proxy[1].to_string());
            }
        }
    }

    /// What only the script reaches, when no next-group address leads there.
    fn finish(&self, found: &mut FromScripts) {
        if self.has_next_group || !self.configured {
            return;
        }
        let held = self.records.unwrap_or(0);
        match self.total {
            Some(total) if total <= held => {}
            None if self.records.is_some() => {}
            Some(total) => found.notes.push(format!(
                "the list has {total} entries and the page holds {held}; the others are loaded \
                 by JavaScript (a Hanweb jpage list) and were not read"
            )),
            None => found.notes.push(
                "its entries are loaded by JavaScript (a Hanweb jpage list) and were not read"
                    .to_string(),
            ),
        }
    }
}

static SID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\bSID\s*:\s*["']?(\d{1,12})"#).expect("valid regex"));

/// 政务公开平台 (gkmlpt) pages list their columns by script from a JSON
/// address that needs the column's number, which sits after `#` in the
/// page's address and never reaches the server: named, not followed.
fn gkmlpt(script: &str, page: &Page, found: &mut FromScripts) {
    let Some(sid) = SID.captures(script).map(|c| c[1].to_string()) else {
        return;
    };
    let prefix = match page.url {
        Some(url) => {
            let path = url.path();
            let Some(at) = path.find("/gkmlpt/") else {
                return;
            };
            format!("{}{}", url.origin().ascii_serialization(), &path[..at])
        }
        None if script.contains("gkmlpt") => String::new(),
        None => return,
    };
    found.notes.push(format!(
        "a 政务公开平台 (gkmlpt) page: its lists are loaded by JavaScript from \
         {prefix}/gkmlpt/api/all/COLUMN?page=1&sid={sid}, where COLUMN is the number after # \
         in the column's address; give that address to xxgk"
    ));
}

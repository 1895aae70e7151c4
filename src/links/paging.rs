//! Addresses of a list's other pages: telling them by their shape, and
//! making them where a pager script or a data response implies them.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use crate::flatten::{Document, ListData};

/// Pages a script or a data response implies are made up to this many per
/// page read; the crawl's own cap (`--max-list-pages`) usually stops first.
pub const MAX_MADE_PAGES: u64 = 1000;

/// A list page's file name (`index_2.html`, `2.html`, `list-3.shtml`,
/// `column-index-4.shtml`) or a page-number parameter (`?page=2`, `&pageNo=3`).
static PAGE_FILE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|/)(?:[a-z]+[_-])*[a-z]*[_-]?\d{1,5}\.(?:s?html?|jsp|php|aspx?|do)$")
        .expect("valid regex")
});

/// Query parameters that number a list's pages.
const PAGE_PARAMS: &[&str] = &[
    "page",
    "pageno",
    "pagenum",
    "pageindex",
    "page_no",
    "page_num",
    "currpage",
    "curpage",
    "cur_page",
    "currentpage",
    "current",
    "pn",
    "p",
    "start",
    "offset",
];

/// Query parameters that give a page's size.
const SIZE_PARAMS: &[&str] = &[
    "pagesize",
    "page_size",
    "perpage",
    "size",
    "limit",
    "rows",
    "pagecount",
];

/// Whether an address reads as a page of a list.
pub fn is_page_address(href: &str) -> bool {
    let (path, query) = match href.split_once('?') {
        Some((p, q)) => (p, q),
        None => (href, ""),
    };
    PAGE_FILE.is_match(path) || page_param(query).is_some()
}

/// The page-number parameter of a query: its name and value.
fn page_param(query: &str) -> Option<(&str, u64)> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let lower = name.to_ascii_lowercase();
        (PAGE_PARAMS.contains(&lower.as_str()))
            .then(|| value.parse::<u64>().ok().map(|v| (name, v)))
            .flatten()
    })
}

fn size_param(query: &str) -> Option<u64> {
    query.split('&').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        SIZE_PARAMS
            .contains(&name.to_ascii_lowercase().as_str())
            .then(|| value.parse::<u64>().ok().filter(|&v| v > 0))
            .flatten()
    })
}

/// A script, style sheet, image or font: never a page of a list.
pub fn is_asset(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".js", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".woff", ".woff2", ".ttf",
        ".mp4", ".swf",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

/// The other pages of a list given as data, from its page-number parameter
/// and the totals it states. A page with no entries ends the list; where no
/// total is given, the next page is asked for until one comes back empty.
pub fn data_pages(url: &Url, data: &ListData) -> Vec<String> {
    let query = url.query().unwrap_or("");
    let Some((name, current)) = page_param(query) else {
        return Vec::new();
    };
    if data.entries == 0 {
        return Vec::new();
    }
    let first = current <= 1;
    // The size of a page: as asked for, else this page's entries, which
    // only the first page shows in full.
    let per_page = size_param(query).or_else(|| first.then_some(data.entries as u64));
    let zero_based = current == 0;
    let stated = data.total_pages.is_some() || data.total_entries.is_some();
    let last = data
        .total_pages
        .or_else(|| Some(data.total_entries?.div_ceil(per_page?)));
    let last = match (stated, last) {
        (true, Some(pages)) => {
            let last = if zero_based {
                pages.saturating_sub(1)
            } else {
                pages
            };
            last.min(current + MAX_MADE_PAGES)
        }
        // A total the page size cannot turn into pages: the first page made them.
        (true, None) => return Vec::new(),
        (false, _) => current + 1,
    };
    (current + 1..=last)
        .map(|n| with_param(url, name, n))
        .collect()
}

/// `url` with its parameter `name` set to `value`, other parameters kept.
fn with_param(url: &Url, name: &str, value: u64) -> String {
    let query: Vec<String> = url
        .query()
        .unwrap_or("")
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((n, _)) if n == name => format!("{n}={value}"),
            _ => pair.to_string(),
        })
        .collect();
    let mut out = url.clone();
    out.set_query(Some(&query.join("&")));
    out.to_string()
}

/// The extension of this site's list pages (`htm`, `html`, `shtml`), for
/// pages a script implies without naming: the page's own file, else the
/// pages its links name, else `html`.
pub fn page_extension(doc: &Document, page_url: Option<&Url>) -> String {
    static INDEX_FILE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:^|/)index(?:_\d+)?\.(s?html?)$").expect("valid regex")
    });
    let own = page_url.and_then(|u| INDEX_FILE.captures(u.path()).map(|c| c[1].to_string()));
    own.or_else(|| {
        doc.links.iter().find_map(|a| {
            INDEX_FILE
                .captures(a.href.split(['?', '#']).next().unwrap_or(""))
                .map(|c| c[1].to_string())
        })
    })
    .unwrap_or_else(|| "html".to_string())
    .to_ascii_lowercase()
}

/// `index.html`, `index_1.html` … for a TRS list of `count` pages.
pub fn numbered_pages(prefix: &str, extension: &str, count: u64) -> Vec<String> {
    (0..count.min(MAX_MADE_PAGES))
        .map(|i| match i {
            0 => format!("{prefix}.{extension}"),
            i => format!("{prefix}_{i}.{extension}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_addresses_are_told_by_shape() {
        for yes in [
            "index_2.html",
            "./index_12.htm",
            "2.html",
            "/jyxx/003001/3.html",
            "column-index-4.shtml",
            "list.jsp?columnId=5&pageNo=3",
            "?page=2",
        ] {
            assert!(is_page_address(yes), "{yes}");
        }
        for no in [
            "./202503/t20250310_97791.htm",
            "/art/2024/1/30/art_1_2.html",
            "index.html",
            "zfxxgkzn/index.html",
            "?year=2023",
        ] {
            assert!(!is_page_address(no), "{no}");
        }
    }

    #[test]
    fn data_pages_follow_the_totals() {
        let url = Url::parse("http://a.gov.cn/gkmlpt/api/all/5?page=1&sid=2").unwrap();
        let data = ListData {
            format: "JSON",
            entries: 100,
            total_pages: None,
            total_entries: Some(230),
        };
        let pages = data_pages(&url, &data);
        assert_eq!(
            pages,
            [
                "http://a.gov.cn/gkmlpt/api/all/5?page=2&sid=2",
                "http://a.gov.cn/gkmlpt/api/all/5?page=3&sid=2"
            ]
        );
        // A later page, cut short, does not guess the size from itself: the
        // first page made the others.
        let url = Url::parse("http://a.gov.cn/x?page=3").unwrap();
        let last = ListData {
            entries: 30,
            ..data
        };
        assert!(data_pages(&url, &last).is_empty());
        // Without totals, pages are asked for until one comes back empty.
        let untold = ListData {
            total_entries: None,
            ..last
        };
        assert_eq!(data_pages(&url, &untold), ["http://a.gov.cn/x?page=4"]);
        let empty = ListData {
            entries: 0,
            ..untold
        };
        assert!(data_pages(&url, &empty).is_empty());
        // Zero-based pages and a stated page count.
        let url = Url::parse("http://a.gov.cn/dataproxy.jsp?page=0&col=1").unwrap();
        let pages = ListData {
            total_pages: Some(3),
            ..data
        };
        assert_eq!(data_pages(&url, &pages).len(), 2);
    }
}

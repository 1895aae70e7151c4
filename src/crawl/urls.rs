//! The URL list: one URL per line, `#` comments and blank lines ignored.

use url::Url;

/// A list line that is not a URL xxgk can fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    pub text: String,
    pub reason: String,
}

/// The URLs of a list, in order and without duplicates, and its bad lines.
#[derive(Debug, Default)]
pub struct UrlList {
    pub urls: Vec<Url>,
    pub bad: Vec<BadLine>,
    /// Lines naming a URL already listed.
    pub duplicates: usize,
}

/// Reads a URL list. A URL's `#fragment` is dropped (it is never sent to the
/// server), so `page#top` and `page` are one URL.
pub fn parse(text: &str) -> UrlList {
    let mut list = UrlList::default();
    let mut seen = std::collections::HashSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: String| BadLine {
            line: i + 1,
            text: line.to_string(),
            reason,
        };
        match Url::parse(line) {
            Ok(mut url) if matches!(url.scheme(), "http" | "https") => {
                url.set_fragment(None);
                if seen.insert(url.as_str().to_string()) {
                    list.urls.push(url);
                } else {
                    list.duplicates += 1;
                }
            }
            Ok(url) => list.bad.push(bad(format!(
                "not an http(s) URL (scheme {:?})",
                url.scheme()
            ))),
            Err(e) => list.bad.push(bad(format!("not a URL: {e}"))),
        }
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_blanks_bad_lines_and_duplicates() {
        let text = "# reports of 2023\n\
                    \n\
                    https://example.gov.cn/a.html\n\
                    ftp://example.gov.cn/b\n\
                    \u{20}\u{20}http://EXAMPLE.gov.cn/a.html#top  \n\
                    www.example.gov.cn/c.html\n\
                    http://example.gov.cn/d.html\n";
        let list = parse(text);
        let urls: Vec<&str> = list.urls.iter().map(Url::as_str).collect();
        assert_eq!(
            urls,
            [
                "https://example.gov.cn/a.html",
                "http://example.gov.cn/a.html",
                "http://example.gov.cn/d.html"
            ]
        );
        assert_eq!(list.duplicates, 0);
        let lines: Vec<usize> = list.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [4, 6]);
        assert!(list.bad[0].reason.contains("ftp"), "{:?}", list.bad[0]);
        assert!(
            list.bad[1].reason.contains("not a URL"),
            "{:?}",
            list.bad[1]
        );
    }

    #[test]
    fn the_same_url_twice_is_listed_once() {
        let list = parse("http://a.cn/x\nhttp://A.cn/x#frag\nhttp://a.cn/x?y=1\n");
        assert_eq!(list.urls.len(), 2);
        assert_eq!(list.duplicates, 1);
    }
}

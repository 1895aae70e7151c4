//! The URL list: one URL per line. Blank lines, `#` comment lines and
//! trailing comments (`URL  # note`) are ignored; in a CSV or tab-separated
//! list (`xxgk discover` output, a spreadsheet's `url,name`) the first field
//! is the URL, and a discover list's last field (`found_on`) is kept.

use url::Url;

use super::Task;
use super::schedule::TaskQueue;

/// A list line that is not a URL xxgk can fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    /// The line, cut to a readable length.
    pub text: String,
    pub reason: String,
}

/// A line naming a URL listed on an earlier line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    pub line: usize,
    pub first: usize,
    pub url: String,
}

/// The URLs of a list, in order and without duplicates, and its bad lines.
#[derive(Debug, Default)]
pub struct UrlList {
    /// Kept as text: a list of a million URLs takes tens of megabytes.
    pub urls: TaskQueue,
    pub bad: Vec<BadLine>,
    pub repeats: Vec<Repeat>,
}

/// When the first this-many lines that should hold URLs hold none, the file
/// is no URL list (a page, a report) and is refused as a whole.
pub const LINES_BEFORE_REFUSING: usize = 5;

/// Why a file is not a URL list at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a list of URLs: none of its first {LINES_BEFORE_REFUSING} lines is an http(s) URL \
     (line {}: {}); give a text file with one URL per line",
    .first.line, .first.text
)]
pub struct NotAList {
    pub first: BadLine,
}

/// Reads a URL list. A URL's `#fragment` is dropped (it is never sent to the
/// server), so `page#top` and `page` are one URL.
pub fn parse(text: &str) -> Result<UrlList, NotAList> {
    let mut list = UrlList::default();
    // URL key → its line. Two URLs sharing a key (odds of one in 30
    // million over a million URLs) would show as a repeat, named with both lines.
    let mut first_line = rustc_hash::FxHashMap::default();
    let mut candidates = 0;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_start_matches('\u{feff}').trim();
        let line = strip_comment(line);
        if line.is_empty() {
            continue;
        }
        candidates += 1;
        let fields = fields(line);
        let first = fields.first().map_or("", |f| f.as_str());
        if candidates == 1 && is_header(first) {
            continue;
        }
        let bad = |reason: String| BadLine {
            line: i + 1,
            text: shorten(line),
            reason,
        };
        match parse_url(first) {
            Ok(mut url) => {
                url.set_fragment(None);
                let key = super::url_key(url.as_str());
                if let Some(&first) = first_line.get(&key) {
                    list.repeats.push(Repeat {
                        line: i + 1,
                        first,
                        url: url.to_string(),
                    });
                    continue;
                }
                first_line.insert(key, i + 1);
                // `xxgk discover` lists: url, title, year, published, found_on.
                let found_on = (fields.len() >= 5)
                    .then(|| fields[4].trim())
                    .filter(|f| f.starts_with("http://") || f.starts_with("https://"))
                    .map(str::to_string);
                list.urls.push(&Task { url, found_on });
            }
            Err(reason) => list.bad.push(bad(reason)),
        }
        if candidates == LINES_BEFORE_REFUSING && list.urls.is_empty() {
            return Err(NotAList {
                first: list.bad[0].clone(),
            });
        }
    }
    Ok(list)
}

/// A line without its trailing comment: `#` after whitespace (a `#` inside
/// a URL is its fragment and has none before it).
fn strip_comment(line: &str) -> &str {
    if line.starts_with('#') {
        return "";
    }
    let cut = line
        .char_indices()
        .find(|&(i, c)| c == '#' && line[..i].ends_with(char::is_whitespace))
        .map_or(line.len(), |(i, _)| i);
    line[..cut].trim()
}

/// The fields of a tab-separated, comma-separated or space-separated line
/// (URLs hold none of these characters unescaped), quotes removed.
fn fields(line: &str) -> Vec<String> {
    let separator = if line.contains('\t') {
        '\t'
    } else if line.contains(',') {
        ','
    } else {
        ' '
    };
    line.split(separator)
        .map(|f| {
            f.trim()
                .trim_matches(|c| matches!(c, '"' | '\'' | '<' | '>'))
                .to_string()
        })
        .filter(|f| separator != ' ' || !f.is_empty())
        .collect()
}

/// A first line naming its columns (`url,name`; a `# url…` header is a comment).
fn is_header(first_field: &str) -> bool {
    let f = first_field.to_ascii_lowercase();
    matches!(
        f.as_str(),
        "url" | "urls" | "link" | "address" | "href" | "网址" | "链接" | "地址"
    )
}

fn parse_url(text: &str) -> Result<Url, String> {
    match Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        Ok(url) => Err(format!("not an http(s) URL (scheme {:?})", url.scheme())),
        Err(url::ParseError::RelativeUrlWithoutBase) if looks_like_a_host(text) => Err(format!(
            "no http:// or https:// at the start (did you mean http://{text} ?)"
        )),
        Err(e) => Err(format!("not a URL: {e}")),
    }
}

/// `www.a.gov.cn/x.html`: a URL without its scheme.
fn looks_like_a_host(text: &str) -> bool {
    let host = text.split(['/', '?']).next().unwrap_or("");
    host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
}

/// A line as quoted in a message: at most 80 characters.
fn shorten(line: &str) -> String {
    const MAX: usize = 80;
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(list: &UrlList) -> Vec<String> {
        list.urls.clone().map(|t| t.url.to_string()).collect()
    }

    #[test]
    fn comments_blanks_bad_lines_and_duplicates() {
        let text = "# reports of 2023\n\
                    \n\
                    https://example.gov.cn/a.html\n\
                    ftp://example.gov.cn/b\n\
                    \u{20}\u{20}http://EXAMPLE.gov.cn/a.html#top  \n\
                    www.example.gov.cn/c.html\n\
                    http://example.gov.cn/d.html   # the 2022 report\n\
                    http://example.gov.cn/a.html\n";
        let list = parse(text).unwrap();
        assert_eq!(
            urls(&list),
            [
                "https://example.gov.cn/a.html",
                "http://example.gov.cn/a.html",
                "http://example.gov.cn/d.html"
            ]
        );
        assert_eq!(
            list.repeats,
            [Repeat {
                line: 8,
                first: 5,
                url: "http://example.gov.cn/a.html".into()
            }]
        );
        let lines: Vec<usize> = list.bad.iter().map(|b| b.line).collect();
        assert_eq!(lines, [4, 6]);
        assert!(list.bad[0].reason.contains("ftp"), "{:?}", list.bad[0]);
        assert!(
            list.bad[1]
                .reason
                .contains("did you mean http://www.example.gov.cn/c.html"),
            "{:?}",
            list.bad[1]
        );
    }

    #[test]
    fn csv_and_discover_lists_give_their_first_field() {
        let csv =
            "url,name\nhttp://a.cn/1.html,某县2023年报\n\"http://a.cn/2.html\",\"某县2022年报\"\n";
        assert_eq!(
            urls(&parse(csv).unwrap()),
            ["http://a.cn/1.html", "http://a.cn/2.html"]
        );
        let tsv = "# url\ttitle\tyear\tpublished\tfound_on\n\
                   http://a.cn/nb/1.html\t某县2023年度政府信息公开工作年度报告\t2023\t2024-01-30\thttp://a.cn/nb/\n";
        let list = parse(tsv).unwrap();
        assert_eq!(urls(&list), ["http://a.cn/nb/1.html"]);
        let first = list.urls.clone().next().unwrap();
        assert_eq!(first.found_on.as_deref(), Some("http://a.cn/nb/"));
    }

    #[test]
    fn a_page_is_refused_in_one_line() {
        let page = format!(
            "<!DOCTYPE html>\n<html>\n<head><title>x</title>{}</head>\n<body>\n<p>http://a.cn/</p>\n",
            "x".repeat(50_000)
        );
        let err = parse(&page).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("not a list of URLs"), "{message}");
        assert!(message.len() < 400, "{message}");
    }
}

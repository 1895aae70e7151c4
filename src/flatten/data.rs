//! Lists given as data rather than as a page: the JSON a column's script
//! fetches (e.g. 政务公开平台 `gkmlpt/api/all/…` answers
//! `{"total": 42, "articles": [{"title": …, "url": …}]}`), and the XML
//! datastore of Hanweb (大汉) jpage lists (`<datastore><totalpage>3</totalpage>
//! <recordset><record><![CDATA[<li><a …>…</a></li>]]></record>…`), which a
//! jpage column page also carries inline. Either becomes a [`Document`] whose
//! `links` are the list's entries; nothing else of it is text.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::normalize::collapse_whitespace;
use super::{Anchor, Document, ListData, fragment_anchors};

/// A list as data, or `None` when `text` is not one.
pub fn flatten_data(text: &str) -> Option<Document> {
    let (links, data) = read_json(text).or_else(|| {
        let store = read_datastore(text).filter(|_| is_datastore_response(text))?;
        let data = ListData {
            format: "XML",
            entries: store.records,
            total_pages: store.total_pages,
            total_entries: store.total_entries,
        };
        Some((store.anchors, data))
    })?;
    Some(Document {
        links,
        data: Some(data),
        ..Document::default()
    })
}

/// A Hanweb jpage datastore.
#[derive(Debug, Default)]
pub struct Datastore {
    /// The anchors of its records, in order.
    pub anchors: Vec<Anchor>,
    pub records: usize,
    /// The `<nextgroup>` link: where the list's next records come from.
    pub next_group: Option<String>,
    pub total_pages: Option<u64>,
    pub total_entries: Option<u64>,
}

static RECORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>").expect("valid regex")
});
static NEXT_GROUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>").expect("valid regex")
});
static TOTAL_PAGES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<totalpage>\s*(\d{1,9})\s*<").expect("valid regex"));
static TOTAL_RECORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<totalrecord>\s*(\d{1,12})\s*<").expect("valid regex"));

/// A response that is a datastore, not a page that carries one.
fn is_datastore_response(text: &str) -> bool {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    let head = &head.as_bytes()[..head.len().min(2048)];
    memchr::memmem::find(head, b"<datastore").is_some()
        && (head.starts_with(b"<datastore") || head.starts_with(b"<?xml"))
}

/// Reads a jpage `<datastore>` wherever it sits in `text` (a whole response,
/// or a `<script type="text/xml">` of a column page).
pub fn read_datastore(text: &str) -> Option<Datastore> {
    let start = memchr::memmem::find(text.as_bytes(), b"<datastore")?;
    let text = &text[start..];
    let mut store = Datastore::default();
    for record in RECORD.captures_iter(text) {
        store.records += 1;
        store.anchors.extend(fragment_anchors(&record[1]));
    }
    store.next_group = NEXT_GROUP
        .captures(text)
        .and_then(|c| fragment_anchors(&c[1]).into_iter().next())
        .map(|a| a.href)
        .filter(|h| !h.is_empty());
    store.total_pages = TOTAL_PAGES.captures(text).and_then(|c| c[1].parse().ok());
    store.total_entries = TOTAL_RECORDS.captures(text).and_then(|c| c[1].parse().ok());
    Some(store)
}

/// Reads a JSON list: the largest array of objects that carry a link and a
/// title, and the totals the response gives. JSON without such an array is
/// still a list (an empty last page), as long as it parses.
fn read_json(text: &str) -> Option<(Vec<Anchor>, ListData)> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let root: Value = serde_json::from_str(trimmed).ok()?;
    let mut best: Vec<Anchor> = Vec::new();
    let mut best_len = 0;
    let mut totals = Totals::default();
    // Breadth-first over the tree, bounded: a list sits near the top.
    let mut queue = std::collections::VecDeque::from([(&root, 0usize)]);
    let mut visited = 0;
    while let Some((value, depth)) = queue.pop_front() {
        visited += 1;
        if visited > 100_000 {
            break;
        }
        match value {
            Value::Object(map) => {
                if depth <= 3 {
                    totals.read(map);
                }
                for v in map.values() {
                    if v.is_object() || v.is_array() {
                        queue.push_back((v, depth + 1));
                    }
                }
            }
            Value::Array(items) => {
                let anchors: Vec<Anchor> = items
                    .iter()
                    .filter_map(|item| item.as_object().and_then(entry_of))
                    .collect();
                if anchors.len() > best.len() {
                    best_len = items.len();
                    best = anchors;
                }
                for v in items {
                    if v.is_object() || v.is_array() {
                        queue.push_back((v, depth + 1));
                    }
                }
            }
            _ => {}
        }
    }
    let data = ListData {
        format: "JSON",
        entries: best_len,
        total_pages: totals.pages,
        total_entries: totals.entries,
    };
    Some((best, data))
}

/// Totals a list response states, under the names CMSs give them.
#[derive(Default)]
struct Totals {
    pages: Option<u64>,
    entries: Option<u64>,
}

impl Totals {
    const PAGES: &[&str] = &[
        "totalpage",
        "totalpages",
        "pagecount",
        "pages",
        "totalpagenum",
        "pagetotal",
    ];
    const ENTRIES: &[&str] = &[
        "total",
        "totalcount",
        "recordcount",
        "totalrecord",
        "totalrecords",
        "totalnum",
        "totalsize",
        "totalelements",
        "count",
    ];

    fn read(&mut self, map: &serde_json::Map<String, Value>) {
        for (key, value) in map {
            let key = key.to_ascii_lowercase();
            let Some(n) = number(value) else { continue };
            if self.pages.is_none() && Self::PAGES.contains(&key.as_str()) {
                self.pages = Some(n);
            } else if self.entries.is_none() && Self::ENTRIES.contains(&key.as_str()) {
                self.entries = Some(n);
            }
        }
    }
}

fn number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// One list entry of a JSON array: its link, title and date.
fn entry_of(item: &serde_json::Map<String, Value>) -> Option<Anchor> {
    let text_of = |key_fits: &dyn Fn(&str) -> bool| {
        item.iter().find_map(|(k, v)| {
            let k = k.to_ascii_lowercase();
            match v {
                Value::String(s) if key_fits(&k) && !s.trim().is_empty() => Some(s.trim()),
                _ => None,
            }
        })
    };
    let href = text_of(&|k| k == "url")
        .or_else(|| text_of(&|k| k.contains("url") || k.contains("link") || k.contains("href")))
        .filter(|h| looks_like_link(h))?;
    let title = text_of(&|k| k == "title")
        .or_else(|| text_of(&|k| k.contains("title") || k == "name" || k == "bt"))?;
    let beside = item.iter().find_map(|(k, v)| {
        let k = k.to_ascii_lowercase();
        if !(k.contains("date") || k.contains("time") || k.contains("pub")) {
            return None;
        }
        match v {
            Value::String(s) if s.len() <= 40 => Some(s.trim().to_string()),
            Value::Number(n) => n.as_i64().and_then(epoch_date),
            _ => None,
        }
    });
    Some(Anchor {
        text: collapse_whitespace(title),
        href: href.to_string(),
        title: None,
        beside,
    })
}

fn looks_like_link(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with('/')
        || lower.starts_with("./")
        || lower.starts_with("../")
        || [
            ".htm", ".html", ".shtml", ".jsp", ".pdf", ".doc", ".docx", ".wps",
        ]
        .iter()
        .any(|e| lower.split(['?', '#']).next().unwrap_or("").ends_with(e))
}

/// Unix time in seconds or milliseconds → `YYYY-MM-DD` (UTC+8, as the
/// sites publish in China time).
fn epoch_date(n: i64) -> Option<String> {
    let secs = if n > 100_000_000_000 { n / 1000 } else { n };
    // 2000-01-01 .. 2100-01-01
    if !(946_684_800..4_102_444_800).contains(&secs) {
        return None;
    }
    let days = (secs + 8 * 3600).div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_list_gives_its_entries_and_totals() {
        let doc = flatten_data(
            r#"{"total": 230, "articles": [
                {"id": 1, "title": "某区2023年政府信息公开工作年度报告", "url": "http://a.gov.cn/gkmlpt/content/1/1.html", "display_publish_time": 1706601600},
                {"id": 2, "title": "政府信息公开指南", "url": "/gkmlpt/content/1/2.html", "publish_date": "2023-02-01"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(doc.links.len(), 2);
        assert_eq!(doc.links[0].text, "某区2023年政府信息公开工作年度报告");
        assert_eq!(doc.links[0].beside.as_deref(), Some("2024-01-30"));
        assert_eq!(doc.links[1].href, "/gkmlpt/content/1/2.html");
        let data = doc.data.unwrap();
        assert_eq!(
            (data.entries, data.total_entries, data.total_pages),
            (2, Some(230), None)
        );
    }

    #[test]
    fn a_datastore_gives_its_records_and_totals() {
        let doc = flatten_data(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><datastore><totalrecord>32</totalrecord><totalpage>3</totalpage>\
             <recordset><record><![CDATA[<li><a href='/art/2024/1/30/art_1_2.html' title='2023年度政府信息公开工作年度报告'>2023年度…</a><span>2024-01-30</span></li>]]></record>\
             </recordset></datastore>",
        )
        .unwrap();
        assert_eq!(doc.links.len(), 1);
        assert_eq!(
            doc.links[0].title.as_deref(),
            Some("2023年度政府信息公开工作年度报告")
        );
        assert_eq!(doc.links[0].beside.as_deref(), Some("2024-01-30"));
        let data = doc.data.unwrap();
        assert_eq!((data.total_pages, data.total_entries), (Some(3), Some(32)));
    }

    #[test]
    fn text_and_pages_are_not_data() {
        assert!(flatten_data("一、总体情况\n规章 0").is_none());
        assert!(flatten_data("<html><body><p>正文</p></body></html>").is_none());
        assert!(flatten_data("{ not json").is_none());
    }

    #[test]
    fn epoch_dates_are_china_time() {
        assert_eq!(epoch_date(1_706_601_600).as_deref(), Some("2024-01-30"));
        assert_eq!(epoch_date(1_706_601_600_000).as_deref(), Some("2024-01-30"));
        assert_eq!(epoch_date(5), None);
    }
}

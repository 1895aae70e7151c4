//! Following list pages: which links of a list page's record are crawled
//! next, and in which order URLs are taken.
//!
//! What a link is was decided when the page was extracted ([`crate::links`]);
//! here the crawl only chooses among the links the record carries: reports
//! (of the asked years), report files, and further pages of the list while
//! the column is under its page cap. Every URL is queued at most once, so a
//! page that links to itself or a ring of pages ends.
//!
//! Decisions depend only on the records, in the order they were written: a
//! rerun replays the records file through the same [`Discovery`] and queues
//! exactly what the interrupted run had queued but not recorded.

use std::io::{self, Write};

use rustc_hash::{FxHashMap, FxHashSet};
use url::Url;

use super::url_key;

use crate::links::{self, Link, LinkKind};
use crate::model::{Report, Status};

/// How list pages are followed.
#[derive(Debug, Clone)]
pub struct Follow {
    /// Off with `--no-follow`: list pages are recorded, nothing is followed.
    pub enabled: bool,
    /// Only reports of these years are queued (`--year`); empty: all.
    pub years: Vec<i32>,
    /// List pages read per column, its first page included (`--max-list-pages`).
    pub max_list_pages: usize,
    /// Whether reports found are crawled (`crawl`) or only listed (`discover`).
    pub fetch_reports: bool,
}

impl Default for Follow {
    fn default() -> Self {
        Follow {
            enabled: true,
            years: Vec::new(),
            max_list_pages: 50,
            fetch_reports: true,
        }
    }
}

/// One URL to crawl.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub url: Url,
    /// The list page it was found on (for a URL given in the list: what the
    /// list says, e.g. the last column of `xxgk discover` output).
    pub found_on: Option<String>,
}

/// A report link found on a list page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub link: Link,
    pub found_on: String,
}

/// What following has done, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Columns (listed URLs that were list pages).
    pub columns: usize,
    /// List pages read, first pages included.
    pub list_pages: usize,
    /// Distinct report links found (pages and files).
    pub reports: usize,
    /// Report links left out by `--year` (their year differs or is unknown).
    pub other_years: usize,
    /// List pages not read because their column reached its page cap.
    pub capped_pages: usize,
    /// The columns that reached it.
    pub capped_columns: Vec<String>,
}

/// The record of a list page whose links a crawl follows.
pub fn is_list_page(report: &Report) -> bool {
    report.status == Status::NotAReport
        && report
            .reason
            .as_deref()
            .is_some_and(|r| r.starts_with(links::LIST_PAGE))
}

struct Column {
    root: String,
    /// List pages queued or read in this column.
    pages: usize,
    capped: bool,
}

/// The state of following, over one crawl.
pub struct Discovery {
    follow: Follow,
    /// Every URL listed or queued: nothing is queued twice. Like the sets
    /// below, it holds [`url_key`]s, not URLs.
    known: FxHashSet<u64>,
    /// The column each page queued from a list page belongs to.
    column_of: FxHashMap<u64, usize>,
    columns: Vec<Column>,
    /// Listed URLs, each its own column should it be a list page.
    listed: FxHashSet<u64>,
    /// Pages already counted against their column's cap.
    pages_counted: FxHashSet<u64>,
    /// Report links found, for `discover`'s output (kept only there).
    found: Vec<Found>,
    pub tally: Tally,
}

impl Discovery {
    /// Call [`Discovery::list`] for each URL of the list next.
    pub fn new(follow: Follow) -> Self {
        Discovery {
            follow,
            known: FxHashSet::default(),
            column_of: FxHashMap::default(),
            columns: Vec::new(),
            listed: FxHashSet::default(),
            pages_counted: FxHashSet::default(),
            found: Vec::new(),
            tally: Tally::default(),
        }
    }

    /// Notes a URL of the list: never queued again, and its own column
    /// should it be a list page.
    pub fn list(&mut self, task: &Task) {
        self.known.insert(url_key(&links::same_page(&task.url)));
        self.listed.insert(url_key(task.url.as_str()));
    }

    /// The URLs a record's links lead to that are to be crawled now, each
    /// with the page it was found on. Call it for every record, in the
    /// order records are written (and replayed).
    pub fn discover(&mut self, record: &Report) -> Vec<Task> {
        if !self.follow.enabled || !is_list_page(record) {
            return Vec::new();
        }
        let Some(page) = record.source.url.clone() else {
            return Vec::new();
        };
        let page_key = url_key(&page);
        let column = match self.column_of.get(&page_key) {
            Some(&column) => {
                // A page reached by a report link that turned out to be a
                // list (a sub-column) counts as one of its column's pages.
                if !self.pages_counted.contains(&page_key) {
                    if self.columns[column].pages >= self.follow.max_list_pages {
                        self.cap(column);
                        return Vec::new();
                    }
                    self.columns[column].pages += 1;
                }
                column
            }
            None if self.listed.contains(&page_key) => {
                self.tally.columns += 1;
                self.columns.push(Column {
                    root: page.clone(),
                    pages: 1,
                    capped: false,
                });
                let column = self.columns.len() - 1;
                self.column_of.insert(page_key, column);
                self.pages_counted.insert(page_key);
                column
            }
            None => return Vec::new(),
        };
        self.tally.list_pages += 1;
        let mut tasks = Vec::new();
        for link in &record.links {
            let Some(kind) = link.kind else { continue };
            let Ok(mut url) = Url::parse(&link.href) else {
                continue; // a saved page's relative link
            };
            url.set_fragment(None);
            let key = url_key(&links::same_page(&url));
            if !matches!(url.scheme(), "http" | "https") || self.known.contains(&key) {
                continue;
            }
            match kind {
                // An article's other files; list pages have none.
                LinkKind::File => continue,
                LinkKind::Page => {
                    if self.columns[column].pages >= self.follow.max_list_pages {
                        self.cap(column);
                        self.tally.capped_pages += 1;
                        self.known.insert(key);
                        continue;
                    }
                    self.columns[column].pages += 1;
                    self.pages_counted.insert(url_key(url.as_str()));
                }
                LinkKind::Report | LinkKind::Attachment => {
                    if !self.follow.years.is_empty()
                        && !link.year.is_some_and(|y| self.follow.years.contains(&y))
                    {
                        self.tally.other_years += 1;
                        self.known.insert(key);
                        continue;
                    }
                    self.tally.reports += 1;
                    // Only `discover` prints them; a crawl records them.
                    if !self.follow.fetch_reports {
                        self.found.push(Found {
                            link: Link {
                                href: url.as_str().to_string(),
                                ..link.clone()
                            },
                            found_on: page.clone(),
                        });
                        self.known.insert(key);
                        continue;
                    }
                }
            }
            self.known.insert(key);
            self.column_of.insert(url_key(url.as_str()), column);
            tasks.push(Task {
                url,
                found_on: Some(page.clone()),
            });
        }
        tasks
    }

    fn cap(&mut self, column: usize) {
        let column = &mut self.columns[column];
        if !column.capped {
            column.capped = true;
            self.tally.capped_columns.push(column.root.clone());
        }
    }

    /// Report links found so far, in the order found.
    pub fn found(&self) -> &[Found] {
        &self.found
    }
}

/// The header of `xxgk discover` output.
pub const LIST_HEADER: &str = "# url\ttitle\tyear\tpublished\tfound_on";

/// Writes report links as `xxgk discover` prints them: a `#` header line,
/// then one tab-separated line per report, which `xxgk crawl` reads back as
/// its URL list. Titles come from pages: tabs and line breaks become spaces,
/// and a title a spreadsheet would run as a formula is quoted.
pub fn write_list(out: &mut dyn Write, found: &[Found]) -> io::Result<()> {
    writeln!(out, "{LIST_HEADER}")?;
    for f in found {
        let title: String = f
            .link
            .text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            f.link.href,
            crate::export::formula_safe(title.trim()),
            f.link.year.map(|y| y.to_string()).unwrap_or_default(),
            f.link.published.as_deref().unwrap_or(""),
            f.found_on
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

    fn task(url: &str) -> Task {
        Task {
            url: Url::parse(url).unwrap(),
            found_on: None,
        }
    }

    fn list_page(url: &str, links: &[(&str, LinkKind, Option<i32>)]) -> Report {
        let source = Source {
            url: Some(url.to_string()),
            ..Source::default()
        };
        let mut r = Report::empty(
            source,
            Status::NotAReport,
            Some(format!("{} linking to …", links::LIST_PAGE)),
        );
        r.links = links
            .iter()
            .map(|(href, kind, year)| Link {
                text: String::new(),
                href: href.to_string(),
                kind: Some(*kind),
                year: *year,
                published: None,
            })
            .collect();
        r
    }

    #[test]
    fn pages_are_capped_loops_end_and_years_filter_reports() {
        let follow = Follow {
            years: vec![2023],
            max_list_pages: 2,
            ..Follow::default()
        };
        let root = "http://a.cn/nb/";
        let mut d = Discovery::new(follow);
        d.list(&task(root));
        let first = d.discover(&list_page(
            root,
            &[
                ("http://a.cn/nb/2023.html", LinkKind::Report, Some(2023)),
                ("http://a.cn/nb/2022.html", LinkKind::Report, Some(2022)),
                ("http://a.cn/nb/x.html", LinkKind::Report, None),
                ("http://a.cn/nb/index_1.html", LinkKind::Page, None),
                ("http://a.cn/nb/index_2.html", LinkKind::Page, None),
                ("http://a.cn/nb/", LinkKind::Page, None),
            ],
        ));
        let urls: Vec<&str> = first.iter().map(|t| t.url.as_str()).collect();
        assert_eq!(
            urls,
            ["http://a.cn/nb/2023.html", "http://a.cn/nb/index_1.html"]
        );
        assert!(first.iter().all(|t| t.found_on.as_deref() == Some(root)));
        // The second page links back to the first and to a report found before.
        let second = d.discover(&list_page(
            "http://a.cn/nb/index_1.html",
            &[
                ("http://a.cn/nb/2023.html", LinkKind::Report, Some(2023)),
                ("http://a.cn/nb/", LinkKind::Page, None),
                // The column's folder and its index file are one page.
                ("http://a.cn/nb/index.html", LinkKind::Page, None),
                ("http://a.cn/nb/index_2.html", LinkKind::Page, None),
            ],
        ));
        assert!(second.is_empty(), "{second:?}");
        assert_eq!(
            d.tally,
            Tally {
                columns: 1,
                list_pages: 2,
                reports: 1,
                other_years: 2,
                capped_pages: 1,
                capped_columns: vec![root.to_string()],
            }
        );
    }
}

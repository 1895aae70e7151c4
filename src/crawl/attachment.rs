//! An article whose report is an attached file: the file is fetched and read
//! in the page's place.
//!
//! Extraction marks such a page (its reason begins with
//! [`links::ATTACHED_REPORT`]) and lists, as links of kind
//! [`LinkKind::Attachment`], the files that may be the report; what counts as
//! one is decided in [`crate::links`] alone. Here the crawl fetches them in
//! link order, through the same fetcher, cache and retry rules as any URL,
//! each in a follow-up slot on its host ([`super::schedule`]), until one
//! reads as a complete report, and keeps the best; only files on the page's
//! own site are fetched, as only such links of list pages are followed. The
//! record stays the one of the URL asked for: its `source` keeps the page's
//! facts and adds `attachment_url` and `attachment` (SPEC §7).

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::{Done, Shared, Task, extract, obtain};
use crate::links::{self, LinkKind};
use crate::model::{Attachment, Report, Source, Status};

/// Files fetched for one page at most: a hostile page may link thousands.
const MAX_CANDIDATES: usize = 5;

/// Whether `record` is the page of a report published as a file, whose
/// file a crawl fetches.
pub(super) fn wanted(record: &Report) -> bool {
    record.status == Status::NotAReport
        && record
            .reason
            .as_deref()
            .is_some_and(|r| r.starts_with(links::ATTACHED_REPORT))
}

/// Fetches and reads the report files `done.report` (a page [`wanted`])
/// links to, and makes the best of them its record.
pub(super) async fn follow(shared: &Arc<Shared>, done: &mut Done, retrying: bool) {
    // As for list pages, links to other sites are not followed: the page is
    // not trusted to send the crawler elsewhere (an intranet address, say).
    let page_url = links::page_url(&done.report.source);
    let (mut candidates, off_site): (Vec<Url>, Vec<Url>) = done
        .report
        .links
        .iter()
        .filter(|l| l.kind == Some(LinkKind::Attachment))
        .filter_map(|l| Url::parse(&l.href).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .partition(|u| page_url.as_ref().is_some_and(|p| links::same_site(u, p)));
    if candidates.is_empty() {
        if let Some(first) = off_site.first() {
            done.report.reason = Some(format!(
                "{} {first}, on another site, which a crawl does not follow from a page; \
                 list its URL to crawl it",
                links::ATTACHED_REPORT
            ));
        }
        return;
    }
    let mut not_tried = candidates.split_off(candidates.len().min(MAX_CANDIDATES));
    not_tried.extend(off_site);
    let mut tried = Vec::new();
    let mut rest = candidates.into_iter();
    for url in rest.by_ref() {
        let report = read_one(shared, &url, retrying, done).await;
        let complete = report.status == Status::Complete;
        tried.push((url, report));
        if complete {
            break;
        }
    }
    let not_tried: Vec<Url> = rest.chain(not_tried).collect();
    let page = std::mem::replace(&mut done.report, Report::error(Source::default(), ""));
    done.report = choose(page, tried, &not_tried);
}

/// One candidate file → its own record (an error record when it could not
/// be had), from the cache when the page's rules allow, else fetched in a
/// follow-up slot on its host.
async fn read_one(shared: &Arc<Shared>, url: &Url, retrying: bool, done: &mut Done) -> Report {
    let task = Task {
        url: url.clone(),
        found_on: None,
    };
    let slot = shared.scheduler.follow_up(url).await;
    // The same rules as for a URL of the list (see `process`).
    let (response, fetch_time) = match obtain(shared, &task, slot, retrying).await {
        Ok(obtained) => obtained,
        Err((report, fetch_time)) => {
            add_time(done, fetch_time);
            return report;
        }
    };
    add_time(done, fetch_time);
    let (report, warning) = extract(shared, &task, response, fetch_time.is_some()).await;
    if done.warning.is_none() {
        done.warning = warning;
    }
    report
}

/// Counts a file's fetch in its page's server time.
fn add_time(done: &mut Done, fetch_time: Option<Duration>) {
    if let Some(time) = fetch_time {
        done.fetch_time = Some(done.fetch_time.unwrap_or_default() + time);
    }
}

/// How good a candidate's record is: complete > partial > not a report >
/// could not be had.
fn rank(report: &Report) -> u8 {
    match report.status {
        Status::Complete => 3,
        Status::Partial => 2,
        Status::NotAReport => 1,
        Status::Error => 0,
    }
}

/// The page's record, given what its candidate files read as: the best one
/// (the first of equals, in link order), or an error naming them all when
/// none could be had.
fn choose(page: Report, mut tried: Vec<(Url, Report)>, not_tried: &[Url]) -> Report {
    let Some(best) = (0..tried.len()).reduce(|best, i| {
        if rank(&tried[i].1) > rank(&tried[best].1) {
            i
        } else {
            best
        }
    }) else {
        return page;
    };
    if tried[best].1.status == Status::Error {
        return none_had(page, &tried, not_tried);
    }
    let (url, read) = tried.remove(best);
    let mut record = read_from(page, &url, read);
    if !tried.is_empty() || !not_tried.is_empty() {
        let message = candidates_note(&url, &tried, not_tried);
        record.warn("attachment_candidates", None, message);
    }
    record
}

/// The record of the file at `url` as the page's: the page's source facts,
/// the file's under `attachment`, and what was read.
fn read_from(page: Report, url: &Url, read: Report) -> Report {
    let mut record = read;
    let file = std::mem::take(&mut record.source);
    record.source = Source {
        format: file.format,
        attachment_url: Some(url.to_string()),
        attachment: Some(Attachment {
            sha256: file.sha256,
            bytes: file.bytes,
            content_type: file.content_type,
        }),
        ..page.source
    };
    if record.status == Status::NotAReport {
        let why = record.reason.take().unwrap_or_default();
        record.reason = Some(format!("{} {url}: {why}", links::ATTACHED_REPORT));
        record.links = page.links;
    }
    record
}

/// The page's record as an error naming every file tried and its cause.
fn none_had(page: Report, tried: &[(Url, Report)], not_tried: &[Url]) -> Report {
    let why = |r: &Report| r.reason.clone().unwrap_or_default();
    let mut reason = match tried {
        [(url, read)] => format!("{} {url}: {}", links::ATTACHED_REPORT, why(read)),
        _ => {
            let each: Vec<String> = tried
                .iter()
                .map(|(u, r)| format!("{u}: {}", why(r)))
                .collect();
            format!(
                "{}, one of {}, and none could be had: {}",
                links::ATTACHED_REPORT,
                each.len(),
                each.join("; ")
            )
        }
    };
    if !not_tried.is_empty() {
        reason.push_str(&format!(" (not fetched: {})", some_of(not_tried)));
    }
    Report {
        status: Status::Error,
        reason: Some(reason),
        ..page
    }
}

/// The warning of a record read from one of several candidate files.
fn candidates_note(url: &Url, tried: &[(Url, Report)], not_tried: &[Url]) -> String {
    let mut message = format!(
        "{} files are linked as the report; this record is read from {url}",
        tried.len() + not_tried.len() + 1
    );
    if !tried.is_empty() {
        let each: Vec<String> = tried
            .iter()
            .map(|(u, r)| match r.status {
                Status::Complete | Status::Partial => format!("{u} ({})", r.status.as_str()),
                _ => format!("{u} ({})", r.reason.as_deref().unwrap_or_default()),
            })
            .collect();
        message.push_str(&format!("; also tried: {}", each.join(", ")));
    }
    if !not_tried.is_empty() {
        message.push_str(&format!("; not fetched: {}", some_of(not_tried)));
    }
    message
}

/// The first few of `urls` and how many more: a hostile page may link
/// thousands, and the record must stay small.
fn some_of(urls: &[Url]) -> String {
    const NAMED: usize = 5;
    let mut text = urls
        .iter()
        .take(NAMED)
        .map(Url::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if urls.len() > NAMED {
        text.push_str(&format!(" and {} more", urls.len() - NAMED));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> Url {
        Url::parse(&format!("http://a.cn{path}")).unwrap()
    }

    fn page() -> Report {
        let source = Source {
            url: Some("http://a.cn/art.html".into()),
            sha256: Some("page".into()),
            format: Some("html".into()),
            ..Source::default()
        };
        Report::empty(source, Status::NotAReport, Some("page".into()))
    }

    fn read(status: Status, reason: &str, format: &str) -> Report {
        let source = Source {
            sha256: Some(format!("{format} bytes")),
            format: Some(format.into()),
            ..Source::default()
        };
        Report::empty(source, status, Some(reason.into()))
    }

    #[test]
    fn the_best_read_is_kept_first_of_equals() {
        let tried = vec![
            (url("/a.pdf"), read(Status::Error, "HTTP 404 Not Found", "")),
            (url("/b.pdf"), read(Status::Partial, "", "pdf")),
            (url("/c.docx"), read(Status::Partial, "", "docx")),
        ];
        let r = choose(page(), tried, &[url("/d.pdf")]);
        assert_eq!(r.status, Status::Partial);
        assert_eq!(
            r.source.attachment_url.as_deref(),
            Some("http://a.cn/b.pdf")
        );
        assert_eq!(r.source.format.as_deref(), Some("pdf"));
        assert_eq!(r.source.sha256.as_deref(), Some("page"), "the page's bytes");
        let file = r.source.attachment.as_ref().unwrap();
        assert_eq!(file.sha256.as_deref(), Some("pdf bytes"));
        assert_eq!(
            r.warnings[0].message,
            "4 files are linked as the report; this record is read from http://a.cn/b.pdf; \
             also tried: http://a.cn/a.pdf (HTTP 404 Not Found), http://a.cn/c.docx (partial); \
             not fetched: http://a.cn/d.pdf"
        );
    }

    #[test]
    fn files_not_fetched_are_named_a_few_at_most() {
        let many: Vec<Url> = (0..1000).map(|i| url(&format!("/{i}.pdf"))).collect();
        let tried = vec![(url("/a.pdf"), read(Status::Complete, "", "pdf"))];
        let r = choose(page(), tried, &many);
        let message = &r.warnings[0].message;
        assert!(
            message.ends_with(
                "not fetched: http://a.cn/0.pdf, http://a.cn/1.pdf, \
                               http://a.cn/2.pdf, http://a.cn/3.pdf, http://a.cn/4.pdf and 995 more"
            ),
            "{message}"
        );
    }

    #[test]
    fn none_had_names_every_file_and_cause() {
        let tried = vec![
            (url("/a.pdf"), read(Status::Error, "HTTP 404 Not Found", "")),
            (
                url("/b.pdf"),
                read(Status::Error, "timed out after 60 s", ""),
            ),
        ];
        let r = choose(page(), tried, &[url("/c.pdf")]);
        assert_eq!(r.status, Status::Error);
        assert_eq!(
            r.reason.as_deref(),
            Some(
                "the report is the attached file, one of 2, and none could be had: \
                 http://a.cn/a.pdf: HTTP 404 Not Found; http://a.cn/b.pdf: timed out after 60 s \
                 (not fetched: http://a.cn/c.pdf)"
            )
        );
        assert_eq!(r.source.attachment_url, None);
        assert_eq!(r.source.format.as_deref(), Some("html"));
        assert!(r.warnings.is_empty());
    }
}

//! An article whose report is an attached file: the file is fetched and read
//! in the page's place.
//!
//! Extraction marks such a page (its reason begins with
//! [`links::ATTACHED_REPORT`]) and lists, as links of kind
//! [`LinkKind::Attachment`], the files that may be the report; what counts as
//! one is decided in [`crate::links`] alone. Here the crawl fetches them in
//! link order, through the same fetcher, host slot, cache and retry rules as
//! any URL, until one reads as a complete report, and keeps the best. The
//! record stays the one of the URL asked for: its `source` keeps the page's
//! facts and adds `attachment_url` and `attachment` (SPEC §7).

use std::sync::Arc;

use url::Url;

use super::{Done, Mode, Shared, Task, fetch, host_of, outcome};
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
    let mut candidates: Vec<Url> = done
        .report
        .links
        .iter()
        .filter(|l| l.kind == Some(LinkKind::Attachment))
        .filter_map(|l| Url::parse(&l.href).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .collect();
    if candidates.is_empty() {
        return;
    }
    let not_tried = candidates.split_off(candidates.len().min(MAX_CANDIDATES));
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
/// be had), from the cache when the page's rules allow, else fetched.
async fn read_one(shared: &Arc<Shared>, url: &Url, retrying: bool, done: &mut Done) -> Report {
    let source = Source {
        url: Some(url.to_string()),
        ..Source::default()
    };
    // The same rules as for a URL of the list (see `process`).
    let cached_status = match shared.mode {
        Mode::Refresh => None,
        _ => shared.cache.status(url.as_str()),
    };
    let use_cache = cached_status.is_some_and(|s| !retrying || (200..300).contains(&s));
    let cached = (use_cache || shared.mode == Mode::Offline)
        .then(|| shared.cache.get(url.as_str()))
        .flatten();
    let (response, fetched) = match cached {
        Some(response) => (response, false),
        None if shared.mode == Mode::Offline => {
            return Report::error(
                source,
                "not in the cache (--offline fetches nothing; run without it to fetch)",
            );
        }
        None => {
            let task = Task {
                url: url.clone(),
                found_on: None,
            };
            let (result, global) = fetch(shared, &task, &host_of(Some(url))).await;
            drop(global);
            let server_time = match &result {
                Ok(response) => response.server_time,
                Err((_, time)) => *time,
            };
            if !server_time.is_zero() {
                done.fetch_time = Some(done.fetch_time.unwrap_or_default() + server_time);
            }
            match result {
                Ok(response) => (response, true),
                Err((report, _)) => return report,
            }
        }
    };
    let cpu = shared.cpu.acquire().await;
    let task_shared = shared.clone();
    let task_url = url.to_string();
    let joined = tokio::task::spawn_blocking(move || {
        // Cached before the page's record is written: a rerun refetches nothing.
        let warning = fetched
            .then(|| task_shared.cache.put(&task_url, &response).err())
            .flatten()
            .map(|e| {
                format!(
                    "xxgk: warning: {}: cannot cache the response of {task_url}: {e}",
                    task_shared.cache.dir().display()
                )
            });
        (outcome::read_response(source, &response), warning)
    })
    .await;
    drop(cpu);
    match joined {
        Ok((report, warning)) => {
            if done.warning.is_none() {
                done.warning = warning;
            }
            report
        }
        Err(e) => Report::error(
            Source {
                url: Some(url.to_string()),
                ..Source::default()
            },
            format!("internal error in xxgk while extracting: {e}"),
        ),
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
/// none could be had. A warning lists the candidates beside the one kept.
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
    let (url, read) = tried.remove(best);
    let why = |r: &Report| r.reason.clone().unwrap_or_default();
    let mut record = if read.status == Status::Error {
        // Nothing could be had: the page's record, an error naming the files.
        let mut record = page;
        record.status = Status::Error;
        record.reason = Some(if tried.is_empty() {
            format!("{} {url}: {}", links::ATTACHED_REPORT, why(&read))
        } else {
            let each: Vec<String> = std::iter::once((&url, &read))
                .chain(tried.iter().map(|(u, r)| (u, r)))
                .map(|(u, r)| format!("{u}: {}", why(r)))
                .collect();
            format!(
                "{}, one of {}, and none could be had: {}",
                links::ATTACHED_REPORT,
                each.len(),
                each.join("; ")
            )
        });
        if !not_tried.is_empty() {
            let each: Vec<&str> = not_tried.iter().map(Url::as_str).collect();
            let reason = record.reason.get_or_insert_default();
            reason.push_str(&format!(" (not fetched: {})", each.join(", ")));
        }
        return record;
    } else {
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
            record.reason = Some(format!(
                "{} {url}: {}",
                links::ATTACHED_REPORT,
                why(&record)
            ));
            record.links = page.links;
        }
        record
    };
    if !tried.is_empty() || !not_tried.is_empty() {
        let mut message = format!(
            "{} files are linked as the report; this record is read from {url}",
            tried.len() + not_tried.len() + 1
        );
        if !tried.is_empty() {
            let each: Vec<String> = tried
                .iter()
                .map(|(u, r)| match r.status {
                    Status::Complete | Status::Partial => format!("{u} ({})", r.status.as_str()),
                    _ => format!("{u} ({})", why(r)),
                })
                .collect();
            message.push_str(&format!("; also tried: {}", each.join(", ")));
        }
        if !not_tried.is_empty() {
            let each: Vec<&str> = not_tried.iter().map(Url::as_str).collect();
            message.push_str(&format!("; not fetched: {}", each.join(", ")));
        }
        record.warn("attachment_candidates", None, message);
    }
    record
}

//! A URL list → one record per URL, politely and resumably.
//!
//! Each URL becomes one task: take its host's slot (`per_host` in flight),
//! then a global slot (`concurrency`), fetch (see [`crate::fetch`]), store
//! the raw response in the [`cache`], extract on the blocking pool, and hand
//! the record to the single writer, which appends it to the [`journal`]. A
//! rerun skips URLs with a record and reads fetched-but-unrecorded ones from
//! the cache, so an interrupted crawl resumes without refetching or
//! duplicating anything.

pub mod cache;
pub mod journal;
pub mod outcome;
pub mod progress;
pub mod urls;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::task::JoinSet;
use url::Url;

use crate::export::{self, Format};
use crate::fetch::{self, Fetcher, Response};
use crate::model::{Report, Status};
use cache::Cache;
use journal::Journal;
pub use progress::{Display, Summary};

/// Errors that stop a whole crawl (a single URL's failure is a record).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {action}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("{}:{line}: not a crawl record ({reason}); move the file away or fix that line", path.display())]
    BadRecord {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error("{0}")]
    Fetch(#[from] fetch::FetchError),
    #[error(transparent)]
    Output(#[from] crate::Error),
}

/// Where records go and in what shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// JSON Lines, appended to the output as records arrive.
    Jsonl,
    /// Any other export format (e.g. the tidy CSV): records are appended to
    /// `records.jsonl` in the cache folder, and the output is written from
    /// them when the run ends (or is interrupted).
    AtEnd(Format),
}

/// Where responses come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Cached good responses are reused; the rest are fetched.
    Online,
    /// Everything is fetched again (the cache is rewritten, not read).
    Refresh,
    /// Only the cache is read; nothing is fetched.
    Offline,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub format: OutputFormat,
    pub cache_dir: PathBuf,
    pub mode: Mode,
    /// Redo URLs whose record is an error.
    pub retry_failed: bool,
    pub concurrency: usize,
    pub per_host: usize,
    pub fetch: fetch::Config,
    pub display: Display,
}

/// `reports.jsonl` → `reports.cache`, beside it.
pub fn default_cache_dir(out: &Path) -> PathBuf {
    out.with_extension("cache")
}

/// The file records are appended to.
pub fn journal_path(options: &Options) -> PathBuf {
    match options.format {
        OutputFormat::Jsonl => options.out.clone(),
        OutputFormat::AtEnd(_) => options.cache_dir.join("records.jsonl"),
    }
}

/// One URL's result, as the writer sees it.
struct Done {
    report: Report,
    host: String,
    /// Network time, when the response was fetched rather than cached.
    fetch_time: Option<Duration>,
    /// Something the user should hear about that did not change the record.
    warning: Option<String>,
}

struct Shared {
    fetcher: Fetcher,
    cache: Cache,
    mode: Mode,
    global: Semaphore,
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Extraction is CPU work: at most one per core at a time.
    cpu: Semaphore,
}

/// Crawls `urls` (distinct, in order). Returns when every URL has a record,
/// or on Ctrl-C with the records so far kept.
pub async fn run(urls: &[Url], options: &Options) -> Result<Summary, Error> {
    let started = Instant::now();
    let cache = Cache::open(&options.cache_dir).map_err(|source| Error::Io {
        path: options.cache_dir.clone(),
        action: "cannot open the cache folder",
        source,
    })?;
    let (mut journal, resumed) = Journal::open(&journal_path(options), options.retry_failed)?;

    let mut summary = Summary {
        listed: urls.len(),
        ..Summary::default()
    };
    let todo: Vec<&Url> = urls
        .iter()
        .filter(|u| match resumed.done.get(u.as_str()) {
            Some(status) => {
                summary.earlier.add(*status);
                false
            }
            None => true,
        })
        .collect();

    let mut progress = progress::Progress::new(options.display, todo.len());
    if resumed.repaired_bytes > 0 {
        progress.warn(&format!(
            "xxgk: {}: cut off a half-written last record ({} bytes) left by an interrupted run",
            journal.path().display(),
            resumed.repaired_bytes
        ));
    }

    let shared = Arc::new(Shared {
        fetcher: Fetcher::new(options.fetch.clone())?,
        cache,
        mode: options.mode,
        global: Semaphore::new(options.concurrency.max(1)),
        per_host: options.per_host.max(1),
        hosts: Mutex::new(HashMap::new()),
        cpu: Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get())),
    });
    // Tasks are started a window at a time (memory stays flat for any list
    // length), hosts taking turns so that a window is never all one host.
    let mut queue = interleave_hosts(todo).into_iter();
    let window = (options.concurrency * 16).max(256);
    let mut tasks = JoinSet::new();
    let mut task_urls = HashMap::new();
    let mut start_next = |tasks: &mut JoinSet<Done>, task_urls: &mut HashMap<_, Url>| {
        if let Some(url) = queue.next() {
            let retrying = resumed.dropped_errors.contains(url.as_str());
            let handle = tasks.spawn(process(shared.clone(), url.clone(), retrying));
            task_urls.insert(handle.id(), url.clone());
        }
    };
    for _ in 0..window {
        start_next(&mut tasks, &mut task_urls);
    }

    let mut ticker = tokio::time::interval_at(
        tokio::time::Instant::now() + progress::LOG_EVERY,
        progress::LOG_EVERY,
    );
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let done = tokio::select! {
            joined = tasks.join_next_with_id() => match joined {
                None => break,
                Some(Ok((id, done))) => {
                    task_urls.remove(&id);
                    start_next(&mut tasks, &mut task_urls);
                    done
                }
                Some(Err(e)) => {
                    // A task that panicked still owes its URL a record.
                    let url = task_urls.remove(&e.id());
                    start_next(&mut tasks, &mut task_urls);
                    let report = Report::error(
                        outcome_source(url.as_ref()),
                        format!("internal error in xxgk: {e}"),
                    );
                    Done { report, host: host_of(url.as_ref()), fetch_time: None, warning: None }
                }
            },
            _ = ticker.tick() => {
                progress.log_line();
                continue;
            }
            _ = &mut ctrl_c => {
                tasks.abort_all();
                summary.interrupted = true;
                break;
            }
        };
        if let Some(warning) = &done.warning {
            progress.warn(warning);
        }
        journal.append(&done.report)?;
        progress.record(done.report.status);
        match done.fetch_time {
            Some(time) => {
                summary.fetched += 1;
                let host = summary.hosts.entry(done.host).or_default();
                host.fetches += 1;
                host.seconds += time.as_secs_f64();
                if done.report.status == Status::Error {
                    host.errors += 1;
                }
            }
            None if done.report.status == Status::Error => {
                summary.hosts.entry(done.host).or_default().errors += 1;
            }
            None => summary.from_cache += 1,
        }
    }
    progress.finish();
    drop(journal);
    if let OutputFormat::AtEnd(format) = options.format {
        write_from_records(&journal_path(options), &options.out, format)?;
    }
    summary.this_run = progress.counts();
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// `urls` reordered so that hosts take turns: a, b, c, a, b, a… (each host's
/// URLs keep their order).
fn interleave_hosts(urls: Vec<&Url>) -> Vec<&Url> {
    let mut by_host: indexmap::IndexMap<String, std::collections::VecDeque<&Url>> =
        indexmap::IndexMap::new();
    for url in urls {
        by_host
            .entry(host_of(Some(url)))
            .or_default()
            .push_back(url);
    }
    let mut order = Vec::new();
    while !by_host.is_empty() {
        by_host.retain(|_, queue| {
            if let Some(url) = queue.pop_front() {
                order.push(url);
            }
            !queue.is_empty()
        });
    }
    order
}

/// One URL, start to record.
///
/// The global slot is held from fetch (or cache read) until extraction
/// starts, so bodies waiting for a CPU never pile up beyond `concurrency`.
async fn process(shared: Arc<Shared>, url: Url, retrying: bool) -> Done {
    let host = host_of(Some(&url));
    let mut done = Done {
        report: Report::error(outcome_source(Some(&url)), ""),
        host,
        fetch_time: None,
        warning: None,
    };
    let cached_status = match shared.mode {
        Mode::Refresh => None,
        _ => shared.cache.status(url.as_str()),
    };
    // Resuming reuses whatever was fetched; retrying an error refetches
    // unless the cache holds a good response.
    let use_cache = match cached_status {
        Some(status) => !retrying || (200..300).contains(&status),
        None => false,
    };
    let mut global = None;
    let mut response = None;
    if use_cache || shared.mode == Mode::Offline {
        global = shared.global.acquire().await.ok();
        response = shared.cache.get(url.as_str());
    }
    let response = match response {
        Some(response) => response,
        None if shared.mode == Mode::Offline => {
            done.report = Report::error(
                outcome_source(Some(&url)),
                "not in the cache (--offline fetches nothing; run without it to fetch)",
            );
            return done;
        }
        None => {
            drop(global.take());
            let (fetched, time, permit) = fetch(&shared, &url, &done.host).await;
            done.fetch_time = Some(time);
            let response = match fetched {
                Ok(response) => response,
                Err(report) => {
                    done.report = report;
                    return done;
                }
            };
            global = permit;
            response
        }
    };
    let fetched = done.fetch_time.is_some();
    let cpu = shared.cpu.acquire().await;
    drop(global);
    // Caching is file I/O and extraction CPU work: both off the async workers.
    // The response is cached before its record is written, so a crash in
    // between costs a re-extraction, never a refetch.
    let task_shared = shared.clone();
    let task_url = url.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let warning = fetched
            .then(|| task_shared.cache.put(task_url.as_str(), &response).err())
            .flatten()
            .map(|e| {
                format!(
                    "xxgk: warning: {}: cannot cache the response of {task_url}: {e}",
                    task_shared.cache.dir().display()
                )
            });
        (outcome::read_response(&task_url, &response), warning)
    })
    .await;
    drop(cpu);
    match joined {
        Ok((report, warning)) => {
            done.report = report;
            done.warning = warning;
        }
        Err(e) => {
            done.report = Report::error(
                outcome_source(Some(&url)),
                format!("internal error in xxgk while extracting: {e}"),
            );
        }
    }
    done
}

/// Fetches under the host's and the global limits. Returns the outcome, the
/// time spent once both slots were held, and the global slot, to be held
/// until extraction starts.
async fn fetch<'a>(
    shared: &'a Shared,
    url: &Url,
    host: &str,
) -> (
    Result<Response, Report>,
    Duration,
    Option<SemaphorePermit<'a>>,
) {
    let host_slots = {
        let mut hosts = shared.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(host.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(shared.per_host)))
            .clone()
    };
    // Host first: a task waiting for a busy host must not hold a global slot.
    let _host = host_slots.acquire().await;
    let global = shared.global.acquire().await.ok();
    let started = Instant::now();
    let response = shared
        .fetcher
        .fetch(url)
        .await
        .map_err(|failure| outcome::failed(url, &failure));
    (response, started.elapsed(), global)
}

fn outcome_source(url: Option<&Url>) -> crate::Source {
    crate::Source {
        url: url.map(Url::to_string),
        ..crate::Source::default()
    }
}

fn host_of(url: Option<&Url>) -> String {
    url.and_then(|u| {
        u.host_str().map(|h| match u.port() {
            Some(p) => format!("{h}:{p}"),
            None => h.to_string(),
        })
    })
    .unwrap_or_default()
}

/// Writes every record in `format`, atomically.
fn write_from_records(records: &Path, out: &Path, format: Format) -> Result<(), Error> {
    let reports = export::read_records(records)?;
    export::Output::File(out.to_path_buf())
        .write_with(|w| export::write_reports(w, &reports, format))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_take_turns() {
        let urls: Vec<Url> = [
            "http://a.cn/1",
            "http://a.cn/2",
            "http://a.cn/3",
            "http://b.cn/1",
            "http://c.cn/1",
            "http://b.cn/2",
        ]
        .iter()
        .map(|u| Url::parse(u).unwrap())
        .collect();
        let order: Vec<&str> = interleave_hosts(urls.iter().collect())
            .into_iter()
            .map(Url::as_str)
            .collect();
        assert_eq!(
            order,
            [
                "http://a.cn/1",
                "http://b.cn/1",
                "http://c.cn/1",
                "http://a.cn/2",
                "http://b.cn/2",
                "http://a.cn/3"
            ]
        );
    }
}

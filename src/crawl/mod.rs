//! A URL list → one record per URL, politely and resumably; list pages are
//! followed to the reports they list.
//!
//! Each URL becomes one task: take its host's slot (`per_host` in flight),
//! then a global slot (`concurrency`), fetch (see [`crate::fetch`]), store
//! the raw response in the [`cache`], extract on the blocking pool, and hand
//! the record to the single writer, which appends it to the [`journal`] and
//! then queues what a list page's record leads to ([`discover`]). A rerun
//! skips URLs with a record, replays the list pages' records to queue again
//! what they led to, and reads fetched-but-unrecorded responses from the
//! cache, so an interrupted crawl resumes without refetching or duplicating
//! anything.

mod attachment;
pub mod cache;
pub mod discover;
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
use crate::model::Report;
use cache::Cache;
use discover::{Discovery, Frontier, is_list_page};
pub use discover::{Follow, Found, Tally, Task};
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
    #[error("{}: {why}", path.display())]
    Refused { path: PathBuf, why: String },
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
    /// Records only in `records.jsonl` in the cache folder (`xxgk discover`,
    /// which writes what they lead to).
    CacheOnly,
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
    pub follow: Follow,
}

/// `reports.jsonl` → `reports.cache`, beside it.
pub fn default_cache_dir(out: &Path) -> PathBuf {
    out.with_extension("cache")
}

/// The file records are appended to.
pub fn journal_path(options: &Options) -> PathBuf {
    match options.format {
        OutputFormat::Jsonl => options.out.clone(),
        OutputFormat::AtEnd(_) | OutputFormat::CacheOnly => options.cache_dir.join("records.jsonl"),
    }
}

/// One URL's result, as the writer sees it.
struct Done {
    report: Report,
    host: String,
    /// The server's time, when the URL was fetched rather than read from
    /// the cache (or refused before any request, as robots.txt does).
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
    /// Whether an article's report file is fetched (`crawl`, not `discover`).
    follow_attachments: bool,
}

/// Crawls `listed` (distinct, in order) and, unless told not to, the
/// reports and further pages their list pages lead to. Returns when every
/// URL has a record, or on Ctrl-C with the records so far kept.
pub async fn run(listed: &[Task], options: &Options) -> Result<Summary, Error> {
    let (summary, _) = crawl(listed, options).await?;
    Ok(summary)
}

/// [`run`], also returning the report links found on list pages (what
/// `xxgk discover` prints).
pub async fn crawl(listed: &[Task], options: &Options) -> Result<(Summary, Vec<Found>), Error> {
    let started = Instant::now();
    check_output_folder(&options.out)?;
    if options.mode == Mode::Offline {
        check_offline_cache(&options.cache_dir)?;
    }
    let cache = Cache::open(&options.cache_dir).map_err(|source| Error::Io {
        path: options.cache_dir.clone(),
        action: "cannot open the cache folder",
        source,
    })?;
    let (mut journal, resumed) = Journal::open(&journal_path(options), options.retry_failed)?;

    let mut summary = Summary {
        listed: listed.len(),
        following: options.follow.enabled,
        command: if options.follow.fetch_reports {
            "crawl"
        } else {
            "discover"
        },
        ..Summary::default()
    };
    let mut discovery = Discovery::new(options.follow.clone(), listed);
    let mut frontier = Frontier::default();
    let queue = |task: Task, summary: &mut Summary, frontier: &mut Frontier| match resumed
        .done
        .get(task.url.as_str())
    {
        Some(status) => summary.earlier.add(*status),
        None => frontier.push(task),
    };
    for task in listed {
        queue(task.clone(), &mut summary, &mut frontier);
    }
    // What the list pages recorded before led to, queued again in the
    // order it was first queued.
    for record in &resumed.list_pages {
        summary.list_pages_earlier += usize::from(summary.following);
        for task in discovery.discover(record) {
            summary.discovered += 1;
            queue(task, &mut summary, &mut frontier);
        }
    }

    let mut progress = progress::Progress::new(options.display, frontier.len());
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
        follow_attachments: options.follow.fetch_reports,
    });
    // Tasks are started a window at a time, so memory stays flat for any
    // list length; the frontier hands out hosts in turn.
    let window = (options.concurrency * 16).max(256);
    let mut tasks = JoinSet::new();
    let mut in_flight: HashMap<tokio::task::Id, Task> = HashMap::new();
    let fill = |tasks: &mut JoinSet<Done>,
                in_flight: &mut HashMap<tokio::task::Id, Task>,
                frontier: &mut Frontier| {
        while tasks.len() < window {
            let Some(task) = frontier.pop() else { break };
            let retrying = resumed.dropped_errors.contains(task.url.as_str());
            let handle = tasks.spawn(process(shared.clone(), task.clone(), retrying));
            in_flight.insert(handle.id(), task);
        }
    };
    fill(&mut tasks, &mut in_flight, &mut frontier);

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
                    in_flight.remove(&id);
                    done
                }
                Some(Err(e)) => {
                    // A task that panicked still owes its URL a record.
                    let task = in_flight.remove(&e.id());
                    let report = Report::error(
                        source_of(task.as_ref()),
                        format!("internal error in xxgk: {e}"),
                    );
                    let host = host_of(task.as_ref().map(|t| &t.url));
                    Done { report, host, fetch_time: None, warning: None }
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
        // The record is written before what it leads to is queued: a crash
        // in between loses nothing, since a rerun replays it.
        journal.append(&done.report)?;
        progress.record(done.report.status);
        if summary.following && is_list_page(&done.report) {
            summary.list_pages_this_run += 1;
        }
        for task in discovery.discover(&done.report) {
            summary.discovered += 1;
            if !resumed.done.contains_key(task.url.as_str()) {
                progress.add_to_do(1);
                frontier.push(task);
            }
        }
        summary.count_host(done.host, &done.report, done.fetch_time);
        fill(&mut tasks, &mut in_flight, &mut frontier);
    }
    progress.finish();
    drop(journal);
    if let OutputFormat::AtEnd(format) = options.format {
        write_from_records(&journal_path(options), &options.out, format)?;
    }
    summary.this_run = progress.counts();
    summary.elapsed = started.elapsed();
    summary.tally = discovery.tally.clone();
    Ok((summary, discovery.found().to_vec()))
}

/// `-o` must name a file in an existing folder: a typo in the folder is
/// refused, not created.
fn check_output_folder(out: &Path) -> Result<(), Error> {
    let refused = |why: String| {
        Err(Error::Refused {
            path: out.to_path_buf(),
            why,
        })
    };
    match out.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) if !folder.is_dir() => refused(format!(
            "the folder {} does not exist (xxgk does not create it; check the path)",
            folder.display()
        )),
        _ if out.is_dir() => refused("is a folder; give a file name for the records".to_string()),
        _ => Ok(()),
    }
}

/// `--offline` reads only the cache: a missing or empty one would turn every
/// URL into an error record, which a later run would then skip.
fn check_offline_cache(dir: &Path) -> Result<(), Error> {
    let responses = dir.join(cache::RESPONSES);
    if std::fs::metadata(&responses).is_ok_and(|m| m.len() > 0) {
        return Ok(());
    }
    let what = if dir.is_dir() {
        "holds no cached responses"
    } else {
        "does not exist"
    };
    Err(Error::Refused {
        path: dir.to_path_buf(),
        why: format!(
            "--offline reads only the cache, and this cache folder {what}; give the folder of an \
             earlier crawl with --cache-dir (by default it is the output file's name with the \
             extension .cache, e.g. reports.cache beside reports.jsonl)"
        ),
    })
}

/// One URL, start to record.
///
/// The global slot is held from fetch (or cache read) until extraction
/// starts, so bodies waiting for a CPU never pile up beyond `concurrency`.
async fn process(shared: Arc<Shared>, task: Task, retrying: bool) -> Done {
    let url = &task.url;
    let host = host_of(Some(url));
    let mut done = Done {
        report: Report::error(source_of(Some(&task)), ""),
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
                source_of(Some(&task)),
                "not in the cache (--offline fetches nothing; run without it to fetch)",
            );
            return done;
        }
        None => {
            drop(global.take());
            let (fetched, permit) = fetch(&shared, &task, &done.host).await;
            let response = match fetched {
                Ok(response) => response,
                Err((report, server_time)) => {
                    // Refused before any request (robots.txt): no fetch.
                    done.fetch_time = (!server_time.is_zero()).then_some(server_time);
                    done.report = report;
                    return done;
                }
            };
            done.fetch_time = Some(response.server_time);
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
    let source = source_of(Some(&task));
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
        (outcome::read_response(source, &response), warning)
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
                source_of(Some(&task)),
                format!("internal error in xxgk while extracting: {e}"),
            );
        }
    }
    // An article whose report is an attached file: the file is fetched and
    // read in its place (same slots, cache and rules), see `attachment`.
    if shared.follow_attachments && attachment::wanted(&done.report) {
        attachment::follow(&shared, &mut done, retrying).await;
    }
    done
}

/// Fetches under the host's and the global limits. Returns the outcome (a
/// failure as its record, with the server's time) and the global slot, to
/// be held until extraction starts.
async fn fetch<'a>(
    shared: &'a Shared,
    task: &Task,
    host: &str,
) -> (
    Result<Response, (Report, Duration)>,
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
    let response = shared.fetcher.fetch(&task.url).await.map_err(|failure| {
        (
            outcome::failed(source_of(Some(task)), &failure),
            failure.server_time,
        )
    });
    (response, global)
}

/// The record's source for a task: its URL and where it was found.
fn source_of(task: Option<&Task>) -> crate::Source {
    crate::Source {
        url: task.map(|t| t.url.to_string()),
        found_on: task.and_then(|t| t.found_on.clone()),
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

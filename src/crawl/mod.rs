//! A URL list → one record per URL, politely and resumably; list pages are
//! followed to the reports they list.
//!
//! The [`schedule::Scheduler`] holds the URLs waiting and hands out slots
//! (`concurrency` requests in flight, `per_host` to one host). Each URL given
//! a slot becomes one task ([`process`]): fetch (see [`crate::fetch`]) or
//! read the [`cache`], take a place in the bounded extraction queue, give
//! the slot back, store the raw response and extract on the blocking pool
//! (one extraction per core), and hand the record to the single writer,
//! which appends it to the [`journal`] and then queues what a list page's
//! record leads to ([`discover`]). Fetching and extraction overlap: a page
//! waiting for a CPU holds no slot, and at most the queue's length of pages
//! wait.
//!
//! A rerun skips URLs with a record, replays the list pages' records to
//! queue again what they led to, and reads fetched-but-unrecorded responses
//! from the cache, so an interrupted crawl resumes without refetching or
//! duplicating anything.
//!
//! Memory does not grow with the list beyond a few dozen bytes a URL: URLs
//! waiting are kept as text per host, and every set of URLs (done, listed,
//! queued) holds 64-bit hashes ([`url_key`]).

mod attachment;
pub mod cache;
pub mod discover;
pub mod journal;
pub mod outcome;
pub mod progress;
pub mod schedule;
pub mod urls;

use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::Url;

use crate::export::{self, Format};
use crate::fetch::{self, Fetcher, Response};
use crate::model::Report;
use cache::Cache;
use discover::{Discovery, is_list_page};
pub use discover::{Follow, Found, Tally, Task};
use journal::Journal;
pub use progress::{Display, Summary};
use schedule::{Scheduler, Slot};

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
    /// Leave the prose sections out of the records (`--no-sections`).
    pub no_sections: bool,
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

/// Most hosts a crawl starts with for which connections are kept open
/// between requests. With more, hosts take turns, so a connection would sit
/// idle (holding the buffers its last body grew) for most of the crawl.
pub const KEEP_ALIVE_HOSTS: usize = 64;

/// A URL as the crawl's sets keep it: a 64-bit hash (SipHash with fixed
/// keys, the same in every run). Two of a million URLs share one with odds
/// of about one in 30 million.
pub fn url_key(url: &str) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    url.hash(&mut hasher);
    hasher.finish()
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
    /// Places for fetched pages waiting for extraction: a page takes one
    /// before its slot is given back, so fetching stops when they are full.
    /// Four a core keep the cores fed through a burst; more would only hold
    /// bodies in memory while the CPU is the bound. Never more than
    /// `concurrency`, so a kill loses at most twice `concurrency` responses
    /// not yet cached.
    queue: Arc<Semaphore>,
    /// Extraction is CPU work: at most one per core at a time.
    cpu: Semaphore,
    no_sections: bool,
    /// Whether an article's report file is fetched (`crawl`, not `discover`).
    follow_attachments: bool,
    /// Follow-up fetches (an article's report file) take their slots here.
    scheduler: Arc<Scheduler>,
}

/// Crawls `listed` (distinct, in order) and, unless told not to, the
/// reports and further pages their list pages lead to. Returns when every
/// URL has a record, or on Ctrl-C with the records so far kept.
pub async fn run(
    listed: impl IntoIterator<Item = Task>,
    options: &Options,
) -> Result<Summary, Error> {
    let (summary, _) = crawl(listed, options).await?;
    Ok(summary)
}

/// [`run`], also returning the report links found on list pages (what
/// `xxgk discover` prints).
pub async fn crawl(
    listed: impl IntoIterator<Item = Task>,
    options: &Options,
) -> Result<(Summary, Vec<Found>), Error> {
    let started = Instant::now();
    check_output_folder(&options.out)?;
    if options.mode == Mode::Offline {
        check_offline_cache(&options.cache_dir)?;
    }
    let cache_error = |source| Error::Io {
        path: options.cache_dir.clone(),
        action: "cannot open the cache folder",
        source,
    };
    // The folder itself, not missing parents: a typo is not created. It
    // comes first, as it may hold the records.
    match std::fs::create_dir(&options.cache_dir) {
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(cache_error(e)),
        _ => {}
    }
    let (mut journal, resumed) = Journal::open(&journal_path(options), options.retry_failed)?;
    let cache = Cache::open(&options.cache_dir, |url| {
        resumed.done.contains_key(&url_key(url))
    })
    .map_err(cache_error)?;

    let mut summary = Summary {
        following: options.follow.enabled,
        command: if options.follow.fetch_reports {
            "crawl"
        } else {
            "discover"
        },
        ..Summary::default()
    };
    let mut discovery = Discovery::new(options.follow.clone());
    let scheduler = Scheduler::new(options.concurrency, options.per_host);
    let queue =
        |task: Task, summary: &mut Summary| match resumed.done.get(&url_key(task.url.as_str())) {
            Some(status) => summary.earlier.add(*status),
            None => scheduler.push(&task),
        };
    for task in listed {
        summary.listed += 1;
        discovery.list(&task);
        queue(task, &mut summary);
    }
    scheduler.shrink();
    // What the list pages recorded before led to, queued again in the
    // order it was first queued.
    for record in &resumed.list_pages {
        summary.list_pages_earlier += usize::from(summary.following);
        for task in discovery.discover(record) {
            summary.discovered += 1;
            queue(task, &mut summary);
        }
    }

    let mut progress = progress::Progress::new(options.display, scheduler.waiting());
    if resumed.repaired_bytes > 0 {
        progress.warn(&format!(
            "xxgk: {}: cut off a half-written last record ({} bytes) left by an interrupted run",
            journal.path().display(),
            resumed.repaired_bytes
        ));
    }

    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let fetch = fetch::Config {
        keep_alive: options.fetch.keep_alive && scheduler.hosts() <= KEEP_ALIVE_HOSTS,
        ..options.fetch.clone()
    };
    let shared = Arc::new(Shared {
        fetcher: Fetcher::new(fetch)?,
        cache,
        mode: options.mode,
        queue: Arc::new(Semaphore::new(options.concurrency.min(4 * cores).max(1))),
        cpu: Semaphore::new(cores),
        no_sections: options.no_sections,
        follow_attachments: options.follow.fetch_reports,
        scheduler: scheduler.clone(),
    });
    let mut tasks = JoinSet::new();
    // Which URL each task is processing, to record it should the task panic.
    let mut processing: rustc_hash::FxHashMap<tokio::task::Id, Task> = Default::default();

    let mut ticker = tokio::time::interval_at(
        tokio::time::Instant::now() + progress::LOG_EVERY,
        progress::LOG_EVERY,
    );
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        // Listen before starting tasks, so a slot freed meanwhile is heard.
        let freed = scheduler.when_freed();
        while let Some((task, slot)) = scheduler.next() {
            let retrying = resumed.dropped_errors.contains(&url_key(task.url.as_str()));
            let handle = tasks.spawn(process(shared.clone(), task.clone(), slot, retrying));
            processing.insert(handle.id(), task);
        }
        if tasks.is_empty() && scheduler.waiting() == 0 {
            break;
        }
        let done = tokio::select! {
            joined = tasks.join_next_with_id(), if !tasks.is_empty() => match joined {
                None => continue,
                Some(Ok((id, done))) => {
                    processing.remove(&id);
                    done
                }
                Some(Err(e)) => {
                    // A task that panicked still owes its URL a record.
                    let task = processing.remove(&e.id());
                    let report = Report::error(
                        source_of(task.as_ref()),
                        format!("internal error in xxgk: {e}"),
                    );
                    let host = host_of(task.as_ref().map(|t| &t.url));
                    Done { report, host, fetch_time: None, warning: None }
                }
            },
            _ = freed => continue,
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
            if !resumed.done.contains_key(&url_key(task.url.as_str())) {
                progress.add_to_do(1);
                scheduler.push(&task);
            }
        }
        summary.count_host(done.host, &done.report, done.fetch_time);
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

/// One URL, start to record, in `slot`.
async fn process(shared: Arc<Shared>, task: Task, slot: Slot, retrying: bool) -> Done {
    let mut done = Done {
        report: Report::error(source_of(Some(&task)), ""),
        host: host_of(Some(&task.url)),
        fetch_time: None,
        warning: None,
    };
    let (response, fetch_time) = match obtain(&shared, &task, slot, retrying).await {
        Ok(obtained) => obtained,
        Err((report, fetch_time)) => {
            done.report = report;
            done.fetch_time = fetch_time;
            return done;
        }
    };
    done.fetch_time = fetch_time;
    let (report, warning) = extract(&shared, &task, response, fetch_time.is_some()).await;
    done.report = report;
    done.warning = warning;
    // An article whose report is an attached file: the file is fetched and
    // read in its place (a follow-up slot, the same cache and rules), see
    // `attachment`.
    if shared.follow_attachments && attachment::wanted(&done.report) {
        attachment::follow(&shared, &mut done, retrying).await;
    }
    done
}

/// `task`'s response, from the cache or the network, once it holds a place
/// in the extraction queue (the slot is given back then), with the server's
/// time when it was fetched. A URL that ends here is its record, with the
/// server's time when a request was made.
async fn obtain(
    shared: &Shared,
    task: &Task,
    mut slot: Slot,
    retrying: bool,
) -> Result<(Queued, Option<Duration>), (Report, Option<Duration>)> {
    let url = &task.url;
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
    let cached = (use_cache || shared.mode == Mode::Offline)
        .then(|| shared.cache.get(url.as_str()))
        .flatten();
    let (response, fetch_time) = match cached {
        Some(response) => (response, None),
        None if shared.mode == Mode::Offline => {
            let report = Report::error(
                source_of(Some(task)),
                "not in the cache (--offline fetches nothing; run without it to fetch)",
            );
            return Err((report, None));
        }
        None => {
            let response = fetch_in(shared, task, &mut slot).await?;
            let server_time = response.server_time;
            (response, Some(server_time))
        }
    };
    // While the queue is full the slot stays taken: fetching waits for the CPU.
    let place = shared.queue.clone().acquire_owned().await.ok();
    drop(slot);
    Ok((
        Queued {
            response,
            _place: place,
        },
        fetch_time,
    ))
}

/// Fetches `task` in `slot`; a failure is the URL's record, with the
/// server's time when a request was made (robots.txt refuses before any).
async fn fetch_in(
    shared: &Shared,
    task: &Task,
    slot: &mut Slot,
) -> Result<Response, (Report, Option<Duration>)> {
    let fetched = shared.fetcher.fetch(&task.url).await;
    slot.fetched();
    fetched.map_err(|failure| {
        let time = (!failure.server_time.is_zero()).then_some(failure.server_time);
        (outcome::failed(source_of(Some(task)), &failure), time)
    })
}

/// A response holding a place in the extraction queue until it is dropped.
struct Queued {
    response: Response,
    _place: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// Caches a fetched response and extracts its record, on a core of its own.
async fn extract(
    shared: &Arc<Shared>,
    task: &Task,
    queued: Queued,
    fetched: bool,
) -> (Report, Option<String>) {
    let cpu = shared.cpu.acquire().await;
    // Caching is file I/O and extraction CPU work: both off the async workers.
    // The response is cached before its record is written, so a crash in
    // between costs a re-extraction, never a refetch.
    let task_shared = shared.clone();
    let task_url = task.url.clone();
    let source = source_of(Some(task));
    let joined = tokio::task::spawn_blocking(move || {
        let Queued { response, _place } = queued;
        let warning = fetched
            .then(|| task_shared.cache.put(task_url.as_str(), &response).err())
            .flatten()
            .map(|e| {
                format!(
                    "xxgk: warning: {}: cannot cache the response of {task_url}: {e}",
                    task_shared.cache.dir().display()
                )
            });
        let mut report = outcome::read_response(source, &response);
        if task_shared.no_sections {
            report.sections = Default::default();
        }
        (report, warning)
    })
    .await;
    drop(cpu);
    joined.unwrap_or_else(|e| {
        let report = Report::error(
            source_of(Some(task)),
            format!("internal error in xxgk while extracting: {e}"),
        );
        (report, None)
    })
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

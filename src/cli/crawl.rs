//! `xxgk crawl URLS`: a list of URLs → one record per URL, list pages
//! followed to the reports they list.

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::ValueEnum;
use xxgk::crawl::schedule::TaskQueue;
use xxgk::crawl::{self, Display, Follow, Mode, OutputFormat, Summary};
use xxgk::export;
use xxgk::fetch;

use super::{EXIT_FAILURE, EXIT_NOT_ALL_REPORTS};

/// Fetch report pages from a list of URLs and extract them, politely and resumably; list
/// (column) pages are followed to every report they list.
///
/// Each argument is an http(s) URL or a text file with one URL per line (`-` reads standard
/// input): column pages such as a government's 政府信息公开年报 column, report pages, or the
/// output of `xxgk discover`.
/// Blank lines, `#` comments and trailing `# comments` are ignored; in a CSV or tab-separated
/// list the first field is the URL. Bad lines are reported with their line number and skipped,
/// and a URL listed twice is fetched once.
///
/// A list page's annual-report links (judged by their titles: …年度报告, …年报 of 信息公开, with
/// a year) and its other pages (下一页, page numbers, TRS pager scripts, jpage data) are crawled
/// too; news, guides, other columns, off-site links and unrelated files never are. Each report
/// reached this way records the list page in `source.found_on`.
///
/// A page with no report tables whose report is an attached PDF or Word file (link text or file
/// name says 年度报告/年报) is read from that file, fetched like any URL: the record stays the
/// page's and names the file in `source.attachment_url`. With several such files they are
/// fetched in page order until one reads complete; the best is kept and a warning names the
/// others. A URL that is itself a PDF or DOCX is read as one.
///
/// Every URL ends as exactly one record in --out: `complete` or `partial` (tables extracted),
/// `not_a_report` with the reason (list page with its links, anti-bot challenge, JavaScript
/// shell, an attached file that is no readable report, tables given as images), or `error` with
/// the cause (DNS, TLS, timeout, HTTP status, too large, blocked by robots.txt; for an attached
/// file, its URL and cause).
///
/// Raw responses are kept in --cache-dir. Running the same command again after Ctrl-C, a crash
/// or `kill -9` skips URLs that have a record, queues again what recorded list pages led to,
/// refetches nothing already cached, writes no duplicate record and cuts off a half-written
/// last line.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
xxgk crawl columns.txt -o reports.jsonl          # column pages → every report they list\n  \
xxgk crawl https://www.example.gov.cn/zfxxgknb/ -o r.jsonl  # one column, given as a URL\n  \
xxgk crawl columns.txt -o r.jsonl --year 2022-2023  # only reports of those years\n  \
xxgk crawl report-urls.txt -o r.jsonl --no-follow  # list pages recorded, not followed\n  \
xxgk crawl urls.txt -o reports.jsonl --retry-failed # redo only the URLs that ended in error\n  \
xxgk crawl urls.txt -o v2.jsonl --offline --cache-dir reports.cache  # re-extract, no network\n  \
xxgk crawl urls.txt -o cells.csv --format csv-long -j 32 --per-host 4 --delay 200ms\n\n\
Retries: connect errors, timeouts, broken connections, 5xx, 408 and 429 are retried --retries \
times with exponential backoff (--backoff, doubled each time, with jitter), honouring \
Retry-After; other 4xx and anti-bot walls (HTTP 412/521, JS challenges) are final. Proxies \
come from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY.\n\n\
Exit codes: 0 every URL is a report (list pages followed aside); 1 some URL is not a report; \
2 some URL ended in error, or the crawl could not run; 130 interrupted (rerun to resume).")]
pub struct Args {
    /// URLs, or files of URLs (one per line; `-` for standard input).
    #[arg(value_name = "URLS", required = true)]
    urls: Vec<String>,

    /// Where records go. An existing file is resumed, not overwritten.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,

    /// Output format. jsonl is written as records arrive; csv (one line per URL) and
    /// csv-long (one line per cell) are written when the run ends, from the JSONL records
    /// kept in the cache folder.
    #[arg(long, short, value_enum, default_value = "jsonl")]
    format: CrawlFormat,

    /// Folder for raw responses and resume state [default: OUT with extension .cache,
    /// e.g. reports.cache beside reports.jsonl].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Do not follow list pages: record them (with their links) and stop there.
    #[arg(long)]
    no_follow: bool,

    #[command(flatten)]
    follow: FollowArgs,

    #[command(flatten)]
    net: NetArgs,

    /// Redo the URLs whose record is an error (their old records are removed).
    #[arg(long)]
    retry_failed: bool,

    /// Fetch the URLs still to do over the network even when their response is cached.
    #[arg(long, conflicts_with = "offline")]
    refresh: bool,

    /// Fetch nothing: extract again from the cached responses (e.g. with a newer xxgk), into
    /// a new --out. Refused when the cache folder is missing or empty.
    #[arg(long)]
    offline: bool,

    /// Leave the prose sections (overview, problems, other matters) out of the records:
    /// `sections` holds nulls. The tables, checks and warnings are unchanged, and the
    /// records take about a third less room.
    #[arg(long)]
    no_sections: bool,

    /// No progress, no summary; only errors.
    #[arg(long, short)]
    quiet: bool,
}

/// Which reports list pages lead to.
#[derive(Debug, clap::Args)]
pub struct FollowArgs {
    /// Only reports of this year, as their titles say (repeatable; ranges like 2021-2023).
    #[arg(long, value_name = "YEAR", value_parser = parse_years, action = clap::ArgAction::Append)]
    year: Vec<Vec<i32>>,

    /// Most list pages read per column (its first page included); loops are cut anyway.
    #[arg(long, default_value_t = 50, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_list_pages: u32,
}

impl FollowArgs {
    pub fn follow(&self, enabled: bool, fetch_reports: bool) -> Follow {
        let mut years: Vec<i32> = self.year.iter().flatten().copied().collect();
        years.sort_unstable();
        years.dedup();
        Follow {
            enabled,
            years,
            max_list_pages: self.max_list_pages as usize,
            fetch_reports,
        }
    }
}

/// `2023` or `2021-2023`.
fn parse_years(text: &str) -> Result<Vec<i32>, String> {
    let year = |t: &str| {
        t.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| format!("{t:?} is not a year like 2023 (or a range like 2021-2023)"))
    };
    match text.split_once('-') {
        Some((from, to)) => {
            let (from, to) = (year(from)?, year(to)?);
            if from > to {
                return Err(format!("{text}: the first year comes after the last"));
            }
            Ok((from..=to).collect())
        }
        None => Ok(vec![year(text)?]),
    }
}

/// How requests are made: the same for `crawl` and `discover`.
#[derive(Debug, clap::Args)]
pub struct NetArgs {
    /// Requests in flight at once, over all hosts.
    #[arg(long, short = 'j', default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    concurrency: u32,

    /// Requests in flight at once to one host.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=256))]
    per_host: u32,

    /// Least time between the starts of two requests to one host (e.g. 500ms, 2s).
    #[arg(long, default_value = "250ms", value_parser = humantime::parse_duration)]
    delay: Duration,

    /// Limit for one attempt, from sending the request to the last byte of the body.
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    timeout: Duration,

    /// Limit for opening a connection.
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    connect_timeout: Duration,

    /// Retries after the first attempt, for transient failures only.
    #[arg(long, default_value_t = 3)]
    retries: u32,

    /// Wait before the first retry; doubled for each further one (with jitter).
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    backoff: Duration,

    /// Longest wait before a retry; a server whose Retry-After asks for more is given up on.
    #[arg(long, default_value = "2m", value_parser = humantime::parse_duration)]
    max_wait: Duration,

    /// Largest body accepted, counted after decompression (e.g. 20MB, 512KB).
    #[arg(long, default_value = "20MB", value_parser = fetch::parse_bytes)]
    max_bytes: u64,

    /// User-Agent header sent with every request.
    #[arg(long, default_value_t = fetch::default_user_agent())]
    user_agent: String,

    /// Fetch pages that the site's robots.txt disallows for xxgk.
    #[arg(long)]
    ignore_robots: bool,

    /// Accept broken TLS certificates (expired, self-signed, wrong host).
    #[arg(long)]
    insecure: bool,
}

impl NetArgs {
    pub fn config(&self) -> fetch::Config {
        if self.insecure {
            eprintln!("xxgk: warning: --insecure: TLS certificates are not checked");
        }
        fetch::Config {
            user_agent: self.user_agent.clone(),
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            retries: self.retries,
            backoff: self.backoff,
            max_wait: self.max_wait,
            max_bytes: self.max_bytes,
            host_delay: self.delay,
            obey_robots: !self.ignore_robots,
            insecure: self.insecure,
            keep_alive: true,
        }
    }

    pub fn concurrency(&self) -> usize {
        self.concurrency as usize
    }

    pub fn per_host(&self) -> usize {
        self.per_host as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CrawlFormat {
    /// JSON Lines: one record per line.
    Jsonl,
    /// Wide CSV: one line per URL, one column per cell (table.row.column).
    Csv,
    /// Tidy CSV, one line per cell: report,agency,year,table,row,column,value.
    CsvLong,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let list_name = args.urls.join(" ");
    let seeds = seeds(&args.urls, args.quiet)?;
    let display = display(args.quiet);
    let cache_dir = args
        .cache_dir
        .clone()
        .unwrap_or_else(|| crawl::default_cache_dir(&args.out));
    let options = crawl::Options {
        cache_dir: cache_dir.clone(),
        out: args.out.clone(),
        format: match args.format {
            CrawlFormat::Jsonl => OutputFormat::Jsonl,
            CrawlFormat::Csv => OutputFormat::AtEnd(export::Format::Csv),
            CrawlFormat::CsvLong => OutputFormat::AtEnd(export::Format::CsvLong),
        },
        mode: if args.offline {
            Mode::Offline
        } else if args.refresh {
            Mode::Refresh
        } else {
            Mode::Online
        },
        retry_failed: args.retry_failed,
        concurrency: args.net.concurrency(),
        per_host: args.net.per_host(),
        fetch: args.net.config(),
        display,
        follow: args.follow.follow(!args.no_follow, true),
        no_sections: args.no_sections,
    };
    let summary = runtime()?.block_on(crawl::run(seeds, &options))?;
    if display != Display::Quiet {
        eprint!("{summary}");
        if args.offline && nothing_was_left(&summary) {
            eprintln!(
                "xxgk: nothing left to do: every URL of {list_name} already has a record in {out}, \
                 and --offline does not redo those. To extract them again from the cache, write \
                 to a new file: xxgk crawl {list_name} -o NEW.jsonl --offline --cache-dir {cache}",
                out = args.out.display(),
                cache = cache_dir.display()
            );
        }
    }
    Ok(exit_code(&summary))
}

fn nothing_was_left(summary: &Summary) -> bool {
    !summary.interrupted && summary.this_run.total() == 0 && summary.earlier.total() > 0
}

pub fn exit_code(summary: &Summary) -> ExitCode {
    if summary.interrupted {
        ExitCode::from(130)
    } else if summary.errors() > 0 {
        ExitCode::from(EXIT_FAILURE)
    } else if summary.not_reports() > 0 {
        ExitCode::from(EXIT_NOT_ALL_REPORTS)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn display(quiet: bool) -> Display {
    if quiet {
        Display::Quiet
    } else if io::stderr().is_terminal() {
        Display::Bar
    } else {
        Display::Log
    }
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tune_malloc();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Keeps a long crawl's memory flat under glibc's allocator. glibc gives a
/// thread that finds the heap busy an arena of its own, and memory freed
/// into one arena is not reused by the others: a crawl hands every body from
/// the async workers to the extraction threads, so with the default (8
/// arenas a core) its memory crept up as long as it ran, 39 MB to 65 MB
/// over 100,000 pages in the scale benchmark; two arenas keep it flat.
/// Blocks of 64 KB and more (bodies, parse trees) are mapped on their own,
/// so freeing one gives it back rather than leaving a hole in the heap.
/// Called before the runtime starts any thread.
fn tune_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets tuning parameters of the allocator.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 64 * 1024);
    }
}

/// The URLs to start from: URLs given as arguments, or files listing them;
/// each URL once. Kept as text: a list may hold a million URLs.
pub fn seeds(args: &[String], quiet: bool) -> anyhow::Result<TaskQueue> {
    let mut seeds = TaskQueue::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for arg in args {
        let lower = arg.to_ascii_lowercase();
        let batch = if lower.starts_with("http://") || lower.starts_with("https://") {
            let list = crawl::urls::parse(arg).with_context(|| arg.clone())?;
            if let Some(bad) = list.bad.first() {
                anyhow::bail!("{arg}: {}", bad.reason);
            }
            list.urls
        } else {
            read_seeds(Path::new(arg), quiet)?
        };
        if args.len() == 1 {
            return Ok(batch); // a list has no URL twice
        }
        for task in batch {
            if seen.insert(crawl::url_key(task.url.as_str())) {
                seeds.push(&task);
            }
        }
    }
    Ok(seeds)
}

/// The URLs of a list file, its problems reported on stderr.
pub fn read_seeds(path: &Path, quiet: bool) -> anyhow::Result<TaskQueue> {
    let name = path.display();
    let text = read_list(path)?;
    let list = crawl::urls::parse(&text).with_context(|| format!("{name}"))?;
    const SHOWN: usize = 10;
    for bad in list.bad.iter().take(SHOWN) {
        eprintln!(
            "xxgk: {name}:{}: skipped: {}: {}",
            bad.line, bad.reason, bad.text
        );
    }
    if list.bad.len() > SHOWN {
        eprintln!(
            "xxgk: {name}: … and {} more bad line(s) skipped",
            list.bad.len() - SHOWN
        );
    }
    if !list.repeats.is_empty() && !quiet {
        let lines: Vec<String> = list
            .repeats
            .iter()
            .take(SHOWN)
            .map(|r| format!("{} (as line {})", r.line, r.first))
            .collect();
        eprintln!(
            "xxgk: {name}: line(s) {}{} repeat a URL listed earlier; each URL is fetched once",
            lines.join(", "),
            if list.repeats.len() > SHOWN {
                ", …"
            } else {
                ""
            }
        );
    }
    if list.urls.is_empty() {
        anyhow::bail!("{name}: no http(s) URL to crawl");
    }
    Ok(list.urls)
}

fn read_list(path: &Path) -> anyhow::Result<String> {
    let bytes = if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read the URL list from standard input")?;
        bytes
    } else {
        std::fs::read(path)
            .with_context(|| format!("{}: cannot read the URL list", path.display()))?
    };
    // Without a copy: a list can be large.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_ranges() {
        assert_eq!(parse_years("2023"), Ok(vec![2023]));
        assert_eq!(parse_years("2021-2023"), Ok(vec![2021, 2022, 2023]));
        assert!(parse_years("2023-2021").is_err());
        assert!(parse_years("23").is_err());
    }
}

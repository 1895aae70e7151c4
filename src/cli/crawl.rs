//! `xxgk crawl URLS`: a list of report URLs → one record per URL.

use std::io::{self, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::ValueEnum;
use xxgk::crawl::{self, Display, Mode, OutputFormat};
use xxgk::export;
use xxgk::fetch;
use xxgk::model::Status;

use super::{EXIT_FAILURE, EXIT_NOT_ALL_REPORTS};

/// Fetch report pages from a list of URLs and extract them, politely and resumably.
///
/// URLS is a text file with one http(s) URL per line (`-` reads standard input); blank lines
/// and lines starting with `#` are ignored, bad lines are reported with their line number and
/// skipped, and a URL listed twice is fetched once. Every URL ends as exactly one record in
/// --out: `complete` or `partial` (tables extracted), `not_a_report` with the reason (anti-bot
/// challenge, JavaScript shell, list page with its report links, attachment-only page with its
/// file links, tables given as images), or `error` with the cause (DNS, TLS, timeout, HTTP
/// status, too large, blocked by robots.txt).
///
/// Raw responses are kept in --cache-dir. Running the same command again after Ctrl-C, a crash
/// or `kill -9` skips URLs that have a record, refetches nothing already cached, writes no
/// duplicate record and cuts off a half-written last line.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
xxgk crawl urls.txt -o reports.jsonl                  # crawl; rerun the same line to resume\n  \
xxgk crawl urls.txt -o reports.jsonl --retry-failed   # redo only the URLs that ended in error\n  \
xxgk crawl urls.txt -o v2.jsonl --offline --cache-dir reports.cache  # re-extract, no network\n  \
xxgk crawl urls.txt -o cells.csv --format csv-long -j 32 --per-host 4 --delay 200ms\n\n\
Retries: connect errors, timeouts, broken connections, 5xx, 408 and 429 are retried --retries \
times with exponential backoff (--backoff, doubled each time, with jitter), honouring \
Retry-After; other 4xx and anti-bot walls (HTTP 412/521, JS challenges) are final. Proxies come from HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and \
NO_PROXY.\n\n\
Exit codes: 0 every URL is a report; 1 some URL is not a report; 2 some URL ended in error, \
or the crawl could not run; 130 interrupted (rerun to resume).")]
pub struct Args {
    /// File of URLs, one per line; `-` for standard input.
    #[arg(value_name = "URLS")]
    urls: PathBuf,

    /// Where records go. An existing file is resumed, not overwritten.
    #[arg(long, short, value_name = "FILE")]
    out: PathBuf,

    /// Output format. jsonl is written as records arrive; csv-long is written from the
    /// JSONL records kept in the cache folder when the run ends. (The wide csv format is
    /// not available for crawls yet.)
    #[arg(long, short, value_enum, default_value = "jsonl")]
    format: CrawlFormat,

    /// Folder for raw responses and resume state [default: OUT with extension .cache,
    /// e.g. reports.cache beside reports.jsonl].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

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

    /// Redo the URLs whose record is an error (their old records are removed).
    #[arg(long, conflicts_with = "offline")]
    retry_failed: bool,

    /// Fetch the URLs still to do over the network even when their response is cached.
    #[arg(long, conflicts_with = "offline")]
    refresh: bool,

    /// Fetch nothing: extract again from the cached responses (e.g. with a newer xxgk).
    /// URLs not in the cache are recorded as errors.
    #[arg(long)]
    offline: bool,

    /// No progress, no summary; only errors.
    #[arg(long, short)]
    quiet: bool,
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
    let text = read_list(&args.urls)?;
    let list = crawl::urls::parse(&text);
    let list_name = args.urls.display();
    for bad in &list.bad {
        eprintln!(
            "xxgk: {list_name}:{}: skipped: {}: {}",
            bad.line, bad.reason, bad.text
        );
    }
    if list.duplicates > 0 && !args.quiet {
        eprintln!(
            "xxgk: {list_name}: {} line(s) repeat a URL listed earlier; each URL is fetched once",
            list.duplicates
        );
    }
    if list.urls.is_empty() {
        anyhow::bail!("{list_name}: no http(s) URL to crawl");
    }
    if args.insecure {
        eprintln!("xxgk: warning: --insecure: TLS certificates are not checked");
    }

    let display = if args.quiet {
        Display::Quiet
    } else if io::stderr().is_terminal() {
        Display::Bar
    } else {
        Display::Log
    };
    let options = crawl::Options {
        cache_dir: args
            .cache_dir
            .clone()
            .unwrap_or_else(|| crawl::default_cache_dir(&args.out)),
        out: args.out,
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
        concurrency: args.concurrency as usize,
        per_host: args.per_host as usize,
        fetch: fetch::Config {
            user_agent: args.user_agent,
            connect_timeout: args.connect_timeout,
            timeout: args.timeout,
            retries: args.retries,
            backoff: args.backoff,
            max_wait: args.max_wait,
            max_bytes: args.max_bytes,
            host_delay: args.delay,
            obey_robots: !args.ignore_robots,
            insecure: args.insecure,
        },
        display,
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(crawl::run(&list.urls, &options))?;
    if display != Display::Quiet {
        eprint!("{summary}");
    }

    let total = |s: Status| summary.earlier.get(s) + summary.this_run.get(s);
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else if total(Status::Error) > 0 {
        ExitCode::from(EXIT_FAILURE)
    } else if total(Status::NotAReport) > 0 {
        ExitCode::from(EXIT_NOT_ALL_REPORTS)
    } else {
        ExitCode::SUCCESS
    })
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
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

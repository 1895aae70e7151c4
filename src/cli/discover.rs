//! `xxgk discover URL...`: column pages → the report links they list,
//! without fetching the reports.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use xxgk::crawl::{self, Mode, OutputFormat};
use xxgk::export::Output;

use super::EXIT_FAILURE;
use super::crawl::{FollowArgs, NetArgs, display, runtime, seeds};

/// List the annual reports that column (list) pages link to, following their pages, without
/// fetching the reports.
///
/// Each URL is a column page, e.g. a government's 政府信息公开年报 column; an argument that is
/// not a URL is read as a file of URLs (`-` for standard input). Its report links and its
/// other pages are found as `xxgk crawl` finds them. The output is tab-separated, one report
/// per line: url, title, year (the year the report covers), published (the date the list
/// shows), found_on (the list page), after a `#` header line. `xxgk crawl` takes that file as
/// its URL list. Progress goes to stderr, then how many columns, pages and reports were found.
///
/// List pages are kept in the cache folder (with -o: FILE.cache beside FILE), so running the
/// same command again after an interruption fetches only what is left.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
xxgk discover https://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/ -o reports.tsv\n  \
xxgk discover columns.txt --year 2023 -o reports-2023.tsv\n  \
xxgk crawl reports-2023.tsv -o reports-2023.jsonl   # then fetch and extract them\n\n\
Exit codes: 0 reports were listed; 1 no report was found; 2 some page ended in error, or the \
run could not start; 130 interrupted (rerun to resume).")]
pub struct Args {
    /// Column page URLs, or files of them (`-` for standard input).
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,

    /// Write the list to FILE (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Folder for list pages and resume state [default: FILE.cache beside -o FILE; a
    /// temporary folder when the list goes to standard output].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    #[command(flatten)]
    follow: FollowArgs,

    #[command(flatten)]
    net: NetArgs,

    /// No progress, no summary; only errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let seeds = seeds(&args.urls, args.quiet)?;
    let output = Output::from_arg(args.out.as_deref());
    // Without -o, the list pages live only as long as the run.
    let scratch;
    let cache_dir = match (&args.cache_dir, &output) {
        (Some(dir), _) => dir.clone(),
        (None, Output::File(file)) => crawl::default_cache_dir(file),
        (None, Output::Stdout) => {
            scratch = tempfile::tempdir().context("cannot create a temporary folder")?;
            scratch.path().join("discover")
        }
    };
    let display = display(args.quiet);
    let options = crawl::Options {
        out: args.out.clone().unwrap_or_else(|| PathBuf::from("-")),
        format: OutputFormat::CacheOnly,
        cache_dir,
        mode: Mode::Online,
        retry_failed: true,
        concurrency: args.net.concurrency(),
        per_host: args.net.per_host(),
        fetch: args.net.config(),
        display,
        follow: args.follow.follow(true, false),
        no_sections: false,
    };
    let (summary, found) = runtime()?.block_on(crawl::crawl(seeds, &options))?;
    output.write_with(|w| crawl::discover::write_list(w, &found))?;
    if display != crawl::Display::Quiet {
        eprint!("{summary}");
        eprintln!(
            "xxgk discover: {} report(s) listed{}",
            found.len(),
            match &output {
                Output::File(file) => format!(" in {}", file.display()),
                Output::Stdout => String::new(),
            }
        );
    }
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else if summary.errors() > 0 {
        ExitCode::from(EXIT_FAILURE)
    } else if found.is_empty() {
        ExitCode::from(super::EXIT_NOT_ALL_REPORTS)
    } else {
        ExitCode::SUCCESS
    })
}

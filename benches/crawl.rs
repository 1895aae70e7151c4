//! Crawl throughput: 2,000 pages from a local server that answers each
//! request after 50 ms, crawled by the real `xxgk crawl` binary at
//! concurrency 32. The ideal is concurrency ÷ latency = 640 pages/s.
//!
//! Run with `cargo bench --bench crawl`. Prints pages/s, CPU seconds per
//! 1,000 pages and peak RSS of the crawler process (the server's own work is
//! not counted: it runs in this process, the crawler in a child).

#[path = "../tests/support/http_server.rs"]
mod http_server;
#[path = "support/usage.rs"]
mod usage;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use http_server::{Reply, Server};
use usage::{cpu_seconds, wait_with_usage};

const PAGES: usize = 2_000;
const CONCURRENCY: usize = 32;
const LATENCY: Duration = Duration::from_millis(50);

fn main() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    // `cargo bench --bench crawl -- seed` runs only the cases whose label says "seed".
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let tiny = "<html><head><title>通知</title></head><body><p>暂无内容</p></body></html>";
    for (label, page, content_type, status) in [
        (
            "9 KB text report (seed)",
            Page::Sample("seed-shaodong-2023.txt"),
            "text/plain; charset=utf-8",
            "complete",
        ),
        (
            "64 KB HTML report (pingtan)",
            Page::Sample("09_pingtan-2024.html"),
            "text/html; charset=utf-8",
            "complete",
        ),
        (
            "article page whose report is an attached 96 KB PDF (lo-complete, 2 requests a URL)",
            Page::Article("attach/lo-complete-2023.pdf"),
            "application/pdf",
            "complete",
        ),
        (
            "tiny page that is not a report (fetch-bound: next to no extraction)",
            Page::Inline(tiny),
            "text/html; charset=utf-8",
            "not_a_report",
        ),
    ] {
        if !filters.is_empty() && !filters.iter().any(|f| label.contains(f.as_str())) {
            continue;
        }
        let (page, article) = match page {
            Page::Sample(file) => (
                std::fs::read(samples.join(file)).expect("read sample"),
                false,
            ),
            Page::Inline(text) => (text.as_bytes().to_vec(), false),
            Page::Article(file) => (
                std::fs::read(samples.join(file)).expect("read sample"),
                true,
            ),
        };
        bench(label, page, content_type, status, article);
    }
}

enum Page {
    Sample(&'static str),
    Inline(&'static str),
    /// A report file, linked from an article page of its own for each URL.
    Article(&'static str),
}

/// Crawls `PAGES` copies of `page` and checks each record has `status`.
/// With `article`, each URL is an article page linking its own copy of
/// `page`, which the crawl then fetches and reads.
fn bench(label: &str, page: Vec<u8>, content_type: &'static str, status: &str, article: bool) {
    let server = Server::start(move |path, _| {
        let reply = match path.strip_suffix(".html") {
            Some(name) if article => {
                let n = name.rsplit('/').next().unwrap_or("");
                let html = format!(
                    "<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body>\
                     <h1>某县2023年政府信息公开工作年度报告</h1><p>附件：<a href=\"{n}.pdf\">\
                     某县2023年政府信息公开工作年度报告.pdf</a></p></body></html>"
                );
                Reply::ok("text/html; charset=utf-8", html)
            }
            _ => Reply::ok(content_type, page.clone()),
        };
        (LATENCY, reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("urls.txt");
    let urls: Vec<String> = (0..PAGES)
        .map(|i| server.url(&format!("/report/{i}.html")))
        .collect();
    std::fs::write(&list, urls.join("\n")).unwrap();
    let out = dir.path().join("out.jsonl");

    let started = Instant::now();
    #[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
    let child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args([
            "crawl",
            list.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
        .args([
            "--concurrency",
            &CONCURRENCY.to_string(),
            "--per-host",
            &CONCURRENCY.to_string(),
        ])
        .args(["--delay", "0", "--ignore-robots"])
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .spawn()
        .expect("start xxgk crawl");
    let (code, usage) = wait_with_usage(child.id() as libc::pid_t);
    let wall = started.elapsed().as_secs_f64();
    assert!(
        code == 0 || code == 1,
        "xxgk crawl failed with exit code {code}"
    );

    let records = std::fs::read_to_string(&out).unwrap();
    assert_eq!(records.lines().count(), PAGES);
    let want = format!(r#""status":"{status}""#);
    assert!(
        records.lines().all(|l| l.contains(&want)),
        "every record is {status}"
    );

    let cpu = cpu_seconds(&usage);
    // An article and its file are two requests, one after the other.
    let requests = if article { 2.0 } else { 1.0 };
    let ideal = CONCURRENCY as f64 / LATENCY.as_secs_f64() / requests;
    println!(
        "crawl {PAGES} pages, {label}, concurrency {CONCURRENCY}, server latency {} ms:",
        LATENCY.as_millis()
    );
    println!(
        "  {:.0} pages/s ({:.0}% of the ideal {ideal:.0}/s), {wall:.2} s wall",
        PAGES as f64 / wall,
        100.0 * PAGES as f64 / wall / ideal
    );
    println!(
        "  {:.2} CPU seconds per 1,000 pages",
        cpu / PAGES as f64 * 1000.0
    );
    println!("  peak RSS {:.1} MB", usage.ru_maxrss as f64 / 1024.0);
}

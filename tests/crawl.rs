//! `xxgk crawl` against a real HTTP server on 127.0.0.1 that misbehaves the
//! ways government servers do. Every URL's recorded outcome is asserted.

#[path = "support/http_server.rs"]
mod http_server;
#[path = "support/xxgk.rs"]
mod xxgk_bin;

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use http_server::{Reply, Server};
use xxgk::{Report, Status};
use xxgk_bin::{by_url, records, run, sample, stderr, write_list, xxgk};

const NO_DELAY: Duration = Duration::ZERO;

/// Every cell of a truth file, compared with the record.
fn assert_matches_truth(report: &Report, truth: &str) {
    let text = String::from_utf8(sample(truth)).unwrap();
    let mut cells = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let got = report.cell(f[0], f[1], f[2]).map(|n| n.to_string());
        let want = (!f[3].is_empty()).then(|| f[3].to_string());
        assert_eq!(got, want, "{} {line}", report.source.name());
        cells += 1;
    }
    assert!(cells > 100, "{truth} has only {cells} cells");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

const ATTACHMENT_PAGE: &str = r#"<html><head><meta charset="utf-8"><title>某县2023年政府信息公开工作年度报告</title></head>
<body><h1>某县2023年政府信息公开工作年度报告</h1>
<p>附件：<a href="/files/2023-report.pdf">2023年政府信息公开工作年度报告.pdf</a></p></body></html>"#;

const CHALLENGE_PAGE: &str = r#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<script type="text/javascript">$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;</script>
<script src="/abc.js" r='m'></script></head><body></body></html>"#;

/// Every fault a government server shows, in one crawl.
#[test]
fn each_fault_ends_as_the_right_record() {
    let pingtan = sample("09_pingtan-2024.html");
    let pingtan_gbk = sample("09_pingtan-2024.gbk.html");
    let seed_gbk = sample("seed-shaodong-2023.gbk.txt");
    let list_page = sample("not-reports/pingtan-list-page.html");
    let bomb = gzip(&vec![0u8; 8 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024, "the bomb must be small on the wire");
    let server = Server::start(move |path, seen| {
        let reply = match path {
            "/robots.txt" => Reply::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
            "/utf8.html" => Reply::ok("text/html; charset=utf-8", pingtan.clone()),
            "/gzipped.html" => Reply::ok("text/html; charset=utf-8", gzip(&pingtan))
                .header("Content-Encoding", "gzip"),
            "/gbk.html" => Reply::ok("text/html; charset=GBK", pingtan_gbk.clone()),
            // GBK bytes the server calls UTF-8, with no meta to say otherwise.
            "/mislabelled.txt" => Reply::ok("text/plain; charset=utf-8", seed_gbk.clone()),
            "/flaky.html" if seen == 0 => Reply::status(500, "text/html", "<h1>500</h1>"),
            "/flaky.html" => Reply::ok("text/html; charset=utf-8", pingtan.clone()),
            "/busy.html" if seen == 0 => {
                Reply::status(429, "text/html", "slow down").header("Retry-After", "1")
            }
            "/busy.html" => Reply::ok("text/html; charset=utf-8", pingtan.clone()),
            "/challenge.html" => Reply::status(412, "text/html", CHALLENGE_PAGE),
            "/jsl.html" => Reply::status(
                521,
                "text/html",
                "<script>document.cookie=('__jsl_clearance_s=1');location.href=location.pathname</script>",
            ),
            "/unavailable.html" => Reply::status(503, "text/html", "<h1>503</h1>"),
            "/slow.html" => Reply::Dribble {
                body: vec![b'x'; 2000],
                pieces: 10,
                pause: Duration::from_millis(300),
            },
            "/reset.html" => Reply::Reset,
            "/huge.html" => Reply::ok("text/html", vec![b'a'; 2 * 1024 * 1024]),
            "/huge-chunked.html" => Reply::ok("text/html", vec![b'a'; 2 * 1024 * 1024]).chunked(),
            "/bomb.html" => Reply::ok("text/html", bomb.clone()).header("Content-Encoding", "gzip"),
            "/loop-a" => Reply::redirect("/loop-b"),
            "/loop-b" => Reply::redirect("/loop-a"),
            "/moved" => Reply::redirect("/utf8.html?via=moved"),
            "/utf8.html?via=moved" => Reply::ok("text/html; charset=utf-8", pingtan.clone()),
            "/list.html" => Reply::ok("text/html; charset=utf-8", list_page.clone()),
            "/attachment.html" => Reply::ok("text/html; charset=utf-8", ATTACHMENT_PAGE),
            _ => Reply::status(404, "text/html", "<h1>Not Found</h1>"),
        };
        (NO_DELAY, reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let paths = [
        "/utf8.html",
        "/gzipped.html",
        "/gbk.html",
        "/mislabelled.txt",
        "/flaky.html",
        "/busy.html",
        "/challenge.html",
        "/jsl.html",
        "/unavailable.html",
        "/slow.html",
        "/reset.html",
        "/huge.html",
        "/huge-chunked.html",
        "/bomb.html",
        "/loop-a",
        "/moved",
        "/missing.html",
        "/list.html",
        "/attachment.html",
        "/private/report.html",
    ];
    let mut lines: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    lines.insert(0, "# fault catalogue".into());
    lines.push(server.url("/utf8.html#again")); // a duplicate
    lines.push("ftp://127.0.0.1/report.html".into()); // not http
    let list = write_list(dir.path(), &lines);
    let out = dir.path().join("out.jsonl");
    let started = Instant::now();
    let o = run(&[
        "crawl",
        &list,
        "--out",
        out.to_str().unwrap(),
        // The list page's links are followed in tests/columns.rs.
        "--no-follow",
        "-j",
        "16",
        "--per-host",
        "16",
        "--delay",
        "0",
        "--retries",
        "2",
        "--backoff",
        "20ms",
        "--timeout",
        "700ms",
        "--max-bytes",
        "1MB",
        "--max-wait",
        "5s",
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("urls.txt:23: skipped: not an http(s) URL"),
        "{err}"
    );
    assert!(err.contains("line(s) 22 (as line 2) repeat a URL"), "{err}");
    assert!(
        err.contains("outcome"),
        "the closing summary is printed: {err}"
    );

    let got = by_url(records(&out));
    assert_eq!(got.len(), paths.len(), "one record per distinct URL");
    let rec = |p: &str| &got[&server.url(p)];
    let reason = |p: &str| rec(p).reason.clone().unwrap_or_default();

    for (path, truth, encoding) in [
        ("/utf8.html", "09_pingtan-2024.truth.csv", "UTF-8"),
        ("/gzipped.html", "09_pingtan-2024.truth.csv", "UTF-8"),
        ("/gbk.html", "09_pingtan-2024.truth.csv", "gb18030"),
        (
            "/mislabelled.txt",
            "seed-shaodong-2023.truth.csv",
            "gb18030",
        ),
        ("/flaky.html", "09_pingtan-2024.truth.csv", "UTF-8"),
        ("/busy.html", "09_pingtan-2024.truth.csv", "UTF-8"),
        ("/moved", "09_pingtan-2024.truth.csv", "UTF-8"),
    ] {
        let r = rec(path);
        assert_eq!(r.status, Status::Complete, "{path}: {:?}", r.reason);
        assert_eq!(r.source.encoding.as_deref(), Some(encoding), "{path}");
        assert_eq!(r.source.http_status, Some(200), "{path}");
        assert!(
            r.source.sha256.as_ref().is_some_and(|h| h.len() == 64),
            "{path}"
        );
        assert!(
            r.source
                .fetched_at
                .as_ref()
                .is_some_and(|t| t.ends_with('Z')),
            "{path}"
        );
        assert_matches_truth(r, truth);
    }
    assert_eq!(
        rec("/gbk.html").source.content_type.as_deref(),
        Some("text/html; charset=GBK")
    );
    assert_eq!(
        rec("/moved").source.final_url.as_deref(),
        Some(server.url("/utf8.html?via=moved").as_str())
    );

    // Transient failures were retried, and only as often as needed.
    assert_eq!(server.hits("/flaky.html"), 2);
    let busy = server.hit_times("/busy.html");
    assert_eq!(busy.len(), 2);
    assert!(
        busy[1] - busy[0] >= Duration::from_millis(950),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(server.hits("/slow.html"), 3, "timeouts are retried");
    assert_eq!(server.hits("/reset.html"), 3, "resets are retried");
    assert_eq!(server.hits("/missing.html"), 1, "a 404 is never retried");
    assert_eq!(server.hits("/challenge.html"), 1, "a 412 is never retried");
    assert_eq!(
        server.hits("/jsl.html"),
        1,
        "an anti-bot 521 is not retried"
    );
    assert_eq!(server.hits("/unavailable.html"), 3, "a 503 is retried");
    assert_eq!(
        server.hits("/private/report.html"),
        0,
        "robots.txt is obeyed"
    );
    assert_eq!(
        server.hits("/robots.txt"),
        1,
        "robots.txt is read once per host"
    );

    let expect = |p: &str, status: Status, words: &str| {
        assert_eq!(rec(p).status, status, "{p}: {:?}", rec(p).reason);
        assert!(
            reason(p).contains(words),
            "{p}: {:?} lacks {words:?}",
            reason(p)
        );
    };
    expect(
        "/challenge.html",
        Status::NotAReport,
        "anti-bot challenge (HTTP 412, Ruishu",
    );
    expect(
        "/slow.html",
        Status::Error,
        "timed out after 0.7 s (3 attempts)",
    );
    expect("/reset.html", Status::Error, "connection broken");
    expect("/huge.html", Status::Error, "larger than the 1 MB cap");
    expect(
        "/huge-chunked.html",
        Status::Error,
        "larger than the 1 MB cap",
    );
    expect("/bomb.html", Status::Error, "larger than the 1 MB cap");
    expect("/loop-a", Status::Error, "redirect loop");
    expect("/missing.html", Status::Error, "HTTP 404 Not Found");
    assert_eq!(rec("/missing.html").source.http_status, Some(404));
    expect(
        "/list.html",
        Status::NotAReport,
        "a list page linking to 10 annual reports",
    );
    // Links are absolute, resolved against the page's URL.
    let list_links = &rec("/list.html").links;
    assert_eq!(list_links.len(), 10);
    assert_eq!(
        list_links[0].href,
        server.url("/202603/t20260313_105587.htm")
    );
    // The page's report file is followed; here it is missing.
    let file = server.url("/files/2023-report.pdf");
    expect(
        "/attachment.html",
        Status::Error,
        &format!("the report is the attached file {file}: HTTP 404 Not Found"),
    );
    assert_eq!(rec("/attachment.html").links[0].href, file);
    assert_eq!(server.hits("/files/2023-report.pdf"), 1);
    expect("/private/report.html", Status::Error, "robots.txt");

    // The slowest fault (3 timed-out attempts) bounds the run, not the sum of faults.
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// A rerun skips what is done; --retry-failed redoes only errors;
/// --offline re-extracts from the cache without a request.
#[test]
fn rerun_retry_failed_and_offline() {
    let pingtan = sample("09_pingtan-2024.html");
    let healed = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let server_healed = healed.clone();
    let server = Server::start(move |path, _| {
        let reply = match path {
            "/down.html" if !server_healed.load(std::sync::atomic::Ordering::SeqCst) => {
                Reply::status(503, "text/html", "<h1>maintenance</h1>")
            }
            "/down.html" | "/report.html" => Reply::ok("text/html; charset=utf-8", pingtan.clone()),
            "/gone.html" => Reply::status(410, "text/html", "gone"),
            _ => Reply::status(404, "text/html", ""),
        };
        (NO_DELAY, reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = ["/report.html", "/down.html", "/gone.html"]
        .iter()
        .map(|p| server.url(p))
        .collect();
    let list = write_list(dir.path(), &urls);
    let out = dir.path().join("out.jsonl");
    let out = out.to_str().unwrap();
    let crawl = |extra: &[&str]| {
        let mut args = vec![
            "crawl",
            &list,
            "--out",
            out,
            "--delay",
            "0",
            "--retries",
            "0",
            "-q",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };
    let statuses = || {
        let got = by_url(records(Path::new(out)));
        urls.iter().map(|u| got[u].status).collect::<Vec<_>>()
    };

    let o = crawl(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(statuses(), [Status::Complete, Status::Error, Status::Error]);
    assert!(
        stderr(&o).is_empty(),
        "--quiet prints nothing: {}",
        stderr(&o)
    );
    let head = server.heads("/report.html").remove(0).to_ascii_lowercase();
    assert!(head.contains("user-agent: xxgk/"), "{head}");
    for coding in ["gzip", "deflate", "br"] {
        assert!(
            head.contains(coding),
            "accept-encoding lacks {coding}: {head}"
        );
    }

    healed.store(true, std::sync::atomic::Ordering::SeqCst);
    let hits = server.total_hits();
    let o = crawl(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        server.total_hits(),
        hits,
        "a rerun of a finished crawl fetches nothing"
    );
    assert_eq!(statuses(), [Status::Complete, Status::Error, Status::Error]);

    let o = crawl(&["--retry-failed"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        statuses(),
        [Status::Complete, Status::Complete, Status::Error]
    );
    assert_eq!(
        server.hits("/report.html"),
        1,
        "--retry-failed leaves good records alone"
    );
    assert_eq!(server.hits("/down.html"), 2);
    assert_eq!(server.hits("/gone.html"), 2);

    // Offline, into a new file, from the first crawl's cache.
    let hits = server.total_hits();
    let again = dir.path().join("again.jsonl");
    let cache = dir.path().join("out.cache");
    let crawl_offline = |out: &Path, extra: &[&str]| {
        let mut args = vec!["crawl", &list, "--out", out.to_str().unwrap(), "--offline"];
        args.extend_from_slice(extra);
        run(&args)
    };
    let cache_dir = ["--cache-dir", cache.to_str().unwrap()];
    let o = crawl_offline(&again, &[cache_dir[0], cache_dir[1], "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(server.total_hits(), hits, "--offline sends no request");
    let first = by_url(records(Path::new(out)));
    let offline = by_url(records(&again));
    for url in &urls {
        assert_eq!(offline[url].status, first[url].status, "{url}");
        assert_eq!(
            offline[url].source.sha256, first[url].source.sha256,
            "{url}"
        );
        assert_eq!(offline[url].applications, first[url].applications, "{url}");
    }

    // Online into a new file with the same cache: everything comes from the
    // cache; with --refresh, everything is fetched again.
    let pages = || ["/report.html", "/down.html", "/gone.html"].map(|p| server.hits(p));
    let before = pages();
    let cached = dir.path().join("cached.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "--out",
        cached.to_str().unwrap(),
        "--cache-dir",
        cache.to_str().unwrap(),
        "--delay",
        "0",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(pages(), before, "a cached response is not fetched again");
    let refreshed = dir.path().join("refreshed.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "--out",
        refreshed.to_str().unwrap(),
        "--cache-dir",
        cache.to_str().unwrap(),
        "--delay",
        "0",
        "-q",
        "--refresh",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        pages(),
        before.map(|n| n + 1),
        "--refresh fetches every page again"
    );

    let hits = server.total_hits();
    // Offline with a missing cache (the default beside a new --out): refused,
    // naming the folder, with no record written that a later run would skip.
    let empty = dir.path().join("empty.jsonl");
    let o = crawl_offline(&empty, &["-q"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("empty.cache")
            && err.contains("does not exist")
            && err.contains("--cache-dir"),
        "{err}"
    );
    assert!(!empty.exists(), "no records file is started");
    std::fs::create_dir(dir.path().join("empty.cache")).unwrap();
    let o = crawl_offline(&empty, &["-q"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds no cached responses"),
        "{}",
        stderr(&o)
    );

    // Offline onto the output that holds every URL: nothing left, and how to redo.
    let o = crawl_offline(&again, &cache_dir);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("nothing left to do") && err.contains("-o NEW.jsonl --offline"),
        "{err}"
    );

    // --offline and --retry-failed combine: errors are extracted again from
    // the cache; URLs fetched fine are left alone.
    let o = crawl_offline(
        &again,
        &[cache_dir[0], cache_dir[1], "--retry-failed", "-q"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(server.total_hits(), hits, "--offline sends no request");
    let retried = by_url(records(&again));
    assert_eq!(retried.len(), urls.len());
    assert_eq!(retried[&urls[0]].status, Status::Complete);
    assert_eq!(retried[&urls[2]].status, Status::Error);
}

#[test]
fn csv_outputs_long_and_wide() {
    let seed = sample("seed-shaodong-2023.txt");
    let server = Server::start(move |path, _| {
        let reply = match path {
            "/seed.txt" => Reply::ok("text/plain; charset=utf-8", seed.clone()),
            _ => Reply::status(404, "text/html", ""),
        };
        (NO_DELAY, reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        &[server.url("/seed.txt"), server.url("/nothing")],
    );
    let out = dir.path().join("cells.csv");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "csv-long",
        "--delay",
        "0",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "report,agency,year,table,row,column,value");
    assert_eq!(lines.len(), 201, "200 cells of the seed, none of the 404");
    let row = format!(
        "{},邵东市人民政府,2023,applications,total_processed,total,93",
        server.url("/seed.txt")
    );
    assert!(lines.contains(&row.as_str()));
    // Resume state sits in the cache folder, so a rerun fetches nothing.
    let hits = server.total_hits();
    let o = run(&[
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "csv-long",
        "--delay",
        "0",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(server.total_hits(), hits);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);

    // The wide CSV: one line per URL, errors included, one column per cell.
    let wide = dir.path().join("wide.csv");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        wide.to_str().unwrap(),
        "--format",
        "csv",
        "--delay",
        "0",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let mut reader = csv::Reader::from_path(&wide).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let seed_row = rows
        .iter()
        .find(|r| r[column("source.url")] == server.url("/seed.txt"))
        .unwrap();
    assert_eq!(
        &seed_row[column("applications.total_processed.total")],
        "93"
    );
    assert_eq!(&seed_row[column("source.http_status")], "200");
    let missing = rows
        .iter()
        .find(|r| r[column("source.url")] == server.url("/nothing"))
        .unwrap();
    assert_eq!(&missing[column("status")], "error");
}

/// SIGKILL mid-crawl, then rerun: every URL ends with exactly one record of the
/// right outcome, and nothing recorded before the kill is fetched again.
#[test]
fn kill_9_then_rerun_loses_nothing_and_duplicates_nothing() {
    const PAGES: usize = 300;
    const CONCURRENCY: usize = 4;
    let seed = sample("seed-shaodong-2023.txt");
    let list_page = sample("not-reports/pingtan-list-page.html");
    let server = Server::start(move |path, _| {
        let n: usize = path
            .strip_prefix("/page/")
            .and_then(|n| n.parse().ok())
            .unwrap_or(usize::MAX);
        let reply = match n % 3 {
            _ if n == usize::MAX => Reply::status(404, "text/plain", ""),
            0 => Reply::ok("text/plain; charset=utf-8", seed.clone()),
            1 => Reply::ok("text/html; charset=utf-8", list_page.clone()),
            _ => Reply::status(404, "text/html", "<h1>Not Found</h1>"),
        };
        (Duration::from_millis(30), reply)
    });
    let expected = |n: usize| match n % 3 {
        0 => Status::Complete,
        1 => Status::NotAReport,
        _ => Status::Error,
    };
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (0..PAGES)
        .map(|i| server.url(&format!("/page/{i}")))
        .collect();
    let list = write_list(dir.path(), &urls);
    let out = dir.path().join("out.jsonl");
    let args = [
        "crawl",
        &list,
        "--out",
        out.to_str().unwrap(),
        // Resuming a discovering crawl is tested in tests/columns.rs.
        "--no-follow",
        "-j",
        "4",
        "--per-host",
        "4",
        "--delay",
        "0",
        "--retries",
        "0",
        "-q",
    ];

    let mut child = xxgk().args(args).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let lines = std::fs::read(&out).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        if lines >= 60 {
            break;
        }
        assert!(Instant::now() < deadline, "the crawl never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let before = by_url(records(&out));
    assert!(
        before.len() < PAGES,
        "killed mid-run, not after it ({} records)",
        before.len()
    );
    // A kill can land mid-write; make sure the rerun meets a torn last line.
    let mut f = std::fs::OpenOptions::new().append(true).open(&out).unwrap();
    f.write_all(br#"{"schema_version":1,"source":{"url":"http://127.0.0.1:1/page/"#)
        .unwrap();
    drop(f);
    let hits_before: HashMap<&str, usize> = before
        .keys()
        .map(|u| (u.as_str(), server.hits(path_of(u))))
        .collect();

    let o = xxgk().args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), PAGES, "the torn line was cut off");
    let after = by_url(records(&out));
    assert_eq!(after.len(), PAGES);
    for (n, url) in urls.iter().enumerate() {
        assert_eq!(
            after[url].status,
            expected(n),
            "{url}: {:?}",
            after[url].reason
        );
    }
    for (url, hits) in hits_before {
        assert_eq!(
            server.hits(path_of(url)),
            hits,
            "{url} was done before the kill, yet refetched"
        );
    }
    // Only requests in flight (or awaiting extraction) at the kill are repeated.
    let repeated = (0..PAGES)
        .filter(|i| server.hits(&format!("/page/{i}")) > 1)
        .count();
    assert!(
        repeated <= 2 * CONCURRENCY,
        "{repeated} pages fetched twice"
    );
}

fn path_of(url: &str) -> &str {
    let rest = url.strip_prefix("http://").unwrap();
    &rest[rest.find('/').unwrap()..]
}

/// Proxies come from the environment: with HTTP_PROXY pointing at the test
/// server, a URL on a host that does not exist is fetched through it.
#[test]
fn http_proxy_from_the_environment_is_used() {
    let pingtan = sample("09_pingtan-2024.html");
    let proxy = Server::start(move |target, _| {
        let reply = match target {
            "http://report.invalid/2024.html" => {
                Reply::ok("text/html; charset=utf-8", pingtan.clone())
            }
            _ => Reply::status(404, "text/plain", ""),
        };
        (NO_DELAY, reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), &["http://report.invalid/2024.html".to_string()]);
    let out = dir.path().join("out.jsonl");
    let o = xxgk()
        .args([
            "crawl",
            &list,
            "-o",
            out.to_str().unwrap(),
            "-q",
            "--delay",
            "0",
        ])
        .env("HTTP_PROXY", format!("http://{}", proxy.addr))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(records(&out)[0].status, Status::Complete);
    assert_eq!(proxy.hits("http://report.invalid/2024.html"), 1);
    assert_eq!(proxy.hits("http://report.invalid/robots.txt"), 1);
}

/// --per-host bounds the requests in flight to one host, --delay spaces their starts.
#[test]
fn per_host_limit_and_delay_are_kept() {
    let server = Server::start(|_, _| {
        (
            Duration::from_millis(300),
            Reply::status(404, "text/html", ""),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (0..6).map(|i| server.url(&format!("/p{i}"))).collect();
    let list = write_list(dir.path(), &urls);
    let out = dir.path().join("out.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
        "-q",
        "-j",
        "8",
        "--per-host",
        "2",
        "--delay",
        "100ms",
        "--ignore-robots",
        "--retries",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let mut starts: Vec<Instant> = (0..6)
        .flat_map(|i| server.hit_times(&format!("/p{i}")))
        .collect();
    starts.sort();
    assert_eq!(starts.len(), 6);
    // Without --delay, the first two would arrive together; arrival times
    // carry scheduling noise, hence the margin.
    for pair in starts.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(50),
            "--delay 100ms, yet {gap:?} apart"
        );
    }
    // Each answer takes 300 ms: a third request may start only when one of two ends.
    for triple in starts.windows(3) {
        assert!(
            triple[2] - triple[0] >= Duration::from_millis(290),
            "3 requests in flight at once"
        );
    }
}

/// Ctrl-C (SIGINT) stops the crawl with the records so far intact and exit
/// code 130; the same command then finishes the list.
#[test]
fn ctrl_c_stops_cleanly_and_the_rerun_finishes() {
    const PAGES: usize = 40;
    let seed = sample("seed-shaodong-2023.txt");
    let server = Server::start(move |_, _| {
        (
            Duration::from_millis(50),
            Reply::ok("text/plain; charset=utf-8", seed.clone()),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (0..PAGES).map(|i| server.url(&format!("/r{i}"))).collect();
    let list = write_list(dir.path(), &urls);
    let out = dir.path().join("out.jsonl");
    let args = [
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
        "-j",
        "1",
        "--per-host",
        "1",
        "--delay",
        "0",
    ];
    let child = xxgk().args(args).stderr(Stdio::piped()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::read(&out).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) < 5 {
        assert!(Instant::now() < deadline, "the crawl never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("interrupted: run the same command again to resume"),
        "{}",
        stderr(&o)
    );
    let first = records(&out).len();
    assert!((5..PAGES).contains(&first), "{first} records");

    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{first} recorded before")),
        "{}",
        stderr(&o)
    );
    let all = by_url(records(&out));
    assert_eq!(all.len(), PAGES);
    assert!(all.values().all(|r| r.status == Status::Complete));
}

/// A server with a self-signed certificate (`openssl s_server`, from the
/// `openssl` package): a TLS error that says what to do, and `--insecure`
/// getting through with one warning.
#[test]
fn broken_certificates_are_named_and_insecure_accepts_them() {
    let dir = tempfile::tempdir().unwrap();
    let (key, cert) = (dir.path().join("key.pem"), dir.path().join("cert.pem"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("this test needs the openssl command (Debian package openssl)");
    assert!(made.status.success(), "{}", stderr(&made));
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let _server = KillOnDrop(
        Command::new("openssl")
            .args([
                "s_server",
                "-quiet",
                "-www",
                "-accept",
                &format!("127.0.0.1:{port}"),
            ])
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "openssl s_server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }

    let list = write_list(dir.path(), &[format!("https://127.0.0.1:{port}/")]);
    let strict = dir.path().join("strict.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        strict.to_str().unwrap(),
        "-q",
        "--retries",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let r = &records(&strict)[0];
    assert_eq!(r.status, Status::Error);
    let reason = r.reason.as_deref().unwrap();
    assert!(reason.starts_with("TLS handshake failed"), "{reason}");
    assert!(reason.contains("--insecure"), "{reason}");

    let lax = dir.path().join("lax.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        lax.to_str().unwrap(),
        "--insecure",
        "--retries",
        "0",
        "--ignore-robots",
    ]);
    let err = stderr(&o);
    assert_eq!(err.matches("--insecure").count(), 1, "warned once: {err}");
    let r = &records(&lax)[0];
    assert_eq!(r.source.http_status, Some(200), "{:?}", r.reason);
    assert_eq!(
        r.status,
        Status::NotAReport,
        "s_server's status page is no report"
    );
}

/// A child process that ends with the test, even a failing one.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A URL nobody answers: an `error` record naming the cause, exit code 2.
#[test]
fn an_unreachable_url_is_an_error_record_naming_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    }; // closed again: connections are refused
    let url = format!("http://127.0.0.1:{port}/report.html");
    let list = write_list(dir.path(), std::slice::from_ref(&url));
    let out_file = dir.path().join("out.jsonl");
    let out = run(&[
        "crawl",
        &list,
        "-o",
        out_file.to_str().unwrap(),
        "--retries",
        "0",
        "--ignore-robots",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let records = records(&out_file);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].status, Status::Error);
    let reason = records[0].reason.as_deref().unwrap();
    assert!(reason.contains("cannot connect"), "{reason}");
}

/// The mistakes people make most, in words that say what to do: https:// to
/// a server that speaks plain HTTP, and -o into a folder that does not exist.
/// The slowest-hosts table measures the server, not the politeness wait.
#[test]
fn common_mistakes_are_named_in_plain_words() {
    // A plain-HTTP server answers a TLS hello as the bad request it is.
    let plain = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = plain.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in plain.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut hello = [0u8; 512];
            let _ = std::io::Read::read(&mut stream, &mut hello);
            let _ = stream.write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(
        dir.path(),
        &[format!("https://127.0.0.1:{port}/report.html")],
    );
    let out = dir.path().join("tls.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
        "--retries",
        "0",
        "--ignore-robots",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let reason = records(&out)[0].reason.clone().unwrap();
    assert!(
        reason.contains("did not answer TLS") && reason.contains("try http://"),
        "{reason}"
    );

    // A typo in the output's folder is refused, and nothing is created.
    let missing = dir.path().join("no-such-folder").join("out.jsonl");
    let o = run(&["crawl", &list, "-o", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("no-such-folder") && err.contains("does not exist"),
        "{err}"
    );
    assert!(!dir.path().join("no-such-folder").exists());

    // Three quick answers 300 ms apart: the server took next to nothing.
    let seed = sample("seed-shaodong-2023.txt");
    let server = Server::start(move |_, _| {
        (
            NO_DELAY,
            Reply::ok("text/plain; charset=utf-8", seed.clone()),
        )
    });
    let urls: Vec<String> = (0..3).map(|i| server.url(&format!("/r{i}.txt"))).collect();
    let list = write_list(dir.path(), &urls);
    let out = dir.path().join("slow.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
        "--delay",
        "300ms",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let host = format!("127.0.0.1:{}", server.addr.port());
    let line = err
        .lines()
        .find(|l| l.trim_start().starts_with(&host))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(line.ends_with("(3 fetches)"), "{line}");
    let seconds: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(seconds < 0.2, "the 300 ms wait is not the server's: {line}");
}

/// A cache entry as xxgk wrote it before bodies were compressed: a facts
/// line without `stored`, then the raw body.
fn uncompressed_entry(url: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let facts = serde_json::json!({
        "url": url,
        "final_url": url,
        "status": 200,
        "content_type": content_type,
        "fetched_at": "2025-06-01T00:00:00Z",
        "bytes": body.len(),
    });
    let mut entry = serde_json::to_vec(&facts).unwrap();
    entry.push(b'\n');
    entry.extend_from_slice(body);
    entry
}

/// A cache written before compression keeps working: its responses are
/// reused, not refetched; new ones are appended compressed; and `--offline`
/// reads both kinds back.
#[test]
fn an_uncompressed_cache_from_before_is_read_and_extended() {
    let pingtan = sample("09_pingtan-2024.html");
    let seed = sample("seed-shaodong-2023.txt");
    let served_seed = seed.clone();
    let server = Server::start(move |path, _| {
        let reply = match path {
            "/seed.txt" => Reply::ok("text/plain; charset=utf-8", served_seed.clone()),
            "/pingtan.html" => Reply::ok("text/html; charset=utf-8", "changed since"),
            _ => Reply::status(404, "text/html", ""),
        };
        (NO_DELAY, reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("old.cache");
    std::fs::create_dir(&cache).unwrap();
    let old_url = server.url("/pingtan.html");
    let old = uncompressed_entry(&old_url, "text/html; charset=utf-8", &pingtan);
    std::fs::write(cache.join("responses"), &old).unwrap();
    let list = write_list(dir.path(), &[old_url.clone(), server.url("/seed.txt")]);
    let crawl = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "crawl",
            &list,
            "-o",
            out.to_str().unwrap(),
            "--cache-dir",
            cache.to_str().unwrap(),
            "--delay",
            "0",
            "-q",
        ];
        args.extend_from_slice(extra);
        run(&args)
    };

    let first = dir.path().join("first.jsonl");
    let o = crawl(&first, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        server.hits("/pingtan.html"),
        0,
        "the cached response is reused"
    );
    assert_eq!(server.hits("/seed.txt"), 1);
    let grown = std::fs::metadata(cache.join("responses")).unwrap().len() - old.len() as u64;
    // Its facts line is some 250 bytes; the Chinese text halves.
    assert!(
        grown < seed.len() as u64 * 6 / 10,
        "the new entry is stored compressed ({grown} bytes for a {}-byte body)",
        seed.len()
    );

    let again = dir.path().join("again.jsonl");
    let o = crawl(&again, &["--offline"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let records = by_url(records(&again));
    assert_matches_truth(&records[&old_url], "09_pingtan-2024.truth.csv");
    assert_matches_truth(
        &records[&server.url("/seed.txt")],
        "seed-shaodong-2023.truth.csv",
    );
    assert_eq!(server.total_hits(), 2, "robots.txt and the seed, once each");
}

/// A cache entry stored in a way this xxgk does not know (a newer xxgk
/// wrote it) stops the crawl before anything is written, naming the way.
#[test]
fn a_cache_from_a_newer_xxgk_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("new.cache");
    std::fs::create_dir(&cache).unwrap();
    let entry = r#"{"url":"http://127.0.0.1:9/a.html","final_url":"http://127.0.0.1:9/a.html","status":200,"content_type":null,"fetched_at":"2030-01-01T00:00:00Z","bytes":3,"stored":"zstd","raw_bytes":10}"#;
    std::fs::write(cache.join("responses"), format!("{entry}\nabc")).unwrap();
    let list = write_list(dir.path(), &["http://127.0.0.1:9/a.html".to_string()]);
    let out = dir.path().join("out.jsonl");
    let o = run(&[
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
        "--cache-dir",
        cache.to_str().unwrap(),
        "--offline",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cannot open the cache folder") && err.contains("\"zstd\""),
        "{err}"
    );
    assert!(!out.exists() || std::fs::read(&out).unwrap().is_empty());
}

/// `--no-sections` leaves the prose out and changes nothing else.
#[test]
fn no_sections_leaves_the_prose_out_and_the_rest_alone() {
    let pingtan = sample("09_pingtan-2024.html");
    let server = Server::start(move |_, _| {
        (
            NO_DELAY,
            Reply::ok("text/html; charset=utf-8", pingtan.clone()),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), &[server.url("/report.html")]);
    let crawl = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec![
            "crawl",
            &list,
            "-o",
            out.to_str().unwrap(),
            "--delay",
            "0",
            "-q",
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        records(&out).remove(0)
    };
    let full = crawl("full.jsonl", &[]);
    let lean = crawl("lean.jsonl", &["--no-sections"]);
    assert!(full.sections.overview.is_some() && full.sections.problems.is_some());
    assert_eq!(lean.sections, xxgk::model::Sections::default());
    let without = |r: &Report| {
        let mut v = serde_json::to_value(r).unwrap();
        v.as_object_mut().unwrap().remove("sections");
        v["source"].as_object_mut().unwrap().remove("fetched_at");
        v
    };
    assert_eq!(without(&full), without(&lean));
}

/// URLs may be given as arguments, beside or instead of list files; a URL
/// named twice (as an argument and in a file) is fetched once.
#[test]
fn urls_given_as_arguments_are_crawled_with_the_lists() {
    let seed = sample("seed-shaodong-2023.txt");
    let pingtan = sample("09_pingtan-2024.html");
    let server = Server::start(move |path, _| {
        let reply = match path {
            "/a.txt" => Reply::ok("text/plain; charset=utf-8", seed.clone()),
            "/b.html" => Reply::ok("text/html; charset=utf-8", pingtan.clone()),
            _ => Reply::status(404, "text/plain", "not found"),
        };
        (NO_DELAY, reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (server.url("/a.txt"), server.url("/b.html"));
    let list = write_list(dir.path(), std::slice::from_ref(&b));
    let out_file = dir.path().join("out.jsonl");
    let out = run(&[
        "crawl",
        &a,
        &list,
        &b,
        "-o",
        out_file.to_str().unwrap(),
        "--ignore-robots",
        "--delay",
        "0",
        "--quiet",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = by_url(records(&out_file));
    assert_eq!(records.len(), 2, "{:?}", records.keys());
    assert_matches_truth(&records[&a], "seed-shaodong-2023.truth.csv");
    assert_matches_truth(&records[&b], "09_pingtan-2024.truth.csv");
    assert_eq!(server.hits("/b.html"), 1);
}

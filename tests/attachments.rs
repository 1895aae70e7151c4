//! Reports published as files, crawled: an article page whose report is an
//! attached PDF or DOCX, the file's own URL, several candidate files, a
//! missing one, and resuming from the cache. A real HTTP server on
//! 127.0.0.1 logs every request, so the tests assert what was fetched as
//! well as what was recorded.

#[path = "support/cells.rs"]
mod cells;
#[path = "support/http_server.rs"]
mod http_server;
#[path = "support/xxgk.rs"]
mod xxgk_bin;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use cells::{cells, read_cells};
use http_server::{Reply, Server};
use sha2::{Digest, Sha256};
use xxgk::model::LinkKind;
use xxgk::{Report, Status};
use xxgk_bin::{by_url, records, run, sample, stderr, write_list};

const HTML: &str = "text/html; charset=utf-8";
const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// An article page of a TRS site whose body is only the report's title, a
/// line of text and its attachments: `(href, label)` in page order.
fn article(title: &str, files: &[(&str, &str)]) -> Vec<u8> {
    let links: String = files
        .iter()
        .map(|(href, label)| {
            format!("<p>附件：<a href=\"{href}\" target=\"_blank\">{label}</a></p>\n")
        })
        .collect();
    format!(
        "<html><head><meta charset=\"utf-8\"><title>{title}_某区人民政府</title></head>\n\
         <body><div class=\"nav\"><a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a></div>\n\
         <h1 class=\"title\">{title}</h1>\n<div class=\"info\">发布日期：2025-01-20 来源：某区人民政府办公室</div>\n\
         <div class=\"TRS_Editor\"><p>现将{title}予以公布，详见附件。</p>\n{links}</div></body></html>"
    )
    .into_bytes()
}

/// A site: path → (content type, body); anything else is a 404.
fn serve(pages: Vec<(&str, &str, Vec<u8>)>) -> Server {
    let pages: HashMap<String, (String, Vec<u8>)> = pages
        .into_iter()
        .map(|(path, kind, body)| (path.to_string(), (kind.to_string(), body)))
        .collect();
    Server::start(move |path, _| {
        let reply = match pages.get(path) {
            Some((kind, body)) => Reply::ok(kind, body.clone()),
            None => Reply::status(404, HTML, "<h1>404 Not Found</h1>"),
        };
        (Duration::ZERO, reply)
    })
}

/// Crawls `paths` of `server` into `dir/out.jsonl`, with `extra` arguments.
fn crawl(server: &Server, dir: &Path, paths: &[&str], extra: &[&str]) -> (Output, Vec<Report>) {
    let urls: Vec<String> = paths.iter().map(|p| server.url(p)).collect();
    let list = write_list(dir, &urls);
    let out = dir.join("out.jsonl");
    let mut args = vec![
        "crawl",
        list.as_str(),
        "-o",
        out.to_str().unwrap(),
        "--delay",
        "0",
        "--retries",
        "0",
        "-q",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    let got = records(&out);
    (o, got)
}

/// What the server was asked for, robots.txt aside.
fn requested(server: &Server) -> BTreeSet<String> {
    server
        .paths()
        .into_iter()
        .filter(|p| p != "/robots.txt")
        .collect()
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every cell of `report` against a `table,row,column,value` file of
/// `samples/attach/`.
fn assert_cells(report: &Report, expected: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/attach")
        .join(expected);
    let want = read_cells(path.to_str().unwrap());
    assert!(want.len() > 150, "{expected}: {} cells", want.len());
    assert_eq!(cells(report), want, "{expected}");
}

const HONGZE_2024: &str = "attach/hongze-2024.pdf";
const DOCX_2023: &str = "attach/docx-complete-2023.docx";

#[test]
fn an_article_whose_report_is_a_pdf_is_read_from_the_pdf() {
    let pdf = sample(HONGZE_2024);
    let page = article(
        "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
        &[(
            "./P020250120385104312345.pdf",
            "淮安市洪泽区人民政府2024年政府信息公开工作年度报告.pdf",
        )],
    );
    let server = serve(vec![
        ("/art/2025/1/20/art_7.html", HTML, page.clone()),
        (
            "/art/2025/1/20/P020250120385104312345.pdf",
            PDF,
            pdf.clone(),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/2025/1/20/art_7.html"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(got.len(), 1, "one record: the page's");
    let r = &got[0];

    // The record is the page's, read from the file.
    let file = server.url("/art/2025/1/20/P020250120385104312345.pdf");
    assert_eq!(
        r.source.url.as_deref(),
        Some(server.url("/art/2025/1/20/art_7.html").as_str())
    );
    assert_eq!(r.source.http_status, Some(200));
    assert_eq!(r.source.content_type.as_deref(), Some(HTML));
    assert_eq!(r.source.sha256.as_deref(), Some(sha256(&page).as_str()));
    assert_eq!(r.source.bytes, Some(page.len() as u64));
    assert_eq!(r.source.format.as_deref(), Some("pdf"));
    assert_eq!(r.source.attachment_url.as_deref(), Some(file.as_str()));
    let attachment = r.source.attachment.as_ref().unwrap();
    assert_eq!(attachment.sha256.as_deref(), Some(sha256(&pdf).as_str()));
    assert_eq!(attachment.bytes, Some(pdf.len() as u64));
    assert_eq!(attachment.content_type.as_deref(), Some(PDF));

    assert!(
        matches!(r.status, Status::Complete | Status::Partial),
        "{:?}",
        r.reason
    );
    assert_eq!(r.meta.year, Some(2024));
    assert_eq!(r.meta.agency.as_deref(), Some("淮安市洪泽区人民政府"));
    assert_cells(r, "hongze-2024.truth.csv");
    assert!(r.links.is_empty(), "a report's record lists no links");
    assert_eq!(server.hits("/art/2025/1/20/P020250120385104312345.pdf"), 1);

    // The JSON a user reads names the file as SPEC §7 says.
    let line = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    let json: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(json["source"]["attachment_url"], file.as_str());
    assert_eq!(json["source"]["attachment"]["content_type"], PDF);

    // The wide CSV names it too.
    let out = dir.path().join("out.jsonl");
    let o = run(&["export", out.to_str().unwrap(), "--format", "csv"]);
    let mut csv = csv::Reader::from_reader(o.stdout.as_slice());
    let header = csv.headers().unwrap().clone();
    let row = csv.records().next().unwrap().unwrap();
    let column = header
        .iter()
        .position(|h| h == "source.attachment_url")
        .unwrap();
    assert_eq!(&row[column], file.as_str());
}

#[test]
fn an_article_whose_report_is_a_docx_behind_a_download_script_is_read() {
    // A download script's address names no file; its label does, and the
    // server sends the file as octet-stream.
    let download = "/module/download/downfile.jsp?classid=0&filename=2401301530.docx";
    let page = article(
        "示例县人民政府2023年政府信息公开工作年度报告",
        &[(
            download,
            "示例县人民政府2023年政府信息公开工作年度报告.docx",
        )],
    );
    let server = serve(vec![
        ("/xxgk/2024/01/30/art_9.html", HTML, page),
        (download, "application/octet-stream", sample(DOCX_2023)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/xxgk/2024/01/30/art_9.html"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = &got[0];
    assert_eq!(r.status, Status::Complete, "{:?}", r.reason);
    assert_eq!(r.source.format.as_deref(), Some("docx"));
    assert_eq!(
        r.source.attachment_url.as_deref(),
        Some(server.url(download).as_str())
    );
    assert_eq!(
        r.source
            .attachment
            .as_ref()
            .unwrap()
            .content_type
            .as_deref(),
        Some("application/octet-stream")
    );
    assert_cells(r, "docx-complete-2023.expected.csv");
    assert!(r.checks.iter().all(|c| c.ok == Some(true)));
}

#[test]
fn a_url_that_is_a_pdf_or_a_docx_is_read_directly() {
    let server = serve(vec![
        ("/files/2024nb.pdf", PDF, sample(HONGZE_2024)),
        // Servers often call any file octet-stream.
        (
            "/files/2023nb",
            "application/octet-stream",
            sample(DOCX_2023),
        ),
        ("/files/2023nb.docx", DOCX, sample(DOCX_2023)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let paths = ["/files/2024nb.pdf", "/files/2023nb", "/files/2023nb.docx"];
    let (o, got) = crawl(&server, dir.path(), &paths, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = by_url(got);
    let pdf = &got[&server.url("/files/2024nb.pdf")];
    assert_eq!(pdf.source.format.as_deref(), Some("pdf"));
    assert_eq!(pdf.source.content_type.as_deref(), Some(PDF));
    assert_eq!(
        pdf.source.attachment_url, None,
        "the URL is the file itself"
    );
    assert_cells(pdf, "hongze-2024.truth.csv");
    for path in ["/files/2023nb", "/files/2023nb.docx"] {
        let docx = &got[&server.url(path)];
        assert_eq!(docx.status, Status::Complete, "{path}: {:?}", docx.reason);
        assert_eq!(docx.source.format.as_deref(), Some("docx"), "{path}");
        assert_cells(docx, "docx-complete-2023.expected.csv");
    }
    assert_eq!(server.total_hits() - server.hits("/robots.txt"), 3);
}

#[test]
fn only_the_file_named_as_the_report_is_fetched() {
    let page = article(
        "某区2023年政府信息公开工作年度报告",
        &[
            ("/files/tongzhi.pdf", "关于做好2024年政务公开工作的通知.pdf"),
            ("/files/tongji.xls", "2023年政府信息公开统计表.xls"),
            (
                "/files/jiedu.docx",
                "一图读懂某区2023年政府信息公开工作年度报告.docx",
            ),
            (
                "/files/P020240130.pdf",
                "某区2023年政府信息公开工作年度报告.pdf",
            ),
        ],
    );
    let server = serve(vec![
        ("/art/2024/1/30/art_1.html", HTML, page),
        (
            "/files/tongzhi.pdf",
            PDF,
            sample("attach/lo-complete-2023.pdf"),
        ),
        ("/files/jiedu.docx", DOCX, sample(DOCX_2023)),
        ("/files/P020240130.pdf", PDF, sample(HONGZE_2024)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/2024/1/30/art_1.html"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        requested(&server),
        set(&["/art/2024/1/30/art_1.html", "/files/P020240130.pdf"]),
        "the notice's file, the spreadsheet and the explainer are never fetched"
    );
    let r = &got[0];
    assert_eq!(
        r.source.attachment_url.as_deref(),
        Some(server.url("/files/P020240130.pdf").as_str())
    );
    assert_cells(r, "hongze-2024.truth.csv");
    assert!(r.warnings.iter().all(|w| w.code != "attachment_candidates"));

    // `xxgk discover` fetches no report, an attached one neither.
    let before = server.hits("/files/P020240130.pdf");
    let o = run(&[
        "discover",
        &server.url("/art/2024/1/30/art_1.html"),
        "-o",
        dir.path().join("found.tsv").to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.code().is_some(), "{}", stderr(&o));
    assert_eq!(server.hits("/files/P020240130.pdf"), before);

    // `xxgk extract` of the saved page names the file and the other files.
    let saved = dir.path().join("article.html");
    std::fs::write(
        &saved,
        article(
            "某区2023年政府信息公开工作年度报告",
            &[
                ("/files/tongzhi.pdf", "关于做好2024年政务公开工作的通知.pdf"),
                (
                    "/files/P020240130.pdf",
                    "某区2023年政府信息公开工作年度报告.pdf",
                ),
            ],
        ),
    )
    .unwrap();
    let o = run(&["extract", saved.to_str().unwrap()]);
    let r: Report = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r.status, Status::NotAReport);
    assert_eq!(
        r.reason.as_deref(),
        Some(
            "the report is the attached file /files/P020240130.pdf; crawl the page's URL or extract the file"
        )
    );
    let kinds: Vec<_> = r.links.iter().map(|l| (l.href.as_str(), l.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("/files/tongzhi.pdf", Some(LinkKind::File)),
            ("/files/P020240130.pdf", Some(LinkKind::Attachment)),
        ]
    );
}

#[test]
fn a_report_article_attaching_one_unnamed_file_is_read_from_it() {
    // The page's own title is the report's; its one file is called 附件1.
    let page = article(
        "示例县人民政府2023年政府信息公开工作年度报告",
        &[("/u/f/a1.pdf", "附件1")],
    );
    let server = serve(vec![
        ("/art/1.html", HTML, page),
        ("/u/f/a1.pdf", PDF, sample("attach/lo-complete-2023.pdf")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/1.html"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(got[0].status, Status::Complete, "{:?}", got[0].reason);
    assert_cells(&got[0], "docx-complete-2023.expected.csv");

    // A news item attaching an unnamed file is no report's article: nothing is fetched.
    let news = article(
        "某区召开2024年政务公开工作会议",
        &[("/u/f/a2.pdf", "附件1")],
    );
    let server = serve(vec![("/art/2.html", HTML, news)]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/2.html"], &[]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}{:?}",
        stderr(&o),
        got[0].reason
    );
    assert_eq!(got[0].status, Status::NotAReport);
    assert!(
        got[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("none of the 1 file(s)"),
        "{:?}",
        got[0].reason
    );
    assert_eq!(requested(&server), set(&["/art/2.html"]));
}

#[test]
fn a_missing_attachment_is_an_error_naming_the_file_and_the_status() {
    let page = article(
        "某区2023年政府信息公开工作年度报告",
        &[("/files/gone.pdf", "某区2023年政府信息公开工作年度报告.pdf")],
    );
    let server = serve(vec![("/art/3.html", HTML, page)]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/3.html"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let r = &got[0];
    assert_eq!(r.status, Status::Error);
    assert_eq!(
        r.reason.as_deref(),
        Some(
            format!(
                "the report is the attached file {}: HTTP 404 Not Found",
                server.url("/files/gone.pdf")
            )
            .as_str()
        )
    );
    // The page's facts stay; no file was read.
    assert_eq!(r.source.http_status, Some(200));
    assert_eq!(r.source.attachment_url, None);
    assert_eq!(r.links.len(), 1);
    assert_eq!(server.hits("/files/gone.pdf"), 1, "a 404 is not retried");

    // --retry-failed asks for the file again, not for the cached page.
    let (_, got) = crawl(&server, dir.path(), &["/art/3.html"], &["--retry-failed"]);
    assert_eq!(server.hits("/art/3.html"), 1);
    assert_eq!(server.hits("/files/gone.pdf"), 2);
    assert_eq!(got.len(), 1);
}

#[test]
fn of_several_candidates_the_best_is_kept_and_the_others_named() {
    let page = article(
        "示例县人民政府2023年政府信息公开工作年度报告",
        &[
            (
                "/f/scan.pdf",
                "2023年政府信息公开工作年度报告（扫描件）.pdf",
            ),
            ("/f/gone.pdf", "2023年政府信息公开工作年度报告.pdf"),
            ("/f/hongze.pdf", "2023年政府信息公开工作年报.pdf"),
            ("/f/full.docx", "2023年政府信息公开工作年度报告.docx"),
            ("/f/copy.pdf", "2023年政府信息公开工作年度报告（副本）.pdf"),
        ],
    );
    let server = serve(vec![
        ("/art/4.html", HTML, page),
        (
            "/f/scan.pdf",
            PDF,
            sample("attach/scanned-hongze-2023-p3.pdf"),
        ),
        ("/f/hongze.pdf", PDF, sample(HONGZE_2024)),
        ("/f/full.docx", DOCX, sample(DOCX_2023)),
        ("/f/copy.pdf", PDF, sample("attach/lo-complete-2023.pdf")),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/4.html"], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{:?}",
        stderr(&o),
        got[0].reason
    );
    let r = &got[0];
    // Fetched in link order until one reads complete: the DOCX.
    assert_eq!(r.status, Status::Complete);
    assert_eq!(
        r.source.attachment_url.as_deref(),
        Some(server.url("/f/full.docx").as_str())
    );
    assert_eq!(r.source.format.as_deref(), Some("docx"));
    assert_cells(r, "docx-complete-2023.expected.csv");
    for (path, hits) in [
        ("/f/scan.pdf", 1),
        ("/f/gone.pdf", 1),
        ("/f/hongze.pdf", 1),
        ("/f/full.docx", 1),
        ("/f/copy.pdf", 0),
    ] {
        assert_eq!(server.hits(path), hits, "{path}");
    }
    let note = r
        .warnings
        .iter()
        .find(|w| w.code == "attachment_candidates")
        .expect("a warning names the other candidates");
    for (path, words) in [
        ("/f/scan.pdf", "a scanned PDF"),
        ("/f/gone.pdf", "HTTP 404 Not Found"),
        ("/f/hongze.pdf", "partial"),
    ] {
        assert!(
            note.message
                .contains(&format!("{} ({words}", server.url(path))),
            "{path}: {}",
            note.message
        );
    }
    assert!(
        note.message
            .contains(&format!("not fetched: {}", server.url("/f/copy.pdf"))),
        "{}",
        note.message
    );

    // None complete: the best read (partial beats a scan) is kept, whatever its place.
    let page = article(
        "某区2024年政府信息公开工作年度报告",
        &[
            ("/g/scan.pdf", "2024年政府信息公开工作年度报告.pdf"),
            ("/g/hongze.pdf", "2024年政府信息公开工作年度报告.pdf"),
            ("/g/scan2.pdf", "2024年政府信息公开工作年度报告.pdf"),
        ],
    );
    let server = serve(vec![
        ("/art/5.html", HTML, page),
        (
            "/g/scan.pdf",
            PDF,
            sample("attach/scanned-hongze-2023-p3.pdf"),
        ),
        ("/g/hongze.pdf", PDF, sample(HONGZE_2024)),
        (
            "/g/scan2.pdf",
            PDF,
            sample("attach/scanned-hongze-2023-p3.pdf"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (_, got) = crawl(&server, dir.path(), &["/art/5.html"], &[]);
    let r = &got[0];
    assert_eq!(
        r.source.attachment_url.as_deref(),
        Some(server.url("/g/hongze.pdf").as_str())
    );
    assert_cells(r, "hongze-2024.truth.csv");
    assert_eq!(
        server.hits("/g/scan2.pdf"),
        1,
        "a partial read does not stop the search"
    );

    // Only unreadable files: the record says what the first of them is.
    let page = article(
        "某区2024年政府信息公开工作年度报告",
        &[("/h/scan.pdf", "2024年政府信息公开工作年度报告.pdf")],
    );
    let server = serve(vec![
        ("/art/6.html", HTML, page),
        (
            "/h/scan.pdf",
            PDF,
            sample("attach/scanned-hongze-2023-p3.pdf"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/6.html"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = &got[0];
    assert_eq!(r.status, Status::NotAReport);
    let reason = r.reason.as_deref().unwrap();
    assert!(
        reason.starts_with(&format!(
            "the report is the attached file {}: a scanned PDF",
            server.url("/h/scan.pdf")
        )),
        "{reason}"
    );
    assert_eq!(
        r.source.attachment_url.as_deref(),
        Some(server.url("/h/scan.pdf").as_str())
    );
}

#[test]
fn a_page_with_the_tables_in_its_html_fetches_nothing_more() {
    let html = String::from_utf8(sample("09_pingtan-2024.html")).unwrap();
    let link = "<p>附件：<a href=\"/files/2024nb.pdf\">平潭综合实验区2024年政府信息公开工作年度报告.pdf</a></p>";
    let page = format!("{html}{link}");
    let server = serve(vec![
        ("/f/t20250310_97791.htm", HTML, page.into_bytes()),
        ("/files/2024nb.pdf", PDF, sample(HONGZE_2024)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/f/t20250310_97791.htm"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = &got[0];
    assert_eq!(r.status, Status::Complete);
    assert_eq!(r.source.format.as_deref(), Some("html"));
    assert_eq!(r.source.attachment_url, None);
    assert_eq!(server.hits("/files/2024nb.pdf"), 0);
}

#[test]
fn a_rerun_reads_page_and_attachment_from_the_cache() {
    let page = article(
        "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
        &[("/files/nb.pdf", "洪泽区2024年政府信息公开工作年度报告.pdf")],
    );
    let server = serve(vec![
        ("/art/8.html", HTML, page),
        ("/files/nb.pdf", PDF, sample(HONGZE_2024)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (_, first) = crawl(&server, dir.path(), &["/art/8.html"], &[]);
    assert_eq!(server.hits("/files/nb.pdf"), 1);
    let hits = server.total_hits();

    // The records are lost, the cache kept (as after a kill between caching
    // the responses and writing the record): nothing is fetched again.
    std::fs::remove_file(dir.path().join("out.jsonl")).unwrap();
    let (o, again) = crawl(&server, dir.path(), &["/art/8.html"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(server.total_hits(), hits, "the cache serves page and file");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].source.attachment, first[0].source.attachment);
    assert_eq!(
        again[0].source.attachment_url,
        first[0].source.attachment_url
    );
    assert_cells(&again[0], "hongze-2024.truth.csv");

    // --offline re-extracts from the cache alone, the file included.
    std::fs::remove_file(dir.path().join("out.jsonl")).unwrap();
    let (o, offline) = crawl(&server, dir.path(), &["/art/8.html"], &["--offline"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(server.total_hits(), hits);
    assert_cells(&offline[0], "hongze-2024.truth.csv");
}

#[test]
fn a_file_on_another_site_is_named_not_fetched() {
    let other = serve(vec![("/nb.pdf", PDF, sample(HONGZE_2024))]);
    let page = article(
        "某区2024年政府信息公开工作年度报告",
        &[(
            &other.url("/nb.pdf"),
            "某区2024年政府信息公开工作年度报告.pdf",
        )],
    );
    let server = serve(vec![("/art/9.html", HTML, page)]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/9.html"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(got[0].status, Status::NotAReport);
    assert_eq!(
        got[0].reason.as_deref(),
        Some(
            format!(
                "the report is the attached file {}, on another site, which a crawl does not \
                 follow from a page; list its URL to crawl it",
                other.url("/nb.pdf")
            )
            .as_str()
        )
    );
    assert_eq!(other.total_hits(), 0);
}

#[test]
fn a_report_shown_in_a_pdf_viewer_is_read_from_its_file() {
    let page = "<html><head><meta charset=\"utf-8\"><title>示例县人民政府2023年政府信息公开工作年度报告</title></head>\
        <body><h1>示例县人民政府2023年政府信息公开工作年度报告</h1>\
        <iframe src=\"/static/pdfjs/web/viewer.html?file=%2Fupload%2F2024%2F0130%2Fnb.pdf\" width=\"100%\" height=\"800\"></iframe>\
        </body></html>";
    let server = serve(vec![
        ("/art/10.html", HTML, page.as_bytes().to_vec()),
        (
            "/upload/2024/0130/nb.pdf",
            PDF,
            sample("attach/lo-complete-2023.pdf"),
        ),
        (
            "/static/pdfjs/web/viewer.html",
            HTML,
            b"<html><body><div id=viewer></div></body></html>".to_vec(),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/10.html"], &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{:?}",
        stderr(&o),
        got[0].reason
    );
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].source.attachment_url.as_deref(),
        Some(server.url("/upload/2024/0130/nb.pdf").as_str())
    );
    assert_cells(&got[0], "docx-complete-2023.expected.csv");
    assert_eq!(
        requested(&server),
        set(&["/art/10.html", "/upload/2024/0130/nb.pdf"])
    );
}

#[test]
fn kill_9_mid_crawl_then_rerun_refetches_no_recorded_file() {
    const ARTICLES: usize = 60;
    let pdf = sample("attach/lo-complete-2023.pdf");
    let server = Server::start(move |path, _| {
        let reply = if let Some(n) = path
            .strip_prefix("/art/")
            .and_then(|p| p.strip_suffix(".html"))
        {
            Reply::ok(
                HTML,
                article(
                    "示例县人民政府2023年政府信息公开工作年度报告",
                    &[(
                        &format!("/f/{n}.pdf"),
                        "示例县人民政府2023年政府信息公开工作年度报告.pdf",
                    )],
                ),
            )
        } else if path.starts_with("/f/") {
            Reply::ok(PDF, pdf.clone())
        } else {
            Reply::status(404, HTML, "")
        };
        (Duration::from_millis(30), reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (0..ARTICLES)
        .map(|i| server.url(&format!("/art/{i}.html")))
        .collect();
    let list = write_list(dir.path(), &urls);
    let out = dir.path().join("out.jsonl");
    let args = [
        "crawl",
        &list,
        "-o",
        out.to_str().unwrap(),
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
    let mut child = xxgk_bin::xxgk()
        .args(args)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let lines = std::fs::read(&out).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        if lines >= 10 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the crawl never got going"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before = by_url(records(&out));
    assert!(
        before.len() < ARTICLES,
        "killed mid-run ({} records)",
        before.len()
    );
    let file_of = |url: &str| url.replace("/art/", "/f/").replace(".html", ".pdf");
    let path_of = |url: &str| url[server.url("").len()..].to_string();
    let hits_before: Vec<(String, usize)> = before
        .keys()
        .map(|u| {
            let file = path_of(&file_of(u));
            let hits = server.hits(&file);
            (file, hits)
        })
        .collect();

    let o = xxgk_bin::xxgk().args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = by_url(records(&out));
    assert_eq!(after.len(), ARTICLES, "one record per URL");
    for url in &urls {
        let r = &after[url];
        assert_eq!(r.status, Status::Complete, "{url}: {:?}", r.reason);
        assert_eq!(
            r.source.attachment_url.as_deref(),
            Some(file_of(url).as_str())
        );
    }
    for (file, hits) in hits_before {
        assert_eq!(
            server.hits(&file),
            hits,
            "{file}: recorded before the kill, not fetched again"
        );
    }
    for i in 0..ARTICLES {
        assert!(server.hits(&format!("/f/{i}.pdf")) <= 2, "/f/{i}.pdf");
    }
}

#[test]
fn a_page_linking_endless_report_files_costs_five_requests() {
    let files: Vec<(String, &str)> = (0..50)
        .map(|i| {
            (
                format!("/f/{i}.pdf"),
                "某区2023年政府信息公开工作年度报告.pdf",
            )
        })
        .collect();
    let links: Vec<(&str, &str)> = files.iter().map(|(h, l)| (h.as_str(), *l)).collect();
    let page = article("某区2023年政府信息公开工作年度报告", &links);
    let server = serve(vec![("/art/11.html", HTML, page)]);
    let dir = tempfile::tempdir().unwrap();
    let (o, got) = crawl(&server, dir.path(), &["/art/11.html"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(requested(&server).len(), 1 + 5, "the page and five files");
    let reason = got[0].reason.as_deref().unwrap();
    assert!(
        reason.starts_with("the report is the attached file, one of 5, and none could be had:"),
        "{reason}"
    );
    assert!(reason.ends_with("/f/9.pdf and 40 more)"), "{reason}");
    assert!(reason.len() < 2_000, "{reason}");
}

//! From column pages to every report: `xxgk crawl` and `xxgk discover` on a
//! 127.0.0.1 server that serves a column of each CMS family the samples of
//! `samples/lists/` are shaped after (TRS static pages and 动静结合, a JSP
//! list with ?page=N, Hanweb jpage data, 新点, 政务公开平台 JSON), each with
//! noise links of every kind. The server logs every request: the tests
//! check that each report is fetched once and that nothing else is.

#[path = "support/http_server.rs"]
mod http_server;
#[path = "support/xxgk.rs"]
mod xxgk_bin;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use http_server::{Reply, Server};
use xxgk::{Report, Status};
use xxgk_bin::{by_url, records, run, sample, stderr, write_list, xxgk};

/// What the site serves: path → (content type, body).
type Pages = HashMap<String, (&'static str, Vec<u8>)>;

const HTML: &str = "text/html; charset=utf-8";

/// Every report of the site's columns: path, year, and the path of the list
/// page it is first found on.
const REPORTS: &[(&str, i32, &str)] = &[
    // TRS static pages (createPageHTML).
    ("/a/zfxxgknb/202403/t20240308_1001.html", 2023, TRS),
    ("/a/zfxxgknb/202302/t20230220_1002.html", 2022, TRS),
    ("/a/zfxxgknb/202202/t20220208_1005.html", 2021, TRS_1),
    ("/a/zfxxgknb/202103/t20210305_1006.html", 2020, TRS_1),
    ("/a/zfxxgknb/202001/t20200120_1008.html", 2019, TRS_2),
    // JSP list, ?page=N links.
    (
        "/web/frontOpenContentsDetail.action?theID=101",
        2023,
        JSP_ROOT,
    ),
    ("/web/frontOpenContentsDetail.action?theID=103", 2022, JSP_2),
    ("/web/frontOpenContentsDetail.action?theID=104", 2021, JSP_2),
    ("/web/frontOpenContentsDetail.action?theID=105", 2020, JSP_3),
    ("/web/frontOpenContentsDetail.action?theID=106", 2019, JSP_3),
    // Hanweb jpage: records inline, then from the data URL.
    ("/art/2024/1/30/art_1234_80001.html", 2023, JPAGE),
    ("/art/2023/1/29/art_1234_70011.html", 2022, JPAGE),
    ("/art/2022/1/25/art_1234_60021.html", 2021, JPAGE_2),
    ("/art/2021/1/28/art_1234_50031.html", 2020, JPAGE_2),
    ("/art/2020/1/20/art_1234_40001.html", 2019, JPAGE_3),
    // 新点 static pages.
    ("/xxgk/003001/20240126/7f3c9a.html", 2023, EPOINT),
    ("/xxgk/003001/20230128/8a1d2e.html", 2022, EPOINT_2),
    // 政务公开平台 JSON.
    ("/e/gkmlpt/content/1/1001/post_1001.html", 2023, GKMLPT_1),
    ("/e/gkmlpt/content/1/1003/post_1003.html", 2022, GKMLPT_2),
    // The real TRS 动静结合 column of 平潭 (its 10 static entries).
    ("/f/zfxxgknb/202603/t20260313_105587.htm", 2025, PINGTAN),
    ("/f/zfxxgknb/202503/t20250310_97791.htm", 2024, PINGTAN),
    ("/f/zfxxgknb/202403/t20240308_87885.htm", 2023, PINGTAN),
    ("/f/zfxxgknb/202302/t20230220_80629.htm", 2022, PINGTAN),
    ("/f/zfxxgknb/202202/t20220208_80613.htm", 2021, PINGTAN),
    ("/f/zfxxgknb/202103/t20210305_80595.htm", 2020, PINGTAN),
    ("/f/zfxxgknb/202001/t20200120_80576.htm", 2019, PINGTAN),
    ("/f/zfxxgknb/201901/t20190110_80529.htm", 2018, PINGTAN),
    ("/f/zfxxgknb/201801/t20180123_80506.htm", 2017, PINGTAN),
    ("/f/zfxxgknb/201701/t20170118_80485.htm", 2016, PINGTAN),
];

const TRS: &str = "/a/zfxxgknb/";
const TRS_1: &str = "/a/zfxxgknb/index_1.html";
const TRS_2: &str = "/a/zfxxgknb/index_2.html";
const JSP_2: &str = "/web/frontOpenContentsRight.action?theID=25&page=2";
const JSP_3: &str = "/web/frontOpenContentsRight.action?theID=25&page=3";
const JPAGE: &str = "/col/col1234/index.html";
const EPOINT: &str = "/xxgk/003001/moreinfo.html";
const EPOINT_2: &str = "/xxgk/003001/2.html";
const PINGTAN: &str = "/f/zfxxgknb/";

/// The TRS column's oldest report, published only as a file.
const REPORT_FILE: (&str, i32, &str) = ("/a/zfxxgknb/201901/P020190110_2018nb.pdf", 2018, TRS_2);

const JSP_ROOT: &str = "/web/frontOpenContentsRight.action?theID=25";
const JPAGE_QUERY: &str = "appid=1&webid=16&path=/&columnid=1234&unitid=5678&webname=%E6%9F%90%E5%B8%82%E5%8F%91%E6%94%B9%E5%A7%94&permissiontype=0";
const JPAGE_2: &str = "/module/web/jpage/dataproxy.jsp?page=2&appid=1&webid=16&path=/&columnid=1234&unitid=5678&webname=%E6%9F%90%E5%B8%82%E5%8F%91%E6%94%B9%E5%A7%94&permissiontype=0";
const JPAGE_3: &str = "/module/web/jpage/dataproxy.jsp?page=3&appid=1&webid=16&path=/&columnid=1234&unitid=5678&webname=%E6%9F%90%E5%B8%82%E5%8F%91%E6%94%B9%E5%A7%94&permissiontype=0";
const GKMLPT_1: &str = "/e/gkmlpt/api/all/3301?page=1&sid=755001";
const GKMLPT_2: &str = "/e/gkmlpt/api/all/3301?page=2&sid=755001";

/// The column pages a user gives: one of each kind.
const COLUMNS: &[&str] = &[TRS, JSP_ROOT, JPAGE, EPOINT, GKMLPT_1, PINGTAN];

/// Every list page the columns have (the JSP list's first page is asked
/// for again as `&page=1`, a page of its own to the crawler).
fn list_pages() -> Vec<String> {
    let jpage_1 = format!("/module/web/jpage/dataproxy.jsp?page=1&{JPAGE_QUERY}");
    let mut pages: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    pages.extend(
        [
            TRS_1,
            TRS_2,
            "/web/frontOpenContentsRight.action?theID=25&page=1",
            JSP_2,
            JSP_3,
            JPAGE_2,
            JPAGE_3,
            EPOINT_2,
            GKMLPT_2,
        ]
        .map(str::to_string),
    );
    pages.push(jpage_1);
    pages
}

fn list_sample(name: &str) -> String {
    String::from_utf8(sample(&format!("lists/{name}"))).unwrap()
}

/// A JSP list page with its rows (title, detail id, date).
fn jsp_page(page: u32, rows: &[(&str, u32, &str)]) -> Vec<u8> {
    let rows: String = rows
        .iter()
        .map(|(title, id, date)| {
            format!(
                "    <tr><td class=\"tdl\"><a href=\"/web/frontOpenContentsDetail.action?theID={id}\">{title}</a></td><td>某府〔{id}〕号</td><td>{date}</td></tr>\n"
            )
        })
        .collect();
    list_sample("jsp-page.html")
        .replace("{{PAGE}}", &page.to_string())
        .replace("{{ROWS}}", &rows)
        .into_bytes()
}

/// A 新点 list page with its rows (title, path, date).
fn epoint_page(page: u32, next: &str, rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let rows: String = rows
        .iter()
        .map(|(title, href, date)| {
            format!(
                "    <li><div class=\"wb-data-infor l\"><a href=\"{href}\" title=\"{title}\" target=\"_blank\">{title}</a></div><span class=\"wb-data-date\">{date}</span></li>\n"
            )
        })
        .collect();
    list_sample("epoint-moreinfo.html")
        .replace("{{PAGE}}", &page.to_string())
        .replace("{{NEXT}}", next)
        .replace("{{ROWS}}", &rows)
        .into_bytes()
}

/// A page of the gkmlpt JSON list (id, title, Unix time), with absolute URLs.
fn gkmlpt_page(base: &str, page: u32, articles: &[(u32, &str, u64)]) -> Vec<u8> {
    let articles: Vec<String> = articles
        .iter()
        .map(|(id, title, time)| {
            format!(
                r#"{{"id": {id}, "title": "{title}", "url": "{base}/e/gkmlpt/content/1/{id}/post_{id}.html", "publisher": "某区人民政府", "display_publish_time": {time}}}"#
            )
        })
        .collect();
    list_sample("gkmlpt-api.json")
        .replace("{{PAGE}}", &page.to_string())
        .replace("{{ARTICLES}}", &format!("[{}]", articles.join(", ")))
        .into_bytes()
}

/// The site of `REPORTS`: `base` is its own address (for absolute links),
/// `offsite` another server's, which must never be asked for anything.
fn pages(base: &str, offsite: &str) -> Pages {
    let mut pages = Pages::new();
    let mut page = |path: &str, body: Vec<u8>| {
        pages.insert(path.to_string(), (HTML, body));
    };
    let trs = list_sample("trs-index.html").replace("{{OFFSITE}}", offsite);
    page("/a/zfxxgknb/", trs.clone().into_bytes());
    page("/a/zfxxgknb/index.html", trs.into_bytes());
    page("/a/zfxxgknb/index_1.html", sample("lists/trs-index_1.html"));
    page("/a/zfxxgknb/index_2.html", sample("lists/trs-index_2.html"));

    let first = jsp_page(
        1,
        &[
            ("某区2023年度政府信息公开工作年度报告", 101, "2024-01-31"),
            ("关于公布2023年政务公开工作要点的通知", 102, "2023-03-02"),
        ],
    );
    page(JSP_ROOT, first.clone());
    page("/web/frontOpenContentsRight.action?theID=25&page=1", first);
    page(
        "/web/frontOpenContentsRight.action?theID=25&page=2",
        jsp_page(
            2,
            &[
                ("某区2022年度政府信息公开工作年度报告", 103, "2023-01-30"),
                ("某区2021年度政府信息公开工作年度报告", 104, "2022-01-28"),
            ],
        ),
    );
    page(
        "/web/frontOpenContentsRight.action?theID=25&page=3",
        jsp_page(
            3,
            &[
                ("某区2020年度政府信息公开工作年度报告", 105, "2021-01-29"),
                ("某区政府信息公开工作年度报告（2019年）", 106, "2020-01-20"),
                ("某区政府信息公开申请表", 107, "2019-06-01"),
            ],
        ),
    );

    page("/col/col1234/index.html", sample("lists/jpage-column.html"));
    for n in 1..=3 {
        pages.insert(
            format!("/module/web/jpage/dataproxy.jsp?page={n}&{JPAGE_QUERY}"),
            (
                "text/xml; charset=utf-8",
                sample(&format!("lists/jpage-data-{n}.xml")),
            ),
        );
    }

    let mut page = |path: &str, body: Vec<u8>| {
        pages.insert(path.to_string(), (HTML, body));
    };
    page(
        "/xxgk/003001/moreinfo.html",
        epoint_page(
            1,
            "/xxgk/003001/2.html",
            &[
                (
                    "某县2023年政府信息公开工作年度报告",
                    "/xxgk/003001/20240126/7f3c9a.html",
                    "2024-01-26",
                ),
                (
                    "县政府召开政务公开工作领导小组会议",
                    "/xxgk/003001/20240110/1b2c3d.html",
                    "2024-01-10",
                ),
            ],
        ),
    );
    page(
        "/xxgk/003001/2.html",
        epoint_page(
            2,
            "/xxgk/003001/2.html",
            &[(
                "某县2022年政府信息公开工作年度报告",
                "/xxgk/003001/20230128/8a1d2e.html",
                "2023-01-28",
            )],
        ),
    );

    let json = "application/json; charset=utf-8";
    pages.insert(
        GKMLPT_1.to_string(),
        (
            json,
            gkmlpt_page(
                base,
                1,
                &[
                    (1001, "某区2023年政府信息公开工作年度报告", 1_706_601_600),
                    (1002, "某区召开2024年政务公开工作会议", 1_706_000_000),
                ],
            ),
        ),
    );
    pages.insert(
        GKMLPT_2.to_string(),
        (
            json,
            gkmlpt_page(
                base,
                2,
                &[(1003, "某区2022年政府信息公开工作年度报告", 1_675_000_000)],
            ),
        ),
    );

    pages.insert(
        "/f/zfxxgknb/".to_string(),
        (HTML, sample("not-reports/pingtan-list-page.html")),
    );

    let report = sample("seed-shaodong-2023.txt");
    for (path, _, _) in REPORTS {
        pages.insert(
            path.to_string(),
            ("text/plain; charset=utf-8", report.clone()),
        );
    }
    pages.insert(
        REPORT_FILE.0.to_string(),
        ("application/pdf", sample("attach/lo-complete-2023.pdf")),
    );
    pages
}

/// The site on one server, and an off-site server that must stay unasked.
struct Site {
    server: Server,
    offsite: Server,
}

impl Site {
    fn start() -> Site {
        Site::start_with(|_, _| None)
    }

    /// `extra` answers paths the site has no page for.
    fn start_with(extra: impl Fn(&str, &str) -> Option<Reply> + Send + Sync + 'static) -> Site {
        let offsite = Server::start(|_, _| (Duration::ZERO, Reply::status(404, HTML, "")));
        let offsite_url = offsite.url("");
        let site: Arc<OnceLock<Pages>> = Arc::new(OnceLock::new());
        let base: Arc<OnceLock<String>> = Arc::new(OnceLock::new());
        let (handler_site, handler_base) = (site.clone(), base.clone());
        let server = Server::start(move |path, _| {
            let pages = handler_site.get().expect("the site is set up");
            let reply = match pages.get(path) {
                Some((content_type, body)) => Reply::ok(content_type, body.clone()),
                None => extra(path, handler_base.get().map_or("", String::as_str))
                    .unwrap_or_else(|| Reply::status(404, HTML, "<h1>404</h1>")),
            };
            (Duration::ZERO, reply)
        });
        let own = server.url("");
        let _ = site.set(pages(&own, &offsite_url));
        let _ = base.set(own);
        Site { server, offsite }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// What the server was asked for, robots.txt aside.
    fn requested(&self) -> BTreeSet<String> {
        self.server
            .paths()
            .into_iter()
            .filter(|p| p != "/robots.txt")
            .collect()
    }
}

/// Each record's URL, status and reason, for failure messages.
fn outcomes(path: &Path) -> String {
    records(path)
        .iter()
        .map(|r| format!("\n{} {:?} {:?}", r.source.name(), r.status, r.reason))
        .collect()
}

fn crawl_args<'a>(list: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "crawl",
        list,
        "-o",
        out,
        "--delay",
        "0",
        "-j",
        "8",
        "--per-host",
        "8",
        "--retries",
        "0",
    ];
    args.extend_from_slice(extra);
    args
}

/// The crawl given only column pages: every report of every column, each
/// fetched once, recorded `complete` with the page it was found on; every
/// list page recorded as one; nothing else requested.
#[test]
fn column_pages_lead_to_every_report_and_nothing_else() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let mut lines = vec!["# one column of each kind".to_string()];
    lines.extend(COLUMNS.iter().map(|c| site.url(c)));
    let list = write_list(dir.path(), &lines);
    let out = dir.path().join("out.jsonl");
    let o = run(&crawl_args(&list, out.to_str().unwrap(), &[]));
    let err = stderr(&o);
    // 0: every report, the PDF one too, is read (list pages followed do not count).
    assert_eq!(o.status.code(), Some(0), "{err}{}", outcomes(&out));
    assert!(
        err.contains("list pages followed: 6 columns, 16 list pages, 30 reports found"),
        "{err}"
    );

    let got = by_url(records(&out));
    for (path, year, found_on) in REPORTS {
        let r = &got[&site.url(path)];
        assert_eq!(r.status, Status::Complete, "{path}: {:?}", r.reason);
        assert_eq!(
            r.source.found_on.as_deref(),
            Some(site.url(found_on).as_str()),
            "{path}"
        );
        assert_eq!(site.server.hits(path), 1, "{path} fetched once");
        // The list page's link carries the year its title names.
        let list_page = &got[&site.url(found_on)];
        let link = list_page
            .links
            .iter()
            .find(|l| l.href == site.url(path))
            .unwrap();
        assert_eq!(link.year, Some(*year), "{path}");
    }
    let file = &got[&site.url(REPORT_FILE.0)];
    assert_eq!(
        file.source.found_on.as_deref(),
        Some(site.url(REPORT_FILE.2).as_str())
    );
    // The file is the report itself: read as a PDF, no attachment of a page.
    assert_eq!(file.status, Status::Complete, "{:?}", file.reason);
    assert_eq!(file.source.format.as_deref(), Some("pdf"));
    assert_eq!(file.source.attachment_url, None);
    let not_lists: Vec<&String> = got
        .iter()
        .filter(|(_, r)| {
            r.status != Status::Complete
                && !r.reason.as_deref().unwrap_or("").starts_with("a list page")
        })
        .map(|(url, _)| url)
        .collect();
    assert!(not_lists.is_empty(), "{not_lists:?}");
    assert_eq!(site.server.hits(REPORT_FILE.0), 1);

    for page in list_pages() {
        let r = &got[&site.url(&page)];
        assert_eq!(r.status, Status::NotAReport, "{page}");
        let reason = r.reason.as_deref().unwrap();
        assert!(reason.starts_with("a list page"), "{page}: {reason}");
        assert!(
            r.links.iter().all(|l| l.href.starts_with("http://")),
            "{page}"
        );
    }
    let pingtan = got[&site.url("/f/zfxxgknb/")].reason.clone().unwrap();
    assert!(
        pingtan.contains("entries 11–20") && pingtan.contains("JavaScript"),
        "{pingtan}"
    );

    // Nothing but the columns' list pages and reports was asked for: no
    // news, guide, rule, plan, notice, other column, unrelated file, site
    // home page, off-site address, nor the first page again under its
    // index.html name.
    let mut expected: BTreeSet<String> = list_pages().into_iter().collect();
    expected.extend(REPORTS.iter().map(|(p, _, _)| p.to_string()));
    expected.insert(REPORT_FILE.0.to_string());
    assert_eq!(site.requested(), expected);
    assert_eq!(
        site.offsite.total_hits(),
        0,
        "off-site links are never followed"
    );
    assert_eq!(got.len(), expected.len(), "one record per URL");

    // A rerun has nothing left to do and asks for nothing.
    let hits = site.server.total_hits();
    let o = run(&crawl_args(&list, out.to_str().unwrap(), &["-q"]));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(site.server.total_hits(), hits);
    assert_eq!(records(&out).len(), expected.len());
}

/// Lists only JavaScript reaches say so, naming the data address when the
/// page shows one; a column without reports is no list; and with
/// --no-follow nothing past the listed pages is fetched.
#[test]
fn script_only_lists_and_empty_columns_say_so() {
    let site = Site::start_with(|path, _| match path {
        "/e/gkmlpt/index" => Some(Reply::ok(HTML, sample("lists/gkmlpt-index.html"))),
        "/dynamic/zwgk/govInfoPub.html?categorynum=003011" => {
            Some(Reply::ok(HTML, sample("lists/epoint-govinfopub.html")))
        }
        "/g/zfxxgknb/" => Some(Reply::ok(
            HTML,
            "<html><head><title>政府信息公开年报_某乡</title></head><body>\
             <a href=\"/\">首页</a><a href=\"../zfxxgkzn/\">政府信息公开指南</a>\
             <p>暂无信息</p></body></html>",
        )),
        _ => None,
    });
    let dir = tempfile::tempdir().unwrap();
    let columns = [
        "/e/gkmlpt/index",
        "/dynamic/zwgk/govInfoPub.html?categorynum=003011",
        "/g/zfxxgknb/",
        "/a/zfxxgknb/",
    ];
    let list = write_list(dir.path(), &columns.map(|c| site.url(c)));
    let out = dir.path().join("out.jsonl");
    let o = run(&crawl_args(&list, out.to_str().unwrap(), &["--no-follow"]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let got = by_url(records(&out));
    let reason = |path: &str| got[&site.url(path)].reason.clone().unwrap_or_default();

    let gkmlpt = reason("/e/gkmlpt/index");
    assert!(
        gkmlpt.starts_with("a list page")
            && gkmlpt.contains(&site.url("/e/gkmlpt/api/all/COLUMN?page=1&sid=755001")),
        "{gkmlpt}"
    );
    let epoint = reason("/dynamic/zwgk/govInfoPub.html?categorynum=003011");
    assert!(
        epoint.contains("JavaScript")
            && epoint.contains("/EWB-FRONT/rest/lightfrontaction/getgovinfolist"),
        "{epoint}"
    );
    let empty = &got[&site.url("/g/zfxxgknb/")];
    assert_eq!(empty.status, Status::NotAReport);
    assert!(empty.links.is_empty());
    // Followed or not, a list page keeps its links.
    assert_eq!(got[&site.url("/a/zfxxgknb/")].links.len(), 4);
    assert_eq!(
        site.requested(),
        columns.iter().map(|c| c.to_string()).collect(),
        "--no-follow fetches the listed pages only"
    );
}

/// --year picks reports by the year their title names; `discover` lists the
/// reports without fetching them, and `crawl` takes its output as a list.
#[test]
fn year_filter_and_discover_output_fed_back_to_crawl() {
    let site = Site::start();
    let dir = tempfile::tempdir().unwrap();
    let columns = ["/a/zfxxgknb/", "/col/col1234/index.html", JSP_ROOT];
    let list = write_list(dir.path(), &columns.map(|c| site.url(c)));
    // The reports of those three columns, by the start of their paths.
    let wanted = |years: &[i32]| -> Vec<&(&str, i32, &str)> {
        REPORTS
            .iter()
            .filter(|(p, y, _)| {
                years.contains(y) && ["/a/", "/art/", "/web/"].iter().any(|c| p.starts_with(c))
            })
            .collect()
    };

    // discover: no report is fetched; the list names each report once.
    let tsv = dir.path().join("reports.tsv");
    let discover = || {
        let tsv = tsv.to_str().unwrap();
        run(&[
            "discover",
            &list,
            "--year",
            "2021-2022",
            "-o",
            tsv,
            "--delay",
            "0",
        ])
    };
    let o = discover();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("3 columns") && err.contains("6 reports found"),
        "{err}"
    );
    let text = std::fs::read_to_string(&tsv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("# url\ttitle\tyear\tpublished\tfound_on")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let want = wanted(&[2021, 2022]);
    assert_eq!(rows.len(), want.len(), "{text}");
    for (path, year, found_on) in &want {
        let row = rows
            .iter()
            .find(|r| r[0] == site.url(path))
            .unwrap_or_else(|| panic!("{path} not listed:\n{text}"));
        assert_eq!(row[2], year.to_string());
        assert_eq!(row[4], site.url(found_on));
        assert!(row[1].contains(&format!("{year}")), "{row:?}");
        assert!(
            row[3].starts_with(&format!("{}-", year + 1)),
            "published {row:?}"
        );
    }
    assert!(
        REPORTS.iter().all(|(p, _, _)| site.server.hits(p) == 0),
        "discover fetches no report"
    );
    // The same command again reads its list pages back from reports.cache:
    // the same list, and no request.
    let hits = site.server.total_hits();
    let o = discover();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("11 recorded before, 0 this run"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&tsv).unwrap(), text);
    assert_eq!(site.server.total_hits(), hits);

    // The list fed back to crawl: those reports, each once, found_on kept.
    let out = dir.path().join("from-list.jsonl");
    let o = run(&crawl_args(
        tsv.to_str().unwrap(),
        out.to_str().unwrap(),
        &[],
    ));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got = by_url(records(&out));
    assert_eq!(got.len(), want.len());
    for (path, _, found_on) in &want {
        let r = &got[&site.url(path)];
        assert_eq!(r.status, Status::Complete);
        assert_eq!(
            r.source.found_on.as_deref(),
            Some(site.url(found_on).as_str())
        );
        assert_eq!(site.server.hits(path), 1);
    }

    // crawl --year from the columns: list pages and the 2023 reports only.
    let out = dir.path().join("2023.jsonl");
    let o = run(&crawl_args(
        &list,
        out.to_str().unwrap(),
        &["--year", "2023"],
    ));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reports: Vec<Report> = records(&out)
        .into_iter()
        .filter(|r| r.status == Status::Complete)
        .collect();
    let want = wanted(&[2023]);
    assert_eq!(reports.len(), want.len());
    // Over all three runs, nothing but list pages and reports was asked for.
    let known: BTreeSet<String> = list_pages()
        .into_iter()
        .chain(REPORTS.iter().map(|(p, _, _)| p.to_string()))
        .collect();
    let strays: Vec<String> = site.requested().difference(&known).cloned().collect();
    assert!(strays.is_empty(), "{strays:?}");
    for (path, _, _) in want {
        assert!(
            reports
                .iter()
                .any(|r| r.source.url.as_deref() == Some(site.url(path).as_str()))
        );
    }
}

/// A column longer than --max-list-pages is cut there, and pages that link
/// to themselves and to each other are read once each.
#[test]
fn a_huge_column_stops_at_the_page_cap() {
    const PAGES: usize = 200;
    let site = Site::start_with(|path, _| {
        let n: usize = path
            .strip_prefix("/h/list_")?
            .strip_suffix(".html")?
            .parse()
            .ok()?;
        let body = format!(
            "<html><head><title>政府信息公开年报</title></head><body><ul>\
             <li><a href=\"/h/r/{n}.html\">某局{}年度政府信息公开工作年度报告</a></li></ul>\
             <div class=\"pagination\"><a href=\"list_{n}.html\">{}</a><a href=\"list_{}.html\">下一页</a>\
             <a href=\"list_{}.html\">尾页</a></div></body></html>",
            2000 + n % 100,
            n + 1,
            (n + 1) % PAGES,
            PAGES - 1
        );
        Some(Reply::ok(HTML, body))
    });
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), &[site.url("/h/list_0.html")]);
    let out = dir.path().join("out.jsonl");
    let o = run(&crawl_args(
        &list,
        out.to_str().unwrap(),
        &["--max-list-pages", "5"],
    ));
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "the reports are not served: {err}"
    );
    assert!(err.contains("--max-list-pages"), "{err}");
    let list_pages: Vec<String> = site
        .requested()
        .into_iter()
        .filter(|p| p.starts_with("/h/list_"))
        .collect();
    assert_eq!(list_pages.len(), 5, "{list_pages:?}");
    assert!(site.requested().iter().all(|p| site.server.hits(p) == 1));
}

/// SIGKILL while the crawl is still finding pages of a column, then the same
/// command again: every page and report of the column ends with exactly one
/// record, and nothing recorded before the kill is fetched again.
#[test]
fn kill_9_during_discovery_then_rerun_loses_and_duplicates_nothing() {
    const PAGES: usize = 25;
    const PER_PAGE: usize = 4;
    const CONCURRENCY: usize = 3;
    let seed = sample("seed-shaodong-2023.txt");
    let server = Server::start(move |path, _| {
        let reply = if let Some(n) = path
            .strip_prefix("/k/list_")
            .and_then(|p| p.strip_suffix(".html"))
            .and_then(|n| n.parse::<usize>().ok())
        {
            let entries: String = (0..PER_PAGE)
                .map(|i| {
                    format!(
                        "<li><a href=\"r/{n}_{i}.html\">某局{}年度政府信息公开工作年度报告</a></li>",
                        2000 + (n * PER_PAGE + i) % 100
                    )
                })
                .collect();
            let next = if n + 1 < PAGES {
                format!("<a href=\"list_{}.html\">下一页</a>", n + 1)
            } else {
                String::new()
            };
            Reply::ok(
                HTML,
                format!("<html><body><ul>{entries}</ul>{next}</body></html>"),
            )
        } else if path.starts_with("/k/r/") {
            Reply::ok("text/plain; charset=utf-8", seed.clone())
        } else {
            Reply::status(404, HTML, "")
        };
        (Duration::from_millis(20), reply)
    });
    let dir = tempfile::tempdir().unwrap();
    let list = write_list(dir.path(), &[server.url("/k/list_0.html")]);
    let out = dir.path().join("out.jsonl");
    let out_arg = out.to_str().unwrap();
    let concurrency = CONCURRENCY.to_string();
    let args = [
        "crawl",
        &list,
        "-o",
        out_arg,
        "-j",
        concurrency.as_str(),
        "--per-host",
        concurrency.as_str(),
        "--delay",
        "0",
        "--retries",
        "0",
        "--max-list-pages",
        "100",
        "-q",
    ];
    let mut child = xxgk().args(args).stderr(Stdio::null()).spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let lines =
        |path: &Path| std::fs::read(path).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
    while lines(&out) < 30 {
        assert!(Instant::now() < deadline, "the crawl never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let before = by_url(records(&out));
    let pages_before = before.keys().filter(|u| u.contains("/k/list_")).count();
    assert!(
        pages_before < PAGES,
        "killed while pages were still being found ({pages_before})"
    );
    let hits_before: HashMap<String, usize> = before
        .keys()
        .map(|u| (u.clone(), server.hits(&u[server.url("").len()..])))
        .collect();

    let o = xxgk().args(args).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let after = by_url(records(&out));
    assert_eq!(
        after.len(),
        PAGES * (1 + PER_PAGE),
        "every page and report, once"
    );
    for n in 0..PAGES {
        let page = server.url(&format!("/k/list_{n}.html"));
        assert_eq!(after[&page].status, Status::NotAReport);
        if n > 0 {
            let previous = server.url(&format!("/k/list_{}.html", n - 1));
            assert_eq!(
                after[&page].source.found_on.as_deref(),
                Some(previous.as_str())
            );
        }
        for i in 0..PER_PAGE {
            let report = &after[&server.url(&format!("/k/r/{n}_{i}.html"))];
            assert_eq!(report.status, Status::Complete);
            assert_eq!(report.source.found_on.as_deref(), Some(page.as_str()));
        }
    }
    for (url, hits) in hits_before {
        assert_eq!(
            server.hits(&url[server.url("").len()..]),
            hits,
            "{url} was recorded before the kill, yet fetched again"
        );
    }
    let again = server
        .paths()
        .iter()
        .filter(|p| p.starts_with("/k/") && server.hits(p) > 1)
        .count();
    assert!(again <= 2 * CONCURRENCY, "{again} URLs fetched twice");
}

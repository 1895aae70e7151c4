use super::*;
use crate::flatten::flatten;

fn listing(html: &str, url: &str) -> Listing {
    let url = Url::parse(url).unwrap();
    read(&flatten(html), Some(&url))
}

fn kinds(listing: &Listing) -> Vec<(LinkKind, &str)> {
    listing
        .links
        .iter()
        .map(|l| (l.kind.unwrap(), l.href.as_str()))
        .collect()
}

#[test]
fn reports_pages_and_noise_are_told_apart() {
    let html = r#"<html><head><title>政府信息公开年报_政府信息公开_某县人民政府</title></head><body>
    <div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="../zfxxgkzn/index.html">政府信息公开指南</a></div>
    <ul>
      <li><a href="./202403/t20240308_1.html" title="某县2023年度政府信息公开工作年度报告">某县2023年度政府信息公开工作年…</a><span>2024-03-08</span></li>
      <li><a href="./202303/t20230301_2.html">某县2022年政府信息公开工作年度报告</a><span>2023-03-01</span></li>
      <li><a href="./202302/t20230201_3.html">关于报送2022年度政府信息公开工作年度报告的通知</a></li>
      <li><a href="./202301/t20230101_4.html">2023年政府信息公开工作要点</a></li>
      <li><a href="/files/2021nb.pdf">某县2021年政府信息公开年报.pdf</a></li>
      <li><a href="/files/zhinan.pdf">政府信息公开指南.pdf</a></li>
      <li><a href="http://www.other.gov.cn/2023nb.html">某市2023年政府信息公开工作年度报告</a></li>
      <li><a href="http://xxgk.county.gov.cn/nb/2020.html">某县2020年政府信息公开工作年度报告</a></li>
      <li><a href="javascript:void(0)">某县2019年政府信息公开工作年度报告</a></li>
    </ul>
    <div class="page-nav"><a href="index.html">首页</a><a href="index_1.html">下一页</a><a href="index_2.html">3</a><a href="/news/index_1.html">2</a></div>
    </body></html>"#;
    let l = listing(html, "http://www.county.gov.cn/zwgk/nb/index.html");
    assert_eq!(
        kinds(&l),
        [
            (
                LinkKind::Report,
                "http://www.county.gov.cn/zwgk/nb/202403/t20240308_1.html"
            ),
            (
                LinkKind::Report,
                "http://www.county.gov.cn/zwgk/nb/202303/t20230301_2.html"
            ),
            (
                LinkKind::Attachment,
                "http://www.county.gov.cn/files/2021nb.pdf"
            ),
            (LinkKind::Report, "http://xxgk.county.gov.cn/nb/2020.html"),
            (
                LinkKind::Page,
                "http://www.county.gov.cn/zwgk/nb/index_1.html"
            ),
            (
                LinkKind::Page,
                "http://www.county.gov.cn/zwgk/nb/index_2.html"
            ),
        ]
    );
    let first = &l.links[0];
    assert_eq!(first.text, "某县2023年度政府信息公开工作年度报告");
    assert_eq!(first.year, Some(2023));
    assert_eq!(first.published.as_deref(), Some("2024-03-08"));
    assert_eq!(l.links[2].year, Some(2021));
    assert!(l.is_list(false));
    assert_eq!(
        l.reason(),
        "a list page linking to 4 annual reports (1 of them as files); it links to 2 other pages of the list"
    );
}

#[test]
fn a_saved_page_keeps_its_links_as_written() {
    let html = r#"<html><body><ul><li><a href="./202503/t20250310_97791.htm">平潭综合实验区2024年度政府信息公开工作年度报告</a></li>
        <li><a href="index_1.htm">下一页</a></li><li><a href="../other/index_1.htm">下一页</a></li></ul></body></html>"#;
    let l = read(&flatten(html), None);
    assert_eq!(
        kinds(&l),
        [
            (LinkKind::Report, "./202503/t20250310_97791.htm"),
            (LinkKind::Page, "index_1.htm"),
        ]
    );
}

#[test]
fn base_href_and_tables_are_honoured() {
    let html = r#"<html><head><base href="http://www.a.gov.cn/xxgk/nb/"></head><body>
        <table><tr><td><a href="2023.html">2023年度政府信息公开工作年度报告</a></td><td>2024-01-15</td></tr></table></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/cms/list.jsp?id=3");
    assert_eq!(l.links[0].href, "http://www.a.gov.cn/xxgk/nb/2023.html");
    assert_eq!(l.links[0].published.as_deref(), Some("2024-01-15"));
}

#[test]
fn a_column_of_reports_may_label_them_by_year_alone() {
    let html = r#"<html><head><title>政府信息公开年度报告</title></head><body>
        <a href="/nb/2023.html">2023年度</a><a href="/nb/2022.html">2022年</a><a href="/news/2021.html">2021年新闻</a></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/nb/");
    assert_eq!(l.reports(), 2);
    assert_eq!(l.links[1].year, Some(2022));
}

#[test]
fn trs_pager_scripts_imply_pages() {
    let html = r#"<html><body><a href="./202401/t1.html">某局2023年政府信息公开工作年度报告</a>
        <script>var currentPage = 0; var countPage = 3; createPageHTML(countPage, currentPage, "index", "shtml");</script></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/nb/");
    let pages: Vec<&str> = l
        .links
        .iter()
        .filter(|k| k.kind == Some(LinkKind::Page))
        .map(|l| l.href.as_str())
        .collect();
    assert_eq!(
        pages,
        [
            "http://www.a.gov.cn/nb/index_1.shtml",
            "http://www.a.gov.cn/nb/index_2.shtml"
        ]
    );
    // From a later page, the first page is another page.
    let l = listing(html, "http://www.a.gov.cn/nb/index_2.shtml");
    assert_eq!(l.pages(), 2);
    assert!(
        l.links
            .iter()
            .any(|k| k.href == "http://www.a.gov.cn/nb/index.shtml")
    );
}

#[test]
fn the_pingtan_column_names_what_only_javascript_reaches() {
    let html = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/samples/not-reports/pingtan-list-page.html"
    ))
    .unwrap();
    let l = listing(&html, "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/");
    assert_eq!(l.reports(), 10, "{:#?}", l.links);
    assert_eq!(l.pages(), 0, "{:#?}", l.links);
    assert!(l.links.iter().all(|k| {
        k.href
            .starts_with("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/20")
    }));
    assert_eq!(l.links[1].year, Some(2024));
    assert_eq!(l.links[1].published.as_deref(), Some("2025-03-10"));
    assert_eq!(l.notes.len(), 1, "{:?}", l.notes);
    assert!(l.notes[0].contains("entries 11–20"), "{:?}", l.notes);
}

#[test]
fn titles_are_judged_by_their_words() {
    for yes in [
        "平潭综合实验区2025年度政府信息公开工作年度报告",
        "某县人民政府2023年政府信息公开年报",
        "2022年度政务信息公开工作年度报告",
        "某局2023年度政府信息公开工作年…",
    ] {
        assert!(is_report_title(yes), "{yes}");
    }
    for no in [
        "政府信息公开指南",
        "2023年政府信息公开工作要点",
        "关于报送2023年度政府信息公开工作年度报告的通知",
        "一图读懂2023年政府信息公开工作年度报告",
        "2023年政府工作报告",
        "某局2023年度政府信息公开工作要…",
    ] {
        assert!(!is_report_title(no), "{no}");
    }
    assert_eq!(
        report_year("2024年发布：某县2023年度政府信息公开工作年度报告"),
        Some(2023)
    );
    assert_eq!(
        report_year("二〇二二年政府信息公开工作年度报告"),
        Some(2022)
    );
    assert_eq!(report_year("政府信息公开工作年度报告"), None);
}

#[test]
fn sites_are_compared_by_registered_domain() {
    let u = |s: &str| Url::parse(s).unwrap();
    assert!(same_site(
        &u("http://www.pingtan.gov.cn/a"),
        &u("https://xxgk.pingtan.gov.cn/b")
    ));
    assert!(!same_site(
        &u("http://www.pingtan.gov.cn/a"),
        &u("http://www.fuzhou.gov.cn/b")
    ));
    assert!(!same_site(
        &u("http://127.0.0.1:8000/a"),
        &u("http://127.0.0.1:8001/a")
    ));
    assert!(same_site(
        &u("http://127.0.0.1:8000/a"),
        &u("http://127.0.0.1:8000/b")
    ));
}

fn page_hrefs(l: &Listing) -> Vec<&str> {
    l.links
        .iter()
        .filter(|k| k.kind == Some(LinkKind::Page))
        .map(|k| k.href.as_str())
        .collect()
}

#[test]
fn other_pager_scripts_imply_pages_too() {
    // The element-id form of createPageHTML, and the Pager({…}) call.
    let html = r#"<html><body><script>createPageHTML('page_div', 3, 1, 'index', 'shtml', 45);</script>
        <script>Pager({size: 2, current: 0, prefix: 'index', suffix: 'html'});</script></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/nb/index.html");
    assert_eq!(
        page_hrefs(&l),
        [
            "http://www.a.gov.cn/nb/index_1.shtml",
            "http://www.a.gov.cn/nb/index_2.shtml",
            "http://www.a.gov.cn/nb/index_1.html"
        ]
    );
}

#[test]
fn trs_dynamic_lists_give_their_static_pages_and_name_the_rest() {
    let html = r#"<html><body><a href="./202401/t1.htm">某局2023年度政府信息公开工作年度报告</a>
        <script>require(["list2.trsapi"], function(listModel) { listModel({quickMode: "动静结合", maxStaticIndex: 3,
        pagebar: {prepage: 10, recordCount: '45', pgTemp: "pgBar.html"}}); });</script></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/nb/index.htm");
    assert_eq!(
        page_hrefs(&l),
        [
            "http://www.a.gov.cn/nb/index_1.htm",
            "http://www.a.gov.cn/nb/index_2.htm"
        ]
    );
    assert_eq!(l.notes.len(), 1);
    assert!(
        l.notes[0].contains("entries 31–45") && l.notes[0].contains("pages 4–5"),
        "{:?}",
        l.notes
    );
}

#[test]
fn a_jpage_list_without_its_data_address_says_what_is_missing() {
    let html = r#"<html><body><div id="1"><script type="text/xml"><datastore><recordset>
        <record><![CDATA[<li><a href="/art/2024/1/1/art_1_1.html" title="某局2023年度政府信息公开工作年度报告">某局…</a><span>2024-01-01</span></li>]]></record>
        </recordset></datastore></script></div>
        <script>$('#1').jpage({perPage: 15, totalRecord: 40, proxyUrl: '/module/web/jpage/dataproxy.jsp'});</script></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/col/col1/index.html");
    assert_eq!(l.reports(), 1);
    assert_eq!(l.links[0].published.as_deref(), Some("2024-01-01"));
    assert!(
        l.notes[0].contains("40 entries") && l.notes[0].contains("holds 1"),
        "{:?}",
        l.notes
    );
    assert_eq!(l.data_urls, ["/module/web/jpage/dataproxy.jsp"]);
}

#[test]
fn pager_links_that_run_scripts_are_named() {
    let html = r#"<html><body><a href="./1.html">某局2023年度政府信息公开工作年度报告</a>
        <a href="javascript:ShowAjaxNewPage('categorypagingcontent','/xxgk/',2)">下页</a></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/xxgk/");
    assert_eq!(l.pages(), 0);
    assert!(l.notes[0].contains("only by JavaScript"), "{:?}", l.notes);
}

#[test]
fn a_list_in_a_frame_is_followed_and_short_labels_count_in_a_report_column() {
    let html = r#"<html><head><title>政府信息公开年报</title></head><body>
        <iframe src="/js/weather.js"></iframe><iframe src="list.asp?lm=12"></iframe>
        <iframe src="http://other.example.com/ad.html"></iframe></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/xxgk/nb.asp");
    assert_eq!(page_hrefs(&l), ["http://www.a.gov.cn/xxgk/list.asp?lm=12"]);
    let framed = r#"<html><head><title>政府信息公开年报</title></head><body><table>
        <tr><td><a href="show.asp?id=1">２０２３年度报告</a></td></tr>
        <tr><td><a href="show.asp?id=2">2022 年报</a></td></tr>
        <tr><td><a href="show.asp?id=3">2023年新闻发布会</a></td></tr></table></body></html>"#;
    let l = listing(framed, "http://www.a.gov.cn/xxgk/list.asp?lm=12");
    let years: Vec<Option<i32>> = l.links.iter().map(|k| k.year).collect();
    assert_eq!(years, [Some(2023), Some(2022)]);
}

#[test]
fn first_page_words_lead_only_to_numbered_pages() {
    let html = r#"<html><body><a href="/zwgk/index.html">首页</a><a href="nb.jsp?page=1">首页</a>
        <a href="nb.jsp?page=2">下一页</a></body></html>"#;
    let l = listing(html, "http://www.a.gov.cn/zwgk/nb.jsp");
    assert_eq!(
        page_hrefs(&l),
        [
            "http://www.a.gov.cn/zwgk/nb.jsp?page=1",
            "http://www.a.gov.cn/zwgk/nb.jsp?page=2"
        ]
    );
}

#[test]
fn a_page_of_endless_report_links_keeps_a_bounded_record() {
    let entries: String = (0..6_000)
        .map(|i| format!("<a href=\"r{i}.html\">某局2023年度政府信息公开工作年度报告</a>"))
        .collect();
    let l = listing(
        &format!("<html><body>{entries}</body></html>"),
        "http://a.gov.cn/nb/",
    );
    assert_eq!(l.links.len(), 5_000);
    assert!(
        l.reason().contains("1000 more links were left out"),
        "{}",
        l.reason()
    );
}

fn files(html: &str, page_is_report: bool) -> Vec<(Option<LinkKind>, String)> {
    let url = Url::parse("http://www.county.gov.cn/art/2024/1/30/art_1.html").unwrap();
    document_links(&flatten(html), Some(&url), page_is_report)
        .into_iter()
        .map(|l| (l.kind, l.href))
        .collect()
}

#[test]
fn an_articles_files_are_told_apart_report_from_the_rest() {
    let html = r#"<p>附件：<a href="/files/tz.pdf">关于做好2024年政务公开工作的通知.pdf</a></p>
        <p><a href="/files/tj.xls">2023年政府信息公开工作年度报告统计表.xls</a></p>
        <p><a href="/files/jd.docx">一图读懂2023年政府信息公开工作年度报告.docx</a></p>
        <p><a href="/module/download/downfile.jsp?classid=0&amp;filename=2401.pdf">附件下载</a></p>
        <p><a href="/files/P0202401.pdf">某区2023年政府信息公开工作年度报告</a></p>
        <p><a href="/down.jsp?id=7">某区2023年政府信息公开工作年报.docx</a></p>
        <p><a href="/art/2024/1/29/art_9.html">某区2022年政府信息公开工作年度报告</a></p>"#;
    let file = |kind, path: &str| (Some(kind), format!("http://www.county.gov.cn{path}"));
    let expected = [
        file(LinkKind::File, "/files/tz.pdf"),
        // A report word, but not a report's file form.
        file(LinkKind::File, "/files/tj.xls"),
        file(LinkKind::File, "/files/jd.docx"),
        // The file a download script names in its query.
        file(
            LinkKind::File,
            "/module/download/downfile.jsp?classid=0&filename=2401.pdf",
        ),
        file(LinkKind::Attachment, "/files/P0202401.pdf"),
        // Named by its label alone.
        file(LinkKind::Attachment, "/down.jsp?id=7"),
    ];
    assert_eq!(files(html, false), expected);
    // On the report's own article, a named file still outranks unnamed ones.
    assert_eq!(files(html, true), expected);
    let reason = attached_report_reason(&document_links(
        &flatten(html),
        Some(&Url::parse("http://www.county.gov.cn/a.html").unwrap()),
        false,
    ))
    .unwrap();
    assert_eq!(
        reason,
        "the report is the attached file, one of 2: http://www.county.gov.cn/files/P0202401.pdf, \
         http://www.county.gov.cn/down.jsp?id=7; crawl the page's URL or extract the files"
    );
}

#[test]
fn a_reports_article_attaching_unnamed_files_offers_its_documents() {
    let html = r#"<p><a href="/u/a1.pdf">附件1</a> <a href="/u/a2.xlsx">附件2</a> <a href="/u/a3.wps">附件3</a></p>"#;
    let kinds: Vec<_> = files(html, true).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        [
            Some(LinkKind::Attachment),
            Some(LinkKind::File),
            Some(LinkKind::Attachment)
        ]
    );
    // Anywhere else an unnamed file is nobody's report.
    assert!(
        files(html, false)
            .iter()
            .all(|(k, _)| *k == Some(LinkKind::File))
    );
    let links = document_links(&flatten(html), None, false);
    assert!(
        attached_report_reason(&links)
            .unwrap()
            .starts_with("no report tables on the page, and none of the 3 file(s)")
    );
    assert_eq!(attached_report_reason(&[]), None);
}

#[test]
fn a_reports_article_with_several_files_is_no_list() {
    let html = r#"<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body>
        <a href="/f/nb.pdf">某县2023年政府信息公开工作年度报告.pdf</a>
        <a href="/f/nb.docx">某县2023年政府信息公开工作年度报告.docx</a></body></html>"#;
    let l = listing(html, "http://www.county.gov.cn/art/1.html");
    assert_eq!(l.reports(), 2);
    assert!(!l.is_list(true), "the report's own article");
    assert!(
        l.is_list(false),
        "a page that is no report's article lists them"
    );
}

#[test]
fn files_shown_in_viewers_are_the_files_not_the_viewers() {
    let html = r#"<html><head><title>某县2023年政府信息公开工作年度报告</title></head><body>
        <iframe src="/pdfjs/web/viewer.html?file=%2Fupload%2F2024%2Fnb.pdf" width="100%"></iframe>
        <embed src="/upload/2024/nb2.pdf" type="application/pdf">
        <object data="/upload/2024/nb3.pdf"></object>
        <iframe src="/include/footer.html"></iframe>
        <a href="/web/viewer.html?file=/upload/2024/nb.pdf">在线预览</a></body></html>"#;
    let expected = [
        (
            Some(LinkKind::Attachment),
            "http://www.county.gov.cn/upload/2024/nb.pdf".to_string(),
        ),
        (
            Some(LinkKind::Attachment),
            "http://www.county.gov.cn/upload/2024/nb2.pdf".to_string(),
        ),
        (
            Some(LinkKind::Attachment),
            "http://www.county.gov.cn/upload/2024/nb3.pdf".to_string(),
        ),
    ];
    assert_eq!(files(html, true), expected);
    // A viewer frame is no list in a frame; the footer frame still is one.
    let l = listing(html, "http://www.county.gov.cn/art/1.html");
    assert_eq!(
        kinds(&l),
        [(
            LinkKind::Page,
            "http://www.county.gov.cn/include/footer.html"
        )]
    );
    // A download script given a `file` is fetched as it is.
    let script =
        r#"<p><a href="/down.jsp?file=/upload/a.pdf">2023年政府信息公开工作年度报告</a></p>"#;
    assert_eq!(
        files(script, false),
        [(
            Some(LinkKind::Attachment),
            "http://www.county.gov.cn/down.jsp?file=/upload/a.pdf".to_string()
        )]
    );
}

#[test]
fn a_page_of_endless_report_files_keeps_a_short_reason() {
    let html: String = (0..100)
        .map(|i| format!("<p><a href=\"/f/{i}.pdf\">2023年政府信息公开工作年度报告.pdf</a></p>"))
        .collect();
    let links = document_links(&flatten(&html), None, true);
    assert_eq!(links.len(), 100);
    let reason = attached_report_reason(&links).unwrap();
    assert!(
        reason.starts_with("the report is the attached file, one of 100: /f/0.pdf, /f/1.pdf,"),
        "{reason}"
    );
    assert!(reason.contains("/f/4.pdf and 95 more;"), "{reason}");
}

//! Every cell of every sample against its hand-verified truth file, plus the
//! bad inputs a user meets: non-reports, empty and binary files, GBK copies.

use std::path::Path;

use xxgk::model::Template;
use xxgk::{Report, Status, extract_bytes, extract_file};

#[path = "support/cells.rs"]
mod support_cells;

use support_cells::{cells, read_cells as truth};

fn extract(path: &str) -> Report {
    extract_file(Path::new(path)).unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts every cell equals the truth file, with no extra or missing cell.
fn assert_matches_truth(sample: &str, truth_file: &str) -> Report {
    let report = extract(sample);
    let expected = truth(truth_file);
    let got = cells(&report);
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(v))
        .map(|(k, v)| format!("{k:?}: expected {v:?}, got {:?}", got.get(k)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{sample}: {} wrong cells:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    let extra: Vec<_> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(
        extra.is_empty(),
        "{sample}: cells not in the truth file: {extra:?}"
    );
    report
}

fn assert_checks_pass(report: &Report) {
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.ok == Some(false))
        .collect();
    assert!(
        failed.is_empty(),
        "{}: failed checks {failed:#?}",
        report.source.name()
    );
}

#[test]
fn seed_text_dump_matches_truth_and_every_check_passes() {
    let report = assert_matches_truth(
        "samples/seed-shaodong-2023.txt",
        "samples/seed-shaodong-2023.truth.csv",
    );
    assert_eq!(report.status, Status::Complete);
    assert_eq!(report.meta.template, Template::T2021);
    assert_eq!(report.meta.agency.as_deref(), Some("邵东市人民政府"));
    assert_eq!(report.meta.year, Some(2023));
    assert_eq!(report.meta.published.as_deref(), Some("2024-01-30"));
    assert!(report.checks.len() > 40);
    assert!(
        report.checks.iter().all(|c| c.ok == Some(true)),
        "{:#?}",
        report
            .checks
            .iter()
            .filter(|c| c.ok != Some(true))
            .collect::<Vec<_>>()
    );
    let balance = report
        .checks
        .iter()
        .find(|c| c.id == "applications.balance.total")
        .unwrap();
    assert_eq!(balance.detail, "100 + 1 = 93 + 8");
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert!(
        report
            .sections
            .overview
            .as_deref()
            .unwrap()
            .starts_with("(一)主动公开情况")
    );
    assert_eq!(report.sections.other_matters.as_deref(), Some("无。"));
    assert!(
        report
            .sections
            .problems
            .as_deref()
            .unwrap()
            .contains("工作推进不够均衡")
    );
}

#[test]
fn shanghai_2019_template_matches_truth() {
    let report = assert_matches_truth(
        "samples/01_shanghai-gov-office-2019.html",
        "samples/01_shanghai-gov-office-2019.truth.csv",
    );
    assert_eq!(report.status, Status::Complete);
    assert_eq!(report.meta.template, Template::T2019);
    assert_eq!(report.meta.agency.as_deref(), Some("上海市人民政府办公厅"));
    assert_eq!(report.meta.published.as_deref(), Some("2020-01-31"));
    // 251000元: the unit stays beside the amount.
    let unit = &report.active_disclosure["procurement"]["amount_unit"];
    assert_eq!(unit.as_ref().map(|v| v.to_string()).as_deref(), Some("元"));
    assert_checks_pass(&report);
    // The page leaves 予以公开's 总计 blank beside 258 natural persons: unassessable, not failed.
    let row_total = report
        .checks
        .iter()
        .find(|c| c.id == "applications.row_total.granted")
        .unwrap();
    assert_eq!(row_total.ok, None, "{}", row_total.detail);
}

#[test]
fn shuyang_word_pasted_page_matches_truth() {
    let report = assert_matches_truth(
        "samples/08_shuyang-county-fgj-2023.html",
        "samples/08_shuyang-county-fgj-2023.truth.csv",
    );
    assert_eq!(report.status, Status::Complete);
    assert_eq!(report.meta.agency.as_deref(), Some("沭阳县发展和改革局"));
    assert_eq!(report.meta.published.as_deref(), Some("2024-01-17"));
    assert_checks_pass(&report);
}

#[test]
fn pingtan_trs_page_matches_truth() {
    let report = assert_matches_truth(
        "samples/09_pingtan-2024.html",
        "samples/09_pingtan-2024.truth.csv",
    );
    assert_eq!(report.status, Status::Complete);
    assert_eq!(report.meta.year, Some(2024));
    assert!(report.checks.iter().all(|c| c.ok == Some(true)));
    // The article slice has no title and no 发布机构 field: the agency is
    // unknown, and the record says so (carry_chain needs it).
    assert_eq!(report.meta.agency, None);
    let codes: Vec<&str> = report.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["no_agency"]);
}

#[test]
fn blank_cells_are_null_with_a_warning_never_zero() {
    // Shuyang leaves the five 法人或其他组织 columns empty (<o:p> </o:p>).
    let report = extract("samples/08_shuyang-county-fgj-2023.html");
    let id = "applications.new_received.commercial_enterprise";
    assert_eq!(
        report.cell("applications", "new_received", "commercial_enterprise"),
        None
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.code == "blank_cell" && w.cell.as_deref() == Some(id))
    );
    assert_eq!(report.status, Status::Complete, "a blank cell is located");
}

#[test]
fn gbk_copies_give_the_same_cells() {
    for (utf8, gbk) in [
        (
            "samples/seed-shaodong-2023.txt",
            "samples/seed-shaodong-2023.gbk.txt",
        ),
        (
            "samples/09_pingtan-2024.html",
            "samples/09_pingtan-2024.gbk.html",
        ),
    ] {
        let (a, b) = (extract(utf8), extract(gbk));
        assert_eq!(b.source.encoding.as_deref(), Some("gb18030"), "{gbk}");
        assert_eq!(cells(&a), cells(&b), "{gbk}");
        assert_eq!(b.status, Status::Complete);
    }
}

#[test]
fn a_list_page_is_not_a_report_and_lists_its_reports() {
    let report = extract("samples/not-reports/pingtan-list-page.html");
    assert_eq!(report.status, Status::NotAReport);
    assert!(report.reason.as_deref().unwrap().contains("list page"));
    assert_eq!(report.links.len(), 10);
    assert!(report.links.iter().all(|l| l.text.contains("年度报告")));
    assert!(report.cells().next().is_none());
    assert_eq!(report.meta.agency, None);
}

#[test]
fn empty_whitespace_and_binary_inputs_are_not_reports() {
    for (bytes, words) in [
        (&b""[..], "empty"),
        (&b" \n\n\t"[..], "whitespace"),
        (&b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"[..], "PDF"),
        (&[0u8, 159, 146, 150, 0, 1, 2, 3][..], "binary"),
    ] {
        let report = extract_bytes(bytes, xxgk::Source::default(), None);
        assert_eq!(report.status, Status::NotAReport, "{words}");
        assert!(
            report.reason.as_deref().unwrap().contains(words),
            "{:?}",
            report.reason
        );
        assert!(report.source.sha256.is_some());
    }
}

#[test]
fn a_page_without_report_tables_is_not_a_report() {
    let html =
        "<html><head><title>首页</title></head><body><p>欢迎访问</p><p>新闻动态</p></body></html>";
    let report = extract_bytes(html.as_bytes(), xxgk::Source::default(), None);
    assert_eq!(report.status, Status::NotAReport);
    assert!(report.reason.as_deref().unwrap().contains("no table"));
}

/// Documents about reports that are not reports, decided by structure (no
/// table of the template, no report sections with text under them): each is
/// `not_a_report` with its reason, and gives no metadata and no cell.
#[test]
fn documents_about_reports_are_not_reports() {
    let names_a_report = "names an annual report but holds neither";
    for (file, reason) in [
        ("samples/not-reports/title-only.txt", names_a_report),
        ("samples/not-reports/notice-2023.html", names_a_report),
        ("samples/not-reports/news-meeting-2024.html", names_a_report),
        ("samples/not-reports/contents-2023.txt", names_a_report),
        (
            "samples/not-reports/guide.html",
            "no table of the report template and no report sections",
        ),
        (
            "samples/not-reports/summary-2023.html",
            "sections without any table of the template: a summary or excerpt of a 2023 report",
        ),
        (
            "samples/not-reports/tables-as-images-2023.html",
            "tables are given as images (3 image(s))",
        ),
        (
            "samples/not-reports/report-2023.rtf",
            "the input is an RTF document",
        ),
    ] {
        let report = extract(file);
        assert_eq!(
            report.status,
            Status::NotAReport,
            "{file}: {:?}",
            report.reason
        );
        let got = report.reason.as_deref().unwrap_or("");
        assert!(got.contains(reason), "{file}: {got}");
        assert!(report.cells().next().is_none(), "{file}");
        assert_eq!(report.meta.agency, None, "{file}");
        assert_eq!(report.meta.template, Template::Unknown, "{file}");
    }
}

/// A document is a report when a cell of the template can be read from it,
/// whatever its outline: a fragment holding two rows of table 二 under a
/// report's title keeps its numbers.
#[test]
fn a_fragment_with_template_cells_is_a_report() {
    let text = "某县2023年政府信息公开工作年度报告\n信息内容 本年处理决定数量\n\
                行政处罚 3985758\n行政强制 88283\n";
    let report = extract_bytes(text.as_bytes(), xxgk::Source::default(), None);
    assert_eq!(report.status, Status::Partial, "{:?}", report.reason);
    assert_eq!(report.meta.template, Template::T2021);
    let number = |row| {
        report
            .cell("active_disclosure", row, "decisions")
            .map(|n| n.to_string())
    };
    assert_eq!(number("punishment").as_deref(), Some("3985758"));
    assert_eq!(number("coercion").as_deref(), Some("88283"));
}

/// A page that lays out the tables' row labels is a report even when none
/// of its cells can be read (values lost, say): `partial`, with no table (no
/// line of nulls in the tidy CSV) and a `no_cell_read` warning.
#[test]
fn a_page_with_the_tables_but_no_readable_cell_is_a_partial_report() {
    let labels = [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "（七）总计",
        "四、结转下年度继续办理",
    ];
    let text = format!(
        "某县2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n{}\n",
        labels.join("\n")
    );
    let report = extract_bytes(text.as_bytes(), xxgk::Source::default(), None);
    assert_eq!(report.status, Status::Partial, "{:?}", report.reason);
    assert!(report.cells().next().is_none());
    assert!(report.warnings.iter().any(|w| w.code == "no_cell_read"));

    // The same labels in a sentence are prose, not a table.
    let prose = format!(
        "某县2023年政府信息公开工作年度报告\n{}。\n",
        labels.join("，")
    );
    let report = extract_bytes(prose.as_bytes(), xxgk::Source::default(), None);
    assert_eq!(report.status, Status::NotAReport);
}

/// RTF is named whatever the text inside it: written with UTF-8 Chinese it
/// used to be read as a text dump, agency `rtf1\ansi`.
#[test]
fn an_rtf_file_is_named_as_such() {
    let rtf = "{\\rtf1\\ansi\\deff0 平潭综合实验区2023年政府信息公开工作年度报告\\par}";
    let report = extract_bytes(rtf.as_bytes(), xxgk::Source::default(), None);
    assert_eq!(report.status, Status::NotAReport);
    assert_eq!(
        report.reason.as_deref(),
        Some("the input is an RTF document, not an HTML page or a text dump")
    );
}

/// The notes beside the samples (`NAME.source.md`) describe pages, name
/// their reports, even quote their labels and numbers: none is a report.
#[test]
fn the_samples_notes_are_not_reports() {
    let mut notes = Vec::new();
    for dir in ["samples", "samples/hard", "samples/not-reports"] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with(".source.md") {
                notes.push(path);
            }
        }
    }
    assert!(notes.len() >= 20, "{notes:?}");
    for note in notes {
        let report = extract_file(&note).unwrap();
        assert_eq!(
            report.status,
            Status::NotAReport,
            "{}: {:?}",
            note.display(),
            report.warnings
        );
        assert!(report.cells().next().is_none(), "{}", note.display());
    }
}

/// A pre-2019 report has no template table but has its sections: it stays a
/// report, `partial`, template `unknown`, and has no cell (so no tidy row).
#[test]
fn a_pre_2019_report_stays_partial_without_cells() {
    let report = extract("samples/hard/12_pingtan-2018-oldformat.txt");
    assert_eq!(report.status, Status::Partial);
    assert_eq!(report.meta.template, Template::Unknown);
    assert_eq!(report.meta.year, Some(2018));
    assert!(report.cells().next().is_none());
}

#[test]
fn missing_and_directory_paths_are_errors_naming_the_path() {
    let err = extract_file(Path::new("samples/no-such-report.html")).unwrap_err();
    assert_eq!(err.to_string(), "samples/no-such-report.html: no such file");
    let err = extract_file(Path::new("samples")).unwrap_err();
    assert!(
        err.to_string().starts_with("samples: is a directory"),
        "{err}"
    );
}

#[test]
fn a_truncated_page_is_partial_and_keeps_what_it_has() {
    let page = std::fs::read_to_string("samples/seed-shaodong-2023.txt").unwrap();
    let cut = page.find("(五)不予处理").unwrap();
    let report = extract_bytes(&page.as_bytes()[..cut], xxgk::Source::default(), None);
    assert_eq!(report.status, Status::Partial);
    let truth = truth("samples/seed-shaodong-2023.truth.csv");
    for ((t, r, c), v) in cells(&report) {
        if !v.is_empty() {
            assert_eq!(
                Some(&v),
                truth.get(&(t.clone(), r.clone(), c.clone())),
                "{t}.{r}.{c}"
            );
        }
    }
    assert_eq!(
        report
            .cell("applications", "unable_not_held", "total")
            .map(|n| n.to_string()),
        Some("25".to_string())
    );
    assert_eq!(
        report.cell("applications", "total_processed", "total"),
        None
    );
    assert!(
        report.warnings.iter().any(|w| w.code == "row_not_found"
            && w.cell.as_deref() == Some("applications.total_processed"))
    );
    let balance = report
        .checks
        .iter()
        .find(|c| c.id == "applications.balance.total")
        .unwrap();
    assert_eq!(balance.ok, None, "{}", balance.detail);
}

/// The globs README gives (`samples/*.html samples/*.txt`, `samples/hard/*.txt`,
/// `samples/variants/*`) pick up reports only: the notes beside the pages are
/// named so that no such glob catches them.
#[test]
fn the_sample_globs_give_exactly_the_reports() {
    let mut pages = Vec::new();
    for (dir, extensions) in [
        ("samples", &["html", "txt"][..]),
        ("samples/hard", &["txt"][..]),
        ("samples/variants", &["txt", "md"][..]),
    ] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if path.is_file() && extensions.contains(&ext) {
                pages.push(path);
            }
        }
    }
    assert!(pages.len() >= 20, "{pages:?}");
    for path in pages {
        let report = extract_file(&path).unwrap();
        assert!(
            matches!(report.status, Status::Complete | Status::Partial),
            "{}: {:?} {:?}",
            path.display(),
            report.status,
            report.reason
        );
    }
}

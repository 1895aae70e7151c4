//! Report copies as crawl archives keep them (`samples/hard/14_…`–`16_…`):
//! CR-only line breaks, blank cells that left no trace, labels and digits
//! glued on one line, a table stated in words, an archive header. Every
//! cell against an expected file written by reading each copy by hand.

use std::path::Path;

use xxgk::model::Template;
use xxgk::{Report, extract_file};

#[path = "support/cells.rs"]
mod support_cells;

use support_cells::{cells, read_cells};

const ARCHIVES: [(&str, Template); 3] = [
    ("14_hebei-jyt-2021", Template::T2021),
    ("15_putian-hyyyj-2021", Template::T2021),
    ("16_hebei-gxt-2019", Template::T2019),
];

fn report(name: &str) -> Report {
    extract_file(Path::new(&format!("samples/hard/{name}.txt"))).unwrap()
}

fn warnings<'a>(report: &'a Report, code: &str) -> Vec<&'a xxgk::model::Warning> {
    report.warnings.iter().filter(|w| w.code == code).collect()
}

#[test]
fn archive_copies_give_exactly_their_expected_cells() {
    for (name, template) in ARCHIVES {
        let report = report(name);
        assert_eq!(report.meta.template, template, "{name}");
        let expected = read_cells(&format!("samples/hard/{name}.expected.csv"));
        let got = cells(&report);
        let cells_in_template = if template == Template::T2021 {
            200
        } else {
            198
        };
        assert_eq!(expected.len(), cells_in_template, "{name}");
        let differ: Vec<String> = expected
            .iter()
            .filter(|(k, v)| got.get(*k) != Some(v))
            .map(|(k, v)| format!("{k:?}: expected {v:?}, got {:?}", got.get(k)))
            .collect();
        assert!(differ.is_empty(), "{name}:\n{}", differ.join("\n"));
        // No number outside the expected cells either.
        assert!(
            got.iter()
                .all(|(k, v)| v.is_empty() || expected.get(k) == Some(v)),
            "{name}"
        );
    }
}

#[test]
fn a_copy_with_only_carriage_returns_is_read_line_by_line() {
    let report = report("14_hebei-jyt-2021");
    let text = std::fs::read("samples/hard/14_hebei-jyt-2021.txt").unwrap();
    assert!(!text.contains(&b'\n'));
    assert_eq!(
        report
            .cell("applications", "new_received", "total")
            .map(|n| n.as_str()),
        Some("37")
    );
    // The 上年结转 row shows six cells in a copy that keeps empty lines for
    // blank ones: one cell is missing without a trace, so none is placed.
    assert!(
        report.warnings.iter().any(|w| w.code == "row_not_placed"
            && w.cell.as_deref() == Some("applications.carried_over"))
    );
}

#[test]
fn vanished_blank_cells_are_zero_or_blank_and_say_so() {
    let report = report("15_putian-hyyyj-2021");
    // A single 0 per row: every placement gives 0 or a dropped blank.
    let blank_or_zero = warnings(&report, "blank_or_zero");
    assert!(
        blank_or_zero
            .iter()
            .any(|w| w.cell.as_deref() == Some("applications.new_received")
                && w.message.contains("applications.new_received.total")),
        "{blank_or_zero:#?}"
    );
    assert!(
        report
            .recovered
            .contains(&"review_litigation.review.total".to_string())
    );
    // Cells the copy shows in full are read, not recovered.
    assert!(
        !report
            .recovered
            .contains(&"active_disclosure.normative_documents.in_force".to_string())
    );
    assert_eq!(
        report
            .cell("active_disclosure", "normative_documents", "in_force")
            .map(|n| n.as_str()),
        Some("7")
    );
}

#[test]
fn an_archive_header_gives_meta_and_the_original_url() {
    let report = report("15_putian-hyyyj-2021");
    assert_eq!(
        report.meta.title.as_deref(),
        Some("莆田市海洋与渔业局2021年政府信息公开工作年度报告")
    );
    assert_eq!(report.meta.agency.as_deref(), Some("莆田市海洋与渔业局"));
    assert_eq!(report.meta.published.as_deref(), Some("2022-01-14"));
    assert_eq!(
        report.source.original_url.as_deref(),
        Some(
            "https://www.putian.gov.cn/zfxxgk/bmzfxxgk/pthyyyyj/zfxxgk/zfxxgknb/202201/t20220114_1698332.htm"
        )
    );
}

#[test]
fn a_glued_template_2019_copy_gives_what_is_certain() {
    let report = report("16_hebei-gxt-2019");
    let cell = |t, r, c| report.cell(t, r, c).map(|n| n.to_string());
    // `22`: a 2 in an unknown applicant column and 总计 2.
    assert_eq!(
        cell("applications", "new_received", "total").as_deref(),
        Some("2")
    );
    assert_eq!(cell("applications", "new_received", "natural_person"), None);
    let ambiguous = warnings(&report, "glued_ambiguous");
    assert!(
        ambiguous
            .iter()
            .any(|w| w.cell.as_deref() == Some("applications.new_received")
                && w.message.contains("6 readings")),
        "{ambiguous:#?}"
    );
    // `规章000` is three zeros; `行政许可156-5997` has no certain cut.
    assert_eq!(
        cell("active_disclosure", "regulations", "total_published").as_deref(),
        Some("0")
    );
    assert_eq!(cell("active_disclosure", "licensing", "decisions"), None);
    assert!(
        warnings(&report, "glued_no_sums")
            .iter()
            .any(|w| w.cell.as_deref() == Some("active_disclosure.procurement"))
    );
    // Table 四 is a sentence: every cell 0, recovered, the sentence quoted.
    let stated = warnings(&report, "stated_in_text");
    assert_eq!(stated.len(), 1, "{stated:#?}");
    assert!(
        stated[0]
            .message
            .contains("未发生涉及政府信息公开的行政复议、行政诉讼案件")
    );
    assert_eq!(
        cell("review_litigation", "litigation_direct", "total").as_deref(),
        Some("0")
    );
    assert!(
        report
            .recovered
            .contains(&"review_litigation.review.upheld".to_string())
    );
    // The prose's `收到2份…申请` is never read as a number.
    assert_eq!(cell("applications", "granted", "natural_person"), None);
}

/// Table 三 absent, a sentence in its place: every cell 0, recovered, the
/// sentence quoted; the prose's other numbers are not read.
#[test]
fn a_table_stated_in_words_is_all_zero_and_says_so() {
    let text = "某局2021年政府信息公开工作年度报告\n一、总体情况\n全年主动公开信息35条。\n\
        二、主动公开政府信息情况\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n规章\n0\n0\n0\n\
        三、收到和处理政府信息公开申请情况\n本年度未收到政府信息公开申请。\n\
        四、政府信息公开行政复议、行政诉讼情况\n本年度未发生政府信息公开行政复议、行政诉讼案件。\n\
        五、存在的主要问题及改进情况\n无。\n";
    let report = xxgk::extract_bytes(text.as_bytes(), xxgk::Source::default(), None);
    let stated = warnings(&report, "stated_in_text");
    assert_eq!(stated.len(), 2, "{:#?}", report.warnings);
    assert!(
        stated
            .iter()
            .any(|w| w.cell.as_deref() == Some("applications")
                && w.message.contains("本年度未收到政府信息公开申请"))
    );
    for (table, row, col, value) in report.cells() {
        if table != "active_disclosure" {
            assert_eq!(value.map(|n| n.as_str()), Some("0"), "{table}.{row}.{col}");
            assert!(report.recovered.contains(&format!("{table}.{row}.{col}")));
        }
    }
    // A sentence that counts is no statement: table 四 stays absent.
    let counted = text.replace(
        "本年度未发生政府信息公开行政复议、行政诉讼案件",
        "本年度发生行政复议1件",
    );
    let report = xxgk::extract_bytes(counted.as_bytes(), xxgk::Source::default(), None);
    assert_eq!(report.cell("review_litigation", "review", "total"), None);
}

//! Real pages as they are: the layout variants of SPEC's templates, each from a
//! real page (`samples/hard/`) or a faithful reduction of one.

use std::path::Path;

use xxgk::model::Template;
use xxgk::{Report, Source, Status, extract_bytes, extract_file};

#[path = "support/cells.rs"]
mod support_cells;

use support_cells::{Cells, cells, failed_checks, read_cells};

fn extract_str(page: &str) -> Report {
    extract_bytes(page.as_bytes(), Source::default(), None)
}

fn cell(report: &Report, table: &str, row: &str, column: &str) -> Option<String> {
    report.cell(table, row, column).map(|n| n.to_string())
}

fn non_null_cells(report: &Report) -> Cells {
    without_nulls(cells(report))
}

fn expected(path: &str) -> Cells {
    without_nulls(read_cells(path))
}

fn without_nulls(cells: Cells) -> Cells {
    cells.into_iter().filter(|(_, v)| !v.is_empty()).collect()
}

/// A template-2021 table 三 as HTML rows, from a list of (label, 7 values).
fn applications_rows(rows: &[(&str, [&str; 7])]) -> String {
    rows.iter()
        .map(|(label, v)| {
            let cells: String = v.iter().map(|x| format!("<td>{x}</td>")).collect();
            format!("<tr><td colspan=\"3\">{label}</td>{cells}</tr>")
        })
        .collect()
}

const APPLICANT_HEADER: &str = "<tr><td colspan=\"3\" rowspan=\"2\">申请人情况</td><td rowspan=\"2\">自然人</td>\
<td colspan=\"5\">法人或其他组织</td><td rowspan=\"2\">总计</td></tr>\
<tr><td>商业<br/>企业</td><td>科研<br/>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>";

/// The 25 rows of a consistent template-2021 table 三 (seven columns each).
fn consistent_rows() -> Vec<(&'static str, [&'static str; 7])> {
    let z = ["0", "0", "0", "0", "0", "0", "0"];
    vec![
        (
            "一、本年新收政府信息公开申请数量",
            ["10", "2", "0", "0", "0", "0", "12"],
        ),
        (
            "二、上年结转政府信息公开申请数量",
            ["1", "0", "0", "0", "0", "0", "1"],
        ),
        ("（一）予以公开", ["5", "1", "0", "0", "0", "0", "6"]),
        (
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            ["2", "0", "0", "0", "0", "0", "2"],
        ),
        ("（三）不予公开 1.属于国家秘密", z),
        ("2.其他法律行政法规禁止公开", z),
        ("3.危及“三安全一稳定”", z),
        ("4.保护第三方合法权益", ["1", "0", "0", "0", "0", "0", "1"]),
        ("5.属于三类内部事务信息", z),
        ("6.属于四类过程性信息", z),
        ("7.属于行政执法案卷", z),
        ("8.属于行政查询事项", z),
        (
            "（四）无法提供 1.本机关不掌握相关政府信息",
            ["2", "1", "0", "0", "0", "0", "3"],
        ),
        ("2.没有现成信息需要另行制作", z),
        ("3.补正后申请内容仍不明确", z),
        ("（五）不予处理 1.信访举报投诉类申请", z),
        ("2.重复申请", z),
        ("3.要求提供公开出版物", z),
        ("4.无正当理由大量反复申请", z),
        ("5.要求行政机关确认或重新出具已获取信息", z),
        (
            "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            z,
        ),
        (
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            z,
        ),
        ("3.其他", z),
        ("（七）总计", ["10", "2", "0", "0", "0", "0", "12"]),
        (
            "四、结转下年度继续办理",
            ["1", "0", "0", "0", "0", "0", "1"],
        ),
    ]
}

const ACTIVE_2021: &str = "<p>二、主动公开政府信息情况</p><table>\
<tr><td colspan=\"4\">第二十条第（一）项</td></tr>\
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>\
<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>\
<tr><td>行政规范性文件</td><td>14</td><td>27</td><td>62</td></tr>\
<tr><td colspan=\"4\">第二十条第（五）项</td></tr>\
<tr><td>信息内容</td><td colspan=\"3\">本年处理决定数量</td></tr>\
<tr><td>行政许可</td><td colspan=\"3\">24421</td></tr>\
<tr><td>行政处罚</td><td colspan=\"3\">9373</td></tr>\
<tr><td>行政强制</td><td colspan=\"3\">566</td></tr>\
<tr><td>信息内容</td><td colspan=\"3\">本年收费金额（单位：万元）</td></tr>\
<tr><td>行政事业性收费</td><td colspan=\"3\">9750.26</td></tr></table>";

const REVIEW_2021: &str = "<p>四、政府信息公开行政复议、行政诉讼情况</p><table>\
<tr><td colspan=\"5\">行政复议</td><td colspan=\"10\">行政诉讼</td></tr>\
<tr><td rowspan=\"2\">结果维持</td><td rowspan=\"2\">结果纠正</td><td rowspan=\"2\">其他结果</td>\
<td rowspan=\"2\">尚未审结</td><td rowspan=\"2\">总计</td><td colspan=\"5\">未经复议直接起诉</td><td colspan=\"5\">复议后起诉</td></tr>\
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>\
<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>\
<tr><td>2</td><td>0</td><td>0</td><td>1</td><td>3</td><td>6</td><td>3</td><td>1</td><td>1</td><td>11</td>\
<td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>";

fn page(applications_table: &str) -> String {
    format!(
        "<html><body><p>某县人民政府2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>概况。</p>\
         {ACTIVE_2021}<p>三、收到和处理政府信息公开申请情况</p>{applications_table}{REVIEW_2021}\
         <p>五、存在的主要问题及改进情况</p><p>问题。</p><p>六、其他需要报告的事项</p><p>无。</p></body></html>"
    )
}

#[test]
fn a_synthetic_clean_page_is_complete_and_consistent() {
    let table = format!(
        "<table>{APPLICANT_HEADER}{}</table>",
        applications_rows(&consistent_rows())
    );
    let report = extract_str(&page(&table));
    assert_eq!(report.status, Status::Complete, "{:#?}", report.warnings);
    assert!(
        failed_checks(&report).is_empty(),
        "{:?}",
        failed_checks(&report)
    );
    assert_eq!(
        cell(
            &report,
            "applications",
            "unable_not_held",
            "commercial_enterprise"
        )
        .as_deref(),
        Some("1")
    );
    assert_eq!(
        cell(&report, "review_litigation", "litigation_direct", "total").as_deref(),
        Some("11")
    );
    assert_eq!(report.meta.agency.as_deref(), Some("某县人民政府"));
}

#[test]
fn subtotal_rows_and_a_legal_person_subtotal_column() {
    // 28 × 8 layout: （三）（四）（五）（六） carry subtotals, and a 小计 column
    // follows the five organisations.
    let header = "<tr><td colspan=\"3\" rowspan=\"2\">申请人情况</td><td rowspan=\"2\">自然人</td>\
<td colspan=\"6\">法人或其他组织</td><td rowspan=\"2\">总计</td></tr>\
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>小计</td></tr>";
    let mut html = String::new();
    for (label, v) in consistent_rows() {
        let org: i64 = v[1..6].iter().map(|x| x.parse::<i64>().unwrap()).sum();
        let (group_label, item) = match label.split_once(' ') {
            Some((g, i)) if g.starts_with('（') => (Some(g), i),
            _ => (None, label),
        };
        if let Some(g) = group_label {
            // Subtotal row: the sum of the group's items, which for this fixture are
            // all zero except the two non-zero rows below.
            let sub = match g {
                "（三）不予公开" => ["1", "0", "0", "0", "0", "0", "0", "1"],
                "（四）无法提供" => ["2", "1", "0", "0", "0", "0", "1", "3"],
                _ => ["0"; 8],
            };
            let cells: String = sub.iter().map(|x| format!("<td>{x}</td>")).collect();
            html.push_str(&format!("<tr><td colspan=\"3\">{g}</td>{cells}</tr>"));
        }
        let mut cells: Vec<String> = v[..6].iter().map(|x| x.to_string()).collect();
        cells.push(org.to_string());
        cells.push(v[6].to_string());
        let cells: String = cells.iter().map(|x| format!("<td>{x}</td>")).collect();
        html.push_str(&format!("<tr><td colspan=\"3\">{item}</td>{cells}</tr>"));
    }
    let report = extract_str(&page(&format!("<table>{header}{html}</table>")));
    assert_eq!(report.status, Status::Complete, "{:#?}", report.warnings);
    assert_eq!(
        cell(&report, "applications", "denied_subtotal", "total").as_deref(),
        Some("1")
    );
    assert_eq!(
        cell(
            &report,
            "applications",
            "unable_subtotal",
            "commercial_enterprise"
        )
        .as_deref(),
        Some("1")
    );
    assert_eq!(
        cell(
            &report,
            "applications",
            "new_received",
            "legal_person_subtotal"
        )
        .as_deref(),
        Some("2")
    );
    assert_eq!(
        cell(&report, "applications", "new_received", "total").as_deref(),
        Some("12")
    );
    assert!(
        failed_checks(&report).is_empty(),
        "{:?}",
        failed_checks(&report)
    );
    for id in [
        "applications.subtotal.denied.total",
        "applications.subtotal.unable.natural_person",
        "applications.subtotal.legal_person.new_received",
    ] {
        let check = report
            .checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        assert_eq!(check.ok, Some(true), "{id}: {}", check.detail);
    }
}

#[test]
fn a_table_split_over_several_table_elements() {
    let rows = consistent_rows();
    let table = format!(
        "<table>{APPLICANT_HEADER}{}</table><p>（续表）</p><table>{}</table>",
        applications_rows(&rows[..12]),
        applications_rows(&rows[12..])
    );
    let report = extract_str(&page(&table));
    assert_eq!(report.status, Status::Complete, "{:#?}", report.warnings);
    assert_eq!(
        cell(&report, "applications", "carried_forward", "total").as_deref(),
        Some("1")
    );
    assert!(failed_checks(&report).is_empty());
}

#[test]
fn a_label_with_a_note_and_an_extra_row() {
    let active = ACTIVE_2021
        .replace("<td>规章</td>", "<td>规章（设区的市、自治州人民政府应提供相关数据）</td>")
        .replace(
            "<tr><td colspan=\"4\">第二十条第（五）项</td></tr>",
            "<tr><td>其他主动公开文件</td><td>5</td><td>0</td><td>9</td></tr><tr><td colspan=\"4\">第二十条第（五）项</td></tr>",
        );
    let table = format!(
        "<table>{APPLICANT_HEADER}{}</table>",
        applications_rows(&consistent_rows())
    );
    let html = page(&table).replace(ACTIVE_2021, &active);
    let report = extract_str(&html);
    assert_eq!(
        cell(&report, "active_disclosure", "regulations", "in_force").as_deref(),
        Some("0")
    );
    assert_eq!(
        cell(
            &report,
            "active_disclosure",
            "normative_documents",
            "issued"
        )
        .as_deref(),
        Some("14")
    );
    assert_eq!(report.status, Status::Complete);
    let extra: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.code == "extra_row")
        .collect();
    assert_eq!(extra.len(), 1, "{extra:#?}");
    assert!(
        extra[0].message.contains("其他主动公开文件") && extra[0].message.contains("[5, 0, 9]")
    );
}

#[test]
fn null_markers_signed_changes_and_units() {
    let rows: Vec<(&str, [&str; 7])> = consistent_rows()
        .into_iter()
        .map(|(l, v)| {
            if l.starts_with("二、") {
                (l, ["1", "/", "—", "-", "无", "不适用", "1"])
            } else {
                (l, v)
            }
        })
        .collect();
    let table = format!(
        "<table>{APPLICANT_HEADER}{}</table>",
        applications_rows(&rows)
    );
    let html = page(&table)
        .replace("<td>14</td>", "<td>１４</td>")
        .replace(
            "<td colspan=\"3\">24421</td>",
            "<td colspan=\"3\">24,421件</td>",
        )
        .replace("9750.26", "9750.26万元");
    let report = extract_str(&html);
    for col in [
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
    ] {
        assert_eq!(
            cell(&report, "applications", "carried_over", col),
            None,
            "{col}"
        );
    }
    assert_eq!(
        cell(
            &report,
            "active_disclosure",
            "normative_documents",
            "issued"
        )
        .as_deref(),
        Some("14")
    );
    assert_eq!(
        cell(&report, "active_disclosure", "licensing", "decisions").as_deref(),
        Some("24421")
    );
    assert_eq!(
        cell(&report, "active_disclosure", "fees", "amount_wan_yuan").as_deref(),
        Some("9750.26")
    );
    assert_eq!(report.status, Status::Complete);
}

#[test]
fn a_page_whose_own_arithmetic_is_wrong_is_extracted_as_printed() {
    let rows: Vec<(&str, [&str; 7])> = consistent_rows()
        .into_iter()
        .map(|(l, v)| {
            if l == "（七）总计" {
                (l, ["10", "2", "0", "0", "0", "0", "13"])
            } else {
                (l, v)
            }
        })
        .collect();
    let table = format!(
        "<table>{APPLICANT_HEADER}{}</table>",
        applications_rows(&rows)
    );
    let report = extract_str(&page(&table));
    assert_eq!(
        cell(&report, "applications", "total_processed", "total").as_deref(),
        Some("13")
    );
    let failed = failed_checks(&report);
    assert!(
        failed.contains(&"applications.row_total.total_processed"),
        "{failed:?}"
    );
    assert!(failed.contains(&"applications.balance.total"), "{failed:?}");
    assert!(
        failed.contains(&"applications.results_sum.total"),
        "{failed:?}"
    );
    let detail = &report
        .checks
        .iter()
        .find(|c| c.id == "applications.balance.total")
        .unwrap()
        .detail;
    assert_eq!(detail, "12 + 1 ≠ 13 + 1 (13 vs 14)");
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_null_never_shifted() {
    let mut rows = consistent_rows();
    rows[2].1 = ["5", "1", "0", "0", "0", "6", "0"];
    let mut html = applications_rows(&rows);
    // Drop one cell of 予以公开: six values where seven belong.
    html = html.replacen(
        "<td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>6</td><td>0</td>",
        "<td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>6</td>",
        1,
    );
    let report = extract_str(&page(&format!("<table>{APPLICANT_HEADER}{html}</table>")));
    assert_eq!(report.status, Status::Partial);
    assert_eq!(
        cell(&report, "applications", "granted", "natural_person"),
        None
    );
    assert_eq!(
        cell(
            &report,
            "applications",
            "partially_granted",
            "natural_person"
        )
        .as_deref(),
        Some("2")
    );
}

#[test]
fn table_four_spread_over_three_labelled_rows() {
    let review = "<p>四、因政府信息公开工作被申请行政复议、提起行政诉讼情况</p><table>\
<tr><td></td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>\
<tr><td>行政诉讼（复议后起诉）</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>\
<tr><td>行政复议</td><td>2</td><td>0</td><td>0</td><td>1</td><td>3</td></tr>\
<tr><td>行政诉讼（未经复议直接起诉）</td><td>6</td><td>3</td><td>1</td><td>1</td><td>11</td></tr></table>";
    let table = format!(
        "<table>{APPLICANT_HEADER}{}</table>",
        applications_rows(&consistent_rows())
    );
    let report = extract_str(&page(&table).replace(REVIEW_2021, review));
    assert_eq!(
        cell(&report, "review_litigation", "review", "total").as_deref(),
        Some("3")
    );
    assert_eq!(
        cell(&report, "review_litigation", "litigation_direct", "upheld").as_deref(),
        Some("6")
    );
    assert_eq!(
        cell(
            &report,
            "review_litigation",
            "litigation_after_review",
            "total"
        )
        .as_deref(),
        Some("0")
    );
    assert_eq!(report.status, Status::Complete);
}

#[test]
fn text_dump_with_labels_and_values_on_one_line() {
    // PDF text: vertical group labels, split header words, page markers.
    let text = "二、主动公开政府信息情况\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 1 0 5\n\
行政许可 7\n行政处罚 3\n行政强制 0\n行政事业性收费 1.5\n- 3 -\n三、收到和处理政府信息公开申请情况\n";
    let rows: String = consistent_rows()
        .iter()
        .map(|(l, v)| format!("{l} {}\n", v.join(" ")))
        .collect();
    let review = "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n2 0 0 1 3 6 3 1 1 11 0 0 0 0 0\n五、存在的主要问题及改进情况\n无。\n";
    let report = extract_str(&format!(
        "某局2023年政府信息公开工作年度报告\n{text}{rows}{review}"
    ));
    assert_eq!(report.status, Status::Complete, "{:#?}", report.warnings);
    assert_eq!(
        cell(&report, "active_disclosure", "fees", "amount_wan_yuan").as_deref(),
        Some("1.5")
    );
    assert_eq!(
        cell(&report, "applications", "other_other", "total").as_deref(),
        Some("0")
    );
    assert!(failed_checks(&report).is_empty());
}

/// Every hard dump: the cells xxgk outputs are exactly the hand-checked ones —
/// no wrong number, and nothing that used to be read is lost.
#[test]
fn hard_dumps_give_only_verified_numbers() {
    for name in [
        "02_shuyang-county-2025",
        "03_shanghai-stcsm-2024",
        "04_shanghai-gov-office-2025",
        "12_pingtan-2018-oldformat",
        "13_unknown-city-2024-section3-fragment",
    ] {
        let report = extract_file(Path::new(&format!("samples/hard/{name}.txt"))).unwrap();
        let want = expected(&format!("samples/hard/{name}.expected.csv"));
        let got = non_null_cells(&report);
        let wrong: Vec<_> = got
            .iter()
            .filter(|(k, v)| want.get(*k) != Some(v))
            .collect();
        assert!(
            wrong.is_empty(),
            "{name}: numbers not on the page: {wrong:?}"
        );
        let lost: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
        assert!(lost.is_empty(), "{name}: verified cells not read: {lost:?}");
        assert!(failed_checks(&report).is_empty(), "{name}");
    }
}

#[test]
fn markdown_dump_with_generic_headers_is_complete() {
    let report = extract_file(Path::new("samples/hard/02_shuyang-county-2025.txt")).unwrap();
    assert_eq!(report.status, Status::Complete, "{:#?}", report.warnings);
    assert_eq!(report.meta.year, Some(2025));
}

#[test]
fn a_pre_2019_report_is_template_unknown_with_metadata() {
    let report = extract_file(Path::new("samples/hard/12_pingtan-2018-oldformat.txt")).unwrap();
    assert_eq!(report.meta.template, Template::Unknown);
    assert_eq!(report.status, Status::Partial);
    assert_eq!(report.meta.year, Some(2018));
    assert_eq!(report.meta.agency.as_deref(), Some("平潭综合实验区"));
    assert_eq!(report.meta.published.as_deref(), Some("2019-01-10"));
    assert!(report.warnings.iter().any(|w| w.code == "unknown_template"));
}

/// The two real HTML pages re-exported the way users receive them: a browser's
/// "save as text" (one cell per line; blank cells vanish) and a Markdown export
/// (spans lost). Nothing may be wrong; what is lost must be null.
#[test]
fn text_exports_of_real_pages_never_give_a_wrong_number() {
    for (dump, truth, at_least) in [
        (
            "samples/variants/pingtan-2024.lines.txt",
            "samples/09_pingtan-2024.truth.csv",
            200,
        ),
        (
            "samples/variants/pingtan-2024.md",
            "samples/09_pingtan-2024.truth.csv",
            200,
        ),
        (
            "samples/variants/shanghai-2019.lines.txt",
            "samples/01_shanghai-gov-office-2019.truth.csv",
            157,
        ),
        (
            "samples/variants/shanghai-2019.md",
            "samples/01_shanghai-gov-office-2019.truth.csv",
            171,
        ),
    ] {
        let report = extract_file(Path::new(dump)).unwrap();
        let want = expected(truth);
        let mut right = 0;
        for ((t, r, c), v) in report.cells().map(|(t, r, c, v)| ((t, r, c), v)) {
            let truth_value = want.get(&(t.into(), r.into(), c.into()));
            match v {
                Some(n) => {
                    assert_eq!(Some(&n.to_string()), truth_value, "{dump}: {t}.{r}.{c}");
                    right += 1;
                }
                None if truth_value.is_none() => right += 1,
                None => {}
            }
        }
        assert!(
            right >= at_least,
            "{dump}: {right} cells right, expected at least {at_least}"
        );
    }
}

#[test]
fn reworded_and_misnumbered_headings_and_tables_in_one_element() {
    // Headings renumbered and reworded, the 该部分以表格形式报告 sentence, and
    // tables 二 and 三 inside a single <table>.
    let table = format!(
        "<table>{}{APPLICANT_HEADER}{}</table>",
        ACTIVE_2021
            .trim_start_matches("<p>二、主动公开政府信息情况</p><table>")
            .trim_end_matches("</table>"),
        applications_rows(&consistent_rows())
    );
    let html = format!(
        "<html><body><p>某县人民政府2023年政府信息公开工作年度报告</p><p>一、总体情况</p><p>概况。</p>\
         <p>三、行政机关主动公开政府信息情况</p><p>该部分以表格形式报告。</p>{table}\
         {}<p>六、政府信息公开工作存在的主要问题及改进情况</p><p>问题。</p>\
         <p>七、其他需要报告的事项</p><p>无。</p></body></html>",
        REVIEW_2021.replace(
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
        )
    );
    let report = extract_str(&html);
    assert_eq!(report.status, Status::Complete, "{:#?}", report.warnings);
    assert_eq!(
        cell(&report, "active_disclosure", "licensing", "decisions").as_deref(),
        Some("24421")
    );
    assert_eq!(
        cell(&report, "applications", "granted", "total").as_deref(),
        Some("6")
    );
    assert_eq!(
        cell(&report, "review_litigation", "review", "pending").as_deref(),
        Some("1")
    );
    assert_eq!(report.sections.problems.as_deref(), Some("问题。"));
    assert_eq!(report.sections.other_matters.as_deref(), Some("无。"));
    assert!(failed_checks(&report).is_empty());
}

#[test]
fn template_2019_markdown_table_two_with_signed_changes_and_units() {
    let text = "2020年某区人民政府政府信息公开工作年度报告\n二、主动公开政府信息情况\n\
| 第二十条第（一）项 | | | |\n|---|---|---|---|\n\
| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |\n\
| 规章 | 0 | 0 | 0 |\n| 规范性文件 | 12 | 12 | 1,203 |\n\
| 第二十条第（五）项 | | | |\n| 信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |\n\
| 行政许可 | 150 | 减4 | 8,120 |\n| 其他对外管理服务事项 | 20 | +2 | 300 |\n\
| 第二十条第（六）项 | | | |\n| 行政处罚 | 31 | -1 | 9 |\n| 行政强制 | 5 | 0 | — |\n\
| 第二十条第（八）项 | | | |\n| 行政事业性收费 | 3 | 0 | |\n\
| 第二十条第（九）项 | | | |\n| 信息内容 | 采购项目数量 | 采购总金额 | |\n| 政府集中采购 | 6 | 52.15万元 | |\n";
    let report = extract_str(text);
    assert_eq!(report.meta.template, Template::T2019);
    let ad = |r: &str, c: &str| cell(&report, "active_disclosure", r, c);
    assert_eq!(ad("licensing", "change").as_deref(), Some("-4"));
    assert_eq!(ad("other_services", "change").as_deref(), Some("2"));
    assert_eq!(ad("punishment", "change").as_deref(), Some("-1"));
    assert_eq!(
        ad("normative_documents", "total_published").as_deref(),
        Some("1203")
    );
    assert_eq!(ad("licensing", "decisions").as_deref(), Some("8120"));
    assert_eq!(ad("coercion", "decisions"), None);
    assert_eq!(ad("fees", "prev_year_items").as_deref(), Some("3"));
    assert_eq!(ad("procurement", "amount").as_deref(), Some("52.15"));
    let unit = &report.active_disclosure["procurement"]["amount_unit"];
    assert_eq!(
        unit.as_ref().map(|v| v.to_string()).as_deref(),
        Some("万元")
    );
}

/// Labels as real pages misprint them: characters missing (printed so in
/// two official PDFs), items numbered `1、`, a stray space inside a label.
/// Each is known by its item number within its group and most of its words.
#[test]
fn misprinted_labels_are_known_by_item_number_and_words() {
    let misprint = |label: &str| match label {
        "2.其他法律行政法规禁止公开" => "2.其他法律行政止公开".to_string(),
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" => {
            "（二）部分公开（区分处理的，只计这一情 形，不计其他情形）".to_string()
        }
        "2.重复申请" => "2、重复申请".to_string(),
        "3.其他" => "3、其他".to_string(),
        other => other.to_string(),
    };
    let rows: Vec<(String, [&str; 7])> = consistent_rows()
        .into_iter()
        .map(|(l, v)| (misprint(l), v))
        .collect();
    let as_str: Vec<(&str, [&str; 7])> = rows.iter().map(|(l, v)| (l.as_str(), *v)).collect();
    let html = page(&format!(
        "<table>{APPLICANT_HEADER}{}</table>",
        applications_rows(&as_str)
    ));
    let text: String = as_str
        .iter()
        .map(|(l, v)| format!("{l}\n{}\n", v.join("\n")))
        .collect();
    let text = format!(
        "某县人民政府2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n\
         法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n{text}"
    );
    for report in [extract_str(&html), extract_str(&text)] {
        for row in [
            "denied_prohibited_by_law",
            "not_processed_duplicate",
            "other_other",
        ] {
            assert_eq!(
                cell(&report, "applications", row, "total").as_deref(),
                Some("0"),
                "{row}"
            );
        }
        assert_eq!(
            cell(&report, "applications", "partially_granted", "total").as_deref(),
            Some("2")
        );
        assert!(
            !report.warnings.iter().any(|w| w.code == "extra_row"),
            "{:#?}",
            report.warnings
        );
    }
}

/// A group heading spanning its rows, with a 小计 row of its own and the
/// item `3.其他` whose spanned heading cell lands after it: 小计 is the
/// group's subtotal (not an applicant column), `3.其他` its own item.
#[test]
fn a_spanned_group_heading_with_a_subtotal_row_and_its_other_item() {
    let z = "<td>0</td>".repeat(7);
    let table = format!(
        "<table>{APPLICANT_HEADER}\
         <tr><td colspan=\"3\">一、本年新收政府信息公开申请数量</td>{z}</tr>\
         <tr><td rowspan=\"4\">三、本年度办理结果</td><td colspan=\"2\">（一）予以公开</td>{z}</tr>\
         <tr><td rowspan=\"4\">（六）其他处理</td><td>小计</td>{z}</tr>\
         <tr><td>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请</td>{z}</tr>\
         <tr><td>2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请</td>{z}</tr>\
         <tr><td>3.其他</td>{z}</tr>\
         <tr><td colspan=\"3\">（七）总计</td>{z}</tr></table>"
    );
    let report = extract_str(&page(&table));
    for row in [
        "other_subtotal",
        "other_no_correction",
        "other_unpaid_fee",
        "other_other",
    ] {
        assert_eq!(
            cell(&report, "applications", row, "total").as_deref(),
            Some("0"),
            "{row}"
        );
    }
    assert!(
        !report.applications.contains_key("legal_person_subtotal")
            && report.applications["other_other"].len() == 7,
        "小计 is a row here, not a column"
    );
    assert!(
        !report
            .warnings
            .iter()
            .any(|w| w.code == "extra_row" || w.code == "duplicate_row")
    );
}

//! Text dumps whose table cells were glued together: the real ones in
//! `samples/hard/` against hand-cut expected cells, random glued tables that
//! must come back exactly or as nulls, and runs too long to cut.

use std::path::Path;

use proptest::prelude::*;
use xxgk::model::Template;
use xxgk::template::{APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_ROWS, application_rows};
use xxgk::{Report, Source, extract_bytes, extract_file};

#[path = "support/cells.rs"]
mod support_cells;

use support_cells::{Cells, cells, read_cells};

/// The glued dumps of `samples/hard/` and their template.
const GLUED: [(&str, Template); 5] = [
    ("05_pingtan-2021", Template::T2021),
    ("06_pingtan-2019", Template::T2019),
    ("07_pingtan-2020", Template::T2019),
    ("10_pingtan-2022", Template::T2021),
    ("11_pingtan-2023", Template::T2021),
];

fn expected(name: &str) -> Cells {
    read_cells(&format!("samples/hard/{name}.expected.csv"))
}

fn read(text: &str) -> Report {
    let source = Source {
        path: Some("generated.txt".into()),
        ..Source::default()
    };
    extract_bytes(text.as_bytes(), source, None)
}

#[test]
fn glued_dumps_recover_tables_three_and_four_exactly() {
    for (name, template) in GLUED {
        let report = extract_file(Path::new(&format!("samples/hard/{name}.txt"))).unwrap();
        assert_eq!(report.meta.template, template, "{name}");
        let expected = expected(name);
        let got = cells(&report);

        // Tables 三 and 四: every cell, as cut by hand.
        let solved_tables = |k: &(String, String, String)| k.0 != "active_disclosure";
        let wrong: Vec<String> = expected
            .iter()
            .filter(|(k, _)| solved_tables(k))
            .filter(|(k, v)| got.get(*k) != Some(v))
            .map(|(k, v)| format!("{k:?}: expected {v:?}, got {:?}", got.get(k)))
            .collect();
        assert!(wrong.is_empty(), "{name}: {}", wrong.join("\n"));
        let table_three = expected.keys().filter(|k| k.0 == "applications").count();
        assert_eq!(
            table_three,
            if template == Template::T2021 {
                175
            } else {
                161
            }
        );
        assert_eq!(
            expected
                .keys()
                .filter(|k| k.0 == "review_litigation")
                .count(),
            15
        );

        // No number anywhere is wrong: a cell with a number has the expected one.
        let wrong_numbers: Vec<String> = got
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .filter(|(k, v)| expected.get(*k) != Some(v))
            .map(|(k, v)| format!("{k:?}: got {v:?}, expected {:?}", expected.get(k)))
            .collect();
        assert!(
            wrong_numbers.is_empty(),
            "{name}: {}",
            wrong_numbers.join("\n")
        );

        // Recovered cells are named, exist, and hold a number.
        assert!(!report.recovered.is_empty(), "{name}");
        for id in &report.recovered {
            let mut parts = id.splitn(3, '.');
            let (t, r, c) = (parts.next(), parts.next(), parts.next());
            let (Some(t), Some(r), Some(c)) = (t, r, c) else {
                panic!("{name}: recovered id {id:?} is not table.row.column")
            };
            assert!(report.cell(t, r, c).is_some(), "{name}: {id} is null");
        }
    }
}

#[test]
fn cells_the_separators_show_are_read_not_recovered() {
    let report = extract_file(Path::new("samples/hard/10_pingtan-2022.txt")).unwrap();
    // Table 四 is `0 1 1 0 2 1 0 0 0 1 0 0 0 0 0`: read.
    assert!(
        report
            .recovered
            .iter()
            .all(|id| !id.starts_with("review_litigation.")),
        "{:?}",
        report.recovered
    );
    assert_eq!(
        report
            .cell("review_litigation", "review", "total")
            .map(|n| n.as_str()),
        Some("2")
    );
    // Table 三's `713000074` is solved: recovered.
    assert!(
        report
            .recovered
            .contains(&"applications.new_received.natural_person".to_string())
    );
    // Table 二's single-value rows are read as they stand; the glued
    // three-value rows are left null.
    assert!(
        report
            .recovered
            .iter()
            .all(|id| !id.starts_with("active_disclosure."))
    );
    assert_eq!(
        report
            .cell("active_disclosure", "licensing", "decisions")
            .map(|n| n.as_str()),
        Some("10690")
    );
    assert_eq!(
        report.cell("active_disclosure", "normative_documents", "issued"),
        None
    );
    assert!(report.warnings.iter().any(|w| w.code == "glued_no_sums"
        && w.cell.as_deref() == Some("active_disclosure.normative_documents")
        && w.message.contains("8855698")));
}

/// The template-2021 table-三 labels in source order, as a page writes them.
const LABELS_2021: [&str; 25] = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果（一）予以公开",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "（三）不予公开1.属于国家秘密",
    "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”",
    "4.保护第三方合法权益",
    "5.属于三类内部事务信息",
    "6.属于四类过程性信息",
    "7.属于行政执法案卷",
    "8.属于行政查询事项",
    "（四）无法提供1.本机关不掌握相关政府信息",
    "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确",
    "（五）不予处理1.信访举报投诉类申请",
    "2.重复申请",
    "3.要求提供公开出版物",
    "4.无正当理由大量反复申请",
    "5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他",
    "（七）总计",
    "四、结转下年度继续办理",
];

/// A consistent table 三 (25 rows × 7) and table 四 (3 × 5).
#[derive(Debug, Clone)]
struct Tables {
    applications: Vec<[u64; 7]>,
    review: Vec<[u64; 5]>,
}

fn with_total6(v: &[u64]) -> [u64; 7] {
    let mut row = [0; 7];
    row[..6].copy_from_slice(v);
    row[6] = v.iter().sum();
    row
}

/// Mostly zeros and small counts, as real tables are, with some large ones.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![6 => Just(0u64), 3 => 1u64..10, 2 => 10u64..300, 1 => 300u64..40_000]
}

fn tables() -> impl Strategy<Value = Tables> {
    (
        prop::collection::vec(count(), 21 * 6),
        prop::collection::vec(count(), 6),
        prop::collection::vec(any::<u64>(), 6),
        prop::collection::vec(count(), 12),
    )
        .prop_map(|(results, forward, over, review)| {
            let result_rows: Vec<[u64; 7]> = results.chunks(6).map(with_total6).collect();
            let processed: Vec<u64> = (0..6)
                .map(|c| result_rows.iter().map(|r| r[c]).sum())
                .collect();
            // new + over = processed + forward, with every cell ≥ 0.
            let over: Vec<u64> = (0..6)
                .map(|c| over[c] % (processed[c] + forward[c] + 1))
                .collect();
            let new: Vec<u64> = (0..6)
                .map(|c| processed[c] + forward[c] - over[c])
                .collect();
            let mut applications = vec![with_total6(&new), with_total6(&over)];
            applications.extend(result_rows);
            applications.push(with_total6(&processed));
            applications.push(with_total6(&forward));
            let review = review
                .chunks(4)
                .map(|g| [g[0], g[1], g[2], g[3], g.iter().sum()])
                .collect();
            Tables {
                applications,
                review,
            }
        })
}

/// Glues a row's numbers, showing `separator` where `shown` says so.
fn glue(values: &[u64], shown: &[bool], separator: char) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 && shown.get(i).copied().unwrap_or(false) {
            out.push(separator);
        }
        out.push_str(&v.to_string());
    }
    out
}

/// How a generated dump is damaged besides its glued cells.
#[derive(Debug, Clone, Copy, Default)]
struct Damage {
    /// Each label and each run on a line of its own.
    line_breaks: bool,
    /// Item numbers without their mark: `2其他法律…` for `2.其他法律…`.
    unmarked_items: bool,
}

/// A dump with tables glued, on one line like the archive's unless `damage`
/// says otherwise.
fn dump(tables: &Tables, shown: &[bool], damage: Damage) -> String {
    let br = if damage.line_breaks { "\n" } else { "" };
    // Cells a line apart, or a space apart.
    let separator = if damage.line_breaks { '\n' } else { ' ' };
    let mut text = String::from(
        "标题: 某县人民政府2023年政府信息公开工作年度报告\n\
         一、总体情况 全年主动公开政府信息2645条。\
         二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000\
         行政规范性文件693665第二十条第（五）项信息内容本年处理决定数量行政许可2293\
         三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\
         申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他",
    );
    for (i, (label, row)) in LABELS_2021.iter().zip(&tables.applications).enumerate() {
        if damage.unmarked_items {
            text.push_str(&label.replace('.', ""));
        } else {
            text.push_str(label);
        }
        text.push_str(br);
        text.push_str(&glue(row, &shown[i * 7..], separator));
        text.push_str(br);
    }
    text.push_str(
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计\
         未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计",
    );
    let review: Vec<u64> = tables.review.iter().flatten().copied().collect();
    text.push_str(br);
    text.push_str(&glue(&review, &shown[25 * 7..], separator));
    text.push_str(br);
    text.push_str("五、存在的主要问题及改进情况 无。六、其他需要报告的事项 无。\n");
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The solver gives back the original number or null, never another one;
    /// a row whose run has one digit per cell has a single cut and is always
    /// recovered.
    #[test]
    fn glued_tables_come_back_exactly_or_null(
        tables in tables(),
        shown in prop::collection::vec(prop::bool::weighted(0.2), 25 * 7 + 15),
        line_breaks in any::<bool>(),
        unmarked_items in prop::bool::weighted(0.25),
    ) {
        let damage = Damage { line_breaks, unmarked_items };
        let report = read(&dump(&tables, &shown, damage));
        prop_assert_eq!(report.meta.template, Template::T2021);
        for (key, row) in application_rows(Template::T2021).iter().zip(&tables.applications) {
            for (col, want) in APPLICANT_COLUMNS.iter().zip(row) {
                let got = report.cell("applications", key, col).map(|n| n.to_string());
                prop_assert!(
                    got.is_none() || got == Some(want.to_string()),
                    "{}.{}: got {:?}, original {}", key, col, got, want
                );
                // (An unmarked item number may add a reading, so only with marks.)
                if row.iter().all(|v| *v < 10) && !unmarked_items {
                    prop_assert_eq!(got, Some(want.to_string()), "{}.{}", key, col);
                }
            }
        }
        for (key, row) in REVIEW_ROWS.iter().zip(&tables.review) {
            for (col, want) in REVIEW_COLUMNS.iter().zip(row) {
                let got = report.cell("review_litigation", key, col).map(|n| n.to_string());
                prop_assert!(
                    got.is_none() || got == Some(want.to_string()),
                    "{}.{}: got {:?}, original {}", key, col, got, want
                );
            }
        }
    }
}

/// Pieces a damaged dump is made of: a label and its digits, or noise.
fn fragment() -> impl Strategy<Value = String> {
    let label = prop_oneof![
        4 => prop::sample::select(LABELS_2021.to_vec()),
        1 => prop::sample::select(vec![
            "行政复议结果维持总计",
            "五、存在的主要问题",
            "规章",
            "行政许可",
            "第二十条第（一）项信息内容本年制发件数",
            "（三）不予公开",
            "小计",
            "元",
            "。",
        ]),
    ];
    let digits = prop_oneof![
        Just("0000000".to_string()),
        "[0-9]{1,16}",
        "[0-9０-９ .、\\-−\n]{0,40}",
    ];
    prop_oneof![
        4 => (label, digits).prop_map(|(l, d)| format!("{l}{d}")),
        1 => "[0-9 .、\\-−\n]{0,10}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any mix of labels and digits is read without a panic, and whatever
    /// table-三 and table-四 cells come out are counts.
    #[test]
    fn arbitrary_glued_text_never_panics(parts in prop::collection::vec(fragment(), 0..120)) {
        let text = format!("标题: 某县2023年政府信息公开工作年度报告\n{}", parts.concat());
        let report = read(&text);
        for (table, _, _, value) in report.cells() {
            if table != "active_disclosure" {
                prop_assert!(value.is_none_or(|n| n.as_i64().is_some_and(|v| v >= 0)));
            }
        }
    }
}

/// Deterministic pseudo-random digits.
fn garbage(len: usize) -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'0' + (state % 10) as u8)
        })
        .collect()
}

#[test]
fn a_ten_thousand_digit_run_gives_nulls() {
    let zeros = Tables {
        applications: vec![[0; 7]; 25],
        review: vec![[0; 5]; 3],
    };
    let text = dump(&zeros, &[false; 25 * 7 + 15], Damage::default());
    let run = garbage(10_000);
    // The new_received row and table 四 both carry the garbage.
    let text = text
        .replacen("申请数量0000000", &format!("申请数量{run}"), 1)
        .replacen("000000000000000五、", &format!("{run}五、"), 1);
    let report = read(&text);
    for col in APPLICANT_COLUMNS {
        assert_eq!(report.cell("applications", "new_received", col), None);
    }
    for row in REVIEW_ROWS {
        for col in REVIEW_COLUMNS {
            assert_eq!(report.cell("review_litigation", row, col), None);
        }
    }
    // The other rows are still recovered, and the nulls are explained.
    assert_eq!(
        report
            .cell("applications", "carried_over", "total")
            .map(|n| n.as_str()),
        Some("0")
    );
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.cell.as_deref() == Some("applications.new_received")),
        "{:#?}",
        report.warnings
    );
}

#[test]
fn a_forty_digit_run_is_searched_and_left_null() {
    let zeros = Tables {
        applications: vec![[0; 7]; 25],
        review: vec![[0; 5]; 3],
    };
    let text = dump(&zeros, &[false; 25 * 7 + 15], Damage::default());
    let run = garbage(40);
    let text = text.replacen("（一）予以公开0000000", &format!("（一）予以公开{run}"), 1);
    let report = read(&text);
    for col in APPLICANT_COLUMNS {
        let got = report.cell("applications", "granted", col);
        assert!(got.is_none(), "granted.{col}: {got:?}");
    }
}

#[test]
fn an_ambiguous_row_names_itself_and_its_number_of_readings() {
    // `110000011` reads as 11,0,0,0,0,0,11 or as 1,10,0,0,0,0,11; this
    // fragment has no total_processed or carried_forward row whose column
    // sums could choose.
    let text = "标题: 某县人民政府2023年政府信息公开工作年度报告\n\
        三、收到和处理政府信息公开申请情况 申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他\
        一、本年新收政府信息公开申请数量1000001二、上年结转政府信息公开申请数量0000000\
        三、本年度办理结果（一）予以公开110000011（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000\n";
    let report = read(text);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.code == "glued_ambiguous")
        .unwrap_or_else(|| panic!("{:#?}", report.warnings));
    assert_eq!(warning.cell.as_deref(), Some("applications.granted"));
    assert!(
        warning.message.contains("2 readings"),
        "{}",
        warning.message
    );
    let cell = |col| {
        report
            .cell("applications", "granted", col)
            .map(|n| n.as_str())
    };
    assert_eq!(cell("natural_person"), None);
    assert_eq!(cell("commercial_enterprise"), None);
    assert_eq!(cell("research_institution"), Some("0"));
    assert_eq!(cell("total"), Some("11"));
}

#[test]
fn prose_that_quotes_row_labels_is_not_read_as_rows() {
    let text = std::fs::read_to_string("samples/hard/10_pingtan-2022.txt").unwrap();
    let prose = "一、总体情况本年新收政府信息公开申请75件，（一）予以公开21件，行政复议2件。";
    let text = text.replacen("一、总体情况", prose, 1);
    assert!(text.contains(prose));
    let report = read(&text);
    let expected = expected("10_pingtan-2022");
    for ((table, row, col), value) in &expected {
        if table == "active_disclosure" {
            continue;
        }
        let got = report.cell(table, row, col).map(|n| n.to_string());
        assert_eq!(got.as_deref(), Some(value.as_str()), "{table}.{row}.{col}");
    }
}

#[test]
fn a_subtotal_column_is_solved_with_its_own_sum() {
    // 自然人 5; 商业企业 2, 科研机构 1 → 小计 3; 总计 8. 小计 follows 其他.
    let mut text = String::from(
        "标题: 某县人民政府2023年政府信息公开工作年度报告\n\
         三、收到和处理政府信息公开申请情况 申请人情况自然人法人或其他组织总计\
         商业企业科研机构社会公益组织法律服务机构其他小计",
    );
    for (i, label) in LABELS_2021.iter().enumerate() {
        text.push_str(label);
        text.push_str(match i {
            0 | 2 | 23 => "52100038",
            _ => "00000000",
        });
    }
    // The same with every header word and every label on a line of its own.
    let lines = text
        .replace("申请人情况", "\n申请人情况\n")
        .replace("法人或其他组织", "\n法人或其他组织\n")
        .replace("其他小计", "其他\n小计\n");
    for text in [text, lines] {
        check_subtotal_dump(&read(&text));
    }
}

fn check_subtotal_dump(report: &Report) {
    let cell = |row, col| report.cell("applications", row, col).map(|n| n.to_string());
    for row in ["new_received", "granted", "total_processed"] {
        assert_eq!(cell(row, "natural_person").as_deref(), Some("5"), "{row}");
        assert_eq!(cell(row, "commercial_enterprise").as_deref(), Some("2"));
        assert_eq!(cell(row, "legal_person_subtotal").as_deref(), Some("3"));
        assert_eq!(cell(row, "total").as_deref(), Some("8"));
    }
    assert_eq!(
        cell("carried_over", "legal_person_subtotal").as_deref(),
        Some("0")
    );
}

/// The prose of these reports quotes the tables' totals; the hand-cut
/// expected files must agree with it (`收到申请75件，涉及自然人72件…`).
#[test]
fn expected_files_agree_with_the_totals_the_prose_quotes() {
    let sum = |cells: &Cells, table: &str, rows: &[&str], col: &str| -> u64 {
        rows.iter()
            .map(|r| {
                let k = (table.to_string(), r.to_string(), col.to_string());
                cells[&k].parse::<u64>().unwrap()
            })
            .sum()
    };
    let quotes = |name: &str, phrases: &[&str]| {
        let text = std::fs::read_to_string(format!("samples/hard/{name}.txt")).unwrap();
        for p in phrases {
            assert!(text.contains(p), "{name}: the prose no longer says {p}");
        }
        expected(name)
    };
    let a = "applications";

    // 本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理
    let e = quotes(
        "05_pingtan-2021",
        &["共收到70件申请", "办结69件，1件结转下年度"],
    );
    assert_eq!(sum(&e, a, &["new_received", "carried_over"], "total"), 70);
    assert_eq!(sum(&e, a, &["total_processed"], "total"), 69);
    assert_eq!(sum(&e, a, &["carried_forward"], "total"), 1);

    // 共受理政府信息公开申请21件
    let e = quotes("07_pingtan-2020", &["受理政府信息公开申请21件"]);
    assert_eq!(sum(&e, a, &["new_received"], "total"), 21);

    // 收到政府信息公开申请75件，涉及自然人72件、商业企业3件; 行政诉讼案件1件、行政复议案件2件
    let e = quotes(
        "10_pingtan-2022",
        &[
            "申请75件，涉及自然人72件、商业企业3件",
            "行政诉讼案件1件、行政复议案件2件",
        ],
    );
    let received = ["new_received", "carried_over"];
    assert_eq!(sum(&e, a, &received, "total"), 75);
    assert_eq!(sum(&e, a, &received, "natural_person"), 72);
    assert_eq!(sum(&e, a, &received, "commercial_enterprise"), 3);
    assert_eq!(sum(&e, "review_litigation", &["review"], "total"), 2);
    let litigation = ["litigation_direct", "litigation_after_review"];
    assert_eq!(sum(&e, "review_litigation", &litigation, "total"), 1);

    // 申请共计81件，涉及自然人80件、商业企业1件; 予以公开及部分公开42件 … 行政诉讼案件7件
    let e = quotes(
        "11_pingtan-2023",
        &[
            "共计81件，涉及自然人80件、商业企业1件",
            "予以公开及部分公开42件",
            "不予公开5件",
            "无法提供31件",
            "不予处理1件",
            "其他处理2件",
            "行政复议案件2件、行政诉讼案件7件",
        ],
    );
    assert_eq!(sum(&e, a, &["new_received"], "total"), 81);
    assert_eq!(sum(&e, a, &["new_received"], "natural_person"), 80);
    assert_eq!(sum(&e, a, &["new_received"], "commercial_enterprise"), 1);
    assert_eq!(sum(&e, a, &["granted", "partially_granted"], "total"), 42);
    let denied = [
        "denied_state_secret",
        "denied_prohibited_by_law",
        "denied_security_stability",
        "denied_third_party_rights",
        "denied_internal_affairs",
        "denied_process_information",
        "denied_law_enforcement_files",
        "denied_administrative_query",
    ];
    assert_eq!(sum(&e, a, &denied, "total"), 5);
    let unable = [
        "unable_not_held",
        "unable_needs_creation",
        "unable_unclear_after_correction",
    ];
    assert_eq!(sum(&e, a, &unable, "total"), 31);
    let not_processed = [
        "not_processed_complaint",
        "not_processed_duplicate",
        "not_processed_publication",
        "not_processed_excessive",
        "not_processed_confirmation",
    ];
    assert_eq!(sum(&e, a, &not_processed, "total"), 1);
    let other = ["other_no_correction", "other_unpaid_fee", "other_other"];
    assert_eq!(sum(&e, a, &other, "total"), 2);
    assert_eq!(sum(&e, "review_litigation", &["review"], "total"), 2);
    assert_eq!(sum(&e, "review_litigation", &litigation, "total"), 7);
}

#[test]
fn item_numbers_without_their_mark_are_split_off() {
    // `…00000002.其他法律…` → `…00000002其他法律…`
    let marks = regex::Regex::new(r"(\d)\.(\p{Han})").unwrap();
    for name in ["10_pingtan-2022", "11_pingtan-2023"] {
        let text = std::fs::read_to_string(format!("samples/hard/{name}.txt")).unwrap();
        let text = marks.replace_all(&text, "$1$2");
        assert!(text.contains("00000002其他法律"), "{name}");
        let report = read(&text);
        for ((table, row, col), value) in expected(name) {
            if table == "applications" {
                let got = report.cell(&table, &row, &col).map(|n| n.to_string());
                assert_eq!(got, Some(value), "{name}: {table}.{row}.{col}");
            }
        }
    }
}

/// The 2021 truth files' tables 三 and 四, a blank cell as 0.
fn truth_tables() -> Vec<Tables> {
    [
        "samples/seed-shaodong-2023.truth.csv",
        "samples/08_shuyang-county-fgj-2023.truth.csv",
        "samples/09_pingtan-2024.truth.csv",
    ]
    .iter()
    .map(|path| {
        let truth = read_cells(path);
        let value = |table: &str, row: &str, col: &str| -> u64 {
            let k = (table.to_string(), row.to_string(), col.to_string());
            truth.get(&k).and_then(|v| v.parse().ok()).unwrap_or(0)
        };
        Tables {
            applications: application_rows(Template::T2021)
                .iter()
                .map(|r| APPLICANT_COLUMNS.map(|c| value("applications", r, c)))
                .collect(),
            review: REVIEW_ROWS
                .iter()
                .map(|r| REVIEW_COLUMNS.map(|c| value("review_litigation", r, c)))
                .collect(),
        }
    })
    .collect()
}

/// The cells of tables 三 and 四 whose number is not the table's (a blank
/// compared as 0).
fn numbers_not_in(report: &Report, tables: &Tables) -> Vec<String> {
    let applications = application_rows(Template::T2021)
        .iter()
        .zip(&tables.applications)
        .flat_map(|(row, values)| {
            APPLICANT_COLUMNS
                .iter()
                .zip(values)
                .map(move |(c, v)| ("applications", *row, *c, *v))
        });
    let review = REVIEW_ROWS
        .iter()
        .zip(&tables.review)
        .flat_map(|(row, values)| {
            REVIEW_COLUMNS
                .iter()
                .zip(values)
                .map(move |(c, v)| ("review_litigation", *row, *c, *v))
        });
    applications
        .chain(review)
        .filter_map(|(table, row, col, want)| {
            let got = report.cell(table, row, col)?.to_string();
            (got != want.to_string())
                .then(|| format!("{table}.{row}.{col}: got {got}, table {want}"))
        })
        .collect()
}

/// How a page and its archive wrote a table down.
#[derive(Debug, Clone, Copy)]
struct Archive {
    /// Labels and digits run together on one line (else one value per line).
    glued: bool,
    /// A glued copy's page leaves every zero cell blank (else it writes
    /// them all). Glued digits cannot show which of its zeros a page that
    /// mixes both left blank: `1600160…` may be 160,0,160 or 16,0,0,160.
    blank_zeros: bool,
    /// The line break: `\r`, `\n` or `\r\n`.
    line_break: &'static str,
}

/// A copy as crawl archives keep it: the zero cells the page left blank
/// (`dropped`, in a copy with one value per line) leave no trace; the rest
/// one per line, or glued.
fn archive_copy(tables: &Tables, dropped: &[bool], archive: Archive) -> String {
    let br = archive.line_break;
    let cell_break = if archive.glued { "" } else { br };
    let mut text = format!(
        "某县人民政府2023年政府信息公开工作年度报告{br}一、总体情况{br}全年主动公开政府信息2645条。{br}\
         三、收到和处理政府信息公开申请情况{br}申请人情况{br}自然人{br}法人或其他组织{br}总计{br}\
         商业企业{br}科研机构{br}社会公益组织{br}法律服务机构{br}其他{br}"
    );
    let blank = |cell: usize| match archive.glued {
        true => archive.blank_zeros,
        false => dropped[cell],
    };
    let shown = |values: &[u64], at: usize| -> Vec<String> {
        values
            .iter()
            .enumerate()
            .filter(|(i, v)| **v != 0 || !blank(at + i))
            .map(|(_, v)| v.to_string())
            .collect()
    };
    for (i, (label, row)) in LABELS_2021.iter().zip(&tables.applications).enumerate() {
        text.push_str(label);
        for value in shown(row, i * 7) {
            text.push_str(cell_break);
            text.push_str(&value);
        }
        text.push_str(cell_break);
    }
    text.push_str(&format!(
        "{br}四、政府信息公开行政复议、行政诉讼情况{br}行政复议{br}行政诉讼{br}结果维持{br}结果纠正{br}\
         其他结果{br}尚未审结{br}总计{br}未经复议直接起诉{br}复议后起诉{br}结果维持{br}结果纠正{br}\
         其他结果{br}尚未审结{br}总计{br}结果维持{br}结果纠正{br}其他结果{br}尚未审结{br}总计"
    ));
    let review: Vec<u64> = tables.review.iter().flatten().copied().collect();
    for value in shown(&review, 25 * 7) {
        text.push_str(cell_break);
        text.push_str(&value);
    }
    text.push_str(&format!("{br}五、存在的主要问题及改进情况{br}无。{br}"));
    text
}

fn archive() -> impl Strategy<Value = Archive> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec!["\r", "\n", "\r\n"]),
    )
        .prop_map(|(glued, blank_zeros, line_break)| Archive {
            glued,
            blank_zeros,
            line_break,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("XXGK_ARCHIVE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(2000)
    ))]

    /// Whatever an archive dropped or glued, a number the solver writes is
    /// the table's own (a blank compared as 0); it may only leave cells null.
    #[test]
    fn archived_tables_never_give_a_wrong_number(
        tables in prop_oneof![1 => prop::sample::select(truth_tables()), 3 => tables()],
        dropped in prop::collection::vec(prop::bool::weighted(0.7), 25 * 7 + 15),
        archive in archive(),
    ) {
        let report = read(&archive_copy(&tables, &dropped, archive));
        prop_assert_eq!(report.meta.template, Template::T2021);
        let wrong = numbers_not_in(&report, &tables);
        prop_assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

//! Hostile and broken inputs: each must give an answer (a record, whatever its
//! status) and never a panic, a stack overflow or an unbounded run. Large
//! inputs are built here rather than shipped; they are sized so the whole file
//! stays quick in a debug build.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use xxgk::{Report, Source, Status};

fn sample(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const SAMPLES: [&str; 4] = [
    "seed-shaodong-2023.txt",
    "01_shanghai-gov-office-2019.html",
    "08_shuyang-county-fgj-2023.html",
    "09_pingtan-2024.html",
];

/// Runs the whole chain and proves the record is usable: it serialises.
fn extract(bytes: &[u8]) -> Report {
    let report = xxgk::extract_bytes(bytes, Source::default(), None);
    serde_json::to_string(&report).expect("every record serialises");
    report
}

/// The 25 × 7 rows of table 三 as an HTML table with `n` extra data rows in
/// the middle, so the table has `n + 25` rows.
fn applications_table(extra_rows: usize) -> String {
    let mut html = String::from(
        "<table><tr><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td>\
         <td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>\
         <tr><td>一、本年新收政府信息公开申请数量</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>",
    );
    for i in 0..extra_rows {
        write!(
            html,
            "<tr><td>附表行{i}</td><td>{i}</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>{i}</td></tr>"
        )
        .unwrap();
    }
    html.push_str(
        "<tr><td>四、结转下年度继续办理</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>",
    );
    html
}

#[test]
fn deeply_nested_elements_are_refused_quickly() {
    // (`<p><b>` is left out: each <p> closes the last, so it never nests.)
    for tag in ["div", "span", "table><tr><td", "ul><li", "font><span"] {
        let depth = 50_000;
        let close = tag.split('>').next().unwrap_or(tag);
        let mut html = String::from("<html><body><p>一、总体情况</p>");
        html.push_str(&format!("<{tag}>").repeat(depth));
        html.push_str("规章 0");
        html.push_str(&format!("</{close}>").repeat(depth / 2)); // half left unclosed
        let report = extract(html.as_bytes());
        assert_eq!(report.status, Status::NotAReport, "<{tag}> × {depth}");
        let reason = report.reason.unwrap_or_default();
        assert!(reason.contains("nest more than"), "{reason}");
    }
}

#[test]
fn nesting_below_the_limit_is_read() {
    // The applications table wrapped in 1,500 <div>s: deep, but within bounds.
    let depth = 1_500;
    let html = format!(
        "{}{}{}",
        "<div>".repeat(depth),
        applications_table(0),
        "</div>".repeat(depth)
    );
    let report = extract(html.as_bytes());
    assert_eq!(
        report
            .cell("applications", "new_received", "total")
            .map(|n| n.as_str()),
        Some("1")
    );
}

#[test]
fn unclosed_and_truncated_markup_still_gives_the_table() {
    // Every </td> and </tr> dropped, and the page cut off after the last cell.
    let html = applications_table(0)
        .replace("</td>", "")
        .replace("</tr>", "")
        .replace("</table>", "");
    let report = extract(html.as_bytes());
    assert_eq!(
        report
            .cell("applications", "new_received", "total")
            .map(|n| n.as_str()),
        Some("1")
    );
    assert_eq!(
        report
            .cell("applications", "carried_forward", "natural_person")
            .map(|n| n.as_str()),
        Some("0")
    );
}

#[test]
fn a_table_of_ten_thousand_rows_is_read() {
    let html = applications_table(10_000);
    let report = extract(html.as_bytes());
    assert_eq!(
        report
            .cell("applications", "new_received", "natural_person")
            .map(|n| n.as_str()),
        Some("1")
    );
    // The rows that are not in the template are reported, not used.
    assert!(report.warnings.iter().any(|w| w.code == "extra_row"));
    assert_eq!(report.status, Status::Partial);
}

#[test]
fn a_fifty_megabyte_page_is_read() {
    let report_page = String::from_utf8(sample("09_pingtan-2024.html")).unwrap();
    let filler =
        "<p>2024年，平潭综合实验区持续深化政务公开，全年主动公开各类政府信息10407条。</p>\n";
    let mut html = String::with_capacity(51 << 20);
    while html.len() < 50 << 20 {
        html.push_str(filler);
    }
    html.push_str(&report_page);
    let report = extract(html.as_bytes());
    assert_eq!(report.status, Status::Complete);
    assert_eq!(
        report
            .cell("active_disclosure", "fees", "amount_wan_yuan")
            .map(|n| n.as_str()),
        Some("18651.06")
    );
}

#[test]
fn extreme_spans_are_bounded() {
    for (rowspan, colspan) in [
        ("0", "0"),
        ("65535", "65535"),
        ("0", "65535"),
        ("65535", "0"),
    ] {
        let mut html = format!(
            "<table><tr><td rowspan=\"{rowspan}\" colspan=\"{colspan}\">一、本年新收政府信息公开申请数量</td><td>1</td></tr>"
        );
        // Many rows under the span, each asking for a huge span again.
        for i in 0..2_000 {
            write!(
                html,
                "<tr><td colspan=\"{colspan}\" rowspan=\"{rowspan}\">{i}</td><td>{i}</td></tr>"
            )
            .unwrap();
        }
        html.push_str("</table>");
        let report = extract(html.as_bytes());
        assert_ne!(
            report.status,
            Status::Complete,
            "rowspan={rowspan} colspan={colspan}"
        );
    }
}

/// Slots and text bytes of every grid of a page, after span expansion.
fn grid_size(html: &str) -> (usize, usize) {
    let doc = xxgk::flatten::flatten(html);
    let cells = doc.blocks.iter().flat_map(|b| match b {
        xxgk::flatten::Block::Table(g) => g.rows.iter().flatten().collect::<Vec<_>>(),
        xxgk::flatten::Block::Text(_) => Vec::new(),
    });
    cells.fold((0, 0), |(n, bytes), c| (n + 1, bytes + c.text.len()))
}

#[test]
fn span_expansion_cannot_blow_a_small_page_up() {
    // 360 KB: 10,000 rows, each one cell spanning 1,000 columns (10 million
    // slots if expanded; it took 1.8 GB before expansion had a budget).
    let mut wide = String::from("<table>");
    for i in 0..10_000 {
        write!(wide, "<tr><td colspan=1000>x{i}</td></tr>").unwrap();
    }
    let (slots, _) = grid_size(&wide);
    assert!(slots <= 300_000, "{slots} slots");
    assert!((10_000..).contains(&slots), "every cell still appears once");

    // 300 KB of text spanning every row and column below it.
    let mut tall = format!(
        "<table><tr><td rowspan=0 colspan=1000>{}</td></tr>",
        "长".repeat(100_000)
    );
    for i in 0..10_000 {
        write!(tall, "<tr><td>{i}</td></tr>").unwrap();
    }
    let (_, bytes) = grid_size(&tall);
    assert!(bytes <= 8 << 20, "{bytes} bytes of cell text");
    extract(tall.as_bytes());
}

#[test]
fn binary_and_empty_inputs_are_not_reports() {
    assert_eq!(extract(b"").status, Status::NotAReport);
    assert_eq!(extract(b" \n\t ").status, Status::NotAReport);
    assert_eq!(
        extract(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").status,
        Status::NotAReport
    );
    assert_eq!(
        extract(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3").status,
        Status::NotAReport
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_give_an_answer(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let report = extract(&bytes);
        prop_assert!(report.reason.is_some() || report.status != Status::NotAReport);
    }

    #[test]
    fn random_markup_gives_an_answer(parts in proptest::collection::vec(
        prop_oneof![
            Just("<table>"), Just("</table>"), Just("<tr>"), Just("</tr>"), Just("<td>"),
            Just("</td>"), Just("<td rowspan=0>"), Just("<td colspan=65535>"), Just("<th rowspan=3 colspan=2>"),
            Just("<p>"), Just("<br>"), Just("<div class=nav>"), Just("<script>"), Just("</script>"),
            Just("规章"), Just("本年新收"), Just("行政复议"), Just("结果维持"), Just("总计"), Just("其他"),
            Just("3.其他"), Just("12"), Just("0"), Just("—"), Just("1,234"), Just("９７"), Just("\n"), Just("\t"),
            Just("|"), Just("|---|"),
        ],
        0..400,
    )) {
        extract(parts.concat().as_bytes());
    }

    #[test]
    fn truncated_samples_give_an_answer(which in 0..SAMPLES.len(), cut in 0.0..1.0f64) {
        let bytes = sample(SAMPLES[which]);
        let end = (bytes.len() as f64 * cut) as usize;
        let report = extract(&bytes[..end]);
        if report.status == Status::NotAReport {
            prop_assert!(report.reason.is_some());
        }
    }
}

/// A copy built to make the solver work hardest: table 三 glued on one line,
/// every row a long run of digits, one row short (so any cell may be a
/// dropped blank), table 四 sixty digits. The search is bounded: the copy
/// is answered, every cell null with a warning. (Its time is measured in
/// `cargo bench --bench extract`, not here.)
#[test]
fn a_copy_built_to_exhaust_the_solver_gives_nulls() {
    let report = extract(&sample("hostile/solver-worst.txt"));
    assert_eq!(report.status, Status::Partial);
    for (table, row, col, value) in report.cells() {
        if table != "active_disclosure" {
            assert_eq!(value, None, "{table}.{row}.{col}");
        }
    }
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.code == "glued_no_cut" && w.cell.as_deref() == Some("review_litigation")),
        "{:#?}",
        report.warnings
    );
}

//! Reports published as files: PDF and DOCX read cell by cell against their
//! truth, the kinds that cannot be read named with their reason, and hostile
//! files answered within their caps.

#[path = "support/cells.rs"]
mod cells;

use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use cells::{Cells, cells, failed_checks, read_cells};
use xxgk::{Report, Source, Status};

fn path(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/attach")
        .join(name)
        .display()
        .to_string()
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn extract(bytes: &[u8]) -> Report {
    let report = xxgk::extract_bytes(bytes, Source::default(), None);
    serde_json::to_string(&report).expect("every record serialises");
    report
}

/// The cells that differ from the expected file: `(key, expected, got)`.
fn differences(got: &Cells, expected: &Cells) -> Vec<String> {
    let mut out = Vec::new();
    for (key, want) in expected {
        let have = got.get(key).map(String::as_str).unwrap_or("<absent>");
        if have != want {
            out.push(format!("{key:?}: expected {want:?}, got {have:?}"));
        }
    }
    for key in got.keys().filter(|k| !expected.contains_key(*k)) {
        out.push(format!("{key:?}: not expected, got {:?}", got[key]));
    }
    out
}

#[test]
fn both_official_pdfs_match_their_truth() {
    for (name, failing) in [
        // The page's own table 四 totals are wrong: 10 1 0 0 | 0 and 5 0 0 0 | 0.
        (
            "hongze-2023",
            vec![
                "review_litigation.total.review",
                "review_litigation.total.litigation_after_review",
            ],
        ),
        ("hongze-2024", vec![]),
    ] {
        let report = extract(&read(&format!("{name}.pdf")));
        assert_eq!(report.source.format.as_deref(), Some("pdf"), "{name}");
        assert_eq!(report.meta.template, xxgk::model::Template::T2021, "{name}");
        // Both print the row 2.其他法律行政法规禁止公开 misprinted as
        // `2.其他法律行政止公开`: label matching reads it all the same.
        let got = cells(&report);
        let truth = read_cells(&path(&format!("{name}.truth.csv")));
        let diff = differences(&got, &truth);
        assert!(diff.is_empty(), "{name}: {diff:#?}");
        assert_eq!(failed_checks(&report), failing, "{name}");
        assert_eq!(report.meta.year, Some(name[7..].parse().unwrap()));
        // The title, wrapped over two lines on the page, is read whole.
        let agency = report.meta.agency.as_deref().unwrap();
        assert!(agency.ends_with("洪泽区人民政府"), "{name}: {agency}");
    }
}

#[test]
fn a_pdf_rendered_by_libreoffice_reads_the_numbers_it_was_filled_with() {
    // LibreOffice wraps the narrow label columns ("三、本" / "年度办" / "理结果",
    // "（三）不" / "予公开") between the rows of numbers.
    let report = extract(&read("lo-complete-2023.pdf"));
    let diff = differences(
        &cells(&report),
        &read_cells(&path("docx-complete-2023.expected.csv")),
    );
    assert!(diff.is_empty(), "{diff:#?}");
    assert_eq!(report.status, Status::Complete);
    assert!(report.checks.iter().all(|c| c.ok == Some(true)));
    assert_eq!(report.meta.agency.as_deref(), Some("示例县人民政府"));
}

#[test]
fn every_docx_sample_matches_cell_by_cell() {
    for (name, checks_unassessed) in [
        ("docx-complete-2023", 0),
        // Blank, `/`, `—` and `无` cells: null, never 0.
        ("docx-blank-cells-2024", 2),
        // Subtotal rows on （三）（四）（五）（六）, each checked against its items.
        ("docx-subtotal-rows-2022", 0),
        // Table 四 split into a 行政复议 table and a 行政诉讼 table.
        ("docx-split-review-2025", 0),
    ] {
        let report = extract(&read(&format!("{name}.docx")));
        assert_eq!(report.source.format.as_deref(), Some("docx"), "{name}");
        let diff = differences(
            &cells(&report),
            &read_cells(&path(&format!("{name}.expected.csv"))),
        );
        assert!(diff.is_empty(), "{name}: {diff:#?}");
        assert_eq!(report.status, Status::Complete, "{name}");
        assert!(failed_checks(&report).is_empty(), "{name}");
        let unassessed = report.checks.iter().filter(|c| c.ok.is_none()).count();
        assert_eq!(unassessed, checks_unassessed, "{name}");
        assert!(report.meta.agency.as_deref().unwrap().starts_with("示例"));
    }
    let subtotals = extract(&read("docx-subtotal-rows-2022.docx"));
    let subtotal_checks = subtotals
        .checks
        .iter()
        .filter(|c| c.id.starts_with("applications.subtotal."))
        .count();
    assert_eq!(subtotal_checks, 4 * 7);
    let blanks = extract(&read("docx-blank-cells-2024.docx"));
    let blank_warnings = blanks
        .warnings
        .iter()
        .filter(|w| w.code == "blank_cell")
        .count();
    assert_eq!(blank_warnings, 3 + 1 + 7 + 5 + 5);
}

#[test]
fn unreadable_files_are_named_with_their_reason() {
    for (name, words) in [
        (
            "scanned-hongze-2023-p3.pdf",
            "a scanned PDF: its tables are images",
        ),
        ("encrypted-password.pdf", "an encrypted PDF"),
        ("legacy-complete-2023.doc", "convert it to .docx"),
    ] {
        let report = extract(&read(name));
        assert_eq!(report.status, Status::NotAReport, "{name}");
        let reason = report.reason.as_deref().unwrap();
        assert!(reason.contains(words), "{name}: {reason}");
        assert!(report.cells().next().is_none(), "{name}");
    }
    // Encrypted for permissions only (an empty user password): read as usual.
    let open = extract(&read("encrypted-no-password.pdf"));
    assert_eq!(open.status, Status::Complete);
    let diff = differences(
        &cells(&open),
        &read_cells(&path("docx-complete-2023.expected.csv")),
    );
    assert!(diff.is_empty(), "{diff:#?}");
}

#[test]
fn damaged_files_are_named_not_crashed_on() {
    let pdf = read("hongze-2024.pdf");
    let docx = read("docx-complete-2023.docx");
    for (label, bytes, words) in [
        ("cut PDF", &pdf[..20_000], "PDF"),
        ("cut DOCX", &docx[..9_000], "DOCX"),
        (
            "PDF header only",
            &b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"[..],
            "PDF",
        ),
    ] {
        let report = extract(bytes);
        assert_eq!(report.status, Status::NotAReport, "{label}");
        let reason = report.reason.as_deref().unwrap();
        assert!(reason.contains(words), "{label}: {reason}");
    }
}

/// A ZIP archive of the given entries, each deflated.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        out.start_file(*name, options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_and_other_archives_are_refused_by_their_caps() {
    // 40 MB of body that deflates to about 40 KB: past the 32 MB cap.
    let mut body = b"<w:document><w:body><w:p><w:r><w:t>".to_vec();
    body.resize(body.len() + (40 << 20), b'0');
    let bomb = zip(&[("word/document.xml", &body)]);
    assert!(bomb.len() < 1 << 20);
    let started = Instant::now();
    let report = extract(&bomb);
    assert_eq!(report.status, Status::NotAReport);
    assert!(
        report.reason.as_deref().unwrap().contains("ZIP bomb"),
        "{:?}",
        report.reason
    );
    assert!(started.elapsed() < Duration::from_secs(20));

    let workbook = zip(&[("xl/workbook.xml", b"<workbook/>")]);
    let report = extract(&workbook);
    assert!(report.reason.as_deref().unwrap().contains("Excel"));
}

/// A minimal PDF: one page whose content is `content` (with the stream
/// dictionary entries `stream_dict`), plus `extra` objects from number 5 on.
fn pdf(content: &[u8], stream_dict: &str, extra: &[String]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
           /Resources << /XObject << /X1 5 0 R >> /Font << /F1 6 0 R >> >> >>"
            .to_vec(),
    ];
    let mut stream =
        format!("<< /Length {} {stream_dict} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    objects.push(stream);
    objects.extend(extra.iter().map(|o| o.as_bytes().to_vec()));
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

const FONT: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

#[test]
fn a_hand_made_pdf_is_laid_out_by_glyph_position() {
    // A number set 2 pt below its label stays on its row; a row whose cells
    // are drawn right to left is read left to right. `{m}` is the rotation
    // part of the text matrix: upright, then a quarter turn (a landscape
    // table on a portrait page), where the rows' offsets swap axes.
    for (m, rows) in [
        (
            "1 0 0 1",
            [(50, 700), (300, 698), (50, 680), (350, 680), (300, 680)],
        ),
        (
            "0 1 -1 0",
            [(100, 50), (102, 300), (120, 50), (120, 350), (120, 300)],
        ),
    ] {
        let [a, b, c, d, e] = rows.map(|(x, y)| format!("{m} {x} {y} Tm"));
        let content = format!(
            "BT /F1 10 Tf {a} (Licensing decisions) Tj {b} (24421) Tj \
             {c} (Punishment decisions) Tj {d} (12) Tj {e} (9373) Tj ET"
        );
        let text = xxgk::flatten::pdf::read_text(
            &pdf(content.as_bytes(), "", &["<< >>".into(), FONT.into()]),
            Default::default(),
        )
        .expect("a readable PDF");
        assert_eq!(
            text.text, "Licensing decisions 24421\nPunishment decisions 9373 12\n",
            "{m}"
        );
        assert_eq!(text.pages, 1);
    }

    // A page that is one inline image: a scan.
    let scan = b"q 595 0 0 842 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q";
    let report = extract(&pdf(scan, "", &["<< >>".into(), FONT.into()]));
    assert!(
        report
            .reason
            .as_deref()
            .unwrap()
            .starts_with("a scanned PDF"),
        "{:?}",
        report.reason
    );

    // A CID font without a `/ToUnicode` map: its codes have no known text.
    let cid_font = "<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H \
                    /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 >>] >>";
    let codes = format!("BT /F1 10 Tf 50 700 Td <{}> Tj ET", "0011".repeat(40));
    let report = extract(&pdf(
        codes.as_bytes(),
        "",
        &["<< >>".into(), cid_font.into()],
    ));
    assert_eq!(report.status, Status::NotAReport);
    assert!(
        report
            .reason
            .as_deref()
            .unwrap()
            .contains("cannot be decoded"),
        "{:?}",
        report.reason
    );
}

#[test]
fn hostile_pdfs_end_within_their_caps() {
    let compress = |bytes: &[u8]| {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    };
    // A form XObject that draws itself: bounded by the form depth.
    let recursive = pdf(
        b"/X1 Do",
        "",
        &[
            "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length 6 /Resources << /XObject << /X1 5 0 R >> >> >>\nstream\n/X1 Do\nendstream".into(),
            FONT.into(),
        ],
    );
    // A content stream that inflates to 200 MB of spaces.
    let bomb = pdf(
        &compress(&vec![b' '; 200 << 20]),
        "/Filter /FlateDecode",
        &["<< >>".into(), FONT.into()],
    );
    // Arrays nested 100,000 deep in the content, and q without Q.
    let mut nested = b"[".repeat(100_000);
    nested.extend(b"q ".repeat(100_000));
    let nested = pdf(&nested, "", &["<< >>".into(), FONT.into()]);
    // Three million glyphs shown by one string repeated.
    let mut many = b"BT /F1 1 Tf ".to_vec();
    for _ in 0..3_000 {
        many.extend_from_slice(b"(");
        many.extend(b"x".repeat(1_000));
        many.extend_from_slice(b") Tj ");
    }
    many.extend_from_slice(b"ET");
    let many = pdf(&many, "", &["<< >>".into(), FONT.into()]);
    // 1,500 distinct fonts, each set once. The font dictionaries go in place
    // of the page's one font; the shifted offsets make lopdf rebuild the
    // cross-reference table, as it does for damaged files.
    let fonts: String = (0..1_500)
        .map(|i| format!("/F{i} << /Type /Font /Subtype /Type1 /BaseFont /B{i} >> "))
        .collect();
    let sets: String = (0..1_500).map(|i| format!("/F{i} 9 Tf (x) Tj ")).collect();
    let many_fonts = String::from_utf8_lossy(&pdf(
        format!("BT {sets}ET").as_bytes(),
        "",
        &["<< >>".into(), FONT.into()],
    ))
    .replace("/Font << /F1 6 0 R >>", &format!("/Font << {fonts}>>"))
    .into_bytes();
    for (label, bytes, words) in [
        ("many fonts", many_fonts, "more than 1000 fonts"),
        ("recursive form", recursive, "no text"),
        ("content bomb", bomb, "too big"),
        ("nesting", nested, "no text"),
        ("glyphs", many, "more than 1000000 characters"),
    ] {
        let started = Instant::now();
        let report = extract(&bytes);
        assert_eq!(report.status, Status::NotAReport, "{label}");
        let reason = report.reason.as_deref().unwrap();
        assert!(reason.contains(words), "{label}: {reason}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{label}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn the_cli_tells_the_format_from_the_bytes_not_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let disguised = dir.path().join("report.html");
    std::fs::write(&disguised, read("docx-complete-2023.docx")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["extract", "--format", "jsonl"])
        .arg(&disguised)
        .arg(path("hongze-2024.pdf"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records[0]["source"]["format"], "docx");
    assert_eq!(records[1]["source"]["format"], "pdf");
    assert_eq!(records[1]["applications"]["new_received"]["total"], 95);

    let scanned = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("extract")
        .arg(path("scanned-hongze-2023-p3.pdf"))
        .output()
        .unwrap();
    assert_eq!(scanned.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&scanned.stderr).contains("a scanned PDF"));
}

#[test]
fn a_response_is_read_whatever_its_content_type_says() {
    // Servers send report files as octet-stream, and pages with a charset.
    let pdf = xxgk::extract_response(
        &read("hongze-2024.pdf"),
        Source::default(),
        Some("application/octet-stream"),
    );
    assert_eq!(pdf.source.format.as_deref(), Some("pdf"));
    assert_eq!(
        pdf.source.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(pdf.meta.year, Some(2024));
    let page = "<p>一、总体情况</p>".repeat(3);
    let (gbk, _, _) = encoding_rs::GB18030.encode(&page);
    let html = xxgk::extract_response(&gbk, Source::default(), Some("text/html; charset=gbk"));
    assert_eq!(html.source.format.as_deref(), Some("html"));
    assert_eq!(html.source.encoding.as_deref(), Some("gb18030"));
}

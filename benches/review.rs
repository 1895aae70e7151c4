//! `cargo bench --bench review`: how the review page copes with many reports.
//!
//! Builds N records (default 5,000; `XXGK_BENCH_REPORTS=N`) by extracting the
//! samples and varying them (agency, year, a few numbers, re-checked so some
//! checks fail), writes the page with the release `xxgk review`, then opens it
//! in headless Chromium over the DevTools pipe and times what a person does:
//! the page drawing itself, opening the last report, sorting by agency, and
//! filtering by text, status and failing checks. Each interaction is timed in
//! the page from the click to the next painted frame.

#[path = "../tests/support/chromium.rs"]
mod chromium;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use xxgk::Report;
use xxgk::model::{Number, Value};

const SAMPLES: &[&str] = &[
    "samples/seed-shaodong-2023.txt",
    "samples/01_shanghai-gov-office-2019.html",
    "samples/08_shuyang-county-fgj-2023.html",
    "samples/09_pingtan-2024.html",
    "samples/hard/05_pingtan-2021.txt",
    "samples/hard/07_pingtan-2020.txt",
    "samples/hard/10_pingtan-2022.txt",
    "samples/hard/13_unknown-city-2024-section3-fragment.txt",
    "samples/not-reports/pingtan-list-page.html",
];

fn main() {
    let count: usize = std::env::var("XXGK_BENCH_REPORTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records.jsonl");
    std::fs::write(&records, jsonl(&varied_reports(count))).unwrap();
    let page = dir.path().join("review.html");

    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args([
            "review",
            records.to_str().unwrap(),
            "-o",
            page.to_str().unwrap(),
        ])
        .output()
        .expect("run xxgk review");
    let write_time = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let size = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
    println!(
        "{count} reports: records {:.1} MB → page {:.1} MB, written in {:.2} s",
        size(&records),
        size(&page),
        write_time.as_secs_f64()
    );

    let Some(browser) = chromium::find() else {
        return;
    };
    let timeout = Duration::from_secs(300);
    let url = chromium::file_url(&page);
    let started = Instant::now();
    let mut tab = chromium::Page::open(&browser, &url, timeout);
    let opened = started.elapsed();
    let drawn = tab.eval("Number(document.documentElement.dataset.renderMs)");
    let cells = tab.eval("document.querySelectorAll('[data-cell]').length");
    println!(
        "open in chromium: {:.2} s from start to drawn (the page's own script: {drawn} ms); {cells} cells in the DOM",
        opened.as_secs_f64()
    );
    let last = count - 1;
    let steps = [
        (
            "open the last report",
            format!("location.hash = '#r{last}'"),
        ),
        (
            "sort by agency",
            "document.querySelector('[data-column=\"agency\"] button').click()".to_string(),
        ),
        (
            "sort by agency again (descending)",
            "document.querySelector('[data-column=\"agency\"] button').click()".to_string(),
        ),
        ("filter: text 平潭", set_text("平潭")),
        ("filter: text cleared", set_text("")),
        (
            "filter: status partial",
            "(() => { const s = document.getElementById('filter-status'); s.value = 'partial'; s.dispatchEvent(new Event('change')); })()".to_string(),
        ),
        (
            "filter: failing checks only",
            "document.getElementById('filter-failing').click()".to_string(),
        ),
    ];
    for (name, action) in steps {
        let ms = tab.eval(&format!(
            "(async () => {{ const t = performance.now(); {action}; \
             await new Promise(r => requestAnimationFrame(() => setTimeout(r))); \
             return performance.now() - t; }})()"
        ));
        let shown = tab.eval("document.querySelector('.shown').textContent");
        println!(
            "  {name:36} {:>7.0} ms   ({})",
            ms.as_f64().unwrap_or(f64::NAN),
            shown.as_str().unwrap_or("")
        );
    }
    let open_ms = tab.eval("document.documentElement.dataset.openMs || ''");
    println!("  (drawing the opened report's tables alone: {open_ms} ms)");
}

fn set_text(text: &str) -> String {
    format!(
        "(() => {{ const t = document.getElementById('filter-text'); t.value = '{text}'; \
         t.dispatchEvent(new Event('input')); }})()"
    )
}

/// `count` records: the samples in turn, each copy with its own path, agency
/// and year, and a few numbers moved so some checks fail.
fn varied_reports(count: usize) -> Vec<Report> {
    let bases: Vec<Report> = SAMPLES
        .iter()
        .map(|p| xxgk::extract_file(Path::new(p)).expect(p))
        .collect();
    (0..count)
        .map(|i| {
            let mut r = bases[i % bases.len()].clone();
            let copy = i / bases.len();
            r.source.path = Some(format!("bench/{copy}/{}", r.source.name()));
            if let Some(agency) = &mut r.meta.agency {
                agency.push_str(&format!("第{copy}分局"));
            }
            if let Some(year) = &mut r.meta.year {
                *year -= (copy % 3) as i32;
            }
            if copy % 4 == 1
                && let Some(cell) = r
                    .applications
                    .get_mut("granted")
                    .and_then(|row| row.get_mut("natural_person"))
                && let Some(Value::Number(n)) = cell
                && let Some(v) = n.as_i64()
            {
                *n = Number::from_i64(v + 1 + (copy % 5) as i64);
            }
            xxgk::check::check(&mut r);
            r
        })
        .collect()
}

fn jsonl(reports: &[Report]) -> String {
    let mut text = String::new();
    for r in reports {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
    }
    text
}

//! `xxgk review`: the page's contract read back from a real headless Chromium
//! (`--dump-dom`, scripts run), a screenshot, hostile records, the lazy mode
//! for large files, the command's errors, and `check::cells_of` — which cells
//! a failing check marks — proven against the checker itself.

#[path = "support/chromium.rs"]
mod chromium;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use scraper::{ElementRef, Html, Selector};
use xxgk::check::{cells_of, check};
use xxgk::model::{Number, Value};
use xxgk::{Report, Source, Status};

const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .output()
        .expect("run xxgk")
}

fn extract(path: &str) -> Report {
    xxgk::extract_file(Path::new(path)).expect(path)
}

fn set(report: &mut Report, table: &str, row: &str, column: &str, value: Option<&str>) {
    let table = match table {
        "active_disclosure" => &mut report.active_disclosure,
        "applications" => &mut report.applications,
        _ => &mut report.review_litigation,
    };
    let value = value.map(|v| Value::Number(v.parse::<Number>().unwrap()));
    table
        .entry(row.to_string())
        .or_default()
        .insert(column.to_string(), value);
}

/// The fixture set: a complete 2021 report, a 2019 one with blank cells, a
/// glued dump with recovered cells and failing sums, a list page, next year's
/// report of the first agency whose carried_over disagrees (carry_chain), and
/// a hostile error record.
fn fixtures() -> Vec<Report> {
    let seed = extract("samples/seed-shaodong-2023.txt");
    let mut next_year = seed.clone();
    next_year.source = Source {
        path: Some("edited/shaodong-2024.json".to_string()),
        ..Source::default()
    };
    next_year.meta.year = Some(2024);
    // Seed carried 8 forward (natural_person 8, total 8); its own carried_over
    // (total 1) stays, so 2024 says natural_person 5 and total 1 came over.
    set(
        &mut next_year,
        "applications",
        "carried_over",
        "natural_person",
        Some("5"),
    );
    check(&mut next_year);

    let hostile = Report {
        meta: xxgk::model::Meta {
            title: Some("<script>document.body.dataset.pwned='title'</script>".to_string()),
            agency: Some(
                "<img src=x onerror=\"document.body.dataset.pwned='agency'\">县".to_string(),
            ),
            ..Default::default()
        },
        ..Report::error(
            Source {
                url: Some("javascript:document.body.dataset.pwned='url'".to_string()),
                ..Source::default()
            },
            "</script><!--<script>document.body.dataset.pwned='reason'</script>",
        )
    };
    let mut hostile = hostile;
    hostile.warn(
        "x<b>",
        Some("a</td>b".to_string()),
        "<iframe src=javascript:1>",
    );

    vec![
        extract("samples/hard/07_pingtan-2020.txt"),
        seed,
        extract("samples/01_shanghai-gov-office-2019.html"),
        extract("samples/not-reports/pingtan-list-page.html"),
        next_year,
        hostile,
    ]
}

fn write_jsonl(path: &Path, reports: &[Report]) {
    let mut text = String::new();
    for r in reports {
        text.push_str(&serde_json::to_string(r).unwrap());
        text.push('\n');
    }
    fs::write(path, text).unwrap();
}

/// Writes `reports` as JSONL and the page with `xxgk review`; returns the page.
fn review_page(dir: &Path, reports: &[Report]) -> std::path::PathBuf {
    let records = dir.join("records.jsonl");
    write_jsonl(&records, reports);
    let page = dir.join("review.html");
    let out = xxgk(&[
        "review",
        records.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    page
}

fn select(selector: &str) -> Selector {
    Selector::parse(selector).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

/// Each report part's cells as the page shows them: key → (text, attributes).
struct Part {
    cells: BTreeMap<String, ElementRef<'static>>,
    root: ElementRef<'static>,
}

fn parts(dom: &'static Html) -> BTreeMap<String, Part> {
    let mut out = BTreeMap::new();
    for part in dom.select(&select("[data-report]")) {
        let name = part.attr("data-report").unwrap().to_string();
        let mut cells = BTreeMap::new();
        for cell in part.select(&select("[data-cell]")) {
            let key = cell.attr("data-cell").unwrap().to_string();
            assert!(
                cells.insert(key.clone(), cell).is_none(),
                "{name}: {key} drawn twice"
            );
        }
        assert!(
            out.insert(name.clone(), Part { cells, root: part })
                .is_none(),
            "{name} twice"
        );
    }
    out
}

fn flagged(part: &Part, attribute: &str) -> BTreeSet<String> {
    part.cells
        .iter()
        .filter(|(_, e)| e.attr(attribute) == Some("true"))
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn the_page_keeps_its_contract_in_a_real_browser() {
    let Some(browser) = chromium::find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut reports = fixtures();
    let page = review_page(dir.path(), &reports);
    let url = chromium::file_url(&page);
    let html = chromium::run(&browser, &["--dump-dom"], &url, BROWSER_TIMEOUT);
    let dom: &'static Html = Box::leak(Box::new(Html::parse_document(&html)));

    // The command ran carry_chain over the records; so does the expectation.
    xxgk::check::carry_chain(&mut reports);
    let parts = parts(dom);
    let names: BTreeSet<&str> = reports.iter().map(|r| r.source.name()).collect();
    assert_eq!(
        parts.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        names
    );

    for report in &reports {
        let name = report.source.name();
        let part = &parts[name];
        // Every cell of the record is drawn, showing its value as held ("" = null).
        let mut nulls = BTreeSet::new();
        for (table, rows) in report.tables() {
            for (row, cols) in rows {
                for (col, value) in cols {
                    let key = format!("{table}.{row}.{col}");
                    let cell = part
                        .cells
                        .get(&key)
                        .unwrap_or_else(|| panic!("{name}: {key} not drawn"));
                    let expected = value.as_ref().map(ToString::to_string).unwrap_or_default();
                    assert_eq!(text(*cell), expected, "{name}: {key}");
                    if value.is_none() {
                        nulls.insert(key);
                    }
                }
            }
        }
        assert_eq!(flagged(part, "data-null"), nulls, "{name}: null cells");
        let recovered: BTreeSet<String> = report.recovered.iter().cloned().collect();
        assert_eq!(
            flagged(part, "data-recovered"),
            recovered,
            "{name}: recovered cells"
        );
        let failing: BTreeSet<String> = report
            .checks
            .iter()
            .filter(|c| c.ok == Some(false))
            .flat_map(|c| cells_of(c, report))
            .collect();
        assert_eq!(
            flagged(part, "data-failed"),
            failing,
            "{name}: failed cells"
        );
        // A failing cell can be reached by keyboard and is described by its checks.
        for key in &failing {
            let cell = part.cells[key];
            assert_eq!(cell.attr("tabindex"), Some("0"), "{name}: {key}");
            let tip = cell.attr("data-tip").unwrap_or_default();
            for id in cell.attr("aria-describedby").unwrap().split(' ') {
                let item = dom.select(&select(&format!("#{id}"))).next().unwrap();
                let check_id = text(item.select(&select("code")).next().unwrap());
                assert!(tip.contains(&check_id), "{name}: {key}: {tip}");
            }
        }
    }

    // Hand-checked expectations on the fixtures.
    let seed = &parts["samples/seed-shaodong-2023.txt"];
    assert_eq!(seed.cells.len(), 200, "a 2021 report shows 200 cells");
    assert_eq!(
        text(seed.cells["active_disclosure.fees.amount_wan_yuan"]),
        "9750.26"
    );
    assert_eq!(text(seed.cells["applications.total_processed.total"]), "93");
    assert_eq!(
        flagged(seed, "data-failed"),
        BTreeSet::from([
            "applications.carried_forward.natural_person".to_string(),
            "applications.carried_forward.total".to_string(),
        ]),
        "carry_chain 2023 → 2024 marks what 2023 carried forward"
    );
    let next = &parts["edited/shaodong-2024.json"];
    assert!(flagged(next, "data-failed").contains("applications.carried_over.natural_person"));
    let shown = text(next.root);
    assert!(
        shown.contains("carry_chain (across years)") && shown.contains("5 ≠ 8"),
        "{shown}"
    );

    let shanghai = &parts["samples/01_shanghai-gov-office-2019.html"];
    assert_eq!(
        shanghai.cells.len(),
        199,
        "2019: 198 numbers and the amount's unit"
    );
    let blank = shanghai.cells["applications.granted.total"];
    assert_eq!(
        (text(blank).as_str(), blank.attr("data-null")),
        ("", Some("true"))
    );

    let glued = &parts["samples/hard/07_pingtan-2020.txt"];
    let failed = flagged(glued, "data-failed");
    assert_eq!(failed.len(), 40, "total and 19 result rows, in two columns");
    for key in [
        "applications.total_processed.natural_person",
        "applications.other_processing.total",
    ] {
        assert!(failed.contains(key), "{key}");
    }
    for key in [
        "applications.new_received.natural_person",
        "applications.granted.commercial_enterprise",
    ] {
        assert!(!failed.contains(key), "{key}");
    }
    assert_eq!(flagged(glued, "data-recovered").len(), 169);

    let list = &parts["samples/not-reports/pingtan-list-page.html"];
    assert!(list.cells.is_empty());
    assert!(text(list.root).contains("a list page linking to 10 annual reports"));
    // Its links are relative and a saved file has no address to resolve them by.
    assert_eq!(list.root.select(&select(".links li")).count(), 10);
    assert_eq!(list.root.select(&select(".links a")).count(), 0);

    // The hostile record shows its markup as text and runs none of it.
    let hostile = &parts["javascript:document.body.dataset.pwned='url'"];
    let shown = text(hostile.root);
    assert!(shown.contains("<img src=x onerror="), "{shown}");
    assert!(shown.contains("</script><!--<script>"), "{shown}");
    assert!(shown.contains("<iframe src=javascript:1>"), "{shown}");
    let body = dom.select(&select("body")).next().unwrap();
    assert_eq!(body.attr("data-pwned"), None, "a record's markup ran");
    assert_eq!(
        dom.select(&select("script")).count(),
        2,
        "only the page's own scripts"
    );
    assert_eq!(dom.select(&select("img, iframe")).count(), 0);
    assert_eq!(dom.select(&select("a[href^='javascript' i]")).count(), 0);
    let overview = text(dom.select(&select("[role=table]")).next().unwrap());
    assert!(overview.contains("<img src=x onerror="), "{overview}");

    // What a person does: focus a failing cell, sort, filter (DevTools protocol).
    let mut page = chromium::Page::open(&browser, &url, BROWSER_TIMEOUT);
    let tip = page.eval(
        r#"(() => {
            const part = document.querySelector('[data-report$="07_pingtan-2020.txt"]');
            part.open = true;
            const td = part.querySelector('td[data-failed]');
            const before = getComputedStyle(td, '::after').content;
            td.focus();
            return [before, document.activeElement === td, getComputedStyle(td, '::after').content];
        })()"#,
    );
    assert_eq!(tip[0], "none", "no tip before focus");
    assert_eq!(tip[1], true, "a failing cell takes keyboard focus");
    let shown_tip = tip[2].as_str().unwrap();
    assert!(
        shown_tip.contains("applications.results_sum.natural_person")
            && shown_tip.contains("20 vs 26"),
        "{shown_tip}"
    );
    let years = r#"[...document.querySelectorAll('[role=row][data-row]')].filter(r => !r.hidden).map(r => r.children[1].textContent)"#;
    page.eval(r#"document.querySelector('[data-column="year"] button').click()"#);
    assert_eq!(
        page.eval(years),
        serde_json::json!(["", "", "2019", "2020", "2023", "2024"])
    );
    page.eval(r#"document.querySelector('[data-column="year"] button').click()"#);
    assert_eq!(
        page.eval(years),
        serde_json::json!(["2024", "2023", "2020", "2019", "", ""])
    );
    let failing = reports
        .iter()
        .filter(|r| r.checks.iter().any(|c| c.ok == Some(false)))
        .count();
    // Shown means rendered: a part and its overview row are both displayed.
    let visible = r#"(() => {
        const shown = e => getComputedStyle(e).display !== 'none';
        const parts = [...document.querySelectorAll('[data-report]')].filter(shown).length;
        const rows = [...document.querySelectorAll('[role=row][data-row]')].filter(shown).length;
        return parts === rows ? parts : -1;
    })()"#;
    page.eval(r#"(() => { const c = document.getElementById('filter-failing'); c.click(); })()"#);
    assert_eq!(page.eval(visible), failing);
    page.eval(r#"document.getElementById('filter-failing').click()"#);
    page.eval(r#"(() => { const t = document.getElementById('filter-text'); t.value = '平潭'; t.dispatchEvent(new Event('input')); })()"#);
    assert_eq!(page.eval(visible), 1);
    drop(page);

    // What a person sees: the overview and the report with failing checks
    // (the first part), a failing cell focused so its check shows. README's
    // screenshot is this file.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-screenshot.png");
    let mut page = chromium::Page::open(&browser, &url, BROWSER_TIMEOUT);
    page.resize(1280, 900);
    let bottom = page.eval(
        r#"(() => {
            const part = document.querySelector('[data-report]');
            part.open = true;
            const td = part.querySelector('td[data-cell="applications.granted.natural_person"]');
            td.focus();
            const box = td.getBoundingClientRect();
            return Math.ceil(box.bottom + window.scrollY + 150);
        })()"#,
    );
    let png = page.screenshot(1280, bottom.as_u64().unwrap() as u32);
    fs::write(&shot, &png).unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn a_large_file_draws_a_report_when_it_is_opened() {
    let Some(browser) = chromium::find() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let seed = extract("samples/seed-shaodong-2023.txt");
    let reports: Vec<Report> = (0..=xxgk::review::EAGER_LIMIT)
        .map(|i| {
            let mut r = seed.clone();
            r.source.path = Some(format!("copies/{i}.txt"));
            r
        })
        .collect();
    let page = review_page(dir.path(), &reports);
    let last = reports.len() - 1;
    let url = format!("{}#r{last}", chromium::file_url(&page));
    let html = chromium::run(&browser, &["--dump-dom"], &url, BROWSER_TIMEOUT);
    let dom: &'static Html = Box::leak(Box::new(Html::parse_document(&html)));
    let parts = parts(dom);
    assert_eq!(parts.len(), reports.len(), "every report has its part");
    let drawn: Vec<&String> = parts
        .iter()
        .filter(|(_, p)| !p.cells.is_empty())
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        drawn,
        [&format!("copies/{last}.txt")],
        "only the opened report is drawn"
    );
    assert_eq!(parts[drawn[0]].cells.len(), 200);
    assert_eq!(
        dom.select(&select("[role=row][data-row]")).count(),
        reports.len()
    );
}

#[test]
fn the_command_writes_to_stdout_and_names_a_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("r.jsonl");
    write_jsonl(&records, &[extract("samples/seed-shaodong-2023.txt")]);
    let out = xxgk(&["review", records.to_str().unwrap(), "-o", "-"]);
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("\"id\":\"samples/seed-shaodong-2023.txt\""));
    // Self-contained: nothing is loaded from elsewhere.
    for outside in ["<link", " src=", "http://", "https://", "@import", "url("] {
        assert!(
            !page.contains(outside),
            "the page refers outside itself: {outside}"
        );
    }

    // Records from standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["review", "-", "-o", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        &fs::read(&records).unwrap(),
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("邵东市人民政府")
    );

    // A bad line stops the command, names the file and line, and writes nothing.
    let bad = dir.path().join("bad.jsonl");
    let good = fs::read_to_string(&records).unwrap();
    fs::write(&bad, format!("{good}{{\"schema_version\": 1}}\n")).unwrap();
    let page = dir.path().join("page.html");
    let out = xxgk(&[
        "review",
        bad.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("bad.jsonl: line 2: not an xxgk record"),
        "{message}"
    );
    assert!(!page.exists());

    // -o is required: a page on a terminal helps no one.
    let out = xxgk(&["review", records.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--output"));
}

/// `cells_of` must name exactly the cells a check reads: changing a cell it
/// names changes the check's result or detail, and changing any other cell
/// leaves the check as it was. Over real reports of both templates, and one
/// with subtotal rows and a 小计 column.
#[test]
fn cells_of_names_exactly_the_cells_a_check_reads() {
    let mut with_subtotals = extract("samples/seed-shaodong-2023.txt");
    for column in ["natural_person", "commercial_enterprise", "total"] {
        set(
            &mut with_subtotals,
            "applications",
            "denied_subtotal",
            column,
            Some("0"),
        );
    }
    let rows: Vec<String> = with_subtotals.applications.keys().cloned().collect();
    for row in rows {
        set(
            &mut with_subtotals,
            "applications",
            &row,
            "legal_person_subtotal",
            Some("0"),
        );
    }
    check(&mut with_subtotals);
    assert!(
        with_subtotals
            .checks
            .iter()
            .any(|c| c.id == "applications.subtotal.denied.total")
    );
    assert!(
        with_subtotals
            .checks
            .iter()
            .any(|c| c.id.starts_with("applications.subtotal.legal_person."))
    );

    for base in [
        extract("samples/seed-shaodong-2023.txt"),
        extract("samples/01_shanghai-gov-office-2019.html"),
        extract("samples/hard/07_pingtan-2020.txt"),
        with_subtotals,
    ] {
        let name = base.source.name().to_string();
        let keys: Vec<(String, String, String, Option<String>)> = base
            .cells()
            .map(|(t, r, c, v)| {
                (
                    t.to_string(),
                    r.to_string(),
                    c.to_string(),
                    v.map(|n| n.to_string()),
                )
            })
            .collect();
        for (table, row, column, value) in keys {
            let key = format!("{table}.{row}.{column}");
            let changed_value = match value.as_deref().map(str::parse::<i64>) {
                Some(Ok(n)) => (n + 1).to_string(),
                Some(Err(_)) => continue, // an amount: no check sums it
                None => "1".to_string(),
            };
            let mut changed = base.clone();
            set(&mut changed, &table, &row, &column, Some(&changed_value));
            check(&mut changed);
            assert_eq!(changed.checks.len(), base.checks.len(), "{name}: {key}");
            for (before, after) in base.checks.iter().zip(&changed.checks) {
                assert_eq!(before.id, after.id);
                if before.id == "active_disclosure.non_negative" {
                    continue; // names only negative counts; below
                }
                let names = cells_of(before, &base).contains(&key);
                let moved = (before.ok, &before.detail) != (after.ok, &after.detail);
                // An unassessable check's detail lists only the cells not located.
                let lists_values = !before.detail.starts_with("cannot assess: not located");
                if moved || lists_values {
                    assert_eq!(
                        names, moved,
                        "{name}: {} and {key}: {} → {}",
                        before.id, before.detail, after.detail
                    );
                }
            }
        }
    }

    let mut negative = extract("samples/seed-shaodong-2023.txt");
    set(
        &mut negative,
        "active_disclosure",
        "licensing",
        "decisions",
        Some("-3"),
    );
    check(&mut negative);
    let check = negative
        .checks
        .iter()
        .find(|c| c.id == "active_disclosure.non_negative")
        .unwrap();
    assert_eq!(check.ok, Some(false));
    assert_eq!(
        cells_of(check, &negative),
        ["active_disclosure.licensing.decisions"]
    );

    let mut years = vec![
        extract("samples/seed-shaodong-2023.txt"),
        extract("samples/seed-shaodong-2023.txt"),
    ];
    years[1].meta.year = Some(2024);
    years[1].source.path = Some("next.txt".to_string());
    xxgk::check::carry_chain(&mut years);
    let of = |r: &Report| {
        let c = r
            .checks
            .iter()
            .find(|c| c.id == "carry_chain.total")
            .unwrap();
        cells_of(c, r)
    };
    assert_eq!(of(&years[0]), ["applications.carried_forward.total"]);
    assert_eq!(of(&years[1]), ["applications.carried_over.total"]);
    assert_eq!(years[1].status, Status::Complete);
}

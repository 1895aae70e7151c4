//! `xxgk export` and the CSV layouts as a user meets them: golden files for
//! both layouts, a round trip against the samples' truth files, the Excel
//! options, mixed templates, the cross-year `carry_chain` check and safe writing.
//!
//! Regenerate the golden files after a deliberate change with
//! `XXGK_UPDATE_GOLDEN=1 cargo test --test export`, then read the diff.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

/// One 2019-template page and three 2021-template pages.
const SAMPLES: [&str; 4] = [
    "samples/01_shanghai-gov-office-2019.html",
    "samples/08_shuyang-county-fgj-2023.html",
    "samples/09_pingtan-2024.html",
    "samples/seed-shaodong-2023.txt",
];

fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .output()
        .expect("run xxgk")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(o));
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// Extracts `samples` into `dir/name` as JSON Lines, as a user would.
fn extract_jsonl(dir: &Path, name: &str, samples: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let mut args = vec!["extract", "--format", "jsonl", "-o", path_str(&out)];
    args.extend(samples);
    assert_ok(&xxgk(&args));
    out
}

fn read_jsonl(path: &Path) -> Vec<Json> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn write_jsonl(path: &Path, records: &[Json]) {
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    fs::write(path, text).unwrap();
}

/// `xxgk export INPUT --format FORMAT [extra…] -o OUT`; returns OUT's bytes.
fn export(input: &Path, format: &str, extra: &[&str]) -> (Output, Vec<u8>) {
    let out = input.with_extension(format!("{format}.out"));
    let mut args = vec![
        "export",
        path_str(input),
        "--format",
        format,
        "-o",
        path_str(&out),
    ];
    args.extend(extra);
    let result = xxgk(&args);
    assert_ok(&result);
    let bytes = fs::read(&out).unwrap();
    (result, bytes)
}

/// A CSV as header + rows of name → value maps.
fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

/// `table,row,column,value` truth file → `table.row.column` → value.
fn truth(sample: &str) -> BTreeMap<String, String> {
    let stem = sample
        .trim_end_matches(".html")
        .trim_end_matches(".txt")
        .to_string();
    let mut reader = csv::Reader::from_path(format!("{stem}.truth.csv")).unwrap();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (format!("{}.{}.{}", &r[0], &r[1], &r[2]), r[3].to_string())
        })
        .collect()
}

/// Compares `actual` with the golden file, or rewrites it when asked to.
fn assert_golden(actual: &[u8], golden: &str) {
    let path = Path::new("tests/golden").join(golden);
    if std::env::var_os("XXGK_UPDATE_GOLDEN").is_some() {
        fs::create_dir_all("tests/golden").unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if actual != expected {
        let (a, e) = (
            String::from_utf8_lossy(actual),
            String::from_utf8_lossy(&expected),
        );
        let diff = a
            .lines()
            .zip(e.lines())
            .enumerate()
            .find(|(_, (a, e))| a != e)
            .map(|(i, (a, e))| format!("line {}:\n  got:      {a}\n  expected: {e}", i + 1))
            .unwrap_or_else(|| "lengths differ".to_string());
        panic!(
            "{} differs ({diff}); if the change is deliberate, rerun with \
             XXGK_UPDATE_GOLDEN=1 and read the diff",
            path.display()
        );
    }
}

#[test]
fn wide_csv_matches_its_golden_file() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "samples.jsonl", &SAMPLES);
    let (_, csv) = export(&jsonl, "csv", &[]);
    assert_golden(&csv, "samples.wide.csv");
}

#[test]
fn tidy_csv_matches_its_golden_file() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "samples.jsonl", &SAMPLES);
    let (_, csv) = export(&jsonl, "csv-long", &[]);
    assert_golden(&csv, "samples.long.csv");
}

#[test]
fn wide_csv_round_trips_every_truth_cell() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "samples.jsonl", &SAMPLES);
    let (_, csv) = export(&jsonl, "csv", &[]);
    let (header, rows) = parse_csv(&csv);
    assert_eq!(rows.len(), SAMPLES.len());
    for (sample, row) in SAMPLES.iter().zip(&rows) {
        assert_eq!(row["report"], *sample);
        let expected = truth(sample);
        for (cell, value) in &expected {
            assert_eq!(&row[cell], value, "{sample}: {cell}");
        }
        // Every other cell column is one the template does not have: empty.
        for column in header.iter().skip(xxgk::export::RECORD_COLUMNS.len()) {
            if !expected.contains_key(column)
                && column != "active_disclosure.procurement.amount_unit"
            {
                assert_eq!(row[column], "", "{sample}: {column} should be empty");
            }
        }
    }
    let shanghai = &rows[0];
    assert_eq!(shanghai["active_disclosure.procurement.amount_unit"], "元");
    assert_eq!(shanghai["meta.template"], "2019");
    let shaodong = &rows[3];
    assert_eq!(shaodong["meta.agency"], "邵东市人民政府");
    assert_eq!(
        shaodong["active_disclosure.fees.amount_wan_yuan"],
        "9750.26"
    );
    assert_eq!(shaodong["status"], "complete");
    assert_eq!(shaodong["checks.failed"], "0");
}

#[test]
fn tidy_csv_has_one_line_per_extracted_cell() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "samples.jsonl", &SAMPLES);
    let (_, csv) = export(&jsonl, "csv-long", &[]);
    let (header, rows) = parse_csv(&csv);
    assert_eq!(header, xxgk::export::CSV_LONG_HEADER);
    let mut expected_lines = 0;
    for sample in SAMPLES {
        let expected = truth(sample);
        expected_lines += expected.len();
        let got: BTreeMap<String, String> = rows
            .iter()
            .filter(|r| r["report"] == sample)
            .map(|r| {
                let cell = format!("{}.{}.{}", r["table"], r["row"], r["column"]);
                (cell, r["value"].clone())
            })
            .collect();
        assert_eq!(got, expected, "{sample}");
    }
    assert_eq!(rows.len(), expected_lines);
}

#[test]
fn the_wide_columns_do_not_depend_on_the_reports_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let only_2019 = extract_jsonl(dir.path(), "2019.jsonl", &SAMPLES[..1]);
    let only_2021 = extract_jsonl(dir.path(), "2021.jsonl", &SAMPLES[1..2]);
    let (h2019, r2019) = parse_csv(&export(&only_2019, "csv", &[]).1);
    let (h2021, r2021) = parse_csv(&export(&only_2021, "csv", &[]).1);
    assert_eq!(h2019, h2021);
    // Each template's own cells are filled, the other template's are empty.
    assert_eq!(r2019[0]["active_disclosure.regulations.new_made"], "13");
    assert_eq!(r2019[0]["active_disclosure.regulations.issued"], "");
    assert_eq!(r2019[0]["applications.other_other.total"], "");
    assert_ne!(r2021[0]["active_disclosure.regulations.issued"], "");
    assert_eq!(r2021[0]["active_disclosure.regulations.new_made"], "");
    assert_eq!(r2021[0]["applications.other_processing.total"], "");
    assert_eq!(
        h2019.len(),
        xxgk::export::RECORD_COLUMNS.len() + xxgk::export::cell_columns().len()
    );
}

#[test]
fn excel_output_has_a_bom_and_guards_formulas_but_not_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "one.jsonl", &SAMPLES[..1]);
    let mut records = read_jsonl(&jsonl);
    records[0]["meta"]["agency"] = "=HYPERLINK(\"http://evil\",\"x\")".into();
    records[0]["meta"]["title"] = "@SUM(1)".into();
    records[0]["active_disclosure"]["licensing"]["change"] = Json::from(-1);
    let tampered = dir.path().join("tampered.jsonl");
    write_jsonl(&tampered, &records);

    let (_, plain) = export(&tampered, "csv", &[]);
    assert!(!plain.starts_with("\u{FEFF}".as_bytes()));
    let (_, rows) = parse_csv(&plain);
    assert_eq!(rows[0]["meta.agency"], "=HYPERLINK(\"http://evil\",\"x\")");

    let (_, excel) = export(&tampered, "csv", &["--excel"]);
    let body = excel
        .strip_prefix("\u{FEFF}".as_bytes())
        .expect("--excel starts with a UTF-8 BOM");
    let (_, rows) = parse_csv(body);
    assert_eq!(rows[0]["meta.agency"], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(rows[0]["meta.title"], "'@SUM(1)");
    assert_eq!(rows[0]["active_disclosure.licensing.change"], "-1");
    assert_eq!(rows[0]["active_disclosure.procurement.amount"], "251000");

    let (_, long) = export(&tampered, "csv-long", &["--excel"]);
    let body = long.strip_prefix("\u{FEFF}".as_bytes()).expect("BOM");
    let (_, rows) = parse_csv(body);
    let change = rows
        .iter()
        .find(|r| r["row"] == "licensing" && r["column"] == "change")
        .unwrap();
    assert_eq!(change["value"], "-1");
    assert_eq!(change["agency"], "'=HYPERLINK(\"http://evil\",\"x\")");
}

#[test]
fn excel_is_refused_for_json() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "one.jsonl", &SAMPLES[..1]);
    let out = xxgk(&["export", path_str(&jsonl), "--format", "jsonl", "--excel"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--excel applies to the CSV formats"));
}

/// The seed (邵东市人民政府 2023) and an edited copy posing as its 2024 report,
/// with the agency written with extra and full-width spaces.
fn shaodong_pair(dir: &Path, break_column: Option<&str>) -> PathBuf {
    let jsonl = extract_jsonl(dir, "seed.jsonl", &SAMPLES[3..]);
    let seed = read_jsonl(&jsonl).remove(0);
    let mut next = seed.clone();
    next["source"] = serde_json::json!({"path": "edited/shaodong-2024.json"});
    next["meta"]["year"] = Json::from(2024);
    next["meta"]["agency"] = " 邵东市 人民政府\u{3000}".into();
    let forward = seed["applications"]["carried_forward"].clone();
    next["applications"]["carried_over"] = forward;
    if let Some(column) = break_column {
        let n = next["applications"]["carried_over"][column]
            .as_i64()
            .unwrap();
        next["applications"]["carried_over"][column] = Json::from(n + 1);
    }
    // A year with a gap is not compared.
    let mut later = seed.clone();
    later["source"] = serde_json::json!({"path": "edited/shaodong-2026.json"});
    later["meta"]["year"] = Json::from(2026);
    let pair = dir.join("pair.jsonl");
    write_jsonl(&pair, &[seed, next, later]);
    pair
}

fn carry_checks(record: &Json) -> Vec<(String, Option<bool>)> {
    record["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["id"].as_str().unwrap().starts_with("carry_chain"))
        .map(|c| (c["id"].as_str().unwrap().to_string(), c["ok"].as_bool()))
        .collect()
}

#[test]
fn carry_chain_passes_for_consecutive_years_that_agree() {
    let dir = tempfile::tempdir().unwrap();
    let pair = shaodong_pair(dir.path(), None);
    let (result, out) = export(&pair, "jsonl", &[]);
    let records: Vec<Json> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for record in &records[..2] {
        let checks = carry_checks(record);
        assert_eq!(checks.len(), 7, "{checks:?}");
        assert!(checks.iter().all(|(_, ok)| *ok == Some(true)), "{checks:?}");
        assert!(checks.iter().any(|(id, _)| id == "carry_chain.total"));
    }
    assert!(carry_checks(&records[2]).is_empty());
    // Exporting exported records again replaces the checks, never doubles them.
    let again = dir.path().join("again.jsonl");
    write_jsonl(&again, &records);
    let (_, out) = export(&again, "jsonl", &[]);
    let first = String::from_utf8(out).unwrap();
    let first: Json = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(carry_checks(&first).len(), 7);
    let summary = stderr(&result);
    assert!(
        summary.contains("1 pair(s) of consecutive years compared, 1 agree, 0 disagree"),
        "{summary}"
    );
}

#[test]
fn carry_chain_flags_a_broken_pair_in_both_records_and_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let pair = shaodong_pair(dir.path(), Some("natural_person"));
    let checks_file = dir.path().join("checks.csv");
    let (result, out) = export(&pair, "csv", &["--checks", path_str(&checks_file)]);
    let summary = stderr(&result);
    assert!(summary.contains("FAILED natural_person"), "{summary}");
    assert!(summary.contains("2023 → 2024"), "{summary}");
    assert!(summary.contains("1 disagree"), "{summary}");

    let (_, rows) = parse_csv(&out);
    for row in &rows[..2] {
        let ids: Vec<&str> = row["checks.failed_ids"].split(';').collect();
        assert!(ids.contains(&"carry_chain.natural_person"), "{ids:?}");
        assert!(!ids.contains(&"carry_chain.total"), "{ids:?}");
    }
    assert!(!rows[2]["checks.failed_ids"].contains("carry_chain"));

    let (header, checks) = parse_csv(&fs::read(&checks_file).unwrap());
    assert_eq!(header, xxgk::export::CHECKS_HEADER);
    let failed: Vec<_> = checks
        .iter()
        .filter(|c| c["check"] == "carry_chain.natural_person")
        .collect();
    assert_eq!(failed.len(), 2);
    for check in failed {
        assert_eq!(check["ok"], "false");
        assert!(check["detail"].contains("2024 carried_over = 2023 carried_forward"));
    }
}

#[test]
fn a_failed_export_keeps_the_previous_file() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "one.jsonl", &SAMPLES[..1]);
    let mut text = fs::read_to_string(&jsonl).unwrap();
    text.push_str("{\"schema_version\": 1, \"oops\": true}\n");
    let bad = dir.path().join("bad.jsonl");
    fs::write(&bad, text).unwrap();
    let out = dir.path().join("reports.csv");
    fs::write(&out, "previous export\n").unwrap();

    let result = xxgk(&["export", path_str(&bad), "-o", path_str(&out)]);
    assert_eq!(result.status.code(), Some(2));
    let message = stderr(&result);
    assert!(
        message.contains("bad.jsonl: line 2: not an xxgk record"),
        "{message}"
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "previous export\n");
    let names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn extract_and_export_write_the_same_csv() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "samples.jsonl", &SAMPLES);
    let (_, exported) = export(&jsonl, "csv", &[]);
    let direct = dir.path().join("direct.csv");
    let mut args = vec!["extract", "--format", "csv", "-o", path_str(&direct)];
    args.extend(SAMPLES);
    assert_ok(&xxgk(&args));
    assert_eq!(fs::read(&direct).unwrap(), exported);
}

#[test]
fn export_reads_standard_input_and_writes_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "one.jsonl", &SAMPLES[3..]);
    let child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["export", "-", "--format", "csv-long"])
        .stdin(fs::File::open(&jsonl).unwrap())
        .output()
        .unwrap();
    assert_ok(&child);
    let (_, rows) = parse_csv(&child.stdout);
    assert_eq!(rows.len(), truth(SAMPLES[3]).len());
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "samples.jsonl", &SAMPLES);
    // The tidy CSV of the samples (about 100 kB) overflows a pipe's buffer, so
    // the write meets the closed pipe whenever it starts.
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["export", path_str(&jsonl), "--format", "csv-long"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let result = child.wait_with_output().unwrap();
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(!stderr(&result).contains("error"), "{}", stderr(&result));
}

/// An export with no agency in two consecutive years says nothing about
/// `carry_chain`: there is nothing to say.
#[test]
fn export_is_silent_when_no_year_follows_another() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = extract_jsonl(dir.path(), "samples.jsonl", &SAMPLES);
    let (result, _) = export(&jsonl, "csv", &[]);
    assert_eq!(stderr(&result), "", "nothing worth saying was said");
}

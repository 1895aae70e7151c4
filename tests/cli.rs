//! The binary as a user runs it: output, messages and exit codes.

use std::process::{Command, Output};

fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .output()
        .expect("run xxgk")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn seed_csv_long_prints_all_200_cells() {
    let out = xxgk(&[
        "extract",
        "samples/seed-shaodong-2023.txt",
        "--format",
        "csv-long",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "report,agency,year,table,row,column,value");
    assert_eq!(lines.len(), 201);
    let prefix = "samples/seed-shaodong-2023.txt,邵东市人民政府,2023,";
    for cell in [
        "applications,total_processed,total,93",
        "active_disclosure,fees,amount_wan_yuan,9750.26",
        "review_litigation,litigation_direct,total,11",
    ] {
        assert!(
            lines.contains(&format!("{prefix}{cell}").as_str()),
            "{cell}"
        );
    }
}

#[test]
fn one_file_gives_pretty_json_several_give_json_lines() {
    let one = stdout(&xxgk(&["extract", "samples/seed-shaodong-2023.txt"]));
    let record: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(record["status"], "complete");
    assert_eq!(record["schema_version"], 1);
    assert!(one.contains("\"amount_wan_yuan\": 9750.26"));

    let many = xxgk(&[
        "extract",
        "samples/seed-shaodong-2023.txt",
        "samples/09_pingtan-2024.html",
    ]);
    let lines: Vec<serde_json::Value> = stdout(&many)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["applications"]["total_processed"]["total"], 218);
}

#[test]
fn stdin_is_read_with_a_dash() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["extract", "-", "--format", "csv-long"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let page = std::fs::read("samples/seed-shaodong-2023.txt").unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(&page).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out).lines().count(), 201);
}

#[test]
fn a_missing_path_is_a_clear_error_with_exit_code_2() {
    let out = xxgk(&["extract", "samples/does-not-exist.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("samples/does-not-exist.html: no such file"),
        "{}",
        stderr(&out)
    );
    // The record is still written, so a batch loses nothing silently.
    let record: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(record["status"], "error");
}

#[test]
fn a_directory_is_a_clear_error() {
    let out = xxgk(&["extract", "samples"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("samples: is a directory"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_non_report_exits_1_and_says_why() {
    let out = xxgk(&["extract", "samples/not-reports/pingtan-list-page.html"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not a report: a list page"),
        "{}",
        stderr(&out)
    );
}

/// Documents that only name a report exit 1 with their reasons on stderr,
/// and add no line to the tidy CSV; an old free-form report is a report
/// (exit 0 on its own) but has no cell either.
#[test]
fn documents_that_are_not_reports_exit_1_and_add_no_cells() {
    let out = xxgk(&[
        "extract",
        "samples/not-reports/title-only.txt",
        "samples/not-reports/notice-2023.html",
        "samples/not-reports/report-2023.rtf",
        "samples/09_pingtan-2024.source.md",
        "samples/hard/12_pingtan-2018-oldformat.txt",
        "--format",
        "csv-long",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "report,agency,year,table,row,column,value\n");
    let err = stderr(&out);
    for line in [
        "\n  samples/not-reports/title-only.txt: not a report: it names an annual report",
        "\n  samples/not-reports/notice-2023.html: not a report: it names an annual report",
        "\n  samples/not-reports/report-2023.rtf: not a report: the input is an RTF document",
        "\n  samples/09_pingtan-2024.source.md: not a report:",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
    assert!(
        !err.contains("12_pingtan-2018-oldformat.txt: not a report"),
        "{err}"
    );

    let old = xxgk(&["extract", "samples/hard/12_pingtan-2018-oldformat.txt"]);
    assert_eq!(old.status.code(), Some(0), "{}", stderr(&old));
}

#[test]
fn help_teaches_with_examples() {
    let out = xxgk(&["extract", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.contains("Examples:"));
    assert!(help.contains("csv-long"));
}

/// The summary on stderr: counts by status, then each input that is not a
/// report, each report with failed checks, each read only in part; `-q`
/// silences it.
#[test]
fn extract_ends_with_a_summary_that_quiet_silences() {
    let args = [
        "extract",
        "samples/seed-shaodong-2023.txt",
        "samples/hard/07_pingtan-2020.txt",
        "samples/hard/13_unknown-city-2024-section3-fragment.txt",
        "samples/not-reports/pingtan-list-page.html",
        "samples/does-not-exist.html",
        "-o",
        "-",
    ];
    let out = xxgk(&args);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let summary: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("xxgk extract:"))
        .collect();
    assert_eq!(
        summary,
        [
            "xxgk extract: 5 inputs: complete 1, partial 2, not_a_report 1, error 1",
            "  samples/not-reports/pingtan-list-page.html: not a report: \
             a list page linking to 10 annual reports; entries 11–20 of the list \
             (pages 2–2) are loaded by JavaScript from the site's search service \
             (a TRS 动静结合 list) and were not read",
            "  samples/hard/07_pingtan-2020.txt: 2 checks failed: \
             applications.results_sum.natural_person, applications.results_sum.total",
            "  samples/hard/07_pingtan-2020.txt: partial: glued_inconsistent, glued_no_sums (7)",
            "  samples/hard/13_unknown-city-2024-section3-fragment.txt: partial: \
             no_agency, row_not_found (18)",
        ],
        "{err}"
    );
    // The error is told when it happens, before the summary.
    assert!(err.starts_with("xxgk: error: samples/does-not-exist.html: no such file\n"));

    let quiet = xxgk(&[&args[..], &["-q"]].concat());
    assert_eq!(quiet.status.code(), Some(2));
    assert_eq!(
        stderr(&quiet),
        "xxgk: error: samples/does-not-exist.html: no such file\n"
    );
    assert_eq!(stdout(&quiet), stdout(&out));
}

/// A URL given to extract is not "no such file": the message says how to
/// fetch it.
#[test]
fn a_url_given_to_extract_points_to_crawl() {
    let out = xxgk(&["extract", "https://www.example.gov.cn/2023/report.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "xxgk: error: https://www.example.gov.cn/2023/report.html: a URL, not a file: \
             extract reads saved pages; to fetch it, run \
             `echo 'https://www.example.gov.cn/2023/report.html' | xxgk crawl - -o reports.jsonl`\n"
        ),
        "{}",
        stderr(&out)
    );
    let record: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(record["status"], "error");
}

fn extract_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// `--name` names standard input: a URL becomes `source.url`, anything else
/// `source.path`; the tidy CSV's `report` column follows.
#[test]
fn name_sets_the_source_of_standard_input() {
    let page = std::fs::read("samples/seed-shaodong-2023.txt").unwrap();
    let url = "https://www.shaodong.gov.cn/2024/report.html";
    let out = extract_stdin(&["extract", "-", "--name", url, "-f", "jsonl"], &page);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let record: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(record["source"]["url"], url);
    assert!(record["source"].get("path").is_none());

    let out = extract_stdin(
        &["extract", "-", "--name", "shaodong 2023", "-f", "csv-long"],
        &page,
    );
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 201);
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.starts_with("shaodong 2023,"))
    );

    let out = extract_stdin(&["extract", "-"], &page);
    let record: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(record["source"]["path"], "-");

    let out = xxgk(&["extract", "samples/seed-shaodong-2023.txt", "--name", url]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--name names standard input"));
}

/// Help printed without a terminal (clap wraps it at 100 columns) keeps
/// every example on one line: none is wrapped into a stray line.
#[test]
fn help_examples_fit_without_wrapping() {
    for command in [
        &["--help"][..],
        &["extract", "--help"],
        &["export", "--help"],
    ] {
        let help = stdout(&xxgk(command));
        let examples: Vec<&str> = help
            .lines()
            .skip_while(|l| *l != "Examples:")
            .skip(1)
            .take_while(|l| !l.is_empty())
            .collect();
        assert!(!examples.is_empty(), "{command:?}");
        for line in examples {
            assert!(line.len() <= 80, "{command:?}: {line}");
            let command_line = ["  xxgk ", "  curl "].iter().any(|p| line.starts_with(p));
            assert!(command_line, "{command:?}: wrapped example line {line:?}");
        }
    }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// `xxgk columns` lists the wide CSV's columns in its order, each with a
/// unique Chinese label; `--labels zh` writes those labels as the header.
#[test]
fn columns_map_every_key_to_its_chinese_label() {
    let out = xxgk(&["columns"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listing = stdout(&out);
    assert!(listing.starts_with("column,label_zh,templates,type\n"));
    let columns = csv_rows(&listing);

    let wide = stdout(&xxgk(&[
        "extract",
        "samples/seed-shaodong-2023.txt",
        "-f",
        "csv",
    ]));
    let header = wide.lines().next().unwrap();
    let keys: Vec<&str> = columns.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(header.split(',').collect::<Vec<_>>(), keys);

    let labels: std::collections::HashSet<&str> = columns.iter().map(|c| c[1].as_str()).collect();
    assert_eq!(labels.len(), columns.len(), "labels are unique");
    let row = |key: &str| columns.iter().find(|c| c[0] == key).unwrap().clone();
    assert_eq!(
        row("applications.denied_process_information.total"),
        [
            "applications.denied_process_information.total",
            "三.（三）不予公开.6.属于四类过程性信息.总计",
            "2021 2019",
            "integer"
        ]
    );
    assert_eq!(
        row("active_disclosure.procurement.amount"),
        [
            "active_disclosure.procurement.amount",
            "二.政府集中采购.采购总金额",
            "2019",
            "decimal"
        ]
    );

    let zh = xxgk(&[
        "extract",
        "samples/seed-shaodong-2023.txt",
        "-f",
        "csv",
        "--labels",
        "zh",
    ]);
    assert_eq!(zh.status.code(), Some(0), "{}", stderr(&zh));
    let zh = stdout(&zh);
    let mut reader = csv::Reader::from_reader(zh.as_bytes());
    let zh_header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let listed: Vec<&str> = columns.iter().map(|c| c[1].as_str()).collect();
    assert_eq!(zh_header, listed);
    // Only the header changes.
    assert_eq!(zh.lines().nth(1), wide.lines().nth(1));

    let refused = xxgk(&["export", "x.jsonl", "-f", "csv-long", "--labels", "zh"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--labels names the columns of the wide CSV"));
}

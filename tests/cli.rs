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
        "xxgk: samples/not-reports/title-only.txt: not a report: it names an annual report",
        "xxgk: samples/not-reports/notice-2023.html: not a report: it names an annual report",
        "xxgk: samples/not-reports/report-2023.rtf: not a report: the input is an RTF document",
        "xxgk: samples/09_pingtan-2024.source.md: not a report:",
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

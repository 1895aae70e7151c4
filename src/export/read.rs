//! Saved records back in: JSON Lines as `extract`/`crawl` write them, or the
//! pretty JSON of one record or an array of records.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Report, SCHEMA_VERSION};

/// Reads every record in the file at `path`.
pub fn read_records(path: &Path) -> Result<Vec<Report>> {
    let bytes = std::fs::read(path).map_err(|e| Error::reading(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Records {
        path: path.to_path_buf(),
        message: format!(
            "not UTF-8 text (invalid byte at offset {}); xxgk writes its records as UTF-8",
            e.utf8_error().valid_up_to()
        ),
    })?;
    read_records_from(&text, path)
}

/// Reads every record in `text`; `path` names it in errors. Records are JSON
/// values separated by whitespace, so JSON Lines and pretty JSON both read.
pub fn read_records_from(text: &str, path: &Path) -> Result<Vec<Report>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let fail = |message: String| Error::Records {
        path: path.to_path_buf(),
        message,
    };
    let mut reports = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    // Lines are counted from where the last record started, not from the top:
    // counting from the top for every record took minutes on 5,000 records.
    let (mut counted_to, mut line) = (0, 1);
    loop {
        let rest = &text[stream.byte_offset()..];
        let start = text.len() - rest.trim_start().len();
        line += newlines(&text[counted_to..start]);
        counted_to = start;
        let value = match stream.next() {
            None => break,
            Some(Ok(value)) => value,
            Some(Err(e)) => return Err(fail(format!("not valid JSON: {e}"))),
        };
        let values = match value {
            serde_json::Value::Array(values) => values,
            one => vec![one],
        };
        for value in values {
            let report = Report::deserialize(value)
                .map_err(|e| fail(format!("line {line}: not an xxgk record: {e}")))?;
            if report.schema_version > SCHEMA_VERSION {
                return Err(fail(format!(
                    "line {line}: record has schema_version {}, this xxgk reads up to {SCHEMA_VERSION}; \
                     upgrade xxgk",
                    report.schema_version
                )));
            }
            reports.push(report);
        }
    }
    Ok(reports)
}

fn newlines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Source, Status};

    fn record(path: &str) -> String {
        let source = Source {
            path: Some(path.to_string()),
            ..Source::default()
        };
        serde_json::to_string(&Report::empty(source, Status::NotAReport, None)).unwrap()
    }

    #[test]
    fn jsonl_pretty_json_and_arrays_all_read() {
        let jsonl = format!("{}\n{}\n", record("a"), record("b"));
        let names = |text: &str| -> Vec<String> {
            read_records_from(text, Path::new("x"))
                .unwrap()
                .iter()
                .map(|r| r.source.name().to_string())
                .collect()
        };
        assert_eq!(names(&jsonl), ["a", "b"]);
        assert_eq!(
            names(&format!("[{},\n {}]", record("a"), record("b"))),
            ["a", "b"]
        );
        assert_eq!(names(&format!("\u{FEFF}{}", record("a"))), ["a"]);
        assert!(names("").is_empty());
    }

    #[test]
    fn a_bad_line_is_named() {
        let text = format!("{}\n{{\"schema_version\": 1}}\n", record("a"));
        let err = read_records_from(&text, Path::new("results.jsonl")).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("results.jsonl: line 2: not an xxgk record"),
            "{message}"
        );
        assert!(message.contains("missing field"), "{message}");

        let text = format!("{}\n{{\"source\": \n", record("a"));
        let err = read_records_from(&text, Path::new("results.jsonl")).unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn amounts_keep_their_digits() {
        let mut report: serde_json::Value = serde_json::from_str(&record("a")).unwrap();
        report["active_disclosure"] =
            serde_json::from_str(r#"{"fees": {"amount_wan_yuan": 9750.26}}"#).unwrap();
        let text = serde_json::to_string(&report).unwrap();
        let back = read_records_from(&text, Path::new("x")).unwrap();
        let cell = back[0].cell("active_disclosure", "fees", "amount_wan_yuan");
        assert_eq!(cell.map(|n| n.as_str()), Some("9750.26"));
    }
}

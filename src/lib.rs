//! xxgk reads Chinese government information-disclosure annual reports
//! (政府信息公开工作年度报告) into checked data.
//!
//! The data flows through one module per step:
//! bytes → [`decode`] → [`flatten`] → [`extract`] → [`check`] → [`export`];
//! [`review`] draws saved records as one HTML page to check by eye.
//! [`extract_bytes`] runs the whole chain for one input.

pub mod check;
pub mod crawl;
pub mod decode;
pub mod error;
pub mod export;
pub mod extract;
pub mod fetch;
pub mod flatten;
pub mod model;
pub mod review;
pub mod template;

use std::path::Path;

use sha2::{Digest, Sha256};

pub use error::{Error, Result};
pub use model::{Report, Source, Status};

/// Reads one page's raw bytes into a checked report. `declared_charset` is the
/// charset a server announced, if any. Never fails: unreadable content becomes
/// a `not_a_report` record with the reason.
pub fn extract_bytes(bytes: &[u8], mut source: Source, declared_charset: Option<&str>) -> Report {
    source.sha256 = Some(hex(&Sha256::digest(bytes)));
    source.bytes = Some(bytes.len() as u64);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let reason = if bytes.is_empty() {
            "the input is empty (0 bytes)".to_string()
        } else {
            format!("the input holds only whitespace ({} bytes)", bytes.len())
        };
        return Report::empty(source, Status::NotAReport, Some(reason));
    }
    if let Some(kind) = decode::binary_kind(bytes) {
        let reason = format!("the input is {kind}, not an HTML page or a text dump");
        return Report::empty(source, Status::NotAReport, Some(reason));
    }
    let decoded = decode::decode(bytes, declared_charset);
    source.encoding = Some(decoded.encoding.to_string());
    if flatten::looks_like_html(&decoded.text) && flatten::depth::nests_too_deep(&decoded.text) {
        let reason = format!(
            "the page's elements nest more than {} deep; no report page does, \
             and parsing such markup takes minutes, so it was not read",
            flatten::depth::MAX_NESTING
        );
        return Report::empty(source, Status::NotAReport, Some(reason));
    }
    let doc = flatten::flatten(&decoded.text);
    drop(decoded); // the document holds what extraction needs
    let mut report = extract::extract(&doc, source);
    check::check(&mut report);
    report
}

/// Reads a saved page or text dump from disk.
pub fn extract_file(path: &Path) -> Result<Report> {
    let bytes = std::fs::read(path).map_err(|e| Error::reading(path, e))?;
    let source = Source {
        path: Some(path.display().to_string()),
        ..Source::default()
    };
    Ok(extract_bytes(&bytes, source, None))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

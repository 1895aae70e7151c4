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
pub mod links;
pub mod model;
pub mod review;
pub mod template;

use std::path::Path;

use sha2::{Digest, Sha256};

pub use error::{Error, Result};
pub use model::{Report, Source, Status};

/// Reads one input's raw bytes — an HTML page, a text dump, a PDF or a DOCX
/// file, told apart by their content — into a checked report.
/// `declared_charset` is the charset a server announced, if any. Never
/// fails: unreadable content becomes a `not_a_report` record with the reason.
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
    let read = match flatten::Format::of(bytes) {
        Some(format @ flatten::Format::Pdf) => {
            source.format = Some(format.as_str().to_string());
            flatten::pdf::flatten_pdf(bytes).map_err(|why| why.to_string())
        }
        Some(format @ flatten::Format::Docx) => {
            let read = flatten::docx::flatten_docx(bytes);
            // An archive that is not a Word document (an .xlsx) is no DOCX.
            if !matches!(read, Err(flatten::docx::Unreadable::NotWord(_))) {
                source.format = Some(format.as_str().to_string());
            }
            read.map_err(|why| why.to_string())
        }
        _ => {
            if let Some(reason) = flatten::legacy_office_reason(bytes) {
                return Report::empty(source, Status::NotAReport, Some(reason));
            }
            return extract_markup(bytes, source, declared_charset);
        }
    };
    match read {
        Ok(doc) => extract_document(&doc, source),
        Err(reason) => Report::empty(source, Status::NotAReport, Some(reason)),
    }
}

/// [`extract_bytes`] for a response: the charset of `content_type` (e.g.
/// `text/html; charset=gbk`) decodes a page; the format is still told from
/// the bytes, since servers send PDFs as `application/octet-stream` and
/// pages as `text/plain`.
pub fn extract_response(bytes: &[u8], mut source: Source, content_type: Option<&str>) -> Report {
    let charset = content_type.and_then(fetch::charset_of);
    if source.content_type.is_none() {
        source.content_type = content_type.map(str::to_string);
    }
    extract_bytes(bytes, source, charset)
}

/// HTML pages and text dumps (and binary content that is neither).
fn extract_markup(bytes: &[u8], mut source: Source, declared_charset: Option<&str>) -> Report {
    if let Some(kind) = decode::binary_kind(bytes) {
        let reason = format!("the input is {kind}, not an HTML page or a text dump");
        return Report::empty(source, Status::NotAReport, Some(reason));
    }
    let decoded = decode::decode(bytes, declared_charset);
    source.encoding = Some(decoded.encoding.to_string());
    let is_html = flatten::looks_like_html(&decoded.text);
    let format = if is_html {
        flatten::Format::Html
    } else {
        flatten::Format::Text
    };
    source.format = Some(format.as_str().to_string());
    if is_html && flatten::depth::nests_too_deep(&decoded.text) {
        let reason = format!(
            "the page's elements nest more than {} deep; no report page does, \
             and parsing such markup takes minutes, so it was not read",
            flatten::depth::MAX_NESTING
        );
        return Report::empty(source, Status::NotAReport, Some(reason));
    }
    let doc = flatten::flatten(&decoded.text);
    drop(decoded); // the document holds what extraction needs
    extract_document(&doc, source)
}

fn extract_document(doc: &flatten::Document, source: Source) -> Report {
    let mut report = extract::extract(doc, source);
    check::check(&mut report);
    report
}

/// Reads a saved page, text dump, PDF or DOCX file from disk.
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

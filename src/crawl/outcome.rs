//! What came back: an HTTP response or a failure → one record.
//!
//! Anti-bot walls are recognised by [`fetch::anti_bot`], not in `extract`,
//! because the HTTP status is the strongest sign of one.

use crate::fetch::{self, Failure, Response};
use crate::model::{Report, Source, Status};

/// The record of a URL that could not be fetched.
pub fn failed(source: Source, failure: &Failure) -> Report {
    Report::error(source, failure)
}

/// The record of an HTTP response: anti-bot page, HTTP error, or the
/// extracted report. `source` names the URL asked for. CPU work: call it
/// off the async runtime.
pub fn read_response(mut source: Source, response: &Response) -> Report {
    source.final_url = Some(response.final_url.clone());
    source.http_status = Some(response.status);
    source.content_type = response.content_type.clone();
    source.fetched_at = Some(response.fetched_at.clone());

    // The format is told from the bytes; the content type gives a page's charset.
    let report = crate::extract_response(&response.body, source, response.content_type.as_deref());
    if let Some(reason) = fetch::anti_bot(response.status, &response.body) {
        return without_tables(report, Status::NotAReport, reason);
    }
    if !(200..300).contains(&response.status) {
        let mut reason = format!("HTTP {}", status_text(response.status));
        if response.attempts > 1 {
            reason.push_str(&format!(" ({} attempts)", response.attempts));
        }
        return without_tables(report, Status::Error, reason);
    }
    report
}

/// Keeps the source facts extraction filled (sha256, bytes, encoding) and
/// nothing else: a challenge or error page's "tables" are not data.
fn without_tables(report: Report, status: Status, reason: String) -> Report {
    Report::empty(report.source, status, Some(reason))
}

fn status_text(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn source_of(url: &Url) -> Source {
        Source {
            url: Some(url.to_string()),
            ..Source::default()
        }
    }

    fn response(status: u16, body: &str) -> Response {
        Response {
            final_url: "http://a.cn/x".into(),
            status,
            content_type: Some("text/html".into()),
            body: body.as_bytes().to_vec(),
            fetched_at: "2026-01-01T00:00:00Z".into(),
            attempts: 1,
            server_time: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn anti_bot_walls_are_not_reports() {
        let url = Url::parse("http://a.cn/x").unwrap();
        let r = read_response(
            source_of(&url),
            &response(412, "<script>$_ts=window['$_ts']</script>"),
        );
        assert_eq!(r.status, Status::NotAReport);
        assert!(
            r.reason.as_deref().unwrap().contains("Ruishu"),
            "{:?}",
            r.reason
        );
        let r = read_response(
            source_of(&url),
            &response(200, "<script>document.cookie='__jsl_clearance=1'</script>"),
        );
        assert_eq!(r.status, Status::NotAReport);
        assert!(
            r.reason.as_deref().unwrap().contains("Jiasule"),
            "{:?}",
            r.reason
        );
        let r = read_response(source_of(&url), &response(521, ""));
        assert!(
            r.reason.as_deref().unwrap().contains("HTTP 521"),
            "{:?}",
            r.reason
        );
    }

    #[test]
    fn http_errors_are_errors_with_the_status() {
        let url = Url::parse("http://a.cn/x").unwrap();
        let r = read_response(source_of(&url), &response(404, "<h1>Not Found</h1>"));
        assert_eq!(r.status, Status::Error);
        assert_eq!(r.reason.as_deref(), Some("HTTP 404 Not Found"));
        assert_eq!(r.source.http_status, Some(404));
        assert!(r.source.sha256.is_some());
    }
}

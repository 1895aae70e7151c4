//! The account of a batch printed on stderr when `extract` ends: counts by
//! status, then the inputs that need a look — those that are not reports,
//! those with failed checks, and those read only in part.

use std::collections::BTreeMap;
use std::fmt;

use xxgk::{Report, Status};

/// Lines listed per kind before the rest is only counted: a batch of
/// thousands must not bury its counts.
const MAX_LINES: usize = 20;
/// Check ids named per report.
const MAX_CHECK_IDS: usize = 4;

/// Warnings that describe the page rather than a gap in what was read.
const QUIET_WARNINGS: [&str; 2] = ["blank_cell", "extra_row"];

pub struct Summary<'a> {
    pub command: &'static str,
    pub reports: &'a [Report],
}

impl fmt::Display for Summary<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reports = self.reports;
        let counts: Vec<String> = [
            Status::Complete,
            Status::Partial,
            Status::NotAReport,
            Status::Error,
        ]
        .iter()
        .map(|s| {
            let n = reports.iter().filter(|r| r.status == *s).count();
            format!("{} {n}", s.as_str())
        })
        .collect();
        let inputs = if reports.len() == 1 {
            "input"
        } else {
            "inputs"
        };
        writeln!(
            f,
            "xxgk {}: {} {inputs}: {}",
            self.command,
            reports.len(),
            counts.join(", ")
        )?;

        let not_reports = reports
            .iter()
            .filter(|r| r.status == Status::NotAReport)
            .map(|r| {
                let reason = r.reason.as_deref().unwrap_or("");
                format!("{}: not a report: {reason}", r.source.name())
            });
        list(f, not_reports, "inputs that are not reports")?;

        let failing = reports.iter().filter_map(|r| {
            let failed: Vec<&str> = r
                .checks
                .iter()
                .filter(|c| c.ok == Some(false))
                .map(|c| c.id.as_str())
                .collect();
            (!failed.is_empty()).then(|| {
                let more = if failed.len() > MAX_CHECK_IDS {
                    ", …"
                } else {
                    ""
                };
                let ids = failed[..failed.len().min(MAX_CHECK_IDS)].join(", ");
                let checks = if failed.len() == 1 { "check" } else { "checks" };
                format!(
                    "{}: {} {checks} failed: {ids}{more}",
                    r.source.name(),
                    failed.len()
                )
            })
        });
        list(f, failing, "reports with failed checks")?;

        let incomplete = reports
            .iter()
            .filter(|r| matches!(r.status, Status::Complete | Status::Partial))
            .filter_map(|r| {
                let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
                for w in &r.warnings {
                    if !QUIET_WARNINGS.contains(&w.code.as_str()) {
                        *codes.entry(w.code.as_str()).or_default() += 1;
                    }
                }
                if r.status == Status::Complete && codes.is_empty() {
                    return None;
                }
                let codes: Vec<String> = codes
                    .into_iter()
                    .map(|(code, n)| match n {
                        1 => code.to_string(),
                        n => format!("{code} ({n})"),
                    })
                    .collect();
                Some(format!(
                    "{}: {}: {}",
                    r.source.name(),
                    r.status.as_str(),
                    codes.join(", ")
                ))
            });
        list(f, incomplete, "reports with warnings")
    }
}

/// Up to [`MAX_LINES`] lines, then how many more there are.
fn list(
    f: &mut fmt::Formatter<'_>,
    lines: impl Iterator<Item = String>,
    what: &str,
) -> fmt::Result {
    let mut count = 0;
    for line in lines {
        count += 1;
        if count <= MAX_LINES {
            writeln!(f, "  {line}")?;
        }
    }
    if count > MAX_LINES {
        writeln!(f, "  … {} more {what} (see the records)", count - MAX_LINES)?;
    }
    Ok(())
}

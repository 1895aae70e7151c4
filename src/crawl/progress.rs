//! Telling the user how a crawl goes: a bar on a terminal, log lines
//! otherwise, and a closing summary of outcomes and troublesome hosts.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::Tally;
use crate::model::{Report, Status};

/// How progress is shown while crawling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// A live bar on stderr (for terminals).
    Bar,
    /// A line on stderr every `LOG_EVERY` (for logs and pipes).
    Log,
    Quiet,
}

pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// Records per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts([usize; 4]);

pub const OUTCOMES: [Status; 4] = [
    Status::Complete,
    Status::Partial,
    Status::NotAReport,
    Status::Error,
];

impl Counts {
    pub fn add(&mut self, status: Status) {
        self.0[index(status)] += 1;
    }

    pub fn get(&self, status: Status) -> usize {
        self.0[index(status)]
    }

    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }
}

fn index(status: Status) -> usize {
    OUTCOMES.iter().position(|s| *s == status).unwrap_or(3)
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = OUTCOMES
            .iter()
            .map(|s| format!("{} {}", s.as_str(), self.get(*s)))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

pub struct Progress {
    display: Display,
    bar: Option<ProgressBar>,
    total: usize,
    counts: Counts,
    started: Instant,
}

impl Progress {
    /// `total` is the number of URLs this run has to do.
    pub fn new(display: Display, total: usize) -> Self {
        let bar = (display == Display::Bar).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress {
            display,
            bar,
            total,
            counts: Counts::default(),
            started: Instant::now(),
        }
    }

    pub fn record(&mut self, status: Status) {
        self.counts.add(status);
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!("{} — {}", self.rate(), self.counts));
        }
    }

    /// URLs found on list pages join what this run has to do.
    pub fn add_to_do(&mut self, more: usize) {
        self.total += more;
        if let Some(bar) = &self.bar {
            bar.inc_length(more as u64);
        }
    }

    /// `19.8/s`: records written per second, rounded.
    fn rate(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        format!("{:.1}/s", self.counts.total() as f64 / secs)
    }

    /// A log line, in log mode (called every `LOG_EVERY`).
    pub fn log_line(&self) {
        if self.display == Display::Log {
            eprintln!(
                "xxgk: crawl: {}/{} done, {} — {}",
                self.counts.total(),
                self.total,
                self.rate(),
                self.counts
            );
        }
    }

    /// Prints a message without tearing the bar.
    pub fn warn(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{message}")),
            None if self.display != Display::Quiet => eprintln!("{message}"),
            None => {}
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }
}

/// Fetch times and failures of one host.
#[derive(Debug, Clone, Default)]
pub struct HostStats {
    /// URLs of this host recorded this run.
    pub urls: usize,
    /// Those fetched over the network, and the server's time for them.
    pub fetches: usize,
    pub seconds: f64,
    pub errors: usize,
}

/// The closing account of a crawl run.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Distinct URLs in the list.
    pub listed: usize,
    /// Outcomes of records kept from earlier runs.
    pub earlier: Counts,
    /// Outcomes of records written by this run.
    pub this_run: Counts,
    /// Responses taken over the network / from the cache.
    pub fetched: usize,
    pub from_cache: usize,
    pub elapsed: Duration,
    pub interrupted: bool,
    pub hosts: HashMap<String, HostStats>,
    /// Whether list pages were followed.
    pub following: bool,
    /// List pages recorded by earlier runs and by this one.
    pub list_pages_earlier: usize,
    pub list_pages_this_run: usize,
    /// URLs list pages led to (reports and further pages), this run and before.
    pub discovered: usize,
    pub tally: Tally,
    /// `crawl`, or `discover` when reports are only listed.
    pub command: &'static str,
}

impl Summary {
    /// Accounts for one URL's record under its host.
    pub fn count_host(&mut self, host: String, report: &Report, fetch_time: Option<Duration>) {
        let stats = self.hosts.entry(host).or_default();
        stats.urls += 1;
        if report.status == Status::Error {
            stats.errors += 1;
        }
        match fetch_time {
            Some(time) => {
                self.fetched += 1;
                stats.fetches += 1;
                stats.seconds += time.as_secs_f64();
            }
            None if report.status == Status::Error => {}
            None => self.from_cache += 1,
        }
    }

    /// Records that are not reports, list pages followed aside: what makes
    /// a crawl's exit code 1.
    pub fn not_reports(&self) -> usize {
        let all = self.earlier.get(Status::NotAReport) + self.this_run.get(Status::NotAReport);
        all.saturating_sub(self.list_pages_earlier + self.list_pages_this_run)
    }

    pub fn errors(&self) -> usize {
        self.earlier.get(Status::Error) + self.this_run.get(Status::Error)
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let done = self.this_run.total();
        let secs = self.elapsed.as_secs_f64();
        let found = if self.discovered > 0 {
            format!(" and {} found on list pages", self.discovered)
        } else {
            String::new()
        };
        writeln!(
            f,
            "xxgk {}: {} URLs listed{found}; {} recorded before, {} this run in {:.1} s ({:.1}/s; {} fetched, {} from cache){}",
            if self.command.is_empty() {
                "crawl"
            } else {
                self.command
            },
            self.listed,
            self.earlier.total(),
            done,
            secs,
            done as f64 / secs.max(0.001),
            self.fetched,
            self.from_cache,
            if self.interrupted {
                " — interrupted: run the same command again to resume"
            } else {
                ""
            }
        )?;
        if self.following && self.tally.columns > 0 {
            write!(f, "  {}", self.tally)?;
        }
        writeln!(f, "  {:<14}{:>10}{:>10}", "outcome", "this run", "in total")?;
        for status in OUTCOMES {
            let now = self.this_run.get(status);
            writeln!(
                f,
                "  {:<14}{:>10}{:>10}",
                status.as_str(),
                now,
                now + self.earlier.get(status)
            )?;
        }
        let mut slow: Vec<(&String, &HostStats)> =
            self.hosts.iter().filter(|(_, h)| h.fetches > 0).collect();
        slow.sort_by(|a, b| mean(b.1).total_cmp(&mean(a.1)).then(a.0.cmp(b.0)));
        if !slow.is_empty() {
            writeln!(
                f,
                "  slowest hosts (mean seconds the server took per fetch):"
            )?;
            for (host, h) in slow.iter().take(5) {
                writeln!(
                    f,
                    "    {host:<40}{:>8.2} s  ({})",
                    mean(h),
                    plural(h.fetches, "fetch", "fetches")
                )?;
            }
        }
        let mut failing: Vec<(&String, &HostStats)> =
            self.hosts.iter().filter(|(_, h)| h.errors > 0).collect();
        failing.sort_by(|a, b| b.1.errors.cmp(&a.1.errors).then(a.0.cmp(b.0)));
        if !failing.is_empty() {
            writeln!(f, "  failing hosts:")?;
            for (host, h) in failing.iter().take(5) {
                writeln!(
                    f,
                    "    {host:<40}{:>5} of {}",
                    plural(h.errors, "error", "errors"),
                    plural(h.urls, "URL", "URLs")
                )?;
            }
        }
        Ok(())
    }
}

/// `1 fetch`, `3 fetches`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl fmt::Display for Tally {
    /// What following list pages did, as a line (or two) of the summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "list pages followed: {}, {}, {} found",
            plural(self.columns, "column", "columns"),
            plural(self.list_pages, "list page", "list pages"),
            plural(self.reports, "report", "reports")
        )?;
        if self.other_years > 0 {
            write!(
                f,
                " ({} of other years left out by --year)",
                self.other_years
            )?;
        }
        writeln!(f)?;
        if !self.capped_columns.is_empty() {
            writeln!(
                f,
                "  {} left unread: the cap of list pages per column (--max-list-pages) stopped {}: {}",
                plural(self.capped_pages, "list page", "list pages"),
                plural(self.capped_columns.len(), "column", "columns"),
                self.capped_columns.join(", ")
            )?;
        }
        Ok(())
    }
}

fn mean(h: &HostStats) -> f64 {
    h.seconds / h.fetches.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_in_words() {
        let mut summary = Summary::default();
        let error = Report::error(crate::Source::default(), "HTTP 404 Not Found");
        summary.count_host("a.gov.cn".into(), &error, Some(Duration::from_millis(20)));
        summary.count_host("b.gov.cn".into(), &error, None);
        summary.this_run.add(Status::Error);
        summary.this_run.add(Status::Error);
        let text = summary.to_string();
        assert!(text.starts_with("xxgk crawl: "), "{text}");
        assert!(text.contains("0.02 s  (1 fetch)"), "{text}");
        assert!(text.contains("1 error of 1 URL"), "{text}");
        assert!(!text.contains("errors of 0"), "{text}");
        summary.following = true;
        summary.tally = Tally {
            columns: 1,
            list_pages: 50,
            reports: 1,
            other_years: 0,
            capped_pages: 3,
            capped_columns: vec!["http://a.gov.cn/nb/".into()],
        };
        let text = summary.to_string();
        assert!(
            text.contains("list pages followed: 1 column, 50 list pages, 1 report found"),
            "{text}"
        );
        assert!(text.contains("3 list pages left unread"), "{text}");
    }
}

//! The records file a crawl appends to, and what a rerun learns from it.
//!
//! Each record is one JSON line written with a single `write` call, so after
//! Ctrl-C or `kill -9` the file holds whole records plus at most one
//! half-written last line, which reopening cuts off. A URL with a record is
//! done; a rerun skips it, so no URL is ever recorded twice.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use super::Error;
use super::discover::is_list_page;
use super::url_key;
use crate::model::{Link, Report, Source, Status};

pub struct Journal {
    path: PathBuf,
    file: File,
}

/// What an existing records file held when it was reopened.
#[derive(Debug, Default)]
pub struct Resumed {
    /// URL ([`url_key`]) → outcome of every record kept.
    pub done: FxHashMap<u64, Status>,
    /// Bytes of a half-written last line that were cut off.
    pub repaired_bytes: usize,
    /// URLs ([`url_key`]) whose error record was dropped for `--retry-failed`.
    pub dropped_errors: FxHashSet<u64>,
    /// The records of list pages, in the order written (their URL, reason
    /// and links only): replaying them queues again what they led to.
    pub list_pages: Vec<Report>,
}

/// The fields of a record a rerun needs.
#[derive(Deserialize)]
struct Head {
    source: HeadSource,
    status: Status,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct HeadSource {
    url: Option<String>,
}

impl Journal {
    /// Opens (or creates) `path` for appending, repairing a half-written last
    /// line. With `drop_errors`, error records are removed so they can be redone.
    pub fn open(path: &Path, drop_errors: bool) -> Result<(Journal, Resumed), Error> {
        let io_err = |action: &'static str| {
            move |source: io::Error| Error::Io {
                path: path.to_path_buf(),
                action,
                source,
            }
        };
        let mut resumed = Resumed::default();
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // With `drop_errors`, the kept records go to a new file swapped in at
        // the end: a crash leaves the old file or the new one, never a mix.
        let mut rewrite = None;
        // Read a line at a time: a big crawl's records do not fit in memory.
        let mut whole: u64 = 0;
        match File::open(path) {
            Ok(file) => {
                if drop_errors {
                    let tmp =
                        tempfile::NamedTempFile::new_in(dir).map_err(io_err("cannot rewrite"))?;
                    rewrite = Some(io::BufWriter::new(tmp));
                }
                let mut reader = io::BufReader::new(file);
                let mut line = Vec::new();
                for number in 1.. {
                    line.clear();
                    let read = reader
                        .read_until(b'\n', &mut line)
                        .map_err(io_err("cannot read"))?;
                    if read == 0 {
                        break;
                    }
                    if line.last() != Some(&b'\n') {
                        resumed.repaired_bytes = read;
                        break;
                    }
                    whole += read as u64;
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let bad = |reason: String| Error::BadRecord {
                        path: path.to_path_buf(),
                        line: number,
                        reason,
                    };
                    let head: Head =
                        serde_json::from_slice(&line).map_err(|e| bad(e.to_string()))?;
                    let url = head
                        .source
                        .url
                        .ok_or_else(|| bad("the record has no source.url".to_string()))?;
                    if drop_errors && head.status == Status::Error {
                        resumed.dropped_errors.insert(url_key(&url));
                        continue;
                    }
                    let mut record = Report::empty(
                        Source {
                            url: Some(url.clone()),
                            ..Source::default()
                        },
                        head.status,
                        head.reason,
                    );
                    if is_list_page(&record) {
                        record.links = head.links;
                        resumed.list_pages.push(record);
                    }
                    resumed.done.insert(url_key(&url), head.status);
                    if let Some(out) = &mut rewrite {
                        out.write_all(&line).map_err(io_err("cannot rewrite"))?;
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err("cannot read")(e)),
        }

        match rewrite {
            Some(out) if !resumed.dropped_errors.is_empty() => {
                let tmp = out
                    .into_inner()
                    .map_err(|e| io_err("cannot rewrite")(e.into_error()))?;
                tmp.persist(path)
                    .map_err(|e| io_err("cannot rewrite")(e.error))?;
            }
            _ if resumed.repaired_bytes > 0 => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(io_err("cannot repair"))?;
                file.set_len(whole).map_err(io_err("cannot repair"))?;
            }
            _ => {}
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io_err("cannot open for writing"))?;
        let journal = Journal {
            path: path.to_path_buf(),
            file,
        };
        Ok((journal, resumed))
    }

    /// Appends one record as one line.
    pub fn append(&mut self, report: &Report) -> Result<(), Error> {
        let mut line = serde_json::to_vec(report).map_err(|e| Error::Io {
            path: self.path.clone(),
            action: "cannot write a record to",
            source: e.into(),
        })?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(|source| Error::Io {
            path: self.path.clone(),
            action: "cannot write a record to",
            source,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;

    fn record(url: &str, status: Status) -> Report {
        let source = Source {
            url: Some(url.to_string()),
            ..Source::default()
        };
        Report::empty(source, status, Some("test".into()))
    }

    #[test]
    fn reopening_repairs_a_half_written_line_and_knows_what_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        {
            let (mut j, resumed) = Journal::open(&path, false).unwrap();
            assert!(resumed.done.is_empty());
            j.append(&record("http://a.cn/1", Status::NotAReport))
                .unwrap();
            j.append(&record("http://a.cn/2", Status::Error)).unwrap();
        }
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"schema_version":1,"source":{"url":"http://a.c"#)
            .unwrap();
        drop(f);

        let (mut j, resumed) = Journal::open(&path, false).unwrap();
        assert_eq!(resumed.done.len(), 2);
        assert_eq!(resumed.done[&url_key("http://a.cn/2")], Status::Error);
        assert!(resumed.repaired_bytes > 0);
        j.append(&record("http://a.cn/3", Status::Complete))
            .unwrap();
        let urls: Vec<String> = crate::export::read_records(&path)
            .unwrap()
            .into_iter()
            .map(|r| r.source.url.unwrap())
            .collect();
        assert_eq!(urls, ["http://a.cn/1", "http://a.cn/2", "http://a.cn/3"]);
    }

    #[test]
    fn retry_failed_drops_only_error_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        {
            let (mut j, _) = Journal::open(&path, false).unwrap();
            j.append(&record("http://a.cn/1", Status::Error)).unwrap();
            j.append(&record("http://a.cn/2", Status::NotAReport))
                .unwrap();
        }
        let (_, resumed) = Journal::open(&path, true).unwrap();
        assert_eq!(resumed.dropped_errors.len(), 1);
        assert_eq!(
            resumed.done.keys().collect::<Vec<_>>(),
            [&url_key("http://a.cn/2")]
        );
        assert_eq!(crate::export::read_records(&path).unwrap().len(), 1);
    }

    #[test]
    fn a_corrupt_record_in_the_middle_is_named_not_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, "not json\n").unwrap();
        let err = Journal::open(&path, false).err().unwrap();
        assert!(err.to_string().contains("out.jsonl:1"), "{err}");
    }
}

//! Raw responses on disk, so a crawl can be resumed without refetching and
//! re-extracted with no network at all.
//!
//! Layout: one append-only file, `DIR/responses`, of entries: a line of JSON
//! facts (URL, final URL, status, content type, time, body length), then the
//! raw body. Opening reads the facts lines, skipping the bodies, into an
//! index; a later entry for a URL replaces an earlier one. A crash can only
//! cut the last entry short (it then has fewer body bytes than its facts
//! say), and opening cuts it off. One file rather than one per response:
//! creating a file costs the kernel more CPU than extracting a small page
//! (0.4 ms per file on a large ext4 volume).
//!
//! The file is locked while open, so two crawls never append to it at once.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, Seek, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::fetch::Response;

/// The facts of a cached response; the body follows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Facts {
    url: String,
    final_url: String,
    status: u16,
    content_type: Option<String>,
    fetched_at: String,
    bytes: u64,
}

/// Where one entry sits in the file.
#[derive(Debug, Clone, Copy)]
struct Entry {
    at: u64,
    /// Length of the facts line, newline included.
    head: u64,
    bytes: u64,
    status: u16,
}

/// The file in a cache folder that holds the responses.
pub const RESPONSES: &str = "responses";

pub struct Cache {
    dir: PathBuf,
    file: File,
    /// Held while appending, so that entries never interleave.
    state: Mutex<State>,
}

struct State {
    /// URL → its latest entry.
    index: HashMap<String, Entry>,
    /// Where the next entry goes.
    len: u64,
}

impl Cache {
    pub fn open(dir: &Path) -> io::Result<Self> {
        // The folder itself, not missing parents: a typo is not created.
        match fs::create_dir(dir) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(dir.join(RESPONSES))?;
        file.try_lock().map_err(|e| match e {
            fs::TryLockError::WouldBlock => {
                io::Error::other("in use by another xxgk crawl (one crawl per cache at a time)")
            }
            fs::TryLockError::Error(e) => e,
        })?;
        let (index, len) = read_index(&file)?;
        if len < file.metadata()?.len() {
            file.set_len(len)?;
        }
        Ok(Cache {
            dir: dir.to_path_buf(),
            file,
            state: Mutex::new(State { index, len }),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The HTTP status of the cached response for `url`.
    pub fn status(&self, url: &str) -> Option<u16> {
        self.entry(url).map(|e| e.status)
    }

    /// The cached response for `url`, if one is stored.
    pub fn get(&self, url: &str) -> Option<Response> {
        let entry = self.entry(url)?;
        let mut head = vec![0; entry.head as usize];
        self.file.read_exact_at(&mut head, entry.at).ok()?;
        let facts: Facts = serde_json::from_slice(&head).ok()?;
        let mut body = vec![0; entry.bytes as usize];
        self.file
            .read_exact_at(&mut body, entry.at + entry.head)
            .ok()?;
        Some(Response {
            final_url: facts.final_url,
            status: facts.status,
            content_type: facts.content_type,
            body,
            fetched_at: facts.fetched_at,
            attempts: 0,
            server_time: std::time::Duration::ZERO,
        })
    }

    /// Stores `response` for `url`, replacing any older entry.
    pub fn put(&self, url: &str, response: &Response) -> io::Result<()> {
        let facts = Facts {
            url: url.to_string(),
            final_url: response.final_url.clone(),
            status: response.status,
            content_type: response.content_type.clone(),
            fetched_at: response.fetched_at.clone(),
            bytes: response.body.len() as u64,
        };
        let mut head = serde_json::to_vec(&facts)?;
        head.push(b'\n');
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let at = state.len;
        let written = (&self.file)
            .write_all(&head)
            .and_then(|()| (&self.file).write_all(&response.body));
        if let Err(e) = written {
            // A half-written entry would hide every later one from the next run.
            let _ = self.file.set_len(at);
            return Err(e);
        }
        let entry = Entry {
            at,
            head: head.len() as u64,
            bytes: facts.bytes,
            status: facts.status,
        };
        state.len = at + entry.head + entry.bytes;
        state.index.insert(facts.url, entry);
        Ok(())
    }

    fn entry(&self, url: &str) -> Option<Entry> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.index.get(url).copied()
    }
}

/// The entries of `file`, and the length of its whole ones: anything after
/// them is an entry cut short.
fn read_index(file: &File) -> io::Result<(HashMap<String, Entry>, u64)> {
    let len = file.metadata()?.len();
    let mut index = HashMap::new();
    let mut reader = io::BufReader::new(file);
    reader.rewind()?;
    let mut at = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let head = reader.read_until(b'\n', &mut line)? as u64;
        if line.last() != Some(&b'\n') {
            break;
        }
        let Ok(facts) = serde_json::from_slice::<Facts>(&line) else {
            break;
        };
        let end = at + head + facts.bytes;
        if end > len {
            break;
        }
        reader.seek_relative(facts.bytes as i64)?;
        let entry = Entry {
            at,
            head,
            bytes: facts.bytes,
            status: facts.status,
        };
        index.insert(facts.url, entry);
        at = end;
    }
    Ok((index, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &[u8]) -> Response {
        Response {
            final_url: "http://a.cn/final".into(),
            status: 200,
            content_type: Some("text/html; charset=GBK".into()),
            body: body.to_vec(),
            fetched_at: "2026-01-01T00:00:00Z".into(),
            attempts: 1,
            server_time: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn a_stored_response_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        assert!(cache.get("http://a.cn/x").is_none());
        cache
            .put("http://a.cn/x", &response(b"\xc4\xea\xb1\xa8"))
            .unwrap();
        cache.put("http://a.cn/z", &response(b"zzz")).unwrap();
        let back = cache.get("http://a.cn/x").unwrap();
        assert_eq!(back.body, b"\xc4\xea\xb1\xa8");
        assert_eq!(back.final_url, "http://a.cn/final");
        assert_eq!(back.content_type.as_deref(), Some("text/html; charset=GBK"));
        assert!(cache.get("http://a.cn/y").is_none());
        assert_eq!(cache.status("http://a.cn/x"), Some(200));
        assert_eq!(cache.status("http://a.cn/y"), None);
        cache.put("http://a.cn/x", &response(b"new")).unwrap();
        assert_eq!(cache.get("http://a.cn/x").unwrap().body, b"new");

        drop(cache);
        let cache = Cache::open(dir.path()).unwrap();
        assert_eq!(cache.get("http://a.cn/x").unwrap().body, b"new");
        assert_eq!(cache.get("http://a.cn/z").unwrap().body, b"zzz");
    }

    #[test]
    fn an_entry_cut_short_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        cache.put("http://a.cn/x", &response(b"0123")).unwrap();
        cache
            .put("http://a.cn/y", &response(b"0123456789"))
            .unwrap();
        drop(cache);
        let path = dir.path().join(RESPONSES);
        let whole = fs::read(&path).unwrap();
        fs::write(&path, &whole[..whole.len() - 5]).unwrap();

        let cache = Cache::open(dir.path()).unwrap();
        assert_eq!(cache.get("http://a.cn/x").unwrap().body, b"0123");
        assert!(cache.get("http://a.cn/y").is_none());
        assert_eq!(cache.status("http://a.cn/y"), None);
        // What is appended after the repair is read back by the next run.
        cache.put("http://a.cn/z", &response(b"z")).unwrap();
        drop(cache);
        let cache = Cache::open(dir.path()).unwrap();
        assert_eq!(cache.get("http://a.cn/x").unwrap().body, b"0123");
        assert_eq!(cache.get("http://a.cn/z").unwrap().body, b"z");
    }

    #[test]
    fn one_crawl_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let err = Cache::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("in use"), "{err}");
        drop(cache);
        Cache::open(dir.path()).unwrap();
    }
}

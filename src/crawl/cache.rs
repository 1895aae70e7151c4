//! Raw responses on disk, so a crawl can be resumed without refetching and
//! re-extracted with no network at all.
//!
//! Layout: one append-only file, `DIR/responses`, of entries: a line of JSON
//! facts (URL, final URL, status, content type, time, stored length, and how
//! the body is stored), then the body. Bodies are zlib-compressed one by one
//! (`"stored":"zlib"`, with the `raw_bytes` they inflate to): report pages
//! shrink to a tenth, and each entry still stands alone. Entries written
//! before compression have no `stored` field and are read as they are; an
//! entry stored in a way this xxgk does not know (a newer one wrote it) is
//! refused when the cache is opened, naming the way.
//!
//! Opening reads the facts lines, skipping the bodies, into an index; a later
//! entry for a URL replaces an earlier one. A crash can only cut the last
//! entry short (it then has fewer body bytes than its facts say), and opening
//! cuts it off. One file rather than one per response: creating a file costs
//! the kernel more CPU than extracting a small page (0.4 ms per file on a
//! large ext4 volume).
//!
//! Only what a run may still read is indexed: URLs that already have a
//! record are left out when opening, and what a run stores is not added (it
//! has its record next), so the index stays small however long the crawl.
//! Keys are 64-bit hashes of the URL; the facts line read back with the body
//! confirms the URL, so two URLs sharing a hash cost a refetch, never a
//! wrong body.
//!
//! The file is locked while open, so two crawls never append to it at once.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, Read, Seek, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::url_key;
use crate::fetch::Response;

/// How a body is stored in its entry.
const ZLIB: &str = "zlib";

/// The facts of a cached response; the body follows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Facts {
    url: String,
    final_url: String,
    status: u16,
    content_type: Option<String>,
    fetched_at: String,
    /// Length of the body as stored.
    bytes: u64,
    /// `zlib`, or absent for a body stored as it came (older caches).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stored: Option<String>,
    /// Length of the body as it came, when stored compressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    raw_bytes: Option<u64>,
}

/// Where one entry sits in the file.
#[derive(Debug, Clone, Copy)]
struct Entry {
    at: u64,
    /// Length of the facts line, newline included.
    head: u32,
    status: u16,
    bytes: u64,
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
    /// URL key → its latest entry, for URLs without a record.
    index: rustc_hash::FxHashMap<u64, Entry>,
    /// Where the next entry goes.
    len: u64,
}

impl Cache {
    /// Opens the cache in `dir` (created if missing, not its parents),
    /// indexing the entries of URLs for which `recorded` is false.
    pub fn open(dir: &Path, recorded: impl Fn(&str) -> bool) -> io::Result<Self> {
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
        let (index, len) = read_index(&file, recorded)?;
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

    /// The cached response for `url`, if one is stored and reads back whole.
    pub fn get(&self, url: &str) -> Option<Response> {
        let entry = self.entry(url)?;
        let mut head = vec![0; entry.head as usize];
        self.file.read_exact_at(&mut head, entry.at).ok()?;
        let facts: Facts = serde_json::from_slice(&head).ok()?;
        if facts.url != url {
            return None; // another URL with the same key
        }
        let mut stored = vec![0; entry.bytes as usize];
        self.file
            .read_exact_at(&mut stored, entry.at + u64::from(entry.head))
            .ok()?;
        let body = match facts.stored.as_deref() {
            None => stored,
            Some(ZLIB) => inflate(&stored, facts.raw_bytes.unwrap_or(0)).ok()?,
            Some(_) => return None, // refused when opening
        };
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

    /// Stores `response` for `url`, compressed. A later run reads it (this
    /// one does not: the URL gets its record next).
    pub fn put(&self, url: &str, response: &Response) -> io::Result<()> {
        let mut deflater = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        deflater.write_all(&response.body)?;
        let body = deflater.finish()?;
        let facts = Facts {
            url: url.to_string(),
            final_url: response.final_url.clone(),
            status: response.status,
            content_type: response.content_type.clone(),
            fetched_at: response.fetched_at.clone(),
            bytes: body.len() as u64,
            stored: Some(ZLIB.to_string()),
            raw_bytes: Some(response.body.len() as u64),
        };
        let mut head = serde_json::to_vec(&facts)?;
        head.push(b'\n');
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let at = state.len;
        let written = (&self.file)
            .write_all(&head)
            .and_then(|()| (&self.file).write_all(&body));
        if let Err(e) = written {
            // A half-written entry would hide every later one from the next run.
            let _ = self.file.set_len(at);
            return Err(e);
        }
        state.len = at + head.len() as u64 + body.len() as u64;
        Ok(())
    }

    fn entry(&self, url: &str) -> Option<Entry> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.index.get(&url_key(url)).copied()
    }
}

/// A zlib body back to its `raw_bytes`; a body that inflates to more than
/// its facts say is damaged.
fn inflate(stored: &[u8], raw_bytes: u64) -> io::Result<Vec<u8>> {
    let mut body = Vec::with_capacity(raw_bytes.min(64 << 20) as usize);
    flate2::read::ZlibDecoder::new(stored)
        .take(raw_bytes + 1)
        .read_to_end(&mut body)?;
    if body.len() as u64 != raw_bytes {
        return Err(io::Error::other("the body does not inflate to its length"));
    }
    Ok(body)
}

/// The entries of `file` whose URL is not `recorded`, and the length of its
/// whole entries: anything after them is an entry cut short.
fn read_index(
    file: &File,
    recorded: impl Fn(&str) -> bool,
) -> io::Result<(rustc_hash::FxHashMap<u64, Entry>, u64)> {
    let len = file.metadata()?.len();
    let mut index = rustc_hash::FxHashMap::default();
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
        if let Some(way) = facts.stored.as_deref().filter(|&w| w != ZLIB) {
            return Err(io::Error::other(format!(
                "{RESPONSES}: an entry stored as {way:?}, which this xxgk cannot read (a newer \
                 xxgk wrote it); use that version, or give a new --cache-dir"
            )));
        }
        let end = at + head + facts.bytes;
        if end > len {
            break;
        }
        reader.seek_relative(facts.bytes as i64)?;
        if !recorded(&facts.url) {
            let entry = Entry {
                at,
                head: head as u32,
                status: facts.status,
                bytes: facts.bytes,
            };
            index.insert(url_key(&facts.url), entry);
        }
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

    fn open(dir: &Path) -> Cache {
        Cache::open(dir, |_| false).unwrap()
    }

    #[test]
    fn a_stored_response_comes_back_in_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path());
        assert!(cache.get("http://a.cn/x").is_none());
        cache
            .put("http://a.cn/x", &response(b"\xc4\xea\xb1\xa8"))
            .unwrap();
        cache.put("http://a.cn/z", &response(b"zzz")).unwrap();
        cache.put("http://a.cn/x", &response(b"new")).unwrap();
        drop(cache);

        let cache = open(dir.path());
        let back = cache.get("http://a.cn/x").unwrap();
        assert_eq!(back.body, b"new");
        assert_eq!(back.final_url, "http://a.cn/final");
        assert_eq!(back.content_type.as_deref(), Some("text/html; charset=GBK"));
        assert_eq!(cache.get("http://a.cn/z").unwrap().body, b"zzz");
        assert!(cache.get("http://a.cn/y").is_none());
        assert_eq!(cache.status("http://a.cn/x"), Some(200));
        assert_eq!(cache.status("http://a.cn/y"), None);
        drop(cache);

        // URLs that have their record are not indexed.
        let cache = Cache::open(dir.path(), |url| url.ends_with("/x")).unwrap();
        assert!(cache.get("http://a.cn/x").is_none());
        assert_eq!(cache.get("http://a.cn/z").unwrap().body, b"zzz");
    }

    #[test]
    fn bodies_are_stored_compressed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path());
        let page = "<tr><td>本年新收政府信息公开申请数量</td><td>0</td></tr>\n".repeat(500);
        cache
            .put("http://a.cn/x", &response(page.as_bytes()))
            .unwrap();
        drop(cache);
        let on_disk = fs::metadata(dir.path().join(RESPONSES)).unwrap().len();
        assert!(
            on_disk * 10 < page.len() as u64,
            "{on_disk} bytes on disk for {}",
            page.len()
        );
        assert_eq!(
            open(dir.path()).get("http://a.cn/x").unwrap().body,
            page.as_bytes()
        );
    }

    /// An entry as xxgk wrote it before bodies were compressed.
    fn old_entry(url: &str, body: &[u8]) -> Vec<u8> {
        let mut entry = format!(
            r#"{{"url":"{url}","final_url":"{url}","status":200,"content_type":"text/html","fetched_at":"2025-01-01T00:00:00Z","bytes":{}}}"#,
            body.len()
        )
        .into_bytes();
        entry.push(b'\n');
        entry.extend_from_slice(body);
        entry
    }

    #[test]
    fn an_old_uncompressed_cache_is_read_and_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let mut old = old_entry("http://a.cn/old", b"<html>\xc4\xea</html>");
        old.extend(old_entry("http://a.cn/two", b"\n\n{}"));
        fs::write(dir.path().join(RESPONSES), old).unwrap();

        let cache = open(dir.path());
        assert_eq!(
            cache.get("http://a.cn/old").unwrap().body,
            b"<html>\xc4\xea</html>"
        );
        assert_eq!(cache.get("http://a.cn/two").unwrap().body, b"\n\n{}");
        cache.put("http://a.cn/new", &response(b"new")).unwrap();
        drop(cache);
        let cache = open(dir.path());
        assert_eq!(cache.get("http://a.cn/two").unwrap().body, b"\n\n{}");
        assert_eq!(cache.get("http://a.cn/new").unwrap().body, b"new");
    }

    #[test]
    fn an_entry_stored_in_an_unknown_way_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let entry = "{\"url\":\"http://a.cn/x\",\"final_url\":\"http://a.cn/x\",\"status\":200,\
                     \"content_type\":null,\"fetched_at\":\"2030-01-01T00:00:00Z\",\"bytes\":3,\
                     \"stored\":\"zstd\",\"raw_bytes\":9}\nabc";
        fs::write(dir.path().join(RESPONSES), entry).unwrap();
        let err = Cache::open(dir.path(), |_| false).err().unwrap();
        let err = err.to_string();
        assert!(
            err.contains("\"zstd\"") && err.contains("newer xxgk"),
            "{err}"
        );
    }

    #[test]
    fn a_damaged_body_is_a_miss_not_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path());
        cache.put("http://a.cn/x", &response(&[7; 5000])).unwrap();
        drop(cache);
        let path = dir.path().join(RESPONSES);
        let mut whole = fs::read(&path).unwrap();
        let last = whole.len() - 3;
        whole[last] ^= 0xff;
        fs::write(&path, whole).unwrap();
        assert!(open(dir.path()).get("http://a.cn/x").is_none());
    }

    #[test]
    fn an_entry_cut_short_is_cut_off() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path());
        cache.put("http://a.cn/x", &response(b"0123")).unwrap();
        cache
            .put("http://a.cn/y", &response(b"0123456789"))
            .unwrap();
        drop(cache);
        let path = dir.path().join(RESPONSES);
        let whole = fs::read(&path).unwrap();
        fs::write(&path, &whole[..whole.len() - 5]).unwrap();

        let cache = open(dir.path());
        assert_eq!(cache.get("http://a.cn/x").unwrap().body, b"0123");
        assert!(cache.get("http://a.cn/y").is_none());
        assert_eq!(cache.status("http://a.cn/y"), None);
        // What is appended after the repair is read back by the next run.
        cache.put("http://a.cn/z", &response(b"z")).unwrap();
        drop(cache);
        let cache = open(dir.path());
        assert_eq!(cache.get("http://a.cn/x").unwrap().body, b"0123");
        assert_eq!(cache.get("http://a.cn/z").unwrap().body, b"z");
    }

    #[test]
    fn one_crawl_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let cache = open(dir.path());
        let err = Cache::open(dir.path(), |_| false).err().unwrap();
        assert!(err.to_string().contains("in use"), "{err}");
        drop(cache);
        open(dir.path());
    }
}

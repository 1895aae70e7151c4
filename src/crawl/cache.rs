//! Raw responses on disk, one file per URL, so a crawl can
//! be resumed without refetching and re-extracted with no network at all.
//!
//! Layout: one file per URL, `DIR/ab/abcdef…` named by the SHA-256 of the
//! URL: a line of JSON facts (URL, final URL, status, content type, time,
//! body length), then the raw body. A file cut short by a crash has fewer
//! body bytes than its facts say and is not an entry. One plain file per
//! response (no temporary file and rename) keeps the file system's work, a
//! large part of a crawl's CPU time, to one create per page.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::fetch::Response;

/// The facts of a cached response; the body is stored beside them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Facts {
    url: String,
    final_url: String,
    status: u16,
    content_type: Option<String>,
    fetched_at: String,
    bytes: u64,
}

pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn open(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(Cache {
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The HTTP status of the cached response for `url`, without reading its body.
    pub fn status(&self, url: &str) -> Option<u16> {
        let file = fs::File::open(self.path(url)).ok()?;
        let mut line = Vec::new();
        io::BufReader::new(file).read_until(b'\n', &mut line).ok()?;
        let facts: Facts = serde_json::from_slice(&line).ok()?;
        (facts.url == url).then_some(facts.status)
    }

    /// The cached response for `url`, if a complete one is stored.
    pub fn get(&self, url: &str) -> Option<Response> {
        let mut bytes = fs::read(self.path(url)).ok()?;
        let newline = bytes.iter().position(|&b| b == b'\n')?;
        let facts: Facts = serde_json::from_slice(&bytes[..newline]).ok()?;
        let body = bytes.split_off(newline + 1);
        if facts.url != url || body.len() as u64 != facts.bytes {
            return None;
        }
        Some(Response {
            final_url: facts.final_url,
            status: facts.status,
            content_type: facts.content_type,
            body,
            fetched_at: facts.fetched_at,
            attempts: 0,
        })
    }

    /// Stores `response` for `url`, replacing any older entry.
    pub fn put(&self, url: &str, response: &Response) -> io::Result<()> {
        let path = self.path(url);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
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
        let mut file = fs::File::create(&path)?;
        file.write_all(&head)?;
        file.write_all(&response.body)
    }

    fn path(&self, url: &str) -> PathBuf {
        let hash: String = Sha256::digest(url.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(&hash[..2]).join(hash)
    }
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
        let back = cache.get("http://a.cn/x").unwrap();
        assert_eq!(back.body, b"\xc4\xea\xb1\xa8");
        assert_eq!(back.final_url, "http://a.cn/final");
        assert_eq!(back.content_type.as_deref(), Some("text/html; charset=GBK"));
        assert!(cache.get("http://a.cn/y").is_none());
        assert_eq!(cache.status("http://a.cn/x"), Some(200));
        assert_eq!(cache.status("http://a.cn/y"), None);
        cache.put("http://a.cn/x", &response(b"new")).unwrap();
        assert_eq!(cache.get("http://a.cn/x").unwrap().body, b"new");
    }

    #[test]
    fn a_truncated_body_is_not_an_entry() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        cache
            .put("http://a.cn/x", &response(b"0123456789"))
            .unwrap();
        let path = cache.path("http://a.cn/x");
        let whole = fs::read(&path).unwrap();
        fs::write(&path, &whole[..whole.len() - 5]).unwrap();
        assert!(cache.get("http://a.cn/x").is_none());
        assert_eq!(
            cache.status("http://a.cn/x"),
            Some(200),
            "the facts line is whole"
        );
    }
}

//! Raw responses on disk, one body and one facts file per URL, so a crawl can
//! be resumed without refetching and re-extracted with no network at all.
//!
//! Layout: `DIR/ab/abcdef….body` and `DIR/ab/abcdef….json`, named by the
//! SHA-256 of the URL. Both are written to a temporary file and renamed, body
//! first: an entry whose facts file exists is complete.

use std::fs;
use std::io::{self, Write};
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
        let facts: Facts = serde_json::from_slice(&fs::read(self.paths(url).0).ok()?).ok()?;
        (facts.url == url).then_some(facts.status)
    }

    /// The cached response for `url`, if a complete one is stored.
    pub fn get(&self, url: &str) -> Option<Response> {
        let (facts_path, body_path) = self.paths(url);
        let facts: Facts = serde_json::from_slice(&fs::read(facts_path).ok()?).ok()?;
        if facts.url != url {
            return None;
        }
        let body = fs::read(body_path).ok()?;
        if body.len() as u64 != facts.bytes {
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
        let (facts_path, body_path) = self.paths(url);
        let parent = body_path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent)?;
        let facts = Facts {
            url: url.to_string(),
            final_url: response.final_url.clone(),
            status: response.status,
            content_type: response.content_type.clone(),
            fetched_at: response.fetched_at.clone(),
            bytes: response.body.len() as u64,
        };
        // Facts last: their presence is what marks the entry complete.
        let _ = fs::remove_file(&facts_path);
        write_atomic(parent, &body_path, &response.body)?;
        write_atomic(parent, &facts_path, &serde_json::to_vec_pretty(&facts)?)
    }

    fn paths(&self, url: &str) -> (PathBuf, PathBuf) {
        let hash: String = Sha256::digest(url.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let dir = self.dir.join(&hash[..2]);
        (
            dir.join(format!("{hash}.json")),
            dir.join(format!("{hash}.body")),
        )
    }
}

fn write_atomic(dir: &Path, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
        let (_, body) = cache.paths("http://a.cn/x");
        fs::write(body, b"01234").unwrap();
        assert!(cache.get("http://a.cn/x").is_none());
    }
}

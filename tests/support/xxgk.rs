//! Running the `xxgk` binary in tests, and reading what it wrote.

#![allow(dead_code)] // each user of this module needs a different part of it

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

use xxgk::Report;

/// A file of `samples/`.
pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("samples/{name}: {e}"))
}

/// The binary, with no proxy from the environment in the way of 127.0.0.1.
pub fn xxgk() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xxgk"));
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

pub fn run(args: &[&str]) -> Output {
    xxgk().args(args).output().expect("run xxgk")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The records of a JSON Lines file.
pub fn records(path: &Path) -> Vec<Report> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad record {e}: {l}")))
        .collect()
}

/// Records by URL, asserting that no URL has two.
pub fn by_url(records: Vec<Report>) -> HashMap<String, Report> {
    let mut map = HashMap::new();
    for r in records {
        let url = r
            .source
            .url
            .clone()
            .expect("a crawled record has source.url");
        assert!(map.insert(url.clone(), r).is_none(), "{url} recorded twice");
    }
    map
}

/// Writes `urls` one per line to `dir/urls.txt`; returns its path.
pub fn write_list(dir: &Path, urls: &[String]) -> String {
    let path = dir.join("urls.txt");
    std::fs::write(&path, urls.join("\n") + "\n").unwrap();
    path.display().to_string()
}

//! Headless Chromium for the review page's tests and benchmark: find it, run
//! it on a file with the flags this closed network needs, and never wait on
//! it for ever.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser: `$CHROMIUM` if set, else `chromium` on PATH (Debian's
/// package). `None` when there is none — except under CI (`CI` set), where a
/// missing browser fails the test rather than letting it pass unrun.
pub fn find() -> Option<PathBuf> {
    let named = std::env::var_os("CHROMIUM").map(PathBuf::from);
    let candidates = named
        .into_iter()
        .chain(["chromium", "chromium-browser"].map(PathBuf::from));
    for candidate in candidates {
        let works = Command::new(&candidate)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            return Some(candidate);
        }
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        !in_ci,
        "CI: chromium is not installed (Debian package `chromium`; .ci/run installs it)"
    );
    eprintln!("chromium not found (install Debian's `chromium`): browser test not run");
    None
}

/// Runs `chromium --headless … EXTRA… URL` and returns its stdout. Each run
/// gets a fresh profile; the flags keep it from reaching for the network
/// (without them it hangs on connections this machine refuses).
pub fn run(browser: &Path, extra: &[&str], url: &str, timeout: Duration) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    // Read stdout on a thread so a large DOM cannot fill the pipe and stall it.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {url} within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "chromium failed on {url}: {status}");
    reader
        .join()
        .expect("reader thread")
        .expect("chromium's output is UTF-8")
}

/// A `file://` URL for a local path.
pub fn file_url(path: &Path) -> String {
    let absolute = std::path::absolute(path).expect("absolute path");
    url::Url::from_file_path(absolute)
        .expect("a file URL")
        .to_string()
}

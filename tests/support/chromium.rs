//! Headless Chromium for the review page's tests and benchmark: find it, run
//! it on a file with the flags this closed network needs, and never wait on
//! it for ever.

#![allow(dead_code)] // the tests and the benchmark each use a different part
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
            .stdin(Stdio::null())
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

/// Headless, and kept from reaching for the network: without the last flags
/// it hangs on connections this machine refuses.
const HEADLESS: [&str; 10] = [
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
];

/// Runs `chromium --headless … EXTRA… URL` and returns its stdout, in a
/// fresh profile.
pub fn run(browser: &Path, extra: &[&str], url: &str, timeout: Duration) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(browser)
        .args(HEADLESS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
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

/// A page driven over the DevTools protocol (`--remote-debugging-pipe`:
/// commands on fd 3, replies on fd 4, each a JSON message ending in NUL), to
/// focus, click and time what a person would do. Ends the browser when dropped.
pub struct Page {
    child: std::process::Child,
    commands: std::fs::File,
    replies: std::io::BufReader<std::fs::File>,
    session: String,
    next_id: u64,
    /// Tells the watchdog the page was closed in time.
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    _profile: tempfile::TempDir,
}

impl Page {
    /// Opens `url` and waits until its script has drawn the page
    /// (`<html data-render-ms>` set). The browser is killed if the whole
    /// session outlives four times `timeout`.
    pub fn open(browser: &Path, url: &str, timeout: Duration) -> Page {
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        use std::os::unix::process::CommandExt;

        fn pipe() -> (OwnedFd, OwnedFd) {
            let mut fds = [0; 2];
            // SAFETY: pipe2 fills both descriptors, which we then own.
            let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
            assert_eq!(rc, 0, "pipe2: {}", std::io::Error::last_os_error());
            unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
        }
        let (browser_reads, we_write) = pipe();
        let (we_read, browser_writes) = pipe();
        let (fd_in, fd_out) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
        let profile = tempfile::tempdir().expect("profile dir");
        let mut command = Command::new(browser);
        command
            .args(HEADLESS)
            .arg("--remote-debugging-pipe")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls between fork and exec. The
        // pipes are first copied above 4 (either may already be 3 or 4), then
        // onto 3 and 4, where dup2 clears close-on-exec.
        unsafe {
            command.pre_exec(move || {
                let high_in = libc::fcntl(fd_in, libc::F_DUPFD, 10);
                let high_out = libc::fcntl(fd_out, libc::F_DUPFD, 10);
                if high_in < 0
                    || high_out < 0
                    || libc::dup2(high_in, 3) < 0
                    || libc::dup2(high_out, 4) < 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(high_in);
                libc::close(high_out);
                Ok(())
            });
        }
        let child = command.spawn().expect("start chromium");
        drop((browser_reads, browser_writes));
        // A browser that stops answering is killed, which closes the pipe and
        // fails the read instead of leaving the test waiting for ever.
        let pid = child.id() as libc::pid_t;
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watched = done.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            while started.elapsed() < timeout * 4 {
                if watched.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            // SAFETY: a plain signal to the browser we started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        });
        let mut page = Page {
            child,
            commands: std::fs::File::from(we_write),
            replies: std::io::BufReader::new(std::fs::File::from(we_read)),
            session: String::new(),
            next_id: 0,
            done,
            _profile: profile,
        };
        let target = page.call("Target.createTarget", serde_json::json!({ "url": url }));
        let target_id = target["targetId"]
            .as_str()
            .expect("a target id")
            .to_string();
        let attached = page.call(
            "Target.attachToTarget",
            serde_json::json!({ "targetId": target_id, "flatten": true }),
        );
        page.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_string();
        let started = Instant::now();
        while page
            .eval("(document.documentElement && document.documentElement.dataset.renderMs) || ''")
            == ""
        {
            assert!(
                started.elapsed() < timeout,
                "{url} not drawn within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        page
    }

    /// Evaluates `expression` in the page (awaiting a promise) and returns its
    /// value as JSON.
    pub fn eval(&mut self, expression: &str) -> serde_json::Value {
        let params = serde_json::json!({
            "expression": expression,
            "awaitPromise": true,
            "returnByValue": true,
        });
        let reply = self.call("Runtime.evaluate", params);
        if let Some(error) = reply.get("exceptionDetails") {
            panic!("{expression}: {error}");
        }
        reply["result"]["value"].clone()
    }

    /// Sets the viewport to `width` × `height` CSS pixels.
    pub fn resize(&mut self, width: u32, height: u32) {
        let params = serde_json::json!({
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false,
        });
        self.call("Emulation.setDeviceMetricsOverride", params);
    }

    /// A PNG of the page from its top down to `height` pixels, whatever the
    /// viewport shows.
    pub fn screenshot(&mut self, width: u32, height: u32) -> Vec<u8> {
        use base64::Engine;
        let params = serde_json::json!({
            "format": "png",
            "captureBeyondViewport": true,
            "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
        });
        let shot = self.call("Page.captureScreenshot", params);
        let data = shot["data"].as_str().expect("screenshot data");
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("base64 PNG")
    }

    fn call(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        use std::io::{BufRead, Write};
        self.next_id += 1;
        let id = self.next_id;
        let mut message = serde_json::json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = self.session.clone().into();
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).expect("send to chromium");
        loop {
            let mut reply = Vec::new();
            let n = self
                .replies
                .read_until(0, &mut reply)
                .expect("read chromium");
            assert!(n > 0, "chromium closed the pipe during {method}");
            reply.pop();
            let reply: serde_json::Value = serde_json::from_slice(&reply).expect("JSON reply");
            if reply["id"] != id {
                continue; // an event, or a reply to another session
            }
            if let Some(error) = reply.get("error") {
                panic!("{method}: {error}");
            }
            return reply["result"].clone();
        }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

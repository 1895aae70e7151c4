//! A whole country on one machine: the real `xxgk crawl` binary against
//! 1,000 loopback hosts (127.0.x.y, each its own listener), URLs taken round
//! robin over them, a real report page (Pingtan, 64 KB) answered after
//! 50 ms, and 10 slow hosts answering after 1 s.
//!
//! `cargo bench --bench scale` runs two list lengths (10,000 and 100,000
//! URLs) and prints, for each: pages/s against the politeness bound and the
//! CPU ceiling, CPU per page, peak RSS of the crawler (`wait4`), cache size
//! against bytes served, records size, when the slow hosts finished against
//! the rest, and the most requests any host saw at once. The shape is set by
//! environment variables:
//!
//! | variable | default |
//! |---|---|
//! | `XXGK_SCALE_URLS` | `10000,100000` (one run per length) |
//! | `XXGK_SCALE_HOSTS` | `1000` |
//! | `XXGK_SCALE_SLOW` | `10` (slow hosts, spread over the list) |
//! | `XXGK_SCALE_CONCURRENCY` | `64` |
//! | `XXGK_SCALE_ARGS` | extra `xxgk crawl` arguments, split on spaces |

#[path = "support/usage.rs"]
mod usage;

use std::io::BufRead;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use usage::{cpu_seconds, own_cpu, wait_with_usage};

const FAST: Duration = Duration::from_millis(50);
const SLOW: Duration = Duration::from_secs(1);

fn main() {
    let lengths: Vec<usize> = env_or("XXGK_SCALE_URLS", "10000,100000")
        .split(',')
        .map(|n| n.trim().parse().expect("XXGK_SCALE_URLS: numbers"))
        .collect();
    let hosts: usize = env_or("XXGK_SCALE_HOSTS", "1000").parse().unwrap();
    let slow: usize = env_or("XXGK_SCALE_SLOW", "10").parse().unwrap();
    let concurrency: usize = env_or("XXGK_SCALE_CONCURRENCY", "64").parse().unwrap();
    let extra = env_or("XXGK_SCALE_ARGS", "");
    let page =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/09_pingtan-2024.html"))
            .expect("read the Pingtan sample");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "scale: {hosts} hosts ({slow} slow at {} s a page, the rest {} ms), {} KB pages, \
         crawl --concurrency {concurrency} --per-host 1 --delay 0 {extra}, {cores} cores",
        SLOW.as_secs(),
        FAST.as_millis(),
        page.len() / 1024,
    );
    let farm = Farm::start(hosts, slow, page);
    for urls in lengths {
        run(&farm, urls, concurrency, &extra, cores);
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_string())
}

/// Crawls `urls` URLs over the farm's hosts and prints what it measured.
fn run(farm: &Farm, urls: usize, concurrency: usize, extra: &str, cores: usize) {
    farm.reset();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("urls.txt");
    let mut text = String::new();
    for i in 0..urls {
        let addr = farm.addrs[i % farm.addrs.len()];
        text.push_str(&format!("http://{addr}/report/{i}.html\n"));
    }
    std::fs::write(&list, text).unwrap();
    let out = dir.path().join("out.jsonl");

    let server_cpu_before = own_cpu();
    let started = Instant::now();
    *farm.started.lock().unwrap() = Some(started);
    #[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
    let child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["crawl", list.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .args(["-q", "--per-host", "1", "--delay", "0"])
        .args(["--concurrency", &concurrency.to_string()])
        .args(extra.split_whitespace())
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .spawn()
        .expect("start xxgk crawl");
    let samples = sample_rss(child.id());
    let (code, usage) = wait_with_usage(child.id() as libc::pid_t);
    let samples = samples.join().unwrap();
    let wall = started.elapsed().as_secs_f64();
    let server_cpu = own_cpu() - server_cpu_before;
    assert!(code <= 1, "xxgk crawl failed with exit code {code}");

    // Every URL has exactly one record.
    let mut seen = vec![false; urls];
    let mut records = 0;
    let reader = std::io::BufReader::new(std::fs::File::open(&out).unwrap());
    for line in reader.split(b'\n') {
        let line = line.unwrap();
        records += 1;
        let i = report_number(&line).expect("a record naming its /report/N.html");
        assert!(!seen[i], "report {i} recorded twice");
        seen[i] = true;
    }
    assert_eq!(records, urls, "one record per URL");

    let cpu = cpu_seconds(&usage);
    let cpu_per_page = cpu / urls as f64;
    let rate = urls as f64 / wall;
    let hosts = farm.addrs.len();
    let slow_hosts = farm.slow.len();
    // Politeness: the slowest host's requests one after another (its pages
    // and robots.txt), or every request's wait shared by the slots.
    let per_host = urls.div_ceil(hosts) + 1;
    let slowest = if slow_hosts > 0 { SLOW } else { FAST };
    let slow_urls = farm
        .slow
        .iter()
        .map(|&h| urls_of(h, urls, hosts) + 1)
        .sum::<usize>();
    let all_waits = SLOW.as_secs_f64() * slow_urls as f64
        + FAST.as_secs_f64() * (urls + hosts - slow_urls) as f64;
    let polite =
        urls as f64 / (slowest.as_secs_f64() * per_host as f64).max(all_waits / concurrency as f64);
    let ceiling = cores as f64 / cpu_per_page;
    let bound = polite.min(ceiling);
    let served = farm.bytes.load(Ordering::Relaxed);
    let cache = dir_size(&out.with_extension("cache").join("responses"));
    let records_size = std::fs::metadata(&out).unwrap().len();
    let (fast_end, slow_end) = farm.finish_times();
    let busy = farm.busy_nanos.load(Ordering::Relaxed) as f64 / 1e9;

    println!("{urls} URLs:");
    println!(
        "  {rate:.0} pages/s in {wall:.1} s = {:.0}% of the lower bound {bound:.0}/s \
         (politeness {polite:.0}/s, CPU ceiling {ceiling:.0}/s = {cores} cores ÷ {:.2} ms)",
        100.0 * rate / bound,
        cpu_per_page * 1e3
    );
    println!(
        "  crawler CPU {:.2} ms/page ({cpu:.1} s), the bench's servers {:.2} ms/page; \
         requests in flight on average {:.1} of {concurrency}",
        cpu_per_page * 1e3,
        server_cpu / urls as f64 * 1e3,
        busy / wall
    );
    println!(
        "  peak RSS {:.1} MB; cache {:.1} MB = {:.3} of {:.1} MB served; records {:.1} MB ({:.1} KB a record)",
        usage.ru_maxrss as f64 / 1024.0,
        cache as f64 / 1e6,
        cache as f64 / served.max(1) as f64,
        served as f64 / 1e6,
        records_size as f64 / 1e6,
        records_size as f64 / urls as f64 / 1024.0
    );
    let quarter = |q: usize| samples.get(samples.len() * q / 4).copied().unwrap_or(0.0);
    println!(
        "  RSS at a quarter, half, three quarters of the run: {:.1}, {:.1}, {:.1} MB",
        quarter(1),
        quarter(2),
        quarter(3)
    );
    println!(
        "  last answer: fast hosts {fast_end:.1} s, slow hosts {slow_end:.1} s; \
         most requests one host had at once: {}",
        farm.max_per_host()
    );
}

/// How many of `urls` round-robin URLs fall on host `h`.
fn urls_of(h: usize, urls: usize, hosts: usize) -> usize {
    urls / hosts + usize::from(h < urls % hosts)
}

/// N of `.../report/N.html"` in a record's `source.url`.
fn report_number(line: &[u8]) -> Option<usize> {
    let at = memchr::memmem::find(line, b"/report/")? + b"/report/".len();
    let digits = line[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&line[at..at + digits])
        .ok()?
        .parse()
        .ok()
}

fn dir_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Many hosts on one thread: a listener on each of 127.0.x.y.
struct Farm {
    addrs: Vec<SocketAddr>,
    /// Indexes of the slow hosts.
    slow: Vec<usize>,
    state: Arc<FarmState>,
    bytes: Arc<AtomicU64>,
    busy_nanos: Arc<AtomicU64>,
    started: Arc<std::sync::Mutex<Option<Instant>>>,
}

struct FarmState {
    in_flight: Vec<AtomicUsize>,
    max_in_flight: Vec<AtomicUsize>,
    /// Milliseconds from the start to each host's last answer.
    last_answer: Vec<AtomicU64>,
}

impl std::ops::Deref for Farm {
    type Target = FarmState;
    fn deref(&self) -> &FarmState {
        &self.state
    }
}

impl Farm {
    fn start(hosts: usize, slow: usize, page: Vec<u8>) -> Farm {
        let listeners: Vec<std::net::TcpListener> = (0..hosts)
            .map(|i| {
                // 127.0.0.0/8 is all loopback on Linux; skip .0 and .255.
                let ip = Ipv4Addr::new(127, 1 + (i / 250) as u8, 0, 1 + (i % 250) as u8);
                let l = std::net::TcpListener::bind((ip, 0))
                    .unwrap_or_else(|e| panic!("bind {ip}: {e}"));
                l.set_nonblocking(true).unwrap();
                l
            })
            .collect();
        let addrs: Vec<SocketAddr> = listeners.iter().map(|l| l.local_addr().unwrap()).collect();
        let slow: Vec<usize> = (0..slow)
            .map(|k| k * hosts / slow.max(1) + hosts / slow.max(1) / 2)
            .collect();
        let state = Arc::new(FarmState {
            in_flight: (0..hosts).map(|_| AtomicUsize::new(0)).collect(),
            max_in_flight: (0..hosts).map(|_| AtomicUsize::new(0)).collect(),
            last_answer: (0..hosts).map(|_| AtomicU64::new(0)).collect(),
        });
        let bytes = Arc::new(AtomicU64::new(0));
        let busy_nanos = Arc::new(AtomicU64::new(0));
        let started = Arc::new(std::sync::Mutex::new(None::<Instant>));
        let page: Arc<[u8]> = page.into();
        let slow_set: Arc<Vec<bool>> = Arc::new((0..hosts).map(|h| slow.contains(&h)).collect());
        {
            let (state, bytes, busy, started) = (
                state.clone(),
                bytes.clone(),
                busy_nanos.clone(),
                started.clone(),
            );
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let mut accepting = Vec::new();
                    for (host, listener) in listeners.into_iter().enumerate() {
                        let host = Host {
                            index: host,
                            latency: if slow_set[host] { SLOW } else { FAST },
                            page: page.clone(),
                            state: state.clone(),
                            bytes: bytes.clone(),
                            busy: busy.clone(),
                            started: started.clone(),
                        };
                        accepting.push(tokio::spawn(accept(listener, Arc::new(host))));
                    }
                    for a in accepting {
                        let _ = a.await;
                    }
                });
            });
        }
        Farm {
            addrs,
            slow,
            state,
            bytes,
            busy_nanos,
            started,
        }
    }

    fn reset(&self) {
        self.bytes.store(0, Ordering::Relaxed);
        self.busy_nanos.store(0, Ordering::Relaxed);
        for h in 0..self.addrs.len() {
            self.max_in_flight[h].store(0, Ordering::Relaxed);
            self.last_answer[h].store(0, Ordering::Relaxed);
        }
    }

    fn max_per_host(&self) -> usize {
        self.max_in_flight
            .iter()
            .map(|m| m.load(Ordering::Relaxed))
            .max()
            .unwrap_or(0)
    }

    /// Seconds from the start to the last answer of the fast hosts and of the slow ones.
    fn finish_times(&self) -> (f64, f64) {
        let mut fast: u64 = 0;
        let mut slow: u64 = 0;
        for (h, last) in self.last_answer.iter().enumerate() {
            let ms = last.load(Ordering::Relaxed);
            if self.slow.contains(&h) {
                slow = slow.max(ms);
            } else {
                fast = fast.max(ms);
            }
        }
        (fast as f64 / 1e3, slow as f64 / 1e3)
    }
}

struct Host {
    index: usize,
    latency: Duration,
    page: Arc<[u8]>,
    state: Arc<FarmState>,
    bytes: Arc<AtomicU64>,
    busy: Arc<AtomicU64>,
    started: Arc<std::sync::Mutex<Option<Instant>>>,
}

async fn accept(listener: std::net::TcpListener, host: Arc<Host>) {
    let listener = TcpListener::from_std(listener).unwrap();
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(stream, host.clone()));
    }
}

/// Keep-alive HTTP/1.1: every path is the page, robots.txt is a 404.
async fn serve(mut stream: TcpStream, host: Arc<Host>) {
    let mut buf = Vec::new();
    loop {
        let path = loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                buf.drain(..end + 4);
                break head.split_whitespace().nth(1).unwrap_or("/").to_string();
            }
            let mut chunk = [0u8; 2048];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let asked = Instant::now();
        let now = host.state.in_flight[host.index].fetch_add(1, Ordering::Relaxed) + 1;
        host.state.max_in_flight[host.index].fetch_max(now, Ordering::Relaxed);
        tokio::time::sleep(host.latency).await;
        let written = if path == "/robots.txt" {
            stream
                .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                .await
        } else {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                host.page.len()
            );
            host.bytes
                .fetch_add(host.page.len() as u64, Ordering::Relaxed);
            match stream.write_all(head.as_bytes()).await {
                Ok(()) => stream.write_all(&host.page).await,
                Err(e) => Err(e),
            }
        };
        host.state.in_flight[host.index].fetch_sub(1, Ordering::Relaxed);
        host.busy
            .fetch_add(asked.elapsed().as_nanos() as u64, Ordering::Relaxed);
        if let Some(started) = *host.started.lock().unwrap() {
            host.state.last_answer[host.index]
                .store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        }
        if written.is_err() {
            return;
        }
    }
}

/// The child's resident memory in MB, read every 200 ms while it lives.
fn sample_rss(pid: u32) -> std::thread::JoinHandle<Vec<f64>> {
    std::thread::spawn(move || {
        let mut samples = Vec::new();
        let path = format!("/proc/{pid}/status");
        // The child is a zombie (no VmRSS line) until wait4 reaps it.
        while let Some(kb) = std::fs::read_to_string(&path).ok().and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        }) {
            samples.push(kb / 1024.0);
            std::thread::sleep(Duration::from_millis(200));
        }
        samples
    })
}

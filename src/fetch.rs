//! One URL → raw bytes and the facts of the HTTP exchange.
//!
//! A [`Fetcher`] wraps one reqwest client configured for government servers:
//! they are slow, flaky and rate-limited, so transient failures (connect
//! errors, timeouts, resets, 5xx, 408, 429) are retried with exponential
//! backoff and jitter, honouring `Retry-After`; other 4xx are final. Bodies
//! are capped while streaming, after decompression, so a gzip bomb costs at
//! most the cap. robots.txt is obeyed unless the caller turns it off.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use tokio::sync::OnceCell;
use url::Url;

/// The product token robots.txt groups are matched against.
pub const ROBOTS_AGENT: &str = "xxgk";

/// The User-Agent sent unless the caller gives one.
pub fn default_user_agent() -> String {
    format!(
        "xxgk/{} (government information-disclosure report collector)",
        env!("CARGO_PKG_VERSION")
    )
}

/// How a [`Fetcher`] behaves. The defaults suit a polite crawl of slow servers.
#[derive(Clone, Debug)]
pub struct Config {
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// Limit for one attempt, from sending the request to the body's last byte.
    pub timeout: Duration,
    /// Retries after the first attempt, for transient failures only.
    pub retries: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Longest wait between attempts, whether from backoff or `Retry-After`.
    /// A server asking for longer is given up on.
    pub max_wait: Duration,
    /// Largest body accepted, counted after decompression.
    pub max_bytes: u64,
    /// Least time between the starts of two requests to one host.
    pub host_delay: Duration,
    pub obey_robots: bool,
    /// Accept invalid TLS certificates.
    pub insecure: bool,
    /// Keep connections open between requests to a host.
    pub keep_alive: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            user_agent: default_user_agent(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(120),
            max_bytes: 20 * 1024 * 1024,
            host_delay: Duration::ZERO,
            obey_robots: true,
            insecure: false,
            keep_alive: true,
        }
    }
}

/// A final HTTP response (any status), with its body.
#[derive(Clone, Debug)]
pub struct Response {
    /// The URL after redirects.
    pub final_url: String,
    pub status: u16,
    /// The Content-Type header as sent.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// When the response arrived, RFC 3339 UTC.
    pub fetched_at: String,
    /// Requests made, retries included.
    pub attempts: u32,
    /// Time the server took: from sending each request to its last byte,
    /// summed over attempts; waits for politeness and backoff excluded.
    pub server_time: Duration,
}

impl Response {
    /// The `charset` parameter of the Content-Type, if any.
    pub fn charset(&self) -> Option<&str> {
        self.content_type.as_deref().and_then(charset_of)
    }
}

/// Why a URL gave no HTTP response worth reading.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("blocked by the site's robots.txt (--ignore-robots to fetch anyway)")]
    Robots,
    #[error("DNS lookup failed: {0}")]
    Dns(String),
    #[error("TLS handshake failed: {0} (--insecure accepts broken certificates)")]
    Tls(String),
    #[error(
        "the server at {0} did not answer TLS: it may serve plain HTTP only (try http:// instead of https://)"
    )]
    NotTls(String),
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("cannot connect: no answer from {place} within {} s (--connect-timeout)", .limit.as_secs_f64())]
    ConnectTimeout { place: String, limit: Duration },
    #[error("timed out after {} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("connection broken: {0}")]
    Broken(String),
    #[error("redirect loop or more than {MAX_REDIRECTS} redirects")]
    Redirects,
    #[error("body larger than the {} cap (--max-bytes)", human_bytes(*.0))]
    TooLarge(u64),
    #[error("server asked to retry after {} s, longer than the {} s allowed", .asked.as_secs(), .allowed.as_secs())]
    RetryAfterTooLong { asked: Duration, allowed: Duration },
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::Connect(_)
                | FetchError::ConnectTimeout { .. }
                | FetchError::Timeout(_)
                | FetchError::Broken(_)
        )
    }
}

/// A fetch that failed, with how many requests it took.
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: FetchError,
    pub attempts: u32,
    /// As [`Response::server_time`].
    pub server_time: Duration,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)?;
        if self.attempts > 1 {
            write!(f, " ({} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

pub const MAX_REDIRECTS: usize = 10;

/// Fetches URLs with one shared client, connection pool and robots.txt cache.
pub struct Fetcher {
    client: reqwest::Client,
    config: Config,
    robots: Mutex<HashMap<String, Arc<OnceCell<Option<String>>>>>,
    /// Per host: the earliest moment the next request may start.
    next_start: Mutex<HashMap<String, Instant>>,
}

impl Fetcher {
    pub fn new(config: Config) -> Result<Self, FetchError> {
        let mut builder = reqwest::Client::builder();
        if !config.keep_alive {
            // An idle connection keeps the buffers its last body grew (about
            // 100 KB): over a thousand hosts taking turns, that is most of
            // the memory, for a handshake saved once per host visit.
            builder = builder.pool_max_idle_per_host(0);
        }
        let client = builder
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
            .tls_danger_accept_invalid_certs(config.insecure)
            .build()
            .map_err(|e| FetchError::Other(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            config,
            robots: Mutex::new(HashMap::new()),
            next_start: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Fetches `url`, retrying transient failures. Any final HTTP status is a
    /// `Response`; the caller decides what a 404 or 412 means.
    pub async fn fetch(&self, url: &Url) -> Result<Response, Failure> {
        if self.config.obey_robots && !self.robots_allow(url).await {
            return Err(Failure {
                error: FetchError::Robots,
                attempts: 0,
                server_time: Duration::ZERO,
            });
        }
        let mut attempt = 0;
        let mut server_time = Duration::ZERO;
        loop {
            attempt += 1;
            self.pace(url).await;
            let sent = Instant::now();
            let outcome = self.fetch_once(url).await;
            server_time += sent.elapsed();
            let retries_left = attempt <= self.config.retries;
            let wait = match &outcome {
                Ok((response, headers))
                    if retries_left
                        && retryable_status(response.status)
                        && anti_bot(response.status, &response.body).is_none() =>
                {
                    match retry_after(headers) {
                        Some(asked) if asked > self.config.max_wait => {
                            return Err(Failure {
                                error: FetchError::RetryAfterTooLong {
                                    asked,
                                    allowed: self.config.max_wait,
                                },
                                attempts: attempt,
                                server_time,
                            });
                        }
                        Some(asked) => asked,
                        None => self.backoff(attempt),
                    }
                }
                Err(e) if retries_left && e.is_transient() => self.backoff(attempt),
                _ => {
                    return outcome
                        .map(|(mut response, _)| {
                            response.attempts = attempt;
                            response.server_time = server_time;
                            response
                        })
                        .map_err(|error| Failure {
                            error,
                            attempts: attempt,
                            server_time,
                        });
                }
            };
            tracing::debug!(%url, attempt, ?wait, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    /// One request, body read under the size cap.
    async fn fetch_once(&self, url: &Url) -> Result<(Response, HeaderMap), FetchError> {
        let mut response = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| self.classify(e))?;
        let cap = self.config.max_bytes;
        // Content-Length is the compressed size when the body is encoded, so
        // it can only prove a body too large, never small enough.
        if response.content_length().is_some_and(|len| len > cap) {
            return Err(FetchError::TooLarge(cap));
        }
        let status = response.status().as_u16();
        let final_url = response.url().to_string();
        let headers = response.headers().clone();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // Content-Length (already known to be under the cap) sizes the body
        // once instead of growing it chunk by chunk.
        let mut body = Vec::with_capacity(response.content_length().unwrap_or(0) as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(FetchError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        let response = Response {
            final_url,
            status,
            content_type,
            body,
            fetched_at: now_rfc3339(),
            attempts: 1,
            server_time: Duration::ZERO,
        };
        Ok((response, headers))
    }

    /// Waits until a request to `url`'s host may start (`host_delay` apart).
    async fn pace(&self, url: &Url) {
        if self.config.host_delay.is_zero() {
            return;
        }
        let start = {
            let mut next = self.next_start.lock().unwrap_or_else(|e| e.into_inner());
            let slot = next.entry(host_key(url)).or_insert_with(Instant::now);
            let start = (*slot).max(Instant::now());
            *slot = start.checked_add(self.config.host_delay).unwrap_or(start);
            start
        };
        tokio::time::sleep_until(start.into()).await;
    }

    /// Exponential backoff with full jitter over the upper half, so that many
    /// URLs failing together do not retry together.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .config
            .backoff
            .saturating_mul(1 << (attempt - 1).min(16))
            .min(self.config.max_wait);
        exp.mul_f64(0.5 + fastrand::f64() / 2.0)
    }

    async fn robots_allow(&self, url: &Url) -> bool {
        let cell = {
            let mut robots = self.robots.lock().unwrap_or_else(|e| e.into_inner());
            robots.entry(host_key(url)).or_default().clone()
        };
        let rules = cell.get_or_init(|| self.fetch_robots(url)).await;
        match rules {
            Some(text) => robotstxt::DefaultMatcher::default().one_agent_allowed_by_robots(
                text,
                ROBOTS_AGENT,
                url.as_str(),
            ),
            None => true,
        }
    }

    /// The site's robots.txt, or `None` when it has none we can read; a site
    /// without a readable robots.txt is taken to allow everything.
    async fn fetch_robots(&self, url: &Url) -> Option<String> {
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        self.pace(&robots_url).await;
        match self.fetch_once(&robots_url).await {
            Ok((response, _)) if response.status == 200 => {
                Some(String::from_utf8_lossy(&response.body).into_owned())
            }
            Ok(_) => None,
            Err(e) => {
                tracing::debug!(%robots_url, error = %e, "no robots.txt");
                None
            }
        }
    }

    fn classify(&self, err: reqwest::Error) -> FetchError {
        let kind = if err.is_redirect() {
            ErrorKind::Redirect
        } else if err.is_connect() && err.is_timeout() {
            ErrorKind::ConnectTimeout
        } else if err.is_timeout() {
            ErrorKind::Timeout
        } else if err.is_connect() {
            ErrorKind::Connect { dns: err.is_dns() }
        } else if err.is_request() || err.is_body() || err.is_decode() {
            ErrorKind::Broken
        } else {
            ErrorKind::Other
        };
        let place = err.url().map(host_port).unwrap_or_default();
        describe(kind, &error_chain(&err), &place, &self.config)
    }
}

/// What reqwest says went wrong, before it is put in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ErrorKind {
    Redirect,
    ConnectTimeout,
    Timeout,
    Connect {
        dns: bool,
    },
    /// Resets and early closes: the server or a middlebox dropped us.
    Broken,
    Other,
}

/// A failure in words a user can act on. `chain` is the error's causes as
/// the libraries word them (`received corrupt message of type
/// InvalidContentType`); `place` is `host:port`.
fn describe(kind: ErrorKind, chain: &str, place: &str, config: &Config) -> FetchError {
    let lower = chain.to_ascii_lowercase();
    let host = place.rsplit_once(':').map_or(place, |(h, _)| h);
    // rustls meeting a plain-HTTP answer where a TLS record should be.
    if lower.contains("invalidcontenttype")
        || lower.contains("corrupt message")
        || lower.contains("wrong version number")
        || lower.contains("http request to https")
    {
        return FetchError::NotTls(place.to_string());
    }
    match kind {
        ErrorKind::Redirect => FetchError::Redirects,
        ErrorKind::Timeout => FetchError::Timeout(config.timeout),
        ErrorKind::ConnectTimeout => FetchError::ConnectTimeout {
            place: place.to_string(),
            limit: config.connect_timeout,
        },
        ErrorKind::Connect { dns } => {
            if dns || lower.contains("dns") || lower.contains("lookup") {
                FetchError::Dns(format!(
                    "no address found for {host}; check the address for typos ({chain})"
                ))
            } else if lower.contains("certificate") || lower.contains("tls") {
                FetchError::Tls(chain.to_string())
            } else if lower.contains("refused") {
                FetchError::Connect(format!(
                    "connection refused: no server is listening at {place} ({chain})"
                ))
            } else if lower.contains("unreachable") {
                FetchError::Connect(format!(
                    "{place} cannot be reached from this machine (no route to it: {chain})"
                ))
            } else {
                FetchError::Connect(chain.to_string())
            }
        }
        ErrorKind::Broken if lower.contains("reset") => FetchError::Broken(format!(
            "the server reset the connection before the answer was complete ({chain})"
        )),
        ErrorKind::Broken if lower.contains("closed") || lower.contains("eof") => {
            FetchError::Broken(format!(
                "the server closed the connection before the answer was complete ({chain})"
            ))
        }
        ErrorKind::Broken => FetchError::Broken(chain.to_string()),
        ErrorKind::Other => FetchError::Other(chain.to_string()),
    }
}

fn host_port(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// 5xx, 408 Request Timeout and 429 Too Many Requests are worth another try.
fn retryable_status(status: u16) -> bool {
    StatusCode::from_u16(status).is_ok_and(|s| s.is_server_error())
        || status == 408
        || status == 429
}

/// Marks of the JavaScript challenge pages Chinese government sites sit
/// behind, with the product they reveal.
const CHALLENGE_MARKS: &[(&str, &str)] = &[
    ("$_ts", "Ruishu (瑞数)"),
    ("__jsl_clearance", "Jiasule (加速乐)"),
    ("acw_sc__v2", "Alibaba Cloud WAF"),
    ("_waf_", "a web application firewall"),
    ("/cdn-cgi/challenge-platform", "Cloudflare"),
    ("challenge-form", "a browser check"),
];

/// Challenge pages are small (a script and little else); a real report
/// page that happens to quote a mark is not one.
const CHALLENGE_MAX_BYTES: usize = 32 * 1024;

/// The reason a response is an anti-bot wall, if it is one. Such a response
/// is final: retrying a challenge only meets the same challenge.
pub fn anti_bot(status: u16, body: &[u8]) -> Option<String> {
    let mark = (body.len() <= CHALLENGE_MAX_BYTES)
        .then(|| challenge_marks().find(body))
        .flatten()
        .and_then(|m| {
            CHALLENGE_MARKS
                .iter()
                .find(|(mark, _)| mark.as_bytes() == m.as_bytes())
        });
    match (status, mark) {
        (412 | 521, Some((_, product))) => Some(format!(
            "an anti-bot challenge (HTTP {status}, {product}): the server wants a browser that runs its JavaScript"
        )),
        (412 | 521, None) => Some(format!(
            "an anti-bot challenge (HTTP {status}): the server wants a browser that runs its JavaScript"
        )),
        (_, Some((_, product))) => Some(format!(
            "an anti-bot challenge page ({product}, HTTP {status}) instead of the report"
        )),
        _ => None,
    }
}

/// All marks as one searcher, built once.
fn challenge_marks() -> &'static regex::bytes::Regex {
    static MARKS: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        let alternatives: Vec<String> = CHALLENGE_MARKS
            .iter()
            .map(|(mark, _)| regex::escape(mark))
            .collect();
        regex::bytes::Regex::new(&alternatives.join("|")).expect("escaped literals form a regex")
    });
    &MARKS
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or_default())
}

/// Politeness and robots.txt are per scheme, host and port.
fn host_key(url: &Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// The error's causes, `outer: inner: innermost`, without repeats or the
/// wrappers that only say a request was being sent (the record names the URL).
fn error_chain(err: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cause: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = cause {
        let text = e.to_string();
        let wrapper = text.starts_with("error sending request")
            || text.starts_with("client error (")
            || text.starts_with("error decoding response body");
        if !wrapper && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = e.source();
    }
    if parts.is_empty() {
        return err.to_string();
    }
    parts.join(": ")
}

/// The `charset` parameter of a Content-Type value.
pub fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']))
            .filter(|v| !v.is_empty())
    })
}

pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// `20 MB`, `512 KB`, `37 bytes`.
pub fn human_bytes(n: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if n >= MB && n.is_multiple_of(MB) {
        format!("{} MB", n / MB)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// Parses `20MB`, `512KB`, `1.5MB`, `1000` (bytes). Units are binary (1 MB = 1024² bytes).
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 20MB, 512KB or 1000"))?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown size unit {other:?} in {text:?} (use KB, MB, GB)"
            ));
        }
    };
    Ok((num * mult) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_is_read_from_content_type() {
        assert_eq!(charset_of("text/html; charset=GBK"), Some("GBK"));
        assert_eq!(charset_of("text/html;charset=\"utf-8\""), Some("utf-8"));
        assert_eq!(charset_of("text/html; Charset = gb2312 "), Some("gb2312"));
        assert_eq!(charset_of("text/html"), None);
        assert_eq!(charset_of("text/html; charset="), None);
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_bytes("20MB"), Ok(20 * 1024 * 1024));
        assert_eq!(parse_bytes("512 kb"), Ok(512 * 1024));
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(parse_bytes("1.5K"), Ok(1536));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("3 parsecs").is_err());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(30);
        headers.insert(RETRY_AFTER, httpdate::fmt_http_date(later).parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for s in [500, 502, 503, 504, 521, 408, 429] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 403, 404, 410, 412] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn failures_are_put_in_plain_words() {
        let config = Config::default();
        let words =
            |kind, chain: &str| describe(kind, chain, "www.a.gov.cn:443", &config).to_string();
        let tls = words(
            ErrorKind::Connect { dns: false },
            "received corrupt message of type InvalidContentType",
        );
        assert!(
            tls.contains("did not answer TLS") && tls.contains("try http://"),
            "{tls}"
        );
        let dns = words(
            ErrorKind::Connect { dns: true },
            "dns error: failed to lookup address information: Name or service not known",
        );
        assert!(
            dns.starts_with("DNS lookup failed: no address found for www.a.gov.cn"),
            "{dns}"
        );
        let refused = words(
            ErrorKind::Connect { dns: false },
            "tcp connect error: Connection refused (os error 111)",
        );
        assert!(
            refused.starts_with(
                "cannot connect: connection refused: no server is listening at www.a.gov.cn:443"
            ),
            "{refused}"
        );
        let reset = words(ErrorKind::Broken, "connection reset by peer (os error 104)");
        assert!(reset.contains("the server reset the connection"), "{reset}");
        let slow = words(ErrorKind::ConnectTimeout, "operation timed out");
        assert!(
            slow.contains("no answer from www.a.gov.cn:443 within 10 s"),
            "{slow}"
        );
        assert_eq!(
            words(ErrorKind::Timeout, "operation timed out"),
            "timed out after 60 s"
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let fetcher = Fetcher::new(Config {
            backoff: Duration::from_millis(100),
            max_wait: Duration::from_millis(1000),
            ..Config::default()
        })
        .unwrap();
        for attempt in 1..=3 {
            let full = Duration::from_millis(100 << (attempt - 1));
            let wait = fetcher.backoff(attempt);
            assert!(wait >= full / 2 && wait <= full, "{attempt}: {wait:?}");
        }
        assert!(fetcher.backoff(30) <= Duration::from_millis(1000));
    }
}

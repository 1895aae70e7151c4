//! A small HTTP/1.1 server on 127.0.0.1 for crawl tests and the crawl
//! benchmark. It speaks just enough HTTP (keep-alive, Content-Length or
//! chunked bodies) and can misbehave on purpose: answer late, dribble a body,
//! or reset the connection.

#![allow(dead_code)] // each user of this module needs a different part of it

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
pub enum Reply {
    /// A whole response; `Content-Length` is added unless `chunked`.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        chunked: bool,
    },
    /// Headers with a Content-Length, then the body a piece at a time.
    Dribble {
        body: Vec<u8>,
        pieces: usize,
        pause: Duration,
    },
    /// Read the request, then reset the connection (TCP RST, no response).
    Reset,
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200, content_type, body)
    }

    pub fn status(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            chunked: false,
        }
    }

    pub fn redirect(to: &str) -> Reply {
        Reply::Full {
            status: 302,
            headers: vec![("Location".into(), to.into())],
            body: Vec::new(),
            chunked: false,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    pub fn chunked(mut self) -> Reply {
        if let Reply::Full { chunked, .. } = &mut self {
            *chunked = true;
        }
        self
    }
}

/// Given the path and how many times it was asked for before, a reply, and
/// how long to wait before sending it.
pub type Handler = dyn Fn(&str, usize) -> (Duration, Reply) + Send + Sync;

pub struct Server {
    pub addr: SocketAddr,
    /// Path → the instants it was requested.
    hits: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
    /// Path → the request heads (request line and headers) received.
    heads: Arc<Mutex<HashMap<String, Vec<String>>>>,
}

impl Server {
    /// Starts serving on a free port, on a thread of its own that lives as long as the test.
    pub fn start(
        handler: impl Fn(&str, usize) -> (Duration, Reply) + Send + Sync + 'static,
    ) -> Server {
        let handler: Arc<Handler> = Arc::new(handler);
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let heads = Arc::new(Mutex::new(HashMap::new()));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let server_hits = hits.clone();
        let server_heads = heads.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = TcpListener::from_std(std_listener).unwrap();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    // Head and body go out as separate writes: without this,
                    // Nagle + delayed ACK would add 40 ms to every response.
                    let _ = stream.set_nodelay(true);
                    let handler = handler.clone();
                    let hits = server_hits.clone();
                    let heads = server_heads.clone();
                    tokio::spawn(serve_connection(stream, handler, hits, heads));
                }
            });
        });
        Server { addr, hits, heads }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// How many times `path` was requested.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).map_or(0, Vec::len)
    }

    /// When `path` was requested, in order.
    pub fn hit_times(&self, path: &str) -> Vec<Instant> {
        self.hits
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    /// The request heads received for `path`, in order.
    pub fn heads(&self, path: &str) -> Vec<String> {
        self.heads
            .lock()
            .unwrap()
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    pub fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().map(Vec::len).sum()
    }

    /// Every path requested so far, sorted.
    pub fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.hits.lock().unwrap().keys().cloned().collect();
        paths.sort();
        paths
    }
}

async fn serve_connection(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    hits: Arc<Mutex<HashMap<String, Vec<Instant>>>>,
    heads: Arc<Mutex<HashMap<String, Vec<String>>>>,
) {
    let mut buf = Vec::new();
    loop {
        let Some((path, head)) = read_request(&mut stream, &mut buf).await else {
            return;
        };
        heads
            .lock()
            .unwrap()
            .entry(path.clone())
            .or_default()
            .push(head);
        let seen = {
            let mut hits = hits.lock().unwrap();
            let times = hits.entry(path.clone()).or_default();
            times.push(Instant::now());
            times.len() - 1
        };
        let (delay, reply) = handler(&path, seen);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if write_reply(&mut stream, reply).await.is_err() {
            return;
        }
    }
}

/// Reads one request head; returns its path and the head. Bodies are not
/// expected (GET only).
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<(String, String)> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            buf.drain(..end + 4);
            let path = head.split_whitespace().nth(1)?.to_string();
            return Some((path, head));
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn write_reply(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Full {
            status,
            headers,
            body,
            chunked,
        } => {
            let mut head = format!("HTTP/1.1 {status} X\r\n");
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            if chunked {
                head.push_str("Transfer-Encoding: chunked\r\n\r\n");
                stream.write_all(head.as_bytes()).await?;
                for piece in body.chunks(64 * 1024) {
                    stream
                        .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                        .await?;
                    stream.write_all(piece).await?;
                    stream.write_all(b"\r\n").await?;
                }
                stream.write_all(b"0\r\n\r\n").await
            } else {
                head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(&body).await
            }
        }
        Reply::Dribble {
            body,
            pieces,
            pause,
        } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).await?;
            for piece in body.chunks(body.len().div_ceil(pieces.max(1)).max(1)) {
                tokio::time::sleep(pause).await;
                stream.write_all(piece).await?;
            }
            Ok(())
        }
        Reply::Reset => {
            reset(stream);
            Err(std::io::Error::other("reset on purpose"))
        }
    }
}

/// SO_LINGER with a zero timeout makes the coming close send RST, not FIN.
fn reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor and a correctly sized option value.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

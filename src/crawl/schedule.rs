//! Which URL is fetched next, and the slots requests are made in.
//!
//! The [`Scheduler`] holds the URLs waiting, one compact queue per host, and
//! counts the requests in flight: at most `concurrency` in all and
//! `per_host` to one host. A [`Slot`] is one request's place; it is given
//! back as soon as the response is in and has a place in the (short)
//! extraction queue, so pages waiting for a CPU hold no slot.
//!
//! When a slot frees, the next URL comes from the host with the most work
//! left, counted in time: its URLs waiting × how long its URLs have held a
//! slot so far (hosts not yet heard from go first, so every host is
//! measured early). A slow host's remaining work decides when the crawl
//! ends, so it gets a slot as soon as its own is free, while the fast hosts
//! share the rest; no host waits behind a queue of all the others.
//!
//! A URL's processing can ask for a further slot on a host (a follow-up
//! fetch, such as a report file a page links): follow-ups go before new URLs.

use std::collections::HashMap;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use url::Url;

use super::Task;

pub struct Scheduler {
    state: Mutex<State>,
    /// Told whenever a slot frees.
    freed: Notify,
}

struct State {
    concurrency: usize,
    per_host: usize,
    in_flight: usize,
    /// URLs waiting, over all hosts.
    waiting: usize,
    /// Follow-ups waiting for a slot, over all hosts.
    follow_ups: usize,
    hosts: Vec<Host>,
    ids: HashMap<Box<str>, usize>,
    /// The hosts with URLs waiting.
    busy: Vec<usize>,
}

#[derive(Default)]
struct Host {
    queue: TaskQueue,
    in_flight: usize,
    follow_ups: usize,
    /// Seconds a URL of this host held its slot, smoothed; `None` before
    /// the first came back.
    per_url: Option<f64>,
}

/// One request's place; dropping it frees the place.
pub struct Slot {
    scheduler: Arc<Scheduler>,
    host: usize,
    taken: Instant,
    held: Option<Duration>,
}

impl Slot {
    /// Marks the response as in: the time the slot was held so far is what
    /// this host's URLs are judged by (waiting for extraction is not the
    /// host's doing).
    pub fn fetched(&mut self) {
        self.held.get_or_insert(self.taken.elapsed());
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let held = self.held.unwrap_or_else(|| self.taken.elapsed());
        let mut state = self.scheduler.lock();
        state.in_flight -= 1;
        let host = &mut state.hosts[self.host];
        host.in_flight -= 1;
        let seconds = held.as_secs_f64();
        host.per_url = Some(host.per_url.map_or(seconds, |s| 0.7 * s + 0.3 * seconds));
        drop(state);
        self.scheduler.freed.notify_waiters();
    }
}

impl Scheduler {
    pub fn new(concurrency: usize, per_host: usize) -> Arc<Scheduler> {
        Arc::new(Scheduler {
            state: Mutex::new(State {
                concurrency: concurrency.max(1),
                per_host: per_host.max(1),
                in_flight: 0,
                waiting: 0,
                follow_ups: 0,
                hosts: Vec::new(),
                ids: HashMap::new(),
                busy: Vec::new(),
            }),
            freed: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues `task` behind its host's other URLs.
    pub fn push(&self, task: &Task) {
        let mut state = self.lock();
        let host = state.host_id(&super::host_of(Some(&task.url)));
        let host_state = &mut state.hosts[host];
        if host_state.queue.is_empty() {
            state.busy.push(host);
        }
        state.hosts[host].queue.push(task);
        state.waiting += 1;
    }

    /// Gives back the room the host queues grew into beyond what they hold
    /// (call it once the list is queued).
    pub fn shrink(&self) {
        for host in &mut self.lock().hosts {
            host.queue.text.shrink_to_fit();
        }
    }

    /// URLs waiting for a slot.
    pub fn waiting(&self) -> usize {
        self.lock().waiting
    }

    /// Hosts seen so far.
    pub fn hosts(&self) -> usize {
        self.lock().hosts.len()
    }

    /// Requests in flight.
    pub fn in_flight(&self) -> usize {
        self.lock().in_flight
    }

    /// The next URL and its slot, if a slot is free and a host that may
    /// take it has URLs waiting.
    pub fn next(self: &Arc<Self>) -> Option<(Task, Slot)> {
        let mut state = self.lock();
        // Slots are kept for the follow-ups waiting.
        if state.in_flight + state.follow_ups >= state.concurrency {
            return None;
        }
        let per_host = state.per_host;
        let mut best: Option<(usize, f64)> = None;
        for (at, &id) in state.busy.iter().enumerate() {
            let host = &state.hosts[id];
            if host.in_flight >= per_host || host.follow_ups > 0 {
                continue;
            }
            let left = host.queue.len() as f64 * host.per_url.unwrap_or(f64::INFINITY);
            if best.is_none_or(|(_, most)| left > most) {
                best = Some((at, left));
            }
        }
        let (at, _) = best?;
        let id = state.busy[at];
        let task = state.hosts[id].queue.pop()?;
        if state.hosts[id].queue.is_empty() {
            state.busy.swap_remove(at);
        }
        state.waiting -= 1;
        Some((task, state.take(id, self)))
    }

    /// A slot on `url`'s host for a follow-up fetch within a URL's
    /// processing; it waits for the host's and a shared slot, ahead of new URLs.
    pub async fn follow_up(self: &Arc<Self>, url: &Url) -> Slot {
        let host = self.lock().host_id(&super::host_of(Some(url)));
        let mut waiting: Option<FollowUpWait> = None;
        loop {
            let mut freed = pin!(self.freed.notified());
            freed.as_mut().enable();
            {
                let mut state = self.lock();
                if state.in_flight < state.concurrency
                    && state.hosts[host].in_flight < state.per_host
                {
                    if let Some(mut wait) = waiting.take() {
                        wait.unregister(&mut state);
                    }
                    return state.take(host, self);
                }
                if waiting.is_none() {
                    state.follow_ups += 1;
                    state.hosts[host].follow_ups += 1;
                    waiting = Some(FollowUpWait {
                        scheduler: self.clone(),
                        host,
                        registered: true,
                    });
                }
            }
            freed.await;
        }
    }

    /// A future that completes when a slot frees from now on, even if it is
    /// polled only later (so a slot freed meanwhile is not missed).
    pub fn when_freed(&self) -> impl Future<Output = ()> + '_ {
        let mut notified = Box::pin(self.freed.notified());
        notified.as_mut().enable();
        notified
    }
}

impl State {
    fn host_id(&mut self, key: &str) -> usize {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = self.hosts.len();
        self.hosts.push(Host::default());
        self.ids.insert(key.into(), id);
        id
    }

    fn take(&mut self, host: usize, scheduler: &Arc<Scheduler>) -> Slot {
        self.in_flight += 1;
        self.hosts[host].in_flight += 1;
        Slot {
            scheduler: scheduler.clone(),
            host,
            taken: Instant::now(),
            held: None,
        }
    }
}

/// A follow-up's place in line, given up if its processing is dropped.
struct FollowUpWait {
    scheduler: Arc<Scheduler>,
    host: usize,
    registered: bool,
}

impl FollowUpWait {
    fn unregister(&mut self, state: &mut State) {
        if std::mem::take(&mut self.registered) {
            state.follow_ups -= 1;
            state.hosts[self.host].follow_ups -= 1;
        }
    }
}

impl Drop for FollowUpWait {
    fn drop(&mut self) {
        if self.registered {
            let scheduler = self.scheduler.clone();
            let mut state = scheduler.lock();
            self.unregister(&mut state);
        }
    }
}

/// URLs waiting, in order, as text: `url TAB found_on` lines (URLs hold
/// neither tabs nor line breaks), a few dozen bytes a URL where a parsed
/// [`Task`] takes a few hundred. A URL that starts like the first one
/// (scheme, host, port: always so in a host's queue) is kept from its path
/// on. Both the URL list and each host's queue are kept so.
#[derive(Debug, Default, Clone)]
pub struct TaskQueue {
    text: String,
    /// Where the next line starts.
    head: usize,
    len: usize,
    /// `scheme://host:port` of the first URL queued.
    origin: Box<str>,
}

impl TaskQueue {
    pub fn push(&mut self, task: &Task) {
        let origin = &task.url[..url::Position::BeforePath];
        if self.len == 0 {
            self.origin = origin.into();
        }
        if origin == &*self.origin {
            // A path always starts with `/`, a whole URL with its scheme.
            self.text.push_str(&task.url[url::Position::BeforePath..]);
        } else {
            self.text.push_str(task.url.as_str());
        }
        self.text.push('\t');
        self.text.push_str(task.found_on.as_deref().unwrap_or(""));
        self.text.push('\n');
        self.len += 1;
    }

    pub fn pop(&mut self) -> Option<Task> {
        while self.len > 0 {
            let rest = &self.text[self.head..];
            let line_len = rest.find('\n')?;
            let (url, found_on) = rest[..line_len].split_once('\t')?;
            let url = if url.starts_with('/') {
                Url::parse(&format!("{}{url}", self.origin))
            } else {
                Url::parse(url)
            };
            let task = url.ok().map(|url| Task {
                url,
                found_on: (!found_on.is_empty()).then(|| found_on.to_string()),
            });
            self.head += line_len + 1;
            self.len -= 1;
            if self.len == 0 {
                self.text = String::new();
                self.head = 0;
            } else if self.head > 4096 && self.head * 2 > self.text.len() {
                self.text.drain(..self.head);
                self.head = 0;
            }
            // Only parsed URLs are pushed, so this is never `None`.
            if task.is_some() {
                return task;
            }
        }
        None
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Iterator for TaskQueue {
    type Item = Task;

    fn next(&mut self) -> Option<Task> {
        self.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(url: &str) -> Task {
        Task {
            url: Url::parse(url).unwrap(),
            found_on: None,
        }
    }

    fn scheduler(concurrency: usize, per_host: usize, urls: &[&str]) -> Arc<Scheduler> {
        let scheduler = Scheduler::new(concurrency, per_host);
        for url in urls {
            scheduler.push(&task(url));
        }
        scheduler
    }

    #[test]
    fn a_host_queue_gives_back_its_urls_in_order_with_their_pages() {
        let mut queue = TaskQueue::default();
        for i in 0..2000 {
            queue.push(&Task {
                url: Url::parse(&format!("http://a.cn/{i}?q=x%09y")).unwrap(),
                found_on: (i % 2 == 0).then(|| "http://a.cn/list".to_string()),
            });
        }
        for i in 0..2000 {
            let t = queue.pop().unwrap();
            assert_eq!(t.url.as_str(), format!("http://a.cn/{i}?q=x%09y"));
            assert_eq!(t.found_on.is_some(), i % 2 == 0);
        }
        assert!(queue.pop().is_none() && queue.is_empty());
        // Other origins (another scheme, port or user) are kept whole.
        let urls = [
            "https://a.cn/x",
            "https://a.cn:8443/y",
            "http://a.cn/z",
            "https://u:p@a.cn/w",
            "https://a.cn/",
        ];
        for url in urls {
            queue.push(&task(url));
        }
        let back: Vec<String> = queue.map(|t| t.url.to_string()).collect();
        assert_eq!(back, urls);
    }

    #[test]
    fn slots_are_limited_overall_and_per_host() {
        let s = scheduler(
            3,
            2,
            &[
                "http://a.cn/1",
                "http://a.cn/2",
                "http://a.cn/3",
                "http://b.cn/1",
                "http://c.cn/1",
            ],
        );
        let mut slots = Vec::new();
        let mut hosts = Vec::new();
        while let Some((task, slot)) = s.next() {
            hosts.push(task.url.host_str().unwrap().to_string());
            slots.push(slot);
        }
        assert_eq!(slots.len(), 3);
        assert_eq!(s.in_flight(), 3);
        assert!(
            hosts.iter().filter(|h| *h == "a.cn").count() <= 2,
            "{hosts:?}"
        );
        slots.pop();
        assert_eq!(s.in_flight(), 2);
        assert!(s.next().is_some());
        drop(slots);
        let mut left = 0;
        while let Some((_, slot)) = s.next() {
            left += 1;
            drop(slot);
        }
        assert_eq!(left + 4, 5);
        assert_eq!(s.waiting(), 0);
    }

    #[test]
    fn the_host_with_the_most_time_left_goes_first() {
        let mut urls = Vec::new();
        for i in 0..10 {
            urls.push(format!("http://fast.cn/{i}"));
            urls.push(format!("http://slow.cn/{i}"));
        }
        let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
        let s = scheduler(10, 1, &urls);
        // Each host is heard from once: the slow one held its slot longer.
        let (_, mut fast) = s.next().unwrap();
        let (_, mut slow) = s.next().unwrap();
        fast.held = Some(Duration::from_millis(50));
        slow.held = Some(Duration::from_secs(1));
        drop(fast);
        drop(slow);
        // Both are free and the fast host has more URLs left, yet the slow
        // host's are more time.
        let (task, _slot) = s.next().unwrap();
        assert_eq!(task.url.host_str(), Some("slow.cn"));
        let (task, _other) = s.next().unwrap();
        assert_eq!(task.url.host_str(), Some("fast.cn"));
    }

    #[test]
    fn hosts_not_yet_heard_from_go_first() {
        let s = scheduler(
            10,
            1,
            &[
                "http://a.cn/1",
                "http://a.cn/2",
                "http://b.cn/1",
                "http://c.cn/1",
            ],
        );
        let (first, slot) = s.next().unwrap();
        drop(slot);
        let (second, _b) = s.next().unwrap();
        let (third, _c) = s.next().unwrap();
        assert_eq!(first.url.as_str(), "http://a.cn/1");
        assert_eq!(second.url.as_str(), "http://b.cn/1");
        assert_eq!(third.url.as_str(), "http://c.cn/1");
    }

    #[tokio::test]
    async fn a_follow_up_goes_before_new_urls() {
        let s = scheduler(1, 1, &["http://a.cn/1", "http://b.cn/1"]);
        let (_, slot) = s.next().unwrap();
        let waiter = {
            let s = s.clone();
            tokio::spawn(async move {
                let url = Url::parse("http://a.cn/report.pdf").unwrap();
                s.follow_up(&url).await
            })
        };
        while s.lock().follow_ups == 0 {
            tokio::task::yield_now().await;
        }
        assert!(s.next().is_none(), "no new URL while a follow-up waits");
        drop(slot);
        let follow_up = waiter.await.unwrap();
        assert_eq!(s.in_flight(), 1);
        assert!(s.next().is_none(), "the one slot is the follow-up's");
        drop(follow_up);
        assert!(s.next().is_some());
    }
}

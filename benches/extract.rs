//! Extraction speed and memory over every sample, against the speed budget of
//! issue 11: extracting an HTML page may cost at most 1.5× a bare
//! `scraper::Html::parse_document` of the same bytes (issue 6 set 2×), and its
//! peak heap at most 10× the input size.
//!
//! Report files (PDF and DOCX in `samples/attach/`) follow in a table of
//! their own: time per file, pages per second and peak heap, beside the HTML
//! figures; they have no bare-parse baseline.
//!
//! Run with `cargo bench --bench extract` (`XXGK_BENCH_MS` sets the time per
//! measurement, `XXGK_BENCH_FILTER` picks samples by name). A plain binary (`harness = false`)
//! rather than criterion: the figures that matter are ratios against the bare
//! parse measured in the same run, and the peak heap needs a counting
//! allocator, which must be the binary's global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use xxgk::Source;

/// The system allocator, counting live bytes and their high-water mark while
/// [`peak_heap`] runs. Counting is off for the timings: two atomic updates
/// per allocation would tax allocation-heavy extraction more than parsing.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

fn count(delta: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        let live = LIVE.fetch_add(delta, Ordering::Relaxed) + delta;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Heap that `f` holds at its highest point, beyond what was live before.
fn peak_heap<T>(f: impl FnOnce() -> T) -> usize {
    LIVE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    drop(black_box(f()));
    COUNTING.store(false, Ordering::Relaxed);
    PEAK.load(Ordering::Relaxed).max(0) as usize
}

/// Median wall times of one call of `a` and of `b`, called in turn until
/// both fill `budget`: taking turns exposes both to the same background load
/// on a shared machine, so their ratio stays steady when the load is not.
fn median_times(
    budget: Duration,
    mut a: impl FnMut(),
    mut b: impl FnMut(),
) -> (Duration, Duration) {
    a(); // warm-up
    b();
    let (mut times_a, mut times_b) = (Vec::new(), Vec::new());
    let start = Instant::now();
    while times_a.len() < 5 || (start.elapsed() < budget * 2 && times_a.len() < 10_000) {
        let t = Instant::now();
        a();
        times_a.push(t.elapsed());
        let t = Instant::now();
        b();
        times_b.push(t.elapsed());
    }
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[times.len() / 2]
    };
    (median(times_a), median(times_b))
}

/// The files of `samples/DIR` whose name `keep` accepts, sorted.
fn sample_files(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: cannot list samples: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| keep(p.file_name().and_then(|n| n.to_str()).unwrap_or("")))
        .collect();
    paths.sort();
    paths
}

fn samples() -> Vec<PathBuf> {
    sample_files("samples", |name| {
        name.ends_with(".html") || name.ends_with(".txt")
    })
}

/// What `scraper` alone costs for the same bytes: the decode to `&str` that
/// parsing needs (in the page's encoding, as xxgk found it, so a GBK page is
/// parsed as the text it is rather than as replacement characters), then the
/// parse.
fn bare_parse(bytes: &[u8], encoding: &'static encoding_rs::Encoding) {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    black_box(scraper::Html::parse_document(&text));
}

/// The encoding xxgk decodes `bytes` with.
fn encoding_of(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    extract(bytes)
        .source
        .encoding
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8)
}

fn extract(bytes: &[u8]) -> xxgk::Report {
    xxgk::extract_bytes(bytes, Source::default(), None)
}

/// The readable report files of `samples/attach/`.
fn report_files() -> Vec<PathBuf> {
    sample_files("samples/attach", |name| {
        (name.ends_with(".pdf") || name.ends_with(".docx")) && !name.starts_with("encrypted-p")
    })
}

/// Pages of a PDF, or of a DOCX as its `docProps/app.xml` counts them.
fn pages(bytes: &[u8]) -> Option<usize> {
    if let Ok(text) = xxgk::flatten::pdf::read_text(bytes, Default::default()) {
        return Some(text.pages);
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut app = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("docProps/app.xml").ok()?, &mut app).ok()?;
    let count = app.split("<Pages>").nth(1)?.split('<').next()?;
    count.trim().parse().ok()
}

fn bench_report_files(budget: Duration, filter: &str) {
    println!(
        "\n{:<36} {:>8} {:>6} {:>10} {:>9} {:>10} {:>7}",
        "report file", "KiB", "pages", "ms/file", "pages/s", "peak KiB", "peak/in"
    );
    for path in report_files()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(filter))
    {
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let (time, _) = median_times(budget, || drop(black_box(extract(&bytes))), || {});
        let peak = peak_heap(|| extract(&bytes));
        let pages = pages(&bytes);
        println!(
            "{:<36} {:>8.1} {:>6} {:>8.2}ms {:>9} {:>10.0} {:>6.1}×",
            name,
            bytes.len() as f64 / 1024.0,
            pages.map_or("–".to_string(), |p| p.to_string()),
            time.as_secs_f64() * 1e3,
            pages.map_or("–".to_string(), |p| format!(
                "{:.0}",
                p as f64 / time.as_secs_f64()
            )),
            peak as f64 / 1024.0,
            peak as f64 / bytes.len() as f64,
        );
    }
}

/// Archive copies the solver reads, and a copy built to exhaust its
/// bounded search: time per extraction (no bare parse to compare with).
fn damaged_copies(budget: Duration, filter: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let copies = [
        "hard/14_hebei-jyt-2021.txt",
        "hard/15_putian-hyyyj-2021.txt",
        "hard/16_hebei-gxt-2019.txt",
        "hostile/solver-worst.txt",
    ];
    println!("\n{:<36} {:>8} {:>10}", "damaged copy", "KiB", "extract");
    for name in copies.iter().filter(|n| n.contains(filter)) {
        let path = dir.join(name);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        let (t_extract, _) = median_times(budget, || drop(black_box(extract(&bytes))), || ());
        println!(
            "{:<36} {:>8.1} {:>8.2}ms",
            name,
            bytes.len() as f64 / 1024.0,
            t_extract.as_secs_f64() * 1e3
        );
    }
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("XXGK_BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1500),
    );
    println!(
        "{:<36} {:>8} {:>10} {:>10} {:>8} {:>8} {:>10} {:>7}",
        "sample", "KiB", "extract", "bare", "ratio", "MB/s", "peak KiB", "peak/in"
    );
    let (mut total_bytes, mut total_extract, mut total_bare) =
        (0usize, Duration::ZERO, Duration::ZERO);
    let mut worst_ratio = 0f64;
    let mut worst_memory = 0f64;
    // `XXGK_BENCH_FILTER=pingtan` measures only the samples whose name holds that text.
    let filter = std::env::var("XXGK_BENCH_FILTER").unwrap_or_default();
    let paths: Vec<PathBuf> = samples()
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(&filter))
        .collect();
    for path in &paths {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let encoding = encoding_of(&bytes);
        let (t_extract, t_bare) = median_times(
            budget,
            || drop(black_box(extract(&bytes))),
            || bare_parse(&bytes, encoding),
        );
        let peak = peak_heap(|| extract(&bytes));
        let ratio = t_extract.as_secs_f64() / t_bare.as_secs_f64();
        let memory = peak as f64 / bytes.len() as f64;
        // The budget is about HTML pages; a text dump is not HTML, so its
        // "bare parse" is not a like-for-like baseline.
        if name.ends_with(".html") {
            worst_ratio = worst_ratio.max(ratio);
        }
        worst_memory = worst_memory.max(memory);
        total_bytes += bytes.len();
        total_extract += t_extract;
        total_bare += t_bare;
        println!(
            "{:<36} {:>8.1} {:>8.2}ms {:>8.2}ms {:>7.2}× {:>8.1} {:>10.0} {:>6.1}×",
            name,
            bytes.len() as f64 / 1024.0,
            t_extract.as_secs_f64() * 1e3,
            t_bare.as_secs_f64() * 1e3,
            ratio,
            bytes.len() as f64 / 1e6 / t_extract.as_secs_f64(),
            peak as f64 / 1024.0,
            memory,
        );
    }
    let secs = total_extract.as_secs_f64();
    println!(
        "\nall {} samples: {:.1} MB/s, {:.0} pages/s extracting; bare parse {:.1} MB/s",
        paths.len(),
        total_bytes as f64 / 1e6 / secs,
        paths.len() as f64 / secs,
        total_bytes as f64 / 1e6 / total_bare.as_secs_f64(),
    );
    println!(
        "budget: worst HTML extract/bare = {worst_ratio:.2}× (limit 1.5×), worst peak heap = {worst_memory:.1}× input (limit 10×)"
    );
    bench_report_files(budget, &filter);
    damaged_copies(budget, &filter);
}

//! PDF bytes → [`Document`]. lopdf parses the file (pure Rust; object nesting
//! capped, stream decompression bounded); `content` interprets each page's
//! content stream into positioned glyphs, with `fonts` turning codes into
//! text; `layout` groups the glyphs into lines, which the text flattener then
//! reads like any text dump. Every step runs inside a [`Budget`], so a
//! hostile file ends as a named reason, never as a hang or an exhausted heap.

mod content;
mod fonts;
mod layout;

use std::fmt;
use std::time::{Duration, Instant};

use lopdf::{LoadOptions, Object};

use super::Document;

/// What reading one PDF may cost.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest file read at all.
    pub max_file_bytes: usize,
    /// Largest a single stream (object stream, font map, page) may inflate to.
    pub max_stream_bytes: usize,
    /// All page and form content inflated for one document.
    pub max_content_bytes: usize,
    pub max_pages: usize,
    pub max_glyphs: usize,
    pub max_operations: usize,
    /// Forms drawing forms.
    pub max_form_depth: usize,
    /// `q` without `Q`.
    pub max_state_depth: usize,
    /// Entries of one font's width table.
    pub max_width_entries: usize,
    /// Distinct fonts of one document (each has maps to parse).
    pub max_fonts: usize,
    /// Wall-clock time for one document.
    pub max_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 64 << 20,
            max_stream_bytes: 16 << 20,
            max_content_bytes: 64 << 20,
            max_pages: 300,
            max_glyphs: 1_000_000,
            max_operations: 5_000_000,
            max_form_depth: 8,
            max_state_depth: 256,
            max_width_entries: 70_000,
            max_fonts: 1_000,
            max_time: Duration::from_secs(5),
        }
    }
}

/// Why a PDF gives no text to read. Each names the cause for the record's reason.
#[derive(Debug, Clone, PartialEq)]
pub enum Unreadable {
    /// Pages of images and no text layer.
    Scanned { pages: usize, images: usize },
    /// Neither text nor images.
    Empty { pages: usize },
    /// Glyphs whose fonts map them to no Unicode text.
    Undecodable { unmapped: usize },
    /// Needs a password.
    Encrypted,
    /// The file does not parse as a PDF.
    Corrupt(String),
    /// A size cap was reached.
    TooBig(String),
    /// The time budget ran out.
    TooSlow(Duration),
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Scanned { pages, images } => write!(
                f,
                "a scanned PDF: its tables are images ({pages} page(s), {images} image(s), \
                 no text layer); run OCR on it first"
            ),
            Unreadable::Empty { pages } => {
                write!(f, "the PDF holds no text and no images ({pages} page(s))")
            }
            Unreadable::Undecodable { unmapped } => write!(
                f,
                "the PDF's text cannot be decoded: its fonts map {unmapped} character(s) \
                 to no Unicode text"
            ),
            Unreadable::Encrypted => f.write_str(
                "an encrypted PDF: it opens only with a password; save an unprotected copy to read it",
            ),
            Unreadable::Corrupt(cause) => write!(f, "a damaged PDF that cannot be read: {cause}"),
            Unreadable::TooBig(what) => write!(f, "the PDF is too big to read: {what}"),
            Unreadable::TooSlow(limit) => write!(
                f,
                "reading the PDF took longer than the {} s allowed per document",
                limit.as_secs()
            ),
        }
    }
}

/// What has been spent on one document.
pub struct Budget {
    limits: Limits,
    started: Instant,
    content_bytes: usize,
    glyphs: usize,
    operations: usize,
}

impl Budget {
    fn new(limits: Limits) -> Self {
        Budget {
            limits,
            started: Instant::now(),
            content_bytes: 0,
            glyphs: 0,
            operations: 0,
        }
    }

    fn content_bytes_left(&self) -> usize {
        self.limits
            .max_content_bytes
            .saturating_sub(self.content_bytes)
    }

    fn charge_content(&mut self, bytes: usize) -> Result<(), Unreadable> {
        self.content_bytes += bytes;
        if self.content_bytes > self.limits.max_content_bytes {
            return Err(Unreadable::TooBig(format!(
                "its page content inflates to more than {} MB",
                self.limits.max_content_bytes >> 20
            )));
        }
        self.check_time()
    }

    fn charge_operation(&mut self) -> Result<(), Unreadable> {
        self.operations += 1;
        if self.operations > self.limits.max_operations {
            return Err(Unreadable::TooBig(format!(
                "more than {} drawing operations",
                self.limits.max_operations
            )));
        }
        // Reading the clock every operation would cost more than the operation.
        if self.operations.is_multiple_of(1024) {
            self.check_time()?;
        }
        Ok(())
    }

    fn charge_glyph(&mut self) -> Result<(), Unreadable> {
        self.glyphs += 1;
        if self.glyphs > self.limits.max_glyphs {
            return Err(Unreadable::TooBig(format!(
                "more than {} characters",
                self.limits.max_glyphs
            )));
        }
        Ok(())
    }

    fn check_time(&self) -> Result<(), Unreadable> {
        if self.started.elapsed() > self.limits.max_time {
            return Err(Unreadable::TooSlow(self.limits.max_time));
        }
        Ok(())
    }
}

/// The text of a PDF, as lines, and how many pages it has.
pub struct PdfText {
    pub text: String,
    pub pages: usize,
    pub images: usize,
}

/// Reads a PDF into a document, or says why it cannot be read.
pub fn flatten_pdf(bytes: &[u8]) -> Result<Document, Unreadable> {
    let text = read_text(bytes, Limits::default())?;
    let mut doc = super::text::flatten_text(&text.text);
    doc.images = text.images;
    Ok(doc)
}

/// Fewer visible characters than this, and a PDF has no text layer to speak of.
const MIN_TEXT: usize = 16;

/// Reads the text lines of a PDF within `limits`.
pub fn read_text(bytes: &[u8], limits: Limits) -> Result<PdfText, Unreadable> {
    if bytes.len() > limits.max_file_bytes {
        return Err(Unreadable::TooBig(format!(
            "{} MB, over the {} MB read per file",
            bytes.len() >> 20,
            limits.max_file_bytes >> 20
        )));
    }
    let options = LoadOptions::with_max_decompressed_size(limits.max_stream_bytes);
    let doc = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(lopdf::Error::InvalidPassword) => return Err(Unreadable::Encrypted),
        Err(lopdf::Error::Decompress(_)) => {
            return Err(Unreadable::TooBig(format!(
                "a stream inflates to more than {} MB",
                limits.max_stream_bytes >> 20
            )));
        }
        Err(e) => return Err(Unreadable::Corrupt(e.to_string())),
    };
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(Unreadable::Encrypted);
    }
    let mut budget = Budget::new(limits.clone());
    budget.check_time()?;
    let pages: Vec<_> = doc.page_iter().take(limits.max_pages).collect();
    if pages.is_empty() {
        return Err(Unreadable::Corrupt("no pages were found".to_string()));
    }
    let mut interpreter = content::Interpreter::new(&doc, &limits, &mut budget);
    let mut out = PdfText {
        text: String::new(),
        pages: pages.len(),
        images: 0,
    };
    let (mut glyphs, mut unmapped) = (0, 0);
    for page in pages {
        let page = interpreter.run_page(page)?;
        out.images += page.images;
        glyphs += page.glyphs.len();
        unmapped += page.unmapped;
        layout::write_lines(&page.glyphs, &mut out.text);
    }
    // A scan may carry a stray stamp or page number as text; a report has thousands.
    let visible = out
        .text
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(MIN_TEXT)
        .count();
    if visible < MIN_TEXT || glyphs < unmapped / 2 {
        return Err(match (unmapped, out.images) {
            (u, _) if u > glyphs && u > 0 => Unreadable::Undecodable { unmapped: u },
            (_, 0) => Unreadable::Empty { pages: out.pages },
            (_, images) => Unreadable::Scanned {
                pages: out.pages,
                images,
            },
        });
    }
    Ok(out)
}

/// Follows references to the object they name, a bounded number of hops.
fn deref<'a>(doc: &'a lopdf::Document, object: Option<&'a Object>) -> Option<&'a Object> {
    let mut object = object?;
    for _ in 0..8 {
        match object {
            Object::Reference(id) => object = doc.get_object(*id).ok()?,
            other => return Some(other),
        }
    }
    None
}

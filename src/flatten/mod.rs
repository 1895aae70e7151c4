//! Text → [`Document`]: the page's blocks in reading order, paragraphs as text
//! and every data table as a [`Grid`] with its spans expanded. Knows nothing of
//! the report template.

pub mod data;
pub mod depth;
pub mod docx;
mod html;
pub mod normalize;
pub mod pdf;
mod prune;
mod text;

pub use html::fragment_anchors;

/// A page reduced to what extraction reads.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The HTML `<title>`, when there is one.
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// Every `<a href>` of the page, navigation and tables included, for
    /// [`crate::links`] to judge.
    pub links: Vec<Anchor>,
    /// The text of the page's inline scripts (data islands such as
    /// `<script type="text/xml">` included), in order: list pages write their
    /// pagers and sometimes their entries by script. Bounded in size.
    pub scripts: Vec<String>,
    /// The page's `<base href>`, against which its relative links resolve.
    pub base_href: Option<String>,
    /// The `src` of its `<iframe>`s, `<frame>`s and `<embed>`s and the `data`
    /// of its `<object>`s: some sites show a column's list in a frame, or a
    /// report's file in an embedded viewer.
    pub frames: Vec<String>,
    /// Set when the input is a list given as data (JSON, an XML datastore)
    /// rather than a page: its entries are in `links`.
    pub data: Option<ListData>,
    /// `<img>` elements inside the page body; tables published as pictures.
    pub images: usize,
    /// Bytes of inline `<script>`: a big script and no text means a JS shell.
    pub script_bytes: usize,
    pub is_html: bool,
    /// Text dumps: for each block, the empty lines just before it (empty for HTML).
    pub gaps: Vec<u32>,
}

/// An `<a href>` as the page wrote it (relative hrefs unresolved).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchor {
    /// Display text (whitespace collapsed).
    pub text: String,
    pub href: String,
    /// The `title` attribute: list pages cut long titles short in the text
    /// and keep them whole here.
    pub title: Option<String>,
    /// The short text beside the link in its list entry, e.g. its date.
    pub beside: Option<String>,
}

/// What a list given as data says about the whole list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListData {
    /// `"JSON"` or `"XML"`.
    pub format: &'static str,
    /// Entries on this page of the data (whether or not they are reports).
    pub entries: usize,
    pub total_pages: Option<u64>,
    pub total_entries: Option<u64>,
}

/// One unit of the page in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph, heading or line, in display form (whitespace collapsed).
    Text(String),
    Table(Grid),
}

/// A table with rowspan/colspan expanded: `rows[r][c]` is the cell covering
/// that slot. Rows may be ragged when the page's rows are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub rows: Vec<Vec<Cell>>,
}

/// One slot of a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Display text: whitespace collapsed, `<br>` and inner blocks joined by a space.
    pub text: String,
    /// True when this slot is covered by a span of a cell placed elsewhere.
    pub is_copy: bool,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            is_copy: false,
        }
    }
}

/// What an input is, as `source.format` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Text,
    Pdf,
    Docx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    /// The document format of raw bytes, told from their content (never a
    /// file name): `Pdf`, `Docx` for any ZIP archive (the DOCX reader names
    /// the other kinds, e.g. `.xlsx`), or `None` for anything else (markup,
    /// text, or binary data that is neither).
    pub fn of(bytes: &[u8]) -> Option<Format> {
        // PDF readers accept the header anywhere in the first kilobyte.
        let head = &bytes[..bytes.len().min(1024)];
        if memchr::memmem::find(head, b"%PDF-").is_some() {
            return Some(Format::Pdf);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return Some(Format::Docx);
        }
        None
    }
}

/// The reason an old binary Office file (OLE compound file: `.doc`, `.wps`,
/// `.xls`, or any password-protected Office file) is not read, naming what
/// it is and what to do; `None` for other bytes.
pub fn legacy_office_reason(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return None;
    }
    // The compound file's directory names its streams in UTF-16LE.
    let has_stream = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        memchr::memmem::find(bytes, &utf16).is_some()
    };
    let reason = if has_stream("EncryptedPackage") {
        "an encrypted Office document: it opens only with a password; save an unprotected \
         .docx copy to read it"
    } else if has_stream("WordDocument") {
        "a legacy Word or WPS document (.doc/.wps), which xxgk does not read; convert it to \
         .docx first, e.g. `libreoffice --headless --convert-to docx FILE`"
    } else if has_stream("Workbook") || has_stream("Book") {
        "a legacy Excel workbook (.xls), not a report document"
    } else {
        "a legacy Office file (.doc/.wps/.xls), which xxgk does not read; convert a report \
         to .docx first, e.g. `libreoffice --headless --convert-to docx FILE`"
    };
    Some(format!("the input is {reason}"))
}

/// Flattens decoded text, HTML or a plain-text dump, telling them apart by content.
pub fn flatten(text: &str) -> Document {
    if let Some(doc) = data::flatten_data(text) {
        return doc;
    }
    let mut doc = if looks_like_html(text) {
        html::flatten_html(text)
    } else {
        text::flatten_text(text)
    };
    // The document lives through extraction: it should not keep the slack
    // that growing the list left (up to half of it).
    doc.blocks.shrink_to_fit();
    doc
}

/// True when the text carries HTML markup (a fragment without `<html>` counts).
pub fn looks_like_html(text: &str) -> bool {
    const TAGS: [&str; 9] = [
        "<html", "<body", "<table", "<p>", "<p ", "<div", "<br", "<td", "<span",
    ];
    // Byte-wise, without building a lowered copy: this runs on every input.
    let head = &text.as_bytes()[..text.len().min(800_000)];
    memchr::memchr_iter(b'<', head).any(|i| {
        TAGS.iter().any(|t| {
            head.get(i..i + t.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(t.as_bytes()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_text_are_told_apart() {
        assert!(looks_like_html("<P align=center>规章</P>"));
        assert!(!looks_like_html("一、总体情况\n规章\n0"));
    }
}

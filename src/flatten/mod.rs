//! Text → [`Document`]: the page's blocks in reading order, paragraphs as text
//! and every data table as a [`Grid`] with its spans expanded. Knows nothing of
//! the report template.

pub mod depth;
mod html;
pub mod normalize;
mod text;

use crate::model::Link;

/// A page reduced to what extraction reads.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The HTML `<title>`, when there is one.
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    /// Every `<a href>` of the page (text, href), for list and attachment pages.
    pub links: Vec<Link>,
    /// `<img>` elements inside the page body; tables published as pictures.
    pub images: usize,
    /// Bytes of inline `<script>`: a big script and no text means a JS shell.
    pub script_bytes: usize,
    pub is_html: bool,
    /// Text dumps: for each block, the empty lines just before it (empty for HTML).
    pub gaps: Vec<u32>,
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

/// Flattens decoded text, HTML or a plain-text dump, telling them apart by content.
pub fn flatten(text: &str) -> Document {
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

//! A linear pre-scan of a page's tags that estimates how deeply its elements
//! nest. html5ever, like the HTML standard's algorithm it follows, scans the
//! stack of open elements for many start tags, so a page nested N deep costs
//! O(N²): 20,000 nested `<div>`s or `<li>`s take minutes. Report pages nest a
//! few dozen levels; a page nested thousands deep is refused before parsing.

use std::collections::HashMap;

use memchr::{memchr, memmem};

/// Deepest nesting a page may have. Real pages stay far below; at this depth
/// html5ever still parses in well under a second.
pub const MAX_NESTING: usize = 2_000;

/// How far down the stack an implied end tag is looked for.
const SEARCH: usize = 64;

/// Elements without content: never pushed.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is text, not tags.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// Start tags that close an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

/// Ids of the elements that implied end tags look for and stop at. They are
/// interned first, in this order, so each id is a constant.
const FIXED: [&str; 17] = [
    "p", "li", "dt", "dd", "td", "th", "tr", "tbody", "thead", "tfoot", "option", "table",
    "button", "ul", "ol", "dl", "select",
];
const P: usize = 0;
const LI: usize = 1;
const DT: usize = 2;
const DD: usize = 3;
const TD: usize = 4;
const TH: usize = 5;
const TR: usize = 6;
const TBODY: usize = 7;
const THEAD: usize = 8;
const TFOOT: usize = 9;
const OPTION: usize = 10;
const TABLE: usize = 11;
const BUTTON: usize = 12;
const UL: usize = 13;
const OL: usize = 14;
const DL: usize = 15;
const SELECT: usize = 16;

/// True when the page's elements nest deeper than [`MAX_NESTING`].
pub fn nests_too_deep(html: &str) -> bool {
    let bytes = html.as_bytes();
    // Each `<` opens at most one element: a page with no more of them than
    // the limit cannot pass it, and counting them is a fraction of the scan.
    if memchr::memchr_iter(b'<', bytes).count() <= MAX_NESTING {
        return false;
    }
    let mut stack = Stack::new();
    let mut at = 0;
    while let Some(offset) = memchr(b'<', &bytes[at..]) {
        at += offset + 1;
        let rest = &bytes[at..];
        if rest.starts_with(b"!--") {
            at += memmem::find(rest, b"-->").map_or(rest.len(), |i| i + 3);
            continue;
        }
        let (closing, name) = match rest.strip_prefix(b"/") {
            Some(name) => (true, name),
            None => (false, rest),
        };
        if !name.first().is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        // Lowered into a buffer (no allocation per tag); names longer than it
        // are told apart by their first 16 letters, enough for an estimate.
        let mut buffer = [0u8; 16];
        let mut len = 0;
        let letters = name.iter().take_while(|b| b.is_ascii_alphanumeric());
        for (slot, letter) in buffer.iter_mut().zip(letters) {
            *slot = letter.to_ascii_lowercase();
            len += 1;
        }
        let name = &buffer[..len];
        // Alphanumerics padded with zeros: equal keys are equal names.
        let key = u128::from_ne_bytes(buffer);
        if closing {
            if let Some(id) = stack.id(key) {
                stack.pop_to(id);
            }
            continue;
        }
        let id = stack.intern(key, name);
        match stack.kinds[id] {
            Kind::RawText => {
                at += end_tag(rest, name).unwrap_or(rest.len());
                continue;
            }
            Kind::Void => continue,
            Kind::ClosesP => stack.pop_to_nearest(&[P], &[TABLE, TD, TH, BUTTON]),
            Kind::Other => {}
        }
        stack.close_implied(id);
        stack.push(id);
        if stack.elements.len() > MAX_NESTING {
            return true;
        }
    }
    false
}

/// Offset of `</name` (any case) in `text`.
fn end_tag(text: &[u8], name: &[u8]) -> Option<usize> {
    memmem::find_iter(text, b"</").find(|&i| {
        text.get(i + 2..i + 2 + name.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
    })
}

/// How the scan treats an element.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Void,
    RawText,
    ClosesP,
    Other,
}

impl Kind {
    fn of(name: &str) -> Kind {
        if VOID.contains(&name) {
            Kind::Void
        } else if RAW_TEXT.contains(&name) {
            Kind::RawText
        } else if CLOSES_P.contains(&name) {
            Kind::ClosesP
        } else {
            Kind::Other
        }
    }
}

/// Open elements as small ids, with a count per id so that an end tag with
/// no open element of its name costs nothing.
struct Stack {
    /// Recently looked-up (key, id) pairs, one per slot of a cheap hash: a
    /// page uses a few dozen names, so nearly every lookup is answered here
    /// and spared the (collision-proof, but slower) hashing of `ids`.
    cache: [(u128, usize); 64],
    ids: HashMap<u128, usize>,
    /// By id: the element's kind and how many of it are open.
    kinds: Vec<Kind>,
    open: Vec<usize>,
    elements: Vec<usize>,
}

impl Stack {
    fn new() -> Self {
        let mut stack = Stack {
            // Key 0 is no name's: names are not empty.
            cache: [(0, 0); 64],
            ids: HashMap::new(),
            kinds: Vec::new(),
            open: Vec::new(),
            elements: Vec::new(),
        };
        for name in FIXED {
            let mut buffer = [0u8; 16];
            buffer[..name.len()].copy_from_slice(name.as_bytes());
            stack.intern(u128::from_ne_bytes(buffer), name.as_bytes());
        }
        stack
    }

    /// The id of a tag name's key, if the name was met before.
    fn id(&mut self, key: u128) -> Option<usize> {
        let slot = Self::slot(key);
        if self.cache[slot].0 == key {
            return Some(self.cache[slot].1);
        }
        let id = *self.ids.get(&key)?;
        self.cache[slot] = (key, id);
        Some(id)
    }

    /// The id of a lowered tag name, given its key; new names get the next id.
    fn intern(&mut self, key: u128, name: &[u8]) -> usize {
        if let Some(id) = self.id(key) {
            return id;
        }
        let id = self.kinds.len();
        self.ids.insert(key, id);
        self.cache[Self::slot(key)] = (key, id);
        // Tag names are ASCII alphanumerics, so always valid UTF-8.
        let name = std::str::from_utf8(name).unwrap_or_default();
        self.kinds.push(Kind::of(name));
        self.open.push(0);
        id
    }

    /// Fibonacci hashing of the key's two halves into a cache slot.
    fn slot(key: u128) -> usize {
        let folded = (key as u64) ^ ((key >> 64) as u64);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
    }

    fn push(&mut self, id: usize) {
        self.open[id] += 1;
        self.elements.push(id);
    }

    /// Pops up to and including the innermost open `id`, if any is open.
    fn pop_to(&mut self, id: usize) {
        if self.open[id] == 0 {
            return;
        }
        while let Some(top) = self.elements.pop() {
            self.open[top] -= 1;
            if top == id {
                return;
            }
        }
    }

    /// Pops to the innermost of `ids` when it lies within [`SEARCH`] of the
    /// top and no element of `boundaries` is above it.
    fn pop_to_nearest(&mut self, ids: &[usize], boundaries: &[usize]) {
        if !ids.iter().any(|&id| self.open[id] > 0) {
            return;
        }
        let found = self
            .elements
            .iter()
            .rev()
            .take(SEARCH)
            .take_while(|id| !boundaries.contains(id))
            .find(|id| ids.contains(id));
        if let Some(&id) = found {
            self.pop_to(id);
        }
    }

    /// The end tags a browser implies before `id` opens (the common cases
    /// of sloppy markup: unclosed list items and table cells).
    fn close_implied(&mut self, id: usize) {
        match id {
            LI => self.pop_to_nearest(&[LI], &[UL, OL, TABLE]),
            DT | DD => self.pop_to_nearest(&[DT, DD], &[DL, TABLE]),
            TD | TH => self.pop_to_nearest(&[TD, TH], &[TR, TABLE]),
            TR => self.pop_to_nearest(&[TR], &[TABLE]),
            TBODY | THEAD | TFOOT => self.pop_to_nearest(&[TBODY, THEAD, TFOOT], &[TABLE]),
            OPTION => self.pop_to_nearest(&[OPTION], &[SELECT]),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_caught() {
        for tag in ["div", "ul><li", "span", "table><tr><td"] {
            let html = format!("<{tag}>").repeat(MAX_NESTING + 10);
            assert!(nests_too_deep(&html), "{tag}");
        }
        // At the limit, whether the tags are counted or scanned.
        assert!(!nests_too_deep(&"<div>".repeat(MAX_NESTING)));
        assert!(nests_too_deep(&"<div>".repeat(MAX_NESTING + 1)));
    }

    #[test]
    fn sloppy_but_flat_markup_is_not_deep() {
        let unclosed_cells = "<table>".to_string() + &"<tr><td>1<td>2<th>3".repeat(5_000);
        let unclosed_paragraphs = "<p>段落<li>项".repeat(5_000);
        let closed = "<div><span>a</span></div>".repeat(5_000);
        let script = format!("<script>{}</script>", "<div>".repeat(5_000));
        let comment = format!("<!-- {} -->", "<div>".repeat(5_000));
        let many_scripts = "<SCRIPT>if (a<b) x()</Script>".repeat(5_000);
        for html in [
            unclosed_cells,
            unclosed_paragraphs,
            closed,
            script,
            comment,
            many_scripts,
        ] {
            assert!(!nests_too_deep(&html), "{}", &html[..40]);
        }
    }
}

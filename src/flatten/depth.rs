//! A linear pre-scan of a page's tags that estimates how deeply its elements
//! nest. html5ever, like the HTML standard's algorithm it follows, scans the
//! stack of open elements for many start tags, so a page nested N deep costs
//! O(N²): 20,000 nested `<div>`s or `<li>`s take minutes. Report pages nest a
//! few dozen levels; a page nested thousands deep is refused before parsing.

use std::collections::HashMap;

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

/// True when the page's elements nest deeper than [`MAX_NESTING`].
pub fn nests_too_deep(html: &str) -> bool {
    let mut stack = Stack::default();
    let bytes = html.as_bytes();
    let mut at = 0;
    // str::find with a char uses memchr: fast over long runs of text.
    while let Some(offset) = html.get(at..).and_then(|rest| rest.find('<')) {
        at += offset + 1;
        let rest = &bytes[at..];
        if rest.starts_with(b"!--") {
            at += find(rest, b"-->").map_or(rest.len(), |i| i + 3);
            continue;
        }
        let (closing, name_start) = match rest.first() {
            Some(b'/') => (true, 1),
            _ => (false, 0),
        };
        let len = rest[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if len == 0 || !rest[name_start].is_ascii_alphabetic() {
            continue;
        }
        // Lowered into a buffer (no allocation per tag); names longer than it
        // are told apart by their first 16 letters, enough for an estimate.
        let mut buffer = [0u8; 16];
        let len = len.min(buffer.len());
        buffer[..len].copy_from_slice(&rest[name_start..name_start + len]);
        buffer.make_ascii_lowercase();
        // ASCII alphanumerics only, so always valid UTF-8.
        let name = std::str::from_utf8(&buffer[..len]).unwrap_or_default();
        if closing {
            stack.pop_to(name);
            continue;
        }
        if RAW_TEXT.contains(&name) {
            at += end_tag(rest, name).unwrap_or(rest.len());
            continue;
        }
        if VOID.contains(&name) {
            continue;
        }
        stack.close_implied(name);
        stack.push(name);
        if stack.names.len() > MAX_NESTING {
            return true;
        }
    }
    false
}

/// Offset of `</name` (any case) in `text`.
fn end_tag(text: &[u8], name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find(&text[from..], b"</") {
        let start = from + i + 2;
        let candidate = &text[start..text.len().min(start + name.len())];
        if candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return Some(start - 2);
        }
        from = start;
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Open elements as small ids, with a count per name so that an end tag
/// with no open element of its name costs nothing.
#[derive(Default)]
struct Stack {
    ids: HashMap<String, usize>,
    names: Vec<usize>,
    open: Vec<usize>,
}

impl Stack {
    fn id(&mut self, name: &str) -> usize {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.open.len();
        self.ids.insert(name.to_string(), id);
        self.open.push(0);
        id
    }

    fn push(&mut self, name: &str) {
        let id = self.id(name);
        self.open[id] += 1;
        self.names.push(id);
    }

    /// Pops up to and including the innermost open `name`, if any is open.
    fn pop_to(&mut self, name: &str) {
        let Some(&id) = self.ids.get(name) else {
            return;
        };
        if self.open[id] == 0 {
            return;
        }
        while let Some(top) = self.names.pop() {
            self.open[top] -= 1;
            if top == id {
                return;
            }
        }
    }

    /// Pops to the innermost of `names` when it lies within [`SEARCH`] of the
    /// top and no element of `boundaries` is above it.
    fn pop_to_nearest(&mut self, names: &[&str], boundaries: &[&str]) {
        let id_of = |name: &&str| self.ids.get(*name).copied();
        let is = |list: &[&str], id: usize| list.iter().filter_map(id_of).any(|i| i == id);
        if !names.iter().filter_map(id_of).any(|id| self.open[id] > 0) {
            return;
        }
        let found = self
            .names
            .iter()
            .rev()
            .take(SEARCH)
            .take_while(|&&id| !is(boundaries, id))
            .find(|&&id| is(names, id))
            .copied();
        if let Some(id) = found {
            while let Some(top) = self.names.pop() {
                self.open[top] -= 1;
                if top == id {
                    return;
                }
            }
        }
    }

    /// The end tags a browser implies before `name` opens (the common cases
    /// of sloppy markup: unclosed paragraphs, list items and table cells).
    fn close_implied(&mut self, name: &str) {
        if CLOSES_P.contains(&name) {
            self.pop_to_nearest(&["p"], &["table", "td", "th", "button"]);
        }
        match name {
            "li" => self.pop_to_nearest(&["li"], &["ul", "ol", "table"]),
            "dt" | "dd" => self.pop_to_nearest(&["dt", "dd"], &["dl", "table"]),
            "td" | "th" => self.pop_to_nearest(&["td", "th"], &["tr", "table"]),
            "tr" => self.pop_to_nearest(&["tr"], &["table"]),
            "tbody" | "thead" | "tfoot" => {
                self.pop_to_nearest(&["tbody", "thead", "tfoot"], &["table"])
            }
            "option" => self.pop_to_nearest(&["option"], &["select"]),
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

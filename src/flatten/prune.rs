//! Cuts from a page's markup what the flattener never reads, before html5ever
//! tokenises it. Report pages carry a `style`, `width` or `align` on nearly
//! every cell and paragraph, and html5ever reads attributes character by
//! character into a heap string each: on the sample pages they are 40–60 % of
//! the parse. `&nbsp;` in text is written out as the character it stands for,
//! sparing html5ever's character-reference matcher.
//!
//! The result parses to the same tree, less the dropped attributes. That holds
//! only where this scan knows the tokenizer's state exactly, so it follows the
//! HTML standard's tokenizer through tags, comments and raw-text elements, and
//! stops cutting (copying the rest as it is) at anything that would make it
//! guess: foreign content (`<svg>`, `<math>`), `<plaintext>`, `<frameset>`, a
//! script that may be double-escaped, a tag cut off by the end of the page.
//! (html5ever parses a `<select>`'s content as it does the body's, as the
//! standard now does, so a select needs no care.) The tests parse pruned and
//! whole pages and compare the trees, so a newer html5ever that reads markup
//! differently is caught there.

use std::borrow::Cow;

use memchr::{memchr, memchr_iter, memchr2, memmem};

/// The attributes that survive: those the flattener reads (links, frames,
/// embedded viewers, scripts, chrome by class or id, spans) and those the
/// tree builder itself looks at (`<input type=hidden>` in tables, form
/// association, declarative shadow roots). The flattener checks, in debug
/// builds, that every attribute it reads is here.
const KEPT: &[&[u8]] = &[
    b"class",
    b"id",
    b"href",
    b"title",
    b"src",
    b"data",
    b"rowspan",
    b"colspan",
    b"type",
    b"form",
    b"shadowrootmode",
];

/// Elements whose every attribute is kept: the tree builder compares the
/// attributes of these "formatting elements" when it decides how many to
/// reopen (the standard's Noah's Ark clause), so dropping some could change
/// the tree.
const FORMATTING: &[&[u8]] = &[
    b"a", b"b", b"big", b"code", b"em", b"font", b"i", b"nobr", b"s", b"small", b"strike",
    b"strong", b"tt", b"u",
];

/// Elements whose content the tokenizer reads as text up to their end tag.
const RAW_TEXT: &[&[u8]] = &[
    b"title",
    b"textarea",
    b"style",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"script",
];

/// Elements after which the tokenizer's state depends on more than this scan
/// follows.
const UNFOLLOWED: &[&[u8]] = &[b"svg", b"math", b"plaintext", b"frameset"];

/// The page with unread attributes dropped and `&nbsp;` written out;
/// borrowed when there was nothing to cut.
pub fn prune_markup(html: &str) -> Cow<'_, str> {
    let mut pruner = Pruner {
        html,
        bytes: html.as_bytes(),
        out: String::new(),
        copied: 0,
        spans: Vec::new(),
    };
    pruner.run();
    if pruner.copied == 0 {
        return Cow::Borrowed(html);
    }
    pruner.out.push_str(&html[pruner.copied..]);
    Cow::Owned(pruner.out)
}

struct Pruner<'a> {
    html: &'a str,
    bytes: &'a [u8],
    /// The pruned page up to `copied` in the input.
    out: String,
    copied: usize,
    /// Byte ranges of the attributes of the tag being read that go.
    spans: Vec<(usize, usize)>,
}

/// What follows a `<` in text.
enum Markup {
    /// Not markup: the `<` is text.
    Text,
    /// A comment, doctype or tag that ends before `end`.
    Skipped { end: usize },
    /// A start tag ending before `end`.
    StartTag { end: usize, name: TagName },
    /// The scan cannot follow what comes next.
    Stop,
}

impl Pruner<'_> {
    fn run(&mut self) {
        let mut at = 0;
        while let Some(offset) = memchr2(b'<', b'&', &self.bytes[at..]) {
            let i = at + offset;
            if self.bytes[i] == b'&' {
                if self.bytes[i..].starts_with(b"&nbsp;") {
                    self.replace(i, i + "&nbsp;".len(), "\u{a0}");
                }
                at = i + 1;
                continue;
            }
            at = match self.markup(i) {
                Markup::Text => i + 1,
                Markup::Skipped { end } => end,
                Markup::StartTag { end, name } => {
                    let name = name.as_bytes();
                    if UNFOLLOWED.contains(&name) {
                        return;
                    }
                    if !RAW_TEXT.contains(&name) {
                        end
                    } else if let Some(text_end) = self.raw_text_end(end, name) {
                        text_end
                    } else {
                        return;
                    }
                }
                Markup::Stop => return,
            };
        }
    }

    /// Reads the markup starting at the `<` at `i`, as the tokenizer's data
    /// state does, and drops the unread attributes of a start tag.
    fn markup(&mut self, i: usize) -> Markup {
        let rest = &self.bytes[i + 1..];
        match rest.first() {
            Some(b'!') if rest.starts_with(b"!--") => match comment_len(&rest[3..]) {
                Some(len) => Markup::Skipped { end: i + 4 + len },
                None => Markup::Stop,
            },
            // Doctypes and bogus comments end at the first `>`.
            Some(b'!' | b'?') => match memchr(b'>', rest) {
                Some(gt) => Markup::Skipped { end: i + 2 + gt },
                None => Markup::Stop,
            },
            Some(b'/') => match rest.get(1) {
                Some(c) if c.is_ascii_alphabetic() => match self.tag(i + 2, false) {
                    Some((end, _)) => Markup::Skipped { end },
                    None => Markup::Stop,
                },
                Some(b'>') => Markup::Skipped { end: i + 3 },
                Some(_) => match memchr(b'>', rest) {
                    Some(gt) => Markup::Skipped { end: i + 2 + gt },
                    None => Markup::Stop,
                },
                None => Markup::Stop,
            },
            Some(c) if c.is_ascii_alphabetic() => match self.tag(i + 1, true) {
                Some((end, name)) => Markup::StartTag { end, name },
                None => Markup::Stop,
            },
            _ => Markup::Text,
        }
    }

    /// Reads a tag from its name at `start` to its `>`, following the
    /// standard's attribute states; returns the offset after the `>` and the
    /// tag's name. For a start tag, drops the attributes that are not
    /// [`KEPT`]. `None` when the page ends first (the tokenizer then drops the
    /// tag, so nothing after it matters).
    fn tag(&mut self, start: usize, is_start: bool) -> Option<(usize, TagName)> {
        let bytes = self.bytes;
        let mut at = start;
        while at < bytes.len() && !is_tag_space(bytes[at]) && !matches!(bytes[at], b'/' | b'>') {
            at += 1;
        }
        let name = TagName::new(&bytes[start..at]);
        let prunable = is_start
            && !FORMATTING.contains(&name.as_bytes())
            && !UNFOLLOWED.contains(&name.as_bytes());
        self.spans.clear();
        // The before-attribute-name state, entered after the tag's name.
        loop {
            at = skip_spaces(bytes, at);
            match *bytes.get(at)? {
                b'>' => break,
                // The self-closing start tag state: `/>` ends the tag, a `/`
                // before anything else is dropped.
                b'/' => {
                    at += 1;
                    if *bytes.get(at)? == b'>' {
                        break;
                    }
                    continue;
                }
                _ => {}
            }
            let attr_start = at;
            // The first character is always part of the name, even `=`.
            at += 1;
            while at < bytes.len()
                && !is_tag_space(bytes[at])
                && !matches!(bytes[at], b'/' | b'>' | b'=')
            {
                at += 1;
            }
            let name_end = at;
            at = skip_spaces(bytes, at);
            let mut attr_end = name_end;
            if *bytes.get(at)? == b'=' {
                at = skip_spaces(bytes, at + 1);
                match *bytes.get(at)? {
                    quote @ (b'"' | b'\'') => {
                        at += 1 + memchr(quote, &bytes[at + 1..])? + 1;
                        attr_end = at;
                    }
                    // `name=>`: an empty value, and the tag ends.
                    b'>' => attr_end = at,
                    _ => {
                        while at < bytes.len() && !is_tag_space(bytes[at]) && bytes[at] != b'>' {
                            at += 1;
                        }
                        attr_end = at;
                    }
                }
            }
            if prunable && !is_kept(&bytes[attr_start..name_end]) {
                self.spans.push((attr_start, attr_end));
            }
        }
        let end = at + 1;
        for k in 0..self.spans.len() {
            let (from, to) = self.spans[k];
            // A space keeps what stood on either side apart, as the
            // attribute did.
            self.replace(from, to, " ");
        }
        Some((end, name))
    }

    /// Where the text of a raw-text element opened before `start` ends: at
    /// its end tag, which the caller reads next. `None` when the page ends
    /// first or a script may hide its end tag (a `<!--` with a `<script` is
    /// the standard's double-escaped script, whose end is not the first
    /// `</script>`).
    fn raw_text_end(&self, start: usize, name: &[u8]) -> Option<usize> {
        let text = &self.bytes[start..];
        let end = memmem::find_iter(text, b"</").find(|&i| {
            let after = &text[i + 2..];
            after.len() > name.len()
                && after[..name.len()].eq_ignore_ascii_case(name)
                && (is_tag_space(after[name.len()]) || matches!(after[name.len()], b'/' | b'>'))
        })?;
        if name == b"script" {
            let body = &text[..end];
            if memmem::find(body, b"<!--").is_some() && contains_ignore_case(body, b"<script") {
                return None;
            }
        }
        Some(start + end)
    }

    /// Writes `with` in place of the input's `from..to`.
    fn replace(&mut self, from: usize, to: usize, with: &str) {
        if self.out.capacity() == 0 {
            self.out.reserve(self.html.len());
        }
        self.out.push_str(&self.html[self.copied..from]);
        self.out.push_str(with);
        self.copied = to;
    }
}

/// Length of a comment's body and end after its `<!--`, as the tokenizer's
/// comment states read it: `<!-->` and `<!--->` are whole comments, and
/// otherwise the first `>` after `--` or `--!` ends it. `None` when the page
/// ends first. Each `>` is looked at once, so a page of many comments costs
/// no more than one of its length.
fn comment_len(body: &[u8]) -> Option<usize> {
    if body.starts_with(b">") {
        return Some(1);
    }
    if body.starts_with(b"->") {
        return Some(2);
    }
    memchr_iter(b'>', body)
        .find(|&gt| body[..gt].ends_with(b"--") || body[..gt].ends_with(b"--!"))
        .map(|gt| gt + 1)
}

/// Whitespace in the tokenizer's tag states (a CR is read as a line feed).
fn is_tag_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() && is_tag_space(bytes[at]) {
        at += 1;
    }
    at
}

pub(super) fn is_kept(name: &[u8]) -> bool {
    KEPT.iter().any(|kept| name.eq_ignore_ascii_case(kept))
}

/// A tag's name, ASCII-lowered as the tokenizer lowers it, without an
/// allocation: names longer than any listed here compare as empty.
#[derive(Clone, Copy)]
struct TagName {
    bytes: [u8; 16],
    len: usize,
}

impl TagName {
    fn new(raw: &[u8]) -> Self {
        let mut bytes = [0u8; 16];
        for (slot, c) in bytes.iter_mut().zip(raw) {
            *slot = c.to_ascii_lowercase();
        }
        TagName {
            bytes,
            len: raw.len(),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or_default()
    }
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ego_tree::iter::Edge;
    use proptest::prelude::*;
    use scraper::{Html, Node};

    use super::*;

    /// Asserts that `pruned` parses to the tree `original` parses to but for
    /// attributes that are not [`KEPT`]. (Those may even differ in value: a
    /// second `<html style=…>` adds its style to the root when the first
    /// one's was dropped.)
    fn assert_same_tree(original: &str, pruned: &str) {
        let (a, b) = (Html::parse_document(original), Html::parse_document(pruned));
        let (mut left, mut right) = (a.tree.root().traverse(), b.tree.root().traverse());
        loop {
            let (l, r) = match (left.next(), right.next()) {
                (None, None) => return,
                (Some(Edge::Open(l)), Some(Edge::Open(r))) => (l, r),
                (Some(Edge::Close(_)), Some(Edge::Close(_))) => continue,
                (l, r) => panic!("trees differ: {l:?} / {r:?}\n{original:?}\n{pruned:?}"),
            };
            match (l.value(), r.value()) {
                (Node::Element(l), Node::Element(r)) => {
                    assert_eq!(l.name(), r.name(), "{original:?}\n{pruned:?}");
                    let (all_l, all_r): (Vec<_>, Vec<_>) =
                        (l.attrs().collect(), r.attrs().collect());
                    let kept = |attrs: &[(&str, &str)]| -> Vec<(String, String)> {
                        attrs
                            .iter()
                            .filter(|(k, _)| is_kept(k.as_bytes()))
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect()
                    };
                    assert_eq!(kept(&all_l), kept(&all_r), "{original:?}\n{pruned:?}");
                }
                (l, r) => assert_eq!(l, r, "{original:?}\n{pruned:?}"),
            }
        }
    }

    fn check(html: &str) -> String {
        let pruned = prune_markup(html);
        assert_same_tree(html, &pruned);
        pruned.into_owned()
    }

    #[test]
    fn unread_attributes_go_and_read_ones_stay() {
        assert_eq!(
            check("<td nowrap style=\"width:1px\" colspan=2 CLASS='x'><p align=center>1</p></td>"),
            "<td     colspan=2 CLASS='x'><p  >1</p></td>"
        );
        // A space keeps attributes apart that were written without one.
        assert_eq!(
            check("<td style=\"a\"rowspan='3'/x=1>"),
            "<td  rowspan='3'/ >"
        );
        assert_eq!(check("<p/style=a>b"), "<p/ >b");
    }

    #[test]
    fn nbsp_is_written_out_in_text_only() {
        assert_eq!(
            check(
                "<p>1&nbsp;2</p><td title='&nbsp;'>&amp;nbsp;</td><!-- &nbsp; --><script>\"&nbsp;\"</script><title>&nbsp;</title>"
            ),
            "<p>1\u{a0}2</p><td title='&nbsp;'>&amp;nbsp;</td><!-- &nbsp; --><script>\"&nbsp;\"</script><title>&nbsp;</title>"
        );
    }

    #[test]
    fn many_comments_are_read_in_one_pass() {
        // Searching the rest of the page for each comment's possible ends
        // would take minutes here.
        let html = "<!-- a -- b --!x <p style=1> -->".repeat(200_000) + "<p style=2>";
        assert!(prune_markup(&html).ends_with("<p  >"));
    }

    #[test]
    fn raw_text_and_comments_are_not_markup() {
        let html = "<style>p style=1 <p style=2></style ><p style=3>\
                    <!-- <p style=4> --!><p style=5><!--><p style=6>\
                    <textarea><p style=7></TEXTAREA><p style=8>";
        assert_eq!(
            check(html),
            "<style>p style=1 <p style=2></style ><p  >\
             <!-- <p style=4> --!><p  ><!--><p  >\
             <textarea><p style=7></TEXTAREA><p  >"
        );
    }

    #[test]
    fn what_the_scan_cannot_follow_is_left_alone() {
        for html in [
            // Foreign content.
            "<p style=1><svg><style>x</style><p style=2></svg><p style=3>",
            // A double-escaped script: its end is not the first </script>.
            "<p style=1><script><!--<script></script><p style=2>--></script><p style=3>",
            // Formatting elements keep every attribute (the Noah's Ark clause).
            "<p style=1><b style=2><font color=red>x</font></b>",
            // A tag the page ends inside is never emitted.
            "<p style=1><td style=2",
        ] {
            let pruned = check(html);
            assert!(pruned.starts_with("<p  >"), "{pruned}");
            assert!(pruned.contains("style=2"), "{pruned}");
        }
    }

    #[test]
    fn every_sample_page_parses_the_same_pruned() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut dirs = vec![root];
        let mut pages = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("samples").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let bytes = std::fs::read(&path).expect("sample");
                let text = crate::decode::decode(&bytes, None).text;
                if crate::flatten::looks_like_html(&text) {
                    let pruned = prune_markup(&text);
                    assert_same_tree(&text, &pruned);
                    pages += 1;
                }
            }
        }
        assert!(pages >= 10, "only {pages} pages");
    }

    /// Pages where a scan that followed the tokenizer less closely would
    /// cut something that matters.
    #[test]
    fn pages_built_to_mislead_the_scan_parse_the_same() {
        for html in [
            // html5ever reads a select's content as the body's.
            "<select><style><script>\"</style><p style=1>\"</script>",
            "<select style=1><option style=2>a<optgroup>b</select><p style=3>",
            // Four formatting elements alike but for a dropped attribute.
            "<p><b style=1><b style=2><b style=3><b style=4>x<p>y",
            // A double-escaped script holds a </script> that does not end it.
            "<script><!--<script></script><p style=1>--></script>",
            // <input type=hidden> stays in a table; other inputs are moved out.
            "<table><input type=hidden style=1><tr><td>x",
            "<svg><style><p style=1>&nbsp;</style></svg>",
            "<title><p style=1>&nbsp;</TITLE ><p style=2>&nbsp;",
        ] {
            check(html);
        }
    }

    /// Tags as a tokenizer meets them, with the names and attributes the
    /// scan treats apart, or a piece of tag soup.
    fn piece() -> impl Strategy<Value = String> {
        const NAMES: &[&str] = &[
            "p",
            "P",
            "td",
            "tr",
            "table",
            "div",
            "span",
            "a",
            "b",
            "font",
            "i",
            "br",
            "input",
            "script",
            "SCRIPT",
            "style",
            "title",
            "textarea",
            "noscript",
            "iframe",
            "xmp",
            "select",
            "option",
            "optgroup",
            "svg",
            "math",
            "plaintext",
            "frameset",
            "template",
            "html",
            "body",
            "head",
        ];
        const ATTRS: &[&str] = &[
            " style=1",
            " style=\"a>b\"",
            " STYLE='x'",
            " width",
            " align=center",
            " class=x",
            " id=nav",
            " href=#",
            " title='t'",
            " colspan=2",
            " rowspan=\"2\"",
            " type=hidden",
            " form=f",
            "/",
            " /",
            " x=\"",
            "=y",
        ];
        const SOUP: &[&str] = &[
            "<",
            ">",
            "</",
            "/",
            "=",
            "\"",
            "'",
            " ",
            "\n",
            "\r",
            "\0",
            "&",
            "&nbsp;",
            "x",
            "表",
            "-",
            "--",
            "<!--",
            "-->",
            "--!>",
            "<!-->",
            "<!--->",
            "<!DOCTYPE html>",
            "<![CDATA[",
            "]]>",
            "<?x>",
            "</ x>",
            "</>",
        ];
        let tag = (
            prop::bool::weighted(0.3),
            prop::sample::select(NAMES),
            prop::collection::vec(prop::sample::select(ATTRS), 0..3),
            prop::bool::weighted(0.9),
        )
            .prop_map(|(end, name, attrs, closed)| {
                let slash = if end { "/" } else { "" };
                let gt = if closed { ">" } else { "" };
                format!("<{slash}{name}{}{gt}", attrs.concat())
            });
        prop_oneof![
            2 => tag,
            1 => prop::sample::select(SOUP).prop_map(str::to_string),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Whatever the soup, the pruned page parses to the same tree.
        #[test]
        fn tag_soup_parses_the_same_pruned(pieces in prop::collection::vec(piece(), 0..40)) {
            check(&pieces.concat());
        }
    }
}

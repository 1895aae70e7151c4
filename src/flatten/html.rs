//! HTML → Document with scraper (html5ever), so broken markup is repaired the
//! way a browser repairs it.

use ego_tree::NodeRef;
use ego_tree::iter::{Edge, Traverse};
use scraper::node::Element;
use scraper::{ElementRef, Html, Node};

use super::normalize::Collapsed;
use super::{Anchor, Block, Cell, Document, Grid};

/// Elements whose content is never part of the report.
fn is_skipped(name: &str) -> bool {
    // `matches!` rather than a list: every element is asked, and a match
    // compiles to a few comparisons instead of a scan of the list.
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "nav"
            | "footer"
            | "iframe"
            | "svg"
            | "select"
            | "button"
            | "object"
            | "embed"
            | "audio"
            | "video"
            | "canvas"
            | "map"
    )
}

/// Elements that start a new paragraph (and `<table>`, which is more).
fn starts_paragraph(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "section"
            | "article"
            | "header"
            | "main"
            | "blockquote"
            | "pre"
            | "center"
            | "form"
            | "fieldset"
            | "address"
            | "figure"
            | "figcaption"
            | "caption"
            | "tr"
            | "td"
            | "th"
            | "hr"
    )
}

/// Upper bounds that keep hostile spans from exploding a grid (HTML itself caps
/// colspan at 1000 and rowspan at 65534).
const MAX_COLSPAN: usize = 1000;
const MAX_GRID_WIDTH: usize = 1000;

pub fn flatten_html(text: &str) -> Document {
    // Parsed without the attributes nothing here reads: they are much of
    // html5ever's work on report pages, and the tree is the same without them.
    let html = Html::parse_document(&super::prune::prune_markup(text));
    let mut walker = Walker::default();
    walker.walk(html.tree.root());
    walker.flush();
    let links = collect_links(&html, &mut walker.scratch);
    Document {
        // The walker never enters <head>, where the title usually is.
        title: walker.title.or(links.title),
        blocks: walker.blocks,
        links: links.anchors,
        scripts: links.scripts,
        base_href: links.base_href,
        frames: links.frames,
        images: walker.images,
        script_bytes: walker.script_bytes,
        is_html: true,
        data: None,
        gaps: Vec::new(),
    }
}

/// The anchors of an HTML fragment, e.g. a list entry a script holds as text.
pub fn fragment_anchors(fragment: &str) -> Vec<Anchor> {
    let html = Html::parse_fragment(fragment);
    collect_links(&html, &mut Collapsed::default()).anchors
}

/// What [`crate::links`] reads from a page besides its text.
#[derive(Default)]
struct Links {
    title: Option<String>,
    anchors: Vec<Anchor>,
    scripts: Vec<String>,
    base_href: Option<String>,
    frames: Vec<String>,
}

/// Scripts longer than this are libraries or data blobs, not the few lines
/// that configure a list or its pager.
const MAX_SCRIPT_BYTES: usize = 256 * 1024;
const MAX_SCRIPTS_BYTES: usize = 1024 * 1024;

/// Every anchor of the page (chrome and tables included: a pager may sit in
/// either), its inline scripts and its `<base href>`, in one pass.
fn collect_links(html: &Html, scratch: &mut Collapsed) -> Links {
    let mut links = Links::default();
    let mut script_bytes = 0;
    for node in html.tree.root().descendants() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        match element.name() {
            "a" => {
                if let Some(href) = plain_attr(element, "href") {
                    let text = text_of(node, scratch);
                    let title = plain_attr(element, "title")
                        .map(super::normalize::collapse_whitespace)
                        .filter(|t| !t.is_empty());
                    let label_chars = title.as_deref().unwrap_or(&text).chars().count();
                    let beside = (label_chars >= MIN_ENTRY_CHARS)
                        .then(|| beside_text(node, &text, scratch))
                        .flatten();
                    links.anchors.push(Anchor {
                        text,
                        href: href.trim().to_string(),
                        title,
                        beside,
                    });
                }
            }
            "title" if links.title.is_none() => {
                let text = text_of(node, scratch);
                links.title = (!text.is_empty()).then_some(text);
            }
            // Frames, and the embedded viewers a report file is shown in.
            "iframe" | "frame" | "embed" | "object" => {
                let attr = if element.name() == "object" {
                    "data"
                } else {
                    "src"
                };
                if let Some(src) = plain_attr(element, attr).map(str::trim)
                    && !src.is_empty()
                    && links.frames.len() < 20
                {
                    links.frames.push(src.to_string());
                }
            }
            "base" if links.base_href.is_none() => {
                links.base_href = plain_attr(element, "href").map(|h| h.trim().to_string());
            }
            "script" if plain_attr(element, "src").is_none() => {
                let mut text = String::new();
                for child in node.children() {
                    if let Node::Text(t) = child.value() {
                        text.push_str(t);
                    }
                }
                if !text.trim().is_empty()
                    && text.len() <= MAX_SCRIPT_BYTES
                    && script_bytes + text.len() <= MAX_SCRIPTS_BYTES
                {
                    script_bytes += text.len();
                    links.scripts.push(text);
                }
            }
            _ => {}
        }
    }
    links
}

/// Links with shorter labels are navigation, not list entries: their
/// surroundings are not read.
const MIN_ENTRY_CHARS: usize = 6;

/// The text beside an anchor in its list entry (`<li>`, `<tr>`, `<dl>`, or a
/// small block around it), without the anchor's own text: where lists put an
/// entry's date. `None` when the entry holds nothing else or is no small entry.
fn beside_text(anchor: NodeRef<'_, Node>, text: &str, scratch: &mut Collapsed) -> Option<String> {
    const MAX_EXTRA_CHARS: usize = 60;
    let limit = text.len() + MAX_EXTRA_CHARS * 3;
    let mut beside = None;
    for ancestor in anchor.ancestors().take(4) {
        let Node::Element(element) = ancestor.value() else {
            break;
        };
        let Some(whole) = bounded_text_of(ancestor, scratch, limit) else {
            break;
        };
        let rest = whole.replacen(text, " ", 1);
        let rest = super::normalize::collapse_whitespace(&rest);
        if !rest.is_empty() {
            beside = Some(rest);
        }
        if matches!(element.name(), "li" | "tr" | "dl" | "p") {
            break;
        }
    }
    beside
}

/// The display text of a small subtree, or `None` once it passes `limit`
/// bytes or a few hundred nodes (a page-wide container is no list entry).
fn bounded_text_of(
    node: NodeRef<'_, Node>,
    scratch: &mut Collapsed,
    limit: usize,
) -> Option<String> {
    const MAX_NODES: usize = 400;
    if node.descendants().take(MAX_NODES + 1).count() > MAX_NODES {
        return None;
    }
    let text = text_of(node, scratch);
    (text.len() <= limit).then_some(text)
}

#[derive(Default)]
struct Walker {
    title: Option<String>,
    blocks: Vec<Block>,
    paragraph: Collapsed,
    /// Scratch for the text of a title or cell, reused between them.
    scratch: Collapsed,
    images: usize,
    script_bytes: usize,
}

impl Walker {
    /// Visits the tree in document order. Iterative, not recursive: a page
    /// nested thousands of elements deep must not overflow the stack.
    fn walk(&mut self, root: NodeRef<'_, Node>) {
        let mut edges = root.traverse();
        while let Some(edge) = edges.next() {
            match edge {
                Edge::Open(node) => {
                    if self.open(node) == Visit::Skip {
                        skip_subtree(&mut edges, node);
                    }
                }
                Edge::Close(node) => {
                    if let Node::Element(element) = node.value()
                        && is_block(element.name())
                    {
                        self.flush();
                    }
                }
            }
        }
    }

    /// Reads what an element or text node contributes on entering it, and
    /// says whether its content is to be visited.
    fn open(&mut self, node: NodeRef<'_, Node>) -> Visit {
        let element = match node.value() {
            Node::Text(text) => {
                self.paragraph.push_str(text);
                return Visit::Enter;
            }
            Node::Element(element) => element,
            _ => return Visit::Enter,
        };
        let name = element.name();
        if name == "title" {
            if self.title.is_none() {
                let t = self.text_of(node);
                self.title = (!t.is_empty()).then_some(t);
            }
            return Visit::Skip;
        }
        if name == "script" {
            each_text(node, |t| self.script_bytes += t.len());
            return Visit::Skip;
        }
        if name == "img" {
            self.images += 1;
            return Visit::Skip;
        }
        if is_skipped(name) || is_chrome(element) {
            return Visit::Skip;
        }
        if name == "br" {
            self.flush();
            return Visit::Skip;
        }
        if name == "table" && !contains_table(node) {
            self.flush();
            self.images += count_images(node);
            let grid = build_grid(node, &mut self.scratch);
            if !grid.rows.is_empty() {
                self.blocks.push(Block::Table(grid));
            }
            return Visit::Skip;
        }
        if is_block(name) {
            self.flush();
        }
        Visit::Enter
    }

    fn flush(&mut self) {
        if !self.paragraph.is_empty() {
            self.blocks
                .push(Block::Text(self.paragraph.as_str().to_string()));
            self.paragraph.clear();
        }
    }

    /// The display text of a subtree.
    fn text_of(&mut self, node: NodeRef<'_, Node>) -> String {
        text_of(node, &mut self.scratch)
    }
}

/// Site navigation, breadcrumbs, share bars and footers, recognised by their
/// class or id; their text would otherwise run into the report's sections.
fn is_chrome(element: &Element) -> bool {
    const CONTAINS: &[&str] = &["breadcrumb", "footer", "copyright"];
    const TOKENS: &[&str] = &["nav", "menu", "foot", "share", "sidebar", "crumb", "topbar"];
    // Every element is asked, so no lowered copies: ASCII case is ignored in place.
    let attrs = [plain_attr(element, "class"), plain_attr(element, "id")];
    attrs.into_iter().flatten().any(|value| {
        CONTAINS.iter().any(|c| {
            value
                .as_bytes()
                .windows(c.len())
                .any(|w| w.eq_ignore_ascii_case(c.as_bytes()))
        }) || value
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|token| TOKENS.iter().any(|t| token.eq_ignore_ascii_case(t)))
    })
}

/// An attribute that is never namespaced (`class`, `id`, spans), found by
/// scanning the element's few attributes: `Element::attr` interns the name
/// first, which costs more.
fn plain_attr<'a>(element: &'a Element, name: &str) -> Option<&'a str> {
    debug_assert!(
        super::prune::is_kept(name.as_bytes()),
        "the flattener reads `{name}`, which prune_markup drops: add it to prune::KEPT"
    );
    element
        .attrs()
        .find_map(|(key, value)| (key == name).then_some(value))
}

/// Whether a node's content is visited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Visit {
    Enter,
    Skip,
}

fn is_block(name: &str) -> bool {
    starts_paragraph(name) || name == "table"
}

/// Advances `edges` past the end of `node`, whose opening edge was just read.
fn skip_subtree<'a>(edges: &mut Traverse<'a, Node>, node: NodeRef<'a, Node>) {
    for edge in edges.by_ref() {
        if matches!(edge, Edge::Close(n) if n == node) {
            return;
        }
    }
}

/// The display text of a subtree, built in `scratch`.
fn text_of(node: NodeRef<'_, Node>, scratch: &mut Collapsed) -> String {
    scratch.clear();
    each_text(node, |t| scratch.push_str(t));
    // Copied out at its exact size: the buffer itself stays for the next text.
    scratch.as_str().to_string()
}

/// Feeds the text of a subtree to `out` in document order, skipping scripts
/// and styles; a line break or an inner block is fed as a space.
fn each_text<'a>(node: NodeRef<'a, Node>, mut out: impl FnMut(&'a str)) {
    for child in node.children() {
        let mut edges = child.traverse();
        while let Some(edge) = edges.next() {
            match edge {
                Edge::Open(n) => match n.value() {
                    Node::Text(t) => out(t),
                    Node::Element(e)
                        if matches!(e.name(), "script" | "style" | "noscript" | "template") =>
                    {
                        skip_subtree(&mut edges, n);
                    }
                    // A line break or an inner block separates words visually.
                    Node::Element(e) if separates_words(e.name()) => out(" "),
                    _ => {}
                },
                Edge::Close(n) => {
                    if let Node::Element(e) = n.value()
                        && separates_words(e.name())
                    {
                        out(" ");
                    }
                }
            }
        }
    }
}

fn separates_words(name: &str) -> bool {
    name == "br" || starts_paragraph(name)
}

fn contains_table(node: NodeRef<'_, Node>) -> bool {
    node.descendants()
        .skip(1)
        .any(|d| matches!(d.value(), Node::Element(e) if e.name() == "table"))
}

fn count_images(node: NodeRef<'_, Node>) -> usize {
    node.descendants()
        .filter(|d| matches!(d.value(), Node::Element(e) if e.name() == "img"))
        .count()
}

/// A `<td>`/`<th>` as read from the markup, before layout.
struct RawCell {
    text: String,
    rowspan: usize,
    colspan: usize,
}

fn build_grid(table: NodeRef<'_, Node>, scratch: &mut Collapsed) -> Grid {
    let rows: Vec<Vec<RawCell>> = table
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "tr")
        .map(|tr| {
            tr.children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|cell| RawCell {
                    text: text_of(*cell, scratch),
                    // rowspan="0" spans to the end of the table; colspan="0" is 1.
                    rowspan: match span(plain_attr(cell.value(), "rowspan")) {
                        Some(0) => usize::MAX,
                        Some(n) => n,
                        None => 1,
                    },
                    colspan: span(plain_attr(cell.value(), "colspan"))
                        .unwrap_or(1)
                        .clamp(1, MAX_COLSPAN),
                })
                .collect()
        })
        .collect();
    layout(rows)
}

/// Parses a span attribute leniently (`"2"`, `" 3 "`, `"2px"`); `None` for
/// a missing or junk value.
fn span(value: Option<&str>) -> Option<usize> {
    let value = value?.trim();
    let digits = value.bytes().take_while(u8::is_ascii_digit).take(6).count();
    value[..digits].parse().ok()
}

/// Places cells into slots. A rowspan reaching rows that already hold a full
/// row of their own is stale (editors leave them behind when rows are deleted):
/// it is cut short rather than pushing the row's real cells out of their columns.
fn layout(rows: Vec<Vec<RawCell>>) -> Grid {
    let natural_width = rows
        .iter()
        .map(|r| r.iter().map(|c| c.colspan).sum::<usize>())
        .max()
        .unwrap_or(0)
        .min(MAX_GRID_WIDTH);
    let row_count = rows.len();
    let mut budget = CopyBudget::default();
    // For each column: the text spanning down into it and how many rows remain.
    let mut pending: Vec<Option<(String, usize)>> = vec![None; natural_width];
    let mut grid = Grid::default();
    for (r, raw_row) in rows.into_iter().enumerate() {
        let own_width: usize = raw_row.iter().map(|c| c.colspan).sum();
        let incoming = pending.iter().filter(|p| p.is_some()).count();
        if own_width + incoming > natural_width || budget.is_spent() {
            pending.iter_mut().for_each(|p| *p = None);
        }
        // Grown as cells land, not sized to the widest row: the collected row
        // keeps this allocation, and 10,000 short rows under one wide row
        // would otherwise hold 10,000 wide buffers.
        let mut slots: Vec<Option<Cell>> = Vec::new();
        for (c, p) in pending.iter_mut().enumerate() {
            if let Some((text, left)) = p {
                if budget.take(text) {
                    if slots.len() <= c {
                        slots.resize(c + 1, None);
                    }
                    slots[c] = Some(Cell {
                        text: text.clone(),
                        is_copy: true,
                    });
                }
                *left -= 1;
                if *left == 0 {
                    *p = None;
                }
            }
        }
        let mut col = 0;
        for cell in raw_row {
            while col < slots.len() && slots[col].is_some() {
                col += 1;
            }
            if col >= MAX_GRID_WIDTH {
                break;
            }
            let (colspan, rowspan) = if budget.is_spent() {
                (1, 1)
            } else {
                (cell.colspan, cell.rowspan)
            };
            let end = (col + colspan).min(MAX_GRID_WIDTH);
            if end > slots.len() {
                slots.resize(end, None);
                pending.resize(end, None);
            }
            let rows_below = rowspan.min(row_count - r) - 1;
            let mut text = cell.text;
            for c in col..end {
                if c != col && !budget.take(&text) {
                    break;
                }
                if rows_below > 0 {
                    pending[c] = Some((text.clone(), rows_below));
                }
                // The last slot takes the text itself: most cells have one.
                let text = if c + 1 == end {
                    std::mem::take(&mut text)
                } else {
                    text.clone()
                };
                slots[c] = Some(Cell {
                    text,
                    is_copy: c != col,
                });
            }
            col = end;
        }
        while slots.last().is_some_and(Option::is_none) {
            slots.pop();
        }
        budget.slots += slots.len();
        let row: Vec<Cell> = slots
            .into_iter()
            .map(|s| {
                s.unwrap_or(Cell {
                    text: String::new(),
                    is_copy: true,
                })
            })
            .collect();
        grid.rows.push(row);
    }
    grid
}

/// What span expansion may add to one grid. A report table has a few
/// hundred slots; a hostile one (10,000 rows under `colspan=1000`, or a long
/// text with `rowspan=0`) would otherwise turn a page of kilobytes into
/// gigabytes. Once spent, spans are no longer expanded: every cell still
/// appears once.
#[derive(Default)]
struct CopyBudget {
    slots: usize,
    copied_bytes: usize,
}

impl CopyBudget {
    const MAX_SLOTS: usize = 200_000;
    const MAX_COPIED_BYTES: usize = 4 << 20;

    fn is_spent(&self) -> bool {
        self.slots >= Self::MAX_SLOTS || self.copied_bytes >= Self::MAX_COPIED_BYTES
    }

    /// Accounts for one more copy of `text`; false when the budget is spent.
    fn take(&mut self, text: &str) -> bool {
        if self.is_spent() {
            return false;
        }
        self.slots += 1;
        self.copied_bytes += text.len() + std::mem::size_of::<Cell>();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::flatten;
    use super::*;

    fn grid_texts(html: &str) -> Vec<Vec<String>> {
        let doc = flatten(html);
        let grid = doc
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Table(g) => Some(g.clone()),
                _ => None,
            })
            .expect("a table");
        grid.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text.clone()).collect())
            .collect()
    }

    #[test]
    fn spans_are_expanded() {
        let g = grid_texts(
            "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr>\
             <tr><td>1</td><td>2</td></tr></table>",
        );
        assert_eq!(g, vec![vec!["A", "B", "B"], vec!["A", "1", "2"]]);
    }

    #[test]
    fn stale_rowspan_does_not_push_real_cells() {
        // rowspan=5 but the third row is a full row of its own.
        let g = grid_texts(
            "<table><tr><td rowspan=5>G</td><td>x</td><td>1</td></tr>\
             <tr><td>y</td><td>2</td></tr>\
             <tr><td>z</td><td>w</td><td>3</td></tr></table>",
        );
        assert_eq!(g[2], vec!["z", "w", "3"]);
    }

    #[test]
    fn br_and_inner_paragraphs_join_with_a_space() {
        let g = grid_texts(
            "<table><tr><td>本年新<br/>制作数量</td><td><p>商业</p><p>企业</p></td></tr></table>",
        );
        assert_eq!(g[0], vec!["本年新 制作数量", "商业 企业"]);
    }

    #[test]
    fn hostile_spans_are_bounded() {
        let g = grid_texts(
            "<table><tr><td rowspan=0 colspan=65535>A</td></tr><tr><td>b</td></tr></table>",
        );
        assert!(g[0].len() <= MAX_GRID_WIDTH);
        assert_eq!(g.len(), 2);
    }

    #[test]
    fn layout_tables_are_not_grids() {
        let doc = flatten(
            "<table><tr><td><p>一、总体情况</p><table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>",
        );
        assert_eq!(doc.blocks[0], Block::Text("一、总体情况".into()));
        assert!(matches!(doc.blocks[1], Block::Table(_)));
    }

    #[test]
    fn scripts_and_navigation_are_dropped() {
        let doc = flatten(
            "<body><div class=\"nav-bar\">首页 政务公开</div><script>var a=1;</script><p>正文</p></body>",
        );
        assert_eq!(doc.blocks, vec![Block::Text("正文".into())]);
        assert_eq!(doc.script_bytes, "var a=1;".len());
    }
}

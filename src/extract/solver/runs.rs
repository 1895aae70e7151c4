//! Reading runs: finding the template's row labels in a copy whose table
//! cells lost their separators (`一、本年新收政府信息公开申请数量713000074二、…`)
//! and taking the characters between a label and the next one as the row's
//! *run*. Spaces and line breaks in a run are cuts the page does show.
//! Labels glued to each other (`…申请数量三、本年度办理结果（一）予以公开22`)
//! are told apart by their numbered headings; a row label followed directly
//! by the next label is a row whose cells all left no trace.

use std::collections::HashSet;

use super::readings::Run;
use super::{MAX_CELL_DIGITS, quoted};
use crate::extract::rows::{Cell, Row};
use crate::extract::value::{CellValue, parse_cell};
use crate::flatten::normalize::{fold_char, key};
use crate::flatten::{Block, Document};
use crate::model::Template;
use crate::template::{ApplicationLabel, Group, active_rows, application_label, group_of};

/// Glued table-三 rows a document must show before it is read as a glued dump.
const MIN_GLUED_ROWS: usize = 3;
/// Table-三 rows a document must show with all its labels on one line.
const MIN_ONE_LINE_ROWS: usize = 10;

/// One glued row of table 三 as the dump gives it.
#[derive(Debug, Clone)]
pub(super) struct GluedRow {
    pub key: &'static str,
    /// Empty when the label is followed directly by the next one.
    pub run: Result<Run, String>,
    /// The run without its last digit, when that digit may be the next
    /// label's item number written without its mark (`…00000002其他法律…`).
    pub shorter: Option<Run>,
    /// The run is glued: a chunk that cannot be one cell, or digits set
    /// between labels with no space.
    glued: bool,
}

/// What the glued reader found in a document.
#[derive(Debug, Default)]
pub(crate) struct GluedDump {
    /// Blocks read here: their rows replace the ones the line reader made.
    pub(super) blocks: HashSet<usize>,
    /// Label rows (for template detection) and table-二 rows.
    pub(super) rows: Vec<Row>,
    pub(super) applications: Vec<GluedRow>,
    /// Where the header puts a 法人或其他组织 小计 column, if it has one.
    pub(super) subtotal_at: Option<usize>,
    pub(super) review: Option<Run>,
    /// Table-二 rows as (label, run, unit written after the run).
    pub(super) active: Vec<(&'static str, String, Option<&'static str>)>,
}

/// Reads a document's glued table rows; `None` unless the document is a
/// glued dump: at least [`MIN_GLUED_ROWS`] table-三 rows holding digits that
/// cannot be one cell (`0000000`). A dump that shows a separator between
/// every cell, or may have dropped its blank cells (one value per line), is
/// left to the line reader.
pub(crate) fn read(doc: &Document) -> Option<GluedDump> {
    if doc.is_html {
        return None;
    }
    // Most dumps are not glued: a cheap count of glued chunks rules them out
    // before any piece is built. Every glued row holds one such chunk, made
    // of digits only (dates and phone numbers have `-`).
    let glued_chunks: usize = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Text(text) => count_glued_chunks(text),
            Block::Table(_) => 0,
        })
        .sum();
    // Or the whole of table 三 on one line, labels glued to each other.
    let one_line_table = doc.blocks.iter().any(|b| match b {
        Block::Text(text) => holds_table_three(text),
        Block::Table(_) => false,
    });
    if glued_chunks < MIN_GLUED_ROWS && !one_line_table {
        return None;
    }
    // A glued row is a table-三 label and digits with a glued chunk; the
    // document is cut into pieces and walked only when there are enough.
    if !one_line_table && glued_pairs(doc) < MIN_GLUED_ROWS {
        return None;
    }
    let all = placed_pieces(doc);
    let mut reader = Reader::default();
    reader.walk(&all);
    let rows = &reader.dump.applications;
    let glued = rows.iter().filter(|r| r.glued).count();
    let enough = glued >= MIN_GLUED_ROWS || (one_line_table && rows.len() >= MIN_ONE_LINE_ROWS);
    enough.then_some(reader.dump)
}

/// A line that holds table 三's first and last rows and a result row
/// between them: its labels and digits are glued on one line.
fn holds_table_three(text: &str) -> bool {
    let Some(start) = text.find("本年新收") else {
        return false;
    };
    let rest = &text[start..];
    rest.contains("予以公开") && (rest.contains("结转下年") || rest.contains("总计"))
}

/// The pieces of every text block in reading order. Digits that begin a line
/// belong to the label that ended the line before, and digits on consecutive
/// lines to one run, the line break being a cut.
fn placed_pieces(doc: &Document) -> Vec<Placed> {
    let mut all: Vec<Placed> = Vec::new();
    each_piece(doc, |block, piece| match (all.last_mut(), piece) {
        (Some(last), Piece::Digits(more))
            if matches!(last.piece, Piece::Digits(_)) && last.blocks.end == block =>
        {
            if let Piece::Digits(before) = &mut last.piece {
                before.push(' ');
                before.push_str(&more);
            }
            last.blocks.end = block + 1;
        }
        (_, piece) => all.push(Placed {
            blocks: block..block + 1,
            piece,
        }),
    });
    all
}

/// Calls `f(block, piece)` for the pieces of every text block, in reading order.
fn each_piece(doc: &Document, mut f: impl FnMut(usize, Piece)) {
    for (block, b) in doc.blocks.iter().enumerate() {
        if let Block::Text(text) = b {
            for piece in pieces(text) {
                f(block, piece);
            }
        }
    }
}

/// How many runs of digits holding a glued chunk follow a label that may name
/// a table-三 row: the label and run pairs [`read`] would build (runs merged
/// over consecutive lines the same way), counted a block at a time so a dump
/// that is not glued is never held in pieces whole.
fn glued_pairs(doc: &Document) -> usize {
    /// The piece before the one being read.
    enum Last {
        Nothing,
        Label(String),
        Run {
            label: Option<String>,
            glued: bool,
            /// The block after the run's last one.
            end: usize,
        },
    }
    let names_glued_row = |last: Last| match last {
        Last::Run {
            label: Some(label),
            glued: true,
            ..
        } => usize::from(may_name_application_row(&label)),
        _ => 0,
    };
    let mut pairs = 0;
    let mut last = Last::Nothing;
    each_piece(doc, |block, piece| {
        last = match (std::mem::replace(&mut last, Last::Nothing), piece) {
            (Last::Run { label, glued, end }, Piece::Digits(digits)) if end == block => Last::Run {
                label,
                glued: glued || count_glued_chunks(&digits) > 0,
                end: block + 1,
            },
            (before, Piece::Digits(digits)) => {
                let label = match before {
                    Last::Label(label) => Some(label),
                    other => {
                        pairs += names_glued_row(other);
                        None
                    }
                };
                Last::Run {
                    label,
                    glued: count_glued_chunks(&digits) > 0,
                    end: block + 1,
                }
            }
            (before, Piece::Text(text)) => {
                pairs += names_glued_row(before);
                Last::Label(text)
            }
        };
    });
    pairs + names_glued_row(last)
}

/// True when a text piece, read as [`Reader::walk`] reads labels, could name
/// a table-三 row in some result group.
fn may_name_application_row(text: &str) -> bool {
    let label = key(text);
    matches!(
        application_label(label.trim_start_matches('、'), Some(Group::Other)),
        Some(ApplicationLabel::Row(_) | ApplicationLabel::Group(_))
    )
}

/// A piece and the text blocks it comes from.
struct Placed {
    blocks: std::ops::Range<usize>,
    piece: Piece,
}

/// A piece of a glued line: text, or a run of digits (with spaces, `.`, `-`).
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Digits(String),
}

/// Splits a line (full-width folded) into text and digit pieces.
fn pieces(line: &str) -> Vec<Piece> {
    // Most lines have nothing to fold; they are cut where they lie.
    let folded: std::borrow::Cow<str> = if line.chars().all(|c| fold_char(c) == c) {
        line.into()
    } else {
        line.chars().map(fold_char).collect::<String>().into()
    };
    let text = folded.as_ref();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(at, _)| at);
    // A digit, or a minus sign before one, begins a digit piece.
    let starts_digits = |i: usize| {
        let c = chars[i].1;
        c.is_ascii_digit()
            || (matches!(c, '-' | '−') && chars.get(i + 1).is_some_and(|(_, n)| n.is_ascii_digit()))
    };
    let mut out: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if starts_digits(i) {
            i += 1;
            while i < chars.len()
                && (chars[i].1.is_ascii_digit() || matches!(chars[i].1, ' ' | '.' | '-' | '−'))
            {
                i += 1;
            }
            out.push(Piece::Digits(
                text[offset(start)..offset(i)].trim().to_string(),
            ));
        } else {
            while i < chars.len() && !starts_digits(i) {
                i += 1;
            }
            out.push(Piece::Text(text[offset(start)..offset(i)].to_string()));
        }
    }
    out
}

/// How many chunks of the digit pieces of `line` could make a glued row: the
/// chunks [`pieces`] would give that are digits only (but for the `.` of an
/// item number at the end) and [`is_glued`], counted in one pass without
/// building any piece.
fn count_glued_chunks(line: &str) -> usize {
    #[derive(Default)]
    struct Chunk {
        digits: usize,
        leading_zero: bool,
        dot_last: bool,
        /// Anything else: `-`, or a `.` followed by more.
        other: bool,
    }
    impl Chunk {
        fn push(&mut self, c: char) {
            if c.is_ascii_digit() && !self.dot_last && !self.other {
                self.leading_zero |= self.digits == 0 && c == '0';
                self.digits += 1;
            } else if c == '.' && !self.dot_last && !self.other {
                self.dot_last = true;
            } else {
                self.other = true;
            }
        }
        /// Ends the chunk: 1 if it could be a glued row's.
        fn end(&mut self) -> usize {
            let glued = !self.other
                && ((self.digits > 1 && self.leading_zero) || self.digits > MAX_CELL_DIGITS + 1);
            *self = Chunk::default();
            usize::from(glued)
        }
    }
    let mut count = 0;
    let mut in_digits = false;
    let mut chunk = Chunk::default();
    let mut chars = line.chars().map(fold_char).peekable();
    while let Some(c) = chars.next() {
        if !in_digits {
            let starts_digits = c.is_ascii_digit()
                || (matches!(c, '-' | '−') && chars.peek().is_some_and(char::is_ascii_digit));
            if !starts_digits {
                continue;
            }
            in_digits = true;
        } else if !(c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '−')) {
            // A text character: it ends the piece and cannot begin one.
            count += chunk.end();
            in_digits = false;
            continue;
        }
        if c == ' ' {
            count += chunk.end();
        } else {
            chunk.push(c);
        }
    }
    count + chunk.end()
}

/// An item number (`2.` or `2、`) at the end of a digit piece that a text
/// piece follows: the piece without it, and the number.
fn split_item_number<'a>(digits: &'a str, next_text: Option<&str>) -> (&'a str, Option<u32>) {
    let next_is_text = next_text.is_some_and(|t| !t.trim().is_empty());
    if !next_is_text {
        return (digits, None);
    }
    let (body, marked) = match digits.strip_suffix('.') {
        Some(body) => (body, true),
        None => (
            digits,
            next_text.is_some_and(|t| t.trim_start().starts_with('、')),
        ),
    };
    if !marked {
        return (digits, None);
    }
    match body.chars().last().and_then(|c| c.to_digit(10)) {
        Some(n) => (body[..body.len() - 1].trim_end(), Some(n)),
        None => (digits, None),
    }
}

/// Where the reader is: runs mean something only inside a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Region {
    #[default]
    Before,
    Active,
    Applications,
    AfterApplications,
    Review,
    After,
}

/// Walks the pieces of a document, table by table.
#[derive(Default)]
struct Reader {
    dump: GluedDump,
    region: Region,
    group: Option<Group>,
    /// The text since table 三's heading: its column header.
    header: String,
}

impl Reader {
    fn walk(&mut self, pieces: &[Placed]) {
        let text_at = |i: usize| match pieces.get(i).map(|p| &p.piece) {
            Some(Piece::Text(t)) => Some(t.as_str()),
            _ => None,
        };
        for (i, placed) in pieces.iter().enumerate() {
            let Piece::Text(raw) = &placed.piece else {
                continue;
            };
            let block = placed.blocks.start;
            let label = key(raw);
            let mut label = label.trim_start_matches('、');
            if self.region == Region::Applications {
                // Labels glued to each other: the rows before the last have
                // no digits of their own.
                let segments = split_labels(label);
                if let Some((last, before)) = segments.split_last() {
                    for (k, segment) in before.iter().enumerate() {
                        let next = segments.get(k + 1).copied();
                        self.text(block, segment, None, None, next, true);
                    }
                    label = last;
                }
            }
            // The digits that follow this text, with the next label's item number split off.
            let (run, item_number_after, run_blocks) = match pieces.get(i + 1) {
                Some(Placed {
                    blocks,
                    piece: Piece::Digits(d),
                }) => {
                    let (run, n) = split_item_number(d, text_at(i + 2));
                    (Some(run.to_string()), n, blocks.clone())
                }
                _ => (None, None, 0..0),
            };
            let next_label = text_at(i + 2).map(key);
            let before = (
                self.dump.rows.len(),
                self.dump.applications.len(),
                self.dump.review.clone(),
            );
            let enclosed = placed.blocks.end == run_blocks.start + 1
                && run_blocks.len() == 1
                && raw.chars().next_back().is_some_and(|c| !c.is_whitespace())
                && next_is_glued(pieces, i);
            self.text(
                block,
                label,
                run,
                item_number_after,
                next_label.as_deref(),
                enclosed,
            );
            let touched = self.dump.rows.len() > before.0
                || self.dump.applications.len() > before.1
                || self.dump.review != before.2;
            if touched {
                self.dump.blocks.insert(block);
                self.dump.blocks.extend(run_blocks);
            }
        }
    }

    /// One label and the run after it (`None`: no digits follow; `Some("")`:
    /// only the next label's item number).
    fn text(
        &mut self,
        block: usize,
        label: &str,
        run: Option<String>,
        item_number_after: Option<u32>,
        next_label: Option<&str>,
        enclosed: bool,
    ) {
        // The table's first row label, not prose that mentions new applications.
        let is_new_received = label.ends_with("申请数量")
            && matches!(
                application_label(label, None),
                Some(ApplicationLabel::Row("new_received"))
            );
        if matches!(self.region, Region::Before | Region::Active) {
            // Table 三's column header, which may come on lines of its own.
            if label.contains("收到和处理") || label.contains("申请人情况") {
                self.header.clear();
            }
            self.header.push_str(label);
        }
        if is_new_received && matches!(self.region, Region::Before | Region::Active) {
            self.region = Region::Applications;
            let header = &self.header;
            self.dump.subtotal_at = header.contains("小计").then(|| {
                match (header.rfind("小计"), header.rfind("其他")) {
                    (Some(s), Some(o)) if s > o => 6,
                    _ => 1,
                }
            });
        }
        match self.region {
            Region::Before | Region::Active => {
                if is_active_header(label) {
                    self.region = Region::Active;
                }
                if self.region == Region::Active {
                    self.active(block, label, run, next_label);
                }
            }
            Region::Applications => {
                self.label_row(block, label);
                self.application(label, run, item_number_after, next_label, enclosed);
            }
            Region::AfterApplications => {
                // The column header, which prose does not use.
                if label.contains("结果维持") {
                    self.region = Region::Review;
                    self.label_row(block, label);
                    self.review(run);
                }
            }
            Region::Review => {
                if ends_review(label) || label.contains('。') {
                    self.region = Region::After;
                } else {
                    self.review(run);
                }
            }
            Region::After => {}
        }
    }

    fn label_row(&mut self, block: usize, label: &str) {
        self.dump.rows.push(Row {
            block,
            labels: vec![label.to_string()],
            values: Vec::new(),
            grid_row: None,
        });
    }

    /// Table 二: a text piece ending in a row label, then its run.
    fn active(&mut self, block: usize, label: &str, run: Option<String>, next: Option<&str>) {
        let Some(run) = run.filter(|r| !r.is_empty()) else {
            self.label_row(block, label);
            return;
        };
        let names = [Template::T2021, Template::T2019]
            .into_iter()
            .flat_map(|t| active_rows(t).iter())
            .flat_map(|r| r.labels.iter().copied());
        let Some(name) = names
            .filter(|n| label.ends_with(n))
            .max_by_key(|n| n.chars().count())
        else {
            self.label_row(block, label);
            return;
        };
        let head = &label[..label.len() - name.len()];
        let mut labels = Vec::new();
        if !head.is_empty() {
            labels.push(head.to_string());
        }
        labels.push(name.to_string());
        // The unit of an amount is the next piece's start: `251000` + `元三、…`.
        let unit = ["万元", "元"]
            .into_iter()
            .find(|u| next.is_some_and(|n| n.starts_with(u)));
        self.dump.active.push((name, run.clone(), unit));
        let unit = unit.unwrap_or("");
        let chunks: Vec<&str> = run.split_whitespace().collect();
        let last = chunks.len().saturating_sub(1);
        let values = chunks
            .iter()
            .enumerate()
            .map(|(i, chunk)| {
                let text = if i == last {
                    format!("{chunk}{unit}")
                } else {
                    chunk.to_string()
                };
                Cell {
                    value: if is_glued(chunk) {
                        CellValue::Text
                    } else {
                        parse_cell(&text)
                    },
                    text,
                    column: None,
                    is_copy: false,
                    from_spacing: false,
                }
            })
            .collect();
        self.dump.rows.push(Row {
            block,
            labels,
            values,
            grid_row: None,
        });
    }

    /// Table 三: a row label, maybe a group heading, and its run.
    fn application(
        &mut self,
        label: &str,
        run: Option<String>,
        item_number_after: Option<u32>,
        next_label: Option<&str>,
        enclosed: bool,
    ) {
        let class = application_label(label, self.group);
        let heading = group_of(label);
        let own = match class {
            Some(ApplicationLabel::Row(key)) => {
                self.group = Group::ALL
                    .into_iter()
                    .find(|g| key.starts_with(g.prefix()) && key != "other_processing");
                Some(key)
            }
            Some(ApplicationLabel::Group(g)) => {
                self.group = Some(g);
                Some(if g == Group::Other {
                    // Template 2019 has one 其他处理 row; 2021 a subtotal. Decided when solving.
                    "other_processing"
                } else {
                    g.subtotal_key()
                })
            }
            _ => {
                if heading.is_some() {
                    self.group = heading;
                }
                None
            }
        };
        let Some(key) = own else { return };
        let Some(run) = run.filter(|r| !r.is_empty()) else {
            // A row label followed directly by the next label: a row whose
            // cells left no trace (a group heading alone is no row).
            let is_row =
                matches!(class, Some(ApplicationLabel::Row(_))) || key == "other_processing";
            if enclosed && is_row && !self.dump.applications.iter().any(|r| r.key == key) {
                self.push_row(key, Ok(Run::default()), None, true);
            }
            return;
        };
        let expected = next_label.and_then(|l| self.item_number_of(l));
        let unmarked = item_number_after.is_none()
            && expected
                .and_then(|n| char::from_digit(n, 10))
                .is_some_and(|n| run.ends_with(n));
        if unmarked && run.len() == 1 {
            // Only the next label's item number: this label has no run.
            return;
        }
        let shorter = unmarked.then(|| Run::glued(&run[..run.len() - 1]));
        let glued = enclosed || run.split_whitespace().any(is_glued);
        let run = if item_number_after.is_some() && item_number_after != expected {
            Err(format!(
                "the digits {} end in an item number that does not match the label after them",
                quoted(&run)
            ))
        } else if run.bytes().all(|b| b.is_ascii_digit() || b == b' ') {
            Ok(Run::glued(&run))
        } else {
            Err(format!("the digits {} are not counts", quoted(&run)))
        };
        self.push_row(key, run, shorter, glued);
    }

    /// Adds a table-三 row; a row already read keeps its first run, unless
    /// that one was empty.
    fn push_row(
        &mut self,
        key: &'static str,
        run: Result<Run, String>,
        shorter: Option<Run>,
        glued: bool,
    ) {
        let rows = &mut self.dump.applications;
        match rows.iter().position(|r| r.key == key) {
            Some(at) if rows[at].run.as_ref().is_ok_and(|r| r.tokens.is_empty()) => {
                rows[at] = GluedRow {
                    key,
                    run,
                    shorter,
                    glued,
                }
            }
            Some(_) => return,
            None => rows.push(GluedRow {
                key,
                run,
                shorter,
                glued,
            }),
        }
        if key == "carried_forward" {
            self.region = Region::AfterApplications;
        }
    }

    /// The item number a numbered label carries in its group (`2.重复申请` → 2).
    fn item_number_of(&self, label: &str) -> Option<u32> {
        let Some(ApplicationLabel::Row(key)) =
            application_label(label, self.group.or(Some(Group::Other)))
        else {
            return None;
        };
        Group::ALL.into_iter().find_map(|g| {
            let items = g.items(Template::T2021);
            items.iter().position(|k| *k == key).map(|p| p as u32 + 1)
        })
    }

    fn review(&mut self, run: Option<String>) {
        let Some(run) = run.filter(|r| !r.is_empty()) else {
            return;
        };
        let more = Run::glued(&run);
        match &mut self.dump.review {
            Some(before) => before.tokens.extend(more.tokens),
            None => self.dump.review = Some(more),
        }
    }
}

/// True when the digits after text piece `i` run straight into more text:
/// `数量22二、`, not `数量 22` at the end of a line.
fn next_is_glued(pieces: &[Placed], i: usize) -> bool {
    match (pieces.get(i + 1), pieces.get(i + 2)) {
        (
            Some(Placed {
                blocks: digits,
                piece: Piece::Digits(_),
            }),
            Some(Placed {
                blocks: text,
                piece: Piece::Text(t),
            }),
        ) => digits.end == text.start + 1 && !t.starts_with(char::is_whitespace),
        (
            Some(Placed {
                piece: Piece::Text(_),
                ..
            }),
            _,
        ) => true,
        _ => false,
    }
}

/// Splits labels glued to each other at their numbered headings:
/// `二、上年结转…数量三、本年度办理结果(一)予以公开` → three labels.
fn split_labels(label: &str) -> Vec<&str> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let chars: Vec<(usize, char)> = label.char_indices().collect();
    let mut starts = vec![0];
    for (k, &(at, c)) in chars.iter().enumerate().skip(1) {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let after = chars.get(k + 2).map(|&(_, n)| n);
        let heading = (NUMERALS.contains(c) && next == Some('、'))
            || (c == '(' && next.is_some_and(|n| NUMERALS.contains(n)) && after == Some(')'));
        // `三安全一稳定` holds numerals too, but never before `、` or inside `()`.
        if heading && !NUMERALS.contains(chars[k - 1].1) {
            starts.push(at);
        }
    }
    starts
        .iter()
        .zip(starts.iter().skip(1).chain([&label.len()]))
        .map(|(&a, &b)| &label[a..b])
        .filter(|s| !s.is_empty())
        .collect()
}

/// A piece of digits that cannot be one cell: a leading zero (`000`, `023`)
/// or more digits than any count has.
pub(super) fn is_glued(chunk: &str) -> bool {
    let integer = chunk.split('.').next().unwrap_or(chunk);
    (integer.len() > 1 && integer.starts_with('0')) || integer.len() > MAX_CELL_DIGITS + 1
}

/// Column-header words that only table 二 uses.
fn is_active_header(label: &str) -> bool {
    [
        "本年制发件数",
        "本年新制作数量",
        "本年处理决定数量",
        "上一年项目数量",
        "信息内容",
    ]
    .iter()
    .any(|w| label.contains(w))
}

/// Headings that end table 四: the next sections.
fn ends_review(label: &str) -> bool {
    label.contains("存在的主要问题") || label.contains("其他需要报告") || label.contains("改进情况")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_glued_to_each_other_are_split_at_their_headings() {
        assert_eq!(
            split_labels("二、上年结转政府信息公开申请数量三、本年度办理结果(一)予以公开"),
            [
                "二、上年结转政府信息公开申请数量",
                "三、本年度办理结果",
                "(一)予以公开"
            ]
        );
        assert_eq!(
            split_labels("(六)其他处理(七)总计"),
            ["(六)其他处理", "(七)总计"]
        );
        assert_eq!(
            split_labels("3.危及“三安全一稳定”"),
            ["3.危及“三安全一稳定”"]
        );
    }

    #[test]
    fn item_numbers_go_back_to_their_label() {
        assert_eq!(
            split_item_number("00000002.", Some("其他法律行政法规禁止公开")),
            ("0000000", Some(2))
        );
        assert_eq!(
            split_item_number("2000002", Some("、重复申请")),
            ("200000", Some(2))
        );
        assert_eq!(
            split_item_number("24252.311082", Some("三、")),
            ("24252.311082", None)
        );
        assert_eq!(split_item_number("1.", Some("属于国家秘密")), ("", Some(1)));
    }

    #[test]
    fn pieces_split_text_from_digits() {
        assert_eq!(
            pieces("（七）总计 723000075四、结转"),
            [
                Piece::Text("(七)总计 ".into()),
                Piece::Digits("723000075".into()),
                Piece::Text("四、结转".into()),
            ]
        );
        assert_eq!(
            pieces("行政处罚2648-18538行政强制"),
            [
                Piece::Text("行政处罚".into()),
                Piece::Digits("2648-18538".into()),
                Piece::Text("行政强制".into()),
            ]
        );
    }

    /// The chunks of a line that could make a glued row, counted the slow
    /// way: pieces, then chunks.
    fn glued_chunks_of_pieces(line: &str) -> usize {
        let digits_only = |c: &str| {
            let digits = c.strip_suffix('.').unwrap_or(c);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        };
        pieces(line)
            .iter()
            .filter_map(|p| match p {
                Piece::Digits(d) => Some(
                    d.split(' ')
                        .filter(|c| digits_only(c) && is_glued(c))
                        .count(),
                ),
                Piece::Text(_) => None,
            })
            .sum()
    }

    #[test]
    fn the_prefilter_counts_glued_chunks() {
        assert_eq!(
            count_glued_chunks("一、本年新收713000074二、上年结转0 0"),
            1
        );
        assert_eq!(
            count_glued_chunks("总计 00 123456789 1.5 -05 ０１ 0739-2626996 2024-01-30"),
            3
        );
        assert_eq!(count_glued_chunks("3.其他 0000002.属于"), 1);
        assert_eq!(count_glued_chunks("本年新收 12 0 3"), 0);
    }

    proptest::proptest! {
        #[test]
        fn the_prefilter_counts_what_pieces_give(
            line in r"[0-9０１．.\-−－ 　a总计、]{0,40}"
        ) {
            proptest::prop_assert_eq!(count_glued_chunks(&line), glued_chunks_of_pieces(&line));
        }
    }

    proptest::proptest! {
        #[test]
        fn glued_pairs_counts_the_pairs_read_builds(
            lines in proptest::collection::vec(
                r"(一、本年新收|(二)部分公开|3.其他|网站标识码:|\n)?[0-9 ]{0,12}(信访|结转下年度)?[0-9]{0,10}",
                0..12,
            )
        ) {
            let doc = crate::flatten::flatten(&lines.join("\n"));
            let all = placed_pieces(&doc);
            let from_all = all
                .windows(2)
                .filter(|pair| match (&pair[0].piece, &pair[1].piece) {
                    (Piece::Text(text), Piece::Digits(digits)) => {
                        count_glued_chunks(digits) > 0 && may_name_application_row(text)
                    }
                    _ => false,
                })
                .count();
            proptest::prop_assert_eq!(glued_pairs(&doc), from_all);
        }
    }
}

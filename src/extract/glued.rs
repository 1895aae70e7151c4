//! Text dumps whose table cells lost their separators: archives, caches and
//! PDF copy-paste give `一、本年新收政府信息公开申请数量713000074二、上年结转…`.
//!
//! The reader finds the template's row labels in such text and takes the
//! digits between a label and the next one as the row's *run* (spaces and
//! line breaks in a run are cuts the page does show). The solver then cuts each run into the
//! row's cells, keeping only the cuts that satisfy the template's own sums:
//! per row (table 三: six applicant columns add up to 总计; table 四: each
//! group's four results add up to its 总计), then across rows (balance,
//! results sum, subtotals). A cell is written only when every surviving cut
//! agrees on it, and is listed in `Report.recovered`; anything else is null
//! with a warning. Table 二 has no such sums: a glued row is read only when
//! its separators show every cut.

use std::collections::HashSet;

use super::Extraction;
use super::rows::{Cell, Row};
use super::value::{CellValue, parse_cell};
use crate::flatten::normalize::{fold_char, key};
use crate::flatten::{Block, Document};
use crate::model::{Number, Template};
use crate::template::{
    APPLICANT_COLUMNS, ApplicationLabel, Group, LEGAL_PERSON_SUBTOTAL, REVIEW_COLUMNS, REVIEW_ROWS,
    active_rows, application_label, group_of, result_rows,
};

const ACTIVE: &str = "active_disclosure";
const APPLICATIONS: &str = "applications";
const REVIEW: &str = "review_litigation";

/// The widest cell a cut may make. Counts of a year's applications stay far
/// below ten million; the bound is what keeps a long run's search small.
const MAX_CELL_DIGITS: usize = 7;
/// Search nodes allowed for cutting one run.
const ROW_STEPS: usize = 500_000;
/// Search nodes allowed for combining the rows of table 三.
const TABLE_STEPS: usize = 1_000_000;
/// More cuts than this for one row and the row is not worth combining.
const MAX_CANDIDATES: usize = 1_000;
/// Glued table-三 rows a document must show before it is read as a glued dump.
const MIN_GLUED_ROWS: usize = 3;

/// A row's digits as the dump gives them; spaces are cuts the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run(String);

impl Run {
    pub fn new(text: &str) -> Self {
        Run(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn chunks(&self) -> impl Iterator<Item = &str> {
        self.0.split(' ').filter(|c| !c.is_empty())
    }

    fn is_digits(&self) -> bool {
        self.0.bytes().all(|b| b.is_ascii_digit() || b == b' ') && !self.0.trim().is_empty()
    }

    /// The cells, when the separators already show every cut and each piece
    /// is a well-formed count: the run is read, not solved.
    fn read(&self, cells: usize) -> Option<Vec<u64>> {
        let chunks: Vec<&str> = self.chunks().collect();
        if chunks.len() != cells {
            return None;
        }
        chunks.iter().map(|c| canonical_count(c)).collect()
    }
}

fn canonical_count(text: &str) -> Option<u64> {
    let ok = !text.is_empty()
        && text.len() <= MAX_CELL_DIGITS + 1
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    ok.then(|| text.parse().ok()).flatten()
}

/// The cells of a row and the sums that bind them: `(target, sources)` means
/// cell `target` equals the sum of cells `sources`.
#[derive(Debug, Clone)]
pub struct Shape {
    cells: usize,
    sums: Vec<(usize, Vec<usize>)>,
}

impl Shape {
    /// Table 三: seven cells, or eight with the 法人或其他组织 小计 column at
    /// `subtotal_at` (1: before the five organisations, 6: after them).
    pub fn applications(subtotal_at: Option<usize>) -> Self {
        match subtotal_at {
            None => Shape {
                cells: 7,
                sums: vec![(6, (0..6).collect())],
            },
            Some(1) => Shape {
                cells: 8,
                sums: vec![(7, vec![0, 2, 3, 4, 5, 6]), (1, (2..7).collect())],
            },
            Some(_) => Shape {
                cells: 8,
                sums: vec![(6, (1..6).collect()), (7, vec![0, 6])],
            },
        }
    }

    /// Table 四: three groups of four results and their 总计.
    pub fn review() -> Self {
        Shape {
            cells: 15,
            sums: (0..3)
                .map(|g| (g * 5 + 4, (g * 5..g * 5 + 4).collect()))
                .collect(),
        }
    }

    /// The sum a cell is derived from, when all its sources come before it.
    fn derived(&self, cell: usize) -> Option<&[usize]> {
        self.sums
            .iter()
            .find(|(t, s)| *t == cell && s.iter().all(|&i| i < cell))
            .map(|(_, s)| s.as_slice())
    }

    fn holds(&self, values: &[u64]) -> bool {
        self.sums
            .iter()
            .all(|(t, s)| values[*t] == s.iter().map(|&i| values[i]).sum::<u64>())
    }
}

/// What cutting one run gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cuts {
    /// The separators show every cut: the values as written.
    Read(Vec<u64>),
    /// Every cut that satisfies the row's sums (maybe none, maybe several).
    Solved(Vec<Vec<u64>>),
    /// The search went over its bound; nothing is known.
    TooMany,
}

/// Cuts `run` into `shape.cells` counts: no leading zeros except a lone `0`,
/// no cell across a separator, every sum of the shape satisfied.
pub fn cut(run: &Run, shape: &Shape) -> Cuts {
    if let Some(values) = run.read(shape.cells) {
        return Cuts::Read(values);
    }
    let mut digits = Vec::new();
    let mut shown = Vec::new();
    for chunk in run.chunks() {
        for (i, b) in chunk.bytes().enumerate() {
            if !b.is_ascii_digit() {
                return Cuts::Solved(Vec::new());
            }
            digits.push(b - b'0');
            shown.push(i == 0);
        }
    }
    let mut search = CutSearch {
        digits: &digits,
        shown: &shown,
        shape,
        values: Vec::with_capacity(shape.cells),
        found: Vec::new(),
        steps: ROW_STEPS,
    };
    if search.walk(0) {
        Cuts::Solved(search.found)
    } else {
        Cuts::TooMany
    }
}

/// The cuts of either of two readings of a run: every candidate of both.
fn either(a: Cuts, b: Cuts) -> Cuts {
    let mut all = Vec::new();
    for cuts in [a, b] {
        match cuts {
            Cuts::Read(values) => all.push(values),
            Cuts::Solved(found) => all.extend(found),
            Cuts::TooMany => return Cuts::TooMany,
        }
    }
    all.sort();
    all.dedup();
    Cuts::Solved(all)
}

struct CutSearch<'a> {
    digits: &'a [u8],
    /// `shown[i]`: the page shows a cut before digit `i`.
    shown: &'a [bool],
    shape: &'a Shape,
    values: Vec<u64>,
    found: Vec<Vec<u64>>,
    steps: usize,
}

impl CutSearch<'_> {
    /// Depth-first over the cells; false when the step budget ran out.
    fn walk(&mut self, pos: usize) -> bool {
        if self.steps == 0 || self.found.len() > MAX_CANDIDATES {
            return false;
        }
        self.steps -= 1;
        let cell = self.values.len();
        let left = self.digits.len() - pos;
        if cell == self.shape.cells {
            if left == 0 && self.shape.holds(&self.values) {
                self.found.push(self.values.clone());
            }
            return true;
        }
        let cells_left = self.shape.cells - cell;
        if left < cells_left || left > cells_left * (MAX_CELL_DIGITS + 1) {
            return true;
        }
        if let Some(sources) = self.shape.derived(cell) {
            let value: u64 = sources.iter().map(|&i| self.values[i]).sum();
            let text = value.to_string();
            let end = pos + text.len();
            let matches = end <= self.digits.len()
                && text
                    .bytes()
                    .zip(&self.digits[pos..end])
                    .all(|(t, &d)| t - b'0' == d)
                && self.fits(pos, end);
            return !matches || self.descend(value, end);
        }
        let mut value = 0u64;
        for end in pos + 1..=(pos + MAX_CELL_DIGITS).min(self.digits.len()) {
            // No leading zero, and no cell across a cut the page shows.
            if end > pos + 1 && (self.digits[pos] == 0 || self.shown[end - 1]) {
                break;
            }
            value = value * 10 + u64::from(self.digits[end - 1]);
            if !self.descend(value, end) {
                return false;
            }
        }
        true
    }

    fn descend(&mut self, value: u64, end: usize) -> bool {
        self.values.push(value);
        let ok = self.walk(end);
        self.values.pop();
        ok
    }

    /// A cell `pos..end` crosses no cut the page shows.
    fn fits(&self, pos: usize, end: usize) -> bool {
        !self.shown[pos + 1..end].iter().any(|&s| s)
    }
}

/// One glued row of table 三 as the dump gives it.
#[derive(Debug, Clone)]
struct GluedRow {
    key: &'static str,
    run: Result<Run, String>,
    /// The run without its last digit, when that digit may be the next
    /// label's item number written without its mark (`…00000002其他法律…`).
    shorter: Option<Run>,
}

/// What the glued reader found in a document.
#[derive(Debug, Default)]
pub(crate) struct GluedDump {
    /// Blocks read here: their rows replace the ones the line reader made.
    blocks: HashSet<usize>,
    /// Label rows (for template detection) and table-二 rows.
    rows: Vec<Row>,
    applications: Vec<GluedRow>,
    /// Where the header puts a 法人或其他组织 小计 column, if it has one.
    subtotal_at: Option<usize>,
    review: Option<Run>,
    /// Table-二 rows as (label, run), for the rows no separator cuts.
    active: Vec<(&'static str, String)>,
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
    if glued_chunks < MIN_GLUED_ROWS {
        return None;
    }
    // A glued row is a table-三 label and digits with a glued chunk; the
    // document is cut into pieces and walked only when there are enough.
    if glued_pairs(doc) < MIN_GLUED_ROWS {
        return None;
    }
    let all = placed_pieces(doc);
    let mut reader = Reader::default();
    reader.walk(&all);
    let glued = reader
        .dump
        .applications
        .iter()
        .filter(|r| r.run.as_ref().is_ok_and(|run| run.chunks().any(is_glued)))
        .count();
    (glued >= MIN_GLUED_ROWS).then_some(reader.dump)
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
            let label = label.trim_start_matches('、');
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
            self.text(block, label, run, item_number_after, next_label.as_deref());
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
                self.application(label, run, item_number_after, next_label);
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
        self.dump.active.push((name, run.clone()));
        // The unit of an amount is the next piece's start: `251000` + `元三、…`.
        let unit = ["万元", "元"]
            .into_iter()
            .find(|u| next.is_some_and(|n| n.starts_with(u)))
            .unwrap_or("");
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
        let shorter = unmarked.then(|| Run::new(&run[..run.len() - 1]));
        let run = if item_number_after.is_some() && item_number_after != expected {
            Err(format!(
                "the digits {} end in an item number that does not match the label after them",
                quoted(&run)
            ))
        } else {
            let run = Run::new(&run);
            if run.is_digits() {
                Ok(run)
            } else {
                Err(format!(
                    "the digits {} are not counts",
                    quoted(run.as_str())
                ))
            }
        };
        if self.dump.applications.iter().any(|r| r.key == key) {
            return;
        }
        self.dump.applications.push(GluedRow { key, run, shorter });
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
        let joined = match self.dump.review.take() {
            Some(before) => format!("{} {run}", before.as_str()),
            None => run,
        };
        self.dump.review = Some(Run::new(&joined));
    }
}

/// A piece of digits that cannot be one cell: a leading zero (`000`, `023`)
/// or more digits than any count has.
fn is_glued(chunk: &str) -> bool {
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

impl GluedDump {
    /// The line reader's rows, with those of the glued blocks replaced by
    /// this reader's, in reading order.
    pub fn merge_rows(&self, rows: Vec<Row>) -> Vec<Row> {
        let mut merged: Vec<Row> = rows
            .into_iter()
            .filter(|r| !self.blocks.contains(&r.block))
            .collect();
        merged.extend(self.rows.iter().cloned());
        merged.sort_by_key(|r| r.block);
        merged
    }

    /// Writes the table-三 and table-四 cells the glued runs determine. Rows
    /// written here are located; the other extractors leave them alone.
    pub fn solve(&self, template: Template, out: &mut Extraction) {
        self.solve_active(template, out);
        self.solve_applications(template, out);
        self.solve_review(out);
    }

    /// Table 二 has no sums to cut by: a row whose run does not show every
    /// cut is null here. The rows that do are left to the table-二 reader.
    fn solve_active(&self, template: Template, out: &mut Extraction) {
        for (name, run) in &self.active {
            let Some(spec) = active_rows(template)
                .iter()
                .find(|s| s.labels.contains(name))
            else {
                continue;
            };
            let chunks = run.split_whitespace().count();
            if chunks != spec.columns.len() && !out.is_located(ACTIVE, spec.key) {
                unresolved_row(
                    out,
                    ACTIVE,
                    spec.key,
                    spec.columns,
                    "glued_no_sums",
                    &format!(
                        "table 二 has no sums to cut the glued digits {} into {} cells by",
                        quoted(run),
                        spec.columns.len()
                    ),
                );
            }
        }
    }

    fn solve_applications(&self, template: Template, out: &mut Extraction) {
        let shape = Shape::applications(self.subtotal_at);
        let mut columns: Vec<&str> = APPLICANT_COLUMNS.to_vec();
        if let Some(at) = self.subtotal_at {
            columns.insert(at, LEGAL_PERSON_SUBTOTAL);
        }
        let mut solving: Vec<Solving> = Vec::new();
        for row in &self.applications {
            let key = match row.key {
                "other_processing" if template != Template::T2019 => "other_subtotal",
                k => k,
            };
            let run = match &row.run {
                Ok(run) => run,
                Err(why) => {
                    unresolved_row(out, APPLICATIONS, key, &columns, "glued_unreadable", why);
                    continue;
                }
            };
            let cuts = match &row.shorter {
                Some(shorter) => either(cut(run, &shape), cut(shorter, &shape)),
                None => cut(run, &shape),
            };
            match cuts {
                Cuts::Read(values) => solving.push(Solving::new(key, run, true, vec![values])),
                Cuts::Solved(found) if found.is_empty() => unresolved_row(
                    out,
                    APPLICATIONS,
                    key,
                    &columns,
                    "glued_no_cut",
                    &format!(
                        "no cut of the glued digits {} into {} cells satisfies the row's sum",
                        quoted(run.as_str()),
                        shape.cells
                    ),
                ),
                Cuts::Solved(found) => solving.push(Solving::new(key, run, false, found)),
                Cuts::TooMany => unresolved_row(
                    out,
                    APPLICATIONS,
                    key,
                    &columns,
                    "glued_too_long",
                    &format!(
                        "the glued digits {} allow too many cuts to search",
                        quoted(run.as_str())
                    ),
                ),
            }
        }
        let rules = column_rules(template, &solving);
        let per_row: Vec<Vec<Vec<u64>>> = solving.iter().map(|s| s.candidates.clone()).collect();
        let kept = match combine(&per_row, &rules, columns.len()) {
            Combined::Supported(kept) => kept,
            Combined::NoSolution => {
                out.warn(
                    "glued_inconsistent",
                    Some(APPLICATIONS.to_string()),
                    "no reading of the glued rows satisfies the template's column sums \
                     (the page's own numbers disagree); each row was solved on its own sum",
                );
                per_row
            }
            Combined::TooLarge => {
                out.warn(
                    "glued_too_long",
                    Some(APPLICATIONS.to_string()),
                    "too many readings of the glued rows to combine; each row was solved on its own sum",
                );
                per_row
            }
        };
        for (row, candidates) in solving.iter().zip(&kept) {
            write_agreed(
                out,
                APPLICATIONS,
                &[(row.key, &columns[..])],
                row,
                candidates,
            );
        }
    }

    fn solve_review(&self, out: &mut Extraction) {
        let Some(run) = &self.review else { return };
        let shape = Shape::review();
        let layout: Vec<(&str, &[&str])> = REVIEW_ROWS
            .iter()
            .map(|r| (*r, &REVIEW_COLUMNS[..]))
            .collect();
        let all_null = |out: &mut Extraction, code: &str, why: &str| {
            out.warn_unresolved(
                code,
                Some(REVIEW.to_string()),
                format!("{REVIEW}: {why}; its cells are left null"),
            );
            for row in REVIEW_ROWS {
                for col in REVIEW_COLUMNS {
                    out.set(REVIEW, row, col, None);
                }
            }
        };
        match cut(run, &shape) {
            Cuts::Read(values) => {
                let row = Solving::new(REVIEW, run, true, vec![values]);
                write_agreed(out, REVIEW, &layout, &row, &row.candidates);
            }
            Cuts::Solved(found) if found.is_empty() => all_null(
                out,
                "glued_no_cut",
                &format!(
                    "no cut of the glued digits {} into 15 cells satisfies the groups' totals",
                    quoted(run.as_str())
                ),
            ),
            Cuts::Solved(found) => {
                let row = Solving::new(REVIEW, run, false, found);
                write_agreed(out, REVIEW, &layout, &row, &row.candidates);
            }
            Cuts::TooMany => all_null(
                out,
                "glued_too_long",
                &format!(
                    "the glued digits {} allow too many cuts to search",
                    quoted(run.as_str())
                ),
            ),
        }
    }
}

/// A glued run on its way to cells.
struct Solving {
    key: &'static str,
    run: String,
    /// The separators showed every cut: the cells are read, not recovered.
    read: bool,
    candidates: Vec<Vec<u64>>,
}

impl Solving {
    fn new(key: &'static str, run: &Run, read: bool, candidates: Vec<Vec<u64>>) -> Self {
        Solving {
            key,
            run: run.as_str().to_string(),
            read,
            candidates,
        }
    }
}

fn unresolved_row(
    out: &mut Extraction,
    table: &'static str,
    row: &'static str,
    columns: &[&'static str],
    code: &str,
    why: &str,
) {
    out.warn_unresolved(
        code,
        Some(format!("{table}.{row}")),
        format!("row {row} of {table}: {why}; its cells are left null"),
    );
    for col in columns {
        out.set(table, row, col, None);
    }
}

/// Writes the cells every candidate agrees on; the others are null with a
/// warning that says how many readings remained. `layout` names the cells of
/// a candidate in order, as (row, its columns).
fn write_agreed(
    out: &mut Extraction,
    table: &'static str,
    layout: &[(&'static str, &[&'static str])],
    row: &Solving,
    candidates: &[Vec<u64>],
) {
    let mut index = 0;
    let mut disagree = 0;
    for (row_key, columns) in layout {
        for col in *columns {
            let first = candidates.first().map(|c| c[index]);
            let agreed = first.filter(|v| candidates.iter().all(|c| c[index] == *v));
            match agreed {
                Some(v) if row.read => out.set(
                    table,
                    row_key,
                    col,
                    Some(crate::model::Value::Number(number(v))),
                ),
                Some(v) => out.recover(table, row_key, col, number(v)),
                None => {
                    disagree += 1;
                    out.set(table, row_key, col, None);
                }
            }
            index += 1;
        }
    }
    if disagree > 0 {
        // One row of table 三, or the whole of table 四.
        let (at, what) = match layout {
            [(key, _)] => (format!("{table}.{key}"), format!("row {key} of {table}")),
            _ => (table.to_string(), table.to_string()),
        };
        out.warn_unresolved(
            "glued_ambiguous",
            Some(at),
            format!(
                "{what}: {} readings of the glued digits {} satisfy the template's sums; \
                 the {disagree} cell(s) they disagree on are left null",
                candidates.len(),
                quoted(&row.run)
            ),
        );
    }
}

/// A run as warnings quote it: whole when short, else its start and length.
fn quoted(run: &str) -> String {
    const SHOWN: usize = 40;
    let length = run.chars().count();
    if length <= SHOWN {
        format!("{run:?}")
    } else {
        let start: String = run.chars().take(SHOWN).collect();
        format!("\"{start}…\" ({length} characters)")
    }
}

fn number(v: u64) -> Number {
    Number::from_i64(i64::try_from(v).unwrap_or(i64::MAX))
}

/// A column rule over rows of `solving`: per column, Σ lhs = Σ rhs.
type Rule = (Vec<usize>, Vec<usize>);

/// The template's column sums among the rows present: balance, results sum,
/// and a subtotal row's items.
fn column_rules(template: Template, solving: &[Solving]) -> Vec<Rule> {
    let find = |keys: &[&str]| -> Option<Vec<usize>> {
        keys.iter()
            .map(|k| solving.iter().position(|s| s.key == *k))
            .collect()
    };
    let mut wanted: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["new_received", "carried_over"],
            vec!["total_processed", "carried_forward"],
        ),
        (vec!["total_processed"], result_rows(template).to_vec()),
    ];
    for g in Group::ALL {
        let items = g.items(template);
        if !items.is_empty() {
            wanted.push((vec![g.subtotal_key()], items));
        }
    }
    wanted
        .into_iter()
        .filter_map(|(lhs, rhs)| Some((find(&lhs)?, find(&rhs)?)))
        .collect()
}

enum Combined {
    /// Per row, the candidates that take part in at least one full solution.
    Supported(Vec<Vec<Vec<u64>>>),
    NoSolution,
    TooLarge,
}

/// Keeps, per row, the candidates that some combination satisfying every
/// rule uses.
fn combine(rows: &[Vec<Vec<u64>>], rules: &[Rule], columns: usize) -> Combined {
    let mut rules_at: Vec<Vec<usize>> = vec![Vec::new(); rows.len()];
    for (k, (lhs, rhs)) in rules.iter().enumerate() {
        if let Some(&last) = lhs.iter().chain(rhs).max() {
            rules_at[last].push(k);
        }
    }
    let mut joint = Joint {
        rows,
        rules,
        rules_at,
        columns,
        choice: Vec::with_capacity(rows.len()),
        supported: rows.iter().map(|r| vec![false; r.len()]).collect(),
        solutions: 0,
        steps: TABLE_STEPS,
    };
    if !joint.walk() {
        return Combined::TooLarge;
    }
    if joint.solutions == 0 {
        return Combined::NoSolution;
    }
    Combined::Supported(
        rows.iter()
            .zip(&joint.supported)
            .map(|(cands, keep)| {
                cands
                    .iter()
                    .zip(keep)
                    .filter(|(_, k)| **k)
                    .map(|(c, _)| c.clone())
                    .collect()
            })
            .collect(),
    )
}

struct Joint<'a> {
    rows: &'a [Vec<Vec<u64>>],
    rules: &'a [Rule],
    /// Rules to test once row `i` has its candidate (its last row).
    rules_at: Vec<Vec<usize>>,
    columns: usize,
    choice: Vec<usize>,
    supported: Vec<Vec<bool>>,
    solutions: usize,
    steps: usize,
}

impl Joint<'_> {
    /// Depth-first over the rows' candidates; false when out of steps.
    fn walk(&mut self) -> bool {
        if self.steps == 0 {
            return false;
        }
        self.steps -= 1;
        let depth = self.choice.len();
        if depth == self.rows.len() {
            self.solutions += 1;
            for (r, &c) in self.choice.iter().enumerate() {
                self.supported[r][c] = true;
            }
            return true;
        }
        for c in 0..self.rows[depth].len() {
            self.choice.push(c);
            let holds = self.rules_at[depth].iter().all(|&k| self.holds(k));
            let ok = !holds || self.walk();
            self.choice.pop();
            if !ok {
                return false;
            }
        }
        true
    }

    fn holds(&self, rule: usize) -> bool {
        let (lhs, rhs) = &self.rules[rule];
        let value = |row: usize, col: usize| self.rows[row][self.choice[row]][col];
        (0..self.columns).all(|col| {
            lhs.iter().map(|&r| value(r, col)).sum::<u64>()
                == rhs.iter().map(|&r| value(r, col)).sum::<u64>()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solved(run: &str, shape: &Shape) -> Vec<Vec<u64>> {
        match cut(&Run::new(run), shape) {
            Cuts::Solved(found) => found,
            other => panic!("{run}: {other:?}"),
        }
    }

    #[test]
    fn a_row_sum_pins_the_cut() {
        let row = Shape::applications(None);
        assert_eq!(solved("713000074", &row), [[71, 3, 0, 0, 0, 0, 74]]);
        assert_eq!(solved("640020470", &row), [[64, 0, 0, 2, 0, 4, 70]]);
        assert_eq!(solved("0000000", &row), [[0; 7]]);
    }

    #[test]
    fn several_cuts_can_satisfy_a_row() {
        let row = Shape::applications(None);
        let mut found = solved("270020130", &row);
        found.sort();
        assert_eq!(found, [[2, 7, 0, 0, 20, 1, 30], [27, 0, 0, 2, 0, 1, 30]]);
    }

    #[test]
    fn shown_separators_are_cuts() {
        let row = Shape::applications(None);
        // `230` alone could be 2,3,0; the space makes `000023` five cells.
        assert_eq!(solved("230 000023", &row), [[23, 0, 0, 0, 0, 0, 23]]);
        assert_eq!(solved("23 0 00 0 023", &row), [[23, 0, 0, 0, 0, 0, 23]]);
        assert_eq!(
            cut(&Run::new("4 0 0 0 0 0 4"), &row),
            Cuts::Read(vec![4, 0, 0, 0, 0, 0, 4])
        );
    }

    #[test]
    fn leading_zeros_and_long_runs_give_no_cut() {
        let row = Shape::applications(None);
        assert!(solved("00000002", &row).is_empty());
        assert!(solved(&"7".repeat(10_000), &row).is_empty());
        assert!(solved("12", &row).is_empty());
    }

    #[test]
    fn the_subtotal_column_is_a_sum_too() {
        // 自然人, 小计, five organisations, 总计.
        let before = Shape::applications(Some(1));
        assert_eq!(solved("53210008", &before), [[5, 3, 2, 1, 0, 0, 0, 8]]);
        // 自然人, five organisations, 小计, 总计.
        let after = Shape::applications(Some(6));
        assert_eq!(solved("52100038", &after), [[5, 2, 1, 0, 0, 0, 3, 8]]);
        assert_eq!(
            solved("121000011123", &after),
            [[12, 10, 0, 0, 0, 1, 11, 23]]
        );
    }

    #[test]
    fn table_four_groups_each_sum() {
        let review = Shape::review();
        assert_eq!(
            solved("110024001510102", &review),
            [[1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2]]
        );
        assert_eq!(
            solved("10203120001200000", &review),
            [[1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]]
        );
    }

    #[test]
    fn column_sums_choose_between_readings() {
        // granted is 27,0,0,2,0,1,30 or 2,7,0,0,20,1,30; total_processed = granted.
        let granted = vec![vec![2, 7, 0, 0, 20, 1, 30], vec![27, 0, 0, 2, 0, 1, 30]];
        let total = vec![vec![27, 0, 0, 2, 0, 1, 30]];
        let rules: Vec<Rule> = vec![(vec![1], vec![0])];
        match combine(&[granted, total.clone()], &rules, 7) {
            Combined::Supported(kept) => assert_eq!(kept, [total.clone(), total]),
            _ => panic!("no combination"),
        }
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

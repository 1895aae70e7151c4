//! Document → logical rows: the labels of a table row and the values that
//! belong to it, the same shape whether the page gave an HTML grid (values
//! keep their column) or a text dump with one cell per line (values in order).

use super::value::{CellValue, may_be_in_a_value, parse_cell};
use crate::flatten::normalize::key;
use crate::flatten::{Block, Document, Grid};
use crate::template::is_row_label;

/// A table row: labels (key form, outermost first, own label last) and values.
#[derive(Debug, Clone)]
pub struct Row {
    /// Index of the block the row comes from (its position in reading order).
    pub block: usize,
    pub labels: Vec<String>,
    pub values: Vec<Cell>,
    /// Row index inside its grid, for rows read from a table.
    pub grid_row: Option<usize>,
}

impl Row {
    /// The row's own label: the last one.
    pub fn label(&self) -> Option<&str> {
        self.labels.last().map(String::as_str)
    }
}

/// One value slot of a row.
#[derive(Debug, Clone)]
pub struct Cell {
    /// The cell's display text, quoted in warnings.
    pub text: String,
    pub value: CellValue,
    /// Column index in the grid, for rows read from a table.
    pub column: Option<usize>,
    /// Part of a span whose own cell is elsewhere.
    pub is_copy: bool,
    /// A blank cell the copy left no line for, put back from its spacing.
    pub from_spacing: bool,
}

impl Cell {
    fn from_text(text: &str, column: Option<usize>, is_copy: bool) -> Self {
        Cell {
            text: text.to_string(),
            value: parse_cell(text),
            column,
            is_copy,
            from_spacing: false,
        }
    }
}

impl Row {
    /// The row's value cells without the slots a `colspan` repeats to the
    /// right of its cell. A rowspan's copy from the row above stays (it is
    /// this row's value too), but a colspan's copy is the same number again:
    /// counting it would let a row missing a cell look complete and shift.
    pub fn values_without_colspan_copies(&self) -> Vec<&Cell> {
        let mut kept = Vec::new();
        let mut previous: Option<&Cell> = None;
        for cell in &self.values {
            let continues_left = cell.is_copy
                && previous.is_some_and(|p| {
                    p.text == cell.text
                        && p.column.zip(cell.column).is_some_and(|(a, b)| a + 1 == b)
                });
            if !continues_left {
                kept.push(cell);
            }
            previous = Some(cell);
        }
        kept
    }
}

fn is_value(v: &CellValue) -> bool {
    !matches!(v, CellValue::Text)
}

/// Reads every table row of a document, in order.
pub fn logical_rows(doc: &Document) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut pending = TextRow {
        spacing: Spacing::of(doc),
        ..TextRow::default()
    };
    for (block, b) in doc.blocks.iter().enumerate() {
        match b {
            Block::Text(line) => {
                pending.gap = doc.gaps.get(block).copied();
                pending.push_line(block, line, &mut rows);
            }
            Block::Table(grid) => {
                pending.gap = None;
                pending.finish(&mut rows);
                grid_rows(block, grid, &mut rows);
            }
        }
    }
    pending.gap = None;
    pending.finish(&mut rows);
    rows
}

/// True when a text dump keeps empty lines between its cells, so a blank
/// cell shows as more of them: its rows are read by their spacing, and a
/// row that shows fewer cells is damaged rather than missing blanks.
pub fn keeps_spacing(doc: &Document) -> bool {
    Spacing::of(doc).is_some()
}

/// How a text dump that keeps empty lines spaces its cells: the usual number
/// of empty lines between two cells of a row, before a row's first cell and
/// after its last. A blank cell then shows as `cell + 1` more empty lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spacing {
    cell: u32,
    lead: u32,
    trail: u32,
}

impl Spacing {
    /// The spacing most value lines follow, when the dump keeps empty lines
    /// between its cells at all.
    fn of(doc: &Document) -> Option<Spacing> {
        if doc.is_html || !doc.gaps.iter().any(|&g| g > 0) {
            return None;
        }
        let mut cell = GapCount::default();
        let mut lead = GapCount::default();
        let mut trail = GapCount::default();
        let mut previous_is_value: Option<bool> = None;
        for (b, &gap) in doc.blocks.iter().zip(&doc.gaps) {
            let Block::Text(line) = b else {
                previous_is_value = None;
                continue;
            };
            let is_value = is_single_value(line);
            match (previous_is_value, is_value) {
                (Some(true), true) => cell.add(gap),
                (Some(false), true) => lead.add(gap),
                (Some(true), false) => trail.add(gap),
                _ => {}
            }
            previous_is_value = Some(is_value);
        }
        let spacing = Spacing {
            cell: cell.mode()?,
            lead: lead.mode()?,
            trail: trail.mode()?,
        };
        (spacing.cell > 0).then_some(spacing)
    }

    /// Blank cells that a gap of `gap` empty lines stands for, where `usual`
    /// is the gap with none; `None` when the gap fits no whole number.
    fn blanks(self, gap: u32, usual: u32) -> Option<u32> {
        let extra = gap.checked_sub(usual)?;
        let blanks = extra / (self.cell + 1);
        // No table row has more cells than table 四's fifteen.
        (extra % (self.cell + 1) == 0 && blanks < 16).then_some(blanks)
    }
}

/// Counts of small gaps, for their most common value.
#[derive(Default)]
struct GapCount([u32; 8]);

impl GapCount {
    fn add(&mut self, gap: u32) {
        if let Some(n) = self.0.get_mut(gap as usize) {
            *n += 1;
        }
    }

    fn mode(&self) -> Option<u32> {
        let (gap, &n) = self
            .0
            .iter()
            .enumerate()
            .max_by_key(|&(g, n)| (*n, std::cmp::Reverse(g)))?;
        (n > 0).then_some(gap as u32)
    }
}

/// A line holding one value and nothing else.
fn is_single_value(line: &str) -> bool {
    !line.contains(char::is_whitespace)
        && line.chars().all(may_be_in_a_value)
        && is_value(&parse_cell(line))
}

/// The most label lines a text row keeps (table 三's header and first row
/// label come to a dozen).
const MAX_LABEL_RUN: usize = 32;

/// Text dumps: a run of label lines followed by a run of value lines is a row.
#[derive(Default)]
struct TextRow {
    block: usize,
    labels: Vec<String>,
    values: Vec<Cell>,
    /// The dump's cell spacing, when it keeps empty lines between cells.
    spacing: Option<Spacing>,
    /// Empty lines before the line being read.
    gap: Option<u32>,
    /// Empty lines before each value, while every value has its own line.
    gaps: Option<Vec<u32>>,
}

impl TextRow {
    fn push_line(&mut self, block: usize, line: &str, rows: &mut Vec<Row>) {
        if let Some((label, values)) = label_then_values(line) {
            self.push_line(block, label, rows);
            self.values.extend(values);
            self.gaps = None;
            return;
        }
        if let Some(values) = value_line(line) {
            if self.labels.is_empty() && self.values.is_empty() {
                self.block = block;
            }
            if self.values.is_empty() {
                self.gaps = Some(Vec::new());
            }
            match (&mut self.gaps, self.gap) {
                (Some(gaps), Some(gap)) if values.len() == 1 => gaps.push(gap),
                _ => self.gaps = None,
            }
            self.values.extend(values);
            return;
        }
        if is_garbled_value(line) {
            // A cell that should hold a number but does not: it keeps its
            // slot (null, with a warning) instead of splitting the row.
            if self.labels.is_empty() && self.values.is_empty() {
                self.block = block;
            }
            self.values.push(Cell::from_text(line.trim(), None, false));
            self.gaps = None;
            return;
        }
        if !self.values.is_empty() {
            self.finish(rows);
        }
        if self.labels.is_empty() {
            self.block = block;
        }
        // Long prose lines are never table labels; they end any label run.
        if line.chars().nth(120).is_some() {
            self.labels.clear();
            return;
        }
        self.labels.push(key(line));
        // A run this long is prose, not a row's labels; keeping only its end
        // keeps every later label scan short on pages of thousands of lines.
        if self.labels.len() > MAX_LABEL_RUN {
            self.labels.remove(0);
        }
    }

    fn finish(&mut self, rows: &mut Vec<Row>) {
        self.place_blank_cells();
        if !self.values.is_empty() {
            rows.push(Row {
                block: self.block,
                labels: std::mem::take(&mut self.labels),
                values: std::mem::take(&mut self.values),
                grid_row: None,
            });
        } else if !self.labels.is_empty() {
            // Trailing labels with no values: header words, kept as a row so
            // extractors can see table headings.
            rows.push(Row {
                block: self.block,
                labels: std::mem::take(&mut self.labels),
                values: Vec::new(),
                grid_row: None,
            });
        }
    }
}

impl TextRow {
    /// In a dump that keeps one empty-line spacing per blank cell, puts the
    /// blank cells back where the row's gaps show them. A row with any gap
    /// that fits no whole number of cells is left as it is.
    fn place_blank_cells(&mut self) {
        let (Some(spacing), Some(gaps)) = (self.spacing, self.gaps.take()) else {
            return;
        };
        if gaps.len() != self.values.len() || gaps.is_empty() {
            return;
        }
        let mut before: Vec<u32> = Vec::with_capacity(gaps.len());
        for (i, &gap) in gaps.iter().enumerate() {
            let usual = if i == 0 { spacing.lead } else { spacing.cell };
            match spacing.blanks(gap, usual) {
                Some(n) => before.push(n),
                None => return,
            }
        }
        // After the last value: only where rows end the way cells do, so a
        // wider gap before the next row is a blank cell, not a row boundary.
        let after = match self.gap {
            Some(gap) if spacing.trail == spacing.lead => {
                match spacing.blanks(gap, spacing.trail) {
                    Some(n) => n,
                    None => return,
                }
            }
            _ => 0,
        };
        if before.iter().all(|&n| n == 0) && after == 0 {
            return;
        }
        let blank = || Cell {
            from_spacing: true,
            ..Cell::from_text("", None, false)
        };
        let mut values = Vec::with_capacity(self.values.len() + 8);
        for (cell, n) in std::mem::take(&mut self.values).into_iter().zip(before) {
            values.extend((0..n).map(|_| blank()));
            values.push(cell);
        }
        values.extend((0..after).map(|_| blank()));
        self.values = values;
    }
}

/// How a row's value cells fit a template row of `width` columns.
pub enum Fit<'a> {
    /// Exactly one way: these cells, in column order.
    Cells(Vec<&'a Cell>),
    /// Blank cells at both ends could be padding: several alignments fit.
    Ambiguous(usize),
    /// Too few cells, or too many that are not blank padding.
    Mismatch,
}

/// Fits `values` to `width` columns. Surplus cells may only be blank padding
/// at the ends (a colspan lost in a Markdown export, a wider header); when
/// more than one alignment is possible nothing is placed.
pub fn fit<'a>(values: &[&'a Cell], width: usize) -> Fit<'a> {
    if values.len() < width {
        return Fit::Mismatch;
    }
    let surplus = values.len() - width;
    let blank = |c: &&Cell| c.text.trim().is_empty();
    let ways: Vec<usize> = (0..=surplus)
        .filter(|&front| {
            let back = surplus - front;
            values[..front].iter().all(blank) && values[values.len() - back..].iter().all(blank)
        })
        .collect();
    match ways.as_slice() {
        [] => Fit::Mismatch,
        [front] => Fit::Cells(values[*front..*front + width].to_vec()),
        many => Fit::Ambiguous(many.len()),
    }
}

/// A line that holds only values: `22`, `—`, or several separated by spaces
/// (`0 1 1 0 2`). Blank lines are separators, not values.
fn value_line(line: &str) -> Option<Vec<Cell>> {
    let line = line.trim();
    if line.is_empty() || !line.chars().all(may_be_in_a_value) {
        return None;
    }
    let single = parse_cell(line);
    if is_value(&single) && !line.contains(char::is_whitespace) {
        return Some(vec![Cell::from_text(line, None, false)]);
    }
    let parts: Vec<&str> = line.split_whitespace().collect();
    let cells: Vec<Cell> = parts
        .iter()
        .map(|p| Cell::from_text(p, None, false))
        .collect();
    let any_number = cells
        .iter()
        .any(|c| matches!(c.value, CellValue::Number(..)));
    (any_number && cells.iter().all(|c| is_value(&c.value))).then_some(cells)
}

/// A line of PDF text holding a label and then its values, separated by
/// spaces: `一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119`.
fn label_then_values(line: &str) -> Option<(&str, Vec<Cell>)> {
    // Prose, the bulk of a dump, ends in a word or a stop, which no value
    // holds: no need to cut it into tokens.
    if !line
        .trim_end()
        .chars()
        .next_back()
        .is_some_and(may_be_in_a_value)
        || !is_value(&parse_cell(line.split_whitespace().next_back()?))
    {
        return None;
    }
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let first_value = tokens
        .iter()
        .rposition(|t| !is_value(&parse_cell(t)))
        .map(|i| i + 1)?;
    if first_value == tokens.len() || line.chars().count() > 200 {
        return None;
    }
    let values = value_line(&tokens[first_value..].join(" "))?;
    // The label is the text before the first value token.
    let mut rest = line.trim_start();
    for token in &tokens[..first_value] {
        rest = rest[rest.find(token)? + token.len()..].trim_start();
    }
    let label = line[..line.len() - rest.len()].trim_end();
    let has_words = label
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    has_words.then_some((label, values))
}

/// A short text (≤ 32 characters) with digits, no Chinese, that is not a
/// number (`9x3`, `1O`, `#12`, `5.5.5`): a damaged value, never a row label,
/// since every label of the template is Chinese. Item numbers standing alone
/// (`1.`, `(2)`) are labels.
fn is_garbled_value(text: &str) -> bool {
    let text = text.trim();
    let bare = text.trim_matches(|c: char| matches!(c, '(' | ')' | '（' | '）' | '.' | '、'));
    let is_item_number =
        bare.len() < text.len() && !bare.is_empty() && bare.bytes().all(|b| b.is_ascii_digit());
    text.chars().nth(32).is_none()
        && text
            .chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && text
            .chars()
            .all(|c| (c as u32) < 0x2E80 || ('\u{FF01}'..='\u{FF5E}').contains(&c))
        && !is_item_number
        && parse_cell(text) == CellValue::Text
}

/// Grid rows: the label cells come first, the value cells after them.
fn grid_rows(block: usize, grid: &Grid, rows: &mut Vec<Row>) {
    let parsed: Vec<Vec<Cell>> = grid
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(c, cell)| Cell::from_text(&cell.text, Some(c), cell.is_copy))
                .collect()
        })
        .collect();
    let starts: Vec<Option<usize>> = parsed.iter().map(|r| value_suffix_start(r)).collect();
    let usual_start = mode(starts.iter().flatten().copied());
    for (r, cells) in parsed.into_iter().enumerate() {
        let start = match (starts[r], usual_start) {
            // Text in a value column (e.g. `见附件`) must not turn into a label
            // and shift the row: the grid's usual start decides.
            (Some(s), Some(u))
                if s > u
                    && (has_label(&cells[..u])
                        || cells[u..s]
                            .iter()
                            .all(|c| is_value(&c.value) || is_garbled_value(&c.text)))
                    && !cells[u..s].iter().any(|c| is_row_label(&key(&c.text))) =>
            {
                Some(u)
            }
            (None, Some(u)) if has_label(&cells[..u.min(cells.len())]) && cells.len() > u => {
                // No numbers at all, but the label part is there: a row whose
                // cells are all blank is still a data row.
                cells[u..]
                    .iter()
                    .all(|c| is_value(&c.value) || is_garbled_value(&c.text))
                    .then_some(u)
            }
            (s, _) => s,
        };
        let (label_cells, values) = match start {
            Some(s) => {
                let mut cells = cells;
                let values = cells.split_off(s);
                (cells, values)
            }
            None => (cells, Vec::new()),
        };
        let mut labels: Vec<String> = Vec::new();
        for cell in &label_cells {
            let k = key(&cell.text);
            if !k.is_empty() && labels.last() != Some(&k) {
                labels.push(k);
            }
        }
        if labels.is_empty() && values.is_empty() {
            continue;
        }
        rows.push(Row {
            block,
            labels,
            values,
            grid_row: Some(r),
        });
    }
}

/// Start of the run of value cells (damaged ones included) that ends the
/// row, if it holds a number.
fn value_suffix_start(cells: &[Cell]) -> Option<usize> {
    let start = cells
        .iter()
        .rposition(|c| !is_value(&c.value) && !is_garbled_value(&c.text))
        .map_or(0, |i| i + 1);
    cells[start..]
        .iter()
        .any(|c| matches!(c.value, CellValue::Number(..)))
        .then_some(start)
}

fn has_label(cells: &[Cell]) -> bool {
    cells.iter().any(|c| matches!(c.value, CellValue::Text))
}

fn mode(values: impl Iterator<Item = usize>) -> Option<usize> {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(k, _)| *k == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(k, n)| (n, std::cmp::Reverse(k)))
        .map(|(k, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flatten::flatten;

    #[test]
    fn text_dump_rows_group_labels_and_values() {
        let doc =
            flatten("(三)不予公开\n\n1.属于国家秘密\n\n0\n\n 1\n\n2.其他法律行政法规禁止公开\n3\n");
        let rows = logical_rows(&doc);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].labels, ["(三)不予公开", "1.属于国家秘密"]);
        assert_eq!(rows[0].values.len(), 2);
        assert_eq!(rows[1].labels, ["2.其他法律行政法规禁止公开"]);
    }

    #[test]
    fn a_label_and_its_values_on_one_line() {
        let doc = flatten("(三)不\n予公开\n1.属于国家秘密 2 0 0 0 0 0 2\n行政处罚 3985758\n");
        let rows = logical_rows(&doc);
        assert_eq!(rows[0].labels, ["(三)不", "予公开", "1.属于国家秘密"]);
        assert_eq!(rows[0].values.len(), 7);
        assert_eq!(rows[1].labels, ["行政处罚"]);
        assert_eq!(rows[1].values.len(), 1);
    }

    #[test]
    fn a_garbled_value_in_a_text_dump_keeps_its_slot() {
        let doc = flatten("一、本年新收\n\n98\n\n1O\n\n1\n\n二、上年结转\n\n1\n");
        let rows = logical_rows(&doc);
        assert_eq!(rows[0].labels, ["一、本年新收"]);
        assert_eq!(rows[0].values.len(), 3);
        assert_eq!(rows[0].values[1].value, CellValue::Text);
        assert_eq!(rows[1].labels, ["二、上年结转"]);
    }

    #[test]
    fn grid_rows_keep_blank_values_in_their_columns() {
        let doc = flatten(
            "<table><tr><td>一、本年新收</td><td>5</td><td>&nbsp;</td><td>5</td></tr>\
             <tr><td>二、上年结转</td><td></td><td></td><td></td></tr></table>",
        );
        let rows = logical_rows(&doc);
        assert_eq!(rows[1].labels, ["二、上年结转"]);
        assert_eq!(rows[1].values.len(), 3);
        assert_eq!(rows[0].values[1].value, CellValue::Null);
    }

    #[test]
    fn a_row_label_in_a_value_column_is_still_a_label() {
        let doc = flatten(
            "<table><tr><td>一、本年新收</td><td>1</td><td>2</td></tr>\
             <tr><td>三、</td><td>(一)予以公开</td><td>9</td><td>9</td></tr>\
             <tr><td>二、上年结转</td><td>3</td><td>4</td></tr></table>",
        );
        let rows = logical_rows(&doc);
        assert_eq!(rows[1].labels, ["三、", "(一)予以公开"]);
        assert_eq!(rows[1].values.len(), 2);
    }

    #[test]
    fn text_in_a_value_column_does_not_shift() {
        let doc = flatten(
            "<table><tr><td>a</td><td>1</td><td>2</td></tr>\
             <tr><td>b</td><td>见附件</td><td>2</td></tr>\
             <tr><td>c</td><td>3</td><td>4</td></tr></table>",
        );
        let rows = logical_rows(&doc);
        assert_eq!(rows[1].labels, ["b"]);
        assert_eq!(rows[1].values.len(), 2);
        assert_eq!(rows[1].values[0].value, CellValue::Text);
    }
}

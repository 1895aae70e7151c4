//! Enumerating the readings of one row: every way to cut its runs into cells
//! and to place those cells on the row's columns, in order, that the row's own
//! sums allow.
//!
//! A row reaches the solver as tokens: glued chunks of characters that may
//! hold several cells (`713000074`), single cells the copy separates (one
//! value per line), and cells the copy shows blank. Where the copy drops its
//! blank cells, any column may also be a *vanished* blank, which counts as 0
//! but cannot be told from a 0.

use super::MAX_CELL_DIGITS;
use crate::extract::CellKind;

/// Search nodes allowed for reading one row.
const ROW_STEPS: usize = 500_000;
/// More readings than this for one row and the row is not worth combining.
const MAX_READINGS: usize = 1_000;
/// The longest amount a cell may hold (`304948.3955`).
const MAX_AMOUNT_CHARS: usize = 16;

/// One cell of a reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// A count or signed change.
    Num(i64),
    /// An amount: the characters `start..end` of the run's text.
    Amount(u32, u32),
    /// A cell the copy shows blank (`—`, or its empty line): null.
    Shown,
    /// A blank cell the copy dropped: it counts as 0 and looks like one.
    Vanished,
}

impl Slot {
    /// The cell's value in a sum: blanks count as 0.
    pub fn in_sum(self) -> i64 {
        match self {
            Slot::Num(v) => v,
            _ => 0,
        }
    }
}

/// A piece of a row as the copy gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// Characters with no separator the copy shows: one cell or several.
    Glued(String),
    /// Exactly one cell, as the copy separates it.
    Cell(String),
    /// A cell the copy shows blank.
    Blank,
}

/// A row's tokens in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    pub tokens: Vec<Token>,
}

impl Run {
    /// A glued run as text: spaces (and line breaks) are cuts the page shows.
    pub fn glued(text: &str) -> Self {
        Run {
            tokens: text
                .split_whitespace()
                .map(|c| Token::Glued(c.to_string()))
                .collect(),
        }
    }

    /// True when no token may hold more than one cell.
    pub fn is_separated(&self) -> bool {
        self.tokens.iter().all(|t| !matches!(t, Token::Glued(_)))
    }

    /// The fewest cells the tokens can make (each token at least one; a
    /// glued chunk of n characters at least n ÷ the widest cell).
    fn fewest_cells(&self) -> usize {
        self.tokens
            .iter()
            .map(|t| match t {
                Token::Glued(g) => g.len().div_ceil(MAX_AMOUNT_CHARS).max(1),
                _ => 1,
            })
            .sum()
    }

    /// The most cells the tokens can make.
    pub fn most_cells(&self) -> usize {
        self.tokens
            .iter()
            .map(|t| match t {
                Token::Glued(g) => g.len(),
                _ => 1,
            })
            .sum()
    }

    /// The run as warnings quote it.
    pub fn display(&self) -> String {
        self.tokens
            .iter()
            .map(|t| match t {
                Token::Glued(s) | Token::Cell(s) => s.as_str(),
                Token::Blank => "_",
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The cells, when the tokens show every one and each is well formed
    /// for its column: the row is read, not solved.
    fn read(&self, shape: &Shape) -> Option<Vec<Slot>> {
        if self.tokens.len() != shape.kinds.len() {
            return None;
        }
        let text = self.text();
        let mut at = 0;
        let mut cells = Vec::with_capacity(self.tokens.len());
        for (token, &kind) in self.tokens.iter().zip(&shape.kinds) {
            let slot = match token {
                Token::Blank => Slot::Shown,
                Token::Glued(s) | Token::Cell(s) => {
                    parse_bytes(text.as_bytes(), at, at + s.len(), kind, false)?
                }
            };
            at += token_len(token);
            cells.push(slot);
        }
        Some(cells)
    }

    /// Every token's characters, one after the other (spans index into it).
    pub fn text(&self) -> String {
        self.tokens
            .iter()
            .map(|t| match t {
                Token::Glued(s) | Token::Cell(s) => s.as_str(),
                Token::Blank => "",
            })
            .collect()
    }
}

fn token_len(token: &Token) -> usize {
    match token {
        Token::Glued(s) | Token::Cell(s) => s.len(),
        Token::Blank => 0,
    }
}

/// The columns of a row and the sums that bind them: `(target, sources)`
/// means cell `target` equals the sum of cells `sources`.
#[derive(Debug, Clone)]
pub struct Shape {
    pub kinds: Vec<CellKind>,
    pub sums: Vec<(usize, Vec<usize>)>,
}

impl Shape {
    /// Table 三: seven cells, or eight with the 法人或其他组织 小计 column at
    /// `subtotal_at` (1: before the five organisations, 6: after them).
    pub fn applications(subtotal_at: Option<usize>) -> Self {
        let (cells, sums) = match subtotal_at {
            None => (7, vec![(6, (0..6).collect())]),
            Some(1) => (8, vec![(7, vec![0, 2, 3, 4, 5, 6]), (1, (2..7).collect())]),
            Some(_) => (8, vec![(6, (1..6).collect()), (7, vec![0, 6])]),
        };
        Shape {
            kinds: vec![CellKind::Count; cells],
            sums,
        }
    }

    /// Table 四: three groups of four results and their 总计.
    pub fn review() -> Self {
        Shape {
            kinds: vec![CellKind::Count; 15],
            sums: (0..3)
                .map(|g| (g * 5 + 4, (g * 5..g * 5 + 4).collect()))
                .collect(),
        }
    }

    /// A row with no sums (table 二): each column's kind.
    pub fn free(kinds: Vec<CellKind>) -> Self {
        Shape {
            kinds,
            sums: Vec::new(),
        }
    }

    pub fn cells(&self) -> usize {
        self.kinds.len()
    }

    /// The sum a cell is derived from, when all its sources come before it.
    fn derived(&self, cell: usize) -> Option<&[usize]> {
        self.sums
            .iter()
            .find(|(t, s)| *t == cell && s.iter().all(|&i| i < cell))
            .map(|(_, s)| s.as_slice())
    }

    fn holds(&self, cells: &[Slot]) -> bool {
        self.sums
            .iter()
            .all(|(t, s)| cells[*t].in_sum() == s.iter().map(|&i| cells[i].in_sum()).sum::<i64>())
    }
}

/// What reading one row gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readings {
    /// The tokens show every cell: the values as written.
    Read(Vec<Slot>),
    /// Every reading the row's sums allow (maybe none, maybe several).
    Solved(Vec<Vec<Slot>>),
    /// The search went over its bound; nothing is known.
    TooMany,
}

/// Reads `run` into `shape`'s cells: no leading zeros but a lone `0`, no
/// cell across a cut the copy shows, a separated cell whole, every sum of the
/// shape satisfied. With `vanish`, a column may be a blank the copy dropped.
pub fn read(run: &Run, shape: &Shape, vanish: bool) -> Readings {
    if let Some(cells) = run.read(shape) {
        return Readings::Read(cells);
    }
    let cells = shape.cells();
    if run.fewest_cells() > cells || (!vanish && run.most_cells() < cells) {
        return Readings::Solved(Vec::new());
    }
    let text = run.text();
    let mut bounds = Vec::with_capacity(run.tokens.len());
    let mut at = 0;
    for token in &run.tokens {
        let len = token_len(token);
        bounds.push((at, at + len));
        at += len;
    }
    let mut search = Search {
        text: text.as_bytes(),
        tokens: &run.tokens,
        bounds: &bounds,
        shape,
        vanish,
        widest: if shape.kinds.contains(&CellKind::Amount) {
            MAX_AMOUNT_CHARS
        } else {
            MAX_CELL_DIGITS + 1
        },
        cells: Vec::with_capacity(cells),
        found: Vec::new(),
        steps: ROW_STEPS,
    };
    if search.walk(0, 0) {
        Readings::Solved(search.found)
    } else {
        Readings::TooMany
    }
}

/// The readings of either of two runs: every reading of both.
pub fn either(a: Readings, b: Readings) -> Readings {
    let mut all = Vec::new();
    for readings in [a, b] {
        match readings {
            Readings::Read(cells) => all.push(cells),
            Readings::Solved(found) => all.extend(found),
            Readings::TooMany => return Readings::TooMany,
        }
    }
    all.sort();
    all.dedup();
    Readings::Solved(all)
}

struct Search<'a> {
    text: &'a [u8],
    tokens: &'a [Token],
    /// Each token's characters in `text`.
    bounds: &'a [(usize, usize)],
    shape: &'a Shape,
    vanish: bool,
    /// The most characters a cell of this shape may take.
    widest: usize,
    cells: Vec<Slot>,
    found: Vec<Vec<Slot>>,
    steps: usize,
}

impl Search<'_> {
    /// Depth-first over the columns from token `token`, character `pos`;
    /// false when the step budget ran out.
    fn walk(&mut self, token: usize, pos: usize) -> bool {
        if self.steps == 0 || self.found.len() > MAX_READINGS {
            return false;
        }
        self.steps -= 1;
        let column = self.cells.len();
        let columns = self.shape.cells();
        if column == columns {
            if token == self.tokens.len() && self.shape.holds(&self.cells) {
                self.found.push(self.cells.clone());
            }
            return true;
        }
        if !self.room(token, pos, columns - column) {
            return true;
        }
        let kind = self.shape.kinds[column];
        let wanted: Option<i64> = self
            .shape
            .derived(column)
            .map(|s| s.iter().map(|&i| self.cells[i].in_sum()).sum());
        let fits = |slot: Slot| wanted.is_none_or(|w| slot.in_sum() == w);
        if self.vanish && fits(Slot::Vanished) && !self.descend(Slot::Vanished, token, pos) {
            return false;
        }
        let Some(current) = self.tokens.get(token) else {
            return true;
        };
        let (start, end) = self.bounds[token];
        match current {
            Token::Blank => !fits(Slot::Shown) || self.descend(Slot::Shown, token + 1, end),
            Token::Cell(_) => match parse_bytes(self.text, start, end, kind, false) {
                Some(slot) if fits(slot) => self.descend(slot, token + 1, end),
                _ => true,
            },
            Token::Glued(_) => {
                let widest = match kind {
                    CellKind::Amount => MAX_AMOUNT_CHARS,
                    _ => MAX_CELL_DIGITS + 1,
                };
                for cut in pos + 1..=(pos + widest).min(end) {
                    let Some(slot) = parse_bytes(self.text, pos, cut, kind, true) else {
                        continue;
                    };
                    if !fits(slot) {
                        continue;
                    }
                    let next = if cut == end { token + 1 } else { token };
                    if !self.descend(slot, next, cut) {
                        return false;
                    }
                }
                true
            }
        }
    }

    /// True when the tokens left can still fill exactly `columns` columns.
    fn room(&self, token: usize, pos: usize, columns: usize) -> bool {
        let mut fewest = 0;
        let mut most = 0;
        for (i, t) in self.tokens.iter().enumerate().skip(token) {
            let (start, end) = self.bounds[i];
            let len = end - if i == token { pos.max(start) } else { start };
            match t {
                Token::Glued(_) => {
                    fewest += len.div_ceil(self.widest);
                    most += len;
                }
                _ => {
                    fewest += 1;
                    most += 1;
                }
            }
        }
        fewest <= columns && (self.vanish || most >= columns)
    }

    fn descend(&mut self, slot: Slot, token: usize, pos: usize) -> bool {
        self.cells.push(slot);
        let ok = self.walk(token, pos);
        self.cells.pop();
        ok
    }
}

/// The cell `start..end` of `text` read as `kind`, if it is well formed. A
/// cell cut from glued digits is at most [`MAX_CELL_DIGITS`] wide; one the copy
/// separates may be as wide as it is.
fn parse_bytes(text: &[u8], start: usize, end: usize, kind: CellKind, cut: bool) -> Option<Slot> {
    let cell = text.get(start..end)?;
    if cell == b"-" {
        // A dash is how pages write a blank cell.
        return Some(Slot::Shown);
    }
    let (sign, digits) = match cell.split_first() {
        Some((b'-', rest)) => (-1, rest),
        Some((b'+', rest)) => (1, rest),
        _ => (1, cell),
    };
    let signed = digits.len() < cell.len();
    let canonical = |d: &[u8]| {
        !d.is_empty()
            && d.iter().all(u8::is_ascii_digit)
            && (d == b"0" || d[0] != b'0')
            // Separated cells up to 15 digits: sums of a table's cells stay
            // far inside an i64.
            && d.len() <= if cut { MAX_CELL_DIGITS } else { 15 }
    };
    match kind {
        CellKind::Count | CellKind::Signed => {
            if (signed && kind == CellKind::Count) || !canonical(digits) {
                return None;
            }
            if signed && digits == b"0" {
                return None;
            }
            let value: i64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
            Some(Slot::Num(sign * value))
        }
        CellKind::Amount => {
            if signed || cell.len() > MAX_AMOUNT_CHARS {
                return None;
            }
            let (int, frac) = match cell.iter().position(|&b| b == b'.') {
                Some(dot) => (&cell[..dot], Some(&cell[dot + 1..])),
                None => (cell, None),
            };
            let int_ok = !int.is_empty()
                && int.iter().all(u8::is_ascii_digit)
                && (int == b"0" || int[0] != b'0');
            let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.iter().all(u8::is_ascii_digit));
            (int_ok && frac_ok).then_some(Slot::Amount(start as u32, end as u32))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(values: &[i64]) -> Vec<Slot> {
        values.iter().map(|&v| Slot::Num(v)).collect()
    }

    fn solved(run: &str, shape: &Shape) -> Vec<Vec<Slot>> {
        match read(&Run::glued(run), shape, false) {
            Readings::Solved(found) => found,
            other => panic!("{run}: {other:?}"),
        }
    }

    #[test]
    fn a_row_sum_pins_the_cut() {
        let row = Shape::applications(None);
        assert_eq!(solved("713000074", &row), [nums(&[71, 3, 0, 0, 0, 0, 74])]);
        assert_eq!(solved("640020470", &row), [nums(&[64, 0, 0, 2, 0, 4, 70])]);
        assert_eq!(solved("0000000", &row), [nums(&[0; 7])]);
    }

    #[test]
    fn several_cuts_can_satisfy_a_row() {
        let row = Shape::applications(None);
        let mut found = solved("270020130", &row);
        found.sort();
        assert_eq!(
            found,
            [
                nums(&[2, 7, 0, 0, 20, 1, 30]),
                nums(&[27, 0, 0, 2, 0, 1, 30])
            ]
        );
    }

    #[test]
    fn shown_separators_are_cuts() {
        let row = Shape::applications(None);
        // `230` alone could be 2,3,0; the space makes `000023` five cells.
        assert_eq!(solved("230 000023", &row), [nums(&[23, 0, 0, 0, 0, 0, 23])]);
        assert_eq!(
            solved("23 0 00 0 023", &row),
            [nums(&[23, 0, 0, 0, 0, 0, 23])]
        );
        assert_eq!(
            read(&Run::glued("4 0 0 0 0 0 4"), &row, false),
            Readings::Read(nums(&[4, 0, 0, 0, 0, 0, 4]))
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
        let before = Shape::applications(Some(1));
        assert_eq!(
            solved("53210008", &before),
            [nums(&[5, 3, 2, 1, 0, 0, 0, 8])]
        );
        let after = Shape::applications(Some(6));
        assert_eq!(
            solved("52100038", &after),
            [nums(&[5, 2, 1, 0, 0, 0, 3, 8])]
        );
        assert_eq!(
            solved("121000011123", &after),
            [nums(&[12, 10, 0, 0, 0, 1, 11, 23])]
        );
    }

    #[test]
    fn table_four_groups_each_sum() {
        let review = Shape::review();
        assert_eq!(
            solved("110024001510102", &review),
            [nums(&[1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2])]
        );
    }

    #[test]
    fn vanished_blanks_are_placed_where_the_sums_allow() {
        // `22`: a 2 in one applicant column and the total 2.
        let row = Shape::applications(None);
        let Readings::Solved(found) = read(&Run::glued("22"), &row, true) else {
            panic!()
        };
        assert_eq!(found.len(), 6);
        assert!(found.iter().all(|r| r[6] == Slot::Num(2)));
        // One separated 0 in seven columns: every column is 0 or blank.
        let zero = Run {
            tokens: vec![Token::Cell("0".into())],
        };
        let Readings::Solved(found) = read(&zero, &row, true) else {
            panic!()
        };
        assert_eq!(found.len(), 7);
        assert!(found.iter().flatten().all(|s| s.in_sum() == 0));
        // Without vanishing, a short run has no reading.
        assert_eq!(read(&zero, &row, false), Readings::Solved(Vec::new()));
    }

    #[test]
    fn a_sign_starts_a_signed_cell_and_amounts_keep_their_digits() {
        use CellKind::*;
        let licensing = Shape::free(vec![Count, Signed, Count]);
        let Readings::Solved(found) = read(&Run::glued("156-5997"), &licensing, true) else {
            panic!()
        };
        assert!(found.iter().all(|r| r[0] == Slot::Num(156)), "{found:?}");
        assert!(found.len() > 1);
        let procurement = Shape::free(vec![Count, Amount]);
        let Readings::Solved(found) = read(&Run::glued("30.5"), &procurement, false) else {
            panic!()
        };
        assert_eq!(found, [vec![Slot::Num(3), Slot::Amount(1, 4)]]);
    }
}

//! Agreeing cells: a row's surviving readings become cells. A cell is
//! written only when every reading gives it the same number; a blank the
//! copy dropped counts as 0, and a cell that is 0 only in that sense carries
//! a `blank_or_zero` warning. Anything else is null with a warning that says
//! how many readings remained.

use super::readings::{self, Readings, Slot, Token};
use super::{Pending, Target, quoted, review_layout};
use crate::extract::Extraction;

use crate::model::{Number, Value};

/// A row on its way to cells.
pub(super) struct Solving<'a> {
    pub pending: &'a Pending,
    /// The run's characters, which amount slots index.
    text: String,
    /// The tokens showed every cell: the cells are read, not recovered.
    read: bool,
    /// Some token was glued (cut by the solver), not only placed.
    glued: bool,
    pub readings: Vec<Vec<Slot>>,
}

impl Solving<'_> {
    pub fn key(&self) -> Option<&'static str> {
        match self.pending.target {
            Target::Row(_, row) => Some(row),
            Target::Review => None,
        }
    }
}

/// Why a row has no reading: a warning code and the reason.
pub(super) struct Unread {
    pub code: &'static str,
    pub why: String,
}

impl Unread {
    /// True when the row's values may fit once dropped blanks are allowed.
    pub fn fits_no_cut(&self) -> bool {
        matches!(self.code, "glued_no_cut" | "row_not_placed")
    }
}

/// Enumerates a pending row's readings.
pub(super) fn read_row(p: &Pending, vanish: bool) -> Result<Solving<'_>, Unread> {
    let shape = p.shape();
    let run = p.run.as_ref().map_err(|why| Unread {
        code: "glued_unreadable",
        why: why.clone(),
    })?;
    let readings = match &p.shorter {
        Some(shorter) => readings::either(
            readings::read(run, &shape, vanish),
            readings::read(shorter, &shape, vanish),
        ),
        None => readings::read(run, &shape, vanish),
    };
    let glued = !run.is_separated();
    let (read, found) = match readings {
        Readings::Read(cells) => (true, vec![cells]),
        Readings::Solved(found) if found.is_empty() => {
            let why = if run.tokens.is_empty() {
                "no digits follow its label".to_string()
            } else if glued {
                format!(
                    "no cut of the glued digits {} into {} cells satisfies the row's sums",
                    quoted(&run.display()),
                    shape.cells()
                )
            } else {
                format!(
                    "no placement of the values {} on its {} columns satisfies the row's sums",
                    quoted(&run.display()),
                    shape.cells()
                )
            };
            let code = if glued {
                "glued_no_cut"
            } else {
                "row_not_placed"
            };
            return Err(Unread { code, why });
        }
        // Table 二 has no sums: a row its digits cut one way only is read.
        Readings::Solved(found) => {
            let by_form = p.table() == super::ACTIVE
                && found.len() == 1
                && !found[0].contains(&Slot::Vanished);
            (by_form, found)
        }
        Readings::TooMany => {
            let why = format!(
                "the digits {} allow too many readings to search",
                quoted(&run.display())
            );
            return Err(Unread {
                code: "glued_too_long",
                why,
            });
        }
    };
    Ok(Solving {
        pending: p,
        text: run.text(),
        read,
        glued,
        readings: found,
    })
}

/// Writes a row's cells: those every reading agrees on, the rest null.
pub(super) fn write(row: &Solving, out: &mut Extraction) {
    let table = row.pending.table();
    let layout: Vec<(&'static str, &[&'static str])> = match row.pending.target {
        Target::Row(_, key) => vec![(key, &row.pending.columns[..])],
        Target::Review => review_layout(),
    };
    let mut index = 0;
    let mut disagree = 0;
    let mut blank_or_zero: Vec<String> = Vec::new();
    for (key, columns) in &layout {
        for &col in *columns {
            let slots = row.readings.iter().map(|r| r[index]);
            match agreed(slots, &row.text) {
                Agreed::Value(value) => {
                    if col == "amount" {
                        let unit = row.pending.unit.map(|u| Value::Text(u.to_string()));
                        out.set(table, key, "amount_unit", unit);
                    }
                    if row.read {
                        out.set(table, key, col, Some(Value::Number(value)));
                    } else {
                        out.recover(table, key, col, value);
                    }
                }
                Agreed::BlankOrZero => {
                    blank_or_zero.push(format!("{table}.{key}.{col}"));
                    out.recover(table, key, col, Number::from_i64(0));
                }
                Agreed::Blank => {
                    out.warn(
                        "blank_cell",
                        Some(format!("{table}.{key}.{col}")),
                        "the page leaves this cell blank",
                    );
                    out.set(table, key, col, None);
                }
                Agreed::No => {
                    disagree += 1;
                    out.set(table, key, col, None);
                }
            }
            index += 1;
        }
    }
    let at = match row.pending.target {
        Target::Row(_, key) => format!("{table}.{key}"),
        Target::Review => table.to_string(),
    };
    if !blank_or_zero.is_empty() {
        out.warn(
            "blank_or_zero",
            Some(at.clone()),
            format!(
                "the copy drops blank cells, so these cells are 0 or blank on the page: {}",
                blank_or_zero.join(", ")
            ),
        );
    }
    if disagree > 0 {
        let (code, what, by) = if table == super::ACTIVE {
            (
                "glued_no_sums",
                "readings of the digits",
                "are possible (table 二 has no sums to decide by)",
            )
        } else if row.glued {
            (
                "glued_ambiguous",
                "readings of the glued digits",
                "satisfy the template's sums",
            )
        } else {
            (
                "placement_ambiguous",
                "placements of the values",
                "satisfy the template's sums",
            )
        };
        let run = row
            .pending
            .run
            .as_ref()
            .map(|r| r.display())
            .unwrap_or_default();
        out.warn_unresolved(
            code,
            Some(at.clone()),
            format!(
                "{at}: {} {what} {} {by}; the {disagree} cell(s) they disagree on are left null",
                row.readings.len(),
                quoted(&run)
            ),
        );
    }
}

enum Agreed {
    Value(Number),
    /// 0 in every reading, a dropped blank in some.
    BlankOrZero,
    /// Shown blank in every reading.
    Blank,
    No,
}

fn agreed(mut slots: impl Iterator<Item = Slot>, text: &str) -> Agreed {
    let Some(first) = slots.next() else {
        return Agreed::No;
    };
    let mut vanished = first == Slot::Vanished;
    let mut value = first;
    for slot in slots {
        vanished |= slot == Slot::Vanished;
        let same = match (value, slot) {
            (Slot::Amount(a, b), Slot::Amount(c, d)) => {
                text.get(a as usize..b as usize) == text.get(c as usize..d as usize)
            }
            (a, b) => a == b,
        };
        if same {
            continue;
        }
        // A dropped blank and a 0 agree as 0.
        let zero = |s: Slot| matches!(s, Slot::Num(0) | Slot::Vanished);
        if zero(value) && zero(slot) {
            value = Slot::Num(0);
            continue;
        }
        return Agreed::No;
    }
    match value {
        Slot::Num(0) | Slot::Vanished if vanished => Agreed::BlankOrZero,
        Slot::Num(v) => Agreed::Value(Number::from_i64(v)),
        Slot::Amount(a, b) => match text
            .get(a as usize..b as usize)
            .and_then(|t| t.parse::<Number>().ok())
        {
            Some(n) => Agreed::Value(n),
            None => Agreed::No,
        },
        Slot::Shown => Agreed::Blank,
        Slot::Vanished => Agreed::BlankOrZero,
    }
}

/// A row the solver could not read: its cells are null, with a warning.
pub(super) fn unresolved(p: &Pending, out: &mut Extraction, code: &str, why: &str) {
    let table = p.table();
    let at = match p.target {
        Target::Row(_, key) => format!("{table}.{key}"),
        Target::Review => table.to_string(),
    };
    out.warn_unresolved(
        code,
        Some(at.clone()),
        format!("{at}: {why}; its cells are left null"),
    );
    let layout: Vec<(&'static str, &[&'static str])> = match p.target {
        Target::Row(_, key) => vec![(key, &p.columns[..])],
        Target::Review => review_layout(),
    };
    for (key, columns) in layout {
        for col in columns {
            out.set(table, key, col, None);
        }
    }
}

/// Tokens for the values a table reader could not place: each one cell,
/// a blank one shown blank.
pub(crate) fn tokens_of(values: &[&crate::extract::rows::Cell]) -> Option<Vec<Token>> {
    use crate::extract::value::CellValue;
    values
        .iter()
        .map(|c| match &c.value {
            CellValue::Number(n, _) => Some(Token::Cell(n.as_str().to_string())),
            CellValue::Null => Some(Token::Blank),
            CellValue::Text => None,
        })
        .collect()
}

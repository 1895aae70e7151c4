//! Agreeing rows: the readings of table 三's rows combined under the
//! template's column sums (balance, results sum, a subtotal row's items).
//! Only the readings some full combination uses survive.

use super::agree::Solving;
use super::readings::Slot;
use super::{APPLICATIONS, fixed_reading};
use crate::extract::Extraction;
use crate::model::Template;
use crate::template::{Group, application_rows, result_rows};

/// Narrows the readings of table 三's deferred rows to those some reading of
/// the whole table uses, with the rows the table reader placed itself as
/// fixed. When no combination holds (the page's own numbers disagree) or
/// there are too many, each row keeps the readings its own sums allow.
pub(super) fn agree_applications(
    template: Template,
    solving: &mut [Solving],
    out: &Extraction,
) -> Outcome {
    let Some(columns) = solving.first().map(|s| s.pending.columns.clone()) else {
        return Outcome::Agreed;
    };
    // Rows read against other columns (a 小计 column one reader saw and the
    // other did not) cannot be added up with these; they keep their readings.
    let same: Vec<usize> = (0..solving.len())
        .filter(|&i| solving[i].pending.columns == columns)
        .collect();
    let mut keys: Vec<&'static str> = same.iter().filter_map(|&i| solving[i].key()).collect();
    let mut rows: Vec<Vec<Vec<Slot>>> = same.iter().map(|&i| solving[i].readings.clone()).collect();
    let subtotals = Group::ALL.map(Group::subtotal_key);
    for &key in application_rows(template).iter().chain(&subtotals) {
        if keys.contains(&key) || !out.is_located(APPLICATIONS, key) {
            continue;
        }
        if let Some(fixed) = fixed_reading(out, key, &columns) {
            keys.push(key);
            rows.push(vec![fixed]);
        }
    }
    let rules = column_rules(template, &keys);
    // The sums see only each cell's value (a blank as 0): readings that
    // differ only in where a blank sits are one case for them.
    let sums: Vec<Vec<Vec<Slot>>> = rows.iter().map(|r| distinct_sums(r)).collect();
    match combine(&sums, &rules, columns.len()) {
        Combined::Supported(kept) => {
            for (&i, kept) in same.iter().zip(kept) {
                solving[i].readings.retain(|r| kept.contains(&as_sums(r)));
            }
            Outcome::Agreed
        }
        Combined::NoSolution => Outcome::NoSolution,
        Combined::TooLarge => Outcome::TooLarge,
    }
}

/// The warning an outcome of combining the rows owes the record.
pub(super) fn warn(outcome: Outcome, out: &mut Extraction) {
    match outcome {
        Outcome::Agreed => {}
        Outcome::NoSolution => out.warn(
            "glued_inconsistent",
            Some(APPLICATIONS.to_string()),
            "no reading of the rows satisfies the template's column sums \
             (the page's own numbers disagree); each row was solved on its own sums",
        ),
        Outcome::TooLarge => out.warn(
            "glued_too_long",
            Some(APPLICATIONS.to_string()),
            "too many readings of the rows to combine; each row was solved on its own sums",
        ),
    }
}

/// How combining the rows went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Agreed,
    NoSolution,
    TooLarge,
}

/// Search nodes allowed for combining the rows of table 三.
const TABLE_STEPS: usize = 200_000;

/// A reading as the sums see it: each cell's value, blanks as 0.
fn as_sums(reading: &[Slot]) -> Vec<Slot> {
    reading.iter().map(|s| Slot::Num(s.in_sum())).collect()
}

/// A row's readings as the sums see them, each once.
fn distinct_sums(readings: &[Vec<Slot>]) -> Vec<Vec<Slot>> {
    let mut sums: Vec<Vec<Slot>> = readings.iter().map(|r| as_sums(r)).collect();
    sums.sort();
    sums.dedup();
    sums
}

/// A column rule over rows (by index): per column, Σ lhs = Σ rhs.
pub type Rule = (Vec<usize>, Vec<usize>);

/// The template's column sums among the rows present: balance, results sum,
/// and a subtotal row's items.
pub fn column_rules(template: Template, keys: &[&str]) -> Vec<Rule> {
    let find = |wanted: &[&str]| -> Option<Vec<usize>> {
        wanted
            .iter()
            .map(|k| keys.iter().position(|s| s == k))
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

pub enum Combined {
    /// Per row, the candidates that take part in at least one full solution.
    Supported(Vec<Vec<Vec<Slot>>>),
    NoSolution,
    TooLarge,
}

/// Keeps, per row, the candidates that some combination satisfying every
/// rule uses.
pub fn combine(rows: &[Vec<Vec<Slot>>], rules: &[Rule], columns: usize) -> Combined {
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
    rows: &'a [Vec<Vec<Slot>>],
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
        let value = |row: usize, col: usize| self.rows[row][self.choice[row]][col].in_sum();
        (0..self.columns).all(|col| {
            lhs.iter().map(|&r| value(r, col)).sum::<i64>()
                == rhs.iter().map(|&r| value(r, col)).sum::<i64>()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(values: &[i64]) -> Vec<Slot> {
        values.iter().map(|&v| Slot::Num(v)).collect()
    }

    #[test]
    fn column_sums_choose_between_readings() {
        // granted is 27,0,0,2,0,1,30 or 2,7,0,0,20,1,30; total_processed = granted.
        let granted = vec![
            nums(&[2, 7, 0, 0, 20, 1, 30]),
            nums(&[27, 0, 0, 2, 0, 1, 30]),
        ];
        let total = vec![nums(&[27, 0, 0, 2, 0, 1, 30])];
        let rules: Vec<Rule> = vec![(vec![1], vec![0])];
        match combine(&[granted, total.clone()], &rules, 7) {
            Combined::Supported(kept) => assert_eq!(kept, [total.clone(), total]),
            _ => panic!("no combination"),
        }
    }

    #[test]
    fn a_vanished_blank_counts_as_zero() {
        let over = vec![vec![Slot::Vanished; 7]];
        let new = vec![nums(&[2, 0, 0, 0, 0, 0, 2])];
        let processed = vec![nums(&[2, 0, 0, 0, 0, 0, 2])];
        let rules = column_rules(
            Template::T2021,
            &["new_received", "carried_over", "total_processed"],
        );
        assert!(rules.is_empty(), "carried_forward is missing: no balance");
        let rules: Vec<Rule> = vec![(vec![0, 1], vec![2])];
        assert!(matches!(
            combine(&[new, over, processed], &rules, 7),
            Combined::Supported(_)
        ));
    }
}

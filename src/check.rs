//! The template's arithmetic (勾稽关系, SPEC §6) over one report.
//!
//! A cell the page left blank counts as 0, and the detail says so; a cell that
//! was not located makes the check unassessable (`ok: null`), never a pass.

use std::collections::HashSet;

use crate::model::{Check, Report, Status, Template};
use crate::template::{
    APPLICANT_COLUMNS, Group, LEGAL_PERSON_SUBTOTAL, REVIEW_COLUMNS, REVIEW_ROWS, result_rows,
};

/// The applicant columns summed into `total`: all but `total` itself.
const APPLICANT_PARTS: &[&str] = APPLICANT_COLUMNS.split_last().unwrap().1;
/// The five 法人或其他组织 columns a `legal_person_subtotal` sums.
const ORGANISATIONS: &[&str] = APPLICANT_COLUMNS.split_at(1).1.split_last().unwrap().1;

/// Runs every single-report check and stores the results in `report.checks`.
pub fn check(report: &mut Report) {
    report.checks.clear();
    if !matches!(report.status, Status::Complete | Status::Partial)
        || report.meta.template == Template::Unknown
    {
        return;
    }
    let checks = Checker::new(report).run();
    report.checks = checks;
}

/// One operand of a check.
#[derive(Debug, Clone, Copy)]
enum Operand {
    Value(i64),
    /// The page leaves the cell blank: counted as 0.
    Blank,
    /// The cell was not located: the check cannot be assessed.
    Missing,
}

struct Checker<'a> {
    report: &'a Report,
    blanks: HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    fn new(report: &'a Report) -> Self {
        let blanks = report
            .warnings
            .iter()
            .filter(|w| w.code == "blank_cell")
            .filter_map(|w| w.cell.as_deref())
            .collect();
        Checker { report, blanks }
    }

    fn operand(&self, table: &str, row: &str, column: &str) -> (String, Operand) {
        let id = format!("{table}.{row}.{column}");
        let op = match self
            .report
            .cell(table, row, column)
            .and_then(|n| n.as_i64())
        {
            Some(v) => Operand::Value(v),
            None if self.blanks.contains(id.as_str()) => Operand::Blank,
            None => Operand::Missing,
        };
        (id, op)
    }

    fn run(&self) -> Vec<Check> {
        let mut checks = Vec::new();
        let apps = &self.report.applications;
        let template = self.report.meta.template;
        let has = |row: &str| apps.contains_key(row);
        let mut columns: Vec<&str> = APPLICANT_PARTS.to_vec();
        columns.push("total");
        let has_subtotal_column = apps
            .values()
            .next()
            .is_some_and(|cols| cols.contains_key(LEGAL_PERSON_SUBTOTAL));
        if has_subtotal_column {
            columns.push(LEGAL_PERSON_SUBTOTAL);
        }

        for col in &columns {
            let a = |row: &str| self.operand("applications", row, col);
            checks.push(equation(
                format!("applications.balance.{col}"),
                &[a("new_received"), a("carried_over")],
                &[a("total_processed"), a("carried_forward")],
            ));
        }
        let results = result_rows(template);
        for col in &columns {
            let parts: Vec<_> = results
                .iter()
                .map(|row| self.operand("applications", row, col))
                .collect();
            checks.push(equation(
                format!("applications.results_sum.{col}"),
                &[self.operand("applications", "total_processed", col)],
                &parts,
            ));
        }
        for row in apps.keys() {
            let parts: Vec<_> = APPLICANT_PARTS
                .iter()
                .map(|c| self.operand("applications", row, c))
                .collect();
            checks.push(equation(
                format!("applications.row_total.{row}"),
                &[self.operand("applications", row, "total")],
                &parts,
            ));
            if has_subtotal_column {
                let parts: Vec<_> = ORGANISATIONS
                    .iter()
                    .map(|c| self.operand("applications", row, c))
                    .collect();
                checks.push(equation(
                    format!("applications.subtotal.legal_person.{row}"),
                    &[self.operand("applications", row, LEGAL_PERSON_SUBTOTAL)],
                    &parts,
                ));
            }
        }
        for group in Group::ALL {
            let subtotal = group.subtotal_key();
            if !has(subtotal) {
                continue;
            }
            for col in &columns {
                let parts: Vec<_> = group
                    .items(template)
                    .iter()
                    .map(|row| self.operand("applications", row, col))
                    .collect();
                checks.push(equation(
                    format!("applications.subtotal.{}.{col}", group.prefix()),
                    &[self.operand("applications", subtotal, col)],
                    &parts,
                ));
            }
        }
        for row in REVIEW_ROWS {
            let parts: Vec<_> = REVIEW_COLUMNS[..4]
                .iter()
                .map(|c| self.operand("review_litigation", row, c))
                .collect();
            checks.push(equation(
                format!("review_litigation.total.{row}"),
                &[self.operand("review_litigation", row, "total")],
                &parts,
            ));
        }
        checks.push(self.non_negative());
        checks
    }

    /// Every count of table 二 is ≥ 0 (`change` is signed; amounts are not counts).
    fn non_negative(&self) -> Check {
        let mut negatives = Vec::new();
        let mut seen = 0;
        for (row, cols) in &self.report.active_disclosure {
            for (col, value) in cols {
                if col == "change" || col == "amount_unit" {
                    continue;
                }
                if let Some(n) = value.as_ref().and_then(|v| v.as_number()) {
                    seen += 1;
                    if n.as_str().starts_with('-') {
                        negatives.push(format!("active_disclosure.{row}.{col} = {n}"));
                    }
                }
            }
        }
        let (ok, detail) = if seen == 0 {
            (None, "no counts located".to_string())
        } else if negatives.is_empty() {
            (Some(true), format!("{seen} counts, none negative"))
        } else {
            (Some(false), format!("negative: {}", negatives.join(", ")))
        };
        Check {
            id: "active_disclosure.non_negative".to_string(),
            ok,
            detail,
        }
    }
}

/// `lhs` (summed) must equal `rhs` (summed).
fn equation(id: String, lhs: &[(String, Operand)], rhs: &[(String, Operand)]) -> Check {
    let all = || lhs.iter().chain(rhs);
    let missing: Vec<&str> = all()
        .filter(|(_, op)| matches!(op, Operand::Missing))
        .map(|(id, _)| id.as_str())
        .collect();
    if !missing.is_empty() {
        return Check {
            id,
            ok: None,
            detail: format!("cannot assess: not located: {}", missing.join(", ")),
        };
    }
    if all().all(|(_, op)| matches!(op, Operand::Blank)) {
        return Check {
            id,
            ok: None,
            detail: "every cell is blank on the page".to_string(),
        };
    }
    let value = |op: &Operand| match op {
        Operand::Value(v) => *v,
        _ => 0,
    };
    let render = |side: &[(String, Operand)]| {
        side.iter()
            .map(|(_, op)| value(op).to_string())
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let (l, r): (i64, i64) = (
        lhs.iter().map(|(_, op)| value(op)).sum(),
        rhs.iter().map(|(_, op)| value(op)).sum(),
    );
    let blanks: Vec<&str> = all()
        .filter(|(_, op)| matches!(op, Operand::Blank))
        .map(|(id, _)| id.as_str())
        .collect();
    let (ok, mut detail) = if l == r {
        (Some(true), format!("{} = {}", render(lhs), render(rhs)))
    } else if blanks.is_empty() {
        (
            Some(false),
            format!("{} ≠ {} ({l} vs {r})", render(lhs), render(rhs)),
        )
    } else {
        // A blank that is not 0 (e.g. a 总计 the page left empty) is a gap in
        // the page, not proof that its arithmetic is wrong.
        (
            None,
            format!(
                "cannot assess: {} ≠ {} ({l} vs {r}) only if the blank cells are 0",
                render(lhs),
                render(rhs)
            ),
        )
    };
    if !blanks.is_empty() {
        detail.push_str(&format!(
            "; blank cells counted as 0: {}",
            blanks.join(", ")
        ));
    }
    Check { id, ok, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(v: i64) -> (String, Operand) {
        (format!("c{v}"), Operand::Value(v))
    }

    #[test]
    fn equation_passes_and_fails_with_numbers() {
        let c = equation("x".into(), &[op(100), op(1)], &[op(93), op(8)]);
        assert_eq!((c.ok, c.detail.as_str()), (Some(true), "100 + 1 = 93 + 8"));
        let c = equation("x".into(), &[op(100), op(1)], &[op(93), op(9)]);
        assert_eq!(c.ok, Some(false));
        assert!(c.detail.contains("101 vs 102"));
    }

    #[test]
    fn missing_cells_make_a_check_unassessable() {
        let c = equation("x".into(), &[op(1)], &[("a.b.c".into(), Operand::Missing)]);
        assert_eq!(c.ok, None);
        assert!(c.detail.contains("a.b.c"));
    }

    #[test]
    fn blank_cells_count_as_zero_and_say_so() {
        let c = equation(
            "x".into(),
            &[op(3)],
            &[op(3), ("a.b.c".into(), Operand::Blank)],
        );
        assert_eq!(c.ok, Some(true));
        assert!(c.detail.contains("blank cells counted as 0: a.b.c"));
        // A blank total beside non-zero items is a gap, not a failure.
        let c = equation(
            "x".into(),
            &[("t".into(), Operand::Blank)],
            &[op(258), op(12)],
        );
        assert_eq!(c.ok, None);
    }
}

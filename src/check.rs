//! The template's arithmetic (勾稽关系, SPEC §6) over one report.
//!
//! A cell the page left blank counts as 0, and the detail says so; a cell that
//! was not located makes the check unassessable (`ok: null`), never a pass.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::{self, Write as _};

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

/// A cell an operand reads, written `table.row.column` in a check's detail.
/// Kept as parts so that only the details that name a cell format it.
#[derive(Debug, Clone, Copy)]
struct CellId<'a> {
    table: &'static str,
    row: &'a str,
    column: &'a str,
}

impl fmt::Display for CellId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.table, self.row, self.column)
    }
}

/// A row of one table, looked up once for all the operands it gives.
#[derive(Debug, Clone, Copy)]
struct RowRef<'a> {
    table: &'static str,
    name: &'a str,
    cells: Option<&'a crate::model::Row>,
}

struct Checker<'a> {
    report: &'a Report,
    blanks: HashSet<&'a str>,
    /// Where a cell's id is written to look it up in `blanks`.
    scratch: RefCell<String>,
}

impl<'a> Checker<'a> {
    fn new(report: &'a Report) -> Self {
        let blanks = report
            .warnings
            .iter()
            .filter(|w| w.code == "blank_cell")
            .filter_map(|w| w.cell.as_deref())
            .collect();
        Checker {
            report,
            blanks,
            scratch: RefCell::default(),
        }
    }

    fn row(&self, table: &'static str, name: &'a str) -> RowRef<'a> {
        let cells = self.report.tables().into_iter().find(|&(t, _)| t == table);
        RowRef {
            table,
            name,
            cells: cells.and_then(|(_, rows)| rows.get(name)),
        }
    }

    fn operand(&self, row: RowRef<'a>, column: &'a str) -> (CellId<'a>, Operand) {
        let id = CellId {
            table: row.table,
            row: row.name,
            column,
        };
        let value = row
            .cells
            .and_then(|cells| cells.get(column)?.as_ref()?.as_number());
        let op = match value.and_then(|n| n.as_i64()) {
            Some(v) => Operand::Value(v),
            None if self.is_blank(id) => Operand::Blank,
            None => Operand::Missing,
        };
        (id, op)
    }

    /// Whether a blank-cell warning names `id` (by its dotted form).
    fn is_blank(&self, id: CellId) -> bool {
        if self.blanks.is_empty() {
            return false;
        }
        let mut dotted = self.scratch.borrow_mut();
        dotted.clear();
        // As `CellId`'s Display writes it, without allocating for each cell.
        for part in [id.table, ".", id.row, ".", id.column] {
            dotted.push_str(part);
        }
        self.blanks.contains(dotted.as_str())
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
        let app = |name: &'a str| self.row("applications", name);
        let a = |row: RowRef<'a>, column: &'a str| self.operand(row, column);
        // The summed side of each check, reused from one check to the next.
        let mut parts = Vec::new();

        let (new_received, carried_over) = (app("new_received"), app("carried_over"));
        let (total_processed, carried_forward) = (app("total_processed"), app("carried_forward"));
        for &col in &columns {
            checks.push(equation(
                ["applications.balance.", col].concat(),
                &[a(new_received, col), a(carried_over, col)],
                &[a(total_processed, col), a(carried_forward, col)],
            ));
        }
        let results: Vec<RowRef> = result_rows(template).iter().map(|&r| app(r)).collect();
        for &col in &columns {
            parts.clear();
            parts.extend(results.iter().map(|&row| a(row, col)));
            checks.push(equation(
                ["applications.results_sum.", col].concat(),
                &[a(total_processed, col)],
                &parts,
            ));
        }
        for (name, cells) in apps {
            let row = RowRef {
                table: "applications",
                name,
                cells: Some(cells),
            };
            parts.clear();
            parts.extend(APPLICANT_PARTS.iter().map(|&col| a(row, col)));
            checks.push(equation(
                ["applications.row_total.", name].concat(),
                &[a(row, "total")],
                &parts,
            ));
            if has_subtotal_column {
                parts.clear();
                parts.extend(ORGANISATIONS.iter().map(|&col| a(row, col)));
                checks.push(equation(
                    ["applications.subtotal.legal_person.", name].concat(),
                    &[a(row, LEGAL_PERSON_SUBTOTAL)],
                    &parts,
                ));
            }
        }
        for group in Group::ALL {
            let subtotal = group.subtotal_key();
            if !has(subtotal) {
                continue;
            }
            let subtotal = app(subtotal);
            let items: Vec<RowRef> = group.items(template).iter().map(|&r| app(r)).collect();
            for &col in &columns {
                parts.clear();
                parts.extend(items.iter().map(|&row| a(row, col)));
                checks.push(equation(
                    format!("applications.subtotal.{}.{col}", group.prefix()),
                    &[a(subtotal, col)],
                    &parts,
                ));
            }
        }
        for name in REVIEW_ROWS {
            let row = self.row("review_litigation", name);
            parts.clear();
            parts.extend(REVIEW_COLUMNS[..4].iter().map(|&col| a(row, col)));
            checks.push(equation(
                ["review_litigation.total.", name].concat(),
                &[a(row, "total")],
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

/// `lhs` (summed) must equal `rhs` (summed); `N` names an operand's cell.
fn equation<N: fmt::Display>(id: String, lhs: &[(N, Operand)], rhs: &[(N, Operand)]) -> Check {
    let all = || lhs.iter().chain(rhs);
    let missing = |(_, op): &&(N, Operand)| matches!(op, Operand::Missing);
    let blank = |(_, op): &&(N, Operand)| matches!(op, Operand::Blank);
    let mut detail = String::new();
    if all().any(|o| missing(&o)) {
        detail.push_str("cannot assess: not located: ");
        push_joined(
            &mut detail,
            all().filter(missing).map(|(name, _)| name),
            ", ",
        );
        return Check {
            id,
            ok: None,
            detail,
        };
    }
    if all().all(|o| blank(&o)) {
        return Check {
            id,
            ok: None,
            detail: "every cell is blank on the page".to_string(),
        };
    }
    let (l, r): (i64, i64) = (
        lhs.iter().map(|(_, op)| op.value()).sum(),
        rhs.iter().map(|(_, op)| op.value()).sum(),
    );
    let has_blanks = all().any(|o| blank(&o));
    let (sum_l, sum_r) = (Sum(lhs), Sum(rhs));
    // Writing to a String cannot fail.
    let ok = if l == r {
        let _ = write!(detail, "{sum_l} = {sum_r}");
        Some(true)
    } else if !has_blanks {
        let _ = write!(detail, "{sum_l} ≠ {sum_r} ({l} vs {r})");
        Some(false)
    } else {
        // A blank that is not 0 (e.g. a 总计 the page left empty) is a gap in
        // the page, not proof that its arithmetic is wrong.
        let _ = write!(
            detail,
            "cannot assess: {sum_l} ≠ {sum_r} ({l} vs {r}) only if the blank cells are 0"
        );
        None
    };
    if has_blanks {
        detail.push_str("; blank cells counted as 0: ");
        push_joined(&mut detail, all().filter(blank).map(|(name, _)| name), ", ");
    }
    Check { id, ok, detail }
}

impl Operand {
    /// The value a sum counts: a blank (or missing) cell as 0.
    fn value(self) -> i64 {
        match self {
            Operand::Value(v) => v,
            Operand::Blank | Operand::Missing => 0,
        }
    }
}

/// One side of an equation, written `a + b + c` with its values.
struct Sum<'s, N>(&'s [(N, Operand)]);

impl<N> fmt::Display for Sum<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (_, op)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" + ")?;
            }
            fmt::Display::fmt(&op.value(), f)?;
        }
        Ok(())
    }
}

/// Appends `items` to `out`, `sep` between them.
fn push_joined(out: &mut String, items: impl Iterator<Item = impl fmt::Display>, sep: &str) {
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        let _ = write!(out, "{item}");
    }
}

/// The cells a check compares in `report`, as `table.row.column`, so that a
/// reader of the record can point at them (`xxgk review` highlights the cells
/// of failing checks). Derived from the check's id by the same rules
/// [`check`] and [`carry_chain`] follow; empty for an id this version does not
/// know. `active_disclosure.non_negative` names the negative counts only.
pub fn cells_of(check: &Check, report: &Report) -> Vec<String> {
    let cells = |rows: &[&str], columns: &[&str], table: &str| -> Vec<String> {
        rows.iter()
            .flat_map(|row| {
                columns
                    .iter()
                    .map(move |col| format!("{table}.{row}.{col}"))
            })
            .collect()
    };
    let id = check.id.as_str();
    let template = report.meta.template;
    if let Some(col) = id.strip_prefix("applications.balance.") {
        let rows = [
            "new_received",
            "carried_over",
            "total_processed",
            "carried_forward",
        ];
        return cells(&rows, &[col], "applications");
    }
    if let Some(col) = id.strip_prefix("applications.results_sum.") {
        let rows: Vec<&str> = std::iter::once("total_processed")
            .chain(result_rows(template).iter().copied())
            .collect();
        return cells(&rows, &[col], "applications");
    }
    if let Some(row) = id.strip_prefix("applications.row_total.") {
        return cells(&[row], &APPLICANT_COLUMNS, "applications");
    }
    if let Some(rest) = id.strip_prefix("applications.subtotal.") {
        if let Some(row) = rest.strip_prefix("legal_person.") {
            let mut columns = vec![LEGAL_PERSON_SUBTOTAL];
            columns.extend_from_slice(ORGANISATIONS);
            return cells(&[row], &columns, "applications");
        }
        for group in Group::ALL {
            let Some(col) = rest
                .strip_prefix(group.prefix())
                .and_then(|r| r.strip_prefix('.'))
            else {
                continue;
            };
            let mut rows = vec![group.subtotal_key()];
            rows.extend(group.items(template));
            return cells(&rows, &[col], "applications");
        }
        return Vec::new();
    }
    if let Some(row) = id.strip_prefix("review_litigation.total.") {
        return cells(&[row], &REVIEW_COLUMNS, "review_litigation");
    }
    if id == "active_disclosure.non_negative" {
        return report
            .active_disclosure
            .iter()
            .flat_map(|(row, cols)| cols.iter().map(move |(col, v)| (row, col, v)))
            .filter(|(_, col, _)| *col != "change" && *col != "amount_unit")
            .filter(|(_, _, v)| {
                v.as_ref()
                    .and_then(|v| v.as_number())
                    .is_some_and(|n| n.as_str().starts_with('-'))
            })
            .map(|(row, col, _)| format!("active_disclosure.{row}.{col}"))
            .collect();
    }
    if let Some(col) = id.strip_prefix("carry_chain.") {
        // The detail starts with the later year ("2024 carried_over = 2023
        // carried_forward …"): this report gave carried_over if it is that year.
        let later = check.detail.split(' ').next().and_then(|y| y.parse().ok());
        let row = if report.meta.year.is_some() && report.meta.year == later {
            "carried_over"
        } else {
            "carried_forward"
        };
        return cells(&[row], &[col], "applications");
    }
    Vec::new()
}

/// One comparison of an agency's two consecutive years by [`carry_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarryLink {
    /// The agency as the later report writes it (whitespace collapsed).
    pub agency: String,
    /// Year and source name of the earlier report.
    pub earlier: (i32, String),
    /// Year and source name of the later report.
    pub later: (i32, String),
    /// Columns whose carried-over count differs from last year's carried-forward.
    pub failed: Vec<String>,
    /// Columns that could not be compared (a cell not located).
    pub unassessed: Vec<String>,
    /// Columns that agree.
    pub passed: usize,
}

impl std::fmt::Display for CarryLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y0, r0) = &self.earlier;
        let (y1, r1) = &self.later;
        write!(f, "{} {y0} → {y1}: ", self.agency)?;
        if self.failed.is_empty() {
            write!(f, "ok ({} columns agree", self.passed)?;
        } else {
            write!(
                f,
                "FAILED {} ({} columns agree",
                self.failed.join(", "),
                self.passed
            )?;
        }
        if !self.unassessed.is_empty() {
            write!(f, "; not comparable: {}", self.unassessed.join(", "))?;
        }
        write!(f, ") [{r0} → {r1}]")
    }
}

/// The cross-year check (SPEC §6): for every agency present in consecutive
/// years, this year's `applications.carried_over.<column>` must equal last
/// year's `carried_forward.<column>`. Appends a `carry_chain.<column>` check to
/// both reports of each pair (replacing any from an earlier run) and returns
/// one [`CarryLink`] per pair, ordered by agency and year. Agencies match after
/// folding full-width characters and removing whitespace.
pub fn carry_chain(reports: &mut [Report]) -> Vec<CarryLink> {
    for report in reports.iter_mut() {
        report
            .checks
            .retain(|c| c.id != "carry_chain" && !c.id.starts_with("carry_chain."));
    }
    // Ordered, so pairs (and the checks of a year between two others) come
    // out in the same order on every run.
    let mut by_agency_year: std::collections::BTreeMap<(String, i32), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, report) in reports.iter().enumerate() {
        let has_table = report.applications.contains_key("carried_over")
            || report.applications.contains_key("carried_forward");
        let readable = matches!(report.status, Status::Complete | Status::Partial);
        if let (true, true, Some(agency), Some(year)) =
            (readable, has_table, &report.meta.agency, report.meta.year)
        {
            let agency = crate::flatten::normalize::key(agency);
            if !agency.is_empty() {
                by_agency_year.entry((agency, year)).or_default().push(i);
            }
        }
    }

    let mut links = Vec::new();
    let mut new_checks: Vec<(usize, Check)> = Vec::new();
    for ((agency, year), laters) in &by_agency_year {
        let previous = year.checked_sub(1).map(|y| (agency.clone(), y));
        let Some(earliers) = previous.and_then(|key| by_agency_year.get(&key)) else {
            continue;
        };
        for &later in laters {
            for &earlier in earliers {
                let (link, checks) = compare_years(&reports[earlier], &reports[later]);
                for check in checks {
                    new_checks.push((earlier, check.clone()));
                    new_checks.push((later, check));
                }
                links.push(link);
            }
        }
    }
    for (i, check) in new_checks {
        reports[i].checks.push(check);
    }
    links
}

/// `carry_chain.<column>` checks between two reports of consecutive years.
fn compare_years(earlier: &Report, later: &Report) -> (CarryLink, Vec<Check>) {
    let year = |r: &Report| r.meta.year.unwrap_or_default();
    let (y0, y1) = (year(earlier), year(later));
    let mut columns: Vec<&str> = crate::template::APPLICANT_COLUMNS.to_vec();
    let has_subtotal = |r: &Report| {
        r.applications
            .values()
            .any(|cols| cols.contains_key(LEGAL_PERSON_SUBTOTAL))
    };
    if has_subtotal(earlier) && has_subtotal(later) {
        columns.push(LEGAL_PERSON_SUBTOTAL);
    }
    let (before, after) = (Checker::new(earlier), Checker::new(later));
    let mut link = CarryLink {
        agency: crate::flatten::normalize::collapse_whitespace(
            later.meta.agency.as_deref().unwrap_or_default(),
        ),
        earlier: (y0, earlier.source.name().to_string()),
        later: (y1, later.source.name().to_string()),
        failed: Vec::new(),
        unassessed: Vec::new(),
        passed: 0,
    };
    let mut checks = Vec::new();
    for col in columns {
        let (_, carried_over) = after.operand(after.row("applications", "carried_over"), col);
        let (_, carried_forward) =
            before.operand(before.row("applications", "carried_forward"), col);
        let mut check = equation(
            format!("carry_chain.{col}"),
            &[(format!("{y1} carried_over.{col}"), carried_over)],
            &[(format!("{y0} carried_forward.{col}"), carried_forward)],
        );
        check.detail = format!(
            "{y1} carried_over = {y0} carried_forward ({} → {}): {}",
            link.earlier.1, link.later.1, check.detail
        );
        match check.ok {
            Some(true) => link.passed += 1,
            Some(false) => link.failed.push(col.to_string()),
            None => link.unassessed.push(col.to_string()),
        }
        checks.push(check);
    }
    (link, checks)
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

    /// A report of `agency` for `year` whose carried_over / carried_forward
    /// rows hold `over` / `forward` in every applicant column (`None` = null).
    fn carry_report(agency: &str, year: i32, over: Option<i64>, forward: Option<i64>) -> Report {
        use crate::model::{Source, Value};
        let source = Source {
            path: Some(format!("{agency}-{year}")),
            ..Source::default()
        };
        let mut report = Report::empty(source, Status::Complete, None);
        report.meta.agency = Some(agency.to_string());
        report.meta.year = Some(year);
        report.meta.template = Template::T2021;
        for (row, value) in [("carried_over", over), ("carried_forward", forward)] {
            let cells = APPLICANT_COLUMNS
                .iter()
                .map(|c| {
                    let v = value.map(|v| Value::Number(crate::model::Number::from_i64(v)));
                    (c.to_string(), v)
                })
                .collect();
            report.applications.insert(row.to_string(), cells);
        }
        report
    }

    #[test]
    fn carry_chain_links_consecutive_years_in_order() {
        let mut reports = vec![
            carry_report("甲县", 2024, Some(3), Some(5)),
            carry_report("甲县", 2022, Some(0), Some(2)),
            carry_report("甲 县", 2023, Some(2), Some(4)),
            carry_report("乙县", 2023, Some(1), Some(1)),
        ];
        reports[3].status = Status::NotAReport;
        let links = carry_chain(&mut reports);
        let years: Vec<_> = links.iter().map(|l| (l.earlier.0, l.later.0)).collect();
        assert_eq!(years, [(2022, 2023), (2023, 2024)]);
        // 2022→2023 agrees (2 = 2); 2023→2024 does not (3 ≠ 4) in every column.
        assert_eq!((links[0].passed, links[0].failed.len()), (7, 0));
        assert_eq!((links[1].passed, links[1].failed.len()), (0, 7));
        // The middle year carries both pairs' checks, the earlier pair first.
        let middle: Vec<_> = reports[2].checks.iter().map(|c| c.ok).collect();
        assert_eq!(middle.len(), 14);
        assert!(middle[..7].iter().all(|ok| *ok == Some(true)));
        assert!(middle[7..].iter().all(|ok| *ok == Some(false)));
        assert!(reports[3].checks.is_empty());
    }

    #[test]
    fn carry_chain_cannot_assess_a_null_cell() {
        let mut reports = vec![
            carry_report("甲县", 2023, Some(0), None),
            carry_report("甲县", 2024, Some(1), Some(0)),
        ];
        let links = carry_chain(&mut reports);
        assert_eq!(links[0].unassessed.len(), 7);
        let check = &reports[1].checks[0];
        assert_eq!(check.ok, None);
        assert!(
            check.detail.contains("not located: 2023 carried_forward"),
            "{}",
            check.detail
        );
    }
}

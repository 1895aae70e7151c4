//! One cell's text → a value (SPEC §5).

use crate::flatten::normalize::key;
use crate::model::Number;

/// What a cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    /// A number, with the unit written in the cell (`元`, `万元`) if any.
    Number(Number, Option<&'static str>),
    /// Blank, or a marker the template uses for "nothing to report".
    Null,
    /// Text that is not a number: a label, or a value we cannot read.
    Text,
}

/// Markers meaning "not reported"; SPEC §5 turns them into null, never 0.
const NULL_MARKERS: &[&str] = &[
    "",
    "/",
    "\\",
    "-",
    "--",
    "---",
    "—",
    "——",
    "–",
    "一",
    "无",
    "不适用",
    "空",
    "/件",
    "…",
    "...",
];

/// Units a count or amount may carry in its cell. Longest first.
const UNITS: &[&str] = &["万元", "元", "件", "条", "个", "项", "次", "人", "份", "家"];

/// Characters a value cell can be written with (digits, signs, separators,
/// units, null markers, any width, any space). Prose lines fail on their
/// first Chinese word, so they are never parsed cell by cell.
pub fn may_be_in_a_value(c: char) -> bool {
    c.is_ascii()
        || ('\u{FF01}'..='\u{FF5E}').contains(&c)
        || crate::flatten::normalize::is_space(c)
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
        || "万元件条个项次人份家减少增加无不适用空一—–−…".contains(c)
}

/// Reads a cell's text. `+2`, `-1`, `减4`, `增加3` give signed numbers (the
/// template's 本年增/减 column); `1,234` and `１２３` are folded.
pub fn parse_cell(text: &str) -> CellValue {
    if let Some(n) = plain_count(text) {
        return CellValue::Number(n, None);
    }
    if !text.chars().all(may_be_in_a_value) {
        return CellValue::Text; // a label or prose: cheap to tell, and most cells are
    }
    if digits_split_by_space(text) {
        // `12 34` may be one number or two glued cells: not certain, not a number.
        return CellValue::Text;
    }
    let k = key(text);
    if NULL_MARKERS.contains(&k.as_str()) {
        return CellValue::Null;
    }
    let mut body = k.as_str();
    let mut negative = false;
    for (prefix, neg) in [
        ("减少", true),
        ("增加", false),
        ("减", true),
        ("增", false),
        ("-", true),
        ("−", true),
        ("+", false),
    ] {
        if let Some(rest) = body.strip_prefix(prefix) {
            body = rest;
            negative = neg;
            break;
        }
    }
    let mut unit = None;
    for u in UNITS {
        if let Some(rest) = body.strip_suffix(u) {
            body = rest;
            unit = Some(*u);
            break;
        }
    }
    match canonical_number(body) {
        Some(digits) => {
            let text = if negative && digits != "0" {
                format!("-{digits}")
            } else {
                digits
            };
            match text.parse() {
                Ok(n) => CellValue::Number(n, unit.filter(|u| u.ends_with('元'))),
                Err(_) => CellValue::Text,
            }
        }
        None => CellValue::Text,
    }
}

/// The cell most pages are made of: ASCII digits and nothing else (spaces
/// around them aside), read without the general path's allocations.
fn plain_count(text: &str) -> Option<Number> {
    let digits = text.trim();
    if digits.is_empty() || digits.len() > 40 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    without_leading_zeros(digits).parse().ok()
}

/// `007` → `7`, `000` → `0`.
fn without_leading_zeros(digits: &str) -> &str {
    match digits.trim_start_matches('0') {
        "" => "0",
        significant => significant,
    }
}

fn digits_split_by_space(text: &str) -> bool {
    let has_digit = |p: &str| {
        p.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
    };
    text.split(crate::flatten::normalize::is_space)
        .filter(|p| has_digit(p))
        .count()
        > 1
}

/// `12,345` / `12345` / `0.50` → canonical digits; `None` for anything else.
/// Separators are accepted only in their proper places (groups of three), so a
/// glued `1,2` is not silently read as 12.
fn canonical_number(s: &str) -> Option<String> {
    if s.is_empty() || s.len() > 40 {
        return None;
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let int_digits: String = if int.contains([',', '，']) {
        let groups: Vec<&str> = int.split([',', '，']).collect();
        let ok = !groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3);
        if !ok {
            return None;
        }
        groups.concat()
    } else {
        int.to_string()
    };
    if int_digits.is_empty() || !int_digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int_digits = without_leading_zeros(&int_digits);
    match frac {
        Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            Some(format!("{int_digits}.{f}"))
        }
        Some(_) => None,
        None => Some(int_digits.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(s: &str) -> Option<String> {
        match parse_cell(s) {
            CellValue::Number(n, _) => Some(n.to_string()),
            _ => None,
        }
    }

    #[test]
    fn plain_and_decorated_numbers() {
        assert_eq!(num(" 22"), Some("22".into()));
        assert_eq!(num("１２３"), Some("123".into()));
        assert_eq!(num("1,234"), Some("1234".into()));
        assert_eq!(num("9750.26"), Some("9750.26".into()));
        assert_eq!(num("52.15万元"), Some("52.15".into()));
        assert_eq!(num("12件"), Some("12".into()));
        assert_eq!(num("007"), Some("7".into()));
    }

    #[test]
    fn signed_changes() {
        assert_eq!(num("+2"), Some("2".into()));
        assert_eq!(num("-1"), Some("-1".into()));
        assert_eq!(num("减4"), Some("-4".into()));
        assert_eq!(num("-0"), Some("0".into()));
    }

    #[test]
    fn units_are_kept_for_amounts() {
        assert_eq!(
            parse_cell("251000元"),
            CellValue::Number("251000".parse().unwrap(), Some("元"))
        );
    }

    #[test]
    fn null_markers_are_null_not_zero() {
        for s in [
            "",
            "\u{a0}",
            "/",
            "—",
            "-",
            "--",
            "无",
            "不适用",
            "空",
            "／",
        ] {
            assert_eq!(parse_cell(s), CellValue::Null, "{s:?}");
        }
    }

    #[test]
    fn text_and_malformed_numbers_are_text() {
        for s in ["规章", "1,2", "1.2.3", "3.其他", "12 34", "1e5", "五"] {
            assert_eq!(parse_cell(s), CellValue::Text, "{s:?}");
        }
    }
}

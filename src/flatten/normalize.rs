//! Character-level normalisation shared by flattening and matching.
//!
//! Two forms of a text exist: the *display* form (whitespace collapsed, the
//! page's own punctuation kept: prose keeps its `，`) and the *key* form used
//! for matching labels and numbers (full-width folded, whitespace removed).

/// Folds a full-width ASCII variant (`０`, `（`, `：`, `，`, `／`…) and the
/// ideographic space to its ASCII counterpart; other characters pass through.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
        // Brackets and stops that full-width folding does not reach.
        '〔' | '【' => '[',
        '〕' | '】' => ']',
        _ => c,
    }
}

/// True for characters that are invisible in a rendered page.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// True for any whitespace a page may use, including NBSP and the ideographic space.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{00A0}' | '\u{3000}')
}

/// Display form: runs of whitespace (of any kind) become one space, invisible
/// characters disappear, and the ends are trimmed.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_invisible(c) {
            continue;
        }
        if is_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Key form: full-width folded and every space removed, so `商业 企业`,
/// `（一）` and `(一)` compare equal to `商业企业` and `(一)`.
pub fn key(s: &str) -> String {
    s.chars()
        .filter(|&c| !is_space(c) && !is_invisible(c))
        .map(fold_char)
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_folds_width_and_drops_spaces() {
        assert_eq!(key("（一） 予以公开"), "(一)予以公开");
        assert_eq!(key("１２，３４５"), "12,345");
        assert_eq!(key("商业\n企业\u{3000}"), "商业企业");
    }

    #[test]
    fn collapse_keeps_prose_punctuation() {
        assert_eq!(
            collapse_whitespace("  无。\u{a0}\u{a0} 好，\n"),
            "无。 好，"
        );
    }
}

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
    let mut out = Collapsed::with_capacity(s.len());
    out.push_str(s);
    out.text
}

/// [`collapse_whitespace`] fed piece by piece: the pieces of a paragraph or a
/// cell come out as if they had been joined first, without building the
/// joined text.
#[derive(Debug, Default)]
pub struct Collapsed {
    text: String,
    pending_space: bool,
}

impl Collapsed {
    fn with_capacity(capacity: usize) -> Self {
        Collapsed {
            text: String::with_capacity(capacity),
            pending_space: false,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Empties the text, keeping its buffer for the next one.
    pub fn clear(&mut self) {
        self.text.clear();
        self.pending_space = false;
    }

    pub fn push_str(&mut self, s: &str) {
        // Runs of visible characters are copied whole, not char by char.
        let mut run = 0;
        for (i, c) in candidates(s) {
            let space = is_space(c);
            if space || is_invisible(c) {
                self.push_visible(&s[run..i]);
                run = i + c.len_utf8();
                if space {
                    self.pending_space = !self.text.is_empty();
                }
            }
        }
        self.push_visible(&s[run..]);
    }

    fn push_visible(&mut self, run: &str) {
        if run.is_empty() {
            return;
        }
        if self.pending_space {
            self.text.push(' ');
            self.pending_space = false;
        }
        self.text.push_str(run);
    }
}

/// Key form: full-width folded and every space removed, so `商业 企业`,
/// `（一）` and `(一)` compare equal to `商业企业` and `(一)`.
pub fn key(s: &str) -> String {
    // Folding never lengthens a character, so one allocation suffices; runs
    // of characters that stay as they are are copied whole.
    let mut out = String::with_capacity(s.len());
    let mut run = 0;
    for (i, c) in candidates(s) {
        let kept = (!is_space(c) && !is_invisible(c))
            .then(|| fold_char(c))
            .filter(|f| !f.is_whitespace());
        if kept != Some(c) {
            out.push_str(&s[run..i]);
            run = i + c.len_utf8();
            out.extend(kept);
        }
    }
    out.push_str(&s[run..]);
    out
}

/// The characters of `s` that spacing, invisibility or folding may touch,
/// with their offsets; any other is passed over without being decoded.
/// They are ASCII whitespace and characters whose UTF-8 starts with one of
/// five lead bytes: `C2` (U+0080–00BF: NEL, NBSP, soft hyphen), `E1`
/// (U+1680), `E2` (U+2000–2FFF: the typographic spaces, zero widths, word
/// joiner), `E3` (U+3000–3FFF: the ideographic space and brackets) and `EF`
/// (U+F000–FFFF: the full-width forms, BOM). Chinese text is mostly other
/// lead bytes, so most of it is skipped a byte at a time.
fn candidates(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = s.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let i = at;
            if !CANDIDATE_BYTE[bytes[i] as usize] {
                at += 1;
                continue;
            }
            // A candidate byte is ASCII or a lead byte, so `i` starts a char.
            let c = s[i..].chars().next()?;
            at = i + c.len_utf8();
            return Some((i, c));
        }
        None
    })
}

/// ASCII whitespace and the lead bytes listed at [`candidates`].
const CANDIDATE_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b, 0x09..=0x0D | 0x20 | 0xC2 | 0xE1 | 0xE2 | 0xE3 | 0xEF);
        b += 1;
    }
    table
};

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

    #[test]
    fn collapsing_in_pieces_is_collapsing_the_whole() {
        let pieces = [
            " 本年",
            "\u{a0}",
            "",
            "新 ",
            "\u{200b}",
            " 制作\n",
            "数量 ",
            " ",
        ];
        let mut collapsed = Collapsed::default();
        for piece in pieces {
            collapsed.push_str(piece);
        }
        assert_eq!(collapsed.as_str(), collapse_whitespace(&pieces.concat()));
        assert_eq!(collapsed.as_str(), "本年 新 制作 数量");
    }

    #[test]
    fn only_candidate_bytes_start_characters_that_change() {
        let mut utf8 = [0u8; 4];
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let first = c.encode_utf8(&mut utf8).as_bytes()[0];
            if !CANDIDATE_BYTE[first as usize] {
                assert!(
                    !is_space(c) && !is_invisible(c) && fold_char(c) == c,
                    "{c:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// The run-copying forms agree with the char-by-char definitions.
        #[test]
        fn forms_match_their_definitions(s in "[ a-z\\t\\n\u{b}\u{85}\u{a0}\u{ad}\u{1680}\u{2000}-\u{2060}\u{3000}-\u{3015}\u{feff}０-９（），〔】商业é€\u{ffe0}-\u{ffff}]{0,24}") {
            let key_by_char: String = s
                .chars()
                .filter(|&c| !is_space(c) && !is_invisible(c))
                .map(fold_char)
                .filter(|c| !c.is_whitespace())
                .collect();
            proptest::prop_assert_eq!(key(&s), key_by_char);
            let mut collapsed_by_char = String::new();
            let mut pending_space = false;
            for c in s.chars().filter(|&c| !is_invisible(c)) {
                if is_space(c) {
                    pending_space = !collapsed_by_char.is_empty();
                    continue;
                }
                if std::mem::take(&mut pending_space) {
                    collapsed_by_char.push(' ');
                }
                collapsed_by_char.push(c);
            }
            proptest::prop_assert_eq!(collapse_whitespace(&s), collapsed_by_char);
        }
    }
}

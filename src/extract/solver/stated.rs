//! Tables stated in words. A report with nothing to count often writes a
//! sentence where a table would be: "本年度未收到政府信息公开申请",
//! "未发生涉及政府信息公开的行政复议、行政诉讼案件". Where the table itself is
//! absent, such a clear negative statement gives each of its cells 0,
//! recovered, with a `stated_in_text` warning quoting it. Numbers are never
//! taken from prose: a sentence holding any count is no such statement.

use crate::flatten::{Block, Document};

/// A table a sentence can stand in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stated {
    /// Table 三: no application was received.
    Applications,
    /// Table 四: no review or litigation case.
    Review,
}

/// Words that deny, at the start of what they deny.
const DENIALS: &[&str] = &[
    "未发生",
    "没有发生",
    "未出现",
    "未收到",
    "没有收到",
    "未受理",
    "无",
];

/// The sentence of `doc` that states `table` is empty, if there is one.
pub(crate) fn stated_in_words(doc: &Document, table: Stated) -> Option<String> {
    doc.blocks.iter().find_map(|block| match block {
        Block::Text(text) => text
            .split(['。', '；', ';', '！', '\n'])
            .filter_map(last_clause)
            .find(|s| states(s, table))
            .map(str::to_string),
        Block::Table(_) => None,
    })
}

/// The part of a sentence after the last section heading in it (a copy
/// that lost its line breaks runs the heading and table into the sentence):
/// `…（七）总计22四、…情况2019年某厅未发生…案件` → `2019年某厅未发生…案件`.
fn last_clause(sentence: &str) -> Option<&str> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let mut start = 0;
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    for pair in chars.windows(2) {
        if NUMERALS.contains(pair[0].1) && pair[1].1 == '、' {
            start = pair[0].0;
        }
    }
    let clause = &sentence[start..];
    // A heading's own words end at 情况.
    let clause = match clause.find("情况") {
        Some(at) if start > 0 || clause.starts_with(|c| NUMERALS.contains(c)) => {
            &clause[at + "情况".len()..]
        }
        _ => clause,
    };
    let clause = clause.trim();
    (!clause.is_empty()).then_some(clause)
}

fn states(sentence: &str, table: Stated) -> bool {
    if sentence.chars().count() > 80 || has_count(sentence) {
        return false;
    }
    let Some(denied) = DENIALS
        .iter()
        .filter_map(|d| sentence.find(d).map(|at| &sentence[at + d.len()..]))
        .find(|rest| !rest.starts_with('法'))
    else {
        return false;
    };
    match table {
        Stated::Review => denied.contains("复议") && denied.contains("诉讼"),
        Stated::Applications => {
            (denied.contains("政府信息公开申请") || denied.contains("依申请公开"))
                && !denied.contains("复议")
                && !sentence.contains("除")
        }
    }
}

/// Digits other than a year (`2019年`): a sentence that counts something.
fn has_count(sentence: &str) -> bool {
    let mut digits = 0;
    for c in sentence.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            digits += 1;
            continue;
        }
        let is_year = digits == 4 && c == '年';
        if digits > 0 && !is_year {
            return true;
        }
        digits = 0;
    }
    digits > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        crate::flatten::flatten(text)
    }

    #[test]
    fn clear_negative_statements_stand_for_their_table() {
        let text = "（七）总计22四、政府信息公开行政复议、行政诉讼情况2019年河北省某厅未发生涉及政府信息公开的行政复议、行政诉讼案件。五、存在的主要问题";
        assert_eq!(
            stated_in_words(&doc(text), Stated::Review).as_deref(),
            Some("2019年河北省某厅未发生涉及政府信息公开的行政复议、行政诉讼案件")
        );
        assert!(
            stated_in_words(&doc("本年度未收到政府信息公开申请。"), Stated::Applications).is_some()
        );
    }

    #[test]
    fn counts_and_half_statements_are_not_statements() {
        // Only 复议 is denied; litigation is not said.
        assert!(
            stated_in_words(
                &doc("在依申请公开政府信息中，无行政复议事项。"),
                Stated::Review
            )
            .is_none()
        );
        // A sentence with a count is prose about numbers.
        assert!(stated_in_words(&doc("未发生行政复议，行政诉讼1起。"), Stated::Review).is_none());
        assert!(
            stated_in_words(
                &doc("2019年收到2份政府信息公开申请。"),
                Stated::Applications
            )
            .is_none()
        );
    }
}

//! Reading a link's title: is it an annual report, which year does it cover,
//! and the date a list shows beside it.

use std::sync::LazyLock;

use regex::Regex;

use crate::flatten::normalize::key;

/// What an annual report's title calls it.
const REPORT_WORDS: &[&str] = &["年度报告", "年报", "工作报告"];

/// Words of titles that mention the annual report but are something else:
/// guides, rules, plans, notices about the reports, their explanations.
const NOT_A_REPORT: &[&str] = &[
    "指南",
    "目录",
    "制度",
    "规定",
    "办法",
    "细则",
    "要点",
    "计划",
    "方案",
    "通知",
    "通报",
    "报送",
    "印发",
    "转发",
    "函",
    "批复",
    "解读",
    "图解",
    "一图",
    "读懂",
    "图读",
    "考核",
    "评估",
    "测评",
    "评议",
    "申请表",
    "征求",
    "说明",
    "模板",
    "样本",
    "范本",
];

/// A report's title: 信息公开, a report word, none of the words of other
/// documents. Cut titles (`…工作年…`) count when the cut falls inside a
/// report word.
pub fn is_report_title(title: &str) -> bool {
    let title = key(title);
    let title = title.as_str();
    if !title.contains("信息公开") || NOT_A_REPORT.iter().any(|w| title.contains(w)) {
        return false;
    }
    if REPORT_WORDS.iter().any(|w| title.contains(w)) {
        return true;
    }
    // `…信息公开工作年…` / `…年度报…`: a list cut the title short.
    let Some(cut) = title
        .strip_suffix('…')
        .or_else(|| title.strip_suffix("..."))
        .or_else(|| title.strip_suffix("……"))
    else {
        return false;
    };
    let cut = cut.trim_end_matches('…');
    ["年度报告", "年报"].iter().any(|w| {
        w.char_indices()
            .skip(1)
            .map(|(i, _)| &w[..i])
            .chain(std::iter::once(*w))
            .any(|prefix| cut.ends_with(prefix))
    }) || cut.ends_with("工作报")
}

/// A file's label or name that calls it an annual report
/// (`2023年政府信息公开工作年度报告.pdf`, `年报.docx`).
pub fn is_report_file_label(label: &str) -> bool {
    let label = key(label);
    ["年度报告", "年报"].iter().any(|w| label.contains(w))
        && !NOT_A_REPORT.iter().any(|w| label.contains(w))
}

/// In a column of annual reports, a shorter label is enough: a year and a
/// report word (`2023年度报告`), or the year alone (`2023年度`).
pub fn is_report_in_column(label: &str) -> Option<i32> {
    let keyed = key(label);
    if NOT_A_REPORT.iter().any(|w| keyed.contains(w)) {
        return None;
    }
    let named = ["年度报告", "年报"].iter().any(|w| keyed.contains(w));
    if named {
        report_year(label)
    } else {
        bare_year(label)
    }
}

static YEAR_OF_REPORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(20\d\d)\s*年度").expect("valid regex"));
static YEAR_WITH_NIAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(20\d\d)\s*年").expect("valid regex"));
static CHINESE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"二[〇零○Ｏ0０]([〇零○Ｏ0０一二三四五六七八九])([〇零○Ｏ0０一二三四五六七八九])\s*年",
    )
    .expect("valid regex")
});
static BARE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^0-9])(20\d\d)(?:[^0-9]|$)").expect("valid regex"));

/// The year a report covers, as its title says: `2023年度` first (a title may
/// also name the year it was published in), then `2023年`, `二〇二三年`, a
/// bare `2023`.
pub fn report_year(title: &str) -> Option<i32> {
    let title = key(title);
    let title = title.as_str();
    let digits = |re: &Regex| re.captures(title).and_then(|c| c[1].parse::<i32>().ok());
    digits(&YEAR_OF_REPORT)
        .or_else(|| digits(&YEAR_WITH_NIAN))
        .or_else(|| {
            let c = CHINESE_YEAR.captures(title)?;
            Some(2000 + 10 * chinese_digit(&c[1])? + chinese_digit(&c[2])?)
        })
        .or_else(|| digits(&BARE_YEAR))
}

fn chinese_digit(s: &str) -> Option<i32> {
    let c = s.chars().next()?;
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as i32)
        .or_else(|| matches!(c, '零' | '○' | 'Ｏ' | '0' | '０').then_some(0))
}

/// A label that is only a year (`2023年`, `2023年度`, `2023`): in a column of
/// annual reports, that year's report.
pub fn bare_year(label: &str) -> Option<i32> {
    let keyed = key(label);
    let core = keyed.trim_end_matches('度').trim_end_matches('年');
    (core.len() == 4 && core.starts_with("20") && core.bytes().all(|b| b.is_ascii_digit()))
        .then(|| core.parse().ok())
        .flatten()
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})").expect("valid regex")
});

/// The first date in `text`, as `YYYY-MM-DD`.
pub fn date_in(text: &str) -> Option<String> {
    DATE.captures_iter(text).find_map(|c| {
        let (y, m, d): (u32, u32, u32) =
            (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
        ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
    })
}
